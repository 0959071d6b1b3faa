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
from functools import lru_cache
from typing import Any

import pandas as pd

from logistics import settings

__all__ = ["Job", "RunTrace", "trace_of", "run_jobs", "default_runner", "run_cached"]


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
    """What scoring needs from a run: ``track`` (time, cum_km, lon, lat; status and fuel_l
    when the runner gives them), ``route_points``
    (cum_km, lon, lat) and ``daily`` (the runner's daily records, fuel columns included)."""

    track: pd.DataFrame
    route_points: pd.DataFrame
    daily: pd.DataFrame


def default_runner() -> Callable[..., Any]:
    """``run_scenario`` with the terrain cached per process (see :func:`run_cached`)."""
    return run_cached


def run_cached(scenario: Any, *, seed: int = 0, overrides: dict[str, float] | None = None,
               dem: str = "merged", resolution_m: float | None = None) -> Any:
    """``logistics.runner.run_scenario``, reusing the terrain of earlier runs.

    Calibration and Monte Carlo run the same axis many times on one grid; the terrain (box of
    the scenario's points, resolution, DEM) is loaded once per process and passed in. Overrides
    change figures, never places, so the box is that of the scenario as loaded.
    """
    from logistics.advance.plan import scenario_bbox
    from logistics.army import Army, load_army
    from logistics.runner import run_scenario

    sc = scenario if isinstance(scenario, Army) else load_army(scenario)
    res = float(resolution_m) if resolution_m is not None else settings.DEFAULT_RESOLUTION_M
    terrain = _terrain(scenario_bbox(sc), res, dem)
    return run_scenario(sc, seed=seed, overrides=overrides, dem=dem, resolution_m=res, terrain=terrain)


@lru_cache(maxsize=16)
def _terrain(bbox: tuple[float, float, float, float], resolution_m: float, dem: str) -> Any:
    from logistics.terrain import load_terrain

    return load_terrain(bbox, resolution_m=resolution_m, dem=dem)


#: Optional track columns kept when the runner provides them (the fuel question reads them).
_TRACK_EXTRAS: tuple[str, ...] = ("status", "fuel_l")


def trace_of(result: Any) -> RunTrace:
    """Slim a runner's result (anything with ``track``, ``route_points``, ``daily``)."""
    keep = ["time", "cum_km", "lon", "lat"] + [c for c in _TRACK_EXTRAS if c in result.track]
    track = result.track[keep].reset_index(drop=True)
    track["time"] = pd.to_datetime(track["time"])
    route = result.route_points[["cum_km", "lon", "lat"]].reset_index(drop=True)
    start = _start_time(result)
    if start is not None and len(track) and start < track["time"].iloc[0]:
        # The runner records the end of each step; the advance starts at H-hour from km 0.
        first = track.iloc[[0]].assign(time=start, cum_km=0.0, lon=route["lon"].iloc[0],
                                        lat=route["lat"].iloc[0])
        track = pd.concat([first, track], ignore_index=True)
    daily = getattr(result, "headline_daily", result.daily)
    return RunTrace(track=track, route_points=route, daily=daily.reset_index(drop=True))


def _start_time(result: Any) -> pd.Timestamp | None:
    """H-hour of the run's scenario (``scenario.start.time.value``), if it says."""
    try:
        sc = result.scenario
        start = getattr(sc, "h_hour", None)
        return pd.Timestamp(start.value if start is not None else sc.start.time.value)
    except (AttributeError, TypeError, ValueError):
        return None


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
        return _run_here(runner, jobs, progress)
    futures = client.map(_run_one, [runner] * len(jobs), list(jobs), pure=False)
    if progress:
        # Our own bar, not distributed.progress: that one redraws with carriage returns,
        # hundreds of times, into a redirected log. The futures' state is read locally (no
        # scheduler call) between short sleeps, which Ctrl-C interrupts cleanly (iterating
        # distributed.as_completed did not: the process died by the signal after "cancelled").
        import time

        from logistics.progress import progress as _progress

        with _progress(len(futures), "runs", unit="run") as bar:
            done = 0
            while done < len(futures):
                now = sum(f.done() for f in futures)
                bar.update(now - done)
                done = now
                if done < len(futures):
                    time.sleep(0.2)
    return client.gather(futures)


def _run_here(runner: Callable[..., Any], jobs: Sequence[Job], progress: bool) -> list[RunTrace]:
    """Run ``jobs`` in this process, with a progress bar (plain lines off a terminal) when
    ``progress``."""
    from logistics.progress import progress as _progress

    with _progress(len(jobs), "runs", unit="run", enabled=progress) as bar:
        traces = []
        for j in jobs:
            traces.append(_run_one(runner, j))
            bar.update(1)
    return traces
