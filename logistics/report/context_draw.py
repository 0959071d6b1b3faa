"""Draw the theatre's context layers (``report.context_layers``) on a map's axes: the fortified
regions hatched, the 1945 railways as thin dark lines, under the routes. One drawing for the run
map (``run_plots.map_figure``) and the comparison map (``compare_plots.plot_positions_map``)."""

from __future__ import annotations

import numpy as np

__all__ = ["draw_context"]


def draw_context(ax, tx, context: dict) -> list:
    """Draw the context layers (``fortified_regions`` hatched dark red, ``railways_1945`` as
    thin dark lines, dashed where the reference marks a line unverified) under the routes;
    return their legend proxies (one per layer that has a feature in the map's frame). ``tx``
    maps lon/lat arrays to the axes' coordinates. The run map and the comparison map use it."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.patches import Polygon as MplPolygon

    proxies = []
    regions = context.get("fortified_regions")
    if regions is not None and len(regions):
        for geom in regions.geometry:
            for poly in getattr(geom, "geoms", [geom]):
                x, y = tx(*(np.asarray(c, float) for c in poly.exterior.xy))
                ax.add_patch(MplPolygon(np.column_stack([x, y]), closed=True, zorder=4,
                                        facecolor=(0.55, 0.0, 0.0, 0.10), edgecolor="#8b0000",
                                        hatch="////", linewidth=0.7))
        proxies.append(Patch(facecolor=(0.55, 0.0, 0.0, 0.10), edgecolor="#8b0000",
                             hatch="////", label="fortified region or field position"))
    rail = context.get("railways_1945")
    if rail is not None and len(rail):
        for geom, unverified in zip(rail.geometry, rail["unverified"]):
            for line in getattr(geom, "geoms", [geom]):
                x, y = tx(*(np.asarray(c, float) for c in line.xy))
                ax.plot(x, y, color="#333333", lw=0.9, ls=(0, (4, 2)) if unverified else "-",
                        zorder=4.5)
        proxies.append(Line2D([], [], color="#333333", lw=0.9, label="railway 1945"))
    return proxies
