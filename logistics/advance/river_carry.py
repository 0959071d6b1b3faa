"""A formation carried by its flotilla (``movement: river``): the ships' timetable through
the flotilla's start and route ports, refused when the ships cannot sail it or when the
formation's objectives lie off the river path they sail.

One check for two callers: the plan (:func:`logistics.advance.formation_plan.formation_plan`,
which places the formation on this timetable) and
:func:`logistics.advance.land_check.check_river_moves`, called by ``logistics run`` and
:func:`logistics.runner.run_scenario` before their terrain step with the same river planner.
Why: the river path reads only the river network, not the run's terrain, so a flotilla that
sails no river (issue 13) is refused before the work, in the plan's words.
"""

from __future__ import annotations

import numpy as np

from logistics.advance.movement import Timetable
from logistics.errors import ConfigError

__all__ = ["carried_river_timetable"]


def carried_river_timetable(u, army, b, norms, river_planner) -> Timetable:
    """The timetable on which flotilla brigade ``b`` carries formation ``u`` (``river_planner``
    through ``b``'s start and route ports, with its troop ships under ``norms``); ConfigError,
    naming the file and key, when it cannot sail them or when an objective of ``u`` lies
    beyond its ``radius_km`` of the path sailed."""
    from logistics.army.norms import troop_ships

    ships = troop_ships(army, b, norms)  # less the ships assigned to its river supply
    way = [(float(b.start.location().lon), float(b.start.location().lat))]
    way += [(float(p.location().lon), float(p.location().lat)) for p in b.route]
    tt = river_planner(way, depart_h=u.start_h, men=u.men, ships=ships)
    n = [x.id for x in army.flotilla].index(b.id)
    if not tt.ok:  # issue 13: a flotilla on a formation with no river on its route
        raise ConfigError(
            f"{army.source}: flotilla.{n} ({b.id}) carries {u.id}, but it cannot sail its "
            f"start and route ({tt.reason}); fix: a start and route ports on navigable "
            f"rivers, or another `movement:` for {u.id}")
    _objectives_on_the_river(u, army, b.id, tt)
    return tt


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
