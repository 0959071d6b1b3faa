"""Army files (``configs/<axis>.yaml``, what users write): the shipped ones load, every figure
has provenance, a bad file gives one error listing every problem, overrides and Monte Carlo
draws behave."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from logistics import settings
from logistics.army.load import (
    GLOBAL_OVERRIDES,
    apply_army_overrides,
    army_figure_paths,
    army_paths,
    check_army,
    load_army,
    sample_army_overrides,
    validate_army,
)
from logistics.errors import ConfigError

CONFIGS = army_paths(settings.CONFIG_DIR)
AXES = {"TBF-6GTA", "TBF-39A", "TBF-36A", "TBF-17A", "TBF-CMG", "1FEF-1RBA", "1FEF-5A",
        "1FEF-25A", "1FEF-35A", "2FEF-15A", "2FEF-5RC", "2FEF-2RBA"}


@pytest.fixture(scope="module")
def gta() -> dict:
    return yaml.safe_load((settings.CONFIG_DIR / "tbf-6gta.yaml").read_text(encoding="utf-8"))


def _validate(data: dict):
    army = validate_army(data, source="bad.yaml")
    check_army(army)
    return army


def test_every_shipped_army_file_loads_and_the_twelve_axes_are_there():
    loaded = [load_army(p) for p in CONFIGS]
    # one army file per axis
    assert sorted(a.axis_id for a in loaded) == sorted(AXES)
    for a in loaded:
        assert a.sha256 and a.source.endswith(".yaml")
        paths = army_figure_paths(a)
        for path, fig in paths.items():
            assert bool(fig.cite) != bool(fig.assumed), path
        for key in a.uncertain:
            assert key in paths or key in GLOBAL_OVERRIDES


def test_a_figure_without_provenance_is_refused(gta):
    bad = copy.deepcopy(gta)
    del bad["fuel"]["in_tanks_refills"]["cite"]
    with pytest.raises(ConfigError, match=r"bad\.yaml: fuel\.in_tanks_refills: .*cite.*assumed"):
        _validate(bad)
    both = copy.deepcopy(gta)
    both["fuel"]["in_tanks_refills"]["assumed"] = "somewhere"
    with pytest.raises(ConfigError, match="both were given"):
        _validate(both)


def test_several_mistakes_give_one_error_listing_them_all(gta):
    bad = copy.deepcopy(gta)
    bad["formations"][1]["colour"] = "red"  # unknown key
    del bad["fuel"]["carried_refills"]  # missing key
    bad["supply"]["trucks"][0]["load_h"]["value"] = "forty"  # not a number
    objectives = copy.deepcopy(bad["formations"][1]["objectives"])  # YAML anchors share lists
    objectives[1] = {"place": "Tongliaoo", "assumed": "x"}  # near match
    bad["formations"][1]["objectives"] = objectives
    with pytest.raises(ConfigError) as exc:
        _validate(bad)
    msg = str(exc.value)
    assert "4 problem(s)" in msg
    for expected in (
        "bad.yaml: formations.1 (5gtc).colour: Extra inputs are not permitted (got 'red')",
        "bad.yaml: fuel.carried_refills: Field required; fix: add this key",
        "bad.yaml: supply.trucks.0.load_h.value",
        "unknown place 'Tongliaoo'; did you mean 'Tongliao'",
    ):
        assert expected in msg, expected
    assert msg.count("fix:") == 4


@pytest.mark.parametrize("edit, expected", [
    (lambda b: b["supply"]["trucks"][0]["driving_hours_per_day"].update(value=30),
     "driving_hours_per_day must be <= 24, got 30"),
    (lambda b: b["supply"]["trucks"][0]["until"].update(value="1945-08-01T00:00"),
     "until (1945-08-01 00:00:00) must be after start"),
    (lambda b: b["seasons"][1]["start"].update(value="1945-08-08T00:00"),
     "seasons must be in date order"),
    (lambda b: b["end"].update(value="1945-08-01"), "end (1945-08-01 00:00:00) must be after "
                                                    "h_hour"),
])
def test_out_of_range_values_and_date_order(gta, edit, expected):
    bad = copy.deepcopy(gta)
    edit(bad)
    with pytest.raises(ConfigError) as exc:
        _validate(bad)
    assert expected in str(exc.value) and "bad.yaml" in str(exc.value)


def test_unknown_uncertain_key_suggests_the_figure(gta):
    bad = copy.deepcopy(gta)
    bad["uncertain"]["fuel.carried_refill"] = {"low": 1, "high": 2, "assumed": "x"}
    with pytest.raises(ConfigError, match="did you mean 'fuel.carried_refills'"):
        _validate(bad)


def test_files_that_are_not_army_files(tmp_path: Path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_army(tmp_path / "nope.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("axis_id: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_army(broken)
    listy = tmp_path / "list.yaml"
    listy.write_text("- a\n- b\n")
    with pytest.raises(ConfigError, match="expected a mapping"):
        load_army(listy)


def test_overrides_global_and_per_figure():
    army = load_army(settings.CONFIG_DIR / "tbf-6gta.yaml")
    new, scales = apply_army_overrides(army, {"speed_scale": 1.2, "march_hours_per_day": 10,
                                              "fuel.carried_refills": 2.5})
    assert scales["speed_scale"] == 1.2 and scales["fuel_scale"] == 1.0
    assert scales["march_hours_per_day"] == 10
    assert new.fuel.carried_refills.value == 2.5
    assert "override" in new.fuel.carried_refills.assumed
    assert army.fuel.carried_refills.value == 1.0  # the original is untouched
    assert new.sha256 == army.sha256
    with pytest.raises(ConfigError, match="did you mean 'speed_scale'"):
        apply_army_overrides(army, {"speed_scal": 1.0})
    with pytest.raises(ConfigError, match=r"fuel_scale must be a number in \[0.05, 20\]"):
        apply_army_overrides(army, {"fuel_scale": -1})
    with pytest.raises(ConfigError, match=r"march_hours_per_day must be a number in \(0, 24\]"):
        apply_army_overrides(army, {"march_hours_per_day": 30})
    _, scales = apply_army_overrides(army, {"march_hours_scale": 0.75})
    assert scales["march_hours_scale"] == 0.75 and "march_hours_per_day" not in scales
    with pytest.raises(ConfigError, match=r"march_hours_scale must be a number in \[0.05, 20\]"):
        apply_army_overrides(army, {"march_hours_scale": 0})


def test_monte_carlo_draws_are_seeded_and_inside_the_ranges():
    army = load_army(settings.CONFIG_DIR / "tbf-6gta.yaml")
    a, b = sample_army_overrides(army, 3), sample_army_overrides(army, 3)
    assert a == b and a != sample_army_overrides(army, 4)
    assert set(a) == set(army.uncertain)
    for key, value in a.items():
        assert army.uncertain[key].low <= value <= army.uncertain[key].high
    apply_army_overrides(army, a)  # every draw is a valid override


def test_a_loaded_army_pickles_for_dask_workers():
    import pickle

    army = load_army(settings.CONFIG_DIR / "tbf-6gta.yaml")
    back = pickle.loads(pickle.dumps(army))
    assert back == army and back.sha256 == army.sha256 and back.source == army.source
