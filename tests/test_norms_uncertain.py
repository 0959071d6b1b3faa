"""The ``uncertain:`` sections of the norms files and the fortified layer's ``generic_extent``
are checked where the files are read: nothing used them, so a bad value passed silently.

Each ``uncertain:`` entry names a figure of its own file by its dotted key path and gives the
range it may take, ``{low, high, cite|assumed}`` (the shape every shipped entry has): numbers,
``low <= high``, the figure's value inside. Every problem names the file, the key path, the
value and the fix.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from logistics import settings
from logistics.errors import ConfigError

def _refusal(load, folder: Path) -> str:
    """The message of the ConfigError ``load(folder)`` raises."""
    with pytest.raises(ConfigError) as err:
        load(folder)
    return str(err.value)


def _set(key: str, value):
    return lambda d: d["uncertain"].__setitem__(key, value)


_SPEED = "norms.tank_column.max_speed_kmh"  # value 6.6 in the shipped file
_CURRENT = "river.current_kmh"  # value 5
_MEN = "standards.rifle_division.men"  # value 11000

CASES = [
    ("march.yaml", _set(_SPEED, {"low": 30, "high": 6.6, "assumed": "x"}),
     (f"uncertain.{_SPEED}", "low 30 > high 6.6", "fix:")),
    ("march.yaml", _set(_SPEED, {"low": "slow", "high": 22.5, "assumed": "x"}),
     (f"uncertain.{_SPEED}.low", "'slow'", "fix: give low a number")),
    ("march.yaml", _set(_SPEED, {"low": 6.6, "high": True, "assumed": "x"}),
     (f"uncertain.{_SPEED}.high", "True", "fix:")),
    ("march.yaml", _set(_SPEED, {"low": 6.6, "high": float("inf"), "assumed": "x"}),
     (f"uncertain.{_SPEED}.high", "inf", "fix:")),
    ("march.yaml", _set(_SPEED, [6.6, 22.5]),
     (f"uncertain.{_SPEED}", "[6.6, 22.5]", "fix: write {low: <number>, high: <number>")),
    ("march.yaml", _set(_SPEED, {"low": 6.6, "assumed": "x"}),
     (f"uncertain.{_SPEED}.high", "missing", "fix:")),
    ("march.yaml", _set(_SPEED, {"low": 6.6, "high": 22.5}),  # no provenance
     (f"uncertain.{_SPEED}", "cite", "assumed")),
    ("march.yaml", _set(_SPEED, {"low": 6.6, "high": 22.5, "assumed": "x", "hihg": 3}),
     (f"uncertain.{_SPEED}.hihg", "fix:")),
    # the figure's own value must lie in its range (6.6 is not in [10, 20])
    ("march.yaml", _set(_SPEED, {"low": 10, "high": 20, "assumed": "x"}),
     (f"uncertain.{_SPEED}", "6.6", "[10, 20]", "fix:")),
    # a key that names no figure of the file (a typo) would never be drawn
    ("march.yaml", _set("norms.tank_colum.max_speed_kmh", {"low": 1, "high": 2, "assumed": "x"}),
     ("uncertain.norms.tank_colum.max_speed_kmh", "names no figure", "fix:")),
    # the figure itself deleted (its range left): the fix must not be only to drop the range
    # (review18: river.own_means.width_km removed said "remove the line")
    ("movement.yaml", lambda d: d["river"]["own_means"].pop("width_km"),
     ("uncertain.river.own_means.width_km", "names no figure", "missing",
      "fix: restore the figure river.own_means.width_km")),
    ("march.yaml", lambda d: d.update(uncertain=[1, 2]),
     ("uncertain", "expected a mapping", "fix:")),
    ("movement.yaml", _set(_CURRENT, {"low": 8, "high": 3, "cite": "[TYL-1977] x"}),
     (f"uncertain.{_CURRENT}", "low 8 > high 3", "fix:")),
    ("formations.yaml", _set(_MEN, {"low": 12000, "high": "many", "assumed": "x"}),
     (f"uncertain.{_MEN}.high", "'many'", "fix:")),
    ("formations.yaml", _set("standards.rifle_division.vehicles.9.count",
                             {"low": 1, "high": 2, "assumed": "x"}),
     ("uncertain.standards.rifle_division.vehicles.9.count", "names no figure")),
]


@pytest.mark.parametrize("name, change, fragments", CASES)
def test_a_bad_uncertain_range_names_file_key_value_and_fix(tmp_path, name, change, fragments,
                                                           norms_with):
    from logistics.army.norms import load_norms

    norms = norms_with(tmp_path, name, change)
    msg = _refusal(load_norms, tmp_path)
    assert [f for f in (str(norms / name), *fragments) if f not in msg] == [], msg


def test_the_movement_norms_reader_checks_its_uncertain_section_too(tmp_path, norms_with):
    """The rail and river moves read movement.yaml through load_means_norms alone."""
    from logistics.army.means_norms import load_means_norms

    norms = norms_with(tmp_path, "movement.yaml",
                        _set(_CURRENT, {"low": 8, "high": 3, "assumed": "x"}))
    msg = _refusal(load_means_norms, norms / "movement.yaml")
    assert f"uncertain.{_CURRENT}" in msg and "low 8 > high 3" in msg


def test_the_shipped_norms_and_an_absent_section_pass(tmp_path, norms_with):
    from logistics.army.norms import load_norms
    from logistics.army.means_norms import load_means_norms

    load_norms(settings.SHIPPED_CONFIG_DIR)
    load_means_norms(settings.SHIPPED_CONFIG_DIR / "norms" / "movement.yaml")
    norms = norms_with(tmp_path, "march.yaml", lambda d: d.pop("uncertain"))
    load_norms(tmp_path)
    assert (norms / "march.yaml").is_file()


def _fortified_with(tmp_path: Path, change) -> Path:
    data = yaml.safe_load((settings.SHIPPED_CONFIG_DIR / "fortified-regions.yaml").read_text(
        encoding="utf-8"))
    change(data)
    (tmp_path / "fortified-regions.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return tmp_path / "fortified-regions.yaml"


@pytest.mark.parametrize("change, fragments", [
    (lambda d: d["generic_extent"]["frontage_km"].update(value=-46.5),
     ("generic_extent.frontage_km", "-46.5", "fix:")),
    (lambda d: d["generic_extent"]["depth_km"].update(value="deep"),
     ("generic_extent.depth_km", "'deep'", "fix:")),
    (lambda d: d["generic_extent"]["depth_km"].pop("cite"),
     ("generic_extent.depth_km", "cite", "assumed")),
    (lambda d: d["generic_extent"].pop("frontage_km"),
     ("generic_extent.frontage_km", "missing", "fix:")),
    (lambda d: d.update(generic_extent=[46.5, 10.5]),
     ("generic_extent", "expected a mapping", "fix:")),
])
def test_a_bad_generic_extent_names_file_key_value_and_fix(tmp_path, change, fragments):
    from logistics.army.fortified import load_fortified

    path = _fortified_with(tmp_path, change)
    msg = _refusal(load_fortified, tmp_path)
    assert [f for f in (str(path), *fragments) if f not in msg] == [], msg
