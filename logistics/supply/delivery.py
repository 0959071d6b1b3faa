"""Fuel reaching the formation: the :class:`Delivery` record every source books, and litres
from tonnes.

Times are hours since H-hour (floats). Truck columns (:mod:`~logistics.supply.trucks`),
ships carrying fuel along the rivers (:mod:`~logistics.supply.sailings`), airlift
(:mod:`~logistics.supply.airlift`) and captured depots (a stop of the advance, booked when the
head reaches it) all turn into :class:`Delivery` records that the step loop books into
the ledger (:mod:`~logistics.supply.ledger`) when they fall due.
"""

from __future__ import annotations

from dataclasses import dataclass

from logistics.vehicles import CARRIED_DENSITY_KG_PER_L

__all__ = ["Delivery", "litres_from_tonnes"]


def litres_from_tonnes(tonnes: float, fuel_type: str) -> float:
    """Litres in ``tonnes`` of fuel of the given type (the density of
    :data:`logistics.vehicles.CARRIED_DENSITY_KG_PER_L`, "any" included; cited and assumed
    there)."""
    return tonnes * 1000.0 / CARRIED_DENSITY_KG_PER_L[fuel_type]


@dataclass(frozen=True)
class Delivery:
    """Fuel reaching the formation at ``time_h`` (hours since H-hour)."""

    time_h: float
    source: str
    kind: str  # "truck" | "river" | "air" | "depot"
    litres: float
    fuel_type: str
    truck_fuel_l: float = 0.0  # the supply trucks' own fuel for this trip (outside the ledger)
    note: str = ""
    formation_id: str = ""  # the formation it is for ("" = the army's reserve)
    convoy: int = -1  # a truck delivery's convoy in its column (TruckColumn.sizes index)
    trucks: int = 0  # a truck delivery's trucks (0: not a truck delivery)
    #: a convoy's load: its trip's number in the column (:meth:`TruckColumn.dispatch
    #: <logistics.supply.trucks.TruckColumn.dispatch>`, its trucks away until back); -1: not one
    trip: int = -1
