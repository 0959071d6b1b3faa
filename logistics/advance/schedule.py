"""The march clock: hours since H-hour and the daily march window of a column.

:class:`MarchSchedule` says when the head of the column moves: a daily window of
``hours_per_day`` from ``start_hour``, shortened by the column's close-up time (see
:mod:`logistics.advance.formation`), slower at night. :func:`logistics.advance.pace.
march_schedule_for` builds it from a formation's march norm.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

__all__ = ["MarchSchedule", "SeasonalWindow", "hours_since"]


def hours_since(t0: datetime, t: datetime) -> float:
    """Hours from ``t0`` to ``t``."""
    return (t - t0).total_seconds() / 3600.0


@dataclass(frozen=True)
class MarchSchedule:
    """Daily march window in clock hours, shortened by the column's close-up time.

    ``start_hour`` and ``hours_per_day`` come from the march norm; ``close_up_h`` from
    :func:`logistics.advance.formation.close_up_hours`. Hours inside ``night_hours`` (start,
    end clock hours) move at ``night_speed_factor`` of the day speed. No daily cap: a day's
    km come from the pace and the hours under way (issue 13 item 4).
    """

    start_hour: float
    hours_per_day: float
    close_up_h: float = 0.0
    night_hours: tuple[float, float] = (21.0, 5.0)
    night_speed_factor: float = 1.0

    @property
    def moving_hours_per_day(self) -> float:
        """Hours per day the head of the column is on the move."""
        return max(0.0, self.hours_per_day - self.close_up_h)

    @property
    def progress_hours_per_day(self) -> float:
        """Hours of full-pace progress a day (h): the moving hours, each night hour counted at
        ``night_speed_factor`` (a day's km are the pace times these hours)."""
        moving = self.moving_hours_per_day
        start, end = self.night_hours
        night = _overlap_with_daily(self.start_hour, self.start_hour + moving, start,
                                    (end - start) % 24.0)
        return moving - night * (1.0 - self.night_speed_factor)

    @property
    def mean_speed_factor(self) -> float:
        """The day's mean of :meth:`speed_factor` over the moving hours (1 when it has none):
        a day's progress hours over its moving hours.

        >>> round(MarchSchedule(start_hour=19, hours_per_day=12, night_speed_factor=0.7)
        ...       .mean_speed_factor, 6)  # 8 night hours (21-05) of 12 at 0.7
        0.8
        """
        moving = self.moving_hours_per_day
        return self.progress_hours_per_day / moving if moving > 0 else 1.0

    def moving_hours(self, clock0_h: float, clock1_h: float) -> float:
        """Hours of [clock0_h, clock1_h) inside the daily windows (clock hours from day 0 00:00).

        >>> MarchSchedule(start_hour=6, hours_per_day=10).moving_hours(0, 48)
        20.0
        >>> MarchSchedule(start_hour=20, hours_per_day=8).moving_hours(0, 24)  # wraps midnight
        8.0
        """
        return _overlap_with_daily(clock0_h, clock1_h, self.start_hour, self.moving_hours_per_day)

    def column_hours(self, clock0_h: float, clock1_h: float) -> float:
        """Hours of [clock0_h, clock1_h) in which the whole column marches: its norm's whole
        window, ``hours_per_day`` from ``start_hour``, the close-up included (its head halts
        ``close_up_h`` before the window ends and the rest of the column closes up on it
        then). Outside it all of the column halts: the clock its tail keeps
        (:meth:`~logistics.advance.records.StepRecords.trailing`).

        >>> MarchSchedule(start_hour=6, hours_per_day=10, close_up_h=2).column_hours(0, 24)
        10.0
        """
        return _overlap_with_daily(clock0_h, clock1_h, self.start_hour, self.hours_per_day)

    def speed_factor(self, clock_h: float) -> float:
        """Speed multiplier at a clock time: ``night_speed_factor`` at night, else 1."""
        if self.night_speed_factor == 1.0:
            return 1.0
        start, end = self.night_hours
        length = (end - start) % 24.0
        return self.night_speed_factor if (clock_h - start) % 24.0 < length else 1.0


@dataclass(frozen=True)
class SeasonalWindow:
    """A march window that changes with the season: ``windows`` are (hours after H-hour,
    :class:`MarchSchedule`) from which each holds, in order (the first holds from the start
    whatever its hour), on the clock of H-hour (``clock0_h``, its clock hour).

    Why: a truck shuttle is laid on its men on foot's window before the run
    (:func:`logistics.advance.formation_plan._shuttle`); with one window, the first season's,
    a Transbaikal shuttle kept the heat rule's night marches (``march.yaml foot_column
    heat_rule``, dry season only) after the rains began, while every other column's window
    follows the season in force (the step loop's ``schedule[season]``).

    >>> w = SeasonalWindow(((0.0, MarchSchedule(19, 12)), (36.0, MarchSchedule(0, 12))), 0.0)
    >>> w.moving_hours(24, 48)  # day 2: 00-07 h in the night window, none after 12:00
    7.0
    >>> MarchSchedule(19, 12).moving_hours(24, 48)  # the first window kept: 00-07, 19-24 h
    12.0
    """

    windows: tuple[tuple[float, MarchSchedule], ...]
    clock0_h: float = 0.0

    def moving_hours(self, t0_h: float, t1_h: float) -> float:
        """Hours of [t0_h, t1_h) (hours after H-hour) inside the window of the season in force
        at each moment."""
        total = 0.0
        for k, (start, sched) in enumerate(self.windows):
            a = t0_h if k == 0 else max(t0_h, start)
            b = min(t1_h, self.windows[k + 1][0]) if k + 1 < len(self.windows) else t1_h
            if b > a:
                total += sched.moving_hours(self.clock0_h + a, self.clock0_h + b)
        return total


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
