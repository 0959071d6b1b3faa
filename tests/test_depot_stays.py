"""A captured depot's fuel stays at the depot (logistics/advance/stops.py, resupply.py): each
formation of the army whose head reaches it takes what its tanks (then the army's reserve)
have room for, and what is left waits there for the next one; none of it is "returned".

Why (audit37): the 39th Army's depot at Solun (120,000 L) was offered once, to the first
head there (the tank brigades, 2,188 L of room); the other 117,812 L were booked "taken by
none, left at the depot" and vanished from the run, while its forward detachment (4,400 L of
room) and tank division (19,000 L) reached Solun within 2.5 h and found nothing.

Synthetic corridor (tests/conftest.py ``corridor``): 10 vehicles, 200 L tanks, 2 L/km each,
20 km/h from 06:00; no army reserve. A depot of 5,000 L at km 30."""

from __future__ import annotations

import dataclasses

import pytest

from logistics.advance.simulate import simulate_army
from tests.test_advance import near_formation


def _two_formations(corridor):
    """"near" (50 km route, first in priority) and "corridor" (400 km), both from km 0 at
    06:00 at the same pace: each reaches the depot at km 30 at 07:30 with 30 km x 2 L x 10
    vehicles = 600 L burned, its room."""
    plan = corridor(days=1, depots=((30.0, 5000.0),))
    far = plan.formations[0]
    return dataclasses.replace(plan, formations=(near_formation(far), far),
                               priority=("near", "corridor"))


def test_each_formation_reaching_a_depot_takes_its_room_from_what_is_left(corridor):
    r = simulate_army(_two_formations(corridor))
    rows = r.deliveries[r.deliveries["kind"] == "depot"]
    took = rows.groupby("formation_id")["litres"].sum()
    assert took.to_dict() == pytest.approx({"near": 600.0, "corridor": 600.0})
    # one depot, one delivery: its rows share its id and offer its whole 5,000 L
    assert rows["delivery_id"].nunique() == 1
    assert (rows["offered_l"] == 5000.0).all()
    assert "3800 L left at the depot" in rows["note"].iloc[-1]
    # what is left is still at the depot, not taken back by anyone
    assert r.army_daily["returned_l"].sum() == pytest.approx(0.0)
    assert r.army_daily["delivered_depot_l"].sum() == pytest.approx(1200.0)


def test_a_formation_takes_from_a_depot_once(corridor):
    """One formation passes the depot once: it tops up there and goes on; the depot is not a
    stop again for it (its 4,400 L stay there)."""
    r = simulate_army(corridor(days=2, depots=((30.0, 5000.0),)))
    rows = r.deliveries[r.deliveries["kind"] == "depot"]
    assert len(rows) == 1 and rows["litres"].iloc[0] == pytest.approx(600.0)
    assert r.army_daily["returned_l"].sum() == pytest.approx(0.0)
