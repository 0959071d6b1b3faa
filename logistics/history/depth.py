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

from logistics.geodesy import distance_to_line_km

__all__ = ["distance_to_line_km", "crossing_km", "depth_flag"]

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
