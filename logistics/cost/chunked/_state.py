"""Where tiles keep their window costs between solves, and the output Zarr store they end in."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from logistics.cost.chunked._inputs import tile_file
from logistics.cost.chunked._tiles import TileGrid

__all__ = [
    "FileState", "MemoryState", "MEMORY_STATE_BYTES", "store_chunks", "store_chunk", "create_store",
]


@dataclass(frozen=True)
class FileState:
    """Tiles' window costs and back-links between solves, as raw .npy files any worker can map.

    A tile solve maps its two files read-write (``open``) and the solver works on them in place:
    no copy in or out per solve, and only the pages it touches are read.
    """

    folder: str

    def _files(self, t: tuple[int, int]) -> tuple[str, str]:
        return tile_file(self.folder, "cost", t), tile_file(self.folder, "backlink", t)

    def has(self, t: tuple[int, int]) -> bool:
        return os.path.exists(self._files(t)[1])

    def open(self, t: tuple[int, int], shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
        """(cost, backlink) of tile ``t``'s window, writable; inf / -1 on the first open."""
        cost_file, back_file = self._files(t)
        if not os.path.exists(back_file):
            cost = np.lib.format.open_memmap(cost_file, mode="w+", dtype=np.float64, shape=shape)
            cost[...] = np.inf
            back = np.lib.format.open_memmap(back_file, mode="w+", dtype=np.int8, shape=shape)
            back[...] = -1
        else:
            cost = np.load(cost_file, mmap_mode="r+")
            back = np.load(back_file, mmap_mode="r+")
        return np.asarray(cost), np.asarray(back)  # plain views of the maps (numba takes them)

    def load(self, t: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
        """(cost, backlink) of tile ``t``'s window, read-only maps."""
        cost_file, back_file = self._files(t)
        return np.load(cost_file, mmap_mode="r"), np.load(back_file, mmap_mode="r")


class MemoryState(dict):
    """The same, kept in this process (serial runs of grids that fit easily in memory)."""

    def has(self, t: tuple[int, int]) -> bool:
        return t in self

    def open(self, t: tuple[int, int], shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
        if t not in self:
            self[t] = (np.full(shape, np.inf), np.full(shape, -1, dtype=np.int8))
        return self[t]

    def load(self, t: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
        return self[t]


#: Largest grid state (cost + back-link bytes) a serial run keeps in memory instead of files.
MEMORY_STATE_BYTES: int = 256 * 2**20


#: Smallest edge (cells) of an output Zarr chunk: tiny tiles are grouped into one chunk, since
#: each chunk write costs a few milliseconds whatever its size.
_MIN_STORE_CHUNK: int = 256


def store_chunks(grid: TileGrid) -> tuple[int, int]:
    """Output chunk shape: a whole number of tiles, at least _MIN_STORE_CHUNK cells a side."""
    return tuple(  # type: ignore[return-value]
        min(t * -(-_MIN_STORE_CHUNK // t), n) for t, n in zip(grid.tile, grid.shape)
    )


def store_chunk(job: tuple[str, Any, TileGrid, tuple[int, int, int, int]]) -> None:
    """Write one output Zarr chunk from the state of the solved tiles inside it."""
    import zarr

    store, state, grid, rect = job
    r0, r1, c0, c1 = rect
    group = zarr.open_group(store, mode="r+")
    t = next(grid.tiles_in(rect))
    if grid.core(t) == rect and state.has(t):  # one tile: write from its state directly
        w0, _, v0, _ = grid.window(t)
        core = (slice(r0 - w0, r1 - w0), slice(c0 - v0, c1 - v0))
        # one array at a time, no chunk-sized copy of our own: a worker writing a 2048-cell
        # tile held ~36 MB less at the end of the run (the whole tree's peak)
        for name, arr in zip(("cost", "backlink"), state.load(t)):
            group[name][r0:r1, c0:c1] = arr[core]
            del arr
        return
    cost = np.full((r1 - r0, c1 - c0), np.inf)
    back = np.full((r1 - r0, c1 - c0), -1, dtype=np.int8)
    for t in grid.tiles_in(rect):
        if state.has(t):
            a0, a1, b0, b1 = grid.core(t)
            w0, _, v0, _ = grid.window(t)
            tile_cost, tile_back = state.load(t)  # the tile's window: cut its core
            core = (slice(a0 - w0, a1 - w0), slice(b0 - v0, b1 - v0))
            cost[a0 - r0 : a1 - r0, b0 - c0 : b1 - c0] = tile_cost[core]
            back[a0 - r0 : a1 - r0, b0 - c0 : b1 - c0] = tile_back[core]
            del tile_cost, tile_back
    group["cost"][r0:r1, c0:c1] = cost
    group["backlink"][r0:r1, c0:c1] = back


def create_store(
    folder: Path, shape: tuple[int, int], chunks: tuple[int, int], attrs: dict
) -> None:
    """An empty output store: ``cost`` (inf) and ``backlink`` (-1), ``attrs`` on the group."""
    import zarr
    from zarr.codecs import BloscCodec

    group = zarr.open_group(str(folder), mode="w")
    codec = BloscCodec(cname="lz4", clevel=1, shuffle="shuffle")
    group.create_array(
        "cost", shape=shape, chunks=chunks, dtype="f8", fill_value=np.inf, compressors=codec
    ).attrs.update({"units": attrs["units"]})
    group.create_array(
        "backlink", shape=shape, chunks=chunks, dtype="i1", fill_value=-1, compressors=codec
    ).attrs.update({"units": "offset index"})
    group.attrs.update(attrs)
