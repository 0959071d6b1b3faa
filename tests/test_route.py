"""Routes through waypoints and path pricing, on small synthetic terrain near Hailar."""

from __future__ import annotations

import numpy as np
import pytest

from logistics.cost.physics import build_cost_model
from logistics.cost.route import SEGMENT_COLUMNS, evaluate_path, route
from logistics.cost.solver import find_costs
from logistics.errors import ConfigError, ExtentError, NoRouteError
from logistics.places import lookup
from logistics.terrain import cell_of, to_metric
from logistics.terrain.classes import TerrainClass


def test_segments_have_the_contract_columns_and_consistent_totals(hailar_terrain):
    ds = hailar_terrain(hills=True)
    rt = route(ds, "t-34-85", ["Hailar", hailar_terrain.lonlat(ds, 25, 35)])
    seg = rt.segments
    assert list(seg.columns) == list(SEGMENT_COLUMNS)
    assert (seg[["row", "col"]].iloc[0].tolist(), seg[["row", "col"]].iloc[-1].tolist()) == (
        [10, 10], [25, 35])
    assert seg.loc[0, ["dist_m", "time_s", "fuel_l", "grade"]].tolist() == [0, 0, 0, 0]
    assert rt.distance_km == pytest.approx(seg["dist_m"].sum() / 1000)
    assert rt.time_h == pytest.approx(rt.legs["time_h"].sum())
    assert rt.fuel_l == pytest.approx(rt.legs["fuel_l"].sum())
    assert (seg["time_s"].iloc[1:] > 0).all() and (seg["fuel_l"].iloc[1:] > 0).all()
    # grade is rise over the step's run
    np.testing.assert_allclose(seg["grade"].iloc[1:], np.diff(seg["elev_m"]) / seg["dist_m"][1:])
    # the line runs through the cell centres in both CRSs
    assert len(rt.line_metric.coords) == len(seg)
    assert rt.line_metric.length == pytest.approx(rt.distance_km * 1000)
    assert rt.line_lonlat.coords[0] == pytest.approx((seg.lon[0], seg.lat[0]))
    hailar = lookup("Hailar")
    assert rt.line_lonlat.coords[0] == pytest.approx((hailar.lon, hailar.lat), abs=0.01)


def test_route_time_equals_the_solvers_accumulated_time(hailar_terrain):
    ds = hailar_terrain(hills=True)
    end = (22, 33)
    rt = route(ds, "t-34-85", ["Hailar", hailar_terrain.lonlat(ds, *end)], season="wet")
    model = build_cost_model(ds, "t-34-85", objective="time", season="wet")
    acc = find_costs(model, [(10, 10)], stencil=16)
    assert rt.segments["time_s"].sum() == pytest.approx(acc.cost[end], rel=1e-12)


def test_flat_route_is_nearly_straight(hailar_terrain):
    ds = hailar_terrain()
    rt = route(ds, "studebaker-us6", ["Hailar", hailar_terrain.lonlat(ds, 25, 35)], stencil=16)
    straight_km = np.hypot(15, 25)
    assert straight_km <= rt.distance_km <= straight_km * 1.03
    rt8 = route(ds, "studebaker-us6", ["Hailar", hailar_terrain.lonlat(ds, 25, 35)], stencil=8)
    assert rt8.distance_km > rt.distance_km  # 8 neighbours zig-zag more


def test_route_goes_round_the_lake(hailar_terrain):
    ds = hailar_terrain(lake=True)
    rt = route(ds, "t-34-85", ["Hailar", hailar_terrain.lonlat(ds, 15, 30)])
    assert not (rt.segments["terrain_class"] == TerrainClass.WATER).any()
    assert rt.segments["row"].min() < 5 or rt.segments["row"].max() >= 25  # around an end
    assert rt.distance_km > 20.5


def test_waypoints_are_visited_in_order_and_legs_join(hailar_terrain):
    ds = hailar_terrain()
    via, end = (25, 12), (12, 35)
    lonlat = hailar_terrain.lonlat
    rt = route(ds, "gaz-67b", ["Hailar", lonlat(ds, *via), lonlat(ds, *end)])
    cells = [tuple(rc) for rc in rt.segments[["row", "col"]].to_numpy()]
    assert via in cells and cells[-1] == end
    assert len(rt.legs) == 2
    leg1, leg2 = rt.legs.itertuples()
    assert leg1.last_row == leg2.first_row == cells.index(via)
    assert leg1.start == "Hailar"
    assert rt.legs["distance_km"].sum() == pytest.approx(rt.distance_km)
    assert len(set(cells)) == len(cells)  # the joint cell appears once


def test_fuel_route_burns_no_more_fuel_and_time_route_takes_no_longer(hailar_terrain):
    ds = hailar_terrain(hills=True)
    points = ["Hailar", hailar_terrain.lonlat(ds, 20, 36)]
    by_time = route(ds, "is-2", points, objective="time")
    by_fuel = route(ds, "is-2", points, objective="fuel")
    assert by_fuel.fuel_l <= by_time.fuel_l * (1 + 1e-12)
    assert by_time.time_h <= by_fuel.time_h * (1 + 1e-12)
    assert by_fuel.attrs["units"] == "L" and by_time.attrs["units"] == "s"


def test_evaluate_path_reprices_a_route_for_another_vehicle(hailar_terrain):
    ds = hailar_terrain(hills=True)
    rt = route(ds, "t-34-85", ["Hailar", hailar_terrain.lonlat(ds, 20, 36)])
    cells = rt.segments[["row", "col"]].to_numpy()
    same = evaluate_path(ds, cells, "t-34-85")
    np.testing.assert_allclose(same["time_s"], rt.segments["time_s"], rtol=1e-12)
    np.testing.assert_allclose(same["fuel_l"], rt.segments["fuel_l"], rtol=1e-12)
    walk = evaluate_path(ds, cells, "foot-infantry")
    np.testing.assert_array_equal(walk["dist_m"], rt.segments["dist_m"])
    assert (walk["fuel_l"] == 0).all()
    assert walk["time_s"].sum() > 3 * rt.segments["time_s"].sum()  # ~5 km/h vs a tank


def test_bad_waypoints_and_paths(hailar_terrain):
    ds = hailar_terrain(lake=True, island=True)
    with pytest.raises(ConfigError, match="at least 2 waypoints"):
        route(ds, "t-34-85", ["Hailar"])
    with pytest.raises(ConfigError, match="longitude first"):
        route(ds, "t-34-85", ["Hailar", (49.2, 190.0)])
    with pytest.raises(ExtentError, match="outside the grid"):
        route(ds, "t-34-85", ["Hailar", "Harbin"])
    with pytest.raises(NoRouteError, match=r"waypoint .* lies on a barrier"):
        route(ds, "t-34-85", ["Hailar", hailar_terrain.lonlat(ds, 10, 21)])
    with pytest.raises(NoRouteError, match=r"leg 1 \(Hailar -> .*nearest reachable cell is "
                                           r"\(row \d+, col 29\), 2 km away"):
        route(ds, "t-34-85", ["Hailar", hailar_terrain.lonlat(ds, 15, 31)])
    with pytest.raises(ConfigError, match="not a move of the 16-neighbour stencil"):
        evaluate_path(ds, [(0, 0), (0, 3)], "t-34-85")
    with pytest.raises(ExtentError, match="outside the grid"):
        evaluate_path(ds, [(0, 0), (-1, 0)], "t-34-85")
    assert cell_of(ds, *to_metric(*hailar_terrain.lonlat(ds, 15, 31))) == (15, 31)


@pytest.mark.parametrize("vehicle", ["zis-5", "t-34-85", "foot"])
def test_path_fuel_is_evaluate_paths_distance_and_fuel(hailar_terrain, vehicle):
    # a truck leg's litres read path_fuel (speed): the same numbers as evaluate_path's columns
    from logistics.cost.route import path_fuel

    ds = hailar_terrain(hills=True)
    rt = route(ds, "t-34-85", ["Hailar", hailar_terrain.lonlat(ds, 25, 35)])
    cells = rt.segments[["row", "col"]].to_numpy()
    for season in ("dry", "wet"):
        ev = evaluate_path(ds, cells, vehicle, season=season)
        dist_m, fuel_l = path_fuel(ds, cells, vehicle, season=season)
        assert dist_m.tobytes() == ev["dist_m"].to_numpy().tobytes()
        assert fuel_l.tobytes() == ev["fuel_l"].to_numpy().tobytes()
    with pytest.raises(ConfigError):
        path_fuel(ds, [(10, 10), (10, 13)], vehicle)  # not a move of the stencil
