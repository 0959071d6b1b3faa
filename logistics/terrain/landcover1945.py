"""The 1945 land-cover rule's data: regions, thresholds and the per-cell inputs it needs.

2019 MODIS land cover shows the drained Sanjiang marshes and the cleared foothills of the
Heilongjiang ranges as cropland or grassland. ``configs/terrain/landcover-1945.yaml`` (cited there)
holds the named, sourced reconstruction: region outlines and one calibrated threshold per
rule. This module loads it once (:func:`load_landcover_1945`, every error a ``ConfigError``
naming file, key, value and fix) and computes, on any metric grid and for numpy or dask alike,
the per-cell layers the rule reads (:func:`landcover_1945_layers`):

* ``marsh_region``, ``hand_m``: inside the marsh regions, height (m) above the nearest permanent
  river (:mod:`logistics.terrain.hand`);
* ``forest_region``, ``relief_m``, ``near_railway``: inside the forest regions, local relief (m)
  and whether a 1945 railway (``configs/network/railways-1945.osm``, read with GDAL's OSM driver)
  is within the logging belt.

The decision per cell is :func:`logistics.terrain.landcover.reconstruct_1945`. A rule set to
``None`` (or ``Landcover1945.off()``) leaves 2019 land cover as it is, for sensitivity runs.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from logistics import settings
from logistics._yaml import load_yaml
from logistics.errors import ConfigError, range_fix
from logistics.terrain.grid import MetricGrid, grid_array, grid_lonlat, to_metric
from logistics.terrain.railways import railway_cells

__all__ = [
    "LANDCOVER_1945_FILE",
    "Region",
    "MarshRule",
    "ForestRule",
    "Landcover1945",
    "landcover_1945_path",
    "load_landcover_1945",
    "landcover_1945_layers",
    "region_mask",
    "cell_area_km2",
]

LANDCOVER_1945_FILE = "terrain/landcover-1945.yaml"  #: in a configs folder
_PRC_CODE = 1  #: dem_source_30s.tif: meteva 30" grid, i.e. inside the PRC


@dataclass(frozen=True)
class Region:
    """A named lon/lat polygon (degrees), clipped to the PRC footprint when rasterised."""

    key: str
    name: str
    outline: tuple[tuple[float, float], ...]
    plain_area_km2: float | None = None  #: sourced area of its low plain, for checks only


@dataclass(frozen=True)
class MarshRule:
    """Crop/grassland below ``max_hand_m`` above the nearest permanent river -> 1945 marsh."""

    max_hand_m: float
    regions: tuple[Region, ...]
    river_levels: tuple[int, ...] = (0, 1, 2, 3, 4)
    river_search_km: float = 100.0
    target_area_km2: float | None = None  #: calibration target (sourced), for checks
    later_areas_km2: tuple[tuple[int, float], ...] = ()  #: (year, km2): the 1945 area exceeds them


@dataclass(frozen=True)
class ForestRule:
    """Crop/grassland on relief >= ``min_relief_m``, off the railway belt -> 1945 forest."""

    min_relief_m: float
    regions: tuple[Region, ...]
    relief_radius_km: float = 2.0
    railway_buffer_km: float = 10.0
    railways: Path | None = None  #: OSM XML of the 1945 railways; None = no logging belt
    share_region: str | None = None  #: region whose forest share is calibrated
    target_share_pct: tuple[float, float] | None = None
    sourced_share_pct: tuple[float, float] | None = None


@dataclass(frozen=True)
class Landcover1945:
    """The 1945 reconstruction: a marsh rule and a forest rule, each may be None (off)."""

    marsh: MarshRule | None
    forest: ForestRule | None
    source: str = ""  #: file it was read from

    @classmethod
    def off(cls) -> Landcover1945:
        """No reconstruction: 2019 land cover (plus the floodplain WetlandRule) as it is."""
        return cls(marsh=None, forest=None, source="off")

    @property
    def enabled(self) -> bool:
        return self.marsh is not None or self.forest is not None

    @property
    def reach_km(self) -> float:
        """How far (km) a cell's answer may depend on other cells (point windows, halos)."""
        reach = 0.0
        if self.marsh is not None:
            reach = max(reach, self.marsh.river_search_km)
        if self.forest is not None:
            reach = max(reach, self.forest.railway_buffer_km, self.forest.relief_radius_km)
        return reach

    def with_thresholds(self, *, max_hand_m: float | None = None,
                        min_relief_m: float | None = None) -> Landcover1945:
        """A copy with other thresholds (sensitivity runs, calibration)."""
        marsh, forest = self.marsh, self.forest
        if marsh is not None and max_hand_m is not None:
            marsh = dataclasses.replace(marsh, max_hand_m=float(max_hand_m))
        if forest is not None and min_relief_m is not None:
            forest = dataclasses.replace(forest, min_relief_m=float(min_relief_m))
        return dataclasses.replace(self, marsh=marsh, forest=forest)

    def describe(self) -> dict:
        """Plain dict for provenance attrs (thresholds, region keys, source file)."""
        out: dict = {"source": self.source}
        if self.marsh is not None:
            out["marsh"] = {"max_hand_m": self.marsh.max_hand_m,
                            "regions": [r.key for r in self.marsh.regions]}
        if self.forest is not None:
            out["forest"] = {"min_relief_m": self.forest.min_relief_m,
                             "railway_buffer_km": self.forest.railway_buffer_km,
                             "regions": [r.key for r in self.forest.regions]}
        return out


# --- loading and validation (once, at the edge) -------------------------------------------

def landcover_1945_path(config_dir: str | Path | None = None) -> Path:
    """``terrain/landcover-1945.yaml`` of the configs folder ``config_dir``
    (``settings.CONFIG_DIR`` as set when None), else the shipped one (a user's configs folder
    without one runs on the shipped rule)."""
    p = settings.config_dir_path(config_dir) / LANDCOVER_1945_FILE
    return p if p.exists() else Path(settings.SHIPPED_CONFIG_DIR) / LANDCOVER_1945_FILE


def load_landcover_1945(path: str | Path | None = None, *,
                        config_dir: str | Path | None = None) -> Landcover1945:
    """The rule of ``path`` (default :func:`landcover_1945_path` of ``config_dir``),
    validated."""
    p = Path(path) if path is not None else landcover_1945_path(config_dir)
    if not p.exists():
        raise ConfigError(f"{p}: 1945 land-cover file not found; restore it from the repository "
                          "or pass Landcover1945.off() to run on 2019 land cover")
    return _load_cached(str(p.resolve()), p.stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _load_cached(path: str, mtime_ns: int) -> Landcover1945:
    doc = load_yaml(path, what="1945 land-cover file")
    if not isinstance(doc, dict):
        raise ConfigError(f"{path}: expected a mapping with keys 'marsh' and 'forest', got {doc!r}")
    unknown = set(doc) - {"marsh", "forest"}
    if unknown:
        raise ConfigError(f"{path}: unknown key(s) {sorted(unknown)}; allowed: marsh, forest")
    marsh = _marsh(path, doc["marsh"]) if doc.get("marsh") is not None else None
    forest = _forest(path, doc["forest"]) if doc.get("forest") is not None else None
    return Landcover1945(marsh=marsh, forest=forest, source=path)


def _marsh(path: str, d) -> MarshRule:
    _mapping(path, "marsh", d)
    levels = d.get("river_levels", [0, 1, 2, 3, 4])
    if not isinstance(levels, list) or not levels or not all(
            isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 10 for v in levels):
        raise ConfigError(f"{path}: marsh.river_levels = {levels!r}; give a list of WDBII levels 0-10")
    later = d.get("later_areas_km2", {}) or {}
    if not isinstance(later, dict) or not all(
            isinstance(y, int) and not isinstance(y, bool) for y in later):
        # a year in words was a ValueError traceback out of int()
        raise ConfigError(f"{path}: marsh.later_areas_km2 = {later!r:.120}; give a mapping "
                          "year: km2, each year a whole number (e.g. {1986: 13893})")
    return MarshRule(
        max_hand_m=_number(path, "marsh.max_hand_m", d.get("max_hand_m"), lo=0.0),
        regions=_regions(path, "marsh", d.get("regions")),
        river_levels=tuple(levels),
        river_search_km=_number(path, "marsh.river_search_km", d.get("river_search_km", 100.0), lo=0.0,
                                strict=True),
        target_area_km2=_optional(path, "marsh.target_area_km2", d.get("target_area_km2")),
        later_areas_km2=tuple(sorted((int(y), _number(path, f"marsh.later_areas_km2.{y}", a, lo=0.0))
                                     for y, a in later.items())),
    )


def _forest(path: str, d) -> ForestRule:
    _mapping(path, "forest", d)
    regions = _regions(path, "forest", d.get("regions"))
    share = d.get("share_region")
    if share is not None and (not isinstance(share, str) or share not in {r.key for r in regions}):
        keys = sorted(r.key for r in regions)
        raise ConfigError(f"{path}: forest.share_region = {share!r} is not a forest region; "
                          f"choose one of {keys}")
    rail = d.get("railways")
    if rail is not None and not isinstance(rail, str):  # a number was a TypeError traceback
        raise ConfigError(f"{path}: forest.railways = {rail!r:.80} is no path; fix: give the "
                          "railways' .osm file as text, e.g. ../network/railways-1945.osm")
    if rail is not None:
        rail_path = Path(rail)
        if not rail_path.is_absolute():
            rail_path = (Path(path).parent / rail_path).resolve()
        if not rail_path.exists():
            raise ConfigError(f"{path}: forest.railways = {rail!r} not found at {rail_path}; "
                              "give an OSM XML file, relative to this file or absolute")
        if not rail_path.is_file() or rail_path.suffix.lower() != ".osm":
            raise ConfigError(f"{path}: forest.railways = {rail!r} ({rail_path}) is no OSM XML "
                              "file (*.osm); fix: give the railways' .osm file, e.g. "
                              "../network/railways-1945.osm")
        rail = rail_path
    return ForestRule(
        min_relief_m=_number(path, "forest.min_relief_m", d.get("min_relief_m"), lo=0.0),
        regions=regions,
        relief_radius_km=_number(path, "forest.relief_radius_km", d.get("relief_radius_km", 2.0),
                                 lo=0.0, strict=True),
        railway_buffer_km=_number(path, "forest.railway_buffer_km", d.get("railway_buffer_km", 10.0),
                                  lo=0.0),
        railways=rail,
        share_region=share,
        target_share_pct=_pair(path, "forest.target_share_pct", d.get("target_share_pct")),
        sourced_share_pct=_pair(path, "forest.sourced_share_pct", d.get("sourced_share_pct")),
    )


def _mapping(path: str, key: str, d) -> None:
    if not isinstance(d, dict):
        raise ConfigError(f"{path}: {key} = {d!r}; expected a mapping of the rule's keys")


#: The largest sane value of a rule's figure by its unit (a sanity bound against typing slips,
#: not a prior; assumed: no height, relief or distance of the theatre exceeds these).
_TOP = {"_m": 9000.0, "_km": 3000.0, "_km2": 2_000_000.0}


def _number(path: str, key: str, value, *, lo: float, strict: bool = False) -> float:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and np.isfinite(value)
    top = next((v for suffix, v in _TOP.items() if key.endswith(suffix)), 1e9)
    if not ok or value < lo or (strict and value == lo) or value > top:
        bound = {"gt": lo} if strict else {"ge": lo}
        raise ConfigError(f"{path}: {key} = {value!r}; expected a finite number "
                          f"{'>' if strict else '>='} {lo:g} and <= {top:g}; "
                          + range_fix(key.rsplit(".", 1)[-1], value, le=top, **bound))
    return float(value)


def _optional(path: str, key: str, value) -> float | None:
    return None if value is None else _number(path, key, value, lo=0.0)


def _pair(path: str, key: str, value) -> tuple[float, float] | None:
    if value is None:
        return None
    if (not isinstance(value, list) or len(value) != 2
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool)
                       and 0 <= v <= 100 for v in value) or value[0] > value[1]):
        raise ConfigError(f"{path}: {key} = {value!r:.80}; fix: give [low, high] percentages "
                          "(numbers from 0 to 100), low <= high")
    return float(value[0]), float(value[1])


def _regions(path: str, rule: str, d) -> tuple[Region, ...]:
    if not isinstance(d, dict) or not d:
        raise ConfigError(f"{path}: {rule}.regions = {d!r}; give at least one region with an outline")
    out = []
    for key, r in d.items():
        where = f"{rule}.regions.{key}"
        if not isinstance(r, dict):
            raise ConfigError(f"{path}: {where} = {r!r}; expected a mapping with 'outline'")
        pts = r.get("outline")
        good = isinstance(pts, list) and len(pts) >= 3 and all(
            isinstance(p, list) and len(p) == 2 and all(isinstance(v, (int, float)) for v in p)
            and 100.0 <= p[0] <= 140.0 and 35.0 <= p[1] <= 56.0 for p in pts)
        if not good:
            raise ConfigError(f"{path}: {where}.outline = {pts!r}; give at least three "
                              "[lon, lat] pairs in degrees (lon 100-140, lat 35-56)")
        out.append(Region(
            key=str(key), name=str(r.get("name", key)),
            outline=tuple((float(a), float(b)) for a, b in pts),
            plain_area_km2=_optional(path, f"{where}.plain_area_km2", r.get("plain_area_km2")),
        ))
    return tuple(out)


# --- per-cell layers ----------------------------------------------------------------------

def _metric_polygon(region: Region):
    """The outline as a shapely Polygon in METRIC_CRS, densified every 0.05 deg first."""
    import shapely
    from shapely.geometry import Polygon

    poly = shapely.segmentize(Polygon(region.outline), 0.05)
    return shapely.transform(poly, lambda xy: np.column_stack(to_metric(xy[:, 0], xy[:, 1])))


def region_mask(grid: MetricGrid, regions, *, chunks=None):
    """Bool array (numpy or dask): cell centres inside any of ``regions`` and inside the PRC."""
    from rasterio.features import rasterize

    from logistics.terrain.resample import resample_to_grid

    polys = [_metric_polygon(r) for r in regions]

    def block(g: MetricGrid) -> np.ndarray:
        if not polys or 0 in g.shape:
            return np.zeros(g.shape, dtype=bool)
        return rasterize([(p, 1) for p in polys], out_shape=g.shape, transform=g.transform,
                         dtype=np.uint8) == 1

    inside = grid_array(block, grid, chunks=chunks, dtype=bool)
    prc = resample_to_grid("dem_source_30s.tif", grid, kind="nearest", chunks=chunks, fill=0)
    return inside & (prc.data == _PRC_CODE)


def landcover_1945_layers(grid: MetricGrid, elevation, rule: Landcover1945, *, chunks=None,
                          rivers=None) -> dict:
    """The per-cell inputs of :func:`~logistics.terrain.landcover.reconstruct_1945` on ``grid``.

    ``elevation`` is the grid's DataArray (numpy or dask); ``rivers`` the river GeoDataFrame in
    METRIC_CRS (:func:`logistics.terrain.rivers.read_rivers`) covering the grid. Keys:
    ``marsh_region``, ``hand_m``, ``forest_region``, ``relief_m``, ``near_railway`` (arrays of
    the grid's kind; a rule that is off gives all-False regions).
    """
    from logistics.terrain.derive import local_relief
    from logistics.terrain.hand import height_above_river
    from logistics.terrain.rivers import near_river_mask, rasterize_rivers

    res = grid.resolution_m
    z = elevation.data

    def zeros(dtype):
        if chunks is None:
            return np.zeros(grid.shape, dtype=dtype)
        return grid_array(lambda g: np.zeros(g.shape, dtype=dtype), grid, chunks=chunks, dtype=dtype)

    out: dict = {}
    m = rule.marsh
    if m is not None:
        region = region_mask(grid, m.regions, chunks=chunks)
        perm = grid_array(lambda g: rasterize_rivers(rivers, g, levels=m.river_levels), grid,
                          chunks=chunks, dtype=np.uint8)
        out["marsh_region"] = region
        out["hand_m"] = height_above_river(z, perm, region, search_m=m.river_search_km * 1000.0,
                                           resolution_m=res)
    else:
        out["marsh_region"] = zeros(bool)
        out["hand_m"] = zeros(np.float32) * np.nan
    f = rule.forest
    if f is not None:
        out["forest_region"] = region_mask(grid, f.regions, chunks=chunks)
        half = max(1, int(round(f.relief_radius_km * 1000.0 / res)))
        out["relief_m"] = local_relief(elevation, half_window=half).data
        rail = railway_cells(grid, f.railways, chunks=chunks)
        out["near_railway"] = near_river_mask(rail, buffer_m=f.railway_buffer_km * 1000.0,
                                              resolution_m=res)
    else:
        out["forest_region"] = zeros(bool)
        out["relief_m"] = zeros(np.float32) * np.nan
        out["near_railway"] = zeros(bool)
    return out


def cell_area_km2(grid: MetricGrid) -> np.ndarray:
    """True area (km2) of every cell of ``grid``: res^2 over the LCC areal scale at its centre
    (the projection's scale error is up to about 1 %, 2 % in area)."""
    from pyproj import Proj

    lon, lat = grid_lonlat(grid)
    scale = Proj(settings.METRIC_CRS).get_factors(lon, lat).areal_scale
    return (grid.resolution_m / 1000.0) ** 2 / np.asarray(scale, dtype=np.float64)
