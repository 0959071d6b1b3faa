"""Whether a run's grid is too coarse for its army: said before the work, not found in results.

``--resolution-m`` takes 1 to 100 000 m (a map of the whole theatre at 40 km is fine), but a
run on a grid of a handful of cells gave plausible-looking results without a word (the 6th
Guards Tank Army at 100 km cells: a 9 x 9 grid, its highest point "km 0"). Two bounds, from
how the plan uses the grid; a grid coarser than either is warned on, with the reason and the
coarsest resolution both bounds allow:

The bounds and the one wording are :mod:`logistics.cost.grid_check`'s (a fact of the cost grid,
below the network layer whose ``route`` warns in the same words); this module applies them
to an army.

* **room round the army** (:data:`MIN_MARGIN_CELLS`): the grid is the army's points plus
  ``routing.margin_deg`` on every side (``advance.plan.army_bbox``), the room a route has to go
  round a lake, a marsh or a fortified region it bypasses. The cost engine's longest step (the
  16-cell stencil's knight move) spans 2 cells: a margin of fewer cells leaves a route near the
  edge no step round anything. The margin is measured east-west at the army's most poleward
  point, where a degree of longitude is shortest.
* **cells along the route** (:data:`MIN_ROUTE_CELLS`): the headline formation's start and each
  of its objectives are moved to their cells' centres, up to half a cell's diagonal (0.71 cell)
  each, so a leg can gain or lose up to 1.4 cells of length; on a route shorter than
  4 cells (straight from its start through its objectives) that is over a third of it.

On the shipped armies both bounds lie between 35 and 40 km (the margin: 1 degree is 71-79 km
east-west at their northmost points, 45-50 N; the shortest headline route, the 5th Rifle
Corps' 155 km), so the 1-25 km grids of the shipped commands and tests pass.

Every command that takes ``--resolution-m`` for routes says it in these words
(:func:`grid_note`): ``run``, and ``compare`` and ``calibrate`` for each army they run
(:func:`coarse_grid_note`); ``route`` for its places (the room of its window round them, the
places straight through: ``network.multimodal.coarse_grid_note``). ``sample`` and ``map`` are
not warned: they route nothing (``sample`` reports the point's cell at the resolution asked,
and says it, in a window at least 3 cells wide each side; ``map`` draws a base map).
"""

from __future__ import annotations

from logistics.cost.grid_check import MIN_MARGIN_CELLS, MIN_ROUTE_CELLS, grid_note
from logistics.geodesy import great_circle_km

__all__ = ["MIN_MARGIN_CELLS", "MIN_ROUTE_CELLS", "coarse_grid_note", "grid_note"]

def _headline_route_km(army) -> float | None:
    """Great-circle km from the headline formation's start through its objectives (the first
    point of an objective area); None without an objective."""
    f = next(f for f in army.formations if f.id == army.headline_id)
    pts = [f.start.location()]
    pts += [(o.any_of[0] if hasattr(o, "any_of") else o).location() for o in f.objectives]
    if len(pts) < 2:
        return None
    return sum(great_circle_km(a.lon, a.lat, b.lon, b.lat) for a, b in zip(pts, pts[1:]))


def coarse_grid_note(army, resolution_m: float) -> str | None:
    """The warning for a grid of ``resolution_m`` metres too coarse for ``army`` (a loaded
    army file), naming each bound it breaks with its reason and the coarsest resolution that
    keeps both; None when it keeps both."""
    from logistics.advance.plan import army_points

    lat = max(abs(p[1]) for p in army_points(army))
    margin_km = great_circle_km(0.0, lat, army.routing.margin_deg, lat)
    route_km = _headline_route_km(army)
    return grid_note(
        army.axis_id, resolution_m, margin_km=margin_km,
        margin_of=(f"its margin round the army (routing.margin_deg {army.routing.margin_deg:g}"
                   f", {margin_km:.0f} km east-west)"),
        obstacles="a lake or a fortified region", route_km=route_km,
        route_of=(f"the headline formation {army.headline_id}'s route, {route_km:.0f} km "
                  "straight from its start through its objectives" if route_km is not None
                  else ""))
