"""Rivers: WDBII lines -> river crossing classes on the metric grid, and the nearest river.

``rivers.gpkg`` (built by ``rasters/build.py`` from GSHHG/WDBII) holds LineStrings with an
integer ``level``: 0 river-lakes, 1-4 permanent rivers from major to minor, 5-7 intermittent,
8-10 canals. The level -> :class:`RiverClass` mapping follows the ``RiverClass`` docstrings; level
0 (a river reach wide enough to be drawn as a lake) is mapped to MAJOR, a modelling choice.
WDBII carries no river names and dates from about 1990 (reservoirs and canals built after 1945
are included; we do not remove them).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from logistics import settings
from logistics.errors import DataError
from logistics.terrain.classes import RiverClass
from logistics.terrain.dem import raster_path, reading
from logistics.terrain.grid import MetricGrid, to_metric

__all__ = [
    "RIVERS_FILE",
    "river_class_of_level",
    "read_rivers",
    "rasterize_rivers",
    "nearest_river",
    "near_river_mask",
]

RIVERS_FILE = "rivers.gpkg"

_LEVEL_TO_CLASS = np.array(
    [
        RiverClass.MAJOR,  # 0 river-lake (modelling choice, see module docstring)
        RiverClass.MAJOR,  # 1
        RiverClass.LARGE,  # 2
        RiverClass.MEDIUM,  # 3
        RiverClass.MEDIUM,  # 4
        RiverClass.INTERMITTENT,  # 5
        RiverClass.INTERMITTENT,  # 6
        RiverClass.INTERMITTENT,  # 7
        RiverClass.CANAL,  # 8
        RiverClass.CANAL,  # 9
        RiverClass.CANAL,  # 10
    ],
    dtype=np.uint8,
)


def river_class_of_level(level):
    """WDBII river level(s) 0-10 -> ``RiverClass`` code(s) (uint8); other levels -> NONE."""
    lv = np.asarray(level)
    ok = (lv >= 0) & (lv <= 10)
    out = np.where(ok, _LEVEL_TO_CLASS[np.clip(lv, 0, 10).astype(np.int64)], RiverClass.NONE)
    return out.astype(np.uint8) if out.ndim else np.uint8(out)


def read_rivers(bbox=None):
    """Rivers as a GeoDataFrame in ``settings.METRIC_CRS`` with ``level`` and ``river_class``.

    ``bbox`` (lon/lat west, south, east, north) limits the read. The whole file is cached per
    process (it is small: a few MB).
    """
    gdf = _rivers_metric()
    if bbox is None:
        return gdf
    x0, y0, x1, y1 = _metric_envelope(bbox)
    return gdf.cx[x0:x1, y0:y1]


def _rivers_metric():
    path = raster_path(RIVERS_FILE)
    return _read_all(str(path), path.stat().st_mtime_ns, settings.METRIC_CRS)


@lru_cache(maxsize=2)
def _read_all(path: str, mtime_ns: int, crs: str):
    import geopandas as gpd

    with reading(Path(path)):
        gdf = gpd.read_file(path)
    if "level" not in gdf.columns:
        msg = f"{path} has no 'level' column (WDBII river level); rebuild it with `python rasters/build.py`"
        raise DataError(msg)
    if gdf.crs is None:
        from logistics.errors import CRSError

        raise CRSError(f"{path} has no CRS; set one with `gdf.set_crs('EPSG:4326')` or rebuild it")
    gdf = gdf.to_crs(crs)
    gdf["river_class"] = river_class_of_level(gdf["level"].to_numpy())
    gdf = gdf[gdf["river_class"] != RiverClass.NONE]
    return gdf.reset_index(drop=True)


def _metric_envelope(bbox):
    w, s, e, n = bbox
    lon = np.array([w, e, e, w, (w + e) / 2, (w + e) / 2])
    lat = np.array([s, s, n, n, s, n])
    x, y = to_metric(lon, lat)
    return x.min(), y.min(), x.max(), y.max()


def rasterize_rivers(rivers, grid: MetricGrid, *, levels=None) -> np.ndarray:
    """``RiverClass`` codes (uint8) of the cells of ``grid`` that any river line touches.

    Where several rivers share a cell the most major class (smallest non-zero code) wins.
    ``levels`` restricts the WDBII levels drawn. Cells touched by a line count (all_touched),
    so a river is a connected band of cells that no 4-neighbour move can slip through.
    """
    from rasterio.features import rasterize

    out = np.zeros(grid.shape, dtype=np.uint8)
    if len(rivers) == 0 or 0 in grid.shape:
        return out
    sub = rivers if levels is None else rivers[rivers["level"].isin(list(levels))]
    x0, y0, x1, y1 = grid.bounds_m
    r = grid.resolution_m
    sub = sub.cx[x0 - r : x1 + r, y0 - r : y1 + r]
    if len(sub) == 0:
        return out
    sub = sub.sort_values("river_class", ascending=False)  # majors drawn last, so they win
    shapes = zip(sub.geometry.to_numpy(), sub["river_class"].to_numpy().astype(int))
    rasterize(shapes, out=out, transform=grid.transform, all_touched=True)
    return out


def nearest_river(lon: float, lat: float, *, search_km: float = 150.0) -> dict | None:
    """The river line nearest to a point: WDBII level, class name and distance (km).

    Returns None when no river lies within ``search_km``.
    """
    from shapely.geometry import Point

    x, y = to_metric(lon, lat)
    gdf = _rivers_metric()
    d = search_km * 1000.0
    near = gdf.cx[x - d : x + d, y - d : y + d]
    if len(near) == 0:
        return None
    dist = near.geometry.distance(Point(x, y))
    i = int(np.argmin(dist.to_numpy()))
    if dist.iloc[i] > d:
        return None
    row = near.iloc[i]
    return {
        "level": int(row["level"]),
        "river_class": RiverClass(int(row["river_class"])).name,
        "distance_km": float(dist.iloc[i]) / 1000.0,
    }


def _cache_clear() -> None:
    """Forget the cached river file (tests that swap ``settings.RASTER_DIR``)."""
    _read_all.cache_clear()



def _near_kernel(river_cells: np.ndarray, radius_cells: float) -> np.ndarray:
    """True where a river cell lies within ``radius_cells`` (Euclidean, cell centres)."""
    from scipy.ndimage import distance_transform_edt

    mask = np.asarray(river_cells) != 0
    if not mask.any():
        return np.zeros(mask.shape, dtype=bool)
    return distance_transform_edt(~mask) <= radius_cells


def near_river_mask(river_cells, *, buffer_m: float, resolution_m: float):
    """Cells within ``buffer_m`` of any non-zero cell of ``river_cells`` (numpy or dask array).

    Exact on dask too: each block sees ``ceil(buffer / resolution)`` cells of its neighbours.
    """
    radius = buffer_m / resolution_m
    if type(river_cells).__module__.startswith("dask"):
        import dask.array as dka

        reach = int(np.ceil(radius)) + 1
        # dask refuses a halo deeper than the array; one as wide as the axis already shows all
        depth = {i: min(reach, max(n - 1, 0)) for i, n in enumerate(river_cells.shape)}
        return dka.map_overlap(
            _near_kernel, river_cells, depth=depth, boundary=0, dtype=bool,
            meta=np.empty((0, 0), dtype=bool), radius_cells=radius,
        )
    return _near_kernel(river_cells, radius)
