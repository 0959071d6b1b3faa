"""Bad inputs found by helper "breaker30": each ends in one clear error, before any work.

Vehicle figures each inside their allowed range but absurd together (a driveline efficiency
of 1e-300, 5 hp for 32 tonnes, a top speed of 1e-300 km/h, a consumption of 1e-300 L/100 km)
loaded, and a run met them as NaN fuel and overflow warnings deep in the advance. The physics
now reads every vehicle file before the work (``physics.check_vehicles``: every command that
moves a vehicle, and the runner): it must hold a man's walking pace on the level, on its power
and under its caps, and its fitted engine must burn a finite, positive fuel per km within a
factor 4 of each documented figure.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from conftest import army_refused, configs_refused, configs_tree_edited
from logistics.vehicles import list_vehicles, load_vehicle


def _vehicles(d: Path) -> None:
    from logistics.cost.physics import check_vehicles

    check_vehicles(config_dir=d)


def test_every_shipped_vehicle_still_loads():
    """The IS-2 holds 46 km/h on its power on a level road, capped at its 37: the floor (a man's
    walking pace, 5 km/h) refuses no shipped vehicle, nor does the fit's factor 4 (the GAZ-67B
    misses by 2x)."""
    from logistics.cost.physics import level_problems

    from logistics.cost.physics import check_vehicles

    ids = list_vehicles()
    assert {"is-2", "m4a2-76w", "t-34-85", "zis-5", "foot-infantry"} <= set(ids)
    for vid in ids:
        assert level_problems(load_vehicle(vid)) == [], vid
    check_vehicles()


@pytest.mark.parametrize("vehicle, key, old, new, words", [
    ("t-34-85", "driveline_efficiency", "value: 0.6", "value: 1e-300",
     ["power_hp, mass_t, driveline_efficiency", "driveline_efficiency 1e-300", "5.0 km/h"]),
    ("t-34-85", "power_hp", "value: 500", "value: 5",
     ["power_hp 5", "0.633 km/h", "metric hp"]),
    ("is-2", "speed_road_kmh", "value: 37", "value: 0.01",
     ["speed_road_kmh:", "got 0.01 km/h", "top speed"]),
    ("is-2", "speed_cc_kmh", "value: 19.3", "value: 2",
     ["speed_cc_kmh:", "got 2", "dry steppe"]),
])
def test_a_vehicle_too_weak_or_too_slow_to_move_is_refused_before_the_work(
        tmp_path, vehicle, key, old, new, words):
    rel = f"vehicles/{vehicle}.yaml"
    head = f"{key}:\n  {old}\n"
    d = configs_tree_edited(tmp_path, rel, head, f"{key}:\n  {new}\n")
    msg = configs_refused(_vehicles, d, rel, *words)
    assert msg.count(str(d / rel)) == 1, msg  # one problem, not one per surface


@pytest.mark.parametrize("value, words", [
    ("1e-300", ["fuel_targets:", "the fit overflows", "road 1e-300", "per 100 km"]),
    ("3.7", ["fuel_targets.road.l_per_100km:", "got 3.7", "factor 4", "not per km"]),
])
def test_a_consumption_no_engine_can_burn_is_refused_before_the_work(tmp_path, value, words):
    """1e-300 L/100 km overflowed the engine's fit (NaN fuel in the run); 3.7 (litres per km
    for per 100 km) was fitted 68x off, silently."""
    rel = "vehicles/is-2.yaml"
    d = configs_tree_edited(tmp_path, rel, "    l_per_100km: 370\n",
                            f"    l_per_100km: {value}\n")
    configs_refused(_vehicles, d, rel, *words)


def test_a_borrowed_engine_on_a_weak_vehicle_is_refused_too(tmp_path):
    """A calibrate_like vehicle (the SU-76M) has no fit of its own: the speed floor still
    holds it."""
    rel = "vehicles/su-76m.yaml"
    d = configs_tree_edited(tmp_path, rel, "driveline_efficiency:\n  value: 0.6\n",
                            "driveline_efficiency:\n  value: 1e-12\n")
    configs_refused(_vehicles, d, rel, "driveline_efficiency 1e-12")


# --- the bad-input corpus: an error after the work began stands out ----------------------------

def _corpus():
    """benchmarks/bad_inputs/corpus.py of the checkout whose code is tested, as a module (its
    dataclasses need it in sys.modules)."""
    import logistics

    name = "bad_inputs_corpus"
    if name not in sys.modules:
        root = Path(logistics.__file__).resolve().parent.parent
        path = root / "benchmarks" / "bad_inputs" / "corpus.py"
        spec = importlib.util.spec_from_file_location(name, path)
        mod = importlib.util.module_from_spec(spec)
        sys.modules[name] = mod
        spec.loader.exec_module(mod)
    return sys.modules[name]


@pytest.mark.parametrize("lines, began", [
    (["progress: run sc.yaml [1/3] loading the army file",
      "logistics run: error: sc.yaml: bad"], False),
    (["progress: run sc.yaml [1/3] loading the army file",
      "progress: run sc.yaml [2/3] terrain, route, supply, advance",
      "logistics run: error: no route"], True),
    (["progress: compare [1/2] runs of every axis with a scenario",
      "logistics compare: error: x"], True),
    (["progress: runs 3/30 runs (10 %)", "logistics calibrate: error: x"], True),
    (["progress: route [1/3] loading the network (the 1945 railways)",
      "logistics route: error: x"], False),
    (["logistics run: error: x"], False),
])
def test_corpus_tells_an_error_after_the_work_began(lines, began):
    """The corpus could not tell "refused before the work" from "failed after it": both were
    ``clean``. A progress step past loading before the error line is now ``late``."""
    assert _corpus()._work_began(lines) is began


def test_corpus_late_class_sits_before_clean():
    corpus = _corpus()
    assert corpus.CLASSES.index("late") < corpus.CLASSES.index("clean")
    case = corpus.Case("x", "oserr", ["run"], wrap="full:o")
    assert corpus._late_ok(case) and not corpus._late_ok(corpus.Case("y", "cli", ["run"]))


# --- army files: the supply's railheads, the airlift, the flotilla -----------------------------

def _shipped(name: str) -> dict:
    import yaml

    from logistics import settings

    return yaml.safe_load((Path(settings.SHIPPED_CONFIG_DIR) / name).read_text(encoding="utf-8"))


def test_a_railhead_line_class_that_is_no_class_is_refused(tmp_path):
    """`line_class: maglev` was taken without a word (no code reads it: it says which of the
    movement norms' rail.line_classes the railhead's line is)."""
    d = _shipped("tbf-39a.yaml")
    d["supply"]["rail"]["railheads"][0]["line_class"] = "soviet_narow_gauge"
    army_refused(tmp_path, d, "supply.rail.railheads.0 (Tamsag-Bulag).line_class",
                 "'soviet_narow_gauge'", "soviet_narrow_gauge", "rail.line_classes")


@pytest.mark.parametrize("value", [-5, 0])
def test_an_airlift_of_no_sorties_is_refused(tmp_path, value):
    d = _shipped("tbf-6gta.yaml")
    d["supply"]["air"][0]["sorties_per_day"]["value"] = value
    army_refused(tmp_path, d, "sorties_per_day must be > 0", f"got {value}")


def _ships(d: dict, ships: list | None, standard: str | None = None) -> dict:
    brigade = d["flotilla"][0]
    brigade.pop("standard", None)
    brigade.pop("ships", None)
    if standard is not None:
        brigade["standard"] = standard
    else:
        brigade["ships"] = ships
    return d


@pytest.mark.parametrize("ships, standard, seen", [
    ([{"class": "gunboat", "count": {"value": 0, "assumed": "x"}}], None, "{'gunboat': 0}"),
    ([], None, "no ships"),
    (None, "rifle_division", "no ships of standard 'rifle_division'"),
])
def test_a_brigade_carrying_troops_on_no_ship_is_refused_at_load(tmp_path, ships, standard,
                                                                 seen):
    """Refused only by the plan before ("the flotilla group has no ship that carries troops"),
    after the terrain and every route were built."""
    d = _ships(_shipped("2fef-15a.yaml"), ships, standard)
    army_refused(tmp_path, d, "flotilla.0 (1st-river-ship-brigade): it carries 15a-landing",
                 seen, "carry no troops", "river.ship_classes")


def test_a_ship_class_named_twice_is_refused(tmp_path):
    """{class: count} kept the last entry: 2 + 2 gunboats sailed as 2."""
    two = {"class": "gunboat", "count": {"value": 2, "assumed": "x"}}
    d = _ships(_shipped("2fef-15a.yaml"), [two, dict(two)])
    army_refused(tmp_path, d, "ships names the class 'gunboat' twice")


def _absurd_tree(tmp_path, monkeypatch, vehicle: str, eta: float) -> Path:
    """The configs tree read from now on: the shipped one with ``vehicle``'s driveline
    efficiency ``eta`` made 1e-300."""
    from logistics import settings

    d = configs_tree_edited(tmp_path, f"vehicles/{vehicle}.yaml",
                            f"driveline_efficiency:\n  value: {eta}\n",
                            "driveline_efficiency:\n  value: 1e-300\n")
    monkeypatch.setattr(settings, "CONFIG_DIR", d)
    return d


def _no_terrain(*a, **k):
    raise AssertionError("the terrain was loaded before the vehicle files were checked")


def test_sample_checks_the_vehicle_files_before_the_terrain(tmp_path, monkeypatch, capsys):
    """`logistics sample` read the vehicle files in its second step, after the terrain round
    the point was loaded: a bad file was refused after the work began."""
    from logistics.cli import main
    from logistics.terrain import sample

    _absurd_tree(tmp_path, monkeypatch, "t-34-85", 0.6)
    monkeypatch.setattr(sample, "point_terrain", _no_terrain)
    assert main(["sample", "Hailar"]) == 2
    err = capsys.readouterr().err
    assert "driveline_efficiency 1e-300" in err and "Traceback" not in err, err


# --- refused before the work, not in its first step (found by the corpus's `late`) ----------

def test_compare_refuses_too_many_workers_before_the_runs(tmp_path, monkeypatch, capsys):
    """`compare --workers 500` was refused once "runs of every axis" had begun."""
    from logistics import settings
    from logistics.cli import _cluster, main

    monkeypatch.setattr(_cluster, "max_workers", lambda: (2, "this machine has 2 core(s)"))
    doc = Path(settings.SHIPPED_CONFIG_DIR) / "history" / "documented-advances.csv"
    assert main(["compare", "--documented", str(doc), "--no-map", "--workers", "500",
                 "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "--workers 500: this machine has 2 core(s); use --workers 2 or fewer" in err, err
    assert "runs of every axis" not in err, err
    assert not (tmp_path / "o").exists()


def test_run_refuses_a_grid_beyond_memory_before_the_terrain_step(tmp_path, capsys):
    """`run --resolution-m 1` was refused inside "terrain, route, supply, advance"."""
    from logistics import settings
    from logistics.cli import main

    army = Path(settings.SHIPPED_CONFIG_DIR) / "tbf-39a.yaml"
    assert main(["run", str(army), "--resolution-m", "1", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "fix: --resolution-m" in err and "terrain, route" not in err, err
    assert not (tmp_path / "o").exists()


def test_a_run_through_the_api_refuses_an_absurd_vehicle_before_the_terrain(tmp_path,
                                                                            monkeypatch):
    """The runner checks too (a Python caller of run_scenario passes no command line)."""
    import logistics.terrain as terrain
    from logistics import runner
    from logistics.errors import ConfigError

    d = _absurd_tree(tmp_path, monkeypatch, "zis-5", 0.7)
    monkeypatch.setattr(terrain, "load_terrain", _no_terrain)
    with pytest.raises(ConfigError, match="driveline_efficiency 1e-300"):
        runner.run_scenario(d / "tbf-39a.yaml", resolution_m=10000)
