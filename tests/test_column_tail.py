"""A column's tail from its length (issue 13 item 4: column length and intervals): the road
length of a whole formation (its vehicles, its men on foot and horsemen in ranks,
configs/norms/march.yaml ``column_depth``), and its tail following the head's own trajectory
delayed by that length over its pace. Values worked by hand below; the head's track never
changes (no score may move).

By hand, the marching formation of the corridor tests: 11,250 men on one route, 3 abreast,
2 m a rank (the shipped ``column_depth.foot``), no vehicles: 11,250 / 3 x 2 m = 7.5 km of road;
at the corridor's 5 km/h its tail trails its head by 7.5 / 5 = 1.5 h. Its head marches 06:00 to
16:00 (10 h, 50 km), rests, and reaches the route's end (km 60) at 08:00 the next day.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from logistics.advance.formation import close_up_hours, lagged_km, road_column_km
from logistics.advance.simulate import simulate_army

MEN, PACE_KMH = 11_250, 5.0
LAG_H = 1.5  # 11,250 / 3 x 2 m = 7.5 km at 5 km/h


def _marching(corridor, lag_h: float = LAG_H, **kw):
    """The corridor's formation (``corridor`` fixture) on a 60 km route at 5 km/h, 06:00 +
    10 h, its tail ``lag_h`` behind its head."""
    plan = corridor(length_km=60, speed_kmh=PACE_KMH, **{"days": 3, **kw})
    fp = dataclasses.replace(plan.formations[0], tail_lag_h=lag_h)
    return dataclasses.replace(plan, formations=(fp,))


def _track(sim) -> pd.DataFrame:
    return sim.tracks.set_index("time")


def test_a_columns_road_length_counts_its_men_and_horses_in_ranks_over_its_routes():
    """Vehicles 40 m apart; men 3 abreast, 2 m a rank; horsemen 3 abreast, 4 m a rank; all
    shared over the routes. A rifle division of 11,000 men and 150 trucks on its 2 routes:
    150 / 2 x 40 m = 3 km, 11,000 / 2 / 3 x 2 m = 3.667 km. The Mongolian cavalry, 16,000
    horsemen and 200 trucks on one route: 8 km + 16,000 / 3 x 4 m = 29.333 km."""
    from logistics.army.norms import load_norms

    depth = load_norms().column_depth
    assert depth == {"foot": (3.0, 2.0), "horse": (3.0, 4.0)}
    assert road_column_km(150, 2, 40.0, ranks=((11_000, *depth["foot"]),)) == pytest.approx(
        3.0 + 11_000 / 2 / 3 * 2 / 1000)
    assert road_column_km(200, 1, 40.0, ranks=((16_000, *depth["horse"]),)) == pytest.approx(
        8.0 + 16_000 / 3 * 4 / 1000)
    # a motor column: its vehicles only (men riding trucks or tanks are no rank)
    assert road_column_km(10, 1, 40.0) == pytest.approx(0.4)
    assert close_up_hours(road_column_km(0, 1, 40.0, ranks=((MEN, *depth["foot"]),)),
                          PACE_KMH) == pytest.approx(LAG_H)


def test_the_tail_is_the_heads_trajectory_delayed_never_behind_its_start_nor_ahead():
    """Times since H-hour: the head at km 0 until 06:00 (6 h), 5 km/h to km 50 at 16:00."""
    times, km = [0.0, 6.0, 16.0, 24.0], [0.0, 0.0, 50.0, 50.0]
    assert lagged_km(times, km, -3.0) == 0.0  # before the start: at its start
    assert lagged_km(times, km, 8.0 - LAG_H) == pytest.approx(2.5)
    assert lagged_km(times, km, 17.0 - LAG_H) == pytest.approx(47.5)
    assert lagged_km(times, km, 40.0) == 50.0  # closed up on the halted head


def test_a_marching_columns_tail_trails_its_head_by_its_length_and_halts_with_it_at_night(
        corridor):
    """Hand values at the hours' ends: 08:00 head 10, tail km 2.5 (the head's at 06:30);
    16:00 head 50, tail 42.5. The window closes at 16:00 (no close-up: men on foot march
    their own day): the whole column halts, its tail at km 42.5 all night (before tail37 it
    marched on, 47.5 at 17:00 and 50 at 18:00). The next morning it resumes where it stood:
    07:00 tail 47.5 (1.5 march hours behind the head's 50 at the window's end); 08:00 head
    60 (arrived), tail 52.5; 09:00 tail 57.5; 10:00 tail 60. While it marches the tail is
    7.5 km (its length) behind."""
    sim = simulate_army(_marching(corridor))
    t = _track(sim)

    def at(day: int, hour: int) -> pd.Series:
        return t.loc[pd.Timestamp(1945, 8, day, hour)]

    assert (at(9, 8)["cum_km"], at(9, 8)["tail_km"]) == pytest.approx((10.0, 2.5))
    assert (at(9, 16)["cum_km"], at(9, 16)["tail_km"]) == pytest.approx((50.0, 42.5))
    night = t[(t.index > pd.Timestamp(1945, 8, 9, 16)) & (t.index <= pd.Timestamp(1945, 8, 10, 6))]
    assert len(night) == 14 and night["tail_km"].to_numpy() == pytest.approx(42.5)
    assert at(10, 7)["tail_km"] == pytest.approx(47.5)
    assert at(10, 8)["status"] == "arrived" and at(10, 8)["cum_km"] == pytest.approx(60.0)
    assert at(10, 8)["tail_km"] == pytest.approx(52.5)
    assert at(10, 9)["tail_km"] == pytest.approx(57.5)
    assert at(10, 10)["tail_km"] == pytest.approx(60.0)
    assert (t["tail_km"] >= 0.0).all() and (t["tail_km"] <= t["cum_km"] + 1e-9).all()
    moving = t[(t.index >= pd.Timestamp(1945, 8, 9, 8)) & (t.index <= pd.Timestamp(1945, 8, 9, 16))]
    assert (moving["cum_km"] - moving["tail_km"]).to_numpy() == pytest.approx(
        MEN / 3 * 2 / 1000)
    # daily.csv's tail is the day's last hour's: where the column halted for the night
    d = sim.daily.set_index("date")
    assert d.loc["1945-08-09", "tail_km"] == pytest.approx(42.5)


def test_the_tail_closes_up_in_the_close_up_hours_and_keeps_the_rest_for_the_morning(
        corridor):
    """A column whose head halts 1.5 h before its window ends (``close_up_h``: 06:00 to
    14:30, 42.5 km) and whose whole length takes 3 march hours to pass a point (its men on
    foot too): the rest of it marches on to 16:00, its tail from km 27.5 at 14:30 to km 35
    (the head's 3 march hours before), and stands there all night (before: km 42.5, closed
    up, by 17:30). It goes on the next morning: 07:00 km 40; 07:30 at the head's halt, km
    42.5, where it stands, as the head stood there for the close-up, until 09:00, 3 march
    hours after the head left it (the rest of the column passes the point before it); 10:00
    km 47.5."""
    sim = simulate_army(_marching(corridor, lag_h=3.0, close_up_h=1.5))
    t = _track(sim)
    assert t.loc[pd.Timestamp(1945, 8, 9, 15), "cum_km"] == pytest.approx(42.5)
    assert t.loc[pd.Timestamp(1945, 8, 9, 15), "tail_km"] == pytest.approx(30.0)
    night = t[(t.index >= pd.Timestamp(1945, 8, 9, 16)) & (t.index <= pd.Timestamp(1945, 8, 10, 6))]
    assert night["tail_km"].to_numpy() == pytest.approx(35.0)
    assert t.loc[pd.Timestamp(1945, 8, 10, 7), "tail_km"] == pytest.approx(40.0)
    assert t.loc[pd.Timestamp(1945, 8, 10, 8), "cum_km"] == pytest.approx(52.5)
    assert t.loc[pd.Timestamp(1945, 8, 10, 8), "tail_km"] == pytest.approx(42.5)
    assert t.loc[pd.Timestamp(1945, 8, 10, 9), "tail_km"] == pytest.approx(42.5)
    assert t.loc[pd.Timestamp(1945, 8, 10, 10), "tail_km"] == pytest.approx(47.5)


def test_a_head_halted_in_the_window_has_its_tail_close_up_on_it_in_march_hours(corridor):
    """Fuel for 45 km (10 x 90 L at 2 L/km): the head stands dry at km 45 from 15:00, an hour
    before its window ends. The rest of the column marches on and closes up on it: its tail
    from km 37.5 at 15:00 to km 42.5 at 16:00; the window closes and all of it halts (before:
    at the head, km 45, from 16:30); the next morning its last 2.5 km: km 45 from 06:30, on
    the head (closed up: never ahead of it)."""
    sim = simulate_army(_marching(corridor, start_l=900.0))
    t = _track(sim)
    assert t.loc[pd.Timestamp(1945, 8, 9, 15), "cum_km"] == pytest.approx(45.0)
    assert t.loc[pd.Timestamp(1945, 8, 9, 15), "tail_km"] == pytest.approx(37.5)
    assert t.loc[pd.Timestamp(1945, 8, 9, 16), "tail_km"] == pytest.approx(42.5)
    assert t.loc[pd.Timestamp(1945, 8, 10, 5), "tail_km"] == pytest.approx(42.5)
    later = t[t.index >= pd.Timestamp(1945, 8, 10, 7)]
    assert later["cum_km"].to_numpy() == pytest.approx(45.0)
    assert later["tail_km"].to_numpy() == pytest.approx(45.0)


def test_a_tail_is_never_ahead_of_its_head_nor_behind_its_start_and_halts_with_its_column(
        corridor):
    """A column that sets off the next day (``start_h`` 30: 10 Aug 06:00), marches 50 km,
    halts for the night, arrives 11 Aug 08:00: at every hour its tail lies between its start
    and its head; it never goes back; and in every hour outside the column's window
    (06:00-16:00) it stands where it was (before tail37 it marched on in the night)."""
    from types import SimpleNamespace

    plan = _marching(corridor, days=4)
    fp = plan.formations[0]
    fp = dataclasses.replace(fp, unit=SimpleNamespace(**{**vars(fp.unit), "start_h": 30.0}))
    sim = simulate_army(dataclasses.replace(plan, formations=(fp,)))
    t = _track(sim)
    assert (t["tail_km"] >= 0.0).all() and (t["tail_km"] <= t["cum_km"] + 1e-9).all()
    assert (t.loc[:pd.Timestamp(1945, 8, 10, 6), "tail_km"] == 0.0).all()  # not started
    assert t.loc[pd.Timestamp(1945, 8, 10, 16), "tail_km"] == pytest.approx(42.5)
    assert t.loc[pd.Timestamp(1945, 8, 11, 10), "tail_km"] == pytest.approx(60.0)
    assert (t["tail_km"].diff().dropna() >= -1e-9).all()
    hour = t.index.hour
    outside = (hour > 16) | (hour <= 6)  # the hour ending then lies outside 06:00-16:00
    still = t["tail_km"].diff()[outside].dropna()
    assert len(still) > 40 and still.to_numpy() == pytest.approx(0.0, abs=1e-9)


def test_a_column_follows_its_head_through_a_depth_crossed_round_the_clock(corridor):
    """A 6 km fortified depth from km 0 crossed at 12 km a day (0.5 km/h) from H-hour, before
    the 06:00 window opens: its column follows its head in every hour its head moves, so its
    tail is 1.5 h of the head's crossing behind, 0.75 km at 03:00 and 2.25 km at 06:00, and
    never jumps (at most the rate's 0.5 km an hour in the depth)."""
    from logistics.advance.depths import FortifiedPass
    from logistics.army.fortified import FortifiedRule

    rule = FortifiedRule(bypass_kinds=frozenset(), breakthrough_kinds=frozenset({"brigade"}),
                         detach_kinds=frozenset(), rate_km_per_day=12.0, fraction_of_men=0.0,
                         rate_cite="test", detach_cite="test")
    plan = _marching(corridor)
    fp = dataclasses.replace(plan.formations[0], fortified=(
        FortifiedPass(0.0, 6.0, "ur", "UR", "assault", False, ("ur",)),))
    t = _track(simulate_army(dataclasses.replace(plan, formations=(fp,)), rule=rule))
    assert t.loc[pd.Timestamp(1945, 8, 9, 3), "cum_km"] == pytest.approx(1.5)
    assert t.loc[pd.Timestamp(1945, 8, 9, 3), "tail_km"] == pytest.approx(0.75)
    assert t.loc[pd.Timestamp(1945, 8, 9, 6), "tail_km"] == pytest.approx(2.25)
    depth = t[t.index <= pd.Timestamp(1945, 8, 9, 12)]
    assert (depth["tail_km"].diff().dropna() <= 0.5 + 1e-9).all()


def test_the_whole_columns_arrival_is_the_heads_plus_the_lag(corridor):
    """The head reaches the route's end at 10 Aug 08:00; the tail 1.5 h later, 09:30 (its
    hour's row, 10:00, is the first with ``tail_km`` 60): the summary's "(all of it ...)"."""
    from logistics.track_events import tail_reached_at

    sim = simulate_army(_marching(corridor))
    tr = sim.tracks[sim.tracks["formation_id"] == "corridor"].reset_index(drop=True)
    assert sim.tail_all_h == {"corridor": pytest.approx(24 + 9.5)}  # hours after H-hour
    lagged = pd.Timestamp(1945, 8, 9) + pd.Timedelta(hours=sim.tail_all_h["corridor"])
    assert tail_reached_at(tr, 60.0, lagged).round("min") == pd.Timestamp(1945, 8, 10, 9, 30)
    # not there by the run's end: None
    assert tail_reached_at(tr[tr["time"] < pd.Timestamp(1945, 8, 10, 10)], 60.0, lagged) \
        is None
    assert tail_reached_at(tr, 60.0, None) is None


def test_the_summary_says_when_all_of_a_marching_column_is_there(corridor):
    """``runner._one_summary`` and the summary line: arrived 10 Aug 08:00 (all of it 09:30)."""
    from types import SimpleNamespace as NS

    from logistics import runner
    from logistics.report.run_page import summary_lines

    plan = _marching(corridor)
    sim = simulate_army(plan)
    fp = plan.formations[0]
    track = sim.tracks[sim.tracks["formation_id"] == fp.id].reset_index(drop=True)
    daily = sim.daily[sim.daily["formation_id"] == fp.id].reset_index(drop=True)
    route = pd.DataFrame({"cum_km": fp.km, "lon": fp.lon, "lat": fp.lat, "elev_m": 100.0})
    objectives = pd.DataFrame({"time": [pd.Timestamp(1945, 8, 10, 8)], "cum_km": [60.0],
                               "name": ["the end"]})
    s = runner._one_summary(plan, fp, track, daily, route, objectives,
                            tail_all_h=sim.tail_all_h.get(fp.id))
    assert s["arrived"]["time"] == pd.Timestamp(1945, 8, 10, 8)
    assert s["arrived"]["all_time"] == pd.Timestamp(1945, 8, 10, 9, 30)
    assert s["tail_lag_h"] == LAG_H
    result = NS(summary={"formations": [s], "days": 3, "formation_id": fp.id, "km": 60.0,
                         "route_km": 60.0, "halts": [], "highest": None},
                scenario=NS(axis_id="T", name="test"), reached=sim.reached)
    assert "arrived 10 Aug 08:00 (all of it 10 Aug 09:30)" in "\n".join(summary_lines(result))


def test_the_heads_track_is_the_same_whatever_its_tail(corridor):
    """The tail rule writes ``tail_km`` only: every other column of the track, the daily
    rows but ``tail_km``, are those of the same plan with no lag."""
    with_tail = simulate_army(_marching(corridor))
    without = simulate_army(_marching(corridor, lag_h=0.0))
    assert (without.tracks["tail_km"] == without.tracks["cum_km"]).all()
    cols = [c for c in with_tail.tracks.columns if c != "tail_km"]
    pd.testing.assert_frame_equal(with_tail.tracks[cols], without.tracks[cols])
    cols = [c for c in with_tail.daily.columns if c != "tail_km"]
    pd.testing.assert_frame_equal(with_tail.daily[cols], without.daily[cols])


def test_vehicles_left_dry_behind_hold_the_tail_where_they_stand(corridor):
    """Fuel for 20 km (10 x 40 L at 2 L/km): the head stands dry at km 20 from 10:00 and its
    tail, 1.5 h behind, closes up on it by 11:30; the elements' rule and the lag's together:
    the tail is the rearer of the two at every hour (here the lag's, the one element at the
    head)."""
    sim = simulate_army(_marching(corridor, start_l=400.0))
    t = _track(sim)
    assert t.loc[pd.Timestamp(1945, 8, 9, 10), "cum_km"] == pytest.approx(20.0)
    assert t.loc[pd.Timestamp(1945, 8, 9, 10), "tail_km"] == pytest.approx(12.5)
    assert t.loc[pd.Timestamp(1945, 8, 9, 12), "tail_km"] == pytest.approx(20.0)


def _with_dry_trucks(plan):
    """The plan's formation with ten trucks beside its ten tanks: petrol, 20 L each at 2 L/km
    (the tanks' diesel cannot fill them), so they stand dry at km 10 and stay there, an element
    of their own, while the tanks march on."""
    import numpy as np

    fp = plan.formations[0]
    two = lambda a: np.vstack([a, a])  # noqa: E731
    fp = dataclasses.replace(
        fp, class_ids=("tank", "truck"), fuel_types=("diesel", "petrol"),
        tank_l=np.array([200.0, 20.0]), extra_l=np.zeros(2), counts=np.array([10.0, 10.0]),
        pace_mask=np.array([True, False]), idle_l_per_h=np.zeros(2),
        step_time_s={"dry": two(fp.step_time_s["dry"][0])},
        step_fuel_l={"dry": two(fp.step_fuel_l["dry"][0])})
    return dataclasses.replace(plan, formations=(fp,))


def test_a_tail_is_the_rearer_of_its_lag_and_its_vehicles_left_dry(corridor):
    """The trucks stand dry at km 10 (08:00); the tanks march on to km 50 by 16:00. The lag's
    tail passes km 10 at 09:30 (the head's 08:00 + 1.5 h), but the trucks hold the tail at
    km 10 for the rest of the run; before then the lag's is the rearer: at 08:00 km 2.5."""
    sim = simulate_army(_with_dry_trucks(_marching(corridor)))
    t = _track(sim)
    assert t.loc[pd.Timestamp(1945, 8, 9, 8), "tail_km"] == pytest.approx(2.5)
    assert t.loc[pd.Timestamp(1945, 8, 9, 16), "cum_km"] == pytest.approx(50.0)
    later = t[t.index >= pd.Timestamp(1945, 8, 9, 10)]
    assert (later["elements"] == 2).all()
    assert later["tail_km"].to_numpy() == pytest.approx(10.0)


@pytest.mark.slow
def test_a_run_takes_each_columns_length_from_all_of_it(tmp_path, box_terrain, test_army_doc):
    """On the flat synthetic steppe (``box_terrain``): the tank column of ten T-34-85 and 40
    men riding them is 10 x 40 m = 0.4 km (formations.csv ``column_km``); a foot column of
    4,500 men with no vehicles on one route is 4,500 / 3 x 2 m = 3 km, and while it marches
    at its even pace on the flat its tail is those 3 km behind its head."""
    import yaml

    from logistics.advance.plan import army_bbox
    from logistics.army.load import load_army
    from logistics.runner import run_scenario

    tanks = test_army_doc.tank_column((122.5, 46.7))
    foot = dict(tanks, id="foot-col", name="foot column", aliases=["foot column"],
                movement="foot", march_norm="foot_column",
                men={"value": 4500, "assumed": "test"}, vehicles=[])
    doc = test_army_doc([tanks, foot])
    path = tmp_path / "army.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    army = load_army(path)
    r = run_scenario(army, terrain=box_terrain(army_bbox(army), 10000.0))
    col = r.formations.set_index("formation_id")["column_km"]
    assert col["tank-col"] == pytest.approx(0.4)
    assert col["foot-col"] == pytest.approx(3.0)
    t = r.tracks[(r.tracks["formation_id"] == "foot-col") & (r.tracks["status"] == "moving")]
    gap = (t["cum_km"] - t["tail_km"]).to_numpy()
    assert gap.max() == pytest.approx(3.0, abs=0.3)
    summary = {f["formation_id"]: f for f in r.summary["formations"]}
    assert summary["foot-col"]["column_km"] == pytest.approx(3.0)
