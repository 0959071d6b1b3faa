"""Railway embankments as the road after the rains: the terrain's ``railway`` overlay priced by
the cost physics (Daines: tanks 4-5 km/h, trucks 5-6 km/h along the embankment; Zhelvakov: the
only path even for tanks) where it goes faster than the cell's own ground, which on firm dry
ground it never does.

The expected speeds are read here from ``configs/norms/march.yaml`` with plain PyYAML, not
through the code under test.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import yaml

from logistics import settings
from logistics.cost import physics
from logistics.cost.accumulate import accumulate, path
from logistics.cost.models import CostModels
from logistics.errors import ConfigError
from logistics.terrain.classes import TerrainClass
from tests.conftest import metric_terrain

RES_M = 1000.0
NY, NX = 9, 21
LINE_ROW = 4


def _sourced_kmh() -> dict[str, float]:
    doc = yaml.safe_load((settings.PROJECT_ROOT / "configs" / "norms" / "march.yaml").read_text())
    obs = doc["observed"]
    return {"tracked": obs["washed_out_plain_tracked_kmh"]["value"],
            "wheeled": obs["washed_out_plain_wheeled_kmh"]["value"]}


def _plain(tclass: int, *, line: bool = True):
    """A flat plain of one class with one straight east-west embankment along row LINE_ROW."""
    x = np.arange(NX) * RES_M
    y = (NY - 1 - np.arange(NY)) * RES_M
    ds = metric_terrain(np.full((NY, NX), 150.0), np.full((NY, NX), tclass), x=x, y=y)
    if line:
        rail = np.zeros((NY, NX), np.uint8)
        rail[LINE_ROW, :] = 1
        ds["railway"] = (("y", "x"), rail, {"units": "1"})
    return ds


def test_the_sourced_speeds_are_the_documented_midpoints():
    # Daines: tanks '4–5 км в час', trucks '5–6 км': the midpoints, read by the physics
    assert physics.embankment_kmh() == pytest.approx({"tracked": 4.5, "wheeled": 5.5})
    assert physics.embankment_kmh() == _sourced_kmh()


@pytest.mark.parametrize("stencil", [8, 16])
def test_wet_truck_on_a_marsh_plain_runs_the_embankment_at_the_sourced_speed(stencil):
    # a wet marsh stops a truck (rolling resistance above grip); the embankment carries it
    terrain = _plain(TerrainClass.WETLAND)
    model = physics.build_cost_model(terrain, "studebaker-us6", season="wet")
    acc = accumulate(model, [(LINE_ROW, 0)], stencil=stencil)
    cells = path(acc, (LINE_ROW, NX - 1))
    assert (cells[:, 0] == LINE_ROW).all(), "the route leaves the embankment"
    distance_m = (NX - 1) * RES_M
    expected_s = distance_m / (_sourced_kmh()["wheeled"] / 3.6)
    assert acc.cost[LINE_ROW, NX - 1] == pytest.approx(expected_s, rel=1e-9)
    off_line = np.ones((NY, NX), bool)
    off_line[LINE_ROW] = False
    assert np.isinf(acc.cost[off_line]).all(), "the wet marsh itself must stay impassable"


def test_wet_tank_on_the_embankment_at_the_sourced_speed_where_the_ground_is_worse():
    # a tank on the embankment runs at Daines' 4.5 km/h; on a plain where its own wet going is
    # slower (hummocky marsh: sub-grid relief 0.30) it follows the line
    terrain = _plain(TerrainClass.WETLAND)
    terrain["subgrid_grade"] = (("y", "x"), np.full((NY, NX), 0.30, np.float32), {"units": "m/m"})
    own_kmh = float(physics.move_rates("t-34-85", "wetland", 0.0, season="wet",
                                       subgrid_grade=0.30)[0])
    assert own_kmh < _sourced_kmh()["tracked"], "premise: the ground is slower than the line"
    model = physics.build_cost_model(terrain, "t-34-85", season="wet")
    acc = accumulate(model, [(LINE_ROW, 0)], stencil=16)
    cells = path(acc, (LINE_ROW, NX - 1))
    assert (cells[:, 0] == LINE_ROW).all()
    expected_s = (NX - 1) * RES_M / (_sourced_kmh()["tracked"] / 3.6)
    assert acc.cost[LINE_ROW, NX - 1] == pytest.approx(expected_s, rel=1e-9)


@pytest.mark.parametrize("season", ["dry", "wet"])
@pytest.mark.parametrize("vehicle", ["foot-infantry", "horse-cavalry"])
def test_men_and_horses_are_not_priced_on_the_embankment(vehicle, season):
    with_line = physics.build_cost_model(_plain(TerrainClass.WETLAND), vehicle, season=season)
    without = physics.build_cost_model(_plain(TerrainClass.WETLAND, line=False), vehicle,
                                       season=season)
    np.testing.assert_array_equal(with_line.class_index, without.class_index)
    with pytest.raises(ConfigError, match="not priced on railway embankments"):
        physics.embankment_rates(vehicle, 0.0)


@pytest.mark.parametrize("vehicle", ["studebaker-us6", "zis-5", "t-34-85", "is-2", "bt-7"])
@pytest.mark.parametrize("tclass", [TerrainClass.STEPPE, TerrainClass.CROPLAND,
                                    TerrainClass.FOREST])
def test_dry_routes_on_firm_ground_are_unaffected(vehicle, tclass):
    # premise, from the vehicle's own physics: dry firm ground beats the sourced crawl
    surface = TerrainClass(tclass).name.lower()
    kind = physics.load_vehicle(vehicle).kind
    assert float(physics.move_rates(vehicle, surface, 0.0, season="dry")[0]) > _sourced_kmh()[kind]
    with_line = physics.build_cost_model(_plain(tclass), vehicle, season="dry")
    without = physics.build_cost_model(_plain(tclass, line=False), vehicle, season="dry")
    np.testing.assert_array_equal(with_line.class_index, without.class_index)
    a = accumulate(with_line, [(LINE_ROW, 0)], stencil=16).cost
    b = accumulate(without, [(LINE_ROW, 0)], stencil=16).cost
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("vehicle", ["studebaker-us6", "t-34-85"])
@pytest.mark.parametrize("tclass", [TerrainClass.WETLAND, TerrainClass.STEPPE,
                                    TerrainClass.CROPLAND, TerrainClass.FOREST])
def test_no_wet_route_is_faster_than_the_dry_one(vehicle, tclass):
    # the embankment the rains did not spoil is there in the dry too: from the west end of the
    # line, every cell takes at least as long to reach in the wet as in the dry
    terrain = _plain(tclass)
    dry = accumulate(physics.build_cost_model(terrain, vehicle, season="dry"), [(LINE_ROW, 0)],
                     stencil=16).cost
    wet = accumulate(physics.build_cost_model(terrain, vehicle, season="wet"), [(LINE_ROW, 0)],
                     stencil=16).cost
    assert (wet >= dry * (1 - 1e-12)).all()


def test_the_embankment_never_slows_a_column_on_better_ground():
    # a tank on wet steppe goes faster than 4.5 km/h on its own: the railway cells keep their
    # ground, so crossing or running beside the line costs what it did without it
    own_kmh = float(physics.move_rates("t-34-85", "steppe", 0.0, season="wet")[0])
    assert own_kmh > _sourced_kmh()["tracked"]
    with_line = physics.build_cost_model(_plain(TerrainClass.STEPPE), "t-34-85", season="wet")
    without = physics.build_cost_model(_plain(TerrainClass.STEPPE, line=False), "t-34-85",
                                       season="wet")
    np.testing.assert_array_equal(with_line.class_index, without.class_index)


def test_fuel_on_the_embankment_is_the_engine_at_the_sourced_speed():
    # litres per km at the crawl = the fitted engine's flow at the load the move needs / speed
    v = "t-34-85"
    kmh = _sourced_kmh()["tracked"]
    speed, fuel = physics.embankment_rates(v, 0.0)
    veh = physics.load_vehicle(v)
    crr = physics.GOING["tracked"]["road"]["dry"].crr
    power_kw = veh.mass_kg * physics.G_M_S2 * crr * kmh / 3.6 / veh.driveline_efficiency / 1e3
    expected = physics.engine(v).flow_l_per_h(power_kw) / kmh
    assert float(speed) == pytest.approx(kmh)
    assert float(fuel) == pytest.approx(float(expected), rel=1e-9)


def _configs_copy(tmp_path: Path, edit) -> Path:
    """A copy of the shipped configs folder whose ``norms/march.yaml`` is ``edit(text)``."""
    import shutil

    cfg = tmp_path / "configs"
    shutil.copytree(settings.SHIPPED_CONFIG_DIR, cfg)
    march = cfg / "norms" / "march.yaml"
    text = march.read_text(encoding="utf-8")
    changed = edit(text)
    assert changed != text, "premise: the edit changes the file"
    march.write_text(changed, encoding="utf-8")
    return cfg


def _cap_at(cap: str, old: float | str, new: float | str, *, widen: bool = False):
    """Edit: ``value: old`` of the ``observed.<cap>`` entry made ``value: new``; with
    ``widen``, its ``uncertain:`` range's high end ``new`` too (so the file stays valid)."""
    def edit(text: str) -> str:
        i = text.index(f"\n  {cap}:\n")
        text = text[:i] + text[i:].replace(f"\n    value: {old}\n", f"\n    value: {new}\n", 1)
        if widen:
            head = f"  observed.{cap}: {{low: "
            j = text.index(head)
            k = text.index("high: ", j) + len("high: ")
            text = text[:k] + str(new) + text[text.index(",", k):]
        return text
    return edit


def test_the_embankment_speed_is_read_from_the_runs_configs_folder(tmp_path):
    # embankment_kmh parsed settings.CONFIG_DIR's march.yaml itself: a run given another
    # configs folder (build_army_plan(config_dir=...)) priced its embankments with the
    # shipped speeds, its march norms with its own
    cfg = _configs_copy(tmp_path, _cap_at("washed_out_plain_wheeled_kmh", 5.5, 8.0, widen=True))
    assert physics.embankment_kmh(cfg) == {"tracked": 4.5, "wheeled": 8.0}
    assert physics.embankment_kmh() == _sourced_kmh()  # the shipped folder is untouched
    terrain = _plain(TerrainClass.WETLAND)
    distance_m = (NX - 1) * RES_M
    for model in (physics.build_cost_model(terrain, "studebaker-us6", season="wet",
                                           config_dir=cfg),
                  CostModels(cfg).get(terrain, "studebaker-us6", season="wet")):
        acc = accumulate(model, [(LINE_ROW, 0)], stencil=16)
        # the wet marsh stops a truck: the whole way is the embankment, at 8 km/h
        assert acc.cost[LINE_ROW, NX - 1] == pytest.approx(distance_m / (8.0 / 3.6), rel=1e-9)
        assert model.attrs["embankment_kmh"]["wheeled"] == 8.0
    speed, _ = physics.embankment_rates("studebaker-us6", 0.0, config_dir=cfg)
    assert float(speed) == pytest.approx(8.0)


def test_a_plan_refuses_models_of_another_configs_folder(tmp_path):
    from logistics.advance.plan import build_army_plan

    with pytest.raises(ConfigError, match=r"config_dir=.*CostModels"):
        build_army_plan(None, None, models=CostModels(tmp_path), config_dir=None)


def test_the_embankment_speed_is_checked_as_every_march_norm(tmp_path):
    # its own parser took a value outside the file's uncertain: range, which load_norms
    # refuses: one reader now, one rule
    cfg = _configs_copy(tmp_path, _cap_at("washed_out_plain_wheeled_kmh", 5.5, 9.0))
    with pytest.raises(ConfigError, match=r"washed_out_plain_wheeled_kmh.*outside its range"):
        physics.embankment_kmh(cfg)


def test_a_march_norms_file_without_the_speed_is_one_config_error(tmp_path, monkeypatch):
    def without_cap(text: str) -> str:
        i = text.index("\n  washed_out_plain_wheeled_kmh:\n")
        j = text.index("\n  khingan_route_factor:\n")
        text = text[:i] + text[j:]
        return "\n".join(ln for ln in text.split("\n")
                         if not ln.startswith("  observed.washed_out_plain_wheeled_kmh:"))
    cfg = _configs_copy(tmp_path, without_cap)
    monkeypatch.setattr(settings, "CONFIG_DIR", cfg)  # as LOGISTICS_CONFIG_DIR sets it
    with pytest.raises(ConfigError) as err:
        physics.embankment_kmh()
    msg = str(err.value)
    assert f"{cfg / 'norms' / 'march.yaml'}: observed.washed_out_plain_wheeled_kmh" in msg, msg
    assert "fix:" in msg, msg


def test_an_embankment_speed_that_is_no_number_is_one_config_error(tmp_path):
    cfg = _configs_copy(tmp_path, _cap_at("washed_out_plain_tracked_kmh", 4.5, ".nan"))
    with pytest.raises(ConfigError, match=r"washed_out_plain_tracked_kmh: value must be a finite"):
        physics.embankment_kmh(cfg)


@pytest.mark.slow
def test_shipped_wet_truck_from_mishan_to_hulin_crosses_the_marsh_on_the_embankment():
    """Mishan -> Hulin (line R16) runs across the Muling-Xingkai marsh of the 1945 land cover;
    in the wet a truck cannot cross marsh on its own, so its route rides the embankment there."""
    from logistics.cost.route import route
    from logistics.terrain import load_terrain

    terrain = load_terrain((131.75, 45.40, 133.15, 45.95), resolution_m=1000)
    mishan, hulin = (131.883, 45.550), (132.98, 45.77)  # stations-1945.csv, R16
    r = route(terrain, "studebaker-us6", [mishan, hulin], season="wet")
    rows, cols = r.segments["row"].to_numpy(), r.segments["col"].to_numpy()
    rail = terrain["railway"].values[rows, cols] != 0
    marsh = terrain["terrain_class"].values[rows, cols] == TerrainClass.WETLAND
    assert (rail & marsh).sum() >= 10, "the wet route must cross marsh on the embankment"
    assert not (marsh & ~rail).any(), "a truck cannot drive wet marsh off the embankment"
    straight_km = 88.0  # great-circle Mishan-Hulin is ~88 km
    km = float(r.segments["cum_km"].iloc[-1])
    assert straight_km < km < 1.5 * straight_km
    assert math.isfinite(float(r.segments["time_s"].sum()))
