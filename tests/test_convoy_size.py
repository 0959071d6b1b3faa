"""A convoy the size of the need: a column sends the trucks its formations' want fills
(rounded up to whole trucks) and keeps the rest at the railhead for the next want
(logistics/supply/trucks.py ``trucks_for``, ``TruckColumn.dispatch``). Before, a convoy went out
whole for any want and drove back what nobody took (the 6th Guards Tank Army's 1,000 trucks on
9-10 Aug: 10 ML back)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from logistics.advance.simulate import simulate_army
from logistics.supply.trucks import TruckColumn, TruckLeg

from tests.test_advance import truck_column


def test_trucks_for_rounds_the_want_up_to_whole_trucks():
    from logistics.supply.trucks import trucks_for

    assert trucks_for(1200.0, 500.0, 20) == 3  # 1,500 L: the last truck's round-up
    assert trucks_for(1500.0, 500.0, 20) == 2 + 1  # exactly three loads
    assert trucks_for(1.5, 500.0, 20) == 1
    assert trucks_for(1e6, 500.0, 20) == 20  # no more than are at the railhead
    assert trucks_for(float("inf"), 500.0, 20) == 20
    assert trucks_for(1200.0, 0.0, 20) == 0  # a truck that carries nothing: none (tripfuel35)


def _column(count: int = 20) -> TruckColumn:
    """20 trucks of 500 L, 2 h loading, 1 h out and 1 h back, 30 L of their own fuel each."""
    return TruckColumn(name="t", count=count, payload_l=500.0, truck_tank_l=1000.0,
                       fuel_type="diesel", load_h=2.0, unload_h=1.0,
                       driving_hours_per_day=24.0, start_h=0.0, until_h=100.0, convoys=1,
                       jitter_h=0.0, leg=lambda i, s: TruckLeg(3600.0, 3600.0, 30.0))


def test_a_column_sends_the_trucks_the_want_fills_and_keeps_the_rest():
    """Want 1,200 L at 00:00: 3 trucks go (1,500 L, 90 L of their own fuel), arriving at
    +3 h (2 h loading, 1 h out) and back at +5 h (1 h unloading, 1 h back); the other 17 stay
    at the railhead, ready again when the 3 reach their formation. On main all 20 went
    (10,000 L for a want of 1,200 L, 600 L of their own fuel) and were away until +5 h."""
    col = _column()
    rng = np.random.default_rng(0)
    (d,) = col.dispatch(0.0, 1, "dry", rng, 1.0, 1.0, wanted_l=1200.0)
    assert (d.trucks, d.litres, d.truck_fuel_l, d.time_h) == (3, 1500.0, 90.0, 3.0)
    assert col.present(0, 0.0) == 17
    assert col.dispatch(1.0, 1, "dry", rng, 1.0, 1.0, wanted_l=1e9) == []  # one load at a time
    (d2,) = col.dispatch(3.0, 1, "dry", rng, 1.0, 1.0, wanted_l=1e9)  # the 17 left
    assert (d2.trucks, d2.litres, d2.time_h) == (17, 8500.0, 6.0)
    assert col.present(0, 4.9) == 0
    assert col.present(0, 5.0) == 3  # the first three are back
    (d3,) = col.dispatch(6.0, 1, "dry", rng, 1.0, 1.0, wanted_l=1e9)
    assert d3.trucks == 3  # the 17 are away until +8 h
    assert col.present(0, 8.0) == 17


def test_a_load_carries_what_its_formations_burn_until_it_is_there():
    """Want 1,200 L, the formations burning 150 L an hour: 2 h loading and 1 h out make
    1,650 L at the load's arrival, 4 trucks (3 without the burn)."""
    col = _column()
    (d,) = col.dispatch(0.0, 1, "dry", np.random.default_rng(0), 1.0, 1.0, wanted_l=1200.0,
                        want_at=lambda h: 1200.0 + 150.0 * h)
    assert (d.trucks, d.litres) == (4, 2000.0)


def test_trucks_split_off_for_another_formation_come_out_of_their_load():
    """Of a load of 5 trucks (trip 0), 2 sent straight to a formation off its way and back at
    +9 h: the column counts 5 trucks away, not 7 (the 15 at the railhead stay free), and the
    other 3 are back with their load's trip at +5 h."""
    col = _column()
    (d,) = col.dispatch(0.0, 1, "dry", np.random.default_rng(0), 1.0, 1.0, wanted_l=2500.0)
    assert d.trucks == 5 and d.trip == 0
    col.split_off(0, 2, 9.0, trip=d.trip)
    assert col.present(0, 1.0) == 15
    assert col.present(0, 5.0) == 18
    assert col.present(0, 9.0) == 20


def test_no_convoy_drives_back_a_refill(corridor):
    """One formation (10 tanks of 200 L, full at the start: a refill of 2,000 L) supplied by 20
    trucks of 500 L (10,000 L a trip) and no reserve: no load drives back as much as the
    refill (a load is the lack and the burn until it is there, at the average rate, which the
    night halts make too high or too low), and the trucks' own fuel follows the trucks sent.
    On main the first convoy went whole for the first hour's burn and drove back more than
    8,000 L, and every other one about as much."""
    spec = dataclasses.replace(
        truck_column(20, payload_l=500.0),
        leg=lambda i, season: TruckLeg(i / 30.0 * 3600.0, i / 30.0 * 3600.0, 10.0))
    r = simulate_army(corridor(trucks=(spec,), days=3))
    dl = r.deliveries[r.deliveries["kind"] == "truck"]
    assert len(dl)
    trips = dl.groupby("delivery_id").agg(offered=("offered_l", "first"),
                                          taken=("litres", "sum"),
                                          truck_fuel=("truck_fuel_l", "first"),
                                          note=("note", "first"))
    assert (trips["offered"] - trips["taken"] < 2000.0).all()
    trucks = trips["note"].str.extract(r"^(\d+) trucks")[0].astype(int)
    waited = trips["note"].str.contains("waited with")  # their burn is on their first row
    assert np.allclose(trips["truck_fuel"], np.where(waited, 0.0, 10.0 * trucks))
    assert r.army_daily["returned_l"].sum() < 5000.0


def test_the_ships_are_aimed_by_the_trucks_one_rule_among_the_formations_they_reach(corridor):
    """Resupply.aim with ``reachable`` (what Resupply.dispatch_river calls): the first
    formation in priority that wants fuel among those the ships reach, its load shared from it
    on among them; None when none of them wants any and the reserve has no room. Before,
    dispatch_river repeated aim's rule in a copy of its own."""
    from logistics.advance.simulate import _Loop
    from tests.test_convoy_priority import _near_and_far

    loop = _Loop(_near_and_far(corridor, ()), 0)
    served = ["near", "corridor"]
    assert loop.aim(0.0, served) is None  # full tanks, no room in the reserve
    for e in loop.state["near"].elements:
        e.tanks[:] = 0.0
    assert loop.aim(0.0, served) == ("near", ["near", "corridor"], "near")
    assert loop.aim(0.0, served, reachable=lambda fid: fid != "near") is None
    for e in loop.state["corridor"].elements:
        e.tanks[:] = 0.0
    assert loop.aim(0.0, served, reachable=lambda fid: fid != "near") == \
        ("corridor", ["corridor"], "corridor")


def test_a_formations_next_load_waits_for_its_last_the_others_leave_with_the_trucks_left():
    """Per formation cadence (TruckColumn.next_h): 3 trucks sent at 00:00 for formation "a"
    (1,200 L) arrive at +3 h. At +1 h the 17 left at the railhead may not go to "a" (its load
    is on the road) but go for "b"; "a"'s next load may leave at +3 h, when its last is there.
    On main the 17 waited for the first load's arrival whoever wanted fuel (one load at a time
    per convoy): the trucks left at the railhead stood a whole drive-out."""
    col = _column()
    rng = np.random.default_rng(0)
    (d,) = col.dispatch(0.0, 1, "dry", rng, 1.0, 1.0, wanted_l=1200.0, target="a")
    assert (d.trucks, d.time_h) == (3, 3.0)
    assert (col.free("a", 1.0), col.free("b", 1.0)) == (False, True)
    assert col.dispatch(1.0, 1, "dry", rng, 1.0, 1.0, wanted_l=1e9, target="a") == []
    (db,) = col.dispatch(1.0, 1, "dry", rng, 1.0, 1.0, wanted_l=2000.0, target="b")
    assert (db.trucks, db.time_h) == (4, 4.0)
    assert col.next_h(0, "a") == 3.0 and col.next_h(0, "b") == 4.0
    (d2,) = col.dispatch(3.0, 1, "dry", rng, 1.0, 1.0, wanted_l=1e9, target="a")
    assert d2.trucks == 13  # the 20 less the 3 (back at +5 h) and the 4 for "b"


def test_a_convoy_is_timed_to_the_first_formation_its_column_is_free_to_send_to(corridor):
    """Resupply.aim with ``free`` (what dispatch_trucks passes: TruckColumn.free): with a
    load for "near" on the road, the convoy is timed to "corridor", the next that wants fuel,
    and its load is shared in priority order ("near" first: tests/test_share_priority.py);
    None when neither is free and the reserve has no room. On main aim timed it to "near" and
    the column sent nothing."""
    from logistics.advance.simulate import _Loop
    from tests.test_convoy_priority import _near_and_far

    loop = _Loop(_near_and_far(corridor, ()), 0)
    for fid in ("near", "corridor"):
        for e in loop.state[fid].elements:
            e.tanks[:] = 0.0
    served = ["near", "corridor"]
    assert loop.aim(0.0, served, free=lambda k: k != "near") == \
        ("corridor", ["near", "corridor"], "corridor")
    assert loop.aim(0.0, served, free=lambda k: False) is None


def test_a_loads_margin_is_its_formations_burn_of_the_last_day(corridor):
    """Resupply.burn_l_per_h from the hourly samples (Resupply.note_burn): a formation that
    burned 100 L an hour for two days and then stood a day burns 0 L an hour at +72 h (on
    main its average since H-hour, 4,800 / 72 = 67 L an hour, kept loading convoys for it);
    at +48 h 100 L an hour; in the first day its average since H-hour, as before."""
    from logistics.advance.simulate import _Loop
    from tests.test_convoy_priority import _near_and_far

    loop = _Loop(_near_and_far(corridor, ()), 0)
    st = loop.state["near"]
    for h in range(73):
        st.consumed_l = 100.0 * min(h, 48)
        loop.note_burn(float(h))
        if h == 12:
            assert loop.burn_l_per_h("near", 12.0) == pytest.approx(100.0)
        if h == 48:
            assert loop.burn_l_per_h("near", 48.0) == pytest.approx(100.0)
    assert loop.burn_l_per_h("near", 72.0) == pytest.approx(0.0)


def test_a_load_books_the_burn_it_carries_on_the_road_for_its_formations(corridor):
    """Two formations, "near" empty (2,000 L short) and "corridor" 500 L short, both having
    burned 1,000 L in their march window (06-16 h) by 16 h: 100 L an hour under way; 20 trucks
    of 500 L. A load sent at 10 h timed to "near" carries each one's lack and burn until it
    arrives, at most its tanks' room ("near", empty, cannot burn: its 2,000 L), and books them
    on the road for each (en_route_l); a load timed to "corridor" in the same hour then finds
    nothing wanted and is not sent. Before, the share booked was the lack alone, and each
    load timed to another formation carried the burn of all of them again (with a load on the
    road for each formation, 9.8 ML driven back in `logistics run configs/`). On main "near"'s
    share was its lack and its burn, more than its tanks hold (issue shareback33)."""
    from logistics.advance.simulate import _Loop
    from tests.test_advance import truck_column
    from tests.test_convoy_priority import _near_and_far

    loop = _Loop(_near_and_far(corridor, (truck_column(20, payload_l=500.0),)), 0)
    for fid, left in (("near", 0.0), ("corridor", None)):
        for e in loop.state[fid].elements:
            e.tanks[:] = left if left is not None else e.tanks - 500.0 / len(e.tanks)
        loop.state[fid].consumed_l = 1000.0  # 100 L an hour under way (06-16 h) at +16 h
    lack = {fid: loop.need_l(fid) for fid in ("near", "corridor")}
    room = sum(float(e.capacity.sum()) for e in loop.state["near"].elements)
    assert lack["near"] == pytest.approx(room)
    loop.send(16.0, 0, "near", ["near", "corridor"], "near", 0.0)
    (d,) = [q[2] for q in loop.queue if q[2].formation_id.startswith("near")]
    ahead = loop.fp["corridor"].schedule["dry"].moving_hours(16.0, d.time_h)
    assert loop.state["near"].en_route_l == pytest.approx(room)
    assert loop.state["corridor"].en_route_l == pytest.approx(500.0 + 100.0 * ahead)
    n = len(loop.queue)
    loop.send(16.0, 0, "corridor", ["corridor", "near"], "corridor", 0.0)
    assert len(loop.queue) == n


def test_a_formation_halted_by_its_window_is_loaded_no_burn_for_its_halt(corridor):
    """"corridor" marched its first window (06-16 h) burning 1,000 L, and is full at 17 h: a
    load reaching it 10 h later (03:00, its window closed until 06:00) finds it as full as now,
    so it is not short and nothing is loaded for its burn; a load reaching it at 10:00 next
    day carries 4 h of its march, 400 L. On main its burn since H-hour (1,000 L in 17 h) was
    spread over every hour to come: 588 L loaded for the night's halt, and it counted as short
    (the 6th Guards Tank Army's army units took 0 of 72.6 kL so, issue shareback33)."""
    from logistics.advance.simulate import _Loop

    loop = _Loop(corridor(), 0)
    loop.state["corridor"].consumed_l = 1000.0
    loop.note_burn(17.0)
    assert not loop.wants_fuel("corridor", 17.0, 10.0)
    assert loop.burn_ahead_l("corridor", 17.0, 10.0) == pytest.approx(0.0)
    assert loop.burn_ahead_l("corridor", 17.0, 17.0) == pytest.approx(400.0)


def test_a_load_held_at_a_river_holds_its_formations_next_load():
    """A load for "a" due at +3 h, held behind its formation's ferrying (all across at +20 h):
    "a"'s next load waits for it until it is there (+20 h), "b"'s does not wait at all."""
    col = _column()
    (d,) = col.dispatch(0.0, 1, "dry", np.random.default_rng(0), 1.0, 1.0, wanted_l=1200.0,
                        target="a")
    held = col.held_at_river(d, (20.0,), False)
    assert held.time_h == 20.0
    assert (col.next_h(0, "a"), col.next_h(0, "b")) == (20.0, 0.0)


def test_a_column_split_into_convoys_keeps_one_load_at_a_time_to_a_formation():
    """20 trucks of 500 L in two convoys of 10 (the second ready at +12 h), 2 h loading and
    20 h out. At 00:00 "a" wants 15,000 L: the first convoy's 10 go (5,000 L, there at
    +22 h). At +12 h the second convoy is ready and "a" still wants what nothing on the road
    brings, but the column's load for "a" is on its way: its next leaves at +22 h
    (TruckColumn.next_h), and the second convoy's trucks go for "b" meanwhile. Both convoys at
    the railhead in the same hour send one load (+60 h, for "c"): it waits for the last of
    their trips, one held at a river holding it. On main each convoy kept its own record: the
    second convoy sent a second load to "a" at +12 h (a split column had as many loads on the
    road to one formation as it had convoys), and a held trip held only its own convoy."""
    col = TruckColumn(name="t", count=20, payload_l=500.0, truck_tank_l=1000.0,
                      fuel_type="diesel", load_h=2.0, unload_h=1.0,
                      driving_hours_per_day=24.0, start_h=0.0, until_h=1000.0, convoys=2,
                      jitter_h=0.0, leg=lambda i, s: TruckLeg(20 * 3600.0, 20 * 3600.0, 0.0))
    rng = np.random.default_rng(0)
    (d,) = col.dispatch(0.0, 1, "dry", rng, 1.0, 1.0, wanted_l=15000.0, target="a")
    assert (d.convoy, d.trucks, d.time_h) == (0, 10, 22.0)
    assert col.ready_h == [0.0, 12.0]
    assert not col.free("a", 12.0) and col.free("b", 12.0)
    assert col.dispatch(12.0, 1, "dry", rng, 1.0, 1.0, wanted_l=10000.0, target="a") == []
    (db,) = col.dispatch(12.0, 1, "dry", rng, 1.0, 1.0, wanted_l=10000.0, target="b")
    assert (db.convoy, db.trucks) == (1, 10)
    assert (col.next_h(1, "a"), col.free("a", 22.0)) == (22.0, False)  # its 10 are away
    both = col.dispatch(60.0, 1, "dry", rng, 1.0, 1.0, wanted_l=1e9, target="c")
    assert [(x.convoy, x.trucks, x.time_h) for x in both] == [(0, 10, 82.0), (1, 10, 82.0)]
    assert (col.next_h(0, "c"), col.next_h(1, "c")) == (82.0, 82.0)
    col.held_at_river(both[1], (90.0,), False)
    assert (col.next_h(0, "c"), col.next_h(1, "c")) == (90.0, 90.0)


def test_a_load_for_the_reserves_room_serves_the_formations_short_of_fuel_first(corridor):
    """Two formations ("near" first in priority) and a reserve with 3,000 L of room; 20
    trucks of 500 L, 19 of them away until +1 h. At 00:00 "near" is empty (2,000 L short):
    the one truck at the railhead goes for it (500 L, there at +2 h). At +1 h the 19 are back
    and "near" still lacks 1,500 L that nothing on the road brings, but the column's load for
    it is on its way (TruckColumn.next_h): the load leaves keyed to the reserve's room and is
    shared as any load, "near"'s 1,500 L first, then the reserve's 3,000 (9 trucks). On main
    it went for the reserve alone (6 trucks), unloading at "near" and giving it none."""
    from logistics.advance.resupply import RESERVE
    from logistics.advance.simulate import _Loop
    from tests.test_advance import truck_column
    from tests.test_convoy_priority import _near_and_far

    plan = dataclasses.replace(_near_and_far(corridor, (truck_column(20, payload_l=500.0),)),
                               reserve_l={"diesel": 0.0}, reserve_capacity_l={"diesel": 3000.0})
    loop = _Loop(plan, 0)
    col = loop.trucks[0]
    col.split_off(0, 19, 1.0)
    for e in loop.state["near"].elements:
        e.tanks[:] = 0.0
    loop.dispatch(0.0)
    assert loop.state["near"].en_route_l == pytest.approx(500.0)
    assert not col.free("near", 1.0) and col.free(RESERVE, 1.0)
    before = {id(q[2]) for q in loop.queue}
    loop.dispatch(1.0)
    (d,) = [q[2] for q in loop.queue if id(q[2]) not in before]
    assert (d.trucks, d.formation_id.split(",")[0]) == (9, "near")  # timed to it, then by
    assert loop.state["near"].en_route_l == pytest.approx(2000.0)
    assert loop.reserve_en_route_l == pytest.approx(3000.0)
