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

__all__ = ["RAILWAYS_FILE", "shipped_railways", "railway_cells"]

RAILWAYS_FILE = "network/railways-1945.osm"  #: in ``settings.CONFIG_DIR``


def shipped_railways() -> Path:
    """The 1945 railway file (``python configs/network/build.py`` writes it): the one of
    ``settings.CONFIG_DIR`` as set when called, else the shipped one (a user's configs folder
    without railways runs on the shipped network). The one path every reader of it uses
    (terrain overlay, land-cover rule, osmnx network)."""
    p = Path(settings.CONFIG_DIR) / RAILWAYS_FILE
    return p if p.exists() else Path(settings.SHIPPED_CONFIG_DIR) / RAILWAYS_FILE


def railway_cells(grid: MetricGrid, path: Path | None, *, chunks=None,
                  all_touched: bool = True):
    """uint8 array on ``grid``: 1 where a railway line of ``path`` (OSM XML) lies in the cell.

    ``all_touched=True`` marks every cell a line touches (a belt measured from the line);
    ``False`` marks the 8-connected chain of cells along it (rasterio's line rule), i.e. the
    cells a route moving along the line passes. ``path`` None gives zeros.
    """
    from rasterio.features import rasterize

    lines = _railway_lines(str(path), path.stat().st_mtime_ns) if path is not None else ()

    def block(g: MetricGrid) -> np.ndarray:
        out = np.zeros(g.shape, dtype=np.uint8)
        if lines and 0 not in g.shape:
            rasterize([(ln, 1) for ln in lines], out=out, transform=g.transform,
                      all_touched=all_touched)
        return out

    return grid_array(block, grid, chunks=chunks, dtype=np.uint8)


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
