"""Truck trips between a railhead and the formation, priced by the cost engine.

One accumulated-time surface from the railhead (and one to it, ``reverse=True``: uphill out is
downhill back) per season, for the truck's own vehicle model; the drive time to the formation
is read at its cell. The trucks' own fuel is the fuel of the least-time path out and back
(``traceback`` + ``evaluate_path``), priced when a convoy leaves.
"""

from __future__ import annotations

import math

import numpy as np

from logistics.supply.supply import LegFunction, TruckLeg

__all__ = ["truck_leg_function"]


def truck_leg_function(
    terrain, vehicle, railhead_lonlat: tuple[float, float], route_cells: np.ndarray, *,
    stencil: int = 16,
) -> LegFunction:
    """``leg(route_index, season) -> TruckLeg`` for one truck between railhead and route cell.

    Surfaces are computed lazily once per season and legs cached per (cell, season).
    """
    from logistics.cost.physics import build_cost_model
    from logistics.cost.route import evaluate_path
    from logistics.cost.solver import find_costs, traceback
    from logistics.terrain import cell_of, to_metric

    source = cell_of(terrain, *to_metric(*railhead_lonlat))
    surfaces: dict[str, tuple] = {}
    legs: dict[tuple[int, int, str], TruckLeg] = {}

    def leg(index: int, season: str) -> TruckLeg:
        r, c = (int(v) for v in route_cells[index])
        key = (r, c, season)
        if key in legs:
            return legs[key]
        if season not in surfaces:
            model = build_cost_model(terrain, vehicle, objective="time", season=season)
            surfaces[season] = (
                find_costs(model, [source], stencil=stencil),
                find_costs(model, [source], stencil=stencil, reverse=True),
            )
        out, back = surfaces[season]
        t_out, t_back = float(out.cost[r, c]), float(back.cost[r, c])
        if not (math.isfinite(t_out) and math.isfinite(t_back)):
            legs[key] = TruckLeg(math.inf, math.inf, math.inf)
            return legs[key]
        fuel = 0.0
        for acc in (out, back):
            path = traceback(acc, (r, c))
            if len(path) > 1:
                fuel += float(evaluate_path(terrain, path, vehicle, season=season)["fuel_l"].sum())
        legs[key] = TruckLeg(t_out, t_back, fuel)
        return legs[key]

    return leg
