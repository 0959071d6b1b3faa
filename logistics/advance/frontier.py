"""A formation attacks across its own sector: its route does not run along the home side.

A formation starts at its army's departure line, in the sector the sources give it, and attacks
across the frontier from there. Its least-time route, free to go anywhere, sometimes went the
other way: the 35th Army's forward detachment drove 250 km round Lake Khanka through the Soviet
rear to come at Mishan from the south-west, because the marsh in front of its own sector was
slower for its trucks in the rains. **Rule** (named): a formation that jumps off from the home
side at the frontier (its start on the Soviet-Mongolian side, within :data:`HOME_SLACK_KM` of
the Japanese side) may use the Soviet-
Mongolian side (:mod:`logistics.terrain.sides`) only within that distance plus
:data:`HOME_SLACK_KM` of its start; farther home cells are a barrier to its route search. A
formation that starts farther back (in the Mongolian assembly areas), on the line itself (the
frontier's own cells, about 2 km wide) or beyond it is left free: how it reaches the frontier
is its route's business. The plan falls back to the free route, with a
note, where no route is left under the rule.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

__all__ = ["HOME_SLACK_KM", "home_sides", "home_barrier"]

#: Km of the home side a formation may use beyond the straight way from its start to the
#: frontier. **Assumed**: the same 20 km as a ferry site (``advance.ferry_sites.FERRY_SITE_KM``):
#: the 10 km a start may be moved to passable ground plus room to reach the crossing of its own
#: sector on a 1 km grid.
HOME_SLACK_KM: float = 20.0


def home_sides(terrain: xr.Dataset) -> np.ndarray:
    """Side code of every cell (``logistics.terrain.sides``: NEITHER, SOVIET, JAPANESE)."""
    from logistics.terrain.grid import grid_lonlat, grid_of
    from logistics.terrain.sides import side_of

    # the cells' lon/lat: cached since the terrain was loaded onto this grid
    return side_of(*grid_lonlat(grid_of(terrain)))


def home_barrier(terrain: xr.Dataset, sides: np.ndarray, lon: float, lat: float,
                 slack_km: float = HOME_SLACK_KM) -> np.ndarray | None:
    """Bool grid: home-side cells a formation starting at (lon, lat) may not enter (farther from
    its start than the nearest Japanese-side cell plus ``slack_km``); None when the grid holds
    no Japanese side (nothing to attack across), the start is not on the home side, or it lies
    more than ``slack_km`` from the Japanese side (the formation does not jump off from home at
    the frontier)."""
    from logistics.terrain import cell_of, to_metric
    from logistics.terrain.sides import JAPANESE, SOVIET

    enemy = sides == JAPANESE
    if not enemy.any():
        return None
    xs = np.asarray(terrain["x"].values, dtype=np.float64)
    ys = np.asarray(terrain["y"].values, dtype=np.float64)
    x0, y0 = to_metric(float(lon), float(lat))
    r, c = cell_of(terrain, float(x0), float(y0))
    if not (0 <= r < sides.shape[0] and 0 <= c < sides.shape[1]) or sides[r, c] != SOVIET:
        return None
    dist_m = np.hypot(xs[None, :] - float(x0), ys[:, None] - float(y0))
    to_front_m = float(dist_m[enemy].min())
    if to_front_m > slack_km * 1000.0:
        return None
    reach_m = to_front_m + slack_km * 1000.0
    return (sides == SOVIET) & (dist_m > reach_m)
