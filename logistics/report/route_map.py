"""Draw on the base map: a multimodal route (legs coloured by mode, transfers) or a network.

``route_map(route, network)`` and ``network_map(network)`` return matplotlib Figures (Agg
canvas, no display) drawn on ``logistics.report.basemap.base_map``.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
from matplotlib.lines import Line2D

from logistics.network.multimodal import MultiRoute

__all__ = ["MODE_STYLE", "route_map", "route_bbox", "network_map"]

#: Line style per leg mode; transfers are drawn as markers.
MODE_STYLE: dict[str, dict] = {
    "rail": {"color": "#b2182b", "lw": 2.6, "ls": "-"},
    "road": {"color": "#2166ac", "lw": 2.4, "ls": "-"},
    "cross-country": {"color": "#1b7837", "lw": 2.2, "ls": "--"},
}


def route_bbox(route: MultiRoute, pad_frac: float = 0.12,
               min_pad_deg: float = 0.3) -> tuple[float, float, float, float]:
    """Lon/lat box round every leg, padded by ``pad_frac`` of its size (at least min_pad_deg)."""
    from logistics import settings

    xs, ys = [], []
    for leg in route.legs:
        coords = np.asarray(leg.geometry.coords)
        xs.extend(coords[:, 0])
        ys.extend(coords[:, 1])
    w, e, s, n = min(xs), max(xs), min(ys), max(ys)
    px = max((e - w) * pad_frac, min_pad_deg)
    py = max((n - s) * pad_frac, min_pad_deg)
    tw, ts, te, tn = settings.THEATRE_BBOX
    return (max(tw, w - px), max(ts, s - py), min(te, e + px), min(tn, n + py))


def route_map(route: MultiRoute, network: nx.MultiDiGraph | None = None, *,
              resolution_m: float | None = None):
    """The route on the base map, with the network's rail lines underneath -> Figure."""
    from logistics.report.basemap import base_map, legend_beside, plot_lonlat

    title = (f"{' -> '.join(route.places)}: {route.vehicle}, mode {route.mode} "
             f"({route.distance_km:.0f} km, {route.time_h:.1f} h, {route.fuel_l:.0f} L)")
    fig, ax = base_map(route_bbox(route), resolution_m=resolution_m, title=title)
    if network is not None:
        for _, _, data in network.edges(data=True):
            if data.get("mode") == "rail":
                x, y = data["geometry"].xy
                ax.plot(x, y, color="#333333", lw=1.0, ls="-", alpha=0.55, zorder=4)
    handles = [Line2D([], [], color="#333333", lw=1.0, alpha=0.55, label="railway 1945")]
    for mode, style in MODE_STYLE.items():
        used = [leg for leg in route.legs if leg.mode == mode]
        for leg in used:
            lon, lat = leg.geometry.xy
            plot_lonlat(ax, lon, lat, zorder=6, solid_capstyle="round", **style)
        if used:
            handles.append(Line2D([], [], label=mode, **style))
    transfers = [leg for leg in route.legs if leg.mode not in MODE_STYLE]
    for leg in transfers:
        plot_lonlat(ax, [leg.geometry.x], [leg.geometry.y], marker="s", ms=6, color="white",
                    mec="black", mew=1.2, zorder=7)
    if transfers:
        handles.append(Line2D([], [], marker="s", ms=6, color="white", mec="black", ls="",
                              label="entrain / detrain / join"))
    for lon, lat in (route.legs[0].geometry.coords[0], route.legs[-1].geometry.coords[-1]):
        plot_lonlat(ax, [lon], [lat], marker="o", ms=8, color="black", zorder=8)
    legend_beside(ax, handles)
    return fig


def network_map(network: nx.MultiDiGraph, *, bbox=None, resolution_m: float | None = None,
                title: str = "Railways of Manchuria, August 1945 (digitised; see "
                             "configs/network/README.md)"):
    """The rail network on the base map: solid lines, dashed where the reference marks them
    unverified, 1,520 mm lines in another colour, stations as dots -> Figure."""
    from logistics.report.basemap import base_map, legend_beside

    fig, ax = base_map(bbox, resolution_m=resolution_m, title=title, labels=False)
    styles = {("1435", False): dict(color="#111111", lw=1.4, ls="-"),
              ("1435", True): dict(color="#111111", lw=1.4, ls=(0, (4, 2))),
              ("1520", False): dict(color="#b2182b", lw=1.4, ls="-"),
              ("1520", True): dict(color="#b2182b", lw=1.4, ls=(0, (4, 2)))}
    for _, _, data in network.edges(data=True):
        if data.get("mode") == "rail":
            key = (str(data.get("gauge", "1435")), data.get("unverified") == "yes")
            x, y = data["geometry"].xy
            ax.plot(x, y, zorder=5, **styles.get(key, styles[("1435", False)]))
    for _, d in network.nodes(data=True):
        if d.get("railway") == "station":
            ax.plot(d["x"], d["y"], "o", ms=2.8, color="white", mec="#111111", mew=0.8,
                    zorder=6)
            ax.annotate(d.get("name:1945") or d.get("name", ""), (d["x"], d["y"]),
                        xytext=(3, 2), textcoords="offset points", fontsize=4.5, zorder=7)
    handles = [Line2D([], [], label=lab, **styles[key]) for key, lab in (
        (("1435", False), "railway 1,435 mm"), (("1435", True), "unverified (reference)"),
        (("1520", False), "Soviet 1,520 mm"))]
    handles.append(Line2D([], [], marker="o", ms=3, color="white", mec="#111111", ls="",
                          label="station (1945 name)"))
    legend_beside(ax, handles)
    return fig
