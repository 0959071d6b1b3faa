"""The bypass rule's comparison (configs/fortified-regions.yaml rule.bypass.quicker_way) prices
a fortified depth as the step loop will cross it: through the open breach at its own pace once
a formation of its army breaking in has come out of it, after the breach's start when it
follows, and the ferrying at each big river it is ferried over (advance/route_clock.py).

The clock: 100 km of 1 km steps at 20 km/h (the pace vehicle's time) under a 25 km/h norm of 10
march hours a day, so 3 min a step is 7.2 min of the clock (a day's 200 km of march takes a
day); a depth over km 20 .. 50 at 12 km a day (60 h). Expectations worked by hand.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from logistics.advance.depths import fortified_passes
from logistics.advance.route_clock import Breaches, route_clock
from logistics.army.fortified import Region

RATE = 12.0  # km a day
STEP_H = 0.05 * 24.0 / 10.0  # 3 min a km over 10 march hours a day: 0.12 h of the clock


def _seg(n: int = 100) -> pd.DataFrame:
    """1 km steps east along 47 N from 117 E (about 0.01317 degree a km)."""
    lon = 117.0 + np.arange(n + 1) * (1.0 / (111.32 * np.cos(np.radians(47.0))))
    return pd.DataFrame({"lon": lon, "lat": np.full(n + 1, 47.0),
                         "cum_km": np.arange(n + 1, dtype=float),
                         "dist_m": np.r_[0.0, np.full(n, 1000.0)],
                         "time_s": np.r_[0.0, np.full(n, 180.0)],
                         "row": np.zeros(n + 1, np.int64), "col": np.arange(n + 1)})


def _unit(action: str, start_h: float = 0.0, fid: str = "u"):
    return SimpleNamespace(id=fid, kind="brigade", fortified_action=action, detaches=False,
                           start_h=start_h, objectives=(),
                           norm=SimpleNamespace(max_speed_kmh=25.0, hours_per_day=10.0))


def _region():
    seg = _seg()
    lon = seg["lon"].to_numpy()
    return Region("d", "D", box(lon[20], 46.9, lon[50], 47.1), (), "sourced")


def _clock(action, start_h=0.0, breaches=None, **kw):
    seg, u = _seg(), _unit(action, start_h)
    passes = fortified_passes(seg, [_region()], u)
    return route_clock(seg, u, passes, RATE, breaches=breaches, **kw)


def test_with_no_breach_planned_the_depth_is_at_the_rate():
    """70 km outside (8.4 h) and 30 km at 12 km a day (60 h): as the comparison priced before."""
    c = _clock("bypass")
    assert c.end_h == pytest.approx(70 * STEP_H + 60.0)
    assert c.open_passes == 0


def test_a_follower_after_the_breach_came_out_crosses_at_its_own_pace():
    """The breaker (from H-hour) is out of the depth at 20 x 0.12 + 60 = 62.4 h; a follower
    starting at 72 h reaches it at 74.4 h and crosses it at its own pace: 100 km, 12 h of the
    clock (it was priced 68.4 h from its start on main, as if it broke the depth again)."""
    b = Breaches()
    b.add("rds", _clock("assault"))
    assert b.through_h["d"] == pytest.approx(20 * STEP_H + 60.0)
    c = _clock("bypass", start_h=72.0, breaches=b)
    assert c.days == pytest.approx(100 * STEP_H / 24.0)
    assert c.open_passes == 1


def test_a_follower_ahead_of_the_breaker_waits_for_it_at_the_edge():
    """The breaker starts at 48 h, so enters at 50.4 h and is out at 110.4 h; a follower from
    H-hour is at the edge at 2.4 h, waits until 50.4 h (rule.bypass.no_way_round), crosses
    behind it at the rate (out at 110.4 h) and marches the last 50 km (6 h): 116.4 h."""
    b = Breaches()
    b.add("rds", _clock("assault", start_h=48.0))
    c = _clock("bypass", breaches=b)
    assert c.end_h == pytest.approx(48.0 + 20 * STEP_H + 60.0 + 50 * STEP_H)


def test_a_follower_inside_when_the_breach_comes_out_goes_on_at_its_own_pace():
    """The breaker is out at 62.4 h; a follower starting at 32.4 h enters at 34.8 h, 27.6 h
    of the rate (13.8 km) before the breach comes out; the other 16.2 km of its 30 at its own
    pace (16.2 x 0.12 = 1.944 h), then 50 km (6 h)."""
    b = Breaches()
    b.add("rds", _clock("assault"))
    c = _clock("bypass", start_h=32.4, breaches=b)
    assert c.end_h == pytest.approx(62.4 + 16.2 * STEP_H + 50 * STEP_H)


def test_the_ferrying_is_on_the_clock_once_a_river():
    """Ferry cells at km 5 .. 6 and km 80 (two rivers): 2 x 40 h on top of the march."""
    cells = np.zeros((1, 101), dtype=bool)
    cells[0, [5, 6, 80]] = True
    seg, u = _seg(), _unit("bypass")
    c = route_clock(seg, u, (), RATE, ferry_cells=cells, ferry_h=40.0)
    assert c.end_h == pytest.approx(100 * STEP_H + 80.0)
    assert c.ferry_h == pytest.approx(80.0)


def test_a_follower_that_broke_the_way_itself_opens_it_where_nobody_breaks_in():
    """No formation breaking in: a follower from H-hour breaks it on its own clock (out at
    62.4 h) and so opens it for one starting at 72 h (holds.Holds.breaks_in); where a breaker
    has entered the region, the follower's own passage opens nothing."""
    b = Breaches()
    b.add("fd", _clock("bypass"))
    assert _clock("bypass", start_h=72.0, breaches=b).open_passes == 1
    b2 = Breaches()
    b2.add("rds", _clock("assault", start_h=200.0))
    b2.add("fd", _clock("bypass", breaches=b2))
    assert b2.through_h["d"] == pytest.approx(200.0 + 20 * STEP_H + 60.0)
    assert b2.by["d"] == "rds"


def _clock_north(action, north_km, start_h=0.0, breaches=None):
    """:func:`_clock` on the route moved ``north_km`` north, the region drawn 0.3 degree high
    (both routes cross it over km 20 .. 50)."""
    from logistics.geodesy import great_circle_km

    seg, u = _seg(), _unit(action, start_h)
    seg["lat"] = 47.0 + north_km / great_circle_km(117.0, 47.0, 117.0, 48.0)
    lon = seg["lon"].to_numpy()
    region = Region("d", "D", box(lon[20], 46.9, lon[50], 47.3), (), "sourced")
    return route_clock(seg, u, fortified_passes(seg, [region], u), RATE, breaches=breaches)


def test_a_follower_12_km_from_the_breach_waits_until_it_reaches_its_route():
    """The breaker along 47 N (in at 2.4 h, out at 62.4 h); a follower from H-hour 12 km
    north is at the edge at 2.4 h and may enter when the breach, taken sideways at 12 km a
    day, reaches its route, 24 h later (26.4 h: the step loop's rule, holds.Holds.own_entry;
    near: shorter than its 30 km at the rate, 60 h), crosses at the rate (out at 86.4 h, when
    the breach through reaches it too) and marches
    50 km (6 h): 92.4 h. main: it entered with the breaker at 2.4 h, out at 68.4 h."""
    b = Breaches()
    b.add("rds", _clock_north("assault", 0.0))
    c = _clock_north("bypass", 12.0, breaches=b)
    assert c.end_h == pytest.approx(26.4 + 60.0 + 50 * STEP_H, abs=0.01)  # 12 km +- m


def test_the_breach_through_opens_12_km_away_a_day_after_it_came_out():
    """The same follower from 72 h is at the edge at 74.4 h: the breach came out at 62.4 h
    but reaches its route 24 h later (86.4 h), so it crosses at the rate until then (6 km)
    and the other 24 km at its own pace (2.88 h), then 50 km (6 h): 95.28 h. main: the
    whole region open at 62.4 h, 100 km at its own pace from 72 h: 84 h."""
    b = Breaches()
    b.add("rds", _clock_north("assault", 0.0))
    c = _clock_north("bypass", 12.0, start_h=72.0, breaches=b)
    assert c.end_h == pytest.approx(86.4 + 24 * STEP_H + 50 * STEP_H, abs=0.01)
    on_it = _clock_north("bypass", 0.0, start_h=72.0, breaches=b)  # on its route: as before
    assert on_it.end_h == pytest.approx(72.0 + 100 * STEP_H)


# --- the choice itself, on a synthetic box (the route search as the plan runs it)

_BOX = (124.0, 46.0, 125.6, 46.6)  # about 123 x 66 km of steppe on a 1 km grid


def _box_unit(t, fid: str, action: str, start_h: float):
    from tests.conftest import _cell_lonlat

    mid = t.sizes["y"] // 2
    start = tuple(float(v) for v in _cell_lonlat(t, mid, 2))
    goal = tuple(float(v) for v in _cell_lonlat(t, mid, t.sizes["x"] - 3))
    from logistics.army.resolve import ObjectiveSpec

    return SimpleNamespace(
        id=fid, kind="brigade", movement="tracked", pace_vehicle="t-34-85",
        fortified_action=action, detaches=False, start_h=start_h,
        start_lon=start[0], start_lat=start[1], formed_when=None, parent=None,
        objectives=(ObjectiveSpec("Goal", (("Goal", *goal),), 5.0),),
        men=1000, vehicle_count=60, motor_classes=(("t-34-85", 60),),
        norm=SimpleNamespace(max_speed_kmh=25.0, hours_per_day=10.0))


def _choose(box_terrain, fd_start_h: float):
    """A region 20 km deep across the middle of the box (a gap of 3 km north and south); the
    rifle forces (``rds``, assault) from H-hour, the bypassing brigade (``fd``) from
    ``fd_start_h``."""
    routes, notes, units, region = _choose_units(
        box_terrain, lambda t: [_box_unit(t, "fd", "bypass", fd_start_h)])
    through = bool(fortified_passes(routes["fd"].segments, [region], units[0]))
    return through, [n for n in notes if n.startswith("fd: going round")]


def _choose_units(box_terrain, make):
    """The routes :func:`choose_routes` gives the formations ``make(terrain)`` with the rifle
    forces (``rds``, assault from H-hour) on the box of :func:`_choose`: (routes, notes,
    units, region)."""
    from logistics.advance.route_choice import choose_routes
    from logistics.advance.routes import RouteCache
    from logistics.cost.models import CostModels
    from logistics.terrain.classes import TerrainClass
    from tests.conftest import metric_terrain

    t = box_terrain(_BOX, 1000.0)
    tc = np.full(t["terrain_class"].shape, int(TerrainClass.STEPPE), np.uint8)
    t = metric_terrain(t["elevation_m"].values, tc, x=t["x"].values, y=t["y"].values,
                       attrs=t.attrs)
    region = Region("d", "D", box(124.75, 46.025, 125.0, 46.575), (), "sourced", depth_km=20.0)
    units = [*make(t), _box_unit(t, "rds", "assault", 0.0)]
    army = SimpleNamespace(source="toy.yaml", routing=SimpleNamespace(stencil=16),
                           formations=[SimpleNamespace(id=u.id) for u in units])
    notes: list[str] = []
    opts = SimpleNamespace(engine="auto", ferry_time=None, own_means_time=None)
    routes = choose_routes(army, t, units, regions=[region], rate_km_per_day=10.0,
                           models=CostModels(), options=opts, cache=RouteCache(),
                           first_season="dry", taiga_km=0.0, ferry_sites={}, sides=None,
                           notes=notes)
    return routes, notes, units, region


def test_a_bypassing_formation_follows_the_breach_its_army_has_already_opened(box_terrain):
    """Starting four days after the rifle forces, the brigade would find the depth open (they
    are through it within 3 days: 2 days of it at 10 km a day): it follows it at its own pace
    instead of the detour round the region's end (on main it went round: the depth priced at
    the rate, 2 d, against a detour of hours)."""
    through, said = _choose(box_terrain, fd_start_h=96.0)
    assert through, said
    assert "it follows the breach" in said[0] and "through the open breach of rds" in said[0]


def test_a_bypassing_formation_ahead_of_the_breach_still_goes_round(box_terrain):
    """Starting with the rifle forces, the brigade would cross behind them at the rate: going
    round is quicker, as before."""
    _, said = _choose(box_terrain, fd_start_h=0.0)
    assert "it goes round" in said[0] and "open breach" not in said[0]


def test_a_forward_detachment_takes_its_parents_way_round_the_region(box_terrain):
    """A forward detachment leads its main body on the body's axis (route_choice._leads): its
    body (``body``, bypass, from H-hour) goes round the region; the detachment (``fd``, bypass,
    four days later) would follow the breach the rifle forces have opened by then on its own
    clock (as in the test above), and on main it did, its body round the region's end: the
    10th Mechanized Corps round the Dongning region, its forward detachment through it, 90 km
    apart. It goes round with its body."""
    def make(t):
        body, fd = _box_unit(t, "body", "bypass", 0.0), _box_unit(t, "fd", "bypass", 96.0)
        body.role, fd.role, fd.parent = "main_body", "forward_detachment", "body"
        return [fd, body]

    routes, notes, _, _ = _choose_units(box_terrain, make)
    said = [n for n in notes if n.startswith(("fd: going round", "body: going round"))]
    assert any(n.startswith("body:") and "it goes round" in n for n in said), said
    assert any(n.startswith("fd:") and "body's forward detachment" in n
               and "it goes round too" in n for n in said), said
    km = {f: float(routes[f].segments["cum_km"].iloc[-1]) for f in ("fd", "body")}
    assert km["fd"] == pytest.approx(km["body"], abs=1.0), km  # one axis: the same way round


def test_a_bypassing_formation_pays_the_ferrying_of_the_way_round(box_terrain):
    """The region reaches the box's south edge; the way round its north end crosses a major
    river (a north-south reach from the box's top to the region) that the formation's flotilla
    ferries it over in 60 h; the way through crosses no river. Going round: about 0.7 d of
    march and 2.5 d of ferrying; following the breach (nobody ahead of it): about 2.3 d. It
    follows (on main it went round: the ferrying was left out, 0.7 d against 2.3 d)."""
    from logistics.advance.route_choice import choose_routes
    from logistics.advance.routes import RouteCache
    from logistics.cost.models import CostModels
    from logistics.terrain import to_metric
    from logistics.terrain.classes import RiverClass, TerrainClass
    from tests.conftest import _cell_lonlat, metric_terrain

    t = box_terrain(_BOX, 1000.0)
    tc = np.full(t["terrain_class"].shape, int(TerrainClass.STEPPE), np.uint8)
    rc = np.zeros_like(tc)
    region = Region("d", "D", box(124.75, 45.9, 125.0, 46.5), (), "sourced", depth_km=20.0)
    x, _ = to_metric(np.array([124.875]), np.array([46.55]))
    col = int(np.argmin(np.abs(t["x"].values - x[0])))
    rows = np.flatnonzero(t["y"].values > float(to_metric(np.array([124.875]),
                                                          np.array([46.49]))[1][0]))
    rc[rows, col] = int(RiverClass.MAJOR)
    t = metric_terrain(t["elevation_m"].values, tc, rc, x=t["x"].values, y=t["y"].values,
                       attrs=t.attrs)
    u = _box_unit(t, "fd", "bypass", 0.0)
    sites = [tuple(float(v) for v in _cell_lonlat(t, int(r), col)) for r in rows]
    army = SimpleNamespace(source="toy.yaml", routing=SimpleNamespace(stencil=16),
                           formations=[SimpleNamespace(id="fd")])
    opts = SimpleNamespace(engine="auto", ferry_time=lambda men, vehicles, guns: 60.0,
                           own_means_time=lambda men, classes, guns: 80.0)
    notes: list[str] = []
    choose_routes(army, t, [u], regions=[region], rate_km_per_day=10.0, models=CostModels(),
                  options=opts, cache=RouteCache(), first_season="dry", taiga_km=0.0,
                  ferry_sites={"fd": sites}, sides=None, notes=notes)
    said = [n for n in notes if n.startswith("fd: going round")]
    assert said and "it follows the breach" in said[0], notes


# --- a tie between the two clocks (route_choice.goes_round, QUICKER_TIE_H)

def test_within_the_hour_the_shorter_route_is_taken_whichever_clock_is_a_minute_ahead():
    """The 25th Army's fd-10mc's figures: through the breach 7.776 d and 455 km, round 7.783 d
    and 548 km (9 minutes apart). Within the hour the two are a tie and the shorter route is
    taken, whichever clock is a few minutes ahead: main went round as soon as the way round
    was a minute quicker (and followed when a minute slower: the choice flipped with any
    change elsewhere)."""
    from logistics.advance.route_choice import QUICKER_TIE_H, goes_round

    assert QUICKER_TIE_H == 1.0
    direct_d, direct_km, round_km = 7.776, 455.0, 548.0
    for minutes in (-50, -9, -1, 0, 1, 9, 50):
        round_d = direct_d + minutes / 1440.0
        assert not goes_round(round_d, round_km, direct_d, direct_km), minutes
        # the way round the shorter (a detour on better going): it goes round on a tie
        assert goes_round(round_d, 400.0, direct_d, direct_km), minutes
    assert goes_round(direct_d, 455.0, direct_d, 455.0)  # as long, as quick: round, as before


def test_beyond_the_hour_the_quicker_route_is_taken_whatever_its_length():
    """Outside the tie the rule is the quicker way, as before (rule.bypass.quicker_way)."""
    from logistics.advance.route_choice import goes_round

    assert goes_round(7.0, 548.0, 7.1, 455.0)  # 2.4 h quicker round: round, longer or not
    assert not goes_round(7.1, 400.0, 7.0, 455.0)  # 2.4 h slower round: through, though longer
