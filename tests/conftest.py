"""Shared test set-up: hypothesis profiles, synthetic terrains and toy fixtures, in one place.

No test imports another test file: what several tests share is here, reached as fixtures.

* Hypothesis profiles ``dev`` (default: few examples, fast, new ones each run), ``ci`` (more
  examples, no deadline, the same ones every run) and ``explore`` (as many as ``ci``, new ones
  each run: for hunting), chosen by the environment variable ``HYPOTHESIS_PROFILE`` (``.ci/run``
  sets ``ci``).
* Synthetic terrains (metric ``xarray.Dataset`` as ``load_terrain`` returns, small enough to
  check by hand): :func:`metric_terrain` builds one from arrays; the fixtures ``synth_terrain``
  (a ramp with random classes, a lake and rivers), ``hailar_terrain`` (30 x 40 km of steppe
  round Hailar with an optional lake, hills, island) and ``box_terrain`` (any lon/lat box, any
  elevation function) are factories over it.
* ``synthetic``: a complete set of shipped raster layers for a small box (121-123 E,
  45-46.5 N) with hand-checkable values, installed as ``settings.RASTER_DIR``.
* ``toy``: a toy scenario runner (a steady advance due east along 45 N) with
  ``run_scenario``'s signature and result shape, for the history tests.
* ``test_army_doc``: a shipped army file cut to given formations, H-hour at midnight, dry, fuel
  that never binds (runs of one or two synthetic columns on ``box_terrain``).
* ``broken_tile``: a lazy cost model whose DEM fails in one tile (chunked-solver tests).
* ``norms_with``: ``norms_with(tmp_path, name, change)`` copies the shipped norms files into
  ``tmp_path/norms``, the one called ``name`` after ``change(data)`` (bad-norms tests), and
  the shipped vehicles into ``tmp_path/vehicles``.
* The railway builder (``configs/network/``) is a script folder, not a package; its modules
  import each other by file name, so it is put on ``sys.path`` for the tests that import them.
"""

from __future__ import annotations

import math
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

ROOT = Path(__file__).resolve().parent.parent

if str(ROOT / "configs" / "network") not in sys.path:
    sys.path.insert(0, str(ROOT / "configs" / "network"))

# -------------------------------------------------------------------------- hypothesis profiles

hypothesis_settings.register_profile(
    "dev", max_examples=20, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors],
)
# CI gates landing: the same examples every run (a red CI must be reproducible, not the luck
# of a draw); the dev profile explores new ones on every run
hypothesis_settings.register_profile(
    "ci", max_examples=100, deadline=None, print_blob=True, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors],
)
# hunting: CI's number of examples, new ones every run (a failure prints its reproduce blob)
hypothesis_settings.register_profile(
    "explore", max_examples=100, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors],
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

# -------------------------------------------------------------------------- synthetic terrains


def metric_terrain(elevation_m, terrain_class, river_class=None, *, x, y, slope_deg=None,
                   attrs=None) -> xr.Dataset:
    """A terrain Dataset on metric coordinates ``x`` (east) and ``y`` (north, descending) from
    arrays (elevation float32 m, classes uint8); rivers default to none."""
    shape = (len(y), len(x))
    data = {
        "elevation_m": (("y", "x"), np.asarray(elevation_m, np.float32), {"units": "m"}),
        "terrain_class": (("y", "x"), np.asarray(terrain_class, np.uint8), {"units": "class"}),
        "river_class": (("y", "x"), np.zeros(shape, np.uint8) if river_class is None
                        else np.asarray(river_class, np.uint8), {"units": "class"}),
    }
    if slope_deg is not None:
        data["slope_deg"] = (("y", "x"), np.asarray(slope_deg, np.float32), {"units": "degree"})
    return xr.Dataset(data, coords={"x": np.asarray(x, float), "y": np.asarray(y, float)},
                      attrs=dict(attrs or {}))


def write_army_yaml(tmp_path: Path, data: dict, name: str = "army.yaml") -> Path:
    """``data`` written as the army file ``tmp_path/name`` (YAML, keys in order)."""
    import yaml

    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def write_documented(path: Path, rows: list[dict]) -> Path:
    """``rows`` (dicts of the format's columns) written as the documented-advances CSV
    ``path``, as a user's spreadsheet saves it."""
    import csv

    from logistics.history.documented import COLUMNS

    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(COLUMNS))
        w.writeheader()
        w.writerows(rows)
    return path


def army_refused(tmp_path: Path, data: dict, *fragments: str) -> str:
    """The ConfigError message of loading ``data`` as an army file; it must name the file,
    give a fix and hold every one of ``fragments``."""
    from logistics.army.load import load_army

    return file_refused(load_army, write_army_yaml(tmp_path, data), *fragments)


def file_refused(load, path: Path, *fragments: str) -> str:
    """The ConfigError message of ``load(path)`` (a config file); it must name the file, give a
    fix and hold every one of ``fragments``."""
    from logistics.errors import ConfigError

    with pytest.raises(ConfigError) as err:
        load(path)
    msg = str(err.value)
    for fragment in (str(path), "fix", *fragments):
        assert fragment in msg, msg
    return msg


def configs_tree_edited(tmp_path: Path, rel: str, old: str, new: str) -> Path:
    """A copy of the shipped configs tree (without maps and notes, with the 1945 railways) with
    ``old`` replaced by ``new`` once in its file ``rel``."""
    import shutil

    from logistics import settings

    shipped = Path(settings.SHIPPED_CONFIG_DIR)
    d = tmp_path / "configs"
    shutil.copytree(shipped, d, ignore=shutil.ignore_patterns("*.osm", "*.png", "*.md"))
    shutil.copy(shipped / "network" / "railways-1945.osm", d / "network")
    p = d / rel
    text = p.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    p.write_text(text.replace(old, new, 1), encoding="utf-8")
    return d


def configs_refused(load, d: Path, rel: str, *words: str) -> str:
    """The ConfigError message of ``load(d)`` (a configs folder); it must name the file ``rel``
    of ``d``, give a fix and hold every one of ``words``."""
    from logistics.errors import ConfigError

    with pytest.raises(ConfigError) as err:
        load(d)
    msg = str(err.value)
    assert str(d / rel) in msg and "fix" in msg, msg
    for w in words:
        assert w in msg, msg
    return msg


def _synth_terrain(ny: int = 12, nx: int = 14, res_m: float = 1000.0, *, seed: int = 0,
                   tclass: int | None = None, slope: float = 0.0) -> xr.Dataset:
    """A small metric terrain: a ramp rising east (``slope`` m/m) plus optional noise, random
    passable classes (or one ``tclass``), a lake block at rows 2-3, cols 2-3, and rivers."""
    from logistics.terrain.classes import RiverClass, TerrainClass

    rng = np.random.default_rng(seed)
    x = np.arange(nx) * res_m
    y = (ny - np.arange(ny)) * res_m
    z = np.broadcast_to(100.0 + slope * x, (ny, nx)).astype(np.float32).copy()
    if tclass is None:
        tc = rng.integers(1, 7, (ny, nx)).astype(np.uint8)
        tc[2:4, 2:4] = TerrainClass.WATER
        tc[0, 0] = TerrainClass.NODATA
        z = z + rng.normal(0, 20, (ny, nx)).astype(np.float32)
    else:
        tc = np.full((ny, nx), tclass, np.uint8)
    rc = np.zeros((ny, nx), np.uint8)
    if tclass is None:
        rc[:, 7] = RiverClass.MEDIUM
        rc[6, :] = RiverClass.MAJOR
    slope_deg = np.zeros((ny, nx), np.float32) + np.degrees(np.arctan(slope))
    return metric_terrain(z, tc, rc, x=x, y=y, slope_deg=slope_deg)


@pytest.fixture(scope="session")
def synth_terrain():
    """Factory: ``synth_terrain(ny=12, nx=14, res_m=1000, *, seed=0, tclass=None, slope=0)``."""
    return _synth_terrain


HAILAR_RES_M = 1000.0


def _hailar_terrain(*, lake: bool = False, hills: bool = False,
                    island: bool = False) -> xr.Dataset:
    """30 x 40 km of steppe whose cell (10, 10) holds Hailar; optional lake (rows 5-24, cols
    20-22), hills (random relief, forest east of col 25, a medium river on col 15), island
    (water on col 30)."""
    from logistics.places import lookup
    from logistics.terrain import to_metric
    from logistics.terrain.classes import RiverClass, TerrainClass

    hailar = lookup("Hailar")
    x0, y0 = to_metric(hailar.lon, hailar.lat)
    ny, nx = 30, 40
    x = x0 + (np.arange(nx) - 10) * HAILAR_RES_M
    y = y0 + (10 - np.arange(ny)) * HAILAR_RES_M
    z = np.full((ny, nx), 600.0, np.float32)
    tc = np.full((ny, nx), TerrainClass.STEPPE, np.uint8)
    rc = np.zeros((ny, nx), np.uint8)
    if lake:
        tc[5:25, 20:23] = TerrainClass.WATER
    if hills:
        rng = np.random.default_rng(7)
        z += (rng.random((ny, nx)) * 120).astype(np.float32)
        tc[:, 25:] = TerrainClass.FOREST
        rc[:, 15] = RiverClass.MEDIUM
    if island:
        tc[:, 30] = TerrainClass.WATER
    return metric_terrain(z, tc, rc, x=x, y=y)


def _cell_lonlat(ds: xr.Dataset, row: int, col: int) -> tuple[float, float]:
    """(lon, lat) of the centre of cell (row, col) of a metric terrain."""
    from logistics.terrain import to_lonlat

    return to_lonlat(float(ds.x[col]), float(ds.y[row]))


class _Factory:
    """A builder function with helper attributes (``fixture(...)`` builds, ``fixture.helper``)."""

    def __init__(self, build, **helpers) -> None:
        self._build = build
        self.__dict__.update(helpers)

    def __call__(self, *args, **kwargs):
        return self._build(*args, **kwargs)


@pytest.fixture(scope="session")
def hailar_terrain():
    """Factory ``hailar_terrain(*, lake, hills, island)``; ``hailar_terrain.lonlat(ds, row,
    col)`` gives a cell centre's (lon, lat)."""
    return _Factory(_hailar_terrain, lonlat=_cell_lonlat)


def _box_terrain(bbox, res_m: float, elevation=None) -> xr.Dataset:
    """North-up steppe in METRIC_CRS over a lon/lat box, cells of ``res_m``; ``elevation(xx,
    yy)`` in m (default flat 200 m); ``attrs["resolution_m"]`` set."""
    from logistics.terrain import to_metric
    from logistics.terrain.classes import TerrainClass

    w, s, e, n = bbox
    xs, ys = to_metric(np.array([w, e, w, e]), np.array([s, s, n, n]))
    x = np.arange(xs.min() + res_m / 2, xs.max(), res_m)
    y = np.arange(ys.max() - res_m / 2, ys.min(), -res_m)
    xx, yy = np.meshgrid(x, y)
    z = np.full(xx.shape, 200.0) if elevation is None else elevation(xx, yy)
    return metric_terrain(z, np.full(xx.shape, TerrainClass.STEPPE, np.uint8), x=x, y=y,
                          attrs={"resolution_m": res_m})


@pytest.fixture(scope="session")
def box_terrain():
    """Factory ``box_terrain(bbox, res_m, elevation=None)`` (see :func:`_box_terrain`)."""
    return _box_terrain


def without_reserve(text: str) -> str:
    """An army file's text with no reserve (``carried_refills`` 0, so no
    ``fuel.reserve_reach_km`` either, nor their ``uncertain:`` ranges): an army lacking that
    figure, for checks of a figure one army has and another lacks (every shipped army has
    one: a reserve is somewhere)."""
    import yaml

    doc = yaml.safe_load(text)
    doc["fuel"].pop("reserve_reach_km", None)
    doc["fuel"]["carried_refills"] = {"value": 0.0, "assumed": "test: no reserve"}
    for key in ("fuel.reserve_reach_km", "fuel.carried_refills"):
        doc.get("uncertain", {}).pop(key, None)
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


def _test_army_doc(formations: list[dict]) -> dict:
    """The 6th Guards Tank Army file (``configs/tbf-6gta.yaml``) cut to ``formations`` (army
    file entries, moved in the given order), H-hour at midnight, dry all the way, fuel that
    never binds, no supply, flotilla nor ``uncertain:``."""
    import yaml

    from logistics import settings

    doc = yaml.safe_load((settings.CONFIG_DIR / "tbf-6gta.yaml").read_text(encoding="utf-8"))
    doc["formations"] = formations
    doc["fuel"]["priority"]["order"] = [f["id"] for f in formations]
    doc["fuel"].pop("drain_stalled", None)  # it names the shipped corps
    # external tanks only of the vehicles the given formations have: an entry for a vehicle
    # no formation has is refused at load (its litres would never be read)
    # (a formation of a `standard:` has that standard's vehicles too: then all are kept)
    have = {v.get("vehicle") for f in formations for v in f.get("vehicles", ())}
    extra = {k: v for k, v in (doc["fuel"].get("extra_fuel_l") or {}).items()
             if k in have or any("standard" in f for f in formations)}
    if extra:
        doc["fuel"]["extra_fuel_l"] = extra
    else:
        doc["fuel"].pop("extra_fuel_l", None)
    # its carrier is the shipped army units: the first formation on its own transport carries
    # it, and the reach spans any test's ground (every army places its reserve)
    carrier = next(f["id"] for f in formations if f.get("movement") not in ("river", "rail"))
    doc["fuel"]["reserve_reach_km"] = {"value": 5000, "carrier": carrier,
                                       "assumed": "test: fuel never binds"}
    doc["fuel"]["carried_refills"] = {"value": 20, "assumed": "test: fuel never binds"}
    doc["h_hour"] = {"value": "1945-08-09T00:00", "assumed": "test"}
    doc["seasons"] = [{"start": {"value": "1945-08-09T00:00", "assumed": "test"},
                       "season": "dry"}]
    doc["supply"] = {}
    doc.pop("flotilla", None)
    doc["uncertain"] = {}
    return doc


def _tank_column(objective: tuple[float, float]) -> dict:
    """One tank column (``tank-col``) of ten T-34-85, 40 men, one route, ``tank_column`` march
    norm, from the 6th Guards Tank Army's forward detachment's start to ``objective`` (lon,
    lat): on flat dry steppe its pace is its norm's (a T-34-85 could go 30 km/h there)."""
    import copy

    import yaml

    from logistics import settings

    doc = yaml.safe_load((settings.CONFIG_DIR / "tbf-6gta.yaml").read_text(encoding="utf-8"))
    f = copy.deepcopy(next(f for f in doc["formations"] if f["id"] == "fd-5gtc"))
    for k in ("standard", "parent", "drawn_from_parent", "count"):
        f.pop(k, None)
    f.update(id="tank-col", movement="tracked", march_norm="tank_column",
             men={"value": 40, "assumed": "test"},
             vehicles=[{"vehicle": "t-34-85", "count": {"value": 10, "assumed": "test"}}],
             column={"routes": {"value": 1, "assumed": "test"}},
             objectives=[{"place": "test east", "lon": objective[0], "lat": objective[1],
                          "assumed": "test objective"}])
    return f


@pytest.fixture(scope="session")
def test_army_doc():
    """Factory ``test_army_doc(formations) -> dict``: a shipped army file cut to the given
    formations on a quiet test day (see :func:`_test_army_doc`); write it with ``yaml``.
    ``test_army_doc.tank_column(objective)``: one such formation (:func:`_tank_column`)."""
    return _Factory(_test_army_doc, tank_column=_tank_column)


# --------------------------------------------------------------------------- advance plans


def _corridor(
    *,
    length_km: int = 400,
    speed_kmh: float = 20.0,
    l_per_km: float = 2.0,
    count: int = 10,
    tank_l: float = 200.0,
    start_l: float | None = None,
    hours: float = 10.0,
    days: int = 6,
    trucks: tuple = (),
    airlifts: tuple = (),
    depots: tuple = (),
    close_up_h: float = 0.0,
):
    """An :class:`~logistics.advance.plan.ArmyPlan` of one motor formation (``count``
    vehicles of one class ``tank``, diesel, ``tank_l`` each) on a straight 1 km-step corridor
    east along 47 N from H-hour 9 Aug 00:00 (no terrain): every km takes 3600/speed s and
    ``l_per_km`` per vehicle; no army reserve. ``start_l`` (default: full tanks) is the fuel
    in the tanks at H-hour; ``depots`` are ``(km, litres)``; truck legs are called with the
    route index (= km)."""
    from datetime import datetime
    from types import SimpleNamespace

    from logistics.advance.plan import ArmyPlan, FormationPlan
    from logistics.advance.schedule import MarchSchedule

    n = length_km + 1
    km = np.arange(n, dtype=float)
    step_t = np.full((1, n), 3600.0 / speed_kmh)
    step_f = np.full((1, n), float(l_per_km))
    step_t[:, 0] = 0.0
    step_f[:, 0] = 0.0
    fill = 1.0 if start_l is None else start_l / (count * tank_l)
    unit = SimpleNamespace(id="corridor", name="corridor", kind="brigade", parent=None,
                           role="main_body", movement="motor", start_h=0.0, headline=True)
    cells = np.stack([np.zeros(n, np.int64), np.arange(n, dtype=np.int64)], axis=1)
    fp = FormationPlan(
        unit=unit, km=km, lon=117.0 + km / 100.0, lat=np.full(n, 47.0),
        elev_m=np.full(n, np.nan), cells=cells, class_ids=("tank",), fuel_types=("diesel",),
        tank_l=np.array([tank_l]), extra_l=np.array([0.0]), counts=np.array([count]),
        pace_mask=np.array([True]), idle_l_per_h=np.array([0.0]),
        step_time_s={"dry": step_t}, step_fuel_l={"dry": step_f},
        schedule={"dry": MarchSchedule(start_hour=6, hours_per_day=hours,
                                       close_up_h=close_up_h)},
        objectives=(), depots=tuple((float(k), i) for i, (k, _) in enumerate(depots)))
    army = SimpleNamespace(fuel=SimpleNamespace(in_tanks_refills=SimpleNamespace(value=fill)))
    return ArmyPlan(
        army=army, start=datetime(1945, 8, 9, 0, 0), end=datetime(1945, 8, 9 + days),
        seasons=((0.0, "dry"),), formations=(fp,), priority=("corridor",),
        reserve_l={}, reserve_capacity_l={}, drain_stalled=False,
        trucks=tuple(trucks), airlifts=tuple(airlifts),
        air_priority=tuple(("corridor",) for _ in airlifts),
        depots=tuple((f"depot {i}", float(l), "any") for i, (_, l) in enumerate(depots)),
        cell_index={(0, i): i for i in range(n)},
    )


@pytest.fixture(scope="session")
def corridor():
    """Factory ``corridor(*, length_km=400, speed_kmh=20, l_per_km=2, count=10, tank_l=200,
    start_l=None, hours=10, days=6, trucks=(), airlifts=(), depots=(), close_up_h=0)``: an
    army plan of one formation on a straight corridor (see :func:`_corridor`)."""
    return _corridor


# -------------------------------------------------------------------- synthetic raster layers

_W, _S, _E, _N = 121.0, 45.0, 123.0, 46.5
_BOX = (121.05, 45.05, 122.95, 46.45)
_NODATA_BOX = (122.8, 46.3, 123.0, 46.5)  # DEM nodata in the NE corner


def _plane_m(lon, lat):
    """The synthetic DEM: a gentle plane in lon/lat (m)."""
    return 150.0 + 20.0 * (np.asarray(lon) - 121.0) + 10.0 * (np.asarray(lat) - 45.0)


def _write_raster(path, data, cell_deg, nodata=None, crs="EPSG:4326"):
    """A one-band GeoTIFF with its top-left corner at (121 E, 46.5 N)."""
    import rasterio
    from affine import Affine

    ny, nx = data.shape
    with rasterio.open(
        path, "w", driver="GTiff", height=ny, width=nx, count=1, dtype=data.dtype,
        crs=crs, transform=Affine(cell_deg, 0, _W, 0, -cell_deg, _N), nodata=nodata,
    ) as dst:
        dst.write(data, 1)


def _centres(cell_deg):
    nx, ny = int(round((_E - _W) / cell_deg)), int(round((_N - _S) / cell_deg))
    lon = _W + (np.arange(nx) + 0.5) * cell_deg
    lat = _N - (np.arange(ny) + 0.5) * cell_deg
    return np.meshgrid(lon, lat)


def _make_layers(folder: Path) -> Path:
    """Write the shipped layers for 121-123 E, 45-46.5 N into ``folder``: a gentle plane DEM
    (bilinear reproduces planes exactly) with nodata in the NE corner, a lake, grassland west
    of 122 E and forest east of it, a cropland block, a major river along 45.75 N and an
    intermittent stream along 122.25 E, a border, a coast."""
    import geopandas as gpd
    from shapely.geometry import LineString, box

    folder.mkdir(parents=True, exist_ok=True)
    c30 = 1 / 120
    lon, lat = _centres(c30)
    dem = _plane_m(lon, lat).astype(np.float32)
    w, s, e, n = _NODATA_BOX
    dem[(lon >= w) & (lat >= s)] = -32768
    _write_raster(folder / "dem_merged_30s.tif", dem, c30, nodata=-32768)
    _write_raster(folder / "dem_source_30s.tif", np.where(lon < 122, 2, 1).astype(np.uint8), c30)
    lake = (lon > 121.2) & (lon < 121.4) & (lat > 45.2) & (lat < 45.4)
    _write_raster(folder / "landmask_30s.tif", np.where(lake, 2, 1).astype(np.uint8), c30)
    c5 = 1 / 12
    lon5, lat5 = _centres(c5)
    _write_raster(folder / "etopo5.tif", (_plane_m(lon5, lat5) + 100).astype(np.float32), c5,
                  nodata=-32768)
    lon_lc, lat_lc = _centres(0.05)
    igbp = np.where(lon_lc < 122, 10, 4).astype(np.uint8)
    igbp[(lon_lc > 122.5) & (lon_lc < 122.75) & (lat_lc < 45.25)] = 12
    _write_raster(folder / "landcover_igbp_2019.tif", igbp, 0.05, nodata=255)
    rivers = gpd.GeoDataFrame(
        {"level": [1, 6]},
        geometry=[LineString([(_W, 45.75), (_E, 45.75)]),
                  LineString([(122.25, 45.9), (122.25, _N)])],
        crs="EPSG:4326",
    )
    rivers.to_file(folder / "rivers.gpkg", driver="GPKG")
    lakes = gpd.GeoDataFrame({"level": [2]}, geometry=[box(121.2, 45.2, 121.4, 45.4)],
                             crs="EPSG:4326")
    lakes.to_file(folder / "lakes.gpkg", driver="GPKG")
    line = LineString([(121.5, _S), (121.5, _N)])
    gpd.GeoDataFrame({"level": [1]}, geometry=[line], crs="EPSG:4326").to_file(
        folder / "borders.gpkg", driver="GPKG"
    )
    coast = LineString([(_W, 45.02), (_E, 45.02)])
    gpd.GeoDataFrame({"level": [1]}, geometry=[coast], crs="EPSG:4326").to_file(
        folder / "coast.gpkg", driver="GPKG"
    )
    return folder


@pytest.fixture(scope="session")
def synthetic_layers(tmp_path_factory) -> Path:
    """The folder of synthetic shipped layers (written once per session)."""
    return _make_layers(tmp_path_factory.mktemp("synthetic_layers"))


@pytest.fixture
def synthetic(synthetic_layers, monkeypatch):
    """The synthetic layers installed as ``settings.RASTER_DIR`` for one test. Yields their
    facts: ``folder``, ``extent`` (W, S, E, N), ``box`` (a load box inside), ``nodata_box``,
    ``plane_m(lon, lat)`` (the DEM) and ``write_raster(path, data, cell_deg, nodata, crs)``."""
    from logistics import settings
    from logistics.terrain.rivers import _cache_clear

    monkeypatch.setattr(settings, "RASTER_DIR", synthetic_layers)
    _cache_clear()
    yield SimpleNamespace(folder=synthetic_layers, extent=(_W, _S, _E, _N), box=_BOX,
                          nodata_box=_NODATA_BOX, plane_m=_plane_m, write_raster=_write_raster)
    _cache_clear()


# ----------------------------------------------------------------------- toy scenario runner

_KM_PER_DEG_LON_45 = 6371.0088 * math.pi / 180 * math.cos(math.radians(45.0))
_TOY_START = pd.Timestamp("1945-08-09 00:00")


@dataclass(frozen=True)
class _Range:
    low: float
    high: float


@dataclass(frozen=True)
class _ToyScenario:
    """A toy axis: ``base_km_per_day`` due east along 45 N from ``lon0``, dry at ``fuel_km``."""

    axis_id: str
    base_km_per_day: float = 60.0
    fuel_km: float = math.inf
    jitter: float = 0.0
    days: int = 12
    lon0: float = 120.0
    uncertain: dict = field(default_factory=dict)

    @property
    def start(self):
        return SimpleNamespace(lon=self.lon0, lat=45.0,
                               time=SimpleNamespace(value=_TOY_START.to_pydatetime()))


def _toy_lonlat_at(sc: _ToyScenario, km):
    return sc.lon0 + np.asarray(km, float) / _KM_PER_DEG_LON_45, 45.0


def _toy_runner(scenario: _ToyScenario, *, seed=0, overrides=None, dem="merged",
                resolution_m=None):
    """``run_scenario``'s signature and result shape: speed ``base_km_per_day * speed_scale``
    (10 % faster on 'etopo5'), halting for fuel at ``fuel_km / fuel_scale`` km, plus a seeded
    jitter when ``jitter`` is set; so calibration, Monte Carlo and compare can be checked by
    hand without terrain."""
    o = dict(overrides or {})
    rate = scenario.base_km_per_day * o.get("speed_scale", 1.0) * (1.1 if dem == "etopo5" else 1.0)
    if scenario.jitter:
        rate *= 1 + scenario.jitter * np.random.default_rng(seed).standard_normal()
    dry_km = scenario.fuel_km / o.get("fuel_scale", 1.0)
    hours = np.arange(scenario.days * 24 + 1)
    cum = np.minimum(rate * hours / 24.0, dry_km)
    lon, lat = _toy_lonlat_at(scenario, cum)
    status = np.where(rate * hours / 24.0 > dry_km + 1e-9, "halted: no fuel", "moving")
    track = pd.DataFrame({"time": _TOY_START + pd.to_timedelta(hours, "h"), "cum_km": cum,
                          "lon": lon, "lat": lat, "status": status})
    km = np.arange(0, 2001, 5.0)
    rlon, rlat = _toy_lonlat_at(scenario, km)
    route = pd.DataFrame({"cum_km": km, "lon": rlon, "lat": rlat})
    days = track.iloc[::24].reset_index(drop=True)
    daily = pd.DataFrame({
        "date": days["time"].dt.normalize() - pd.Timedelta(days=1),
        "lon": days["lon"], "lat": days["lat"], "cum_km": days["cum_km"],
        "km_day": days["cum_km"].diff().fillna(0.0),
        "status": np.where(days["cum_km"] >= dry_km - 1e-9, "halted: no fuel", "moving"),
    }).iloc[1:].reset_index(drop=True)
    return SimpleNamespace(track=track, route_points=route, daily=daily, scenario=scenario)


@pytest.fixture(scope="session")
def toy():
    """The toy runner and its parts: ``Scenario``, ``Range`` (an ``uncertain:`` range),
    ``runner``, ``lonlat_at(scenario, km)`` and ``START`` (H-hour, 9 Aug 00:00)."""
    return SimpleNamespace(Scenario=_ToyScenario, Range=_Range, runner=_toy_runner,
                           lonlat_at=_toy_lonlat_at, START=_TOY_START)


# ------------------------------------------------------------------ chunked-solver test models


def _lazy_with_broken_tile(model, chunks: int):
    """``model`` with its elevation as a dask array whose tile (1, 1) raises OSError when read."""
    import dask.array as da

    from logistics.cost.model import CostModel

    def broken(block, block_info=None):
        if block_info[None]["chunk-location"] == (1, 1):
            raise OSError("simulated read error in one tile of the DEM")
        return block

    elev = da.from_array(model.elevation_m, chunks=chunks).map_blocks(broken, dtype=np.float32)
    return CostModel(model.class_index, model.table, model.grade_min, model.grade_step,
                     model.cellsize_m, elevation_m=elev)


@pytest.fixture(scope="session")
def broken_tile():
    """``broken_tile(model, chunks)``: the model with a DEM that fails to read in tile (1, 1)."""
    return _lazy_with_broken_tile


# ------------------------------------------------------------------ toy army (formations contract)

_ARMY_BOX = (120.8, 45.0, 123.6, 46.0)
_ARMY_LINE = ((121.1, 45.2), (121.1, 45.8))


def _army_lonlat(lon0: float, lat: float, km):
    return lon0 + np.asarray(km, float) / (_KM_PER_DEG_LON_45 / math.cos(math.radians(45.0))
                                           * math.cos(math.radians(lat))), lat


@dataclass(frozen=True)
class _ToyForm:
    """One formation of the toy army: due east along ``lat`` from ``lon0`` at ``km_per_day``
    (moving every hour), optionally held ``hold_h`` hours at km ``hold_km`` with ``hold_status``."""

    formation_id: str
    name: str
    kind: str
    lat: float
    lon0: float = 121.1
    km_per_day: float = 100.0
    pace_vehicle: str = "t-34-85"
    movement: str = "tracked"
    parent: str | None = None
    aliases: tuple = ()
    hold_km: float = math.inf
    hold_h: float = 0.0
    hold_status: str = "halted: fortified region (assault)"
    role: str = ""
    objectives: tuple = ()  #: ((route km, name), ...) its route takes in order


@dataclass(frozen=True)
class _ToyArmy:
    axis_id: str
    name: str
    forms: tuple
    days: int = 8
    uncertain: dict = field(default_factory=dict)

    @property
    def start(self):
        return SimpleNamespace(lon=121.1, lat=45.5, time=SimpleNamespace(value=_TOY_START.to_pydatetime()))


def _toy_army_runner(scenario: _ToyArmy, *, seed=0, overrides=None, dem="merged", resolution_m=None,
                     terrain=None):
    """A result in the formations contract (formations, tracks, routes, departure_line) plus the
    headline views, on a flat synthetic terrain carried with it for off-route timing."""
    o = dict(overrides or {})
    hours = np.arange(scenario.days * 24 + 1)
    tracks, routes, forms = [], [], []
    for f in scenario.forms:
        rate = f.km_per_day * o.get("speed_scale", 1.0) / 24.0
        reach_h = f.hold_km / rate if math.isfinite(f.hold_km) else math.inf
        eff = np.where(hours <= reach_h, hours, np.maximum(reach_h, hours - f.hold_h))
        cum = rate * eff
        status = np.where((hours > reach_h) & (hours <= reach_h + f.hold_h), f.hold_status, "moving")
        lon, lat = _army_lonlat(f.lon0, f.lat, cum)
        tracks.append(pd.DataFrame({"time": _TOY_START + pd.to_timedelta(hours, "h"), "formation_id": f.formation_id,
                                    "cum_km": cum, "lon": lon, "lat": lat, "status": status,
                                    "refills_on_hand": np.maximum(0.0, 1.0 - cum / 400.0)}))
        km = np.arange(0, 1201, 2.0)
        rlon, rlat = _army_lonlat(f.lon0, f.lat, km)
        routes.append(pd.DataFrame({"formation_id": f.formation_id, "cum_km": km, "lon": rlon, "lat": rlat}))
        forms.append({"formation_id": f.formation_id, "name": f.name, "kind": f.kind, "parent": f.parent,
                      "movement": f.movement, "aliases": f.aliases, "start_lon": f.lon0, "start_lat": f.lat,
                      "pace_vehicle": f.pace_vehicle, "role": f.role})
    tracks, routes = pd.concat(tracks, ignore_index=True), pd.concat(routes, ignore_index=True)
    head = scenario.forms[0].formation_id
    track = tracks[tracks["formation_id"] == head].drop(columns="formation_id").reset_index(drop=True)
    route = routes[routes["formation_id"] == head].drop(columns="formation_id").reset_index(drop=True)
    days = track.iloc[::24].reset_index(drop=True)
    daily = pd.DataFrame({"date": days["time"].dt.normalize() - pd.Timedelta(days=1), "cum_km": days["cum_km"],
                          "lon": days["lon"], "lat": days["lat"], "status": "moving"}).iloc[1:]
    plan = SimpleNamespace(formations=[
        SimpleNamespace(unit=SimpleNamespace(id=f.formation_id), objectives=tuple(f.objectives))
        for f in scenario.forms])
    return SimpleNamespace(scenario=scenario, track=track, route_points=route, daily=daily,
                           formations=pd.DataFrame(forms), tracks=tracks, routes=routes,
                           departure_line=list(_ARMY_LINE), terrain=terrain, seasons=(),
                           plan=plan)


@pytest.fixture(scope="session")
def toy_army(box_terrain):
    """A toy army in the formations contract: ``Army`` (axis_id, name, forms), ``Form`` (one
    formation), ``runner`` (its ``run_scenario``; the flat terrain of ``BOX`` at 2 km rides on
    the result), ``lonlat(form, km)``, ``LINE`` (the departure line, lon 121.1), ``START``."""
    terrain = box_terrain(_ARMY_BOX, 2000.0)

    def runner(scenario, **kw):
        return _toy_army_runner(scenario, terrain=terrain, **kw)

    return SimpleNamespace(Army=_ToyArmy, Form=_ToyForm, runner=runner, terrain=terrain,
                           lonlat=lambda f, km: _army_lonlat(f.lon0, f.lat, km), LINE=_ARMY_LINE,
                           BOX=_ARMY_BOX, START=_TOY_START)


@pytest.fixture(autouse=True, scope="session")
def _in_process_workers_never_pause():
    """dask workers started inside the test process (``processes=False``) judge their memory by
    the whole process's RSS, i.e. by the pytest worker that has run hundreds of tests before:
    past 80 % of their limit they pause and never run a task, and the solve waiting on them
    waits forever (the CI run hung in test_chunked_cluster on a fresh clone). Tests do not
    test dask's memory management, so its pause and terminate thresholds are off."""
    import dask

    with dask.config.set({"distributed.worker.memory.pause": False,
                          "distributed.worker.memory.terminate": False}):
        yield


def _forget_dead_default_scheduler() -> None:
    """Drop dask's ``scheduler`` setting when it names a distributed client that is gone."""
    import dask

    if dask.config.get("scheduler", None) in ("dask.distributed", "distributed"):
        try:
            from distributed import default_client

            default_client()
        except ValueError:  # no live default client: forget the dead one's setting
            dask.config.config.pop("scheduler", None)
            dask.config.config.pop("shuffle", None)


@pytest.fixture(autouse=True)
def _dask_default_scheduler():
    """Each test starts on dask's default scheduler and leaves no client of its own behind.

    A ``distributed.Client`` made default sets dask's ``scheduler`` config and resets it when it
    closes. A client a test leaves open (a close that timed out under load, a test that failed
    before its ``with``) stays the default for every later test in the same worker process, and
    their ``.compute()`` waits on it, forever once its cluster is gone; a client that died
    without closing (the scheduler-death and Ctrl-C tests kill them on purpose) leaves the config
    naming a scheduler that is gone ("no Client active"). So: close what the test opened, then
    forget a dead default.
    """
    try:
        from distributed.client import _global_clients
    except ImportError:  # pragma: no cover - distributed is a dependency
        _global_clients = {}
    before = set(_global_clients)
    _forget_dead_default_scheduler()
    yield
    for key in set(_global_clients) - before:
        client = _global_clients.get(key)
        if client is not None:
            try:
                client.close(timeout=10)
            except Exception:  # noqa: BLE001 - a dead client may fail to close; forget it
                _global_clients.pop(key, None)
    _forget_dead_default_scheduler()
    # a test that stopped a command (or called its cancel path) silenced dask's logging, as a
    # process ending on the user's stop does; the next test's cluster errors need it back
    if "logistics.cli._cluster" in sys.modules:
        from logistics.cli._cluster import restore_distributed

        restore_distributed()


def _norms_with(tmp_path: Path, name: str, change) -> Path:
    """``tmp_path/norms``: the shipped norms files, ``name`` after ``change`` (its data),
    beside the shipped ``tmp_path/vehicles`` (the vehicle ids the norms name are checked
    against the vehicles of their own configs folder)."""
    import shutil

    import yaml

    from logistics import settings

    norms = tmp_path / "norms"
    norms.mkdir()
    for n in ("march.yaml", "movement.yaml", "formations.yaml"):
        text = (settings.SHIPPED_CONFIG_DIR / "norms" / n).read_text(encoding="utf-8")
        if n == name:
            data = yaml.safe_load(text)
            change(data)
            text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        (norms / n).write_text(text, encoding="utf-8")
    if not (tmp_path / "vehicles").exists():
        shutil.copytree(settings.SHIPPED_CONFIG_DIR / "vehicles", tmp_path / "vehicles")
    return norms


@pytest.fixture(scope="session")
def norms_with():
    return _norms_with


# ------------------------------------------------------------------ GIS field names (reserved)

#: Reserved words of OGR SQL (GDAL's dialect: ``ILIKE``) and of QGIS expressions (``TRUE``,
#: ``FALSE``) that SQLite's keyword list has not; with SQLite's own (below) every word a bare
#: field name must not be (https://gdal.org/user/ogr_sql_dialect.html, QGIS 3.22's parser).
_NOT_SQLITE_RESERVED = frozenset({"ILIKE", "TRUE", "FALSE"})


def sqlite_keywords() -> frozenset[str]:
    """SQLite's keywords as the library in use lists them (``sqlite3_keyword_count`` and
    ``sqlite3_keyword_name``, which the ``sqlite3`` module does not expose: read by ctypes
    from the module's own library); empty where ctypes cannot reach them."""
    import ctypes

    import _sqlite3

    try:
        lib = ctypes.CDLL(_sqlite3.__file__)
        words = set()
        for i in range(lib.sqlite3_keyword_count()):
            name, size = ctypes.c_char_p(), ctypes.c_int()
            lib.sqlite3_keyword_name(i, ctypes.byref(name), ctypes.byref(size))
            words.add(name.value[:size.value].decode("ascii"))
        return frozenset(words)
    except (OSError, AttributeError):
        return frozenset()


def _reserved_field_names(*paths: Path) -> dict[str, list[str]]:
    """Every field of the GeoPackages (every table of ``gpkg_contents``, empty ones too) and
    GeoJSON files (every feature's property names) among ``paths`` (files, or folders: their
    ``*.gpkg`` and ``*.geojson``) that is a reserved word (:func:`sqlite_keywords` and OGR
    SQL's and QGIS's own), as ``{"run.gpkg:objectives": ["order"], ...}``; also
    ``{"(checked)": [...]}``, every file:layer read, so a test sees it looked somewhere."""
    import json
    import sqlite3

    words = (sqlite_keywords() or frozenset({"ORDER", "END", "ROW"})) | _NOT_SQLITE_RESERVED
    files: list[Path] = []
    for p in map(Path, paths):
        files += sorted([*p.glob("*.gpkg"), *p.glob("*.geojson")]) if p.is_dir() else [p]
    found: dict[str, list[str]] = {"(checked)": []}

    def check(where: str, names) -> None:
        found["(checked)"].append(where)
        bad = [n for n in names if n.upper() in words]
        if bad:
            found[where] = bad

    for f in files:
        if f.suffix == ".gpkg":
            with sqlite3.connect(f) as db:
                for (t,) in db.execute("SELECT table_name FROM gpkg_contents"):
                    check(f"{f.name}:{t}", [r[1] for r in db.execute(
                        f"PRAGMA table_info('{t}')")])
        else:
            feats = json.loads(f.read_text(encoding="utf-8"))["features"]
            check(f.name, sorted({k for ft in feats for k in ft["properties"]}))
    return found


@pytest.fixture(scope="session")
def reserved_field_names():
    """:func:`_reserved_field_names`: the reserved words among the field names of GIS files."""
    return _reserved_field_names


@pytest.fixture(scope="session")
def reserved_words() -> frozenset[str]:
    """Every reserved word :func:`_reserved_field_names` looks for (upper case); SQLite's as
    its library lists them (empty set of those where ctypes cannot reach them)."""
    return sqlite_keywords() | _NOT_SQLITE_RESERVED
