"""Formations carried on a timetable within a step: where a rail move, a flotilla's river move or a
truck shuttle puts them at the hour's end (km along the route, its status), a rail move planned
when the formation departs over the lines the army holds by then (retried a day later), a
shuttle's trucks burning the army's fuel (litres), and its men walking on when the trucks run
dry.

Why a module of its own: a carried formation does not march; its means
(:mod:`logistics.advance.movement`, :mod:`logistics.advance.means`) give its place, and the
step loop (:mod:`logistics.advance.simulate`) only asks for it each hour. The objectives and
fortified stretches it passes are booked here as a marching head's are at its stops.
:class:`Carried` is one of the parts the loop is made of: its methods read and change the
loop's state (``plan``, ``fp``, ``state``, ``ledger``, ``reached``, ``crossing_times``, ``notes``,
``_rule``) and
use its other parts (``timetable``, ``reach``, ``burn``, ``detach``, ``reached_so_far``).
"""

from __future__ import annotations

import math
from datetime import timedelta

import numpy as np

from logistics.advance.elements import Element
from logistics.advance.movement import merged_depths
from logistics.advance.stops import depth_text
from logistics.army.fortified import IN_DEPTH_STATUS

__all__ = ["Carried"]

_EPS_KM = 1e-6
_EPS_S = 1e-3


class Carried:
    """Formations on a timetable, hour by hour (see the module docstring)."""

    def carried(self, fid: str, a: float, b: float) -> tuple[float, str]:
        """Km and status of a carried formation (a timetable) at ``b``; a rail move is
        planned here when the formation departs; a shuttle's trucks burn the army's fuel."""
        fp, st = self.fp[fid], self.state[fid]
        e = st.elements[0]
        self.reach(fid, e)
        if fp.unit.movement == "rail" and st.timetable is None and self.plan.rail is not None \
                and b > fp.unit.start_h and a >= st.rail_tried_h + 24.0:
            self.plan_rail(fid, max(a, fp.unit.start_h))
        tt = self.timetable(fid)
        if tt is None or not tt.ok:
            return e.s, "not started"
        if st.arrived_h is not None:
            return e.s, "arrived"  # a shuttle's trucks need not drive their last trips back
        s0 = e.s
        if tt.walk is not None and tt.fuel_l is not None:
            self.shuttle_step(fid, e, tt, a, b)
        else:
            if tt.fuel_l is not None:
                self.burn_carried(fid, e, tt.fuel_between(a, b))
            e.s = tt.km_at(b)
        if fp.objectives and st.timetable is None:
            while st.objectives_done < len(fp.objectives) and \
                    fp.objectives[st.objectives_done][0] <= e.s + _EPS_KM:
                km, name = fp.objectives[st.objectives_done]
                self.reached.append({"time": self.plan.start + timedelta(
                                         hours=self._passed_h(st, tt, km, a, b)),
                                     "formation_id": fid, "kind": "objective", "name": name,
                                     "cum_km": km})
                st.objectives_done += 1
        if st.timetable is None:
            # the river crossings its head passes, timed as its objectives are (crossings.csv:
            # when its head reached each; without this a truck shuttle's read "not reached")
            while st.crossings_done < len(fp.crossings) and \
                    fp.crossings[st.crossings_done].km <= e.s + _EPS_KM:
                self.crossing_times[(fid, st.crossings_done)] = self._passed_h(
                    st, tt, fp.crossings[st.crossings_done].km, a, b)
                st.crossings_done += 1
            # a shuttle's or a ship-borne formation's timetable already crosses fortified
            # stretches at the breakthrough rate (formation_plan._shuttle, movement.through_depths);
            # here its head meets the rule's detachment like a marching column's (at_stops)
            while st.passes_done < len(fp.fortified) and \
                    fp.fortified[st.passes_done].km_in <= e.s + _EPS_KM:
                n = st.passes_done
                p = fp.fortified[n]
                in_h = self._passed_h(st, tt, p.km_in, a, b)
                when = self.plan.start + timedelta(hours=in_h)
                st.passes_done += 1
                if self.breach_through_h(fid, n)[0] <= in_h + _EPS_S / 3600.0:
                    # broken through already: no second detachment, and a shuttle goes on
                    # through it at its own pace as a marching head does
                    # (rule.breakthrough.open_breach)
                    tt = self._through_open(fid, e, tt, n, b)
                    self.reached.append({"time": when, "formation_id": fid,
                                         "kind": "fortified region",
                                         "name": self.open_corridor_text(
                                             fid, n, in_h, planned=n not in st.open_depths),
                                         "cum_km": p.km_in})
                    continue
                self.open_breach(fid, n, in_h)
                self.reached.append({"time": when, "formation_id": fid,
                                     "kind": "fortified region",
                                     "name": depth_text(p, self._rule.rate_km_per_day),
                                     "cum_km": p.km_in})
                if not self.behind_shared(fid, n, in_h):  # behind another army's breach
                    self.detach(fid, e, p, when)
            while st.outs_done < st.passes_done and \
                    fp.fortified[st.outs_done].km_out <= e.s + _EPS_KM:
                # out of the depth: a breach made for the army (open_breach's other end)
                self.breach_made(fid, st.outs_done, self._passed_h(
                    st, tt, fp.fortified[st.outs_done].km_out, a, b))
                st.outs_done += 1
        if b < tt.start_h:
            return e.s, "not started"
        # arrived when the timetable ends, or when head and tail are both at the route's end
        # (a shuttle's timetable may end later, with its trucks' last trip back)
        end_km = float(fp.km[-1]) if len(fp.km) else math.inf
        tail = st.tail_s if st.tail_s is not None else (
            tt.tail_at(b) if tt.tail_km is not None else None)
        whole = tail is None or tail >= end_km - _EPS_KM
        end_h = tt.end_h + st.tt_offset_h
        if (b >= end_h and st.paused_h is None) or \
                (len(fp.km) > 1 and e.s >= end_km - _EPS_KM and whole):
            if st.arrived_h is None:
                st.arrived_h = min(b, end_h)
            return e.s, "arrived"
        if e.s > s0 + _EPS_KM or tt.mode in ("rail", "river"):
            # hours under way: the timetable's moving time in the step while the formation
            # keeps it (a train's or a ship's waits at stations and ports are not moving); a
            # whole hour in which its men walked on without their trucks
            under = (tt.moving_hours(a - st.tt_offset_h, b - st.tt_offset_h)
                     if self._on_timetable(st) else (b - a))
            if tt.mode == "rail":
                st.day["moving"] += under
                return e.s, "carried"
            # a ship-borne formation's head in a depth reads as a marching or shuttled
            # head's (its timetable crosses it at the rate: movement.through_depths)
            depth_h, in_depth = self._in_depths(fid, tt, s0, e.s, a, b)
            st.day["event"] += depth_h
            st.day["moving"] += max(0.0, under - depth_h)
            return e.s, IN_DEPTH_STATUS if in_depth else (
                "carried" if tt.mode == "river" else "moving")
        return e.s, "rest"

    def _through_open(self, fid: str, e: Element, tt, n: int, b: float):
        """The timetable of a truck shuttle whose head has reached its ``n``-th fortified
        pass broken open by its army (or another's): planned again with that depth, and any
        found open so before, not charged at the breakthrough rate; its head moved on to where
        the new one has it at ``b``. Any other timetable as it is.

        Why (shuttlebreach33): a shuttle's timetable is planned before the run with every depth
        at the rate, so a shuttle kept the rate through a depth another formation had broken
        open, where a marching head goes on at its own pace (``rule.breakthrough.open_breach``:
        one rule whatever the means). The new timetable is the old one up to the head's entry
        (a depth charges only the legs through it, and no group is past the head); the step's
        fuel stays as the old one booked it. Named simplification: a depth that opens while
        the shuttle's head is already inside it is crossed at the rate to its end."""
        fp, st = self.fp[fid], self.state[fid]
        if fp.shuttle_replan is None or getattr(tt, "walk", None) is None \
                or not self._on_timetable(st):
            return tt
        st.open_depths.add(n)
        new = fp.shuttle_replan(tuple(p for i, p in enumerate(fp.fortified)
                                      if i not in st.open_depths))
        if new is None or not new.ok:
            return tt
        st.replanned = new
        e.s = max(e.s, new.km_at(b - st.tt_offset_h))
        return new

    def _in_depths(self, fid: str, tt, s0: float, s1: float, a: float, b: float
                   ) -> tuple[float, bool]:
        """(hours of the step ``[a, b]`` a truck shuttle's or a ship-borne formation's head
        spends inside the fortified depths of its route, not those it found broken open
        (``st.open_depths``), whether the step reads :data:`IN_DEPTH_STATUS`).

        Why (shuttlestatus33): the rule moves a head through a depth at the breakthrough rate
        round the clock whatever moves it (``simulate._Loop.breach``, the shuttle's timetable
        since shuttle33), and a head in a depth reads the same whatever its means: its hours
        there are the day's ``event`` hours (``hours_halted_event``), not ``moving`` ones, and
        its step reads ``assault`` when its head ends the step in a depth, or left one in the
        step and went no farther (a marching head's rule, ``simulate._Loop.move``); ``s0``,
        ``s1``: its head's km at the step's start and end. On its timetable the head is inside
        a depth from the hour it first reaches ``km_in`` to the hour it first reaches
        ``km_out``; while its men walk on without their trucks (no timetable places them) a
        step whose head starts or ends inside one is in it whole."""
        fp, st = self.fp[fid], self.state[fid]
        end_km = float(fp.km[-1]) if len(fp.km) else math.inf
        depths = merged_depths([(p.km_in, p.km_out) for i, p in enumerate(fp.fortified)
                                if i not in st.open_depths], 0.0, end_km)
        if not self._on_timetable(st):
            inside = any(k0 <= s < k1 for k0, k1 in depths for s in (s0, s1))
            return (b - a, True) if inside else (0.0, False)
        off = st.tt_offset_h
        hours, last_out = 0.0, -math.inf
        for k0, k1 in depths:
            t_in, t_out = tt.first_time_at_km(k0) + off, tt.first_time_at_km(k1) + off
            h = min(b, t_out) - max(a, t_in)
            if h > 0.0:
                hours += h
                last_out = t_out
        if hours <= 0.0:
            return 0.0, False
        # out of the depth within the step: the depth's status unless it went on after
        after = tt.moving_hours(last_out - off, b - off) if last_out < b else 0.0
        return min(hours, b - a), after <= _EPS_S / 3600.0

    @staticmethod
    def _on_timetable(st) -> bool:
        """Whether a carried formation keeps its timetable (behind it by ``st.tt_offset_h``
        after a dry spell): not while a shuttle's trucks stand dry and its men walk on."""
        return st.walk_from is None and st.paused_h is None

    @classmethod
    def _passed_h(cls, st, tt, km: float, a: float, b: float) -> float:
        """Hour within the step ``(a, b]`` the carried body reached ``km``: from its timetable
        while it keeps it; the step's end while its men walk on without the trucks, whose
        timetable does not place them."""
        if not cls._on_timetable(st):
            return b
        return min(b, max(a, tt.first_time_at_km(km) + st.tt_offset_h))

    def plan_rail(self, fid: str, depart_h: float) -> None:
        """Plan a formation's rail move at ``depart_h`` from its start to its last objective
        over the lines the army holds by then; when no train can run yet, retry in a day."""
        fp, st = self.fp[fid], self.state[fid]
        u = fp.unit
        st.rail_tried_h = depart_h
        dest = u.objectives[-1].options[0]
        vehicles = {c: int(n) for c, n in u.motor_classes}
        tt = self.plan.rail((u.start_lon, u.start_lat), (float(dest[1]), float(dest[2])),
                            reached=self.reached_so_far(), depart_h=depart_h, men=u.men,
                            vehicles=vehicles)
        when = self.plan.start + timedelta(hours=depart_h)
        if tt.ok:
            st.timetable = tt
            self.reached.append({"time": when, "formation_id": fid, "kind": "rail",
                                 "name": "; ".join(n for _, n in tt.stations) or "by rail",
                                 "cum_km": 0.0})
        else:
            self.notes.append(f"{fid}: no rail move at +{depart_h:.0f} h ({tt.reason}); "
                              "tried again a day later")

    def shuttle_step(self, fid: str, e: Element, tt, a: float, b: float) -> None:
        """Move a shuttled formation from ``a`` to ``b``: its trucks drive the timetable while
        the army's fuel (their tanks, then the reserve) covers the hour; when it does not, the
        trucks stand dry and every man walks on from where he is (``tt.walk``: the foot pace
        and window), issue 13: 'vehicles that run dry stay behind ... a formation moves on
        with what can move'. The trucks try again at the same clock hour a whole number of
        days later (so the timetable, delayed by those days, keeps the march window) and
        drive on when the fuel for that hour is on hand; the head and the tail are the
        foremost of where the timetable and the walkers put them (named simplification: the
        timetable does not re-plan the lifts for the men who walked)."""
        st, fp = self.state[fid], self.fp[fid]
        when = self.plan.start + timedelta(hours=a)
        if st.paused_h is not None and a > st.paused_h:
            days = (a - st.paused_h) / 24.0
            if abs(days - round(days)) < 1e-9:
                trial = st.tt_offset_h + (a - st.paused_h)
                if self._shuttle_burn(fid, e, tt.fuel_between(a - trial, b - trial)) is not None:
                    st.tt_offset_h, st.paused_h = trial, None
                    self.notes.append(f"{fid}: the shuttle's trucks have fuel again on "
                                      f"{when:%d %b %H:%M}: they shuttle on, "
                                      f"{round(days)} day(s) behind their timetable")
        off = st.tt_offset_h
        if st.paused_h is None:
            burn = self._shuttle_burn(fid, e, tt.fuel_between(a - off, b - off))
            if burn is None:
                tail0 = st.tail_s if st.tail_s is not None else tt.tail_at(a - off)
                st.paused_h, st.walk_from = a, (e.s, tail0, a)
                self.notes.append(f"{fid}: the shuttle's trucks are out of fuel on "
                                  f"{when:%d %b %H:%M} at km {e.s:.0f}: they stand, the men "
                                  "walk on")
            else:
                self.burn(fid, e, fp, burn)
        head = e.s
        tail = st.tail_s if st.tail_s is not None else tt.tail_at(a - off)
        if st.paused_h is None:
            head, tail = max(head, tt.km_at(b - off)), max(tail, tt.tail_at(b - off))
        if st.walk_from is not None:
            h0, t0_km, t0 = st.walk_from
            head, tail = max(head, tt.walk(h0, t0, b)), max(tail, tt.walk(t0_km, t0, b))
        e.s, st.tail_s = head, min(tail, head)

    def _shuttle_burn(self, fid: str, e: Element, litres: float) -> np.ndarray | None:
        """Litres per class a shuttle's trucks burn for ``litres`` of driving (its first
        class that burns fuel: the trucks), or None when the army cannot cover them. The
        timetable's litres are the run's already (``formation_plan._shuttle`` prices the trucks with its
        ``fuel_scale``): not scaled again (review21: they were, fuel_scale squared)."""
        fp = self.fp[fid]
        burn = self._trucks_burn(fp, max(0.0, litres))
        short, _ = self.ledger.shortfall(e.tanks, fp.fuel_types, burn)
        return None if short > 1e-6 else burn

    @staticmethod
    def _trucks_burn(fp, litres: float) -> np.ndarray:
        """Litres per class for ``litres`` a shuttle's trucks burn: all on the formation's
        first class that burns fuel (the trucks)."""
        burn = np.zeros(len(fp.class_ids))
        for i, ft in enumerate(fp.fuel_types):
            if ft != "none":
                burn[i] = litres
                break
        return burn

    def burn_carried(self, fid: str, e: Element, litres: float) -> None:
        """Book the fuel a carried formation's own vehicles burn (a shuttle's trucks) from
        its tanks, then the army's reserve: the timetable's litres, already the run's (see
        :meth:`_shuttle_burn`)."""
        if litres <= 0:
            return
        fp = self.fp[fid]
        burn = self._trucks_burn(fp, litres)
        got = self.burn(fid, e, fp, burn)
        if got < burn.sum() - 1e-6:
            self.notes.append(f"{fid}: the shuttle's trucks ran short of fuel "
                              f"({burn.sum() - got:.0f} L not on hand); the shuttle's timetable "
                              "is kept (not modelled: trucks stalled by it, men walking on)")
