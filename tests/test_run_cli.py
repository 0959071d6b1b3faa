"""`logistics run`: one config or a folder, outputs on disk, one-screen summary, clear errors."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest
import rasterio

from logistics import settings
from logistics.cli import main
from logistics.report.run_outputs import RUN_FILES

pytestmark = pytest.mark.slow

CMG = settings.CONFIG_DIR / "tbf-cmg.yaml"  # the smallest grid of the twelve


def test_a_grid_too_coarse_for_the_army_is_warned_on_before_the_work(tmp_path, capsys):
    """--resolution-m 100000 ran the army on a handful of cells without a word: a warning on
    stderr, before the work starts, with the reason and the fix; the report notes it too. The
    shipped grids (10 km here) are not warned on."""
    out = tmp_path / "cmg"
    assert main(["run", str(CMG), "--resolution-m", "100000", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    warned = [ln for ln in err.splitlines() if ln.startswith("logistics run: warning:")]
    assert len(warned) == 1, err
    assert ("too coarse for TBF-CMG: its margin round the army" in warned[0]
            and "fix: --resolution-m " in warned[0]), warned
    assert err.index(warned[0]) < err.index("[2/3]"), err  # before the work
    assert warned[0].removeprefix("logistics run: warning: ") in (out / "report.md").read_text()
    assert main(["run", str(CMG), "--resolution-m", "10000", "--out", str(tmp_path / "f")]) == 0
    assert "warning" not in capsys.readouterr().err


def test_run_one_config_writes_every_file_and_prints_the_summary(tmp_path, capsys):
    out = tmp_path / "cmg"
    assert main(["run", str(CMG), "--resolution-m", "10000", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "TBF-CMG" in printed and "km/day" in printed and "highest point" in printed
    assert f"outputs: {out}" in printed
    for name in RUN_FILES:
        assert (out / name).stat().st_size > 0, name
    daily = pd.read_csv(out / "daily.csv")
    one = daily[daily["formation_id"] == daily["formation_id"].iloc[0]]  # one row per date
    assert list(one["date"])[:2] == ["1945-08-09", "1945-08-10"]
    tracks = pd.read_csv(out / "tracks.csv")
    assert set(tracks["formation_id"]) == set(pd.read_csv(out / "formations.csv")["formation_id"])
    route = json.loads((out / "route.geojson").read_text())
    assert route["features"][0]["geometry"]["type"] == "LineString"
    with rasterio.open(out / "cost.tif") as src:
        assert src.crs is not None
        assert src.tags(ns="IMAGE_STRUCTURE")["LAYOUT"] == "COG" and src.units == ("h",)
        band = src.read(1, masked=True)
        assert band.min() == pytest.approx(0.0)  # the jump-off cell
        assert src.nodata is not None and np.isfinite(band.filled(src.nodata)).all()
    import geopandas as gpd

    track = gpd.read_file(out / "run.gpkg", layer="track")
    assert len(track) == len(tracks) and track.crs.to_epsg() == 4326
    assert len(gpd.read_file(out / "run.gpkg", layer="daily")) == len(daily)
    # the theatre's railways and fortified regions round the run are layers of the package
    # for a GIS user; round the CMG's routes (Mongolia to Kalgan) the shipped network has no
    # line and the layer file no region: both layers are there, empty, with their fields
    rail = gpd.read_file(out / "run.gpkg", layer="railways_1945")
    assert rail.crs.to_epsg() == 4326 and {"ref", "gauge", "source"} <= set(rail.columns)
    forts = gpd.read_file(out / "run.gpkg", layer="fortified_regions")
    assert {"id", "name", "kind", "status"} <= set(forts.columns)
    report = (out / "report.md").read_text()
    for section in ("## What was run", "## Data", "## Parameters", "## Results",
                    "## Assumptions", "## Sources"):
        assert section in report
    assert "PLIEV" in report  # the cited six refills
    data = report.split("## Data")[1].split("## Parameters")[0]
    for norms in ("norms/march.yaml", "norms/formations.yaml", "norms/movement.yaml",
                  "fortified-regions.yaml"):  # every run reads them, not only vehicle files
        assert norms in data
    # the stops table reads in time order (a new user found it by formation, times jumping)
    block = report.split("Stops reached:")[1].split("\n\n")[1]
    times = [ln.split("|")[1].strip() for ln in block.splitlines()[2:] if ln.startswith("|")]
    assert len(times) > 2 and times == sorted(times)


def test_run_a_folder_runs_each_yaml_into_its_axis_folder(tmp_path, capsys):
    configs = tmp_path / "configs"
    (configs / "sub").mkdir(parents=True)
    shutil.copy(CMG, configs / "a.yaml")
    # a .yml is an army file as a .yaml is (it was skipped without a word: cli20)
    shutil.copy(settings.CONFIG_DIR / "2fef-5rc.yaml", configs / "b.yml")
    shutil.copy(CMG, configs / "sub" / "ignored.yaml")  # not in subfolders
    out = tmp_path / "out"
    assert main(["run", str(configs), "--resolution-m", "10000", "--out", str(out),
                 "--no-events"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["2FEF-5RC", "TBF-CMG"]
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith(f"2 of 2 armies run and written under {out}/ in ")


@pytest.mark.parametrize("given, near", [
    ("configs/a.yml", "did you mean `logistics run configs/a.yaml`?"),  # the other suffix
    ("configs/tbf-39.yaml", "did you mean `logistics run configs/tbf-39a.yaml`?"),  # a typo
    ("tbf-cmgx", "did you mean `logistics run tbf-cmg`?"),  # a shipped scenario by name
    ("TBF-39A", "did you mean `logistics run tbf-39a`?"),  # the axis_id's case (newuser19)
])
def test_a_misspelt_scenario_names_the_nearest_one(given, near, tmp_path, capsys, monkeypatch):
    configs = tmp_path / "configs"
    configs.mkdir()
    shutil.copy(CMG, configs / "a.yaml")
    shutil.copy(CMG, configs / "tbf-39a.yaml")
    monkeypatch.chdir(tmp_path)
    assert main(["run", given]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "neither a scenario file nor a folder" in err
    assert near in err
    if "/" not in given:  # a bare name: every shipped scenario listed, and no data file
        shipped = sorted(p.stem for p in settings.CONFIG_DIR.glob("*.yaml"))
        assert "tbf-6gta" in shipped and "fortified-regions" in shipped
        assert "tbf-6gta, tbf-cmg" in err and "fortified-regions" not in err


def test_a_name_is_looked_up_in_the_copy_logistics_config_dir_names_and_the_error_says_so(
        tmp_path, capsys, monkeypatch):
    """README: a shipped scenario runs by name from any folder, and LOGISTICS_CONFIG_DIR sets
    your own tree. A name is looked up in that configs folder (the copy's scenario by name), but
    a name found nowhere said only "shipped scenarios: ..." (also of a copy's), never where it
    had looked nor that a copy's scenario runs by name once LOGISTICS_CONFIG_DIR names it."""
    from logistics.cli.run import scenario_files

    copy = tmp_path / "my-configs"
    (copy / "vehicles").mkdir(parents=True)
    shutil.copy(CMG, copy / "my-axis.yaml")
    monkeypatch.chdir(tmp_path)
    assert main(["run", "my-axis"]) == 2  # LOGISTICS_CONFIG_DIR not set: the shipped folder
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert f"the shipped configs folder ({settings.CONFIG_DIR}" in err
    assert "LOGISTICS_CONFIG_DIR names the copy: my-configs/my-axis.yaml is one" in err
    assert f"`LOGISTICS_CONFIG_DIR={copy.resolve()} logistics run my-axis`" in err
    monkeypatch.setattr(settings, "CONFIG_DIR", copy)  # as LOGISTICS_CONFIG_DIR=my-configs
    assert scenario_files("my-axis") == [copy / "my-axis.yaml"]
    assert main(["run", "my-axs"]) == 2
    err = capsys.readouterr().err
    assert f"the configs folder LOGISTICS_CONFIG_DIR names ({copy})" in err
    assert "did you mean `logistics run my-axis`? its scenarios: my-axis;" in err
    assert "shipped scenarios" not in err


def test_errors_are_one_clear_line_and_exit_code_2(tmp_path, capsys):
    assert main(["run", str(tmp_path / "missing.yaml")]) == 2
    err = capsys.readouterr().err
    assert "neither a scenario file nor a folder" in err and "did you mean" not in err
    bad = tmp_path / "bad.yaml"
    # the CMG's army file: a misspelt place (its objectives are shared by the formations)
    bad.write_text(CMG.read_text().replace("place: Kalgan", "place: Kalgann", 1))
    assert main(["run", str(bad), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "problem(s)" in err and "'Kalgann'" in err and "did you mean 'Kalgan'" in err
    assert not (tmp_path / "o").exists()  # nothing half-written
    bad.write_text(CMG.read_text().replace("vehicle: studebaker-us6", "vehicle: studebaker-us9"))
    assert main(["run", str(bad), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "unknown vehicle 'studebaker-us9'" in err and "studebaker-us6" in err
    from logistics.progress import PREFIX  # the steps begun are logged before the error

    lines = [ln for ln in err.strip().splitlines() if not ln.startswith(PREFIX)]
    # one error: the army file's problem list (each problem names the file and the key)
    assert lines[0].startswith("logistics run: error:") and "problem(s)" in lines[0]
    assert all(ln.startswith("  ") for ln in lines[1:])
    assert "vehicles.0.vehicle" in err and str(bad) in err
    assert not (tmp_path / "o").exists()


def test_a_start_in_a_lake_is_one_error_naming_the_file_and_formation_once(tmp_path, capsys):
    """Lake Khanka's middle is water for 10 km round: the error names file and formation once
    (it was 'b.yaml: formations (x): b.yaml: formations (x): ...'), and nothing is written."""
    text = (settings.CONFIG_DIR / "1fef-35a.yaml").read_text(encoding="utf-8")
    old = "start: {lon: 133.243, lat: 45.481, assumed: \"the main forces' point of the " \
          "departure line (Rule A from Lesozavodsk)\"}"
    assert old in text
    # the lake lies 87 km from the army's departure line: widen the line's tolerance so that
    # the start passes the load's check and meets the lake at planning
    tol = "  tolerance_km:\n    value: 10\n"
    assert tol in text
    text = text.replace(tol, "  tolerance_km:\n    value: 100\n")
    army = tmp_path / "b.yaml"
    army.write_text(text.replace(old, "start: {lon: 132.42, lat: 44.95, assumed: \"in the lake\"}"),
                    encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", str(army), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("formations.1 (35a-rds)") == 1 and "fix: move the start" in err
    assert "formations (35a-rds)" not in err  # the key path other messages use: n and id
    assert not out.exists()


def test_a_folder_with_two_files_of_one_axis_refuses_the_second_before_any_run(tmp_path, capsys):
    configs = tmp_path / "configs"
    configs.mkdir()
    shutil.copy(CMG, configs / "a.yaml")
    shutil.copy(CMG, configs / "b.yaml")  # the same axis_id, TBF-CMG
    (configs / "c.yaml").write_text("axis_id: [broken\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", str(configs), "--resolution-m", "10000", "--out", str(out),
                 "--no-events"]) == 2
    captured = capsys.readouterr()
    assert sorted(p.name for p in out.iterdir()) == ["TBF-CMG"]
    assert "2 of 3 army files failed" in captured.err
    assert "b.yaml: run folder" in captured.err and "a.yaml's (same axis_id 'TBF-CMG')" in captured.err
    assert "c.yaml:" in captured.err
    # the refusals come before the run: the one summary printed is a.yaml's
    assert captured.out.count("TBF-CMG (") == 1


def test_a_folder_run_names_its_broken_files_before_the_others_run(tmp_path, capsys):
    """A misspelt place in one army file of a folder was said only in the closing error, after
    every other army had run (minutes for `logistics run configs/`): a note names it first."""
    configs = tmp_path / "configs"
    configs.mkdir()
    shutil.copy(CMG, configs / "a.yaml")
    text = (settings.CONFIG_DIR / "armies" / "template.yaml").read_text(encoding="utf-8")
    assert "{place: Qiqihar," in text
    (configs / "b.yaml").write_text(text.replace("{place: Qiqihar,", "{place: Qiqihr,"),
                                    encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", str(configs), "--resolution-m", "10000", "--out", str(out),
                 "--no-events"]) == 2
    err = capsys.readouterr().err
    note = "logistics run: note: 1 of 2 army files cannot be run (b.yaml); the others run now"
    assert err.count(note) == 1, err
    assert err.index(note) < err.index("1 of 2 army files failed"), err
    assert "unknown place 'Qiqihr'" in err.split("army files failed")[1]
    assert sorted(p.name for p in out.iterdir()) == ["TBF-CMG"]


def test_a_folder_run_refuses_a_taken_run_folder_before_any_army_runs(tmp_path, capsys):
    """A run folder that will be refused (a folder of the user's) was noticed only when that
    army's turn came, after the armies before it had run (new-user trial): now it is one of
    the failures found before any run, the user's folder untouched, the others run."""
    configs = tmp_path / "configs"
    configs.mkdir()
    shutil.copy(settings.CONFIG_DIR / "2fef-5rc.yaml", configs / "a.yaml")  # runs first
    shutil.copy(CMG, configs / "b.yaml")
    out = tmp_path / "out"
    (out / "TBF-CMG").mkdir(parents=True)
    (out / "TBF-CMG" / "mine.txt").write_text("x", encoding="utf-8")
    assert main(["run", str(configs), "--resolution-m", "10000", "--out", str(out),
                 "--no-events"]) == 2
    captured = capsys.readouterr()
    assert "1 of 2 army files failed" in captured.err and "b.yaml: run folder" in captured.err
    # refused before the runs: b.yaml's run never started (no progress line of it)
    assert "run b.yaml" not in captured.err.split("army files failed")[0]
    assert (out / "TBF-CMG" / "mine.txt").read_text(encoding="utf-8") == "x"
    assert sorted(p.name for p in (out / "TBF-CMG").iterdir()) == ["mine.txt"]
    assert captured.out.count("TBF-CMG (") == 0 and captured.out.count("2FEF-5RC (") == 1
    assert (out / "2FEF-5RC" / "daily.csv").exists()


def test_an_arrived_formation_reports_its_rate_up_to_arrival_not_over_the_horizon(tmp_path,
                                                                                   capsys):
    """The template's brigade arrives days before the run's 18 days end: its km/day is its km
    over the days from H-hour (9 Aug 00:01) to its arrival, not over all 18 days."""
    template = settings.CONFIG_DIR / "armies" / "template.yaml"
    assert main(["run", str(template), "--resolution-m", "10000", "--out",
                 str(tmp_path / "t")]) == 0
    line = next(t for t in capsys.readouterr().out.splitlines()
                if t.strip().startswith("tpl-tb:"))
    km = float(line.split(":")[1].split("/")[0])
    rate = float(line.split("km, ")[1].split(" km/day")[0])
    # "arrived 12 Aug 10:00 (all of it 12 Aug 10:30);": its head's arrival (tail36)
    when = pd.Timestamp("1945 " + line.split("arrived ")[1].split(";")[0].split(" (")[0])
    days = (when - pd.Timestamp("1945-08-09 00:01")).total_seconds() / 86400
    assert "km/day to arrival; arrived" in line and days < 17
    assert rate == pytest.approx(km / days, abs=1.0)  # printed rounded to the km
    assert rate > km / 18 + 5  # not the horizon's average


def test_run_draws_the_documented_file_it_is_given(tmp_path, capsys):
    """``run --documented FILE``: a user's own dated positions of the run's axis are drawn on
    its layers (run.gpkg ``documented``) instead of the shipped file's; a file that is not
    there is one error before any run, and no run folder is written."""
    import geopandas as gpd

    shipped = pd.read_csv(settings.CONFIG_DIR / "history" / "documented-advances.csv", dtype=str,
                          keep_default_na=False)
    mine = shipped[(shipped["axis_id"] == "TBF-6GTA") & (shipped["lat"] != "")].head(1)
    mine = mine.assign(axis_id="TBF-CMG")
    path = tmp_path / "mine.csv"
    mine.to_csv(path, index=False)
    out = tmp_path / "run"
    assert main(["run", str(CMG), "--resolution-m", "25000", "--out", str(out),
                 "--documented", str(path)]) == 0
    layer = gpd.read_file(out / "run.gpkg", layer="documented")
    assert len(layer) == 1 and layer["place_reached"].iloc[0] == mine["place_reached"].iloc[0]
    capsys.readouterr()
    out2 = tmp_path / "run2"
    assert main(["run", str(CMG), "--out", str(out2), "--documented",
                 str(tmp_path / "none.csv")]) != 0
    err = capsys.readouterr().err
    assert "none.csv" in err and "Traceback" not in err and not out2.exists()
    # a file with no row of the run's axis (here: TBF-6GTA's only) is said, not drawn silently
    other = tmp_path / "other.csv"
    shipped[shipped["axis_id"] == "TBF-6GTA"].to_csv(other, index=False)
    assert main(["run", str(CMG), "--resolution-m", "25000", "--out", str(tmp_path / "run3"),
                 "--documented", str(other)]) == 0
    err = capsys.readouterr().err
    assert ("has no row of axis TBF-CMG (its 11 row(s), all of other axes: TBF-6GTA); the maps "
            "draw no documented position") in err


SHIPPED_DOCUMENTED = settings.SHIPPED_CONFIG_DIR / "history" / "documented-advances.csv"


def _undrawn(path, axis_id: str, capsys) -> str:
    """What `logistics run --documented path` says before running an army of ``axis_id``."""
    from logistics.cli.run import _say_undrawn
    from logistics.history.documented import load_documented

    capsys.readouterr()
    _say_undrawn(load_documented(path), axis_id)
    return capsys.readouterr().err


def test_an_axis_the_documented_file_does_not_name_is_said_plainly_without_a_guess(tmp_path,
                                                                                    capsys):
    # the 17th Army's positions are withheld: the shipped file has no row of TBF-17A. It said
    # "did you mean 'TBF-39A' for 'TBF-17A'?", a guess at another army's axis
    err = _undrawn(SHIPPED_DOCUMENTED, "TBF-17A", capsys)
    assert (f"{SHIPPED_DOCUMENTED} has no row of axis TBF-17A (its 34 row(s), all of other "
            "axes: TBF-6GTA, TBF-39A, TBF-36A, 1FEF-1RBA, 1FEF-5A, 1FEF-35A); the maps draw no "
            "documented position") in err
    assert "did you mean" not in err
    # TBF-36A and TBF-39A differ in one digit (0.86 alike), yet are two armies: no guess
    shipped = pd.read_csv(SHIPPED_DOCUMENTED, dtype=str, keep_default_na=False)
    only_39 = _csv(shipped[shipped["axis_id"] == "TBF-39A"], tmp_path / "39a.csv")
    err = _undrawn(only_39, "TBF-36A", capsys)
    assert "has no row of axis TBF-36A (its 2 row(s), all of other axes: TBF-39A)" in err
    assert "did you mean" not in err


def _csv(rows: pd.DataFrame, path) -> str:
    rows.to_csv(path, index=False)
    return str(path)


def test_a_misspelt_axis_id_is_guessed_on_the_side_that_is_no_army(tmp_path, capsys):
    shipped = pd.read_csv(SHIPPED_DOCUMENTED, dtype=str, keep_default_na=False)
    # the run's axis_id is no army file's (a copied army file's slip): the file's is offered
    err = _undrawn(SHIPPED_DOCUMENTED, "TBF-6GTAA", capsys)
    assert "has no row of axis TBF-6GTAA" in err
    assert "did you mean 'TBF-6GTA' for 'TBF-6GTAA'?" in err
    # the file's axis_id is the slip (another case): the army's is offered for it
    lower = shipped.assign(axis_id=shipped["axis_id"].replace("TBF-6GTA", "tbf-6gta"))
    err = _undrawn(_csv(lower, tmp_path / "lower.csv"), "TBF-6GTA", capsys)
    assert "did you mean 'TBF-6GTA' for its 'tbf-6gta'? (axis_id is matched exactly" in err
    # rows of the axis, none with a place to draw: said as such, no guess
    blind = shipped[shipped["axis_id"] == "TBF-36A"].head(1).assign(lat="", lon="")
    err = _undrawn(_csv(blind, tmp_path / "blind.csv"), "TBF-36A", capsys)
    assert "has 1 row(s) of axis TBF-36A but none with a date, lat and lon to draw" in err
    assert "did you mean" not in err


def test_run_says_which_rows_of_its_documented_file_it_cannot_draw(tmp_path, capsys):
    """A row of ``--documented`` with a refused value (a date 1945-13-40, a lat of 99) was
    left off the maps without a word: the reader keeps its problems for `compare` to print.
    The run now names the row, the column, the value and what was expected (newuser22); a
    clean row says nothing."""
    import geopandas as gpd

    shipped = pd.read_csv(settings.CONFIG_DIR / "history" / "documented-advances.csv", dtype=str,
                          keep_default_na=False)
    good = shipped[(shipped["axis_id"] == "TBF-6GTA") & (shipped["lat"] != "")].head(1)
    good = good.assign(axis_id="TBF-CMG")
    bad = good.assign(date="1945-13-40", lat="99")
    path = tmp_path / "mine.csv"
    pd.concat([good, bad]).to_csv(path, index=False)  # rows 2 (good) and 3 (bad)
    out = tmp_path / "run"
    assert main(["run", str(CMG), "--resolution-m", "25000", "--out", str(out),
                 "--documented", str(path)]) == 0
    err = capsys.readouterr().err
    assert "1 row(s) of axis TBF-CMG not drawn" in err
    assert "row 3, column 'date' = '1945-13-40': bad date" in err
    assert "row 3, column 'lat' = '99': out of range" in err and "row 2," not in err
    assert len(gpd.read_file(out / "run.gpkg", layer="documented")) == 1
    good.to_csv(path, index=False)
    assert main(["run", str(CMG), "--resolution-m", "25000", "--out", str(tmp_path / "run2"),
                 "--documented", str(path)]) == 0
    assert "not drawn" not in capsys.readouterr().err


def test_army_paths_reads_yml_as_yaml_sorted_and_without_the_data_files(tmp_path):
    from logistics.army.load import army_paths

    for name in ("b.yml", "a.yaml", "c.yaml", "sources.yml", "fortified-regions.yaml",
                 "notes.txt"):
        (tmp_path / name).write_text("x: 1\n")
    assert [p.name for p in army_paths(tmp_path)] == ["a.yaml", "b.yml", "c.yaml"]


def test_a_yaml_and_a_yml_of_one_name_are_refused_before_any_run(tmp_path, capsys):
    """``a.yaml`` beside ``a.yml`` (a user who renamed a copy and kept the old one): which is
    the army is the user's to say; one error naming both and the fix, nothing written."""
    mine = tmp_path / "mine"
    mine.mkdir()
    shutil.copy(CMG, mine / "a.yaml")
    shutil.copy(CMG, mine / "a.yml")
    shutil.copy(CMG, mine / "b.yaml")
    assert main(["run", str(mine), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "a.yaml and a.yml" in err and "fix: remove or rename one file of each pair" in err
    assert not (tmp_path / "o").exists()
    # and the comparison, which lists the same folder's army files, says the same
    assert main(["compare", "--configs", str(mine), "--workers", "0", "--no-map",
                 "--out", str(tmp_path / "c")]) == 2
    assert "a.yaml and a.yml" in capsys.readouterr().err and not (tmp_path / "c").exists()




def test_a_depot_no_route_passes_is_a_run_note(tmp_path):
    """A depot no formation's route passes within its radius_km (here the 39th Army's Solun
    depot moved into Lake Hulun) is never taken; the run said so nowhere (found by
    newuser22). The shipped depot, on the route, gets no such note."""
    import yaml

    shipped = settings.CONFIG_DIR / "tbf-39a.yaml"
    data = yaml.safe_load(shipped.read_text(encoding="utf-8"))
    data["supply"]["depots"][0]["at"] = {"lon": 117.4, "lat": 48.95, "radius_km": 15,
                                         "assumed": "a depot in a lake: no route comes near"}
    moved = tmp_path / "tbf-39a-moved.yaml"
    moved.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    note = ("supply.depots.0 (Japanese fuel depot at Solun): no formation's route passes "
            "within its radius_km of 15 km (the nearest, ")
    for army, out in ((moved, tmp_path / "moved"), (shipped, tmp_path / "shipped")):
        assert main(["run", str(army), "--resolution-m", "25000", "--out", str(out)]) == 0
        report = (out / "report.md").read_text(encoding="utf-8")
        assert (note in report) == (army == moved), army
    deliveries = pd.read_csv(tmp_path / "moved" / "deliveries.csv")
    assert not (deliveries["kind"] == "depot").any()
