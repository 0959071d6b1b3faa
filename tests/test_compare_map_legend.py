"""The comparison map keeps its legend beside the terrain: a legend of every formation inside the
map had covered the eastern axes (the 1st Far Eastern Front's routes and documented places)."""

from __future__ import annotations

from types import SimpleNamespace

import matplotlib
import numpy as np
import pandas as pd

from logistics.report.compare_plots import plot_positions_map


def _axis(lon0: float, lat0: float, fids: list[str]) -> SimpleNamespace:
    routes = {fid: pd.DataFrame({"lon": lon0 + np.linspace(0, 1.5, 5) + 0.1 * k,
                                 "lat": lat0 + np.linspace(0, 0.8, 5)})
              for k, fid in enumerate(fids)}
    trace = SimpleNamespace(routes=pd.concat(routes.values()), formation_ids=fids,
                            route_of=routes.__getitem__)
    return SimpleNamespace(trace=trace)


def test_the_legend_lies_beside_the_map_and_names_every_formation():
    # twelve formations on two axes, one of them in the map's north-east corner, where the
    # legend sat
    west = [f"w{i}" for i in range(6)]
    east = [f"e{i}" for i in range(6)]
    comparison = SimpleNamespace(
        axes={"WEST": _axis(120.0, 44.0, west), "EAST": _axis(129.5, 46.0, east)},
        table=pd.DataFrame({"axis_id": ["WEST", "EAST"], "lon": [121.0, 130.5],
                            "lat": [44.5, 46.6], "modeled_lon": [121.2, 130.4],
                            "modeled_lat": [44.6, 46.5]}))
    fig = plot_positions_map(comparison, resolution_m=25000)
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    map_box = ax.get_window_extent(renderer)
    legends = [c for c in ax.get_children() if isinstance(c, matplotlib.legend.Legend)]
    assert legends
    for legend in legends:
        assert not legend.get_window_extent(renderer).overlaps(map_box)
    labels = {t.get_text() for legend in legends for t in legend.get_texts()}
    assert {f"WEST {f}" for f in west} | {f"EAST {f}" for f in east} <= labels
    assert {"documented place", "matched formation, end of that day"} <= labels
    assert "major river (WDBII 1)" in labels  # the base map's entries stay
    # the theatre's context under the routes: the east axis's box holds railways and the
    # Mishan, Hutou and Pogranichnaya regions (report.context_layers), each keyed once
    assert {"fortified region or field position", "railway 1945"} <= labels
    routes = [ln for ln in ax.lines if ln.get_label().startswith(("WEST ", "EAST "))]
    hatched = [p for p in ax.patches if p.get_hatch() == "////"]
    assert routes and hatched
    assert min(r.get_zorder() for r in routes) > max(p.get_zorder() for p in hatched)
