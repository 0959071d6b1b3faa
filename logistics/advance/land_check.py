"""A start or an objective in a lake or the sea, and a flotilla that cannot carry its
formation, refused before the terrain step.

The plan moves a start or objective lying on ground its pace vehicle cannot enter to the
nearest passable cell within its radius, and refuses it when there is none
(:func:`~logistics.advance.routes.snap_point`); but it does so only once the run's terrain is
built and the routes before it solved. :func:`check_points_on_land` applies that same snapping
first, on windows of the run's grid round each point (:func:`logistics.terrain.water.
water_window`: the same cells, read without the whole terrain), where only water and no-data
cells are blocked, a part of what the plan blocks (a vehicle's own barriers, fortified regions
and sector rules come on top there; the water a flotilla opens at its ferry sites,
:func:`~logistics.advance.ferry_sites.open_ferry_water`, is open here too): a point it refuses
the plan refuses, in the same words, and a point the plan takes it takes.

Which points the plan snaps, and so which are checked: the start of every formation with a
route of its own (not carried by river or rail, not formed on its parent's route), within
:data:`~logistics.advance.routes.START_RADIUS_KM`; each objective within its ``radius_km``
(an objective area refused when none of its points can be taken), except a formed
formation's leading objectives that are its parent's too (it may pass them in its parent's
column). Called by :func:`logistics.runner.run_scenario` and ``logistics run`` before their
terrain step, and by ``logistics compare`` and ``logistics.compare`` for each army before the
runs.
"""

from __future__ import annotations

import math

import numpy as np

from logistics.errors import ConfigError, NoRouteError

__all__ = ["check_points_on_land", "check_river_moves"]


def check_points_on_land(army, *, resolution_m: float | None = None, dem: str = "merged",
                         river_path: bool = True) -> None:
    """ConfigError, before the terrain is built, for a start or objective of ``army`` in water
    or outside the elevation data on its run's grid (its box at ``resolution_m``, None:
    ``settings.DEFAULT_RESOLUTION_M``; ``dem`` as the run's) with no land within its radius:
    the plan's own error, naming the file, the key path, the point and the nearest land.
    ``river_path``: the run has a river planner (a flotilla's river path opens its water)."""
    from logistics import settings
    from logistics.advance.plan import army_bbox, planned_units
    from logistics.advance.route_choice import formation_key, route_order
    from logistics.advance.routes import START_RADIUS_KM, area_error
    from logistics.army.fortified import load_fortified
    from logistics.army.norms import load_norms
    from logistics.terrain.grid import metric_grid

    res = float(resolution_m) if resolution_m is not None else settings.DEFAULT_RESOLUTION_M
    grid = metric_grid(army_bbox(army), res)
    norms = load_norms(army.config_dir)
    units = planned_units(army, norms, load_fortified(army.config_dir).rule)
    by_id = {u.id: u for u in units}
    water = _Water(grid, dem, army, units, norms, river_path)
    water.read_cells([(u.start_lon, u.start_lat) for u in units]
                     + [(lon, lat) for u in units for o in u.objectives
                        for _, lon, lat in o.options])
    for u in route_order(units):  # the plan's order: its first refusal is refused here
        if u.movement in ("river", "rail"):
            continue  # carried: no route of its own (a river landing may lie in the river)
        who = f"{army.source}: {formation_key(army, u.id)}"
        parent = by_id.get(u.parent) if u.formed_when else None
        formed = parent is not None and parent.movement not in ("river", "rail")
        try:
            if not formed:
                water.snap(f"{u.id} start", u.start_lon, u.start_lat, START_RADIUS_KM, who,
                           "start", "start")
            for i, obj in enumerate(u.objectives):
                if formed and i < _with_parent(u.objectives, parent.objectives):
                    continue
                taken = 0
                for label, lon, lat in obj.options:
                    try:
                        water.snap(label, lon, lat, obj.radius_km, who, f"objectives.{i}",
                                   "objective")
                        taken += 1
                    except NoRouteError:
                        if len(obj.options) == 1:
                            raise
                if not taken:
                    raise area_error(f"{who}.objectives.{i}", obj, u.pace_vehicle)
        except NoRouteError as exc:  # as choose_routes words it
            text = str(exc)
            raise ConfigError(text if text.startswith(who) else f"{who}: {text}") from None


def _with_parent(own, parents) -> int:
    """How many of a formed formation's leading objectives may be passed in its parent's
    column (:func:`~logistics.advance.route_choice._passed_with_parent` takes those its parent
    reaches before it is formed: at most these; the last is always its own)."""
    n = 0
    for mine, theirs in zip(own[:-1], parents):
        if mine.options != theirs.options:
            break
        n += 1
    return n


class _Water:
    """The run grid's water read in windows round points, each point snapped as the plan
    does; the flotillas' ferry sites (where the plan opens water) drawn on first need."""

    def __init__(self, grid, dem: str, army, units, norms, river_path: bool) -> None:
        self.grid, self.dem = grid, dem
        self._sites_of = (army, units, norms, river_path)
        self._sites: list | None = None
        self._open: dict[tuple[float, float], bool] = {}

    def read_cells(self, points: list[tuple[float, float]]) -> None:
        """Whether the cell of each (lon, lat) of ``points`` is open, read at once."""
        from logistics.terrain import cell_of, to_metric
        from logistics.terrain.water import water_at

        if not points:
            return
        lonlat = np.asarray(points, dtype=np.float64)
        x, y = to_metric(lonlat[:, 0], lonlat[:, 1])
        rows, cols = cell_of(self.grid, x, y)
        blocked = water_at(self.grid, rows, cols, dem=self.dem)
        self._open.update({(float(lon), float(lat)): not b
                           for (lon, lat), b in zip(lonlat, blocked)})

    def sites(self) -> list:
        if self._sites is None:
            from logistics.advance.ferry_sites import army_ferry_sites

            army, units, norms, river_path = self._sites_of
            self._sites = []
            if any(b.ferries_for for b in army.flotilla):
                ferry_points, own_sites = army_ferry_sites(army, units, norms,
                                                           river_path=river_path)
                self._sites = [p for pts in [*ferry_points.values(), *own_sites.values()]
                               for p in pts]
        return self._sites

    def window(self, r: int, c: int, half: int):
        """The water window of ``half`` cells round cell (r, c), the ferry sites' water open."""
        from logistics.advance.ferry_sites import may_open
        from logistics.terrain.classes import TerrainClass
        from logistics.terrain.water import water_window

        win = water_window(self.grid, slice(max(r - half, 0), r + half + 1),
                           slice(max(c - half, 0), c + half + 1), dem=self.dem)
        blocked = win["blocked"].values
        if blocked.any() and self.sites():
            water = win["terrain_class"].values == int(TerrainClass.WATER)
            blocked = blocked & ~(water & may_open(win, self.sites()))
        return win, blocked

    def snap(self, name: str, lon: float, lat: float, radius_km: float, who: str, key: str,
             kind: str) -> None:
        """NoRouteError (:func:`~logistics.advance.routes.snap_point`'s) when the point has
        no open cell within ``radius_km``; its fix names the nearest open cell of the grid
        (the window grows until it holds it, or is the whole grid)."""
        from logistics.advance.routes import _nearest_open, snap_point
        from logistics.terrain import cell_of, to_metric

        if self._open.get((float(lon), float(lat))):
            return  # its own cell is open: the plan takes it as it is
        x, y = to_metric(lon, lat)
        r, c = cell_of(self.grid, float(x), float(y))
        res = self.grid.resolution_m
        n = int(math.ceil(radius_km * 1000.0 / res))  # snap_point's own reach
        half = n
        whole = max(self.grid.shape)
        while True:
            win, blocked = self.window(r, c, half)
            near = _nearest_open(win, blocked, float(x), float(y))
            # an open cell within half cells is the grid's nearest (any cell beyond the window
            # lies farther): within the radius, snap_point takes it; else it names it
            if half >= whole or (near is not None and near[0] * 1000.0 <= half * res):
                break
            reach = 0 if near is None else int(math.ceil(near[0] * 1000.0 / res)) + 1
            half = min(whole, max(2 * half, 1, reach))
        snap_point(win, np.asarray(blocked), name, lon, lat, radius_km, [], who, key=key,
                   kind=kind)


def check_river_moves(army, river_planner="default", known=None) -> dict:
    """ConfigError, before the terrain is built, for a formation of ``army`` carried by a
    flotilla that cannot sail its start and route or whose objectives lie off the river path:
    :func:`~logistics.advance.river_carry.carried_river_timetable` for each, as the plan calls
    it (in the plan's order of formations). ``river_planner``: the run's (``"default"``: the
    army's own, from its configs folder; None: the run has none, and the plan carries nobody,
    so nothing is refused). Returns the timetables sailed (``known``, a dict by
    :func:`~logistics.advance.river_carry.timetable_key`, added to when given), for the plan
    of the same run to take rather than sail again (``PlanOptions.river_timetables``)."""
    from logistics.advance.plan import planned_units
    from logistics.advance.river_carry import carried_river_timetable
    from logistics.army.fortified import load_fortified
    from logistics.army.norms import load_norms

    known = {} if known is None else known
    if river_planner is None or not any(f.movement == "river" for f in army.formations):
        return known
    if river_planner == "default":
        from logistics.advance.means import river_planner_of

        river_planner = river_planner_of(army.config_dir)
    norms = load_norms(army.config_dir)
    brigades = {b.id: b for b in army.flotilla}
    for u in planned_units(army, norms, load_fortified(army.config_dir).rule):
        b = brigades.get(u.carried_by) if u.movement == "river" else None
        if b is not None:
            carried_river_timetable(u, army, b, norms, river_planner, known)
    return known
