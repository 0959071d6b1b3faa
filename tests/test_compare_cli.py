"""`logistics compare` and `logistics calibrate` end to end on the shipped configs and terrain,
scoring a documented file the project has never seen (written here, in the users' format)."""

from __future__ import annotations

import pandas as pd
import pytest

from logistics.cli import main
from logistics.history.documented import COLUMNS
from tests.conftest import write_documented

pytestmark = pytest.mark.slow

COARSE = "20000"  # metres: a coarse grid keeps each run well under a second


def _row(**kw):
    base = {c: "" for c in COLUMNS}
    base.update(front="Transbaikal Front", formation="a user's formation", source="user's notes",
                quote="invented for a test", confidence="low")
    base.update({k: str(v) for k, v in kw.items()})
    return base


@pytest.fixture(scope="module")
def user_file(tmp_path_factory):
    """Made-up rows on two modeled axes, an axis no config models, and two broken rows."""
    path = tmp_path_factory.mktemp("user") / "my-own-positions.csv"
    rows = [
        _row(axis_id="TBF-36A", date="1945-08-10", place_reached="Hailar", lat=49.2, lon=119.7),
        _row(axis_id="TBF-36A", date="1945-08-13", place_reached="(none)",
             cumulative_km_from_start_documented="150-300", km_min=150, km_max=300),
        _row(axis_id="TBF-36A", date="1945-08-16", place_reached="Qiqihar", lat=47.34, lon=123.97,
             notes="reached no later than this day"),
        _row(axis_id="1FEF-5A", date="1945-08-12", place_reached="somewhere east",
             cumulative_km_from_start_documented=">60", km_min=60),
        _row(axis_id="1FEF-5A", date="1945-08-15", place_reached="Mudanjiang", lat=44.586, lon=129.624),
        _row(axis_id="XX-INVENTED", date="1945-08-11", place_reached="Nowhere", lat=45, lon=125,
             cumulative_km_from_start_documented="80", km_min=80, km_max=80),
        _row(axis_id="TBF-36A", date="1945-08-32", place_reached="bad date"),
        _row(axis_id="1FEF-5A", date="1945-08-14", place_reached="bad lat", lat=144.6, lon=129.6,
             confidence="sure"),
    ]
    return write_documented(path, rows)


def test_compare_scores_a_file_it_has_never_seen(user_file, tmp_path, capsys):
    out = tmp_path / "cmp"
    code = main(["compare", "--documented", str(user_file), "--out", str(out),
                 "--resolution-m", COARSE, "--map-resolution-m", "40000"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "TBF-36A" in printed and "1FEF-5A" in printed and "ALL" in printed
    assert "axes with no scenario: XX-INVENTED" in printed
    # the shipped fuel states of axes this file does not run are said, not silently dropped
    # (their armies have no documented row in this file: run for their breaches, not scored)
    assert ("fuel states not scored (their army has no documented rows here: run only for the "
            "fortified-region breaches it shares): ") in printed
    assert "TBF-6GTA (" in printed and "TBF-CMG (1 row)" in printed
    t = pd.read_csv(out / "comparison.csv").set_index("row")
    assert list(t.index) == list(range(2, 10))
    assert t.loc[[2, 3, 5, 6], "scorable"].all()
    assert t.loc[3, "documented_km_min"] == 150 and pd.notna(t.loc[3, "km_error"])
    assert pd.notna(t.loc[2, "date_error_days"]) or "misses the place" in t.loc[2, "note"]
    assert "no scenario" in t.loc[7, "note"]
    assert "bad date" in t.loc[8, "note"] and not t.loc[8, "scorable"]
    # Row 9 loses its coordinate (lat out of range) and has no distance: reported, not scored.
    assert not t.loc[9, "scorable"]
    problems = pd.read_csv(out / "problems.csv")
    assert set(problems["column"]) == {"date", "lat", "confidence", "axis_id", "formation"}
    # "a user's formation" names none of the army's: scored on the army as a whole, and said
    named = problems[problems["column"] == "formation"]
    assert (named["consequence"] == "scored against the army as a whole").all()
    assert (named["value"] == "a user's formation").all() and len(named)
    assert problems.loc[problems["column"] == "axis_id", "row"].tolist() == [7]
    # Every scored place row names its event and the formation it was scored against.
    assert t.loc[6, "event"] == "arrival" and isinstance(t.loc[6, "matched_formation"], str)
    assert t.loc[3, "event"] == "distance" and t.loc[2, "timing"] in ("route", "off-route")
    for name in ("comparison.geojson",):
        assert (out / name).is_file()
    s = pd.read_csv(out / "summary.csv").set_index("axis_id")
    assert s.loc["ALL", "rows"] == 8
    for name in ("report.md", "map.png", "advance_TBF-36A.png", "advance_1FEF-5A.png", "rates.csv"):
        assert (out / name).is_file(), name
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "XX-INVENTED" in report and "## TBF-36A" in report
    assert str(tmp_path) not in report and "/tmp" not in report  # no absolute path (issue 15)


def test_compare_reports_bad_input_in_one_line(tmp_path, capsys):
    assert main(["compare", "--documented", str(tmp_path / "missing.csv"), "--no-map"]) == 2
    err = capsys.readouterr().err
    assert "documented-advances file not found" in err and err.count("\n") == 1
    assert main(["compare", "--set", "speed_scale", "--no-map"]) == 2
    assert "NAME=NUMBER" in capsys.readouterr().err


def test_calibrate_with_loao_on_two_axes(user_file, tmp_path, capsys):
    out = tmp_path / "cal"
    code = main(["calibrate", "--documented", str(user_file), "--axes", "TBF-36A,1FEF-5A",
                 "--params", "speed_scale", "--points", "2", "--resolution-m", COARSE,
                 "--workers", "0", "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "Leave-one-axis-out" in printed
    assert "--set speed_scale=" in printed or "speed_scale 1; nothing to set" in printed
    # the screen gets the narrow tables (100 columns), the file the Markdown ones
    assert "| axis |" not in printed and "| axis |" in (out / "calibration.md").read_text()
    assert max(len(ln) for ln in printed.splitlines() if ln.startswith(("axis ", "ALL "))) <= 100
    loao = pd.read_csv(out / "loao.csv")
    assert sorted(loao["held_out"]) == ["1FEF-5A", "TBF-36A"]
    grid = pd.read_csv(out / "grid.csv")
    # two grid points, the nominal 1 between them and the nominal run, per axis
    assert len(grid) == (2 + 1 + 1) * 2
    assert main(["calibrate", "--documented", str(user_file), "--axes", "XX-INVENTED"]) == 2


def test_a_first_time_users_slips_are_problems_on_the_console(tmp_path, capsys):
    """A user's own file on a shipped army (TBF-36A: h_hour 9 Aug 00:10, end 26 Aug): a row
    of 1845 (a year slip) and one after the run were scored ("0 problem(s)"; 48,575 days), a
    row pasted twice was scored twice, and Hailar with its lon left empty lost its place.
    Now the slips are problems the console counts, the copy is one of the file's problems,
    and Hailar falls back on the gazetteer; the run's first and last days are scored."""
    path = tmp_path / "mine.csv"
    hailar = dict(axis_id="TBF-36A", formation="36th Army", place_reached="Hailar")
    rows = [
        _row(**hailar, date="1945-08-12", lat=49.2, lon=119.7),          # 2
        _row(**hailar, date="1945-08-12", lat=49.2, lon=119.7),          # 3: pasted twice
        _row(**hailar, date="1845-08-12", lat=49.2, lon=119.7),          # 4: the year slip
        _row(**hailar, date="1945-09-30", lat=49.2, lon=119.7),          # 5: after the run
        _row(**hailar, date="1945-08-13", lat=49.2, lon=""),             # 6: lon left empty
        _row(axis_id="TBF-36A", formation="36th Army", date="1945-08-09",  # 7: first day
             place_reached="(none)", km_min=0, km_max=300),
        _row(axis_id="TBF-36A", formation="36th Army", date="1945-08-26",  # 8: last day
             place_reached="(none)", km_min=0, km_max=2000),
        _row(axis_id="TBF-36A", formation="36th Army", date="1945-08-27",  # 9: the day after
             place_reached="(none)", km_min=0, km_max=2000),
    ]
    write_documented(path, rows)
    out = tmp_path / "cmp"
    assert main(["compare", "--documented", str(path), "--out", str(out), "--no-map",
                 "--resolution-m", COARSE, "--workers", "0"]) == 0
    printed = capsys.readouterr().out
    assert "2 problem(s) in " in printed  # the copy (row 3), the empty lon (row 6)
    assert "3 problem(s) found scoring the rows" in printed, printed
    assert "row 4, date '1845-08-12': documented date outside the run" in printed
    assert "1945-08-09 00:10 to 1945-08-27 00:00" in printed  # h_hour to the end of 26 Aug
    t = pd.read_csv(out / "comparison.csv").set_index("row")
    assert not t.loc[[3, 4, 5, 9], "scorable"].any()
    assert t.loc[[7, 8], "scorable"].all() and (t.loc[[7, 8], "km_error"] == 0).all()
    assert t.loc[[4, 5], "date_error_days"].isna().all()
    assert "duplicate of row 2" in t.loc[3, "note"]
    assert "coordinate is refused" in t.loc[6, "note"] and "gazetteer (Hailar)" in t.loc[6, "note"]
    assert t.loc[6, "scorable"] and t.loc[6, "lat"] == pytest.approx(49.2, abs=0.1)
    problems = pd.read_csv(out / "problems.csv").set_index("row")
    assert sorted(problems.index) == [3, 4, 5, 6, 9]
    assert problems.loc[6, "consequence"] == "coordinate ignored; the gazetteer's Hailar used instead"


def test_an_army_file_given_as_the_configs_folder_is_said_to_be_a_file(tmp_path, capsys):
    """``compare --configs configs/tbf-36a.yaml`` said "configs folder not found" though the
    file is there: it is said to be a file, with the two ways to score one army."""
    from logistics import settings

    army = settings.SHIPPED_CONFIG_DIR / "tbf-36a.yaml"
    assert main(["compare", "--configs", str(army), "--workers", "0", "--no-map",
                 "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.splitlines()[-1]
    assert err.startswith(f"logistics compare: error: {army} is a file, not a folder: --configs "
                          "takes a folder of army files; fix: "), err
    assert "a folder holding that army file" in err and "--documented" in err
    assert "not found" not in err and "configs_dir=" not in err
    assert not (tmp_path / "o").exists()
