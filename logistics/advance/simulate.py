"""The hour-by-hour step loop of the advance: a seeded loop over a :class:`~logistics.advance.plan.Plan`.

One step is one clock hour (the first starts at H-hour); one record per step goes to the track
and one per day (at midnight) to the daily table. In each step the formation:

1. books the deliveries that have fallen due (trucks, airlift), taking what it can carry;
2. sends every truck convoy that is back at its railhead;
3. moves during the step's march hours, unless a documented event holds it: first through any
   pending river-crossing delay, then along the route until the march time is used up, a class
   runs dry (``halted: no fuel``), a stop is reached (river, depot, event, objective), the
   day's march reaches ``formation.march.max_km_per_day`` (the rest of the march day is
   ``rest``) or the route ends (``arrived``).

Fuel per class is the class's cumulative per-vehicle fuel along the route times its count; the
ledger balances every day (carried + delivered - consumed = on hand) or the run fails loudly.
The loop is deterministic except where the plan asks for randomness (truck jitter, airlift
variability), which draws from ``numpy.random.default_rng(seed)``.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from logistics.advance.plan import Plan
from logistics.advance.profiles import RouteProfile
from logistics.supply.airlift import airlift_deliveries
from logistics.supply.delivery import Delivery
from logistics.supply.ledger import FuelLedger
from logistics.supply.trucks import TruckColumn

__all__ = ["SimResult", "simulate", "STATUSES"]

#: Status values of the daily table and the track.
STATUSES: tuple[str, ...] = ("moving", "halted: no fuel", "halted: event", "arrived", "rest")

_EPS_KM = 1e-9
_EPS_S = 1e-3  # column seconds: budgets below a millisecond are rounding, not time


@dataclass(frozen=True)
class SimResult:
    """Daily table, hourly track, every delivery, the stops reached and notes of a run."""

    daily: pd.DataFrame
    track: pd.DataFrame
    deliveries: pd.DataFrame
    reached: pd.DataFrame
    notes: tuple[str, ...] = field(default_factory=tuple)


@dataclass
class _Day:
    """Accumulators of one day."""

    carried_l: float
    start_km: float
    hours: dict[str, float] = field(default_factory=lambda: dict.fromkeys(
        ("moving", "halted: no fuel", "halted: event"), 0.0))
    delivered: dict[str, float] = field(default_factory=lambda: dict.fromkeys(
        ("truck", "air", "depot"), 0.0))
    returned_l: float = 0.0
    consumed_l: float = 0.0
    truck_fuel_l: float = 0.0
    supply_blocked: dict[str, str] = field(default_factory=dict)  # column -> why nothing left


class _Loop:
    """Mutable state of one run (position, ledger, queues); :func:`simulate` drives it."""

    def __init__(self, plan: Plan, seed: int) -> None:
        self.plan = plan
        self.rng = np.random.default_rng(seed)
        self.speed_scale = plan.speed_scale
        self.fuel_scale = plan.fuel_scale
        self.km = plan.route_km
        self.profiles = {k: _strict(p) for k, p in plan.profiles.items()}
        self.counts = np.array([g.count for g in plan.groups], dtype=np.float64)
        self.burns = np.array([g.fuel_type != "none" and g.count > 0 for g in plan.groups])
        self.ledger = FuelLedger(
            [g.vehicle_id for g in plan.groups],
            [g.fuel_type for g in plan.groups],
            plan.on_hand_l,
            plan.capacity_l,
            plan.reserve_l,
            plan.reserve_capacity_l,
        )
        self.s = 0.0
        self.arrived = False
        self.halt_until_h = -math.inf
        self.pending_delay_h = 0.0
        self.next_stop = 0
        self.queue: list[tuple[float, int, Delivery]] = []
        self.seq = 0
        self.trucks = [TruckColumn(**vars(t)) for t in plan.trucks]
        for a in plan.airlifts:
            for d in airlift_deliveries(
                name=a.name, first_day_h=a.first_day_h, n_days=a.n_days,
                hour_offset_h=a.hour_offset_h, total_l=a.total_l, fuel_type=a.fuel_type,
                daily_cv=a.daily_cv, rng=self.rng,
            ):
                self._push(d)
        self.deliveries: list[dict] = []
        self.reached: list[dict] = []
        self.dry: str | None = None
        self.march_day: int | None = None
        self.day_start_km = 0.0

    # -- helpers --------------------------------------------------------------------------
    def _push(self, d: Delivery) -> None:
        heapq.heappush(self.queue, (d.time_h, self.seq, d))
        self.seq += 1

    def season(self, t_h: float) -> str:
        current = self.plan.seasons[0][1]
        for start_h, name in self.plan.seasons:
            if start_h <= t_h:
                current = name
        return current

    def index(self) -> int:
        return int(min(np.searchsorted(self.km, self.s, side="right") - 1, len(self.km) - 1))

    def lonlat(self) -> tuple[float, float]:
        return (float(np.interp(self.s, self.km, self.plan.route_lon)),
                float(np.interp(self.s, self.km, self.plan.route_lat)))

    # -- supply ---------------------------------------------------------------------------
    def book_due(self, t_h: float, day: _Day) -> None:
        while self.queue and self.queue[0][0] <= t_h:
            _, _, d = heapq.heappop(self.queue)
            self._book(d, day)

    def rates_ahead(self, prof: RouteProfile, ahead_km: float = 100.0) -> np.ndarray:
        """Litres per km of each whole class over the next ``ahead_km`` of the route."""
        s1 = min(self.s + ahead_km, float(self.km[-1]))
        if s1 - self.s < 1.0:  # at the end of the route: rates of the whole route
            s0, s1 = 0.0, float(self.km[-1])
        else:
            s0 = self.s
        span = max(s1 - s0, 1e-9)
        per_vehicle = np.array([np.interp(s1, self.km, f) - np.interp(s0, self.km, f)
                                for f in prof.fuel_l]) / span
        return np.where(self.burns, self.counts * per_vehicle, 0.0)

    def _book(self, d: Delivery, day: _Day) -> None:
        self.ledger.rate = self.rates_ahead(self.profiles[self.season(d.time_h)])
        taken = self.ledger.deliver(d.litres, d.fuel_type)
        day.delivered[d.kind] += taken
        day.returned_l += d.litres - taken
        day.truck_fuel_l += d.truck_fuel_l
        self.deliveries.append({
            "time": self.plan.start + timedelta(hours=d.time_h), "source": d.source,
            "kind": d.kind, "offered_l": d.litres, "litres": taken, "fuel_type": d.fuel_type,
            "truck_fuel_l": d.truck_fuel_l, "cum_km": self.s, "note": d.note,
        })

    def dispatch(self, t_h: float, day: _Day) -> None:
        for col in self.trucks:
            for d in col.dispatch(t_h, self.index(), self.season(t_h), self.rng,
                                  self.speed_scale, self.fuel_scale):
                self._push(d)
            if col.blocked:
                day.supply_blocked[col.name] = f"{col.name}: {col.blocked} (km {self.s:.0f})"

    # -- movement -------------------------------------------------------------------------
    def day_cap_km(self, a: float) -> float:
        """Farthest km the head may reach in the march day of step start ``a`` (hours since
        H-hour): the km at the day's first step plus ``max_km_per_day`` (inf without a cap)."""
        sched = self.plan.schedule
        if not math.isfinite(sched.max_km_per_day):
            return math.inf
        d = sched.march_day(_clock_h(self.plan.start) + a)
        if d != self.march_day:
            self.march_day, self.day_start_km = d, self.s
        return self.day_start_km + sched.max_km_per_day

    def blocked_until(self, a: float, b: float) -> tuple[float, float]:
        """Usable part [u0, u1) of [a, b) once documented halts are taken out."""
        u0, u1 = max(a, self.halt_until_h), b
        for ev in self.plan.timed_events:
            if ev.start_h <= u0 < ev.end_h:
                u0 = max(u0, ev.end_h)
            elif u0 < ev.start_h < u1:
                u1 = ev.start_h
        return u0, max(u0, u1)

    def need(self, prof: RouteProfile, s1: float) -> np.ndarray:
        """Litres each class burns moving the head from the current km to ``s1``."""
        per_vehicle = np.array([np.interp(s1, self.km, f) - np.interp(self.s, self.km, f)
                                for f in prof.fuel_l])
        return np.where(self.burns, self.counts * self.fuel_scale * per_vehicle, 0.0)

    def fuel_limit(self, prof: RouteProfile, s_want: float) -> tuple[float, str | None]:
        """Farthest km up to ``s_want`` the fuel on hand reaches; the classes that limit it.

        Tanks and reserve are shared as the ledger allows (:meth:`FuelLedger.shortfall`); the
        shortfall grows with distance, so the limit is found by bisection.
        """
        short, _ = self.ledger.shortfall(self.need(prof, s_want))
        if short <= 1e-9:
            return math.inf, None
        lo, hi = self.s, s_want
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            if self.ledger.shortfall(self.need(prof, mid))[0] <= 1e-9:
                lo = mid
            else:
                hi = mid
            if hi - lo < 1e-7:
                break
        _, fuel_type = self.ledger.shortfall(self.need(prof, hi))
        need = self.need(prof, hi)
        who = ",".join(g.vehicle_id for g, n, own in zip(self.plan.groups, need,
                                                            self.ledger.own_l)
                       if g.fuel_type == fuel_type and n > own + 1e-9)
        return lo, who

    def move(self, a: float, b: float, day: _Day) -> str:
        """Move during [a, b); return the step's status and book its hours."""
        sched = self.plan.schedule
        clock0 = _clock_h(self.plan.start)
        s_cap = self.day_cap_km(a)
        window_h = sched.moving_hours(clock0 + a, clock0 + b)
        if window_h <= 0:
            return "rest"
        u0, u1 = self.blocked_until(a, b)
        usable_h = sched.moving_hours(clock0 + u0, clock0 + u1) if u1 > u0 else 0.0
        event_h = window_h - usable_h
        day.hours["halted: event"] += event_h
        status = "halted: event" if event_h > 0 else "moving"
        crossing = min(self.pending_delay_h, usable_h)
        self.pending_delay_h -= crossing
        usable_h -= crossing
        day.hours["moving"] += crossing
        if usable_h <= 0:
            return status
        prof = self.profiles[self.season(a)]
        rate = 3600.0 * self.speed_scale * sched.speed_factor((clock0 + a) % 24.0)
        budget = usable_h * rate  # column seconds (profile units) this step can cover
        moved = False
        while budget > _EPS_S:
            t_here = float(np.interp(self.s, self.km, prof.time_s))
            target_t = t_here + budget
            s_time = (self.km[-1] if target_t >= prof.time_s[-1]
                      else float(np.interp(target_t, prof.time_s, self.km)))
            stop = self.plan.stops[self.next_stop] if self.next_stop < len(self.plan.stops) \
                else None
            s_stop = stop.km if stop is not None else math.inf
            s_want = min(s_time, s_stop, float(self.km[-1]), s_cap)
            s_fuel, who = self.fuel_limit(prof, s_want)
            s_new = min(s_want, s_fuel)
            if s_new > self.s:
                burn = self.need(prof, s_new)
                self.ledger.consume(burn)
                day.consumed_l += float(burn.sum())
                used = float(np.interp(s_new, self.km, prof.time_s)) - t_here
                budget -= used
                day.hours["moving"] += used / rate
                self.s = s_new
                moved = True
            if stop is not None and self.s >= s_stop - _EPS_KM:
                self.next_stop += 1
                t_stop = a + crossing + usable_h - budget / rate
                budget = self._at_stop(stop, t_stop, budget, rate, day)
                if self.halt_until_h > t_stop:
                    return "halted: event"
                continue
            if self.s >= self.km[-1] - _EPS_KM:
                self.arrived = True
                return "arrived"
            if self.s >= s_cap - _EPS_KM:  # the day's march is done: rest until the next day
                return "moving" if moved else "rest"
            if s_fuel <= s_new + _EPS_KM and s_fuel < s_time and budget > _EPS_S:
                day.hours["halted: no fuel"] += budget / rate
                self.dry = who
                return "halted: no fuel"
            break
        return "moving" if moved else status

    def _at_stop(self, stop, t_h: float, budget: float, rate: float, day: _Day) -> float:
        """Act on a stop reached at ``t_h``; return the remaining march budget."""
        self.reached.append({"time": self.plan.start + timedelta(hours=t_h), "kind": stop.kind,
                             "name": stop.name, "cum_km": stop.km})
        if stop.kind == "river":
            self.pending_delay_h += stop.delay_h
            take = min(self.pending_delay_h, budget / rate)
            self.pending_delay_h -= take
            day.hours["moving"] += take
            return budget - take * rate
        if stop.kind == "depot":
            self._book(Delivery(t_h, stop.name, "depot", stop.litres, stop.fuel_type), day)
            return budget
        if stop.kind == "event":
            until = stop.until_h if stop.until_h is not None else t_h + (stop.duration_h or 0.0)
            if until > t_h:
                self.halt_until_h = max(self.halt_until_h, until)
                day.hours["halted: event"] += budget / rate
                return 0.0
        return budget


def _strict(p: RouteProfile) -> RouteProfile:
    """Make cumulative arrays strictly increasing (tiny ramp) so they can be inverted."""
    ramp = np.arange(p.time_s.size, dtype=np.float64) * 1e-9
    return RouteProfile(p.time_s + ramp, p.fuel_l + ramp, p.impassable_km)


def _clock_h(t: datetime) -> float:
    return t.hour + t.minute / 60.0 + t.second / 3600.0


def _step_bounds(plan: Plan) -> list[float]:
    """Hours since H-hour of every whole clock hour from H-hour to the end, both included."""
    c0 = _clock_h(plan.start)
    total = plan.duration_h
    bounds = [0.0]
    k = math.floor(c0) + 1
    while k - c0 < total - 1e-9:
        bounds.append(k - c0)
        k += 1
    bounds.append(total)
    return bounds


def simulate(plan: Plan, *, seed: int = 0) -> SimResult:
    """Run the plan hour by hour; return the daily table, the track and the deliveries.

    Speeds and fuel burns scale by the plan's ``speed_scale`` and ``fuel_scale``."""
    loop = _Loop(plan, seed)
    c0 = _clock_h(plan.start)
    day = _Day(carried_l=loop.ledger.total_l, start_km=0.0)
    daily, track = [], []
    bounds = _step_bounds(plan)
    last_status = "rest"
    for a, b in zip(bounds[:-1], bounds[1:]):
        loop.book_due(a, day)
        if not loop.arrived:
            loop.dispatch(a, day)
            last_status = loop.move(a, b, day)
        else:
            last_status = "arrived"
        lon, lat = loop.lonlat()
        t_b = plan.start + timedelta(hours=b)
        track.append({"time": t_b, "cum_km": loop.s, "lon": lon, "lat": lat,
                      "status": last_status, "fuel_l": loop.ledger.total_l,
                      "dry_class": loop.dry if last_status == "halted: no fuel" else ""})
        day_end = abs(((c0 + b) / 24.0) - round((c0 + b) / 24.0)) < 1e-9
        if day_end or b == bounds[-1]:
            date = (t_b - timedelta(microseconds=1)).date()
            daily.append(_day_record(loop, day, date, lon, lat))
            day = _Day(carried_l=loop.ledger.total_l, start_km=loop.s)
    notes = [n for col in loop.trucks for n in col.notes]
    return SimResult(
        daily=pd.DataFrame(daily),
        track=pd.DataFrame(track),
        deliveries=pd.DataFrame(loop.deliveries, columns=[
            "time", "source", "kind", "offered_l", "litres", "fuel_type", "truck_fuel_l",
            "cum_km", "note"]),
        reached=pd.DataFrame(loop.reached, columns=["time", "kind", "name", "cum_km"]),
        notes=tuple(notes),
    )


def _day_status(day: _Day) -> str:
    """The state that took most of the day's march hours (halts win ties); ``rest`` if none."""
    h = day.hours
    if max(h.values()) <= 0:
        return "rest"
    return max(("halted: no fuel", "halted: event", "moving"), key=lambda k: h[k])


def _day_record(loop: _Loop, day: _Day, date, lon: float, lat: float) -> dict:
    led = loop.ledger
    delivered = sum(day.delivered.values())
    on_hand = led.total_l
    error = day.carried_l + delivered - day.consumed_l - on_hand
    if abs(error) > 1e-6 * max(1.0, day.carried_l + delivered):
        raise RuntimeError(f"fuel ledger out of balance by {error:.6f} L on {date}")
    status = "arrived" if loop.arrived else _day_status(day)
    rec = {
        "date": date.isoformat(), "lon": lon, "lat": lat, "cum_km": loop.s,
        "km_day": loop.s - day.start_km, "status": status,
        "hours_moving": day.hours["moving"],
        "hours_halted_no_fuel": day.hours["halted: no fuel"],
        "hours_halted_event": day.hours["halted: event"],
    }
    refill_total = 0.0
    for g, litres in zip(loop.plan.groups, led.own_l):
        rec[f"fuel_l_{g.vehicle_id}"] = float(litres)
        rec[f"refills_{g.vehicle_id}"] = float(litres / g.refill_l) if g.refill_l else np.nan
        refill_total += g.refill_l
    for ft, litres in zip(led.reserve_types, led.reserve_l):
        rec[f"reserve_l_{ft}"] = float(litres)
        of_type = sum(g.refill_l for g in loop.plan.groups if g.fuel_type == ft)
        own = sum(o for g, o in zip(loop.plan.groups, led.own_l) if g.fuel_type == ft)
        rec[f"refills_{ft}"] = (own + float(litres)) / of_type if of_type else np.nan
    rec.update({
        "fuel_l_total": on_hand,
        "refills_total": on_hand / refill_total if refill_total else np.nan,
        "carried_l": day.carried_l,
        "delivered_l": delivered,
        "delivered_truck_l": day.delivered["truck"],
        "delivered_air_l": day.delivered["air"],
        "delivered_depot_l": day.delivered["depot"],
        "returned_l": day.returned_l,
        "consumed_l": day.consumed_l,
        "truck_fuel_l": day.truck_fuel_l,
        "dry_classes": ",".join(led.dry_classes()),
        "supply_blocked": "; ".join(day.supply_blocked.values()),
    })
    return rec
