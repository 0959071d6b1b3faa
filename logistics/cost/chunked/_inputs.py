"""What a tile solve reads: its window of the CostModel fields, from memory or staged tile files.

Lazy (dask) fields are written tile by tile to ``.npy`` files first (one dask task per tile), so
a window is read back by slicing at most a few memory-mapped files, never the whole grid. Fields
that already live in a file (``np.memmap``) are read window by window from that file.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from typing import Any

import numpy as np

from logistics.cost.chunked._tiles import TileGrid, intersect
from logistics.cost.model import BARRIER_CLASS, CostModel

__all__ = [
    "FIELDS", "ArraySource", "TileFileSource", "FileMapSource", "JoinedSource", "file_map",
    "tile_file", "stage_inputs", "window_model",
]

#: Fields of a CostModel that are per-cell arrays (the rest is the rule's small table).
FIELDS: tuple[str, ...] = ("class_index", "elevation_m", "scale", "enter", "river")


@dataclass(frozen=True)
class ArraySource:
    """Window reader over in-memory arrays (used in-process: nothing is copied)."""

    arrays: dict[str, np.ndarray]

    def window(self, rect: tuple[int, int, int, int]) -> dict[str, np.ndarray]:
        r0, r1, c0, c1 = rect
        return {k: np.ascontiguousarray(a[r0:r1, c0:c1]) for k, a in self.arrays.items()}


@dataclass(frozen=True)
class TileFileSource:
    """Window reader over per-tile ``.npy`` files written by :func:`stage_inputs`."""

    folder: str
    grid: TileGrid
    dtypes: dict[str, str]

    def window(self, rect: tuple[int, int, int, int]) -> dict[str, np.ndarray]:
        r0, r1, c0, c1 = rect
        out = {k: np.empty((r1 - r0, c1 - c0), dtype=d) for k, d in self.dtypes.items()}
        for t in self.grid.tiles_in(rect):
            q0, q1, p0, p1 = core = self.grid.core(t)
            a0, a1, b0, b1 = intersect(core, rect)
            for name, arr in out.items():
                tile = np.load(tile_file(self.folder, name, t), mmap_mode="r")
                part = tile[a0 - q0 : a1 - q0, b0 - p0 : b1 - p0]
                arr[a0 - r0 : a1 - r0, b0 - c0 : b1 - c0] = part
        return out


@dataclass(frozen=True)
class FileMapSource:
    """Window reader over fields that live in files (``np.memmap``, e.g. ``np.load(mmap_mode=
    "r")`` of a ``.npy``): each window is copied out of the file, so nothing is staged and the
    driver never reads the grid. On a cluster the files must be on a filesystem every worker
    sees."""

    files: dict[str, tuple[str, int, str, tuple[int, int]]]  # name: (path, offset, dtype, shape)

    def window(self, rect: tuple[int, int, int, int]) -> dict[str, np.ndarray]:
        r0, r1, c0, c1 = rect
        out = {}
        for name, (path, offset, dtype, shape) in self.files.items():
            mapped = np.memmap(path, mode="r", dtype=dtype, shape=shape, offset=offset)
            out[name] = np.array(mapped[r0:r1, c0:c1])  # a copy: the map is dropped here
            del mapped
        return out


@dataclass(frozen=True)
class JoinedSource:
    """Window reader joining the fields of several readers."""

    parts: tuple[Any, ...]

    def window(self, rect: tuple[int, int, int, int]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        for part in self.parts:
            out.update(part.window(rect))
        return out


def file_map(field: Any) -> tuple[str, int, str, tuple[int, int]] | None:
    """(path, offset, dtype, shape) of a whole C-ordered file mapping, else None."""
    import mmap

    if not (isinstance(field, np.memmap) and isinstance(field.base, mmap.mmap)):
        return None  # not a map, or a view of one (its offset would be wrong)
    if not field.flags.c_contiguous or not field.filename:
        return None
    return str(field.filename), int(field.offset), field.dtype.str, tuple(field.shape)


def tile_file(folder: str, name: str, t: tuple[int, int]) -> str:
    """Path of one tile of one staged field (or state array)."""
    return os.path.join(folder, f"{name}.{t[0]}.{t[1]}.npy")


def _save_block(block: np.ndarray, folder: str, name: str, block_info: Any = None) -> np.ndarray:
    """map_blocks body: write one tile of a staged field; returns a 1x1 placeholder."""
    i, j = block_info[0]["chunk-location"]
    np.save(tile_file(folder, name, (i, j)), np.ascontiguousarray(block))
    return np.zeros((1, 1), dtype=np.int8)


def stage_inputs(
    fields: dict[str, Any], grid: TileGrid, folder: str, client: Any, watch: Any = None
) -> TileFileSource:
    """Write every field tile by tile to ``folder`` (dask makes one tile at a time per worker;
    ``watch``, a :class:`~logistics.cost.cluster.Watch`, checks the cluster while it waits)."""
    import dask
    import dask.array as da

    saves = []
    for name, field in fields.items():
        if isinstance(field, np.ndarray):  # already here: cut it without a task graph
            for t in grid.tiles_in((0, grid.shape[0], 0, grid.shape[1])):
                r0, r1, c0, c1 = grid.core(t)
                np.save(tile_file(folder, name, t), np.ascontiguousarray(field[r0:r1, c0:c1]))
            continue
        arr = da.asarray(field).rechunk(grid.tile)
        n = grid.n_tiles
        saves.append(
            arr.map_blocks(
                _save_block, folder, name, dtype=np.int8, chunks=((1,) * n[0], (1,) * n[1])
            )
        )
    if saves and client is not None:
        from distributed import futures_of

        from logistics.cost.cluster import gather_or_drain

        gather_or_drain(client, futures_of(client.persist(saves)), watch=watch)
    elif saves:
        dask.compute(*saves, scheduler="sync")
    return TileFileSource(folder, grid, {k: np.dtype(v.dtype).str for k, v in fields.items()})


def window_model(template: CostModel, arrays: dict[str, np.ndarray]) -> CostModel:
    """The window's CostModel, the user's barriers burnt in as class 255 (as find_costs does)."""
    fields = {k: v for k, v in arrays.items() if k in FIELDS}
    if "barriers" in arrays:
        fields["class_index"] = np.where(
            arrays["barriers"].astype(bool), np.uint8(BARRIER_CLASS), fields["class_index"]
        ).astype(np.uint8)
    return dataclasses.replace(template, **fields)
