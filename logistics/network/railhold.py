"""Which railway stations an army holds, and from which hour its trains can use them.

The rule (issue 13 item 3; figures in ``configs/norms/movement.yaml`` ``rail.railhead_advance``,
each a named assumption because no rate of restoration was found, movement-facts §6 Gaps):

1. **Reached.** A station is reached when one of the army's formations passes within
   ``capture_radius_km`` of it (:func:`reached_stations`, from the formations' tracks); every
   station on the line behind it, towards the army's own railheads, is reached then too (an
   army that holds a station holds the line it came along).
2. **Restored.** From the army's own railheads (``home``: stations it holds from the start,
   each with the hour trains run there) the usable railway grows along the lines the army may
   restore (``lines``, the front's restoration axes) at ``restore_km_per_day``, and a reached
   station becomes usable no sooner than ``delay_days`` after it was reached (take-over,
   re-gauging, transshipment):
   ``usable(v) = min over neighbours u of max(usable(u) + km(u, v) / rate, reached(v) + delay)``,
   a Dijkstra search (the edge function never decreases, so the first settle is final).
   Optional ``not_before_h``: no captured station is usable before then (the first day the
   railway troops' source counts rail movement into Manchuria).

Hours are hours since the run's origin (H-hour), as in the step loop. Because ``usable(v) >
reached(v)``, the hours computed from the stations reached *so far* are final for every
station usable by now: the step loop may call :func:`rail_hold` again whenever a formation
reaches a new station (or every day), with no look-ahead.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Collection, Hashable, Mapping
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import pandas as pd

from logistics.army.means_norms import RailRestoration, load_means_norms
from logistics.network.stations import lines_at

__all__ = ["RailHold", "rail_hold", "reached_stations", "edge_refs"]


@dataclass(frozen=True)
class RailHold:
    """The army's railway at a glance: from which hour each rail node is usable.

    ``usable_from_h`` maps every rail node the army can ever use (so far) to that hour (inf:
    not usable); ``reached_h`` the hour each node was reached (after the along-the-line rule);
    ``lines`` the line refs it may use (the restoration axes and the lines of its own
    railheads); ``regauged`` the lines that run 1,520 mm trains once restored; ``home`` the
    army's own railheads.
    """

    usable_from_h: Mapping[Hashable, float]
    reached_h: Mapping[Hashable, float]
    lines: frozenset[str]
    regauged: frozenset[str]
    home: tuple[Hashable, ...]
    rule: RailRestoration | None = field(default=None, compare=False)

    def usable(self, node, time_h: float) -> bool:
        """True when trains of the army run to ``node`` at ``time_h``."""
        return self.usable_from_h.get(node, math.inf) <= time_h

    def usable_nodes(self, time_h: float) -> set:
        """Every rail node usable at ``time_h``."""
        return {n for n, t in self.usable_from_h.items() if t <= time_h}


def edge_refs(data: Mapping) -> tuple[str, ...]:
    """Line refs of an edge (its ``ref`` tag: one ref or a list after simplification)."""
    ref = data.get("ref")
    return tuple(ref) if isinstance(ref, list) else (ref,) if ref else ()


def _allowed(data: Mapping, lines: frozenset[str]) -> bool:
    return data.get("mode") == "rail" and any(r in lines for r in edge_refs(data))


def rail_hold(
    graph: nx.MultiDiGraph,
    *,
    home: Mapping[Hashable, float],
    reached: Mapping[Hashable, float],
    lines: Collection[str] | None = None,
    rule: RailRestoration | None = None,
    not_before_h: float = -math.inf,
) -> RailHold:
    """Compute :class:`RailHold` by the rule of the module docstring.

    ``home``: {node: hour its trains run} for the army's own railheads on ``graph``;
    ``reached``: {node: hour first reached} (:func:`reached_stations`, merged over the
    army's formations); ``lines``: line refs the army may restore (None: every line), the
    lines through its own railheads are always added; ``rule``: the movement norms'
    restoration figures (default: ``configs/norms/movement.yaml``).
    """
    rule = rule or load_means_norms().rail
    allowed = set(lines) if lines is not None else {r for _, _, d in graph.edges(data=True)
                                                      for r in edge_refs(d)}
    for node in home:
        if node not in graph:
            raise KeyError(f"home railhead node {node!r} is not on the rail graph")
        allowed.update(lines_at(graph, node))
    allowed_f = frozenset(allowed)
    sub = _subgraph(graph, allowed_f)
    captured = _captured_along_lines(sub, home, reached)
    usable = _restore(sub, home, captured, rule, not_before_h)
    return RailHold(usable_from_h=usable, reached_h=captured, lines=allowed_f,
                    regauged=frozenset(rule.regauged_lines), home=tuple(home), rule=rule)


def _subgraph(graph: nx.MultiDiGraph, lines: frozenset[str]) -> nx.Graph:
    """Undirected simple graph of the allowed rail edges, weighted by track km (shortest)."""
    g = nx.Graph()
    for u, v, d in graph.edges(data=True):
        if _allowed(d, lines):
            km = float(d["length"]) / 1000.0
            if not g.has_edge(u, v) or g.edges[u, v]["km"] > km:
                g.add_edge(u, v, km=km)
    return g


def _captured_along_lines(sub: nx.Graph, home: Mapping, reached: Mapping) -> dict:
    """Reached hours with the along-the-line rule: each node takes the earliest hour at which
    it or any node beyond it on the shortest line from the army's railheads was reached."""
    out = {n: float(reached.get(n, math.inf)) for n in sub.nodes}
    sources = [n for n in home if n in sub]
    if not sources:
        return out
    dist, paths = nx.multi_source_dijkstra(sub, sources, weight="km")
    for node in sorted(dist, key=dist.get, reverse=True):  # farthest first
        path = paths[node]
        if len(path) > 1:
            parent = path[-2]
            out[parent] = min(out[parent], out[node])
    return out


def _restore(sub: nx.Graph, home: Mapping, captured: Mapping, rule: RailRestoration,
             not_before_h: float) -> dict:
    usable = {n: math.inf for n in sub.nodes}
    heap = []
    for n, t in home.items():
        usable[n] = float(t)
        heapq.heappush(heap, (float(t), repr(n), n))
    done = set()
    while heap:
        t, _, u = heapq.heappop(heap)
        if u in done or u not in sub:
            continue
        done.add(u)
        for v in sub.neighbors(u):
            if v in done or not math.isfinite(captured.get(v, math.inf)):
                continue
            arrive = t + sub.edges[u, v]["km"] / rule.restore_kmh
            cand = max(arrive, captured[v] + rule.delay_h, not_before_h)
            if cand < usable[v]:
                usable[v] = cand
                heapq.heappush(heap, (cand, repr(v), v))
    return usable


#: Node-segment pairs :func:`reached_stations` measures at once (~8 MB per float array).
_PAIRS_PER_BLOCK = 1 << 20


def reached_stations(graph: nx.MultiDiGraph, tracks, *,
                     radius_km: float | None = None) -> dict:
    """{rail node: first hour a formation passed within ``radius_km`` of it}.

    ``tracks``: a DataFrame with columns ``time_h, lon, lat`` and, when there are several
    formations, ``formation_id`` (rows in time order within each formation), or any object
    with those attributes as arrays (the step loop's ``advance.movement.Reached``).
    Consecutive points of one formation are joined by straight segments, so a fast column
    between two hourly points
    still passes the stations beside its way; the hour is the one at the segment's point
    nearest the station. ``radius_km`` defaults to the movement norms' ``capture_radius_km``.
    """
    from logistics.terrain import to_metric

    if not isinstance(tracks, pd.DataFrame):
        cols = {"time_h": tracks.time_h, "lon": tracks.lon, "lat": tracks.lat}
        ids = getattr(tracks, "formation_id", ())
        if len(ids) == len(cols["time_h"]) and len(ids):
            cols["formation_id"] = list(ids)
        tracks = pd.DataFrame(cols)
    radius_m = 1000.0 * (radius_km if radius_km is not None
                         else load_means_norms().rail.capture_radius_km)
    nodes = [n for n, d in graph.nodes(data=True) if "x" in d]
    if tracks.empty or not nodes:
        return {}
    nxy = np.array([(graph.nodes[n]["x"], graph.nodes[n]["y"]) for n in nodes])
    best = np.full(len(nodes), np.inf)
    groups = tracks.groupby("formation_id", sort=False) if "formation_id" in tracks else [
        (None, tracks)]
    for _, frame in groups:
        x, y = to_metric(frame["lon"].to_numpy(float), frame["lat"].to_numpy(float))
        t = frame["time_h"].to_numpy(float)
        if len(t) == 1:
            x, y, t = np.repeat(x, 2), np.repeat(y, 2), np.repeat(t, 2)
        ax, ay, bx, by = x[:-1], y[:-1], x[1:], y[1:]
        dx, dy = bx - ax, by - ay
        seg2 = dx * dx + dy * dy
        t0, dt = t[:-1], t[1:] - t[:-1]
        # every node against every segment at once, in blocks of nodes (bounded memory)
        block = max(1, _PAIRS_PER_BLOCK // max(len(ax), 1))
        for k0 in range(0, len(nxy), block):
            px, py = nxy[k0:k0 + block, :1], nxy[k0:k0 + block, 1:]
            with np.errstate(invalid="ignore", divide="ignore"):
                u = np.where(seg2 > 0, ((px - ax) * dx + (py - ay) * dy) / seg2, 0.0)
            u = np.clip(u, 0.0, 1.0)
            d = np.hypot(ax + u * dx - px, ay + u * dy - py)
            first = np.where(d <= radius_m, t0 + u * dt, np.inf).min(axis=1)
            best[k0:k0 + block] = np.minimum(best[k0:k0 + block], first)
    return {n: float(b) for n, b in zip(nodes, best) if math.isfinite(b)}
