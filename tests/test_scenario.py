"""Scenario configs: the shipped ones load, every figure has provenance, a bad file gives one
error listing every problem, overrides and Monte Carlo draws behave."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from logistics import settings
from logistics.errors import ConfigError
from logistics.scenario import (
    GLOBAL_OVERRIDES,
    apply_overrides,
    figure_paths,
    load_scenario,
    sample_overrides,
    scenario_paths,
    validate_scenario,
)

CONFIGS = scenario_paths(settings.CONFIG_DIR)
AXES = {"TBF-6GTA", "TBF-39A", "TBF-36A", "TBF-17A", "TBF-CMG", "1FEF-1RBA", "1FEF-5A",
        "1FEF-25A", "1FEF-35A", "2FEF-15A", "2FEF-5RC", "2FEF-2RBA"}


@pytest.fixture(scope="module")
def gta() -> dict:
    return yaml.safe_load((settings.CONFIG_DIR / "tbf-6gta.yaml").read_text(encoding="utf-8"))


def test_every_shipped_config_loads_and_the_twelve_axes_are_there():
    loaded = [load_scenario(p) for p in CONFIGS]
    assert {sc.axis_id for sc in loaded} == AXES
    # one main scenario per axis; at most one mobile-echelon scenario beside it
    assert sorted(sc.axis_id for sc in loaded if sc.echelon == "main") == sorted(AXES)
    mobile = [sc.axis_id for sc in loaded if sc.echelon == "mobile"]
    assert len(mobile) == len(set(mobile))
    for sc in loaded:
        assert sc.sha256 and sc.source.endswith(".yaml")
        for path, fig in figure_paths(sc).items():
            assert bool(fig.cite) != bool(fig.assumed), path
        for key in sc.uncertain:
            assert key in figure_paths(sc) or key in GLOBAL_OVERRIDES


def test_a_figure_without_provenance_is_refused(gta):
    bad = copy.deepcopy(gta)
    del bad["formation"]["groups"][0]["count"]["assumed"]
    with pytest.raises(ConfigError, match=r"formation\.groups\.0\.count.*cite.*assumed"):
        validate_scenario(bad, source="x.yaml")
    both = copy.deepcopy(gta)
    both["formation"]["march"]["hours_per_day"]["cite"] = "somewhere"
    with pytest.raises(ConfigError, match="both were given"):
        validate_scenario(both, source="x.yaml")


def test_several_mistakes_give_one_error_listing_them_all(gta):
    bad = copy.deepcopy(gta)
    bad["formation"]["groups"][0]["vehicle"] = "t34-85"  # near match t-34-85
    bad["objectives"][1]["place"] = "Tongliaoo"  # near match Tongliao
    bad["end"]["value"] = "1945-08-01"  # before H-hour
    bad["formation"]["colour"] = "red"  # unknown key
    del bad["formation"]["fuel"]["carried_refills"]  # missing key
    bad["formation"]["column"]["gap_m"]["value"] = "forty"  # not a number
    with pytest.raises(ConfigError) as exc:
        validate_scenario(bad, source="bad.yaml")
    msg = str(exc.value)
    assert "6 problem(s)" in msg
    for expected in (
        "bad.yaml: formation.groups.0.vehicle: unknown vehicle 't34-85'; did you mean 't-34-85'",
        "objectives.1: unknown place 'Tongliaoo'; did you mean 'Tongliao'",
        "end (1945-08-01 00:00:00) must be after start.time",
        "formation.colour: Extra inputs are not permitted",
        "formation.fuel.carried_refills: Field required; fix: add this key",
        "formation.column.gap_m.value",
    ):
        assert expected in msg, expected
    assert msg.count("fix:") == 6


def test_out_of_range_values_and_date_order(gta):
    bad = copy.deepcopy(gta)
    bad["formation"]["march"]["hours_per_day"]["value"] = 30
    bad["seasons"][1]["start"]["value"] = "1945-08-08T00:00"
    bad["supply"]["trucks"][0]["until"]["value"] = "1945-08-01T00:00"
    with pytest.raises(ConfigError) as exc:
        validate_scenario(bad, source="bad.yaml")
    msg = str(exc.value)
    assert "hours_per_day must be <= 24, got 30" in msg
    assert "seasons must be in date order" in msg
    assert "until (1945-08-01 00:00:00) must be after start" in msg


def test_unknown_uncertain_key_suggests_the_figure(gta):
    bad = copy.deepcopy(gta)
    bad["uncertain"]["formation.fuel.carried_refill"] = {"low": 1, "high": 2, "assumed": "x"}
    with pytest.raises(ConfigError, match="did you mean 'formation.fuel.carried_refills'"):
        validate_scenario(bad, source="x.yaml")


def test_files_that_are_not_scenarios(tmp_path: Path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_scenario(tmp_path / "nope.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("axis_id: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_scenario(broken)
    listy = tmp_path / "list.yaml"
    listy.write_text("- a\n- b\n")
    with pytest.raises(ConfigError, match="expected a mapping"):
        load_scenario(listy)


def test_overrides_global_and_per_figure():
    sc = load_scenario(settings.CONFIG_DIR / "tbf-6gta.yaml")
    new, scales = apply_overrides(sc, {"speed_scale": 1.2, "march_hours_per_day": 10,
                                       "formation.fuel.carried_refills": 2.5})
    assert scales == {"speed_scale": 1.2, "fuel_scale": 1.0}
    assert new.formation.march.hours_per_day.value == 10
    assert new.formation.fuel.carried_refills.value == 2.5
    assert "override" in new.formation.fuel.carried_refills.assumed
    assert sc.formation.march.hours_per_day.value == 16  # the original is untouched
    assert new.sha256 == sc.sha256
    with pytest.raises(ConfigError, match="did you mean 'speed_scale'"):
        apply_overrides(sc, {"speed_scal": 1.0})
    with pytest.raises(ConfigError, match="positive number"):
        apply_overrides(sc, {"fuel_scale": -1})
    with pytest.raises(ConfigError, match="hours_per_day must be <= 24"):
        apply_overrides(sc, {"march_hours_per_day": 30})


def test_monte_carlo_draws_are_seeded_and_inside_the_ranges():
    sc = load_scenario(settings.CONFIG_DIR / "tbf-6gta.yaml")
    a, b = sample_overrides(sc, 3), sample_overrides(sc, 3)
    assert a == b and a != sample_overrides(sc, 4)
    assert set(a) == set(sc.uncertain)
    for key, value in a.items():
        assert sc.uncertain[key].low <= value <= sc.uncertain[key].high
    apply_overrides(sc, a)  # every draw is a valid override


def test_a_loaded_scenario_pickles_for_dask_workers():
    import pickle

    sc = load_scenario(settings.CONFIG_DIR / "tbf-6gta.yaml")
    back = pickle.loads(pickle.dumps(sc))
    assert back == sc and back.sha256 == sc.sha256 and back.source == sc.source
