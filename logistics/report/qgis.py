"""QGIS styles (QML) for a run's layers and the QGIS project (.qgz) that opens the run folder.

Written as XML by hand because no library writes them outside QGIS itself: the QML and QGS
formats belong to QGIS, and PyQGIS (the only API that writes them) needs a QGIS install, far
too heavy a dependency for a file of a few kilobytes. What is written is the documented
subset QGIS reads: ``renderer-v2`` with simple line and marker symbols, single or categorized
(the formations' and statuses' colours of ``report.colours``), simple labelling,
temporal properties (the track plays in QGIS's temporal controller), and a project with
relative data sources, the layer tree, and a hillshade renderer on the terrain raster.

``layer_qml(name, by=DEFAULT, formations=())`` -> the QML text of one layer of
``report.run_layers.LAYERS`` or ``report.context_layers.CONTEXT_LAYERS``, categorized by one of
its ``Style.by`` fields; ``layer_styles(name, formations)`` -> every named style of a layer, the
default first;
``write_qgz(path, vectors, rasters, title)`` -> the project file.
"""

from __future__ import annotations

import functools
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

__all__ = ["STYLES", "DEFAULT", "layer_qml", "layer_style_element", "layer_styles", "category_values",
           "style_name", "write_qgz", "QGIS_VERSION"]

#: The QGIS version the files declare: the oldest long-term release still shipped by the
#: distributions (Debian 12, Ubuntu 22.04), which reads all they hold (test_qgis_opens opens
#: them with its PyQGIS). 3.34 was declared before: QGIS 3.22 then warned on every opening
#: that the project was saved by a newer QGIS and "problems may occur"; a newer QGIS reads an
#: older project without a word.
QGIS_VERSION = "3.22.0-Białowieża"


@dataclass(frozen=True)
class Style:
    """One layer's look: geometry kind, colour (``r,g,b,a``), size in mm, marker shape or line
    style, a label expression (empty: none) and the datetime field that plays it in time."""

    kind: str  # "line", "marker" or "fill"
    color: str
    size_mm: float
    #: marker: circle, square, triangle, diamond, star; line: solid, dash; fill: its brush
    #: (solid, b_diagonal, f_diagonal, cross), ``color`` its outline and hatch
    shape: str = "circle"
    label: str = ""
    time_field: str = ""
    time_step_h: float = 1.0
    #: fields the layer is categorized by, each a named style (the first the default):
    #: ``formation_id`` (the run's formation colours) or ``status`` (the statuses' colours);
    #: none: one symbol
    by: tuple[str, ...] = ()


#: The look of every layer of ``report.run_layers.LAYERS``, of the context layers and of a
#: route's and a comparison's GeoPackage.
STYLES: dict[str, Style] = {
    "routes": Style("line", "35,35,35,255", 0.7, "dash"),
    "track_lines": Style("line", "31,119,180,255", 1.1, "solid", by=("formation_id",)),
    "track": Style("marker", "31,119,180,255", 1.6, "circle", time_field="time", time_step_h=1.0,
                   by=("formation_id", "status")),
    "daily": Style("marker", "255,255,255,255", 2.6, "circle",
                   label="format_date(\"date\", 'd MMM')", time_field="time",
                   time_step_h=24.0, by=("formation_id", "status")),
    "halts": Style("marker", "214,39,40,255", 3.2, "square", label="\"reason\""),
    "deliveries": Style("marker", "44,160,44,255", 3.0, "diamond",
                        label="round(\"litres\") || ' L'"),
    "crossings": Style("marker", "23,190,207,255", 2.8, "triangle"),
    "objectives": Style("marker", "0,0,0,255", 3.0, "square",
                        label="\"formation_id\" || ': ' || \"objective\""),
    "documented": Style("marker", "255,127,14,255", 4.0, "star",
                        label="\"place_reached\" || ' ' || format_date(\"date\", 'd MMM')"),
    # context layers (report.context_layers)
    "fortified_regions": Style("fill", "139,0,0,255", 0.4, "b_diagonal", label="\"name\""),
    "railways_1945": Style("line", "51,51,51,255", 0.5, "solid"),
    # route.gpkg of `logistics route --out` (report.gpkg.route_layers)
    "legs": Style("line", "214,39,40,255", 1.2, "solid",
                  label="\"mode\" || ' ' || round(\"time_h\", 1) || ' h'"),
    "transfers": Style("marker", "0,0,0,255", 2.4, "square", label="\"mode\""),
    # comparison.gpkg of `logistics compare --out` (report.compare_outputs.comparison_layers;
    # its documented points take the style of a run's above)
    "modeled": Style("marker", "31,119,180,255", 3.0, "circle",
                     label="\"matched_formation\""),
    "errors": Style("line", "214,39,40,255", 0.8, "dash",
                    label="round(\"date_error_days\", 1) || ' d'"),
}


def _opt(parent: ET.Element, name: str, value: str) -> None:
    ET.SubElement(parent, "Option", name=name, type="QString", value=value)


def _symbol(style: Style) -> ET.Element:
    sym = ET.Element("symbol", type=style.kind, name="0",
                     alpha="1", clip_to_extent="1", force_rhr="0")
    if style.kind == "fill":
        layer = ET.SubElement(sym, "layer", attrib={"class": "SimpleFill", "enabled": "1",
                                                     "pass": "0", "locked": "0"})
        opts = ET.SubElement(layer, "Option", type="Map")
        _opt(opts, "color", style.color)
        _opt(opts, "style", style.shape)
        _opt(opts, "outline_color", style.color)
        _opt(opts, "outline_style", "solid")
        _opt(opts, "outline_width", f"{style.size_mm:g}")
        _opt(opts, "outline_width_unit", "MM")
    elif style.kind == "line":
        layer = ET.SubElement(sym, "layer", attrib={"class": "SimpleLine", "enabled": "1",
                                                     "pass": "0", "locked": "0"})
        opts = ET.SubElement(layer, "Option", type="Map")
        _opt(opts, "line_color", style.color)
        _opt(opts, "line_width", f"{style.size_mm:g}")
        _opt(opts, "line_width_unit", "MM")
        _opt(opts, "line_style", style.shape)
        _opt(opts, "capstyle", "round")
        _opt(opts, "joinstyle", "round")
    else:
        layer = ET.SubElement(sym, "layer", attrib={"class": "SimpleMarker", "enabled": "1",
                                                     "pass": "0", "locked": "0"})
        opts = ET.SubElement(layer, "Option", type="Map")
        _opt(opts, "name", style.shape)
        _opt(opts, "color", style.color)
        _opt(opts, "size", f"{style.size_mm:g}")
        _opt(opts, "size_unit", "MM")
        _opt(opts, "outline_color", "35,35,35,255")
        _opt(opts, "outline_width", "0.3")
        _opt(opts, "outline_width_unit", "MM")
    return sym


def _rgba(hex_colour: str) -> str:
    """``#rrggbb`` -> QGIS's ``r,g,b,255``."""
    h = hex_colour.lstrip("#")
    return ",".join(str(int(h[i:i + 2], 16)) for i in (0, 2, 4)) + ",255"


def category_values(field: str, formations: tuple[str, ...] = ()) -> dict[str, str]:
    """The categories of a style by ``field`` and their colours (``r,g,b,a``): the run's
    ``formations`` in order (``report.colours.formation_colour``, as on map.html and the PNG
    maps), or every status of ``advance.simulate.STATUSES`` (``report.colours.STATUS_COLOURS``):
    the values the layers' ``status`` field takes."""
    from logistics.advance.simulate import STATUSES
    from logistics.report.colours import STATUS_COLOURS, formation_colour

    if field == "formation_id":
        return {f: _rgba(formation_colour(i)) for i, f in enumerate(dict.fromkeys(formations))}
    if field == "status":
        return {s: _rgba(STATUS_COLOURS[s]) for s in STATUSES}
    raise ValueError(f"no categories for field {field!r}")


def style_name(field: str | None) -> str:
    """A named style's name in QGIS (Layer > Styles): 'by formation', 'by status'; 'default'
    for one symbol."""
    return {None: "default", "formation_id": "by formation"}.get(field, f"by {field}")


def _renderer(style: Style, by: str | None, formations: tuple[str, ...]) -> ET.Element:
    """A single-symbol renderer, or one categorized by field ``by`` (a category each value of
    :func:`category_values`, the layer's symbol in its colour)."""
    if by is None:
        renderer = ET.Element("renderer-v2", type="singleSymbol", symbollevels="0",
                              enableorderby="0", forceraster="0")
        ET.SubElement(renderer, "symbols").append(_symbol(style))
        return renderer
    renderer = ET.Element("renderer-v2", type="categorizedSymbol", attr=by, symbollevels="0",
                          enableorderby="0", forceraster="0")
    cats = ET.SubElement(renderer, "categories")
    symbols = ET.SubElement(renderer, "symbols")
    for i, (value, colour) in enumerate(category_values(by, formations).items()):
        ET.SubElement(cats, "category", value=value, symbol=str(i), label=value, render="true",
                      type="string")
        sym = _symbol(replace(style, color=colour))
        sym.set("name", str(i))
        symbols.append(sym)
    ET.SubElement(renderer, "source-symbol").append(_symbol(style))
    return renderer


def _temporal(style: Style, local_clock: bool) -> ET.Element:
    """The layer's clock (QGIS's temporal properties): each feature shown from its time for
    ``style.time_step_h``. ``local_clock``: the layer has ``<time_field>_local`` beside the
    UTC DATETIME (``report.gpkg``, an army with ``utc_offset_h``), and plays by it
    (``to_datetime("time_local")``, mode 4: start and end from expressions), so the temporal
    controller runs on the army's clock, the times of report.md and the tables, in every QGIS:
    QGIS 3.22 drops the DATETIME's zone (it shows and plays 1945-08-08 15:00 for the army's
    01:00 on 9 Aug), and every QGIS compares times by their wall-clock digits. Else the field
    itself (mode 1: the instant in the field, shown for the fixed duration)."""
    if not local_clock:
        return ET.Element(
            "temporal", enabled="1", mode="1", startField=style.time_field, endField="",
            durationField="", durationUnit="h", fixedDuration=f"{style.time_step_h:g}",
            accumulate="0", limitMode="0", startExpression="", endExpression="")
    from logistics.report.field_names import local_suffix

    start = f'to_datetime("{style.time_field}{local_suffix}")'
    return ET.Element(
        "temporal", enabled="1", mode="4", startField="", endField="", durationField="",
        durationUnit="h", fixedDuration="0", accumulate="0", limitMode="0",
        startExpression=start,
        endExpression=f"{start} + to_interval('{style.time_step_h:g} hours')")


def _style_children(name: str, by: str | None = None,
                    formations: tuple[str, ...] = (), *,
                    local_clock: bool = False) -> list[ET.Element]:
    """The elements QGIS reads from a QML and from a project's ``maplayer`` alike: the layer's
    renderer (categorized by ``by``, one of its ``Style.by``; one symbol when None), its
    labels and its clock (:func:`_temporal`)."""
    style = STYLES[name]
    children = [_renderer(style, by, formations)]
    if style.label:
        labeling = ET.Element("labeling", type="simple")
        settings = ET.SubElement(labeling, "settings", calloutType="simple")
        ET.SubElement(settings, "text-style", fieldName=style.label, isExpression="1",
                      fontSize="8", fontSizeUnit="Point", textColor="20,20,20,255",
                      fontFamily="Sans Serif", namedStyle="Regular")
        ET.SubElement(settings, "text-buffer", bufferDraw="1", bufferSize="0.8",
                      bufferSizeUnits="MM", bufferColor="255,255,255,255")
        # 6: around a point (markers); 1: over the polygon's centroid (fills)
        ET.SubElement(settings, "placement", placement="1" if style.kind == "fill" else "6",
                      dist="1.5", distUnits="MM")
        ET.SubElement(settings, "rendering", scaleVisibility="0", obstacle="1")
        children.append(labeling)
    if style.time_field:
        children.append(_temporal(style, local_clock))
    return children


#: ``by`` of :func:`layer_qml`: the layer's default style (the first of its ``Style.by``).
DEFAULT = "default"


def _by(name: str, by: str | None) -> str | None:
    return (STYLES[name].by or (None,))[0] if by == DEFAULT else by


def layer_style_element(name: str, by: str | None = DEFAULT,
                        formations: tuple[str, ...] = (), *,
                        local_clock: bool = False) -> ET.Element:
    """The ``<qgis>`` root of layer ``name``'s QML, categorized by ``by`` (None: one symbol;
    :data:`DEFAULT`: its default style); ``local_clock``: see :func:`_temporal`."""
    root = ET.Element("qgis", version=QGIS_VERSION, styleCategories="AllStyleCategories")
    root.extend(_style_children(name, _by(name, by), formations, local_clock=local_clock))
    return root


def layer_qml(name: str, by: str | None = DEFAULT, formations: tuple[str, ...] = (), *,
              local_clock: bool = False) -> str:
    """QML text of layer ``name`` (one of ``report.run_layers.LAYERS`` or
    ``report.context_layers.CONTEXT_LAYERS``), categorized by field ``by`` (one of its
    ``Style.by``, the run's ``formations`` in order giving their colours; None: one symbol;
    :data:`DEFAULT`: the first of its ``Style.by``, one symbol when it has none)."""
    root = layer_style_element(name, by, formations, local_clock=local_clock)
    ET.indent(root)
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + \
        ET.tostring(root, encoding="unicode") + "\n"


def layer_styles(name: str, formations: tuple[str, ...] = (), *,
                 local_clock: bool = False) -> list[tuple[str, str]]:
    """Every named style of layer ``name`` as ``(style name, QML)``, the default first: one
    per field of its ``Style.by`` ('by formation', 'by status'), else its one symbol
    ('default'); ``local_clock``: see :func:`_temporal`."""
    return [(style_name(by), layer_qml(name, by, formations, local_clock=local_clock))
            for by in (STYLES[name].by or (None,))]


def _srs(parent: ET.Element, authid: str, wkt: str, description: str, *,
         tag: str = "srs") -> None:
    srs = ET.SubElement(ET.SubElement(parent, tag), "spatialrefsys")
    ET.SubElement(srs, "wkt").text = wkt
    ET.SubElement(srs, "authid").text = authid
    ET.SubElement(srs, "description").text = description


def _raster_renderer(kind: str) -> ET.Element:
    if kind == "hillshade":
        return ET.Element("rasterrenderer", type="hillshade", band="1", azimuth="315",
                          angle="45", zFactor="1", multidirection="0", opacity="1",
                          alphaBand="-1", nodataColor="")
    return ET.Element("rasterrenderer", type="singlebandgray", grayBand="1",
                      gradient="BlackToWhite", opacity="0.6", alphaBand="-1", nodataColor="")


def _style_manager(name: str, formations: tuple[str, ...], local_clock: bool) -> ET.Element:
    """A project layer's named styles (Layer > Styles in QGIS): the current one (its default,
    whose renderer the ``maplayer`` holds) and each other one as its QML root."""
    styles = STYLES[name].by or (None,)
    manager = ET.Element("map-layer-style-manager", current=style_name(styles[0]))
    ET.SubElement(manager, "map-layer-style", name=style_name(styles[0]))
    for by in styles[1:]:
        ET.SubElement(manager, "map-layer-style", name=style_name(by)).append(
            layer_style_element(name, by, formations, local_clock=local_clock))
    return manager


@functools.lru_cache(maxsize=8)
def epsg_code(wkt: str) -> int | None:
    """The EPSG code of the CRS ``wkt`` (None: it has none), keyed on the WKT itself. Why
    cached: ``pyproj.CRS.to_epsg`` searches the CRS database (0.13 s CPU for the metric grid,
    which has no code), and every run folder's project asked it again for the same CRS."""
    from pyproj import CRS

    return CRS.from_wkt(wkt).to_epsg()


def write_qgz(path: str | Path, *, gpkg: str, vectors: dict[str, tuple[str, str]],
              rasters: dict[str, tuple[str, str]], title: str,
              extent: tuple[float, float, float, float],
              formations: tuple[str, ...] = (), local_clock: bool = False) -> Path:
    """Write a QGIS project (zipped .qgs) opening the run folder's files by relative path.

    ``gpkg`` is the GeoPackage's file name; ``vectors`` maps each layer name to its
    (geometry kind ``Point``/``LineString``/``MultiLineString``/``MultiPolygon``, title), bottom
    layer first; ``rasters`` maps a file name beside the
    project to (renderer ``hillshade``/``gray``, title); ``extent`` is the lon/lat box the
    project opens on. Vector layers are in EPSG:4326, rasters in the run's metric CRS (QGIS
    reprojects on the fly); the project CRS is that metric one when there are rasters (the
    canvas opens on ``extent`` projected to it), else EPSG:4326. ``formations``: the run's
    formation ids in order, the categories (and colours) of the layers styled by formation.
    ``local_clock``: the GeoPackage has the army's clock beside its times (``report.gpkg``
    given ``utc_offset_h``), and the layers play by it (:func:`_temporal`).
    """
    from pyproj import CRS, Transformer

    from logistics import settings
    from logistics.report.rasters import metric_crs

    metric = metric_crs()  # named as in the COGs
    lonlat = CRS.from_epsg(4326)
    code = epsg_code(metric.to_wkt())  # a search of the CRS database, once a process
    metric_authid = settings.METRIC_CRS if code is None else f"EPSG:{code}"
    qgis = ET.Element("qgis", projectname=title, version=QGIS_VERSION)
    ET.SubElement(qgis, "title").text = title
    if rasters:  # the rasters' grid, as the PNG maps draw it (lon/lat stretches east-west)
        _srs(qgis, metric_authid, metric.to_wkt(), metric.name, tag="projectCrs")
        canvas_units = "meters"
        extent = Transformer.from_crs(lonlat, metric, always_xy=True).transform_bounds(
            *extent, densify_pts=21)
    else:
        _srs(qgis, "EPSG:4326", lonlat.to_wkt(), lonlat.name, tag="projectCrs")
        canvas_units = "degrees"

    tree = ET.SubElement(qgis, "layer-tree-group")
    layers = ET.SubElement(qgis, "projectlayers")
    order: list[tuple[str, str, str, str]] = []  # (id, name, source, provider), top first
    for name in reversed(list(vectors)):
        order.append((f"{name}_layer", vectors[name][1], f"./{gpkg}|layername={name}", "ogr"))
    for fname in rasters:
        order.append((f"{Path(fname).stem}_raster", rasters[fname][1], f"./{fname}", "gdal"))
    for lid, lname, source, provider in order:
        ET.SubElement(tree, "layer-tree-layer", id=lid, name=lname, source=source,
                      providerKey=provider, checked="Qt::Checked", expanded="0")
    for name, (geom, lname) in vectors.items():
        ml = ET.SubElement(layers, "maplayer", type="vector", geometry=(
            "Line" if "LineString" in geom else "Polygon" if "Polygon" in geom else "Point"),
            wkbType=geom)
        ET.SubElement(ml, "id").text = f"{name}_layer"
        ET.SubElement(ml, "datasource").text = f"./{gpkg}|layername={name}"
        ET.SubElement(ml, "layername").text = lname
        _srs(ml, "EPSG:4326", lonlat.to_wkt(), lonlat.name)
        ET.SubElement(ml, "provider", encoding="UTF-8").text = "ogr"
        ml.extend(_style_children(name, _by(name, DEFAULT), formations,
                                  local_clock=local_clock))
        ml.append(_style_manager(name, formations, local_clock))
    for fname, (kind, lname) in rasters.items():
        ml = ET.SubElement(layers, "maplayer", type="raster")
        ET.SubElement(ml, "id").text = f"{Path(fname).stem}_raster"
        ET.SubElement(ml, "datasource").text = f"./{fname}"
        ET.SubElement(ml, "layername").text = lname
        _srs(ml, metric_authid, metric.to_wkt(), metric.name)
        ET.SubElement(ml, "provider").text = "gdal"
        pipe = ET.SubElement(ml, "pipe")
        pipe.append(_raster_renderer(kind))
    order_el = ET.SubElement(qgis, "layerorder")
    for lid, *_ in order:
        ET.SubElement(order_el, "layer", id=lid)
    canvas = ET.SubElement(qgis, "mapcanvas", name="theMapCanvas")
    ET.SubElement(canvas, "units").text = canvas_units
    ext = ET.SubElement(canvas, "extent")
    for key, value in zip(("xmin", "ymin", "xmax", "ymax"), extent):
        ET.SubElement(ext, key).text = f"{value:.6f}" if canvas_units == "degrees" \
            else f"{value:.1f}"
    props = ET.SubElement(qgis, "properties")
    # QGIS reads <projectCrs> only when this legacy flag is set (QgsProject::readProjectFile);
    # without it the project opens with no CRS: nothing reprojected, the lon/lat layers drawn in
    # degrees over one metre-sized cell of the rasters (checked with PyQGIS 3.22).
    srs_props = ET.SubElement(props, "SpatialRefSys")
    ET.SubElement(srs_props, "ProjectionsEnabled", type="int").text = "1"
    paths = ET.SubElement(props, "Paths")
    ET.SubElement(paths, "Absolute", type="bool").text = "false"
    ET.indent(qgis)
    text = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + \
        ET.tostring(qgis, encoding="unicode") + "\n"
    path = Path(path)
    info = zipfile.ZipInfo(f"{path.stem}.qgs", date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(path, "w") as zf:  # fixed date: the same run gives the same bytes
        zf.writestr(info, text)
    return path
