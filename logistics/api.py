"""The notebook API: the few functions a notebook user needs, results as GeoDataFrames and xarray.

Re-exported by ``logistics/__init__.py`` (``import logistics; logistics.run(...)``), executed
as written by the README's "Python API" section (a doctest of the test suite). Every function
here is a thin door to the stage that does the work; nothing is computed twice.

| function | returns |
|---|---|
| ``load_scenario(path)`` | the validated army (``logistics.army.Army``) of a scenario file |
| ``run(scenario, ...)`` | ``RunResult`` (plain data; ``layers(result)`` gives its geometry) |
| ``layers(result)`` | ``{name: GeoDataFrame}`` in EPSG:4326: routes, tracks, days, halts, ... |
| ``write_run(result, folder)`` | the run folder ``logistics run`` writes (CSV, GeoPackage, COG, maps) |
| ``route(origin, destination, vehicle, ...)`` | GeoDataFrame of legs in EPSG:4326 (``out=``: a folder) |
| ``sample(place, ...)`` | dict of what the model knows at a point |
| ``compare(...)`` | the comparison with dated history (``Comparison``) |
| ``write_comparison(comp, folder)`` | the folder ``logistics compare`` writes (CSV, GeoJSON, maps, report) |
| ``load_terrain(bbox, ...)`` | ``xarray.Dataset`` in the metric CRS (rioxarray) |
| ``load_vehicle(name, config_dir=None)`` | ``Vehicle`` (of a copy of configs/: its folder) |
| ``build_cost_model(terrain, vehicle, ...)`` | ``CostModel`` (time or fuel per move) |
| ``accumulate(model, sources, ...)``, ``path(acc, target)`` | accumulated cost, least-cost path |
| ``find_costs(model, sources, ...)``, ``traceback(acc, target)`` | the in-memory solver (as scikit-image's MCP) |
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Mapping
from pathlib import Path


from logistics.cost.accumulate import accumulate, path
from logistics.cost.physics import build_cost_model
from logistics.cost.solver import find_costs, traceback
from logistics.errors import ConfigError, check_flag
from logistics.terrain import load_terrain
from logistics.terrain.grid import check_grid_resolution_m
from logistics.vehicles import load_vehicle

__all__ = ["load_scenario", "run", "layers", "write_run", "route", "sample", "vehicle_rates",
           "compare", "write_comparison", "load_terrain",
           "load_vehicle", "build_cost_model", "accumulate", "path", "find_costs",
           "traceback"]


#: The seeds numpy takes, as the command line's ``--seed`` (0 .. 2**32 - 1).
_SEED_MAX = 2**32 - 1


def _shown(value) -> str:
    """``value`` for an error message: its repr on one line, at most 80 characters (a
    DataFrame's repr is many lines: its type is said instead)."""
    text = repr(value)
    if "\n" in text:
        return f"a {type(value).__name__}"
    return text if len(text) <= 80 else text[:77] + "..."


def _path_arg(value, key: str, example: str) -> Path:
    """A path argument (``str`` or ``os.PathLike``) as a Path; ConfigError naming the key."""
    if isinstance(value, str) or (isinstance(value, os.PathLike)
                                  and isinstance(os.fspath(value), str)):
        return Path(value)
    raise ConfigError(f"{key} must be a path (str or pathlib.Path), got {_shown(value)}; "
                      f"fix: e.g. {key}={example!r}")


def _seed_arg(seed) -> int:
    """A seed as the command line takes it: a whole number 0 .. 2**32 - 1 (numpy's range)."""
    if (isinstance(seed, numbers.Integral) and not isinstance(seed, bool)
            and 0 <= int(seed) <= _SEED_MAX):
        return int(seed)
    raise ConfigError(f"seed must be a whole number 0 .. {_SEED_MAX}, got {_shown(seed)}; "
                      "fix: e.g. seed=0 (the same seed gives the same run)")


def _resolution_arg(resolution_m) -> float | None:
    """None (the default grid) or a cell size in metres within the command line's range
    (``terrain.grid.RESOLUTION_RANGE_M``)."""
    return None if resolution_m is None else check_grid_resolution_m(resolution_m)


def _flag_arg(value, key: str) -> bool:
    """``True`` or ``False`` (numpy's too); ConfigError naming ``key`` otherwise
    (:func:`logistics.errors.check_flag`)."""
    return check_flag(key, value)


def _dem_arg(dem) -> str:
    """A DEM as ``--dem`` takes it: one of ``terrain.DEM_FILES`` (``"merged"``, ``"etopo5"``),
    checked before any loading by ``load_terrain``'s own check (a comparison met it in its
    first run, perhaps in a dask worker)."""
    from logistics.terrain.dem import check_dem

    return check_dem(dem)


def _tolerance_arg(tolerance_km) -> float:
    """How close a route must pass a documented place to reach it (km), in the range
    ``compare --tolerance-km`` takes (``history.score.TOLERANCE_RANGE_KM``, above 0)."""
    from logistics.history.score import DEFAULT_TOLERANCE_KM, TOLERANCE_RANGE_KM

    lo, hi = TOLERANCE_RANGE_KM
    if (isinstance(tolerance_km, numbers.Real) and not isinstance(tolerance_km, bool)
            and math.isfinite(float(tolerance_km)) and lo < float(tolerance_km) <= hi):
        return float(tolerance_km)
    raise ConfigError(f"tolerance_km must be a number of km in ({lo:g}, {hi:g}], got "
                      f"{_shown(tolerance_km)}; fix: e.g. tolerance_km={DEFAULT_TOLERANCE_KM:g} "
                      "(the default, as --tolerance-km)")


def _config_dir_arg(config_dir, armies: str = "") -> Path | None:
    """None (``settings.CONFIG_DIR``: LOGISTICS_CONFIG_DIR or the shipped configs) or the path
    of a configs folder (a copy of ``configs/``). A folder of army files is refused as one, with
    ``armies`` (how the caller takes army files) in the fix."""
    from logistics import settings

    if config_dir is None:
        return None
    path = _path_arg(config_dir, "config_dir", "my-configs")
    problem = settings.army_files_folder(path)
    if problem:
        raise ConfigError(f"config_dir={str(path)!r}: {problem}; fix: "
                          f"{armies + ', and ' if armies else ''}config_dir= for a whole copy of "
                          "configs/ (cp -r configs my-configs), or leave config_dir out for "
                          "settings.CONFIG_DIR")
    return path


def _overrides_arg(overrides) -> dict[str, float] | None:
    """None or ``{NAME: number}`` (``compare --set NAME=VALUE``; the names
    ``runner.run_scenario`` takes): a mapping of names to finite numbers, each name a global
    parameter, the start of an army figure's path or a norms figure (``norms/<file>:<key>``),
    a global parameter within its range. Checked before any loading by the check of
    ``compare --set`` (:func:`logistics.army.overrides.overrides_problems`, with its near
    names); a figure path is checked against the army by :func:`_check_overrides_fit`."""
    from logistics.army.overrides import overrides_problems

    if overrides is None:
        return None
    if not isinstance(overrides, Mapping) or not all(isinstance(k, str) for k in overrides):
        raise ConfigError(f"overrides must be a dict of parameter names to numbers, got "
                          f"{_shown(overrides)}; fix: e.g. overrides={{'speed_scale': 1.2}}")
    numbers_only = [f"{k!r}: {_shown(v)}" for k, v in overrides.items()
                    if not (isinstance(v, numbers.Real) and not isinstance(v, bool)
                            and math.isfinite(float(v)))]
    if numbers_only:
        raise ConfigError(f"overrides must map names to finite numbers, got "
                          f"{', '.join(numbers_only)}; fix: e.g. overrides={{'speed_scale': 1.2}}")
    # as floats before the check: a numpy float32 (or int64) 1.2 is a number the check of
    # the global parameters took for none ("must be a number in [0.05, 20], got 1.2")
    overrides = {k: float(v) for k, v in overrides.items()}
    problems = overrides_problems(overrides)
    if problems:
        raise ConfigError("overrides: " + "; ".join(problems))
    return overrides


def _check_overrides_fit(army, overrides: dict[str, float] | None) -> None:
    """ConfigError before the run when ``overrides`` do not fit ``army`` (a figure path its file
    lacks, a value its schema refuses, a norms figure its configs folder lacks), naming the
    army file and the fix."""
    from logistics.army.overrides import GLOBAL_OVERRIDES, norms_fit_problem, override_problem

    if not overrides:
        return
    why = [w for w in [override_problem(army, overrides),
                       norms_fit_problem(overrides, army.config_dir)] if w]
    if why:
        raise ConfigError(
            f"overrides {overrides} do not fit {army.axis_id} ({army.source}): "
            f"{'; '.join(why)}; fix: a global parameter ({', '.join(GLOBAL_OVERRIDES)}), a "
            "figure path of that army file, as under its uncertain:, or a norms figure "
            "norms/<file>:<key path> (e.g. overrides={'speed_scale': 1.2})")


#: How the functions of one army take an army file (the fix of a folder of them as config_dir).
_ONE_ARMY = "give one of its files as the scenario (e.g. logistics.run('FOLDER/tbf-36a.yaml'))"


def load_scenario(path: str | Path, *, config_dir: str | Path | None = None):
    """The validated army of a scenario file (``configs/<axis>.yaml``, or a shipped scenario's
    name, ``"tbf-6gta"``, as ``logistics run tbf-6gta`` takes it): ``logistics.army.Army``
    with its formations resolved against the norms; one ConfigError listing every problem.
    ``config_dir``: the configs folder whose vehicles and norms it is checked against, and
    that :func:`run` reads for it (default ``settings.CONFIG_DIR``); a bare name is looked up
    there."""
    from logistics.army import load_army
    from logistics.army.load import army_by_name

    path = _path_arg(path, "path", "configs/tbf-6gta.yaml")
    config_dir = _config_dir_arg(config_dir, _ONE_ARMY)
    found = army_by_name(path, config_dir)
    if len(path.parts) == 1 and not os.path.lexists(found):
        _no_such_name(path.name, config_dir)
    return load_army(found, config_dir=config_dir)


def _no_such_name(name: str, config_dir) -> None:
    """Refuse a bare scenario name that is no file here nor an army file of the configs folder
    it is looked up in (``config_dir``, else ``settings.CONFIG_DIR``: LOGISTICS_CONFIG_DIR's
    copy, else the shipped one), saying so, with the near names and the folder's scenarios; it
    said only "army file 'NAME' does not exist", as if a name were never looked up."""
    from logistics import settings
    from logistics.army.load import army_paths
    from logistics.errors import did_you_mean

    folder = Path(config_dir) if config_dir is not None else Path(settings.CONFIG_DIR)
    how = "config_dir" if config_dir is not None else (
        "settings.CONFIG_DIR: LOGISTICS_CONFIG_DIR's copy, else the shipped one")
    try:
        stems = [p.stem for p in army_paths(folder)]
    except ConfigError:
        stems = []
    stem = name[:-len(Path(name).suffix)] if Path(name).suffix in (".yaml", ".yml") else name
    raise ConfigError(
        f"{name!r} is no file here nor a scenario of the configs folder {folder} ({how}), "
        "where a scenario's name is looked up" + did_you_mean(stem, stems, lead="; ")
        + (f"; its scenarios: {', '.join(stems)}" if stems else "")
        + "; fix: a scenario file's path, or the name of one of its scenarios; a scenario of "
        f"a copy of configs/ by name with config_dir= that copy (logistics.run({stem!r}, "
        "config_dir='my-configs'))")


def run(scenario, *, seed: int = 0, resolution_m: float | None = None, dem: str = "merged",
        engine: str = "auto", cost_surface: bool = False,
        config_dir: str | Path | None = None, overrides: Mapping[str, float] | None = None,
        events: bool = True):
    """Run one scenario (an army from :func:`load_scenario`, the path of its file or a shipped
    scenario's name) -> ``RunResult`` with every formation's tracks, routes and daily rows.

    ``resolution_m`` is the grid cell size (default ``settings.DEFAULT_RESOLUTION_M``);
    ``cost_surface=True`` also computes the accumulated-time raster (``result.cost_hours``,
    xarray with CRS). The result's tables are plain DataFrames; :func:`layers` gives them as
    GeoDataFrames. Writes nothing (``logistics run`` writes the run folder). ``config_dir``:
    the configs folder the run reads (default: the army's, as loaded; else
    ``settings.CONFIG_DIR``). ``overrides``: parameters changed for this run, as
    ``logistics compare --set NAME=VALUE`` (``{"speed_scale": 1.2}``; the global parameters
    of ``logistics.army.overrides.GLOBAL_OVERRIDES``, a figure path of the army file as under
    its ``uncertain:``, or a norms figure ``norms/<file>:<key>``), checked before the run.
    ``events=False`` leaves out the fortified-region rule, as ``logistics run --no-events``.
    """
    from logistics.army import Army
    from logistics.cost.accumulate import check_engine
    from logistics.runner import run_scenario

    seed, resolution_m = _seed_arg(seed), _resolution_arg(resolution_m)  # before any loading
    engine, overrides, dem = check_engine(engine), _overrides_arg(overrides), _dem_arg(dem)
    cost_surface, events = _flag_arg(cost_surface, "cost_surface"), _flag_arg(events, "events")
    config_dir = _config_dir_arg(config_dir, _ONE_ARMY)
    if not isinstance(scenario, Army):
        if not isinstance(scenario, (str, os.PathLike)):
            raise ConfigError(
                f"scenario must be an army (logistics.load_scenario(path)) or the path of its "
                f".yaml file, got {_shown(scenario)}; fix: e.g. "
                "logistics.run('configs/tbf-6gta.yaml')")
        scenario = load_scenario(scenario, config_dir=config_dir)
    _check_overrides_fit(scenario, overrides)
    return run_scenario(scenario, seed=seed, resolution_m=resolution_m, dem=dem, engine=engine,
                        cost_surface=cost_surface, config_dir=config_dir,
                        overrides=overrides, events=events)


def layers(result) -> dict:
    """A run's vector layers as GeoDataFrames in EPSG:4326 (``report.run_layers.LAYERS``:
    ``routes``, ``track_lines``, ``track``, ``daily``, ``halts``, ``deliveries``,
    ``crossings``, ``documented``), one row per formation, step, day or event."""
    from logistics.report.run_layers import run_layers
    from logistics.runner import RunResult

    if not isinstance(result, RunResult):
        raise ConfigError(f"layers needs the result of logistics.run(...), got "
                          f"{_shown(result)}; fix: layers(logistics.run('configs/tbf-6gta.yaml'))")
    return run_layers(result)


def write_run(result, folder: str | Path, *, overwrite: bool = False,
              documented: str | Path | None = None) -> Path:
    """Write the run folder of ``result`` (a ``logistics.run(...)``) into ``folder``, as
    ``logistics run --out folder`` does: every file or none (atomic), the map with the dated
    positions of ``documented`` (a documented-advances CSV; default the one of the configs
    folder the run read, as its railways, fortified regions and sources).
    ``folder`` must not exist, be empty, or (``overwrite=True``) be a folder this tool wrote;
    anything else is an ``OutputError`` before any work. Returns the folder."""
    from logistics._atomic import check_output_dir
    from logistics.history.documented import check_columns, load_documented
    from logistics.history.inputs import configured_documented
    from logistics.report.run_layers import check_drawable, run_config_dir
    from logistics.report.run_outputs import write_run as _write_run
    from logistics.runner import RunResult

    if not isinstance(result, RunResult):
        raise ConfigError(f"write_run needs the result of logistics.run(...), got "
                          f"{_shown(result)}; fix: write_run(logistics.run('configs/tbf-6gta.yaml'), "
                          "'out/my-run')")
    if not isinstance(overwrite, bool):  # bool("no") is True: a string would overwrite
        raise ConfigError(f"overwrite must be True or False, got {_shown(overwrite)}; fix: "
                          "overwrite=True to replace a folder this tool wrote")
    where = _path_arg(folder, "folder", "out/my-run")
    positions = (configured_documented(run_config_dir(result)) if documented is None
                 else check_columns(load_documented(
                     _path_arg(documented, "documented", "my-positions.csv"))))
    check_drawable(positions, result.scenario.axis_id)
    out = check_output_dir(where, overwrite=overwrite, what="folder", flag="overwrite=True")
    return _write_run(result, out, documented=positions)


def route(origin, destination, vehicle, *, mode: str = "any", via=(), season: str = "dry",
          resolution_m: float | None = None, engine: str = "auto",
          config_dir: str | Path | None = None, network: str | Path | None = None,
          out: str | Path | None = None, overwrite: bool = False):
    """Fastest route by rail, road, cross-country or any mix -> GeoDataFrame of legs.

    Columns ``leg, mode, start, end, distance_km, time_h, fuel_l, lines, notes`` and the leg's
    geometry (lon/lat, EPSG:4326); ``.attrs`` holds the totals (``distance_km``, ``time_h``,
    ``fuel_l``), the ``vehicle``, ``mode`` and ``places``. Places are names (1945 or modern),
    ``"LAT,LON"`` strings or ``(lon, lat)`` pairs. ``config_dir``: the configs folder whose
    vehicles, railways, network parameters and norms it reads (default
    ``settings.CONFIG_DIR``). ``network``: another OSM XML network (railway and highway
    ways) instead of the 1945 railways, as ``logistics route --network FILE.osm``.
    ``out``: a folder to write as ``logistics route --out`` does (``route.geojson``,
    ``route.gpkg``, ``legs.csv``, ``map.png`` and the cost raster ``cost.tif``, one per
    section with ``via``), every file or none; it must not exist, be empty, or
    (``overwrite=True``) be a folder this tool wrote, checked before any work (an
    ``OutputError``). ``.attrs["out"]`` is then the folder and ``.attrs["files"]`` the names of
    the files written.
    """
    from logistics._atomic import check_output_dir
    from logistics.network import load_network, route_multimodal
    from logistics.network.multimodal import railways_of
    from logistics.report.route_outputs import write_route

    where = None
    if out is not None:  # before any work, as the command
        where = check_output_dir(_path_arg(out, "out", "out/my-route"),
                                 overwrite=_flag_arg(overwrite, "overwrite"), what="out",
                                 flag="overwrite=True")
    config_dir = _config_dir_arg(config_dir)
    graph = (None if network is None
             else load_network(_path_arg(network, "network", "my-lines.osm")))
    if graph is None and where is not None:  # the map draws the lines routed on
        graph = railways_of(config_dir)
    r = route_multimodal(origin, destination, vehicle, mode=mode, via=_via_arg(via),
                         season=season, resolution_m=_resolution_arg(resolution_m), engine=engine,
                         config_dir=config_dir, network=graph, cost_surface=where is not None)
    gdf = r.frame()
    gdf.attrs.update(distance_km=r.distance_km, time_h=r.time_h, fuel_l=r.fuel_l,
                     vehicle=r.vehicle, mode=r.mode, places=r.places, season=r.season)
    if where is not None:
        gdf.attrs.update(out=where, files=write_route(r, where, network=graph,
                                                      overwrite=overwrite))
    return gdf


def _via_arg(via) -> tuple:
    """Places to pass through: one place (a name or ``"LAT,LON"``) or a sequence of places."""
    if via is None:
        return ()
    pair = (isinstance(via, (tuple, list)) and len(via) == 2
            and all(isinstance(v, numbers.Real) for v in via))
    if isinstance(via, str) or pair:
        return (via,)  # one place: a name, "LAT,LON" or a (lon, lat) pair
    try:
        return tuple(via)
    except TypeError:
        raise ConfigError(f"via must be a list of places (names, 'LAT,LON' or (lon, lat) "
                          f"pairs), got {_shown(via)}; fix: e.g. via=['Hailar']") from None


def sample(place, *, dem: str = "merged", resolution_m: float | None = None,
           config_dir: str | Path | None = None) -> dict:
    """What the model knows at a place (name, ``"LAT,LON"`` or ``(lon, lat)``): elevation,
    slope, terrain and river class, the nearest river, the DEM source (``logistics sample``).
    ``config_dir``: the configs folder whose 1945 land cover and railways it reads (default
    ``settings.CONFIG_DIR``)."""
    from logistics.terrain.sample import sample_point

    return sample_point(place, dem=dem, resolution_m=_resolution_arg(resolution_m),
                        config_dir=_config_dir_arg(config_dir))


def vehicle_rates(place, *, vehicles=None, season: str = "dry", dem: str = "merged",
                  resolution_m: float | None = None, config_dir: str | Path | None = None):
    """Each vehicle's speed (km/h) and fuel (L/km) at a place, on the flat and up and down the
    local slope, as the cost model prices that cell (``logistics sample`` prints the same
    table) -> DataFrame, one row per vehicle. ``vehicles``: ids (or one id; default every
    vehicle of the folder); ``season``: "dry" or "wet". ``config_dir``: the configs folder
    whose vehicles, 1945 land cover and railways it reads (default ``settings.CONFIG_DIR``)."""
    from logistics.cost.physics import point_rates
    from logistics.terrain.sample import point_terrain, resolve_point

    if isinstance(vehicles, str):
        vehicles = [vehicles]
    if vehicles is not None and (not isinstance(vehicles, (list, tuple)) or not vehicles
                                 or not all(isinstance(v, str) for v in vehicles)):
        raise ConfigError(f"vehicles must be a vehicle id or a list of them, got "
                          f"{_shown(vehicles)}; fix: e.g. vehicles=['zis-5', 't-34-85'], or "
                          "leave it out for every shipped vehicle")
    config_dir = _config_dir_arg(config_dir)
    _, lon, lat, _ = resolve_point(place)
    terrain = point_terrain(lon, lat, dem=dem, resolution_m=_resolution_arg(resolution_m),
                            config_dir=config_dir)
    return point_rates(terrain, lon, lat, season=season,
                       vehicles=list(vehicles) if vehicles is not None else None,
                       config_dir=config_dir)


def compare(documented=None, *, configs_dir=None, resolution_m: float | None = None,
            samples: int = 0, seed: int = 0, config_dir=None,
            overrides: Mapping[str, float] | None = None, tolerance_km: float | None = None,
            dem: str = "merged", workers: int | None = None):
    """Score every documented row against its axis's modelled run and the planned-rate
    baseline (``logistics compare``) -> ``Comparison`` (``.table``, ``.summary``, ``.axes``).
    ``configs_dir``: the folder of the army files (``--configs``); ``config_dir``: the configs
    folder read (LOGISTICS_CONFIG_DIR of the command; default ``settings.CONFIG_DIR``): its
    documented file, planned rates, fuel states and railways, its army files unless
    ``configs_dir`` is given, and the vehicles, norms and terrain every run reads.
    ``overrides``: parameters changed for every run, as ``--set NAME=VALUE`` and
    :func:`run`'s ``overrides`` (``{"speed_scale": 1.2}``), checked before any run: against
    every army compared, and the norms files for ``norms/<file>:<key>``. ``tolerance_km``
    (how close a route must pass a documented place to reach it; default 15) and ``dem``
    (the runs' DEM, ``"merged"`` or ``"etopo5"``) as ``--tolerance-km`` and ``--dem``.
    ``workers``: as ``--workers``, local dask workers for the runs (0: in this process; None:
    a cluster only when ``samples`` > 0, sized to the machine, or LOGISTICS_SCHEDULER's)."""
    from logistics.history.compare import compare as _compare
    from logistics.history.compare import compare_inputs
    from logistics.history.inputs import check_comparable, check_runnable, check_scorable
    from logistics.cli._cluster import cluster_for
    from logistics.history.uncertainty import MAX_SAMPLES

    overrides = _overrides_arg(overrides)  # before any loading, as --set
    dem = _dem_arg(dem)
    extra = {} if tolerance_km is None else {"tolerance_km": _tolerance_arg(tolerance_km)}
    if not (isinstance(samples, numbers.Integral) and not isinstance(samples, bool)
            and 0 <= int(samples) <= MAX_SAMPLES):
        raise ConfigError(f"samples must be a whole number 0 .. {MAX_SAMPLES} (Monte Carlo draws "
                          f"per axis, 0 for none), got {_shown(samples)}; fix: e.g. samples=10")
    if documented is not None:
        documented = _path_arg(documented, "documented", "configs/history/documented-advances.csv")
    if configs_dir is not None:
        configs_dir = _path_arg(configs_dir, "configs_dir", "configs")
    config_dir = _config_dir_arg(config_dir, "use configs_dir= for a folder of army files")
    if workers is not None and not (isinstance(workers, numbers.Integral)
                                    and not isinstance(workers, bool) and int(workers) >= 0):
        raise ConfigError(f"workers must be a whole number >= 0 (0: the runs in this process) or "
                          f"None (a cluster only for samples), got {_shown(workers)}; fix: "
                          "e.g. workers=2")
    check_scorable(documented, config_dir)  # as `logistics compare`: refused, not an empty one
    resolution_m, seed = _resolution_arg(resolution_m), _seed_arg(seed)
    # the army files read, the overrides fitted to each and a documented file no army models
    # refused before the runs (and their cluster), as `logistics compare` does
    inputs = compare_inputs(documented, configs_dir=configs_dir, config_dir=config_dir,
                            overrides=overrides)
    check_comparable(inputs, modeled=bool(inputs.scenarios))
    # a start or objective in water on a DEM of the runs (the draws' too), a flotilla that
    # sails no river: refused now, not in the runs
    check_runnable(inputs, resolution_m=resolution_m, dem=dem, samples=int(samples),
                   samples_key="samples=")
    with cluster_for(None if workers is None else int(workers), int(samples) > 0) as client:
        return _compare(documented, configs_dir=configs_dir, resolution_m=resolution_m,
                        samples=int(samples), seed=seed, config_dir=config_dir,
                        overrides=overrides, dem=dem, client=client, inputs=inputs, **extra)


def write_comparison(comp, folder: str | Path, *, overwrite: bool = False,
                     draw_map: bool = True, map_resolution_m: float = 5000.0) -> Path:
    """Write the folder of ``comp`` (a ``logistics.compare(...)``) into ``folder``, as
    ``logistics compare --out folder`` does: comparison.csv, summary.csv, comparison.gpkg (with
    its QGIS styles and comparison.qgz), comparison.geojson, problems.csv, fuel_states.csv, plots, map.html, map.png and report.md, every file or none.
    ``folder`` must not exist, be empty, or (``overwrite=True``) be a folder this tool wrote;
    anything else is an ``OutputError`` before any work. ``draw_map=False`` and
    ``map_resolution_m`` (m, the static map's cells) as ``--no-map`` and
    ``--map-resolution-m``. Returns the folder."""
    from logistics._atomic import check_output_dir
    from logistics.history.compare import Comparison
    from logistics.report.compare_outputs import write_comparison as _write_comparison

    if not isinstance(comp, Comparison):
        raise ConfigError(f"write_comparison needs the result of logistics.compare(...), got "
                          f"{_shown(comp)}; fix: write_comparison(logistics.compare(), "
                          "'out/my-comparison')")
    overwrite, draw_map = _flag_arg(overwrite, "overwrite"), _flag_arg(draw_map, "draw_map")
    map_resolution_m = check_grid_resolution_m(map_resolution_m, "map_resolution_m")
    where = _path_arg(folder, "folder", "out/my-comparison")
    out = check_output_dir(where, overwrite=overwrite, what="folder", flag="overwrite=True")
    return _write_comparison(comp, out, map_resolution_m=map_resolution_m, draw_map=draw_map,
                             overwrite=overwrite)
