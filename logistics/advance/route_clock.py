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
  (``rule.breakthrough.open_breach``), at its own pace;
* else, following the breach, not before one breaking in has entered it
  (``rule.bypass.no_way_round``: it waits at the depth's edge), then at the breakthrough rate
  round the clock until the breach comes out, the rest at its own pace;
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

__all__ = ["Breaches", "RouteClock", "route_clock"]


@dataclass
class Breaches:
    """The army's breaches as planned so far (hours since H-hour, per region id): when the
    first formation breaking in (``assault``/``besiege``) enters the region's depth
    (``entered_h``) and when one comes out of it (``through_h``, with the formation: ``by``);
    and when a formation following the breach with nobody of its army breaking in before it
    comes out (``self_through_h``: it broke the way on its own clock, ``holds.Holds.
    breaks_in``, and opens it only where no formation breaking in enters the region)."""

    entered_h: dict[str, float] = field(default_factory=dict)
    through_h: dict[str, float] = field(default_factory=dict)
    self_through_h: dict[str, float] = field(default_factory=dict)
    by: dict[str, str] = field(default_factory=dict)

    def add(self, fid: str, clock: "RouteClock") -> None:
        """Record the breaches a formation makes on its route (``clock``): where it breaks in,
        each pass's regions entered at its ``in_h``; broken through at its ``out_h`` where no
        later pass of the route crosses the region again (as ``holds.Holds.breach_made``)."""
        passes = clock.passes
        for n, (p, in_h, out_h) in enumerate(passes):
            later = {r for q, _, _ in passes[n + 1:] for r in pass_regions(q)}
            breaks = p.action != "follow"
            through = self.through_h if breaks else self.self_through_h
            for rid in pass_regions(p):
                if not breaks and rid in self.entered_h:
                    continue  # it followed a breaker: that one opens it
                if breaks and in_h < self.entered_h.get(rid, math.inf):
                    self.entered_h[rid] = in_h
                if rid not in later and out_h < through.get(rid, math.inf):
                    through[rid] = out_h
                    if breaks or rid not in self.through_h:
                        self.by[rid] = fid

    def open_from_h(self, p) -> float:
        """Hour from which every region of pass ``p`` is broken through (inf: not planned)."""
        return max((self.through_h.get(r, math.inf) if r in self.entered_h
                    else self.self_through_h.get(r, math.inf) for r in pass_regions(p)),
                   default=math.inf)

    def entered_at_h(self, p) -> float | None:
        """Hour the first formation breaking in enters one of ``p``'s regions (None: none
        planned)."""
        got = [self.entered_h[r] for r in pass_regions(p) if r in self.entered_h]
        return min(got) if got else None


@dataclass(frozen=True)
class RouteClock:
    """A route's planned clock: ``end_h`` (hours since H-hour at its end), ``passes``
    (``(pass, in_h, out_h)`` of each fortified depth), ``ferry_h`` (the ferrying it pays) and
    ``open_passes`` (how many depths it crosses through an open breach)."""

    start_h: float
    end_h: float
    passes: tuple = ()
    ferry_h: float = 0.0
    open_passes: int = 0

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
    rate_kmh = rate_km_per_day / 24.0
    t = float(getattr(u, "start_h", 0.0) if start_h is None else start_h)
    t0 = t
    done, out, n_open, ferry_total = 0, [], 0, 0.0
    for p in passes:
        inside = (kms > p.km_in) & (kms <= p.km_out)
        before = np.flatnonzero(~inside & (kms <= p.km_out))
        before = before[before >= done]
        t += float(clock_h[before].sum())
        fh = float(ferried[before].sum()) * ferry_h
        t, ferry_total = t + fh, ferry_total + fh
        own_h = float(clock_h[inside].sum())
        in_h = t
        t, opened = _cross(p, t, p.km_out - p.km_in, own_h, rate_kmh, breaches)
        n_open += opened
        out.append((p, in_h, t))
        fh = float(ferried[inside].sum()) * ferry_h
        t, ferry_total = t + fh, ferry_total + fh
        done = int(np.searchsorted(kms, p.km_out, side="right"))
    rest = np.arange(done, len(kms))
    t += float(clock_h[rest].sum())
    fh = float(ferried[rest].sum()) * ferry_h
    return RouteClock(t0, t + fh, tuple(out), ferry_total + fh, n_open)


def _cross(p, a_h: float, depth_km: float, own_h: float, rate_kmh: float,
           breaches: Breaches) -> tuple[float, bool]:
    """(hour it comes out of pass ``p`` reached at ``a_h``, whether through an open breach):
    the rules of the module docstring; ``own_h``: the depth's hours at its own pace."""
    open_h = breaches.open_from_h(p)
    if open_h <= a_h:
        return a_h + own_h, True
    start = a_h
    if p.action == "follow":
        entered = breaches.entered_at_h(p)
        if entered is not None:
            start = max(a_h, entered)
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
