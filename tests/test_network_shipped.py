"""The shipped 1945 network (configs/network/railways-1945.osm) against its sources.

Documented lengths (lines-1945.yaml, each with its citation): Manzhouli-Harbin 935 km (R01),
Harbin-Suifenhe 548 km (R02), Dairen-Hsinking 701.4 km (R04). The .osm is traced with the rail
grade rule (configs/network/_trace.py) and carries one global route factor fitted on every line
with documented chainage (configs/network/_route_factor.py); the lengths are checked with the
factor fitted WITHOUT the line checked (leave one line out), so no line checks itself.
"""

from __future__ import annotations

import re

import networkx as nx
import pandas as pd
import pytest
from pyproj import Geod

from logistics.network import find_station, load_lines, load_railways
from logistics.terrain.railways import shipped_railways
from _digitise import digitise, read_station_table
from _route_factor import (
    PLAUSIBLE_RANGE,
    documented_spans,
    fit_route_factor,
    leave_one_line_out,
    measure_spans,
)

GEOD = Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def graph():
    return load_railways()


@pytest.fixture(scope="module")
def table():
    return read_station_table()


@pytest.fixture(scope="module")
def spans(graph, table):
    """Documented spans measured on the shipped graph's drawn lengths (traced_length_m)."""
    return measure_spans(graph, documented_spans(table, load_lines()))


def _rail_km(graph, a: str, b: str, weight: str = "length") -> float:
    u, v = find_station(graph, a).node, find_station(graph, b).node
    return nx.shortest_path_length(graph, u, v, weight=weight) / 1000.0


def _chord_km(table, line: str) -> float:
    rows = table[(table["line"] == line) & (table["way"] == "main")].dropna(subset=["lat"])
    return GEOD.line_length(rows["lon"].tolist(), rows["lat"].tolist()) / 1000.0


def _shipped_factor() -> float:
    text = shipped_railways().read_text(encoding="utf-8")
    factors = set(re.findall(r'<tag k="route_factor" v="([^"]+)" />', text))
    assert len(factors) == 1, factors  # one global factor on every way
    return float(factors.pop())


@pytest.mark.parametrize(
    ("line", "start", "end", "documented_km"),
    [("R01", "Manzhouli", "Harbin", 935.0),
     ("R02", "Harbin", "Suifenhe", 548.0),
     ("R04", "Dalian", "Changchun", 701.4)],
)
def test_leave_one_line_out_length_within_5_percent_of_documented(spans, line, start, end,
                                                                   documented_km):
    assert load_lines()[line].length_km == documented_km  # the cited figure itself
    cv = leave_one_line_out(spans).set_index("line")
    assert (cv.loc[line, "start"], cv.loc[line, "end"]) == (start, end)
    # the factor that predicts this line was fitted on the other lines only
    others = spans[spans["line"] != line]
    assert cv.loc[line, "factor_without"] == pytest.approx(fit_route_factor(others))
    assert cv.loc[line, "predicted_km"] == pytest.approx(documented_km, rel=0.05)


def test_shipped_factor_is_reproducible_from_the_shipped_drawing(spans):
    # refitting on the drawn lengths of the shipped file gives the factor written in it
    assert round(fit_route_factor(spans), 4) == _shipped_factor()
    assert set(spans["line"]) >= {"R01", "R02", "R04", "R06", "R22"}


def test_route_factor_is_physically_plausible(spans):
    lo, hi = PLAUSIBLE_RANGE  # modelling assumption, see configs/network/_route_factor.py
    assert lo <= _shipped_factor() <= hi
    assert leave_one_line_out(spans)["factor_without"].between(lo, hi).all()


def test_edge_length_is_drawn_length_times_the_factor(graph):
    factor = _shipped_factor()
    for _, _, d in graph.edges(data=True):
        assert d["route_factor"] == factor
        assert d["length"] == d["length_m"] == pytest.approx(d["traced_length_m"] * factor)
    # and never the documented chainage itself: Harbin-Suifenhe is drawn x factor, not 548
    drawn = _rail_km(graph, "Harbin", "Suifenhe", "traced_length_m")
    assert _rail_km(graph, "Harbin", "Suifenhe") == pytest.approx(drawn * factor)


@pytest.mark.parametrize(("line", "start", "end"), [("R01", "Manzhouli", "Harbin"),
                                                    ("R02", "Harbin", "Suifenhe"),
                                                    ("R04", "Dairen", "Hsinking")])
def test_tracing_brings_lines_closer_to_documented_than_chords(graph, table, line, start, end):
    documented = load_lines()[line].length_km
    chord = _chord_km(table, line)
    drawn = _rail_km(graph, start, end, "traced_length_m")
    assert chord < drawn <= documented * 1.05
    assert abs(drawn - documented) < abs(chord - documented)


def test_every_located_station_is_on_the_graph_where_the_table_puts_it(graph, table):
    located = table.dropna(subset=["lat", "lon"])
    isolated = set(table.loc[table["way"] == "isolated", "key"])
    single = {"hunchun"}  # the only located station of R21: no line to draw (report)
    for _, row in located.iterrows():
        if row["key"] in isolated | single:
            continue
        st = find_station(graph, row["name"])
        assert (st.lon, st.lat) == pytest.approx((row["lon"], row["lat"]), abs=1e-5), row["key"]


def test_every_line_is_connected_and_holds_its_stations(graph, table):
    drawn_lines = {r for _, _, d in graph.edges(data=True) for r in [d.get("ref")]}
    expected = set(table["line"]) - {"R21", "R23"}  # not drawable: no two located stations
    assert drawn_lines == expected
    for ref in sorted(expected):
        sub = graph.edge_subgraph([(u, v, k) for u, v, k, d in graph.edges(keys=True, data=True)
                                   if d.get("ref") == ref])
        assert nx.is_weakly_connected(sub), ref
        names = {sub.nodes[n].get("name") for n in sub.nodes}
        rows = table[(table["line"] == ref)].dropna(subset=["lat"])
        assert set(rows["name"]) <= names, ref


def test_whole_network_is_connected_within_each_gauge_block(graph):
    # the Manchurian 1,435 mm lines form one network (the reference's lines all join up)
    std = graph.edge_subgraph([(u, v, k) for u, v, k, d in graph.edges(keys=True, data=True)
                               if d.get("gauge") == "1435"])
    assert nx.number_weakly_connected_components(std) == 1
    assert nx.is_weakly_connected(graph)  # and the Soviet feeders meet it at the border


def test_break_of_gauge_at_the_border_stations(graph):
    def gauges_at(name):
        node = find_station(graph, name).node
        return {d.get("gauge") for _, _, d in graph.edges(node, data=True)}

    assert gauges_at("Manzhouli") == {"1435", "1520"}
    assert gauges_at("Suifenhe") == {"1435", "1520"}
    assert gauges_at("Harbin") == {"1435"}


def test_unverified_marks_reach_the_graph(graph):
    refs = {d.get("ref"): d.get("unverified") for _, _, d in graph.edges(data=True)
            if d.get("ref") == "R16"}
    assert refs == {"R16": "yes"}  # the reference marks the whole line [unverified]
    assert graph.nodes[find_station(graph, "Mianduhe").node].get("unverified") == "yes"
    assert "unverified" not in graph.nodes[find_station(graph, "Hailar").node]


def test_1945_names_find_stations(graph):
    for name, modern in (("Hsinking", "Changchun"), ("Shinkyo", "Changchun"),
                         ("Mukden", "Shenyang"), ("Tsitsihar", "Qiqihar"),
                         ("Pogranichnaya", "Suifenhe"), ("Port Arthur", "Lüshun"),
                         ("Wangyemiao", "Ulanhot"), ("Sakhalian", "Heihe")):
        assert find_station(graph, name).name == modern


def test_port_arthur_junction_placed_by_documented_chainage(graph):
    st = find_station(graph, "Shūsuishi")
    assert graph.nodes[st.node]["coord_source"] == "derived from documented km"
    dairen = find_station(graph, "Dairen")
    km = GEOD.inv(dairen.lon, dairen.lat, st.lon, st.lat)[2] / 1000.0
    assert 3.0 < km < 8.9  # km 8.9 of the line, so at most 8.9 km from Dairen as the crow flies
    assert _rail_km(graph, "Dairen", "Port Arthur") > 30.0


def test_shipped_stations_match_a_rebuild_from_the_table(table, graph):
    net = digitise(table, load_lines())  # straight chords: fast, same stations and ids
    rebuilt = {s["rows"][0]["name"]: s["lonlat"] for s in net.stations.values()}
    shipped = {d["name"]: (d["lon"], d["lat"]) for _, d in graph.nodes(data=True)
               if d.get("railway") == "station"}
    assert set(rebuilt) == set(shipped)
    derived = {name for _, name, _ in net.derived}  # placed along the drawn shape: differs
    assert derived == {"Shūsuishi"}
    for name, (lon, lat) in rebuilt.items():
        if name in derived:
            continue
        assert shipped[name] == pytest.approx((lon, lat), abs=1e-5), name
    skipped = pd.DataFrame(net.skipped, columns=["line", "station", "why"])
    assert set(skipped["station"]) >= {"Khingan tunnel", "Maorshan", "Aotou", "Hunchun"}
