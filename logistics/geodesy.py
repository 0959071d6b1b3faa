"""Distances on the Earth and where a route passes a place: the one place for both.

* ``polyline_m``: geodesic length of a lon/lat polyline on the WGS84 ellipsoid, the one length
  measure of the railway network (the builder's report and the loaded graph's edges agree to
  the metre);
* ``great_circle_km``: the geodesic distance between points on the WGS84 ellipsoid
  (``pyproj.Geod``; the name is older than the ellipsoid);
* ``degrees_for_km``: how many degrees of longitude and latitude a distance spans at a
  latitude, the one conversion of kilometres to degrees (boxes padded by a distance);
* ``locate_on_route``: where a route passes a place (its km along the route, how far it
  misses): the one rule the advance uses for its stops (objectives, depots, events) and the
  history scoring uses for documented places.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import shapely
from pyproj import Geod, Transformer

__all__ = ["polyline_m", "great_circle_km", "degrees_for_km", "distance_to_line_km", "RouteFix",
           "locate_on_route", "lat_lon_text"]

_GEOD = Geod(ellps="WGS84")


def lat_lon_text(lat: float, lon: float, digits: int = 2, sep: str = ", ") -> str:
    """``46.62 N, 121.24 E``; south and west with their letters (``46.62 S``), never a minus
    sign before ``N``: the one way messages write a point a user gave."""
    ns = f"{abs(lat):.{digits}f} {'S' if lat < 0 else 'N'}"
    ew = f"{abs(lon):.{digits}f} {'W' if lon < 0 else 'E'}"
    return f"{ns}{sep}{ew}"


def polyline_m(lon: Sequence[float], lat: Sequence[float]) -> float:
    """Length in metres of the polyline through (``lon[i]``, ``lat[i]``) degrees (WGS84)."""
    return float(_GEOD.line_length(list(lon), list(lat)))


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


@dataclass(frozen=True)
class RouteFix:
    """Where a route comes nearest a place: ``route_km`` along it, ``miss_km`` away from it,
    ``reached`` when within the tolerance (then ``route_km`` is on the first such pass)."""

    route_km: float
    miss_km: float
    reached: bool


def great_circle_km(lon1, lat1, lon2, lat2):
    """Geodesic distance in km between points (degrees) on the WGS84 ellipsoid (vectorised,
    broadcasting like numpy; a float for scalars)."""
    if all(np.ndim(v) == 0 for v in (lon1, lat1, lon2, lat2)):  # the step loop's case: the
        # same geodesic without broadcasting four arrays of one (the reserve's reach each hour)
        _, _, dist_m = _GEOD.inv(float(lon1), float(lat1), float(lon2), float(lat2))
        return float(dist_m) / 1000.0
    a = np.broadcast_arrays(*(np.asarray(v, float) for v in (lon1, lat1, lon2, lat2)))
    _, _, dist_m = _GEOD.inv(*(v.ravel() for v in a))
    out = np.asarray(dist_m, float).reshape(a[0].shape) / 1000.0
    return float(out) if out.ndim == 0 else out


def degrees_for_km(km: float, lat: float) -> tuple[float, float]:
    """``(dlon, dlat)``: the degrees of longitude ``km`` spans east-west at latitude ``lat``, and
    of latitude it spans northward from there (WGS84 geodesics, ``pyproj.Geod.fwd``)."""
    m = float(km) * 1000.0
    lon_e, _, _ = _GEOD.fwd(0.0, float(lat), 90.0, m)
    _, lat_n, _ = _GEOD.fwd(0.0, float(lat), 0.0, m)
    return abs(float(lon_e)), abs(float(lat_n) - float(lat))


@lru_cache(maxsize=256)
def _plane_at(lon: float, lat: float) -> Transformer:
    """lon/lat <-> metres of the equidistant cylindrical projection true to scale at a place's
    latitude, centred on it: a route's segments, straight in lon/lat, stay straight there."""
    return Transformer.from_crs(
        "EPSG:4326", f"+proj=eqc +lat_ts={lat!r} +lon_0={lon!r} +lat_0={lat!r} +datum=WGS84 "
        "+units=m", always_xy=True)


def locate_on_route(route_points: pd.DataFrame, lon: float, lat: float, *,
                    tolerance_km: float, entry: bool = False) -> RouteFix:
    """Where a route (``cum_km, lon, lat`` frame) passes a place: the closest point of its first
    pass within ``tolerance_km`` (``reached``), else its nearest point (not reached).

    With ``entry`` the first pass is taken where it enters the ``tolerance_km`` circle instead of
    at its closest point (a defence line in front of a town halts a column there). The route is
    projected (pyproj) onto a plane true to scale at the place (segments straight in lon/lat
    stay straight), each segment's nearest point is found there by shapely, and its distance
    from the place is the geodesic one (WGS84).
    """
    lons = route_points["lon"].to_numpy(float)
    lats = route_points["lat"].to_numpy(float)
    kms = route_points["cum_km"].to_numpy(float)
    plane = _plane_at(float(lon), float(lat))
    xm, ym = plane.transform(lons, lats)
    x, y = np.asarray(xm, float) / 1000.0, np.asarray(ym, float) / 1000.0  # km, place at 0, 0
    if len(x) == 1:
        t = np.zeros(1)
        ka, kb = kms, kms
        q = shapely.points(np.c_[x, y])
    else:
        ka, kb = kms[:-1], kms[1:]
        # each segment's point nearest the place (shapely); a zero-length segment: its start
        segs = shapely.linestrings(np.stack([np.c_[x[:-1], y[:-1]], np.c_[x[1:], y[1:]]], axis=1))
        with np.errstate(invalid="ignore", divide="ignore"):
            t = np.nan_to_num(shapely.line_locate_point(segs, shapely.Point(0.0, 0.0),
                                                        normalized=True), nan=0.0)
        q = shapely.line_interpolate_point(segs, t, normalized=True)
    qlon, qlat = plane.transform(shapely.get_x(q) * 1000.0, shapely.get_y(q) * 1000.0,
                                 direction="INVERSE")
    dist = np.atleast_1d(great_circle_km(lon, lat, qlon, qlat))  # geodesic, WGS84
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


# Hand-written on purpose: shapely meets a circle only as a buffered polygon (an approximation
# of the tolerance circle); the exact entry is the smaller root of one quadratic.
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
