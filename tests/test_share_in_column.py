"""A class that runs dry takes a share of the same fuel its column's other classes hold
(``FuelDraw.share``) instead of being left behind while they carry it on.

The case: the 6th Guards Tank Army's fd-7mc left its GAZ-67B cars (25 L tanks) dry at km 285
while its US6 trucks held about 80 L of petrol each; a column refuels at its halts from the fuel
it carries. Synthetic numbers, known answers."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

import numpy as np

from logistics.advance.elements import Element, Profile
from logistics.advance.simulate import _FState, _Loop
from logistics.supply.ledger import ArmyLedger
from logistics.supply.reserve import ReservePlace

CLASSES = ("car", "truck", "tank")
FUELS = ("petrol", "petrol", "diesel")
#: litres per vehicle per km: a car 0.18, a truck 0.45, a tank 3 (flat over 200 km)
PER_KM = np.array([0.18, 0.45, 3.0])


def _loop(tanks_l: list[float]) -> tuple[_Loop, Element]:
    """A step loop of one formation ("fd") of 10 cars, 4 trucks and 2 tanks at km 0 with
    ``tanks_l`` litres per class, no reserve, no draining; its profile is PER_KM."""
    km = np.array([0.0, 100.0, 200.0])
    fp = SimpleNamespace(id="fd", class_ids=CLASSES, fuel_types=FUELS, km=km,
                         pace_mask=np.ones(3, dtype=bool), unit=SimpleNamespace(parent=None))
    counts = np.array([10.0, 4.0, 2.0])
    e = Element("fd", 0.0, counts, np.array(tanks_l, dtype=np.float64),
                counts * np.array([25.0, 150.0, 540.0]), serial=1)
    loop = object.__new__(_Loop)
    loop.fp = {"fd": fp}
    loop.state = {"fd": _FState([e])}
    loop.plan = SimpleNamespace(drain_stalled=False, fuel_scale=1.0, season_at=lambda t: "dry",
                                start=datetime(1945, 8, 9), reserve_carrier=None)
    loop.ledger = ArmyLedger({}, {}, float(e.tanks.sum()))
    loop.reserve_place = ReservePlace(None)
    loop.reached, loop.serial = [], 1
    prof = Profile(km * 3600.0 / 20.0, PER_KM[:, None] * km[None, :])
    loop.prof = lambda el, f, season: prof
    return loop, e


def test_a_dry_class_shares_the_fuel_its_column_carries():
    """Cars dry, trucks 80 L each: the 320 L of petrol is shared so cars and trucks hold the
    same km of range (10 x 0.18 = 4 x 0.45 = 1.8 L/km each class: 160 L each, 88.9 km); the
    column stays one element and nothing is left dry; the tanks' diesel is untouched. On main
    the cars were split off dry ("split") with the trucks holding the petrol."""
    loop, e = _loop([0.0, 320.0, 600.0])
    assert loop.short_of_fuel("fd", e, 5.0) == "shared"
    assert len(loop.state["fd"].elements) == 1
    np.testing.assert_allclose(e.tanks, [160.0, 160.0, 600.0], rtol=1e-9)
    assert loop.state["fd"].first_dry_h is None and not loop.reached


def test_range_is_levelled_within_each_class_capacity():
    """Trucks with 600 L (150 each, full) and cars empty: the cars' tanks (250 L) would hold
    300 L at equal range, so they are filled and the trucks keep the rest (350 L)."""
    loop, e = _loop([0.0, 600.0, 600.0])
    assert loop.short_of_fuel("fd", e, 5.0) == "shared"
    np.testing.assert_allclose(e.tanks, [250.0, 350.0, 600.0], rtol=1e-9)
    assert abs(float(e.tanks.sum()) - 1200.0) < 1e-9


def test_a_column_whose_fuel_is_spent_still_leaves_its_dry_classes():
    """No petrol anywhere in the column: cars and trucks stay behind and the tanks go on (as
    before); a class alone with its fuel (the tanks' diesel spent, no other diesel class) is
    left dry too."""
    loop, e = _loop([0.0, 0.0, 600.0])
    assert loop.short_of_fuel("fd", e, 5.0) == "split"
    left = [x for x in loop.state["fd"].elements if x is not e]
    assert len(left) == 1 and left[0].dry == "car,truck"
    loop, e = _loop([200.0, 300.0, 0.0])
    assert loop.short_of_fuel("fd", e, 5.0) == "split"
    assert loop.state["fd"].elements[-1].dry == "tank"
    np.testing.assert_allclose(e.tanks[:2], [200.0, 300.0])
