"""OSM XML loading (osmnx.graph_from_xml underneath): the tiny fixture, filters, bad files."""

from __future__ import annotations

import math
from pathlib import Path

import osmnx as ox
import pytest
from pyproj import CRS
from shapely.geometry import Point

from logistics import settings
from logistics.errors import DataError
from logistics.network import (
    check_osm,
    find_station,
    load_network,
    load_railways,
    nearest_station,
    station_table,
)

FIXTURE = Path(__file__).parent / "data" / "tiny-rail.osm"
# 0.1 degree of longitude along 45 N on the WGS84 ellipsoid: the parallel's radius is
# N cos(phi) with N = a / sqrt(1 - e2 sin^2 phi), so the arc is N cos 45 * 0.1 * pi/180 =
# 7,884.68 m (the geodesic between the two points is shorter by ~3e-8 of that). osmnx's own
# sphere of radius 6,371,009 m would give 7,862.7 m, 0.3 % less.
_A_M, _F = 6378137.0, 1 / 298.257223563
_E2 = _F * (2 - _F)
KM_PER_TENTH_LON_45N = (_A_M / 1000.0 / math.sqrt(1 - _E2 * math.sin(math.radians(45)) ** 2)
                        * math.cos(math.radians(45)) * math.radians(0.1))


def _nodes_by_name(graph):
    return {d.get("name"): n for n, d in graph.nodes(data=True)}


def test_fixture_reads_with_osmnx_itself():
    raw = ox.graph_from_xml(FIXTURE, simplify=False, retain_all=True)
    assert raw.number_of_nodes() == 7  # osmnx sees every node, railway or not


def test_load_network_keeps_rail_and_road_drops_disused_and_simplifies():
    graph = load_network(FIXTURE)
    names = _nodes_by_name(graph)
    assert set(names) == {"Alpha", "Bravo", "Charlie", "Delta", "Echo"}  # shape node 2 merged
    modes = {(graph.nodes[u]["name"], graph.nodes[v]["name"]): d["mode"]
             for u, v, d in graph.edges(data=True)}
    assert modes[("Alpha", "Bravo")] == "rail"
    assert modes[("Bravo", "Alpha")] == "rail"  # both directions
    assert modes[("Alpha", "Echo")] == "road"
    assert ("Charlie", "Foxtrot") not in modes  # railway=disused dropped


def test_graph_is_metric_with_lengths_in_metres():
    graph = load_network(FIXTURE)
    assert CRS(graph.graph["crs"]) == CRS(settings.METRIC_CRS)
    names = _nodes_by_name(graph)
    a, b = names["Alpha"], names["Bravo"]
    edge = next(iter(graph.get_edge_data(a, b).values()))
    assert edge["length"] == pytest.approx(KM_PER_TENTH_LON_45N * 1000, rel=1e-6)
    # no route_factor tag (an ordinary OSM file): factor 1, length = drawn length
    assert edge["route_factor"] == 1.0
    assert edge["length_m"] == edge["traced_length_m"] == edge["length"]
    assert graph.nodes[a]["lon"] == 125.0 and graph.nodes[a]["lat"] == 45.0
    # projected x differs from lon; geometry starts at Alpha (metric coordinates)
    assert abs(graph.nodes[a]["x"]) > 1000
    x0, y0 = edge["geometry"].coords[0]
    assert Point(x0, y0).distance(Point(graph.nodes[a]["x"], graph.nodes[a]["y"])) < 1.0
    assert len(edge["geometry"].coords) == 3  # the shape point survived as geometry


def test_tags_reach_the_graph():
    graph = load_network(FIXTURE)
    names = _nodes_by_name(graph)
    assert graph.nodes[names["Alpha"]]["name:1945"] == "Alphaburg"
    assert graph.nodes[names["Charlie"]]["unverified"] == "yes"
    gauges = {d.get("ref"): d.get("gauge") for _, _, d in graph.edges(data=True)}
    assert gauges == {"T1": "1435", "T2": "1520", None: None}


def test_loading_does_not_leak_osmnx_settings():
    before = list(ox.settings.useful_tags_way), list(ox.settings.useful_tags_node)
    load_network(FIXTURE)
    assert (list(ox.settings.useful_tags_way), list(ox.settings.useful_tags_node)) == before


def test_rail_only_and_road_only():
    rail = load_network(FIXTURE, road=False)
    assert {d["mode"] for _, _, d in rail.edges(data=True)} == {"rail"}
    road = load_network(FIXTURE, rail=False)
    assert {d["mode"] for _, _, d in road.edges(data=True)} == {"road"}
    assert road.number_of_nodes() == 2


def test_station_lookup_and_nearest():
    graph = load_network(FIXTURE)
    assert find_station(graph, "alphaburg").name == "Alpha"  # 1945 name, any case
    near = nearest_station(graph, 125.19, 45.0)
    assert near.name == "Charlie"
    assert near.distance_km == pytest.approx(0.79, abs=0.02)  # 0.01 deg lon at 45 N
    table = station_table(graph)
    assert set(table["name"]) == {"Alpha", "Bravo", "Charlie", "Delta"}  # Echo is no station
    assert CRS(table.crs) == CRS(settings.METRIC_CRS)
    assert table.set_index("name").loc["Bravo", "lines"] == "T1;T2"


def test_unknown_station_suggests():
    graph = load_network(FIXTURE)
    with pytest.raises(KeyError, match="Bravo"):
        find_station(graph, "Brovo")


# --------------------------------------------------------------------------------------------
# bad files: one DataError naming where


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bad.osm"
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        load_network(tmp_path / "nope.osm")


def test_not_well_formed_names_line_and_column(tmp_path):
    path = _write(tmp_path, '<osm version="0.6">\n  <node id="1" lat="45" lon="125">\n</osm>\n')
    with pytest.raises(DataError, match=r"line 3, column \d+: not well-formed"):
        load_network(path)


def test_every_problem_listed_with_its_line(tmp_path):
    path = _write(tmp_path, "\n".join([
        '<osm version="0.6">',
        '  <node id="1" lat="45" lon="125"/>',
        '  <node id="2" lat="95" lon="125"/>',          # line 3: lat out of range
        '  <node id="x" lat="45" lon="125.1"/>',        # line 4: id not an integer
        '  <way id="10">',
        '    <nd ref="1"/>',
        '    <nd ref="99"/>',                            # line 7: unknown node
        '    <tag k="railway"/>',                        # line 8: tag without v
        '  </way>',
        '  <way id="11"><nd ref="1"/></way>',            # line 10: a single node
        '</osm>',
    ]))
    with pytest.raises(DataError) as err:
        check_osm(path)
    msg = str(err.value)
    assert "5 problem(s)" in msg
    for expected in ("line 3: node 2: lat='95'", "line 4: <node> has no integer id",
                     "line 7: way 10 refers to node 99", "line 8: <tag> needs both",
                     "line 10: way 11 has 1 <nd>"):
        assert expected in msg


def test_wrong_root_element(tmp_path):
    path = _write(tmp_path, '<gpx><trk/></gpx>')
    with pytest.raises(DataError, match="root element is <gpx>, expected <osm>"):
        load_network(path)


def test_no_wanted_ways(tmp_path):
    path = _write(tmp_path, "\n".join([
        '<osm version="0.6">', '  <node id="1" lat="45" lon="125"/>',
        '  <node id="2" lat="45" lon="125.1"/>',
        '  <way id="10"><nd ref="1"/><nd ref="2"/><tag k="waterway" v="river"/></way>',
        '</osm>']))
    with pytest.raises(DataError, match="no way tagged railway="):
        load_network(path)


def test_railway_file_is_the_configs_one_as_set_at_call_time_else_the_shipped_one(
        monkeypatch, tmp_path):
    from logistics.terrain.railways import shipped_railways

    shipped = settings.SHIPPED_CONFIG_DIR / "network" / "railways-1945.osm"
    monkeypatch.setattr(settings, "CONFIG_DIR", tmp_path)  # a later change counts
    assert shipped_railways() == shipped  # a configs folder without railways: the shipped ones
    own = tmp_path / "network" / "railways-1945.osm"
    own.parent.mkdir()
    own.write_bytes(FIXTURE.read_bytes())
    assert shipped_railways() == own
    assert load_railways().number_of_nodes() == load_network(own, road=False).number_of_nodes()


def _tagged_fixture(tmp_path: Path, factor: str) -> Path:
    """The fixture with ``route_factor=factor`` on the main line T1 only."""
    text = FIXTURE.read_text(encoding="utf-8").replace(
        '<tag k="ref" v="T1"/>', f'<tag k="ref" v="T1"/>\n    <tag k="route_factor" v="{factor}"/>')
    return _write(tmp_path, text)


def test_route_factor_tag_scales_length_and_keeps_the_drawn_one(tmp_path):
    graph = load_network(_tagged_fixture(tmp_path, "1.25"))
    names = _nodes_by_name(graph)
    t1 = next(iter(graph.get_edge_data(names["Alpha"], names["Bravo"]).values()))
    assert t1["route_factor"] == 1.25
    assert t1["traced_length_m"] == pytest.approx(KM_PER_TENTH_LON_45N * 1000, rel=1e-6)
    assert t1["length_m"] == t1["length"] == pytest.approx(1.25 * t1["traced_length_m"])
    t2 = next(iter(graph.get_edge_data(names["Bravo"], names["Delta"]).values()))
    assert t2["route_factor"] == 1.0 and t2["length"] == t2["traced_length_m"]  # untagged way


@pytest.mark.parametrize("bad", ["fast", "0", "-1.1", "nan"])
def test_bad_route_factor_is_one_data_error_naming_the_way(tmp_path, bad):
    with pytest.raises(DataError, match=rf"way 100: route_factor='{bad}', expected a positive"):
        load_network(_tagged_fixture(tmp_path, bad))
