"""A ferried formation's route search pays its ferrying at a big river, not a 45-min bridge.

Synthetic corridor with the answer known by construction: a major river along the middle of a
box, fast steppe and slow marsh swapping banks twice, so the bridge-priced least-time route
crosses the river three times (from the slow bank to the fast one each time) where one
crossing reaches the objective on the far bank. A formation ferried there (hours a crossing)
crosses it once; one that is not ferried keeps the bridge and its three crossings.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

from logistics.advance.route_choice import choose_routes
from logistics.army.resolve import ObjectiveSpec
from logistics.cost.models import CostModels
from logistics.terrain.classes import RiverClass, TerrainClass
from logistics.terrain.sides import JAPANESE, SOVIET
from tests.conftest import _cell_lonlat, metric_terrain

_BOX = (124.0, 46.0, 125.6, 46.6)  # about 123 x 66 km on a 1 km grid
_RIVER_ROW = 33


def _corridor(box_terrain):
    """Major river on row 33 (in marsh); north bank steppe / marsh / steppe and south bank
    marsh / steppe / marsh in thirds of the columns: the fast bank swaps twice."""
    t = box_terrain(_BOX, 1000.0)
    tc = np.full(t["terrain_class"].shape, int(TerrainClass.STEPPE), np.uint8)
    a, b = tc.shape[1] // 3, 2 * tc.shape[1] // 3
    north, south = slice(0, _RIVER_ROW), slice(_RIVER_ROW + 1, None)
    tc[north, a:b] = tc[south, :a] = tc[south, b:] = int(TerrainClass.WETLAND)
    tc[_RIVER_ROW, :] = int(TerrainClass.WETLAND)  # its floodplain: no road along the river
    rc = np.zeros_like(tc)
    rc[_RIVER_ROW, :] = int(RiverClass.MAJOR)
    return metric_terrain(t["elevation_m"].values, tc, rc, x=t["x"].values, y=t["y"].values,
                          attrs=t.attrs)


def _lonlat(t, row, col):
    return tuple(float(v) for v in _cell_lonlat(t, row, col))


def _unit(t, fid: str):
    """A tank column from the south bank's west end to the north bank's east end."""
    start = _lonlat(t, _RIVER_ROW + 4, 2)
    goal = _lonlat(t, _RIVER_ROW - 4, t.sizes["x"] - 3)
    return SimpleNamespace(
        id=fid, movement="tracked", pace_vehicle="t-34-85", fortified_action="assault",
        start_lon=start[0], start_lat=start[1], formed_when=None, parent=None,
        objectives=[ObjectiveSpec("Goal", (("Goal", *goal),), 10.0)],
        men=1000, vehicle_count=60, motor_classes=(("t-34-85", 60),))


def _options(ferry_h=40.0, own_h=60.0):
    return SimpleNamespace(engine="auto",
                           ferry_time=lambda men, vehicles, guns: ferry_h,
                           own_means_time=lambda men, classes, guns: own_h)


def _crossings(t, seg) -> int:
    """Crossings of the major river the route pays (the cost engine's own list of them: a
    knight move may step over the river's row)."""
    from logistics.cost.route import river_crossings

    cells = seg[["row", "col"]].to_numpy(dtype=np.int64)
    df = river_crossings(t, cells, ["t-34-85"], season="dry", models=CostModels())
    return int((df["river_class"] == int(RiverClass.MAJOR)).sum())


def _routes(t, units, ferry_sites, options):
    army = SimpleNamespace(source="toy.yaml", routing=SimpleNamespace(stencil=16),
                           formations=[SimpleNamespace(id=u.id) for u in units])
    notes: list[str] = []
    from logistics.advance.routes import RouteCache

    out = choose_routes(army, t, units, regions=[], rate_km_per_day=10.0, models=CostModels(),
                        options=options, cache=RouteCache(), first_season="dry", taiga_km=0.0,
                        ferry_sites=ferry_sites, sides=None, notes=notes)
    return out


def test_a_ferried_formation_crosses_the_big_river_once_where_bridges_cross_it_thrice(
        box_terrain):
    t = _corridor(box_terrain)
    ferried, bridged = _unit(t, "ferried"), _unit(t, "bridged")
    # the flotilla sails the whole river: every crossing is at a ferry site
    sites = [_lonlat(t, _RIVER_ROW, c) for c in range(0, t.sizes["x"], 5)]
    routes = _routes(t, [ferried, bridged], {"ferried": sites}, _options())
    # priced as bridges (45 min each), the least-time route takes the fast bank each time
    assert _crossings(t, routes["bridged"].segments) == 3
    # priced at its ferrying (40 h by its brigade, 60 by the site's own means), once
    assert _crossings(t, routes["ferried"].segments) == 1
    # the route's own times keep the cost engine's bridge (the step loop adds the ferrying)
    assert routes["ferried"].segments["time_s"].sum() < 20 * 3600.0


def test_without_a_ferry_planner_nothing_changes(box_terrain):
    t = _corridor(box_terrain)
    sites = [_lonlat(t, _RIVER_ROW, c) for c in range(0, t.sizes["x"], 5)]
    opts = SimpleNamespace(engine="auto", ferry_time=None, own_means_time=None)
    routes = _routes(t, [_unit(t, "ferried")], {"ferried": sites}, opts)
    assert _crossings(t, routes["ferried"].segments) == 3


def test_the_toll_is_the_quicker_of_its_means():
    from logistics.advance.ferry_toll import ferry_hours

    u = SimpleNamespace(men=1000, vehicle_count=60, motor_classes=(("t-34-85", 60),))
    assert ferry_hours(u, _options(40.0, 60.0), flotilla=True) == (40.0, 60.0)
    assert ferry_hours(u, _options(40.0, 60.0), flotilla=False) == (0.0, 60.0)
    assert ferry_hours(u, SimpleNamespace(ferry_time=None, own_means_time=None),
                       flotilla=True) == (0.0, math.inf)


def test_flotilla_toll_on_every_big_river_frontier_toll_only_on_the_frontier(box_terrain):
    from logistics.advance.ferry_toll import ferry_toll, frontier_river_cells

    t = box_terrain(_BOX, 1000.0)
    rc = np.zeros(t["river_class"].shape, dtype=t["river_class"].dtype)
    rc[:, 20] = int(RiverClass.MAJOR)   # the frontier river: Soviet west of it
    rc[:, 80] = int(RiverClass.LARGE)   # inland, 60 km into the Japanese side
    rc[:, 50] = int(RiverClass.MEDIUM)  # no big river: never tolled
    t = t.copy()
    t["river_class"] = t["river_class"].copy(data=rc)
    sides = np.full(rc.shape, JAPANESE, np.uint8)
    sides[:, :20] = SOVIET
    front = frontier_river_cells(t, sides, 10.0, 121.5)
    assert front[:, 20].all() and not front[:, 80].any() and not front[:, 50].any()
    # west of the Argun's mouth (the box lies at 124-125.6 E) the frontier river is the
    # Argun, which keeps the bridge (formation_plan.AMUR_FROM_LON)
    lon20 = _lonlat(t, 0, 20)[0]
    assert not frontier_river_cells(t, sides, 10.0, lon20 + 0.5)[:, 20].any()
    u = _unit(t, "x")
    fl = ferry_toll(t, u, _options(40.0, 60.0), flotilla=True, frontier_cells=lambda: front)
    assert fl.seconds == pytest.approx(40.0 * 3600.0)
    assert fl.cells[:, 20].all() and fl.cells[:, 80].all() and not fl.cells[:, 50].any()
    fr = ferry_toll(t, u, _options(40.0, 60.0), flotilla=False, frontier_cells=lambda: front)
    assert fr.seconds == pytest.approx(60.0 * 3600.0)
    assert (fr.cells == front).all()
    assert fl.key != fr.key  # two routes of one formation never share a cache entry
    # no own means in the plan: a formation without a flotilla is never ferried
    assert ferry_toll(t, u, _options(40.0, math.inf), flotilla=False,
                      frontier_cells=lambda: front) is None


def _lake(box_terrain):
    """A ferry site's water (watertoll32): an 11 km wide lake across the box (rows 25-35),
    narrowed to 2 km (rows 30-31) in columns 30-36, 20-26 km east of where a column going
    north from row 40 to row 20 at column 10 meets it; the flotilla's points along row 30 open
    all of it (``ferry_sites.open_ferry_water``)."""
    from logistics.advance.ferry_sites import open_ferry_water

    t = box_terrain(_BOX, 1000.0)
    tc = np.array(t["terrain_class"].values)
    tc[25:36, :] = int(TerrainClass.WATER)
    tc[25:30, 30:37] = tc[32:36, 30:37] = int(TerrainClass.STEPPE)
    t = t.copy()
    t["terrain_class"] = t["terrain_class"].copy(data=tc)
    sites = [_lonlat(t, 30, c) for c in range(0, t.sizes["x"], 5)]
    opened, n = open_ferry_water(t, sites)
    assert n == int((tc == int(TerrainClass.WATER)).sum())
    return opened, sites


def _lake_unit(t, fid: str):
    u = _unit(t, fid)
    u.start_lon, u.start_lat = _lonlat(t, 40, 10)
    u.objectives = [ObjectiveSpec("Goal", (("Goal", *_lonlat(t, 20, 10)),), 3.0)]
    return u


def _water_km(t, seg) -> float:
    """Km of the ferry site's water the route crosses (the step loop's measure of it)."""
    from logistics.advance.ferry_sites import crossing_water_km

    cells = seg[["row", "col"]].to_numpy(dtype=np.int64)
    kms = seg["cum_km"].to_numpy(dtype=np.float64)
    return sum(crossing_water_km(t, cells, kms, i) for i in range(len(cells))
               if i and not t["ferry_water"].values[tuple(cells[i - 1])]
               and t["ferry_water"].values[tuple(cells[i])])


def test_a_ferried_route_crosses_the_site_where_its_water_is_narrow_when_worth_the_detour(
        box_terrain):
    t, sites = _lake(box_terrain)
    # 40 h a crossing at the 1.5 km channel: the 11 km lake adds about 65 h of ferrying
    # (crossing_time_factor), the 2 km narrows 3.4 h; the detour there and back is ~45 km of
    # steppe, about two hours: it crosses at the narrows
    routes = _routes(t, [_lake_unit(t, "ferried")], {"ferried": sites}, _options(40.0, 60.0))
    seg = routes["ferried"].segments
    assert _water_km(t, seg) <= 3.0
    assert (seg["col"] >= 30).any()
    # a crossing of 0.2 h: the lake adds 20 min, less than the detour: straight across it
    routes = _routes(t, [_lake_unit(t, "quick")], {"quick": sites}, _options(0.2, 60.0))
    assert _water_km(t, routes["quick"].segments) >= 10.0


def test_water_beyond_the_channel_sums_to_the_width_less_the_channel(box_terrain):
    from logistics.advance.ferry_sites import water_beyond_channel_km
    from logistics.advance.ferry_toll import water_toll_s
    from logistics.network.river import crossing_time_factor

    t, _ = _lake(box_terrain)
    km = water_beyond_channel_km(t, 1.5)
    assert km[:, 10].sum() == pytest.approx(11.0 - 1.5)   # the lake, straight across
    assert km[:, 33].sum() == pytest.approx(2.0 - 1.5)    # the narrows
    assert not km[:25].any() and not km[36:].any()
    water_s = water_toll_s(t, np.ones(km.shape, bool), 3600.0)
    # summed over a crossing: the toll's hour times the growth of the ferrying's factor
    assert float(water_s[:, 10].sum()) == pytest.approx(
        3600.0 * (crossing_time_factor(11.0) - 1.0), rel=1e-5)


def _island(box_terrain):
    """A major river on row 33 that splits round an island (ferrygroup32): channels on rows
    31 and 35 joined at columns 49 and 61, the island rows 32-34, columns 50-60 (3 x 11 km)."""
    t = box_terrain(_BOX, 1000.0)
    tc = np.full(t["terrain_class"].shape, int(TerrainClass.STEPPE), np.uint8)
    rc = np.zeros_like(tc)
    rc[_RIVER_ROW, :49] = rc[_RIVER_ROW, 62:] = int(RiverClass.MAJOR)
    rc[31, 49:62] = rc[35, 49:62] = int(RiverClass.MAJOR)
    rc[31:36, 49] = rc[31:36, 61] = int(RiverClass.MAJOR)
    return metric_terrain(t["elevation_m"].values, tc, rc, x=t["x"].values, y=t["y"].values,
                          attrs=t.attrs)


def _island_unit(t, fid: str):
    u = _unit(t, fid)
    u.start_lon, u.start_lat = _lonlat(t, 45, 55)
    u.objectives = [ObjectiveSpec("Goal", (("Goal", *_lonlat(t, 21, 55)),), 3.0)]
    return u


def test_the_island_between_two_channels_is_found(box_terrain):
    from logistics.advance.ferry_sites import island_cells

    t = _island(box_terrain)
    big = t["river_class"].values == int(RiverClass.MAJOR)
    isl = island_cells(t, big)
    assert isl[32:35, 50:61].all() and int(isl.sum()) == 3 * 11
    # an enclosed land larger than a ferry site is land between two rivers, no island
    assert not island_cells(t, big, max_km=10.0).any()


def test_a_ferried_route_pays_one_toll_for_the_channels_round_an_island(box_terrain):
    """Straight north across the island: its two channels are one ferrying (40 h), not two;
    paid twice, the search went round the island to the single channel (a detour of ~12 km)."""
    t = _island(box_terrain)
    sites = [_lonlat(t, _RIVER_ROW, c) for c in range(0, t.sizes["x"], 5)]
    routes = _routes(t, [_island_unit(t, "ferried")], {"ferried": sites}, _options(40.0, 60.0))
    seg = routes["ferried"].segments
    on_island = seg[(seg["row"] >= 32) & (seg["row"] <= 34)]
    assert len(on_island) and on_island["col"].between(50, 60).all()


def test_the_channels_round_an_island_are_one_ferrying_in_the_step_loop(box_terrain):
    """The step loop's crossings of a route straight across the island: two channels 4 km
    apart, the second ferried with the first (``joins_km``); a formation is ferried at the
    first only (``Holds.ferried_river``), where watertoll32 ferried it at both."""
    import pandas as pd

    from logistics.advance.formation_plan import _crossings
    from logistics.advance.holds import Holds

    t = _island(box_terrain)
    rows = np.arange(45, 20, -1)
    ll = np.array([_lonlat(t, r, 55) for r in rows])
    seg = pd.DataFrame({"row": rows, "col": 55, "lon": ll[:, 0], "lat": ll[:, 1],
                        "cum_km": np.arange(len(rows), dtype=float)})
    cs = [c for c in _crossings(seg, t, "t-34-85", "dry", CostModels())
          if c.river_class == int(RiverClass.MAJOR)]
    assert len(cs) == 2
    assert cs[0].joins_km is None and cs[1].joins_km == pytest.approx(cs[0].km)
    holds = SimpleNamespace(fp={"f": SimpleNamespace(ferry_by="brigade", own_means_h=60.0)})
    assert Holds.ferried_river(holds, "f", cs[0]) and not Holds.ferried_river(holds, "f", cs[1])


def test_one_ferrying_carries_the_water_of_its_channels_and_only_within_a_site():
    from logistics.advance.ferry_sites import CHANNELS_WITHIN_KM, FERRY_SITE_KM, channel_groups
    from logistics.advance.formation_plan import CrossingStop, _ferrying, _one_ferrying
    from logistics.army.norms import load_norms
    from logistics.network.river import crossing_time_factor

    assert CHANNELS_WITHIN_KM == FERRY_SITE_KM
    # two channels 3.7 km apart, then the same river 50 km on: a second ferrying
    assert channel_groups([23.4, 27.1, 77.0, 80.0]) == [0, 0, 2, 2]
    assert channel_groups([0.0, 15.0, 25.0]) == [0, 0, 2]  # within 20 km of the group's first
    major, medium = int(RiverClass.MAJOR), int(RiverClass.MEDIUM)
    out = _one_ferrying([CrossingStop(23.4, 132.5, 47.7, major, 0.75, water_km=1.0),
                         CrossingStop(25.0, 132.5, 47.7, medium, 0.75),
                         CrossingStop(27.1, 132.5, 47.7, major, 0.75, water_km=2.0,
                                      beyond_km=0.5),
                         CrossingStop(77.0, 132.0, 47.0, major, 0.75, water_km=1.0)])
    assert [c.joins_km for c in out] == [None, None, 23.4, None]
    # ferry35: each its own water (a row of crossings.csv each: their sum the water crossed),
    # the ferrying's beyond the channel the first's ferry_beyond_km; on main the first's
    # water_km held both
    assert [c.water_km for c in out] == [1.0, 0.0, 2.0, 1.0]
    assert out[0].ferry_beyond_km == 0.5 and out[3].ferry_beyond_km is None
    # ferry34: its far bank, where the bridgehead starts, is the last channel's (no water
    # beyond its own step there: its own km)
    assert out[0].far_km == 27.1 and out[3].far_km is None
    river = load_norms().means.river
    # its ferrying timed for both channels' water beyond the channel, with the channel
    assert _ferrying(out[0], river).time_factor == pytest.approx(crossing_time_factor(
        river.own_means.width_km + 0.5, means=river.own_means, current_kmh=river.current_kmh))
    # a crossing on the frontier and one inland are ferried differently: not one ferrying
    out = _one_ferrying([CrossingStop(10.0, 132.5, 47.7, major, 0.75, frontier=True),
                         CrossingStop(14.0, 132.5, 47.7, major, 0.75)])
    assert out[1].joins_km is None


def test_the_step_loop_ferries_where_the_search_paid_not_at_a_corner_it_went_round(box_terrain):
    """ferrywide33: a route south down column 54 steps diagonally from (28, 54) to (29, 55), a
    medium river's cell, past the corner of a major river's cell (28, 55) (the other corner,
    (29, 54), the medium river's), then crosses the major river on row 33 straight. The
    route's crossing list calls the corner step a major crossing (the most major cell its step
    touches), and the channel rule made it the ferrying's site, 4 km short of the river the
    search paid its toll on (the 15th Army's tank brigades and rifle divisions at km 23.4,
    the toll paid at 27.1). With the search's toll the corner step paid none of it
    (``toll_paid_s``): not ferried there (``tolled`` False); the row-33 crossing is the
    ferrying's own (not ``joins_km``), the one step the search paid the toll at."""
    import pandas as pd

    from logistics.advance.ferry_toll import FerryToll, toll_paid_s
    from logistics.advance.formation_plan import _crossings, ferried_over

    t = box_terrain(_BOX, 1000.0)
    tc = np.full(t["terrain_class"].shape, int(TerrainClass.STEPPE), np.uint8)
    rc = np.zeros_like(tc)
    rc[_RIVER_ROW, :] = int(RiverClass.MAJOR)
    rc[28, 55] = int(RiverClass.MAJOR)
    rc[29, 54] = rc[29, 55] = int(RiverClass.MEDIUM)
    t = metric_terrain(t["elevation_m"].values, tc, rc, x=t["x"].values, y=t["y"].values,
                       attrs=t.attrs)
    cells = [(r, 54) for r in range(22, 29)] + [(r, 55) for r in range(29, 40)]
    ll = np.array([_lonlat(t, r, c) for r, c in cells])
    seg = pd.DataFrame({"row": [r for r, _ in cells], "col": [c for _, c in cells],
                        "lon": ll[:, 0], "lat": ll[:, 1],
                        "cum_km": np.arange(len(cells), dtype=float)})
    major = int(RiverClass.MAJOR)
    plain = [c for c in _crossings(seg, t, "t-34-85", "dry", CostModels())
             if c.river_class == major]
    assert [c.km for c in plain] == [7.0, 11.0]  # the corner step, then row 33
    assert plain[1].joins_km == 7.0  # main: ferried at the corner, row 33 with it
    toll = FerryToll(rc == major, 40 * 3600.0, "test")
    model = CostModels().get(t, "t-34-85", objective="time", season="dry")
    paid = toll_paid_s(model, t, np.array(cells), toll)
    assert np.flatnonzero(paid > 1.0).tolist() == [10]  # the step into row 33 only
    assert paid[10] == pytest.approx(toll.seconds, rel=1e-5)
    cs = [c for c in _crossings(seg, t, "t-34-85", "dry", CostModels(), toll=toll)
          if c.river_class == major]
    assert [(c.km, c.tolled, c.joins_km) for c in cs] == [(7.0, False, None), (11.0, True, None)]
    assert [ferried_over(c, "bde", math.inf) for c in cs] == [False, True]


def test_a_crossing_the_search_paid_no_toll_at_leads_no_ferrying_but_joins_one():
    """ferrywide33: the channel rule's groups (``ferry_sites.channel_groups``) start only at a
    crossing that may lead (``may_lead``: the search paid its toll there, ``tolled``): an
    untolled crossing before a tolled one 4 km on stands alone (not ferried), one after it
    joins its ferrying (its water with it: the channels round an island, where the search
    paid the toll once)."""
    from logistics.advance.ferry_sites import channel_groups
    from logistics.advance.formation_plan import CrossingStop, _one_ferrying

    assert channel_groups([7.0, 11.0]) == [0, 0]
    assert channel_groups([7.0, 11.0], may_lead=[False, True]) == [0, 1]
    assert channel_groups([7.0, 11.0], may_lead=[True, False]) == [0, 0]
    assert channel_groups([7.0, 11.0, 40.0], may_lead=[True, False, False]) == [0, 0, 2]
    major = int(RiverClass.MAJOR)
    out = _one_ferrying([CrossingStop(7.0, 132.5, 47.7, major, 0.75, water_km=1.0,
                                      beyond_km=1.0),
                         CrossingStop(11.0, 132.5, 47.7, major, 0.75, water_km=2.0,
                                      beyond_km=2.0, tolled=False)])
    assert (out[0].ferry_beyond_km, out[1].joins_km) == (3.0, 7.0)
    out = _one_ferrying([CrossingStop(7.0, 132.5, 47.7, major, 0.75, water_km=1.0,
                                      tolled=False),
                         CrossingStop(11.0, 132.5, 47.7, major, 0.75, water_km=2.0)])
    assert (out[1].water_km, out[0].joins_km, out[1].joins_km) == (2.0, None, None)


def _bands(box_terrain, widths=(1, 2, 3, 4)):
    """Opened water bands of ``widths`` rows (from row 30) in column blocks 10 km wide, 10 km
    of steppe between them: straight across each, a ferrying over that many km of water."""
    from logistics.advance.ferry_sites import open_ferry_water

    t = box_terrain(_BOX, 1000.0)
    tc = np.array(t["terrain_class"].values)
    for n, w in enumerate(widths):
        tc[30:30 + w, 10 + 20 * n:20 + 20 * n] = int(TerrainClass.WATER)
    t = t.copy()
    t["terrain_class"] = t["terrain_class"].copy(data=tc)
    opened, _ = open_ferry_water(t, [_lonlat(t, 31, c) for c in range(0, t.sizes["x"], 5)])
    return opened


def test_the_search_pays_the_water_the_step_loop_s_ferrying_takes_beyond_the_channel(
        box_terrain):
    """ferry35: one rule for the water beyond the 1.5 km channel that the route search pays
    cell by cell (``water_toll_s``, ``with_cell_seconds``: the cost engine's own charge) and
    that the step loop times a ferrying by (``CrossingStop.beyond_km``, its
    ``time_factor``): the same per-cell grid (``water_beyond_channel_km``, bounded by the
    water's width through each cell: network/river.py ``beyond_channel_km``). Straight
    across bands of 1 to 4 km an hour's ferrying grows by what its search paid, ``max(0, w -
    1.5)`` km; 0 on the one-cell band (on main the search paid a quarter km there, which the
    ferrying, timed as the channel, did not take); along the one-cell band (10 km of its
    water) neither charges any (on main the step loop timed 10 km, the search paid 2.5)."""
    import pandas as pd

    from logistics.advance.ferry_toll import water_toll_s, with_cell_seconds
    from logistics.advance.formation_plan import _crossings
    from logistics.army.norms import load_norms
    from logistics.cost.kernel import edge_costs
    from logistics.cost.route import _step_offsets

    t = _bands(box_terrain)
    river = load_norms().means.river
    models = CostModels()
    model = models.get(t, "t-34-85", objective="time", season="dry")
    priced = with_cell_seconds(model, water_toll_s(t, np.ones(model.shape, bool), 3600.0))

    def crossing(cells):
        cells = np.asarray(cells)
        kms = np.r_[0.0, np.cumsum(np.hypot(*np.diff(cells, axis=0).T))]
        ll = np.array([_lonlat(t, r, c) for r, c in cells])
        seg = pd.DataFrame({"row": cells[:, 0], "col": cells[:, 1], "lon": ll[:, 0],
                            "lat": ll[:, 1], "cum_km": kms})
        (c,) = [c for c in _crossings(seg, t, "t-34-85", "dry", models, river=river)
                if c.river_class == int(RiverClass.MAJOR)]
        k = _step_offsets(cells)
        paid = float(np.sum(edge_costs(priced, cells[:-1, 0], cells[:-1, 1], k)
                            - edge_costs(model, cells[:-1, 0], cells[:-1, 1], k)))
        return c, paid

    for n, w in enumerate((1, 2, 3, 4)):
        c, paid = crossing([(r, 15 + 20 * n) for r in range(26, 38)])
        assert c.water_km == pytest.approx(w)
        assert paid == pytest.approx(3600.0 * (c.time_factor - 1.0), rel=1e-4, abs=1e-2), w
        assert c.beyond_km == pytest.approx(max(0, w - 1.5))
    along = [(28, 6), (29, 7), (30, 8)] + [(30, col) for col in range(9, 23)] + [(29, 23)]
    c, paid = crossing(along)
    assert c.water_km == pytest.approx(10.0)
    assert paid == pytest.approx(0.0, abs=1e-3) and c.time_factor == 1.0
    assert c.beyond_km == 0.0
    # a whole crossing's: the width crossing_width_km adds to the channel, by the same rule
    from logistics.network.river import beyond_channel_km, crossing_width_km

    for w in (0.0, 0.4, 1.5, 2.0, 13.5):
        assert beyond_channel_km(0.0, w, w, 1.5) == max(0.0, w - 1.5)
        assert crossing_width_km(w) == max(w, 1.5)
