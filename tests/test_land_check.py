"""A start or objective in a lake or the sea refused before the terrain step (advance/land_check).

The corpus's nonsense-start-in-lake, -objective-in-lake, -objective-area-in-lake and
-objective-in-sea-by-lon-lat were refused cleanly but only in the plan, after ``logistics
run``'s progress reached "terrain, route, supply, advance". The check reads the run grid's
water in windows (terrain/water.py: the cells the terrain has, without building it) and
snaps each point as the plan does, where only water and no-data are blocked: it refuses what
the plan refuses, in its words, and never a point the plan takes (every shipped army passes).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from logistics import settings
from logistics.errors import ConfigError

#: Lake Khanka's middle: water for more than 10 km round (the lake is about 90 x 60 km)
KHANKA = {"lon": 132.42, "lat": 44.95}
STEP = "terrain, route, supply, advance"


def _shipped(name: str) -> dict:
    return yaml.safe_load((settings.SHIPPED_CONFIG_DIR / name).read_text(encoding="utf-8"))


def _formation(data: dict, fid: str) -> dict:
    return next(f for f in data["formations"] if f["id"] == fid)


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "army.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _fef35() -> dict:
    data = _shipped("1fef-35a.yaml")
    data["departure"]["tolerance_km"]["value"] = 100  # the lake is 87 km from the line
    return data


#: The corpus's points in Lake Khanka: the 35th Army's rifle divisions' start, an objective
#: (inserted second) or an objective area (one point of it in the lake's middle)
LAKE_POINTS = {
    "start": {**KHANKA, "assumed": "x"},
    "objective": {"place": "Khanka", **KHANKA, "radius_km": 5, "assumed": "x"},
    "area": {"any_of": [{"place": "a", **KHANKA}, {"place": "b", "lon": 132.5, "lat": 45.0}],
             "radius_km": 3, "assumed": "x"},
}


def _in_lake(kind: str) -> dict:
    data = _fef35()
    rds = _formation(data, "35a-rds")
    if kind == "start":
        rds["start"] = LAKE_POINTS[kind]
    else:
        rds["objectives"].insert(1, LAKE_POINTS[kind])
    return data


# --- the command line: refused before the terrain step ----------------------------------------

@pytest.mark.parametrize("kind, fragments", [
    ("start", ("formations.1 (35a-rds).start: '35a-rds start' (lon 132.420, lat 44.950)",
               "no passable cell is within 10 km", "fix: move the start onto passable ground, "
               "e.g. lon ")),
    ("objective", ("formations.1 (35a-rds).objectives.1: 'Khanka' (lon 132.420, lat 44.950)",
                   "fix: move the objective", "or give it radius_km: ")),
    ("area", ("formations.1 (35a-rds).objectives.1: no point of the objective area",
              "'b' (lon 132.500, lat 45.000)", "pace vehicle foot-infantry")),
])
def test_a_point_in_a_lake_is_refused_before_the_terrain_step(tmp_path, capsys, kind,
                                                                fragments):
    from logistics.cli import main

    path = _write(tmp_path, _in_lake(kind))
    out = tmp_path / "o"
    assert main(["run", str(path), "--resolution-m", "10000", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and not out.exists(), err
    assert STEP not in err, err  # refused before the work, not in its planning
    line = [ln for ln in err.splitlines() if ln.startswith("logistics run: error: ")]
    assert len(line) == 1 and "army.yaml: " in line[0], err
    assert all(f in line[0] for f in fragments), line[0]


def test_an_objective_in_the_sea_by_lon_lat_is_refused_before_the_terrain_step(tmp_path,
                                                                               capsys):
    from logistics.cli import main

    data = _shipped("tbf-39a.yaml")
    data["formations"][4]["objectives"] = [{"lon": 131.0, "lat": 40.5, "assumed": "x"}]
    path = _write(tmp_path, data)
    assert main(["run", str(path), "--resolution-m", "10000", "--out",
                 str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert STEP not in err and "Traceback" not in err, err
    assert "formations.4 (94rc).objectives.0: '40.500 N 131.000 E'" in err, err
    assert "the nearest passable cell on this grid" in err, err


def test_compare_refuses_a_start_in_a_lake_before_its_runs(tmp_path, capsys):
    """The same start in an army of a comparison: refused before 'runs of every axis'."""
    from tests.test_cli_before_work import _compare, _doc_rows, _refused_first

    cfg = tmp_path / "cfg"
    cfg.mkdir()
    _write(cfg, _in_lake("start"))
    doc = tmp_path / "doc.csv"
    doc.write_text(_doc_rows("1FEF-35A"), encoding="utf-8")
    err = _refused_first(capsys, _compare(cfg, doc, tmp_path / "o"))
    assert "formations.1 (35a-rds).start: '35a-rds start'" in err, err
    assert not (tmp_path / "o").exists()


def test_the_python_run_refuses_a_start_in_a_lake_before_building_the_terrain(tmp_path,
                                                                              monkeypatch):
    import logistics
    import logistics.terrain

    def no_terrain(*args, **kwargs):
        raise AssertionError("the terrain was built before the refusal")

    monkeypatch.setattr(logistics.terrain, "load_terrain", no_terrain)
    with pytest.raises(ConfigError, match=r"formations\.1 \(35a-rds\)\.start: "):
        logistics.run(_write(tmp_path, _in_lake("start")), resolution_m=25000)


# --- what the plan takes, the check takes --------------------------------------------------

@pytest.mark.parametrize("resolution_m", [1000, 25000])
def test_every_shipped_army_passes(resolution_m):
    from logistics.advance.land_check import check_points_on_land
    from logistics.army import load_army
    from logistics.army.load import army_paths

    paths = army_paths(settings.SHIPPED_CONFIG_DIR)
    assert len(paths) >= 12
    for path in paths:
        check_points_on_land(load_army(path), resolution_m=resolution_m)


def _starts_moved(army, ids, *, ferries: bool = True):
    """``army`` with the starts of formations ``ids`` in Lake Khanka (past the load's checks
    of the departure line: the point is only to be planned); ``ferries=False``: no flotilla
    (whose ferry sites, its formations' own starts among them, open their water)."""
    forms = [f.model_copy(update={"start": f.start.model_copy(update=KHANKA)})
             if f.id in ids else f for f in army.formations]
    return army.model_copy(update={"formations": forms,
                                   **({} if ferries else {"flotilla": []})})


def test_points_the_plan_does_not_snap_or_takes_pass(tmp_path):
    """A start carried by ships (it lands where the ships put it), a formed formation's own
    start (it starts on its parent's route), a ferried formation's start (its flotilla opens
    the water round it), an area with one point on land, a lake's point whose radius reaches
    its shore: none refused. The start of a formation that marches from it is."""
    from logistics.advance.land_check import check_points_on_land
    from logistics.army import load_army

    def check(army) -> None:
        check_points_on_land(army, resolution_m=10000)

    fef15 = load_army(settings.SHIPPED_CONFIG_DIR / "2fef-15a.yaml")
    check(_starts_moved(fef15, ["15a-landing"], ferries=False))  # movement: river
    check(_starts_moved(fef15, ["15a-sp"]))  # ferried: the plan opens the water round it
    with pytest.raises(ConfigError, match=r"formations\.1 \(15a-sp\)\.start: "):
        check(_starts_moved(fef15, ["15a-sp"], ferries=False))
    rba2 = load_army(settings.SHIPPED_CONFIG_DIR / "2fef-2rba.yaml")
    formed = [f.id for f in rba2.formations if f.formed]
    assert formed == ["blag-tb", "kon-tb", "poy-tb"]
    check(_starts_moved(rba2, formed, ferries=False))
    with pytest.raises(ConfigError, match=r"\(blag-rds\)\.start: "):
        check(_starts_moved(rba2, ["blag-rds"], ferries=False))
    # an area with one point ashore; a point in the lake with a radius that reaches land
    data = _fef35()
    rds = _formation(data, "35a-rds")
    rds["objectives"].insert(1, {"any_of": [{"place": "a", **KHANKA},
                                            {"place": "Mishan", "lon": 131.88, "lat": 45.55}],
                                 "radius_km": 3, "assumed": "x"})
    rds["objectives"].insert(1, {"place": "Khanka", **KHANKA, "radius_km": 40, "assumed": "x"})
    check_points_on_land(load_army(_write(tmp_path, data)), resolution_m=10000)
    rds["objectives"][1]["radius_km"] = 5  # the lake's point held to 5 km: refused
    with pytest.raises(ConfigError, match=r"objectives\.1: 'Khanka'"):
        check_points_on_land(load_army(_write(tmp_path, data)), resolution_m=10000)


# --- terrain/water.py: the terrain's own cells ---------------------------------------------

@pytest.mark.parametrize("resolution_m", [1000.0, 2500.0])
def test_water_window_holds_the_cells_the_terrain_has(synthetic, resolution_m):
    """The water and no-data of any window, and of scattered cells, equal the whole terrain's
    (the synthetic layers' lake and no-data corner), at 2.5 km through the grid's averaging
    box (3 DEM cells) too."""
    from logistics.terrain import load_terrain
    from logistics.terrain.grid import metric_grid
    from logistics.terrain.water import water_at, water_window

    box = (121.05, 45.05, 122.95, 46.45)
    ds = load_terrain(box, resolution_m=resolution_m)
    want = (np.isin(ds["terrain_class"].values, (0, 7))
            | ~np.isfinite(ds["elevation_m"].values))
    assert want.any() and not want.all()
    grid = metric_grid(box, resolution_m)
    whole = water_window(grid, slice(0, None), slice(0, None))
    assert np.array_equal(whole["blocked"].values, want)
    assert np.array_equal(whole["x"].values, ds["x"].values)
    rng = np.random.default_rng(1)
    for _ in range(10):
        r, c, h = (int(v) for v in rng.integers(0, 40, 3))
        win = water_window(grid, slice(max(r - h, 0), r + h + 1), slice(max(c - h, 0), c + h + 1))
        assert np.array_equal(win["blocked"].values,
                              want[max(r - h, 0):r + h + 1, max(c - h, 0):c + h + 1])
    rows, cols = rng.integers(0, want.shape[0], 50), rng.integers(0, want.shape[1], 50)
    assert np.array_equal(water_at(grid, rows, cols), want[rows, cols])


def test_may_open_reaches_from_a_site_off_the_window():
    """The water a flotilla's site opens on the whole grid, seen from a window it lies beyond."""
    import xarray as xr

    from logistics.advance.ferry_sites import may_open
    from logistics.terrain import to_lonlat

    xs = np.arange(5) * 1000.0 + 500.0
    ys = 4500.0 - np.arange(5) * 1000.0
    win = xr.Dataset(coords={"x": xs, "y": ys}, attrs={"resolution_m": 1000.0})
    site = to_lonlat(500.0 - 3000.0, 2500.0)  # 3 km west of the window's west column
    got = may_open(win, [tuple(float(v) for v in site)], radius_km=4.0)
    assert got[2, 0] and got[2, 1] and not got[2, 4]


# --- the Monte Carlo draws' other DEM -------------------------------------------------------

#: The 35th Army's main forces' start (configs/1fef-35a.yaml)
FEF35_START = (133.243, 45.481)


@pytest.fixture
def etopo5_hole(tmp_path, monkeypatch):
    """The shipped layers with an ETOPO5 that has no elevation within half a degree of the
    35th Army's start (a user's DEM with a hole): land on the merged DEM, no land on ETOPO5
    within any start's radius. Installed as ``settings.RASTER_DIR``."""
    import rasterio

    folder = tmp_path / "rasters"
    folder.mkdir()
    for f in settings.SHIPPED_RASTER_DIR.iterdir():
        if f.name not in ("etopo5.tif", "MANIFEST.json"):  # no manifest: its sizes
            (folder / f.name).symlink_to(f)
    with rasterio.open(settings.SHIPPED_RASTER_DIR / "etopo5.tif") as src:
        profile, dem = src.profile, src.read(1)
        rows, cols = np.indices(dem.shape)
        xs, ys = rasterio.transform.xy(src.transform, rows.ravel(), cols.ravel())
    lon, lat = np.reshape(xs, dem.shape), np.reshape(ys, dem.shape)
    hole = (abs(lon - FEF35_START[0]) < 0.5) & (abs(lat - FEF35_START[1]) < 0.5)
    dem[hole] = profile["nodata"]
    with rasterio.open(folder / "etopo5.tif", "w", **profile) as dst:
        dst.write(dem, 1)
    monkeypatch.setattr(settings, "RASTER_DIR", folder)
    return folder


def _fef35_comparison(tmp_path: Path) -> tuple[Path, Path]:
    from tests.test_cli_before_work import _doc_rows

    cfg = tmp_path / "cfg"
    cfg.mkdir()
    (cfg / "1fef-35a.yaml").write_text(
        (settings.SHIPPED_CONFIG_DIR / "1fef-35a.yaml").read_text(encoding="utf-8"),
        encoding="utf-8")
    doc = tmp_path / "doc.csv"
    doc.write_text(_doc_rows("1FEF-35A"), encoding="utf-8")
    return cfg, doc


def _no_runs(monkeypatch):
    import logistics.history.compare

    def no_runs(*args, **kwargs):
        raise AssertionError("the comparison's runs began before the refusal")

    monkeypatch.setattr(logistics.history.compare, "compare", no_runs)


def test_compare_refuses_a_start_without_land_on_the_draws_dem_before_its_runs(
        tmp_path, capsys, monkeypatch, etopo5_hole):
    """--samples draws run on ETOPO5 as well as the merged DEM (uncertainty.DEMS) while the
    early check read only --dem's: a start with no land on ETOPO5 passed it and failed in the
    first ETOPO5 draw, after the nominal runs. Refused first, naming the DEM and the draws;
    without --samples the same inputs pass the check (the runs are reached)."""
    from tests.test_cli_before_work import _compare, _refused_first

    _no_runs(monkeypatch)
    cfg, doc = _fef35_comparison(tmp_path)
    err = _refused_first(capsys, _compare(cfg, doc, tmp_path / "o", "--samples", "1"))
    assert "1fef-35a.yaml: formations." in err and "(lon 133.243, lat 45.481)" in err, err
    assert "fix: move the start" in err, err
    assert "on the etopo5 DEM, one of those the Monte Carlo draws of --samples 1 run on" in err
    assert not (tmp_path / "o").exists()
    with pytest.raises(AssertionError, match="runs began"):  # the merged DEM's land: taken
        from logistics.cli import main

        main(_compare(cfg, doc, tmp_path / "o2"))


def test_the_python_compare_refuses_it_before_its_runs_too(tmp_path, monkeypatch, etopo5_hole):
    import logistics

    _no_runs(monkeypatch)
    cfg, doc = _fef35_comparison(tmp_path)
    with pytest.raises(ConfigError, match=r"\(lon 133\.243, lat 45\.481\).*on the etopo5 "
                                          r"DEM, one of those the Monte Carlo draws of samples=2"):
        logistics.compare(doc, configs_dir=cfg, resolution_m=10000, samples=2, workers=0)
