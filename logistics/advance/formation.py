"""The formation as plain data: vehicle groups, fuel carried, march schedule, column geometry.

Column model (why a column of hundreds of vehicles is slower than one tank):
the formation marches on ``routes`` parallel roads with ``gap_m`` metres from one vehicle to
the next, so each road column is ``length_km = n_vehicles / routes * gap_m / 1000`` long. The
head leaves at the start of the daily march window; the formation closes up into its halt area
at the end of the window (to refuel and rest concentrated), so the head must halt
``close_up_h = length_km / speed_kmh`` before the window ends to let the tail arrive. The
head's moving time per day is therefore ``hours_per_day - close_up_h``: a 50 km column at
20 km/h loses 2.5 h of every march day. The reported position is the head of the main body.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = [
    "VehicleGroup",
    "MarchSchedule",
    "column_length_km",
    "close_up_hours",
    "river_crossings",
    "RIVER_CLASS_BY_NAME",
]

#: Config names of the river classes (``logistics.terrain.classes.RiverClass`` codes).
RIVER_CLASS_BY_NAME: dict[str, int] = {
    "major": 1,
    "large": 2,
    "medium": 3,
    "intermittent": 4,
    "canal": 5,
}


@dataclass(frozen=True)
class VehicleGroup:
    """Vehicles of one class: how many, their tanks (one refill) and fuel carried beyond them."""

    vehicle_id: str
    count: int
    tank_l: float
    extra_l: float
    fuel_type: str

    @property
    def refill_l(self) -> float:
        """Litres in one refill of the whole group (every tank full once)."""
        return self.count * self.tank_l


@dataclass(frozen=True)
class MarchSchedule:
    """Daily march window in clock hours, shortened by the column's close-up time.

    ``start_hour`` and ``hours_per_day`` come from the scenario; ``close_up_h`` from
    :func:`close_up_hours`. Hours inside ``night_hours`` (start, end clock hours) move at
    ``night_speed_factor`` of the day speed. ``max_km_per_day`` bounds the head's advance in
    one march day (the 24 h from ``start_hour``): a documented daily march norm (e.g. rifle
    troops on foot 30-40 km, PM 2.4) that the terrain speeds alone would exceed.
    """

    start_hour: float
    hours_per_day: float
    close_up_h: float = 0.0
    night_hours: tuple[float, float] = (21.0, 5.0)
    night_speed_factor: float = 1.0
    max_km_per_day: float = math.inf

    @property
    def moving_hours_per_day(self) -> float:
        """Hours per day the head of the column is on the move."""
        return max(0.0, self.hours_per_day - self.close_up_h)

    def moving_hours(self, clock0_h: float, clock1_h: float) -> float:
        """Hours of [clock0_h, clock1_h) inside the daily windows (clock hours from day 0 00:00).

        >>> MarchSchedule(start_hour=6, hours_per_day=10).moving_hours(0, 48)
        20.0
        >>> MarchSchedule(start_hour=20, hours_per_day=8).moving_hours(0, 24)  # wraps midnight
        8.0
        """
        return _overlap_with_daily(clock0_h, clock1_h, self.start_hour, self.moving_hours_per_day)

    def march_day(self, clock_h: float) -> int:
        """Index of the march day holding a clock time (hours from day 0 00:00): day ``d``
        runs from ``d*24 + start_hour`` for 24 h.

        >>> MarchSchedule(start_hour=6, hours_per_day=10).march_day(30.0)
        1
        >>> MarchSchedule(start_hour=6, hours_per_day=10).march_day(5.0)
        -1
        """
        return math.floor((clock_h - self.start_hour) / 24.0)

    def speed_factor(self, clock_h: float) -> float:
        """Speed multiplier at a clock time: ``night_speed_factor`` at night, else 1."""
        if self.night_speed_factor == 1.0:
            return 1.0
        start, end = self.night_hours
        length = (end - start) % 24.0
        return self.night_speed_factor if (clock_h - start) % 24.0 < length else 1.0


def _overlap_with_daily(a: float, b: float, start: float, length: float) -> float:
    """Length of [a, b) intersected with the union of [d*24 + start, d*24 + start + length)."""
    if b <= a or length <= 0:
        return 0.0
    if length >= 24.0:
        return b - a
    total = 0.0
    for day in range(math.floor(a / 24.0) - 1, math.floor(b / 24.0) + 1):
        w0 = day * 24.0 + start
        w1 = w0 + length
        total += max(0.0, min(b, w1) - max(a, w0))
    return total


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


def river_crossings(
    river_class: np.ndarray, cum_km: np.ndarray, delay_h: dict[int, float]
) -> list[tuple[float, float, int]]:
    """Crossings along a route: (km of the first cell of each run of a class, delay h, class).

    A run of consecutive cells of the same river class is one crossing (a wide river spans
    several cells). Classes without a delay are skipped.
    """
    out = []
    prev = 0
    for k, km in zip(np.asarray(river_class).tolist(), np.asarray(cum_km).tolist()):
        if k != prev and k in delay_h and delay_h[k] > 0:
            out.append((float(km), float(delay_h[k]), int(k)))
        prev = k
    return out
