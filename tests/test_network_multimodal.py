"""Multimodal routing on the tiny fixture network over synthetic flat terrain.

Fixture (tests/data/tiny-rail.osm) along 45 N: Alpha - Bravo - Charlie (line T1, 1,435 mm,
7.86 km a step), Bravo - Delta north (T2, 1,520 mm, 11.12 km), road Alpha - Echo south
(11.12 km). T1/T2 are not in lines-1945.yaml, so trains run at the default pairs a day.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from logistics.cost.physics import move_rates
from logistics.errors import ConfigError, NoRouteError, UnknownNameError
from logistics.network import MODES, load_network, load_params, route_multimodal
from logistics.places import lookup as load_place
from logistics.terrain import TerrainClass, cell_of, to_metric

FIXTURE = Path(__file__).parent / "data" / "tiny-rail.osm"
ALPHA, BRAVO, CHARLIE, DELTA, ECHO = (125.0, 45.0), (125.1, 45.0), (125.2, 45.0), (125.1, 45.1), \
    (125.0, 44.9)
BOX = (124.85, 44.82, 125.38, 45.2)


@pytest.fixture(scope="module")
def network():
    return load_network(FIXTURE)


@pytest.fixture(scope="module")
def rail_only():
    return load_network(FIXTURE, road=False)


@pytest.fixture(scope="module")
def terrain(box_terrain):
    """Flat steppe at 200 m on a 500 m metric grid covering the fixture."""
    return box_terrain(BOX, 500.0)


def _edge_km(network, a_name, b_name):
    names = {d["name"]: n for n, d in network.nodes(data=True)}
    data = network.get_edge_data(names[a_name], names[b_name])
    return min(d["length"] for d in data.values()) / 1000.0


def test_rail_route_by_hand(network, terrain):
    p = load_params()
    r = route_multimodal(ALPHA, CHARLIE, "foot", mode="rail", terrain=terrain, network=network)
    assert [leg.mode for leg in r.legs] == ["entrain", "rail", "detrain"]
    km = _edge_km(network, "Alpha", "Bravo") + _edge_km(network, "Bravo", "Charlie")
    wait_h = 12.0 / p.default_train_pairs_per_day
    assert r.distance_km == pytest.approx(km)
    assert r.time_h == pytest.approx(p.entrain_h + wait_h + km / p.rail_speed_kmh + p.detrain_h)
    assert r.fuel_l == 0.0  # on the train the vehicle burns none of its own fuel
    assert r.legs[1].lines == ("T1",)
    assert r.legs[1].geometry.coords[0] == pytest.approx(ALPHA)
    assert r.legs[1].geometry.coords[-1] == pytest.approx(CHARLIE)


def test_every_vehicle_may_ride_a_train_and_use_a_road(network, terrain):
    # the documented decision: tanks and trucks entrained, foot and horse as passengers
    from logistics.vehicles import list_vehicles

    for vehicle in list_vehicles():
        rail = route_multimodal(ALPHA, CHARLIE, vehicle, mode="rail", terrain=terrain,
                                network=network)
        road = route_multimodal(ALPHA, ECHO, vehicle, mode="road", terrain=terrain,
                                network=network)
        assert "rail" in rail.modes and "road" in road.modes, vehicle


def test_break_of_gauge_costs_a_transshipment(network, terrain):
    p = dataclasses.replace(load_params(), max_access_km=1.0)  # only the end stations serve
    r = route_multimodal(ALPHA, DELTA, "foot", mode="rail", terrain=terrain, network=network,
                         params=p)
    assert [leg.mode for leg in r.legs] == ["entrain", "rail", "change gauge", "rail", "detrain"]
    wait_h = 12.0 / p.default_train_pairs_per_day
    assert r.legs[2].time_h == pytest.approx(p.detrain_h + wait_h + p.entrain_h)
    assert (r.legs[1].lines, r.legs[3].lines) == (("T1",), ("T2",))


def test_road_route_uses_the_physics_road_rate(network, terrain):
    p = load_params()
    r = route_multimodal(ALPHA, ECHO, "T-34-85", mode="road", terrain=terrain, network=network)
    assert [leg.mode for leg in r.legs] == ["join road", "road", "leave road"]
    speed, fuel = move_rates("T-34-85", "road", 0.0)
    km = _edge_km(network, "Alpha", "Echo")
    assert r.legs[1].time_h == pytest.approx(km / float(speed))
    assert r.legs[1].fuel_l == pytest.approx(km * float(fuel) * p.road_fuel_factor)
    assert r.time_h == pytest.approx(km / float(speed) + 2 * p.road_join_h)


def test_cross_country_leg_matches_the_cost_engine(network, terrain):
    r = route_multimodal(ALPHA, DELTA, "T-34-85", mode="cross-country", terrain=terrain,
                         network=network)
    (leg,) = r.legs
    assert leg.mode == "cross-country"
    chord = np.hypot(*np.subtract(to_metric(*ALPHA), to_metric(*DELTA))) / 1000.0
    assert chord <= leg.distance_km <= chord * 1.03  # 16 neighbours on flat ground
    speed, fuel = move_rates("T-34-85", "steppe", 0.0)
    assert leg.time_h == pytest.approx(leg.distance_km / float(speed), rel=1e-6)
    assert leg.fuel_l == pytest.approx(leg.distance_km * float(fuel), rel=1e-6)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lon0=st.floats(124.9, 125.3), lat0=st.floats(44.86, 45.15),
       lon1=st.floats(124.9, 125.3), lat1=st.floats(44.86, 45.15),
       vehicle=st.sampled_from(["T-34-85", "foot", "Studebaker"]),
       rail_kmh=st.floats(20.0, 2000.0), transfer_h=st.floats(0.0, 3.0),
       join_h=st.floats(0.0, 1.0))
def test_any_is_never_worse_than_the_best_single_mode(network, terrain, lon0, lat0, lon1, lat1,
                                                      vehicle, rail_kmh, transfer_h, join_h):
    # fast trains and quick transfers make rail and mixed routes win some draws
    p = dataclasses.replace(load_params(), rail_speed_kmh=rail_kmh, entrain_h=transfer_h,
                            detrain_h=transfer_h, road_join_h=join_h,
                            default_train_pairs_per_day=1000.0)
    if np.hypot(lon1 - lon0, lat1 - lat0) < 0.02:
        return
    times = {}
    for mode in MODES:
        try:
            times[mode] = route_multimodal((lon0, lat0), (lon1, lat1), vehicle, mode=mode,
                                           terrain=terrain, network=network, params=p).time_h
        except NoRouteError:
            assert mode in ("rail", "road")  # a place beyond their access distance
    best_single = min(t for m, t in times.items() if m != "any")
    assert times["any"] <= best_single + 1e-9


def test_any_mixes_modes_when_that_is_fastest(network, terrain):
    p = dataclasses.replace(load_params(), rail_speed_kmh=500.0, entrain_h=0.0, detrain_h=0.0,
                            default_train_pairs_per_day=1000.0)
    r = route_multimodal((124.9, 45.0), (125.3, 45.0), "foot", mode="any", terrain=terrain,
                         network=network, params=p)  # fast trains: walk to Alpha, ride, walk on
    assert r.modes == ("cross-country", "rail")
    assert [leg.mode for leg in r.legs][0] == "cross-country"
    assert r.legs[0].end == "Alpha" and r.legs[-1].start == "Charlie"


def test_via_splits_the_route(network, terrain):
    r = route_multimodal(ALPHA, CHARLIE, "foot", mode="rail", via=[BRAVO], terrain=terrain,
                         network=network)
    assert [leg.mode for leg in r.legs] == ["entrain", "rail", "detrain"] * 2
    assert r.places == ("45.0000, 125.0000", "45.0000, 125.1000", "45.0000, 125.2000")


def test_cost_surface_is_each_sections_hours_from_its_start(network, terrain):
    """``cost_surface=True`` keeps, per section, the accumulated cross-country hours from the
    section's start (``logistics route --out`` writes them as cost.tif, cost-1.tif ...): 0
    at the start, the section's cross-country leg's hours at its end, on the metric grid."""
    from pyproj import CRS

    from logistics import settings

    plain = route_multimodal(ALPHA, CHARLIE, "T-34-85", mode="cross-country", via=[BRAVO],
                             terrain=terrain, network=network)
    assert plain.cost_hours == ()  # not asked: nothing kept
    r = route_multimodal(ALPHA, CHARLIE, "T-34-85", mode="cross-country", via=[BRAVO],
                         terrain=terrain, network=network, cost_surface=True)
    assert len(r.cost_hours) == 2 and r.legs == plain.legs
    for (start, end), hours, leg in zip([(ALPHA, BRAVO), (BRAVO, CHARLIE)], r.cost_hours,
                                        r.legs):
        assert hours.dtype == np.float32 and hours.attrs["units"] == "h"
        assert CRS.from_wkt(hours.rio.crs.to_wkt()) == CRS.from_user_input(settings.METRIC_CRS)
        grid = hours.to_numpy()
        assert grid[cell_of(terrain, *to_metric(*start))] == 0.0
        assert float(grid[cell_of(terrain, *to_metric(*end))]) == pytest.approx(leg.time_h,
                                                                                 rel=1e-5)


def test_outputs_table_and_geojson(network, terrain):
    r = route_multimodal(ALPHA, CHARLIE, "foot", mode="rail", terrain=terrain, network=network)
    frame = r.table()
    assert list(frame["mode"]) == ["entrain", "rail", "detrain"]
    assert frame["time_h"].sum() == pytest.approx(r.time_h)
    gj = json.loads(json.dumps(r.to_geojson()))
    assert [f["geometry"]["type"] for f in gj["features"]] == ["Point", "LineString", "Point"]
    assert gj["route"]["distance_km"] == pytest.approx(r.distance_km, abs=1e-3)


# --------------------------------------------------------------------------------------------
# bad input


def test_place_far_from_any_line_with_mode_rail_names_the_nearest_station(network, terrain):
    with pytest.raises(NoRouteError, match=r"is 3\d km from the nearest station, Charlie "
                                           r"\(line T1\).*within 30 km"):
        route_multimodal((125.65, 45.0), ALPHA, "foot", mode="rail", terrain=terrain,
                         network=network)


def test_road_mode_on_a_network_without_roads(rail_only, terrain):
    with pytest.raises(NoRouteError, match="no roads"):
        route_multimodal(ALPHA, CHARLIE, "foot", mode="road", terrain=terrain, network=rail_only)


def test_unknown_place_suggests_near_matches(network, terrain):
    with pytest.raises(UnknownNameError, match="Harbin"):
        route_multimodal("Harbinn", ALPHA, "foot", terrain=terrain, network=network)


def test_unknown_vehicle_and_bad_mode(network, terrain):
    with pytest.raises(UnknownNameError):
        route_multimodal(ALPHA, CHARLIE, "Tiger II", terrain=terrain, network=network)
    with pytest.raises(ConfigError, match="mode must be one of"):
        route_multimodal(ALPHA, CHARLIE, "foot", mode="air", terrain=terrain, network=network)


def test_same_place_twice_is_refused(network, terrain):
    with pytest.raises(ConfigError, match="same point"):
        route_multimodal(ALPHA, ALPHA, "foot", terrain=terrain, network=network)


def test_unreachable_destination(network, terrain):
    walled = terrain.copy(deep=True)
    _, col = cell_of(terrain, *to_metric(125.15, 45.0))
    walled["terrain_class"][:, col:col + 2] = TerrainClass.WATER  # a lake splits the grid N-S
    no_rail = nx.MultiDiGraph(network.edge_subgraph(
        [(u, v, k) for u, v, k, d in network.edges(keys=True, data=True) if d["mode"] == "road"]))
    no_rail.graph.update(network.graph)
    with pytest.raises(NoRouteError, match="no any route"):
        route_multimodal(ALPHA, CHARLIE, "foot", terrain=walled, network=no_rail)


def test_a_detour_beyond_the_first_window_is_a_route_not_an_error():
    """Wheels cannot cross the reconstructed 1945 marsh of the Xinkai floodplain between Tuquan
    and Tungliao; their way round its south-western end leaves the window round the two towns.
    The window widens until it holds the detour (shipped rasters, no terrain given)."""
    r = route_multimodal("Tuquan", "Tongliao", "gaz-67b", mode="cross-country", season="wet")
    assert [leg.mode for leg in r.legs] == ["cross-country"]
    a, b = load_place("Tuquan"), load_place("Tongliao")
    dx, dy = np.subtract(to_metric(a.lon, a.lat), to_metric(b.lon, b.lat))
    straight_km = float(np.hypot(dx, dy)) / 1000.0
    assert np.isfinite(r.time_h) and r.distance_km > 1.5 * straight_km  # a detour, driven
    tank = route_multimodal("Tuquan", "Tongliao", "T-34-85", mode="cross-country", season="wet")
    assert tank.distance_km < r.distance_km  # tracks cross the marsh: no detour
