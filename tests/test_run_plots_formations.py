"""map.png and advance.png draw every formation of an army, not only the headline one.

A toy army of two formations on different routes (``toy_army`` in conftest): ``fa`` (the
headline) starts on the departure line (lon 121.1) and moves 30 km a day due east along 45.7 N;
``fb`` starts 0.2 deg behind the line on 45.3 N, moves 20 km a day and stands 30 hours at its
km 40 halted for lack of fuel. The figures are inspected through their artists.
"""

from __future__ import annotations

from types import SimpleNamespace

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection
from matplotlib.colors import to_rgba

import logistics.report.run_plots as rp
from logistics.geodesy import great_circle_km

_HOLD_KM, _HOLD_H, _DAYS = 40.0, 30.0, 4
_FB_LON0, _FB_LAT, _FB_KM_PER_DAY = 120.9, 45.3, 20.0
_NO_FUEL = "halted: no fuel"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")  # (the figure functions return open pyplot figures)


def _result(toy_army, order=("fa", "fb")) -> SimpleNamespace:
    """The toy run with each formation's end-of-day rows (its track at every 24 h), the
    headline's route profile and no plan or summary (objectives and summit aside)."""
    F = toy_army.Form
    forms = {"fa": F("fa", "A corps", "corps", lat=45.7, km_per_day=30.0),
             "fb": F("fb", "B division", "division", lat=_FB_LAT, lon0=_FB_LON0,
                     km_per_day=_FB_KM_PER_DAY, hold_km=_HOLD_KM, hold_h=_HOLD_H,
                     hold_status=_NO_FUEL)}
    army = toy_army.Army("TOY-1", "toy army", tuple(forms[f] for f in order), days=_DAYS)
    run = toy_army.runner(army)
    tracks = run.tracks
    ends = tracks[(tracks["time"] - toy_army.START) % pd.Timedelta(hours=24) == pd.Timedelta(0)]
    ends = ends[ends["time"] > toy_army.START]
    daily = ends.assign(date=ends["time"] - pd.Timedelta(days=1))[
        ["date", "formation_id", "lon", "lat", "cum_km", "status"]].reset_index(drop=True)
    head = order[0]
    return SimpleNamespace(
        scenario=army, formations=run.formations, tracks=tracks, routes=run.routes,
        daily=daily, headline=head, departure_line=run.departure_line,
        route_points=run.route_points.assign(elev_m=300.0), track=run.track,
        headline_daily=daily[daily["formation_id"] == head].reset_index(drop=True),
        reached=pd.DataFrame(columns=["kind", "name", "cum_km"]), plan=None,
        provenance={"waypoints": []}, summary={})


def _lines(ax) -> dict:
    return {ln.get_label(): ln for ln in ax.lines if not ln.get_label().startswith("_")}


def _offsets_of(ax, lon, lat) -> list[PathCollection]:
    """The scatter collections whose points are exactly these points."""
    want = np.column_stack([lon, lat])
    return [c for c in ax.collections if isinstance(c, PathCollection)
            and c.get_offsets().shape == want.shape and np.allclose(c.get_offsets(), want)]


def test_the_map_draws_every_formations_route_and_day_dots_in_its_colour(toy_army):
    res = _result(toy_army)
    fig = rp.map_figure(res, basemap=False)
    ax = fig.axes[0]
    lines = _lines(ax)
    fa, fb = lines["fa (headline)"], lines["fb"]
    for line, fid in ((fa, "fa"), (fb, "fb")):  # each on its own route
        r = res.routes[res.routes["formation_id"] == fid]
        np.testing.assert_allclose(line.get_xdata(), r["lon"])
        np.testing.assert_allclose(line.get_ydata(), r["lat"])
    # one colour per formation, in the scenario's order (C0, C1: fuel.png's and map.html's)
    assert to_rgba(fa.get_color()) == to_rgba("C0") and to_rgba(fb.get_color()) == to_rgba("C1")
    assert fa.get_linewidth() > fb.get_linewidth()  # the headline stands out
    for fid, line in (("fa", fa), ("fb", fb)):  # its end-of-day dots, in its colour
        d = res.daily[res.daily["formation_id"] == fid]
        assert len(d) == _DAYS
        (dots,) = _offsets_of(ax, d["lon"], d["lat"])
        assert np.allclose(dots.get_facecolor()[0], to_rgba(line.get_color()))
    # fb's day that ended halted for lack of fuel keeps a ring (hour 72: within 48-78 h)
    dry = res.daily[res.daily["status"] == _NO_FUEL]
    assert list(dry["formation_id"]) == ["fb"]
    (ring,) = _offsets_of(ax, dry["lon"], dry["lat"])
    assert np.allclose(ring.get_edgecolor()[0], to_rgba(rp._HALT_COLOURS[_NO_FUEL]))
    # the legend names every formation
    names = [t.get_text() for t in ax.get_legend().get_texts()]
    assert names[:2] == ["fa (headline)", "fb"]


def test_colours_follow_the_scenarios_formation_order(toy_army):
    ax = rp.map_figure(_result(toy_army, order=("fb", "fa")), basemap=False).axes[0]
    lines = _lines(ax)
    assert to_rgba(lines["fb (headline)"].get_color()) == to_rgba("C0")
    assert to_rgba(lines["fa"].get_color()) == to_rgba("C1")


def test_advance_draws_each_formations_depth_beyond_the_departure_line(toy_army):
    fig = rp.advance_figure(_result(toy_army))
    ax = fig.axes[0]
    lines = _lines(ax)
    fa, fb = lines["fa (headline)"], lines["fb"]
    assert fa.get_linewidth() > fb.get_linewidth()
    # fa starts on the line: depth 0; fb starts behind it by its distance to the line (lon 121.1)
    behind_km = great_circle_km(_FB_LON0, _FB_LAT, 121.1, _FB_LAT)
    assert 15.0 < behind_km < 16.5
    assert fa.get_ydata()[0] == pytest.approx(0.0, abs=1.0)
    assert fb.get_ydata()[0] == pytest.approx(-behind_km, abs=1.5)
    # ... and at the end it has moved 20 km/day for all hours but the 30 it stood: depth is that
    # less the same distance
    moved_km = _FB_KM_PER_DAY / 24.0 * (_DAYS * 24 - _HOLD_H)
    assert fb.get_ydata()[-1] == pytest.approx(moved_km - behind_km, abs=1.5)
    # fb's 30 hours halted for lack of fuel are marked, at its depth then
    (halts,) = [c for c in ax.collections if c.get_label() == f"{_NO_FUEL} (hours)"]
    assert len(halts.get_offsets()) == _HOLD_H
    np.testing.assert_allclose(halts.get_offsets()[:, 1], _HOLD_KM - behind_km, atol=1.5)
    assert "2 formations" in ax.get_title(loc="left") and "fa" in ax.get_title(loc="left")
    assert "headline's route" in fig.axes[1].get_xlabel()


def test_advance_without_a_departure_line_draws_km_along_each_route(toy_army, tmp_path):
    res = _result(toy_army)
    res.departure_line = ()
    rp.plot_advance(res, tmp_path / "advance.png")
    assert (tmp_path / "advance.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    ax = rp.advance_figure(res).axes[0]
    fb = _lines(ax)["fb"]
    assert fb.get_ydata()[0] == pytest.approx(0.0)
    assert "km along" in ax.get_ylabel()


def test_every_status_the_advance_plot_marks_is_one_the_simulation_writes():
    # a band for a status no run writes never shows; the fights at fortified regions ('assault')
    # would be missing from the plot
    from logistics.advance.simulate import STATUSES
    from logistics.report import run_plots

    assert set(run_plots._HALT_COLOURS) <= set(STATUSES)
    assert "assault" in run_plots._HALT_COLOURS


def test_advance_names_objectives_as_the_text_outputs_do():
    # the summary says "Tungliao (Tongliao)": advance.png said "Tongliao" (the file's name)
    from types import SimpleNamespace

    from logistics.report import run_plots

    plan = SimpleNamespace(formation=lambda fid: SimpleNamespace(
        objectives=((480.0, "Tongliao"), (705.0, "Shenyang"), (10.0, "depot 7"))))
    result = SimpleNamespace(plan=plan, headline="fd")
    names = [n for n, _ in run_plots._objective_kms(result)]
    assert names == ["Tungliao (Tongliao)", "Mukden (Shenyang)", "depot 7"]


def test_the_map_draws_the_context_layers_under_the_routes(toy_army):
    """A fortified region (a square round the toy routes, hatched) and a railway (verified:
    solid; unverified: dashed) handed in as context are drawn below the routes, each once in
    the legend; without context nothing of theirs is drawn."""
    import geopandas as gpd
    from matplotlib.patches import Polygon as MplPolygon
    from shapely.geometry import LineString, MultiLineString, MultiPolygon, box

    res = _result(toy_army)
    context = {
        "fortified_regions": gpd.GeoDataFrame(
            {"id": ["x"], "name": ["X"], "kind": ["fortified region"]},
            geometry=[MultiPolygon([box(121.3, 45.5, 121.6, 45.9)])], crs="EPSG:4326"),
        "railways_1945": gpd.GeoDataFrame(
            {"ref": ["R1", "R2"], "unverified": [False, True]},
            geometry=[MultiLineString([LineString([(121.0, 45.0), (122.0, 46.0)])]),
                      MultiLineString([LineString([(121.0, 46.0), (122.0, 45.0)])])],
            crs="EPSG:4326"),
    }
    ax = rp.map_figure(res, basemap=False, context=context).axes[0]
    (patch,) = [p for p in ax.patches if isinstance(p, MplPolygon)]
    np.testing.assert_allclose(patch.get_xy()[:, 0].min(), 121.3)
    np.testing.assert_allclose(patch.get_xy()[:, 1].max(), 45.9)
    assert patch.get_hatch() == "////"
    rails = [ln for ln in ax.lines if ln.get_label().startswith("_")
             and len(ln.get_xdata()) == 2 and ln.get_xdata()[0] == 121.0]
    assert len(rails) == 2
    assert sorted(ln.get_linestyle() for ln in rails) == ["-", "--"]
    route = _lines(ax)["fa (headline)"]
    assert all(ln.get_zorder() < route.get_zorder() for ln in rails)
    assert patch.get_zorder() < route.get_zorder()
    names = [t.get_text() for t in ax.get_legend().get_texts()]
    assert names.count("fortified region or field position") == 1
    assert names.count("railway 1945") == 1
    bare = rp.map_figure(res, basemap=False).axes[0]
    assert not [p for p in bare.patches if isinstance(p, MplPolygon)]
    assert "railway 1945" not in [t.get_text() for t in bare.get_legend().get_texts()]
