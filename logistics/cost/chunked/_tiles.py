"""Tile geometry of the chunked solver: cores, halo windows and the edge bands tiles exchange."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

__all__ = ["TileGrid", "intersect", "halo_strips", "edge_bands", "read_ring"]


@dataclass(frozen=True)
class TileGrid:
    """A grid of ``shape`` cells cut into tiles of ``tile`` cells with a halo of ``halo``."""

    shape: tuple[int, int]
    tile: tuple[int, int]
    halo: int

    @property
    def n_tiles(self) -> tuple[int, int]:
        """Tiles along (rows, cols)."""
        return (-(-self.shape[0] // self.tile[0]), -(-self.shape[1] // self.tile[1]))

    def core(self, t: tuple[int, int]) -> tuple[int, int, int, int]:
        """(r0, r1, c0, c1) of the cells tile ``t`` owns."""
        r0, c0 = t[0] * self.tile[0], t[1] * self.tile[1]
        return r0, min(r0 + self.tile[0], self.shape[0]), c0, min(c0 + self.tile[1], self.shape[1])

    def window(self, t: tuple[int, int]) -> tuple[int, int, int, int]:
        """The core of ``t`` grown by the halo, clipped to the grid."""
        return self.grow(self.core(t))

    def grow(self, rect: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
        """``rect`` grown by the halo on every side, clipped to the grid."""
        r0, r1, c0, c1 = rect
        h, (ny, nx) = self.halo, self.shape
        return max(r0 - h, 0), min(r1 + h, ny), max(c0 - h, 0), min(c1 + h, nx)

    def tiles_in(self, rect: tuple[int, int, int, int]) -> Iterator[tuple[int, int]]:
        """Tiles whose core intersects ``rect``."""
        r0, r1, c0, c1 = rect
        if r0 >= r1 or c0 >= c1:
            return
        for i in range(r0 // self.tile[0], (r1 - 1) // self.tile[0] + 1):
            for j in range(c0 // self.tile[1], (c1 - 1) // self.tile[1] + 1):
                yield i, j


def intersect(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> tuple[int, ...]:
    """Intersection of two (r0, r1, c0, c1) rectangles (may be empty)."""
    return max(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), min(a[3], b[3])


def halo_strips(grid: TileGrid, t: tuple[int, int]) -> list[tuple[int, int, int, int]]:
    """The four halo rectangles of ``t``'s window (top, bottom, left, right), maybe empty."""
    r0, r1, c0, c1 = grid.core(t)
    w0, w1, v0, v1 = grid.window(t)
    return [(w0, r0, v0, v1), (r1, w1, v0, v1), (r0, r1, v0, c0), (r0, r1, c1, v1)]


def edge_bands(core_cost: np.ndarray, h: int) -> tuple[np.ndarray, ...]:
    """Edge bands (top, bottom, left, right) of width ``h`` of a tile's core costs."""
    return (
        core_cost[:h].copy(),
        core_cost[-h:].copy(),
        core_cost[:, :h].copy(),
        core_cost[:, -h:].copy(),
    )


def read_ring(
    bands: tuple[np.ndarray, ...] | None,
    core: tuple[int, int, int, int],
    rect: tuple[int, int, int, int],
) -> np.ndarray:
    """Costs of the global cells ``rect``, which lie within the halo width of ``core``'s edge."""
    a0, a1, b0, b1 = rect
    out = np.full((a1 - a0, b1 - b0), np.inf)
    if bands is None:
        return out
    top, bottom, left, right = bands
    r0, r1, c0, c1 = core
    top_end = min(a1, r0 + top.shape[0])
    if a0 < top_end:
        out[: top_end - a0] = top[a0 - r0 : top_end - r0, b0 - c0 : b1 - c0]
    rb = r1 - bottom.shape[0]
    bot_start = max(a0, rb, top_end)
    if bot_start < a1:
        out[bot_start - a0 :] = bottom[bot_start - rb : a1 - rb, b0 - c0 : b1 - c0]
    m0, m1 = max(a0, top_end), min(a1, bot_start)
    if m0 < m1:
        left_end = min(b1, c0 + left.shape[1])
        if b0 < left_end:
            part = left[m0 - r0 : m1 - r0, b0 - c0 : left_end - c0]
            out[m0 - a0 : m1 - a0, : left_end - b0] = part
        cr = c1 - right.shape[1]
        right_start = max(b0, cr, left_end)
        if right_start < b1:
            part = right[m0 - r0 : m1 - r0, right_start - cr : b1 - cr]
            out[m0 - a0 : m1 - a0, right_start - b0 :] = part
        if max(b0, left_end) < min(b1, right_start):  # pragma: no cover - a halo geometry bug
            raise AssertionError(f"rect {rect} reaches inside core {core} beyond its edge bands")
    return out
