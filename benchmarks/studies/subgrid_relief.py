"""Measure the Hurst exponent of the theatre's relief on the 30" DEM (``SUBGRID_HURST``).

The sub-grid relief assumption (``logistics/terrain/derive.py``) extrapolates the grade of the
relief below the grid with a self-affine law, RMS elevation difference ``~ lag ** H``. ``H`` is
read here from the DEM itself, at its finest lags, over every cell of the meteva 30" grid (the
height_oy 0.1 deg fill outside China is left out: it is smoother than the 30" grid): for lags of
1, 2 and 4 pixels east-west and north-south, the RMS elevation difference, and the exponent
between consecutive lags, ``log2(rms(2 lag) / rms(lag))``. The finest pair (1 -> 2) is the one
the extrapolation below the DEM uses.

Run: ``.venv/bin/python benchmarks/studies/subgrid_relief.py``.
"""

from __future__ import annotations

import math
import sys

import numpy as np


def variogram(z: np.ndarray, lags=(1, 2, 4)) -> dict[str, list[float]]:
    """RMS elevation difference (m) at each lag (pixels), east-west and north-south."""
    out = {"E-W": [], "N-S": []}
    for lag in lags:
        out["E-W"].append(float(np.sqrt(np.nanmean((z[:, lag:] - z[:, :-lag]) ** 2))))
        out["N-S"].append(float(np.sqrt(np.nanmean((z[lag:, :] - z[:-lag, :]) ** 2))))
    return out


def main() -> int:
    import rasterio

    from logistics.terrain.dem import raster_path
    from logistics.terrain.derive import SUBGRID_HURST

    with rasterio.open(raster_path("dem_merged_30s.tif")) as ds:
        z = ds.read(1).astype(np.float64)
        z[z == ds.nodata] = np.nan
    with rasterio.open(raster_path("dem_source_30s.tif")) as src:
        z[src.read(1) != 1] = np.nan  # meteva 30" cells only
    lags = (1, 2, 4)
    rms = variogram(z, lags)
    for axis, values in rms.items():
        exps = [math.log2(b / a) for a, b in zip(values[:-1], values[1:])]
        print(f"{axis}: RMS dz at lags {lags} px = {[round(v, 2) for v in values]} m; "
              f"H between consecutive lags = {[round(e, 3) for e in exps]}")
    print(f"SUBGRID_HURST in logistics/terrain/derive.py: {SUBGRID_HURST}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
