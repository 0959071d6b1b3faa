"""What the step loop writes down: a track row per formation and hour, a day record per
formation and day, the army's ledger day, the crossings table and the army's positions so far.

Why a module of its own: the step loop (:mod:`logistics.advance.simulate`) moves the army; this
is how its state reads as the run's tables, in the units of the outputs (km along the route,
litres, hours of the day, degrees lon/lat). :class:`StepRecords` is one of the parts the loop
is made of: its methods read the loop's state (``plan``, ``fp``, ``state``, ``order``,
``ledger``, ``army_day``, ``crossing_times``, the ``pos_*`` lists) and its helpers (``lead``,
``lonlat``, ``timetable``, ``ferrying``, ``tanks_total``), and change nothing but the positions
they record.
"""

from __future__ import annotations

import math
from datetime import timedelta

import numpy as np
import pandas as pd

from logistics.advance.movement import MOVEMENT_MODE, Reached
from logistics.advance.plan import FormationPlan
from logistics.army.fortified import BREACH_WAIT_STATUS, IN_DEPTH_STATUS
from logistics.army.resolve import MEN_CLASSES

__all__ = ["StepRecords", "new_day", "CROSSING_COLUMNS"]

#: Columns of the crossings table (crossings.csv, :meth:`StepRecords.crossings_table`), in
#: the order written: new ones appended, so a reader of the older columns by position still
#: reads them.
CROSSING_COLUMNS: tuple[str, ...] = (
    "formation_id", "time", "cum_km", "lon", "lat", "river_class", "crossing_h", "ferry_h",
    "ferry_start", "all_across", "water_km", "far_km", "ferried_with_km",
)


def new_day() -> dict:
    """A formation's day as the loop adds it up (hours ``moving``, ``no_fuel``, ``event`` (its
    head in a fortified depth), ``breach_wait`` (at a depth's edge, waiting for the breach);
    litres ``delivered``, ``consumed``, ``from_reserve``, ``drained``; its km at the day's
    start; the classes dry at some hour), read by :meth:`StepRecords.day_record`."""
    return {"moving": 0.0, "no_fuel": 0.0, "event": 0.0, "breach_wait": 0.0, "delivered": 0.0,
            "consumed": 0.0, "from_reserve": 0.0, "drained": 0.0, "start_km": None,
            "dry": set()}


def _mode(fp: FormationPlan, status: str, ferried: bool = False, moved: bool = False,
          walking: bool = False) -> str:
    """The track row's ``mode``: the formation's own (``movement:``) while it moves or
    assaults, or when its head went on in the hour whatever the hour's end reads (it ran dry
    or arrived part-way through: it moved, the hour is not a halt); ``foot`` while a
    shuttle's trucks stand dry and its men walk on (``walking``); the river while the
    flotilla ferries it; ``halt`` only for an hour its head did not move."""
    if status in ("moving", "assault") or (moved and status != "carried"):
        return "foot" if walking else MOVEMENT_MODE.get(fp.unit.movement, "halt")
    if status == "carried":
        return "river" if ferried else MOVEMENT_MODE.get(fp.unit.movement, "river")
    return "halt"


def _day_status(day: dict, last: str) -> str:
    """The day's status: how it ended when that is ``arrived``, ``detached``, ``carried`` or
    ``not started``, else the one its head spent most hours in (a tie to the first of: out of
    fuel, in a fortified depth, waiting for a breach, moving), ``rest`` when none."""
    if last in ("arrived", "detached", "carried", "not started"):
        return last
    h = {"halted: no fuel": day["no_fuel"], IN_DEPTH_STATUS: day["event"],
         BREACH_WAIT_STATUS: day["breach_wait"], "moving": day["moving"]}
    if max(h.values()) <= 0:
        return "rest"
    return max(h, key=lambda k: h[k])


def _time_at(clock, a: float, b: float, need_h: float) -> float:
    """The first hour in [``a``, ``b``] at which ``clock`` (march hours from ``a``,
    non-decreasing, piecewise linear) reaches ``need_h``: ``a`` when it is none, ``b`` when
    the step's hours fall short (bisection to a second's thousandth)."""
    if need_h <= 0.0:
        return a
    lo, hi = a, b
    while hi - lo > 1e-7:
        mid = 0.5 * (lo + hi)
        lo, hi = (lo, mid) if clock(mid) >= need_h else (mid, hi)
    return hi


class StepRecords:
    """The step loop's tables, read off its state (see the module docstring)."""

    def track_row(self, fid: str, t_b, status: str, b: float, km0: float) -> dict:
        """The formation's row for the hour ending at ``b`` (``t_b``): its head's km, place,
        status and mode, fuel, tail; ``km0`` is its head's km at the hour's start."""
        fp, st = self.fp[fid], self.state[fid]
        head = self.lead(fid)
        s = float(head.s)
        lon, lat = self.lonlat(fid, s)
        burns = bool((np.array(fp.fuel_types) != "none").any()) and fp.refill_l > 0
        fuel = float(sum(e.tanks.sum() for e in st.elements)) if burns else np.nan
        live = [e for e in st.elements if not e.detached] or st.elements
        tail = min(e.s for e in live)
        tt = self.timetable(fid)
        if st.tail_s is not None:
            tail = min(tail, st.tail_s)
        elif tt is not None and tt.ok and tt.tail_km is not None:
            # on its timetable's clock (delayed by a wait at a follow depth's edge, and
            # standing while it waits there: carried.Carried._edge)
            at = b if st.edge_wait is None else min(b, st.edge_wait[1])
            tail = min(tail, tt.tail_at(at - st.tt_offset_h))
        if fp.tail_lag_h > 0:  # its whole column trails its head's trajectory
            tail = min(tail, self.trailing(fid, b, s, km0))
        ferried = self.ferrying(fid, b)
        if ferried:  # not all across: its tail is still at the crossing
            tail = min(tail, st.ferry_km)
        dry = sorted({c for e in st.elements if not e.detached for c in e.dry.split(",") if c
                      and e.status == "halted: no fuel"})
        if status == "halted: no fuel" and head.dry:
            dry = sorted(set(dry) | set(head.dry.split(",")))
        return {"time": t_b, "formation_id": fid, "cum_km": s, "lon": lon, "lat": lat,
                "status": status, "mode": _mode(fp, status, ferried, moved=s > km0 + 1e-6,
                              walking=st.paused_h is not None and st.walk_from is not None),
                "fuel_l": fuel,
                "refills_on_hand": fuel / fp.refill_l if burns else np.nan,
                "tail_km": float(tail),
                "elements": len(st.elements), "dry_classes": ",".join(dry),
                # great-circle km from its head to the army's reserve at the hour's end (set by
                # simulate_army once every formation has moved; NaN: drawn anywhere)
                "reserve_km": np.nan}

    def trailing(self, fid: str, b: float, s: float, km0: float) -> float:
        """Km at hour ``b`` of a tail that passes each point of the road ``tail_lag_h`` march
        hours (its whole column over its mean pace) after the formation's head did: the head's
        km at ``column clock - lag`` (:func:`~logistics.advance.formation.lagged_km`), its
        start's km before it set off. Records the head's km ``s`` at ``b`` (``km0`` at the
        first step's start) against the column's clock (:meth:`column_clock`), and the hour the
        tail gets to where the head arrived (``tail_all_h``).

        Why: a marching rifle division's tail read its head's km (tracks.csv ``tail_km``),
        10,000 men on a point (issue 13 item 4); then, delayed in hours of the day, the tail
        marched on through the night the head rested (tail37)."""
        from logistics.advance.formation import lagged_km

        st, fp = self.state[fid], self.fp[fid]
        if not st.head_h:
            st.head_h.append(0.0)
            st.head_km.append(km0)
        a, c_a, k_prev = st.column_at_h, st.head_h[-1], st.head_km[-1]
        # moved: more than a metre (the loop leaves dust of 1e-6 km in a step a head stood)
        clock = self.column_clock(fid, a, moved=s > km0 + 1e-3)
        start_h = float(getattr(fp.unit, "start_h", 0.0) or 0.0)
        if a < start_h < b:  # standing at its start until it sets off
            st.head_h.append(c_a + clock(start_h))
            st.head_km.append(k_prev)
        if st.arrived_h is not None and a < st.arrived_h < b:
            st.head_h.append(c_a + clock(float(st.arrived_h)))  # at its route's end from then
            st.head_km.append(s)
        c_b = c_a + clock(b)
        st.head_h.append(c_b)
        st.head_km.append(s)
        st.column_at_h = b
        lag = fp.tail_lag_h
        if st.arrived_h is not None and st.tail_due_c is None:  # its clock then, plus the lag
            t = float(st.arrived_h)
            st.tail_due_c = (c_a + clock(t) if t > a else c_a) + lag
        if st.tail_due_c is not None and st.tail_all_h is None and c_b >= st.tail_due_c - 1e-9:
            st.tail_all_h = _time_at(clock, a, b, st.tail_due_c - c_a)  # all of it there
        return lagged_km(st.head_h, st.head_km, c_b - lag)

    def column_clock(self, fid: str, a: float, *, moved: bool):
        """The column's march hours from hour ``a`` (since H-hour) to a later hour of the step
        starting at ``a``, as a function: the hours of its season's window
        (:meth:`~logistics.advance.schedule.MarchSchedule.column_hours`: the norm's whole
        window, the close-up included), or every hour of a step its head moved in (``moved``;
        outside the window only in a fortified depth, crossed round the clock at the
        breakthrough rate: its column follows it in). Why: outside its window all of a column
        halts; its tail does not march on in the night its head rests, and resumes the next
        morning where it stood."""
        if moved:
            return lambda x: max(0.0, x - a)
        sched, c0 = self.fp[fid].schedule[self.season(a)], self.c0
        return lambda x: sched.column_hours(c0 + a, c0 + x)

    def record_positions(self, b: float) -> None:
        for fid in self.order:
            lon, lat = self.lonlat(fid, self.lead(fid).s)
            self.pos_lon.append(lon)
            self.pos_lat.append(lat)
            self.pos_t.append(b)
            self.pos_f.append(fid)

    def reached_so_far(self) -> Reached:
        """The army's positions so far as :class:`~logistics.advance.movement.Reached`."""
        return Reached(np.array(self.pos_lon), np.array(self.pos_lat), np.array(self.pos_t),
                       tuple(self.pos_f))

    def day_record(self, fid: str, date, tracks: list[dict]) -> dict:
        fp, st = self.fp[fid], self.state[fid]
        last = next(r for r in reversed(tracks) if r["formation_id"] == fid)
        day = st.day
        men_detached = st.men_left
        for e in st.elements:
            if e.detached:
                men_detached += int(sum(n for c, n in zip(fp.class_ids, e.counts)
                                        if c in MEN_CLASSES))
        start_km = day["start_km"] if day["start_km"] is not None else 0.0
        rec = {
            "date": date.isoformat(), "formation_id": fid, "lon": last["lon"],
            "lat": last["lat"],
            "cum_km": last["cum_km"], "km_day": last["cum_km"] - start_km,
            "status": _day_status(day, last["status"]),
            "refills_on_hand": last["refills_on_hand"], "fuel_l": last["fuel_l"],
            "hours_moving": day["moving"], "hours_halted_no_fuel": day["no_fuel"],
            "hours_halted_event": day["event"], "hours_waiting_breach": day["breach_wait"],
            "delivered_l": day["delivered"],
            "consumed_l": day["consumed"], "from_reserve_l": day["from_reserve"],
            "drained_l": day["drained"],
            # every class left dry at some hour of the day (at the day's end the column may rest)
            "dry_classes": ",".join(sorted(day.get("dry") or ())) or last["dry_classes"],
            "men_detached": men_detached, "tail_km": last["tail_km"],
            "reserve_km": last["reserve_km"],
        }
        # legacy names of the single-column table
        rec["refills_total"] = rec["refills_on_hand"]
        rec["fuel_l_total"] = rec["fuel_l"]
        return rec

    def army_day_record(self, date) -> dict:
        """The army's ledger for the day; raises when it does not balance (carried + delivered
        - consumed = on hand, litres)."""
        d = self.army_day
        tanks = self.tanks_total()
        on_hand = self.ledger.on_hand(tanks)
        delivered = sum(d["delivered"].values())
        error = d["carried"] + delivered - d["consumed"] - on_hand
        if abs(error) > 1e-6 * max(1.0, d["carried"] + delivered):
            raise RuntimeError(f"army fuel ledger out of balance by {error:.6f} L on {date}")
        rec = {
            "date": date.isoformat(), "carried_l": d["carried"], "delivered_l": delivered,
            "delivered_truck_l": d["delivered"]["truck"],
            "delivered_river_l": d["delivered"]["river"],
            "delivered_air_l": d["delivered"]["air"],
            "delivered_depot_l": d["delivered"]["depot"], "consumed_l": d["consumed"],
            "on_hand_l": on_hand, "tanks_l": tanks,
            "reserve_l": float(self.ledger.reserve_l.sum()),
            "returned_l": d["returned"], "truck_fuel_l": d["truck_fuel"],
            "drained_l": d["drained"],
            "supply_blocked": "; ".join(d["blocked"].values()),
        }
        for ft, v in zip(self.ledger.reserve_types, self.ledger.reserve_l):
            rec[f"reserve_l_{ft}"] = float(v)
        return rec

    def crossings_table(self) -> pd.DataFrame:
        """Each river crossing of each formation's route: ``time`` when its head reached it
        (the near bank; NaT: not reached by the end), and where it was ferried ``ferry_start``
        (its means started on it) and ``all_across`` (the last of it over), NaT where it was
        not ferried or the ferrying had not started or ended by the run's end; then the
        water it crossed ``water_km`` (km of opened water, ``CrossingStop.water_km``: each
        row its own channel's, so the rows sum to the water crossed; 0: a river line on
        land), its far bank ``far_km`` (the route's km where the ferried head lands and its
        bridgehead starts, the edge of the water: ``CrossingStop.far_km``; ``cum_km`` where
        there is no water beyond the crossing's own step), and ``ferried_with_km``: on a
        later channel of one big river's crossing (an island, a side channel between) the
        ``cum_km`` of the crossing whose ferrying took it too (``CrossingStop.joins_km``:
        that row's ``ferry_h``, ``ferry_start``, ``all_across`` and ``far_km`` are the whole
        ferrying's, timed for its rows' water beyond the channel together), else empty.
        Why: the water a ferry crossed and where its bridgehead was measured from were in no
        output (ferryout34); the first channel's row held its later channels' water too, so
        the rows' sum counted it twice (ferry35)."""
        rows = []
        at = lambda h: self.plan.start + timedelta(hours=h) if h is not None else pd.NaT  # noqa: E731
        for fid in self.order:
            fp, st = self.fp[fid], self.state[fid]
            for n, c in enumerate(fp.crossings):
                t = self.crossing_times.get((fid, n))
                # the means that took it; still waiting at the end: the quicker of its means
                ferry = st.ferried_h.get(c.km, 0.0)
                start_h, across_h = st.ferry_span_h.get(c.km, (None, None))
                if st.ferry_km is not None and abs(st.ferry_km - c.km) < 1e-9 \
                        and st.ferry_release_h is None:
                    ferry = min(fp.ferry_h if fp.ferry_by else math.inf,
                                fp.own_means_h) * c.time_factor  # its water (holds.py)
                if across_h is not None and across_h > self.plan.duration_h + 1e-9:
                    across_h = None  # not all across by the run's end
                rows.append({"formation_id": fid, "time": at(t),
                             "cum_km": c.km, "lon": c.lon, "lat": c.lat,
                             "river_class": c.river_class,
                             "crossing_h": c.crossing_h, "ferry_h": ferry,
                             "ferry_start": at(start_h), "all_across": at(across_h),
                             "water_km": c.water_km,
                             "far_km": c.km if c.far_km is None else float(c.far_km),
                             "ferried_with_km": (math.nan if c.joins_km is None
                                                 else float(c.joins_km))})
        return pd.DataFrame(rows, columns=list(CROSSING_COLUMNS))
