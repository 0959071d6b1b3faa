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
