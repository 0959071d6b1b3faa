"""The railway route factor fit (configs/network/_route_factor.py) on small hand-made inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from logistics.errors import DataError
from logistics.network import load_network
from _digitise import digitise, fit_drawn, polyline_km, write_osm
from logistics.network.params import LineInfo
from _route_factor import (
    documented_spans,
    fit_route_factor,
    leave_one_line_out,
    measure_spans,
)


def _spans(documented, traced, lines=None):
    lines = lines or [f"L{i}" for i in range(len(documented))]
    return pd.DataFrame({"line": lines, "start": "a", "end": "b",
                         "documented_km": documented, "traced_km": traced})


def test_fit_is_the_ratio_of_sums_by_hand():
    # (110 + 220 + 30) / (100 + 200 + 30): long lines weigh more than the short one
    assert fit_route_factor(_spans([110.0, 220.0, 30.0], [100.0, 200.0, 30.0])) == \
        pytest.approx(360.0 / 330.0)


def test_leave_one_line_out_by_hand():
    cv = leave_one_line_out(_spans([12.0, 22.0, 30.0], [10.0, 20.0, 30.0]))
    # without L0: (22 + 30) / (20 + 30) = 1.04 -> 10 km predicted as 10.4 km
    assert cv["factor_without"].tolist() == pytest.approx([52 / 50, 42 / 40, 34 / 30])
    assert cv["predicted_km"].tolist() == pytest.approx([10.4, 21.0, 34.0])
    assert cv["predicted_over_documented"].tolist() == pytest.approx([10.4 / 12, 21 / 22,
                                                                       34 / 30])


@given(factor=st.floats(0.5, 2.0),
       traced=st.lists(st.floats(1.0, 1000.0), min_size=2, max_size=8))
def test_exact_data_give_the_factor_back_and_perfect_predictions(factor, traced):
    spans = _spans([factor * t for t in traced], traced)
    assert fit_route_factor(spans) == pytest.approx(factor, rel=1e-9)
    cv = leave_one_line_out(spans)
    assert np.allclose(cv["predicted_over_documented"], 1.0, rtol=1e-9)


@given(scale=st.floats(0.1, 10.0),
       pairs=st.lists(st.tuples(st.floats(1.0, 1000.0), st.floats(1.0, 1000.0)),
                      min_size=1, max_size=8))
def test_fit_is_a_weighted_mean_of_line_ratios_and_scales_with_the_chainage(scale, pairs):
    documented, traced = map(list, zip(*pairs))
    factor = fit_route_factor(_spans(documented, traced))
    ratios = [d / t for d, t in pairs]
    assert min(ratios) * (1 - 1e-12) <= factor <= max(ratios) * (1 + 1e-12)
    assert fit_route_factor(_spans([scale * d for d in documented], traced)) == \
        pytest.approx(scale * factor, rel=1e-9)


def test_fit_needs_spans_and_positive_lengths():
    with pytest.raises(DataError, match="no documented span"):
        fit_route_factor(_spans([], []))
    with pytest.raises(DataError, match="expected positive finite"):
        fit_route_factor(_spans([10.0], [0.0]))
    with pytest.raises(DataError, match="at least two lines"):
        leave_one_line_out(_spans([10.0, 12.0], [9.0, 11.0], lines=["L1", "L1"]))


# --------------------------------------------------------------------------------------------
# spans from a station table, measured on a written network

_COLS = ["line", "way", "seq", "key", "name", "name_1945", "name_1945_zh", "name_ja",
         "old_name", "lat", "lon", "coord_source", "km", "unverified", "note"]


def _row(line, seq, key, lat, lon, km):
    return (line, "main", seq, key, key.upper(), "", "", "", "", lat, lon, "GeoNames", km, "no",
            "")


# L1: documented length 40 km between A and C; L2: only route-map km (B km 3, D km 13);
# L3: neither (no span); all along 45 N, B and C shared by L1 and L2.
TABLE = pd.DataFrame([
    _row("L1", 1, "a", 45.0, 125.0, np.nan),
    _row("L1", 2, "b", 45.0, 125.2, np.nan),
    _row("L1", 3, "c", 45.0, 125.4, np.nan),
    _row("L2", 1, "e", np.nan, np.nan, 0.0),
    _row("L2", 2, "b", 45.0, 125.2, 3.0),
    _row("L2", 3, "d", 45.1, 125.2, 13.0),
    _row("L3", 1, "d", 45.1, 125.2, np.nan),
    _row("L3", 2, "f", 45.2, 125.2, np.nan),
], columns=_COLS)
LINES = {
    "L1": LineInfo(ref="L1", name="one", gauge_mm=1435, unverified=False, source="test",
                   length_km=40.0, length_source="test page", from_station="A", to_station="C"),
    "L2": LineInfo(ref="L2", name="two", gauge_mm=1435, unverified=False, source="test",
                   from_station="E", to_station="D"),
    "L3": LineInfo(ref="L3", name="three", gauge_mm=1435, unverified=False, source="test",
                   from_station="D", to_station="F"),
}


def test_documented_spans_take_line_lengths_else_route_map_km():
    spans = documented_spans(TABLE, LINES).set_index("line")
    assert list(spans.index) == ["L1", "L2"]  # L3 has no documented km at all
    assert spans.loc["L1", ["start", "end", "documented_km"]].tolist() == ["A", "C", 40.0]
    assert spans.loc["L1", "km_source"].startswith("line length")
    # E (km 0) is not located: the span runs between the located km marks B and D
    assert spans.loc["L2", ["start", "end", "documented_km"]].tolist() == ["B", "D", 10.0]
    assert spans.loc["L2", "km_source"] == "route-map km 3 to 13 (reference, L2)"


def test_measured_on_the_drawn_lengths_not_the_scaled_ones(tmp_path):
    net = digitise(TABLE, LINES)  # straight chords
    write_osm(net, tmp_path / "x.osm", route_factor=1.5, factor_note="test")
    spans = measure_spans(load_network(tmp_path / "x.osm"), documented_spans(TABLE, LINES))
    a_c = polyline_km([(125.0, 45.0), (125.4, 45.0)])  # A-B-C along the parallel
    b_d = polyline_km([(125.2, 45.0), (125.2, 45.1)])
    assert spans["traced_km"].tolist() == pytest.approx([a_c, b_d], rel=1e-6)


def test_fit_drawn_fits_the_written_network_and_writes_nothing_else(tmp_path):
    net = digitise(TABLE, LINES)
    factor, cv = fit_drawn(net, TABLE, LINES)
    a_c = polyline_km([(125.0, 45.0), (125.4, 45.0)])
    b_d = polyline_km([(125.2, 45.0), (125.2, 45.1)])
    assert factor == pytest.approx(50.0 / (a_c + b_d), rel=1e-6)
    assert cv.set_index("line")["factor_without"].tolist() == pytest.approx(
        [10.0 / b_d, 40.0 / a_c], rel=1e-6)


def test_a_span_off_the_network_is_a_data_error(tmp_path):
    net = digitise(TABLE, LINES)
    write_osm(net, tmp_path / "x.osm")
    spans = documented_spans(TABLE, LINES).assign(end=["Nowhere", "D"])
    with pytest.raises(DataError, match="line L1: cannot measure the drawn span A - Nowhere"):
        measure_spans(load_network(tmp_path / "x.osm"), spans)
