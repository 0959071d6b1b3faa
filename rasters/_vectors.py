"""Vector layers from GMT's binned pieces: join the pieces, close lake shores, write GeoPackages.

GMT cuts every line at its bin edges; pieces are joined where exactly two share an end point
(``shapely.ops.linemerge``), so a confluence stays a node. Lake shores that leave the theatre
box (Lake Baikal in the north-west corner) are closed along the box edge.
"""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Geod
from rasterio.features import geometry_mask
from shapely.ops import linemerge, polygonize, unary_union

from _grid import Grid
from logistics._atomic import atomic_path

__all__ = [
    "join_pieces", "lake_polygons", "lines_frame", "lakes_frame", "area_km2", "write_gpkg", "FIXED_GPKG_DATE",
]

#: gpkg_contents.last_change of every written GeoPackage (GDAL's OGR_CURRENT_DATE), so that a
#: rebuild gives the same bytes.
FIXED_GPKG_DATE = "2000-01-01T00:00:00.000Z"
_LAKE = 2  #: landmask code of lake cells
_GEOD = Geod(ellps="WGS84")


def join_pieces(pieces: list[np.ndarray]) -> list[shapely.LineString]:
    """Join line pieces where exactly two meet end to end; sorted by first vertex."""
    if not pieces:
        return []
    merged = linemerge([shapely.LineString(p) for p in pieces])
    lines = list(getattr(merged, "geoms", [merged]))
    return sorted(lines, key=lambda ln: (ln.coords[0], len(ln.coords)))


def _lake_fraction(face: shapely.Polygon, landmask: np.ndarray, grid: Grid) -> float:
    """Fraction of the 30" cells whose centre lies in ``face`` that the landmask calls lake."""
    inside = ~geometry_mask([face], out_shape=landmask.shape, transform=grid.transform)
    n = int(inside.sum())
    return float((landmask[inside] == _LAKE).sum()) / n if n else 0.0


def lake_polygons(
    shore_pieces: list[np.ndarray],
    island_pieces: list[np.ndarray],
    landmask: np.ndarray,
    grid: Grid,
) -> list[shapely.Polygon]:
    """Lake polygons (GSHHG level 2) with their islands (level 3) cut out.

    Closed shore rings are lakes as they are. Open shores end on the box edge: they are
    noded with the box outline and the faces that the GSHHG land mask calls mostly lake
    (more than half of the cells) are kept.
    """
    chains = join_pieces(shore_pieces)
    lakes = [shapely.Polygon(c.coords) for c in chains if c.is_closed and len(c.coords) >= 4]
    open_chains = [c for c in chains if not c.is_closed]
    if open_chains:
        box = shapely.box(*_bounds(grid))
        noded = unary_union([*open_chains, box.exterior])
        for face in polygonize(noded.geoms):  # every face touches the box edge
            if _lake_fraction(face, landmask, grid) > 0.5:
                lakes.append(face)
    islands = [shapely.Polygon(c.coords) for c in join_pieces(island_pieces)
               if c.is_closed and len(c.coords) >= 4]
    out = []
    for lake in lakes:
        lake = shapely.make_valid(lake) if not lake.is_valid else lake
        holes = [isl for isl in islands if lake.contains(isl.representative_point())]
        if holes:
            lake = lake.difference(unary_union(holes))
        out.extend(g for g in getattr(lake, "geoms", [lake]) if isinstance(g, shapely.Polygon))
    return sorted(out, key=lambda p: p.exterior.coords[0])


def _bounds(grid: Grid) -> tuple[float, float, float, float]:
    south = grid.north_deg - grid.height * grid.cell_deg
    east = grid.west_deg + grid.width * grid.cell_deg
    return grid.west_deg, south, east, grid.north_deg


def lines_frame(lines_by_level: dict[int, list[shapely.LineString]]) -> gpd.GeoDataFrame:
    """GeoDataFrame of LineStrings with an integer ``level`` column, EPSG:4326."""
    levels = [lvl for lvl, lines in sorted(lines_by_level.items()) for _ in lines]
    geoms = [ln for _, lines in sorted(lines_by_level.items()) for ln in lines]
    return gpd.GeoDataFrame({"level": np.asarray(levels, dtype=np.int32)}, geometry=geoms,
                            crs="EPSG:4326")


def area_km2(polygon: shapely.Polygon) -> float:
    """Geodesic area on the WGS84 ellipsoid in km²."""
    return abs(_GEOD.geometry_area_perimeter(polygon)[0]) / 1e6


def lakes_frame(polygons_by_kind: dict[str, list[shapely.Polygon]]) -> gpd.GeoDataFrame:
    """GeoDataFrame of lake Polygons: ``level`` 2 (GSHHG lake level), ``kind`` ("lake" or
    "riverlake": a double-lined river reach such as the lower Amur) and geodesic ``area_km2``."""
    kinds = [k for k, polys in polygons_by_kind.items() for _ in polys]
    polys = [p for plist in polygons_by_kind.values() for p in plist]
    return gpd.GeoDataFrame(
        {"level": np.full(len(polys), 2, dtype=np.int32), "kind": kinds,
         "area_km2": np.round([area_km2(p) for p in polys], 3)},
        geometry=polys, crs="EPSG:4326")


def write_gpkg(path: Path, frame: gpd.GeoDataFrame, *, layer: str) -> None:
    """Write one layer atomically with a fixed ``last_change`` date (reproducible bytes)."""
    old = os.environ.get("OGR_CURRENT_DATE")
    os.environ["OGR_CURRENT_DATE"] = FIXED_GPKG_DATE
    try:
        with atomic_path(path) as tmp:
            tmp.unlink()  # GDAL must create the file itself
            frame.to_file(tmp, driver="GPKG", layer=layer, engine="pyogrio")
    finally:
        if old is None:
            os.environ.pop("OGR_CURRENT_DATE", None)
        else:
            os.environ["OGR_CURRENT_DATE"] = old
