"""The hour-by-hour step loop of an army: every formation's elements moving on their routes, all
drawing on one fuel account, recorded hour by hour.

One step is one clock hour (the first starts at H-hour). In each step:

1. deliveries that have fallen due are booked (truck convoys, airlift): into the formation they
   were sent to (its elements' tanks, the shortest range first; an airlift's not to one that
   has arrived: :meth:`~logistics.advance.resupply.Resupply.book`), then the army's reserve;
   what fits nowhere is returned;
2. every truck convoy back at its railhead is sent to the army: its legs are timed by the cost
   engine to the head of the first formation in ``fuel.priority`` whose tanks, less what is
   already on its way, are not full, and on arrival its load is shared out in priority order
   among every formation the convoys serve (marching ones and shuttles),
   then the reserve; only what fits nowhere goes back
   (:meth:`~logistics.advance.resupply.Resupply.dispatch`);
3. the elements move, formations in priority order (so the reserve serves them in that order;
   a formation held behind its parent right after it:
   :meth:`~logistics.advance.holds.Holds.step_order`):
   during the formation's march window, at the pace of its slowest class on each step (its
   profile), slower at night, until the march time is used up, a stop is reached (an objective,
   a fortified region, a depot, the crossing where the flotilla ferries it), the route ends, or
   fuel runs out. Through the depth of a fortified region (the plan's ``fortified`` stretches)
   the formation's head advances at the rule's breakthrough rate, hour by hour round the clock,
   instead of its march pace (:meth:`_Loop.breach`). Fuel comes from the element's tanks, then
   the army's reserve of that fuel (with ``reserve_carrier``, only within ``reserve_reach_km``
   of the carrier's head at the hour's start: the reserve rides on a formation's transport,
   :meth:`~logistics.advance.fuel_draw.FuelDraw.reach`); a class that runs dry takes a share of
   the same fuel the element's other classes hold, each left with the same km of range
   (:meth:`~logistics.advance.fuel_draw.FuelDraw.share`: one column refuels from the fuel it
   carries); with ``drain_stalled`` an element that
   would stop takes the fuel of the lower-priority elements of its own formation family. Classes
   that are still dry stay behind as an element of their own; the rest go on. An element with no
   pace class never passes its formation's leading element; elements at one place with fuel join
   up again. A formation formed out of its parent (``formed``) never passes its parent's head
   until that head is past the point where it is formed (it moves with its parent until then). A
   formation whose head reaches a major or large river's crossing where its flotilla sails or
   on the Amur-Ussuri frontier (every such one on its route; the channels of one crossing,
   within ``ferry_sites.CHANNELS_WITHIN_KM`` of route, are one ferrying, timed for their water
   together: formation_plan.py ``_one_ferrying``) joins its crossing site's park's
   queue (the army's own crossing means, one pontoon park a site)
   and, where a flotilla ferries it (``ferry_by``), its brigade's
   (:meth:`~logistics.advance.holds.Holds.ferried_at`: such a river is wider than a park's
   bridge, so the route's 45-min bridge is not its crossing); each means takes one formation
   at a time, whole (``ferry_h``, :func:`~logistics.network.ferry_time_h`; ``own_means_h``,
   :func:`~logistics.network.own_means_time_h`), and when one comes free it takes the first in
   fuel priority order of those waiting for it (forward detachments first), which goes with
   whichever of its means has all of it across first
   (:meth:`~logistics.advance.holds.Holds.ferry_take`, :mod:`~logistics.advance.ferry_queue`); a
   formation still in its parent's column (not formed yet, or attached) waits from when its
   parent's head reaches the same crossing site
   (:meth:`~logistics.advance.holds.Holds.in_column`). Its head waits at the crossing until one
   of its means has landed its first trip on the far bank (the crossing's ``landing_h`` after
   the means starts on it: ``Holds.landed_h``; every means' hours there grow with the water
   the route crosses, ``time_factor``); from then until it is all across its head stays in
   the bridgehead, at most ``plan.ferry_bridgehead_km`` beyond the crossing's far bank (the
   end of the water its ferry carries it over, ``CrossingStop.far_km``) and short of its
   route's next big-river crossing (its status
   ``carried`` while it waits there; its tail stays at the crossing), and moves on at its own
   pace once it is released (:meth:`~logistics.advance.holds.Holds.held_at`). **Assumed**: the
   sources give the ferrying rate, not what the part already across did; a bridgehead of one
   day's march (configs/norms/march.yaml ``truck_borne_infantry.shuttle_bound_km``, the
   shuttle's bound) is the assumption; range: the crossing site itself to no hold (the Monte
   Carlo draws it only with the shuttle bound's own range).

Carried formations (``advance/movement``) are placed on the :class:`Timetable` their means
give: the flotilla's river move and a truck shuttle are planned with the army; a rail move is
planned when the formation departs, over the lines the army holds by then (retried each day
until a train can run), and the shuttle's trucks burn the army's fuel. Before each dispatch the
army's railway (``plan.rail``) says where the truck columns load: the usable station nearest
the formation they serve, which moves forward as the formations reach stations and the lines
behind them are restored, so the truck legs shorten.

The ledger balances every day (carried + delivered - consumed = on hand) or the run fails
loudly. The loop is deterministic except where the plan asks for randomness (truck jitter,
airlift variability), drawn from ``numpy.random.default_rng(seed)``.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field, replace
from datetime import timedelta

import numpy as np
import pandas as pd

from logistics.advance.carried import Carried
from logistics.advance.depths import pass_regions
from logistics.advance.elements import Element, Profile, merge, profile, split
from logistics.advance.ferry_queue import FerryQueues
from logistics.advance.ferry_sites import FERRY_SITE_KM
from logistics.advance.fuel_draw import FuelDraw
from logistics.advance.holds import Holds
from logistics.advance.plan import ArmyPlan, FormationPlan, carriers_text
from logistics.advance.records import StepRecords, new_day
from logistics.advance.resupply import Resupply
from logistics.advance.stops import Stops
from logistics.army.fortified import BREACH_WAIT_STATUS, IN_DEPTH_STATUS
from logistics.supply.airlift import airlift_deliveries
from logistics.supply.delivery import Delivery
from logistics.supply.ledger import ArmyLedger
from logistics.supply.reserve import ReservePlace
from logistics.supply.trucks import TruckColumn

__all__ = ["ArmySim", "simulate_army", "STATUSES", "DELIVERY_COLUMNS"]

#: Status values of the tracks and the daily table (``carried``: on its means of movement, or
#: a marching formation's head held at the crossing while it waits for its means, or in the
#: bridgehead while they ferry it; ``assault``: in a fortified depth,
#: ``army.fortified.IN_DEPTH_STATUS``; ``waiting for a breach``: held at a depth's edge until
#: a formation of its army breaking in enters it, ``army.fortified.BREACH_WAIT_STATUS``).
STATUSES: tuple[str, ...] = ("moving", "rest", "halted: no fuel", IN_DEPTH_STATUS,
                             BREACH_WAIT_STATUS, "detached", "carried", "arrived",
                             "not started")

#: Columns of the deliveries table: one row per delivery and taker (``formation_id``: a
#: formation, or ``(reserve)`` for the army's reserve), ``litres`` that taker's share; the
#: delivery's own figures (``delivery_id``, time, source, kind, ``offered_l``, ``fuel_type``,
#: ``truck_fuel_l``, note) repeat on each of its rows.
DELIVERY_COLUMNS: tuple[str, ...] = ("delivery_id", "time", "source", "kind", "offered_l",
                                     "litres", "fuel_type", "truck_fuel_l", "formation_id",
                                     "note")

_EPS_KM = 1e-6
_EPS_S = 1e-3
#: Elements closer than this (km) on one route join up.
_JOIN_KM = 0.05


@dataclass(frozen=True)
class ArmySim:
    """What the step loop produced: per-formation ``tracks`` and ``daily`` tables, the army's
    ``army_daily`` ledger, every ``delivery`` (:data:`DELIVERY_COLUMNS`), stops ``reached``,
    ``crossings`` and notes."""

    tracks: pd.DataFrame
    daily: pd.DataFrame
    army_daily: pd.DataFrame
    deliveries: pd.DataFrame
    reached: pd.DataFrame
    crossings: pd.DataFrame
    notes: tuple[str, ...] = field(default_factory=tuple)
    #: the regions the army broke into, for the other armies of a run of several
    #: (:class:`~logistics.advance.shared_breaches.SharedBreach`, :meth:`Holds.breaches_made`)
    breaches: tuple = ()
    #: formation id -> hours after H-hour its whole marching column was where its head
    #: arrived: its tail, ``FormationPlan.tail_lag_h`` march hours behind its head
    #: (:meth:`~logistics.advance.records.StepRecords.trailing`); none for a formation
    #: with no lag or whose tail was not there by the run's end
    tail_all_h: dict = field(default_factory=dict)


@dataclass
class _FState:
    """Runtime state of one formation besides its elements."""

    elements: list[Element]
    taken_regions: set = field(default_factory=set)
    #: fortified stretches (``plan.fortified``) crossed; the index of the one being crossed
    passes_done: int = 0
    breach: int | None = None
    #: of those, the ones a carried formation's body has come out of (its timetable crosses
    #: them: :meth:`~logistics.advance.carried.Carried.carried` books the breach made)
    outs_done: int = 0
    objectives_done: int = 0
    crossings_done: int = 0
    #: the depots (their index in ``plan.depots``) its head has reached: it takes from each once
    depots_done: set = field(default_factory=set)
    #: its current (or last) ferrying across a major or large river: the crossing's km and
    #: when its head reached it (it waits for its brigade and its site's park from then), and
    #: when all of it is across (None until one of them takes it)
    ferry_km: float | None = None
    ferry_arrived_h: float | None = None
    ferry_release_h: float | None = None
    #: when its means starts on it (None until one takes it): its head holds at the crossing
    #: until then, in the bridgehead after (:meth:`~logistics.advance.holds.Holds.bridgehead_km`)
    ferry_start_h: float | None = None
    #: of that crossing (its ``CrossingStop``): every means' hours x ``ferry_factor`` (its
    #: water's width), and hours from its means' start until its head lands on the far bank
    ferry_factor: float = 1.0
    ferry_landing_h: float = 0.0
    #: km of that crossing's far bank (its ``far_km``): its bridgehead is measured from there
    ferry_far_km: float = 0.0
    #: formed out of its parent (``formed``) and taken across a river short of the point where
    #: it is formed before its parent: from when it is out of its parent's column
    formed_out_h: float | None = None
    #: the crossing site of that crossing (one park of the army's own means each), and the
    #: hours the means that took it needed (its brigade's ``ferry_h`` or ``own_means_h``)
    ferry_site: int | None = None
    ferry_used_h: float = 0.0
    #: hours each of its ferryings took, by the crossing's km (each crossing where it is
    #: ferried: :meth:`~logistics.advance.holds.Holds.ferried_at`)
    ferried_h: dict = field(default_factory=dict)
    #: when each of its ferryings started and when all of it was across, hours since the
    #: start, by the crossing's km (crossings.csv ``ferry_start``, ``all_across``)
    ferry_span_h: dict = field(default_factory=dict)
    arrived_h: float | None = None
    first_dry_h: float | None = None
    en_route_l: float = 0.0
    #: litres it has burned since H-hour (its tanks and the army's reserve): its burn of the
    #: last day, what a convoy loads for the hours it takes to come up (Resupply.burn_l_per_h)
    consumed_l: float = 0.0
    day: dict = field(default_factory=dict)
    #: a timetable planned in the loop (a rail move), else None (the plan's, if any)
    timetable: object | None = None
    #: a timetable planned before the run (a truck shuttle's, the ships') planned again in
    #: the loop when a depth opened for its head (None: the plan's), and, by the index
    #: (``plan.fortified``) of each depth found open so, the km from which it was open for its
    #: head (its ``km_in``: open when the head got there; charged at the rate only before
    #: it: ``carried.Carried.carried``)
    replanned: object | None = None
    open_depths: dict = field(default_factory=dict)
    rail_tried_h: float = -math.inf
    #: men left at fortified regions by a formation whose men are not a vehicle class (a
    #: shuttle: its classes are its trucks, its men ride the timetable)
    men_left: int = 0
    #: a shuttle whose trucks ran dry: since when (None: its trucks drive), where its head and
    #: tail set off on foot and when, its timetable's delay (hours) and its tail's km
    paused_h: float | None = None
    walk_from: tuple[float, float, float] | None = None
    tt_offset_h: float = 0.0
    tail_s: float | None = None
    #: a shuttle whose trucks are dry: ``((men, km) of each group, its trucks' km)`` on its
    #: timetable when they ran dry; and, once fuel reached them, ``(hour on its timetable's
    #: clock, groups, trucks' km)`` its timetable was planned again from, kept for every later
    #: plan (``carried.Carried._refuelled``)
    dry_state: tuple | None = None
    resume: tuple | None = None
    #: a shuttle whose fuel covers only some of its lift trucks: how many drive (the others
    #: stand dry until fuel reaches them; None: all of them), kept for every later plan with
    #: ``resume`` (``carried.Carried._covered_lift``)
    trucks: int | None = None
    #: a truck shuttle's or the ships' head held at the edge of a ``follow`` depth until the
    #: breach opens it (``carried.Carried._edge``): (the pass's index, the hour it got there),
    #: None when not held; its timetable is planned again from the hour it goes on
    #: (``carried.Carried._go_in``)
    edge_wait: tuple[int, float] | None = None
    #: by the index (``plan.fortified``) of each follow depth its head waited at the edge of,
    #: the hour its army's breach let it in, on its timetable's clock (the hour less
    #: ``tt_offset_h``; inf: not known yet, its men on foot held at the edge): its timetable
    #: planned again from then, its men on foot go in then (``carried.Carried._edge``)
    open_from_h: dict = field(default_factory=dict)
    #: a shuttle's men on foot (its trucks dry) held at a follow depth's edge at the step's end
    walk_held: bool = False
    #: its head's trajectory so far: its column's march hours since the start
    #: (:meth:`~logistics.advance.records.StepRecords.column_clock`; at the steps' ends, and
    #: its own start and arrival within a step) and its km then, recorded up to hour
    #: ``column_at_h``; its tail trails it by ``FormationPlan.tail_lag_h`` march hours
    #: (:meth:`~logistics.advance.records.StepRecords.trailing`): due where its head arrived
    #: at the column's hour ``tail_due_c``, there from hour ``tail_all_h`` (None: not yet)
    head_h: list = field(default_factory=list)
    head_km: list = field(default_factory=list)
    column_at_h: float = 0.0
    tail_due_c: float | None = None
    tail_all_h: float | None = None


def _clock_h(t) -> float:
    return t.hour + t.minute / 60.0 + t.second / 3600.0


def _step_bounds(plan: ArmyPlan) -> list[float]:
    c0 = _clock_h(plan.start)
    total = plan.duration_h
    bounds = [0.0]
    k = math.floor(c0) + 1
    while k - c0 < total - 1e-9:
        bounds.append(k - c0)
        k += 1
    bounds.append(total)
    return bounds


def beyond_reach_text(far_km: float, reach_km: float) -> str:
    """"X km away: beyond its reach of Y km" in whole km, or with as many decimals (up to
    three) as it takes for the two to read apart (a reserve 100.19 km away, its reach 100 km:
    "100.2 ... 100.0")."""
    nd = next((n for n in range(4) if f"{far_km:.{n}f}" != f"{reach_km:.{n}f}"), 3)
    return f"{far_km:.{nd}f} km away: beyond its reach of {reach_km:.{nd}f} km"


class _Loop(StepRecords, Resupply, FuelDraw, Holds, Stops, Carried):
    """Mutable state of one army run and its marching step; :func:`simulate_army` drives it.

    The state is set here (``__init__``); the loop's other jobs are parts of their own, each
    in its module and each reading and changing this state: the tables it writes
    (:class:`~logistics.advance.records.StepRecords`), fuel reaching the army
    (:class:`~logistics.advance.resupply.Resupply`), fuel drawn within a step
    (:class:`~logistics.advance.fuel_draw.FuelDraw`), how far a head may go and its ferrying
    (:class:`~logistics.advance.holds.Holds`), the stops on a route
    (:class:`~logistics.advance.stops.Stops`) and formations on a timetable
    (:class:`~logistics.advance.carried.Carried`).

    Where to find what ``self`` has (the mixins set no attribute of their own; they read and
    change this state):

    =====================  =========================================================================
    module (class)         attributes and methods
    =====================  =========================================================================
    simulate (``_Loop``)   state, set in ``__init__``: ``plan``, ``rng``, ``c0`` (H-hour's clock
                           hour), ``fp`` (id -> FormationPlan), ``order``, ``rank``, ``root``,
                           ``state`` (id -> ``_FState``), ``ledger``, ``queue``, ``expected``,
                           ``reserve_en_route_l``, ``trucks``, ``deliveries``, ``reached``,
                           ``crossing_times``, ``depots_left``, ``ferries``, ``notes``,
                           ``army_day``, ``pos_lon``/``pos_lat``/``pos_t``/``pos_f``,
                           ``railheads``, ``reserve_place``; the march: ``season``, ``prof``,
                           ``lead``, ``timetable``, ``path``, ``lonlat``, ``move``, ``arrived``,
                           ``short_of_fuel``, ``breach``, ``window_from_h``, ``notes_dry``,
                           ``join_up``, ``tanks_total``, ``on_hand``; the breaches:
                           ``breach_open_h``, ``broken_by_army``, ``breach_waits``,
                           ``breach_through``, ``own_lag_h``, ``breach_log``; other
                           armies' breaches:
                           ``shared``, ``shared_open``, ``shared_used``,
                           ``follow_other``
    records                ``track_row``, ``record_positions``, ``reached_so_far``,
    (``StepRecords``)      ``day_record``, ``army_day_record``, ``crossings_table``
    resupply               ``accounts``, ``book_due``, ``book``, ``tanks_of``, ``outran_reserve``,
    (``Resupply``)         ``need_l``, ``reserve_at``, ``fuelled_by_convoy``, ``wants_fuel``,
                           ``dispatch``, ``move_railheads``
    fuel_draw              ``need``, ``locate_reserve``, ``reserve_km``, ``reach``,
    (``FuelDraw``)         ``fuel_limit``, ``dry_classes``, ``share``, ``may_drain``, ``drain``,
                           ``burn``
    holds (``Holds``)      ``held_at``, ``bridgehead_km``, ``ferrying``, ``hold_lifts_h``,
                           ``ferry_queue``, ``breakers_beyond``, ``in_column``,
                           ``ferry_take``, ``open_breach``,
                           ``breach_made``, ``breach_through_h``, ``own_through_h``,
                           ``own_opening``, ``own_lag``, ``own_entry``, ``pass_entry``,
                           ``depth_route``,
                           ``open_at_entry``, ``head_schedule``,
                           ``through_from_h``, ``quicker_through``, ``own_pace_out_h``,
                           ``open_corridor_text``, ``breach_start_h``, ``alone_start_h``,
                           ``shared_at``, ``shared_text``,
                           ``shared_use``, ``follows_other``, ``behind_shared``,
                           ``shared_notes``,
                           ``breaches_made``, ``support_held_at``, ``support_anchors``,
                           ``ferried_river``
    stops (``Stops``)      ``stops_after``, ``far_bank``, ``at_stops``, ``detach``
    carried (``Carried``)  ``carried``, ``plan_rail``, ``shuttle_step``, ``burn_carried``
    =====================  =========================================================================
    """

    def __init__(self, plan: ArmyPlan, seed: int, shared: tuple = ()) -> None:
        self.plan = plan
        self.rng = np.random.default_rng(seed)
        self.c0 = _clock_h(plan.start)
        self.fp = {f.id: f for f in plan.formations}
        self.order = [fid for fid in plan.priority if fid in self.fp]
        self.rank = {fid: i for i, fid in enumerate(self.order)}
        self.root = {fid: self._root(fid) for fid in self.fp}
        self.serial = 0
        self.state: dict[str, _FState] = {}
        tanks0 = 0.0
        fill = plan.army.fuel.in_tanks_refills.value
        for f in plan.formations:
            cap = f.counts * (f.tank_l + f.extra_l)
            tanks = f.counts * (fill * f.tank_l + f.extra_l)
            e = Element(f.id, 0.0, f.counts.astype(np.float64).copy(), tanks.astype(np.float64),
                        cap.astype(np.float64), serial=self._serial())
            self.state[f.id] = _FState([e])
            tanks0 += float(tanks.sum())
            self.state[f.id].day = new_day()
        self.ledger = ArmyLedger(plan.reserve_l, plan.reserve_capacity_l, tanks0,
                                 section_shares=plan.reserve_shares)
        self.queue: list = []
        self.seq = 0
        #: litres each formation expects of a convoy on its way (by the delivery's id)
        self.expected: dict[int, dict[str, float]] = {}
        #: litres on the road for the army's reserve (convoys sent for its room, not yet in)
        self.reserve_en_route_l = 0.0
        # the truck columns, then the river supply's (their indices follow the trucks')
        self.trucks = [TruckColumn(**{k: v for k, v in vars(t).items()})
                       for t in (*plan.trucks, *plan.boats)]
        for a, prio in zip(plan.airlifts, plan.air_priority or [()] * len(plan.airlifts)):
            for d in airlift_deliveries(name=a.name, first_day_h=a.first_day_h, n_days=a.n_days,
                                        hour_offset_h=a.hour_offset_h, total_l=a.total_l,
                                        fuel_type=a.fuel_type, daily_cv=a.daily_cv, rng=self.rng):
                self._push(replace(d, formation_id=",".join(prio)))
        self.deliveries: list[dict] = []
        self.reached: list[dict] = []
        self.crossing_times: dict[tuple[str, int], float] = {}
        #: every (hour, formation, pass) a formation breaking in (not following) entered each
        #: fortified region's depth: open from then for a follower where its route enters, and
        #: sideways from it at the rate (:meth:`~logistics.advance.holds.Holds.own_entry`); and
        #: the regions some formation of the army breaks into
        #: (:meth:`~logistics.advance.holds.Holds.breach_start_h`)
        self.breach_open_h: dict[str, list[tuple[float, str, int]]] = {}
        self.broken_by_army = {rid for f in plan.formations for p in f.fortified
                               if p.action != "follow" for rid in pass_regions(p)}
        self.breach_waits: set[tuple[str, int]] = set()
        #: every (hour, formation, pass) a formation breaking in came out of each region's
        #: depth: from then the region is an open corridor for the army along that route, and
        #: sideways from it at the rate, and the lag of that opening to each (formation, pass,
        #: breaker, its pass) (:meth:`~logistics.advance.holds.Holds.own_opening`)
        self.breach_through: dict[str, list[tuple[float, str, int]]] = {}
        self.own_lag_h: dict[tuple[str, int, str, int], float] = {}
        #: the breaches other armies of the run made of the regions it crosses
        #: (:mod:`~logistics.advance.shared_breaches`; none when it runs alone), from when each
        #: (formation, pass) is open by them, and the passes crossed so, with how
        #: (:meth:`~logistics.advance.holds.Holds.shared_at`, ``shared_use``)
        self.shared = tuple(shared)
        self.shared_open: dict[tuple[str, int], object] = {}
        self.shared_used: dict[tuple[str, int], tuple[float, str]] = {}
        #: each pass a formation broke into: [hour in, hour out] (inf: not out), the army's
        #: breaches for the others (:meth:`~logistics.advance.holds.Holds.breaches_made`)
        self.breach_log: dict[tuple[str, int], list[float]] = {}
        #: (formation, pass) -> whether it follows another army's breaker there
        #: (:meth:`~logistics.advance.holds.Holds.follows_other`)
        self.follow_other: dict[tuple[str, int], bool] = {}
        #: each captured depot's litres still there and its delivery id, once a formation has
        #: reached it (:meth:`~logistics.advance.stops.Stops.take_depots`)
        self.depots_left: dict[int, tuple[float, int | None]] = {
            n: (float(litres), None) for n, (_, litres, _) in enumerate(self.plan.depots)}
        #: the brigades' and the crossing sites' own means' queues (:meth:`ferry_take`)
        self.ferries = FerryQueues(self.rank, FERRY_SITE_KM)
        self.notes: list[str] = []
        self.army_day = self._new_army_day()
        self.pos_lon: list[float] = []
        self.pos_lat: list[float] = []
        self.pos_t: list[float] = []
        self.pos_f: list[str] = []
        self._prof_cache: dict = {}
        #: the last (path km, lon, lat arrays, km, (lon, lat)) :meth:`lonlat` gave for each
        #: formation
        self._lonlat_last: dict[str, tuple] = {}
        self._rule = None
        self.railheads: dict[int, str] = {}
        #: where each truck column loads once the railway moved its railhead forward
        self.railhead_lonlat: dict[int, tuple[float, float]] = {}
        #: a truck delivery on its way: (formation it was timed to, its column, the ferried
        #: rivers' all-across hours it was timed behind), by ``id`` (:meth:`held_at_river`)
        self.convoy_sent: dict[int, tuple[str, int, tuple[float, ...]]] = {}
        #: a convoy's share on its way or waiting with its taker: (its column, its trucks'
        #: record in the column's ``away`` or None: dropped by the convoy as it passed, the
        #: hour it first reached its taker or None, its taker: a formation or the reserve), by
        #: ``id`` (:meth:`~logistics.advance.resupply.Resupply.wait_with_taker`)
        self.convoy_shares: dict[int, tuple[int, list | None, float | None, str]] = {}
        #: a share waiting with its taker: (its delivery's id in ``deliveries``, that
        #: delivery's whole load (L) and trucks' own fuel (L)), by ``id``
        #: (:meth:`~logistics.advance.resupply.Resupply.book`)
        self.waiting_of: dict[int, tuple[int, float, float]] = {}
        #: deliveries numbered so far (``delivery_id``,
        #: :meth:`~logistics.advance.resupply.Resupply.new_delivery_id`)
        self.delivery_count = 0
        #: each formation's (hour, litres burned since H-hour) samples of the last day
        #: (:meth:`~logistics.advance.resupply.Resupply.burn_l_per_h`)
        self.burn_seen: dict = {}
        #: where the army's reserve is (``plan.reserve_carrier``'s head; with several
        #: carriers, each section at its carrier's) and its reach
        self.reserve_place = ReservePlace(plan.reserve_carrier, plan.reserve_reach_km,
                                          carriers=plan.reserve_carriers)

    # -- small helpers --------------------------------------------------------------------
    def _serial(self) -> int:
        self.serial += 1
        return self.serial

    def _root(self, fid: str) -> str:
        cur, seen = fid, set()
        while True:
            p = self.fp[cur].unit.parent
            if p is None or p not in self.fp or p in seen:
                return cur
            seen.add(cur)
            cur = p

    def _new_army_day(self) -> dict:
        return {"carried": self.on_hand(), "delivered": {"truck": 0.0, "river": 0.0, "air": 0.0,
                                                       "depot": 0.0},
                "consumed": 0.0, "returned": 0.0, "truck_fuel": 0.0, "drained": 0.0,
                "blocked": {}}

    def _push(self, d: Delivery) -> None:
        heapq.heappush(self.queue, (d.time_h, self.seq, d))
        self.seq += 1

    def season(self, t_h: float) -> str:
        return self.plan.season_at(t_h)

    def tanks_total(self) -> float:
        return float(sum(e.tanks.sum() for st in self.state.values() for e in st.elements))

    def on_hand(self) -> float:
        return self.ledger.on_hand(self.tanks_total())

    def prof(self, e: Element, fp: FormationPlan, season: str) -> Profile:
        key = (season, e.key())
        cache = self._prof_cache.setdefault(fp.id, {})
        if key not in cache:
            cache[key] = profile(fp.step_time_s[season], fp.step_fuel_l[season], fp.pace_mask,
                                 e.present, fp.idle_l_per_h)
        return cache[key]

    def lead(self, fid: str) -> Element:
        """The formation's head: the foremost element holding a pace class (else any); of
        several level with it, one that has fuel to go on (a dry element at the head must not
        hold back the vehicles beside it that can move: they never pass the head)."""
        els = [e for e in self.state[fid].elements if not e.detached] or self.state[fid].elements
        fp = self.fp[fid]
        with_pace = [e for e in els if (e.present & fp.pace_mask).any()]
        front = max(e.s for e in (with_pace or els))
        level = [e for e in (with_pace or els) if e.s >= front - 1e-9]
        if len(level) > 1:
            can_go = [e for e in level if not self.dry_classes(e, fp)[e.present].all()]
            level = can_go or level
        return min(level, key=lambda e: e.serial)

    def timetable(self, fid: str):
        """The formation's timetable: planned in the loop (rail; a shuttle's re-planned
        through an open depth), else the plan's."""
        st = self.state[fid]
        return st.timetable or st.replanned or self.fp[fid].timetable

    def path(self, fid: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(km, lon, lat) of the path the formation's km is measured on."""
        fp, tt = self.fp[fid], self.state[fid].timetable
        if tt is not None and tt.ok:
            return tt.km, tt.lon, tt.lat
        return fp.km, fp.lon, fp.lat

    def lonlat(self, fid: str, km: float) -> tuple[float, float]:
        """(lon, lat) of km ``km`` of the formation's path. The last answer of each formation
        is kept (for the same path and km): an element's place is asked again and again within
        a step (the reserve's reach of every fuel draw and dry-class check), ~200,000 times a
        'run configs/', two interpolations each."""
        pk, plon, plat = self.path(fid)
        last = self._lonlat_last.get(fid)
        if last is not None and last[0] is pk and last[1] is plon and last[2] is plat \
                and last[3] == km:
            return last[4]
        if len(pk) < 2:
            out = float(plon[0]), float(plat[0])
        else:
            out = float(np.interp(km, pk, plon)), float(np.interp(km, pk, plat))
        self._lonlat_last[fid] = (pk, plon, plat, km, out)
        return out

    # -- movement -------------------------------------------------------------------------
    def move(self, fid: str, e: Element, a: float, b: float) -> str:
        """Move one element during [a, b); return its status."""
        fp, st = self.fp[fid], self.state[fid]
        u = fp.unit
        if e.detached:
            return "detached"
        if b <= u.start_h:
            return "not started"
        self.reach(fid, e)
        end_km = float(fp.km[-1])
        u0 = max(a, u.start_h)
        if e.s >= end_km - _EPS_KM and len(fp.km) > 1:
            return self.arrived(st, u0)
        through = False
        if st.breach is None and e is self.lead(fid) and \
                self.stops_after(fid, e, u0) <= e.s + _EPS_KM:
            # a stop where it stands (a depth it starts in or halted at): crossed round the clock
            self.at_stops(fid, e, u0, lead=True)
        if st.breach is not None and e is self.lead(fid):
            u_in = u0
            u0, status = self.breach(fid, e, u0, b)
            if status == "assault" and e.s >= end_km - _EPS_KM:
                return self.arrived(st, u0)  # through the depth to the route's end
            if u0 >= b - _EPS_S / 3600.0 or status != "assault":
                return status
            # out of the depth within this step: on at its own pace (its status is the
            # depth's when it spent some of the step there)
            through = u0 > u_in + _EPS_S / 3600.0
        season = self.season(a)
        sched = fp.schedule[season]
        window = sched.moving_hours(self.c0 + u0, self.c0 + b)
        if window <= 0:
            return "assault" if through else "rest"
        rate = 3600.0 * self.plan.speed_scale * sched.speed_factor((self.c0 + u0) % 24.0)
        budget = window * rate
        moved = False
        status = "rest"
        p = self.prof(e, fp, season)
        for _ in range(200):
            if budget <= _EPS_S:
                break
            lead = self.lead(fid)
            cap = end_km if e is lead else lead.s  # never past the formation's head
            # not formed yet / attached: not past its parent; not all ferried: bridgehead
            now = b - budget / rate
            cap = min(cap, self.held_at(fid, now))
            lifts = self.hold_lifts_h(fid, now, b) if e is lead and e.s >= cap - _EPS_KM \
                else None
            if lifts is not None:
                # its means starts on it, or all across, within the hour: on from then
                left = sched.moving_hours(self.c0 + lifts, self.c0 + b) * rate
                if left < budget - _EPS_S:
                    budget = left
                    continue
            t_here = float(np.interp(e.s, fp.km, p.time_s))
            target = t_here + budget
            s_time = end_km if target >= p.time_s[-1] else float(np.interp(target, p.time_s, fp.km))
            s_stop = self.stops_after(fid, e, now) if e is lead else math.inf
            s_want = min(s_time, s_stop, end_km, cap)
            if s_want <= e.s + _EPS_KM and s_stop > e.s + _EPS_KM:
                break  # behind its head: wait there
            s_fuel = self.fuel_limit(e, fp, p, s_want)
            s_new = min(s_want, s_fuel)
            if s_new > e.s:
                self.burn(fid, e, fp, self.need(e, fp, p, s_new))
                used = float(np.interp(s_new, fp.km, p.time_s)) - t_here
                budget -= max(used, 0.0)
                if e is lead:  # the day's hours are the head's (stranded vehicles: dry_classes)
                    st.day["moving"] += max(used, 0.0) / rate
                e.s = s_new
                moved = True
                status = "moving"
            if e is lead and s_stop <= e.s + _EPS_KM:
                self.at_stops(fid, e, b - budget / rate, lead=True)
                if st.breach is not None:  # into a fortified depth: the rest of the step there
                    return self.move(fid, e, b - budget / rate, b)
                if e.s < end_km - _EPS_KM:  # a stop at the route's end: arrived, below
                    p = self.prof(e, fp, season)
                    continue
            if e.s >= end_km - _EPS_KM:
                return self.arrived(st, b - budget / rate)
            if e.s >= cap - _EPS_KM:
                if e is lead and self.hold_lifts_h(fid, b - budget / rate, b) is not None:
                    continue  # at the crossing or the bridgehead's edge, on later in the hour
                break
            if s_fuel < s_want - _EPS_KM:
                short = self.short_of_fuel(fid, e, b - budget / rate)
                if short == "none" and not (s_new > e.s - _EPS_KM and s_fuel <= e.s + _EPS_KM):
                    continue
                if short in ("shared", "drained", "split"):
                    p = self.prof(e, fp, season)
                    continue
                # the whole element is dry, or a remainder below the dry threshold limits it
                if e is self.lead(fid):
                    st.day["no_fuel"] += budget / rate
                return "halted: no fuel"
            break
        if not moved and self.dry_classes(e, fp)[e.present].all() and fp.refill_l > 0 \
                and e.present[np.array(fp.fuel_types) != "none"].any() \
                and not (e.present & (np.array(fp.fuel_types) == "none")).any():
            if e is self.lead(fid):
                st.day["no_fuel"] += window
            return "halted: no fuel"
        return status

    @staticmethod
    def arrived(st: _FState, t_h: float) -> str:
        """The formation's head is at its route's end: it has arrived at ``t_h`` (the first
        time it is found there) and its status is ``arrived``. Why one place (review21): a
        head that reached its last objective at the route's end (a stop), or came out of a
        fortified depth there, returned ``moving``/``rest`` and never set ``arrived_h``, so
        the convoys went on serving it after arrival (``Resupply.fuelled_by_convoy``) and
        its track read ``arrived`` an hour late."""
        if st.arrived_h is None:
            st.arrived_h = t_h
        return "arrived"

    def short_of_fuel(self, fid: str, e: Element, t_h: float) -> str:
        """The element cannot go as far as it wants for want of fuel at ``t_h``: share the
        dry classes' fuel with the classes beside them that burn it (``shared``,
        :meth:`~logistics.advance.fuel_draw.FuelDraw.share`), drain the stalled
        (``drained``), or leave its dry classes behind as an element of their own
        (``split``), or it is dry as a whole (``dry``), or no class is dry (``none``: a
        remainder below the dry threshold limits it). Returns which."""
        fp, st = self.fp[fid], self.state[fid]
        dry = self.dry_classes(e, fp)
        if dry.any() and self.share(e, fp, self.prof(e, fp, self.season(t_h)), dry) > 1e-6:
            return "shared"
        if self.plan.drain_stalled and dry.any() and self.may_drain(fp.id) \
                and self.drain(e, fp, dry) > 1e-6:
            return "drained"
        dry = self.dry_classes(e, fp)
        if not dry.any():
            return "none"
        names = ",".join(c for c, d in zip(fp.class_ids, dry) if d)
        if (e.present & ~dry).any():
            stalled = split(e, np.where(dry, e.counts, 0.0), serial=self._serial())
            stalled.status = "halted: no fuel"
            stalled.dry = names
            st.elements.append(stalled)
            if st.first_dry_h is None:
                st.first_dry_h = t_h
            self.notes_dry(fid, names, t_h, e.s)
            return "split"
        e.dry = names
        if st.first_dry_h is None:
            st.first_dry_h = t_h
            self.notes_dry(fid, names, t_h, e.s)
        return "dry"

    def breach(self, fid: str, e: Element, t0: float, b: float) -> tuple[float, str]:
        """Advance the formation's head ``e`` through the fortified depth it is crossing
        (``plan.fortified[state.breach]``) from hour ``t0`` to at most ``b`` at the rule's
        breakthrough rate (km a day, round the clock: no march window, no night pace), burning
        its vehicles' fuel for the km; objectives, crossings and depots inside the depth are
        passed on the way; a follower not before the breach opens (its hours until then at the
        depth's edge are ``breach_wait``, its status :data:`BREACH_WAIT_STATUS` when it waits
        the step out). Returns (the hour it left the depth, or ``b``; its status)."""
        fp, st = self.fp[fid], self.state[fid]
        p_fort = fp.fortified[st.breach]
        kmh = self._rule.rate_km_per_day / 24.0
        prof = self.prof(e, fp, self.season(t0))
        t = t0
        for _ in range(200):
            if t >= b - _EPS_S / 3600.0:
                break
            start = self.breach_start_h(fid, st.breach, t)  # following: not before it opens
            if start > t:  # held at the depth's edge: waiting, not in the depth
                st.day["event"] += t - t0
                if start >= b - _EPS_S / 3600.0:
                    st.day["breach_wait"] += b - t
                    return b, BREACH_WAIT_STATUS
                st.day["breach_wait"] += start - t
                t = t0 = start
            # on at its own pace once its column marches (another army's breach: if quicker)
            through_h = self.through_from_h(fid, st.breach, e.s, t, start)
            if through_h <= t + _EPS_S / 3600.0:
                # the breach ahead has come out of the depth: on at its own pace from here
                st.day["event"] += t - t0
                self.reached.append({"time": self.plan.start + timedelta(hours=t),
                                     "formation_id": fid, "kind": "fortified region",
                                     "name": self.open_corridor_text(fid, st.breach, t),
                                     "cum_km": e.s})
                st.breach, st.passes_done = None, st.passes_done + 1
                self.at_stops(fid, e, t, lead=True)
                return t, "assault"
            s_stop = self.stops_after(fid, e, t)
            held = self.bridgehead_km(fid, t)  # not all ferried: no farther than that
            if held <= e.s + _EPS_KM:
                st.day["event"] += t - t0
                lifts = self.hold_lifts_h(fid, t, b)
                if lifts is not None:  # taken, or all across, within the hour: on from then
                    t = t0 = lifts
                    continue
                return b, "rest"
            s_want = min(p_fort.km_out, e.s + kmh * (min(b, through_h) - t), s_stop, held)
            s_fuel = self.fuel_limit(e, fp, prof, s_want)
            s_new = min(s_want, s_fuel)
            if s_new > e.s:
                self.burn(fid, e, fp, self.need(e, fp, prof, s_new))
                t = min(b, t + (s_new - e.s) / kmh)
                e.s = s_new
            if e.s >= p_fort.km_out - _EPS_KM:
                st.day["event"] += t - t0
                self.breach_made(fid, st.breach, t)
                st.breach, st.passes_done = None, st.passes_done + 1
                self.at_stops(fid, e, t, lead=True)
                return t, "assault"
            if s_stop <= e.s + _EPS_KM:
                self.at_stops(fid, e, t, lead=True)
                prof = self.prof(e, fp, self.season(t))
                continue
            if s_fuel < s_want - _EPS_KM:
                short = self.short_of_fuel(fid, e, t)
                if short in ("shared", "drained", "split"):
                    prof = self.prof(e, fp, self.season(t))
                    continue
                st.day["event"] += t - t0
                st.day["no_fuel"] += b - t
                return b, "halted: no fuel"
        st.day["event"] += t - t0
        return b, "assault"

    def window_from_h(self, fid: str, t_h: float) -> float:
        """The first hour at or after ``t_h`` inside the formation's daily march window (the
        season's at ``t_h``; inf for a schedule with no moving hours). Why: a head inside a
        depth when the breach ahead comes out of it goes on at its own pace only when its
        column marches; until then it keeps crossing at the rate, round the clock as the
        breach's rate is (not slower for the breach being open)."""
        sched = self.head_schedule(fid, t_h)
        if sched.moving_hours_per_day <= 0:
            return math.inf
        c = self.c0 + t_h
        if sched.moving_hours(c, c + _EPS_S / 3600.0) > 0:
            return t_h
        return t_h + (sched.start_hour - c) % 24.0

    def notes_dry(self, fid: str, classes: str, t_h: float, km: float) -> None:
        when = self.plan.start + timedelta(hours=t_h)
        name = f"{classes} dry; they stay behind"
        if self.ledger.out_of_reach and float(self.ledger.reserve_l.sum()) > 0:
            far = self.reserve_km(fid, self.lead(fid))
            name += (f" (the army's reserve, with {carriers_text(self.plan)}, is "
                     f"{beyond_reach_text(far, self.plan.reserve_reach_km)})")
        self.reached.append({"time": when, "formation_id": fid, "kind": "dry",
                             "name": name, "cum_km": km})

    def join_up(self, fid: str) -> None:
        """Elements of a formation at one place with fuel join up."""
        st, fp = self.state[fid], self.fp[fid]
        live = [e for e in st.elements if not e.detached]
        live.sort(key=lambda e: (-e.s, e.serial))
        kept: list[Element] = []
        for e in live:
            host = next((k for k in kept if abs(k.s - e.s) <= _JOIN_KM
                         and not self.dry_classes(k, fp).any()
                         and not self.dry_classes(e, fp).any()), None)
            if host is not None:
                merge(host, e)
            else:
                kept.append(e)
        st.elements = kept + [e for e in st.elements if e.detached]


def simulate_army(plan: ArmyPlan, *, seed: int = 0, rule=None, shared: tuple = ()) -> ArmySim:
    """Run the army's plan hour by hour (see the module docstring); ``rule`` is the
    fortified-region rule (:class:`~logistics.army.fortified.FortifiedRule`; the shipped one
    when None); ``shared``: the breaches other armies of the run made
    (:class:`~logistics.advance.shared_breaches.SharedBreach`; none: it runs alone)."""
    from logistics.army.fortified import load_fortified

    loop = _Loop(plan, seed, shared)
    loop._rule = rule or load_fortified().rule
    bounds = _step_bounds(plan)
    tracks, daily, army_daily = [], [], []
    for fid in loop.order:
        loop.state[fid].day["start_km"] = 0.0
    for a, b in zip(bounds[:-1], bounds[1:]):
        loop.ferry_take(a)  # a brigade or park come free takes the next in priority
        loop.locate_reserve()
        loop.book_due(a)
        loop.dispatch(a)
        t_b = plan.start + timedelta(hours=b)
        rows = {}
        for fid in loop.step_order(a):  # priority order, a held formation after its parent
            fp, st = loop.fp[fid], loop.state[fid]
            km0 = float(loop.lead(fid).s)  # the head's km at the hour's start (its row's mode)
            if fp.timetable is not None or (fp.unit.movement in ("river", "rail")):
                km, status = loop.carried(fid, a, b)
                head_status = status
            else:
                statuses = {}
                for e in sorted(list(st.elements), key=lambda x: (-x.s, x.serial)):
                    e.status = loop.move(fid, e, a, b)
                    statuses[id(e)] = e.status
                loop.join_up(fid)
                head = loop.lead(fid)
                head_status = head.status
                if head_status == "rest" and loop.ferrying(fid, b):
                    head_status = "carried"  # held at the crossing or in the bridgehead
            rows[fid] = row = loop.track_row(fid, t_b, head_status, b, km0)
            if row["dry_classes"]:
                st.day.setdefault("dry", set()).update(row["dry_classes"].split(","))
        tracks += [rows[fid] for fid in loop.order]
        if loop.reserve_place.located:  # the row's time is the hour's end: where the
            loop.locate_reserve()         # reserve is then (its draws used the hour's start)
            for row in tracks[-len(loop.order):]:
                row["reserve_km"] = loop.reserve_km(row["formation_id"],
                                                    loop.lead(row["formation_id"]))
        loop.record_positions(b)
        c0b = (loop.c0 + b) / 24.0
        if abs(c0b - round(c0b)) < 1e-9 or b == bounds[-1]:
            date = (t_b - timedelta(microseconds=1)).date()
            army_daily.append(loop.army_day_record(date))
            for fid in loop.order:
                daily.append(loop.day_record(fid, date, tracks))
                loop.state[fid].day = new_day()
                loop.state[fid].day["start_km"] = float(loop.lead(fid).s)
            loop.army_day = loop._new_army_day()
    loop.still_waiting(bounds[-1])
    notes = [n for col in loop.trucks for n in col.notes] + loop.notes + loop.shared_notes()
    return ArmySim(
        tracks=pd.DataFrame(tracks),
        daily=pd.DataFrame(daily),
        army_daily=pd.DataFrame(army_daily),
        deliveries=pd.DataFrame(loop.deliveries, columns=list(DELIVERY_COLUMNS)),
        reached=pd.DataFrame(loop.reached, columns=["time", "formation_id", "kind", "name",
                                                    "cum_km"]),
        crossings=loop.crossings_table(),
        notes=tuple(dict.fromkeys(notes)),
        breaches=loop.breaches_made(),
        tail_all_h={fid: st.tail_all_h for fid, st in loop.state.items()
                    if st.tail_all_h is not None},
    )

