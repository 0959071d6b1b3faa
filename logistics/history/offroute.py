"""When a formation could reach a place off its route: the cost engine, from its track.

A documented place that a formation's route does not pass is still scored, so a wrong route
costs time. The travel time *to* the place from every cell is one reverse accumulation of the
cost engine (:func:`logistics.cost.accumulate.accumulate`, ``reverse=True``) for the
formation's pace vehicle in the season in force, from the cells within ``radius_km`` of the
place. Along the formation's hourly track the modeled arrival is

    arrival = min over track steps t of  t + travel_h(position at t) / duty

(the earliest time at which the formation, leaving its track at t, gets there). ``duty`` is
the share of hours the formation moved on its days of movement (its march schedule, halts
included), so an off-route leg is marched like the rest of its advance: an assumption, named
in every report. Steps where the formation is held for lack of fuel cannot start a leg. The
time is divided by the run's ``speed_scale`` (calibration), like every speed of the run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["OffRoute", "OffRouteTimer", "duty_share", "season_at"]

_FUEL_HALT = "halted: no fuel"


@dataclass(frozen=True)
class OffRoute:
    """The off-route timing of one place: ``arrival`` (NaT when the cost engine finds no way
    from any step of the track), the step it leaves from (``leave_time``, ``leave_lon``,
    ``leave_lat``), ``travel_h`` (elapsed hours of the leg), ``duty`` and a ``note``."""

    arrival: pd.Timestamp
    leave_time: pd.Timestamp
    leave_lon: float
    leave_lat: float
    travel_h: float
    duty: float
    note: str = ""

    @property
    def reached(self) -> bool:
        return not pd.isna(self.arrival)


def duty_share(track: pd.DataFrame) -> float:
    """Share of hours with status ``moving`` over the days on which the formation moved
    (1 when the track has no status)."""
    if "status" not in track or len(track) < 2:
        return 1.0
    t = pd.to_datetime(track["time"])
    moving = track["status"].astype(str).str.startswith("moving").to_numpy()
    days = t.dt.normalize()
    moved_days = set(days[moving])
    on = days.isin(moved_days).to_numpy()
    n = int(on.sum())
    return float(moving[on].sum() / n) if n else 1.0


def season_at(seasons, when: pd.Timestamp) -> str:
    """The season in force at ``when`` (the last span starting at or before it; dry if none)."""
    current = "dry"
    for start, season in sorted(seasons, key=lambda s: pd.Timestamp(s[0])):
        if pd.Timestamp(start) <= pd.Timestamp(when):
            current = season
    return current


@dataclass
class OffRouteTimer:
    """Reverse accumulations on one terrain, cached per (vehicle, season, place, radius).

    ``terrain`` is a terrain Dataset (metric, north-up); ``stencil`` the solver's neighbours;
    ``engine`` as :func:`~logistics.cost.accumulate.accumulate`.
    """

    terrain: Any
    stencil: int = 8
    engine: str = "auto"
    _models: Any = field(default=None, repr=False)
    _cache: dict = field(default_factory=dict, repr=False)

    def travel_hours(self, vehicle: str, season: str, lon: float, lat: float,
                     radius_km: float) -> np.ndarray | None:
        """Hours from every cell to the place's disc (inf where no way); None when the place
        lies outside the terrain."""
        key = (vehicle, season, round(lon, 5), round(lat, 5), round(radius_km, 3))
        if key not in self._cache:
            self._cache[key] = self._solve(vehicle, season, lon, lat, radius_km)
        return self._cache[key]

    def _solve(self, vehicle: str, season: str, lon: float, lat: float, radius_km: float):
        from logistics.cost.accumulate import accumulate, cost_array
        from logistics.cost.models import CostModels
        from logistics.terrain import to_metric
        from logistics.vehicles import load_vehicle

        x, y = to_metric(lon, lat)
        xs, ys = np.asarray(self.terrain["x"], float), np.asarray(self.terrain["y"], float)
        res = abs(float(xs[1] - xs[0])) if len(xs) > 1 else 1.0
        if not (xs.min() - res / 2 <= x <= xs.max() + res / 2 and ys.min() - res / 2 <= y <= ys.max() + res / 2):
            return None
        r_m = max(float(radius_km) * 1000.0, 0.0)
        cols = np.flatnonzero(np.abs(xs - x) <= r_m + res / 2)
        rows = np.flatnonzero(np.abs(ys - y) <= r_m + res / 2)
        rr, cc = np.meshgrid(rows, cols, indexing="ij")
        inside = np.hypot(xs[cc] - x, ys[rr] - y) <= max(r_m, res / 2) + 1e-6 * res
        sources = list(zip(rr[inside].tolist(), cc[inside].tolist()))
        centre = (int(np.argmin(np.abs(ys - y))), int(np.argmin(np.abs(xs - x))))
        if centre not in sources:
            sources.append(centre)
        if self._models is None:
            self._models = CostModels()
        model = self._models.get(self.terrain, load_vehicle(vehicle), objective="time", season=season)
        acc = accumulate(model, sources, stencil=self.stencil, reverse=True, engine=self.engine)
        return np.asarray(cost_array(acc), dtype=float) / 3600.0

    def time(self, track: pd.DataFrame, *, vehicle: str, seasons, lon: float, lat: float,
             radius_km: float, speed_scale: float = 1.0) -> OffRoute:
        """The earliest arrival at the place from any step of ``track`` (see the module)."""
        from logistics.terrain import to_metric

        duty = duty_share(track)
        nat = OffRoute(pd.NaT, pd.NaT, math.nan, math.nan, math.nan, duty)
        if not vehicle:
            return _with(nat, "the formation names no pace vehicle to time it")
        ok = ~track["status"].astype(str).eq(_FUEL_HALT) if "status" in track else np.ones(len(track), bool)
        steps = track[np.asarray(ok)]
        if steps.empty:
            return _with(nat, "the formation never moves")
        times = pd.to_datetime(steps["time"])
        x, y = to_metric(steps["lon"].to_numpy(float), steps["lat"].to_numpy(float))
        xs, ys = np.asarray(self.terrain["x"], float), np.asarray(self.terrain["y"], float)
        col = np.clip(np.rint((x - xs[0]) / (xs[1] - xs[0])).astype(int), 0, len(xs) - 1)
        row = np.clip(np.rint((y - ys[0]) / (ys[1] - ys[0])).astype(int), 0, len(ys) - 1)
        best = (math.inf, -1, math.nan)
        for season in dict.fromkeys(season_at(seasons, t) for t in times):
            hours = self.travel_hours(vehicle, season, lon, lat, radius_km)
            if hours is None:
                return _with(nat, "the place lies outside the run's terrain")
            mine = np.array([season_at(seasons, t) == season for t in times])
            leg = hours[row, col] / max(speed_scale, 1e-9) / max(duty, 1e-9)
            t_h = (times.to_numpy("datetime64[ns]").astype(np.int64) / 3.6e12)
            total = np.where(mine, t_h + leg, np.inf)
            i = int(np.argmin(total))
            if total[i] < best[0]:
                best = (float(total[i]), i, float(leg[i]))
        if not math.isfinite(best[0]):
            return _with(nat, f"no way for {vehicle} from the formation's track to the place")
        i = best[1]
        arrival = pd.Timestamp(int(round(best[0] * 3.6e12)))
        return OffRoute(arrival.round("s"), pd.Timestamp(times.iloc[i]), float(steps["lon"].iloc[i]),
                        float(steps["lat"].iloc[i]), best[2], duty)


def _with(o: OffRoute, note: str) -> OffRoute:
    return OffRoute(o.arrival, o.leave_time, o.leave_lon, o.leave_lat, o.travel_h, o.duty, note)
