"""Distances on the Earth and where a route passes a place: the one place for both.

* ``polyline_m``: geodesic length of a lon/lat polyline on the WGS84 ellipsoid, the one length
  measure of the railway network (the builder's report and the loaded graph's edges agree to
  the metre);
* ``great_circle_km``: great-circle distance on the mean Earth sphere;
* ``locate_on_route``: where a route passes a place (its km along the route, how far it
  misses): the one rule the advance uses for its stops (objectives, depots, events) and the
  history scoring uses for documented places.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pyproj import Geod

__all__ = ["polyline_m", "great_circle_km", "RouteFix", "locate_on_route"]

_EARTH_RADIUS_KM = 6371.0088

_GEOD = Geod(ellps="WGS84")


def polyline_m(lon: Sequence[float], lat: Sequence[float]) -> float:
    """Length in metres of the polyline through (``lon[i]``, ``lat[i]``) degrees (WGS84)."""
    return float(_GEOD.line_length(list(lon), list(lat)))


@dataclass(frozen=True)
class RouteFix:
    """Where a route comes nearest a place: ``route_km`` along it, ``miss_km`` away from it,
    ``reached`` when within the tolerance (then ``route_km`` is on the first such pass)."""

    route_km: float
    miss_km: float
    reached: bool


def great_circle_km(lon1, lat1, lon2, lat2):
    """Great-circle distance in km on the mean Earth sphere (vectorised)."""
    lon1, lat1, lon2, lat2 = map(np.radians, (lon1, lat1, lon2, lat2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * _EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def locate_on_route(route_points: pd.DataFrame, lon: float, lat: float, *,
                    tolerance_km: float, entry: bool = False) -> RouteFix:
    """Where a route (``cum_km, lon, lat`` frame) passes a place: the closest point of its first
    pass within ``tolerance_km`` (``reached``), else its nearest point (not reached).

    With ``entry`` the first pass is taken where it enters the ``tolerance_km`` circle instead of
    at its closest point (a defence line in front of a town halts a column there). Segments are
    projected in a local equirectangular plane centred on the place (exact enough within a few
    hundred km); the reported distance is the great-circle one.
    """
    lons = route_points["lon"].to_numpy(float)
    lats = route_points["lat"].to_numpy(float)
    kms = route_points["cum_km"].to_numpy(float)
    kx = _EARTH_RADIUS_KM * math.cos(math.radians(lat)) * math.pi / 180.0
    ky = _EARTH_RADIUS_KM * math.pi / 180.0
    x, y = (lons - lon) * kx, (lats - lat) * ky
    if len(x) == 1:
        t = np.zeros(1)
        ax, ay, bx, by, ka, kb = x, y, x, y, kms, kms
        alon, alat, blon, blat = lons, lats, lons, lats
    else:
        ax, ay, bx, by = x[:-1], y[:-1], x[1:], y[1:]
        ka, kb = kms[:-1], kms[1:]
        alon, alat, blon, blat = lons[:-1], lats[:-1], lons[1:], lats[1:]
        dx, dy = bx - ax, by - ay
        seg2 = dx * dx + dy * dy
        with np.errstate(invalid="ignore", divide="ignore"):
            t = np.where(seg2 > 0, -(ax * dx + ay * dy) / seg2, 0.0)
        t = np.clip(t, 0.0, 1.0)
    qlon, qlat = alon + t * (blon - alon), alat + t * (blat - alat)
    dist = great_circle_km(lon, lat, qlon, qlat)
    route_km = ka + t * (kb - ka)
    near = np.flatnonzero(dist <= tolerance_km)
    if near.size == 0:
        i = int(np.argmin(dist))
        return RouteFix(float(route_km[i]), float(dist[i]), False)
    first = near[0]
    if entry:
        return RouteFix(float(_entry_km(x, y, kms, int(first), float(t[first]), tolerance_km)),
                        float(min(dist[first], tolerance_km)), True)
    stop = first
    while stop + 1 < len(dist) and dist[stop + 1] <= tolerance_km:
        stop += 1
    i = first + int(np.argmin(dist[first:stop + 1]))
    return RouteFix(float(route_km[i]), float(dist[i]), True)




def _entry_km(x: np.ndarray, y: np.ndarray, kms: np.ndarray, k: int, t_near: float,
              tolerance_km: float) -> float:
    """Km where segment ``k`` of the route (points ``x, y`` km from the place) first comes
    within ``tolerance_km``: the smaller root of ``|a + t (b - a)| = tolerance`` in ``[0,
    t_near]`` (``t_near`` is where the segment is nearest); at its start if that is inside."""
    if len(x) == 1:
        return float(kms[0])
    ax, ay, dx, dy = x[k], y[k], x[k + 1] - x[k], y[k + 1] - y[k]
    a2 = dx * dx + dy * dy
    c = ax * ax + ay * ay - tolerance_km * tolerance_km
    if c <= 0.0 or a2 <= 0.0:
        t = 0.0
    else:
        b = ax * dx + ay * dy
        disc = b * b - a2 * c
        t = t_near if disc < 0.0 else min(max((-b - math.sqrt(disc)) / a2, 0.0), t_near)
    return float(kms[k] + t * (kms[k + 1] - kms[k]))
