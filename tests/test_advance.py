"""The army's hour-by-hour advance on a synthetic corridor (no terrain), one formation: halts
when dry, resumes on delivery, more trucks shorten the halt, zero fuel never moves, the army's
ledger balances every day. Expected values are worked by hand from the corridor's figures."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logistics.advance.simulate import simulate_army
from logistics.advance.supply_specs import AirSpec, TruckSpec
from logistics.supply.trucks import TruckLeg


def truck_column(count: int, *, km_per_h: float = 30.0, payload_l: float = 500.0,
                 convoys: int = 1, jitter_h: float = 0.0) -> TruckSpec:
    """Trucks from a railhead at km 0; a leg to route index i takes i km at ``km_per_h``."""
    return TruckSpec(
        name="trucks", count=count, payload_l=payload_l, truck_tank_l=1000.0,
        fuel_type="diesel", load_h=2.0, unload_h=1.0, driving_hours_per_day=24.0,
        start_h=0.0, until_h=1e9, convoys=convoys, jitter_h=jitter_h,
        leg=lambda i, season: TruckLeg(i / km_per_h * 3600.0, i / km_per_h * 3600.0, 0.0),
    )


def near_formation(far, n: int = 51):
    """A formation "near" like the corridor's ``far`` whose route ends at its point ``n - 1``
    (km 50 by default): it arrives there with ``n - 1`` km of fuel burned."""
    from types import SimpleNamespace

    return dataclasses.replace(
        far, unit=SimpleNamespace(**{**vars(far.unit), "id": "near", "headline": False}),
        km=far.km[:n], lon=far.lon[:n], lat=far.lat[:n], elev_m=far.elev_m[:n],
        cells=far.cells[:n], step_time_s={"dry": far.step_time_s["dry"][:, :n]},
        step_fuel_l={"dry": far.step_fuel_l["dry"][:, :n]})


def halted_hours(result) -> float:
    return float(result.daily["hours_halted_no_fuel"].sum())


def test_fuel_for_100_km_halts_at_100_km(corridor):
    # 10 tanks x 200 L at 2 L/km: 100 km each; 20 km/h x 10 h = 200 km/day possible
    r = simulate_army(corridor())
    assert r.daily["cum_km"].iloc[-1] == pytest.approx(100.0, abs=1e-6)
    assert r.daily["cum_km"].iloc[0] == pytest.approx(100.0, abs=1e-6)
    assert (r.daily["status"] == "halted: no fuel").all()
    first = r.tracks[r.tracks["status"] == "halted: no fuel"].iloc[0]
    assert first["cum_km"] == pytest.approx(100.0, abs=1e-6)
    # it ran dry at 06:00 + 5 h of marching = 11:00 on 9 Aug; track times are step ends, so
    # the first halted step is 11:00-12:00
    assert first["time"] == pd.Timestamp("1945-08-09 12:00")
    at_11 = r.tracks[r.tracks["time"] == pd.Timestamp("1945-08-09 11:00")].iloc[0]
    assert at_11["cum_km"] == pytest.approx(100.0, abs=1e-6)
    assert first["dry_classes"] == "tank"


def test_resumes_when_a_delivery_arrives(corridor):
    # 1000 L flown in at noon on 11 Aug = 50 km more for 10 tanks at 2 L/km
    air = AirSpec("air", first_day_h=48.0, n_days=1, hour_offset_h=12.0, total_l=1000.0,
                  fuel_type="any", daily_cv=0.0)
    r = simulate_army(corridor(airlifts=(air,)))
    by_date = r.daily.set_index("date")
    assert by_date.loc["1945-08-10", "cum_km"] == pytest.approx(100.0, abs=1e-6)
    assert by_date.loc["1945-08-11", "cum_km"] == pytest.approx(150.0, abs=1e-6)
    assert r.army_daily.set_index("date").loc["1945-08-11", "delivered_air_l"] == \
        pytest.approx(1000.0)
    moved_after = r.tracks[(r.tracks["time"] > pd.Timestamp("1945-08-11 12:00"))
                           & (r.tracks["status"] == "moving")]
    assert len(moved_after) > 0
    assert r.tracks["cum_km"].is_monotonic_increasing


def test_doubling_trucks_shortens_the_halt(corridor):
    # dry at 100 km; each convoy brings 500 L per truck and needs hours to come up
    few = simulate_army(corridor(trucks=(truck_column(1, km_per_h=20.0),)))
    many = simulate_army(corridor(trucks=(truck_column(2, km_per_h=20.0),)))
    assert halted_hours(many) < halted_hours(few)
    assert many.daily["cum_km"].iloc[-1] > few.daily["cum_km"].iloc[-1]
    assert many.deliveries["litres"].sum() == pytest.approx(2 * few.deliveries["litres"].sum(),
                                                            rel=0.35)


def test_zero_fuel_never_moves(corridor):
    r = simulate_army(corridor(start_l=0.0))
    assert (r.tracks["cum_km"] == 0.0).all()
    assert (r.daily["status"] == "halted: no fuel").all()
    assert r.daily["consumed_l"].sum() == 0.0


def test_ledger_balances_every_day(corridor):
    air = AirSpec("air", first_day_h=24.0, n_days=3, hour_offset_h=9.0, total_l=3000.0,
                  fuel_type="any", daily_cv=0.0)
    r = simulate_army(corridor(trucks=(truck_column(3),), airlifts=(air,),
                               depots=((120.0, 5000.0),)))
    d = r.army_daily
    lhs = d["carried_l"] + d["delivered_l"] - d["consumed_l"]
    np.testing.assert_allclose(lhs, d["on_hand_l"], rtol=1e-9, atol=1e-6)
    # each day starts with what the previous one ended with
    np.testing.assert_allclose(d["carried_l"].iloc[1:], d["on_hand_l"].iloc[:-1].to_numpy())
    # what did not fit was not taken: delivered + returned + what is still at the depot (a
    # depot's fuel stays there for the next formation: test_depot_stays.py) = offered (each
    # delivery's whole load, on each of its rows), never above capacity
    dv = r.deliveries
    at_depot = dv[dv["kind"] == "depot"]
    left_l = at_depot["offered_l"].iloc[0] - at_depot["litres"].sum()
    assert left_l > 0.0
    assert d["delivered_l"].sum() + d["returned_l"].sum() + left_l == pytest.approx(
        dv.drop_duplicates("delivery_id")["offered_l"].sum())
    assert (dv["litres"] <= dv["offered_l"] + 1e-9).all()
    assert (d["on_hand_l"] <= 2000.0 + 1e-6).all()
    depot_row = dv[dv["kind"] == "depot"].iloc[0]
    assert 0 < depot_row["litres"] < 5000.0  # the 5000 L depot only tops the tanks up


def test_an_hour_the_head_moved_in_reads_its_mode_however_it_ends(corridor):
    """A track row's ``mode`` is the formation's own (``motor`` here) for every hour its head
    moved in, ``halt`` only for one it did not move in: 180 L a vehicle at 2 L/km run dry at
    km 90, at 10:30 (06:00 + 90 km at 20 km/h), so the 10:00-11:00 hour reads "halted: no
    fuel" at km 90 but it went 10 km in it (before, its mode read ``halt``); the next hour
    stands. Likewise a 50 km route ends at 08:30: the hour to 09:00 reads "arrived", its
    mode ``motor``, the hours after ``halt``."""
    r = simulate_army(corridor(tank_l=180.0, days=1))
    t = r.tracks.set_index("time")
    at = t.loc[pd.Timestamp("1945-08-09 11:00")]
    assert at["status"] == "halted: no fuel" and at["cum_km"] == pytest.approx(90.0)
    assert t.loc[pd.Timestamp("1945-08-09 10:00"), "cum_km"] == pytest.approx(80.0)
    assert at["mode"] == "motor"
    assert t.loc[pd.Timestamp("1945-08-09 12:00"), ["status", "mode"]].tolist() == \
        ["halted: no fuel", "halt"]
    # every hour: moved <=> not "halt", whatever the status
    moved = t["cum_km"].diff().fillna(t["cum_km"]) > 1e-6
    assert ((t["mode"] != "halt") == moved).all()

    r = simulate_army(corridor(length_km=50, days=1))
    t = r.tracks.set_index("time")
    assert t.loc[pd.Timestamp("1945-08-09 09:00"), ["status", "mode"]].tolist() == \
        ["arrived", "motor"]
    assert t.loc[pd.Timestamp("1945-08-09 10:00"), ["status", "mode"]].tolist() == \
        ["arrived", "halt"]


def test_arrival_and_fuel_burn_by_hand(corridor):
    # 150 km corridor, plenty of fuel, 20 km/h for 10 h/day: 150 km reached on day 1 at 13:30
    r = simulate_army(corridor(length_km=150, tank_l=1000.0))
    assert r.daily["status"].iloc[0] == "arrived"
    assert r.daily["consumed_l"].iloc[0] == pytest.approx(150 * 2.0 * 10)
    first = r.tracks[r.tracks["status"] == "arrived"].iloc[0]
    assert first["time"] == pd.Timestamp("1945-08-09 14:00")  # the step holding 13:30


def test_column_close_up_shortens_the_day(corridor):
    short = simulate_army(corridor(tank_l=1e6, length_km=1000))
    long = simulate_army(corridor(tank_l=1e6, length_km=1000, close_up_h=2.5))
    # 10 h at 20 km/h = 200 km; minus 2.5 h to let the tail close up = 150 km
    assert short.daily["km_day"].iloc[1] == pytest.approx(200.0)
    assert long.daily["km_day"].iloc[1] == pytest.approx(150.0)


def test_same_seed_same_run_and_seed_matters_only_for_random_parts(corridor):
    plan = corridor(trucks=(truck_column(2, jitter_h=3.0, convoys=2),))
    a, b = simulate_army(plan, seed=7), simulate_army(plan, seed=7)
    pd.testing.assert_frame_equal(a.daily, b.daily)
    c = simulate_army(plan, seed=8)
    assert not a.deliveries["time"].equals(c.deliveries["time"])
    plain = corridor()
    pd.testing.assert_frame_equal(simulate_army(plain, seed=1).daily,
                                  simulate_army(plain, seed=2).daily)


def test_speed_and_fuel_scales(corridor):
    base = simulate_army(corridor(length_km=1000, tank_l=1e6))
    fast = simulate_army(dataclasses.replace(corridor(length_km=1000, tank_l=1e6),
                                             speed_scale=1.5))
    assert fast.daily["km_day"].iloc[1] == pytest.approx(1.5 * base.daily["km_day"].iloc[1])
    thirsty = simulate_army(dataclasses.replace(corridor(), fuel_scale=2.0))
    assert thirsty.daily["cum_km"].iloc[-1] == pytest.approx(50.0)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    start_frac=st.floats(0.0, 1.0),
    l_per_km=st.floats(0.5, 5.0),
    n_trucks=st.integers(0, 4),
    air_l=st.floats(0.0, 5000.0),
    hours=st.floats(0.0, 24.0),
    depot_km=st.floats(1.0, 399.0),
)
def test_ledger_and_track_invariants(corridor, start_frac, l_per_km, n_trucks, air_l, hours,
                                     depot_km):
    air = AirSpec("air", first_day_h=24.0, n_days=2, hour_offset_h=8.0, total_l=air_l,
                  fuel_type="any", daily_cv=0.3)
    trucks = (truck_column(n_trucks),) if n_trucks else ()
    plan = corridor(start_l=2000.0 * start_frac, l_per_km=l_per_km, hours=hours, trucks=trucks,
                    airlifts=(air,), depots=((depot_km, 700.0),))
    r = simulate_army(plan, seed=3)
    d = r.army_daily
    np.testing.assert_allclose(d["carried_l"] + d["delivered_l"] - d["consumed_l"],
                               d["on_hand_l"], rtol=1e-9, atol=1e-6)
    assert (r.daily["fuel_l"] >= -1e-9).all()
    assert r.tracks["cum_km"].is_monotonic_increasing
    assert r.tracks["cum_km"].max() <= 400.0 + 1e-9
    # never farther than the fuel ever held allows
    assert d["consumed_l"].sum() <= 2000.0 * start_frac + d["delivered_l"].sum() + 1e-6
    if hours == 0.0:
        assert r.tracks["cum_km"].max() == 0.0


def test_halt_spells_of_a_head_standing_there_run_from_their_first_step_start():
    """A head that stood where it was held through its first halted step was held from that
    step's start, so a one-step spell is an hour, not '09:00 - 09:00' (one that drove part of
    the step: test_run_summary)."""
    from logistics.runner import _halts

    times = pd.date_range("1945-08-09 07:00", periods=5, freq="h")
    track = pd.DataFrame({
        "time": times, "cum_km": [1.0, 2.0, 2.0, 3.0, 3.0], "lon": 0.0, "lat": 0.0,
        "status": ["moving", "moving", "halted: event", "moving", "halted: no fuel"]})
    spells = _halts(track, pd.Timestamp("1945-08-09 06:00"))
    assert [(s["reason"], s["start"].hour, s["end"].hour) for s in spells] == [
        ("halted: event", 8, 9), ("halted: no fuel", 10, 11)]
    assert all(s["end"] > s["start"] for s in spells)


def test_a_convoy_is_shared_out_by_priority_not_taken_back(corridor):
    """One account per army (issue 13 item 2): a convoy sent for the first formation in
    priority order that needs fuel serves every formation its load reaches, in that order,
    before anything goes back. Two formations on one corridor, the second burning 5x: the
    second is fed from the convoys too, and nothing is returned while tanks lack fuel."""
    from types import SimpleNamespace

    plan = corridor(trucks=(truck_column(4, km_per_h=30.0),), days=2)
    first = plan.formations[0]
    second = dataclasses.replace(
        first, unit=SimpleNamespace(**{**vars(first.unit), "id": "second", "headline": False}),
        step_fuel_l={"dry": first.step_fuel_l["dry"] * 5})
    r = simulate_army(dataclasses.replace(plan, formations=(first, second),
                                          priority=("corridor", "second")))
    trucks = r.deliveries[r.deliveries["kind"] == "truck"]
    assert len(trucks) >= 3
    per = trucks.groupby("delivery_id").agg(litres=("litres", "sum"),
                                            offered_l=("offered_l", "first"))
    np.testing.assert_allclose(per["litres"], per["offered_l"], rtol=1e-6)  # none back
    assert r.army_daily["returned_l"].sum() == pytest.approx(0.0, abs=1e-3)
    day1 = r.daily[r.daily["date"] == r.daily["date"].iloc[0]].set_index("formation_id")
    # priority: the first formation is full at the end of the day, the second got the rest
    assert day1.loc["corridor", "refills_on_hand"] == pytest.approx(1.0)
    assert day1.loc["second", "delivered_l"] > 0
    assert day1.loc["corridor", "delivered_l"] + day1.loc["second", "delivered_l"] == \
        pytest.approx(r.army_daily["delivered_truck_l"].iloc[0])
    # tidy: one row per delivery and taker, not "corridor,second" (it joined to nothing);
    # each taker's rows add up to what its days say it received; the second's share of a
    # convoy for the first is a stop of its own, when the convoy reaches it on its way
    dl = r.deliveries
    assert dl["note"].str.contains("on the way to corridor").any()
    assert set(dl["formation_id"]) <= {"corridor", "second", "(reserve)"}
    got = dl.groupby("formation_id")["litres"].sum()
    for fid, litres in r.daily.groupby("formation_id")["delivered_l"].sum().items():
        assert got.get(fid, 0.0) == pytest.approx(litres, rel=1e-9, abs=1e-9), fid
    assert dl["litres"].sum() == pytest.approx(r.army_daily["delivered_l"].sum(), rel=1e-9)


def test_a_second_column_is_not_sent_for_room_the_first_already_fills(corridor):
    """A convoy goes only for fuel the army wants that nothing on the road brings yet: the
    formations' lack and the reserve's room, less the loads already sent for them
    (supply/trucks.py WANTED_MIN_L). Full tanks and 3,000 L of room in the reserve at 00:00,
    the march from 06:00: the first column (5,000 L) is sent for the room, the second waits
    at its railhead until the formation has burned fuel. Before, the second went in the same
    hour for the room the first's load filled, and its whole load came back (the Cavalry-
    Mechanized Group's front auto regiment: six such trips, 0 L delivered)."""
    first = truck_column(10, payload_l=500.0)
    second = dataclasses.replace(truck_column(10, payload_l=500.0), name="second column")
    plan = dataclasses.replace(corridor(trucks=(first, second), days=2),
                               reserve_l={"diesel": 0.0}, reserve_capacity_l={"diesel": 3000.0})
    r = simulate_army(plan)
    dl = r.deliveries[r.deliveries["kind"] == "truck"]
    sent = dl.groupby("delivery_id").agg(source=("source", "first"), time=("time", "first"),
                                         litres=("litres", "sum"))
    firsts = sent.groupby("source")["time"].min()
    assert firsts["second column"] > firsts["trucks"]
    first_loads = sent.sort_values("time").groupby("source")["litres"].first()
    assert (first_loads > 1.0).all()  # neither came back with its whole load
    # the reserve got its room from the first convoy, and kept it for the formation
    assert dl[dl["formation_id"] == "(reserve)"]["litres"].iloc[0] == pytest.approx(3000.0)


def test_a_column_sends_nothing_when_nothing_is_wanted():
    """TruckColumn.dispatch with ``wanted_l``: a ready convoy goes while the army wants more
    than 1 L, each sent load coming off the want (the trucks it fills: 8 of 10 for 4,000 L,
    tests/test_convoy_size.py); the others wait at the railhead, ready."""
    from logistics.supply.trucks import TruckColumn

    col = TruckColumn(name="t", count=20, payload_l=500.0, truck_tank_l=1000.0,
                      fuel_type="any", load_h=2.0, unload_h=1.0, driving_hours_per_day=24.0,
                      start_h=0.0, until_h=100.0, convoys=2, jitter_h=0.0,
                      leg=lambda i, s: TruckLeg(3600.0, 3600.0, 0.0))
    col.ready_h = [0.0, 0.0]
    rng = np.random.default_rng(0)
    assert col.dispatch(0.0, 1, "dry", rng, 1.0, 1.0, wanted_l=0.5) == []
    assert col.ready_h == [0.0, 0.0]
    (d,) = col.dispatch(0.0, 1, "dry", rng, 1.0, 1.0, wanted_l=4000.0)  # one convoy fills it
    assert d.litres == pytest.approx(4000.0) and col.ready_h[1] == 0.0
    # the column's load for that formation is on its way (one record per column,
    # tests/test_convoy_size.py); for another, the trucks left: 2 of the first, the second's 10
    assert col.dispatch(0.0, 1, "dry", rng, 1.0, 1.0, wanted_l=1e9) == []
    rest = col.dispatch(0.0, 1, "dry", rng, 1.0, 1.0, wanted_l=1e9, target="b")
    assert [(x.convoy, x.trucks) for x in rest] == [(0, 2), (1, 10)]


def _window_6_16(t0: float, t1: float) -> float:
    """Hours of 06-16 h every day between two hours since 9 Aug 00:00."""
    def cum(t):
        d, r = divmod(t, 24.0)
        return d * 10.0 + min(max(r - 6.0, 0.0), 10.0)
    return cum(t1) - cum(t0)


def _dry_shuttle(corridor, *, start_l: float = 100.0, air_hour_h: float = 12.0,
                 air_l: float = 2000.0, asked: list | None = None, air_day_h: float = 48.0):
    """A shuttle (400 men, lift 100 in 10 trucks, 300 km; trucks 30 km/h, 2 L/km the ten,
    men 5 km/h, 06-16 h) whose trucks start with ``start_l`` litres; ``air_l`` flown in on
    11 Aug at ``air_hour_h``. Its plan re-plans it as the run's planner does
    (``FormationPlan.replan``, ``formation_plan._shuttle``: from where its men and trucks are
    when fuel reaches its dry trucks; with ``trucks`` of its 10 driving, the lift and the
    litres per km in proportion). ``asked``: gets the trucks of each plan made."""
    from types import SimpleNamespace

    from logistics.advance.means import _timetable
    from logistics.advance.shuttle import shuttle_timetable

    def planned(passes=(), resume=None, trucks=None):
        again = {} if resume is None else {"start_h": resume[0], "start_state": resume[1:]}
        n = 10 if trucks is None else trucks
        if asked is not None:
            asked.append(n)
        return _timetable("truck", shuttle_timetable(**{
            "men": 400, "lift_men": 10 * n, "route_km": 300.0, "start_h": 0.0,
            "end_h": 24.0 * 6, "truck_leg_h": lambda a, b: abs(b - a) / 30.0,
            "truck_fuel_l_per_km": 0.2 * n,
            "march_kmh": 5.0, "march_hours": _window_6_16, "load_h": 0.5, "unload_h": 0.5,
            "route": (np.array([0.0, 300.0]), np.array([117.0, 120.0]),
                      np.array([47.0, 47.0])), **again}))

    air = AirSpec("air", first_day_h=air_day_h, n_days=1, hour_offset_h=air_hour_h,
                  total_l=air_l,
                  fuel_type="any", daily_cv=0.0)
    plan = corridor(length_km=300, count=1, tank_l=3000.0, start_l=start_l, airlifts=(air,))
    fp = dataclasses.replace(
        plan.formations[0], timetable=planned(), replan=planned,
        unit=SimpleNamespace(**{**vars(plan.formations[0].unit), "movement": "truck_borne",
                                "men": 400, "lift_men": 100, "lift_trucks": 10}))
    return simulate_army(dataclasses.replace(plan, formations=(fp,)))


def test_a_shuttle_with_fuel_for_half_its_trucks_moves_half_its_lift(corridor):
    """The trucks of :func:`_dry_shuttle` with 16 L: their first hour (09 Aug 06-07 h: load
    half an hour, drive 15 km loaded) needs 30 L for all ten, 3 L a truck, so five drive it
    with 50 men, 15 L, and five stand (issue 13: 'a formation moves on with what can move');
    all or nothing, none drove and the men walked 5 km. Then 1 L covers not one truck: all
    stand, the men walk. No litre is drawn twice: on hand + burned = before, every day."""
    asked: list = []
    r = _dry_shuttle(corridor, start_l=16.0, asked=asked)
    t = r.tracks.set_index("time")
    first = t.loc["1945-08-09 07:00"]
    assert first["mode"] == "truck" and first["cum_km"] == pytest.approx(15.0, abs=1e-6)
    assert first["fuel_l"] == pytest.approx(1.0, abs=1e-6)  # 15 L burned: five trucks' share
    assert 5 in asked, asked  # planned again with five of its ten trucks (a lift of 50)
    assert any("for 5 of the shuttle's 10 trucks" in n for n in r.notes), r.notes
    assert t.loc["1945-08-09 09:00", "mode"] == "foot"  # then nothing covers a truck
    day = r.daily.set_index("date")
    assert day.loc["1945-08-09", "consumed_l"] == pytest.approx(15.0, abs=1e-6)
    fuel = r.daily["fuel_l"].to_numpy()
    before = np.concatenate([[16.0], fuel[:-1]])
    flows = (r.daily["delivered_l"] + r.daily["from_reserve_l"] + r.daily["drained_l"]
             - r.daily["consumed_l"]).to_numpy()
    assert fuel == pytest.approx(before + flows, abs=1e-6)


def test_fuel_that_comes_later_brings_the_standing_trucks_back(corridor):
    """The shuttle of the test above, dry from 09 Aug 07:00: 2,000 L flown in on 11 Aug at
    noon cover all ten trucks, which shuttle on together from that hour (the full lift: 60 L
    an hour of driving); 24 L flown in cover four trucks' hour (6 L each), which drive it."""
    r = _dry_shuttle(corridor, start_l=16.0)
    goes = [n for n in r.notes if "have fuel again" in n]
    assert goes and goes[0].split(" on ")[1].startswith("11 Aug 12:00"), r.notes
    assert "of its 10 trucks" not in goes[0]  # all of them
    t = r.tracks.set_index("time")
    burned = -t["fuel_l"].diff()
    assert burned.loc["1945-08-11 14:00"] == pytest.approx(60.0, rel=1e-6)
    r = _dry_shuttle(corridor, start_l=16.0, air_l=24.0)
    goes = [n for n in r.notes if "have fuel again" in n]
    assert goes and "4 of its 10 trucks" in goes[0], r.notes
    assert r.daily.set_index("date").loc["1945-08-11", "consumed_l"] == pytest.approx(
        24.0, abs=1e-6)


def test_a_shuttle_out_of_fuel_walks_on_then_shuttles_on_when_fuel_comes(corridor):
    """The shuttle of :func:`_dry_shuttle` runs dry on day 1 and every man walks on; the
    fuel flown in at noon on 11 Aug lets the trucks shuttle on in that hour (inside their
    06-16 h window), planned again from where its men and trucks are: not at the clock hour
    they stopped a whole number of days later (retry36: 36A's rifle divisions walked a day
    with 55 kL on hand). No litre is burned that was not on hand: 100 L in the tanks +
    2,000 L flown in."""
    r = _dry_shuttle(corridor)
    stops = [n for n in r.notes if "out of fuel" in n]
    goes = [n for n in r.notes if "have fuel again" in n]
    assert stops and goes, r.notes
    # (the litres left in its tanks drive one of its ten trucks an hour on 10 Aug: shuttle37)
    assert goes[-1].split(" on ")[1].startswith("11 Aug 12:00:"), (stops, goes)
    assert r.army_daily["consumed_l"].sum() <= 100.0 + 2000.0 + 1e-6
    t = r.tracks.set_index("time")
    assert t["cum_km"].is_monotonic_increasing
    assert t["tail_km"].is_monotonic_increasing
    # walking while the trucks stand: no more than 5 km/h x 10 h a day
    walk = t.loc["1945-08-10 01:00":"1945-08-11 00:00", "cum_km"]
    assert walk.iloc[-1] - walk.iloc[0] <= 50.0 + 1e-6
    # walking on 11 Aug until noon (06-12 h: 30 km), then the trucks drive from 12:00
    assert (t.loc["1945-08-11 07:00":"1945-08-11 12:00", "mode"] == "foot").all()
    assert (t.loc["1945-08-11 13:00":"1945-08-11 16:00", "mode"] == "truck").all()
    # the trucks burn from the hour the fuel lands: 11 Aug is not a day of walking only
    day = r.daily.set_index("date")
    assert day.loc["1945-08-11", "consumed_l"] > 0.0


def test_a_tiny_change_in_the_dry_km_moves_the_shuttle_by_hours_not_a_day(corridor):
    """The trucks of :func:`_dry_shuttle` with 149.5 or 150.5 L in their tanks (0.5 km of
    their driving apart) last run dry on 9 Aug at 08:00 or 09:00 (their last hour needs
    more than they hold), around the clock hour (09:00) the fuel lands on 11 Aug: they go
    again at 09:00 on 11 Aug both times and burn fuel that day, and the formation arrives
    within a few hours of its march window of the other (before retry36 the trucks tried
    again only at the clock hour they ran dry, whole days later: 08:00 on 12 Aug, the men
    walking all of 11 Aug with the fuel on hand, or 09:00 on 11 Aug). With 149.5 L the
    last 5.5 L drive one of the ten trucks (shuttle37: the trucks the fuel covers drive),
    which carries 10 men ahead: a group of its own that takes a trip of its own later, 2 h
    of the window more than without (3 h apart then, 5 h now)."""
    runs = {}
    for start_l in (149.5, 150.5):
        r = _dry_shuttle(corridor, start_l=start_l, air_hour_h=9.0)
        goes = [n.split(" on ")[1][:12] for n in r.notes if "have fuel again" in n]
        assert goes, r.notes
        assert r.daily.set_index("date").loc["1945-08-11", "consumed_l"] > 0.0, start_l
        arrived = r.tracks.loc[r.tracks["status"] == "arrived", "time"]
        assert len(arrived), r.tracks.tail()
        runs[start_l] = (goes[-1], (arrived.iloc[0] - pd.Timestamp("1945-08-09")).total_seconds()
                         / 3600.0)
    assert {go for go, _ in runs.values()} == {"11 Aug 09:00"}, runs
    (_, t0), (_, t1) = sorted(runs.values(), key=lambda x: x[1])
    assert _window_6_16(t0, t1) <= 5.0, runs


def test_the_reserve_serves_only_within_reach_of_the_transport_carrying_it(corridor):
    """``fuel.reserve_reach_km``: the army's reserve rides with one formation's transport
    ([VELIKAYA-POBEDA]: the motor transport fell behind the tanks) and serves an element only
    within that many km of the carrier's head. A formation with fuel for 100 km and a reserve
    for 100 km more: drawn anywhere, it goes 200 km on the first day; carried by a formation
    that sets off two days later, it halts at 100 km until the carrier comes within 30 km
    (at km 70: two days and 3.5 hours of marching later), then goes on."""
    from types import SimpleNamespace

    plan = corridor(days=4)
    first = plan.formations[0]
    carrier = dataclasses.replace(first, unit=SimpleNamespace(
        **{**vars(first.unit), "id": "carrier", "headline": False, "start_h": 48.0}))
    base = dataclasses.replace(plan, formations=(first, carrier), priority=("corridor", "carrier"),
                               reserve_l={"diesel": 2000.0}, reserve_capacity_l={"diesel": 2000.0})
    anywhere = simulate_army(base).daily.set_index(["date", "formation_id"])
    assert anywhere.loc[("1945-08-09", "corridor"), "cum_km"] == pytest.approx(200.0, abs=1e-6)

    r = simulate_army(dataclasses.replace(base, reserve_carrier="carrier", reserve_reach_km=30.0))
    day = r.daily.set_index(["date", "formation_id"])
    for date in ("1945-08-09", "1945-08-10"):
        assert day.loc[(date, "corridor"), "cum_km"] == pytest.approx(100.0, abs=1e-6)
        assert day.loc[(date, "corridor"), "from_reserve_l"] == pytest.approx(0.0, abs=1e-9)
    assert r.army_daily["reserve_l"].iloc[1] == pytest.approx(2000.0)  # untouched, out of reach
    assert day.loc[("1945-08-11", "corridor"), "from_reserve_l"] > 0
    assert day.loc[("1945-08-11", "corridor"), "cum_km"] > 100.0 + 1.0
    # on again only once the carrier is within 30 km; the reserve is placed at each hour's
    # start: the carrier (from 11 Aug 06:00 at 20 km/h) is 40 km away at 09:00, 20 km at
    # 10:00, so the hour 10:00-11:00 (its track row stamped 11:00) is the first it moves in
    moving = r.tracks[(r.tracks["formation_id"] == "corridor") & (r.tracks["cum_km"] > 100.5)]
    assert moving["time"].min() == pd.Timestamp("1945-08-11 11:00")
    dry = r.reached[(r.reached["kind"] == "dry") & (r.reached["formation_id"] == "corridor")]
    assert "beyond its reach of 30 km" in dry["name"].iloc[0]
    # whole km, unless they would read alike (the 39th Army: '100 km away: beyond its reach
    # of 100 km' for a reserve 100.19 km away)
    from logistics.advance.simulate import beyond_reach_text
    assert beyond_reach_text(124.4, 100.0) == "124 km away: beyond its reach of 100 km"
    assert beyond_reach_text(100.19, 100.0) == "100.2 km away: beyond its reach of 100.0 km"
    assert beyond_reach_text(100.04, 100.0) == "100.04 km away: beyond its reach of 100.00 km"
    # reserve_km is where the reserve is at the row's time (the hour's end): the carrier's
    # own rows read 0, and the formation's the distance between the two heads then (the
    # corridor runs along 47 N, 100 km of it a degree of longitude; a sphere's great circle
    # and the WGS84 geodesic differ by well under 1 %)
    from pyproj import Geod

    own = r.tracks[r.tracks["formation_id"] == "carrier"]["reserve_km"]
    np.testing.assert_allclose(own, 0.0, atol=1e-9)
    t = r.tracks.pivot(index="time", columns="formation_id", values="cum_km")
    _, _, gap_m = Geod(ellps="WGS84").inv(117.0 + t["carrier"] / 100.0, np.full(len(t), 47.0),
                                          117.0 + t["corridor"] / 100.0, np.full(len(t), 47.0))
    front = r.tracks[r.tracks["formation_id"] == "corridor"].set_index("time")["reserve_km"]
    np.testing.assert_allclose(front, gap_m / 1000.0, rtol=1e-2, atol=1e-6)


def test_the_runner_keeps_the_reserve_distance_the_step_loop_records(corridor):
    """README's outputs table promises ``reserve_km`` in tracks.csv and daily.csv; the runner
    reindexes the step loop's tracks to ``TRACK_COLUMNS``, which dropped it from tracks.csv
    (a user's run with a carrier found the column only in daily.csv). Every column the loop
    records must be one the runner keeps. The carrier sets off two days later: on the first
    day its reserve stays at the start (117 E, 47 N), so each hour's reserve_km is the great
    circle from there to the formation's head: the corridor puts km k at 117 + k/100 E, and a
    degree of longitude at 47 N is 6371 km x cos 47 deg x pi/180 = 75.8 km (the ellipsoid
    differs by < 1 %)."""
    from types import SimpleNamespace

    from logistics.runner import DAILY_COLUMNS, TRACK_COLUMNS

    plan = corridor(days=1)
    first = plan.formations[0]
    carrier = dataclasses.replace(first, unit=SimpleNamespace(
        **{**vars(first.unit), "id": "carrier", "headline": False, "start_h": 48.0}))
    r = simulate_army(dataclasses.replace(
        plan, formations=(first, carrier), priority=("corridor", "carrier"),
        reserve_carrier="carrier", reserve_reach_km=30.0))
    assert set(r.tracks.columns) <= set(TRACK_COLUMNS)
    assert "reserve_km" in DAILY_COLUMNS
    day1 = r.tracks[(r.tracks["formation_id"] == "corridor")
                    & (r.tracks["time"] <= pd.Timestamp("1945-08-10 00:00"))]
    assert day1["cum_km"].max() > 50.0  # it outran the 30 km reach on the first day
    want = (day1["lon"] - 117.0) * 6371.0 * np.cos(np.radians(47.0)) * np.pi / 180.0
    np.testing.assert_allclose(day1["reserve_km"], want, rtol=0.01, atol=1e-6)


def test_an_airlift_goes_to_the_formations_that_outran_the_reserve(corridor):
    """[WIKI-SEED001] 'aircraft ferried fuel to those units that had outrun their supply lines':
    with the reserve riding behind (``reserve_reach_km``), an airlift's load that its own
    ``priority_to`` does not take goes into the tanks of the formations beyond the reserve's
    reach, not into the reserve far behind them. A formation dry at km 100, its carrier two
    days behind: 1000 L flown in at noon on the second day take it 50 km on; with the reserve
    drawn anywhere the same load goes into the reserve (and is drawn from there)."""
    from types import SimpleNamespace

    plan = corridor(days=3)
    first = plan.formations[0]
    carrier = dataclasses.replace(first, unit=SimpleNamespace(
        **{**vars(first.unit), "id": "carrier", "headline": False, "start_h": 60.0}))
    air = AirSpec("air", first_day_h=24.0, n_days=1, hour_offset_h=12.0, total_l=1000.0,
                  fuel_type="any", daily_cv=0.0)
    base = dataclasses.replace(plan, formations=(first, carrier), priority=("corridor", "carrier"),
                               reserve_l={"diesel": 0.0}, reserve_capacity_l={"diesel": 5000.0},
                               airlifts=(air,), air_priority=((),))
    located = simulate_army(dataclasses.replace(base, reserve_carrier="carrier",
                                                reserve_reach_km=30.0))
    took = located.deliveries.set_index("formation_id")["litres"]
    assert took.get("corridor") == pytest.approx(1000.0) and "(reserve)" not in took
    day = located.daily.set_index(["date", "formation_id"])
    assert day.loc[("1945-08-10", "corridor"), "cum_km"] == pytest.approx(150.0, abs=1e-6)
    assert day.loc[("1945-08-10", "corridor"), "delivered_l"] == pytest.approx(1000.0)

    anywhere = simulate_army(base)
    took = anywhere.deliveries.set_index("formation_id")["litres"]
    assert took.get("(reserve)") == pytest.approx(1000.0) and "corridor" not in took


def test_an_airlift_skips_a_formation_that_has_arrived_as_the_convoys_do(corridor):
    """An airlift's ``priority_to`` fills only formations the convoys serve (not one at its
    route's end), one rule with the convoys (found in the 6th GTA: the airlift topped up
    forward detachments already at Mukden while corps on the road were held for fuel). Two
    formations, full tanks of 2,000 L at 2 L/km for 10 vehicles (100 km): "near" has a 50 km
    route and arrives on 9 Aug at 08:30 (06:00 + 50 km at 20 km/h) with 1,000 L burned;
    "corridor" runs dry at km 100. 1,000 L flown in at noon on 10 Aug for both, "near" named
    first: all of it goes to "corridor", which goes 50 km on (4 hours of its window left)."""
    air = AirSpec("air", first_day_h=24.0, n_days=1, hour_offset_h=12.0, total_l=1000.0,
                  fuel_type="any", daily_cv=0.0)
    plan = corridor(days=3, airlifts=(air,))
    far = plan.formations[0]
    near = near_formation(far)
    r = simulate_army(dataclasses.replace(plan, formations=(near, far),
                                          priority=("near", "corridor"),
                                          air_priority=(("near", "corridor"),)))
    day = r.daily.set_index(["date", "formation_id"])
    assert day.loc[("1945-08-09", "near"), "status"] == "arrived"
    assert day.loc[("1945-08-09", "near"), "fuel_l"] == pytest.approx(1000.0)
    took = r.deliveries.groupby("formation_id")["litres"].sum()
    assert "near" not in took and took.get("corridor") == pytest.approx(1000.0)
    assert day.loc[("1945-08-10", "corridor"), "cum_km"] == pytest.approx(150.0, abs=1e-6)
    assert day.loc[("1945-08-10", "near"), "delivered_l"] == 0.0



def test_a_dry_element_at_the_head_does_not_hold_back_the_vehicles_level_with_it(corridor):
    """Two elements of one formation at the same km: the older one (self-propelled guns, its
    petrol gone) and one whose tanks can go on on the army's diesel. The head is the one that
    can move, else the tanks beside the dry guns could never pass the head and the whole
    formation would stand (found in the 6th GTA: a Sherman brigade stood for nine days beside
    12 dry SU-76)."""
    from logistics.advance.elements import Element
    from logistics.advance.simulate import _Loop

    plan = corridor(days=2)
    f = plan.formations[0]
    two = dataclasses.replace(
        f, class_ids=("tank", "gun"), fuel_types=("diesel", "petrol"),
        tank_l=np.array([200.0, 200.0]), extra_l=np.zeros(2), counts=np.array([10, 10]),
        pace_mask=np.array([True, True]), idle_l_per_h=np.zeros(2),
        step_time_s={"dry": np.repeat(f.step_time_s["dry"], 2, axis=0)},
        step_fuel_l={"dry": np.repeat(f.step_fuel_l["dry"], 2, axis=0)})
    loop = _Loop(dataclasses.replace(plan, formations=(two,), reserve_l={"diesel": 1000.0},
                                     reserve_capacity_l={"diesel": 1000.0}), seed=0)
    guns = Element("corridor", 100.0, np.array([0.0, 10.0]), np.zeros(2), np.full(2, 2000.0),
                   serial=1)
    tanks = Element("corridor", 100.0, np.array([10.0, 0.0]), np.zeros(2), np.full(2, 2000.0),
                    serial=2)
    loop.state["corridor"].elements = [guns, tanks]
    assert loop.lead("corridor") is tanks
    loop.ledger.reserve_l[:] = 0.0  # nobody can go on: the older element leads, as before
    assert loop.lead("corridor") is guns


def test_the_summary_says_how_far_the_reserve_was_when_a_formation_was_held(corridor):
    """A formation held for fuel while the reserve still held fuel beyond its reach: the
    summary says how far away the reserve was; with the reserve empty it says nothing of it."""
    from types import SimpleNamespace

    import pandas as pd

    from logistics.runner import summarize

    plan = corridor(days=4)
    first = plan.formations[0]
    carrier = dataclasses.replace(first, unit=SimpleNamespace(
        **{**vars(first.unit), "id": "carrier", "headline": False, "start_h": 48.0}))
    routes = pd.DataFrame({"formation_id": ["corridor", "carrier"], "cum_km": [0.0, 0.0],
                           "lon": [117.0, 117.0], "lat": [47.0, 47.0],
                           "elev_m": [math.nan, math.nan]})
    for reserve_l, says in ((2000.0, True), (0.0, False)):
        p = dataclasses.replace(plan, formations=(first, carrier),
                                priority=("corridor", "carrier"),
                                reserve_l={"diesel": reserve_l},
                                reserve_capacity_l={"diesel": 2000.0},
                                reserve_carrier="carrier", reserve_reach_km=30.0)
        s = summarize(p, simulate_army(p), routes, "corridor")
        held = s["formations"][0]["first_dry"]
        assert held is not None and held["cum_km"] == pytest.approx(100.0, abs=1e-6)
        if says:  # dry at km 100 on 9 Aug, the carrier still at km 0: 75.8 km away
            assert held["reserve_km"] == pytest.approx(75.8, rel=1e-2)
        else:
            assert "reserve_km" not in held


def test_a_head_that_reaches_its_last_objective_at_the_routes_end_has_arrived(corridor):
    # review21: the last objective is a stop at the route's end; the head reached it at 13:30
    # (150 km at 20 km/h from 06:00) but its step read "moving" and the formation never
    # counted as arrived, so the convoys went on serving it (fuelled_by_convoy) after arrival
    plan = corridor(length_km=150, tank_l=1000.0,
                    trucks=(dataclasses.replace(truck_column(1, payload_l=10_000.0),
                                                start_h=20.0),))
    fp = dataclasses.replace(plan.formations[0], objectives=((150.0, "end"),))
    r = simulate_army(dataclasses.replace(plan, formations=(fp,)))
    first = r.tracks[r.tracks["status"] == "arrived"].iloc[0]
    assert first["time"] == pd.Timestamp("1945-08-09 14:00")  # the step holding 13:30
    # 3000 L burned on the way, none delivered after arrival (the trucks start at 20:00)
    assert r.deliveries["litres"].sum() == 0.0
    assert r.daily["fuel_l"].iloc[-1] == pytest.approx(10 * 1000.0 - 150 * 2.0 * 10)


def test_a_shuttle_books_the_litres_of_its_timetable_once_whatever_the_fuel_scale(corridor):
    # review21: the plan prices a shuttle's trucks with the run's fuel_scale already
    # (formation_plan._shuttle: truck_fuel_l_per_km = per_km x fuel_scale), and the loop books "the fuel
    # the timetable says the army's own vehicles burn" (advance/movement.py); the loop
    # multiplied by fuel_scale again, so a calibration's or a draw's fuel_scale of 2 made the
    # shuttles burn 4 times the litres
    from types import SimpleNamespace

    from logistics.advance.means import _timetable
    from logistics.advance.shuttle import shuttle_timetable

    tt = _timetable("truck", shuttle_timetable(
        men=400, lift_men=100, route_km=300.0, start_h=0.0, end_h=24.0 * 6,
        truck_leg_h=lambda a, b: abs(b - a) / 30.0, truck_fuel_l_per_km=2.0 * 2.0,
        march_kmh=5.0, march_hours=lambda t0, t1: t1 - t0, load_h=0.5, unload_h=0.5,
        route=(np.array([0.0, 300.0]), np.array([117.0, 120.0]), np.array([47.0, 47.0]))))
    plan = corridor(length_km=300, count=1, tank_l=1e6)
    fp = dataclasses.replace(
        plan.formations[0], timetable=tt,
        unit=SimpleNamespace(**{**vars(plan.formations[0].unit), "movement": "truck_borne"}))
    r = simulate_army(dataclasses.replace(plan, formations=(fp,), fuel_scale=2.0))
    assert r.daily["consumed_l"].sum() == pytest.approx(float(tt.fuel_l[-1]), rel=1e-9)
    assert float(tt.fuel_l[-1]) > 0.0


def test_standing_trucks_rejoin_the_driving_ones_when_fuel_reaches_them(corridor):
    """Five of the ten trucks of :func:`_dry_shuttle` drive 09 Aug 06-07 h on 16 L (the test
    above); 2,000 L flown in at 07:00 cover all ten: the five standing come back that hour
    (60 L an hour of all ten driving loaded), not a day later and not never."""
    asked: list = []
    r = _dry_shuttle(corridor, start_l=16.0, air_day_h=0.0, air_hour_h=7.0, asked=asked)
    assert any("for 10 of the shuttle's 10 trucks on 09 Aug 07:00" in n and "drove 5" in n
               for n in r.notes), r.notes
    assert asked[:3] == [10, 5, 10], asked  # planned; five trucks at 06:00; ten at 07:00
    t = r.tracks.set_index("time")
    assert (t.loc["1945-08-09 07:00":"1945-08-09 16:00", "mode"] == "truck").all()
    assert r.daily.set_index("date").loc["1945-08-09", "consumed_l"] > 15.0 + 60.0 * 8
