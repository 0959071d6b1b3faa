"""The stops along the planned route (rivers, depots, events, objectives) and the timed halts.

A :class:`Stop` is something at a km of the route: a river crossing (the formation loses the
scenario's ``river_crossing_h`` of its class), a captured depot (its fuel is booked as a
delivery), a documented event placed at a point (the column halts where the route first comes
within the point's radius, e.g. a defence line in front of a town) or an objective (recorded
when reached). A :class:`TimedEvent` is a documented halt between two times, wherever the
formation is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from logistics.advance.schedule import hours_since
from logistics.geodesy import locate_on_route
from logistics.scenario import Point, Scenario

__all__ = ["Stop", "TimedEvent", "route_stops", "timed_events", "river_crossings",
           "RIVER_CLASS_BY_NAME"]

#: Config names of the river classes (``logistics.terrain.classes.RiverClass`` codes).
RIVER_CLASS_BY_NAME: dict[str, int] = {
    "major": 1,
    "large": 2,
    "medium": 3,
    "intermittent": 4,
    "canal": 5,
}


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


def river_crossings(
    river_class: np.ndarray, cum_km: np.ndarray, delay_h: dict[int, float]
) -> list[tuple[float, float, int]]:
    """Crossings along a route: (km of the first cell of each run of a class, delay h, class).

    A run of consecutive cells of the same river class is one crossing (a wide river spans
    several cells). Classes without a delay are skipped.
    """
    out = []
    prev = 0
    for k, km in zip(np.asarray(river_class).tolist(), np.asarray(cum_km).tolist()):
        if k != prev and k in delay_h and delay_h[k] > 0:
            out.append((float(km), float(delay_h[k]), int(k)))
        prev = k
    return out


def timed_events(sc: Scenario, *, events: bool = True) -> tuple[TimedEvent, ...]:
    """The scenario's events given by a time (not a place), as halts in hours since H-hour;
    none with ``events=False``."""
    t0 = sc.start.time.value
    return tuple(TimedEvent(e.name, hours_since(t0, e.start.value), _event_end_h(e, t0))
                 for e in sc.events if events and e.at is None)


def _event_end_h(e, t0: datetime) -> float:
    if e.until is not None:
        return hours_since(t0, e.until.value)
    return hours_since(t0, e.start.value) + e.duration_h.value


def _nearest_km(seg: pd.DataFrame, p: Point, *, first: bool = False) -> float | None:
    """Km along the route where it reaches ``p`` (within ``p.radius_km``): the closest point of
    its first pass, or with ``first`` where that pass enters the radius (a defence line in front
    of a town); None if never that close. The rule is :func:`logistics.geodesy.locate_on_route`,
    the one history scoring uses."""
    loc = p.location()
    fix = locate_on_route(seg, float(loc.lon), float(loc.lat), tolerance_km=p.radius_km,
                          entry=first)
    return fix.route_km if fix.reached else None


#: Order of stops at the same km: arrive (objective), take fuel, then cross or halt.
_STOP_ORDER = {"objective": 0, "depot": 1, "river": 2, "event": 3}


def route_stops(sc: Scenario, seg: pd.DataFrame, *, events: bool = True) -> tuple[Stop, ...]:
    """Every stop along the route ``seg`` (the lead class's segment table), in km order (at the
    same km: objective, depot, river, event); documented events only with ``events``."""
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
