"""Truck shuttles (logistics.advance.shuttle): a hand-computed example, an independent
closed-form reference for constant speeds, varying speeds along the route, bad input."""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction as F

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, strategies as st

from logistics.advance.shuttle import shuttle_advance, shuttle_timetable
from logistics.errors import ConfigError, DataError

KM = np.array([0.0, 60.0])


def test_three_lifts_by_hand():
    # 300 men, lift 100, 60 km, trucks 30 km/h both ways, men 5 km/h, load and unload 0.5 h.
    # Trip 1: load 0-0.5 h at km 0, drive 2 h, arrive 2.5 h, free 3.0 h; the body is at km 15.
    # Meet: 15 + 5 s = 60 - 30 s -> s = 9/7 h, at km 15 + 45/7 = 150/7, t = 3 + 9/7 = 30/7.
    # Trip 2: load to 30/7 + 1/2, drive (60 - 150/7) / 30 = 9/7 h, arrive 30/7 + 1/2 + 9/7.
    # Body (100 left) at free time: 150/7 + 5 (free2 - 30/7); meet again likewise.
    s = shuttle_advance(300, 100, KM, KM / 30, KM / 5, load_h=0.5, unload_h=0.5)
    half = F(1, 2)
    meet1_h, meet1_km = F(30, 7), F(150, 7)
    arrive2 = meet1_h + half + (60 - meet1_km) / 30
    free2 = arrive2 + half
    body = meet1_km + 5 * (free2 - meet1_h)
    s3 = (60 - body) / 35
    meet2_km, meet2_h = body + 5 * s3, free2 + s3
    arrive3 = meet2_h + half + (60 - meet2_km) / 30
    t = s.trips
    assert list(t["men"]) == [100, 100, 100]
    assert t["pickup_km"].tolist() == pytest.approx([0, float(meet1_km), float(meet2_km)])
    assert t["pickup_h"].tolist() == pytest.approx([0, float(meet1_h), float(meet2_h)])
    assert t["arrive_h"].tolist() == pytest.approx([2.5, float(arrive2), float(arrive3)])
    assert s.finish_h == pytest.approx(float(arrive3))  # 8.622 h; on foot it takes 12 h
    assert s.truck_km == pytest.approx(60 + 2 * (60 - float(meet1_km)) + 2 * (60 - float(meet2_km)))
    head, tail = s.at([1.0, 2.5, 4.0])
    # at 1 h: the first lift has driven 0.5 h (15 km), the body marched 5 km
    assert head.tolist() == pytest.approx([15.0, 60.0, 60.0])
    assert tail.tolist() == pytest.approx([5.0, 12.5, 20.0])
    assert s.men_at_end(3.0) == 100 and s.men_at_end(float(arrive3)) == 300


def test_a_shuttle_planned_again_from_its_state_goes_on_as_planned():
    """``state_at`` (groups of men and the trucks' km at an hour) and ``shuttle_advance``
    from that state: planned again at 3.5 h (the trucks on their empty run back) the shuttle
    of test_three_lifts_by_hand makes the same trips after it and ends at the same hour, and
    its trucks drive the km they had not driven yet (retry36: a dry shuttle planned again
    from where its men and trucks are)."""
    s = shuttle_advance(300, 100, KM, KM / 30, KM / 5, load_h=0.5, unload_h=0.5)
    groups, truck_km = s.state_at(3.5)
    assert sorted(groups) == [(100, pytest.approx(60.0)), (200, pytest.approx(17.5))]
    assert truck_km == pytest.approx(45.0)  # freed at 3.0 h at km 60, 0.5 h back at 30 km/h
    again = shuttle_advance(300, 100, KM, KM / 30, KM / 5, load_h=0.5, unload_h=0.5,
                            start_h=3.5, groups=groups, truck_km=truck_km)
    assert again.trips["pickup_km"].tolist() == pytest.approx(
        s.trips["pickup_km"].tolist()[1:])
    assert again.finish_h == pytest.approx(s.finish_h)
    assert again.truck_km == pytest.approx(s.truck_km - 60.0 - 15.0)


def test_a_shuttle_planned_again_on_a_loaded_run_carries_its_riders_on():
    """Planned again at 1.5 h, its first lift of test_three_lifts_by_hand on the trucks at
    km 30 (``riding_at``: 100 men for km 60), with 60 of them: 60 ride on to km 60 without
    loading again (1 h at 30 km/h, unloaded at 3.0 h, as planned), 40 walk on from km 30;
    without ``riding`` all 100 stood down and the trucks drove back for the rearmost men
    (shuttle37: the trucks a fuel shortfall leaves driving carry their lift on)."""
    s = shuttle_advance(300, 100, KM, KM / 30, KM / 5, load_h=0.5, unload_h=0.5)
    groups, truck_km = s.state_at(1.5)
    riding = s.riding_at(1.5)
    assert riding == (100, pytest.approx(60.0)) and truck_km == pytest.approx(30.0)
    assert s.riding_at(3.5) is None  # driving back empty
    again = shuttle_advance(300, 60, KM, KM / 30, KM / 5, load_h=0.5, unload_h=0.5,
                            start_h=1.5, groups=groups, truck_km=truck_km, riding=riding)
    first = again.trips.iloc[0]
    assert (first["men"], first["pickup_km"], first["depart_h"]) == (
        60, pytest.approx(30.0), pytest.approx(1.5))
    assert (first["drop_km"], first["free_h"]) == (pytest.approx(60.0), pytest.approx(3.0))
    assert again.men_at_end(2.6) == 60
    head, tail = again.at(2.0)
    assert head[0] == pytest.approx(45.0) and tail[0] == pytest.approx(10.0)
    assert sorted(again.state_at(2.0)[0])[0] == (40, pytest.approx(32.5))  # on foot


def test_trucks_behind_their_men_drive_forward_to_catch_the_rearmost():
    """Trucks standing at km 0 while their men walk on from km 20 and 40 (they stood dry, the
    men walked): empty, they drive forward at 30 km/h and catch the rear group (5 km/h) at
    20 + 5 t = 30 t: t = 0.8 h, km 24, not behind the men."""
    s = shuttle_advance(300, 100, KM, KM / 30, KM / 5, load_h=0.5, unload_h=0.5,
                        groups=[(200, 20.0), (100, 40.0)], truck_km=0.0)
    first = s.trips.iloc[0]
    assert (first["pickup_km"], first["pickup_h"]) == (pytest.approx(24.0), pytest.approx(0.8))
    assert first["drive_km"] == pytest.approx(24.0 + 36.0)
    assert s.state_at(0.4)[1] == pytest.approx(12.0)  # on its way forward
    head, tail = s.at(0.0)
    assert (head[0], tail[0]) == (pytest.approx(40.0), pytest.approx(20.0))


def test_groups_must_hold_every_man_once():
    with pytest.raises(DataError, match="groups hold 250 men"):
        shuttle_advance(300, 100, KM, KM / 30, KM / 5, load_h=0.5, unload_h=0.5,
                        groups=[(200, 20.0), (50, 40.0)])


def test_lift_for_everyone_is_one_trip():
    s = shuttle_advance(80, 100, KM, KM / 30, KM / 5, load_h=0.5, unload_h=0.25)
    assert len(s.trips) == 1
    assert s.finish_h == pytest.approx(0.5 + 2.0)
    head, tail = s.at(1.5)
    assert head[0] == pytest.approx(tail[0]) == pytest.approx(30.0)


def test_speed_changes_along_the_route():
    # km 0-30 trucks 30 km/h, men 5; km 30-60 (mud) trucks 10 km/h, men 3; back as forward.
    km = np.array([0.0, 30.0, 60.0])
    truck = np.array([0.0, 1.0, 4.0])
    foot = np.array([0.0, 6.0, 16.0])
    s = shuttle_advance(200, 100, km, truck, foot, load_h=0.0, unload_h=0.0)
    # trip 1 arrives at 4 h; the truck comes back: km 60 -> 30 takes 3 h (reaches km 30 at 7 h)
    # while the body, on foot since 0 h, passes km 30 at 6 h and walks on at 3 km/h:
    # at 6 + d/3 h it is at 30 + d; the truck at 4 + (30 - d)/10 h: d = 3/13 * 10 ... solve:
    # 6 + d/3 = 4 + (30 - d)/10 -> d (1/3 + 1/10) = 1 -> d = 30/13
    d = 30 / 13
    assert s.trips["pickup_km"].iloc[1] == pytest.approx(30 + d)
    assert s.trips["pickup_h"].iloc[1] == pytest.approx(6 + d / 3)
    assert s.finish_h == pytest.approx(6 + d / 3 + (30 - d) / 10)


def _closed_form(men, lift, L, vt, vb, vf, load, unload):
    """Independent reference for constant speeds: meet by relative speed, trip by trip."""
    truck_km, truck_h, body_km, body_h, left = 0.0, 0.0, 0.0, 0.0, men
    arrivals = []
    while left > 0:
        body_now = body_km + vf * (truck_h - body_h)
        if body_now >= L:  # the rest marched in before the trucks came back
            break
        if body_now >= truck_km:
            meet_km, meet_h = truck_km, truck_h
        else:
            s = (truck_km - body_now) / (vb + vf)
            meet_km, meet_h = truck_km - vb * s, truck_h + s
        body_km, body_h = meet_km, meet_h
        left -= min(lift, left)
        arrive = meet_h + load + (L - meet_km) / vt
        arrivals.append(arrive)
        truck_km, truck_h = L, arrive + unload
    return arrivals


@given(men=st.integers(1, 3000), lift=st.integers(100, 1000),
       length=st.floats(5, 300), vt=st.floats(8, 40), vb=st.floats(8, 50),
       vf=st.floats(1, 6), load=st.floats(0, 2), unload=st.floats(0, 2))
def test_matches_closed_form_for_constant_speeds(men, lift, length, vt, vb, vf, load, unload):
    km = np.array([0.0, length])
    s = shuttle_advance(men, lift, km, km / vt, km / vf, truck_back_h=km / vb, load_h=load,
                        unload_h=unload)
    ref = _closed_form(men, lift, length, vt, vb, vf, load, unload)
    assert s.trips["arrive_h"].tolist() == pytest.approx(ref, rel=1e-9, abs=1e-9)
    assert int(s.trips["men"].sum()) <= men  # the last men may march in before a truck comes
    assert s.men_at_end(s.finish_h) == men
    times = np.linspace(0, s.finish_h, 7)
    head, tail = s.at(times)
    assert np.all(head >= tail - 1e-9) and np.all(tail >= 0) and np.all(head <= length + 1e-9)


def test_bounds_move_the_whole_formation_forward():
    s = shuttle_advance(300, 100, KM, KM / 30, KM / 5, load_h=0.5, unload_h=0.5, bound_km=20)
    t = s.trips
    # first lift dropped 20 km ahead and marches on; the truck meets the body at km 10, 2 h
    # (it left km 20 at 5/3 h: 20 - 30 s = 5 (5/3 + s) -> s = 1/3)
    assert t["drop_km"].iloc[0] == pytest.approx(20.0)
    assert t["pickup_km"].iloc[1] == pytest.approx(10.0)
    assert t["pickup_h"].iloc[1] == pytest.approx(2.0)
    assert s.men_at_end(s.finish_h) == 300
    assert np.all(t["drop_km"] - t["pickup_km"] <= 20 + 1e-9)


@pytest.mark.parametrize("men, lift, err", [(100, 0, ConfigError), (0, 10, ConfigError)])
def test_bad_counts(men, lift, err):
    with pytest.raises(err, match="lift|men"):
        shuttle_advance(men, lift, KM, KM / 30, KM / 5, load_h=0.5, unload_h=0.5)


def test_bad_profiles():
    with pytest.raises(DataError, match="strictly increasing"):
        shuttle_advance(10, 5, KM, np.array([0.0, 0.0]), KM / 5, load_h=0, unload_h=0)
    with pytest.raises(DataError, match="no faster"):
        shuttle_advance(10, 5, KM, KM / 4, KM / 5, load_h=0, unload_h=0)


def _twelve_of_24(t0, t1):
    """March window 00-12 h every day: hours under way between two clock hours."""
    def cum(t):
        d, r = divmod(t, 24.0)
        return d * 12.0 + min(r, 12.0)
    return cum(t1) - cum(t0)


def test_timetable_for_the_step_loop_lays_the_shuttle_on_the_march_window():
    # 400 men, lift 100, 90 km at 30 km/h and 5 km/h: the same trips as shuttle_advance, the
    # hours under way laid on a 00-12 h window (hour 13 under way is 01:00 of day 2, 25 h)
    kw = dict(men=400, lift_men=100, route_km=90.0, start_h=0.0, end_h=200.0,
              truck_leg_h=lambda a, b: abs(b - a) / 30.0, truck_fuel_l_per_km=2.0,
              march_kmh=5.0, march_hours=_twelve_of_24, load_h=0.5, unload_h=0.5,
              route=(np.array([0.0, 90.0]), np.array([120.0, 121.0]), np.array([45.0, 45.0])))
    tt = shuttle_timetable(**kw)
    km = np.linspace(0.0, 90.0, 91)
    ref = shuttle_advance(400, 100, km, km / 30.0, km / 5.0, load_h=0.5, unload_h=0.5)
    finish_u = ref.finish_h
    day, rest = divmod(finish_u, 12.0)
    done = tt["time_h"][int(np.argmax(tt["tail_km"] >= 90.0 - 1e-9))]
    assert done == pytest.approx(24.0 * day + rest)
    assert tt["km"][-1] == pytest.approx(90.0) and tt["tail_km"][-1] == pytest.approx(90.0)
    assert tt["fuel_l"][-1] == pytest.approx(2.0 * ref.truck_km)
    assert np.all(np.diff(tt["time_h"]) >= 0) and np.all(np.diff(tt["fuel_l"]) >= -1e-9)
    assert np.all(tt["km"] >= tt["tail_km"] - 1e-9)
    assert tt["lon"][-1] == pytest.approx(121.0)
    # nothing moves between 12:00 and 24:00 of the first day (the hours of the rest are in
    # the timetable, so a step loop reading it between them finds the formation standing)
    quiet = (tt["time_h"] >= 12.0) & (tt["time_h"] <= 24.0)
    assert quiet.sum() >= 13
    assert np.ptp(tt["km"][quiet]) == 0.0 and np.ptp(tt["tail_km"][quiet]) == 0.0
    assert np.ptp(tt["fuel_l"][quiet]) == 0.0


def test_a_stretch_trucks_and_men_share_at_one_pace():
    """A bridge both wait at (1 h for its 1 km, trucks and men alike) between two stretches
    where trucks are six times faster: the shuttle still runs, and every man is at the end
    no later than marching all the way (by hand: 10 km at 5 km/h + 1 h + 10 km at 5 km/h = 5 h)."""
    km = np.array([0.0, 10.0, 11.0, 21.0])
    truck = np.array([0.0, 10 / 30, 10 / 30 + 1.0, 20 / 30 + 1.0])
    foot = np.array([0.0, 2.0, 3.0, 5.0])
    s = shuttle_advance(100, 50, km, truck, foot, load_h=0.0, unload_h=0.0)
    assert s.trips["men"].sum() >= 50
    assert s.finish_h <= 5.0 + 1e-9
    head, tail = s.at(np.array([s.finish_h]))
    assert head[0] == pytest.approx(21.0) and tail[0] == pytest.approx(21.0)


def test_timetable_holds_the_men_at_a_crossing_the_trucks_wait_at():
    """A truck leg with a 45 min bridge wait on one km (the crossing's toll, slower than a man
    walking that km at 4.5 km/h) no longer stops the shuttle: the men wait with the trucks."""
    def leg(a, b):
        h = abs(b - a) / 25.0
        lo, hi = min(a, b), max(a, b)
        return h + 0.75 * max(0.0, min(hi, 30.0) - max(lo, 29.0))
    tt = shuttle_timetable(men=3000, lift_men=1000, route_km=60.0, start_h=0.0, end_h=240.0,
                           truck_leg_h=leg, truck_fuel_l_per_km=1.0, march_kmh=4.5,
                           march_hours=lambda t0, t1: t1 - t0, load_h=0.5, unload_h=0.25)
    assert np.all(np.diff(tt["km"]) >= -1e-9)
    assert tt["km"][-1] == pytest.approx(60.0)
    assert np.all(tt["tail_km"] <= tt["km"] + 1e-9)


def test_timetable_moves_by_bounds_when_given_one():
    # the same 400 men and 100-man lift on 90 km, bounds of 20 km: the first lift leaves at
    # 0.5 h (loading), is at km 20 after 20/30 h more and stands there unloading to 1.667 h;
    # the timetable is shuttle_advance's with the same bound, and never ahead of the unbounded
    kw = dict(men=400, lift_men=100, route_km=90.0, start_h=0.0, end_h=200.0,
              truck_leg_h=lambda a, b: abs(b - a) / 30.0, truck_fuel_l_per_km=2.0,
              march_kmh=5.0, march_hours=_twelve_of_24, load_h=0.5, unload_h=0.5)
    free = shuttle_timetable(**kw)
    tt = shuttle_timetable(**kw, bound_km=20.0)
    t_unloaded = 0.5 + 20.0 / 30.0 + 0.5
    i = int(np.argmin(np.abs(tt["time_h"] - t_unloaded)))
    assert tt["time_h"][i] == pytest.approx(t_unloaded)
    assert tt["km"][i] == pytest.approx(20.0)
    km = np.linspace(0.0, 90.0, 91)
    ref = shuttle_advance(400, 100, km, km / 30.0, km / 5.0, load_h=0.5, unload_h=0.5,
                          bound_km=20.0)
    assert (ref.trips["drop_km"] - ref.trips["pickup_km"] <= 20.0 + 1e-9).all()
    day, rest = divmod(ref.finish_h, 12.0)
    done = tt["time_h"][int(np.argmax(tt["tail_km"] >= 90.0 - 1e-9))]
    assert done == pytest.approx(24.0 * day + rest)
    head_free = np.interp(tt["time_h"], free["time_h"], free["km"])
    assert np.all(tt["km"] <= head_free + 1e-9)


def test_the_timetable_walks_a_man_on_at_the_marchers_pace_and_window():
    """``walk(km0, t0, t1)``: the step loop walks the men on with it when the trucks are dry;
    5 km/h in a 00-12 h window, from km 10 at hour 6: 6 h to noon (30 km), none till
    midnight, then on to the route's end (90 km), where he stops."""
    tt = shuttle_timetable(men=400, lift_men=100, route_km=90.0, start_h=0.0, end_h=200.0,
                           truck_leg_h=lambda a, b: abs(b - a) / 30.0, truck_fuel_l_per_km=2.0,
                           march_kmh=5.0, march_hours=_twelve_of_24, load_h=0.5, unload_h=0.5)
    walk = tt["walk"]
    assert walk(10.0, 6.0, 6.0) == pytest.approx(10.0)
    assert walk(10.0, 6.0, 12.0) == pytest.approx(40.0)
    assert walk(10.0, 6.0, 23.0) == pytest.approx(40.0)
    assert walk(10.0, 6.0, 30.0) == pytest.approx(70.0)
    assert walk(10.0, 6.0, 100.0) == pytest.approx(90.0)


def test_the_marchers_follow_the_foot_columns_going_when_it_is_given():
    """``march_leg_h`` (the cost engine's foot going on the route: 3 km/h off path on the
    steppe) replaces the norm's road pace for the men on foot: a walker from km 10 at hour 6
    is at km 28 at noon (6 h x 3 km/h), not km 40, and the shuttle ends later."""
    kw = dict(men=400, lift_men=100, route_km=90.0, start_h=0.0, end_h=200.0,
              truck_leg_h=lambda a, b: abs(b - a) / 30.0, truck_fuel_l_per_km=2.0,
              march_kmh=5.0, march_hours=_twelve_of_24, load_h=0.5, unload_h=0.5)
    norm = shuttle_timetable(**kw)
    going = shuttle_timetable(**kw, march_leg_h=lambda a, b: abs(b - a) / 3.0)
    assert going["walk"](10.0, 6.0, 12.0) == pytest.approx(28.0)
    assert norm["walk"](10.0, 6.0, 12.0) == pytest.approx(40.0)
    done = lambda tt: tt["time_h"][int(np.argmax(tt["tail_km"] >= 90.0 - 1e-9))]  # noqa: E731
    assert done(going) > done(norm)
    with pytest.raises(DataError, match="marching men's leg hours"):
        shuttle_timetable(**kw, march_leg_h=lambda a, b: float("nan"))


def test_the_timetable_stands_still_outside_a_window_that_is_not_on_its_hours():
    # review21: H-hour at 00:10 (every shipped axis), the march window 00-12 h of the clock,
    # so its edges fall at 11.833 h and 23.833 h after H-hour, between the timetable's hourly
    # points (0, 1, 2 ... h after H-hour). Nothing may move from the window's end (clock 12:00)
    # to its next start (clock 24:00), nor before its end be held back by the points after it
    c0 = 10.0 / 60.0

    def window(t0, t1):
        return _twelve_of_24(c0 + t0, c0 + t1)

    tt = shuttle_timetable(men=400, lift_men=100, route_km=90.0, start_h=0.0, end_h=200.0,
                           truck_leg_h=lambda a, b: abs(b - a) / 30.0, truck_fuel_l_per_km=2.0,
                           march_kmh=5.0, march_hours=window, load_h=0.5, unload_h=0.5)

    def at(t_h):
        return [float(np.interp(t_h, tt["time_h"], tt[k])) for k in ("km", "tail_km", "fuel_l")]

    end, restart = 12.0 - c0, 24.0 - c0
    for t in (end + 0.5, 18.0, restart - 0.5, restart):
        assert at(t) == pytest.approx(at(end), abs=1e-9)
    # under way up to the window's end: 11.833 h under way from H-hour, as a shuttle laid on
    # the hours under way with no offset gives at 11.833 h
    plain = shuttle_timetable(men=400, lift_men=100, route_km=90.0, start_h=0.0, end_h=200.0,
                              truck_leg_h=lambda a, b: abs(b - a) / 30.0,
                              truck_fuel_l_per_km=2.0, march_kmh=5.0,
                              march_hours=lambda t0, t1: t1 - t0, load_h=0.5, unload_h=0.5)
    for k, v in zip(("km", "tail_km", "fuel_l"), at(end)):
        assert v == pytest.approx(float(np.interp(end, plain["time_h"], plain[k])), abs=1e-9)


def _planned_shuttle(n: int, sched, *, night_speed_factor: float = 0.7,
                     bound_km: float | None = None, later=(), wet_truck_kmh: float = 30.0,
                     wet_l_per_km: float = 0.5, **extra):
    """A shuttle laid on ``sched`` by the plan (``formation_plan._shuttle``, the real
    planner): ``n`` km points 1 km apart, trucks 30 km/h (``wet_truck_kmh`` in the wet
    season), 0.5 L/km a truck (``wet_l_per_km``), men 4.5 km/h, 400 men 100 a lift, a
    formation setting off at H-hour 9 Aug 00:00; ``later``: (hours after H-hour, window) of
    the wet season; ``extra``: more keywords of ``_shuttle``."""
    from types import SimpleNamespace

    from logistics.advance.formation_plan import _shuttle
    from logistics.advance.means import shuttle_planner

    kms = np.arange(n, dtype=float)
    truck_s = np.full((1, n), 120.0)  # 30 km/h
    truck_s[0, 0] = 0.0
    foot_s = np.full(n, 800.0)  # 4.5 km/h
    foot_s[0] = 0.0
    u = SimpleNamespace(id="rd", men=400, lift_men=100, lift_vehicle="truck", lift_trucks=5,
                        start_h=0.0, norm=SimpleNamespace(embark_h=0.0, debark_h=0.0,
                                                          shuttle_bound_km=bound_km,
                                                          night_hours=(21.0, 5.0),
                                                          night_speed_factor=night_speed_factor))
    army = SimpleNamespace(h_hour=SimpleNamespace(value=datetime(1945, 8, 9, 0, 0)),
                           run_end=datetime(1945, 8, 20))
    norms = SimpleNamespace(norm_for=lambda kind: SimpleNamespace(max_speed_kmh=4.5))
    opt = SimpleNamespace(shuttle_planner=shuttle_planner, speed_scale=1.0, fuel_scale=1.0)
    seg = pd.DataFrame({"lon": 117.0 + kms / 100.0, "lat": np.full(n, 45.0)})
    wet_s = truck_s * 30.0 / wet_truck_kmh
    tt = _shuttle(unit=u, army=army, norms=norms, options=opt, notes=[], class_ids=("truck",),
                  fuel_types=("petrol",), step_time_s={"dry": truck_s, "wet": wet_s},
                  step_fuel_l={"dry": np.full((1, n), 0.5),
                               "wet": np.full((1, n), wet_l_per_km)},
                  season="dry", cum_km=kms, route=seg, march_window=sched, foot_step_s=foot_s,
                  later_windows=tuple((h, w, "wet", foot_s) for h, w in later), **extra)
    assert tt is not None and tt.ok
    return tt


def test_a_shuttle_crosses_a_fortified_depth_at_the_rules_rate_a_day():
    # review21: a shuttle is laid on its window's hours under way, so a day of the rule's
    # breakthrough rate takes the window's moving hours (its hours less the close-up), not
    # its hours: a 12 h window closed up 2 h is 10 h under way a day, and 10 km a day through
    # a 30 km depth is 10 km at the end of the first day and 20 km at the end of the second
    # (before: 12 h under way a day per 10 km, so 8.3 and 16.7 km)
    from types import SimpleNamespace

    from logistics.advance.schedule import MarchSchedule

    # a day window (06-18 h, closed up 2 h: 06-16 h) has no night hour: the trucks' night
    # factor does not act, the breach alone sets the pace
    sched = MarchSchedule(start_hour=6.0, hours_per_day=12.0, close_up_h=2.0)
    depth = SimpleNamespace(km_in=0.0, km_out=30.0)
    tt = _planned_shuttle(101, sched, fortified=(depth,), breakthrough_km_per_day=10.0)
    assert tt.km_at(24.0) == pytest.approx(10.0, abs=1e-6)
    assert tt.km_at(48.0) == pytest.approx(20.0, abs=1e-6)


def test_a_shuttles_head_crosses_a_fortified_depth_round_the_clock():
    # shuttle33: the rule moves a head through a depth at the breakthrough rate hour by hour
    # round the clock (simulate._Loop.breach), whatever moves it; a shuttle crossed it only in
    # its window (06-16 h here), at twice the rate by day and standing at night: at 03:00 at
    # km 0, at 16:00 at km 10, still at km 10 at 20:00 (94rc into Hailar: 2.7 km in 3.2 h)
    from types import SimpleNamespace

    from logistics.advance.schedule import MarchSchedule

    sched = MarchSchedule(start_hour=6.0, hours_per_day=12.0, close_up_h=2.0)
    depth = SimpleNamespace(km_in=0.0, km_out=30.0)
    tt = _planned_shuttle(101, sched, fortified=(depth,), breakthrough_km_per_day=10.0)
    for hour in (3.0, 12.0, 20.0, 30.0, 60.0):
        assert tt.km_at(hour) == pytest.approx(10.0 * hour / 24.0, abs=1e-6)
    assert tt.first_time_at_km(30.0) == pytest.approx(72.0, abs=1e-6)


def test_a_shuttle_in_a_depth_when_its_window_closes_crosses_on_that_night():
    # the shuttle's first lift reaches a depth at km 60 at 08:00 (60 km at 30 km/h from the
    # window's opening at 06:00); a marching head crosses its 5 km at 10 km a day in 12 h
    # round the clock, so out at 20:00, after the window (06-16 h) has closed. Before, the
    # shuttle crossed it in 5 h of its window (twice the rate), out at 13:00
    from types import SimpleNamespace

    from logistics.advance.schedule import MarchSchedule

    sched = MarchSchedule(start_hour=6.0, hours_per_day=12.0, close_up_h=2.0)
    depth = SimpleNamespace(km_in=60.0, km_out=65.0)
    tt = _planned_shuttle(101, sched, fortified=(depth,), breakthrough_km_per_day=10.0)
    t_in, t_out = tt.first_time_at_km(60.0), tt.first_time_at_km(65.0)
    assert t_out - t_in == pytest.approx(12.0, abs=1e-6)
    for f in (0.25, 0.5, 0.75):
        assert tt.km_at(t_in + 12.0 * f) == pytest.approx(60.0 + 5.0 * f, abs=1e-6)
    assert np.all(tt.tail_km <= tt.km + 1e-9)


def test_a_shuttle_marches_by_day_once_the_wet_season_ends_the_heat_rule():
    # withheld30: a shuttle keeps its men on foot's window of the season in force. The heat
    # rule's night marches (march.yaml foot_column heat_rule: dry season only) held the 17th,
    # 36th and 39th Armies' shuttles to 19:00-07:00 after the rains of 11-12 Aug, while every
    # other column's window follows the season (the step loop's schedule[season]).
    from logistics.advance.schedule import MarchSchedule

    heat = MarchSchedule(start_hour=19.0, hours_per_day=12.0)
    day = MarchSchedule(start_hour=0.0, hours_per_day=12.0)
    # the rains from +36 h (12:00 on day 2): the foot window is 00:00 + 12 h from then
    tt = _planned_shuttle(301, heat, night_speed_factor=1.0, bound_km=35.0,
                          later=((36.0, day),))
    # day 2, 19:00-24:00: outside the wet window, it stands (it marched then before)
    assert tt.km_at(48.0) == pytest.approx(tt.km_at(43.0), abs=1e-9)
    # day 3: under way 00:00-12:00, standing to 24:00
    assert tt.km_at(60.0) > tt.km_at(48.0) + 1.0
    assert tt.km_at(72.0) == pytest.approx(tt.km_at(60.0), abs=1e-9)
    # the dry days keep the night window: standing 07:00-19:00, under way 19:00-24:00
    assert tt.km_at(12.0) == pytest.approx(tt.km_at(7.0), abs=1e-9)
    assert tt.km_at(24.0) > tt.km_at(19.0) + 1.0
    # with no later season it keeps its one window: under way 19:00-24:00 of day 2
    one = _planned_shuttle(301, heat, night_speed_factor=1.0, bound_km=35.0)
    assert one.km_at(48.0) > one.km_at(43.0) + 1.0


def test_seasonal_window_splits_a_span_at_the_season_change():
    from logistics.advance.schedule import MarchSchedule, SeasonalWindow

    w = SeasonalWindow(((0.0, MarchSchedule(19.0, 12.0)), (36.0, MarchSchedule(0.0, 12.0))),
                       clock0_h=0.0)
    assert w.moving_hours(0.0, 36.0) == pytest.approx(7.0 + 5.0 + 7.0)
    assert w.moving_hours(36.0, 72.0) == pytest.approx(12.0)
    assert w.moving_hours(30.0, 40.0) == pytest.approx(1.0)  # 06-07 h dry; 12-16 h wet: none


def test_a_shuttles_trucks_drive_at_their_norms_night_factor_in_a_night_window():
    # review21: a shuttle keeps the foot column's window (19-07 h in the heat), and its trucks
    # drove the night hours at the day speed where a truck-borne formation that is not
    # shuttled goes at its norm's night factor; the legs now take the window's mean factor:
    # 8 night hours (21-05) of 12 at 0.7 is 0.8, so a 30 km/h leg takes 1 / 0.8 as long
    from types import SimpleNamespace

    from logistics.advance.formation_plan import _shuttle
    from logistics.advance.schedule import MarchSchedule

    n = 101
    kms = np.arange(n, dtype=float)
    truck_s = np.full((1, n), 120.0)  # 30 km/h
    truck_s[0, 0] = 0.0
    seen = {}

    def planner(**kw):
        seen.update(kw)
        return SimpleNamespace(ok=False, reason="recorded")

    def leg_h(sched, factor):
        u = SimpleNamespace(id="rd", men=400, lift_men=100, lift_vehicle="truck", lift_trucks=5,
                            start_h=0.0, norm=SimpleNamespace(
                                embark_h=0.0, debark_h=0.0, shuttle_bound_km=None,
                                night_hours=(21.0, 5.0), night_speed_factor=factor))
        army = SimpleNamespace(h_hour=SimpleNamespace(value=datetime(1945, 8, 9, 0, 10)),
                               run_end=datetime(1945, 8, 20))
        norms = SimpleNamespace(norm_for=lambda kind: SimpleNamespace(max_speed_kmh=4.5))
        opt = SimpleNamespace(shuttle_planner=planner, speed_scale=1.0, fuel_scale=1.0)
        seg = pd.DataFrame({"lon": 120.0 + kms / 100.0, "lat": np.full(n, 45.0)})
        assert _shuttle(unit=u, army=army, norms=norms, options=opt, notes=[],
                        class_ids=("truck",), fuel_types=("petrol",),
                        step_time_s={"dry": truck_s}, step_fuel_l={"dry": np.full((1, n), 0.5)},
                        season="dry", cum_km=kms, route=seg, march_window=sched) is None
        return seen["truck_leg_h"](0.0, 60.0)

    night = MarchSchedule(start_hour=19.0, hours_per_day=12.0)
    assert leg_h(night, 1.0) == pytest.approx(2.0)
    assert leg_h(night, 0.7) == pytest.approx(2.0 / 0.8)
    assert leg_h(MarchSchedule(start_hour=6.0, hours_per_day=12.0), 0.7) == pytest.approx(2.0)


def _two_seasons_by_hand():
    """200 men, lift 100, 60 km, no loading time; dry: trucks 30 km/h, men 5 km/h; from 1 h
    under way wet: trucks 15 km/h, men 3 km/h (both ways). By hand: trip 1 drives 30 km dry
    and 30 km wet, arrives at 3 h; the men walked 5 km dry and 6 km wet, to km 11. The truck
    back from km 60 meets them after 49/18 h, at km 11 + 49/6 (= 115/6), 245/6 km from the end:
    another 49/18 h. Last men at the end at 3 + 49/9 = 76/9 h (all dry: 2 + 20/7 = 34/7 h)."""
    km = np.array([0.0, 60.0])
    return km, dict(later=((1.0, km / 15.0, km / 3.0, None),))


def test_a_shuttle_drives_and_marches_on_the_ground_of_the_season_in_force():
    # shuttle30: a shuttle was priced on the dry cost surface for the whole run (the 17th,
    # 36th and 39th Armies' rifle divisions kept dry going after the rains of 11 Aug)
    km, wet = _two_seasons_by_hand()
    s = shuttle_advance(200, 100, km, km / 30.0, km / 5.0, load_h=0.0, unload_h=0.0, **wet)
    assert s.trips["arrive_h"].iloc[0] == pytest.approx(3.0)
    assert s.trips["pickup_km"].iloc[1] == pytest.approx(115.0 / 6.0)
    assert s.trips["pickup_h"].iloc[1] == pytest.approx(3.0 + 49.0 / 18.0)
    assert s.finish_h == pytest.approx(76.0 / 9.0)
    head, tail = s.at(np.array([1.0, 3.0]))
    assert head[0] == pytest.approx(30.0) and tail[0] == pytest.approx(5.0)
    assert head[1] == pytest.approx(60.0) and tail[1] == pytest.approx(11.0)
    dry = shuttle_advance(200, 100, km, km / 30.0, km / 5.0, load_h=0.0, unload_h=0.0)
    assert dry.finish_h == pytest.approx(34.0 / 7.0)


def test_a_shuttles_trucks_burn_each_seasons_litres_for_the_km_they_drive_in_it():
    # the same shuttle in the step loop's terms: 1 L/km dry, 2 L/km wet. By hand: 30 km
    # dry, then 30 km loaded + 245/6 back + 245/6 loaded wet: 30 + 2 (30 + 245/3) = 253 1/3 L
    km, _ = _two_seasons_by_hand()
    tt = shuttle_timetable(men=200, lift_men=100, route_km=60.0, start_h=0.0, end_h=24.0,
                           truck_leg_h=lambda a, b: abs(b - a) / 30.0, truck_fuel_l_per_km=1.0,
                           march_kmh=5.0, march_hours=lambda t0, t1: max(0.0, t1 - t0),
                           load_h=0.0, unload_h=0.0,
                           later_seasons=((1.0, lambda a, b: abs(b - a) / 15.0,
                                           lambda a, b: abs(b - a) / 3.0, 2.0),))
    t = np.asarray(tt["time_h"])
    assert float(np.interp(1.0, t, tt["fuel_l"])) == pytest.approx(30.0)
    assert tt["fuel_l"][-1] == pytest.approx(30.0 + 2.0 * (30.0 + 245.0 / 3.0))
    done = t[int(np.argmax(np.asarray(tt["tail_km"]) >= 60.0 - 1e-9))]
    assert done == pytest.approx(76.0 / 9.0)
    # a man setting off on foot at km 0 at 0 h: 5 km dry by 1 h, then 3 km/h
    assert tt["walk"](0.0, 0.0, 3.0) == pytest.approx(11.0)


def test_the_plan_lays_a_shuttle_on_the_wet_tables_from_the_rains():
    # formation_plan._shuttle: trucks 30 km/h and 0.5 L/km a truck dry, 15 km/h and 2 L/km
    # wet from +12 h; a 24 h window, 5 trucks never idle. Up to the change the shuttle is the
    # all-dry one; after it its trucks drive half as far an hour at four times the litres a
    # km: twice the litres an hour (10 L/km x 15 km/h against 2.5 L/km x 30 km/h)
    from logistics.advance.schedule import MarchSchedule

    always = MarchSchedule(start_hour=0.0, hours_per_day=24.0)
    dry = _planned_shuttle(301, always, night_speed_factor=1.0, bound_km=35.0)
    tt = _planned_shuttle(301, always, night_speed_factor=1.0, bound_km=35.0,
                          later=((12.0, always),), wet_truck_kmh=15.0, wet_l_per_km=2.0)
    for h in (6.0, 12.0):
        assert tt.km_at(h) == pytest.approx(dry.km_at(h), abs=1e-6)
    assert tt.km_at(24.0) < dry.km_at(24.0) - 20.0

    def fuel(timetable, h):
        return float(np.interp(h, np.asarray(timetable.time_h), np.asarray(timetable.fuel_l)))

    assert fuel(tt, 12.0) == pytest.approx(fuel(dry, 12.0))
    assert fuel(tt, 24.0) - fuel(tt, 12.0) == pytest.approx(2.0 * fuel(dry, 12.0), rel=1e-6)
