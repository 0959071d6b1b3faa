"""Rasters for GIS users: Cloud-Optimised GeoTIFFs with nodata, units and description; hillshade.

``write_cog(da, path, units=..., description=...)`` is the one GeoTIFF writer of the outputs
(GDAL's COG driver through rasterio: 256-pixel tiles, DEFLATE, overviews averaged down to one
tile, ``+/-inf`` and NaN mapped to the nodata value, units, description, tags and the band's
statistics without nodata in the file),
so QGIS, ``gdalinfo`` and web viewers read each band's meaning and skip nodata. ``hillshade``
gives the grey relief the run's QGIS project and interactive map lay under the routes.
The CRS is written by name (``named_crs``): the metric grid's PROJ string has none, and QGIS,
``gdalinfo`` and ArcGIS would show "unknown". Files are deterministic (GDAL writes no timestamp
unless asked).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

__all__ = ["NODATA", "write_cog", "hillshade", "metric_crs", "named_crs"]

#: Nodata of every float raster we write: outside any real value (times, heights, costs), and
#: an ordinary number so every tool, old or new, honours it (NaN is not honoured everywhere).
NODATA = -9999.0

#: Tile size of the COGs (GDAL's default); overviews halve the grid until it fits one tile.
BLOCKSIZE = 256


def named_crs(crs):
    """``crs`` (anything pyproj reads) as a :class:`pyproj.CRS` that has a name: an unnamed one
    (a PROJ string, ``unknown``) is named after its projection and datum, its geodetic CRS after
    the datum. The same CRS as before (``==`` holds), only named."""
    from pyproj import CRS

    crs = CRS.from_user_input(crs)
    if not crs.is_projected or crs.name.lower() not in ("unknown", ""):
        return crs
    d = crs.to_json_dict()
    conv = d["conversion"]
    p = {q["name"]: q["value"] for q in conv.get("parameters", [])}
    datum = "WGS 84" if crs.datum.name == "World Geodetic System 1984" else crs.datum.name
    short = {"Latitude of 1st standard parallel": "lat_1", "Latitude of 2nd standard parallel":
             "lat_2", "Latitude of false origin": "lat_0", "Longitude of false origin": "lon_0",
             "Latitude of natural origin": "lat_0", "Longitude of natural origin": "lon_0"}
    where = " ".join(f"{short[k]}={v:g}" for k, v in p.items() if k in short)
    method = conv["method"]["name"]
    d["name"] = f"{datum} / {method} {where} (logistics metric grid)".replace("  ", " ")
    if str(d.get("base_crs", {}).get("name", "")).lower() in ("unknown", ""):
        d["base_crs"]["name"] = datum
    return CRS.from_json_dict(d)


def metric_crs():
    """The run's metric grid (``settings.METRIC_CRS``) as a named :class:`pyproj.CRS`."""
    from logistics import settings

    return named_crs(settings.METRIC_CRS)


def write_cog(da, path: str | Path, *, units: str, description: str,
              tags: dict[str, str] | None = None, nodata: float = NODATA) -> Path:
    """Write a 2-D ``xarray.DataArray`` with a CRS and transform (rioxarray) as a COG.

    ``units`` and ``description`` go into the band (``gdalinfo`` shows them as ``Unit Type``
    and ``Description``) and into the dataset tags (``UNITS``, ``DESCRIPTION``) with ``tags``.
    Non-finite cells become ``nodata``.
    """
    import rasterio
    import rioxarray  # noqa: F401  (the .rio accessor)
    from rasterio.io import MemoryFile
    from rasterio.shutil import copy as rio_copy

    crs, transform = da.rio.crs, da.rio.transform()
    if crs is None:
        from logistics.errors import CRSError

        raise CRSError(f"cannot write {Path(path).name}: the raster has no CRS")
    crs = named_crs(crs.to_wkt()).to_wkt()
    values = np.asarray(da.values, dtype=np.float32)
    values = np.where(np.isfinite(values), values, np.float32(nodata)).astype(np.float32)
    profile = dict(driver="GTiff", width=values.shape[1], height=values.shape[0], count=1,
                   dtype="float32", crs=crs, transform=transform, nodata=nodata)
    all_tags = {"DESCRIPTION": description, "UNITS": units, **(tags or {})}
    with MemoryFile() as mem:
        with mem.open(**profile) as dst:
            dst.write(values, 1)
            dst.set_band_description(1, description)
            dst.set_band_unit(1, units)
            dst.update_tags(**all_tags)
            dst.update_tags(1, UNITS=units)
        with mem.open() as src, rasterio.Env(GDAL_TIFF_INTERNAL_MASK=True):
            rio_copy(src, str(path), driver="COG", COMPRESS="DEFLATE", PREDICTOR="YES",
                     BLOCKSIZE=BLOCKSIZE, OVERVIEWS="AUTO", RESAMPLING="AVERAGE",
                     OVERVIEW_RESAMPLING="AVERAGE", NUM_THREADS="1", STATISTICS="YES")
    return Path(path)


def hillshade(elevation_m: np.ndarray, resolution_m: float, *, azimuth_deg: float = 315.0,
              altitude_deg: float = 45.0, z_factor: float = 1.0) -> np.ndarray:
    """Grey hillshade in [0, 1] of a north-up elevation grid (NaN where the DEM has none).

    matplotlib's ``LightSource.hillshade`` (the same illumination rule as GDAL's
    ``gdaldem hillshade``: sun from the north-west at 45 degrees by default).
    """
    from matplotlib.colors import LightSource

    z = np.asarray(elevation_m, dtype=np.float64)
    missing = ~np.isfinite(z)
    filled = np.where(missing, np.nanmean(z) if (~missing).any() else 0.0, z)
    shade = LightSource(azdeg=azimuth_deg, altdeg=altitude_deg).hillshade(
        filled, vert_exag=z_factor, dx=resolution_m, dy=resolution_m)
    return np.where(missing, np.nan, shade)
