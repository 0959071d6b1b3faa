"""Terrain: the shipped rasters -> one metric ``xarray.Dataset`` the cost engine reads.

``load_terrain(bbox, resolution_m=..., dem="merged", chunks=None)`` returns, on a north-up grid
in ``settings.METRIC_CRS`` (see :mod:`logistics.terrain.grid` for why a conformal LCC):

========================  =========  ====================================================
variable                  units      what
========================  =========  ====================================================
``elevation_m``           m          float32, NaN = nodata (bilinear from the DEM)
``slope_deg``             degree     least-squares plane of the 3 x 3 window
``dzdx``, ``dzdy``        m/m        gradient, +x east, +y north
``roughness_m``           m          RMS residual of the 3 x 3 window about its plane
``subgrid_grade``         m/m        RMS grade of the relief below the grid (assumption:
                                     :mod:`logistics.terrain.derive`)
``terrain_class``         class      uint8 ``TerrainClass`` (1945 wetland, marsh, forest rules)
``river_class``           class      uint8 ``RiverClass`` (WDBII rivers, all cells touched)
``railway``               flag       uint8 1 where a 1945 railway line runs through the cell
                                     (the embankment overlay, :mod:`.railways`); the cell's
                                     ground stays in ``terrain_class``
========================  =========  ====================================================

With ``chunks`` every variable is a lazy dask array computed by the same kernels as the numpy
path (tests assert equal results). Nothing is cached on disk.
"""

from __future__ import annotations

import json
import math

import numpy as np
import rioxarray  # noqa: F401  (registers the .rio accessor used to write the CRS)
import xarray as xr

from logistics import settings
from logistics.errors import ConfigError, DataError, ResourceError, check_flag
from logistics.geodesy import degrees_for_km
from logistics.terrain.classes import RiverClass, TerrainClass
from logistics.terrain.dem import (DEM_FILES, check_codes, check_dem, check_dem_file,
                                    check_elevations, corridor_bbox, corridor_polygon, raster_path)
from logistics.terrain.derive import derive_surface, local_relief
from logistics.terrain.grid import (
    MetricGrid,
    cell_of,
    check_bbox,
    check_grid_resolution_m,
    grid_array,
    lonlat_envelope,
    metric_grid,
    to_lonlat,
    to_metric,
)
from logistics.terrain.landcover import (
    DEFAULT_WETLAND_RULE,
    WetlandRule,
    classify_terrain,
    reconstruct_1945,
)
from logistics.terrain.landcover1945 import (
    Landcover1945,
    landcover_1945_layers,
    load_landcover_1945,
)
from logistics.terrain.layer_files import IGBP_CODES, IGBP_WORDS, configs_read
from logistics.terrain.railways import railway_cells, shipped_railways
from logistics.terrain.resample import resample_to_grid
from logistics.terrain.rivers import near_river_mask, rasterize_rivers, read_rivers

__all__ = [
    "load_terrain",
    "check_in_memory",
    "to_metric",
    "to_lonlat",
    "cell_of",
    "TerrainClass",
    "RiverClass",
    "WetlandRule",
    "Landcover1945",
    "load_landcover_1945",
    "configs_read",
    "DEM_FILES",
]

LANDCOVER_FILE = "landcover_igbp_2019.tif"
LANDMASK_FILE = "landmask_30s.tif"
_UNKNOWN = 255  # fill of class layers outside their raster


#: The coarsest cell size a fix ever suggests (m): LOGISTICS_RESOLUTION_M's upper bound.
_COARSEST_M = 100_000


def load_terrain(
    bbox=None,
    *,
    resolution_m: float | None = None,
    dem: str = "merged",
    chunks=None,
    corridor=None,
    corridor_width_km: float = 60.0,
    wetland_rule: WetlandRule = DEFAULT_WETLAND_RULE,
    landcover_1945: Landcover1945 | None = None,
    railways: bool = True,
    classes_2019: bool = False,
    config_dir=None,
) -> xr.Dataset:
    """The terrain Dataset of a lon/lat box on the metric grid (see module docstring).

    ``bbox`` is ``(lon_min, lat_min, lon_max, lat_max)`` degrees inside the theatre (None = the
    theatre). ``resolution_m`` is the cell size, within ``grid.RESOLUTION_RANGE_M`` as every
    command's ``--resolution-m`` (None = ``settings.DEFAULT_RESOLUTION_M``, read at call
    time). ``dem`` is ``"merged"`` (30" meteva + 0.1 deg fill) or ``"etopo5"`` (the
    public-domain 5' baseline). ``chunks`` (int, pair, ``{"y":, "x":}`` or True) gives dask arrays.
    ``corridor`` (lon/lat points) limits the grid to the line through them buffered to
    ``corridor_width_km``; cells outside get NaN elevation and class NODATA (a barrier).
    ``wetland_rule`` is the 1945 floodplain wetland assumption (:class:`WetlandRule`).
    ``landcover_1945`` is the 1945 marsh and forest reconstruction (None = the
    ``terrain/landcover-1945.yaml`` of ``config_dir``; ``Landcover1945.off()`` keeps 2019 land
    cover). ``railways=False`` leaves the ``railway`` overlay empty, else it is the 1945 railways
    of ``config_dir``. ``config_dir``: the configs folder read (``settings.CONFIG_DIR`` as set
    when None; a file it lacks is the shipped one's): :func:`configs_read` says what. ``classes_2019=True`` adds
    ``terrain_class_2019``: the classes ``Landcover1945.off()`` gives, from the same inputs in
    the same pass (a map showing what the 1945 reconstruction changed).
    """
    # the options' types first (an AttributeError deep in the classes; railways="no" drew them)
    railways, classes_2019 = check_flag("railways", railways), check_flag("classes_2019",
                                                                          classes_2019)
    for name, value, kind, fix in (
            ("wetland_rule", wetland_rule, WetlandRule,
             "leave it out for the default, or WetlandRule(enabled=False) for none"),
            ("landcover_1945", landcover_1945, (Landcover1945, type(None)),
             "leave it out for the configs' terrain/landcover-1945.yaml, or "
             "Landcover1945.off() for 2019 land cover")):
        if not isinstance(value, kind):
            raise ConfigError(f"{name} must be a {name.title().replace('_', '')} "
                              f"(logistics.terrain), got {type(value).__name__}; fix: {fix}")
    if landcover_1945 is None:
        landcover_1945 = load_landcover_1945(config_dir=config_dir)
    check_dem(dem)
    if corridor is not None:
        cw, cs, ce, cn = corridor_bbox(corridor, corridor_width_km)
        tw, ts, te, tn = bbox if bbox is not None else settings.THEATRE_BBOX
        bbox = (max(cw, tw), max(cs, ts), min(ce, te), min(cn, tn))
    bbox = check_bbox(bbox if bbox is not None else settings.THEATRE_BBOX)
    if resolution_m is None:  # read at call time: a changed setting counts at once
        resolution_m = settings.DEFAULT_RESOLUTION_M
    else:  # the range of --resolution-m and logistics.run (any positive size was taken)
        resolution_m = check_grid_resolution_m(resolution_m)
    grid = metric_grid(bbox, resolution_m)
    if chunks is None:
        check_in_memory(bbox, resolution_m)

    check_dem_file(DEM_FILES[dem])
    elevation = resample_to_grid(DEM_FILES[dem], grid, kind="bilinear", chunks=chunks)
    if corridor is not None:
        inside = _corridor_cells(grid, corridor, corridor_width_km, chunks)
        elevation = elevation.where(inside)
    if chunks is None:
        check_elevations(elevation.values, DEM_FILES[dem])
    if chunks is None and not np.isfinite(elevation.values).any():
        w, s, e, n = bbox
        where = f"{w:.2f}-{e:.2f} E, {s:.2f}-{n:.2f} N"
        raise DataError(f"no elevation data in {where} in {DEM_FILES[dem]}; choose a box over land")
    res = grid.resolution_m
    surface = derive_surface(elevation, dx=res, dy=res)
    rivers = read_rivers(_padded_bbox(lonlat_envelope(grid.bounds_m), wetland_rule.river_buffer_km))
    terrain_class, land_2019 = _terrain_class(
        grid, elevation, surface["slope_deg"], rivers, chunks, wetland_rule, landcover_1945,
        with_2019=classes_2019,
    )
    river = grid_array(lambda g: rasterize_rivers(rivers, g), grid, chunks=chunks, dtype=np.uint8)
    # the chain of cells along each line (not every cell it touches): the cells a column moving
    # along the embankment passes, so a diagonal line is not priced as a 2-cell-wide causeway
    railway = railway_cells(grid, shipped_railways(config_dir) if railways else None,
                            chunks=chunks, all_touched=False)

    ds = xr.Dataset(coords={"y": grid.y_m, "x": grid.x_m})
    ds["elevation_m"] = elevation.astype(np.float32)
    ds["elevation_m"].attrs = {"units": "m", "long_name": "elevation above sea level"}
    for name in surface.data_vars:
        ds[name] = surface[name]
    ds["terrain_class"] = (("y", "x"), terrain_class, _class_attrs(TerrainClass))
    if land_2019 is not None:
        ds["terrain_class_2019"] = (("y", "x"), land_2019, {
            **_class_attrs(TerrainClass), "long_name": "TerrainClass code of 2019 land cover "
                                                       "(no 1945 reconstruction)"})
    ds["river_class"] = (("y", "x"), river, _class_attrs(RiverClass))
    ds["railway"] = (("y", "x"), railway, {
        "units": "1", "long_name": "1945 railway line in the cell (embankment overlay)",
        "flag_values": [0, 1], "flag_meanings": "none railway"})
    ds["x"].attrs = {"units": "m", "axis": "X", "long_name": "easting in METRIC_CRS"}
    ds["y"].attrs = {"units": "m", "axis": "Y", "long_name": "northing in METRIC_CRS"}
    ds = ds.rio.write_crs(settings.METRIC_CRS)
    ds = ds.rio.write_transform(grid.transform)
    ds.attrs.update(_provenance(dem, bbox, grid, wetland_rule))
    ds.attrs["landcover_1945"] = json.dumps(landcover_1945.describe())
    ds.attrs["railways_file"] = shipped_railways(config_dir).name if railways else "none"
    return ds


def check_in_memory(bbox, resolution_m: float) -> None:
    """ResourceError when the terrain grid of the lon/lat ``bbox`` at ``resolution_m`` (m) has
    more cells than ``settings.MAX_IN_MEMORY_CELLS``, naming the coarsest resolution that fits
    (its command-line wording names --resolution-m). The one limit of an in-memory terrain grid:
    :func:`load_terrain` applies it, and a command calls it before its work (``map --bbox``
    of the theatre at 50 m was refused only in its terrain step)."""
    grid = metric_grid(bbox, resolution_m)
    n_cells = grid.shape[0] * grid.shape[1]
    if n_cells <= settings.MAX_IN_MEMORY_CELLS:
        return
    coarsest = math.ceil(resolution_m * math.sqrt(n_cells / settings.MAX_IN_MEMORY_CELLS))
    while (coarsest <= _COARSEST_M
           and math.prod(metric_grid(bbox, coarsest).shape) > settings.MAX_IN_MEMORY_CELLS):
        coarsest = math.ceil(coarsest * 1.01)  # the grid's edges round up: a few % more
    what = (f"{grid.shape[0]} x {grid.shape[1]} cells at {resolution_m:g} m exceed the "
            f"in-memory limit of {settings.MAX_IN_MEMORY_CELLS} cells")
    # the command line holds every terrain grid in memory (--engine chunked tiles the
    # solver, not the terrain): chunks= is no fix there, so it is not offered there
    in_memory = ("(the command line holds the terrain grid in memory, even with --engine "
                 "chunked)")
    if coarsest > _COARSEST_M:  # a limit of a handful of cells: no grid fits it
        limit = ("fix: raise the limit (LOGISTICS_MAX_IN_MEMORY_CELLS, default 120000000, "
                 "or unset it)")
        err = ResourceError(f"{what}, and no grid of this box fits it even at "
                            f"{_COARSEST_M:,} m cells; {limit}, or chunks=True (Python API) "
                            "for a dask Dataset")
        err.command_line = (f"{what}, and no grid of this box fits it even at "
                            f"{_COARSEST_M:,} m cells; {limit} {in_memory}")
        raise err
    err = ResourceError(f"{what}; fix: a resolution of at least {coarsest} m over this box "
                        "(--resolution-m, resolution_m), a smaller box, or chunks=True "
                        "(Python API) for a dask Dataset")
    err.command_line = (f"{what}; fix: --resolution-m {coarsest} or coarser over this box "
                        f"{in_memory}")
    raise err


def _terrain_class(grid: MetricGrid, elevation, slope, rivers, chunks, rule: WetlandRule,
                   lc1945: Landcover1945, *, with_2019: bool = False):
    """``(classes, classes_2019)``: TerrainClass codes from IGBP land cover + land mask + the
    1945 wetland, marsh, forest rules; with ``with_2019`` also the codes without the marsh and
    forest reconstruction (what ``Landcover1945.off()`` gives; else None)."""
    res = grid.resolution_m
    igbp = resample_to_grid(LANDCOVER_FILE, grid, kind="nearest", chunks=chunks, fill=_UNKNOWN)
    landmask = resample_to_grid(LANDMASK_FILE, grid, kind="nearest", chunks=chunks, fill=_UNKNOWN)
    if chunks is None:
        check_codes(igbp.values, LANDCOVER_FILE, IGBP_CODES, IGBP_WORDS, _UNKNOWN)
        check_codes(landmask.values, LANDMASK_FILE, (0, 1, 2), "0 (sea), 1 (land) or 2 (lake)",
                    _UNKNOWN)
    layers = landcover_1945_layers(grid, elevation, lc1945, chunks=chunks, rivers=rivers)
    if rule.enabled:
        perm = grid_array(
            lambda g: rasterize_rivers(rivers, g, levels=rule.river_levels),
            grid,
            chunks=chunks,
            dtype=np.uint8,
        )
        near = near_river_mask(perm, buffer_m=rule.river_buffer_km * 1000.0, resolution_m=res)
        half = max(1, int(round(rule.relief_radius_km * 1000.0 / res)))
        relief = local_relief(elevation, half_window=half).data
        candidate_2019 = near & (relief < rule.max_relief_m) & (slope.data < rule.max_slope_deg)
        candidate = candidate_2019 & ~layers["marsh_region"]  # the calibrated marsh rule rules there
    else:
        candidate = candidate_2019 = np.zeros(grid.shape, dtype=bool)
    thresholds = {
        "max_hand_m": lc1945.marsh.max_hand_m if lc1945.marsh is not None else -np.inf,
        "min_relief_m": lc1945.forest.min_relief_m if lc1945.forest is not None else np.inf,
    }
    order = ("marsh_region", "hand_m", "forest_region", "relief_m", "near_railway")
    if chunks is None:
        cls = classify_terrain(igbp.values, landmask.values, elevation.values, candidate)
        land_2019 = classify_terrain(igbp.values, landmask.values, elevation.values,
                                     candidate_2019) if with_2019 else None
        return reconstruct_1945(cls, *(np.asarray(layers[k]) for k in order),
                                **thresholds), land_2019
    import dask.array as dka

    def block(igbp_b, mask_b, z_b, cand_b, *lc_b):
        return reconstruct_1945(classify_terrain(igbp_b, mask_b, z_b, cand_b), *lc_b, **thresholds)

    like = igbp.data.chunks
    land_2019 = dka.map_blocks(
        classify_terrain, igbp.data, landmask.data, elevation.data,
        dka.asarray(candidate_2019).rechunk(like), dtype=np.uint8,
        meta=np.empty((0, 0), dtype=np.uint8)) if with_2019 else None
    return dka.map_blocks(
        block,
        igbp.data,
        landmask.data,
        elevation.data,
        dka.asarray(candidate).rechunk(like),
        *(dka.asarray(layers[k]).rechunk(like) for k in order),
        dtype=np.uint8,
        meta=np.empty((0, 0), dtype=np.uint8),
    ), land_2019


def _class_attrs(codes) -> dict:
    """CF-style attrs of a class raster from its IntEnum."""
    return {
        "units": "class",
        "long_name": f"{codes.__name__} code",
        "flag_values": [int(c) for c in codes],
        "flag_meanings": " ".join(c.name for c in codes),
    }


def _padded_bbox(bbox, pad_km: float = 0.0):
    """A lon/lat box grown by ``pad_km`` plus a margin (reading vectors round a grid)."""
    w, s, e, n = bbox
    dlon = degrees_for_km(pad_km + 5.0, max(abs(s), abs(n)))[0]  # widest on the far side
    dlat = degrees_for_km(pad_km + 5.0, min(abs(s), abs(n)))[1]
    return (w - dlon, s - dlat, e + dlon, n + dlat)


def _corridor_cells(grid: MetricGrid, corridor, width_km: float, chunks):
    """Boolean DataArray: cells whose centre lies in the corridor polygon."""
    from rasterio.features import rasterize

    poly = corridor_polygon(corridor, width_km)

    def block(g: MetricGrid) -> np.ndarray:
        return rasterize([(poly, 1)], out_shape=g.shape, transform=g.transform, dtype=np.uint8) == 1

    data = grid_array(block, grid, chunks=chunks, dtype=bool)
    return xr.DataArray(data, dims=("y", "x"), coords={"y": grid.y_m, "x": grid.x_m})


def _provenance(dem: str, bbox, grid: MetricGrid, rule: WetlandRule) -> dict:
    """Dataset attrs: resolution, DEM name and the sources of every layer (from MANIFEST.json)."""
    attrs = {
        "resolution_m": float(grid.resolution_m),
        "crs": settings.METRIC_CRS,
        "bbox_lonlat": [float(v) for v in bbox],
        "dem": dem,
        "dem_file": DEM_FILES[dem],
        "landcover_file": LANDCOVER_FILE,
        "landmask_file": LANDMASK_FILE,
        "rivers_file": "rivers.gpkg",
        "wetland_rule": json.dumps(rule.__dict__, default=list),
    }
    manifest = _manifest()
    for key, fname in (("dem", DEM_FILES[dem]), ("landcover", LANDCOVER_FILE), ("landmask", LANDMASK_FILE)):
        entry = manifest.get(fname)
        if entry:
            attrs[f"{key}_source"] = _describe(entry)
    return attrs


def _manifest() -> dict:
    try:
        path = raster_path("MANIFEST.json")
        return json.loads(path.read_text(encoding="utf-8")).get("files", {})
    except (DataError, ValueError, OSError):
        return {}


def _describe(entry: dict) -> str:
    """One line: description; package==version (licence) of each source package, once."""
    parts = [str(entry.get("description", ""))]
    for src in entry.get("sources", []) or []:
        if isinstance(src, dict):
            pkg = src.get("package") or src.get("name") or ""
            ver = src.get("version", "")
            lic = src.get("licence") or src.get("license") or ""
            parts.append(f"{pkg}=={ver} ({lic})" if ver else f"{pkg} ({lic})")
    # two files of one package are one source here
    return "; ".join(dict.fromkeys(p for p in parts if p))
