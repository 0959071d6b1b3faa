"""Fuel at H-hour: litres in each class's tanks (and carried on the vehicles) and the reserve
the formation's own transport carries per fuel type, counted as the sources count it (a refill
= every tank of the class filled once)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from logistics.advance.formation import VehicleGroup
from logistics.scenario import Scenario

__all__ = ["StartFuel", "start_fuel"]


@dataclass(frozen=True)
class StartFuel:
    """``on_hand_l`` / ``capacity_l``: litres in each class's tanks at H-hour and what they hold
    (one refill plus extra fuel on the vehicles); ``reserve_l``: the reserve per fuel type
    (``carried_refills`` of the refills of that fuel's classes)."""

    on_hand_l: np.ndarray
    capacity_l: np.ndarray
    reserve_l: dict[str, float] = field(default_factory=dict)


def start_fuel(sc: Scenario, groups: tuple[VehicleGroup, ...]) -> StartFuel:
    """The scenario's fuel at H-hour: ``formation.fuel.in_tanks_refills`` of each class's tanks
    plus its extra fuel (carried full), and ``carried_refills`` as the reserve."""
    refill = np.array([g.refill_l for g in groups])
    extra = np.array([g.count * g.extra_l for g in groups])
    fuel = sc.formation.fuel
    reserve: dict[str, float] = {}
    for g in groups:
        if g.fuel_type != "none":
            reserve[g.fuel_type] = reserve.get(g.fuel_type, 0.0) + g.refill_l
    return StartFuel(
        on_hand_l=fuel.in_tanks_refills.value * refill + extra,
        capacity_l=refill + extra,
        reserve_l={k: fuel.carried_refills.value * v for k, v in reserve.items()},
    )
