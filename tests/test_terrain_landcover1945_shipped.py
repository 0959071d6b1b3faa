"""The shipped 1945 reconstruction against the sourced land-cover figures (1 km, the default grid).

Every expected number is from the sources quoted in configs/terrain/landcover-1945.yaml, not from the
code: Sanjiang marsh 35,270 km2 in 1954, one third of the plain's land, later 13,893 (1986) and
8,100 km2 (2005); northern low plain ~42,500 km2, Muling-Xingkai ~8,800 km2; Heilongjiang forest
70 % before and 33.6 % after, the 1945 bracket 52-57.4 %; Heilongjiang's area implied by the
forest figures (31 Mha / 0.70 and 15.29 Mha / 0.336: 443,000-455,000 km2).
"""

from __future__ import annotations

import numpy as np
import pytest

from logistics.terrain import Landcover1945, load_landcover_1945, load_terrain
from logistics.terrain.classes import TerrainClass as T
from logistics.terrain.grid import grid_of
from logistics.terrain.landcover1945 import cell_area_km2, region_mask

BOX = (120.5, 43.0, 136.0, 54.0)


@pytest.fixture(scope="module")
def areas():
    rule = load_landcover_1945()
    ds = load_terrain(BOX, resolution_m=1000.0)
    grid = grid_of(ds)
    cell = cell_area_km2(grid)
    cls = ds["terrain_class"].values
    out = {}
    for reg in rule.marsh.regions + rule.forest.regions:
        mask = region_mask(grid, [reg])
        land = mask & (cls != T.WATER) & (cls != T.NODATA)
        out[reg.key] = {
            "land": float(cell[land].sum()),
            "wetland": float(cell[mask & (cls == T.WETLAND)].sum()),
            "forest": float(cell[mask & (cls == T.FOREST)].sum()),
        }
    return out


def test_sanjiang_marsh_matches_1954_and_exceeds_the_later_areas(areas):
    north, south = areas["sanjiang_north"], areas["muling_xingkai"]
    marsh = north["wetland"] + south["wetland"]
    assert marsh == pytest.approx(35_270, rel=0.03)
    assert marsh > 13_893 > 8_100  # 1986 and 2005 are after reclamation began
    # marsh lies on the marshy low plains, so it cannot exceed their extent
    assert north["wetland"] < 42_500 and south["wetland"] < 8_800
    # "marshes covered one-third of the total land area"
    share = marsh / (north["land"] + south["land"])
    assert 0.30 < share < 0.37


def test_region_outlines_agree_with_the_areas_the_sources_imply(areas):
    plain = areas["sanjiang_north"]["land"] + areas["muling_xingkai"]["land"]
    assert plain == pytest.approx(3 * 35_270, rel=0.10)
    assert 443_000 * 0.9 < areas["heilongjiang"]["land"] < 455_000 * 1.1


def test_heilongjiang_forest_share_lands_in_the_1945_bracket(areas):
    hlj = areas["heilongjiang"]
    pct = 100.0 * hlj["forest"] / hlj["land"]
    assert 52.0 <= pct <= 57.4
    assert 33.6 < pct < 70.0


def test_switching_the_rule_off_gives_2019_land_cover_back():
    box = (132.0, 46.5, 133.0, 47.2)  # the Naoli lowland: cropland in 2019, marsh in 1954
    on = load_terrain(box, resolution_m=2000.0)
    off = load_terrain(box, resolution_m=2000.0, landcover_1945=Landcover1945.off())
    wet_on = np.mean(on["terrain_class"].values == T.WETLAND)
    wet_off = np.mean(off["terrain_class"].values == T.WETLAND)
    assert wet_on > 0.5 > wet_off
    changed = on["terrain_class"].values != off["terrain_class"].values
    was = off["terrain_class"].values[changed]
    assert np.isin(was, [T.CROPLAND, T.STEPPE, T.WETLAND]).all()


@pytest.mark.parametrize(
    "box, chunks",
    [
        ((132.0, 46.5, 133.5, 47.3), 20),  # Sanjiang: ~2000 cells made marsh, HAND halo
        ((125.5, 48.5, 127.0, 49.5), 20),  # Lesser Khingan west foot: ~950 cells made forest
        ((127.0, 47.0, 127.1, 47.05), 4),  # a grid smaller than the rule's reach
    ],
)
def test_dask_gives_the_numpy_classes(box, chunks):
    eager = load_terrain(box, resolution_m=2000.0)
    lazy = load_terrain(box, resolution_m=2000.0, chunks=chunks).compute()
    np.testing.assert_array_equal(lazy["terrain_class"].values, eager["terrain_class"].values)


@pytest.mark.parametrize("chunks", [None, 20])
def test_classes_2019_are_the_classes_with_the_rule_off(chunks):
    """``classes_2019=True`` (the base map's one load) gives, beside the 1945 classes, exactly
    what a second load with the rule off gives: here where the marsh rule and the floodplain
    wetland rule both act (the Naoli lowland) and where the forest rule acts."""
    for box in ((132.0, 46.5, 133.5, 47.3), (125.5, 48.5, 127.0, 49.5)):
        both = load_terrain(box, resolution_m=2000.0, chunks=chunks, classes_2019=True)
        off = load_terrain(box, resolution_m=2000.0, landcover_1945=Landcover1945.off())
        on = load_terrain(box, resolution_m=2000.0)
        land_2019 = np.asarray(both["terrain_class_2019"].values)
        np.testing.assert_array_equal(land_2019, off["terrain_class"].values)
        np.testing.assert_array_equal(np.asarray(both["terrain_class"].values),
                                      on["terrain_class"].values)
        assert (land_2019 != on["terrain_class"].values).any()  # the rule changed something
