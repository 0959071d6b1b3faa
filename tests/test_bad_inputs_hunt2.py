"""Bad inputs found from outside, second pass (helper "badin2"): each ends in one clear error.

Issue 13 ("Bad input"): a formation without vehicles or men, lift capacity zero and the like are
each one error naming the file, the key and the fix, before any work, with no output written.
The army-file cases are read through :func:`logistics.army.load.load_army` (schema and
cross-checks, as ``logistics run`` reads them); a few go through the command line to show that
nothing is run and nothing written.
"""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest
import yaml

from logistics import settings
from logistics.army.load import apply_army_overrides, army_paths, load_army
from tests.conftest import army_refused as _refused
from tests.conftest import write_army_yaml as _write


def _shipped(name: str) -> dict:
    return yaml.safe_load((settings.SHIPPED_CONFIG_DIR / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def fef5() -> dict:
    return _shipped("1fef-5a.yaml")  # fd-5a: men 2700, 65 T-34-85, 130 trucks, lift 70 / 1400


def _formation(data: dict, fid: str) -> dict:
    return next(f for f in data["formations"] if f["id"] == fid)


def _edit(base: dict, fid: str, change) -> dict:
    data = copy.deepcopy(base)
    change(_formation(data, fid))
    return data


# --- a formation without men (its vehicles would move without crews) ---------------------------

@pytest.mark.parametrize("fid, change, fragments", [
    # men: 0 beside 65 tanks and 130 trucks was run as a formation of nobody
    ("fd-5a", lambda f: f["men"].update(value=0), ("formations.0 (fd-5a).men", "0")),
    # men left out, no standard to give them: the same formation of nobody
    ("fd-5a", lambda f: f.pop("men"), ("formations.0 (fd-5a).men", "missing")),
    # men: 0 over a standard's men (the rifle divisions' trucks without their 132,000 men)
    ("5a-rds", lambda f: f.update(men={"value": 0, "assumed": "x"}),
     ("formations.2 (5a-rds).men", "0")),
    ("fd-5a", lambda f: f["men"].update(value=-5), ("formations.0 (fd-5a).men", "-5")),
])
def test_formation_without_men_is_refused(tmp_path, fef5, fid, change, fragments):
    _refused(tmp_path, _edit(fef5, fid, change), *fragments)


@pytest.mark.parametrize("change", [
    lambda f: [f.pop(k) for k in ("men", "vehicles", "lift")],                   # keys missing
    lambda f: (f["men"].update(value=0), f.update(vehicles=[]), f.pop("lift")),   # 0, empty list
    lambda f: (f["men"].update(value=0),                                          # 0, counts 0
               [v["count"].update(value=0) for v in f["vehicles"]], f.pop("lift")),
    lambda f: (f["men"].update(value=0), f.update(vehicles=None), f.pop("lift")),  # 0, null
])
def test_formation_without_men_or_vehicles_in_every_spelling_is_refused(tmp_path, fef5, change):
    _refused(tmp_path, _edit(fef5, "fd-5a", change), "formations.0 (fd-5a)", "men")


def test_foot_formation_may_have_no_vehicles(tmp_path, fef5):
    # a rifle formation that marches without its standard's trucks is a modelling choice
    # (the army's reserve then rides on the armour's trucks: a formation without any carries none)
    data = _edit(fef5, "5a-rds", lambda f: f.update(vehicles=[]))
    data["fuel"]["reserve_reach_km"]["carrier"] = "5a-armour"
    load_army(_write(tmp_path, data))


# --- lifts that carry more than the formation has, or nothing ----------------------------------

@pytest.mark.parametrize("fid, change, fragments", [
    # 5,000 men riding a formation of 2,700
    ("fd-5a", lambda f: f["lift"]["men"].update(value=5000),
     ("formations.0 (fd-5a).lift.men", "5000", "2700")),
    # 500 trucks lifting men in a formation of 130
    ("fd-5a", lambda f: f["lift"]["count"].update(value=500),
     ("formations.0 (fd-5a).lift.count", "500", "130")),
    # capacity zero, three spellings
    ("fd-5a", lambda f: f["lift"]["men"].update(value=0), ("formations.0 (fd-5a).lift.men", "0")),
    ("fd-5a", lambda f: f["lift"]["count"].update(value=0),
     ("formations.0 (fd-5a).lift.count", "0")),
    ("fd-5a", lambda f: f["lift"].update(men_per_vehicle={"value": 0, "assumed": "x"}),
     ("formations.0 (fd-5a).lift.men_per_vehicle", "0")),
])
def test_lift_beyond_the_formation_or_of_zero_capacity_is_refused(tmp_path, fef5, fid, change,
                                                                  fragments):
    _refused(tmp_path, _edit(fef5, fid, change), *fragments)


def test_lift_count_per_body_is_named_as_written(tmp_path):
    # 17a-rds: six rifle divisions of the standard (150 trucks each); a lift of 151 a division
    # was reported as "906 trucks" with no fix, a figure the file does not hold
    data = _shipped("tbf-17a.yaml")
    _formation(data, "17a-rds")["lift"]["count"]["value"] = 151
    _refused(tmp_path, data, "formations.1 (17a-rds).lift.count", "151", "150")


def test_lift_men_per_body_and_an_unknown_lift_vehicle_are_refused(tmp_path, fef5):
    data = _shipped("tbf-17a.yaml")  # 11,000 men a division
    _formation(data, "17a-rds")["lift"]["men"]["value"] = 20000
    _refused(tmp_path, data, "formations.1 (17a-rds).lift.men", "20000", "11000 a body")
    # an unknown lift vehicle was "no men per vehicle for 'tractor'"
    data = _edit(fef5, "fd-5a", lambda f: f["lift"].update(vehicle="tractor"))
    _refused(tmp_path, data, "formations.0 (fd-5a).lift.vehicle", "unknown vehicle 'tractor'")


def test_tank_riders_beyond_the_formation_or_without_tanks_are_refused(tmp_path):
    gta = _shipped("tbf-6gta.yaml")  # 9gmc: 100 tank riders of 11,750 men
    data = _edit(gta, "9gmc", lambda f: f["lift"]["men"].update(value=50000))
    _refused(tmp_path, data, "(9gmc).lift.men", "50000")
    fef35 = _shipped("1fef-35a.yaml")  # fd-35a: trucks only
    data = _edit(fef35, "fd-35a", lambda f: f["lift"].update(kind="tank_riders"))
    _refused(tmp_path, data, "(fd-35a).lift.kind", "tank_riders")


def test_every_shipped_army_still_loads():
    for path in army_paths(settings.SHIPPED_CONFIG_DIR):
        load_army(path)


def test_monte_carlo_draw_of_fewer_men_than_the_lift_still_resolves():
    # 1fef-35a: the forward detachment's men are uncertain (1,000-3,000) and its lift carries
    # 2,000: a draw below the lift means every man rides; it must not fail the draw
    from logistics.army.fortified import load_fortified
    from logistics.army.norms import load_norms
    from logistics.army.resolve import resolve_formations

    army = load_army(settings.SHIPPED_CONFIG_DIR / "1fef-35a.yaml")
    drawn, _ = apply_army_overrides(army, {"formations.fd-35a.men": 1000})
    units = resolve_formations(drawn, load_norms(), load_fortified().rule)
    fd = next(u for u in units if u.id == "fd-35a")
    assert fd.men == 1000


def test_formation_without_men_fails_the_run_before_any_work(tmp_path, fef5, capsys,
                                                             monkeypatch):
    from logistics import runner
    from logistics.cli import main

    def no_run(*a, **k):
        raise AssertionError("the run started")

    monkeypatch.setattr(runner, "run_scenario", no_run)
    path = _write(tmp_path, _edit(fef5, "fd-5a", lambda f: f["men"].update(value=0)))
    assert main(["run", str(path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "formations.0 (fd-5a).men" in err
    assert not (tmp_path / "o").exists()


# --- a user's configs tree (LOGISTICS_CONFIG_DIR) and its documented-advances.csv ---------------

def _tree(tmp_path: Path, monkeypatch, spoil) -> Path:
    configs = tmp_path / "configs"
    shutil.copytree(settings.SHIPPED_CONFIG_DIR, configs)
    spoil(configs / "history" / "documented-advances.csv")
    monkeypatch.setattr(settings, "CONFIG_DIR", configs)
    return configs


def _latin1(p: Path) -> None:
    p.write_bytes(p.read_bytes().replace(b"Hailar", b"Hailar\xe9", 1))


def _folder(p: Path) -> None:
    p.unlink()
    p.mkdir()


def _no_columns(p: Path) -> None:
    p.write_text("a,b,c\n1,2,3\n", encoding="utf-8")


@pytest.mark.parametrize("spoil, fragment", [(_latin1, "UTF-8"), (_folder, "folder"),
                                             (_no_columns, "axis_id")])
def test_damaged_documented_file_in_a_users_configs_is_refused_before_the_run(
        tmp_path, monkeypatch, capsys, spoil, fragment):
    # the run drew the documented positions on its map: a damaged file failed the run only at
    # the writing step, after minutes of work (and a file without the format's columns was
    # silently drawn as no positions)
    from logistics import runner
    from logistics.cli import main

    def no_run(*a, **k):
        raise AssertionError("the run started")

    configs = _tree(tmp_path, monkeypatch, spoil)
    monkeypatch.setattr(runner, "run_scenario", no_run)
    for target in (str(configs / "tbf-cmg.yaml"), str(configs)):  # one army, a folder of them
        assert main(["run", target, "--out", str(tmp_path / "o")]) == 2
        err = capsys.readouterr().err
        lines = [ln for ln in err.splitlines() if ln.strip() and not ln.startswith("progress")]
        assert lines[0].startswith("logistics run: error:") and "Traceback" not in err, err
        assert "documented-advances.csv" in lines[0] and fragment in err, err
        assert not (tmp_path / "o").exists()


def test_users_configs_without_documented_positions_still_run(tmp_path, monkeypatch, capsys):
    # a tree of one's own (a new theatre) may have no documented positions: the run failed at
    # the writing step with "documented-advances file not found"
    from logistics.cli import main

    configs = _tree(tmp_path, monkeypatch, lambda p: p.unlink())
    out = tmp_path / "o"
    assert main(["run", str(configs / "tbf-cmg.yaml"), "--resolution-m", "25000",
                 "--out", str(out)]) == 0, capsys.readouterr().err
    assert (out / "map.html").is_file() and (out / "run.gpkg").is_file()


# --- an earlier output where the user gave no --out (the default path) --------------------------

def _earlier_output(folder: Path) -> None:
    from logistics._atomic import atomic_dir

    with atomic_dir(folder) as tmp:
        (tmp / "report.md").write_text("an earlier run\n", encoding="utf-8")


def _one_error(capsys) -> str:
    err = capsys.readouterr().err
    lines = [ln for ln in err.splitlines() if ln.strip() and not ln.startswith("progress")]
    assert "Traceback" not in err and lines[0].startswith("logistics "), err
    return err


@pytest.mark.parametrize("argv, default", [
    (["run", "tbf-cmg"], "out/TBF-CMG"),
    (["compare", "--no-map", "--workers", "0"], "out/compare"),
    (["calibrate", "--workers", "0"], "out/calibrate"),
])
def test_earlier_output_in_the_default_folder_names_no_out_the_user_did_not_give(
        tmp_path, monkeypatch, capsys, argv, default):
    # it said "--out 'out/TBF-CMG' holds ... or choose another --out" to a user who gave no --out
    from logistics.cli import main

    monkeypatch.chdir(tmp_path)
    _earlier_output(tmp_path / default)
    assert main(argv) == 2
    err = _one_error(capsys)
    assert f"--out '{default}'" not in err and f"default output folder '{default}'" in err, err
    assert "--overwrite" in err and "give --out another path" in err, err


def test_earlier_run_folder_under_out_of_a_folder_run_is_named_as_the_run_folder(
        tmp_path, capsys):
    # a folder of army files writes <--out>/<axis_id>: the message named that as "--out"
    from logistics.cli import main

    armies = tmp_path / "armies"
    armies.mkdir()
    shutil.copy(settings.SHIPPED_CONFIG_DIR / "tbf-cmg.yaml", armies)
    _earlier_output(tmp_path / "o" / "TBF-CMG")
    assert main(["run", str(armies), "--out", str(tmp_path / "o")]) == 2
    err = _one_error(capsys)
    assert f"run folder '{tmp_path / 'o' / 'TBF-CMG'}'" in err and "--overwrite" in err, err
    assert f"--out '{tmp_path / 'o' / 'TBF-CMG'}'" not in err, err


def test_earlier_map_or_a_users_file_at_the_default_map_path_names_no_out(
        tmp_path, monkeypatch, capsys):
    from logistics.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "basemap.png").write_bytes(b"\x89PNG logistics map")  # one of ours
    assert main(["map"]) == 2
    err = _one_error(capsys)
    assert "default output file 'basemap.png'" in err and "give --out another path" in err, err
    (tmp_path / "basemap.png").write_bytes(b"my own picture")
    assert main(["map"]) == 2
    err = _one_error(capsys)
    assert "default output file 'basemap.png'" in err and "--out" in err, err
    assert (tmp_path / "basemap.png").read_bytes() == b"my own picture"


# --- a flotilla on a formation with no river on its route (issue 13) ---------------------------

def _run_refused(tmp_path: Path, data: dict, capsys) -> str:
    from logistics.cli import main

    path = _write(tmp_path, data)
    assert main(["run", str(path), "--resolution-m", "25000", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and not (tmp_path / "o").exists(), err
    return next(ln for ln in err.splitlines() if ln.startswith("logistics run: error:"))


def test_formation_carried_to_an_objective_off_its_flotillas_rivers_is_refused(tmp_path, capsys):
    # the landing party carried up the Sungari with Solun (in the Khingan) as its objective was
    # run as "arrived" at Harbin, the end of the flotilla's route, 500 km from its objective
    data = _shipped("2fef-15a.yaml")
    _formation(data, "15a-landing")["objectives"] = [{"place": "Solun", "assumed": "x"}]
    line = _run_refused(tmp_path, data, capsys)
    for fragment in ("army.yaml", "formations.3 (15a-landing).objectives.0", "Solun",
                     "1st-river-ship-brigade", "fix"):
        assert fragment in line, line


@pytest.mark.parametrize("change, fragment", [
    # a start 600 km from any river: the move "could not be made", the party stood at 0 km
    (lambda b: b.update(start={"place": "Gobi", "lon": 110.0, "lat": 43.0, "assumed": "x"}),
     "flotilla.0 (1st-river-ship-brigade)"),
    # a route over land, partly outside the army's grid: "point x=344912 m ... lies outside
    # the grid; load terrain for a box that contains it", naming no file or key
    (lambda b: b.update(route=[{"place": "Hailar", "assumed": "x"},
                               {"place": "Solun", "assumed": "x"}]),
     "flotilla.0 (1st-river-ship-brigade)"),
])
def test_flotilla_that_cannot_sail_its_route_is_refused(tmp_path, capsys, change, fragment):
    data = _shipped("2fef-15a.yaml")
    change(data["flotilla"][0])
    line = _run_refused(tmp_path, data, capsys)
    assert "army.yaml" in line and fragment in line and "fix" in line, line
    assert "outside the grid" not in line, line


# --- the lines along which railheads move forward ----------------------------------------------

@pytest.mark.parametrize("text, fragment", [
    ("Manzhouli - Hailar (R99)", "'R99'"),          # no such line: ignored, railheads stood
    ("Manzhouli - Hailar - Qiqihar", "no line id"),  # no id in brackets: ignored the same way
])
def test_advance_along_naming_no_line_of_the_network_is_refused(tmp_path, text, fragment):
    data = _shipped("1fef-5a.yaml")
    data["supply"]["rail"]["advance_along"]["lines"] = [text]
    _refused(tmp_path, data, "supply.rail.advance_along.lines.0", fragment)


def test_start_beyond_the_departure_tolerance_is_refused(tmp_path, fef5):
    # departure.tolerance_km is "how far a formation's start may lie from the line"
    # (configs/armies/README.md), but a start at Harbin, 400 km from the 5th Army's line, was
    # run (its depths then measured from a line it never stood on)
    data = _edit(fef5, "fd-5a", lambda f: f.update(
        start={"place": "Harbin", "assumed": "x"}))
    _refused(tmp_path, data, "formations.0 (fd-5a).start", "Harbin", "departure.tolerance_km")
    # within the tolerance: accepted (5 km east of the line's point)
    data = _edit(fef5, "fd-5a", lambda f: f["start"].update(lon=131.251 + 0.06))
    load_army(_write(tmp_path, data))


@pytest.mark.parametrize("command", ["compare", "calibrate"])
def test_compare_over_a_folder_whose_army_file_is_broken_says_why(tmp_path, capsys, command):
    # it said "no axis ... has a scenario config in cfg" of a folder holding TBF-39A's army
    # file, hiding that the file failed to load (a formation of 0 men)
    from logistics.cli import main

    data = _shipped("tbf-39a.yaml")
    data["formations"][0]["men"] = {"value": 0, "assumed": "x"}
    (tmp_path / "cfg").mkdir()
    (tmp_path / "cfg" / "tbf-39a.yaml").write_text(yaml.safe_dump(data, allow_unicode=True),
                                                   encoding="utf-8")
    argv = [command, "--configs", str(tmp_path / "cfg"), "--workers", "0",
            "--out", str(tmp_path / "o")]
    assert main(argv + (["--no-map"] if command == "compare" else [])) == 2
    err = _one_error(capsys)
    assert "tbf-39a.yaml" in err and "formations.0 (fd-39a).men" in err, err
    assert not (tmp_path / "o").exists()
