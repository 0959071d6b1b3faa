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


def _unit(action: str, detaches: bool = False):
    return SimpleNamespace(kind="brigade", fortified_action=action, detaches=detaches,
                           norm=SimpleNamespace(max_speed_kmh=25.0, hours_per_day=10.0))


def _army(corridor, **kw):
    """:func:`_army_plan` run."""
    from logistics.advance.simulate import simulate_army

    plan, rule = _army_plan(corridor, **kw)
    return simulate_army(plan, rule=rule)


def _army_plan(corridor, *, breaker_start_h: float | None, follower_start_h: float = 0.0,
               follower_action: str = "follow", depth_km: float = 6.0, detaches: bool = False,
               breaker_action: str = "assault", objectives: tuple = ()):
    """The plan and rule: ``fd`` following the breach (or ``follower_action``) from
    ``follower_start_h``; ``rds`` (when ``breaker_start_h`` is not None) assaulting on the
    same route from that hour (both leaving a detachment when ``detaches``); ``objectives``
    (km, name) are ``fd``'s."""
    plan = corridor()
    fp = plan.formations[0]
    seg = pd.DataFrame({"lon": fp.lon, "lat": fp.lat, "cum_km": fp.km})
    region = Region("d", "D", box(117.10, 46.9, 117.80, 47.1), (), "sourced",
                    depth_km=depth_km)
    fps, order = [], []
    for fid, action, start_h in (("rds", breaker_action, breaker_start_h),
                                 ("fd", follower_action, follower_start_h)):
        if start_h is None:
            continue
        unit = SimpleNamespace(**{**vars(fp.unit), "id": fid, "name": fid, "start_h": start_h,
                                  "headline": fid == "fd"})
        fps.append(dataclasses.replace(fp, unit=unit, fortified=fortified_passes(
            seg, [region], _unit(action, detaches)),
            objectives=objectives if fid == "fd" else fp.objectives))
        order.append(fid)
    plan = dataclasses.replace(plan, formations=tuple(fps), priority=tuple(order))
    rule = FortifiedRule(bypass_kinds=frozenset(), breakthrough_kinds=frozenset({"brigade"}),
                         detach_kinds=frozenset(), rate_km_per_day=RATE, fraction_of_men=0.1,
                         rate_cite="test", detach_cite="test")
    return plan, rule


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


def test_a_follower_waiting_at_the_edge_reads_waiting_for_a_breach_not_assault(corridor):
    """The same wait, as the outputs say it: ``fd``'s hours at km 10 (06:30 on 9 Aug to 06:30
    on 10 Aug) read ``waiting for a breach`` in its track, its day and its arrival's account,
    and only its 12 h crossing (06:30 .. 18:30 on 10 Aug; the hour to 19:00 out of its march
    window) read ``assault``. Its arrival at km 30 (06:42 on 11 Aug, 0.7 h at 20 km/h from
    km 16): 6 h before its first window, 24 h waiting for the breach (the steps ending 07:00 on
    9 Aug to 06:00 on 10 Aug), 13 h in the depth, 11 h of night, 0.7 h moving. Main read all
    37 h as ``assault``, "in a fortified depth"."""
    from logistics.arrivals import arrival_accounts, formation_clocks
    from logistics.advance.simulate import simulate_army

    plan, rule = _army_plan(corridor, breaker_start_h=24.0, objectives=((30.0, "X"),))
    r = simulate_army(plan, rule=rule)
    fd = r.tracks[r.tracks["formation_id"] == "fd"].set_index("time")["status"]
    waited = fd[(fd.index > pd.Timestamp("1945-08-09 06:00"))
                & (fd.index <= pd.Timestamp("1945-08-10 06:00"))]
    assert len(waited) == 24 and set(waited) == {"waiting for a breach"}
    crossing = fd[(fd.index > pd.Timestamp("1945-08-10 06:00"))
                  & (fd.index <= pd.Timestamp("1945-08-10 19:00"))]
    assert len(crossing) == 13 and set(crossing) == {"assault"}
    day = r.daily[r.daily["formation_id"] == "fd"].set_index("date")
    assert day.loc["1945-08-09", "status"] == "waiting for a breach"
    assert day.loc["1945-08-09", "hours_waiting_breach"] == pytest.approx(17.5)
    assert day.loc["1945-08-09", "hours_halted_event"] == pytest.approx(0.0)
    assert day.loc["1945-08-10", "hours_waiting_breach"] == pytest.approx(6.5)
    assert day.loc["1945-08-10", "hours_halted_event"] == pytest.approx(12.0)
    acc = arrival_accounts(r.tracks, r.reached, formation_clocks(plan), start=plan.start)
    (a,) = acc.to_dict("records")
    assert a["time"] == pd.Timestamp("1945-08-11 06:42")
    assert (a["schedule_h"], a["breach_h"], a["fortified_h"], a["moving_h"]) == pytest.approx(
        (17.0, 24.0, 13.0, 0.7))
    assert a["what_set"] == ("24 h waiting for a breach, 17 h halted by its march schedule, "
                             "13 h in a fortified depth (follow), 0.7 h moving")


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


# --- the breach once made stays open (fortified-regions.yaml rule.breakthrough.open_breach)

def _says(r, fid: str, words: str) -> pd.DataFrame:
    return r.reached[(r.reached["formation_id"] == fid) & r.reached["name"].str.contains(words)]


def test_a_follower_after_the_breaker_came_out_passes_at_its_own_pace(corridor):
    """``rds`` crosses km 10 .. 16 from 06:30 to 18:30 on 9 Aug. ``fd``, starting a day
    later, reaches km 10 at 06:30 on 10 Aug: the depth is open, so it goes on at 20 km/h
    (km 20 at 07:00; main crossed at the rate again, km 10.25 at 07:00, through at 18:30)."""
    r = _army(corridor, breaker_start_h=0.0, follower_start_h=24.0)
    assert _km(r, "rds", "1945-08-09 18:00") == pytest.approx(15.75, abs=1e-6)
    assert _km(r, "fd", "1945-08-10 07:00") == pytest.approx(20.0, abs=1e-6)
    fd = r.tracks[r.tracks["formation_id"] == "fd"]
    assert "assault" not in set(fd["status"])
    assert len(_says(r, "fd", "through the open breach, broken through by rds 09 Aug 18:30")) == 1


def test_a_follower_that_broke_the_way_itself_opens_the_depth_for_the_next(corridor):
    """No formation of the army breaks in: ``rds``, following too, breaks the way on its own
    clock (km 10 .. 16, 06:30 .. 18:30 on 9 Aug) and so opens the depth as a breaker does;
    ``fd``, a day later, goes on at its own pace (km 20 at 07:00 on 10 Aug; before, the depth
    was broken anew at the rate: km 10.25). The 25th Army's 10th Mechanized Corps behind its
    forward detachment at the Mudanjiang position."""
    r = _army(corridor, breaker_start_h=0.0, follower_start_h=24.0, breaker_action="follow")
    assert _km(r, "rds", "1945-08-09 18:00") == pytest.approx(15.75, abs=1e-6)
    assert _km(r, "fd", "1945-08-10 07:00") == pytest.approx(20.0, abs=1e-6)
    assert len(_says(r, "fd", "through the open breach, broken through by rds 09 Aug 18:30")) == 1


def test_a_later_assault_passes_the_open_depth_and_leaves_no_second_detachment(corridor):
    """The same with ``fd`` assaulting and both detaching: ``rds`` leaves its detachment at
    D (the region stays besieged by it); ``fd`` passes at its own pace and leaves none (main:
    at the rate, and a second detachment)."""
    r = _army(corridor, breaker_start_h=0.0, follower_start_h=24.0, follower_action="assault",
              detaches=True)
    assert _km(r, "fd", "1945-08-10 07:00") == pytest.approx(20.0, abs=1e-6)
    left = r.reached[r.reached["kind"] == "detached"]
    assert list(left["formation_id"]) == ["rds"]


def test_a_follower_inside_when_the_breach_comes_out_goes_on_at_its_own_pace(corridor):
    """A 4 km depth: ``rds`` crosses it 06:30 .. 14:30 on 9 Aug; ``fd`` (from 08:00) enters at
    08:30 behind it and is at km 13 at 14:30, inside its march window (06:00 .. 16:00): on at
    20 km/h from then, km 43 at 16:00 (main: at the rate to km 14 at 16:30)."""
    r = _army(corridor, breaker_start_h=0.0, follower_start_h=8.0, depth_km=4.0)
    assert _km(r, "fd", "1945-08-09 14:00") == pytest.approx(12.75, abs=1e-6)
    assert _km(r, "fd", "1945-08-09 16:00") == pytest.approx(43.0, abs=1e-6)
    assert len(_says(r, "fd", "through the open breach")) == 1


def test_a_follower_inside_when_the_breach_comes_out_at_night_keeps_the_rate(corridor):
    """The 6 km depth: ``rds`` comes out at 18:30, after ``fd``'s march window (``fd`` from
    12:00, in the depth from 12:30, km 13 at 18:30): it keeps crossing at the rate round the
    clock (its column does not march at night), through at 00:30 on 10 Aug, as before."""
    r = _army(corridor, breaker_start_h=0.0, follower_start_h=12.0)
    assert _km(r, "fd", "1945-08-09 18:00") == pytest.approx(12.75, abs=1e-6)
    assert _km(r, "fd", "1945-08-10 00:00") == pytest.approx(15.75, abs=1e-6)
    assert _km(r, "fd", "1945-08-10 06:00") == pytest.approx(16.0, abs=1e-6)


def test_a_carried_breaker_opens_the_depth_and_a_carried_follower_leaves_no_detachment(corridor):
    """``rds`` on a timetable (the ships: 10 km/h, crossing km 10 .. 16 at the rate from
    01:00, out at 13:00 on 9 Aug) assaults and detaches; ``fd`` marches from a day later and
    passes the open depth at its own pace (km 20 at 07:00 on 10 Aug; main: at the rate behind
    a breach it thought still being made); ``sh``, on its own timetable planned before the run,
    keeps the rate (in at 01:00, km 13 at 07:00) but leaves no second detachment (main: a
    second one)."""
    import numpy as np

    from logistics.advance.movement import Timetable, through_depths
    from logistics.advance.simulate import simulate_army

    plan = corridor()
    fp = plan.formations[0]
    seg = pd.DataFrame({"lon": fp.lon, "lat": fp.lat, "cum_km": fp.km})
    region = Region("d", "D", box(117.10, 46.9, 117.80, 47.1), (), "sourced", depth_km=6.0)
    fps = []
    for fid, action, start_h, carried in (("rds", "assault", 0.0, True),
                                          ("sh", "assault", 24.0, True),
                                          ("fd", "follow", 24.0, False)):
        passes = fortified_passes(seg, [region], _unit(action, detaches=True))
        unit = SimpleNamespace(**{**vars(fp.unit), "id": fid, "name": fid, "start_h": start_h,
                                  "headline": fid == "fd",
                                  "movement": "river" if carried else fp.unit.movement})
        tt = None
        if carried:
            km = np.asarray(fp.km, dtype=float)
            tt = through_depths(Timetable("river", km, np.asarray(fp.lon), np.asarray(fp.lat),
                                          start_h + km / 10.0),
                                [(p.km_in, p.km_out) for p in passes], RATE)
        fps.append(dataclasses.replace(fp, unit=unit, fortified=passes, timetable=tt))
    plan = dataclasses.replace(plan, formations=tuple(fps), priority=("rds", "sh", "fd"))
    rule = FortifiedRule(bypass_kinds=frozenset(), breakthrough_kinds=frozenset({"brigade"}),
                         detach_kinds=frozenset(), rate_km_per_day=RATE, fraction_of_men=0.1,
                         rate_cite="test", detach_cite="test")
    r = simulate_army(plan, rule=rule)
    assert _km(r, "fd", "1945-08-10 07:00") == pytest.approx(20.0, abs=1e-6)
    assert list(r.reached.loc[r.reached["kind"] == "detached", "formation_id"]) == ["rds"]
    assert len(_says(r, "sh", "through the open breach, broken through by rds 09 Aug 13:00: "
                           "no detachment; its timetable")) == 1
    assert _km(r, "sh", "1945-08-10 07:00") == pytest.approx(13.0, abs=1e-6)  # the rate kept
