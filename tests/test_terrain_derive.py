"""Slope, gradient, roughness and relief kernels: exact on planes and ramps, numpy == dask."""

from __future__ import annotations

import math

import numpy as np
import pytest
import xarray as xr
from hypothesis import given
from hypothesis import strategies as st

from logistics.terrain.derive import DERIVED_UNITS, derive_surface, local_relief


def _grid(z: np.ndarray) -> xr.DataArray:
    """North-up DataArray: row 0 is the northern edge."""
    ny, nx = z.shape
    return xr.DataArray(z, dims=("y", "x"), coords={"y": np.arange(ny)[::-1] * 1.0, "x": np.arange(nx) * 1.0})


def _plane(a: float, b: float, dx: float, dy: float, shape=(7, 9), c: float = 100.0) -> np.ndarray:
    """z = c + a * x + b * y on a north-up grid (y grows northward, i.e. toward row 0)."""
    ny, nx = shape
    x = np.arange(nx) * dx
    y = (ny - 1 - np.arange(ny)) * dy
    return c + a * x[None, :] + b * y[:, None]


def test_east_ramp():
    out = derive_surface(_grid(_plane(0.1, 0.0, 50.0, 50.0)), dx=50.0)
    np.testing.assert_allclose(out["dzdx"], 0.1, rtol=1e-6)
    np.testing.assert_allclose(out["dzdy"], 0.0, atol=1e-7)
    np.testing.assert_allclose(out["slope_deg"], math.degrees(math.atan(0.1)), rtol=1e-6)
    np.testing.assert_allclose(out["roughness_m"], 0.0, atol=1e-4)


def test_north_ramp_sign():
    # elevation rises toward row 0 (north): dzdy must be positive
    z = np.array([[30.0] * 4, [20.0] * 4, [10.0] * 4, [0.0] * 4])
    out = derive_surface(_grid(z), dx=100.0)
    np.testing.assert_allclose(out["dzdy"], 0.1, rtol=1e-6)
    np.testing.assert_allclose(out["dzdx"], 0.0, atol=1e-7)
    np.testing.assert_allclose(out["slope_deg"], 5.710593, rtol=1e-5)


def test_rectangular_cells():
    out = derive_surface(_grid(_plane(0.02, -0.03, 30.0, 90.0)), dx=30.0, dy=90.0)
    np.testing.assert_allclose(out["dzdx"], 0.02, rtol=1e-5)
    np.testing.assert_allclose(out["dzdy"], -0.03, rtol=1e-5)


@given(
    a=st.floats(-1.0, 1.0),
    b=st.floats(-1.0, 1.0),
    dx=st.floats(10.0, 5000.0),
    hole=st.tuples(st.integers(0, 5), st.integers(0, 6)),
)
def test_planes_are_exact_everywhere_even_beside_holes(a, b, dx, hole):
    z = _plane(a, b, dx, dx, shape=(6, 7))
    z[hole] = np.nan  # a sea/nodata cell: neighbours stay plane-exact
    out = derive_surface(_grid(z), dx=dx)
    ok = np.isfinite(z)
    tol = 1e-5 * (1 + abs(a) + abs(b))
    np.testing.assert_allclose(out["dzdx"].values[ok], a, atol=tol)
    np.testing.assert_allclose(out["dzdy"].values[ok], b, atol=tol)
    np.testing.assert_allclose(
        out["slope_deg"].values[ok], math.degrees(math.atan(math.hypot(a, b))), atol=1e-3
    )
    assert np.all(out["roughness_m"].values[ok] < 1e-3 * (1 + (abs(a) + abs(b)) * dx))
    assert np.isnan(out["slope_deg"].values[hole])


def test_roughness_of_a_checkerboard():
    # 3 x 3 window centred on +1: 5 cells +1, 4 cells -1 -> mean 1/9, no gradient,
    # RMS residual sqrt((5 (8/9)^2 + 4 (10/9)^2) / 9) = sqrt(720 / 729)
    z = np.indices((7, 7)).sum(axis=0) % 2 * -2.0 + 1.0
    out = derive_surface(_grid(z), dx=10.0)
    inner = out["roughness_m"].values[1:-1, 1:-1]
    np.testing.assert_allclose(inner, math.sqrt(720 / 729), rtol=1e-6)
    np.testing.assert_allclose(out["dzdx"].values[1:-1, 1:-1], 0.0, atol=1e-7)


def test_units_of_every_output():
    out = derive_surface(_grid(_plane(0.1, 0.0, 1.0, 1.0)), dx=1.0)
    assert set(out.data_vars) == set(DERIVED_UNITS)
    for name, var in out.data_vars.items():
        assert var.attrs["units"] == DERIVED_UNITS[name]


def test_numpy_and_dask_agree():
    rng = np.random.default_rng(3)
    z = np.cumsum(rng.normal(size=(53, 61)), axis=1) * 10
    z[rng.random(z.shape) < 0.05] = np.nan
    eager = derive_surface(_grid(z), dx=30.0)
    lazy = derive_surface(_grid(z).chunk({"y": 11, "x": 17}), dx=30.0)
    assert lazy["slope_deg"].chunks is not None
    for name in eager.data_vars:
        np.testing.assert_array_equal(lazy[name].values, eager[name].values, err_msg=name)
    r_eager = local_relief(_grid(z), half_window=3)
    r_lazy = local_relief(_grid(z).chunk({"y": 11, "x": 17}), half_window=3)
    np.testing.assert_array_equal(r_lazy.values, r_eager.values)


def test_local_relief_by_hand():
    z = np.zeros((5, 5))
    z[2, 2] = 7.0
    z[0, 0] = np.nan
    rel = local_relief(_grid(z), half_window=1).values
    assert rel[1, 1] == 7.0 and rel[4, 4] == 0.0 and rel[3, 3] == 7.0
    assert np.isnan(rel[0, 0])
    assert rel[0, 1] == 0.0  # the NaN neighbour is ignored, not propagated
    with pytest.raises(AssertionError):
        np.testing.assert_array_equal(rel, 0.0)
