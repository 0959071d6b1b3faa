"""A new user's bad inputs: each ends in one clear error of the project's own type."""

from __future__ import annotations

import copy

import pytest
import yaml

from logistics import settings
from logistics.cost.bench import run_benchmark
from logistics.cli import main
from logistics.errors import ConfigError, ExtentError, ResourceError
from logistics.places import check_in_theatre
from logistics.army.load import check_army, validate_army


@pytest.fixture(scope="module")
def gta() -> dict:
    return yaml.safe_load((settings.CONFIG_DIR / "tbf-6gta.yaml").read_text(encoding="utf-8"))


def test_theatre_check_names_the_point_once_and_the_extent_in_degrees():
    check_in_theatre(122.0, 45.0, "inside")  # no error
    with pytest.raises(ExtentError) as err:
        check_in_theatre(100.0, 60.0, "60.0000, 100.0000")
    msg = str(err.value)
    assert msg.count("60.0000") == 1  # coordinates as the name are not repeated
    assert "108-136 E, 38-54 N" in msg
    with pytest.raises(ExtentError, match=r"Chita \(52\.0000 N, 107\.0000 E\) lies outside"):
        check_in_theatre(107.0, 52.0, "Chita")


def test_route_outside_the_theatre_says_the_same_as_sample(capsys):
    assert main(["route", "--from", "60,100", "--to", "Harbin", "--vehicle", "zis-5"]) == 2
    route_err = capsys.readouterr().err.strip()
    assert main(["sample", "60,100"]) == 2
    sample_err = capsys.readouterr().err.strip()
    assert route_err.split("error: ", 1)[1] == sample_err.split("error: ", 1)[1]
    assert "108-136 E, 38-54 N" in route_err and "Traceback" not in route_err


def validate_scenario(data, *, source: str):
    """What a user's army file goes through at the edge: the schema, then the cross-checks."""
    check_army(validate_army(data, source=source))


def test_army_start_outside_the_theatre_is_a_config_error_naming_the_key(gta):
    bad = copy.deepcopy(gta)
    bad["formations"][1]["start"] = {"lon": 100.0, "lat": 60.0, "assumed": "x"}
    with pytest.raises(ConfigError) as err:
        validate_scenario(bad, source="x.yaml")
    msg = str(err.value)
    assert "x.yaml: formations.1 (5gtc).start" in msg
    assert "outside the theatre 108-136 E, 38-54 N" in msg
    bad = copy.deepcopy(gta)
    objectives = copy.deepcopy(bad["formations"][1]["objectives"])  # YAML anchors share lists
    objectives[1] = {"place": "Tongliao", "lon": 100.0, "lat": 60.0, "assumed": "x"}
    bad["formations"][1]["objectives"] = objectives  # explicit coordinates are checked too
    with pytest.raises(ConfigError, match=r"formations\.1 \(5gtc\)\.objectives\.1.*outside the "
                                          "theatre"):
        validate_scenario(bad, source="x.yaml")


def test_a_place_outside_the_theatre_says_the_box_and_how_to_give_a_place(gta):
    """An objective typed as "10.0,10.0": the fix says the theatre's lon/lat box and the ways
    to give a place (it said "give a place inside it; fix: see the key in
    configs/armies/README.md", which holds no theatre)."""
    bad = copy.deepcopy(gta)
    objectives = copy.deepcopy(bad["formations"][1]["objectives"])
    objectives[1] = {"place": "10.0,10.0", "assumed": "x"}
    bad["formations"][1]["objectives"] = objectives
    with pytest.raises(ConfigError) as err:
        validate_scenario(bad, source="x.yaml")
    msg = str(err.value)
    assert ("x.yaml: formations.1 (5gtc).objectives.1: 10.0000 N, 10.0000 E lies outside the "
            "theatre 108-136 E, 38-54 N (the longitude and latitude box") in msg, msg
    fix = msg.split("fix: ", 1)[1]
    for words in ("inside that box", "`logistics places TEXT`", "lon:/lat: in an army file",
                  "'LAT,LON' (latitude first)", "e.g. lon: 122, lat: 46 or '46,122'"):
        assert words in fix, (words, msg)
    assert "see the key" not in msg and msg.count("fix:") == 1, msg
    check_in_theatre(122.0, 46.0)  # the example given is inside


def test_dates_out_of_order_reported_once(gta):
    bad = copy.deepcopy(gta)
    bad["end"]["value"] = "1945-08-05"
    with pytest.raises(ConfigError) as err:
        validate_scenario(bad, source="x.yaml")
    msg = str(err.value)
    assert msg.count("end (1945-08-05 00:00:00) must be after h_hour") == 1
    assert msg.count("fix:") == 1


def test_compare_file_without_the_date_column_fails_before_any_run(tmp_path, capsys):
    src = (settings.CONFIG_DIR / "history" / "documented-advances.csv").read_text(encoding="utf-8")
    lines = [",".join(c for i, c in enumerate(line.split(",")) if i != 3)
             for line in src.splitlines()[:1]]
    assert "date" not in lines[0].split(",")
    user_file = tmp_path / "no-date.csv"
    user_file.write_text(lines[0] + "\n", encoding="utf-8")
    out = tmp_path / "cmp"
    assert main(["compare", "--documented", str(user_file), "--out", str(out), "--no-map",
                 "--workers", "0"]) == 2
    err = capsys.readouterr().err
    assert "missing column(s) 'date', so no row can be scored" in err
    assert err.count("\n") == 1 and not out.exists()


def test_bench_size_that_cannot_fit_is_refused_before_any_work(tmp_path):
    with pytest.raises(ResourceError, match="1e\\+13 cells.*choose smaller sizes"):
        run_benchmark([10**13], repeat=1, log=lambda _: pytest.fail("work started"))
    assert main(["bench", "--sizes", "1e13", "--out", str(tmp_path / "b")]) == 2
    assert not (tmp_path / "b").exists()


def test_box_without_elevation_is_named_in_rounded_degrees():
    from logistics.errors import DataError
    from logistics.terrain import load_terrain

    with pytest.raises(DataError) as err:
        load_terrain((135.999, 38.0, 136.0, 38.001))
    msg = str(err.value)
    assert "136.00-136.00 E, 38.00-38.00 N" in msg and "135.999" not in msg


def test_point_whose_window_has_no_elevation_is_named_as_a_point(monkeypatch):
    import logistics.terrain as terrain
    from logistics.errors import DataError
    from logistics.terrain.sample import point_terrain

    def empty(bbox, **_):
        raise DataError(f"no elevation data in {bbox} in x.tif; choose a box over land")

    monkeypatch.setattr(terrain, "load_terrain", empty)
    with pytest.raises(DataError) as err:
        point_terrain(131.5012, 45.1234)
    msg = str(err.value)
    assert msg.startswith("no terrain data at 45.12 N, 131.50 E (sea or outside the DEM)")
    assert "box" not in msg


def test_sample_on_a_nodata_cell_is_one_clear_error(capsys):
    # the theatre's south-east corner: inside the theatre, but no land cover/elevation cell
    assert main(["sample", "38.0,136.0"]) == 2
    captured = capsys.readouterr()
    assert "no terrain data at 38.00 N, 136.00 E (sea or outside the DEM)" in captured.err
    assert "inf" not in captured.out and "nodata" not in captured.out.lower()


def _documented_file(tmp_path, **row):
    import csv

    from logistics.history.documented import COLUMNS

    rec = {c: "" for c in COLUMNS}
    rec.update(front="Transbaikal Front", formation="f", source="s", quote="q", confidence="low")
    rec.update({k: str(v) for k, v in row.items()})
    path = tmp_path / "doc.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerow(rec)
    return path


def test_report_counts_the_axes_its_table_lists(tmp_path):
    from logistics.history.documented import load_documented
    from logistics.report.compare_page import _axes_text

    good = load_documented(_documented_file(tmp_path, axis_id="TBF-39A", date="1945-08-12",
                                            lat=46.62, lon=121.24))
    assert _axes_text(good) == "1 axis"
    bad_date = load_documented(_documented_file(tmp_path, axis_id="TBF-39A", date="1945-08-32",
                                                lat=46.62, lon=121.24))
    assert _axes_text(bad_date) == "1 axis (0 with a usable row)"


def test_in_process_runs_print_their_progress_once_off_a_terminal(capsys):
    from logistics.history import runs

    def fake_run_one(runner, job):
        return job

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(runs, "_run_one", fake_run_one)
        assert runs.run_jobs([1, 2, 3], runner=object(), progress=True) == [1, 2, 3]
    err = capsys.readouterr().err
    # plain lines: one per tenth of the total crossed before the end (1/3, 2/3), one closing
    assert err.count("progress: runs ") == 3 and "progress: runs 3/3 runs done in" in err
    assert "\r" not in err
