"""speed36: the faster ways of three computations give what the plain ones do.

Height above the nearest river asks the k-d tree for two neighbours first and for
``_K_TIES`` only at ties (checked against a brute force on grids full of ties); the EPSG code
of a project's CRS is cached on its WKT (another CRS, another code); the GeoPackage is
written without SQLite's waits for the disk (whole, GDAL's option restored after)."""

from __future__ import annotations

import numpy as np
import pytest

from logistics.terrain.hand import height_above_river


def _brute_hand(z, river, where, radius_cells):
    """HAND by brute force: the lowest of the river cells at the least distance within the
    radius (the module's rule)."""
    out = np.full(z.shape, np.nan, dtype=np.float32)
    rr, rc = np.nonzero(river & np.isfinite(z))
    for r, c in zip(*np.nonzero(where & np.isfinite(z))):
        if not rr.size:
            break
        d = np.hypot(rr - r, rc - c)
        ok = d <= radius_cells * (1 + 1e-12) + 1e-9
        if not ok.any():
            continue
        near = ok & (d <= d[ok].min())
        out[r, c] = np.float32(z[r, c] - z[rr[near], rc[near]].min())
    return out


@pytest.mark.parametrize("seed,frac,radius", [(0, 0.05, 4.0), (1, 0.2, 2.5), (2, 0.01, 9.0),
                                              (3, 0.5, 1.0)])
def test_hand_equals_the_brute_force_on_grids_full_of_ties(seed, frac, radius):
    rng = np.random.default_rng(seed)
    z = rng.integers(0, 50, (40, 40)).astype(float)  # whole metres: many equal heights too
    z[rng.random(z.shape) < 0.03] = np.nan
    river = rng.random(z.shape) < frac
    where = rng.random(z.shape) < 0.7
    got = height_above_river(z, river, where, search_m=radius * 1000, resolution_m=1000)
    want = _brute_hand(z, river, where, radius)
    assert np.array_equal(got, want, equal_nan=True)


def test_hand_with_one_river_cell():
    z = np.arange(25, dtype=float).reshape(5, 5)
    river = np.zeros((5, 5), bool)
    river[2, 2] = True
    got = height_above_river(z, river, np.ones((5, 5), bool), search_m=2000, resolution_m=1000)
    assert np.array_equal(got, _brute_hand(z, river, np.ones((5, 5), bool), 2.0), equal_nan=True)


def test_epsg_code_is_keyed_on_the_crs():
    from pyproj import CRS

    from logistics.report.qgis import epsg_code
    from logistics.report.rasters import metric_crs

    metric = metric_crs()
    assert epsg_code(metric.to_wkt()) is None  # the metric grid has no code
    assert epsg_code(CRS.from_epsg(4326).to_wkt()) == 4326  # another CRS: its own code
    assert epsg_code(CRS.from_epsg(32651).to_wkt()) == 32651
    assert epsg_code(metric.to_wkt()) is None


def test_gpkg_written_unsynced_is_whole_and_the_option_is_restored(tmp_path):
    import sqlite3

    import geopandas as gpd
    import pyogrio
    from shapely.geometry import Point

    from logistics.report.gpkg import write_gpkg

    gdf = gpd.GeoDataFrame({"n": np.arange(50), "name": [f"p{i}" for i in range(50)]},
                           geometry=[Point(120 + i * 0.01, 45) for i in range(50)],
                           crs="EPSG:4326")
    layers = {"halts": gdf, "deliveries": gdf, "crossings": gdf}
    before = pyogrio.get_gdal_config_option("OGR_SQLITE_SYNCHRONOUS")
    for option in (before, "FULL"):
        pyogrio.set_gdal_config_options({"OGR_SQLITE_SYNCHRONOUS": option})
        try:
            path = write_gpkg(layers, tmp_path / f"{option}.gpkg",
                              timestamp="1945-08-09T00:00:00")
            assert pyogrio.get_gdal_config_option("OGR_SQLITE_SYNCHRONOUS") == option
        finally:
            pyogrio.set_gdal_config_options({"OGR_SQLITE_SYNCHRONOUS": before})
        con = sqlite3.connect(path)
        try:
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert con.execute("SELECT count(*) FROM layer_styles").fetchone()[0] >= 3
        finally:
            con.close()
        back = pyogrio.read_dataframe(path, layer="deliveries")
        assert list(back["name"]) == list(gdf["name"])
