"""One tile solve: the in-memory Dijkstra on the tile's window, for one band of costs.

The tile keeps its whole window's costs and back-links between solves (its state). A solve is
given the current halo (the neighbours' edge bands) and a band ``(lo, hi]`` of costs: it expands
the window cells whose cost lies in the band, plus the halo cells that got cheaper since the
tile last saw them (if they cost <= ``hi``), and every cell those lower to ``hi`` or less; cells
that end above ``hi`` keep their tentative cost for a later band. Cells at or below ``lo`` were
expanded by earlier solves with their final costs, so no cell is expanded twice unless a
neighbour lowered it again (see the package docstring).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import numpy as np

from logistics.cost.chunked._inputs import window_model
from logistics.cost.cluster import WorkerLostError
from logistics.cost.chunked._tiles import TileGrid, edge_bands, halo_strips
from logistics.cost.model import CostModel

__all__ = ["TileJob", "TileOutcome", "WorkerLostError", "solve_tile", "min_cost_per_m"]


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
    lo: float
    hi: float
    stencil: int
    reverse: bool
    attempt: str | None = None


@dataclass(frozen=True)
class TileOutcome:
    """What the driver needs back: the new edge bands, the next cost to expand, the work done."""

    tile: tuple[int, int]
    hi: float
    bands: tuple[np.ndarray, ...]
    next_cost: float
    expansions: int
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


def _claim(attempt: str | None) -> None:
    """Mark the job started; a second start means its first worker died mid-solve.

    A solve works on its state files in place, so a half-done first attempt cannot be redone
    safely: the run stops with :class:`WorkerLostError` (dask re-runs the tasks of a lost worker
    on another one, which is how the second start happens).
    """
    if attempt is None:
        return
    try:
        os.close(os.open(attempt, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        raise WorkerLostError(
            f"a dask worker died while solving a tile ({os.path.basename(attempt)}); its tile "
            "state is half-written, so the run stops"
        ) from None


def solve_tile(job: TileJob) -> TileOutcome:
    """Expand one cost band of a tile's window (see the module docstring)."""
    from logistics.cost.kernel import kernel_inputs
    from logistics.cost.solver import _dijkstra, _link_table
    from logistics.cost.stencil import offsets

    _claim(job.attempt)
    grid = job.grid
    r0, r1, c0, c1 = grid.core(job.tile)
    w0, w1, v0, v1 = wrect = grid.window(job.tile)
    arrays = job.source.window(wrect)
    inp = kernel_inputs(window_model(job.template, arrays))
    cost, back = job.state.open(job.tile, (w1 - w0, v1 - v0))
    seed = np.zeros(cost.shape, dtype=bool)
    halo = []
    for (a0, a1, b0, b1), strip in zip(halo_strips(grid, job.tile), job.strips):
        part = (slice(a0 - w0, a1 - w0), slice(b0 - v0, b1 - v0))
        seed[part] = strip < cost[part]  # cheaper since the tile last saw it
        cost[part] = strip
        halo.append((part, strip))
    for r, c, value in job.seeds:
        if value < cost[r - w0, c - v0]:
            cost[r - w0, c - v0] = value
            back[r - w0, c - v0] = -1
            seed[r - w0, c - v0] = True
    seed &= cost <= job.hi
    seed |= (cost > job.lo) & (cost <= job.hi)
    offs = offsets(job.stencil)
    expansions = _dijkstra(inp, offs, _link_table(offs, job.reverse), cost, back, job.reverse,
                           seeds=np.flatnonzero(seed), bound=job.hi)
    del seed
    for part, strip in halo:  # the halo as given, to tell what changes next time
        cost[part] = strip
    core = cost[r0 - w0 : r1 - w0, c0 - v0 : c1 - v0]
    next_cost = float(np.min(core, where=core > job.hi, initial=np.inf))
    bands = edge_bands(core, grid.halo)
    del cost, back, core
    return TileOutcome(job.tile, job.hi, bands, next_cost, expansions,
                       min_cost_per_m(job.template, arrays.get("scale")))
