"""Run many scenario evaluations (calibration grids, Monte Carlo draws), in order, anywhere.

A :class:`Job` is one call of the scenario runner (``run_scenario`` by default) with its
overrides, DEM and seed. :func:`run_jobs` runs a list of them in this process, or on a
dask.distributed client (``logistics.cost.cluster.get_client``: a LocalCluster by default, a
scheduler from ``settings.SCHEDULER_ADDRESS`` when set), and returns one :class:`RunTrace`
per job, in the jobs' order, whatever order the workers finish in: so seeded runs are
reproducible on any number of workers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = ["Job", "RunTrace", "trace_of", "run_jobs", "default_runner"]


@dataclass(frozen=True)
class Job:
    """One scenario evaluation: ``scenario`` (path or loaded Scenario) run with ``overrides``
    (global scales or dotted figure paths), on ``dem``, with the runner's ``seed``."""

    scenario: Any
    overrides: dict[str, float] = field(default_factory=dict)
    dem: str = "merged"
    seed: int = 0
    resolution_m: float | None = None


@dataclass(frozen=True)
class RunTrace:
    """What scoring needs from a run: ``track`` (time, cum_km, lon, lat), ``route_points``
    (cum_km, lon, lat) and ``daily`` (the runner's daily records, fuel columns included)."""

    track: pd.DataFrame
    route_points: pd.DataFrame
    daily: pd.DataFrame


def default_runner() -> Callable[..., Any]:
    """``logistics.supply.advance.run_scenario`` (imported late: it loads the terrain stack)."""
    from logistics.supply.advance import run_scenario

    return run_scenario


def trace_of(result: Any) -> RunTrace:
    """Slim a runner's result (anything with ``track``, ``route_points``, ``daily``)."""
    track = result.track[["time", "cum_km", "lon", "lat"]].reset_index(drop=True)
    track["time"] = pd.to_datetime(track["time"])
    route = result.route_points[["cum_km", "lon", "lat"]].reset_index(drop=True)
    return RunTrace(track=track, route_points=route, daily=result.daily.reset_index(drop=True))


def _run_one(runner: Callable[..., Any], job: Job) -> RunTrace:
    result = runner(job.scenario, seed=job.seed, overrides=dict(job.overrides) or None,
                    dem=job.dem, resolution_m=job.resolution_m)
    return trace_of(result)


def run_jobs(jobs: Sequence[Job], *, runner: Callable[..., Any] | None = None,
             client: Any = None, progress: bool = False) -> list[RunTrace]:
    """Run ``jobs`` and return their traces in the same order.

    ``client=None`` runs them one after the other in this process; a
    ``distributed.Client`` spreads them over its workers (the runner and jobs must pickle).
    """
    runner = runner or default_runner()
    if client is None:
        it = jobs
        if progress:
            from tqdm import tqdm

            it = tqdm(jobs, desc="runs", unit="run")
        return [_run_one(runner, j) for j in it]
    futures = client.map(_run_one, [runner] * len(jobs), list(jobs), pure=False)
    if progress:
        from distributed import progress as _progress

        _progress(futures)
    return client.gather(futures)
