"""A formation attacks across its own sector: its route does not run along the home side.

A formation starts at its army's departure line, in the sector the sources give it, and attacks
across the frontier from there. Its least-time route, free to go anywhere, sometimes went the
other way: the 35th Army's forward detachment drove 250 km round Lake Khanka through the Soviet
rear to come at Mishan from the south-west, because the marsh in front of its own sector was
slower for its trucks in the rains. **Rule** (named): a formation's route may use the Soviet-
Mongolian side of the frontier (:mod:`logistics.terrain.sides`) only within the distance from
its start to the nearest cell of the Japanese side plus :data:`HOME_SLACK_KM`; farther home
cells are a barrier to its route search. The plan falls back to the free route, with a note,
where no route is left under the rule.
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
    from logistics.terrain import to_lonlat
    from logistics.terrain.sides import side_of

    xs = np.asarray(terrain["x"].values, dtype=np.float64)
    ys = np.asarray(terrain["y"].values, dtype=np.float64)
    xx, yy = np.meshgrid(xs, ys)
    lon, lat = to_lonlat(xx, yy)
    return side_of(lon, lat)


def home_barrier(terrain: xr.Dataset, sides: np.ndarray, lon: float, lat: float,
                 slack_km: float = HOME_SLACK_KM) -> np.ndarray | None:
    """Bool grid: home-side cells a formation starting at (lon, lat) may not enter (farther from
    its start than the nearest Japanese-side cell plus ``slack_km``); None when the grid holds
    no Japanese side (nothing to attack across)."""
    from logistics.terrain import to_metric
    from logistics.terrain.sides import JAPANESE, SOVIET

    enemy = sides == JAPANESE
    if not enemy.any():
        return None
    xs = np.asarray(terrain["x"].values, dtype=np.float64)
    ys = np.asarray(terrain["y"].values, dtype=np.float64)
    x0, y0 = to_metric(float(lon), float(lat))
    dist_m = np.hypot(xs[None, :] - float(x0), ys[:, None] - float(y0))
    reach_m = float(dist_m[enemy].min()) + slack_km * 1000.0
    return (sides == SOVIET) & (dist_m > reach_m)
