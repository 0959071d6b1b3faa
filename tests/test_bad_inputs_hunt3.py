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
    for fragment in ("army.yaml", "formations (35a-rds).start", "lon 132.420", "lat 44.950",
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
     ("formations (35a-rds).objectives.1", "'Khanka-middle'", "lon 132.420", "lat 44.950",
      "fix: move the objective", "radius_km")),
    # an objective area whose every point is in the lake: the area's key and its points
    ({"any_of": [{"place": "Khanka-a", "lon": KHANKA[0], "lat": KHANKA[1]},
                 {"place": "Khanka-b", "lon": 132.5, "lat": 45.0}],
      "radius_km": 3, "assumed": "x"},
     ("formations (35a-rds).objectives.1", "Khanka-a", "Khanka-b", "lon 132.500",
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
