"""The interactive map of a run or a comparison: one self-contained ``map.html`` (folium, Leaflet inlined).

``run_map(result)`` and ``comparison_map(comp)`` build a :class:`folium.Map`; ``write_map(m,
path)`` writes it atomically. The page works offline: Leaflet 1.9.3 (the version folium 0.20
names; BSD-2-Clause, ``report/web/LICENSE-leaflet.txt``) ships as package data in
``report/web/`` (from the ``xstatic-leaflet`` wheel) and is inlined into the page, the CDN
scripts folium adds by default (jQuery, Bootstrap, Font Awesome: only for its icon markers,
which these maps do not use) are left out, and there is no tile layer (tiles come from a
server); the base is the run's hillshade as an embedded PNG, where the caller passes the
elevation. Element ids are numbered in drawing order, so the same run gives the same bytes.

Layers: hillshade, 1945 railways and fortified regions (``report.context_layers``), the
route(s), the track lines, every formation's end-of-day positions on a day slider, and the
documented positions with source and quote in a popup. The day slider is a small inline
control (below): folium's ``TimestampedGeoJson`` needs jQuery and Leaflet.TimeDimension from a
CDN, which an offline page cannot fetch.
"""

from __future__ import annotations

import base64
import html
import json
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
from branca.element import Element, MacroElement
from jinja2 import Template

from logistics._atomic import atomic_path
from logistics.report.colours import PALETTE, formation_colour  # PALETTE re-exported

__all__ = ["run_map", "comparison_map", "write_map", "PALETTE"]


_WEB = resources.files("logistics.report") / "web"

#: The day slider: a Leaflet control with a range input; day i shows each formation's
#: position at the end of day i (large) and its earlier days (small, faded); later days hidden.
_SLIDER_JS = """
(function () {
  var map = %(map)s, group = %(group)s, days = %(days)s, data = %(data)s;
  var marks = data.map(function (p) {
    var m = L.circleMarker([p.lat, p.lon], {color: p.color, fillColor: p.color, weight: 1,
                                            radius: 4, className: "day-position"});
    m.bindTooltip(p.label);
    m._day = p.day;
    return m;
  });
  var label;
  function show(i) {
    marks.forEach(function (m) {
      if (m._day > i) { group.removeLayer(m); return; }
      m.setStyle(m._day === i ? {radius: 7, opacity: 1, fillOpacity: 0.95}
                              : {radius: 3, opacity: 0.6, fillOpacity: 0.35});
      if (!group.hasLayer(m)) { group.addLayer(m); }
    });
    label.textContent = "end of " + days[i];
  }
  var ctl = L.control({position: "bottomleft"});
  ctl.onAdd = function () {
    var div = L.DomUtil.create("div", "leaflet-bar day-slider");
    div.style.cssText = "background:#fff;padding:6px 10px;font:12px sans-serif";
    var input = L.DomUtil.create("input", "", div);
    input.type = "range"; input.min = 0; input.max = days.length - 1; input.step = 1;
    input.value = days.length - 1; input.style.width = "260px";
    label = L.DomUtil.create("div", "", div);
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.on(input, "input", function () { show(parseInt(input.value, 10)); });
    return div;
  };
  if (days.length) { ctl.addTo(map); show(days.length - 1); }
})();
"""


class _BoundPopup(MacroElement):
    """A popup bound with Leaflet's own ``bindPopup`` (folium's ``Popup`` needs jQuery)."""

    _template = Template("{% macro script(this, kwargs) %}"
                         "{{ this._parent.get_name() }}.bindPopup({{ this.text|tojson }}, "
                         "{maxWidth: 360});{% endmacro %}")

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "BoundPopup"
        self.text = text


class _Script(MacroElement):
    """Plain JavaScript in the page's script, produced at render time by ``code()`` (so it
    sees the final element names)."""

    _template = Template("{% macro script(this, kwargs) %}{{ this.code() }}{% endmacro %}")

    def __init__(self, code) -> None:
        super().__init__()
        self._name = "Script"
        self.code = code


def _inline_head(m) -> None:
    """Leave out folium's CDN scripts and styles; put Leaflet's own JS and CSS into the page
    (the CSS's images as data URIs)."""
    m.default_js = []
    m.default_css = []
    css = (_WEB / "leaflet.css").read_text(encoding="utf-8")
    for name in ("layers.png", "layers-2x.png", "marker-icon.png"):
        data = base64.b64encode((_WEB / name).read_bytes()).decode("ascii")
        css = css.replace(f"url(images/{name})", f"url(data:image/png;base64,{data})")
    js = (_WEB / "leaflet.js").read_text(encoding="utf-8")
    header = m.get_root().header
    header.add_child(Element(f"<style>{css}</style>"), name="leaflet_css_inline")
    header.add_child(Element(f"<script>{js}</script>"), name="leaflet_js_inline")


def _new_map(bounds) -> object:
    """An empty folium map without tiles, fitted to ``bounds`` (lon0, lat0, lon1, lat1)."""
    import folium

    lon0, lat0, lon1, lat1 = (float(v) for v in bounds)
    m = folium.Map(location=[(lat0 + lat1) / 2, (lon0 + lon1) / 2], tiles=None,
                   zoom_start=7, control_scale=True, prefer_canvas=False)
    _inline_head(m)
    m.fit_bounds([[lat0, lon0], [lat1, lon1]])
    return m


def _hillshade(m, elevation, *, max_px: int = 1200, z_factor: float = 3.0) -> None:
    """The run's terrain as a grey hillshade image under everything (EPSG:3857 so Leaflet
    places it exactly; sun from the north-west, 45 deg up; relief exaggerated ``z_factor``
    times, a drawing choice so that ranges read at theatre scale)."""
    import folium
    from pyproj import Transformer

    da = elevation.squeeze(drop=True)
    step = max(1, int(np.ceil(max(da.shape) / max_px)))
    da = da[::step, ::step].rio.reproject("EPSG:3857")
    z = da.to_numpy().astype(float)
    res_x, res_y = (abs(float(v)) for v in da.rio.resolution())
    dzdy, dzdx = np.gradient(z_factor * np.where(np.isfinite(z), z, np.nanmean(z)), res_y, res_x)
    slope = np.arctan(np.hypot(dzdx, dzdy))
    aspect = np.arctan2(-dzdx, dzdy)  # rows run south; east positive
    az, alt = np.radians(315.0), np.radians(45.0)
    shade = np.sin(alt) * np.cos(slope) + np.cos(alt) * np.sin(slope) * np.cos(az - aspect)
    grey = (np.clip(shade, 0, 1) * 200 + 40).astype(np.uint8)
    alpha = np.where(np.isfinite(z), 170, 0).astype(np.uint8)
    rgba = np.dstack([grey, grey, grey, alpha])
    x0, y0, x1, y1 = da.rio.bounds()
    to_ll = Transformer.from_crs("EPSG:3857", "EPSG:4326", always_xy=True)
    (lon0, lon1), (lat0, lat1) = to_ll.transform([x0, x1], [y0, y1])
    folium.raster_layers.ImageOverlay(rgba, bounds=[[lat0, lon0], [lat1, lon1]],
                                      mercator_project=False, name="terrain (hillshade)",
                                      origin="upper").add_to(m)


def _context(m, *, railways=True, fortified=True, config_dir=None) -> list[str]:
    """Railways and fortified regions (each when available) of the configs folder
    ``config_dir`` (``settings.CONFIG_DIR`` when None) -> the names of layers left out and
    why."""
    import folium

    from logistics.report.context_layers import (folder_railways, fortified_regions,
                                                 railway_lines)

    missing = []
    if railways:
        rail = railway_lines(folder_railways(config_dir))
        if len(rail):
            folium.GeoJson(
                _rounded(rail), name="railways 1945",
                style_function=lambda f: {"color": "#333", "weight": 2,
                                          "dashArray": "6 3" if f["properties"]["unverified"]
                                          else None},
                tooltip=folium.GeoJsonTooltip(["ref", "name", "gauge", "source"],
                                              aliases=["line", "name", "gauge (mm)", "source"]),
            ).add_to(m)
    if fortified:
        try:
            regions = fortified_regions(config_dir)
        except ModuleNotFoundError:  # the reader arrives with the formations engine
            missing.append("fortified regions (no fortified-region reader on this install)")
        else:
            if len(regions):
                folium.GeoJson(
                    _rounded(regions), name="fortified regions",
                    style_function=lambda f: {"color": "#8b0000", "weight": 1,
                                              "fillColor": "#8b0000", "fillOpacity": 0.15},
                    tooltip=folium.GeoJsonTooltip(["name", "status", "axes"]),
                ).add_to(m)
    return missing


def _rounded(gdf) -> dict:
    """A GeoDataFrame as a GeoJSON dict with coordinates to 6 decimals (0.1 m) and plain
    JSON values (dates as ISO text)."""
    frame = gdf.copy()
    for c in frame.columns:
        if c != frame.geometry.name and not pd.api.types.is_bool_dtype(frame[c]) \
                and not pd.api.types.is_numeric_dtype(frame[c]):
            frame[c] = frame[c].astype(str)
    return json.loads(frame.to_json(drop_id=True, to_wgs84=False).replace("NaN", "null"),
                      parse_float=lambda s: round(float(s), 6))


def _popup(row) -> str:
    """A documented position's popup: date, place, formation, confidence, source and quote."""
    e = lambda v: html.escape("" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v))  # noqa: E731
    when = pd.to_datetime(row["date"], errors="coerce")  # an impossible date is NaT: no date
    date = when.strftime("%d %b %Y") if pd.notna(when) else ""
    return (f"<b>{e(row.get('place_reached'))}</b> ({e(date)})<br>"
            f"{e(row.get('formation'))}<br>confidence: {e(row.get('confidence'))}<br>"
            f"<i>source:</i> {e(row.get('source'))}<br><i>&ldquo;{e(row.get('quote'))}&rdquo;</i>")


def _documented(m, points, *, name="documented positions") -> None:
    """Documented positions as black-ringed triangles-in-spirit (circle markers) with popups."""
    import folium

    group = folium.FeatureGroup(name=name)
    for row in points.to_dict("records"):
        folium.CircleMarker(
            [round(row["geometry"].y, 6), round(row["geometry"].x, 6)], radius=6, color="#000",
            weight=2, fill=True, fill_color="#ffd700", fill_opacity=0.9,
            tooltip=html.escape(str(row.get("place_reached", ""))),
            class_name="documented-position",
        ).add_to(group).add_child(_BoundPopup(_popup(row)))
    group.add_to(m)


def _day_slider(m, daily, colours: dict) -> None:
    """Every formation's end-of-day positions (``daily`` layer) on the inline day slider."""
    import folium

    group = folium.FeatureGroup(name="positions at the end of each day").add_to(m)
    dates = pd.to_datetime(daily["date"])
    days = sorted(dates.dt.normalize().unique())
    index = {d: i for i, d in enumerate(days)}
    data = [{"lat": round(float(g.y), 6), "lon": round(float(g.x), 6),
             "day": index[d.normalize()], "color": colours.get(f, PALETTE[0]),
             "label": html.escape(f"{f}: end of {d:%d %b}"
                                  + (f", {float(km):.0f} km" if pd.notna(km) else ""))}
            for f, d, km, g in zip(daily["formation_id"], dates,
                                   daily.get("cum_km", pd.Series(np.nan, index=daily.index)),
                                   daily.geometry)]

    group.add_child(_Script(lambda: _SLIDER_JS % {
        "map": m.get_name(), "group": group.get_name(),
        "days": json.dumps([f"{d:%d %b %Y}" for d in days]), "data": json.dumps(data)}),
        name="day_slider")


def _colours(ids) -> dict:
    return {f: formation_colour(i) for i, f in enumerate(dict.fromkeys(ids))}


def run_map(result, layers: dict | None = None, *, elevation=None, context: bool = True):
    """The interactive map of a run -> :class:`folium.Map`.

    ``layers`` is ``report.run_layers.run_layers(result)`` (computed when None); ``elevation``
    (metric ``xarray`` with CRS, m) draws a hillshade under everything; the railways and
    fortified regions are those of the configs folder the run read (``context=False`` leaves
    them out).
    """
    import folium

    from logistics.report.run_layers import run_config_dir, run_layers

    layers = layers or run_layers(result)
    routes, tracks, daily = layers["routes"], layers["track_lines"], layers["daily"]
    documented = layers["documented"]
    drawn = [g for g in (routes, tracks, daily, documented) if len(g)]
    bounds = _bounds(drawn)
    m = _new_map(bounds)
    if elevation is not None:
        _hillshade(m, elevation)
    missing = _context(m, railways=context, fortified=context,
                       config_dir=run_config_dir(result))
    colours = _colours(list(routes["formation_id"]) + list(daily["formation_id"]))
    head = (getattr(result, "summary", None) or {}).get("formation_id")
    group = folium.FeatureGroup(name="planned routes").add_to(m)
    # the headline's route thick and first, so a route on the same line leaves it showing
    for r in sorted(routes.itertuples(), key=lambda r: r.formation_id != head):
        folium.PolyLine([(round(y, 6), round(x, 6)) for x, y in r.geometry.coords],
                        color=colours[r.formation_id], weight=6 if r.formation_id == head else 3,
                        opacity=0.9,
                        tooltip=html.escape(f"{r.formation_id} {r.name or ''}: planned route, "
                                            f"{r.length_km:.0f} km"),
                        class_name="route").add_to(group)
    group = folium.FeatureGroup(name="tracks (as moved)", show=False).add_to(m)
    for r in tracks.itertuples():
        folium.PolyLine([(round(y, 6), round(x, 6)) for x, y in r.geometry.coords],
                        color=colours.get(r.formation_id, PALETTE[0]), weight=2, dash_array="4 4",
                        tooltip=html.escape(f"{r.formation_id}: moved {r.cum_km:.0f} km"),
                        class_name="track").add_to(group)
    objectives = layers.get("objectives")
    if objectives is not None and len(objectives):
        group = folium.FeatureGroup(name="objectives").add_to(m)
        for o in objectives.itertuples():
            when = (f"reached {o.reached:%d %b %H:%M}" if not pd.isna(o.reached)
                    else "not reached")
            folium.CircleMarker(  # (RegularPolygonMarker would fetch a plugin: not offline)
                (round(o.geometry.y, 6), round(o.geometry.x, 6)), radius=6, color="black",
                weight=2,
                fill_color=colours.get(o.formation_id, PALETTE[0]), fill_opacity=0.9,
                tooltip=html.escape(f"{o.formation_id}: objective {o.seq}, {o.objective} "
                                    f"(km {o.cum_km:.0f}), {when}"),
                class_name="objective").add_to(group)
    if len(daily):
        _day_slider(m, daily, colours)
    if len(documented):
        _documented(m, documented)
    sc = result.scenario
    _title(m, f"{sc.axis_id}: {sc.name}", missing, no_documented=not len(documented))
    _legend(m, colours, head)
    folium.LayerControl(collapsed=False).add_to(m)
    return _numbered(m)


def _legend(m, colours: dict, head: str | None) -> None:
    """The key of the formations' colours (routes, tracks, day positions) in the lower right
    corner, the headline named as such (the PNG map's legend, for the interactive map)."""
    if not colours:
        return
    rows = "".join(
        f'<div><span style="display:inline-block;width:18px;height:{5 if f == head else 3}px;'
        f'background:{c};vertical-align:middle;margin-right:6px"></span>'
        f'{html.escape(f)}{" (headline)" if f == head else ""}</div>'
        for f, c in colours.items())
    m.get_root().html.add_child(Element(
        '<div class="map-legend" style="position:absolute;bottom:24px;right:10px;'
        'z-index:1000;background:#fff;padding:4px 8px;font:12px sans-serif;'
        f'border-radius:4px;max-height:40%;overflow-y:auto">{rows}</div>\n'), name="map_legend")


def comparison_map(comp, *, context: bool = True):
    """The interactive map of a comparison (``history.compare.Comparison``): each axis's
    route and end-of-day positions on the day slider, and every documented position with
    coordinates (source and quote in the popup) -> :class:`folium.Map`."""
    import folium
    import geopandas as gpd
    from shapely.geometry import LineString, Point

    from logistics.report.run_layers import LONLAT_CRS

    routes, daily = [], []
    for axis, res in comp.axes.items():
        rp = res.trace.route_points
        if len(rp) >= 2:
            routes.append({"formation_id": axis, "length_km": float(rp["cum_km"].iloc[-1]),
                           "geometry": LineString(zip(rp["lon"], rp["lat"]))})
        d = res.trace.daily
        for row in d.to_dict("records"):
            daily.append({"formation_id": axis, "date": row["date"], "cum_km": row.get("cum_km"),
                          "geometry": Point(row["lon"], row["lat"])})
    routes = gpd.GeoDataFrame(routes, geometry="geometry", crs=LONLAT_CRS) if routes else None
    daily = gpd.GeoDataFrame(daily, geometry="geometry", crs=LONLAT_CRS) if daily else None
    docs = _comparison_documented(comp)
    bounds = _bounds([g for g in (routes, daily, docs) if g is not None and len(g)])
    m = _new_map(bounds)
    missing = _context(m, railways=context, fortified=context,
                       config_dir=getattr(comp, "config_dir", None))  # the folder it read
    colours = _colours(comp.axes)
    group = folium.FeatureGroup(name="modeled routes").add_to(m)
    for r in (routes.itertuples() if routes is not None else ()):
        folium.PolyLine([(round(y, 6), round(x, 6)) for x, y in r.geometry.coords],
                        color=colours[r.formation_id], weight=3, opacity=0.9,
                        tooltip=html.escape(f"{r.formation_id}: route, {r.length_km:.0f} km"),
                        class_name="route").add_to(group)
    if daily is not None:
        _day_slider(m, daily, colours)
    if len(docs):
        _documented(m, docs)
    _title(m, "Comparison with documented positions", missing, no_documented=not len(docs))
    _legend(m, colours, None)
    folium.LayerControl(collapsed=False).add_to(m)
    return _numbered(m)


def _comparison_documented(comp):
    """The comparison's documented rows with coordinates as points (with source, quote)."""
    import geopandas as gpd

    from logistics.report.run_layers import LONLAT_CRS

    t = comp.table.copy()
    t = t[pd.to_numeric(t["lat"], errors="coerce").notna()
          & pd.to_numeric(t["lon"], errors="coerce").notna()]
    quotes = getattr(getattr(comp, "inputs", None), "documented", None)
    usable = getattr(quotes, "usable", None)
    if usable is not None and "quote" in usable and "row" in usable and "row" in t:
        t = t.merge(usable[["row", "quote", "formation"]], on="row", how="left",
                    suffixes=("", "_doc"))
    for c in ("quote", "formation", "source", "place_reached", "confidence"):
        if c not in t:
            t[c] = ""
    t["place_reached"] = t["axis_id"].astype(str) + ": " + t["place_reached"].astype(str)
    return gpd.GeoDataFrame(t, geometry=gpd.points_from_xy(t["lon"].astype(float),
                                                           t["lat"].astype(float)),
                            crs=LONLAT_CRS)


def _bounds(frames) -> tuple[float, float, float, float]:
    """The box around every frame drawn, padded 0.3 deg (the theatre when nothing is drawn)."""
    from logistics import settings

    if not frames:
        return tuple(settings.THEATRE_BBOX)
    b = np.array([f.total_bounds for f in frames])
    return (b[:, 0].min() - 0.3, b[:, 1].min() - 0.3, b[:, 2].max() + 0.3, b[:, 3].max() + 0.3)


def _title(m, title: str, missing: list[str], *, no_documented: bool) -> None:
    """A small caption in the top-left corner: title, what is left out and why."""
    notes = list(missing)
    if no_documented:
        notes.append("no documented positions with coordinates for this run")
    text = html.escape(title) + "".join(f"<br><small>{html.escape(n)}</small>" for n in notes)
    m.get_root().html.add_child(Element(
        '<div class="map-title" style="position:absolute;top:10px;left:50px;z-index:1000;'
        f'background:#fff;padding:4px 8px;font:13px sans-serif;border-radius:4px">{text}</div>'),
        name="map_title")


def _numbered(m):
    """Give every element of the page an id numbered in drawing order (folium draws random
    ones), so the same map renders to the same bytes."""
    count = 0

    def walk(el):
        nonlocal count
        count += 1
        el._id = f"{count:04d}"
        for child in list(el._children.values()):
            walk(child)

    walk(m.get_root())
    return m


def write_map(m, path: str | Path) -> Path:
    """Write the map's self-contained HTML to ``path`` atomically (UTF-8); return the path."""
    path = Path(path)
    text = m.get_root().render()
    with atomic_path(path) as tmp:
        Path(tmp).write_text(text, encoding="utf-8")
    return path
