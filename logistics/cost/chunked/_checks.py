"""Checks of the chunked solver's input: chunks, sources, fields, and whether a tile fits memory."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from logistics import settings
from logistics.cost.chunked._inputs import FIELDS, window_model
from logistics.cost.model import CostModel
from logistics.cost.stencil import offsets
from logistics.errors import ConfigError, ExtentError, NoRouteError, ResourceError

__all__ = [
    "as_tile", "as_cells", "pick_cells", "checked_sources", "fields_of", "tile_memory_bytes",
    "check_memory",
]

#: Modelling assumption for the memory check: bytes the in-memory solver needs per window cell
#: beyond the input fields (cost and init float64, back-link int8, heap entries of index + key,
#: merge temporaries). Generous on purpose: a tile that passes the check must not swap.
_SOLVER_BYTES_PER_CELL: int = 64

#: Share of a worker's memory limit a single tile solve may use (dask spills at 60 %).
_MEMORY_SHARE: float = 0.5


def as_tile(chunks: Any, shape: tuple[int, int]) -> tuple[int, int]:
    """The tile shape (rows, cols) from ``chunks``, clipped to the grid; ConfigError if bad."""
    if chunks is None or chunks == "auto":
        chunks = settings.CHUNK_CELLS
    if isinstance(chunks, (int, np.integer)):
        chunks = (chunks, chunks)
    try:
        th, tw = (int(c) for c in chunks)
        ok = th == chunks[0] and tw == chunks[1] and th > 0 and tw > 0
        # chunks=True was tiles of 1 x 1 cell (int(True) == 1): a grid of millions of tiles
        ok = ok and not any(isinstance(c, (bool, np.bool_)) for c in chunks)
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ConfigError(
            f"chunks must be a positive cell count or a (rows, cols) pair of them, got {chunks!r}; "
            f"e.g. chunks={settings.CHUNK_CELLS}"
        )
    return min(th, shape[0]), min(tw, shape[1])


def as_cells(sources: Any, shape: tuple[int, int]) -> np.ndarray:
    """Source cells as an (n, 2) int array of (row, col); ExtentError outside the grid."""
    arr = np.asarray(sources)
    if arr.ndim == 1 and arr.size == 2:
        arr = arr[None, :]
    shape_ok = arr.ndim == 2 and arr.shape[1] == 2 and arr.shape[0] > 0
    if not shape_ok or not np.issubdtype(arr.dtype, np.integer):
        raise ConfigError(
            f"sources must be one (row, col) cell or a sequence of them (integers), got {sources!r}"
        )
    outside = (arr[:, 0] < 0) | (arr[:, 0] >= shape[0]) | (arr[:, 1] < 0) | (arr[:, 1] >= shape[1])
    if outside.any():
        raise ExtentError(
            f"source cells {arr[outside].tolist()} lie outside the grid of {shape[0]} x {shape[1]} "
            "cells; give (row, col) indices inside it"
        )
    return arr.astype(np.int64)


def pick_cells(fields: dict[str, Any], cells: np.ndarray) -> dict[str, np.ndarray]:
    """The value of every field at ``cells``, each a (1, n) array (dask fields computed)."""
    rows, cols = cells[:, 0], cells[:, 1]
    picked = {}
    for name, field in fields.items():
        vals = field.vindex[rows, cols].compute() if hasattr(field, "vindex") else field[rows, cols]
        picked[name] = np.asarray(vals)[None, :]
    return picked


def checked_sources(
    cells: np.ndarray, start_costs: Any, template: CostModel, picked: dict[str, np.ndarray]
) -> list[tuple[int, int, float]]:
    """Sources as (row, col, start cost) triples, checked like the in-memory solver does:
    ConfigError for bad start costs, NoRouteError for a source on a barrier (same rule).

    It loads the numba solver (its start-cost check, the kernel's barrier rule): on a cluster
    the driver runs it on a worker, which has that code loaded anyway, so the driver process
    never loads numba (~125 MB of the whole tree's memory at 1e8 cells).
    """
    from logistics.cost.kernel import kernel_inputs
    from logistics.cost.solver import barrier_mask, start_cost_values

    costs = start_cost_values(start_costs, len(cells))  # the in-memory solver's own check
    picked = dict(picked)
    blocked = picked.pop("barriers", np.zeros((1, len(cells)), bool)).astype(bool)
    blocked |= barrier_mask(kernel_inputs(window_model(template, picked)))
    if blocked.any():
        bad = [(int(r), int(c)) for r, c in cells[blocked[0]]]
        raise NoRouteError(
            f"source cells {bad} lie on barriers (class 255, NaN/inf scale, enter or "
            "elevation, or the barriers mask); move them onto passable ground"
        )
    return [(int(r), int(c), float(v)) for (r, c), v in zip(cells, costs)]


def fields_of(model: CostModel, barriers: Any) -> dict[str, Any]:
    """The per-cell arrays of ``model`` (and ``barriers``), checked to share one shape."""
    if not isinstance(model, CostModel):
        raise ConfigError(
            "find_costs_chunked expects a CostModel (numpy or dask fields), got "
            f"{type(model).__name__}"
        )
    fields = {k: getattr(model, k) for k in FIELDS if getattr(model, k) is not None}
    if barriers is not None:
        fields["barriers"] = barriers
    shape = tuple(model.class_index.shape)
    for name, arr in fields.items():
        if tuple(getattr(arr, "shape", ())) != shape:
            raise ConfigError(
                f"CostModel.{name} has shape {getattr(arr, 'shape', None)}, expected {shape} like "
                "class_index; resample every field to the same grid"
            )
    return fields


def tile_memory_bytes(model: CostModel, tile: tuple[int, int], *, stencil: int = 8) -> int:
    """Estimated peak bytes of one tile solve: window cells x (input fields + solver state)."""
    h = int(np.abs(offsets(stencil)).max())
    per_cell = _SOLVER_BYTES_PER_CELL + sum(
        np.dtype(getattr(model, k).dtype).itemsize for k in FIELDS if getattr(model, k) is not None
    )
    return (tile[0] + 2 * h) * (tile[1] + 2 * h) * per_cell


def check_memory(model: CostModel, tile: tuple[int, int], stencil: int, client: Any) -> None:
    """ResourceError if one tile solve would need more than half a worker's memory."""
    need = tile_memory_bytes(model, tile, stencil=stencil)
    if client is not None:
        from logistics.cost.cluster import worker_memory_bytes

        have, where = worker_memory_bytes(client), "a dask worker thread's share of memory"
    else:
        import psutil

        have, where = psutil.virtual_memory().available, "available memory"
    budget = int(have * _MEMORY_SHARE)
    if need > budget:
        halo = 2 * int(np.abs(offsets(stencil)).max())
        per_cell = need / ((tile[0] + halo) * (tile[1] + halo))
        edge = max(1, int(math.sqrt(budget / per_cell)) - halo)
        raise ResourceError(
            f"chunks of {tile[0]} x {tile[1]} cells need about {need / 2**30:.2f} GiB per tile "
            f"solve, more than half of {where} ({have / 2**30:.2f} GiB); chunks up to about "
            f"{edge} x {edge} cells fit: pass chunks={edge} or a worker with more memory"
        )
