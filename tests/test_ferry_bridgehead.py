"""A formation the flotilla ferries across a major river: its head holds a bridgehead until all
of it is across, and one brigade ferries the formations waiting for it in fuel priority order.

Synthetic cases on the test corridor (``tests/conftest.py``: 1 km steps, 20 km/h, march window
06:00-16:00 from H-hour 9 Aug 00:00, tanks that never run dry), with a major river at km 10
and a bridgehead of 35 km: the answers follow by hand from those figures. Then the shipped
5th Separate Rifle Corps (``configs/2fef-5rc.yaml``), end to end."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from types import SimpleNamespace

import math

import numpy as np
import pandas as pd
import pytest

from logistics.advance.depths import FortifiedPass
from logistics.advance.plan import CrossingStop
from logistics.advance.simulate import simulate_army
from logistics.errors import ConfigError

RIVER_KM, BOUND_KM = 10.0, 35.0
H0 = datetime(1945, 8, 9, 0, 0)


def _ferried(fp, fid: str, ferry_h: float, start_h: float = 0.0, parent=None,
             formed_km: float = 0.0):
    unit = SimpleNamespace(**{**vars(fp.unit), "id": fid, "name": fid, "start_h": start_h,
                              "parent": parent})
    return replace(fp, unit=unit, crossings=(CrossingStop(RIVER_KM, 117.1, 47.0, 1, 0.75),),
                   ferry_by="bde", ferry_h=ferry_h, formed_km=formed_km)


def _army(corridor, specs, *, bound_km=BOUND_KM, days=6):
    """An army of the corridor's formation, once per ``(id, ferry_h, start_h[, parent,
    formed_km])`` in priority order, each ferried by one brigade ``bde`` at km 10."""
    plan = corridor(tank_l=1e6, length_km=400, days=days)
    fp = plan.formations[0]
    forms = tuple(_ferried(fp, *s) for s in specs)
    return replace(plan, formations=forms, priority=tuple(f.id for f in forms),
                   ferry_brigades=("bde",), ferry_bridgehead_km=bound_km)


def _track(r, fid: str) -> pd.DataFrame:
    t = r.tracks[r.tracks["formation_id"] == fid]
    return t.assign(time=pd.to_datetime(t["time"])).set_index("time")


def _ferry_starts(r) -> dict[str, pd.Timestamp]:
    rows = r.reached[r.reached["kind"] == "ferry"]
    return dict(zip(rows["formation_id"], pd.to_datetime(rows["time"])))


def _starts_h(r) -> dict[str, float]:
    """Hours after H-hour at which the brigade takes each formation."""
    return {f: (t - H0).total_seconds() / 3600.0 for f, t in _ferry_starts(r).items()}


def _farthest_before_km(r, fid: str, hours: float) -> float:
    """The farthest km the formation's head reached up to ``hours`` after H-hour."""
    t = _track(r, fid)
    return float(t[t.index <= H0 + timedelta(hours=hours)]["cum_km"].max())


def test_the_head_holds_the_bridgehead_until_all_is_across_then_moves_on(corridor):
    """One formation reaches the river at 06:30 (0.5 h at 20 km/h from the 06:00 window) and
    is ferried for 30 h: all across 10 Aug 12:30. Its head stops at km 45 (10 + 35) from
    08:15 and stays there, status carried on the river, its tail at the crossing; it moves on
    at 12:30, 10 km by 13:00 and 70 km by 16:00."""
    r = simulate_army(_army(corridor, [("fd", 30.0)]))
    t = _track(r, "fd")
    release = H0 + timedelta(hours=6.5 + 30.0)
    assert _ferry_starts(r)["fd"] == H0 + timedelta(hours=6.5)
    held = t[t.index <= release]
    assert held["cum_km"].max() == pytest.approx(RIVER_KM + BOUND_KM)
    assert t.loc[H0 + timedelta(hours=9), "cum_km"] == pytest.approx(45.0)
    at_bound = held[held.index >= H0 + timedelta(hours=10)]
    assert set(at_bound["status"]) == {"carried"} and set(at_bound["mode"]) == {"river"}
    assert (at_bound["tail_km"] == RIVER_KM).all()
    assert t.loc[H0 + timedelta(hours=37), "cum_km"] == pytest.approx(55.0)
    assert t.loc[H0 + timedelta(hours=40), "cum_km"] == pytest.approx(115.0)
    assert t.loc[H0 + timedelta(hours=40), "status"] == "moving"


def test_a_head_reaching_the_bridgehead_edge_moves_on_when_released_in_the_same_hour(corridor):
    """Reached the river at 06:30 and ferried for 2.25 h: all across 08:45. Its head reaches
    km 45 (the bound) at 08:15 and moves on at 08:45 within the same hour: 5 km more by 09:00
    (20 km/h x 0.25 h), 70 km by 10:00. Before, a head that reached the edge in the hour of
    its release stood there for the rest of the hour (km 45 at 09:00)."""
    r = simulate_army(_army(corridor, [("fd", 2.25)]))
    t = _track(r, "fd")
    assert t.loc[H0 + timedelta(hours=9), "cum_km"] == pytest.approx(50.0)
    assert t.loc[H0 + timedelta(hours=10), "cum_km"] == pytest.approx(70.0)


def test_without_the_hold_the_head_runs_on_while_it_is_ferried(corridor):
    """The rule's other end (no hold): the head is at km 145 by the first evening although
    its ferrying ends the next day; what the hold changes."""
    r = simulate_army(_army(corridor, [("fd", 30.0)], bound_km=math.inf))
    assert _track(r, "fd").loc[H0 + timedelta(hours=16), "cum_km"] == pytest.approx(200.0)


def test_a_bridgehead_of_nothing_holds_the_head_at_the_crossing(corridor):
    r = simulate_army(_army(corridor, [("fd", 30.0)], bound_km=0.0))
    t = _track(r, "fd")
    assert t[t.index <= H0 + timedelta(hours=36.5)]["cum_km"].max() == pytest.approx(RIVER_KM)


def test_the_brigade_come_free_takes_the_forward_detachment_before_a_main_body_waiting_longer(
        corridor):
    """``sp`` reaches the river first (06:30) and takes the idle brigade for 10 h; the main
    body arrives at 07:30 and the forward detachment (first in priority) at 08:30. At 16:30
    the brigade takes the forward detachment (30 h, all across 10 Aug 22:30), then the main
    body (50 h, all across 13 Aug 00:30, at night: it moves on at 06:00, 20 km by 07:00):
    first come first served would have taken the main body first."""
    r = simulate_army(_army(corridor, [("fd", 30.0, 8.0), ("sp", 10.0, 0.0),
                                       ("main", 50.0, 7.0)]))
    assert _starts_h(r) == {"sp": 6.5, "fd": 16.5, "main": 46.5}
    assert _farthest_before_km(r, "main", 96.5) == pytest.approx(RIVER_KM + BOUND_KM)
    assert _track(r, "main").loc[H0 + timedelta(hours=103), "cum_km"] == pytest.approx(65.0)
    cross = r.crossings.set_index("formation_id")["ferry_h"]
    assert cross.to_dict() == {"fd": 30.0, "sp": 10.0, "main": 50.0}


def test_a_formation_waiting_for_its_means_keeps_its_head_at_the_crossing(corridor):
    """``fd`` and ``main`` reach the river together at 06:30; the brigade takes ``fd`` (first
    in priority) for 30 h, so ``main`` waits until 10 Aug 12:30 and is ferried 50 h (all
    across 12 Aug 14:30). No part of ``main`` is across before the brigade starts on it: its
    head stays at the river (km 10) until the brigade comes free at 12:30 on 10 Aug and takes
    it (at the step loop's next take, 13:00: km 30 by 14:00), then holds the bridgehead (km
    45) until all of it is across. On main its head was at km 45 by 08:15 on 9 Aug, across a
    1.5 km river while the brigade carried ``fd``."""
    r = simulate_army(_army(corridor, [("fd", 30.0), ("main", 50.0)]))
    assert _starts_h(r) == {"fd": 6.5, "main": 36.5}
    assert _farthest_before_km(r, "main", 36.0) == pytest.approx(RIVER_KM)
    t = _track(r, "main")
    assert (t[(t.index >= H0 + timedelta(hours=8)) & (t.index <= H0 + timedelta(hours=36))]
            ["status"] == "carried").all()
    assert t.loc[H0 + timedelta(hours=38), "cum_km"] == pytest.approx(30.0)
    assert _farthest_before_km(r, "main", 86.5) == pytest.approx(RIVER_KM + BOUND_KM)
    cross = r.crossings.set_index("formation_id")
    assert cross["ferry_h"].to_dict() == {"fd": 30.0, "main": 50.0}


def test_a_formation_taken_within_the_hour_moves_on_from_the_crossing_then(corridor):
    """``fd`` ferried from 06:30 for 1.25 h (all across 07:45), ``main`` (at the river at
    06:30 too) taken when the brigade comes free: into the bridgehead from 08:00 at the
    latest (the step loop's take), km 30 by 09:00 and the bound (km 45) by 09:45."""
    r = simulate_army(_army(corridor, [("fd", 1.25), ("main", 5.0)]))
    t = _track(r, "main")
    assert t.loc[H0 + timedelta(hours=7), "cum_km"] == pytest.approx(RIVER_KM)
    assert t.loc[H0 + timedelta(hours=9), "cum_km"] >= 30.0 - 1e-6
    assert t.loc[H0 + timedelta(hours=10), "cum_km"] == pytest.approx(RIVER_KM + BOUND_KM)


def test_a_town_in_the_crossing_s_cell_is_reached_when_its_means_starts_on_it(corridor):
    """A town on the far bank in the grid cell of the crossing (an objective at km 10, the
    river's km, as Heihe and Raohe on the shipped frontier): ``fd``, taken at once at 06:30,
    reaches it then; ``main``, waiting on the near bank until the brigade comes free (12:30 on
    10 Aug, taken at the step loop's 13:00), reaches it at 13:00, not at 06:30 as on main."""
    plan = _army(corridor, [("fd", 30.0), ("main", 50.0)])
    forms = tuple(replace(f, objectives=((RIVER_KM, "Town"),) + tuple(f.objectives))
                  for f in plan.formations)
    r = simulate_army(replace(plan, formations=forms))
    obj = r.reached[(r.reached["kind"] == "objective") & (r.reached["name"] == "Town")]
    got = {f: (pd.Timestamp(t) - H0).total_seconds() / 3600.0
           for f, t in zip(obj["formation_id"], obj["time"])}
    assert got == pytest.approx({"fd": 6.5, "main": 37.0})


def test_a_forward_detachment_formed_after_the_crossing_is_ferried_before_its_parent(corridor):
    """A forward detachment formed out of the main body just beyond the river (km 11: its
    parent's head must pass it first) is in its parent's column when the parent's head
    reaches the river at 06:30, so it waits for the idle brigade from then too, and goes
    first in priority order (30 h: all across 10 Aug 12:30); the main body then (50 h: all
    across 12 Aug 14:30). Before, the main body, alone at the river, took the brigade."""
    r = simulate_army(_army(corridor, [("fd", 30.0, 0.0, "main", 11.0), ("main", 50.0)]))
    assert _starts_h(r) == {"fd": 6.5, "main": 36.5}
    assert _farthest_before_km(r, "fd", 36.5) == pytest.approx(RIVER_KM + BOUND_KM)
    assert _track(r, "fd").loc[H0 + timedelta(hours=40), "cum_km"] == pytest.approx(115.0)


def test_a_fortified_depth_in_the_bridgehead_is_assaulted_no_farther_than_the_bound(corridor):
    """A fortified stretch from km 20 to 80 across the bridgehead's edge: the head enters it
    at 07:00 and crosses it at the shipped breakthrough rate (10 km a day, round the clock) to
    km 45 by 11 Aug 19:00, and no farther until all of it is across (100 h: 13 Aug 10:30);
    then on at the rate (37.5 h to the run's end: 15.6 km)."""
    plan = _army(corridor, [("fd", 100.0)])
    fp = replace(plan.formations[0],
                 fortified=(FortifiedPass(20.0, 80.0, "ur", "UR", "assault", False),))
    r = simulate_army(replace(plan, formations=(fp,)))
    t = _track(r, "fd")
    held = t[t.index <= H0 + timedelta(hours=106.5)]
    assert held["cum_km"].max() == pytest.approx(RIVER_KM + BOUND_KM)
    assert t.loc[H0 + timedelta(hours=67), "cum_km"] == pytest.approx(45.0)
    assert (held[held.index > H0 + timedelta(hours=67)]["status"] == "carried").all()
    assert t["cum_km"].iloc[-1] == pytest.approx(45.0 + 37.5 * 10.0 / 24.0)


def test_the_bound_is_the_shuttle_bound_of_the_norms_and_a_missing_one_is_refused():
    from logistics.advance.plan import _bridgehead_km
    from logistics.army.norms import load_norms

    norms = load_norms()
    tbi = norms.norm_for("truck_borne", "truck_borne_infantry")
    assert _bridgehead_km(norms, "army.yaml") == tbi.shuttle_bound_km == 35.0
    none = replace(norms, march={**norms.march,
                                 "truck_borne_infantry": replace(tbi, shuttle_bound_km=None)})
    with pytest.raises(ConfigError, match="shuttle_bound_km"):
        _bridgehead_km(none, "army.yaml")


@pytest.fixture(scope="module")
def corps_5rc():
    from logistics.runner import run_scenario

    return run_scenario("configs/2fef-5rc.yaml")


@pytest.mark.slow
def test_5rc_no_ferried_head_beyond_the_bridgehead_before_its_release(corps_5rc):
    """The 5th Separate Rifle Corps: one brigade ferries the tank brigade (the forward
    detachment, formed out of the rifle divisions after the crossing), the SP battalions and
    the rifle divisions across the Ussuri. No head is more than the bound beyond its
    crossing's far bank (crossings.csv ``far_km``: the bridgehead starts beyond the water,
    holds.py ``bridgehead_km``; ferry34) before all of it is across; each is held there
    (status carried) at some hour; the forward detachment is ferried first and then moves on
    beyond the bridgehead."""
    from logistics.army.norms import load_norms

    r = corps_5rc
    bound = load_norms().norm_for("truck_borne", "truck_borne_infantry").shuttle_bound_km
    cross = r.crossings[r.crossings["ferry_h"] > 0]
    starts = _ferry_starts(r)
    assert set(cross["formation_id"]) == {"5rc-tank-brigade", "5rc-sp", "5rc-rds"}
    end = pd.to_datetime(r.tracks["time"]).max()
    for c in cross.itertuples():
        release = starts[c.formation_id] + timedelta(hours=float(c.ferry_h))
        t = _track(r, c.formation_id)
        before = t[t.index < release]
        assert before["cum_km"].max() <= c.far_km + bound + 1e-6, c.formation_id
        assert (before["status"] == "carried").any(), c.formation_id
        if c.formation_id == "5rc-tank-brigade":  # released within the run: it moves on
            assert release < end and t["cum_km"].iloc[-1] > c.far_km + bound
    assert starts["5rc-tank-brigade"] == min(starts.values())
    assert starts["5rc-tank-brigade"] < starts["5rc-sp"] < starts["5rc-rds"]


# Every major or large river's crossing is a ferrying, not only the first (rivers28): such a
# river is wider than an N2P park's bridge (movement.yaml bridging), so the route's 45-min
# bridge price is not its crossing, at a later crossing nor for a formation with no flotilla.

def _twice(corridor, second_km: float, *, ferry_by="bde", ferry_h=30.0, own_h=math.inf,
           frontier=False):
    """The corridor's formation ``fd`` with major-river crossings at km 10 and ``second_km``
    (sites 100 km apart), ferried by brigade ``bde`` (``ferry_h``) and/or its sites' own means
    (``own_h``); ``frontier``: both crossings on the 1945 frontier."""
    plan = _army(corridor, [("fd", ferry_h)])
    fp = replace(plan.formations[0], ferry_by=ferry_by, own_means_h=own_h,
                 crossings=(CrossingStop(RIVER_KM, 117.1, 47.0, 1, 0.75, frontier),
                            CrossingStop(second_km, 118.5, 47.0, 1, 0.75, frontier)))
    return replace(plan, formations=(fp,), ferry_brigades=("bde",) if ferry_by else ())


def _ferry_rows_h(r, fid: str) -> list[float]:
    rows = r.reached[(r.reached["kind"] == "ferry") & (r.reached["formation_id"] == fid)]
    return [(t - H0).total_seconds() / 3600.0 for t in pd.to_datetime(rows["time"])]


def test_a_second_major_river_crossing_waits_for_its_ferrying_too(corridor):
    """Ferried at km 10 from 06:30 for 30 h (all across 10 Aug 12:30), the head moves on from
    km 45 and reaches the second river at km 100 at 15:15 (55 km at 20 km/h); the brigade,
    free since 12:30, takes it at once for 30 h (all across 11 Aug 21:15), its head held at
    most 35 km beyond (km 135) until then. On main the second crossing was a 45-min bridge:
    no second ferrying, its head at km 200 by 11 Aug 13:00."""
    r = simulate_army(_twice(corridor, 100.0))
    assert _ferry_rows_h(r, "fd") == pytest.approx([6.5, 39.25])
    t = _track(r, "fd")
    assert _farthest_before_km(r, "fd", 69.25) == pytest.approx(100.0 + BOUND_KM)
    assert t.loc[H0 + timedelta(hours=61), "status"] == "carried"
    cross = r.crossings.set_index("cum_km")["ferry_h"]
    assert cross.to_dict() == {RIVER_KM: 30.0, 100.0: 30.0}


def test_a_second_river_within_the_bridgehead_is_not_reached_before_the_first_ferrying_ends(
        corridor):
    """The second river at km 30, inside the first crossing's bridgehead (km 45): the head
    holds just short of it until all of it is across the first (10 Aug 12:30), then is at
    it and ferried again from then: one ferrying at a time, not two queued at once."""
    r = simulate_army(_twice(corridor, 30.0))
    assert _farthest_before_km(r, "fd", 36.5) == pytest.approx(30.0)
    assert _ferry_rows_h(r, "fd") == pytest.approx([6.5, 36.5])
    assert r.crossings.set_index("cum_km")["ferry_h"].to_dict() == {RIVER_KM: 30.0, 30.0: 30.0}


def test_a_formation_with_no_flotilla_is_ferried_by_the_sites_own_means(corridor):
    """No flotilla; the site's own means take 5 h: at the river at 06:30, all across 11:30,
    its head held at km 45 from 08:15 until then (km 80 at 10:00 on main: a 45-min bridge),
    then again at km 100 (reached 14:15, across 19:15: after the window, on at 06:00)."""
    r = simulate_army(_twice(corridor, 100.0, ferry_by=None, ferry_h=0.0, own_h=5.0,
                             frontier=True))
    t = _track(r, "fd")
    assert t.loc[H0 + timedelta(hours=10), "cum_km"] == pytest.approx(RIVER_KM + BOUND_KM)
    assert _ferry_rows_h(r, "fd") == pytest.approx([6.5, 14.25])
    assert r.crossings.set_index("cum_km")["ferry_h"].to_dict() == {RIVER_KM: 5.0, 100.0: 5.0}
    text = r.reached[r.reached["kind"] == "ferry"]["name"].iloc[0]
    assert "own means" in text and "would take" not in text


def test_an_inland_big_river_with_no_flotilla_keeps_the_routes_bridge(corridor):
    """The same formation with no flotilla, its crossings inland (not on the frontier): the
    large-river class holds steppe rivers whose widths no source gives, crossed where the road
    and rail net crossed them, so the route's bridge price stands: no ferrying, no hold."""
    r = simulate_army(_twice(corridor, 100.0, ferry_by=None, ferry_h=0.0, own_h=5.0))
    assert _ferry_rows_h(r, "fd") == []
    assert _track(r, "fd").loc[H0 + timedelta(hours=10), "cum_km"] > RIVER_KM + BOUND_KM


def test_a_route_across_the_frontier_marks_its_crossing_there():
    """``on_frontier``: a crossing is on the frontier when the route within 10 km of it lies on
    both sides (the Ussuri at the 35th Army's jump-off), not when it lies on one (inland), nor
    west of the Amur's head (the Argun, whose width no source gives)."""
    import numpy as np

    from logistics.advance.ferry_toll import on_frontier
    from logistics.terrain.sides import JAPANESE, NEITHER, SOVIET

    kms = np.arange(0.0, 40.0, 2.0)
    across = np.where(kms < 8, SOVIET, np.where(kms < 10, NEITHER, JAPANESE)).astype(np.uint8)
    assert on_frontier(kms, across, 9.0, 133.0)  # the Ussuri
    assert not on_frontier(kms, across, 30.0, 133.0)  # 20 km beyond: inland
    assert not on_frontier(kms, np.full(kms.shape, JAPANESE, np.uint8), 9.0, 133.0)
    assert not on_frontier(kms, across, 9.0, 119.5)  # the Argun: no width known, a bridge


@pytest.mark.slow
def test_35a_rifle_divisions_are_ferried_over_the_ussuri_by_own_means_and_hold_the_bridgehead():
    """The 35th Army has no flotilla; its rifle divisions' route crosses the Ussuri (a large
    river) near its start. They wait there for the crossing site's own means, and their head
    holds within the bridgehead (the shipped shuttle bound, 35 km) until all are across. On
    main the crossing was a 45-min bridge: no ferrying, ferry_h 0, the head ran on."""
    from logistics.army.norms import load_norms
    from logistics.runner import run_scenario

    r = run_scenario("configs/1fef-35a.yaml")
    bound = load_norms().norm_for("truck_borne", "truck_borne_infantry").shuttle_bound_km
    c = r.crossings[(r.crossings["formation_id"] == "35a-rds")
                    & r.crossings["river_class"].isin([1, 2])].iloc[0]
    assert c["ferry_h"] > 0
    start = _ferry_starts(r)["35a-rds"]
    release = start + timedelta(hours=float(c["ferry_h"]))
    t = _track(r, "35a-rds")
    before = t[t.index < release]
    assert before["cum_km"].max() <= c["cum_km"] + bound + 1e-6
    assert (before["status"] == "carried").any()


def test_crossings_say_when_the_ferrying_started_and_when_all_was_across(corridor):
    """crossings.csv: ``time`` is the head at the crossing (06:30), ``ferry_start`` when its
    means started on it (06:30: the brigade was free) and ``all_across`` 30 h later
    (10 Aug 12:30); a second formation behind it in the queue reaches the river at the same
    06:30 and is taken when the brigade comes free, 12:30, all across 10 h later; a crossing
    not ferried has neither."""
    r = simulate_army(_army(corridor, [("fd", 30.0), ("main", 10.0)]))
    c = r.crossings.set_index("formation_id")
    assert list(r.crossings.columns[8:10]) == ["ferry_start", "all_across"]
    assert c.loc["fd", "time"] == H0 + timedelta(hours=6.5)
    assert c.loc["fd", "ferry_start"] == H0 + timedelta(hours=6.5)
    assert c.loc["fd", "all_across"] == H0 + timedelta(hours=36.5)
    assert c.loc["main", "ferry_start"] == H0 + timedelta(hours=36.5)
    assert c.loc["main", "all_across"] == H0 + timedelta(hours=46.5)
    plain = simulate_army(replace(corridor(tank_l=1e6, length_km=400, days=2)))
    assert plain.crossings.empty or plain.crossings[["ferry_start", "all_across"]].isna().all().all()


def test_a_ferrying_not_ended_by_the_run_s_end_has_no_all_across(corridor):
    """Ferried for 100 h from 06:30 in a run of 2 days: started, never all across."""
    r = simulate_army(_army(corridor, [("fd", 100.0)], days=2))
    c = r.crossings.set_index("formation_id")
    assert c.loc["fd", "ferry_start"] == H0 + timedelta(hours=6.5)
    assert pd.isna(c.loc["fd", "all_across"])


def test_a_forward_detachment_in_its_parent_s_column_reaches_the_bank_with_the_parent(corridor):
    """The forward detachment above (formed at km 11, first in priority, as fast as its
    parent): both heads are at km 0 when the window opens at 06:00 and the parent's reaches
    the river at 06:30, where the brigade takes the detachment at once. Moved after its
    parent within the hour (water32), the detachment's head reaches the bank at 06:30 too and
    is at km 20 by 07:00 (into the bridgehead at 20 km/h). On main it moved first, capped
    where its parent's head was at the hour's start (km 0): still at km 0 at 07:00, its head
    at the bank at 07:30, an hour after the ferry had started on it."""
    r = simulate_army(_army(corridor, [("fd", 30.0, 0.0, "main", 11.0), ("main", 50.0)]))
    assert _starts_h(r)["fd"] == 6.5
    assert _track(r, "fd").loc[H0 + timedelta(hours=7), "cum_km"] == pytest.approx(20.0)
    cross = r.crossings.set_index("formation_id")
    at_bank = pd.Timestamp(cross.loc["fd", "time"])
    assert at_bank <= pd.Timestamp(cross.loc["fd", "ferry_start"])
    assert at_bank == pd.Timestamp(cross.loc["main", "time"])


def test_a_wide_crossing_is_ferried_longer_and_its_far_bank_reached_when_the_first_trip_lands(
        corridor):
    """water32: a crossing whose route crosses wide water (``time_factor`` 3, the plan's
    ``crossing_time_factor`` of it) ferries ``fd`` 3 x 10 h = 30 h from 06:30 (all across 10
    Aug 12:30), and its head stays on the near bank, with the town of the crossing's cell
    unreached, until the first trip lands (``landing_h`` 1.2 h: 07:42), then goes into the
    bridgehead: km 10 at 07:00, km 10 + 20 x (8 - 7.7) = 16 by 08:00. On main the crossing
    was ferried in 10 h and the town reached, and the head across, at 06:30."""
    plan = _army(corridor, [("fd", 10.0)])
    fp = plan.formations[0]
    wide = replace(fp.crossings[0], water_km=12.0, time_factor=3.0, landing_h=1.2)
    fp = replace(fp, crossings=(wide,), objectives=((RIVER_KM, "Town"),) + tuple(fp.objectives))
    r = simulate_army(replace(plan, formations=(fp,)))
    assert _starts_h(r) == {"fd": 6.5}
    assert r.crossings.set_index("formation_id").loc["fd", "ferry_h"] == pytest.approx(30.0)
    obj = r.reached[(r.reached["kind"] == "objective") & (r.reached["name"] == "Town")]
    assert (pd.Timestamp(obj["time"].iloc[0]) - H0).total_seconds() / 3600.0 == \
        pytest.approx(7.7)
    t = _track(r, "fd")
    assert t.loc[H0 + timedelta(hours=7), "cum_km"] == pytest.approx(RIVER_KM)
    assert t.loc[H0 + timedelta(hours=8), "cum_km"] == pytest.approx(16.0)
    assert _farthest_before_km(r, "fd", 36.5) == pytest.approx(RIVER_KM + BOUND_KM)


def test_the_landed_head_crosses_the_water_it_was_ferried_over_in_no_time(corridor):
    """ferrywide33: the river at km 10 is 3 km of opened water (steps 11-13, the plan's times
    and litres 0 there: formation_plan.py ``ferried_water_steps``). Taken at 06:30, its head
    is on the far bank at once (``landing_h`` 0 here) and at 07:00 is at km 23 (13 + 0.5 h
    at 20 km/h), not 20; its km along the route (the bound, km 45) and positions unchanged,
    and it burns 2 L/km x 10 vehicles x 3 km = 60 L less by the time it holds the bound."""
    from logistics.advance.formation_plan import _not_marched, ferried_water_steps

    plain = _army(corridor, [("fd", 30.0)])
    fp = plain.formations[0]
    c = replace(fp.crossings[0], water_km=3.0, water_steps=(11, 12, 13))
    carried = ferried_water_steps([c], len(fp.km), fp.ferry_by, fp.own_means_h)
    assert np.flatnonzero(carried).tolist() == [11, 12, 13]
    fp = replace(fp, crossings=(c,), step_time_s=_not_marched(fp.step_time_s, carried),
                 step_fuel_l=_not_marched(fp.step_fuel_l, carried))
    r_plain = simulate_army(plain)
    r = simulate_army(replace(plain, formations=(fp,)))
    at7 = H0 + timedelta(hours=7)
    assert _track(r_plain, "fd").loc[at7, "cum_km"] == pytest.approx(20.0)
    assert _track(r, "fd").loc[at7, "cum_km"] == pytest.approx(23.0)
    at10 = H0 + timedelta(hours=10)
    t, tp = _track(r, "fd").loc[at10], _track(r_plain, "fd").loc[at10]
    assert t["cum_km"] == tp["cum_km"] == pytest.approx(RIVER_KM + BOUND_KM)
    assert (t["lon"], t["lat"]) == pytest.approx((tp["lon"], tp["lat"]))
    assert t["fuel_l"] - tp["fuel_l"] == pytest.approx(60.0)


def _wide_water(corridor, specs=(("fd", 30.0),)):
    """:func:`_army` whose first formation's river at km 10 is 12 km of opened water (steps
    11-22 carried, not marched; its far bank at km 22: ``CrossingStop.far_km``)."""
    from logistics.advance.formation_plan import _not_marched, ferried_water_steps

    plain = _army(corridor, list(specs))
    fp = plain.formations[0]
    c = replace(fp.crossings[0], water_km=12.0, water_steps=tuple(range(11, 23)), far_km=22.0)
    carried = ferried_water_steps([c], len(fp.km), fp.ferry_by, fp.own_means_h)
    fp = replace(fp, crossings=(c,), step_time_s=_not_marched(fp.step_time_s, carried),
                 step_fuel_l=_not_marched(fp.step_fuel_l, carried))
    return replace(plain, formations=(fp,) + plain.formations[1:])


def test_the_bridgehead_is_measured_from_the_far_bank_of_wide_water(corridor):
    """ferry34: the river at km 10 is 12 km of opened water (steps 11-22 carried, its far
    bank at km 22: ``CrossingStop.far_km``). Taken at 06:30 for 30 h, the landed head crosses
    the water in no time and holds the bridgehead 35 km beyond the far bank, km 57, until all
    of it is across (10 Aug 12:30): a bridgehead is land beyond the river. On main the bound
    was 35 km from the near bank, km 45: 23 km of land, short by the water's width."""
    r = simulate_army(_wide_water(corridor))
    t = _track(r, "fd")
    assert t.loc[H0 + timedelta(hours=7), "cum_km"] == pytest.approx(32.0)
    assert _farthest_before_km(r, "fd", 36.5) == pytest.approx(22.0 + BOUND_KM)
    assert t.loc[H0 + timedelta(hours=10), "status"] == "carried"
    note = r.reached[(r.reached["kind"] == "ferry")]["name"].iloc[0]
    assert f"within {BOUND_KM:g} km of the far bank" in note


def test_crossings_say_the_water_ferried_over_and_the_far_bank(corridor):
    """ferryout34: crossings.csv has the opened water a ferrying crossed (``water_km``, 12 km
    at km 10) and its far bank (``far_km``, km 22: where the bridgehead of 35 km is measured
    from, the head held at km 57); a crossing of a river line on land (the second formation's)
    has no water and its far bank at its own km. Appended: the older columns keep their
    order. On main neither column was written."""
    from logistics.advance.records import CROSSING_COLUMNS

    r = simulate_army(_wide_water(corridor, (("fd", 30.0), ("main", 10.0))))
    assert list(r.crossings.columns) == list(CROSSING_COLUMNS)
    assert list(CROSSING_COLUMNS[:10]) == [
        "formation_id", "time", "cum_km", "lon", "lat", "river_class", "crossing_h",
        "ferry_h", "ferry_start", "all_across"]
    c = r.crossings.set_index("formation_id")
    assert (c.loc["fd", "water_km"], c.loc["fd", "far_km"]) == pytest.approx((12.0, 22.0))
    assert c.loc["fd", "far_km"] + BOUND_KM == pytest.approx(_farthest_before_km(r, "fd", 36.5))
    assert (c.loc["main", "water_km"], c.loc["main", "far_km"]) == (0.0, RIVER_KM)


def test_crossings_give_each_channel_its_own_water_and_the_crossing_it_was_ferried_with(
        corridor):
    """ferry35: a big river crossed in two channels (km 10, 1 km of opened water; km 13, 2 km),
    one ferrying (``_one_ferrying``: timed for their water beyond the channel together, 0.5
    and 1 km): crossings.csv's rows say
    each channel's own water (their sum the 3 km crossed) and the later one the crossing whose
    ferrying took it (``ferried_with_km`` 10; empty on the first, whose ``ferry_h`` is the
    ferrying's, 30 h x its water's factor). On main the first row's ``water_km`` held both
    channels' (3 km) and the second's its own 2 km too: summed, 5 km."""
    from logistics.advance.formation_plan import _ferrying, _one_ferrying
    from logistics.army.norms import load_norms
    from logistics.network.river import crossing_time_factor

    river = load_norms().means.river
    plan = _army(corridor, [("fd", 30.0)])
    fp = plan.formations[0]
    first = replace(fp.crossings[0], water_km=1.0, beyond_km=0.5)
    second = replace(first, km=13.0, water_km=2.0, beyond_km=1.0)
    cs = tuple(_ferrying(c, river) for c in _one_ferrying([first, second]))
    r = simulate_army(replace(plan, formations=(replace(fp, crossings=cs),)))
    c = r.crossings
    assert c["water_km"].tolist() == [1.0, 2.0] and c["water_km"].sum() == 3.0
    assert math.isnan(c["ferried_with_km"].iloc[0]) and c["ferried_with_km"].iloc[1] == RIVER_KM
    factor = crossing_time_factor(river.own_means.width_km + 1.5, means=river.own_means,
                                  current_kmh=river.current_kmh)
    assert factor > 1.0
    assert c["ferry_h"].tolist() == pytest.approx([30.0 * factor, 0.0])
