"""An army on real terrain -> the :class:`ArmyPlan` the hour-by-hour step loop moves through.

The plan is plain data, one :class:`FormationPlan` per formation (built by
:mod:`~logistics.advance.formation_plan` on the route :mod:`~logistics.advance.route_choice`
chose for it: through or round the fortified regions, :mod:`~logistics.advance.routes` solving
each): every class's step time and cumulative fuel along its route per season at the column's
pace, its march window, its stops, its ferrying and its carried move; and for the army: the
fuel account at H-hour, the truck columns with their legs priced by the cost engine to
anywhere on the army's routes, airlifts, depots, the priority order. Building the plan is the
only place that calls the cost engine; :mod:`logistics.advance.simulate` only reads it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import datetime

import numpy as np

from logistics import settings
from logistics.advance.depths import FortifiedPass
from logistics.advance.formation_plan import CrossingStop, FormationPlan, formation_plan
from logistics.advance.means import off_network_notes
from logistics.advance.route_choice import choose_routes, formation_key
from logistics.advance.schedule import hours_since
from logistics.advance.supply_specs import (AirSpec, TruckSpec, air_spec, river_specs,
                                            truck_leg_at, truck_spec)
from logistics.cost.models import CostModels
from logistics.errors import ConfigError

__all__ = ["CrossingStop", "FortifiedPass", "FormationPlan", "ArmyPlan", "build_army_plan",
           "army_bbox", "PlanOptions", "planned_units", "carriers_text", "reserve_sections"]


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
    #: and inf: the reserve is drawn anywhere (a plan built in code only: an army file with a
    #: reserve names its carrier, ``army/cross_refs.py``)
    reserve_carrier: str | None = None
    reserve_reach_km: float = math.inf
    #: with several carriers (``fuel.reserve_reach_km.carrier`` a list): each one, the first
    #: being ``reserve_carrier``, and the fraction of each fuel type of the reserve its
    #: section carries (:func:`reserve_sections`); empty: one section, the whole reserve
    reserve_carriers: tuple[str, ...] = ()
    reserve_shares: tuple[dict[str, float], ...] = ()
    trucks: tuple[TruckSpec, ...] = ()
    #: the river supply sources' columns (one per ship class, ``kind="river"``), run after
    #: ``trucks`` by the step loop
    boats: tuple[TruckSpec, ...] = ()
    airlifts: tuple[AirSpec, ...] = ()
    air_priority: tuple[tuple[str, ...], ...] = ()
    depots: tuple[tuple[str, float, str], ...] = ()
    track_cells: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), np.int64))
    cell_index: dict = field(default_factory=dict)
    ferry_brigades: tuple[str, ...] = ()
    #: how far beyond its crossing (km along its route) a ferried formation's head may be
    #: before all of it is ferried (configs/norms/march.yaml
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

    def season_at(self, t_h: float) -> str:
        """The season in force at ``t_h`` hours after H-hour (``seasons``: the last whose
        start is at or before it): what the step loop's march and going read, and the
        arrivals' account (:mod:`logistics.arrivals`) with it."""
        current = self.seasons[0][1]
        for start_h, name in self.seasons:
            if start_h <= t_h:
                current = name
        return current

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
    (:mod:`logistics.advance.movement`; None: not available, noted). ``river_timetables``:
    the carried formations' timetables the run's early check sailed with the same
    ``river_planner`` (``land_check.check_river_moves``' result), taken rather than sailed
    again; None: each sailed here."""

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
    river_timetables: object | None = None


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


def planned_units(army, norms, rule, notes: list[str] | None = None) -> tuple:
    """The army's formations as the plan routes them (``ResolvedFormation``): resolved
    against ``norms`` and the fortified-region ``rule``, each objective area given to several
    formations shared out along the departure line (:mod:`~logistics.advance.lanes`; its run
    notes appended to ``notes``)."""
    from logistics.advance.lanes import share_objective_areas
    from logistics.army.resolve import resolve_formations

    units = resolve_formations(army, norms, rule)
    return share_objective_areas(
        units, [(float(p.location().lon), float(p.location().lat)) for p in army.departure.line],
        notes)


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
    from logistics.advance.ferry_sites import army_ferry_sites, open_ferry_water
    from logistics.advance.frontier import home_sides
    from logistics.advance.routes import RouteCache
    from logistics.army.fortified import load_fortified
    from logistics.army.norms import load_norms

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
    src = army.source
    t0 = army.h_hour.value
    seasons = _seasons(army)
    first = seasons[0][1]
    notes: list[str] = []
    units = planned_units(army, norms, fort.rule, notes)
    regions = [r for r in fort.regions] if opt.fortified else []
    cache = RouteCache()
    taiga_km = next((float(c.when.get("within_km_of_departure", 0.0)) for c in norms.observed
                     if "within_km_of_departure" in c.when), 0.0)
    ferried = {fid: b.id for b in army.flotilla for fid in b.ferries_for}
    # a flotilla ferries where it is (advance/ferry_sites.py): its water opens there, and its
    # formations cross a major river nowhere else; and at each ferried formation's own start:
    # the crossing the sources name for it
    ferry_points, own_sites = army_ferry_sites(army, units, norms,
                                               river_path=opt.river_planner is not None,
                                               notes=notes)
    sides = home_sides(terrain) if opt.own_sector else None
    if ferry_points:
        sites = [p for pts in ferry_points.values() for p in pts]
        sites += [p for pts in own_sites.values() for p in pts]
        terrain, n_open = open_ferry_water(terrain, sites)
        if n_open:
            notes.append(f"{n_open} water cells within the flotilla's reach are crossed by its "
                         "ferries (advance/ferry_sites.py)")
    chosen = choose_routes(
        army, terrain, units, regions=regions, rate_km_per_day=fort.rule.rate_km_per_day,
        models=models, options=opt, cache=cache, first_season=first, taiga_km=taiga_km,
        ferry_sites={fid: ferry_points[b] + own_sites.get(fid, []) for fid, b in ferried.items()},
        sides=sides, notes=notes, config_dir=config_dir, river=norms.means.river)
    segs = {fid: r.segments for fid, r in chosen.items()}
    departure = tuple((float(p.location().lon), float(p.location().lat))
                      for p in army.departure.line)
    plans = []
    brigades = {b.id: b for b in army.flotilla}
    for u in units:
        if u.movement == "rail" and opt.rail is None:
            raise ConfigError(f"{src}: {formation_key(army, u.id)}.movement: rail, but the "
                              "army has no railhead on the shipped 1945 network (supply.rail.railheads); "
                              "fix: name a station of configs/network as its railhead, or give "
                              "the formation another movement")
        chosen_route = chosen.get(u.id)  # None: carried by river or rail, no route of its own
        fp = formation_plan(
            unit=u, army=army, terrain=terrain, route=segs.get(u.id),
            objective_km=chosen_route.objective_km if chosen_route is not None else (),
            ferried_by=ferried.get(u.id),
            seasons=seasons, norms=norms, fortified_regions=regions,
            breakthrough_km_per_day=fort.rule.rate_km_per_day, models=models, options=opt,
            flotillas=brigades, all_routes=segs, taiga_belt_km=taiga_km, notes=notes,
            toll=chosen_route.toll if chosen_route is not None else None)
        if chosen_route is not None and chosen_route.reach_notes:  # also on its summary line
            fp = replace(fp, notes=fp.notes + tuple(chosen_route.reach_notes))
        plans.append(fp)
    notes += _depots_off_every_route(army, plans, segs)
    # the army's fuel account at H-hour
    refill_by_type = _refill_by_type(plans)
    carried = army.fuel.carried_refills.value
    reserve = {ft: carried * v for ft, v in refill_by_type.items()}
    # supply: truck legs over the union of every route's cells
    cell_list = [fp.cells for fp in plans if len(fp.cells)]
    track = np.unique(np.concatenate(cell_list), axis=0) if cell_list else np.zeros((0, 2), int)
    index = {(int(r), int(c)): i for i, (r, c) in enumerate(track)}
    convoy_kmh = norms.norm_for("motor").max_speed_kmh
    run_end = army.run_end
    trucks = tuple(truck_spec(army, i, terrain, track, notes, models=models, engine=opt.engine,
                              norms=norms, run_end=run_end, convoy_kmh=convoy_kmh,
                              options=opt)
                   for i in range(len(army.supply.trucks)))
    boats = tuple(spec for i in range(len(army.supply.river))
                  for spec in river_specs(army, i, terrain, track, norms=norms,
                                          run_end=run_end))
    airlifts = tuple(air_spec(a, t0) for a in army.supply.air)
    if opt.rail is None:  # why its railhead never moves forward (ArmyRail.for_army)
        notes += off_network_notes(army, config_dir=config_dir)
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
        reserve_carrier=reach.carriers[0] if reach is not None else None,
        reserve_reach_km=float(reach.value) if reach is not None else math.inf,
        reserve_carriers=tuple(reach.carriers) if reach is not None else (),
        reserve_shares=reserve_sections(reach, plans),
        trucks=trucks, boats=boats, airlifts=airlifts, air_priority=air_priority,
        depots=depots, track_cells=track, cell_index=index,
        ferry_brigades=tuple(brigades), speed_scale=opt.speed_scale, fuel_scale=opt.fuel_scale,
        ferry_bridgehead_km=(_bridgehead_km(norms, src)
                             if ferried or any(math.isfinite(p.own_means_h) for p in plans)
                             else math.inf),
        departure_line=departure, notes=tuple(dict.fromkeys(notes)), rail=opt.rail,
        truck_leg_at=(truck_leg_at(army, terrain, track, models=models, engine=opt.engine,
                                   convoy_kmh=convoy_kmh)
                      if opt.rail is not None and army.supply.trucks else None),
    )
    extras = {"routes": segs, "waypoints": {fid: r.waypoints for fid, r in chosen.items()},
              "units": units, "route_solves": cache.solves, "norms": norms, "fortified": fort}
    return plan, extras


def _refill_by_type(plans) -> dict[str, float]:
    """Litres per fuel type that fill every tank of the formations ``plans`` once."""
    out: dict[str, float] = {}
    for fp in plans:
        for ft, n, tank in zip(fp.fuel_types, fp.counts, fp.tank_l):
            if ft != "none":
                out[ft] = out.get(ft, 0.0) + n * tank
    return out


def reserve_sections(reach, plans) -> tuple[dict[str, float], ...]:
    """The fraction of each fuel type of the army's reserve each carrier's section carries
    (``reach``: ``fuel.reserve_reach_km``; ``plans``: the formations' plans); empty with one
    carrier or none (the whole reserve in one place).

    With the file's ``shares``, those (the same for every fuel type). Without them,
    assumed: each section carries the refills of its carrier's family (the carrier and the
    formations below it, ``parent``; a formation in no carrier's family is the first
    carrier's, the army's main body), its share of the army's refill of each fuel type.
    Why: the reserve is ``carried_refills`` refills of the army's tanks ([TYL-1977] 'созданы
    подвижные отделения армейских складов горючего', mobile sections of the army's fuel
    depots); a corps on an axis of its own with its own motor transport carries its own
    tanks' refills with it; no source says how the army's sections were shared out, so the
    tanks each serves are the physical measure. One rule for every army; nothing fitted."""
    if reach is None or len(reach.carriers) < 2:
        return ()
    carriers = list(reach.carriers)
    if reach.shares is not None:
        types = _refill_by_type(plans)
        return tuple({ft: float(x) for ft in types} for x in reach.shares)
    parent = {fp.unit.id: getattr(fp.unit, "parent", None) for fp in plans}

    def section(fid: str) -> int:
        seen: set[str] = set()
        cur: str | None = fid
        while cur is not None and cur not in seen:
            if cur in carriers:
                return carriers.index(cur)
            seen.add(cur)
            cur = parent.get(cur)
        return 0

    per = [_refill_by_type([fp for fp in plans if section(fp.unit.id) == k])
           for k in range(len(carriers))]
    total = _refill_by_type(plans)
    return tuple({ft: float(per[k].get(ft, 0.0) / v if v > 0 else k == 0)
                  for ft, v in total.items()} for k in range(len(carriers)))


def _bridgehead_km(norms, src) -> float:
    """Km beyond its crossing a ferried formation's head may be before its brigade or the
    site's own means have ferried all of it (every formation crossing a major or large river,
    flotilla or not: holds.Holds.ferried_at): one day's march, the truck shuttle's bound
    (configs/norms/march.yaml ``truck_borne_infantry.shuttle_bound_km``; assumed, range: the
    crossing site itself to no hold; advance/simulate.py)."""
    bound = norms.norm_for("truck_borne", "truck_borne_infantry").shuttle_bound_km
    if bound is None:
        where = norms.files[0] if norms.files else "configs/norms/march.yaml"
        raise ConfigError(f"{src}: formations are ferried (a flotilla's ferries_for, or a major "
                          f"or large river on a route), but {where} "
                          "gives no norms.truck_borne_infantry.shuttle_bound_km, the bridgehead a "
                          "ferried formation's head holds until all of it is across; fix: give "
                          "it (value and cite or assumed)")
    return float(bound)


def carriers_text(plan: ArmyPlan) -> str:
    """The formations carrying the army's reserve, for the reports: ``a``, or ``a and b``
    (its sections' carriers, :func:`reserve_sections`)."""
    names = list(plan.reserve_carriers) or [str(plan.reserve_carrier)]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
