"""Fortified regions broken by one army and crossed by another army of the same run.

Each army file runs alone, so a region's defence broken by one army (its formations breaking
in: ``assault``/``besiege``, or a follower with nobody of its army to follow,
:meth:`~logistics.advance.holds.Holds.breaks_in`) was whole again for its neighbours: in a run
of every army the 1st Red Banner and the 5th Armies each broke the Mudanjiang zone with their
own breakers, at their own hours. A run of several armies (``logistics run configs/``,
``logistics compare``) hands each army, as plain data (:class:`SharedBreach`), the breaches
the other armies made, and its step loop lets its formations cross there as a follower
crosses an open breach (:meth:`~logistics.advance.holds.Holds.breach_start_h`,
:meth:`~logistics.advance.holds.Holds.through_from_h`; :func:`shared_opening` says from
when), only where that is the quicker way: no formation comes out of a depth later for a
breach given than it would without it (a commander takes the quicker way); :func:`settle`
runs the armies to a fixed point, the same whatever their order or the number of workers. An
army run alone is given nothing and runs as before.

What "broken" opens (``SPREAD``): a region's drawn extent can be long (Dongning's front
115 km; the Mudanjiang zone a half ring some 200 km round), and two armies' routes may cross it
far apart. **Assumed**: from the breach (the breaker's route through the depth charged at the
rate), the defence is taken sideways at the rule's breakthrough rate
(``rule.breakthrough.rate_km_per_day``, the one sourced rate of taking defended ground,
[RUNOV-UR]: the garrison that has lost the breach cannot hold the belt beside it, and its
nodes are reduced by detached forces, [RUNOV-UR] 'Ликвидация японских войск, окруженных в
узлах сопротивления, осуществлялась специально выделенными ... силами'), so the point where
another army's route enters the region is open ``d / rate`` days after the breaker entered
(to follow, at the rate) and came out (through, at its own pace), ``d`` the km from that
point to the breach. Range: never (0 km a day: each army breaks its own, as before) to at once
the whole region (no limit). The same rule within one army (``rule.breakthrough.open_breach``):
a region broken through by a formation of the army opens for a later one of the army where its
route enters it ``d / rate`` after the breaker came out (:func:`sideways_lag_h`, the one
implementation of the lag; :meth:`~logistics.advance.holds.Holds.own_opening`), at once on
the breach's own route (as before), and away from it only where that is the quicker way
(:meth:`~logistics.advance.holds.Holds.through_from_h`). Before, within an army the whole
region opened at once, wherever the route entered it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import numpy as np

from logistics.advance.depths import pass_regions

__all__ = ["SharedBreach", "SharedOpen", "SPREAD", "AT_BREACH_KM", "sideways_lag_h", "depth_points",
           "follow_start_h", "pass_through",
           "shared_opening", "crossed_regions", "given_to", "settle", "Settled", "max_passes",
           "hours_text"]

#: The assumption of the sideways opening, as the outputs name it (module docstring).
SPREAD = ("shared breach: opened sideways from another army's breach at the breakthrough rate "
          "(advance/shared_breaches.py SPREAD, assumed)")


@dataclass(frozen=True)
class SharedBreach:
    """A region broken by a formation of another army: ``region_id`` (the layer's id),
    ``army`` (its axis id), ``formation_id``, ``entered`` (when its head broke into the depth,
    the army's local clock), ``through`` (when it came out of it; None: not by the run's end)
    and ``where``: ``(lon, lat)`` points of its route through the depth charged at the rate."""

    region_id: str
    army: str
    formation_id: str
    entered: datetime
    through: datetime | None
    where: tuple[tuple[float, float], ...]
    #: broken in by its action (``assault``/``besiege``), not by a follower with nobody of
    #: its army to follow: a follower of another army with nobody of its own goes behind such
    #: a breach when it is open where it enters (never waiting for it), never behind another
    #: follower's (:meth:`~logistics.advance.holds.Holds.follows_other`)
    breaker: bool = True

    def key(self) -> tuple:
        """Its place in a sorted list of breaches (a breach not through by the run's end
        last of equals): the one order every army is given them in."""
        return (self.region_id, self.army, self.formation_id, self.entered,
                self.through or datetime.max, self.where, self.breaker)

    def as_dict(self) -> dict:
        """Plain data (the run's provenance)."""
        return {"region_id": self.region_id, "army": self.army,
                "formation_id": self.formation_id, "entered": self.entered.isoformat(),
                "through": None if self.through is None else self.through.isoformat(),
                "where": [list(p) for p in self.where], "breaker": self.breaker}


@dataclass(frozen=True)
class SharedOpen:
    """From when a formation's fortified pass is open by other armies' breaches (hours since
    the army's H-hour, inf: never): to follow (``open_h``, crossed at the rate behind it, no
    detachment) and through (``through_h``, at its own pace: each region of the pass broken
    through, :func:`pass_through`), with the breach that opens it
    (``open_by``, ``through_by``: :class:`SharedBreach`)."""

    open_h: float = math.inf
    through_h: float = math.inf
    open_by: SharedBreach | None = None
    through_by: SharedBreach | None = None
    #: from when it is open by a breach broken in by its action (:attr:`SharedBreach.breaker`)
    breaker_open_h: float = math.inf
    breaker_by: SharedBreach | None = None
    #: per region of the pass, ``(region_id, hour, breach)``: the earliest other army's breach
    #: through it, where the pass enters (:func:`pass_through` combines them with the army's own)
    region_through: tuple = ()


def _hours(when: datetime | None, start: datetime) -> float:
    return math.inf if when is None else (when - start).total_seconds() / 3600.0


#: km from a breach's route within which a point counts as on it (no sideways lag): a numerical
#: tolerance for two routes through the same point, interpolated on different km (1 m)
AT_BREACH_KM = 1e-3


def sideways_lag_h(where: Iterable[tuple[float, float]], lon: float, lat: float,
                   rate_km_per_day: float) -> float:
    """Hours after a breach that the defence, taken sideways from its route at the breakthrough
    rate (:data:`SPREAD`), reaches the point ``(lon, lat)``: ``d / rate``, ``d`` the km from the
    point to the nearest of ``where`` (the breach's ``(lon, lat)`` points through the depth);
    0 within :data:`AT_BREACH_KM` of it; inf with no points or no rate (never)."""
    from logistics.geodesy import great_circle_km

    pts = np.asarray(tuple(where), dtype=float).reshape(-1, 2)
    kmh = rate_km_per_day / 24.0
    if not len(pts) or kmh <= 0:
        return math.inf
    d = float(np.min(great_circle_km(lon, lat, pts[:, 0], pts[:, 1])))
    return 0.0 if d <= AT_BREACH_KM else d / kmh


def follow_start_h(t_h: float, first_h: float, reach_h: float, depth_h: float) -> float:
    """Hour a follower at a depth's edge at ``t_h`` enters it (``rule.bypass.no_way_round``):
    not before the first formation of its army breaking into the region entered it
    (``first_h``; inf: none yet, it waits), and then behind that breach where it reaches its
    route (``reach_h``: the entry plus the sideways lag, :func:`sideways_lag_h`), but only
    while that wait is no longer than the ``depth_h`` hours it takes to cross its own depth at
    the rate; a breach that reaches it later than that is not near: it breaks in itself from
    the army's entry, on its own clock (as where nobody of its army breaks in). One rule for
    the step loop (``holds.Holds.alone_start_h``) and the plan's clock (``route_clock``).

    Assumed (why the bound): the follower goes behind its army's breach because it cannot
    cross a defended depth faster than the rifle forces break it open, not to stand idle;
    waiting days at the edge for a breach broken in 50-100 km away along the region's front,
    where crossing its own depth at the same rate takes hours (a route grazing a region's
    corner: 1-2 km), no commander would. Range: wait for the breach whatever its distance
    (0 h of own breaking) to the whole region open at the first entry (the rule before)."""
    go = max(t_h, first_h)
    if not math.isfinite(go):
        return math.inf
    return max(go, reach_h) if reach_h <= go + depth_h else go


def depth_points(km, lon, lat, km_in: float, km_out: float) -> tuple[tuple[float, float], ...]:
    """``(lon, lat)`` points of a route (``km``, ``lon``, ``lat`` along it) through the depth
    ``km_in`` .. ``km_out``: where it enters, its points inside, where it comes out (a breach's
    route, from which the defence is taken sideways: :func:`sideways_lag_h`; the first point is
    where the route enters the depth). One implementation for the step loop
    (:meth:`~logistics.advance.holds.Holds.depth_route`) and the plan's clock
    (:mod:`~logistics.advance.route_clock`)."""
    km = np.asarray(km, dtype=float)
    ks = [km_in, *km[(km > km_in) & (km < km_out)].tolist(), km_out]
    return tuple((float(np.interp(k, km, lon)), float(np.interp(k, km, lat))) for k in ks)


def pass_through(region_ids: Iterable[str], *openings: Mapping[str, tuple]) -> tuple | None:
    """When a pass over ``region_ids`` is open to cross at one's own pace: for each region the
    earliest of ``openings`` (each ``{region_id: (hour, ...)}``: the army's own breaches, the
    other armies'; ties: the first given), then the latest over the pass's regions (that
    tuple; None while a region is open by none). The one rule within and across armies.

    Why: a pass is one depth over touching regions; going through it at one's own pace needs
    each region's defence broken (breaching one leaves the other standing), by whichever army
    broke it first; never later than by one's own army's breaches alone (a region's earliest
    is no later than its own army's)."""
    worst = None
    for rid in region_ids:
        best = None
        for o in openings:
            v = o.get(rid)
            if v is not None and (best is None or v[0] < best[0]):
                best = v
        if best is None:
            return None
        if worst is None or best[0] > worst[0]:
            worst = best
    return worst


def shared_opening(breaches: Iterable[SharedBreach], region_ids: Iterable[str], lon: float,
                   lat: float, start: datetime, rate_km_per_day: float) -> SharedOpen:
    """When a pass over ``region_ids`` entered at ``(lon, lat)`` is open by ``breaches`` (of
    other armies; the army's H-hour ``start``): each breach of one of its regions opens it
    ``d / rate`` after the breach's hours, ``d`` the km from the point to the breach's route
    (:data:`SPREAD`). To follow: the earliest of them, any region (ties: the first in the
    records' order); through: each region's earliest, the latest of the pass's regions
    (:func:`pass_through`; inf while one is not broken through)."""
    rids = tuple(dict.fromkeys(region_ids))
    out = SharedOpen()
    per: dict[str, tuple[float, SharedBreach]] = {}
    for b in sorted(breaches, key=SharedBreach.key):
        if b.region_id not in rids:
            continue
        lag = sideways_lag_h(b.where, lon, lat, rate_km_per_day)
        if not math.isfinite(lag):
            continue
        opened = _hours(b.entered, start) + lag
        through = _hours(b.through, start) + lag
        if opened < out.open_h:
            out = replace(out, open_h=opened, open_by=b)
        if math.isfinite(through) and (b.region_id not in per or through < per[b.region_id][0]):
            per[b.region_id] = (through, b)
        if b.breaker and opened < out.breaker_open_h:
            out = replace(out, breaker_open_h=opened, breaker_by=b)
    w = pass_through(rids, per)
    if w is not None:
        out = replace(out, through_h=w[0], through_by=w[1])
    return replace(out, region_through=tuple((r, h, b) for r, (h, b) in per.items()))


def crossed_regions(plan) -> frozenset[str]:
    """The region ids a plan's formations cross at the rate (their fortified passes): the
    regions whose breaches by another army can change its run."""
    return frozenset(r for fp in plan.formations for p in getattr(fp, "fortified", ()) or ()
                     for r in pass_regions(p))  # (a synthetic plan may give no passes)


def given_to(army: str, own: Mapping[str, tuple[SharedBreach, ...]],
             crossed: frozenset[str]) -> tuple[SharedBreach, ...]:
    """The breaches the other armies of ``own`` (axis id -> its breaches) made of the regions
    ``army`` crosses, sorted (the same whatever the order the armies were run in)."""
    return tuple(sorted((b for other, made in own.items() if other != army for b in made
                         if b.region_id in crossed), key=SharedBreach.key))


@dataclass(frozen=True)
class Settled:
    """The end of :func:`settle`: what each army was given last (``given``), the passes run
    after the first (``passes``) and whether a pass changed nothing (``settled``)."""

    given: dict[str, tuple[SharedBreach, ...]]
    passes: int
    settled: bool


def max_passes(n_armies: int) -> int:
    """The bound of :func:`settle`'s passes after the first: a breach's news crosses one army
    a pass (a chain of ``n`` armies needs ``n - 1``), plus one to find nothing changes."""
    return max(1, int(n_armies))


def settle(own: Mapping[str, tuple[SharedBreach, ...]], crossed: Mapping[str, frozenset[str]],
           rerun: Callable[[dict[str, tuple[SharedBreach, ...]]], Mapping[str, tuple]],
           *, passes: int | None = None) -> Settled:
    """Run armies to the fixed point of their shared breaches. ``own``: each army's breaches
    from its run alone (axis id -> :class:`SharedBreach` es); ``crossed``: the regions each
    crosses (:func:`crossed_regions`); ``rerun({army: given})``: run those armies again, each
    with the breaches it is given, and return their own breaches.

    Each pass gives every army the breaches the others made in the pass before
    (:func:`given_to`, sorted) and re-runs only the armies whose gift changed: all of a pass's
    re-runs read the same results, so the outcome does not depend on the armies' order or on
    how many run at once. Breaches only open ground earlier, so it settles, in practice in a
    pass or two; it stops after ``passes`` (:func:`max_passes` of the armies when None) and
    says so (``settled`` False)."""
    own = dict(own)
    given: dict[str, tuple[SharedBreach, ...]] = {a: () for a in own}
    bound = max_passes(len(own)) if passes is None else passes
    for n in range(bound + 1):
        gifts = {a: given_to(a, own, crossed.get(a, frozenset())) for a in sorted(own)}
        changed = {a: g for a, g in gifts.items() if g != given[a]}
        if not changed:
            return Settled(given, n, True)
        if n == bound:
            break
        got = rerun(changed)
        given.update(changed)
        own.update({a: tuple(got[a]) for a in changed})
    return Settled(given, bound, False)


def hours_text(start: datetime, h: float) -> str:
    """``12 Aug 14:00`` for ``h`` hours after ``start``."""
    return f"{start + timedelta(hours=h):%d %b %H:%M}"
