"""GeoJSON files of the outputs, as RFC 7946 asks: WGS 84 lon/lat, no ``crs`` member, 6 decimals.

``write_geojson(gdf, path)`` is the one GeoJSON writer of the run and comparison folders (GDAL's
GeoJSON driver through pyogrio with ``RFC7946=YES``: coordinates reprojected to EPSG:4326 if
they are not, 6 decimals of a degree, about 0.1 m; NaN and NaT written as null, never the
``NaN`` literal that is not JSON; datetimes as ISO 8601 text). GeoJSON has no time type: GDAL
and QGIS take an ISO 8601 text as a time, with its offset when it has one. So, given the
army's ``utc_offset_h``, a time is written on the army's clock with that offset
(``1945-08-10T00:00:00+10:00``: the tables' times, and an instant every reader places), and a
field of ``run_layers.DATE_FIELDS`` as the day it is (``1945-08-09``, read as a date), not a
midnight.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["write_geojson"]


def write_geojson(gdf, path: str | Path, *, utc_offset_h: float | None = None) -> Path:
    """Write the GeoDataFrame ``gdf`` (any CRS) to ``path`` as RFC 7946 GeoJSON; return the path.
    ``utc_offset_h``: the clock of its naive times (the army's), written with their offset;
    None writes them as they are, without one."""
    from logistics.report.field_names import check_field_names

    path = Path(path)
    check_field_names(path.name, [c for c in gdf.columns if c != gdf.geometry.name])
    _clocked(gdf, utc_offset_h).to_file(path, driver="GeoJSON", engine="pyogrio",
                                        RFC7946="YES", COORDINATE_PRECISION=6, WRITE_NAME="NO")
    return path


def _clocked(gdf, utc_offset_h: float | None):
    """``gdf`` with its days as ``YYYY-MM-DD`` text and, given ``utc_offset_h``, its naive
    times to the second with that fixed offset (see the module's docstring)."""
    import datetime as dt

    import pandas as pd

    from logistics.report.run_layers import DATE_FIELDS

    out = gdf.copy()
    zone = None if utc_offset_h is None else dt.timezone(dt.timedelta(hours=utc_offset_h))
    for c in out.columns:
        if c == out.geometry.name or not pd.api.types.is_datetime64_any_dtype(out[c]):
            continue
        if c in DATE_FIELDS:
            out[c] = out[c].map(lambda t: None if pd.isna(t) else t.strftime("%Y-%m-%d"))
            out[c] = out[c].astype(object)
        elif zone is not None and out[c].dt.tz is None:
            out[c] = out[c].dt.round("s").dt.tz_localize(zone)
    return out
