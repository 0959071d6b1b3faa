"""The army's one fuel ledger: the reserve per fuel type, the books, and how a delivery is
shared out (the account that would run dry first is filled first).

Accounts: every element of every formation has its tanks (litres per vehicle class: one refill
plus the extra fuel carried on the vehicles); the army's own transport carries a reserve per
fuel type (``fuel.carried_refills`` of the army's refill of that fuel). A class burns from its
own tanks, then from the reserve of its fuel; the step loop asks the formations in priority
order, so the reserve serves them in that order.

Deliveries go into the tanks of the formations they are for, shortest range first (fewest km
at each class's rate over the road ahead: water-filling on km of range), then into the reserve.
What fits nowhere is not taken: it stays with the supplier (the convoy takes it back, the
airfield keeps it, the depot is left) and is reported as ``returned``.

Invariant (checked every day by the step loop): ``carried at start + delivered - consumed =
on hand``; fuel drained from one element into another changes nothing in the total.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

__all__ = ["ArmyLedger", "water_fill"]


def water_fill(have: np.ndarray, cap: np.ndarray, rate: np.ndarray, litres: float) -> np.ndarray:
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


class ArmyLedger:
    """The army's one fuel account: the reserve per fuel type on the army's own transport, and
    the books of every element's tanks.

    The tanks live with the elements of the formations (numpy arrays of litres per vehicle
    class, one per element, changed in place here); the ledger holds the reserve and books
    what is delivered, consumed, returned (did not fit anywhere) and drained (moved from one
    element's tanks to another's: no change in the total). ``carried at start + delivered -
    consumed = on hand`` holds every day (the step loop checks it).
    """

    def __init__(self, reserve_l: Mapping[str, float], reserve_capacity_l: Mapping[str, float],
                 tanks_at_start_l: float,
                 section_shares: Sequence[Mapping[str, float]] = ()) -> None:
        self.reserve_types = sorted(set(reserve_l) | set(reserve_capacity_l))
        total = np.array([float(reserve_l.get(f, 0.0)) for f in self.reserve_types])
        cap = np.maximum(np.array([float(reserve_capacity_l.get(f, 0.0))
                                   for f in self.reserve_types]), total) \
            if self.reserve_types else np.zeros(0)
        # the reserve's sections (``fuel.reserve_reach_km.carrier``, one per carrier): each
        # fuel type's fraction per section; one section (the whole) when none is given
        frac = np.array([[float(sh.get(f, 0.0)) for f in self.reserve_types]
                         for sh in section_shares]) if len(section_shares) > 1 \
            else np.ones((1, len(self.reserve_types)))
        #: litres per section (rows, ``section_shares``' order) and fuel type (columns)
        self.sections_l = total[None, :] * frac
        self.sections_capacity_l = cap[None, :] * frac
        self.start_l = float(tanks_at_start_l + self.sections_l.sum())
        self.delivered_l = 0.0
        self.consumed_l = 0.0
        self.returned_l = 0.0
        self.drained_l = 0.0
        #: of ``consumed_l``, the litres that came out of the reserve (not out of tanks)
        self.from_reserve_l = 0.0
        #: the sections the element being served can draw on, nearest first (indices of
        #: ``sections_l``): those within ``fuel.reserve_reach_km`` of it; the step loop sets
        #: it per element (:meth:`FuelDraw.reach <logistics.advance.fuel_draw.FuelDraw.reach>`)
        self.open_sections: tuple[int, ...] = tuple(range(len(self.sections_l)))

    @property
    def reserve_l(self) -> np.ndarray:
        """Litres per fuel type (``reserve_types``) in the whole reserve: with one section its
        row itself (written in place), else the sum of the sections (a copy)."""
        return self.sections_l[0] if len(self.sections_l) == 1 else self.sections_l.sum(axis=0)

    @property
    def reserve_capacity_l(self) -> np.ndarray:
        """Litres per fuel type the whole reserve holds full (as :attr:`reserve_l`)."""
        c = self.sections_capacity_l
        return c[0] if len(c) == 1 else c.sum(axis=0)

    @property
    def out_of_reach(self) -> bool:
        """Whether no section of the reserve is within reach of the element being served
        (``fuel.reserve_reach_km``: the transport carrying it is too far away)."""
        return not self.open_sections

    def section_room_l(self, k: int) -> float:
        """Litres section ``k`` of the reserve lacks to be full."""
        return float((self.sections_capacity_l[k] - self.sections_l[k]).sum())

    def reserve(self, fuel_type: str) -> float:
        """Litres of ``fuel_type`` in the reserve that the element being served can draw: the
        sections within its reach (none while all are out of it)."""
        if fuel_type not in self.reserve_types or not self.open_sections:
            return 0.0
        i = self.reserve_types.index(fuel_type)
        if len(self.sections_l) == 1:
            return float(self.sections_l[0, i])
        return float(sum(self.sections_l[k, i] for k in self.open_sections))

    def shortfall(self, tanks: np.ndarray, types: Sequence[str], need: np.ndarray
                  ) -> tuple[float, str | None]:
        """Litres missing to burn ``need`` (per class) from ``tanks`` and the reserve, and the
        fuel type that is short (the one short by most)."""
        over = np.maximum(np.asarray(need, dtype=np.float64) - tanks, 0.0)
        worst, who = 0.0, None
        for ft in sorted(set(types) - {"none"}):
            m = np.array([t == ft for t in types], dtype=bool)
            short = float(over[m].sum()) - self.reserve(ft)
            if short > worst:
                worst, who = short, ft
        return worst, who

    def consume(self, tanks: np.ndarray, types: Sequence[str], need: np.ndarray) -> float:
        """Burn ``need`` litres per class: ``tanks`` first (changed in place), then the reserve
        of the class's fuel (unless out of reach); returns the litres burned (less than asked
        if both ran out)."""
        need = np.maximum(np.asarray(need, dtype=np.float64), 0.0)
        from_own = np.minimum(need, tanks)
        tanks -= from_own
        rest = need - from_own
        burned = float(from_own.sum())
        for i, ft in enumerate(() if self.out_of_reach else self.reserve_types):
            want = float(sum(r for r, t in zip(rest, types) if t == ft))
            for k in self.open_sections:  # the nearest section first
                take = min(want, float(self.sections_l[k, i]))
                self.sections_l[k, i] -= take
                want -= take
                burned += take
                self.from_reserve_l += take
        self.consumed_l += burned
        return burned

    def fill(self, accounts: Sequence[tuple[np.ndarray, np.ndarray, np.ndarray, Sequence[str]]],
             litres: float, fuel_type: str = "any") -> float:
        """Pour up to ``litres`` into the ``accounts`` (tanks, capacity, rate L/km, fuel types;
        tanks changed in place), the shortest range first (water-filling on km); returns the
        litres taken. Not booked: :meth:`book_delivery` books the whole delivery."""
        if litres <= 0 or not accounts:
            return 0.0
        have = np.concatenate([a[0] for a in accounts])
        cap = np.concatenate([a[1] for a in accounts])
        types = [t for a in accounts for t in a[3]]
        eligible = np.array([t != "none" and fuel_type in ("any", t) for t in types])
        rate = np.where(eligible, np.concatenate([a[2] for a in accounts]), 0.0)
        new = water_fill(have, cap, rate, float(litres))
        k = 0
        for a in accounts:
            n = len(a[0])
            a[0][:] = new[k:k + n]
            k += n
        return float((new - have).sum())

    def to_reserve(self, litres: float, fuel_type: str = "any") -> float:
        """Put up to ``litres`` into the reserve (by room, for ``any`` fuel; every section
        together by its room); returns the litres taken. Not booked (see
        :meth:`book_delivery`)."""
        return sum(self.to_sections(litres, fuel_type))

    def to_sections(self, litres: float, fuel_type: str = "any",
                    sections: Sequence[int] | None = None) -> list[float]:
        """Put up to ``litres`` into the reserve: into ``sections`` one after the other (each
        by room, for ``any`` fuel), or (None) into every section together by room; returns
        the litres each section of ``sections_l`` took. Not booked (see
        :meth:`book_delivery`)."""
        took = [0.0] * len(self.sections_l)
        kinds = [f for f in self.reserve_types if fuel_type in ("any", f)]
        if litres <= 0 or not kinds:
            return took
        idx = [self.reserve_types.index(f) for f in kinds]
        groups = [list(range(len(self.sections_l)))] if sections is None \
            else [[k] for k in sections]
        left = float(litres)
        for group in groups:
            room = np.maximum(self.sections_capacity_l[np.ix_(group, idx)]
                              - self.sections_l[np.ix_(group, idx)], 0.0)
            put = min(left, float(room.sum()))
            if put > 0:
                add = put * room / room.sum()
                for r, k in enumerate(group):
                    self.sections_l[k, idx] += add[r]
                    # one section: ``put`` itself (the sum of its parts may differ in the last bit)
                    took[k] += put if len(group) == 1 else float(add[r].sum())
                left -= put
        return took

    def book_delivery(self, offered_l: float, taken_l: float) -> None:
        """Book a delivery: ``taken_l`` went into tanks or the reserve, the rest of
        ``offered_l`` went back to the supplier."""
        self.delivered_l += float(taken_l)
        self.returned_l += float(offered_l) - float(taken_l)

    def drained(self, litres: float) -> None:
        """Book litres moved from one element's tanks to another's (the total is unchanged)."""
        self.drained_l += float(litres)

    def on_hand(self, tanks_l: float) -> float:
        """Everything on hand: the elements' tanks (``tanks_l``) plus the reserve."""
        return float(tanks_l + self.sections_l.sum())
