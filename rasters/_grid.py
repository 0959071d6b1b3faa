"""The theatre's standard 30-arc-second grid and the one GeoTIFF writer every layer uses.

Cell edges lie on multiples of 1/120 degree (the standard 30" grid of SRTM30/GMTED), so
3360 x 1920 cells cover 108-136 E x 38-54 N. Rows run north to south (north-up raster).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio
from rasterio.transform import Affine

from logistics._atomic import atomic_path
from logistics.errors import DataError
from logistics.settings import THEATRE_BBOX

__all__ = ["Grid", "THEATRE_30S", "write_geotiff"]


@dataclass(frozen=True)
class Grid:
    """A north-up lon/lat grid: west/north edges and cell size in degrees."""

    west_deg: float
    north_deg: float
    cell_deg: float
    width: int
    height: int

    @property
    def transform(self) -> Affine:
        return Affine(self.cell_deg, 0.0, self.west_deg, 0.0, -self.cell_deg, self.north_deg)

    def lon_centres_deg(self) -> np.ndarray:
        """Longitudes of the column centres, west to east."""
        return self.west_deg + (np.arange(self.width) + 0.5) * self.cell_deg

    def lat_centres_deg(self) -> np.ndarray:
        """Latitudes of the row centres, north to south."""
        return self.north_deg - (np.arange(self.height) + 0.5) * self.cell_deg


def _theatre_grid(cells_per_deg: int) -> Grid:
    west, south, east, north = THEATRE_BBOX
    return Grid(
        west_deg=float(west),
        north_deg=float(north),
        cell_deg=1.0 / cells_per_deg,
        width=round((east - west) * cells_per_deg),
        height=round((north - south) * cells_per_deg),
    )


#: The theatre at 30 arc-seconds: 3360 x 1920 cells.
THEATRE_30S: Grid = _theatre_grid(120)


def write_geotiff(
    path: Path,
    data: np.ndarray,
    transform: Affine,
    *,
    nodata: float | None,
    tags: dict[str, str] | None = None,
) -> None:
    """Write one band as a tiled (256x256), DEFLATE + predictor-2 GeoTIFF in EPSG:4326.

    Written atomically; GDAL stores no timestamp, so the same array gives the same bytes.
    """
    if data.ndim != 2:
        raise DataError(f"expected a 2-D array for {path.name}, got shape {data.shape}")
    profile = {
        "driver": "GTiff",
        "width": data.shape[1],
        "height": data.shape[0],
        "count": 1,
        "dtype": data.dtype.name,
        "crs": "EPSG:4326",
        "transform": transform,
        "nodata": nodata,
        "tiled": True,
        "blockxsize": 256,
        "blockysize": 256,
        "compress": "deflate",
        "predictor": 2,
        "zlevel": 9,
    }
    with atomic_path(path) as tmp:
        with rasterio.open(tmp, "w", **profile) as dst:
            dst.write(data, 1)
            if tags:
                dst.update_tags(**tags)
