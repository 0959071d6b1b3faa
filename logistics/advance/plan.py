"""An army on real terrain -> the :class:`ArmyPlan` the hour-by-hour step loop moves through.

The plan is plain data, one :class:`FormationPlan` per formation: its route (the pace vehicle's
least-time route through its objectives, :mod:`~logistics.advance.routes`), every class's step
time and cumulative fuel along it per season at the column's pace
(:mod:`~logistics.advance.pace`), its march window per season, its stops (objectives reached,
river crossings priced once by the cost engine, fortified regions it assaults, depots), its
ferrying and its carried move (:mod:`~logistics.advance.movement`); and for the army: the fuel
account at H-hour, the truck columns with their legs priced by the cost engine to anywhere on
the army's routes, airlifts, depots, the priority order. Building the plan is the only place
that calls the cost engine; :mod:`logistics.advance.simulate` only reads it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import datetime

import numpy as np
import pandas as pd

from logistics import settings
from logistics.advance.depths import FortifiedPass, fortified_passes
from logistics.advance.movement import Timetable, through_depths
from logistics.advance.schedule import MarchSchedule, hours_since
from logistics.advance.supply_specs import (AirSpec, TruckSpec, air_spec, truck_leg_at,
                                            truck_spec)
from logistics.army.resolve import FOOT, MEN_CLASSES, ResolvedFormation
from logistics.cost.models import CostModels
from logistics.errors import ConfigError, NoRouteError
from logistics.terrain.classes import BIG_RIVER_CLASSES
from logistics.vehicles import no_tank_capacity

__all__ = ["CrossingStop", "FortifiedPass", "FormationPlan", "ArmyPlan", "build_army_plan",
           "army_bbox", "PlanOptions"]


@dataclass(frozen=True)
class CrossingStop:
    """A river crossing of a formation's route, priced once by the cost engine: ``crossing_h``
    is what the pace vehicle's route time already holds for it (no stop is added)."""

    km: float
    lon: float
    lat: float
    river_class: int
    crossing_h: float


@dataclass(frozen=True)
class FormationPlan:
    """One formation's plan (see the module docstring). Arrays over the route's points:
    ``km``, ``lon``, ``lat``, ``elev_m``; per class (``class_ids``): ``fuel_types``,
    ``tank_l`` (one refill per vehicle, 0 for men), ``extra_l``, ``counts``, ``pace_mask``
    (classes that bound the column's pace), ``idle_l_per_h``; per season: ``step_time_s``
    (n_classes, n) at the column's day pace and ``step_fuel_l`` (n_classes, n) per vehicle;
    ``schedule`` per season."""

    unit: ResolvedFormation
    km: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    elev_m: np.ndarray
    cells: np.ndarray
    class_ids: tuple[str, ...]
    fuel_types: tuple[str, ...]
    tank_l: np.ndarray
    extra_l: np.ndarray
    counts: np.ndarray
    pace_mask: np.ndarray
    idle_l_per_h: np.ndarray
    step_time_s: dict[str, np.ndarray]
    step_fuel_l: dict[str, np.ndarray]
    schedule: dict[str, MarchSchedule]
    objectives: tuple[tuple[float, str], ...]
    crossings: tuple[CrossingStop, ...] = ()
    fortified: tuple[FortifiedPass, ...] = ()
    depots: tuple[tuple[float, int], ...] = ()
    ferry_by: str | None = None
    ferry_h: float = 0.0
    #: hours the army's own means at a crossing site take to put all of it across
    #: (:func:`~logistics.network.own_means_time_h`; inf: none, only its brigade ferries it)
    own_means_h: float = math.inf
    formed_km: float = 0.0
    timetable: Timetable | None = None
    column_length_km: float = 0.0
    #: what the run summary says of this formation beside its numbers (e.g. formed at km 0)
    notes: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        """The formation's id."""
        return self.unit.id

    @property
    def route_km(self) -> float:
        """Length of the route (km)."""
        return float(self.km[-1]) if len(self.km) else 0.0

    @property
    def refill_l(self) -> float:
        """Litres in one refill of the whole formation (every tank full once)."""
        return float(np.sum(self.counts * self.tank_l))


@dataclass(frozen=True)
class ArmyPlan:
    """The simulation's input for one army: formations, fuel account, supply, clock."""

    army: object
    start: datetime
    end: datetime
    seasons: tuple[tuple[float, str], ...]
    formations: tuple[FormationPlan, ...]
    priority: tuple[str, ...]
    reserve_l: dict[str, float]
    reserve_capacity_l: dict[str, float]
    drain_stalled: bool
    #: the formations whose families drain their stalled vehicles (``drain_stalled.formations``;
    #: empty: every formation)
    drain_families: tuple[str, ...] = ()
    #: the formation whose transport carries the army's reserve (``fuel.reserve_reach_km.
    #: carrier``) and how far from its head (km, great circle) an element can draw on it; None
    #: and inf: the reserve is drawn anywhere
    reserve_carrier: str | None = None
    reserve_reach_km: float = math.inf
    trucks: tuple[TruckSpec, ...] = ()
    airlifts: tuple[AirSpec, ...] = ()
    air_priority: tuple[tuple[str, ...], ...] = ()
    depots: tuple[tuple[str, float, str], ...] = ()
    track_cells: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), np.int64))
    cell_index: dict = field(default_factory=dict)
    ferry_brigades: tuple[str, ...] = ()
    #: how far beyond its crossing (km along its route) a ferried formation's head may be
    #: before the flotilla has ferried all of it (configs/norms/march.yaml
    #: ``truck_borne_infantry.shuttle_bound_km``: one day's march, assumed; inf: no hold)
    ferry_bridgehead_km: float = math.inf
    speed_scale: float = 1.0
    fuel_scale: float = 1.0
    departure_line: tuple[tuple[float, float], ...] = ()
    notes: tuple[str, ...] = ()
    #: the army's railway (``advance.means.ArmyRail``: rail moves and moving railheads), or None
    rail: object | None = None
    #: ``truck_leg_at(i, (lon, lat))``: the leg function of ``trucks[i]`` loading at another
    #: railhead (the cost engine from there over the same route cells), or None
    truck_leg_at: object | None = None

    @property
    def duration_h(self) -> float:
        """Hours from H-hour to the end of the run."""
        return hours_since(self.start, self.end)

    def formation(self, formation_id: str) -> FormationPlan:
        """The plan of one formation."""
        for f in self.formations:
            if f.id == formation_id:
                return f
        raise KeyError(formation_id)


@dataclass(frozen=True)
class PlanOptions:
    """How to build a plan: global scales, whether the fortified-region rule applies
    (``fortified``) and the own-sector rule (``own_sector``, :mod:`logistics.advance.frontier`),
    the solver ``engine``, the norms (None: configs/norms) and the means planners
    (:mod:`logistics.advance.movement`; None: not available, noted)."""

    speed_scale: float = 1.0
    fuel_scale: float = 1.0
    march_hours_per_day: float | None = None
    march_hours_scale: float | None = None
    fortified: bool = True
    own_sector: bool = True
    engine: str = "auto"
    river_planner: object | None = None
    ferry_time: object | None = None
    own_means_time: object | None = None
    shuttle_planner: object | None = None
    railhead_at: object | None = None
    rail: object | None = None


def army_points(army) -> list[tuple[float, float]]:
    """Lon/lat of every point of the army file (starts, objectives, departure, supply)."""
    pts = []
    for f in army.formations:
        loc = f.start.location()
        pts.append((float(loc.lon), float(loc.lat)))
        for o in f.objectives:
            for p in (o.any_of if hasattr(o, "any_of") else [o]):
                loc = p.location()
                pts.append((float(loc.lon), float(loc.lat)))
    for p in army.departure.line:
        loc = p.location()
        pts.append((float(loc.lon), float(loc.lat)))
    for t in army.supply.trucks:
        loc = t.railhead.location()
        pts.append((float(loc.lon), float(loc.lat)))
    for d in army.supply.depots:
        loc = d.at.location()
        pts.append((float(loc.lon), float(loc.lat)))
    for b in army.flotilla:
        for p in [b.start, *b.route]:
            loc = p.location()
            pts.append((float(loc.lon), float(loc.lat)))
    return pts


def army_bbox(army) -> tuple[float, float, float, float]:
    """Lon/lat box of every point of the army plus ``routing.margin_deg`` (theatre-clipped)."""
    lonlat = np.array(army_points(army))
    m = army.routing.margin_deg
    w, s, e, n = settings.THEATRE_BBOX
    return (max(w, float(lonlat[:, 0].min()) - m), max(s, float(lonlat[:, 1].min()) - m),
            min(e, float(lonlat[:, 0].max()) + m), min(n, float(lonlat[:, 1].max()) + m))


# --------------------------------------------------------------------------------------------
# building


def _seasons(army) -> tuple[tuple[float, str], ...]:
    t0 = army.h_hour.value
    return tuple((hours_since(t0, s.start.value), s.season) for s in army.seasons)


def _classes(unit: ResolvedFormation, army, norms) -> tuple:
    """(ids, fuel types, tank_l, extra_l, counts, pace mask, idle L/h) of a formation."""
    from logistics.vehicles import load_vehicle

    ids, fts, tanks, extras, counts, pace, idle = [], [], [], [], [], [], []
    for cid, n in unit.classes:
        v = load_vehicle(cid, config_dir=norms.config_dir)
        ids.append(cid)
        counts.append(float(n))
        if v.fuel_type == "none":
            fts.append("none")
            tanks.append(0.0)
            extras.append(0.0)
            idle.append(0.0)
        else:
            tank = norms.refill_l(v)
            if tank is None:
                raise ConfigError(f"{army.source}: formation {unit.id}: vehicle {cid!r} has "
                                  + no_tank_capacity(v, norms.files[1]))
            extra = army.fuel.extra_fuel_l.get(cid)
            fts.append(v.fuel_type)
            tanks.append(float(tank))
            extras.append(float(extra.value) if extra is not None else 0.0)
            idle.append(float(v.idle_fuel_l_per_h or 0.0))
        if unit.movement in ("foot", "horse"):
            pace.append(cid in MEN_CLASSES)
        else:
            pace.append(cid not in MEN_CLASSES)
    return (tuple(ids), tuple(fts), np.array(tanks), np.array(extras), np.array(counts),
            np.array(pace, dtype=bool), np.array(idle))


def _season_tables(terrain, cells, seg_first, class_ids, seasons, pace_vehicle, models):
    """Per season: raw (n_classes, n) step time and per-vehicle step fuel of every class on
    the route's cells (non-finite steps helped across, the rule of cost.route.helped_across)."""
    from logistics.cost.route import evaluate_path, helped_across

    dist = seg_first["dist_m"].to_numpy(dtype=np.float64)
    first = seasons[0][1]
    times, fuels, impassable = {}, {}, {}
    for season in dict.fromkeys(s for _, s in seasons):
        t_rows, f_rows = [], []
        for cid in class_ids:
            if cid == pace_vehicle and season == first:
                ev = seg_first
            else:
                ev = evaluate_path(terrain, cells, cid, season=season, models=models)
            t = ev["time_s"].to_numpy(dtype=np.float64)
            f = ev["fuel_l"].to_numpy(dtype=np.float64)
            bad = ~(np.isfinite(t) & np.isfinite(f))
            if bad.any():
                impassable[(cid, season)] = float(dist[bad].sum() / 1000.0)
                if (~bad & (dist > 0)).any():
                    t, f = helped_across(t, dist), helped_across(f, dist)
                else:  # not one step it makes on its own: the column's pace vehicle's going
                    t = np.where(np.isfinite(t), t, np.inf)
            t_rows.append(t)
            f_rows.append(np.where(np.isfinite(f), f, 0.0))
        times[season] = np.array(t_rows)
        fuels[season] = np.array(f_rows)
    return times, fuels, impassable


def _crossings(seg, terrain, pace_vehicle, season, models) -> tuple[CrossingStop, ...]:
    """The route's river crossings, each once, with the pace vehicle's crossing time: the
    cost engine's own toll (:func:`logistics.cost.route.river_crossings`, the one place a
    crossing is priced; already inside the route's time). A route joined from its parent's
    (a formed formation) is read piece by piece where its cells are not one path."""
    from logistics.cost.route import river_crossings
    from logistics.vehicles import load_vehicle

    if pace_vehicle is None or len(seg) < 2:
        return ()
    vid = load_vehicle(pace_vehicle, config_dir=models.config_dir).id
    cells = seg[["row", "col"]].to_numpy(dtype=np.int64)
    kms = seg["cum_km"].to_numpy(dtype=np.float64)
    jump = np.flatnonzero(np.abs(np.diff(cells, axis=0)).max(axis=1) > 2) + 1
    out = []
    for lo, hi in zip(np.r_[0, jump], np.r_[jump, len(cells)]):
        piece = cells[lo:hi]
        keep = np.r_[True, np.any(np.diff(piece, axis=0) != 0, axis=1)]
        idx = np.arange(lo, hi)[keep]
        if len(idx) < 2:
            continue
        df = river_crossings(terrain, cells[idx], pace_vehicle, season=season, models=models)
        secs = df[f"crossing_s_{vid}"].to_numpy(dtype=np.float64)
        for j, step in enumerate(df["step"].to_numpy(dtype=np.int64)):
            i = int(idx[min(step, len(idx) - 1)])
            out.append(CrossingStop(float(kms[i]), float(df["lon"].iloc[j]),
                                    float(df["lat"].iloc[j]), int(df["river_class"].iloc[j]),
                                    float(secs[j]) / 3600.0))
    return tuple(out)


def _formed_at(parent_seg, when: str, caps_taiga_km: float) -> tuple[float, str]:
    """(km on the parent's route where a child formation is formed, why it is formed at km 0
    when its event is not on that route: '' when it is). Not an error: whether a route
    crosses a major river can depend on the grid's resolution, so the run says so instead."""
    kms = parent_seg["cum_km"].to_numpy(dtype=np.float64)
    if when == "after_range_crossing":
        elev = parent_seg["elev_m"].to_numpy(dtype=np.float64)
        if np.isfinite(elev).any():
            return float(kms[int(np.nanargmax(elev))]), ""
        return 0.0, "formed at km 0: no elevation on its parent's route"
    if when == "after_river_crossing":
        rc = parent_seg["river_class"].to_numpy()
        big = np.flatnonzero(np.isin(rc, BIG_RIVER_CLASSES))
        if not len(big):
            return 0.0, ("formed at km 0: no river crossing on its parent's route (formed: "
                         "after_river_crossing; no major or large river on it at this grid's "
                         "resolution)")
        i = big[0]
        while i + 1 < len(rc) and rc[i + 1] in BIG_RIVER_CLASSES:
            i += 1
        return float(kms[min(i + 1, len(kms) - 1)]), ""
    if when == "after_taiga_belt":
        from logistics.terrain.classes import TerrainClass

        forest = parent_seg["terrain_class"].to_numpy() == int(TerrainClass.FOREST)
        beyond = np.flatnonzero((kms >= caps_taiga_km) & ~forest)
        return (float(kms[beyond[0]]) if len(beyond) else float(min(caps_taiga_km, kms[-1]))), ""
    return 0.0, ""


def _depots_off_every_route(army, plans, segs: dict) -> list[str]:
    """A run note for each depot no formation's route passes within its ``radius_km``: it is
    never taken (a depot in a lake, or off every axis), which a run said nowhere."""
    from logistics.geodesy import locate_on_route

    taken = {n for fp in plans for _, n in fp.depots}
    out = []
    for n, d in enumerate(army.supply.depots):
        if n in taken:
            continue
        loc = d.at.location()
        near = min(((locate_on_route(seg, float(loc.lon), float(loc.lat),
                                     tolerance_km=d.at.radius_km).miss_km, fid)
                    for fid, seg in segs.items() if seg is not None and len(seg)), default=None)
        where = f" (the nearest, {near[1]}'s, {near[0]:.0f} km away)" if near else ""
        out.append(f"supply.depots.{n} ({d.name}): no formation's route passes within its "
                   f"radius_km of {d.at.radius_km:g} km{where}: it is never taken")
    return out


def _passed_with_parent(own, parents, parent_km, k0: float) -> tuple[tuple[str, float], ...]:
    """``(name, km)`` of a formed formation's leading objectives that are its parent's first
    ones too (the same places, in the same order) and that the parent's route reaches by
    ``k0``, the km where the formation is formed: it passed them in its parent's column, so
    its own route starts beyond them (a forward detachment formed after a river crossing
    turned 300 km back for its first objective, before the river). The last objective is
    always left to its own route (it needs one leg)."""
    done = []
    for mine, theirs, (name, km) in zip(own[:-1], parents, parent_km):
        if mine.options != theirs.options or km > k0 + 1e-9:
            break
        done.append((name, float(km)))
    return tuple(done)


def _join(a: pd.DataFrame, upto_km: float, b: pd.DataFrame) -> pd.DataFrame:
    """Segment table ``a`` up to ``upto_km`` followed by ``b`` (which starts there)."""
    head = a[a["cum_km"] <= upto_km + 1e-9]
    tail = b.iloc[1:].copy()
    tail["cum_km"] = tail["cum_km"] + float(head["cum_km"].iloc[-1])
    return pd.concat([head, tail], ignore_index=True)


def _start_across_the_frontier(u) -> str | None:
    """A run note when formation ``u`` starts on the Japanese-held side of the 1945 frontier
    (``logistics.terrain.sides``, today's boundary), else None. Every shipped start lies on
    the Soviet or Mongolian side (configs/armies/README.md, "Departure lines and start
    points"), so the route from it pays the frontier river and belt; a start put on the far
    bank within ``departure.tolerance_km`` of the line (newuser20: 7 km from Blagoveshchensk,
    across the Amur) skipped them without a word. A note, not a refusal: a
    bridgehead held before H-hour starts there on purpose."""
    from logistics.terrain.sides import JAPANESE, side_of

    if int(side_of([u.start_lon], [u.start_lat])[0]) != JAPANESE:
        return None
    return (f"{u.id}: its start ({u.start_lat:.3f} N, {u.start_lon:.3f} E) lies on the "
            "Japanese-held side of the frontier (logistics/terrain/sides.py: today's "
            "boundary), so its route crosses no frontier river or border belt; a start on the "
            "departure line lies on the Soviet or Mongolian side (configs/armies/README.md, "
            "'Departure lines and start points') unless the formation held a bridgehead")


def _check_models_dir(models: CostModels, config_dir) -> None:
    """ConfigError when ``models`` price with the norms of another configs folder than the
    plan reads (the embankment speeds of one, the march norms of the other)."""
    if settings.configs_folder(models.config_dir) != settings.configs_folder(config_dir):
        raise ConfigError(f"build_army_plan: config_dir={str(config_dir)!r} but its models were "
                          f"made with config_dir={str(models.config_dir)!r}; fix: pass "
                          f"CostModels({str(config_dir)!r}), or no models")


def _check_planners_dir(opt: PlanOptions, config_dir) -> None:
    """ConfigError when a means planner of ``opt`` reads another configs folder than the plan
    (:func:`~logistics.advance.means.planner_config_dir`: the movement norms, vehicles and
    railways of one folder, the march norms of the other). A caller's own planner, whose
    folder cannot be told, is taken as given."""
    from logistics.advance.means import UNKNOWN, planner_config_dir

    for name in ("river_planner", "ferry_time", "own_means_time", "rail"):
        got = planner_config_dir(getattr(opt, name))
        if (getattr(opt, name) is None or got is UNKNOWN
                or settings.configs_folder(got) == settings.configs_folder(config_dir)):
            continue
        raise ConfigError(f"build_army_plan: config_dir={str(config_dir)!r} but its "
                          f"options.{name} reads config_dir={str(got)!r}; fix: build the "
                          f"options with means_options(army, config_dir={str(config_dir)!r})")


def build_army_plan(army, terrain, *, options: PlanOptions | None = None,
                    models: CostModels | None = None, config_dir=None):
    """Plan an army on a terrain Dataset; returns ``(plan, extras)``.

    ``extras``: ``routes`` (formation id -> segment table), ``waypoints`` (formation id ->
    ((name, lon, lat), ...)), ``units`` (the resolved formations), ``notes``. Raises
    ConfigError (naming the file, the formation and the fix) for an objective its formation
    cannot reach, a flotilla on a formation with no river on its route, and the like: before
    the step loop, so no output is written. ``config_dir``: the configs folder whose norms,
    vehicles, railways and fortified regions it reads, and whose march norms ``models`` price
    the cost engine with (``settings.CONFIG_DIR`` when None; ``models`` or means planners of
    ``options`` made for another folder are refused: build them with ``CostModels(config_dir)``
    and :func:`~logistics.advance.means.means_options` ``(army, config_dir=config_dir)``).
    """
    from logistics.advance.lanes import share_objective_areas
    from logistics.advance.ferry_sites import (brigade_ships, ferry_barrier, flotilla_points,
                                               open_ferry_water)
    from logistics.advance.frontier import home_barrier, home_sides
    from logistics.advance.routes import RouteCache, barrier_cells, plan_route
    from logistics.army.fortified import load_fortified
    from logistics.army.norms import load_norms
    from logistics.army.resolve import resolve_formations
    from logistics.vehicles import load_vehicle

    opt = options or PlanOptions()
    models = models if models is not None else CostModels(config_dir)
    _check_models_dir(models, config_dir)
    _check_planners_dir(opt, config_dir)
    norms = load_norms(config_dir)
    if opt.march_hours_per_day is not None:
        norms = norms.with_march_hours(opt.march_hours_per_day)
    if opt.march_hours_scale is not None:
        norms = norms.with_march_hours_scaled(opt.march_hours_scale)
    fort = load_fortified(config_dir)
    units = resolve_formations(army, norms, fort.rule)
    src = army.source
    t0 = army.h_hour.value
    seasons = _seasons(army)
    first = seasons[0][1]
    notes: list[str] = []
    # an objective area given to several formations is shared out along the departure line
    units = share_objective_areas(
        units, [(float(p.location().lon), float(p.location().lat)) for p in army.departure.line],
        notes)
    regions = [r for r in fort.regions] if opt.fortified else []
    cache = RouteCache()
    barrier_all = barrier_cells(terrain, [r.shape for r in regions]) if regions else None
    taiga_km = next((float(c.when.get("within_km_of_departure", 0.0)) for c in norms.observed
                     if "within_km_of_departure" in c.when), 0.0)
    segs: dict[str, pd.DataFrame] = {}
    waypoints: dict[str, tuple] = {}
    objective_km: dict[str, tuple] = {}
    reach_notes: dict[str, tuple] = {}  # objectives reached at the start or without a crossing
    by_id = {u.id: u for u in units}
    ferried = {fid: b.id for b in army.flotilla for fid in b.ferries_for}
    # a flotilla ferries where it is (advance/ferry_sites.py): its water opens there, and its
    # formations cross a major river nowhere else
    ferry_points = {b.id: flotilla_points(b, brigade_ships(b, norms),
                                          river_path=opt.river_planner is not None, notes=notes,
                                          norms=norms.means.river)
                    for b in army.flotilla if b.ferries_for}
    # ... and at each ferried formation's own start: the crossing the sources name for it
    own_sites = {u.id: [(u.start_lon, u.start_lat)] for u in units if u.id in ferried}
    sides = home_sides(terrain) if opt.own_sector else None
    if ferry_points:
        sites = [p for pts in ferry_points.values() for p in pts]
        sites += [p for pts in own_sites.values() for p in pts]
        terrain, n_open = open_ferry_water(terrain, sites)
        if n_open:
            notes.append(f"{n_open} water cells within the flotilla's reach are crossed by its "
                         "ferries (advance/ferry_sites.py)")
    # parents before children (a formed child starts from its parent's route)
    order = sorted(units, key=lambda u: _depth(u, by_id))
    for u in order:
        who = f"{src}: {_formation_key(army, u.id)}"
        far = _start_across_the_frontier(u)
        if far:
            notes.append(far)
        if u.movement in ("river", "rail"):
            continue
        vehicle = load_vehicle(u.pace_vehicle, config_dir=config_dir)
        own_regions_barrier, keep = None, []
        if barrier_all is not None and u.fortified_action == "bypass":
            pts = [(u.start_lon, u.start_lat)] + [(o[1], o[2]) for ob in u.objectives
                                                   for o in ob.options]
            held = [r for r in regions if _holds_any(r.shape, pts)]
            defends = [r for r in regions if r not in held and r.shields is not None
                       and _holds_any(r.shields, pts)]
            keep = [r for r in regions if r not in held and r not in defends]
            own_regions_barrier = barrier_cells(terrain, [r.shape for r in keep]) if keep else None
            if held:
                notes.append(f"{u.id}: bypasses fortified regions but its own start or objective "
                             f"lies in {', '.join(r.id for r in held)}: it follows the breach "
                             "through them (fortified-regions.yaml rule.bypass.no_way_round)")
            if defends:
                notes.append(f"{u.id}: bypasses fortified regions but an objective lies in the "
                             f"ground {', '.join(r.id for r in defends)} defends: it follows the "
                             "breach through it (fortified-regions.yaml "
                             "rule.bypass.no_way_round.defended_place)")
        bkey = "" if own_regions_barrier is None else "bypass:" + ",".join(r.id for r in keep)
        start = (f"{u.id} start", u.start_lon, u.start_lat, 10.0)
        # the rules of where its route may go: across a major river only where its flotilla
        # ferries it (advance/ferry_sites.py), and not along the home side of the frontier
        # beyond the way to its own sector (advance/frontier.py)
        rules = [b for b in (
            ferry_barrier(terrain, ferry_points[ferried[u.id]] + own_sites[u.id])
            if u.id in ferried else None,
            home_barrier(terrain, sides, u.start_lon, u.start_lat) if sides is not None
            else None) if b is not None]
        ruled = np.logical_or.reduce(rules) if rules else None
        rules_key = f"rules:{u.id in ferried}@{u.start_lon:.4f},{u.start_lat:.4f}"

        def route(bar, key, u=u, vehicle=vehicle, who=who, start=start, ruled=ruled):
            """(segments, waypoints, objective km, notes) of ``u``'s route round ``bar`` and
            the ``ruled`` cells; the free route, with a note, if none is left under them."""
            if ruled is None:
                return _route(bar, key, u, vehicle, who, start)
            return _ruled_or_free(
                lambda: _route(bar | ruled if bar is not None else ruled,
                               f"{key}|{rules_key}", u, vehicle, who, start),
                lambda: _route(bar, key, u, vehicle, who, start), u.id, notes)

        def _route(bar, key, u, vehicle, who, start):
            if u.formed_when and u.parent in segs:
                pseg = segs[u.parent]
                fkm = _formed_at(pseg, u.formed_when, taiga_km)[0]
                i = int(np.searchsorted(pseg["cum_km"].to_numpy(), fkm, side="left"))
                i = min(i, len(pseg) - 1)
                fstart = (f"{u.id} formed", float(pseg["lon"].iloc[i]),
                          float(pseg["lat"].iloc[i]), 10.0)
                cell = (int(pseg["row"].iloc[i]), int(pseg["col"].iloc[i]))
                if bar is not None and bar[cell]:
                    # it is formed on its parent's route: that cell is open to it (moved off
                    # it, its route would not join its parent's)
                    bar = bar.copy()
                    bar[cell] = False
                    key = f"{key}|formed:{cell[0]},{cell[1]}"
                k0 = float(pseg["cum_km"].iloc[i])
                done = _passed_with_parent(u.objectives, by_id[u.parent].objectives,
                                           objective_km.get(u.parent, ()), k0)
                own = plan_route(terrain, vehicle, first, fstart, u.objectives[len(done):],
                                 models=models, stencil=army.routing.stencil,
                                 engine=opt.engine, barriers=bar, barrier_key=key,
                                 cache=cache, who=who, start_key="formed")
                return (_join(pseg, k0, own.segments), tuple(own.waypoints),
                        done + tuple((n, k + k0) for n, k in own.objective_km),
                        list(own.notes), own.reach_notes)
            rt = plan_route(terrain, vehicle, first, start, u.objectives, models=models,
                            stencil=army.routing.stencil, engine=opt.engine, barriers=bar,
                            barrier_key=key, cache=cache, who=who)
            return (rt.segments, tuple(rt.waypoints), rt.objective_km, list(rt.notes),
                    rt.reach_notes)

        try:
            # the direct route (through every extent): the one route of a formation that
            # does not bypass, and the breach a bypassing one follows if going round is slower
            chosen = route(None, "")
            if own_regions_barrier is not None and fortified_passes(chosen[0], keep, u):
                direct_days = _route_days(chosen[0], u, regions, fort.rule.rate_km_per_day)
                try:
                    round_ = route(own_regions_barrier, bkey)
                except (NoRouteError, ConfigError) as exc:
                    notes.append(f"{u.id}: no route goes round the fortified regions "
                                 f"({_cause(exc)}); "
                                 "it follows the breach through them "
                                 "(fortified-regions.yaml rule.bypass.no_way_round)")
                else:
                    round_days = _route_days(round_[0], u, regions, fort.rule.rate_km_per_day)
                    back_km = _back_across_km(round_[0]) if u.id in ferried else None
                    if back_km is not None:
                        notes.append(
                            f"{u.id}: going round the fortified regions takes it back to the "
                            f"Soviet side at km {back_km:.0f}, across the river it is ferried "
                            "over: it follows the breach (fortified-regions.yaml "
                            "rule.bypass.ferried)")
                    else:
                        if round_days <= direct_days:
                            chosen = round_
                        notes.append(
                            f"{u.id}: going round the fortified regions takes "
                            f"{round_days:.1f} d, following the breach through them "
                            f"{direct_days:.1f} d: it "
                            f"{'goes round' if chosen is round_ else 'follows the breach'} "
                            "(fortified-regions.yaml rule.bypass.quicker_way)")
        except NoRouteError as exc:  # its text names ``who`` already when snap_point raised it
            text = str(exc)
            raise ConfigError(text if text.startswith(who) else f"{who}: {text}") from None
        seg, waypoints[u.id], objective_km[u.id], more, reach_notes[u.id] = chosen
        notes += more
        segs[u.id] = seg
    departure = tuple((float(p.location().lon), float(p.location().lat))
                      for p in army.departure.line)
    plans = []
    brigades = {b.id: b for b in army.flotilla}
    for u in units:
        if u.movement == "rail" and opt.rail is None:
            raise ConfigError(f"{src}: {_formation_key(army, u.id)}.movement: rail, but the "
                              "army has no railhead on the shipped 1945 network (supply.rail.railheads); "
                              "fix: name a station of configs/network as its railhead, or give "
                              "the formation another movement")
        fp = _formation_plan(u, army, terrain, segs.get(u.id), seasons, norms, fort,
                             regions, models, opt, objective_km.get(u.id, ()),
                             ferried.get(u.id), brigades, notes, by_id, segs, taiga_km)
        if reach_notes.get(u.id):  # also on the formation's line of the run summary
            fp = replace(fp, notes=fp.notes + tuple(reach_notes[u.id]))
        plans.append(fp)
    notes += _depots_off_every_route(army, plans, segs)
    # the army's fuel account at H-hour
    refill_by_type: dict[str, float] = {}
    for fp in plans:
        for ft, n, tank in zip(fp.fuel_types, fp.counts, fp.tank_l):
            if ft != "none":
                refill_by_type[ft] = refill_by_type.get(ft, 0.0) + n * tank
    carried = army.fuel.carried_refills.value
    reserve = {ft: carried * v for ft, v in refill_by_type.items()}
    # supply: truck legs over the union of every route's cells
    cell_list = [fp.cells for fp in plans if len(fp.cells)]
    track = np.unique(np.concatenate(cell_list), axis=0) if cell_list else np.zeros((0, 2), int)
    index = {(int(r), int(c)): i for i, (r, c) in enumerate(track)}
    convoy_kmh = norms.norm_for("motor").max_speed_kmh
    run_end = army.run_end
    trucks = tuple(truck_spec(army, i, terrain, track, notes, models=models, engine=opt.engine,
                              norms=norms, run_end=run_end, convoy_kmh=convoy_kmh)
                   for i in range(len(army.supply.trucks)))
    airlifts = tuple(air_spec(a, t0) for a in army.supply.air)
    air_priority = tuple(tuple(a.priority_to) for a in army.supply.air)
    depots = tuple((d.name, float(d.fuel_l.value), d.fuel_type) for d in army.supply.depots)
    order_ids = tuple(u.id for u in sorted(units, key=lambda u: u.priority))
    drain = bool(army.fuel.drain_stalled.value) if army.fuel.drain_stalled is not None else False
    reach = army.fuel.reserve_reach_km
    plan = ArmyPlan(
        army=army, start=t0, end=run_end, seasons=seasons, formations=tuple(plans),
        priority=order_ids, reserve_l=dict(reserve), reserve_capacity_l=dict(reserve),
        drain_stalled=drain,
        drain_families=(tuple(army.fuel.drain_stalled.formations)
                        if army.fuel.drain_stalled is not None else ()),
        reserve_carrier=reach.carrier if reach is not None else None,
        reserve_reach_km=float(reach.value) if reach is not None else math.inf,
        trucks=trucks, airlifts=airlifts, air_priority=air_priority,
        depots=depots, track_cells=track, cell_index=index,
        ferry_brigades=tuple(brigades), speed_scale=opt.speed_scale, fuel_scale=opt.fuel_scale,
        ferry_bridgehead_km=_bridgehead_km(norms, src) if ferried else math.inf,
        departure_line=departure, notes=tuple(dict.fromkeys(notes)), rail=opt.rail,
        truck_leg_at=(truck_leg_at(army, terrain, track, models=models, engine=opt.engine,
                                   convoy_kmh=convoy_kmh)
                      if opt.rail is not None and army.supply.trucks else None),
    )
    extras = {"routes": segs, "waypoints": waypoints, "units": units, "route_solves":
              cache.solves, "norms": norms, "fortified": fort}
    return plan, extras


def _bridgehead_km(norms, src) -> float:
    """Km beyond its crossing a ferried formation's head may be before the flotilla has ferried
    all of it: one day's march, the truck shuttle's bound (configs/norms/march.yaml
    ``truck_borne_infantry.shuttle_bound_km``; assumed, range: the crossing site itself to no
    hold; advance/simulate.py)."""
    bound = norms.norm_for("truck_borne", "truck_borne_infantry").shuttle_bound_km
    if bound is None:
        where = norms.files[0] if norms.files else "configs/norms/march.yaml"
        raise ConfigError(f"{src}: the flotilla ferries formations (ferries_for), but {where} "
                          "gives no norms.truck_borne_infantry.shuttle_bound_km, the bridgehead a "
                          "ferried formation's head holds until all of it is across; fix: give "
                          "it (value and cite or assumed)")
    return float(bound)


def _ruled_or_free(ruled, free, fid: str, notes: list[str]):
    """The route ``ruled()`` gives (kept to the formation's own sector and ferry sites), else
    the one ``free()`` gives, with a run note naming the sector rules as the cause. Only then:
    when ``free()`` finds no route either, the sector rules did not cause it and the note
    would be false (the 1st Red Banner Army's tank brigades were told they 'take the free
    route' round the fortified regions that they then could not go round); ``free()``'s
    error is raised for the caller's own rule (e.g. rule.bypass.no_way_round) to name."""
    try:
        return ruled()
    except (NoRouteError, ConfigError) as exc:
        why = exc
    out = free()
    notes.append(f"{fid}: no route keeps to its own sector and ferry sites ({_cause(why)}); "
                 "it takes the free route")
    return out


def _cause(exc: Exception) -> str:
    """An error the plan recovers from, quoted in a run note without its "; fix: ...": the
    run went on by the rule the note names, so there is nothing to fix (the 1st Red Banner
    Army's tank brigades were told to move Mudanjiang or assault the fortified regions,
    though they reached Mudanjiang following the breach, rule.bypass.no_way_round)."""
    return str(exc).split("; fix:", 1)[0]


def _back_across_km(seg: pd.DataFrame) -> float | None:
    """Route km where a route, after its first step onto a major or large river (the crossing
    a ferried formation is ferried at), is back on the Soviet-Mongolian side of the frontier
    (:func:`logistics.terrain.sides.side_of`); None when it never is. A ferried formation is
    carried across once; a way round a fortified region back through the USSR would cross the
    river twice more, unferried (fortified-regions.yaml rule.bypass.ferried)."""
    from logistics.terrain.sides import SOVIET, side_of

    rc = seg["river_class"].to_numpy() if "river_class" in seg else np.zeros(len(seg))
    onto = np.flatnonzero(np.isin(rc, BIG_RIVER_CLASSES))
    if not onto.size:
        return None
    rest = seg.iloc[int(onto[0]):]
    back = np.flatnonzero(side_of(rest["lon"].to_numpy(float), rest["lat"].to_numpy(float))
                          == SOVIET)
    return float(rest["cum_km"].iloc[int(back[0])]) if back.size else None


def _route_days(seg: pd.DataFrame, u: ResolvedFormation, regions, rate_km_per_day: float
                ) -> float:
    """Days a formation needs for its whole route (the bypass rule's comparison of going round
    with following the breach): outside the fortified extents each step at the column's pace
    (the pace vehicle's time, not faster than the norm's ``max_speed_kmh``; before the observed
    caps, which both ways meet alike) over the norm's ``hours_per_day``; the charged depth
    (:func:`~logistics.advance.depths.fortified_passes`: at most each region's depth) at the breakthrough rate, round
    the clock."""
    from logistics.advance.pace import norm_floor_s

    kms = seg["cum_km"].to_numpy(dtype=np.float64)
    norm = u.norm
    step_h = np.maximum(seg["time_s"].to_numpy(dtype=np.float64),
                        norm_floor_s(seg["dist_m"].to_numpy(dtype=np.float64), norm)) / 3600.0
    step_h = np.where(np.isfinite(step_h), step_h, 0.0)
    hours_per_day = norm.hours_per_day if norm is not None and norm.hours_per_day > 0 else 24.0
    inside = np.zeros(len(kms), dtype=bool)
    depth = 0.0
    for p in fortified_passes(seg, regions, u) if regions else ():
        inside |= (kms > p.km_in) & (kms <= p.km_out)
        depth += p.km_out - p.km_in
    return float(step_h[~inside].sum()) / hours_per_day + depth / rate_km_per_day


def _formation_key(army, formation_id: str) -> str:
    """The army file's key path of a formation, ``formations.<n> (<id>)``: the form the
    file's other messages name it by (``army.messages``, ``army.checks``), so a user finds
    the n-th entry; ``formations (<id>)`` for one the file does not list itself."""
    n = next((i for i, f in enumerate(army.formations) if f.id == formation_id), None)
    return f"formations ({formation_id})" if n is None else f"formations.{n} ({formation_id})"


def _depth(u: ResolvedFormation, by_id: dict) -> int:
    d, cur = 0, u.parent
    while cur is not None and cur in by_id and d < 100:
        d, cur = d + 1, by_id[cur].parent
    return d


def _holds_any(shape, points) -> bool:
    from shapely import contains_xy

    pts = np.asarray(points, dtype=np.float64)
    return bool(contains_xy(shape, pts[:, 0], pts[:, 1]).any()) if len(pts) else False


def _formation_plan(u, army, terrain, seg, seasons, norms, fort, regions, models, opt,
                    obj_km, ferry_by, brigades, notes, by_id, segs, taiga_km) -> FormationPlan:
    """The plan of one formation (a carried one gets its timetable instead of a route)."""
    from logistics.advance.pace import (capped_step_times, column_km, dismounted_step_times,
                                        march_schedule_for)
    from logistics.terrain.railways import railway_distance_km

    ids, fts, tanks, extras, counts, pace, idle = _classes(u, army, norms)
    front = army.front
    if seg is None:  # carried by river ships or by rail: no route of its own
        tt = _carried_timetable(u, army, brigades, norms, opt, notes)
        fortified = ()
        if tt is not None and tt.ok and regions and u.movement == "river":
            # the rule is the same for a formation carried by ships: its river path is its
            # route, and it crosses a fortified depth on it at the breakthrough rate
            fortified = fortified_passes(
                pd.DataFrame({"lon": tt.lon, "lat": tt.lat, "cum_km": tt.km}), regions, u)
            tt = through_depths(tt, [(p.km_in, p.km_out) for p in fortified],
                                fort.rule.rate_km_per_day)
        km = tt.km if tt is not None and tt.ok else np.zeros(1)
        lon = tt.lon if tt is not None and tt.ok else np.array([u.start_lon])
        lat = tt.lat if tt is not None and tt.ok else np.array([u.start_lat])
        objectives = _objectives_on_path(u, km, lon, lat) if tt is not None and tt.ok else ()
        zeros = {s: np.zeros((len(ids), len(km))) for _, s in seasons}
        return FormationPlan(
            unit=u, km=np.asarray(km, float), lon=np.asarray(lon, float),
            lat=np.asarray(lat, float), elev_m=np.full(len(km), np.nan),
            cells=np.zeros((0, 2), np.int64), class_ids=ids, fuel_types=fts, tank_l=tanks,
            extra_l=extras, counts=counts, pace_mask=pace, idle_l_per_h=idle,
            step_time_s=zeros, step_fuel_l=dict(zeros),
            schedule={s: march_schedule_for(None, movement=u.movement, season=s, front=front,
                                            column_length_km=0.0, mean_kmh=1.0)
                      for _, s in seasons},
            objectives=objectives, timetable=tt, fortified=fortified,
        )
    cells = seg[["row", "col"]].to_numpy(dtype=np.int64)
    # a formed formation's route begins on its parent's route, whose times and fuel are the
    # parent's pace vehicle's: every class of it is priced by the cost engine on the cells
    joined = bool(u.formed_when and u.parent in segs)
    times, fuels, impassable = _season_tables(terrain, cells, seg, ids, seasons,
                                              None if joined else u.pace_vehicle, models)
    for (cid, season), kmi in impassable.items():
        notes.append(f"{u.id}: {cid} cannot make {kmi:.0f} km of the route on its own ({season});"
                     " helped across at its worst going on the route")
    # how far each step lies from a 1945 railway on the Japanese side (the taiga cap's
    # condition: a railway corridor is no roadless taiga)
    seg = seg.assign(railway_km=railway_distance_km(terrain, seg["x_m"].to_numpy(float),
                                                    seg["y_m"].to_numpy(float)))
    kms = seg["cum_km"].to_numpy(dtype=np.float64)
    step_time, cap_notes = {}, []
    for season, t in times.items():
        capped, cn = capped_step_times(seg, t, norm=u.norm, movement=u.movement, season=season,
                                       caps=norms.observed, from_departure_km=kms)
        step_time[season] = capped
        cap_notes += cn
    if cap_notes:
        notes.append(f"{u.id}: column pace held to observed speeds (km of its route under "
                     "each, the slowest where several hold): " + "; ".join(cap_notes))
    # until formed it moves with its parent: the step loop holds it behind its parent's head
    # up to formed_km (simulate._Loop.held_at)
    formed = bool(u.formed_when and u.parent in segs)
    formed_km, formed_note = (_formed_at(segs[u.parent], u.formed_when, taiga_km) if formed
                              else (0.0, ""))
    if formed_note:  # a run note (report.md) and the formation's line of the run summary
        notes.append(f"{u.id}: {formed_note}")
    motor = int(sum(n for c, n in u.classes if c not in MEN_CLASSES))
    length = column_km(motor, u.routes, u.gap_m)
    first = seasons[0][1]
    pace_t = step_time[first][pace].max(axis=0) if pace.any() else step_time[first].max(axis=0)
    total_h = float(np.sum(pace_t[np.isfinite(pace_t)])) / 3600.0
    mean_kmh = kms[-1] / total_h if total_h > 0 else 1.0
    schedule = {s: march_schedule_for(u.norm, movement=u.movement, season=s, front=army.front,
                                      column_length_km=length, mean_kmh=mean_kmh,
                                      speed_scale=opt.speed_scale) for _, s in seasons}
    crossings = _crossings(seg, terrain, u.pace_vehicle, first, models)
    fortified = fortified_passes(seg, regions, u) if regions else ()
    depots = []
    from logistics.geodesy import locate_on_route

    for n, d in enumerate(army.supply.depots):
        loc = d.at.location()
        fix = locate_on_route(seg, float(loc.lon), float(loc.lat), tolerance_km=d.at.radius_km)
        if fix.reached:
            depots.append((fix.route_km, n))
    ferry_h, own_means_h = 0.0, math.inf
    if ferry_by is not None:
        on_route = np.isin(seg["river_class"].to_numpy(), BIG_RIVER_CLASSES).any()
        if not any(c.river_class in BIG_RIVER_CLASSES for c in crossings) and on_route:
            notes.append(f"{u.id}: its route passes a major or large river but pays no crossing "
                         "of one at this grid's resolution; the flotilla does not ferry it")
        elif not any(c.river_class in BIG_RIVER_CLASSES for c in crossings):
            raise ConfigError(
                f"{army.source}: flotilla ({ferry_by}).ferries_for names {u.id}, but its route "
                "crosses no major or large river; fix: drop it from ferries_for (a flotilla on "
                "a formation with no river on its route)")
        if opt.ferry_time is not None:
            ferry_h = float(opt.ferry_time(u.men, u.vehicle_count, 0))
        if opt.own_means_time is not None:
            own_means_h = float(opt.own_means_time(u.men, u.motor_classes, 0))
    shuttled = u.movement == "truck_borne" and 0 < u.lift_men < u.men
    only_caps = norms.dismount_where_caps.get(u.movement, ())
    dismounts = (u.movement in norms.dismount_movements or bool(only_caps)) and u.men > 0
    foot_day, foot_s = {}, {}
    if shuttled or dismounts:
        foot_day, foot_s = _on_foot(u, army, terrain, cells, seg, seasons, norms, opt, models,
                                    kms, length)
    if dismounts and not shuttled:  # a shuttle keeps the rule in its trucks' legs (_shuttle)
        allowed = None
        if only_caps:  # only where those caps' conditions hold (march.yaml dismount.where_caps)
            from logistics.advance.pace import caps_hold
            allowed = {season: caps_hold(norms.observed, only_caps, seg, season, kms)
                       for _, season in seasons}
        step_time = _dismounted(u, step_time, pace, foot_s, schedule, foot_day, seg, notes,
                                allowed)
    shuttle = None
    if shuttled:
        # the men on foot set a shuttled formation's day: trucks and marchers keep the foot
        # column's march window (its hours, and the heat rule's night marches where it
        # applies), not the truck-borne norm's, or the marchers walked 16 h a day; the men on
        # foot walk at a foot column's going on this route (the cost engine's foot-infantry,
        # capped by the foot norm and the observed speeds), as a marching rifle division
        # does: not at the norm's road pace everywhere
        legs = step_time
        if dismounts:  # in the same window, a loaded truck slower than a walker is walked
            rows, where = dismounted_step_times(
                step_time[first], np.array([c == u.lift_vehicle for c in ids]),
                foot_s[first], vehicle_day=foot_day[first], foot_day=foot_day[first])
            legs = {first: rows}
            if where.any():
                km_on_foot = seg["dist_m"].to_numpy(dtype=np.float64)[where].sum() / 1000.0
                notes.append(f"{u.id}: its lift's trucks go at a walker's pace where they are "
                             f"slower (manhandled through): {km_on_foot:.0f} km ({first})")
        shuttle = _shuttle(u, army, norms, opt, notes, ids, fts, legs, fuels, first, kms,
                           seg, foot_day[first], fortified, fort.rule.rate_km_per_day,
                           foot_step_s=foot_s[first])
    return FormationPlan(
        unit=u, km=kms, lon=seg["lon"].to_numpy(float), lat=seg["lat"].to_numpy(float),
        elev_m=seg["elev_m"].to_numpy(float), cells=cells, class_ids=ids, fuel_types=fts,
        tank_l=tanks, extra_l=extras, counts=counts, pace_mask=pace, idle_l_per_h=idle,
        step_time_s=step_time, step_fuel_l=fuels, schedule=schedule,
        objectives=tuple((k, n) for n, k in obj_km), crossings=crossings, fortified=fortified,
        depots=tuple(sorted(depots)), ferry_by=ferry_by, ferry_h=ferry_h,
        own_means_h=own_means_h, formed_km=formed_km,
        column_length_km=length, timetable=shuttle,
        notes=(formed_note,) if formed_note else (),
    )


def _on_foot(u, army, terrain, cells, seg, seasons, norms, opt, models, kms, length
             ) -> tuple[dict, dict]:
    """Per season: the march window of the formation's men on foot (the foot norm's hours,
    the heat rule where it applies, closed up for its column at the foot pace) and their
    step times on its route (the cost engine's foot-infantry, held to the foot norm's speed
    and the observed caps for foot columns), (n,) s."""
    from logistics.advance.pace import capped_step_times, march_schedule_for

    foot = norms.norm_for("foot")
    day, step_s = {}, {}
    times, _, _ = _season_tables(terrain, cells, seg, (FOOT,), seasons, None, models)
    for _, season in seasons:
        day[season] = march_schedule_for(foot, movement="foot", season=season,
                                         front=army.front, column_length_km=length,
                                         mean_kmh=foot.max_speed_kmh,
                                         speed_scale=opt.speed_scale)
        capped, _ = capped_step_times(seg, times[season], norm=foot, movement="foot",
                                      season=season, caps=norms.observed,
                                      from_departure_km=kms)
        step_s[season] = capped[0]
    return day, step_s


def _dismounted(u, step_time, pace, foot_s, schedule, foot_day, seg, notes,
                allowed: dict | None = None) -> dict:
    """``step_time`` per season with the formation's men dismounted where they march farther
    a day than its vehicles drive (``march.yaml dismount``; advance/pace.py
    :func:`~logistics.advance.pace.dismounted_step_times`), on the steps ``allowed`` per
    season only when given (``dismount.where_caps``); a note of the km per season."""
    from logistics.advance.pace import dismounted_step_times

    dist_km = seg["dist_m"].to_numpy(dtype=np.float64) / 1000.0
    out, said = {}, []
    for season, t in step_time.items():
        out[season], where = dismounted_step_times(t, pace, foot_s[season],
                                                   vehicle_day=schedule[season],
                                                   foot_day=foot_day[season],
                                                   allowed=None if allowed is None
                                                   else allowed[season])
        if where.any():
            said.append(f"{dist_km[where].sum():.0f} km ({season})")
    if said:
        notes.append(f"{u.id}: its men dismount and march where its vehicles make less a day "
                     "than they do on foot (the vehicles manhandled through): "
                     + "; ".join(said))
    return out


def _shuttle(u, army, norms, opt, notes, ids, fts, step_time, fuels, season, kms, seg,
             sched, fortified=(), breach_km_per_day: float = math.inf,
             foot_step_s: np.ndarray | None = None) -> Timetable | None:
    """The shuttle of a truck-borne formation whose lift carries only part of its men: the
    lift's trucks carry ``lift_men`` forward along the formation's own route and drive back
    for the next lift while the rest march (``advance.shuttle``). Truck legs are the cost
    engine's times of the lift's truck class on this route (the first season), its fuel the
    class's litres per km on it; the marching men's pace the foot norm; trucks and marchers
    keep ``sched``, the foot column's march window (the men on foot set the formation's day;
    the trucks drive it at their own norm's night factor, as the window's mean);
    embark/debark from its march norm. Through a ``fortified`` stretch the trucks and the men
    (who are never faster than the trucks) cross at the rule's breakthrough rate, as the step
    loop moves a formation there (``simulate._Loop.breach``): a shuttle is laid on hours under
    way, so a day of ``breach_km_per_day`` takes the window's moving hours a day (its hours
    less the close-up)."""
    if opt.shuttle_planner is None:
        notes.append(f"{u.id}: its lift carries {u.lift_men} of {u.men} men, but no shuttle "
                     "planner is available in this build; it moves at the trucks' pace")
        return None
    if u.lift_vehicle not in ids:
        notes.append(f"{u.id}: its lift vehicle {u.lift_vehicle} is not among its vehicles; no "
                     "shuttle")
        return None
    i = ids.index(u.lift_vehicle)
    t = np.where(np.isfinite(step_time[season][i]), step_time[season][i], 0.0)
    norm = u.norm
    if norm is not None:
        # the trucks drive in the foot column's window at their own norm's night factor
        # (blacked-out driving): a truck-borne formation that is not shuttled gets it from the
        # step loop; here the shuttle is laid on one clock of hours under way for trucks and
        # marchers, so its legs take the window's mean factor (a named simplification: the
        # night hours' slower going spread over the window's hours; review21 saw the shuttles'
        # trucks at 24.5 km/h at night where the norm gives 25 x 0.7)
        trucks_day = replace(sched, night_hours=norm.night_hours,
                             night_speed_factor=norm.night_speed_factor)
        t = t / trucks_day.mean_speed_factor
    if fortified and math.isfinite(breach_km_per_day) and breach_km_per_day > 0:
        step_km = np.diff(kms, prepend=kms[0])  # step k ends at kms[k]
        mid = kms - step_km / 2.0
        inside = np.zeros(len(kms), dtype=bool)
        for fp in fortified:
            inside |= (mid > fp.km_in) & (mid < fp.km_out)
        # a day under way is the window's moving hours (its hours less the close-up: the
        # shuttle is laid on sched.moving_hours), not its hours (review21)
        breach_s = step_km / breach_km_per_day * sched.moving_hours_per_day * 3600.0
        t = np.where(inside, np.maximum(t, breach_s), t)
    cum_h = np.cumsum(t) / 3600.0
    cum_h -= cum_h[0]
    route_km = float(kms[-1])
    if route_km <= 0:
        return None
    f = np.where(np.isfinite(fuels[season][i]), fuels[season][i], 0.0)
    per_km = float(np.sum(f)) / route_km * u.lift_trucks

    def leg_h(a: float, b: float) -> float:
        return abs(float(np.interp(b, kms, cum_h)) - float(np.interp(a, kms, cum_h))) \
            / opt.speed_scale

    c0 = army.h_hour.value.hour + army.h_hour.value.minute / 60.0

    def march_hours(t0: float, t1: float) -> float:
        return sched.moving_hours(c0 + t0, c0 + t1)

    foot = norms.norm_for("foot")
    walk_h = None
    if foot_step_s is not None:
        walk_h = np.cumsum(np.where(np.isfinite(foot_step_s), foot_step_s, 0.0)) / 3600.0
        walk_h -= walk_h[0]

    def walk_leg_h(a: float, b: float) -> float:
        return abs(float(np.interp(b, kms, walk_h)) - float(np.interp(a, kms, walk_h))) \
            / opt.speed_scale

    tt = opt.shuttle_planner(
        men=u.men, lift_men=u.lift_men, route_km=route_km, start_h=u.start_h,
        end_h=hours_since(army.h_hour.value, army.run_end), truck_leg_h=leg_h,
        truck_fuel_l_per_km=per_km * opt.fuel_scale,
        march_kmh=foot.max_speed_kmh * opt.speed_scale, march_hours=march_hours,
        load_h=norm.embark_h if norm is not None else 0.0,
        unload_h=norm.debark_h if norm is not None else 0.0,
        route=(kms, seg["lon"].to_numpy(float), seg["lat"].to_numpy(float)), fuel_type=fts[i],
        bound_km=norm.shuttle_bound_km if norm is not None else None,
        march_leg_h=walk_leg_h if walk_h is not None else None)
    if not tt.ok:
        notes.append(f"{u.id}: the truck shuttle cannot be made ({tt.reason}); it moves at the "
                     "trucks' pace")
        return None
    notes.append(f"{u.id}: {u.lift_trucks} {u.lift_vehicle} lift {u.lift_men} of {u.men} men: "
                 "the trucks shuttle; " + "; ".join(tt.notes))
    return tt


def _objectives_on_the_river(u, army, brigade_id: str, tt: Timetable) -> None:
    """A formation carried by the flotilla goes where its ships go: each of its objectives
    must lie within its ``radius_km`` of the river path the flotilla sails (``tt``), or the
    formation would "arrive" at the end of the route, far from its objective (ConfigError)."""
    from shapely import LineString, Point

    from logistics.terrain import to_metric

    x, y = to_metric(np.asarray(tt.lon, float), np.asarray(tt.lat, float))
    path = LineString(np.column_stack([x, y])) if len(x) > 1 else Point(x[0], y[0])
    for k, obj in enumerate(u.objectives):
        gaps = [path.distance(Point(*to_metric(lon, lat))) / 1000.0 for _, lon, lat in obj.options]
        if min(gaps) > obj.radius_km:
            raise ConfigError(
                f"{army.source}: {_formation_key(army, u.id)}.objectives.{k}: {obj.name} lies "
                f"{min(gaps):.0f} km from the rivers its flotilla {brigade_id} sails (radius_km "
                f"{obj.radius_km:g}); a formation carried by the flotilla goes only where the "
                "ships go; fix: an objective on the flotilla's route (a port of its `route:`), "
                f"or another `movement:` for {u.id}")


def _objectives_on_path(u, km, lon, lat) -> tuple[tuple[float, str], ...]:
    """A carried formation's objectives as (km, name) along the path its carriers take (the
    path point nearest each objective's first place), in path order; () for a path of one
    point. Why: it has no route of its own, yet its army file gives it objectives, and the
    run's stops, summary and comparison read them like any formation's."""
    from logistics.geodesy import great_circle_km

    km, lon, lat = (np.asarray(a, dtype=np.float64) for a in (km, lon, lat))
    if len(km) < 2:
        return ()
    out = []
    for ob in getattr(u, "objectives", ()) or ():
        _, olon, olat = ob.options[0]
        near = int(np.argmin(great_circle_km(lon, lat, float(olon), float(olat))))
        out.append((float(km[near]), str(ob.name)))
    return tuple(sorted(out, key=lambda t: t[0]))


def _carried_timetable(u, army, brigades, norms, opt, notes) -> Timetable | None:
    """The timetable of a formation carried by the flotilla (``movement: river``)."""
    if u.movement == "river":
        b = brigades.get(u.carried_by)
        if opt.river_planner is None or b is None:
            notes.append(f"{u.id}: carried by {u.carried_by}, but no river planner is available "
                         "in this build; it stays at its start")
            return None
        from logistics.advance.ferry_sites import brigade_ships

        ships = brigade_ships(b, norms)
        way = [(float(b.start.location().lon), float(b.start.location().lat))]
        way += [(float(p.location().lon), float(p.location().lat)) for p in b.route]
        tt = opt.river_planner(way, depart_h=u.start_h, men=u.men, ships=ships)
        n = [x.id for x in army.flotilla].index(b.id)
        if not tt.ok:  # issue 13: a flotilla on a formation with no river on its route
            raise ConfigError(
                f"{army.source}: flotilla.{n} ({b.id}) carries {u.id}, but it cannot sail its "
                f"start and route ({tt.reason}); fix: a start and route ports on navigable "
                f"rivers, or another `movement:` for {u.id}")
        _objectives_on_the_river(u, army, b.id, tt)
        notes += [f"{u.id}: {n}" for n in tt.notes]
        return tt
    if u.movement == "rail":
        return None  # planned by the step loop when it departs (the lines held by then)
    notes.append(f"{u.id}: movement {u.movement} needs a planner not available in this build; "
                 "it stays at its start")
    return None
