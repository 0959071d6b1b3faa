"""What the model knows at one point: elevation, slope, surface class, rivers, DEM source.

``sample_point("Solun")`` or ``sample_point((121.24, 46.62))`` (lon, lat) returns a flat dict.
Elevation is bilinear in the native DEM grid (as the published spot heights in
shared/reference/data-sources.md); slope, gradient, roughness and classes are the values of the
point's cell in the same metric grid ``load_terrain`` builds (a window round the point, wide
enough that the wetland rule sees the same rivers as a full-theatre load).
"""

from __future__ import annotations

import math

import numpy as np

from logistics import settings
from logistics.errors import DataError
from logistics.geodesy import degrees_for_km, lat_lon_text
from logistics.terrain.classes import RiverClass, TerrainClass
from logistics.terrain.dem import DEM_FILES
from logistics.terrain.landcover import DEFAULT_WETLAND_RULE, WetlandRule
from logistics.terrain.resample import sample_raster
from logistics.terrain.rivers import nearest_river

__all__ = ["sample_point", "point_terrain", "check_point_fits", "resolve_point",
           "DEM_SOURCE_CODES"]

#: Codes of ``dem_source_30s.tif`` (which input each merged-DEM cell came from).
DEM_SOURCE_CODES: dict[int, str] = {
    0: "none",
    1: 'meteva 30" China grid (meteva 1.9.6.2)',
    2: "meteva height_oy 0.1 deg fill (meteva 1.9.6.2)",
}


def sample_point(
    query_or_lonlat,
    *,
    dem: str = "merged",
    resolution_m: float | None = None,
    wetland_rule: WetlandRule = DEFAULT_WETLAND_RULE,
    terrain=None,
    config_dir=None,
) -> dict:
    """Facts at a place name, a "LAT,LON" string or a ``(lon, lat)`` pair (degrees).

    ``terrain`` is an already loaded terrain Dataset holding the point (e.g. from
    :func:`point_terrain`); by default a window round the point is loaded, with the 1945 land
    cover and railways of the configs folder ``config_dir`` (``settings.CONFIG_DIR`` when
    None).

    Keys: ``name, lon, lat, x_m, y_m, elevation_m, dem, dem_source, slope_deg, dzdx, dzdy,
    roughness_m, terrain_class, terrain_class_code, river_class, river_class_code,
    nearest_river_level, nearest_river_class, nearest_river_km, resolution_m, place_source``.
    A point outside the theatre raises ``ExtentError`` naming the extent; a point whose cell
    has no terrain data (class NODATA: off the DEM or the land cover) raises ``DataError``.
    """
    from logistics.terrain import cell_of, to_metric

    if resolution_m is None:  # read at call time
        resolution_m = settings.DEFAULT_RESOLUTION_M
    name, lon, lat, place_source = resolve_point(query_or_lonlat)
    ds = terrain
    if ds is None:
        ds = point_terrain(lon, lat, dem=dem, resolution_m=resolution_m, wetland_rule=wetland_rule,
                           config_dir=config_dir)
    elevation = float(sample_raster(DEM_FILES.get(dem, dem), lon, lat))
    x, y = to_metric(lon, lat)
    row, col = cell_of(ds, x, y)
    cell = {v: ds[v].values[row, col] for v in ds.data_vars}
    river = nearest_river(lon, lat)
    tc, rc = int(cell["terrain_class"]), int(cell["river_class"])
    if tc == TerrainClass.NODATA:
        raise _no_data_error(lon, lat)
    return {
        "name": name,
        "lon": lon,
        "lat": lat,
        "x_m": x,
        "y_m": y,
        "elevation_m": elevation if math.isfinite(elevation) else None,
        "dem": dem,
        "dem_source": _dem_source(dem, lon, lat),
        "slope_deg": _num(cell["slope_deg"]),
        "dzdx": _num(cell["dzdx"]),
        "dzdy": _num(cell["dzdy"]),
        "roughness_m": _num(cell["roughness_m"]),
        "terrain_class": TerrainClass(tc).name,
        "terrain_class_code": tc,
        "river_class": RiverClass(rc).name,
        "river_class_code": rc,
        "nearest_river_level": river["level"] if river else None,
        "nearest_river_class": river["river_class"] if river else None,
        "nearest_river_km": river["distance_km"] if river else None,
        "resolution_m": float(ds.attrs.get("resolution_m", resolution_m)),
        "place_source": place_source,
    }


def point_terrain(
    lon: float,
    lat: float,
    *,
    dem: str = "merged",
    resolution_m: float | None = None,
    wetland_rule: WetlandRule = DEFAULT_WETLAND_RULE,
    config_dir=None,
):
    """The terrain Dataset of a window round a point, wide enough that every layer (wetland
    rule included) has the values a full-theatre load would give at the point; the 1945 land
    cover and railways of the configs folder ``config_dir`` (``settings.CONFIG_DIR`` when
    None)."""
    from logistics.terrain import load_terrain

    if resolution_m is None:  # read at call time
        resolution_m = settings.DEFAULT_RESOLUTION_M
    _check_in_theatre(f"{lat:.4f}, {lon:.4f}", lon, lat)
    box = _window(lon, lat, resolution_m, wetland_rule, config_dir)
    try:
        return load_terrain(box, resolution_m=resolution_m, dem=dem, wetland_rule=wetland_rule,
                            config_dir=config_dir)
    except DataError as err:
        if "no elevation data" not in str(err):
            raise
        raise _no_data_error(lon, lat) from None


def check_point_fits(lon: float, lat: float, resolution_m: float, *,
                     wetland_rule: WetlandRule = DEFAULT_WETLAND_RULE, config_dir=None) -> None:
    """ResourceError when :func:`point_terrain`'s window round the point at ``resolution_m``
    would not fit in memory (:func:`~logistics.terrain.check_in_memory`): for a command to
    call before its work (``sample Harbin --resolution-m 1`` was refused in its terrain step,
    after its progress said the work had begun)."""
    from logistics.terrain import check_in_memory

    _check_in_theatre(f"{lat:.4f}, {lon:.4f}", lon, lat)
    check_in_memory(_window(lon, lat, resolution_m, wetland_rule, config_dir), resolution_m)


def _no_data_error(lon: float, lat: float) -> DataError:
    """The one message for a point without terrain data (the window or the cell is empty)."""
    return DataError(
        f"no terrain data at {lat_lon_text(lat, lon)} (sea or outside the DEM); "
        "give a point over land"
    )


def _check_in_theatre(name: str, lon: float, lat: float) -> None:
    from logistics.places import check_in_theatre

    check_in_theatre(lon, lat, name)


def resolve_point(query) -> tuple[str, float, float, str]:
    """(name, lon, lat, source) of a place name, "LAT,LON" string or (lon, lat) pair inside the
    theatre (:func:`logistics.places.resolve`; ``ExtentError`` outside, naming the extent)."""
    from logistics.places import resolve

    place = resolve(query)
    return place.label, float(place.lon), float(place.lat), place.source


def _window(lon: float, lat: float, resolution_m: float, rule: WetlandRule, config_dir=None):
    """A lon/lat box round the point wide enough for the wetland rule's river buffer and
    relief window, and for the reach of the 1945 marsh/forest rule (``config_dir``'s),
    plus a few cells, clamped to the theatre."""
    from logistics.terrain.landcover1945 import load_landcover_1945

    reach_km = max(rule.river_buffer_km + rule.relief_radius_km,
                   load_landcover_1945(config_dir=config_dir).reach_km)
    half_km = reach_km + 3 * resolution_m / 1000.0
    dlon, dlat = degrees_for_km(half_km, lat)
    w, s, e, n = settings.THEATRE_BBOX
    return (max(lon - dlon, w), max(lat - dlat, s), min(lon + dlon, e), min(lat + dlat, n))


def _dem_source(dem: str, lon: float, lat: float) -> str:
    if dem == "etopo5":
        return "ETOPO5 5' (NOAA NGDC, public domain)"
    code = int(sample_raster("dem_source_30s.tif", lon, lat, kind="nearest"))
    return DEM_SOURCE_CODES.get(code, f"code {code}")


def _num(value) -> float | None:
    v = float(value)
    return v if np.isfinite(v) else None
