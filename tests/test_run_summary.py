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
    from logistics.runner import _first_left_dry

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
    track = pd.DataFrame({"time": pd.date_range("1945-08-13 01:00", periods=len(st), freq="h"),
                          "status": st, "cum_km": [float(i) for i in range(len(st))],
                          "lon": 120.0, "lat": 45.0})
    first, last = _halts(track, pd.Timestamp("1945-08-13 00:00"))
    assert not first["to_end"] and first["end"] == pd.Timestamp("1945-08-13 03:00")
    assert last["to_end"] and last["start"] == pd.Timestamp("1945-08-13 05:00")
    assert last["end"] == pd.Timestamp("1945-08-13 08:00")
    assert _halt_text(first) == "13 Aug 01:00 - 13 Aug 03:00 at km 1"
    assert _halt_text(last) == ("13 Aug 05:00 - 13 Aug 08:00 at km 5, still halted when the "
                                "run ends")
