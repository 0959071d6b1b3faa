"""The movement interface: a Timetable places a carried formation by time; Reached answers when
the army first came near a place."""

from __future__ import annotations

import numpy as np
import pytest

from logistics.advance.movement import Reached, Timetable


def _rail():
    # entrain 2 h at km 0 (10:00-12:00), run 100 km in 4 h, detrain 1 h: times by hand
    return Timetable(mode="rail", km=np.array([0.0, 0.0, 100.0, 100.0]),
                     lon=np.array([120.0, 120.0, 121.0, 121.0]),
                     lat=np.array([45.0, 45.0, 45.0, 45.0]),
                     time_h=np.array([10.0, 12.0, 16.0, 17.0]))


def test_a_timetable_places_the_body_by_time_waits_included():
    tt = _rail()
    assert tt.ok and tt.start_h == 10.0 and tt.end_h == 17.0
    assert tt.km_at(5.0) == 0.0  # before departure: at the boarding station
    assert tt.km_at(11.0) == 0.0  # entraining
    assert tt.km_at(14.0) == pytest.approx(50.0)  # half-way through a 4 h run
    assert tt.km_at(16.5) == 100.0 and tt.km_at(30.0) == 100.0
    assert tt.tail_at(14.0) == pytest.approx(50.0)  # moves whole: tail = head
    assert tt.lonlat_at(50.0) == pytest.approx((120.5, 45.0))
    assert tt.fuel_between(0.0, 20.0) == 0.0  # a train burns nothing of the army's fuel


def test_a_shuttle_has_a_tail_and_burns_its_trucks_fuel():
    tt = Timetable(mode="truck", km=np.array([0.0, 40.0, 80.0]), lon=np.zeros(3),
                   lat=np.zeros(3), time_h=np.array([0.0, 10.0, 20.0]),
                   tail_km=np.array([0.0, 20.0, 80.0]), fuel_l=np.array([0.0, 300.0, 600.0]),
                   fuel_type="petrol")
    assert tt.tail_at(5.0) == pytest.approx(10.0)
    assert tt.fuel_between(5.0, 15.0) == pytest.approx(300.0)


def test_an_impossible_move_says_why():
    tt = Timetable(mode="rail", km=np.zeros(0), lon=np.zeros(0), lat=np.zeros(0),
                   time_h=np.zeros(0), reason="the line is not held beyond Hailar")
    assert not tt.ok


def test_reached_gives_the_first_time_the_army_came_near_a_place():
    # two formations pass 45 N, 120 E at hours 30 and 12: the army holds it from hour 12
    r = Reached(lon=np.array([119.0, 120.0, 120.0]), lat=np.array([45.0, 45.0, 45.05]),
                time_h=np.array([5.0, 30.0, 12.0]), formation_id=("a", "a", "b"))
    assert r.first_time_within(120.0, 45.0, 10.0) == 12.0
    assert r.first_time_within(125.0, 45.0, 10.0) is None
