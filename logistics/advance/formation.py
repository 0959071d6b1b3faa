"""The column's geometry: how long a formation's column is, how long it takes to close up and
where its tail is.

Column model (why a column of hundreds of vehicles is slower than one tank): the formation
marches on ``routes`` parallel roads with ``gap_m`` metres from one vehicle to the next, so each
road column is ``length_km = n_vehicles / routes * gap_m / 1000`` long. The head leaves at the
start of the daily march window; the formation closes up into its halt area at the end of the
window (to refuel and rest concentrated), so the head must halt ``close_up_h = length_km /
speed_kmh`` before the window ends to let the tail arrive. The head's moving time per day is
therefore ``hours_per_day - close_up_h``: a 50 km column at 20 km/h loses 2.5 h of every march
day. The reported position of a formation is its head.

The close-up counts the vehicles only: men on foot and horsemen march their own sourced day,
each man's (README Limitations, "A column's length"). Where the column's tail is counts all
of it (:func:`road_column_km`: its vehicles, and its men on foot and horsemen in ranks,
``configs/norms/march.yaml column_depth``). The tail's rule (placed by
``records.StepRecords.trailing``), from one physical statement: every part of the column
follows the same road at the same place-dependent speed, so the tail passes each point of
the road a fixed delay after the head did, the time the whole column takes to pass a point at
its mean pace (``FormationPlan.tail_lag_h``: :func:`close_up_hours` of that length), counted
in the column's march hours (``MarchSchedule.column_hours``: its norm's whole window, the
close-up included; and every hour its head moves in, outside the window only crossing a
fortified depth round the clock at the breakthrough rate, which its column follows):

- at the window's end all of the column halts: the tail stands where it is through the night
  the head rests and goes on the next morning from there (its delay in march hours kept);
- when the head halts inside the window (a follow depth's edge, a crossing, vehicles dry, the
  daily close-up) the rest of the column marches on along the head's road at its speeds and
  closes up on it: the tail reaches the head's halt point (closed-up length 0, as the daily
  close-up has it: the head halts ``close_up_h = length / pace`` early for its tail to get to
  its halt point), and leaves it the delay after the head did;
- where the going is better than the route's mean the column stretches (its tail more than
  its length behind), where worse it shortens: no cap, the physics of a column on one road.

So the tail is never behind its start nor ahead of the head (:func:`lagged_km`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

__all__ = ["column_length_km", "road_column_km", "close_up_hours", "lagged_km"]


def column_length_km(n_vehicles: int, routes: int, gap_m: float) -> float:
    """Road length of one of ``routes`` parallel columns holding ``n_vehicles`` in all (km)."""
    if routes < 1:
        raise ValueError(f"routes must be >= 1, got {routes}")
    return n_vehicles / routes * gap_m / 1000.0


def road_column_km(n_vehicles: int, routes: int, gap_m: float, *,
                   ranks: Sequence[tuple[float, float, float]] = ()) -> float:
    """Road length of one of ``routes`` parallel columns of a whole formation (km): its
    ``n_vehicles`` ``gap_m`` apart (:func:`column_length_km`) and, for each ``(count,
    abreast, rank_m)`` of ``ranks``, ``count`` men on foot or horsemen ``abreast`` to a rank
    ``rank_m`` metres deep, shared alike over the routes."""
    ranks_m = sum(float(n) / routes / float(abreast) * float(rank_m)
                  for n, abreast, rank_m in ranks if n > 0)
    return column_length_km(n_vehicles, routes, gap_m) + ranks_m / 1000.0


def close_up_hours(length_km: float, speed_kmh: float) -> float:
    """Hours for the tail of a column ``length_km`` long to reach the head's halt point."""
    if speed_kmh <= 0 or not math.isfinite(speed_kmh):
        return 0.0 if length_km == 0 else math.inf
    return length_km / speed_kmh


def lagged_km(times_h: Sequence[float], km: Sequence[float], t_h: float) -> float:
    """Km of a trajectory (``km`` at ``times_h``, hours ascending, linear between) at ``t_h``:
    its first km before its first time (its start), its last after its last (``np.interp``).
    The tail of a column whose head went so is at ``lagged_km(times, km, t - lag_h)``."""
    if not len(times_h):
        raise ValueError("an empty trajectory has no km")
    return float(np.interp(t_h, times_h, km))
