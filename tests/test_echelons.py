"""Echelons: the daily march cap of the simulator, and compare's use of an axis's echelon runs
as one army of formations (rows matched by the formation rules, not by echelon)."""

from __future__ import annotations

import csv
from datetime import datetime

import numpy as np
import pytest

from logistics.errors import ConfigError
from logistics.history.compare import compare
from logistics.history.documented import COLUMNS
from logistics.scenario import load_scenario
from logistics.advance.formation import VehicleGroup
from logistics.advance.plan import Plan
from logistics.advance.profiles import RouteProfile
from logistics.advance.schedule import MarchSchedule
from logistics.advance.simulate import simulate

# -- the daily march cap --------------------------------------------------------------------


def _foot_plan(max_km_per_day: float, *, speed_kmh: float = 5.0, start_hour: float = 0.0,
               days: int = 4) -> Plan:
    """A 1000 km straight route walked at ``speed_kmh``, 12 h a day, no fuel at all."""
    km = np.linspace(0.0, 1000.0, 2001)
    t0 = datetime(1945, 8, 9, 0, 0)
    return Plan(
        start=t0, end=datetime(1945, 8, 9 + days), route_km=km,
        route_lon=120.0 + km / 100.0, route_lat=np.full_like(km, 45.0),
        profiles={"dry": RouteProfile(km / speed_kmh * 3600.0, np.zeros((1, km.size)))},
        seasons=((0.0, "dry"),),
        groups=(VehicleGroup("foot-infantry", 1, 0.0, 0.0, "none"),),
        on_hand_l=np.zeros(1), capacity_l=np.zeros(1),
        schedule=MarchSchedule(start_hour=start_hour, hours_per_day=12.0,
                               max_km_per_day=max_km_per_day),
    )


def test_foot_column_stops_at_the_daily_cap():
    # 12 h at 5 km/h would be 60 km a day; the norm's 40 km bounds it, every day.
    daily = simulate(_foot_plan(40.0)).daily
    assert np.allclose(daily["km_day"], 40.0)
    assert daily["cum_km"].iloc[-1] == pytest.approx(160.0)


def test_without_a_cap_the_terrain_speed_decides():
    daily = simulate(_foot_plan(np.inf)).daily
    assert np.allclose(daily["km_day"], 60.0)


def test_cap_above_the_speed_changes_nothing():
    daily = simulate(_foot_plan(75.0)).daily
    assert np.allclose(daily["km_day"], 60.0)


def test_cap_counts_per_march_day_not_per_calendar_day():
    # March window 18:00-06:00: each march day's 40 km fall on two calendar dates; the
    # column never covers more than 40 km between two 18:00s.
    track = simulate(_foot_plan(40.0, start_hour=18.0, days=5)).track
    at = track.set_index("time")["cum_km"]
    marks = [at[datetime(1945, 8, d, 18)] for d in range(9, 14)]
    assert np.allclose(np.diff(marks), 40.0)
    # the window open at H-hour (from 8 Aug 18:00) has 6 h left: 30 km, under its cap
    assert marks[0] == pytest.approx(30.0)


def test_cap_must_be_positive(tmp_path):
    text = (tmp_path / "s.yaml")
    src = open("configs/tbf-39a.yaml", encoding="utf-8").read()
    text.write_text(src.replace("      value: 40\n      cite: \"PM 2.4 BSE",
                                "      value: 0\n      cite: \"PM 2.4 BSE"), encoding="utf-8")
    with pytest.raises(ConfigError, match="max_km_per_day must be > 0"):
        load_scenario(text)


def test_echelon_key_is_validated_and_names_the_run_folder(tmp_path):
    assert load_scenario("configs/tbf-39a.yaml").run_id == "TBF-39A"
    assert load_scenario("configs/tbf-39a-mobile.yaml").run_id == "TBF-39A-mobile"
    bad = tmp_path / "bad.yaml"
    bad.write_text(open("configs/tbf-39a-mobile.yaml", encoding="utf-8").read().replace(
        "echelon: mobile", "echelon: rearguard"), encoding="utf-8")
    with pytest.raises(ConfigError, match="echelon"):
        load_scenario(bad)


# -- compare with two echelons --------------------------------------------------------------


@pytest.fixture(scope="module")
def toys(toy):
    return {
        "AX": toy.Scenario("AX", base_km_per_day=30.0),
        "AX-mobile": toy.Scenario("AX", base_km_per_day=100.0, echelon="mobile"),
        "AY": toy.Scenario("AY", base_km_per_day=30.0, lon0=121.0),
    }


def _csv(path):
    def row(axis, formation, lo, hi):
        r = {c: "" for c in COLUMNS}
        r.update(axis_id=axis, front="F", formation=formation, date="1945-08-09",
                 place_reached="-", source="s", quote="q", confidence="high",
                 cumulative_km_from_start_documented=f"{lo}-{hi}", km_min=lo, km_max=hi)
        return r

    rows = [row("AX", "AX mobile group", 90, 110), row("AX", "AX main forces", 25, 35),
            row("AY", "AY forward detachment", 90, 110)]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(COLUMNS))
        w.writeheader()
        w.writerows(rows)
    return path


def test_compare_joins_echelon_runs_into_one_army(toy, toys, tmp_path):
    folder = tmp_path / "configs"
    folder.mkdir()
    for stem in toys:
        (folder / f"{stem}.yaml").write_text("toy\n")
    comp = compare(_csv(tmp_path / "d.csv"), configs_dir=folder,
                   loader=lambda p: toys[p.stem], runner=toy.runner, railways=False)
    t = comp.table.set_index("row")
    assert list(t["matched_formation"]) == ["mobile", "main", "main"]
    assert t.loc[2, "match_rule"] == "rule 3: the army's mobile group"
    assert t.loc[3, "match_rule"] == "rule 3: the army's main forces"
    # mobile row against the 100 km/day track: inside 90-110; main row against 30 km/day: inside
    assert t.loc[2, "modeled_km"] == pytest.approx(100.0)
    assert t.loc[2, "km_error"] == 0.0
    assert t.loc[3, "modeled_km"] == pytest.approx(30.0)
    assert t.loc[3, "km_error"] == 0.0
    # AY has no forward detachment: the row names no formation of it, so the army as a whole
    assert t.loc[4, "modeled_km"] == pytest.approx(30.0)
    assert t.loc[4, "km_error"] == pytest.approx(-60.0)
    assert t.loc[4, "match_rule"] == "rule 4: names no formation of the army"
    assert comp.axes["AX"].trace.formation_ids == ["main", "mobile"]
    assert comp.axes["AY"].trace.formation_ids == ["main"]
    assert not comp.inputs.config_problems


def test_calibration_scores_rows_on_their_formations_like_compare(toy):
    import math

    import pandas as pd

    from logistics.history.calibrate import evaluate_grid

    # main body 20 km/day, mobile group 100 km/day; one documented row for each, both exact
    main, mobile = toy.Scenario("A", base_km_per_day=20.0), toy.Scenario("A", base_km_per_day=100.0)
    rows = pd.DataFrame([
        {"row": 1, "formation": "A main forces", "place_reached": "x",
         "date": pd.Timestamp("1945-08-10"), "lat": math.nan, "lon": math.nan,
         "km_min": 40.0, "km_max": 40.0, "date_basis": "end_of_day", "usable": True},
        {"row": 2, "formation": "A mobile group", "place_reached": "y",
         "date": pd.Timestamp("1945-08-10"), "lat": math.nan, "lon": math.nan,
         "km_min": 200.0, "km_max": 200.0, "date_basis": "end_of_day", "usable": True},
    ])
    with_mobile = evaluate_grid({"A": (main, rows, mobile)}, [], runner=toy.runner)
    assert with_mobile["sum_abs_km"].tolist() == [pytest.approx(0.0)]
    assert with_mobile["n_km"].tolist() == [2]
    # without the mobile scenario the army has no mobile group: the army as a whole, 160 km short
    only_main = evaluate_grid({"A": (main, rows)}, [], runner=toy.runner)
    assert only_main["sum_abs_km"].tolist() == [pytest.approx(160.0)]
