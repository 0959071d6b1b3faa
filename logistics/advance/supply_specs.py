"""The fuel sources of a plan as specs the step loop turns into running supply: truck columns
(:func:`truck_spec`, with their legs priced by the cost engine; :func:`truck_leg_at` for a
railhead moved forward), ships carrying fuel along the rivers (:func:`river_specs`, their legs
sailings) and airlifts (:func:`air_spec`).

Railheads: a railhead named like a station of the shipped 1945 network takes the station's
position; otherwise its own coordinates are used and a note says so (:func:`railhead_lonlat`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

from logistics.advance.ferry_toll import convoy_ferry_h
from logistics.advance.schedule import hours_since
from logistics.army.base import Point
from logistics.errors import ConfigError, NoRouteError
from logistics.geodesy import lat_lon_text
from logistics.supply.delivery import litres_from_tonnes
from logistics.supply.trucks import LegFunction
from logistics.vehicles import no_tank_capacity

__all__ = ["TruckSpec", "AirSpec", "air_spec", "truck_spec", "truck_leg_at", "railhead_lonlat",
           "railhead_station", "payload_l", "river_specs"]


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
    #: whether ``until_h`` is the column's ``until`` (the road closes then) or the run's end
    road_closes: bool = True
    #: ``ferry_h(trucks, flotilla)``: hours a convoy of that many of the column's trucks is
    #: ferried across one big river (:func:`~logistics.advance.ferry_toll.convoy_ferry_h`);
    #: None: no means planned, the convoy pays none (it still waits, ``TruckColumn.dispatch``)
    ferry_h: Callable[[int, bool], float] | None = None
    #: "truck", or "river": the ships of one class of a river supply source
    #: (:func:`river_specs`)
    kind: str = "truck"
    #: (lon, lat) of the railhead it loads at (None: not known, every formation it serves is
    #: taken to be on its way, :data:`~logistics.advance.resupply.ON_THE_WAY_DETOUR_KM`)
    railhead_lonlat: tuple[float, float] | None = None


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


def railhead_station(graph, p: Point):
    """The :class:`~logistics.network.stations.Station` of the rail ``graph`` a railhead of
    the army file is at: the station it names (any of its names; a point with coordinates of
    its own must lie within its ``radius_km`` of it), else None.

    Why by name and not the nearest station within ``radius_km``: a railhead off the drawn
    network is joined to no line of it, and the nearest station may lie across a river no
    1945 bridge crossed (Blagoveshchensk is 5 km from Heihe across the Amur, Iman 7 km from
    Hutou across the Ussuri): the army's trains could not reach it, so its convoys could not
    load there (nor its railhead move forward along the lines beyond it)."""
    from logistics.errors import UnknownNameError
    from logistics.geodesy import great_circle_km
    from logistics.network import find_station

    try:
        st = find_station(graph, p.place)
    except UnknownNameError:
        return None
    if p.lon is not None and great_circle_km(p.lon, p.lat, st.lon, st.lat) > p.radius_km:
        return None  # a homonym: the point's own coordinates win
    return st


def railhead_lonlat(p: Point, config_dir: str | Path | None = None
                    ) -> tuple[float, float, str | None]:
    """(lon, lat, note) of a railhead: a station of the 1945 network of ``config_dir``
    (:func:`~logistics.terrain.railways.shipped_railways`) if it is one.

    A railhead named like a station (:func:`railhead_station`) takes the station's position.
    Otherwise the point's own coordinates (or the gazetteer's) are used and the note says
    that it is not on the shipped network, naming the nearest station (the reference lists
    some railheads, e.g. Tamsag-Bulag and Blagoveshchensk, without the line that reached them).
    """
    from logistics.network import load_railways, nearest_station
    from logistics.terrain.railways import shipped_railways

    graph = load_railways(shipped_railways(config_dir))
    st = railhead_station(graph, p)
    if st is not None:
        return float(st.lon), float(st.lat), None
    loc = p.location()
    lon, lat = float(loc.lon), float(loc.lat)
    st = nearest_station(graph, lon, lat)
    return lon, lat, (
        f"railhead {p.place!r} is not a station of the shipped 1945 network (nearest: "
        f"{st.name}, {st.distance_km:.0f} km, joined to it by no drawn line); placed from its "
        f"own source: {p.cite or p.assumed}"
    )


def payload_l(tr, vehicle) -> float:
    """Litres one truck carries: the scenario's figure, the tanker's tank, or payload/density."""
    if tr.payload_l is not None:
        return float(tr.payload_l.value)
    if not vehicle.carries_load:  # refused at load (army.checks); a hand-built army here
        raise ConfigError(
            f"truck vehicle {vehicle.id!r} has neither cargo_fuel_l nor payload_t; give payload_l"
        )
    if vehicle.cargo_fuel_l:
        return float(vehicle.cargo_fuel_l)
    return litres_from_tonnes(vehicle.payload_t, tr.fuel_type)


def air_spec(a, t0: datetime) -> AirSpec:
    """The spec of one airlift of the scenario (``a``), times in hours since H-hour ``t0``."""
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


def truck_leg_at(army, terrain, track, *, models, engine: str = "auto",
                 convoy_kmh: float | None = None):
    """``leg_at(i, (lon, lat))``: the leg function of ``supply.trucks[i]`` loading at a
    railhead the army's railway moved forward to (cached per railhead; None when the station
    lies outside the run's terrain)."""
    from logistics.errors import ExtentError
    from logistics.supply.turnaround import release_legs, truck_leg_function
    from logistics.vehicles import load_vehicle

    cache: dict = {}

    def leg_at(i: int, lonlat: tuple[float, float]):
        key = (i, round(float(lonlat[0]), 5), round(float(lonlat[1]), 5))
        if key not in cache:
            vehicle = load_vehicle(army.supply.trucks[i].vehicle, config_dir=models.config_dir)
            try:
                cache[key] = truck_leg_function(terrain, vehicle,
                                                (float(lonlat[0]), float(lonlat[1])), track,
                                                stencil=army.routing.stencil, engine=engine,
                                                models=models, max_speed_kmh=convoy_kmh)
            except ExtentError:
                cache[key] = None
        return cache[key]

    def release() -> None:
        """Each cached leg function's :func:`~logistics.supply.turnaround.release_legs`."""
        for f in cache.values():
            release_legs(f)

    leg_at.release = release
    return leg_at


def _railhead_named(leg, where: str):
    """``leg`` whose error for a railhead on impassable ground (the solver's "source 0 cell
    (row, col) lies on a barrier") names the column's key and its railhead instead."""
    def named(index: int, season: str):
        try:
            return leg(index, season)
        except NoRouteError as exc:
            if not str(exc).startswith("source 0 cell"):
                raise
            raise ConfigError(f"{where} lies on ground the trucks cannot enter (water, a "
                              "barrier or no data); fix: move the railhead onto land, e.g. the "
                              "station it names") from None

    from logistics.supply.turnaround import release_legs

    named.release = lambda: release_legs(leg)
    return named


def truck_spec(army, i: int, terrain, track, notes: list[str], *, models, engine: str = "auto",
               norms, run_end: datetime, convoy_kmh: float | None = None,
               options=None) -> TruckSpec:
    """The spec of ``supply.trucks[i]`` with its leg function over the army's route ``track``
    cells; its convoys drive no faster than ``convoy_kmh`` (the motor column's march norm:
    supply columns are wheeled columns, configs/norms/march.yaml ``motor_column``) and run to
    ``until``, else to ``run_end``. A truck's tank: the column's ``truck_tank_l``, its vehicle
    file's, else ``norms`` (the run's march, lift and tank norms). ``options``: the plan's
    :class:`~logistics.advance.plan.PlanOptions`, whose ferry norms time its convoys across
    a big river (None: not timed)."""
    from logistics.supply.turnaround import truck_leg_function
    from logistics.vehicles import load_vehicle

    t0 = army.h_hour.value
    tr = army.supply.trucks[i]
    vehicle = load_vehicle(tr.vehicle, config_dir=norms.config_dir)
    tank = tr.truck_tank_l.value if tr.truck_tank_l is not None else vehicle.tank_l
    if tank is None:
        tank = norms.refill_l(vehicle)
        if tank is None:
            raise ConfigError(f"{army.source}: supply.trucks.{i}.vehicle: {vehicle.id!r} has "
                              + no_tank_capacity(vehicle, norms.files[1], column=True))
    where = f"{army.source}: supply.trucks.{i}"
    try:
        payload = payload_l(tr, vehicle)
    except ConfigError as exc:
        raise ConfigError(f"{where}.vehicle: {exc}") from None
    lon, lat, note = railhead_lonlat(tr.railhead, norms.config_dir)
    if note:
        notes.append(f"supply.trucks.{i}: {note}")
    leg = truck_leg_function(terrain, vehicle, (lon, lat), track, stencil=army.routing.stencil,
                             engine=engine, models=models, max_speed_kmh=convoy_kmh,
                             approach=True)
    leg = _railhead_named(leg, f"{where}.railhead ({tr.railhead.place!r}, "
                               f"{lat_lon_text(lat, lon, 3, sep=' ')})")
    until = tr.until.value if tr.until is not None else run_end
    return TruckSpec(
        name=tr.name, count=tr.count.value, payload_l=payload,
        truck_tank_l=float(tank), fuel_type=tr.fuel_type, load_h=tr.load_h.value,
        unload_h=tr.unload_h.value, driving_hours_per_day=tr.driving_hours_per_day.value,
        start_h=hours_since(t0, tr.start.value), until_h=hours_since(t0, until),
        convoys=tr.convoys, jitter_h=tr.jitter_h.value if tr.jitter_h else 0.0, leg=leg,
        road_closes=tr.until is not None,
        ferry_h=convoy_ferry_h(vehicle.id, options) if options is not None else None,
        railhead_lonlat=(float(lon), float(lat)),
    )


def river_specs(army, i: int, terrain, track, *, norms, run_end: datetime
                ) -> tuple[TruckSpec, ...]:
    """The specs of ``supply.river[i]``: one column per ship class it names (each sails at its
    own speed; :mod:`logistics.supply.sailings`), ``count`` ships each carrying its class's
    cargo (troops x ``river.cargo_l_per_troop_place``, :meth:`RiverNorms.cargo_l
    <logistics.army.means_norms.RiverNorms.cargo_l>`), sailing from the port to the route
    cells ``track`` of the plan (rows, cols of ``terrain``). ``norms``: the run's norms (its
    river figures). A port beyond ``river.max_access_km`` of a navigable river is one
    ConfigError naming the key, the place and the fix."""
    from logistics.network.river import load_waterways, sail
    from logistics.supply.sailings import SHIPS_DAY_H, river_leg_function
    from logistics.terrain import to_lonlat

    t0 = army.h_hour.value
    r = army.supply.river[i]
    river = norms.means.river
    where = f"{army.source}: supply.river.{i} ({r.name})"
    loc = r.port.location()
    port = (float(loc.lon), float(loc.lat))
    graph = load_waterways(river.navigable_levels)
    classes = tuple(s.ship_class for s in r.ships if int(s.count.value) > 0)
    at_port = sail(port, port, classes=classes, waterways=graph, norms=river)
    if not at_port.ok:
        raise ConfigError(f"{where}.port: {r.port.place or 'the point'!s} "
                          f"({lat_lon_text(port[1], port[0], 3, sep=' ')}): {at_port.reason}; "
                          "fix: a river port or a railhead on a navigable river (within "
                          "river.max_access_km), or drop this river supply source")
    track = np.asarray(track)
    if len(track):
        xs = np.asarray(terrain["x"].values)[track[:, 1]]
        ys = np.asarray(terrain["y"].values)[track[:, 0]]
        lon, lat = to_lonlat(xs, ys)
        cells = np.column_stack([np.atleast_1d(lon), np.atleast_1d(lat)])
    else:
        cells = np.zeros((0, 2))
    until = r.until.value if r.until is not None else run_end
    return tuple(
        TruckSpec(
            name=f"{r.name} ({int(s.count.value)} {s.ship_class})",
            count=int(s.count.value), payload_l=river.cargo_l(s.ship_class), truck_tank_l=0.0,
            fuel_type=r.fuel_type, load_h=r.load_h.value, unload_h=r.unload_h.value,
            driving_hours_per_day=SHIPS_DAY_H, start_h=hours_since(t0, r.start.value),
            until_h=hours_since(t0, until), convoys=1, jitter_h=0.0,
            leg=river_leg_function(port, cells, s.ship_class, norms=river, waterways=graph),
            road_closes=r.until is not None, kind="river")
        for s in r.ships if int(s.count.value) > 0)
