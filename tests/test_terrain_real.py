"""The shipped layers: spot heights, the Greater Khingan, classes at known places, point facts.

Oracles are the values published in shared/reference/data-sources.md ("Spot heights from the
30-arc-second grid (bilinear)"; Greater Khingan box maximum 1657 m; ETOPO5 Solun 687 m).
"""

from __future__ import annotations

import numpy as np
import pytest

from logistics.errors import ExtentError
from logistics.terrain import cell_of, load_terrain, to_metric
from logistics.terrain.classes import TerrainClass
from logistics.terrain.dem import clip_bbox, open_raster
from logistics.terrain.resample import sample_raster
from logistics.terrain.sample import sample_point

SPOT_HEIGHTS_M = {"Solun": 491, "Harbin": 139, "Hailar": 622, "Arxan": 1116, "Mudanjiang": 237}


@pytest.mark.parametrize("name, height", sorted(SPOT_HEIGHTS_M.items()))
def test_spot_heights_by_sample(name, height):
    facts = sample_point(name)
    assert abs(facts["elevation_m"] - height) <= 30
    assert facts["dem_source"].startswith("meteva 30")


def test_spot_heights_by_load_terrain():
    # the cell value is bilinear at the cell centre (<= 0.7 km away): flat towns stay within 30 m
    from logistics.places import lookup

    for name in ("Solun", "Harbin", "Hailar", "Mudanjiang"):
        p = lookup(name)
        ds = load_terrain((p.lon - 0.1, p.lat - 0.1, p.lon + 0.1, p.lat + 0.1))
        row, col = cell_of(ds, *to_metric(p.lon, p.lat))
        assert abs(float(ds["elevation_m"].values[row, col]) - SPOT_HEIGHTS_M[name]) <= 30, name


def test_greater_khingan_reaches_1600_m_in_the_native_dem():
    box = clip_bbox(open_raster("dem_merged_30s.tif"), (118.0, 45.0, 122.0, 48.0))
    assert float(box.max()) >= 1600
    assert 780 <= float(box.mean()) <= 890  # published mean 836 m


def test_etopo5_baseline_is_the_documented_poorer_dem():
    assert abs(float(sample_raster("etopo5.tif", 121.2433, 46.6194)) - 687) <= 30
    box = clip_bbox(open_raster("etopo5.tif"), (118.0, 45.0, 122.0, 48.0))
    assert float(box.max()) < 1400  # documented maximum 1271 m


@pytest.mark.parametrize(
    "lon, lat, expected",
    [(117.4, 48.95, TerrainClass.WATER),  # Hulun Nur
     (134.0, 40.0, TerrainClass.WATER),  # Sea of Japan
     (122.0, 50.5, TerrainClass.FOREST),  # Greater Khingan taiga (IGBP 8 there)
     (116.0, 47.5, TerrainClass.STEPPE)],  # Mongolian steppe
)
def test_classes_at_known_places(lon, lat, expected):
    assert sample_point((lon, lat))["terrain_class"] == expected.name


def test_point_facts_and_outside():
    facts = sample_point("Hsinking")
    assert facts["name"] == "Hsinking (Changchun)"
    for key in ("slope_deg", "roughness_m", "nearest_river_km"):
        assert facts[key] is not None and facts[key] >= 0
    assert facts["terrain_class"] in TerrainClass.__members__
    with pytest.raises(ExtentError, match="108-136 E"):
        sample_point((100.0, 40.0))


def test_real_numpy_equals_dask_on_a_khingan_box():
    box = (119.5, 46.5, 121.0, 47.5)
    eager = load_terrain(box)
    lazy = load_terrain(box, chunks=64).compute()
    for name in eager.data_vars:
        np.testing.assert_array_equal(lazy[name].values, eager[name].values, err_msg=name)
    assert float(eager["slope_deg"].max()) > 5  # mountains are not flat
