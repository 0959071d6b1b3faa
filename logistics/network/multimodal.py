"""Routes that mix rail, road and cross-country movement: one routing model for all three.

The model is a time-weighted graph searched once per section (origin -> via -> ... -> goal):

* **cross-country**: the cost engine (``logistics.cost.accumulate``) from the origin and,
  with ``reverse=True``, to the destination, on the vehicle's time CostModel (built once per
  call, ``logistics.cost.models``) over the terrain round the section. Their
  values at every network node are the approach and departure times, and their value at the
  destination is the all-cross-country alternative.
* **rail**: every vehicle may be entrained, foot and horse troops as passengers (the 6th Guards
  Tank Army came east by rail with its tanks, parameters.md 2.5; "800,000 troops were
  transferred by rail", SEED-000). Boarding costs the entraining time plus the mean wait for a
  train (half the interval: 12 h / train pairs a day of the best-served line there), leaving
  costs the detraining time, a change of gauge (1,435 <-> 1,520 mm at the border stations)
  both. On the train the vehicle burns no fuel of its own. Speed and times:
  ``configs/network/network.yaml`` (named assumptions), train pairs a day: ``lines-1945.yaml``
  (Harbin-Pogranichnaya 56, cited).
* **road**: every vehicle may use a road of the loaded network (foot and horse at Tobler's
  on-path pace); speed and fuel per km are the physics' level ``road`` rates
  (``move_rates``): network roads are costed as level (their gradient is not sampled).
  Joining or leaving a road costs ``road.join_h``. The shipped 1945 file has no roads (the
  reference documents none); load an ``.osm`` with ``highway`` ways to use them.

``mode="rail"`` / ``"road"`` route on that mode, reached from places within
``access.max_access_km`` (a cross-country approach in a window round each end); ``"any"`` adds
every combination and the all-cross-country route on one window that contains both single-mode
windows, so it is never worse than the best single mode. The objective is time; distance and
fuel are reported per leg.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import shapely
import xarray as xr
from shapely.geometry import LineString, Point, mapping

from logistics import settings
from logistics.errors import ConfigError, NoRouteError, check_choice
from logistics.geodesy import degrees_for_km, lat_lon_text
from logistics.network.params import NetworkParams, load_params
from logistics.network.stations import nearest_station, station_nodes
from logistics.network.trains import gauge_break_h, train_pairs_at
from logistics.network.trains import wait_h as wait_h_at

__all__ = ["MODES", "GIS_NAMES", "Leg", "MultiRoute", "route_multimodal", "railways_of",
           "coarse_grid_note", "check_on_land"]

MODES: tuple[str, ...] = ("any", "rail", "road", "cross-country")

#: The legs' columns renamed in the GIS files (route.geojson, route.gpkg's ``legs`` and
#: ``transfers``): ``start`` and ``end`` are reserved words of SQL or QGIS expressions
#: (``report.field_names``); legs.csv, :meth:`MultiRoute.table` and ``logistics.route``'s
#: frame keep them.
GIS_NAMES: dict[str, str] = {"start": "from_place", "end": "to_place"}
_ORIGIN, _GOAL = "origin", "destination"
#: Pad (km) of a single-mode access window beyond ``max_access_km`` (room to bend round).
_ACCESS_PAD_KM = 20.0
#: assumed: the cells round a place :func:`check_on_land` reads on a fine grid (its window is
#: otherwise a section's least): enough for the 3 cells of the rule and the nearest land its
#: error offers, without a second terrain of the route's size before the route
_LAND_SEARCH_CELLS = 500
#: A rail station and a road node this close (km) are one interchange.
_INTERCHANGE_KM = 2.0


@dataclass(frozen=True)
class Leg:
    """One leg of a route. ``mode`` is ``rail``, ``road``, ``cross-country`` or a transfer
    (``entrain``, ``detrain``, ``change gauge``, ``join road``, ``leave road``); transfers have
    no distance. ``geometry`` is lon/lat (a Point for a transfer)."""

    mode: str
    start: str
    end: str
    distance_km: float
    time_h: float
    fuel_l: float
    geometry: LineString | Point
    lines: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class MultiRoute:
    """A route as legs, with totals; ``table()`` and ``to_geojson()`` for outputs."""

    legs: tuple[Leg, ...]
    vehicle: str
    mode: str
    places: tuple[str, ...]
    season: str = "dry"
    provenance: dict = field(default_factory=dict)
    #: With ``route_multimodal(..., cost_surface=True)``: per section (origin -> via -> ...
    #: -> goal) the accumulated cross-country time in hours from the section's start over its
    #: window (``cost.accumulate.hours_raster``; ``inf`` where unreachable); else empty.
    cost_hours: tuple = field(default=(), compare=False, repr=False)

    @property
    def distance_km(self) -> float:
        return float(sum(leg.distance_km for leg in self.legs))

    @property
    def time_h(self) -> float:
        return float(sum(leg.time_h for leg in self.legs))

    @property
    def fuel_l(self) -> float:
        return float(sum(leg.fuel_l for leg in self.legs))

    @property
    def modes(self) -> tuple[str, ...]:
        """Moving modes used, in order of first use."""
        moving = ("rail", "road", "cross-country")
        return tuple(dict.fromkeys(leg.mode for leg in self.legs if leg.mode in moving))

    def table(self) -> pd.DataFrame:
        """One row per leg (mode, start, end, distance_km, time_h, fuel_l, lines, notes)."""
        return pd.DataFrame(
            [{"mode": g.mode, "start": g.start, "end": g.end, "distance_km": g.distance_km,
              "time_h": g.time_h, "fuel_l": g.fuel_l, "lines": ";".join(g.lines),
              "notes": "; ".join(g.notes)} for g in self.legs],
            columns=["mode", "start", "end", "distance_km", "time_h", "fuel_l", "lines", "notes"])

    def frame(self):
        """The legs as a GeoDataFrame in EPSG:4326: ``leg`` (1, 2 ...) and the columns of
        :meth:`table`, the leg's geometry (a LineString, a Point for a transfer)."""
        import geopandas as gpd

        table = self.table()
        table.insert(0, "leg", range(1, len(table) + 1))
        return gpd.GeoDataFrame(table, geometry=[leg.geometry for leg in self.legs],
                                crs="EPSG:4326")

    def to_geojson(self) -> dict:
        """A GeoJSON FeatureCollection (RFC 7946: lon/lat, 6 decimals of a degree, about 0.1 m):
        one feature per leg, its places ``from_place`` and ``to_place`` (:data:`GIS_NAMES`);
        the totals in the foreign member ``route`` (RFC 7946 section 7.1 forbids
        ``properties`` on a FeatureCollection)."""
        feats = [{"type": "Feature", "geometry": mapping(_lonlat_6(g.geometry)),
                  "properties": {"leg": i + 1, "mode": g.mode, GIS_NAMES["start"]: g.start,
                                 GIS_NAMES["end"]: g.end,
                                 "distance_km": round(g.distance_km, 3),
                                 "time_h": round(g.time_h, 3), "fuel_l": round(g.fuel_l, 2),
                                 "lines": list(g.lines), "notes": list(g.notes)}}
                 for i, g in enumerate(self.legs)]
        return {"type": "FeatureCollection", "features": feats,
                "route": {"vehicle": self.vehicle, "mode": self.mode,
                               "places": list(self.places), "season": self.season,
                               "distance_km": round(self.distance_km, 3),
                               "time_h": round(self.time_h, 3), "fuel_l": round(self.fuel_l, 2),
                               **{k: str(v) for k, v in self.provenance.items()}}}


def _lonlat_6(geometry):
    """``geometry`` with its lon/lat rounded to 6 decimals (RFC 7946 section 11.2: about 0.1 m;
    the float noise of projecting back, ``45.74999999999999``, is not precision)."""
    return shapely.transform(geometry, lambda xy: np.round(xy, 6))


@dataclass(frozen=True)
class _Point:
    name: str
    lon: float
    lat: float
    x: float
    y: float


def railways_of(config_dir: str | os.PathLike[str] | None = None) -> nx.MultiDiGraph:
    """The 1945 railways of the configs folder ``config_dir`` (``settings.CONFIG_DIR`` when
    None) as a graph: the network a route runs on unless it is given another."""
    from logistics.network.osm import load_railways
    from logistics.terrain.railways import shipped_railways

    return load_railways(shipped_railways(config_dir))


def route_multimodal(
    origin,
    destination,
    vehicle,
    *,
    mode: str = "any",
    via: Sequence = (),
    terrain: xr.Dataset | None = None,
    network: nx.MultiDiGraph | None = None,
    season: str = "dry",
    resolution_m: float | None = None,
    params: NetworkParams | None = None,
    engine: str = "auto",
    config_dir: str | os.PathLike[str] | None = None,
    cost_surface: bool = False,
) -> MultiRoute:
    """Fastest route from ``origin`` to ``destination`` (through ``via``) for ``vehicle``.

    Places are names for ``logistics.places.lookup``, ``Place`` objects or ``(lon, lat)``
    pairs. ``terrain`` (a ``load_terrain`` Dataset covering every place) replaces the windows
    loaded round each section at ``resolution_m``. ``network`` defaults to the shipped 1945
    railways. ``engine`` picks the cross-country solver
    (:func:`logistics.cost.accumulate.accumulate`). ``config_dir``: the configs folder whose
    vehicle, network parameters, 1945 railways and march norms (embankments) it reads
    (``settings.CONFIG_DIR`` when None). ``cost_surface=True`` keeps each section's
    accumulated cross-country time from its start as a raster (``MultiRoute.cost_hours``; the
    rail and road legs are not in it: one vehicle driving over the terrain, as r.cost
    gives). Raises ConfigError (bad mode or engine),
    UnknownNameError (place, vehicle), NoRouteError (a place not served by the mode, or no path).
    """
    from logistics.cost.models import CostModels
    from logistics.vehicles import load_vehicle

    check_choice("mode", mode, MODES)
    veh = load_vehicle(vehicle, config_dir=config_dir)
    params = params or load_params(config_dir=config_dir)
    if network is None:
        network = railways_of(config_dir)
    cell_m = resolution_m or settings.DEFAULT_RESOLUTION_M
    points = _distinct([_resolve(p) for p in (origin, *via, destination)],
                       cell_m if terrain is None else None)  # (given terrain: its own grid)
    ctx = _Context(veh, mode, network, params, season, terrain, cell_m, engine,
                   CostModels(config_dir))
    legs: list[Leg] = []
    surfaces = []
    for a, b in zip(points, points[1:]):
        section, f_a = _route_section(ctx, a, b)
        legs.extend(section)
        if cost_surface:
            surfaces.append(_hours_from(f_a, a, veh.name, season))
    return MultiRoute(
        legs=tuple(legs), vehicle=veh.name, mode=mode, places=tuple(p.name for p in points),
        season=season,
        provenance={"network": network.graph.get("source_file", "in-memory graph"),
                    "resolution_m": ctx.resolution_m if terrain is None else "given terrain",
                    "parameters": _parameters_file(params)},
        cost_hours=tuple(surfaces))


def _hours_from(f: "_Field", a: "_Point", vehicle: str, season: str):
    """The section's forward field from ``a`` as hours (``cost.accumulate.hours_raster``)."""
    from logistics.cost.accumulate import hours_raster

    return hours_raster(f.acc_from, f.terrain, long_name=(
        f"accumulated cross-country travel time of one {vehicle} from {a.name} ({season} "
        "season, 16 neighbours, without halt or rest; rail and road legs not included)"))


def _distinct(points: list[_Point], cell_m: float | None = None) -> list[_Point]:
    """``points``, each a metre or more from the one before, and a cell or more when
    ``cell_m`` (the grid's cell, metres) is given; else ConfigError (a route from a place to
    itself, or to one in the same or the next cell: its legs were an empty table, total 0 km,
    and ``--out`` failed drawing no leg). Checked by :func:`coarse_grid_note` too, before its
    warning: the warning of a 0 km route came before the error that it is no route."""
    for a, b in zip(points, points[1:]):
        apart_m = math.hypot(a.x - b.x, a.y - b.y)
        if apart_m < 1.0:
            raise ConfigError(f"{a.name} and {b.name} are the same point; give distinct places")
        if cell_m is not None and apart_m < cell_m:
            from logistics.cost.grid_check import MIN_ROUTE_CELLS

            finer = max(1, math.floor(apart_m / MIN_ROUTE_CELLS))
            said = (f"{a.name} and {b.name} are {apart_m / 1000:.1f} km apart, within one cell "
                    f"of the {cell_m:g} m grid: nearly the same place, no route between them "
                    f"on this grid; fix: give places farther apart (at least "
                    f"{MIN_ROUTE_CELLS:g} cells, {MIN_ROUTE_CELLS * cell_m / 1000:g} km on this "
                    "grid), or route so short a way on a finer grid, ")
            err = ConfigError(said + f"resolution_m={finer}")
            err.command_line = said + f"--resolution-m {finer}"  # each interface its own fix
            raise err
    return points


def _parameters_file(params: NetworkParams) -> str:
    """The ``network.yaml`` a route's ``params`` were read from (``NetworkParams.folder``):
    ``configs/network/network.yaml`` for the shipped one, else its path (a copied folder,
    LOGISTICS_CONFIG_DIR or ``config_dir``); parameters made by hand name no file."""
    if not params.folder:
        return "parameters given (NetworkParams made by hand)"
    path = Path(params.folder) / "network.yaml"
    shipped = Path(settings.SHIPPED_CONFIG_DIR) / "network" / "network.yaml"
    return "configs/network/network.yaml" if path.resolve() == shipped.resolve() else str(path)


def coarse_grid_note(origin, destination, *, via: Sequence = (), mode: str = "any",
                     resolution_m: float | None = None,
                     config_dir: str | os.PathLike[str] | None = None) -> str | None:
    """The warning (:func:`logistics.cost.grid_check.grid_note`, the words of every
    command) for a route of :func:`route_multimodal` on a grid of ``resolution_m`` metres too
    coarse for it: the window round its places (the least pad of a section for ``mode``:
    network.yaml ``access.margin_km``, or ``access.max_access_km`` plus an access pad for a
    rail or road route's ends) under 2 cells, or, off the network (``any``, ``cross-country``),
    the places straight through under 4 cells (a rail or road leg's km are the network's).
    None when neither. Raises ConfigError for places :func:`route_multimodal` refuses (the
    same point twice in a row), so that a command validates before it warns."""
    from logistics.cost.grid_check import grid_note

    params = load_params(config_dir=config_dir)
    points = _distinct([_resolve(p) for p in (origin, *via, destination)],
                       resolution_m or settings.DEFAULT_RESOLUTION_M)
    access_km = params.max_access_km + _ACCESS_PAD_KM
    cross = mode in ("any", "cross-country")
    margin_km, key = ((max(params.margin_km, access_km), "access.margin_km") if cross
                      else (access_km, "access.max_access_km"))
    route_km = sum(math.hypot(a.x - b.x, a.y - b.y) for a, b in zip(points, points[1:])) / 1000.0
    names = " -> ".join(p.name for p in points)
    return grid_note(
        f"the route {names}", resolution_m or settings.DEFAULT_RESOLUTION_M,
        margin_km=margin_km,
        margin_of=f"its margin round the places (network.yaml {key}, {margin_km:.0f} km)",
        obstacles="a lake or a marsh", route_km=route_km if cross else None,
        route_of=f"the route, {route_km:.0f} km straight through its places")


def check_on_land(places: Sequence, vehicle, *, season: str = "dry",
                  resolution_m: float | None = None,
                  config_dir: str | os.PathLike[str] | None = None) -> None:
    """NoRouteError, before any route, for a place of ``places`` that lies in water (a lake,
    the sea) or outside the elevation data on the grid of ``resolution_m`` metres: its cell
    and every cell within 3 of it impassable (the rule :func:`route_multimodal` applies to the
    ends of every section, :func:`_passable_cell`, in its words), read on a terrain window
    round each place as wide as the least a section loads (network.yaml
    ``access.max_access_km`` plus an access pad) or :data:`_LAND_SEARCH_CELLS` cells, the
    narrower, whose cells are those of the route's grid (edges snapped to multiples of the
    cell). A window beyond the in-memory limit is not
    read: the route's windows, which hold it, are refused by that limit with their own fix
    (this window's would name too fine a grid). Why: a route to the middle of Lake Khanka
    loaded the network and solved the start's field before it was refused."""
    from logistics.cost.models import CostModels
    from logistics.errors import ResourceError
    from logistics.terrain import check_in_memory
    from logistics.vehicles import load_vehicle

    veh = load_vehicle(vehicle, config_dir=config_dir)
    params = load_params(config_dir=config_dir)
    ctx = _Context(veh, "any", nx.MultiDiGraph(), params, season, None,
                   resolution_m or settings.DEFAULT_RESOLUTION_M, "auto", CostModels(config_dir))
    pad_km = min(params.max_access_km + _ACCESS_PAD_KM,
                 _LAND_SEARCH_CELLS * ctx.resolution_m / 1000.0)
    for p in [_resolve(q) for q in places]:
        try:
            check_in_memory(_bbox([p], pad_km), ctx.resolution_m)
        except ResourceError:
            return
        _passable_cell(_field(ctx, [p], pad_km), p)


# --------------------------------------------------------------------------------------------
# one section


@dataclass
class _Context:
    vehicle: object
    mode: str
    network: nx.MultiDiGraph
    params: NetworkParams
    season: str
    terrain: xr.Dataset | None
    resolution_m: float
    engine: str
    models: object


@dataclass
class _Field:
    """Cross-country solution on one window: time fields from ``a`` and to ``b``."""

    terrain: xr.Dataset
    model: object
    acc_from: object | None = None  # forward from a
    acc_to: object | None = None  # reverse to b
    cell_a: tuple[int, int] | None = None
    cell_b: tuple[int, int] | None = None


def _route_section(ctx: _Context, a: _Point, b: _Point) -> tuple[list[Leg], _Field]:
    """The legs from ``a`` to ``b`` and the cross-country field solved from ``a``."""
    mode = ctx.mode
    use_rail = mode in ("any", "rail")
    use_road = mode in ("any", "road")
    if mode in ("rail", "road"):
        _check_served(ctx, a, mode)
        _check_served(ctx, b, mode)
    if mode in ("any", "cross-country"):
        f_a = f_b = _both_ends(ctx, a, b)
    else:
        pad = ctx.params.max_access_km + _ACCESS_PAD_KM
        f_a, f_b = _field(ctx, [a], pad), _field(ctx, [b], pad)
        f_a.cell_a, f_a.acc_from = _solve(ctx, f_a, a, reverse=False)
        f_b.cell_b, f_b.acc_to = _solve(ctx, f_b, b, reverse=True)

    graph = _routing_graph(ctx, a, b, f_a, f_b, use_rail, use_road)
    try:
        path = nx.dijkstra_path(graph, _ORIGIN, _GOAL, weight="time_h")
    except nx.NetworkXNoPath:
        raise NoRouteError(_no_path_message(ctx, a, b)) from None
    return _legs(ctx, graph, path, a, b, f_a, f_b), f_a


def _both_ends(ctx: _Context, a: _Point, b: _Point) -> _Field:
    """The cross-country field of a section: the window round both ends (``margin_km``, or
    15 % of the section), solved from ``a`` and to ``b``. When the vehicle has no path inside
    it (a detour round a marsh it cannot cross, wheels), the window widens (to 60 % of the
    section, then the whole theatre) until it has one: a detour is a route, not an error. A
    terrain the caller gave is never widened."""
    dist_km = math.hypot(a.x - b.x, a.y - b.y) / 1000.0
    pad = max(ctx.params.margin_km, ctx.params.max_access_km + _ACCESS_PAD_KM, 0.15 * dist_km)
    pads = [pad] if ctx.terrain is not None else [pad, max(2.0 * pad, 0.6 * dist_km), math.inf]
    for k in pads:
        both = _field(ctx, [a, b], k)
        both.cell_a, both.acc_from = _solve(ctx, both, a, reverse=False)
        both.cell_b, both.acc_to = _solve(ctx, both, b, reverse=True)
        if np.isfinite(float(both.acc_from.cost[both.cell_b])):
            break
    return both


def _check_served(ctx: _Context, p: _Point, mode: str) -> None:
    """NoRouteError unless a ``mode`` boarding node lies within max_access_km of ``p``."""
    if mode == "road" and not station_nodes(ctx.network, mode="road"):
        raise NoRouteError(
            "the network has no roads (the shipped 1945 file holds railways only: the reference "
            "documents no 1945 road network); load an .osm with highway ways (--network FILE) "
            "or use --mode any or --mode cross-country")
    near = nearest_station(ctx.network, p.lon, p.lat, mode=mode)
    limit = ctx.params.max_access_km
    if near.distance_km > limit:
        what = "station" if mode == "rail" else "road node"
        lines = f" (line {', '.join(near.lines)})" if near.lines else ""
        raise NoRouteError(
            f"{p.name} is {near.distance_km:.0f} km from the nearest {what}, {near.name}{lines}; "
            f"--mode {mode} serves places within {limit:g} km (access.max_access_km in "
            "configs/network/network.yaml). Use --mode any, or start from a place on the line")


def _field(ctx: _Context, pts: list[_Point], pad_km: float) -> _Field:
    terrain = ctx.terrain
    if terrain is None:
        from logistics.terrain import load_terrain

        terrain = load_terrain(_bbox(pts, pad_km), resolution_m=ctx.resolution_m,
                               config_dir=ctx.models.config_dir)
    model = ctx.models.get(terrain, ctx.vehicle, objective="time", season=ctx.season)
    return _Field(terrain=terrain, model=model)


def _bbox(pts: list[_Point], pad_km: float) -> tuple[float, float, float, float]:
    """Lon/lat box round points widened by ``pad_km``, clipped to the theatre (``inf``: the
    theatre)."""
    if math.isinf(pad_km):
        return tuple(settings.THEATRE_BBOX)
    lons = [p.lon for p in pts]
    lats = [p.lat for p in pts]
    dlon = degrees_for_km(pad_km, max(abs(min(lats)), abs(max(lats))))[0]  # widest: far side
    dlat = degrees_for_km(pad_km, 0.0)[1]  # a meridian degree is shortest at the equator
    w, s, e, n = settings.THEATRE_BBOX
    return (max(w, min(lons) - dlon), max(s, min(lats) - dlat),
            min(e, max(lons) + dlon), min(n, max(lats) + dlat))


def _solve(ctx: _Context, f: _Field, p: _Point, *, reverse: bool):
    from logistics.cost.accumulate import accumulate

    cell = _passable_cell(f, p)
    return cell, accumulate(f.model, [cell], stencil=16, reverse=reverse, engine=ctx.engine)


def _passable_cell(f: _Field, p: _Point, radius: int = 3) -> tuple[int, int]:
    """The place's cell, or the nearest passable cell within ``radius`` (a town on a shore)."""
    from logistics.cost.model import BARRIER_CLASS
    from logistics.terrain import cell_of

    r, c = cell_of(f.terrain, p.x, p.y)
    ci = f.model.class_index
    r0, r1 = max(0, r - radius), min(ci.shape[0], r + radius + 1)
    c0, c1 = max(0, c - radius), min(ci.shape[1], c + radius + 1)
    ok = np.argwhere(ci[r0:r1, c0:c1] != BARRIER_CLASS)
    if ok.size == 0:
        xs, ys = f.terrain["x"].to_numpy(), f.terrain["y"].to_numpy()
        cell_km = abs(float(xs[1] - xs[0])) / 1000.0 if len(xs) > 1 else 1.0
        land = np.argwhere(ci != BARRIER_CLASS)
        near = ""
        if land.size:
            d = np.hypot(xs[land[:, 1]] - p.x, ys[land[:, 0]] - p.y)
            k = int(np.argmin(d))
            from logistics.terrain import to_lonlat

            lon, lat = to_lonlat(float(xs[land[k, 1]]), float(ys[land[k, 0]]))
            near = (f", e.g. {float(lat):.4f},{float(lon):.4f} (LAT,LON: the nearest passable "
                    f"cell, {d[k] / 1000.0:.0f} km away)")
        where = "" if f"{p.lat:.4f}" in p.name else f" ({lat_lon_text(p.lat, p.lon, 4)})"
        raise NoRouteError(f"{p.name}{where} lies in water or outside "
                           f"the elevation data: no passable cell within {radius} cells "
                           f"({radius * cell_km:g} km on this grid); fix: give a point on "
                           f"land{near}")
    k = int(np.argmin((ok[:, 0] + r0 - r) ** 2 + (ok[:, 1] + c0 - c) ** 2))
    return int(ok[k, 0] + r0), int(ok[k, 1] + c0)


def _node_cells(f: _Field, nodes: list, graph: nx.MultiDiGraph) -> dict:
    """{node: (cost field index (r, c))} for nodes inside the window (cheapest of the 3x3)."""
    from logistics.terrain import cell_of

    x = f.terrain["x"].values
    y = f.terrain["y"].values
    half = abs(x[1] - x[0]) / 2.0
    out = {}
    for n in nodes:
        nx_, ny_ = graph.nodes[n]["x"], graph.nodes[n]["y"]
        if x.min() - half <= nx_ < x.max() + half and y.min() - half < ny_ <= y.max() + half:
            out[n] = cell_of(f.terrain, nx_, ny_)
    return out


def _best_near(cost: np.ndarray, cell: tuple[int, int]) -> tuple[float, tuple[int, int]]:
    """Least cost in the 3x3 block round ``cell`` and where (stations on a river or shore)."""
    r, c = cell
    r0, c0 = max(0, r - 1), max(0, c - 1)
    block = np.asarray(cost[r0:r + 2, c0:c + 2])  # numpy, or a window of a chunked result
    k = np.unravel_index(int(np.argmin(block)), block.shape)
    return float(block[k]), (int(k[0] + r0), int(k[1] + c0))


def _routing_graph(ctx, a, b, f_a, f_b, use_rail, use_road) -> nx.DiGraph:
    """States: origin, destination, (node, "rail", gauge) riding a train, (node, "board",
    gauge) just entrained (may only ride on), (node, "road") on a road, (node, "join") just
    joined one (may only drive on): no leg ever boards and alights at one place. Weights: h."""
    g = nx.DiGraph()
    net, p = ctx.network, ctx.params
    g.add_node(_ORIGIN)
    g.add_node(_GOAL)
    single = ctx.mode in ("rail", "road")
    if ctx.mode in ("any", "cross-country"):
        t = float(f_a.acc_from.cost[f_a.cell_b])
        if np.isfinite(t):
            g.add_edge(_ORIGIN, _GOAL, time_h=t / 3600.0, kind="direct")
    if use_rail:
        _rail_layer(ctx, g, a, b, f_a, f_b, single)
    if use_road:
        _road_layer(ctx, g, a, b, f_a, f_b, single)
    if use_rail and use_road:
        _interchanges(g, net, p)
    return g


def _rail_layer(ctx, g, a, b, f_a, f_b, single) -> None:
    net, p = ctx.network, ctx.params
    for u, v, data in net.edges(data=True):
        if data.get("mode") == "rail":
            gauge = str(data.get("gauge", ""))
            t = data["length"] / 1000.0 / p.rail_speed_kmh
            _add_min(g, (u, "rail", gauge), (v, "rail", gauge), time_h=t, kind="rail")
            _add_min(g, (u, "board", gauge), (v, "rail", gauge), time_h=t, kind="rail")
    stations = station_nodes(net, mode="rail")
    cells_a, cells_b = _node_cells(f_a, stations, net), _node_cells(f_b, stations, net)
    for n in stations:
        gauges = sorted({s[2] for s in g.nodes if isinstance(s, tuple) and s[0] == n
                         and s[1] == "board"})
        best = train_pairs_at(net, n, p)
        wait_h = wait_h_at(net, n, p)
        for gauge in gauges:
            if n in cells_a and (not single or _within(ctx, a, net, n)):
                t, cell = _best_near(f_a.acc_from.cost, cells_a[n])
                if np.isfinite(t):
                    g.add_edge(_ORIGIN, (n, "board", gauge),
                               time_h=t / 3600.0 + p.entrain_h + wait_h,
                               kind="board", cell=cell, wait_h=wait_h, pairs=best)
            if n in cells_b and (not single or _within(ctx, b, net, n)):
                t, cell = _best_near(f_b.acc_to.cost, cells_b[n])
                if np.isfinite(t):
                    g.add_edge((n, "rail", gauge), _GOAL, time_h=t / 3600.0 + p.detrain_h,
                               kind="alight", cell=cell)
        for g1 in gauges:
            for g2 in gauges:
                if g1 != g2:
                    g.add_edge((n, "rail", g1), (n, "board", g2),
                               time_h=gauge_break_h(net, n, p), kind="gauge", wait_h=wait_h)


def _road_layer(ctx, g, a, b, f_a, f_b, single) -> None:
    net, p = ctx.network, ctx.params
    speed_kmh, _ = _road_rates(ctx)
    if speed_kmh <= 0:
        return
    for u, v, data in net.edges(data=True):
        if data.get("mode") == "road":
            t = data["length"] / 1000.0 / speed_kmh
            _add_min(g, (u, "road"), (v, "road"), time_h=t, kind="road")
            _add_min(g, (u, "join"), (v, "road"), time_h=t, kind="road")
    road_nodes = station_nodes(net, mode="road")
    cells_a, cells_b = _node_cells(f_a, road_nodes, net), _node_cells(f_b, road_nodes, net)
    for n in road_nodes:
        if n in cells_a and (not single or _within(ctx, a, net, n)):
            t, cell = _best_near(f_a.acc_from.cost, cells_a[n])
            if np.isfinite(t):
                g.add_edge(_ORIGIN, (n, "join"), time_h=t / 3600.0 + p.road_join_h,
                           kind="join", cell=cell)
        if n in cells_b and (not single or _within(ctx, b, net, n)):
            t, cell = _best_near(f_b.acc_to.cost, cells_b[n])
            if np.isfinite(t):
                g.add_edge((n, "road"), _GOAL, time_h=t / 3600.0 + p.road_join_h,
                           kind="leave", cell=cell)


def _add_min(g: nx.DiGraph, u, v, **attrs) -> None:
    """Add an edge, keeping the faster of parallel ones (two lines on one stretch)."""
    if not g.has_edge(u, v) or g.edges[u, v]["time_h"] > attrs["time_h"]:
        g.add_edge(u, v, **attrs)


def _within(ctx: _Context, p: _Point, net: nx.MultiDiGraph, n) -> bool:
    d = net.nodes[n]
    return math.hypot(d["x"] - p.x, d["y"] - p.y) / 1000.0 <= ctx.params.max_access_km


def _road_rates(ctx: _Context) -> tuple[float, float]:
    """(speed km/h, fuel L/km) of the vehicle on a level road in the season (the physics)."""
    from logistics.cost.physics import move_rates

    speed, fuel = move_rates(ctx.vehicle, "road", 0.0, season=ctx.season)
    return float(speed), float(fuel) * ctx.params.road_fuel_factor


def _interchanges(g: nx.DiGraph, net: nx.MultiDiGraph, p: NetworkParams) -> None:
    """Rail <-> road transfers where a station and a road node are within _INTERCHANGE_KM."""
    from scipy.spatial import cKDTree

    stations = set(station_nodes(net, mode="rail"))
    rail = [s for s in g.nodes if isinstance(s, tuple) and s[1] == "rail" and s[0] in stations]
    road = [s for s in g.nodes if isinstance(s, tuple) and s[1] == "road"]
    if not rail or not road:
        return
    tree = cKDTree([(net.nodes[s[0]]["x"], net.nodes[s[0]]["y"]) for s in road])
    wait_h = 12.0 / p.default_train_pairs_per_day
    for s in rail:
        d = net.nodes[s[0]]
        for k in tree.query_ball_point((d["x"], d["y"]), _INTERCHANGE_KM * 1000.0):
            m = road[k][0]
            g.add_edge(s, (m, "join"), time_h=p.detrain_h + p.road_join_h, kind="rail-road")
            if g.has_node((s[0], "board", s[2])):
                g.add_edge((m, "road"), (s[0], "board", s[2]),
                           time_h=p.road_join_h + p.entrain_h + wait_h, kind="road-rail")


def _no_path_message(ctx: _Context, a: _Point, b: _Point) -> str:
    where = ("the theatre's terrain" if ctx.terrain is None else "the terrain given")
    if ctx.mode == "cross-country":
        return (f"no cross-country route from {a.name} to {b.name} for {ctx.vehicle.name}: "
                f"{where} has no path it can drive (water, or ground it cannot cross such as "
                "marsh for wheels, cuts one end off); try --mode any, or a tracked vehicle")
    return (f"no {ctx.mode} route from {a.name} to {b.name} for {ctx.vehicle.name}: the "
            f"network does not connect stations near both ends and {where} has no "
            "cross-country path" if ctx.mode == "any" else
            f"no {ctx.mode} route from {a.name} to {b.name} for {ctx.vehicle.name}: the "
            f"{ctx.mode} network does not connect the stations near both ends "
            "(or the cross-country approach is cut off); try --mode any")


# --------------------------------------------------------------------------------------------
# legs


def _legs(ctx, g, path, a, b, f_a, f_b) -> list[Leg]:
    """Turn the searched path into legs with distance, time and fuel."""
    net, p = ctx.network, ctx.params
    legs: list[Leg] = []
    run: list = []  # consecutive network edges of one moving mode

    def flush():
        if run:
            legs.append(_network_leg(ctx, run))
            run.clear()

    for s, t in zip(path, path[1:]):
        e = g.edges[s, t]
        kind = e["kind"]
        if kind == "direct":
            legs.append(_cc_leg(ctx, f_a, a.name, b.name, a, b, to_cell=f_a.cell_b))
        elif kind in ("board", "join"):
            node = t[0]
            legs.append(_cc_leg(ctx, f_a, a.name, _name(net, node), a, _node_point(net, node),
                                to_cell=e["cell"]))
            if kind == "board":
                legs.append(_transfer("entrain", net, node, p.entrain_h + e["wait_h"],
                                      (f"entraining {p.entrain_h:g} h + mean wait for a train "
                                       f"{e['wait_h']:.2f} h ({e['pairs']:g} train pairs a day)",)))
            else:
                legs.append(_transfer("join road", net, node, p.road_join_h))
        elif kind in ("alight", "leave"):
            flush()
            node = s[0]
            if kind == "alight":
                legs.append(_transfer("detrain", net, node, p.detrain_h))
            else:
                legs.append(_transfer("leave road", net, node, p.road_join_h))
            legs.append(_cc_leg(ctx, f_b, _name(net, node), b.name, _node_point(net, node), b,
                                from_cell=e["cell"]))
        elif kind in ("rail", "road"):
            if run and run[-1][2] != kind:
                flush()
            run.append((s[0], t[0], kind, s[2] if kind == "rail" else ""))
        elif kind == "gauge":
            flush()
            legs.append(_transfer("change gauge", net, s[0], e["time_h"],
                                  (f"break of gauge {s[2]} -> {t[2]} mm: detrain, mean wait "
                                   f"{e['wait_h']:.2f} h, entrain",)))
        elif kind in ("rail-road", "road-rail"):
            flush()
            legs.append(_transfer(kind.replace("-", " to "), net, s[0], e["time_h"]))
    flush()
    return [leg for leg in legs if leg.mode not in ("cross-country",) or leg.distance_km > 0]


#: A station takes the label of the gazetteer's place of its name when that place lies this
#: close (km): "Mutanchiang (Mudanjiang)", the route's places' own spelling, not the OSM
#: station's modern name beside it; a namesake farther away is another place.
_STATION_PLACE_KM = 25.0


def _name(net: nx.MultiDiGraph, node) -> str:
    from logistics.errors import LogisticsError
    from logistics.geodesy import great_circle_km
    from logistics.places import lookup

    d = net.nodes[node]
    raw = str(d.get("name") or f"node {node}")
    try:
        place = lookup(raw)
    except LogisticsError:
        return raw
    near = great_circle_km(place.lon, place.lat, float(d["lon"]), float(d["lat"]))
    return place.label if near <= _STATION_PLACE_KM else raw


def _node_point(net: nx.MultiDiGraph, node) -> _Point:
    d = net.nodes[node]
    return _Point(_name(net, node), float(d["lon"]), float(d["lat"]), float(d["x"]),
                  float(d["y"]))


def _transfer(what: str, net, node, time_h: float, notes: tuple[str, ...] = ()) -> Leg:
    d = net.nodes[node]
    return Leg(mode=what, start=_name(net, node), end=_name(net, node), distance_km=0.0,
               time_h=float(time_h), fuel_l=0.0, geometry=Point(d["lon"], d["lat"]),
               notes=notes)


def _network_leg(ctx: _Context, run: list) -> Leg:
    """A rail or road leg over consecutive network edges (fastest parallel edge each)."""
    from logistics.terrain import to_lonlat

    net, p = ctx.network, ctx.params
    kind = run[0][2]
    length_m, refs, unverified, coords, factors = 0.0, [], set(), [], set()
    for u, v, _, _ in run:
        data = min((d for d in net.get_edge_data(u, v).values() if d.get("mode") == kind),
                   key=lambda d: d["length"])
        length_m += data["length"]
        factors.add(data.get("route_factor", 1.0))
        ref = data.get("ref")
        for r in (ref if isinstance(ref, list) else [ref] if ref else []):
            refs.append(r)
            if data.get("unverified") == "yes":
                unverified.add(r)
        xy = list(data["geometry"].coords)
        if math.hypot(xy[0][0] - net.nodes[u]["x"], xy[0][1] - net.nodes[u]["y"]) > \
                math.hypot(xy[-1][0] - net.nodes[u]["x"], xy[-1][1] - net.nodes[u]["y"]):
            xy = xy[::-1]
        coords.extend(xy if not coords else xy[1:])
    xs, ys = np.array(coords).T
    lon, lat = to_lonlat(xs, ys)
    km = length_m / 1000.0
    notes = []
    if kind == "rail":
        time_h, fuel_l = km / p.rail_speed_kmh, 0.0
        notes.append(f"train at {p.rail_speed_kmh:g} km/h (assumption); no vehicle fuel burnt")
        if factors - {1.0}:
            notes.append("track length = drawn length x route factor "
                         + "/".join(f"{f:g}" for f in sorted(factors))
                         + " (fitted on the documented chainage, railways-1945-report.md)")
        if unverified:
            notes.append("uses line(s) the reference marks unverified: "
                         + ", ".join(sorted(unverified)))
    else:
        speed, fuel_per_km = _road_rates(ctx)
        time_h, fuel_l = km / speed, km * fuel_per_km
        notes.append(f"level road at {speed:.1f} km/h (physics road rate)")
    return Leg(mode=kind, start=_name(net, run[0][0]), end=_name(net, run[-1][1]),
               distance_km=km, time_h=time_h, fuel_l=fuel_l,
               geometry=LineString(list(zip(lon.tolist(), lat.tolist()))),
               lines=tuple(dict.fromkeys(refs)), notes=tuple(notes))


def _cc_leg(ctx, f: _Field, start: str, end: str, p0: _Point, p1: _Point, *,
            to_cell=None, from_cell=None) -> Leg:
    """Cross-country leg along the solver's path, priced step by step by
    ``logistics.cost.route.evaluate_path`` (the kernel on the physics' time and fuel models)."""
    from logistics.cost.accumulate import path
    from logistics.cost.route import evaluate_path

    if to_cell is not None:
        cells = path(f.acc_from, to_cell)
    else:
        cells = path(f.acc_to, from_cell)
    steps = evaluate_path(f.terrain, cells, ctx.vehicle, season=ctx.season, models=ctx.models)
    pts = [(p0.lon, p0.lat), *zip(steps["lon"].tolist(), steps["lat"].tolist()),
           (p1.lon, p1.lat)]
    return Leg(mode="cross-country", start=start, end=end,
               distance_km=float(steps["dist_m"].sum()) / 1000.0,
               time_h=float(steps["time_s"].sum()) / 3600.0, fuel_l=float(steps["fuel_l"].sum()),
               geometry=LineString(pts),
               notes=(f"cost engine on the {ctx.season} season model, 16 neighbours",
                      *_moved_ashore(f, steps, p0, p1)))


def _moved_ashore(f: _Field, steps, p0: _Point, p1: _Point) -> list[str]:
    """Notes for an end of a leg that lies on a cell the vehicle cannot enter (water, no data:
    on a coarse grid a lake's middle, or a town on a shore): the leg starts or ends at the
    nearest passable cell (:func:`_passable_cell`), so many km may lie between them."""
    from logistics.cost.model import BARRIER_CLASS
    from logistics.terrain import cell_of, to_metric

    out = []
    for p, word, i in ((p0, "starts", 0), (p1, "ends", -1)):
        if f.model.class_index[cell_of(f.terrain, p.x, p.y)] != BARRIER_CLASS:
            continue
        x, y = to_metric(float(steps["lon"].iloc[i]), float(steps["lat"].iloc[i]))
        km = math.hypot(float(x) - p.x, float(y) - p.y) / 1000.0
        out.append(f"{p.name} lies in water or outside the elevation data on this grid: the "
                   f"leg {word} at the nearest passable cell, {km:.0f} km from it")
    return out


def _resolve(place) -> _Point:
    """Anything :func:`logistics.places.resolve` takes -> _Point with metric coordinates."""
    from logistics.places import resolve
    from logistics.terrain import to_metric

    p = resolve(place)
    x, y = to_metric(p.lon, p.lat)
    return _Point(p.label, float(p.lon), float(p.lat), x, y)
