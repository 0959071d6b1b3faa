"""Load an OpenStreetMap XML file into a metric routing graph (osmnx), railways and roads.

The real loader is ``osmnx.graph_from_xml``; this module only (1) checks the file first so that
a malformed one ends in one :class:`~logistics.errors.DataError` naming the line and element of
every problem, (2) keeps the ways of the wanted modes (``railway=rail`` ... for rail, any
``highway`` for road) and tags each edge with its ``mode``, (3) simplifies the graph so that its
nodes are stations, junctions and line ends (station nodes are kept even mid-line), and
(4) measures every edge and (5) projects it to ``settings.METRIC_CRS``.

Edge lengths, in metres: ``traced_length_m`` is the geodesic (WGS84) length of the drawn
geometry (more exact than the projected one, whose scale error is up to about 1 %);
``route_factor`` is the way's ``route_factor`` tag (real track length over drawn length; 1 when
the way has none, as in any ordinary OSM extract); ``length_m = traced_length_m *
route_factor``, and ``length`` (what routing uses) equals ``length_m``. The shipped 1945 file
carries the factor fitted on the documented chainage (``configs/network/_route_factor.py``).

Every way is usable in both directions (``bidirectional=True``): a military column or train uses
a road or a line either way. Any other ``.osm`` (e.g. a modern extract) loads the same way.
"""

from __future__ import annotations

import contextlib
import math
import os
import xml.sax
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

import networkx as nx

from logistics import settings
from logistics.errors import DataError, listed
from logistics.terrain.railways import shipped_railways

__all__ = [
    "RAIL_VALUES",
    "check_osm",
    "load_network",
    "load_railways",
]

#: ``railway=*`` values that carry trains (abandoned, disused, platforms and the like do not).
RAIL_VALUES: tuple[str, ...] = ("rail", "narrow_gauge", "light_rail", "preserved")


#: Node and way tags copied onto the graph (besides osmnx's defaults).
_NODE_TAGS = ("railway", "name", "name:1945", "name:ja", "old_name", "unverified",
              "coord_source", "note", "public_transport")
_WAY_TAGS = ("railway", "highway", "name", "ref", "gauge", "usage", "source", "unverified",
             "maxspeed", "note", "route_factor")

#: Plausible ``route_factor`` tags (real track length over drawn length). Assumed: a sanity
#: bound, not a fit (the shipped lines' fitted factor is 1.07); beyond it a tag is a typing slip
#: (``1e308`` made a rail leg of infinite length, ``1e-308`` a train that teleports).
ROUTE_FACTOR_RANGE: tuple[float, float] = (0.5, 3.0)

#: Most problems listed in one error message (the rest are counted).
_MAX_LISTED = 12


def load_network(
    path: str | os.PathLike[str],
    *,
    rail: bool = True,
    road: bool = True,
    railway_values: Iterable[str] = RAIL_VALUES,
) -> nx.MultiDiGraph:
    """Read an ``.osm`` file into a simplified, metric MultiDiGraph of rail and/or road edges.

    Nodes carry ``x``, ``y`` (metres, METRIC_CRS), ``lon``, ``lat`` (degrees) and the OSM tags
    in ``_NODE_TAGS``; edges carry ``mode`` (``"rail"`` or ``"road"``), ``length`` (metres),
    ``geometry`` (metric LineString) and the way tags in ``_WAY_TAGS``.
    Raises DataError (missing or malformed file, nothing of the wanted modes in it).
    """
    import osmnx as ox

    path = Path(path)
    check_osm(path)
    wanted_rail = set(railway_values) if rail else set()
    with _osmnx_tags(_NODE_TAGS, _WAY_TAGS), _quiet_osmnx():
        try:
            graph = ox.graph_from_xml(path, bidirectional=True, simplify=False, retain_all=True)
        except Exception as exc:  # osmnx raises its own types for empty data
            raise DataError(f"{path}: osmnx could not build a graph ({exc}); "
                            "check that the file holds <node> and <way> elements") from exc
        _keep_modes(graph, wanted_rail, road)
        if graph.number_of_edges() == 0:
            modes = " or ".join(m for m, on in (("railway=" + "|".join(sorted(wanted_rail)),
                                                  rail), ("highway=*", road)) if on)
            raise DataError(f"{path}: no way tagged {modes or 'with a wanted mode'}; "
                            "pass rail=/road= to choose other modes or load another file")
        for _, data in graph.nodes(data=True):
            data["lon"], data["lat"] = data["x"], data["y"]
        graph = ox.simplify_graph(graph, node_attrs_include=["railway"],
                                  edge_attrs_differ=["mode", "ref", "gauge", "unverified",
                                                     "route_factor"])
        _measure(graph, path)
        graph = ox.project_graph(graph, to_crs=settings.METRIC_CRS)
    _fill_geometry(graph)
    graph.graph["source_file"] = str(path)
    return graph


@lru_cache(maxsize=2)
def _load_shipped(path: str, mtime_ns: int) -> nx.MultiDiGraph:
    return load_network(path, road=False)


def load_railways(path: str | os.PathLike[str] | None = None) -> nx.MultiDiGraph:
    """The shipped 1945 railway network (or another rail ``.osm``), cached per file version.

    Returns a copy, so callers may modify it freely.
    """
    path = Path(path) if path is not None else shipped_railways()
    if not path.exists():
        raise DataError(f"railway file {path} does not exist; build the shipped one with "
                        "`python configs/network/build.py` or pass another .osm")
    return _load_shipped(str(path), path.stat().st_mtime_ns).copy()


def check_osm(path: str | os.PathLike[str]) -> None:
    """Check that ``path`` is OSM XML osmnx can read; one DataError lists every problem.

    Checks: the file exists and is well-formed XML with an ``<osm>`` root; every node has an
    integer ``id`` and numeric ``lat`` in [-90, 90] and ``lon`` in [-180, 180]; ids are unique;
    every ``<tag>`` has ``k`` and ``v``; every way has an id, at least two ``<nd>`` and refers
    only to nodes of the file. Problems name the line of the element.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"OSM file {path} does not exist (or is not a file)")
    handler = _Checker()
    try:
        xml.sax.parse(str(path), handler)
    except xml.sax.SAXParseException as exc:
        raise DataError(f"{path}: line {exc.getLineNumber()}, column {exc.getColumnNumber()}: "
                        f"not well-formed XML ({exc.getMessage()}); fix the file or re-export "
                        "it as OSM XML") from None
    problems = handler.finish()
    if problems:
        raise DataError(f"{path}: {len(problems)} problem(s) in the OSM XML:\n  "
                        + listed(problems, sep="\n  ", limit=_MAX_LISTED))


class _Checker(xml.sax.ContentHandler):
    """SAX pass recording problems with the line number of the element that has them."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.node_ids: set[int] = set()
        self.way_ids: set[int] = set()
        self.refs: list[tuple[int, int, str]] = []  # (line, node ref, way label)
        self.way: tuple[int, str, int] | None = None  # (line, label, nd count)
        self.root_seen = False
        self._locator = None

    def setDocumentLocator(self, locator) -> None:  # noqa: N802 (SAX API)
        self._locator = locator

    def _line(self) -> int:
        return self._locator.getLineNumber() if self._locator else -1

    def _bad(self, msg: str) -> None:
        self.problems.append(f"line {self._line()}: {msg}")

    def startElement(self, name, attrs) -> None:  # noqa: N802 (SAX API)
        if not self.root_seen:
            self.root_seen = True
            if name != "osm":
                self._bad(f"root element is <{name}>, expected <osm> (an OSM XML file)")
            return
        if name == "node":
            self._node(attrs)
        elif name == "way":
            self._unique_id("way", attrs, self.way_ids)
            self.way = (self._line(), f"way {attrs.get('id')}", 0)
        elif name == "nd":
            ref = _as_int(attrs.get("ref"))
            label = self.way[1] if self.way else "<nd> outside a way"
            if ref is None:
                self._bad(f"{label}: <nd> has no integer ref (ref={attrs.get('ref')!r})")
            else:
                self.refs.append((self._line(), ref, label))
            if self.way:
                self.way = (self.way[0], self.way[1], self.way[2] + 1)
        elif name == "tag" and ("k" not in attrs or "v" not in attrs):
            self._bad("<tag> needs both k= and v=")

    def endElement(self, name) -> None:  # noqa: N802 (SAX API)
        if name == "way" and self.way:
            line, label, count = self.way
            if count < 2:
                self.problems.append(f"line {line}: {label} has {count} <nd>, needs at least 2")
            self.way = None

    def _unique_id(self, element: str, attrs, seen: set[int]) -> None:
        """Record the element's integer id; a missing, malformed or repeated id is a problem."""
        value = _as_int(attrs.get("id"))
        if value is None:
            self._bad(f"<{element}> has no integer id (id={attrs.get('id')!r})")
        elif value in seen:
            self._bad(f"{element} id {value} is used twice")
        else:
            seen.add(value)

    def _node(self, attrs) -> None:
        self._unique_id("node", attrs, self.node_ids)
        for key, low, high in (("lat", -90.0, 90.0), ("lon", -180.0, 180.0)):
            value = _as_float(attrs.get(key))
            if value is None or not (low <= value <= high):
                self._bad(f"node {attrs.get('id')}: {key}={attrs.get(key)!r}, expected a number "
                          f"in [{low:g}, {high:g}]")

    def finish(self) -> list[str]:
        if not self.root_seen:
            self.problems.append("line 1: empty document, expected an <osm> element")
        for line, ref, label in self.refs:
            if ref not in self.node_ids:
                self.problems.append(f"line {line}: {label} refers to node {ref}, which the "
                                     "file does not contain")
        return self.problems


def _as_int(text: str | None) -> int | None:
    try:
        return int(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _as_float(text: str | None) -> float | None:
    try:
        value = float(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _keep_modes(graph: nx.MultiDiGraph, rail_values: set[str], road: bool) -> None:
    """Drop edges of unwanted ways (in place); tag the others with ``mode``; drop bare nodes."""
    drop = []
    for u, v, k, data in graph.edges(keys=True, data=True):
        if data.get("railway") in rail_values:
            data["mode"] = "rail"
        elif road and data.get("highway") is not None:
            data["mode"] = "road"
        else:
            drop.append((u, v, k))
    graph.remove_edges_from(drop)
    graph.remove_nodes_from([n for n in list(graph.nodes) if graph.degree(n) == 0])


def _measure(graph: nx.MultiDiGraph, path: Path) -> None:
    """Set ``traced_length_m``, ``route_factor``, ``length_m`` and ``length`` on every edge of
    the (still lon/lat) graph; a ``route_factor`` tag that is not a number in
    :data:`ROUTE_FACTOR_RANGE` is a DataError naming the way."""
    from logistics.geodesy import polyline_m

    nodes = graph.nodes
    problems = []
    for u, v, data in graph.edges(data=True):
        if "geometry" in data:
            lon, lat = data["geometry"].xy
        else:
            lon, lat = (nodes[u]["x"], nodes[v]["x"]), (nodes[u]["y"], nodes[v]["y"])
        tag = data.get("route_factor", 1.0)
        factor = _as_float(tag)
        low, high = ROUTE_FACTOR_RANGE
        if factor is None or not low <= factor <= high:
            problems.append(f"way {data.get('osmid')}: route_factor={tag!r}, expected a "
                            f"positive number in [{low:g}, {high:g}] (real track length / drawn "
                            "length; the shipped lines' fit is 1.07)")
            factor = 1.0
        traced_m = polyline_m(lon, lat)
        data["traced_length_m"] = traced_m
        data["route_factor"] = factor
        data["length_m"] = data["length"] = traced_m * factor
    if problems:
        problems = sorted(set(problems))
        raise DataError(f"{path}: {len(problems)} problem(s) with route factors:\n  "
                        + listed(problems, sep="\n  ", limit=_MAX_LISTED))


def _fill_geometry(graph: nx.MultiDiGraph) -> None:
    """Give straight edges (osmnx leaves them without one) a two-point metric geometry."""
    from shapely.geometry import LineString

    nodes = graph.nodes
    for u, v, data in graph.edges(data=True):
        if "geometry" not in data:
            data["geometry"] = LineString([(nodes[u]["x"], nodes[u]["y"]),
                                           (nodes[v]["x"], nodes[v]["y"])])


@contextlib.contextmanager
def _osmnx_tags(node_tags: Iterable[str], way_tags: Iterable[str]) -> Iterator[None]:
    """Temporarily add tags to osmnx's kept node/way tags (restored afterwards)."""
    import osmnx as ox

    old_node, old_way = ox.settings.useful_tags_node, ox.settings.useful_tags_way
    ox.settings.useful_tags_node = list(dict.fromkeys([*old_node, *node_tags]))
    ox.settings.useful_tags_way = list(dict.fromkeys([*old_way, *way_tags]))
    try:
        yield
    finally:
        ox.settings.useful_tags_node, ox.settings.useful_tags_way = old_node, old_way


@contextlib.contextmanager
def _quiet_osmnx() -> Iterator[None]:
    """Silence osmnx's warning about files it wrote itself (we never load those blindly)."""
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*generated by OSMnx.*")
        yield
