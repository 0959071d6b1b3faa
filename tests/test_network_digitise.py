"""Digitising: the rail tracing rule on synthetic terrain, the station table, the .osm writer."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from logistics.cost.model import BARRIER_CLASS
from logistics.errors import ConfigError
from logistics.network import load_network
from _digitise import (
    digitise,
    polyline_km,
    read_station_table,
    report_markdown,
    write_osm,
)
from logistics.network.params import LineInfo, load_params
from _trace import rail_cost_model, trace_segment
from logistics.terrain import TerrainClass, to_metric

TRACING = dataclasses.replace(load_params().tracing, resolution_m=500.0, window_margin_km=10.0)


def _loader(box_terrain, elevation=None):
    """A terrain loader for trace_segment: synthetic steppe over any box (``box_terrain``)."""
    def load(bbox, resolution_m):
        return box_terrain(bbox, resolution_m, elevation)
    return load


def test_rail_rule_table_by_hand(box_terrain):
    ds = box_terrain((125.0, 45.0, 125.1, 45.1), 1000.0)
    ds["terrain_class"][0, 0] = TerrainClass.WATER
    ds["terrain_class"][0, 1] = TerrainClass.NODATA
    m = rail_cost_model(ds, TRACING)
    gl, p = TRACING.grade_limit, TRACING.penalty_per_grade_limit
    cost_at = dict(zip(np.round(m.grades, 6), m.table[0]))
    assert cost_at[0.0] == 1.0 and cost_at[round(gl, 6)] == 1.0
    assert cost_at[round(2 * gl, 6)] == pytest.approx(1.0 + p)  # one limit beyond: + p
    assert cost_at[round(-2 * gl, 6)] == pytest.approx(1.0 + p)  # symmetric: down = up
    assert m.grades.max() == pytest.approx(TRACING.grade_max)  # steeper: off the table
    assert np.array_equal(m.table[1], TRACING.water_factor * m.table[0])
    assert m.class_index[0, 0] == 1 and m.class_index[0, 1] == BARRIER_CLASS
    assert m.class_index[1, 1] == 0 and m.units == "m"


def test_trace_on_flat_ground_is_the_chord(box_terrain):
    a, b = (125.0, 45.0), (125.4, 45.1)
    pts = trace_segment(a, b, TRACING, load=_loader(box_terrain))
    assert pts[0] == a and pts[-1] == b  # pinned to the stations
    assert polyline_km(pts) == pytest.approx(polyline_km([a, b]), rel=0.01)


def test_trace_crosses_a_ridge_at_its_pass(box_terrain):
    # a 600 m east-west ridge across the way (y0), with a low pass 15 km east of the chord
    a, b = (125.0, 44.8), (125.0, 45.2)
    xa, _ = to_metric(*a)
    _, y0 = to_metric(125.0, 45.0)
    x_pass = xa + 15_000.0

    def elevation(xx, yy):
        ridge = 600.0 * np.exp(-(((yy - y0) / 6000.0) ** 2))
        gap = 1.0 - np.exp(-(((xx - x_pass) / 3000.0) ** 2))
        return 200.0 + ridge * gap

    pts = trace_segment(a, b, TRACING, load=_loader(box_terrain, elevation))
    lon = np.array([p[0] for p in pts])
    lat = np.array([p[1] for p in pts])
    x, y = to_metric(lon, lat)
    crest = np.argmin(np.abs(y - y0))
    assert abs(x[crest] - x_pass) < 3000.0  # crosses within 3 km of the pass
    assert polyline_km(pts) > 1.05 * polyline_km([a, b])  # the detour costs length


def _table(rows):
    cols = ["line", "way", "seq", "key", "name", "name_1945", "name_1945_zh", "name_ja",
            "old_name", "lat", "lon", "coord_source", "km", "unverified", "note"]
    return pd.DataFrame([dict(zip(cols, r)) for r in rows], columns=cols)


TINY = _table([
    ("L1", "main", 1, "a", "A", "Ay", "", "", "", 45.0, 125.0, "GeoNames", 0.0, "no", ""),
    ("L1", "main", 2, "j", "J", "Jay", "", "", "", np.nan, np.nan, "not located", 10.0, "no", ""),
    ("L1", "main", 3, "b", "B", "Bee", "", "", "", 45.0, 125.4, "approx", 40.0, "yes", ""),
    ("L2", "main", 1, "j", "J", "Jay", "", "", "", np.nan, np.nan, "not located", np.nan, "no",
     ""),
    ("L2", "main", 2, "c", "C", "Cee", "", "", "", 45.2, 125.1, "GeoNames", np.nan, "no", ""),
    ("L2", "main", 3, "x", "X", "Ex", "", "", "", np.nan, np.nan, "not located", np.nan, "no",
     ""),
])
LINES = {ref: LineInfo(ref=ref, name=f"line {ref}", gauge_mm=1435, unverified=ref == "L2",
                       source="test", length_km=None, from_station="A", to_station="B")
         for ref in ("L1", "L2")}


def test_digitise_places_a_junction_by_chainage_and_lists_what_it_skips():
    net = digitise(TINY, LINES)
    assert [w["keys"] for w in net.ways] == [["a", "j", "b"], ["j", "c"]]
    lon, lat = net.stations["j"]["lonlat"]
    assert lon == pytest.approx(125.1, abs=1e-4) and lat == pytest.approx(45.0)  # 10/40 of A-B
    assert net.derived[0][1] == "J"
    assert net.skipped == [("L2", "X", "not located in the reference")]


def test_written_osm_reads_back_and_is_deterministic(tmp_path):
    net = digitise(TINY, LINES)
    write_osm(net, tmp_path / "a.osm")
    write_osm(digitise(TINY, LINES), tmp_path / "b.osm")
    assert (tmp_path / "a.osm").read_bytes() == (tmp_path / "b.osm").read_bytes()
    graph = load_network(tmp_path / "a.osm")
    by_name = {d["name"]: d for _, d in graph.nodes(data=True)}
    assert set(by_name) == {"A", "J", "B", "C"}
    assert by_name["J"]["coord_source"] == "derived from documented km"
    assert by_name["B"]["unverified"] == "yes" and by_name["B"]["name:1945"] == "Bee"
    refs = {d["ref"]: d.get("unverified") for _, _, d in graph.edges(data=True)}
    assert refs == {"L1": None, "L2": "yes"}
    report = report_markdown(net, TINY, LINES, None)
    assert "| L1 | a | b |" in report and "| X | not located" in report


def test_station_table_problems_are_listed_together(tmp_path):
    path = tmp_path / "stations.csv"
    bad = TINY.copy()
    bad.loc[2, "lon"] = np.nan  # lat without lon
    bad.loc[4, "unverified"] = "maybe"
    extra = bad.iloc[[0]].assign(line="L3", lat=46.0)  # station a at a second position
    pd.concat([bad, extra]).to_csv(path, index=False)
    with pytest.raises(ConfigError) as err:
        read_station_table(path)
    msg = str(err.value)
    assert "3 problem(s)" in msg
    assert "give both lat and lon" in msg and "unverified='maybe'" in msg
    assert "station 'a' has different coordinates" in msg


def test_network_map_draws_every_rail_edge_dashed_where_unverified():
    from pathlib import Path

    from logistics.report.route_map import network_map

    graph = load_network(Path(__file__).parent / "data" / "tiny-rail.osm", road=False)
    fig = network_map(graph, bbox=(124.8, 44.8, 125.4, 45.2), resolution_m=2000.0)
    ax = fig.axes[0]
    rail_lines = [ln for ln in ax.get_lines() if ln.get_zorder() == 5]
    assert len(rail_lines) == graph.number_of_edges()
    assert {ln.get_color() for ln in rail_lines} == {"#111111", "#b2182b"}  # 1,435 and 1,520
