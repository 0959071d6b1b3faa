"""Bad inputs found from outside, third pass (helper "badin3"): each ends in one clear error.

Every error names the file, the key path, the value and the fix (issue 11/13). The plan-time
errors (a start or an objective in water, an objective no route reaches) named the formation
but not the key; these tests hold them to the rule, through the command line on shipped data
(a coarse grid) and through :func:`logistics.advance.routes.plan_route` on a synthetic grid.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from logistics import settings
from logistics.errors import ConfigError, NoRouteError

#: Lake Khanka's middle: water for more than 10 km round (the lake is about 90 x 60 km)
KHANKA = (132.42, 44.95)


def _shipped(name: str) -> dict:
    return yaml.safe_load((settings.SHIPPED_CONFIG_DIR / name).read_text(encoding="utf-8"))


def _formation(data: dict, fid: str) -> dict:
    return next(f for f in data["formations"] if f["id"] == fid)


def _run_refused(tmp_path: Path, data: dict, capsys, resolution_m: int = 25000) -> str:
    """The one error line of ``logistics run`` on ``data`` written as ``army.yaml``."""
    from logistics.cli import main

    path = tmp_path / "army.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert main(["run", str(path), "--resolution-m", str(resolution_m),
                 "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and not (tmp_path / "o").exists(), err
    lines = [ln for ln in err.splitlines() if ln.startswith("logistics run: error:")]
    assert len(lines) == 1, err
    return lines[0]


@pytest.fixture(scope="module")
def fef35() -> dict:
    data = _shipped("1fef-35a.yaml")
    # the lake lies 87 km from the army's departure line: widen the line's tolerance so that a
    # start there passes the load's check and meets the lake at planning
    data["departure"]["tolerance_km"]["value"] = 100
    return data


# --- plan-time errors name the key path, the value and the fix ---------------------------------

@pytest.mark.slow
def test_a_start_in_a_lake_names_the_start_key_its_lon_lat_and_a_passable_point(
        tmp_path, fef35, capsys):
    data = copy.deepcopy(fef35)
    _formation(data, "35a-rds")["start"] = {"lon": KHANKA[0], "lat": KHANKA[1],
                                           "assumed": "in the lake"}
    line = _run_refused(tmp_path, data, capsys)
    for fragment in ("army.yaml", "formations.1 (35a-rds).start", "lon 132.420", "lat 44.950",
                     "fix: move the start"):
        assert fragment in line, line
    # a start's radius_km is not how far the plan looks for land: the fix must not offer it
    assert "radius_km" not in line.split("fix:")[1], line
    # the fix gives a passable point: it lies on land, at least 10 km from the lake's middle
    assert "e.g. lon " in line, line


@pytest.mark.slow
@pytest.mark.parametrize("objective, fragments", [
    # one place in the lake: its key, its name and lon/lat, and a radius that would reach land
    ({"place": "Khanka-middle", "lon": KHANKA[0], "lat": KHANKA[1], "radius_km": 5,
      "assumed": "x"},
     ("formations.1 (35a-rds).objectives.1", "'Khanka-middle'", "lon 132.420", "lat 44.950",
      "fix: move the objective", "radius_km")),
    # an objective area whose every point is in the lake: the area's key and its points
    ({"any_of": [{"place": "Khanka-a", "lon": KHANKA[0], "lat": KHANKA[1]},
                 {"place": "Khanka-b", "lon": 132.5, "lat": 45.0}],
      "radius_km": 3, "assumed": "x"},
     ("formations.1 (35a-rds).objectives.1", "Khanka-a", "Khanka-b", "lon 132.500",
      "fix: move")),
])
def test_an_objective_in_a_lake_names_its_key_value_and_fix(tmp_path, fef35, capsys,
                                                            objective, fragments):
    data = copy.deepcopy(fef35)
    rds = _formation(data, "35a-rds")
    rds["objectives"] = [rds["objectives"][0], objective] + rds["objectives"][1:]
    line = _run_refused(tmp_path, data, capsys)
    for fragment in ("army.yaml", *fragments):
        assert fragment in line, line


def test_an_objective_no_route_reaches_names_its_key_value_and_fix(hailar_terrain):
    """Water down column 30 cuts the grid in two: an objective beyond it cannot be reached."""
    from logistics.advance.routes import plan_route
    from logistics.army.resolve import ObjectiveSpec
    from logistics.cost.models import CostModels
    from logistics.vehicles import load_vehicle

    ds = hailar_terrain(island=True)
    lon0, lat0 = hailar_terrain.lonlat(ds, 10, 10)
    near = ObjectiveSpec("Near", (("Near", *hailar_terrain.lonlat(ds, 12, 20)),), 1.0)
    far_lonlat = hailar_terrain.lonlat(ds, 12, 35)
    far = ObjectiveSpec("Beyond", (("Beyond", *far_lonlat),), 1.0)
    with pytest.raises(ConfigError) as err:
        plan_route(ds, load_vehicle("zis-5"), "dry", ("a start", lon0, lat0, 10.0), [near, far],
                   models=CostModels(), stencil=8, who="army.yaml: formations (x)")
    msg = str(err.value)
    for fragment in ("army.yaml: formations (x).objectives.1", "'Beyond'",
                     f"lon {far_lonlat[0]:.3f}", f"lat {far_lonlat[1]:.3f}", "from Near",
                     "fix:"):
        assert fragment in msg, msg


def test_a_point_in_water_with_no_land_on_the_grid_says_so(hailar_terrain):
    """snap_point on a grid that is all water: no 'nearest passable point' to offer."""
    import numpy as np

    from logistics.advance.routes import snap_point

    ds = hailar_terrain()
    lon, lat = hailar_terrain.lonlat(ds, 10, 10)
    blocked = np.ones((ds.sizes["y"], ds.sizes["x"]), bool)
    with pytest.raises(NoRouteError) as err:
        snap_point(ds, blocked, "Pt", lon, lat, 5.0, [], "f.yaml: formations (x)",
                   key="objectives.0")
    msg = str(err.value)
    assert msg.startswith("f.yaml: formations (x).objectives.0: 'Pt' (lon ") and "fix:" in msg
    assert "no passable cell on the grid" in msg, msg


# --- range errors end in a specific fix: the allowed range, the unit, an example ---------------

def _load_refused(tmp_path: Path, data: dict) -> str:
    from logistics.army.load import load_army

    path = tmp_path / "army.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_army(path)
    msg = str(err.value)
    assert str(path) in msg, msg
    for generic in ("see configs/README.md;", "correct the value as described",
                    "use one of the allowed values"):
        assert generic not in msg, msg
    return msg


@pytest.mark.parametrize("change, fragments", [
    # a pydantic bound: the whole range the schema allows, from both of its bounds
    (lambda d: d["formations"][0]["objectives"][0].update(radius_km=0),
     ("objectives.0.radius_km", "(got 0)", "fix: give radius_km a number in (0, 500] km",
      "e.g. 1")),
    (lambda d: d["formations"][0]["objectives"][0].update(lon=200, lat=45),
     ("objectives.0.lon", "[-180, 180] degrees east", "e.g. 180")),
    # lon and lat swapped (newuser23: lat 127.99 said "e.g. 90"): the test of `logistics
    # route`'s LAT,LON; a lat whose lon could not be a latitude keeps the nearest bound
    (lambda d: d["departure"]["line"][1].update(lon=49.62, lat=127.99),
     ("departure.line.1.lat", "(got 127.99); fix: lon and lat look swapped (lat is north, "
      "-90..90 degrees); write lon: 127.99, lat: 49.62")),
    (lambda d: d["departure"]["line"][1].update(lon=120.0, lat=127.99),
     ("departure.line.1.lat", "fix: give lat a number in [-90, 90] degrees north, e.g. 90")),
    (lambda d: d.setdefault("routing", {}).update(margin_deg=100),
     ("routing.margin_deg", "fix: give margin_deg a number in [0.1, 10] degrees", "e.g. 10")),
    # the schema's own range rules: every rule of the key makes the range
    (lambda d: d["departure"]["tolerance_km"].update(value=0),
     ("departure: tolerance_km", "got 0", "fix: give tolerance_km a number in (0, 200] km")),
    (lambda d: d["supply"]["trucks"][0]["load_h"].update(value=1e9),
     ("supply.trucks.0", "load_h", "[0, 240] hours", "e.g. 240")),
    (lambda d: d["supply"]["trucks"][0]["driving_hours_per_day"].update(value=25),
     ("driving_hours_per_day", "(0, 24] hours a day", "e.g. 24")),
    # a minus sign before a count: the value without it (newuser23: -50 trucks said "e.g. 0",
    # a column of none), the nearest bound only when that does not fit either
    (lambda d: d["supply"]["trucks"][0]["count"].update(value=-50),
     ("supply.trucks.0", "a whole number in [0, 100 000]; -50 looks like a slipped minus "
      "sign: e.g. 50")),
    (lambda d: d["supply"]["trucks"][0]["count"].update(value=-500_000),
     ("supply.trucks.0", "a whole number in [0, 100 000], e.g. 0")),
    (lambda d: d.update(start_delay_h={"value": -3, "assumed": "x"}),
     ("start_delay_h", "[0, 720] hours; -3 looks like a slipped minus sign: e.g. 3")),
    # a choice: the choices and the nearest of them
    (lambda d: d["supply"]["trucks"][0].update(fuel_type="diesl"),
     ("supply.trucks.0.fuel_type", "fix: write one of 'diesel', 'petrol' or 'any'",
      "did you mean 'diesel'?")),
    (lambda d: d.setdefault("routing", {}).update(stencil=7), ("fix: write one of 8 or 16",)),
])
def test_a_value_out_of_range_names_the_range_unit_and_an_example(tmp_path, fef35, change,
                                                                   fragments):
    data = copy.deepcopy(fef35)
    change(data)
    msg = _load_refused(tmp_path, data)
    for fragment in fragments:
        assert fragment in msg, msg


@pytest.mark.parametrize("change, fragment", [
    (lambda d: d.update(end={"value": "1945-08-01T00:00", "assumed": "x"}),
     "fix: the last day to run, e.g. 1945-08-20"),
    (lambda d: d["seasons"][0]["start"].update(value="1945-08-30T00:00"),
     "fix: start the first season at h_hour"),
    (lambda d: d["formations"][1].update(parent="nobody"), "fix: one of those"),
    # a formation's own checks (these ended in a generic "correct the value as described")
    (lambda d: d["formations"][0].update(parent=d["formations"][0]["id"]),
     "fix: the id of another formation, or no `parent:`"),
    (lambda d: (d["formations"][0].pop("parent", None),
                d["formations"][0].update(drawn_from_parent=True)),
     "fix: add `parent:`"),
    (lambda d: d["formations"][0].update(movement="river"), "fix: give both, or neither"),
    (lambda d: d["formations"][0]["start"].pop("lat", None) if "lat" in d["formations"][0]["start"]
     else d["formations"][0]["start"].update(lon=130.0),
     "fix: give both, or neither"),
    (lambda d: d["fuel"]["priority"]["order"].append(d["fuel"]["priority"]["order"][0]),
     "fix: list each formation once"),
    # provenance: both, neither, an unknown key
    (lambda d: d["fuel"]["in_tanks_refills"].update(cite="[WIKI-SEED001] 'x'", assumed="y"),
     "fix: keep one: cite when a source gives the value, assumed when it is a modelling choice"),
    (lambda d: (d["fuel"]["in_tanks_refills"].pop("cite", None),
                d["fuel"]["in_tanks_refills"].pop("assumed", None)),
     "fix: add cite:"),
    (lambda d: d["fuel"]["in_tanks_refills"].update(cite="[NO-SUCH-KEY] 'x'", assumed=None),
     f"fix: add the source to {settings.CONFIG_DIR / 'sources.yaml'}, or correct the key"),
])
def test_cross_checks_of_the_army_each_end_in_a_fix(tmp_path, fef35, change, fragment):
    data = copy.deepcopy(fef35)
    change(data)
    msg = _load_refused(tmp_path, data)
    assert fragment in msg, msg


def test_a_vehicle_figure_out_of_range_names_the_range_unit_and_an_example(tmp_path):
    from logistics.vehicles import load_vehicle_file

    text = (settings.SHIPPED_CONFIG_DIR / "vehicles" / "zis-5.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    data["idle_fuel_l_per_h"]["value"] = 500
    path = tmp_path / "zis-5.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_vehicle_file(path)
    msg = str(err.value)
    for fragment in (str(path), "idle_fuel_l_per_h.value", "got 500",
                     "fix: give idle_fuel_l_per_h a number in (0, 100] litres an hour",
                     "e.g. 100"):
        assert fragment in msg, msg


def test_range_fix_words_the_range_and_the_nearest_allowed_value():
    from logistics.errors import range_fix

    assert range_fix("depth_km", -2, gt=0) == \
        "fix: give depth_km a number > 0 km; -2 looks like a slipped minus sign: e.g. 2"
    assert range_fix("depth_km", 0, gt=0) == "fix: give depth_km a number > 0 km, e.g. 1"
    assert range_fix("mass_t", 1320, gt=0, le=200) == \
        "fix: give mass_t a number in (0, 200] tonnes; 1320 looks like kilograms: e.g. 1.32 " \
        "(tonnes = kg / 1000)"
    assert range_fix("lat", -127.99, ge=-90, le=90) == \
        "fix: give lat a number in [-90, 90] degrees north, e.g. -90"  # no sign slip below 0
    assert range_fix("count", 30, ge=0, le=20, whole=True) == \
        "fix: give count a whole number in [0, 20], e.g. 20"
    assert range_fix("x_h", 0.5, gt=0, lt=1) == "fix: give x_h a number in (0, 1) hours"
    assert range_fix("speed_kmh", float("nan"), gt=0, le=150) == \
        "fix: give speed_kmh a number in (0, 150] km/h"


# --- formed after a river crossing its parent's route does not make ----------------------------

@pytest.mark.slow
def test_formed_after_a_river_crossing_with_none_on_the_route_is_a_visible_run_note(
        tmp_path, capsys):
    """Not an error (whether a route crosses a major river depends on the grid), but the run
    says it: a run note in report.md and the formation's line of the printed summary."""
    import pandas as pd

    from logistics.cli import main

    data = _shipped("tbf-39a.yaml")  # fd-39a, parent 39a-tank-brigades: across the Khingan
    _formation(data, "fd-39a")["formed"] = {"when": "after_river_crossing", "assumed": "x"}
    path = tmp_path / "army.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    out = tmp_path / "o"
    assert main(["run", str(path), "--resolution-m", "25000", "--no-events",
                 "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    # independently of the plan: the parent's crossings on this grid hold no major or large
    # river (river_class 1 or 2), so the forward detachment has nothing to be formed after
    crossings = pd.read_csv(out / "crossings.csv")
    parent = crossings[crossings["formation_id"] == "39a-tank-brigades"]
    assert not parent["river_class"].isin([1, 2]).any()
    said = "formed at km 0: no river crossing on its parent's route"
    line = next(ln for ln in printed.splitlines() if ln.strip().startswith("fd-39a:"))
    assert said in line, printed
    assert f"- run note: fd-39a: {said}" in (out / "report.md").read_text(encoding="utf-8")
    # the parent is not formed after anything: nothing said of it
    parent_line = next(ln for ln in printed.splitlines() if ln.strip().startswith("39a-tank-brigades:"))
    assert "formed at km 0" not in parent_line


# --- `logistics route` from or to a point in water ---------------------------------------------

def _lake_terrain(hailar_terrain, width: int):
    """The Hailar steppe with water on rows/cols 5..5+width (a square lake)."""
    from logistics.terrain.classes import TerrainClass

    ds = hailar_terrain().copy(deep=True)
    ds["terrain_class"].values[5:5 + width, 5:5 + width] = TerrainClass.WATER
    return ds


def test_a_route_end_in_a_lake_with_no_land_near_says_where_land_is(hailar_terrain):
    from logistics.network import route_multimodal

    ds = _lake_terrain(hailar_terrain, 15)  # 15 km of water: no land within 3 cells of 12, 12
    lake = hailar_terrain.lonlat(ds, 12, 12)
    with pytest.raises(NoRouteError) as err:
        route_multimodal(hailar_terrain.lonlat(ds, 25, 30), lake, "zis-5", mode="cross-country",
                         terrain=ds)
    msg = str(err.value)
    assert "no passable cell within 3 cells (3 km on this grid)" in msg, msg
    # the nearest land is at row 4 or 20 / col 4 or 20: 8 cells (8 km) from (12, 12)
    assert "fix: give a point on land, e.g. " in msg and "8 km away" in msg, msg


def test_a_route_end_moved_ashore_says_so_in_its_leg(hailar_terrain):
    """A lake's middle 2 km from its shore: the leg ends on the shore, and says how far."""
    from logistics.network import route_multimodal

    ds = _lake_terrain(hailar_terrain, 5)  # water on rows and cols 5..9
    lake = hailar_terrain.lonlat(ds, 7, 7)
    r = route_multimodal(hailar_terrain.lonlat(ds, 25, 30), lake, "zis-5", mode="cross-country",
                         terrain=ds)
    notes = [n for leg in r.legs for n in leg.notes if "lies in water" in n]
    # the nearest land cell is 3 cells from (7, 7) along a row or column: 3 km
    assert notes == [f"{r.places[-1]} lies in water or outside the elevation data on this grid: "
                     "the leg ends at the nearest passable cell, 3 km from it"], notes
    shore = route_multimodal(hailar_terrain.lonlat(ds, 25, 30), hailar_terrain.lonlat(ds, 12, 12),
                             "zis-5", mode="cross-country", terrain=ds)
    assert not [n for leg in shore.legs for n in leg.notes if "lies in water" in n]


def test_a_grid_beyond_memory_names_the_coarsest_resolution_that_fits(monkeypatch):
    """The fix was 'pass chunks=True' (an API keyword a command-line user cannot give)."""
    from logistics.errors import ResourceError
    from logistics.terrain import load_terrain, metric_grid

    monkeypatch.setattr(settings, "MAX_IN_MEMORY_CELLS", 10_000)
    bbox = (120.0, 45.0, 122.0, 46.0)
    with pytest.raises(ResourceError) as err:
        load_terrain(bbox, resolution_m=1000)
    msg = str(err.value)
    assert "--resolution-m" in msg and "fix: a resolution of at least" in msg, msg
    coarsest = int(msg.split("at least ")[1].split(" m")[0])
    # independently: the grid at that resolution fits, one metre finer (mostly) does not
    shape = metric_grid(bbox, coarsest).shape
    assert shape[0] * shape[1] <= 10_000
    shape = metric_grid(bbox, 0.9 * coarsest).shape
    assert shape[0] * shape[1] > 10_000


@pytest.mark.parametrize("limit, fix", [
    (None, "fix: --resolution-m 21 or coarser over this box (the command line holds the "
           "terrain grid in memory, even with --engine chunked)"),
    (1, "fix: raise the limit (LOGISTICS_MAX_IN_MEMORY_CELLS, default 120000000, or unset it) "
        "(the command line holds the terrain grid in memory, even with --engine chunked)")])
def test_a_grid_beyond_memory_offers_the_command_line_no_python_keyword(monkeypatch, capsys,
                                                                        limit, fix):
    """`logistics route --resolution-m 1` suggested "chunks=True (Python API)" to a
    command-line user (newuser23), who has no way to it (--engine chunked tiles the solver,
    the terrain is still loaded whole): the command line says its own fix; the API keeps
    chunks= (the test above)."""
    from logistics.cli import main

    if limit is not None:
        monkeypatch.setattr(settings, "MAX_IN_MEMORY_CELLS", limit)
    assert main(["route", "--from", "Hailar", "--to", "Manzhouli", "--vehicle", "T-34-85",
                 "--resolution-m", "1", "--engine", "chunked"]) == 2
    err = [ln for ln in capsys.readouterr().err.splitlines() if not ln.startswith("progress:")]
    assert len(err) == 1 and err[0].startswith("logistics route: error: ") and fix in err[0], err
    assert "chunks=" not in err[0] and "Python" not in err[0], err


# --- `logistics schema` over a folder that is no configs tree ----------------------------------

def test_schema_over_a_folder_without_vehicles_is_refused_and_writes_nothing(tmp_path, capsys):
    """A user's project folder (its docker-compose.yaml, say) is no configs tree: every YAML
    file of it was given a first line, and schema/ was written into it."""
    from logistics.cli import main

    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "compose.yaml").write_text("services: {}\n", encoding="utf-8")
    assert main(["schema", "--configs", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "vehicles/" in err and "fix:" in err, err
    assert sorted(p.name for p in folder.iterdir()) == ["compose.yaml"]
    assert (folder / "compose.yaml").read_text(encoding="utf-8") == "services: {}\n"


def test_schema_leaves_a_yaml_file_that_is_no_scenario_alone(tmp_path, capsys):
    import shutil

    from logistics.cli import main

    configs = tmp_path / "configs"
    (configs / "vehicles").mkdir(parents=True)
    shutil.copy(settings.SHIPPED_CONFIG_DIR / "tbf-cmg.yaml", configs / "a.yaml")
    (configs / "notes.yaml").write_text("todo: [check the dates]\n", encoding="utf-8")
    assert main(["schema", "--configs", str(configs)]) == 0
    out = capsys.readouterr().out
    assert (configs / "notes.yaml").read_text(encoding="utf-8") == "todo: [check the dates]\n"
    assert (configs / "a.yaml").read_text(encoding="utf-8").startswith("# yaml-language-server")
    assert "left alone: notes.yaml" in out, out


# --- global overrides (compare --set, calibrate --bound) beyond any sense ----------------------

@pytest.mark.parametrize("key, value, fragment", [
    # 1e308 overflowed the column's pace to inf, then NaN hours: a traceback deep in the loop
    ("speed_scale", 1e308, "fix: give speed_scale a number in [0.05, 20], e.g. 20"),
    # 1e-300 ran: every formation stood still for the whole campaign, reported as a result
    ("speed_scale", 1e-300, "e.g. 0.05"),
    ("fuel_scale", 1e6, "fix: give fuel_scale a number in [0.05, 20]"),
    ("march_hours_per_day", 25, "fix: give march_hours_per_day a number in (0, 24] hours a day"),
])
def test_a_global_override_beyond_its_range_is_refused_with_the_range(key, value, fragment):
    from logistics.army.load import apply_army_overrides, load_army

    army = load_army(settings.SHIPPED_CONFIG_DIR / "tbf-cmg.yaml")
    with pytest.raises(ConfigError) as err:
        apply_army_overrides(army, {key: value})
    assert fragment in str(err.value), str(err.value)


def test_compare_with_speed_scale_1e308_is_one_clean_error_before_any_run(tmp_path, capsys):
    from logistics.cli import main

    import shutil

    configs = tmp_path / "configs"
    configs.mkdir()
    shutil.copy(settings.SHIPPED_CONFIG_DIR / "1fef-35a.yaml", configs)  # a documented axis
    out = tmp_path / "o"
    assert main(["compare", "--configs", str(configs), "--set", "speed_scale=1e308",
                 "--no-map", "--workers", "0", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "speed_scale" in err and "[0.05, 20]" in err, err
    assert not out.exists()


def test_calibrate_bounds_beyond_the_overrides_range_are_refused(tmp_path, capsys):
    from logistics.cli import main

    out = tmp_path / "o"
    assert main(["calibrate", "--params", "speed_scale", "--points", "2", "--workers", "0",
                 "--bound", "speed_scale=1e300:1e308", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "speed_scale" in err and "[0.05, 20]" in err, err
    assert not out.exists()


def test_the_same_override_set_twice_is_refused(tmp_path, capsys):
    """--set speed_scale=1 --set speed_scale=2 ran with 2 and said nothing of the 1."""
    from logistics.cli import main

    assert main(["compare", "--set", "speed_scale=1", "--set", "speed_scale=2", "--no-map",
                 "--workers", "0", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "speed_scale" in err and "twice" in err and "fix:" in err, err
    assert not (tmp_path / "o").exists()



def test_a_misspelt_override_is_said_once_not_once_per_army(tmp_path, capsys):
    """--set speedscale=1.2 (no army has such a figure: a figure path begins with a field of
    the army file) printed the same 'did you mean' once per army compared, six times."""
    from logistics.cli import main

    assert main(["compare", "--set", "speedscale=1.2", "--no-map", "--workers", "0",
                 "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.count("did you mean") == 1 and "'speed_scale'" in err, err
    assert err.count("\n") == 1 and not (tmp_path / "o").exists()


def test_a_misspelt_override_is_said_once_through_the_python_api_too():
    """compare(overrides={"speedscale": 1.2}) repeated the hint once per army (msgs25 fixed the
    command line only): the name check now runs once in check_overrides, before any run."""
    from logistics.history.compare import compare

    def runner(*a, **k):  # never reached: the overrides are refused before any run
        raise AssertionError("ran")

    with pytest.raises(ConfigError) as err:
        compare(overrides={"speedscale": 1.2}, runner=runner, offroute=False)
    msg = str(err.value)
    assert msg.count("did you mean") == 1 and "'speed_scale'" in msg, msg


# --- the network's figures (configs/network/network.yaml, lines-1945.yaml) ---------------------

def _network_file(tmp_path: Path, name: str, change) -> Path:
    data = yaml.safe_load((settings.SHIPPED_CONFIG_DIR / "network" / name).read_text(
        encoding="utf-8"))
    change(data)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _network_refused(tmp_path: Path, name: str, change, loader, fragments) -> None:
    """``loader`` on the shipped network file ``name`` after ``change`` raises one ConfigError
    naming the file and every fragment."""
    path = _network_file(tmp_path, name, change)
    with pytest.raises(ConfigError) as err:
        loader(path)
    msg = str(err.value)
    for fragment in (str(path), *fragments):
        assert fragment in msg, msg


@pytest.mark.parametrize("change, fragments", [
    # an infinite train speed ran: 766 km of rail in 0 h
    (lambda d: d["rail"]["speed_kmh"].update(value=float("inf")),
     ("rail.speed_kmh", "value inf", "fix: give speed_kmh a number in (0, 150] km/h")),
    (lambda d: d["access"]["margin_km"].update(value=1e9),
     ("access.margin_km", "fix: give margin_km a number in (0, 3000] km, e.g. 3000")),
    (lambda d: d["rail"]["entrain_h"].update(value=-1),
     ("rail.entrain_h", "fix: give entrain_h a number in [0, 240] hours; -1 looks like a "
      "slipped minus sign: e.g. 1")),
])
def test_a_network_figure_beyond_sense_is_refused_with_its_range(tmp_path, change, fragments):
    from logistics.network.params import load_params

    _network_refused(tmp_path, "network.yaml", change, load_params, fragments)


@pytest.mark.parametrize("change, fragments", [
    # int('wide'): a ValueError traceback from deep in the route's rail layer
    (lambda d: d["R01"].update(gauge_mm="wide"), ("R01.gauge_mm", "'wide'", "fix:")),
    # dict([1, 2]): a TypeError traceback
    (lambda d: d["R01"].update(ways=[1, 2]), ("R01.ways", "fix:")),
    # accepted: an infinite line, a line of length true, infinite trains a day
    (lambda d: d["R01"].update(length_km=float("inf")), ("R01.length_km", "inf", "fix:")),
    (lambda d: d["R01"].update(length_km=True), ("R01.length_km", "True", "fix:")),
    (lambda d: d["R01"].update(trains_per_day=float("inf"), trains_per_day_source="x"),
     ("R01.trains_per_day", "fix:")),
])
def test_a_damaged_line_fact_is_one_error_naming_line_key_value_and_fix(tmp_path, change,
                                                                        fragments):
    from logistics.network.params import load_lines

    _network_refused(tmp_path, "lines-1945.yaml", change, load_lines, fragments)


# --- the 1945 land-cover rule (configs/terrain/landcover-1945.yaml) ----------------------------

@pytest.mark.parametrize("change, fragments", [
    # 'give a number >= 0' for inf, which is one: the rule is a finite number
    (lambda d: d["marsh"].update(max_hand_m=float("inf")),
     ("marsh.max_hand_m = inf", "finite", "fix: give max_hand_m a number in [0, 9000] metres")),
    # accepted: a search for rivers a million km round
    (lambda d: d["marsh"].update(river_search_km=1e9),
     ("marsh.river_search_km", "fix: give river_search_km a number in (0, 3000] km, e.g. 3000")),
    # /etc/passwd as the railways: read as vector data, refused with "rebuild it with build.py"
    (lambda d: d["forest"].update(railways="/etc/passwd"),
     ("forest.railways", "/etc/passwd", "no OSM XML file", "fix:")),
])
def test_a_landcover_rule_figure_beyond_sense_names_key_value_and_fix(tmp_path, change,
                                                                     fragments):
    from logistics.terrain.landcover1945 import load_landcover_1945

    rel = Path("terrain") / "landcover-1945.yaml"
    data = yaml.safe_load((settings.SHIPPED_CONFIG_DIR / rel).read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "landcover-1945.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_landcover_1945(path)
    msg = str(err.value)
    for fragment in (str(path), *fragments):
        assert fragment in msg, msg


# --- the fortified-region layer (configs/fortified-regions.yaml) -------------------------------

@pytest.mark.parametrize("change, fragments", [
    # axes: TBF-36A (a text): read letter by letter, the map layer said "T,B,F,-,3,6,A"
    (lambda d: d["fortified_regions"][0].update(axes="TBF-36A"),
     ("fortified_regions.0 (hailar).axes", "'TBF-36A'", "fix: write a list, e.g. [TBF-36A]")),
    # two regions of one id: both applied, each run note and the map naming the same region
    (lambda d: d["fortified_regions"][1].update(id="hailar"),
     ("fortified_regions.1 (hailar).id", "used twice", "fix:")),
])
def test_a_damaged_fortified_layer_names_key_value_and_fix(tmp_path, change, fragments):
    from logistics.army.fortified import load_fortified

    data = yaml.safe_load((settings.SHIPPED_CONFIG_DIR / "fortified-regions.yaml").read_text(
        encoding="utf-8"))
    change(data)
    (tmp_path / "fortified-regions.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_fortified(tmp_path)
    msg = str(err.value)
    for fragment in (str(tmp_path / "fortified-regions.yaml"), *fragments):
        assert fragment in msg, msg


# --- the generic compositions (configs/norms/formations.yaml standards) ------------------------

@pytest.mark.parametrize("change, fragments", [
    # was blamed on every army file using the standard (formations.1 (35a-rds).vehicles)
    (lambda s: s["vehicles"][0].update(vehicle="studebaker-us7"),
     ("standards.rifle_division.vehicles.0.vehicle", "'studebaker-us7'",
      "did you mean 'studebaker-us6'?")),
    # the next three were tracebacks (string indices, a dict's keys, 'str'.get)
    (lambda s: s.update(vehicles=["zis-5"]),
     ("standards.rifle_division.vehicles.0", "'zis-5'", "fix:")),
    (lambda s: s.update(vehicles={"zis-5": 3}), ("standards.rifle_division.vehicles", "fix:")),
])
def test_a_damaged_standard_names_the_norms_file_and_its_key(tmp_path, change, fragments,
                                                            norms_with):
    from logistics.army.norms import load_norms

    norms = norms_with(tmp_path, "formations.yaml",
                        lambda d: change(d["standards"]["rifle_division"]))
    with pytest.raises(ConfigError) as err:
        load_norms(tmp_path)
    msg = str(err.value)
    for fragment in (str(norms / "formations.yaml"), *fragments):
        assert fragment in msg, msg


@pytest.mark.parametrize("name, change, fragment", [
    # the next four were AttributeError tracebacks ('list' object has no attribute 'items')
    ("movement.yaml", lambda d: d["lift"].update(truck=["zis-5"]), "lift.truck: expected a mapping"),
    ("march.yaml", lambda d: d.update(observed=[1, 2]), "observed: expected a mapping"),
    ("march.yaml", lambda d: d.update(default_by_movement=["x"]),
     "default_by_movement: expected a mapping"),
    ("march.yaml", lambda d: d["norms"]["foot_column"].update(heat_rule="hot"),
     "norms.foot_column.heat_rule: expected a mapping"),
    # dropped silently: the ZIS-5's men per truck gone from the lift norms
    ("movement.yaml", lambda d: d["lift"]["truck"].update({"zis-5": "twenty"}),
     "lift.truck.zis-5: expected a mapping"),
])
def test_a_norms_section_that_is_no_mapping_names_its_key(tmp_path, name, change, fragment,
                                                         norms_with):
    from logistics.army.norms import load_norms

    norms = norms_with(tmp_path, name, change)
    with pytest.raises(ConfigError) as err:
        load_norms(tmp_path)
    msg = str(err.value)
    assert str(norms / name) in msg and fragment in msg and "fix:" in msg, msg
