"""Where a flotilla ferries: water opened at its sites, major rivers barred elsewhere.

Synthetic grids with the answer known by construction (a river polygon across a box of
steppe; distances counted in cells), and the shipped 15th Army, whose route drove 150 km up
the Soviet bank of the Amur before the rule.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from logistics.advance.ferry_sites import FERRY_SITE_KM, ferry_barrier, open_ferry_water
from logistics.terrain import to_lonlat
from logistics.terrain.classes import RiverClass, TerrainClass

_BOX = (124.0, 46.0, 125.6, 46.6)  # about 120 x 65 km


def _river_terrain(box_terrain):
    """Steppe with a 3-cell water band (rows 30-32) banked by major-river cells (rows 29, 33),
    and forest north of it (rows <= 29) so the bank each opened cell takes is visible."""
    t = box_terrain(_BOX, 1000.0)
    tc = np.asarray(t["terrain_class"].values).copy()
    rc = np.zeros_like(tc)
    tc[:30, :] = int(TerrainClass.FOREST)
    tc[30:33, :] = int(TerrainClass.WATER)
    rc[29, :] = rc[33, :] = int(RiverClass.MAJOR)
    t = t.copy()
    t["terrain_class"] = t["terrain_class"].copy(data=tc)
    t["river_class"] = t["river_class"].copy(data=rc)
    return t


def _lonlat(t, row, col):
    lon, lat = to_lonlat(float(t["x"].values[col]), float(t["y"].values[row]))
    return float(lon), float(lat)


def test_water_opens_within_the_radius_of_a_site_and_nowhere_else(box_terrain):
    t = _river_terrain(box_terrain)
    site = _lonlat(t, 31, 60)
    out, n = open_ferry_water(t, [site], radius_km=10.0)
    tc, rc = out["terrain_class"].values, out["river_class"].values
    opened = (t["terrain_class"].values == int(TerrainClass.WATER)) & \
             (tc != int(TerrainClass.WATER))
    cols = np.flatnonzero(opened.any(axis=0))
    # 10 km either side of column 60 on a 1 km grid: columns 50..70 (the band's rows are within
    # 1 cell of the site's row, so the reach along the river is sqrt(100 - 1) ~ 9.9 cells)
    assert cols.min() in (50, 51) and cols.max() in (69, 70)
    assert n == int(opened.sum())
    assert (rc[opened] == int(RiverClass.MAJOR)).all()
    # each opened cell stands on its nearest bank: forest on the north row, steppe on the south
    assert (tc[30][opened[30]] == int(TerrainClass.FOREST)).all()
    assert (tc[32][opened[32]] == int(TerrainClass.STEPPE)).all()
    # the input is left as it was
    assert (t["terrain_class"].values[30:33] == int(TerrainClass.WATER)).all()


def test_no_site_in_reach_changes_nothing(box_terrain):
    t = _river_terrain(box_terrain)
    out, n = open_ferry_water(t, [_lonlat(t, 5, 5)], radius_km=5.0)
    assert n == 0 and out is t


def test_major_river_cells_far_from_the_flotilla_are_barred(box_terrain):
    t = _river_terrain(box_terrain)
    bar = ferry_barrier(t, [_lonlat(t, 31, 60)], radius_km=10.0)
    major = t["river_class"].values == int(RiverClass.MAJOR)
    assert not (bar & ~major).any()  # only major-river cells are ever barred
    assert not bar[29, 55:66].any() and not bar[33, 55:66].any()
    assert bar[29, :45].all() and bar[33, 76:].all()


def test_the_default_radius_is_the_named_assumption():
    assert FERRY_SITE_KM == 20.0


@pytest.mark.parametrize("axis", ["2fef-15a", "2fef-2rba"])
def test_a_ferried_formation_crosses_a_major_river_only_where_its_flotilla_is(axis):
    """Shipped armies: the ferried crossing (the first of a major or large river) and every
    major-river crossing of every formation the flotilla ferries lie within FERRY_SITE_KM (+ a
    cell) of its own start or of where its brigade is (its start and river path). Before the rule the 15th Army's crossed the Amur 130 km west of Leninskoye."""
    from logistics.advance.ferry_sites import brigade_ships, flotilla_points
    from logistics.api import run
    from logistics.army.load import load_army
    from logistics.army.norms import load_norms
    from logistics.geodesy import great_circle_km

    army = load_army(f"configs/{axis}.yaml")
    result = run(army)
    norms = load_norms()
    sites = {fid: flotilla_points(b, brigade_ships(b, norms)) for b in army.flotilla
             for fid in b.ferries_for}
    ferried = set(sites)
    cross, routes = result.crossings, result.routes
    checked = 0
    for fid in sorted(ferried):
        route = routes[routes["formation_id"] == fid]
        mine = cross[cross["formation_id"] == fid].sort_values("cum_km")
        major = mine[mine["river_class"] == int(RiverClass.MAJOR)]
        # the crossing the flotilla ferries: its first of a major or large river
        ferried_at = mine[mine["river_class"].isin([int(RiverClass.MAJOR),
                                                     int(RiverClass.LARGE)])].head(1)
        assert len(route) and len(ferried_at), fid
        pts = np.asarray([(float(route["lon"].iloc[0]), float(route["lat"].iloc[0]))]
                         + list(sites[fid]))
        for lon, lat in zip(pd.concat([ferried_at, major])["lon"],
                            pd.concat([ferried_at, major])["lat"]):
            d = great_circle_km(pts[:, 0], pts[:, 1], float(lon), float(lat)).min()
            assert d <= FERRY_SITE_KM + 1.5, (fid, lon, lat, d)
        checked += 1
    assert checked >= 3
