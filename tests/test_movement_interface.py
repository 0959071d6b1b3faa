"""The movement interface: a Timetable places a carried formation by time; Reached answers when
the army first came near a place."""

from __future__ import annotations

import numpy as np
import pytest

from logistics.advance.movement import Reached, Timetable, through_depths


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


def _ship(tail: bool = False):
    # 100 km at 10 km/h (hours 0-10); with a tail: the first trip casts off at hour 5 and
    # makes 20 km/h, the last men reach km 50 at hour 10 and the end at hour 15
    km = np.array([0.0, 100.0])
    t = np.array([0.0, 10.0])
    if not tail:
        return Timetable(mode="river", km=km, lon=np.array([130.0, 131.0]),
                         lat=np.array([47.0, 47.0]), time_h=t)
    return Timetable(mode="river", km=np.array([0.0, 0.0, 100.0, 100.0]),
                     lon=np.array([130.0, 130.0, 131.0, 131.0]), lat=np.full(4, 47.0),
                     time_h=np.array([0.0, 5.0, 10.0, 15.0]),
                     tail_km=np.array([0.0, 0.0, 50.0, 100.0]))


def test_a_depth_on_the_path_is_crossed_at_the_rate_and_later_points_come_as_much_later():
    """20 km of depth (km 40-60) at 10 km a day takes 48 h where the ships took 2 h: the body
    is at km 40 at hour 4 as before, at km 60 at hour 52, at the end at hour 56."""
    tt = through_depths(_ship(), [(40.0, 60.0)], 10.0)
    assert tt.ok and tt.end_h == pytest.approx(56.0)
    assert tt.km_at(4.0) == pytest.approx(40.0)
    assert tt.km_at(28.0) == pytest.approx(50.0)  # half the depth in half the 48 h
    assert tt.km_at(52.0) == pytest.approx(60.0)
    assert tt.lonlat_at(50.0) == pytest.approx((130.5, 47.0))
    assert np.all(np.diff(tt.time_h) >= 0) and np.all(np.diff(tt.km) >= 0)


def test_a_depth_crossed_faster_than_the_rate_allows_is_unchanged_and_no_depth_is_a_no_op():
    slow = _ship()
    assert through_depths(slow, [(40.0, 60.0)], 1e6).end_h == pytest.approx(10.0)
    assert through_depths(slow, [], 10.0) is slow


def test_the_tail_is_delayed_at_the_same_km_as_the_head():
    """The head crosses km 40-60 in 1 h, so the depth adds 48 - 1 = 47 h beyond km 60 and
    24 - 0.5 = 23.5 h at km 50; the tail, delayed by the km it is at, reaches km 50 at hour
    10 + 23.5 and the end at hour 15 + 47."""
    tt = through_depths(_ship(tail=True), [(40.0, 60.0)], 10.0)
    assert tt.end_h == pytest.approx(62.0)
    assert tt.tail_at(62.0) == pytest.approx(100.0)
    assert tt.tail_at(33.5) == pytest.approx(50.0)
    assert tt.km_at(7.0) == pytest.approx(40.0)
    assert tt.km_at(7.0 + 48.0) == pytest.approx(60.0)  # the depth at the rate
    assert np.all(np.asarray(tt.tail_km) <= np.asarray(tt.km) + 1e-9)


def test_a_shuttle_timetable_is_not_re_timed_here():
    shuttle = Timetable(mode="truck", km=np.array([0.0, 80.0]), lon=np.zeros(2),
                        lat=np.zeros(2), time_h=np.array([0.0, 20.0]),
                        fuel_l=np.array([0.0, 600.0]), fuel_type="petrol")
    with pytest.raises(ValueError, match="shuttle"):
        through_depths(shuttle, [(10.0, 20.0)], 10.0)
