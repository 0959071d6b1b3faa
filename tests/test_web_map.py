"""The interactive map.html of a run and of a comparison (issue 15 item 3): offline, deterministic,
drawn by headless Chromium without a script error.

Synthetic results with known counts: two formations with two days each on an axis whose
documented positions (read here from the shipped CSV, independently of the code) are drawn
with their source and quote; an axis without documented positions still gets its map.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from headless_chromium import browser_or_skip, external_resources, open_page
from logistics import settings
from logistics.report.web_map import comparison_map, run_map, write_map

T0 = pd.Timestamp("1945-08-09 01:00")
AXIS = "TBF-39A"  # two documented rows with coordinates in the shipped file
FORMS = ("fd-1", "rd-94")
DAYS = ("1945-08-09", "1945-08-10", "1945-08-11")


def _shipped_documented(axis: str) -> list[dict]:
    """The shipped documented rows of ``axis`` with coordinates, read with the csv module."""
    with open(settings.CONFIG_DIR / "history" / "documented-advances.csv", encoding="utf-8") as f:
        return [r for r in csv.DictReader(f)
                if r["axis_id"] == axis and r["lat"].strip() and r["lon"].strip()]


def _result(axis: str = AXIS):
    """Two formations moving east on parallel lines near Hailar for three days."""
    tracks, routes, daily = [], [], []
    for i, fid in enumerate(FORMS):
        lat = 49.0 + 0.3 * i
        for h in range(1, 73):
            km = 2.0 * h
            tracks.append({"time": T0 + pd.Timedelta(hours=h - 1), "formation_id": fid,
                           "cum_km": km, "lon": 118.0 + km / 73.0, "lat": lat,
                           "status": "moving"})
        for k in range(0, 161, 20):
            routes.append({"formation_id": fid, "cum_km": float(k), "lon": 118.0 + k / 73.0,
                           "lat": lat})
        for d, date in enumerate(DAYS):
            daily.append({"date": date, "formation_id": fid, "lon": 118.0 + 48.0 * (d + 1) / 73,
                          "lat": lat, "cum_km": 48.0 * (d + 1), "km_day": 48.0,
                          "status": "moving"})
    tracks = pd.DataFrame(tracks)
    deliveries = pd.DataFrame(columns=["time", "source", "kind", "litres", "fuel_type",
                                       "cum_km", "note", "formation_id"])
    return SimpleNamespace(
        scenario=SimpleNamespace(axis_id=axis, run_id=axis, name="test army",
                                 formation=SimpleNamespace(lead="t-34-85")),
        formations=pd.DataFrame({"formation_id": list(FORMS), "name": ["FD", "94 RD"],
                                 "kind": ["detachment", "division"]}),
        tracks=tracks, routes=pd.DataFrame(routes), daily=pd.DataFrame(daily),
        crossings=pd.DataFrame(), deliveries=deliveries,
        track=tracks[tracks["formation_id"] == "fd-1"],
        route_points=pd.DataFrame(routes)[lambda r: r.formation_id == "fd-1"],
        segments=pd.DataFrame(), summary={}, provenance={},
        plan=SimpleNamespace(formations=[SimpleNamespace(
            unit=SimpleNamespace(id="fd-1"), objectives=((10.0, "Alpha"), (30.0, "Beta")))]),
        reached=pd.DataFrame([{"time": pd.Timestamp("1945-08-09 12:00"), "formation_id": "fd-1",
                               "kind": "objective", "name": "Alpha", "cum_km": 10.0}]))


def test_run_map_is_offline_and_byte_identical(tmp_path):
    a = write_map(run_map(_result()), tmp_path / "a" / "map.html")
    b = write_map(run_map(_result()), tmp_path / "b" / "map.html")
    html = a.read_text(encoding="utf-8")
    assert external_resources(html) == []
    assert "Leaflet 1.9.3" in html and "leaflet-control-layers" in html  # JS and CSS inlined
    assert "cdn." not in html and "code.jquery.com" not in html
    assert a.read_bytes() == b.read_bytes()
    assert [p.name for p in a.parent.iterdir()] == ["map.html"]  # no temporary left behind


def test_run_without_documented_positions_still_writes_the_map(tmp_path):
    assert _shipped_documented("NO-SUCH-AXIS") == []
    path = write_map(run_map(_result("NO-SUCH-AXIS")), tmp_path / "map.html")
    html = path.read_text(encoding="utf-8")
    assert external_resources(html) == []
    assert "no documented positions with coordinates for this run" in html
    assert "documented-position" not in html


def _comparison():
    res = _result()
    docs = _shipped_documented(AXIS)
    table = pd.DataFrame([{"row": i, "axis_id": AXIS, "date": r["date"],
                           "place_reached": r["place_reached"], "lat": float(r["lat"]),
                           "lon": float(r["lon"]), "confidence": r["confidence"],
                           "source": r["source"]} for i, r in enumerate(docs)]
                         + [{"row": 99, "axis_id": AXIS, "date": "1945-08-12",
                             "place_reached": "no coordinates", "lat": None, "lon": None}])
    usable = pd.DataFrame([{"row": i, "quote": r["quote"], "formation": r["formation"]}
                           for i, r in enumerate(docs)])
    trace = SimpleNamespace(route_points=res.route_points, daily=res.daily[
        res.daily["formation_id"] == "fd-1"].drop(columns="formation_id"), track=res.track)
    return SimpleNamespace(axes={AXIS: SimpleNamespace(trace=trace)}, table=table,
                           inputs=SimpleNamespace(documented=SimpleNamespace(usable=usable)))


def test_comparison_map_is_offline(tmp_path):
    html = write_map(comparison_map(_comparison()), tmp_path / "map.html").read_text("utf-8")
    assert external_resources(html) == []


@pytest.mark.slow
def test_headless_chromium_draws_every_layer_without_a_script_error(tmp_path):
    browser = browser_or_skip()
    docs = _shipped_documented(AXIS)
    assert len(docs) == 2
    path = write_map(run_map(_result()), tmp_path / "map.html")
    shots = Path(os.environ.get("LOGISTICS_MAP_SCREENSHOTS", tmp_path))
    with open_page(browser, path, settle_s=1.0) as page:
        page.console_errors()
        assert page.errors == [], page.errors
        assert page.count(".leaflet-interactive") > 0
        assert page.count("path.route") == len(FORMS)
        # the slider starts on the last day: every formation's every day is drawn
        assert page.count("path.day-position") == len(FORMS) * len(DAYS)
        assert page.count("path.documented-position") == len(docs)
        assert page.count("path.objective") == 2  # fd-1's two objectives
        assert page.count(".day-slider input[type=range]") == 1
        rail = page.run("return document.querySelectorAll("
                        "'.leaflet-overlay-pane path.leaflet-interactive').length")
        assert rail > len(FORMS) * (1 + len(DAYS)) + len(docs)  # railways and regions drawn too
        page.screenshot(shots / "run-map.png")
        # day 1: one position per formation, nothing later
        page.run("var s = document.querySelector('.day-slider input'); s.value = 0;"
                 "s.dispatchEvent(new Event('input'));")
        assert page.count("path.day-position") == len(FORMS)
        assert "09 Aug 1945" in page.run("return document.querySelector('.day-slider').innerText")
        # a documented position's popup gives its source and quote
        page.run("document.querySelector('path.documented-position')"
                 ".dispatchEvent(new MouseEvent('click', {bubbles: true}));")
        text = page.run("var p = document.querySelector('.leaflet-popup-content');"
                        "return p ? p.innerText : '';")
        assert any(d["source"][:40] in text and d["quote"][:40] in text for d in docs), text
        page.screenshot(shots / "run-map-popup.png")
        assert page.console_errors() == []

    comp = write_map(comparison_map(_comparison()), tmp_path / "compare.html")
    with open_page(browser, comp, settle_s=1.0) as page:
        assert page.errors == [], page.errors
        assert page.count("path.route") == 1
        assert page.count("path.day-position") == len(DAYS)
        assert page.count("path.documented-position") == len(docs)
        page.screenshot(shots / "compare-map.png")


def test_run_map_keys_each_formation_colour_and_draws_the_headline_thick(tmp_path):
    """The PNG map has a legend and a thick headline route; the HTML map had neither, so a
    reader could not tell the formations apart and the headline hid under a route on the same
    line (6GTA: fd-5gtc under 5gtc)."""
    res = _result()
    res.summary = {"formation_id": "rd-94"}
    html = write_map(run_map(res), tmp_path / "map.html").read_text(encoding="utf-8")
    key = html[html.index('class="map-legend"'):]
    key = key[:key.index("</div>\n")] if "</div>\n" in key else key[:4000]
    for fid in FORMS:
        assert fid in key
    assert "rd-94 (headline)" in key
    # folium writes each route's options: the headline's weight is the thick one, drawn first
    first = html.index('"weight": 6')
    assert html.count('"weight": 6') == 1 and first < html.index('"weight": 3')


def test_comparison_map_keys_each_axis_colour(tmp_path):
    html = write_map(comparison_map(_comparison()), tmp_path / "map.html").read_text("utf-8")
    key = html[html.index('class="map-legend"'):]
    assert AXIS in key[:key.index("</div>\n")]
