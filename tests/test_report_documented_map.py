"""A run's map shows its axis's documented positions, labelled by place and date."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

from logistics.report.run_outputs import _documented_rows
from logistics.report.run_plots import plot_map


def test_the_shipped_rows_of_an_axis_are_found():
    rows = _documented_rows("TBF-36A")
    assert len(rows) == 10 and set(rows["axis_id"]) == {"TBF-36A"}
    assert _documented_rows("NO-SUCH-AXIS") is None


def test_map_draws_and_labels_documented_positions(tmp_path, monkeypatch):
    import logistics.report.run_plots as rp

    drawn = {}
    real = rp._label_documented

    def spy(ax, doc, tx):
        real(ax, doc, tx)
        drawn["texts"] = [t.get_text() for t in ax.texts]
        drawn["diamonds"] = [ln for ln in ax.lines if ln.get_marker() == "D"]

    monkeypatch.setattr(rp, "_label_documented", spy)
    km = np.linspace(0, 100, 11)
    daily = pd.DataFrame({"date": pd.date_range("1945-08-09", periods=3), "lon": [120.2, 120.6, 121.0],
                          "lat": 45.0, "status": "moving"})
    result = SimpleNamespace(
        scenario=SimpleNamespace(axis_id="X", name="test"),
        route_points=pd.DataFrame({"cum_km": km, "lon": 120 + km / 78.0, "lat": 45.0,
                                   "elev_m": 500.0}),
        daily=daily, headline_daily=daily, provenance={"waypoints": []}, summary={},
        track=pd.DataFrame(columns=["time", "cum_km", "lon", "lat", "status"]))
    doc = pd.DataFrame({"lon": [120.5, 120.5, 121.2], "lat": [45.1, 45.1, 45.3],
                        "place_reached": ["approaches to Town (x)", "Town (taken)", "Village, east"],
                        "date": pd.to_datetime(["1945-08-09", "1945-08-10", "1945-08-11"])})
    plot_map(result, tmp_path / "map.png", basemap=False, documented=doc)
    assert (tmp_path / "map.png").stat().st_size > 0
    assert len(drawn["diamonds"]) == 1 and len(drawn["diamonds"][0].get_xdata()) == 3
    assert "approaches to Town 9 Aug; Town 10 Aug" in drawn["texts"]
    assert "Village 11 Aug" in drawn["texts"]
