"""A scenario on real terrain -> the :class:`Plan` the hour-by-hour step loop moves through.

The plan is plain data: the planned route (km, lon, lat), the column's cumulative time and each
class's cumulative fuel along it for every season of the scenario, the stops along the route
(river crossings, depots, documented events), the fuel at H-hour, the fuel sources, the march
schedule and the run's global scales. Building it is the only place that calls the cost engine;
:mod:`logistics.advance.simulate` only reads it. :func:`build_plan` assembles it from one module
per job:

| module | job |
|---|---|
| ``profiles`` | the lead class's route and every class's time and fuel along it, per season |
| ``stops`` | rivers, depots, events and objectives along the route; timed halts |
| ``formation`` | vehicle groups and the column's length |
| ``start_fuel`` | litres in the tanks and the reserve at H-hour |
| ``supply_specs`` | truck columns (legs priced by the cost engine) and airlifts |
| ``schedule`` | the daily march window, H-hour and the run's end |
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from logistics import settings
from logistics.advance.formation import VehicleGroup, formation_column_km, vehicle_groups
from logistics.advance.profiles import RouteProfile, planned_route, season_profiles
from logistics.advance.schedule import MarchSchedule, hours_since, march_schedule, run_end
from logistics.advance.start_fuel import start_fuel
from logistics.advance.stops import Stop, TimedEvent, route_stops, timed_events
from logistics.advance.supply_specs import AirSpec, TruckSpec, air_spec, truck_spec
from logistics.cost.models import CostModels
from logistics.scenario import Scenario

__all__ = ["Plan", "build_plan", "scenario_bbox"]


@dataclass(frozen=True)
class Plan:
    """The simulation's input: route, profiles per season, fuel, schedule, stops, sources.

    ``on_hand_l`` / ``capacity_l``: litres in each class's tanks at H-hour and what they hold
    (one refill plus extra fuel on the vehicles); ``reserve_l`` / ``reserve_capacity_l``: the
    formation transport's reserve per fuel type (``carried_refills`` of that fuel's classes).
    ``speed_scale`` and ``fuel_scale`` (global overrides, 1 = physics) multiply every ground
    speed and every fuel consumption of the run, the formation's and its supply trucks'.
    """

    start: datetime
    end: datetime
    route_km: np.ndarray
    route_lon: np.ndarray
    route_lat: np.ndarray
    profiles: dict[str, RouteProfile]
    seasons: tuple[tuple[float, str], ...]
    groups: tuple[VehicleGroup, ...]
    on_hand_l: np.ndarray
    capacity_l: np.ndarray
    schedule: MarchSchedule
    reserve_l: dict[str, float] = field(default_factory=dict)
    reserve_capacity_l: dict[str, float] = field(default_factory=dict)
    stops: tuple[Stop, ...] = ()
    timed_events: tuple[TimedEvent, ...] = ()
    trucks: tuple[TruckSpec, ...] = ()
    airlifts: tuple[AirSpec, ...] = ()
    column_length_km: float = 0.0
    speed_scale: float = 1.0
    fuel_scale: float = 1.0

    @property
    def duration_h(self) -> float:
        """Hours from H-hour to the end of the run."""
        return hours_since(self.start, self.end)


def scenario_bbox(sc: Scenario) -> tuple[float, float, float, float]:
    """Lon/lat box of every point of the scenario plus ``routing.margin_deg`` (theatre-clipped)."""
    pts = [sc.start, *sc.objectives]
    pts += [t.railhead for t in sc.supply.trucks] + [d.at for d in sc.supply.depots]
    pts += [e.at for e in sc.events if e.at is not None]
    lonlat = np.array([(float(p.location().lon), float(p.location().lat)) for p in pts])
    m = sc.routing.margin_deg
    w, s, e, n = settings.THEATRE_BBOX
    return (
        max(w, float(lonlat[:, 0].min()) - m),
        max(s, float(lonlat[:, 1].min()) - m),
        min(e, float(lonlat[:, 0].max()) + m),
        min(n, float(lonlat[:, 1].max()) + m),
    )


def build_plan(sc: Scenario, terrain, *, speed_scale: float = 1.0, fuel_scale: float = 1.0,
               events: bool = True, engine: str = "auto", models: CostModels | None = None):
    """Plan a scenario on a terrain Dataset; returns ``(plan, extras)``.

    ``speed_scale``/``fuel_scale`` go into the plan; ``events=False`` leaves out the
    documented delays; ``engine`` picks the solver (:func:`logistics.cost.accumulate.accumulate`);
    ``models`` is the run's cost-model cache (a new one when None). ``extras`` holds what the
    outputs need beyond the simulation: ``segments`` (the lead class's route DataFrame),
    ``route`` (the :class:`~logistics.cost.route.Route`), ``waypoints`` (names and lon/lat),
    ``vehicles`` (id -> Vehicle), ``mean_column_kmh`` and ``notes``.
    """
    from logistics.vehicles import load_vehicle

    models = models if models is not None else CostModels()
    t0 = sc.start.time.value
    vehicles = {g.vehicle: load_vehicle(g.vehicle) for g in sc.formation.groups}
    groups = vehicle_groups(sc, vehicles)
    seasons = tuple((hours_since(t0, s.start.value), s.season) for s in sc.seasons)
    first_season = seasons[0][1]
    lead = vehicles[sc.formation.lead]
    notes: list[str] = []

    rt, waypoints = planned_route(sc, terrain, lead, first_season, models=models, engine=engine,
                                  notes=notes)
    seg = rt.segments.reset_index(drop=True)
    max_speed = sc.formation.march.max_speed_kmh
    profiles = season_profiles(terrain, seg, groups, vehicles, seasons, lead_id=lead.id,
                               max_speed_kmh=max_speed.value if max_speed else None,
                               models=models)
    route_km = seg["cum_km"].to_numpy(dtype=np.float64)
    length_km = formation_column_km(sc, groups)
    prof0 = profiles[first_season]
    mean_kmh = route_km[-1] / (prof0.time_s[-1] / 3600.0) if prof0.time_s[-1] > 0 else 0.0
    fuel = start_fuel(sc, groups)
    cells = seg[["row", "col"]].to_numpy()
    plan = Plan(
        start=t0,
        end=run_end(sc),
        route_km=route_km,
        route_lon=seg["lon"].to_numpy(dtype=np.float64),
        route_lat=seg["lat"].to_numpy(dtype=np.float64),
        profiles=profiles,
        seasons=seasons,
        groups=groups,
        on_hand_l=fuel.on_hand_l,
        capacity_l=fuel.capacity_l,
        schedule=march_schedule(sc, column_length_km=length_km, mean_kmh=mean_kmh,
                                speed_scale=speed_scale),
        reserve_l=dict(fuel.reserve_l),
        reserve_capacity_l=dict(fuel.reserve_l),
        stops=route_stops(sc, seg, events=events),
        timed_events=timed_events(sc, events=events),
        trucks=tuple(truck_spec(sc, i, terrain, cells, notes, models=models, engine=engine)
                     for i in range(len(sc.supply.trucks))),
        airlifts=tuple(air_spec(a, t0) for a in sc.supply.air),
        column_length_km=length_km,
        speed_scale=speed_scale,
        fuel_scale=fuel_scale,
    )
    names = [sc.start.place] + [o.place for o in sc.objectives]
    extras = {
        "segments": seg,
        "route": rt,
        "waypoints": list(zip(names, waypoints)),
        "vehicles": vehicles,
        "mean_column_kmh": mean_kmh,
        "notes": notes,
    }
    return plan, extras
