"""Depth from the departure line: where a formation's route crosses it, how far a place lies
beyond it, and whether a documented depth can be measured from it at all.

Sources measure an army's advance from its departure line (the border where it jumped off),
not from rear assembly areas. A formation's modeled depth at a time is its km along its route
then, less the km at which its route crosses the army's departure line (the route point
nearest to the line: formations start on it, or behind it and cross it once). A documented
depth shorter than the straight distance from the line to the documented place cannot be a
depth from that line (the source measured from elsewhere, or the figure is an increment): such
a row's distance is flagged and not scored (its place still is).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["distance_to_line_km", "crossing_km", "depth_flag"]

_R_KM = 6371.0088


def distance_to_line_km(lon, lat, line: Sequence[tuple[float, float]]) -> np.ndarray:
    """Km from each point (lon, lat arrays) to the polyline ``line`` ((lon, lat), ...; one
    point is a point), in a local equirectangular plane (exact enough within a few hundred km)."""
    lon, lat = np.atleast_1d(np.asarray(lon, float)), np.atleast_1d(np.asarray(lat, float))
    pts = np.asarray(line, float).reshape(-1, 2)
    lat0 = math.radians(float(np.mean(pts[:, 1])))
    kx, ky = _R_KM * math.cos(lat0) * math.pi / 180.0, _R_KM * math.pi / 180.0
    px, py = lon * kx, lat * ky
    lx, ly = pts[:, 0] * kx, pts[:, 1] * ky
    if len(pts) == 1:
        return np.hypot(px - lx[0], py - ly[0])
    best = np.full(px.shape, np.inf)
    for (ax, ay, bx, by) in zip(lx[:-1], ly[:-1], lx[1:], ly[1:]):
        dx, dy = bx - ax, by - ay
        seg2 = dx * dx + dy * dy
        t = np.clip(((px - ax) * dx + (py - ay) * dy) / seg2, 0.0, 1.0) if seg2 > 0 else np.zeros_like(px)
        best = np.minimum(best, np.hypot(px - (ax + t * dx), py - (ay + t * dy)))
    return best


def crossing_km(route: pd.DataFrame, line: Sequence[tuple[float, float]]) -> float:
    """Km along ``route`` (cum_km, lon, lat) where it crosses the departure line: the route
    point nearest to the line (0 when there is no line or no route)."""
    if not len(line) or route.empty:
        return 0.0
    d = distance_to_line_km(route["lon"].to_numpy(float), route["lat"].to_numpy(float), line)
    return float(route["cum_km"].iloc[int(np.argmin(d))])


def depth_flag(km_min: float, km_max: float, lon: float, lat: float,
               line: Sequence[tuple[float, float]], *, tolerance_km: float,
               short_km: float = 0.0) -> str:
    """Why a documented depth cannot be measured from the departure line ("" when it can):
    its largest value is shorter than the line-to-place distance less ``tolerance_km`` and
    less ``short_km`` (the distance short of the place an approach means)."""
    if not len(line) or math.isnan(lon) or math.isnan(lat):
        return ""
    top = km_max if not math.isnan(km_max) else km_min
    if math.isnan(top):
        return ""
    d = float(distance_to_line_km(lon, lat, line)[0])
    if top < d - short_km - tolerance_km:
        short = f", {short_km:g} km short of it" if short_km else ""
        return (f"documented depth {top:g} km is shorter than the place's distance from the "
                f"departure line ({d:.0f} km{short}): not a depth from that line, so not scored")
    return ""
