"""The comparison on an army of formations (the RunResult formations contract), hand-made rows
with known answers: event kinds, matching, off-route timing, depth from the departure line,
both baselines, bad input reported per row while the valid rows are scored."""

from __future__ import annotations

import csv
import math

import pandas as pd
import pytest

from logistics.history.compare import compare
from logistics.history.documented import COLUMNS

DAY = pd.Timedelta(days=1)


@pytest.fixture(scope="module")
def army(toy_army):
    F = toy_army.Form
    forms = (
        F("fd", "1st Mech Corps forward detachment", "forward_detachment", 45.5, km_per_day=120.0,
          parent="body", aliases=("1st Mech Corps forward detachment",),
          objectives=((100.0, "Kilo"),)),
        F("body", "1st Mechanized Corps", "mech_corps", 45.5, km_per_day=48.0,
          aliases=("1st Mech Corps",), hold_km=60.0, hold_h=24.0),
        F("rifles", "Toy Army rifle divisions", "rifle_division", 45.3, lon0=121.1 - 10 / 78.7,
          km_per_day=24.0, pace_vehicle="foot-infantry", movement="foot"),
    )
    return toy_army.Army("TOY-A", "1st Toy Army", forms)


def _row(**kw):
    r = {c: "" for c in COLUMNS}
    r.update(axis_id="TOY-A", front="Toy Front", source="test", quote="q", confidence="high")
    r.update({k: str(v) for k, v in kw.items()})
    return r


def _files(tmp, rows, armies):
    """A documented CSV of ``rows`` and a configs folder of the toy ``armies`` (file stems)."""
    path = tmp / "toy.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(COLUMNS))
        w.writeheader()
        w.writerows(rows)
    folder = tmp / "configs"
    folder.mkdir()
    for name in armies:
        (folder / f"{name}.yaml").write_text("toy\n")
    return path, folder


def _at(toy_army, army, fid, km, dlat=0.0):
    f = next(f for f in army.forms if f.formation_id == fid)
    lon, lat = toy_army.lonlat(f, km)
    return {"lon": f"{float(lon):.5f}", "lat": f"{lat + dlat:.5f}"}


@pytest.fixture(scope="module")
def result(toy_army, army, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("formations")
    rows = [
        # 2: the forward detachment reaches its km 100 at 20:00 on 9 Aug
        _row(formation="1st Mech Corps forward detachment", date="1945-08-09",
             place_reached="Alpha", quote="reached Alpha", **_at(toy_army, army, "fd", 100)),
        # 3: the corps gets to km 60 at 06:00 on 10 Aug and is held 24 h there: captured 11 Aug
        _row(formation="1st Mech Corps", date="1945-08-11", place_reached="Fort",
             quote="the corps captured Fort", **_at(toy_army, army, "body", 60)),
        # 4: the army as a whole at km 50: the detachment is there first (10:00 on 9 Aug)
        _row(formation="1st Toy Army", date="1945-08-09", place_reached="Bravo",
             quote="entered Bravo", **_at(toy_army, army, "fd", 50)),
        # 5: off the rifle divisions' route, 20 km north of their km 30
        _row(formation="Toy Army rifle divisions", date="1945-08-11", place_reached="Charlie",
             quote="reached Charlie", **_at(toy_army, army, "rifles", 30, dlat=20 / 111.2)),
        # 6: the army's depth at the end of 9 Aug: the deepest formation, from the departure line
        _row(formation="1st Toy Army", date="1945-08-09", place_reached="(no place named)",
             cumulative_km_from_start_documented="110-130", km_min=110, km_max=130),
        # 7: the rifle divisions' depth: they start 10 km behind the line (24 - 10 = 14 km)
        _row(formation="Toy Army rifle divisions", date="1945-08-09", place_reached="(none)",
             cumulative_km_from_start_documented="14", km_min=14, km_max=14),
        # 8: a depth shorter than the place's distance from the line: flagged, place scored
        _row(formation="1st Mech Corps forward detachment", date="1945-08-09",
             place_reached="Alpha", quote="reached Alpha", cumulative_km_from_start_documented="up to 20",
             km_max=20, **_at(toy_army, army, "fd", 100)),
        # 9: an air landing: never a ground advance
        _row(formation="Toy troops (air-landed)", date="1945-08-12", place_reached="Delta",
             quote="flag raised", **_at(toy_army, army, "fd", 300)),
        # 10: a siege's end the model does not represent
        _row(formation="1st Toy Army", date="1945-08-15", place_reached="Fort (surrender of garrison)",
             quote="held out until 15 August", **_at(toy_army, army, "body", 60)),
        # 11: approaches to a place at the detachment's km 150: 20 km short -> its km 130
        _row(formation="1st Mech Corps forward detachment", date="1945-08-10",
             place_reached="approaches to Echo", **_at(toy_army, army, "fd", 150)),
        # 12: a formation the army does not have, and an unknown event kind
        _row(formation="99th Rifle Corps", date="1945-08-09", place_reached="Bravo",
             quote="entered Bravo", event="ambush", **_at(toy_army, army, "fd", 50)),
        # 13: off the corps' route, 20 km north of its km 100, beyond its fight at km 60
        _row(formation="1st Mech Corps", date="1945-08-11", place_reached="Golf",
             quote="reached Golf", **_at(toy_army, army, "body", 100, dlat=20 / 111.2)),
        # 14: the army as a whole on the rifle divisions' route (their km 100, 4.6 days in),
        # 22 km off the others': the detachment's estimated detour would come first, but the
        # rifle divisions are the formation the model sends there
        _row(formation="1st Toy Army", date="1945-08-13", place_reached="Hotel",
             quote="entered Hotel", **_at(toy_army, army, "rifles", 100)),
        # 15: 20 km north of the detachment's km 120, beyond its objective Kilo at km 100
        # (reached at 20 h): straight from H-hour would be quickest (24.3 h at its own pace)
        _row(formation="1st Mech Corps forward detachment", date="1945-08-10", place_reached="India",
             quote="reached India", **_at(toy_army, army, "fd", 120, dlat=20 / 111.2)),
    ]
    path = tmp / "toy.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(COLUMNS) + ["event"])
        w.writeheader()
        w.writerows(rows)
    folder = tmp / "configs"
    folder.mkdir()
    (folder / "toy-a.yaml").write_text("toy\n")
    states = pd.DataFrame([
        {"axis_id": "TOY-A", "date": pd.Timestamp("1945-08-09"), "date_text": "9 Aug",
         "formation": "1st Mech Corps", "place": "", "state": "0.9 of a refill", "refills": 0.9,
         "source": "test", "quote": "q", "confidence": "high"},
        {"axis_id": "TOY-A", "date": pd.Timestamp("1945-08-09"), "date_text": "9 Aug",
         "formation": "1st Toy Army", "place": "", "state": "short of fuel", "refills": float("nan"),
         "source": "test", "quote": "q", "confidence": "high"},
        # the place says where its forward detachment was; the state is the corps'
        {"axis_id": "TOY-A", "date": pd.Timestamp("1945-08-09"), "date_text": "9 Aug",
         "formation": "1st Mech Corps", "place": "Alpha; forward detachment 15 km west of Bravo",
         "state": "0.9 of a refill", "refills": 0.9, "source": "test", "quote": "q",
         "confidence": "high"},
        # an axis that is not run (a misspelt id): not scored, and said so
        {"axis_id": "TOY-B", "date": pd.Timestamp("1945-08-09"), "date_text": "9 Aug",
         "formation": "1st Toy Army", "place": "", "state": "waited for fuel",
         "refills": float("nan"), "source": "test", "quote": "q", "confidence": "high"},
    ])
    return compare(path, configs_dir=folder, loader=lambda p: army, runner=toy_army.runner,
                   railways=False, fuel_states=states)


@pytest.fixture(scope="module")
def t(result):
    return result.table.set_index("row")


H = pd.Timestamp("1945-08-09 00:00")


def near(a, b, minutes: float = 2.0) -> bool:
    """Times equal within a few minutes (the CSV's coordinates carry 5 decimals)."""
    return abs(pd.Timestamp(a) - pd.Timestamp(b)) <= pd.Timedelta(minutes=minutes)


def test_each_row_is_matched_to_its_formation(t):
    assert t.loc[2, "matched_formation"] == "fd" and t.loc[2, "match_rule"].startswith("rule 1")
    assert t.loc[3, "matched_formation"] == "body"
    assert t.loc[4, "matched_formation"] == "fd" and "first to reach" in t.loc[4, "note"]
    assert t.loc[4, "candidates"] == "fd,body,rifles"
    assert t.loc[5, "matched_formation"] == "rifles"
    assert t.loc[6, "matched_formation"] == "fd" and "deepest" in t.loc[6, "note"]


def test_a_place_is_matched_to_a_formation_whose_route_passes_it(t):
    """Among several candidates the first to reach the place is taken among those whose route
    passes it; another's off-route estimate (a detour it never makes) only when none does."""
    assert t.loc[14, "matched_formation"] == "rifles", t.loc[14, "note"]
    assert t.loc[14, "route_error_km"] == pytest.approx(0, abs=0.5)
    assert "of the 1 whose route passes it" in t.loc[14, "note"]


def test_arrival_on_the_route(t):
    assert t.loc[2, "event"] == "arrival" and t.loc[2, "timing"] == "route"
    assert near(t.loc[2, "modeled_arrival"], H + pd.Timedelta(hours=20))
    assert t.loc[2, "date_error_days"] == 0.0 and t.loc[2, "route_error_km"] == pytest.approx(0, abs=0.1)


def test_capture_adds_the_fight_the_model_represents(t):
    assert t.loc[3, "event"] == "capture"
    assert near(t.loc[3, "modeled_arrival"], H + pd.Timedelta(hours=30 + 24))  # 11 Aug 06:00
    assert t.loc[3, "date_error_days"] == 0.0
    assert "fortified" in t.loc[3, "fight"]


def test_off_route_place_is_timed_by_the_cost_engine(t):
    assert t.loc[5, "timing"] == "off-route" and t.loc[5, "route_error_km"] == pytest.approx(20, abs=1)
    arr = t.loc[5, "modeled_arrival"]
    closest = H + pd.Timedelta(hours=30 / 24 * 24)  # km 30 at 24 km/day: 10 Aug 06:00
    # never later than marching straight north from the closest point (20 km at ~3 km/h on foot)
    assert closest - pd.Timedelta(hours=12) < arr <= closest + pd.Timedelta(hours=20 / 3.0 + 0.5)
    assert "cost engine" in t.loc[5, "note"] and t.loc[5, "scorable_date"]


def test_off_route_leg_starts_after_the_fight_on_the_way(t):
    """The corps is held 24 h at km 60 (hours 30-54): the cost engine does not price that
    fight, so a leg to a place beyond it leaves no earlier than its end (10 Aug 06:00)."""
    assert t.loc[13, "timing"] == "off-route"
    assert pd.Timestamp(t.loc[13, "leave_time"]) >= H + pd.Timedelta(hours=54)
    assert "end of its fight on the way" in t.loc[13, "note"]
    # the rifle divisions fight nowhere: their leg may leave at any step (row 5)
    assert "fight on the way" not in t.loc[5, "note"]


def test_off_route_leg_starts_after_the_objectives_on_the_way(t):
    """A leg to a place beyond an objective of the formation's route leaves no earlier than the
    formation takes it (its orders are its route's order), not straight from H-hour."""
    assert t.loc[15, "timing"] == "off-route" and t.loc[15, "matched_formation"] == "fd", t.loc[15, "note"]
    assert pd.Timestamp(t.loc[15, "leave_time"]) >= H + pd.Timedelta(hours=20) - pd.Timedelta(minutes=1)
    assert "leaving no earlier than it takes its objective Kilo" in t.loc[15, "note"]


def test_depth_is_measured_from_the_departure_line(t):
    # detachment: 120 km by the end of 9 Aug, starting on the line
    assert t.loc[6, "modeled_km"] == pytest.approx(120, abs=0.5) and t.loc[6, "km_error"] == 0.0
    # rifle divisions: 24 km by the end of 9 Aug, 10 km of it behind the line
    assert t.loc[7, "modeled_km"] == pytest.approx(14, abs=1.5) and abs(t.loc[7, "km_error"]) < 1.5


def test_depth_shorter_than_the_line_to_place_distance_is_flagged_not_scored(t):
    assert "shorter than the place's distance" in t.loc[8, "depth_flag"]
    assert math.isnan(t.loc[8, "km_error"]) and t.loc[8, "scorable_date"]


def test_air_landing_and_unmodelled_siege_are_not_scored(t):
    assert t.loc[9, "event"] == "air_landing" and not t.loc[9, "scorable"]
    assert "not a ground advance" in t.loc[9, "note"]
    assert t.loc[10, "event"] == "siege_end" and not t.loc[10, "scorable"]
    assert "does not represent this siege" in t.loc[10, "note"]


def test_approach_is_the_stated_distance_short(t):
    assert t.loc[11, "event"] == "approach"
    assert near(t.loc[11, "modeled_arrival"], H + pd.Timedelta(hours=130 / 120 * 24))


def test_both_baselines_from_the_line_at_h_hour(t):
    # the detachment's kind plans 70 km/day: km 100 on its route at 34 h 17 min -> 10 Aug, 0.43 d late
    assert t.loc[2, "baseline_rate_class"] == "mobile"
    assert t.loc[2, "baseline_route_date_error_days"] == pytest.approx(100 / 70 - 1, abs=0.01)
    assert t.loc[2, "baseline_indep_route"] == "straight"
    assert t.loc[2, "baseline_indep_date_error_days"] == pytest.approx(100 / 70 - 1, abs=0.02)
    assert t.loc[5, "baseline_rate_class"] == "rifle"
    # off the route: the plan goes to its nearest point, then straight on (10 km behind + 30 + 20)
    assert t.loc[5, "baseline_route_depth_km"] == pytest.approx(30 - 10 + 20, abs=1.5)


def test_bad_input_is_reported_per_row_and_the_row_still_scored(result, t):
    p = result.problems.set_index("row")
    assert "99 rifle corps" in p.loc[12, "message"] and p.loc[12, "column"] == "formation"
    assert t.loc[12, "scorable"] and t.loc[12, "matched_formation"] == "fd"
    doc = result.inputs.documented.problems
    assert any(x.row == 12 and x.column == "event" and x.value == "ambush" for x in doc)


def test_summary_has_both_skills(result):
    s = result.summary.set_index("axis_id")
    for col in ("skill_route", "skill_indep", "skill_date_route", "skill_date_indep", "offroute_rows"):
        assert col in s.columns
    assert s.loc["TOY-A", "offroute_rows"] == 3  # rows 5, 13 and 15


def test_outputs_open_as_gis_layers(result, tmp_path):
    import geopandas as gpd

    from logistics.report.compare_outputs import write_comparison

    out = write_comparison(result, tmp_path / "out", draw_map=False)
    g = gpd.read_file(out / "comparison.geojson")
    assert g.crs.to_epsg() == 4326
    assert set(g["feature"]) == {"documented", "modeled", "error"}
    two = g[g["documented_row"] == 2]  # comparison.csv's row (reserved in SQLite)
    assert set(two.geom_type) == {"Point", "LineString"}
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "Rows matched to formations" in report and "Event kinds" in report
    assert "99 rifle corps" in report
    assert (out / "fuel_states.csv").is_file() and (out / "fuel_TOY-A.png").is_file()
    assert "Within ±0.25 refill: 2 of 2" in report


def test_fuel_states_against_the_matched_formations(result):
    """The toy burns a refill per 400 km: at the end of 9 Aug the corps (48 km) has 0.88 left,
    the detachment (120 km) 0.70, the rifle divisions (24 km) 0.94."""
    f = result.fuel.reset_index(drop=True)
    assert f.loc[0, "matched_formation"] == "body"
    assert f.loc[0, "model_refills"] == pytest.approx(0.88)
    assert f.loc[0, "refills_error"] == pytest.approx(-0.02) and f.loc[0, "within_tolerance"]
    assert f.loc[1, "matched_formation"] == "fd,body,rifles"
    assert f.loc[1, "model_refills"] == pytest.approx((0.70 + 0.88 + 0.94) / 3)
    assert math.isnan(f.loc[1, "refills_error"]) and f.loc[1, "within_tolerance"] is None
    assert f.loc[2, "matched_formation"] == "body"
    assert len(f) == 3 and result.fuel_not_run == {"TOY-B": 1}


def test_calibration_scores_rows_on_their_formations_like_compare(army, toy_army):
    from logistics.history.calibrate import evaluate_grid

    # end of 9 Aug: the forward detachment is 120 km past the line (120 km/day from H-hour),
    # the rifle divisions 14 km (24 km/day, starting 10 km behind it); both rows exact
    rows = pd.DataFrame([
        {"row": 1, "formation": "1st Mech Corps forward detachment", "place_reached": "x",
         "date": pd.Timestamp("1945-08-09"), "lat": math.nan, "lon": math.nan,
         "km_min": 120.0, "km_max": 120.0, "date_basis": "end_of_day", "usable": True},
        {"row": 2, "formation": "Toy Army rifle divisions", "place_reached": "y",
         "date": pd.Timestamp("1945-08-09"), "lat": math.nan, "lon": math.nan,
         "km_min": 14.0, "km_max": 14.0, "date_basis": "end_of_day", "usable": True},
    ])
    g = evaluate_grid({"TOY-A": (army, rows)}, [{"speed_scale": 0.5}], runner=toy_army.runner)
    nominal = g[g["point"] == -1].iloc[0]
    assert nominal["n_km"] == 2 and nominal["sum_abs_km"] == pytest.approx(0.0, abs=0.5)
    # at half speed: 60 km short for the detachment, 12 km for the rifles (24 / 2 - 10 = 2 km)
    half = g[g["point"] == 0].iloc[0]
    assert half["sum_abs_km"] == pytest.approx(60.0 + 12.0, abs=1.0)


def test_the_army_takes_a_place_with_the_formation_sent_to_take_it(toy_army, tmp_path):
    """'The army took X' where several routes pass X: the formation that has X as an objective
    is the one that takes it, not a faster one passing within the tolerance on its way
    elsewhere (the 25th Army's Dongning was timed by the 10th Mechanized Corps skirting it
    at H+1 h on its way to Mudanjiang)."""
    F = toy_army.Form
    forms = (
        F("fast", "1st Mech Corps", "mech_corps", 45.5, km_per_day=120.0,
          objectives=((300.0, "Far"),)),
        F("rifles", "Toy Army rifle divisions", "rifle_division", 45.5, km_per_day=24.0,
          pace_vehicle="foot-infantry", movement="foot", objectives=((40.0, "Lima"),)),
    )
    army = toy_army.Army("TOY-B", "2nd Toy Army", forms)
    lon, lat = toy_army.lonlat(forms[1], 40.0)
    rows = [_row(axis_id="TOY-B", formation="2nd Toy Army", date="1945-08-10",
                 place_reached="Lima", quote="took Lima", lon=f"{float(lon):.5f}",
                 lat=f"{lat:.5f}"),
            _row(axis_id="TOY-B", formation="2nd Toy Army", date="1945-08-09",
                 place_reached="Mike", quote="entered Mike",
                 **{k: v for k, v in zip(("lon", "lat"), (f"{float(toy_army.lonlat(forms[0], 60.0)[0]):.5f}",
                                                           f"{45.5:.5f}"))})]
    path, folder = _files(tmp_path, rows, ["toy-b"])
    t = compare(path, configs_dir=folder, loader=lambda p: army, runner=toy_army.runner,
                railways=False).table.set_index("row")
    assert t.loc[2, "matched_formation"] == "rifles", t.loc[2, "note"]
    assert "of the 1 that have it as an objective" in t.loc[2, "note"]
    assert near(t.loc[2, "modeled_arrival"], H + pd.Timedelta(hours=40))  # 40 km at 24 km/day
    # a place that is nobody's objective: still the first to reach it
    assert t.loc[3, "matched_formation"] == "fast", t.loc[3, "note"]


def test_a_row_naming_another_axiss_formation_is_reported_and_not_scored(toy_army, army, tmp_path):
    """A TOY-A row naming the 2nd Tank Corps of TOY-B (an army file of the folder, with no
    documented row yet) was scored on TOY-A as a whole: it is a problem naming TOY-B and the
    fix, and not scored; the row beside it that names TOY-A's corps by its id ('body
    forward detachment') is scored on that corps' detachment."""
    from dataclasses import dataclass
    from types import SimpleNamespace

    @dataclass(frozen=True)
    class Filed(toy_army.Army):  # an army file's formations, as load_army gives them
        @property
        def formations(self):
            return tuple(SimpleNamespace(id=f.formation_id, name=f.name, kind=f.kind,
                                         parent=f.parent, role=f.role, aliases=f.aliases)
                         for f in self.forms)

    other = Filed("TOY-B", "2nd Toy Army", (toy_army.Form(
        "2tc", "2nd Tank Corps", "tank_corps", 45.5, aliases=("2nd Tk Corps",)),))
    armies = {"toy-a": Filed(army.axis_id, army.name, army.forms), "toy-b": other}
    rows = [_row(formation="2nd Tank Corps", date="1945-08-09", place_reached="Alpha",
                 quote="reached Alpha", **_at(toy_army, army, "fd", 100)),
            _row(formation="body forward detachment", date="1945-08-09", place_reached="Alpha",
                 quote="reached Alpha", **_at(toy_army, army, "fd", 100))]
    path, folder = _files(tmp_path, rows, list(armies))
    res = compare(path, configs_dir=folder, loader=lambda p: armies[p.stem],
                  runner=toy_army.runner, railways=False, offroute=False)
    t, p = res.table.set_index("row"), res.problems.set_index("row")
    assert not t.loc[2, "scorable"] and t.loc[2, "matched_formation"] == ""
    assert "TOY-B" in t.loc[2, "problem"] and t.loc[2, "note"].startswith("not scored")
    assert p.loc[2, "column"] == "formation" and p.loc[2, "consequence"] == "row not scored"
    assert "2tc of TOY-B" in p.loc[2, "message"] and "Fix: give the row axis_id TOY-B" in \
        p.loc[2, "message"]
    assert t.loc[3, "scorable"] and t.loc[3, "matched_formation"] == "fd"
    assert 3 not in p.index
    assert res.summary.set_index("axis_id").loc["TOY-A", "scorable_rows"] == 1
    # calibrate scores the same rows the same way: the row of TOY-B counts in no error sum
    from logistics.history.calibrate import score_grid

    usable = res.inputs.documented.usable
    _, scored = score_grid({"TOY-A": (armies["toy-a"], usable)}, [], runner=toy_army.runner,
                           railways=False, armies=res.inputs.armies)
    cal = scored[-1, "TOY-A"].set_index("row")
    assert not cal.loc[2, "scorable"] and cal.loc[3, "scorable"]


def test_a_row_naming_nothing_is_scored_on_the_army_and_listed(toy_army, army, tmp_path):
    """newuser24: formation 'nobody' was scored on the whole army (rule 4) with no word in
    problems.csv; it is still scored, and now listed with its consequence."""
    rows = [_row(formation="nobody", date="1945-08-09", place_reached="Alpha",
                 quote="reached Alpha", **_at(toy_army, army, "fd", 100))]
    path, folder = _files(tmp_path, rows, ["toy-a"])
    res = compare(path, configs_dir=folder, loader=lambda p: army, runner=toy_army.runner,
                  railways=False, offroute=False)
    t, p = res.table.set_index("row"), res.problems.set_index("row")
    assert t.loc[2, "scorable"] and t.loc[2, "match_rule"].startswith("rule 4")
    assert p.loc[2, "column"] == "formation" and p.loc[2, "value"] == "nobody"
    assert p.loc[2, "consequence"] == "scored against the army as a whole"
    assert "Fix:" in p.loc[2, "message"] and len(p.loc[[2]]) == 1
