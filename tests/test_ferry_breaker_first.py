"""Breaker first at a ferry queue (configs/norms/movement.yaml
``river.ferrying.breaker_first``; logistics/advance/ferry_queue.py): a formation that follows
the breach of a fortified depth beyond the river crosses after the formation of its queue that
breaks into that depth, whatever the fuel priority order; otherwise the order stands. Pure
queues with hand-made hours, then the step loop on the test corridor (``tests/conftest.py``:
1 km steps east along 47 N, 20 km/h, march window 06:00-16:00 from H-hour 9 Aug 00:00): one
frontier river at km 10 with one crossing site's park (10 h a formation, no brigade), a
fortified depth from km 20 charged 6 km at 12 km a day; answers worked by hand."""

from __future__ import annotations

import dataclasses
import math
from types import SimpleNamespace

import pandas as pd
import pytest
from shapely.geometry import box

from logistics.advance.depths import fortified_passes
from logistics.advance.ferry_queue import FerryQueues
from logistics.advance.plan import CrossingStop
from logistics.army.fortified import FortifiedRule, Region
from tests.test_follow_breach import RATE, _km, _unit  # the same depth's rate and helpers


def _taken(q: FerryQueues, now_h: float) -> dict[str, tuple[str, float, float]]:
    return {t.fid: (t.means, t.start_h, t.release_h) for t in q.take(now_h)}


def test_a_follower_first_in_priority_crosses_after_the_breaker_it_waits_for():
    """fd (first in priority) follows rds's breach: the one park takes rds first (0-20 h),
    then fd (20-25 h). Without ``after`` fd would go first (0-5 h), rds at 5-25 h."""
    q = FerryQueues({"fd": 0, "rds": 1}, site_km=20.0)
    q.join("fd", 0.0, brigade=None, ferry_h=math.inf, site=0, own_h=5.0,
           after=frozenset({"rds"}))
    q.join("rds", 0.0, brigade=None, ferry_h=math.inf, site=0, own_h=20.0)
    assert _taken(q, 0.0) == {"rds": ("park:0", 0.0, 20.0)}
    assert _taken(q, 20.0) == {"fd": ("park:0", 20.0, 25.0)}


def test_the_priority_order_stands_when_the_breaker_is_not_waiting():
    """The breaker reaches the river after the park, idle, has taken the follower (an idle
    means takes a formation as soon as it arrives), and a third formation, waiting for nobody
    here, keeps its place before the breaker."""
    q = FerryQueues({"fd": 0, "sp": 1, "rds": 2}, site_km=20.0)
    q.join("fd", 0.0, brigade=None, ferry_h=math.inf, site=0, own_h=5.0,
           after=frozenset({"rds"}))
    assert _taken(q, 0.0) == {"fd": ("park:0", 0.0, 5.0)}
    q.join("rds", 1.0, brigade=None, ferry_h=math.inf, site=0, own_h=20.0)
    q.join("sp", 1.0, brigade=None, ferry_h=math.inf, site=0, own_h=2.0)
    assert _taken(q, 5.0) == {"sp": ("park:0", 5.0, 7.0)}
    assert _taken(q, 7.0) == {"rds": ("park:0", 7.0, 27.0)}


def test_two_formations_each_waiting_for_the_other_do_not_stall_the_queue():
    """No cycle stalls it: when every candidate waits for another, priority decides."""
    q = FerryQueues({"a": 0, "b": 1}, site_km=20.0)
    q.join("a", 0.0, brigade=None, ferry_h=math.inf, site=0, own_h=5.0, after=frozenset({"b"}))
    q.join("b", 0.0, brigade=None, ferry_h=math.inf, site=0, own_h=5.0, after=frozenset({"a"}))
    assert _taken(q, 0.0) == {"a": ("park:0", 0.0, 5.0)}
    assert _taken(q, 5.0) == {"b": ("park:0", 5.0, 10.0)}


def _run(corridor, follower_action: str = "follow", support: bool = False):
    """``x`` (no depth on its route; 1 h of ferrying), ``fd`` (``follower_action``) and ``rds``
    (assault), in that priority order, from H-hour on the same route: all at the river at
    km 10 at 06:30 on 9 Aug, one park (10 h for each of fd and rds); x, moved first, takes
    the idle park at once, so fd and rds both wait for it to come free at 07:30. ``support``:
    with ``sp`` (1 h), attached to rds (``role: support``) and assaulting too, after fd in
    the order."""
    from logistics.advance.simulate import simulate_army

    plan = corridor(days=4)
    fp = plan.formations[0]
    seg = pd.DataFrame({"lon": fp.lon, "lat": fp.lat, "cum_km": fp.km})
    region = Region("d", "D", box(117.20, 46.9, 117.80, 47.1), (), "sourced", depth_km=6.0)
    fps = []
    forms = (("x", None, 1.0), ("fd", follower_action, 10.0)) + \
        ((("sp", "assault", 1.0),) if support else ()) + (("rds", "assault", 10.0),)
    for fid, action, own_h in forms:
        unit = SimpleNamespace(**{**vars(fp.unit), "id": fid, "name": fid,
                                  "headline": fid == "fd"})
        if fid == "sp":
            unit = SimpleNamespace(**{**vars(unit), "role": "support", "parent": "rds"})
        passes = () if action is None else fortified_passes(seg, [region], _unit(action))
        fps.append(dataclasses.replace(
            fp, unit=unit, fortified=passes,
            crossings=(CrossingStop(10.0, 117.1, 47.0, 1, 0.0, frontier=True),),
            ferry_by=None, ferry_h=math.inf, own_means_h=own_h))
    plan = dataclasses.replace(plan, formations=tuple(fps), priority=tuple(f[0] for f in forms),
                               ferry_bridgehead_km=35.0)
    rule = FortifiedRule(bypass_kinds=frozenset(), breakthrough_kinds=frozenset({"brigade"}),
                         detach_kinds=frozenset(), rate_km_per_day=RATE, fraction_of_men=0.1,
                         rate_cite="test", detach_cite="test")
    return simulate_army(plan, rule=rule)


def _ferried(run) -> list[tuple[str, pd.Timestamp]]:
    rows = run.reached[run.reached["kind"] == "ferry"].sort_values("time")
    return list(zip(rows["formation_id"], rows["time"]))


def test_the_park_takes_the_breaker_before_the_follower_first_in_priority(corridor):
    """The park, free at 07:30, takes rds (07:30-17:30; the step loop lets its head on at the
    next hour's start, 08:00), which breaks in at km 20 at 08:30 (km 21.75 at 12:00, out at
    20:30); then fd (17:30-03:30 on 10 Aug), which reaches the depth,
    broken through by then, at 06:30 on 10 Aug and goes on at its own pace (km 50 at 08:00).
    On main the park took fd first (07:30-17:30): fd waited at km 20 for rds (ferried
    17:30-03:30) to break in at 06:30 on 10 Aug and crossed at the rate (km 20.5 at 08:00);
    rds held at the river all 9 Aug."""
    r = _run(corridor)
    assert _ferried(r) == [("x", pd.Timestamp("1945-08-09 06:30")),
                           ("rds", pd.Timestamp("1945-08-09 07:30")),
                           ("fd", pd.Timestamp("1945-08-09 17:30"))]
    assert _km(r, "rds", "1945-08-09 12:00") == pytest.approx(21.75, abs=1e-6)
    assert _km(r, "fd", "1945-08-10 08:00") == pytest.approx(50.0, abs=1e-6)


def test_a_formation_that_breaks_in_itself_keeps_its_place_in_the_order(corridor):
    """fd assaults too: nobody follows, the priority order stands (fd before rds)."""
    r = _run(corridor, follower_action="assault")
    assert _ferried(r) == [("x", pd.Timestamp("1945-08-09 06:30")),
                           ("fd", pd.Timestamp("1945-08-09 07:30")),
                           ("rds", pd.Timestamp("1945-08-09 17:30"))]


def test_one_breaker_taken_is_enough():
    """fd follows the breach of rds1 and rds2: the park takes rds1 (first of them in the
    order), then fd, which keeps its place before rds2 (one breaker ahead of it suffices)."""
    q = FerryQueues({"fd": 0, "rds1": 1, "rds2": 2}, site_km=20.0)
    q.join("fd", 0.0, brigade=None, ferry_h=math.inf, site=0, own_h=5.0,
           after=frozenset({"rds1", "rds2"}))
    q.join("rds1", 0.0, brigade=None, ferry_h=math.inf, site=0, own_h=10.0)
    q.join("rds2", 0.0, brigade=None, ferry_h=math.inf, site=0, own_h=10.0)
    assert _taken(q, 0.0) == {"rds1": ("park:0", 0.0, 10.0)}
    assert _taken(q, 10.0) == {"fd": ("park:0", 10.0, 15.0)}
    assert _taken(q, 15.0) == {"rds2": ("park:0", 15.0, 25.0)}


def test_an_attached_support_unit_is_not_the_breaker_a_follower_waits_for(corridor):
    """sp assaults too, but attached to rds it keeps behind rds's head: it cannot open the
    depth before rds. The park takes sp (before rds in the order) at 07:30, then rds, not fd
    (sp taken is not a breaker taken), then fd: the 2nd Red Banner Army's SP battalion."""
    r = _run(corridor, support=True)
    assert [f for f, _ in _ferried(r)] == ["x", "sp", "rds", "fd"]
