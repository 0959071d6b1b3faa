"""Who puts a formation across a major or large river, and when: its flotilla brigade or the
army's own crossing means at the crossing site.

Two kinds of *means* serve the formations at a major or large river (every such crossing of
every formation's route, :meth:`~logistics.advance.holds.Holds.ferried_at`); the brigade only
those it ``ferries_for``:

* the **brigade** (``ferry_h``, :func:`~logistics.network.ferry_time_h`): one queue for all
  its formations, wherever they cross (its passage between sites is not modelled);
* a **park** at each crossing **site** (``own_means_h``,
  :func:`~logistics.network.own_means_time_h`, ``river.own_means`` of
  ``configs/norms/movement.yaml``): crossings within :data:`~logistics.advance.ferry_sites.
  FERRY_SITE_KM` of a site's first crossing are that site (:meth:`FerryQueues.site_of`).

A formation waiting at a site is in its park's queue and, if a brigade ferries it, in the
brigade's. Each means carries one formation at a time,
whole: they do not split one formation between them (simple, and conservative: splitting
could only be faster). Whenever a means is free it takes the first in fuel priority order
(``rank``: forward detachments first) of its formations waiting by then, else, idle, the
first to arrive, as the brigade alone did; the formation goes to whichever of its means
would have all of it across first (that means is then busy until then), and leaves both
queues. So for formations taken in priority order the flotilla can only help: each is across
no later than with the park alone (by induction: the park is never busier than alone).
As in any queue that does not interrupt a crossing, a formation of higher priority arriving
later can find both means taken. Plain numbers in and out; the step loop's holds
(:mod:`logistics.advance.holds`) queue the formations and read who took them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["Taken", "FerryQueues"]

#: tolerance (h) of "free by now": the step loop's 1 ms
_EPS_H = 1e-3 / 3600.0


@dataclass(frozen=True)
class Taken:
    """A formation taken across: by ``means`` (a brigade id, or ``park:<site>``), from
    ``start_h`` for ``hours``, all across at ``release_h`` (hours after H-hour)."""

    fid: str
    means: str
    start_h: float
    hours: float
    arrived_h: float

    @property
    def release_h(self) -> float:
        """When all of the formation is across."""
        return self.start_h + self.hours

    @property
    def by_park(self) -> bool:
        """Whether the army's own means (a park) took it, not its brigade."""
        return self.means.startswith("park:")


@dataclass
class _Waiting:
    fid: str
    arrived_h: float
    hours: dict[str, float]  # means -> hours it needs to put all of the formation across


@dataclass
class FerryQueues:
    """The brigades' and the sites' parks' queues of one army (see the module docstring).

    ``rank``: each formation's place in fuel priority order (lower first); ``site_km``: how
    close a crossing must be to a site's first crossing to be that site (km, great circle).
    """

    rank: Mapping[str, int]
    site_km: float
    free_h: dict[str, float] = field(default_factory=dict)
    waiting: list[_Waiting] = field(default_factory=list)
    sites: list[tuple[float, float]] = field(default_factory=list)

    def site_of(self, lon: float, lat: float) -> int:
        """The crossing site of a crossing at (``lon``, ``lat``): the first site within
        ``site_km``, else a new one there."""
        from logistics.geodesy import great_circle_km

        for n, (x, y) in enumerate(self.sites):
            if float(great_circle_km(x, y, lon, lat)) <= self.site_km:
                return n
        self.sites.append((float(lon), float(lat)))
        return len(self.sites) - 1

    def join(self, fid: str, arrived_h: float, *, brigade: str | None, ferry_h: float,
             site: int | None, own_h: float) -> None:
        """Queue ``fid`` from ``arrived_h``: for ``brigade`` (``ferry_h`` hours) and for the
        park of ``site`` (``own_h`` hours; none when ``site`` is None or ``own_h`` is inf)."""
        hours = {}
        if brigade is not None and math.isfinite(ferry_h):
            hours[brigade] = float(ferry_h)
        if site is not None and math.isfinite(own_h):
            hours[f"park:{site}"] = float(own_h)
        if not hours:
            raise ValueError(f"{fid}: queued for no means of crossing")
        for m in hours:
            self.free_h.setdefault(m, 0.0)
        self.waiting.append(_Waiting(fid, float(arrived_h), hours))

    def take(self, now_h: float) -> list[Taken]:
        """Let every means free by ``now_h`` take the formations waiting for it (the module
        docstring's rule), the means free earliest first; what was taken, in order."""
        out = []
        while True:
            free = sorted((self.free_h[m], m) for m in self.free_h
                          if self.free_h[m] <= now_h + _EPS_H
                          and any(m in w.hours for w in self.waiting))
            if not free:
                return out
            free_h, means = free[0]
            mine = [w for w in self.waiting if means in w.hours]
            ready = [w for w in mine if w.arrived_h <= free_h] or \
                [min(mine, key=lambda w: (w.arrived_h, self.rank[w.fid]))]
            w = min(ready, key=lambda w: self.rank[w.fid])
            done = {m: max(self.free_h[m], w.arrived_h) + h for m, h in w.hours.items()}
            best = min(done, key=lambda m: (done[m], m != means, m))
            start = done[best] - w.hours[best]
            self.free_h[best] = done[best]
            self.waiting.remove(w)
            out.append(Taken(w.fid, best, start, w.hours[best], w.arrived_h))

    def pending(self) -> bool:
        """Whether any formation is still waiting."""
        return bool(self.waiting)
