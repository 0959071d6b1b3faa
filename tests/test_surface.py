"""Explicit cost surface: numpy and dask agree, values match the move rule by hand."""

from __future__ import annotations

import math

import dask.array as da
import numpy as np
import pytest

from logistics.cost.kernel import edge_costs
from logistics.cost.physics import build_cost_model
from logistics.cost.stencil import OFFSETS_16
from logistics.cost.surface import cost_surface, surface_array
from logistics.terrain.classes import TerrainClass
from test_physics import synth_terrain


@pytest.mark.parametrize("vid", ["T-34-85", "ZIS-5", "foot"])
@pytest.mark.parametrize("stencil", [8, 16])
def test_numpy_and_dask_agree_exactly(vid, stencil):
    terrain = synth_terrain(23, 19, seed=3)
    eager = cost_surface(terrain, vid, stencil=stencil, season="wet")
    lazy = cost_surface(terrain, vid, stencil=stencil, season="wet", chunks=(7, 6))
    assert isinstance(lazy.time_s.data, da.Array)
    lazy = lazy.compute()
    for name in ("time_s", "fuel_l"):
        np.testing.assert_array_equal(eager[name].values, lazy[name].values)
    assert np.isfinite(eager.time_s.values).any() and np.isinf(eager.time_s.values).any()


def test_surface_equals_the_kernel_edge_by_edge():
    terrain = synth_terrain(9, 8, seed=5)
    model = build_cost_model(terrain, "Sherman", objective="fuel")
    surf = surface_array(model, stencil=16, dtype=np.float64, workers=2)
    rows, cols = np.meshgrid(np.arange(9), np.arange(8), indexing="ij")
    for k in range(16):
        expected = edge_costs(model, rows.ravel(), cols.ravel(), np.full(rows.size, k))
        np.testing.assert_array_equal(surf[k].ravel(), expected)


def test_values_by_hand_on_flat_steppe():
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


def test_water_blocks_moves_and_foot_burns_no_fuel():
    terrain = synth_terrain(seed=1)  # water block at rows 2-3, cols 2-3
    s = cost_surface(terrain, "foot")
    assert np.isinf(s.time_s.values[1, 1, 2])  # south from (1, 2) into the lake
    assert np.isinf(s.time_s.values[:, 2, 2]).all()  # out of the lake
    possible = np.isfinite(s.time_s.values)
    assert (s.fuel_l.values[possible] == 0).all() and np.isinf(s.fuel_l.values[~possible]).all()



def test_blocks_smaller_than_the_overlap_still_agree():
    # dask's overlap rechunks blocks thinner than the 2-cell depth; the result must not change
    terrain = synth_terrain(7, 9, seed=2)
    model = build_cost_model(terrain, "T-34")
    eager = surface_array(model, stencil=16)
    np.testing.assert_array_equal(surface_array(model, stencil=16, chunks=(1, 4)).compute(),
                                  eager)
