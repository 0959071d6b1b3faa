"""Bad inputs found by helper "breaker29": each ends in one clear error, before any work.

``find_costs(model, sources, reverse="no")`` (and ``find_costs_chunked``'s ``reverse`` and
``progress``) read the flag by truthiness: ``bool("no")`` is True, so the text solved towards
the sources, silently. ``accumulate`` checked it (breaker28); the solvers it calls are public
too (``logistics.find_costs``), and now check it with the same ``errors.check_flag``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from logistics.cost.model import CostModel
from logistics.errors import ConfigError


def _strip() -> CostModel:
    """A flat 1 x 3 strip costing 1 per metre on 10 m cells (solver.find_costs' doctest)."""
    return CostModel(np.zeros((1, 3), np.uint8), np.array([[1.0]]), 0.0, 1.0, (10.0, 10.0))


@pytest.mark.parametrize("value", ["no", "False", 0, 1, None, [], "yes"])
def test_find_costs_refuses_a_reverse_that_is_no_bool(value):
    from logistics import find_costs

    with pytest.raises(ConfigError, match=r"reverse must be True or False, got .*"
                                          r"fix: reverse=True or reverse=False"):
        find_costs(_strip(), [(0, 0)], reverse=value)


@pytest.mark.parametrize("value", [True, False, np.bool_(True)])
def test_find_costs_takes_a_bool_reverse(value):
    from logistics import find_costs

    acc = find_costs(_strip(), [(0, 0)], reverse=value)
    assert acc.reverse is bool(value)
    assert acc.cost.tolist() == [[0.0, 10.0, 20.0]]


@pytest.mark.parametrize("key, value", [("reverse", "no"), ("reverse", 0),
                                        ("progress", "no"), ("progress", 1)])
def test_find_costs_chunked_refuses_flags_that_are_no_bool(tmp_path, key, value):
    from logistics.cost.chunked import find_costs_chunked

    with pytest.raises(ConfigError, match=rf"{key} must be True or False"):
        find_costs_chunked(_strip(), [(0, 0)], chunks=2, out=tmp_path / "z", **{key: value})
    assert not (tmp_path / "z").exists()  # refused before any work: nothing written


# --- the Python API's overrides: numpy numbers -------------------------------------------------

@pytest.mark.parametrize("value", [np.float32(1.2), np.int64(2), np.float16(1.5)])
def test_a_numpy_number_is_a_number_of_the_overrides(tmp_path, value):
    """{"speed_scale": np.float32(1.2)} was refused: "must be a number in [0.05, 20], got
    np.float32(1.2)" (the range check took int and float only). Now the next check speaks:
    the documented file that does not exist."""
    from logistics import compare
    from logistics.errors import DataError

    with pytest.raises(DataError, match="documented-advances file not found"):
        compare(tmp_path / "none.csv", overrides={"speed_scale": value}, workers=0)


def test_a_numpy_number_out_of_range_is_still_refused(tmp_path):
    from logistics import compare

    with pytest.raises(ConfigError,
                       match=r"speed_scale must be a number in \[0.05, 20\], got (np.float32\()?40"):
        compare(tmp_path / "none.csv", overrides={"speed_scale": np.float32(40)}, workers=0)


# --- configs/history/fuel-states.csv: rows of another width, rows without a source ------------

def _states(tmp_path, edit) -> Path:
    """A copy of the shipped fuel-states file with its records (header first) edited."""
    import csv
    import io

    from logistics import settings

    shipped = settings.SHIPPED_CONFIG_DIR / "history" / "fuel-states.csv"
    rows = list(csv.reader(io.StringIO(shipped.read_text(encoding="utf-8"))))
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(edit(rows))
    p = tmp_path / "fuel-states.csv"
    p.write_text(buf.getvalue(), encoding="utf-8")
    return p


def _refused_states(p, *words):
    from logistics.errors import DataError
    from logistics.history.fuel import load_fuel_states

    with pytest.raises(DataError) as err:
        load_fuel_states(p)
    msg = str(err.value)
    assert str(p) in msg and "fix" in msg, msg
    for w in words:
        assert w in msg, msg


def test_a_fuel_state_row_short_of_cells_is_refused(tmp_path):
    """A row missing its last cells (source, quote, confidence) was read with them empty (NaN):
    scored, from no source."""
    p = _states(tmp_path, lambda rows: [*rows[:3], rows[3][:7], *rows[4:]])
    _refused_states(p, "row 4: 7 fields where the header names 10 columns")


def test_a_first_fuel_state_row_with_an_unquoted_decimal_comma_is_refused_as_such(tmp_path):
    """'0,25' unquoted in the first row: pandas took its extra cell for an index and shifted
    every column: "bad date in rows [2, 3, ..., 13]: 'end of 12 Aug', ..." of every row."""
    p = _states(tmp_path, lambda rows: [rows[0], rows[2][:6] + ["0", "25"] + rows[2][7:],
                                        *rows[3:]])
    _refused_states(p, "row 2: 11 fields where the header names 10 columns", "decimal comma")


def test_a_fuel_state_without_source_and_quote_is_refused(tmp_path):
    """A documented position without either is not scored (documented.py); a fuel state was."""
    def unsourced(rows):
        r = list(rows[2])
        r[7] = r[8] = ""
        return [rows[0], rows[1], r, *rows[3:]]

    _refused_states(_states(tmp_path, unsourced), "rows [3] have no source and no quote")


def test_the_shipped_fuel_states_load():
    from logistics.history.fuel import load_fuel_states

    assert len(load_fuel_states()) >= 10


# --- the solvers' other arguments ---------------------------------------------------------------

def test_find_costs_refuses_an_init_cost_that_is_no_array():
    """init_cost="x" was numpy's ValueError ('could not convert string to float'), naming no
    argument."""
    from logistics import find_costs

    with pytest.raises(ConfigError, match=r"init_cost must be a float array of the model's "
                                          r"grid shape \(1, 3\)"):
        find_costs(_strip(), init_cost="x")


@pytest.mark.parametrize("value", ["1", True, ["0", "1"], b"1"])
def test_start_costs_are_numbers_not_texts(value):
    """start_costs="1" was read as 1.0 (and True as 1.0): numpy converts them."""
    from logistics import find_costs

    with pytest.raises(ConfigError, match="start_costs must be"):
        find_costs(_strip(), [(0, 0)], start_costs=value)


def test_start_costs_still_take_numbers():
    from logistics import find_costs

    got = find_costs(_strip(), [(0, 0), (0, 2)], start_costs=[np.float32(5), 1]).cost
    assert got.tolist() == [[5.0, 11.0, 1.0]]


@pytest.mark.parametrize("chunks", [True, (True, 2), np.bool_(True)])
def test_chunks_true_is_no_tile_size(chunks):
    """chunks=True was a tile of 1 x 1 cell (int(True) == 1): a 1000 x 1000 grid in a million
    tiles."""
    from logistics import accumulate

    with pytest.raises(ConfigError, match="chunks must be a positive cell count"):
        accumulate(_strip(), [(0, 0)], engine="chunked", chunks=chunks)


# --- one output file written by two processes ----------------------------------------------------

def test_a_file_that_appears_while_the_output_is_written_is_kept(tmp_path):
    """atomic_path(overwrite=False) checked the path before the work and os.replace'd after it:
    two `logistics map --out m.png` started together both exited 0, the second replacing the
    first's map (the corpus counts that as data loss); a file of the user's made meanwhile
    was replaced the same way."""
    from logistics._atomic import atomic_path
    from logistics.errors import OutputError

    final = tmp_path / "m.png"
    with pytest.raises(OutputError, match="appeared while this one was written"):
        with atomic_path(final, overwrite=False) as tmp:
            tmp.write_bytes(b"our map")
            final.write_bytes(b"the user's figure")  # meanwhile
    assert final.read_bytes() == b"the user's figure"
    assert [p.name for p in tmp_path.iterdir()] == ["m.png"]  # no temporary left


def test_a_new_output_file_is_still_written(tmp_path):
    from logistics._atomic import atomic_path

    final = tmp_path / "m.png"
    with atomic_path(final, overwrite=False) as tmp:
        tmp.write_bytes(b"our map")
    assert final.read_bytes() == b"our map"
    with atomic_path(final, overwrite=True) as tmp:
        tmp.write_bytes(b"again")
    assert [p.name for p in tmp_path.iterdir()] == ["m.png"] and final.read_bytes() == b"again"


# --- an output name or path the file system takes, but not with the temporary beside it --------

def test_an_output_name_too_long_for_its_temporary_is_refused_before_the_work(tmp_path):
    """A 240-byte --out passed every check (a name may have 255); the whole run was done, then
    the temporary folder beside it (".<name>.tmp.<pid>.<hex>", 262 bytes) could not be made:
    "File name too long" after the work."""
    from logistics._atomic import check_output_dir, check_output_file
    from logistics.errors import OutputError

    with pytest.raises(OutputError, match="its name has 240 bytes.*at most 233 bytes"):
        check_output_dir(tmp_path / ("n" * 240))
    with pytest.raises(OutputError, match="its name has 240 bytes.*at most 229 bytes"):
        check_output_file(tmp_path / ("m" * 236 + ".png"))
    assert check_output_dir(tmp_path / ("n" * 233)) == tmp_path / ("n" * 233)


def test_an_output_path_too_deep_for_its_files_is_refused_before_the_work(tmp_path):
    """A path a few bytes under the 4096 a path may have passed; the run failed writing its
    files inside, after the work, and left hundreds of empty folders behind."""
    from logistics._atomic import check_output_dir
    from logistics.errors import OutputError

    room = 4096 - len(str(tmp_path)) - 30
    deep = tmp_path.joinpath(*["abcdefgh"] * (room // 9))
    with pytest.raises(OutputError, match="would pass this file system's 4096 bytes a path"):
        check_output_dir(deep)
    assert list(tmp_path.iterdir()) == []  # nothing made


# --- army files: a key read only with another, a name of blanks ---------------------------------

def _army_edited(tmp_path, base: str, edit) -> Path:
    import yaml

    from logistics import settings

    data = yaml.safe_load((settings.SHIPPED_CONFIG_DIR / base).read_text(encoding="utf-8"))
    edit(data)
    p = tmp_path / base
    p.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return p


def _formation(data: dict, fid: str) -> dict:
    return next(f for f in data["formations"] if f["id"] == fid)


def test_formed_without_a_parent_is_refused(tmp_path):
    """`formed: {when: after_range_crossing}` on a formation without `parent:` was ignored
    (the plan reads it only with a parent's route): the 7th Mech Corps ran as if unformed."""
    from logistics.army import load_army

    p = _army_edited(tmp_path, "tbf-6gta.yaml", lambda d: _formation(d, "7mc").update(
        formed={"when": "after_range_crossing", "assumed": "x"}))
    with pytest.raises(ConfigError, match=r"formations.3 \(7mc\): formed: after_range_crossing "
                                          r"needs a `parent:`.*fix: add `parent:`, or drop"):
        load_army(p)


@pytest.mark.parametrize("where", ["formation", "army"])
def test_a_name_of_blanks_is_refused(tmp_path, where):
    """name: '  ' passed min_length=1: a summary line and a map legend entry with no words."""
    from logistics.army import load_army

    def blank(d: dict) -> None:
        (_formation(d, "94rc") if where == "formation" else d)["name"] = "  "

    with pytest.raises(ConfigError, match="name: a name of blanks only"):
        load_army(_army_edited(tmp_path, "tbf-39a.yaml", blank))


# --- an override of a whole-number figure ---------------------------------------------------------

@pytest.mark.parametrize("key, value", [("formations.94rc.count", 1.5),
                                        ("formations.94rc.count", 2.5),
                                        ("formations.94rc.lift.men", 2999.5)])
def test_an_override_of_a_whole_number_figure_is_whole(key, value):
    """--set formations.94rc.count=1.5 ran 2 rifle corps (and 2.5 ran 2: round half to even),
    the report's assumed: saying 1.5. The Monte Carlo draws are rounded; a user's value is
    refused (compare --set and the API's overrides= read override_problem)."""
    from logistics import load_scenario
    from logistics.army.overrides import override_problem

    army = load_scenario("tbf-39a")
    why = override_problem(army, {key: value})
    assert why is not None and f"{key} is a whole number" in why, why
    assert override_problem(army, {key: float(round(value))}) is None


# --- the cost API's other numpy numbers and paths ------------------------------------------------

@pytest.mark.parametrize("weight, units", [(np.float32(0.5), "mixed"), (np.int64(1), "s"),
                                           (np.int8(0), "L")])
def test_a_numpy_weight_is_an_objective(weight, units):
    """build_cost_model(objective=np.float32(0.5)) was refused: "a weight w in [0, 1] ... got
    np.float32(0.5)" (int | float only; np.float64 passed, being a float)."""
    from logistics import build_cost_model

    from tests.conftest import _synth_terrain

    assert build_cost_model(_synth_terrain(), "zis-5", objective=weight).units == units


@pytest.mark.parametrize("weight", [np.bool_(True), True, float("nan"), 1.5])
def test_what_is_no_weight_is_still_refused(weight):
    from logistics import build_cost_model

    from tests.conftest import _synth_terrain

    with pytest.raises(ConfigError, match="objective must be 'time', 'fuel' or a weight"):
        build_cost_model(_synth_terrain(), "zis-5", objective=weight)


@pytest.mark.parametrize("config_dir", [5, b"configs", 1.5])
def test_a_config_dir_that_is_no_path_is_one_config_error(config_dir):
    """load_vehicle('zis-5', config_dir=5) was pathlib's TypeError ('expected str, bytes or
    os.PathLike object, not int'), from build_cost_model too."""
    from logistics import load_vehicle

    with pytest.raises(ConfigError, match="config_dir must be the path of a configs folder"):
        load_vehicle("zis-5", config_dir=config_dir)


@pytest.mark.parametrize("chunks", [-5, (2, -3)])
def test_load_terrain_refuses_negative_chunks(chunks):
    """chunks=-5 passed dask's normalize_chunks and failed in a map_blocks: a dask ValueError
    ('Chunks do not add up to shape'); chunks=0 was refused."""
    from logistics import load_terrain

    with pytest.raises(ConfigError, match="chunks must be positive cell counts"):
        load_terrain((120.0, 48.0, 121.0, 49.0), resolution_m=25000, chunks=chunks)


def test_load_terrain_refuses_a_config_dir_that_is_no_path():
    """load_terrain(config_dir=5) was pathlib's TypeError out of the 1945 land-cover reader."""
    from logistics import load_terrain

    with pytest.raises(ConfigError, match="config_dir must be the path of a configs folder"):
        load_terrain((120.0, 48.0, 121.0, 49.0), resolution_m=25000, config_dir=5)


def test_an_army_file_with_its_suffix_in_capitals_is_an_army_file(tmp_path):
    """TBF-36A.YAML was left out of a folder run and a comparison without a word (Linux's
    glob is case-sensitive); a .YAML and a .yaml of one stem are the pair refused as two."""
    from logistics.army.load import army_paths

    (tmp_path / "TBF-36A.YAML").write_text("axis_id: X\n", encoding="utf-8")
    (tmp_path / "b.Yml").write_text("axis_id: Y\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not an army\n", encoding="utf-8")
    assert [p.name for p in army_paths(tmp_path)] == ["TBF-36A.YAML", "b.Yml"]
    (tmp_path / "b.yaml").write_text("axis_id: Y\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="b.Yml and b.yaml"):
        army_paths(tmp_path)


def test_a_fuel_states_file_that_is_a_pipe_is_refused_not_waited_on(tmp_path):
    """history/fuel-states.csv a named pipe (a copy of configs made with `cp -r` of a tree
    holding one, or a process substitution): pandas opened it and waited for a writer for
    ever, the comparison hung. It is read as every text input is (_textfile.read_text)."""
    import os
    import subprocess
    import sys

    pipe = tmp_path / "fuel-states.csv"
    os.mkfifo(pipe)
    code = ("from logistics.history.fuel import load_fuel_states\n"
            "from logistics.errors import DataError\n"
            f"try:\n    load_fuel_states({str(pipe)!r})\n"
            "except DataError as exc:\n    print(exc)\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, env=env)
    assert "is not a regular file (a pipe or a device?)" in res.stdout, res.stdout + res.stderr
    assert "fix:" in res.stdout


def test_a_later_fuel_state_row_with_an_unquoted_decimal_comma_is_said_as_the_first(tmp_path):
    """A wider row after the first was pandas' own words, 'Error tokenizing data. C error:
    Expected 10 fields in line 4, saw 11', where the first row's is named with the fix."""
    p = _states(tmp_path, lambda rows: [*rows[:3], rows[3][:6] + ["0", "5"] + rows[3][7:],
                                        *rows[4:]])
    _refused_states(p, "row 4: 11 fields where the header names 10 columns", "decimal comma")
