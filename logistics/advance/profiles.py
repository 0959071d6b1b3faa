"""The planned route and the column's time and fuel along it, per season (route profiles).

Route: the least-time route of the lead class through the objectives in order
(:func:`logistics.cost.route.route`), from the jump-off moved onto passable ground if a coarse
grid puts it in water. Profiles: each class is costed on the same cells in every season of the
scenario (:func:`~logistics.cost.route.evaluate_path`); the column moves at the pace of its
slowest class on each step, capped by ``formation.march.max_speed_kmh``. Where a class cannot
cross a cell on its own (e.g. trucks on loose sand) it is assumed to be helped across at its
worst per-km time and fuel on the route (:func:`~logistics.cost.route.helped_across`), and the
km are reported (``impassable_km``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from logistics.advance.formation import VehicleGroup
from logistics.cost.models import CostModels
from logistics.cost.route import Route, evaluate_path, helped_across, route
from logistics.scenario import Point, Scenario

__all__ = ["RouteProfile", "profile_from_steps", "planned_route", "season_profiles"]


@dataclass(frozen=True)
class RouteProfile:
    """Cumulative column time (s) and per-vehicle fuel (L, one row per class) at route points."""

    time_s: np.ndarray
    fuel_l: np.ndarray
    impassable_km: dict[str, float] = field(default_factory=dict)


def profile_from_steps(
    dist_m: np.ndarray,
    time_s: np.ndarray,
    fuel_l: np.ndarray,
    class_ids: list[str],
    *,
    max_speed_kmh: float | None = None,
) -> RouteProfile:
    """Cumulative column profile from per-step values.

    ``dist_m`` (n,) step lengths; ``time_s`` and ``fuel_l`` (n_classes, n) per-vehicle time and
    fuel of each step for each class. The column's step time is the slowest class's (at least
    ``dist / max_speed``); non-finite steps of a class are priced by :func:`helped_across`
    (their km are reported in ``impassable_km``).
    """
    dist = np.asarray(dist_m, dtype=np.float64)
    t = np.array(time_s, dtype=np.float64, ndmin=2)
    f = np.array(fuel_l, dtype=np.float64, ndmin=2)
    impassable = {}
    for i, cid in enumerate(class_ids):
        bad = ~(np.isfinite(t[i]) & np.isfinite(f[i]))
        if bad.any():
            impassable[cid] = float(dist[bad].sum() / 1000.0)
            t[i], f[i] = helped_across(t[i], dist), helped_across(f[i], dist)
    col_t = t.max(axis=0) if len(t) else np.zeros_like(dist)
    if max_speed_kmh:
        col_t = np.maximum(col_t, dist / (max_speed_kmh / 3.6))
    return RouteProfile(
        time_s=np.concatenate([[0.0], np.cumsum(col_t[1:])]),
        fuel_l=np.concatenate([np.zeros((len(f), 1)), np.cumsum(f[:, 1:], axis=1)], axis=1),
        impassable_km=impassable,
    )


def planned_route(sc: Scenario, terrain, lead, season: str, *, models: CostModels,
                  engine: str = "auto", notes: list[str]) -> tuple[Route, list]:
    """The lead class's least-time route through the scenario's points on ``season`` ground,
    and the (lon, lat) waypoints it was solved through (jump-off and objectives, each moved
    onto passable ground when needed; such moves are added to ``notes``)."""
    waypoints = _snap_points(terrain, lead, season, [sc.start, *sc.objectives], notes,
                             models=models)
    rt = route(terrain, lead, waypoints, objective="time", season=season,
               stencil=sc.routing.stencil, engine=engine, models=models)
    return rt, waypoints


def season_profiles(terrain, seg: pd.DataFrame, groups: tuple[VehicleGroup, ...], vehicles: dict,
                    seasons: tuple[tuple[float, str], ...], *, lead_id: str,
                    max_speed_kmh: float | None, models: CostModels) -> dict[str, RouteProfile]:
    """One :class:`RouteProfile` per season of the scenario along the route ``seg`` (the lead
    class's segments on the first season, which are reused as they are)."""
    cells = seg[["row", "col"]].to_numpy()
    dist = seg["dist_m"].to_numpy(dtype=np.float64)
    first_season = seasons[0][1]
    class_ids = [g.vehicle_id for g in groups]
    profiles = {}
    for season in dict.fromkeys(s for _, s in seasons):
        t_rows, f_rows = [], []
        for g in groups:
            if g.vehicle_id == lead_id and season == first_season:
                ev = seg
            else:
                ev = evaluate_path(terrain, cells, vehicles[g.vehicle_id], season=season,
                                   models=models)
            t_rows.append(ev["time_s"].to_numpy(dtype=np.float64))
            fuel = ev["fuel_l"].to_numpy(dtype=np.float64)
            f_rows.append(np.zeros_like(fuel) if g.fuel_type == "none" else fuel)
        profiles[season] = profile_from_steps(
            dist, np.array(t_rows), np.array(f_rows), class_ids, max_speed_kmh=max_speed_kmh,
        )
    return profiles


def _snap_points(terrain, vehicle, season: str, points: list[Point], notes: list[str], *,
                 models: CostModels) -> list[tuple[float, float]]:
    """Lon/lat of each point, moved to the nearest cell the vehicle can enter if it lies on
    water or other impassable ground (a jump-off on a river bank falls in the river on a
    coarse grid); farther than the point's ``radius_km`` is a NoRouteError."""
    from logistics.cost.kernel import kernel_inputs
    from logistics.cost.solver import barrier_mask
    from logistics.errors import NoRouteError
    from logistics.terrain import cell_of, to_lonlat, to_metric

    blocked = barrier_mask(kernel_inputs(models.get(terrain, vehicle, objective="time",
                                                    season=season)))
    xs, ys = terrain["x"].to_numpy(), terrain["y"].to_numpy()
    out = []
    for p in points:
        loc = p.location()
        lon, lat = float(loc.lon), float(loc.lat)
        x, y = to_metric(lon, lat)
        r, c = cell_of(terrain, x, y)
        if not blocked[r, c]:
            out.append((lon, lat))
            continue
        n = int(np.ceil(p.radius_km * 1000.0 / abs(xs[1] - xs[0]))) if len(xs) > 1 else 1
        r0, c0 = max(r - n, 0), max(c - n, 0)
        win = ~blocked[r0:r + n + 1, c0:c + n + 1]
        rr, cc = np.nonzero(win)
        d = np.hypot(xs[cc + c0] - x, ys[rr + r0] - y)
        if not len(d) or d.min() > p.radius_km * 1000.0:
            raise NoRouteError(
                f"{p.place!r} ({lat:.3f} N, {lon:.3f} E) lies on ground a {vehicle.id} cannot "
                f"enter and no passable cell is within radius_km={p.radius_km:g}; move the "
                "point or give it a larger radius_km"
            )
        k = int(np.argmin(d))
        new = to_lonlat(float(xs[cc[k] + c0]), float(ys[rr[k] + r0]))
        notes.append(f"{p.place}: on impassable ground on this grid; moved {d[k] / 1000:.1f} km "
                     "to the nearest passable cell")
        out.append((float(new[0]), float(new[1])))
    return out
