"""The depths of fortified regions a formation's route crosses at the breakthrough rate.

One implementation of ``configs/fortified-regions.yaml rule.breakthrough`` for every kind that
crosses a depth (rifle forces, a mobile formation following the breach, the truck shuttle, the
flotilla's ships, the bypass rule's comparison): the route inside the union of the extents,
each region charged at most its depth once from where the route first enters it (across the
river, where it enters on a frontier river: :func:`_across`), and on to the formation's own
objectives inside it (:func:`fortified_passes`). The plan
(:mod:`logistics.advance.plan`) calls it; the step loop (:mod:`logistics.advance.simulate`) moves
through the :class:`FortifiedPass` es it returns.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from logistics.army.resolve import ResolvedFormation

__all__ = ["FortifiedPass", "fortified_passes", "pass_regions"]


@dataclass(frozen=True)
class FortifiedPass:
    """A depth the formation crosses at the breakthrough rate (``km_in`` .. ``km_out`` of its
    route, each km once where extents overlap) by ``action`` (``assault``/``besiege``/
    ``follow``: see :func:`logistics.army.fortified.crossing_action`): the charged part of a
    stretch of the route inside the union of the extents, at most each region's depth from
    where the route first enters it (:func:`fortified_passes`); ``region_ids`` are the extents it
    lies in (``region_id``/``region_name`` join them); ``detaches`` when it leaves a detachment
    at each of ``detach_ids`` (the first pass of a stretch only)."""

    km_in: float
    km_out: float
    region_id: str
    region_name: str
    action: str
    detaches: bool
    region_ids: tuple[str, ...] = ()
    #: the extents of the stretch where a detaching formation leaves a detachment (the
    #: fortified regions among ``region_ids``; field positions are not besieged)
    detach_ids: tuple[str, ...] = ()
    #: km of the route inside the extents in the whole stretch this pass is charged in (more
    #: than ``km_out - km_in`` where the route runs on inside beyond the regions' depths)
    inside_km: float = 0.0
    #: ``(id, display name)`` of every extent of the stretch (configs/fortified-regions.yaml
    #: ``name``): what the run's stops say where a detachment was left (the ids stay in
    #: ``region_ids`` and ``detach_ids`` for what reads them)
    names: tuple[tuple[str, str], ...] = ()
    #: hours since H-hour from which the head may go into it, a follower's (``follow``) wait
    #: at its edge for its army's breach as the step loop finds it (``carried.Carried._edge``:
    #: a timetable planned again from that hour); -inf: when it gets there
    open_h: float = -math.inf

    def named(self, ids: tuple[str, ...]) -> str:
        """The display names of the extents ``ids``, joined as ``region_name`` joins them
        (``+``-joined ids where a name is not known: a pass made without ``names``)."""
        label = dict(self.names)
        return (" + ".join(label[i] for i in ids) if all(i in label for i in ids)
                else "+".join(ids))


def pass_regions(p: FortifiedPass) -> tuple[str, ...]:
    """The ids of the fortified regions (and field positions) whose extents a pass lies in."""
    return tuple(p.region_ids) or (p.region_id,)


def _pieces(steps, kms: np.ndarray, shape, rows) -> list[tuple[float, float, object, int]]:
    """``(km_in, km_out, piece, step)`` of the route inside ``shape``: each step ``rows`` names (by
    index) cut by it, linear between the points in lon/lat; a step that only touches the
    shape's edge or corner at a point crosses nothing."""
    import shapely

    out = []
    for i in rows:
        cut = shapely.intersection(steps[i], shape)
        d = kms[i + 1] - kms[i]
        length = shapely.length(steps[i])
        parts = [g for g in getattr(cut, "geoms", [cut]) if not g.is_empty
                 and (length == 0 or shapely.length(g) > 0)]
        for g in parts:
            if length == 0:
                f0, f1 = 0.0, 1.0
            else:
                ends = [steps[i].project(shapely.Point(c), normalized=True) for c in
                        (g.coords[0], g.coords[-1])] if g.geom_type == "LineString" else \
                    [steps[i].project(g.representative_point(), normalized=True)] * 2
                f0, f1 = min(ends), max(ends)
            out.append((float(kms[i] + f0 * d), float(kms[i] + f1 * d), g, int(i)))
    return out


def _across(seg, kms: np.ndarray):
    """A function: the km where the route, entering an extent at route km ``k``, stands on its
    ground: ``k``, or where the step it enters on runs into the cells of a major or large
    river (``seg["river_class"]``), the last of those cells (the route's crossing of the
    river, where ``crossings.csv`` puts it). Why: an extent on a frontier river is cut at the
    boundary line (logistics/army/fortified.py), which runs in the river, and the route's
    straight step from its last cell on the near bank into the river cell crosses that line
    up to a cell before the route has crossed: the 35th Army's Hutou depth began 0.4 km on
    the Soviet bank of the Ussuri, before its crossing. A route without river cells (a
    flotilla's path, a table without the column) is charged from ``k``."""
    from logistics.terrain.classes import BIG_RIVER_CLASSES

    if "river_class" not in seg or len(kms) < 2:
        return lambda k: k
    big = np.isin(seg["river_class"].to_numpy(), BIG_RIVER_CLASSES)

    def landed(k: float) -> float:
        i = int(np.searchsorted(kms, k - 1e-9, side="left"))
        if i >= len(kms) or not big[i]:
            return k
        while i + 1 < len(kms) and big[i + 1]:
            i += 1
        far = float(kms[i])
        return max(k, far) if far - k <= _RIVER_RUN_KM else k
    return landed


#: The longest run of a major or large river's cells a route crosses a river in, km: the
#: frontier rivers are at most a few km wide with their channels (the Amur); a longer run is a
#: route along a river, not across it, and is charged from where it enters the extent.
_RIVER_RUN_KM = 5.0


def _merged(spans) -> list[list[float]]:
    """``(a, b)`` spans joined where they overlap or touch (within 1 mm), in order."""
    out: list[list[float]] = []
    for a, b in sorted((float(a), float(b)) for a, b in spans):
        if out and a <= out[-1][1] + 1e-6:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return out


def _charged(spans, depth_km: float | None, through_km: float = -np.inf
             ) -> list[tuple[float, float]]:
    """The part of a region's ``spans`` (its route km inside the extent, in order, on the
    whole route) crossed at the breakthrough rate: the first ``depth_km`` of them from where the
    route enters (all of them when ``depth_km`` is None), and in any case every span up to
    route km ``through_km`` (an objective inside the region: the formation fights its way to
    it, however far along the region it lies)."""
    if depth_km is None:
        return [(a, b) for a, b in spans]
    out, left = [], float(depth_km)
    for a, b in spans:
        if left <= 0 and a >= through_km:
            break
        end = max(min(b, a + max(left, 0.0)), min(b, through_km))
        out.append((a, end))
        left -= end - a
    return out


def _objective_km_inside(region, unit: ResolvedFormation, seg: pd.DataFrame) -> float:
    """Route km of the last of ``unit``'s objectives that lies inside ``region``'s extent and
    that its route ``seg`` (``lon, lat, cum_km``) reaches (an option within its ``radius_km``
    of the route: an area's other options are not on the route, which takes the one it
    reaches first, advance/routes.py); -inf when none does; +inf when an objective is the
    region itself (its ``name``, e.g. "Manchouli-Zhalainor fortified region": the whole of
    the route inside it; not its ``id``, which is often the name of its town, a place inside
    it). Why: a formation whose task is a place inside a fortified region (the 25th Army's
    Dongning) fights through the region to it, and one whose task is the region (the 36th
    Army's Otpor group, [SHIROKORAD-RK] 'с целью разгромить Маньчжуро-Чжалайнорский
    укрепрайон') fights through all of it; the depth cap is for a formation crossing the
    region on its way elsewhere."""
    import shapely

    from logistics.geodesy import locate_on_route

    best = -np.inf
    names = {str(region.name).casefold()}
    for ob in getattr(unit, "objectives", ()) or ():
        for label, olon, olat in ob.options:
            if str(label).casefold() in names or str(ob.name).casefold() in names:
                return np.inf
            if not shapely.contains_xy(region.shape, olon, olat):
                continue
            fix = locate_on_route(seg, float(olon), float(olat), tolerance_km=ob.radius_km)
            if fix.reached:
                best = max(best, float(fix.route_km))
    return best


def fortified_passes(seg, regions, unit: ResolvedFormation) -> tuple[FortifiedPass, ...]:
    """The route's depths crossed at the breakthrough rate, taken by the formation's action
    (the one implementation of ``rule.breakthrough`` for every kind that crosses a depth).

    A stretch is the route inside the union of the extents (each step between two route
    points cut by it, so a step that crosses an extent without a point inside it still meets
    it; touching stretches join into one). Each region charges at most its ``depth_km`` of
    the route, from where the route first enters it, once however often the route leaves and
    re-enters the extent (:func:`_charged` over the whole route): a drawn
    extent is an approximation, and a route running along its front inside it is not crossing
    that much defended depth; but a formation fights on through the region as far as its own
    objectives inside it (:func:`_objective_km_inside`); where extents overlap each km counts
    once. The charged km of a
    stretch are its passes (one where they join, else one per piece); the detachment of the
    stretch is left at the first of them (one per stretch, as before the cap)."""
    import shapely
    from shapely.ops import unary_union

    from logistics.army.fortified import crossing_action

    lon = seg["lon"].to_numpy(dtype=np.float64)
    lat = seg["lat"].to_numpy(dtype=np.float64)
    kms = seg["cum_km"].to_numpy(dtype=np.float64)
    if len(kms) == 0 or not regions:
        return ()
    own: dict[str, list[tuple[float, float]]] = {}
    if len(kms) == 1:  # a route of one point: inside or not
        held = [r for r in regions if shapely.contains_xy(r.shape, lon[0], lat[0])]
        stretch = [(float(kms[0]), float(kms[0]), held)] if held else []
        own = {r.id: [(float(kms[0]), float(kms[0]))] for r in held}
    else:
        steps = shapely.linestrings(np.stack([np.column_stack([lon[:-1], lat[:-1]]),
                                              np.column_stack([lon[1:], lat[1:]])], axis=1))
        meets = {r.id: shapely.intersects(steps, r.shape) for r in regions}
        hit = [r for r in regions if meets[r.id].any()]
        if not hit:
            return ()
        any_step = np.logical_or.reduce([meets[r.id] for r in hit])
        union = unary_union([r.shape for r in hit])
        stretch = []
        for k0, k1, g, i in _pieces(steps, kms, union, np.flatnonzero(any_step)):
            held = [r for r in hit if meets[r.id][i] and shapely.intersects(g, r.shape)]
            stretch.append((k0, k1, held))
        own = {r.id: [(a, b) for a, b, _, _ in _pieces(steps, kms, r.shape,
                                                     np.flatnonzero(meets[r.id]))]
               for r in hit}
    if not stretch:
        return ()
    stretch.sort(key=lambda t: (t[0], t[1]))
    joined: list[list] = []
    for k0, k1, held in stretch:
        if joined and k0 <= joined[-1][1] + 1e-9:
            joined[-1][1] = max(joined[-1][1], k1)
            joined[-1][2] += [r for r in held if r not in joined[-1][2]]
        else:
            joined.append([k0, k1, list(held)])
    # each stretch, and each region's spans, entered where the route stands on its ground:
    # across a river it enters the extent on (:func:`_across`)
    landed = _across(seg, kms)
    joined = [[landed(k0), k1, held] for k0, k1, held in joined if landed(k0) <= k1]
    if not joined:
        return ()
    action = crossing_action(unit.fortified_action)
    detaches = unit.detaches and action != "follow"
    order = {r.id: n for n, r in enumerate(regions)}
    # each region's charged km over the whole route: its depth once, from where the route
    # first enters it (a route leaving and re-entering the extent runs in ground the breach
    # has opened, like one running on inside it), and on to its objectives inside
    charged = {r.id: _charged([(landed(a), b) for a, b in _merged(own[r.id])
                               if landed(a) <= b], r.depth_km,
                              _objective_km_inside(r, unit, seg))
               for r in regions if r.id in own}
    out = []
    for k0, k1, held in joined:
        held = sorted(held, key=lambda r: order[r.id])
        besieged = tuple(r.id for r in held if getattr(r, "besieged", True))
        slow = {r.id: [(max(a, k0), min(b, k1)) for a, b in charged[r.id]
                       if min(b, k1) >= max(a, k0)] for r in held}
        pieces = _merged(s for spans in slow.values() for s in spans) or [[k0, k0]]
        for n, (a, b) in enumerate(pieces):
            mine = [r for r in held if any(x < b + 1e-6 and y > a - 1e-6 for x, y in slow[r.id])]
            mine = mine or held
            first = n == 0
            out.append(FortifiedPass(a, max(b, a), "+".join(r.id for r in mine),
                                     " + ".join(r.name for r in mine), action,
                                     first and detaches and bool(besieged),
                                     tuple(r.id for r in mine),
                                     besieged if detaches and first else (),
                                     inside_km=max(k1 - k0, 0.0),
                                     names=tuple((r.id, r.name) for r in held)))
    return tuple(out)
