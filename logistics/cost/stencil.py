"""Neighbour stencils of the cost engine: 8 king moves, plus 8 knight moves for 16.

Offsets are ``(di, dj)`` in (rows, cols). Rows grow southward (north-up grids), so ``di = -1`` is
one cell north.
"""

from __future__ import annotations

import numpy as np

__all__ = ["OFFSETS_8", "OFFSETS_16", "offsets"]

OFFSETS_8: np.ndarray = np.array(
    [(-1, 0), (1, 0), (0, -1), (0, 1), (-1, -1), (-1, 1), (1, -1), (1, 1)], dtype=np.int64
)
OFFSETS_16: np.ndarray = np.concatenate(
    [
        OFFSETS_8,
        np.array(
            [(-2, -1), (-2, 1), (2, -1), (2, 1), (-1, -2), (-1, 2), (1, -2), (1, 2)],
            dtype=np.int64,
        ),
    ]
)


def offsets(stencil: int) -> np.ndarray:
    """The offsets of an 8- or 16-neighbour stencil; anything else is a ConfigError."""
    from logistics.errors import ConfigError

    if stencil == 8:
        return OFFSETS_8
    if stencil == 16:
        return OFFSETS_16
    raise ConfigError(f"stencil must be 8 or 16 neighbours, got {stencil!r}")
