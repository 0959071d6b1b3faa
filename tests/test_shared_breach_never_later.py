"""A breach given by another army of the run never makes a formation later
(logistics/advance/holds.py ``follows_other``, ``through_from_h``): a commander takes the
quicker way, so a formation follows or passes through another army's breach only where that
brings it out of the depth no later than its own army's breach or breaking alone would.
Property over many small synthetic armies on the corridor of tests/test_follow_breach.py
(random formations assaulting or following, start hours, paces, march windows, depths, and
breaches given at random hours and distances): with the gift, every formation comes out of
the depth (an objective at its far edge) and reaches its objective beyond no later than
without it. breachshare32 failed it: a follower with nobody of its army breaking in waited
at the edge for a breach opening after it got there (the 25th Army's forward detachment,
a day at each of two zones)."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from logistics.advance.depths import fortified_passes
from logistics.advance.schedule import MarchSchedule
from logistics.advance.shared_breaches import SharedBreach
from logistics.advance.simulate import simulate_army
from logistics.army.fortified import FortifiedRule, Region
from logistics.geodesy import degrees_for_km

RATE = 12.0  # km a day
BEYOND_KM = 60.0


def _case(corridor, rng):
    """One random army (1-3 formations) and the breaches another army gives it."""
    plan = corridor(days=12)
    fp0 = plan.formations[0]
    depth = float(rng.choice([0.5, 2.0, 6.0, float(rng.uniform(1.0, 25.0))]))
    seg = pd.DataFrame({"lon": fp0.lon, "lat": fp0.lat, "cum_km": fp0.km})
    region = Region("d", "D", box(117.10, 46.5, 117.80, 47.5), (), "sourced", depth_km=depth)
    fps = []
    for k in range(int(rng.integers(1, 4))):
        action = str(rng.choice(["assault", "follow", "follow"]))
        fid = f"f{k}"
        unit = SimpleNamespace(**{**vars(fp0.unit), "id": fid, "name": fid,
                                  "start_h": float(rng.uniform(0.0, 72.0)),
                                  "headline": k == 0})
        step = np.full((1, len(fp0.km)), 3600.0 / float(rng.uniform(4.0, 30.0)))
        step[:, 0] = 0.0
        sched = MarchSchedule(start_hour=float(rng.uniform(0.0, 24.0)),
                              hours_per_day=float(rng.choice([6.0, 10.0, 14.0, 24.0])))
        p = fortified_passes(seg, [region], SimpleNamespace(
            kind="brigade", fortified_action=action, detaches=bool(rng.integers(0, 2)),
            norm=SimpleNamespace(max_speed_kmh=40.0, hours_per_day=10.0)))
        out_km = p[0].km_out
        fps.append(dataclasses.replace(
            fp0, unit=unit, fortified=p, step_time_s={"dry": step}, schedule={"dry": sched},
            objectives=((out_km, "out of the depth"), (BEYOND_KM, "beyond"))))
    plan = dataclasses.replace(plan, formations=tuple(fps),
                               priority=tuple(f.unit.id for f in fps),
                               army=SimpleNamespace(**{**vars(plan.army), "axis_id": "B"}))
    gifts = []
    for _ in range(int(rng.integers(1, 3))):
        entered = datetime(1945, 8, 9) + timedelta(hours=float(rng.uniform(0.0, 120.0)))
        through = (None if rng.random() < 0.3 else
                   entered + timedelta(hours=float(rng.uniform(0.5, 60.0))))
        dlat = degrees_for_km(float(rng.choice([0.0, float(rng.uniform(0.0, 40.0))])), 47.0)[1]
        k0 = float(rng.uniform(10.0, 30.0))
        where = tuple((117.0 + k / 100.0, 47.0 + dlat) for k in (k0, k0 + 3.0))
        gifts.append(SharedBreach("d", "A", "x", entered, through, where,
                                  breaker=bool(rng.random() < 0.8)))
    rule = FortifiedRule(bypass_kinds=frozenset(), breakthrough_kinds=frozenset({"brigade"}),
                         detach_kinds=frozenset(), rate_km_per_day=RATE, fraction_of_men=0.1,
                         rate_cite="test", detach_cite="test")
    return plan, rule, tuple(sorted(gifts, key=SharedBreach.key))


def _reached(run) -> dict:
    r = run.reached[run.reached["kind"] == "objective"]
    return {(f, n): t for f, n, t in zip(r["formation_id"], r["name"], r["time"])}


@pytest.mark.parametrize("seed", range(8))
def test_a_breach_given_never_makes_a_formation_later(corridor, seed):
    """Eight random armies per seed (64 in all): every formation's exit from the depth and
    arrival beyond it, given another army's breaches, no later than without them (reached
    without: reached with)."""
    rng = np.random.default_rng(1000 + seed)
    for _ in range(8):
        plan, rule, gifts = _case(corridor, rng)
        alone = _reached(simulate_army(plan, rule=rule))
        given = _reached(simulate_army(plan, rule=rule, shared=gifts))
        for key, t in alone.items():
            assert key in given and given[key] <= t + pd.Timedelta(seconds=1), (
                key, t, given.get(key), gifts,
                [(f.unit.id, f.fortified[0].action, f.unit.start_h) for f in plan.formations])


def test_another_armys_breach_through_as_the_march_window_closes_is_not_taken(corridor):
    """B's ``rds`` assaults a 20 km depth from 06:30 on 9 Aug (out at 22:30 on 10 Aug); its
    ``fd`` (8 km/h, march window 06:00-16:00) follows it from 06:30 on 10 Aug, at the rate.
    Another army's breach opens the depth through at 15:30 on 10 Aug (``fd`` at km 14.5 of
    10 .. 30): at its own pace it would halt for the night at km 18.5 and come out at 07:26 on
    11 Aug; kept at the rate through the night it is at km 21.75 when its window opens, and,
    its own army's breach out by then, out at about 07:05. It keeps to the rate, and comes out no
    later than without the gift."""
    from tests.test_follow_breach import _army_plan

    plan, rule = _army_plan(corridor, breaker_start_h=0.0, follower_start_h=24.0,
                            depth_km=20.0)
    fd = plan.formations[1]
    step = fd.step_time_s["dry"] * (20.0 / 8.0)
    fd = dataclasses.replace(fd, step_time_s={"dry": step},
                             objectives=((30.0, "out of the depth"),))
    plan = dataclasses.replace(plan, formations=(plan.formations[0], fd),
                               army=SimpleNamespace(**{**vars(plan.army), "axis_id": "B"}))
    where = tuple((117.0 + k / 100.0, 47.0) for k in (10.0, 30.0))
    gift = (SharedBreach("d", "A", "x", datetime(1945, 8, 9), datetime(1945, 8, 10, 15, 30),
                         where),)
    alone = _reached(simulate_army(plan, rule=rule))
    given = _reached(simulate_army(plan, rule=rule, shared=gift))
    key = ("fd", "out of the depth")
    assert pd.Timestamp("1945-08-11 07:00") <= alone[key] <= pd.Timestamp("1945-08-11 07:10")
    assert given[key] <= alone[key]
