"""The 1945 land-cover rule on small synthetic grids with answers worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest
import yaml
from hypothesis import given, settings as hsettings, strategies as st
from scipy.ndimage import distance_transform_edt

from logistics.errors import ConfigError
from logistics.terrain.classes import TerrainClass as T
from logistics.terrain.hand import height_above_river
from logistics.terrain.landcover import reconstruct_1945
from logistics.terrain.landcover1945 import Landcover1945, load_landcover_1945


# --- height above the nearest river -------------------------------------------------------

def test_hand_is_height_above_the_nearest_river_cell():
    z = np.array([[10.0, 12.0, 15.0, 20.0],
                  [10.0, 11.0, 13.0, 30.0]])
    river = np.zeros_like(z, dtype=np.uint8)
    river[:, 0] = 1  # river along the west edge, at 10 m
    hand = height_above_river(z, river, np.ones_like(z, bool), search_m=10_000, resolution_m=1000)
    np.testing.assert_allclose(hand, z - 10.0)


def test_hand_takes_the_lowest_of_equally_near_rivers_and_respects_the_search_limit():
    z = np.full((1, 7), 50.0)
    z[0, 0], z[0, 6] = 40.0, 30.0  # two rivers 3 cells either side of the middle
    river = np.zeros((1, 7), np.uint8)
    river[0, [0, 6]] = 1
    where = np.ones((1, 7), bool)
    hand = height_above_river(z, river, where, search_m=3000, resolution_m=1000)
    assert hand[0, 3] == pytest.approx(20.0)  # 50 - min(40, 30)
    assert hand[0, 1] == pytest.approx(10.0)  # nearer the 40 m river
    short = height_above_river(z, river, where, search_m=2000, resolution_m=1000)
    assert np.isnan(short[0, 3])  # no river within 2 km


def test_hand_is_nan_outside_where_and_at_nodata():
    z = np.array([[5.0, np.nan, 7.0]])
    river = np.array([[1, 0, 0]], np.uint8)
    hand = height_above_river(z, river, np.array([[True, True, False]]), search_m=5000,
                              resolution_m=1000)
    assert hand[0, 0] == 0.0 and np.isnan(hand[0, 1]) and np.isnan(hand[0, 2])


@hsettings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), chunk=st.integers(3, 9))
def test_hand_numpy_equals_dask_and_an_independent_reference(seed, chunk):
    import dask.array as dka

    rng = np.random.default_rng(seed)
    z = rng.integers(0, 20, size=(17, 19)).astype(np.float64)
    river = (rng.random((17, 19)) < 0.05).astype(np.uint8)
    river[0, 0] = 1
    where = rng.random((17, 19)) < 0.7
    eager = height_above_river(z, river, where, search_m=30_000, resolution_m=1000)
    lazy = height_above_river(dka.from_array(z, chunks=chunk), dka.from_array(river, chunks=chunk),
                              dka.from_array(where, chunks=chunk), search_m=30_000,
                              resolution_m=1000).compute()
    np.testing.assert_array_equal(lazy, eager)
    # reference: brute force over all river cells at the minimum distance
    rr, rc = np.nonzero(river)
    for r, c in zip(*np.nonzero(where)):
        d2 = (rr - r) ** 2 + (rc - c) ** 2
        near = d2 == d2.min()
        assert eager[r, c] == pytest.approx(z[r, c] - z[rr[near], rc[near]].min())
    # the nearest distance agrees with scipy's exact distance transform
    assert np.isfinite(eager[where]).all() == (distance_transform_edt(river == 0)[where] <= 30).all()


# --- the per-cell decision ----------------------------------------------------------------

def _decide(cls, **kw):
    shape = np.shape(cls)
    args = dict(marsh_region=np.zeros(shape, bool), hand_m=np.full(shape, np.nan),
                forest_region=np.zeros(shape, bool), relief_m=np.full(shape, np.nan),
                near_railway=np.zeros(shape, bool))
    args.update({k: np.asarray(v) for k, v in kw.items() if k in args})
    return reconstruct_1945(np.asarray(cls, np.uint8), **args, max_hand_m=kw.get("max_hand_m", 4.0),
                            min_relief_m=kw.get("min_relief_m", 70.0))


def test_marsh_rule_turns_low_cropland_and_grassland_into_wetland_only():
    cls = [[T.CROPLAND, T.STEPPE, T.FOREST, T.URBAN, T.WATER, T.CROPLAND, T.CROPLAND]]
    hand = [[1.0, 3.9, 0.0, 0.0, 0.0, 4.0, np.nan]]
    out = _decide(cls, marsh_region=np.ones((1, 7), bool), hand_m=hand)
    assert out.tolist() == [[T.WETLAND, T.WETLAND, T.FOREST, T.URBAN, T.WATER, T.CROPLAND,
                             T.CROPLAND]]
    outside = _decide(cls, hand_m=hand)  # same cells outside the marsh regions: unchanged
    assert outside.tolist() == [list(map(int, cls[0]))]


def test_forest_rule_needs_relief_region_and_distance_from_the_railway():
    cls = [[T.CROPLAND, T.STEPPE, T.CROPLAND, T.CROPLAND, T.SAND, T.WETLAND]]
    relief = [[70.0, 200.0, 69.9, 300.0, 300.0, 300.0]]
    rail = [[False, False, False, True, False, False]]
    out = _decide(cls, forest_region=np.ones((1, 6), bool), relief_m=relief, near_railway=rail)
    assert out.tolist() == [[T.FOREST, T.FOREST, T.CROPLAND, T.CROPLAND, T.SAND, T.WETLAND]]


def test_marsh_wins_where_both_rules_apply_and_off_changes_nothing():
    one = np.ones((1, 1), bool)
    out = _decide([[T.CROPLAND]], marsh_region=one, hand_m=[[1.0]], forest_region=one,
                  relief_m=[[500.0]])
    assert out[0, 0] == T.WETLAND
    off = _decide([[T.CROPLAND]], marsh_region=one, hand_m=[[1.0]], forest_region=one,
                  relief_m=[[500.0]], max_hand_m=-np.inf, min_relief_m=np.inf)
    assert off[0, 0] == T.CROPLAND


# --- the YAML, validated once ---------------------------------------------------------------

def _good():
    square = [[130.0, 46.0], [131.0, 46.0], [131.0, 47.0], [130.0, 47.0]]
    return {
        "marsh": {"max_hand_m": 4.0, "regions": {"a": {"outline": square}}},
        "forest": {"min_relief_m": 70, "regions": {"b": {"outline": square}}, "share_region": "b"},
    }


def _write(tmp_path, doc):
    p = tmp_path / "lc.yaml"
    p.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return p


def test_a_good_file_loads_and_reaches_its_widest_input(tmp_path):
    rule = load_landcover_1945(_write(tmp_path, _good()))
    assert rule.marsh.max_hand_m == 4.0 and rule.forest.min_relief_m == 70.0
    assert rule.reach_km == 100.0  # the default river search limit
    assert not Landcover1945.off().enabled and rule.enabled
    assert rule.with_thresholds(max_hand_m=2.0).marsh.max_hand_m == 2.0


@pytest.mark.parametrize(
    "path, value, words",
    [
        (("marsh", "max_hand_m"), -1, "marsh.max_hand_m = -1"),
        (("marsh", "max_hand_m"), "low", "give max_hand_m a number"),
        (("marsh", "regions"), {}, "marsh.regions"),
        (("marsh", "regions", "a", "outline"), [[130, 46], [131, 46]], "at least three"),
        (("forest", "share_region"), "nowhere", "choose one of ['b']"),
        (("forest", "railways"), "missing.osm", "forest.railways = 'missing.osm' not found"),
        (("forest", "target_share_pct"), [60, 50], "low <= high"),
    ],
)
def test_bad_values_name_file_key_value_and_fix(tmp_path, path, value, words):
    doc = _good()
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    p = _write(tmp_path, doc)
    with pytest.raises(ConfigError) as err:
        load_landcover_1945(p)
    assert str(p) in str(err.value) and words in str(err.value)


def test_unknown_top_key_and_missing_file(tmp_path):
    doc = _good()
    doc["swamp"] = {}
    with pytest.raises(ConfigError, match="unknown key"):
        load_landcover_1945(_write(tmp_path, doc))
    with pytest.raises(ConfigError, match="Landcover1945.off"):
        load_landcover_1945(tmp_path / "none.yaml")


def test_a_configs_folder_without_the_file_falls_back_to_the_shipped_rule(tmp_path, monkeypatch):
    from logistics import settings

    monkeypatch.setattr(settings, "CONFIG_DIR", tmp_path)
    rule = load_landcover_1945()
    assert rule.source.endswith("configs/terrain/landcover-1945.yaml")
    assert rule.forest.railways.name == "railways-1945.osm" and rule.forest.railways.exists()
