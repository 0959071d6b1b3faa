"""The metric grid: lon/lat <-> metric transforms and the cell grid of a bounding box.

Every computation runs in ``settings.METRIC_CRS``, a Lambert Conformal Conic with standard
parallels 41 N and 51 N centred on 122 E. It is *conformal*: at any point the map scale is the
same in every direction, so a cell is as long north-south as east-west on the ground and an
anisotropic cost engine (uphill != downhill, 8/16 neighbour moves) sees true angles and
distances. Across 38-54 N its scale error stays within about +-1 %, which we accept (cell sizes
are used as nominal metres; the error is named here once rather than corrected per cell).

Grids are snapped to whole multiples of the resolution in metric coordinates, so two boxes at
the same resolution share cell edges and their results can be compared cell by cell.
"""

from __future__ import annotations

import math
import numbers
import warnings
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from affine import Affine
from pyproj import Transformer

from logistics import settings
from logistics.errors import ConfigError, ExtentError


__all__ = [
    "MetricGrid",
    "to_metric",
    "to_lonlat",
    "metric_grid",
    "grid_of",
    "box_outline",
    "lonlat_envelope",
    "cell_of",
    "check_bbox",
    "RESOLUTION_RANGE_M",
    "check_grid_resolution_m",
    "grid_lonlat",
    "normalize_chunks",
    "grid_array",
    "cellsize_m",
]


@lru_cache(maxsize=4)
def _transformer(crs: str, inverse: bool) -> Transformer:
    src, dst = ("EPSG:4326", crs) if not inverse else (crs, "EPSG:4326")
    return Transformer.from_crs(src, dst, always_xy=True)


def to_metric(lon, lat):
    """Lon/lat degrees (WGS84) -> ``(x, y)`` metres in ``settings.METRIC_CRS``.

    Scalars give floats, arrays give arrays of the broadcast shape.
    """
    x, y = _transformer(settings.METRIC_CRS, False).transform(lon, lat)
    return _same_kind(x, lon), _same_kind(y, lat)


def to_lonlat(x, y):
    """Metres in ``settings.METRIC_CRS`` -> ``(lon, lat)`` degrees (WGS84)."""
    lon, lat = _transformer(settings.METRIC_CRS, True).transform(x, y)
    return _same_kind(lon, x), _same_kind(lat, y)


def _same_kind(value, like):
    return float(value) if np.ndim(like) == 0 else np.asarray(value, dtype=np.float64)


def check_bbox(bbox, *, extent=None, what: str = "bbox"):
    """Validate ``(lon_min, lat_min, lon_max, lat_max)`` degrees; return it as a float tuple.

    Raises ``ExtentError`` for a malformed or inverted box, or one not inside ``extent``
    (None = ``settings.THEATRE_BBOX``, read at call time).
    """
    if extent is None:
        extent = settings.THEATRE_BBOX
    try:
        w, s, e, n = (float(v) for v in bbox)
    except (TypeError, ValueError):
        msg = f"{what} must be 4 numbers (lon_min, lat_min, lon_max, lat_max), got {bbox!r}"
        raise ExtentError(msg) from None
    if not all(math.isfinite(v) for v in (w, s, e, n)):
        raise ExtentError(f"{what} must be finite numbers, got {bbox!r}")
    if w >= e or s >= n:
        msg = (
            f"{what} {bbox!r} is inverted or empty: expected lon_min < lon_max and "
            f"lat_min < lat_max (order is west, south, east, north)"
        )
        raise ExtentError(msg)
    ew, es, ee, en = extent
    tol = 1e-6
    if w < ew - tol or s < es - tol or e > ee + tol or n > en + tol:
        msg = (
            f"{what} ({w:g}, {s:g}, {e:g}, {n:g}) is not inside the data extent "
            f"{ew:g}-{ee:g} E, {es:g}-{en:g} N; choose a box inside it"
        )
        if ew <= s < n <= ee and es <= w < e <= en:  # latitude first, as maps print a point
            msg += (f"; did you mean {s:g},{w:g},{n:g},{e:g}? (the order is west, south, east, "
                    "north: longitude first)")
        raise ExtentError(msg)
    return (w, s, e, n)


@dataclass(frozen=True)
class MetricGrid:
    """A north-up grid in ``settings.METRIC_CRS``: left/top edge (m), cell size (m), shape."""

    x_left_m: float
    y_top_m: float
    resolution_m: float
    shape: tuple[int, int]  #: (ny, nx)

    @property
    def transform(self) -> Affine:
        """Affine transform of the cell corners (rasterio convention)."""
        r = self.resolution_m
        return Affine(r, 0.0, self.x_left_m, 0.0, -r, self.y_top_m)

    @property
    def x_m(self) -> np.ndarray:
        """Cell-centre x coordinates (m), west to east."""
        return self.x_left_m + (np.arange(self.shape[1]) + 0.5) * self.resolution_m

    @property
    def y_m(self) -> np.ndarray:
        """Cell-centre y coordinates (m), north to south (descending)."""
        return self.y_top_m - (np.arange(self.shape[0]) + 0.5) * self.resolution_m

    @property
    def bounds_m(self) -> tuple[float, float, float, float]:
        """(x_min, y_min, x_max, y_max) of the cell edges, metres."""
        ny, nx = self.shape
        r = self.resolution_m
        return (self.x_left_m, self.y_top_m - ny * r, self.x_left_m + nx * r, self.y_top_m)

    def window(self, row0: int, col0: int, ny: int, nx: int) -> MetricGrid:
        """The sub-grid starting at (row0, col0) with ``ny`` x ``nx`` cells."""
        r = self.resolution_m
        return MetricGrid(self.x_left_m + col0 * r, self.y_top_m - row0 * r, r, (ny, nx))


def box_outline(box, n: int = 64) -> tuple[np.ndarray, np.ndarray]:
    """Points along the outline of ``(x0, y0, x1, y1)``, ``n`` per side: a box's edges curve
    when projected, so envelopes are taken over its densified outline."""
    x0, y0, x1, y1 = box
    t = np.linspace(0.0, 1.0, n + 1)
    xs = np.concatenate([x0 + (x1 - x0) * t, np.full_like(t, x1), x1 - (x1 - x0) * t, np.full_like(t, x0)])
    ys = np.concatenate([np.full_like(t, y0), y0 + (y1 - y0) * t, np.full_like(t, y1), y1 - (y1 - y0) * t])
    return xs, ys


def lonlat_envelope(bounds_m) -> tuple[float, float, float, float]:
    """Lon/lat envelope (west, south, east, north) of a metric box ``(x0, y0, x1, y1)``."""
    lon, lat = to_lonlat(*box_outline(bounds_m, 32))
    return (float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max()))


def check_resolution_m(resolution_m, key: str = "resolution_m") -> float:
    """A grid cell size in metres as a float: any real number (Python or numpy) that is
    finite and positive; ConfigError otherwise (text, a list, an array, True, NaN, 0)."""
    ok = (isinstance(resolution_m, numbers.Real) and not isinstance(resolution_m, bool)
          and math.isfinite(float(resolution_m)) and float(resolution_m) > 0)
    if not ok:
        raise ConfigError(f"{key} must be a positive number of metres, got {resolution_m!r}; "
                          "fix: a cell size such as 1000 (the default grid) or 25000 (coarse)")
    return float(resolution_m)


#: The grid cell sizes a user may ask for (metres, inclusive): ``--resolution-m`` of every
#: command and ``resolution_m=`` of the Python API (:func:`check_grid_resolution_m`).
#: assumed: a sanity bound, not a model limit: below 1 m is a unit slip (the DEM's cells are
#: about 900 m), and at 1000 km an army's box is a grid of 2 x 2 cells (tbf-36a) that gives a
#: result without a route, at 10,000 km one with no elevation data at all.
RESOLUTION_RANGE_M: tuple[float, float] = (1.0, 100_000.0)


def check_grid_resolution_m(resolution_m, key: str = "resolution_m") -> float:
    """:func:`check_resolution_m` within :data:`RESOLUTION_RANGE_M`, the range the command
    line takes: ConfigError naming ``key``, the value, the range and the fix."""
    r = check_resolution_m(resolution_m, key)
    lo, hi = RESOLUTION_RANGE_M
    if not lo <= r <= hi:
        raise ConfigError(f"{key}={r:.10g} is outside {lo:g}..{hi:g} m (the grid cell sizes "
                          f"--resolution-m takes); fix: a cell size in that range, such as "
                          f"1000 (the default grid) or 25000 (coarse)")
    return r


def metric_grid(bbox, resolution_m: float) -> MetricGrid:
    """The metric grid covering a lon/lat box, edges snapped to multiples of ``resolution_m``.

    The box's outline (densified, as its edges curve in LCC) is projected and its envelope is
    rounded outward, so every point of the box lies in the grid.
    """
    r = check_resolution_m(resolution_m)
    lon, lat = box_outline(bbox)
    x, y = to_metric(lon, lat)
    x0, x1 = math.floor(x.min() / r) * r, math.ceil(x.max() / r) * r
    y0, y1 = math.floor(y.min() / r) * r, math.ceil(y.max() / r) * r
    shape = (int(round((y1 - y0) / r)), int(round((x1 - x0) / r)))
    return MetricGrid(x0, y1, r, shape)


def cell_of(ds, x, y):
    """``(row, col)`` of the cell of grid/Dataset ``ds`` holding metric point(s) ``(x, y)``.

    ``ds`` is a terrain Dataset/DataArray (coords ``x``, ``y`` in metres, north-up) or a
    :class:`MetricGrid`. Scalars give ints, arrays give int arrays. Raises ``ExtentError`` if
    any point lies outside the grid.
    """
    grid = ds if isinstance(ds, MetricGrid) else grid_of(ds)
    xa, ya = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    r = grid.resolution_m
    col = np.floor((xa - grid.x_left_m) / r).astype(np.int64)
    row = np.floor((grid.y_top_m - ya) / r).astype(np.int64)
    ny, nx = grid.shape
    bad = (row < 0) | (row >= ny) | (col < 0) | (col >= nx) | ~np.isfinite(xa) | ~np.isfinite(ya)
    if np.any(bad):
        x0, y0, x1, y1 = grid.bounds_m
        bx = float(np.broadcast_to(xa, bad.shape)[bad][0])
        by = float(np.broadcast_to(ya, bad.shape)[bad][0])
        msg = (
            f"point x={bx:.0f} m, y={by:.0f} m lies outside the grid "
            f"(x {x0:.0f}..{x1:.0f} m, y {y0:.0f}..{y1:.0f} m); load terrain for a box that "
            f"contains it"
        )
        raise ExtentError(msg)
    if row.ndim == 0:
        return int(row), int(col)
    return row, col


def grid_of(ds) -> MetricGrid:
    """The :class:`MetricGrid` of a north-up Dataset/DataArray with metre coords ``x``, ``y``."""
    x = np.asarray(ds["x"].values, dtype=np.float64)
    y = np.asarray(ds["y"].values, dtype=np.float64)
    r = float(ds.attrs.get("resolution_m", abs(x[1] - x[0]) if x.size > 1 else abs(y[0] - y[1])))
    return MetricGrid(float(x[0] - r / 2), float(y[0] + r / 2), r, (y.size, x.size))


@lru_cache(maxsize=4)
def grid_lonlat(grid: MetricGrid) -> tuple[np.ndarray, np.ndarray]:
    """Lon/lat (degrees) of every cell centre of ``grid``, as read-only arrays (cached: the
    inverse projection is the slow step shared by every layer resampled onto the grid)."""
    xx, yy = np.meshgrid(grid.x_m, grid.y_m)
    lon, lat = to_lonlat(xx, yy)
    lon.setflags(write=False)
    lat.setflags(write=False)
    return lon, lat


def normalize_chunks(chunks, shape: tuple[int, int]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Dask chunk sizes for a ``(y, x)`` grid from an int, a pair, ``{"y":, "x":}``, True or
    "auto" (``settings.CHUNK_CELLS``)."""
    import dask.array as dka

    if isinstance(chunks, dict):
        chunks = (chunks.get("y", settings.CHUNK_CELLS), chunks.get("x", settings.CHUNK_CELLS))
    elif chunks is True or chunks == "auto":
        chunks = settings.CHUNK_CELLS
    positive = ConfigError(f"chunks must be positive cell counts, got {chunks!r}; e.g. "
                           f"chunks={settings.CHUNK_CELLS} (or chunks=True)")
    try:
        out = dka.core.normalize_chunks(chunks, shape)
    except ZeroDivisionError:  # dask's word for a chunk of 0 cells
        raise positive from None
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"chunks must be an int, a (y, x) pair or a dict, got {chunks!r}: {exc}") from None
    if any(c <= 0 for axis in out for c in axis):  # chunks=-5: dask's ValueError later, in a
        raise positive  # map_blocks ("Chunks do not add up to shape")
    return out


def _ignore_spurious_georeference_warning() -> None:
    """Ignore rasterio's "Dataset has no geotransform" from ``rasterio.features`` (idempotent).

    Every rasterize of ours passes its grid's transform, yet on dask's threads rasterio printed
    that NotGeoreferencedWarning: rasterize wraps its output array in an in-memory dataset that
    is read before rasterio georeferences it, and rasterio hides that read's warning with
    ``warnings.catch_warnings``, which is not thread-safe (one thread's exit restores the
    filters while another is still inside). The arrays are georeferenced, so the warning is
    spurious; the filter is installed from the calling thread before the blocks run, so every
    filter list a thread's catch_warnings restores holds it.
    """
    warnings.filterwarnings("ignore", message="Dataset has no geotransform, gcps, or rpcs",
                            module="rasterio.features")


def grid_array(func, grid: MetricGrid, *, chunks=None, dtype=np.float32):
    """Apply ``func(sub_grid) -> ndarray`` to ``grid``: once (numpy) or per dask block.

    This is how every layer built from the grid geometry alone (resampled rasters, rasterised
    rivers) gets one kernel for both backends.
    """
    if chunks is None:
        return func(grid)
    import dask.array as dka

    _ignore_spurious_georeference_warning()  # before dask's threads run the blocks

    template = dka.zeros(grid.shape, chunks=normalize_chunks(chunks, grid.shape), dtype=np.uint8)

    def block(tile, block_info=None):
        (r0, r1), (c0, c1) = block_info[None]["array-location"]
        return func(grid.window(r0, c0, r1 - r0, c1 - c0))

    return template.map_blocks(block, dtype=dtype, meta=np.empty((0, 0), dtype=dtype))


def cellsize_m(ds) -> tuple[float, float]:
    """Cell width and height ``(dx, dy)`` in metres of a terrain Dataset/DataArray (x, y coords).

    A grid of fewer than 2 x 2 cells has no spacing to read: DataError.
    """
    from logistics.errors import DataError

    x, y = ds["x"].values, ds["y"].values
    if x.size < 2 or y.size < 2:
        raise DataError(f"terrain grid must be at least 2 x 2 cells, got {y.size} x {x.size}")
    return float(abs(x[1] - x[0])), float(abs(y[1] - y[0]))
