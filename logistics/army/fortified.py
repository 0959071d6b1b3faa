"""The Japanese fortified regions as a layer and the one rule for a formation whose route meets
one (``configs/fortified-regions.yaml``).

The layer: each region (and each located field position) is an extent in lon/lat — the file's
``polygon``, or a circle of ``radius_km`` round its location computed in the metric CRS, or for
a ``semi_annulus`` field position its whole defended zone (security zone, belts and the ground
between them, :func:`_field_zone`: one extent whose depth is the sum of the parts) — cut
at the 1945 frontier (its Soviet-Mongolian side removed: :func:`_japanese_side_only`); two
fortified regions whose drawings overlap are split half way between their towns
(:func:`_split_overlaps`). The rule, from doctrine and sourced rates, the same on every axis
(``rule:`` of the file):

* ``bypass`` (the mobile kinds of ``rule.bypass.kinds``): the extent is a barrier for the
  formation's route search; no delay. Where it cannot go round (an extent holds its start or
  an objective, a field position is drawn round the place an objective names
  (``Region.shields``), or every route meets one), or going round takes longer than following the
  breach (``rule.bypass.quicker_way``: :func:`logistics.advance.route_choice._route_clock`), it follows
  the breach (action ``follow``, ``rule.bypass.no_way_round``): it crosses the depth as a
  breakthrough does, and leaves no detachment;
* ``assault`` (``rule.breakthrough.kinds``): the formation's head advances through the depth
  along its route at ``rule.breakthrough.rate_km_per_day`` (a sourced comparator), hour by
  hour round the clock, instead of its march pace; the depth charged is the route inside each
  region's extent but at most that region's ``depth_km`` (``Region.depth_km``: its
  ``extent.depth_km``, a circle's diameter) from where the route first enters it, once however
  often the route leaves and re-enters it, each km once where extents overlap
  (``rule.breakthrough.depth_cap``; :func:`logistics.advance.depths.fortified_passes`); a kind of
  ``rule.detach.kinds`` leaves ``rule.detach.fraction_of_men`` of its men and vehicles at each
  stretch of its route inside fortified regions, one for overlapping extents (none at a field
  position's zone, whose defenders are not left encircled in permanent nodes:
  ``Region.besieged``); they stay there to the end of the run;
* ``besiege``: as ``assault``, and the detachment is always left;
* ``follow`` (``rule.follow.kinds``: the guns and engineers supporting the rifle forces; an
  army file's unnamed armour with the rifle divisions): as a bypassing formation with no way
  round, it never goes round, enters a depth only once a formation of its army breaking in
  has entered it, crosses it at the rate and leaves no detachment;
* a kind no list names (``rule.own_role``: ``other``, ``army``, the flotilla's) has no
  default: its formation gives its own ``on_fortified_region``, or it is refused at load
  (:func:`no_role_problem`); a kind listed under two roles is refused in the layer;
* a depth broken through stays open (``rule.breakthrough.open_breach``), one rule for a
  breach of the formation's own army and of another army of the run (``logistics run
  configs/``, ``logistics compare``): the region opens where a route enters it when the
  defence, taken sideways from the breacher's route through the depth at the breakthrough
  rate, reaches there (``d / rate`` after the breacher came out; at once on the breach's own
  route: :func:`logistics.advance.shared_breaches.sideways_lag_h`, its assumption
  ``SPREAD``); from then a later formation (whatever its action) crosses it at its own pace
  and leaves no detachment, away from the breach only where that is the quicker way
  (:meth:`logistics.advance.holds.Holds.own_opening`, ``through_from_h``,
  ``breach_through_h``; :data:`FORTIFIED_OPEN`); another army's breach, opened so where it
  enters, is also followed at the rate (:mod:`logistics.advance.shared_breaches`).

The end of a siege is never modelled (the held-out dates of Hutou or Hailar are outcomes the
comparison scores): a detachment is reported as ``detached`` to the end of the run, and the
outputs say so.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from shapely import transform
from shapely.errors import ShapelyError
from shapely.geometry import Point as ShapelyPoint
from shapely.geometry import Polygon, box
from shapely.geometry.base import BaseGeometry

from logistics import settings
from logistics.army.base import _short
from logistics.errors import ConfigError, LogisticsError, did_you_mean, range_fix
from logistics.sources import configs_folder_of, provenance_problem

__all__ = ["Region", "FortifiedRule", "Fortified", "load_fortified", "fortified_path",
           "action_for", "no_role_problem", "crossing_action", "detaches", "FORTIFIED_WORDS",
           "FORTIFIED_OPEN", "FORTIFIED_OPEN_MEANS", "IN_DEPTH_STATUS",
           "BREACH_WAIT_STATUS"]


@dataclass(frozen=True)
class Region:
    """One fortified region or field position: ``id``, ``name``, its extent (``shape``, a
    shapely geometry in lon/lat degrees), the ``axes`` the file says it faces, and where its
    extent comes from (``status``: ``sourced`` or ``generic_extent``)."""

    id: str
    name: str
    shape: BaseGeometry
    axes: tuple[str, ...]
    status: str
    #: a fortified region's resistance nodes are encircled and besieged by detachments
    #: (rule.detach); a field position's zone is not (False)
    besieged: bool = True
    #: the region's depth, km: the most of a route's stretch inside the extent that is crossed
    #: at the breakthrough rate (``extent.depth_km``; a circle's diameter; a field zone's sum of
    #: parts, :class:`FieldZone`; None: the whole stretch, for an extent drawn without one)
    depth_km: float | None = None
    #: the ground a field position drawn round a place defends, in lon/lat: the disc inside its
    #: zone's inner edge round that place (``rule.bypass.no_way_round.defended_place``); an
    #: objective there is taken by breaking the position, not by going round its drawn ends.
    #: None for a fortified region (its extent holds its town)
    shields: BaseGeometry | None = None


@dataclass(frozen=True)
class FortifiedRule:
    """The one rule (``rule:`` of the file): which kinds bypass, break through, detach; the
    breakthrough rate (km a day, round the clock) and the detached share of men."""

    bypass_kinds: frozenset[str]
    breakthrough_kinds: frozenset[str]
    detach_kinds: frozenset[str]
    rate_km_per_day: float
    fraction_of_men: float
    rate_cite: str
    detach_cite: str
    #: kinds that support the rifle forces (``rule.follow.kinds``): they cross a depth behind
    #: the breach, never before the breach of a formation of their army breaking in has
    #: reached where their route enters (``rule.bypass.no_way_round``)
    follow_kinds: frozenset[str] = frozenset()
    #: the layer file the rule was read from (named by an error about a kind it gives no role)
    source: str = ""

    def role_of(self, word: str | None) -> str | None:
        """The action the rule gives formation kind or standard ``word`` (``bypass``,
        ``assault`` for ``rule.breakthrough``, ``follow``), or None when no list names it."""
        for kinds, action in ((self.bypass_kinds, "bypass"),
                              (self.breakthrough_kinds, "assault"),
                              (self.follow_kinds, "follow")):
            if word in kinds:
                return action
        return None


@dataclass(frozen=True)
class Fortified:
    """The layer and the rule."""

    regions: tuple[Region, ...]
    rule: FortifiedRule
    path: str = ""


def fortified_path(config_dir: str | Path | None = None) -> Path:
    """``<configs>/fortified-regions.yaml``."""
    return Path(config_dir or settings.CONFIG_DIR) / "fortified-regions.yaml"


def action_for(kind: str, explicit: str | None, rule: FortifiedRule,
               standard: str | None = None) -> str | None:
    """What a formation of ``kind`` (built on ``standard``) does at a fortified region: its
    explicit ``on_fortified_region``, else the role the rule's lists give its kind
    (``rule.bypass``, ``rule.breakthrough``: ``assault``, ``rule.follow``), else its
    standard's; None when neither is listed. Why no default: a kind the rule does not name
    (``other``) used to assault, so a tank army's unnamed armour broke into a depth ahead of
    the rifle divisions it supported; the caller refuses it (:mod:`logistics.army.resolve`)."""
    if explicit:
        return explicit
    return rule.role_of(kind) or rule.role_of(standard)


def no_role_problem(where: str, kind: str, standard: str | None, rule: FortifiedRule) -> str:
    """The error text for a formation (``where``: its file and key) whose kind and standard
    no list of the rule names and that gives no ``on_fortified_region`` of its own."""
    built = f" (standard {standard!r})" if standard else ""
    layer = rule.source or "configs/fortified-regions.yaml"
    return (f"{where}.kind: {kind!r}{built} has no role at a fortified region: no list of "
            f"{layer} rule (bypass.kinds, breakthrough.kinds, follow.kinds) names it; fix: give "
            "the formation on_fortified_region: bypass (a mobile formation that goes round), "
            "follow (one supporting the rifle forces: behind the breach), assault or besiege, "
            "with its reason in its cite or assumed, or a kind the rule lists "
            "(configs/armies/README.md, Formations)")


def detaches(action: str, kind: str, rule: FortifiedRule, standard: str | None = None) -> bool:
    """Whether a formation leaves a detachment where it crosses fortified regions: always when it
    besieges; when it assaults, if its kind or its standard is one of ``rule.detach.kinds``
    (the rule's "each rifle division": also the divisions a rifle corps or group of the
    rifle-division standard is made of)."""
    return action == "besiege" or (action == "assault"
                                   and bool({kind, standard} & rule.detach_kinds))


#: The words of a fortified-region event, defined once; report.md (its Parameters), the
#: arrivals' account and the README use these. A formation's action (the army file's
#: ``on_fortified_region``, or its kind's by the rule) is ``bypass``, ``follow``, ``assault``
#: or ``besiege``; where its route crosses a depth, the crossing (:func:`crossing_action`, the
#: stops' text "<region>: follow, 5.1 km of depth ...") is ``follow``, ``assault`` or
#: ``besiege``; every hour its head spends in a depth reads :data:`IN_DEPTH_STATUS` in the
#: tracks and days, whichever the crossing.
FORTIFIED_WORDS: dict[str, str] = {
    "bypass": "goes round the fortified regions where it can and that is quicker, without "
              "delay; where it cannot, its crossing is follow",
    "follow": "crosses the depth as assault does, behind the breach (not before the breach "
              "of a formation of its army breaking in has reached where it enters), and leaves "
              "no detachment: a formation "
              "supporting the rifle forces (the rule's follow kinds: tanks and guns with the "
              "infantry, engineers), or a bypassing one with no way round",
    "assault": "crosses the depth at the breakthrough rate, hour by hour round the clock; a "
               "formation of the rule's detaching kinds (rifle divisions) leaves a detachment",
    "besiege": "crosses the depth as assault does and always leaves a detachment",
}

#: The crossing of a depth whose regions a formation of the army breaking in has already
#: broken through (``rule.breakthrough.open_breach``): the stops' text "<region>: through the
#: open breach, ..." and its meaning on the page, beside :data:`FORTIFIED_WORDS`.
FORTIFIED_OPEN = "through the open breach"
FORTIFIED_OPEN_MEANS = ("crosses the depth at its own pace, leaving no detachment, once a "
                        "formation of its army breaking in (assault or besiege) has come out "
                        "of it (whatever its own crossing; one still behind the breach's head "
                        "when it comes out goes on at its own pace from then, whatever moves "
                        "it: marching, a truck shuttle or the ships)")

#: The status of a track hour (and a day mostly) its head spends in a fortified depth,
#: whichever the crossing (follow, assault or besiege) and whatever moves it (marching:
#: ``advance.simulate._Loop.breach``; a truck shuttle's timetable:
#: ``advance.carried.Carried._in_depths``): ``advance.simulate.STATUSES``' word.
IN_DEPTH_STATUS = "assault"

#: The status of a track hour (and a day mostly) a following formation's head spends at a
#: depth's edge waiting for a formation of its army breaking in to enter it
#: (``rule.bypass.no_way_round``; ``advance.holds.Holds.breach_start_h``): it is held, not
#: in the depth. Why a word of its own: read as :data:`IN_DEPTH_STATUS`, a follower's wait
#: (the 36th Army's 205th Tank Brigade at Hailar, most of its 48 h "in a fortified depth")
#: looked like a breakthrough of its own.
BREACH_WAIT_STATUS = "waiting for a breach"


def crossing_action(action: str) -> str:
    """How a formation whose action is ``action`` takes a stretch of its route that lies inside
    fortified regions: ``bypass`` there means it found no way round, so it follows the
    breach (``follow``, ``rule.bypass.no_way_round``); ``follow``, ``assault`` and ``besiege``
    are themselves. Every action crosses the depth at the breakthrough rate; only the detachment
    differs."""
    return "follow" if action == "bypass" else action


def _figure(path: Path, node, key: str) -> float:
    if not isinstance(node, dict) or "value" not in node:
        raise ConfigError(f"{path}: {key}: expected a figure {{value, cite|assumed}}, got "
                          f"{_short(node)}; fix: write {{value: <number>, cite: ...}} or "
                          "{value: <number>, assumed: ...}")
    problem = provenance_problem(node, config_dir=configs_folder_of(path, 1))
    if problem is not None:
        raise ConfigError(f"{path}: {key}: expected {problem[0]}; fix: {problem[1]}")
    v = node["value"]
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not np.isfinite(v):
        raise ConfigError(f"{path}: {key}: expected a number as its value, got {v!r}; fix: "
                          "write a number")
    return float(v)


def _check_generic_extent(path: Path, node) -> None:
    """``generic_extent:`` (the frontage and depth a region without a sourced extent is drawn
    with, ``status: generic_extent``): each a figure with a positive value. The regions carry
    their own figures, so nothing else reads it; checked here so a bad value does not pass."""
    if node is None:
        return
    if not isinstance(node, dict):
        raise ConfigError(f"{path}: generic_extent: expected a mapping of frontage_km and "
                          f"depth_km, got {_short(node)}; fix: write each as a figure "
                          "{value: <km>, cite: ...} under generic_extent:")
    for name in ("frontage_km", "depth_km"):
        key = f"generic_extent.{name}"
        if name not in node:
            raise ConfigError(f"{path}: {key}: missing; fix: add it, {{value: <km>, cite: ...}} "
                              "or {value: <km>, assumed: ...}")
        v = _figure(path, node[name], key)
        if not v > 0:
            raise ConfigError(f"{path}: {key}: {v:g} km, expected a length > 0; "
                              + range_fix(name, v, gt=0.0))


def _figure_or_number(path: Path, v, key: str) -> float:
    """A plain number (coordinates are written bare), as a float; ConfigError otherwise."""
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not np.isfinite(v):
        raise ConfigError(f"{path}: {key}: expected a number, got {v!r}; fix: write a number")
    return float(v)


#: The widest circle an extent may be drawn with, km. The theatre (settings.THEATRE_BBOX) is
#: about 2,200 km by 1,800 km and the widest sourced front 115 km (Dongning); a larger radius
#: is a slip (metres written as km), and one of 10,000 km wraps round the globe in lon/lat.
_MAX_RADIUS_KM = 1000.0


def _degree(path: Path, v, key: str, axis: str) -> float:
    """A longitude (``axis`` "lon") or latitude ("lat") in degrees, on the theatre
    (settings.THEATRE_BBOX): a point off it cannot be drawn on the grid, and one past 90 N or
    360 E is a typo (or the two swapped). ConfigError naming ``key`` otherwise."""
    x = _figure_or_number(path, v, key)
    w, s, e, n = settings.THEATRE_BBOX
    lo, hi = (w, e) if axis == "lon" else (s, n)
    if not lo <= x <= hi:
        raise ConfigError(f"{path}: {key}: {x:g} degrees {'E' if axis == 'lon' else 'N'}, off "
                          f"the theatre ({lo:g} to {hi:g}); check the [lon, lat] order, then "
                          + range_fix(axis, x, ge=lo, le=hi))
    return x


def _corners(path: Path, key: str, corners) -> list[tuple[float, float]]:
    """The ``[lon, lat]`` corners of ``extent.polygon``, each two numbers on the theatre."""
    if not isinstance(corners, list):
        raise ConfigError(f"{path}: {key}: expected a list of corners [lon, lat], got "
                          f"{_short(corners)}; fix: write e.g. [[133.699, 46.008], "
                          "[133.644, 45.946], [133.578, 45.974], [133.699, 46.008]]")
    out = []
    for j, c in enumerate(corners):
        if not isinstance(c, (list, tuple)) or len(c) != 2:
            raise ConfigError(f"{path}: {key}.{j}: expected a corner [lon, lat] (two numbers), "
                              f"got {_short(c)}; fix: write it as [<deg E>, <deg N>]")
        out.append((_degree(path, c[0], f"{key}.{j}", "lon"),
                    _degree(path, c[1], f"{key}.{j}", "lat")))
    return out


def _metric(g: BaseGeometry) -> BaseGeometry:
    """``g`` (lon/lat degrees) in the metric CRS (metres)."""
    from logistics.terrain import to_metric

    return transform(g, lambda xy: np.column_stack(to_metric(xy[:, 0], xy[:, 1])))


def _lonlat(g: BaseGeometry) -> BaseGeometry:
    """``g`` (metric CRS metres) in lon/lat degrees."""
    from logistics.terrain import to_lonlat

    return transform(g, lambda xy: np.column_stack(to_lonlat(xy[:, 0], xy[:, 1])))


def _circle(lon: float, lat: float, radius_km: float) -> BaseGeometry:
    """A circle of ``radius_km`` round (lon, lat), built in the metric CRS, in lon/lat."""
    centre = _metric(ShapelyPoint(lon, lat))
    return _lonlat(centre.buffer(radius_km * 1000.0, quad_segs=16))


def _depth_of(path: Path, key: str, node: dict) -> float:
    """The region's depth in km, the most of a route's stretch inside its extent that the rule
    charges at the breakthrough rate (``rule.breakthrough``): ``extent.depth_km`` (the sourced
    depth, or the placement rule's); for a circle without one, its diameter (a circle has no
    front to run along: a route inside it crosses it, by at most the diameter). A polygon
    without ``depth_km`` is a ConfigError: the drawing's length is not a depth."""
    ext = node.get("extent") or {}
    if "depth_km" in ext:
        depth = _figure(path, ext["depth_km"], f"{key}.extent.depth_km")
        if not 0 < depth <= _MAX_RADIUS_KM:
            raise ConfigError(f"{path}: {key}.extent.depth_km: {depth:g} km, expected a depth "
                              f"> 0 and at most {_MAX_RADIUS_KM:g} km; "
                              + range_fix("depth_km", depth, gt=0.0, le=_MAX_RADIUS_KM))
        return depth
    if ext.get("polygon"):
        raise ConfigError(f"{path}: {key}.extent.depth_km: missing; a drawn polygon needs the "
                          "region's depth (the rule crosses at most that much of a route inside "
                          "the extent at the breakthrough rate, however long the route runs in "
                          "the drawing); fix: add depth_km {value: <km>, cite: ...} or "
                          "{value: <km>, assumed: ...}")
    return 2.0 * _figure(path, ext["radius_km"], f"{key}.extent.radius_km")


def _town(path: Path, key: str, node: dict) -> tuple[float, float] | None:
    """(lon, lat) of the region's ``location`` (``place`` from the gazetteer, or ``lon`` and
    ``lat``), or None when it has none."""
    loc = node.get("location")
    if loc is None:
        return None
    if not isinstance(loc, dict) or not ({"lon", "lat"} & set(loc) or "place" in loc):
        raise ConfigError(f"{path}: {key}.location: expected a place (place: <name>) or "
                          f"coordinates (lon: <deg E>, lat: <deg N>), got {_short(loc)}; "
                          f"{_PATTERN}")
    if "lon" in loc or "lat" in loc:
        return (_degree(path, loc.get("lon"), f"{key}.location.lon", "lon"),
                _degree(path, loc.get("lat"), f"{key}.location.lat", "lat"))
    from logistics.places import lookup

    try:
        p = lookup(str(loc["place"]))
    except LogisticsError as exc:
        raise ConfigError(f"{path}: {key}.location.place: {exc}; fix: name a place the gazetteer "
                          "knows, or give lon and lat with their source") from None
    return float(p.lon), float(p.lat)


def _extent(path: Path, key: str, node: dict) -> BaseGeometry:
    ext = node.get("extent") or {}
    if ext.get("polygon"):
        shape = Polygon(_corners(path, f"{key}.extent.polygon", ext["polygon"]))
        if not shape.is_valid or shape.area <= 0:
            from shapely.validation import explain_validity

            raise ConfigError(f"{path}: {key}.extent.polygon: not a simple polygon "
                              f"({explain_validity(shape)}); fix: list its corners [lon, lat] in "
                              "order round the edge (no edge crossing another), at least three "
                              "distinct corners")
        w, s, e, n = _metric(shape).bounds
        across_km = max(e - w, n - s) / 1000.0
        if across_km > 2.0 * _MAX_RADIUS_KM:  # as wide as the widest circle allowed
            raise ConfigError(f"{path}: {key}.extent.polygon: {across_km:,.0f} km across, "
                              f"beyond any fortified region (at most {2 * _MAX_RADIUS_KM:g} km, "
                              "the widest circle's diameter); fix: draw it the size of a "
                              "fortified region (tens of km; the widest sourced front is "
                              "115 km), corners [lon, lat] in order round the edge")
        return shape
    town = _town(path, key, node)
    if "radius_km" not in ext or town is None:  # it was dropped from every run, with no word
        missing = ("a polygon or a radius" if "radius_km" not in ext
                   else "a location for its radius")
        raise ConfigError(
            f"{path}: {key}.extent: a region of status {node.get('status', 'sourced')!r} is "
            f"drawn, but it has no extent ({missing}, extent: {_short(ext)}); fix: give "
            "extent.polygon [[lon, lat], ...] or extent.radius_km {value, cite|assumed} round "
            "its location, or status: not_located (named, not drawn)")
    radius_km = _figure(path, ext["radius_km"], f"{key}.extent.radius_km")
    if not 0 < radius_km <= _MAX_RADIUS_KM:
        raise ConfigError(f"{path}: {key}.extent.radius_km: {radius_km:g} km, expected a radius "
                          f"> 0 and at most {_MAX_RADIUS_KM:g} km (the theatre is about 2,000 km "
                          "across); " + range_fix("radius_km", radius_km, gt=0.0,
                                                   le=_MAX_RADIUS_KM))
    return _circle(*town, radius_km)


def _japanese_side_only(path: Path, key: str, shape: BaseGeometry) -> BaseGeometry:
    """``shape`` less its part on the Soviet-Mongolian side of the 1945 frontier.

    A Japanese fortified region lies on the Japanese side; the straight fronts the placement
    rule draws where the border bends would otherwise reach into the USSR (the Dongning
    rectangle over the 5th Army's departure line, the Sakhalyan one across the Amur into
    Blagoveshchensk), and a formation starting there would "assault" its own rear. The side
    comes from :mod:`logistics.terrain.sides` (cells of ``SIDE_CELL_DEG``, about 2 km), and
    the cut is made at the boundary line itself (:func:`_soviet_bank`): the boundary's own
    cells straddle it, and kept whole they put up to 2 km of Soviet bank in the extent (21.5
    km² of Manchouli-Zhalainor, 16.8 of Sakhalyan across the Amur, 12.6 of Dongning, 1.5 of
    Hutou across the Ussuri). Outside the theatre nothing
    is removed. ConfigError when nothing is left (an extent wholly on the Soviet side:
    coordinates swapped or mistyped).
    """
    from rasterio.features import shapes
    from shapely.geometry import shape as to_shape
    from shapely.ops import unary_union

    from logistics.terrain.sides import JAPANESE, SOVIET, sides_grid

    grid, tr = sides_grid()
    w, s, e, n = shape.bounds
    m = _BANK_MARGIN_CELLS
    c0 = max(int(np.floor((w - tr.c) / tr.a)) - m, 0)
    c1 = min(int(np.ceil((e - tr.c) / tr.a)) + m, grid.shape[1])
    r0 = max(int(np.floor((n - tr.f) / tr.e)) - m, 0)
    r1 = min(int(np.ceil((s - tr.f) / tr.e)) + m, grid.shape[0])
    if c0 >= c1 or r0 >= r1:
        return shape
    soviet = grid[r0:r1, c0:c1] == SOVIET
    if not soviet.any():
        return shape
    window = tr * tr.translation(c0, r0)

    def cells(mask: np.ndarray) -> BaseGeometry:
        return unary_union([to_shape(g) for g, _ in
                            shapes(mask.astype(np.uint8), mask=mask, transform=window)])

    soviet_cells = cells(soviet)
    out = shape.difference(soviet_cells)
    japanese = grid[r0:r1, c0:c1] == JAPANESE
    bank = _soviet_bank(box(*window * (0, r1 - r0), *window * (c1 - c0, 0)), soviet_cells,
                        cells(japanese) if japanese.any() else None)
    if bank is not None and out.intersects(bank):
        out = out.difference(bank)
    if out.is_empty or out.area < 1e-9:
        raise ConfigError(f"{path}: {key}: its extent lies wholly on the Soviet-Mongolian side of "
                          "the 1945 frontier (rasters/borders.gpkg), where no Japanese fortified "
                          "region stood; fix: check its location or polygon (lon, lat order, "
                          "degrees east and north)")
    return out


#: Cells of the side grid (``SIDE_CELL_DEG``) round an extent in which the frontier line is cut:
#: a piece of that window on one side of the line reaches past the line's own cells (at most
#: two on a side) into cells of its side, which say which side it is.
_BANK_MARGIN_CELLS = 5


def _soviet_bank(window: BaseGeometry, soviet: BaseGeometry,
                 japanese: BaseGeometry | None) -> BaseGeometry | None:
    """The ground of ``window`` (a lon/lat box) on the Soviet-Mongolian side of the frontier
    line itself (:func:`logistics.terrain.sides.frontier_lines`), or None where no line
    crosses it or GEOS cannot cut it.

    The window is cut along the lines; a piece is the Soviet side's when it lies over the side
    grid's Soviet cells (``soviet``) and not over its Japanese ones (``japanese``: a piece over
    both is one the lines do not close off, left to the cells' cut); a Japanese cell is never
    part of the bank. Why: the side grid's cells on the line (about 2 km) are neither side,
    and an extent kept to them reached up to 2 km onto the Soviet bank (Sakhalyan across the
    Amur into Blagoveshchensk's bank, 16.8 km²)."""
    from shapely import STRtree
    from shapely.ops import split, unary_union

    from logistics.terrain.sides import SIDE_CELL_DEG, frontier_lines

    lines = frontier_lines()
    near = [lines[i] for i in STRtree(lines).query(window.buffer(SIDE_CELL_DEG))] if lines else []
    if not near:
        return None
    try:
        pieces = split(window, unary_union(near + _joins(near)).intersection(window)).geoms
        bank = []
        for p in pieces:
            own = p.intersection(soviet).area
            other = 0.0 if japanese is None else p.intersection(japanese).area
            if own > 0 and other <= 1e-6 * own:
                bank.append(p)
        if not bank:
            return None
        bank = unary_union(bank)
        return bank if japanese is None else bank.difference(japanese)
    except (ShapelyError, ValueError, TypeError):
        return None


def _joins(lines: list) -> list:
    """Short segments closing the gaps between ``lines`` (lon/lat) that the side grid closes:
    from each end of a line to the nearest point of another line within one cell
    (``SIDE_CELL_DEG``). The WDBII boundary is drawn in pieces whose ends do not always meet
    (0.6 km apart on the Amur at Heihe), and a line with a gap cuts nothing."""
    from shapely import get_parts, shortest_line

    from logistics.terrain.sides import SIDE_CELL_DEG

    out = []
    for i, a in enumerate(lines):
        ends = [ShapelyPoint(c) for g in get_parts(a) if g.geom_type == "LineString"
                and not g.is_empty for c in (g.coords[0], g.coords[-1])]
        for end in ends:
            for j, b in enumerate(lines):
                if j != i and 0 < end.distance(b) <= SIDE_CELL_DEG:
                    out.append(shortest_line(end, b))
    return out


def _semi_annulus(lon: float, lat: float, r_out_km: float, r_in_km: float,
                  az0: float = 0.0, az1: float = 180.0, n: int = 24) -> BaseGeometry:
    """A belt between ``r_in_km`` and ``r_out_km`` round (lon, lat) over the true azimuths
    ``az0`` .. ``az1`` (degrees clockwise from north), on the WGS84 ellipsoid, in lon/lat."""
    from pyproj import Geod

    geod = Geod(ellps="WGS84")
    az = np.linspace(az0, az1, n + 1)
    ring = []
    for r_km, arc in ((r_out_km, az), (r_in_km, az[::-1])):
        lons, lats, _ = geod.fwd(np.full(len(arc), lon), np.full(len(arc), lat), arc,
                                 np.full(len(arc), r_km * 1000.0))
        ring += list(zip(lons, lats))
    return Polygon(ring)


@dataclass(frozen=True)
class FieldZone:
    """The whole defended zone of a semi-annular field position, km from its place: from the
    front edge of its security zone (``outer_km``) to the inner edge of its last belt
    (``inner_km``); ``depth_km`` is the sum of its sourced parts (security zone, main belt,
    each interval and further belt), the depth charged at the breakthrough rate. Why whole:
    the rate ([RUNOV-UR]) is an average over the whole depth of a defence, belts and the
    ground between them (``rule.field_positions`` of the layer)."""

    outer_km: float
    inner_km: float
    depth_km: float


def _part_km(path: Path, node: dict, key: str, *, positive: bool) -> float:
    """One part of a field zone's depth, km: a figure ``> 0`` (``positive``) or ``>= 0``, at most
    ``_MAX_RADIUS_KM``; ConfigError naming ``key`` otherwise."""
    v = _figure(path, node, key)
    ok = (v > 0 if positive else v >= 0) and v <= _MAX_RADIUS_KM
    if not ok:
        name = key.rsplit(".", 1)[-1]
        fix = (range_fix(name, v, gt=0.0, le=_MAX_RADIUS_KM) if positive
               else range_fix(name, v, ge=0.0, le=_MAX_RADIUS_KM))
        raise ConfigError(f"{path}: {key}: {v:g} km, expected a length "
                          f"{'> 0' if positive else '>= 0'} and at most {_MAX_RADIUS_KM:g} km; "
                          + fix)
    return v


def _field_zone(path: Path, key: str, node: dict) -> FieldZone:
    """The defended zone of a ``semi_annulus`` position (``extent.radius_km``, the main belt's
    front edge from the place, and ``extent.depth_km``, its depth; optional
    ``security_zone_km`` in front of it and ``further_belts: {depth_km, interval_km, count}``
    behind it, each further belt ``interval_km`` inside the belt before). One extent, its depth
    the sum of the parts: for the shipped Mudanjiang line 5 + 4 + 15 + 3 = 27 km, from 69.4 to
    42.4 km from the city. ConfigError naming the key when a figure is bad or the zone would
    reach past its place."""
    ext = node.get("extent") or {}
    loc = node.get("location") or {}
    if not isinstance(loc, dict) or not ("place" in loc or {"lon", "lat"} <= set(loc)) \
            or "radius_km" not in ext or "depth_km" not in ext:
        raise ConfigError(f"{path}: {key}.extent: a semi_annulus needs a location (place, or lon "
                          "and lat) and extent.radius_km and extent.depth_km (its main belt) to "
                          "draw its zone round; fix: add them, or draw the extent as a polygon "
                          "with its depth_km")
    if ext.get("polygon"):
        raise ConfigError(f"{path}: {key}.extent.polygon: a semi_annulus is drawn from its "
                          "radius_km and depths (the whole defended zone, "
                          "logistics/army/fortified.py _field_zone), not from corners; fix: "
                          "remove the polygon, or give the extent the shape the polygon "
                          "was drawn as (e.g. rectangle) with its depth_km")
    radius = _part_km(path, ext["radius_km"], f"{key}.extent.radius_km", positive=True)
    main = _part_km(path, ext["depth_km"], f"{key}.extent.depth_km", positive=True)
    security = (_part_km(path, node["security_zone_km"], f"{key}.security_zone_km",
                         positive=False) if "security_zone_km" in node else 0.0)
    behind = 0.0
    more = node.get("further_belts")
    if more is not None:
        if not isinstance(more, dict) or "depth_km" not in more or "interval_km" not in more:
            raise ConfigError(f"{path}: {key}.further_belts: expected depth_km and interval_km "
                              "(figures {value, cite|assumed}) and an optional count; fix: add "
                              "them or remove further_belts")
        depth = _figure(path, more["depth_km"], f"{key}.further_belts.depth_km")
        gap = _figure(path, more["interval_km"], f"{key}.further_belts.interval_km")
        count = (_figure(path, more["count"], f"{key}.further_belts.count")
                 if "count" in more else 1.0)
        bad = [(k, v, fix) for k, v, ok, fix in (
            ("depth_km", depth, depth > 0, range_fix("depth_km", depth, gt=0)),
            ("interval_km", gap, gap >= 0, range_fix("interval_km", gap, ge=0)),
            ("count", count, float(count).is_integer() and 0 <= count <= 20,
             range_fix("count", count, ge=0, le=20, whole=True))) if not ok]
        if bad:
            raise ConfigError(f"{path}: {key}.further_belts: depth_km must be > 0, interval_km "
                              f">= 0 and count a whole number 0-20, got {depth:g}, {gap:g}, "
                              f"{count:g}; " + "; ".join(f"{key}.further_belts.{k} {v:g}: {fix}"
                                                         for k, v, fix in bad))
        behind = count * (gap + depth)
    inner = radius - main - behind
    if not inner > 0:
        raise ConfigError(f"{path}: {key}: the zone reaches past its place: the main belt "
                          f"({main:g} km) and the intervals and further belts behind it "
                          f"({behind:g} km) from a front {radius:g} km out leave its inner edge "
                          f"at {inner:g} km; fix: check extent.radius_km, extent.depth_km and "
                          "further_belts (the inner edge must stay > 0 km from the place)")
    return FieldZone(radius + security, inner, security + main + behind)


def _check_zone_keys(path: Path, key: str, node: dict) -> None:
    """``security_zone_km`` and ``further_belts`` are parts of a ``semi_annulus`` zone's depth:
    on another shape they would be read by nothing, so they are a ConfigError."""
    shape = (node.get("extent") or {}).get("shape")
    for part in ("security_zone_km", "further_belts"):
        if part in node and shape != "semi_annulus":
            raise ConfigError(f"{path}: {key}.{part}: read only for extent.shape semi_annulus "
                              f"(got shape {_short(shape)}), where it is part of the zone's "
                              "depth; fix: remove it, or fold it into extent.depth_km")


#: The fix every message about a damaged layer ends with.
_PATTERN = "fix: write it as the shipped configs/fortified-regions.yaml does (its keys: " \
    "configs/armies/README.md, 'Fortified regions')"


def _nearer_half(own: tuple[float, float], other: tuple[float, float]) -> BaseGeometry:
    """The half-plane of points nearer ``own`` than ``other`` (metric CRS coordinates), as a
    polygon 10,000 km across: the perpendicular bisector of the two towns is its edge."""
    (ax, ay), (bx, by) = own, other
    d = np.array([bx - ax, by - ay], dtype=float)
    d /= np.hypot(*d)
    n = np.array([-d[1], d[0]])
    m = np.array([(ax + bx) / 2.0, (ay + by) / 2.0])
    big = 5.0e6
    return Polygon([tuple(m + n * big), tuple(m + n * big - d * big),
                    tuple(m - n * big - d * big), tuple(m - n * big)])


def _split_overlaps(regions: list[Region], towns: dict[str, tuple[float, float] | None],
                    path: Path | str = "", keys: dict[str, str] | None = None) -> list[Region]:
    """Fortified regions whose drawn extents overlap, each cut to the ground nearer its own
    town than the other's (the perpendicular bisector of the two towns, in the metric CRS).

    Each fortified region is a separate fortress named for its town; the extents are
    rectangles and circles drawn from a frontage and a depth (placement rule of the layer), so
    where two of them overlap the drawing, not a source, gives the same ground to both. Cut
    this way, a formation attacking one region is not charged the depth of the other's drawn
    rectangle: the 115 km Dongning front, centred on Dongning, otherwise covered 94 % of the
    Pogranichnaya (Suifenhe) region 38 km to the north, and the 5th Army that assaulted that one
    ([LITLIFE-244851]) crossed 52.5 km of Dongning depth. Field positions (not in ``towns``)
    and regions without a location are left as drawn. The union of the extents is unchanged.
    An extent GEOS cannot cut (one so large that, cut at the frontier and drawn in the metric
    CRS, its holes leave its shell) is a ConfigError naming ``keys[id]`` of ``path``.
    """
    from logistics.terrain import to_metric

    ids = [r.id for r in regions if towns.get(r.id) is not None]
    if len(ids) < 2:
        return regions
    shapes = {r.id: r.shape for r in regions if r.id in towns}
    xy = {i: tuple(float(v) for v in to_metric(*towns[i])) for i in ids}
    cut = dict(shapes)
    for k, a in enumerate(ids):
        for b in ids[k + 1:]:
            if shapes[a].intersection(shapes[b]).area <= 1e-9 or xy[a] == xy[b]:
                continue
            for own, other in ((a, b), (b, a)):
                try:
                    kept = _lonlat(_metric(cut[own]).intersection(_nearer_half(xy[own],
                                                                               xy[other])))
                except ShapelyError as exc:
                    key = (keys or {}).get(own, own)
                    raise ConfigError(f"{path}: {key}: its extent cannot be split from the "
                                      f"extent of {other!r} where they overlap ({exc}); fix: "
                                      "draw it "
                                      "the size of a fortified region (tens of km; the widest "
                                      "sourced front is 115 km), corners [lon, lat] in order "
                                      "round the edge") from None
                if not kept.is_empty:
                    cut[own] = kept
    return [replace(r, shape=cut[r.id]) if r.id in cut else r for r in regions]


#: The ``status`` values of a region (the shipped layer's header): ``sourced`` and
#: ``generic_extent`` are drawn; ``not_located`` and ``named_only`` are not.
_STATUSES = ("sourced", "generic_extent", "not_located", "named_only")

#: The ``extent.shape`` words of the layer: ``semi_annulus`` is drawn from its radius and
#: depths; a circle from its radius round the town, a rectangle as its polygon.
_SHAPES = ("circle", "rectangle", "semi_annulus")

#: The largest breakthrough rate, km a day: a day's march of any norm is at most 5000
#: (``configs/norms/march.yaml max_km_per_day``); beyond, a typing slip (1e300 crossed every
#: region at once).
_MAX_RATE_KM_PER_DAY = 5000.0

#: The parts of ``rule:`` that give formation kinds their role: the three roles and
#: ``own_role`` (kinds whose formations each give their own ``on_fortified_region``); each kind
#: in at most one. ``follow`` and ``own_role`` are optional (a layer written before them).
_ROLE_PARTS = ("bypass", "breakthrough", "follow", "own_role")
_OPTIONAL_PARTS = ("follow", "own_role")
#: Every part of ``rule:`` that lists formation kinds: the roles and the detaching kinds.
_KIND_PARTS = _ROLE_PARTS + ("detach",)

#: The top-level keys of the layer (the shipped file's): any other is a typo or a stray note.
_TOP_KEYS = ("generic_extent", "theatre", "fortified_regions", "field_positions", "rule",
             "not_inputs")


def _regions_of(path: Path, key: str, node: dict, *, besieged: bool) -> list[Region]:
    """The region one entry of the layer stands for (none when it is not located or not
    applied): a ``semi_annulus`` field position is its whole defended zone (:func:`_field_zone`),
    any other extent its polygon or circle with its depth (:func:`_depth_of`)."""
    status = node.get("status")
    if status is not None and status not in _STATUSES:
        raise ConfigError(f"{path}: {key}.status: {_short(status)}, not a status of the layer; "
                          f"fix: one of {', '.join(_STATUSES)} (not_located and named_only are "
                          "not drawn)")
    apply = node.get("apply")
    if apply is not None and not (isinstance(apply, dict)
                                  and isinstance(apply.get("value"), bool)):
        raise ConfigError(f"{path}: {key}.apply: expected {{value: false, cite|assumed: ...}} "
                          f"(or true), got {_short(apply)}; fix: write apply: {{value: false, "
                          "assumed: <why the rule is not applied>}, or remove apply")
    if status in ("not_located", "named_only") or (isinstance(apply, dict)
                                                   and apply.get("value") is False):
        return []
    shape_word = (node.get("extent") or {}).get("shape")
    if shape_word is not None and shape_word not in _SHAPES:
        # a misspelt `semi_anulus` was drawn as a circle of the zone's radius, with no word
        raise ConfigError(f"{path}: {key}.extent.shape: {_short(shape_word)} is no shape of the "
                          "layer" + did_you_mean(str(shape_word), _SHAPES, lead="; ")
                          + f"; fix: one of {', '.join(_SHAPES)}")
    _check_zone_keys(path, key, node)
    if shape_word == "semi_annulus":
        zone = _field_zone(path, key, node)
        town = _town(path, key, node)
        shape = _semi_annulus(*town, zone.outer_km, zone.inner_km)
        depth_km = zone.depth_km
        shields = _circle(*town, zone.inner_km)
    else:
        shape = _extent(path, key, node)
        depth_km = _depth_of(path, key, node)
        shields = None
    shape = _japanese_side_only(path, key, shape)
    return [Region(str(node["id"]), str(node.get("name", node["id"])), shape,
                   tuple(node.get("axes") or ()), str(node.get("status", "")),
                   besieged=besieged, depth_km=depth_km, shields=shields)]


@functools.lru_cache(maxsize=4)
def _load(path_text: str, frontier: tuple = ()) -> Fortified:
    """The layer of ``path_text``; ``frontier`` (the sides' layers and times,
    :func:`logistics.terrain.sides.sides_stamp`) keys the cache, as the extents are cut there."""
    path = Path(path_text)
    if not path.is_file():
        raise ConfigError(f"{path} not found: the fortified-region layer sits beside the army "
                          "files (configs/fortified-regions.yaml)")
    from logistics._yaml import load_yaml, refuse_non_finite

    doc = load_yaml(path, what="fortified-region layer") or {}
    if not isinstance(doc, dict):
        raise ConfigError(f"{path}: expected a mapping of keys (fortified_regions, "
                          f"field_positions, rule), got {type(doc).__name__}; {_PATTERN}")
    unknown = [k for k in doc if k not in _TOP_KEYS]
    if unknown:  # `fortified_region:` read as a layer without regions
        raise ConfigError(f"{path}: unknown key {unknown[0]!r} at the top level; expected "
                          f"{', '.join(_TOP_KEYS)}; fix: "
                          + (did_you_mean(unknown[0], _TOP_KEYS)
                             or "remove it, or put notes under a region's notes:"))
    _check_generic_extent(path, doc.get("generic_extent"))
    regions = []
    towns: dict[str, tuple[float, float] | None] = {}
    seen: set[str] = set()
    keys: dict[str, str] = {}
    for group in ("fortified_regions", "field_positions"):
        nodes = doc.get(group) or []
        if not isinstance(nodes, list):
            raise ConfigError(f"{path}: {group}: expected a list of regions (lines starting "
                              f"with '- '), got {_short(nodes)}; {_PATTERN}")
        for i, node in enumerate(nodes):
            if not isinstance(node, dict) or "id" not in node:
                raise ConfigError(f"{path}: {group}.{i}: expected a region (a mapping with `id:`, "
                                  f"`location:`, `extent:`), got {_short(node)}; {_PATTERN}")
            key = f"{group}.{i} ({node.get('id')})"
            keys[str(node["id"])] = key
            if str(node["id"]) in seen:
                raise ConfigError(f"{path}: {key}.id: {_short(node['id'])} is used twice (a run "
                                  "note, the map and the scoring name a region by it); fix: give "
                                  "each region its own id")
            seen.add(str(node["id"]))
            axes = node.get("axes")
            if axes is not None and not (isinstance(axes, list)
                                         and all(isinstance(a, str) for a in axes)):
                raise ConfigError(f"{path}: {key}.axes: {_short(axes)}, expected a list of the "
                                  "axis ids the region faces; fix: write a list, e.g. "
                                  f"[{axes if isinstance(axes, str) else 'TBF-36A'}]")
            try:
                regions += _regions_of(path, key, node, besieged=group == "fortified_regions")
                if group == "fortified_regions" and regions and regions[-1].id == str(node["id"]):
                    towns[regions[-1].id] = _town(path, key, node)
            except LogisticsError:
                raise
            except (TypeError, ValueError, AttributeError, KeyError, IndexError,
                    ShapelyError) as exc:
                raise ConfigError(f"{path}: {key}: its location or extent cannot be read "
                                  f"({exc}); {_PATTERN}") from None
    regions = _split_overlaps(regions, towns, path, keys)
    r = doc.get("rule") or {}
    try:
        for part in _KIND_PARTS:
            if part in _OPTIONAL_PARTS and part not in r:
                continue  # a layer written before them gives no kind these roles
            kinds = r[part]["kinds"]
            if not isinstance(kinds, list) or not all(isinstance(k, str) for k in kinds):
                raise ConfigError(f"{path}: rule.{part}.kinds: expected a list of formation "
                                  f"kinds, got {_short(kinds)}; {_PATTERN}")
        rule = FortifiedRule(
            bypass_kinds=frozenset(r["bypass"]["kinds"]),
            breakthrough_kinds=frozenset(r["breakthrough"]["kinds"]),
            detach_kinds=frozenset(r["detach"]["kinds"]),
            rate_km_per_day=_figure(path, r["breakthrough"]["rate_km_per_day"],
                                    "rule.breakthrough.rate_km_per_day"),
            fraction_of_men=_figure(path, r["detach"]["fraction_of_men"],
                                    "rule.detach.fraction_of_men"),
            rate_cite=str(r["breakthrough"]["rate_km_per_day"].get("cite", "")),
            detach_cite=str(r["detach"].get("cite", "")),
            follow_kinds=frozenset((r.get("follow") or {}).get("kinds") or ()),
            source=str(path),
        )
    except (KeyError, TypeError) as exc:
        raise ConfigError(f"{path}: rule: missing or not a mapping: {exc}; the rule needs "
                          "bypass.kinds, breakthrough.kinds and rate_km_per_day, detach.kinds and "
                          "fraction_of_men (follow.kinds and own_role.kinds optional); "
                          f"{_PATTERN}") from None
    if not rule.rate_km_per_day > 0:
        raise ConfigError(f"{path}: rule.breakthrough.rate_km_per_day: {rule.rate_km_per_day:g} "
                          "km a day, expected a rate > 0; "
                          + range_fix("rate_km_per_day", rule.rate_km_per_day, gt=0.0))
    if rule.rate_km_per_day > _MAX_RATE_KM_PER_DAY:
        raise ConfigError(f"{path}: rule.breakthrough.rate_km_per_day: {rule.rate_km_per_day:g} "
                          f"km a day, beyond any march (at most {_MAX_RATE_KM_PER_DAY:g}); "
                          + range_fix("rate_km_per_day", rule.rate_km_per_day, gt=0.0,
                                      le=_MAX_RATE_KM_PER_DAY))
    _check_kinds(path, r)
    if not 0 <= rule.fraction_of_men < 1:
        raise ConfigError(f"{path}: rule.detach.fraction_of_men: {rule.fraction_of_men:g}, "
                          "expected a share in [0, 1); "
                          + range_fix("fraction_of_men", rule.fraction_of_men, ge=0.0, lt=1.0))
    refuse_non_finite(path, doc)  # the figures read are checked above, each with its bound
    return Fortified(tuple(regions), rule, str(path))


def _check_kinds(path: Path, rule: dict) -> None:
    """ConfigError for a word of ``rule.<part>.kinds`` that is neither a formation kind of the
    army files nor a standard of ``norms/formations.yaml`` (the folder's, else the shipped
    one): the rule matches a formation by its kind or its standard, so a misspelt word
    (``tank_corp``) matched none and those formations assaulted what they should go round.
    And for a word listed under two roles (``rule.bypass`` and ``rule.follow``, say): which
    role it took would depend on the order the lists are read in."""
    from typing import get_args

    from logistics.army.norms import load_norms
    from logistics.army.schema import KINDS

    folder = path.parent
    if not (folder / "norms" / "formations.yaml").is_file():
        folder = Path(settings.SHIPPED_CONFIG_DIR)
    known = sorted(set(get_args(KINDS)) | set(load_norms(folder).standards))
    role: dict[str, str] = {}
    for part in _KIND_PARTS:
        for word in (rule.get(part) or {}).get("kinds") or ():
            if word not in known:
                raise ConfigError(f"{path}: rule.{part}.kinds: {word!r} is neither a formation "
                                  f"kind nor a standard of {folder / 'norms' / 'formations.yaml'}"
                                  + did_you_mean(word, known, lead="; ")
                                  + "; fix: correct it or remove it (kinds: configs/armies/"
                                  "README.md; standards: norms/formations.yaml)")
            if part in _ROLE_PARTS and role.setdefault(word, part) != part:
                # one kind, two roles: which one it took depended on the order of the lists
                raise ConfigError(f"{path}: rule.{part}.kinds: {word!r} is listed under "
                                  f"rule.{role[word]}.kinds too, so its role is ambiguous; fix: "
                                  "keep it in the one list whose doctrine fits it")


def load_fortified(config_dir: str | Path | None = None) -> Fortified:
    """The fortified-region layer and rule of ``<config_dir>`` (read once per process)."""
    from logistics.terrain.sides import sides_stamp

    return _load(str(fortified_path(config_dir).resolve()), sides_stamp())
