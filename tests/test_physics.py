"""Movement and fuel physics: calibration, slope behaviour, seasons, rivers, the cost table."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from logistics.cost import physics
from logistics.cost.kernel import edge_costs
from logistics.cost.model import BARRIER_CLASS
from logistics.cost.physics import (
    build_cost_model,
    engine,
    langmuir_kmh,
    move_rates,
    river_crossing,
    tobler_kmh,
)
from logistics.errors import ConfigError, DataError
from logistics.terrain.classes import RiverClass, TerrainClass
from logistics.vehicles import list_vehicles, load_vehicle

MOTOR = [v for v in list_vehicles() if load_vehicle(v).is_motorised]
ALL = list_vehicles()
TERRAIN_SURFACES = [s for s in physics.SURFACES if s != "road"]


# ---------------------------------------------------------------------------------- calibration


# (the engine and its fuel fit: tests/test_physics_engine.py)


# ---------------------------------------------------------------------------------- walking


def test_tobler_reference_values():
    tan = lambda deg: math.tan(math.radians(deg))  # noqa: E731
    assert tobler_kmh(0.0) == pytest.approx(5.04, abs=0.005)
    assert tobler_kmh(tan(10)) == pytest.approx(2.72, abs=0.005)
    assert tobler_kmh(tan(-10)) == pytest.approx(3.86, abs=0.005)
    assert tobler_kmh(-0.05) == pytest.approx(6.0)
    assert langmuir_kmh(0.0) == pytest.approx(5.0)  # 0.72 s/m


@pytest.mark.parametrize("deg", [0.0, 10.0, -10.0])
def test_foot_speed_is_tobler_on_path_and_three_fifths_off_path(deg):
    g = math.tan(math.radians(deg))
    on_path, _ = move_rates("foot", "road", g)
    off_path, fuel = move_rates("foot", "steppe", g)
    horse, _ = move_rates("cavalry", "steppe", g)
    assert on_path == pytest.approx(tobler_kmh(g))
    assert off_path == pytest.approx(tobler_kmh(g) * 3 / 5)
    assert horse == pytest.approx(tobler_kmh(g) * 3 / 5 * 5 / 4)
    assert fuel == 0.0


# ---------------------------------------------------------------------------------- slopes


@pytest.mark.parametrize("vid", ALL)
def test_uphill_is_slower_than_downhill(vid):
    # Never faster anywhere; strictly slower on the fast surfaces from grade 0.1, where the
    # climb needs more power than the engine has spare (on slow going, e.g. forest, the
    # surface cap binds both ways).
    for surface in physics.SURFACES:
        g = np.array([0.05, 0.1, 0.2])
        up, _ = move_rates(vid, surface, g)
        down, _ = move_rates(vid, surface, -g)
        ok = up > 0
        assert np.all(up[ok] <= down[ok]), (vid, surface, up, down)
        # 0.05 is within reach of the stronger engines; the GAZ-67B (41 hp/t) has power to
        # spare up to its grade limit, so only the slope safety limit binds, both ways alike.
        if surface in ("road", "steppe") and vid != "gaz-67b":
            assert np.all(up[1:] < down[1:]), (vid, surface, up, down)
    up, _ = move_rates(vid, "steppe", 0.1)
    assert up > 0, vid  # a gentle climb on dry steppe is possible for every vehicle


@pytest.mark.parametrize("vid", ALL)
def test_beyond_max_grade_is_impossible(synth_terrain, vid):
    v = load_vehicle(vid)
    beyond = math.tan(math.radians(v.max_grade_deg + 0.5))
    for g in (beyond, -beyond):
        speed, fuel = move_rates(vid, "road", g)
        assert speed == 0 and fuel == np.inf
    model = build_cost_model(synth_terrain(), vid, objective="time")
    assert np.all(np.isinf(model.table[:, np.abs(model.grades) > beyond + 1e-12]))


def test_traction_limit_on_wet_soil_matches_the_t34_trial():
    # TA-T34: tracks slip at 15-16° on moist mud; wet steppe phi - Crr = 0.28 (tan 15.6°).
    ok, _ = move_rates("T-34-85", "steppe", math.tan(math.radians(15.0)), season="wet")
    slip, _ = move_rates("T-34-85", "steppe", math.tan(math.radians(16.0)), season="wet")
    dry, _ = move_rates("T-34-85", "steppe", math.tan(math.radians(16.0)), season="dry")
    assert ok > 0 and slip == 0 and dry > 0


def test_traction_is_checked_on_the_net_force_not_on_the_sign_of_the_grade():
    # wheeled on dry marsh: Crr 0.30 against adhesion 0.20 (GOING): no drive on the flat, and a
    # -0.5 % descent still needs 0.295 m g of drive force, more than the grip
    going = physics.GOING["wheeled"]["wetland"]["dry"]
    assert going.crr - going.phi == pytest.approx(0.10)
    for g in (0.0, -0.005, -0.05, -0.099):
        speed, fuel = move_rates("ZIS-5", "wetland", g)
        assert speed == 0 and fuel == np.inf, g
    # steeper than Crr - phi, gravity supplies the rest: the truck rolls
    assert move_rates("ZIS-5", "wetland", -0.2)[0] > 0
    assert move_rates("ZIS-5", "wetland", -0.29)[0] > 0


def test_power_limit_by_hand():
    # T-34-85 on dry steppe at grade 0.2: v = eta_d P / (m g (Crr cos + sin)) along the slope.
    g = 0.2
    cos, sin = 1 / math.hypot(1, g), g / math.hypot(1, g)
    v_ms = 0.6 * 500 * 735.49875 / (32000 * 9.80665 * (0.05 * cos + sin))
    safe_kmh = 30 / (1 + (100 * g / 40) ** 2)
    expected = min(30.0, v_ms * 3.6, safe_kmh) * cos
    speed, _ = move_rates("T-34-85", "steppe", g)
    assert v_ms * 3.6 < safe_kmh  # the power limit binds here
    assert speed == pytest.approx(expected)


def test_fuel_by_hand_on_the_willans_line():
    # T-34-85 on dry steppe at grade 0.1: power-limited, so the engine runs at full power
    eng = engine("T-34-85")
    speed, fuel = move_rates("T-34-85", "steppe", 0.1)
    assert fuel == pytest.approx(eng.full_power_l_per_h / speed)
    # on the level at the 30 km/h cap the engine delivers m g Crr v / eta_d
    p_kw = 32000 * 9.80665 * 0.05 * (30 / 3.6) / 0.6 / 1000
    share = p_kw / (500 * 0.73549875)
    flow = eng.zero_load_l_per_h + (eng.full_power_l_per_h - eng.zero_load_l_per_h) * share
    assert move_rates("T-34-85", "steppe", 0.0)[1] == pytest.approx(flow / 30)
    # descending steeper than the rolling resistance: zero load, the engine still turns
    speed, fuel_down = move_rates("T-34-85", "steppe", -0.2)
    assert fuel_down == pytest.approx(eng.zero_load_l_per_h / speed) and fuel_down > 0


@pytest.mark.parametrize("vid", MOTOR)
def test_fuel_floor_is_positive_on_every_possible_move(vid):
    for surface in physics.SURFACES:
        speed, fuel = move_rates(vid, surface, np.linspace(-1, 1, 81))
        assert np.all(fuel[speed > 0] > 0), (vid, surface)


# ---------------------------------------------------------------------------------- seasons


@pytest.mark.parametrize("vid", ALL)
def test_wet_is_never_faster_or_cheaper_and_steppe_is_strictly_worse(vid):
    g = np.linspace(-0.3, 0.3, 25)
    for surface in physics.SURFACES:
        dry_v, dry_f = move_rates(vid, surface, g, season="dry")
        wet_v, wet_f = move_rates(vid, surface, g, season="wet")
        assert np.all(wet_v <= dry_v + 1e-12), (vid, surface)
        assert np.all(wet_f >= dry_f - 1e-12), (vid, surface)
    dry_v, dry_f = move_rates(vid, "steppe", 0.0, season="dry")
    wet_v, wet_f = move_rates(vid, "steppe", 0.0, season="wet")
    assert wet_v < dry_v
    if load_vehicle(vid).is_motorised:
        assert wet_f > dry_f


# ---------------------------------------------------------------------------------- rivers


def test_river_crossings_ford_or_wait_for_a_bridge():
    bridge = 45 * 60.0
    assert river_crossing("IS-2", RiverClass.MAJOR) == (bridge, pytest.approx(bridge / 3600 * 7))
    assert river_crossing("IS-2", RiverClass.LARGE)[0] == 600.0  # 1.3 m ford >= 1.2 m
    assert river_crossing("Sherman", RiverClass.LARGE)[0] == bridge  # 1.0 m < 1.2 m
    assert river_crossing("IS-2", RiverClass.LARGE, season="wet")[0] == bridge
    assert river_crossing("ZIS-5", RiverClass.INTERMITTENT)[0] == 120.0
    assert river_crossing("foot", RiverClass.MEDIUM) == (600.0, 0.0)
    assert river_crossing("T-34", RiverClass.NONE) == (0.0, 0.0)
    with pytest.raises(DataError):
        river_crossing("T-34", 42)


# ---------------------------------------------------------------------------------- the model


@pytest.mark.parametrize("vid", ALL)
@pytest.mark.parametrize("season", physics.SEASONS)
def test_every_table_entry_is_positive_or_inf(synth_terrain, vid, season):
    terrain = synth_terrain()
    objectives = ["time", "fuel", 0.3] if load_vehicle(vid).is_motorised else ["time"]
    for objective in objectives:
        m = build_cost_model(terrain, vid, objective=objective, season=season)
        t = m.table
        assert np.all((t > 0) | np.isposinf(t)) and not np.any(np.isnan(t))
        assert np.all(np.isinf(t[[TerrainClass.NODATA, TerrainClass.WATER]]))
        assert m.grades[0] == pytest.approx(-1) and m.grades[-1] == pytest.approx(1)


def test_water_nodata_and_missing_elevation_are_barriers(synth_terrain):
    terrain = synth_terrain()
    terrain["elevation_m"][5, 5] = np.nan
    m = build_cost_model(terrain, "T-34")
    tc = terrain["terrain_class"].values
    assert np.all(m.class_index[tc == TerrainClass.WATER] == BARRIER_CLASS)
    assert m.class_index[0, 0] == BARRIER_CLASS and m.class_index[5, 5] == BARRIER_CLASS
    passable = (tc != TerrainClass.WATER) & (tc != TerrainClass.NODATA)
    passable[5, 5] = False
    assert np.all(m.class_index[passable] == tc[passable])


def test_model_values_by_hand_on_flat_steppe(synth_terrain):
    terrain = synth_terrain(tclass=TerrainClass.STEPPE)
    m = build_cost_model(terrain, "T-34-85", objective="time")
    assert m.units == "s" and m.cellsize_m == (1000.0, 1000.0) and m.enter is None
    # one cell east on the flat at the 30 km/h cross-country cap: 1000 m / (30/3.6 m/s) = 120 s
    assert edge_costs(m, [5], [5], [3])[0] == pytest.approx(120.0)
    fuel = build_cost_model(terrain, "T-34-85", objective="fuel")
    assert fuel.units == "L"
    assert edge_costs(fuel, [5], [5], [3])[0] == pytest.approx(
        move_rates("T-34-85", "steppe", 0.0)[1])  # 1 km at the level steppe rate
    mixed = build_cost_model(terrain, "T-34-85", objective=0.25)
    assert mixed.units == "mixed"
    np.testing.assert_allclose(mixed.table, 0.25 * m.table + 0.75 * fuel.table)
    assert mixed.attrs["vehicle"] == "t-34-85" and mixed.attrs["time_weight"] == 0.25


def test_uphill_move_costs_more_than_downhill_through_the_kernel(synth_terrain):
    terrain = synth_terrain(tclass=TerrainClass.STEPPE, slope=0.1)  # rises eastward
    for objective in ("time", "fuel"):
        m = build_cost_model(terrain, "Sherman", objective=objective)
        east, west = edge_costs(m, [5, 5], [5, 6], [3, 2])
        assert east > west


def test_rivers_become_enter_costs(synth_terrain):
    terrain = synth_terrain()
    m = build_cost_model(terrain, "Sherman", objective="time")
    assert m.enter[6, 1] == pytest.approx(45 * 60)  # MAJOR: wait for a bridge
    assert m.enter[1, 7] == pytest.approx(600)  # MEDIUM: ford (0.7 m <= 1.0 m)
    assert m.enter[1, 1] == 0
    f = build_cost_model(terrain, "Sherman", objective="fuel")
    assert f.enter[6, 1] == pytest.approx(45 / 60 * 5)  # idle 5 L/h while waiting


def test_bad_arguments_raise_project_errors(synth_terrain):
    terrain = synth_terrain()
    with pytest.raises(ConfigError, match="burns no fuel"):
        build_cost_model(terrain, "foot", objective="fuel")
    with pytest.raises(ConfigError, match="objective"):
        build_cost_model(terrain, "T-34", objective="speed")
    with pytest.raises(ConfigError, match="objective"):
        build_cost_model(terrain, "T-34", objective=1.5)
    with pytest.raises(ConfigError, match="season"):
        build_cost_model(terrain, "T-34", season="monsoon")
    with pytest.raises(DataError, match="terrain_class"):
        build_cost_model(terrain.drop_vars("terrain_class"), "T-34")
    with pytest.raises(ConfigError, match="surface"):
        move_rates("T-34", "ice", 0.0)


def test_point_rates_reads_the_cell_under_a_point(synth_terrain):
    from logistics.terrain import to_lonlat, to_metric

    x0, y0 = to_metric(120.0, 46.0)
    terrain = synth_terrain(tclass=TerrainClass.STEPPE, slope=0.1)
    terrain = terrain.assign_coords(x=terrain.x + x0 - 5000, y=terrain.y + y0 - 5000)
    terrain = terrain.rio.write_crs(physics_crs())
    lon, lat = to_lonlat(x0, y0)
    df = physics.point_rates(terrain, float(lon), float(lat))
    assert set(df.vehicle) == set(ALL)
    t34 = df.set_index("vehicle").loc["t-34-85"]
    assert t34.terrain_class == "steppe"
    assert t34.speed_flat_kmh == pytest.approx(30.0)
    assert t34.speed_up_kmh < t34.speed_down_kmh
    assert t34.fuel_up_l_per_km > t34.fuel_flat_l_per_km > t34.fuel_down_l_per_km > 0


def physics_crs():
    from logistics import settings

    return settings.METRIC_CRS


@given(
    vid=st.sampled_from(ALL),
    surface=st.sampled_from(physics.SURFACES),
    season=st.sampled_from(physics.SEASONS),
    g=st.lists(st.floats(0.0, 1.0), min_size=2, max_size=8),
)
def test_steeper_uphill_is_never_faster_nor_cheaper(vid, surface, season, g):
    # uphill: speed falls and fuel rises with grade; the same descent is never slower.
    # (Downhill speed need not fall monotonically: a gentle descent frees engine power, and
    # Tobler's walker is fastest at -0.05.)
    g = np.sort(np.asarray(g))
    up_v, up_f = move_rates(vid, surface, g, season=season)
    down_v, _ = move_rates(vid, surface, -g, season=season)
    assert np.all(up_v[1:] <= up_v[:-1] + 1e-9)
    assert np.all(up_f[1:] >= up_f[:-1] - 1e-9)
    possible = up_v > 0
    assert np.all(down_v[possible] >= up_v[possible] - 1e-9)


def test_borrowed_engine_follows_the_lender_in_the_same_folder(tmp_path):
    import shutil

    from logistics import settings

    root = tmp_path / "configs"
    shutil.copytree(settings.CONFIG_DIR / "vehicles", root / "vehicles")
    t34 = root / "vehicles" / "t-34-85.yaml"
    t34.write_text(t34.read_text().replace("l_per_100km: 235\n", "l_per_100km: 200\n")
                   .replace("l_per_100km: 300\n", "l_per_100km: 255\n"))
    su76 = load_vehicle("SU-76M", config_dir=root)
    lender = engine(load_vehicle("T-34-85", config_dir=root))
    assert lender.full_power_l_per_h < engine("T-34-85").full_power_l_per_h
    assert engine(su76).zero_load_share == pytest.approx(
        max(lender.zero_load_share, su76.idle_fuel_l_per_h / engine(su76).full_power_l_per_h))
