"""Truck columns shuttling fuel from a railhead to wherever the formation is.

Times are hours since H-hour (floats), positions are km along the planned route. Each convoy
turns into :class:`~logistics.supply.delivery.Delivery` records that the step loop books into
the ledger when they fall due.

A column of ``count`` trucks is split into ``convoys``; each convoy sends the trucks its
formations' want fills (:func:`trucks_for`: the rest stay at the railhead for the next want),
which load at the railhead (``load_h``), drive to where the formation is when they leave, unload
and drive back.
``until`` closes the road: a convoy that would not reach the formation by then is not sent (it
would drive on a closed road; the whole out leg is checked, since where on it the closure bites
is not known). Without ``until`` the column runs to the run's end (``road_closes`` False): a
convoy that would arrive after it is not sent either, and no note speaks of a closed road.
Drive times come from the cost engine (:class:`TruckLeg`, one accumulated-cost surface from the
railhead, read at the formation's position) and stretch by ``24 / driving_hours_per_day`` for
the hours the drivers rest. Each truck burns its own fuel on the round trip; what goes beyond
its tank comes out of its load, so a long supply line eats its own cargo. The trucks' own fuel
is drawn at the railhead and reported apart (``truck_fuel_l``); it is not in the formation's
ledger.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from logistics.supply.delivery import Delivery

__all__ = ["TruckLeg", "LegFunction", "TruckColumn", "behind_ferrying", "LOAD_EATEN"]


@dataclass(frozen=True)
class TruckLeg:
    """One truck's trip between railhead and formation: drive seconds each way, litres burned."""

    out_s: float
    back_s: float
    fuel_l: float
    reason: str = ""  # why the trip cannot be made (set when it is not reachable)

    @property
    def reachable(self) -> bool:
        """False when the cost engine finds no way between railhead and formation."""
        return math.isfinite(self.out_s) and math.isfinite(self.back_s)


#: leg(route_step_index, season) -> TruckLeg for one truck at scale 1.
LegFunction = Callable[[int, str], TruckLeg]

#: distinct reasons a run note quotes whole; beyond them, the first and the last and a count
REASONS_QUOTED = 3

#: why a column sent nothing: every trip it could make eats its trucks' whole load
#: (:func:`trucks_for`)
LOAD_EATEN = "its trucks' own fuel for the trip eats their whole load"

#: Litres the army must still want (its formations' lack and its reserve's room, less the loads
#: already on the road for them) for a ready convoy to be sent; less is rounding, the 1 L the step
#: loop already treats as a full reserve. Before, every ready convoy went: the Cavalry-
#: Mechanized Group's second column left in the same hour as the first for the reserve's room
#: the first's load already filled (six trips, 0 L delivered). How many of its trucks go:
#: :func:`trucks_for`.
WANTED_MIN_L = 1.0


def trucks_for(wanted_l: float, per_truck_l: float, present: int) -> int:
    """Trucks of the ``present`` at the railhead sent for ``wanted_l`` litres, ``per_truck_l``
    each: as many as the want fills, rounded up to whole trucks, at most those present; none
    when a truck carries nothing (its own fuel on the trip eats its whole load: the trip would
    deliver nothing, so it does not leave, and the column waits for a shorter one, the
    formation coming closer or the railhead moving up). The rest stay at the railhead, free for
    the next want (:meth:`TruckColumn.dispatch`).

    Why: a convoy went out whole for any want and drove back what nobody took (the 6th Guards
    Tank Army on 9-10 Aug: 10 ML back against 0.5 ML delivered by truck, its 1,000 trucks
    away 14-16 h and burning their own fuel for it). ``wanted_l`` is the want at the load's
    arrival (:meth:`TruckColumn.dispatch`): its formations' lack when it leaves and what they
    burn while it is loaded and driven out, at their rate of the last day (assumed: no
    source says how a column was sized to its formations' requests, [REF-PARAMETERS] §2.5
    'Soviet truck turnaround norms ... not found'). Without that margin a load was taken
    whole but left its formations short by the burn of its trip: in `logistics run configs/`
    the convoys delivered 8 % less and the 36th Army's rifle divisions reached Qiqihar a day
    later. One rule for every column and army.

    Why none for a trip that eats the load: all the trucks present were sent, to drive out and
    back burning their own fuel and deliver 0 L (tripfuel35; no shipped army's column meets
    it in `logistics run configs/`: its 0 L trips were parts of a convoy split off for a
    taker their own leg emptied, and one-truck convoys' rests, :meth:`Resupply.stops
    <logistics.advance.resupply.Resupply.stops>`, ``stays_at_railhead``)."""
    if per_truck_l <= 0.0:
        return 0
    if not math.isfinite(wanted_l):
        return present
    return max(0, min(present, math.ceil(wanted_l / per_truck_l - 1e-9)))


def _reasons_text(reasons: list[str]) -> str:
    """The distinct reasons a column could not reach its formation, for its one run note:
    all of them up to :data:`REASONS_QUOTED`, else the first, how many others, and the last.
    Why: each reason names the formation's place, so a column cut off all run long had one per
    place it stood (the 5th Separate Rifle Corps' note quoted 54 in a row, 8 kB)."""
    if len(reasons) <= REASONS_QUOTED:
        return "; ".join(reasons)
    return (f"{reasons[0]}; ... {len(reasons) - 2} more like it at other places of the "
            f"formation ...; {reasons[-1]}")


def behind_ferrying(ferry_h: float, ferried: tuple[float, ...],
                    factors: tuple[float, ...] = ()) -> tuple[float, float]:
    """``(each_way_h, after_h)`` of a convoy ferried behind its formation (rule
    ``convoy_behind_ferrying``, :meth:`TruckColumn.dispatch`) over the rivers that formation
    was all across at ``ferried`` (hours): ``each_way_h`` its ferrying summed over them one
    way, ``after_h`` the earliest hour it is beyond them all, ``max(release + ferry)``.
    ``ferry_h``: its ferry time at the assumed channel (0 when not finite); ``factors``: each
    crossing's ``time_factor`` (network/river.py ``crossing_time_factor`` of the water the
    formation's route crosses there; missing: 1), so the convoy's ferrying grows with the
    water as the formation's does. Why (ferrywide33): the 15th Army's convoys paid the 1.5 km
    channel's ferrying where its formations paid 12-13.5 km of the Amur-Sungari river-lake."""
    ferry_h = float(ferry_h) if math.isfinite(ferry_h) else 0.0
    each = [ferry_h * (float(factors[k]) if k < len(factors) else 1.0)
            for k in range(len(ferried))]
    after = max((r + e for r, e in zip(ferried, each)), default=-math.inf)
    return float(sum(each)), float(after)


class TruckColumn:
    """Runtime state of one truck column (convoys cycling between railhead and formation)."""

    def __init__(
        self,
        *,
        name: str,
        count: int,
        payload_l: float,
        truck_tank_l: float,
        fuel_type: str,
        load_h: float,
        unload_h: float,
        driving_hours_per_day: float,
        start_h: float,
        until_h: float,
        convoys: int,
        jitter_h: float,
        leg: LegFunction,
        road_closes: bool = True,
        ferry_h: Callable[[int, bool], float] | None = None,
        kind: str = "truck",
        railhead_lonlat: tuple[float, float] | None = None,
    ) -> None:
        self.name = name
        #: what carries the fuel: "truck", or "river" (ships of a river supply source,
        #: :mod:`logistics.supply.sailings`, run as a column whose legs are sailings); the
        #: kind of its deliveries
        self.kind = kind
        self.payload_l = payload_l
        self.truck_tank_l = truck_tank_l
        self.fuel_type = fuel_type
        self.load_h = load_h
        self.unload_h = unload_h
        self.stretch = 24.0 / driving_hours_per_day
        self.until_h = until_h
        #: whether ``until_h`` is a configured ``until`` (the road closes) or the run's end
        self.road_closes = road_closes
        #: ``ferry_h(trucks, flotilla)``: hours a convoy is ferried across one big river
        self.ferry_h = ferry_h
        #: (lon, lat) of its configured railhead (None: not known)
        self.railhead_lonlat = railhead_lonlat
        self.jitter_h = jitter_h
        self.leg = leg
        sizes = [count // convoys + (1 if i < count % convoys else 0) for i in range(convoys)]
        self.sizes = [s for s in sizes if s > 0]
        #: the first hour each convoy may send a load: they leave staggered over the first day
        #: so that deliveries spread out (after it, :meth:`next_h` for each formation)
        self.ready_h = [start_h + i * 24.0 / len(self.sizes) for i in range(len(self.sizes))]
        #: each convoy's trucks away from its railhead: ``[hour back, trucks, trip]``, the
        #: trucks sent for a want they fill (``trip``, its number in the column,
        #: :meth:`dispatch`) or split off from them for a formation off its way (trip -1,
        #: :meth:`split_off`)
        self.away: list[list[list]] = [[] for _ in self.sizes]
        #: the column's last load for each formation it was timed to (the ``target`` of
        #: :meth:`dispatch`; the army's reserve has a key of its own): ``target -> {trip: hour
        #: it arrives}``, the trips of every convoy sent for it in that hour; the column's next
        #: load for that formation waits for the last of them (:meth:`next_h`). One record for
        #: the whole column, not one per convoy: with one per convoy a column split into N
        #: convoys kept up to N loads on the road to one formation (each convoy free for it
        #: while another's load was on its way), so ``convoys:`` changed the cadence the rule
        #: gives a column, not only how its trips are staggered
        self.due: dict[str, dict[int, float]] = {}
        self.trips = 0  # loads sent so far (the next trip's number)
        self.unreachable_h: list[float] = []
        #: why the last dispatch attempt sent nothing ("" when it sent or had nothing ready)
        self.blocked = ""
        self.reasons: dict[str, None] = {}
        #: first hour a convoy was ready but could not arrive before the road closes (until_h)
        self.closed_h: float | None = None

    def held_at_river(self, d: Delivery, ferried: tuple[float, ...], flotilla: bool,
                      factors: tuple[float, ...] = ()) -> Delivery:
        """``d`` (a convoy of this column on its way) when its formation has started being
        ferried over rivers since it was sent, all across at ``ferried`` (hours): rule
        ``convoy_behind_ferrying`` (:meth:`dispatch`), the convoy ferried behind it, delivering
        no earlier than each of them plus its own ferry time there (x that crossing's
        ``factors``: :func:`behind_ferrying`), and back that much later (its convoy's
        ``ready_h``). ``d`` itself when ``ferried`` is empty."""
        if not ferried:
            return d
        ferry = 0.0
        if self.ferry_h is not None and 0 <= d.convoy < len(self.sizes):
            ferry = float(self.ferry_h(self.sizes[d.convoy], flotilla))
        each_way, after = behind_ferrying(ferry, ferried, factors)
        arrive = max(d.time_h + each_way, after)
        later_h = (arrive - d.time_h) + each_way
        if 0 <= d.convoy < len(self.ready_h) and d.trip >= 0:
            for a in self.away[d.convoy]:  # its trucks are back later
                if a[2] == d.trip:
                    a[0] += later_h
            for trips in self.due.values():  # its formation's next load waits for it
                if d.trip in trips:
                    trips[d.trip] = arrive
        return replace(d, time_h=arrive, note=d.note + (
            f"; held {arrive - d.time_h:.1f} h: its formation was being ferried over "
            f"{len(ferried)} river(s) when it came up, it is ferried behind ({each_way:.1f} h "
            "each way)"))

    def split_off(self, convoy: int, trucks: int, back_h: float, trip: int = -1) -> list:
        """``trucks`` of convoy ``convoy`` sent on a trip of their own, back at its railhead at
        ``back_h`` (hours): until then the convoy leaves without them (:meth:`dispatch`).
        ``trip``: the part of the convoy they are split from (its number; -1: the whole
        convoy), which is then away with that many trucks fewer. Returns their record in
        :attr:`away` (``[hour back, trucks, -1]``: moving its hour later keeps them away)."""
        for a in self.away[convoy]:
            if trip >= 0 and a[2] == trip:
                a[1] -= min(trucks, a[1])
        entry = [back_h, trucks, -1]
        self.away[convoy].append(entry)
        return entry

    def per_truck_l(self, own_l: float) -> float:
        """Litres a truck delivers on a trip burning ``own_l`` litres of its own fuel (there
        and back): its load less what goes beyond its own tank, at least 0."""
        return max(0.0, self.payload_l - max(0.0, own_l - self.truck_tank_l))

    def trip_away(self, convoy: int, trip: int) -> list | None:
        """The record in :attr:`away` (``[hour back, trucks, trip]``) of trip ``trip`` of
        convoy ``convoy`` (the trucks still with it, not split off); None when it has none
        (back, a trip or convoy number out of range, or -1)."""
        if not (0 <= convoy < len(self.away)) or trip < 0:
            return None
        return next((a for a in self.away[convoy] if a[2] == trip), None)

    def next_h(self, convoy: int, target: str = "") -> float:
        """The hour convoy ``convoy`` may send its next load timed to formation ``target``
        (hours): when the column's last load for it arrives (the last of its trips, whichever
        convoys sent them: :attr:`due`), not before the convoy's first hour
        (:attr:`ready_h`). Why (the column commander's rule, assumed: no source gives a
        column's cadence): a formation's next load is sized to its want when the last one is
        there; the loads for the other formations leave with the trucks at the railhead.
        Before, the trucks left at the railhead waited for any load's arrival, a whole
        drive-out, with other formations wanting (the 25th Army's 10th Mechanized Corps
        stopped 10 km short of Kirin)."""
        due = self.due.get(target)
        return max(self.ready_h[convoy], max(due.values()) if due else -math.inf)

    def free(self, target: str, now_h: float) -> bool:
        """Whether a convoy of the column may send a load timed to ``target`` at ``now_h``: its
        :meth:`next_h` for it has come and it has trucks at the railhead (:meth:`present`);
        the road not closed (``until_h``)."""
        return now_h < self.until_h and any(
            self.next_h(i, target) <= now_h and self.present(i, now_h) > 0
            for i in range(len(self.sizes)))

    def present(self, convoy: int, now_h: float) -> int:
        """Trucks of convoy ``convoy`` at its railhead at ``now_h``: its size less those split
        off and not back yet."""
        self.away[convoy] = [a for a in self.away[convoy] if a[0] > now_h]
        return max(0, self.sizes[convoy] - sum(a[1] for a in self.away[convoy]))

    @property
    def notes(self) -> list[str]:
        """What went wrong for this column (one line each, not one per hour)."""
        out = []
        if self.closed_h is not None and self.road_closes:
            out.append(f"{self.name}: from +{self.closed_h:.0f} h no convoy was sent: it would "
                       f"not reach its formation before the road closes at "
                       f"+{self.until_h:.0f} h (until)")
        if not self.unreachable_h:
            return out
        h = self.unreachable_h
        why = _reasons_text(list(self.reasons))
        carrier = "ships'" if self.kind == "river" else "trucks'"
        return out + [f"{self.name}: the formation was out of the {carrier} reach in {len(h)} "
                      f"dispatch hour(s), from +{h[0]:.0f} h to +{h[-1]:.0f} h, so they "
                      f"delivered nothing then" + (f" ({why})" if why else "")]

    def dispatch(
        self,
        now_h: float,
        step_index: int,
        season: str,
        rng: np.random.Generator,
        speed_scale: float,
        fuel_scale: float,
        wanted_l: float = float("inf"),
        ferried: tuple[float, ...] = (),
        flotilla: bool = False,
        target: str = "",
        want_at: Callable[[float], float] | None = None,
        factors: tuple[float, ...] = (),
    ) -> list[Delivery]:
        """Send convoys ready at ``now_h`` while the army still wants fuel (``wanted_l``,
        litres it lacks that nothing on the road brings yet; :data:`WANTED_MIN_L`); each sent
        load comes off it. Return their future deliveries.

        A ready convoy sends those of its trucks at the railhead the want at the load's arrival
        fills (``want_at``, else ``wanted_l``; :func:`trucks_for`); they are away until back
        (their trip, :attr:`away`). The load is timed to formation ``target`` (its id; the
        army's reserve has a key of its own): the column's next load for it leaves, with the
        trucks at the railhead then, when this one reaches it (:meth:`next_h`; the convoys
        ready in the same hour send theirs as one load, :attr:`due`; assumed: a
        column sends one load at a time to a formation, sized to its lack when it leaves; sent
        every hour, loads so sized split a convoy into hundreds of small ones, the want growing
        by an hour's burn: tried in 0d64063); loads for other formations leave with the trucks
        at the railhead. A convoy sent whole sends again when its first trucks are back, as
        before. The trucks' own fuel is that of the trucks sent. ``want_at(h)``: the want at a
        load's arrival ``h`` hours from now, with what its formations burn while it is loaded
        and driven out (:meth:`Resupply.send <logistics.advance.resupply.Resupply.send>`: each
        formation's, less what is on the road for it, its burn included).

        ``ferried``: the hours at which the formation was all across each big river it is
        ferried over between the railhead and where it is (``flotilla``: by its flotilla
        brigade). Rule ``convoy_behind_ferrying`` (configs/norms/movement.yaml ``river``): a
        convoy is ferried behind the formation, so it arrives no earlier than the last of
        them plus its own ferry time (``ferry_h``), and it pays that ferry time at each of
        them, each way, x the crossing's ``factors`` (the formation's ``time_factor`` there:
        the water its route crosses, :func:`behind_ferrying`). Why: the cost engine prices
        such a river as a 45-min bridge, and the convoys crossed it for free while the
        formation waited days for its means."""
        out: list[Delivery] = []
        self.blocked = ""
        sent_l = 0.0  # litres of the loads sent in this call
        for i in range(len(self.sizes)):
            if self.next_h(i, target) > now_h or now_h >= self.until_h:
                continue
            if wanted_l - sent_l <= WANTED_MIN_L:
                break
            present = self.present(i, now_h)
            if present <= 0:
                continue
            leg = self.leg(step_index, season)
            if not leg.reachable:
                if not self.blocked:
                    self.unreachable_h.append(now_h)
                self.blocked = leg.reason or "no way between railhead and formation"
                self.reasons[self.blocked] = None
                continue
            own = leg.fuel_l * fuel_scale
            per_truck = self.per_truck_l(own)
            out_h = leg.out_s / 3600.0 / speed_scale * self.stretch
            h = self.load_h + out_h
            n = trucks_for((want_at(h) if want_at is not None else wanted_l) - sent_l,
                           per_truck, present)
            if n <= 0:
                if per_truck <= 0.0 and not self.blocked:
                    self.blocked = LOAD_EATEN
                continue
            back_h = leg.back_s / 3600.0 / speed_scale * self.stretch
            ferry = 0.0
            if ferried and self.ferry_h is not None:
                ferry = float(self.ferry_h(n, flotilla))
            each_way, after = behind_ferrying(ferry, ferried, factors)
            out_h += each_way
            back_h += each_way
            jitter = abs(rng.normal(0.0, self.jitter_h)) if self.jitter_h > 0 else 0.0
            arrive = now_h + self.load_h + out_h + jitter
            if ferried:  # not before the formation is all across and the convoy after it
                arrive = max(arrive, after)
            if arrive > self.until_h:  # the road closes before it gets there: not sent
                if self.closed_h is None:
                    self.closed_h = now_h
                continue
            # the trucks sent are away until back; the next load for ``target`` waits for them
            trip, self.trips = self.trips, self.trips + 1
            self.away[i].append([arrive + self.unload_h + back_h, n, trip])
            out.append(
                Delivery(
                    time_h=arrive,
                    source=self.name,
                    kind=self.kind,
                    litres=n * per_truck,
                    fuel_type=self.fuel_type,
                    truck_fuel_l=n * own,
                    convoy=i,
                    trucks=n,
                    trip=trip,
                    note=f"{n} {'ships' if self.kind == 'river' else 'trucks'}"
                         + (f" of {present} at the railhead" if n < present else "")
                         + f", {out_h:.1f} h out, {back_h:.1f} h back" + (
                        f" ({len(ferried)} river(s) ferried, {each_way:.1f} h each way, "
                        "behind the formation)" if ferried else ""),
                )
            )
            sent_l += n * per_truck
        if out:  # the column's load for ``target``: every convoy's trip sent for it this hour
            self.due[target] = {d.trip: d.time_h for d in out}
        return out
