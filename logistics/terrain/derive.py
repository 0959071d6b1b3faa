"""Slope, gradient and roughness of an elevation grid: one numpy kernel, numpy and dask callers.

Method: the least-squares plane ``z = c + a x + b y`` through the valid cells of each 3 x 3
window (Evans 1980; with all 9 cells valid it is the Prewitt operator), then

* ``dzdx = a`` (m/m, +x east) and ``dzdy = b`` (m/m, +y north);
* ``slope_deg = atan(hypot(a, b))`` in degrees;
* ``roughness_m`` = root-mean-square residual of the window's elevations about that plane,
  metres. It is 0 on any plane (a steady slope is not rough) and measures sub-grid bumpiness.

Cells outside the grid or without data (sea, nodata) are left out of the fit rather than
invented, so edges, corners and coasts stay exact on planes. A window whose valid cells are
collinear falls back to the 1-D fit along each axis that has spread; a nodata centre gives NaN.
The dask path pads each block with a 1-cell NaN-bounded overlap (``dask.array.overlap``) and
maps the same kernel over the padded blocks.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

__all__ = ["DERIVED_UNITS", "surface_kernel", "derive_surface", "local_relief"]

#: Output variables of :func:`derive_surface` and their units.
DERIVED_UNITS: dict[str, str] = {
    "slope_deg": "degree",
    "dzdx": "m/m",
    "dzdy": "m/m",
    "roughness_m": "m",
}

# (di, dj) of the 9 window cells; rows grow southward, so di = -1 is north (+y).
_WINDOW = [(di, dj) for di in (-1, 0, 1) for dj in (-1, 0, 1)]


def surface_kernel(zp: np.ndarray, dx: float, dy: float) -> np.ndarray:
    """Kernel on a NaN-padded block ``zp`` (ny + 2, nx + 2) -> ``(4, ny, nx)`` float32 stack
    of ``slope_deg, dzdx, dzdy, roughness_m`` for the inner cells (see module docstring)."""
    zp = np.asarray(zp, dtype=np.float64)
    ny, nx = zp.shape[0] - 2, zp.shape[1] - 2
    z0 = zp[1:-1, 1:-1]
    xs = np.array([dj * dx for _, dj in _WINDOW], dtype=np.float64)
    ys = np.array([-di * dy for di, _ in _WINDOW], dtype=np.float64)
    # complete windows: closed form (Prewitt) accumulated cell by cell of the window, using
    # sum (z - mean - a x - b y)^2 = sum z^2 - 9 mean^2 - a^2 sum x^2 - b^2 sum y^2 (x, y centred)
    sz = np.zeros_like(z0)
    szz = np.zeros_like(z0)
    sxz = np.zeros_like(z0)
    syz = np.zeros_like(z0)
    complete = np.isfinite(z0)
    for (di, dj), x, y in zip(_WINDOW, xs, ys):
        v = zp[1 + di : 1 + di + ny, 1 + dj : 1 + dj + nx] - z0  # relative: better precision
        complete &= np.isfinite(v)
        sz += v
        szz += v * v
        if x:
            sxz += x * v
        if y:
            syz += y * v
    a = sxz / (6.0 * dx * dx)
    b = syz / (6.0 * dy * dy)
    mean = sz / 9.0
    sq = szz - 9.0 * mean**2 - a * a * 6.0 * dx * dx - b * b * 6.0 * dy * dy
    out = np.full((4, ny, nx), np.nan, dtype=np.float64)
    out[1] = np.where(complete, a, np.nan)
    out[2] = np.where(complete, b, np.nan)
    out[3] = np.where(complete, np.sqrt(np.maximum(sq, 0.0) / 9.0), np.nan)
    # windows with missing cells (edges, coasts, nodata) but a valid centre: general fit
    partial = ~complete & np.isfinite(z0)
    if partial.any():
        rows, cols = np.nonzero(partial)
        win = np.stack([zp[1 + di + rows, 1 + dj + cols] for di, dj in _WINDOW]) - z0[partial]
        fa, fb, fr = _partial_fit(win, np.isfinite(win), xs, ys)
        out[1][partial], out[2][partial], out[3][partial] = fa, fb, fr
    out[0] = np.degrees(np.arctan(np.hypot(out[1], out[2])))
    return out.astype(np.float32)


def _partial_fit(win: np.ndarray, ok: np.ndarray, xs: np.ndarray, ys: np.ndarray):
    """Least-squares plane through the valid cells of (9, k) windows -> (a, b, rms residual)."""
    m = ok.astype(np.float64)
    z = np.where(ok, win, 0.0)
    x, y = xs[:, None], ys[:, None]
    n = m.sum(axis=0)
    xm, ym, zm = (m * x).sum(0) / n, (m * y).sum(0) / n, z.sum(0) / n
    dxv, dyv, dzv = x - xm, y - ym, z - zm
    sxx, syy, sxy = (m * dxv**2).sum(0), (m * dyv**2).sum(0), (m * dxv * dyv).sum(0)
    sxz, syz = (m * dxv * dzv).sum(0), (m * dyv * dzv).sum(0)
    det = sxx * syy - sxy**2
    with np.errstate(invalid="ignore", divide="ignore"):
        full = det > 1e-9 * sxx * syy
        a = np.where(full, (syy * sxz - sxy * syz) / det, np.where(sxx > 0, sxz / sxx, 0.0))
        b = np.where(full, (sxx * syz - sxy * sxz) / det, np.where(syy > 0, syz / syy, 0.0))
    rms = np.sqrt((m * (dzv - a * dxv - b * dyv) ** 2).sum(0) / n)
    return a, b, rms


def derive_surface(elevation: xr.DataArray, *, dx: float, dy: float | None = None) -> xr.Dataset:
    """Slope, gradient and roughness of a north-up elevation DataArray ``(y, x)`` in metres.

    ``dx``, ``dy`` are the cell sizes in metres (``dy`` defaults to ``dx``). Numpy input gives
    numpy output; dask input gives dask output computed by the same kernel.
    """
    dy = dx if dy is None else dy
    data = elevation.data
    if _is_dask(data):
        import dask.array as dka

        padded = dka.overlap.overlap(data.astype(np.float64), depth={0: 1, 1: 1}, boundary=np.nan)
        stacked = padded.map_blocks(
            surface_kernel,
            dx,
            dy,
            new_axis=0,
            chunks=((4,),) + data.chunks,
            dtype=np.float32,
            meta=np.empty((0, 0, 0), dtype=np.float32),
        )
    else:
        zp = np.pad(np.asarray(data, dtype=np.float64), 1, constant_values=np.nan)
        stacked = surface_kernel(zp, dx, dy)
    ds = xr.Dataset(coords=elevation.coords)
    for i, (name, units) in enumerate(DERIVED_UNITS.items()):
        ds[name] = (elevation.dims, stacked[i])
        ds[name].attrs["units"] = units
    return ds


def _relief_kernel(zp: np.ndarray, half: int) -> np.ndarray:
    """Max - min elevation over the (2 half + 1)^2 window of each inner cell (NaN ignored)."""
    from scipy.ndimage import maximum_filter, minimum_filter

    valid = np.isfinite(zp)
    size = 2 * half + 1
    hi = maximum_filter(np.where(valid, zp, -np.inf), size=size, mode="constant", cval=-np.inf)
    lo = minimum_filter(np.where(valid, zp, np.inf), size=size, mode="constant", cval=np.inf)
    rel = np.where(valid, hi - lo, np.nan)
    return rel.astype(np.float32)


def local_relief(elevation: xr.DataArray, *, half_window: int) -> xr.DataArray:
    """Local relief (m): max - min elevation in the (2 half_window + 1)^2 cells around each
    cell, NaN where the cell is nodata. Dask input uses map_overlap(depth=half_window)."""
    data = elevation.data
    h = int(half_window)
    if _is_dask(data):
        import dask.array as dka

        out = dka.map_overlap(
            _relief_kernel,
            data.astype(np.float64),
            depth={0: h, 1: h},
            boundary=np.nan,
            dtype=np.float32,
            meta=np.empty((0, 0), dtype=np.float32),
            half=h,
        )
    else:
        out = _relief_kernel(np.asarray(data, dtype=np.float64), h)
    da = xr.DataArray(out, dims=elevation.dims, coords=elevation.coords, name="relief_m")
    da.attrs["units"] = "m"
    return da


def _is_dask(data) -> bool:
    return type(data).__module__.startswith("dask")
