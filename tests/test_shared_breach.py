"""A fortified region broken by one army is broken for the other armies of the same run
(logistics/advance/shared_breaches.py): their formations cross it as a follower crosses an
open breach, from when the breach opens where their route enters the region (sideways at the
breakthrough rate from the breach: ``SPREAD``); the armies are run to a fixed point whatever
their order; an army alone runs as before. The synthetic corridor of tests/test_follow_breach.py
(1 km steps east along 47 N, 20 km/h, 10 march hours from 06:00 on 9 Aug, a region over
km 10 .. 80 charged 6 km deep at 12 km a day); expectations worked by hand."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from logistics.advance.shared_breaches import SharedBreach, settle, shared_opening
from logistics.advance.simulate import simulate_army
from tests.test_follow_breach import _army_plan, _km


def _armies(corridor):
    """Army ``A``: ``rds`` assaulting from H-hour (in the depth 9 Aug 06:30, out 18:30). Army
    ``B``: ``fd`` following the breach from H-hour, its own ``rds`` assaulting two days later
    (at the depth's edge 11 Aug 06:30)."""
    a, rule = _army_plan(corridor, breaker_start_h=0.0, follower_start_h=None)
    b, _ = _army_plan(corridor, breaker_start_h=48.0)
    return {k: dataclasses.replace(p, army=_with_axis(p.army, k))
            for k, p in (("A", a), ("B", b))}, rule


def _with_axis(army, axis_id: str):
    from types import SimpleNamespace

    return SimpleNamespace(**{**vars(army), "axis_id": axis_id})


def test_an_army_records_the_regions_it_broke(corridor):
    """A's ``rds`` broke into the region ``d`` at 06:30 on 9 Aug and came out at 18:30; its
    route through the depth is km 10 .. 16 of the corridor."""
    plans, rule = _armies(corridor)
    (b,) = simulate_army(plans["A"], rule=rule).breaches
    assert (b.region_id, b.army, b.formation_id) == ("d", "A", "rds")
    assert b.entered == datetime(1945, 8, 9, 6, 30)
    assert b.through == datetime(1945, 8, 9, 18, 30)
    fp = plans["A"].formations[0]
    assert b.where[0] == pytest.approx((float(fp.lon[10]), float(fp.lat[10])), abs=1e-5)
    assert b.where[-1] == pytest.approx((float(fp.lon[16]), float(fp.lat[16])), abs=1e-5)


def test_the_second_army_follows_the_first_armys_breach(corridor):
    """Alone, B's ``fd`` waits at km 10 until its own ``rds`` breaks in (11 Aug 06:30). Given
    A's breach at the same place, it follows it from 06:30 on 9 Aug (at the rate: km 16 at
    18:30) and B's own ``rds`` finds the region broken through (at its own pace, no
    detachment); both say whose breach it was."""
    plans, rule = _armies(corridor)
    alone = simulate_army(plans["B"], rule=rule)
    assert _km(alone, "fd", "1945-08-10 06:00") == pytest.approx(10.0, abs=1e-6)
    given = simulate_army(plans["A"], rule=rule).breaches
    shared = simulate_army(plans["B"], rule=rule, shared=given)
    assert _km(shared, "fd", "1945-08-09 12:00") == pytest.approx(12.75, abs=1e-6)
    assert _km(shared, "fd", "1945-08-10 06:00") == pytest.approx(16.0, abs=1e-6)
    said = shared.reached[shared.reached["name"].str.contains("rds of A")]
    fd = said[said["formation_id"] == "fd"]
    assert len(fd) == 1 and fd["time"].iloc[0] == pd.Timestamp("1945-08-09 06:30")
    assert "follows the breach" in fd["name"].iloc[0]
    rds = said[said["formation_id"] == "rds"]
    assert len(rds) == 1 and "through the open breach" in rds["name"].iloc[0]
    assert not (shared.reached["kind"] == "detached").any()
    assert any("found broken by another army of the run" in n for n in shared.notes)


def test_an_assault_arriving_after_the_other_armys_breach_opened_leaves_no_detachment(corridor):
    """B's detaching ``rds`` reaches the depth (9 Aug 06:30, with B's ``fd``) after A's breach
    opened there (given as entered at 06:00, not yet through): it crosses at the rate as a
    follower would, and leaves no detachment; alone it leaves one."""
    b, rule = _army_plan(corridor, breaker_start_h=0.0, detaches=True)
    b = dataclasses.replace(b, army=_with_axis(b.army, "B"))
    alone = simulate_army(b, rule=rule)
    assert (alone.reached["kind"] == "detached").any()
    fp = b.formations[0]
    where = tuple((float(fp.lon[k]), float(fp.lat[k])) for k in range(10, 17))
    given = (SharedBreach("d", "A", "x", datetime(1945, 8, 9, 6, 0), None, where),)
    shared = simulate_army(b, rule=rule, shared=given)
    assert not (shared.reached["kind"] == "detached").any()
    assert _km(shared, "rds", "1945-08-09 18:00") == pytest.approx(15.75, abs=1e-6)


def test_a_breach_far_along_the_region_opens_it_here_days_later():
    """The breach opens the region sideways at the rate (12 km a day): a point 60 km from the
    breach's route is open to follow 5 days after it broke in, and through 5 days after it
    came out."""
    from logistics.geodesy import great_circle_km

    start = datetime(1945, 8, 9)
    b = SharedBreach("d", "A", "x", datetime(1945, 8, 10), datetime(1945, 8, 11),
                     ((130.0, 45.0), (130.0, 45.05)))
    lon = 130.0 + 60.0 / float(great_circle_km(130.0, 45.0, 131.0, 45.0))
    o = shared_opening((b,), ("d",), lon, 45.0, start, 12.0)
    assert o.open_h == pytest.approx(24.0 + 120.0, abs=0.5)
    assert o.through_h == pytest.approx(48.0 + 120.0, abs=0.5)
    assert shared_opening((b,), ("other",), lon, 45.0, start, 12.0).open_h == float("inf")


def test_a_breach_60_km_away_leaves_the_second_army_as_alone(corridor):
    """The same breach times as A's, but its route 60 km north of B's entry: open there 5 days
    later, after B's own breaker has opened it (11 Aug 06:30): B runs as alone."""
    from logistics.geodesy import degrees_for_km

    plans, rule = _armies(corridor)
    (b,) = simulate_army(plans["A"], rule=rule).breaches
    dlat = degrees_for_km(60.0, 47.0)[1]
    far = dataclasses.replace(b, where=tuple((x, y + dlat) for x, y in b.where))
    alone = simulate_army(plans["B"], rule=rule)
    shared = simulate_army(plans["B"], rule=rule, shared=(far,))
    assert_frame_equal(shared.tracks, alone.tracks)
    assert_frame_equal(shared.reached, alone.reached)  # its wait at the edge said as alone


def _settled(plans, rule, order):
    """:func:`settle` of ``plans`` taken in ``order``, each pass's re-runs in reverse order
    (as workers may finish): the tracks of each army at the end."""
    sims = {k: simulate_army(plans[k], rule=rule) for k in order}

    def rerun(gifts):
        for k in reversed(list(gifts)):
            sims[k] = simulate_army(plans[k], rule=rule, shared=gifts[k])
        return {k: sims[k].breaches for k in gifts}

    from logistics.advance.shared_breaches import crossed_regions

    done = settle({k: sims[k].breaches for k in order},
                  {k: crossed_regions(plans[k]) for k in order}, rerun)
    return done, sims


def test_the_fixed_point_is_the_same_whatever_the_order(corridor):
    """Two armies run to the fixed point in either order, their re-runs in any order: the same
    breaches given and the same tracks. The first pass gives B A's breach and A B's alone
    (11 Aug, later than its own: no change); behind A's, B breaks none itself, so the second
    gives A nothing, and A runs as alone; the third finds no change."""
    plans, rule = _armies(corridor)
    one, s1 = _settled(plans, rule, ["A", "B"])
    two, s2 = _settled(plans, rule, ["B", "A"])
    assert one.settled and two.settled and one.passes == two.passes == 2
    assert one.given["A"] == () and [b.army for b in one.given["B"]] == ["A"]
    assert one.given == two.given
    for k in "AB":
        assert_frame_equal(s1[k].tracks, s2[k].tracks)
    assert _km(s1["B"], "fd", "1945-08-10 06:00") == pytest.approx(16.0, abs=1e-6)
    assert_frame_equal(s1["A"].tracks, simulate_army(plans["A"], rule=rule).tracks)


def test_settle_stops_at_its_bound_and_says_so():
    """A re-run whose breaches change every pass (never settling) is stopped after the
    bound, ``settled`` False."""
    made = {"n": 0}

    def breach(army, h):
        return (SharedBreach("d", army, "x", datetime(1945, 8, 9, h % 24), None, ((0.0, 0.0),)),)

    def rerun(gifts):
        made["n"] += 1
        return {k: breach(k, made["n"]) for k in gifts}

    both = frozenset({"d"})
    done = settle({"A": breach("A", 0), "B": breach("B", 0)}, {"A": both, "B": both},
                  rerun, passes=3)
    assert not done.settled and done.passes == 3 and made["n"] == 3


def test_an_army_alone_or_given_nothing_it_crosses_runs_as_before(corridor):
    """Given no breach, or only breaches of regions it does not cross, an army's run is the
    same as alone, every table."""
    plans, rule = _armies(corridor)
    alone = simulate_army(plans["B"], rule=rule)
    (b,) = simulate_army(plans["A"], rule=rule).breaches
    other = dataclasses.replace(b, region_id="elsewhere")
    for given in ((), (other,)):
        again = simulate_army(plans["B"], rule=rule, shared=given)
        for name in ("tracks", "daily", "reached", "army_daily", "crossings"):
            assert_frame_equal(getattr(again, name), getattr(alone, name))
        assert again.notes == alone.notes


def _lone_follower(corridor, breaker_start_h: float):
    """Army ``A``: ``rds`` assaulting from ``breaker_start_h``; army ``B``: ``fd`` alone,
    following the breach from H-hour (at the depth's edge 06:30 on 9 Aug)."""
    a, rule = _army_plan(corridor, breaker_start_h=breaker_start_h, follower_start_h=None)
    b, _ = _army_plan(corridor, breaker_start_h=None)
    return (dataclasses.replace(a, army=_with_axis(a.army, "A")),
            dataclasses.replace(b, army=_with_axis(b.army, "B")), rule)


def test_a_follower_with_nobody_of_its_army_goes_behind_a_breach_open_when_it_gets_there(
        corridor):
    """B's ``fd`` has nobody of its army breaking into the region: alone it breaks the way on
    its own clock (in at 06:30 on 9 Aug, out at 18:30), and its army records that breach.
    Given A's breach by its ``rds`` at the same place, open there when ``fd`` gets there
    (06:30), it goes behind it: out when it would be alone (the breach moves at the same
    rate), and its crossing is no breach given to the other armies."""
    a, b, rule = _lone_follower(corridor, 0.0)
    alone = simulate_army(b, rule=rule)
    assert _km(alone, "fd", "1945-08-09 18:00") == pytest.approx(15.75, abs=1e-6)
    assert [x.breaker for x in alone.breaches] == [False]
    given = simulate_army(a, rule=rule).breaches
    assert [(x.breaker, x.entered) for x in given] == [(True, datetime(1945, 8, 9, 6, 30))]
    shared = simulate_army(b, rule=rule, shared=given)
    assert_frame_equal(shared.tracks, alone.tracks)
    assert shared.breaches == ()
    said = shared.reached[shared.reached["name"].str.contains("rds of A")]
    assert len(said) == 1 and "follows the breach" in said["name"].iloc[0]


def test_a_follower_never_waits_at_the_edge_for_another_armys_later_breach(corridor):
    """A's ``rds`` breaks in at 12:00 on 9 Aug, after B's ``fd`` (nobody of its army breaking
    in) is at the depth's edge (06:30), though before it would be out alone (18:30):
    breachshare32 had it wait for it and follow at the rate (out at 00:00 on 10 Aug, 5.5 h
    later). Waiting gains it nothing: it breaks the way itself, as alone."""
    a, b, rule = _lone_follower(corridor, 11.5)
    alone = simulate_army(b, rule=rule)
    given = simulate_army(a, rule=rule).breaches
    assert [(x.breaker, x.entered) for x in given] == [(True, datetime(1945, 8, 9, 12))]
    shared = simulate_army(b, rule=rule, shared=given)
    assert_frame_equal(shared.tracks, alone.tracks)
    assert shared.breaches == alone.breaches
    fd = shared.tracks[shared.tracks["formation_id"] == "fd"]
    assert not (fd["status"] == "waiting for a breach").any()


def test_a_follower_alone_breaks_the_way_where_the_other_army_breaks_in_too_late(corridor):
    """A's ``rds`` breaks in at 06:30 on 10 Aug, after B's ``fd`` alone would have come out
    (18:30 on 9 Aug): that ground is ``fd``'s own front, broken on its own clock as alone."""
    a, b, rule = _lone_follower(corridor, 24.0)
    alone = simulate_army(b, rule=rule)
    shared = simulate_army(b, rule=rule, shared=simulate_army(a, rule=rule).breaches)
    assert_frame_equal(shared.tracks, alone.tracks)
    assert shared.breaches == alone.breaches


def test_the_run_page_lists_the_breaches_given_and_names_none_alone():
    """report.md's "What was run" names each breach another army of the run gave (region,
    formation, army, when in and through) and that the page's command runs the army alone;
    an army given none has no such line."""
    from logistics.report.run_page import _shared_lines

    b = SharedBreach("hailar", "TBF-39A", "94rc", datetime(1945, 8, 12, 1, 57),
                     None, ((119.7, 49.2),))
    (line,) = _shared_lines([b.as_dict()])
    assert "hailar by 94rc of TBF-39A (broke in 12 Aug 01:57, through not by the run's end)" \
        in line and "runs it alone" in line
    assert _shared_lines(()) == []
