"""Fuel reaching the army within a step: deliveries that fall due booked into the formations they
are for, then the army's reserve (litres; what fits nowhere goes back), and every truck convoy
back at its railhead sent to the first formation in fuel priority order that needs fuel, its
railhead moved forward first along the army's railway.

Why a module of its own: this is the supply side of the step loop
(:mod:`logistics.advance.simulate`, steps 1 and 2 of its docstring), the one place where fuel
enters the army's account. :class:`Resupply` is one of the parts the loop is made of: its
methods read and change the loop's state (``plan``, ``fp``, ``state``, ``order``, ``ledger``,
``queue``, ``expected``, ``trucks``, ``railheads``, ``deliveries``, ``waiting_of``,
``delivery_count``, ``reached``, ``army_day``) and use its helpers (``season``, ``prof``,
``lead``, ``lonlat``, ``timetable``, ``reached_so_far``, ``_push``).
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

import numpy as np

from logistics.geodesy import great_circle_km
from logistics.supply.delivery import Delivery
from logistics.supply.reserve import RESERVE, is_reserve, section_key
from logistics.supply.trucks import LOAD_EATEN

__all__ = ["Resupply"]

#: ``RESERVE`` (logistics/supply/reserve.py): the key of the army's reserve (its first section)
#: among a convoy's expected shares (formation ids are the others; a section of a reserve with
#: several carriers: ``section_key``)
#: the kinds of delivery a column sends for the formations it expects to fill (their shares on
#: the road until it arrives): truck convoys and the ships of a river supply source
CONVOY_KINDS = ("truck", "river")

#: km a convoy leaves its straight line from railhead to the formation it is sent for to serve
#: another formation as it passes (:meth:`Resupply.on_the_way`). assumed: about an hour at a
#: supply column's march speed (25 km/h, configs/norms/march.yaml motor_column
#: max_speed_kmh), the step loop's resolution; a formation further off is served by trucks
#: split off for it (:meth:`Resupply.stops`). Not fitted to any army.
ON_THE_WAY_DETOUR_KM = 25.0

#: hours of a formation's own burn a convoy's margin is read from (:meth:`Resupply.burn_l_per_h`).
#: assumed: a day, so that the march by day and the halt by night (configs/norms/march.yaml
#: ``march_hours_per_day`` from ``march_start_hour``, halts outside) weigh as they come;
#: shorter, the rate read at the day's start or end swings with the hour; the average since
#: H-hour (before) kept a formation halted or waiting burning days after it stopped. Not
#: fitted to any army.
RECENT_BURN_H = 24.0

#: hours at most a convoy's share that found its taker (a formation, or the reserve at its
#: carrier) and the reserve full waits there for room or a taker there
#: (:meth:`Resupply.wait_with_taker`) before its trucks drive it back. assumed: a day, the
#: march by day and the halt by night in which the formations there burn and draw the reserve
#: down (as :data:`RECENT_BURN_H`); not fitted to any army.
WAIT_AT_CARRIER_H = 24.0


def detour_km(start: tuple[float, float], end: tuple[float, float],
              via: tuple[float, float]) -> float:
    """km by which going from ``start`` to ``end`` (lon, lat) by way of ``via`` is longer
    than the straight (great-circle) line: 0 on the line, twice the distance beyond ``end``."""
    return float(great_circle_km(*start, *via) + great_circle_km(*via, *end)
                 - great_circle_km(*start, *end))


def _within(theirs: tuple[float, ...], ours: tuple[float, ...]) -> bool:
    """Whether a formation whose ferried rivers were all across at ``theirs`` (hours) is on
    the convoy's side of them: a convoy ferried over ``ours`` behind the formation it drives
    to crosses no more rivers, and none later (rule ``convoy_behind_ferrying``)."""
    return len(theirs) <= len(ours) and (not theirs or max(theirs) <= max(ours) + 1e-9)


def split_parts(trucks: int, per_truck_l: float, parts_l: list[float],
                stay_l: float) -> list[tuple[int, float]]:
    """(trucks, litres) of each part split off a convoy of ``trucks`` trucks carrying
    ``per_truck_l`` litres each, for shares of ``parts_l`` litres in order (its takers' priority),
    ``stay_l`` litres staying with it (for its formation, the takers on its way): each part as
    many trucks as its share fills, while the convoy has trucks left, keeping one with it when
    litres stay on it. A part short of trucks carries what its trucks hold; the rest of its share
    stays on the convoy (handed on as leftovers are, :meth:`Resupply.book`), so a truck is kept
    for it too. Why: the parts together took more trucks than the convoy had (the 25th Army's
    27-truck convoy split 15 + 13 on 16 Aug): a phantom truck's burn was booked and the
    column's trucks were away beyond its fleet. The one rule for a convoy of one truck too: its
    truck goes to one part at most (before, each of its parts was given a truck, ledger36).
    Named simplification: with no truck kept, a share at most 1 L over its trucks' load rides
    on them (the parts' rounding)."""
    for kept in ((0, 1) if stay_l <= 1.0 else (1,)):
        free, out, rest = max(trucks - kept, 0), [], 0.0
        for litres in parts_l:
            k = min(free, math.ceil(litres / max(per_truck_l, 1e-9) - 1e-9))
            free -= k
            carried = litres if k > 0 and litres - k * per_truck_l <= 1.0 \
                else min(litres, k * per_truck_l)
            out.append((k, carried))
            rest += litres - carried
        if kept or rest <= 1.0:
            break
    return out


def want_at_one(loop, fid: str, burn_l: float) -> float:
    """Litres formation ``fid`` wants when a load reaches it (at least 0): its lack less what is
    on the road for it (``loop.need_l``), and ``burn_l`` litres it burns until then
    (:meth:`Resupply.burn_ahead_l`), at most its tanks' room (``loop.tank_room_l``): its tanks
    lack no more than they hold when the load comes, so an empty formation wants its tanks'
    fill, not its fill and its march's burn (what is on the road for it may reach it before
    and be burned before the load, so it is not taken off the room). A convoy's share for it
    is so booked on the road with the burn it carries, so a load sent for another formation
    meanwhile does not carry that burn again (with a load on the road for each formation,
    :meth:`TruckColumn.next_h <logistics.supply.trucks.TruckColumn.next_h>`, the loads drove
    back 9.8 ML in `logistics run configs/`, main 2.9)."""
    return max(min(loop.need_l(fid) + burn_l, loop.tank_room_l(fid)), 0.0)


class Resupply:
    """Deliveries booked and convoys sent within the step (see the module docstring)."""

    def accounts(self, fid: str, season: str, *, detached: bool = False):
        """(tanks, capacity, L/km ahead, types) of every element of a formation."""
        fp = self.fp[fid]
        out = []
        for e in self.state[fid].elements:
            if e.detached and not detached:
                continue
            if len(fp.km) > 1:
                p = self.prof(e, fp, season)
                s1 = min(e.s + 100.0, float(fp.km[-1]))
                s0 = e.s if s1 - e.s >= 1.0 else 0.0
                s1 = s1 if s1 - e.s >= 1.0 else float(fp.km[-1])
                span = max(s1 - s0, 1e-9)
                per = np.array([np.interp(s1, fp.km, f) - np.interp(s0, fp.km, f)
                                for f in p.fuel_l]) / span
                rate = e.counts * np.maximum(per, 1e-9)
            else:
                rate = e.counts * 1.0
            rate = np.where(np.array(fp.fuel_types) == "none", 0.0, rate)
            out.append((e.tanks, e.capacity, rate, fp.fuel_types))
        return out

    def book_due(self, t_h: float) -> None:
        while self.queue and self.queue[0][0] <= t_h:
            _, _, d = heapq.heappop(self.queue)
            held = self.held_at_river(d)
            if held is not d:  # not delivered yet: it comes up behind the formation's ferrying
                self._push(held)
                continue
            self.book(d)

    def held_at_river(self, d: Delivery) -> Delivery:
        """A truck delivery falling due whose formation (the one its convoy was timed to) has
        started being ferried over a river since the convoy was sent: the delivery held until
        the convoy is ferried behind it (:meth:`TruckColumn.held_at_river
        <logistics.supply.trucks.TruckColumn.held_at_river>`), with its expected shares and
        its record moved to it; else ``d``. Why: a convoy sent while its formation was on the
        near bank came up while it was being ferried (the 2nd Red Banner Army's second convoy
        filled the Konstantinovka tank brigade 5 h before it was all across the Amur)."""
        meta = self.convoy_sent.pop(id(d), None)
        if meta is None:
            return d
        where, column, before = meta
        now, factors = self.ferried_crossings(where, column, d.time_h)
        new = [k for k, h in enumerate(now) if h not in before]
        held = self.trucks[column].held_at_river(
            d, tuple(now[k] for k in new), bool(self.fp[where].ferry_by),
            factors=tuple(factors[k] for k in new))
        if held is not d:
            self.expected[id(held)] = self.expected.pop(id(d), {})
            self.convoy_sent[id(held)] = (where, column, now)
            if id(d) in self.convoy_shares:
                self.convoy_shares[id(held)] = self.convoy_shares.pop(id(d))
        return held

    def book(self, d: Delivery) -> None:
        """Book a delivery: into the formations it is for (their elements' tanks; an airlift's
        also into those that outran the reserve, :meth:`outran_reserve`), then the army's
        reserve; the rest goes back to the supplier.

        Who the army's supply serves is decided by one rule, :meth:`fuelled_by_convoy` (not a
        formation that has arrived at its route's end), when a load is shared out: a convoy's
        when it is sent (:meth:`dispatch`), an airlift's when it lands (it is not sent for
        anyone): its ``priority_to`` formations the convoys no longer serve take none of it,
        and it goes on to the others, then the reserve. Why: in the 6th GTA the airlift topped
        up forward detachments already at Mukden and Hsinking before the formations still on
        the road. A convoy on its way when a formation arrives still hands over its share, but
        only after the formations still advancing have filled (:meth:`advancing_first`), and
        a captured depot's fuel goes to the formation that took it, wherever it is."""
        season = self.season(d.time_h)
        named = [x for x in d.formation_id.split(",") if x in self.fp] if d.formation_id else []
        targets = [fid for fid in named if self.fuelled_by_convoy(fid)] if d.kind == "air" \
            else self.advancing_first(named)
        # one by one in the delivery's order; then, for an airlift, every formation that
        # outran the reserve together (shortest range first: no order among them is sourced)
        groups = [[fid] for fid in targets]
        if d.kind == "air":
            groups += [g for g in [self.outran_reserve(targets)] if g]
        taken, by = 0.0, []
        shares = self.expected.pop(id(d), {})
        for group in groups:
            before = {fid: self.tanks_of(fid) for fid in group}
            taken += self.ledger.fill([a for fid in group for a in self.accounts(fid, season)],
                                      d.litres - taken, d.fuel_type)
            for fid in group:
                t = self.tanks_of(fid) - before[fid]
                if t > 0:
                    by.append((fid, t))
                    self.state[fid].day["delivered"] += t
        if d.kind in CONVOY_KINDS:  # what it was sent for is no longer on the road, taken or not
            for fid in named:
                self.state[fid].en_route_l = max(
                    0.0, self.state[fid].en_route_l - shares.get(fid, 0.0))
        self.reserve_en_route_l = max(0.0, self.reserve_en_route_l - sum(
            v for k, v in shares.items() if is_reserve(k)))
        share = self.convoy_shares.pop(id(d), None)
        # a share waiting with its taker: its delivery's id, whole load and trucks' fuel
        chain = self.waiting_of.pop(id(d), None)
        into = self.ledger.to_sections(d.litres - taken, d.fuel_type,
                                       self.sections_for(share[3] if share is not None else None))
        reserve = sum(into)
        taken += reserve
        waiting_l = 0.0  # litres left waiting with the taker, offered again in an hour
        if share is not None and d.litres - taken > 1.0:
            # its taker and the reserve are full: the formations within reach of the taker,
            # then it waits there
            for fid in self.near(share[3]):
                before = self.tanks_of(fid)
                taken += self.ledger.fill(self.accounts(fid, season), d.litres - taken,
                                          d.fuel_type)
                t = self.tanks_of(fid) - before
                if t > 0:
                    by.append((fid, t))
                    self.state[fid].day["delivered"] += t
            waiting = self.wait_with_taker(d, d.litres - taken, share) \
                if d.litres - taken > 1.0 else None
            if waiting is not None:
                waiting_l = d.litres - taken
                chain = chain or (self.new_delivery_id(), d.litres, d.truck_fuel_l)
                self.waiting_of[id(waiting)] = chain
                if taken <= 0.0 and share[2] is not None:
                    return  # still waiting: nothing taken this hour, no row
        delivery_id, offered, truck_fuel_l = chain or (self.new_delivery_id(), d.litres,
                                                       d.truck_fuel_l)
        note = d.note
        if reserve > 0:
            # a formation's share, its taker full
            if share is not None and not is_reserve(share[3]) and reserve > 1.0:
                note += f"; what {share[3]} could not take into the army's reserve"
            by += [(self.section_name(k), x) for k, x in enumerate(into) if x > 0]
        if not by:  # nobody took any: one row for whom it was for
            by.append((share[3] if share is not None else
                       (named[0] if named and d.kind != "air" else RESERVE), 0.0))
        if waiting_l > 1.0:
            note += f"; {waiting_l:.0f} L wait with " + (
                "the reserve's carrier" if is_reserve(share[3]) else share[3])
        back_l = d.litres - taken - waiting_l
        # a depot's fuel stays there for the next formation that reaches it (stops.py
        # take_depots): not taken back by anyone
        kept_l = back_l if d.kind == "depot" else 0.0
        if back_l > 1.0 and d.kind == "depot":
            note += f"; {back_l:.0f} L left at the depot"
        elif back_l > 1.0:
            back = "flown back" if d.kind == "air" else "driven back"
            note += f"; {back_l:.0f} L taken by none, {back}"
        self.ledger.book_delivery(d.litres - waiting_l - kept_l, taken)
        self.army_day["delivered"][d.kind] += taken
        self.army_day["returned"] += back_l - kept_l
        self.army_day["truck_fuel"] += d.truck_fuel_l
        # tidy: one row per delivery and taker (a formation, or the army's reserve), the
        # litres each took, at the hour it took them; the delivery's own figures (its whole
        # load, its trucks' fuel) repeat on each of its rows, those of a share that waited
        # with its taker too (booked in the hours it was taken or driven back)
        for fid, litres in by:
            self.deliveries.append({
                "delivery_id": delivery_id,
                "time": self.plan.start + timedelta(hours=d.time_h), "source": d.source,
                "kind": d.kind, "offered_l": offered, "litres": litres,
                "fuel_type": d.fuel_type, "truck_fuel_l": truck_fuel_l, "formation_id": fid,
                "note": note,
            })

    def still_waiting(self, end_h: float) -> None:
        """Write a row of 0 L at the run's end (``end_h``, hours) for every share still waiting
        with its taker then (:meth:`wait_with_taker`): its litres neither taken nor driven
        back, so its delivery's rows (each offering the whole load, :meth:`book`) say where
        the rest of it is. Not booked: nothing changes in the ledger."""
        for _, _, d in sorted(self.queue):
            chain = self.waiting_of.get(id(d))
            share = self.convoy_shares.get(id(d))
            if chain is None or share is None:
                continue
            delivery_id, offered, truck_fuel_l = chain
            whom = "the reserve's carrier" if is_reserve(share[3]) else share[3]
            self.deliveries.append({
                "delivery_id": delivery_id, "time": self.plan.start + timedelta(hours=end_h),
                "source": d.source, "kind": d.kind, "offered_l": offered, "litres": 0.0,
                "fuel_type": d.fuel_type, "truck_fuel_l": truck_fuel_l,
                "formation_id": share[3],
                "note": f"{d.note}; {d.litres:.0f} L still waiting with {whom} at the run's end",
            })

    def new_delivery_id(self) -> int:
        """The next delivery's number in ``deliveries.csv`` (1, 2, ...): its rows share it, a
        share that waited with its taker keeping its delivery's (:meth:`book`)."""
        self.delivery_count += 1
        return self.delivery_count

    def near(self, taker: str) -> list[str]:
        """The formations the convoys serve, other than ``taker``, whose heads are within the
        reserve's reach (``fuel.reserve_reach_km``) of the place of a share for ``taker``: the
        reserve's place (its carrier's head) for :data:`RESERVE`, else ``taker``'s head; in
        fuel priority order. Those that could draw on it there, and so take a share its full
        taker and the full reserve cannot (:meth:`book`). None when the reserve is drawn
        anywhere (no reach to read)."""
        if not self.reserve_place.located:
            return []
        if is_reserve(taker) and len(self.reserve_place.places) <= 1:
            close = self.reserve_place.in_reach
        else:
            at = self.reserve_place.places[self.section_of(taker)] if is_reserve(taker) \
                else self.lonlat(taker, self.lead(taker).s)
            if at is None:  # a section not placed yet
                return []

            def close(lon: float, lat: float) -> bool:
                return great_circle_km(*at, lon, lat) <= self.reserve_place.reach_km
        return [fid for fid in self.order if fid != taker and self.fuelled_by_convoy(fid)
                and close(*self.lonlat(fid, self.lead(fid).s))]

    def wait_with_taker(self, d: Delivery, rest_l: float,
                        share: tuple[int, list | None, float | None, str]) -> Delivery | None:
        """Whether ``rest_l`` litres of a convoy's share ``d`` that neither its taker, nor the
        full reserve, nor the formations within reach of it took (:meth:`book`, :meth:`near`)
        wait there with their trucks, an hour at a time, rather than drive back; when so, they
        are offered again in an hour (the returned delivery, for the taker and booked on the
        road for it; None: they go back) and their trucks are back that much later. Its rows
        in ``deliveries.csv`` keep ``d``'s delivery id and whole load (:meth:`book`).
        ``share``: (column, its trucks' record or None, the hour it first reached its taker or
        None, its taker: a formation's id, or :data:`RESERVE`, whose place is its carrier's
        head).

        assumed: a share is the army's fuel on its trucks at its taker: it waits there for
        room (the taker burning, the formations drawing the reserve down) or for a formation
        there to want it, at most :data:`WAIT_AT_CARRIER_H` hours and while the column's road
        is open and a formation the convoys serve is left; the trucks a convoy dropping it on
        its way leaves with it are as many as it fills (the column's payload), at most those
        of its trip not yet left with another taker or split off (its record in the column's
        ``away``: the shares of one trip each rounded up to whole trucks took more trucks
        than the trip had, as :func:`split_parts` once did). One rule for the reserve's share
        and a formation's. Why: a share that found the reserve full
        (filled meanwhile by an airlift or a load's rest) drove its litres back to the
        railhead, and the next load for the reserve's room drove them out again (issue
        convoyfuel33); a formation's share that found its tanks and the reserve full did the
        same (in `logistics run configs/` 2.4 ML of 11.7 ML, issue shareback33)."""
        column, entry, since, taker = share
        col = self.trucks[column]
        since = d.time_h if since is None else since
        then = d.time_h + 1.0
        if then - since > WAIT_AT_CARRIER_H or then >= col.until_h \
                or not any(self.fuelled_by_convoy(fid) for fid in self.order):
            return None
        at = self.carrier_of(taker) if is_reserve(taker) else taker
        back_h = 0.0
        if at is not None and len(self.fp[at].cells):
            leg = col.leg(self.cell_of(at), self.season(d.time_h))
            back_h = self.back_h(col, leg) if leg.reachable else 0.0
        back = then + col.unload_h + back_h
        if entry is None and 0 <= d.convoy < len(col.sizes):
            # as many as it fills, of the trucks its trip has not left elsewhere (with other
            # takers, split off): none left, it rides on those (named simplification)
            trip = col.trip_away(d.convoy, d.trip)
            fills = math.ceil(rest_l / max(col.payload_l, 1e-9) - 1e-9)
            trucks = max(1, min(max(d.trucks, 1), fills)) if trip is None \
                else min(int(trip[1]), fills)
            entry = col.split_off(d.convoy, trucks, back, trip=d.trip)
        elif entry is not None:
            entry[0] = max(entry[0], back)
        full = "the reserve full, waited at its carrier" if is_reserve(taker) else \
            f"{taker} and the reserve full, waited with {taker}"
        waiting = replace(d, time_h=then, litres=rest_l, truck_fuel_l=0.0, formation_id=taker,
                          note=d.note if since < d.time_h else f"{d.note}; {full}")
        self.convoy_shares[id(waiting)] = (column, entry, since, taker)
        self.expected[id(waiting)] = {taker: rest_l}
        if is_reserve(taker):
            self.reserve_en_route_l += rest_l
        else:
            self.state[taker].en_route_l += rest_l
        self._push(waiting)
        return waiting

    def advancing_first(self, named: list[str]) -> list[str]:
        """A convoy's formations in its order, those the convoys still serve first
        (:meth:`fuelled_by_convoy`), then those that have arrived since it was sent (they fill
        from what is left, before the reserve). Why: the sources' priority is the advance's
        ("forward detachments first, then the main bodies as fuel arrives", [NEBOLSIN-2015],
        the army files' ``priority:``); a formation at its final objective needs no fuel to
        advance (the 1st Red Banner Army's 75th and 257th Tank Brigades, at Harbin, took a
        convoy's 91 kL on 20 Aug while its engineers stood dry at km 221)."""
        return sorted(named, key=lambda fid: not self.fuelled_by_convoy(fid))

    def tanks_of(self, fid: str) -> float:
        """Litres in the tanks of a formation's elements (detached ones too)."""
        return float(sum(e.tanks.sum() for e in self.state[fid].elements))

    def outran_reserve(self, skip: list[str]) -> list[str]:
        """The formations, in fuel priority order, that have outrun the army's reserve (beyond
        ``reserve_reach_km`` of its carrier) and that the convoys serve, less ``skip``: an
        airlift's load goes to them after its own ``priority_to`` and before the reserve
        ([WIKI-SEED001] 'aircraft ferried fuel to those units that had outrun their supply
        lines'); none when the reserve is drawn anywhere."""
        if not self.reserve_place.located:
            return []
        return [fid for fid in self.order if fid not in skip and self.fuelled_by_convoy(fid)
                and not self.reserve_place.in_reach(*self.lonlat(fid, self.lead(fid).s))]

    def need_l(self, fid: str) -> float:
        """Litres a formation's tanks lack, less what is already on its way."""
        fp = self.fp[fid]
        burn = np.array(fp.fuel_types) != "none"
        lack = sum(float(((e.capacity - e.tanks) * burn).sum())
                   for e in self.state[fid].elements if not e.detached)
        return lack - self.state[fid].en_route_l

    def tank_room_l(self, fid: str) -> float:
        """Litres the tanks of a formation's elements (not detached ones) hold full, of the
        classes that burn fuel: the most a load can put into it (:func:`want_at_one`)."""
        burn = np.array(self.fp[fid].fuel_types) != "none"
        return sum(float((e.capacity * burn).sum())
                   for e in self.state[fid].elements if not e.detached)

    def burn_l_per_h(self, fid: str, t_h: float) -> float:
        """Litres an hour a formation has burned over the last :data:`RECENT_BURN_H` hours to
        ``t_h`` (since H-hour before that; at least one hour): what a convoy sent for it loads
        on top of its lack for each hour the load takes to reach it
        (:func:`~logistics.supply.trucks.trucks_for`). Read from the samples
        :meth:`note_burn` took each step. Why: its average since H-hour overstated the want
        of a formation halted (at a river, for fuel) after days of march."""
        seen = self.burn_seen.get(fid)
        then_h, then_l = seen[0] if seen else (0.0, 0.0)
        return (self.state[fid].consumed_l - then_l) / max(t_h - then_h, 1.0)

    def burn_ahead_l(self, fid: str, t_h: float, h: float) -> float:
        """Litres formation ``fid`` burns in the ``h`` hours from ``t_h`` (at least 0): its burn
        per hour inside its march window over the last :data:`RECENT_BURN_H` hours (since
        H-hour before that) times its hours inside the window from ``t_h`` to ``t_h + h`` (the
        season's window at ``t_h``, :class:`~logistics.advance.schedule.MarchSchedule`); its
        burn per hour (:meth:`burn_l_per_h`) times ``h`` when less than an hour of its window
        lies in that span (what it burned, then, is not read per hour of march). What a load
        sent at ``t_h`` carries on top of the formation's lack for the hours it takes to come
        up (:func:`want_at_one`).
        Why: the rate over the hours since a sample spread over every hour to come, so in
        the first day, when H-hour opened a march window, a formation halted by its window
        for the night was loaded its march's burn for every hour of the night: in `logistics
        run configs/` the 6th Guards Tank Army's army units (6 h of march from H-hour, then
        18 h halted) took 0 of a 72.6 kL share sent at 07:49 (issue shareback33), and of
        11.7 ML delivered, 2.4 ML were driven back. ("fuel is not burned while halted",
        the model's statement; one rule for every army, nothing fitted.)"""
        if h <= 0.0:
            return 0.0
        seen = self.burn_seen.get(fid)
        then_h, then_l = seen[0] if seen else (0.0, 0.0)
        burned = self.state[fid].consumed_l - then_l
        sched = self.fp[fid].schedule.get(self.season(t_h)) if self.fp[fid].schedule else None
        if sched is None or burned <= 0.0:
            return max(self.burn_l_per_h(fid, t_h) * h, 0.0)
        past_h = sched.moving_hours(self.c0 + then_h, self.c0 + t_h)
        if past_h < 1.0:  # too little of the window behind: its burn per hour, as before
            return max(self.burn_l_per_h(fid, t_h) * h, 0.0)
        return burned / past_h * sched.moving_hours(self.c0 + t_h, self.c0 + t_h + h)

    def note_burn(self, t_h: float) -> None:
        """Sample every formation's litres burned since H-hour (``consumed_l``) at ``t_h``,
        keeping the last sample at or before ``t_h - RECENT_BURN_H`` as the first
        (:meth:`burn_l_per_h`; H-hour's 0 L until a day has passed)."""
        for fid, st in self.state.items():
            seen = self.burn_seen.setdefault(fid, deque([(0.0, 0.0)]))
            seen.append((t_h, st.consumed_l))
            while len(seen) > 1 and seen[1][0] <= t_h - RECENT_BURN_H:
                seen.popleft()

    def reserve_at(self) -> str | None:
        """The formation whose head the army's reserve is at (its carrier,
        ``fuel.reserve_reach_km.carrier``; :meth:`locate_reserve
        <logistics.advance.fuel_draw.FuelDraw.locate_reserve>` places it there), None when
        it is drawn anywhere: where a load for the reserve alone is timed (:meth:`aim`). With
        the reserve in sections, the carrier of the section with the most room (the first
        of equals)."""
        n = len(self.reserve_place.carriers)
        k = max(range(n), key=lambda k: (self.ledger.section_room_l(k), -k)) if n > 1 else 0
        return self.carrier_of(self.section_name(k))

    def section_name(self, k: int) -> str:
        """The key of section ``k`` of the reserve (:func:`~logistics.supply.reserve.
        section_key`; :data:`RESERVE` when the reserve is one)."""
        carriers = self.reserve_place.carriers
        return section_key(k, carriers[k]) if k < len(carriers) else RESERVE

    def section_of(self, key: str) -> int:
        """The index of the section of the reserve named ``key`` (0: :data:`RESERVE`)."""
        return next((k for k in range(len(self.reserve_place.carriers))
                     if self.section_name(k) == key), 0)

    def carrier_of(self, key: str) -> str | None:
        """The formation whose head the section of the reserve named ``key`` is at (its
        carrier), None when the reserve is drawn anywhere: where a convoy brings that
        section's share (:meth:`stops`)."""
        carriers = self.reserve_place.carriers
        carrier = carriers[self.section_of(key)] if carriers else None
        return carrier if carrier is not None and carrier in self.fp else None

    def sections_for(self, taker: str | None) -> list[int] | None:
        """The sections of the reserve a delivery's litres left over go into, in order (the
        ledger's :meth:`~logistics.supply.ledger.ArmyLedger.to_reserve`): a section's own
        share, that section alone; a formation's (its taker full), the sections within the
        reserve's reach of its head, the nearest first (none within it: the nearest, as a
        one-section reserve takes them wherever it is); None (every section by its room)
        when the reserve is one, or for a delivery with no taker (an airlift, a depot).
        assumed: the trucks unload where they are, into the section there; named
        simplification: the left-over of a formation's share out of every section's reach
        goes into the nearest, as the whole reserve's did."""
        place = self.reserve_place
        if len(place.carriers) <= 1 or taker is None or not place.located:
            return None
        if is_reserve(taker):
            return [self.section_of(taker)]
        if taker not in self.fp:
            return None
        km = place.section_km(*self.lonlat(taker, self.lead(taker).s))
        near = sorted(range(len(km)), key=lambda k: km[k])
        return [k for k in near if km[k] <= place.reach_km] or near[:1]

    def split_reserve_share(self, shares: dict[str, float]) -> None:
        """Share the reserve's share of a load (its :data:`RESERVE` key in ``shares``, changed
        in place) out among the reserve's sections (several carriers): each its part by its
        room (litres it lacks to be full), under its own key. Nothing changes with one section
        or when none has room. Named simplification: the room is not net of what is on the
        road for each section (the load's total is: :meth:`send`)."""
        n = len(self.reserve_place.carriers)
        litres = shares.get(RESERVE, 0.0)
        if n <= 1 or litres <= 0.0:
            return
        room = [max(self.ledger.section_room_l(k), 0.0) for k in range(n)]
        if sum(room) <= 0.0:
            return
        for k in range(n):
            shares[self.section_name(k)] = litres * room[k] / sum(room)

    def fuelled_by_convoy(self, fid: str) -> bool:
        """Whether the army's convoys serve a formation: one still on its way whose vehicles
        burn fuel (marching, or a shuttle whose trucks burn the army's fuel; not one carried
        by rail or a flotilla)."""
        st, fp = self.state[fid], self.fp[fid]
        if st.arrived_h is not None or fp.refill_l <= 0 or fp.unit.movement == "rail" \
                or not any(not e.detached for e in st.elements):
            return False
        tt = self.timetable(fid)
        return tt is None or getattr(tt, "fuel_l", None) is not None

    def wants_fuel(self, fid: str, t_h: float = 0.0, ahead_h: float = 0.0) -> bool:
        """Whether the convoys serve a formation that will lack more than 1 % of its refill
        when a load sent at ``t_h`` can reach it, ``ahead_h`` hours later (its lack now and its
        burn at its rate of the last day until then, less what is already on its way:
        :func:`want_at_one`, the want a load for it is sized to).

        assumed: a convoy is sent for the fuel the formation will lack when it arrives, so a
        formation full now but burning is short by its burn over the load's loading and drive
        out (:meth:`lead_h`); the same 1 % threshold as its lack now. Why: a formation counted
        as short only once its tanks lacked 1 %, though the loads were sized to its want at
        their arrival, so a formation full at a convoy's hour got no load until its next
        hour, a whole loading and drive out later, and one near full fell short by the burn
        of the trip (issue convoyfuel33). No source gives the rule; one rule for every army."""
        if not self.fuelled_by_convoy(fid):
            return False
        return want_at_one(self, fid, self.burn_ahead_l(fid, t_h, ahead_h)) \
            > 0.01 * self.fp[fid].refill_l

    def lead_h(self, column: int, fid: str, t_h: float) -> float:
        """Hours a load of column ``column`` sent at ``t_h`` takes to reach formation ``fid``'s
        head: its loading and its leg out (the cost engine's, scaled and stretched as
        :meth:`TruckColumn.dispatch <logistics.supply.trucks.TruckColumn.dispatch>` does; no
        jitter, no ferrying). 0 when the formation has no route cells or no way is found (the
        column's dispatch then says why)."""
        col = self.trucks[column]
        if not len(self.fp[fid].cells):
            return 0.0
        leg = col.leg(self.cell_of(fid), self.season(t_h))
        if not leg.reachable:
            return 0.0
        scale = 1.0 if col.kind == "river" else self.plan.speed_scale
        return col.load_h + leg.out_s / 3600.0 / scale * col.stretch

    def dispatch(self, t_h: float) -> None:
        """Send every convoy back at its railhead to the army: a column's convoy is timed to
        the head of the first formation in priority order that still needs fuel (less what
        the columns sent before it bring) and that it is free to load for (:meth:`aim`), and
        its load is shared out, in priority order, among the formations the convoys serve
        (what they lack), then the reserve: the army's one account ("forward detachments
        first, then the main bodies").
        Each formation gets its share when its trucks reach it (:meth:`stops`: the convoy as
        it passes one on its way, :meth:`on_the_way`; a part of its trucks sent straight to
        one off it); what is left is unloaded at the one it is timed to, and what that one
        does not take is handed back to the others on its way (at the same hour, a named
        simplification: the convoy drives back by them), then the reserve; a convoy whose
        load leaves nothing for the one it is timed to turns back after its last taker on its
        way, handing its rest there (:meth:`turn_back`). A column is sent
        only while the army wants fuel that nothing on the road brings yet (the formations'
        lack and the reserve's room, less the loads already sent for them): a ready convoy
        nobody wants waits at its railhead. The ships of a river supply source (columns of
        kind ``river``) are sent after the trucks, by the same rule, among the formations their
        ships reach (:meth:`dispatch_river`): they add to the trucks' schedule (no source says
        which went first; sent first, a boat's small load took the first want and held the
        first truck convoy back 12 h in the 15th Army)."""
        self.note_burn(t_h)
        if not self.trucks:
            return
        served = [fid for fid in self.order if self.fuelled_by_convoy(fid)]
        if any(col.kind == "truck" for col in self.trucks):
            self.dispatch_trucks(t_h, served)
        if any(col.kind == "river" for col in self.trucks):
            reserve_room = float((self.ledger.reserve_capacity_l - self.ledger.reserve_l).sum())
            self.dispatch_river(t_h, served, reserve_room)

    def dispatch_trucks(self, t_h: float, served: list[str]) -> None:
        """The truck columns' part of :meth:`dispatch` (``served``: the formations the convoys
        serve, in priority order)."""
        moved = False
        for n, col in enumerate(self.trucks):
            if col.kind != "truck":
                continue
            aim = self.aim(t_h, served, free=lambda key, col=col: col.free(key, t_h),
                           lead_h=lambda fid, n=n: self.lead_h(n, fid, t_h))
            if aim is None:
                continue
            where, targets, key = aim
            fp = self.fp[where]
            e = self.lead(where)
            if not moved and self.plan.rail is not None and self.plan.truck_leg_at is not None:
                moved = True
                self.move_railheads(t_h, (float(np.interp(e.s, fp.km, fp.lon)),
                                          float(np.interp(e.s, fp.km, fp.lat))))
            if not self.delivers_to(col, where, t_h):
                # its trip eats the trucks' whole load: timed to the first it delivers to
                aim = self.aim(t_h, served, free=lambda key, col=col: col.free(key, t_h),
                               lead_h=lambda fid, n=n: self.lead_h(n, fid, t_h),
                               reachable=lambda fid, col=col: self.delivers_to(col, fid, t_h))
                if aim is None:
                    col.blocked = LOAD_EATEN
                    self.army_day["blocked"][col.name] = \
                        f"{col.name}: {col.blocked} (km {e.s:.0f})"
                    continue
                where, targets, key = aim
            reserve_room = float((self.ledger.reserve_capacity_l - self.ledger.reserve_l).sum())
            ferried, factors = self.ferried_crossings(where, n, t_h)
            # not a formation beyond a river the convoy is not ferried over for ``where``
            reach = [fid for fid in targets
                     if fid == where or _within(self.ferried_behind(fid, n, t_h), ferried)]
            self.send(t_h, n, where, reach, key, reserve_room, ferried=ferried,
                      factors=factors)

    def delivers_to(self, col, fid: str, t_h: float) -> bool:
        """Whether a truck of column ``col`` sent now to formation ``fid``'s head delivers
        anything beyond its own trip's burn (:meth:`TruckColumn.per_truck_l
        <logistics.supply.trucks.TruckColumn.per_truck_l>`); True when ``fid`` has no route
        cells or no way there (:meth:`aim` and :meth:`TruckColumn.dispatch
        <logistics.supply.trucks.TruckColumn.dispatch>` say so). Why (tripfuel35): a column
        timed to a formation its trip could bring nothing sent nothing (``trucks_for``),
        every hour, while the formations it could reach wanted fuel."""
        if not len(self.fp[fid].cells):
            return True
        leg = col.leg(self.cell_of(fid), self.season(t_h))
        return not leg.reachable or not np.isfinite(leg.fuel_l) \
            or col.per_truck_l(leg.fuel_l * self.plan.fuel_scale) > 0.0

    def dispatch_river(self, t_h: float, served: list[str], reserve_room: float) -> None:
        """Send the ships of every river supply column ready at ``t_h``: as the trucks
        (:meth:`dispatch`, by the one :meth:`aim`), but among the formations their ships reach
        (a head within ``river.max_access_km`` of the rivers the ships can sail to from the
        port). Not held at a ferried river (rule ``convoy_behind_ferrying`` is the trucks'):
        the ships sail on the river itself."""
        season = self.season(t_h)
        for n, col in enumerate(self.trucks):
            if col.kind != "river" or not any(r <= t_h for r in col.ready_h):
                continue

            def reached(fid: str, col=col) -> bool:
                return bool(len(self.fp[fid].cells)) \
                    and col.leg(self.cell_of(fid), season).reachable \
                    and self.delivers_to(col, fid, t_h)

            aim = self.aim(t_h, served, reachable=reached,
                           free=lambda key, col=col: col.free(key, t_h),
                           lead_h=lambda fid, n=n: self.lead_h(n, fid, t_h))
            if aim is not None:
                where, targets, key = aim
                self.send(t_h, n, where, targets, key, reserve_room)
            elif served and reserve_room - self.reserve_en_route_l > 1.0 \
                    and self.aim(t_h, served, reachable=reached) is None:
                # the reserve has room, but no formation is within the ships' reach
                col.blocked = "no formation within reach of the rivers (river.max_access_km)"
                e = self.lead(served[0])
                self.army_day["blocked"][col.name] = f"{col.name}: {col.blocked} " \
                                                     f"({served[0]} km {e.s:.0f})"

    def send(self, t_h: float, n: int, where: str, reach: list[str], key: str,
             reserve_room: float, *, ferried: tuple[float, ...] = (),
             factors: tuple[float, ...] = ()) -> None:
        """Send the convoys of column ``n`` ready at ``t_h``, timed to formation ``where``'s
        head, for the formations ``reach`` in order (their lack, then the reserve's room; none:
        for the reserve alone), ferried over the rivers ``ferried`` behind ``where`` (each
        crossing's ``time_factor``: ``factors``, :meth:`ferried_crossings`); ``key``:
        whose load it is in the column's cadence (:meth:`TruckColumn.next_h
        <logistics.supply.trucks.TruckColumn.next_h>`: ``where``, or :data:`RESERVE`,
        :meth:`aim`); each load's expected shares are booked as on the road, and each
        formation's share reaches it at its own hour, the reserve's at its carrier's
        (:meth:`stops`); one that leaves nothing to unload at ``where`` turns back after its
        last taker on its way (:meth:`turn_back`); the rest of one whose takers are all served by
        trucks split off and that carries nothing stays at its railhead
        (:meth:`stays_at_railhead`). A load whose shares leave nothing for the formation it is
        keyed to
        (those before it in priority took it all, :meth:`aim`) does not hold that formation's
        next load: nothing is on the road for it (else it waited a whole drive-out for a load
        that brought it nothing)."""
        col, fp, e = self.trucks[n], self.fp[where], self.lead(where)
        ships = col.kind == "river"  # a sailing: no land speed scale, no ferrying
        room = max(reserve_room - self.reserve_en_route_l, 0.0)

        # hours after the convoy's arrival at ``where`` its share reaches each formation
        # (:meth:`stops`): its burn is read to then, not to the convoy's arrival at ``where``
        season = self.season(t_h)
        off = {fid: self.offset_h(n, where, fid, season) for fid in reach}

        def at_h(fid: str, h: float) -> float:
            return max(h + off[fid], col.load_h)

        def want_at(h: float) -> float:
            """Litres wanted at a load's arrival ``h`` hours from now: each formation's lack
            and its burn until its share reaches it, less what is on the road for it; the
            reserve's room."""
            return sum(want_at_one(self, fid, self.burn_ahead_l(fid, t_h, at_h(fid, h)))
                       for fid in reach) + room

        last = col.due.get(key)  # the column's last load keyed so, before this one
        keyed_l = 0.0  # litres of the loads sent now for the formation they are keyed to
        for d in col.dispatch(t_h, self.cell_of(where), self.season(t_h), self.rng,
                              1.0 if ships else self.plan.speed_scale, self.plan.fuel_scale,
                              wanted_l=want_at(0.0), ferried=ferried, flotilla=bool(fp.ferry_by),
                              target=key, want_at=want_at, factors=factors):
            left, shares = d.litres, {}
            for fid in reach:  # what each formation can expect of it at its arrival, in order
                shares[fid] = min(left, want_at_one(
                    self, fid, self.burn_ahead_l(fid, t_h, at_h(fid, d.time_h - t_h))))
                self.state[fid].en_route_l += shares[fid]
                left -= shares[fid]
            keyed_l += shares.get(key, 0.0)
            # then the reserve's room, less what is already on the road for it
            shares[RESERVE] = min(left, max(reserve_room - self.reserve_en_route_l, 0.0))
            self.reserve_en_route_l += shares[RESERVE]
            # unloaded at ``where`` with its share, the rest handed to the others on its way
            way = sorted((fid for fid in reach if self.on_the_way(fid, where, n)),
                         key=lambda fid: fid != where)
            if key == RESERVE:
                d = replace(d, note=f"{d.note}; for the army's reserve" + (
                    f", with {where}" if where == self.reserve_at() else ""))
            first, others = self.stops(replace(d, formation_id=",".join(way)), n, t_h, shares,
                                       where)
            apart = {o.formation_id for o in others}
            expected = {k: v for k, v in shares.items()
                        if (k == where or is_reserve(k)) and k not in apart}
            stays = self.stays_at_railhead(first, others, expected, n)
            if not stays:
                first, end = self.turn_back(first, others, expected, n, where, t_h)
                self.expected[id(first)] = expected
                if not ships and end == where:
                    self.convoy_sent[id(first)] = (where, n, ferried)
                self.convoy_shares[id(first)] = (n, None, None, end)  # unloaded at ``end``
            for other in others:
                self.expected[id(other)] = {other.formation_id: other.litres}
            # booked in the order its stops are made: at ``end``, its last taker's share first
            # (the rest of a convoy staying at its railhead: its parts split off only)
            for o in (others if stays else [first] + others if end == where
                      else others + [first]):
                self._push(o)
        if key != RESERVE and key in col.due and keyed_l <= 1.0 and col.due[key] is not last:
            # the formations before it took all of it: nothing is on the road for the one it
            # is keyed to, so its next load does not wait for this one (TruckColumn.next_h)
            if last is None:
                del col.due[key]
            else:
                col.due[key] = last
        if col.blocked:  # the day's record says why this column delivered nothing
            self.army_day["blocked"][col.name] = f"{col.name}: {col.blocked} (km {e.s:.0f})"

    def aim(self, t_h: float, served: list[str], reachable: Callable[[str], bool] | None = None,
            free: Callable[[str], bool] | None = None,
            lead_h: Callable[[str], float] | None = None
            ) -> tuple[str, list[str], str] | None:
        """(the formation a convoy sent now is timed to, the formations its load serves in
        order, whose load it is: that formation's id or :data:`RESERVE`): the first of
        ``served`` (priority order) that wants fuel, its load serving ``served`` in priority
        order, then the reserve (:meth:`send`); else, when the reserve
        has room nothing on the road fills and a formation still advances, the reserve's load,
        serving ``served`` in priority order, then the reserve, and timed to its first taker:
        the first of them still short of fuel (its own load on the road), else where the
        reserve is (its carrier, :meth:`reserve_at`; drawn anywhere: the first of ``served``);
        None when nothing is wanted or the formation has no route cells (or, ``reachable``,
        out of reach).
        ``reachable``: only formations it accepts count (a river column's: those its ships
        reach); None: every one. ``free``: whether the column may send a load keyed to a
        formation now (its id; :data:`RESERVE` for the reserve's; :meth:`TruckColumn.free
        <logistics.supply.trucks.TruckColumn.free>`: not while its last load for it is on the
        road): the load is timed to the first that wants fuel and is free; None: every one is
        free. ``lead_h``: hours a load sent now takes to reach a formation (its id;
        :meth:`lead_h`): a formation wants fuel when it will lack it by then
        (:meth:`wants_fuel`); None: its lack now. The one rule for trucks and ships
        (:meth:`dispatch`).

        Every load is shared in priority order, whoever it is timed to: the army's one account
        (``fuel.priority``, "forward detachments first, then the main bodies",
        [NEBOLSIN-2015]). Each formation's want nets out what is on the road for it
        (:func:`want_at_one`), so one that its own load fills takes none of it. Why: shared from
        the formation it was timed to on, wrapping round, a load timed to a lower formation
        while a higher one's own load was on the road (short: too few trucks at the railhead)
        gave the lower its whole want first (in `logistics run configs/`, of the 15th Army's
        16 Aug load keyed to its rifle divisions, they took 88 kL and its empty tank brigades,
        10 h beyond them, the 98 kL left; now 37 kL and 140 kL). It stays timed to the
        formation it is keyed to (chosen: the one it leaves for, short and the column free for
        it; its next load waits for this one's arrival there, :meth:`TruckColumn.next_h
        <logistics.supply.trucks.TruckColumn.next_h>`); a higher formation takes its share at
        its own hour, the convoy passing it or trucks split off for it (:meth:`stops`), so
        the whole convoy is not drawn onto its leg for what may be a small share; one that
        leaves the keyed formation nothing does not hold its next load (:meth:`send`).

        The reserve is a destination of its own (assumed: it is the army's fuel on its own
        transport, ``fuel.carried_refills``, the mobile sections of the army's fuel depots the
        front's tanker trucks filled, [TYL-1977] 'созданы подвижные отделения армейских складов
        горючего'; that the front's columns fill it whenever they have trucks at the railhead
        and no formation to load for is the model's reading, no source gives the rule): its
        room is part of every load's want, and a load keyed to it leaves when no formation the
        column is free to load for wants fuel, one at a time. Its load is shared as any load,
        the formations' want first in priority order. Why: it went for the reserve alone, so
        a formation whose own load on the road was short (too few trucks at the railhead) got
        none of a convoy unloading at it, all of it going into the reserve (in `logistics run
        configs/`, 8 of the 13 loads for the reserve alone left so, among them the 36th
        Army's at its 205th Tank Brigade on 17 and 19 Aug and the 25th Army's at its forward
        detachment on 17 Aug).

        Where the reserve's load goes (assumed: a convoy drives to the takers of its load, the
        formations' want first, as any load; the reserve rides on its carrier's transport,
        ``fuel.reserve_reach_km``, so its share is driven to the carrier's head, :meth:`stops`:
        dropped there on the way, or by trucks split off for it; with no formation short of
        fuel the load drives to the carrier alone). Why: it was timed to the first formation
        moving whoever took its litres, the 36th Army's 205th Tank Brigade up to 240 km beyond
        the rifle divisions carrying the reserve, when nobody was short too: its trucks drove
        that far and back for the reserve's room, and the reserve's litres went into it the
        hour they reached the brigade. (Driving the load to the carrier alone, serving only
        the formations on its way, held the brigade for fuel from 17 Aug and kept it off
        Harbin: the column's trucks went to the reserve while the brigade's next load waited
        for its last, against the army's priority of the formations before the reserve.) The
        first formation moving was read with a rule of its own (not arrived, not on a
        timetable), which left out a truck shuttle the convoys serve (the 17th Army's rifle
        divisions): it is now ``served``'s, the one rule (:meth:`fuelled_by_convoy`)."""
        ok = served if reachable is None else [fid for fid in served if reachable(fid)]

        def short(fid: str) -> bool:
            return self.wants_fuel(fid, t_h, 0.0 if lead_h is None else lead_h(fid))

        target = next((fid for fid in ok if (free is None or free(fid)) and short(fid)), None)
        if target is not None:
            where, key = target, target
        else:
            room = float((self.ledger.reserve_capacity_l - self.ledger.reserve_l).sum())
            if room - self.reserve_en_route_l <= 1.0 or (free is not None and not free(RESERVE)) \
                    or not served:  # none advancing: the reserve is filled for the advance
                return None
            # timed to its first taker: the first formation short of fuel (its own load on the
            # road), else where the reserve is (its carrier; drawn anywhere: the first formation
            # the convoys serve, one rule with ``served``); its load shared in priority order
            carrier = self.reserve_at()
            places = [fid for fid in ok if short(fid)][:1] + (
                [carrier] if carrier is not None else ok)
            where = next((fid for fid in places
                          if len(self.fp[fid].cells) and (reachable is None or reachable(fid))),
                         None)
            return None if where is None else (where, ok, RESERVE)
        return (where, ok, key) if len(self.fp[where].cells) else None

    def cell_of(self, fid: str) -> int:
        """The index (``plan.cell_index``, a truck leg's argument) of the route cell of the
        formation's head."""
        fp = self.fp[fid]
        s = self.lead(fid).s
        i = int(min(np.searchsorted(fp.km, s, side="right") - 1, len(fp.km) - 1))
        r, c = (int(v) for v in fp.cells[max(i, 0)])
        return self.plan.cell_index.get((r, c), 0)

    def on_the_way(self, fid: str, where: str, column: int) -> bool:
        """Whether formation ``fid``'s head lies on the way of truck column ``column``'s
        convoy to ``where``'s: going by it lengthens the straight line from the column's
        railhead to ``where`` by at most :data:`ON_THE_WAY_DETOUR_KM`. True when the
        railhead's position is not known (a synthetic column). Why: a convoy timed to one
        formation filled others on another axis at the same hour (the 25th Army's 16 Aug
        convoy: three formations 105-130 km apart; the Cavalry-Mechanized Group's first:
        43rd Tank Brigade and the Mongolian forces about 200 km apart)."""
        if fid == where:
            return True
        rh = self.railhead_lonlat.get(column) or self.trucks[column].railhead_lonlat
        if rh is None:
            return True
        a = self.lonlat(where, self.lead(where).s)
        b = self.lonlat(fid, self.lead(fid).s)
        return detour_km(rh, a, b) <= ON_THE_WAY_DETOUR_KM

    def stops(self, d: Delivery, column: int, t_h: float, shares: dict[str, float],
              where: str) -> tuple[Delivery, list[Delivery]]:
        """A convoy's delivery ``d`` (timed to formation ``where``, the one it was sent for or
        the reserve's carrier; its ``formation_id``: the formations it serves on its way,
        :meth:`on_the_way`) as the stops it makes: (its unloading at ``where``, with what no
        other taker expects, for the formations on its way in order (:meth:`book`: those
        still advancing first), then the reserve; one delivery for each other formation with a
        share, when its trucks reach it, and one for the reserve's share (``formation_id``
        :data:`RESERVE`) at its carrier (:meth:`reserve_at`) when that is not ``where``).
        Every share reaches its taker when the taker's own leg from the railhead (the cost
        engine's) is driven: ``d``'s arrival less the difference of the two legs, not before
        the convoy has loaded. A taker on the way is served by the convoy as it passes; one
        off it by as many of the convoy's trucks as its share fills (while the convoy has
        trucks left, :func:`split_parts`: the rest of a share its part cannot carry stays on
        the convoy, handed on as its leftovers are), split off at the railhead, driving its
        leg there and back: the convoy's next trip leaves without them
        if they are not back (:meth:`TruckColumn.split_off
        <logistics.supply.trucks.TruckColumn.split_off>`). The reserve is such a taker
        (assumed: it rides on its carrier's transport, ``fuel.reserve_reach_km``, so its
        share is driven to where the carrier's head is, as a formation's to its own; its
        trucks unload to the reserve's trucks there. Before, the share went into the reserve
        wherever and whenever the convoy unloaded: the 36th Army's reserve took its litres at
        the 205th Tank Brigade, up to 240 km beyond it, up to 22 h after the convoy had
        passed its carrier); drawn anywhere, it stays in ``d``.
        Every truck burns its own leg: the trucks split off for a taker burn theirs (on the
        taker's record, :meth:`split_burn_l`), the rest of the convoy the leg to ``where`` (on
        ``d``'s record). What a part's longer leg burns beyond its trucks' tanks comes out of
        its trucks' whole load (their number times the convoy's litres a truck), as the
        convoy's own burn comes out of its trucks' load (:meth:`TruckColumn.per_truck_l
        <logistics.supply.trucks.TruckColumn.per_truck_l>`), not out of its share: the share is
        cut only by what its trucks' load, less that burn, cannot hold (before, the burn came
        off the share, though its trucks' load had room for both; ledger36). The parts' and
        the convoy's trucks add up to the convoy's, a one-truck convoy's too (its truck goes
        to one part at most, :func:`split_parts`; before, each of its parts was given a truck
        of its own, phantom trucks each burning its leg; ledger36), and each part's trucks are
        away on their own record. Named simplification: no ferry time of its own is added for
        a part. No part leaves for a taker whose own leg would eat its trucks' whole load
        (:meth:`delivers_to`), or all of it but 1 L: its share stays on the convoy, no longer
        on the road for it (before, the part drove there and back with 0 L: in `logistics run
        configs/` the 25th Army's 11 trucks on 11 Aug, 5 kL of their fuel; one truck at a time
        in the 2nd Red Banner Army)."""
        col = self.trucks[column]
        season = self.season(t_h)
        there = col.leg(self.cell_of(where), season) if where else None
        self.split_reserve_share(shares)  # with several carriers: a part for each section
        others = []
        own_where_l = d.truck_fuel_l / max(d.trucks, 1)  # a truck's own burn on its leg to where
        split_trucks, eaten_l = 0, 0.0
        takers = []  # (taker, its share, whose head it goes to, whether on the way)
        for fid, litres in shares.items():
            at = self.carrier_of(fid) if is_reserve(fid) else fid
            if at is None or at == where or litres <= 0.0 or there is None:
                continue
            way = self.on_the_way(at, where, column)
            if not way and not self.delivers_to(col, at, t_h):
                # its own leg would eat its trucks' whole load: no part leaves for it, its
                # share stays on the convoy (no longer on the road for it)
                self.not_en_route(fid, litres, shares)
                continue
            takers.append((fid, litres, at, way))
        # the trucks of each part split off: never more together than the convoy has
        off = [(fid, litres) for fid, litres, _, way in takers if not way]
        per_truck = d.litres / max(d.trucks, 1)
        allotted = dict(zip((fid for fid, _ in off), split_parts(
            d.trucks, per_truck, [x for _, x in off], d.litres - sum(x for _, x in off))))
        for fid, litres, at, way in takers:
            leg = col.leg(self.cell_of(at), season)
            offset_h = self.offset_h(column, where, at, season)
            arrive = max(t_h + col.load_h, d.time_h + offset_h)
            whose = f"the army's reserve's share, with {at}" if is_reserve(fid) else "its share"
            entry = None  # the trucks split off for it (their record in the column's away)
            if way:
                note = f"{whose}, on the way to {where} ({offset_h:+.1f} h)"
                others.append(replace(d, time_h=arrive, litres=litres, truck_fuel_l=0.0,
                                      formation_id=fid, note=f"{d.note}; {note}"))
            else:  # a part of the convoy's trucks drives its own leg there and back
                trucks, carried = allotted[fid]
                # what their longer leg burns beyond their tanks comes out of their whole load
                # (``trucks`` x the convoy's litres a truck), of the share only what is left
                # of it cannot hold
                own_l, eaten = self.split_burn_l(col, leg, own_where_l, trucks)
                carried = min(carried, trucks * per_truck - eaten)
                if trucks == 0 or carried <= 1.0:  # no truck for it, or its leg eats its load
                    self.not_en_route(fid, litres, shares)
                    continue
                if carried < litres:  # the rest stays on the convoy: no longer on the road for it
                    self.not_en_route(fid, litres - carried, shares)
                    litres = carried
                note = f"{whose}, {trucks} of the trucks sent straight to it (not on the " \
                       f"way to {where}, {offset_h:+.1f} h)"
                back_h = self.back_h(col, leg)
                if 0 <= d.convoy < len(col.sizes):
                    entry = col.split_off(d.convoy, trucks, arrive + col.unload_h + (
                        back_h if np.isfinite(back_h) else 0.0), trip=d.trip)
                split_trucks += trucks
                eaten_l += eaten
                others.append(replace(d, time_h=arrive, litres=litres, truck_fuel_l=own_l,
                                      formation_id=fid, trucks=trucks,
                                      note=f"{d.note}; {note}"))
            self.convoy_shares[id(others[-1])] = (column, entry, None, fid)
        return replace(d, litres=max(d.litres - sum(o.litres for o in others) - eaten_l, 0.0),
                       truck_fuel_l=max(d.truck_fuel_l - split_trucks * own_where_l, 0.0),
                       trucks=d.trucks - split_trucks), others

    def place_of(self, taker: str) -> str | None:
        """Whose head a convoy's share for ``taker`` is driven to: the formation itself, or the
        carrier of a section of the reserve (:meth:`carrier_of`; None: drawn anywhere)."""
        return self.carrier_of(taker) if is_reserve(taker) else taker

    def turn_back(self, first: Delivery, others: list[Delivery], expected: dict[str, float],
                  column: int, where: str, t_h: float) -> tuple[Delivery, str]:
        """(the convoy's unloading ``first``, the taker it ends its trip at: ``where`` or the
        key of its last taker on the way): a convoy timed to formation ``where`` whose load
        leaves nothing to unload there (``expected``, the shares ``first`` brings: ``where``'s
        and a reserve section's carried by ``where`` together at most 1 L) turns back after the
        last of its takers on its way (:meth:`on_the_way`, the share reached last by
        :meth:`stops`'s hours): ``first`` is unloaded there, at that hour, what it brings
        (the load's rest, a share of the reserve drawn anywhere) handed to that taker and the
        others on its way (as it was at ``where``, :meth:`book`); its trucks (those not split
        off) burn the leg to there and come back from there, and the column's records of the
        trip (:attr:`TruckColumn.away <logistics.supply.trucks.TruckColumn.away>`,
        ``due``) say so; ``where``'s own share (at most 1 L) is no longer on the road for it.
        Leg, burn and hours are the cost engine's (as :meth:`TruckColumn.dispatch
        <logistics.supply.trucks.TruckColumn.dispatch>`, :meth:`offset_h`), and the litres of
        the load the trucks no longer burn beyond their tanks ride on ``first``. The same rule
        for trucks and ships (a flotilla sails to its takers too). ``first`` and ``where``
        unchanged when ``where`` unloads anything, when no taker is on the way, or when the last
        one is reached no earlier than ``where`` (named simplification: a trip ending at most
        half :data:`ON_THE_WAY_DETOUR_KM` beyond ``where`` is timed to ``where``).
        Named simplifications: the trip keeps the ferrying of the trip to ``where``
        (``convoy_behind_ferrying``: a taker on its way is behind no other rivers than
        ``where``, :meth:`dispatch_trucks`), and the trucks burn the less of the two legs.
        Why: the convoys drove on to ``where`` and back for nothing, the formations before it
        in priority having taken the whole load; physically the trucks turn back after their
        last taker, and are free for the next load that much earlier."""
        unloads = expected.get(where, 0.0) + sum(
            v for k, v in expected.items() if is_reserve(k) and self.carrier_of(k) == where)
        col = self.trucks[column]
        drops = [o for o in others  # its takers the convoy serves as it passes
                 if self.on_the_way(self.place_of(o.formation_id), where, column)]
        trip = col.trip_away(first.convoy, first.trip)
        if unloads > 1.0 or not drops or trip is None or trip[1] <= 0 \
                or any(o.time_h >= first.time_h - 1e-9 for o in drops):
            return first, where
        last = max(drops, key=lambda o: o.time_h)
        at = self.place_of(last.formation_id)
        season = self.season(t_h)
        leg, there = col.leg(self.cell_of(at), season), col.leg(self.cell_of(where), season)
        scale = 1.0 if col.kind == "river" else self.plan.speed_scale  # ships: no land scale
        saved_h = (first.time_h - last.time_h) + (there.back_s - leg.back_s) / 3600.0 / scale \
            * col.stretch
        if not (leg.reachable and there.reachable and np.isfinite(saved_h)):
            return first, where
        trucks = int(trip[1])
        own_where_l = first.truck_fuel_l / trucks
        own_l = min(leg.fuel_l * self.plan.fuel_scale, own_where_l) \
            if np.isfinite(leg.fuel_l) else own_where_l
        tank = col.truck_tank_l
        uneaten_l = trucks * (max(0.0, own_where_l - tank) - max(0.0, own_l - tank))
        trip[0] = max(trip[0] - max(saved_h, 0.0), last.time_h + col.unload_h)
        for trips in col.due.values():  # its load for whom it was keyed is there then
            if first.trip in trips:
                trips[first.trip] = last.time_h
        nil = expected.pop(where, 0.0)  # where's share (at most 1 L): not driven to it
        self.state[where].en_route_l = max(0.0, self.state[where].en_route_l - nil)
        way = [fid for fid in first.formation_id.split(",") if fid and fid not in (where, at)]
        name = f"the army's reserve with {at}" if is_reserve(last.formation_id) else at
        return replace(
            first, time_h=last.time_h, litres=first.litres + uneaten_l,
            truck_fuel_l=trucks * own_l,
            formation_id=",".join(([at] if at in self.fp and at in first.formation_id.split(",")
                                   else []) + way),
            note=f"{first.note}; turned back after its last taker, {name}, "
                 f"{first.time_h - last.time_h:.1f} h short of {where} (its share nil)"), \
            last.formation_id

    def stays_at_railhead(self, first: Delivery, others: list[Delivery],
                          expected: dict[str, float], column: int) -> bool:
        """Whether the rest of a convoy (``first``, its unloading at ``where`` after
        :meth:`stops`) stays at its railhead: every taker of its load is served by trucks split
        off it (``others``, none dropped on its way: :meth:`turn_back` serves those), and it
        carries nothing (at most 1 L; with trucks left, or none: all split off). When so, its
        trucks are at the railhead (its trip's record in the column's ``away`` holds no truck
        beyond the parts split off, their own records), it burns no fuel and is not booked,
        what ``where`` and the reserve expected of it (``expected``, at most 1 L) is no longer
        on the road for them, and the column's load (``due``) is there when its last part
        arrives. A one-truck convoy's truck split off for its part is away on the part's
        record (:meth:`stops`), as any part's trucks are.
        Why: the rest drove to ``where`` and back carrying nothing, burning its own fuel
        (tripfuel35: trucks leave only with litres to deliver beyond their trip's burn)."""
        col = self.trucks[column]
        if first.litres > 1.0 or not others \
                or any(o.truck_fuel_l <= 0.0 for o in others):  # a drop on its way
            return False
        trip = col.trip_away(first.convoy, first.trip)
        if trip is None:
            return False
        trip[1] = 0  # its trucks stay (or all were split off): none away with it
        last_h = max(o.time_h for o in others)
        for trips in col.due.values():  # the load for whom it was keyed is there then
            if first.trip in trips:
                trips[first.trip] = last_h
        for k, v in expected.items():
            if is_reserve(k):
                self.reserve_en_route_l = max(0.0, self.reserve_en_route_l - v)
            elif k in self.state:
                self.state[k].en_route_l = max(0.0, self.state[k].en_route_l - v)
        return True

    def back_h(self, col, leg) -> float:
        """Hours column ``col``'s trucks (ships) drive ``leg`` back to their railhead (port):
        the cost engine's seconds, at the plan's speed scale (ships: none), stretched for the
        drivers' rest (as :meth:`TruckColumn.dispatch
        <logistics.supply.trucks.TruckColumn.dispatch>`)."""
        scale = 1.0 if col.kind == "river" else self.plan.speed_scale
        return leg.back_s / 3600.0 / scale * col.stretch

    def not_en_route(self, fid: str, litres: float, shares: dict[str, float]) -> None:
        """``litres`` of taker ``fid``'s share of a convoy (``shares``) not driven to it (its
        part got too few trucks, :func:`split_parts`): off its share and off what is on the
        road for it (its ``en_route_l``; the reserve's)."""
        shares[fid] -= litres
        if is_reserve(fid):
            self.reserve_en_route_l = max(0.0, self.reserve_en_route_l - litres)
        else:
            self.state[fid].en_route_l = max(0.0, self.state[fid].en_route_l - litres)

    def offset_h(self, column: int, where: str, at: str, season: str) -> float:
        """Hours a share of column ``column``'s convoy timed to ``where``'s head reaches
        formation ``at``'s head after it (before it: negative): the difference of their legs
        out from the railhead (the cost engine's, scaled and stretched as the column's
        dispatch does); 0 when either is out of reach (:meth:`stops`, :meth:`send`)."""
        if at == where:
            return 0.0
        col = self.trucks[column]
        scale = 1.0 if col.kind == "river" else self.plan.speed_scale  # ships: no land scale
        there = col.leg(self.cell_of(where), season)
        leg = col.leg(self.cell_of(at), season)
        off = (leg.out_s - there.out_s) / 3600.0 / scale * col.stretch
        return float(off) if leg.reachable and there.reachable and np.isfinite(off) else 0.0

    def split_burn_l(self, col, leg, own_where_l: float, trucks: int) -> tuple[float, float]:
        """(litres ``trucks`` trucks split off a convoy burn on their own leg ``leg`` there and
        back, litres of their load that burn eats beyond what their trip to the convoy's
        formation would have eaten): each truck burns its leg's fuel (the cost engine's, times
        ``plan.fuel_scale``, as :meth:`TruckColumn.dispatch
        <logistics.supply.trucks.TruckColumn.dispatch>`), and what goes beyond its own tank
        comes out of its load. Why: the split-off trucks were booked with the burn of the
        convoy's leg to its formation (``own_where_l`` a truck) and their own share booked
        none, so a part sent 200 km beyond the convoy's formation burned no more than the
        trucks that stayed with it (issue convoyfuel33)."""
        per = leg.fuel_l * self.plan.fuel_scale
        if not np.isfinite(per):
            per = own_where_l
        tank = col.truck_tank_l
        extra = max(0.0, per - tank) - max(0.0, own_where_l - tank)
        return trucks * per, trucks * max(extra, 0.0)

    def ferried_behind(self, fid: str, column: int, t_h: float) -> tuple[float, ...]:
        """The hours at which the formation was (or will be) all across each big river it is
        ferried over that its means had started on by ``t_h`` and that lies between truck
        column ``column``'s railhead and its head: the crossings a convoy to it is ferried
        over behind it (rule ``convoy_behind_ferrying``, :meth:`TruckColumn.dispatch
        <logistics.supply.trucks.TruckColumn.dispatch>`). A crossing behind a railhead the
        railway moved forward (:meth:`move_railheads`; the route's point nearest it) is not
        between. Why: a river the formation waits to be ferried over is no 45-min bridge for
        its trucks either."""
        return self.ferried_crossings(fid, column, t_h)[0]

    def ferried_crossings(self, fid: str, column: int, t_h: float
                          ) -> tuple[tuple[float, ...], tuple[float, ...]]:
        """``(ferried, factors)``: :meth:`ferried_behind`'s all-across hours, and the
        ``time_factor`` of each of those crossings (its ``CrossingStop``: the water the
        formation's route crosses there, network/river.py ``crossing_time_factor``; 1 when
        not found), by which the convoy's own ferrying there grows as the formation's did
        (:func:`~logistics.supply.trucks.behind_ferrying`)."""
        st, fp = self.state[fid], self.fp[fid]
        if not st.ferry_span_h or not len(fp.km):
            return (), ()
        head = float(self.lead(fid).s)
        behind = 0.0  # km of the route behind the column's railhead
        rh = self.railhead_lonlat.get(column)
        if rh is not None:
            d = great_circle_km(rh[0], rh[1], np.asarray(fp.lon), np.asarray(fp.lat))
            behind = float(fp.km[int(np.argmin(d))])
        eps_h = 1e-3 / 3600.0
        spans = [(km, release) for km, (start, release) in sorted(st.ferry_span_h.items())
                 if start <= t_h + eps_h and behind < km <= head + 1e-6]
        factor = {c.km: float(getattr(c, "time_factor", 1.0)) for c in fp.crossings}
        return (tuple(release for _, release in spans),
                tuple(factor.get(km, 1.0) for km, _ in spans))

    def move_railheads(self, t_h: float, toward: tuple[float, float]) -> None:
        """Load every truck column at the army's railhead nearest ``toward`` once the railway
        has moved forward past its configured railhead (``plan.rail``): the leg function from
        there (the cost engine) replaces the column's."""
        rh = self.plan.rail.railhead_at(t_h, self.reached_so_far(), toward)
        if rh is None or "moved forward" not in rh.note:
            return
        for i, col in enumerate(self.trucks):
            if col.kind != "truck" or self.railheads.get(i) == rh.name:  # ships: their port
                continue
            leg = self.plan.truck_leg_at(i, (rh.lon, rh.lat))
            if leg is None:
                continue
            col.leg = leg
            self.railheads[i] = rh.name
            self.railhead_lonlat[i] = (rh.lon, rh.lat)
            self.reached.append({"time": self.plan.start + timedelta(hours=t_h),
                                 "formation_id": "", "kind": "railhead",
                                 "name": f"{col.name} loads at {rh.name}: {rh.note}",
                                 "cum_km": np.nan})
