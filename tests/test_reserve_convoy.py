"""A load for the army's reserve goes where the reserve is: its carrier's head
(``fuel.reserve_reach_km.carrier``, logistics/advance/resupply.py ``Resupply.aim``,
``Resupply.stops``). Before, a load keyed to the reserve was timed to the first formation
moving, and every load's share for the reserve went into it wherever the convoy unloaded (the
36th Army's loads for the reserve drove to its 205th Tank Brigade, up to 240 km beyond the
rifle divisions carrying the reserve).

The corridor runs east along 47 N from the railhead at km 0 (117 E); the trucks drive 30 km an
hour, load 2 h and unload 1 h; the front formation "corridor" (first in priority) stands at km
300, the reserve's carrier at km 60, on the straight line between them."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pytest

from tests.test_advance import truck_column


def _loop(corridor, *, front_full: bool, front_km: float = 300.0):
    """The step loop at H-hour: 20 trucks of 500 L at the railhead (117 E, 47 N), a reserve of
    3,000 L of room carried by "carrier" (km 60); "corridor" at ``front_km``, its tanks full or
    (``front_full=False``) 1,000 L short."""
    from logistics.advance.simulate import _Loop

    plan = corridor(days=2, trucks=(dataclasses.replace(
        truck_column(20, payload_l=500.0), railhead_lonlat=(117.0, 47.0)),))
    first = plan.formations[0]
    carrier = dataclasses.replace(first, unit=SimpleNamespace(
        **{**vars(first.unit), "id": "carrier", "headline": False}))
    loop = _Loop(dataclasses.replace(
        plan, formations=(first, carrier), priority=("corridor", "carrier"),
        reserve_l={"diesel": 0.0}, reserve_capacity_l={"diesel": 3000.0},
        reserve_carrier="carrier", reserve_reach_km=30.0), 0)
    for fid, km in (("corridor", front_km), ("carrier", 60.0)):
        for e in loop.state[fid].elements:
            e.s = km
    if not front_full:
        loop.state["corridor"].elements[0].tanks[:] -= 1000.0  # of its 2,000 L
    loop.locate_reserve()
    return loop


def _sent(loop):
    """(hours, formation_id, litres) of every delivery on the road, by hour."""
    return sorted((round(q[2].time_h, 6), q[2].formation_id, round(q[2].litres, 6))
                  for q in loop.queue)


def test_a_load_for_the_reserve_is_driven_to_its_carrier(corridor):
    """Nobody short of fuel, 3,000 L of room in the reserve: the reserve's load (6 trucks) is
    timed to its carrier at km 60, there at 2 h + 60 km / 30 km/h = 4 h, and the trucks are
    back at 4 + 1 + 2 = 7 h. On main it was timed to "corridor" (the first formation moving),
    240 km beyond the reserve: there at 12 h, the trucks back at 23 h, the 3,000 L put into
    the reserve at 12 h all the same."""
    from logistics.advance.resupply import RESERVE

    loop = _loop(corridor, front_full=True)
    assert loop.aim(0.0, ["corridor", "carrier"]) == ("carrier", ["corridor", "carrier"], RESERVE)
    loop.dispatch(0.0)
    (d,) = [q[2] for q in loop.queue]
    assert (d.time_h, d.trucks, d.litres) == (pytest.approx(4.0), 6, pytest.approx(3000.0))
    assert "for the army's reserve, with carrier" in d.note
    col = loop.trucks[0]
    assert col.present(0, 6.9) == 14 and col.present(0, 7.0) == 20
    loop.book_due(4.0)
    assert float(loop.ledger.reserve_l.sum()) == pytest.approx(3000.0)
    assert loop.reserve_en_route_l == pytest.approx(0.0)


@pytest.mark.parametrize("front_km, sent, trucks", [
    (300.0, [(4.0, "(reserve)", 3000.0), (12.0, "corridor,carrier", 1000.0)],
     {"(reserve)": 8, "corridor,carrier": 8}),  # dropped on the way, by the convoy's 8
    (30.0, [(3.0, "corridor", 1000.0), (4.0, "(reserve)", 3000.0)],
     {"(reserve)": 6, "corridor": 2}),  # 6 split off, 2 left: the convoy's 8
])
def test_the_reserves_load_serves_a_formation_short_of_fuel_and_the_reserve_at_its_carrier(
        corridor, front_km, sent, trucks):
    """"corridor" 1,000 L short with its own load on the road (the column not free to send
    another to it) and 3,000 L of room in the reserve: the reserve's load (8 trucks) is timed
    to "corridor", its first taker, and the reserve's 3,000 L reach the reserve at its carrier
    (km 60) at 4 h: dropped there on the way when "corridor" is beyond it (km 300, there at
    12 h), by 6 of its trucks split off when the carrier is beyond "corridor" (km 30, there at
    3 h; the 6 back at 7 h, the other 2 at 5 h). On main the 3,000 L went into the reserve
    where and when the convoy unloaded at "corridor": at 12 h (km 300), at 3 h (km 30)."""
    from logistics.advance.resupply import RESERVE

    loop = _loop(corridor, front_full=False, front_km=front_km)
    aim = loop.aim(0.0, ["corridor", "carrier"], free=lambda k: k == RESERVE)
    assert aim == ("corridor", ["corridor", "carrier"], RESERVE)
    loop.send(0.0, 0, *aim, 3000.0)
    assert _sent(loop) == sent
    assert {q[2].formation_id: q[2].trucks for q in loop.queue} == trucks
    assert loop.trucks[0].present(0, 6.9) == (12 if front_km > 60.0 else 14)
    loop.book_due(12.0)
    assert float(loop.ledger.reserve_l.sum()) == pytest.approx(3000.0)
    assert loop.tanks_of("corridor") == pytest.approx(2000.0)
    taken = sorted((r["time"].hour, r["formation_id"]) for r in loop.deliveries if r["litres"] > 0)
    assert taken == sorted([(4, RESERVE), (12 if front_km > 60.0 else 3, "corridor")])


def test_a_formations_load_drops_the_reserves_share_at_the_carrier_on_its_way(corridor):
    """A load sent for "corridor" (1,000 L short) also carries the reserve's 3,000 L of room:
    the convoy passes the carrier at km 60 on its way and unloads the reserve's share there at
    4 h, "corridor"'s 1,000 L at km 300 at 12 h. On main both were unloaded at 12 h at
    "corridor"."""
    loop = _loop(corridor, front_full=False)
    loop.dispatch(0.0)
    assert _sent(loop) == [(4.0, "(reserve)", 3000.0), (12.0, "corridor,carrier", 1000.0)]
    (d,) = [q[2] for q in loop.queue if q[2].formation_id == "(reserve)"]
    assert "the army's reserve's share, with carrier, on the way to corridor" in d.note
    loop.book_due(4.0)
    assert float(loop.ledger.reserve_l.sum()) == pytest.approx(3000.0)
    assert loop.reserve_en_route_l == pytest.approx(0.0)
    assert loop.state["corridor"].en_route_l == pytest.approx(1000.0)
    loop.book_due(12.0)
    assert loop.tanks_of("corridor") == pytest.approx(2000.0)
    assert loop.state["corridor"].en_route_l == pytest.approx(0.0)


def test_the_reserves_load_drawn_anywhere_is_timed_by_the_rule_that_serves(corridor):
    """The reserve drawn anywhere (no carrier), 3,000 L of room, one formation, in a truck
    shuttle whose trucks burn the army's fuel (a timetable with ``fuel_l``): the convoys serve
    it (Resupply.fuelled_by_convoy), so the reserve's load is timed to it. On main the load
    was timed by a rule of its own (Resupply.active: not on a timetable), which found no
    formation and sent nothing (the 17th Army's rifle divisions, a shuttle, after its forward
    detachment had arrived); once it has arrived, none is sent."""
    from logistics.advance.resupply import RESERVE
    from logistics.advance.simulate import _Loop

    plan = corridor(days=2, trucks=(truck_column(20, payload_l=500.0),))
    loop = _Loop(dataclasses.replace(plan, reserve_l={"diesel": 0.0},
                                     reserve_capacity_l={"diesel": 3000.0}), 0)
    loop.state["corridor"].timetable = SimpleNamespace(fuel_l=0.0)
    assert loop.fuelled_by_convoy("corridor")
    assert loop.aim(0.0, ["corridor"]) == ("corridor", ["corridor"], RESERVE)
    loop.state["corridor"].arrived_h = 0.0
    assert loop.aim(0.0, [fid for fid in loop.order if loop.fuelled_by_convoy(fid)]) is None
