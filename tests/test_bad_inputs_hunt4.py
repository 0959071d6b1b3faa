"""Bad inputs found from outside, fourth pass (helper "hunt"): each ends in one clear error.

The notebook API (``logistics/api.py``) given the wrong kind of argument (None, a number for a
path, a string or an array for a cell size, a negative seed, something that is no run result)
raised TypeError or AttributeError from deep inside (pathlib, numpy, the runner); it now
refuses them at its edge with the project's own error naming the argument, the value and the
fix. Output paths with a control character, or a relative path under a folder named ``~``,
broke the GIS writers (GDAL drops newlines and tabs from file names; geopandas expands a
leading ``~``) in a traceback after the whole run. A dangling link among the army files of a
folder run was skipped without a word.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

import logistics
from logistics import settings
from logistics.errors import ConfigError, DataError, LogisticsError, OutputError

CFG = settings.SHIPPED_CONFIG_DIR / "tbf-39a.yaml"


# --- the notebook API refuses the wrong kind of argument at its edge ---------------------------

@pytest.mark.parametrize("call, fragments", [
    (lambda: logistics.load_scenario(None), ["path must be a path", "None"]),
    (lambda: logistics.load_scenario(5), ["path must be a path", "5"]),
    (lambda: logistics.load_scenario(b"configs/tbf-39a.yaml"), ["path must be a path", "b'"]),
    (lambda: logistics.run(None), ["scenario must be an army", "got None"]),
    (lambda: logistics.run({"axis_id": "X"}), ["scenario must be an army", "axis_id"]),
    (lambda: logistics.run(CFG, seed=-1), ["seed must be a whole number 0 .. 4294967295", "-1"]),
    (lambda: logistics.run(CFG, seed="a"), ["seed must be", "'a'"]),
    (lambda: logistics.run(CFG, seed=1.5), ["seed must be", "1.5"]),
    (lambda: logistics.run(CFG, seed=None), ["seed must be", "None"]),
    (lambda: logistics.run(CFG, seed=2**40), ["seed must be", str(2**40)]),
    (lambda: logistics.run(CFG, resolution_m=np.array([25000.0])),
     ["resolution_m must be a positive number of metres", "array"]),
    (lambda: logistics.run(CFG, resolution_m="25000"), ["resolution_m", "'25000'"]),
    (lambda: logistics.run(CFG, resolution_m=True), ["resolution_m", "True"]),
    # a cell of 1000 km gave a 2 x 2 grid silently, 10,000 km "no elevation data": the API now
    # takes the command line's range (msgs26)
    (lambda: logistics.run(CFG, resolution_m=1e6),
     ["resolution_m=1000000 is outside 1..100000 m", "fix:"]),
    (lambda: logistics.run(CFG, resolution_m=1e7), ["resolution_m=10000000", "1..100000"]),
    (lambda: logistics.sample("Hailar", resolution_m=0.5), ["resolution_m=0.5", "1..100000"]),
    (lambda: logistics.compare(resolution_m=200_000), ["resolution_m=200000", "1..100000"]),
    # overrides= was a TypeError (msgs26); checked as compare --set checks them, before the run
    (lambda: logistics.run(CFG, overrides={"speedscale": 1.2}),
     ["override 'speedscale' names no figure", "did you mean 'speed_scale'"]),
    (lambda: logistics.run(CFG, overrides={"speed_scale": 100}),
     ["speed_scale must be a number in [0.05, 20]", "fix:"]),
    (lambda: logistics.run(CFG, overrides={"speed_scale": "1.2"}), ["finite numbers", "fix:"]),
    (lambda: logistics.run(CFG, overrides=[("speed_scale", 1.2)]), ["must be a dict", "fix:"]),
    (lambda: logistics.run(CFG, overrides={"fuel.reserve_reach_kmx": 50}),
     ["do not fit TBF-39A", "did you mean 'fuel.reserve_reach_km'", "fix:"]),
    # the fix of a value not among the allowed ones names each (msgs26)
    (lambda: logistics.run(CFG, engine="gpu"),
     ["engine must be one of", "fix: engine='auto', engine='memory' or engine='chunked'"]),
    (lambda: logistics.route("Hailar", "Yakeshi", "zis-5", mode="air"),
     ["mode must be one of", "fix: mode='any', mode='rail', mode='road' or "
                             "mode='cross-country'"]),
    (lambda: logistics.vehicle_rates("Hailar", season="winter", resolution_m=25000),
     ["season must be one of", "fix: season='dry' or season='wet'"]),
    (lambda: logistics.sample("Hailar", resolution_m="1000"), ["resolution_m", "'1000'", "fix"]),
    (lambda: logistics.sample("Hailar", resolution_m=[1000]), ["resolution_m", "[1000]"]),
    (lambda: logistics.sample("Hailar", resolution_m=float("nan")), ["resolution_m", "nan"]),
    (lambda: logistics.sample("Hailar", resolution_m=float("inf")), ["resolution_m", "inf"]),
    (lambda: logistics.vehicle_rates("Hailar", vehicles=5), ["vehicles must be a vehicle id",
                                                               "5", "fix"]),
    (lambda: logistics.vehicle_rates("Hailar", vehicles=[]), ["vehicles must be", "[]"]),
    (lambda: logistics.vehicle_rates("Hailar", vehicles=["zis-5", None]), ["vehicles must be"]),
    (lambda: logistics.vehicle_rates("Hailar", season="monsoon"), ["season", "monsoon"]),
    (lambda: logistics.vehicle_rates("Hailar", resolution_m="1000"), ["resolution_m", "'1000'"]),
    (lambda: logistics.layers(None), ["layers needs the result of logistics.run", "None"]),
    (lambda: logistics.layers({}), ["layers needs the result", "{}"]),
    (lambda: logistics.route("Hailar", "Yakeshi", "zis-5", via=5), ["via must be a list", "5"]),
    (lambda: logistics.compare(documented=5), ["documented must be a path", "5"]),
    (lambda: logistics.compare(configs_dir=5), ["configs_dir must be a path", "5"]),
    (lambda: logistics.compare(seed="x"), ["seed must be", "'x'"]),
    # a billion draws ran on (the command line caps --samples, the API did not)
    (lambda: logistics.compare(samples=10**9), ["samples must be a whole number 0 .. 1000"]),
    (lambda: logistics.compare(samples=True), ["samples must be", "True"]),
    (lambda: logistics.compare(samples=-1), ["samples must be", "-1"]),
    (lambda: logistics.build_cost_model(None, "zis-5"), ["terrain must be an xarray Dataset",
                                                         "NoneType"]),
    (lambda: logistics.find_costs(None, [(0, 0)]), ["find_costs needs a CostModel", "NoneType"]),
    (lambda: logistics.accumulate("x", [(0, 0)]), ["accumulate needs a CostModel", "str"]),
    (lambda: logistics.traceback(None, (0, 0)), ["traceback needs the result of find_costs"]),
    (lambda: logistics.path(None, (0, 0)), ["path needs the result of accumulate"]),
])
def test_the_api_refuses_a_wrong_argument_with_its_name_and_value(call, fragments):
    with pytest.raises(LogisticsError) as info:
        call()
    assert isinstance(info.value, (ConfigError, DataError))
    for fragment in fragments:
        assert fragment in str(info.value), str(info.value)


def test_vehicle_rates_names_an_unknown_vehicle_and_takes_one_id():
    """``logistics.vehicle_rates``: an unknown id is the vehicles' own UnknownNameError (as
    ``load_vehicle``), and one id alone is a list of one."""
    from logistics.errors import UnknownNameError

    with pytest.raises(UnknownNameError, match="tiger-ii"):
        logistics.vehicle_rates("Hailar", vehicles="tiger-ii")
    one = logistics.vehicle_rates("Hailar", vehicles="zis-5", resolution_m=5000)
    assert list(one["vehicle"]) == ["zis-5"] and one["fuel_flat_l_per_km"].iloc[0] > 0


def test_the_api_takes_a_cell_size_of_numpy_and_one_place_as_via():
    from logistics.api import _via_arg
    from logistics.terrain.grid import check_resolution_m

    assert check_resolution_m(np.float32(5000.0)) == 5000.0
    assert check_resolution_m(np.int64(25000)) == 25000.0
    assert _via_arg("Hailar") == ("Hailar",)  # one place, not its letters
    assert _via_arg(None) == ()
    assert _via_arg([(120.0, 49.2), "Hailar"]) == ((120.0, 49.2), "Hailar")


def test_run_passes_its_overrides_to_the_runner(monkeypatch):
    """``logistics.run(..., overrides=)`` reaches ``run_scenario`` as numbers (it raised
    TypeError: the README's API had no way to change a parameter)."""
    import logistics.runner

    seen = {}
    monkeypatch.setattr(logistics.runner, "run_scenario", lambda army, **kw: seen.update(kw))
    logistics.run(CFG, resolution_m=25000, overrides={"speed_scale": 1.2, "fuel_scale": 1})
    assert seen["overrides"] == {"speed_scale": 1.2, "fuel_scale": 1.0}
    logistics.run(CFG, resolution_m=25000)
    assert seen["overrides"] is None


def test_the_api_and_the_command_line_take_the_same_cell_sizes():
    """One range for ``resolution_m=`` and ``--resolution-m``: its ends are taken by both."""
    import argparse

    from logistics.cli import resolution_m
    from logistics.terrain.grid import RESOLUTION_RANGE_M, check_grid_resolution_m

    lo, hi = RESOLUTION_RANGE_M
    for edge in (lo, hi):
        assert check_grid_resolution_m(edge) == resolution_m(f"{edge:g}") == edge
    for outside in (lo / 2, hi * 2):
        with pytest.raises(ConfigError, match="fix:"):
            check_grid_resolution_m(outside)
        with pytest.raises(argparse.ArgumentTypeError):
            resolution_m(f"{outside:g}")


# --- output paths the GIS writers cannot take ----------------------------------------------------

@pytest.mark.parametrize("name", ["a\nb", "x\ty/o", "o\r"])
def test_an_output_path_with_a_control_character_is_refused_before_the_work(tmp_path, capsys,
                                                                            monkeypatch, name):
    from logistics.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["run", str(CFG), "--resolution-m", "25000", "--out", name]) == 2
    err = capsys.readouterr().err
    assert err.startswith("logistics run: error: --out") and "control character" in err, err
    assert "Traceback" not in err and os.listdir(tmp_path) == []


def test_a_folder_named_tilde_gets_the_gis_outputs_not_the_home_folder(tmp_path, monkeypatch):
    import geopandas as gpd
    import shapely

    from logistics._atomic import atomic_dir
    from logistics.report.geojson import write_geojson

    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(tmp_path)
    frame = gpd.GeoDataFrame({"a": [1]}, geometry=[shapely.Point(120.0, 49.0)], crs="EPSG:4326")
    with atomic_dir("~/o", overwrite=False) as tmp:
        assert tmp.is_absolute()
        write_geojson(frame, tmp / "route.geojson")
    assert (tmp_path / "~" / "o" / "route.geojson").is_file()
    assert os.listdir(home) == []


# --- a folder run names a dangling link instead of skipping it -----------------------------------

def test_a_dangling_link_among_the_army_files_is_named_not_skipped(tmp_path):
    from logistics.army import army_paths, load_army

    (tmp_path / "a.yaml").write_text(CFG.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "gone.yaml")
    (tmp_path / "c.yaml").symlink_to("c.yaml")  # a loop
    assert [p.name for p in army_paths(tmp_path)] == ["a.yaml", "b.yaml", "c.yaml"]
    for name, target in (("b.yaml", "gone.yaml"), ("c.yaml", "c.yaml")):
        with pytest.raises(ConfigError, match="symbolic link to .*" + target):
            load_army(tmp_path / name)


def test_check_output_dir_names_the_control_character():
    from logistics._atomic import check_output_dir

    with pytest.raises(OutputError, match=r"control character \('\\n'\)"):
        check_output_dir(Path("out") / "a\nb")


def test_an_output_path_the_locale_did_not_decode_is_refused_before_the_work():
    """Under ``LC_ALL=C PYTHONUTF8=0`` the argument ``ö`` arrives as lone surrogates, which the
    GIS writers cannot encode (a traceback after the whole run)."""
    from logistics._atomic import check_output_dir

    with pytest.raises(OutputError, match="locale does not decode.*LC_ALL=C.UTF-8"):
        check_output_dir("\udcc3\udcb6")


def test_an_in_memory_limit_no_grid_fits_is_one_error_naming_the_variable(monkeypatch):
    """LOGISTICS_MAX_IN_MEMORY_CELLS=1: the search for the coarsest resolution that fits ran
    into infinity (an OverflowError traceback)."""
    from logistics.errors import ResourceError
    from logistics.terrain import load_terrain

    monkeypatch.setattr(settings, "MAX_IN_MEMORY_CELLS", 1)
    with pytest.raises(ResourceError, match="LOGISTICS_MAX_IN_MEMORY_CELLS"):
        load_terrain((119.5, 46.5, 121.5, 47.5), resolution_m=25000)


# --- the solvers' own keywords -----------------------------------------------------------------

@pytest.fixture(scope="module")
def small_model():
    terrain = logistics.load_terrain((119.5, 46.5, 121.5, 47.5), resolution_m=25000)
    return logistics.build_cost_model(terrain, logistics.load_vehicle("zis-5"))


def test_a_chunk_of_zero_cells_is_one_config_error():
    """dask divided by it (ZeroDivisionError)."""
    from logistics.terrain.grid import normalize_chunks

    for chunks in (0, (0, 5)):
        with pytest.raises(ConfigError, match="chunks must be positive cell counts"):
            normalize_chunks(chunks, (5, 7))


def test_chunked_keywords_of_the_wrong_kind_are_named(small_model, tmp_path):
    with pytest.raises(ConfigError, match="client must be a dask.distributed Client"):
        logistics.accumulate(small_model, [(0, 0)], engine="chunked", chunks=2, client="x")
    with pytest.raises(OutputError, match="must be a path .*got 5"):
        logistics.accumulate(small_model, [(0, 0)], engine="chunked", chunks=2, out=5)
    acc = logistics.accumulate(small_model, [(0, 0)], engine="chunked", chunks=2)
    with pytest.raises(ConfigError, match="target must be a \\(row, col\\) pair"):
        logistics.path(acc, "x")  # a ValueError of int() before


def test_one_lon_lat_pair_is_one_place_to_pass_through():
    from logistics.api import _via_arg

    assert _via_arg((120.0, 49.0)) == ((120.0, 49.0),)  # not the places 120.0 and 49.0
    assert _via_arg(["Hailar", "Yakeshi"]) == ("Hailar", "Yakeshi")


def test_a_chunked_path_still_walks_to_its_target(small_model):
    acc = logistics.accumulate(small_model, [(0, 0)], engine="chunked", chunks=2)
    cells = logistics.path(acc, (4, 6))
    assert cells[0].tolist() == [0, 0] and cells[-1].tolist() == [4, 6]
    from logistics.errors import ExtentError

    with pytest.raises(ExtentError, match="outside the grid"):
        logistics.path(acc, (50, 50))


# --- a documented file of absurd length ----------------------------------------------------------

def test_a_documented_file_of_more_rows_than_any_campaign_is_refused_before_the_runs(
        tmp_path, capsys):
    """200 000 rows passed the byte limit and were scored for hours (the corpus timed out)."""
    from logistics.cli import main
    from logistics.history.documented import MAX_ROWS

    shipped = (settings.SHIPPED_CONFIG_DIR / "history" / "documented-advances.csv").read_text(
        encoding="utf-8").splitlines()
    row = next(ln for ln in shipped[1:] if ln.startswith("TBF-39A,"))
    doc = tmp_path / "doc.csv"
    doc.write_text(shipped[0] + "\n" + (row + "\n") * (MAX_ROWS + 1), encoding="utf-8")
    assert main(["compare", "--documented", str(doc), "--no-map", "--workers", "0",
                 "--resolution-m", "25000", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert f"{MAX_ROWS + 1:,} rows" in err and "at most" in err, err
    assert "Traceback" not in err and not (tmp_path / "o").exists()


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1500-08-12"])
def test_a_documented_date_beyond_pandas_timestamps_is_a_row_problem(tmp_path, day):
    """9999-12-31 was an OverflowError traceback when the row was scored."""
    from logistics.history.documented import load_documented

    shipped = (settings.SHIPPED_CONFIG_DIR / "history" / "documented-advances.csv").read_text(
        encoding="utf-8").splitlines()
    row = next(ln for ln in shipped[1:] if ln.startswith("TBF-39A,"))
    doc = tmp_path / "doc.csv"
    doc.write_text(shipped[0] + "\n" + row.replace(row.split(",")[3], day, 1) + "\n",
                   encoding="utf-8")
    read = load_documented(doc)
    assert not read.table["usable"].any()
    assert [p.column for p in read.problems] == ["date"]
    assert "outside the years 1678-2261" in read.problems[0].message


# --- YAML 1.1's other whole numbers ----------------------------------------------------------

def _army_with_count(tmp_path, typed: str) -> Path:
    import re

    text = CFG.read_text(encoding="utf-8")
    count = re.search(r"count:\n\s+value: (\d+)", text)
    assert count is not None
    path = tmp_path / "army.yaml"
    path.write_text(text[:count.start(1)] + typed + text[count.end(1):], encoding="utf-8")
    return path


@pytest.mark.parametrize("typed", ["1:30", "0b11"])
def test_a_count_in_yaml_11s_base_60_or_binary_is_refused_not_read_as_another_number(
        tmp_path, typed):
    """``count: 1:30`` was read as 90, ``0b11`` as 3: a run on a number the user never wrote.
    They stay text, which the schema refuses naming the key and the value."""
    from logistics.army import load_army

    with pytest.raises(ConfigError) as info:
        load_army(_army_with_count(tmp_path, typed))
    assert "count" in str(info.value) and typed in str(info.value), str(info.value)


def test_a_count_with_a_leading_zero_is_the_decimal_number_written(tmp_path):
    """``count: 010`` was read as 8 (YAML 1.1 octal); it is ten, as written."""
    from logistics.army import load_army

    army = load_army(_army_with_count(tmp_path, "010"))
    assert any(getattr(f.count, "value", None) == 10 for f in army.formations)
    assert not any(getattr(f.count, "value", None) == 8 for f in army.formations)


def test_yaml_numbers_as_the_shipped_configs_write_them_are_read_as_before(tmp_path):
    from logistics._yaml import load_yaml

    path = tmp_path / "n.yaml"
    path.write_text("a: 12\nb: -7\nc: 0x10\nd: 1_000\ne: 0.5\nf: .5\ng: 1e30\nh: -.inf\n"
                    "i: 0\nj: +3\n", encoding="utf-8")
    assert load_yaml(path) == {"a": 12, "b": -7, "c": 16, "d": 1000, "e": 0.5, "f": 0.5,
                               "g": 1e30, "h": float("-inf"), "i": 0, "j": 3}


def test_a_documented_file_with_old_mac_line_ends_is_read(tmp_path):
    """Lines ended by CR alone (an old Mac or Excel export) were refused as 'new-line character
    seen in unquoted field - do you need to open the file in universal-newline mode?'."""
    from logistics.history.documented import load_documented

    shipped = (settings.SHIPPED_CONFIG_DIR / "history" / "documented-advances.csv").read_text(
        encoding="utf-8")
    rows = [ln for ln in shipped.splitlines() if ln.startswith("TBF-39A,")]
    doc = tmp_path / "doc.csv"
    doc.write_bytes(("\r".join([shipped.splitlines()[0], *rows]) + "\r").encode("utf-8"))
    read = load_documented(doc)
    assert len(read.table) == len(rows) == 2 and read.table["usable"].all()


# --- bench sizes ---------------------------------------------------------------------------------

@pytest.mark.parametrize("sizes, fragment", [
    (",".join(["400"] * 1000), "400 more than once"),
    ("400,1e3,400", "400 more than once"),
    (",".join(str(100 + i) for i in range(13)), "13 sizes; at most 12"),
    ("400.5", "whole numbers of cells"),  # was timed as 400 without a word
])
def test_bench_sizes_given_twice_or_beyond_count_are_refused_before_any_work(tmp_path, capsys,
                                                                             sizes, fragment):
    """1000 copies of one size ran 1000 timing rounds of a process each (a hang to the corpus)."""
    from logistics.cli import main

    assert main(["bench", "--sizes", sizes, "--repeat", "1", "--engines", "ours-aniso8",
                 "--out", str(tmp_path / "b")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("logistics bench: error: --sizes") and fragment in err, err
    assert not (tmp_path / "b").exists()


def test_write_run_refuses_what_is_no_run_and_a_folder_it_did_not_write(tmp_path):
    """``logistics.write_run`` (the API's door to the run folder) refuses a non-result and a
    non-path before any work, and a folder holding a user's file (as ``run --out`` does),
    leaving that file as it was."""
    with pytest.raises(ConfigError, match=r"write_run needs the result of logistics.run.*None"):
        logistics.write_run(None, tmp_path / "x")
    result = logistics.run(CFG, resolution_m=25000)
    with pytest.raises(ConfigError, match=r"folder must be a path .*got 5"):
        logistics.write_run(result, 5)
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep", encoding="utf-8")
    with pytest.raises(OutputError):
        logistics.write_run(result, mine, overwrite=True)
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]
    out = logistics.write_run(result, tmp_path / "run")
    assert (out / "tracks.csv").is_file() and (out / "run.gpkg").is_file()
    with pytest.raises(OutputError):
        logistics.write_run(result, out)  # a folder it wrote, without overwrite=True
    assert logistics.write_run(result, out, overwrite=True) == out
    with pytest.raises(ConfigError, match=r"overwrite must be True or False, got 'no'"):
        logistics.write_run(result, out, overwrite="no")  # bool('no') is True
    with pytest.raises(DataError, match="none.csv"):
        logistics.write_run(result, tmp_path / "run4", documented=tmp_path / "none.csv")
    assert not (tmp_path / "run4").exists()
