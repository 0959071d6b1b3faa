"""The loop over tiles under a rising cost bound, and the runners that execute tile solves.

The driver keeps each tile's edge bands and a queue of tiles to solve, lowest pending cost
first, and raises the global bound when no tile has work below it. A runner executes solves in this process (:class:`SerialRunner`) or on dask.distributed
(:class:`ClientRunner`, one solve in flight per worker thread).
"""

from __future__ import annotations

import contextlib
import heapq
import os
import uuid
from typing import Any

import numpy as np

from logistics.cost.chunked._tiles import TileGrid, halo_strips, intersect, read_ring
from logistics.cost.chunked._tilesolve import TileJob, TileOutcome, solve_tile
from logistics.cost.stencil import offsets

__all__ = ["SerialRunner", "ClientRunner", "default_client", "Driver"]


class SerialRunner:
    """Runs each job at submission, in this process."""

    slots = 1

    def __init__(self) -> None:
        self._done: list[TileOutcome] = []

    def submit(self, job: TileJob) -> None:
        self._done.append(solve_tile(job))

    def next_done(self) -> TileOutcome:
        return self._done.pop()

    def abort(self) -> None:
        self._done.clear()

    def map(self, fn: Any, jobs: list) -> None:
        for job in jobs:
            fn(job)


class ClientRunner:
    """Submits jobs to a dask.distributed client; one in flight per worker thread.

    The cluster is watched while it works: a worker that leaves (killed, out of memory), a
    job started twice (its first worker died mid-solve) or a lost scheduler ends the run with
    one :class:`~logistics.errors.ResourceError` naming the cluster's setting.
    """

    def __init__(self, client: Any, ctrl_c: Any = None) -> None:
        from logistics.cost.cluster import Watch

        self._client = client
        self._futures: set[Any] = set()
        self._names: dict[str, str] = {}  # future key -> the job's own name (its order)
        self.watch = Watch(client, ctrl_c)
        self.slots = max(1, sum(client.nthreads().values()))

    def submit(self, job: TileJob) -> None:
        # Unique per submission: tile names repeat from one solve to the next, and a key that an
        # earlier solve on the same client left cancelled or released makes dask hand back the
        # old task's future, which never completes (the suite hung on a shared LocalCluster).
        name = os.path.basename(job.attempt) if job.attempt else f"tile-{job.tile}"
        key = f"{name}-{uuid.uuid4().hex}"
        with self.watch:
            fut = self._client.submit(solve_tile, job, pure=False, key=key)
        self._futures.add(fut)
        self._names[fut.key] = name

    def next_done(self) -> TileOutcome:
        from distributed import wait

        with self.watch:
            while True:
                self.watch.check()
                done = [f for f in self._futures if f.done()]
                if done:
                    break
                with contextlib.suppress(TimeoutError):
                    wait(list(self._futures), timeout=1.0, return_when="FIRST_COMPLETED")
            # one order whatever the polling saw: by the job's name, not its unique key
            fut = min(done, key=lambda f: (self._names.get(f.key, f.key), f.key))
            self._futures.discard(fut)
            self._names.pop(fut.key, None)
            outcome = fut.result()
            self.watch.check()  # no result is taken from a cluster that lost a worker
        return outcome

    def abort(self) -> None:
        """Stop queued jobs and wait for running ones, so none writes after the store is gone."""
        from logistics.cost.cluster import drain

        if self.watch.scheduler_lost():
            self._futures.clear()  # nothing to ask: the jobs die with their scheduler
            return
        with contextlib.suppress(Exception):
            drain(self._client, list(self._futures), timeout_s=600.0)
        self._futures.clear()
        self._names.clear()

    def map(self, fn: Any, jobs: list) -> None:
        """Run ``fn`` on every job on the cluster (all at once: they are independent)."""
        from logistics.cost.cluster import gather_or_drain

        with self.watch:
            gather_or_drain(self._client, self._client.map(fn, jobs, pure=False),
                            watch=self.watch)
            self.watch.check()


def default_client() -> Any:
    """The active dask.distributed client, or None (then tiles run in this process).

    A default client that is closed (its scheduler died, or it was closed without being
    unregistered) is not active: the tiles run here rather than fail on it.
    """
    try:
        from distributed import default_client

        client = default_client()
    except (ImportError, ValueError):
        return None
    return client if getattr(client, "status", "running") == "running" else None


class Driver:
    """Tiles advance together under a rising cost bound, each expanding one band at a time.

    The driver keeps each tile's edge bands, the halo it last sent it, ``lo`` (the bound up to
    which the tile has expanded its window) and its *pending* cost: the cheapest cost it has yet
    to expand (a core cell above ``lo``, a halo cell above ``lo``, or a halo cell a neighbour
    lowered since, if that could lower a core cell). A tile is solved when its pending cost is
    at or below the global bound ``hi``, lowest first and never beside a running tile; when
    none is and none runs, ``hi`` rises by ``delta`` past the cheapest pending cost. So cells are
    expanded nearly in cost order across tiles (few are expanded twice), and a tile's band holds
    enough cells to keep a solve worth its task.
    """

    def __init__(
        self, grid: TileGrid, make_job: Any, runner: Any, stencil: int,
        cellsize_m: tuple[float, float], delta: float,
        seeds: dict[tuple[int, int], float],
    ) -> None:
        self.grid, self.make_job, self.runner = grid, make_job, runner
        offs = offsets(stencil)
        self.moves = [
            (int(di), int(dj), float(np.hypot(dj * cellsize_m[0], di * cellsize_m[1])))
            for di, dj in offs
        ]
        self.delta = float(delta)
        self.bands: dict[tuple[int, int], tuple[np.ndarray, ...]] = {}
        self.cost_per_m: dict[tuple[int, int], float] = {}
        self.sent: dict[tuple[int, int], tuple[np.ndarray, ...]] = {}
        self.lo: dict[tuple[int, int], float] = {}
        self.core_next: dict[tuple[int, int], float] = dict(seeds)
        self.pending: dict[tuple[int, int], float] = {}
        self.heap: list[tuple[float, tuple[int, int]]] = []
        self.running: set[tuple[int, int]] = set()
        self.solves: dict[tuple[int, int], int] = {}
        self.expansions = 0
        for t in seeds:
            self._update(t)
        self.hi = min(self.pending.values(), default=np.inf) + self.delta

    # -- pending costs ----------------------------------------------------------------------

    def _strips(self, t: tuple[int, int]) -> tuple[np.ndarray, ...]:
        """The current costs of ``t``'s four halo strips, read from the neighbours' bands."""
        out = []
        for rect in halo_strips(self.grid, t):
            strip = np.full((rect[1] - rect[0], rect[3] - rect[2]), np.inf)
            for n in self.grid.tiles_in(rect):
                part = intersect(self.grid.core(n), rect)
                strip[
                    part[0] - rect[0] : part[1] - rect[0], part[2] - rect[2] : part[3] - rect[2]
                ] = read_ring(self.bands.get(n), self.grid.core(n), part)
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
        g = intersect(big, self.grid.core(n))
        if g[0] < g[1] and g[2] < g[3]:
            near[g[0] - big[0] : g[1] - big[0], g[2] - big[2] : g[3] - big[2]] = read_ring(
                bands, self.grid.core(n), g
            )
        bound = self.cost_per_m.get(n, 0.0)
        ok = np.zeros(new.shape, dtype=bool)
        for di, dj, length in self.moves:
            q = near[h + di : h + di + new.shape[0], h + dj : h + dj + new.shape[1]]
            ok |= new + length * bound < q
        return ok

    def _update(self, t: tuple[int, int]) -> None:
        """Recompute tile ``t``'s pending cost and (re)queue it."""
        lo = self.lo.get(t, -np.inf)
        best = self.core_next.get(t, np.inf)
        sent = self.sent.get(t)
        for k, (rect, now) in enumerate(zip(halo_strips(self.grid, t), self._strips(t))):
            if now.size == 0:
                continue
            todo = now > lo
            if sent is not None:
                todo |= now < sent[k]
            todo &= np.isfinite(now)
            if todo.any():
                todo &= self._can_lower(t, rect, now)
            if todo.any():
                best = min(best, float(now[todo].min()))
        if best < np.inf:
            if self.pending.get(t) != best:
                self.pending[t] = best
                heapq.heappush(self.heap, (best, t))
        else:
            self.pending.pop(t, None)

    # -- scheduling --------------------------------------------------------------------------

    def _next_to_running(self, t: tuple[int, int]) -> bool:
        """True if ``t`` is running or shares window cells with a running tile."""
        reach = self.grid.window(t)
        for other in self.running:
            r0, r1, c0, c1 = intersect(reach, self.grid.core(other))
            if other == t or (r0 < r1 and c0 < c1):
                return True
        return False

    def _pop_ready(self) -> tuple[int, int] | None:
        """Cheapest tile pending at or below ``hi`` away from the running ones, or None.

        A neighbour of a running tile would expand its band before that tile's new edge reaches
        it and then expand part of it again: waiting for a slot is cheaper.
        """
        skipped, found = [], None
        while self.heap and self.heap[0][0] <= self.hi:
            p, t = heapq.heappop(self.heap)
            if self.pending.get(t) != p:
                continue  # stale entry
            if self._next_to_running(t):
                skipped.append((p, t))
                continue
            found = t
            del self.pending[t]
            break
        for item in skipped:
            heapq.heappush(self.heap, item)
        return found

    def _cheapest_pending(self) -> float:
        while self.heap and self.pending.get(self.heap[0][1]) != self.heap[0][0]:
            heapq.heappop(self.heap)
        return self.heap[0][0] if self.heap else np.inf

    def _absorb(self, outcome: TileOutcome) -> None:
        """Store a tile's new edge bands and update its pending cost and its neighbours'."""
        t = outcome.tile
        self.running.discard(t)
        self.bands[t] = outcome.bands
        self.cost_per_m[t] = outcome.min_cost_per_m
        self.lo[t] = outcome.hi
        self.core_next[t] = outcome.next_cost
        self.expansions += outcome.expansions
        for n in self.grid.tiles_in(self.grid.grow(self.grid.core(t))):
            if n not in self.running:
                self._update(n)

    def run(self, progress: bool) -> None:
        """Solve tiles band by band until no tile has anything left to expand."""
        from logistics.progress import progress as _progress

        bar = _progress(None, "tile solves", unit="tile", enabled=progress)
        try:
            while True:
                while len(self.running) < self.runner.slots:
                    t = self._pop_ready()
                    if t is None:
                        if self.running:
                            break
                        low = self._cheapest_pending()
                        if low == np.inf:
                            break
                        self.hi = max(self.hi, low) + self.delta
                        continue
                    self.solves[t] = self.solves.get(t, 0) + 1
                    self.running.add(t)
                    strips = self._strips(t)
                    lo = self.lo.get(t, -np.inf)
                    self.sent[t] = strips
                    self.runner.submit(self.make_job(t, strips, lo, self.hi))
                if not self.running:
                    return
                self._absorb(self.runner.next_done())
                bar.update(1)
        finally:
            bar.close()
