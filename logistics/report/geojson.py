"""GeoJSON files of the outputs, as RFC 7946 asks: WGS 84 lon/lat, no ``crs`` member, 6 decimals.

``write_geojson(gdf, path)`` is the one GeoJSON writer of the run and comparison folders (GDAL's
GeoJSON driver through pyogrio with ``RFC7946=YES``: coordinates reprojected to EPSG:4326 if
they are not, 6 decimals of a degree, about 0.1 m; NaN and NaT written as null, never the
``NaN`` literal that is not JSON; datetimes as ISO 8601 text).
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["write_geojson"]


def write_geojson(gdf, path: str | Path) -> Path:
    """Write the GeoDataFrame ``gdf`` (any CRS) to ``path`` as RFC 7946 GeoJSON; return the path."""
    path = Path(path)
    gdf.to_file(path, driver="GeoJSON", engine="pyogrio", RFC7946="YES",
                COORDINATE_PRECISION=6, WRITE_NAME="NO")
    return path
