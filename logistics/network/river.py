"""River moves with the Amur flotilla, and ferrying across a river at a crossing.

**Waterways** (:func:`load_waterways`): the navigable rivers of the shipped ``rivers.gpkg``
(WDBII levels of ``river.navigable_levels`` in ``configs/norms/movement.yaml``, an assumption)
as a graph in ``settings.METRIC_CRS``. Level 0 is the *outline* of the double-lined lower Amur
and Sungari; ships sail its centre line, the medial axis of the shipped river-lake polygon
(``lakes.gpkg`` kind ``riverlake``: Voronoi edges of its densified shore that lie inside it,
computed with shapely/GEOS), joined to the single-line rivers that end at its shore. WDBII has
no flow direction or names: downstream is towards each connected river system's outlet, its
end node lowest on the shipped DEM.

**River move** (:func:`plan_river_move`): a formation's men carried by the ships of a flotilla
group from one place on the rivers to another (each within ``river.max_access_km`` of a
navigable line). Each ship class sails at its own speed over the ground: still-water speed x
``operating_speed_factor`` (floating logs, a flooded channel: [KORNER], a named assumption)
plus the current downstream, minus it upstream (``current_kmh``, assumed), so the armoured
boats arrive before the monitors; under way ``sailing_hours_per_day`` hours a day (assumed: the
ferries' working day), so averaged over the day that speed x hours / 24. The men are shared among the classes in proportion to their
lift (ships x troops per ship, each an assumption: no lift per ship was found); a class whose
lift is smaller than its share sails back for more. Embarking and landing take ``embark_h``
and ``disembark_h``.

**Ferrying** (:func:`ferry_time_h`): how long a river-ship brigade takes to put a formation
across a river, from the one sourced figure (the 3rd brigade on the Ussuri: ~6,000 men, 50
guns and mortars, 150 vehicles in four days, [SHIROKORAD-RK]) and the rule in
``river.ferrying.rule``. **Own means** (:func:`own_means_time_h`): how long the army's own
crossing means at one crossing site (one N2P pontoon park's pontoons used as ferries,
``river.own_means``, every figure but the park's a named assumption) take to put a formation
across, from its load in tonnes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import networkx as nx
import numpy as np
import pandas as pd
from shapely.geometry import LineString, Point
from shapely.ops import substring

from logistics import settings
from logistics.errors import ConfigError
from logistics.army.means_norms import (FerryRate, OwnMeans, RiverNorms, load_means_norms,
                                        troop_lift)

__all__ = ["RiverMove", "Sailing", "sail", "load_waterways", "waterways_from_lines",
           "plan_river_move", "ferry_time_h", "own_means_t_per_day", "own_means_time_h",
           "ships_stem_current", "crossing_width_km", "beyond_channel_km", "own_means_trip_h",
           "first_landing_h", "crossing_time_factor"]

#: Shore densification (m) for the river-lake centre line; river ends within this distance
#: (m) of the river-lake join its centre line.
_SHORE_STEP_M = 500.0
_JOIN_M = 3000.0


@dataclass(frozen=True)
class RiverMove:
    """A planned river move, or why there is none (``ok`` False, ``reason``).

    ``km`` along the rivers (``km_down`` downstream, ``km_up`` upstream); ``waves``: one row per
    trip of a ship class (``ship_class, trip, men, depart_h, arrive_h, ashore_h``);
    ``head_ashore_h`` / ``all_ashore_h`` the first and last men landed; ``sail_h`` one-way hours
    per ship class; ``geometry`` the river path (lon/lat).
    """

    ok: bool
    reason: str = ""
    km: float = 0.0
    km_down: float = 0.0
    km_up: float = 0.0
    depart_h: float = math.nan
    head_ashore_h: float = math.nan
    all_ashore_h: float = math.nan
    sail_h: Mapping[str, float] = field(default_factory=dict)
    waves: pd.DataFrame | None = None
    origin_access_km: float = math.nan
    dest_access_km: float = math.nan
    geometry: LineString | None = None
    _metric: LineString | None = field(default=None, repr=False)
    _legs: tuple[tuple[float, float, bool], ...] = field(default=(), repr=False)
    _speeds: Mapping[str, tuple[float, float]] = field(default_factory=dict, repr=False)
    _embark_h: float = field(default=0.0, repr=False)

    def _wave_breaks(self, wave: int) -> tuple[np.ndarray, np.ndarray]:
        """(hours, km) where the ships of row ``wave`` of ``waves`` cast off and end each
        stretch of the river (down or up at their class's speed); between them the km is
        linear in time."""
        row = self.waves.iloc[wave]
        down_kmh, up_kmh = self._speeds[row["ship_class"]]
        need = [(k1 - k0) / (down_kmh if down else up_kmh) for k0, k1, down in self._legs]
        t = row["depart_h"] + self._embark_h + np.concatenate([[0.0], np.cumsum(need)])
        k = np.concatenate([[0.0], [k1 for _, k1, _ in self._legs]])
        return t, k

    def _wave_positions(self, wave: int, time_h: np.ndarray) -> np.ndarray:
        """Km of row ``wave``'s men at each of ``time_h``: at the embarkation point until their
        ships cast off, along the river at their class's speeds, at the landing place after."""
        t, k = self._wave_breaks(wave)
        time_h = np.asarray(time_h, dtype=np.float64)
        return np.where(time_h <= t[0], 0.0,
                        np.where(time_h >= t[-1], self.km, np.interp(time_h, t, k)))

    def wave_km(self, wave: int, time_h: float) -> float:
        """Km along the river of the men of row ``wave`` of ``waves`` at ``time_h``: at the
        embarkation point until their ships cast off, then at each class's speed down or up
        each stretch, at the landing place after arrival."""
        return float(self._wave_positions(wave, np.array([time_h]))[0])

    def timetable(self) -> dict:
        """The move as the fields of the step loop's ``advance.movement.Timetable`` (all but
        ``mode``, which is ``"river"``): the head (``km``) is the first men afloat, the tail
        (``tail_km``) the last men, still at the embarkation point until their trip casts
        off; ``fuel_l`` None (ships burn nothing of the army's account)."""
        empty = np.zeros(0)
        if not self.ok:
            return dict(km=empty, lon=empty, lat=empty, time_h=empty, tail_km=None,
                        fuel_l=None, fuel_type="none", reason=self.reason, stations=(),
                        notes=())
        events = {self.depart_h, self.all_ashore_h}
        for i, r in enumerate(self.waves.itertuples(index=False)):
            events.update((r.depart_h, r.arrive_h, r.ashore_h))
            events.update(self._wave_breaks(i)[0].tolist())
        times = np.array(sorted(e for e in events if self.depart_h <= e <= self.all_ashore_h))
        pos = np.column_stack([self._wave_positions(i, times) for i in range(len(self.waves))])
        head, tail = pos.max(axis=1), pos.min(axis=1)
        head = np.maximum.accumulate(head)
        lonlat = np.array([self.lonlat_at_km(k) for k in head])
        return dict(km=head, lon=lonlat[:, 0], lat=lonlat[:, 1], time_h=times,
                    tail_km=tail, fuel_l=None, fuel_type="none", reason="",
                    stations=((0.0, "embarkation"), (float(self.km), "landing")),
                    notes=(f"river {self.km:.0f} km ({self.km_down:.0f} down, "
                           f"{self.km_up:.0f} up), {len(self.waves)} trip(s)",))

    def men_ashore(self, time_h: float) -> int:
        """Men landed at the destination by ``time_h``."""
        if not self.ok:
            return 0
        return int(self.waves.loc[self.waves["ashore_h"] <= time_h, "men"].sum())

    def lonlat_at_km(self, km: float) -> tuple[float, float]:
        """(lon, lat) at ``km`` along the river path from the embarkation point."""
        from logistics.terrain import to_lonlat

        p = self._metric.interpolate(min(max(km, 0.0), self.km) * 1000.0)
        lon, lat = to_lonlat(p.x, p.y)
        return float(lon), float(lat)


def ferry_time_h(men: int, vehicles: int = 0, guns: int = 0, *, brigades: float = 1.0,
                 rate: FerryRate | None = None) -> float:
    """Hours ``brigades`` river-ship brigades need to ferry a formation across a river:
    ``24 x max(men / men_per_day, guns / guns_per_day, vehicles / vehicles_per_day) /
    brigades`` (``river.ferrying`` in ``configs/norms/movement.yaml``: the Ussuri figure and the
    rule that the kind taking longest sets the time)."""
    rate = rate or load_means_norms().river.ferry
    for name, value in (("men", men), ("vehicles", vehicles), ("guns", guns)):
        if not (isinstance(value, (int, float, np.integer)) and value >= 0):
            raise ConfigError(f"ferry: {name} {value!r}, expected a number >= 0")
    if not (brigades > 0 and math.isfinite(brigades)):
        raise ConfigError(f"ferry: brigades {brigades!r}, expected a number > 0 (a crossing "
                          "without ships is not ferried: bridge it or let it wade)")
    days = max(men / rate.men_per_day, guns / rate.guns_per_day,
               vehicles / rate.vehicles_per_day)
    return 24.0 * days / brigades


def _water_kmh(norms: RiverNorms, ship_class: str) -> float:
    """A ship class's speed through the water on the flooded rivers, km/h: its still-water
    ``speed_kmh`` x ``operating_speed_factor`` (the current is added downstream, taken off
    upstream)."""
    return norms.ships[ship_class].speed_kmh * norms.operating_speed_factor


def _ground_kmh(norms: RiverNorms, ship_class: str) -> tuple[float, float]:
    """(downstream, upstream) km/h over the ground of ``ship_class`` averaged over the day:
    through the water (:func:`_water_kmh`) plus or minus ``current_kmh``, x
    ``sailing_hours_per_day`` / 24 (the ships are under way that many hours a day)."""
    v, duty = _water_kmh(norms, ship_class), norms.sailing_hours_per_day / 24.0
    return (v + norms.current_kmh) * duty, (v - norms.current_kmh) * duty


def ships_stem_current(norms: RiverNorms | None = None) -> bool:
    """Whether every ship class makes headway upstream: its speed through the water
    (:func:`_water_kmh`) above ``current_kmh``. The flotilla did sail up the Sungari in August
    1945 (Fujin, 70 km above its mouth, [SHIROKORAD-JP]), so a Monte Carlo draw of the assumed
    speeds, factor and current in which a ship cannot stem the current contradicts that
    source: the draw is made again (:func:`logistics.history.uncertainty._sample_norms`).
    ``norms``: the movement norms (default the file's, patched inside a run with drawn
    values)."""
    norms = norms or load_means_norms().river
    return all(_water_kmh(norms, c) > norms.current_kmh for c in norms.ships)


def own_means_t_per_day(means: OwnMeans | None = None, current_kmh: float | None = None
                        ) -> float:
    """Tonnes a day one crossing site's own means put across a river (``river.own_means``):

    ``payload_t = pontoon_vehicles x pontoons_per_vehicle x pontoon_buoyancy_t x usable_share``
    (every pontoon of the park in ferries at once), ``across_kmh = sqrt(towing_speed_kmh^2 -
    current_kmh^2)`` (a ferry heads upstream to hold its line across the current),
    ``trip_h = 2 x width_km / across_kmh + load_unload_h`` (there and back, loading and
    unloading: :func:`own_means_trip_h` at the assumed width), ``t_per_day = payload_t x
    hours_per_day / trip_h``. A wider crossing: :func:`crossing_time_factor`."""
    means, current_kmh = _means(means, current_kmh)
    payload_t = (means.pontoon_vehicles * means.pontoons_per_vehicle
                 * means.pontoon_buoyancy_t * means.usable_share)
    return payload_t * means.hours_per_day / own_means_trip_h(means=means,
                                                              current_kmh=current_kmh)


def _means(means: OwnMeans | None, current_kmh: float | None) -> tuple[OwnMeans, float]:
    """The own means and current given, else the movement norms' (checked: a ferry holds its
    line across the current only below its towing speed)."""
    norms = load_means_norms().river if means is None or current_kmh is None else None
    means = means or norms.own_means
    current_kmh = norms.current_kmh if current_kmh is None else current_kmh
    if not (0.0 <= current_kmh < means.towing_speed_kmh):
        raise ConfigError(f"own means: current {current_kmh!r} km/h, expected >= 0 and below "
                          f"the towing speed {means.towing_speed_kmh:g} km/h")
    return means, current_kmh


def _across_kmh(means: OwnMeans, current_kmh: float) -> float:
    """A ferry's speed across the river, km/h: ``sqrt(towing_speed_kmh^2 - current_kmh^2)``
    (it heads upstream to hold its line across the current)."""
    return math.sqrt(means.towing_speed_kmh ** 2 - current_kmh ** 2)


def crossing_width_km(water_km: float = 0.0, means: OwnMeans | None = None) -> float:
    """Km of water a ferry crosses one way at a crossing whose route crosses ``water_km`` of
    water (the land mask's water cells a ferry site opens: advance/ferry_sites.py
    ``open_ferry_water``): that, at least ``river.own_means.width_km`` (the assumed channel
    of a major river in the flood, which a route drawn across a river line on land does not
    measure). Why: the 15th Army's route ran 13.5 km over the Amur-Sungari river-lake at
    land pace while its ferries were timed for 1.5 km."""
    means = means or load_means_norms().river.own_means
    return means.width_km + float(beyond_channel_km(0.0, water_km, water_km, means.width_km))


def beyond_channel_km(lo_km, hi_km, water_km, channel_km: float):
    """Km of the stretch ``lo_km`` to ``hi_km`` (km from one bank) of a crossing of
    ``water_km`` of water that lies farther than half of ``channel_km`` from both banks: the
    water a ferry crosses there beyond the assumed channel (``river.own_means.width_km``).
    Of a whole crossing (0 to ``water_km``) ``max(0, water_km - channel_km)``, the width
    :func:`crossing_width_km` adds to the channel; of each cell of a ferry site's water its
    share, which the route search pays (advance/ferry_sites.py ``water_beyond_channel_km``).
    Why one function (ferry35): the search paid a one-cell water a quarter cell beyond the
    channel (its nearest bank alone), the step loop's ferrying nothing. Numbers or arrays."""
    lo, hi = np.asarray(lo_km, dtype=np.float64), np.asarray(hi_km, dtype=np.float64)
    water = np.asarray(water_km, dtype=np.float64)
    return np.maximum(0.0, np.minimum(hi, water - channel_km / 2.0)
                      - np.maximum(lo, channel_km / 2.0))


def own_means_trip_h(water_km: float = 0.0, *, means: OwnMeans | None = None,
                     current_kmh: float | None = None) -> float:
    """Hours of one round trip of a ferry of the army's own means: ``2 x width /
    across_kmh + load_unload_h``, ``width`` :func:`crossing_width_km` of ``water_km``,
    ``across_kmh = sqrt(towing_speed_kmh^2 - current_kmh^2)`` (the ferry heads upstream to
    hold its line across the current)."""
    means, current_kmh = _means(means, current_kmh)
    return 2.0 * crossing_width_km(water_km, means) / _across_kmh(means, current_kmh) \
        + means.load_unload_h


def first_landing_h(water_km: float = 0.0, *, means: OwnMeans | None = None,
                    current_kmh: float | None = None) -> float:
    """Hours from when a means starts on a formation until its first trip lands on the far
    bank: loading, the way across, unloading (``width / across_kmh + load_unload_h``, the
    round trip's :func:`own_means_trip_h` less the way back). **Assumed** for the flotilla's
    ships too (no source times their trip): the head is on the far bank from then, not
    from the start (advance/holds.py ``Holds.waiting``)."""
    means, current_kmh = _means(means, current_kmh)
    return crossing_width_km(water_km, means) / _across_kmh(means, current_kmh) \
        + means.load_unload_h


def crossing_time_factor(water_km: float = 0.0, *, means: OwnMeans | None = None,
                         current_kmh: float | None = None) -> float:
    """How many times longer every ferrying takes at a crossing whose route crosses
    ``water_km`` of water than at the assumed width (``river.own_means.width_km``): the ratio
    of the round trips (:func:`own_means_trip_h`), 1 at or below that width. The same factor
    for the army's own means (their daily tonnes are set by the trip) and for a flotilla
    brigade: **assumed**, its sourced rate (the Ussuri at Vasilyevskoe, river.ferrying) is
    taken at the assumed width and its trips lengthen with the water as the park's do."""
    return (own_means_trip_h(water_km, means=means, current_kmh=current_kmh)
            / own_means_trip_h(0.0, means=means, current_kmh=current_kmh))


def own_means_time_h(men: int, vehicles_t: float = 0.0, guns: int = 0, *,
                     means: OwnMeans | None = None, current_kmh: float | None = None) -> float:
    """Hours a crossing site's own means need to put a formation across a river:
    ``24 x (men x man_t + vehicles_t + guns x gun_t) / t_per_day``
    (:func:`own_means_t_per_day`; ``vehicles_t`` the formation's vehicles' masses summed, from
    their configs/vehicles files). One park carries one formation whole at a time."""
    means = means or load_means_norms().river.own_means
    for name, value in (("men", men), ("vehicles_t", vehicles_t), ("guns", guns)):
        if not (isinstance(value, (int, float, np.integer, np.floating))
                and not isinstance(value, bool) and math.isfinite(value) and value >= 0):
            raise ConfigError(f"own means: {name} {value!r}, expected a finite number >= 0")
    load_t = men * means.man_t + vehicles_t + guns * means.gun_t
    return 24.0 * load_t / own_means_t_per_day(means, current_kmh)


# --------------------------------------------------------------------------------------------
# waterways


def load_waterways(levels: Sequence[int] | None = None) -> nx.Graph:
    """The shipped navigable rivers as a graph (see the module docstring), cached per levels.

    Edges: ``geometry`` (metric LineString, from node ``u_start`` to the other end),
    ``length_m``, ``level``, ``down_to`` (the node the water flows to along this edge).
    Returns the cached graph: do not modify it.
    """
    levels = tuple(levels) if levels is not None else load_means_norms().river.navigable_levels
    return _shipped(tuple(sorted(levels)))


@lru_cache(maxsize=2)
def _shipped(levels: tuple[int, ...]) -> nx.Graph:
    import geopandas as gpd

    from logistics.terrain.dem import raster_path
    from logistics.terrain.rivers import read_rivers

    rivers = read_rivers()
    lines = list(rivers.loc[rivers["level"].isin([lv for lv in levels if lv != 0]), "geometry"])
    lines_levels = list(rivers.loc[rivers["level"].isin([lv for lv in levels if lv != 0]),
                                   "level"])
    lakes = []
    if 0 in levels:
        path = raster_path("lakes.gpkg")
        frame = gpd.read_file(path)
        frame = frame[frame["kind"] == "riverlake"].to_crs(settings.METRIC_CRS)
        lakes = list(frame.geometry)
    return waterways_from_lines(lines, lines_levels, river_lakes=lakes)


def waterways_from_lines(lines: Sequence[LineString], levels: Sequence[int] | None = None, *,
                         river_lakes: Sequence = (), elevation=None) -> nx.Graph:
    """Build the waterway graph from metric river lines (and river-lake polygons).

    ``elevation(lon, lat) -> metres`` ranks the end nodes to find each system's outlet
    (default: the shipped DEM). Used by :func:`load_waterways` and by tests on synthetic
    rivers.
    """
    g = nx.Graph()
    levels = list(levels) if levels is not None else [1] * len(lines)
    flat = [(part, int(level)) for line, level in zip(lines, levels) for part in _parts(line)]
    for part, level in _split_at_confluences(flat):
        _add_line(g, part, level)
    for poly in river_lakes:
        _add_centre_line(g, poly)
    _orient(g, elevation)
    return g


def _parts(geom):
    return list(geom.geoms) if hasattr(geom, "geoms") else [geom]


def _key(xy) -> tuple[float, float]:
    return (round(float(xy[0]), 1), round(float(xy[1]), 1))


def _add_line(g: nx.Graph, line: LineString, level: int) -> None:
    coords = list(line.coords)
    if len(coords) < 2 or line.length == 0:
        return
    u, v = _key(coords[0]), _key(coords[-1])
    if u == v:
        return
    for n in (u, v):
        g.add_node(n, x=n[0], y=n[1])
    if g.has_edge(u, v) and g.edges[u, v]["length_m"] <= line.length:
        return
    g.add_edge(u, v, geometry=line, length_m=float(line.length), level=level, u_start=u)


def _split_at_confluences(lines: list) -> list:
    """Split each line where another line ends on it (a tributary of another WDBII level
    meets the main river at one of its inner vertices), with a short joining segment when
    the end lies off the line; ends within ``_JOIN_M`` of a line count."""
    import shapely

    geoms = [g for g, _ in lines]
    tree = shapely.STRtree(geoms)
    cuts: dict[int, list[float]] = {i: [] for i in range(len(lines))}
    joins = []
    for j, (line, level) in enumerate(lines):
        for end in (Point(line.coords[0]), Point(line.coords[-1])):
            for i in tree.query(end, predicate="dwithin", distance=_JOIN_M):
                if i == j:
                    continue
                other = geoms[i]
                m = other.project(end)
                if m <= 1.0 or m >= other.length - 1.0:
                    continue  # meets at the other's end: already a shared node
                cuts[i].append(m)
                hit = other.interpolate(m)
                if hit.distance(end) > 0.1:
                    joins.append((LineString([end, hit]), level))
    out = []
    for i, (line, level) in enumerate(lines):
        marks = sorted(set([0.0, *cuts[i], line.length]))
        out.extend((substring(line, a, b), level) for a, b in zip(marks, marks[1:]) if b > a)
    return out + joins


def _add_centre_line(g: nx.Graph, poly) -> None:
    """Medial axis of a river-lake polygon, joined to the river ends at its shore."""
    import shapely

    poly = shapely.make_valid(poly)
    dens = shapely.segmentize(poly, _SHORE_STEP_M)
    pts = shapely.MultiPoint(shapely.get_coordinates(dens.boundary))
    parts = shapely.get_parts(shapely.voronoi_polygons(pts, only_edges=True))
    inside = parts[shapely.covered_by(parts, poly)]
    ends = [n for n in g.nodes if g.degree(n) == 1]
    axis_nodes = set()
    for seg in inside:
        _add_line(g, seg, 0)
        axis_nodes.update(_key(c) for c in (seg.coords[0], seg.coords[-1]))
    if not axis_nodes:
        return
    axis = np.array(sorted(axis_nodes))
    for n in ends:
        if poly.distance(Point(n)) > _JOIN_M:
            continue
        d = np.hypot(axis[:, 0] - n[0], axis[:, 1] - n[1])
        k = int(np.argmin(d))
        _add_line(g, LineString([n, tuple(axis[k])]), 0)


def _orient(g: nx.Graph, elevation) -> None:
    """Set ``down_to`` on every edge: towards the outlet of its connected river system."""
    from logistics.terrain import to_lonlat

    if elevation is None:
        from logistics.terrain.dem import DEM_FILES
        from logistics.terrain.resample import sample_raster

        def elevation(lon, lat):
            return sample_raster(DEM_FILES["merged"], lon, lat)

    for comp in nx.connected_components(g):
        ends = [n for n in comp if g.degree(n) == 1] or list(comp)
        lon, lat = to_lonlat(np.array([n[0] for n in ends]), np.array([n[1] for n in ends]))
        z = np.asarray(elevation(lon, lat), dtype=float)
        z = np.where(np.isfinite(z), z, np.inf)
        outlet = ends[int(np.argmin(z))]
        dist = nx.single_source_dijkstra_path_length(g.subgraph(comp), outlet,
                                                     weight="length_m")
        for u, v, d in g.subgraph(comp).edges(data=True):
            d["down_to"] = u if dist[u] < dist[v] else v


# --------------------------------------------------------------------------------------------
# a move


@dataclass(frozen=True)
class Sailing:
    """Ships of ``classes`` sailing from one place on the rivers to another, or why they
    cannot (``ok`` False, ``reason``): ``km_down``/``km_up`` along the rivers, ``out_h`` and
    ``back_h`` the hours each class takes there and back over the ground averaged over the day
    (:func:`_ground_kmh`), ``speeds`` its (downstream, upstream) km/h, the places' distances
    from the river (km) and ``pieces`` (metric LineString, downstream?) in sailing order."""

    ok: bool
    reason: str = ""
    km_down: float = 0.0
    km_up: float = 0.0
    out_h: Mapping[str, float] = field(default_factory=dict)
    back_h: Mapping[str, float] = field(default_factory=dict)
    speeds: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    origin_access_km: float = math.nan
    dest_access_km: float = math.nan
    pieces: tuple = ()

    @property
    def km(self) -> float:
        """Km sailed one way."""
        return self.km_down + self.km_up


def sail(origin_lonlat: tuple[float, float], dest_lonlat: tuple[float, float], *,
         classes: Sequence[str], waterways: nx.Graph | None = None,
         norms: RiverNorms | None = None) -> Sailing:
    """How ships of ``classes`` (ids of ``river.ship_classes``) sail from ``origin_lonlat`` to
    ``dest_lonlat`` and back: the one rule of every river move, troops
    (:func:`plan_river_move`) or fuel (:mod:`logistics.supply.sailings`). Each place must lie
    within ``river.max_access_km`` of a navigable line; each class sails at its own speed over
    the ground (still water x ``operating_speed_factor``, plus the current downstream, minus it
    upstream, x ``sailing_hours_per_day`` / 24). Both places at one point of the river: ``ok``
    with no km, no ``pieces`` and no hours. Not ``ok`` (with the reason): a place far from the
    rivers, rivers that do not join, a class that cannot stem the current."""
    from logistics.terrain import to_metric

    norms = norms or load_means_norms().river
    g = waterways if waterways is not None else load_waterways(norms.navigable_levels)
    a, b = Point(to_metric(*origin_lonlat)), Point(to_metric(*dest_lonlat))
    snaps = []
    for what, p, ll in (("origin", a, origin_lonlat), ("destination", b, dest_lonlat)):
        snap = _snap(g, p)
        if snap is None or snap[0] > norms.max_access_km * 1000.0:
            far = "no navigable river" if snap is None else f"{snap[0] / 1000:.0f} km"
            return Sailing(False, (
                f"the {what} ({ll[0]:.3f}E {ll[1]:.3f}N) is {far} from a navigable river "
                f"(WDBII levels {list(norms.navigable_levels)}); a river move serves places "
                f"within {norms.max_access_km:g} km (river.max_access_km in "
                "configs/norms/movement.yaml)"))
        snaps.append(snap)
    pieces = _path_pieces(g, snaps[0], snaps[1])
    if pieces is None:
        return Sailing(False, "the rivers at the origin and at the destination do not join")
    pieces = [p for p in pieces if p[0].length > 0]
    if not pieces:  # both ends on one point of the river: nothing to sail, no time
        return Sailing(True, out_h=dict.fromkeys(classes, 0.0),
                       back_h=dict.fromkeys(classes, 0.0), origin_access_km=snaps[0][0] / 1000.0,
                       dest_access_km=snaps[1][0] / 1000.0)
    km_down = sum(p.length for p, down in pieces if down) / 1000.0
    km_up = sum(p.length for p, down in pieces if not down) / 1000.0
    out_h, back_h, speeds = {}, {}, {}
    for c in classes:
        v = _water_kmh(norms, c)
        if km_up > 0 and v <= norms.current_kmh:
            return Sailing(False, (
                f"{c} makes {v:.1f} km/h through the water, no more than the current "
                f"({norms.current_kmh:g} km/h): it cannot go {km_up:.0f} km upstream"))
        down, up = speeds[c] = _ground_kmh(norms, c)
        out_h[c] = km_down / down + (km_up / up if km_up else 0.0)
        back_h[c] = km_up / down + (km_down / up if km_down else 0.0)
    return Sailing(True, km_down=km_down, km_up=km_up, out_h=out_h, back_h=back_h,
                   speeds=speeds, origin_access_km=snaps[0][0] / 1000.0,
                   dest_access_km=snaps[1][0] / 1000.0, pieces=tuple(pieces))


def plan_river_move(
    origin_lonlat: tuple[float, float],
    dest_lonlat: tuple[float, float],
    *,
    ships: Mapping[str, int],
    men: int,
    depart_h: float,
    waterways: nx.Graph | None = None,
    norms: RiverNorms | None = None,
) -> RiverMove:
    """Carry ``men`` from ``origin_lonlat`` to ``dest_lonlat`` on ``ships`` ({ship class id of
    ``river.ship_classes``: count}) leaving at ``depart_h``; see the module docstring.

    Unknown ship classes or negative counts raise ConfigError; a move that cannot be made (a
    place far from any navigable river, rivers that do not join, ships that cannot stem the
    current, no troop lift) comes back with ``ok`` False and the reason.
    """
    norms = norms or load_means_norms().river
    unknown = sorted(set(ships) - set(norms.ships))
    if unknown:
        raise ConfigError(f"river move: ship class(es) {unknown} are not in "
                          f"configs/norms/movement.yaml river.ship_classes "
                          f"({sorted(norms.ships)}); use one of those ids")
    if any(not isinstance(c, (int, np.integer)) or c < 0 for c in ships.values()):
        raise ConfigError(f"river move: ship counts {dict(ships)}, expected whole numbers >= 0")
    if not (isinstance(men, (int, np.integer)) and men > 0):
        raise ConfigError(f"river move: men {men!r}, expected a whole number > 0")
    fleet = {c: n for c, n in ships.items() if n > 0}
    lift = troop_lift(fleet, norms)
    if not fleet or sum(lift.values()) == 0:
        return RiverMove(False, "the flotilla group has no ship that carries troops (ships x "
                         "troops per ship is 0); give it ships with a troop lift",
                         depart_h=depart_h)
    sailing = sail(origin_lonlat, dest_lonlat, classes=tuple(fleet), waterways=waterways,
                   norms=norms)
    if not sailing.ok:
        return RiverMove(False, sailing.reason, depart_h=depart_h)
    if not sailing.pieces:  # both ends on one point of the river: a path of no length
        return RiverMove(False, "the origin and the destination are the same point on the "
                         "river: there is nothing to sail", depart_h=depart_h)
    pieces, km_down, km_up = sailing.pieces, sailing.km_down, sailing.km_up
    sail_h, back_h, speeds = dict(sailing.out_h), dict(sailing.back_h), dict(sailing.speeds)
    waves = _waves(men, lift, sail_h, back_h, depart_h, norms)
    metric = _join(pieces)
    legs, k = [], 0.0
    for line, down in pieces:
        legs.append((k, k + line.length / 1000.0, down))
        k += line.length / 1000.0
    from logistics.terrain import to_lonlat

    xs, ys = np.asarray(metric.coords).T
    lon, lat = to_lonlat(xs, ys)
    return RiverMove(
        ok=True, km=km_down + km_up, km_down=km_down, km_up=km_up, depart_h=depart_h,
        head_ashore_h=float(waves["ashore_h"].min()), all_ashore_h=float(waves["ashore_h"].max()),
        sail_h=sail_h, waves=waves, origin_access_km=sailing.origin_access_km,
        dest_access_km=sailing.dest_access_km,
        geometry=LineString(list(zip(np.atleast_1d(lon).tolist(), np.atleast_1d(lat).tolist()))),
        _metric=metric, _legs=tuple(legs), _speeds=speeds, _embark_h=norms.embark_h)


def _waves(men: int, lift: Mapping[str, int], sail_h, back_h, depart_h: float,
           norms: RiverNorms) -> pd.DataFrame:
    """Men per class in proportion to lift (largest remainder), then trip by trip."""
    total = sum(lift.values())
    classes = sorted(c for c in lift if lift[c] > 0)
    exact = {c: men * lift[c] / total for c in classes}
    share = {c: int(math.floor(exact[c])) for c in classes}
    for c in sorted(classes, key=lambda c: (-(exact[c] - share[c]), c))[:men - sum(share.values())]:
        share[c] += 1
    rows = []
    for c in classes:
        left, t, trip = share[c], depart_h, 0
        while left > 0:
            trip += 1
            n = min(lift[c], left)
            arrive = t + norms.embark_h + sail_h[c]
            rows.append({"ship_class": c, "trip": trip, "men": n, "depart_h": t,
                         "arrive_h": arrive, "ashore_h": arrive + norms.disembark_h})
            left -= n
            t = arrive + norms.disembark_h + back_h[c]
    return pd.DataFrame(rows, columns=["ship_class", "trip", "men", "depart_h", "arrive_h",
                                       "ashore_h"])


def _snap(g: nx.Graph, p: Point):
    """(distance m, edge (u, v), metres from the edge's ``u_start`` end) of the nearest
    point of the waterways to ``p``; None for an empty graph."""
    import shapely

    if "_edges" not in g.graph:  # an STRtree over the edges, built once per graph
        if g.number_of_edges() == 0:  # (counting them is a walk over every node)
            return None
        edges = list(g.edges(data=True))
        g.graph["_edges"] = edges
        g.graph["_tree"] = shapely.STRtree([d["geometry"] for _, _, d in edges])
    k = int(g.graph["_tree"].nearest(p))
    u, v, d = g.graph["_edges"][k]
    return float(d["geometry"].distance(p)), (u, v), float(d["geometry"].project(p))


def _routing_graph(g: nx.Graph) -> tuple[nx.Graph, dict]:
    """(a copy of ``g``'s edges to route on, the full-edge pieces priced so far by (from node,
    to node)), built once per graph and kept in ``g.graph``, as :func:`_snap`'s tree is.
    :func:`_path_pieces` adds its two ends to the copy and takes them off again, so the copy
    is the same graph on every call. Why: a new copy of every edge and a new line of every
    edge sailed, each sailing (a river supply column prices one for each place of its
    formations), were a tenth of `logistics run configs/`; ``g`` is never changed once
    loaded."""
    if "_routing" not in g.graph:
        h = nx.Graph(g.subgraph(set()))
        h.graph.pop("_routing", None)
        h.add_edges_from(g.edges(data=True))
        g.graph["_routing"] = (h, {})
    return g.graph["_routing"]


def _path_pieces(g: nx.Graph, sa, sb):
    """Pieces (metric LineString in sailing order, downstream?) from snap ``sa`` to ``sb``."""
    (_, ea, ma), (_, eb, mb) = sa, sb
    if {*ea} == {*eb}:
        d = g.edges[ea]
        return [_piece(d, ma, mb)]
    h, full = _routing_graph(g)
    try:
        for tag, (u, v), m in (("A", ea, ma), ("B", eb, mb)):
            d = g.edges[u, v]
            start = d["u_start"]
            other = v if start == u else u
            h.add_edge(tag, start, length_m=m, part=(d, m, 0.0))
            h.add_edge(tag, other, length_m=d["length_m"] - m, part=(d, m, d["length_m"]))
        try:
            nodes = nx.dijkstra_path(h, "A", "B", weight="length_m")
        except nx.NetworkXNoPath:
            return None
        pieces = []
        for x, y in zip(nodes, nodes[1:]):
            e = h.edges[x, y]
            if "part" in e:
                d, m, end = e["part"]
                pieces.append(_piece(d, m, end) if x in ("A", "B") else _piece(d, end, m))
            else:
                if (x, y) not in full:
                    d = e
                    full[x, y] = (_piece(d, 0.0, d["length_m"]) if x == d["u_start"]
                                  else _piece(d, d["length_m"], 0.0))
                pieces.append(full[x, y])
        return [p for p in pieces if p[0].length > 0]
    finally:  # the ends off again: the copy is the same graph for the next sailing
        h.remove_nodes_from([n for n in ("A", "B") if n in h])


def _piece(d: Mapping, m0: float, m1: float) -> tuple[LineString, bool]:
    """The edge's line from ``m0`` to ``m1`` metres (from its ``u_start``), sailing order, and
    whether that is downstream."""
    line = substring(d["geometry"], min(m0, m1), max(m0, m1))
    if m1 < m0:
        line = LineString(list(line.coords)[::-1])
    start = d["u_start"]
    down = (d["down_to"] != start) == (m1 >= m0)
    return line, down


def _join(pieces) -> LineString:
    coords: list = []
    for line, _ in pieces:
        xy = list(line.coords)
        coords.extend(xy if not coords else xy[1:])
    return LineString(coords)
