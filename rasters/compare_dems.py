#!/usr/bin/env python
"""Measure how far the ETOPO5 baseline is from the merged 30" DEM (numbers for README.md).

    python rasters/compare_dems.py

Compares every ETOPO5 point of the theatre whose four surrounding 30" cells are land
(landmask 1) from the meteva 30" grid (source 1). An ETOPO5 point at k/12 deg sits on a corner
of the 30" grid, so the 30" value there (bilinear) is the mean of those four cells.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import rasterio

HERE = Path(__file__).resolve().parent
__all__ = ["compare"]


def _read(name: str) -> np.ndarray:
    with rasterio.open(HERE / name) as src:
        return src.read(1)


def compare() -> dict[str, float]:
    """Difference statistics (m) ETOPO5 minus merged 30" DEM, and both Khingan maxima (m)."""
    dem_m = _read("dem_merged_30s.tif").astype(np.float64)
    source, land = _read("dem_source_30s.tif"), _read("landmask_30s.tif")
    etopo_m = _read("etopo5.tif").astype(np.float64)
    # ETOPO5 point (i, j) = corner (10 i, 10 j) of the 30" grid; skip the box edges
    rows, cols = np.meshgrid(np.arange(1, etopo_m.shape[0] - 1), np.arange(1, etopo_m.shape[1] - 1),
                             indexing="ij")
    r, c = 10 * rows, 10 * cols
    corners = [(r - 1, c - 1), (r - 1, c), (r, c - 1), (r, c)]
    use = np.logical_and.reduce([(source[a, b] == 1) & (land[a, b] == 1) for a, b in corners])
    fine_m = sum(dem_m[a, b] for a, b in corners) / 4.0
    diff_m = (etopo_m[rows, cols] - fine_m)[use]
    khingan = (slice(6 * 120, 9 * 120), slice(10 * 120, 14 * 120))  # 45-48 N, 118-122 E
    return {
        "points": float(diff_m.size),
        "mean_diff_m": float(diff_m.mean()),
        "rms_m": float(np.sqrt((diff_m**2).mean())),
        "mae_m": float(np.abs(diff_m).mean()),
        "khingan_max_30s_m": float(dem_m[khingan].max()),
        "khingan_max_etopo5_m": float(etopo_m[6 * 12 : 9 * 12 + 1, 10 * 12 : 14 * 12 + 1].max()),
    }


if __name__ == "__main__":
    for key, value in compare().items():
        print(f"{key:>22}: {value:.1f}")
