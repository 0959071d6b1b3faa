"""A formation that follows the breach (configs/fortified-regions.yaml
``rule.bypass.no_way_round``: it 'cannot pass through a defended depth faster than the rifle
forces break it open') waits at the depth's edge until a formation of its army breaking in
(``assault``/``besiege``) has entered the region, then crosses at the rate; with no such
formation in the army it breaks the way on its own clock, as before. Two formations on the
synthetic corridor (1 km steps east along 47 N, 20 km/h, 10 march hours from 06:00), a region
over km 10 .. 80 charged 6 km deep at 12 km a day; expectations worked by hand."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pandas as pd
import pytest
from shapely.geometry import box

from logistics.advance.depths import fortified_passes
from logistics.army.fortified import FortifiedRule, Region

RATE = 12.0  # km a day


def _unit(action: str):
    return SimpleNamespace(kind="brigade", fortified_action=action, detaches=False,
                           norm=SimpleNamespace(max_speed_kmh=25.0, hours_per_day=10.0))


def _army(corridor, *, breaker_start_h: float | None):
    """The plan: ``fd`` following the breach from H-hour; ``rds`` (when
    ``breaker_start_h`` is not None) assaulting on the same route from that hour."""
    from logistics.advance.simulate import simulate_army

    plan = corridor()
    fp = plan.formations[0]
    seg = pd.DataFrame({"lon": fp.lon, "lat": fp.lat, "cum_km": fp.km})
    region = Region("d", "D", box(117.10, 46.9, 117.80, 47.1), (), "sourced", depth_km=6.0)
    fps, order = [], []
    for fid, action, start_h in (("rds", "assault", breaker_start_h), ("fd", "follow", 0.0)):
        if start_h is None:
            continue
        unit = SimpleNamespace(**{**vars(fp.unit), "id": fid, "name": fid, "start_h": start_h,
                                  "headline": fid == "fd"})
        fps.append(dataclasses.replace(fp, unit=unit,
                                       fortified=fortified_passes(seg, [region], _unit(action))))
        order.append(fid)
    plan = dataclasses.replace(plan, formations=tuple(fps), priority=tuple(order))
    rule = FortifiedRule(bypass_kinds=frozenset(), breakthrough_kinds=frozenset({"brigade"}),
                         detach_kinds=frozenset(), rate_km_per_day=RATE, fraction_of_men=0.1,
                         rate_cite="test", detach_cite="test")
    return simulate_army(plan, rule=rule)


def _km(run, fid: str, when: str) -> float:
    t = run.tracks[run.tracks["formation_id"] == fid].set_index("time")
    return float(t.loc[pd.Timestamp(when), "cum_km"])


def test_a_follower_waits_at_the_edge_for_the_formation_breaking_in(corridor):
    """``fd`` reaches km 10 at 06:30 on 9 Aug; ``rds``, starting a day later, reaches it at
    06:30 on 10 Aug. ``fd`` holds at km 10 until then (main crossed on its own clock: 6 km at
    0.5 km an hour from 06:30, km 15.75 at 18:00), then crosses the 6 km in 12 h (through at
    18:30) and marches on."""
    r = _army(corridor, breaker_start_h=24.0)
    assert _km(r, "fd", "1945-08-09 18:00") == pytest.approx(10.0, abs=1e-6)
    assert _km(r, "fd", "1945-08-10 06:00") == pytest.approx(10.0, abs=1e-6)
    assert _km(r, "fd", "1945-08-10 18:00") == pytest.approx(15.75, abs=1e-6)
    assert _km(r, "fd", "1945-08-11 07:00") > 16.0
    waits = r.reached[(r.reached["formation_id"] == "fd")
                      & r.reached["name"].str.contains("waits at the depth's edge")]
    assert len(waits) == 1 and waits["time"].iloc[0] == pd.Timestamp("1945-08-09 06:30")


def test_a_follower_behind_the_breach_is_not_held(corridor):
    """``rds`` enters first (it starts at H-hour and moves first): ``fd`` crosses on its own
    clock behind it, as before (km 15.75 at 18:00 on 9 Aug)."""
    r = _army(corridor, breaker_start_h=0.0)
    assert _km(r, "fd", "1945-08-09 18:00") == pytest.approx(15.75, abs=1e-6)
    assert not r.reached["name"].str.contains("waits at the depth's edge").any()


def test_with_no_formation_breaking_in_a_follower_breaks_the_way_itself(corridor):
    """No formation of the army assaults the region: nobody to wait for, so ``fd`` crosses on
    its own clock (the rule before)."""
    r = _army(corridor, breaker_start_h=None)
    assert _km(r, "fd", "1945-08-09 18:00") == pytest.approx(15.75, abs=1e-6)
