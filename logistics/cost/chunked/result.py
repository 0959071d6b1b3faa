"""The result of a chunked solve (a Zarr store), re-opening it, and tracing paths across tiles."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from logistics.cost.stencil import offsets
from logistics.errors import ConfigError, NoRouteError

__all__ = ["ChunkedStats", "ChunkedResult", "open_chunked", "traceback_chunked"]


@dataclass(frozen=True)
class ChunkedStats:
    """How much work the tiled solve did.

    ``tile_solves`` counts tile tasks (one band of one tile each, see the package docstring);
    ``max_solves_per_tile`` is the most any tile ran; ``tiles_solved`` of ``n_tiles`` were reached;
    ``seconds`` is the wall time of the whole call. ``cell_expansions`` counts the cells the tile
    solves expanded (halo cells included): over the number of reachable cells it is the rework
    (1 would mean no cell was expanded twice), and over the cells of a tile it is the work in
    whole-tile solves.
    """

    n_tiles: int
    tiles_solved: int
    tile_solves: int
    max_solves_per_tile: int
    seconds: float
    cell_expansions: int = 0


@dataclass(frozen=True)
class ChunkedResult:
    """Accumulated cost of a tiled solve, stored as a chunked Zarr store at ``path``.

    ``cost`` and ``backlink`` are dask arrays read lazily from the store (chunks of whole tiles).
    ``tile`` is the solver's tile shape; ``units`` the model's.
    When the run had no ``out`` the store is a temporary folder that lives as long as this object.
    """

    path: Path
    shape: tuple[int, int]
    tile: tuple[int, int]
    stencil: int
    reverse: bool
    units: str
    stats: ChunkedStats

    @property
    def cost(self) -> Any:
        """Accumulated cost (float64 dask array, ``inf`` unreachable), in the model's units."""
        import dask.array as da

        return da.from_zarr(str(self.path / "cost"))

    @property
    def backlink(self) -> Any:
        """Back-link offset index (int8 dask array, -1 at sources and unreached cells)."""
        import dask.array as da

        return da.from_zarr(str(self.path / "backlink"))


def open_chunked(path: str | os.PathLike[str]) -> ChunkedResult:
    """Re-open a store written by :func:`find_costs_chunked` (``out=path``)."""
    import zarr

    try:
        group = zarr.open_group(str(path), mode="r")
        a = dict(group.attrs)
        shape = tuple(group["cost"].shape)
        st = ChunkedStats(**a["stats"])
    except Exception as exc:  # zarr raises several types for a missing or foreign folder
        raise ConfigError(
            f"{path} is not a store written by find_costs_chunked ({exc}); run it with out={path!s}"
        ) from None
    return ChunkedResult(
        Path(path), shape, tuple(a["tile"]), int(a["stencil"]), bool(a["reverse"]), a["units"], st
    )


def traceback_chunked(result: ChunkedResult, target: Sequence[int]) -> np.ndarray:
    """The least-cost path as an (n, 2) array of (row, col), walking back-links across tiles.

    Ordered like :func:`logistics.cost.solver.traceback`: from the source to ``target`` (with
    ``reverse=True``, from ``target`` to the source it reaches). Only the store chunks the path
    crosses are read.
    """
    import zarr

    from logistics.cost.solver import _grid_cell

    r, c = _grid_cell(target, result.shape, "target")  # ConfigError / ExtentError, as in memory
    ny, nx = result.shape
    group = zarr.open_group(str(result.path), mode="r")
    cost_arr, back_arr = group["cost"], group["backlink"]
    if not np.isfinite(cost_arr[r, c]):
        raise NoRouteError(
            f"target {(r, c)} cannot be reached from the sources (its accumulated cost is inf); "
            "it is cut off by barriers or impassable grades"
        )
    off = offsets(result.stencil)
    th, tw = back_arr.chunks  # read whole store chunks, each once while the path stays in it
    cache: dict[tuple[int, int], np.ndarray] = {}
    path = [(r, c)]
    for _ in range(ny * nx):
        key = (r // th, c // tw)
        if key not in cache:
            if len(cache) > 8:
                cache.clear()
            cache[key] = back_arr[key[0] * th : (key[0] + 1) * th, key[1] * tw : (key[1] + 1) * tw]
        k = int(cache[key][r - key[0] * th, c - key[1] * tw])
        if k < 0:
            break
        di, dj = off[k]
        r, c = (r + di, c + dj) if result.reverse else (r - di, c - dj)
        path.append((r, c))
    else:  # pragma: no cover - back-links always descend in cost, so they cannot loop
        raise AssertionError("back-links form a loop")
    cells = np.array(path, dtype=np.int64)
    return cells if result.reverse else cells[::-1]
