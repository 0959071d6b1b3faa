"""Exact accumulated cost on grids larger than memory: tiles solved by the in-memory solver.

The grid is cut into tiles of ``chunks`` cells. Each tile owns its *core*; a solve of tile T runs
:func:`logistics.cost.solver.find_costs` on T's *window* (the core plus a halo of ``h`` cells:
1 for the 8-neighbour stencil, 2 for 16, so every move that ends in the core starts, and crosses
only cells, inside the window) with ``init_cost`` = the current best costs of the window: T's own
core (kept in the output store) and the halo (edge bands of the neighbouring cores, as they last
came out). A core cell whose cost drops takes the window solver's back-link. A solve that lowers a
cell within ``h`` of another tile queues that tile again (label-correcting over tiles). Queued
tiles are taken lowest cost first, like Dijkstra, so most tiles are solved once or twice.

Why it is exact: every stored cost is the cost of a real path, so it can only be too high. When
the queue is empty, each tile's last solve saw the final values of its whole window, so every move
``p -> q`` satisfies ``cost[q] <= cost[p] + w(p, q)``; with the sources at their start costs that
makes every cost the shortest-path cost. The same path sums the same numbers in the same order,
so the result equals the in-memory solver's to float rounding (ties may pick other back-links).

Memory: the driver keeps only the tiles' edge bands (``4 * h * edge`` floats per tile); a tile
solve holds one window. Costs and back-links live in a Zarr store (``cost`` float64 with ``inf``
unreachable, ``backlink`` int8 with -1 at sources/unreached, one Zarr chunk per tile) that is
written in a temporary folder and moved onto ``out`` only when the run succeeds, so a failed or
cancelled run leaves no partial output. Lazy inputs (dask-backed :class:`CostModel` fields, e.g.
from ``load_terrain(chunks=...)``, or generated per block) are first written tile by tile to a
scratch folder, so nothing is ever whole in memory and a re-solve reads back only its window.

Tiles run on a dask.distributed ``Client`` when one is given (or is the default client); without
one they run one after another in this process. See :mod:`logistics.cost.cluster` for clusters.
"""

from __future__ import annotations

import contextlib
import dataclasses
import heapq
import math
import os
import shutil
import sys
import tempfile
import time
import weakref
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from logistics import settings
from logistics._atomic import atomic_dir
from logistics.cost.model import BARRIER_CLASS, CostModel
from logistics.cost.stencil import offsets
from logistics.errors import ConfigError, ExtentError, NoRouteError, ResourceError

__all__ = [
    "ChunkedStats",
    "ChunkedResult",
    "find_costs_chunked",
    "traceback_chunked",
    "open_chunked",
    "tile_memory_bytes",
]

#: Fields of a CostModel that are per-cell arrays (the rest is the rule's small table).
_FIELDS: tuple[str, ...] = ("class_index", "elevation_m", "scale", "enter")

#: Modelling assumption for the memory check: bytes the in-memory solver needs per window cell
#: beyond the input fields (cost and init float64, back-link int8, heap entries of index + key,
#: merge temporaries). Generous on purpose: a tile that passes the check must not swap.
_SOLVER_BYTES_PER_CELL: int = 64

#: Share of a worker's memory limit a single tile solve may use (dask spills at 60 %).
_MEMORY_SHARE: float = 0.5


@dataclass(frozen=True)
class ChunkedStats:
    """How much work the tiled solve did.

    ``tile_solves`` counts window solves; ``max_solves_per_tile`` is the label-correcting depth
    (1 would mean no tile was ever revisited); ``tiles_solved`` of ``n_tiles`` were reached.
    """

    n_tiles: int
    tiles_solved: int
    tile_solves: int
    max_solves_per_tile: int
    seconds: float


@dataclass(frozen=True)
class ChunkedResult:
    """Accumulated cost of a tiled solve, stored as a chunked Zarr store at ``path``.

    ``cost`` and ``backlink`` are dask arrays read lazily from the store (one chunk per tile).
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


# --------------------------------------------------------------------------------------------
# Tiles


@dataclass(frozen=True)
class _TileGrid:
    """A grid of ``shape`` cells cut into tiles of ``tile`` cells with a halo of ``halo``."""

    shape: tuple[int, int]
    tile: tuple[int, int]
    halo: int

    @property
    def n_tiles(self) -> tuple[int, int]:
        return (-(-self.shape[0] // self.tile[0]), -(-self.shape[1] // self.tile[1]))

    def core(self, t: tuple[int, int]) -> tuple[int, int, int, int]:
        """(r0, r1, c0, c1) of the cells tile ``t`` owns."""
        r0, c0 = t[0] * self.tile[0], t[1] * self.tile[1]
        return r0, min(r0 + self.tile[0], self.shape[0]), c0, min(c0 + self.tile[1], self.shape[1])

    def window(self, t: tuple[int, int]) -> tuple[int, int, int, int]:
        """The core of ``t`` grown by the halo, clipped to the grid."""
        return self.grow(self.core(t))

    def grow(self, rect: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
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


def _intersect(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> tuple[int, ...]:
    return max(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), min(a[3], b[3])


def _halo_strips(grid: _TileGrid, t: tuple[int, int]) -> list[tuple[int, int, int, int]]:
    """The four halo rectangles of ``t``'s window (top, bottom, left, right), maybe empty."""
    r0, r1, c0, c1 = grid.core(t)
    w0, w1, v0, v1 = grid.window(t)
    return [(w0, r0, v0, v1), (r1, w1, v0, v1), (r0, r1, v0, c0), (r0, r1, c1, v1)]


def _bands(core_cost: np.ndarray, h: int) -> tuple[np.ndarray, ...]:
    """Edge bands (top, bottom, left, right) of width ``h`` of a tile's core costs."""
    return (
        core_cost[:h].copy(),
        core_cost[-h:].copy(),
        core_cost[:, :h].copy(),
        core_cost[:, -h:].copy(),
    )


def _read_ring(
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
            out[m0 - a0 : m1 - a0, : left_end - b0] = left[m0 - r0 : m1 - r0, b0 - c0 : left_end - c0]
        cr = c1 - right.shape[1]
        right_start = max(b0, cr, left_end)
        if right_start < b1:
            out[m0 - a0 : m1 - a0, right_start - b0 :] = right[m0 - r0 : m1 - r0, right_start - cr : b1 - cr]
        if max(b0, left_end) < min(b1, right_start):  # pragma: no cover - would be a bug in the halo geometry
            raise AssertionError(f"rect {rect} reaches inside core {core} beyond its edge bands")
    return out


# --------------------------------------------------------------------------------------------
# Where a tile solve reads its model window


@dataclass(frozen=True)
class _ArraySource:
    """Window reader over in-memory arrays (used in-process: nothing is copied)."""

    arrays: dict[str, np.ndarray]

    def window(self, rect: tuple[int, int, int, int]) -> dict[str, np.ndarray]:
        r0, r1, c0, c1 = rect
        return {k: np.ascontiguousarray(a[r0:r1, c0:c1]) for k, a in self.arrays.items()}


@dataclass(frozen=True)
class _TileFileSource:
    """Window reader over per-tile ``.npy`` files written by :func:`_stage_inputs`."""

    folder: str
    grid: _TileGrid
    dtypes: dict[str, str]

    def window(self, rect: tuple[int, int, int, int]) -> dict[str, np.ndarray]:
        r0, r1, c0, c1 = rect
        out = {k: np.empty((r1 - r0, c1 - c0), dtype=d) for k, d in self.dtypes.items()}
        for t in self.grid.tiles_in(rect):
            q0, q1, p0, p1 = core = self.grid.core(t)
            a0, a1, b0, b1 = _intersect(core, rect)
            for name, arr in out.items():
                tile = np.load(_tile_file(self.folder, name, t), mmap_mode="r")
                arr[a0 - r0 : a1 - r0, b0 - c0 : b1 - c0] = tile[a0 - q0 : a1 - q0, b0 - p0 : b1 - p0]
        return out


def _tile_file(folder: str, name: str, t: tuple[int, int]) -> str:
    return os.path.join(folder, f"{name}.{t[0]}.{t[1]}.npy")


def _save_block(block: np.ndarray, folder: str, name: str, block_info: Any = None) -> np.ndarray:
    """map_blocks body: write one tile of a staged field; returns a 1x1 placeholder."""
    i, j = block_info[0]["chunk-location"]
    np.save(_tile_file(folder, name, (i, j)), np.ascontiguousarray(block))
    return np.zeros((1, 1), dtype=np.int8)


def _stage_inputs(
    fields: dict[str, Any], grid: _TileGrid, folder: str, client: Any
) -> _TileFileSource:
    """Write every field tile by tile to ``folder`` (dask computes one tile at a time per worker)."""
    import dask
    import dask.array as da

    saves = []
    for name, field in fields.items():
        if isinstance(field, np.ndarray):  # already here: cut it without a task graph
            for t in grid.tiles_in((0, grid.shape[0], 0, grid.shape[1])):
                r0, r1, c0, c1 = grid.core(t)
                np.save(_tile_file(folder, name, t), np.ascontiguousarray(field[r0:r1, c0:c1]))
            continue
        arr = da.asarray(field).rechunk(grid.tile)
        n = grid.n_tiles
        saves.append(
            arr.map_blocks(
                _save_block, folder, name, dtype=np.int8, chunks=((1,) * n[0], (1,) * n[1])
            )
        )
    if saves and client is not None:
        client.compute(saves, sync=True)
    elif saves:
        dask.compute(*saves, scheduler="sync")
    return _TileFileSource(folder, grid, {k: np.dtype(v.dtype).str for k, v in fields.items()})


# --------------------------------------------------------------------------------------------
# One tile solve (runs on a worker)


@dataclass(frozen=True)
class _TileJob:
    tile: tuple[int, int]
    grid: _TileGrid
    template: CostModel
    source: Any
    state: Any
    strips: tuple[np.ndarray, ...]
    seeds: tuple[tuple[int, int, float], ...]
    first: bool
    stencil: int
    reverse: bool


@dataclass(frozen=True)
class _TileOutcome:
    tile: tuple[int, int]
    bands: tuple[np.ndarray, ...]
    n_improved: int
    min_cost_per_m: float


#: Relative slack on the lower bound of a move's cost, so float rounding never makes it too high.
_BOUND_SLACK: float = 1e-6


def _min_cost_per_m(template: CostModel, scale: np.ndarray | None) -> float:
    """A lower bound of the per-metre cost of any move in a window (table minimum x scale)."""
    table = np.asarray(template.table, dtype=np.float64)
    finite = table[np.isfinite(table)]
    if finite.size == 0:
        return np.inf
    low = float(finite.min())
    if scale is not None:
        s = scale[np.isfinite(scale)]
        low *= float(s.min()) if s.size else 1.0
    return low * (1.0 - _BOUND_SLACK)


def _window_model(template: CostModel, arrays: dict[str, np.ndarray]) -> CostModel:
    """The window's CostModel, with the user's barriers burnt in as class 255 (as find_costs does)."""
    fields = {k: v for k, v in arrays.items() if k in _FIELDS}
    if "barriers" in arrays:
        fields["class_index"] = np.where(
            arrays["barriers"].astype(bool), np.uint8(BARRIER_CLASS), fields["class_index"]
        ).astype(np.uint8)
    return dataclasses.replace(template, **fields)


def _sub_model(model: CostModel, rect: tuple[int, int, int, int]) -> CostModel:
    r0, r1, c0, c1 = rect
    cut = {k: getattr(model, k)[r0:r1, c0:c1] for k in _FIELDS if getattr(model, k) is not None}
    return dataclasses.replace(model, **cut)


def _improvable(
    model: CostModel, init: np.ndarray, in_core: np.ndarray, stencil: int, reverse: bool
) -> np.ndarray:
    """Bool (window): halo seeds with a move that lowers a core cell now, and those core cells.

    One relaxation of every move between a halo cell and a core cell, priced by the kernel, so a
    re-solve that cannot change anything is skipped, and one that can starts near where it does.
    """
    from logistics.cost.kernel import edge_costs, kernel_inputs

    inp = kernel_inputs(model)
    ny, nx = init.shape
    halo_r, halo_c = np.nonzero(~in_core & np.isfinite(init))
    hit = np.zeros(init.shape, dtype=bool)
    for k, (di, dj) in enumerate(offsets(stencil)):
        qr, qc = halo_r + di, halo_c + dj
        keep = (qr >= 0) & (qr < ny) & (qc >= 0) & (qc < nx)
        pr, pc, qr, qc = halo_r[keep], halo_c[keep], qr[keep], qc[keep]
        keep = in_core[qr, qc]
        pr, pc, qr, qc = pr[keep], pc[keep], qr[keep], qc[keep]
        if reverse:  # cost to the sources: the move runs from the core cell q to the halo cell p
            w = edge_costs(inp, qr, qc, np.full(qr.size, _OPPOSITE[k]))
        else:
            w = edge_costs(inp, pr, pc, np.full(pr.size, k))
        lower = init[pr, pc] + w < init[qr, qc]
        hit[pr[lower], pc[lower]] = True
        hit[qr[lower], qc[lower]] = True
    return hit


#: Index in OFFSETS_16 of the opposite of each offset (reverse moves).
_OPPOSITE: np.ndarray = np.array(
    [int(np.flatnonzero((offsets(16) == -o).all(axis=1))[0]) for o in offsets(16)]
)

#: First margin (cells) around the cells a re-solve can lower; grown 4x while lowering spreads.
_FIRST_MARGIN: int = 32


def _relax(
    model: CostModel, init: np.ndarray, start: np.ndarray | None, stencil: int, reverse: bool
) -> tuple[np.ndarray, np.ndarray, tuple[int, int, int, int]]:
    """Window solve from ``init``, first on a box around ``start`` (None = whole window).

    A box solve is final unless some cell within the halo width of an inner side of the box got
    lower (the lowering could spread beyond); then the box grows 4x, up to the whole window.
    Returns (cost, backlink, box) of the last solve.
    """
    from logistics.cost.solver import find_costs

    ny, nx = init.shape
    h = int(np.abs(offsets(stencil)).max())
    whole = (0, ny, 0, nx)
    if start is None:
        box, margin = whole, 0
    else:
        rows, cols = np.nonzero(start)
        margin = _FIRST_MARGIN
        box = (rows.min(), rows.max() + 1, cols.min(), cols.max() + 1)
    while True:
        b = whole if box == whole else (
            max(box[0] - margin, 0), min(box[1] + margin, ny),
            max(box[2] - margin, 0), min(box[3] + margin, nx),
        )
        r0, r1, c0, c1 = b
        sub_init = init[r0:r1, c0:c1]
        acc = find_costs(
            _sub_model(model, b), None, init_cost=sub_init, stencil=stencil, reverse=reverse
        )
        if b == whole:
            return acc.cost, acc.backlink, b
        lower = acc.cost < sub_init
        spread = (
            (r0 > 0 and lower[:h].any())
            or (r1 < ny and lower[-h:].any())
            or (c0 > 0 and lower[:, :h].any())
            or (c1 < nx and lower[:, -h:].any())
        )
        if not spread:
            return acc.cost, acc.backlink, b
        margin *= 4


@dataclass(frozen=True)
class _FileState:
    """Tiles' core costs and back-links between solves, as raw .npy files any worker can read."""

    folder: str

    def _files(self, t: tuple[int, int]) -> tuple[str, str]:
        return _tile_file(self.folder, "cost", t), _tile_file(self.folder, "backlink", t)

    def has(self, t: tuple[int, int]) -> bool:
        return os.path.exists(self._files(t)[0])

    def load(self, t: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
        cost_file, back_file = self._files(t)
        return np.load(cost_file), np.load(back_file)

    def save(self, t: tuple[int, int], cost: np.ndarray, back: np.ndarray) -> None:
        cost_file, back_file = self._files(t)
        np.save(cost_file, cost)
        np.save(back_file, back)


class _MemoryState(dict):
    """The same, kept in this process (serial runs of grids that fit easily in memory)."""

    def has(self, t: tuple[int, int]) -> bool:
        return t in self

    def load(self, t: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
        return self[t]

    def save(self, t: tuple[int, int], cost: np.ndarray, back: np.ndarray) -> None:
        self[t] = (cost, back)


#: Largest grid state (cost + back-link bytes) a serial run keeps in memory instead of files.
_MEMORY_STATE_BYTES: int = 256 * 2**20


#: Smallest edge (cells) of an output Zarr chunk: tiny tiles are grouped into one chunk, since
#: each chunk write costs a few milliseconds whatever its size.
_MIN_STORE_CHUNK: int = 256


def _store_chunks(grid: _TileGrid) -> tuple[int, int]:
    """Output chunk shape: a whole number of tiles, at least _MIN_STORE_CHUNK cells a side."""
    return tuple(  # type: ignore[return-value]
        min(t * -(-_MIN_STORE_CHUNK // t), n) for t, n in zip(grid.tile, grid.shape)
    )


def _store_chunk(job: tuple[str, Any, _TileGrid, tuple[int, int, int, int]]) -> None:
    """Write one output Zarr chunk from the state of the solved tiles inside it."""
    import zarr

    store, state, grid, rect = job
    r0, r1, c0, c1 = rect
    cost = np.full((r1 - r0, c1 - c0), np.inf)
    back = np.full((r1 - r0, c1 - c0), -1, dtype=np.int8)
    for t in grid.tiles_in(rect):
        if state.has(t):
            a0, a1, b0, b1 = grid.core(t)
            tile_cost, tile_back = state.load(t)
            cost[a0 - r0 : a1 - r0, b0 - c0 : b1 - c0] = tile_cost
            back[a0 - r0 : a1 - r0, b0 - c0 : b1 - c0] = tile_back
    group = zarr.open_group(store, mode="r+")
    group["cost"][r0:r1, c0:c1] = cost
    group["backlink"][r0:r1, c0:c1] = back


def _solve_tile(job: _TileJob) -> _TileOutcome:
    """Solve one window seeded with the current costs; store the core where it improved."""
    grid = job.grid
    r0, r1, c0, c1 = grid.core(job.tile)
    w0, w1, v0, v1 = wrect = grid.window(job.tile)
    arrays = job.source.window(wrect)
    model = _window_model(job.template, arrays)
    init = np.full((w1 - w0, v1 - v0), np.inf)
    core = (slice(r0 - w0, r1 - w0), slice(c0 - v0, c1 - v0))
    if job.first:
        old_cost = np.full((r1 - r0, c1 - c0), np.inf)
        old_back = np.full((r1 - r0, c1 - c0), -1, dtype=np.int8)
    else:
        old_cost, old_back = job.state.load(job.tile)
    init[core] = old_cost
    for (a0, a1, b0, b1), strip in zip(_halo_strips(grid, job.tile), job.strips):
        init[a0 - w0 : a1 - w0, b0 - v0 : b1 - v0] = strip
    start = None
    if not job.first:
        in_core = np.zeros(init.shape, dtype=bool)
        in_core[core] = True
        start = _improvable(model, init, in_core, job.stencil, job.reverse)
    for r, c, value in job.seeds:
        if value < init[r - w0, c - v0]:
            init[r - w0, c - v0] = value
            if start is not None:
                start[r - w0, c - v0] = True
    n_improved = 0
    if start is None or start.any():
        cost, back, (b0, b1, b2, b3) = _relax(model, init, start, job.stencil, job.reverse)
        # the core part of the solved box, in core coordinates
        q0, q1 = max(b0, core[0].start), min(b1, core[0].stop)
        p0, p1 = max(b2, core[1].start), min(b3, core[1].stop)
        new = cost[q0 - b0 : q1 - b0, p0 - b2 : p1 - b2]
        tgt = (slice(q0 - core[0].start, q1 - core[0].start), slice(p0 - core[1].start, p1 - core[1].start))
        improved = new < old_cost[tgt]
        n_improved = int(np.count_nonzero(improved))
        if n_improved:
            old_cost[tgt] = np.where(improved, new, old_cost[tgt])
            links = back[q0 - b0 : q1 - b0, p0 - b2 : p1 - b2]
            old_back[tgt] = np.where(improved, links, old_back[tgt])
    if n_improved or job.first:
        job.state.save(job.tile, old_cost, old_back)
    return _TileOutcome(
        job.tile, _bands(old_cost, grid.halo), n_improved,
        _min_cost_per_m(job.template, arrays.get("scale")),
    )


# --------------------------------------------------------------------------------------------
# Running tile solves: in this process, or on a dask.distributed client


class _SerialRunner:
    """Runs each job at submission, in this process."""

    slots = 1

    def __init__(self) -> None:
        self._done: list[_TileOutcome] = []

    def submit(self, job: _TileJob) -> None:
        self._done.append(_solve_tile(job))

    def next_done(self) -> _TileOutcome:
        return self._done.pop()

    def abort(self) -> None:
        self._done.clear()

    def map(self, fn: Any, jobs: list) -> None:
        for job in jobs:
            fn(job)


class _ClientRunner:
    """Submits jobs to a dask.distributed client; one in flight per worker thread."""

    def __init__(self, client: Any) -> None:
        from distributed import as_completed

        self._client = client
        self._pending: as_completed = as_completed()
        self._futures: set[Any] = set()
        self.slots = max(1, sum(client.nthreads().values()))

    def submit(self, job: _TileJob) -> None:
        fut = self._client.submit(_solve_tile, job, pure=False, key=f"tile-{job.tile}-{time.time_ns()}")
        self._futures.add(fut)
        self._pending.add(fut)

    def next_done(self) -> _TileOutcome:
        fut = next(self._pending)
        self._futures.discard(fut)
        return fut.result()

    def abort(self) -> None:
        """Stop queued jobs and wait for running ones, so none writes after the store is gone."""
        from distributed import wait

        with contextlib.suppress(Exception):
            wait(list(self._futures), timeout=600)
        self._client.cancel(list(self._futures))
        self._futures.clear()

    def map(self, fn: Any, jobs: list) -> None:
        self._client.gather(self._client.map(fn, jobs, pure=False))


def _default_client() -> Any:
    try:
        from distributed import default_client

        return default_client()
    except (ImportError, ValueError):
        return None


# --------------------------------------------------------------------------------------------
# Checks of the user's input


def _as_tile(chunks: Any, shape: tuple[int, int]) -> tuple[int, int]:
    if chunks is None or chunks == "auto":
        chunks = settings.CHUNK_CELLS
    if isinstance(chunks, (int, np.integer)):
        chunks = (chunks, chunks)
    try:
        th, tw = (int(c) for c in chunks)
        ok = th == chunks[0] and tw == chunks[1] and th > 0 and tw > 0
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ConfigError(
            f"chunks must be a positive cell count or a (rows, cols) pair of them, got {chunks!r}; "
            f"e.g. chunks={settings.CHUNK_CELLS}"
        )
    return min(th, shape[0]), min(tw, shape[1])


def _as_sources(
    sources: Any, start_costs: Any, shape: tuple[int, int]
) -> list[tuple[int, int, float]]:
    arr = np.asarray(sources)
    if arr.ndim == 1 and arr.size == 2:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] != 2 or arr.shape[0] == 0 or not np.issubdtype(arr.dtype, np.integer):
        raise ConfigError(
            f"sources must be one (row, col) cell or a sequence of them (integers), got {sources!r}"
        )
    outside = (arr[:, 0] < 0) | (arr[:, 0] >= shape[0]) | (arr[:, 1] < 0) | (arr[:, 1] >= shape[1])
    if outside.any():
        raise ExtentError(
            f"source cells {arr[outside].tolist()} lie outside the grid of {shape[0]} x {shape[1]} "
            "cells; give (row, col) indices inside it"
        )
    costs = np.zeros(len(arr)) if start_costs is None else np.broadcast_to(
        np.asarray(start_costs, dtype=float), (len(arr),)
    )
    if not np.all(np.isfinite(costs)) or np.any(costs < 0):
        raise ConfigError(f"start_costs must be finite and >= 0, got {start_costs!r}")
    return [(int(r), int(c), float(v)) for (r, c), v in zip(arr, costs)]


def _check_sources_passable(
    template: CostModel, fields: dict[str, Any], seeds: list[tuple[int, int, float]]
) -> None:
    """NoRouteError for a source on a barrier, like the in-memory solver (same barrier rule)."""
    from logistics.cost.kernel import kernel_inputs
    from logistics.cost.solver import barrier_mask

    rows = np.array([s[0] for s in seeds])
    cols = np.array([s[1] for s in seeds])
    picked = {}
    for name, field in fields.items():
        vals = field.vindex[rows, cols].compute() if hasattr(field, "vindex") else field[rows, cols]
        picked[name] = np.asarray(vals)[None, :]
    blocked = picked.pop("barriers", np.zeros((1, len(seeds)), bool)).astype(bool)
    blocked |= barrier_mask(kernel_inputs(_window_model(template, picked)))
    if blocked.any():
        cells = [(int(r), int(c)) for r, c in zip(rows[blocked[0]], cols[blocked[0]])]
        raise NoRouteError(
            f"source cells {cells} lie on barriers (class 255, NaN/inf scale, enter or "
            "elevation, or the barriers mask); move them onto passable ground"
        )


def _fields_of(model: CostModel, barriers: Any) -> dict[str, Any]:
    if not isinstance(model, CostModel):
        raise ConfigError(
            f"find_costs_chunked expects a CostModel (numpy or dask fields), got {type(model).__name__}"
        )
    fields = {k: getattr(model, k) for k in _FIELDS if getattr(model, k) is not None}
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
        np.dtype(getattr(model, k).dtype).itemsize for k in _FIELDS if getattr(model, k) is not None
    )
    return (tile[0] + 2 * h) * (tile[1] + 2 * h) * per_cell


def _check_memory(model: CostModel, tile: tuple[int, int], stencil: int, client: Any) -> None:
    need = tile_memory_bytes(model, tile, stencil=stencil)
    if client is not None:
        from logistics.cost.cluster import worker_memory_bytes

        have, where = worker_memory_bytes(client), "the smallest dask worker's memory limit"
    else:
        import psutil

        have, where = psutil.virtual_memory().available, "available memory"
    budget = int(have * _MEMORY_SHARE)
    if need > budget:
        per_cell = need / ((tile[0] + 4) * (tile[1] + 4))
        edge = max(1, int(math.sqrt(budget / per_cell)) - 4)
        raise ResourceError(
            f"chunks of {tile[0]} x {tile[1]} cells need about {need / 2**30:.2f} GiB per tile "
            f"solve, more than half of {where} ({have / 2**30:.2f} GiB); chunks up to about "
            f"{edge} x {edge} cells fit: pass chunks={edge} or a worker with more memory"
        )


# --------------------------------------------------------------------------------------------
# The driver


class _Driver:
    """Label-correcting loop over tiles: keeps the edge bands and the queue of tiles to solve."""

    def __init__(
        self, grid: _TileGrid, make_job: Any, runner: Any, stencil: int,
        cellsize_m: tuple[float, float],
    ) -> None:
        self.grid, self.make_job, self.runner = grid, make_job, runner
        offs = offsets(stencil)
        self.moves = [
            (int(di), int(dj), float(np.hypot(dj * cellsize_m[0], di * cellsize_m[1])))
            for di, dj in offs
        ]
        self.bands: dict[tuple[int, int], tuple[np.ndarray, ...]] = {}
        self.cost_per_m: dict[tuple[int, int], float] = {}
        self.queued: dict[tuple[int, int], float] = {}
        self.heap: list[tuple[float, tuple[int, int]]] = []
        self.running: set[tuple[int, int]] = set()
        self.solves: dict[tuple[int, int], int] = {}

    def queue(self, t: tuple[int, int], priority: float) -> None:
        if priority < self.queued.get(t, np.inf):
            self.queued[t] = priority
            heapq.heappush(self.heap, (priority, t))

    def _pop_ready(self) -> tuple[int, int] | None:
        """Lowest-cost queued tile that is not running (running ones wait in the heap)."""
        skipped, found = [], None
        while self.heap:
            p, t = heapq.heappop(self.heap)
            if self.queued.get(t) != p:
                continue  # stale entry
            if t in self.running:
                skipped.append((p, t))
                continue
            found = t
            del self.queued[t]
            break
        for item in skipped:
            heapq.heappush(self.heap, item)
        return found

    def _strips(self, t: tuple[int, int]) -> tuple[np.ndarray, ...]:
        out = []
        for rect in _halo_strips(self.grid, t):
            strip = np.full((rect[1] - rect[0], rect[3] - rect[2]), np.inf)
            for n in self.grid.tiles_in(rect):
                part = _intersect(self.grid.core(n), rect)
                strip[
                    part[0] - rect[0] : part[1] - rect[0], part[2] - rect[2] : part[3] - rect[2]
                ] = _read_ring(self.bands.get(n), self.grid.core(n), part)
            out.append(strip)
        return tuple(out)

    def _can_lower(self, n: tuple[int, int], part: tuple[int, ...], new: np.ndarray) -> np.ndarray:
        """Cells of ``part`` (outside tile n) whose ``new`` cost could lower a cell of n's core.

        A move p -> q costs at least its length times n's per-metre lower bound, so p can only
        lower q if ``new[p] + length * bound < cost[q]``. Tiles not yet solved, or whose bands
        are stale because they are running, only make this test let more cells through.
        """
        bands = self.bands.get(n)
        if bands is None:
            return np.ones(new.shape, dtype=bool)
        h = self.grid.halo
        a0, a1, b0, b1 = part
        big = (a0 - h, a1 + h, b0 - h, b1 + h)
        near = np.full((a1 - a0 + 2 * h, b1 - b0 + 2 * h), -np.inf)
        g = _intersect(big, self.grid.core(n))
        if g[0] < g[1] and g[2] < g[3]:
            near[g[0] - big[0] : g[1] - big[0], g[2] - big[2] : g[3] - big[2]] = _read_ring(
                bands, self.grid.core(n), g
            )
        bound = self.cost_per_m.get(n, 0.0)
        ok = np.zeros(new.shape, dtype=bool)
        for di, dj, length in self.moves:
            q = near[h + di : h + di + new.shape[0], h + dj : h + dj + new.shape[1]]
            ok |= new + length * bound < q
        return ok

    def _absorb(self, outcome: _TileOutcome) -> None:
        """Store a tile's new edge bands and queue the neighbours whose halo they lowered."""
        t = outcome.tile
        self.running.discard(t)
        old = self.bands.get(t)
        self.bands[t] = outcome.bands
        self.cost_per_m[t] = outcome.min_cost_per_m
        if not outcome.n_improved:
            return
        core = self.grid.core(t)
        for n in self.grid.tiles_in(self.grid.grow(core)):
            if n == t:
                continue
            part = _intersect(self.grid.window(n), core)
            new = _read_ring(outcome.bands, core, part)
            lower = new < _read_ring(old, core, part)
            if lower.any():
                lower &= self._can_lower(n, part, new)
            if lower.any():
                self.queue(n, float(new[lower].min()))

    def run(self, progress: bool) -> None:
        bar = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(desc="tile solves", unit="tile", file=sys.stderr)
        try:
            while self.queued or self.running:
                while len(self.running) < self.runner.slots:
                    t = self._pop_ready()
                    if t is None:
                        break
                    first = t not in self.solves
                    self.solves[t] = self.solves.get(t, 0) + 1
                    self.running.add(t)
                    self.runner.submit(self.make_job(t, self._strips(t), first))
                self._absorb(self.runner.next_done())
                if bar is not None:
                    bar.update(1)
        finally:
            if bar is not None:
                bar.close()


@contextlib.contextmanager
def _output_folder(out: str | os.PathLike[str] | None) -> Iterator[tuple[Path, Path]]:
    """(temporary store folder, final folder): atomic for ``out``, a temp dir otherwise."""
    if out is not None:
        with atomic_dir(out) as tmp:
            yield tmp, Path(out)
        return
    tmp = Path(tempfile.mkdtemp(prefix="logistics-chunked-"))
    try:
        yield tmp, tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _create_store(folder: Path, shape: tuple[int, int], chunks: tuple[int, int], attrs: dict) -> None:
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


def find_costs_chunked(
    model: CostModel,
    sources: Any,
    *,
    chunks: int | tuple[int, int] | str,
    start_costs: Any = None,
    stencil: int = 8,
    reverse: bool = False,
    barriers: Any = None,
    client: Any = None,
    out: str | os.PathLike[str] | None = None,
    scratch: str | os.PathLike[str] | None = None,
    progress: bool | None = None,
) -> ChunkedResult:
    """Accumulated cost from ``sources`` (or to them if ``reverse``) over tiles of ``chunks`` cells.

    ``model`` is a :class:`CostModel` whose per-cell fields may be numpy or dask arrays (lazy
    fields are staged tile by tile to ``scratch``, default a temporary folder beside ``out``;
    on a cluster it must be a folder every worker sees, like ``out``). ``sources`` is one
    ``(row, col)`` cell or a sequence of them, with optional ``start_costs`` (default 0).
    ``barriers`` (bool, True = impassable) is optional, numpy or dask. ``client`` is a
    dask.distributed Client; None uses the default client if there is one, else solves tile after
    tile in this process. ``out`` is the Zarr folder to write (replaced atomically; None keeps
    the store in a temporary folder tied to the result). Returns a :class:`ChunkedResult` equal
    cell for cell to :func:`logistics.cost.solver.find_costs` on the whole grid.
    """
    start = time.perf_counter()
    fields = _fields_of(model, barriers)
    shape = tuple(int(s) for s in model.class_index.shape)
    if len(shape) != 2 or 0 in shape:
        raise ConfigError(f"CostModel.class_index must be a non-empty 2-D grid, got shape {shape}")
    halo = int(np.abs(offsets(stencil)).max())
    tile = _as_tile(chunks, shape)
    seeds = _as_sources(sources, start_costs, shape)
    if client is None:
        client = _default_client()
    _check_memory(model, tile, stencil, client)
    grid = _TileGrid(shape, tile, halo)
    template = dataclasses.replace(
        model, class_index=np.zeros((0, 0), np.uint8), elevation_m=None, scale=None, enter=None
    )
    _check_sources_passable(template, fields, seeds)
    attrs = {
        "units": model.units,
        "stencil": stencil,
        "reverse": bool(reverse),
        "tile": list(tile),
        "model_attrs": {k: str(v) for k, v in model.attrs.items()},
    }
    if progress is None:
        progress = settings.PROGRESS and sys.stderr.isatty()

    with _output_folder(out) as (store, final):
        scratch_dir = Path(tempfile.mkdtemp(prefix=".logistics-scratch-", dir=scratch or store.parent))
        try:
            _create_store(store, shape, _store_chunks(grid), attrs)
            if client is None and shape[0] * shape[1] * 9 <= _MEMORY_STATE_BYTES:
                state: Any = _MemoryState()
            else:
                (scratch_dir / "state").mkdir()
                state = _FileState(str(scratch_dir / "state"))
            lazy = client is not None or any(not isinstance(f, np.ndarray) for f in fields.values())
            source = (
                _stage_inputs(fields, grid, str(scratch_dir), client)
                if lazy
                else _ArraySource(fields)
            )
            by_tile: dict[tuple[int, int], list[tuple[int, int, float]]] = {}
            for r, c, v in seeds:
                by_tile.setdefault((r // tile[0], c // tile[1]), []).append((r, c, v))

            def make_job(t: tuple[int, int], strips: tuple[np.ndarray, ...], first: bool) -> _TileJob:
                return _TileJob(
                    t, grid, template, source, state, strips, tuple(by_tile.get(t, ())),
                    first, stencil, bool(reverse),
                )

            runner = _ClientRunner(client) if client is not None else _SerialRunner()
            driver = _Driver(grid, make_job, runner, stencil, tuple(model.cellsize_m))
            for t, s in by_tile.items():
                driver.queue(t, min(v for _, _, v in s))
            try:
                driver.run(progress)
                chunk_grid = _TileGrid(shape, _store_chunks(grid), 0)
                solved = {chunk_grid.core((r // chunk_grid.tile[0], c // chunk_grid.tile[1]))
                          for r, _, c, _ in map(grid.core, driver.solves)}
                runner.map(_store_chunk, [(str(store), state, grid, rect) for rect in solved])
            except BaseException:
                runner.abort()
                raise
            counts = list(driver.solves.values())
            stats = ChunkedStats(
                n_tiles=grid.n_tiles[0] * grid.n_tiles[1],
                tiles_solved=len(counts),
                tile_solves=sum(counts),
                max_solves_per_tile=max(counts, default=0),
                seconds=time.perf_counter() - start,
            )
            import zarr

            zarr.open_group(str(store), mode="r+").attrs.update({"stats": dataclasses.asdict(stats)})
        finally:
            shutil.rmtree(scratch_dir, ignore_errors=True)
    result = ChunkedResult(final, shape, tile, stencil, bool(reverse), model.units, stats)
    if out is None:
        weakref.finalize(result, shutil.rmtree, str(final), True)
    return result


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
    ``reverse=True``, from ``target`` to the source it reaches). Only the tiles the path crosses
    are read.
    """
    import zarr

    r, c = (int(v) for v in target)
    ny, nx = result.shape
    if not (0 <= r < ny and 0 <= c < nx):
        raise ExtentError(f"target {(r, c)} lies outside the grid of {ny} x {nx} cells")
    group = zarr.open_group(str(result.path), mode="r")
    cost_arr, back_arr = group["cost"], group["backlink"]
    if not np.isfinite(cost_arr[r, c]):
        raise NoRouteError(
            f"target {(r, c)} cannot be reached from the sources (its accumulated cost is inf); "
            "it is cut off by barriers or impassable grades"
        )
    off = offsets(result.stencil)
    th, tw = result.tile
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
