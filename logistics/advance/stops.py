"""The stops on a formation's route and what its head does at each: an objective reached, a
river crossed (queued for its ferrying at a major or large river where its flotilla sails or
on the Amur-Ussuri frontier: by its flotilla brigade or the crossing site's own means,
:meth:`~logistics.advance.holds.Holds.ferried_at`), a fortified depth
entered (its detachment left there), a depot reached (its room filled from what is left there).

Why a module of its own: the step loop (:mod:`logistics.advance.simulate`) moves a head until
the next stop (km along the formation's route) and hands it here; what happens at a stop is
one job, written down as the run's ``reached`` rows. :class:`Stops` is one of the parts the loop
is made of: its methods read and change the loop's state (``plan``, ``fp``, ``state``,
``reached``, ``crossing_times``, ``depots_left``, ``_rule``) and use its other parts
(:meth:`~logistics.advance.holds.Holds.ferry_queue`, ``in_column``, ``ferry_take``;
:meth:`~logistics.advance.resupply.Resupply.book`).
"""

from __future__ import annotations

import math
from datetime import timedelta

import numpy as np

from logistics.advance.elements import Element, split
from logistics.army.resolve import MEN_CLASSES
from logistics.supply.delivery import Delivery

__all__ = ["Stops", "depth_text"]

_EPS_KM = 1e-6
#: litres below which a depot is empty (nothing worth a stop)
_DEPOT_EMPTY_L = 1.0


def depth_text(p, rate_km_per_day: float) -> str:
    """What the run's events say of a fortified depth ``p`` (a plan's ``FortifiedPass``): the
    km charged at the breakthrough rate and, where the route runs on inside the extents
    beyond the regions' depths, how much of it does (crossed at its own pace)."""
    depth = p.km_out - p.km_in
    text = f"{p.region_name}: {p.action}, {depth:.1f} km of depth at {rate_km_per_day:g} km a day"
    inside = p.inside_km
    if inside > depth + 0.5:  # not for the few hundred metres of an oblique belt crossing
        text += (f" (at most each region's depth; {inside:.1f} km of the route lie inside the "
                 "extents here, the rest at its own pace)")
    return text


class Stops:
    """The stops on a formation's route and what each does (see the module docstring)."""

    def stops_after(self, fid: str, e: Element, t_h: float | None = None) -> float:
        """Km of the next stop of the formation at or beyond ``e.s`` (inf if none); at hour
        ``t_h``, not an objective beyond the crossing where it waits for its means
        (:meth:`far_bank`)."""
        st, fp = self.state[fid], self.fp[fid]
        kms = [math.inf]
        if st.objectives_done < len(fp.objectives) and not (
                t_h is not None and self.far_bank(fid, fp.objectives[st.objectives_done][0],
                                                  t_h)):
            kms.append(fp.objectives[st.objectives_done][0])
        if st.breach is None and st.passes_done < len(fp.fortified):
            kms.append(max(fp.fortified[st.passes_done].km_in, e.s))
        for k, n in fp.depots:
            if n not in st.depots_done and self.depots_left[n][0] > _DEPOT_EMPTY_L \
                    and k >= e.s - _EPS_KM:
                kms.append(k)
                break
        if st.crossings_done < len(fp.crossings):
            kms.append(fp.crossings[st.crossings_done].km)
        return min(k for k in kms if k >= e.s - _EPS_KM) if len(kms) > 1 else math.inf

    def far_bank(self, fid: str, km: float, t_h: float) -> bool:
        """Whether an objective at ``km`` of the formation's route lies across the river where
        its head waits for its means at hour ``t_h`` (:meth:`~logistics.advance.holds.Holds.
        waiting`: until its means' first trip lands on the far bank): at or beyond that
        crossing. Why: a town on the far bank of a wide river is often in the very grid cell
        of the route's crossing (Heihe on the Amur, Raohe on the Ussuri: the same km), and a
        head on the near bank has not reached it."""
        st = self.state[fid]
        return self.waiting(fid, t_h) and km >= st.ferry_km - _EPS_KM

    def at_stops(self, fid: str, e: Element, t_h: float, lead: bool) -> None:
        """Act on every stop at the element's km (a crossing first: an objective at the same
        km is across it, :meth:`far_bank`)."""
        st, fp = self.state[fid], self.fp[fid]
        when = self.plan.start + timedelta(hours=t_h)
        while st.crossings_done < len(fp.crossings) and \
                fp.crossings[st.crossings_done].km <= e.s + _EPS_KM:
            c = fp.crossings[st.crossings_done]
            self.crossing_times[(fid, st.crossings_done)] = t_h
            if self.ferried_at(fid, c):  # every such crossing, not only the first
                self.ferry_queue(fid, c, t_h)
                for child, at in self.in_column(fid, c, t_h):  # at the river with it
                    self.ferry_queue(child, at, t_h, site=st.ferry_site)
                self.ferry_take(t_h)
            st.crossings_done += 1
        while st.objectives_done < len(fp.objectives) and \
                fp.objectives[st.objectives_done][0] <= e.s + _EPS_KM:
            km, name = fp.objectives[st.objectives_done]
            if self.far_bank(fid, km, t_h):
                break  # reached when its first trip lands (stops_after skips it till then)
            self.reached.append({"time": when, "formation_id": fid, "kind": "objective",
                                 "name": name, "cum_km": km})
            st.objectives_done += 1
        while st.breach is None and st.passes_done < len(fp.fortified) and \
                fp.fortified[st.passes_done].km_in <= e.s + _EPS_KM:
            p = fp.fortified[st.passes_done]
            if e.s >= p.km_out - _EPS_KM:  # already through (a stretch of no length)
                st.passes_done += 1
                continue
            n = st.passes_done
            if self.open_at_entry(fid, n, t_h):
                # broken through by a formation of its army (or another army's breach opens
                # it here, and that is the quicker way): crossed at its own pace
                # (rule.breakthrough.open_breach), no second detachment
                self.reached.append({"time": when, "formation_id": fid,
                                     "kind": "fortified region",
                                     "name": self.open_corridor_text(fid, n, t_h),
                                     "cum_km": p.km_in})
                st.passes_done += 1
                continue
            st.breach = n
            self.open_breach(fid, n, t_h)
            self.reached.append({"time": when, "formation_id": fid, "kind": "fortified region",
                                 "name": depth_text(p, self._rule.rate_km_per_day),
                                 "cum_km": p.km_in})
            if not self.behind_shared(fid, n, t_h):  # behind another army's: no detachment
                self.detach(fid, e, p, when)
        self.take_depots(fid, e, t_h)

    def take_depots(self, fid: str, e: Element, t_h: float) -> None:
        """The captured depots the formation's head ``e`` has reached at hour ``t_h`` and not
        before: each gives it what is left there, booked for it (its tanks, then the army's
        reserve: :meth:`~logistics.advance.resupply.Resupply.book`), and keeps the rest for
        the next formation that reaches it; its rows share one delivery id and offer its whole
        ``fuel_l``. Why (audit37): the depot was offered once, to the first head there, and
        what that formation and the reserve had no room for was booked gone; the 39th Army's
        Solun depot gave its tank brigades 2,188 L and lost 117,812 L, while its forward
        detachment and tank division reached Solun within 2.5 h with some 23,000 L of room."""
        st, fp = self.state[fid], self.fp[fid]
        for k, n in fp.depots:
            if n in st.depots_done or k > e.s + _EPS_KM:
                continue
            st.depots_done.add(n)
            left_l, delivery_id = self.depots_left[n]
            if left_l <= _DEPOT_EMPTY_L:
                continue
            name, litres, ft = self.plan.depots[n]
            d = Delivery(t_h, name, "depot", left_l, ft, formation_id=fid)
            if delivery_id is not None:  # the rows of one depot: its id and whole load
                self.waiting_of[id(d)] = (delivery_id, litres, 0.0)
            before_l = self.ledger.delivered_l
            self.book(d)
            self.depots_left[n] = (left_l - (self.ledger.delivered_l - before_l),
                                   self.deliveries[-1]["delivery_id"])

    def detach(self, fid: str, e: Element, p, when) -> None:
        """Leave ``rule.detach.fraction_of_men`` of ``e`` at the fortified stretch ``p`` (when
        ``p.detaches``): one detachment per stretch, however many overlapping extents it lies
        in (the union counts each km once, and so each defended zone once), none where every
        one of them already has this formation's detachment."""
        if not p.detaches:
            return
        st = self.state[fid]
        rids = tuple(p.detach_ids or p.region_ids or (p.region_id,))
        if all(rid in st.taken_regions for rid in rids):
            return
        st.taken_regions.update(rids)
        fp = self.fp[fid]
        take = np.floor(e.counts * self._rule.fraction_of_men + 0.5)
        men = 0
        if not any(c in MEN_CLASSES for c in fp.class_ids):
            men = int(math.floor(getattr(fp.unit, "men", 0) * self._rule.fraction_of_men
                                 + 0.5))
            st.men_left += men
        if take.sum() > 0 or men > 0:
            d = split(e, take, serial=self._serial(), detached=True)
            d.status = "detached"
            st.elements.append(d)
            is_men = np.array([c in MEN_CLASSES for c in fp.class_ids], dtype=bool)
            men_n, veh_n = men + int(take[is_men].sum()), int(take[~is_men].sum())
            what = " and ".join(
                ([f"{men_n} men"] if men_n else [])
                + ([f"{veh_n} vehicle{'' if veh_n == 1 else 's'}"] if veh_n or not men_n
                   else []))
            self.reached.append({"time": when, "formation_id": fid, "kind": "detached",
                                 "name": f"{what} left at {p.named(rids)}; the siege's end "
                                         "is not modelled",
                                 "cum_km": e.s})
