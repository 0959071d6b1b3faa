"""Run a scenario: terrain -> route and fuel plan -> hour-by-hour advance -> :class:`RunResult`.

``run_scenario(scenario, *, seed=0, overrides=None, dem="merged", resolution_m=None)`` is the
contract that calibration and Monte Carlo build on (``logistics.history``). ``overrides`` names
global parameters (``speed_scale``, ``fuel_scale``, ``march_hours_per_day``; the same on every
axis) or any figure path listed under the scenario's ``uncertain:`` (see ``configs/README.md``).
A run builds each distinct cost model once (one :class:`~logistics.cost.models.CostModels` for
the plan, the trucks and the cost raster); ``engine`` picks the solver of every stage
(:func:`logistics.cost.accumulate.accumulate`). :func:`summarize` gives the headline numbers.
"""

from __future__ import annotations

import functools
import platform
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from logistics import __version__, settings
from logistics.advance.plan import Plan, build_plan, scenario_bbox
from logistics.advance.simulate import SimResult, simulate
from logistics.cost.models import CostModels
from logistics.scenario import Scenario, apply_overrides, load_scenario

__all__ = ["RunResult", "run_scenario", "summarize", "near_place"]


#: Columns of ``RunResult.formations``: one row per formation of the army, in file order.
FORMATION_COLUMNS: tuple[str, ...] = (
    "formation_id", "name", "kind", "role", "parent", "movement", "aliases", "start_lon",
    "start_lat", "pace_vehicle", "men", "headline",
)
#: Columns of ``RunResult.tracks``: one row per formation per hour step (time = step end).
#: ``mode`` is one of ``advance.movement.MODES``; ``fuel_l`` and ``refills_on_hand`` are NaN
#: for a formation that burns nothing; ``tail_km`` is the km of its rearmost element.
TRACK_COLUMNS: tuple[str, ...] = (
    "time", "formation_id", "cum_km", "lon", "lat", "status", "mode", "fuel_l",
    "refills_on_hand", "tail_km", "elements", "dry_classes",
)
#: Columns of ``RunResult.routes``: each formation's planned route, one row per route point.
ROUTE_COLUMNS: tuple[str, ...] = ("formation_id", "cum_km", "lon", "lat", "elev_m")
#: Columns of ``RunResult.daily`` (one row per formation per date, at the day's end; besides
#: them the legacy columns of the headline view, see ``RunResult``).
DAILY_COLUMNS: tuple[str, ...] = (
    "date", "formation_id", "lon", "lat", "cum_km", "km_day", "status", "refills_on_hand",
    "fuel_l", "hours_moving", "hours_halted_no_fuel", "hours_halted_event", "delivered_l",
    "consumed_l", "dry_classes", "men_detached", "tail_km",
)
#: Columns of ``RunResult.army_daily``: the army's one fuel ledger per date. ``carried_l`` is
#: on hand at the day's start (tanks of every formation + the army's reserve), ``on_hand_l``
#: at its end; ``carried + delivered - consumed = on_hand`` every day or the run fails.
ARMY_DAILY_COLUMNS: tuple[str, ...] = (
    "date", "carried_l", "delivered_l", "delivered_truck_l", "delivered_air_l",
    "delivered_depot_l", "consumed_l", "on_hand_l", "tanks_l", "reserve_l", "returned_l",
    "truck_fuel_l", "drained_l",
)
#: Columns of ``RunResult.crossings``: each river crossing of each formation, once, priced by
#: the cost engine (``crossing_h`` is what the pace vehicle's route time includes for it;
#: ``ferry_h`` the flotilla's ferrying of the whole formation where it ferries it, else 0).
CROSSING_COLUMNS: tuple[str, ...] = (
    "formation_id", "time", "cum_km", "lon", "lat", "river_class", "crossing_h", "ferry_h",
)


@dataclass(frozen=True)
class RunResult:
    """Everything one run of an army produced (plain data; the contract of logistics/README.md).

    One run is one army (or front group) with all its formations.

    ``formations`` (:data:`FORMATION_COLUMNS`): one row per formation, in file order;
    ``aliases`` is a tuple of the names the sources use; ``pace_vehicle`` the vehicle class
    whose cost model sets its route and pace (``foot-infantry``, ``horse-cavalry`` for men and
    horses); ``headline`` marks the formation the legacy single-column view shows.
    ``tracks`` (:data:`TRACK_COLUMNS`): one row per formation per hour step. ``routes``
    (:data:`ROUTE_COLUMNS`): each formation's planned route. ``daily``
    (:data:`DAILY_COLUMNS`): one row per formation per date. ``army_daily``
    (:data:`ARMY_DAILY_COLUMNS`): the army's fuel ledger per date, plus ``reserve_l_<fuel>``
    per fuel type. ``crossings`` (:data:`CROSSING_COLUMNS`): each river crossing once.
    ``departure_line``: the army's departure line as (lon, lat) pairs. ``terrain_box``: the
    (lon_min, lat_min, lon_max, lat_max) of the terrain the run used (with ``provenance``'s
    ``resolution_m`` and ``dem``, enough to load the same grid); ``seasons``: (time, season)
    from when each season's ground applies; with a formation's ``pace_vehicle`` they rebuild
    its cost model (``logistics.cost.models.CostModels.get``).

    Legacy view (kept until the comparison works on formations): ``track`` (``time, cum_km,
    lon, lat, status, fuel_l``, ...) and ``route_points`` (``cum_km, lon, lat, elev_m``) are
    the **headline formation**'s (the one marked ``headline: true`` in the file, else the
    first); :attr:`headline_daily` its rows of ``daily``. ``deliveries``: every delivery
    booked (with the ``formation_id`` that took it). ``reached``: stops passed (objectives,
    crossings, depots, fortified regions) by formation, with times. ``segments``: the
    headline formation's route steps (cost engine columns). ``cost_hours``: accumulated time
    from the headline formation's start for its pace vehicle (hours, metric grid) when asked
    for. ``summary``: headline numbers (see :func:`summarize`). ``provenance``: what was run
    on what.
    """

    scenario: Scenario
    daily: pd.DataFrame
    track: pd.DataFrame
    route_points: pd.DataFrame
    deliveries: pd.DataFrame
    reached: pd.DataFrame
    segments: pd.DataFrame
    summary: dict
    provenance: dict
    plan: Plan | None = None
    cost_hours: object | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    formations: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(FORMATION_COLUMNS)))
    tracks: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(TRACK_COLUMNS)))
    routes: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(ROUTE_COLUMNS)))
    army_daily: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(ARMY_DAILY_COLUMNS)))
    crossings: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(CROSSING_COLUMNS)))
    departure_line: tuple[tuple[float, float], ...] = ()
    terrain_box: tuple[float, float, float, float] | None = None
    seasons: tuple[tuple[object, str], ...] = ()
    headline: str = ""

    @property
    def headline_daily(self) -> pd.DataFrame:
        """The headline formation's rows of ``daily`` (the legacy one-row-per-date table)."""
        d = self.daily
        if "formation_id" not in d or not self.headline:
            return d
        return d[d["formation_id"] == self.headline].reset_index(drop=True)


def run_scenario(
    scenario: Scenario | str | Path,
    *,
    seed: int = 0,
    overrides: Mapping[str, float] | None = None,
    dem: str = "merged",
    resolution_m: float | None = None,
    events: bool = True,
    cost_surface: bool = False,
    terrain=None,
    engine: str = "auto",
) -> RunResult:
    """Run one scenario on the shipped terrain and return its :class:`RunResult`.

    ``scenario`` is a path or a loaded :class:`~logistics.scenario.Scenario`. ``seed`` seeds
    the run's random parts (truck jitter, airlift variability; none unless the scenario asks).
    ``events=False`` leaves out the documented delay events. ``cost_surface=True`` also
    computes the accumulated-time raster for ``cost.tif``. ``terrain`` (a terrain Dataset)
    replaces the shipped rasters (tests, custom grids). ``engine`` (``"auto"``, ``"memory"``,
    ``"chunked"``) picks the solver of every stage that solves.
    """
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    sc, scales = apply_overrides(sc, overrides)
    res = float(resolution_m) if resolution_m is not None else settings.DEFAULT_RESOLUTION_M
    if terrain is None:
        from logistics.terrain import load_terrain

        terrain = load_terrain(scenario_bbox(sc), resolution_m=res, dem=dem)
    models = CostModels()
    plan, extras = build_plan(sc, terrain, speed_scale=scales["speed_scale"],
                              fuel_scale=scales["fuel_scale"], events=events, engine=engine,
                              models=models)
    sim = simulate(plan, seed=seed)
    seg = extras["segments"]
    route_points = pd.DataFrame({
        "cum_km": seg["cum_km"].to_numpy(float),
        "lon": seg["lon"].to_numpy(float),
        "lat": seg["lat"].to_numpy(float),
        "elev_m": seg["elev_m"].to_numpy(float) if "elev_m" in seg else np.nan,
    })
    cost = _cost_hours(sc, terrain, extras, models=models, engine=engine) if cost_surface \
        else None
    provenance = _provenance(sc, terrain, dem=dem, resolution_m=res, seed=seed,
                             overrides=overrides, events=events, extras=extras)
    return RunResult(
        scenario=sc,
        daily=sim.daily,
        track=sim.track,
        route_points=route_points,
        deliveries=sim.deliveries,
        reached=sim.reached,
        segments=seg,
        summary=summarize(plan, sim, route_points),
        provenance=provenance,
        plan=plan,
        cost_hours=cost,
        notes=tuple(extras["notes"]) + sim.notes + _plan_notes(plan, sc),
    )


def summarize(plan: Plan, sim: SimResult, route_points: pd.DataFrame) -> dict:
    """Headline numbers: days, km, km/day, arrival, first fuel halt, highest point crossed."""
    daily, track = sim.daily, sim.track
    total_km = float(daily["cum_km"].iloc[-1]) if len(daily) else 0.0
    moving_days = int((daily["km_day"] > 0.05).sum()) if len(daily) else 0
    out: dict = {
        "route_km": float(plan.route_km[-1]),
        "days": int(len(daily)),
        "km": total_km,
        "km_per_day": total_km / len(daily) if len(daily) else 0.0,
        "km_per_moving_day": total_km / moving_days if moving_days else 0.0,
        "arrived": None,
        "first_dry": None,
        "highest": None,
        "halts": _halts(track, plan.start),
        "started_dry": _started_dry(plan, track),
        "column_length_km": plan.column_length_km,
        "moving_hours_per_day": plan.schedule.moving_hours_per_day,
    }
    arrived = track[track["status"] == "arrived"]
    if len(arrived):
        out["arrived"] = {"time": arrived["time"].iloc[0], "cum_km": total_km}
    dry = track[track["status"] == "halted: no fuel"]
    if len(dry):
        row = dry.iloc[0]
        # the step's start, as in the halts list (track times are step ends)
        pos = track.index.get_loc(dry.index[0])
        began = track["time"].iloc[pos - 1] if pos > 0 else pd.Timestamp(plan.start)
        out["first_dry"] = {"time": began, "cum_km": float(row["cum_km"]),
                            "lon": float(row["lon"]), "lat": float(row["lat"]),
                            "class": row.get("dry_class", ""),
                            "near": near_place(float(row["lon"]), float(row["lat"]))}
    elev = route_points["elev_m"].to_numpy(float)
    if np.isfinite(elev).any():
        i = int(np.nanargmax(elev))
        km = float(route_points["cum_km"].iloc[i])
        passed = track[track["cum_km"] >= km - 1e-9]
        out["highest"] = {
            "cum_km": km, "lon": float(route_points["lon"].iloc[i]),
            "lat": float(route_points["lat"].iloc[i]), "elev_m": float(elev[i]),
            "time": passed["time"].iloc[0] if len(passed) else None,
            "near": near_place(float(route_points["lon"].iloc[i]),
                               float(route_points["lat"].iloc[i])),
        }
    return out


def near_place(lon: float, lat: float) -> str:
    """Where a point is, said by the nearest gazetteer place: ``"38 km SE of Lubei"``."""
    from logistics.places import all_places
    from logistics.terrain import to_metric

    places = all_places()
    px, py = to_metric(np.array([p.lon for p in places]), np.array([p.lat for p in places]))
    x, y = to_metric(lon, lat)
    d = np.hypot(px - x, py - y)
    i = int(np.argmin(d))
    km = float(d[i]) / 1000.0
    if km < 2.0:
        return f"at {places[i].label}"
    compass = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")
    bearing = np.degrees(np.arctan2(x - px[i], y - py[i])) % 360.0
    return f"{km:.0f} km {compass[int((bearing + 22.5) // 45) % 8]} of {places[i].label}"


def _halts(track: pd.DataFrame, start) -> list[dict]:
    """Spells of ``halted: ...`` (rest hours inside a spell do not end it), from the start of
    their first halted track step to the end of their last (track times are step ends, so a
    spell is known to the step; ``start`` is the time the first step begins)."""
    spells: list[dict] = []
    current = None
    step_start = pd.Timestamp(start)
    for row in track.itertuples(index=False):
        if row.status.startswith("halted"):
            if current is not None and current["reason"] == row.status:
                current["end"] = row.time
            else:
                current = {"reason": row.status, "start": step_start, "end": row.time,
                           "cum_km": float(row.cum_km), "lon": float(row.lon),
                           "lat": float(row.lat)}
                spells.append(current)
        elif row.status != "rest":
            current = None
        step_start = row.time
    return [s for s in spells if s["end"] > s["start"]]


def _started_dry(plan: Plan, track: pd.DataFrame) -> dict | None:
    """``{"fuel_l": 0.0, "moved": first time the column moved or None}`` when the formation
    had no fuel at H-hour (nothing in its tanks), else None."""
    if float(np.sum(plan.on_hand_l)) > 0.0:
        return None
    moved = track[track["cum_km"] > 0.0]
    return {"fuel_l": 0.0, "moved": moved["time"].iloc[0] if len(moved) else None}


def _plan_notes(plan: Plan, sc: Scenario) -> tuple[str, ...]:
    notes = []
    for season, prof in plan.profiles.items():
        for cid, km in prof.impassable_km.items():
            notes.append(
                f"{cid}: {km:.0f} km of the route are impassable to it on its own ({season}); "
                "assumed helped across at its worst per-km time and fuel on the route"
            )
    reached_kinds = {(s.kind, s.name) for s in plan.stops}
    for d in sc.supply.depots:
        if ("depot", d.name) not in reached_kinds:
            notes.append(f"depot {d.name!r}: the route never comes within {d.at.radius_km:g} km")
    for e in sc.events:
        if e.at is not None and ("event", e.name) not in reached_kinds:
            notes.append(f"event {e.name!r}: the route never comes within {e.at.radius_km:g} km")
    start_l = plan.on_hand_l.sum() + sum(plan.reserve_l.values())
    if start_l <= 0 and any(g.fuel_type != "none" and g.count for g in plan.groups):
        notes.append("the formation starts with no fuel: it halts at once")
    return tuple(notes)


def _cost_hours(sc: Scenario, terrain, extras: dict, *, models: CostModels, engine: str):
    """Accumulated time (hours) from the jump-off for the lead class, as a metric DataArray
    (dask-backed when the chunked solver made it)."""
    import xarray as xr

    from logistics.cost.accumulate import accumulate, cost_array

    lead = extras["vehicles"][sc.formation.lead]
    seg = extras["segments"]
    model = models.get(terrain, lead, objective="time", season=sc.seasons[0].season)
    start = (int(seg["row"].iloc[0]), int(seg["col"].iloc[0]))
    acc = accumulate(model, [start], stencil=sc.routing.stencil, engine=engine)
    hours = (cost_array(acc) / 3600.0).astype(np.float32)
    da = xr.DataArray(hours, coords={"y": terrain["y"], "x": terrain["x"]}, dims=("y", "x"),
                      name="time_h", attrs={"units": "h", "long_name":
                                            f"accumulated travel time of one {lead.id} from "
                                            f"{sc.start.place}"})
    return da.rio.write_crs(settings.METRIC_CRS).rio.write_transform(terrain.rio.transform())


@functools.lru_cache(maxsize=1)
def _git_commit() -> str:
    """The code's commit, read once per process (runs of one process report the same one)."""
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=settings.PROJECT_ROOT,
                             capture_output=True, text=True, timeout=5, check=False)
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _provenance(sc: Scenario, terrain, *, dem: str, resolution_m: float, seed: int,
                overrides, events: bool, extras: dict) -> dict:
    vehicles = extras["vehicles"]
    return {
        "axis_id": sc.axis_id,
        "scenario_file": sc.source,
        "scenario_sha256": sc.sha256,
        "dem": dem,
        "resolution_m": resolution_m,
        "seed": seed,
        "overrides": dict(overrides or {}),
        "events": events,
        "logistics_version": __version__,
        "git_commit": _git_commit(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "vehicles": {k: getattr(v, "path", "") for k, v in vehicles.items()},
        "terrain": {k: (v if isinstance(v, (str, int, float)) else str(v))
                    for k, v in dict(getattr(terrain, "attrs", {})).items()},
        "grid_shape": [int(terrain.sizes["y"]), int(terrain.sizes["x"])],
        "waypoints": [(n, round(lon, 5), round(lat, 5)) for n, (lon, lat) in extras["waypoints"]],
    }
