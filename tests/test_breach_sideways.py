"""One breach rule within an army and across armies (configs/fortified-regions.yaml
``rule.breakthrough.open_breach``; logistics/advance/shared_breaches.py ``SPREAD``): a region
broken through by a formation of the army opens for a later formation of the same army where
that one's route enters it only when the defence, taken sideways from the breacher's route
through the depth at the breakthrough rate, reaches there (``d / rate`` after the breacher
came out), and it takes that opening only where it is the quicker way. Before, the whole
region opened at once, wherever the route entered it (a region's extent can be 115-200 km
long).

Two formations on the corridor of tests/test_follow_breach.py (1 km steps east, 20 km/h,
10 march hours from 06:00), both assaulting a region over lon 117.10 .. 117.80 charged 6 km
deep (km 10 .. 16) at 12 km a day: ``rds`` along 47 N from H-hour (in the depth 06:30 ..
18:30 on 9 Aug), ``fd`` on the same route moved ``d`` km north (its route enters the region
``d`` km from the breach); expectations worked by hand."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from logistics.advance.depths import fortified_passes
from logistics.advance.simulate import simulate_army
from logistics.army.fortified import FortifiedRule, Region
from logistics.geodesy import great_circle_km

RATE = 12.0  # km a day
_LAT_KM = great_circle_km(117.1, 47.0, 117.1, 48.0)  # km in a degree of latitude there


def _run(corridor, *, apart_km: float, fd_start_h: float, with_rds: bool = True,
         detaches: bool = False, days: int = 6, fd_action: str = "assault"):
    """Run ``rds`` (unless ``with_rds`` is False) and ``fd`` (``fd_action``), ``apart_km``
    north of it."""
    plan = corridor(days=days)
    fp = plan.formations[0]
    region = Region("d", "D", box(117.10, 46.9, 117.80, 48.2), (), "sourced", depth_km=6.0)
    fps = []
    for fid, start_h, north_km in (("rds", 0.0, 0.0), ("fd", fd_start_h, apart_km)):
        if fid == "rds" and not with_rds:
            continue
        kind = SimpleNamespace(kind="brigade", detaches=detaches,
                               fortified_action="assault" if fid == "rds" else fd_action,
                               norm=SimpleNamespace(max_speed_kmh=25.0, hours_per_day=10.0))
        lat = np.asarray(fp.lat, dtype=float) + north_km / _LAT_KM
        seg = pd.DataFrame({"lon": fp.lon, "lat": lat, "cum_km": fp.km})
        unit = SimpleNamespace(**{**vars(fp.unit), "id": fid, "name": fid, "start_h": start_h,
                                  "headline": fid == "fd"})
        fps.append(dataclasses.replace(fp, unit=unit, lat=lat,
                                       fortified=fortified_passes(seg, [region], kind)))
    plan = dataclasses.replace(plan, formations=tuple(fps),
                               priority=tuple(f.unit.id for f in fps))
    rule = FortifiedRule(bypass_kinds=frozenset(), breakthrough_kinds=frozenset({"brigade"}),
                         detach_kinds=frozenset(), rate_km_per_day=RATE, fraction_of_men=0.1,
                         rate_cite="test", detach_cite="test")
    return simulate_army(plan, rule=rule)


def _km(run, fid: str, when: str) -> float:
    t = run.tracks[run.tracks["formation_id"] == fid].set_index("time")
    return float(t.loc[pd.Timestamp(when), "cum_km"])


def _says(run, fid: str, words: str) -> pd.DataFrame:
    r = run.reached
    return r[(r["formation_id"] == fid) & r["name"].str.contains(words, regex=False)]


def test_entering_on_the_breach_the_open_region_is_crossed_at_once_as_before(corridor):
    """``fd`` on ``rds``'s own route, a day later: at km 10 at 06:30 on 10 Aug the depth is
    open (``rds`` came out 18:30 on 9 Aug), so it goes on at 20 km/h, km 20 at 07:00, no
    detachment: unchanged."""
    r = _run(corridor, apart_km=0.0, fd_start_h=24.0, detaches=True)
    assert _km(r, "fd", "1945-08-10 07:00") == pytest.approx(20.0, abs=1e-6)
    assert len(_says(r, "fd", "through the open breach, broken through by rds 09 Aug 18:30: "
                              "at its own pace")) == 1
    assert list(r.reached.loc[r.reached["kind"] == "detached", "formation_id"]) == ["rds"]


def test_entering_100_km_from_the_breach_it_is_not_open_at_once(corridor):
    """``fd`` 100 km north of the breach, a day later: the defence taken sideways at 12 km a
    day reaches its route 100 / 12 days (200 h) after ``rds`` came out, so at km 10 at 06:30
    on 10 Aug it breaks in itself at the rate (km 10.25 at 07:00, out at 18:30, its own
    detachment), as it would with nobody else in the army. main: the whole region open at
    once, km 20 at 07:00 through 'the open breach' and no detachment."""
    r = _run(corridor, apart_km=100.0, fd_start_h=24.0, detaches=True)
    assert _km(r, "fd", "1945-08-10 07:00") == pytest.approx(10.25, abs=1e-6)
    assert _km(r, "fd", "1945-08-10 18:00") == pytest.approx(15.75, abs=1e-6)
    assert _says(r, "fd", "open breach").empty
    assert sorted(r.reached.loc[r.reached["kind"] == "detached", "formation_id"]) == ["fd", "rds"]


def test_the_region_opens_there_d_over_rate_after_the_breach(corridor):
    """``fd`` 12 km north: the opening reaches its route 12 / 12 days = 24 h after ``rds``
    came out, 18:30 on 10 Aug. Starting 48 h after H-hour it is at km 10 at 06:30 on 11 Aug,
    open: at its own pace (km 20 at 07:00), its stop naming the breach, when it came out and
    from when it is open there. Starting 24 h after H-hour it is at km 10 at 06:30 on 10 Aug,
    12 h before the opening reaches it: it breaks in itself at the rate (km 10.25 at 07:00;
    main: km 20, the whole region open at once)."""
    r = _run(corridor, apart_km=12.0, fd_start_h=48.0)
    assert _km(r, "fd", "1945-08-11 07:00") == pytest.approx(20.0, abs=1e-6)
    said = _says(r, "fd", "through the open breach, broken through by rds 09 Aug 18:30, "
                          "open here from 10 Aug 18:")  # 18:30 less a float's second
    assert len(said) == 1
    r = _run(corridor, apart_km=12.0, fd_start_h=24.0)
    assert _km(r, "fd", "1945-08-10 07:00") == pytest.approx(10.25, abs=1e-6)


def test_an_opening_reaching_a_head_inside_the_depth_in_its_window_is_taken(corridor):
    """``fd`` 8 km north: open there 8 / 12 days = 16 h after ``rds`` came out, 10:30 on
    10 Aug. ``fd``, a day later, enters at 06:30 on 10 Aug at the rate (km 11.75 at 10:00)
    and is at km 12 at 10:30, in its march window, 4 km from the depth's end: at its own pace
    from then (out in 12 min, no halt: the quicker way), km 22 at 11:00; with nobody else in
    the army, at the rate, km 12.25."""
    r = _run(corridor, apart_km=8.0, fd_start_h=24.0)
    assert _km(r, "fd", "1945-08-10 10:00") == pytest.approx(11.75, abs=1e-6)
    assert _km(r, "fd", "1945-08-10 11:00") == pytest.approx(22.0, abs=0.05)  # d: 8 km +- m
    alone = _run(corridor, apart_km=8.0, fd_start_h=24.0, with_rds=False)
    assert _km(alone, "fd", "1945-08-10 11:00") == pytest.approx(12.25, abs=1e-6)


@pytest.mark.parametrize("apart_km", [0.0, 0.5, 3.0, 6.0, 12.0, 40.0, 100.0])
@pytest.mark.parametrize("fd_start_h", [0.0, 6.0, 13.0, 20.0, 30.0, 47.0])
def test_never_later_than_without_the_breach(corridor, apart_km, fd_start_h):
    """Whatever the distance and the hour: with ``rds``'s breach ``fd`` is at every hour at
    least as far along its route as with nobody else in the army (it breaks in itself)."""
    both = _run(corridor, apart_km=apart_km, fd_start_h=fd_start_h)
    alone = _run(corridor, apart_km=apart_km, fd_start_h=fd_start_h, with_rds=False)
    t = both.tracks[both.tracks["formation_id"] == "fd"].set_index("time")["cum_km"]
    a = alone.tracks[alone.tracks["formation_id"] == "fd"].set_index("time")["cum_km"]
    assert (t - a.reindex(t.index) >= -1e-6).all()
