"""The base map on the synthetic layers: metric axes, layers, labels, lon/lat overlay."""

from __future__ import annotations

import io

import matplotlib
import numpy as np
import pytest

from logistics.errors import ExtentError
from logistics.report.basemap import base_map, plot_lonlat
from logistics.terrain import to_metric
from logistics.terrain.grid import metric_grid


def _texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def test_axes_are_metric_and_layers_drawn(synthetic):
    backend = matplotlib.get_backend()
    fig, ax = base_map(synthetic.box, resolution_m=2000)
    assert matplotlib.get_backend() == backend  # no global backend switch
    x0, y0, x1, y1 = metric_grid(synthetic.box, 2000).bounds_m
    assert ax.get_xlim() == pytest.approx((x0, x1)) and ax.get_ylim() == pytest.approx((y0, y1))
    assert len(ax.images) == 1
    assert ax.get_legend() is not None
    title = ax.get_title(loc="left")
    assert "45.05" in title and "46.45" in title
    texts = _texts(ax)
    assert "Wangyemiao" in texts  # a default campaign label (1945 name)
    assert "Tuquan" in texts  # close-ups label every gazetteer place inside
    assert "Harbin" not in texts  # outside the box
    assert any(t.endswith("km") for t in texts) and "N" in texts  # scale bar, north arrow
    assert any("GeoNames" in t for t in texts)  # credits
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=40)
    assert buf.getvalue()[:4] == b"\x89PNG"


def test_labels_off_and_own_places(synthetic):
    _, ax = base_map(synthetic.box, resolution_m=4000, labels=False, title="", legend=False)
    assert "Wangyemiao" not in _texts(ax)
    assert ax.get_title(loc="left") == "" and ax.get_legend() is None
    _, ax = base_map(synthetic.box, resolution_m=4000, places=["46.0,122.0"])
    assert "46.0000, 122.0000" in _texts(ax) and "Wangyemiao" not in _texts(ax)


def test_plot_lonlat_and_existing_axes(synthetic):
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.add_subplot()
    fig2, ax2 = base_map(synthetic.box, ax=ax, resolution_m=4000, labels=False)
    assert fig2 is fig and ax2 is ax
    (line,) = plot_lonlat(ax, [121.5, 122.5], [45.5, 46.0], color="red")
    x, y = to_metric(np.array([121.5, 122.5]), np.array([45.5, 46.0]))
    np.testing.assert_allclose(line.get_xdata(), x)
    np.testing.assert_allclose(line.get_ydata(), y)


def test_bad_box(synthetic):
    with pytest.raises(ExtentError):
        base_map((123.0, 45.0, 121.0, 46.0))


def test_place_labels_do_not_overlap(synthetic):
    from matplotlib.text import Annotation

    # two places 400 m apart: the same label corner for both would overlap
    fig, ax = base_map(synthetic.box, resolution_m=4000, places=["46.000,122.000", "46.003,122.003"])
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in ax.texts if isinstance(t, Annotation)
             and t.get_text().startswith("46.0")]
    assert len(boxes) == 2
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b)


def _grid(z: np.ndarray):
    import xarray as xr

    from logistics.terrain.classes import TerrainClass

    cls = np.full(z.shape, int(TerrainClass.STEPPE))
    return xr.Dataset({"elevation_m": (("y", "x"), z), "terrain_class": (("y", "x"), cls)})


def test_data_extent_trims_edges_outside_the_data_only():
    """A 12 x 12 grid of 1 m cells on extent (0, 12, 0, 12): the last column and the two top
    rows' right halves hold no data; the trimmed extent drops that column and those rows and
    nothing else. A grid with no data at all is trimmed by at most a third on each side."""
    from logistics.report.basemap import _data_extent

    z = np.ones((12, 12))
    z[:, 11] = np.nan
    z[:2, 6:] = np.nan
    assert _data_extent(_grid(z), (0.0, 12.0, 0.0, 12.0)) == pytest.approx((0.0, 11.0, 0.0, 10.0))
    assert _data_extent(_grid(np.ones((12, 12))), (0.0, 12.0, 0.0, 12.0)) == (0.0, 12.0, 0.0, 12.0)
    empty = _data_extent(_grid(np.full((12, 12), np.nan)), (0.0, 12.0, 0.0, 12.0))
    assert empty == pytest.approx((4.0, 8.0, 4.0, 8.0))


def test_a_name_running_over_the_frame_is_moved_inside():
    """A region name anchored 1 % inside the top-left corner is moved until its box lies
    inside the axes (the theatre map's "U S S R" ran over the frame)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from logistics.report.basemap import _inside_frame

    fig = Figure(figsize=(4, 4), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 100)
    t = ax.text(1, 99, "U S S R", fontsize=14, ha="center", va="center")
    r = fig.canvas.get_renderer()
    frame = ax.get_window_extent(r)
    assert t.get_window_extent(r).x0 < frame.x0  # runs over the frame before
    _inside_frame(ax, t, r)
    box = t.get_window_extent(r)
    assert frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
