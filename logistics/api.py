"""The notebook API: the few functions a notebook user needs, results as GeoDataFrames and xarray.

Re-exported by ``logistics/__init__.py`` (``import logistics; logistics.run(...)``), executed
as written by the README's "Python API" section (a doctest of the test suite). Every function
here is a thin door to the stage that does the work; nothing is computed twice.

| function | returns |
|---|---|
| ``load_scenario(path)`` | the validated army (``logistics.army.Army``) of a scenario file |
| ``run(scenario, ...)`` | ``RunResult`` (plain data; ``layers(result)`` gives its geometry) |
| ``layers(result)`` | ``{name: GeoDataFrame}`` in EPSG:4326: routes, tracks, days, halts, ... |
| ``route(origin, destination, vehicle, ...)`` | GeoDataFrame of legs in EPSG:4326 |
| ``sample(place, ...)`` | dict of what the model knows at a point |
| ``compare(...)`` | the comparison with dated history (``Comparison``) |
| ``load_terrain(bbox, ...)`` | ``xarray.Dataset`` in the metric CRS (rioxarray) |
| ``load_vehicle(name)`` | ``Vehicle`` |
| ``build_cost_model(terrain, vehicle, ...)`` | ``CostModel`` (time or fuel per move) |
| ``accumulate(model, sources, ...)``, ``path(acc, target)`` | accumulated cost, least-cost path |
| ``find_costs(model, sources, ...)``, ``traceback(acc, target)`` | the in-memory solver (as scikit-image's MCP) |
"""

from __future__ import annotations

from pathlib import Path

from logistics.cost.accumulate import accumulate, path
from logistics.cost.physics import build_cost_model
from logistics.cost.solver import find_costs, traceback
from logistics.terrain import load_terrain
from logistics.vehicles import load_vehicle

__all__ = ["load_scenario", "run", "layers", "route", "sample", "compare", "load_terrain",
           "load_vehicle", "build_cost_model", "accumulate", "path", "find_costs",
           "traceback"]


def load_scenario(path: str | Path):
    """The validated army of a scenario file (``configs/<axis>.yaml``): ``logistics.army.Army``
    with its formations resolved against the norms; one ConfigError listing every problem."""
    from logistics.army import load_army

    return load_army(path)


def run(scenario, *, seed: int = 0, resolution_m: float | None = None, dem: str = "merged",
        engine: str = "auto", cost_surface: bool = False):
    """Run one scenario (an army from :func:`load_scenario`, or the path of its file) ->
    ``RunResult`` with every formation's tracks, routes and daily rows.

    ``resolution_m`` is the grid cell size (default ``settings.DEFAULT_RESOLUTION_M``);
    ``cost_surface=True`` also computes the accumulated-time raster (``result.cost_hours``,
    xarray with CRS). The result's tables are plain DataFrames; :func:`layers` gives them as
    GeoDataFrames. Writes nothing (``logistics run`` writes the run folder).
    """
    from logistics.runner import run_scenario

    if isinstance(scenario, (str, Path)):
        scenario = load_scenario(scenario)
    return run_scenario(scenario, seed=seed, resolution_m=resolution_m, dem=dem,
                        engine=engine, cost_surface=cost_surface)


def layers(result) -> dict:
    """A run's vector layers as GeoDataFrames in EPSG:4326 (``report.run_layers.LAYERS``:
    ``routes``, ``track_lines``, ``track``, ``daily``, ``halts``, ``deliveries``,
    ``crossings``, ``documented``), one row per formation, step, day or event."""
    from logistics.report.run_layers import run_layers

    return run_layers(result)


def route(origin, destination, vehicle, *, mode: str = "any", via=(), season: str = "dry",
          resolution_m: float | None = None, engine: str = "auto"):
    """Fastest route by rail, road, cross-country or any mix -> GeoDataFrame of legs.

    Columns ``leg, mode, start, end, distance_km, time_h, fuel_l, lines, notes`` and the leg's
    geometry (lon/lat, EPSG:4326); ``.attrs`` holds the totals (``distance_km``, ``time_h``,
    ``fuel_l``), the ``vehicle``, ``mode`` and ``places``. Places are names (1945 or modern),
    ``"LAT,LON"`` strings or ``(lon, lat)`` pairs.
    """
    import geopandas as gpd

    from logistics.network import route_multimodal

    r = route_multimodal(origin, destination, vehicle, mode=mode, via=via, season=season,
                         resolution_m=resolution_m, engine=engine)
    table = r.table()
    table.insert(0, "leg", range(1, len(table) + 1))
    gdf = gpd.GeoDataFrame(table, geometry=[leg.geometry for leg in r.legs], crs="EPSG:4326")
    gdf.attrs.update(distance_km=r.distance_km, time_h=r.time_h, fuel_l=r.fuel_l,
                     vehicle=r.vehicle, mode=r.mode, places=r.places, season=r.season)
    return gdf


def sample(place, *, dem: str = "merged", resolution_m: float | None = None) -> dict:
    """What the model knows at a place (name, ``"LAT,LON"`` or ``(lon, lat)``): elevation,
    slope, terrain and river class, the nearest river, the DEM source (``logistics sample``)."""
    from logistics.terrain.sample import sample_point

    return sample_point(place, dem=dem, resolution_m=resolution_m)


def compare(documented=None, *, configs_dir=None, resolution_m: float | None = None,
            samples: int = 0, seed: int = 0):
    """Score every documented row against its axis's modelled run and the planned-rate
    baseline (``logistics compare``) -> ``Comparison`` (``.table``, ``.summary``, ``.axes``)."""
    from logistics.history.compare import compare as _compare

    return _compare(documented, configs_dir=configs_dir, resolution_m=resolution_m,
                    samples=samples, seed=seed)
