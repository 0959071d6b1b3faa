"""The means of movement as the step loop calls them: rail, river, ferry and shuttle planners
of ``network/`` and ``advance/shuttle`` behind the signatures of ``advance/movement``.

The planners themselves are pure functions built elsewhere (``network.plan_rail_move``,
``network.railhead_at``, ``network.plan_river_move``, ``network.ferry_time_h``,
``network.own_means_time_h``, ``advance.shuttle.shuttle_timetable``); this module only
adapts them: it turns their results into :class:`~logistics.advance.movement.Timetable` and
:class:`~logistics.advance.movement.Railhead`, chains a river move through several waypoints,
and keeps an army's railway (:class:`ArmyRail`: its own railheads on the shipped 1945 network,
the lines it may restore, which stations it holds from the formations' positions so far).

Times are hours since the army's H-hour; positions lon/lat.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path

import numpy as np

from logistics.advance.movement import Railhead, Reached, Timetable
from logistics.advance.supply_specs import railhead_station
from logistics.army.checks import line_ids
from logistics.army.means_norms import load_means_norms, movement_yaml

__all__ = ["river_planner", "ferry_time", "own_means_time", "shuttle_planner", "ArmyRail",
           "line_ids", "means_options", "river_planner_of", "off_network_notes",
           "planner_config_dir"]

def _timetable(mode: str, fields: dict) -> Timetable:
    """A :class:`Timetable` from a planner's ``timetable()`` dict."""
    arr = {k: (np.asarray(fields[k], dtype=np.float64) if fields.get(k) is not None else None)
           for k in ("km", "lon", "lat", "time_h", "tail_km", "fuel_l")}
    return Timetable(mode=mode, km=arr["km"] if arr["km"] is not None else np.zeros(0),
                     lon=arr["lon"] if arr["lon"] is not None else np.zeros(0),
                     lat=arr["lat"] if arr["lat"] is not None else np.zeros(0),
                     time_h=arr["time_h"] if arr["time_h"] is not None else np.zeros(0),
                     tail_km=arr["tail_km"], fuel_l=arr["fuel_l"],
                     fuel_type=str(fields.get("fuel_type") or "none"),
                     reason=str(fields.get("reason") or ""),
                     stations=tuple(fields.get("stations") or ()),
                     notes=tuple(fields.get("notes") or ()), walk=fields.get("walk"),
                     state_at=fields.get("state_at"))


def _failed(mode: str, reason: str) -> Timetable:
    z = np.zeros(0)
    return Timetable(mode=mode, km=z, lon=z, lat=z, time_h=z, reason=reason)


def river_planner(waypoints: Sequence[tuple[float, float]], *, depart_h: float, men: int,
                  ships: Mapping[str, int], config_dir: str | Path | None = None) -> Timetable:
    """``RiverMovePlanner``: the flotilla carries ``men`` through ``waypoints`` in order, one
    :func:`~logistics.network.plan_river_move` per leg (the river norms of ``config_dir``'s
    movement.yaml); each leg leaves when the last wave of the one before is ashore (the
    brigade carries the formation whole from port to port)."""
    from logistics.network import plan_river_move

    norms = load_means_norms(movement_yaml(config_dir)).river

    if len(waypoints) < 2:
        return _failed("river", "a river move needs a start and at least one port on its route")
    parts, t, k0, trips, spread_h, last = [], float(depart_h), 0.0, 0, 0.0, ""
    for a, b in zip(waypoints[:-1], waypoints[1:]):
        mv = plan_river_move(tuple(a), tuple(b), ships={c: int(n) for c, n in ships.items()},
                             men=int(men), depart_h=t, norms=norms)
        if not mv.ok:
            return _failed("river", mv.reason)
        tt = mv.timetable()
        km = np.asarray(tt["km"], float) + k0
        tail = (np.asarray(tt["tail_km"], float) + k0) if tt.get("tail_km") is not None else km
        parts.append((km, np.asarray(tt["lon"], float), np.asarray(tt["lat"], float),
                      np.asarray(tt["time_h"], float), tail, tuple(tt.get("stations") or ())))
        k0 = float(km[-1])
        t = float(max(np.asarray(tt["time_h"], float)[-1], mv.all_ashore_h))
        if len(mv.waves):
            trips = max(trips, int(mv.waves["trip"].max()))
            if mv.all_ashore_h - mv.head_ashore_h > spread_h:
                spread_h = mv.all_ashore_h - mv.head_ashore_h
                last = str(mv.waves.loc[mv.waves["ashore_h"].idxmax(), "ship_class"])
    km, lon, lat, time_h, tail = (np.concatenate([p[i] for p in parts]) for i in range(5))
    order = np.argsort(time_h, kind="stable")
    return Timetable(mode="river", km=km[order], lon=lon[order], lat=lat[order],
                     time_h=time_h[order], tail_km=tail[order],
                     stations=tuple(s for p in parts for s in p[5]),
                     notes=(f"carried {k0:.0f} km by river in {len(parts)} leg(s), up to "
                            f"{trips} trip(s) of the ships a leg; the last men are ashore up to "
                            f"{spread_h:.0f} h after the first (those of the {last or '-'}, the "
                            "last to land): the formation arrives with its first men ashore "
                            "and is all there with the last",
                            *_beyond_range(norms, ships, k0)))


def _beyond_range(norms, ships: Mapping[str, int], km: float) -> tuple[str, ...]:
    """A note for each ship class of ``ships`` whose range on one load of fuel (``range_km``
    of the river norms, where a source gives it) is shorter than the ``km`` it sails one
    way: no fuel stops are modelled for ships, so its times are as if it refuelled on the
    way without losing an hour (early by whatever refuelling took)."""
    out = []
    for cid, n in sorted(ships.items()):
        rng = norms.ships[cid].range_km if cid in norms.ships else None
        if int(n) > 0 and rng is not None and rng < km:
            out.append(f"{cid}: its range on one load of fuel, {rng:.0f} km "
                       "(configs/norms/movement.yaml river.ship_classes), is shorter than the "
                       f"{km:.0f} km it sails: the model has no fuel stops for ships, so it "
                       "sails on as if refuelled on the way without delay (its times are early "
                       "by whatever refuelling took)")
    return tuple(out)


def ferry_time(men: int, vehicles: int, guns: int = 0, *,
               config_dir: str | Path | None = None) -> float:
    """``FerryTime``: hours one river-ship brigade needs to ferry the formation across
    (:func:`~logistics.network.ferry_time_h`, the Ussuri figure of ``config_dir``'s movement
    norms)."""
    from logistics.network import ferry_time_h

    rate = load_means_norms(movement_yaml(config_dir)).river.ferry
    return float(ferry_time_h(int(men), int(vehicles), int(guns), rate=rate))


def own_means_time(men: int, motor_classes, guns: int = 0, *,
                   config_dir: str | Path | None = None) -> float:
    """``OwnMeansTime``: hours the army's own means at one crossing site need to put the
    formation across (:func:`~logistics.network.own_means_time_h`: its men, its vehicles'
    ``mass_t`` from ``config_dir``'s vehicles, ``motor_classes`` as ``((class, count), ...)``,
    and its guns; the means and current of its movement norms)."""
    from logistics.errors import ConfigError
    from logistics.network import own_means_time_h
    from logistics.vehicles import load_vehicle

    vehicles_t = 0.0
    for cid, n in motor_classes:
        mass_t = load_vehicle(cid, config_dir=config_dir).mass_t
        if mass_t is None:
            raise ConfigError(f"configs/vehicles/{cid}.yaml: mass_t missing; the army's own "
                              "crossing means carry a formation by its tonnes (river.own_means); "
                              "fix: give `mass_t: {value: ..., source: ...}`")
        vehicles_t += int(n) * float(mass_t)
    river = load_means_norms(movement_yaml(config_dir)).river
    return float(own_means_time_h(int(men), vehicles_t, int(guns), means=river.own_means,
                                  current_kmh=river.current_kmh))


def shuttle_planner(*, men: int, lift_men: int, route_km: float, start_h: float, end_h: float,
                    truck_leg_h, truck_fuel_l_per_km: float, march_kmh: float, march_hours,
                    load_h: float, unload_h: float, route=None,
                    fuel_type: str = "petrol", bound_km: float | None = None,
                    march_leg_h=None, later_seasons=(), depths=(),
                    rate_km_per_day: float = math.inf, start_state=None) -> Timetable:
    """``ShuttlePlanner``: :func:`~logistics.advance.shuttle.shuttle_timetable` as a
    :class:`Timetable` (mode ``truck``; head ``km``, ``tail_km``, the trucks' ``fuel_l``)."""
    from logistics.advance.shuttle import shuttle_timetable

    fields = shuttle_timetable(men=int(men), lift_men=int(lift_men), route_km=float(route_km),
                               start_h=float(start_h), end_h=float(end_h),
                               truck_leg_h=truck_leg_h, truck_fuel_l_per_km=truck_fuel_l_per_km,
                               march_kmh=float(march_kmh), march_hours=march_hours,
                               load_h=float(load_h), unload_h=float(unload_h), route=route,
                               bound_km=bound_km, march_leg_h=march_leg_h,
                               later_seasons=later_seasons, depths=depths,
                               rate_km_per_day=rate_km_per_day, start_state=start_state)
    fields["fuel_type"] = fuel_type
    return _timetable("truck", fields)


class ArmyRail:
    """An army's railway: its own railheads (``home``: rail node -> hour its trains run
    there, 0 = from H-hour), the lines it may restore (``lines``; those through its own
    railheads are always added, :func:`~logistics.network.rail_hold`) and which stations it
    holds when, recomputed from the formations' positions at most once per ``every_h``
    (the rule's hours are final for every station usable by then: no look-ahead).

    :meth:`__call__` is the ``RailMovePlanner``; :meth:`railhead_at` the ``RailheadAt``
    (where a truck column loads: the usable station nearest the formation it serves)."""

    def __init__(self, graph, home: Mapping, lines: Sequence[str] | None, *,
                 every_h: float = 24.0, names: Mapping | None = None,
                 config_dir: str | Path | None = None) -> None:
        self.graph = graph
        #: the configs folder of its rail norms (movement.yaml) and routing parameters
        #: (network/network.yaml, lines-1945.yaml); None: ``settings.CONFIG_DIR``'s
        self.config_dir = config_dir
        self.home = dict(home)
        self.lines = tuple(lines) if lines is not None else None
        self.every_h = float(every_h)
        self.names = dict(names or {})
        self._hold = None
        self._hold_h = -math.inf
        self._stations = None

    @classmethod
    def for_army(cls, army, graph=None, config_dir: str | Path | None = None
                 ) -> ArmyRail | None:
        """The railway of an army file (``supply.rail``): its railheads that are stations of
        the 1945 network of ``config_dir`` (the station each names,
        :func:`~logistics.advance.supply_specs.railhead_station`) and its ``advance_along``
        lines. None when none is: no station of the network is then reached by the army's
        trains (:func:`off_network_notes` says why in the run's report)."""
        rail = getattr(army.supply, "rail", None)
        if rail is None or not rail.railheads:
            return None
        g = graph if graph is not None else _railways(config_dir)
        home, names = {}, {}
        for rh in rail.railheads:
            st = railhead_station(g, rh)
            if st is not None:
                home[st.node] = 0.0
                names[st.node] = st.name
        if not home:
            return None
        lines = line_ids(rail.advance_along.lines) if rail.advance_along is not None else ()
        return cls(g, home, lines, names=names, config_dir=config_dir)

    def hold(self, time_h: float, reached: Reached):
        """The army's :class:`~logistics.network.RailHold` from what it has reached so far."""
        from logistics.network import rail_hold, reached_stations

        if self._hold is None or time_h >= self._hold_h + self.every_h:
            rule = load_means_norms(movement_yaml(self.config_dir)).rail
            got = (reached_stations(self.graph, reached, radius_km=rule.capture_radius_km)
                   if len(reached.time_h) else {})
            self._hold = rail_hold(self.graph, home=self.home, reached=got,
                                   lines=list(self.lines) if self.lines is not None else None,
                                   rule=rule)
            self._hold_h = float(time_h)
        return self._hold

    def __call__(self, origin, dest, *, reached: Reached, depart_h: float, men: int,
                 vehicles: Mapping[str, int]) -> Timetable:
        """``RailMovePlanner``: a train from the usable station nearest ``origin`` to the one
        nearest ``dest`` over the lines usable at ``depart_h``."""
        from logistics.network import plan_rail_move

        mv = plan_rail_move(self.graph, tuple(origin), tuple(dest),
                            held=self.hold(depart_h, reached), depart_h=float(depart_h),
                            params=self._params())
        if not mv.ok:
            return _failed("rail", mv.reason)
        return _timetable("rail", mv.timetable())

    def _params(self):
        """The routing parameters of its configs folder (``network/network.yaml``)."""
        from logistics.network import load_params

        return load_params(config_dir=self.config_dir)

    def railhead_at(self, time_h: float, reached: Reached,
                    toward: tuple[float, float] | None = None) -> Railhead | None:
        """``RailheadAt``: the usable station nearest ``toward`` at ``time_h`` (None when the
        army has no usable station)."""
        from logistics.network import railhead_at

        if toward is None:
            return None
        if self._stations is None:  # the graph is the army's for the whole run
            from logistics.network import station_nodes

            self._stations = station_nodes(self.graph, mode="rail")
        rh = railhead_at(float(time_h), self.graph, self.hold(time_h, reached), tuple(toward),
                         stations=self._stations, params=self._params())
        if rh is None:
            return None
        return Railhead(lon=rh.lon, lat=rh.lat, name=rh.name, line=rh.line, note=rh.note)


def _railways(config_dir: str | Path | None):
    """The 1945 rail graph of ``config_dir`` (the shipped one's when None)."""
    from logistics.network import load_railways
    from logistics.terrain.railways import shipped_railways

    return load_railways(shipped_railways(config_dir))


def off_network_notes(army, graph=None, config_dir: str | Path | None = None) -> list[str]:
    """The report's notes on an army whose ``supply.rail.advance_along`` names lines while no
    railhead of it is a station of the 1945 network (:meth:`ArmyRail.for_army` None): its
    railhead does not move forward along them, and why. One rule for every army: a captured
    station is a railhead only when the army's trains reach it by rail from its own
    railhead, and no drawn line joins a railhead off the network to any station (the
    nearest may lie across a river no 1945 bridge crossed: Blagoveshchensk and Heihe)."""
    rail = getattr(army.supply, "rail", None)
    if rail is None or not rail.railheads or rail.advance_along is None \
            or not line_ids(rail.advance_along.lines):
        return []
    g = graph if graph is not None else _railways(config_dir)
    if any(railhead_station(g, rh) is not None for rh in rail.railheads):
        return []
    from logistics.network import nearest_station

    out = []
    lines = ", ".join(line_ids(rail.advance_along.lines))
    for i, rh in enumerate(rail.railheads):
        loc = rh.location()
        st = nearest_station(g, float(loc.lon), float(loc.lat))
        out.append(
            f"supply.rail.railheads.{i} ({rh.place}): not a station of the shipped 1945 "
            f"network; its nearest, {st.name} ({st.distance_km:.0f} km), is not joined to the "
            f"army's railway by a 1945 line or bridge, so the railhead does not move forward "
            f"along {lines} (supply.rail.advance_along): a captured station is a railhead "
            "only when the army's trains reach it by rail; the truck columns load at their "
            "own railheads (supply.trucks) for the whole run")
    return out


def river_planner_of(config_dir: str | Path | None = None):
    """The river planner of :func:`means_options` for the configs folder ``config_dir``: the
    plain :func:`river_planner` for None, else one bound to the folder (the early check of a
    run, ``land_check.check_river_moves``, sails with the same, so the plan takes its
    timetables)."""
    return river_planner if config_dir is None else partial(river_planner, config_dir=config_dir)


def means_options(army, *, rail_graph=None, config_dir: str | Path | None = None) -> dict:
    """The planners of an army as :class:`~logistics.advance.plan.PlanOptions` keywords:
    ``river_planner``, ``ferry_time``, ``own_means_time``, ``shuttle_planner``, and ``rail`` (its
    :class:`ArmyRail`, None without a railhead on the network), reading the movement norms,
    vehicles and railways of ``config_dir`` (``settings.CONFIG_DIR``'s when None: the plain
    functions, as before)."""
    if config_dir is None:
        return {"river_planner": river_planner_of(None), "ferry_time": ferry_time,
                "own_means_time": own_means_time, "shuttle_planner": shuttle_planner,
                "rail": ArmyRail.for_army(army, rail_graph)}
    return {"river_planner": river_planner_of(config_dir),
            "ferry_time": partial(ferry_time, config_dir=config_dir),
            "own_means_time": partial(own_means_time, config_dir=config_dir),
            "shuttle_planner": shuttle_planner,  # reads no configs file
            "rail": ArmyRail.for_army(army, rail_graph, config_dir)}


def planner_config_dir(planner):
    """The configs folder ``planner`` reads (a planner of :func:`means_options`): its bound
    ``config_dir``, None for this module's plain functions (``settings.CONFIG_DIR``), and
    :data:`UNKNOWN` for any other callable (a caller's own planner: it reads what it reads)."""
    if isinstance(planner, ArmyRail):
        return planner.config_dir
    if isinstance(planner, partial) and "config_dir" in planner.keywords:
        return planner.keywords["config_dir"]
    if planner in (river_planner, ferry_time, own_means_time):
        return None
    return UNKNOWN


#: :func:`planner_config_dir` of a planner whose configs folder cannot be told.
UNKNOWN = object()
