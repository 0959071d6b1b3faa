"""The convoys' fuel bookkeeping (logistics/advance/resupply.py): every truck that drives
burns its own leg (``Resupply.stops``, ``Resupply.split_burn_l``).

The corridor of tests/test_reserve_convoy.py: east along 47 N from the railhead at km 0; the
trucks drive 30 km an hour and burn 2 L per km of their leg there and back (a leg to km ``k``:
``2 k`` L a truck)."""

from __future__ import annotations

import heapq

import pytest

from logistics.supply.trucks import TruckLeg

from tests.test_reserve_convoy import _loop


def _burning(loop, tank_l: float = 1000.0):
    """``loop``'s column with trucks burning 2 L per km of their leg (there and back) and
    ``tank_l`` litres of their own fuel."""
    col = loop.trucks[0]
    col.leg = lambda i, season: TruckLeg(i / 30.0 * 3600.0, i / 30.0 * 3600.0, 2.0 * i)
    col.truck_tank_l = tank_l
    return loop


@pytest.mark.parametrize("tank_l, eaten_l", [(1000.0, 0.0), (100.0, 6 * 20.0)])
def test_trucks_split_off_burn_their_own_leg(corridor, tank_l, eaten_l):
    """"corridor" (km 30) 1,000 L short, the reserve (carrier at km 60) 3,000 L of room: the
    reserve's load of 8 trucks is timed to "corridor" and 6 of them are split off for the
    reserve's share at the carrier, 60 km out: those 6 burn 6 x 120 L on their own record, the
    2 with the convoy 2 x 60 L. With 100 L tanks the 6 burn 20 L each beyond their tank out of
    their load, 120 L less for the reserve. On main the 6 trucks burned nothing of their own
    (their delivery's ``truck_fuel_l`` 0) and the convoy's record 8 x 60 L: a part sent twice as
    far as its convoy burned as if it had driven with it."""
    from logistics.advance.resupply import RESERVE

    loop = _burning(_loop(corridor, front_full=False, front_km=30.0), tank_l)
    aim = loop.aim(0.0, ["corridor", "carrier"], free=lambda k: k == RESERVE)
    loop.send(0.0, 0, *aim, 3000.0)
    by = {q[2].formation_id: q[2] for q in loop.queue}
    assert by[RESERVE].truck_fuel_l == pytest.approx(6 * 120.0)
    assert by["corridor"].truck_fuel_l == pytest.approx(2 * 60.0)
    assert by[RESERVE].litres == pytest.approx(3000.0 - eaten_l)
    assert by["corridor"].litres == pytest.approx(1000.0)
    offered = 8 * 500.0
    assert sum(d.litres for d in by.values()) == pytest.approx(offered - eaten_l)
    loop.book_due(12.0)
    assert loop.army_day["truck_fuel"] == pytest.approx(6 * 120.0 + 2 * 60.0)


def test_a_share_on_the_way_burns_nothing_of_its_own(corridor):
    """The carrier (km 60) on the way to "corridor" (km 300): the convoy drops the reserve's
    share as it passes; no truck leaves it, so the share has no burn of its own and the
    convoy's 8 trucks burn their 600 L leg each on its record."""
    loop = _burning(_loop(corridor, front_full=False))
    loop.dispatch(0.0)
    by = {q[2].formation_id: q[2] for q in loop.queue}
    assert by["(reserve)"].truck_fuel_l == 0.0
    assert by["corridor,carrier"].truck_fuel_l == pytest.approx(8 * 600.0)


@pytest.mark.parametrize("burned_l, short", [(2400.0, True), (24.0, False)])
def test_a_formation_short_by_its_burn_until_a_load_reaches_it_is_short(corridor, burned_l,
                                                                       short):
    """"corridor" at km 300, its tanks full (2,000 L), having burned ``burned_l`` in the last
    day's march window (06-16 h: 240 L or 2.4 L an hour under way): a load sent at 24 h
    reaches it 2 h loading + 10 h out later, at 12:00 after 6 h under way, when it lacks
    1,440 L (short: more than 1 % of its refill) or 14.4 L (not short). Short, the column's
    load is timed to it, keyed to it, and sized to its 1,440 L and the reserve's 3,000 L of
    room; else the reserve's load goes to the carrier (there at 04:00), with "corridor"'s
    14.4 L until its share reaches it at 12:00 (on main: its 4 L until the convoy reached
    the carrier, 8 h before its share reached it, issue shareback33). On main a formation full
    now never counted as short: the reserve's load drove to the carrier and "corridor" got
    none until its tanks lacked 20 L, its load then 12 h away."""
    from logistics.advance.resupply import RESERVE

    loop = _loop(corridor, front_full=True)
    loop.state["corridor"].consumed_l = burned_l
    served = ["corridor", "carrier"]
    lead = {fid: loop.lead_h(0, fid, 24.0) for fid in served}
    assert lead == {"corridor": pytest.approx(12.0), "carrier": pytest.approx(4.0)}
    want = ("corridor", served, "corridor") if short else ("carrier", served, RESERVE)
    loop.note_burn(24.0)
    assert loop.aim(24.0, served, lead_h=lead.get) == want
    loop.dispatch(24.0)
    sent = sorted((round(q[2].time_h, 6), q[2].formation_id, q[2].litres) for q in loop.queue)
    if short:  # 9 trucks: the reserve's 3,000 L dropped at the carrier on the way
        assert sent == [(28.0, RESERVE, 3000.0), (36.0, "corridor,carrier", 1500.0)]
        assert loop.state["corridor"].en_route_l == pytest.approx(1440.0)
    else:  # 7 trucks for the reserve's room; the 14.4 L "corridor" burns until its share
        # reaches it (at 36 h, 6 h under way) split off
        assert [(h, litres) for h, _, litres in sent] == [(28.0, pytest.approx(3485.6)),
                                                          (36.0, pytest.approx(14.4))]


def _hour(loop, row) -> float:
    """Hours since H-hour of a row of ``loop.deliveries``."""
    return (row["time"] - loop.plan.start).total_seconds() / 3600.0


def _full_reserve_at_4h(corridor):
    """The load of 8 trucks sent at 0 h for "corridor" (km 300, 1,000 L short) drops the
    reserve's 3,000 L at its carrier (km 60) at 4 h; the reserve filled meanwhile (an airlift's
    load, say), the carrier's tanks full."""
    loop = _loop(corridor, front_full=False)
    loop.dispatch(0.0)
    loop.ledger.reserve_l[:] = loop.ledger.reserve_capacity_l
    return loop


def test_a_reserve_share_finding_the_reserve_full_waits_for_a_taker(corridor):
    """The share waits at the carrier with 6 of the convoy's trucks (back at the railhead an
    hour after it is unloaded, plus 1 h unloading and 2 h back) instead of driving back: at
    5 h the carrier, having burned 500 L, takes 500 L; at 6 h the reserve, drawn down by
    1,000 L, takes 1,000 L; the last 1,500 L wait on. Nothing goes back. On main the 3,000 L
    were driven back at 4 h (returned) and the next load for the reserve's room drove them out
    again."""
    from logistics.advance.resupply import RESERVE

    loop = _full_reserve_at_4h(corridor)
    col = loop.trucks[0]
    loop.book_due(4.0)
    assert loop.army_day["returned"] == pytest.approx(0.0)
    assert [(q[2].time_h, q[2].formation_id, q[2].litres) for q in loop.queue
            if q[2].formation_id == RESERVE] == [(5.0, RESERVE, pytest.approx(3000.0))]
    assert loop.reserve_en_route_l == pytest.approx(3000.0)
    assert col.present(0, 4.5) == 12  # 6 wait, 2 drive on to "corridor"
    loop.state["carrier"].elements[0].tanks[:] -= 500.0
    loop.book_due(5.0)
    assert loop.deliveries[-1]["formation_id"] == "carrier"
    assert loop.deliveries[-1]["litres"] == pytest.approx(500.0)
    loop.ledger.reserve_l[:] -= 1000.0
    loop.book_due(6.0)
    assert loop.deliveries[-1]["formation_id"] == RESERVE
    assert loop.deliveries[-1]["litres"] == pytest.approx(1000.0)
    assert col.present(0, 9.5) == 12  # the 6 still wait with 1,500 L (back at 7 + 3 h)
    assert loop.army_day["returned"] == pytest.approx(0.0)
    assert loop.reserve_en_route_l == pytest.approx(1500.0)


def test_a_reserve_share_waits_a_day_at_most(corridor):
    """Nobody at the carrier takes the share and the reserve stays full: it waits from 4 h to
    28 h (WAIT_AT_CARRIER_H, a day) and then goes back, its 3,000 L returned once; its two
    rows are one delivery, each offering its whole 3,000 L: the first, at 4 h, says they wait
    at the carrier, the last that they were driven back. Its trucks are back at 28 + 1 + 2 h.
    On main the row at 4 h offered 0 L and the 3,000 L appeared a day later, under a delivery
    of their own, as driven back (ledger36)."""
    from logistics.advance.resupply import RESERVE, WAIT_AT_CARRIER_H

    loop = _full_reserve_at_4h(corridor)
    for h in range(4, 40):
        loop.book_due(float(h))
        loop.ledger.reserve_l[:] = loop.ledger.reserve_capacity_l
        if h == 4 + WAIT_AT_CARRIER_H - 1:
            assert loop.army_day["returned"] == pytest.approx(0.0)
    assert loop.army_day["returned"] == pytest.approx(3000.0)
    rows = [r for r in loop.deliveries if r["formation_id"] == RESERVE]
    assert [(_hour(loop, r), r["offered_l"], r["litres"]) for r in rows] == [
        (4.0, pytest.approx(3000.0), 0.0), (28.0, pytest.approx(3000.0), 0.0)]
    assert len({r["delivery_id"] for r in rows}) == 1
    assert rows[0]["note"].endswith("3000 L wait with the reserve's carrier")
    assert rows[1]["note"].endswith("3000 L taken by none, driven back")
    assert loop.ledger.returned_l == pytest.approx(3000.0)
    assert loop.reserve_en_route_l == pytest.approx(0.0)
    assert loop.trucks[0].present(0, 30.9) == 14 and loop.trucks[0].present(0, 31.0) == 20


def _full_at_12h(corridor):
    """:func:`_full_reserve_at_4h`'s load: its 1,000 L for "corridor" (km 300) reach it at
    12 h; by then "corridor" has been filled (an airlift's load, say) and the reserve is full,
    the carrier's tanks full."""
    loop = _full_reserve_at_4h(corridor)
    loop.book_due(4.0)  # the reserve's 3,000 L wait at the carrier
    loop.state["corridor"].elements[0].tanks[:] = loop.state["corridor"].elements[0].capacity
    return loop


def test_a_formations_share_finding_it_and_the_reserve_full_waits_with_it(corridor):
    """The share waits with "corridor" with the 2 trucks that brought it, offered again each
    hour, instead of driving back: at 13 h "corridor", having burned 400 L, takes 400 L; the
    600 L left wait on, booked on the road for it. The rows say whom it was for: no
    "(reserve)" row of 0 L. On main its 1,000 L were driven back at 12 h, on a "(reserve)"
    row of 0 L (issue shareback33)."""
    from logistics.advance.resupply import RESERVE

    loop = _full_at_12h(corridor)
    col = loop.trucks[0]
    loop.book_due(12.0)
    assert loop.army_day["returned"] == pytest.approx(0.0)
    assert [(q[2].time_h, q[2].formation_id, q[2].litres) for q in loop.queue
            if q[2].formation_id == "corridor"] == [(13.0, "corridor", pytest.approx(1000.0))]
    assert loop.state["corridor"].en_route_l == pytest.approx(1000.0)
    assert col.present(0, 12.5) < 20  # the 2 trucks wait with it
    assert RESERVE not in {r["formation_id"] for r in loop.deliveries if r["time"].hour == 12}
    loop.state["corridor"].elements[0].tanks[:] -= 400.0
    loop.book_due(13.0)
    last = loop.deliveries[-1]
    assert (last["formation_id"], last["litres"]) == ("corridor", pytest.approx(400.0))
    assert loop.state["corridor"].en_route_l == pytest.approx(600.0)
    assert loop.army_day["returned"] == pytest.approx(0.0)


def test_a_formations_share_nobody_takes_in_a_day_goes_back_and_says_so(corridor):
    """Nobody takes "corridor"'s share and the reserve stays full: it waits from 12 h to 36 h
    (WAIT_AT_CARRIER_H) and goes back (as the reserve's 3,000 L waiting at the carrier from
    4 h to 28 h), its 1,000 L returned once, on a row of 0 L for
    "corridor" whose note says they were driven back; when the reserve has room, a row of
    the reserve's says what "corridor" could not take went into it. On main the rows were the
    reserve's, 0 L, with nothing said."""
    from logistics.advance.resupply import RESERVE

    loop = _full_at_12h(corridor)
    for h in range(12, 50):
        loop.ledger.reserve_l[:] = loop.ledger.reserve_capacity_l
        loop.book_due(float(h))
    assert loop.army_day["returned"] == pytest.approx(3000.0 + 1000.0)  # and the reserve's
    rows = [r for r in loop.deliveries if r["note"].endswith("driven back")]
    assert [(r["formation_id"], r["litres"], r["offered_l"]) for r in rows] == [
        (RESERVE, 0.0, pytest.approx(3000.0)), ("corridor", 0.0, pytest.approx(1000.0))]
    assert "1000 L taken by none, driven back" in rows[1]["note"]
    assert loop.state["corridor"].en_route_l == pytest.approx(0.0)

    loop = _full_at_12h(corridor)
    loop.queue[:] = [q for q in loop.queue if q[2].formation_id != RESERVE]  # not waiting
    heapq.heapify(loop.queue)
    loop.ledger.reserve_l[:] -= 300.0
    loop.book_due(12.0)
    (row,) = [r for r in loop.deliveries if r["time"].hour == 12]
    assert (row["formation_id"], row["litres"]) == (RESERVE, pytest.approx(300.0))
    assert "what corridor could not take into the army's reserve" in row["note"]


def test_split_parts_never_take_more_trucks_than_the_convoy_has():
    """8 trucks of 500 L: parts of 2,250 and 1,250 L fill 5 + 3 trucks; with 500 L staying on
    the convoy one truck is kept, so the second part gets 2 trucks and 1,000 L (250 L stay).
    Parts of 2,250 and 1,750 L with nothing staying fill 5 + 4 trucks: the second part's 3
    left cannot hold its share, so a truck is kept for the rest (it gets 2 trucks, 1,000 L).
    Parts of 2,500 and 1,500 L with nothing staying: 5 + 3 trucks carry both whole, none kept.
    One part alone gets the trucks its share fills."""
    from logistics.advance.resupply import split_parts

    assert split_parts(8, 500.0, [2250.0, 1250.0], 500.0) == [(5, 2250.0), (2, 1000.0)]
    assert split_parts(8, 500.0, [2250.0, 1750.0], 0.0) == [(5, 2250.0), (2, 1000.0)]
    assert split_parts(8, 500.0, [2500.0, 1500.0], 0.0) == [(5, 2500.0), (3, 1500.0)]
    assert split_parts(8, 500.0, [3000.0], 1000.0) == [(6, 3000.0)]


def test_a_convoys_parts_never_take_more_trucks_than_it_has(corridor):
    """An 8-truck convoy of 500 L each (4,000 L) timed to "corridor" (km 30) with its 500 L
    share, "carrier" (km 60, off its way) sharing 2,250 L and the reserve (with "carrier")
    1,250 L: the parts fill 5 + 3 trucks but only 7 leave the convoy: the reserve's part gets
    2 trucks and 1,000 L, its other 250 L stay on the convoy (no longer on the road for the
    reserve) and fuel is conserved. The column's trucks away never exceed its fleet. On main
    the parts took 5 + 3 of the 8 trucks and the convoy kept one more: 9 trucks, the trip's
    record cut to 0 and the parts' 8 booked away on top of the convoy's phantom."""
    from logistics.advance.resupply import RESERVE
    from logistics.supply.delivery import Delivery

    loop = _burning(_loop(corridor, front_full=False, front_km=30.0))
    col = loop.trucks[0]
    col.away[0] = [[5.0, 8, 0]]  # the trip's 8 trucks are away (TruckColumn.dispatch)
    d = Delivery(time_h=3.0, source="rh", kind="truck", litres=4000.0, fuel_type="diesel",
                 truck_fuel_l=8 * 60.0, formation_id="corridor", convoy=0, trucks=8, trip=0)
    loop.state["carrier"].en_route_l = 2250.0
    loop.reserve_en_route_l = 1250.0
    shares = {"corridor": 500.0, "carrier": 2250.0, RESERVE: 1250.0}
    first, others = loop.stops(d, 0, 0.0, shares, "corridor")
    parts = {o.formation_id: o for o in others}
    split = [a[1] for a in col.away[0] if a[2] == -1]
    assert sum(split) <= d.trucks - 1
    assert sum(a[1] for a in col.away[0]) <= d.trucks
    assert col.present(0, 1.0) >= col.sizes[0] - d.trucks
    assert parts[RESERVE].litres == pytest.approx(1000.0)
    assert loop.reserve_en_route_l == pytest.approx(1000.0)
    assert parts["carrier"].litres == pytest.approx(2250.0)
    assert first.litres + sum(o.litres for o in others) == pytest.approx(d.litres)
    assert first.truck_fuel_l == pytest.approx(60.0)


def _convoy(loop, trucks: int, litres: float):
    """A convoy of ``trucks`` trucks (its trip 0, away until 5 h) carrying ``litres`` to
    "corridor" (km 30), arriving at 3 h, each truck burning its 60 L leg there and back."""
    from logistics.supply.delivery import Delivery

    loop.trucks[0].away[0] = [[5.0, trucks, 0]]
    return Delivery(time_h=3.0, source="rh", kind="truck", litres=litres, fuel_type="diesel",
                    truck_fuel_l=trucks * 60.0, formation_id="corridor", convoy=0,
                    trucks=trucks, trip=0)


def test_a_parts_burn_comes_out_of_its_trucks_load_not_its_share(corridor):
    """An 8-truck convoy of 500 L each (4,000 L) to "corridor" (km 30, 1,300 L), the reserve's
    2,700 L split off for its carrier (km 60, off the way) on 6 trucks. With 100 L tanks each
    of the 6 burns 20 L of its load beyond its tank on its 120 L leg: 120 L out of their 3,000 L
    load, which still holds the 2,700 L share whole; the 120 L come off the convoy's load, as
    the convoy's own burn beyond its tanks comes off its trucks' (TruckColumn.per_truck_l),
    and the trucks' fuel is booked as their own (truck_fuel_l). On main the 120 L came off
    the share (2,580 L), the rest of the convoy keeping 1,300 L for 2 trucks, and the 120 L
    stayed on the road for the reserve for ever."""
    from logistics.advance.resupply import RESERVE

    loop = _burning(_loop(corridor, front_full=False, front_km=30.0), tank_l=100.0)
    d = _convoy(loop, 8, 4000.0)
    loop.state["corridor"].en_route_l = 1300.0
    loop.reserve_en_route_l = 2700.0
    first, (part,) = loop.stops(d, 0, 0.0, {"corridor": 1300.0, RESERVE: 2700.0}, "corridor")
    assert (part.formation_id, part.trucks, part.litres) == (RESERVE, 6, pytest.approx(2700.0))
    assert part.truck_fuel_l == pytest.approx(6 * 120.0)
    assert (first.trucks, first.litres) == (2, pytest.approx(4000.0 - 2700.0 - 6 * 20.0))
    assert first.truck_fuel_l == pytest.approx(2 * 60.0)
    assert loop.reserve_en_route_l == pytest.approx(2700.0)


def test_a_part_whose_trucks_cannot_hold_its_share_and_their_burn_gets_what_they_hold(corridor):
    """As above with a 2,950 L share for the reserve: its 6 trucks' 3,000 L less their 120 L
    burn hold 2,880 L; the 70 L of the share they cannot hold stay on the convoy, no longer on
    the road for the reserve, and fuel is conserved (what is carried and what is burned out of
    the load add up to the load). On main the 120 L came off the whole share (2,830 L), and
    stayed on the road for the reserve."""
    from logistics.advance.resupply import RESERVE

    loop = _burning(_loop(corridor, front_full=False, front_km=30.0), tank_l=100.0)
    d = _convoy(loop, 8, 4000.0)
    loop.reserve_en_route_l = 2950.0
    first, (part,) = loop.stops(d, 0, 0.0, {"corridor": 1050.0, RESERVE: 2950.0}, "corridor")
    assert (part.trucks, part.litres) == (6, pytest.approx(2880.0))
    assert first.litres + part.litres + 6 * 20.0 == pytest.approx(d.litres)
    assert loop.reserve_en_route_l == pytest.approx(2880.0)


@pytest.mark.parametrize("shares, parts, burn_l", [
    ({"corridor": 0.0, "carrier": 250.0, "(reserve)": 250.0}, 0, 60.0),  # the truck stays on
    ({"corridor": 0.0, "carrier": 500.0}, 1, 120.0)])  # the truck is the part's
def test_a_one_truck_convoy_splits_into_no_more_parts_than_it_has_trucks(corridor, shares,
                                                                          parts, burn_l):
    """A one-truck convoy (500 L) timed to "corridor" (km 30), its load for takers off its way
    at km 60: the parts' trucks and the rest's add up to its one truck, and only the legs its
    truck drives are burned (60 L to km 30, 120 L to km 60). Two takers off the way: no part
    can have the truck whole, so it stays with the convoy, their shares on it (no longer on
    the road for them). One taker with the whole load: the truck is its part's, away on the
    part's record, and the rest (0 L) stays at the railhead. On main each part was given
    "1 of the trucks", none split off the trip's record: 3 trucks and 300 L of burn for one
    truck with two takers, 2 trucks and 180 L with one."""
    loop = _burning(_loop(corridor, front_full=False, front_km=30.0))
    col = loop.trucks[0]
    d = _convoy(loop, 1, 500.0)
    for fid, litres in shares.items():
        if fid == "carrier":
            loop.state[fid].en_route_l = litres
        elif fid == "(reserve)":
            loop.reserve_en_route_l = litres
    first, others = loop.stops(d, 0, 0.0, dict(shares), "corridor")
    assert len(others) == parts
    assert first.trucks + sum(o.trucks for o in others) == 1
    assert sum(a[1] for a in col.away[0]) == 1
    assert first.litres + sum(o.litres for o in others) == pytest.approx(500.0)
    expected = {k: v for k, v in shares.items() if k == "corridor"}
    stays = loop.stays_at_railhead(first, others, expected, 0)
    burned = sum(o.truck_fuel_l for o in others) + (0.0 if stays else first.truck_fuel_l)
    assert burned == pytest.approx(burn_l)
    assert loop.state["carrier"].en_route_l == pytest.approx(0.0 if parts == 0 else 500.0)
    assert loop.reserve_en_route_l == pytest.approx(0.0)
