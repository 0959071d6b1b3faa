"""The 1945 railway lines rasterised onto a metric grid (the embankment overlay, the logging belt).

The lines are the shipped OSM XML (``configs/network/railways-1945.osm``, read with GDAL's OSM
driver through geopandas: the raster layers need only the geometry, not osmnx's graph) and are
burnt in with :func:`rasterio.features.rasterize`, the same kernel for numpy and each dask block.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from logistics import settings
from logistics.errors import DataError
from logistics.terrain.grid import MetricGrid, grid_array

__all__ = ["RAILWAYS_FILE", "shipped_railways", "railway_cells", "railway_distance_km"]

RAILWAYS_FILE = "network/railways-1945.osm"  #: in ``settings.CONFIG_DIR``


def shipped_railways(config_dir: str | Path | None = None) -> Path:
    """The 1945 railway file (``python configs/network/build.py`` writes it): the one of
    ``config_dir`` (``settings.CONFIG_DIR`` as set when called), else the shipped one (a
    user's configs folder without railways runs on the shipped network). The one path every
    reader of it uses (terrain overlay, land-cover rule, osmnx network)."""
    p = settings.config_dir_path(config_dir) / RAILWAYS_FILE
    return p if p.exists() else Path(settings.SHIPPED_CONFIG_DIR) / RAILWAYS_FILE


def railway_cells(grid: MetricGrid, path: Path | None, *, chunks=None,
                  all_touched: bool = True):
    """uint8 array on ``grid``: 1 where a railway line of ``path`` (OSM XML) lies in the cell.

    ``all_touched=True`` marks every cell a line touches (a belt measured from the line);
    ``False`` marks the 8-connected chain of cells along it (rasterio's line rule), i.e. the
    cells a route moving along the line passes. ``path`` None gives zeros.
    """
    from rasterio.features import rasterize

    lines = railway_lines(path) if path is not None else ()

    def block(g: MetricGrid) -> np.ndarray:
        out = np.zeros(g.shape, dtype=np.uint8)
        if lines and 0 not in g.shape:
            rasterize([(ln, 1) for ln in lines], out=out, transform=g.transform,
                      all_touched=all_touched)
        return out

    return grid_array(block, grid, chunks=chunks, dtype=np.uint8)


def railway_lines(path: Path) -> tuple:
    """The railway lines of the OSM XML file ``path`` in the metric CRS (read once per file
    and edit; DataError naming the file and the rebuild for a file GDAL cannot read)."""
    return _railway_lines(str(path), Path(path).stat().st_mtime_ns)


@lru_cache(maxsize=2)
def _railway_lines(path: str, mtime_ns: int) -> tuple:
    import geopandas as gpd

    try:
        gdf = gpd.read_file(path, layer="lines")
    except Exception as exc:  # pyogrio raises several types for a broken file
        raise DataError(f"cannot read railway lines of {path}: {exc}; "
                        "rebuild it with `python configs/network/build.py`") from None
    if "railway" in gdf.columns:
        gdf = gdf[gdf["railway"].notna()]
    gdf = gdf.set_crs("EPSG:4326", allow_override=False) if gdf.crs is None else gdf
    return tuple(gdf.to_crs(settings.METRIC_CRS).geometry.to_numpy())


def railway_distance_km(terrain, x_m, y_m) -> np.ndarray:
    """Distance (km) from each point (metric ``x_m``, ``y_m`` of ``terrain``'s grid) to the
    nearest cell of a 1945 railway line on the Japanese side of the frontier (the terrain's
    ``railway`` overlay; :mod:`logistics.terrain.sides`), in the shape of ``x_m``; ``inf``
    where the terrain has no railway overlay or no such cell, ``nan`` at a point without
    finite coordinates.

    Why the Japanese side only: the distance tells a column on Manchurian ground whether a
    railway corridor (the line, its service road, its stations) is near; a Soviet line behind
    the frontier river opens no road on the far bank. Cell centres, so good to about half a
    cell. Nearest neighbour by scipy's cKDTree (no library gives the distance to a raster's
    set cells at arbitrary points; a distance transform of the whole grid would do far more).
    """
    from scipy.spatial import cKDTree

    from logistics.terrain.grid import to_lonlat
    from logistics.terrain.sides import JAPANESE, side_of

    x, y = np.broadcast_arrays(np.asarray(x_m, dtype=np.float64),
                               np.asarray(y_m, dtype=np.float64))
    ok = np.isfinite(x) & np.isfinite(y)
    far = np.where(ok, np.inf, np.nan)  # no railway cell known: every point is far from one
    if "railway" not in terrain or x.size == 0:
        return far
    rows, cols = np.nonzero(np.asarray(terrain["railway"].values))
    if rows.size == 0:
        return far
    rx = np.asarray(terrain["x"].values, dtype=np.float64)[cols]
    ry = np.asarray(terrain["y"].values, dtype=np.float64)[rows]
    lon, lat = to_lonlat(rx, ry)
    ours = side_of(lon, lat) == JAPANESE
    if not ours.any():
        return far
    out = np.full(x.shape, np.nan)
    d_m, _ = cKDTree(np.column_stack([rx[ours], ry[ours]])).query(
        np.column_stack([x[ok], y[ok]]))
    out[ok] = np.asarray(d_m, dtype=np.float64) / 1000.0
    return out
