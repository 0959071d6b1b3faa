"""Where a flotilla ferries: water opened at its sites, major rivers barred elsewhere.

Synthetic grids with the answer known by construction (a river polygon across a box of
steppe; distances counted in cells), and the shipped 15th Army, whose route drove 150 km up
the Soviet bank of the Amur before the rule.
"""

from __future__ import annotations

import numpy as np
import pytest

from logistics.advance.ferry_sites import FERRY_SITE_KM, ferry_barrier, open_ferry_water
from logistics.terrain import to_lonlat, to_metric
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


@pytest.mark.parametrize("axis", ["2fef-15a", "2fef-2rba", "2fef-5rc"])
def test_a_ferried_formation_crosses_a_big_river_only_where_its_flotilla_is(axis):
    """Shipped armies: every crossing of a major or large river (BIG_RIVER_CLASSES; the first
    is the ferried one) of every formation the flotilla ferries lies within FERRY_SITE_KM (+ a
    cell) of its own start or of where its brigade is (its start and river path). Before the
    rule the 15th Army's crossed the Amur 130 km west of Leninskoye. And it crosses one big
    river once, in one ferrying (every objective of the three armies' ferried formations lies
    beyond one; its channels at one site are one ferrying: ferry_sites.channel_groups): its
    route search prices each crossing at its ferrying (advance/ferry_toll.py), where the
    45-min bridge had the 15th Army's tank brigades and rifle divisions ferried three times
    (the Amur, then the Sungari at km 77 and 275-338)."""
    from logistics.terrain.classes import BIG_RIVER_CLASSES
    from logistics.advance.ferry_sites import CHANNELS_WITHIN_KM, brigade_ships, flotilla_points
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
        # the first is the crossing the flotilla ferries
        big = mine[mine["river_class"].isin(BIG_RIVER_CLASSES)]
        assert len(route) and len(big), fid
        # ferried once: its channels at one site (a side channel, an island between) are one
        # ferrying (ferry_sites.channel_groups; the later ones not ferried again), and no big
        # river is crossed again farther on
        span_km = float(big["cum_km"].max() - big["cum_km"].min())
        assert span_km <= CHANNELS_WITHIN_KM, (fid, big[["cum_km", "lon", "lat", "river_class"]])
        assert int((big["ferry_h"] > 0).sum()) == 1, (fid, big[["cum_km", "ferry_h"]])
        pts = np.asarray([(float(route["lon"].iloc[0]), float(route["lat"].iloc[0]))]
                         + list(sites[fid]))
        for lon, lat in zip(big["lon"], big["lat"]):
            d = great_circle_km(pts[:, 0], pts[:, 1], float(lon), float(lat)).min()
            assert d <= FERRY_SITE_KM + 1.5, (fid, lon, lat, d)
        checked += 1
    assert checked >= 3


def test_large_river_cells_far_from_the_flotilla_are_barred_too(box_terrain):
    """A large river (class 2, WDBII level 2: the Ussuri, the Sungari at Harbin) is one the
    flotilla sails and ferries across (BIG_RIVER_CLASSES), so it is barred away from it as a
    major one is; a medium river (class 3) its formations cross by their own means anywhere."""
    from logistics.terrain.classes import BIG_RIVER_CLASSES

    t = box_terrain(_BOX, 1000.0)
    rc = np.zeros(t["river_class"].shape, dtype=t["river_class"].dtype)
    rc[:, 30] = int(RiverClass.LARGE)
    rc[:, 90] = int(RiverClass.MEDIUM)
    t = t.copy()
    t["river_class"] = t["river_class"].copy(data=rc)
    bar = ferry_barrier(t, [_lonlat(t, 10, 30)], radius_km=10.0)
    assert int(RiverClass.LARGE) in BIG_RIVER_CLASSES
    assert not bar[:, 90].any() and not (bar & (rc == 0)).any()
    # 10 km along the river from row 10 on a 1 km grid: rows 0..20 open, row 21 on barred
    assert not bar[:21, 30].any() and bar[21:, 30].all()


def test_the_classes_barred_and_ferried_are_the_rivers_the_flotilla_sails():
    """BIG_RIVER_CLASSES (what ferry_barrier bars and where the ferrying is triggered) are the
    river classes of movement.yaml river.navigable_levels (WDBII 0-2): a flotilla ferries
    across the rivers it sails. Changing one without the other breaks the rule's ground."""
    from logistics.army.means_norms import load_means_norms
    from logistics.terrain.classes import BIG_RIVER_CLASSES
    from logistics.terrain.rivers import river_class_of_level

    levels = load_means_norms().river.navigable_levels
    assert {int(c) for c in river_class_of_level(list(levels))} == set(BIG_RIVER_CLASSES)


# ----------------------------------------------------------- a large river far from the ships

_START, _GOAL = (118.2, 46.7), (119.2, 46.7)
_RIVER_LON = 118.7  # about 38 km east of the start, so beyond FERRY_SITE_KM of it
_SHIPS = (118.7, 47.0)  # on the river about 33 km north of the direct line: beyond it too


def _ferried_army_doc(doc_of) -> dict:
    """A tank column from ``_START`` to ``_GOAL`` that a brigade with no route, at
    ``_SHIPS``, ferries (the 5th Rifle Corps' brigade, moved)."""
    import yaml

    from logistics import settings

    col = doc_of.tank_column(_GOAL)
    col["start"] = {"lon": _START[0], "lat": _START[1], "assumed": "test"}
    doc = doc_of([col])
    rc5 = yaml.safe_load((settings.CONFIG_DIR / "2fef-5rc.yaml").read_text(encoding="utf-8"))
    bde = dict(rc5["flotilla"][0])
    bde.update(start={"lon": _SHIPS[0], "lat": _SHIPS[1], "assumed": "test"}, route=[],
               ferries_for=[col["id"]])
    doc["flotilla"] = [bde]
    return doc


@pytest.mark.slow
def test_a_first_big_crossing_on_a_large_river_is_made_where_the_flotilla_is(
        tmp_path, box_terrain, test_army_doc):
    """A ferried column whose straight way east crosses a large river (class 2) 33 km from its
    brigade and 38 km from its own start: it waits for the ferrying at its first big crossing
    (advance/stops.py), so that crossing must lie within FERRY_SITE_KM (+ a 2 km cell's
    diagonal) of where the brigade is. Before the rule barred large rivers too, the column
    crossed straight east and queued for ships 33 km away."""
    import yaml

    from logistics.advance.plan import army_bbox
    from logistics.army.load import load_army
    from logistics.geodesy import great_circle_km
    from logistics.runner import run_scenario
    from logistics.terrain.classes import BIG_RIVER_CLASSES

    path = tmp_path / "army.yaml"
    path.write_text(yaml.safe_dump(_ferried_army_doc(test_army_doc), allow_unicode=True,
                                   sort_keys=False), encoding="utf-8")
    army = load_army(path)
    t = box_terrain(army_bbox(army), 2000.0)
    x_river, _ = to_metric(np.array([_RIVER_LON]), np.array([_START[1]]))
    col = int(np.argmin(np.abs(t["x"].values - float(x_river[0]))))
    rc = np.zeros(t["river_class"].shape, dtype=t["river_class"].dtype)
    rc[:, col] = int(RiverClass.LARGE)
    t = t.copy()
    t["river_class"] = t["river_class"].copy(data=rc)
    r = run_scenario(army, terrain=t, own_sector=False)
    cross = r.crossings.sort_values("cum_km")
    big = cross[cross["river_class"].isin(BIG_RIVER_CLASSES)]
    assert len(big), "the column's route crosses the large river"
    first = big.iloc[0]
    assert float(first["ferry_h"]) > 0.0  # ferried there
    d = float(great_circle_km(_SHIPS[0], _SHIPS[1], float(first["lon"]), float(first["lat"])))
    assert d <= FERRY_SITE_KM + 2.0 * 2 ** 0.5, (float(first["lon"]), float(first["lat"]), d)
    ferry = r.reached[r.reached["kind"] == "ferry"]
    assert len(ferry) == 1 and float(ferry["cum_km"].iloc[0]) == pytest.approx(
        float(first["cum_km"]))


def test_the_water_a_route_crosses_at_a_ferry_site_is_measured_along_it(box_terrain):
    """water32: the 3-cell water band opened at a site is marked (``FERRY_WATER``), and a route
    due south across it at column 60 (rows 28 to 35, 1 km steps) crosses 3 km of it: the
    steps into rows 30, 31, 32 (the bank rows 29 and 33 are river lines on land, the crossing
    itself starting at row 29). A crossing of a river line on land (row 33 alone, on a copy
    with no opened water) crosses none. On main the water the route marched over at land
    pace was not measured: its ferries were timed for the assumed 1.5 km."""
    from logistics.advance.ferry_sites import FERRY_WATER, crossing_water_km

    t = _river_terrain(box_terrain)
    out, n = open_ferry_water(t, [_lonlat(t, 31, 60)], radius_km=10.0)
    opened = (t["terrain_class"].values == int(TerrainClass.WATER)) & \
             (out["terrain_class"].values != int(TerrainClass.WATER))
    assert (np.asarray(out[FERRY_WATER].values) == opened).all() and n == int(opened.sum())
    cells = np.array([(r, 60) for r in range(28, 36)])
    kms = np.arange(len(cells), dtype=float)
    assert crossing_water_km(out, cells, kms, 1) == pytest.approx(3.0)
    assert crossing_water_km(t, cells, kms, 5) == 0.0  # no opened water on this terrain
    assert crossing_water_km(out, cells, kms, 5) == 0.0  # row 33: a river line on land


def test_a_ferrying_takes_longer_and_lands_later_across_wider_water():
    """By hand with the shipped norms (river.own_means: width 1.5 km, towing 10 km/h, load and
    unload 1 h; river.current_kmh 5 km/h): across at sqrt(100 - 25) = 8.660 km/h, a round
    trip 2 x 1.5 / 8.660 + 1 = 1.346 h at the assumed width, 2 x 13.5 / 8.660 + 1 = 4.118 h
    across 13.5 km of water (x 3.058); the first trip lands 1.5 / 8.660 + 1 = 1.173 h after
    the start. Water narrower than the assumed channel changes nothing."""
    from logistics.network.river import (crossing_time_factor, crossing_width_km,
                                         first_landing_h, own_means_trip_h)

    assert own_means_trip_h() == pytest.approx(2 * 1.5 / 75 ** 0.5 + 1.0)
    assert own_means_trip_h(13.5) == pytest.approx(2 * 13.5 / 75 ** 0.5 + 1.0)
    assert crossing_time_factor(13.5) == pytest.approx(own_means_trip_h(13.5) / own_means_trip_h())
    assert crossing_time_factor(0.4) == crossing_time_factor(0.0) == 1.0
    assert crossing_width_km(0.4) == 1.5 and crossing_width_km(13.5) == 13.5
    assert first_landing_h() == pytest.approx(1.5 / 75 ** 0.5 + 1.0)


def test_a_ferrying_s_time_has_no_cliff_at_the_assumed_channel():
    """ferry34: no step at the channel's 1.5 km: water just under it (the 15th Army's 1.49
    km) is timed as the channel, just over it a hair longer; the factor and the first landing
    rise with the water continuously (a kink, the channel a floor: the least a ferry crosses
    in the flood), never fall."""
    from logistics.network.river import crossing_time_factor, first_landing_h

    ws = np.linspace(0.0, 4.0, 4001)
    f = np.array([crossing_time_factor(w) for w in ws])
    land = np.array([first_landing_h(w) for w in ws])
    for v in (f, land):
        assert (np.diff(v) >= 0.0).all() and np.abs(np.diff(v)).max() < 1e-3
    assert crossing_time_factor(1.49) == crossing_time_factor(1.5) == 1.0
    assert crossing_time_factor(1.51) - 1.0 == pytest.approx(
        crossing_time_factor(2.5) - crossing_time_factor(2.49), rel=1e-6)


def test_the_water_a_ferried_formation_crosses_is_carried_not_marched(box_terrain):
    """ferrywide33: a route due south across the opened 3-cell water band at column 60 (rows
    26 to 36, 1 km steps; the crossing starts at row 29, index 3): its steps into rows 30,
    31, 32 and out onto row 33 (indices 4 to 7) are the water the ferry carries a ferried
    formation over (``CrossingStop.water_steps``), its plan's step times and litres 0 on the
    steps within the water, half on the steps into and out of it (half of each on a bank's
    cell, ferry34: as the cost engine weighs a step's two cells) (formation_plan.py
    ``ferried_water_steps``, ``_not_marched``); the crossing's own step (the cost engine's
    crossing price) is kept. A formation not ferried there (no brigade, not on the frontier)
    marches it. On main the landed head marched the water at land pace and burned fuel on
    it."""
    import pandas as pd

    from logistics.advance.formation_plan import _crossings, _not_marched, ferried_water_steps
    from logistics.cost.models import CostModels

    t = _river_terrain(box_terrain)
    out, _ = open_ferry_water(t, [_lonlat(t, 31, 60)], radius_km=10.0)
    rows = np.arange(26, 37)
    ll = np.array([_lonlat(out, r, 60) for r in rows])
    seg = pd.DataFrame({"row": rows, "col": 60, "lon": ll[:, 0], "lat": ll[:, 1],
                        "cum_km": np.arange(len(rows), dtype=float)})
    (c,) = [c for c in _crossings(seg, out, "t-34-85", "dry", CostModels())
            if c.river_class == int(RiverClass.MAJOR)]
    assert c.km == 3.0 and c.water_km == pytest.approx(3.0) and c.water_steps == (4, 5, 6, 7)
    # the far bank: the line between the last water row (32) and row 33, half the step out
    # of the water (km 6.5; ferry35: not row 33's centre, km 7); the bridgehead starts there
    assert c.far_km == 6.5
    carried = ferried_water_steps([c], len(rows), "bde", float("inf"))
    assert carried[[4, 5, 6, 7]].tolist() == [0.5, 1.0, 1.0, 0.5]
    assert np.flatnonzero(carried).tolist() == [4, 5, 6, 7]
    assert not ferried_water_steps([c], len(rows), None, float("inf")).any()
    times = _not_marched({"dry": np.ones((2, len(rows)))}, carried)["dry"]
    assert (times[:, [5, 6]] == 0.0).all() and (times[:, [4, 7]] == 0.5).all() \
        and (times[:, :4] == 1.0).all() and (times[:, 8:] == 1.0).all()


def test_a_knights_move_over_opened_water_counts_the_water_it_jumps(box_terrain):
    """knightwater33: a route south down column 60 across the opened band (rows 30-32, banked
    by major-river lines at rows 29 and 33) that jumps row 32 with a knight's move from
    (31, 60) to (33, 61) (sqrt(5) km; the two cells beside it, (32, 60) and (32, 61), are
    water, its landing cell the bank's line). The cost engine weighs the four cells a
    knight's move passes alike (cost/kernel.py ``_crossed_cells``: p, the two beside it, q),
    so three quarters of that step are water, and half of the step from the bank's line into
    the band (ferry34: the engine's halves, the exact lengths over the band's rows 29.5 to
    32.5): 0.5 + 1 + 3 sqrt(5) / 4 = 3.177 km, not the 2 km of the cells it lands on (main
    before knightwater33 counted only those, and the ferried formation marched the jumped
    water), nor 1 + 1 + 2 sqrt(5) / 3 = 3.491 (knightwater33's thirds, p left out). Ferried,
    the formation is carried over that share of each step: its time there is a quarter of
    the knight's move, half of the step into the band."""
    import pandas as pd

    from logistics.advance.ferry_sites import crossing_water_km
    from logistics.advance.formation_plan import _crossings, _not_marched, ferried_water_steps
    from logistics.cost.models import CostModels

    t = _river_terrain(box_terrain)
    out, _ = open_ferry_water(t, [_lonlat(t, 31, 60)], radius_km=10.0)
    cells = np.array([(27, 60), (28, 60), (29, 60), (30, 60), (31, 60), (33, 61), (34, 61),
                      (35, 61)])
    kms = np.r_[0.0, np.cumsum(np.hypot(*np.diff(cells, axis=0).T))]
    want = 1.5 + 3.0 * 5 ** 0.5 / 4.0
    assert crossing_water_km(out, cells, kms, 2) == pytest.approx(want)
    ll = np.array([_lonlat(out, r, c) for r, c in cells])
    seg = pd.DataFrame({"row": cells[:, 0], "col": cells[:, 1], "lon": ll[:, 0],
                        "lat": ll[:, 1], "cum_km": kms})
    (c,) = [c for c in _crossings(seg, out, "t-34-85", "dry", CostModels())
            if c.river_class == int(RiverClass.MAJOR)]
    assert c.km == 2.0 and c.water_km == pytest.approx(want)
    assert c.water_steps == (3, 4, 5)
    # its far bank: where the knight's move leaves row 32 (the line at row 32.5), three
    # quarters of its way (ferry35; its landing cell's centre, km 4 + sqrt(5), before)
    assert c.far_km == pytest.approx(4.0 + 0.75 * 5 ** 0.5)
    carried = ferried_water_steps([c], len(cells), "bde", float("inf"))
    assert carried[[3, 4, 5]].tolist() == [0.5, 1.0, 0.75]
    times = _not_marched({"dry": np.ones((2, len(cells)))}, carried)["dry"]
    assert (times[:, 3] == 0.5).all() and (times[:, 4] == 0.0).all() \
        and times[:, 5] == pytest.approx(0.25)
    assert (times[:, [0, 1, 2, 6, 7]] == 1.0).all()


def test_a_step_is_charged_water_by_the_cost_engines_weights_of_its_cells(box_terrain):
    """ferry34: the water share of each step of a crossing (``crossing_water_shares``) is the
    share the cost engine charges it of a per-cell price on the water (ferry_toll.py
    ``with_cell_seconds``, a cell's price paid in full by a 1 km straight step within it, as
    the route search pays a ferry site's water): the kernel's mean over a move's cells,
    half ``p`` and half ``q`` of a straight or diagonal step, a quarter of each of the four
    cells a knight's move passes. A route down column 60 across the band (rows 30-32) that
    steps straight into it from the bank's line, on diagonally, and out by a knight's move:
    0.5, 1 (the diagonal within it), then (p, a, b water, q the far bank's line) 0.75; by
    hand 0.5 + sqrt(2) + 0.75 sqrt(5) km of water. On main a step was charged the water
    of the cell it lands on alone (a straight step into the water in full, one out of it
    nothing) and a knight's move a third for each cell beside it and its landing cell."""
    from logistics.advance.ferry_sites import crossing_water_km, crossing_water_shares
    from logistics.advance.ferry_toll import with_cell_seconds
    from logistics.cost.kernel import edge_costs
    from logistics.cost.models import CostModels
    from logistics.cost.route import _step_offsets

    t = _river_terrain(box_terrain)
    out, _ = open_ferry_water(t, [_lonlat(t, 31, 60)], radius_km=10.0)
    cells = np.array([(28, 60), (29, 60), (30, 60), (31, 61), (33, 62), (34, 62)])
    kms = np.r_[0.0, np.cumsum(np.hypot(*np.diff(cells, axis=0).T))]
    steps, shares = crossing_water_shares(out, cells, 1)
    assert steps.tolist() == [2, 3, 4]
    assert shares.tolist() == pytest.approx([0.5, 1.0, 0.75])
    assert crossing_water_km(out, cells, kms, 1) == pytest.approx(
        0.5 + 2 ** 0.5 + 0.75 * 5 ** 0.5)
    # the engine's own charge of a 100 s price on each opened cell, per step
    model = CostModels().get(out, "t-34-85", objective="time", season="dry")
    water = np.asarray(out["ferry_water"].values, dtype=bool)
    priced = with_cell_seconds(model, np.where(water, 100.0, 0.0))
    k = _step_offsets(cells)
    paid = (edge_costs(priced, cells[:-1, 0], cells[:-1, 1], k)
            - edge_costs(model, cells[:-1, 0], cells[:-1, 1], k))
    engine_share = paid / (100.0 * np.diff(kms))
    assert engine_share[steps - 1] == pytest.approx(shares, rel=1e-5)
    assert np.delete(engine_share, steps - 1) == pytest.approx(0.0, abs=1e-6)


def test_the_far_bank_is_where_the_route_leaves_the_water_by_the_engine_s_weights(box_terrain):
    """ferry35: a crossing's far bank (``crossing_far_bank_km``, ``CrossingStop.far_km``:
    where a ferried formation's bridgehead is measured from, crossings.csv's ``far_km``) is
    the edge of the last water cell its last water step passes, the step's cells in the
    order its segment passes them by the cost engine's weights: across the band (rows
    30-32) straight south, half the step out of row 32 (km 5.5 from row 27, the line at row
    32.5); diagonally out, half the diagonal; by a knight's move whose landing cell is land
    (row 34, past the bank's line at row 33) and whose cells beside are row 33's, i.e. the
    water ends with its first quarter (p, row 32): a quarter of it. On main it was the
    landing cell's centre, half a cell (or more) past the bank."""
    from logistics.advance.ferry_sites import crossing_far_bank_km

    t = _river_terrain(box_terrain)
    out, _ = open_ferry_water(t, [_lonlat(t, 31, 60)], radius_km=10.0)

    def far(cells, i):
        cells = np.asarray(cells)
        kms = np.r_[0.0, np.cumsum(np.hypot(*np.diff(cells, axis=0).T))]
        return crossing_far_bank_km(out, cells, kms, i), kms

    straight = [(r, 60) for r in range(27, 36)]
    km, kms = far(straight, 2)
    assert km == pytest.approx(5.5) and km == pytest.approx(kms[5] + 0.5)
    diagonal = [(27, 60), (28, 60), (29, 60), (30, 60), (31, 60), (32, 60), (33, 61), (34, 61)]
    km, kms = far(diagonal, 2)
    assert km == pytest.approx(kms[5] + 0.5 * 2 ** 0.5)
    knight = [(27, 60), (28, 60), (29, 60), (30, 60), (31, 60), (32, 60), (34, 61), (35, 61)]
    km, kms = far(knight, 2)
    assert km == pytest.approx(kms[5] + 0.25 * 5 ** 0.5)
    assert far([(r, 60) for r in range(34, 40)], 1)[0] is None  # no water there
