"""River moves and ferrying (logistics.network.river): a straight synthetic river with round
ship figures worked by hand, a confluence, a river-lake centre line, the shipped Amur against
its sourced length, and the Ussuri ferrying figure."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from shapely.geometry import LineString, box

from logistics.errors import ConfigError
from logistics.army.means_norms import FerryRate, RiverNorms, ShipClass, load_means_norms
from logistics.network.river import (ferry_time_h, load_waterways, plan_river_move,
                                     waterways_from_lines)
from logistics.terrain import to_lonlat, to_metric

#: Round figures: boats 20 km/h through the water, x 0.5 on the river = 10, current 5 km/h
#: (15 down, 5 up); monitors 10 -> 5 through the water: they cannot stem a 5 km/h current.
NORMS = RiverNorms(
    ships={"boat": ShipClass("boat", "boat", 20.0, 25), "slow": ShipClass("slow", "slow", 10.0, 100)},
    current_kmh=5.0, operating_speed_factor=0.5, embark_h=1.0, disembark_h=1.0,
    navigable_levels=(1,), max_access_km=5.0,
    ferry=FerryRate(men_per_day=1500.0, guns_per_day=12.5, vehicles_per_day=37.5))

X0, Y0 = to_metric(125.0, 45.0)


def _east_low(lon, lat):
    """Ground falls to the east and to the south: rivers flow east (and south)."""
    return 200.0 - 10.0 * (np.asarray(lon) - 125.0) + 20.0 * (np.asarray(lat) - 45.0)


def _ll(x, y):
    lon, lat = to_lonlat(x, y)
    return float(lon), float(lat)


@pytest.fixture(scope="module")
def straight():
    """A river 100 km long running east from (X0, Y0), drawn west to east."""
    line = LineString([(X0, Y0), (X0 + 50_000, Y0), (X0 + 100_000, Y0)])
    return waterways_from_lines([line], [1], elevation=_east_low)


def test_downstream_trips_by_hand(straight):
    # 120 men on 2 boats (lift 50): 3 trips over 60 km downstream (4 h at 15 km/h); the
    # boats come back upstream in 12 h (5 km/h). Trip k leaves at 18 (k - 1) h:
    # embark 1 + sail 4 -> arrive 5, ashore 6; back at 5 + 1 + 12 = 18.
    move = plan_river_move(_ll(X0 + 10_000, Y0 + 1000), _ll(X0 + 70_000, Y0 - 500),
                           ships={"boat": 2}, men=120, depart_h=0.0, waterways=straight,
                           norms=NORMS)
    assert move.ok, move.reason
    assert move.km == pytest.approx(60.0, abs=0.01) and move.km_up == pytest.approx(0.0)
    assert move.sail_h["boat"] == pytest.approx(4.0, abs=1e-3)
    w = move.waves
    assert w["men"].tolist() == [50, 50, 20]
    assert w["depart_h"].tolist() == pytest.approx([0.0, 18.0, 36.0], abs=1e-2)
    assert w["ashore_h"].tolist() == pytest.approx([6.0, 24.0, 42.0], abs=1e-2)
    assert move.men_ashore(30.0) == 100 and move.all_ashore_h == pytest.approx(42.0, abs=1e-2)
    assert move.origin_access_km == pytest.approx(1.0, abs=0.01)
    assert move.lonlat_at_km(30.0) == pytest.approx(_ll(X0 + 40_000, Y0), abs=1e-6)


def test_upstream_is_slower_and_slow_ships_cannot_stem_the_current(straight):
    up = plan_river_move(_ll(X0 + 70_000, Y0), _ll(X0 + 10_000, Y0), ships={"boat": 4},
                         men=100, depart_h=5.0, waterways=straight, norms=NORMS)
    assert up.km_up == pytest.approx(60.0, abs=0.01) and up.km_down == pytest.approx(0.0)
    assert up.head_ashore_h == pytest.approx(5.0 + 1.0 + 12.0 + 1.0, abs=1e-2)
    stuck = plan_river_move(_ll(X0 + 70_000, Y0), _ll(X0 + 10_000, Y0), ships={"slow": 1},
                            men=50, depart_h=0.0, waterways=straight, norms=NORMS)
    assert not stuck.ok and "upstream" in stuck.reason


def test_classes_share_the_men_by_lift_and_arrive_in_waves(straight):
    norms = dataclasses.replace(NORMS, current_kmh=0.0)
    move = plan_river_move(_ll(X0, Y0), _ll(X0 + 100_000, Y0), ships={"boat": 4, "slow": 1},
                           men=200, depart_h=0.0, waterways=straight, norms=norms)
    # lift 100 and 100: 100 men each; boats 10 km/h (10 h), monitors 5 km/h (20 h)
    by = move.waves.set_index("ship_class")
    assert by.loc["boat", "men"] == 100 and by.loc["slow", "men"] == 100
    assert move.head_ashore_h == pytest.approx(12.0, abs=1e-2)
    assert move.all_ashore_h == pytest.approx(22.0, abs=1e-2)


def test_a_tributary_joins_the_main_river_where_it_meets_it():
    main = LineString([(X0, Y0), (X0 + 100_000, Y0)])  # one line: no vertex at the confluence
    trib = LineString([(X0 + 40_000, Y0 + 30_000), (X0 + 40_000, Y0 + 200)])  # ends 200 m off
    g = waterways_from_lines([main, trib], [1, 2], elevation=_east_low)
    move = plan_river_move(_ll(X0 + 40_000, Y0 + 25_000), _ll(X0 + 90_000, Y0),
                           ships={"boat": 1}, men=10, depart_h=0.0, waterways=g, norms=NORMS)
    assert move.ok, move.reason
    assert move.km == pytest.approx(25.0 - 0.2 + 0.2 + 50.0, abs=0.05)
    assert move.km_up == pytest.approx(0.0, abs=1e-6)  # down the tributary, down the river


def test_river_lake_is_sailed_along_its_centre_line():
    # a double-lined reach 60 km long and 2 km wide between two single-line rivers
    lake = box(X0 + 20_000, Y0 - 1000, X0 + 80_000, Y0 + 1000)
    west = LineString([(X0, Y0), (X0 + 20_000, Y0)])
    east = LineString([(X0 + 80_000, Y0), (X0 + 100_000, Y0)])
    g = waterways_from_lines([west, east], [1, 1], river_lakes=[lake], elevation=_east_low)
    move = plan_river_move(_ll(X0 + 5_000, Y0), _ll(X0 + 95_000, Y0), ships={"boat": 1},
                           men=10, depart_h=0.0, waterways=g, norms=NORMS)
    assert move.ok, move.reason
    assert move.km == pytest.approx(90.0, rel=0.03)  # the centre line, not the shore
    assert move.km_up == pytest.approx(0.0, abs=2.0)


def test_bad_input(straight):
    far = plan_river_move(_ll(X0, Y0 + 50_000), _ll(X0 + 50_000, Y0), ships={"boat": 1},
                          men=10, depart_h=0.0, waterways=straight, norms=NORMS)
    assert not far.ok and "from a navigable river" in far.reason
    with pytest.raises(ConfigError, match="ship class"):
        plan_river_move(_ll(X0, Y0), _ll(X0 + 50_000, Y0), ships={"cruiser": 1}, men=10,
                        depart_h=0.0, waterways=straight, norms=NORMS)
    no_lift = dataclasses.replace(NORMS, ships={"boat": ShipClass("boat", "boat", 20.0, 0)})
    empty = plan_river_move(_ll(X0, Y0), _ll(X0 + 50_000, Y0), ships={"boat": 3}, men=10,
                            depart_h=0.0, waterways=straight, norms=no_lift)
    assert not empty.ok and "no ship that carries troops" in empty.reason


def test_ferrying_the_ussuri_figure():
    rate = load_means_norms().river.ferry
    # the sourced mixed load takes the sourced four days
    assert ferry_time_h(6000, 150, 50, rate=rate) == pytest.approx(96.0)
    # twice the vehicles: the vehicles set the time; two brigades halve it
    assert ferry_time_h(6000, 300, 50, rate=rate) == pytest.approx(192.0)
    assert ferry_time_h(6000, 300, 50, brigades=2, rate=rate) == pytest.approx(96.0)
    assert ferry_time_h(750, rate=rate) == pytest.approx(12.0)
    with pytest.raises(ConfigError, match="brigades"):
        ferry_time_h(100, brigades=0)


def test_shipped_middle_amur_against_its_sourced_length():
    """Blagoveshchensk (the Zeya mouth) to Khabarovsk (the Ussuri mouth) is the Middle Amur,
    975 km ([OBRAZOVANIE-AMUR], configs/norms/movement.yaml river.navigable.middle_amur_km);
    the WDBII line (1:3M) is a little shorter. The flotilla sails it downstream."""
    g = load_waterways()
    move = plan_river_move((127.54, 50.28), (135.07, 48.48), ships={"bk-1124": 2}, men=40,
                           depart_h=0.0, waterways=g)
    assert move.ok, move.reason
    assert move.km == pytest.approx(975.0, rel=0.10)
    assert move.km_down > 0.95 * move.km
    # the same reach upstream takes longer for every class
    back = plan_river_move((135.07, 48.48), (127.54, 50.28), ships={"bk-1124": 2}, men=40,
                           depart_h=0.0, waterways=g)
    assert back.sail_h["bk-1124"] > move.sail_h["bk-1124"]


def test_timetable_head_and_tail(straight):
    move = plan_river_move(_ll(X0 + 10_000, Y0), _ll(X0 + 70_000, Y0), ships={"boat": 2},
                           men=120, depart_h=0.0, waterways=straight, norms=NORMS)
    tt = move.timetable()
    assert tt["reason"] == "" and tt["fuel_l"] is None
    # head: the first trip afloat at 1 h, landed at 5 h; tail: the last men leave at 36 h
    t = tt["time_h"]
    assert np.interp(3.0, t, tt["km"]) == pytest.approx(30.0, abs=0.01)
    assert np.interp(30.0, t, tt["tail_km"]) == pytest.approx(0.0)
    assert np.interp(39.0, t, tt["tail_km"]) == pytest.approx(30.0, abs=0.01)
    assert t[-1] == pytest.approx(42.0, abs=1e-2) and tt["tail_km"][-1] == pytest.approx(60.0)


def test_ships_under_way_part_of_the_day_make_less_ground(straight):
    """river.sailing_hours_per_day: 12 h a day under way halves the speed over the ground,
    averaged over the day (by hand: 60 km downstream at 15 x 12/24 = 7.5 km/h is 8 h; back
    upstream at 5 x 0.5 = 2.5 km/h, 24 h), the wave positions with it; the current check is
    still made on the speed through the water (a ship that stems it does so while under way)."""
    half = dataclasses.replace(NORMS, sailing_hours_per_day=12.0)
    move = plan_river_move(_ll(X0 + 10_000, Y0), _ll(X0 + 70_000, Y0), ships={"boat": 1},
                           men=50, depart_h=0.0, waterways=straight, norms=half)
    assert move.ok, move.reason
    assert move.sail_h["boat"] == pytest.approx(8.0, abs=1e-3)
    assert move.head_ashore_h == pytest.approx(1.0 + 8.0 + 1.0, abs=1e-2)
    assert move.wave_km(0, 1.0 + 4.0) == pytest.approx(30.0, abs=0.01)
    up = plan_river_move(_ll(X0 + 70_000, Y0), _ll(X0 + 10_000, Y0), ships={"boat": 1},
                         men=50, depart_h=0.0, waterways=straight, norms=half)
    assert up.ok and up.sail_h["boat"] == pytest.approx(24.0, abs=1e-3)


def test_shipped_sailing_hours_are_read():
    from logistics.army.means_norms import load_means_norms

    hours = load_means_norms().river.sailing_hours_per_day
    assert 12.0 <= hours < 24.0
