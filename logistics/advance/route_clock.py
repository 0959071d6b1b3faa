"""The plan's clock of a route: when a formation would be where, before the run, for the bypass
rule's comparison (``configs/fortified-regions.yaml rule.bypass.quicker_way``).

One estimate, the same for every formation and army: each step at the column's pace (the pace
vehicle's time, not faster than the norm's ``max_speed_kmh``) spread over the norm's
``hours_per_day`` (so a day's march takes a day of the clock); a big-river crossing where the
formation is ferried (:mod:`~logistics.advance.ferry_toll`) adds its ferrying, round the clock;
a fortified depth (:func:`~logistics.advance.depths.fortified_passes`) is crossed by the rules of
the step loop (:mod:`logistics.advance.holds`), with the breaches the army's formations planned
before it make (:class:`Breaches`):

* once a formation of the army breaking in has come out of every region of the depth
  (``rule.breakthrough.open_breach``) and the defence, taken sideways from its route through
  the depth at the breakthrough rate, has reached where this route enters it (``d / rate``
  later, :func:`~logistics.advance.shared_breaches.sideways_lag_h`, as the step loop's
  ``holds.Holds.own_opening``), at its own pace;
* else, following the breach, not before the breach of one breaking in has reached where it
  enters so (``rule.bypass.no_way_round``: it waits at the depth's edge,
  ``holds.Holds.own_entry``; not longer than its depth at the rate, else it breaks in itself
  from the first entry: ``shared_breaches.follow_start_h``), then at the breakthrough rate
  round the clock until the breach
  through reaches it, the rest at its own pace;
* breaking in itself (or with nobody of its army planned to break in before it), at the rate
  from when it gets there, and on at its own pace once a breach ahead comes out.

Why: the comparison priced every depth at the rate and left out the ferrying, so a formation
whose army's rifle forces would have broken the depth days before it got there went round it
(a long detour) to save a breakthrough it would never have had to make, or followed a route
across a river that it would wait days to be ferried over. It is the plan's estimate, not the
run: no fuel, no night-time window, no queue beyond what the caller adds to the ferrying
(the step loop keeps its own clock).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from logistics.advance.depths import pass_regions
from logistics.advance.shared_breaches import (depth_points, follow_start_h, pass_through,
                                               sideways_lag_h)

__all__ = ["Breaches", "RouteClock", "route_clock"]


@dataclass
class Breaches:
    """The army's breaches as planned so far (hours since H-hour, per region id): when the
    first formation breaking in (``assault``/``besiege``) enters the region's depth
    (``entered_h``) and when one comes out of it (``through_h``, with the formation: ``by``);
    and when a formation following the breach with nobody of its army breaking in before it
    comes out (``self_through_h``: it broke the way on its own clock, ``holds.Holds.
    breaks_in``, and opens it only where no formation breaking in enters the region). Each
    breach with its route through the depth (``entries``, ``throughs``, ``self_throughs``:
    ``(hour, points)`` per region), from which it opens the region sideways at the rate
    (:func:`~logistics.advance.shared_breaches.sideways_lag_h`), as the step loop does."""

    entered_h: dict[str, float] = field(default_factory=dict)
    through_h: dict[str, float] = field(default_factory=dict)
    self_through_h: dict[str, float] = field(default_factory=dict)
    by: dict[str, str] = field(default_factory=dict)
    entries: dict[str, list] = field(default_factory=dict)
    throughs: dict[str, list] = field(default_factory=dict)
    self_throughs: dict[str, list] = field(default_factory=dict)

    def add(self, fid: str, clock: "RouteClock") -> None:
        """Record the breaches a formation makes on its route (``clock``): where it breaks in,
        each pass's regions entered at its ``in_h``; broken through at its ``out_h`` where no
        later pass of the route crosses the region again (as ``holds.Holds.breach_made``);
        each from its route through the depth (``clock.wheres``)."""
        passes = clock.passes
        wheres = clock.wheres or ((),) * len(passes)
        for n, ((p, in_h, out_h), where) in enumerate(zip(passes, wheres)):
            later = {r for q, _, _ in passes[n + 1:] for r in pass_regions(q)}
            breaks = p.action != "follow"
            through = self.through_h if breaks else self.self_through_h
            outs = self.throughs if breaks else self.self_throughs
            for rid in pass_regions(p):
                if not breaks and rid in self.entered_h:
                    continue  # it followed a breaker: that one opens it
                if breaks:
                    self.entries.setdefault(rid, []).append((in_h, where))
                    if in_h < self.entered_h.get(rid, math.inf):
                        self.entered_h[rid] = in_h
                if rid in later:
                    continue
                outs.setdefault(rid, []).append((out_h, where))
                if out_h < through.get(rid, math.inf):
                    through[rid] = out_h
                    if breaks or rid not in self.through_h:
                        self.by[rid] = fid

    def open_from_h(self, p, at=None, rate_km_per_day: float = 0.0) -> float:
        """Hour from which every region of pass ``p`` is broken through where a route enters
        it at ``at`` (``(lon, lat)``): per region the earliest breach through it plus the
        sideways lag from its route at ``rate_km_per_day`` (``holds.Holds.own_opening``);
        the latest of the regions (inf: not planned; the one rule,
        :func:`~logistics.advance.shared_breaches.pass_through`). ``at`` None: the whole
        region at once."""
        regions = pass_regions(p)
        opening = {r: (self._earliest(self.throughs.get(r, ()) if r in self.entered_h
                                      else self.self_throughs.get(r, ()), at, rate_km_per_day),)
                   for r in regions}
        got = pass_through(regions, opening)
        return math.inf if got is None else got[0]

    def entered_at_h(self, p, at=None, rate_km_per_day: float = 0.0) -> float | None:
        """Hour the breach of a formation breaking into one of ``p``'s regions reaches a route
        entering it at ``at`` (its entry plus the sideways lag, the earliest of them:
        ``holds.Holds.own_entry``; None: none planned). ``at`` None: the first entry."""
        got = [self._earliest(self.entries[r], at, rate_km_per_day)
               for r in pass_regions(p) if r in self.entries]
        return min(got) if got else None

    @staticmethod
    def _earliest(made, at, rate_km_per_day: float) -> float:
        """The earliest ``hour + lag`` of ``made`` (``(hour, points)``) at ``at``."""
        if at is None:
            return min((h for h, _ in made), default=math.inf)
        return min((h + sideways_lag_h(w, at[0], at[1], rate_km_per_day) for h, w in made),
                   default=math.inf)


@dataclass(frozen=True)
class RouteClock:
    """A route's planned clock: ``end_h`` (hours since H-hour at its end), ``passes``
    (``(pass, in_h, out_h)`` of each fortified depth), ``ferry_h`` (the ferrying it pays),
    ``open_passes`` (how many depths it crosses through an open breach) and ``wheres`` (its
    route through each depth)."""

    start_h: float
    end_h: float
    passes: tuple = ()
    ferry_h: float = 0.0
    open_passes: int = 0
    #: each pass's ``(lon, lat)`` points through its depth, where it enters first
    #: (:func:`~logistics.advance.shared_breaches.depth_points`)
    wheres: tuple = ()

    @property
    def days(self) -> float:
        """Days from its start to its route's end."""
        return (self.end_h - self.start_h) / 24.0


def route_clock(seg: pd.DataFrame, u, passes, rate_km_per_day: float, *,
                breaches: Breaches | None = None, ferry_cells: np.ndarray | None = None,
                ferry_h: float = 0.0, start_h: float | None = None) -> RouteClock:
    """The clock of formation ``u``'s route ``seg`` (see the module docstring): ``passes`` its
    fortified depths (:func:`~logistics.advance.depths.fortified_passes`), crossed at
    ``rate_km_per_day`` or through ``breaches`` (None: none planned); ``ferry_cells`` (bool
    grid; None: not ferried) where each entry from outside costs ``ferry_h`` hours, round the
    clock; ``start_h``: its start (hours since H-hour; default ``u.start_h``)."""
    from logistics.advance.pace import norm_floor_s

    kms = seg["cum_km"].to_numpy(dtype=np.float64)
    norm = u.norm
    step_h = np.maximum(seg["time_s"].to_numpy(dtype=np.float64),
                        norm_floor_s(seg["dist_m"].to_numpy(dtype=np.float64), norm)) / 3600.0
    step_h = np.where(np.isfinite(step_h), step_h, 0.0)
    hours_per_day = norm.hours_per_day if norm is not None and norm.hours_per_day > 0 else 24.0
    clock_h = step_h * 24.0 / hours_per_day  # a step's share of the days the march takes
    ferried = np.zeros(len(kms), dtype=bool)
    if ferry_cells is not None and ferry_h > 0 and len(kms):
        rows = seg["row"].to_numpy(dtype=np.int64)
        cols = seg["col"].to_numpy(dtype=np.int64)
        on = ferry_cells[rows, cols]
        ferried[1:] = on[1:] & ~on[:-1]
    breaches = breaches if breaches is not None else Breaches()
    t = float(getattr(u, "start_h", 0.0) if start_h is None else start_h)
    t0 = t
    done, out, n_open, ferry_total, wheres = 0, [], 0, 0.0, []
    lons, lats = seg["lon"].to_numpy(dtype=np.float64), seg["lat"].to_numpy(dtype=np.float64)
    for p in passes:
        where = depth_points(kms, lons, lats, p.km_in, p.km_out) if len(kms) else ()
        wheres.append(where)
        inside = (kms > p.km_in) & (kms <= p.km_out)
        before = np.flatnonzero(~inside & (kms <= p.km_out))
        before = before[before >= done]
        t += float(clock_h[before].sum())
        fh = float(ferried[before].sum()) * ferry_h
        t, ferry_total = t + fh, ferry_total + fh
        own_h = float(clock_h[inside].sum())
        in_h = t
        t, opened = _cross(p, t, p.km_out - p.km_in, own_h, rate_km_per_day, breaches,
                           where[0] if where else None)
        n_open += opened
        out.append((p, in_h, t))
        fh = float(ferried[inside].sum()) * ferry_h
        t, ferry_total = t + fh, ferry_total + fh
        done = int(np.searchsorted(kms, p.km_out, side="right"))
    rest = np.arange(done, len(kms))
    t += float(clock_h[rest].sum())
    fh = float(ferried[rest].sum()) * ferry_h
    return RouteClock(t0, t + fh, tuple(out), ferry_total + fh, n_open, tuple(wheres))


def _cross(p, a_h: float, depth_km: float, own_h: float, rate_km_per_day: float,
           breaches: Breaches, at) -> tuple[float, bool]:
    """(hour it comes out of pass ``p`` reached at ``a_h``, whether through an open breach):
    the rules of the module docstring; ``own_h``: the depth's hours at its own pace; ``at``:
    ``(lon, lat)`` where its route enters the depth (the breaches open it there, sideways at
    the rate, :class:`Breaches`)."""
    rate_kmh = rate_km_per_day / 24.0
    open_h = breaches.open_from_h(p, at, rate_km_per_day)
    if open_h <= a_h:
        return a_h + own_h, True
    start = a_h
    if p.action == "follow":
        entered = breaches.entered_at_h(p, at, rate_km_per_day)
        if entered is not None:
            start = follow_start_h(a_h, breaches.entered_at_h(p), entered,
                                   depth_km / rate_kmh if rate_kmh > 0 else math.inf)
            if open_h <= start:
                return start + own_h, True
    if depth_km <= 0 or rate_kmh <= 0:
        return start, False
    end = start + depth_km / rate_kmh
    if end <= open_h:
        return end, False
    # the breach ahead comes out while it is inside: the rest at its own pace
    left = 1.0 - (open_h - start) * rate_kmh / depth_km
    return open_h + own_h * left, False
