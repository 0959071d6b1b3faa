"""A new user's tryout (helper "msgs24"), each message or output fixed at its root.

A folder of army files given as ``config_dir`` (or LOGISTICS_CONFIG_DIR) failed on the first
file it lacks ("planned-rates file ... is missing") with no word of the mix-up. An
``uncertain:`` range of a formation's men taken from its standard said "names no figure ...
fix: formations.<id>.men", what was written. A documented position with lat and lon swapped
said "out of range" only. ``--out logistics/run1`` wrote into the package's source. A quoted
``--out '~/x'`` printed "outputs: ~/x/", reading like home. report.md's command left out
--out and showed ü as \u00fc; the copied-configs note printed its folder unquoted. The README
called route.geojson and daily.geojson the headline's. run.gpkg's track and deliveries layers
lacked columns of their CSVs. A copied vehicle file blamed its original. A grid too fine for
the memory grew to gigabytes before any message.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest

from logistics import settings
from logistics.errors import ConfigError

SHIPPED = Path(settings.SHIPPED_CONFIG_DIR)


# --- a folder of army files given as the configs folder ----------------------------------------

@pytest.fixture
def army_folder(tmp_path) -> Path:
    """The user's folder of army files (two shipped ones) under a name with a space and a ü."""
    folder = tmp_path / "my armies ü"
    folder.mkdir()
    for name in ("tbf-36a.yaml", "tbf-cmg.yaml"):
        shutil.copy(SHIPPED / name, folder / name)
    return folder


def test_compare_says_a_folder_of_army_files_is_not_a_configs_folder(army_folder):
    import logistics

    with pytest.raises(ConfigError) as err:
        logistics.compare(configs_dir=army_folder, config_dir=army_folder)
    msg = str(err.value)
    assert f"config_dir={str(army_folder)!r}" in msg
    assert "has no history/, norms/, vehicles/ but holds 2 army files" in msg
    assert "looks like a folder of army files" in msg
    assert "use configs_dir= for a folder of army files" in msg and "whole copy of configs/" in msg


@pytest.mark.parametrize("call", ["run", "load_scenario"])
def test_a_run_says_a_folder_of_army_files_is_not_a_configs_folder(army_folder, call):
    import logistics

    with pytest.raises(ConfigError, match="looks like a folder of army files.*give one of its "
                                          "files as the scenario"):
        getattr(logistics, call)(army_folder / "tbf-36a.yaml", config_dir=army_folder)


def test_a_whole_configs_copy_and_a_folder_without_army_files_pass(tmp_path, army_folder):
    assert settings.army_files_folder(SHIPPED) is None
    (tmp_path / "empty").mkdir()
    assert settings.army_files_folder(tmp_path / "empty") is None  # the readers say what lacks
    (army_folder / "vehicles").mkdir()  # a partial copy still names what it lacks
    assert "has no history/, norms/ but" in settings.army_files_folder(army_folder)


def test_logistics_config_dir_set_to_a_folder_of_army_files_is_a_bad_variable(army_folder):
    from tests.test_settings_env import _settings

    code = ("from logistics.errors import ConfigError\n"
            "try:\n    settings.check()\nexcept ConfigError as e:\n    print(e)\n")
    res = _settings({"LOGISTICS_CONFIG_DIR": str(army_folder)}, code)
    assert res.returncode == 0, res.stderr
    assert "environment variable LOGISTICS_CONFIG_DIR=" in res.stdout
    assert "looks like a folder of army files" in res.stdout
    assert "logistics compare --configs FOLDER" in res.stdout


# --- an uncertain: range of a figure a formation takes from its standard ----------------------

def test_a_range_of_a_figure_taken_from_the_standard_says_to_write_it(tmp_path):
    """'uncertain: formations.36a-main-rds.men names no figure ... fix: ... formations.<id>.men'
    told the user to write what they had written: the formation's men come from its standard."""
    import yaml

    from tests.conftest import army_refused

    doc = yaml.safe_load((SHIPPED / "tbf-36a.yaml").read_text(encoding="utf-8"))
    (rds,) = [f for f in doc["formations"] if f["id"] == "36a-main-rds"]
    assert "men" not in rds and rds["standard"] == "rifle_division", "premise"
    doc.setdefault("uncertain", {})["formations.36a-main-rds.men"] = {
        "low": 8000, "high": 11000, "assumed": "a tryout"}
    msg = army_refused(tmp_path, doc)
    line = next(ln for ln in msg.splitlines() if "formations.36a-main-rds.men" in ln)
    assert "names no figure" not in line
    assert "writes no `men:`, it takes its standard's (rifle_division: " \
        "configs/norms/formations.yaml standards.rifle_division.men)" in line
    assert "give the formation its own `men:`" in line
    assert "its range 7000 .. 12000 is in formations.yaml's `uncertain:`" in line
    assert "--set norms/formations:standards.rifle_division.men=VALUE" in line


# --- a documented position with lat and lon swapped -------------------------------------------

def _documented_rows(tmp_path, **cells):
    """The shipped documented file's first located row with ``cells`` replaced, read back."""
    import pandas as pd

    from logistics.history.documented import load_documented

    shipped = pd.read_csv(SHIPPED / "history" / "documented-advances.csv", dtype=str,
                          keep_default_na=False)
    row = shipped[(shipped["lat"] != "") & (shipped["start_lat"] != "")].head(1)
    path = tmp_path / "mine.csv"
    row.assign(**cells).to_csv(path, index=False)
    return [str(p) for p in load_documented(path).problems]


def test_a_documented_position_with_lat_and_lon_swapped_says_so(tmp_path):
    (problem,) = _documented_rows(tmp_path, lat="126.6", lon="48.27")
    assert "column 'lat' = '126.6': out of range" in problem
    assert "lat and lon look swapped" in problem and "write lat 48.27, lon 126.6" in problem
    (start,) = _documented_rows(tmp_path, start_lat="126.6", start_lon="48.27")
    assert "write start_lat 48.27, start_lon 126.6" in start


def test_a_latitude_out_of_range_that_is_no_swap_says_no_swap(tmp_path):
    (problem,) = _documented_rows(tmp_path, lat="99", lon="126.6")  # 126.6 is no latitude
    assert "out of range" in problem and "swapped" not in problem


# --- an output folder inside the package's own source folder ----------------------------------

@pytest.mark.parametrize("where", ["run1", "report/run1", ""])
def test_an_output_inside_the_package_folder_is_refused(where):
    """`logistics run tbf-cmg --out logistics/run1` wrote a run among the modules; configs/ and
    rasters/ were refused already."""
    import logistics
    from logistics import _atomic
    from logistics.errors import OutputError

    package = Path(logistics.__file__).resolve().parent
    target = package / where if where else package
    with pytest.raises(OutputError, match=r"lies inside the package folder the tool runs from"):
        _atomic.check_output_dir(target)
    with pytest.raises(OutputError, match="inside the package folder"):
        _atomic.check_output_file(package / "map.png")
    assert not (package / "run1").exists()


def test_the_command_line_refuses_an_out_in_the_package_before_any_work(capsys, monkeypatch):
    import logistics
    from logistics.cli import main

    monkeypatch.chdir(Path(logistics.__file__).resolve().parent.parent)
    assert main(["run", "tbf-cmg", "--out", "logistics/run1"]) != 0
    assert "'logistics/run1' lies inside the package folder" in capsys.readouterr().err
    assert not Path("logistics/run1").exists()


# --- the summary's outputs line: an absolute path ---------------------------------------------

CMG = SHIPPED / "tbf-cmg.yaml"


def test_a_quoted_tilde_out_is_a_folder_here_and_the_summary_says_where(tmp_path, monkeypatch,
                                                                         capsys):
    """`--out '~/tilde-run'` (quoted: no shell expansion) makes a folder named '~' in the
    current folder, as a shell would; the summary printed 'outputs: ~/tilde-run/', which reads
    like home. It prints the absolute path."""
    from logistics.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["run", str(CMG), "--resolution-m", "25000", "--out", "~/tilde-run"]) == 0
    printed = capsys.readouterr().out
    assert (tmp_path / "~" / "tilde-run" / "daily.csv").is_file()
    assert f"  outputs: {tmp_path}/~/tilde-run/ (run and written in " in printed
    assert "outputs: ~/" not in printed


# --- report.md's command line -----------------------------------------------------------------

def test_the_report_command_reruns_the_run_and_names_as_written(tmp_path, monkeypatch):
    """report.md's command did not say to add --out, and 'What was run' showed the army file's ü as a JSON
    escape (\\u00fc); a path with a space was one shell word but the page's rewrite of absolute
    paths (none may be on a page) stopped at the space."""
    from logistics.cli import main

    monkeypatch.chdir(tmp_path)
    mine = tmp_path / "my configs ü"
    mine.mkdir()
    shutil.copy(CMG, mine / "my cmg.yaml")
    assert main(["run", str(mine / "my cmg.yaml"), "--resolution-m", "25000",
                 "--out", str(tmp_path / "out ü" / "r")]) == 0
    page = (tmp_path / "out ü" / "r" / "report.md").read_text(encoding="utf-8")
    # the folder written is left out (a page is the same bytes wherever the run is written)
    # and the note says to add it
    assert ("- command: `logistics run 'my configs ü/my cmg.yaml' --resolution-m 25000` "
            "(paths relative to the folder the run was made in; add `--out DIR`") in page
    assert "\\u00fc" not in page and '- scenario_file: `"my configs ü/my cmg.yaml"`' in page
    assert str(tmp_path) not in page  # still no absolute path on the page


def test_run_command_quotes_the_out_folder():
    from logistics.report.run_page import run_command

    prov = {"scenario_file": "configs/tbf-17a.yaml", "seed": 0, "resolution_m": 1000.0}
    assert run_command(prov, "out/my run") == "logistics run configs/tbf-17a.yaml --out 'out/my run'"
    assert run_command(prov) == "logistics run configs/tbf-17a.yaml"


# --- the note of a copied configs tree: a path with a space is one shell word -----------------

def test_the_copied_tree_note_quotes_the_folder(tmp_path):
    from logistics.cli.run import other_tree_note

    copy = tmp_path / "my configs ü"
    (copy / "vehicles").mkdir(parents=True)
    note = other_tree_note(copy)
    assert note.endswith(f"set LOGISTICS_CONFIG_DIR='{copy.resolve()}'"), note


# --- README: what route.geojson and daily.geojson hold -----------------------------------------

def test_readme_says_the_geojson_files_hold_every_formation(tmp_path, monkeypatch):
    """The README called route.geojson and daily.geojson 'the headline formation's'; both hold
    every formation (checked on a run), only track.csv is the headline's."""
    import json
    import re

    from logistics.cli import main

    text = " ".join((Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8").split())
    assert "headline formation's `route.geojson`" not in text
    assert "`route.geojson` (every formation's planned route" in text
    assert "`daily.geojson` (every formation's end-of-day positions" in text
    assert re.search(r"the headline formation's `track.csv`", text)
    monkeypatch.chdir(tmp_path)
    assert main(["run", str(SHIPPED / "tbf-36a.yaml"), "--resolution-m", "25000",
                 "--out", "o"]) == 0
    formations = {ln.split(",")[0] for ln in
                  (tmp_path / "o" / "formations.csv").read_text().splitlines()[1:]}
    assert len(formations) > 1, "premise: an army of several formations"
    for name, kind in (("route.geojson", "route"), ("daily.geojson", None)):
        feats = json.loads((tmp_path / "o" / name).read_text())["features"]
        assert {f["properties"]["formation_id"] for f in feats
                if kind is None or f["properties"]["kind"] == kind} == formations, name


# --- run.gpkg's track and deliveries layers carry the CSV's columns ----------------------------

def test_the_gpkg_track_and_deliveries_layers_carry_every_csv_column(tmp_path):
    """run.gpkg's track layer lacked tail_km, elements, dry_classes and reserve_km of
    tracks.csv; its deliveries layer lacked offered_l and truck_fuel_l of deliveries.csv."""
    import geopandas as gpd
    import pandas as pd

    import logistics

    result = logistics.run(SHIPPED / "tbf-36a.yaml", resolution_m=25000)
    out = logistics.write_run(result, tmp_path / "run")
    for layer, csv in (("track", "tracks.csv"), ("deliveries", "deliveries.csv")):
        table = pd.read_csv(out / csv)
        gis = gpd.read_file(out / "run.gpkg", layer=layer)
        assert len(table) and len(gis) == len(table), layer  # premise: rows to compare
        missing = set(table.columns) - {"lon", "lat"} - set(gis.columns)
        assert not missing, (layer, missing)
    track = gpd.read_file(out / "run.gpkg", layer="track")
    tracks = pd.read_csv(out / "tracks.csv")
    assert (track["elements"].to_numpy() == tracks.sort_values(
        ["formation_id", "time"], kind="stable")["elements"].to_numpy()).all()


# --- a copied vehicle file with its original's aliases: the copy is the one to fix -------------

def test_a_copied_vehicle_file_named_before_its_original_is_the_one_to_fix(tmp_path):
    """cp bt-7.yaml bt-5.yaml: the problem named bt-7.yaml (the later by name) as the file at
    fault; the copy is, being the newer file."""
    import os

    from logistics.vehicles import list_vehicles

    root = tmp_path / "my configs ü"
    shutil.copytree(SHIPPED, root)
    original = root / "vehicles" / "bt-7.yaml"
    os.utime(original, (1e9, 1e9))  # the original is older than the copy made now
    shutil.copy(original, root / "vehicles" / "bt-5.yaml")
    with pytest.raises(ConfigError) as err:
        list_vehicles(config_dir=root)
    (line,) = [ln for ln in str(err.value).splitlines() if "also used by" in ln]
    assert line.startswith(f"  - {root / 'vehicles' / 'bt-5.yaml'}: "), line
    assert f"also used by vehicle 'bt-7' ({original})" in line
    assert "fix: give bt-5.yaml (the newer file" in line


# --- a grid too fine for the memory: refused before the terrain is built ------------------------

def test_a_run_too_fine_for_the_memory_is_refused_before_the_terrain(monkeypatch, capsys):
    """`run --resolution-m 100` on an army grew to 7+ GB before any message. The grid's cells
    times the measured bytes a cell are compared with the memory available first."""
    import logistics.terrain
    from logistics import run_memory
    from logistics.advance.plan import army_bbox
    from logistics.army.load import load_army
    from logistics.cli import main
    from logistics.errors import ResourceError
    from logistics.terrain.grid import metric_grid

    box = army_bbox(load_army(CMG))
    cells_10km = math.prod(metric_grid(box, 10_000).shape)
    have = run_memory.run_bytes(cells_10km)  # exactly what a 10 km grid needs
    monkeypatch.setattr(run_memory, "available_bytes", lambda: have)

    def no_terrain(*a, **k):
        raise AssertionError("the terrain was built before the check")

    monkeypatch.setattr(logistics.terrain, "load_terrain", no_terrain)
    with pytest.raises(ResourceError) as err:
        logistics.run(CMG, resolution_m=5000)
    msg = str(err.value)
    cells_5km = math.prod(metric_grid(box, 5000).shape)
    assert f"({cells_5km:,}) at 5000 m needs about " in msg and "256 B a cell" in msg
    fits = int(msg.split("fix: a resolution of at least ")[1].split(" m")[0])
    assert 5000 < fits <= 10_000  # 10 km fits exactly: the fix is no coarser
    run_memory.check_run_fits(box, fits)  # the suggested grid passes the same check
    with pytest.raises(ResourceError):
        run_memory.check_run_fits(box, fits - 1)  # and a metre finer does not
    assert main(["run", str(CMG), "--resolution-m", "5000", "--out", "/tmp/msgs24-never"]) != 0
    text = capsys.readouterr().err
    assert f"fix: --resolution-m {fits} or coarser" in text and "--engine chunked" in text
    assert not Path("/tmp/msgs24-never").exists()


def test_the_default_grid_of_every_shipped_army_fits_in_a_few_gib():
    """The check keeps default runs: every shipped army's 1 km grid needs under 2 GiB by the
    allowance (the measured tbf-36a run peaked at 685 MiB)."""
    from logistics import run_memory
    from logistics.advance.plan import army_bbox
    from logistics.army.load import army_paths, load_army
    from logistics.terrain.grid import metric_grid

    for path in army_paths(SHIPPED):
        cells = math.prod(metric_grid(army_bbox(load_army(path)), 1000).shape)
        assert run_memory.run_bytes(cells) < 2 * 2**30, path.name


def test_the_report_command_says_which_path_it_names_by_name_only(tmp_path, monkeypatch):
    """An army file outside the working folder is named by its last part (a page names no
    absolute path): the page says so rather than calling it relative."""
    from logistics.report.run_page import _paths_note

    monkeypatch.chdir(tmp_path)
    assert _paths_note({"scenario_file": "/elsewhere/my axis.yaml"}) == (
        "paths relative to the folder the run was made in; my axis.yaml by name only: it was "
        "outside it, and a page names no absolute path")
    assert _paths_note({"scenario_file": str(tmp_path / "a.yaml")}) == (
        "paths relative to the folder the run was made in")