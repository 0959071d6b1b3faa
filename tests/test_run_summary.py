"""The one-screen summary of `logistics run` (logistics/report/run_page.summary_lines)."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from logistics.report.run_page import summary_lines


def _result(n_objectives: int) -> SimpleNamespace:
    summary = {"days": 18, "formation_id": "a", "km": 100.0, "route_km": 100.0,
               "formations": [], "first_dry_formation": None, "halts": [], "highest": None}
    reached = pd.DataFrame({
        "formation_id": [f"formation-{i:02d}" for i in range(n_objectives)],
        "name": [f"Objective town {i:02d}" for i in range(n_objectives)],
        "time": pd.date_range("1945-08-10 06:00", periods=n_objectives, freq="h"),
        "kind": "objective"})
    return SimpleNamespace(summary=summary, scenario=SimpleNamespace(axis_id="X", name="x"),
                           reached=reached)


def test_a_long_objectives_line_is_cut_between_entries_and_says_how_many_are_left():
    line = next(t for t in summary_lines(_result(40)) if t.startswith("  objectives: "))
    entries = line.removeprefix("  objectives: ").split("; ")
    *whole, rest = entries
    # every entry shown is whole ("formation-NN Objective town NN 10 Aug HH:MM") ...
    assert all(e.startswith("formation-") and e.endswith(":00") for e in whole), whole[-1]
    # ... and the rest are counted, not cut mid-name
    assert rest == f"... {40 - len(whole)} more (every reached objective: report.md, Results)"
    assert len(line) <= 700


def test_a_short_objectives_line_is_written_whole():
    line = next(t for t in summary_lines(_result(3)) if t.startswith("  objectives: "))
    assert line.count("formation-") == 3 and "more" not in line


def test_vehicles_left_dry_are_where_and_when_the_stops_table_has_them():
    """The summary's 'vehicles left dry from T at km K' is the step loop's ``dry`` stop (the
    17th Army's forward detachment: trucks left at km 365.1 at 11:34), not the track row's
    step start with its head's km at the step's end ('12 Aug 11:00 at km 368', a place
    the head had not reached at 11:00 and the trucks never did); no stop in that step: None
    (the track row's reading stands)."""
    from logistics.track_events import first_left_dry as _first_left_dry

    stops = pd.DataFrame({
        "time": pd.to_datetime(["1945-08-12 11:34", "1945-08-14 02:00"]),
        "cum_km": [365.1, 420.0],
        "name": ["studebaker-us6 dry; they stay behind (the army's reserve, with 17a-rds, is "
                 "124 km away: beyond its reach of 100 km)", "t-34-85 dry; they stay behind"]})
    got = _first_left_dry(stops, pd.Timestamp("1945-08-12 11:00"),
                          pd.Timestamp("1945-08-12 12:00"))
    assert got == {"time": pd.Timestamp("1945-08-12 11:34"), "cum_km": 365.1,
                   "class": "studebaker-us6"}
    assert _first_left_dry(stops, pd.Timestamp("1945-08-13 11:00"),
                           pd.Timestamp("1945-08-13 12:00")) is None
    assert _first_left_dry(stops.iloc[:0], pd.Timestamp("1945-08-12 11:00"),
                           pd.Timestamp("1945-08-12 12:00")) is None


def test_a_halt_with_only_rest_after_it_is_said_to_last_to_the_runs_end():
    """runner._halts: a spell followed by a march ends there; one followed only by rest
    hours (nightly, outside the march window) lasts to the run's end, and the summary says
    so instead of leaving its last halted hour to read as when the formation moved on."""
    from logistics.report.run_page import _halt_text
    from logistics.runner import _halts

    st = ["moving", "halted: no fuel", "halted: no fuel", "rest", "moving",
          "halted: no fuel", "rest", "halted: no fuel", "rest", "rest"]
    km = [1.0, 1.0, 1.0, 1.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0]  # it stands while halted
    track = pd.DataFrame({"time": pd.date_range("1945-08-13 01:00", periods=len(st), freq="h"),
                          "status": st, "cum_km": km, "lon": 120.0, "lat": 45.0})
    first, last = _halts(track, pd.Timestamp("1945-08-13 00:00"))
    assert not first["to_end"] and first["end"] == pd.Timestamp("1945-08-13 03:00")
    assert last["to_end"] and last["start"] == pd.Timestamp("1945-08-13 05:00")
    assert last["end"] == pd.Timestamp("1945-08-13 08:00")
    assert _halt_text(first) == "13 Aug 01:00 - 13 Aug 03:00 at km 1"
    assert _halt_text(last) == ("13 Aug 05:00 - 13 Aug 08:00 at km 5, still halted when the "
                                "run ends")


def _plan_and_formation(start: str):
    """The few plan and formation fields ``runner._one_summary`` reads (a tracked formation
    with fuel in its tanks, one season)."""
    from types import SimpleNamespace as NS

    plan = NS(start=pd.Timestamp(start), seasons=((pd.Timestamp(start), "dry"),),
              reserve_reach_km=100.0, reserve_l={},
              army=NS(fuel=NS(in_tanks_refills=NS(value=1.0))))
    fp = NS(id="fd-x", unit=NS(name="fd x"), route_km=40.0, column_length_km=5.0,
            schedule={"dry": NS(moving_hours_per_day=16.0)}, notes=(), timetable=None,
            refill_l=100.0, extra_l=[0.0])
    return plan, fp


def _held_track() -> pd.DataFrame:
    """A head at 6 km/h from 13 Aug 00:00 that drives 2.5 km of the step to 03:00 and stands
    dry at km 14.5, moves on at 05:00, and stands dry at km 20.5 from 06:00 (it did not move
    in the step to 07:00)."""
    st = ["moving", "moving", "halted: no fuel", "halted: no fuel", "rest", "moving",
          "halted: no fuel", "halted: no fuel", "moving"]
    km = [6.0, 12.0, 14.5, 14.5, 14.5, 20.5, 20.5, 20.5, 26.5]
    return pd.DataFrame({"time": pd.date_range("1945-08-13 01:00", periods=len(st), freq="h"),
                         "status": st, "cum_km": km, "lon": [120.0 + k / 100 for k in km],
                         "lat": 45.0, "dry_classes": ["", "", "t-34-85", "t-34-85", "", "",
                                                      "t-34-85", "t-34-85", ""]})


def test_held_for_fuel_is_one_hour_and_the_km_the_head_stood_at_then(monkeypatch):
    """'held for fuel from T at km K', 'first held for fuel' and the halts name the km where
    the head stood dry and the first hour the track has it standing there: the step's end
    when it drove part of that step (13 Aug 03:00 at km 14.5; was the step's start, 02:00,
    when its track has it at km 12), the step's start when it stood there already (06:00 at
    km 20.5)."""
    from logistics import runner

    monkeypatch.setattr(runner, "near_place", lambda lon, lat: "somewhere")
    plan, fp = _plan_and_formation("1945-08-13 00:00")
    track = _held_track()
    route = pd.DataFrame({"cum_km": [0.0, 9.0, 40.0], "lon": 120.0, "lat": 45.0,
                          "elev_m": [100.0, 900.0, 200.0]})
    daily = pd.DataFrame({"cum_km": [26.5], "km_day": [26.5]})
    s = runner._one_summary(plan, fp, track, daily, route)
    assert (s["first_dry"]["time"], s["first_dry"]["cum_km"]) == (
        pd.Timestamp("1945-08-13 03:00"), 14.5)
    assert s["first_dry"]["lon"] == track["lon"].iloc[2]  # where it stood, as its km
    assert [(h["start"], h["end"], h["cum_km"]) for h in s["halts"]] == [
        (pd.Timestamp("1945-08-13 03:00"), pd.Timestamp("1945-08-13 04:00"), 14.5),
        (pd.Timestamp("1945-08-13 06:00"), pd.Timestamp("1945-08-13 08:00"), 20.5)]
    # the highest point, km 9, lies half-way along the step from 01:00 (km 6) to 02:00 (km 12)
    assert s["highest"]["time"] == pd.Timestamp("1945-08-13 01:30")


def test_held_at_takes_the_stops_table_when_the_head_itself_ran_dry_there():
    """``track_events.held_at``: a ``dry`` stop in the step at the head's km is the hour the
    head ran dry (02:40); a stop where vehicles were left behind short of it (km 13.0) is
    another event, and the first hour the track shows the head standing is said (03:00)."""
    from logistics.track_events import held_at

    track = _held_track()
    start = pd.Timestamp("1945-08-13 00:00")
    at_head = pd.DataFrame({"time": [pd.Timestamp("1945-08-13 02:40")], "cum_km": [14.5],
                            "name": ["t-34-85 dry; they stay behind"]})
    assert held_at(track, 2, start, at_head) == {"time": pd.Timestamp("1945-08-13 02:40"),
                                                  "cum_km": 14.5}
    behind = at_head.assign(cum_km=13.0)
    assert held_at(track, 2, start, behind) == {"time": pd.Timestamp("1945-08-13 03:00"),
                                                 "cum_km": 14.5}
    assert held_at(track, 6, start) == {"time": pd.Timestamp("1945-08-13 06:00"),
                                        "cum_km": 20.5}


def test_the_highest_point_is_passed_when_the_track_reaches_it_or_not_at_all():
    """``track_events.passed_at``: on a straight line within the step, to the minute (km 9
    of a step from km 6 at 01:00 to km 12 at 02:00: 01:30; km 13 of the step from km 12 at
    02:00 to km 14.5 at 03:00: 02:24); a km the head never reached: None ('not reached')."""
    from logistics.track_events import passed_at

    track, start = _held_track(), pd.Timestamp("1945-08-13 00:00")
    assert passed_at(track, 9.0, start) == pd.Timestamp("1945-08-13 01:30")
    assert passed_at(track, 13.0, start) == pd.Timestamp("1945-08-13 02:24")
    assert passed_at(track, 26.5, start) == pd.Timestamp("1945-08-13 09:00")
    assert passed_at(track, 30.0, start) is None


def test_a_halt_the_track_first_shows_at_its_only_step_end_lasts_under_an_hour():
    """A head that drove part of an hour, stood dry at its end and moved on in the next has a
    spell from and to that hour's end (``runner._halts``); the summary says 'under an hour
    to T', not 'T - T' (the 6th Guards Tank Army's 7th Mechanised Corps, 19 Aug 02:00)."""
    from logistics.report.run_page import _halt_text
    from logistics.runner import _halts

    track = pd.DataFrame({"time": pd.date_range("1945-08-19 01:00", periods=3, freq="h"),
                          "status": ["moving", "halted: no fuel", "moving"],
                          "cum_km": [444.07, 444.40, 450.0], "lon": 120.0, "lat": 45.0})
    (spell,) = _halts(track, pd.Timestamp("1945-08-19 00:00"))
    assert spell["start"] == spell["end"] == pd.Timestamp("1945-08-19 02:00")
    assert _halt_text(spell) == "under an hour to 19 Aug 02:00 at km 444"


def test_objectives_read_in_time_order():
    """The loop books objectives by hour step, then in the army's formation order: three
    reached in one hour came out 01:45, 01:40, 01:17 (the 6th GTA's corps at Tungliao). The
    summary lists them in time order, the same hour keeping the loop's order."""
    r = _result(3)
    r.reached["time"] = pd.to_datetime(["1945-08-22 01:45", "1945-08-22 01:40",
                                        "1945-08-22 01:17"])
    line = next(t for t in summary_lines(r) if t.startswith("  objectives: "))
    assert [e.split()[0] for e in line.removeprefix("  objectives: ").split("; ")] == \
        ["formation-02", "formation-01", "formation-00"], line
