"""Where a formation's head may not go at an hour: not past its parent's head until it is formed
(``formed``), not ahead of its parent when attached (``role: support``), and, ferried across a
major river (``ferry_by``), not beyond the bridgehead until all of it is across; following the
breach (``follow``), not into a fortified depth before a formation of its army breaking in has
entered it (:meth:`Holds.breach_start_h`), and, once one has come out of a region's depth and
the defence taken sideways from its breach has reached where the route enters it, through it at
its own pace (:meth:`Holds.own_opening`, :meth:`Holds.breach_through_h`); and the
ferrying itself: the brigade's and the crossing site's park's queues it joins when its head
reaches the river, and who takes it across when.

Why a module of its own: the step loop (:mod:`logistics.advance.simulate`) asks one question
of every move, how far may this head go now (km along the formation's route, inf: no bound;
hours since H-hour), and this answers it in one place. The bridgehead's depth is an
assumption (``plan.ferry_bridgehead_km``; see :mod:`logistics.advance.simulate`).
:class:`Holds` is one of the parts the loop is made of: its methods read and change the
loop's state (``plan``, ``fp``, ``state``, ``order``, ``ferries``, ``reached``) and use its
helper ``lead``.
"""

from __future__ import annotations

import math
from datetime import timedelta

import numpy as np

from logistics.advance.depths import pass_regions
from logistics.advance.ferry_sites import FERRY_SITE_KM
from logistics.advance.shared_breaches import (SPREAD, SharedBreach, SharedOpen, depth_points,
                                               follow_start_h, pass_through, shared_opening,
                                               sideways_lag_h)
from logistics.army.fortified import FORTIFIED_OPEN
from logistics.terrain.classes import BIG_RIVER_CLASSES

__all__ = ["Holds"]

_EPS_KM = 1e-6
_EPS_S = 1e-3


class Holds:
    """Where a formation's head is held, and its ferrying (see the module docstring)."""

    def held_at(self, fid: str, t_h: float) -> float:
        """Km a formation's head may not pass at hour ``t_h`` (inf: none), the nearer of:

        * formed out of its parent (``formed``): its parent's head, until that head is past
          the point where it is formed (``formed_km`` on the parent's route, which the
          formation's route shares up to there), or until it is itself taken across a river
          short of that point ahead of its parent (:meth:`ferried_out`). A formation held
          behind its parent moves after it within the hour (:meth:`step_order`), so this is
          where the parent's head is at the same hour's end, not at its start;
        * a support formation attached to its parent: :meth:`support_held_at`;
        * ferried across a major river and not yet all across (:meth:`ferrying`): the
          crossing itself while it waits for its means, then the bridgehead,
          ``plan.ferry_bridgehead_km`` beyond the crossing's far bank (assumed, see
          :mod:`logistics.advance.simulate`)."""
        fp = self.fp[fid]
        held = math.inf
        parent = fp.unit.parent
        if parent in self.fp and fp.formed_km > 0.0 and not self.ferried_out(fid, t_h):
            s = float(self.lead(parent).s)
            held = math.inf if s >= fp.formed_km - _EPS_KM else s
        if parent in self.fp and fp.unit.role == "support":  # formed or not: until it arrives
            held = min(held, self.support_held_at(fid))
        return min(held, self.bridgehead_km(fid, t_h))

    def behind_parent(self, fid: str, t_h: float) -> bool:
        """Whether the formation's head is held behind its parent's at hour ``t_h``
        (:meth:`held_at`): formed out of it and not formed yet (the parent's head short of
        ``formed_km``, the formation not ferried out ahead of it), or attached to it
        (``role: support``) while the parent has not arrived."""
        fp = self.fp[fid]
        parent = fp.unit.parent
        if parent not in self.fp:
            return False
        if fp.unit.role == "support" and self.state[parent].arrived_h is None:
            return True
        return (fp.formed_km > 0.0 and not self.ferried_out(fid, t_h)
                and float(self.lead(parent).s) < fp.formed_km - _EPS_KM)

    def step_order(self, t_h: float) -> list[str]:
        """The order the formations move in the step starting at hour ``t_h``: fuel priority
        order (``self.order``: the army's reserve serves them in it), but a formation held
        behind its parent (:meth:`behind_parent`) right after that parent (and its own held
        formations after it). Why: moved before its parent, its head was capped where the
        parent's head was at the hour's start, an hour behind the column it moves in: the
        15th Army's tank brigades, formed out of the rifle divisions after the Amur crossing,
        reached the bank 41-60 min after the ferry had started on them (queued when the
        parent's head got there, :meth:`in_column`). Moved after it, it is capped where the
        parent's head is at the hour's end, and reaches a stop of the shared route no later
        than the parent's head when it is as fast (physically one column)."""
        out: list[str] = []
        done: set[str] = set()
        waiting: dict[str, list[str]] = {}

        def emit(f: str) -> None:
            out.append(f)
            done.add(f)
            for c in waiting.pop(f, []):
                emit(c)

        for fid in self.order:
            parent = self.fp[fid].unit.parent
            if parent in self.fp and parent not in done and self.behind_parent(fid, t_h):
                waiting.setdefault(parent, []).append(fid)
            else:
                emit(fid)
        out += [f for f in self.order if f not in done]  # a parent outside the order
        return out

    def bridgehead_km(self, fid: str, t_h: float) -> float:
        """Km a ferried formation's head may not pass at hour ``t_h`` while not all of it is
        across (:meth:`ferrying`): the crossing itself until one of its means has landed its
        first trip on the far bank (:meth:`waiting`: no part of it is across before its means
        starts on it; each means carries one formation at a time,
        :mod:`~logistics.advance.ferry_queue`), then
        ``plan.ferry_bridgehead_km`` beyond its crossing's far bank (``st.ferry_far_km``: the
        crossing's ``far_km``, beyond the water its ferry carries it over), and short of its
        route's next crossing where it is ferried (:meth:`ferried_at`: it queues there once all
        of it is across this one); else inf. Why the far bank (ferry34): a bridgehead is land
        beyond the river; measured from the near bank, the 15th Army's rifle divisions ferried
        over kilometres of the Amur's opened water held a bridgehead short by its width."""
        if not self.ferrying(fid, t_h):
            return math.inf
        st, fp = self.state[fid], self.fp[fid]
        if self.waiting(fid, t_h):
            return st.ferry_km
        bound = max(st.ferry_far_km, st.ferry_km) + self.plan.ferry_bridgehead_km
        nxt = next((c.km for c in fp.crossings if c.km > st.ferry_km + _EPS_KM
                    and self.ferried_at(fid, c)), math.inf)
        # just short of it, so that its head does not reach that stop before it may queue
        return min(bound, nxt - 2.0 * _EPS_KM)

    def ferried_at(self, fid: str, crossing) -> bool:
        """Whether the formation waits at its route's ``crossing`` (a
        :class:`~logistics.advance.plan.CrossingStop`) to be ferried: a major or large river
        (``BIG_RIVER_CLASSES``), every such crossing of its route, not only the first, where
        the river is one its flotilla sails (a formation of a flotilla's ``ferries_for``,
        ``ferry_by``: the 2nd Far Eastern Front's Amur, Ussuri and Sungari) or on the 1945
        frontier where it is the Amur or the Ussuri (``crossing.frontier``: no bridge across;
        the Argun, of no known width, keeps the bridge).
        Why: such a river is wider than one N2P park's bridge (movement.yaml ``bridging``:
        167 m; ``river.own_means.width_km`` assumes 1.5 km, range 0.8-3, for the Amur and the
        Ussuri), so it is not the cost engine's 45-min bridge but a ferrying, by its flotilla
        brigade (the flotilla is where it crosses,
        :func:`~logistics.advance.ferry_sites.ferry_barrier`) or the crossing site's own means
        (``own_means_h``). Elsewhere, inland and with no flotilla, the route's bridge stands:
        the large-river class of the data (WDBII level 2) also holds the steppe rivers (the
        upper Luan, the Xar Moron, the Liao) whose widths no source gives, and the big inland
        rivers are crossed where the road and rail net crossed them. Not when it has no means
        (no own-means planner), nor at the crossing it is queued for already (with its
        parent's column, :meth:`in_column`)."""
        st = self.state[fid]
        if not self.ferried_river(fid, crossing):
            return False
        return st.ferry_km is None or abs(st.ferry_km - crossing.km) > _EPS_KM

    def ferried_river(self, fid: str, crossing) -> bool:
        """Whether the river of the formation's ``crossing`` is one it is ferried over
        (:meth:`ferried_at`, whatever it is doing now): a major or large river its flotilla
        sails, or on the Amur-Ussuri frontier when it has own means. Not a later channel of a
        crossing across an island (``crossing.joins_km``): the ferrying at its first channel
        takes it across this one too (formation_plan.py ``_one_ferrying``)."""
        from logistics.advance.formation_plan import ferried_over

        fp = self.fp[fid]
        if getattr(crossing, "joins_km", None) is not None:
            return False
        return ferried_over(crossing, fp.ferry_by, fp.own_means_h)

    def ferrying(self, fid: str, t_h: float) -> bool:
        """Whether the formation's head has reached a crossing where it is ferried
        (:meth:`ferried_at`) and not all of it is across at hour ``t_h`` (waiting for its
        means, or ferried)."""
        st = self.state[fid]
        return st.ferry_km is not None and (st.ferry_release_h is None
                                            or t_h < st.ferry_release_h - _EPS_S / 3600.0)

    def waiting(self, fid: str, t_h: float) -> bool:
        """Whether the formation's head is at a crossing where it is ferried and not on the
        far bank by hour ``t_h``: none of its means has started on it (not taken yet, or taken
        by a means that is busy until later), or its first trip has not landed
        (:meth:`landed_h`)."""
        st = self.state[fid]
        return st.ferry_km is not None and (
            st.ferry_start_h is None or t_h < self.landed_h(fid) - _EPS_S / 3600.0)

    def landed_h(self, fid: str) -> float:
        """Hour the formation's first trip lands on the far bank of the crossing it is ferried
        at: its means' start plus the crossing's ``landing_h`` (loading, the way across,
        unloading: network/river.py ``first_landing_h``), at the latest when all of it is
        across; inf before a means takes it. Why: its head was in the bridgehead, and a
        town on the far bank reached, the moment the means started (the 2nd Red Banner
        Army's rifle divisions at Heihe 1.8 h after H-hour, the Amur crossed in no time)."""
        st = self.state[fid]
        if st.ferry_start_h is None:
            return math.inf
        landed = st.ferry_start_h + st.ferry_landing_h
        return landed if st.ferry_release_h is None else min(landed, st.ferry_release_h)

    def ferried_out(self, fid: str, t_h: float) -> bool:
        """Whether a formation formed out of its parent (``formed``) has been taken across a
        river short of the point where it is formed, ahead of its parent, by hour ``t_h``
        (:meth:`ferry_take` records when): its first boats carry it across before its parent's
        head, so it is out of its parent's column from then (a forward detachment formed
        'after the crossing' and ferried first in priority order)."""
        out = self.state[fid].formed_out_h
        return out is not None and t_h >= out - _EPS_S / 3600.0

    def hold_lifts_h(self, fid: str, t_h: float, b: float) -> float | None:
        """The hour within (``t_h``, ``b``) (``b``: the end of the step) at which the head
        of a formation being ferried may go farther: its first trip lands (:meth:`landed_h`:
        from the crossing into the bridgehead), or all of it is across (on from the
        bridgehead); None when neither falls in the step."""
        if not self.ferrying(fid, t_h):
            return None
        st = self.state[fid]
        nxt = self.landed_h(fid) if self.waiting(fid, t_h) else st.ferry_release_h
        nxt = None if nxt is None or math.isinf(nxt) else nxt
        return nxt if nxt is not None and nxt < b else None

    def ferry_queue(self, fid: str, crossing, t_h: float, site: int | None = None) -> None:
        """Put the formation in its brigade's queue and in its crossing site's park's (the
        army's own means, where the plan gives it ``own_means_h``) at hour ``t_h``, to be
        taken across at its route's ``crossing`` (a
        :class:`~logistics.advance.plan.CrossingStop`; ``site`` its crossing site, by default
        the site of ``crossing``)."""
        st, fp = self.state[fid], self.fp[fid]
        st.ferry_km, st.ferry_arrived_h = crossing.km, t_h  # it waits for its means from now
        st.ferry_release_h, st.ferry_used_h = None, 0.0  # a later crossing: a new ferrying
        st.ferry_start_h = None
        # the water its route crosses there (the crossing's own width, at least the assumed
        # channel: network/river.py crossing_time_factor, first_landing_h)
        st.ferry_factor = float(getattr(crossing, "time_factor", 1.0))
        st.ferry_landing_h = float(getattr(crossing, "landing_h", 0.0))
        far = getattr(crossing, "far_km", None)  # where its bridgehead starts
        st.ferry_far_km = crossing.km if far is None else float(far)
        st.ferry_site = self.ferries.site_of(crossing.lon, crossing.lat) if site is None else site
        self.ferries.join(fid, t_h, brigade=fp.ferry_by or None,
                          ferry_h=fp.ferry_h * st.ferry_factor, site=st.ferry_site,
                          own_h=fp.own_means_h * st.ferry_factor,
                          after=self.breakers_beyond(fid, crossing.km))

    def breakers_beyond(self, fid: str, km: float) -> frozenset[str]:
        """The formations of the army whose breach the formation will wait for at the first
        fortified depth of its route beyond km ``km`` (its crossing): those that break into
        (``assault``/``besiege``) a region of that depth when it follows there (``follow``,
        with a breaker to follow: :meth:`breaks_in`) and none has entered the region yet
        (:meth:`breach_start_h`); else none. Not a support formation attached to a parent
        (:meth:`support_held_at`: it cannot enter the depth ahead of its parent, which is
        listed if it breaks in). The ferry queue takes one of them across first
        (:mod:`~logistics.advance.ferry_queue`, ``configs/norms/movement.yaml
        river.ferrying.breaker_first``)."""
        p = next((q for q in self.fp[fid].fortified if q.km_in > km - _EPS_KM), None)
        if p is None or self.breaks_in(p):
            return frozenset()
        rids = set(pass_regions(p))
        if rids & set(self.breach_open_h):
            return frozenset()
        return frozenset(c for c, f in self.fp.items() if c != fid and not (
            f.unit.role == "support" and f.unit.parent in self.fp) and any(
            q.action != "follow" and rids & set(pass_regions(q)) for q in f.fortified))

    def in_column(self, fid: str, crossing, t_h: float) -> list[tuple[str, object]]:
        """(id, its crossing) of the formations the same brigade ferries that still move in
        ``fid``'s column when its head reaches the river at ``crossing``: formed out of it
        and not formed yet, or attached to it (``support``), held behind it (:meth:`held_at`),
        whose own next major or large river's crossing is at the same site (within
        ``FERRY_SITE_KM``). They are at the river when it is, so they wait for the brigade
        from then, and the brigade's priority order holds among them: a forward detachment
        formed out of the rifle divisions 'after the crossing' (its parent's head must be
        across first) is not queued behind them."""
        from logistics.geodesy import great_circle_km

        brigade, out = self.fp[fid].ferry_by, []
        for c in self.order:
            fp, st = self.fp[c], self.state[c]
            if c == fid or fp.unit.parent != fid or fp.ferry_by != brigade \
                    or self.ferrying(c, t_h) or not math.isfinite(self.held_at(c, t_h)):
                continue
            at = next((x for x in fp.crossings[st.crossings_done:] if x.river_class in BIG_RIVER_CLASSES),
                      None)
            if at is not None and self.ferried_at(c, at) and float(great_circle_km(
                    at.lon, at.lat, crossing.lon, crossing.lat)) <= FERRY_SITE_KM:
                out.append((c, at))
        return out

    def ferry_take(self, now_h: float) -> None:
        """Let the brigades and the sites' parks take the formations waiting for them up to
        ``now_h`` (:class:`~logistics.advance.ferry_queue.FerryQueues`: each means one
        formation at a time, whole; when it comes free it takes the first in fuel priority
        order (``fuel.priority.order``: forward detachments first; the forward detachments
        crossed the Ussuri first, [REF-MOVEMENT-FACTS]) of those whose head was at their
        crossing by then, else, idle, the first to arrive, a breaker before a formation that
        will follow its breach (:meth:`breakers_beyond`); the formation goes to whichever
        of its means has all of it across first). A formation arriving later within the same
        hour but moved earlier in it (higher priority) may take a means that came free before
        the other arrived."""
        for took in self.ferries.take(now_h):
            st, fp = self.state[took.fid], self.fp[took.fid]
            st.ferry_release_h, st.ferry_used_h = took.release_h, took.hours
            st.ferry_start_h = took.start_h
            if 0.0 < st.ferry_km <= fp.formed_km + _EPS_KM and st.formed_out_h is None:
                st.formed_out_h = took.start_h  # across ahead of its parent: out of its column
            st.ferried_h[st.ferry_km] = took.hours  # crossings.csv ferry_h, by crossing
            st.ferry_span_h[st.ferry_km] = (took.start_h, took.release_h)
            release = self.plan.start + timedelta(hours=took.release_h)
            wait = (f"after {took.start_h - took.arrived_h:.1f} h waiting; "
                    if took.start_h > took.arrived_h + 1e-9 else "")
            other = (f" (its brigade {fp.ferry_by} would take "
                     f"{fp.ferry_h * st.ferry_factor:.1f} h)"
                     if took.by_park and fp.ferry_by else
                     f" (its crossing site's own means would take "
                     f"{fp.own_means_h * st.ferry_factor:.1f} h)"
                     if math.isfinite(fp.own_means_h) and not took.by_park else "")
            means = (f"across by the army's own means at crossing site {st.ferry_site + 1} "
                     "(one pontoon park)" if took.by_park else f"ferried by {took.means}")
            self.reached.append({
                "time": self.plan.start + timedelta(hours=took.start_h),
                "formation_id": took.fid, "kind": "ferry",
                "name": f"{means} for {took.hours:.1f} h{other}, {wait}all across "
                        f"{release:%d %b %H:%M}; until then its head holds within "
                        f"{self.plan.ferry_bridgehead_km:g} km of the far bank",
                "cum_km": st.ferry_km})

    def open_breach(self, fid: str, n: int, t_h: float) -> None:
        """A formation's head enters its ``n``-th fortified pass at hour ``t_h``: when it breaks
        in (``assault``/``besiege``, not ``follow``), each region of the pass is open from then
        on where its route enters, and sideways from it at the rate (:meth:`own_entry`,
        :meth:`breach_start_h`), and the breach is logged for the other
        armies of the run (``breach_log``, :meth:`breaches_made`) unless it goes behind another
        army's (:meth:`follows_other`: it opens the way for its army all the same, as it would
        alone, so no formation of its army is later for the gift)."""
        p = self.fp[fid].fortified[n]
        if self.breaks_in(p):
            for rid in pass_regions(p):
                self.breach_open_h.setdefault(rid, []).append((t_h, fid, n))
            if not self.follows_other(fid, n, t_h):  # behind another army's: not its breach
                self.breach_log.setdefault((fid, n), [t_h, math.inf])

    def breaks_in(self, p) -> bool:
        """Whether the formation crossing the fortified pass ``p`` breaks the way itself:
        ``assault``/``besiege``, or ``follow`` where no formation of its army breaks into any of
        the pass's regions (nobody to follow: it crosses on its own clock,
        :meth:`breach_start_h`, and so opens the depth for those behind it as a breaker
        does)."""
        return p.action != "follow" or not any(r in self.broken_by_army
                                               for r in pass_regions(p))

    def breach_made(self, fid: str, n: int, t_h: float) -> None:
        """A formation's head has come out of its ``n``-th fortified pass at hour ``t_h`` (the
        end of the depth charged on its route, which runs on to its own objectives inside the
        region: ``depths._charged``): when it breaks the way itself (:meth:`breaks_in`), each
        region of the pass that no later pass of its route crosses again is broken through from
        then on along its route, and sideways from it at the rate (:meth:`own_through_h`)."""
        passes = self.fp[fid].fortified
        p = passes[n]
        if not self.breaks_in(p):
            return
        if (fid, n) in self.breach_log:
            self.breach_log[(fid, n)][1] = t_h
        later = {r for q in passes[n + 1:] for r in pass_regions(q)}
        for rid in pass_regions(p):
            if rid not in later:
                self.breach_through.setdefault(rid, []).append((t_h, fid, n))

    def breach_through_h(self, fid: str, n: int) -> tuple[float, str]:
        """(hour, formation) from which the formation's ``n``-th fortified pass is an open
        corridor where its route enters it: by its army's breaches (:meth:`own_opening`: at
        once on a breach's route, else when the defence taken sideways from it at the rate
        reaches there; inf, "" while one of its regions is not yet broken through); or, when
        earlier, by another army's, the same way (:meth:`shared_at`; the formation
        ``"<id> of <army>"``).

        Why (``configs/fortified-regions.yaml rule.breakthrough.open_breach``): the rate is
        that of the breach's head through the defended depth ([RUNOV-UR] 'прорвана на всю
        глубину ... со средним темпом до 10 километров в сутки'); once a formation has broken
        through the whole depth the nodes left in it are encircled and reduced by the forces
        detailed for it ([RUNOV-UR] 'Ликвидация японских войск, окруженных в узлах
        сопротивления, осуществлялась специально выделенными ... силами'), so a later
        formation of the army crosses the depth in the corridor at its own pace: no second
        breakthrough at the rate, no second detachment."""
        h, by, _, _ = self.pass_opening(fid, n)
        return h, by

    def pass_opening(self, fid: str, n: int) -> tuple[float, str, float, object]:
        """(hour, formation, lag hours, another army's breach or None) from which the
        formation's ``n``-th pass is open through where its route enters it: for each region
        of the pass the earliest of its army's breaches through it (:meth:`own_regions`) and
        the other armies' (:meth:`shared_at`), the latest of its regions
        (:func:`~logistics.advance.shared_breaches.pass_through`, the one rule within and
        across armies; inf, "", 0, None: a region not yet broken through by anyone). Why: one
        region broken by the army and the other by another army opens the pass as well."""
        other = {r: (h, f"{b.formation_id} of {b.army}", 0.0, b)
                 for r, h, b in self.shared_at(fid, n).region_through}
        w = pass_through(pass_regions(self.fp[fid].fortified[n]), self.own_regions(fid, n),
                         other)
        return (math.inf, "", 0.0, None) if w is None else w

    def own_through_h(self, fid: str, n: int) -> tuple[float, str]:
        """(hour, formation) from which its army's own breach opens the formation's ``n``-th
        pass through (:meth:`breach_through_h` without the other armies'; inf, "": not yet):
        :meth:`own_opening`'s hour."""
        h, by, _ = self.own_opening(fid, n)
        return h, by

    def own_opening(self, fid: str, n: int) -> tuple[float, str, float]:
        """(hour, formation, lag hours) from which its army's breaches open the formation's
        ``n``-th pass through where its route enters it: for each region of the pass, the
        earliest of the army's breaches through it (:meth:`breach_made`) plus the time the
        defence, taken sideways from that breach's route through the depth at the breakthrough
        rate, takes to reach that point (the rule across armies, one implementation:
        :func:`~logistics.advance.shared_breaches.sideways_lag_h`, its assumption ``SPREAD``;
        0 where its route enters on the breach's); the latest of its regions (inf, "", 0: one
        not yet broken through). Why: a region's extent can be 115-200 km long; opened whole
        at once, a formation entering 100 km from the breach went on at its own pace the hour
        the breaker came out, where the defence the breach had not reached still stood."""
        w = pass_through(pass_regions(self.fp[fid].fortified[n]), self.own_regions(fid, n))
        return (math.inf, "", 0.0) if w is None else w[:3]

    def own_regions(self, fid: str, n: int) -> dict[str, tuple[float, str, float, None]]:
        """Per region of the formation's ``n``-th pass broken through by its army
        (:meth:`breach_made`): (hour, formation, lag hours, None) of the earliest breach to
        reach where its route enters it (the breach's hour plus :meth:`own_lag`)."""
        out: dict[str, tuple[float, str, float, None]] = {}
        for rid in pass_regions(self.fp[fid].fortified[n]):
            for h, by, m in self.breach_through.get(rid, ()):  # in the order they came out
                lag = self.own_lag(fid, n, by, m)
                if rid not in out or h + lag < out[rid][0]:
                    out[rid] = (h + lag, by, lag, None)
        return out

    def own_lag(self, fid: str, n: int, by: str, m: int) -> float:
        """Hours the defence, taken sideways at the breakthrough rate from the route of
        formation ``by`` through the depth of its ``m``-th pass, takes to reach where the
        formation's route enters its ``n``-th pass (:func:`~logistics.advance.shared_breaches.
        sideways_lag_h`, its assumption ``SPREAD``; 0 on the breach's route), kept."""
        key = (fid, n, by, m)
        if key not in self.own_lag_h:
            lon, lat = self.pass_entry(fid, n)
            self.own_lag_h[key] = sideways_lag_h(self.depth_route(by, m), lon, lat,
                                                 self._rule.rate_km_per_day)
        return self.own_lag_h[key]

    def own_entry(self, fid: str, n: int) -> tuple[float, str, float]:
        """(hour, formation, lag hours) from which its army's breach in reaches where the
        formation's route enters its ``n``-th pass, for a follower (:meth:`alone_start_h`):
        for each formation of its army that broke into one of the pass's regions
        (:meth:`open_breach`), the hour its head entered plus the time the defence, taken
        sideways from its route through the depth at the breakthrough rate, takes to reach
        that point (:meth:`own_lag`; 0 on its route); the earliest of them, any region (as an
        other army's breach opens it: :func:`~logistics.advance.shared_breaches.
        shared_opening`); inf, "", 0 before one has entered. Why: the region's extent can be
        115-200 km long; opened at once wherever one broke in, a follower whose route entered
        it 70 km from the breach crossed behind it where the defence still stood, while across
        armies the same breach reached it d / rate later (two rules for one thing)."""
        best = (math.inf, "", 0.0)
        for rid in pass_regions(self.fp[fid].fortified[n]):
            for h, by, m in self.breach_open_h.get(rid, ()):  # in the order they entered
                lag = self.own_lag(fid, n, by, m)
                if h + lag < best[0]:
                    best = (h + lag, by, lag)
        return best

    def pass_entry(self, fid: str, n: int) -> tuple[float, float]:
        """(lon, lat) where the formation's route enters its ``n``-th fortified pass."""
        fp = self.fp[fid]
        km = fp.fortified[n].km_in
        return float(np.interp(km, fp.km, fp.lon)), float(np.interp(km, fp.km, fp.lat))

    def depth_route(self, fid: str, n: int) -> tuple[tuple[float, float], ...]:
        """(lon, lat) points of the formation's route through the depth charged at the rate of
        its ``n``-th fortified pass: where it enters, its route's points inside, where it
        comes out (a breach's route, from which the defence is taken sideways)."""
        fp = self.fp[fid]
        p = fp.fortified[n]
        return depth_points(fp.km, fp.lon, fp.lat, p.km_in, p.km_out)

    def open_at_entry(self, fid: str, n: int, t_h: float) -> bool:
        """Whether a formation's head reaching its ``n``-th fortified pass at hour ``t_h``
        crosses it at its own pace, no detachment: broken through by a formation of its army
        (:meth:`own_through_h`), or another army's breach opens it here and that is the
        quicker way (:meth:`through_from_h`). One rule whatever moves the head: a marching
        head's stops (``stops.Stops.at_stops``) and a carried one's
        (``carried.Carried.carried``: a shuttle's, the ships'), where the latter read
        :meth:`breach_through_h` (another army's sideways opening even where not quicker)."""
        p = self.fp[fid].fortified[n]
        return min(self.own_through_h(fid, n)[0], self.through_from_h(
            fid, n, p.km_in, t_h, self.alone_start_h(fid, n, t_h))) <= t_h + _EPS_S / 3600.0

    def head_schedule(self, fid: str, t_h: float):
        """The daily march window the formation's head keeps at hour ``t_h`` (the season's
        then): a truck shuttle's men on foot's (``FormationPlan.shuttle_windows``: its trucks
        and marchers keep it), else its column's (``FormationPlan.schedule``). Why
        (shuttledepth34): the hour a head in a depth goes on at its own pace is when its
        window opens (:meth:`through_from_h`); a shuttle's was read from its trucks' norm's
        window, not the one its timetable keeps."""
        fp = self.fp[fid]
        season = self.season(t_h)
        windows = getattr(fp, "shuttle_windows", None)
        if windows and season in windows:
            return windows[season]
        return fp.schedule[season]

    def through_from_h(self, fid: str, n: int, s_km: float, t_h: float,
                       start_h: float) -> float:
        """Hour (at or after ``t_h``) from which a head at km ``s_km`` of its ``n``-th pass at
        hour ``t_h``, crossing at the rate from ``start_h`` (inf: waiting for its army's
        breaker), goes on at its own pace (inf: not within the depth): its army's breach
        through on its own route (:meth:`own_opening` with no lag: from the hour its column
        marches, as before), or an opening that reaches it sideways, its army's
        (:meth:`own_opening`) or another army's (:meth:`shared_at`), when that brings it out
        of the depth, in one march, no later than the rate would (:meth:`quicker_through`).

        Why: a commander takes the quicker way; another army's breach taken where its march
        would halt for the night inside the depth left the formation behind where the rate,
        round the clock, and its own army's breach later would have had it (the 1st Red
        Banner Army's engineers, 51 min later at Mudanjiang), so later than without it."""
        own_h, _, lag = self.own_opening(fid, n)
        at_breach = math.isfinite(own_h) and lag <= 0.0  # on its army's breach's route
        own = self.window_from_h(fid, max(own_h, t_h)) if at_breach else math.inf
        # opened sideways, by its army's breach or another army's: only where quicker
        other = self.pass_opening(fid, n)[0]  # per region the earliest, any army
        if not other < own:
            return own
        at = self.window_from_h(fid, max(other, t_h))
        if not at < own:
            return own
        p = self.fp[fid].fortified[n]
        kmh = self._rule.rate_km_per_day / 24.0
        # where the head is at that hour, crossing at the rate from start_h
        s_at = min(p.km_out, s_km + kmh * max(0.0, at - max(t_h, start_h))) \
            if math.isfinite(start_h) and start_h <= at else s_km
        return at if self.quicker_through(fid, p, s_at, at) else own

    def quicker_through(self, fid: str, p, s_at: float, at_h: float) -> bool:
        """Whether going on at its own pace from km ``s_at`` at hour ``at_h`` brings the
        formation's head out of the pass ``p`` (at ``p.km_out``) within its march window, with
        no halt, and no later than crossing the rest at the rate from there: then it is ahead
        of where the rate would have it at every hour to the depth's end, whatever breach of
        its own army would have opened it meanwhile. Else it keeps to the rate (round the
        clock) and is asked again when its window next opens (:meth:`through_from_h`)."""
        kmh = self._rule.rate_km_per_day / 24.0
        out_h = self.own_pace_out_h(fid, s_at, p.km_out, at_h)
        if not math.isfinite(out_h):
            return False
        sched = self.head_schedule(fid, at_h)
        eps = _EPS_S / 3600.0
        no_halt = sched.moving_hours(self.c0 + at_h, self.c0 + out_h) >= out_h - at_h - eps
        return no_halt and out_h <= at_h + max(0.0, p.km_out - s_at) / kmh + eps

    def own_pace_out_h(self, fid: str, s_km: float, to_km: float, t_h: float) -> float:
        """A late estimate of when the formation's head, at km ``s_km`` at hour ``t_h``, reaches
        km ``to_km`` at its own pace: its head's full-pace seconds for the stretch spread over
        its march windows hour by hour (each hour's moving taken at the hour's end; night
        speed as the step loop's); no fuel, stops or holds. Inf beyond 60 days."""
        fp = self.fp[fid]
        p = self.prof(self.lead(fid), fp, self.season(t_h))
        need = float(np.interp(to_km, fp.km, p.time_s) - np.interp(s_km, fp.km, p.time_s))
        t = t_h
        for _ in range(24 * 60):
            if need <= 1e-9:
                return t
            b = math.floor(t + 1e-9) + 1.0
            sched = self.head_schedule(fid, t)
            window = sched.moving_hours(self.c0 + t, self.c0 + b)
            rate = 3600.0 * self.plan.speed_scale * sched.speed_factor((self.c0 + t) % 24.0)
            if window > 0 and window * rate >= need:
                return b - window + need / rate
            need -= window * rate
            t = b
        return math.inf

    def shared_at(self, fid: str, n: int):
        """From when the formation's ``n``-th fortified pass is open by other armies' breaches
        (:class:`~logistics.advance.shared_breaches.SharedOpen`; never when the army runs
        alone): each breach of one of its regions, from where the pass enters them
        (:func:`~logistics.advance.shared_breaches.shared_opening`, its assumption ``SPREAD``)."""
        key = (fid, n)
        if key not in self.shared_open:
            if not self.shared:
                self.shared_open[key] = SharedOpen()
            else:
                p = self.fp[fid].fortified[n]
                lon, lat = self.pass_entry(fid, n)
                self.shared_open[key] = shared_opening(self.shared, pass_regions(p), lon, lat,
                                                       self.plan.start,
                                                       self._rule.rate_km_per_day)
        return self.shared_open[key]

    def shared_text(self, fid: str, n: int, through: bool) -> str:
        """What the stops say of another army's breach that opens the formation's ``n``-th pass
        (``through``: at its own pace; else to follow): whose, when, and from when here."""
        o = self.shared_at(fid, n)
        b, h = (o.through_by, o.through_h) if through else (o.open_by, o.open_h)
        mixed = ""
        if through:  # the other armies' breaches of the pass's regions taken (pass_opening)
            own = self.own_regions(fid, n)
            used = [(hr, br) for r, hr, br in o.region_through if r not in own or hr < own[r][0]]
            if used:
                h, b = max(used, key=lambda v: v[0])
            if len(used) < len(pass_regions(self.fp[fid].fortified[n])):
                mixed = ", with its army's own breach of the pass's other region(s)"
        made = b.through if through else b.entered
        word = "broke through" if through else "broke in"
        here = self.plan.start + timedelta(hours=h)
        return (f"{b.formation_id} of {b.army} (another army of the run) {word} "
                f"{made:%d %b %H:%M}, open here from {here:%d %b %H:%M}{mixed} ({SPREAD})")

    def shared_use(self, fid: str, n: int, t_h: float, how: str) -> None:
        """Note once that the formation crossed its ``n``-th pass from hour ``t_h`` by another
        army's breach, ``how``: ``through`` (at its own pace; its stop says so), ``follow``
        (behind it at the rate) or ``behind`` (an assaulter arriving after it opened: as a
        follower, no detachment); a stop for the last two. The army's notes list them
        (:meth:`shared_notes`)."""
        if (fid, n) in self.shared_used:
            return
        self.shared_used[(fid, n)] = (t_h, how)
        if how != "through":
            p = self.fp[fid].fortified[n]
            self.reached.append({
                "time": self.plan.start + timedelta(hours=t_h), "formation_id": fid,
                "kind": "fortified region",
                "name": f"{p.region_name}: follows the breach {self.shared_text(fid, n, False)}"
                        ": at the rate behind it, no detachment", "cum_km": p.km_in})

    def follows_other(self, fid: str, n: int, t_h: float) -> bool:
        """Whether a follower whose army has nobody breaking into the regions of its ``n``-th
        pass (it would break the way itself, on its own clock: :meth:`breaks_in`), at their
        edge at hour ``t_h``, goes instead behind the breach a breaker of another army of the
        run made there (:attr:`~logistics.advance.shared_breaches.SharedBreach.breaker`): when
        that is open where its route enters them by ``t_h`` (:meth:`shared_at`). It then
        crosses at the rate from ``t_h`` as it would alone, and its crossing is not a breach
        given to the other armies (it still opens the way for its own army, as alone:
        :meth:`open_breach`, :meth:`breach_made`). Decided once, when its head first reaches
        the depth.

        Why: a commander takes the quicker way. Behind a breach open when it gets there the
        follower comes out when it would alone (the breach moves at the same rate); waiting at
        the edge for a breach opening later brings it out later than breaking the way itself
        (breachshare32 waited: the 25th Army's forward detachment lost a day at each of the
        Pogranichnaya and Mudanjiang zones), so it never waits for one. Range: never follow
        another army's breach (each army's followers break alone where it has no breaker, as
        before) to always; either way, no formation comes out later for the gift."""
        key = (fid, n)
        if key not in self.follow_other:
            p = self.fp[fid].fortified[n]
            self.follow_other[key] = p.action == "follow" and not any(
                r in self.broken_by_army for r in pass_regions(p)) and \
                self.shared_at(fid, n).breaker_open_h <= t_h + _EPS_S / 3600.0
        return self.follow_other[key]

    def behind_shared(self, fid: str, n: int, t_h: float) -> bool:
        """Whether a formation breaking into its ``n``-th pass at hour ``t_h`` (assault or
        besiege) arrives after another army's breach opened it here (:meth:`shared_at`): it
        crosses as a follower would, at the rate behind it, and leaves no detachment (noted,
        :meth:`shared_use`)."""
        if self.fp[fid].fortified[n].action == "follow" or \
                self.shared_at(fid, n).open_h > t_h + _EPS_S / 3600.0:
            return False
        self.shared_use(fid, n, t_h, "behind")
        return True

    def shared_notes(self) -> list[str]:
        """One line per pass a formation crossed by another army's breach: the region, who
        broke it and when, and how it crossed (report.md's notes)."""
        out = []
        for (fid, n), (t_h, how) in sorted(self.shared_used.items()):
            p = self.fp[fid].fortified[n]
            when = self.plan.start + timedelta(hours=t_h)
            through = how == "through"
            out.append(f"{p.region_name}: found broken by another army of the run: {fid} "
                       f"crossed it from {when:%d %b %H:%M} "
                       + ("at its own pace, through the open breach" if through else
                          "at the rate behind the breach, no detachment")
                       + f"; {self.shared_text(fid, n, through)}")
        return out

    def breaches_made(self) -> tuple:
        """The army's breaches for the other armies of the run
        (:class:`~logistics.advance.shared_breaches.SharedBreach`, one per region of each pass
        a formation broke into, :meth:`open_breach`): when its head entered the depth and came
        out (None for a region a later pass of its route crosses again, or when it did not),
        and its route through the depth charged at the rate."""
        out = []
        start = self.plan.start
        for (fid, n), (in_h, out_h) in sorted(self.breach_log.items()):
            fp = self.fp[fid]
            p = fp.fortified[n]
            later = {r for q in fp.fortified[n + 1:] for r in pass_regions(q)}
            where = tuple((round(x, 5), round(y, 5)) for x, y in self.depth_route(fid, n))
            for rid in pass_regions(p):
                through = (start + timedelta(hours=out_h)
                           if math.isfinite(out_h) and rid not in later else None)
                out.append(SharedBreach(rid, str(getattr(self.plan.army, "axis_id", "")), fid,
                                        start + timedelta(hours=in_h), through, where,
                                        breaker=p.action != "follow"))
        return tuple(sorted(out, key=SharedBreach.key))

    def open_corridor_text(self, fid: str, n: int, t_h: float, planned: bool = False) -> str:
        """What the run's stops say when a formation crosses its ``n``-th pass through its open
        breach at hour ``t_h`` (its head at the depth's edge, or inside it behind the breach
        when the breach came out); ``planned``: on a timetable planned before the run (a
        shuttle's, the ships'), which crosses it at the rate as planned. Opened sideways (by its
        army's breach, :meth:`own_opening`, or another army's, :meth:`shared_text`): whose
        breach, when it came out, and from when here."""
        p = self.fp[fid].fortified[n]
        h, by = self.breach_through_h(fid, n)
        when = self.plan.start + timedelta(hours=h)
        pace = ("no detachment; its timetable, planned before the run, crosses it at the rate"
                if planned else "at its own pace, no detachment")
        if self.own_through_h(fid, n)[0] > t_h + _EPS_S / 3600.0:  # another army's breach
            self.shared_use(fid, n, t_h, "through")
            return (f"{p.region_name}: {FORTIFIED_OPEN}, broken through by "
                    f"{self.shared_text(fid, n, True)}: {pace}")
        own_h, _, lag = self.own_opening(fid, n)
        if 0.0 < lag and own_h <= h:  # its army's breach, reaching its route sideways
            made = self.plan.start + timedelta(hours=h - lag)
            return (f"{p.region_name}: {FORTIFIED_OPEN}, broken through by {by} "
                    f"{made:%d %b %H:%M}, open here from {when:%d %b %H:%M} (opened sideways "
                    "from the breach at the breakthrough rate: advance/shared_breaches.py "
                    f"SPREAD, assumed): {pace} (fortified-regions.yaml "
                    "rule.breakthrough.open_breach)")
        return (f"{p.region_name}: {FORTIFIED_OPEN}, broken through by {by} {when:%d %b %H:%M}: "
                f"{pace} (fortified-regions.yaml rule.breakthrough.open_breach)")

    def breach_start_h(self, fid: str, n: int, t_h: float) -> float:
        """Hour from which the formation may cross its ``n``-th fortified pass, at hour
        ``t_h``: ``t_h`` when it breaks in itself, or when none of the army's formations
        breaks into the pass's regions (nobody to wait for: it breaks the way itself, on its
        own clock); else from when the breach of a formation of its army breaking in reaches
        where its route enters (:meth:`own_entry`: d / rate after that one entered, the rule
        across armies) while that wait is no longer than its depth at the rate, else it breaks
        in itself from that one's entry (:meth:`alone_start_h`,
        :func:`~logistics.advance.shared_breaches.follow_start_h`), inf before one has
        entered: it waits at the depth's edge; and from when another army's breach opens it
        here, when that is sooner (:meth:`shared_at`: it follows that breach, never waiting
        longer for it). Why: ``rule.bypass.no_way_round``'s own reason,
        a mobile formation 'cannot pass through a defended depth faster than the rifle forces
        break it open'; timed on its own clock alone, a forward detachment crossed a depth
        before any rifle formation of its army had reached it. Once open, the follower crosses
        at the rate from where it is (the breach, moving at the same rate, is ahead of it)."""
        p = self.fp[fid].fortified[n]
        if p.action != "follow":
            return t_h
        own = self.alone_start_h(fid, n, t_h)
        other = max(t_h, self.shared_at(fid, n).open_h)  # another army's breach (inf: none)
        if other <= t_h and (other < own or self.follows_other(fid, n, t_h)):
            self.shared_use(fid, n, t_h, "follow")  # it goes now, behind that breach
        start = min(own, other)  # never later than without it: at the rate either way
        if start <= t_h or (fid, n) in self.breach_waits:
            return start
        self.breach_waits.add((fid, n))
        h, by, lag = self.own_entry(fid, n)
        until = ("a formation of its army breaking in reaches it" if not math.isfinite(h) else
                 f"the breach of {by} (in {self.plan.start + timedelta(hours=h - lag):%d %b %H:%M}"
                 f") reaches it, {self.plan.start + timedelta(hours=h):%d %b %H:%M}"
                 + (" (taken sideways from the breach at the breakthrough rate: "
                    "advance/shared_breaches.py SPREAD, assumed)" if lag > 0.0 else ""))
        self.reached.append({
            "time": self.plan.start + timedelta(hours=t_h), "formation_id": fid,
            "kind": "fortified region",
            "name": f"{p.region_name}: follows the breach, waits at the depth's edge until "
                    f"{until} (fortified-regions.yaml rule.bypass.no_way_round)",
            "cum_km": p.km_in})
        return start  # when its army's breach or another army's opens it here (inf: not yet)

    def alone_start_h(self, fid: str, n: int, t_h: float) -> float:
        """:meth:`breach_start_h` without the other armies' breaches: ``t_h`` when it breaks
        in itself (or nobody of its army breaks into the pass's regions), else from when the
        breach of a formation of its army breaking into one of them reaches where its route
        enters (:meth:`own_entry`: d / rate after that one entered, d the km from its route
        through the depth) when that is near, else from that one's entry
        (:func:`~logistics.advance.shared_breaches.follow_start_h`), inf before one has
        entered (it waits)."""
        p = self.fp[fid].fortified[n]
        if p.action != "follow":
            return t_h
        rids = pass_regions(p)
        if not any(r in self.broken_by_army for r in rids):
            return t_h  # nobody of its army to follow: it breaks the way itself
        first = min((h for r in rids for h, _, _ in self.breach_open_h.get(r, ())),
                    default=math.inf)
        depth_h = (p.km_out - p.km_in) * 24.0 / self._rule.rate_km_per_day \
            if self._rule.rate_km_per_day > 0 else math.inf
        return follow_start_h(t_h, first, self.own_entry(fid, n)[0], depth_h)

    def support_held_at(self, fid: str) -> float:
        """Km a support formation attached to a parent (``role: support`` with a ``parent``,
        e.g. an SP artillery battalion of rifle divisions) may not pass: as far along its own
        route as its parent's head is along the parent's (the same share of each route: the
        two routes join the same start to the same objectives, priced for different
        vehicles), the share taken between the rivers the two are ferried over at the same
        site (:meth:`support_anchors`: a parent at or across its crossing holds the unit at
        or across its own, not metres short of it); inf once the parent has arrived.
        Assumed (configs/armies/README.md ``role``): an attached unit fights in its parent's
        formation and does not run ahead of it; no source has one leave its division."""
        fp, pp = self.fp[fid], self.fp[self.fp[fid].unit.parent]
        parent_total = float(pp.km[-1])
        if parent_total <= 0.0 or self.state[fp.unit.parent].arrived_h is not None:
            return math.inf
        s = float(self.lead(fp.unit.parent).s)
        if s >= parent_total * (1.0 - 1e-9):
            return math.inf
        at_parent, at_own = self.support_anchors(fid)
        return float(np.interp(s, at_parent, at_own))

    def support_anchors(self, fid: str) -> tuple[list[float], list[float]]:
        """(parent km, own km) of the points a support formation's route is matched to its
        parent's at (:meth:`support_held_at`): the starts, each river both are ferried over
        (:meth:`ferried_river`) at the same site (crossings within ``FERRY_SITE_KM``, in
        route order), and the ends. Why: the share of route length alone put the 2nd Red
        Banner Army's SP battalion 15 m short of its Amur crossing while its parent was at
        its own, so it stayed on the near bank (the far-bank town unreached) though ferried."""
        from logistics.geodesy import great_circle_km

        parent = self.fp[fid].unit.parent
        fp, pp = self.fp[fid], self.fp[parent]
        at_parent, at_own = [0.0], [0.0]
        for c in fp.crossings:
            if not self.ferried_river(fid, c):
                continue
            near = [(float(great_circle_km(c.lon, c.lat, x.lon, x.lat)), x.km)
                    for x in pp.crossings if x.km > at_parent[-1] + _EPS_KM
                    and self.ferried_river(parent, x)]
            near = [n for n in near if n[0] <= FERRY_SITE_KM]
            end_ok = c.km < float(fp.km[-1]) - _EPS_KM
            if near and end_ok and c.km > at_own[-1] + _EPS_KM \
                    and min(near)[1] < float(pp.km[-1]) - _EPS_KM:
                at_parent.append(float(min(near)[1]))
                at_own.append(float(c.km))
        at_parent.append(float(pp.km[-1]))
        at_own.append(float(fp.km[-1]))
        return at_parent, at_own
