"""load_terrain and friends on small synthetic layers with hand-checkable answers.

The layers (fixture ``synthetic`` of ``conftest.py``) cover 121-123 E, 45-46.5 N: a gentle
plane DEM (bilinear reproduces planes exactly), a lake, grassland west of 122 E and forest east
of it, a cropland block, a major river along 45.75 N and an intermittent stream along 122.25 E.
"""

from __future__ import annotations

import numpy as np
import pytest

from logistics import settings
from logistics.errors import (
    ConfigError,
    CRSError,
    DataError,
    ExtentError,
    ResourceError,
    UnknownNameError,
)
from logistics.terrain import WetlandRule, cell_of, load_terrain, to_lonlat, to_metric
from logistics.terrain.classes import RiverClass, TerrainClass
from logistics.terrain.dem import clip_bbox, clip_corridor, open_raster
from logistics.terrain.grid import metric_grid
from logistics.terrain.resample import resample_to_grid, sample_raster

@pytest.fixture
def ds(synthetic):
    return load_terrain(synthetic.box)


def _at(ds, var, lon, lat):
    row, col = cell_of(ds, *to_metric(lon, lat))
    return ds[var].values[row, col]


def test_dataset_follows_the_contract(ds):
    assert tuple(ds["elevation_m"].dims) == ("y", "x")
    assert np.all(np.diff(ds["y"].values) < 0), "north-up: y descending"
    assert set(ds.data_vars) == {
        "elevation_m", "slope_deg", "dzdx", "dzdy", "roughness_m", "subgrid_grade",
        "terrain_class", "river_class", "railway",
    }
    for name, var in ds.data_vars.items():
        assert var.attrs.get("units"), f"{name} has no units"
    assert ds["elevation_m"].dtype == np.float32
    assert ds["terrain_class"].dtype == np.uint8 and ds["river_class"].dtype == np.uint8
    from pyproj import CRS

    assert CRS(ds.rio.crs.to_wkt()) == CRS(settings.METRIC_CRS)
    assert ds.attrs["resolution_m"] == 1000.0
    assert ds.attrs["dem"] == "merged" and ds.attrs["dem_file"] == "dem_merged_30s.tif"
    assert "wetland_rule" in ds.attrs


def test_elevation_is_the_plane_at_every_cell_centre(ds, synthetic):
    W, S, E, N = synthetic.extent
    xx, yy = np.meshgrid(ds["x"].values, ds["y"].values)
    lon, lat = to_lonlat(xx, yy)
    z = ds["elevation_m"].values
    half = 1 / 240
    inside = (lon > W + half) & (lon < E - half) & (lat > S + half) & (lat < N - half)
    ok = inside & np.isfinite(z)
    assert ok.sum() > 0.8 * inside.sum()
    np.testing.assert_allclose(z[ok], synthetic.plane_m(lon[ok], lat[ok]), atol=2e-3)


def test_nodata_is_nan_and_class_nodata(ds):
    assert np.isnan(_at(ds, "elevation_m", 122.9, 46.4))
    assert _at(ds, "terrain_class", 122.9, 46.4) == TerrainClass.NODATA


@pytest.mark.parametrize(
    "lon, lat, expected",
    [
        (121.5, 46.2, TerrainClass.STEPPE),  # IGBP 10, 50 km from the river
        (122.5, 46.2, TerrainClass.FOREST),  # IGBP 4
        (122.6, 45.1, TerrainClass.CROPLAND),  # IGBP 12
        (121.3, 45.3, TerrainClass.WATER),  # lake in the land mask
        (121.5, 45.77, TerrainClass.WETLAND),  # 2 km from a major river, flat
        (122.27, 46.2, TerrainClass.FOREST),  # beside an intermittent stream: not a wetland
    ],
)
def test_terrain_classes(ds, lon, lat, expected):
    assert _at(ds, "terrain_class", lon, lat) == expected


def test_river_classes(ds):
    assert _at(ds, "river_class", 121.5, 45.75) == RiverClass.MAJOR
    assert _at(ds, "river_class", 122.25, 46.2) == RiverClass.INTERMITTENT
    assert _at(ds, "river_class", 121.5, 46.2) == RiverClass.NONE
    # a river is a band no 4-neighbour move can cross without entering it
    row, col = cell_of(ds, *to_metric(121.8, 45.75))
    band = ds["river_class"].values[row - 3 : row + 4, col]
    assert (band == RiverClass.MAJOR).any()


@pytest.mark.parametrize(
    "rule",
    [
        WetlandRule(enabled=False),
        WetlandRule(max_relief_m=0.5),  # the plane rises ~1.2 m across the 5 x 5 km window
        WetlandRule(max_slope_deg=0.001),  # the plane's slope is ~0.016 deg
        WetlandRule(river_buffer_km=1.0),  # the point is ~2 km from the river
    ],
)
def test_each_wetland_criterion_can_switch_the_class_off(synthetic, rule):
    ds = load_terrain(synthetic.box, wetland_rule=rule)
    assert _at(ds, "terrain_class", 121.5, 45.77) == TerrainClass.STEPPE


def test_numpy_and_dask_give_equal_datasets(ds, synthetic):
    lazy = load_terrain(synthetic.box, chunks={"y": 37, "x": 41})
    assert lazy["slope_deg"].chunks is not None
    lazy = lazy.compute()
    for name in ds.data_vars:
        np.testing.assert_array_equal(lazy[name].values, ds[name].values, err_msg=name)


def test_etopo5_is_selectable(synthetic):
    base = load_terrain(synthetic.box, dem="etopo5", resolution_m=5000)
    assert base.attrs["dem_file"] == "etopo5.tif"
    row, col = cell_of(base, *to_metric(122.0, 45.8))
    lon, lat = to_lonlat(base["x"].values[col], base["y"].values[row])
    z = float(base["elevation_m"].values[row, col])
    assert z == pytest.approx(synthetic.plane_m(lon, lat) + 100, abs=0.01)


def test_corridor_masks_cells_outside_it(synthetic):
    line = [(121.3, 45.5), (122.7, 46.2)]
    ds = load_terrain(corridor=line, corridor_width_km=20)
    assert np.isfinite(_at(ds, "elevation_m", 122.0, 45.85))  # on the line
    far = to_metric(121.4, 46.2)  # inside the envelope, ~60 km off the line
    row, col = cell_of(ds, *far)
    assert np.isnan(ds["elevation_m"].values[row, col])
    assert ds["terrain_class"].values[row, col] == TerrainClass.NODATA


def test_reprojected_raster_comes_back_to_its_values(synthetic):
    grid = metric_grid(synthetic.box, 1000.0)
    metric = resample_to_grid("dem_merged_30s.tif", grid, kind="bilinear")
    rng = np.random.default_rng(1)
    lon, lat = rng.uniform(121.2, 122.6, 200), rng.uniform(45.2, 46.2, 200)
    x, y = to_metric(lon, lat)
    import xarray as xr

    back = metric.interp(x=xr.DataArray(x), y=xr.DataArray(y)).values
    np.testing.assert_allclose(back, synthetic.plane_m(lon, lat), atol=0.01)
    np.testing.assert_allclose(sample_raster("dem_merged_30s.tif", lon, lat), synthetic.plane_m(lon, lat),
                               atol=1e-3)


def test_bad_boxes_and_names(synthetic):
    with pytest.raises(ExtentError, match="inverted"):
        load_terrain((122.0, 45.0, 121.0, 46.0))
    with pytest.raises(ExtentError, match="108-136 E"):
        load_terrain((100.0, 30.0, 101.0, 31.0))
    with pytest.raises(ExtentError, match="4 numbers"):
        load_terrain((1.0, 2.0))
    with pytest.raises(UnknownNameError, match="etopo5"):
        load_terrain(synthetic.box, dem="etopo6")
    with pytest.raises(ConfigError, match="resolution_m"):
        load_terrain(synthetic.box, resolution_m=-5)


def test_too_large_a_grid_asks_for_chunks(synthetic, monkeypatch):
    monkeypatch.setattr(settings, "MAX_IN_MEMORY_CELLS", 100)
    with pytest.raises(ResourceError, match="chunks"):
        load_terrain(synthetic.box)


def test_clip_errors_on_the_native_raster(synthetic):
    dem = open_raster("dem_merged_30s.tif")
    assert dem.rio.crs is not None
    assert type(open_raster("dem_merged_30s.tif", chunks=64).data).__module__.startswith("dask")
    clipped = clip_bbox(dem, (121.5, 45.5, 122.0, 46.0))
    assert 50 <= clipped.sizes["x"] <= 62 and 50 <= clipped.sizes["y"] <= 62
    with pytest.raises(DataError, match="nodata only"):
        clip_bbox(dem, (122.85, 46.35, 122.95, 46.45))
    with pytest.raises(ExtentError, match="121-123"):
        clip_bbox(dem, (110.0, 40.0, 111.0, 41.0))
    corridor = clip_corridor(dem, [(121.3, 45.5), (122.7, 46.2)], 10)
    assert np.isnan(corridor.sel(x=121.35, y=46.1, method="nearest"))
    assert np.isfinite(corridor.sel(x=122.0, y=45.85, method="nearest"))


def test_missing_layer_says_how_to_build_it(synthetic, tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "RASTER_DIR", tmp_path)
    with pytest.raises(DataError, match="rasters/build.py"):
        load_terrain(synthetic.box)


def test_raster_without_crs_says_how_to_fix(synthetic, tmp_path):
    path = tmp_path / "nocrs.tif"
    synthetic.write_raster(path, np.zeros((4, 4), dtype=np.float32), 0.1, crs=None)
    with pytest.raises(CRSError, match="write_crs"):
        open_raster(path)


def test_cell_of_outside_the_grid(ds):
    x0 = float(ds["x"].values[0])
    with pytest.raises(ExtentError, match="outside the grid"):
        cell_of(ds, x0 - 5000.0, float(ds["y"].values[0]))
    rows, cols = cell_of(ds, ds["x"].values[:3], ds["y"].values[:3])
    assert list(rows) == [0, 1, 2] and list(cols) == [0, 1, 2]


def test_the_kernel_and_gdals_warper_agree_within_two_centimetres(synthetic):
    """GDAL's warper (rasterio.warp.reproject, bilinear at scale 1) is the independent
    reference; resample.py says why the project keeps its own, block-exact kernel."""
    import rasterio
    from rasterio.enums import Resampling
    from rasterio.warp import reproject

    grid = metric_grid(synthetic.box, 1000.0)
    ours = resample_to_grid("dem_merged_30s.tif", grid, kind="bilinear").values
    gdal = np.full(grid.shape, np.nan, dtype=np.float32)
    with rasterio.open(settings.RASTER_DIR / "dem_merged_30s.tif") as src:
        reproject(rasterio.band(src, 1), gdal, src_nodata=src.nodata, dst_transform=grid.transform,
                  dst_crs=settings.METRIC_CRS, dst_nodata=np.nan, resampling=Resampling.bilinear,
                  XSCALE=1, YSCALE=1)
    both = np.isfinite(ours) & np.isfinite(gdal)
    assert both.sum() > 0.8 * np.isfinite(ours).sum()
    np.testing.assert_allclose(ours[both], gdal[both], atol=0.02)  # 1.1 cm seen
