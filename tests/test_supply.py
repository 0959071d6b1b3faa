"""Fuel ledger, truck columns, airlift and the formation's schedule and column, by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from logistics.advance.formation import close_up_hours, column_length_km
from logistics.advance.schedule import MarchSchedule
from logistics.supply.airlift import airlift_deliveries
from logistics.supply.delivery import litres_from_tonnes
from logistics.supply.ledger import ArmyLedger
from logistics.supply.trucks import TruckColumn, TruckLeg


class TwoClassArmy:
    """One element with tanks (diesel, 1000 L tanks, burning 10 L/km) and trucks (petrol,
    100 L, 1 L/km), and the army's reserve: the accounts the step loop hands the ledger."""

    types = ("diesel", "petrol")

    def __init__(self, own=(500.0, 100.0), reserve=None, reserve_cap=None):
        self.tanks = np.array(own, dtype=np.float64)
        self.cap = np.array([1000.0, 100.0])
        self.rate = np.array([10.0, 1.0])
        self.led = ArmyLedger(reserve or {"diesel": 0.0, "petrol": 0.0},
                              reserve_cap or {"diesel": 1000.0, "petrol": 100.0},
                              float(self.tanks.sum()))

    def deliver(self, litres: float, fuel: str) -> float:
        """Tanks first (shortest range first), then the reserve; book it; litres taken."""
        taken = self.led.fill([(self.tanks, self.cap, self.rate, self.types)], litres, fuel)
        taken += self.led.to_reserve(litres - taken, fuel)
        self.led.book_delivery(litres, taken)
        return taken

    @property
    def imbalance_l(self) -> float:
        led = self.led
        return led.start_l + led.delivered_l - led.consumed_l - led.on_hand(self.tanks.sum())


def test_delivery_fills_the_shortest_range_first():
    army = TwoClassArmy()  # tank: 500 L = 50 km; truck: 100 L = 100 km (full)
    assert army.deliver(300.0, "any") == pytest.approx(300.0)
    # all of it to the tank (the truck's tank is full and has the longer range)
    np.testing.assert_allclose(army.tanks, [800.0, 100.0])
    army = TwoClassArmy(own=(500.0, 20.0))  # tank 50 km, truck 20 km
    army.deliver(100.0, "any")
    # the truck fills first (to 50 km = 50 L: 30 L), the remaining 70 L split so both rise
    # together at 10 : 1 -> +63.6 L tank, +6.4 L truck: both at 56.4 km
    km = army.tanks / army.rate
    assert km[0] == pytest.approx(km[1])
    assert army.tanks.sum() == pytest.approx(620.0)


def test_delivery_of_one_fuel_only_reaches_its_classes_then_the_reserve():
    army = TwoClassArmy(own=(1000.0, 0.0))
    assert army.deliver(150.0, "diesel") == pytest.approx(150.0)  # tanks full: into the reserve
    assert army.tanks[1] == 0.0
    assert army.led.reserve("diesel") == pytest.approx(150.0)
    assert army.led.reserve("petrol") == 0.0


def test_what_does_not_fit_is_returned():
    army = TwoClassArmy(own=(1000.0, 100.0), reserve={"diesel": 1000.0, "petrol": 100.0})
    assert army.deliver(500.0, "any") == 0.0
    assert army.led.returned_l == 500.0 and army.led.delivered_l == 0.0


def test_consume_uses_own_tanks_then_the_reserve_of_the_same_fuel():
    army = TwoClassArmy(own=(100.0, 10.0), reserve={"diesel": 200.0, "petrol": 5.0})
    led, types = army.led, army.types
    assert led.shortfall(army.tanks, types, np.array([250.0, 15.0])) == (0.0, None)
    short, fuel = led.shortfall(army.tanks, types, np.array([250.0, 20.0]))
    assert short == pytest.approx(5.0) and fuel == "petrol"
    assert led.consume(army.tanks, types, np.array([250.0, 15.0])) == pytest.approx(265.0)
    np.testing.assert_allclose(army.tanks, [0.0, 0.0])
    assert [led.reserve("diesel"), led.reserve("petrol")] == pytest.approx([50.0, 0.0])
    assert army.imbalance_l == pytest.approx(0.0)


@given(st.lists(st.tuples(st.sampled_from(["d", "c"]), st.floats(0, 3000),
                          st.sampled_from(["any", "diesel", "petrol"])), max_size=12))
def test_ledger_books_always_balance(ops):
    army = TwoClassArmy(own=(300.0, 50.0), reserve={"diesel": 100.0, "petrol": 10.0})
    led = army.led
    for kind, amount, fuel in ops:
        if kind == "d":
            taken = army.deliver(amount, fuel)
            assert -1e-9 <= taken <= amount + 1e-9
        else:
            need = np.array([amount, amount / 10.0])
            short, _ = led.shortfall(army.tanks, army.types, need)
            if short <= 0:
                led.consume(army.tanks, army.types, need)
        assert army.imbalance_l == pytest.approx(0.0, abs=1e-6)
        assert (army.tanks <= army.cap + 1e-6).all() and (army.tanks >= -1e-9).all()
        assert (led.reserve_l <= led.reserve_capacity_l + 1e-6).all()


def test_litres_from_tonnes_uses_the_cited_densities():
    assert litres_from_tonnes(0.832, "diesel") == pytest.approx(1000.0)
    assert litres_from_tonnes(0.74, "petrol") == pytest.approx(1000.0)
    # the 6 GTA airlift: 940 t of POL over 13 days (LOZA-AIR) -> ~86,900 L a day
    assert litres_from_tonnes(940.0, "any") / 13 == pytest.approx(86_908, rel=1e-3)


def test_airlift_spreads_the_total_and_keeps_it_with_variability():
    rng = np.random.default_rng(0)
    even = airlift_deliveries(name="a", first_day_h=24.0, n_days=4, hour_offset_h=12.0,
                              total_l=1000.0, fuel_type="any", daily_cv=0.0, rng=rng)
    assert [d.time_h for d in even] == [36.0, 60.0, 84.0, 108.0]
    assert [d.litres for d in even] == pytest.approx([250.0] * 4)
    varied = airlift_deliveries(name="a", first_day_h=0.0, n_days=10, hour_offset_h=0.0,
                                total_l=1000.0, fuel_type="any", daily_cv=0.5, rng=rng)
    assert sum(d.litres for d in varied) == pytest.approx(1000.0)
    assert len({round(d.litres, 6) for d in varied}) > 1


def make_column(leg, *, count=10, convoys=1, payload=1000.0, tank=100.0, driving=24.0,
                **more):
    return TruckColumn(name="t", count=count, payload_l=payload, truck_tank_l=tank,
                       fuel_type="any", load_h=2.0, unload_h=1.0,
                       driving_hours_per_day=driving, start_h=0.0, until_h=100.0,
                       convoys=convoys, jitter_h=0.0, leg=leg, **more)


def test_truck_cycle_times_and_the_load_eaten_by_the_trucks_own_fuel():
    col = make_column(lambda i, s: TruckLeg(10 * 3600.0, 8 * 3600.0, 150.0))
    rng = np.random.default_rng(0)
    (d,) = col.dispatch(0.0, 5, "dry", rng, 1.0, 1.0)
    assert d.time_h == pytest.approx(2.0 + 10.0)  # load + drive out
    assert d.litres == pytest.approx(10 * (1000.0 - 50.0))  # 150 L round trip, 100 L tank
    assert d.truck_fuel_l == pytest.approx(10 * 150.0)
    assert col.dispatch(20.0, 5, "dry", rng, 1.0, 1.0) == []  # not back yet
    assert col.present(0, 12.0 + 1.0 + 8.0 - 0.01) == 0  # unload + drive back
    assert col.present(0, 12.0 + 1.0 + 8.0) == 10
    # drivers resting half the day double the elapsed drive; speed_scale shortens it
    slow = make_column(lambda i, s: TruckLeg(10 * 3600.0, 8 * 3600.0, 0.0), driving=12.0)
    (d2,) = slow.dispatch(0.0, 5, "dry", rng, 2.0, 1.0)
    assert d2.time_h == pytest.approx(2.0 + 10.0 * 2.0 / 2.0)


def test_trucks_do_not_go_after_the_road_closes_or_when_unreachable():
    col = make_column(lambda i, s: TruckLeg(3600.0, 3600.0, 0.0))
    assert col.dispatch(100.0, 0, "dry", np.random.default_rng(0), 1.0, 1.0) == []
    lost = make_column(lambda i, s: TruckLeg(math.inf, math.inf, math.inf))
    assert lost.dispatch(0.0, 0, "dry", np.random.default_rng(0), 1.0, 1.0) == []
    assert lost.notes and "out of the trucks' reach" in lost.notes[0]


def test_no_convoy_sets_out_on_a_road_that_closes_before_it_arrives():
    """``until`` closes the road (configs/README.md: 'road closed'; the Transbaikal armies'
    trucks: [LOZA-TANKIST] the Khingan roads impassable for all motor transport): a convoy
    that would still be on it then is not sent. Before, only the hour it began to load was
    checked, so a convoy loading 2 h before the closure drove its whole 10 h after it."""
    col = make_column(lambda i, s: TruckLeg(10 * 3600.0, 10 * 3600.0, 0.0))  # until 100 h
    rng = np.random.default_rng(0)
    assert col.dispatch(95.0, 0, "dry", rng, 1.0, 1.0) == []  # would arrive at 107 h
    assert col.notes and "before the road closes at +100 h" in col.notes[0]
    (d,) = col.dispatch(88.0, 0, "dry", rng, 1.0, 1.0)  # arrives as the road closes
    assert d.time_h == pytest.approx(100.0)
    slow = make_column(lambda i, s: TruckLeg(10 * 3600.0, 10 * 3600.0, 0.0), driving=12.0)
    assert slow.dispatch(88.0, 0, "dry", rng, 1.0, 1.0) == []  # 2 + 20 h: 110 h
    assert slow.dispatch(78.0, 0, "dry", rng, 1.0, 1.0) != []  # 100 h


def test_a_column_without_until_says_nothing_of_a_road_closing():
    """Without ``until`` the column's last hour is the run's end (supply_specs.truck_spec), not a
    road closing: a convoy that would arrive after the run is not sent, but no run note says
    the road closes (the 2nd Far Eastern Front's 15th Army, which gives no until, had 'before
    the road closes at +432 h (until)')."""
    col = make_column(lambda i, s: TruckLeg(10 * 3600.0, 10 * 3600.0, 0.0), road_closes=False)
    assert col.dispatch(95.0, 0, "dry", np.random.default_rng(0), 1.0, 1.0) == []
    assert col.notes == []


def test_convoys_split_the_column_and_leave_staggered():
    col = make_column(lambda i, s: TruckLeg(3600.0, 3600.0, 0.0), count=10, convoys=3)
    assert col.sizes == [4, 3, 3]
    assert col.ready_h == pytest.approx([0.0, 8.0, 16.0])


def test_march_window_and_column_close_up():
    sched = MarchSchedule(start_hour=6, hours_per_day=10, close_up_h=2.5)
    assert sched.moving_hours_per_day == 7.5
    assert sched.moving_hours(0, 24) == pytest.approx(7.5)
    assert sched.moving_hours(10, 11) == 1.0 and sched.moving_hours(14, 15) == 0.0
    # 1,000 vehicles on 2 roads 50 m apart: 25 km columns; at 20 km/h 1.25 h to close up
    length = column_length_km(1000, 2, 50.0)
    assert length == 25.0
    assert close_up_hours(length, 20.0) == 1.25
    night = MarchSchedule(start_hour=0, hours_per_day=24, night_speed_factor=0.5,
                          night_hours=(21.0, 5.0))
    assert night.speed_factor(23.0) == 0.5 and night.speed_factor(4.5) == 0.5
    assert night.speed_factor(12.0) == 1.0


def test_the_formations_track_opens_marsh_to_its_trucks():
    from logistics.cost.model import CostModel
    from logistics.cost.solver import find_costs
    from logistics.supply.turnaround import along_track

    # 5 x 5 grid of 100 m cells: class 0 costs 1 s/m, class 1 (a marsh column) is impassable
    cls = np.zeros((5, 5), np.uint8)
    cls[:, 2] = 1
    table = np.array([[1.0, 1.0], [np.inf, np.inf]])
    model = CostModel(cls, table, -0.1, 0.2, (100.0, 100.0))
    assert not np.isfinite(find_costs(model, [(2, 0)]).cost[2, 4])
    track = np.zeros((5, 5), bool)
    track[2, :] = True  # the column went straight across
    opened = along_track(model, track)
    cost = find_costs(opened, [(2, 0)]).cost
    # across the track at the worst finite going (1 s/m): 4 cells of 100 m
    assert cost[2, 4] == pytest.approx(400.0)
    assert not np.isfinite(cost[0, 2])  # the rest of the marsh stays closed
    assert model.table.shape == (2, 2)  # the original model is untouched


def test_the_track_keeps_the_going_a_truck_has_on_its_own():
    from logistics.cost.model import CostModel
    from logistics.cost.solver import find_costs
    from logistics.supply.turnaround import along_track

    # a 1 x 10 strip of 10 m cells: steppe (1 s/m) but for one marsh cell (impassable), and
    # forest (3 s/m) elsewhere on the grid, the truck's worst going
    cls = np.zeros((2, 10), np.uint8)
    cls[0, 4] = 1
    cls[1, :] = 2
    table = np.array([[1.0], [np.inf], [3.0]])
    model = CostModel(cls, table, 0.0, 1.0, (10.0, 10.0))
    track = np.zeros((2, 10), bool)
    track[0, :] = True
    cost = find_costs(along_track(model, track), [(0, 0)], stencil=8).cost
    # 7 moves steppe to steppe at 1 s/m, 2 moves half steppe half marsh-at-worst (1 + 3) / 2
    assert cost[0, 9] == pytest.approx(7 * 10 * 1.0 + 2 * 10 * 2.0)
    assert cost[0, 3] == pytest.approx(30.0)  # the steppe along the track is not slowed


def test_the_reserve_is_drawn_anywhere_until_a_carrier_places_it():
    """``ReservePlace``: no carrier, or not yet placed: every element is within reach (0 km);
    placed: the great circle to it, against an independent geodesic (pyproj, WGS84)."""
    from pyproj import Geod

    from logistics.supply.reserve import ReservePlace

    anywhere = ReservePlace()
    assert anywhere.km_from(130.0, 45.0) == 0.0 and anywhere.in_reach(130.0, 45.0)
    r = ReservePlace("army-units", 100.0)
    assert r.in_reach(10.0, 10.0)  # not placed yet
    r.place(121.0, 45.0)
    _, _, m = Geod(ellps="WGS84").inv(121.0, 45.0, 122.0, 45.5)
    assert r.km_from(122.0, 45.5) == pytest.approx(m / 1000.0, rel=5e-3)
    assert r.in_reach(121.5, 45.2) and not r.in_reach(123.0, 45.0)


def test_a_column_cut_off_at_many_places_quotes_a_few_of_them_not_all():
    """Each reason a column could not reach its formation names the formation's place, so a
    column cut off all run long had one reason per place (the 5th Separate Rifle Corps'
    run note quoted 54 in a row, 8 kB). The note quotes the first and the last, counts the
    rest; three or fewer are quoted whole."""
    def leg(i, s):
        return TruckLeg(math.inf, math.inf, math.inf, reason=f"no way to place {i}")

    col = make_column(leg)
    rng = np.random.default_rng(0)
    for h in range(10):
        col.ready_h = [float(h)]
        col.dispatch(float(h), h, "wet", rng, 1.0, 1.0)
    (note,) = col.notes
    assert "in 10 dispatch hour(s)" in note
    assert "no way to place 0; ... 8 more like it" in note and note.endswith("no way to place 9)")
    assert "no way to place 5" not in note
    few = make_column(leg)
    for h in range(3):
        few.ready_h = [float(h)]
        few.dispatch(float(h), h, "wet", rng, 1.0, 1.0)
    assert few.notes[0].endswith("(no way to place 0; no way to place 1; no way to place 2)")
