"""Which side of the 1945 frontier a place is on: the Japanese side or the Soviet-Mongolian one.

The frontier is the international boundary of ``borders.gpkg`` (GSHHG/WDBII level 1).
**Assumption** (named): in this theatre today's boundary of China with Russia, Mongolia and
North Korea is the 1945 line between Manchukuo (with Korea and the occupied provinces of
China) and the Soviet Union and the Mongolian People's Republic: the Argun, Amur and Ussuri
rivers, the Khasan-Tumen corner and the Khalkhin Gol line settled in 1940 (river islands,
transferred in 2004-2008, are the exception, a few km at most).

How: on a lon/lat grid of :data:`SIDE_CELL_DEG` over the theatre the boundary and the coast are
drawn (every cell a line touches), the rest is split into its connected parts (8 neighbours),
and a part that holds one of the Japanese-side anchors (:data:`JAPANESE_ANCHORS`) is the
Japanese side; the sea beyond the coast is neither. Drawn once per process; a cell of any grid
is looked up by its centre. Written by hand because no library labels the sides of a line
network that does not close into polygons (the WDBII lines leave the theatre's edge open).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from logistics import settings

__all__ = ["SIDE_CELL_DEG", "JAPANESE_ANCHORS", "JAPANESE", "SOVIET", "NEITHER", "side_of",
           "sides_grid", "sides_stamp", "frontier_lines"]

#: Cell of the side grid, degrees: about 2 km, so the boundary drawn with every touched cell is a
#: wall no 8-neighbour step slips through.
SIDE_CELL_DEG: float = 0.02
#: Places on the Japanese side in 1945 ([GEONAMES] coordinates): Harbin (Manchukuo), Pyongyang
#: (Korea), Kalgan (Mengjiang, the occupied Chahar).
JAPANESE_ANCHORS: tuple[tuple[float, float], ...] = ((126.65, 45.75), (125.75, 39.02),
                                                      (114.88, 40.81))
NEITHER, SOVIET, JAPANESE = 0, 1, 2


@lru_cache(maxsize=2)
def _sides(bbox: tuple[float, float, float, float], cell: float,
           stamp: tuple = ()) -> tuple[np.ndarray, object]:
    """(uint8 side grid, its affine transform) over ``bbox`` in lon/lat (``stamp``: the layers'
    paths and times, so a changed file is read again)."""
    from rasterio.features import rasterize
    from rasterio.transform import from_origin
    from scipy.ndimage import label

    w, s, e, n = bbox
    shape = (int(np.ceil((n - s) / cell)), int(np.ceil((e - w) / cell)))
    transform = from_origin(w, n, cell, cell)
    lines = _lines(stamp)
    wall = rasterize(((g, 1) for g in lines), out_shape=shape, transform=transform,
                     all_touched=True, dtype="uint8").astype(bool)
    parts, _ = label(~wall, structure=np.ones((3, 3), dtype=bool))
    japanese = set()
    for lon, lat in JAPANESE_ANCHORS:
        r, c = int((n - lat) / cell), int((lon - w) / cell)
        if 0 <= r < shape[0] and 0 <= c < shape[1] and parts[r, c]:
            japanese.add(int(parts[r, c]))
    # the parts that are neither Japanese nor sea are the Soviet-Mongolian side
    out = np.where(wall, NEITHER, SOVIET).astype(np.uint8)
    out[np.isin(parts, list(japanese))] = JAPANESE
    sea = _sea_parts(parts, bbox, cell, transform)
    out[np.isin(parts, list(sea - japanese))] = NEITHER
    return out, transform


@lru_cache(maxsize=2)
def _lines(stamp: tuple = ()) -> tuple:
    """The boundary and coast lines the sides are drawn from (``borders.gpkg``,
    ``coast.gpkg``), shapely geometries in lon/lat; ``stamp`` as in :func:`_sides`."""
    from logistics.terrain.dem import raster_path, read_layer, reading

    lines = []
    for name in ("borders.gpkg", "coast.gpkg"):
        path = raster_path(name)
        with reading(path):
            gdf = read_layer(name).to_crs("EPSG:4326")
            lines += [g for g in gdf.geometry if g is not None and not g.is_empty]
    return tuple(lines)


def frontier_lines() -> tuple:
    """The lines that divide the sides (the international boundary and the coast), as drawn,
    in lon/lat: where the side grid's cells on a line (``NEITHER``, about 2 km) are too coarse,
    e.g. to cut a fortified region's extent at the frontier river itself."""
    return _lines(sides_stamp())


def _sea_parts(parts: np.ndarray, bbox, cell: float, transform) -> set[int]:
    """Labels of the parts that are sea: those whose cells are mostly outside the land mask."""
    import rasterio
    from rasterio.warp import Resampling, reproject

    from logistics.terrain.dem import raster_path, reading

    land = np.zeros(parts.shape, dtype=np.uint8)
    path = raster_path("landmask_30s.tif")
    with reading(path), rasterio.open(path) as src:
        reproject(rasterio.band(src, 1), land, dst_transform=transform, dst_crs="EPSG:4326",
                  resampling=Resampling.nearest)
    n = np.bincount(parts.ravel())
    on_land = np.bincount(parts.ravel(), weights=(land > 0).ravel().astype(float),
                          minlength=len(n))
    return {int(k) for k in np.flatnonzero((n > 0) & (on_land < 0.5 * n)) if k != 0}


def sides_stamp() -> tuple:
    """The paths and modification times of the layers the sides are drawn from (a cache key
    for anything built on them)."""
    from logistics.terrain.dem import raster_path

    return tuple((str(p), p.stat().st_mtime_ns) for p in
                 (raster_path(n) for n in ("borders.gpkg", "coast.gpkg", "landmask_30s.tif")))


def sides_grid() -> tuple[np.ndarray, object]:
    """The theatre's side grid (``NEITHER``/``SOVIET``/``JAPANESE``, uint8) and its transform
    (drawn again when the layers' folder or files change)."""
    return _sides(tuple(float(v) for v in settings.THEATRE_BBOX), SIDE_CELL_DEG, sides_stamp())


def side_of(lon, lat) -> np.ndarray:
    """Side code of each point (arrays of lon, lat degrees); ``NEITHER`` outside the theatre,
    on the boundary or at sea."""
    grid, transform = sides_grid()
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    col = np.floor((lon - transform.c) / transform.a).astype(np.int64)
    row = np.floor((lat - transform.f) / transform.e).astype(np.int64)
    ok = (row >= 0) & (row < grid.shape[0]) & (col >= 0) & (col < grid.shape[1])
    out = np.full(lon.shape, NEITHER, dtype=np.uint8)
    out[ok] = grid[row[ok], col[ok]]
    return out
