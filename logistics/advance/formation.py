"""The column's geometry: how long a formation's column is and how long it takes to close up.

Column model (why a column of hundreds of vehicles is slower than one tank): the formation
marches on ``routes`` parallel roads with ``gap_m`` metres from one vehicle to the next, so each
road column is ``length_km = n_vehicles / routes * gap_m / 1000`` long. The head leaves at the
start of the daily march window; the formation closes up into its halt area at the end of the
window (to refuel and rest concentrated), so the head must halt ``close_up_h = length_km /
speed_kmh`` before the window ends to let the tail arrive. The head's moving time per day is
therefore ``hours_per_day - close_up_h``: a 50 km column at 20 km/h loses 2.5 h of every march
day. The reported position of a formation is its head.
"""

from __future__ import annotations

import math

__all__ = ["column_length_km", "close_up_hours"]


def column_length_km(n_vehicles: int, routes: int, gap_m: float) -> float:
    """Road length of one of ``routes`` parallel columns holding ``n_vehicles`` in all (km)."""
    if routes < 1:
        raise ValueError(f"routes must be >= 1, got {routes}")
    return n_vehicles / routes * gap_m / 1000.0


def close_up_hours(length_km: float, speed_kmh: float) -> float:
    """Hours for the tail of a column ``length_km`` long to reach the head's halt point."""
    if speed_kmh <= 0 or not math.isfinite(speed_kmh):
        return 0.0 if length_km == 0 else math.inf
    return length_km / speed_kmh
