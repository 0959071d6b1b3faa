"""The compare pipeline on a toy runner: a user's own CSV, every row reported, files atomic."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from logistics.errors import ConfigError
from logistics.history.compare import COMPARISON_COLUMNS, compare
from logistics.history.documented import COLUMNS
from logistics.report.compare_outputs import write_comparison
from logistics.history.summary import format_summary
from tests.conftest import write_documented

@pytest.fixture(scope="module")
def scenarios(toy):
    return {
        "USR-TANK": toy.Scenario("USR-TANK", base_km_per_day=80.0, fuel_km=300.0,
                                 uncertain={"speed_scale": toy.Range(0.8, 1.2)}),
        "USR-FOOT": toy.Scenario("USR-FOOT", base_km_per_day=25.0, lon0=121.0),
    }


def _row(axis, date, **kw):
    base = {c: "" for c in COLUMNS}
    base.update(axis_id=axis, front="User Front", formation="someone", date=date,
                place_reached="somewhere", source="my notes", quote="q", confidence="medium")
    base.update({k: str(v) for k, v in kw.items()})
    return base


def user_csv(path, toy, scenarios):
    lon150, lat = toy.lonlat_at(scenarios["USR-TANK"], 150.0)
    lon60, _ = toy.lonlat_at(scenarios["USR-FOOT"], 60.0)
    rows = [
        _row("USR-TANK", "1945-08-09", cumulative_km_from_start_documented="70-90", km_min=70, km_max=90),
        _row("USR-TANK", "1945-08-10", place_reached="Town A", lat=lat, lon=float(lon150)),
        _row("USR-TANK", "1945-08-11", cumulative_km_from_start_documented=">450", km_min=450),
        _row("USR-TANK", "1945-08-12", cumulative_km_from_start_documented="200-250", km_min=200, km_max=250),
        _row("USR-TANK", "1945-08-12", place_reached="nowhere named"),
        _row("USR-FOOT", "1945-08-11", place_reached="Village B", lat=lat, lon=float(lon60)),
        _row("USR-FOOT", "1945-08-11", place_reached="off route", lat=47.0, lon=122.0),
        _row("USR-GHOST", "1945-08-10", cumulative_km_from_start_documented="50", km_min=50, km_max=50),
        _row("USR-FOOT", "10/08/1945", cumulative_km_from_start_documented="50", km_min=50, km_max=50),
        _row("USR-FOOT", "1945-08-12", lat=95, lon=121, km_min=80, km_max=70),
        _row("USR-GHOST", "1945-8-10"),
    ]
    return write_documented(path, rows)


@pytest.fixture()
def configs(tmp_path, scenarios):
    folder = tmp_path / "configs"
    folder.mkdir()
    for axis in scenarios:
        (folder / f"{axis}.yaml").write_text("toy\n")
    return folder


@pytest.fixture()
def run(toy, scenarios):
    """``run(tmp_path, configs, **kw)``: compare the user CSV on the toy runner."""
    def loader(path):
        if path.stem == "broken":
            from logistics.errors import ConfigError

            raise ConfigError("broken.yaml: axis_id: missing")
        return scenarios[path.stem]

    def _run(tmp_path, configs, **kw):
        return compare(user_csv(tmp_path / "mine.csv", toy, scenarios), configs_dir=configs,
                       loader=loader, runner=toy.runner, railways=False, **kw)

    return _run


def test_every_documented_row_gets_one_comparison_row(run, tmp_path, configs):
    comp = run(tmp_path, configs)
    t = comp.table.set_index("row")
    assert list(comp.table.columns) == list(COMPARISON_COLUMNS)
    assert list(t.index) == list(range(2, 13))  # each row once, even a bad row of an unmodeled axis
    # 80 km/day: 80 km by the end of 9 Aug (inside 70-90); 150 km reached 10 Aug 21:00.
    assert t.loc[2, "km_error"] == 0.0 and t.loc[2, "modeled_km"] == pytest.approx(80)
    assert t.loc[3, "date_error_days"] == 0.0
    assert t.loc[3, "modeled_arrival"] == pd.Timestamp("1945-08-10 21:00")
    # 240 km by the end of 11 Aug vs >450; fuel for 300 km holds it at 300 from 12 Aug 18:00.
    assert t.loc[4, "km_error"] == pytest.approx(240 - 450)
    assert t.loc[5, "km_error"] == pytest.approx(300 - 250)
    assert not t.loc[6, "scorable"] and "no coordinate and no distance" in t.loc[6, "note"]
    # The toy names no kind: the default (rifle) plan, 23.33 km/day from H-hour: 150 km on
    # day 7 -> about 5.4 days late, on the model's route and on the straight line alike.
    assert t.loc[3, "baseline_rate_class"] == "rifle"
    assert t.loc[3, "baseline_route_date_error_days"] == pytest.approx(150 / 23.33 - 2, abs=0.01)
    assert t.loc[3, "baseline_indep_date_error_days"] == pytest.approx(150 / 23.33 - 2, abs=0.02)
    assert t.loc[3, "baseline_indep_route"] == "straight"
    assert t.loc[3, "event"] == "arrival" and t.loc[3, "matched_formation"] == "main"
    # 60 km at 25 km/day: 11 Aug 09:36, inside the documented day.
    assert t.loc[7, "modeled_arrival"] == pd.Timestamp("1945-08-11 09:36")
    assert t.loc[7, "date_error_days"] == 0.0
    assert "misses the place" in t.loc[8, "note"] and "no terrain" in t.loc[8, "note"]
    assert not t.loc[8, "scorable"] and t.loc[8, "route_error_km"] > 100
    assert "no scenario" in t.loc[9, "note"] and "USR-GHOST" in t.loc[9, "note"]
    assert "bad date" in t.loc[10, "note"] and not t.loc[10, "scorable"]
    # Row 11: bad lat and km_min > km_max drop both fields: nothing left to score.
    assert not t.loc[11, "scorable"] and "no coordinate and no distance" in t.loc[11, "note"]
    assert comp.inputs.unmodeled == ("USR-GHOST",)


def test_an_army_file_that_does_not_load_stops_the_comparison_before_any_run(
        toy, scenarios, tmp_path, configs):
    """A folder with a broken army file was compared without that army, exit 0, the cause one
    line among others; a copy with an axis_id already in the folder was dropped or replaced
    the shipped file by file name. Both now stop before any run, each file named."""
    (configs / "broken.yaml").write_text("toy\n")
    (configs / "USR-TANK-copy.yaml").write_text("toy\n")
    ran = []

    def loader(path):
        if path.stem == "broken":
            raise ConfigError("broken.yaml: axis_id: missing")
        return scenarios[path.stem.replace("-copy", "")]

    def runner(*a, **k):
        ran.append(a)
        return toy.runner(*a, **k)

    with pytest.raises(ConfigError) as err:
        compare(user_csv(tmp_path / "mine.csv", toy, scenarios), configs_dir=configs,
                loader=loader, runner=runner, railways=False)
    text = str(err.value)
    assert "2 army file(s)" in text and "nothing run" in text
    assert "broken.yaml: broken.yaml: axis_id: missing" in text
    assert "USR-TANK.yaml: axis_id 'USR-TANK' is already USR-TANK-copy.yaml's" in text
    assert "fix: give the copy a folder of its own" in text
    assert ran == []


@pytest.mark.parametrize("missing, scenario, offered", [
    ("TBF-36A", "TBF-39A", False),   # another army (the number differs), not a slip
    ("TBF-6GTA", "TBF-36A", False),
    ("TBF-6GTAA", "TBF-6GTA", True),  # a slip of the same army
    ("tbf-36a", "TBF-36A", True),
])
def test_a_near_axis_is_offered_only_for_the_same_army(missing, scenario, offered):
    from logistics.history.documented import empty_documented
    from logistics.history.inputs import Inputs, near_axes

    inputs = Inputs(empty_documented(Path("doc.csv")), {}, (missing,), (), "configs",
                    undocumented=(scenario,))
    assert (f"{scenario!r} for {missing!r}" in near_axes(inputs)) is offered


def test_disagreeing_rows_are_each_scored_and_flagged(run, tmp_path, configs):
    t = run(tmp_path, configs).table.set_index("row")
    # >450 km by 11 Aug vs at most 250 km by 12 Aug: both scored, both flagged.
    assert t.loc[4, "scorable"] and t.loc[5, "scorable"]
    assert "row 5" in t.loc[4, "disagreement"] and "row 4" in t.loc[5, "disagreement"]


def test_summary_per_axis_and_overall(run, tmp_path, configs):
    comp = run(tmp_path, configs)
    s = comp.summary.set_index("axis_id")
    assert list(s.index) == ["USR-TANK", "USR-FOOT", "USR-GHOST", "ALL"]
    assert s.loc["ALL", "rows"] == 11 and s.loc["USR-TANK", "scorable_rows"] == 4
    assert s.loc["USR-GHOST", "scorable_rows"] == 0 and math.isnan(s.loc["USR-GHOST", "skill"])
    assert s.loc["USR-TANK", "skill"] > 0  # the toy beats the 23.3 km/day plan here
    assert s.loc["USR-TANK", "skill"] == min(s.loc["USR-TANK", "skill_route"], s.loc["USR-TANK", "skill_indep"])
    text = format_summary(comp.summary)
    assert "USR-TANK" in text and "ALL" in text



def test_the_screen_summary_fits_100_columns_and_keeps_every_number():
    """It printed ~230 characters a line (cli20): two blocks with short headers now; the
    Markdown of the reports keeps the long headers."""
    from logistics.history.summary import SUMMARY_COLUMNS

    wide = {c: 0 for c in SUMMARY_COLUMNS}
    wide.update(axis_id="1FEF-1RBA", rows=120, scorable_rows=110, offroute_rows=12,
                median_abs_date_error_days=12.345, share_within_1_day=1.0,
                median_abs_rel_km_error=1.234, median_route_error_km=1234.0, mae_km=1234.0,
                skill_date_route=-12.345, skill_date_indep=0.5, skill_route=-3.25,
                skill_indep=math.nan)
    frame = pd.DataFrame([wide, dict(wide, axis_id="ALL")], columns=list(SUMMARY_COLUMNS))
    text = format_summary(frame)
    assert max(len(line) for line in text.splitlines()) <= 100
    for axis in ("1FEF-1RBA", "ALL"):  # each number of the row, once per row, in its block
        cells = [ln.split() for ln in text.splitlines() if ln.startswith(axis + " ")]
        assert len(cells) == 2
        assert cells[0][1:] == ["120", "110", "12", "12.35", "100%", "123%", "1234", "1234"]
        assert cells[1][1:] == ["-12.35", "+0.50", "-3.25", "-"]
    markdown = format_summary(frame, markdown=True).splitlines()
    assert "| median abs date err (d) |" in markdown[0]
    assert "| km skill (indep. route) |" in markdown[0]
    assert markdown[2].split(" | ")[1:5] == ["120", "110", "12", "12.35"]
    # a user's long axis id is cut on the screen (the files keep it whole)
    long_id = "MY-VERY-LONG-SCENARIO-NAME-FOR-THE-FIRST-FAR-EASTERN-FRONT-5TH-ARMY"
    text = format_summary(pd.DataFrame([dict(wide, axis_id=long_id)], columns=list(SUMMARY_COLUMNS)))
    assert max(len(line) for line in text.splitlines()) <= 100
    assert long_id[:20] in text and long_id not in text
    assert long_id in format_summary(pd.DataFrame([dict(wide, axis_id=long_id)],
                                                  columns=list(SUMMARY_COLUMNS)), markdown=True)


def test_monte_carlo_bands_and_arrival_quantiles(run, tmp_path, configs):
    comp = run(tmp_path, configs, samples=5, seed=2)
    band = comp.axes["USR-TANK"].band
    assert (band["p10_km"] <= band["p50_km"]).all() and (band["p50_km"] <= band["p90_km"]).all()
    t = comp.table.set_index("row")
    assert t.loc[3, "mc_share_reached"] == 1.0
    assert t.loc[3, "mc_arrival_p10"] <= t.loc[3, "mc_arrival_p90"]
    again = run(tmp_path, configs, samples=5, seed=2)
    pd.testing.assert_frame_equal(comp.table, again.table)


def test_outputs_written_atomically(run, tmp_path, configs, monkeypatch):
    comp = run(tmp_path, configs, samples=3)
    out = write_comparison(comp, tmp_path / "out", draw_map=False)
    names = sorted(p.name for p in out.iterdir())
    for expected in ("comparison.csv", "comparison.geojson", "summary.csv", "problems.csv",
                     "rates.csv", "draws.csv", "report.md", "advance_USR-TANK.png",
                     "advance_USR-FOOT.png"):
        assert expected in names
    back = pd.read_csv(out / "comparison.csv")
    assert len(back) == 11
    # times to the second: no '07:47:43.984289664' (Monte Carlo quantiles pass through floats)
    times = [c for c in ("modeled_arrival", "mc_arrival_p10", "mc_arrival_p50",
                         "mc_arrival_p90") if back[c].notna().any()]
    assert "mc_arrival_p50" in times
    for c in times:
        assert not back[c].dropna().astype(str).str.contains(r"\.").any(), c
    report = (out / "report.md").read_text()
    for part in ("## Summary", "## USR-TANK", "Where the sources disagree", "Not scored, and why",
                 "USR-GHOST", "bad date"):
        assert part in report
    # A failure half-way leaves the previous folder untouched and no temporary folder.
    import logistics.report.compare_outputs as outputs

    def boom(*a, **k):
        raise RuntimeError("plot failed")

    monkeypatch.setattr(outputs, "plot_advance", boom)
    with pytest.raises(RuntimeError):
        write_comparison(comp, tmp_path / "out", draw_map=False)
    assert sorted(p.name for p in out.iterdir()) == names
    assert sorted(p.name for p in tmp_path.iterdir()) == ["configs", "mine.csv", "out"]


def test_trace_starts_at_h_hour_from_km_zero(toy, scenarios):
    from types import SimpleNamespace

    from logistics.history.runs import trace_of

    res = toy.runner(scenarios["USR-TANK"])
    late = SimpleNamespace(track=res.track.iloc[1:], route_points=res.route_points, daily=res.daily,
                           scenario=res.scenario)
    tr = trace_of(late).track
    assert tr["time"].iloc[0] == pd.Timestamp("1945-08-09 00:00") and tr["cum_km"].iloc[0] == 0.0
    assert len(tr) == len(res.track)


def test_each_formations_track_starts_where_its_route_starts():
    """The record trace_of adds at H-hour (km 0) stood at the first step's end, 1-7 km down
    the route (every shipped formation's), and the off-route timing left from there."""
    from types import SimpleNamespace

    from logistics.history.runs import trace_of

    route = pd.DataFrame({"formation_id": ["a", "a", "a"], "cum_km": [0.0, 10.0, 20.0],
                          "lon": [120.0, 120.1, 120.2], "lat": [46.0, 46.0, 46.0]})
    tracks = pd.DataFrame({"time": pd.to_datetime(["1945-08-09 01:00", "1945-08-09 02:00"]),
                           "formation_id": ["a", "a"], "cum_km": [5.0, 10.0],
                           "lon": [120.05, 120.1], "lat": [46.0, 46.0]})
    formations = pd.DataFrame({"formation_id": ["a"], "name": ["A"], "kind": ["tank_brigade"],
                               "aliases": [()]})
    result = SimpleNamespace(
        track=tracks.drop(columns="formation_id"), route_points=route.drop(columns="formation_id"),
        daily=pd.DataFrame({"day": [1]}), formations=formations, tracks=tracks, routes=route,
        scenario=SimpleNamespace(h_hour=SimpleNamespace(value="1945-08-09T00:10")))
    t = trace_of(result).track_of("a")
    assert t["time"].iloc[0] == pd.Timestamp("1945-08-09 00:10") and t["cum_km"].iloc[0] == 0.0
    assert (t["lon"].iloc[0], t["lat"].iloc[0]) == (120.0, 46.0)  # was (120.05, 46.0)
    assert t["lon"].tolist()[1:] == [120.05, 120.1]


def test_a_row_with_a_place_and_a_depth_is_labelled_once(tmp_path, configs, run):
    """A documented row giving both a place on the route and a depth used to be labelled twice,
    one label over the other ("approaches to Hailar" on the 36th Army's plot)."""
    import matplotlib

    matplotlib.use("Agg")
    from logistics.report.compare_plots import plot_advance

    comp = run(tmp_path, configs)
    rows = comp.table[comp.table["axis_id"] == "USR-TANK"].copy()
    town = rows["place_reached"] == "Town A"
    assert rows.loc[town, "baseline_route_depth_km"].notna().all()
    rows.loc[town, ["documented_km_min", "documented_km_max"]] = 150.0
    rows.loc[town, "scorable_km"] = True
    fig = plot_advance(comp.axes["USR-TANK"], rows)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts.count("Town A") == 1, texts
    other = [t for t in texts if t != "Town A"]
    assert other, "the depth-only rows keep their labels"


def test_a_row_dated_outside_the_run_is_a_problem_and_not_scored(toy, scenarios, tmp_path):
    """A year slip (1845 for 1945) was scored: a date error of 48,575 days, the axis's median
    thousands of days, and the console said '0 problem(s)'; a day after the run was timed
    against its last record (-50.6 days). The toy run covers 9 Aug 00:00 to 21 Aug 00:00
    (12 days): its first and last days are scored, the days around them are not."""
    lon150, lat = toy.lonlat_at(scenarios["USR-TANK"], 150.0)
    place = dict(place_reached="Town A", lat=lat, lon=float(lon150))
    path = write_documented(tmp_path / "slips.csv", [
        _row("USR-TANK", "1945-08-10", **place),                        # 2: in the run
        _row("USR-TANK", "1845-08-10", **place),                        # 3: the year slip
        _row("USR-TANK", "1945-09-30", **place),                        # 4: after the run
        _row("USR-TANK", "1945-08-08", km_min=10, km_max=20),           # 5: the eve of H-hour
        _row("USR-TANK", "1945-08-21", km_min=900, km_max=1000),        # 6: from the run's end
        _row("USR-TANK", "1945-08-09", km_min=70, km_max=90),           # 7: the first day
        _row("USR-TANK", "1945-08-20", km_min=250, km_max=350),         # 8: the last day
    ])
    configs = tmp_path / "configs"
    configs.mkdir()
    (configs / "USR-TANK.yaml").write_text("toy\n")
    comp = compare(path, configs_dir=configs, loader=lambda p: scenarios[p.stem],
                   runner=toy.runner, railways=False, samples=2)
    t = comp.table.set_index("row")
    assert t.loc[[2, 7, 8], "scorable"].all()
    assert t.loc[2, "date_error_days"] == 0.0 and t.loc[8, "km_error"] == 0.0  # dry at 300 km
    for row, when in ((3, "before the run's start"), (4, "after the run's end"),
                      (5, "before the run's start"), (6, "after the run's end")):
        assert not t.loc[row, "scorable"] and pd.isna(t.loc[row, "date_error_days"])
        assert pd.isna(t.loc[row, "error_km"]) and pd.isna(t.loc[row, "baseline_route_error_km"])
        assert when in t.loc[row, "note"] and t.loc[row, "note"].startswith("not scored")
        assert math.isnan(t.loc[row, "mc_share_reached"])  # not 0: the draws miss the day too
    p = comp.problems.set_index("row")
    # rows in the run that name nobody ('someone') are scored on the army and listed as such
    named = p[p["column"] == "formation"]
    assert sorted(named.index) == [2, 7, 8]
    assert (named["consequence"] == "scored against the army as a whole").all()
    p = p[p["column"] != "formation"]
    assert sorted(p.index) == [3, 4, 5, 6]
    assert (p["column"] == "date").all() and (p["consequence"] == "row not scored").all()
    assert p.loc[3, "value"] == "1845-08-10"
    msg = p.loc[3, "message"]
    assert "1945-08-09 00:00 to 1945-08-21 00:00" in msg and "h_hour" in msg and "Fix:" in msg
    s = comp.summary.set_index("axis_id")
    assert s.loc["USR-TANK", "scorable_rows"] == 3 and s.loc["USR-TANK", "date_rows"] == 1
    assert s.loc["USR-TANK", "median_abs_date_error_days"] == 0.0


def test_a_row_naming_two_formations_that_disagree_is_filed_as_scored_on_the_first():
    """problems.csv said 'scored by the next matching rule' of every formation problem it did
    not know; a text naming two formations that disagree is scored on rule 1's candidates."""
    from logistics.history.compare import _row_problems
    from logistics.history.match import NAMES_TWO

    rows = pd.DataFrame({"row": [7], "formation": ["9gmc (7th Mech Corps)"]})
    scored = pd.DataFrame({"row": [7], "problem": [f"{NAMES_TWO}: 9gmc and 7mc. Fix: keep one"]})
    (p,) = _row_problems(rows, scored)
    assert p["column"] == "formation" and p["value"] == "9gmc (7th Mech Corps)"
    assert p["consequence"] == "scored against the first candidate to reach"


def test_a_place_never_reached_says_the_run_ended_at_the_end_of_its_last_day(toy, scenarios,
                                                                              tmp_path):
    """The censored note said "the run's end (1945-08-21)" of a run whose last day is 20 Aug
    (its last record is stamped 21 Aug 00:00): a day the army file does not give. The toy
    tank runs dry at 300 km, so a place at 400 km is never reached."""
    lon, lat = toy.lonlat_at(scenarios["USR-TANK"], 400.0)
    path = write_documented(tmp_path / "far.csv", [
        _row("USR-TANK", "1945-08-15", place_reached="Far Town", lat=lat, lon=float(lon))])
    configs = tmp_path / "configs"
    configs.mkdir()
    (configs / "USR-TANK.yaml").write_text("toy\n")
    comp = compare(path, configs_dir=configs, loader=lambda p: scenarios[p.stem],
                   runner=toy.runner, railways=False)
    row = comp.table.iloc[0]
    assert row["date_censored"] and row["date_error_days"] == pytest.approx(5.0)
    assert "place not reached by the run's end (end of 20 Aug 1945)" in row["note"], row["note"]
    assert "1945-08-21" not in row["note"]


def test_a_formation_the_army_lacks_says_what_the_row_was_scored_as():
    """'11th Guards Tank Corps' on TBF-6GTA was filed 'scored by the next matching rule',
    not saying it was scored as fd-5gtc (rule 2's every word of a name) nor why that one."""
    from logistics.history.compare import _row_problems
    from logistics.history.match import NAMES_UNKNOWN

    rows = pd.DataFrame({"row": [4, 5, 6], "lat": [44.5, float("nan"), 44.5], "formation": [
        "11th Guards Tank Corps", "36th Army (86th Rifle Corps)", "9gmc (86th Rifle Corps)"]})
    scored = pd.DataFrame({
        "row": [4, 5, 6], "matched_formation": ["fd-5gtc", "205tb", "9gmc"],
        "match_rule": ["rule 2: every word of a name or alias in the text",
                       "rule 4: names the army as a whole", "rule 1: numbered formation"],
        "candidates": ["fd-5gtc", "205tb,36a-rds", "9gmc"],
        "problem": ["no formation of the army is the 11 tank corps",
                    "no formation of the army is the 86 rifle corps",
                    f"{NAMES_UNKNOWN}: the 86 rifle corps"]})
    p = {x["row"]: x["consequence"] for x in _row_problems(rows, scored)}
    assert p[4] == ("scored by the next matching rule (rule 2: every word of a name or alias in "
                    "the text) as fd-5gtc")
    assert p[5] == ("scored by the next matching rule (rule 4: names the army as a whole) as "
                    "205tb, the deepest of its candidates (205tb, 36a-rds) at the end of the day")
    assert p[6] == "scored on 9gmc"


def test_a_row_not_scored_shows_what_the_file_gave_on_the_page(toy, scenarios, tmp_path):
    """report.md showed 'nan' for the formation and timing of a bad-date row, and nothing
    of its date: the file's formation is shown, its date text in the note (comparison.csv's
    `date` column stays a date: plots and maps read it)."""
    from logistics.report.compare_page import report_markdown

    path = write_documented(tmp_path / "bad.csv", [
        _row("USR-TANK", "1945-08-10", cumulative_km_from_start_documented="70-90", km_min=70,
             km_max=90),
        _row("USR-TANK", "8/11/1945", formation="2nd Guards Tank Brigade")])
    configs = tmp_path / "configs"
    configs.mkdir()
    (configs / "USR-TANK.yaml").write_text("toy\n")
    comp = compare(path, configs_dir=configs, loader=lambda p: scenarios[p.stem],
                   runner=toy.runner, railways=False)
    t = comp.table.set_index("row")
    assert t.loc[3, "date"] == "" and t.loc[3, "formation"] == "2nd Guards Tank Brigade"
    assert t.loc[3, "note"].startswith("not scored (the file's date: '8/11/1945'): date: bad")
    page = report_markdown(comp, files={}, fuel_sections=[])
    (line,) = [ln for ln in page.splitlines() if ln.startswith("| 3 |")]
    assert "| 3 | - |" in line and "2nd Guards Tank Brigade (as given; not matched)" in line
    assert "8/11/1945" in line
    assert "nan" not in line, line


@pytest.mark.parametrize("text, n, expected", [
    ("the row's coordinate is refused: its place located by the gazetteer", 40,
     "the row's coordinate is refused: its…"),
    ("short", 40, "short"),
    ("x" * 50, 10, "x" * 9 + "…"),            # one word: cut inside it
    (float("nan"), 10, ""),
])
def test_a_long_note_is_cut_at_a_word(text, n, expected):
    from logistics.report.compare_page import _short

    assert _short(text, n) == expected
