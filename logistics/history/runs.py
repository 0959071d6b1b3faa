"""Run many scenario evaluations (calibration grids, Monte Carlo draws), in order, anywhere.

A :class:`Job` is one call of the scenario runner (``run_scenario`` by default) with its
overrides, DEM and seed. :func:`run_jobs` runs a list of them in this process, or on a
dask.distributed client (``logistics.cost.cluster.get_client``: a LocalCluster by default, a
scheduler from ``settings.SCHEDULER_ADDRESS`` when set), and returns one :class:`RunTrace`
per job, in the jobs' order, whatever order the workers finish in: so seeded runs are
reproducible on any number of workers.

A :class:`RunTrace` is an army as the scoring sees it: its formations (the formations
contract of ``RunResult``: ``formations``, ``tracks``, ``routes``, ``departure_line``), and
enough to rebuild each formation's cost model (:class:`TerrainRef`, season schedule, pace
vehicle, speed scale) so that places off a formation's route can be timed by the cost engine.
A runner result without formations (a synthetic column in tests) becomes an army of one
formation, ``main``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from logistics import settings

__all__ = ["Job", "RunTrace", "TerrainRef", "FORMATION_COLUMNS", "trace_of",
           "run_jobs", "wait_done", "default_runner", "run_cached", "keeping_alone"]


@dataclass(frozen=True)
class Job:
    """One army evaluation: ``scenario`` (path or loaded Army) run with ``overrides``
    (global scales or dotted figure paths), on ``dem``, with the runner's ``seed``; ``note``:
    how its Monte Carlo draw was made, when it says more than its values (a redraw)."""

    scenario: Any
    overrides: dict[str, float] = field(default_factory=dict)
    dem: str = "merged"
    seed: int = 0
    resolution_m: float | None = None
    note: str = ""
    #: the fortified regions other armies of the run broke, which it crosses behind their
    #: breaches (:class:`~logistics.advance.shared_breaches.SharedBreach`; none: alone)
    breaches: tuple = ()


#: Columns of :attr:`RunTrace.formations` (the formations contract of ``RunResult``).
FORMATION_COLUMNS: tuple[str, ...] = (
    "formation_id", "name", "kind", "parent", "movement", "aliases", "start_lon", "start_lat",
    "pace_vehicle", "role", "drawn_from_parent",
)


@dataclass(frozen=True)
class TerrainRef:
    """Which terrain a run was made on: ``bbox`` (lon/lat), ``resolution_m``, ``dem`` and the
    configs folder it read (``config_dir``: its 1945 land cover and railways; None:
    ``settings.CONFIG_DIR``); loaded (and cached per process) by :meth:`load`."""

    bbox: tuple[float, float, float, float]
    resolution_m: float
    dem: str = "merged"
    config_dir: Any = None

    def load(self) -> Any:
        return _terrain(tuple(float(v) for v in self.bbox), float(self.resolution_m), self.dem,
                        self.config_dir)


@dataclass(frozen=True)
class RunTrace:
    """What scoring needs from a run of one army.

    ``track``, ``route_points``, ``daily``: the headline formation's hourly track (time,
    cum_km, lon, lat; status and fuel_l when the runner gives them), planned route (cum_km,
    lon, lat) and the runner's daily records. ``formations`` (:data:`FORMATION_COLUMNS`),
    ``tracks`` (time, formation_id, cum_km, lon, lat, status[, refills_on_hand, fuel_l, mode,
    dry_classes])
    and ``routes`` (formation_id, cum_km, lon, lat): every formation; built from the headline
    formation when the runner gives none. ``departure_line``: the army's departure line
    ((lon, lat), ...), empty when the run has none. ``terrain`` (a :class:`TerrainRef`, a
    terrain Dataset, or None), ``seasons`` (((start, "dry"|"wet"), ...)) and ``speed_scale``:
    what the off-route timing needs. ``army_name``: how sources name the army.
    ``objectives``: each formation's objectives in order (formation_id, name, route_km: where
    its route takes each), empty when the runner gives none. ``dry_stops``: the step loop's
    stops where vehicles ran dry (formation_id, time, cum_km, name: the hour and the km where
    they stood), None when the runner gives none. ``config_dir``: the configs folder the run
    read (its army's, :attr:`~logistics.army.schema.Army.config_dir`; None:
    ``settings.CONFIG_DIR``), whose vehicles and norms the off-route timing prices with.
    ``flotilla``: the army's river-ship brigades (formation_id, name, aliases, carries: the
    formations it carries on its route, ferries: those it ferries at a crossing), which the
    run gives no track of their own (a row naming one is matched by what it carries); None
    when the army has none. ``dailies``: every formation's daily rows (formation_id, date and
    the hours of the runner's ``daily``: ``hours_halted_no_fuel``, the hours its head stood
    without fuel that day, to the minute); built from ``daily`` as the first formation's when
    the runner gives none.
    """

    track: pd.DataFrame
    route_points: pd.DataFrame
    daily: pd.DataFrame
    formations: pd.DataFrame | None = None
    tracks: pd.DataFrame | None = None
    routes: pd.DataFrame | None = None
    departure_line: tuple[tuple[float, float], ...] = ()
    terrain: Any = None
    seasons: tuple[tuple[pd.Timestamp, str], ...] = ()
    speed_scale: float = 1.0
    army_name: str = ""
    objectives: pd.DataFrame | None = None
    dry_stops: pd.DataFrame | None = None
    config_dir: Any = None
    flotilla: pd.DataFrame | None = None
    dailies: pd.DataFrame | None = None
    #: the regions the army broke (``RunResult.breaches``), the regions its formations cross
    #: (:func:`~logistics.advance.shared_breaches.crossed_regions`) and the breaches of other
    #: armies it was given (``RunResult.given_breaches``): what sharing them needs
    breaches: tuple = ()
    crossed: frozenset = frozenset()
    given_breaches: tuple = ()

    def __post_init__(self) -> None:
        if self.formations is None:
            object.__setattr__(self, "formations", _one_formation("main", "army", "", ""))
        fid = str(self.formations["formation_id"].iloc[0])
        if self.tracks is None:
            object.__setattr__(self, "tracks", self.track.assign(formation_id=fid))
        if self.routes is None:
            object.__setattr__(self, "routes", self.route_points.assign(formation_id=fid))
        if self.dailies is None:
            object.__setattr__(self, "dailies", self.daily.assign(formation_id=fid))

    @property
    def formation_ids(self) -> list[str]:
        return [str(f) for f in self.formations["formation_id"]]

    def track_of(self, formation_id: str) -> pd.DataFrame:
        """One formation's track (time-sorted, index reset)."""
        t = self.tracks[self.tracks["formation_id"] == formation_id]
        return t.sort_values("time", kind="stable").reset_index(drop=True)

    def daily_of(self, formation_id: str) -> pd.DataFrame:
        """One formation's daily rows (in date order, index reset; none: an empty frame)."""
        d = self.dailies
        if "formation_id" not in d:
            return d.iloc[0:0]
        return d[d["formation_id"].astype(str) == formation_id].reset_index(drop=True)

    def objectives_of(self, formation_id: str) -> list[tuple[float, str]]:
        """One formation's objectives as (route km, name), in route order."""
        o = self.objectives
        if o is None or o.empty:
            return []
        mine = o[o["formation_id"] == formation_id].sort_values("route_km", kind="stable")
        return [(float(k), str(n)) for k, n in zip(mine["route_km"], mine["name"])]

    def route_of(self, formation_id: str) -> pd.DataFrame:
        """One formation's planned route (cum_km, lon, lat)."""
        return self.routes[self.routes["formation_id"] == formation_id].reset_index(drop=True)

    def formation(self, formation_id: str) -> dict:
        """One formation's row of :attr:`formations` as a dict."""
        f = self.formations[self.formations["formation_id"] == formation_id]
        return f.iloc[0].to_dict()


def _one_formation(fid: str, kind: str, name: str, pace: str, movement: str = "",
                   start: tuple[float, float] = (np.nan, np.nan), role: str = "") -> pd.DataFrame:
    return pd.DataFrame([{
        "formation_id": fid, "name": name, "kind": kind, "parent": None,
        "movement": movement, "aliases": (), "start_lon": start[0], "start_lat": start[1],
        "pace_vehicle": pace, "role": role, "drawn_from_parent": False,
    }], columns=list(FORMATION_COLUMNS))


def default_runner() -> Callable[..., Any]:
    """``run_scenario`` with the terrain cached per process (see :func:`run_cached`)."""
    return run_cached


def run_cached(scenario: Any, *, seed: int = 0, overrides: dict[str, float] | None = None,
               dem: str = "merged", resolution_m: float | None = None,
               breaches: tuple = ()) -> Any:
    """``logistics.runner.run_scenario``, reusing the terrain of earlier runs.

    Calibration and Monte Carlo run the same axis many times on one grid; the terrain (box of
    the scenario's points, resolution, DEM, what it read of the army's configs folder) is
    loaded once per process and passed in. Overrides change figures, never places, so the box
    is that of the scenario as loaded. ``breaches`` (other armies' of the run): an army this
    process ran alone with the same arguments within :func:`keeping_alone` is run again on
    its plan (:func:`~logistics.runner.resimulate`: the breaches change no route), else it is
    run whole with them.
    """
    from logistics.advance.plan import army_bbox
    from logistics.army import Army, load_army
    from logistics.runner import resimulate, run_scenario

    sc = scenario if isinstance(scenario, Army) else load_army(scenario)
    res = float(resolution_m) if resolution_m is not None else settings.DEFAULT_RESOLUTION_M
    key = (sc.source, sc.sha256, str(sc.config_dir), int(seed),
           tuple(sorted((overrides or {}).items())), dem, res)
    if breaches and key in _ALONE:
        return resimulate(_ALONE[key], tuple(breaches))
    terrain = _terrain(army_bbox(sc), res, dem, sc.config_dir)
    result = run_scenario(sc, seed=seed, overrides=overrides, dem=dem, resolution_m=res,
                          terrain=terrain, breaches=tuple(breaches))
    if not breaches and _KEEP[0]:  # within keeping_alone: to run it again with breaches
        _ALONE.pop(key, None)
        _ALONE[key] = result
        while len(_ALONE) > _ALONE_KEPT:
            _ALONE.pop(next(iter(_ALONE)))
    return result


#: The runs alone of :func:`run_cached` within :func:`keeping_alone` (by scenario, seed,
#: overrides, DEM, grid), to run them again with the breaches other armies made
#: (``logistics compare``'s nominal armies); at most ``_ALONE_KEPT``, dropped at its end.
_ALONE: dict = {}
_ALONE_KEPT = 16
_KEEP = [False]


@contextmanager
def keeping_alone():
    """Within the block, :func:`run_cached` keeps the armies it runs alone in this process,
    so that a run of one again with other armies' breaches re-simulates it on its plan
    instead of planning it again; they are dropped at the block's end (a Monte Carlo or a
    calibration outside it keeps none: each run's memory is freed as before)."""
    _KEEP[0] = True
    try:
        yield
    finally:
        _KEEP[0] = False
        _ALONE.clear()


def _terrain(bbox: tuple[float, float, float, float], resolution_m: float, dem: str,
             config_dir: Any = None) -> Any:
    """The terrain of ``bbox`` on the configs folder ``config_dir``, cached per process on the
    box, grid, DEM and what it reads of the folder (``terrain.configs_read``)."""
    from logistics.terrain import configs_read

    return _terrain_cached(bbox, resolution_m, dem, config_dir, configs_read(config_dir))


@lru_cache(maxsize=16)
def _terrain_cached(bbox: tuple[float, float, float, float], resolution_m: float, dem: str,
                    config_dir: Any, read: tuple) -> Any:
    from logistics.terrain import load_terrain

    return load_terrain(bbox, resolution_m=resolution_m, dem=dem, landcover_1945=read[0],
                        config_dir=config_dir)


#: Optional track columns kept when the runner provides them (the fuel question reads them).
_TRACK_EXTRAS: tuple[str, ...] = ("status", "fuel_l", "refills_on_hand")


def trace_of(result: Any) -> RunTrace:
    """Slim a runner's result to a :class:`RunTrace`.

    A result with the formations contract (``formations``, ``tracks``, ``routes``) keeps them;
    any other result (``track``, ``route_points``, ``daily``: a synthetic column) is one
    formation, ``main``. Each formation's track starts at km 0 (the runner records step ends).
    """
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
    daily = getattr(result, "headline_daily", None)
    daily = daily if isinstance(daily, pd.DataFrame) and len(daily) else result.daily
    common = dict(track=track, route_points=route, daily=daily.reset_index(drop=True),
                  terrain=_terrain_ref(result), seasons=_seasons(result),
                  speed_scale=_speed_scale(result), army_name=_army_name(result),
                  config_dir=getattr(getattr(result, "scenario", None), "config_dir", None),
                  flotilla=_flotilla_frame(getattr(result, "scenario", None)))
    plan = getattr(result, "plan", None)
    if plan is not None and hasattr(plan, "formations"):
        from logistics.advance.shared_breaches import crossed_regions

        common.update(breaches=tuple(getattr(result, "breaches", ()) or ()),
                      crossed=crossed_regions(plan),
                      given_breaches=tuple(getattr(result, "given_breaches", ()) or ()))
    formations = getattr(result, "formations", None)
    if isinstance(formations, pd.DataFrame) and len(formations):
        return RunTrace(**common, formations=_formations_frame(formations),
                        tracks=_tracks_frame(result.tracks, start, result.routes),
                        routes=result.routes[["formation_id", "cum_km", "lon", "lat"]].reset_index(drop=True),
                        departure_line=tuple((float(a), float(b))
                                             for a, b in (getattr(result, "departure_line", None) or ())),
                        objectives=_objectives_frame(result), dry_stops=_dry_stops(result),
                        dailies=_dailies_frame(result.daily))
    return RunTrace(**common)


#: Columns of the runner's ``daily`` kept in :attr:`RunTrace.dailies` (what scoring reads).
_DAILIES_KEEP: tuple[str, ...] = ("formation_id", "date", "hours_halted_no_fuel")


def _dailies_frame(daily: Any) -> pd.DataFrame | None:
    """Every formation's daily rows as :attr:`RunTrace.dailies` keeps them (None: the
    runner's ``daily`` has no ``formation_id``, the headline's alone)."""
    if not isinstance(daily, pd.DataFrame) or "formation_id" not in daily:
        return None
    d = daily[[c for c in _DAILIES_KEEP if c in daily]].copy()
    d["formation_id"] = d["formation_id"].astype(str)
    return d.reset_index(drop=True)


def _flotilla_frame(army: Any) -> pd.DataFrame | None:
    """The army's flotilla brigades as :attr:`RunTrace.flotilla` has them (None: none). A
    brigade carries the formations of its ``carries:`` and those whose ``carried_by:`` names
    it; it ferries those of its ``ferries_for:``."""
    ships = getattr(army, "flotilla", None)
    if not isinstance(ships, (list, tuple)) or not ships:
        return None
    forms = getattr(army, "formations", None) or ()
    rows = [{"formation_id": str(b.id), "name": str(b.name),
             "aliases": tuple(getattr(b, "aliases", ()) or ()),
             "carries": tuple(dict.fromkeys([*map(str, getattr(b, "carries", ()) or ()), *(
                 str(f.id) for f in forms if getattr(f, "carried_by", None) == b.id)])),
             "ferries": tuple(map(str, getattr(b, "ferries_for", ()) or ()))} for b in ships]
    return pd.DataFrame(rows, columns=["formation_id", "name", "aliases", "carries", "ferries"])


def _dry_stops(result: Any) -> pd.DataFrame | None:
    """The run's ``dry`` stops (formation_id, time, cum_km, name), None when it has none."""
    reached = getattr(result, "reached", None)
    if not isinstance(reached, pd.DataFrame) or reached.empty or "kind" not in reached:
        return None
    r = reached[reached["kind"] == "dry"][["formation_id", "time", "cum_km", "name"]].copy()
    r["time"] = pd.to_datetime(r["time"])
    r["formation_id"] = r["formation_id"].astype(str)
    return r.reset_index(drop=True)


def _objectives_frame(result: Any) -> pd.DataFrame:
    """(formation_id, name, route_km) of every formation's objectives, from the run's plan (a
    formation carried by ships has them on the path its carriers take,
    ``advance.formation_plan._objectives_on_path``)."""
    plan = getattr(result, "plan", None)
    rows = [{"formation_id": str(fp.unit.id), "name": str(name), "route_km": float(km)}
            for fp in getattr(plan, "formations", ()) or ()
            for km, name in (getattr(fp, "objectives", ()) or ())]
    return pd.DataFrame(rows, columns=["formation_id", "name", "route_km"])


def _formations_frame(f: pd.DataFrame) -> pd.DataFrame:
    out = f.copy()
    for col in FORMATION_COLUMNS:
        if col not in out:
            out[col] = (np.nan if col in ("start_lon", "start_lat")
                        else False if col == "drawn_from_parent" else "")
    out["aliases"] = [tuple(a) if isinstance(a, (list, tuple)) else ((a,) if isinstance(a, str) and a else ())
                      for a in out["aliases"]]
    out["formation_id"] = out["formation_id"].astype(str)
    return out[list(FORMATION_COLUMNS)].reset_index(drop=True)


_TRACKS_KEEP = ("time", "formation_id", "cum_km", "lon", "lat", "status", "mode", "fuel_l",
                "refills_on_hand", "dry_classes")


def _tracks_frame(tracks: pd.DataFrame, start: pd.Timestamp | None,
                  routes: pd.DataFrame | None = None) -> pd.DataFrame:
    """The formations' tracks, each starting at km 0 at its first time or H-hour.

    The runner records each step's end, so a track whose first record is past km 0 gets a
    record at its start: km 0 at the point where its route (``routes``: formation_id,
    cum_km, lon, lat) has km 0, as the one-formation track gets. Its position was the first
    record's, one step (1-7 km) down the route while its km said 0, and the off-route timing
    read it: a leg leaving at H-hour started from there, and the formation's duty measured the
    cost engine's hours from there. Without a route the first record's position is kept."""
    t = tracks[[c for c in _TRACKS_KEEP if c in tracks]].copy()
    t["time"] = pd.to_datetime(t["time"])
    t["formation_id"] = t["formation_id"].astype(str)
    parts = []
    for fid, g in t.groupby("formation_id", sort=False):
        g = g.sort_values("time", kind="stable")
        if len(g) and g["cum_km"].iloc[0] > 0:
            step = (g["time"].iloc[1] - g["time"].iloc[0]) if len(g) > 1 else pd.Timedelta(hours=1)
            t0 = g["time"].iloc[0] - step
            if start is not None and start < g["time"].iloc[0]:
                t0 = max(t0, start)
            parts.append(g.iloc[[0]].assign(time=t0, cum_km=0.0, **_route_start(routes, fid)))
        parts.append(g)
    return pd.concat(parts, ignore_index=True) if parts else t


def _route_start(routes: pd.DataFrame | None, fid: str) -> dict[str, float]:
    """``{lon, lat}`` of the formation's route at km 0 (``{}``: it has no route)."""
    if routes is None or "formation_id" not in routes:
        return {}
    r = routes[routes["formation_id"].astype(str) == fid].sort_values("cum_km", kind="stable")
    if r.empty:
        return {}
    km = r["cum_km"].to_numpy(float)
    return {"lon": float(np.interp(0.0, km, r["lon"].to_numpy(float))),
            "lat": float(np.interp(0.0, km, r["lat"].to_numpy(float)))}


def _terrain_ref(result: Any) -> Any:
    """The run's terrain: a :class:`TerrainRef` (box, resolution, DEM), or the Dataset itself
    when the result carries one (``terrain``: synthetic runs)."""
    given = getattr(result, "terrain", None)
    if given is not None and hasattr(given, "data_vars"):
        return given
    prov = getattr(result, "provenance", None) or {}
    box = getattr(result, "terrain_box", None)
    sc = getattr(result, "scenario", None)
    if box is None and sc is not None:
        try:
            from logistics.advance.plan import army_bbox

            box = army_bbox(sc)
        except Exception:  # noqa: BLE001 - a scenario without points: no off-route timing
            box = None
    res = prov.get("resolution_m")
    if box is None or res is None:
        return None
    return TerrainRef(tuple(float(v) for v in box), float(res), str(prov.get("dem", "merged")),
                      getattr(sc, "config_dir", None))


def _seasons(result: Any) -> tuple[tuple[pd.Timestamp, str], ...]:
    spans = getattr(result, "seasons", None)
    if spans is None:
        spans = getattr(getattr(result, "scenario", None), "seasons", None) or ()
    out = []
    for s in spans:
        if isinstance(s, tuple):
            out.append((pd.Timestamp(s[0]), str(s[1])))
        else:
            out.append((pd.Timestamp(s.start.value), str(s.season)))
    return tuple(out)


def _speed_scale(result: Any) -> float:
    prov = getattr(result, "provenance", None) or {}
    return float((prov.get("overrides") or {}).get("speed_scale", 1.0))


def _army_name(result: Any) -> str:
    sc = getattr(result, "scenario", None)
    return str(getattr(result, "army_name", "") or getattr(sc, "name", "") or "")


def _start_time(result: Any) -> pd.Timestamp | None:
    """H-hour of the run's scenario (``scenario.start.time.value``), if it says."""
    try:
        sc = result.scenario
        start = getattr(sc, "h_hour", None)
        return pd.Timestamp(start.value if start is not None else sc.start.time.value)
    except (AttributeError, TypeError, ValueError):
        return None


def _run_one(runner: Callable[..., Any], job: Job) -> RunTrace:
    shared = {"breaches": job.breaches} if job.breaches else {}  # a runner alone needs none
    result = runner(job.scenario, seed=job.seed, overrides=dict(job.overrides) or None,
                    dem=job.dem, resolution_m=job.resolution_m, **shared)
    return trace_of(result)


def run_jobs(jobs: Sequence[Job], *, runner: Callable[..., Any] | None = None,
             client: Any = None, progress: bool = False, desc: str = "runs") -> list[RunTrace]:
    """Run ``jobs`` and return their traces in the same order (``desc``: their progress
    bar's name, when ``progress``).

    ``client=None`` runs them one after the other in this process; a
    ``distributed.Client`` spreads them over its workers (the runner and jobs must pickle).
    """
    runner = runner or default_runner()
    if client is None:
        return _run_here(runner, jobs, progress, desc)
    futures = client.map(_run_one, [runner] * len(jobs), list(jobs), pure=False)
    wait_done(futures, progress, desc)
    return client.gather(futures)  # all done (or one failed): no wait inside dask


def wait_done(futures: list, progress: bool, desc: str = "runs") -> None:
    """Return when every future is done or one has failed, with a progress bar when
    ``progress``.

    The futures' state is read locally (no scheduler call) between short sleeps, so Ctrl-C or
    SIGTERM lands in this process's own sleep, never inside a dask wait: an interrupted
    ``client.gather`` leaves one waiting task per job in the client's event loop, each then
    logged as "Task exception was never retrieved ... AllExit" with its traceback while the
    client closes; iterating ``distributed.as_completed`` let the process die by the signal.
    Our own bar, not ``distributed.progress``: that one redraws with carriage returns,
    hundreds of times, into a redirected log.
    """
    import time

    from logistics.progress import progress as _progress

    with _progress(len(futures), desc, unit="run", enabled=progress) as bar:
        done = 0
        while done < len(futures):
            now = sum(f.done() for f in futures)
            bar.update(now - done)
            done = now
            if any(f.status == "error" for f in futures):
                return  # the caller's gather raises its error
            if done < len(futures):
                time.sleep(0.2)


def _run_here(runner: Callable[..., Any], jobs: Sequence[Job], progress: bool,
              desc: str = "runs") -> list[RunTrace]:
    """Run ``jobs`` in this process, with a progress bar (plain lines off a terminal) when
    ``progress``."""
    from logistics.progress import progress as _progress

    with _progress(len(jobs), desc, unit="run", enabled=progress) as bar:
        traces = []
        for j in jobs:
            traces.append(_run_one(runner, j))
            bar.update(1)
    return traces
