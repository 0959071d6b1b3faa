"""Distances on the Earth: the one place for the length measures the stages share.

``polyline_m``: geodesic length of a lon/lat polyline on the WGS84 ellipsoid, the one length
measure of the railway network (the builder's report and the loaded graph's edges agree to the
metre).
"""

from __future__ import annotations

from collections.abc import Sequence

from pyproj import Geod

__all__ = ["polyline_m"]

_GEOD = Geod(ellps="WGS84")


def polyline_m(lon: Sequence[float], lat: Sequence[float]) -> float:
    """Length in metres of the polyline through (``lon[i]``, ``lat[i]``) degrees (WGS84)."""
    return float(_GEOD.line_length(list(lon), list(lat)))
