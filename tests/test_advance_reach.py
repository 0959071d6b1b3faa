"""Supply trucks that cannot reach the formation on their own: helped along the track, or cut off.

The 2FEF-5RC case at 1 km: the railhead (Bikin) sits in the Ussuri marsh, so the trucks' way to
the formation runs only over the army's approach from its railhead and the formation's track,
where they make no step on their own. The run must go on: the trip is priced at the trucks'
worst going, and a column with no way at all delivers nothing while the daily records say why.
"""

from __future__ import annotations

import numpy as np
import pytest

from logistics.advance.simulate import simulate_army
from logistics.advance.supply_specs import TruckSpec
from logistics.cost.physics import build_cost_model
from logistics.cost.route import evaluate_path, helped_across
from logistics.errors import DataError
from logistics.supply.turnaround import truck_leg_function, worst_going_per_m
from logistics.terrain.classes import TerrainClass
from logistics.vehicles import load_vehicle

ROW = 10  # the formation's route runs east along this row of the 30 x 40 km grid


def _route_cells(n: int = 21) -> np.ndarray:
    return np.array([(ROW, c) for c in range(n)], dtype=np.int64)


def test_helped_across_falls_back_to_the_worst_going_when_no_step_is_possible():
    dist = np.array([0.0, 1000.0, 1414.0])
    vals = np.array([0.0, np.inf, np.inf])
    np.testing.assert_allclose(helped_across(vals, dist, worst_per_m=0.002),
                               [0.0, 2.0, 2.828])
    # a finite step on the path still sets the rate (the fallback is not used)
    np.testing.assert_allclose(
        helped_across(np.array([0.0, 3.0, np.inf]), dist, worst_per_m=99.0),
        [0.0, 3.0, 3.0 * 1.414])  # 3 L per 1000 m over 1414 m
    with pytest.raises(DataError, match="cannot make any step"):
        helped_across(vals, dist)


def test_trucks_in_a_marsh_follow_the_track_at_their_worst_going(hailar_terrain):
    ds = hailar_terrain()
    ds["terrain_class"][:] = TerrainClass.WETLAND  # the ZIS-5 makes no step on its own
    zis = load_vehicle("zis-5")
    lonely = evaluate_path(ds, np.array([[ROW, 0], [ROW, 1], [ROW, 2]]), zis, season="wet")
    assert not np.isfinite(lonely["fuel_l"].iloc[1:]).any()  # the 5RC situation

    railhead = hailar_terrain.lonlat(ds, ROW, 0)
    leg = truck_leg_function(ds, zis, railhead, _route_cells(), stencil=16)(
        10, "wet")
    assert leg.reachable and leg.reason == ""
    # 10 km out along the track and 10 km back, every metre at the worst fuel per metre
    worst = worst_going_per_m(build_cost_model(ds, zis, objective="fuel", season="wet"))
    assert leg.fuel_l == pytest.approx(2 * 10_000.0 * worst)
    assert leg.out_s > 0 and leg.back_s > 0


def test_a_column_cut_off_from_the_formation_delivers_nothing_and_says_why(corridor,
                                                                           hailar_terrain):
    ds = hailar_terrain()
    ds["terrain_class"][1:4, 1:4] = TerrainClass.WATER  # a railhead on an island
    ds["terrain_class"][2, 2] = TerrainClass.STEPPE
    zis = load_vehicle("zis-5")
    leg = truck_leg_function(ds, zis, hailar_terrain.lonlat(ds, 2, 2), _route_cells(), stencil=16)
    cut = leg(5, "dry")
    assert not cut.reachable and "no way for zis-5" in cut.reason
    # the cause is the railhead's own ground, and the note says so (not one place of the
    # formation after another: the 5th Separate Rifle Corps' Bikin in the 1945 marsh)
    assert cut.reason.startswith("no way for zis-5 out of the railhead at ")
    assert "every cell round it is water, impassable to it" in cut.reason
    assert leg(9, "dry").reason == cut.reason  # the same for every place of the formation

    trucks = (TruckSpec(
        name="island trucks", count=10, payload_l=1000.0, truck_tank_l=100.0,
        fuel_type="diesel", load_h=2.0, unload_h=1.0, driving_hours_per_day=24.0,
        start_h=0.0, until_h=1e9, convoys=2, jitter_h=0.0, leg=leg),)
    # 20 km corridor, fuel for 5 km: the formation halts dry on day 1 and nothing arrives
    res = simulate_army(corridor(length_km=20, count=1, tank_l=100.0, start_l=10.0, days=3,
                            trucks=trucks))
    d = res.army_daily
    assert (d["delivered_truck_l"] == 0).all()
    assert res.daily["cum_km"].iloc[-1] == pytest.approx(5.0)
    assert (res.daily["status"] == "halted: no fuel").all()
    assert d["supply_blocked"].str.contains("island trucks: no way for zis-5").all()
    assert d["supply_blocked"].iloc[-1].endswith("(km 5)")
    assert any("island trucks" in n and "delivered nothing" in n for n in res.notes)


def test_approach_cells_run_straight_to_the_nearest_route_cell_without_gaps():
    from logistics.supply.turnaround import approach_cells

    way = approach_cells((0, 0), np.array([(3, 6), (10, 10)]))
    rows = {tuple(int(v) for v in c) for c in way}
    assert (0, 0) in rows and (3, 6) in rows and (10, 10) not in rows  # the nearer one
    # an 8-connected chain: one cell per column from 0 to 6, rows never jumping
    by_col = sorted(rows, key=lambda rc: rc[1])
    assert [c for _, c in by_col] == list(range(7))
    assert all(abs(a[0] - b[0]) <= 1 for a, b in zip(by_col, by_col[1:]))
    # the railhead on the route itself: just its cell
    assert approach_cells((4, 4), np.array([(4, 4), (9, 9)])).tolist() == [[4, 4]]


def test_the_approach_keeps_to_the_home_side_of_a_railhead_at_home(box_terrain):
    """The army came to its start through its own territory: from a railhead on the Soviet
    bank (Blagoveshchensk) the approach to a route cell across the Amur keeps only its
    home-side cells (the 15th Army's line from Khabarovsk ran 105 km through the Manchurian
    wetland); from a railhead across the frontier (Heihe) the whole line stands."""
    from logistics.supply.turnaround import _on_home_side, approach_cells
    from logistics.terrain import cell_of, to_lonlat, to_metric
    from logistics.terrain.sides import JAPANESE, side_of

    terrain = box_terrain((127.2, 49.95, 127.85, 50.55), 1000.0)
    xs, ys = terrain["x"].values, terrain["y"].values

    def sides(cells):
        lon, lat = to_lonlat(xs[cells[:, 1]], ys[cells[:, 0]])
        return np.asarray(side_of(np.asarray(lon), np.asarray(lat)))

    home = cell_of(terrain, *to_metric(127.53, 50.30))  # Blagoveshchensk, Soviet bank
    across = np.array([cell_of(terrain, *to_metric(127.30, 50.05))])  # the Manchurian side
    way = approach_cells(home, across)
    assert (sides(way) == JAPANESE).any() and not (sides(way) == JAPANESE).all()
    kept = _on_home_side(terrain, home, way)
    assert 0 < len(kept) < len(way) and not (sides(kept) == JAPANESE).any()
    abroad = tuple(int(v) for v in across[0])
    back = approach_cells(abroad, np.array([home]))
    assert len(_on_home_side(terrain, abroad, back)) == len(back)


def test_trucks_leave_a_railhead_in_the_marsh_by_the_armys_approach(hailar_terrain):
    """The 5th Separate Rifle Corps' case: its railhead (Bikin) lies in wetland the ZIS-5 cannot
    drive in the wet, 8 km off the formation's route. Alone the trucks cannot leave it; the
    army came to its start that way (``approach=True``), so they drive it at their worst
    going, and the trip costs at least the straight line and at most the way along it."""
    ds = hailar_terrain()
    ds["terrain_class"][:] = TerrainClass.WETLAND
    zis = load_vehicle("zis-5")
    railhead = hailar_terrain.lonlat(ds, 2, 0)  # 8 cells (km) north of the route's row
    cut = truck_leg_function(ds, zis, railhead, _route_cells(), stencil=16)(10, "wet")
    assert not cut.reachable and "out of the railhead" in cut.reason
    leg = truck_leg_function(ds, zis, railhead, _route_cells(), stencil=16, approach=True)(
        10, "wet")
    assert leg.reachable
    worst = worst_going_per_m(build_cost_model(ds, zis, objective="fuel", season="wet"))
    straight_m = np.hypot(8, 10) * 1000.0  # railhead (2, 0) to the place (10, 10), 1 km cells
    along_m = (8 + 10) * 1000.0  # down the approach, then along the route
    assert 2 * straight_m * worst <= leg.fuel_l <= 2 * along_m * worst * 1.0001


def test_a_column_that_leaves_its_railhead_but_not_the_formation_says_where(hailar_terrain):
    """Trucks that can leave the railhead but find no way to the formation: the note names
    the formation's place (the railhead's ground is not the cause)."""
    ds = hailar_terrain()
    ds["terrain_class"][:, 5] = TerrainClass.WATER  # a lake across the whole grid at column 5
    zis = load_vehicle("zis-5")
    leg = truck_leg_function(ds, zis, hailar_terrain.lonlat(ds, 2, 2), [(ROW, 12)],
                             stencil=16)
    cut = leg(0, "dry")
    assert not cut.reachable and "between the railhead at" in cut.reason
    assert "out of the railhead" not in cut.reason


def test_a_convoy_drives_no_faster_than_its_column_norm(hailar_terrain):
    """Supply columns are wheeled columns (configs/norms/march.yaml motor_column): on open
    steppe the lone ZIS-5 is faster than the norm's 25 km/h, the convoy is not."""
    ds = hailar_terrain()
    ds["terrain_class"][:] = TerrainClass.STEPPE
    zis = load_vehicle("zis-5")
    railhead = hailar_terrain.lonlat(ds, ROW, 0)
    lone = truck_leg_function(ds, zis, railhead, _route_cells(), stencil=16)(20, "dry")
    paced = truck_leg_function(ds, zis, railhead, _route_cells(), stencil=16,
                               max_speed_kmh=25.0)(20, "dry")
    assert lone.out_s < 20.0 / 25.0 * 3600.0  # the lone truck beats the norm on this ground
    # 20 km east along a row of 1 km cells at exactly the norm's pace (the floor binds)
    assert paced.out_s == pytest.approx(20.0 / 25.0 * 3600.0, rel=1e-6)
    assert paced.back_s >= paced.out_s - 1e-6
    assert paced.fuel_l == pytest.approx(lone.fuel_l)  # the pace does not change the path's fuel


def test_column_paced_floors_only_finite_time_costs():
    from logistics.cost.model import CostModel
    from logistics.supply.turnaround import column_paced

    m = CostModel(class_index=np.zeros((2, 2), np.uint8),
                  table=np.array([[0.05, 0.2, np.inf]]), grade_min=-0.1, grade_step=0.1,
                  cellsize_m=(1000.0, 1000.0), elevation_m=None, units="s")
    out = column_paced(m, 36.0)  # 36 km/h = 0.1 s/m
    np.testing.assert_array_equal(out.table, [[0.1, 0.2, np.inf]])
    assert column_paced(m, None) is m
    fuel = CostModel(class_index=m.class_index, table=m.table, grade_min=-0.1, grade_step=0.1,
                     cellsize_m=(1000.0, 1000.0), elevation_m=None, units="L")
    assert column_paced(fuel, 36.0) is fuel


def test_lonlat_keeps_its_last_answer_only_for_the_same_path_and_km():
    """``_Loop.lonlat`` keeps each formation's last answer (speed): asked again at the same km
    of the same path it gives the same place; another km, or the path of a new timetable,
    is read anew (np.interp of that path)."""
    from types import SimpleNamespace

    import numpy as np

    from logistics.advance.simulate import _Loop

    plan_path = (np.array([0.0, 10.0]), np.array([120.0, 121.0]), np.array([45.0, 46.0]))
    train = (np.array([0.0, 10.0]), np.array([120.0, 125.0]), np.array([45.0, 50.0]))
    loop = SimpleNamespace(_lonlat_last={}, now=plan_path)
    loop.path = lambda fid: loop.now
    at = lambda km: _Loop.lonlat(loop, "f", km)  # noqa: E731
    assert at(5.0) == (120.5, 45.5) and at(5.0) == (120.5, 45.5)
    assert at(2.5) == (120.25, 45.25)
    loop.now = train  # the formation boards a train: its km is measured on the timetable's
    assert at(2.5) == (121.25, 46.25)
    loop.now = (np.array([3.0]), np.array([118.0]), np.array([44.0]))  # a one-point path
    assert at(2.5) == (118.0, 44.0)
