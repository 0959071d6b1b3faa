"""The planned-rate baseline: its rates and citations, its track, skill."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from logistics.errors import ConfigError
from logistics.history.baseline import baseline_track, load_planned_rates, planned_rate_for, skill
from logistics.history.score import score_rows

ROUTE = pd.DataFrame({"cum_km": [0.0, 100.0, 200.0], "lon": [120.0, 121.0, 122.0], "lat": 45.0})
START = pd.Timestamp("1945-08-09 00:10")


def test_shipped_rates_are_the_documented_plans():
    rates = load_planned_rates()
    tank = rates["TBF-6GTA"]
    assert tank.rate_km_per_day == 70.0 and tank.basis == "documented"
    assert "350 km" in tank.quote and "SEED-001" in tank.source
    rifle = rates["TBF-36A"]
    assert rifle.rate_km_per_day == pytest.approx(350 / 15, abs=0.01) and rifle.basis == "documented"
    assert "LOZA41" in rifle.source
    assert rates["1FEF-5A"].basis == "assumed" and "No planned rate" in rates["1FEF-5A"].reason


def test_unlisted_axis_gets_the_default_under_its_own_name():
    r = planned_rate_for("USER-AXIS", load_planned_rates())
    assert r.axis_id == "USER-AXIS" and r.basis == "assumed" and r.rate_km_per_day > 0


def test_bad_rates_file_lists_every_problem(tmp_path):
    p = tmp_path / "r.yaml"
    p.write_text("A:\n  rate_km_per_day: -1\n  basis: guessed\n")
    with pytest.raises(ConfigError) as exc:
        load_planned_rates(p)
    msg = str(exc.value)
    for part in ("A.rate_km_per_day", "A.basis", "A.reason", "default: missing"):
        assert part in msg


def test_baseline_track_moves_steadily_then_holds():
    end = START + pd.Timedelta(days=5)
    tr = baseline_track(ROUTE, START, end, 50.0)
    assert list(tr["cum_km"]) == [0.0, 200.0, 200.0]
    assert tr["time"].iloc[1] == START + pd.Timedelta(days=4)
    assert tr["lon"].iloc[1] == pytest.approx(122.0)
    short = baseline_track(ROUTE, START, START + pd.Timedelta(days=2), 50.0)
    assert list(short["cum_km"]) == [0.0, 100.0]
    with pytest.raises(ConfigError):
        baseline_track(ROUTE, START, end, 0.0)


def test_baseline_scored_like_the_model():
    tr = baseline_track(ROUTE, pd.Timestamp("1945-08-09"), pd.Timestamp("1945-08-20"), 50.0)
    rows = pd.DataFrame([{"row": 2, "date": pd.Timestamp("1945-08-09"), "lat": 45.0, "lon": 121.0,
                          "km_min": 120.0, "km_max": 150.0, "date_basis": "end_of_day", "usable": True}])
    s = score_rows(rows, tr, ROUTE).iloc[0]
    assert s["km_error"] == pytest.approx(-70)           # 50 km at end of day 1 vs >=120
    assert s["date_error_days"] == pytest.approx(1.0)    # 100 km reached 11 Aug 00:00


def test_skill_definition_and_edge_cases():
    assert skill([1, 1], [2, 2]) == pytest.approx(0.5)
    assert skill([2, 2], [2, 2]) == 0.0
    assert skill([3, -3], [1, 1]) == pytest.approx(-2.0)
    assert skill([1, math.nan], [2, 100]) == pytest.approx(0.5)   # pairs only
    assert math.isnan(skill([1], [0]))                          # perfect baseline: undefined
    assert math.isnan(skill([], []))
