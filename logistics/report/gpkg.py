"""A run's GeoPackage: every layer of ``run_layers`` with its QML style in ``layer_styles``.

``write_gpkg(layers, path, timestamp=...)`` writes the GeoDataFrames with geopandas (pyogrio,
one layer each, datetime fields as GeoPackage DATETIME so QGIS's temporal controller plays the
track) and then stores each layer's QML in the ``layer_styles`` table QGIS reads when it opens
a layer (its default style). That table is written with the standard library's ``sqlite3``
because neither GDAL nor geopandas writes it (it is QGIS's convention, not part of the
GeoPackage standard); its schema is the one QGIS creates, and it is registered in
``gpkg_contents`` as an attributes table as the standard asks of extra tables.

Deterministic: ``timestamp`` (an ISO time; the run's start) stands in for "now" in the
GeoPackage's ``last_change`` and the styles' ``update_time``, so the same run gives the same
bytes.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

__all__ = ["write_gpkg", "GEOMETRY_TYPES"]

#: Geometry type of each layer (declared, so an empty layer still has its type).
GEOMETRY_TYPES: dict[str, str] = {
    "routes": "LineString", "track_lines": "LineString", "track": "Point", "daily": "Point",
    "halts": "Point", "deliveries": "Point", "crossings": "Point", "documented": "Point",
    "objectives": "Point",
    # context (report.context_layers): the theatre's layers cut to the run's extent
    "fortified_regions": "MultiPolygon", "railways_1945": "MultiLineString",
}

_LAYER_STYLES = """CREATE TABLE IF NOT EXISTS layer_styles (
 id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256), f_table_schema TEXT(256),
 f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT,
 styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30),
 update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))"""


def _writable(gdf):
    """The frame as pyogrio writes it: text columns of an empty or all-missing object column
    become strings (a type GeoPackage has), datetimes stay datetimes."""
    out = gdf.copy()
    for c in out.columns:
        if c == out.geometry.name:
            continue
        if out[c].dtype == object or str(out[c].dtype) in ("str", "string"):
            out[c] = out[c].map(lambda v: None if v is None or v != v else str(v)).astype(object)
    return out


def _description(name: str, gdf, utc_offset_h: float | None) -> str:
    """The layer's description in ``gpkg_contents``: the clock of its datetime fields (the
    GeoPackage stores a local time without a zone, as GDAL writes a naive time, so the file
    itself says which clock it is), empty for a layer without time."""
    import pandas as pd

    from logistics.report.run_page import clock_note

    times = [c for c in gdf.columns if c != gdf.geometry.name
             and pd.api.types.is_datetime64_any_dtype(gdf[c])]
    if utc_offset_h is None or not times:
        return ""
    return f"{name}: {', '.join(times)}: {clock_note(utc_offset_h)}"


def write_gpkg(layers: dict, path: str | Path, *, timestamp: str,
               qml_dir: str | Path | None = None, utc_offset_h: float | None = None,
               formations: tuple[str, ...] | None = None) -> Path:
    """Write ``layers`` (``{name: GeoDataFrame}``) into a new GeoPackage at ``path`` with
    each layer's QML styles (``qgis.layer_styles``: the default first, e.g. the track 'by
    formation', then 'by status'); also write them into ``qml_dir`` when given, the default as
    ``<stem>.<name>.qml``, another as ``<stem>.<name>.<field>.qml``. ``formations``: the run's
    formation ids in the order of their colours (None: ``run_layers.formation_order``). ``timestamp`` is ``YYYY-MM-DDTHH:MM:SS`` (UTC, no zone). ``utc_offset_h``
    (the army's clock) is stated in the description of every layer with a time field."""
    import pyogrio

    from logistics.report.qgis import STYLES, layer_styles
    from logistics.report.run_layers import formation_order

    path = Path(path)
    iso = f"{timestamp}.000Z" if "." not in timestamp else f"{timestamp}Z"
    old = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": iso})
    try:
        for i, (name, gdf) in enumerate(layers.items()):
            # GeoPackage 1.2, not GDAL's newer default 1.4: GDAL before 3.7 (QGIS on Debian 12,
            # Ubuntu 22.04) warns on every layer of a 1.4 file; nothing here needs 1.4
            version = {"VERSION": "1.2"} if i == 0 else {}
            _writable(gdf).to_file(path, layer=name, driver="GPKG", engine="pyogrio",
                                   geometry_type=GEOMETRY_TYPES.get(name, "Unknown"),
                                   SPATIAL_INDEX="YES",
                                   DESCRIPTION=_description(name, gdf, utc_offset_h), **version)
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": old})
    with sqlite3.connect(path) as con:
        con.execute(_LAYER_STYLES)
        order = formation_order(layers) if formations is None else tuple(formations)
        for name in layers:
            fields = STYLES[name].by or ("",)
            for i, (style, qml) in enumerate(layer_styles(name, order)):
                # the default keeps the layer's name (QGIS's own default style name)
                con.execute(
                    "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, "
                    "f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, "
                    "description, owner, ui, update_time) "
                    "VALUES ('', '', ?, ?, ?, ?, '', ?, ?, '', '', ?)",
                    (name, "geom", name if i == 0 else f"{name} {style}", qml, int(i == 0),
                     f"logistics {'default ' if i == 0 else ''}style of {name}"
                     + (f", {style}" if fields[i] else ""), iso))
                if qml_dir is not None:
                    stem = f"{path.stem}.{name}" + (f".{fields[i]}" if i else "")
                    (Path(qml_dir) / f"{stem}.qml").write_text(qml, encoding="utf-8")
        con.execute(
            "INSERT OR REPLACE INTO gpkg_contents (table_name, data_type, identifier, "
            "description, last_change) VALUES ('layer_styles', 'attributes', 'layer_styles', "
            "'QGIS layer styles (QML) of this run', ?)", (iso,))
    with sqlite3.connect(path) as con:  # compact: no free pages left by the inserts
        con.execute("VACUUM")
    return path
