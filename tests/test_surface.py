"""Explicit cost surface: numpy and dask agree, values match the move rule by hand."""

from __future__ import annotations

import dataclasses
import math

import dask.array as da
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from logistics.cost.kernel import _table_position, edge_costs
from logistics.cost.physics import build_cost_model
from logistics.cost.stencil import OFFSETS_16
from logistics.cost.surface import cost_surface, surface_array, surface_arrays
from logistics.errors import ConfigError
from logistics.terrain.classes import TerrainClass


@pytest.mark.parametrize("vid", ["T-34-85", "ZIS-5", "foot"])
@pytest.mark.parametrize("stencil", [8, 16])
def test_numpy_and_dask_agree_exactly(synth_terrain, vid, stencil):
    terrain = synth_terrain(23, 19, seed=3)
    eager = cost_surface(terrain, vid, stencil=stencil, season="wet")
    lazy = cost_surface(terrain, vid, stencil=stencil, season="wet", chunks=(7, 6))
    assert isinstance(lazy.time_s.data, da.Array)
    lazy = lazy.compute()
    for name in ("time_s", "fuel_l"):
        np.testing.assert_array_equal(eager[name].values, lazy[name].values)
    assert np.isfinite(eager.time_s.values).any() and np.isinf(eager.time_s.values).any()


def test_surface_equals_the_kernel_edge_by_edge(synth_terrain):
    terrain = synth_terrain(9, 8, seed=5)
    model = build_cost_model(terrain, "Sherman", objective="fuel")
    surf = surface_array(model, stencil=16, dtype=np.float64, workers=2)
    rows, cols = np.meshgrid(np.arange(9), np.arange(8), indexing="ij")
    for k in range(16):
        expected = edge_costs(model, rows.ravel(), cols.ravel(), np.full(rows.size, k))
        np.testing.assert_array_equal(surf[k].ravel(), expected)


def test_values_by_hand_on_flat_steppe(synth_terrain):
    terrain = synth_terrain(6, 6, tclass=TerrainClass.STEPPE)
    s = cost_surface(terrain, "T-34-85", stencil=16)
    # 30 km/h cross-country cap on the flat: 0.12 s per metre; cells are 1 km.
    per_m = 3.6 / 30.0
    for k, (di, dj) in enumerate(OFFSETS_16):
        assert s.time_s.values[k, 2, 2] == pytest.approx(per_m * 1000 * math.hypot(di, dj),
                                                         rel=1e-6)
        assert (int(s.di[k]), int(s.dj[k])) == (di, dj)
    assert np.isinf(s.time_s.values[0, 0, :]).all()  # north off the grid
    assert np.isinf(s.time_s.values[11, -2:, :]).all()  # (2, 1) knight move off the grid
    assert s.time_s.attrs["units"] == "s" and s.fuel_l.attrs["units"] == "L"
    assert s.time_s.dims == ("offset", "y", "x")
    np.testing.assert_array_equal(s.x.values, terrain.x.values)


def test_water_blocks_moves_and_foot_burns_no_fuel(synth_terrain):
    terrain = synth_terrain(seed=1)  # water block at rows 2-3, cols 2-3
    s = cost_surface(terrain, "foot")
    assert np.isinf(s.time_s.values[1, 1, 2])  # south from (1, 2) into the lake
    assert np.isinf(s.time_s.values[:, 2, 2]).all()  # out of the lake
    possible = np.isfinite(s.time_s.values)
    assert (s.fuel_l.values[possible] == 0).all() and np.isinf(s.fuel_l.values[~possible]).all()



def test_blocks_smaller_than_the_overlap_still_agree(synth_terrain):
    # dask's overlap rechunks blocks thinner than the 2-cell depth; the result must not change
    terrain = synth_terrain(7, 9, seed=2)
    model = build_cost_model(terrain, "T-34")
    eager = surface_array(model, stencil=16)
    np.testing.assert_array_equal(surface_array(model, stencil=16, chunks=(1, 4)).compute(),
                                  eager)


def _pair(synth_terrain, seed: int = 4):
    terrain = synth_terrain(11, 13, seed=seed)
    return (build_cost_model(terrain, "ZIS-5", objective="time", season="wet"),
            build_cost_model(terrain, "ZIS-5", objective="fuel", season="wet"))


@pytest.mark.parametrize("stencil", [8, 16])
def test_fused_time_and_fuel_equal_the_kernel_per_model(synth_terrain, stencil):
    # one pass prices both tables; each must equal move_cost with that model alone, including
    # a model without entry costs stacked beside one with them (its entries count as 0)
    time_m, fuel_m = _pair(synth_terrain)
    fuel_no_rivers = dataclasses.replace(fuel_m, enter=None)
    models = [time_m, fuel_m, fuel_no_rivers]
    surfs = surface_arrays(models, stencil=stencil, dtype=np.float64, workers=1)
    rows, cols = np.meshgrid(np.arange(11), np.arange(13), indexing="ij")
    for model, surf in zip(models, surfs, strict=True):
        for k in range(stencil):
            expected = edge_costs(model, rows.ravel(), cols.ravel(), np.full(rows.size, k))
            np.testing.assert_array_equal(surf[k].ravel(), expected)
    assert not np.array_equal(surfs[1], surfs[2])  # the river entries did count


def test_threads_do_not_change_the_values(synth_terrain):
    time_m, fuel_m = _pair(synth_terrain, seed=6)
    one = surface_arrays([time_m, fuel_m], stencil=16, workers=1)
    two = surface_arrays([time_m, fuel_m], stencil=16, workers=2)
    for a, b in zip(one, two, strict=True):
        np.testing.assert_array_equal(a, b)


def test_fused_dask_equals_fused_numpy(synth_terrain):
    time_m, fuel_m = _pair(synth_terrain, seed=7)
    eager = surface_arrays([time_m, dataclasses.replace(fuel_m, enter=None)], stencil=16)
    lazy = surface_arrays([time_m, dataclasses.replace(fuel_m, enter=None)], stencil=16,
                          chunks=(4, 5))
    for a, b in zip(eager, lazy, strict=True):
        np.testing.assert_array_equal(a, b.compute())


def test_models_on_different_grids_are_refused(synth_terrain):
    time_m, _ = _pair(synth_terrain, seed=1)
    other = build_cost_model(synth_terrain(11, 13, seed=2), "ZIS-5", objective="fuel")
    with pytest.raises(ConfigError, match="one grid"):
        surface_arrays([time_m, other])
    with pytest.raises(ConfigError, match="at least one"):
        surface_arrays([])


def _position_by_rounding(t: float, n_grades: int) -> tuple[int, float]:
    """The table position as the kernel first computed it: nearest column, then step back."""
    tol = 1e-9
    if not (-tol < t < n_grades - 1 + tol):
        return -1, 0.0
    i0 = int(t + 0.5)
    frac = t - i0
    if -tol <= frac <= tol:
        return i0, 0.0
    if frac < 0.0:
        return i0 - 1, frac + 1.0
    return i0, frac


@given(
    col=st.integers(-1, 401),
    off=st.one_of(st.floats(-1.0, 1.0), st.floats(-3e-9, 3e-9), st.sampled_from([0.5, -0.5])),
    per_m=st.sampled_from([1.0, 0.37, 1 / 3]),
)
def test_table_position_equals_nearest_column_rounding(col, off, per_m):
    # the kernel floors instead of rounding (no data-dependent branch); it must give the same
    # (column, fraction) bit for bit, including the snapping of near-column grades and the
    # ends of a 401-column table
    z = np.array([[0.0, off]], dtype=np.float32)  # rise of the move p=(0,0) -> q=(0,1)
    t = -float(-col) * 1.0 + (float(z[0, 1]) - 0.0) * per_m  # as the kernel computes it
    got = _table_position(z, float(-col), 1.0, 401, 0, 0, 0, 1, per_m)
    assert tuple(got) == _position_by_rounding(t, 401), t


def test_stale_scratch_rows_do_not_leak_into_values(synth_terrain):
    # The block kernels read each move's table position back from scratch rows; garbage left
    # there (another block, another offset) must be overwritten before it is read.
    from logistics.cost.kernel import block_costs, kernel_inputs, offset_lengths_m

    terrain = synth_terrain(7, 9, seed=11)
    inp = kernel_inputs(build_cost_model(terrain, "T-34-85", objective="time"))
    tables = inp.table[None]
    enters = inp.enter[None] if inp.enter.size else np.empty((1, 0, 0), dtype=np.float32)
    lengths = offset_lengths_m(inp.dx_m, inp.dy_m)
    outs = []
    for fill in (0, 7):
        out = np.empty((1, 16, 7, 9))
        pos_i0 = np.full((1, 9), fill, dtype=np.int64)
        pos_frac = np.full((1, 9), 0.5 * fill, dtype=np.float64)
        outs.append(block_costs(inp.class_index, tables, inp.grade_min, inp.inv_grade_step,
                                inp.elevation_m, inp.scale, enters, inp.river, OFFSETS_16,
                                lengths, out, pos_i0, pos_frac))
    np.testing.assert_array_equal(outs[0], outs[1])
    np.testing.assert_array_equal(outs[0][0], surface_array(
        build_cost_model(terrain, "T-34-85", objective="time"), stencil=16, dtype=np.float64))
