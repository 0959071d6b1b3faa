"""Bad inputs found from outside, seventh pass (helper "hunt16"): each ends in one clear error.

``--out o/..`` with no folder ``o`` passed the checks as a new path: the whole run was done,
the folder ``o`` made, and the write then failed ("Device or resource busy") into the current
folder, leaving ``o`` behind. A documented position (``run --documented FILE``, or the configs
tree's file) outside the data extent (a sign slip: 46.6, -121.21) or within 0.6 degrees of its
edge (38.2 N) failed ``map.png`` after the whole run with "bbox ... is not inside the data
extent", naming neither the file nor the row. An objective listed twice in a row, or at the
formation's very start, was taken (a run note then suggested a finer grid, which cannot help).
A documented fuel state of 1e300 refills was scored (report.md printed 300 digits), and one
dated after the run's end (a year slip, or a run cut short by its ``end:``) was scored against
the run's last record; a state pasted twice was scored twice, and a spreadsheet's space round a
date refused it unseen. An army file's ``uncertain:`` range could leave out its figure's value
(the norms files refused it). ``compare --set`` a figure one army of several lacks failed in
the runs, after the armies before it. Keys nothing reads in the norms were taken as absent:
an observed speed's ``whn:`` (the cap then held every step, dry season too), ``apply_to:``, a
march norm's ``gap:``, a standard's ``colum:``; so were ``drain_stalled.formations`` with
``value: false`` and a formation named twice in an airlift's ``priority_to``.
"""

from __future__ import annotations

import copy
import math
from pathlib import Path

import pandas as pd
import pytest
import yaml

from logistics import settings
from logistics.errors import DataError, OutputError
from tests.conftest import army_refused as _refused
from tests.conftest import without_reserve

SHIPPED = Path(settings.SHIPPED_CONFIG_DIR)


# --- an output path through a folder that does not exist and back up ---------------------------

@pytest.mark.parametrize("out", ["o/..", "o/../x", "q/../r/.."])
def test_dotdot_after_a_missing_folder_is_refused_and_makes_nothing(tmp_path, monkeypatch, out):
    from logistics._atomic import check_output_dir

    monkeypatch.chdir(tmp_path)
    (tmp_path / "q").mkdir()
    with pytest.raises(OutputError) as err:
        check_output_dir(out)
    msg = str(err.value)
    assert repr(out) in msg and "does not exist" in msg and "fix:" in msg, msg
    assert sorted(p.name for p in tmp_path.iterdir()) == ["q"]


def test_run_out_dotdot_after_a_missing_folder_fails_before_the_work(tmp_path, monkeypatch,
                                                                       capsys):
    from logistics.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "sc.yaml").write_text((SHIPPED / "tbf-39a.yaml").read_text(encoding="utf-8"),
                                      encoding="utf-8")
    assert main(["run", "sc.yaml", "--resolution-m", "25000", "--out", "o/.."]) == 2
    err = capsys.readouterr().err
    assert "logistics run: error: --out 'o/..'" in err and "Traceback" not in err, err
    assert "[2/3]" not in err, err  # refused before the run, not after it
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sc.yaml"]


def test_dotdot_through_existing_folders_is_still_read_as_the_path_it_names(tmp_path,
                                                                            monkeypatch):
    from logistics._atomic import check_output_dir

    monkeypatch.chdir(tmp_path)
    (tmp_path / "q").mkdir()
    assert check_output_dir("q/../new") == Path("q/../new")


# --- documented positions the maps cannot draw --------------------------------------------------

def _documented(tmp_path: Path, axis: str, lat: str, lon: str) -> tuple[Path, int]:
    """The shipped documented file with the first row of ``axis`` moved to (lat, lon)."""
    import csv
    import io

    text = (SHIPPED / "history" / "documented-advances.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    head = rows[0]
    i = next(k for k, r in enumerate(rows) if k and r[0] == axis and r[head.index("lat")])
    rows[i][head.index("lat")], rows[i][head.index("lon")] = lat, lon
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    p = tmp_path / "doc.csv"
    p.write_text(buf.getvalue(), encoding="utf-8")
    return p, i + 1  # the row as a spreadsheet numbers it (the header is row 1)


@pytest.fixture(scope="module")
def run_39a():
    import logistics

    return logistics.run(logistics.load_scenario(SHIPPED / "tbf-39a.yaml"), resolution_m=25000)


@pytest.mark.parametrize("lat, lon", [("46.6", "-121.21"), ("-46.6", "121.21"),
                                      ("55.5", "121.21")])
def test_a_documented_position_outside_the_data_extent_is_refused_before_the_run(
        tmp_path, monkeypatch, capsys, lat, lon):
    from logistics.cli import main

    monkeypatch.chdir(tmp_path)
    doc, row = _documented(tmp_path, "TBF-39A", lat, lon)
    (tmp_path / "sc.yaml").write_text((SHIPPED / "tbf-39a.yaml").read_text(encoding="utf-8"),
                                      encoding="utf-8")
    assert main(["run", "sc.yaml", "--resolution-m", "25000", "--out", "o",
                 "--documented", str(doc)]) == 2
    err = capsys.readouterr().err
    line = next(ln for ln in err.splitlines() if ln.startswith("logistics run: error:"))
    assert str(doc) in line and f"row {row}" in line and "TBF-39A" in line, line
    assert f"lat {float(lat):g}, lon {float(lon):g}" in line and "fix:" in line, line
    assert "[2/3]" not in err and not (tmp_path / "o").exists(), err


def test_write_run_refuses_a_documented_position_outside_the_data_extent(tmp_path, run_39a):
    import logistics

    doc, row = _documented(tmp_path, "TBF-39A", "46.6", "-121.21")
    with pytest.raises(DataError) as err:
        logistics.write_run(run_39a, tmp_path / "o", documented=doc)
    assert str(doc) in str(err.value) and f"row {row}" in str(err.value)
    assert not (tmp_path / "o").exists()


def test_a_documented_position_near_the_edge_of_the_data_is_drawn(tmp_path, run_39a):
    # 38.2 N is inside the data (38-54 N), but the map's 0.6 degree margin went past its edge
    import logistics

    doc, _ = _documented(tmp_path, "TBF-39A", "38.2", "121.0")
    out = logistics.write_run(run_39a, tmp_path / "o", documented=doc)
    assert (out / "map.png").stat().st_size > 10_000


# --- objectives where the formation already is --------------------------------------------------

def _army(name: str) -> dict:
    return yaml.safe_load((SHIPPED / name).read_text(encoding="utf-8"))


def _formation(data: dict, fid: str) -> dict:
    return next(f for f in data["formations"] if f["id"] == fid)


def test_an_objective_listed_twice_in_a_row_is_refused(tmp_path):
    data = _army("tbf-39a.yaml")
    f = _formation(data, "94rc")
    f["objectives"] = [f["objectives"][0], copy.deepcopy(f["objectives"][0])]
    _refused(tmp_path, data, "formations.4 (94rc).objectives.1", "Hailar",
             "where the formation already is (objectives.0")


def test_an_objective_at_the_formations_start_is_refused(tmp_path):
    data = _army("tbf-39a.yaml")
    f = _formation(data, "94rc")
    f["objectives"] = [{"place": "jump-off", "lon": f["start"]["lon"], "lat": f["start"]["lat"],
                        "assumed": "x"}, *f["objectives"]]
    _refused(tmp_path, data, "formations.4 (94rc).objectives.0", "jump-off",
             "where the formation already is (its start")


def test_an_objective_returned_to_later_is_a_plan_not_a_slip(tmp_path):
    from logistics.army.load import load_army
    from tests.conftest import write_army_yaml

    data = _army("tbf-39a.yaml")
    f = _formation(data, "94rc")
    f["objectives"] = [f["objectives"][0], {"place": "Solun", "assumed": "x"},
                       copy.deepcopy(f["objectives"][0])]
    load_army(write_army_yaml(tmp_path, data))


# --- history/fuel-states.csv: refills beyond any army, days outside the run ---------------------

def _states(tmp_path: Path, old: str, new: str) -> Path:
    p = tmp_path / "fuel-states.csv"
    text = (SHIPPED / "history" / "fuel-states.csv").read_text(encoding="utf-8")
    assert old in text
    p.write_text(text.replace(old, new, 1), encoding="utf-8")
    return p


@pytest.mark.parametrize("value", ["1e300", "101", "1e6"])
def test_a_fuel_state_of_more_refills_than_any_army_carries_is_refused(tmp_path, value):
    from logistics.history.fuel import load_fuel_states

    p = _states(tmp_path, ",0.25,", f",{value},")
    with pytest.raises(DataError) as err:
        load_fuel_states(p)
    msg = str(err.value)
    assert str(p) in msg and "refills" in msg and f"row 3: {float(value):g}" in msg, msg
    assert "fix:" in msg and "100" in msg, msg


def test_a_fuel_state_of_a_hundred_refills_is_read(tmp_path):
    from logistics.history.fuel import load_fuel_states

    assert 100.0 in set(load_fuel_states(_states(tmp_path, ",0.25,", ",100,"))["refills"])


def _trace():
    """One formation, 13 Aug 00:00 to 14 Aug 00:00, half a refill on hand throughout."""
    from logistics.history.runs import FORMATION_COLUMNS, RunTrace

    times = pd.date_range("1945-08-13 01:00", "1945-08-14 00:00", freq="h")
    tracks = pd.DataFrame({"time": times, "formation_id": "7mc", "cum_km": 1.0, "lon": 120.0,
                           "lat": 46.0, "status": "moving", "fuel_l": 500.0,
                           "refills_on_hand": 0.5, "dry_classes": ""})
    forms = pd.DataFrame([{c: "" for c in FORMATION_COLUMNS} | {
        "formation_id": "7mc", "name": "7th Mechanized Corps", "kind": "mech_corps",
        "aliases": (), "drawn_from_parent": False, "start_lon": 120.0, "start_lat": 46.0}])
    head = tracks.drop(columns="formation_id")
    return RunTrace(track=head, route_points=head[["cum_km", "lon", "lat"]],
                    daily=pd.DataFrame(), formations=forms, tracks=tracks,
                    routes=tracks[["formation_id", "cum_km", "lon", "lat"]])


@pytest.mark.parametrize("day", ["1950-08-13", "1945-08-20", "1945-08-01"])
def test_a_fuel_state_of_a_day_outside_the_run_is_not_scored_and_says_why(day):
    from logistics.history.fuel import score_fuel_states

    states = pd.DataFrame([{"axis_id": "X", "date": pd.Timestamp(day), "date_text": day,
                            "formation": "7th Mechanized Corps", "place": "", "state": "0.5",
                            "refills": 0.5, "source": "t", "quote": "q"}])
    f = score_fuel_states(states, _trace())
    assert math.isnan(f.loc[0, "model_refills"]) and math.isnan(f.loc[0, "refills_error"])
    assert f.loc[0, "within_tolerance"] is None
    assert "no record that day" in f.loc[0, "model_status"], f.loc[0, "model_status"]
    assert "1945-08-14 00:00" in f.loc[0, "model_status"]


def test_a_fuel_state_of_a_day_in_the_run_is_still_scored():
    from logistics.history.fuel import score_fuel_states

    states = pd.DataFrame([{"axis_id": "X", "date": pd.Timestamp("1945-08-13"),
                            "date_text": "13 Aug", "formation": "7th Mechanized Corps",
                            "place": "", "state": "0.5", "refills": 0.4, "source": "t",
                            "quote": "q"}])
    f = score_fuel_states(states, _trace())
    assert f.loc[0, "model_refills"] == pytest.approx(0.5)
    assert f.loc[0, "refills_error"] == pytest.approx(0.1) and f.loc[0, "within_tolerance"]


# --- uncertain: a range that leaves out the figure's own value ----------------------------------

@pytest.mark.parametrize("key, span", [("fuel.in_tanks_refills", (0.1, 0.2)),
                                       ("fuel.reserve_reach_km", (150.0, 200.0))])
def test_an_uncertain_range_without_the_figures_value_is_refused(tmp_path, key, span):
    # the norms files refused it already; an army file's Monte Carlo bands held every draw
    # but the run as written (tbf-39a: tanks full, 1.0; the reserve's reach 100 km)
    data = _army("tbf-39a.yaml")
    data["uncertain"][key] = {"low": span[0], "high": span[1], "assumed": "x"}
    _refused(tmp_path, data, f"uncertain: {key}", "lies outside its range",
             f"[{span[0]:g}, {span[1]:g}]")


def test_an_uncertain_range_at_the_figures_value_is_read(tmp_path):
    from logistics.army.load import load_army
    from tests.conftest import write_army_yaml

    data = _army("tbf-39a.yaml")
    data["uncertain"]["fuel.reserve_reach_km"] = {"low": 100, "high": 100, "assumed": "x"}
    load_army(write_army_yaml(tmp_path, data))


def test_write_run_with_a_table_for_documented_says_so_on_one_line(tmp_path, run_39a):
    # it printed the DataFrame's repr, several lines, into the error
    import logistics
    from logistics.errors import ConfigError

    with pytest.raises(ConfigError) as err:
        logistics.write_run(run_39a, tmp_path / "o", documented=pd.DataFrame({"a": [1, 2]}))
    msg = str(err.value)
    assert "\n" not in msg and "documented must be a path" in msg and "a DataFrame" in msg, msg
    assert "fix:" in msg and not (tmp_path / "o").exists()


# --- calibrate --points 1 -----------------------------------------------------------------------

@pytest.mark.parametrize("points", ["0", "1"])
def test_calibrate_points_below_two_is_one_argument_error(capsys, points):
    # '--points 0' said "a whole number >= 1", then '--points 1' "an integer >= 2"
    from logistics.cli import main

    assert main(["calibrate", "--points", points, "--out", "never"]) == 2
    err = capsys.readouterr().err
    assert f"argument --points: expected a whole number >= 2, got '{points}'" in err, err


# --- compare --set a figure one army of several lacks ---------------------------------------------

def _two_armies(tmp_path: Path) -> tuple[Path, Path]:
    configs = tmp_path / "cfg"
    configs.mkdir()
    for name in ("tbf-39a.yaml", "1fef-35a.yaml"):  # a reserve's reach; no reserve, none
        text = (SHIPPED / name).read_text(encoding="utf-8")
        (configs / name).write_text(without_reserve(text) if name == "1fef-35a.yaml" else text,
                                    encoding="utf-8")
    lines = (SHIPPED / "history" / "documented-advances.csv").read_text(
        encoding="utf-8").splitlines()
    doc = tmp_path / "doc.csv"
    doc.write_text("\n".join([lines[0]] + [ln for ln in lines[1:] if ln.startswith(
        ("TBF-39A,", "1FEF-35A,"))]) + "\n", encoding="utf-8")
    return configs, doc


@pytest.mark.parametrize("overrides, fragments", [
    ({"fuel.reserve_reach_km": 150.0}, ["1FEF-35A", "1fef-35a.yaml", "names no figure"]),
    ({"fuel.reserve_reach_km": 0.0}, ["TBF-39A", "must be > 0", "1FEF-35A"]),
])
def test_an_override_one_army_cannot_take_is_refused_before_any_run(tmp_path, overrides,
                                                                     fragments):
    # it failed in the runs ("bad overrides: override 'fuel.reserve_reach_km' names no
    # figure"), after the armies before it had run, naming neither the army nor a fix
    from logistics.errors import ConfigError
    from logistics.history.compare import compare

    def never(*args, **kwargs):
        raise AssertionError("an army was run before the overrides were checked")

    configs, doc = _two_armies(tmp_path)
    with pytest.raises(ConfigError) as err:
        compare(doc, configs_dir=configs, overrides=overrides, runner=never,
                resolution_m=25000)
    msg = str(err.value)
    assert "--set fuel.reserve_reach_km=" in msg and "fix:" in msg and "\n" not in msg, msg
    for fragment in fragments:
        assert fragment in msg, msg


# --- norms/march.yaml: an observed speed whose keys would be read otherwise than meant ---------

def _norms_tree(tmp_path: Path, edit, name: str = "march.yaml") -> Path:
    """A configs folder of the shipped norms, ``norms/<name>`` edited by ``edit(text)``."""
    import shutil

    cfg = tmp_path / "configs"
    shutil.copytree(SHIPPED / "norms", cfg / "norms")
    shutil.copytree(SHIPPED / "vehicles", cfg / "vehicles")  # the vehicles its norms name
    p = cfg / "norms" / name
    p.write_text(edit(p.read_text(encoding="utf-8")), encoding="utf-8")
    return cfg


def _in_cap(cap: str, old: str, new: str):
    def edit(text: str) -> str:
        i = text.index(f"\n  {cap}:\n")
        j = text.index(old, i)
        return text[:j] + new + text[j + len(old):]
    return edit


@pytest.mark.parametrize("cap, old, new, fragments", [
    # `whn:` left the cap with no condition: 5.5 km/h on every wheeled step, dry season too
    ("washed_out_plain_wheeled_kmh", "    when: *washed_out_plain", "    whn: *washed_out_plain",
     ["observed.washed_out_plain_wheeled_kmh.whn", "did you mean 'when'"]),
    # `apply_to:` made it an informative line: never applied
    ("mountain_pass_climb_kmh", "    applies_to:", "    apply_to:",
     ["observed.mountain_pass_climb_kmh.apply_to", "did you mean 'applies_to'"]),
    ("mountain_pass_climb_kmh", "    applies_to: [tracked]", "    applies_to: []",
     ["observed.mountain_pass_climb_kmh.applies_to", "empty"]),
    ("mountain_pass_climb_kmh", "    value: 5.5", "    valu: 5.5",
     ["observed.mountain_pass_climb_kmh.valu", "did you mean 'value'"]),
])
def test_an_observed_speed_misread_is_refused(tmp_path, cap, old, new, fragments):
    from logistics.army.norms import load_norms
    from logistics.errors import ConfigError

    cfg = _norms_tree(tmp_path, _in_cap(cap, old, new))
    with pytest.raises(ConfigError) as err:
        load_norms(cfg)
    msg = str(err.value)
    assert str(cfg / "norms" / "march.yaml") in msg and "fix:" in msg, msg
    for fragment in fragments:
        assert fragment in msg, msg


def test_the_shipped_observed_speeds_and_notes_still_load(tmp_path):
    from logistics.army.norms import load_norms

    caps = {c.id for c in load_norms(_norms_tree(tmp_path, lambda t: t)).observed}
    assert {"mountain_pass_climb_kmh", "washed_out_plain_wheeled_kmh"} <= caps
    assert "khingan_route_factor" not in caps  # a value alone: informative


@pytest.mark.parametrize("old, new, near", [
    # a misspelt optional figure was read as absent: columns of no length, no daily bound
    ("    gap_m:\n      value: 40", "    gap:\n      value: 40", "gap_m"),
    ("    max_km_per_day:", "    max_km_day:", "max_km_per_day"),
])
def test_a_misspelt_key_of_a_march_norm_is_refused(tmp_path, old, new, near):
    from logistics.army.norms import load_norms
    from logistics.errors import ConfigError

    cfg = _norms_tree(tmp_path, lambda t: t.replace(old, new, 1))
    with pytest.raises(ConfigError) as err:
        load_norms(cfg)
    msg = str(err.value)
    assert "march.yaml: norms.tank_column." + new.split(":")[0].strip() in msg, msg
    assert f"did you mean {near!r}" in msg and "fix:" in msg, msg


# --- norms/formations.yaml: a standard's key that nothing reads ---------------------------------

_RIFLE_DIVISION_TAIL = ("    movement: foot\n    march_norm: foot_column\n    column:\n"
                        "      routes:\n        value: 2")


@pytest.mark.parametrize("new, key, near", [
    # one road for the division's two column tracks: its column twice as long
    (_RIFLE_DIVISION_TAIL.replace("    column:", "    colum:"), "colum", "column"),
    (_RIFLE_DIVISION_TAIL.replace("    movement:", "    movment:"), "movment", "movement"),
    # a column gap in a standard: never read (the march norm's gap_m is)
    (_RIFLE_DIVISION_TAIL.replace("    column:\n", "    column:\n      gap_m: {value: 5, "
                                  "assumed: x}\n"), "column.gap_m", None),
])
def test_a_key_of_a_standard_that_nothing_reads_is_refused(tmp_path, new, key, near):
    from logistics.army.norms import load_norms
    from logistics.errors import ConfigError

    assert _RIFLE_DIVISION_TAIL in (SHIPPED / "norms" / "formations.yaml").read_text(
        encoding="utf-8")
    cfg = _norms_tree(tmp_path, lambda t: t.replace(_RIFLE_DIVISION_TAIL, new, 1),
                      "formations.yaml")
    with pytest.raises(ConfigError) as err:
        load_norms(cfg)
    msg = str(err.value)
    assert f"formations.yaml: standards.rifle_division.{key}: not a key" in msg, msg
    assert "fix:" in msg and (near is None or f"did you mean {near!r}" in msg), msg


def test_fuel_state_cells_are_read_without_a_spreadsheets_spaces(tmp_path):
    # "1945-08-12 " was refused as a bad date without showing the cell (the documented
    # positions' reader strips its cells)
    from logistics.history.fuel import load_fuel_states

    df = load_fuel_states(_states(tmp_path, "TBF-6GTA,1945-08-12,", " TBF-6GTA , 1945-08-12 ,"))
    assert df["axis_id"].iloc[1] == "TBF-6GTA"
    assert df["date"].iloc[1] == pd.Timestamp("1945-08-12")


def test_a_bad_fuel_state_date_shows_the_cell_and_a_fix(tmp_path):
    from logistics.history.fuel import load_fuel_states

    p = _states(tmp_path, "TBF-6GTA,1945-08-12,", "TBF-6GTA,12.08.1945,")
    with pytest.raises(DataError) as err:
        load_fuel_states(p)
    msg = str(err.value)
    assert "rows [3]: '12.08.1945'" in msg and "fix:" in msg, msg


def test_a_fuel_state_given_twice_is_refused(tmp_path):
    # a row pasted twice was scored twice and counted twice among the states within tolerance
    from logistics.history.fuel import load_fuel_states

    lines = (SHIPPED / "history" / "fuel-states.csv").read_text(encoding="utf-8").splitlines()
    p = tmp_path / "fuel-states.csv"
    p.write_text("\n".join([*lines, lines[2]]) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_fuel_states(p)
    msg = str(err.value)
    assert f"rows [3, {len(lines) + 1}]" in msg and "fix:" in msg, msg


# --- lists of formations: a name twice, a list nothing reads --------------------------------------

@pytest.mark.parametrize("edit, fragments", [
    (lambda d: d["fuel"]["drain_stalled"].update(value=False),
     ["fuel.drain_stalled", "with value false", "never read"]),
    (lambda d: d["fuel"]["drain_stalled"].update(formations=["5gtc", "5gtc"]),
     ["fuel.drain_stalled", "'5gtc' twice"]),
    (lambda d: d["supply"]["air"][0].update(priority_to=["fd-5gtc", "fd-7mc", "fd-5gtc"]),
     ["supply.air.0", "priority_to names 'fd-5gtc' twice"]),
])
def test_a_formation_list_read_otherwise_than_written_is_refused(tmp_path, edit, fragments):
    data = _army("tbf-6gta.yaml")
    edit(data)
    _refused(tmp_path, data, *fragments)
