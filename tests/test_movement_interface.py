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


def test_a_timetable_says_when_its_body_first_reaches_a_km():
    tt = _rail()
    assert tt.first_time_at_km(0.0) == 10.0  # at the boarding station from the first point
    assert tt.first_time_at_km(25.0) == pytest.approx(13.0)  # a quarter of the 4 h run
    assert tt.first_time_at_km(100.0) == pytest.approx(16.0)  # arrives; detraining is later
    assert tt.first_time_at_km(150.0) == 17.0  # beyond the path: its last point


def test_a_timetables_moving_hours_leave_out_its_waits():
    # review21: a carried formation's hours under way counted every hour of a rail or river
    # timetable (15a-landing: 24 h a day while its ships waited at ports)
    tt = _rail()
    assert tt.moving_hours(0.0, 30.0) == pytest.approx(4.0)  # the run; not entraining/detraining
    assert tt.moving_hours(13.0, 20.0) == pytest.approx(3.0)
    assert tt.moving_hours(0.0, 11.5) == 0.0 and tt.moving_hours(16.0, 17.0) == 0.0
    assert tt.moving_hours(15.0, 14.0) == 0.0


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


def test_a_follower_waits_at_the_depths_edge_until_it_opens_then_crosses_at_the_rate():
    """follow35: a depth given with the hour its army's breach lets the body in (a
    follower's, ``(km_in, km_out, open_h)``: the ships' timetable planned again from it,
    carried.Carried._go_in) holds the body at its edge until then. The first trip reaches
    km 40 at hour 7, stands there to hour 20, crosses the 20 km at 10 km a day (out at hour
    68) and sails on at 20 km/h (the end at hour 70); the last trips come up to the edge
    behind it meanwhile (km 40 at hour 9) and stand there too, not held where they were when
    the head got there, nor drawn on in a straight line past the edge."""
    tt = through_depths(_ship(tail=True), [(40.0, 60.0, 20.0)], 10.0)
    assert tt.km_at(7.0) == pytest.approx(40.0)
    assert tt.km_at(19.9) == pytest.approx(40.0)
    assert tt.km_at(20.0 + 24.0) == pytest.approx(50.0)
    assert tt.km_at(68.0) == pytest.approx(60.0)
    assert tt.km_at(69.0) == pytest.approx(80.0)
    assert tt.tail_at(9.0) == pytest.approx(40.0)
    assert tt.tail_at(21.0) == pytest.approx(40.0)
    assert np.all(np.diff(tt.time_h) >= 0) and np.all(np.diff(tt.km) >= 0)
    assert np.all(np.asarray(tt.tail_km) <= np.asarray(tt.km) + 1e-9)


def test_a_shuttle_timetable_is_not_re_timed_here():
    shuttle = Timetable(mode="truck", km=np.array([0.0, 80.0]), lon=np.zeros(2),
                        lat=np.zeros(2), time_h=np.array([0.0, 20.0]),
                        fuel_l=np.array([0.0, 600.0]), fuel_type="petrol")
    with pytest.raises(ValueError, match="shuttle"):
        through_depths(shuttle, [(10.0, 20.0)], 10.0)


def _first_time(tt, x: float) -> float:
    km, t = np.asarray(tt.km), np.asarray(tt.time_h)
    i = int(np.searchsorted(km, x, side="left"))
    if i <= 0 or i >= len(km):
        return float(t[0] if i <= 0 else t[-1])
    k0, k1 = km[i - 1], km[i]
    return float(t[i] if k1 <= k0 else t[i - 1] + (t[i] - t[i - 1]) * (x - k0) / (k1 - k0))


def test_through_depths_never_runs_ahead_of_the_ships_or_the_breach():
    """Random timetables (waits included, with and without a tail) and random, overlapping
    depths: time and km stay non-decreasing, the path's end is kept, the body is nowhere
    earlier than on the ships' timetable, and inside a depth nowhere ahead of a breach
    advancing at the rate from the hour it entered (an independent check, point by point)."""
    rng = np.random.default_rng(3)
    for _ in range(400):
        n = int(rng.integers(2, 8))
        km = np.concatenate([[0.0], np.cumsum(rng.uniform(0.1, 30, n - 1)
                                                 * (rng.random(n - 1) > 0.3))])
        t = rng.uniform(0, 5) + np.concatenate([[0.0], np.cumsum(rng.uniform(0.1, 10, n - 1))])
        tail = None
        if rng.random() < 0.5:
            tail = np.minimum(km, np.maximum.accumulate(km * rng.uniform(0, 1, n)))
            tail[-1] = km[-1]
        tt = Timetable(mode="river", km=km, lon=130 + km / 100, lat=np.full(n, 47.0),
                       time_h=t, tail_km=tail)
        depths = [tuple(sorted(rng.uniform(-5, km[-1] + 5, 2)))
                  for _ in range(int(rng.integers(1, 4)))]
        rate = float(rng.uniform(1, 50))
        out = through_depths(tt, depths, rate)
        assert np.all(np.diff(out.time_h) >= -1e-9) and np.all(np.diff(out.km) >= -1e-9)
        assert out.km[-1] == pytest.approx(km[-1]) and out.end_h >= tt.end_h - 1e-9
        if out.tail_km is not None:
            assert np.all(out.tail_km <= out.km + 1e-9)
        for x in np.linspace(0, km[-1], 13):
            assert _first_time(out, x) >= _first_time(tt, x) - 1e-6
        spans = sorted((max(a, 0.0), min(b, km[-1])) for a, b in depths
                       if min(b, km[-1]) > max(a, 0.0))
        merged: list[list[float]] = []
        for a, b in spans:
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        for a, b in merged:
            t_in = _first_time(out, a)
            for x in np.linspace(a, b, 7):
                assert _first_time(out, x) >= t_in + (x - a) * 24.0 / rate - 1e-6
