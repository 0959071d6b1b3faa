"""Echelons in the comparison (``history/``, until it scores formations): the row -> echelon
rule, and compare's use of a mobile scenario (with the fallback to main when an axis has none).

The simulator's daily march cap and the scenario's ``echelon:`` key went with the army engine
(no administrative daily cap; one run is one army with all its formations)."""

from __future__ import annotations

import csv

import pytest

from logistics.history.compare import compare
from logistics.history.documented import COLUMNS
from logistics.history.echelon import row_echelon, scored_echelon

# -- the row -> echelon rule ----------------------------------------------------------------


@pytest.mark.parametrize("formation, place, expected", [
    ("39th Army mobile group", "Wangyemiao", "mobile"),
    ("36th Army mobile group (205th Tank Bde)", "approaches to Hailar", "mobile"),
    ("7th Mechanized Corps (63rd & 64th Mech Bdes; forward detachment)", "Gorobanera", "mobile"),
    ("6th Guards Tank Army, Forward Detachments of left column", "", "mobile"),
    ("1st Red Banner Army, 26th Rifle Corps / 257th Tank Bde", "Mashan", "mobile"),
    ("a tank brigade", "", "mobile"),
    ("advance guard of the 5th Army", "", "mobile"),
    ("передовой отряд корпуса", "", "mobile"),
    ("подвижная группа армии", "", "mobile"),
    ("someone", "the column's forward detachment camp", "mobile"),
    ("36th Army main forces", "Hailar (town)", "main"),
    ("6th Guards Tank Army (5th Gds Tank Corps)", "Lubei", "main"),
    ("5th Army, 65th Rifle Corps", float("nan"), "main"),
    (None, None, "main"),
])
def test_row_echelon_rule(formation, place, expected):
    assert row_echelon(formation, place) == expected


def test_mobile_row_without_mobile_scenario_falls_back_to_main_with_a_note():
    assert scored_echelon("39th Army mobile group", "", True) == ("mobile", "")
    echelon, note = scored_echelon("39th Army mobile group", "", False)
    assert echelon == "main" and "no mobile scenario" in note
    assert scored_echelon("36th Army main forces", "", True) == ("main", "")


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


def test_compare_scores_mobile_rows_on_the_mobile_track(toy, toys, tmp_path):
    folder = tmp_path / "configs"
    folder.mkdir()
    for stem in toys:
        (folder / f"{stem}.yaml").write_text("toy\n")
    comp = compare(_csv(tmp_path / "d.csv"), configs_dir=folder,
                   loader=lambda p: toys[p.stem], runner=toy.runner)
    t = comp.table.set_index("row")
    assert list(t["echelon"]) == ["mobile", "main", "main"]
    # mobile row against the 100 km/day track: inside 90-110; main row against 30 km/day: inside
    assert t.loc[2, "modeled_km"] == pytest.approx(100.0)
    assert t.loc[2, "km_error"] == 0.0
    assert t.loc[3, "modeled_km"] == pytest.approx(30.0)
    assert t.loc[3, "km_error"] == 0.0
    # AY has no mobile scenario: its forward-detachment row is scored on main, with a note
    assert t.loc[4, "modeled_km"] == pytest.approx(30.0)
    assert t.loc[4, "km_error"] == pytest.approx(-60.0)
    assert "no mobile scenario" in t.loc[4, "note"]
    assert comp.axes["AX"].mobile is not None and comp.axes["AY"].mobile is None
    assert not comp.inputs.config_problems


def test_calibration_scores_mobile_rows_on_the_mobile_run_like_compare(toy):
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
    # without the mobile scenario the mobile row falls back to the main run: 160 km short
    only_main = evaluate_grid({"A": (main, rows)}, [], runner=toy.runner)
    assert only_main["sum_abs_km"].tolist() == [pytest.approx(160.0)]
