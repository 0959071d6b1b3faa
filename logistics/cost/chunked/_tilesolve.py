"""One tile solve: the in-memory solver on the tile's window, seeded with the current costs.

A first solve runs on the whole window. A re-solve first relaxes every move from the halo into
the core (priced by the kernel): if none lowers a cell the solve is skipped, else the solver runs
on a box around those cells, grown 4x while the lowering reaches the box's inner edge.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np

from logistics.cost.chunked._inputs import FIELDS, window_model
from logistics.cost.chunked._tiles import TileGrid, edge_bands, halo_strips
from logistics.cost.model import CostModel
from logistics.cost.stencil import offsets

__all__ = ["TileJob", "TileOutcome", "solve_tile", "min_cost_per_m"]


@dataclass(frozen=True)
class TileJob:
    """Everything one tile solve needs (small: the halo strips, not the window)."""

    tile: tuple[int, int]
    grid: TileGrid
    template: CostModel
    source: Any
    state: Any
    strips: tuple[np.ndarray, ...]
    seeds: tuple[tuple[int, int, float], ...]
    first: bool
    stencil: int
    reverse: bool


@dataclass(frozen=True)
class TileOutcome:
    """What the driver needs back: the new edge bands and a bound for the queue test."""

    tile: tuple[int, int]
    bands: tuple[np.ndarray, ...]
    n_improved: int
    min_cost_per_m: float


#: Relative slack on the lower bound of a move's cost, so float rounding never makes it too high.
_BOUND_SLACK: float = 1e-6


def min_cost_per_m(template: CostModel, scale: np.ndarray | None) -> float:
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


def _sub_model(model: CostModel, rect: tuple[int, int, int, int]) -> CostModel:
    """The model cut to ``rect`` (window coordinates)."""
    r0, r1, c0, c1 = rect
    cut = {k: getattr(model, k)[r0:r1, c0:c1] for k in FIELDS if getattr(model, k) is not None}
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


def solve_tile(job: TileJob) -> TileOutcome:
    """Solve one window seeded with the current costs; store the core where it improved."""
    grid = job.grid
    r0, r1, c0, c1 = grid.core(job.tile)
    w0, w1, v0, v1 = wrect = grid.window(job.tile)
    arrays = job.source.window(wrect)
    model = window_model(job.template, arrays)
    init = np.full((w1 - w0, v1 - v0), np.inf)
    core = (slice(r0 - w0, r1 - w0), slice(c0 - v0, c1 - v0))
    if job.first:
        old_cost = np.full((r1 - r0, c1 - c0), np.inf)
        old_back = np.full((r1 - r0, c1 - c0), -1, dtype=np.int8)
    else:
        old_cost, old_back = job.state.load(job.tile)
    init[core] = old_cost
    for (a0, a1, b0, b1), strip in zip(halo_strips(grid, job.tile), job.strips):
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
        tgt = (
            slice(q0 - core[0].start, q1 - core[0].start),
            slice(p0 - core[1].start, p1 - core[1].start),
        )
        improved = new < old_cost[tgt]
        n_improved = int(np.count_nonzero(improved))
        if n_improved:
            old_cost[tgt] = np.where(improved, new, old_cost[tgt])
            links = back[q0 - b0 : q1 - b0, p0 - b2 : p1 - b2]
            old_back[tgt] = np.where(improved, links, old_back[tgt])
    if n_improved or job.first:
        job.state.save(job.tile, old_cost, old_back)
    return TileOutcome(
        job.tile, edge_bands(old_cost, grid.halo), n_improved,
        min_cost_per_m(job.template, arrays.get("scale")),
    )
