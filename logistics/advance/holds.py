"""Where a formation's head may not go at an hour: not past its parent's head until it is formed
(``formed``), not ahead of its parent when attached (``role: support``), and, ferried across a
major river (``ferry_by``), not beyond the bridgehead until all of it is across; following the
breach (``follow``), not into a fortified depth before a formation of its army breaking in has
entered it (:meth:`Holds.breach_start_h`), and, once one has come out of a region's depth,
through it at its own pace (:meth:`Holds.breach_through_h`); and the
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
          ``plan.ferry_bridgehead_km`` beyond the crossing (assumed, see
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
        ``plan.ferry_bridgehead_km`` beyond its crossing, and short of its route's next
        crossing where it is ferried (:meth:`ferried_at`: it queues there once all of it is
        across this one); else inf."""
        if not self.ferrying(fid, t_h):
            return math.inf
        st, fp = self.state[fid], self.fp[fid]
        if self.waiting(fid, t_h):
            return st.ferry_km
        bound = st.ferry_km + self.plan.ferry_bridgehead_km
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
        fp = self.fp[fid]
        if crossing.river_class not in BIG_RIVER_CLASSES \
                or getattr(crossing, "joins_km", None) is not None:
            return False
        return bool(fp.ferry_by) or (crossing.frontier and math.isfinite(fp.own_means_h))

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
                        f"{self.plan.ferry_bridgehead_km:g} km of the crossing",
                "cum_km": st.ferry_km})

    def open_breach(self, p, t_h: float) -> None:
        """A formation's head enters the fortified pass ``p`` at hour ``t_h``: when it breaks
        in (``assault``/``besiege``, not ``follow``), each region of the pass is open from then
        on, if not already (:meth:`breach_start_h`)."""
        if self.breaks_in(p):
            for rid in pass_regions(p):
                self.breach_open_h.setdefault(rid, t_h)

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
        region of the pass that no later pass of its route crosses again is broken through its
        whole depth from then on, if not already (:meth:`breach_through_h`)."""
        passes = self.fp[fid].fortified
        p = passes[n]
        if not self.breaks_in(p):
            return
        later = {r for q in passes[n + 1:] for r in pass_regions(q)}
        for rid in pass_regions(p):
            if rid not in later:
                self.breach_through.setdefault(rid, (t_h, fid))

    def breach_through_h(self, p) -> tuple[float, str]:
        """(hour, formation) from which the fortified pass ``p`` is an open corridor for every
        formation of the army: the latest of its regions' :meth:`breach_made` hours and the
        formation that made it; (inf, "") while one of them is not yet broken through.

        Why (``configs/fortified-regions.yaml rule.breakthrough.open_breach``): the rate is
        that of the breach's head through the defended depth ([RUNOV-UR] 'прорвана на всю
        глубину ... со средним темпом до 10 километров в сутки'); once a formation has broken
        through the whole depth the nodes left in it are encircled and reduced by the forces
        detailed for it ([RUNOV-UR] 'Ликвидация японских войск, окруженных в узлах
        сопротивления, осуществлялась специально выделенными ... силами'), so a later
        formation of the army crosses the depth in the corridor at its own pace: no second
        breakthrough at the rate, no second detachment."""
        rids = pass_regions(p)
        if not all(r in self.breach_through for r in rids):
            return math.inf, ""
        return max((self.breach_through[r] for r in rids), key=lambda x: x[0])

    def open_corridor_text(self, p, planned: bool = False) -> str:
        """What the run's stops say when a formation crosses the pass ``p`` through its open
        breach (its head at the depth's edge, or inside it behind the breach when the breach
        came out); ``planned``: on a timetable planned before the run (a shuttle's, the
        ships'), which crosses it at the rate as planned."""
        h, by = self.breach_through_h(p)
        when = self.plan.start + timedelta(hours=h)
        pace = ("no detachment; its timetable, planned before the run, crosses it at the rate"
                if planned else "at its own pace, no detachment")
        return (f"{p.region_name}: {FORTIFIED_OPEN}, broken through by {by} {when:%d %b %H:%M}: "
                f"{pace} (fortified-regions.yaml rule.breakthrough.open_breach)")

    def breach_start_h(self, fid: str, n: int, t_h: float) -> float:
        """Hour from which the formation may cross its ``n``-th fortified pass, at hour
        ``t_h``: ``t_h`` when it breaks in itself, when a formation of its army breaking in has
        entered one of the pass's regions by then (the hour it entered, if later within the
        step), or when none of the army's formations
        breaks into them (nobody to wait for: it breaks the way itself, on its own clock);
        else inf, it waits at the depth's edge. Why: ``rule.bypass.no_way_round``'s own reason,
        a mobile formation 'cannot pass through a defended depth faster than the rifle forces
        break it open'; timed on its own clock alone, a forward detachment crossed a depth
        before any rifle formation of its army had reached it. Once open, the follower crosses
        at the rate from where it is (the breach, moving at the same rate, is ahead of it)."""
        p = self.fp[fid].fortified[n]
        if p.action != "follow":
            return t_h
        rids = pass_regions(p)
        opened = [self.breach_open_h[r] for r in rids if r in self.breach_open_h]
        if opened:
            return max(t_h, min(opened))
        if not any(r in self.broken_by_army for r in rids):
            return t_h
        if (fid, n) not in self.breach_waits:
            self.breach_waits.add((fid, n))
            self.reached.append({
                "time": self.plan.start + timedelta(hours=t_h), "formation_id": fid,
                "kind": "fortified region",
                "name": f"{p.region_name}: follows the breach, waits at the depth's edge until a "
                        "formation of its army breaking in reaches it (fortified-regions.yaml "
                        "rule.bypass.no_way_round)", "cum_km": p.km_in})
        return math.inf

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
