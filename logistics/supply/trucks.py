"""Truck columns shuttling fuel from a railhead to wherever the formation is.

Times are hours since H-hour (floats), positions are km along the planned route. Each convoy
turns into :class:`~logistics.supply.delivery.Delivery` records that the step loop books into
the ledger when they fall due.

A column of ``count`` trucks is split into ``convoys``; each convoy loads at the
railhead (``load_h``), drives to where the formation is when it leaves, unloads and drives back.
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

__all__ = ["TruckLeg", "LegFunction", "TruckColumn"]


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

#: Litres the army must still want (its formations' lack and its reserve's room, less the loads
#: already on the road for them) for a ready convoy to be sent; less is rounding, the 1 L the step
#: loop already treats as a full reserve. Before, every ready convoy went: the Cavalry-
#: Mechanized Group's second column left in the same hour as the first for the reserve's room
#: the first's load already filled (six trips, 0 L delivered). Any want sends a whole convoy (what
#: its load does not fill goes back, as before): the want grows while it drives, and no source
#: says how a column was dispatched. Tried and not kept (December 2026, `logistics run
#: configs/`): waiting for a want of half a convoy's load changed every army (fewer deliveries
#: while formations burn fuel on the way), and sending only the trucks wanted split the convoys
#: hour by hour into hundreds of small ones (runs 1.5 times as long).
WANTED_MIN_L = 1.0


def _reasons_text(reasons: list[str]) -> str:
    """The distinct reasons a column could not reach its formation, for its one run note:
    all of them up to :data:`REASONS_QUOTED`, else the first, how many others, and the last.
    Why: each reason names the formation's place, so a column cut off all run long had one per
    place it stood (the 5th Separate Rifle Corps' note quoted 54 in a row, 8 kB)."""
    if len(reasons) <= REASONS_QUOTED:
        return "; ".join(reasons)
    return (f"{reasons[0]}; ... {len(reasons) - 2} more like it at other places of the "
            f"formation ...; {reasons[-1]}")


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
        # convoys leave staggered over the first day so that deliveries spread out
        self.ready_h = [start_h + i * 24.0 / len(self.sizes) for i in range(len(self.sizes))]
        #: each convoy's trucks split off for a formation off its way: (hour back, trucks)
        #: (:meth:`split_off`)
        self.away: list[list[tuple[float, int]]] = [[] for _ in self.sizes]
        self.unreachable_h: list[float] = []
        #: why the last dispatch attempt sent nothing ("" when it sent or had nothing ready)
        self.blocked = ""
        self.reasons: dict[str, None] = {}
        #: first hour a convoy was ready but could not arrive before the road closes (until_h)
        self.closed_h: float | None = None

    def held_at_river(self, d: Delivery, ferried: tuple[float, ...], flotilla: bool
                      ) -> Delivery:
        """``d`` (a convoy of this column on its way) when its formation has started being
        ferried over rivers since it was sent, all across at ``ferried`` (hours): rule
        ``convoy_behind_ferrying`` (:meth:`dispatch`), the convoy ferried behind it, delivering
        no earlier than the last of them plus its own ferry time at each, and back that much
        later (its convoy's ``ready_h``). ``d`` itself when ``ferried`` is empty."""
        if not ferried:
            return d
        ferry = 0.0
        if self.ferry_h is not None and 0 <= d.convoy < len(self.sizes):
            ferry = float(self.ferry_h(self.sizes[d.convoy], flotilla))
            ferry = ferry if math.isfinite(ferry) else 0.0
        arrive = max(d.time_h + len(ferried) * ferry, max(ferried) + ferry)
        if 0 <= d.convoy < len(self.ready_h):
            self.ready_h[d.convoy] += (arrive - d.time_h) + len(ferried) * ferry
        return replace(d, time_h=arrive, note=d.note + (
            f"; held {arrive - d.time_h:.1f} h: its formation was being ferried over "
            f"{len(ferried)} river(s) when it came up, it is ferried behind ({ferry:.1f} h "
            "each way each)"))

    def split_off(self, convoy: int, trucks: int, back_h: float) -> None:
        """``trucks`` of convoy ``convoy`` sent on a trip of their own, back at its railhead at
        ``back_h`` (hours): until then the convoy leaves without them (:meth:`dispatch`)."""
        self.away[convoy].append((back_h, trucks))

    def present(self, convoy: int, now_h: float) -> int:
        """Trucks of convoy ``convoy`` at its railhead at ``now_h``: its size less those split
        off and not back yet."""
        self.away[convoy] = [(h, k) for h, k in self.away[convoy] if h > now_h]
        return max(0, self.sizes[convoy] - sum(k for _, k in self.away[convoy]))

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
    ) -> list[Delivery]:
        """Send convoys ready at ``now_h`` while the army still wants fuel (``wanted_l``,
        litres it lacks that nothing on the road brings yet; :data:`WANTED_MIN_L`); each sent
        convoy's load comes off it. Return their future deliveries.

        ``ferried``: the hours at which the formation was all across each big river it is
        ferried over between the railhead and where it is (``flotilla``: by its flotilla
        brigade). Rule ``convoy_behind_ferrying`` (configs/norms/movement.yaml ``river``): a
        convoy is ferried behind the formation, so it arrives no earlier than the last of
        them plus its own ferry time (``ferry_h``), and it pays that ferry time at each of
        them, each way. Why: the cost engine prices such a river as a 45-min bridge, and the
        convoys crossed it for free while the formation waited days for its means."""
        out: list[Delivery] = []
        self.blocked = ""
        for i, ready in enumerate(self.ready_h):
            if ready > now_h or now_h >= self.until_h:
                continue
            if wanted_l <= WANTED_MIN_L:
                break
            leg = self.leg(step_index, season)
            if not leg.reachable:
                if not self.blocked:
                    self.unreachable_h.append(now_h)
                self.blocked = leg.reason or "no way between railhead and formation"
                self.reasons[self.blocked] = None
                continue
            own = leg.fuel_l * fuel_scale
            per_truck = max(0.0, self.payload_l - max(0.0, own - self.truck_tank_l))
            n = self.present(i, now_h)
            if n <= 0:
                continue
            out_h = leg.out_s / 3600.0 / speed_scale * self.stretch
            back_h = leg.back_s / 3600.0 / speed_scale * self.stretch
            ferry = 0.0
            if ferried and self.ferry_h is not None:
                ferry = float(self.ferry_h(n, flotilla))
                ferry = ferry if math.isfinite(ferry) else 0.0
            out_h += len(ferried) * ferry
            back_h += len(ferried) * ferry
            jitter = abs(rng.normal(0.0, self.jitter_h)) if self.jitter_h > 0 else 0.0
            arrive = now_h + self.load_h + out_h + jitter
            if ferried:  # not before the formation is all across and the convoy after it
                arrive = max(arrive, max(ferried) + ferry)
            if arrive > self.until_h:  # the road closes before it gets there: not sent
                if self.closed_h is None:
                    self.closed_h = now_h
                continue
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
                    note=f"{n} {'ships' if self.kind == 'river' else 'trucks'}, "
                         f"{out_h:.1f} h out, {back_h:.1f} h back" + (
                        f" ({len(ferried)} river(s) ferried, {ferry:.1f} h each way each, "
                        "behind the formation)" if ferried else ""),
                )
            )
            self.ready_h[i] = arrive + self.unload_h + back_h
            wanted_l -= n * per_truck
        return out
