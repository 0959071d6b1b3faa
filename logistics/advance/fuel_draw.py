"""Fuel drawn within a step: the litres per class an element needs to reach a km, how far its
fuel takes it, burning it (its tanks, then the army's reserve, only within
``reserve_reach_km`` of the reserve's carrier, or of each section's), which classes are dry,
the fuel of one type shared among the classes marching together (:meth:`FuelDraw.share`), and
stalled vehicles drained into the dry ones (``fuel.drain_stalled``).

Why a module of its own: the step loop (:mod:`logistics.advance.simulate`) moves the elements;
this is the one account every move draws on (litres; km along the formation's route; the
reserve's reach in great-circle km), so every draw on the reserve sees the same reach.
:class:`FuelDraw` is one of the parts the loop is made of: its methods read and change the
loop's state (``plan``, ``fp``, ``state``, ``order``, ``rank``, ``root``, ``ledger``,
``reserve_place``, ``army_day``) and use its helpers (``lead``, ``lonlat``).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from logistics.advance.elements import Element, Profile
from logistics.advance.plan import FormationPlan
from logistics.supply.ledger import water_fill

__all__ = ["FuelDraw"]

#: Litres per vehicle below which a class counts as dry (a rounding remainder, not fuel).
_DRY_L = 0.01
#: km of road ahead over which :meth:`FuelDraw.share` measures each class's litres per km
#: (the span :meth:`~logistics.advance.resupply.Resupply.accounts` fills deliveries by).
_SHARE_AHEAD_KM = 100.0


class FuelDraw:
    """Fuel drawn within the step (see the module docstring)."""

    def need(self, e: Element, fp: FormationPlan, p: Profile, s1: float) -> np.ndarray:
        """Litres per class element ``e`` burns from its km to km ``s1`` (0 for a class that
        burns nothing)."""
        return self.need_from(e, fp, p)(s1)

    def need_from(self, e: Element, fp: FormationPlan,
                  p: Profile) -> Callable[[float], np.ndarray]:
        """:meth:`need` of element ``e`` as a function of ``s1``, its profile read at its own
        km once. Why: :meth:`fuel_limit`'s bisection asks it up to 60 times a step, and each
        read the profile at ``e.s`` again (a tenth of the step loop in `logistics run
        configs/`); the same litres."""
        at = [np.interp(e.s, fp.km, f) for f in p.fuel_l]
        burn = np.array(fp.fuel_types) != "none"
        scaled = e.counts * self.plan.fuel_scale

        def need_to(s1: float) -> np.ndarray:
            per = np.array([np.interp(s1, fp.km, f) - a for f, a in zip(p.fuel_l, at)])
            return np.where(burn, scaled * per, 0.0)

        return need_to

    def locate_reserve(self) -> None:
        """Put each section of the army's reserve where its carrier's head is now
        (``fuel.reserve_reach_km``)."""
        for k, carrier in enumerate(self.reserve_place.carriers):
            if carrier in self.fp:
                self.reserve_place.place(*self.lonlat(carrier, self.lead(carrier).s), k)

    def reserve_km(self, fid: str, e: Element) -> float:
        """Great-circle km from element ``e`` of ``fid`` to the army's reserve (0: the reserve
        is drawn anywhere)."""
        return self.reserve_place.km_from(*self.lonlat(fid, e.s))

    def reach(self, fid: str, e: Element) -> bool:
        """Open the army's reserve to element ``e`` of ``fid`` only within
        ``plan.reserve_reach_km`` of the transport carrying it ([VELIKAYA-POBEDA]: the motor
        transport that carried the fuel fell behind the tank columns); returns whether it is
        open. Every draw on the reserve (fuel limit, burning, dry classes) sees this; with
        the reserve in sections (several carriers), the sections within that reach, the
        nearest first."""
        place = self.reserve_place  # drawn anywhere (not located): no position to measure
        where = self.lonlat(fid, e.s) if place.located else (math.nan, math.nan)
        self.ledger.open_sections = place.open_at(*where)
        return not self.ledger.out_of_reach

    def fuel_limit(self, e, fp, p, s_want) -> float:
        need_to = self.need_from(e, fp, p)
        short, _ = self.ledger.shortfall(e.tanks, fp.fuel_types, need_to(s_want))
        if short <= 1e-9:
            return math.inf
        lo, hi = e.s, s_want
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            if self.ledger.shortfall(e.tanks, fp.fuel_types, need_to(mid))[0] <= 1e-9:
                lo = mid
            else:
                hi = mid
            if hi - lo < 1e-6:
                break
        return lo

    def dry_classes(self, e: Element, fp: FormationPlan) -> np.ndarray:
        """Bool per class: present, burns fuel, and neither tanks nor the reserve within its
        reach hold any."""
        was = self.ledger.open_sections
        self.reach(fp.id, e)
        out = np.zeros(len(fp.class_ids), dtype=bool)
        for i, ft in enumerate(fp.fuel_types):
            if ft != "none" and e.counts[i] > 0 \
                    and e.tanks[i] + self.ledger.reserve(ft) < _DRY_L * e.counts[i]:
                out[i] = True
        self.ledger.open_sections = was
        return out

    def share(self, e: Element, fp: FormationPlan, p: Profile, dry: np.ndarray) -> float:
        """Share the fuel of each dry class's type among the classes of element ``e`` that burn
        it, so each holds the same km of range on the road ahead (litres per class over the
        next ``_SHARE_AHEAD_KM`` km of profile ``p``; the ledger's :func:`water_fill`, capped
        at each class's capacity). Returns the litres moved into the classes that were short.

        Why: the element is one column; a class whose tank ran out while the vehicles beside
        it hold the same fuel was left behind with the formation still holding it (the 6th
        Guards Tank Army's GAZ-67B cars of fd-7mc, 25 L tanks, dry at km 285 on a 155 km day
        while its US6 trucks held 4,800 L of petrol). A column refuels at its halts, 1 h every
        3-4 h under way ([STUDOPEDIA-MARSH], configs/norms/march.yaml ``halts``), from the
        fuel it carries: cans and hoses take a truck's petrol into a car ([PLIEV-1965]
        'слить бензин со всех машин', the practice of moving fuel between vehicles). The
        total is unchanged and no class stalls for another (``drain_stalled`` does that).
        assumed: the step loop has no halts inside its hours under way (they lie outside the
        march window), so the share is made when a class would run dry: the same as at the
        last halt for a class whose full tank lasts 3-4 h under way or more (the GAZ-67B's
        140 km at 25 km/h: 5.6 h)."""
        s1 = min(e.s + _SHARE_AHEAD_KM, float(fp.km[-1]))
        rate = self.need(e, fp, p, s1) if s1 - e.s >= 1.0 else e.counts * 1.0
        moved = 0.0
        for ft in {fp.fuel_types[i] for i in np.flatnonzero(dry)} - {"none"}:
            m = np.array([t == ft for t in fp.fuel_types]) & (e.counts > 0) & (rate > 0)
            pool = float(e.tanks[m].sum())
            if m.sum() < 2 or pool < _DRY_L * float(e.counts[m].sum()):
                continue  # no other class of that fuel, or none left in the column
            new = water_fill(np.zeros(int(m.sum())), e.capacity[m], rate[m], pool)
            moved += float(np.maximum(new - e.tanks[m], 0.0).sum())
            e.tanks[m] = new
        return moved

    def may_drain(self, fid: str) -> bool:
        """Whether the formation drains stalled vehicles (``drain_stalled.formations`` names it
        or a formation above it; an empty list names every one)."""
        names = self.plan.drain_families
        if not names:
            return True
        cur: str | None = fid
        seen: set[str] = set()
        while cur is not None and cur not in seen:
            if cur in names:
                return True
            seen.add(cur)
            cur = self.fp[cur].unit.parent if cur in self.fp else None
        return False

    def drain(self, e: Element, fp: FormationPlan, dry: np.ndarray) -> float:
        """Fill the dry classes of ``e`` from lower-priority vehicles of the same fuel: first
        the element's own classes that do not set its pace, then the elements of lower-priority
        formations of its family (``fuel.drain_stalled``). Returns the litres moved."""
        moved = 0.0
        for i in np.flatnonzero(dry):
            ft = fp.fuel_types[i]
            want = float(e.capacity[i] - e.tanks[i])
            donors = []
            for j, t in enumerate(fp.fuel_types):
                if j != i and t == ft and not fp.pace_mask[j] and e.tanks[j] > 0:
                    donors.append((fp.id, e, j))
            my_rank = self.rank.get(fp.id, 0)
            family = [fid for fid in self.order if self.root[fid] == self.root[fp.id]
                      and self.rank[fid] > my_rank]
            for fid in reversed(family):
                dfp = self.fp[fid]
                for de in self.state[fid].elements:
                    if de.detached:
                        continue
                    for j, t in enumerate(dfp.fuel_types):
                        if t == ft and de.tanks[j] > 0:
                            donors.append((fid, de, j))
            for donor, de, j in donors:
                if want <= 1e-9:
                    break
                take = min(want, float(de.tanks[j]))
                de.tanks[j] -= take
                e.tanks[i] += take
                want -= take
                moved += take
                self.state[donor].day["drained"] -= take
                self.state[fp.id].day["drained"] += take
        if moved > 0:
            self.ledger.drained(moved)
            self.army_day["drained"] += moved
        return moved

    def burn(self, fid: str, e: Element, fp: FormationPlan, need: np.ndarray) -> float:
        """Burn ``need`` (litres per class) for formation ``fid``'s element ``e``: its tanks,
        then the army's reserve. Booked to the formation's day (``consumed``, and of it
        ``from_reserve``) and to the army's; returns the litres burned."""
        before = self.ledger.from_reserve_l
        got = self.ledger.consume(e.tanks, fp.fuel_types, need)
        day = self.state[fid].day
        day["consumed"] += got
        self.state[fid].consumed_l += got
        day["from_reserve"] += self.ledger.from_reserve_l - before
        self.army_day["consumed"] += got
        return got
