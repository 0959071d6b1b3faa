"""A run's map.png is laid out so nothing hides anything: the legend stands clear of the edge
labels and the data, every label lies inside the map's frame, nothing is cut at the image edge.

Checked with matplotlib's own renderer on the figure that ``plot_map`` saves (a spy on the
module's save step), on the synthetic layers, and on the saved PNG itself.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import matplotlib.image as mpimg
import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.text import Text

import logistics.report.run_plots as rp
from logistics.report.basemap import base_map

#: The graticule's edge labels of the base map ("122.5°E", "46°N"): the map's tick labels.
_EDGE_LABEL = re.compile(r"^-?\d+(\.\d+)?°[EN]$")
_LONG = "approaches to a town with a long name"  # a documented place, labelled at length


def _formation(fid: str, lon0: float, lat0: float, dlon: float, dlat: float, km_per_day: float,
               statuses):
    """One formation of the synthetic army: a straight route of ``3 * km_per_day`` km from
    (lon0, lat0) moving (dlon, dlat) degrees, set off at the end of 9 Aug (its first day-end
    row, at its start), then moving every hour; its end-of-day rows with ``statuses``."""
    km = np.linspace(0.0, 3 * km_per_day, 13)
    lon, lat = lon0 + dlon * km / km[-1], lat0 + dlat * km / km[-1]
    route = pd.DataFrame({"formation_id": fid, "cum_km": km, "lon": lon, "lat": lat,
                          "elev_m": 500.0})
    hours = np.arange(1, 97)
    cum = np.maximum(hours - 24, 0) * km_per_day / 24.0
    track = pd.DataFrame({"time": pd.Timestamp("1945-08-09") + pd.to_timedelta(hours, "h"),
                          "formation_id": fid, "cum_km": cum, "lon": np.interp(cum, km, lon),
                          "lat": np.interp(cum, km, lat),
                          "status": np.where(hours <= 24, "not started", "moving")})
    daily = pd.DataFrame({"date": pd.date_range("1945-08-09", periods=4), "formation_id": fid,
                          "lon": lon[[0, 4, 8, 12]], "lat": lat[[0, 4, 8, 12]],
                          "cum_km": km[[0, 4, 8, 12]], "status": statuses})
    return route, track, daily


def _result() -> SimpleNamespace:
    """A run of two formations across the synthetic layers (121-123 E, 45-46.5 N): the headline
    heading east-north-east (with the map's 0.6 deg pad the map spans the layers' load box), a
    second one north of it on a shorter line east, both from a departure line at 121.65 E."""
    parts = [_formation("syn-a", 121.65, 45.65, 0.7, 0.2, 20.0,
                        ["moving", "moving", "moving", "halted: no fuel"]),
             _formation("syn-b", 121.65, 45.75, 0.4, 0.05, 11.0, ["moving"] * 4)]
    routes, tracks, daily = (pd.concat(p, ignore_index=True) for p in zip(*parts))
    head = daily["formation_id"] == "syn-a"
    return SimpleNamespace(
        scenario=SimpleNamespace(axis_id="SYN-1", name="synthetic army"),
        formations=pd.DataFrame({"formation_id": ["syn-a", "syn-b"], "name": ["A", "B"],
                                 "kind": "corps"}),
        routes=routes, tracks=tracks, daily=daily, headline="syn-a",
        departure_line=((121.65, 45.5), (121.65, 46.0)),
        route_points=routes[routes["formation_id"] == "syn-a"].drop(columns="formation_id"),
        track=tracks[tracks["formation_id"] == "syn-a"].drop(columns="formation_id"),
        headline_daily=daily[head].reset_index(drop=True),
        deliveries=pd.DataFrame(), reached=pd.DataFrame(columns=["kind", "name", "cum_km"]),
        provenance={"waypoints": [("Startville", 121.65, 45.65), ("Endburg", 122.35, 45.85)]},
        summary={"highest": {"lon": 122.0, "lat": 45.75, "elev_m": 812.0, "cum_km": 30.0}})


def _documented() -> pd.DataFrame:
    """Three places reached at the route's east end: one label of about 90 characters whose
    anchor is 0.6 deg (about 47 km, a third of the label's length on the page) from the east
    edge, so written rightward it would run past the frame."""
    return pd.DataFrame({
        "lon": [122.35, 122.35, 122.35], "lat": [45.85, 45.85, 45.85],
        "place_reached": [_LONG, "the same town (taken)", "its railway station (east)"],
        "date": pd.to_datetime(["1945-08-10", "1945-08-11", "1945-08-12"])})


@pytest.fixture
def saved(monkeypatch):
    """``draw(basemap, path)`` -> the figure ``plot_map`` saved to ``path``."""
    figures = []
    real = rp._save

    def spy(fig, path, *args, **kwargs):
        figures.append(fig)
        real(fig, path, *args, **kwargs)

    monkeypatch.setattr(rp, "_save", spy)

    def draw(basemap: bool, path):
        rp.plot_map(_result(), path, basemap=basemap, documented=_documented())
        assert len(figures) == 1
        fig = figures.pop()
        FigureCanvasAgg(fig)  # (pyplot's figure lost its canvas when closed)
        fig.canvas.draw()  # lay it out as saved, for the extents below
        return fig

    return draw


def _texts(fig) -> list[Text]:
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def _tick_labels(ax) -> list[Text]:
    """The tick labels drawn: matplotlib's (plain lon/lat map) and the graticule's edge labels
    (base map, whose axes have no ticks)."""
    ticks = [t for t in ax.get_xticklabels() + ax.get_yticklabels() if t.get_text()]
    return ticks + [t for t in ax.texts if _EDGE_LABEL.match(t.get_text())]


def _inside(box, frame, tol_px: float = 0.5) -> bool:
    return (box.x0 >= frame.x0 - tol_px and box.x1 <= frame.x1 + tol_px
            and box.y0 >= frame.y0 - tol_px and box.y1 <= frame.y1 + tol_px)


def _data_points_px(ax) -> np.ndarray:
    """Display coordinates of the plotted marks: route, waypoints, end-of-day points, documented
    positions, summit, place dots (the base map's graticule and waterways aside)."""
    pts = [ax.transData.transform(np.column_stack(ln.get_data())) for ln in ax.lines
           if ln.get_zorder() >= 5]
    pts += [ax.transData.transform(c.get_offsets()) for c in ax.collections
            if isinstance(c, PathCollection)]
    return np.concatenate(pts)


@pytest.mark.parametrize("basemap", [True, False], ids=["base map", "plain lon/lat"])
def test_the_legend_covers_no_tick_label_no_label_and_no_data(synthetic, saved, tmp_path, basemap):
    fig = saved(basemap, tmp_path / "map.png")
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    legend = ax.get_legend().get_window_extent(renderer)
    ticks = _tick_labels(ax)
    assert len(ticks) >= 4  # the check below is not vacuous
    for t in ticks + list(ax.texts):
        assert not legend.overlaps(t.get_window_extent(renderer)), t.get_text()
    xy = _data_points_px(ax)
    assert len(xy) > 15
    covered = ((xy[:, 0] > legend.x0) & (xy[:, 0] < legend.x1)
               & (xy[:, 1] > legend.y0) & (xy[:, 1] < legend.y1))
    assert not covered.any(), xy[covered]


@pytest.mark.parametrize("basemap", [True, False], ids=["base map", "plain lon/lat"])
def test_every_label_on_the_map_lies_inside_its_frame(synthetic, saved, tmp_path, basemap):
    fig = saved(basemap, tmp_path / "map.png")
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    # the texts placed on the map (data coordinates); the credits line stands under the frame
    labels = [t for t in ax.texts if t.get_transform() != ax.transAxes]
    assert len(labels) >= 6
    assert any(_LONG.split()[0] in t.get_text() for t in labels)  # the long label is drawn
    # the plain map names the waypoints; the base map names its gazetteer places instead
    assert any(t.get_text() == "Endburg" for t in labels) == (not basemap)
    outside = [t.get_text() for t in labels if not _inside(t.get_window_extent(renderer), frame)]
    assert outside == []


def test_nothing_is_cut_at_the_edge_of_the_image(synthetic, saved, tmp_path):
    fig = saved(True, tmp_path / "map.png")
    png = mpimg.imread(tmp_path / "map.png")
    renderer = fig.canvas.get_renderer()
    # the image holds every text at the size drawn (to a pixel of rounding) ...
    union = [t.get_window_extent(renderer) for t in _texts(fig)]
    scale = rp._DPI / fig.dpi  # the PNG's pixels per pixel of the figure measured
    width = (max(b.x1 for b in union) - min(b.x0 for b in union)) * scale
    height = (max(b.y1 for b in union) - min(b.y0 for b in union)) * scale
    assert png.shape[1] >= width - 1 and png.shape[0] >= height - 1
    # ... and its outer ring of pixels is bare page: nothing runs off it
    ring = np.concatenate([png[:3].reshape(-1, 4), png[-3:].reshape(-1, 4),
                           png[:, :3].reshape(-1, 4), png[:, -3:].reshape(-1, 4)])
    assert np.all(ring[:, :3] == 1.0)


def test_the_map_is_byte_identical_when_drawn_again(synthetic, tmp_path):
    for name in ("a.png", "b.png"):
        rp.plot_map(_result(), tmp_path / name, documented=_documented())
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()


@pytest.mark.parametrize("lat, lon", [(45.75, 122.92), (46.44, 122.0), (46.44, 122.92),
                                      (45.3, 121.07)], ids=["east", "north", "north-east", "west"])
def test_a_place_near_the_frame_is_labelled_inside_it(synthetic, lat, lon):
    # the place 1-3 km inside an edge: its label (about 70 pt, 17 km) written the default way,
    # right of and above the dot, would run past the east or north edge (west: it stays right)
    fig, ax = base_map(synthetic.box, resolution_m=4000, places=[f"{lat},{lon}"], legend=False)
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    (label,) = [t for t in ax.texts if t.get_text() == f"{lat:.4f}, {lon:.4f}"]
    assert _inside(label.get_window_extent(renderer), frame)


def test_a_run_label_moves_inside_the_frame_and_a_point_outside_gets_none():
    fig = Figure(figsize=(4, 3), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.1, 0.1, 0.8, 0.8))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    texts = ["in the middle", "a label too long to fit right of its point", "beyond the edge"]
    rp._place_texts(ax, texts, (np.array([5.0, 9.8, 10.5]), np.array([5.0, 9.9, 5.0])),
                    dict(fontsize=7, ha="left", va="bottom"))
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    drawn = {t.get_text(): t for t in ax.texts}
    assert set(drawn) == set(texts[:2])
    for t in drawn.values():
        assert _inside(t.get_window_extent(renderer), frame), t.get_text()
    # the long label was turned to the left of its point (which is 0.2 of 10 from the edge)
    assert drawn[texts[1]].get_window_extent(renderer).x1 < ax.transData.transform((9.8, 9.9))[0]


@pytest.mark.parametrize("basemap", [True, False], ids=["base map", "plain lon/lat"])
def test_only_the_headline_days_are_labelled_and_every_formation_is_in_the_legend(
        synthetic, saved, tmp_path, basemap):
    fig = saved(basemap, tmp_path / "map.png")
    ax = fig.axes[0]
    res = _result()
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[:2] == ["syn-a (headline)", "syn-b"]
    day = re.compile(r"^\d\d(-\d\d)? Aug$")
    labels = [t for t in ax.texts if day.match(t.get_text())]
    assert labels  # (the check below is not vacuous)
    tx = rp._metric if basemap else rp._identity
    heads = np.column_stack(tx(res.headline_daily["lon"].to_numpy(float),
                               res.headline_daily["lat"].to_numpy(float)))
    for t in labels:  # each anchored at one of the headline's end-of-day points
        assert np.isclose(heads, np.asarray(t.xy, float)).all(axis=1).any(), t.get_text()


def test_the_base_map_key_stands_under_the_legend_beside_the_map(synthetic, saved, tmp_path):
    """The shaded 1945 marsh, the wetland and the forest were drawn with no key: a reader could
    not tell the wide blue ground of the Sanjiang plain from a lake."""
    from matplotlib.legend import Legend

    fig = saved(True, tmp_path / "map.png")
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    run_legend = ax.get_legend()
    keys = [a for a in ax.get_children() if isinstance(a, Legend) and a is not run_legend]
    assert len(keys) == 1
    labels = [t.get_text() for t in keys[0].get_texts()]
    assert "marsh 1945 on 2019 cropland (reconstructed)" in labels and "0 m" in labels
    key = keys[0].get_window_extent(renderer)
    assert not key.overlaps(ax.get_window_extent(renderer))  # beside the map
    assert not key.overlaps(run_legend.get_window_extent(renderer))
    assert key.y1 <= run_legend.get_window_extent(renderer).y0  # under the run's legend
    # the plain lon/lat map has no base map, so no key
    fig = saved(False, tmp_path / "plain.png")
    assert not [a for a in fig.axes[0].get_children()
                if isinstance(a, Legend) and a is not fig.axes[0].get_legend()]


def test_a_run_label_keeps_clear_of_a_place_name_at_its_point():
    """The 6th GTA's map printed "17-26 Aug" 1.5 pt under "Mukden (Shenyang)": the two halos
    touched and read as one label. A run label now keeps rp._TEXT_CLEAR_PT from every text."""
    fig = Figure(figsize=(4, 3), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.1, 0.1, 0.8, 0.8))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    place = ax.annotate("Mukden (Shenyang)", (5.0, 5.0), xytext=(4, 3), textcoords="offset points",
                        fontsize=7.5, ha="left")  # as the base map labels a place
    rp._place_texts(ax, ["17-26 Aug"], (np.array([5.0]), np.array([5.0])),
                    dict(fontsize=7, ha="left", va="bottom"))
    renderer = fig.canvas.get_renderer()
    (day,) = [t for t in ax.texts if t.get_text() == "17-26 Aug"]
    a, b = place.get_window_extent(renderer), day.get_window_extent(renderer)
    to_pt = 72.0 / fig.dpi
    gap_x = max(a.x0 - b.x1, b.x0 - a.x1) * to_pt
    gap_y = max(a.y0 - b.y1, b.y0 - a.y1) * to_pt
    assert max(gap_x, gap_y) >= 2.0  # two 1 pt halos apart (main: 1.2 pt)
