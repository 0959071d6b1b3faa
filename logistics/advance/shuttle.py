"""Truck shuttles: where a formation's head and tail are when its trucks cannot lift it whole.

A formation of ``men`` has trucks that carry ``lift_men`` at a time. The trucks load the rear
group, carry it forward, unload, drive back to meet the rearmost men still on the road, load
them, and so on; everyone not on a truck marches on meanwhile ("trucks shuttle", issue 13 item
3). The drop point is the end of the move, or ``bound_km`` ahead of the pick-up when the
formation moves by bounds (the dropped men then march on and may be picked up again). Loading
stops the men being loaded (``load_h``); dropped men stand while they unload (``unload_h``).

Times come from the cost engine as *profiles along the route*: for each km of the route, the
hours a loaded truck needs from the route's start to there (``truck_h``), the hours to drive
it in reverse (``truck_back_h``: going back from km b to km a takes ``back[b] - back[a]``;
uphill out is downhill back) and the hours a man on foot needs (``foot_h``). Between the given
km the profiles are linear, so every meeting point and time is exact for them. Hours are hours
under way: the caller maps them onto its march schedule (march hours, night, halts).

Plain numbers in, a :class:`Shuttle` out (``trips`` table, ``at(t)`` -> head and tail km); no
step loop. Written by hand because no library models a shuttle of this kind.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from logistics.advance.movement import merged_depths
from logistics.errors import ConfigError, DataError

__all__ = ["Shuttle", "shuttle_advance", "shuttle_timetable"]

#: Positions closer than this (km) are the same place (the end of the route, a meeting).
_EPS_KM = 1e-9
#: Hours below which two profile steps count as equal (rounding of cumulative sums).
_EPS_H = 1e-9
#: At most this many trips (a guard against a lift far too small for the formation).
_MAX_TRIPS = 100_000


@dataclass(frozen=True)
class _Profiles:
    km: np.ndarray
    truck_h: np.ndarray
    back_h: np.ndarray
    foot_h: np.ndarray

    @property
    def end_km(self) -> float:
        return float(self.km[-1])

    def walk_to(self, km0: float, hours: float) -> float:
        """Where a man who marched ``hours`` from ``km0`` is (stops at the route's end)."""
        t = np.interp(km0, self.km, self.foot_h) + max(0.0, hours)
        return float(np.interp(t, self.foot_h, self.km))

    def ride_to(self, km0: float, hours: float) -> float:
        """Where a loaded truck that drove ``hours`` forward from ``km0`` is."""
        t = np.interp(km0, self.km, self.truck_h) + max(0.0, hours)
        return float(np.interp(t, self.truck_h, self.km))

    def drive_h(self, a: float, b: float) -> float:
        """Hours to drive forward from km ``a`` to km ``b`` (b >= a)."""
        return float(np.interp(b, self.km, self.truck_h) - np.interp(a, self.km, self.truck_h))

    def back_h_between(self, b: float, a: float) -> float:
        """Hours to drive back from km ``b`` to km ``a`` (a <= b)."""
        return float(np.interp(b, self.km, self.back_h) - np.interp(a, self.km, self.back_h))

    def back_to(self, km0: float, hours: float) -> float:
        """Where an empty truck that drove ``hours`` back from ``km0`` is (stops at the start)."""
        t = np.interp(km0, self.km, self.back_h) - max(0.0, hours)
        return float(np.interp(t, self.back_h, self.km))

    def foot_h_between(self, a: float, b: float) -> float:
        """Hours to march forward from km ``a`` to km ``b`` (b >= a)."""
        return float(np.interp(b, self.km, self.foot_h) - np.interp(a, self.km, self.foot_h))


@dataclass(frozen=True)
class _Seasons:
    """The profiles of each season laid on hours under way: ``profiles[k]`` hold from
    ``starts[k]`` (hours under way; the first from the start, ``-inf``) to the next start.
    Every walk, loaded run and empty run is priced piece by piece on the profiles of the
    season in force at each moment (exact for the profiles: a move across the change goes on
    from where it stands at the change on the new season's ground).

    Why (shuttle30): a shuttle laid on one season's profiles kept its trucks' dry-ground going
    after the rains, while every column the step loop moves reads the season in force."""

    starts: tuple[float, ...]
    profiles: tuple[_Profiles, ...]

    @property
    def km(self) -> np.ndarray:
        return self.profiles[0].km

    @property
    def end_km(self) -> float:
        return self.profiles[0].end_km

    def _ends(self):
        """(profiles, start, end) of each season in hours under way."""
        ends = (*self.starts[1:], math.inf)
        return zip(self.profiles, self.starts, ends)

    def _move(self, how: str, km0: float, t0: float, t: float) -> float:
        pos = km0
        for p, a, b in self._ends():
            a, b = max(a, t0), min(b, t)
            if b > a:
                pos = getattr(p, how)(pos, b - a)
        return pos

    def walk_to(self, km0: float, t0: float, t: float) -> float:
        """Where a man who set off on foot from ``km0`` at ``t0`` is at ``t``."""
        return self._move("walk_to", km0, t0, t)

    def ride_to(self, km0: float, t0: float, t: float) -> float:
        """Where a loaded truck that set off forward from ``km0`` at ``t0`` is at ``t``."""
        return self._move("ride_to", km0, t0, t)

    def back_to(self, km0: float, t0: float, t: float) -> float:
        """Where an empty truck that set off back from ``km0`` at ``t0`` is at ``t``."""
        return self._move("back_to", km0, t0, t)

    def _reach(self, step: str, need: str, km0: float, km1: float, t0: float) -> float:
        pos, now = km0, t0
        for p, _, b in self._ends():
            if b <= now:
                continue
            h = getattr(p, need)(pos, km1)
            if now + h <= b:
                return now + h
            pos, now = getattr(p, step)(pos, b - now), b
        return now  # not reached: the last season has no end

    def drive_until(self, a: float, b: float, t0: float) -> float:
        """When a loaded truck that sets off from km ``a`` at ``t0`` reaches km ``b``."""
        return self._reach("ride_to", "drive_h", a, b, t0)

    def walk_until(self, a: float, b: float, t0: float) -> float:
        """When a man who sets off on foot from km ``a`` at ``t0`` reaches km ``b``."""
        return self._reach("walk_to", "foot_h_between", a, b, t0)


@dataclass
class _Group:
    """Men who move together; ``legs`` is their whole trajectory from the start."""

    men: int
    legs: list  # (kind, t0, t1, km0, km1): kind "walk" (t1, km1 unused), "ride", "stand"
    done: bool = False  # carried to the end of the route

    def position(self, p: _Seasons, t: float) -> float:
        """Km of the group at time ``t`` (at or after its first leg's start)."""
        pos = self.legs[0][3]
        for kind, t0, t1, km0, km1 in self.legs:
            if t < t0:
                break
            if kind == "walk":
                pos = p.walk_to(km0, t0, t)
            elif kind == "ride":
                pos = km1 if t >= t1 else min(km1, p.ride_to(km0, t0, t))
            else:
                pos = km0
        return pos

    def walking_from(self) -> tuple[float, float]:
        """(km, hour) where the group's current march began (its last leg is a walk)."""
        kind, t0, _, km0, _ = self.legs[-1]
        assert kind == "walk"
        return km0, t0


@dataclass(frozen=True)
class Shuttle:
    """The result of :func:`shuttle_advance`.

    ``trips``: one row per truck trip: ``trip, men, pickup_km, pickup_h, depart_h, drop_km,
    arrive_h, free_h, drive_km`` (``drive_km`` = empty run back to the pick-up + loaded run),
    hours since the same origin as ``start_h``. ``finish_h``: when the last men reach the end
    (by truck or on foot). ``truck_km``: every km the trucks drove (for their fuel).
    """

    trips: pd.DataFrame
    finish_h: float
    end_km: float
    start_h: float
    truck_km: float
    _groups: tuple
    _profiles: _Seasons
    #: where the trucks stand at ``start_h`` (km; the route's start unless given)
    truck_start_km: float = 0.0

    def at(self, time_h) -> tuple[np.ndarray, np.ndarray]:
        """(head_km, tail_km) of the formation at each of ``time_h`` (scalar or array):
        the km of its most forward and its rearmost men (on foot, on trucks or waiting)."""
        times = np.atleast_1d(np.asarray(time_h, dtype=float))
        head = np.empty_like(times)
        tail = np.empty_like(times)
        for i, t in enumerate(times):
            t = max(t, self.start_h)
            pos = [g.position(self._profiles, t) for g in self._groups]
            head[i], tail[i] = max(pos), min(pos)
        return head, tail

    def state_at(self, time_h: float) -> tuple[tuple[tuple[int, float], ...], float]:
        """(``(men, km)`` of each group, the trucks' km) at ``time_h`` (hours under way): where
        its men and its trucks are, whatever they are doing then (walking, loading, riding,
        unloading; the trucks driving back, loaded or standing). Groups at the same km are one.

        Why (retry36): a shuttle whose trucks run dry is planned again, from where its men
        and its trucks are, when fuel reaches the trucks (``carried.Carried.shuttle_step``)."""
        t = max(float(time_h), self.start_h)
        at: dict[float, int] = {}
        for g in self._groups:
            km = g.position(self._profiles, t)
            at[km] = at.get(km, 0) + g.men
        return tuple(sorted((m, km) for km, m in at.items())), _truck_km_at(self, t)

    def riding_at(self, time_h: float) -> tuple[int, float] | None:
        """(men, drop km) of the lift on the trucks' loaded run at ``time_h`` (hours under
        way), None when the trucks carry nobody then (driving back, loading, standing).

        Why (shuttle37): a shuttle planned again in the middle of a loaded run (its fuel
        covering fewer trucks) dropped its riders where they were, and its trucks drove back
        for the rearmost men; they ride on to their drop (``shuttle_advance(riding=)``)."""
        t = max(float(time_h), self.start_h)
        for r in self.trips.itertuples():
            if r.depart_h <= t < r.arrive_h:
                return int(r.men), float(r.drop_km)
        return None

    def men_at_end(self, time_h: float) -> int:
        """Men who have reached the end of the move by ``time_h``."""
        return int(sum(g.men for g in self._groups
                       if g.position(self._profiles, time_h) >= self.end_km - _EPS_KM))


def shuttle_advance(
    men: int,
    lift_men: int,
    km,
    truck_h,
    foot_h,
    *,
    truck_back_h=None,
    load_h: float,
    unload_h: float,
    bound_km: float | None = None,
    start_h: float = 0.0,
    later: Sequence[tuple[float, object, object, object]] = (),
    groups: Sequence[tuple[int, float]] | None = None,
    truck_km: float | None = None,
    riding: tuple[int, float] | None = None,
) -> Shuttle:
    """Shuttle ``men`` forward with trucks that lift ``lift_men`` at a time.

    ``km`` (strictly increasing, km along the route; the formation and its trucks start at
    ``km[0]`` at ``start_h``, the move ends at ``km[-1]``), ``truck_h``, ``foot_h`` and
    ``truck_back_h`` (default: ``truck_h``) are the cumulative hour profiles described in the
    module docstring, each strictly increasing. ``load_h``/``unload_h`` hours per trip.
    ``later``: the profiles of each later season, ``(hours from which it holds, truck_h,
    foot_h, truck_back_h)`` on the same ``km`` (hours on the clock of ``start_h``, in order):
    from then every walk, loaded and empty run goes on the season's profiles
    (:class:`_Seasons`).
    ``groups``: ``(men, km)`` of each group of the formation at ``start_h``, each walking on
    from its km (default: all ``men`` at ``km[0]``; their men add up to ``men``);
    ``truck_km``: where the trucks stand at ``start_h`` (default ``km[0]``): empty, they drive
    back to the rearmost men behind them, or forward to catch them up when the men are ahead
    (a shuttle planned again from where its men and trucks are: :meth:`Shuttle.state_at`).
    ``riding``: ``(men, drop km)`` of those men of the group at ``truck_km`` who are on the
    trucks at ``start_h`` (:meth:`Shuttle.riding_at`): the first trip carries as many of them
    as the lift holds on to the drop, without loading again; the rest walk on.
    Raises ConfigError for a lift of zero or fewer men, or no men; DataError for profiles that
    are not finite and strictly increasing, or trucks slower than the men on foot on a stretch
    or faster nowhere (a stretch where both take the same time, a bridge they share, is fine).
    """
    if not (isinstance(men, (int, np.integer)) and men > 0):
        raise ConfigError(f"shuttle: men {men!r}, expected a whole number > 0 (a formation "
                          "with nobody to carry needs no shuttle)")
    if not (isinstance(lift_men, (int, np.integer)) and lift_men > 0):
        raise ConfigError(f"shuttle: lift {lift_men!r} men, expected a whole number > 0 "
                          "(trucks x men per truck; give the formation trucks or march it)")
    for name, value in (("load_h", load_h), ("unload_h", unload_h)):
        if not (math.isfinite(value) and value >= 0):
            raise ConfigError(f"shuttle: {name} {value!r}, expected a finite number >= 0")
    if bound_km is not None and not (math.isfinite(bound_km) and bound_km > 0):
        raise ConfigError(f"shuttle: bound_km {bound_km!r}, expected a number > 0 or None")
    p = _Seasons(
        (-math.inf, *(float(h) for h, *_ in later)),
        (_profiles(km, truck_h, truck_back_h if truck_back_h is not None else truck_h, foot_h),
         *(_profiles(km, th, bh if bh is not None else th, fh) for _, th, fh, bh in later)))
    end = p.end_km
    start = _start_groups(men, groups, p)
    groups = [_Group(n, [("walk", start_h, math.inf, km0, math.nan)]) for n, km0 in start]
    truck_km0 = float(p.km[0]) if truck_km is None else float(np.clip(truck_km, p.km[0], end))
    truck_km, truck_h_now = truck_km0, float(start_h)
    rows = []
    if riding is not None:
        row = _ride_on(p, groups, riding, lift_men, truck_km0, float(start_h), unload_h)
        if row is not None:
            rows.append(row)
            truck_km, truck_h_now = row["drop_km"], row["free_h"]
    for trip in range(len(rows) + 1, _MAX_TRIPS + 1):
        moving = [g for g in groups
                  if not g.done and g.position(p, truck_h_now) < end - _EPS_KM]
        if not moving:
            break
        rear = min(moving, key=lambda g: g.position(p, truck_h_now))
        if rear.legs[-1][0] != "walk":  # cannot happen: only the loaded group rides
            raise AssertionError("the rearmost group is not on foot")
        meet_km, meet_h = _meet(p, truck_km, truck_h_now, *rear.walking_from())
        n = min(lift_men, rear.men)
        if n == rear.men:
            carried = rear
            carried.legs[-1] = ("walk", carried.legs[-1][1], meet_h, carried.legs[-1][3],
                                meet_km)
        else:
            rear.men -= n
            history = [*rear.legs[:-1], ("walk", rear.legs[-1][1], meet_h, rear.legs[-1][3],
                                         meet_km)]
            carried = _Group(n, history)
            groups.append(carried)
        drop = end if bound_km is None else min(end, meet_km + bound_km)
        depart = meet_h + load_h
        arrive = p.drive_until(meet_km, drop, depart)
        free = arrive + unload_h
        carried.legs += [("stand", meet_h, depart, meet_km, meet_km),
                         ("ride", depart, arrive, meet_km, drop),
                         ("stand", arrive, free, drop, drop)]
        if drop < end - _EPS_KM:
            carried.legs.append(("walk", free, math.inf, drop, math.nan))
        else:
            carried.done = True
        rows.append({"trip": trip, "men": n, "pickup_km": meet_km, "pickup_h": meet_h,
                     "depart_h": depart, "drop_km": drop, "arrive_h": arrive, "free_h": free,
                     "drive_km": abs(truck_km - meet_km) + (drop - meet_km)})
        truck_km, truck_h_now = drop, free
    else:
        raise DataError(f"shuttle: more than {_MAX_TRIPS} trips for {men} men with a lift of "
                        f"{lift_men}; check the lift")
    trips = pd.DataFrame(rows, columns=["trip", "men", "pickup_km", "pickup_h", "depart_h",
                                        "drop_km", "arrive_h", "free_h", "drive_km"])
    finish = max(_arrival_h(p, g) for g in groups)
    return Shuttle(trips=trips, finish_h=finish, end_km=end, start_h=float(start_h),
                   truck_km=float(trips["drive_km"].sum()), _groups=tuple(groups),
                   _profiles=p, truck_start_km=truck_km0)


def _ride_on(p: _Seasons, groups: list[_Group], riding: tuple[int, float], lift_men: int,
             truck_km: float, start_h: float, unload_h: float) -> dict | None:
    """The first trip of a shuttle planned again while its trucks carry ``riding`` (men, drop
    km) from ``truck_km`` at ``start_h``: as many of them as ``lift_men`` split off the group
    there (``groups``, changed in place) and ride on to the drop, where they unload; its row
    of :attr:`Shuttle.trips` (None: nobody there to carry, or the drop is not ahead)."""
    men, drop = int(riding[0]), float(min(riding[1], p.end_km))
    here = [g for g in groups if abs(g.legs[0][3] - truck_km) <= 1e-6]
    if men <= 0 or not here or drop <= truck_km + _EPS_KM:
        return None
    g = max(here, key=lambda x: x.men)
    n = min(men, lift_men, g.men)
    if n == g.men:
        carried, carried.legs = g, []
    else:
        g.men -= n
        carried = _Group(n, [])
        groups.append(carried)
    arrive = p.drive_until(truck_km, drop, start_h)
    free = arrive + unload_h
    carried.legs = [("ride", start_h, arrive, truck_km, drop), ("stand", arrive, free, drop, drop)]
    if drop < p.end_km - _EPS_KM:
        carried.legs.append(("walk", free, math.inf, drop, math.nan))
    else:
        carried.done = True
    return {"trip": 1, "men": n, "pickup_km": truck_km, "pickup_h": start_h, "depart_h": start_h,
            "drop_km": drop, "arrive_h": arrive, "free_h": free, "drive_km": drop - truck_km}


def _start_groups(men: int, groups: Sequence[tuple[int, float]] | None, p: _Seasons
                  ) -> list[tuple[int, float]]:
    """``(men, km)`` of each group at the start: all ``men`` at the route's start, or
    ``groups`` (checked: whole numbers of men > 0 adding up to ``men``, km on the route)."""
    if groups is None:
        return [(int(men), float(p.km[0]))]
    out = []
    for n, km0 in groups:
        if not (isinstance(n, (int, np.integer)) and n > 0 and math.isfinite(km0)):
            raise DataError(f"shuttle: group ({n!r} men, km {km0!r}), expected a whole number "
                            "of men > 0 at a finite km")
        out.append((int(n), float(np.clip(km0, p.km[0], p.end_km))))
    if sum(n for n, _ in out) != int(men):
        raise DataError(f"shuttle: the groups hold {sum(n for n, _ in out)} men, the "
                        f"formation {men}; give every man once")
    return out


def _truck_km_at(s: Shuttle, u: float) -> float:
    """Km of the shuttle's trucks at ``u`` (hours under way): on their empty run to each
    pick-up (back, or forward to men ahead of them), loading, on the loaded run, unloading."""
    p = s._profiles
    prev_free, prev_km = s.start_h, s.truck_start_km
    for r in s.trips.itertuples():
        if u < r.pickup_h:
            if u <= prev_free:
                return prev_km
            if r.pickup_km <= prev_km:
                return max(r.pickup_km, p.back_to(prev_km, prev_free, u))
            return min(r.pickup_km, p.ride_to(prev_km, prev_free, u))
        if u < r.depart_h:
            return float(r.pickup_km)
        if u < r.arrive_h:
            return min(float(r.drop_km), p.ride_to(r.pickup_km, r.depart_h, u))
        prev_free, prev_km = r.free_h, float(r.drop_km)
    return prev_km


def _profiles(km, truck_h, back_h, foot_h) -> _Profiles:
    arrays = {}
    for name, values in (("km", km), ("truck_h", truck_h), ("truck_back_h", back_h),
                         ("foot_h", foot_h)):
        a = np.asarray(values, dtype=float)
        if a.ndim != 1 or a.size < 2 or not np.all(np.isfinite(a)) or np.any(np.diff(a) <= 0):
            raise DataError(f"shuttle: {name} must be at least two finite, strictly increasing "
                            f"values (a profile along the route); got {a[:6]!r}...")
        arrays[name] = a
    sizes = {k: v.size for k, v in arrays.items()}
    if len(set(sizes.values())) != 1:
        raise DataError(f"shuttle: profiles of different lengths {sizes}; give one value per km")
    p = _Profiles(arrays["km"], arrays["truck_h"] - arrays["truck_h"][0],
                  arrays["truck_back_h"] - arrays["truck_back_h"][0],
                  arrays["foot_h"] - arrays["foot_h"][0])
    gain = np.diff(p.foot_h) - np.diff(p.truck_h)  # hours the trucks gain on each stretch
    slow = gain < -_EPS_H
    if np.any(slow) or not np.any(gain > _EPS_H):
        k = int(np.argmax(slow))
        raise DataError(f"shuttle: between km {p.km[k]:g} and {p.km[k + 1]:g} the loaded trucks "
                        "are no faster than the men on foot (slower there, or faster nowhere); "
                        "march the formation instead")
    return p


def _meet(s: _Seasons, truck_km: float, truck_h: float, walk_km: float,
          walk_h: float) -> tuple[float, float]:
    """Where and when the empty truck, driving back from ``truck_km`` at ``truck_h``, meets
    men who began marching forward from ``walk_km`` at ``walk_h`` (behind the truck), both
    on the ground of the season in force: within a season :func:`_meet_in`; if they have not
    met by its end, both go on from where they stand then on the next season's. Men ahead of
    the truck (a shuttle planned again after a dry spell: they walked on while it stood) are
    caught up by it driving forward (:func:`_catch_up`)."""
    here = s.walk_to(walk_km, walk_h, truck_h)
    if here > truck_km + _EPS_KM:
        return _catch_up(s, truck_km, truck_h, walk_km, walk_h)
    if here >= truck_km - _EPS_KM:
        return truck_km, truck_h
    x_truck, x_men, now = truck_km, here, truck_h
    for p, _, b in s._ends():
        if b <= now:
            continue
        km, h = _meet_in(p, x_truck, now, x_men, now)
        if h <= b:
            return km, h
        x_truck, x_men, now = p.back_to(x_truck, b - now), p.walk_to(x_men, b - now), b
    raise AssertionError("the last season has no end")


def _catch_up(s: _Seasons, truck_km: float, truck_h: float, walk_km: float,
              walk_h: float) -> tuple[float, float]:
    """Where and when the empty truck, driving forward from ``truck_km`` at ``truck_h``,
    catches up men who began marching from ``walk_km`` at ``walk_h`` and are ahead of it
    then (at the route's end at the latest). The trucks are faster than the men on every
    stretch or as fast (:func:`_profiles`): once level they stay level or ahead, so the hour
    is found by halving."""
    lo, hi = truck_h, s.drive_until(truck_km, s.end_km, truck_h)
    for _ in range(200):
        if hi - lo <= _EPS_H:
            break
        mid = 0.5 * (lo + hi)
        if s.ride_to(truck_km, truck_h, mid) >= s.walk_to(walk_km, walk_h, mid) - _EPS_KM:
            hi = mid
        else:
            lo = mid
    return min(s.end_km, s.walk_to(walk_km, walk_h, hi)), hi


def _meet_in(p: _Profiles, truck_km: float, truck_h: float, walk_km: float,
             walk_h: float) -> tuple[float, float]:
    """:func:`_meet` on one season's profiles ``p``.

    With F(x) = foot(x) + back(x) (strictly increasing): the truck reaches x at
    ``truck_h + back(truck_km) - back(x)``, the men at ``walk_h + foot(x) - foot(walk_km)``;
    equal where F(x) = truck_h + back(truck_km) - walk_h + foot(walk_km).
    """
    here = p.walk_to(walk_km, truck_h - walk_h)
    if here >= truck_km - _EPS_KM:
        return truck_km, truck_h
    f = p.foot_h + p.back_h
    target = (truck_h + np.interp(truck_km, p.km, p.back_h) - walk_h
              + np.interp(walk_km, p.km, p.foot_h))
    x = float(np.clip(np.interp(target, f, p.km), here, truck_km))
    return x, truck_h + p.back_h_between(truck_km, x)


def _arrival_h(p: _Seasons, g: _Group) -> float:
    """When group ``g`` reaches the end of the route."""
    kind, t0, t1, km0, km1 = g.legs[-1]
    if kind == "walk":
        return p.walk_until(km0, p.end_km, t0)
    # the last leg is the stand after a ride that ended at the end of the route
    ride = g.legs[-2]
    return float(ride[2])


def shuttle_timetable(
    *,
    men: int,
    lift_men: int,
    route_km: float,
    start_h: float,
    end_h: float,
    truck_leg_h,
    truck_fuel_l_per_km: float,
    march_kmh: float,
    march_hours,
    load_h: float,
    unload_h: float,
    route=None,
    step_km: float = 1.0,
    bound_km: float | None = None,
    march_leg_h=None,
    later_seasons: Sequence[tuple[float, object, object, float]] = (),
    depths: Sequence[tuple[float, ...]] = (),
    rate_km_per_day: float = math.inf,
    start_state: tuple[Sequence[tuple[int, float]], float] | None = None,
) -> dict:
    """:func:`shuttle_advance` in the step loop's terms (``advance.movement.ShuttlePlanner``):
    the fields of its ``Timetable`` (all but ``mode``, which is ``"truck"``).

    ``truck_leg_h(a, b)``: one-way truck hours from km ``a`` to km ``b`` of the route (the
    cost engine); sampled every ``step_km`` into the forward and reverse profiles.
    ``march_kmh``: the marching men's pace. ``march_hours(t0, t1)``: hours under way in the
    formation's march window between two clock hours; trucks and marchers both move only then
    (the formation keeps one schedule), so the shuttle is computed in hours under way and laid
    on the clock by that window, up to ``end_h``. ``truck_fuel_l_per_km``: litres the whole
    lift burns per km driven (loaded or empty); ``fuel_l`` is cumulative. ``route``: optional
    ``(cum_km, lon, lat)`` arrays of the formation's route for the positions (NaN without).
    ``bound_km``: each lift is dropped at most this far ahead of its pick-up (None: at the end).
    ``march_leg_h(a, b)``: hours a marching man needs from km ``a`` to km ``b`` (the foot
    column's going on this route, from the cost engine); None: ``march_kmh`` everywhere.
    ``later_seasons``: ``(from_h, truck_leg_h, march_leg_h, truck_fuel_l_per_km)`` of each
    later season (``from_h`` on the clock of ``start_h``, in order): the shuttle drives and
    marches on that season's going from when it begins (:class:`_Seasons`: a walk or a run
    across the change goes on at the new going from where it stands), its trucks burn that
    season's litres per km for the km they drive in it.
    ``depths``: ``(km_in, km_out)`` of each fortified depth the route crosses at the
    breakthrough rate ``rate_km_per_day``, round the clock as the rule has a marching head
    cross it (``simulate._Loop.breach``), or ``(km_in, km_out, open_h)``, a depth its head
    waits at the edge of until ``open_h`` (a follower's: its army's breach lets it in then):
    :func:`_through_depths`.
    ``start_state``: ``((men, km) of each group, the trucks' km)`` at ``start_h``, and
    optionally ``(men, drop km)`` of the lift riding then (``state_at(t_h, riding=True)``)
    (None: all at the route's start): the shuttle planned again from where its men and trucks are
    (:meth:`Shuttle.state_at`; a depth behind its foremost men then is not crossed again).
    The dict's ``state_at(t_h)`` gives that state at clock hour ``t_h`` of the timetable.
    """
    n = max(2, int(math.ceil(route_km / step_km)) + 1)
    km = np.linspace(0.0, float(route_km), n)
    if not (march_kmh > 0 and math.isfinite(march_kmh)):
        raise ConfigError(f"shuttle: march_kmh {march_kmh!r}, expected a number > 0")

    def under_at(t: float) -> float:  # hours under way from start_h to clock hour t
        return march_hours(start_h, t) if t >= start_h else -march_hours(t, start_h)

    # clock <-> hours under way, hour by hour over the window, and at the window's edges
    clock = np.arange(float(start_h), float(end_h) + 1.0, 1.0)
    under = np.array([march_hours(start_h, t) for t in clock], dtype=float)
    clock, under = _with_window_edges(clock, under, lambda t: march_hours(start_h, t))

    def run(charged: Sequence[tuple[float, float, float]]) -> Shuttle:
        """The shuttle with each ``(km_in, km_out, hours under way)`` of ``charged`` taking
        at least those hours (every group crossing it)."""
        slow = _charged_leg_h(charged)
        truck_h, foot_h, back_h = _leg_profiles(km, truck_leg_h, march_leg_h, march_kmh, slow)
        later = [(under_at(float(h)), *_leg_profiles(km, leg, mleg, march_kmh, slow))
                 for h, leg, mleg, _ in later_seasons]
        return shuttle_advance(men, lift_men, km, truck_h, foot_h, truck_back_h=back_h,
                               load_h=load_h, unload_h=unload_h, bound_km=bound_km,
                               later=later, groups=groups0, truck_km=truck_km0,
                               riding=riding0[0] if riding0 else None)

    groups0, truck_km0, *riding0 = (None, None) if start_state is None else start_state

    s, crossed = _through_depths(run, depths, rate_km_per_day, under_at,
                                 lambda u: float(_clock_of(np.array([u]), under, clock)[0]))
    later = [(under_at(float(h)),) for h, *_ in later_seasons]
    events = set(np.arange(0.0, s.finish_h, 1.0)) | {s.finish_h}
    events.update(h for h, *_ in later if 0.0 <= h <= s.finish_h)  # the going changes there
    for col in ("pickup_h", "depart_h", "arrive_h", "free_h"):
        events.update(s.trips[col].tolist())
    u = np.array(sorted(e for e in events if e <= under[-1]))
    t = _clock_of(u, under, clock)
    # every clock hour too, so the timetable stands still outside the march window (events
    # alone are joined by straight lines across a night's or a day's rest)
    # and where the head goes into and comes out of each depth on the clock
    edges = [x for *_, t_in, t_go, t_out in crossed
             for x in ((t_in, t_out) if t_go <= t_in else (t_in, t_go, t_out))
             if clock[0] <= x <= clock[-1]]
    t = np.concatenate([t, clock, edges])
    u = np.concatenate([u, under, [under_at(float(x)) for x in edges]])
    order = np.lexsort((u, t))
    t, u = t[order], u[order]
    head, tail = s.at(u)
    for k_in, k_out, t_in, t_go, t_out in crossed:
        # through the depth the head goes at the rate round the clock, at its edge from t_in
        # (where the shuttle's first men reach it) to t_go (a follower: when the breach lets
        # it in), out at t_out; never behind the shuttle's own head
        inside = (t >= t_in) & (t <= t_out)
        head[inside] = k_in + (k_out - k_in) * np.maximum(t[inside] - t_go, 0.0) / max(
            t_out - t_go, _EPS_H)
        head[t > t_out] = np.maximum(head[t > t_out], k_out)
    tail = np.minimum(tail, head)
    # each season's km at its own litres per km (the odometer within the season's hours)
    rates = (truck_fuel_l_per_km, *(float(r) for *_, r in later_seasons))
    ends = (*s._profiles.starts[1:], math.inf)
    fuel = sum(r * (_odometer(s, np.clip(u, a, b)) - _odometer(s, np.array([a])))
               for r, a, b in zip(rates, s._profiles.starts, ends))
    if route is not None:
        cum, lon_r, lat_r = (np.asarray(a, dtype=float) for a in route)
        lon, lat = np.interp(head, cum, lon_r), np.interp(head, cum, lat_r)
    else:
        lon = lat = np.full(len(u), np.nan)
    notes = (f"{len(s.trips)} truck trip(s) of {lift_men} men for {men} men; last men at the "
             f"end after {s.finish_h:.1f} h under way",)
    if s.finish_h > under[-1]:
        notes += (f"the shuttle is not over by +{end_h:.0f} h",)

    def walk(km0: float, t0_h: float, t1_h: float) -> float:
        """Km of a man who sets off on foot from ``km0`` at ``t0_h``, at ``t1_h`` (the
        marchers' pace and window; the end of the route stops him)."""
        if t1_h <= t0_h:
            return float(km0)
        u0 = under_at(t0_h)
        return s._profiles.walk_to(float(km0), u0, u0 + max(0.0, march_hours(t0_h, t1_h)))

    def state_at(t_h: float, riding: bool = False) -> tuple:
        """Where the shuttle's groups of men and its trucks are at clock hour ``t_h``; with
        ``riding``, also ``(men, drop km)`` of the lift on the trucks then (None: none)."""
        u = under_at(float(t_h))
        return (*s.state_at(u), s.riding_at(u)) if riding else s.state_at(u)

    return dict(km=head, lon=lon, lat=lat, time_h=t, tail_km=tail, fuel_l=fuel,
                fuel_type="petrol", reason="", stations=(), notes=notes, walk=walk,
                state_at=state_at)


def _through_depths(run, depths: Sequence[tuple[float, ...]], rate_km_per_day: float,
                    under_at, clock_at
                    ) -> tuple[Shuttle, list[tuple[float, float, float, float, float]]]:
    """The shuttle ``run(charged)`` with each fortified depth crossed at the breakthrough rate
    round the clock, and ``(km_in, km_out, in_h, go_h, out_h)`` of each (clock hours).

    The rule moves a head through a depth at ``rate_km_per_day`` hour by hour round the clock
    (``simulate._Loop.breach``), whatever moves it. A shuttle is laid on hours under way of its
    march window, so the depth is charged, for every group crossing it, the hours under way
    the window holds between the clock hour the shuttle's head enters it (``in_h``) and the
    hour it comes out at the rate (``out_h = in_h + depth / rate``): the head is out of it on
    the clock the rule gives, and the timetable puts it inside at the rate (its caller). Why
    (shuttle33): a day of the rate in the window's moving hours had the head cross 10 km in a
    12 h window and stand at night (94rc into Hailar at twice the rate, then halted), where a
    marching head crosses on through the night. Depths are charged in route order (each
    head's entry follows the depths before it); overlapping ones are one. A depth given as
    ``(km_in, km_out, open_h)`` (a follower's: :func:`~logistics.advance.movement.merged_depths`)
    is gone into at ``go_h``, the later of ``in_h`` and ``open_h``: its head stands at the
    edge until the breach lets it in, then crosses at the rate round the clock as a marching
    follower does (``simulate._Loop.breach``), out at ``go_h + depth / rate``, and the
    shuttle goes on from there in its march window (the depth charged the window's hours
    from ``in_h`` to ``out_h``). Why (follow35): shifted whole by the wait, a shuttle marched
    in its window moved by the wait for the rest of the war (a 5 h wait: its men's daily
    marching hours 5 h later). ``under_at(t)``: hours under way at clock hour ``t``;
    ``clock_at(u)``: the earliest clock hour of ``u``."""
    charged: list[tuple[float, float, float]] = []
    crossed: list[tuple[float, float, float, float]] = []
    s = run(charged)
    if not (math.isfinite(rate_km_per_day) and rate_km_per_day > 0):
        return s, crossed
    # a shuttle planned again from where its men are (start_state) does not cross again the
    # depths behind its foremost men
    for k_in, k_out, open_h in merged_depths(depths, float(s.at(s.start_h)[0][0]), s.end_km):
        t_in = clock_at(_head_reaches_h(s, k_in))
        t_go = max(t_in, open_h)  # in at the edge until the breach lets it in (a follower)
        t_out = t_go + (k_out - k_in) * 24.0 / rate_km_per_day
        charged.append((k_in, k_out, under_at(t_out) - under_at(t_in)))
        crossed.append((k_in, k_out, t_in, t_go, t_out))
        s = run(charged)
    return s, crossed


def _head_reaches_h(s: Shuttle, km: float) -> float:
    """Hours under way at which the shuttle's head (its foremost men) first reaches ``km``."""
    lo, hi = s.start_h, s.finish_h
    if s.at(lo)[0][0] >= km - _EPS_KM:
        return lo
    for _ in range(100):
        mid = 0.5 * (lo + hi)
        if s.at(mid)[0][0] >= km - _EPS_KM:
            hi = mid
        else:
            lo = mid
        if hi - lo <= _EPS_H:
            break
    return hi


def _charged_leg_h(charged: Sequence[tuple[float, float, float]]):
    """``slow(a, b)``: the least hours under way from km ``a`` to km ``b`` in the charged
    depths (each ``(km_in, km_out, hours)`` spread evenly over its km); 0 outside them."""
    def slow(a: float, b: float) -> float:
        lo, hi = min(a, b), max(a, b)
        return sum(h * max(0.0, min(hi, k1) - max(lo, k0)) / (k1 - k0)
                   for k0, k1, h in charged)
    return slow


def _leg_profiles(km: np.ndarray, truck_leg_h, march_leg_h, march_kmh: float, slow=None
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(truck_h, foot_h, back_h): the cumulative hour profiles of one season at ``km`` (module
    docstring) from its one-way truck leg hours and its marchers' (None: ``march_kmh``);
    ``slow(a, b)``: the least hours any of them takes on a step (a fortified depth's)."""
    fwd = np.array([truck_leg_h(a, b) for a, b in zip(km[:-1], km[1:])], dtype=float)
    back = np.array([truck_leg_h(b, a) for a, b in zip(km[:-1], km[1:])], dtype=float)
    if slow is not None:
        least = np.array([slow(a, b) for a, b in zip(km[:-1], km[1:])], dtype=float)
        fwd, back = np.maximum(fwd, least), np.maximum(back, least)
    # the men on foot are no faster than the loaded trucks on any step: where the trucks are
    # held (a river's bridge, a climb at walking pace) the men cross and climb with them
    # (assumed: they use the same bridges and tracks; the men's own pace is march_kmh)
    walk = (np.array([march_leg_h(a, b) for a, b in zip(km[:-1], km[1:])], dtype=float)
            if march_leg_h is not None else np.diff(km) / march_kmh)
    if not np.all(np.isfinite(walk) & (walk >= 0)):
        raise DataError("shuttle: the marching men's leg hours must be finite and >= 0")
    return (np.concatenate([[0.0], np.cumsum(fwd)]),
            np.concatenate([[0.0], np.cumsum(np.maximum(walk, fwd))]),
            np.concatenate([[0.0], np.cumsum(back)]))


def _with_window_edges(clock: np.ndarray, under: np.ndarray, under_at, *, depth: int = 12
                       ) -> tuple[np.ndarray, np.ndarray]:
    """``clock`` and ``under`` (hours under way at each clock point) with the points where the
    march window opens or closes between two of them added (``under_at(t)``: hours under way
    at ``t``). Why (review21): the points are hours after H-hour, and the window's edges are
    clock hours; with H-hour at 00:10 an hour's share of the window was spread over the whole
    hour between two points, so the shuttle moved up to 50 minutes outside its window. Between
    two points the hours under way grow at slope 1 inside the window and 0 outside; a piece
    with one edge closes at ``t0 + du`` or opens at ``t1 - du`` (checked exactly), else it is
    halved (at most ``depth`` times)."""
    extra_t: list[float] = []
    extra_u: list[float] = []

    def edges(t0: float, t1: float, u0: float, u1: float, level: int) -> None:
        du = u1 - u0
        if du <= _EPS_H or du >= (t1 - t0) - _EPS_H:
            return  # all outside or all inside the window: linear already
        # closes inside (under way before e, not after), or opens inside (the other way)
        for e, before, after in ((t0 + du, du, 0.0), (t1 - du, 0.0, du)):
            ue = under_at(e)
            if abs(ue - u0 - before) <= _EPS_H and abs(u1 - ue - after) <= _EPS_H:
                extra_t.append(e)
                extra_u.append(ue)
                return
        if level >= depth:
            return
        tm = 0.5 * (t0 + t1)
        um = under_at(tm)
        edges(t0, tm, u0, um, level + 1)
        extra_t.append(tm)
        extra_u.append(um)
        edges(tm, t1, um, u1, level + 1)

    for k in range(len(clock) - 1):
        edges(float(clock[k]), float(clock[k + 1]), float(under[k]), float(under[k + 1]), 0)
    if not extra_t:
        return clock, under
    t = np.concatenate([clock, extra_t])
    u = np.concatenate([under, extra_u])
    order = np.argsort(t, kind="stable")
    return t[order], u[order]


def _clock_of(u: np.ndarray, under: np.ndarray, clock: np.ndarray) -> np.ndarray:
    """Earliest clock hour at which ``under`` (non-decreasing hours under way) reaches ``u``."""
    out = np.empty_like(u)
    for i, x in enumerate(u):
        k = int(np.searchsorted(under, x, side="left"))
        if k == 0:
            out[i] = clock[0]
        elif k >= len(under):
            out[i] = clock[-1]
        else:
            u0, u1 = under[k - 1], under[k]
            out[i] = clock[k - 1] + (clock[k] - clock[k - 1]) * (x - u0) / (u1 - u0)
    return out


def _odometer(s: Shuttle, u: np.ndarray) -> np.ndarray:
    """Km the trucks have driven by each of ``u`` (hours under way): each trip's empty run
    back between the previous release and the pick-up, its loaded run from departure to
    arrival, where the season's going puts the trucks along each (so each season's km are
    the km driven in it: the shuttle's fuel prices them at its litres per km)."""
    p = s._profiles
    km = np.zeros_like(u)
    prev_free, prev_drop = s.start_h, s.truck_start_km
    for r in s.trips.itertuples():
        empty = p.back_to if r.pickup_km <= prev_drop else p.ride_to
        runs = ((prev_free, r.pickup_h, prev_drop, r.pickup_km, empty),
                (r.depart_h, r.arrive_h, r.pickup_km, r.drop_km, p.ride_to))
        for t0, t1, a, b, move in runs:
            d = abs(b - a)
            if d <= 0:
                continue
            km += np.where(u >= t1, d, 0.0)
            for j in np.flatnonzero((u > t0) & (u < t1)):
                km[j] += min(d, abs(move(a, t0, float(u[j])) - a))
        prev_free, prev_drop = r.free_h, r.drop_km
    return km
