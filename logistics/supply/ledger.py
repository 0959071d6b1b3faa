"""The formation's fuel ledger: litres in each class's tanks, the reserve, deliveries, burn.

Accounts: each vehicle class has its own tanks (one refill plus any extra fuel carried on the
vehicles); the formation's transport carries a reserve per fuel type (``carried_refills`` of
the classes burning that fuel). A class burns from its own tanks and is refuelled from the
reserve of its fuel type; it is dry when both are empty, and the column halts.

Deliveries go first into the tanks, then into the reserve, so as to give the column the longest
range: the account that would run dry first (fewest km at its class's rate over the road
ahead) is filled first (water-filling on km of range). What does not fit is not taken: it stays
with the supplier (the convoy takes it back, the airfield keeps it, the depot is left) and is
reported as ``returned``, because nothing in the formation could move it forward.

Invariant (checked every day by the simulation): ``carried at start + delivered - consumed =
on hand``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

__all__ = ["FuelLedger"]


def _water_fill(have: np.ndarray, cap: np.ndarray, rate: np.ndarray, litres: float) -> np.ndarray:
    """Pour ``litres`` into accounts so the lowest ranges (``have / rate`` km) rise together.

    Accounts with ``rate <= 0`` take nothing. Returns the new contents (never above ``cap``).
    """
    ok = rate > 0
    cap = np.maximum(cap, have)
    room = float(np.where(ok, cap - have, 0.0).sum())
    if litres >= room:
        return np.where(ok, cap, have)
    r = np.where(ok, rate, 1.0)
    have_km, cap_km = have / r, cap / r

    def filled(level: float) -> np.ndarray:
        return np.where(ok, r * np.clip(level, have_km, cap_km), have)

    lo, hi = float(have_km[ok].min()), float(cap_km[ok].max())
    for _ in range(100):
        mid = 0.5 * (lo + hi)
        if float((filled(mid) - have).sum()) < litres:
            lo = mid
        else:
            hi = mid
    new = filled(hi)
    added = float((new - have).sum())
    if added > 0:  # take out the bisection's last rounding so the books balance exactly
        new = have + (new - have) * (litres / added)
    return new


class FuelLedger:
    """Mutable fuel accounts of one formation run (litres).

    Parameters
    ----------
    classes : vehicle ids, one tank account each.
    fuel_types : fuel of each class (``"diesel"``, ``"petrol"``; ``"none"`` burns nothing).
    own_l, own_capacity_l : litres in each class's tanks at start, and the most they hold.
    reserve_l, reserve_capacity_l : the transport's reserve per fuel type at start, and its
        capacity.
    """

    def __init__(
        self,
        classes: Sequence[str],
        fuel_types: Sequence[str],
        own_l: Sequence[float],
        own_capacity_l: Sequence[float],
        reserve_l: Mapping[str, float] | None = None,
        reserve_capacity_l: Mapping[str, float] | None = None,
    ) -> None:
        self.classes = list(classes)
        self.fuel_types = list(fuel_types)
        self.own_l = np.asarray(own_l, dtype=np.float64).copy()
        self.own_capacity_l = np.maximum(np.asarray(own_capacity_l, dtype=np.float64),
                                         self.own_l)
        self.reserve_types = sorted(set(reserve_capacity_l or {}) | set(reserve_l or {}))
        self.reserve_l = np.array([float((reserve_l or {}).get(f, 0.0))
                                   for f in self.reserve_types])
        self.reserve_capacity_l = np.maximum(
            [float((reserve_capacity_l or {}).get(f, 0.0)) for f in self.reserve_types],
            self.reserve_l) if self.reserve_types else np.zeros(0)
        #: litres per km of each whole class on the road ahead (set by the simulation)
        self.rate = np.ones_like(self.own_l)
        self.start_l = self.total_l
        self.delivered_l = 0.0
        self.returned_l = 0.0
        self.consumed_l = 0.0

    # -- queries --------------------------------------------------------------------------
    @property
    def total_l(self) -> float:
        """Everything on hand: tanks plus reserves."""
        return float(self.own_l.sum() + self.reserve_l.sum())

    @property
    def imbalance_l(self) -> float:
        """start + delivered - consumed - on hand; zero up to rounding when the books balance."""
        return self.start_l + self.delivered_l - self.consumed_l - self.total_l

    def _members(self, fuel_type: str) -> np.ndarray:
        return np.array([ft == fuel_type for ft in self.fuel_types], dtype=bool)

    def shortfall(self, need: np.ndarray) -> tuple[float, str | None]:
        """Litres missing to burn ``need`` (per class), and the fuel type that is short."""
        over = np.maximum(np.asarray(need, dtype=np.float64) - self.own_l, 0.0)
        worst, who = 0.0, None
        for ft in sorted(set(self.fuel_types) - {"none"}):
            m = self._members(ft)
            short = float(over[m].sum()) - self._reserve(ft)
            if short > worst:
                worst, who = short, ft
        return worst, who

    def _reserve(self, fuel_type: str) -> float:
        if fuel_type in self.reserve_types:
            return float(self.reserve_l[self.reserve_types.index(fuel_type)])
        return 0.0

    def dry_classes(self, tol_l: float = 1e-6) -> list[str]:
        """Classes with empty tanks and an empty reserve of their fuel."""
        return [c for c, ft, own in zip(self.classes, self.fuel_types, self.own_l)
                if ft != "none" and own <= tol_l and self._reserve(ft) <= tol_l]

    # -- changes --------------------------------------------------------------------------
    def consume(self, need: np.ndarray) -> None:
        """Burn ``need`` litres per class: own tanks first, then the reserve of its fuel."""
        need = np.maximum(np.asarray(need, dtype=np.float64), 0.0)
        from_own = np.minimum(need, self.own_l)
        self.own_l -= from_own
        rest = need - from_own
        burned = float(from_own.sum())
        for i, ft in enumerate(self.reserve_types):
            want = float(rest[self._members(ft)].sum())
            take = min(want, float(self.reserve_l[i]))
            self.reserve_l[i] -= take
            burned += take
        self.consumed_l += burned

    def deliver(self, litres: float, fuel_type: str = "any") -> float:
        """Take what fits of a delivery (tanks first, then reserve, shortest range first)."""
        if litres <= 0:
            return 0.0
        eligible = np.array([ft != "none" and fuel_type in ("any", ft)
                             for ft in self.fuel_types], dtype=bool)
        rate = np.where(eligible, self.rate, 0.0)
        before = self.total_l
        new_own = _water_fill(self.own_l, self.own_capacity_l, rate, float(litres))
        left = float(litres) - float((new_own - self.own_l).sum())
        self.own_l = new_own
        if left > 0 and self.reserve_types:
            r_rate = np.array([float(rate[self._members(ft)].sum()) for ft in self.reserve_types])
            self.reserve_l = _water_fill(self.reserve_l, self.reserve_capacity_l, r_rate, left)
        take = self.total_l - before
        self.delivered_l += take
        self.returned_l += float(litres) - take
        return take
