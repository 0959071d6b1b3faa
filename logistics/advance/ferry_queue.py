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
first to arrive, as the brigade alone did, except that a formation waiting to follow a
breach crosses **after its breaker** (``after``: :meth:`FerryQueues.join`; the rule below); the
formation goes to whichever of its means would have all of it across first (that means is then
busy until then), and leaves both queues. So for formations taken in priority order the flotilla can only help: each is across
no later than with the park alone (by induction: the park is never busier than alone).
As in any queue that does not interrupt a crossing, a formation of higher priority arriving
later can find both means taken.

**Breaker first** (``configs/norms/movement.yaml river.ferrying.breaker_first``): a formation
whose route beyond the river follows the breach of a fortified depth (``follow``,
:meth:`~logistics.advance.holds.Holds.breach_start_h`) waits at the depth's edge until a
formation of its army breaking into that depth has entered it. When such a breaker is among
the formations a means could take now, the means takes the breaker first: ferried ahead of it,
the follower would only delay the breaker by its own ferry hours and then wait on the far bank
for it anyway. One breaker suffices: once any of its breakers is taken (by either means), the
follower keeps its place in the order. The sourced priority order stands among the others (and
between two followers, or when every candidate waits for another: no cycle can stall the
queue). Plain numbers in and out; the step loop's holds
(:mod:`logistics.advance.holds`) queue the formations and read who took them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["Taken", "FerryQueues", "breakers_first"]

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
    after: frozenset[str] = frozenset()  # breakers it follows: it crosses after any waiting


def breakers_first(ready: list[_Waiting]) -> list[_Waiting]:
    """Those of ``ready`` (the formations a means could take now) that wait for no breaker
    among them (the module docstring's breaker-first rule); all of them when every one does."""
    here = {w.fid for w in ready}
    return [w for w in ready if not (w.after & here)] or ready


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
             site: int | None, own_h: float, after: frozenset[str] = frozenset()) -> None:
        """Queue ``fid`` from ``arrived_h``: for ``brigade`` (``ferry_h`` hours) and for the
        park of ``site`` (``own_h`` hours; none when ``site`` is None or ``own_h`` is inf).
        ``after``: the formations whose breach it will wait for beyond the river; a means
        takes one of them waiting with it first (the module docstring's breaker-first rule)."""
        hours = {}
        if brigade is not None and math.isfinite(ferry_h):
            hours[brigade] = float(ferry_h)
        if site is not None and math.isfinite(own_h):
            hours[f"park:{site}"] = float(own_h)
        if not hours:
            raise ValueError(f"{fid}: queued for no means of crossing")
        for m in hours:
            self.free_h.setdefault(m, 0.0)
        self.waiting.append(_Waiting(fid, float(arrived_h), hours, frozenset(after)))

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
            first_h = min(w.arrived_h for w in mine)
            ready = [w for w in mine if w.arrived_h <= free_h] or \
                [w for w in mine if w.arrived_h == first_h]
            w = min(breakers_first(ready), key=lambda w: self.rank[w.fid])
            done = {m: max(self.free_h[m], w.arrived_h) + h for m, h in w.hours.items()}
            best = min(done, key=lambda m: (done[m], m != means, m))
            start = done[best] - w.hours[best]
            self.free_h[best] = done[best]
            self.waiting.remove(w)
            for v in self.waiting:  # one breaker taken is enough for those following it
                if w.fid in v.after:
                    v.after = frozenset()
            out.append(Taken(w.fid, best, start, w.hours[best], w.arrived_h))

    def pending(self) -> bool:
        """Whether any formation is still waiting."""
        return bool(self.waiting)
