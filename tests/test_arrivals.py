"""What set each arrival (logistics/arrivals.py): hours from a formation's start to its arrival
at an objective, split by cause from its hourly track, on small synthetic runs."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from logistics.advance.simulate import simulate_army
from logistics.advance.supply_specs import AirSpec
from logistics.arrivals import CAUSES, account_text, arrival_accounts, formation_clocks


def _night_and_fuel_plan(corridor):
    """One formation, 16 h march window from 06:00 (8 h nights), 20 km/h, tanks for 200 km
    (10 x 400 L at 2 L/km), objective at km 300; H-hour 9 Aug 00:00. It marches 06:00-16:00
    to km 200 and runs dry; 4,000 L flown in at 21:00 (5 h waiting for fuel); 21:00-22:00 to
    km 220; night 22:00-06:00; 06:00-10:00 to km 300 on 10 Aug."""
    plan = corridor(length_km=300, tank_l=400.0, hours=16.0, days=2, airlifts=(
        AirSpec("air", first_day_h=0.0, n_days=1, hour_offset_h=21.0, total_l=4000.0,
                fuel_type="any", daily_cv=0.0),))
    fp = dataclasses.replace(plan.formations[0], objectives=((300.0, "Hailar"),))
    return dataclasses.replace(plan, formations=(fp,))


def test_a_formation_halting_8_h_nights_and_waiting_5_h_for_fuel(corridor):
    plan = _night_and_fuel_plan(corridor)
    sim = simulate_army(plan)
    acc = arrival_accounts(sim.tracks, sim.reached, formation_clocks(plan), start=plan.start)
    assert len(acc) == 1
    r = acc.iloc[0]
    assert r["objective"] == "Hailar"
    assert r["time"] == pd.Timestamp("1945-08-10 10:00")
    assert r["elapsed_h"] == pytest.approx(34.0)
    # 10 + 1 + 4 h moving; 6 h before the first window opens + one 8 h night; 5 h for fuel
    assert r["moving_h"] == pytest.approx(15.0)
    assert r["schedule_h"] == pytest.approx(14.0)
    assert r["fuel_h"] == pytest.approx(5.0)
    assert sum(r[f"{c}_h"] for c in CAUSES) == pytest.approx(r["elapsed_h"])
    assert r["what_set"] == ("15 h moving, 14 h halted by its march schedule, "
                             "5 h waiting for fuel")


def test_largest_share_first_and_waiting_named():
    hours = dict.fromkeys(CAUSES, 0.0) | {"moving": 3.0, "waiting": 12.5, "fortified": 4.0}
    assert account_text(hours, "the shuttle", ("follow",)) == (
        "12.5 h waiting for the shuttle, 4 h in a fortified depth (follow), 3 h moving")


def test_readme_lists_the_columns_of_arrivals_csv():
    import re
    from pathlib import Path

    from logistics.arrivals import ARRIVAL_COLUMNS

    text = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    (row,) = re.findall(r"^\| `arrivals\.csv`.*$", text, flags=re.M)
    assert [c for c in ARRIVAL_COLUMNS if f"`{c}`" not in row and f" {c}`" not in row
            and f"`{c}," not in row and f" {c}," not in row] == []


def _night_shuttle(corridor, rate_km_per_day: float = float("inf"), *,
                   fuel_l_per_km: float = 0.0, tank_l: float = 200.0, days: int = 2,
                   **changes):
    """(plan, formation) of a truck shuttle of 400 men, 100 a lift, on the corridor's 60 km
    route to Hailar, in its men on foot's window 20:00 + 11 h, setting off at 08:00: it loads
    0.5 h and drives at 30 km/h (its lift burning ``fuel_l_per_km``, its one truck's tank
    ``tank_l``); ``changes``: more fields of its FormationPlan (its ``fortified`` depths its
    timetable crosses at ``rate_km_per_day``); the run lasts ``days``."""
    from types import SimpleNamespace

    from logistics.advance.means import _timetable
    from logistics.advance.schedule import MarchSchedule
    from logistics.advance.shuttle import shuttle_timetable

    night = MarchSchedule(start_hour=20.0, hours_per_day=11.0)
    depths = tuple((p.km_in, p.km_out) for p in changes.get("fortified", ()))
    tt = _timetable("truck", shuttle_timetable(
        men=400, lift_men=100, route_km=60.0, start_h=8.0, end_h=24.0 * days,
        truck_leg_h=lambda a, b: abs(b - a) / 30.0, truck_fuel_l_per_km=fuel_l_per_km,
        march_kmh=5.0, march_hours=night.moving_hours, load_h=0.5, unload_h=0.5,
        route=(np.array([0.0, 60.0]), np.array([117.0, 117.6]), np.array([47.0, 47.0])),
        depths=depths, rate_km_per_day=rate_km_per_day))
    plan = corridor(length_km=60, count=1, days=days, tank_l=tank_l)
    unit = SimpleNamespace(**{**vars(plan.formations[0].unit), "movement": "truck_borne",
                              "start_h": 8.0, "men": 400, "lift_men": 100, "lift_trucks": 1})
    fp = dataclasses.replace(plan.formations[0], timetable=tt, unit=unit,
                             **{"objectives": ((60.0, "Hailar"),), "shuttle_window": night,
                                **changes})
    return dataclasses.replace(plan, formations=(fp,)), fp


def test_a_truck_shuttle_is_timed_by_its_own_window_not_the_column_norms(corridor):
    """A shuttle keeps its men on foot's window (FormationPlan.shuttle_window: here 20:00 +
    11 h, a night march), not its truck-borne norm's (the corridor's 06:00 + 10 h). It sets off
    at 08:00, stands to 20:00 (12 h halted by its march schedule, none of it waiting), loads
    0.5 h and drives 60 km at 30 km/h: its head at the objective at 22:30."""
    plan, fp = _night_shuttle(corridor)
    sim = simulate_army(plan)
    r = arrival_accounts(sim.tracks, sim.reached, formation_clocks(plan),
                         start=plan.start).iloc[0]
    assert r["time"] == pd.Timestamp("1945-08-09 22:30")
    assert r["elapsed_h"] == pytest.approx(14.5)
    assert r["schedule_h"] == pytest.approx(12.0)
    assert r["moving_h"] == pytest.approx(2.5)
    assert r["waiting_h"] == pytest.approx(0.0)
    assert r["what_set"] == ("12 h halted by its march schedule, "
                             "2.5 h moving (truck shuttle, 100 of 400 men a lift)")
    # through a fortified depth from km 10 to 20 (in at 20:50, out at 21:10) its head's hour
    # ending inside it (20:00-21:00) reads the depth's status and counts as in the depth
    plan, _ = _night_shuttle(corridor, fortified=(_depth(10.0, 20.0),))
    sim = simulate_army(plan)
    r = arrival_accounts(sim.tracks, sim.reached, formation_clocks(plan),
                         start=plan.start).iloc[0]
    assert (r["moving_h"], r["fortified_h"]) == pytest.approx((1.5, 1.0))


def _depth(km_in: float, km_out: float):
    """A fortified depth its route crosses from ``km_in`` to ``km_out`` (assault, no
    detachment)."""
    from logistics.advance.depths import FortifiedPass

    return FortifiedPass(km_in=km_in, km_out=km_out, region_id="h", region_name="H",
                         action="assault", detaches=False)


def test_a_truck_shuttles_head_in_a_depth_reads_as_a_marching_heads(corridor):
    """shuttlestatus33: one rule for a head in a fortified depth whatever moves it. The
    shuttle's head (loaded 20:00-20:30, then 30 km/h) enters a depth from km 10 to 20 at 20:50
    and crosses it at 24 km a day round the clock (1 km/h: out at 06:50), as a marching head
    does (simulate._Loop.breach). Each hour ending inside the depth reads ``assault`` in the
    tracks (it read ``moving``), its 10 h there are the day's ``hours_halted_event`` (they
    were ``hours_moving``, the night's too), and the account has them in the depth."""
    plan, _ = _night_shuttle(corridor, rate_km_per_day=24.0,
                             fortified=(_depth(10.0, 20.0),))
    sim = simulate_army(plan)
    tr = sim.tracks.set_index("time")["status"]
    inside = tr[(tr.index > pd.Timestamp("1945-08-09 20:50"))
                & (tr.index < pd.Timestamp("1945-08-10 06:50"))]
    assert len(inside) == 10 and set(inside) == {"assault"}
    assert "assault" not in set(tr[tr.index <= pd.Timestamp("1945-08-09 20:00")])
    d = sim.daily
    assert d["hours_halted_event"].sum() == pytest.approx(10.0, abs=1e-6)
    # every hour the head is under way is moving or in the depth, never both: its timetable's
    # hours under way to the run's end
    tt = plan.formations[0].timetable
    assert (d["hours_moving"].sum() + d["hours_halted_event"].sum()) == pytest.approx(
        tt.moving_hours(0.0, 48.0), abs=1e-6)
    day1 = d[d["date"] == "1945-08-09"].iloc[0]
    assert day1["hours_halted_event"] == pytest.approx(3.0 + 1.0 / 6.0, abs=1e-6)
    r = arrival_accounts(sim.tracks, sim.reached, formation_clocks(plan),
                         start=plan.start).iloc[0]
    # 20:00-06:00: the step to 07:00 ends out of it, its head gone on from 06:50 (moving)
    assert r["fortified_h"] == pytest.approx(10.0)
    assert tr[pd.Timestamp("1945-08-10 07:00")] == "moving"


def test_a_truck_shuttle_goes_at_its_own_pace_through_a_depth_broken_open(corridor):
    """shuttlebreach33: a depth broken through stays open (rule.breakthrough.open_breach),
    whatever moves the head that comes to it. A marching breaker on the same route breaks into
    the region at km 10 (in at 06:30, out of its 2 km at 10 km a day at 11:18); the shuttle's head
    reaches it at 20:50 and drives on at its trucks' 30 km/h (out at 21:10), where its
    timetable, planned with the depth at the rate, kept it there to 06:50. Its hours read
    moving, none in the depth."""
    from types import SimpleNamespace

    from logistics.advance.means import _timetable
    from logistics.advance.schedule import MarchSchedule
    from logistics.advance.shuttle import shuttle_timetable

    night = MarchSchedule(start_hour=20.0, hours_per_day=11.0)

    def replan(passes):
        return _timetable("truck", shuttle_timetable(
            men=400, lift_men=100, route_km=60.0, start_h=8.0, end_h=48.0,
            truck_leg_h=lambda a, b: abs(b - a) / 30.0, truck_fuel_l_per_km=0.0,
            march_kmh=5.0, march_hours=night.moving_hours, load_h=0.5, unload_h=0.5,
            route=(np.array([0.0, 60.0]), np.array([117.0, 117.6]),
                   np.array([47.0, 47.0])),
            depths=tuple((p.km_in, p.km_out) for p in passes), rate_km_per_day=24.0))

    plan, shuttle = _night_shuttle(corridor, rate_km_per_day=24.0,
                                   fortified=(_depth(10.0, 20.0),), replan=replan)
    breaker0 = corridor(length_km=60, count=1, days=2).formations[0]
    breaker = dataclasses.replace(
        breaker0, fortified=(_depth(10.0, 12.0),),
        unit=SimpleNamespace(**{**vars(breaker0.unit), "id": "breaker"}))
    plan = dataclasses.replace(plan, formations=(breaker, shuttle),
                               priority=("breaker", shuttle.id))
    sim = simulate_army(plan)
    tr = sim.tracks[sim.tracks["formation_id"] == shuttle.id].set_index("time")
    assert tr.loc[pd.Timestamp("1945-08-09 22:00"), "cum_km"] > 20.0
    assert "assault" not in set(tr["status"])
    r = sim.reached
    opened = r[(r["formation_id"] == shuttle.id) & (r["kind"] == "fortified region")]
    assert len(opened) == 1 and "breaker" in opened["name"].iloc[0]
    assert "at its own pace" in opened["name"].iloc[0]


def test_an_objective_past_an_open_depth_is_timed_by_the_timetable_planned_again(corridor):
    """shuttledepth34: a shuttle's head reaching a depth broken open (km 10, 20:48: the
    breaker came out at 11:18) drives on on its timetable planned again, and an objective it
    passes within that hour (km 12) is timed by the new timetable (its head from km 2.5 at
    20:30 to km 15 at 21:00: 20:52:48); it was booked at the next hour's start, 21:00 (timed
    before the timetable was planned again: the 36th Army's Otpor group at Hailar, 01:00 for
    00:51)."""
    plan, shuttle = _night_shuttle(corridor, rate_km_per_day=10.0,
                                   fortified=(_depth(10.0, 20.0),), replan=_shuttle_replan,
                                   objectives=((12.0, "Wuchagou"), (60.0, "Hailar")))
    plan = dataclasses.replace(plan, formations=(_breaker(corridor, 12.0), shuttle),
                               priority=("breaker", shuttle.id))
    r = simulate_army(plan).reached
    got = r[(r["formation_id"] == shuttle.id) & (r["name"] == "Wuchagou")]["time"]
    assert list(got) == [pd.Timestamp("1945-08-09 20:52:48")]


def _breaker(corridor, km_out: float):
    """A marching formation ``breaker`` on the corridor's 60 km route (20 km/h, 06:00 + 10 h)
    breaking into the region of :func:`_depth` at km 10 at 06:30 and out of its depth at
    ``km_out`` at the run's rate (10 km a day: 2.4 h a km)."""
    from types import SimpleNamespace

    b = corridor(length_km=60, count=1, days=2).formations[0]
    return dataclasses.replace(b, fortified=(_depth(10.0, km_out),),
                               unit=SimpleNamespace(**{**vars(b.unit), "id": "breaker"}))


def _shuttle_replan(passes, fuel_l_per_km: float = 0.0, days: int = 2, resume=None,
                    trucks=None):
    """The timetable of :func:`_night_shuttle` again with only ``passes`` at 10 km a day
    (each gone into no earlier than its ``open_h``); with ``resume`` ``(hour, groups, trucks
    km)``, from where its men and trucks are at that hour, as ``FormationPlan.replan`` does
    when fuel reaches its dry trucks; ``trucks``: its one truck (all or none drive)."""
    assert trucks in (None, 1), trucks
    from logistics.advance.means import _timetable
    from logistics.advance.schedule import MarchSchedule
    from logistics.advance.shuttle import shuttle_timetable

    night = MarchSchedule(start_hour=20.0, hours_per_day=11.0)
    again = ({"start_h": 8.0} if resume is None
             else {"start_h": resume[0], "start_state": resume[1:]})
    return _timetable("truck", shuttle_timetable(
        men=400, lift_men=100, route_km=60.0, end_h=24.0 * days,
        truck_leg_h=lambda a, b: abs(b - a) / 30.0, truck_fuel_l_per_km=fuel_l_per_km,
        march_kmh=5.0, march_hours=night.moving_hours, load_h=0.5, unload_h=0.5,
        route=(np.array([0.0, 60.0]), np.array([117.0, 117.6]), np.array([47.0, 47.0])),
        depths=tuple((p.km_in, p.km_out, *_open(p)) for p in passes), rate_km_per_day=10.0,
        **again))


def _open(p) -> tuple:
    """``(open_h,)`` of a follow depth its head waited at the edge of (FortifiedPass.open_h),
    else ()."""
    h = getattr(p, "open_h", -np.inf)
    return (h,) if np.isfinite(h) else ()


def test_a_truck_shuttle_goes_at_its_own_pace_from_when_its_depth_opens(corridor):
    """shuttledepth34 (a): a depth that opens while a shuttle's head is already inside it is
    crossed at its own pace from the opening hour, as a marching head's is
    (simulate._Loop.breach, Holds.through_from_h). The shuttle's head enters the depth from
    km 10 to 20 at 20:50 and crosses it at 10 km a day (out at 20:50 next day); the breaker,
    in at 06:30 on the same route, comes out of its 6.5 km at 22:06, inside the shuttle's
    window: the shuttle's head, at km 10.5 then, drives on at its trucks' 30 km/h, where it
    stayed at the rate to 20:50 next day (km 10.9 at 23:00)."""
    from logistics.advance.schedule import MarchSchedule

    night = MarchSchedule(start_hour=20.0, hours_per_day=11.0)
    seasons = corridor(length_km=60, count=1, days=2).formations[0].schedule
    plan, shuttle = _night_shuttle(corridor, rate_km_per_day=10.0,
                                   fortified=(_depth(10.0, 20.0),), replan=_shuttle_replan,
                                   shuttle_windows=dict.fromkeys(seasons, night))
    plan = dataclasses.replace(plan, formations=(_breaker(corridor, 16.5), shuttle),
                               priority=("breaker", shuttle.id))
    sim = simulate_army(plan)
    tr = sim.tracks[sim.tracks["formation_id"] == shuttle.id].set_index("time")
    assert tr.loc[pd.Timestamp("1945-08-09 22:00"), "cum_km"] == pytest.approx(
        10.0 + (22.0 - 20.0 - 5.0 / 6.0) / 2.4, abs=0.05)
    assert tr.loc[pd.Timestamp("1945-08-09 23:00"), "cum_km"] > 20.0
    assert tr.loc[pd.Timestamp("1945-08-09 22:00"), "status"] == "assault"
    assert "assault" not in set(tr.loc[tr.index >= pd.Timestamp("1945-08-09 23:00"), "status"])
    r = sim.reached
    opened = r[(r["formation_id"] == shuttle.id) & (r["kind"] == "fortified region")]
    assert len(opened) == 2 and "breaker" in opened["name"].iloc[1]
    assert opened["time"].iloc[1] == pd.Timestamp("1945-08-09 22:06")
    assert opened["cum_km"].iloc[1] == pytest.approx(10.0 + (22.1 - 20.0 - 5.0 / 6.0) / 2.4,
                                                     abs=0.05)


@pytest.mark.parametrize("late_h, out_at", [(0.0, "1945-08-09 12:00"),
                                            (12.0, "1945-08-09 14:00")])
def test_the_ships_go_at_their_own_pace_through_a_depth_broken_open(corridor, late_h, out_at):
    """shuttledepth34 (b): the ships' timetable (formation_plan._ships_through) is planned
    again in the loop, as a shuttle's, when a depth opens for their head: on the same rule
    as a marching head. The ships sail at 10 km/h from ``late_h`` to a depth from km 10 to
    20; the breaker, in at 06:30 on the same route, comes out of its 2 km at 11:18. Sailing
    at H-hour, the ships are in it from 01:00 at 10 km a day (km 14.3 at 11:18), and sail on
    from 11:18 (out by 12:00, where they stayed to 01:00 next day); sailing at 12:00 they reach
    it at 13:00, open, and sail through (out at 14:00)."""
    plan, fp = _ships_and_breaker(corridor, late_h, _depth(10.0, 20.0), 12.0)
    sim = simulate_army(plan)
    tr = sim.tracks[sim.tracks["formation_id"] == fp.unit.id].set_index("time")
    assert tr.loc[pd.Timestamp(out_at), "cum_km"] >= 20.0
    assert "assault" not in set(tr.loc[tr.index >= pd.Timestamp(out_at), "status"])
    if late_h == 0.0:
        assert tr.loc[pd.Timestamp("1945-08-09 11:00"), "cum_km"] == pytest.approx(
            10.0 + 10.0 / 2.4, abs=0.05)
    else:
        assert "assault" not in set(tr["status"])


def _ships_and_breaker(corridor, late_h: float, depth, breaker_out_km: float):
    """(plan, ships): a formation carried by ships at 10 km/h from ``late_h`` on the
    corridor's 60 km route, its river path crossing ``depth`` at 10 km a day
    (formation_plan._ships_through, planned again in the loop), and :func:`_breaker` out of
    its depth at ``breaker_out_km``, moving first."""
    from functools import partial
    from types import SimpleNamespace

    from logistics.advance.formation_plan import _ships_through
    from logistics.advance.movement import Timetable

    km = np.linspace(0.0, 60.0, 61)
    sailed = Timetable("river", km, 117.0 + km / 100.0, np.full(61, 47.0), late_h + km / 10.0)
    replan = partial(_ships_through, sailed, 10.0)
    plan = corridor(length_km=60, count=1, days=3)
    fp = plan.formations[0]
    ships = replan((depth,))
    fp = dataclasses.replace(fp, unit=SimpleNamespace(**{**vars(fp.unit), "movement": "river"}),
                             timetable=ships, km=ships.km, lon=ships.lon, lat=ships.lat,
                             fortified=(depth,), objectives=((60.0, "Hailar"),),
                             replan=replan)
    plan = dataclasses.replace(plan, formations=(_breaker(corridor, breaker_out_km), fp),
                               priority=("breaker", fp.unit.id))
    return plan, fp


def test_a_shuttles_men_on_foot_cross_a_depth_at_the_rate(corridor):
    """shuttledepth34 (c): a shuttle's men walking on without their trucks cross a fortified
    depth at the breakthrough rate round the clock, as a marching foot head does
    (simulate._Loop.breach). The trucks (1 L a km, 5 L in the tank) are dry at 20:00 at km 0;
    the men walk at 5 km/h in their window (20:00 + 11 h) to the depth from km 10 to 20 at
    22:00 and cross it at 10 km a day: at km 13.75 at 07:00, km 19.2 at 20:00 next day. They
    crossed it in their window at the hours the timetable had charged its own head there
    (11 window hours: km 18.2 at 07:00, standing all day)."""
    plan, _ = _night_shuttle(corridor, rate_km_per_day=10.0, fuel_l_per_km=1.0, tank_l=5.0,
                             fortified=(_depth(10.0, 20.0),),
                             replan=_burning_replan(1.0))
    sim = simulate_army(plan)
    assert "out of fuel" in " ".join(sim.notes)
    tr = sim.tracks.set_index("time")
    assert tr.loc[pd.Timestamp("1945-08-10 07:00"), "cum_km"] == pytest.approx(13.75, abs=0.05)
    assert tr.loc[pd.Timestamp("1945-08-10 20:00"), "cum_km"] == pytest.approx(
        10.0 + 22.0 / 2.4, abs=0.05)


def _burning_replan(fuel_l_per_km: float):
    """:func:`_shuttle_replan` with its lift burning ``fuel_l_per_km``."""
    from functools import partial

    return partial(_shuttle_replan, fuel_l_per_km=fuel_l_per_km)


def test_a_ship_borne_head_in_a_depth_reads_as_a_marching_heads(corridor):
    """shuttlebreach33: one rule for a head in a fortified depth whatever moves it. A
    formation carried by ships at 10 km/h from H-hour meets a depth from km 10 to 20 at 01:00
    and crosses it at 10 km a day (movement.through_depths: out at 01:00 next day). Its hours
    in the depth read ``assault`` (they read ``carried``), are the day's
    ``hours_halted_event``, and the account has them in the depth, not carried."""
    from types import SimpleNamespace

    from logistics.advance.movement import Timetable, through_depths

    km = np.linspace(0.0, 60.0, 61)
    ships = through_depths(Timetable("river", km, 117.0 + km / 100.0, np.full(61, 47.0),
                                     km / 10.0), [(10.0, 20.0)], 10.0)
    plan = corridor(length_km=60, count=1, days=3)
    fp = plan.formations[0]
    unit = SimpleNamespace(**{**vars(fp.unit), "movement": "river"})
    fp = dataclasses.replace(fp, unit=unit, timetable=ships, km=ships.km, lon=ships.lon,
                             lat=ships.lat, fortified=(_depth(10.0, 20.0),),
                             objectives=((60.0, "Hailar"),))
    plan = dataclasses.replace(plan, formations=(fp,))
    sim = simulate_army(plan)
    tr = sim.tracks.set_index("time")["status"]
    inside = tr[(tr.index > pd.Timestamp("1945-08-09 01:00"))
                & (tr.index <= pd.Timestamp("1945-08-10 01:00"))]
    assert len(inside) == 24 and set(inside) == {"assault"}
    assert tr[pd.Timestamp("1945-08-09 01:00")] == "carried"
    assert tr[pd.Timestamp("1945-08-10 02:00")] == "carried"
    assert sim.daily["hours_halted_event"].sum() == pytest.approx(24.0, abs=1e-6)
    r = arrival_accounts(sim.tracks, sim.reached, formation_clocks(plan),
                         start=plan.start).iloc[0]
    assert r["fortified_h"] == pytest.approx(24.0)


def test_a_truck_shuttles_river_crossing_is_timed_when_its_head_passes_it(corridor):
    """withheld32: a formation carried on a timetable has its crossings timed in crossings.csv
    as a marching head's are; the 17th Army's rifle divisions, the 36th's and the 39th's main
    bodies and its 94th Rifle Corps (all truck shuttles) read "not reached by the end" at
    every crossing they had passed. The shuttle's head (its first lift: loaded 20:00-20:30,
    then 30 km/h) is at a minor river at km 30 at 21:30; one at km 90, beyond the 60 km
    route's end, is not reached."""
    from logistics.advance.formation_plan import CrossingStop

    plan, _ = _night_shuttle(corridor, crossings=(CrossingStop(30.0, 117.3, 47.0, 3, 0.17),
                                                 CrossingStop(90.0, 117.9, 47.0, 3, 0.17)))
    times = list(simulate_army(plan).crossings["time"])
    assert times[0] == pd.Timestamp("1945-08-09 21:30")
    assert pd.isna(times[1])


def _follow(km_in: float, km_out: float):
    """:func:`_depth`'s region crossed behind its army's breach (``follow``)."""
    return dataclasses.replace(_depth(km_in, km_out), action="follow")


def test_the_ships_wait_at_a_follow_depths_edge_for_the_breach(corridor):
    """shuttlefollow34: one rule for a follower whatever moves it. The ships sail at 10 km/h
    from H-hour to a depth from km 10 to 20 they cross behind the army's breach (``follow``),
    at 01:00; the breaker, on the same route, breaks in at 06:30. As a marching follower
    (Holds.breach_start_h) the ships wait at the depth's edge to 06:30 (5.5 h waiting for a
    breach), then cross at 10 km a day: km 11.9 at 11:00 (on main they went in at 01:00,
    before anyone of the army had broken in: km 14.2)."""
    plan, fp = _ships_and_breaker(corridor, 0.0, _follow(10.0, 20.0), 20.0)
    sim = simulate_army(plan)
    tr = sim.tracks[sim.tracks["formation_id"] == fp.unit.id].set_index("time")
    held = tr[(tr.index > pd.Timestamp("1945-08-09 01:00"))
              & (tr.index <= pd.Timestamp("1945-08-09 06:00"))]
    assert set(held["status"]) == {"waiting for a breach"}
    assert held["cum_km"].to_numpy() == pytest.approx(np.full(5, 10.0), abs=1e-6)
    assert tr.loc[pd.Timestamp("1945-08-09 11:00"), "cum_km"] == pytest.approx(
        10.0 + 4.5 / 2.4, abs=0.05)
    d = sim.daily[sim.daily["formation_id"] == fp.unit.id]
    assert d["hours_waiting_breach"].sum() == pytest.approx(5.5, abs=1e-6)
    r = sim.reached
    waits = r[(r["formation_id"] == fp.unit.id) & r["name"].str.contains("waits at the depth")]
    assert list(waits["time"]) == [pd.Timestamp("1945-08-09 01:00")]


def test_a_truck_shuttle_waits_at_a_follow_depths_edge_for_the_breach(corridor):
    """shuttlefollow34: the shuttle's head (loaded 20:00-20:30, then 30 km/h) reaches a depth
    it follows the breach through (km 10 to 20) at 20:50; the breaker, setting off a day
    later, breaks in on the same route at 06:30 on 10 Aug. The shuttle waits at the edge
    (9 h 40 min, ``waiting for a breach``), then crosses at 10 km a day: km 12.3 at 12:00
    (on main it went in at 20:50: km 16.3)."""
    from types import SimpleNamespace

    plan, shuttle = _night_shuttle(corridor, rate_km_per_day=10.0,
                                   fortified=(_follow(10.0, 20.0),), replan=_shuttle_replan)
    b = _breaker(corridor, 20.0)
    b = dataclasses.replace(b, unit=SimpleNamespace(**{**vars(b.unit), "start_h": 24.0}))
    plan = dataclasses.replace(plan, formations=(b, shuttle), priority=("breaker", shuttle.id))
    sim = simulate_army(plan)
    tr = sim.tracks[sim.tracks["formation_id"] == shuttle.id].set_index("time")
    assert tr.loc[pd.Timestamp("1945-08-09 21:00"), "status"] == "waiting for a breach"
    assert tr.loc[pd.Timestamp("1945-08-10 06:00"), "cum_km"] == pytest.approx(10.0, abs=1e-6)
    held = tr.loc[pd.Timestamp("1945-08-09 21:00"):pd.Timestamp("1945-08-10 06:00"), "tail_km"]
    assert held.nunique() == 1  # its tail stands with it
    assert tr.loc[pd.Timestamp("1945-08-10 12:00"), "cum_km"] == pytest.approx(
        10.0 + 5.5 / 2.4, abs=0.05)
    d = sim.daily[sim.daily["formation_id"] == shuttle.id]
    assert d["hours_waiting_breach"].sum() == pytest.approx(9.0 + 2.0 / 3.0, abs=1e-6)


def _follower_run(corridor, follow, breaker_depth, breaker_start_h: float,
                  fuel_l_per_km: float = 0.0, tank_l: float = 200.0):
    """(sim, its tracks by time, its daily rows) of :func:`_night_shuttle` over 3 days (its
    lift burning ``fuel_l_per_km``, its truck's tank ``tank_l``) following the breach through
    the depth ``follow`` at 10 km a day, and a marching formation ``breaker`` (20 km/h,
    06:00 + 10 h) setting off at ``breaker_start_h`` to break into ``breaker_depth`` (the
    region of :func:`_depth`), moving first."""
    from functools import partial
    from types import SimpleNamespace

    plan, shuttle = _night_shuttle(corridor, rate_km_per_day=10.0, days=3, tank_l=tank_l,
                                   fuel_l_per_km=fuel_l_per_km, fortified=(follow,),
                                   replan=partial(_shuttle_replan, days=3,
                                                  fuel_l_per_km=fuel_l_per_km))
    b = corridor(length_km=60, count=1, days=3).formations[0]
    b = dataclasses.replace(b, fortified=(breaker_depth,), unit=SimpleNamespace(
        **{**vars(b.unit), "id": "breaker", "start_h": breaker_start_h}))
    sim = simulate_army(dataclasses.replace(plan, formations=(b, shuttle),
                                            priority=("breaker", shuttle.id)))
    tr = sim.tracks[sim.tracks["formation_id"] == shuttle.id].set_index("time")
    return sim, tr, sim.daily[sim.daily["formation_id"] == shuttle.id]


def test_a_truck_shuttle_goes_on_in_its_own_window_after_a_wait_at_a_follow_edge(corridor):
    """follow35 (1): after its wait at a follow depth's edge a shuttle goes on under its own
    march window, as a marching follower does, its timetable planned again from the hour the
    breach lets it in (Carried._go_in, shuttle._through_depths with the depth's open_h). Its
    head (window 20:00 + 11 h) waits at km 10 from 20:50 to 06:30 on 10 Aug (the breaker's
    entry), crosses the 10 km at 10 km a day round the clock (out at 06:30 on 11 Aug), drives
    on in its window to 07:00 (km 35 at 30 km/h) and stands through the day to 20:00; at
    the objective (km 60) at 20:50. On main its timetable was shifted by the 9 h 40 min wait,
    its window with it (05:40 + 11 h): it drove on through the morning, at km 60 at 07:50."""
    sim, tr, d = _follower_run(corridor, _follow(10.0, 20.0), _depth(10.0, 20.0), 24.0)
    assert tr.loc[pd.Timestamp("1945-08-10 06:00"), "status"] == "waiting for a breach"
    assert tr.loc[pd.Timestamp("1945-08-10 12:00"), "cum_km"] == pytest.approx(
        10.0 + 5.5 / 2.4, abs=0.05)
    day = tr.loc[pd.Timestamp("1945-08-11 08:00"):pd.Timestamp("1945-08-11 20:00")]
    assert day["cum_km"].to_numpy() == pytest.approx(np.full(len(day), 35.0), abs=0.05)
    assert set(day["status"]) == {"rest"}
    r = sim.reached
    got = r[(r["formation_id"] == "corridor") & (r["name"] == "Hailar")]["time"]
    assert list(got) == [pd.Timestamp("1945-08-11 20:50")]
    assert d["hours_waiting_breach"].sum() == pytest.approx(9.0 + 2.0 / 3.0, abs=1e-6)
    assert d["hours_halted_event"].sum() == pytest.approx(24.0, abs=1e-6)


def test_a_truck_shuttle_setting_off_at_a_follow_depths_edge_waits_for_the_breach(corridor):
    """follow35 (2): a carried follower whose route starts at a depth's edge (km_in 0) waits
    there as one reaching it later does. The shuttle sets off at 08:00 in the region it
    follows the breach through (km 0 to 10); the breaker, setting off at 00:00 on 10 Aug,
    breaks in there then (a depth it starts in: round the clock). The shuttle waits at km 0
    from 08:00 to 00:00 (16 h), then crosses at 10 km a day (km 2.5 at 06:00). On main the
    depth was booked as entered at 01:00, before the shuttle set off, and its head went in at
    08:00 at the rate (km 0.4 at 09:00), before anyone of its army had broken in."""
    sim, tr, d = _follower_run(corridor, _follow(0.0, 10.0), _depth(0.0, 2.0), 24.0)
    held = tr.loc[pd.Timestamp("1945-08-09 09:00"):pd.Timestamp("1945-08-10 00:00")]
    assert set(held["status"]) == {"waiting for a breach"}
    assert held["cum_km"].to_numpy() == pytest.approx(np.zeros(len(held)), abs=1e-6)
    assert tr.loc[pd.Timestamp("1945-08-10 06:00"), "cum_km"] == pytest.approx(2.5, abs=0.05)
    r = sim.reached
    mine = r[(r["formation_id"] == "corridor") & (r["kind"] == "fortified region")]
    assert mine["time"].min() == pd.Timestamp("1945-08-09 08:00")
    assert mine["name"].str.contains("waits at the depth's edge").any()
    assert d["hours_waiting_breach"].sum() == pytest.approx(16.0, abs=1e-6)


def test_a_shuttles_men_on_foot_wait_at_a_follow_depths_edge_for_the_breach(corridor):
    """follow35 (3): a shuttle's men walking on without their trucks wait at a follow depth's
    edge for their army's breach, as a marching follower does (Carried._walk_in_h). The
    trucks (1 L a km, 5 L in the tank) are dry at 20:00 at km 0; the men walk at 5 km/h to
    the depth from km 10 to 20 (22:00); the breaker, setting off at 00:00 on 11 Aug, breaks
    in at km 10 at 06:30. The men wait at the edge (32.5 h, ``waiting for a breach``), then
    cross at 10 km a day (km 10.2 at 07:00). On main they went in at 22:00 at the rate
    (km 14.2 at 08:00 on 10 Aug), before anyone of their army had broken in."""
    sim, tr, d = _follower_run(corridor, _follow(10.0, 20.0), _depth(10.0, 12.0), 48.0,
                               fuel_l_per_km=1.0, tank_l=5.0)
    assert "out of fuel" in " ".join(sim.notes)
    held = tr.loc[pd.Timestamp("1945-08-09 23:00"):pd.Timestamp("1945-08-11 06:00")]
    assert set(held["status"]) == {"waiting for a breach"}
    assert held["cum_km"].to_numpy() == pytest.approx(np.full(len(held), 10.0), abs=1e-6)
    assert tr.loc[pd.Timestamp("1945-08-11 07:00"), "cum_km"] == pytest.approx(
        10.0 + 0.5 / 2.4, abs=0.01)
    assert tr.loc[pd.Timestamp("1945-08-11 07:00"), "status"] == "assault"
    assert d["hours_waiting_breach"].sum() == pytest.approx(32.5, abs=1e-6)


def test_a_truck_shuttle_not_over_by_the_runs_end_has_not_arrived(corridor):
    """A shuttle's timetable ends at the run's end when the shuttle is not over by then: its
    head in a depth at 1 km a day, at km 11 of 60 at the end, did not arrive (main read
    ``arrived`` in the run's last hour, and the formation as arrived then)."""
    plan, _ = _night_shuttle(corridor, rate_km_per_day=1.0, fortified=(_depth(10.0, 20.0),))
    sim = simulate_army(plan)
    last = sim.tracks.iloc[-1]
    assert last["cum_km"] < 12.0
    assert last["status"] == "assault"
    assert "arrived" not in set(sim.tracks["status"])
