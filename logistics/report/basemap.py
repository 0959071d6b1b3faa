"""The base map every later map draws on: shaded relief, water, borders, places, scale, north.

``fig, ax = base_map(bbox)`` draws in ``settings.METRIC_CRS`` metres (the axes' data coordinates
are LCC x/y), so routes and rasters from the engine overlay without reprojection; lon/lat data
go through :func:`plot_lonlat`. New figures are plain ``matplotlib.figure.Figure`` objects on an
Agg canvas: no display is needed and pyplot's global state (and backend) is left alone.

Layers: hypsometric tint with hillshade from the terrain DEM, sea and lakes (GSHHG), rivers
(WDBII, line width by level), coast, modern borders (WDBII, c. 1990: close to 1945 along the
Amur, Argun and Ussuri, not elsewhere), a lon/lat graticule, campaign places labelled with their
1945 names, a scale bar, a north arrow (true north, which in LCC leans away from the central
meridian), a title and the data credits.
"""

from __future__ import annotations

import math
from contextlib import contextmanager

import matplotlib.colors
import matplotlib.patches
import numpy as np
from matplotlib.backend_bases import FigureCanvasBase
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LightSource, LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from logistics import settings
from logistics.terrain.classes import TerrainClass
from logistics.terrain.grid import check_bbox, lonlat_envelope, to_lonlat, to_metric

__all__ = ["base_map", "check_base_map", "plot_lonlat", "legend_beside", "layer_key",
           "DEFAULT_PLACES"]

#: Places labelled by default: (gazetteer query, label, label offset in points, alignment).
#: Labels give the 1945 name, with the modern one in brackets where it differs much.
DEFAULT_PLACES: tuple[tuple[str, str, tuple[float, float], str], ...] = (
    ("Hailar", "Hailar", (4, 3), "left"),
    ("Manzhouli", "Manchouli", (4, 3), "left"),
    ("Priargunsk", "Staro-Tsurukhaitui", (4, 3), "left"),
    ("Tamsag-Bulag", "Tamsag-Bulag", (-4, 3), "right"),
    ("Choibalsan", "Choibalsan", (4, 3), "left"),
    ("Arxan", "Halung-Arshan", (4, 3), "left"),
    ("Solun", "Solun", (4, 3), "left"),
    ("Ulanhot", "Wangyemiao", (4, 3), "left"),
    ("Zhalantun", "Chalantun", (4, 3), "left"),
    ("Qiqihar", "Tsitsihar", (4, 3), "left"),
    ("Lubei", "Lubei", (4, 3), "left"),
    ("Tongliao", "Tungliao", (4, 3), "left"),
    ("Chifeng", "Chifeng", (4, 3), "left"),
    ("Duolun", "Dolon Nur", (4, 3), "left"),
    ("Zhangjiakou", "Kalgan", (4, 3), "left"),
    ("Changchun", "Hsinking (Changchun)", (-4, 3), "right"),
    ("Shenyang", "Mukden (Shenyang)", (4, 3), "left"),
    ("Jilin", "Kirin", (4, -9), "left"),
    ("Harbin", "Harbin", (4, 3), "left"),
    ("Mudanjiang", "Mutanchiang", (-4, 3), "right"),
    ("Jiamusi", "Chiamussu (Jiamusi)", (4, 3), "left"),
    ("Heihe", "Sakhalian (Heihe)", (-4, -9), "right"),
    ("Blagoveshchensk", "Blagoveshchensk", (4, 3), "left"),
    ("Khabarovsk", "Khabarovsk", (4, 3), "left"),
    ("Hutou", "Hutou", (4, 3), "left"),
    ("Pogranichny", "Grodekovo", (4, -9), "left"),
    ("Vladivostok", "Vladivostok", (4, 3), "left"),
    ("Lüshun", "Port Arthur", (-4, -9), "right"),
    ("Dalian", "Dairen", (4, 3), "left"),
)

#: Region and feature names on theatre-wide maps: (text, lon, lat, size, italic, rotation deg).
#: Political names are those of August 1945.
_REGION_LABELS: tuple[tuple[str, float, float, float, bool, float], ...] = (
    ("MONGOLIA", 112.0, 46.2, 12, False, 0),
    ("U S S R", 116.5, 51.8, 12, False, 0),
    ("U S S R", 133.5, 50.3, 12, False, 0),
    ("MANCHUKUO", 124.6, 45.3, 12, False, 0),
    ("KOREA", 127.3, 40.3, 11, False, 0),
    ("Greater Khingan", 121.4, 48.8, 9, True, 63),
    ("Lesser Khingan", 128.6, 48.9, 9, True, -35),
    ("Sea of Japan", 133.3, 40.6, 10, True, 0),
    ("Bohai", 120.0, 39.3, 9, True, 0),
)
_REGION_MAP_M = 1_500_000.0  #: maps wider than this get the region names

_WATER = "#a9cfe8"
_WATER_EDGE = "#5b8db8"
_RIVER = "#3f7fbf"
_WETLAND = "#5fb3a6"
_MARSH_1945 = "#1f5fa8"  #: 1945 marsh on 2019 cropland/grassland (reconstructed)
_FOREST_1945 = "#1b5e20"  #: 1945 forest on 2019 cropland/grassland (reconstructed)
_HYPSO = LinearSegmentedColormap.from_list(
    "hypso",
    [
        (0.00, "#7fae6e"),  # lowland green
        (0.08, "#a8c686"),
        (0.20, "#e3dba0"),  # plateau tan
        (0.40, "#cfae78"),
        (0.60, "#a9805a"),  # mountain brown
        (0.85, "#d8cfc4"),
        (1.00, "#ffffff"),
    ],
)
_HYPSO_MAX_M = 2500.0
_SMALL_MAP_M = 700_000.0  #: maps narrower than this label every gazetteer place

# (WDBII levels, line width in points, line style, legend label)
_RIVER_STYLES = (
    ((0, 1), 1.5, "-", "major river (WDBII 1)"),
    ((2,), 1.1, "-", "large river (WDBII 2)"),
    ((3, 4), 0.6, "-", "minor river (WDBII 3-4)"),
    ((5, 6, 7), 0.5, (0, (3, 2)), "intermittent"),
    ((8, 9, 10), 0.5, (0, (1, 1.5)), "canal"),
)


def plot_lonlat(ax, lon, lat, *args, **kwargs):
    """``ax.plot`` of lon/lat degrees on a base map (transformed to ``METRIC_CRS`` metres)."""
    x, y = to_metric(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return ax.plot(x, y, *args, **kwargs)


def base_map(
    bbox=None,
    *,
    ax=None,
    resolution_m: float | None = None,
    labels: bool = True,
    places=None,
    title: str | None = None,
    dem: str = "merged",
    legend: bool = True,
    trim_nodata: bool | None = None,
    config_dir=None,
):
    """Draw the base map of a lon/lat box (None = the theatre) -> ``(Figure, Axes)``.

    ``resolution_m`` of the relief grid defaults to about 1200 cells across. ``places`` is a
    list of gazetteer names (or ``Place`` objects) to label instead of :data:`DEFAULT_PLACES`;
    ``labels=False`` draws no place names. ``ax`` draws into existing axes. ``title=""`` draws
    no title (None: one from the box). ``legend=False`` leaves out the layer key (it sits to
    the right of the axes). ``trim_nodata`` trims edges that lie mostly outside the terrain
    data (white wedges where the metric envelope of a large box reaches past the data); it
    may cut the box's corners, so it is for overview maps (None: on for the whole theatre).
    ``config_dir``: the configs folder whose 1945 land cover the relief tints (a run's map:
    the folder it read; ``settings.CONFIG_DIR`` when None).
    """
    from logistics.terrain import load_terrain

    if trim_nodata is None:
        trim_nodata = bbox is None
    bbox, resolution_m = check_base_map(bbox, resolution_m)
    # the relief, and the 2019 land cover beside the 1945 classes (no railway overlay: not drawn)
    terrain = load_terrain(bbox, resolution_m=resolution_m, dem=dem, railways=False,
                           classes_2019=True, config_dir=config_dir)
    if ax is None:
        fig = Figure(figsize=(12, 9.5), dpi=150)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
    else:
        fig = ax.figure
    grid_extent = _extent(terrain)
    _draw_relief(ax, terrain, grid_extent, terrain["terrain_class_2019"].values)
    extent = _data_extent(terrain, grid_extent) if trim_nodata else grid_extent
    _draw_vectors(ax, bbox)
    _draw_graticule(ax, bbox, extent)
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    if labels:  # after the limits: labels are placed by their size on the page
        _draw_regions(ax, extent, wide=grid_extent[1] - grid_extent[0] >= _REGION_MAP_M)
        _draw_places(ax, places, extent)
    _draw_scale_bar(ax, extent)
    _draw_north_arrow(ax, extent)
    if legend:
        _draw_legend(ax)
    ax.set_title(_default_title(bbox) if title is None else title, fontsize=14,
                 fontweight="bold", loc="left")
    ax.text(
        0.0,
        -0.012,
        _credits(terrain, dem),
        transform=ax.transAxes,
        fontsize=6.5,
        color="#444444",
        va="top",
        ha="left",
    )
    return fig, ax


def check_base_map(bbox=None, resolution_m: float | None = None
                   ) -> tuple[tuple[float, float, float, float], float]:
    """``(bbox, resolution_m)`` the base map of ``bbox`` (None: the theatre) is drawn at:
    the box checked, the relief's cell size (m; None: about 1200 cells across); a
    ResourceError when that grid cannot be held in memory
    (:func:`logistics.terrain.check_in_memory`). Called by :func:`base_map` and, before any
    work, by ``logistics map``."""
    from logistics.terrain import check_in_memory

    bbox = check_bbox(bbox if bbox is not None else settings.THEATRE_BBOX)
    if resolution_m is None:
        resolution_m = _auto_resolution(bbox)
    check_in_memory(bbox, resolution_m)
    return bbox, resolution_m


def _auto_resolution(bbox) -> float:
    """A relief grid of about 1200 cells across, rounded to a tidy value (>= 500 m)."""
    x0, x1 = to_metric(np.array([bbox[0], bbox[2]]), np.array([bbox[1], bbox[1]]))[0]
    span = abs(x1 - x0)
    for r in (500.0, 1000.0, 1500.0, 2000.0, 2500.0, 5000.0, 10000.0):
        if span / r <= 1400:
            return r
    return 20000.0


def _extent(terrain) -> tuple[float, float, float, float]:
    r = float(terrain.attrs["resolution_m"])
    x, y = terrain["x"].values, terrain["y"].values
    return (x[0] - r / 2, x[-1] + r / 2, y[-1] - r / 2, y[0] + r / 2)


#: Share of a map edge's cells that may lie outside the terrain data (the metric envelope of a
#: lon/lat box reaches past the data at its corners): above it the edge is trimmed.
_EDGE_NODATA_SHARE = 0.01


def _data_extent(terrain, extent) -> tuple[float, float, float, float]:
    """``extent`` trimmed, edge by edge, until no edge has more than :data:`_EDGE_NODATA_SHARE`
    of its cells outside the data (no white wedges at the corners of a large map); at most a
    third of the map is taken from each side."""
    z = terrain["elevation_m"].values
    water = terrain["terrain_class"].values == TerrainClass.WATER
    off = ~np.isfinite(z) & ~water
    ny, nx = off.shape
    r0, r1, c0, c1 = 0, ny, 0, nx
    done: set[str] = set()
    while len(done) < 4:
        shares = {"top": off[r0, c0:c1].mean(), "bottom": off[r1 - 1, c0:c1].mean(),
                  "left": off[r0:r1, c0].mean(), "right": off[r0:r1, c1 - 1].mean()}
        side = max((k for k in shares if k not in done), key=shares.get)
        if shares[side] <= _EDGE_NODATA_SHARE:
            break
        if side == "top" and r0 < ny // 3:
            r0 += 1
        elif side == "bottom" and r1 > ny - ny // 3:
            r1 -= 1
        elif side == "left" and c0 < nx // 3:
            c0 += 1
        elif side == "right" and c1 > nx - nx // 3:
            c1 -= 1
        else:
            done.add(side)
    x0, x1, y0, y1 = extent
    dx, dy = (x1 - x0) / nx, (y1 - y0) / ny
    return (x0 + c0 * dx, x0 + c1 * dx, y1 - r1 * dy, y1 - r0 * dy)


def _draw_relief(ax, terrain, extent, land_2019=None) -> None:
    """Hypsometric tint with soft hillshade; wetland, and the 1945 marsh and forest
    reconstructed on 2019 cropland/grassland, tinted; sea and lakes flat blue; nodata white."""
    z = terrain["elevation_m"].values.astype(np.float64)
    cls = terrain["terrain_class"].values
    water = cls == TerrainClass.WATER
    nodata = ~np.isfinite(z)
    zf = np.where(nodata | water, 0.0, z)
    r = float(terrain.attrs["resolution_m"])
    ls = LightSource(azdeg=315, altdeg=40)
    norm = np.clip(zf / _HYPSO_MAX_M, 0.0, 1.0)
    exag = 3.0 if r <= 2000 else 5.0
    rgb = ls.shade_rgb(_HYPSO(norm)[..., :3], zf, blend_mode="soft", vert_exag=exag, dx=r, dy=r)
    wet = cls == TerrainClass.WETLAND
    rgb[wet] = 0.55 * rgb[wet] + 0.45 * np.array(matplotlib.colors.to_rgb(_WETLAND))
    if land_2019 is not None:
        changed = cls != land_2019
        for klass, colour in ((TerrainClass.WETLAND, _MARSH_1945), (TerrainClass.FOREST, _FOREST_1945)):
            m = changed & (cls == klass)
            rgb[m] = 0.5 * rgb[m] + 0.5 * np.array(matplotlib.colors.to_rgb(colour))
    rgb[water] = matplotlib.colors.to_rgb(_WATER)
    rgb[nodata & ~water] = (1.0, 1.0, 1.0)
    ax.imshow(rgb, extent=extent, origin="upper", interpolation="bilinear", zorder=0)


def _draw_vectors(ax, bbox) -> None:
    """Lakes, rivers, coast and borders clipped to the box, in metric coordinates."""
    from logistics.terrain.dem import read_layer
    from logistics.terrain.rivers import read_rivers

    w, s, e, n = bbox
    pad = 1.0
    box = (w - pad, s - pad, e + pad, n + pad)

    def layer(name):
        gdf = read_layer(name, bbox=box)
        return gdf.to_crs(settings.METRIC_CRS) if len(gdf) else gdf

    with _no_redraw(ax.figure):
        lakes = layer("lakes.gpkg")
        if len(lakes):
            lakes.plot(ax=ax, facecolor=_WATER, edgecolor=_WATER_EDGE, linewidth=0.4, zorder=2)
        rivers = read_rivers(box)
        for levels, width, style, _ in _RIVER_STYLES:
            sub = rivers[rivers["level"].isin(levels)]
            if len(sub):
                sub.plot(ax=ax, color=_RIVER, linewidth=width, linestyle=style, zorder=3)
        coast = layer("coast.gpkg")
        if len(coast):
            coast.plot(ax=ax, color=_WATER_EDGE, linewidth=0.6, zorder=3)
        borders = layer("borders.gpkg")
        if len(borders):
            borders.plot(ax=ax, color="white", linewidth=3.0, alpha=0.7, zorder=4)
            borders.plot(ax=ax, color="#8b2f5a", linewidth=1.1, linestyle=(0, (6, 2, 1, 2)),
                         zorder=4)


@contextmanager
def _no_redraw(fig):
    """Inside, ``fig.canvas.draw_idle()`` renders nothing. GeoPandas' ``.plot`` ends with
    ``draw_idle()``, which on an Agg canvas renders the whole figure (the relief image
    included) then and there: up to nine full renders a base map, where only the final save
    needs one. The figure's own canvas is put back on the way out; a canvas other than Agg
    (a GUI's, whose ``draw_idle`` defers) is left alone."""
    canvas = fig.canvas
    if type(canvas) is not FigureCanvasAgg:
        yield
        return
    FigureCanvasBase(fig)  # a canvas whose draw() renders nothing
    try:
        yield
    finally:
        fig.set_canvas(canvas)


def _nice_step(span_deg: float) -> float:
    for step in (0.25, 0.5, 1.0, 2.0, 4.0, 5.0):
        if span_deg / step <= 8:
            return step
    return 10.0


_EDGE_LABEL = "graticule-label"  #: gid of the graticule's edge labels (place names keep clear)


def _draw_graticule(ax, bbox, extent) -> None:
    """Meridians and parallels (thin grey) labelled on the map edges."""
    w, s, e, n = bbox
    x0, x1, y0, y1 = extent
    lon_min, lat_min, lon_max, lat_max = lonlat_envelope((x0, y0, x1, y1))
    step = _nice_step(max(e - w, n - s))
    style = dict(color="#555555", linewidth=0.35, alpha=0.6, zorder=1.5)
    lats = np.linspace(lat_min - 1, lat_max + 1, 200)
    lons = np.linspace(lon_min - 1, lon_max + 1, 200)
    for lon in np.arange(math.floor(lon_min / step) * step, lon_max + step, step):
        x, y = to_metric(np.full_like(lats, lon), lats)
        ax.plot(x, y, **style)
        xb, _ = to_metric(lon, _lat_at_y(lon, y0))
        if x0 + 0.05 * (x1 - x0) < xb < x1 - 0.02 * (x1 - x0):
            ax.annotate(f"{lon:g}°E", (xb, y0), xytext=(0, 3), textcoords="offset points",
                        ha="center", va="bottom", fontsize=7, color="#333333", zorder=6,
                        gid=_EDGE_LABEL)
    for lat in np.arange(math.floor(lat_min / step) * step, lat_max + step, step):
        x, y = to_metric(lons, np.full_like(lons, lat))
        ax.plot(x, y, **style)
        lon_edge = _lon_at_x(lat, x0)
        if lon_edge is not None:
            _, yb = to_metric(lon_edge, lat)
            if y0 + 0.05 * (y1 - y0) < yb < y1 - 0.02 * (y1 - y0):
                ax.annotate(f"{lat:g}°N", (x0, yb), xytext=(3, 0), textcoords="offset points",
                            ha="left", va="center", fontsize=7, color="#333333", zorder=6,
                            gid=_EDGE_LABEL)


def _lat_at_y(lon: float, y_target: float) -> float:
    """Latitude where meridian ``lon`` reaches metric y ``y_target``."""
    return _bisect(lambda lat: to_metric(lon, lat)[1], -10.0, 89.0, y_target)


def _lon_at_x(lat: float, x_target: float) -> float | None:
    """Longitude where parallel ``lat`` reaches metric x ``x_target`` (None if it never does)."""
    f = lambda lon: to_metric(lon, lat)[0]  # noqa: E731
    if not (f(60.0) < x_target < f(180.0)):
        return None
    return _bisect(f, 60.0, 180.0, x_target)


def _bisect(f, lo: float, hi: float, target: float) -> float:
    """The argument in [lo, hi] where increasing ``f`` reaches ``target``."""
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if f(mid) < target else (lo, mid)
    return (lo + hi) / 2


def _draw_regions(ax, extent, *, wide: bool) -> None:
    """Country and range names (spaced capitals, italics for physical features) on a ``wide``
    map; a name whose anchor is on the map but whose text would run over its frame is moved
    inside it."""
    import matplotlib.patheffects as pe

    x0, x1, y0, y1 = extent
    if not wide:
        return
    halo = [pe.withStroke(linewidth=2.5, foreground="white", alpha=0.6)]
    renderer = _renderer(ax)
    for text, lon, lat, size, italic, rot in _REGION_LABELS:
        x, y = to_metric(lon, lat)
        if x0 < x < x1 and y0 < y < y1:
            t = ax.text(x, y, text, fontsize=size, rotation=rot, ha="center", va="center",
                        color="#3d3d3d" if not italic else "#5a4632", alpha=0.85,
                        fontstyle="italic" if italic else "normal",
                        fontweight="normal" if italic else "bold", path_effects=halo, zorder=5)
            if renderer is not None:
                _inside_frame(ax, t, renderer)


def _inside_frame(ax, text, renderer, pad_px: float = 4.0) -> None:
    """Move ``text`` (in data coordinates) so its box lies inside the axes, if it fits."""
    box, frame = text.get_window_extent(renderer), ax.get_window_extent(renderer)
    dx = max(frame.x0 + pad_px - box.x0, 0.0) - max(box.x1 - (frame.x1 - pad_px), 0.0)
    dy = max(frame.y0 + pad_px - box.y0, 0.0) - max(box.y1 - (frame.y1 - pad_px), 0.0)
    if dx or dy:
        px, py = ax.transData.transform(text.get_position())
        text.set_position(ax.transData.inverted().transform((px + dx, py + dy)))


#: Label positions tried in turn when a label would overlap one already drawn.
_OFFSETS = (((4, 3), "left"), ((4, -9), "left"), ((-4, 3), "right"), ((-4, -9), "right"))


def _draw_places(ax, places, extent) -> None:
    """Dots and labels (white halo) for the places inside the map.

    Labels are placed in priority order (the campaign places first); a label that would overlap
    one already drawn, or run past the map's frame, tries the other corners of its dot, and a
    close-up's extra places that still collide are left out rather than printed on top of each
    other. No label runs past the frame: a campaign place goes over another label rather than
    out, and is left out (dot and label) only when no corner fits inside.
    """
    import matplotlib.patheffects as pe

    from logistics.places import Place, all_places, lookup

    items = []  # (place, label, preferred offset, alignment, required)
    if places is None:
        items = [(lookup(q), label, off, ha, True) for q, label, off, ha in DEFAULT_PLACES]
        x0, x1, y0, y1 = extent
        if x1 - x0 < _SMALL_MAP_M:  # a close-up: label every gazetteer place too
            shown = {p.name for p, *_ in items}
            items += [(p, p.name, (4, 3), "left", False) for p in all_places() if p.name not in shown]
    else:
        for p in places:
            place = p if isinstance(p, Place) else lookup(str(p))
            items.append((place, place.name, (4, 3), "left", True))
    x0, x1, y0, y1 = extent
    halo = [pe.withStroke(linewidth=2.2, foreground="white", alpha=0.85)]
    ax.apply_aspect()
    renderer = _renderer(ax)
    from matplotlib.transforms import Bbox

    # the scale bar and north arrow (lower left) and the graticule's edge labels are kept clear
    taken = [Bbox(ax.transAxes.transform([(0.0, 0.0), (0.24, 0.19)]))]
    frame = None
    if renderer is not None:
        frame = ax.get_window_extent(renderer)
        taken += [t.get_window_extent(renderer) for t in ax.texts
                  if t.get_gid() == _EDGE_LABEL]
    style = dict(textcoords="offset points", fontsize=7.5, color="#111111", path_effects=halo,
                 zorder=8)
    for place, label, offset, ha, required in items:
        x, y = to_metric(place.lon, place.lat)
        if not (x0 < x < x1 and y0 < y < y1):
            continue
        placed = fallback = None  # (offset, alignment)
        for off, align in ((offset, ha), *_OFFSETS):
            if renderer is None:
                placed = (off, align)
                break
            probe = ax.annotate(label, (x, y), xytext=off, ha=align, **style)
            box = probe.get_window_extent(renderer)
            probe.remove()
            if not _within(box, frame):  # would run past the map's frame
                continue
            fallback = fallback or (off, align)
            box = box.expanded(1.04, 1.1)
            if not any(box.overlaps(other) for other in taken):
                placed = (off, align)
                taken.append(box)
                break
        if placed is None and required:  # over another label, but inside the frame
            placed = fallback
        if placed is not None:
            ax.annotate(label, (x, y), xytext=placed[0], ha=placed[1], **style)
            ax.plot(x, y, "o", ms=3.6, mfc="#222222", mec="white", mew=0.7, zorder=7)


def _within(box, frame) -> bool:
    """Whether display box ``box`` lies inside ``frame`` (the axes)."""
    return (frame.x0 <= box.x0 and box.x1 <= frame.x1
            and frame.y0 <= box.y0 and box.y1 <= frame.y1)


def _renderer(ax):
    """The canvas renderer used to measure labels, or None if the canvas has none."""
    try:
        return ax.figure.canvas.get_renderer()
    except AttributeError:
        return None


def _draw_scale_bar(ax, extent) -> None:
    """A bar of a round number of km, bottom left (LCC scale error is within about 1 %)."""
    x0, x1, y0, y1 = extent
    target_km = (x1 - x0) / 1000.0 / 5.0
    km = max(k for k in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500) if k <= max(target_km, 1))
    bx, by = x0 + 0.04 * (x1 - x0), y0 + 0.05 * (y1 - y0)
    h = 0.008 * (y1 - y0)
    for i in range(2):
        color = "#222222" if i == 0 else "white"
        ax.add_patch(matplotlib.patches.Rectangle(
            (bx + i * km * 500.0, by), km * 500.0, h, facecolor=color, edgecolor="#222222",
            linewidth=0.8, zorder=9))
    for frac, text in ((0.0, "0"), (0.5, f"{km / 2:g}"), (1.0, f"{km:g} km")):
        ax.text(bx + frac * km * 1000.0, by + 1.8 * h, text, ha="center", va="bottom",
                fontsize=7.5, zorder=9)


def _draw_north_arrow(ax, extent) -> None:
    """Arrow to true north at its own position above the scale bar (meridians converge in LCC,
    so north leans away from the central meridian)."""
    x0, x1, y0, y1 = extent
    ax_x, ax_y = x0 + 0.06 * (x1 - x0), y0 + 0.11 * (y1 - y0)
    lon, lat = to_lonlat(ax_x, ax_y)
    nx, ny = to_metric(lon, lat + 0.1)
    ang = math.atan2(nx - ax_x, ny - ax_y)
    length = 0.05 * (y1 - y0)
    dx, dy = length * math.sin(ang), length * math.cos(ang)
    ax.annotate("", xy=(ax_x + dx, ax_y + dy), xytext=(ax_x, ax_y),
                arrowprops=dict(arrowstyle="-|>,head_width=0.45,head_length=0.9", color="#222222",
                                linewidth=1.6), zorder=9)
    ax.text(ax_x + dx * 1.18, ax_y + dy * 1.18, "N", ha="center", va="center", fontsize=11,
            fontweight="bold", zorder=9)


def _draw_legend(ax) -> None:
    leg = ax.legend(handles=layer_key(), loc="upper left", bbox_to_anchor=(1.01, 1.0),
                    fontsize=7.5, frameon=False, title="Legend", title_fontsize=8.5,
                    alignment="left")
    leg.set_zorder(10)


def layer_key() -> list:
    """Legend entries of the base map's layers (rivers by class, water, wetland, the 1945
    marsh and forest, borders, places, the elevation tints), for a legend of one's own."""
    handles = [Line2D([], [], color=_RIVER, linewidth=w, linestyle=st, label=lab)
               for _, w, st, lab in _RIVER_STYLES[:4]]
    handles += [
        Patch(facecolor=_WATER, edgecolor=_WATER_EDGE, label="sea, lake (GSHHG)"),
        Patch(facecolor=_WETLAND, alpha=0.6, label="wetland (MODIS 2019 + floodplain rule)"),
        Patch(facecolor=_MARSH_1945, alpha=0.6, label="marsh 1945 on 2019 cropland (reconstructed)"),
        Patch(facecolor=_FOREST_1945, alpha=0.6, label="forest 1945 on 2019 farmland (reconstructed)"),
        Line2D([], [], color="#8b2f5a", linewidth=1.1, linestyle=(0, (6, 2, 1, 2)),
               label="border (modern, WDBII c. 1990)"),
        Line2D([], [], marker="o", color="none", mfc="#222222", mec="white", ms=4,
               label="place (1945 name)"),
    ]
    for z, lab in ((0, "0 m"), (500, "500 m"), (1000, "1000 m"), (2000, "2000 m")):
        handles.append(Patch(facecolor=_HYPSO(z / _HYPSO_MAX_M), edgecolor="#999999", label=lab))
    return handles


def legend_beside(ax, handles: list, *, fontsize: float = 7.5) -> None:
    """One legend beside the map, off the terrain: the caller's entries first, then the base
    map's (``fontsize`` in points: smaller for a long list, such as every formation of a
    comparison)."""
    base = ax.get_legend()
    labels = [h.get_label() for h in handles]
    if base is not None:
        labels += [t.get_text() for t in base.get_texts()]
        handles = handles + list(base.legend_handles)
    ax.legend(handles=handles, labels=labels, loc="upper left", bbox_to_anchor=(1.01, 1.0),
              fontsize=fontsize, frameon=False, title="Legend", title_fontsize=fontsize + 1,
              alignment="left")


def _default_title(bbox) -> str:
    if tuple(bbox) == tuple(settings.THEATRE_BBOX):
        return "Manchuria and its approaches, August 1945: terrain and waterways"
    w, s, e, n = bbox
    return f"Terrain and waterways, {s:g}-{n:g}°N {w:g}-{e:g}°E"


def _credits(terrain, dem: str) -> str:
    dem_text = (
        'Elevation: meteva 30" China grid with 0.1° fill (meteva 1.9.6.2)'
        if dem == "merged"
        else "Elevation: ETOPO5 (NOAA NGDC)"
    )
    r = float(terrain.attrs["resolution_m"])
    return (
        f"{dem_text}, shaded at {r / 1000:g} km. Rivers, lakes, coast, borders: GSHHG/WDBII "
        f"2.3.7.\nPlaces: GeoNames (CC-BY 4.0) and the project's sources. Projection: Lambert "
        f"conformal conic, standard parallels 41°N and 51°N, central meridian 122°E."
    )
