"""Elevation layers: the merged 30" DEM (meteva 30" inside China, height_oy 0.1 deg elsewhere)
and the ETOPO5 crop.

Both meteva grids are cell-centre (point) grids whose points are *not* on the standard 30"
cell centres (the 30" grid is offset by about 0.13 cell in lon and 0.26 cell in lat), so every
source is resampled bilinearly onto the standard grid by one kernel, ``bilinear``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from _grid import Grid
from logistics.errors import DataError

__all__ = [
    "PointGrid",
    "bilinear",
    "read_meteva_30s",
    "read_height_oy",
    "merge_dem",
    "read_etopo5_crop",
    "NODATA_M",
    "SEAM_TAPER_KM",
    "SOURCE_NONE",
    "SOURCE_METEVA_30S",
    "SOURCE_HEIGHT_OY",
]

NODATA_M = -32768  #: int16 nodata of the shipped DEM
SOURCE_NONE, SOURCE_METEVA_30S, SOURCE_HEIGHT_OY = 0, 1, 2  #: codes of dem_source_30s.tif
_METEVA_OUTSIDE = -999  #: meteva's value outside the PRC


@dataclass(frozen=True)
class PointGrid:
    """Values at points lat0 + i*step, lon0 + j*step (rows south to north), with a valid mask."""

    values: np.ndarray
    valid: np.ndarray
    lat0_deg: float
    lon0_deg: float
    step_deg: float


def _regular_start_step(coord: np.ndarray, name: str) -> tuple[float, float]:
    """First value and spacing of an evenly spaced, ascending coordinate (else DataError)."""
    step = (coord[-1] - coord[0]) / (coord.size - 1)
    deviation = np.abs(coord - (coord[0] + step * np.arange(coord.size))).max()
    if step <= 0 or deviation > 1e-6:
        raise DataError(
            f"expected an evenly spaced ascending {name} coordinate, got step {step} with "
            f"deviation {deviation:.2e} deg; the source file changed, check the pinned version"
        )
    return float(coord[0]), float(step)


def bilinear(src: PointGrid, lat_deg: np.ndarray, lon_deg: np.ndarray, *, nearest_must_be_valid: bool
             ) -> tuple[np.ndarray, np.ndarray]:
    """Bilinear value of ``src`` at every (lat, lon) of a separable target grid.

    ``lat_deg`` (rows) and ``lon_deg`` (columns) are 1-D; returns (float64 values, ok mask) of
    shape (lat.size, lon.size). Weights are renormalised over the valid neighbours, so a cell
    next to the source's edge still gets a value; with ``nearest_must_be_valid`` a cell gets a
    value only where its nearest source point is valid (keeps the source's footprint as it is
    instead of growing it by a cell).
    """
    fr = (np.asarray(lat_deg, float) - src.lat0_deg) / src.step_deg
    fc = (np.asarray(lon_deg, float) - src.lon0_deg) / src.step_deg
    r0, c0 = np.floor(fr).astype(np.int64), np.floor(fc).astype(np.int64)
    wr, wc = (fr - r0)[:, None], (fc - c0)[None, :]
    nrow, ncol = src.values.shape
    total = np.zeros((fr.size, fc.size))
    weight = np.zeros_like(total)
    for dr, w_r in ((0, 1.0 - wr), (1, wr)):
        rows = r0 + dr
        rin = (rows >= 0) & (rows < nrow)
        rows_c = np.clip(rows, 0, nrow - 1)
        for dc, w_c in ((0, 1.0 - wc), (1, wc)):
            cols = c0 + dc
            cin = (cols >= 0) & (cols < ncol)
            cols_c = np.clip(cols, 0, ncol - 1)
            ok = src.valid[np.ix_(rows_c, cols_c)] & rin[:, None] & cin[None, :]
            w = np.where(ok, w_r * w_c, 0.0)
            total += w * src.values[np.ix_(rows_c, cols_c)]
            weight += w
    ok = weight > 0
    if nearest_must_be_valid:
        rn, cn = np.rint(fr).astype(np.int64), np.rint(fc).astype(np.int64)
        rin, cin = (rn >= 0) & (rn < nrow), (cn >= 0) & (cn < ncol)
        near = src.valid[np.ix_(np.clip(rn, 0, nrow - 1), np.clip(cn, 0, ncol - 1))]
        ok &= near & rin[:, None] & cin[None, :]
    out = np.divide(total, weight, out=np.full_like(total, np.nan), where=ok)
    return out, ok


def read_meteva_30s(path: Path, grid: Grid, *, margin_cells: int = 2) -> PointGrid:
    """The meteva 30" China grid (int16 m, -999 outside the PRC) cut to ``grid`` plus a margin."""
    try:
        import netCDF4  # build-time only dependency (the meteva file is netCDF-4/HDF5)
    except ImportError as exc:
        raise DataError("reading the meteva DEM needs netCDF4: pip install 'netCDF4>=1.6' "
                        "(or pip install -e '.[rasters]')") from exc
    with netCDF4.Dataset(path) as ds:
        ds.set_auto_mask(False)
        lat, lon = ds["lat"][:], ds["lon"][:]
        lat0, step = _regular_start_step(lat, "lat")
        lon0, lon_step = _regular_start_step(lon, "lon")
        if abs(step - lon_step) > 1e-9 or abs(step - 1 / 120) > 1e-7:
            raise DataError(f"expected a 1/120 deg meteva grid, got {step} x {lon_step} deg")
        south = grid.north_deg - grid.height * grid.cell_deg
        east = grid.west_deg + grid.width * grid.cell_deg
        i0 = max(int(np.floor((south - lat0) / step)) - margin_cells, 0)
        i1 = min(int(np.ceil((grid.north_deg - lat0) / step)) + margin_cells + 1, lat.size)
        j0 = max(int(np.floor((grid.west_deg - lon0) / step)) - margin_cells, 0)
        j1 = min(int(np.ceil((east - lon0) / step)) + margin_cells + 1, lon.size)
        var = ds["data0"]
        if var.ndim != 6 or var.dtype != np.int16:
            raise DataError(f"expected int16 data0 with 6 dims, got {var.dtype} {var.dimensions}")
        values = np.asarray(var[0, 0, 0, 0, i0:i1, j0:j1])
    return PointGrid(
        values=values.astype(np.float64),
        valid=values != _METEVA_OUTSIDE,
        lat0_deg=lat0 + i0 * step,
        lon0_deg=lon0 + j0 * step,
        step_deg=step,
    )


def read_height_oy(path: Path) -> PointGrid:
    """The MICAPS diamond-4 ``height_oy`` grid: 0.1 deg points, 0-160 E x 0-80 N, metres."""
    with open(path, encoding="ascii") as fh:
        fh.readline(), fh.readline()
        head = fh.readline().split()
        body = fh.read().split()
    try:
        dlon, dlat, lon0, _lon1, lat0, _lat1 = map(float, head[:6])
        ncol, nrow = int(head[6]), int(head[7])
    except (ValueError, IndexError) as exc:
        raise DataError(f"{path.name}: header line 3 {' '.join(head)!r} is not diamond 4") from exc
    if dlon != dlat or dlat <= 0 or len(body) != ncol * nrow:
        raise DataError(
            f"{path.name}: expected {ncol}x{nrow} values on a square grid, got {len(body)} values "
            f"with step {dlon} x {dlat}"
        )
    values = np.asarray(body, dtype=np.float64).reshape(nrow, ncol)
    return PointGrid(values, np.isfinite(values), lat0, lon0, dlat)


#: Width of the band outside China over which the 0.1 deg fill is pulled toward the 30" grid.
#: Modelling assumption: the fill is smoother than the 30" grid (valley floors along the Argun,
#: Amur and Ussuri come out too high), which left a step of 81 m mean, 295 m p95 between
#: neighbouring land cells at the border, i.e. false slopes of up to ~18 deg exactly where the
#: armies crossed. 10 km is about one spacing of the 0.1 deg fill, its own resolution.
SEAM_TAPER_KM = 10.0
_KM_PER_DEG_LAT = 111.2


def merge_dem(meteva: PointGrid, height_oy: PointGrid, grid: Grid) -> tuple[np.ndarray, np.ndarray]:
    """Merged DEM (int16 m, north-up) and its source codes (uint8) on ``grid``.

    Inside China (nearest meteva point valid) the bilinear meteva 30" value; elsewhere the
    bilinear height_oy 0.1 deg value plus the 30"-minus-fill difference of the nearest China
    cell, tapered linearly to zero over ``SEAM_TAPER_KM`` (so the border has no step).
    Rounded to the nearest metre.
    """
    lat, lon = grid.lat_centres_deg(), grid.lon_centres_deg()
    fine, fine_ok = bilinear(meteva, lat, lon, nearest_must_be_valid=True)
    coarse, coarse_ok = bilinear(height_oy, lat, lon, nearest_must_be_valid=False)
    source = np.full(fine.shape, SOURCE_NONE, dtype=np.uint8)
    source[coarse_ok] = SOURCE_HEIGHT_OY
    source[fine_ok] = SOURCE_METEVA_30S
    merged = np.where(fine_ok, fine, coarse + _seam_correction(fine - coarse, fine_ok & coarse_ok,
                                                               grid))
    dem = np.full(fine.shape, NODATA_M, dtype=np.int16)
    have = source != SOURCE_NONE
    dem[have] = np.rint(merged[have]).astype(np.int16)
    return dem, source


def _seam_correction(residual_m: np.ndarray, known: np.ndarray, grid: Grid) -> np.ndarray:
    """Residual of the nearest ``known`` cell, times a weight falling from 1 to 0 over
    ``SEAM_TAPER_KM`` (distances on a local flat approximation at the grid's mid-latitude)."""
    from scipy.ndimage import distance_transform_edt

    if not known.any():
        return np.zeros_like(residual_m)
    mid_lat = grid.north_deg - grid.height * grid.cell_deg / 2
    dy_km = grid.cell_deg * _KM_PER_DEG_LAT
    dx_km = dy_km * np.cos(np.radians(mid_lat))
    dist_km, (ri, ci) = distance_transform_edt(~known, sampling=(dy_km, dx_km),
                                               return_indices=True)
    weight = np.clip(1.0 - dist_km / SEAM_TAPER_KM, 0.0, 1.0)
    return weight * np.where(known, residual_m, 0.0)[ri, ci]


def read_etopo5_crop(path: Path, grid: Grid) -> tuple[np.ndarray, Grid]:
    """ETOPO5 ``ROSE`` (float32 m) points inside ``grid``'s box, north-up, and their grid.

    ETOPO5 is a point grid at k/12 deg. The stored X coordinate drifts (spacing 0.0833341 deg)
    so, as the reference says, X is taken as index/12 and Y from -90 by 1/12. Points on the box
    edges are included, so each output cell is centred on an ETOPO5 point.
    """
    from scipy.io import netcdf_file  # netCDF3 classic reader

    with netcdf_file(path, "r", mmap=False) as ds:
        rose = ds.variables["ROSE"]
        if rose.shape != (2161, 4320):
            raise DataError(f"expected ROSE of shape (2161, 4320), got {rose.shape}")
        ys = np.asarray(ds.variables["ETOPO05_Y"][:], dtype=np.float64)
        if abs(ys[0] + 90) > 1e-6 or abs(ys[-1] - 90) > 1e-6:
            raise DataError(f"expected ETOPO05_Y from -90 to 90, got {ys[0]}..{ys[-1]}")
        south = grid.north_deg - grid.height * grid.cell_deg
        east = grid.west_deg + grid.width * grid.cell_deg
        r0, r1 = round((south + 90) * 12), round((grid.north_deg + 90) * 12)
        c0, c1 = round(grid.west_deg * 12), round(east * 12)
        crop = np.array(rose[r0 : r1 + 1, c0 : c1 + 1], dtype=np.float32)[::-1]
    half = 1 / 24
    out_grid = Grid(grid.west_deg - half, grid.north_deg + half, 1 / 12, crop.shape[1], crop.shape[0])
    return crop, out_grid
