"""Bad inputs found from outside by helper "breaker36": breaker35's leftovers (a reserve's place
with no reserve, a positive figure far below any physical value, numbers written as text) and
what a hostile new user tried next. Each was taken without a word on main; each is now one
error naming the file, the key, the value and the fix, before any work.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import army_refused, configs_refused, configs_tree_edited, write_army_yaml
from logistics import settings


def _shipped(name: str) -> dict:
    return yaml.safe_load((Path(settings.SHIPPED_CONFIG_DIR) / name).read_text(encoding="utf-8"))


def _fig(value) -> dict:
    return {"value": value, "assumed": "test"}


def _no_refills(d: dict) -> dict:
    """``d`` with carried_refills 0 and no range of it (the reserve's place kept)."""
    d["fuel"]["carried_refills"] = _fig(0.0)
    d["uncertain"].pop("fuel.carried_refills")
    return d


# --- fuel.reserve_reach_km with no reserve -----------------------------------------------------

def test_a_no_reserve_what_if_keeps_the_reserve_place(tmp_path):
    """carried_refills 0 with reserve_reach_km kept is taken, on purpose: a no-reserve what-if
    edits one figure of a copy (tests/test_advance_khingan.py's army without fuel does), and
    the reach, never read without a reserve, changes nothing in the run."""
    from logistics.army.load import load_army

    army = load_army(write_army_yaml(tmp_path, _no_refills(_shipped("tbf-36a.yaml"))))
    assert army.fuel.carried_refills.value == 0 and army.fuel.reserve_reach_km is not None


def test_a_no_reserve_what_if_by_override_is_not_blocked():
    """--set fuel.carried_refills=0 of a file with a reserve (its range widened to hold 0):
    the overrides re-validate the schema, not the file-as-written check."""
    from logistics.army.load import apply_army_overrides, validate_army

    d = _shipped("tbf-36a.yaml")
    d["uncertain"]["fuel.carried_refills"]["low"] = 0.0
    army = validate_army(d, source="x.yaml")
    new, _ = apply_army_overrides(army, {"fuel.carried_refills": 0.0})
    assert new.fuel.carried_refills.value == 0.0


# --- a positive figure far below any physical value ---------------------------------------------

@pytest.mark.parametrize("where, edit, key", [
    ("payload", lambda d: d["supply"]["trucks"][0].update(payload_l=_fig(1e-300)),
     "payload_l 1e-300 litres"),
    ("load_h", lambda d: d["supply"]["trucks"][0]["load_h"].update(value=1e-12),
     "load_h 1e-12 hours"),
    ("tolerance", lambda d: d["departure"]["tolerance_km"].update(value=1e-300),
     "tolerance_km 1e-300 km"),
    ("extra fuel", lambda d: d["fuel"].update(extra_fuel_l={"zis-5": _fig(1e-200)}),
     "extra_fuel_l.zis-5 1e-200 litres"),
    ("objective radius", lambda d: d["formations"][0]["objectives"][0].update(
        radius_km=1e-300), "radius_km 1e-300 km"),
    ("depot", lambda d: d["supply"].update(depots=[{
        "name": "d", "at": {"place": "Hailar", "assumed": "t"}, "fuel_l": _fig(5e-324)}]),
     "fuel_l 4.94066e-324 litres"),
])
def test_a_positive_figure_below_its_units_floor_is_refused(tmp_path, where, edit, key):
    """payload_l: 1e-300 was taken (a truck carrying a 1e-300th of a litre); the rule is one
    for every figure by the unit its key states, not one key's."""
    d = _shipped("tbf-36a.yaml")
    edit(d)
    army_refused(tmp_path, d, key, "above 0 but below", "a typing slip in the exponent")


def test_0_stays_none_and_the_floor_is_far_below_every_shipped_figure():
    from logistics.errors import UNIT_FLOORS, unit_floor_problem

    assert unit_floor_problem("payload_l", 0) is None
    assert unit_floor_problem("payload_l", 0.001) is None
    assert unit_floor_problem("lon", 1e-300) is None  # a coordinate: 0 is a place
    assert unit_floor_problem("count", 1e-300) is None  # no unit: its own rules
    assert "litres" in unit_floor_problem("payload_l", -1e-300)
    assert set(UNIT_FLOORS) >= {"litres", "km", "hours", "tonnes", "km/h", "refills"}


def test_a_vehicle_figure_below_its_units_floor_is_refused(tmp_path):
    """tank_l 1e-300 (in (0, 10000]) was taken: a tank that holds nothing."""
    from logistics.vehicles import list_vehicles

    d = configs_tree_edited(tmp_path, "vehicles/zis-5.yaml", "mass_t:\n  value: 6.1",
                            "mass_t:\n  value: 1e-300")
    configs_refused(lambda c: list_vehicles(config_dir=c), d, "vehicles/zis-5.yaml",
                    "mass_t.value", "below 0.001 tonnes")


# --- numbers written as text --------------------------------------------------------------------

@pytest.mark.parametrize("edit, key", [
    (lambda d: d["supply"]["trucks"][0].update(convoys="2"), "supply.trucks.0.convoys"),
    (lambda d: d["formations"][0].update(count=_fig("2")), "count.value"),
    (lambda d: d["departure"]["tolerance_km"].update(value="40"), "tolerance_km.value"),
    (lambda d: d["formations"][0]["objectives"][0].update(radius_km="15"), "radius_km"),
    (lambda d: d["fuel"]["reserve_reach_km"].update(shares=["0.5", "0.5"]),
     "reserve_reach_km.shares"),
])
def test_a_number_in_quotes_is_refused(tmp_path, edit, key):
    """convoys: "2" was read as 2 (pydantic's lax mode): in YAML a number in quotes is text,
    usually a slip; every number key refuses it, with the number to write."""
    d = _shipped("tbf-36a.yaml")
    edit(d)
    army_refused(tmp_path, d, key, "expected a number, not a text",
                 "write the number without quotes")


def test_every_shipped_army_and_the_template_still_load():
    from logistics.army.load import army_paths, load_army

    shipped = Path(settings.SHIPPED_CONFIG_DIR)
    for path in [*army_paths(shipped), shipped / "armies" / "template.yaml"]:
        load_army(path)


# --- a hostile new user: army-file keys taken without a word ----------------------------------

def test_a_start_delay_past_the_run_is_refused(tmp_path):
    """start_delay_h 500 (the run is 431.8 h): every formation without a start time of its own
    moved off after the run, which ran with nobody moving."""
    d = _shipped("tbf-36a.yaml")
    d["start_delay_h"] = _fig(500)
    army_refused(tmp_path, d, "start_delay_h (500) puts the move-off of", "would never move",
                 "a delay under 431.833 hours")


def test_a_front_of_blanks_is_refused(tmp_path):
    """front: "" was taken (a name of blanks was refused): the heat rule's fronts match none."""
    d = _shipped("tbf-39a.yaml")
    d["front"] = "  "
    army_refused(tmp_path, d, "front: a front of blanks only", "Transbaikal Front")


@pytest.mark.parametrize("vehicle", ["is-2", "foot-infantry"])
def test_extra_fuel_of_a_vehicle_the_army_lacks_is_refused(tmp_path, vehicle):
    """fuel.extra_fuel_l.is-2 in the 36th Army (no IS-2), or of men on foot (no tank): the plan
    reads it for a formation's motor classes only, so it was never read."""
    d = _shipped("tbf-36a.yaml")
    d["fuel"]["extra_fuel_l"] = {vehicle: _fig(200)}
    army_refused(tmp_path, d, f"fuel.extra_fuel_l.{vehicle}: no formation of the army has",
                 "never read", "'t-34-85'")


# --- the command line ---------------------------------------------------------------------------

@pytest.mark.parametrize("argv, words", [
    (["compare", "--set", "speed_scale=1_0"], "expected NAME=NUMBER"),
    (["run", "x.yaml", "--seed", "1_0"], "argument --seed: expected a whole number"),
    (["run", "x.yaml", "--resolution-m", "1_0000"], "argument --resolution-m: expected a number"),
    (["calibrate", "--bound", "speed_scale=0.5:1_5"], "expected NAME=LOW:HIGH"),
    (["map", "--bbox", "118,45,1_19,46"], "--bbox must be W,S,E,N"),
    (["run", "x.yaml", "--seed", "\u0661\u0660"], "argument --seed: expected a whole number"),
])
def test_a_number_with_underscores_or_other_digits_is_refused(tmp_path, capsys, argv, words):
    """Python's float('1_0') is 10: `--set speed_scale=1_0` (a slip for 1.0) ran every army at
    ten times the speed; Arabic-Indic digits were read too. Numbers on the command line are
    ASCII decimal notation."""
    from logistics.cli import main

    out = tmp_path / ("o.png" if argv[0] == "map" else "o")
    assert main([*argv, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert words in err, err
    assert not out.exists()


def test_number_of_reads_decimal_notation_only():
    from logistics.cli import number_of

    assert number_of(" 1.5e3 ") == 1500.0 and number_of("-.5") == -0.5
    assert number_of("12", whole=True) == 12
    assert number_of("nan") != number_of("nan")  # a word the ranges refuse by name
    for text in ("1_0", "0x10", "1,5", "", "1e", "\u0661", "1.5"):
        with pytest.raises(ValueError):
            number_of(text, whole=text == "1.5")


def test_a_map_resolution_with_no_map_is_refused(tmp_path, capsys, monkeypatch):
    """--map-resolution-m with --no-map was never read: the comparison ran without a word."""
    import logistics.history.compare as history_compare
    from logistics.cli import main

    def never(*args, **kwargs):
        raise AssertionError("the axes were run before the options were checked")

    monkeypatch.setattr(history_compare, "compare", never)
    assert main(["compare", "--no-map", "--map-resolution-m", "5000", "--workers", "0",
                 "--out", str(tmp_path / "c")]) == 2
    err = capsys.readouterr().err
    assert "--map-resolution-m 5000 with --no-map" in err and "never read" in err, err


@pytest.mark.parametrize("params, words", [
    ("bogus", "unknown calibration parameter 'bogus'"),
    ("speed_scal", "did you mean 'speed_scale'"),
    (",", "names no parameter"),
])
def test_calibrate_params_are_checked_before_the_armies_load(tmp_path, capsys, monkeypatch,
                                                            params, words):
    """--params bogus was refused only after every army had loaded and the dask cluster had
    started (over 30 s on a busy machine)."""
    import logistics.history.inputs as inputs
    from logistics.cli import main

    def never(*args, **kwargs):
        raise AssertionError("the inputs were loaded before --params was checked")

    monkeypatch.setattr(inputs, "load_inputs", never)
    assert main(["calibrate", "--params", params, "--workers", "0",
                 "--out", str(tmp_path / "c")]) == 2
    err = capsys.readouterr().err
    assert words in err and "fix" in err, err


def test_sample_beyond_memory_is_refused_before_its_terrain_step(capsys, monkeypatch):
    """`sample Harbin --resolution-m 1` was refused inside its terrain step, after its progress
    had said the work began (the corpus's `late`)."""
    from logistics.cli import main
    from logistics.terrain import sample

    def never(*args, **kwargs):
        raise AssertionError("the terrain step began before the grid's size was checked")

    monkeypatch.setattr(sample, "point_terrain", never)
    assert main(["sample", "Harbin", "--resolution-m", "1"]) == 2
    err = capsys.readouterr().err
    assert "exceed the in-memory limit" in err and "--resolution-m 20 or coarser" in err, err
