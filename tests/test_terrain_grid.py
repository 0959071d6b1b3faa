"""The metric CRS transforms and the snapped metric grid."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from logistics import settings as lsettings
from logistics.errors import ExtentError
from logistics.terrain import cell_of, to_lonlat, to_metric
from logistics.terrain.grid import check_bbox, metric_grid


@given(lon=st.floats(108.0, 136.0), lat=st.floats(38.0, 54.0))
def test_round_trip_lonlat_metric_lonlat(lon, lat):
    x, y = to_metric(lon, lat)
    lon2, lat2 = to_lonlat(x, y)
    assert abs(lon2 - lon) < 1e-6 and abs(lat2 - lat) < 1e-6


def test_projection_origin_and_conformality():
    assert to_metric(122.0, 46.0) == pytest.approx((0.0, 0.0), abs=1e-6)
    # conformal: a small step east and a small step north have the same map scale
    x0, y0 = to_metric(126.0, 44.0)
    xe, ye = to_metric(126.0 + 1e-4, 44.0)
    xn, yn = to_metric(126.0, 44.0 + 1e-4)
    from pyproj import Geod

    geod = Geod(ellps="WGS84")
    k_east = np.hypot(xe - x0, ye - y0) / geod.inv(126.0, 44.0, 126.0 + 1e-4, 44.0)[2]
    k_north = np.hypot(xn - x0, yn - y0) / geod.inv(126.0, 44.0, 126.0, 44.0 + 1e-4)[2]
    assert k_east == pytest.approx(k_north, rel=1e-6)
    assert abs(k_east - 1) < 0.015


def test_arrays_broadcast():
    x, y = to_metric(np.array([120.0, 125.0]), np.array([45.0, 47.0]))
    assert x.shape == (2,) and y.shape == (2,)


def test_grid_is_snapped_and_covers_the_box():
    bbox = (120.13, 45.07, 121.91, 46.33)
    g = metric_grid(bbox, 1000.0)
    assert g.x_left_m % 1000 == 0 and g.y_top_m % 1000 == 0
    x0, y0, x1, y1 = g.bounds_m
    for lon in (bbox[0], bbox[2]):
        for lat in (bbox[1], bbox[3]):
            x, y = to_metric(lon, lat)
            assert x0 <= x <= x1 and y0 <= y <= y1
    # a sub-box at the same resolution shares cell edges
    h = metric_grid((120.5, 45.5, 121.0, 46.0), 1000.0)
    assert (h.x_left_m - g.x_left_m) % 1000 == 0 and (h.y_top_m - g.y_top_m) % 1000 == 0
    assert cell_of(g, g.x_m[3], g.y_m[5]) == (5, 3)


def test_theatre_grid_size():
    g = metric_grid(lsettings.THEATRE_BBOX, 1000.0)
    assert 1700 < g.shape[0] < 2000 and 2200 < g.shape[1] < 2600


@pytest.mark.parametrize(
    "bbox, match",
    [((121, 46, 120, 47), "inverted"), ((121, 46, 122, 46), "inverted"),
     ((100, 40, 110, 45), "108-136 E"), (("a", 1, 2, 3), "4 numbers"),
     ((120, float("nan"), 121, 46), "finite")],
)
def test_check_bbox_errors(bbox, match):
    with pytest.raises(ExtentError, match=match):
        check_bbox(bbox)


def test_a_box_written_latitude_first_is_named_the_right_way_round():
    """`logistics map --bbox 45,120,50,125` (latitude first, as maps print a point) said
    only "not inside the data extent" (found by newuser19)."""
    with pytest.raises(ExtentError) as err:
        check_bbox((45, 120, 50, 125))
    assert "did you mean 120,45,125,50?" in str(err.value)
    with pytest.raises(ExtentError) as err:
        check_bbox((100, 40, 110, 45))  # simply outside: no guess
    assert "did you mean" not in str(err.value)
