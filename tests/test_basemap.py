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
