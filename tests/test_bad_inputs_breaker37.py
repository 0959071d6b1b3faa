"""Bad inputs found from outside by helper "breaker37": breaker36's leftovers (a payload no truck
carries, ``bench --sizes 1_000_000``, ``run one.yaml --workers 2``) and what a hostile user tried
next. Each was taken without a word on main; each is now one error naming the file or option,
the key, the value and the fix, before any work.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import army_refused, file_refused, write_army_yaml
from logistics import settings
from logistics.cli import main
from logistics.errors import ConfigError


def _shipped(name: str) -> dict:
    return yaml.safe_load((Path(settings.SHIPPED_CONFIG_DIR) / name).read_text(encoding="utf-8"))


def _fig(value) -> dict:
    return {"value": value, "assumed": "test"}


# --- a supply truck's payload_l against its vehicle's rated load -------------------------------

def test_a_payload_no_truck_carries_is_refused_naming_both_figures(tmp_path):
    """payload_l: 100000 on a 3 t ZIS-5 (83.2 t of fuel at the diesel density of "any") ran:
    refused at load, naming the fuel's mass, the rated payload, its file and the most it may
    carry (2 x 3 t / 0.832 kg/L = 7,212 L)."""
    d = _shipped("tbf-36a.yaml")
    assert d["supply"]["trucks"][0]["vehicle"] == "zis-5"
    d["supply"]["trucks"][0]["payload_l"] = _fig(100_000)
    army_refused(tmp_path, d, "supply.trucks.0.payload_l", "100000 L", "83.2 t",
                 "payload_t 3 t", "zis-5.yaml", "at most 7,212 L")


def test_a_payload_of_petrol_is_weighed_at_its_own_density(tmp_path):
    """The bound is the fuel's mass: 8,000 L of petrol (0.74 kg/L) weigh 5.9 t, within twice a
    ZIS-5's 3 t, and are taken; 8,000 L of diesel (6.7 t) are not."""
    from logistics.army.load import load_army

    d = _shipped("tbf-36a.yaml")
    d["supply"]["trucks"][0].update(payload_l=_fig(8_000), fuel_type="petrol")
    assert load_army(write_army_yaml(tmp_path, d)).supply.trucks[0].payload_l.value == 8_000
    d["supply"]["trucks"][0]["fuel_type"] = "diesel"
    army_refused(tmp_path, d, "supply.trucks.0.payload_l", "6.7 t")


def test_a_tanker_payload_over_twice_its_tank_is_refused(tmp_path):
    """A BZ-43 tanker (no payload_t; a 3,000 L tank) told to carry 7,000 L: its rated load is
    its tank's fuel."""
    d = _shipped("tbf-36a.yaml")
    d["supply"]["trucks"][0].update(vehicle="bz-43", payload_l=_fig(7_000))
    army_refused(tmp_path, d, "supply.trucks.0.payload_l", "cargo_fuel_l 3000 L",
                 "at most 6,000 L")


# --- the command line ---------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["1_000_000", "1e5,1_0000", "\u0661\u0660\u0660\u0660\u0660"])
def test_bench_sizes_are_read_by_the_one_strict_number_reader(text):
    """float('1_000_000') is 1e6: a slip of digit groups (or other scripts' digits) was timed."""
    from logistics.cost.bench import parse_sizes

    with pytest.raises(ConfigError, match="decimal notation"):
        parse_sizes(text)
    assert parse_sizes("1e5,1000000") == [100_000, 1_000_000]


def test_workers_for_one_army_file_is_refused_before_any_work(tmp_path, capsys):
    """``run one.yaml --workers 2`` ran in this process without a word (the workers run a
    folder's armies, one each); refused, as for a folder of one army, before anything is
    written; --workers 0 (this process, what happens) is taken."""
    army = write_army_yaml(tmp_path, _shipped("tbf-36a.yaml"), "one.yaml")
    out = tmp_path / "o"
    assert main(["run", str(army), "--workers", "2", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("logistics run: error: --workers 2") and "one.yaml" in err
    assert "fix: leave out --workers" in err and err.count("\n") == 1
    assert not out.exists()
    folder = tmp_path / "one-army"
    folder.mkdir()
    (folder / "one.yaml").write_bytes(army.read_bytes())
    assert main(["run", str(folder), "--workers", "1", "--out", str(out)]) == 2
    assert "fix: leave out --workers" in capsys.readouterr().err and not out.exists()


@pytest.mark.parametrize("var, value", [("LOGISTICS_N_WORKERS", "1_0"),
                                        ("LOGISTICS_CHUNK_CELLS", "2_048"),
                                        ("LOGISTICS_RESOLUTION_M", "1_000"),
                                        ("LOGISTICS_N_WORKERS", "\u0662")])
def test_environment_numbers_are_read_by_the_one_strict_number_reader(var, value):
    """LOGISTICS_N_WORKERS=1_0 was ten workers (int() takes digit groups): refused by name."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOGISTICS_")}
    env[var] = value
    code = ("from logistics import settings\nfrom logistics.errors import ConfigError\n"
            "try:\n    settings.check()\nexcept ConfigError as e:\n    print(e)\n")
    res = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, timeout=120)
    assert f"environment variable {var}={value!r}" in res.stdout, res.stdout + res.stderr


@pytest.mark.parametrize("text", ["\u0664\u0669,119.7", "49.2,\u0661\u0661\u0669.7",
                                  "\uff14\uff19,119.7"])
def test_a_coordinate_in_other_scripts_digits_is_no_place(text):
    """``sample ٤٩,119.7`` sampled 49 N 119.7 E: ``\\d`` matched Arabic-Indic (and full-width)
    digits and float() read them; the rest of the command line refuses them."""
    from logistics.errors import UnknownNameError
    from logistics.places import lookup

    with pytest.raises(UnknownNameError, match="unknown place"):
        lookup(text)
    assert lookup("49.2,119.7").lat == 49.2


# --- the configs folder's files the terrain reads -----------------------------------------------

@pytest.mark.parametrize("damage", ["truncated", "empty"])
def test_a_damaged_railway_file_of_the_configs_is_refused_before_the_work(tmp_path, damage):
    """A truncated (or empty) network/railways-1945.osm of a user's configs folder was refused
    only in the terrain step, after the progress had said the checks were done (the corpus's
    ``late``); now by the checks before it: ``started`` is never called."""
    import shutil

    from logistics.army.load import load_army
    from logistics.cli.run import RunOptions, run_army
    from logistics.errors import DataError

    shipped = Path(settings.SHIPPED_CONFIG_DIR)
    d = tmp_path / "configs"
    shutil.copytree(shipped, d, ignore=shutil.ignore_patterns("*.png", "*.md"))
    osm = d / "network" / "railways-1945.osm"
    osm.write_bytes(osm.read_bytes()[:30_000] if damage == "truncated" else b"")
    sc = load_army(d / "tbf-39a.yaml", config_dir=d)
    began = []
    with pytest.raises(DataError, match="railways-1945.osm"):
        run_army(sc, RunOptions(resolution_m=20_000), started=lambda: began.append(1))
    assert not began


# --- one-line labels -----------------------------------------------------------------------------

@pytest.mark.parametrize("where, text", [
    ("name", "39th Army\nINJECTED: a line of its own"),
    ("name", "39th \u202eymrA"),
    ("front", "Transbaikal\r\nFront"),
    ("formation name", "39th Army forward\u200bdetachment"),
])
def test_a_name_with_a_line_end_or_a_format_character_is_refused(tmp_path, where, text):
    """An army's name with a line end ran (report.md's heading split in two, the summary line
    too), so did one with U+202E (shown reversed: 'Army 39th'); a control character was
    refused already (breaker35), these are not control characters."""
    d = _shipped("tbf-39a.yaml")
    if where == "formation name":
        d["formations"][0]["name"] = text
    else:
        d[where] = text
    army_refused(tmp_path, d, "one line of visible text", repr(next(
        c for c in text if c in "\r\n\u202e\u200b")))


# --- vehicle files --------------------------------------------------------------------------------

def _vehicle_refused(tmp_path, name: str, edit, *words: str) -> str:
    """The ConfigError of loading the vehicle file ``name`` after ``edit`` (of its data)."""
    from logistics.vehicles import load_vehicle_file

    d = yaml.safe_load((Path(settings.SHIPPED_CONFIG_DIR) / "vehicles" / name)
                       .read_text(encoding="utf-8"))
    edit(d)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(d, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return file_refused(load_vehicle_file, path, *words)


@pytest.mark.parametrize("edit, words", [
    (lambda d: d.update(name="T-34\n85"), ("name:", "one visible line")),
    (lambda d: d.update(name="T-34\u202e58"), ("name:", "'\\u202e'")),
    (lambda d: d["aliases"].append(""), ("aliases[4]", "not blank")),
])
def test_a_vehicle_name_or_alias_is_one_visible_line(tmp_path, edit, words):
    _vehicle_refused(tmp_path, "t-34-85.yaml", edit, *words)


def test_a_payload_heavier_than_the_loaded_truck_is_refused(tmp_path):
    """payload_t: 90 on a ZIS-5 whose loaded mass is 6.1 t was taken (and with it 121,622 L a
    truck, the column's default load)."""
    _vehicle_refused(tmp_path, "zis-5.yaml", lambda d: d["payload_t"].update(value=90),
                     "payload_t.value", "below mass_t 6.1 t")


def test_a_tanker_whose_fuel_outweighs_it_is_refused(tmp_path):
    """cargo_fuel_l: 49000 on the 6.1 t BZ-43: 36.3 t of fuel at the lightest density."""
    _vehicle_refused(tmp_path, "bz-43.yaml", lambda d: d["cargo_fuel_l"].update(value=49_000),
                     "cargo_fuel_l.value", "36.3 t")
