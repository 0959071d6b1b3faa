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

__all__ = ["Delivery", "litres_from_tonnes", "DENSITY_KG_PER_L"]

#: Fuel densities (kg/L) to turn tonnes into litres, "any" included:
#: :data:`logistics.vehicles.CARRIED_DENSITY_KG_PER_L` (cited and assumed there).
DENSITY_KG_PER_L: dict[str, float] = CARRIED_DENSITY_KG_PER_L


def litres_from_tonnes(tonnes: float, fuel_type: str) -> float:
    """Litres in ``tonnes`` of fuel of the given type (see :data:`DENSITY_KG_PER_L`)."""
    return tonnes * 1000.0 / DENSITY_KG_PER_L[fuel_type]


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
