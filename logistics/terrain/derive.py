"""Slope, gradient, roughness and sub-grid relief of an elevation grid: one numpy kernel, numpy
and dask callers.

Method: the least-squares plane ``z = c + a x + b y`` through the valid cells of each 3 x 3
window (Evans 1980; with all 9 cells valid it is the Prewitt operator), then

* ``dzdx = a`` (m/m, +x east) and ``dzdy = b`` (m/m, +y north);
* ``slope_deg = atan(hypot(a, b))`` in degrees;
* ``roughness_m`` = root-mean-square residual of the window's elevations about that plane,
  metres. It is 0 on any plane (a steady slope is not rough) and measures sub-grid bumpiness;
* ``subgrid_grade`` (m/m): the RMS grade of the relief *below* the grid that a route across the
  cell climbs and descends, which the cost physics prices (``logistics.cost.physics``, "Sub-grid
  relief"). **Assumption**, named: natural relief is self-affine, so the RMS grade over a
  horizontal distance ``l`` grows as ``l ** (H - 1)`` as ``l`` shrinks. At the grid's spacing
  ``L`` the cell's grade about its local plane is ``G_L``, the RMS over its neighbours of
  ``(z_k - z_0 - plane rise) / distance`` (0 on a plane); a route meets pitches ``SUBGRID_PITCH_M``
  long, where the RMS grade is ``G_L (l / L) ** (H - 1)``, of which the grid resolves ``G_L``;
  the rest, ``G_L * sqrt((l / L) ** (2H - 2) - 1)``, is the sub-grid grade. ``H`` =
  ``SUBGRID_HURST``, measured on the 30" DEM (``benchmarks/studies/subgrid_relief.py``); the
  pitch length is assumed. On a grid finer than the DEM (about 650 x 930 m) the elevation is
  interpolated, its residuals shrink and so does this estimate.

Cells outside the grid or without data (sea, nodata) are left out of the fit rather than
invented, so edges, corners and coasts stay exact on planes. A window whose valid cells are
collinear falls back to the 1-D fit along each axis that has spread; a nodata centre gives NaN.
The dask path pads each block with a 1-cell NaN-bounded overlap (``dask.array.overlap``) and
maps the same kernel over the padded blocks.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

__all__ = [
    "DERIVED_UNITS", "SUBGRID_HURST", "SUBGRID_PITCH_M", "surface_kernel", "derive_surface",
    "local_relief", "subgrid_factor",
]

#: Output variables of :func:`derive_surface` and their units.
DERIVED_UNITS: dict[str, str] = {
    "slope_deg": "degree",
    "dzdx": "m/m",
    "dzdy": "m/m",
    "roughness_m": "m",
    "subgrid_grade": "m/m",
}

#: Hurst exponent of the relief at the 30" DEM's finest lags: the RMS elevation difference
#: between cells 1 and 2 pixels apart (meteva cells of the theatre) grows by 2 ** 0.757 (E-W,
#: 27.99 -> 47.31 m) and 2 ** 0.762 (N-S, 33.17 -> 56.27 m); measured by
#: ``benchmarks/studies/subgrid_relief.py``. Fitted in the open on the whole DEM, not tuned.
SUBGRID_HURST: float = 0.76
#: Length of the pitches a route climbs and descends within a cell, m. **Assumption**, no
#: source: a pitch is about the length of a hillside road section or a switchback leg. The
#: Khingan fuel study shows 50 and 200 m too (benchmarks/studies/khingan_fuel.md).
SUBGRID_PITCH_M: float = 100.0


def subgrid_factor(cell_m: float, *, pitch_m: float = SUBGRID_PITCH_M,
                   hurst: float = SUBGRID_HURST) -> float:
    """Sub-grid grade per unit of the cell's grade about its plane: ``sqrt((l/L)**(2H-2) - 1)``
    (0 when the pitch is not shorter than the cell)."""
    if not (cell_m > 0 and pitch_m > 0 and 0 < hurst <= 1):
        raise ValueError(f"need cell_m > 0, pitch_m > 0, 0 < hurst <= 1; got {cell_m}, "
                         f"{pitch_m}, {hurst}")
    return float(np.sqrt(max((pitch_m / cell_m) ** (2 * hurst - 2) - 1.0, 0.0)))

# (di, dj) of the 9 window cells; rows grow southward, so di = -1 is north (+y).
_WINDOW = [(di, dj) for di in (-1, 0, 1) for dj in (-1, 0, 1)]


def surface_kernel(zp: np.ndarray, dx: float, dy: float, pitch_m: float = SUBGRID_PITCH_M,
                   hurst: float = SUBGRID_HURST) -> np.ndarray:
    """Kernel on a NaN-padded block ``zp`` (ny + 2, nx + 2) -> ``(5, ny, nx)`` float32 stack
    of ``slope_deg, dzdx, dzdy, roughness_m, subgrid_grade`` for the inner cells (see module
    docstring)."""
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
    out = np.full((5, ny, nx), np.nan, dtype=np.float64)
    out[1] = np.where(complete, a, np.nan)
    out[2] = np.where(complete, b, np.nan)
    out[3] = np.where(complete, np.sqrt(np.maximum(sq, 0.0) / 9.0), np.nan)
    # grade from the centre to each neighbour that the plane does not explain
    g2 = np.zeros_like(z0)
    for (di, dj), x, y in zip(_WINDOW, xs, ys):
        if x or y:
            v = zp[1 + di : 1 + di + ny, 1 + dj : 1 + dj + nx] - z0
            g2 += ((v - a * x - b * y) / np.hypot(x, y)) ** 2
    out[4] = np.where(complete, np.sqrt(g2 / 8.0), np.nan)
    # windows with missing cells (edges, coasts, nodata) but a valid centre: general fit
    partial = ~complete & np.isfinite(z0)
    if partial.any():
        rows, cols = np.nonzero(partial)
        win = np.stack([zp[1 + di + rows, 1 + dj + cols] for di, dj in _WINDOW]) - z0[partial]
        fa, fb, fr, fg = _partial_fit(win, np.isfinite(win), xs, ys)
        out[1][partial], out[2][partial], out[3][partial], out[4][partial] = fa, fb, fr, fg
    out[0] = np.degrees(np.arctan(np.hypot(out[1], out[2])))
    out[4] *= subgrid_factor(float(np.sqrt(dx * dy)), pitch_m=pitch_m, hurst=hurst)
    return out.astype(np.float32)


def _partial_fit(win: np.ndarray, ok: np.ndarray, xs: np.ndarray, ys: np.ndarray):
    """Least-squares plane through the valid cells of (9, k) windows -> (a, b, rms residual,
    rms grade to the valid neighbours about the plane; 0 with none)."""
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
    dist = np.hypot(x, y)
    near = m * (dist > 0)  # valid neighbours (the centre is at distance 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        g2 = (near * ((z - a * x - b * y) / np.where(dist > 0, dist, 1.0)) ** 2).sum(0)
        grade = np.where(near.sum(0) > 0, np.sqrt(g2 / near.sum(0)), 0.0)
    return a, b, rms, grade


def derive_surface(elevation: xr.DataArray, *, dx: float, dy: float | None = None,
                   pitch_m: float = SUBGRID_PITCH_M, hurst: float = SUBGRID_HURST) -> xr.Dataset:
    """Slope, gradient, roughness and sub-grid grade of a north-up elevation DataArray
    ``(y, x)`` in metres.

    ``dx``, ``dy`` are the cell sizes in metres (``dy`` defaults to ``dx``); ``pitch_m`` and
    ``hurst`` are the sub-grid relief's assumptions (module docstring). Numpy input gives
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
            pitch_m,
            hurst,
            new_axis=0,
            chunks=((len(DERIVED_UNITS),),) + data.chunks,
            dtype=np.float32,
            meta=np.empty((0, 0, 0), dtype=np.float32),
        )
    else:
        zp = np.pad(np.asarray(data, dtype=np.float64), 1, constant_values=np.nan)
        stacked = surface_kernel(zp, dx, dy, pitch_m, hurst)
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
