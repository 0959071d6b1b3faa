"""Test reference: the cells a move's straight segment passes, and the river toll they pay.

Written from the geometry of the segment, independently of ``logistics/cost/kernel.py``: the
segment from the centre of cell p to the centre of cell q is walked across the grid lines it
crosses (cells are unit squares, rows and columns numbered from p). A segment that runs exactly
through a grid corner is shifted a hair to either side, which gives the two ways round that
corner; the toll of the move is the cheaper of the two (a move that only touches a river cell
at its corner does not enter it; one that passes between two river cells meeting at that corner
does). The toll of a chain of cells is the sum of the rises of the entry cost along it.
"""

from __future__ import annotations

import functools
import math

import numpy as np

__all__ = ["segment_chains", "toll_of_chain", "reference_toll", "reference_tolls"]

_SHIFT = 1e-6  # perpendicular shift of the segment, in cells


@functools.lru_cache(maxsize=64)
def segment_chains(di: int, dj: int) -> tuple[tuple[tuple[int, int], ...], ...]:
    """The distinct chains of cells (row, col offsets from p, p first, q last) that the segment
    of the move (di, dj), shifted a hair to either side, passes through."""
    chains = []
    length = math.hypot(di, dj)
    normal = np.array([-dj, di]) / length
    for side in (1.0, -1.0):
        a = np.array([0.5, 0.5]) + side * _SHIFT * normal
        b = a + np.array([di, dj], dtype=float)
        events = []
        for axis in (0, 1):
            if a[axis] == b[axis]:
                continue
            step = 1 if b[axis] > a[axis] else -1
            lo, hi = sorted((a[axis], b[axis]))
            for line in range(math.floor(lo) + 1, math.floor(hi) + 1):
                t = (line - a[axis]) / (b[axis] - a[axis])
                events.append((t, axis, step))
        events.sort()
        cell = [math.floor(a[0]), math.floor(a[1])]
        chain = [tuple(cell)]
        for _, axis, step in events:
            cell[axis] += step
            chain.append(tuple(cell))
        assert chain[-1] == (di, dj)
        if tuple(chain) not in chains:
            chains.append(tuple(chain))
    return tuple(chains)


def toll_of_chain(values) -> float:
    """Sum of the rises along a sequence of entry costs (inf if one is inf)."""
    total = 0.0
    for prev, nxt in zip(values[:-1], values[1:]):
        if math.isinf(nxt) and not math.isinf(prev):
            return math.inf
        if nxt > prev:
            total += nxt - prev
    return total


def reference_toll(enter: np.ndarray, r: int, c: int, di: int, dj: int) -> float:
    """Toll of the move (r, c) -> (r + di, c + dj) by the segment's geometry (min over chains)."""
    ep = float(enter[r, c])
    if not math.isfinite(ep):
        return math.inf
    return min(
        toll_of_chain([float(enter[r + a, c + b]) for a, b in chain])
        for chain in segment_chains(int(di), int(dj))
    )


def reference_tolls(enter: np.ndarray, di: int, dj: int) -> np.ndarray:
    """Toll of the move (di, dj) out of every cell (inf where q is off the grid), vectorised."""
    ny, nx = enter.shape
    e = np.asarray(enter, dtype=np.float64)
    out = np.full((ny, nx), np.inf)
    r0, r1 = max(0, -di), ny - max(0, di)
    c0, c1 = max(0, -dj), nx - max(0, dj)
    if r0 >= r1 or c0 >= c1:
        return out
    best = np.full((r1 - r0, c1 - c0), np.inf)
    leaves = np.isfinite(e[r0:r1, c0:c1])  # a cell of infinite entry cost cannot be left
    for chain in segment_chains(int(di), int(dj)):
        vals = [e[r0 + a:r1 + a, c0 + b:c1 + b] for a, b in chain]
        total = np.zeros_like(best)
        for prev, nxt in zip(vals[:-1], vals[1:]):
            with np.errstate(invalid="ignore"):
                rise = np.where(np.isinf(nxt) & ~np.isinf(prev), np.inf,
                                np.where(nxt > prev, nxt - prev, 0.0))
            total = total + np.nan_to_num(rise, nan=0.0, posinf=np.inf)
        best = np.minimum(best, total)
    best = np.where(leaves, best, np.inf)
    out[r0:r1, c0:c1] = best
    return out
