"""Water and no-data cells of a window of a terrain grid, read without building the terrain.

:func:`water_window` gives, for the cells ``rows`` x ``cols`` of a :class:`~logistics.terrain.
grid.MetricGrid` (a run's grid: the army's box at its ``--resolution-m``), the cells every
vehicle's cost model makes a barrier in every season (:func:`logistics.cost.physics.cost_model`:
a WATER or NODATA ``terrain_class``, or no elevation), with the same values
:func:`logistics.terrain.load_terrain` gives those cells on the whole grid: the same layers,
read by the same kernel at the same cell centres (the grid's edges are snapped to multiples of
the cell, and the elevation takes the whole grid's averaging box, as a dask block does), and
the same rule (:func:`~logistics.terrain.landcover.classify_terrain`; the wetland and the 1945
marsh and forest rules only change land classes, so they are not read). Why: a start or an
objective in a lake or the sea is refused before the terrain step
(:mod:`logistics.advance.land_check`), by the route's own snapping on these cells.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from logistics.terrain.classes import TerrainClass
from logistics.terrain.grid import MetricGrid

__all__ = ["water_window", "water_at", "BARRIER_CLASSES"]

#: The terrain classes no land vehicle enters (cost/physics.py gives them class 255).
BARRIER_CLASSES: tuple[int, ...] = (int(TerrainClass.WATER), int(TerrainClass.NODATA))


def water_window(grid: MetricGrid, rows: slice, cols: slice, *, dem: str = "merged"
                 ) -> xr.Dataset:
    """The window ``rows`` x ``cols`` (slices of cell indices, clipped to ``grid``) of
    ``grid`` as a Dataset with coordinates ``x``, ``y`` (m, those of the whole grid's cells)
    and ``terrain_class`` (uint8: ``TerrainClass`` WATER and NODATA as the terrain has them,
    other cells a land class) and ``blocked`` (bool: WATER, NODATA or no elevation).
    ``dem``: ``"merged"`` or ``"etopo5"``, as :func:`~logistics.terrain.load_terrain`'s.
    DataError for a layer holding values the terrain refuses (its own checks)."""
    from logistics.terrain.grid import grid_lonlat

    ny, nx = grid.shape
    r0, r1, _ = rows.indices(ny)
    c0, c1, _ = cols.indices(nx)
    sub = grid.window(r0, c0, max(r1 - r0, 0), max(c1 - c0, 0))
    cls, blocked = _classes(grid, *grid_lonlat(sub), dem)
    return xr.Dataset({"terrain_class": (("y", "x"), cls), "blocked": (("y", "x"), blocked)},
                      coords={"y": sub.y_m, "x": sub.x_m},
                      attrs={"resolution_m": grid.resolution_m})


def water_at(grid: MetricGrid, rows, cols, *, dem: str = "merged") -> np.ndarray:
    """Bool array: the cells (``rows``, ``cols``: int arrays) of ``grid`` that
    :func:`water_window` gives ``blocked``, read at once (a few points of a large grid)."""
    from logistics.terrain.grid import to_lonlat

    rows, cols = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
    lon, lat = to_lonlat(grid.x_m[cols], grid.y_m[rows])
    return _classes(grid, np.asarray(lon), np.asarray(lat), dem)[1]


def _classes(grid: MetricGrid, lon: np.ndarray, lat: np.ndarray, dem: str):
    """``(terrain_class, blocked)`` at cell centres ``lon``, ``lat`` of ``grid``."""
    from logistics.terrain import LANDCOVER_FILE, LANDMASK_FILE, _UNKNOWN
    from logistics.terrain.dem import DEM_FILES, check_codes, check_dem, check_elevations
    from logistics.terrain.landcover import classify_terrain
    from logistics.terrain.resample import sample_raster

    check_dem(dem)
    elevation = sample_raster(DEM_FILES[dem], lon, lat, grid=grid).astype(np.float32)
    check_elevations(elevation, DEM_FILES[dem])
    igbp = sample_raster(LANDCOVER_FILE, lon, lat, kind="nearest", fill=_UNKNOWN)
    landmask = sample_raster(LANDMASK_FILE, lon, lat, kind="nearest", fill=_UNKNOWN)
    check_codes(igbp, LANDCOVER_FILE, range(17), "IGBP codes 0-16 (255: nodata)", _UNKNOWN)
    check_codes(landmask, LANDMASK_FILE, (0, 1, 2), "0 (sea), 1 (land) or 2 (lake)", _UNKNOWN)
    cls = classify_terrain(igbp, landmask, elevation, np.zeros(np.shape(lon), dtype=bool))
    return cls, np.isin(cls, BARRIER_CLASSES) | ~np.isfinite(elevation)
