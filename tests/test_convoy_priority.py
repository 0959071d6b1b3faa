"""Who a convoy's load goes to when it comes up (logistics/advance/resupply.py): the formations
still advancing before those that arrived at their final objective since it was sent.
Synthetic corridor (tests/conftest.py ``corridor``): 10 vehicles, 200 L tanks, 2 L/km each,
20 km/h from 06:00 for 10 hours."""

from __future__ import annotations

import dataclasses
import pytest

from logistics.advance.simulate import simulate_army
from tests.test_advance import near_formation, truck_column


def _near_and_far(corridor, trucks):
    """Two formations on the corridor: "near" (first in priority) with a 50 km route, arriving
    on 9 Aug at 08:30 with 1,000 L burned; "corridor" (400 km) dry at km 100 at 11:00."""
    plan = corridor(days=2, trucks=trucks)
    far = plan.formations[0]
    return dataclasses.replace(plan, formations=(near_formation(far), far),
                               priority=("near", "corridor"))


def _convoy(r):
    """Litres each taker got of the first convoy (its stops at the formations on its way)."""
    dl = r.deliveries
    return dl[dl["time"] == dl["time"].iloc[0]].groupby("formation_id")["litres"].sum()


def test_a_convoy_fills_the_formations_still_advancing_before_one_that_has_arrived(corridor):
    """One truck of 1,000 L, 5 km/h: sent at 07:00 for "near" (first in priority, 400 L
    short at route point 19), it comes up at 07:00 + 2 h loading + 3.8 h = 12:48, when "near"
    stands at its objective (arrived 08:30, 1,000 L short) and "corridor" is dry at km 100 (2,000 L
    short). The advance's priority ([NEBOLSIN-2015]): all 1,000 L go to "corridor", which
    goes 50 km on. Before, "near" took all of it because it was first when the convoy left
    (the 1st Red Banner Army's tank brigades at Harbin took 91 kL on 20 Aug while its
    engineers stood dry)."""
    r = simulate_army(_near_and_far(corridor, (truck_column(1, km_per_h=5.0,
                                                            payload_l=1000.0),)))
    first = _convoy(r)
    assert str(r.deliveries["time"].iloc[0]) == "1945-08-09 12:48:00"
    assert first.get("corridor") == pytest.approx(1000.0)
    assert first.get("near", 0.0) == pytest.approx(0.0)
    day = r.daily.set_index(["date", "formation_id"])
    assert day.loc[("1945-08-09", "near"), "status"] == "arrived"
    assert day.loc[("1945-08-09", "corridor"), "cum_km"] == pytest.approx(150.0, abs=1e-6)


def test_an_arrived_formation_still_takes_what_the_advancing_ones_leave(corridor):
    """The same convoy with 5,000 L: "corridor" fills (2,000 L at 12:48), "near" then fills
    its 1,000 L (it ranks after the formations advancing, not out), the rest goes to the
    reserve or back: nothing is thrown away that a tank could hold."""
    r = simulate_army(_near_and_far(corridor, (truck_column(1, km_per_h=5.0,
                                                            payload_l=5000.0),)))
    first = _convoy(r)
    assert first.get("corridor") == pytest.approx(2000.0)
    assert first.get("near") == pytest.approx(1000.0)
