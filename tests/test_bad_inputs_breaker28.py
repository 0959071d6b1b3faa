"""Bad inputs left over by breaker27 (helper "breaker28"): each ends in one clear error.

A copy of the configs tree (``LOGISTICS_CONFIG_DIR``) whose ``norms/march.yaml`` misspelt a key
of a heat rule (``front:`` for ``fronts:``) ran the foot columns' night marches on every front;
a key of ``default_by_movement`` that is no movement (``fot:``, or the shipped ``mixed:``, which
no army file's ``movement`` can name) was never read. NaN or infinity in a figure no reader
bounds (a comparator, a fortified region's count of pillboxes, a railway way's gauge) was taken.
``network/network.yaml`` and ``sources.yaml`` took any top-level key (a misspelt section was
named only as its figures missing, or not at all). An override of an army figure outside its
``uncertain:`` range was run, where a norms figure's was refused and so is the same value
written in a copy of the army file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from logistics import settings
from logistics.errors import ConfigError

from tests.conftest import configs_refused as _refused
from tests.conftest import configs_tree_edited as _tree

SHIPPED = Path(settings.SHIPPED_CONFIG_DIR)




def _norms(d: Path):
    from logistics.army.norms import load_norms

    return load_norms(d)


# --- norms/march.yaml: a heat rule's keys, default_by_movement's keys -------------------------

@pytest.mark.parametrize("old, new, words", [
    ("      fronts: [Transbaikal Front]\n", "      front: [Transbaikal Front]\n",
     ("norms.foot_column.heat_rule.front", "did you mean 'fronts'", "march_start_hour")),
    ("      season: dry\n", "      seasons: dry\n",
     ("norms.foot_column.heat_rule.seasons", "did you mean 'season'")),
])
def test_a_heat_rules_misspelt_key_is_refused(tmp_path, old, new, words):
    d = _tree(tmp_path, "norms/march.yaml", old, new)
    _refused(_norms, d, "norms/march.yaml", *words)


@pytest.mark.parametrize("old, new, words", [
    # no army file's movement is `mixed` (a mixed column names its norm by march_norm:)
    ("  horse: horse_column\n", "  horse: horse_column\n  mixed: mixed_column\n",
     ("default_by_movement.mixed", "tank_riders", "truck_borne")),
    ("  foot: foot_column\n", "  fot: foot_column\n",
     ("default_by_movement.fot", "did you mean 'foot'")),
    # rail and river formations are carried: no march norm is read for them
    ("  horse: horse_column\n", "  horse: horse_column\n  rail: foot_column\n",
     ("default_by_movement.rail", "carried")),
])
def test_default_by_movement_names_movements_only(tmp_path, old, new, words):
    d = _tree(tmp_path, "norms/march.yaml", old, new)
    _refused(_norms, d, "norms/march.yaml", *words)


@pytest.mark.parametrize("mov, norm", [("foot", "foot_column"), ("motor", "motor_column")])
def test_the_defaults_every_run_reads_are_required(tmp_path, mov, norm):
    """Without `foot:` an army loaded, and its run failed after its terrain and routes with
    'no march norm None for movement 'foot'', naming no file (motor: the convoys' pace)."""
    d = _tree(tmp_path, "norms/march.yaml", f"  {mov}: {norm}\n", "")
    if mov == "motor":  # the dismount rule names motor too: drop it there first
        p = d / "norms" / "march.yaml"
        p.write_text(p.read_text(encoding="utf-8").replace(
            "  where_caps:\n    motor: [taiga_without_roads_kmh]\n", "", 1), encoding="utf-8")
    _refused(_norms, d, "norms/march.yaml", f"default_by_movement.{mov}: missing", norm)


def test_the_shipped_defaults_cover_every_marching_movement():
    """Every movement of the army files but rail and river has its default norm (the shipped
    file lost `mixed:` only, which named no movement)."""
    from typing import get_args

    from logistics.army.norms import load_norms
    from logistics.army.schema import MOVEMENTS

    assert set(load_norms(SHIPPED).default_norm) == set(get_args(MOVEMENTS)) - {"rail", "river"}


# --- NaN and infinity where no reader bounds the figure ---------------------------------------

def _fortified(d: Path):
    from logistics.army.fortified import load_fortified

    return load_fortified(d)


def _lines(d: Path):
    from logistics.network.params import load_lines

    return load_lines(config_dir=d)


@pytest.mark.parametrize("load, rel, old, new, words", [
    (_norms, "norms/march.yaml", "    big_halt_h:\n      value: 3\n",
     "    big_halt_h:\n      value: .nan\n", ("norms.horse_column.big_halt_h.value", "nan")),
    (_norms, "norms/movement.yaml", "  c47_payload_t:\n    value: 2.7\n",
     "  c47_payload_t:\n    value: .inf\n", ("airlift.c47_payload_t.value", "inf")),
    (_norms, "norms/formations.yaml", "  rifle_army_divisions:\n    value: 6\n",
     "  rifle_army_divisions:\n    value: -.inf\n", ("army_sizes.rifle_army_divisions.value",)),
    (_fortified, "fortified-regions.yaml", "    preparation_h:\n      value: 0\n",
     "    preparation_h:\n      value: .nan\n", ("rule.breakthrough.preparation_h.value",)),
    (_lines, "network/lines-1945.yaml", "      gauge_mm: 1520\n", "      gauge_mm: 1e400\n",
     ("R02.ways.border.gauge_mm", "inf")),
])
def test_a_figure_no_reader_bounds_is_refused_when_not_finite(tmp_path, load, rel, old, new,
                                                              words):
    d = _tree(tmp_path, rel, old, new)
    _refused(load, d, rel, "not a finite number", *words)


# --- network.yaml and sources.yaml: their top-level keys --------------------------------------

def _params(d: Path):
    from logistics.network.params import load_params

    return load_params(config_dir=d)


def _sources(d: Path):
    from logistics.sources import load_bibliography

    return load_bibliography(config_dir=d)


@pytest.mark.parametrize("load, rel, old, new, words", [
    (_params, "network/network.yaml", "\ntracing:\n", "\ntracing:\n  stencl: 8\n",
     ("tracing.stencl", "did you mean 'stencil'")),
    (_params, "network/network.yaml", "\ntracing:\n", "\nnotes: [a]\ntracing:\n",
     ("network.yaml: notes", "access, rail, road, tracing")),
    (_sources, "sources.yaml", "\npointers:\n", "\npointer:\n  x: {keys: []}\npointers:\n",
     ("sources.yaml: pointer", "did you mean 'pointers'", "tokens")),
])
def test_unknown_top_level_keys_are_refused(tmp_path, load, rel, old, new, words):
    d = _tree(tmp_path, rel, old, new)
    _refused(load, d, rel, *words)


def test_the_shipped_network_and_sources_files_load():
    from logistics.network.params import load_params
    from logistics.sources import load_bibliography

    assert load_params(config_dir=SHIPPED).rail_speed_kmh > 0
    assert load_bibliography(config_dir=SHIPPED).sources


# --- an override outside its uncertain: range ------------------------------------------------

def test_an_army_figure_override_outside_its_range_is_refused_as_a_norms_figures():
    """tbf-36a.yaml ranges fuel.reserve_reach_km over [50, 200]: 400 was run, while a norms
    figure beyond its range and the same 400 written in a copy of the file are refused."""
    import logistics
    from logistics.army.overrides import override_problem

    army = logistics.load_scenario(SHIPPED / "tbf-36a.yaml")
    assert override_problem(army, {"fuel.reserve_reach_km": 150}) is None
    why = override_problem(army, {"fuel.reserve_reach_km": 400})
    assert why is not None
    for w in ("fuel.reserve_reach_km", "400", "[50, 200]", "widen the range"):
        assert w in why, why
    with pytest.raises(ConfigError) as err:  # before any loading of terrain
        logistics.run(army, overrides={"fuel.reserve_reach_km": 400})
    assert "lies outside its range [50, 200]" in str(err.value)
    # the norms figure's refusal, for the same shape of words
    with pytest.raises(ConfigError) as err:
        logistics.run(army, overrides={"norms/march:norms.tank_column.max_speed_kmh": 30})
    assert "lies outside its range [6.6, 22.5]" in str(err.value)


def test_a_figure_without_a_range_still_takes_any_value_the_schema_allows():
    import logistics
    from logistics.army.overrides import override_problem

    army = logistics.load_scenario(SHIPPED / "tbf-36a.yaml")
    assert "supply.trucks.0.unload_h" not in army.uncertain
    assert override_problem(army, {"supply.trucks.0.unload_h": 7}) is None
    # the README's what-if (twice the trucks) lies inside the range [30, 300]
    assert override_problem(army, {"supply.trucks.0.count": 200}) is None


# --- the Python API's options (hunt) ---------------------------------------------------------

@pytest.fixture(scope="module")
def small_terrain():
    import logistics

    return logistics.load_terrain((119.5, 46.5, 120.5, 47.0), resolution_m=25000)


@pytest.mark.parametrize("kwargs, words", [
    # 14.6 TiB asked for (a MemoryError); a finer step took GBs and minutes
    ({"grade_step": 1e-12}, ("grade_step=1e-12", "at most 5,000", "fix: grade_step >= 0.0002")),
    ({"grade_step": "0.01"}, ("'0.01'", "fix:")),  # a TypeError
    # a walking function it has not, for a tank: taken
    ({"walking": "naismith"}, ("walking", "'naismith'", "tobler")),
])
def test_a_cost_models_options_are_checked(small_terrain, kwargs, words):
    import logistics

    with pytest.raises(ConfigError) as err:
        logistics.build_cost_model(small_terrain, "t-34-85", **kwargs)
    for w in words:
        assert w in str(err.value), str(err.value)


def test_accumulate_takes_reverse_as_true_or_false_only(small_terrain):
    """reverse="no" is True to bool(): the costs were solved towards the source, unasked."""
    import logistics

    model = logistics.build_cost_model(small_terrain, "t-34-85")
    with pytest.raises(ConfigError, match="reverse must be True or False, got 'no'"):
        logistics.accumulate(model, [(0, 0)], reverse="no")
    assert logistics.accumulate(model, [(0, 0)], reverse=False).cost[0, 0] == 0


@pytest.mark.parametrize("kwargs, words", [
    ({"railways": "no"}, ("railways must be True or False", "'no'")),  # drew the railways
    ({"classes_2019": 1}, ("classes_2019 must be True or False",)),
    ({"wetland_rule": None}, ("wetland_rule must be a WetlandRule", "NoneType")),  # AttributeError
    ({"landcover_1945": "off"}, ("landcover_1945 must be a Landcover1945", "Landcover1945.off()")),
    ({"corridor": "Hailar"}, ("corridor points must be (lon, lat) pairs",)),  # ValueError
    ({"corridor": [(119.6, 46.6), (120.4, 46.9)], "corridor_width_km": "60"},
     ("corridor width_km must be a positive number", "'60'")),  # TypeError
])
def test_load_terrains_options_are_checked(kwargs, words):
    import logistics
    from logistics.errors import LogisticsError

    with pytest.raises(LogisticsError) as err:
        logistics.load_terrain((119.5, 46.5, 120.5, 47.0), resolution_m=25000, **kwargs)
    for w in words:
        assert w in str(err.value), str(err.value)


def test_compare_refuses_a_map_resolution_it_cannot_draw_before_any_run(tmp_path, monkeypatch,
                                                                       capsys):
    """`compare --map-resolution-m 1` ran every axis (1.5 min), then failed writing map.png
    (naming --resolution-m): refused first, with the finest that fits, or --no-map."""
    import logistics.history.compare as history_compare
    from logistics.cli import main

    def never(*args, **kwargs):
        raise AssertionError("the axes were run before --map-resolution-m was checked")

    monkeypatch.setattr(history_compare, "compare", never)
    assert main(["compare", "--map-resolution-m", "1", "--workers", "0",
                 "--out", str(tmp_path / "c")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("logistics compare: error: --map-resolution-m 1:"), err
    assert "or coarser" in err and "--no-map" in err, err
    assert not (tmp_path / "c").exists()


@pytest.mark.parametrize("pair", [(True, 46.6), ("121.24", "46.62")])
def test_a_place_pair_is_of_numbers(pair):
    """(True, 46.6) was lon 1 (refused as outside the theatre, a puzzle); ("121.24", "46.62")
    was taken as read: a pair is of numbers, 'LAT,LON' the text form."""
    import numpy as np

    from logistics.places import resolve

    with pytest.raises(ConfigError, match="a place is a name, 'LAT,LON' or a \\(lon, lat\\) pair"):
        resolve(pair)
    assert resolve((np.float32(121.24), np.int64(46))).lat == 46.0
