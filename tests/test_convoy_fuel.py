"""The convoys' fuel bookkeeping (logistics/advance/resupply.py): every truck that drives
burns its own leg (``Resupply.stops``, ``Resupply.split_burn_l``).

The corridor of tests/test_reserve_convoy.py: east along 47 N from the railhead at km 0; the
trucks drive 30 km an hour and burn 2 L per km of their leg there and back (a leg to km ``k``:
``2 k`` L a truck)."""

from __future__ import annotations

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
