"""Trace a railway between two stations over the DEM with the cost engine (shape points).

Part of the railway builder (``configs/network/build.py``), not of the ``logistics`` package.

Station lists give only station centroids; straight chords between them run short of the
documented line lengths, mostly in hills where real lines follow valleys. The rail rule here is
a :class:`~logistics.cost.model.CostModel` in metres: a metre costs 1 up to the ruling grade
``grade_limit``, rises linearly beyond it (``penalty_per_grade_limit`` flat metres per further
``grade_limit`` of grade) and is impossible beyond ``grade_max``; lakes and sea (``WATER``)
cost ``water_factor`` times more (a bridge or a causeway is dear, so lines cross water at narrow
places instead of avoiding it at any price). The least-cost path of the 16-neighbour solver is
then pulled taut: a stretch of it is replaced by the straight line between its ends whenever
that line stays on land and within ``grade_limit`` everywhere (elevation interpolated every
cell length), because such a line costs exactly its length, the least any path between the two
points can cost. That removes the grid's staircase and parallelogram detours (up to 2.7 % of
length on flat ground with 16 neighbours) and keeps every bend the terrain forces. The shape is
pinned to the stations.
All of it is a modelling assumption (configs/network/network.yaml, section ``tracing``), not a
survey of the 1945 alignment.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import xarray as xr

from logistics.cost.model import BARRIER_CLASS, CostModel
from logistics.network.params import TracingParams
from logistics.terrain.classes import TerrainClass
from logistics.terrain.grid import cellsize_m

__all__ = ["rail_cost_model", "trace_segment", "segment_bbox", "pull_taut"]

TerrainLoader = Callable[..., xr.Dataset]


def rail_cost_model(terrain: xr.Dataset, tracing: TracingParams) -> CostModel:
    """The rail tracing rule on ``terrain`` (cost in metres of flat line; symmetric in grade)."""
    gl, gmax = tracing.grade_limit, tracing.grade_max
    step = gl / 5.0
    n_half = int(round(gmax / step))
    grades = step * np.arange(-n_half, n_half + 1)
    row = 1.0 + tracing.penalty_per_grade_limit * np.maximum(np.abs(grades) - gl, 0.0) / gl
    table = np.vstack([row, tracing.water_factor * row])
    elevation = terrain["elevation_m"].values.astype(np.float32)
    tclass = terrain["terrain_class"].values
    class_index = np.where(tclass == TerrainClass.WATER, 1, 0).astype(np.uint8)
    class_index[(tclass == TerrainClass.NODATA) | ~np.isfinite(elevation)] = BARRIER_CLASS
    return CostModel(
        class_index=class_index,
        table=table,
        grade_min=float(grades[0]),
        grade_step=float(step),
        cellsize_m=cellsize_m(terrain),
        elevation_m=np.where(np.isfinite(elevation), elevation, 0.0).astype(np.float32),
        units="m",
        attrs={"what": "railway tracing rule", "grade_limit": gl, "grade_max": gmax},
    )


def segment_bbox(a_lonlat, b_lonlat, margin_km: float) -> tuple[float, float, float, float]:
    """Lon/lat box round two points, widened by ``margin_km`` or 40 % of their distance."""
    (lon0, lat0), (lon1, lat1) = a_lonlat, b_lonlat
    mid_lat = np.radians((lat0 + lat1) / 2.0)
    dist_km = np.hypot((lon1 - lon0) * 111.32 * np.cos(mid_lat), (lat1 - lat0) * 110.57)
    pad_km = max(margin_km, 0.4 * dist_km)
    dlat = pad_km / 110.57
    dlon = pad_km / (111.32 * np.cos(mid_lat))
    return (min(lon0, lon1) - dlon, min(lat0, lat1) - dlat,
            max(lon0, lon1) + dlon, max(lat0, lat1) + dlat)


def trace_segment(
    a_lonlat: tuple[float, float],
    b_lonlat: tuple[float, float],
    tracing: TracingParams,
    *,
    load: TerrainLoader | None = None,
) -> list[tuple[float, float]]:
    """Lon/lat shape of a line from station ``a`` to station ``b`` (both ends exact).

    ``load(bbox, resolution_m=...)`` returns the terrain Dataset (default
    ``logistics.terrain.load_terrain``); tests pass a synthetic one.
    """
    from logistics.cost.solver import find_costs, traceback
    from logistics.terrain import cell_of, to_lonlat, to_metric

    if load is None:
        from logistics.terrain import load_terrain as load
    bbox = segment_bbox(a_lonlat, b_lonlat, tracing.window_margin_km)
    terrain = load(bbox, resolution_m=tracing.resolution_m)
    model = rail_cost_model(terrain, tracing)
    xa, ya = to_metric(*a_lonlat)
    xb, yb = to_metric(*b_lonlat)
    src = _passable(model, cell_of(terrain, xa, ya))
    dst = _passable(model, cell_of(terrain, xb, yb))
    acc = find_costs(model, [src], stencil=tracing.stencil)
    cells = traceback(acc, dst).astype(np.float64)
    keep = pull_taut(cells, model, tracing.grade_limit)
    rows, cols = cells[keep, 0].astype(int), cells[keep, 1].astype(int)
    xs = terrain["x"].values[cols]
    ys = terrain["y"].values[rows]
    lon, lat = to_lonlat(xs, ys)
    out = [(float(x), float(y)) for x, y in zip(lon, lat)]
    out[0], out[-1] = tuple(a_lonlat), tuple(b_lonlat)
    return out


def pull_taut(cells: np.ndarray, model: CostModel, grade_limit: float) -> list[int]:
    """Indices of ``cells`` (a path of (row, col)) to keep after pulling the path taut.

    Greedy from the start: extend a straight stretch while the line from its first cell to the
    next path cell is :func:`_free` (on land, every cell-length step within ``grade_limit``).
    """
    n = len(cells)
    keep = [0]
    i, j = 0, 1
    while j < n - 1:
        if _free(cells[i], cells[j + 1], model, grade_limit):
            j += 1
        else:
            keep.append(j)
            i, j = j, j + 1
    keep.append(n - 1)
    return keep


def _free(p: np.ndarray, q: np.ndarray, model: CostModel, grade_limit: float) -> bool:
    """True when the straight line p -> q (grid rows/cols) costs exactly its length."""
    from scipy.ndimage import map_coordinates

    dx, dy = model.cellsize_m
    length_m = float(np.hypot((q[1] - p[1]) * dx, (q[0] - p[0]) * dy))
    steps = max(2, int(np.ceil(length_m / min(dx, dy))) + 1)
    t = np.linspace(0.0, 1.0, steps)
    rows = p[0] + t * (q[0] - p[0])
    cols = p[1] + t * (q[1] - p[1])
    ci = model.class_index[np.rint(rows).astype(int), np.rint(cols).astype(int)]
    if np.any(ci != 0):
        return False
    z = map_coordinates(model.elevation_m.astype(np.float64), [rows, cols], order=1)
    grade = np.abs(np.diff(z)) / (length_m / (steps - 1))
    return bool(np.all(grade <= grade_limit))


def _passable(model: CostModel, cell: tuple[int, int]) -> tuple[int, int]:
    """``cell`` or, if it is a barrier (a station on the shore), the nearest passable cell."""
    r, c = (int(v) for v in cell)
    if model.class_index[r, c] != BARRIER_CLASS:
        return r, c
    ok = np.argwhere(model.class_index != BARRIER_CLASS)
    if ok.size == 0:
        from logistics.errors import NoRouteError

        raise NoRouteError(f"no passable cell in the tracing window round cell ({r}, {c})")
    k = int(np.argmin((ok[:, 0] - r) ** 2 + (ok[:, 1] - c) ** 2))
    return int(ok[k, 0]), int(ok[k, 1])
