"""A convoy whose load the formations on its way take whole turns back after its last taker
(logistics/advance/resupply.py ``Resupply.turn_back``), rather than driving on to the
formation it was timed to and back for nothing.

The corridor of tests/test_reserve_convoy.py and tests/test_convoy_fuel.py: east along 47 N
from the railhead at km 0; the trucks load 2 h, unload 1 h, drive 30 km an hour and burn 2 L per
km of their leg there and back (a leg to km ``k``: ``2 k`` L a truck). "corridor" (first in
priority) stands at km 30, "carrier" (the reserve's carrier) at km 60, both 1,000 L short."""

from __future__ import annotations

import pytest

from tests.test_convoy_fuel import _burning
from tests.test_reserve_convoy import _loop


def _two_trucks_for_carrier(corridor, tank_l: float = 1000.0, kind: str = "truck"):
    """The loop with 2 of its 20 trucks at the railhead (18 away till 50 h) and a load sent at
    0 h timed to "carrier" (km 60), shared in priority order: "corridor" (km 30, on its way)
    first, the reserve given no room. ``kind`` "river": the column is a river supply source's
    ships (the same legs)."""
    loop = _burning(_loop(corridor, front_full=False, front_km=30.0), tank_l)
    loop.state["carrier"].elements[0].tanks[:] -= 1000.0
    col = loop.trucks[0]
    col.kind = kind
    col.away[0] = [[50.0, 18, 99]]
    loop.send(0.0, 0, "carrier", ["corridor", "carrier"], "carrier", 0.0)
    return loop


@pytest.mark.parametrize("kind", ["truck", "river"])
def test_a_convoy_the_formations_on_its_way_empty_turns_back_after_the_last(corridor, kind):
    """2 trucks of 500 L timed to "carrier" (km 60, there at 2 + 2 = 4 h): "corridor" (km 30,
    on the way, reached at 3 h) takes the whole 1,000 L. The trucks turn back there: their
    trip is railhead - km 30 - railhead, back at 3 + 1 + 1 = 5 h, each burning 60 L (not 120 L),
    and nothing is on the road for "carrier". Ships the same (a flotilla sails to its takers).
    On main they drove on to km 60 (a delivery of 0 L at 4 h burning 2 x 120 L) and were back
    at 7 h."""
    loop = _two_trucks_for_carrier(corridor, kind=kind)
    col = loop.trucks[0]
    sent = [(q[2].time_h, q[2].formation_id, q[2].litres, q[2].truck_fuel_l)
            for q in sorted(loop.queue)]  # in the order booked: its share, then the rest
    assert sent == [(pytest.approx(3.0), "corridor", pytest.approx(1000.0), 0.0),
                    (pytest.approx(3.0), "corridor", pytest.approx(0.0), pytest.approx(120.0))]
    assert col.present(0, 4.9) == 0 and col.present(0, 5.0) == 2
    assert loop.state["carrier"].en_route_l == pytest.approx(0.0)
    loop.book_due(10.0)
    assert loop.army_day["truck_fuel"] == pytest.approx(2 * 60.0)
    assert loop.tanks_of("corridor") == pytest.approx(2000.0)
    assert loop.army_day["returned"] == pytest.approx(0.0)
    assert loop.state["corridor"].en_route_l == pytest.approx(0.0)
    turned = [r for r in loop.deliveries if "turned back" in r["note"]]
    assert len(turned) == 1 and "its last taker, corridor, 1.0 h short of carrier" \
        in turned[0]["note"]


def test_the_load_a_shorter_trip_no_longer_burns_is_handed_to_the_last_taker(corridor):
    """With 100 L tanks the trucks' 120 L leg to "carrier" eats 20 L of each load (480 L a
    truck, 960 L for "corridor"); turned back at km 30 their 60 L leg eats none, so the 40 L
    ride on and are handed to "corridor" with the convoy's rest: it is full, and every litre
    offered is taken or driven back. On main "corridor" got 960 L and the trucks burned
    240 L."""
    loop = _two_trucks_for_carrier(corridor, tank_l=100.0)
    loop.book_due(10.0)
    assert loop.tanks_of("corridor") == pytest.approx(2000.0)
    assert loop.army_day["truck_fuel"] == pytest.approx(120.0)
    offered = sum({r["delivery_id"]: r["offered_l"] for r in loop.deliveries}.values())
    taken = sum(r["litres"] for r in loop.deliveries)
    assert offered == pytest.approx(1000.0)
    assert offered == pytest.approx(taken + loop.army_day["returned"])


def test_a_convoy_with_a_share_where_it_is_timed_drives_there(corridor):
    """4 trucks (2,000 L): "corridor" takes 1,000 L on the way, "carrier" the other 1,000 L at
    km 60 at 4 h: the trip ends there as before (back at 7 h, 4 x 120 L)."""
    loop = _burning(_loop(corridor, front_full=False, front_km=30.0))
    loop.state["carrier"].elements[0].tanks[:] -= 1000.0
    col = loop.trucks[0]
    col.away[0] = [[50.0, 16, 99]]
    loop.send(0.0, 0, "carrier", ["corridor", "carrier"], "carrier", 0.0)
    assert not any("turned back" in q[2].note for q in loop.queue)
    assert col.present(0, 6.9) == 0 and col.present(0, 7.0) == 4
    loop.book_due(10.0)
    assert loop.army_day["truck_fuel"] == pytest.approx(4 * 120.0)


def test_the_shares_of_one_trip_waiting_with_their_takers_keep_no_more_trucks_than_it_has(
        corridor):
    """An 8-truck trip of 500 L a truck (trip 0, its 8 trucks away till 20 h): three of its
    shares, 1,250, 1,250 and 1,500 L, find "corridor" and the reserve full at 3 h and wait
    with it (Resupply.wait_with_taker). Their trucks rounded up are 3 + 3 + 3, one more than
    the trip has: the last keeps the 2 left, so the trip's trucks away stay 8 and the column's
    20 - 8 are at the railhead. On main each share split off its 3 trucks whatever the trip
    had left: 9 trucks away, the column one short at its railhead until they were back."""
    from logistics.supply.delivery import Delivery

    loop = _loop(corridor, front_full=True, front_km=30.0)
    loop.ledger.reserve_l[:] = loop.ledger.reserve_capacity_l
    col = loop.trucks[0]
    col.away[0] = [[20.0, 8, 0]]
    for litres in (1250.0, 1250.0, 1500.0):
        d = Delivery(time_h=3.0, source="rh", kind="truck", litres=litres, fuel_type="diesel",
                     formation_id="corridor", convoy=0, trucks=8, trip=0)
        loop.convoy_shares[id(d)] = (0, None, None, "corridor")
        loop.expected[id(d)] = {"corridor": litres}
        loop.state["corridor"].en_route_l += litres
        loop.book(d)
    assert sum(a[1] for a in col.away[0]) == 8
    assert col.present(0, 3.5) == 12
    waiting = [q[2] for q in loop.queue]
    assert sum(d.litres for d in waiting) == pytest.approx(4000.0)
    assert loop.army_day["returned"] == pytest.approx(0.0)
