"""The fuel sources of a plan as specs the step loop turns into running supply: truck columns
(with their legs priced by the cost engine) and airlifts.

Railheads: a railhead named like a station of the shipped 1945 network takes the station's
position; otherwise its own coordinates are used and a note says so (:func:`railhead_lonlat`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


from logistics.advance.schedule import hours_since
from logistics.errors import ConfigError
from logistics.army.base import Point
from logistics.supply.delivery import litres_from_tonnes
from logistics.supply.trucks import LegFunction

__all__ = ["TruckSpec", "AirSpec", "air_spec", "railhead_lonlat", "payload_l"]


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


def payload_l(tr, vehicle) -> float:
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
