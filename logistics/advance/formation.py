"""The formation as plain data: its vehicle groups and the geometry of its column.

Column model (why a column of hundreds of vehicles is slower than one tank):
the formation marches on ``routes`` parallel roads with ``gap_m`` metres from one vehicle to
the next, so each road column is ``length_km = n_vehicles / routes * gap_m / 1000`` long. The
head leaves at the start of the daily march window; the formation closes up into its halt area
at the end of the window (to refuel and rest concentrated), so the head must halt
``close_up_h = length_km / speed_kmh`` before the window ends to let the tail arrive. The
head's moving time per day is therefore ``hours_per_day - close_up_h``: a 50 km column at
20 km/h loses 2.5 h of every march day. The reported position is the head of the main body.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from logistics.errors import ConfigError
from logistics.scenario import Scenario

__all__ = [
    "VehicleGroup",
    "vehicle_groups",
    "column_length_km",
    "close_up_hours",
    "formation_column_km",
]


@dataclass(frozen=True)
class VehicleGroup:
    """Vehicles of one class: how many, their tanks (one refill) and fuel carried beyond them."""

    vehicle_id: str
    count: int
    tank_l: float
    extra_l: float
    fuel_type: str

    @property
    def refill_l(self) -> float:
        """Litres in one refill of the whole group (every tank full once)."""
        return self.count * self.tank_l


def vehicle_groups(sc: Scenario, vehicles: dict) -> tuple[VehicleGroup, ...]:
    """The scenario's groups, in order, with tanks from their vehicle files (``vehicles``: id
    -> :class:`~logistics.vehicles.Vehicle`) unless the group gives its own ``tank_l``."""
    return tuple(_group(g, vehicles[g.vehicle]) for g in sc.formation.groups)


def _group(g, vehicle) -> VehicleGroup:
    """One group of the scenario's formation with its vehicle's tank (or the group's own)."""
    fuel_type = vehicle.fuel_type
    if fuel_type == "none":
        return VehicleGroup(g.vehicle, g.count.value, 0.0, 0.0, "none")
    tank = g.tank_l.value if g.tank_l is not None else vehicle.tank_l
    if tank is None:
        raise ConfigError(
            f"vehicle {vehicle.id!r} has no tank_l in its vehicle file; give "
            f"formation.groups[{g.vehicle}].tank_l (litres, with cite: or assumed:)"
        )
    extra = g.extra_fuel_l.value if g.extra_fuel_l is not None else 0.0
    return VehicleGroup(g.vehicle, g.count.value, float(tank), float(extra), fuel_type)


def column_length_km(n_vehicles: int, routes: int, gap_m: float) -> float:
    """Road length of one of ``routes`` parallel columns holding ``n_vehicles`` in all (km)."""
    if routes < 1:
        raise ValueError(f"routes must be >= 1, got {routes}")
    return n_vehicles / routes * gap_m / 1000.0


def close_up_hours(length_km: float, speed_kmh: float) -> float:
    """Hours for the tail of a column ``length_km`` long to reach the head's halt point."""
    if speed_kmh <= 0 or not math.isfinite(speed_kmh):
        return 0.0 if length_km == 0 else math.inf
    return length_km / speed_kmh


def formation_column_km(sc: Scenario, groups: tuple[VehicleGroup, ...]) -> float:
    """Road length of one of the scenario's parallel columns: its motor vehicles (those that
    burn fuel) spread over ``formation.column.routes`` roads, ``gap_m`` apart."""
    motor_n = sum(g.count for g in groups if g.fuel_type != "none")
    return column_length_km(motor_n, sc.formation.column.routes.value,
                            sc.formation.column.gap_m.value)
