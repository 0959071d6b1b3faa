"""The Khingan fuel question on the shipped DEM at a coarse grid (4 km): consistent, not tuned."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from logistics.cost.physics import build_cost_model, move_rates
from logistics.cost.solver import find_costs
from logistics.errors import ConfigError
from logistics.places import lookup
from logistics.terrain import cell_of, load_terrain, to_metric

# the study is a script of benchmarks/studies/, not part of the library: load it from its file
_STUDY = Path(__file__).resolve().parent.parent / "benchmarks" / "studies" / "khingan_fuel.py"
_spec = importlib.util.spec_from_file_location("khingan_fuel", _STUDY)
study = importlib.util.module_from_spec(_spec)
sys.modules["khingan_fuel"] = study  # dataclasses look their module up there
_spec.loader.exec_module(study)
BBOX, fuel_question_figure, khingan_fuel = study.BBOX, study.fuel_question_figure, study.khingan_fuel
relief_sensitivity, summary = study.relief_sensitivity, study.summary


@pytest.fixture(scope="module")
def terrain():
    return load_terrain(BBOX, resolution_m=4000.0)


@pytest.fixture(scope="module")
def tuquan(terrain):
    return khingan_fuel(destination="Tuquan", terrain=terrain)


def test_route_splits_into_steppe_then_range(tuquan):
    seg = tuquan.segments.set_index("segment")
    assert seg.km["steppe"] > 100 and seg.km["crossing"] > 10
    assert list(tuquan.steps.segment.drop_duplicates())[:2] == ["steppe", "crossing"]
    assert tuquan.steps.relief_m[tuquan.steps.segment == "steppe"].max() <= 300
    assert np.isclose(seg.km.sum(), tuquan.steps.cum_km.iloc[-1])


def test_route_is_priced_by_the_same_kernel_as_the_solver(terrain, tuquan):
    # the route is least-time in the dry season: its summed step times are the accumulated cost
    model = build_cost_model(terrain, "T-34-85", objective="time", season="dry")
    a, b = (cell_of(terrain, *map(float, to_metric(p.lon, p.lat)))
            for p in (lookup("Tamsag-Bulag"), lookup("Tuquan")))
    acc = find_costs(model, [a], stencil=16)
    assert tuquan.steps.time_s_dry.sum() == pytest.approx(acc.cost[b], rel=1e-9)


def test_steppe_approach_burns_about_the_documented_cross_country_rate(tuquan):
    # the approach is nearly level dry steppe: close to the level steppe rate (~3 L/km)
    level = float(move_rates("T-34-85", "steppe", 0.0)[1])
    assert tuquan.l_per_km("steppe", "dry") == pytest.approx(level, rel=0.15)


def test_wet_costs_more_everywhere_and_ratios_are_consistent(tuquan):
    for name in ("steppe", "crossing"):
        assert tuquan.l_per_km(name, "wet") > tuquan.l_per_km(name, "dry")
    assert tuquan.ratio("wet", "dry") > tuquan.ratio("dry", "dry") > 0
    table = summary([tuquan])
    assert table.ratio_dry[0] == pytest.approx(tuquan.ratio("dry", "dry"))


def test_relief_threshold_sensitivity_and_a_range_never_reached(tuquan):
    sens = relief_sensitivity(tuquan, (150.0, 200.0, 300.0))
    assert list(sens.crossing_km) == sorted(sens.crossing_km, reverse=True)
    with pytest.raises(ConfigError, match="crosses no range"):
        relief_sensitivity(tuquan, (1e6,))


def test_figure_is_written(tuquan, tmp_path):
    out = fuel_question_figure([tuquan], tmp_path / "k.png", map_resolution_m=8000.0)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_smooth_ground_is_priced_without_subgrid_relief(terrain, tuquan):
    smooth = khingan_fuel(destination="Tuquan", terrain=terrain, pitch_m=None)
    assert (smooth.steps.subgrid_grade == 0).all() and smooth.pitch_m is None
    assert (tuquan.steps.subgrid_grade > 0).any()
    lim = tuquan.limits_km("truck_limit_wet")
    assert set(lim) == set(study.LIMITS)
    assert sum(lim.values()) == pytest.approx(tuquan.segments.set_index("segment").km["crossing"])
    # relief below the grid never makes the same way faster (the pitches' mean time is at
    # least the time at their mean grade: Jensen, time per km is convex in the grade)
    from logistics.cost.route import evaluate_path

    cells = tuquan.steps[["row", "col"]].to_numpy()
    rough = evaluate_path(study.with_relief(terrain, 100.0), cells, "T-34-85").time_s.sum()
    flat = evaluate_path(study.with_relief(terrain, None), cells, "T-34-85").time_s.sum()
    assert rough >= flat * (1 - 1e-9)
    table = summary([tuquan, smooth])
    assert list(table.relief) == ["pitch 100 m", "smooth"]
