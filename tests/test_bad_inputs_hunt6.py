"""Bad inputs found from outside, sixth pass (helper "badhunt15"): each ends in one clear error.

Two vehicle files of one id (``zis-5.yaml`` beside ``zis-5.yml``, or ``ZIS-5.yaml`` beside
``zis-5.yaml``: the id is the lower-cased stem) were both read and one silently replaced the
other, whichever sorted last; a vehicles folder with no vehicle file in it was taken (``sample``
printed pandas' "Empty DataFrame", a run failed later on an unknown vehicle). A fuel state whose
``refills`` was no number (``0,25`` from a spreadsheet with a decimal comma, ``1/4``, ``a
quarter``) was read as "the source gives no figure", and a column named twice was renamed by
pandas (``refills.1``) and its second copy dropped. A station list that was missing or a
folder read as a network of no lines, blaming the army file ("'R23a' is no line ...; fix: use
one of []").
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from logistics import settings
from logistics.errors import ConfigError, DataError, LogisticsError

SHIPPED_VEHICLES = Path(settings.SHIPPED_CONFIG_DIR) / "vehicles"
SHIPPED_FUEL_STATES = Path(settings.SHIPPED_CONFIG_DIR) / "history" / "fuel-states.csv"


# --- vehicle files: one id, one file ----------------------------------------------------------

def _vehicles_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "vehicles"
    shutil.copytree(SHIPPED_VEHICLES, folder)
    return folder


@pytest.mark.parametrize("twin", ["zis-5.yml", "ZIS-5.yaml"])
def test_two_files_of_one_vehicle_id_are_one_error_naming_both(tmp_path, twin):
    from logistics.vehicles import _load_all

    folder = _vehicles_copy(tmp_path)
    text = (folder / "zis-5.yaml").read_text(encoding="utf-8")
    (folder / twin).write_text(text.replace("name: ZIS-5\n", "name: ZIS-5 heavy\n")
                               .replace("aliases: [ZIS5, ZIS-5V, Zakhar, ZiS-5]", "aliases: []"),
                               encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        _load_all(folder)
    msg = str(err.value)
    assert "'zis-5'" in msg and str(folder / twin) in msg and str(folder / "zis-5.yaml") in msg
    assert "fix:" in msg and "Traceback" not in msg


def test_a_vehicles_folder_without_vehicle_files_is_one_error(tmp_path):
    from logistics.vehicles import _load_all

    folder = tmp_path / "vehicles"
    folder.mkdir()
    (folder / "README.md").write_text("# notes\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        _load_all(folder)
    msg = str(err.value)
    assert str(folder) in msg and "no vehicle file" in msg and "fix:" in msg


def test_the_shipped_vehicles_still_load():
    from logistics.vehicles import _load_all

    assert "zis-5" in _load_all(SHIPPED_VEHICLES)


# --- history/fuel-states.csv --------------------------------------------------------------------

def _fuel_states(tmp_path: Path, edit) -> Path:
    p = tmp_path / "fuel-states.csv"
    p.write_text(edit(SHIPPED_FUEL_STATES.read_text(encoding="utf-8")), encoding="utf-8")
    return p


@pytest.mark.parametrize("cell", ['"0,25"', "1/4", "a quarter", "nan", "0.25 refills"])
def test_a_fuel_state_whose_refills_is_no_number_is_one_error(tmp_path, cell):
    from logistics.history.fuel import load_fuel_states

    p = _fuel_states(tmp_path, lambda t: t.replace(",0.25,", f",{cell},", 1))
    with pytest.raises(DataError) as err:
        load_fuel_states(p)
    msg = str(err.value)
    assert str(p) in msg and "refills" in msg and "row 3" in msg and "fix:" in msg, msg
    assert "np." not in msg


def test_a_fuel_state_column_named_twice_is_one_error(tmp_path):
    from logistics.history.fuel import load_fuel_states

    p = _fuel_states(tmp_path, lambda t: t.replace("confidence\n", "confidence,refills\n", 1))
    with pytest.raises(DataError) as err:
        load_fuel_states(p)
    msg = str(err.value)
    assert str(p) in msg and "refills" in msg and "twice" in msg and "fix:" in msg, msg


def test_a_bad_fuel_state_date_names_its_row_as_a_plain_number(tmp_path):
    from logistics.history.fuel import load_fuel_states

    p = _fuel_states(tmp_path, lambda t: t.replace("1945-08-12", "12.08.1945", 1))
    with pytest.raises(DataError) as err:
        load_fuel_states(p)
    msg = str(err.value)
    assert "rows [3]" in msg and "np." not in msg, msg


def test_the_shipped_fuel_states_still_load_with_their_empty_refills():
    from logistics.history.fuel import load_fuel_states

    df = load_fuel_states(SHIPPED_FUEL_STATES)
    assert df["refills"].isna().sum() >= 1  # "the source gives no figure" stays allowed
    assert 0.25 in set(df["refills"])


# --- network/stations-1945.csv ------------------------------------------------------------------

@pytest.mark.parametrize("damage", ["missing", "folder"])
def test_a_missing_station_list_is_named_not_blamed_on_the_army(tmp_path, monkeypatch, damage):
    from logistics.army.checks import _station_rows

    configs = tmp_path / "configs"
    (configs / "network").mkdir(parents=True)
    if damage == "folder":
        (configs / "network" / "stations-1945.csv").mkdir()
    monkeypatch.setattr(settings, "CONFIG_DIR", configs)
    with pytest.raises(LogisticsError) as err:
        _station_rows()
    msg = str(err.value)
    assert "stations-1945.csv" in msg and ("folder" if damage == "folder" else "missing") in msg


# --- sources.yaml -------------------------------------------------------------------------------

_ENTRY = "  - {key: GLANTZ-LP7, title: August Storm}\n"


@pytest.mark.parametrize("text, fragment", [
    ("sources:\n" + _ENTRY + "  - {key: GLANTZ-LP7, title: Another book}\n", "twice"),
    ("", "no source"),
    ("# all cut away\n", "no source"),
    ("sources: []\n", "no source"),
    ("sources:\n  - {key: glantz-lp7, title: August Storm}\n", "upper case"),
    ("sources:\n  - {key: 'GLANTZ LP7', title: August Storm}\n", "upper case"),
])
def test_a_bibliography_that_would_check_nothing_or_two_ways_is_one_error(tmp_path, text,
                                                                          fragment):
    # an empty sources.yaml turned every citation check off (no bibliography: nothing is
    # unknown); a key given twice kept the later entry; a lower-case key is never cited
    from logistics.sources import load_bibliography

    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_bibliography(path)
    msg = str(err.value)
    assert str(path) in msg and fragment in msg and "fix" in msg, msg


def test_the_shipped_bibliography_still_loads():
    from logistics.sources import load_bibliography

    assert "GLANTZ-LP7" in load_bibliography(Path(settings.SHIPPED_CONFIG_DIR) / "sources.yaml").sources


# --- fortified-regions.yaml ---------------------------------------------------------------------

SHIPPED_FORTIFIED = Path(settings.SHIPPED_CONFIG_DIR) / "fortified-regions.yaml"
_MANCHOULI_POLYGON = ("polygon: [[117.321, 49.681], [117.890, 49.484], [117.811, 49.389], "
                      "[117.243, 49.585], [117.321, 49.681]]")


def _fortified_refused(tmp_path: Path, edit) -> str:
    from logistics.army.fortified import load_fortified

    text = SHIPPED_FORTIFIED.read_text(encoding="utf-8")
    edited = edit(text)
    assert edited != text
    (tmp_path / "fortified-regions.yaml").write_text(edited, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_fortified(tmp_path)
    msg = str(err.value)
    assert str(tmp_path / "fortified-regions.yaml") in msg and "fix" in msg, msg
    return msg


@pytest.mark.parametrize("edit", [
    lambda t: t.replace(_MANCHOULI_POLYGON, "polygon: []"),
    lambda t: t.replace(_MANCHOULI_POLYGON, "poligon: [[117.321, 49.681]]"),
])
def test_a_drawn_region_without_an_extent_is_one_error_not_dropped(tmp_path, edit):
    # status generic_extent, no polygon and no radius: the region vanished from every run (no
    # formation was delayed there), with no word
    msg = _fortified_refused(tmp_path, edit)
    assert "manchouli-zhalainor" in msg and "extent" in msg and "not_located" in msg, msg


def test_a_circle_without_a_location_is_one_error_not_dropped(tmp_path):
    msg = _fortified_refused(tmp_path, lambda t: t.replace(
        "    location:\n      place: Hailar\n", "    location_of: {place: Hailar}\n", 1)
        .replace("    location_of: {place: Hailar}\n      cite:", "    loc_cite:", 1))
    assert "hailar" in msg and "location" in msg, msg


@pytest.mark.parametrize("typo", ["fortified_region", "Fortified_regions", "rules_note"])
def test_an_unknown_top_level_key_of_the_layer_is_one_error(tmp_path, typo):
    # `fortified_region:` (a letter short) read as a layer of no regions: every run went
    # through the fortified regions undelayed
    msg = _fortified_refused(tmp_path, lambda t: t.replace(
        "\nfortified_regions:\n", f"\n{typo}:\n", 1) if typo != "rules_note"
        else t + "\nrules_note: x\n")
    assert repr(typo) in msg, msg
    if typo != "rules_note":
        assert "fortified_regions" in msg


def test_the_shipped_fortified_layer_still_loads():
    from logistics.army.fortified import load_fortified

    ids = {r.id for r in load_fortified(SHIPPED_FORTIFIED.parent).regions}
    assert {"hailar", "manchouli-zhalainor", "linkou"} <= ids


# --- documented-advances.csv: a marker row with a spreadsheet's date -----------------------------

def test_a_marker_row_with_a_bad_date_is_listed_not_a_traceback(tmp_path):
    # a date saved by a spreadsheet (12.08.1945) on a row whose note flags it as a marker: the
    # row is reported and not scored, but the report page formatted its date (NaT) and `compare`
    # ended in "ValueError: NaTType does not support strftime"
    from types import SimpleNamespace

    from logistics.history.documented import COLUMNS, load_documented
    from logistics.report.compare_page import _markers

    header = ",".join(COLUMNS)
    cells = {c: "" for c in COLUMNS}
    cells.update(axis_id="TBF-36A", date="18.08.1945", place_reached="Hailar",
                 notes="a marker: the garrison's surrender, not an advance")
    p = tmp_path / "doc.csv"
    # the note holds a comma: quoted (unquoted, the row's 19 fields are one problem of width)
    p.write_text(header + "\n" + ",".join(f'"{cells[c]}"' for c in COLUMNS) + "\n",
                 encoding="utf-8")
    doc = load_documented(p)
    assert any(pr.column == "date" for pr in doc.problems)  # reported as a bad date
    lines = _markers(SimpleNamespace(inputs=SimpleNamespace(documented=doc)))
    assert any("row 2 (TBF-36A, no date, Hailar)" in ln for ln in lines), lines


# --- the notebook API: grid cells that are no whole numbers ---------------------------------------

def _tiny_model():
    import numpy as np

    from logistics.cost.physics import CostModel

    return CostModel(np.zeros((4, 5), np.uint8), np.array([[1.0]]), 0.0, 1.0, (10.0, 10.0))


@pytest.mark.parametrize("cell", [(0.5, 1.5), (0, 2.7), (True, False)])
def test_a_source_cell_that_is_no_whole_number_is_one_error(cell):
    # (0.5, 1.5), e.g. a fractional index from ~transform * (x, y), was cut to (0, 1): the
    # cost was accumulated from another cell than the one meant, with no word
    import logistics

    with pytest.raises(ConfigError) as err:
        logistics.accumulate(_tiny_model(), [cell])
    assert "(row, col) pair of integers" in str(err.value) and "source 0" in str(err.value)


@pytest.mark.parametrize("cell", [(1.5, 2.5), (1, 2.000001)])
def test_a_target_cell_that_is_no_whole_number_is_one_error(cell):
    import logistics

    acc = logistics.accumulate(_tiny_model(), [(0, 0)])
    with pytest.raises(ConfigError) as err:
        logistics.path(acc, cell)
    assert "target" in str(err.value) and "integers" in str(err.value)


def test_whole_numbers_as_floats_are_still_cells():
    import numpy as np

    import logistics

    m = _tiny_model()
    a = logistics.accumulate(m, [(0.0, 1.0)]).cost
    b = logistics.accumulate(m, [(0, 1)]).cost
    assert np.array_equal(a, b) and a[0, 1] == 0.0 and a[0, 3] == 20.0
    acc = logistics.accumulate(m, [(0, 0)])
    assert logistics.path(acc, (np.float64(2.0), 3.0)).tolist()[-1] == [2, 3]


@pytest.mark.parametrize("chunks", [0, [], (0, 0)])
def test_chunks_of_no_cells_are_one_error_not_the_default_tile(chunks):
    import logistics

    with pytest.raises(ConfigError) as err:
        logistics.accumulate(_tiny_model(), [(0, 0)], engine="chunked", chunks=chunks)
    assert "chunks must be a positive cell count" in str(err.value)


# --- norms/movement.yaml: tanks of vehicles the norms cannot give one ---------------------------

def _norms_refused(tmp_path: Path, old: str, new: str) -> str:
    from logistics.army.norms import load_norms

    cfg = tmp_path / "configs"
    shutil.copytree(Path(settings.SHIPPED_CONFIG_DIR) / "norms", cfg / "norms")
    shutil.copytree(Path(settings.SHIPPED_CONFIG_DIR) / "vehicles", cfg / "vehicles")  # named
    p = cfg / "norms" / "movement.yaml"
    text = p.read_text(encoding="utf-8")
    assert old in text
    p.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_norms(cfg)
    msg = str(err.value)
    assert str(p) in msg and "fuel.tank_l_when_vehicle_file_has_none" in msg and "fix" in msg
    return msg


def test_a_tank_for_no_vehicle_is_one_error(tmp_path):
    # `bz-44:` (a typo) was never read: the BZ-43 had no tank and the typo no word
    msg = _norms_refused(tmp_path, "\n    bz-43:\n", "\n    bz-44:\n")
    assert "'bz-44'" in msg and "did you mean 'bz-43'" in msg, msg


def test_a_tank_for_a_vehicle_whose_file_gives_one_is_one_error(tmp_path):
    # the vehicle file's tank_l wins: the norms' figure was silently never used
    msg = _norms_refused(tmp_path, "\n    bz-43:\n",
                         "\n    t-34-85:\n      value: 5\n      assumed: x\n    bz-43:\n")
    assert "'t-34-85'" in msg and "t-34-85.yaml" in msg, msg


def test_men_per_truck_of_no_vehicle_is_one_error(tmp_path):
    from logistics.army.norms import load_norms

    cfg = tmp_path / "configs"
    shutil.copytree(Path(settings.SHIPPED_CONFIG_DIR) / "norms", cfg / "norms")
    shutil.copytree(Path(settings.SHIPPED_CONFIG_DIR) / "vehicles", cfg / "vehicles")  # named
    p = cfg / "norms" / "movement.yaml"
    p.write_text(p.read_text(encoding="utf-8").replace("\n    zis-5:\n      men_per_vehicle:",
                                                       "\n    zis-6:\n      men_per_vehicle:", 1),
                 encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_norms(cfg)
    msg = str(err.value)
    assert str(p) in msg and "lift.truck.zis-6" in msg and "did you mean 'zis-5'" in msg, msg


# --- history/planned-rates.yaml: keys that are never read ----------------------------------------

@pytest.mark.parametrize("old, new, fragment", [
    ("\nby_movement:\n", "\nby_movment:\n", "'by_movment'"),   # the whole mapping unread
    ("\n  tank_corps: mobile\n", "\n  tank_corp: mobile\n", "kinds.tank_corp"),
    ("\n  truck_borne: mobile\n", "\n  trucks: mobile\n", "by_movement.trucks"),
])
def test_a_planned_rates_key_that_is_never_read_is_one_error(tmp_path, old, new, fragment):
    # a misspelt key was silently unread: its formations took the default (rifle) rate, and
    # the baseline every skill is measured against changed with no word
    from logistics.history.baseline import load_planned_rates

    src = Path(settings.SHIPPED_CONFIG_DIR) / "history" / "planned-rates.yaml"
    text = src.read_text(encoding="utf-8")
    assert old in text
    p = tmp_path / "planned-rates.yaml"
    p.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_planned_rates(p)
    msg = str(err.value)
    assert str(p) in msg and fragment in msg and "fix" in msg, msg


def test_the_shipped_planned_rates_still_load():
    from logistics.history.baseline import load_planned_rates

    rates = load_planned_rates(Path(settings.SHIPPED_CONFIG_DIR) / "history" / "planned-rates.yaml")
    assert rates.by_movement["truck_borne"] == "mobile" and rates.default == "rifle"


# --- schema: a configs folder whose vehicles/ or schema/ is a link to a folder outside it --------

@pytest.mark.parametrize("linked", ["vehicles", "schema"])
def test_schema_writes_nothing_through_a_folder_linked_from_outside(tmp_path, capsys, linked):
    # vehicles/ linked to a folder shared by several trees: `schema` rewrote every vehicle
    # file there (a write outside the folder it was given; the modeline's ../schema/ path
    # then pointed nowhere from the shared folder)
    from logistics.cli import main

    configs, shared = tmp_path / "configs", tmp_path / "shared"
    configs.mkdir()
    shutil.copy(Path(settings.SHIPPED_CONFIG_DIR) / "tbf-cmg.yaml", configs / "a.yaml")
    if linked == "vehicles":
        shutil.copytree(SHIPPED_VEHICLES, shared)
        for f in shared.glob("*.yaml"):  # without their modelines: each would be rewritten
            f.write_text(f.read_text(encoding="utf-8").split("\n", 1)[1], encoding="utf-8")
    else:
        shutil.copytree(SHIPPED_VEHICLES, configs / "vehicles")
        shared.mkdir()
    (configs / linked).symlink_to(shared, target_is_directory=True)
    before = {f.name: f.read_bytes() for f in shared.iterdir()}
    a_before = (configs / "a.yaml").read_bytes()
    assert main(["schema", "--configs", str(configs)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and f"{configs / linked}" in err and "outside" in err, err
    assert {f.name: f.read_bytes() for f in shared.iterdir()} == before
    assert (configs / "a.yaml").read_bytes() == a_before  # nothing written at all


# --- vehicle files: calibrate_like round in a circle ----------------------------------------------

@pytest.mark.parametrize("links", [
    {"su-76m.yaml": "su-76m"},                                      # itself
    {"studebaker-us6.yaml": "bz-43", "bz-43.yaml": "studebaker-us6"},  # two borrowing each other
])
def test_calibrate_like_in_a_circle_is_one_error(tmp_path, links):
    # a vehicle borrowing its own engine (or two borrowing each other's) was a RecursionError
    # traceback out of `sample` and every run
    import re

    from logistics.vehicles import _load_all

    folder = _vehicles_copy(tmp_path)
    for name, other in links.items():
        p = folder / name
        text, n = re.subn(r"(calibrate_like:\n(?:.*\n)*?\s+vehicle: )\S+", rf"\g<1>{other}",
                          p.read_text(encoding="utf-8"), count=1)
        assert n == 1
        p.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        _load_all(folder)
    msg = str(err.value)
    assert any(str(folder / name) in msg for name in links), msg
    assert "calibrate_like.vehicle" in msg and "circle" in msg and msg.count("circle") == 1, msg
    assert "fuel_targets" in msg  # the fix: one of them documents its consumption


@pytest.mark.parametrize("other", ["foot-infantry", "horse-cavalry"])
def test_calibrate_like_a_vehicle_without_an_engine_names_the_file(tmp_path, other):
    # it said only "Foot infantry has no engine (kind 'foot'); it burns no fuel": not which
    # file, nor which key, nor a fix
    import re

    from logistics.vehicles import _load_all

    folder = _vehicles_copy(tmp_path)
    p = folder / "su-76m.yaml"
    p.write_text(re.sub(r"(calibrate_like:\n(?:.*\n)*?\s+vehicle: )\S+", rf"\g<1>{other}",
                        p.read_text(encoding="utf-8"), count=1), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        _load_all(folder)
    msg = str(err.value)
    assert str(p) in msg and "calibrate_like.vehicle" in msg and repr(other) in msg, msg
    assert "engine" in msg and "fix" in msg, msg


# --- the notebook API's compare: what the command refuses -----------------------------------------

def test_api_compare_with_no_scenario_for_any_axis_is_one_error(tmp_path):
    # logistics.compare(configs_dir=<a folder of no army file>) returned an empty Comparison
    # (every row unscored) where `logistics compare --configs` says "nothing to compare"
    import logistics

    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "todo.yaml").write_text("todo: [check the dates]\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        logistics.compare(configs_dir=folder)
    msg = str(err.value)
    # every file of the folder must load as an army (a comparison is one output of them all):
    # the error names the file that is not one, before any run
    assert "nothing run" in msg and str(folder) in msg and "todo.yaml" in msg, msg
    assert "not an army file" in msg and "fix:" in msg, msg


def test_api_compare_of_a_documented_file_without_rows_is_one_error(tmp_path):
    import logistics
    from logistics.history.documented import COLUMNS

    p = tmp_path / "doc.csv"
    p.write_text(",".join(COLUMNS) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        logistics.compare(p)
    assert str(p) in str(err.value) and "no rows" in str(err.value)


def test_compare_of_a_documented_file_whose_dates_none_can_read_is_one_error(tmp_path):
    """A newcomer's CSV with dates as a spreadsheet writes them (10.08.1945): every row went
    unscored, and the comparison was an empty table written with exit 0 (on a file without
    coordinates, a traceback at its writing). Refused before any run, naming the rows and the
    fix."""
    import logistics

    p = tmp_path / "doc.csv"
    p.write_text("axis_id,date,place_reached\nTBF-36A,10.08.1945,Hailar\n"
                 "TBF-36A,12.08.1945,Yakeshi\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        logistics.compare(p)
    msg = str(err.value)
    assert str(p) in msg and "no row can be scored" in msg, msg
    assert "row 2, column 'date' = '10.08.1945'" in msg and "row 3" in msg, msg
    assert "fix: mend the rows as each says: a date as YYYY-MM-DD" in msg, msg


def test_a_pointer_to_a_key_the_bibliography_lacks_is_one_error(tmp_path):
    # `"[SEED-000]": {keys: [NOSUCH-KEY]}`: the citation passed (the pointer is known), and the
    # report page of the run or comparison citing it ended in KeyError: 'NOSUCH-KEY'
    from logistics.sources import load_bibliography

    path = tmp_path / "sources.yaml"
    path.write_text("sources:\n" + _ENTRY + "pointers:\n  '[SEED-000]': {keys: [GLANTZ-LP7, "
                    "NOSUCH-KEY]}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_bibliography(path)
    msg = str(err.value)
    assert str(path) in msg and "[SEED-000]" in msg and "NOSUCH-KEY" in msg and "fix" in msg, msg
