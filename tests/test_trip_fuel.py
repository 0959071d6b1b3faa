"""Trucks leave only with litres to deliver beyond their own trip's burn
(logistics/supply/trucks.py ``trucks_for``, ``TruckColumn.dispatch``; logistics/advance/
resupply.py ``Resupply.stays_at_railhead``). Before, a trip whose own fuel ate the whole load
sent every truck present (0 L delivered, the trucks' burn booked), and the rest of a convoy
whose takers were all served by trucks split off still drove to its formation carrying nothing.

The corridor of tests/test_reserve_convoy.py and tests/test_convoy_fuel.py: east along 47 N
from the railhead at km 0; the trucks (500 L of load each) load 2 h, unload 1 h, drive 30 km
an hour and burn 2 L per km of their leg there and back (a leg to km ``k``: ``2 k`` L a
truck); what goes beyond their own tank comes out of their load."""

from __future__ import annotations

import numpy as np
import pytest

from logistics.supply.trucks import TruckColumn, TruckLeg, trucks_for

from tests.test_convoy_fuel import _burning
from tests.test_reserve_convoy import _loop


def test_a_truck_that_would_deliver_nothing_is_not_sent():
    """A truck whose trip eats its whole load carries 0 L: none of the 20 goes (on main all
    20 did, whatever the want)."""
    assert trucks_for(1200.0, 0.0, 20) == 0
    assert trucks_for(float("inf"), 0.0, 20) == 0
    assert trucks_for(1200.0, 500.0, 20) == 3


def _column() -> TruckColumn:
    """20 trucks of 500 L with 100 L tanks: the leg at step 2 burns 700 L a truck (600 L of
    its load: 0 L left, and less), the leg at step 1 30 L (all 500 L delivered)."""
    def leg(i: int, season: str) -> TruckLeg:
        return TruckLeg(3600.0 * i, 3600.0 * i, 700.0 if i == 2 else 30.0)

    return TruckColumn(name="t", count=20, payload_l=500.0, truck_tank_l=100.0,
                       fuel_type="diesel", load_h=2.0, unload_h=1.0,
                       driving_hours_per_day=24.0, start_h=0.0, until_h=100.0, convoys=1,
                       jitter_h=0.0, leg=leg)


def test_a_trip_that_eats_the_load_leaves_the_trucks_and_the_cadence_free():
    """Want 1,200 L where the trip eats the load: nothing is sent, the 20 trucks stay at the
    railhead, the column says why, and the load for that formation does not hold the next
    one: a shorter trip in the same hour sends 3 trucks (1,500 L). On main 20 trucks left
    with 0 L, 20 x 700 L of their own fuel burned, and the next load waited for them."""
    col = _column()
    rng = np.random.default_rng(0)
    assert col.dispatch(0.0, 2, "dry", rng, 1.0, 1.0, wanted_l=1200.0, target="far") == []
    assert col.present(0, 0.0) == 20
    assert col.due == {}
    assert "eats their whole load" in col.blocked
    assert col.free("far", 0.0)
    (d,) = col.dispatch(0.0, 1, "dry", rng, 1.0, 1.0, wanted_l=1200.0, target="far")
    assert (d.trucks, d.litres, d.truck_fuel_l) == (3, 1500.0, 90.0)


def test_a_formation_beyond_the_trucks_trip_gets_no_empty_convoy(corridor):
    """"corridor" at km 300, 1,000 L short; trucks with 50 L tanks burn 600 L on the leg, 550 L
    of their 500 L load: the convoy would deliver nothing, so no truck leaves and none burns.
    On main all 20 drove out with 0 L and burned 20 x 600 L."""
    loop = _burning(_loop(corridor, front_full=False), tank_l=50.0)
    loop.ledger.reserve_l[:] = loop.ledger.reserve_capacity_l  # the reserve wants none
    loop.send(0.0, 0, "corridor", ["corridor", "carrier"], "corridor", 0.0)
    assert list(loop.queue) == []
    assert loop.trucks[0].present(0, 0.0) == 20
    loop.book_due(40.0)
    assert loop.army_day["truck_fuel"] == pytest.approx(0.0)
    assert loop.deliveries == []


def test_the_rest_of_a_convoy_whose_takers_are_all_split_off_stays(corridor):
    """The reserve's load timed to "corridor" (km 30, full): its 3,000 L for the reserve at
    the carrier (km 60, off the way) go on 6 trucks split off, there at 4 h, back at 7 h; the
    convoy keeps nothing and nobody drives to "corridor": no delivery there, and the load is
    there for the column's cadence when its part reaches the carrier (4 h). On main a
    delivery of 0 L was booked at "corridor" at 3 h and the load counted as there then."""
    from logistics.advance.resupply import RESERVE

    loop = _burning(_loop(corridor, front_full=True, front_km=30.0))
    col = loop.trucks[0]
    loop.send(0.0, 0, "corridor", ["corridor", "carrier"], RESERVE, 3000.0)
    sent = [(round(q[2].time_h, 6), q[2].formation_id, round(q[2].litres, 6),
             round(q[2].truck_fuel_l, 6)) for q in sorted(loop.queue)]
    assert sent == [(4.0, RESERVE, 3000.0, 6 * 120.0)]
    assert list(col.due[RESERVE].values()) == [pytest.approx(4.0)]
    assert col.present(0, 6.9) == 14 and col.present(0, 7.0) == 20
    assert loop.state["corridor"].en_route_l == pytest.approx(0.0)
    loop.book_due(10.0)
    assert float(loop.ledger.reserve_l.sum()) == pytest.approx(3000.0)
    assert loop.army_day["truck_fuel"] == pytest.approx(6 * 120.0)
    assert loop.reserve_en_route_l == pytest.approx(0.0)
    assert {r["formation_id"] for r in loop.deliveries} == {RESERVE}


def test_a_column_whose_trip_to_the_first_formation_eats_its_load_serves_the_next(corridor):
    """"corridor" (first in priority, km 300) and "carrier" (km 60) each 1,000 L short, the
    reserve full; trucks with 50 L tanks: the 600 L leg to "corridor" eats their whole load,
    the 120 L leg to "carrier" 70 L of it (430 L a truck). The column is timed to "carrier":
    3 trucks (1,290 L) there at 2 + 2 = 4 h. On main it was timed to "corridor" and its 20
    trucks drove there with 0 L, "carrier" getting nothing."""
    loop = _burning(_loop(corridor, front_full=False), tank_l=50.0)
    loop.state["carrier"].elements[0].tanks[:] -= 1000.0
    loop.ledger.reserve_l[:] = loop.ledger.reserve_capacity_l
    loop.dispatch(0.0)
    sent = [(round(q[2].time_h, 6), q[2].formation_id, q[2].trucks, round(q[2].litres, 6))
            for q in sorted(loop.queue)]
    assert sent == [(4.0, "carrier", 3, 1290.0)]
    assert loop.trucks[0].present(0, 0.0) == 17


def test_a_column_with_no_trip_that_delivers_says_why(corridor):
    """Both formations beyond the trucks' trip (50 L tanks, "carrier" moved to km 280): nothing
    is sent, and the day's record says why."""
    loop = _burning(_loop(corridor, front_full=False), tank_l=50.0)
    for e in loop.state["carrier"].elements:
        e.s = 280.0
    loop.state["carrier"].elements[0].tanks[:] -= 1000.0
    loop.ledger.reserve_l[:] = loop.ledger.reserve_capacity_l
    loop.dispatch(0.0)
    assert list(loop.queue) == []
    assert "eats their whole load" in " ".join(loop.army_day["blocked"].values())


def test_no_part_leaves_for_a_taker_whose_leg_eats_its_load(corridor):
    """The reserve's load timed to "corridor" (km 30, 1,000 L short), the reserve's carrier at
    km 280 (off the way), trucks with 50 L tanks: the 560 L leg to the carrier eats a truck's
    whole load, the 60 L leg to "corridor" 10 L of it. No truck is split off for the
    reserve's share: nobody drives to km 280, the whole load rides to "corridor" (it takes its
    1,000 L, the rest into the reserve there) and nothing is on the road for the reserve. On
    main 6 trucks drove to km 280 and back with 0 L, burning 6 x 560 L."""
    from logistics.advance.resupply import RESERVE

    loop = _burning(_loop(corridor, front_full=False, front_km=30.0), tank_l=50.0)
    for e in loop.state["carrier"].elements:
        e.s = 280.0
    loop.locate_reserve()
    loop.send(0.0, 0, "corridor", ["corridor", "carrier"], RESERVE, 3000.0)
    sent = [(round(q[2].time_h, 6), q[2].formation_id, q[2].trucks) for q in sorted(loop.queue)]
    assert [s[:2] for s in sent] == [(3.0, "corridor")]
    assert loop.reserve_en_route_l == pytest.approx(0.0)
    loop.book_due(10.0)
    d = sent[0][2]
    assert loop.army_day["truck_fuel"] == pytest.approx(d * 60.0)
    assert loop.tanks_of("corridor") == pytest.approx(2000.0)
    # its whole load offered on its row, the rest waiting at "corridor" in it
    offered = sum({r["delivery_id"]: r["offered_l"] for r in loop.deliveries}.values())
    waiting = sum(q[2].litres for q in loop.queue)
    assert offered == pytest.approx(d * 490.0)
    assert offered == pytest.approx(sum(r["litres"] for r in loop.deliveries)
                                    + loop.army_day["returned"] + waiting)


def test_a_one_truck_convoys_truck_drives_only_its_parts_leg(corridor):
    """One truck at the railhead (19 away till 50 h), the reserve's load timed to "corridor"
    (km 30, full): its 500 L for the reserve go on the truck to the carrier (km 60, off the
    way), there at 4 h and back at 4 + 1 + 2 = 7 h, burning 120 L; nothing drives to
    "corridor". On main the rest's 0 L delivery at "corridor" burned another 60 L and the
    truck counted back at 5 h."""
    from logistics.advance.resupply import RESERVE

    loop = _burning(_loop(corridor, front_full=True, front_km=30.0))
    col = loop.trucks[0]
    col.away[0] = [[50.0, 19, 99]]
    loop.send(0.0, 0, "corridor", ["corridor", "carrier"], RESERVE, 3000.0)
    sent = [(round(q[2].time_h, 6), q[2].formation_id, round(q[2].litres, 6),
             round(q[2].truck_fuel_l, 6)) for q in sorted(loop.queue)]
    assert sent == [(4.0, RESERVE, 500.0, 120.0)]
    assert col.present(0, 6.9) == 0 and col.present(0, 7.0) == 1
    loop.book_due(10.0)
    assert loop.army_day["truck_fuel"] == pytest.approx(120.0)


def test_a_part_leaves_for_a_share_its_trucks_load_holds_beyond_their_burn(corridor):
    """A load timed to "corridor" (km 30, 1,000 L short) with 50 L of room in the reserve,
    carried by "carrier" at km 60 (off the way); trucks with 50 L tanks: the leg to the
    carrier burns 60 L a truck more beyond the tank than the leg to "corridor", more than the
    reserve's 50 L share but not than the truck's 490 L load. One truck leaves for it, its
    burn out of its load, as the convoy's own is (TruckColumn.per_truck_l): it brings the
    50 L whole, burning 120 L; the other 2 drive to "corridor" (2 x 60 L). On main the burn
    came off the 50 L share, so no truck left for it, the share riding to "corridor" (before
    that, tripfuel35, one truck drove to km 60 and back with 0 L)."""
    from logistics.advance.resupply import RESERVE

    loop = _burning(_loop(corridor, front_full=False, front_km=30.0), tank_l=50.0)
    loop.ledger.reserve_l[:] = loop.ledger.reserve_capacity_l - 50.0
    loop.send(0.0, 0, "corridor", ["corridor", "carrier"], "corridor", 50.0)
    sent = {q[2].formation_id: (q[2].trucks, round(q[2].litres, 6)) for q in loop.queue}
    assert sent == {"corridor": (2, 3 * 490.0 - 50.0 - 60.0), RESERVE: (1, 50.0)}
    assert loop.reserve_en_route_l == pytest.approx(50.0)
    loop.book_due(10.0)
    assert loop.army_day["truck_fuel"] == pytest.approx(2 * 60.0 + 120.0)
    assert all(r["offered_l"] > 1.0 for r in loop.deliveries)
