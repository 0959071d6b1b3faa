"""Each formation's route: least time for its pace vehicle from its start through its objectives
in order, on the first season's ground, round the fortified regions it bypasses.

Legs are solved through the one door to the solvers (:func:`logistics.cost.accumulate.
accumulate`) on the run's cost models, then the joined path is priced by
:func:`logistics.cost.route.evaluate_path`. An objective area (``any_of``) is reached at the
option the formation's route reaches first (least accumulated time from the previous point).

When an objective counts as reached (the rule, also in ``configs/armies/README.md``): where the
formation, moving along its route, arrives at the route's point for it, the end of its leg, at
the objective's own cell (or the passable cell nearest it when the point lies on ground the pace
vehicle cannot enter). Coming within ``radius_km`` of it does not count, and neither does a
start within ``radius_km``: the radius only bounds how far that cell may be moved. A leg from
a point to an objective within its ``radius_km`` across a permanent river (a WDBII major, large
or medium river crosses the straight line between them) must pay a crossing of it; where this
grid cannot show one (both fall in one cell, or both on the river's own cells: a grid coarse
against the distance) the plan says so in a run note naming the finer ``--resolution-m`` that
prices it, and so does a leg of no length (an objective reached at the start).
A start or objective on ground the pace vehicle cannot enter on this grid (a jump-off on a
river bank falls in the river at 1 km) is moved to the nearest passable cell within its
radius, and a note says so. A formation that is ferried across a big river pays its ferrying
there in the search (``toll``: :mod:`~logistics.advance.ferry_toll`). Formations with the same
pace vehicle, season, barriers, toll and waypoints share one solve (:class:`RouteCache`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from logistics.cost.models import CostModels
from logistics.errors import ConfigError, NoRouteError

__all__ = ["PlannedRoute", "RouteCache", "plan_route", "snap_point", "barrier_cells",
           "rivers_between", "area_error", "CROSSED_RIVER_CLASSES", "START_RADIUS_KM"]

#: The river classes a leg to a near objective must be seen to cross (permanent rivers:
#: WDBII major, large, medium); intermittent streams and canals are left to the cost rule.
CROSSED_RIVER_CLASSES = (1, 2, 3)

#: How far (km) a formation's start, or where it is formed, may be moved onto ground its pace
#: vehicle can enter (:func:`snap_point`). **Assumed** (the plan's value, unchanged; a jump-off
#: on a river bank falls in the river on a 1 km grid): ``ferry_sites.FERRY_SITE_KM`` and
#: ``frontier.HOME_SLACK_KM`` build on it.
START_RADIUS_KM: float = 10.0


@dataclass(frozen=True)
class PlannedRoute:
    """A formation's route: the pace vehicle's segment table (``logistics.cost.route``
    columns: lon, lat, row, col, dist_m, cum_km, elev_m, grade, time_s, fuel_l, terrain_class,
    river_class), the waypoints it was solved through ((name, lon, lat), after snapping) and
    the objectives reached (name chosen, km)."""

    segments: pd.DataFrame
    waypoints: tuple[tuple[str, float, float], ...]
    objective_km: tuple[tuple[str, float], ...]
    notes: tuple[str, ...] = ()
    #: the run notes on objectives reached without the crossing or at the start (also in the
    #: formation's line of the run summary)
    reach_notes: tuple[str, ...] = ()
    #: the ferry toll its search paid (:class:`~logistics.advance.ferry_toll.FerryToll`;
    #: None: none), which says at which crossings the step loop ferries it
    #: (formation_plan.py ``_crossings``)
    toll: object | None = None

    @property
    def cells(self) -> np.ndarray:
        """(n, 2) row, col of the route's cells."""
        return self.segments[["row", "col"]].to_numpy(dtype=np.int64)


@dataclass
class RouteCache:
    """Routes of one run keyed by (pace vehicle, season, barrier key, waypoints, toll key)."""

    routes: dict = field(default_factory=dict)
    solves: int = 0


def barrier_cells(terrain, shapes) -> np.ndarray:
    """Bool grid: cells whose centre lies inside any of ``shapes`` (shapely, lon/lat)."""
    from shapely import contains_xy, transform

    from logistics.terrain import to_metric

    ny, nx = terrain.sizes["y"], terrain.sizes["x"]
    mask = np.zeros((ny, nx), dtype=bool)
    xs = np.asarray(terrain["x"].values, dtype=np.float64)
    ys = np.asarray(terrain["y"].values, dtype=np.float64)
    for shape in shapes:
        metric = transform(shape, lambda xy: np.column_stack(to_metric(xy[:, 0], xy[:, 1])))
        x0, y0, x1, y1 = metric.bounds
        cols = np.flatnonzero((xs >= x0) & (xs <= x1))
        rows = np.flatnonzero((ys >= y0) & (ys <= y1))
        if not len(cols) or not len(rows):
            continue
        gx, gy = np.meshgrid(xs[cols], ys[rows])
        inside = contains_xy(metric, gx, gy)
        mask[np.ix_(rows, cols)] |= inside
    return mask


def _nearest_open(terrain, blocked: np.ndarray, x: float, y: float):
    """(km, lon, lat) of the centre of the passable cell nearest to metric (x, y) anywhere on
    the grid, or None when every cell is blocked (for the fix an error offers)."""
    from logistics.terrain import to_lonlat

    rr, cc = np.nonzero(~blocked)
    if not len(rr):
        return None
    xs, ys = terrain["x"].to_numpy(), terrain["y"].to_numpy()
    d = np.hypot(xs[cc] - x, ys[rr] - y)
    k = int(np.argmin(d))
    lon, lat = to_lonlat(float(xs[cc[k]]), float(ys[rr[k]]))
    return float(d[k]) / 1000.0, float(lon), float(lat)


def snap_point(terrain, blocked: np.ndarray, name: str, lon: float, lat: float,
               radius_km: float, notes: list[str], who: str, *, key: str = "",
               kind: str = "point") -> tuple[float, float, tuple[int, int]]:
    """(lon, lat, cell) of a point, moved to the nearest cell not ``blocked`` within
    ``radius_km`` when it lies on blocked ground (a NoRouteError naming ``who`` and the key
    path ``key`` of the point otherwise, with the nearest passable point as the fix).
    ``kind`` names the point in the fix: ``"start"`` (a formation's start, looked for land
    only within the plan's fixed radius: the fix is to move it) or ``"objective"``/``"point"``
    (its own ``radius_km`` may reach land)."""
    from logistics.terrain import cell_of, to_lonlat, to_metric

    x, y = to_metric(lon, lat)
    r, c = cell_of(terrain, float(x), float(y))
    if not blocked[r, c]:
        return lon, lat, (r, c)
    xs, ys = terrain["x"].to_numpy(), terrain["y"].to_numpy()
    cell_m = abs(float(xs[1] - xs[0])) if len(xs) > 1 else 1000.0
    n = int(np.ceil(radius_km * 1000.0 / cell_m))
    r0, c0 = max(r - n, 0), max(c - n, 0)
    rr, cc = np.nonzero(~blocked[r0:r + n + 1, c0:c + n + 1])
    d = np.hypot(xs[cc + c0] - x, ys[rr + r0] - y)
    if not len(d) or d.min() > radius_km * 1000.0:
        near = _nearest_open(terrain, blocked, float(x), float(y))
        what = f"the {kind}"
        if near is None:
            fix = (f"move {what} into the land of the army's box: no passable cell on the grid "
                   "(a point in the sea, or a barrier over the whole box?)")
        else:
            km, nlon, nlat = near
            fix = f"move {what} onto passable ground, e.g. lon {nlon:.3f}, lat {nlat:.3f} " \
                  f"({km:.0f} km away, the nearest passable cell on this grid)"
            if kind != "start" and np.ceil(km) <= 500:
                fix += (f", or give it radius_km: {np.ceil(km):.0f} (how far it may be moved "
                        "onto passable ground)")
        raise NoRouteError(
            f"{who}{'.' + key if key else ''}: {name!r} (lon {lon:.3f}, lat {lat:.3f}) lies on "
            f"ground its pace vehicle cannot enter (water, a barrier or a fortified region it "
            f"goes round) and no passable cell is within {radius_km:g} km of it; fix: {fix}")
    k = int(np.argmin(d))
    rc = (int(rr[k] + r0), int(cc[k] + c0))
    new = to_lonlat(float(xs[rc[1]]), float(ys[rc[0]]))
    notes.append(f"{who}: {name} lies on ground its pace vehicle cannot enter on this grid; moved "
                 f"{d[k] / 1000:.1f} km to the nearest passable cell")
    return float(new[0]), float(new[1]), rc


def area_error(where: str, obj, vehicle_id: str) -> ConfigError:
    """The error of an objective area ``obj`` (:class:`~logistics.army.resolve.ObjectiveSpec`,
    key path ``where``) none of whose points has ground ``vehicle_id`` can enter within its
    ``radius_km`` (each point's own error is dropped: another point may be taken)."""
    points = ", ".join(f"{label!r} (lon {olon:.3f}, lat {olat:.3f})"
                       for label, olon, olat in obj.options)
    return ConfigError(
        f"{where}: no point of the objective area (any_of: {points}) lies on "
        f"ground its pace vehicle {vehicle_id} can enter, nor has passable ground within "
        f"radius_km {obj.radius_km:g}; fix: move at least one of its points onto land, "
        "or give the area a larger radius_km")


def plan_route(terrain, vehicle, season: str, start: tuple[str, float, float, float],
               objectives, *, models: CostModels, stencil: int = 16, engine: str = "auto",
               barriers: np.ndarray | None = None, barrier_key: str = "",
               cache: RouteCache | None = None, who: str = "route",
               start_key: str = "start", toll=None) -> PlannedRoute:
    """The least-time route of ``vehicle`` from ``start`` ((name, lon, lat, radius_km))
    through ``objectives`` (:class:`~logistics.army.resolve.ObjectiveSpec`, in order) on
    ``season`` ground, never entering ``barriers`` (bool grid; ``barrier_key`` names it in the
    cache). ConfigError (NoRouteError for a point on blocked ground) naming ``who``, the key
    path (``start_key``, ``objectives.<i>``), the point and the fix when it cannot be planned.
    ``toll``: a :class:`~logistics.advance.ferry_toll.FerryToll` the search pays on big-river
    cells where the formation is ferried (its ``key`` in the cache); the route's own times
    keep the cost engine's crossing."""
    from logistics.cost.accumulate import accumulate, cost_array, path
    from logistics.cost.kernel import kernel_inputs
    from logistics.cost.route import evaluate_path
    from logistics.cost.solver import barrier_mask

    key = (vehicle.id, season, barrier_key, start[1:3],
           tuple((o.options, o.radius_km) for o in objectives), stencil,
           toll.key if toll is not None else "")
    if cache is not None and key in cache.routes:
        return cache.routes[key]
    notes: list[str] = []
    model = models.get(terrain, vehicle, objective="time", season=season)
    if toll is not None:
        from logistics.advance.ferry_toll import with_toll

        model = with_toll(model, terrain, toll)
    blocked = barrier_mask(kernel_inputs(model))
    if barriers is not None:
        blocked = blocked | barriers
    name, lon, lat, radius = start
    origin = (name, float(lon), float(lat))  # each leg's point of departure, as written
    reach_notes: list[str] = []
    lon, lat, cur = snap_point(terrain, blocked, name, lon, lat, radius, notes, who,
                               key=start_key, kind="start")
    waypoints = [(name, lon, lat)]
    pieces = [np.asarray([cur], dtype=np.int64)]
    reached = []
    helped = None
    for i, obj in enumerate(objectives):
        targets = []
        okey = f"objectives.{i}"
        for label, olon, olat in obj.options:
            try:
                tl, ta, cell = snap_point(terrain, blocked, label, olon, olat, obj.radius_km,
                                          notes, who, key=okey, kind="objective")
            except NoRouteError:
                if len(obj.options) == 1:
                    raise
                continue
            targets.append((label, tl, ta, cell, (label, float(olon), float(olat))))
        if not targets:
            raise area_error(f"{who}.{okey}", obj, vehicle.id)
        acc = accumulate(model, [cur], stencil=stencil, barriers=barriers, engine=engine,
                         stop_at=targets[0][3] if len(targets) == 1 else None)
        if cache is not None:
            cache.solves += 1
        cost = cost_array(acc)
        best = min(targets, key=lambda t: float(cost[t[3]]))
        if not np.isfinite(float(cost[best[3]])) and helped is None:
            # the pace vehicle cannot get there on its own (wheels in sand or marsh): the
            # column's engineers help it across land it cannot cross, at its worst going
            helped = _helped_model(terrain, model)
            notes.append(f"{who}: {vehicle.id} cannot reach {obj.name} on its own on "
                         f"{season} ground; routed with land it cannot cross helped across at "
                         "its worst going (the rule of cost.route.helped_across)")
        if helped is not None and not np.isfinite(float(cost[best[3]])):
            model = helped
            acc = accumulate(model, [cur], stencil=stencil, barriers=barriers, engine=engine,
                             stop_at=targets[0][3] if len(targets) == 1 else None)
            cost = cost_array(acc)
            best = min(targets, key=lambda t: float(cost[t[3]]))
        if not np.isfinite(float(cost[best[3]])):
            points = ", ".join(f"{t[0]!r} (lon {t[1]:.3f}, lat {t[2]:.3f})" for t in targets)
            raise ConfigError(
                f"{who}.{okey}: {points} cannot be reached by {vehicle.id} from "
                f"{waypoints[-1][0]} on {season} ground"
                + (" round the fortified regions it bypasses" if barriers is not None
                   and barriers.any() else "")
                + "; fix: an objective on the same land as the route before it (not across "
                "the sea, a lake or a barrier), or the formation's on_fortified_region: "
                "assault where it must go through a fortified region")
        leg = path(acc, best[3])
        pieces.append(np.asarray(leg[1:], dtype=np.int64))
        reach_notes += _reach_check(terrain, vehicle, season, models, origin, best[4], leg,
                                    obj.radius_km, f"{who}.{okey}",
                                    at_start=i == 0 and start_key == "start",
                                    formed=i == 0 and start_key == "formed")
        origin = best[4]
        cur = best[3]
        waypoints.append((best[0], best[1], best[2]))
        reached.append(best[0])
    cells = np.concatenate(pieces)
    seg = evaluate_path(terrain, cells, vehicle, season=season, models=models)
    # the km of each objective: where the route ends each leg
    ends = np.cumsum([len(p) for p in pieces]) - 1
    kms = seg["cum_km"].to_numpy()
    objective_km = tuple((nm, float(kms[e])) for nm, e in zip(reached, ends[1:]))
    out = PlannedRoute(seg.reset_index(drop=True), tuple(waypoints), objective_km,
                       tuple(notes + reach_notes), tuple(reach_notes))
    if cache is not None:
        cache.routes[key] = out
    return out


def rivers_between(a: tuple[float, float], b: tuple[float, float]) -> tuple[int, ...]:
    """The classes (of :data:`CROSSED_RIVER_CLASSES`, ``RiverClass`` codes, sorted) of the
    shipped WDBII rivers that the straight line from ``a`` to ``b`` (lon, lat) crosses, drawn
    in the metric CRS: what a leg between two near points must be seen to cross."""
    import shapely

    from logistics.terrain import to_metric
    from logistics.terrain.rivers import read_rivers

    pad = 0.05  # degrees round the two points: every line that can meet the segment
    rv = read_rivers((min(a[0], b[0]) - pad, min(a[1], b[1]) - pad,
                      max(a[0], b[0]) + pad, max(a[1], b[1]) + pad))
    rv = rv[rv["river_class"].isin(CROSSED_RIVER_CLASSES)]
    if not len(rv):
        return ()
    xa, ya = to_metric(float(a[0]), float(a[1]))
    xb, yb = to_metric(float(b[0]), float(b[1]))
    line = shapely.LineString([(float(xa), float(ya)), (float(xb), float(yb))])
    return tuple(sorted({int(c) for c in rv[rv.intersects(line)]["river_class"]}))


def _resolution_m(terrain) -> float:
    xs = terrain["x"].to_numpy()
    return abs(float(xs[1] - xs[0])) if len(xs) > 1 else float(
        terrain.attrs.get("resolution_m", 0.0))


def _reach_check(terrain, vehicle, season: str, models: CostModels,
                 origin: tuple[str, float, float], target: tuple[str, float, float],
                 leg: np.ndarray, radius_km: float, where: str, *, at_start: bool,
                 formed: bool = False) -> list[str]:
    """Run notes on a leg from ``origin`` to an objective ``target`` within its ``radius_km``
    (both (name, lon, lat) as written) that this grid cannot march: a permanent river between
    them whose crossing the leg's cells (``leg``) do not pay, or a leg of no length (the
    objective reached where the leg begins). Empty when the leg is sound.

    ``at_start``: the leg begins at the formation's start (reached at H-hour); ``formed``:
    it begins where the formation is formed on its parent's route (a forward detachment
    formed at its first objective, after its parent's crossing: a leg of no length there is
    how it is meant, not a slip, so it gets no note)."""
    from logistics.cost.route import river_crossings
    from logistics.geodesy import great_circle_km
    from logistics.terrain import RiverClass

    d_km = float(great_circle_km(origin[1], origin[2], target[1], target[2]))
    if d_km > radius_km:
        return []
    frm = "its start" if at_start else "where it is formed" if formed else origin[0]
    res = _resolution_m(terrain)
    moved = len(leg) >= 2
    finer = max(100, int(d_km * 1000.0 / 3.0 // 100) * 100)  # three cells between them
    classes = rivers_between(origin[1:], target[1:])
    if classes:
        major = classes[0]
        paid = river_crossings(terrain, leg, [vehicle], season=season, models=models) \
            if moved else None
        if paid is None or not (paid["river_class"].to_numpy() <= major).any():
            how = ("both fall in one cell" if not moved
                   else "both lie on the river's own cells")
            return [f"{where}: {target[0]} lies {d_km:.1f} km from {frm} across a "
                    f"{RiverClass(major).name.lower()} river, but on this {res:g} m grid its "
                    f"route pays no crossing of it ({how}): reached "
                    f"{'at H-hour, ' if at_start and not moved else ''}without the crossing; "
                    f"fix: a grid that parts the banks, e.g. --resolution-m {finer} (a third "
                    "of the distance), to march and price the crossing"]
    if not moved and not formed:
        return [f"{where}: {target[0]} lies {d_km:.1f} km from {frm}, in the same cell on "
                f"this {res:g} m grid: reached {'at H-hour' if at_start else 'with it'}, with no "
                "march (an objective counts as reached where the route arrives at it); "
                f"fix: check the objective (a config slip?), or a finer grid, e.g. "
                f"--resolution-m {finer}"]
    return []


def _helped_model(terrain, model):
    """``model`` with every land cell it cannot enter given its worst finite going (water and
    nodata stay barriers): the formation's engineers help it across (corduroy, towing)."""
    from logistics.supply.turnaround import along_track
    from logistics.terrain.classes import TerrainClass

    tc = np.asarray(terrain["terrain_class"].values)
    land = (tc != int(TerrainClass.WATER)) & (tc != int(TerrainClass.NODATA))
    return along_track(model, land)
