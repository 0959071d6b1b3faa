"""A damaged or missing shipped layer is one DataError naming the file and how to repair it."""

from __future__ import annotations

import random
import shutil

import numpy as np
import pytest

from logistics import settings
from logistics.errors import DataError
from logistics.terrain import load_terrain
from logistics.terrain.dem import read_layer
from logistics.terrain.resample import sample_raster
from logistics.terrain.rivers import _cache_clear, read_rivers

BOX = (119.5, 47.0, 120.5, 47.6)  # a small box near Solun: a few hundred cells at 5 km


@pytest.fixture()
def layers(tmp_path, monkeypatch):
    """A copy of the shipped layers that the test may spoil, used as settings.RASTER_DIR."""
    dst = tmp_path / "rasters"
    shutil.copytree(settings.RASTER_DIR, dst, ignore=shutil.ignore_patterns("*.py", "_cache"))
    monkeypatch.setattr(settings, "RASTER_DIR", dst)
    _cache_clear()
    yield dst
    _cache_clear()


def _truncate(path, frac=0.5):
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * frac)])


def _garbage(path, size=None):
    n = path.stat().st_size if size is None else size
    path.write_bytes(random.Random(path.name).randbytes(n))


def _repair_advice(msg: str, name: str) -> None:
    assert name in msg
    assert "python rasters/build.py" in msg and "MANIFEST.json" in msg


@pytest.mark.parametrize("spoil", [_truncate, _garbage, lambda p: _garbage(p, 0),
                                   lambda p: (p.unlink(), p.mkdir())],
                         ids=["truncated", "random bytes", "empty", "a folder"])
def test_a_damaged_dem_is_one_data_error(layers, spoil):
    dem = layers / "dem_merged_30s.tif"
    spoil(dem)
    with pytest.raises(DataError) as err:
        load_terrain(BOX, resolution_m=5000)
    _repair_advice(str(err.value), "dem_merged_30s.tif")
    with pytest.raises(DataError) as err:
        sample_raster("dem_merged_30s.tif", 120.0, 47.3)
    _repair_advice(str(err.value), "dem_merged_30s.tif")


def test_a_missing_layer_says_how_to_build_it(layers):
    (layers / "landmask_30s.tif").unlink()
    with pytest.raises(DataError, match="python rasters/build.py"):
        load_terrain(BOX, resolution_m=5000)


@pytest.mark.parametrize("name", ["landcover_igbp_2019.tif", "landmask_30s.tif"])
def test_a_damaged_class_layer_is_one_data_error(layers, name):
    _truncate(layers / name, 0.3)
    with pytest.raises(DataError) as err:
        load_terrain(BOX, resolution_m=5000)
    _repair_advice(str(err.value), name)


@pytest.mark.parametrize("spoil", [_truncate, _garbage, lambda p: _garbage(p, 0)],
                         ids=["truncated", "random bytes", "empty"])
def test_damaged_vector_layers_are_one_data_error(layers, spoil):
    spoil(layers / "rivers.gpkg")
    with pytest.raises(DataError) as err:
        read_rivers(BOX)
    _repair_advice(str(err.value), "rivers.gpkg")
    for name in ("lakes.gpkg", "coast.gpkg", "borders.gpkg"):
        spoil(layers / name)
        with pytest.raises(DataError) as err:
            read_layer(name, bbox=BOX)
        _repair_advice(str(err.value), name)


def test_an_undamaged_copy_reads_as_the_shipped_layers(layers):
    ds = load_terrain(BOX, resolution_m=5000)
    assert np.isfinite(ds["elevation_m"].values).any()
    assert len(read_layer("lakes.gpkg", bbox=BOX).columns) > 0
