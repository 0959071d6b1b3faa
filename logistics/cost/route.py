"""Least-cost route through waypoints, with per-step distance, grade, time and fuel.

``route(terrain, vehicle, waypoints)`` solves each leg through the one door to the solvers
(:func:`logistics.cost.accumulate.accumulate`; the in-memory solver stops as soon as the leg's
end is reached), joins the legs and prices every step of the joined path;
``evaluate_path(terrain, cells, vehicle)`` prices a given path for a vehicle (e.g. the other
classes of a column following the lead vehicle's route); ``river_crossings(terrain, cells,
vehicles)`` lists the river crossings a path pays, with each vehicle's crossing time and fuel. Both price steps with the one kernel
(:func:`logistics.cost.kernel.edge_costs`) on the physics' time and fuel models, so a route's
``time_s`` summed over a leg equals the solver's accumulated time when the objective is time.
Both take the run's :class:`~logistics.cost.models.CostModels` so each model is built once.
:func:`helped_across` prices the steps of a path a vehicle cannot make on its own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import xarray as xr
from shapely.geometry import LineString

from logistics.cost.accumulate import accumulate, path
from logistics.cost.kernel import edge_costs, edge_tolls, kernel_inputs, offset_lengths_m
from logistics.cost.model import CostModel
from logistics.cost.models import CostModels
from logistics.cost.solver import check_cell
from logistics.cost.stencil import OFFSETS_16
from logistics.errors import ConfigError, DataError, ExtentError, NoRouteError

__all__ = ["Route", "route", "evaluate_path", "path_fuel", "helped_across", "river_crossings",
           "SEGMENT_COLUMNS", "CROSSING_COLUMNS"]

#: Columns of ``Route.segments`` and of :func:`evaluate_path`, in order (logistics/README.md).
SEGMENT_COLUMNS: tuple[str, ...] = (
    "lon", "lat", "x_m", "y_m", "row", "col", "dist_m", "cum_km", "elev_m", "grade",
    "time_s", "fuel_l", "terrain_class", "river_class",
)


@dataclass(frozen=True, eq=False)
class Route:
    """A least-cost route through waypoints.

    Attributes
    ----------
    segments : DataFrame
        One row per cell of the path (columns :data:`SEGMENT_COLUMNS`). Row 0 is the start
        (``dist_m``, ``grade``, ``time_s``, ``fuel_l`` 0); every later row describes the step
        *into* its cell: length ``dist_m``, grade (rise/run, + uphill), ``time_s`` and ``fuel_l``
        of that step for the vehicle and season. ``cum_km`` is the distance so far.
    legs : DataFrame
        One row per leg: ``leg`` (1..), ``start``, ``end`` (waypoint names), ``first_row``,
        ``last_row`` (rows of ``segments``), ``distance_km``, ``time_h``, ``fuel_l``.
    line_lonlat, line_metric : shapely LineString
        The path through the cell centres in lon/lat degrees and in metric metres.
    attrs : dict
        vehicle, objective, season, stencil, units of the objective.
    """

    segments: pd.DataFrame
    legs: pd.DataFrame
    line_lonlat: LineString
    line_metric: LineString
    attrs: dict = field(default_factory=dict)

    @property
    def distance_km(self) -> float:
        """Length of the whole route in km."""
        return float(self.segments["cum_km"].iloc[-1])

    @property
    def time_h(self) -> float:
        """Driving time of the whole route in hours (no halts)."""
        return float(self.segments["time_s"].sum()) / 3600.0

    @property
    def fuel_l(self) -> float:
        """Fuel burnt on the whole route in litres (0 for foot and horse)."""
        return float(self.segments["fuel_l"].sum())


# ----------------------------------------------------------------------------------------------
# Pricing a path
# ----------------------------------------------------------------------------------------------


def _models(terrain: xr.Dataset, vehicle, season: str,
            models: CostModels | None) -> tuple[CostModel, CostModel | None]:
    """(time model, fuel model or None for a vehicle that burns no fuel), from ``models``."""
    from logistics.vehicles import load_vehicle

    models = models if models is not None else CostModels()
    v = load_vehicle(vehicle, config_dir=models.config_dir)
    time_model = models.get(terrain, v, objective="time", season=season)
    fuel_model = models.get(terrain, v, objective="fuel", season=season) if v.is_motorised \
        else None
    return time_model, fuel_model


def _step_offsets(cells: np.ndarray) -> np.ndarray:
    """Offset index (into OFFSETS_16) of each step of a path; ConfigError if one is no move."""
    steps = np.diff(cells, axis=0)
    code = (steps[:, 0] + 2) * 5 + (steps[:, 1] + 2)  # unique for |di|, |dj| <= 2
    lut = np.full(25, -1, dtype=np.int64)
    lut[(OFFSETS_16[:, 0] + 2) * 5 + (OFFSETS_16[:, 1] + 2)] = np.arange(len(OFFSETS_16))
    ok = (np.abs(steps) <= 2).all(axis=1)
    k = np.where(ok, lut[np.where(ok, code, 0)], -1)
    if (k < 0).any():
        n = int(np.flatnonzero(k < 0)[0])
        raise ConfigError(
            f"path step {n} goes from cell {tuple(cells[n])} to {tuple(cells[n + 1])}, which is "
            "not a move of the 16-neighbour stencil; pass a continuous path (e.g. from traceback)"
        )
    return k


def _step_lengths(cells: np.ndarray, model: CostModel) -> tuple[np.ndarray, np.ndarray]:
    """(offset index of each step, metres of each step with 0 for the start) of a path."""
    k = _step_offsets(cells)
    dx, dy = model.cellsize_m
    return k, np.concatenate([[0.0], offset_lengths_m(dx, dy)[k]])


def _step_costs(cells: np.ndarray, k: np.ndarray, model: CostModel,
                models: CostModels) -> np.ndarray:
    """The cost of each step of a path under ``model`` (0 for the start), by the kernel."""
    return np.concatenate([[0.0], edge_costs(models.inputs(model), cells[:-1, 0],
                                             cells[:-1, 1], k)])


def _segments(terrain: xr.Dataset, cells: np.ndarray, time_model: CostModel,
              fuel_model: CostModel | None, models: CostModels) -> pd.DataFrame:
    """The segment table of ``cells`` priced with the given time and fuel models (of
    ``models``, which keeps their checked kernel inputs)."""
    from logistics.terrain import to_lonlat

    rows, cols = cells[:, 0], cells[:, 1]
    k, dist = _step_lengths(cells, time_model)
    time_s = _step_costs(cells, k, time_model, models)
    fuel_l = np.zeros(len(cells)) if fuel_model is None else \
        _step_costs(cells, k, fuel_model, models)
    elev = np.asarray(terrain["elevation_m"].values)[rows, cols].astype(np.float64)
    grade = np.concatenate([[0.0], np.diff(elev) / dist[1:]]) if len(cells) > 1 else np.zeros(1)
    x_m = np.asarray(terrain["x"].values, dtype=np.float64)[cols]
    y_m = np.asarray(terrain["y"].values, dtype=np.float64)[rows]
    lon, lat = to_lonlat(x_m, y_m)
    river = (
        np.asarray(terrain["river_class"].values)[rows, cols]
        if "river_class" in terrain else np.zeros(len(cells), np.uint8)
    )
    return pd.DataFrame(
        {
            "lon": lon, "lat": lat, "x_m": x_m, "y_m": y_m, "row": rows, "col": cols,
            "dist_m": dist, "cum_km": np.cumsum(dist) / 1000.0, "elev_m": elev, "grade": grade,
            "time_s": time_s, "fuel_l": fuel_l,
            "terrain_class": np.asarray(terrain["terrain_class"].values)[rows, cols],
            "river_class": river,
        },
        columns=list(SEGMENT_COLUMNS),
    )


def _as_cells(cells, shape: tuple[int, int]) -> np.ndarray:
    """``cells`` as an (n, 2) int64 array inside ``shape`` (ConfigError / ExtentError)."""
    out = np.asarray(cells)
    if out.ndim != 2 or out.shape[1] != 2 or len(out) == 0:
        raise ConfigError(f"cells must be (row, col) pairs, shape (n, 2); got {out.shape}")
    out = out.astype(np.int64)
    ny, nx = shape
    inside = (out[:, 0] >= 0) & (out[:, 0] < ny) & (out[:, 1] >= 0) & (out[:, 1] < nx)
    if not inside.all():
        n = int(np.flatnonzero(~inside)[0])
        raise ExtentError(f"path cell {n} {tuple(out[n])} is outside the grid {ny} x {nx}")
    return out


def evaluate_path(terrain: xr.Dataset, cells, vehicle, *, season: str = "dry",
                  models: CostModels | None = None) -> pd.DataFrame:
    """Per-step distance, grade, time and fuel of the path ``cells`` for ``vehicle``.

    ``cells`` is an (n, 2) array of (row, col) in travel order, each step a 16-stencil move
    (e.g. ``Route.segments[["row", "col"]]`` or :func:`~logistics.cost.solver.traceback`).
    Returns a DataFrame with :data:`SEGMENT_COLUMNS` (row 0 = start, zeros). A step this
    vehicle cannot make (too steep, a river it cannot cross) gets ``time_s``/``fuel_l`` inf,
    so callers decide how to treat it (e.g. :func:`helped_across`). Fuel is 0 for foot and
    horse. ``models``: the run's cost models (a new cache when None).
    """
    models = models if models is not None else CostModels()
    time_model, fuel_model = _models(terrain, vehicle, season, models)
    return _segments(terrain, _as_cells(cells, time_model.shape), time_model, fuel_model,
                     models)


def path_fuel(terrain: xr.Dataset, cells, vehicle, *, season: str = "dry",
              models: CostModels | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(dist_m, fuel_l)`` per step of the path ``cells`` for ``vehicle``: the columns of
    :func:`evaluate_path` of those names, the same numbers, without the rest of its table.
    Why: a truck leg's litres read only these (``supply/turnaround.py``), for thousands of
    legs a run, and the table's positions (an inverse projection of every cell) and times
    were most of the work."""
    models = models if models is not None else CostModels()
    time_model, fuel_model = _models(terrain, vehicle, season, models)
    path = _as_cells(cells, time_model.shape)
    k, dist = _step_lengths(path, time_model)
    fuel = np.zeros(len(path)) if fuel_model is None else _step_costs(path, k, fuel_model, models)
    return dist, fuel


def helped_across(values: np.ndarray, dist_m: np.ndarray, *,
                  worst_per_m: float | None = None) -> np.ndarray:
    """Per-step values with every non-finite step priced at the worst finite per-metre rate.

    The modelling rule for a step a vehicle cannot make on its own (trucks on loose sand or
    marsh, a grade beyond its limit): it is helped across (towed, corduroy roads: [SEED-000]
    'Teams of sappers were sent in advance to prepare roads made of logs and brush') at the
    worst time or fuel per metre it has anywhere else on the path. When the path has no step
    the vehicle makes on its own, ``worst_per_m`` (the vehicle's worst going anywhere, e.g. the
    largest finite entry of its cost table) is used instead; without it that is an error.
    The formation's column and its supply trucks follow the same rule.
    """
    v = np.array(values, dtype=np.float64)
    dist = np.asarray(dist_m, dtype=np.float64)
    bad = ~np.isfinite(v)
    if not bad.any():
        return v
    ok = ~bad & (dist > 0)
    if ok.any():
        rate = float(np.max(v[ok] / dist[ok]))
    elif worst_per_m is not None and math.isfinite(worst_per_m):
        rate = float(worst_per_m)
    else:
        raise DataError(
            "a vehicle cannot make any step of its path on its own; check its vehicle file "
            "(speeds, max_grade_deg) or remove it from the scenario"
        )
    v[bad] = dist[bad] * rate
    return v


#: Leading columns of :func:`river_crossings`; then ``crossing_s_<id>``, ``crossing_l_<id>``.
CROSSING_COLUMNS: tuple[str, ...] = (
    "step", "cum_km", "lon", "lat", "row", "col", "river_class", "river", "river_name",
)


def _passed_cells(cells: np.ndarray, k: np.ndarray) -> tuple[np.ndarray, ...]:
    """(ar, ac, br, bc): the two cells each step passes besides p and q (the segment's geometry,
    as the kernel's toll reads it): beside a knight move, the side cells of a diagonal one (it
    runs through their corner), q itself for a straight move."""
    r, c = cells[:-1, 0], cells[:-1, 1]
    di, dj = OFFSETS_16[k, 0], OFFSETS_16[k, 1]
    ar, ac, br, bc = r + di, c + dj, r + di, c + dj  # straight: q
    kr, kc = np.abs(di) == 2, np.abs(dj) == 2
    ar[kr], ac[kr], br[kr], bc[kr] = (r + di // 2)[kr], c[kr], (r + di // 2)[kr], (c + dj)[kr]
    ar[kc], ac[kc], br[kc], bc[kc] = r[kc], (c + dj // 2)[kc], (r + di)[kc], (c + dj // 2)[kc]
    dg = (np.abs(di) == 1) & (np.abs(dj) == 1)
    ar[dg], ac[dg], br[dg], bc[dg] = (r + di)[dg], c[dg], r[dg], (c + dj)[dg]
    return ar, ac, br, bc


def river_crossings(terrain: xr.Dataset, cells, vehicles, *, season: str = "dry",
                    models: CostModels | None = None) -> pd.DataFrame:
    """The river crossings the path ``cells`` pays, one row each, with every vehicle's price.

    A crossing is a step of the path that pays a river toll for at least one of ``vehicles``
    (names or :class:`~logistics.vehicles.Vehicle`): the kernel's own toll
    (:func:`logistics.cost.kernel.edge_tolls`) on the physics' time and fuel models, so the
    ``crossing_s_<id>`` and ``crossing_l_<id>`` columns are exactly what that vehicle's route
    time and fuel (:func:`evaluate_path`) include for the step: a crossing is priced once, here
    and in the route alike. Columns :data:`CROSSING_COLUMNS`: ``step`` (row of the path, i.e. of
    ``Route.segments``, where the step ends), ``cum_km`` there, ``lon``/``lat``/``row``/``col``
    of that cell, ``river_class`` (the most major ``RiverClass`` code among the cells the step
    enters), ``river`` (its name, e.g. ``"MAJOR"``) and ``river_name`` (None: WDBII carries no
    names), then per vehicle ``crossing_s_<id>`` (s) and ``crossing_l_<id>`` (L, 0 for foot and
    horse). ``models``: the run's cost models (a new cache when None).
    """
    from logistics.terrain import RiverClass, to_lonlat
    from logistics.vehicles import load_vehicle

    models = models if models is not None else CostModels()
    vs = [load_vehicle(v, config_dir=models.config_dir)
          for v in ([vehicles] if isinstance(vehicles, str) else vehicles)]
    if not vs:
        raise ConfigError("river_crossings needs at least one vehicle, got none")
    shape = (terrain.sizes["y"], terrain.sizes["x"])
    path = _as_cells(cells, shape)
    k = _step_offsets(path)
    rows, cols = path[:-1, 0], path[:-1, 1]
    prices = {}
    for v in vs:
        time_model, fuel_model = _models(terrain, v, season, models)
        prices[f"crossing_s_{v.id}"] = edge_tolls(time_model, rows, cols, k)
        prices[f"crossing_l_{v.id}"] = (np.zeros(len(k)) if fuel_model is None
                                        else edge_tolls(fuel_model, rows, cols, k))
    paid = np.zeros(len(k), dtype=bool)
    for name, toll in prices.items():
        if name.startswith("crossing_s_"):
            paid |= toll > 0
    steps = np.flatnonzero(paid)
    rc = (np.asarray(terrain["river_class"].values) if "river_class" in terrain
          else np.zeros(shape, np.uint8))
    ar, ac, br, bc = _passed_cells(path, k)
    qr, qc = path[1:, 0], path[1:, 1]
    side_a, side_b = rc[ar, ac].astype(np.int64), rc[br, bc].astype(np.int64)
    corner = (np.abs(OFFSETS_16[k, 0]) == 1) & (np.abs(OFFSETS_16[k, 1]) == 1)
    touched = corner & ((side_a == 0) | (side_b == 0))  # a corner touch enters no river
    side_a, side_b = np.where(touched, 0, side_a), np.where(touched, 0, side_b)
    entered = np.stack([rc[qr, qc].astype(np.int64), side_a, side_b])
    major = np.where(entered > 0, entered, np.iinfo(np.int64).max).min(axis=0)
    major = np.where(major == np.iinfo(np.int64).max, 0, major)[steps]
    dist = offset_lengths_m(*time_model.cellsize_m)[k]
    cum_km = np.cumsum(dist)[steps] / 1000.0
    x = np.asarray(terrain["x"].values, dtype=np.float64)[qc[steps]]
    y = np.asarray(terrain["y"].values, dtype=np.float64)[qr[steps]]
    lon, lat = to_lonlat(x, y)
    names = {int(c): c.name for c in RiverClass}
    out = pd.DataFrame({
        "step": steps + 1, "cum_km": cum_km, "lon": np.asarray(lon, float),
        "lat": np.asarray(lat, float), "row": qr[steps], "col": qc[steps],
        "river_class": major, "river": [names.get(int(m), str(m)) for m in major],
        "river_name": [None] * len(steps),
    }, columns=list(CROSSING_COLUMNS))
    for name, toll in prices.items():
        out[name] = toll[steps]
    return out


# ----------------------------------------------------------------------------------------------
# Routing
# ----------------------------------------------------------------------------------------------


def _waypoint(point) -> tuple[str, float, float]:
    """(name, lon, lat) of anything :func:`logistics.places.resolve` takes."""
    from logistics.places import resolve

    p = resolve(point)
    return p.label, float(p.lon), float(p.lat)


def route(
    terrain: xr.Dataset,
    vehicle,
    waypoints,
    *,
    objective: str | float = "time",
    season: str = "dry",
    stencil: int = 16,
    engine: str = "auto",
    models: CostModels | None = None,
) -> Route:
    """The least-cost route of ``vehicle`` on ``terrain`` through ``waypoints`` in order.

    ``waypoints``: at least two places (:func:`logistics.places.resolve`: names, ``Place``
    objects or (lon, lat) pairs in degrees). ``objective``: "time", "fuel" or a weight in [0, 1] (see
    :func:`logistics.cost.physics.build_cost_model`); the route minimises it, and every step is
    then priced in both seconds and litres. Legs are solved one after another and joined.
    ``engine`` picks the solver (:func:`logistics.cost.accumulate.accumulate`); ``models`` is
    the run's cost-model cache (a new one when None).

    Raises ExtentError for a waypoint outside the terrain, NoRouteError for one on impassable
    ground or a leg that cannot be driven (naming the leg and the nearest reachable cell).
    """
    from logistics.terrain import cell_of, to_metric

    points = [_waypoint(p) for p in waypoints]
    if len(points) < 2:
        raise ConfigError(f"a route needs at least 2 waypoints, got {len(points)}")
    models = models if models is not None else CostModels()
    time_model, fuel_model = _models(terrain, vehicle, season, models)
    if objective == "time":
        model = time_model
    elif objective == "fuel" and fuel_model is not None:
        model = fuel_model
    else:
        model = models.get(terrain, vehicle, objective=objective, season=season)
    inp = kernel_inputs(model)
    cells = []
    for name, lon, lat in points:
        x, y = to_metric(lon, lat)
        cells.append(check_cell(inp, cell_of(terrain, x, y), f"waypoint {name!r}"))

    pieces = [np.asarray([cells[0]], dtype=np.int64)]
    bounds = []
    for i in range(len(cells) - 1):
        start, end = cells[i], cells[i + 1]
        acc = accumulate(model, [start], stencil=stencil, stop_at=end, engine=engine)
        try:
            leg = path(acc, end)
        except NoRouteError as exc:
            who = model.attrs.get("vehicle", "the vehicle")
            raise NoRouteError(
                f"leg {i + 1} ({points[i][0]} -> {points[i + 1][0]}) for {who}: {exc}"
            ) from None
        first = sum(len(p) for p in pieces) - 1
        pieces.append(leg[1:])
        bounds.append((first, first + len(leg) - 1))
    all_cells = np.concatenate(pieces)
    seg = _segments(terrain, all_cells, time_model, fuel_model, models)

    legs = pd.DataFrame(
        [
            {
                "leg": i + 1,
                "start": points[i][0],
                "end": points[i + 1][0],
                "first_row": a,
                "last_row": b,
                "distance_km": float(seg["dist_m"].iloc[a + 1 : b + 1].sum()) / 1000.0,
                "time_h": float(seg["time_s"].iloc[a + 1 : b + 1].sum()) / 3600.0,
                "fuel_l": float(seg["fuel_l"].iloc[a + 1 : b + 1].sum()),
            }
            for i, (a, b) in enumerate(bounds)
        ]
    )
    xy = seg[["x_m", "y_m"]].to_numpy()
    ll = seg[["lon", "lat"]].to_numpy()
    if len(seg) == 1:  # start == end: a zero-length line
        xy, ll = np.repeat(xy, 2, axis=0), np.repeat(ll, 2, axis=0)
    attrs = dict(
        vehicle=model.attrs.get("vehicle", str(vehicle)),
        objective=objective,
        season=season,
        stencil=int(stencil),
        units=model.units,
        waypoints=[p[0] for p in points],
    )
    return Route(seg, legs, LineString(ll), LineString(xy), attrs)
