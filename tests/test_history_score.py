"""Scoring on hand-made tracks: ranges, open bounds, places reached or missed, conflicts."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from logistics.geodesy import locate_on_route
from logistics.history.runs import RunTrace
from logistics.history.score import (
    find_disagreements,
    km_at_time,
    range_error_km,
    score_rows,
    time_at_km,
    window_error_days,
)

KM_PER_DEG_LON_45 = 6371.0088 * math.pi / 180 * math.cos(math.radians(45.0))
START = pd.Timestamp("1945-08-09 00:00")


def corridor(rate_km_per_day=60.0, days=10, halt_km=None):
    """Route due east along 45 N from 120 E, 10 km vertices; hourly track at a steady rate."""
    km = np.arange(0, 1001, 10.0)
    route = pd.DataFrame({"cum_km": km, "lon": 120 + km / KM_PER_DEG_LON_45, "lat": 45.0})
    hours = np.arange(days * 24 + 1)
    cum = rate_km_per_day * hours / 24.0
    if halt_km is not None:
        cum = np.minimum(cum, halt_km)
    track = pd.DataFrame({"time": START + pd.to_timedelta(hours, "h"), "cum_km": cum})
    track["lon"] = np.interp(cum, km, route["lon"])
    track["lat"] = 45.0
    return track, route


def row(n, day, *, km=None, lat=math.nan, lon=math.nan, km_min=math.nan, km_max=math.nan,
        basis="end_of_day", notes=""):
    if km is not None:
        lon, lat = 120 + km / KM_PER_DEG_LON_45, 45.0
    return {"row": n, "axis_id": "T", "date": pd.Timestamp(day), "lat": lat, "lon": lon,
            "km_min": km_min, "km_max": km_max, "date_basis": basis, "usable": True,
            "issues": "", "notes": notes, "formation": "", "place_reached": "",
            "event": "distance" if math.isnan(lat) else "arrival", "event_short_km": 0.0}


def score(rows, **kw):
    """Score against an army of one formation on the corridor (no departure line, no terrain)."""
    track, route = corridor(**kw)
    army = RunTrace(track, route, pd.DataFrame())
    return score_rows(pd.DataFrame(rows), army, tolerance_km=15).set_index("row")


def test_place_reached_half_a_day_late_and_early():
    # 150 km at 60 km/day is reached at 11 Aug 12:00.
    s = score([row(2, "1945-08-10", km=150), row(3, "1945-08-12", km=150), row(4, "1945-08-11", km=150)])
    assert s.loc[2, "arrival_time"] == pd.Timestamp("1945-08-11 12:00")
    assert s.loc[2, "date_error_days"] == pytest.approx(0.5)   # after the end of 10 Aug
    assert s.loc[3, "date_error_days"] == pytest.approx(-0.5)  # before 12 Aug began
    assert s.loc[4, "date_error_days"] == 0.0                   # within 11 Aug
    assert s.loc[2, "route_km_at_place"] == pytest.approx(150, abs=0.01)
    # The same in km: 30 km short at the end of 10 Aug, 30 km past at the start of 12 Aug.
    assert s.loc[2, "place_km_error"] == pytest.approx(-30, abs=0.01)
    assert s.loc[3, "place_km_error"] == pytest.approx(30, abs=0.01)
    assert s.loc[4, "place_km_error"] == 0.0 and s.loc[4, "error_km"] == 0.0
    assert s["scorable"].all()


def test_distance_range_inside_and_below():
    # End of 9 Aug = 1 day = 60 km.
    s = score([row(2, "1945-08-09", km_min=120, km_max=150), row(3, "1945-08-09", km_min=40, km_max=70)])
    assert s.loc[2, "modeled_km"] == pytest.approx(60)
    assert s.loc[2, "km_error"] == pytest.approx(-60)
    assert s.loc[2, "rel_km_error"] == pytest.approx(-0.5)
    assert s.loc[3, "km_error"] == 0.0 and s.loc[3, "rel_km_error"] == 0.0
    assert s.loc[2, "error_km"] == s.loc[2, "km_error"]


def test_lower_bound_and_upper_bound():
    # End of 13 Aug = 5 days = 300 km; end of 17 Aug = 540 km.
    s = score([row(2, "1945-08-13", km_min=450), row(3, "1945-08-17", km_min=450),
               row(4, "1945-08-13", km_max=250), row(5, "1945-08-09", km_max=250)])
    assert s.loc[2, "km_error"] == pytest.approx(-150)
    assert s.loc[2, "rel_km_error"] == pytest.approx(-1 / 3)
    assert s.loc[3, "km_error"] == 0.0          # above a lower bound is no error
    assert s.loc[4, "km_error"] == pytest.approx(50)
    assert s.loc[4, "rel_km_error"] == pytest.approx(0.2)
    assert s.loc[5, "km_error"] == 0.0          # below an upper bound is no error


def test_missed_place_reports_distance_and_is_not_date_scored():
    s = score([row(2, "1945-08-10", lat=46.0, lon=121.0)])  # 1 degree north of the route
    assert not s.loc[2, "scorable"]
    assert math.isnan(s.loc[2, "date_error_days"])
    assert s.loc[2, "route_error_km"] == pytest.approx(111.2, abs=0.5)
    assert "misses the place by 111" in s.loc[2, "note"] and "no terrain" in s.loc[2, "note"]


def test_missed_place_with_distance_is_still_km_scored():
    s = score([row(2, "1945-08-09", lat=46.0, lon=121.0, km_min=50, km_max=80)])
    assert s.loc[2, "scorable"] and s.loc[2, "scorable_km"] and not s.loc[2, "scorable_date"]
    assert s.loc[2, "km_error"] == 0.0


def test_place_not_reached_gives_a_censored_lower_bound():
    # Halts at 200 km; the run ends 19 Aug 00:00; the place at 300 km is dated 12 Aug.
    s = score([row(2, "1945-08-12", km=300)], halt_km=200)
    assert s.loc[2, "date_censored"]
    assert s.loc[2, "date_error_days"] == pytest.approx(6.0)  # 13 Aug 00:00 -> 19 Aug 00:00
    assert s.loc[2, "place_km_error"] == pytest.approx(200 - 300)  # behind at the end of 12 Aug
    assert "lower bound" in s.loc[2, "note"]


def test_no_later_than_does_not_penalise_early_arrival():
    # a run of 12 days (to 21 Aug): a day after the run's end is a problem, not scored
    s = score([row(2, "1945-08-20", km=150, basis="no_later_than"), row(3, "1945-08-20", km=150)],
              days=12)
    assert s.loc[2, "date_error_days"] == 0.0
    assert s.loc[3, "date_error_days"] == pytest.approx(-8.5)


def test_a_day_the_run_does_not_cover_is_a_problem_not_a_score():
    """The corridor runs 9 Aug 00:00 to 19 Aug 00:00: its first and last days are scored; the
    day before, the day it ends on and a year slip are problems (scored, the slip was a
    date error of some 36,500 days, and 19 Aug -7.5 days against the run's last record)."""
    days = ["1945-08-09", "1945-08-18", "1945-08-08", "1945-08-19", "1845-08-11"]
    s = score([row(n, d, km=150) for n, d in enumerate(days, start=2)])
    assert s.loc[[2, 3], "scorable"].all()
    assert s.loc[3, "date_error_days"] == pytest.approx(-6.5)  # 11 Aug 12:00 vs 18 Aug
    for n, when in ((4, "before the run's start"), (5, "after the run's end"),
                    (6, "before the run's start")):
        assert not s.loc[n, "scorable"] and math.isnan(s.loc[n, "date_error_days"])
        assert s.loc[n, "problem"].startswith("documented date outside the run") and when in s.loc[n, "problem"]
        assert s.loc[n, "note"] == f"not scored: {s.loc[n, 'problem']}"
    assert "1945-08-09 00:00 to 1945-08-19 00:00" in s.loc[4, "problem"]


def test_row_without_place_or_distance_is_reported_not_scored():
    s = score([row(2, "1945-08-10")])
    assert not s.loc[2, "scorable"]
    assert "no coordinate and no distance" in s.loc[2, "note"]


def test_unusable_row_keeps_its_reason():
    r = row(2, "1945-08-10", km=100)
    r.update(usable=False, issues="date: bad date")
    s = score([r])
    assert not s.loc[2, "scorable"] and "bad date" in s.loc[2, "note"]


def test_conflicting_rows_are_each_scored_and_reported():
    rows = [row(2, "1945-08-11", km_min=450), row(3, "1945-08-12", km_min=200, km_max=250),
            row(4, "1945-08-12", km=150), row(5, "1945-08-14", km=152)]
    s = score(rows)
    assert s.loc[[2, 3, 4, 5], "scorable"].all()
    found = find_disagreements(pd.DataFrame(rows))
    assert any("row 3" in w for w in found[2]) and any("row 2" in w for w in found[3])
    assert any("row 5" in w for w in found[4])  # same place, two dates
    assert set(found) == {2, 3, 4, 5}


def test_find_disagreements_quiet_on_consistent_rows():
    rows = [row(2, "1945-08-09", km_min=120, km_max=150), row(3, "1945-08-11", km_min=450),
            row(4, "1945-08-12", km=600)]
    assert find_disagreements(pd.DataFrame(rows)) == {}


def test_locate_first_pass_wins():
    # A route that passes the place, goes away and comes back: the first pass is taken.
    route = pd.DataFrame({"cum_km": [0, 100, 200, 300], "lon": [120, 121.27, 120, 121.27],
                          "lat": [45, 45, 45.001, 45]})
    fix = locate_on_route(route, 121.27, 45.0, tolerance_km=5)
    assert fix.reached and fix.route_km == pytest.approx(100, abs=0.5)


def test_helpers_by_hand():
    track, _ = corridor()
    assert time_at_km(track, 30) == pd.Timestamp("1945-08-09 12:00")
    assert time_at_km(track, 5000) is None
    assert km_at_time(track, pd.Timestamp("1945-08-10")) == pytest.approx(60)
    assert km_at_time(track, pd.Timestamp("1945-09-30")) == pytest.approx(600)
    assert window_error_days(pd.Timestamp("1945-08-09 06:00"), pd.Timestamp("1945-08-10")) == -0.75
    assert range_error_km(10, math.nan, math.nan) == (0.0, 0.0)


# Properties of the two error measures (hypothesis): zero exactly inside, signed outside.
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_km = st.floats(0, 2000, allow_nan=False)


@given(_km, _km, _km)
def test_range_error_is_zero_inside_and_signed_outside(x, a, b):
    lo, hi = min(a, b), max(a, b)
    err, rel = range_error_km(x, lo, hi)
    if lo <= x <= hi:
        assert err == 0.0 and rel == 0.0
    elif x < lo:
        assert err == pytest.approx(x - lo) and err < 0
    else:
        assert err == pytest.approx(x - hi) and err > 0
    # An open bound never penalises the open side.
    assert range_error_km(x, lo, math.nan)[0] == min(0.0, x - lo)
    assert range_error_km(x, math.nan, hi)[0] == max(0.0, x - hi)


@given(st.floats(-10, 10, allow_nan=False))
def test_window_error_is_zero_within_the_day_and_grows_outside(offset_days):
    day = pd.Timestamp("1945-08-12")
    arrival = day + pd.Timedelta(days=offset_days)
    err = window_error_days(arrival, day)
    if 0 <= offset_days < 1:
        assert err == 0.0
    elif offset_days >= 1:
        assert err == pytest.approx(offset_days - 1, abs=1e-6)
    else:
        assert err == pytest.approx(offset_days, abs=1e-6)
    assert window_error_days(arrival, day, basis="no_later_than") == max(0.0, err)


def test_depth_flag_counts_the_approach_distance():
    from logistics.history.depth import depth_flag

    line = ((120.0, 44.0), (120.0, 46.0))
    lon = 120 + 133 / KM_PER_DEG_LON_45  # 133 km east of the line
    assert depth_flag(100, 100, lon, 45.0, line, tolerance_km=15) != ""
    assert depth_flag(100, 100, lon, 45.0, line, tolerance_km=15, short_km=20) == ""
    assert depth_flag(120, 150, lon, 45.0, line, tolerance_km=15) == ""
    assert depth_flag(100, 100, lon, 45.0, (), tolerance_km=15) == ""
