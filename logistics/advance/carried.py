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
from dataclasses import replace
from datetime import timedelta

import numpy as np

from logistics.advance.elements import Element
from logistics.advance.movement import merged_depths
from logistics.advance.stops import depth_text
from logistics.army.fortified import BREACH_WAIT_STATUS, IN_DEPTH_STATUS

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
        if b < tt.start_h + st.tt_offset_h:
            # not set off by the step's end: nothing of its route is passed yet (a fortified
            # depth, a crossing, an objective at its start: booked when it sets off, where its
            # head is then, not at H-hour; a follow depth's edge it waits at, Carried._edge)
            return e.s, "not started"
        s0 = e.s
        # the timetable's hour the step's move starts at, and the hour it ends (its head
        # held at a follow depth's edge: Carried._edge)
        wait0 = st.day["breach_wait"]
        ta, b_move, held = self._edge(fid, tt, a, b)
        if held:  # held at the depth's edge the whole step
            return e.s, BREACH_WAIT_STATUS
        edge_h = st.day["breach_wait"] - wait0  # hours _edge booked at the edge in the step
        tt = self.timetable(fid)  # planned again from when the breach lets it in (_edge)
        if tt.walk is not None and tt.fuel_l is not None:
            self.shuttle_step(fid, e, tt, a, b_move, tt_from_h=ta, walk_to_h=b)
            tt = self.timetable(fid)  # planned again when fuel reached its dry trucks
            if not self._on_timetable(st) and st.edge_wait is not None:
                # its trucks ran dry in the step before its head got to the edge: no wait
                # there on the timetable (its men on foot keep their own: _walk_in_h)
                st.day["breach_wait"] -= edge_h
        else:
            ta = a - st.tt_offset_h if ta is None else ta
            if tt.fuel_l is not None:
                self.burn_carried(fid, e, tt.fuel_between(ta, b_move - st.tt_offset_h))
            e.s = tt.km_at(b_move - st.tt_offset_h)
        if not self._on_timetable(st):
            st.edge_wait = None  # its trucks dry: its men walk on (no timetable to delay)
        if st.timetable is None:
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
                if self.open_at_entry(fid, n, in_h):
                    # broken through already (the marching head's rule, Stops.at_stops): no
                    # second detachment, and on through it at its own pace
                    # (rule.breakthrough.open_breach)
                    tt = self._through_open(fid, e, tt, n, p.km_in, b)
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
            if st.edge_wait is None:  # held at a depth's edge: not inside it
                tt = self._opened_inside(fid, e, tt, s0, a, b)
            while st.outs_done < st.passes_done and \
                    fp.fortified[st.outs_done].km_out <= e.s + _EPS_KM:
                # out of the depth: a breach made for the army (open_breach's other end);
                # not through one found open, which a marching head does not make either
                if st.outs_done not in st.open_depths:
                    self.breach_made(fid, st.outs_done, self._passed_h(
                        st, tt, fp.fortified[st.outs_done].km_out, a, b))
                st.outs_done += 1
            # the river crossings and objectives its head passes (crossings.csv: when its head
            # reached each; without this a truck shuttle's read "not reached"), after the
            # depths: a timetable planned again through an open one times those past it
            while st.crossings_done < len(fp.crossings) and \
                    fp.crossings[st.crossings_done].km <= e.s + _EPS_KM:
                self.crossing_times[(fid, st.crossings_done)] = self._passed_h(
                    st, tt, fp.crossings[st.crossings_done].km, a, b)
                st.crossings_done += 1
            while st.objectives_done < len(fp.objectives) and \
                    fp.objectives[st.objectives_done][0] <= e.s + _EPS_KM:
                km, name = fp.objectives[st.objectives_done]
                self.reached.append({"time": self.plan.start + timedelta(
                                         hours=self._passed_h(st, tt, km, a, b)),
                                     "formation_id": fid, "kind": "objective", "name": name,
                                     "cum_km": km})
                st.objectives_done += 1
        ta = a - st.tt_offset_h if ta is None else ta
        if not self._on_timetable(st) and st.walk_held:
            return e.s, BREACH_WAIT_STATUS  # its men on foot at a follow depth's edge
        if st.edge_wait is not None and b_move < b - _EPS_S / 3600.0:
            # it got to the depth's edge in the step and waits there
            st.day["moving"] += tt.moving_hours(ta, b_move - st.tt_offset_h)
            return e.s, BREACH_WAIT_STATUS
        if b < tt.start_h:
            return e.s, "not started"
        # arrived when the timetable ends, or when head and tail are both at the route's end
        # (a shuttle's timetable may end later, with its trucks' last trip back)
        end_km = float(fp.km[-1]) if len(fp.km) else math.inf
        tail = st.tail_s if st.tail_s is not None else (
            tt.tail_at(b - st.tt_offset_h) if tt.tail_km is not None else None)
        whole = tail is None or tail >= end_km - _EPS_KM
        end_h = tt.end_h + st.tt_offset_h
        # a shuttle's timetable not over by the run's end ends there, short of the route's
        # end: not an arrival (it read 'arrived' in the run's last hour, km 11 of 60)
        over = tt.walk is None or float(tt.km[-1]) >= end_km - _EPS_KM
        if (b >= end_h and st.paused_h is None and over) or \
                (len(fp.km) > 1 and e.s >= end_km - _EPS_KM and whole):
            if st.arrived_h is None:
                st.arrived_h = min(b, end_h)
            return e.s, "arrived"
        if e.s > s0 + _EPS_KM or tt.mode in ("rail", "river"):
            # hours under way: the timetable's moving time in the step while the formation
            # keeps it (a train's or a ship's waits at stations and ports are not moving); a
            # whole hour in which its men walked on without their trucks
            under = (tt.moving_hours(ta, b_move - st.tt_offset_h)
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

    def _edge(self, fid: str, tt, a: float, b: float) -> tuple[float | None, float, bool]:
        """(the timetable's hour from which a carried formation (a truck shuttle's, the
        ships') moves in the step ``[a, b]`` (None: ``a`` less its delay), the hour its move
        ends, whether it is held the whole step): None, ``b``, False unless its head is held
        at the edge of a ``follow`` depth. It reaches the
        edge in the step and the breach does not open the depth for it then
        (``Holds.breach_start_h``, not open at entry: ``Holds.open_at_entry``): its move ends
        at that hour, and it waits, held at the edge (the hours ``breach_wait``), until the
        step in which the breach opens it; its timetable is planned again from there
        (:meth:`_go_in`; within the same step when it opens then).

        Why (shuttlefollow34): one rule for a follower whatever moves it: a marching follower
        waits at the depth's edge for its army's breach (``simulate._Loop.breach``), a
        shuttle's or the ships' head crossed it at the rate from the hour it got there, before
        any formation of its army had broken in (``rule.bypass.no_way_round``). Named
        simplification: while it is held the whole timetable waits, the trucks' trips and the
        tail behind the head too; the trips they make meanwhile in the timetable planned again
        (the rest of the men brought up to the edge) are booked, and its tail placed, in the
        step the breach opens it. Not while a shuttle's men walk on without their trucks
        (their own wait: :meth:`_walked`)."""
        fp, st = self.fp[fid], self.state[fid]
        eps = _EPS_S / 3600.0
        if st.timetable is not None or not self._on_timetable(st):
            return None, b, False
        if st.edge_wait is not None:  # held: does the breach open it in this step?
            n, in_h = st.edge_wait
            start = self.breach_start_h(fid, n, a)
            if start >= b - eps:
                st.day["breach_wait"] += b - a
                return None, b, True
            st.day["breach_wait"] += start - a
            ta = in_h - st.tt_offset_h
            self._go_in(fid, n, in_h, start)
            st.edge_wait = None
            return ta, b, False
        n = st.passes_done
        if n >= len(fp.fortified) or fp.fortified[n].action != "follow":
            return None, b, False
        p = fp.fortified[n]
        off = st.tt_offset_h
        if b < tt.start_h + off or tt.km_at(b - off) < p.km_in - _EPS_KM:
            return None, b, False  # not set off, or not at its edge, by the step's end
        # (a depth from its start: at its edge when it sets off, not before)
        in_h = min(b, max(a, tt.start_h + off, tt.first_time_at_km(p.km_in) + off))
        if self.open_at_entry(fid, n, in_h):
            return None, b, False
        start = self.breach_start_h(fid, n, in_h)
        if start <= in_h + eps:
            return None, b, False
        ta = a - st.tt_offset_h
        if start < b - eps:  # opens within the step: on from then (_go_in)
            st.day["breach_wait"] += start - in_h
            self._go_in(fid, n, in_h, start)
            return ta, b, False
        st.edge_wait = (n, in_h)  # held from there (at the step's end: from the next step)
        st.day["breach_wait"] += b - in_h
        return ta, in_h, False

    def _go_in(self, fid: str, n: int, in_h: float, start_h: float) -> None:
        """A carried formation's head, at the edge of its ``n``-th fortified pass (a follow
        depth) from hour ``in_h``, may go in from ``start_h`` (its army's breach,
        ``Holds.breach_start_h``): its timetable planned again with the pass gone into from
        then (:meth:`_replan`, ``FortifiedPass.open_h``): at the rate round the clock through
        the depth, then on in its own march window, as a marching follower goes on
        (``simulate._Loop.breach``). Without a planner again (``FormationPlan.replan``), or
        when it cannot plan, its timetable goes on delayed by the wait (``st.tt_offset_h``).

        Why (follow35): delayed whole by the wait, a shuttle's clock hours past the depth,
        its men's daily march window, moved by the wait for the rest of the war (a 5 h wait:
        5 h later each day)."""
        st = self.state[fid]
        open_h = start_h - st.tt_offset_h  # on its timetable's clock
        new = self._replan(fid, opens={n: open_h})
        if new is None:
            st.tt_offset_h += start_h - in_h
            return
        st.open_from_h[n] = open_h
        st.replanned = new

    def _replan(self, fid: str, cuts: dict | None = None, opens: dict | None = None,
                resume: tuple | None = None, trucks: int | None = None):
        """The formation's timetable planned again (``FormationPlan.replan``), from
        ``resume`` or ``st.resume`` when given (a shuttle planned again from where its men and
        trucks were when fuel reached its dry trucks: :meth:`_refuelled`), with each of its
        fortified passes charged at the breakthrough rate only to where its head found it open
        (``st.open_depths`` and ``cuts``: index -> km) and each follow depth gone into no
        earlier than its army's breach let its head in (``st.open_from_h`` and ``opens``:
        index -> hour on its timetable's clock), with ``trucks`` or ``st.trucks`` of its lift
        trucks driving when given (a shuttle whose fuel covers only some:
        :meth:`_covered_lift`); None without a planner, or when it cannot plan."""
        fp, st = self.fp[fid], self.state[fid]
        if fp.replan is None:
            return None
        cuts = {**st.open_depths, **(cuts or {})}
        opens = {i: h for i, h in {**st.open_from_h, **(opens or {})}.items()
                 if math.isfinite(h)}

        def one(i: int, p):
            if i in cuts:
                p = replace(p, km_out=min(p.km_out, max(p.km_in, cuts[i])))
            return replace(p, open_h=opens[i]) if i in opens else p

        passes = tuple(one(i, p) for i, p in enumerate(fp.fortified))
        resume = resume if resume is not None else st.resume
        trucks = trucks if trucks is not None else st.trucks
        kw: dict = {} if resume is None else {"resume": resume}
        if trucks is not None:
            kw["trucks"] = trucks
        new = fp.replan(passes, **kw)
        return new if new is not None and new.ok else None

    def _through_open(self, fid: str, e: Element, tt, n: int, cut_km: float, b: float):
        """The timetable of a formation carried on one planned before the run (a truck
        shuttle's, the ships') whose ``n``-th fortified pass is broken open for its head from
        km ``cut_km`` on (its ``km_in``: open when the head got there; farther: where the head
        was when it opened): planned again with that pass charged at the breakthrough rate
        only to ``cut_km``, and any found open so before likewise (:meth:`_charged`); its head
        moved on to where the new one (or, its trucks dry, its men on foot: :meth:`_walked`)
        has it at ``b``. Without a planner again (``FormationPlan.replan``), or when it
        cannot plan, the timetable as it is (crossing the pass at the rate).

        Why (shuttlebreach33, shuttledepth34): a timetable is planned before the run with
        every depth at the rate, so it kept the rate through a depth broken open by another
        formation, where a marching head goes on at its own pace from that hour
        (``rule.breakthrough.open_breach``: one rule whatever the means). The new timetable is
        the old one up to the hour its head reaches ``cut_km`` (a depth charges only the
        legs through it at the rate from the head's entry, and no group is past the head); the
        step's fuel stays as the old one booked it. Named simplification: a shuttle whose men
        walk on without their trucks when the depth opens has its trucks' timetable cut where
        the men's head was, though the trucks stand behind it."""
        st = self.state[fid]
        new = self._replan(fid, cuts={n: cut_km})
        if new is None:
            return tt
        st.open_depths[n] = cut_km
        st.replanned = new
        if self._on_timetable(st):
            e.s = max(e.s, new.km_at(b - st.tt_offset_h))
        elif new.walk is not None:
            h0, _, t0 = st.walk_from
            e.s = max(e.s, self._walked(fid, new, h0, t0, b))
        return new

    def _opened_inside(self, fid: str, e: Element, tt, s0: float, a: float, b: float):
        """The timetable of a formation carried on one planned before the run, planned again
        (:meth:`_through_open`) when a fortified pass its head is inside opens for it within
        the step ``[a, b]``, at the hour the marching head's rule says it goes on at its own
        pace (``Holds.through_from_h``: its army's breach through on its route, or one that
        reaches it sideways when that is quicker), cut where its head is then; ``s0``: its
        head's km at ``a``. Else ``tt``.

        Why (shuttledepth34): a depth that opened (another formation's breach, its army's or
        another army's, reaching it) while a shuttle's or the ships' head was already inside
        it was crossed at the rate to its end, where a marching head in the same place goes
        on at its own pace from the opening hour (``simulate._Loop.breach``)."""
        fp, st = self.fp[fid], self.state[fid]
        if fp.replan is None:
            return tt
        on = self._on_timetable(st)
        for n in range(st.outs_done, st.passes_done):
            p = fp.fortified[n]
            if n in st.open_depths:
                continue
            # the head's hour and km in the depth from which to ask: the step's start, or
            # its entry within the step
            if on:
                t = self._passed_h(st, tt, p.km_in, a, b)
                s = tt.km_at(t - st.tt_offset_h)
            else:
                t, s = (a, s0) if s0 >= p.km_in - _EPS_KM else (b, e.s)
            # crossing at the rate from then, or from when the breach let it in (a follower
            # that waited at the edge: st.open_from_h)
            go = max(t, st.open_from_h.get(n, -math.inf) + st.tt_offset_h)
            h = self.through_from_h(fid, n, min(max(s, p.km_in), p.km_out), t, go)
            if not h < b:
                continue
            if on:
                cut = tt.km_at(h - st.tt_offset_h)
            else:
                h0, _, t0 = st.walk_from
                cut = self._walked(fid, tt, h0, t0, h)
            if cut >= p.km_out - _EPS_KM:
                continue  # out of it by then
            cut = max(cut, p.km_in)
            new = self._through_open(fid, e, tt, n, cut, b)
            if n in st.open_depths:
                tt = new
                self.reached.append({"time": self.plan.start + timedelta(hours=h),
                                     "formation_id": fid, "kind": "fortified region",
                                     "name": self.open_corridor_text(fid, n, h),
                                     "cum_km": cut})
        return tt

    def _charged(self, fid: str) -> list[tuple[float, float]]:
        """``(km_in, km_out)`` of the fortified depths of a carried formation's route its head
        crosses at the breakthrough rate: each pass to where its head found it open
        (``st.open_depths``; none of it when open as its head got there), overlapping ones as
        one (:func:`~logistics.advance.movement.merged_depths`), with the hour its head may go
        into each (``st.open_from_h``, a follow depth's edge it waited at; -inf: when it gets
        there)."""
        fp, st = self.fp[fid], self.state[fid]
        end_km = float(fp.km[-1]) if len(fp.km) else math.inf
        return merged_depths([(p.km_in, min(p.km_out, st.open_depths.get(i, p.km_out)),
                               st.open_from_h.get(i, -math.inf) + st.tt_offset_h)
                              for i, p in enumerate(fp.fortified)], 0.0, end_km)

    def _walked(self, fid: str, tt, km0: float, t0: float, t1: float,
                waits: list | None = None) -> float:
        """Km at ``t1`` of the head of a shuttle's men who set off on foot from ``km0`` at
        ``t0`` (its trucks dry): at their pace and in their window (``tt.walk``) to each
        fortified depth its head crosses at the rate (:meth:`_charged`), at the edge of a
        follow depth until its army's breach lets them in (:meth:`_walk_in_h`; ``waits``, when
        given, gets ``(km_in, hour they got there, hour they may go in)`` of each such wait),
        through it at the breakthrough rate round the clock, and on at their pace from where
        it ends.

        Why (shuttledepth34): a marching foot head crosses a depth at the rate round the clock
        (``simulate._Loop.breach``); the men walking on without their trucks crossed it in
        their march window at the hours the timetable had charged its own head there, for
        the clock hour that head got there, not theirs (a night's stand inside it, or none)."""
        rate = self._rule.rate_km_per_day
        if not (math.isfinite(rate) and rate > 0):
            return tt.walk(km0, t0, t1)
        kmh = rate / 24.0
        s, t = float(km0), float(t0)
        for k_in, k_out, open_h in self._charged(fid):
            if k_out <= s + _EPS_KM:
                continue
            if s < k_in:
                there = tt.walk(s, t, t1)
                if there < k_in - _EPS_KM:
                    return there
                lo, hi = t, t1  # the hour its men reach the depth
                for _ in range(60):
                    mid = 0.5 * (lo + hi)
                    lo, hi = (lo, mid) if tt.walk(s, t, mid) >= k_in - _EPS_KM else (mid, hi)
                    if hi - lo <= _EPS_S / 3600.0:
                        break
                s, t = k_in, hi
            if s <= k_in + _EPS_KM:  # at its edge: a follower waits for its army's breach
                open_h = max(open_h, self._walk_in_h(fid, k_in, t))
                if open_h > t:
                    if waits is not None:
                        waits.append((k_in, t, open_h))
                    if open_h >= t1:
                        return s
                    t = open_h
            out_h = t + (k_out - s) / kmh
            if out_h >= t1:
                return s + kmh * max(0.0, t1 - t)
            s, t = k_out, out_h
        return tt.walk(s, t, t1)

    def _walk_in_h(self, fid: str, k_in: float, t_h: float) -> float:
        """Hour from which a shuttle's men on foot at km ``k_in``, the edge of a follow depth
        they have not gone into, at hour ``t_h`` may go in (-inf: at once; inf: not known yet,
        they wait): the marching follower's rule (``Holds.open_at_entry``,
        ``Holds.breach_start_h``), kept once known (``st.open_from_h``).

        Why (follow35): one rule for every head at a follow edge; the men walking on without
        their trucks went into the depth at the rate from the hour they got there, before any
        formation of their army had broken in."""
        fp, st = self.fp[fid], self.state[fid]
        n = next((i for i, p in enumerate(fp.fortified) if abs(p.km_in - k_in) <= _EPS_KM
                  and i not in st.open_depths), None)
        if n is None or fp.fortified[n].action != "follow" or n in st.open_from_h \
                or self.open_at_entry(fid, n, t_h):
            return -math.inf
        start = self.breach_start_h(fid, n, t_h)
        if start <= t_h + _EPS_S / 3600.0:
            return -math.inf
        if math.isfinite(start):
            st.open_from_h[n] = start - st.tt_offset_h
        return start

    def _in_depths(self, fid: str, tt, s0: float, s1: float, a: float, b: float
                   ) -> tuple[float, bool]:
        """(hours of the step ``[a, b]`` a truck shuttle's or a ship-borne formation's head
        spends inside the fortified depths of its route it crosses at the rate (not where it
        found them broken open: :meth:`_charged`), whether the step reads
        :data:`IN_DEPTH_STATUS`).

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
        st = self.state[fid]
        depths = self._charged(fid)
        if not self._on_timetable(st):
            # in from when they went in (not their wait at a follow depth's edge)
            went = [max(a, h) for k0, k1, h in depths if any(k0 <= s < k1 for s in (s0, s1))]
            return (b - min(went), True) if went and min(went) < b else (0.0, False)
        off = st.tt_offset_h
        hours, last_out = 0.0, -math.inf
        for k0, k1, open_h in depths:
            # in it from when it goes in, not from its edge's wait (hours waiting for a breach)
            t_in = max(tt.first_time_at_km(k0) + off, open_h)
            t_out = tt.first_time_at_km(k1) + off
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

    def shuttle_step(self, fid: str, e: Element, tt, a: float, b: float,
                     tt_from_h: float | None = None, walk_to_h: float | None = None) -> None:
        """Move a shuttled formation from ``a`` to ``b``: its trucks drive the timetable while
        the army's fuel (their tanks, then the reserve within reach) covers the hour; when it
        covers only some of them, those drive a smaller lift and the rest stand
        (:meth:`_lift_step`); when it covers none, the trucks stand dry where they are and
        every man walks on from where he is
        (``tt.walk``: the foot pace and window), issue 13: 'vehicles that run dry stay behind
        ... a formation moves on with what can move'. The trucks go again in the first hour
        of their march window in which fuel reaches them (:meth:`_refuelled`), the shuttle
        planned again from where its men and trucks are then; the head and the tail are the
        foremost of where the timetable and the walkers put them. ``tt_from_h``: the
        timetable's hour its move starts at (default ``a`` less its delay; later when its
        head waited at a depth's edge in the step: ``_edge``); ``walk_to_h``: the hour its men
        on foot walk to (default ``b``; the step's end when the timetable's move ends at a
        depth's edge, ``b``, and the trucks run dry: the men were not at the edge)."""
        st, fp = self.state[fid], self.fp[fid]
        when = self.plan.start + timedelta(hours=a)
        if st.paused_h is not None and a > st.paused_h:
            tt = self._refuelled(fid, e, tt, a, b) or tt
        off = st.tt_offset_h
        ta = a - off if tt_from_h is None else tt_from_h
        if st.paused_h is None:
            tt, burn = self._lift_step(fid, e, tt, ta, b - off)
            if burn is None:
                tail0 = st.tail_s if st.tail_s is not None else tt.tail_at(ta)
                st.paused_h, st.walk_from = a, (e.s, tail0, a)
                st.dry_state = (tt.state_at(ta) if tt.state_at is not None
                                else (((fp.unit.men, tail0),), tail0))
                self.notes.append(f"{fid}: the shuttle's trucks are out of fuel on "
                                  f"{when:%d %b %H:%M} at km {e.s:.0f}: they stand, the men "
                                  "walk on")
            else:
                self.burn(fid, e, fp, burn)
        head = e.s
        tail = st.tail_s if st.tail_s is not None else tt.tail_at(ta)
        if st.paused_h is None:
            head, tail = max(head, tt.km_at(b - off)), max(tail, tt.tail_at(b - off))
        if st.walk_from is not None:
            h0, t0_km, t0 = st.walk_from
            waits: list = []
            end = b if walk_to_h is None else walk_to_h
            head = max(head, self._walked(fid, tt, h0, t0, end, waits))
            tail = max(tail, tt.walk(t0_km, t0, end))
            # at a follow depth's edge (_walk_in_h): the hours of the step waiting there, and
            # held at the step's end while the breach has not let them in
            st.walk_held = False
            for _, reach_h, open_h in waits:
                st.day["breach_wait"] += max(0.0, min(end, open_h) - max(a, reach_h))
                st.walk_held = st.walk_held or open_h >= end
        e.s, st.tail_s = head, min(tail, head)

    def _refuelled(self, fid: str, e: Element, tt, a: float, b: float):
        """The shuttle's timetable planned again from the hour ``a`` when fuel has reached its
        dry trucks by then and covers the step ``[a, b]`` in which they drive (its march
        window), else None (they stand on). Planned (:meth:`_replan`) from where its men and
        its trucks are at ``a``: each group of men where the timetable had it when the trucks
        ran dry (``st.dry_state``) walked on since (:meth:`_walked`, no farther than the head),
        the trucks where they stood; the fuel is the tanks' and the reserve's within reach
        (``Ledger.shortfall``), as every formation's. Planned on the timetable's clock
        (``st.tt_offset_h``) and kept for every later plan (``st.resume``).

        Why (retry36): the trucks tried again at the same clock hour a whole number of days
        later, keeping the old timetable delayed by those days, so 0.002 km more on the dry
        km moved 36A's rifle divisions 17 h, their men walking a day with 55 kL on hand."""
        st, fp = self.state[fid], self.fp[fid]
        short, _ = self.ledger.shortfall(e.tanks, fp.fuel_types, self._trucks_burn(fp, 1.0))
        if short > 1e-6 or st.walk_from is None:
            return None  # not a litre within reach: no plan to try
        rear_km = e.s if st.tail_s is None else st.tail_s
        if tt.walk(rear_km, a, b) <= rear_km + _EPS_KM:
            return None  # out of their march window (or all at the end): nothing to drive
        _, _, t0 = st.walk_from
        groups0, truck_km = st.dry_state
        at: dict[float, int] = {}
        for men, km in groups0:
            km_now = min(e.s, self._walked(fid, tt, km, t0, a))
            at[km_now] = at.get(km_now, 0) + int(men)
        groups = tuple(sorted((m, km) for km, m in at.items()))
        off = st.tt_offset_h
        resume = (a - off, groups, float(truck_km))
        full = fp.unit.lift_trucks
        new = self._replan(fid, resume=resume, trucks=full)
        if new is None:
            return None
        got = self._covered_lift(fid, e, new, full, a - off, b - off,
                                 lambda n: self._replan(fid, resume=resume, trucks=n))
        if got is None or got[0].fuel_between(a - off, b - off) <= 0.0:
            return None  # not one truck covered, or they do not drive in the step (window)
        new, n = got
        st.resume, st.replanned, st.trucks = resume, new, (None if n >= full else n)
        st.paused_h = st.walk_from = st.dry_state = None
        st.walk_held = False
        st.tail_s = min(km for _, km in groups)
        some = "" if n >= full else f" ({n} of its {full} trucks: the fuel covers no more)"
        self.notes.append(f"{fid}: the shuttle's trucks have fuel again on "
                          f"{self.plan.start + timedelta(hours=a):%d %b %H:%M}{some}: they "
                          f"shuttle on from km {truck_km:.0f}, the men from km "
                          f"{st.tail_s:.0f} to {max(km for _, km in groups):.0f}")
        return new

    def _lift_step(self, fid: str, e: Element, tt, ta: float, tb: float):
        """(timetable, litres per class its trucks burn in the timetable's hours ``[ta, tb]``,
        None when the fuel on hand covers not one truck) of a shuttle whose trucks drive:
        ``tt`` while the fuel covers it and all its lift trucks drive; else planned again
        (:meth:`_replan`) from where its men and trucks are at ``ta`` with as many of its lift
        trucks as the fuel covers (:meth:`_covered_lift`): fewer when it runs short, the
        standing ones back when fuel reaches them.

        Why (shuttle37): the shuttle's fuel was checked all or nothing each hour, so 36A's
        trucks all stopped when the fuel on hand covered most of them and went again an hour
        or two later; issue 13's rule for every formation: 'vehicles that run dry stay behind
        and rejoin when fuel reaches them; a formation moves on with what can move'. Named
        simplification: the timetable has one truck column, so standing trucks rejoin it
        where the driving ones are (their drive up to them neither timed nor burned)."""
        st, fp = self.state[fid], self.fp[fid]
        burn = self._shuttle_burn(fid, e, tt.fuel_between(ta, tb))
        if (burn is not None and st.trucks is None) or fp.replan is None or tt.state_at is None:
            return tt, burn  # all of them covered (or no plan again to make)
        full = fp.unit.lift_trucks
        n_now = full if st.trucks is None else st.trucks
        resume = (ta, *tt.state_at(ta, riding=True))  # a lift on its way rides on
        got = self._covered_lift(fid, e, tt, n_now, ta, tb,
                                 lambda n: self._replan(fid, resume=resume, trucks=n))
        if got is None:
            return tt, None
        new, n = got
        if new is not tt:
            st.resume, st.replanned, st.trucks = resume, new, (None if n >= full else n)
            when = self.plan.start + timedelta(hours=ta + st.tt_offset_h)
            self.notes.append(f"{fid}: fuel on hand for {n} of the shuttle's {full} trucks on "
                              f"{when:%d %b %H:%M} at km {e.s:.0f} (they drove {n_now}): "
                              f"{'all of them shuttle' if n >= full else 'the rest stand'}")
        return new, self._shuttle_burn(fid, e, new.fuel_between(ta, tb))

    def _covered_lift(self, fid: str, e: Element, tt, n_now: int, ta: float, tb: float,
                      plan_n) -> tuple[object, int] | None:
        """(timetable, trucks): the most of a shuttle's lift trucks, at most all of them,
        whose driving in the timetable's hours ``[ta, tb]`` the fuel on hand covers (their
        tanks and the reserve within reach, :meth:`_shuttle_burn`, as every formation draws),
        and its timetable with them; ``tt``: the one with ``n_now`` trucks, ``plan_n(n)``:
        the one with ``n`` (None: it cannot be planned). First guess: each truck burns
        ``n_now``'s share of ``tt``'s litres; then fewer until covered. None: not one.

        Why (shuttle37): the trucks the fuel covers carry their lift (the lift per trip
        shrinking in proportion), the others stand (:meth:`_lift_step`)."""
        full = self.fp[fid].unit.lift_trucks
        have = self._truck_fuel_l(fid, e)
        litres = max(0.0, tt.fuel_between(ta, tb))
        covered = self._shuttle_burn(fid, e, litres) is not None
        if litres <= 0.0:
            return (tt, n_now) if covered else None
        n = min(full, int(n_now * have / litres))
        while n >= 1:
            if covered and n <= n_now:
                return tt, n_now
            new = plan_n(n)
            if new is None:
                return (tt, n_now) if covered else None
            got = max(0.0, new.fuel_between(ta, tb))
            if self._shuttle_burn(fid, e, got) is not None:
                return new, n
            n = min(n - 1, int(n * have / got))
        return None

    def _truck_fuel_l(self, fid: str, e: Element) -> float:
        """Litres a shuttle's trucks can draw now: their class's tanks and the army's reserve
        of its fuel within reach (what :meth:`_shuttle_burn` checks a burn against)."""
        fp = self.fp[fid]
        i = int(np.argmax(self._trucks_burn(fp, 1.0)))
        return float(e.tanks[i]) + self.ledger.reserve(fp.fuel_types[i])

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
