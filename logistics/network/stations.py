"""Stations of a loaded network: a table, lookup by any of their names, nearest to a point.

Stations are the graph nodes tagged ``railway=station`` (or ``halt``); in a rail file without
such tags every rail node counts. Names match case- and accent-insensitively against ``name``,
``name:1945``, ``name:ja`` and ``old_name`` (``;``-separated), so "Hsinking", "Shinkyō" and
"Changchun" find the same node.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import geopandas as gpd
import networkx as nx
import numpy as np

from logistics import settings
from logistics.errors import NoRouteError, UnknownNameError, close_names, offer

__all__ = ["Station", "station_nodes", "station_table", "find_station", "nearest_station",
           "lines_at", "station_at", "STATION_VALUES"]

#: ``railway=*`` node values that are places to board or leave a train.
STATION_VALUES: tuple[str, ...] = ("station", "halt")
_NAME_TAGS = ("name", "name:1945", "name:ja", "old_name", "name:1945:zh")


@dataclass(frozen=True)
class Station:
    """A station node: id, display name, lines through it, position and distance to a query."""

    node: int
    name: str
    lines: tuple[str, ...]
    lon: float
    lat: float
    distance_km: float = 0.0


def station_nodes(graph: nx.MultiDiGraph, *, mode: str = "rail") -> list[int]:
    """Nodes where one may board ``mode``: stations for rail (every rail node if the file tags
    none), every node with a road edge for road."""
    touching = {n for u, v, d in graph.edges(data=True) if d.get("mode") == mode for n in (u, v)}
    if mode != "rail":
        return sorted(touching)
    tagged = [n for n in touching if graph.nodes[n].get("railway") in STATION_VALUES]
    return sorted(tagged) if tagged else sorted(touching)


def lines_at(graph: nx.MultiDiGraph, node: int) -> tuple[str, ...]:
    """Refs of the lines (``ref`` tags) of the edges at ``node``, sorted."""
    refs = set()
    for _, _, data in graph.edges(node, data=True):
        ref = data.get("ref")
        refs.update(ref if isinstance(ref, list) else [ref] if ref else [])
    return tuple(sorted(refs))


def station_at(graph: nx.MultiDiGraph, node: int, distance_km: float = 0.0) -> Station:
    """The :class:`Station` of ``node`` (``distance_km``: from a query point)."""
    data = graph.nodes[node]
    return Station(node=node, name=str(data.get("name", node)), lines=lines_at(graph, node),
                   lon=float(data["lon"]), lat=float(data["lat"]), distance_km=distance_km)


def station_table(graph: nx.MultiDiGraph) -> gpd.GeoDataFrame:
    """One row per rail station: node, name, name_1945, lines, unverified, lon, lat, x_m, y_m
    (geometry in METRIC_CRS)."""
    rows = []
    for n in station_nodes(graph, mode="rail"):
        d = graph.nodes[n]
        rows.append({"node": n, "name": d.get("name", ""), "name_1945": d.get("name:1945", ""),
                     "lines": ";".join(lines_at(graph, n)),
                     "unverified": d.get("unverified") == "yes",
                     "lon": d["lon"], "lat": d["lat"], "x_m": d["x"], "y_m": d["y"]})
    frame = gpd.GeoDataFrame(rows, columns=["node", "name", "name_1945", "lines", "unverified",
                                            "lon", "lat", "x_m", "y_m"])
    return frame.set_geometry(gpd.points_from_xy(frame["x_m"], frame["y_m"]),
                              crs=settings.METRIC_CRS)


def _fold(text: str) -> str:
    """Lower case without accents or punctuation ("Shinkyō" -> "shinkyo")."""
    plain = unicodedata.normalize("NFKD", str(text))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def find_station(graph: nx.MultiDiGraph, name: str) -> Station:
    """The station called ``name`` (any of its names); UnknownNameError suggests near ones."""
    index: dict[str, int] = {}
    for n in station_nodes(graph, mode="rail"):
        for tag in _NAME_TAGS:
            for alias in str(graph.nodes[n].get(tag, "")).split(";"):
                if alias.strip():
                    index.setdefault(_fold(alias), n)
    key = _fold(name)
    if key in index:
        return station_at(graph, index[key])
    labels = {_fold(graph.nodes[n].get("name", n)): graph.nodes[n].get("name", n)
              for n in index.values()}
    near = close_names(name, list(index), n=3, fold=_fold)  # index's keys are folded already
    hint = " " + (offer(list(dict.fromkeys(repr(str(graph.nodes[index[k]].get("name")))
                                           for k in near)))
                  or f"the network has {len(labels)} stations")
    raise UnknownNameError(f"no station named {name!r} on the network;{hint}")


def nearest_station(graph: nx.MultiDiGraph, lon: float, lat: float, *,
                    mode: str = "rail", among=None) -> Station:
    """The boarding node of ``mode`` nearest to (lon, lat), with its straight distance in km.
    ``among``: the candidates instead of every boarding node of ``mode`` (boarding nodes
    themselves, e.g. the stations an army can use at an hour, as ``railmove`` filters them
    from :func:`station_nodes`; not filtered again, since scanning the graph's edges for them
    on every call of the hourly advance is what this saves)."""
    from logistics.terrain import to_metric

    nodes = station_nodes(graph, mode=mode) if among is None else sorted(set(among))
    if not nodes:
        raise NoRouteError(f"the network has no {mode} edges, so no {mode} station is near "
                           f"({lon:.3f}, {lat:.3f})")
    x, y = to_metric(lon, lat)
    xy = np.array([(graph.nodes[n]["x"], graph.nodes[n]["y"]) for n in nodes])
    dist = np.hypot(xy[:, 0] - x, xy[:, 1] - y)
    k = int(np.argmin(dist))
    return station_at(graph, nodes[k], float(dist[k]) / 1000.0)
