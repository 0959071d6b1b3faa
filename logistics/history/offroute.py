"""When a formation could reach a place off its route: the cost engine, from its track.

A documented place that a formation's route does not pass is still scored, so a wrong route
costs time. The travel time *to* the place from every cell is one reverse accumulation of the
cost engine (:func:`logistics.cost.accumulate.accumulate`, ``reverse=True``) for the
formation's pace vehicle in the season in force, from the cells within ``radius_km`` of the
place. Along the formation's hourly track the modeled arrival is

    arrival = min over track steps t of  t + travel_h(position at t) / duty

(the earliest time at which the formation, leaving its track at t, gets there), where

    duty = (time from the track's start to its last step on the move)
           / (cost-engine hours from the track's start to where it last moved)

at least 1: the formation's own pace against the cost engine's pace vehicle driving without
a stop (march schedule, column pace, halts, fuel stops, a longer route through its
objectives), so an off-route leg is marched as the formation marched the rest of its advance:
an assumption, named in every report. A formation that never moved has duty 1. Steps where it
is held for lack of fuel or has not started cannot start a leg, nor steps before
``not_before`` (the scoring passes the later of the end of the formation's last fight on its
route short of the place, and the time it takes the last of its objectives short of the place:
the cost engine does not price a fortified region's fight, so a leg leaving before it would
walk past the fight for free, and a leg leaving before an objective would skip the
formation's orders). The time is divided by the run's ``speed_scale``
(calibration), like every speed of the run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["OffRoute", "OffRouteTimer", "season_at", "timer_for"]

_FUEL_HALT = "halted: no fuel"
#: Track statuses from which no off-route leg starts.
_NO_LEG = (_FUEL_HALT, "not started")


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
    ``engine`` as :func:`~logistics.cost.accumulate.accumulate`; ``config_dir`` the configs
    folder whose vehicles and norms price the legs: the run's (``settings.CONFIG_DIR`` when
    None).
    """

    terrain: Any
    stencil: int = 8
    engine: str = "auto"
    config_dir: Any = None
    _models: Any = field(default=None, repr=False)
    _cache: dict = field(default_factory=dict, repr=False)

    def travel_hours(self, vehicle: str, season: str, lon: float, lat: float,
                     radius_km: float, *, reverse: bool = True) -> np.ndarray | None:
        """Hours from every cell to the place's disc (``reverse``; from it otherwise), inf
        where there is no way; None when the place lies outside the terrain."""
        key = (vehicle, season, round(lon, 5), round(lat, 5), round(radius_km, 3), reverse)
        if key not in self._cache:
            self._cache[key] = self._solve(vehicle, season, lon, lat, radius_km, reverse)
        return self._cache[key]

    def duty(self, track: pd.DataFrame, *, vehicle: str, seasons) -> float:
        """The formation's elapsed time per cost-engine hour to where it last moved (>= 1)."""
        if len(track) < 2:
            return 1.0
        moved = np.flatnonzero(track["cum_km"].to_numpy(float) > float(track["cum_km"].iloc[0]) + 1e-6)
        if moved.size == 0:
            return 1.0
        t0 = pd.Timestamp(track["time"].iloc[0])
        last = int(np.argmax(track["cum_km"].to_numpy(float)))
        hours = self.travel_hours(vehicle, season_at(seasons, t0), float(track["lon"].iloc[0]),
                                  float(track["lat"].iloc[0]), 0.0, reverse=False)
        if hours is None:
            return 1.0
        r, c, inside = self._cells(track["lon"].to_numpy(float)[[last]], track["lat"].to_numpy(float)[[last]])
        engine_h = float(hours[r[0], c[0]]) if inside[0] else math.inf
        elapsed_h = (pd.Timestamp(track["time"].iloc[last]) - t0) / pd.Timedelta(hours=1)
        if not (math.isfinite(engine_h) and engine_h > 0):
            return 1.0
        return max(1.0, elapsed_h / engine_h)

    def _cells(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(row, col, inside) of points on the terrain grid (outside: clipped, inside False)."""
        from logistics.terrain import to_metric

        x, y = to_metric(lon, lat)
        xs, ys = np.asarray(self.terrain["x"], float), np.asarray(self.terrain["y"], float)
        fc = np.rint((np.asarray(x) - xs[0]) / (xs[1] - xs[0])).astype(int)
        fr = np.rint((np.asarray(y) - ys[0]) / (ys[1] - ys[0])).astype(int)
        inside = (fc >= 0) & (fc < len(xs)) & (fr >= 0) & (fr < len(ys))
        return np.clip(fr, 0, len(ys) - 1), np.clip(fc, 0, len(xs) - 1), inside

    def _solve(self, vehicle: str, season: str, lon: float, lat: float, radius_km: float,
               reverse: bool = True):
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
            self._models = CostModels(self.config_dir)
        model = self._models.get(self.terrain, load_vehicle(vehicle, config_dir=self.config_dir),
                                 objective="time", season=season)
        sources = _passable(model, sources, centre)
        if not sources:
            return np.full(model.class_index.shape, np.inf)
        acc = accumulate(model, sources, stencil=self.stencil, reverse=reverse, engine=self.engine)
        return np.asarray(cost_array(acc), dtype=float) / 3600.0

    def time(self, track: pd.DataFrame, *, vehicle: str, seasons, lon: float, lat: float,
             radius_km: float, speed_scale: float = 1.0,
             not_before: pd.Timestamp | None = None) -> OffRoute:
        """The earliest arrival at the place from any step of ``track`` at or after
        ``not_before`` (see the module)."""
        nat = OffRoute(pd.NaT, pd.NaT, math.nan, math.nan, math.nan, math.nan)
        if not vehicle:
            return _with(nat, "the formation names no pace vehicle to time it")
        duty = self.duty(track.sort_values("time", kind="stable").reset_index(drop=True),
                         vehicle=vehicle, seasons=seasons)
        nat = OffRoute(pd.NaT, pd.NaT, math.nan, math.nan, math.nan, duty)
        ok = np.ones(len(track), bool)
        if "status" in track:
            ok &= ~track["status"].astype(str).isin(_NO_LEG).to_numpy()
        if not_before is not None and not pd.isna(not_before):
            ok &= (pd.to_datetime(track["time"]) >= pd.Timestamp(not_before)).to_numpy()
        steps = track[ok]
        if steps.empty:
            return _with(nat, "the formation never moves")
        times = pd.to_datetime(steps["time"])
        row, col, inside = self._cells(steps["lon"].to_numpy(float), steps["lat"].to_numpy(float))
        best = (math.inf, -1, math.nan)
        for season in dict.fromkeys(season_at(seasons, t) for t in times):
            hours = self.travel_hours(vehicle, season, lon, lat, radius_km)
            if hours is None:
                return _with(nat, "the place lies outside the run's terrain")
            mine = np.array([season_at(seasons, t) == season for t in times])
            leg = hours[row, col] / max(speed_scale, 1e-9) * duty
            t_h = (times.to_numpy("datetime64[ns]").astype(np.int64) / 3.6e12)
            total = np.where(mine & inside, t_h + leg, np.inf)
            i = int(np.argmin(total))
            if total[i] < best[0]:
                best = (float(total[i]), i, float(leg[i]))
        if not math.isfinite(best[0]):
            return _with(nat, f"no way for {vehicle} from the formation's track to the place")
        i = best[1]
        arrival = pd.Timestamp(int(round(best[0] * 3.6e12)))
        return OffRoute(arrival.round("s"), pd.Timestamp(times.iloc[i]), float(steps["lon"].iloc[i]),
                        float(steps["lat"].iloc[i]), best[2], duty)


def _passable(model: Any, sources: list[tuple[int, int]], centre: tuple[int, int],
              radius: int = 3) -> list[tuple[int, int]]:
    """The passable cells among ``sources``; none: the passable cell nearest to ``centre``
    within ``radius`` cells (a town on a shore, as ``logistics route`` treats one); else []."""
    from logistics.cost.model import BARRIER_CLASS

    ci = model.class_index
    scale = model.scale

    def ok(r: int, c: int) -> bool:
        return ci[r, c] != BARRIER_CLASS and (scale is None or bool(np.isfinite(scale[r, c])))

    good = [(r, c) for r, c in sources if ok(r, c)]
    if good:
        return good
    r, c = centre
    near = [(rr, cc) for rr in range(max(0, r - radius), min(ci.shape[0], r + radius + 1))
            for cc in range(max(0, c - radius), min(ci.shape[1], c + radius + 1)) if ok(rr, cc)]
    return [min(near, key=lambda p: (p[0] - r) ** 2 + (p[1] - c) ** 2)] if near else []


def _with(o: OffRoute, note: str) -> OffRoute:
    return OffRoute(o.arrival, o.leave_time, o.leave_lon, o.leave_lat, o.travel_h, o.duty, note)


@lru_cache(maxsize=8)
def _timer(ref: Any, config_dir: Any = None) -> OffRouteTimer:
    return OffRouteTimer(ref.load(), stencil=16, config_dir=config_dir)


def timer_for(trace: Any, points: list[tuple[float, float]], *,
              margin_deg: float = 0.5) -> OffRouteTimer | None:
    """An off-route timer on the run's terrain, widened to hold ``points`` (lon, lat), pricing
    with the vehicles and norms of the configs folder the run read (``trace.config_dir``): a
    Dataset is used as it is; a :class:`TerrainRef` is loaded once per process and box."""
    t = trace.terrain
    if t is None:
        return None
    from logistics.history.runs import TerrainRef

    folder = getattr(trace, "config_dir", None)
    if not isinstance(t, TerrainRef):
        return OffRouteTimer(t, config_dir=folder)
    from logistics import settings

    w, s, e, n = t.bbox
    W, S, E, N = settings.THEATRE_BBOX
    for lon, lat in points:
        w, s = min(w, lon - margin_deg), min(s, lat - margin_deg)
        e, n = max(e, lon + margin_deg), max(n, lat + margin_deg)
    box = (round(max(w, W), 2), round(max(s, S), 2), round(min(e, E), 2), round(min(n, N), 2))
    return _timer(TerrainRef(box, t.resolution_m, t.dem, t.config_dir), folder)
