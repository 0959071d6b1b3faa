"""Plots of a run: map.png (every formation's route and daily positions), advance.png (every
formation's depth beyond the departure line vs date), fuel.png.

Each function takes a :class:`~logistics.runner.RunResult` and a file path and writes
one PNG (Agg backend, fixed size and dpi, no timestamp in the metadata, so reruns are
byte-identical; map.png is cropped to what is drawn, so its size follows the map's shape).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from logistics import settings  # noqa: E402
from logistics.report.compare_plots import place_label  # noqa: E402
from logistics.report.daylabels import day_spans, place_labels  # noqa: E402
from logistics.army.fortified import BREACH_WAIT_STATUS, IN_DEPTH_STATUS  # noqa: E402
from logistics.report.colours import STATUS_COLOURS  # noqa: E402
from logistics.report.run_layers import formation_views, run_config_dir  # noqa: E402

__all__ = ["plot_map", "map_figure", "plot_advance", "advance_figure", "plot_fuel", "fuel_figure"]

_DPI = 120
_META = {"Software": None}
_NO_FUEL = "halted: no fuel"
#: Hours drawn as a band behind a formation's line on advance.png (statuses of
#: ``logistics.advance.simulate.STATUSES``): out of fuel, fighting at a fortified region, and
#: held at a depth's edge until the army's breach opens.
_HALT_COLOURS = {s: STATUS_COLOURS[s] for s in (_NO_FUEL, IN_DEPTH_STATUS, BREACH_WAIT_STATUS)}
_KIND_COLOURS = {"truck": "#1f77b4", "river": "#17becf", "air": "#ff7f0e", "depot": "#2ca02c"}
#: Line widths (points) of a formation's route or track: the headline's stands out.
_LW_HEADLINE, _LW_OTHER = 2.4, 1.1


@dataclass(frozen=True)
class _Formation:
    """One formation as the run plots draw it: its id, colour (matplotlib's ``C0``, ``C1``, ...
    in the scenario's formation order: the colours of fuel.png, and of map.html's tab10 palette),
    whether it is the headline, and its planned ``route`` (``cum_km, lon, lat``), ``daily`` and
    hourly ``track`` rows."""

    formation_id: str
    colour: str
    headline: bool
    route: pd.DataFrame
    daily: pd.DataFrame
    track: pd.DataFrame


def _formations(result) -> list[_Formation]:
    """Every formation of ``result`` in the scenario's order (``formations`` table), read through
    the run layers' one per-formation view (``run_layers.formation_views``, which map.html
    draws too); the headline is ``result.headline``, else the first."""
    v = formation_views(result)
    ids = list(dict.fromkeys(v["formations"]["formation_id"]))
    head = getattr(result, "headline", "") or (ids[0] if ids else "")
    return [_Formation(fid, f"C{i % 10}", fid == head,
                       _rows(v["routes"], fid), _rows(v["daily"], fid), _rows(v["tracks"], fid))
            for i, fid in enumerate(ids)]


def _rows(frame: pd.DataFrame, fid: str) -> pd.DataFrame:
    return frame[frame["formation_id"] == fid].reset_index(drop=True)


def _save(fig, path: Path, **kwargs) -> None:
    fig.savefig(path, dpi=_DPI, metadata=_META, **kwargs)
    plt.close(fig)


def _tight(fig) -> None:
    """``fig.tight_layout()`` where it fits: the legend of hundreds of formations is taller than
    the figure, and matplotlib then keeps the layout as it is with a UserWarning on stderr."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Tight layout not applied",
                                category=UserWarning)
        fig.tight_layout()


def _title(result) -> str:
    sc = result.scenario
    return f"{sc.axis_id}: {sc.name}"


def plot_map(result, path: str | Path, *, basemap: bool = True,
             documented: pd.DataFrame | None = None, context: dict | None = None) -> None:
    """Write :func:`map_figure` as a PNG, cropped to what is drawn (the legend beside the map
    included)."""
    _save(map_figure(result, basemap=basemap, documented=documented, context=context),
          Path(path), bbox_inches="tight", pad_inches=0.08)


def map_figure(result, *, basemap: bool = True, documented: pd.DataFrame | None = None,
               context: dict | None = None):
    """Base map, every formation's planned route and its position at the end of each day.

    One colour per formation (thin route, small dots at its end-of-day positions, a ring where
    it stood halted for lack of fuel), in the scenario's formation order; the headline
    formation's route is drawn thicker and only its days are labelled by date (labels for
    every formation would bury the map). On the project base map (``logistics.report.basemap``,
    metric axes) positions are projected to ``METRIC_CRS``; without it (``basemap=False`` or
    unavailable) a plain lon/lat plot is drawn. ``documented`` (rows of a documented-advances
    file for this axis: ``lon``, ``lat``, ``place_reached``, ``date``) adds the documented
    positions, labelled by place and date. ``context`` (``report.context_layers.context_layers``:
    ``fortified_regions``, ``railways_1945``) draws the fortified regions (hatched) and the
    1945 railways under the routes. The legend (an entry per formation) stands beside
    the axes, so it covers neither the data nor the edge labels, with the base map's layer key
    under it; every label lies inside the map's frame. Returns the figure (its layout final).
    """
    import matplotlib.patheffects as pe
    from matplotlib.lines import Line2D

    forms = _formations(result)
    head = next((f for f in forms if f.headline), None)
    doc = (documented.dropna(subset=["lon", "lat"]) if documented is not None
           else pd.DataFrame(columns=["lon", "lat", "place_reached", "date"]))
    pad = 0.6
    all_lon = np.concatenate([f.route["lon"].to_numpy(float) for f in forms]
                             + [f.daily["lon"].to_numpy(float) for f in forms]
                             + [doc["lon"].to_numpy(float)])
    all_lat = np.concatenate([f.route["lat"].to_numpy(float) for f in forms]
                             + [f.daily["lat"].to_numpy(float) for f in forms]
                             + [doc["lat"].to_numpy(float)])
    extent = (all_lon.min() - pad, all_lat.min() - pad, all_lon.max() + pad, all_lat.max() + pad)
    tw, ts, te, tn = settings.THEATRE_BBOX  # the base map's data: a position near its edge
    framed = (max(tw, extent[0]), max(ts, extent[1]), min(te, extent[2]), min(tn, extent[3]))
    fig, ax, tx = ((*_base_map(framed, config_dir=run_config_dir(result)), _metric) if basemap
                   else (None, None, None))
    if ax is None:
        fig, ax = plt.subplots(figsize=(8, 7), dpi=_DPI)
        tx = _identity
        ax.set_xlim(extent[0], extent[2])
        ax.set_ylim(extent[1], extent[3])
        ax.set_aspect(1.0 / np.cos(np.deg2rad(np.mean(all_lat))))
        ax.grid(alpha=0.3)
        ax.set_xlabel("longitude (deg E)")
        ax.set_ylabel("latitude (deg N)")
    extras = []  # legend entries of the marks (proxies: one entry however many formations)
    from logistics.report.context_draw import draw_context

    extras += draw_context(ax, tx, context or {})
    for f in forms:  # the headline's route on top of the others; a white casing under each
        lw = _LW_HEADLINE if f.headline else _LW_OTHER  # keeps it readable on rivers and marsh
        ax.plot(*tx(f.route["lon"].to_numpy(float), f.route["lat"].to_numpy(float)),
                color=f.colour, lw=lw, zorder=5.5 if f.headline else 5,
                path_effects=[pe.Stroke(linewidth=lw + 1.6, foreground="white", alpha=0.8),
                              pe.Normal()],
                label=f"{f.formation_id} (headline)" if f.headline else f.formation_id)
    waypoints = result.provenance.get("waypoints", [])
    for _, wlon, wlat in waypoints:
        ax.plot(*tx(wlon, wlat), "s", color="black", ms=5, zorder=6)
    days_xy = {f.formation_id: tx(f.daily["lon"].to_numpy(float), f.daily["lat"].to_numpy(float))
               for f in forms}
    for f in (f for f in forms if len(f.daily)):
        ax.scatter(*days_xy[f.formation_id], color=f.colour, s=22 if f.headline else 14,
                   zorder=8.5 if f.headline else 8, edgecolor="white", linewidth=0.5)
    if any(len(f.daily) for f in forms):
        extras.append(Line2D([], [], marker="o", ls="", color="0.45", mec="white", ms=5,
                             label="end of day (the formation's colour)"))
    dry = [(f, (f.daily["status"] == _NO_FUEL).to_numpy()) for f in forms if len(f.daily)]
    if any(m.any() for _, m in dry):
        x = np.concatenate([np.asarray(days_xy[f.formation_id][0], float)[m] for f, m in dry])
        y = np.concatenate([np.asarray(days_xy[f.formation_id][1], float)[m] for f, m in dry])
        ax.scatter(x, y, s=70, facecolors="none", edgecolors=_HALT_COLOURS[_NO_FUEL],
                   linewidths=1.4, zorder=9)
        extras.append(Line2D([], [], marker="o", ls="", mfc="none", ms=8, mew=1.4,
                             mec=_HALT_COLOURS[_NO_FUEL], label="day mostly halted: no fuel"))
    if len(doc):
        dx, dy = tx(doc["lon"].to_numpy(float), doc["lat"].to_numpy(float))
        ax.plot(dx, dy, "D", color="#ff7f0e", mec="black", ms=6, ls="", zorder=10,
                label="documented position (configs/history)")
    hi = result.summary.get("highest")
    if hi:
        whose = " (headline's route)" if len(forms) > 1 else ""
        ax.plot(*tx(hi["lon"], hi["lat"]), "^", color="#8c564b", ms=8, zorder=9,
                label=f"highest point {hi['elev_m']:.0f} m{whose}")
    # beside the axes, top: inside it would cover the route or the graticule's edge labels
    handles, labels = ax.get_legend_handles_labels()
    n = len(forms)
    ax.legend(handles[:n] + extras + handles[n:], labels[:n] + [e.get_label() for e in extras]
              + labels[n:], loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0,
              fontsize=7, title="planned routes (thick: headline)", title_fontsize=7,
              alignment="left")
    if tx is _metric:  # the base map's key below it: what the shaded water, marsh, forest are
        _key_below_legend(ax)
    ax.set_title(_title(result), fontsize=10, loc="left")
    if tx is _identity:  # (the base map's layout was fixed before it labelled its places)
        _tight(fig)
        if waypoints:  # the base map labels the places itself
            _place_texts(ax, [name for name, *_ in waypoints],
                         (np.array([w[1] for w in waypoints], float),
                          np.array([w[2] for w in waypoints], float)),
                         dict(fontsize=7, ha="left", va="bottom", zorder=7))
    if head is not None and len(head.daily):
        _label_days(ax, head.daily, days_xy[head.formation_id])
    if len(doc):
        _label_documented(ax, doc, tx)
    return fig


def _key_below_legend(ax) -> None:
    """The base map's layer key beside the map, under the run's legend (``ax.get_legend()``
    stays the run's legend)."""
    from matplotlib.legend import Legend

    from logistics.report.basemap import layer_key

    run_legend = ax.get_legend()
    box = run_legend.get_window_extent(ax.figure.canvas.get_renderer())
    top = ax.transAxes.inverted().transform((box.x0, box.y0))[1] - 0.02
    handles = layer_key()
    key = Legend(ax, handles, [h.get_label() for h in handles], loc="upper left",
                 bbox_to_anchor=(1.01, top), borderaxespad=0.0, fontsize=7, title="the base map",
                 title_fontsize=7, alignment="left", frameon=False)
    ax.add_artist(key)
    key.set_clip_on(False)  # (clipped to the axes, the saved image's crop would leave it out)


def _label_documented(ax, doc: pd.DataFrame, tx) -> None:
    """Label the documented positions by place and date (rows at one spot share a label:
    "approaches to Hailar 9 Aug; Hailar 10 Aug"), each where it overlaps no other text, legend
    or point, or left out."""
    groups: dict[tuple[float, float], list[tuple[str, pd.Timestamp]]] = {}
    for lon, lat, place, day in zip(doc["lon"], doc["lat"], doc["place_reached"], doc["date"]):
        groups.setdefault((round(float(lon), 2), round(float(lat), 2)), []).append((place_label(place), pd.Timestamp(day)))
    texts, xs, ys = [], [], []
    for (lon, lat), items in groups.items():
        by_place: dict[str, list[pd.Timestamp]] = {}
        for place, day in items:
            by_place.setdefault(place, []).append(day)
        texts.append("; ".join(f"{place} {', '.join(str(d.day) for d in sorted(set(days)))} "
                               f"{max(days):%b}" for place, days in by_place.items()))
        x, y = tx(lon, lat)
        xs.append(float(x))
        ys.append(float(y))
    _place_texts(ax, texts, (np.array(xs), np.array(ys)),
                 dict(fontsize=6, color="#7f3f00", ha="left", va="bottom", zorder=10))


#: Days whose end-of-day points lie within this many points (1/72 in) of the first day of a
#: run share one label: about two lines of the 7-pt label text, so separate labels of a slow
#: creep never sit closer than they can be read. A drawing choice, not a model parameter.
_SPAN_RADIUS_PT = 18.0
_LABEL_FONT = 7
_DOT_HALF_PT = 3.0  # half the side of the box kept clear around each plotted point


def _label_days(ax, daily: pd.DataFrame, xy) -> None:
    """Label the end-of-day points by date: one label per run of days at (nearly) one spot
    (``daylabels.day_spans``), each put where it overlaps no other text, legend or point
    (``daylabels.place_labels``), or left out. Call after the layout is final."""
    fig = ax.figure
    ax.apply_aspect()
    to_pt = 72.0 / fig.dpi
    pts = ax.transData.transform(np.column_stack(xy)) * to_pt
    spans = day_spans(pts[:, 0], pts[:, 1], list(daily["date"]), radius=_SPAN_RADIUS_PT)
    anchors = (np.array([xy[0][sp.anchor] for sp in spans]), np.array([xy[1][sp.anchor] for sp in spans]))
    _place_texts(ax, [sp.text for sp in spans], anchors,
                 dict(fontsize=_LABEL_FONT, color="#1f3f7f", ha="left", va="bottom", zorder=9),
                 extra_marks=pts)


#: Labels keep this far (points) inside the map's frame, so their white halo stays inside too.
_FRAME_INSET_PT = 1.5
_FAR_PT = 1.0e6  # "the rest of the page" for the boxes outside the frame
#: A label keeps this far (points) from every text already on the map: two white halos (2-2.2 pt
#: strokes, half of each outside its glyphs) and a hair, so that two labels of one place (the
#: base map's "Mukden (Shenyang)" and the headline's "17-26 Aug" under it, 1.5 pt apart) read
#: as two labels, not one. A drawing choice, not a model parameter.
_TEXT_CLEAR_PT = 2.5


def _place_texts(ax, texts: list[str], xy, style: dict, extra_marks=None) -> None:
    """Annotate ``texts`` at data points ``xy``, each where it lies inside the map's frame and
    overlaps no other text (nor comes within ``_TEXT_CLEAR_PT`` of it), the legend, a
    single-point mark or a scattered dot (every formation's end-of-day dots;
    ``daylabels.place_labels``), or not at all; a point outside the frame gets no label."""
    import matplotlib.patheffects as pe
    from matplotlib.collections import PathCollection

    if not texts:
        return
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    ax.apply_aspect()
    to_pt = 72.0 / fig.dpi
    pts = ax.transData.transform(np.column_stack(xy)) * to_pt
    x0, y0, x1, y1 = _box_pt(ax.get_window_extent(renderer), to_pt)
    keep = np.flatnonzero((x0 < pts[:, 0]) & (pts[:, 0] < x1) & (y0 < pts[:, 1]) & (pts[:, 1] < y1))
    # the page outside the (inset) frame is taken: a label that would run past the edge moves
    # to another side of its point, or is left out
    x0, y0 = x0 + _FRAME_INSET_PT, y0 + _FRAME_INSET_PT
    x1, y1 = x1 - _FRAME_INSET_PT, y1 - _FRAME_INSET_PT
    obstacles = [(-_FAR_PT, -_FAR_PT, x0, _FAR_PT), (x1, -_FAR_PT, _FAR_PT, _FAR_PT),
                 (-_FAR_PT, -_FAR_PT, _FAR_PT, y0), (-_FAR_PT, y1, _FAR_PT, _FAR_PT)]
    c = _TEXT_CLEAR_PT
    obstacles += [(x0_ - c, y0_ - c, x1_ + c, y1_ + c) for x0_, y0_, x1_, y1_ in
                  (_box_pt(t.get_window_extent(renderer), to_pt) for t in ax.texts)]
    if ax.get_legend() is not None:
        obstacles.append(_box_pt(ax.get_legend().get_window_extent(renderer), to_pt))
    marks = [pts] + ([extra_marks] if extra_marks is not None else [])
    marks += [ax.transData.transform(np.column_stack(ln.get_data())) * to_pt
              for ln in ax.lines if len(ln.get_xdata()) == 1]
    marks += [ax.transData.transform(np.asarray(c.get_offsets(), float)) * to_pt
              for c in ax.collections if isinstance(c, PathCollection)
              and c.get_offset_transform() == ax.transData and len(c.get_offsets())]
    obstacles += [(x - _DOT_HALF_PT, y - _DOT_HALF_PT, x + _DOT_HALF_PT, y + _DOT_HALF_PT)
                  for x, y in np.concatenate(marks)]
    halo = [pe.withStroke(linewidth=2.0, foreground="white", alpha=0.85)]
    style = dict(textcoords="offset points", path_effects=halo, **style)
    texts, pts = [texts[i] for i in keep], pts[keep]  # a point outside the frame: no label
    xs, ys = np.asarray(xy[0], float)[keep], np.asarray(xy[1], float)[keep]
    sizes = []
    for text, x, y in zip(texts, xs, ys):  # measure each text once
        probe = ax.annotate(text, (x, y), xytext=(0, 0), **style)
        box = _box_pt(probe.get_window_extent(renderer), to_pt)
        probe.remove()
        sizes.append((box[2] - box[0], box[3] - box[1]))
    for text, x, y, off in zip(texts, xs, ys, place_labels(list(pts), sizes, obstacles)):
        if off is not None:
            ax.annotate(text, (x, y), xytext=off, **style)


def _box_pt(bbox, to_pt: float) -> tuple[float, float, float, float]:
    return (bbox.x0 * to_pt, bbox.y0 * to_pt, bbox.x1 * to_pt, bbox.y1 * to_pt)


def _identity(lon, lat):
    return lon, lat


def _metric(lon, lat):
    from logistics.terrain import to_metric

    return to_metric(lon, lat)


#: The page of the base-map figure and the box (left, bottom, width, height; inches) its map
#: fits in, keeping its shape: room below for the credits, above for the title, and right for
#: the legend. The saved PNG is cropped to what is drawn.
_MAP_PAGE_IN = (12.0, 9.5)
_MAP_BOX_IN = (0.1, 0.45, 9.6, 8.75)


def _base_map(extent, *, config_dir=None):
    """``(fig, ax)`` of the project base map of ``extent`` (lon/lat box), metric axes, without
    its layer key (the run's legend takes its place beside the map, the key goes under it).

    The figure's layout is fixed before the base map is drawn, because the base map places its
    labels by their size on the page. The relief is drawn about 500 cells across (rounded to
    500 m, 1-5 km): enough for a map of a whole axis, and several times faster than the base
    map's finer default. ``config_dir``: the configs folder whose land cover it tints (the
    run's).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from logistics.geodesy import great_circle_km
    from logistics.report.basemap import base_map

    w, s, e, n = extent
    mid_lon, mid_lat = 0.5 * (w + e), 0.5 * (s + n)
    span_km = max(great_circle_km(w, mid_lat, e, mid_lat), great_circle_km(mid_lon, s, mid_lon, n))
    relief_m = float(np.clip(round(span_km * 1000.0 / 500.0 / 500.0) * 500.0, 1000.0, 5000.0))
    fig = Figure(figsize=_MAP_PAGE_IN, dpi=_DPI)
    FigureCanvasAgg(fig)
    page_w, page_h = _MAP_PAGE_IN
    left, bottom, width, height = _MAP_BOX_IN
    ax = fig.add_axes((left / page_w, bottom / page_h, width / page_w, height / page_h))
    ax.set_anchor("NW")  # the map's top left corner stays put: the legend stands by its top
    return base_map(extent, ax=ax, title="", resolution_m=relief_m, legend=False,
                    config_dir=config_dir)


def plot_advance(result, path: str | Path) -> None:
    """Write :func:`advance_figure` as a PNG."""
    _save(advance_figure(result), Path(path))


def advance_figure(result):
    """Every formation's depth beyond the army's departure line against time, with the headline
    formation's route profile beside it.

    Depth is km along the formation's own route less the km where that route crosses the
    departure line (``history.depth.crossing_km``, the depth the comparison scores): negative
    while a formation is still behind the line. One line per formation (hourly track, its
    colour as on map.png; the headline's thicker, with its end-of-day points and objectives),
    its hours halted for lack of fuel marked. The elevation profile beside it is the headline's
    route on the same depth axis (where the range is crossed). Returns the figure.
    """
    from logistics.history.depth import crossing_km

    forms = _formations(result)
    line = tuple(getattr(result, "departure_line", ()) or ())
    fig, (ax, prof) = plt.subplots(1, 2, figsize=(10, 5.5), sharey=True,
                                   gridspec_kw={"width_ratios": [4, 1]})
    halted: set[str] = set()
    head, head_cross = None, 0.0
    for f in forms:
        cross = crossing_km(f.route, line)
        t, depth = pd.to_datetime(f.track["time"]), f.track["cum_km"].to_numpy(float) - cross
        ax.plot(t, depth, color=f.colour, lw=_LW_HEADLINE if f.headline else _LW_OTHER,
                zorder=3 if f.headline else 2,
                label=f"{f.formation_id} (headline)" if f.headline else f.formation_id)
        for status, colour in _HALT_COLOURS.items():  # a band behind the line: its colour
            m = (f.track["status"] == status).to_numpy()  # stays readable over it
            if m.any():
                ax.scatter(t[m], depth[m], s=40, color=colour, alpha=0.35, lw=0, zorder=1.5,
                           label=None if status in halted else f"{status} (hours)")
                halted.add(status)
        if f.headline:
            head, head_cross = f, cross
    if head is not None and len(head.daily):
        ends = pd.to_datetime(head.daily["date"]) + pd.Timedelta(days=1)
        ax.plot(ends, head.daily["cum_km"].to_numpy(float) - head_cross, "o", color="black",
                ms=3.5, zorder=5, label=f"end of day ({head.formation_id})")
    times = [pd.to_datetime(f.track["time"]) for f in forms if len(f.track)]
    t0 = min((t.min() for t in times), default=None)
    if line:
        ax.axhline(0.0, color="black", lw=0.8, zorder=1)
        if times:
            ax.annotate("departure line", (max(t.max() for t in times), 0.0), xytext=(-2, 2),
                        textcoords="offset points", ha="right", fontsize=7)
    for name, km in _objective_kms(result):
        for a in (ax, prof):
            a.axhline(km - head_cross, color="grey", lw=0.6, ls=":")
        if t0 is not None:
            ax.annotate(name, (t0, km - head_cross), xytext=(2, 2), textcoords="offset points",
                        fontsize=7, color="grey")
    rp = result.route_points
    km = rp["cum_km"].to_numpy(float) - head_cross
    prof.fill_betweenx(km, 0, rp["elev_m"], color="#c8b89a", lw=0)
    prof.plot(rp["elev_m"], km, color="#6b5a3a", lw=0.8)
    hi = result.summary.get("highest")
    if hi:
        for a in (ax, prof):
            a.axhline(hi["cum_km"] - head_cross, color="#8c564b", lw=0.8, ls="--")
        prof.annotate(f"{hi['elev_m']:.0f} m", (hi["elev_m"], hi["cum_km"] - head_cross),
                      xytext=(-30, -2), textcoords="offset points", va="top", fontsize=7,
                      color="#8c564b")  # below its line: at the route's end it stays inside
    ax.set_ylabel("km beyond the departure line (each along its own route)" if line
                  else "km along each formation's route (no departure line)")
    ax.set_xlabel("date (local clock)")
    if times:  # whole days only: a short run's half-day ticks would print each date twice
        days = (max(t.max() for t in times) - t0) / pd.Timedelta(days=1)
        ax.xaxis.set_major_locator(mdates.DayLocator(interval=max(1, round(days / 9))))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
    ax.grid(alpha=0.3)
    # below the plot: inside, a legend of several formations would cover their lines
    keys = (["thick: headline"] if len(forms) > 1 else []) + (
        ["dotted: its objectives"] if _objective_kms(result) else [])
    ax.legend(loc="upper left", bbox_to_anchor=(0.0, -0.12), borderaxespad=0.0, fontsize=7,
              ncol=4, title="formations" + (f" ({'; '.join(keys)})" if keys else ""),
              title_fontsize=7, alignment="left")
    what = "depth beyond the departure line" if line else "km along the route"
    whose = f"all {len(forms)} formations" if len(forms) > 1 else "its one formation"
    ax.set_title(f"{_title(result)}\n{what}, {whose}"  # (two lines: an army's name is long)
                 + (f" (thick: headline {head.formation_id})" if head and len(forms) > 1 else ""),
                 fontsize=10, loc="left")
    prof.set_xlabel("elevation (m) on the\nheadline's route" if len(forms) > 1
                    else "elevation (m)")
    prof.set_xlim(left=0)
    prof.grid(alpha=0.3)
    _tight(fig)
    return fig


def _objective_kms(result) -> list[tuple[str, float]]:
    """(name, km along its route) of every objective on the headline's route, reached or not
    (without the plan: those it reached)."""
    from logistics.places import display_name  # the names the text outputs use

    plan = getattr(result, "plan", None)
    if plan is not None:
        return [(display_name(name), km)
                for km, name in plan.formation(result.headline).objectives]
    reached = result.reached
    mine = reached["kind"] == "objective"
    if "formation_id" in reached and getattr(result, "headline", ""):
        mine &= reached["formation_id"] == result.headline
    return [(display_name(r.name), r.cum_km) for r in reached[mine].itertuples()]


def plot_fuel(result, path: str | Path) -> None:
    """Write :func:`fuel_figure` as a PNG."""
    _save(fuel_figure(result), Path(path))


def fuel_figure(result):
    """Fuel on hand in each formation's tanks (refills, from the daily table) with every
    delivery marked, the army's reserve, and (when any formation burned from it) what each
    formation drew from that reserve day by day (daily.csv ``from_reserve_l``, m³): a main
    body whose tanks read empty while it moves is running on the reserve."""
    daily, deliveries = result.daily, result.deliveries
    drawn = _drawn_from_reserve(daily)
    rows = 3 if drawn is not None else 2
    fig, axes = plt.subplots(rows, 1, figsize=(9, 6.5 + 1.9 * (rows - 2)), sharex=True,
                             gridspec_kw={"height_ratios": [3, 1.3, 1.3][:rows]})
    ax, ax2 = axes[0], axes[1]
    colours = {f.formation_id: f.colour for f in _formations(result)}  # as on map.png
    for fid, d in daily.groupby("formation_id", sort=False):
        values = d["refills_on_hand"].to_numpy(float)
        if np.isfinite(values).any():
            ends = pd.to_datetime(d["date"]) + pd.Timedelta(days=1)
            lw = 2.2 if fid == result.headline else 1.2
            ax.plot(ends, values, marker="o", ms=3, lw=lw, label=fid, color=colours.get(fid))
    # a refill is one set of its tanks: external tanks hold more (above 1)
    ax.set_ylabel("fuel in its tanks (refills)")
    ax.grid(alpha=0.3)
    # beside the axes, so it never covers a line
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, borderaxespad=0.0,
              title="end of day", title_fontsize=7)
    ax.set_title(f"{_title(result)}: fuel in the formations' tanks (thin lines: deliveries)",
                 fontsize=10)
    if len(deliveries):
        if "delivery_id" in deliveries:  # one bar per delivery: the litres of all its takers
            deliveries = deliveries.groupby("delivery_id", as_index=False, sort=False).agg(
                time=("time", "first"), kind=("kind", "first"), litres=("litres", "sum"))
        times = pd.to_datetime(deliveries["time"])
        for kind, colour in _KIND_COLOURS.items():
            m = deliveries["kind"] == kind
            if m.any():
                ax2.bar(times[m], deliveries["litres"][m] / 1000.0, width=0.08, color=colour,
                        label=kind)
                for tt in times[m]:
                    ax.axvline(tt, color=colour, lw=0.4, alpha=0.5)
    army = getattr(result, "army_daily", None)
    reserve = (army is not None and len(army) and "reserve_l" in army
               and army["reserve_l"].max() > 0)
    if len(deliveries):  # beside the axes, past the reserve's own axis label when drawn
        ax2.legend(loc="upper left", bbox_to_anchor=(1.09 if reserve else 1.01, 1.0),
                   fontsize=7, borderaxespad=0.0)
    ax2.set_ylabel("delivered (m³)")
    if reserve:
        # the army's reserve, which main bodies burn from when their own tanks are empty
        # (daily.csv from_reserve_l): without it they look dry while they move
        ax3 = ax2.twinx()
        ends = pd.to_datetime(army["date"]) + pd.Timedelta(days=1)
        ax3.plot(ends, army["reserve_l"].to_numpy(float) / 1000.0, color="0.35", lw=1.4,
                 ls="--", marker=".", ms=3, label="army reserve")
        ax3.set_ylabel("army reserve (m³, dashed)", fontsize=8)
        ax3.set_ylim(bottom=0)
    ax2.grid(alpha=0.3)
    if drawn is not None:
        ax4 = axes[2]
        bottom = np.zeros(len(drawn))
        # bars over each day (noon of the day), stacked in the table's formation order
        mids = pd.to_datetime(drawn.index) + pd.Timedelta(hours=12)
        for fid in drawn.columns:
            m3 = drawn[fid].to_numpy(float) / 1000.0
            if (m3 > 0).any():
                ax4.bar(mids, m3, width=0.8, bottom=bottom, color=colours.get(fid), label=fid)
                bottom += m3
        ax4.set_ylabel("drawn from the\narmy reserve (m³/day)", fontsize=8)
        ax4.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, borderaxespad=0.0)
        ax4.grid(alpha=0.3)
    last = axes[-1]
    last.set_xlabel("date (local clock)")
    last.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
    _tight(fig)
    return fig


def _drawn_from_reserve(daily: pd.DataFrame) -> pd.DataFrame | None:
    """Litres each formation burned out of the army's reserve per day (date x formation, in
    the daily table's order), or None when none did (or the table has no such column)."""
    if "from_reserve_l" not in daily or not len(daily):
        return None
    table = daily.pivot_table(index="date", columns="formation_id", values="from_reserve_l",
                              aggfunc="sum", sort=False).fillna(0.0)
    order = list(dict.fromkeys(daily["formation_id"]))
    table = table.reindex(columns=[f for f in order if f in table.columns])
    return table if float(table.to_numpy().sum()) > 0 else None
