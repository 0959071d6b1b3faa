"""Distances and where a route passes a place (logistics.geodesy), by hand along 45 N."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from logistics.geodesy import (degrees_for_km, great_circle_km, lat_lon_text, locate_on_route,
                               polyline_m)

KM_PER_DEG_LAT = 6371.0088 * math.pi / 180
KM_PER_DEG_LON_45 = KM_PER_DEG_LAT * math.cos(math.radians(45.0))


def _route(lons, lats) -> pd.DataFrame:
    lons, lats = np.asarray(lons, float), np.asarray(lats, float)
    step = great_circle_km(lons[:-1], lats[:-1], lons[1:], lats[1:])
    return pd.DataFrame({"cum_km": np.concatenate([[0.0], np.cumsum(step)]), "lon": lons,
                         "lat": lats})


def test_great_circle_and_polyline_agree_on_a_meridian_degree():
    # the ellipsoid's meridian degree at 45.5 N is 111.15 km (WGS84), the sphere's 111.19 km
    assert great_circle_km(120.0, 45.0, 120.0, 46.0) == pytest.approx(111.15, abs=0.01)
    assert polyline_m([120.0, 120.0], [45.0, 46.0]) / 1000.0 == pytest.approx(111.15, abs=0.01)
    assert great_circle_km(np.array([120.0, 121.0]), 45.0, 120.0, 46.0).shape == (2,)


def test_degrees_for_km_inverts_the_distance():
    dlon, dlat = degrees_for_km(50.0, 45.0)
    assert great_circle_km(120.0, 45.0, 120.0 + dlon, 45.0) == pytest.approx(50.0, rel=1e-3)
    assert great_circle_km(120.0, 45.0, 120.0, 45.0 + dlat) == pytest.approx(50.0, rel=1e-9)
    # a degree of longitude at 45 N is cos(45 deg) of one at the equator, within the flattening
    assert dlon == pytest.approx(dlat / math.cos(math.radians(45.0)), rel=5e-3)


def test_place_beside_a_straight_route_is_passed_at_its_foot_and_entered_before():
    route = _route(np.linspace(120.0, 122.0, 21), np.full(21, 45.0))
    off_deg = 6.0 / KM_PER_DEG_LAT  # 6 km north of the route at 121 E
    fix = locate_on_route(route, 121.0, 45.0 + off_deg, tolerance_km=10.0)
    foot = float(great_circle_km(120.0, 45.0, 121.0, 45.0))
    assert fix.reached and fix.miss_km == pytest.approx(6.0, rel=1e-3)
    assert fix.route_km == pytest.approx(foot, abs=0.05)
    entered = locate_on_route(route, 121.0, 45.0 + off_deg, tolerance_km=10.0, entry=True)
    assert entered.reached
    assert entered.route_km == pytest.approx(foot - 8.0, abs=0.05)  # sqrt(10^2 - 6^2) = 8 km


def test_first_pass_counts_not_the_closer_second_one():
    # out along 45 N past the place (8 km north of the route), then back 2 km south of it
    d8, d2 = 8.0 / KM_PER_DEG_LAT, 2.0 / KM_PER_DEG_LAT
    lons = [120.0, 121.0, 122.0, 122.0, 121.0, 120.0]
    lats = [45.0, 45.0, 45.0, 45.0 + d8 + d2 - 0.0, 45.0 + d8 + d2, 45.0 + d8 + d2]
    route = _route(lons, lats)
    fix = locate_on_route(route, 121.0, 45.0 + d8, tolerance_km=10.0)
    assert fix.reached and fix.miss_km == pytest.approx(8.0, rel=1e-3)
    assert fix.route_km < route["cum_km"].iloc[2]  # on the way out


def test_a_route_that_stays_away_is_not_reached():
    route = _route([120.0, 122.0], [45.0, 45.0])
    fix = locate_on_route(route, 121.0, 45.5, tolerance_km=10.0, entry=True)
    assert not fix.reached and fix.miss_km == pytest.approx(0.5 * KM_PER_DEG_LAT, rel=1e-3)


def test_points_are_written_with_their_hemisphere_letters():
    assert lat_lon_text(46.62, 121.24) == "46.62 N, 121.24 E"
    assert lat_lon_text(-46.62, -121.24, 3, sep=" ") == "46.620 S 121.240 W"
    assert lat_lon_text(0.0, 0.0, 0) == "0 N, 0 E"
