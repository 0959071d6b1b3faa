"""A convoy's load is shared in the army's fuel priority order (logistics/advance/resupply.py
``Resupply.aim``, ``Resupply.send``), whichever formation it is timed to. Synthetic corridor
(tests/conftest.py ``corridor``): two formations of 10 vehicles with 200 L tanks, "near" first
in priority (tests/test_convoy_priority.py ``_near_and_far``)."""

from __future__ import annotations

import dataclasses

import pytest

from tests.test_advance import truck_column
from tests.test_convoy_priority import _near_and_far


def _both_empty(corridor, trucks: int, back: int):
    """The army's step loop with ``trucks`` trucks of 500 L, ``back`` of them away until +1 h,
    no reserve, both formations empty (2,000 L short each), after its dispatch at 00:00 (the
    one truck left goes for "near") and at +1 h (the ``back`` trucks)."""
    from logistics.advance.simulate import _Loop

    plan = dataclasses.replace(_near_and_far(corridor, (truck_column(trucks, payload_l=500.0),)),
                               reserve_l={"diesel": 0.0}, reserve_capacity_l={"diesel": 0.0})
    loop = _Loop(plan, 0)
    loop.trucks[0].split_off(0, back, 1.0)
    for fid in ("near", "corridor"):
        for e in loop.state[fid].elements:
            e.tanks[:] = 0.0
    loop.dispatch(0.0)
    return loop


def test_a_convoy_timed_to_a_lower_formation_serves_a_higher_one_short_with_its_own_on_the_road(
        corridor):
    """5 trucks of 500 L, no reserve. Both formations empty (2,000 L short each). At 00:00
    one truck is at the railhead (4 away until +1 h): it goes for "near" (500 L). At +1 h the
    4 are back; the column's load for "near" is on the road (TruckColumn.free), so the load
    (2,000 L, 4 trucks) is timed to "corridor", but "near" still lacks 1,500 L that nothing on
    the road brings and ranks first ("forward detachments first", fuel.priority): it gets
    1,500 L, "corridor" the 500 L left. On main the load was shared from "corridor" on,
    wrapping round: "corridor" took all 2,000 L and "near" none."""
    from logistics.advance.resupply import RESERVE

    loop = _both_empty(corridor, 5, 4)
    col = loop.trucks[0]
    assert loop.state["near"].en_route_l == pytest.approx(500.0)
    assert not col.free("near", 1.0) and col.free("corridor", 1.0)
    assert loop.aim(1.0, ["near", "corridor"], free=lambda k: col.free(k, 1.0)) == \
        ("corridor", ["near", "corridor"], "corridor")
    before = {id(q[2]) for q in loop.queue}
    loop.dispatch(1.0)
    new = [q[2] for q in loop.queue if id(q[2]) not in before]
    assert sum(d.litres for d in new) == pytest.approx(2000.0)  # the 4 trucks
    assert loop.state["near"].en_route_l == pytest.approx(2000.0)
    assert loop.state["corridor"].en_route_l == pytest.approx(500.0)
    assert loop.reserve_en_route_l == pytest.approx(0.0)
    # unloaded at "corridor" (its share first there), "near"'s share its own stop
    first = next(d for d in new if d.formation_id.split(",")[0] == "corridor")
    assert first.litres == pytest.approx(500.0)
    (other,) = [d for d in new if d is not first]
    assert (other.formation_id, other.litres) == ("near", pytest.approx(1500.0))
    assert RESERVE not in {d.formation_id for d in new}


def test_a_load_the_higher_formations_take_whole_does_not_hold_the_next_for_its_own(corridor):
    """The same army with only 2 trucks back at +1 h (1,000 L): "near" still lacks 1,500 L,
    so it takes the whole load keyed to "corridor". Nothing is on the road for "corridor":
    the column's next load for it need not wait for this one's arrival (+3 h,
    TruckColumn.next_h), it may leave when trucks are back. Without the release, "corridor"
    waited a whole drive-out for a load that brought it nothing."""
    loop = _both_empty(corridor, 3, 2)
    col = loop.trucks[0]
    loop.dispatch(1.0)
    assert loop.state["near"].en_route_l == pytest.approx(1500.0)
    assert loop.state["corridor"].en_route_l == pytest.approx(0.0)
    assert col.next_h(0, "corridor") <= 1.0  # free for it as soon as trucks are back
    assert col.next_h(0, "near") == pytest.approx(2.0)  # its own first load holds it
