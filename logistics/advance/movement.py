"""The movement interface: what the step loop takes from the means of movement (rail, river,
ferries, truck shuttles) and the signatures of the planners it calls.

A formation moves in one of two ways:

* **marching** on its own tracks, wheels, feet or hooves along its least-time route from the
  cost engine, at its column pace, burning its own fuel (``advance/simulate.py`` does this
  itself, hour by hour);
* **carried** by a means planned outside the loop — a train, the flotilla's ships, its own
  trucks shuttling its men — given to the loop as a :class:`Timetable`: a path and the hour at
  which the moving body passes each point of it. The loop places the formation on its
  timetable at every step and books the fuel the timetable says the army's own vehicles burn
  (``fuel_l``; trains and ships burn nothing of the army's account).

The planners are pure functions (plain data in, plain data out; no step loop) built by the means
engineer in ``logistics/network/`` and ``logistics/advance/`` or ``logistics/supply/``. The loop
calls them through the :class:`typing.Protocol` signatures below; anything with that signature
serves (tests pass hand-made ones). Times are hours since the army's H-hour (float); distances
km; positions lon/lat degrees (WGS84).

What the loop gives the planners:

* :class:`Reached`: every place a formation of the army has come to, and when (the army holds
  a railway station once a formation has reached it); the loop adds to it as it runs, so a
  planner asked at ``time_h`` sees what was reached up to then;
* the formation's men and vehicles, its route (``cum_km, lon, lat``), its truck legs priced by
  the cost engine (:data:`TruckLegHours`) and its march window (:data:`MarchHours`).

What the loop takes back: a :class:`Timetable` (rail, river, shuttle), a :class:`Railhead`
(where a truck column loads at a time), hours (a ferry crossing). A planner that cannot make
a move says why in ``reason`` (the loop keeps the formation marching, or its column idle, and
writes the reason in the run's notes); it never raises for a move that is merely impossible.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

__all__ = [
    "MODES",
    "MOVEMENT_MODE",
    "Timetable",
    "merged_depths",
    "depth_open_h",
    "Railhead",
    "Reached",
    "TruckLegHours",
    "MarchHours",
    "RailMovePlanner",
    "RailheadAt",
    "RiverMovePlanner",
    "FerryTime",
    "OwnMeansTime",
    "ShuttlePlanner",
    "through_depths",
]

#: How a formation is moving at a step (the ``mode`` column of the run's tracks).
MODES: tuple[str, ...] = ("foot", "horse", "tracked", "motor", "truck", "rail", "river", "halt")

#: The mode a formation's own means of movement gives (army file ``movement:``).
MOVEMENT_MODE: Mapping[str, str] = {
    "foot": "foot",
    "horse": "horse",
    "tracked": "tracked",
    "tank_riders": "tracked",
    "motor": "motor",
    "truck_borne": "truck",
    "rail": "rail",
    "river": "river",
}


@dataclass(frozen=True)
class Timetable:
    """A carried movement: a path and when the moving body passes each of its points.

    ``km`` (cumulative, from 0), ``lon``, ``lat`` and ``time_h`` (hours since H-hour,
    non-decreasing) have one entry per point; between points the body moves linearly in time.
    Waiting (entraining, loading, a train not yet allowed onto a line) is a repeated km with a
    later time. ``mode`` is ``"rail"``, ``"river"`` or ``"truck"`` (a shuttle). ``tail_km`` is
    the km of the formation's tail at the same times when the body does not move whole (a
    shuttle: the first lift is the head, the last men marching are the tail), else None.
    ``fuel_l`` is the cumulative fuel the army's own vehicles burn (a shuttle's trucks), else
    None (a train or a ship burns nothing of the army's account). ``fuel_type`` says which of
    the army's fuels that is. ``reason`` is non-empty when the move cannot be made (the arrays
    are then empty). ``stations`` names the points where something happens (boarding and
    alighting stations, ports, transshipments) as ``(km, name)`` pairs.
    """

    mode: str
    km: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    time_h: np.ndarray
    tail_km: np.ndarray | None = None
    fuel_l: np.ndarray | None = None
    fuel_type: str = "none"
    reason: str = ""
    stations: tuple[tuple[float, str], ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    #: a shuttle's marchers: ``walk(km0, t0_h, t1_h)`` is where a man who sets off on foot
    #: from ``km0`` at ``t0_h`` is at ``t1_h`` (its march window, its foot pace; None for a
    #: train or a ship). The step loop walks the men on with it when the trucks are dry.
    walk: object | None = None
    #: a shuttle's ``state_at(t_h)``: ``((men, km) of each group, its trucks' km)`` at
    #: ``t_h`` (None for a train or a ship): where a shuttle planned again starts from;
    #: ``state_at(t_h, riding=True)`` adds ``(men, drop km)`` of the lift on its trucks then
    #: (None: nobody rides), which rides on in the new plan
    state_at: object | None = None

    @property
    def ok(self) -> bool:
        """True when the move can be made (no ``reason`` and at least one point)."""
        return not self.reason and len(self.km) > 0

    @property
    def start_h(self) -> float:
        """When the body starts (the first point's time)."""
        return float(self.time_h[0])

    @property
    def end_h(self) -> float:
        """When the body arrives at the last point."""
        return float(self.time_h[-1])

    def km_at(self, time_h: float) -> float:
        """Km of the moving body at ``time_h`` (at the first point before it, at the last
        after it)."""
        return float(_interp_time(time_h, self.time_h, self.km))

    def first_time_at_km(self, km: float) -> float:
        """Hour the body first reaches ``km`` of its path (its km are non-decreasing): the
        first point's time before the path, the last point's beyond it."""
        return _first_time(np.asarray(self.km, dtype=np.float64),
                           np.asarray(self.time_h, dtype=np.float64), km)

    def moving_hours(self, t0_h: float, t1_h: float) -> float:
        """Hours of ``[t0_h, t1_h]`` in which the body moves (its km rising between points):
        not its waits at a station or a port, nor the hours before its start or after its end."""
        t = np.asarray(self.time_h, dtype=np.float64)
        if t1_h <= t0_h or len(t) < 2:
            return 0.0
        rising = np.diff(np.asarray(self.km, dtype=np.float64)) > 0.0
        lo, hi = np.maximum(t[:-1], t0_h), np.minimum(t[1:], t1_h)
        return float(np.sum(np.where(rising, np.maximum(hi - lo, 0.0), 0.0)))

    def tail_at(self, time_h: float) -> float:
        """Km of the formation's tail at ``time_h`` (the body's km when it moves whole)."""
        if self.tail_km is None:
            return self.km_at(time_h)
        return float(_interp_time(time_h, self.time_h, self.tail_km))

    def lonlat_at(self, km: float) -> tuple[float, float]:
        """Lon/lat at ``km`` along the path."""
        return (float(np.interp(km, self.km, self.lon)), float(np.interp(km, self.km, self.lat)))

    def fuel_between(self, t0_h: float, t1_h: float) -> float:
        """Litres the army's vehicles burn on the move between two times (0 without fuel)."""
        if self.fuel_l is None or t1_h <= t0_h:
            return 0.0
        f0 = _interp_time(t0_h, self.time_h, self.fuel_l)
        f1 = _interp_time(t1_h, self.time_h, self.fuel_l)
        return float(max(0.0, f1 - f0))


def _first_time(km: np.ndarray, t: np.ndarray, x: float) -> float:
    """Hour a body timed by (``km``, ``t``) (km non-decreasing) first reaches km ``x``."""
    i = int(np.searchsorted(km, x, side="left"))
    if i <= 0:
        return float(t[0])
    if i >= len(km):
        return float(t[-1])
    k0, k1 = km[i - 1], km[i]
    return float(t[i] if k1 <= k0 else t[i - 1] + (t[i] - t[i - 1]) * (x - k0) / (k1 - k0))


def _interp_time(t: float, times: np.ndarray, values: np.ndarray) -> float:
    """``values`` at time ``t`` along non-decreasing ``times`` (the last of equal times wins,
    so a wait at a point reads the point)."""
    times = np.asarray(times, dtype=np.float64)
    values = np.asarray(values, dtype=np.float64)
    if t <= times[0]:
        return float(values[0])
    if t >= times[-1]:
        return float(values[-1])
    i = int(np.searchsorted(times, t, side="right"))
    t0, t1 = times[i - 1], times[i]
    if t1 <= t0:
        return float(values[i])
    return float(values[i - 1] + (values[i] - values[i - 1]) * (t - t0) / (t1 - t0))


def merged_depths(depths: Sequence[tuple[float, ...]], lo: float, hi: float
                  ) -> list[tuple[float, float, float]]:
    """``(km_in, km_out, open_h)`` stretches of a path cut to ``[lo, hi]``, in order,
    overlapping or touching ones as one (each km of a depth counted once), empty ones dropped.
    Each of ``depths`` is ``(km_in, km_out)`` or ``(km_in, km_out, open_h)``: ``open_h`` the
    hour (since H-hour) from which the body may go into it, a follower's wait at its edge for
    its army's breach (:func:`depth_open_h`; -inf: when it gets there); a merged stretch
    opens at the latest of its parts' (assumed: a later part opening later holds the head at
    the stretch's edge, not inside it)."""
    merged: list[list[float]] = []
    for d in sorted(tuple(float(x) for x in d) for d in depths):
        a, b = max(d[0], lo), min(d[1], hi)
        open_h = depth_open_h(d)
        if b <= a:
            continue
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
            merged[-1][2] = max(merged[-1][2], open_h)
        else:
            merged.append([a, b, open_h])
    return [(a, b, h) for a, b, h in merged]


def depth_open_h(depth: Sequence[float]) -> float:
    """The hour from which a body may go into a depth given as ``(km_in, km_out)`` (-inf:
    when it gets there) or ``(km_in, km_out, open_h)`` (:func:`merged_depths`)."""
    return float(depth[2]) if len(depth) > 2 else -math.inf


def through_depths(tt: Timetable, depths: Sequence[tuple[float, ...]],
                   rate_km_per_day: float) -> Timetable:
    """``tt`` with its body crossing each ``(km_in, km_out)`` stretch of its path no faster
    than a breach that advances through it at ``rate_km_per_day`` round the clock from the
    hour the body entered it (overlapping stretches are one), and every later point as much
    later. Where the timetable is already slower (a wait at a port) it is kept. A stretch
    given as ``(km_in, km_out, open_h)`` (:func:`merged_depths`) is gone into no earlier than
    ``open_h``: the body stands at ``km_in`` from when it gets there until then (a follower
    waiting at the depth's edge for its army's breach, ``carried.Carried._edge``).

    Why: the fortified-region rule moves a formation's head through a defended depth at the
    breakthrough rate "instead of its march pace" (``configs/fortified-regions.yaml``
    ``rule.breakthrough``); a formation carried by ships meets the depth on its river path, and
    the ships cannot carry it past a defended town before the depth is taken. The delay is a
    function of the km along the path, so the tail (the last trips) is delayed the same way at
    the same km. A timetable that books the army's fuel (a shuttle's) is not re-timed here:
    the shuttle planner crosses its depths itself (``advance.formation_plan._shuttle``).
    """
    if not tt.ok or not depths or not math.isfinite(rate_km_per_day) or rate_km_per_day <= 0:
        return tt
    if tt.fuel_l is not None:
        raise ValueError("through_depths: a timetable that burns the army's fuel (a shuttle) "
                         "crosses its depths in its own planner")
    km = np.asarray(tt.km, dtype=np.float64)
    t = np.asarray(tt.time_h, dtype=np.float64)
    h_per_km = 24.0 / rate_km_per_day

    def first_time(x: float) -> float:
        """Hour the body first reaches km ``x`` (its path's km are non-decreasing)."""
        return _first_time(km, t, x)

    # the delay accrued by the time the body reaches km x: piecewise linear between knots;
    # a depth it may go into only from an hour (a follower's wait for the breach) steps it up
    # at the depth's edge (two knots at km_in: the body there first at the delay before, it
    # goes in at the delay after; np.interp reads the last of equal knots at km_in itself)
    merged = merged_depths(depths, float(km[0]), float(km[-1]))
    knots_x, knots_d, accrued = [float(km[0])], [0.0], 0.0
    waits: list[tuple[float, float]] = []  # (km_in, hour the body gets there)
    before_wait: dict[float, float] = {}  # km_in -> the delay the body has got there with
    for k_in, k_out, open_h in merged:
        inner = np.unique(np.concatenate([[k_in, k_out], km[(km > k_in) & (km < k_out)]]))
        t_in = first_time(k_in)
        base = max(accrued, open_h - t_in)
        if base > accrued:
            waits.append((k_in, t_in + accrued))
            before_wait[k_in] = accrued
            knots_x.append(k_in)
            knots_d.append(accrued)
        d = base
        for x in inner:
            own = first_time(float(x)) - t_in
            d = max(d, base + (float(x) - k_in) * h_per_km - own)
            knots_x.append(float(x))
            knots_d.append(d)
        accrued = d
    if accrued <= 0.0:
        return tt  # the ships are no faster than the rate anywhere in the depths
    knots_x.append(float(km[-1]) + 1.0)
    knots_d.append(accrued)
    kx, kd = np.asarray(knots_x), np.asarray(knots_d)

    def delay(x: np.ndarray) -> np.ndarray:
        return np.interp(x, kx, kd)

    # the head: its own points plus the depths' knots (so it moves at the rate inside them)
    extra = kx[(kx > km[0]) & (kx < km[-1])]
    hx = np.concatenate([km, extra])
    ht = np.concatenate([t, [first_time(float(x)) for x in extra]])
    order = np.lexsort((hx, ht))
    hx, ht = hx[order], ht[order]
    h_new = ht + delay(hx)
    if waits:  # where it gets to each edge it waits at: it stands there until it may go in
        hx = np.concatenate([hx, [k for k, _ in waits]])
        h_new = np.concatenate([h_new, [h for _, h in waits]])
        order = np.lexsort((hx, h_new))
        hx, h_new = hx[order], h_new[order]
    grid, head = h_new, hx
    if tt.tail_km is not None:
        # head and tail on one clock: the union of their re-timed points
        tail = np.asarray(tt.tail_km, dtype=np.float64)
        t_new = t + delay(tail)
        if waits:  # the tail too stands at each such edge, up to its delay there
            tx = np.asarray([k for k, _ in waits])
            tt0 = np.array([_first_time(tail, t, float(k)) for k in tx])
            reach = (tx > tail[0]) & (tx <= tail[-1])
            before = np.array([before_wait[float(k)] for k in tx])
            tail = np.concatenate([tail, tx[reach], tx[reach]])
            t_new = np.concatenate([t_new, (tt0 + before)[reach], (tt0 + delay(tx))[reach]])
            order = np.lexsort((tail, t_new))
            tail, t_new = tail[order], t_new[order]
        grid = np.unique(np.concatenate([h_new, t_new]))
        tail_out = np.array([_interp_time(g, t_new, tail) for g in grid])
        head = np.array([_interp_time(g, h_new, hx) for g in grid])
    head = np.maximum.accumulate(head)
    return Timetable(
        mode=tt.mode, km=head, lon=np.interp(head, km, tt.lon), lat=np.interp(head, km, tt.lat),
        time_h=np.asarray(grid, dtype=np.float64),
        tail_km=np.minimum(tail_out, head) if tt.tail_km is not None else None,
        fuel_l=None, fuel_type=tt.fuel_type, reason=tt.reason, stations=tt.stations,
        notes=tt.notes, walk=tt.walk)


@dataclass(frozen=True)
class Railhead:
    """Where a truck column loads fuel at a time: ``lon``, ``lat``, the station's ``name``,
    its ``line`` id (or None off the shipped network) and a ``note`` (why it is here: the
    configured railhead, or the station the rail moved forward to and since when)."""

    lon: float
    lat: float
    name: str
    line: str | None = None
    note: str = ""


@dataclass(frozen=True)
class Reached:
    """Places the army's formations have come to: ``lon``/``lat`` of each position recorded
    and the hour it was first there (``time_h``, since H-hour), with the ``formation_id``.

    The step loop records each formation's position every step; a planner asks
    :meth:`first_time_within` to learn when the army first came within ``radius_km`` of a
    station (None: not yet), which is when the army holds it.
    """

    lon: np.ndarray
    lat: np.ndarray
    time_h: np.ndarray
    formation_id: tuple[str, ...] = ()

    def first_time_within(self, lon: float, lat: float, radius_km: float) -> float | None:
        """Hour the army first came within ``radius_km`` of (lon, lat); None if never."""
        from logistics.geodesy import great_circle_km

        if len(self.time_h) == 0:
            return None
        d = great_circle_km(lon, lat, np.asarray(self.lon), np.asarray(self.lat))
        near = np.flatnonzero(np.asarray(d) <= radius_km)
        return float(np.min(np.asarray(self.time_h)[near])) if near.size else None


#: Hours a truck of the formation's lift needs from km ``a`` to km ``b`` of its route (one way,
#: driving, at the cost engine's time for that truck class on that season's ground).
TruckLegHours = Callable[[float, float], float]

#: Hours of marching (the formation's march window, night slower) between two times ``t0_h``
#: and ``t1_h`` since H-hour: what a marching part of a shuttling formation can use.
MarchHours = Callable[[float, float], float]


class RailMovePlanner(Protocol):
    """Plan a formation's move by train along the 1945 lines the army holds.

    ``origin``/``dest`` are lon/lat; ``reached`` says which stations the army holds when;
    ``depart_h`` is the earliest departure. Returns a :class:`Timetable` (mode ``"rail"``,
    entraining and detraining as waits at the boarding and alighting stations, gauge breaks as
    transshipment waits) or one with ``reason`` set.
    """

    def __call__(self, origin: tuple[float, float], dest: tuple[float, float], *,
                 reached: Reached, depart_h: float, men: int,
                 vehicles: Mapping[str, int]) -> Timetable: ...


class RailheadAt(Protocol):
    """Where a truck column of the army loads at ``time_h``: the configured railhead, or a
    station further along the army's ``advance_along`` lines once the army holds it and the
    line is restored to it (the loop calls this before each dispatch, ``toward`` the head of
    the formation the column serves; None: no usable station)."""

    def __call__(self, time_h: float, reached: Reached,
                 toward: tuple[float, float] | None = None) -> Railhead | None: ...


class RiverMovePlanner(Protocol):
    """Plan a formation carried by river ships through ``waypoints`` (lon/lat, in order along
    the rivers) from ``depart_h``: the course along the shipped major rivers, the ships'
    speeds against or with the current, the lift per trip (a formation larger than one lift
    goes in several trips: the tail). Returns a :class:`Timetable` (mode ``"river"``)."""

    def __call__(self, waypoints: Sequence[tuple[float, float]], *, depart_h: float,
                 men: int, ships: Mapping[str, int]) -> Timetable: ...


class FerryTime(Protocol):
    """Hours the flotilla needs to ferry a formation (``men``, motor ``vehicles``, ``guns``)
    across a river at a crossing; the loop holds the formation's tail on the near bank that
    long after its head reaches the crossing."""

    def __call__(self, men: int, vehicles: int, guns: int = 0) -> float: ...


class OwnMeansTime(Protocol):
    """Hours the army's own crossing means at one crossing site (one pontoon park) need to put
    a formation (``men``, ``motor_classes`` as ``((vehicle class, count), ...)``, ``guns``)
    across a river a flotilla ferries; the formation goes with whichever of its brigade and
    the park has all of it across first."""

    def __call__(self, men: int, motor_classes: Sequence[tuple[str, int]],
                 guns: int = 0) -> float: ...


class ShuttlePlanner(Protocol):
    """Advance of a formation whose lift carries only part of its men: the trucks carry a lift
    forward, unload, drive back for the next while the rest march. ``route_km`` is the
    formation's route, ``truck_leg_h`` the trucks' one-way hours between two km of it (cost
    engine), ``march_kmh`` the marching men's pace (``march_leg_h``: their hours between two km
    of the route from the cost engine, when given), ``march_hours`` their march window.
    ``bound_km``: each lift is dropped at most this far ahead of its pick-up (None: at the
    route's end). ``later_seasons``: ``(from_h, truck_leg_h, march_leg_h,
    truck_fuel_l_per_km)`` of each later season, from ``from_h`` hours after H-hour (the trucks
    and marchers go on that season's ground from then). ``depths``: ``(km_in, km_out)`` of the
    fortified depths its head crosses at ``rate_km_per_day`` round the clock (or ``(km_in,
    km_out, open_h)``: not gone into before ``open_h``, a follower's wait at the edge for
    its army's breach). ``start_state``: ``((men, km) of each group, the trucks' km)`` at
    ``start_h`` (None: all at the route's start), a shuttle planned again from where its men
    and trucks are. Returns a
    :class:`Timetable` (mode
    ``"truck"``) with the head (``km``) and the tail (``tail_km``), and the trucks' fuel
    (``fuel_l``)."""

    def __call__(self, *, men: int, lift_men: int, route_km: float, start_h: float,
                 end_h: float, truck_leg_h: TruckLegHours, truck_fuel_l_per_km: float,
                 march_kmh: float, march_hours: MarchHours, load_h: float,
                 unload_h: float, bound_km: float | None = None,
                 march_leg_h: TruckLegHours | None = None,
                 later_seasons: Sequence[tuple[float, TruckLegHours, TruckLegHours | None, float]]
                 = (), depths: Sequence[tuple[float, ...]] = (),
                 rate_km_per_day: float = math.inf,
                 start_state: tuple[Sequence[tuple[int, float]], float] | None = None
                 ) -> Timetable: ...
