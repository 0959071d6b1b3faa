"""The one warning of every command whose grid is too coarse for what it routes: its bounds and
its words (:func:`grid_note`). The bounds are facts of the cost grid (the stencil's longest
step, cell centres moving a route's ends), so they live with the cost engine, below both the
advance (``advance.coarse_grid``: an army's run) and the network (``network.multimodal``:
``logistics route``), which apply them; why each bound: ``advance.coarse_grid``'s docstring.
"""

from __future__ import annotations

import math

__all__ = ["MIN_MARGIN_CELLS", "MIN_ROUTE_CELLS", "grid_note"]

#: Cells of ``routing.margin_deg`` a route needs round the army's points: the 16-cell stencil's
#: longest step spans 2 cells (advance.coarse_grid's docstring). A bound of the code, not a figure of 1945.
MIN_MARGIN_CELLS: float = 2.0
#: Cells the headline formation's straight route (start through its objectives) must span.
#: **Assumed**: 4, so that moving its ends to cell centres (up to 1.4 cells a leg) changes it
#: by at most about a third (advance.coarse_grid's docstring).
MIN_ROUTE_CELLS: float = 4.0


def grid_note(subject: str, resolution_m: float, *, margin_km: float, margin_of: str,
              obstacles: str, route_km: float | None = None, route_of: str = "") -> str | None:
    """The one warning of every command for a grid of ``resolution_m`` metres too coarse for
    ``subject`` (an army's axis, a route's places): ``margin_km`` is the room its grid leaves
    round its points (``margin_of`` says which, ``obstacles`` what a route steps round there),
    ``route_km`` the length of its route straight through its points (``route_of`` says
    which; None: no such bound). Each bound broken is named with its reason, and the coarsest
    resolution keeping both; None when it keeps both."""
    cell_km = float(resolution_m) / 1000.0
    bounds, why = [margin_km / MIN_MARGIN_CELLS], []
    if margin_km < MIN_MARGIN_CELLS * cell_km:
        why.append(f"{margin_of} is {margin_km / cell_km:.1f} cells, under the "
                   f"{MIN_MARGIN_CELLS:g} a route needs to step round {obstacles} near the "
                   "grid's edge")
    if route_km is not None:
        bounds.append(route_km / MIN_ROUTE_CELLS)
        if route_km < MIN_ROUTE_CELLS * cell_km:
            why.append(f"{route_of}, spans {route_km / cell_km:.1f} cells, under "
                       f"{MIN_ROUTE_CELLS:g}: moving its ends to cell centres changes it by "
                       "more than a third")
    if not why:
        return None
    finest = max(1, math.floor(min(bounds))) * 1000  # whole km, at least 1 km
    if finest >= resolution_m:  # under a km: whole metres, never the value already in use
        finest = max(1, math.floor(min(bounds) * 1000))
    return (f"a grid of {resolution_m:g} m cells is too coarse for {subject}: "
            f"{'; and '.join(why)}; its routes, times and fuel are set more by the grid "
            f"than by the terrain (advance/coarse_grid.py); fix: --resolution-m {finest} or finer "
            f"(resolution_m={finest})")
