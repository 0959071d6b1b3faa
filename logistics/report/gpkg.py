"""A run's GeoPackage: every layer of ``run_layers`` with its QML style in ``layer_styles``.

``write_gpkg(layers, path, timestamp=...)`` writes the GeoDataFrames with pyogrio (one layer
each) and then stores each layer's QML in the ``layer_styles`` table QGIS reads when it opens
a layer (its default style).

Times. The run's frames hold the army's local clock without a zone (``utc_offset_h``, UTC+10
on every shipped axis). The GeoPackage standard's DATETIME is a UTC instant
(``YYYY-MM-DDTHH:MM:SS.SSSZ``), so every datetime field is written as that instant (the local
time less ``utc_offset_h``; QGIS's temporal controller plays it), and beside it
``<field>_local`` holds the army's clock as text with its offset
(``1945-08-09T01:00:00+10:00``: the times of the CSV tables and report.md). A field of
``run_layers.DATE_FIELDS`` is a calendar day of the army's clock, not an instant: GeoPackage DATE
(``YYYY-MM-DD``), not a midnight. Before, the local time went in without a zone
(``1945-08-09T01:00:00.000``): not the standard's form, and read by QGIS and GDAL as the clock
of the machine that opens it. That table is written with the standard library's ``sqlite3``
because neither GDAL nor geopandas writes it (it is QGIS's convention, not part of the
GeoPackage standard); its schema is the one QGIS creates, and it is registered in
``gpkg_contents`` as an attributes table as the standard asks of extra tables.

Deterministic: ``timestamp`` (an ISO time; the run's start) stands in for "now" in the
GeoPackage's ``last_change`` and the styles' ``update_time``, so the same run gives the same
bytes.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from logistics.report.field_names import local_suffix
from logistics.report.run_layers import DATE_FIELDS

__all__ = ["write_gpkg", "GEOMETRY_TYPES", "ROUTE_TIMESTAMP", "local_suffix", "route_layers"]

#: Geometry type of each layer (declared, so an empty layer still has its type).
GEOMETRY_TYPES: dict[str, str] = {
    "routes": "LineString", "track_lines": "LineString", "track": "Point", "daily": "Point",
    "halts": "Point", "deliveries": "Point", "crossings": "Point", "documented": "Point",
    "objectives": "Point",
    # context (report.context_layers): the theatre's layers cut to the run's extent
    "fortified_regions": "MultiPolygon", "railways_1945": "MultiLineString",
    # a route's (route_layers)
    "legs": "LineString", "transfers": "Point",
    # a comparison's (report.compare_outputs.comparison_layers; its documented is the one above)
    "modeled": "Point", "errors": "LineString",
}

#: The fixed "now" of a route's and a comparison's GeoPackage: neither has a date of its own,
#: and the same route or comparison should give the same bytes (the zip epoch, as run.qgz's
#: entries).
ROUTE_TIMESTAMP = "1980-01-01T00:00:00"


def route_layers(frame) -> dict:
    """A route's legs (``MultiRoute.frame()``) as the layers of its GeoPackage: ``legs``, the
    rail, road and cross-country legs (lines), and ``transfers``, entraining, detraining,
    changes of gauge, joining or leaving a road (points; no distance, their hours); the places
    ``from_place`` and ``to_place`` (``network.multimodal.GIS_NAMES``)."""
    from logistics.network.multimodal import GIS_NAMES

    frame = frame.rename(columns=GIS_NAMES)
    points = frame.geom_type == "Point"
    return {"legs": frame[~points].reset_index(drop=True),
            "transfers": frame[points].reset_index(drop=True)}

_LAYER_STYLES = """CREATE TABLE IF NOT EXISTS layer_styles (
 id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256), f_table_schema TEXT(256),
 f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT,
 styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30),
 update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))"""



#: GDAL's time-zone flag of a UTC value (RFC 56).
_GDAL_UTC = 100


def _fields(gdf, utc_offset_h: float | None) -> tuple[list, list, list, dict]:
    """The frame's fields as ``pyogrio.raw.write`` takes them: (names, values, masks, GDAL
    time-zone flags). Text (an empty or all-missing object column too) as str or None; a
    field of ``run_layers.DATE_FIELDS`` as ``datetime64[D]`` (DATE); any other datetime as its UTC
    instant to the second (DATETIME with ``Z``; the local time less ``utc_offset_h``, a naive
    one kept naive when the clock is unknown) followed by ``<name>_local``, the army's clock
    as ISO 8601 text with its offset."""
    import numpy as np
    import pandas as pd

    from logistics.report.run_page import utc_zone

    names, values, masks, zones = [], [], [], {}

    def add(name, data, mask=None):
        names.append(name)
        values.append(data)
        masks.append(mask)

    for c in gdf.columns:
        if c == gdf.geometry.name:
            continue
        col = gdf[c]
        if pd.api.types.is_datetime64_any_dtype(col):
            if c in DATE_FIELDS:
                naive = col.dt.tz_localize(None) if col.dt.tz is not None else col
                add(c, naive.to_numpy().astype("datetime64[D]"))
                continue
            when = col.dt.round("s")
            if when.dt.tz is not None:
                utc = when.dt.tz_convert("UTC").dt.tz_localize(None)
            elif utc_offset_h is not None:
                utc = when - pd.Timedelta(hours=utc_offset_h)
            else:  # no clock to convert from: the time as it is, without a zone
                add(c, when.to_numpy().astype("datetime64[ms]"))
                continue
            add(c, utc.to_numpy().astype("datetime64[ms]"))
            zones[c] = np.full(len(col), _GDAL_UTC, dtype=np.int64)
            if utc_offset_h is not None:
                local = utc + pd.Timedelta(hours=utc_offset_h)
                zone = utc_zone(utc_offset_h, iso=True)
                add(c + local_suffix, np.array(
                    [None if pd.isna(t) else t.strftime("%Y-%m-%dT%H:%M:%S") + zone
                     for t in local], dtype=object))
        elif col.dtype == object or str(col.dtype) in ("str", "string"):
            add(c, np.array([None if v is None or v != v else str(v) for v in col], dtype=object))
        elif isinstance(col.array, pd.api.extensions.ExtensionArray) and not isinstance(
                col.array, pd.arrays.NumpyExtensionArray):
            add(c, np.asarray(col.to_numpy(dtype=object, na_value=None)), np.asarray(col.isna()))
        else:
            add(c, col.to_numpy())
    return names, values, masks, zones


def _write_layer(gdf, path: Path, name: str, *, utc_offset_h: float | None, **options) -> None:
    """Write one layer (``gdf``, one GeoDataFrame) into the GeoPackage ``path`` with pyogrio's
    raw writer (geopandas's ``to_file`` writes no DATE field: pandas has no day dtype)."""
    import shapely
    from pyogrio.raw import write

    from logistics.report.field_names import check_field_names

    names, values, masks, zones = _fields(gdf, utc_offset_h)
    check_field_names(name, names)  # no field a bare SQL or QGIS expression trips on
    epsg = gdf.crs.to_epsg() if gdf.crs is not None else None
    crs = f"EPSG:{epsg}" if epsg else (gdf.crs.to_wkt("WKT1_GDAL") if gdf.crs else None)
    write(str(path), shapely.to_wkb(gdf.geometry.values), values, names,
          field_mask=masks, layer=name, driver="GPKG", crs=crs,
          geometry_type=GEOMETRY_TYPES.get(name, "Unknown"), gdal_tz_offsets=zones,
          append=path.exists(), **options)


def _description(name: str, gdf, utc_offset_h: float | None, of: str = "run") -> str:
    """The layer's description in ``gpkg_contents``: what its time fields hold (the UTC
    instant, the army's clock beside it, a day of that clock), so the file itself says it;
    empty for a layer without time."""
    import pandas as pd

    from logistics.report.run_page import utc_zone

    times = [c for c in gdf.columns if c != gdf.geometry.name
             and pd.api.types.is_datetime64_any_dtype(gdf[c])]
    if not times:
        return ""
    instants = [c for c in times if c not in DATE_FIELDS]
    days = [c for c in times if c in DATE_FIELDS]
    if utc_offset_h is None:
        return (f"{name}: {', '.join(times)}: times of an unknown clock (the army file gives "
                "no utc_offset_h), written without a time zone")
    zone = utc_zone(utc_offset_h)
    said = []
    if instants:
        said.append(f"{', '.join(instants)}: UTC (GeoPackage DATETIME); "
                    f"{', '.join(c + local_suffix for c in instants)}: the same instants on the "
                    f"army's local clock, {zone} (its utc_offset_h), as in the {of}'s tables")
    if days:
        said.append(f"{', '.join(days)}: the day on the army's local clock, {zone} "
                    "(GeoPackage DATE)")
    return f"{name}: " + "; ".join(said)


def write_gpkg(layers: dict, path: str | Path, *, timestamp: str,
               qml_dir: str | Path | None = None, utc_offset_h: float | None = None,
               formations: tuple[str, ...] | None = None, of: str = "run") -> Path:
    """Write ``layers`` (``{name: GeoDataFrame}``) into a new GeoPackage at ``path`` with
    each layer's QML styles (``qgis.layer_styles``: the default first, e.g. the track 'by
    formation', then 'by status'); also write them into ``qml_dir`` when given, the default as
    ``<stem>.<name>.qml``, another as ``<stem>.<name>.<field>.qml``. ``formations``: the run's
    formation ids in the order of their colours (None: ``run_layers.formation_order``). ``timestamp`` is ``YYYY-MM-DDTHH:MM:SS`` (UTC, no zone). ``utc_offset_h``
    (the army's clock) is stated in the description of every layer with a time field; ``of``
    names what the file holds in the descriptions (``run``, ``route``, ``comparison``)."""
    import pyogrio

    from logistics.report.qgis import STYLES, layer_styles
    from logistics.report.run_layers import formation_order

    path = Path(path)
    iso = f"{timestamp}.000Z" if "." not in timestamp else f"{timestamp}Z"
    old = {k: pyogrio.get_gdal_config_option(k) for k in ("OGR_CURRENT_DATE",
                                                            "OGR_SQLITE_SYNCHRONOUS")}
    # no fsync after each layer's transactions (SQLite's synchronous=OFF; _no_sync): a new
    # file in the run's temporary folder, swapped in whole or dropped (_atomic.atomic_dir),
    # as every other output is written; the same bytes. Why: the waits for the disk were
    # most of the GeoPackage's wall time (7 layers: 1.5 -> 0.5 s)
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": iso, "OGR_SQLITE_SYNCHRONOUS": "OFF"})
    try:
        for i, (name, gdf) in enumerate(layers.items()):
            # GeoPackage 1.2, not GDAL's newer default 1.4: GDAL before 3.7 (QGIS on Debian 12,
            # Ubuntu 22.04) warns on every layer of a 1.4 file; nothing here needs 1.4
            version = {"VERSION": "1.2"} if i == 0 else {}
            # DATETIME always with its milliseconds: the standard's YYYY-MM-DDTHH:MM:SS.SSSZ
            _write_layer(gdf, path, name, utc_offset_h=utc_offset_h, SPATIAL_INDEX="YES",
                         DATETIME_PRECISION="MILLISECOND",
                         DESCRIPTION=_description(name, gdf, utc_offset_h, of), **version)
    finally:
        pyogrio.set_gdal_config_options(old)
    with _no_sync(path) as con:
        con.execute(_LAYER_STYLES)
        order = formation_order(layers) if formations is None else tuple(formations)
        for name in layers:
            fields = STYLES[name].by or ("",)
            for i, (style, qml) in enumerate(layer_styles(
                    name, order, local_clock=utc_offset_h is not None)):
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
            "?, ?)", (f"QGIS layer styles (QML) of this {of}", iso))
    with _no_sync(path) as con:  # compact: no free pages left by the inserts
        con.execute("VACUUM")
    return path


@contextlib.contextmanager
def _no_sync(path: Path):
    """A connection to the new GeoPackage ``path`` that commits on leaving (as ``with
    sqlite3.connect``) without waiting for the disk (``PRAGMA synchronous=OFF``: not stored
    in the file, the bytes are the same; see :func:`write_gpkg`); closed after."""
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA synchronous=OFF")
        with con:
            yield con
    finally:
        con.close()
