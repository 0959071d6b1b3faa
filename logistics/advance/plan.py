"""A scenario on real terrain -> the :class:`Plan` the day-by-day simulation steps through.

The plan is plain data: the planned route (km, lon, lat), the column's cumulative time and each
class's cumulative fuel along it for every season of the scenario, the stops along the route
(river crossings, depots, documented events), the fuel sources and the march schedule. Building
it is the only place that calls the cost engine; :mod:`logistics.advance.simulate` only reads it.

Route and fuel: the route is the least-time route of the lead class through the objectives in
order (``logistics.cost.route.route``); each class is then costed on the same cells
(``evaluate_path``). The column moves at the pace of its slowest class on each step, capped by
``formation.march.max_speed_kmh``. Where a class cannot cross a cell on its own (e.g. trucks on
loose sand) it is assumed to be helped across at its worst per-km time and fuel on the route,
and the km are reported (``impassable_km``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from logistics.cost.route import helped_across
from logistics.errors import ConfigError
from logistics.scenario import Point, Scenario
from logistics.advance.formation import (
    RIVER_CLASS_BY_NAME,
    MarchSchedule,
    VehicleGroup,
    close_up_hours,
    column_length_km,
    river_crossings,
)
from logistics.supply.trucks import LegFunction, litres_from_tonnes

__all__ = [
    "RouteProfile",
    "Stop",
    "TimedEvent",
    "TruckSpec",
    "AirSpec",
    "Plan",
    "build_plan",
    "profile_from_steps",
    "resolve_point",
    "railhead_lonlat",
    "scenario_bbox",
    "hours_since",
]


@dataclass(frozen=True)
class RouteProfile:
    """Cumulative column time (s) and per-vehicle fuel (L, one row per class) at route points."""

    time_s: np.ndarray
    fuel_l: np.ndarray
    impassable_km: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Stop:
    """Something at a point of the route: a river crossing, a depot, an event, an objective."""

    km: float
    kind: str  # "river" | "depot" | "event" | "objective"
    name: str
    delay_h: float = 0.0
    litres: float = 0.0
    fuel_type: str = "any"
    until_h: float | None = None
    duration_h: float | None = None


@dataclass(frozen=True)
class TimedEvent:
    """A documented halt between two times (hours since H-hour), wherever the formation is."""

    name: str
    start_h: float
    end_h: float


@dataclass(frozen=True)
class TruckSpec:
    """Everything a :class:`~logistics.supply.trucks.TruckColumn` needs, plus its leg function."""

    name: str
    count: int
    payload_l: float
    truck_tank_l: float
    fuel_type: str
    load_h: float
    unload_h: float
    driving_hours_per_day: float
    start_h: float
    until_h: float
    convoys: int
    jitter_h: float
    leg: LegFunction


@dataclass(frozen=True)
class AirSpec:
    """An airlift: ``total_l`` over ``n_days`` days from the midnight ``first_day_h``."""

    name: str
    first_day_h: float
    n_days: int
    hour_offset_h: float
    total_l: float
    fuel_type: str
    daily_cv: float


@dataclass(frozen=True)
class Plan:
    """The simulation's input: route, profiles per season, fuel, schedule, stops, sources.

    ``on_hand_l`` / ``capacity_l``: litres in each class's tanks at H-hour and what they hold
    (one refill plus extra fuel on the vehicles); ``reserve_l`` / ``reserve_capacity_l``: the
    formation transport's reserve per fuel type (``carried_refills`` of that fuel's classes).
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

    @property
    def duration_h(self) -> float:
        """Hours from H-hour to the end of the run."""
        return hours_since(self.start, self.end)


def hours_since(t0: datetime, t: datetime) -> float:
    """Hours from ``t0`` to ``t``."""
    return (t - t0).total_seconds() / 3600.0


def run_end(sc: Scenario) -> datetime:
    """The end of the run: midnight after the scenario's last day (``end`` is a day)."""
    d = sc.end.value
    return datetime(d.year, d.month, d.day) + timedelta(days=1)


# --------------------------------------------------------------------------------------------
# places


def resolve_point(p: Point) -> tuple[float, float]:
    """(lon, lat) of a scenario point: its own coordinates, else the gazetteer's."""
    if p.lon is not None and p.lat is not None:
        return float(p.lon), float(p.lat)
    from logistics.places import lookup

    place = lookup(p.place)
    return float(place.lon), float(place.lat)


def railhead_lonlat(p: Point) -> tuple[float, float, str | None]:
    """(lon, lat, note) of a railhead: a station of the shipped 1945 network if it is one.

    A railhead named like a station (any of its names) takes the station's position. Otherwise
    the point's own coordinates (or the gazetteer's) are used and the note says that it is not
    on the shipped network, naming the nearest station (the reference lists some railheads,
    e.g. Tamsag-Bulag, without the line that reached them).
    """
    from logistics.errors import UnknownNameError
    from logistics.network import find_station, load_railways, nearest_station

    graph = load_railways()
    if p.lon is None:
        try:
            st = find_station(graph, p.place)
            return float(st.lon), float(st.lat), None
        except UnknownNameError:
            pass
    lon, lat = resolve_point(p)
    st = nearest_station(graph, lon, lat)
    if st.distance_km <= p.radius_km:
        return float(st.lon), float(st.lat), None
    return lon, lat, (
        f"railhead {p.place!r} is not a station of the shipped 1945 network (nearest: "
        f"{st.name}, {st.distance_km:.0f} km); placed from its own source: {p.cite or p.assumed}"
    )


def scenario_bbox(sc: Scenario) -> tuple[float, float, float, float]:
    """Lon/lat box of every point of the scenario plus ``routing.margin_deg`` (theatre-clipped)."""
    from logistics import settings

    pts = [sc.start, *sc.objectives]
    pts += [t.railhead for t in sc.supply.trucks] + [d.at for d in sc.supply.depots]
    pts += [e.at for e in sc.events if e.at is not None]
    lonlat = np.array([resolve_point(p) for p in pts])
    m = sc.routing.margin_deg
    w, s, e, n = settings.THEATRE_BBOX
    return (
        max(w, float(lonlat[:, 0].min()) - m),
        max(s, float(lonlat[:, 1].min()) - m),
        min(e, float(lonlat[:, 0].max()) + m),
        min(n, float(lonlat[:, 1].max()) + m),
    )


# --------------------------------------------------------------------------------------------
# profiles


def profile_from_steps(
    dist_m: np.ndarray,
    time_s: np.ndarray,
    fuel_l: np.ndarray,
    class_ids: list[str],
    *,
    max_speed_kmh: float | None = None,
) -> RouteProfile:
    """Cumulative column profile from per-step values.

    ``dist_m`` (n,) step lengths; ``time_s`` and ``fuel_l`` (n_classes, n) per-vehicle time and
    fuel of each step for each class. The column's step time is the slowest class's (at least
    ``dist / max_speed``); non-finite steps of a class are priced by :func:`helped_across`
    (their km are reported in ``impassable_km``).
    """
    dist = np.asarray(dist_m, dtype=np.float64)
    t = np.array(time_s, dtype=np.float64, ndmin=2)
    f = np.array(fuel_l, dtype=np.float64, ndmin=2)
    impassable = {}
    for i, cid in enumerate(class_ids):
        bad = ~(np.isfinite(t[i]) & np.isfinite(f[i]))
        if bad.any():
            impassable[cid] = float(dist[bad].sum() / 1000.0)
            t[i], f[i] = helped_across(t[i], dist), helped_across(f[i], dist)
    col_t = t.max(axis=0) if len(t) else np.zeros_like(dist)
    if max_speed_kmh:
        col_t = np.maximum(col_t, dist / (max_speed_kmh / 3.6))
    return RouteProfile(
        time_s=np.concatenate([[0.0], np.cumsum(col_t[1:])]),
        fuel_l=np.concatenate([np.zeros((len(f), 1)), np.cumsum(f[:, 1:], axis=1)], axis=1),
        impassable_km=impassable,
    )


# --------------------------------------------------------------------------------------------
# the plan


def build_plan(sc: Scenario, terrain, *, speed_scale: float = 1.0, events: bool = True):
    """Plan a scenario on a terrain Dataset; returns ``(plan, extras)``.

    ``extras`` holds what the outputs need beyond the simulation: ``segments`` (the lead
    class's route DataFrame), ``cost_hours`` (accumulated time from the start, DataArray),
    ``waypoints`` (names and lon/lat), ``vehicles``.
    """
    from logistics.cost.route import evaluate_path, route
    from logistics.vehicles import load_vehicle

    t0 = sc.start.time.value
    end = run_end(sc)
    vehicles = {g.vehicle: load_vehicle(g.vehicle) for g in sc.formation.groups}
    groups = tuple(_group(g, vehicles[g.vehicle]) for g in sc.formation.groups)
    class_ids = [g.vehicle_id for g in groups]
    seasons = tuple((hours_since(t0, s.start.value), s.season) for s in sc.seasons)
    first_season = seasons[0][1]

    names = [sc.start.place] + [o.place for o in sc.objectives]
    lead = vehicles[sc.formation.lead]
    notes: list[str] = []
    waypoints = _snap_points(terrain, lead, first_season, [sc.start, *sc.objectives], notes)
    rt = route(terrain, lead, waypoints, objective="time", season=first_season,
               stencil=sc.routing.stencil)
    seg = rt.segments.reset_index(drop=True)
    cells = seg[["row", "col"]].to_numpy()
    dist = seg["dist_m"].to_numpy(dtype=np.float64)

    max_speed = sc.formation.march.max_speed_kmh
    profiles = {}
    for season in dict.fromkeys(s for _, s in seasons):
        t_rows, f_rows = [], []
        for g in groups:
            if g.vehicle_id == lead.id and season == first_season:
                ev = seg
            else:
                ev = evaluate_path(terrain, cells, vehicles[g.vehicle_id], season=season)
            t_rows.append(ev["time_s"].to_numpy(dtype=np.float64))
            fuel = ev["fuel_l"].to_numpy(dtype=np.float64)
            f_rows.append(np.zeros_like(fuel) if g.fuel_type == "none" else fuel)
        profiles[season] = profile_from_steps(
            dist, np.array(t_rows), np.array(f_rows), class_ids,
            max_speed_kmh=max_speed.value if max_speed else None,
        )

    route_km = seg["cum_km"].to_numpy(dtype=np.float64)
    motor_n = sum(g.count for g in groups if g.fuel_type != "none")
    length_km = column_length_km(
        motor_n, sc.formation.column.routes.value, sc.formation.column.gap_m.value
    )
    prof0 = profiles[first_season]
    mean_kmh = route_km[-1] / (prof0.time_s[-1] / 3600.0) if prof0.time_s[-1] > 0 else 0.0
    march = sc.formation.march
    schedule = MarchSchedule(
        start_hour=march.start_hour.value,
        hours_per_day=march.hours_per_day.value,
        close_up_h=close_up_hours(length_km, mean_kmh * speed_scale),
        night_hours=march.night_hours,
        night_speed_factor=march.night_speed_factor.value if march.night_speed_factor else 1.0,
        max_km_per_day=march.max_km_per_day.value if march.max_km_per_day else np.inf,
    )

    refill = np.array([g.refill_l for g in groups])
    extra = np.array([g.count * g.extra_l for g in groups])
    fuel = sc.formation.fuel
    on_hand = fuel.in_tanks_refills.value * refill + extra
    capacity = refill + extra
    reserve = {}
    for g in groups:
        if g.fuel_type != "none":
            reserve[g.fuel_type] = reserve.get(g.fuel_type, 0.0) + g.refill_l
    reserve = {k: fuel.carried_refills.value * v for k, v in reserve.items()}

    stops = _route_stops(sc, seg, events=events)
    timed = tuple(
        TimedEvent(e.name, hours_since(t0, e.start.value), _event_end_h(e, t0))
        for e in sc.events
        if events and e.at is None
    )
    trucks = tuple(_truck_spec(sc, i, terrain, cells, t0, end, notes)
                   for i in range(len(sc.supply.trucks)))
    airlifts = tuple(_air_spec(a, t0) for a in sc.supply.air)

    plan = Plan(
        start=t0,
        end=end,
        route_km=route_km,
        route_lon=seg["lon"].to_numpy(dtype=np.float64),
        route_lat=seg["lat"].to_numpy(dtype=np.float64),
        profiles=profiles,
        seasons=seasons,
        groups=groups,
        on_hand_l=on_hand,
        capacity_l=capacity,
        schedule=schedule,
        reserve_l=reserve,
        reserve_capacity_l=dict(reserve),
        stops=stops,
        timed_events=timed,
        trucks=trucks,
        airlifts=airlifts,
        column_length_km=length_km,
    )
    extras = {
        "segments": seg,
        "route": rt,
        "waypoints": list(zip(names, waypoints)),
        "vehicles": vehicles,
        "mean_column_kmh": mean_kmh,
        "notes": notes,
    }
    return plan, extras


def _snap_points(terrain, vehicle, season: str, points: list[Point],
                 notes: list[str]) -> list[tuple[float, float]]:
    """Lon/lat of each point, moved to the nearest cell the vehicle can enter if it lies on
    water or other impassable ground (a jump-off on a river bank falls in the river on a
    coarse grid); farther than the point's ``radius_km`` is a NoRouteError."""
    from logistics.cost.kernel import kernel_inputs
    from logistics.cost.physics import build_cost_model
    from logistics.cost.solver import barrier_mask
    from logistics.errors import NoRouteError
    from logistics.terrain import cell_of, to_lonlat, to_metric

    blocked = barrier_mask(kernel_inputs(build_cost_model(terrain, vehicle, objective="time",
                                                          season=season)))
    xs, ys = terrain["x"].to_numpy(), terrain["y"].to_numpy()
    out = []
    for p in points:
        lon, lat = resolve_point(p)
        x, y = to_metric(lon, lat)
        r, c = cell_of(terrain, x, y)
        if not blocked[r, c]:
            out.append((lon, lat))
            continue
        n = int(np.ceil(p.radius_km * 1000.0 / abs(xs[1] - xs[0]))) if len(xs) > 1 else 1
        r0, c0 = max(r - n, 0), max(c - n, 0)
        win = ~blocked[r0:r + n + 1, c0:c + n + 1]
        rr, cc = np.nonzero(win)
        d = np.hypot(xs[cc + c0] - x, ys[rr + r0] - y)
        if not len(d) or d.min() > p.radius_km * 1000.0:
            raise NoRouteError(
                f"{p.place!r} ({lat:.3f} N, {lon:.3f} E) lies on ground a {vehicle.id} cannot "
                f"enter and no passable cell is within radius_km={p.radius_km:g}; move the "
                "point or give it a larger radius_km"
            )
        k = int(np.argmin(d))
        new = to_lonlat(float(xs[cc[k] + c0]), float(ys[rr[k] + r0]))
        notes.append(f"{p.place}: on impassable ground on this grid; moved {d[k] / 1000:.1f} km "
                     "to the nearest passable cell")
        out.append((float(new[0]), float(new[1])))
    return out


def _group(g, vehicle) -> VehicleGroup:
    fuel_type = vehicle.fuel_type
    if fuel_type == "none":
        return VehicleGroup(g.vehicle, g.count.value, 0.0, 0.0, "none")
    tank = g.tank_l.value if g.tank_l is not None else vehicle.tank_l
    if tank is None:
        raise ConfigError(
            f"vehicle {vehicle.id!r} has no tank_l in its vehicle file; give "
            f"formation.groups[{g.vehicle}].tank_l (litres, with cite: or assumed:)"
        )
    extra = g.extra_fuel_l.value if g.extra_fuel_l is not None else 0.0
    return VehicleGroup(g.vehicle, g.count.value, float(tank), float(extra), fuel_type)


def _event_end_h(e, t0: datetime) -> float:
    if e.until is not None:
        return hours_since(t0, e.until.value)
    return hours_since(t0, e.start.value) + e.duration_h.value


def _nearest_km(seg: pd.DataFrame, p: Point, *, first: bool = False) -> float | None:
    """Km along the route where it reaches ``p``: its nearest point, or with ``first`` the first
    point within ``p.radius_km`` (a defence line in front of a town); None if never that close.
    """
    from logistics.terrain import to_metric

    x, y = to_metric(*resolve_point(p))
    d = np.hypot(seg["x_m"].to_numpy() - x, seg["y_m"].to_numpy() - y)
    inside = np.flatnonzero(d <= p.radius_km * 1000.0)
    if not inside.size:
        return None
    i = int(inside[0]) if first else int(np.argmin(d))
    return float(seg["cum_km"].iloc[i])


#: Order of stops at the same km: arrive (objective), take fuel, then cross or halt.
_STOP_ORDER = {"objective": 0, "depot": 1, "river": 2, "event": 3}


def _route_stops(sc: Scenario, seg: pd.DataFrame, *, events: bool) -> tuple[Stop, ...]:
    t0 = sc.start.time.value
    stops: list[Stop] = []
    delays = {RIVER_CLASS_BY_NAME[k]: f.value for k, f in sc.formation.river_crossing_h.items()}
    names = {v: k for k, v in RIVER_CLASS_BY_NAME.items()}
    for km, h, k in river_crossings(seg["river_class"].to_numpy(), seg["cum_km"].to_numpy(),
                                    delays):
        stops.append(Stop(km=km, kind="river", name=f"{names[k]} river", delay_h=h))
    for d in sc.supply.depots:
        km = _nearest_km(seg, d.at)
        if km is not None:
            litres = d.fuel_l.value
            stops.append(Stop(km=km, kind="depot", name=d.name, litres=litres,
                              fuel_type=d.fuel_type))
    for e in sc.events:
        if events and e.at is not None:
            km = _nearest_km(seg, e.at, first=True)
            if km is not None:
                stops.append(Stop(
                    km=km, kind="event", name=e.name,
                    until_h=hours_since(t0, e.until.value) if e.until else None,
                    duration_h=e.duration_h.value if e.duration_h else None,
                ))
    for o in sc.objectives:
        km = _nearest_km(seg, o)
        if km is not None:
            stops.append(Stop(km=km, kind="objective", name=o.place))
    return tuple(sorted(stops, key=lambda s: (s.km, _STOP_ORDER[s.kind])))


def _truck_spec(sc: Scenario, i: int, terrain, cells: np.ndarray, t0: datetime,
                end: datetime, notes: list[str]) -> TruckSpec:
    from logistics.supply.turnaround import truck_leg_function
    from logistics.vehicles import load_vehicle

    tr = sc.supply.trucks[i]
    vehicle = load_vehicle(tr.vehicle)
    tank = tr.truck_tank_l.value if tr.truck_tank_l is not None else vehicle.tank_l
    if tank is None:
        raise ConfigError(
            f"{sc.source}: supply.trucks.{i}: vehicle {vehicle.id!r} has no tank_l; give "
            "truck_tank_l (litres a truck carries for itself, with cite: or assumed:)"
        )
    payload = _payload_l(tr, vehicle)
    lon, lat, note = railhead_lonlat(tr.railhead)
    if note:
        notes.append(f"supply.trucks.{i}: {note}")
    leg = truck_leg_function(terrain, vehicle, (lon, lat), cells, stencil=sc.routing.stencil)
    until = tr.until.value if tr.until is not None else end
    return TruckSpec(
        name=tr.name,
        count=tr.count.value,
        payload_l=payload,
        truck_tank_l=float(tank),
        fuel_type=tr.fuel_type,
        load_h=tr.load_h.value,
        unload_h=tr.unload_h.value,
        driving_hours_per_day=tr.driving_hours_per_day.value,
        start_h=hours_since(t0, tr.start.value),
        until_h=hours_since(t0, until),
        convoys=tr.convoys,
        jitter_h=tr.jitter_h.value if tr.jitter_h else 0.0,
        leg=leg,
    )


def _payload_l(tr, vehicle) -> float:
    """Litres one truck carries: the scenario's figure, the tanker's tank, or payload/density."""
    if tr.payload_l is not None:
        return float(tr.payload_l.value)
    if vehicle.cargo_fuel_l:
        return float(vehicle.cargo_fuel_l)
    if vehicle.payload_t:
        return litres_from_tonnes(vehicle.payload_t, tr.fuel_type)
    raise ConfigError(
        f"truck vehicle {vehicle.id!r} has neither cargo_fuel_l nor payload_t; give payload_l"
    )


def _air_spec(a, t0: datetime) -> AirSpec:
    d0 = a.start.value
    first_midnight = datetime(d0.year, d0.month, d0.day)
    n_days = (a.end.value.date() - d0.date()).days + 1
    return AirSpec(
        name=a.name,
        first_day_h=hours_since(t0, first_midnight),
        n_days=n_days,
        hour_offset_h=a.hour,
        total_l=litres_from_tonnes(a.total_t.value, a.fuel_type),
        fuel_type=a.fuel_type,
        daily_cv=a.daily_cv.value if a.daily_cv else 0.0,
    )

