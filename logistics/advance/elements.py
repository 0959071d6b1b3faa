"""A formation as one or more elements along its route: who is where, with what fuel.

A formation starts as one element holding all its vehicles (and, for foot and horsed
formations, its men as the ``foot-infantry`` / ``horse-cavalry`` class). When a class runs
dry and others can go on, the dry vehicles stay behind as an element of their own and the rest
move on; when fuel reaches them they move at their own pace to catch up and rejoin. A
fortified region may leave a detachment (an element that stays there). Each element moves at
the pace of the slowest of its pace classes on each step (:func:`profile`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["Element", "Profile", "profile", "split", "merge"]


@dataclass
class Element:
    """Part of a formation at ``s`` km along its route: ``counts`` per class, ``tanks`` litres
    per class (one array per element, changed in place by the ledger), ``capacity`` litres per
    class. ``detached``: left at a fortified region for the rest of the run."""

    formation_id: str
    s: float
    counts: np.ndarray
    tanks: np.ndarray
    capacity: np.ndarray
    detached: bool = False
    status: str = "rest"
    dry: str = ""
    moved_h: float = 0.0
    serial: int = 0
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def present(self) -> np.ndarray:
        """Bool per class: the element holds some of that class."""
        return self.counts > 0

    def key(self) -> tuple:
        """Composition key (which classes are present) for profile caching."""
        return tuple(bool(x) for x in self.present)


@dataclass(frozen=True)
class Profile:
    """Cumulative column time (s) and per-vehicle fuel (L, per class) along the route for one
    composition of an element on one season's ground."""

    time_s: np.ndarray
    fuel_l: np.ndarray


def profile(step_time_s: np.ndarray, step_fuel_l: np.ndarray, pace_mask: np.ndarray,
            present: np.ndarray, idle_l_per_h: np.ndarray) -> Profile:
    """The profile of an element holding the classes ``present``.

    Its step time is the slowest of its pace classes present (of every class present when none
    of its pace classes is); each pace class that moves slower than its own step time burns its
    idle flow for the difference. Arrays are made strictly increasing (a tiny ramp) so they
    invert.
    """
    use = pace_mask & present
    if not use.any():
        use = present.copy()
    t = step_time_s[use].max(axis=0) if use.any() else np.zeros(step_time_s.shape[1])
    t = np.where(np.isfinite(t), t, 0.0)
    wait = np.maximum(t[None, :] - np.where(np.isfinite(step_time_s), step_time_s, t[None, :]),
                      0.0)
    idle = np.where(use[:, None], wait * idle_l_per_h[:, None] / 3600.0, 0.0)
    fuel = step_fuel_l + idle
    cum_t = np.cumsum(t)
    cum_t[0] = 0.0
    cum_f = np.cumsum(fuel, axis=1)
    cum_f[:, 0] = 0.0
    ramp = np.arange(cum_t.size, dtype=np.float64) * 1e-9
    return Profile(cum_t + ramp, cum_f + ramp[None, :])


def split(e: Element, take: np.ndarray, *, serial: int, detached: bool = False) -> Element:
    """Take ``take`` vehicles per class (and their share of each class's fuel) out of ``e``
    into a new element at the same place."""
    take = np.minimum(np.asarray(take, dtype=np.float64), e.counts)
    share = np.divide(take, e.counts, out=np.zeros_like(take), where=e.counts > 0)
    fuel = e.tanks * share
    cap = e.capacity * share
    e.counts = e.counts - take
    e.tanks -= fuel
    e.capacity = e.capacity - cap
    e._cache.clear()
    return Element(e.formation_id, e.s, take, fuel, cap, detached=detached, serial=serial)


def merge(a: Element, b: Element) -> None:
    """Fold ``b`` into ``a`` (same formation, same place)."""
    a.counts = a.counts + b.counts
    a.tanks += b.tanks
    a.capacity = a.capacity + b.capacity
    a._cache.clear()
