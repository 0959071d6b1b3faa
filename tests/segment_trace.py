"""Test reference: the cells a move's straight segment passes, and the river toll they pay.

Written from the geometry of the segment, independently of ``logistics/cost/kernel.py``: the
segment from the centre of cell p to the centre of cell q is walked across the grid lines it
crosses (cells are unit squares, rows and columns numbered from p). A segment that runs exactly
through a grid corner is shifted a hair to either side, which gives the two ways round that
corner; the toll of the move is the cheaper of the two (a move that only touches a river cell
at its corner does not enter it; one that passes between two river cells meeting at that corner
does). The toll of a chain of cells is the sum of what each step along it pays: the entry cost
of the next cell in full when the next cell is of another river code, else the rise of the entry
cost (all cells are of one code when no codes are given).
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


def toll_of_chain(values, codes=None) -> float:
    """What a sequence of entry costs pays, step by step: the next value in full where the
    river code changes, else its rise (inf if one is inf). ``codes`` None: one code."""
    codes = [0] * len(values) if codes is None else list(codes)
    total = 0.0
    for i in range(1, len(values)):
        prev, nxt = values[i - 1], values[i]
        if math.isinf(nxt) and not math.isinf(prev):
            return math.inf
        if codes[i] != codes[i - 1]:
            total += nxt
        elif nxt > prev:
            total += nxt - prev
    return total


def reference_toll(enter: np.ndarray, r: int, c: int, di: int, dj: int,
                   river: np.ndarray | None = None) -> float:
    """Toll of the move (r, c) -> (r + di, c + dj) by the segment's geometry (min over chains);
    ``river`` the cells' river codes (None: one code)."""
    ep = float(enter[r, c])
    if not math.isfinite(ep):
        return math.inf
    code = (lambda a, b: 0) if river is None else (lambda a, b: int(river[r + a, c + b]))
    return min(
        toll_of_chain([float(enter[r + a, c + b]) for a, b in chain],
                      [code(a, b) for a, b in chain])
        for chain in segment_chains(int(di), int(dj))
    )


def reference_tolls(enter: np.ndarray, di: int, dj: int,
                    river: np.ndarray | None = None) -> np.ndarray:
    """Toll of the move (di, dj) out of every cell (inf where q is off the grid), vectorised;
    ``river`` the cells' river codes (None: one code)."""
    ny, nx = enter.shape
    e = np.asarray(enter, dtype=np.float64)
    k = np.zeros((ny, nx), np.int64) if river is None else np.asarray(river, np.int64)
    out = np.full((ny, nx), np.inf)
    r0, r1 = max(0, -di), ny - max(0, di)
    c0, c1 = max(0, -dj), nx - max(0, dj)
    if r0 >= r1 or c0 >= c1:
        return out
    best = np.full((r1 - r0, c1 - c0), np.inf)
    leaves = np.isfinite(e[r0:r1, c0:c1])  # a cell of infinite entry cost cannot be left
    for chain in segment_chains(int(di), int(dj)):
        vals = [e[r0 + a:r1 + a, c0 + b:c1 + b] for a, b in chain]
        codes = [k[r0 + a:r1 + a, c0 + b:c1 + b] for a, b in chain]
        total = np.zeros_like(best)
        for i in range(1, len(vals)):
            prev, nxt = vals[i - 1], vals[i]
            with np.errstate(invalid="ignore"):
                step = np.where(codes[i] != codes[i - 1], nxt,
                                np.where(nxt > prev, nxt - prev, 0.0))
                rise = np.where(np.isinf(nxt) & ~np.isinf(prev), np.inf, step)
            total = total + np.nan_to_num(rise, nan=0.0, posinf=np.inf)
        best = np.minimum(best, total)
    best = np.where(leaves, best, np.inf)
    out[r0:r1, c0:c1] = best
    return out
