"""Off-route places timed by the cost engine from a formation's track, on a tiny flat terrain
whose 8-neighbour travel times are known: octile distance x the cost per metre of flat steppe."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from logistics.history.offroute import OffRouteTimer, season_at

RES = 1000.0
BOX = (121.0, 45.0, 121.9, 45.5)
T0 = pd.Timestamp("1945-08-09 00:00")


@pytest.fixture(scope="module")
def flat(box_terrain):
    return box_terrain(BOX, RES)


@pytest.fixture(scope="module")
def s_per_m(flat):
    """Seconds per metre of foot infantry on flat steppe: the rule the solver sums."""
    from logistics.cost.physics import build_cost_model
    from logistics.vehicles import load_vehicle

    m = build_cost_model(flat, load_vehicle("foot-infantry"), objective="time", season="dry")
    g0 = int(round((0.0 - m.grade_min) / m.grade_step))
    per_m = float(m.table[int(m.class_index[5, 5]), g0])
    if m.scale is not None:
        per_m *= float(m.scale[5, 5])
    return per_m


def _lonlat(ds, row, col):
    from logistics.terrain import to_lonlat

    return to_lonlat(float(ds.x[col]), float(ds.y[row]))


def _track(ds, cells, times, status=None):
    lon, lat = zip(*(_lonlat(ds, r, c) for r, c in cells))
    steps = [0.0] + [math.hypot(r1 - r0, c1 - c0) * RES / 1000 for (r0, c0), (r1, c1) in zip(cells, cells[1:])]
    return pd.DataFrame({"time": times, "lon": lon, "lat": lat, "cum_km": np.cumsum(steps),
                         "status": status or ["moving"] * len(cells)})


def _octile(dr, dc):
    a, b = abs(dr), abs(dc)
    return (max(a, b) + (math.sqrt(2) - 1) * min(a, b)) * RES


def test_stationary_formation_needs_the_straight_travel_time(flat, s_per_m):
    timer = OffRouteTimer(flat)
    tr = _track(flat, [(40, 20)] * 5, T0 + pd.to_timedelta(np.arange(5), "h"))
    lon, lat = _lonlat(flat, 20, 20)  # 20 cells north
    o = timer.time(tr, vehicle="foot-infantry", seasons=(), lon=lon, lat=lat, radius_km=0.0)
    assert o.reached and o.duty == 1.0  # it never moved
    expected = T0 + pd.Timedelta(seconds=20 * RES * s_per_m)
    assert abs((o.arrival - expected).total_seconds()) < 2
    assert o.leave_time == T0


def test_moving_formation_leaves_its_track_where_it_pays_most(flat, s_per_m):
    """Track east one cell an hour along row 40; place 6 cells north of col 30. The formation's
    pace is 1 km/h against the cost engine's 1 km per s_per_m * 1000 s, so every leg takes
    ``duty`` = 3600 / (1000 s_per_m) times the engine's time; the earliest arrival is the
    minimum over the steps of hour + duty x octile distance x seconds per metre."""
    timer = OffRouteTimer(flat)
    cells = [(40, c) for c in range(10, 50)]
    times = T0 + pd.to_timedelta(np.arange(len(cells)), "h")
    tr = _track(flat, cells, times)
    lon, lat = _lonlat(flat, 34, 30)
    o = timer.time(tr, vehicle="foot-infantry", seasons=(), lon=lon, lat=lat, radius_km=0.0)
    duty = 3600.0 / (RES * s_per_m)
    assert o.duty == pytest.approx(duty, rel=1e-6)
    brute = min(i * 3600 + duty * _octile(34 - r, 30 - c) * s_per_m for i, (r, c) in enumerate(cells))
    assert abs((o.arrival - T0).total_seconds() - brute) < 2


def test_a_formation_faster_than_the_engine_has_duty_one_and_fuel_halts_cannot_start_a_leg(flat, s_per_m):
    timer = OffRouteTimer(flat)
    cells = [(40, 10)] + [(40, 30)] * 47  # 20 km in the first hour, then still
    hours = np.arange(48)
    tr = _track(flat, cells, T0 + pd.to_timedelta(hours, "h"))
    lon, lat = _lonlat(flat, 30, 30)
    o = timer.time(tr, vehicle="foot-infantry", seasons=(), lon=lon, lat=lat, radius_km=0.0)
    assert o.duty == 1.0
    assert abs((o.arrival - T0).total_seconds() - (3600 + 10 * RES * s_per_m)) < 2
    halted = ["halted: no fuel"] * 11 + ["moving"] * 37
    o = timer.time(_track(flat, cells, T0 + pd.to_timedelta(hours, "h"), halted),
                   vehicle="foot-infantry", seasons=(), lon=lon, lat=lat, radius_km=0.0)
    assert o.leave_time == T0 + pd.Timedelta(hours=11)


def test_no_leg_before_not_before_nor_before_the_start(flat, s_per_m):
    timer = OffRouteTimer(flat)
    cells = [(40, 20)] * 10
    times = T0 + pd.to_timedelta(np.arange(10), "h")
    lon, lat = _lonlat(flat, 20, 20)  # 20 cells north of the (still) formation
    leg_s = 20 * RES * s_per_m
    o = timer.time(_track(flat, cells, times), vehicle="foot-infantry", seasons=(), lon=lon,
                   lat=lat, radius_km=0.0, not_before=T0 + pd.Timedelta(hours=6))
    assert o.leave_time == T0 + pd.Timedelta(hours=6)
    assert abs((o.arrival - T0).total_seconds() - (6 * 3600 + leg_s)) < 2
    waiting = ["not started"] * 4 + ["moving"] * 6
    o = timer.time(_track(flat, cells, times, waiting), vehicle="foot-infantry", seasons=(),
                   lon=lon, lat=lat, radius_km=0.0)
    assert o.leave_time == T0 + pd.Timedelta(hours=4)


def test_radius_and_speed_scale(flat, s_per_m):
    timer = OffRouteTimer(flat)
    tr = _track(flat, [(40, 20)] * 3, T0 + pd.to_timedelta(np.arange(3), "h"))
    lon, lat = _lonlat(flat, 20, 20)
    near = timer.time(tr, vehicle="foot-infantry", seasons=(), lon=lon, lat=lat, radius_km=5.0)
    assert abs((near.arrival - T0).total_seconds() - 15 * RES * s_per_m) < 2
    fast = timer.time(tr, vehicle="foot-infantry", seasons=(), lon=lon, lat=lat, radius_km=0.0,
                      speed_scale=2.0)
    assert abs((fast.arrival - T0).total_seconds() - 10 * RES * s_per_m) < 2


def test_unreachable_and_outside(box_terrain):
    from logistics.terrain.classes import TerrainClass

    ds = box_terrain(BOX, RES)
    ds["terrain_class"][:, 25:28] = TerrainClass.WATER  # a lake from north to south
    timer = OffRouteTimer(ds)
    tr = _track(ds, [(20, 10)] * 3, T0 + pd.to_timedelta(np.arange(3), "h"))
    lon, lat = _lonlat(ds, 20, 40)
    o = timer.time(tr, vehicle="foot-infantry", seasons=(), lon=lon, lat=lat, radius_km=0.0)
    assert not o.reached and "no way" in o.note
    o = timer.time(tr, vehicle="foot-infantry", seasons=(), lon=130.0, lat=50.0, radius_km=0.0)
    assert not o.reached and "outside" in o.note


def test_season_at():
    s = ((pd.Timestamp("1945-08-09"), "dry"), (pd.Timestamp("1945-08-11 12:00"), "wet"))
    assert season_at(s, pd.Timestamp("1945-08-10")) == "dry"
    assert season_at(s, pd.Timestamp("1945-08-12")) == "wet"
    assert season_at((), pd.Timestamp("1945-08-12")) == "dry"
