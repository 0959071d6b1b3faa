"""Run an army: terrain -> every formation's plan -> hour-by-hour advance -> :class:`RunResult`.

``run_scenario(army, *, seed=0, overrides=None, dem="merged", resolution_m=None)`` is the
contract that the comparison, calibration and Monte Carlo build on (``logistics.history``;
logistics/README.md "Army run"). ``army`` is an army file (path) or a loaded
:class:`~logistics.army.schema.Army`. ``overrides`` names global parameters (``speed_scale``,
``fuel_scale``, ``march_hours_per_day``; the same on every axis), any figure path listed under
the army's ``uncertain:`` (see ``configs/README.md``), or a norms figure keyed by its file
(``norms/march:norms.tank_column.max_speed_kmh``; :mod:`logistics.ranges`), which the run's
norms readers take for this run only. A run builds each distinct cost model
once (one :class:`~logistics.cost.models.CostModels` for the routes, the trucks and the cost
raster); ``engine`` picks the solver of every stage
(:func:`logistics.cost.accumulate.accumulate`). :func:`summarize` gives the headline numbers.
"""

from __future__ import annotations

import functools
import math
import os
import platform
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from logistics import __version__, settings
from logistics.advance.coarse_grid import coarse_grid_note
from logistics.advance.plan import ArmyPlan, PlanOptions, army_bbox, build_army_plan
from logistics.advance.records import CROSSING_COLUMNS
from logistics.advance.simulate import ArmySim, simulate_army
from logistics.army.load import load_army
from logistics.army.norms import load_norms
from logistics.army.overrides import apply_army_overrides
from logistics.army.schema import Army
from logistics.cost.models import CostModels
from logistics.cost.physics import check_vehicles
from logistics.ranges import norms_overrides
from logistics.track_events import held_at, left_dry_at, passed_at, tail_reached_at

__all__ = ["RunResult", "run_scenario", "resimulate", "share_breaches", "release_grids",
           "army_for", "summarize", "near_place", "default_planners",
           "FORMATION_COLUMNS", "TRACK_COLUMNS", "ROUTE_COLUMNS", "DAILY_COLUMNS",
           "ARMY_DAILY_COLUMNS", "CROSSING_COLUMNS"]


#: Columns of ``RunResult.formations``: one row per formation of the army, in file order.
FORMATION_COLUMNS: tuple[str, ...] = (
    "formation_id", "name", "kind", "role", "parent", "movement", "aliases", "start_lon",
    "start_lat", "pace_vehicle", "men", "headline", "drawn_from_parent", "column_km",
)
#: Columns of ``RunResult.tracks``: one row per formation per hour step (time = step end).
#: ``mode`` is one of ``advance.movement.MODES``; ``fuel_l`` and ``refills_on_hand`` are NaN
#: for a formation that burns nothing; ``tail_km`` is the km of its tail: its rearmost
#: element, its whole column's length behind its head's trajectory (``FormationPlan.
#: tail_lag_h`` of the column's march hours: ``records.StepRecords.trailing``), or its
#: timetable's tail (a truck shuttle, ships), whichever is farthest back.
TRACK_COLUMNS: tuple[str, ...] = (
    "time", "formation_id", "cum_km", "lon", "lat", "status", "mode", "fuel_l",
    "refills_on_hand", "tail_km", "elements", "dry_classes", "reserve_km",
)
#: Columns of ``RunResult.routes``: each formation's planned route, one row per route point.
ROUTE_COLUMNS: tuple[str, ...] = ("formation_id", "cum_km", "lon", "lat", "elev_m")
#: Columns of ``RunResult.daily`` (one row per formation per date, at the day's end; besides
#: them the legacy columns of the headline view, see ``RunResult``).
DAILY_COLUMNS: tuple[str, ...] = (
    "date", "formation_id", "lon", "lat", "cum_km", "km_day", "status", "refills_on_hand",
    "fuel_l", "hours_moving", "hours_halted_no_fuel", "hours_halted_event",
    "hours_waiting_breach", "delivered_l", "consumed_l", "from_reserve_l", "drained_l",
    "dry_classes", "men_detached", "tail_km", "reserve_km",
)
#: Columns of ``RunResult.army_daily``: the army's one fuel ledger per date. ``carried_l`` is
#: on hand at the day's start (tanks of every formation + the army's reserve), ``on_hand_l``
#: at its end; ``carried + delivered - consumed = on_hand`` every day or the run fails.
ARMY_DAILY_COLUMNS: tuple[str, ...] = (
    "date", "carried_l", "delivered_l", "delivered_truck_l", "delivered_river_l",
    "delivered_air_l", "delivered_depot_l", "consumed_l", "on_hand_l", "tanks_l", "reserve_l",
    "returned_l", "truck_fuel_l", "drained_l",
)
# Columns of ``RunResult.crossings``: each river crossing of each formation, once, priced by
# the cost engine (``crossing_h`` is what the pace vehicle's route time includes for it;
# ``ferry_h`` where the flotilla ferries it, the hours of the means that put all of it across,
# its brigade or its crossing site's own means, else 0; then ``ferry_start``, ``all_across``,
# ``water_km``, ``far_km``, ``ferried_with_km``: defined with the table's writer, advance/records.py
# ``CROSSING_COLUMNS``, imported above)


@dataclass(frozen=True)
class RunResult:
    """Everything one run of an army produced (plain data; the contract of logistics/README.md).

    One run is one army (or front group) with all its formations.

    ``formations`` (:data:`FORMATION_COLUMNS`): one row per formation, in file order;
    ``aliases`` is a tuple of the names the sources use; ``pace_vehicle`` the vehicle class
    whose cost model sets its route and pace (``foot-infantry``, ``horse-cavalry`` for men and
    horses); ``headline`` marks the formation the legacy single-column view shows;
    ``column_km`` the road length of its whole column on one of its routes (its vehicles, its
    men on foot and horsemen in ranks: ``FormationPlan.road_column_km``; 0 for one carried by
    rail or ships), which places its tail.
    ``tracks`` (:data:`TRACK_COLUMNS`): one row per formation per hour step. ``routes``
    (:data:`ROUTE_COLUMNS`): each formation's planned route. ``daily``
    (:data:`DAILY_COLUMNS`): one row per formation per date. ``army_daily``
    (:data:`ARMY_DAILY_COLUMNS`): the army's fuel ledger per date, plus ``reserve_l_<fuel>``
    per fuel type. ``crossings`` (:data:`CROSSING_COLUMNS`): each river crossing once.
    ``departure_line``: the army's departure line as (lon, lat) pairs. ``terrain_box``: the
    (lon_min, lat_min, lon_max, lat_max) of the terrain the run used (with ``provenance``'s
    ``resolution_m`` and ``dem``, enough to load the same grid); ``elevation_m``: that
    terrain's elevation (m, an ``xarray.DataArray`` on the run's metric grid: the outputs'
    hillshade); ``seasons``: (time, season)
    from when each season's ground applies; with a formation's ``pace_vehicle`` they rebuild
    its cost model (``logistics.cost.models.CostModels.get``).

    Legacy view (kept until the comparison works on formations): ``track`` (``time, cum_km,
    lon, lat, status, fuel_l``, ...) and ``route_points`` (``cum_km, lon, lat, elev_m``) are
    the **headline formation**'s (the one marked ``headline: true`` in the file, else the
    first); :attr:`headline_daily` its rows of ``daily``. ``deliveries``: every delivery
    booked, one row per delivery and taker (``advance.simulate.DELIVERY_COLUMNS``). ``reached``: stops passed (objectives,
    crossings, depots, fortified regions) by formation, with times. ``segments``: the
    headline formation's route steps (cost engine columns). ``cost_hours``: accumulated time
    from the headline formation's start for its pace vehicle (hours, metric grid) when asked
    for. ``summary``: headline numbers (see :func:`summarize`). ``provenance``: what was run
    on what.
    """

    scenario: Army
    daily: pd.DataFrame
    track: pd.DataFrame
    route_points: pd.DataFrame
    deliveries: pd.DataFrame
    reached: pd.DataFrame
    segments: pd.DataFrame
    summary: dict
    provenance: dict
    plan: ArmyPlan | None = None
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
    elevation_m: object | None = None
    #: the regions the army broke into (:class:`~logistics.advance.shared_breaches.SharedBreach`),
    #: for the other armies of a run of several, and the breaches it was given by them
    #: (``run_scenario(..., breaches=)``; also in ``provenance["shared_breaches"]``)
    breaches: tuple = ()
    given_breaches: tuple = ()

    @property
    def headline_daily(self) -> pd.DataFrame:
        """The headline formation's rows of ``daily`` (the legacy one-row-per-date table)."""
        d = self.daily
        if "formation_id" not in d or not self.headline:
            return d
        return d[d["formation_id"] == self.headline].reset_index(drop=True)


def run_scenario(
    scenario: Army | str | Path,
    *,
    seed: int = 0,
    overrides: Mapping[str, float] | None = None,
    dem: str = "merged",
    resolution_m: float | None = None,
    events: bool = True,
    cost_surface: bool = False,
    terrain=None,
    engine: str = "auto",
    planners: Mapping[str, object] | None = None,
    own_sector: bool = True,
    config_dir: str | Path | None = None,
    river_timetables: Mapping | None = None,
    breaches: tuple = (),
) -> RunResult:
    """Run one army on the shipped terrain and return its :class:`RunResult`.

    ``scenario`` is an army file (path) or a loaded :class:`~logistics.army.schema.Army`.
    ``seed`` seeds the run's random parts (truck jitter, airlift variability; none unless the
    file asks). ``events=False`` leaves out the fortified-region rule (no barriers, no assault,
    no detachments: a sensitivity run). ``cost_surface=True`` also computes the accumulated-time
    raster of the headline formation's pace vehicle for ``cost.tif``. ``terrain`` (a terrain
    Dataset) replaces the shipped rasters (tests, custom grids). ``engine`` (``"auto"``,
    ``"memory"``, ``"chunked"``) picks the solver of every stage that solves.
    ``own_sector=False`` leaves out the rule that keeps a formation jumping off from the home
    side to its own sector (:mod:`logistics.advance.frontier`; a sensitivity run, or a synthetic
    army on the line). ``planners`` gives the means planners of
    :mod:`logistics.advance.movement` (``river_planner``, ``ferry_time``, ``own_means_time``,
    ``shuttle_planner``, ``railhead_at``; the shipped ones by default, reading the run's
    configs folder). ``config_dir``: the configs folder the run reads (vehicles, norms,
    fortified regions, railways, rail and river figures): an army file is loaded and checked
    against it; a loaded army runs on the folder it was loaded with (``Army.config_dir``), and
    is checked again when ``config_dir`` names another. None: ``settings.CONFIG_DIR``
    (``LOGISTICS_CONFIG_DIR``), or the loaded army's folder. ``river_timetables``: what
    :func:`~logistics.advance.land_check.check_river_moves` returned for this army before
    (``logistics run`` checks it before its terrain step), taken rather than sailed again;
    not taken with ``overrides`` (a drawn river norm would not be in them). ``breaches``: the
    fortified regions other armies of a run of several broke
    (:class:`~logistics.advance.shared_breaches.SharedBreach`; none: the army alone, as
    before), which its formations cross behind those breaches; :func:`resimulate` gives a
    result other ones without planning again.
    """
    commit = _git_commit()  # as the run starts: a commit made while it runs is not its code
    army = army_for(scenario, config_dir)  # checked as written, against the run's folder
    with norms_overrides(overrides) as own:  # drawn norm values: this run only (ranges.py)
        load_norms(army.config_dir)  # a norms override naming no figure fails here
        return _run_scenario(army, seed=seed, overrides=overrides, army_overrides=own,
                             dem=dem, resolution_m=resolution_m, events=events,
                             cost_surface=cost_surface, terrain=terrain, engine=engine,
                             planners=planners, own_sector=own_sector, commit=commit,
                             river_timetables=None if overrides else river_timetables,
                             breaches=tuple(breaches))


def _run_scenario(army: Army, *, seed: int, overrides, army_overrides, dem: str,
                  resolution_m: float | None, events: bool, cost_surface: bool, terrain,
                  engine: str, planners, own_sector: bool, commit: str,
                  river_timetables: Mapping | None = None,
                  breaches: tuple = ()) -> RunResult:
    """:func:`run_scenario` within its norms overrides: ``army_overrides`` are the others;
    ``commit`` is the code's commit read at the run's start; ``river_timetables`` the
    carried formations' timetables sailed before (the plan takes them, and adds its own)."""
    army, scales = apply_army_overrides(army, army_overrides)
    folder = army.config_dir  # every configs file of the run from here
    res = float(resolution_m) if resolution_m is not None else settings.DEFAULT_RESOLUTION_M
    box = army_bbox(army)
    check_vehicles(folder)  # figures that cannot move a vehicle: refused before the terrain
    sailed = dict(river_timetables or {})
    if terrain is None:
        from logistics.advance.land_check import check_points_on_land
        from logistics.advance.land_check import check_river_moves
        from logistics.run_memory import check_run_fits
        from logistics.terrain import load_terrain
        from logistics.terrain.layer_files import check_layer_files

        check_run_fits(box, res)  # before the grid is built: refused with numbers, not grown to GBs
        # headers only: a damaged layer (or the configs' railways) refused before the grid
        check_layer_files(dem=dem, config_dir=folder)
        # a start or objective in a lake or the sea: the plan's refusal, before the terrain
        check_points_on_land(army, resolution_m=res, dem=dem,
                             river_path=(planners or {}).get("river_planner", True) is not None)
        # a flotilla that cannot sail its carried formation's ports: the plan's refusal, now
        check_river_moves(army, (planners or {}).get("river_planner", "default"), sailed)
        terrain = load_terrain(box, resolution_m=res, dem=dem, config_dir=folder)
    models = CostModels(folder)
    means = dict(default_planners(army, config_dir=folder))
    means.update(planners or {})
    options = PlanOptions(speed_scale=scales["speed_scale"], fuel_scale=scales["fuel_scale"],
                          march_hours_per_day=scales.get("march_hours_per_day"),
                          march_hours_scale=scales.get("march_hours_scale"),
                          fortified=events, own_sector=own_sector, engine=engine,
                          river_timetables=sailed, **means)
    plan, extras = build_army_plan(army, terrain, options=options, models=models,
                                   config_dir=folder)
    sim = simulate_army(plan, seed=seed, rule=extras["fortified"].rule, shared=breaches)
    head = army.headline_id
    routes = _routes_frame(plan)
    seg = extras["routes"].get(head, pd.DataFrame(columns=["cum_km", "lon", "lat", "elev_m"]))
    cost = _cost_hours(army, terrain, plan, models=models, engine=engine) if cost_surface \
        else None
    release_grids(plan)
    models.release()
    return RunResult(
        scenario=army,
        route_points=routes[routes["formation_id"] == head].drop(columns="formation_id")
        .reset_index(drop=True),
        segments=seg,
        provenance=_provenance(army, terrain, plan, dem=dem, resolution_m=res, seed=seed,
                               overrides=overrides, events=events, extras=extras,
                               commit=commit, breaches=breaches),
        plan=plan,
        cost_hours=cost,
        formations=_formations_frame(plan),
        routes=routes,
        departure_line=plan.departure_line,
        terrain_box=tuple(float(v) for v in box),
        seasons=tuple((plan.start + timedelta(hours=max(h, 0.0)), s) for h, s in plan.seasons),
        headline=head,
        elevation_m=terrain["elevation_m"],
        **_simulated(plan, sim, routes, head, coarse_grid_note(army, res), breaches),
    )


def release_grids(plan: ArmyPlan) -> None:
    """Drop the grids the plan's truck legs hold once a run is done (their accumulated
    surfaces and cost models, :func:`~logistics.supply.turnaround.release_legs`): what a run
    needs from them is priced; a re-run (:func:`resimulate`) asking a new leg rebuilds its
    season's surfaces, the same numbers. Why: a run of several armies holds every army's
    result until they have shared their breaches, and these grids were most of it (peak
    memory of ``logistics run configs/`` 0.90 -> 1.52 GB)."""
    from logistics.supply.turnaround import release_legs

    for t in (*plan.trucks, *plan.boats):
        release_legs(getattr(t, "leg", None))
    release_legs(plan.truck_leg_at)


def _simulated(plan: ArmyPlan, sim: ArmySim, routes: pd.DataFrame, head: str,
               coarse: str | None, given: tuple) -> dict:
    """The fields of a :class:`RunResult` that its step loop's ``sim`` makes (the rest are
    the plan's, the terrain's and the army file's): one place for :func:`run_scenario` and
    :func:`resimulate`. ``coarse``: the run's coarse-grid note; ``given``: the breaches other
    armies of the run made that it was given."""
    tracks = sim.tracks.reindex(columns=list(TRACK_COLUMNS))
    return {"daily": sim.daily, "track": _legacy_track(tracks, head),
            "deliveries": sim.deliveries, "reached": sim.reached,
            "summary": summarize(plan, sim, routes, head),
            "notes": tuple(dict.fromkeys(filter(None, (coarse, *plan.notes, *sim.notes)))),
            "tracks": tracks, "army_daily": sim.army_daily, "crossings": sim.crossings,
            "breaches": sim.breaches, "given_breaches": tuple(given)}


def resimulate(result: RunResult, breaches: tuple) -> RunResult:
    """``result`` run again through its step loop on the same plan, given the ``breaches``
    other armies of the run made (:mod:`~logistics.advance.shared_breaches`): what
    ``run_scenario(..., breaches=breaches)`` gives for the same army and arguments, without
    planning its routes again (the breaches change none: the plan's bypass rule weighs its own
    army's breaches only). Its provenance lists the breaches given
    (``shared_breaches``)."""
    from dataclasses import replace

    from logistics.army.fortified import load_fortified

    plan, prov = result.plan, result.provenance
    with norms_overrides(prov.get("overrides")):  # the run's drawn norms, as it ran
        sim = simulate_army(plan, seed=int(prov.get("seed", 0)),
                            rule=load_fortified(result.scenario.config_dir).rule,
                            shared=tuple(breaches))
    release_grids(plan)
    coarse = coarse_grid_note(result.scenario, float(prov["resolution_m"]))
    provenance = {k: v for k, v in prov.items() if k != "shared_breaches"}
    if breaches:
        provenance["shared_breaches"] = [b.as_dict() for b in breaches]
    return replace(result, provenance=provenance,
                   **_simulated(plan, sim, result.routes, result.headline, coarse, breaches))


def share_breaches(results: Mapping[str, RunResult], *, progress=None
                   ) -> tuple[dict[str, RunResult], object]:
    """The armies of one run (``results``: axis id -> its run alone) run again on their
    plans (:func:`resimulate`) until each has crossed the fortified regions the others broke
    behind their breaches (:func:`~logistics.advance.shared_breaches.settle`: the same whatever
    their order); returns the results and the ``Settled`` record (passes, settled or not).
    ``progress(text)`` is told each pass."""
    from dataclasses import replace

    from logistics.advance.shared_breaches import crossed_regions, settle

    out = dict(results)

    def rerun(gifts: dict) -> dict:
        if progress is not None:
            progress(f"shared breaches: {len(gifts)} arm{'y' if len(gifts) == 1 else 'ies'} "
                     f"again ({', '.join(gifts)})")
        for axis, given in gifts.items():
            out[axis] = resimulate(out[axis], given)
        return {axis: out[axis].breaches for axis in gifts}

    settled = settle({a: r.breaches for a, r in out.items()},
                     {a: crossed_regions(r.plan) for a, r in out.items()}, rerun)
    if not settled.settled:  # said on every army's page: its crossings may be a pass behind
        note = (f"the breaches shared between the armies of the run did not settle in "
                f"{settled.passes} passes (advance/shared_breaches.py settle): an army's "
                "crossings may not reflect the others' last breaches")
        out = {a: replace(r, notes=(*r.notes, note)) for a, r in out.items()}
    return out, settled


def army_for(scenario: Army | str | Path, config_dir: str | Path | None = None) -> Army:
    """The army a run of ``scenario`` (a file or a loaded army) on ``config_dir`` runs: the
    file loaded and checked against that folder; a loaded army as it is when ``config_dir`` is
    None or its own folder, else validated and checked again against ``config_dir`` (its
    vehicles, norms and stations are that folder's), keeping its file and digest."""
    from logistics.army.load import check_army, validate_army

    if not isinstance(scenario, Army):
        return load_army(scenario, config_dir=config_dir)
    if config_dir is None or (settings.configs_folder(scenario.config_dir)
                              == settings.configs_folder(config_dir)):
        return scenario
    data = scenario.model_dump(mode="python", by_alias=True, exclude_none=True)
    army = validate_army(data, source=scenario.source, config_dir=config_dir)
    army._source, army._sha256 = scenario._source, scenario._sha256
    check_army(army, config_dir)
    return army


def default_planners(army=None, *, config_dir: str | Path | None = None) -> dict[str, object]:
    """The shipped means planners (:mod:`logistics.advance.movement`, adapted by
    :mod:`logistics.advance.means`): river moves, ferrying, truck shuttles and, for an army
    with a railhead on the shipped 1945 network, its railway (rail moves, moving railheads),
    reading the configs folder ``config_dir`` (``settings.CONFIG_DIR`` when None)."""
    from types import SimpleNamespace

    from logistics.advance.means import means_options

    if army is None:  # no railway: that is an army's railheads'
        opts = means_options(SimpleNamespace(supply=SimpleNamespace(rail=None)),
                             config_dir=config_dir)
        del opts["rail"]
        return opts
    return means_options(army, config_dir=config_dir)


def _formations_frame(plan: ArmyPlan) -> pd.DataFrame:
    rows = []
    for fp in plan.formations:
        u = fp.unit
        rows.append({"formation_id": u.id, "name": u.name, "kind": u.kind, "role": u.role,
                     "parent": u.parent, "movement": u.movement, "aliases": tuple(u.aliases),
                     "start_lon": u.start_lon, "start_lat": u.start_lat,
                     "pace_vehicle": u.pace_vehicle, "men": u.men, "headline": u.headline,
                     "drawn_from_parent": bool(u.drawn_from_parent),
                     "column_km": float(fp.road_column_km)})
    return pd.DataFrame(rows, columns=list(FORMATION_COLUMNS))


def _routes_frame(plan: ArmyPlan) -> pd.DataFrame:
    parts = [pd.DataFrame({"formation_id": fp.id, "cum_km": fp.km, "lon": fp.lon,
                           "lat": fp.lat, "elev_m": fp.elev_m}) for fp in plan.formations]
    if not parts:
        return pd.DataFrame(columns=list(ROUTE_COLUMNS))
    return pd.concat(parts, ignore_index=True)[list(ROUTE_COLUMNS)]


def _legacy_track(tracks: pd.DataFrame, head: str) -> pd.DataFrame:
    """The headline formation's hourly track: its rows of ``tracks``, a few columns, each under
    the same name and with the same values as there (``dry_classes``: the classes standing dry,
    also while its head moves on without them)."""
    t = tracks[tracks["formation_id"] == head].reset_index(drop=True)
    return t[["time", "cum_km", "lon", "lat", "status", "fuel_l", "dry_classes"]].copy()


def summarize(plan: ArmyPlan, sim: ArmySim, routes: pd.DataFrame, head: str) -> dict:
    """Headline numbers: the headline formation's days, km, km/day, arrival, first fuel halt
    and highest point crossed (the single-column keys), and per formation (``formations``)
    the same; ``first_dry_formation``: the formation that ran dry first."""
    per = []
    for fp in plan.formations:
        t = sim.tracks[sim.tracks["formation_id"] == fp.id].reset_index(drop=True)
        d = sim.daily[sim.daily["formation_id"] == fp.id]
        per.append(_one_summary(plan, fp, t, d, routes[routes["formation_id"] == fp.id],
                                _objectives_of(sim.reached, fp.id),
                                _stops_of(sim.reached, fp.id, "dry"),
                                tail_all_h=sim.tail_all_h.get(fp.id)))
    for p in per:  # "held with the reserve away" only while the reserve held fuel that day
        d = p["first_dry"]
        if d and "reserve_km" in d and len(sim.army_daily) and "reserve_l" in sim.army_daily:
            on = sim.army_daily[sim.army_daily["date"] == pd.Timestamp(d["time"]).date()
                                .isoformat()]["reserve_l"]
            if not len(on) or float(on.iloc[0]) < 1.0:  # litres: rounding leaves dust
                d.pop("reserve_km")
    out = dict(next(p for p in per if p["formation_id"] == head))
    out["formations"] = per
    firsts = [p for p in per if p["first_dry"]]
    out["first_dry_formation"] = (min(firsts, key=lambda p: p["first_dry"]["time"])
                                  if firsts else None)
    return out


def _objectives_of(reached: pd.DataFrame, fid: str) -> pd.DataFrame:
    """The objectives a formation reached (time, cum_km), in order."""
    return _stops_of(reached, fid, "objective")[["time", "cum_km"]]


def _stops_of(reached: pd.DataFrame, fid: str, kind: str) -> pd.DataFrame:
    """A formation's stops of one ``kind`` (time, cum_km, name), in order."""
    if reached is None or reached.empty or "kind" not in reached:
        return pd.DataFrame(columns=["time", "cum_km", "name"])
    r = reached[(reached["formation_id"] == fid) & (reached["kind"] == kind)]
    return r[["time", "cum_km", "name"]].reset_index(drop=True)


def _one_summary(plan: ArmyPlan, fp, track: pd.DataFrame, daily: pd.DataFrame,
                 route: pd.DataFrame, objectives: pd.DataFrame | None = None,
                 dry_stops: pd.DataFrame | None = None, tail_all_h: float | None = None
                 ) -> dict:
    total_km = float(daily["cum_km"].iloc[-1]) if len(daily) else 0.0
    lag_h = float(getattr(fp, "tail_lag_h", 0.0))  # its tail behind its head's trajectory
    moving_days = int((daily["km_day"] > 0.05).sum()) if len(daily) else 0
    out: dict = {
        "formation_id": fp.id, "name": fp.unit.name, "route_km": fp.route_km,
        "days": int(len(daily)), "km": total_km,
        "km_per_day": total_km / len(daily) if len(daily) else 0.0,
        "km_per_moving_day": total_km / moving_days if moving_days else 0.0,
        "arrived": None, "first_dry": None, "first_vehicles_dry": None, "highest": None,
        "halts": _halts(track, plan.start, dry_stops), "started_dry": None,
        "column_length_km": fp.column_length_km,
        "column_km": getattr(fp, "road_column_km", 0.0), "tail_lag_h": lag_h,
        "moving_hours_per_day": fp.schedule[plan.seasons[0][1]].moving_hours_per_day,
        "notes": list(fp.notes),
    }
    arrived = track[track["status"] == "arrived"]
    last = objectives.iloc[-1] if objectives is not None and len(objectives) else None
    at_end = last is not None and float(last["cum_km"]) >= fp.route_km - 0.5
    carried = getattr(fp, "timetable", None) is not None
    if len(arrived) or (carried and at_end):
        # the hour it reached its last objective, or the end of the hour step it arrived in
        whole = arrived["time"].iloc[0] if len(arrived) else None
        when = pd.Timestamp(last["time"]) if at_end else whole
        if whole is not None:
            when = min(when, whole)
        days = (pd.Timestamp(when) - pd.Timestamp(plan.start)).total_seconds() / 86400.0
        out["arrived"] = {"time": when, "cum_km": total_km,  # km/day from H-hour to arrival
                          "km_per_day": total_km / days if days > 0 else math.nan}
        if carried and (whole is None or pd.Timestamp(whole) - pd.Timestamp(when)
                        > pd.Timedelta(hours=1)):
            # a carried formation's head at its last objective while the rest still comes (a
            # truck shuttle's last trips, a flotilla's later ones): when all of it is there,
            # None when not by the run's end
            out["arrived"]["all_time"] = whole
        elif not carried and lag_h > 0:
            # a marching column's tail, its whole length behind its head's trajectory
            there_km = float(arrived["cum_km"].iloc[0]) if len(arrived) else total_km
            lagged = None if tail_all_h is None else \
                (pd.Timestamp(plan.start) + pd.Timedelta(hours=float(tail_all_h))).round("s")
            out["arrived"]["all_time"] = tail_reached_at(track, there_km, lagged)
    dry = track[track["status"] == "halted: no fuel"]
    if len(dry):
        row = dry.iloc[0]
        held = held_at(track, int(dry.index[0]), plan.start, dry_stops)  # one hour and km
        out["first_dry"] = {"time": held["time"], "cum_km": held["cum_km"],
                            "lon": float(row["lon"]), "lat": float(row["lat"]),
                            "class": row.get("dry_classes", ""),
                            "near": near_place(float(row["lon"]), float(row["lat"]))}
        far = float(row.get("reserve_km", math.nan))
        if math.isfinite(far) and far > plan.reserve_reach_km:  # held with the reserve away
            out["first_dry"]["reserve_km"] = far
    # vehicles of the formation stalled for fuel while its head may move on (they stay
    # behind and rejoin when fuel reaches them): the first step any are
    if "dry_classes" in track:
        left = track[track["dry_classes"].fillna("").astype(str) != ""]
        if len(left):  # when and where they were left (the stops table's row, if any)
            out["first_vehicles_dry"] = left_dry_at(track, int(left.index[0]), plan.start,
                                                    dry_stops)
    elev = route["elev_m"].to_numpy(float)
    if len(elev) and np.isfinite(elev).any():
        i = int(np.nanargmax(elev))
        km = float(route["cum_km"].iloc[i])
        out["highest"] = {
            "cum_km": km, "lon": float(route["lon"].iloc[i]),
            "lat": float(route["lat"].iloc[i]), "elev_m": float(elev[i]),
            "time": passed_at(track, km, plan.start),
            "near": near_place(float(route["lon"].iloc[i]), float(route["lat"].iloc[i])),
        }
    burns = fp.refill_l > 0
    if burns and plan.army.fuel.in_tanks_refills.value <= 0 and not np.any(fp.extra_l) \
            and not any(plan.reserve_l.values()):
        moved = track[track["cum_km"] > 0.0]
        out["started_dry"] = {"fuel_l": 0.0,
                              "moved": moved["time"].iloc[0] if len(moved) else None}
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


def _halts(track: pd.DataFrame, start, dry_stops: pd.DataFrame | None = None) -> list[dict]:
    """Spells of ``halted: ...`` (rest hours inside a spell do not end it), to the end of
    their last halted track step (track times are step ends; ``start`` is the time the first
    step begins), from when and where the head was held (``track_events.held_at``: the km it
    stood at and the first time the records have it there; ``dry_stops``: the formation's
    ``dry`` stops). ``to_end``: no step but rest follows the spell, so the formation is still
    halted when the run ends (its ``end`` is its last halted step, which a reader would
    otherwise take for when it moved on: the 39th Army's forward detachment 'halted: no fuel:
    17 Aug 01:00 - 26 Aug 16:00', dry to the end)."""
    spells: list[dict] = []
    current = None
    for pos, row in enumerate(track.itertuples(index=False)):
        if row.status.startswith("halted"):
            if current is not None and current["reason"] == row.status:
                current["end"] = row.time
            else:
                held = held_at(track, pos, start, dry_stops)
                current = {"reason": row.status, "start": held["time"], "end": row.time,
                           "cum_km": held["cum_km"], "lon": float(row.lon),
                           "lat": float(row.lat), "to_end": False}
                spells.append(current)
        elif row.status != "rest":
            current = None
    if current is not None:  # the last spell, with only rest after it
        current["to_end"] = True
    return spells


@functools.lru_cache(maxsize=1)
def _git_commit() -> str:
    """The code's commit, read once per process, at the start of its first run (the runs of
    one process report the same one: the code they run was imported by then)."""
    return checkout_commit(Path(settings.PROJECT_ROOT))


def checkout_commit(root: Path) -> str:
    """The short commit of the git checkout whose top folder is ``root``, else ``"unknown"``.

    Only ``root``'s own checkout counts: a package installed from a wheel or unpacked from an
    archive sits in no checkout of its own, and the repository that happens to hold it (a
    venv inside someone's project) or the user's ``GIT_DIR`` is not the code's history."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    try:
        out = subprocess.run(["git", "rev-parse", "--show-toplevel", "--short", "HEAD"],
                             cwd=root, env=env, capture_output=True, text=True, timeout=5,
                             check=False)
    except (OSError, subprocess.SubprocessError):  # no git, no such folder, a hung git
        return "unknown"
    lines = out.stdout.splitlines()  # the top folder, then the commit
    if out.returncode != 0 or len(lines) != 2:
        return "unknown"
    try:
        own = Path(lines[0]).resolve() == root.resolve()
    except OSError:
        return "unknown"
    return lines[1] if own else "unknown"


def _cost_hours(army: Army, terrain, plan: ArmyPlan, *, models: CostModels, engine: str):
    """Accumulated time (hours) from the headline formation's start for its pace vehicle, as a
    metric DataArray (dask-backed when the chunked solver made it)."""
    from logistics.cost.accumulate import accumulate, hours_raster

    fp = plan.formation(army.headline_id)
    if fp.unit.pace_vehicle is None or not len(fp.cells):
        return None
    model = models.get(terrain, fp.unit.pace_vehicle, objective="time",
                       season=plan.seasons[0][1])
    start = (int(fp.cells[0, 0]), int(fp.cells[0, 1]))
    acc = accumulate(model, [start], stencil=army.routing.stencil, engine=engine)
    return hours_raster(acc, terrain, long_name=f"accumulated travel time of one "
                                                f"{fp.unit.pace_vehicle} from the start of {fp.id}")


def _provenance(army: Army, terrain, plan: ArmyPlan, *, dem: str, resolution_m: float,
                seed: int, overrides, events: bool, extras: dict, commit: str,
                breaches: tuple = ()) -> dict:
    from logistics.vehicles import load_vehicle

    # every vehicle file the run read: the formations' classes and the supply columns' trucks
    folder = army.config_dir
    classes = sorted({c for fp in plan.formations for c in fp.class_ids}
                     | {load_vehicle(tr.vehicle, config_dir=folder).id
                        for tr in army.supply.trucks})
    waypoints = extras["waypoints"].get(army.headline_id, ())
    return {
        "axis_id": army.axis_id,
        "scenario_file": army.source,
        "scenario_sha256": army.sha256,
        "dem": dem,
        "resolution_m": resolution_m,
        "seed": seed,
        "overrides": dict(overrides or {}),
        "events": events,
        "logistics_version": __version__,
        "git_commit": commit,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "vehicles": {c: getattr(load_vehicle(c, config_dir=folder), "path", "") for c in classes},
        "terrain": {k: (v if isinstance(v, (str, int, float)) else str(v))
                    for k, v in dict(getattr(terrain, "attrs", {})).items()},
        "grid_shape": [int(terrain.sizes["y"]), int(terrain.sizes["x"])],
        "waypoints": [(n, round(lon, 5), round(lat, 5)) for n, lon, lat in waypoints],
        "route_solves": extras.get("route_solves", 0),
        "norms": list(extras["norms"].files),
        "fortified_regions": extras["fortified"].path,
        "config_dir": copied_config_dir(folder),
        **({"shared_breaches": [b.as_dict() for b in breaches]} if breaches else {}),
    }


def copied_config_dir(config_dir: str | Path | None = None) -> str | None:
    """The configs folder the run read (``config_dir``; ``settings.CONFIG_DIR``,
    LOGISTICS_CONFIG_DIR, when None), when it is not the shipped one: relative to the working
    folder when under it, else by its name (a page names no absolute path); None for the
    shipped folder."""
    here = settings.configs_folder(config_dir)
    if here == Path(settings.SHIPPED_CONFIG_DIR).resolve():
        return None
    try:
        return here.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return here.name
