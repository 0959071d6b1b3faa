"""Sub-grid relief: the terrain's estimate (known answers) and how the physics prices it."""

from __future__ import annotations

import math

import numpy as np
import pytest
import xarray as xr

from logistics.cost import physics
from logistics.cost.kernel import edge_costs
from logistics.cost.physics import (
    N_CODES,
    SUBGRID_STEP,
    build_cost_model,
    move_rates,
    subgrid_bins,
)
from logistics.terrain.classes import TerrainClass
from logistics.terrain.derive import derive_surface, subgrid_factor


# ---------------------------------------------------------------------------------- terrain


@pytest.mark.parametrize("cell_m", [500.0, 1000.0, 4000.0])
def test_a_plane_has_no_subgrid_relief(cell_m):
    z = 300 + 0.07 * np.arange(9) * cell_m - 0.03 * np.arange(8)[:, None] * cell_m
    out = derive_surface(xr.DataArray(z, dims=("y", "x")), dx=cell_m)
    np.testing.assert_allclose(out.subgrid_grade.values, 0.0, atol=1e-6)


def test_subgrid_grade_of_a_checkerboard_by_hand():
    # +-h on a 1 km grid: the window's plane is flat, the 4 edge neighbours differ by 2h over
    # L, the 4 diagonal ones by 0: RMS grade about the plane sqrt((4 (2h/L)^2) / 8) = sqrt(2) h/L
    h, cell = 20.0, 1000.0
    z = 500 + h * (-1.0) ** (np.arange(8)[:, None] + np.arange(9))
    out = derive_surface(xr.DataArray(z, dims=("y", "x")), dx=cell)
    # self-affine extrapolation to 100 m pitches with H = 0.76: sqrt(0.1 ** -0.48 - 1)
    factor = math.sqrt(0.1 ** (2 * 0.76 - 2) - 1)
    assert subgrid_factor(cell) == pytest.approx(factor)
    np.testing.assert_allclose(out.subgrid_grade.values[1:-1, 1:-1],
                               math.sqrt(2) * h / cell * factor, rtol=1e-5)
    assert subgrid_factor(50.0) == 0.0  # cells shorter than a pitch leave nothing below


def test_subgrid_grade_numpy_equals_dask():
    rng = np.random.default_rng(3)
    z = xr.DataArray(rng.normal(500, 40, (30, 26)), dims=("y", "x"))
    eager = derive_surface(z, dx=1000.0)
    lazy = derive_surface(z.chunk({"y": 7, "x": 9}), dx=1000.0)
    np.testing.assert_array_equal(eager.subgrid_grade.values, lazy.subgrid_grade.values)


# ---------------------------------------------------------------------------------- physics


def _normal_mean(f, mean: float, sd: float, n: int = 20001) -> float:
    """Mean of f(x) for x ~ Normal(mean, sd), by brute-force quadrature over +-6 sd."""
    x = np.linspace(mean - 6 * sd, mean + 6 * sd, n)
    w = np.exp(-0.5 * ((x - mean) / sd) ** 2)
    return float(np.sum(f(x) * w) / np.sum(w))


def test_relief_is_priced_as_normally_spread_pitches():
    s = 0.03  # pitches (to +-6 sd: 0.2) within the T-34-85's limits on dry steppe
    speed, fuel = move_rates("T-34-85", "steppe", 0.02, subgrid_grade=s)
    hours = _normal_mean(lambda x: 1 / move_rates("T-34-85", "steppe", x)[0], 0.02, s)
    litres = _normal_mean(lambda x: move_rates("T-34-85", "steppe", x)[1], 0.02, s)
    # the 3-point rule against the brute-force normal mean (kinks of the physics: ~1 %)
    assert 1 / speed == pytest.approx(hours, rel=0.02)
    assert fuel == pytest.approx(litres, rel=0.02)
    # rough ground is slower and dearer than smooth ground at the same mean grade
    smooth_v, smooth_f = move_rates("T-34-85", "steppe", 0.02)
    assert speed < smooth_v and fuel > smooth_f


def test_a_pitch_beyond_traction_is_taken_in_switchbacks():
    # wheeled on wet cropland: Crr 0.15, adhesion 0.25 (GOING), so it climbs at most 0.10; with
    # s = 0.14 / sqrt(3) the steep sixth of the way (0.14) is climbed at 0.10 over 1.4 times
    # the way; two thirds are level, a sixth descends at 0.14
    going = physics.GOING["wheeled"]["cropland"]["wet"]
    assert going.phi - going.crr == pytest.approx(0.10)
    speed, fuel = move_rates("ZIS-5", "cropland", 0.0, season="wet",
                             subgrid_grade=0.14 / math.sqrt(3))
    v_lim, f_lim = move_rates("ZIS-5", "cropland", 0.10 * (1 - 1e-9), season="wet")
    v_flat, f_flat = move_rates("ZIS-5", "cropland", 0.0, season="wet")
    v_down, f_down = move_rates("ZIS-5", "cropland", -0.14, season="wet")
    assert 1 / speed == pytest.approx(1.4 / v_lim / 6 + 2 / 3 / v_flat + 1 / v_down / 6,
                                      rel=1e-6)
    assert fuel == pytest.approx(1.4 * f_lim / 6 + 2 / 3 * f_flat + f_down / 6, rel=1e-6)
    assert move_rates("ZIS-5", "cropland", 0.14, season="wet")[0] == 0  # as a mean grade: no


def test_subgrid_relief_never_makes_an_impossible_move_possible():
    for g in (0.5, -0.5):
        assert move_rates("ZIS-5", "steppe", g, subgrid_grade=0.1)[0] == 0


def _rough_terrain(subgrid: float | None) -> xr.Dataset:
    ny, nx = 6, 8
    ds = xr.Dataset(
        {"elevation_m": (("y", "x"), np.full((ny, nx), 400.0, np.float32)),
         "terrain_class": (("y", "x"), np.full((ny, nx), TerrainClass.STEPPE, np.uint8))},
        coords={"x": np.arange(nx) * 1000.0, "y": (ny - np.arange(ny)) * 1000.0},
    )
    if subgrid is not None:
        ds["subgrid_grade"] = (("y", "x"), np.full((ny, nx), subgrid, np.float32))
    return ds


def test_cost_model_rows_carry_the_relief_bin():
    smooth = build_cost_model(_rough_terrain(None), "T-34-85")
    rough = build_cost_model(_rough_terrain(0.081), "T-34-85")  # the 0.08 bin
    assert (smooth.class_index == TerrainClass.STEPPE).all()
    assert (rough.class_index == TerrainClass.STEPPE + N_CODES * 4).all()
    assert subgrid_bins([0.0, 0.009, 0.011, np.nan, 5.0]).tolist() == [0, 0, 1, 0, 15]
    east = int(3)  # OFFSETS_16[3] = (0, 1)
    t_smooth = edge_costs(smooth, [2], [2], [east])[0]
    t_rough = edge_costs(rough, [2], [2], [east])[0]
    v, _ = move_rates("T-34-85", "steppe", 0.0, subgrid_grade=4 * SUBGRID_STEP)
    assert t_rough == pytest.approx(1000 / (v / 3.6)) and t_rough > t_smooth
    assert rough.attrs["subgrid_relief"] and not smooth.attrs["subgrid_relief"]


@pytest.mark.parametrize("vid", ["T-34-85", "ZIS-5", "foot", "cavalry"])
@pytest.mark.parametrize("season", ["dry", "wet"])
def test_rate_tables_are_move_rates_bit_for_bit(vid, season):
    # the tables compute every relief bin of a surface in one pass (speed): each row must be
    # exactly what move_rates gives for its class and bin, to the last bit
    from logistics.vehicles import load_vehicle

    v = load_vehicle(vid)
    n, step = 40, 0.025
    time_t, fuel_t = physics._rate_tables(v, n, step, season, "tobler",
                                          tuple(physics.embankment_kmh().items()))
    grades = np.arange(-n, n + 1) * step
    for b in range(physics.SUBGRID_BINS):
        for code, surface in physics._SURFACE_OF_CLASS.items():
            speed, fuel = move_rates(v, surface, grades, season=season,
                                     subgrid_grade=b * SUBGRID_STEP)
            with np.errstate(divide="ignore"):
                want_s = np.where(speed > 0, 3.6 / speed, np.inf)
            row = code + N_CODES * b
            assert time_t[row].tobytes() == want_s.tobytes(), (surface, b)
            assert fuel_t[row].tobytes() == (fuel / 1000.0).tobytes(), (surface, b)
