"""A formation carried by its flotilla (``movement: river``): the ships' timetable through
the flotilla's start and route ports, refused when the ships cannot sail it or when the
formation's objectives lie off the river path they sail.

One check for two callers: the plan (:func:`logistics.advance.formation_plan.formation_plan`,
which places the formation on this timetable) and
:func:`logistics.advance.land_check.check_river_moves`, called by ``logistics run`` and
:func:`logistics.runner.run_scenario` before their terrain step with the same river planner.
Why: the river path reads only the river network, not the run's terrain, so a flotilla that
sails no river (issue 13) is refused before the work, in the plan's words. The timetables the
early check sailed are handed on to the plan (``known``: plain data, keyed by every input of the
river planner's call, :func:`timetable_key`), which takes them rather than sail them again
(about a second a formation: the 15th Army's were sailed two or three times a run).
"""

from __future__ import annotations

from collections.abc import Hashable, MutableMapping
from functools import partial

import numpy as np

from logistics.advance.movement import Timetable
from logistics.errors import ConfigError

__all__ = ["carried_river_timetable", "timetable_key"]


def carried_river_timetable(u, army, b, norms, river_planner,
                            known: MutableMapping[Hashable, Timetable] | None = None
                            ) -> Timetable:
    """The timetable on which flotilla brigade ``b`` carries formation ``u`` (``river_planner``
    through ``b``'s start and route ports, with its troop ships under ``norms``); ConfigError,
    naming the file and key, when it cannot sail them or when an objective of ``u`` lies
    beyond its ``radius_km`` of the path sailed. ``known``: timetables sailed before, by
    :func:`timetable_key`; one of the same key is taken (and checked) rather than sailed
    again, and one sailed here is added."""
    from logistics.army.norms import troop_ships

    ships = troop_ships(army, b, norms)  # less the ships assigned to its river supply
    way = [(float(b.start.location().lon), float(b.start.location().lat))]
    way += [(float(p.location().lon), float(p.location().lat)) for p in b.route]
    key = timetable_key(river_planner, way, u.start_h, u.men, ships)
    try:
        hash(key)
    except TypeError:  # a caller's planner bound to unhashable arguments: sailed each time
        known = None
    tt = known.get(key) if known is not None else None
    if tt is None:
        tt = river_planner(way, depart_h=u.start_h, men=u.men, ships=ships)
    n = [x.id for x in army.flotilla].index(b.id)
    if not tt.ok:  # issue 13: a flotilla on a formation with no river on its route
        raise ConfigError(
            f"{army.source}: flotilla.{n} ({b.id}) carries {u.id}, but it cannot sail its "
            f"start and route ({tt.reason}); fix: a start and route ports on navigable "
            f"rivers, or another `movement:` for {u.id}")
    _objectives_on_the_river(u, army, b.id, tt)
    if known is not None:
        known[key] = tt
    return tt


def timetable_key(river_planner, way, depart_h: float, men: int, ships) -> tuple:
    """Every input of one river planner call as a hashable key: the planner (a ``partial``
    by its function and bound arguments, as ``means_options`` makes a new one per call; any
    other callable itself), the waypoints (lon, lat), the departure (h), the men and the
    ships (class: count). Equal keys, equal timetables, within one set of norms: the planner
    reads its river norms when called, so timetables are handed on only within a run."""
    if isinstance(river_planner, partial):
        planner = (river_planner.func, river_planner.args,
                   tuple(sorted(river_planner.keywords.items(), key=lambda kv: kv[0])))
    else:
        planner = river_planner
    return (planner, tuple((float(lon), float(lat)) for lon, lat in way), float(depart_h),
            int(men), tuple(sorted((str(c), int(k)) for c, k in dict(ships).items())))


def _objectives_on_the_river(u, army, brigade_id: str, tt: Timetable) -> None:
    """A formation carried by the flotilla goes where its ships go: each of its objectives
    must lie within its ``radius_km`` of the river path the flotilla sails (``tt``), or the
    formation would "arrive" at the end of the route, far from its objective (ConfigError)."""
    from shapely import LineString, Point

    from logistics.advance.route_choice import formation_key
    from logistics.terrain import to_metric

    x, y = to_metric(np.asarray(tt.lon, float), np.asarray(tt.lat, float))
    path = LineString(np.column_stack([x, y])) if len(x) > 1 else Point(x[0], y[0])
    for k, obj in enumerate(u.objectives):
        gaps = [path.distance(Point(*to_metric(lon, lat))) / 1000.0 for _, lon, lat in obj.options]
        if min(gaps) > obj.radius_km:
            raise ConfigError(
                f"{army.source}: {formation_key(army, u.id)}.objectives.{k}: {obj.name} lies "
                f"{min(gaps):.0f} km from the rivers its flotilla {brigade_id} sails (radius_km "
                f"{obj.radius_km:g}); a formation carried by the flotilla goes only where the "
                "ships go; fix: an objective on the flotilla's route (a port of its `route:`), "
                f"or another `movement:` for {u.id}")
