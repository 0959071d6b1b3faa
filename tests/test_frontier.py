"""The frontier's sides, and a formation kept to its own sector (no march along the home side).

The sides are checked on places whose side in 1945 is known independently of the data (cities
each side of the Argun, the Amur, the Ussuri and the Mongolian border); the barrier on a small
synthetic grid with distances counted by hand; the rule on the shipped 35th Army, whose
forward detachment drove round Lake Khanka through the Soviet rear before it.
"""

from __future__ import annotations

import numpy as np
import pytest

from logistics.advance.frontier import HOME_SLACK_KM, home_barrier
from logistics.terrain import to_lonlat
from logistics.terrain.sides import JAPANESE, NEITHER, SOVIET, side_of

_PLACES = {
    # Soviet or Mongolian in 1945
    "Zabaikalsk (Otpor)": ((117.33, 49.65), SOVIET),
    "Blagoveshchensk": ((127.53, 50.27), SOVIET),
    "Khabarovsk": ((135.07, 48.48), SOVIET),
    "Lesozavodsk": ((133.40, 45.47), SOVIET),
    "Choibalsan": ((114.50, 48.07), SOVIET),
    "Tamsag-Bulag": ((117.20, 47.20), SOVIET),
    # Manchukuo, Korea, Mengjiang
    "Manzhouli": ((117.43, 49.60), JAPANESE),
    "Hailar": ((119.70, 49.21), JAPANESE),
    "Arxan": ((119.90, 47.18), JAPANESE),
    "Hulin": ((132.98, 45.77), JAPANESE),
    "Port Arthur": ((121.25, 38.85), JAPANESE),
    "Pyongyang": ((125.75, 39.02), JAPANESE),
    "Kalgan": ((114.88, 40.81), JAPANESE),
    # open sea
    "Bohai Sea": ((120.50, 39.50), NEITHER),
}


@pytest.mark.parametrize("name", sorted(_PLACES))
def test_a_place_is_on_its_1945_side(name):
    (lon, lat), side = _PLACES[name]
    assert int(side_of(np.array([lon]), np.array([lat]))[0]) == side


def test_outside_the_theatre_is_neither():
    assert int(side_of(np.array([100.0]), np.array([30.0]))[0]) == NEITHER


def _grid(box_terrain):
    """A 1 km grid; the frontier a north-south line at column 40: west Soviet, east Japanese."""
    t = box_terrain((124.0, 46.0, 125.6, 46.6), 1000.0)
    ny, nx = t.sizes["y"], t.sizes["x"]
    sides = np.full((ny, nx), SOVIET, dtype=np.uint8)
    sides[:, 41:] = JAPANESE
    sides[:, 40] = NEITHER
    return t, sides


def test_home_cells_beyond_the_way_to_the_front_plus_the_slack_are_barred(box_terrain):
    t, sides = _grid(box_terrain)
    row, col = 30, 30  # 11 km west of the first Japanese cell
    lon, lat = to_lonlat(float(t["x"].values[col]), float(t["y"].values[row]))
    bar = home_barrier(t, sides, float(lon), float(lat), slack_km=12.0)
    assert not (bar & (sides != SOVIET)).any()  # only the home side is ever barred
    # along the start's row: cells within 11 + 12 = 23 km are open, beyond are barred (the
    # cell at exactly 23 km is left out: a rounding of the projection decides it)
    assert not bar[row, 30 - 22:31].any()
    assert bar[row, : 30 - 23].all()
    # north along the frontier: open within 23 km of the start, barred beyond
    assert not bar[row - 20, 35] and bar[row - 25, 35]


def test_a_formation_starting_far_behind_the_frontier_is_left_free(box_terrain):
    t, sides = _grid(box_terrain)
    lon, lat = to_lonlat(float(t["x"].values[5]), float(t["y"].values[30]))  # 36 km back
    assert home_barrier(t, sides, float(lon), float(lat), slack_km=20.0) is None
    assert home_barrier(t, sides, float(lon), float(lat), slack_km=40.0) is not None


def test_a_grid_without_the_other_side_has_no_barrier(box_terrain):
    t, _ = _grid(box_terrain)
    lon, lat = to_lonlat(float(t["x"].values[3]), float(t["y"].values[3]))
    sides = np.full((t.sizes["y"], t.sizes["x"]), SOVIET, dtype=np.uint8)
    assert home_barrier(t, sides, float(lon), float(lat)) is None


def test_the_35th_armys_forward_detachment_keeps_to_its_sector():
    """It drove 250 km round Lake Khanka through the Soviet rear; now every point of its route
    on the Soviet side lies within the way to the frontier plus HOME_SLACK_KM of its start."""
    from logistics.api import run
    from logistics.geodesy import great_circle_km

    result = run("configs/1fef-35a.yaml")
    route = result.routes[result.routes["formation_id"] == "fd-35a"]
    lon, lat = route["lon"].to_numpy(float), route["lat"].to_numpy(float)
    side = side_of(lon, lat)
    d = great_circle_km(lon[0], lat[0], lon, lat)
    to_front = d[side == JAPANESE].min()
    assert (d[side == SOVIET] <= to_front + HOME_SLACK_KM + 2.0).all()
    assert lat.min() > 45.2  # Lake Khanka's south shore is at about 44.6 N
