"""Open the shipped rasters lazily and clip them to a box or a corridor, in their own CRS.

The shipped layers live in ``settings.RASTER_DIR`` and are built by ``python rasters/build.py``
(lon/lat EPSG:4326 grids: the merged 30" DEM, ETOPO5, land mask, land cover). Reprojection to
the metric grid (``settings.METRIC_CRS``, a conformal LCC: why, see
:mod:`logistics.terrain.grid`) is done by :mod:`logistics.terrain.resample`, which reads the
files directly: bilinear for elevation, nearest for classes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import xarray as xr

from logistics import settings
from logistics.errors import (CRSError, DataError, ExtentError, LogisticsError, UnknownNameError,
                              choice_fix)
from logistics.terrain.grid import check_bbox, to_lonlat, to_metric

__all__ = [
    "DEM_FILES",
    "check_dem",
    "ELEVATION_RANGE_M",
    "MAX_DEM_CELL_DEG",
    "check_codes",
    "check_dem_file",
    "check_elevations",
    "raster_path",
    "reading",
    "read_layer",
    "open_raster",
    "raster_bbox",
    "clip_bbox",
    "corridor_polygon",
    "corridor_bbox",
    "clip_corridor",
]

#: DEM choices of ``load_terrain(dem=...)`` -> shipped file name.
DEM_FILES: dict[str, str] = {
    "merged": "dem_merged_30s.tif",  # meteva 30" inside China, height_oy 0.1 deg fill outside
    "etopo5": "etopo5.tif",  # ETOPO5 5' (NOAA NGDC, public domain): the documented baseline
}


def check_dem(dem: object) -> str:
    """``dem`` when it names a DEM of :data:`DEM_FILES`; UnknownNameError naming each and the
    fix otherwise. The one check of ``load_terrain(dem=)`` and the API's doors (``run``,
    ``compare``: before any loading; a comparison met it in its first run)."""
    if isinstance(dem, str) and dem in DEM_FILES:
        return dem
    raise UnknownNameError(f"unknown dem {dem!r}: choose one of {sorted(DEM_FILES)}; "
                           + choice_fix("dem", dem, list(DEM_FILES)))


def raster_path(name: str | Path) -> Path:
    """Path of a shipped layer (a file name in ``settings.RASTER_DIR``, or any path).

    A missing file raises ``DataError`` saying how to build it.
    """
    path = Path(name)
    if not path.is_absolute() and path.parent == Path("."):
        path = Path(settings.RASTER_DIR) / path
    if not path.exists():
        msg = (
            f"shipped layer {path.name!r} not found at {path}; build the layers with "
            f"`python rasters/build.py`, or point LOGISTICS_RASTER_DIR at a folder holding them"
        )
        raise DataError(msg)
    return path


def layer_error(path: Path, problem: str) -> DataError:
    """The one error for a shipped layer that cannot be read: which file, and how to repair it."""
    return DataError(
        f"cannot read the layer {path.name} ({path}): {problem}; the file is damaged or not the "
        "layer logistics expects: rebuild the layers with `python rasters/build.py`, or check "
        "every file against rasters/MANIFEST.json with `python rasters/build.py --check`"
    )


@contextlib.contextmanager
def reading(path: Path) -> Iterator[None]:
    """Turn any failure of the raster/vector libraries while reading ``path`` into one
    :func:`layer_error` (rasterio, GDAL, pyogrio raise many unrelated types for a bad file)."""
    try:
        yield
    except LogisticsError:
        raise
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - a library's error for a corrupt file, whatever type
        text = " ".join(str(exc).split())
        raise layer_error(path, (text[:200] + "...") if len(text) > 200 else text or
                          type(exc).__name__) from None


def read_layer(name: str | Path, *, bbox=None):
    """A shipped vector layer (``lakes.gpkg``, ``coast.gpkg``, ...) as a GeoDataFrame in its own
    CRS, limited to a lon/lat ``bbox``; a damaged file is one DataError (:func:`layer_error`)."""
    import geopandas as gpd

    path = raster_path(name)
    with reading(path):
        gdf = gpd.read_file(path, bbox=bbox)
    if gdf.crs is None:
        raise CRSError(f"{path} has no CRS; rebuild it with `python rasters/build.py`")
    return gdf


def open_raster(name: str | Path, *, chunks=None, masked: bool = True) -> xr.DataArray:
    """Open a single-band shipped raster lazily as a 2-D DataArray ``(y, x)``.

    ``chunks`` (e.g. ``{"x": 2048, "y": 2048}`` or ``True``) gives a dask-backed array; None
    gives a lazily loaded numpy one. With ``masked`` nodata becomes NaN (floats). Raises
    ``DataError`` for a missing/unreadable file and ``CRSError`` if it carries no CRS.
    """
    import rioxarray

    path = raster_path(name)
    with reading(path):
        da = rioxarray.open_rasterio(path, chunks=chunks, masked=masked)
    if isinstance(da, list) or "band" not in da.dims:
        raise DataError(f"{path} is not a single raster band; rebuild it with `python rasters/build.py`")
    da = da.isel(band=0, drop=True)
    if da.rio.crs is None:
        msg = (
            f"raster {path} has no CRS; set one, e.g. "
            f"`da.rio.write_crs('EPSG:4326').rio.to_raster(path)`, or rebuild it with "
            f"`python rasters/build.py`"
        )
        raise CRSError(msg)
    da.name = da.name or path.stem
    da.attrs["source_file"] = path.name
    return da


#: Elevations of the Earth's surface (m): the Challenger Deep (-10,994 m: ETOPO5 holds the sea
#: floor) and Everest (8,849 m), rounded outward. A DEM value beyond them is a damaged file or
#: no elevation model in metres.
ELEVATION_RANGE_M: tuple[float, float] = (-11000.0, 9000.0)
#: Coarsest DEM cell read (degrees). **Assumed**: 15 arc-minutes (about 28 x 19 km here), three
#: times the ETOPO5 baseline's 5'; coarser, no slope a march meets is left in the cells.
MAX_DEM_CELL_DEG: float = 0.25


def check_on_theatre(path: Path, crs, bounds) -> None:
    """DataError (:func:`layer_error`) when the raster ``path``, of ``bounds`` in its ``crs``
    (rasterio's), lies nowhere on the theatre: a wrong CRS label puts a layer somewhere else on
    the Earth, and every point of the theatre then read as "no terrain data (sea or outside
    the DEM)", naming no file (the DEM's, or the land cover's blamed on the DEM)."""
    from rasterio.warp import transform_bounds

    from logistics import settings

    try:
        w, s, e, n = transform_bounds(crs, "EPSG:4326", *bounds)
    except Exception:  # noqa: BLE001 - a CRS that cannot reach lon/lat is the same problem
        w = s = e = n = float("nan")
    tw, ts, te, tn = settings.THEATRE_BBOX
    if not (w < te and e > tw and s < tn and n > ts):
        raise layer_error(path, f"in its CRS ({crs.to_string()}) it covers lon {w:.4g}.."
                                f"{e:.4g}, lat {s:.4g}..{n:.4g}, nowhere on the theatre "
                                f"({tw:g}..{te:g} E, {ts:g}..{tn:g} N): is its CRS "
                                "label right?")


def check_dem_file(name: str | Path) -> None:
    """DataError (:func:`layer_error`) when the DEM ``name`` lies nowhere on the theatre in its
    own CRS (a wrong CRS label), or, in lon/lat, has cells coarser than
    :data:`MAX_DEM_CELL_DEG` (a DEM of one cell over the theatre was read as flat ground)."""
    import rasterio

    path = raster_path(name)
    with reading(path), rasterio.open(path) as src:
        crs, bounds = src.crs, src.bounds
        dx, dy = abs(src.transform.a), abs(src.transform.e)
    if crs:
        check_on_theatre(path, crs, bounds)
    if not (crs and crs.is_geographic):
        return
    if max(dx, dy) > MAX_DEM_CELL_DEG:
        raise layer_error(path, f"its cells are {dx:g} x {dy:g} degrees, coarser than "
                                f"{MAX_DEM_CELL_DEG * 60:g} arc-minutes (no slope a march meets is "
                                "left in them)")


def check_elevations(values: np.ndarray, name: str | Path) -> None:
    """DataError (:func:`layer_error`) when the elevations read from the DEM ``name`` hold a
    value beyond :data:`ELEVATION_RANGE_M` (NaN is nodata and passes)."""
    lo_ok, hi_ok = ELEVATION_RANGE_M
    allowed = f"the Earth's surface lies at {lo_ok:g} (the sea floor) to {hi_ok:g} m"
    v = np.asarray(values)
    finite = v[np.isfinite(v)]  # (an infinity is refused where the DEM is read)
    if finite.size and (finite.min() < lo_ok or finite.max() > hi_ok):
        raise layer_error(raster_path(name), f"it holds elevations of {finite.min():g} to "
                                             f"{finite.max():g} m; {allowed} (is it a DEM in "
                                             "metres?)")


def check_codes(values: np.ndarray, name: str | Path, allowed: Sequence[int], what: str,
                fill: int) -> None:
    """DataError (:func:`layer_error`) when the class layer ``name`` holds a code outside
    ``allowed`` (``fill``: outside the raster, passes); ``what`` words the allowed codes. A
    foreign code was read as nodata, a barrier, and blamed on the DEM."""
    codes = np.unique(np.asarray(values))
    odd = [int(c) for c in codes if int(c) not in allowed and int(c) != fill]
    if odd:
        shown = ", ".join(map(str, odd[:10])) + (f" and {len(odd) - 10} more" if len(odd) > 10
                                                  else "")
        raise layer_error(raster_path(name), f"it holds code(s) {shown}; its cells are {what}")


def raster_bbox(da: xr.DataArray) -> tuple[float, float, float, float]:
    """Extent (west, south, east, north) of a raster in its own CRS (cell edges)."""
    return tuple(float(v) for v in da.rio.bounds())  # type: ignore[return-value]


def clip_bbox(da: xr.DataArray, bbox: Sequence[float]) -> xr.DataArray:
    """Clip a lon/lat raster to ``(lon_min, lat_min, lon_max, lat_max)``.

    Raises ``ExtentError`` for an inverted box or one outside the raster (naming its extent)
    and ``DataError`` if the clip holds nodata only.
    """
    w, s, e, n = check_bbox(bbox, extent=raster_bbox(da))
    clipped = da.rio.clip_box(minx=w, miny=s, maxx=e, maxy=n)
    valid = clipped.notnull() if np.issubdtype(clipped.dtype, np.floating) else (
        clipped != clipped.rio.nodata
    )
    if not bool(valid.any()):
        msg = (
            f"the box ({w:g}, {s:g}, {e:g}, {n:g}) holds nodata only in "
            f"{da.attrs.get('source_file', da.name)}; choose a box over land covered by the data"
        )
        raise DataError(msg)
    return clipped


def corridor_polygon(points_lonlat: Sequence[tuple[float, float]], width_km: float):
    """A corridor: the line through ``(lon, lat)`` points buffered to ``width_km`` in total.

    Returned as a shapely Polygon in ``settings.METRIC_CRS`` metres (buffering in degrees would
    make the corridor narrower east-west than north-south).
    """
    from shapely.geometry import LineString, Point

    msg = f"corridor points must be (lon, lat) pairs, got {points_lonlat!r:.80}"
    try:  # a text or a mapping was a ValueError or TypeError out of numpy
        pts = np.asarray(points_lonlat, dtype=np.float64)
    except (TypeError, ValueError):
        raise ExtentError(msg) from None
    if pts.ndim != 2 or pts.shape[1] != 2 or len(pts) < 1 or not np.isfinite(pts).all():
        raise ExtentError(msg)
    if isinstance(width_km, bool) or not isinstance(width_km, (int, float, np.number)) \
            or not (np.isfinite(width_km) and width_km > 0):
        raise ExtentError(f"corridor width_km must be a positive number, got {width_km!r}")
    x, y = to_metric(pts[:, 0], pts[:, 1])
    geom = Point(x[0], y[0]) if len(pts) == 1 else LineString(np.column_stack([x, y]))
    return geom.buffer(width_km * 500.0)


def corridor_bbox(points_lonlat, width_km: float) -> tuple[float, float, float, float]:
    """Lon/lat envelope (west, south, east, north) of :func:`corridor_polygon`."""
    poly = corridor_polygon(points_lonlat, width_km)
    xs, ys = np.asarray(poly.exterior.coords).T
    lon, lat = to_lonlat(xs, ys)
    return (float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max()))


def clip_corridor(da: xr.DataArray, points_lonlat, width_km: float) -> xr.DataArray:
    """Clip a lon/lat raster to a corridor (see :func:`corridor_polygon`); outside -> nodata."""
    from shapely.geometry import Polygon

    poly = corridor_polygon(points_lonlat, width_km)
    clipped = clip_bbox(da, corridor_bbox(points_lonlat, width_km))
    xs, ys = np.asarray(poly.exterior.coords).T
    lon, lat = to_lonlat(xs, ys)
    return clipped.rio.clip([Polygon(np.column_stack([lon, lat]))], crs="EPSG:4326", all_touched=True)
