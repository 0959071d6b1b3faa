"""A formation's move by train along the lines its army holds, and where its railhead is.

:func:`plan_rail_move` boards at the usable station nearest the origin and alights at the
usable station nearest the destination (each within ``max_access_km``; the approach and the
last leg are cross-country, the formation engine's cost engine prices them), on the fastest
path over the stations usable at departure (:class:`~logistics.network.railhold.RailHold`:
a train does not run into a section the army has not restored). Times, in hours since the
run's origin: entrain + mean wait for a train, the ride at ``train_kmh`` over the track length
(drawn length x route factor, :mod:`logistics.network.osm`), at each break of gauge detrain +
wait + entrain (:mod:`logistics.network.trains`), detrain. Gauge: the ``gauge`` tag of each
line, except that the lines the army re-gauged (movement norms ``rail.gauge.regauged_lines``:
the old CER trunk, [KONAREV-1987]) run 1,520 mm trains, so Soviet trains run through on the
trunk and troops change trains where it meets the 1,435 mm lines (Qiqihar/Ang'angxi, Harbin,
Mudanjiang, the source's transshipment districts).

:func:`railhead_at` is the army's supply railhead for a formation at an hour: the usable
station nearest the formation among those its trains reach by rail from its own railhead,
with the track km and the train hours from there (freight crossing a break of gauge is
transshipped: ``rail.gauge.transshipment_h``).
As lines are reached and restored, it moves forward and the truck legs from it shorten.

Plain data in and out (a graph, a :class:`RailHold`, lon/lat, hours); never raises for a move
that cannot be made: :class:`RailMove` says why (``ok``, ``reason``).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
from shapely.geometry import LineString

from logistics.network.params import NetworkParams, load_params
from logistics.network.railhold import RailHold, edge_refs
from logistics.network.stations import Station, nearest_station, station_at, station_nodes
from logistics.network.trains import gauge_break_h, wait_h

__all__ = ["RailMove", "Railhead", "plan_rail_move", "railhead_at"]


@dataclass(frozen=True)
class RailMove:
    """A planned rail move (or why there is none: ``ok`` False and ``reason``).

    Hours: ``depart_h`` the formation is at the boarding station; ``train_departs_h`` after
    entraining and the wait; ``train_arrives_h`` at the alighting station; ``arrive_h`` after
    detraining. ``km`` track km; ``lines`` line refs used in order; ``gauge_breaks`` station
    names where troops changed trains; ``board_access_km``/``alight_access_km`` straight km
    between origin and boarding station and between alighting station and destination;
    ``geometry`` the path (lon/lat LineString); ``stops`` (hour, km) pairs of the ride
    (flat where the train stands at a break of gauge), for :meth:`position_at`.
    """

    ok: bool
    reason: str = ""
    board: Station | None = None
    alight: Station | None = None
    lines: tuple[str, ...] = ()
    km: float = 0.0
    depart_h: float = math.nan
    train_departs_h: float = math.nan
    train_arrives_h: float = math.nan
    arrive_h: float = math.nan
    gauge_breaks: tuple[str, ...] = ()
    board_access_km: float = math.nan
    alight_access_km: float = math.nan
    geometry: LineString | None = None
    stops: tuple[tuple[float, float], ...] = ()
    _metric: LineString | None = field(default=None, repr=False)
    _km_to_m: tuple[tuple[float, ...], tuple[float, ...]] = field(default=((), ()), repr=False)
    _break_km: tuple[tuple[float, str], ...] = field(default=(), repr=False)

    def km_at(self, time_h: float) -> float:
        """Track km of the formation's train from the boarding station at ``time_h``."""
        if not self.ok:
            raise ValueError(f"no rail move: {self.reason}")
        hours, kms = zip(*self.stops)
        return float(np.interp(time_h, hours, kms))

    def timetable(self) -> dict:
        """The move as the fields of the step loop's ``advance.movement.Timetable`` (all but
        ``mode``, which is ``"rail"``): ``km, lon, lat, time_h`` (waits as repeated km; the
        line's shape points included), ``tail_km`` None, ``fuel_l`` None (a train burns
        nothing of the army's account), ``reason``, ``stations`` ((km, name): boarding, each
        break of gauge, alighting), ``notes``."""
        empty = np.zeros(0)
        if not self.ok:
            return dict(km=empty, lon=empty, lat=empty, time_h=empty, tail_km=None,
                        fuel_l=None, fuel_type="none", reason=self.reason, stations=(),
                        notes=())
        xy = np.asarray(self._metric.coords)
        drawn_m = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(xy, axis=0).T))])
        vertex_km = np.interp(drawn_m, self._km_to_m[1], self._km_to_m[0])
        points: list[tuple[float, float]] = [self.stops[0]]
        for (t0, k0), (t1, k1) in zip(self.stops, self.stops[1:]):
            if k1 > k0:
                inner = vertex_km[(vertex_km > k0) & (vertex_km < k1)]
                points.extend((t0 + (t1 - t0) * (k - k0) / (k1 - k0), float(k)) for k in inner)
            points.append((t1, k1))
        times, kms = (np.asarray(v, dtype=float) for v in zip(*points))
        lonlat = np.array([self._lonlat_at_km(k) for k in kms])
        stations = ((0.0, self.board.name),
                    *((float(k), name) for (k, name) in self._break_km),
                    (float(self.km), self.alight.name))
        return dict(km=kms, lon=lonlat[:, 0], lat=lonlat[:, 1], time_h=times, tail_km=None,
                    fuel_l=None, fuel_type="none", reason="", stations=stations,
                    notes=(f"rail {self.board.name} - {self.alight.name}, "
                           f"{self.km:.0f} km on {', '.join(self.lines)}",))

    def _lonlat_at_km(self, km: float) -> tuple[float, float]:
        from logistics.terrain import to_lonlat

        p = self._metric.interpolate(float(np.interp(km, *self._km_to_m)))
        lon, lat = to_lonlat(p.x, p.y)
        return float(lon), float(lat)

    def position_at(self, time_h: float) -> tuple[float, float]:
        """(lon, lat) of the formation at ``time_h``: at the boarding station until the
        train leaves, along the line, at the alighting station after it arrives."""
        return self._lonlat_at_km(self.km_at(time_h))


@dataclass(frozen=True)
class Railhead:
    """The army's railhead for a formation: a usable station, since when, how far by rail
    from the army's own railhead and how long a train takes from there (freight, with
    transshipment at each break of gauge)."""

    node: object
    name: str
    lon: float
    lat: float
    lines: tuple[str, ...]
    since_h: float
    rail_km: float
    gauge_breaks: tuple[str, ...]
    transit_h: float
    distance_km: float

    @property
    def line(self) -> str | None:
        """The first line through the station (the loop's ``Railhead.line``)."""
        return self.lines[0] if self.lines else None

    @property
    def note(self) -> str:
        """Why the railhead is here (the loop's ``Railhead.note``)."""
        if self.rail_km == 0:
            return f"the army's own railhead {self.name}"
        breaks = f", transshipped at {', '.join(self.gauge_breaks)}" if self.gauge_breaks else ""
        return (f"railhead moved forward to {self.name} (usable from +{self.since_h:.0f} h, "
                f"{self.rail_km:.0f} km of restored line from the army's railhead, "
                f"{self.transit_h:.1f} h by train{breaks})")


def plan_rail_move(
    graph: nx.MultiDiGraph,
    origin_lonlat: tuple[float, float],
    dest_lonlat: tuple[float, float],
    *,
    held: RailHold,
    depart_h: float,
    train_kmh: float | None = None,
    entrain_h: float | None = None,
    detrain_h: float | None = None,
    max_access_km: float | None = None,
    params: NetworkParams | None = None,
) -> RailMove:
    """Plan a formation's rail move from ``origin_lonlat`` to ``dest_lonlat`` at ``depart_h``.

    Defaults come from ``configs/network/network.yaml`` (``rail.speed_kmh``, ``rail.entrain_h``,
    ``rail.detrain_h``, ``access.max_access_km``). See the module docstring for the rule.
    """
    p = params or load_params()
    overrides = {k: v for k, v in (("rail_speed_kmh", train_kmh), ("entrain_h", entrain_h),
                                   ("detrain_h", detrain_h), ("max_access_km", max_access_km))
                 if v is not None}
    if overrides:
        import dataclasses

        p = dataclasses.replace(p, **overrides)
    usable = held.usable_nodes(depart_h)
    stations = [n for n in station_nodes(graph, mode="rail") if n in usable]
    if not stations:
        return RailMove(False, _none_usable(held, depart_h), depart_h=depart_h)
    board_st = nearest_station(graph, *origin_lonlat, among=stations)
    alight_st = nearest_station(graph, *dest_lonlat, among=stations)
    board, d_board = board_st.node, board_st.distance_km
    alight, d_alight = alight_st.node, alight_st.distance_km
    for what, node, dist, ll in (("origin", board, d_board, origin_lonlat),
                                 ("destination", alight, d_alight, dest_lonlat)):
        if dist > p.max_access_km:
            return RailMove(False, (
                f"the {what} ({ll[0]:.3f}E {ll[1]:.3f}N) is {dist:.0f} km from the nearest "
                f"station the army can use at +{depart_h:.0f} h, {_name(graph, node)}; a rail "
                f"move serves places within {p.max_access_km:g} km (access.max_access_km in "
                "configs/network/network.yaml)"), depart_h=depart_h)
    if board == alight:
        return RailMove(False, (
            f"origin and destination share their nearest usable station, "
            f"{_name(graph, board)}: nothing to ride"), depart_h=depart_h)
    states = _state_graph(graph, held, usable, p)
    sources = [(board, g) for g in _gauges_at(states, board)]
    targets = {(alight, g) for g in _gauges_at(states, alight)}
    if not sources or not targets:
        return RailMove(False, _no_path(graph, board, alight, depart_h), depart_h=depart_h)
    states.add_node("goal")
    for t in targets:
        states.add_edge(t, "goal", time_h=0.0, km=0.0)
    try:
        _, path = nx.multi_source_dijkstra(states, sources, "goal", weight="time_h")
    except nx.NetworkXNoPath:
        return RailMove(False, _no_path(graph, board, alight, depart_h), depart_h=depart_h)
    path = path[:-1]
    return _timeline(graph, states, path, p, depart_h, board, alight, d_board, d_alight)


def railhead_at(
    time_h: float,
    graph: nx.MultiDiGraph,
    held: RailHold,
    toward_lonlat: tuple[float, float],
    *,
    params: NetworkParams | None = None,
    stations: Sequence[Hashable] | None = None,
) -> Railhead | None:
    """The usable station nearest ``toward_lonlat`` (the formation supplied) at ``time_h``
    that the army's trains reach by rail from one of its own railheads (``held.home``) over
    the lines it holds; None when there is none (a railhead off the network stays where the
    army file puts it). Why the reach: a captured station beyond a river no 1945 line
    crosses is no railhead, whatever the hold says of it; its convoys would load on the far
    bank. ``stations``: ``station_nodes(graph)`` when the caller holds it (the hourly advance
    asks hundreds of times of one graph)."""
    p = params or load_params()
    usable = held.usable_nodes(time_h)
    states = _state_graph(graph, held, usable, p, break_h=held.rule.transshipment_h
                          if held.rule is not None else None)
    homes = [(h, g) for h in held.home if h in usable for g in _gauges_at(states, h)]
    reach = {h for h in held.home if h in usable}
    reach |= {n for s in homes for n, _ in nx.descendants(states, s)}
    every = station_nodes(graph, mode="rail") if stations is None else stations
    stations = [n for n in every if n in reach]
    if not stations:
        return None
    near = nearest_station(graph, *toward_lonlat, among=stations)
    node, dist = near.node, near.distance_km
    targets = [(node, g) for g in _gauges_at(states, node)]
    km, transit, breaks, lines = 0.0, 0.0, (), lines_of(graph, node)
    if homes and targets and node not in held.home:
        states.add_node("goal")
        for t in targets:
            states.add_edge(t, "goal", time_h=0.0, km=0.0)
        transit, path = nx.multi_source_dijkstra(states, homes, "goal", weight="time_h")
        path = path[:-1]
        km = sum(states.edges[a, b]["km"] for a, b in zip(path, path[1:]))
        breaks = tuple(_name(graph, a[0]) for a, b in zip(path, path[1:]) if a[0] == b[0])
    d = graph.nodes[node]
    return Railhead(node=node, name=_name(graph, node), lon=float(d["lon"]),
                    lat=float(d["lat"]), lines=lines,
                    since_h=float(held.usable_from_h.get(node, -math.inf)), rail_km=float(km),
                    gauge_breaks=breaks, transit_h=float(transit), distance_km=dist)


def lines_of(graph: nx.MultiDiGraph, node) -> tuple[str, ...]:
    """Line refs of the rail edges at ``node``."""
    return tuple(sorted({r for _, _, d in graph.edges(node, data=True)
                         if d.get("mode") == "rail" for r in edge_refs(d)}))


# --------------------------------------------------------------------------------------------


def _gauge(data, held: RailHold) -> str:
    if any(r in held.regauged for r in edge_refs(data)):
        return "1520"
    return str(data.get("gauge", ""))


def _state_graph(graph, held: RailHold, usable: set, p: NetworkParams, *,
                 break_h: float | None = None) -> nx.DiGraph:
    """(node, gauge) states over the usable allowed edges; changing gauge at a node costs
    ``break_h`` (freight) or the troops' detrain + wait + entrain."""
    g = nx.DiGraph()
    for u, v, d in graph.edges(data=True):
        if d.get("mode") != "rail" or u not in usable or v not in usable:
            continue
        if not any(r in held.lines for r in edge_refs(d)):
            continue
        gauge = _gauge(d, held)
        km = float(d["length"]) / 1000.0
        a, b = (u, gauge), (v, gauge)
        if not g.has_edge(a, b) or g.edges[a, b]["km"] > km:
            g.add_edge(a, b, km=km, time_h=km / p.rail_speed_kmh, refs=edge_refs(d),
                       edge=(u, v))
    by_node: dict = {}
    for n, gauge in list(g.nodes):
        by_node.setdefault(n, set()).add(gauge)
    for n, gauges in by_node.items():
        for g1 in gauges:
            for g2 in gauges:
                if g1 != g2:
                    cost = break_h if break_h is not None else gauge_break_h(graph, n, p)
                    g.add_edge((n, g1), (n, g2), km=0.0, time_h=cost, refs=(), edge=None)
    return g


def _gauges_at(states: nx.DiGraph, node) -> list[str]:
    return sorted(g for n, g in states.nodes if n == node) if states.number_of_nodes() else []


def _name(graph, node) -> str:
    return str(graph.nodes[node].get("name") or f"node {node}")


def _none_usable(held: RailHold, t: float) -> str:
    if not held.home:
        return "the army has no railhead on the rail network (its railheads are off it)"
    return (f"no station of the army is usable by train at +{t:.0f} h (its own railheads "
            "open later)")


def _no_path(graph, board, alight, t) -> str:
    return (f"no line the army holds and has restored by +{t:.0f} h joins "
            f"{_name(graph, board)} and {_name(graph, alight)}")


def _timeline(graph, states, path, p, depart_h, board, alight, d_board, d_alight) -> RailMove:
    from logistics.terrain import to_lonlat

    train_departs = depart_h + p.entrain_h + wait_h(graph, board, p)
    t, km = train_departs, 0.0
    stops = [(depart_h, 0.0), (train_departs, 0.0)]
    coords: list = []
    drawn_at_km = ([0.0], [0.0])
    lines: list[str] = []
    breaks: list[str] = []
    break_km: list[tuple[float, str]] = []
    for a, b in zip(path, path[1:]):
        e = states.edges[a, b]
        t += e["time_h"]
        if e["edge"] is None:  # a break of gauge: the train stands
            breaks.append(_name(graph, a[0]))
            break_km.append((km, breaks[-1]))
            stops.append((t, km))
            continue
        km += e["km"]
        stops.append((t, km))
        lines.extend(r for r in e["refs"] if not lines or lines[-1] != r)
        xy = _edge_coords(graph, *e["edge"])
        coords.extend(xy if not coords else xy[1:])
        seg = LineString(xy).length
        drawn_at_km[0].append(km)
        drawn_at_km[1].append(drawn_at_km[1][-1] + seg)
    arrive = t + p.detrain_h
    stops.append((arrive, km))
    xs, ys = np.asarray(coords, dtype=float).T
    lon, lat = to_lonlat(xs, ys)
    line = LineString(list(zip(np.atleast_1d(lon).tolist(), np.atleast_1d(lat).tolist())))
    km_to_m = (tuple(drawn_at_km[0]), tuple(drawn_at_km[1]))
    return RailMove(
        ok=True, board=station_at(graph, board, d_board), alight=station_at(graph, alight, d_alight),
        lines=tuple(dict.fromkeys(lines)), km=km, depart_h=depart_h,
        train_departs_h=train_departs, train_arrives_h=t, arrive_h=arrive,
        gauge_breaks=tuple(breaks), board_access_km=d_board, alight_access_km=d_alight,
        geometry=line, stops=tuple(stops), _metric=LineString(coords), _km_to_m=km_to_m,
        _break_km=tuple(break_km))


def _edge_coords(graph, u, v) -> list:
    """Metric coordinates of the shortest rail edge u -> v, oriented from u."""
    data = min((d for d in graph.get_edge_data(u, v).values() if d.get("mode") == "rail"),
               key=lambda d: d["length"])
    xy = list(data["geometry"].coords)
    ux, uy = graph.nodes[u]["x"], graph.nodes[u]["y"]
    if math.hypot(xy[0][0] - ux, xy[0][1] - uy) > math.hypot(xy[-1][0] - ux, xy[-1][1] - uy):
        xy = xy[::-1]
    return xy

