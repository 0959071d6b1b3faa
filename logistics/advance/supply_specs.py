"""The fuel sources of a plan: truck columns (with their legs priced by the cost engine) and
airlifts, as specs the step loop turns into running supply.

Railheads: a railhead named like a station of the shipped 1945 network takes the station's
position; otherwise its own coordinates are used and a note says so (:func:`railhead_lonlat`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np

from logistics.advance.schedule import hours_since, run_end
from logistics.cost.models import CostModels
from logistics.errors import ConfigError
from logistics.scenario import Point, Scenario
from logistics.supply.delivery import litres_from_tonnes
from logistics.supply.trucks import LegFunction

__all__ = ["TruckSpec", "AirSpec", "truck_spec", "air_spec", "railhead_lonlat"]


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
    loc = p.location()
    lon, lat = float(loc.lon), float(loc.lat)
    st = nearest_station(graph, lon, lat)
    if st.distance_km <= p.radius_km:
        return float(st.lon), float(st.lat), None
    return lon, lat, (
        f"railhead {p.place!r} is not a station of the shipped 1945 network (nearest: "
        f"{st.name}, {st.distance_km:.0f} km); placed from its own source: {p.cite or p.assumed}"
    )


def truck_spec(sc: Scenario, i: int, terrain, cells: np.ndarray, notes: list[str], *,
               models: CostModels, engine: str = "auto") -> TruckSpec:
    """The spec of ``supply.trucks[i]``: its figures, payload, and leg function between its
    railhead and the route ``cells`` (notes say when the railhead is off the network)."""
    from logistics.supply.turnaround import truck_leg_function
    from logistics.vehicles import load_vehicle

    t0, end = sc.start.time.value, run_end(sc)
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
    leg = truck_leg_function(terrain, vehicle, (lon, lat), cells, stencil=sc.routing.stencil,
                             engine=engine, models=models)
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
