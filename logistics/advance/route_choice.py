"""Which route each formation takes: through or round the fortified regions, kept to its own
sector and its flotilla's ferry sites, and a formed formation's from its parent's route.

:mod:`~logistics.advance.routes` solves one route (least time through the objectives round
given barriers); this module decides which barriers hold for each formation, by the one rule
of ``configs/fortified-regions.yaml`` ``rule.bypass``: a formation of a bypass kind goes round
the fortified regions where that is quicker (``quicker_way``: :func:`_route_clock`, with the
breaches its army's formations chosen before it make and its ferrying), follows
the breach where it is not or cannot go round (``no_way_round``, ``defended_place``: an
objective in or shielded by a region), and never goes back across the river it is ferried
over (``ferried``: :func:`_back_across_km`); every formation keeps to its own sector and
ferry sites where a route allows (:func:`_ruled_or_free`); a formation ferried across a big
river pays its ferrying there in its route search (:mod:`~logistics.advance.ferry_toll`).
Called by
:func:`logistics.advance.plan.build_army_plan`; each decision is a run note.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from logistics.advance.depths import fortified_passes, pass_regions
from logistics.advance.route_clock import Breaches, RouteClock, route_clock
from logistics.advance.routes import START_RADIUS_KM, PlannedRoute
from logistics.army.resolve import ResolvedFormation
from logistics.errors import ConfigError, NoRouteError
from logistics.terrain.classes import BIG_RIVER_CLASSES

__all__ = ["choose_routes", "formed_at", "formation_key", "goes_round", "QUICKER_TIE_H",
           "route_order"]


def choose_routes(army, terrain, units, *, regions, rate_km_per_day: float, models, options,
                  cache, first_season: str, taiga_km: float, ferry_sites: dict,
                  sides, notes: list[str], config_dir=None, river=None
                  ) -> dict[str, PlannedRoute]:
    """The route of every formation that has one (not carried by river or rail): formation id
    -> its chosen :class:`~logistics.advance.routes.PlannedRoute` (segment table, waypoints,
    objective km, notes, reach notes), parents before children (see the module docstring for
    the rules). ``ferry_sites``: formation id -> the points where its flotilla ferries it;
    ``sides``: the home-side grid of the own-sector rule (None: not applied). Run notes,
    each route's own among them, are appended to ``notes``. ``river``: the movement norms'
    ``river`` that times a ferrying's water (``ferry_toll.water_toll_s``; None: configs/norms').
    Raises ConfigError naming the
    file and the formation for a start or objective no route reaches."""
    from logistics.advance.ferry_toll import ferry_toll
    from logistics.advance.routes import barrier_cells, plan_route
    from logistics.vehicles import load_vehicle

    opt = options
    frontier = _FrontierCells(terrain, sides)
    src = army.source
    first = first_season
    chosen_routes: dict[str, PlannedRoute] = {}
    by_id = {u.id: u for u in units}
    breaches = Breaches()
    went_round: dict[str, bool] = {}  # formation id -> whether it went round (decided ones)
    for u in route_order(units):
        who = f"{src}: {formation_key(army, u.id)}"
        far = _start_across_the_frontier(u)
        if far:
            notes.append(far)
        if u.movement in ("river", "rail"):
            continue
        vehicle = load_vehicle(u.pace_vehicle, config_dir=config_dir)
        own_regions_barrier, keep = None, []
        if regions and u.fortified_action == "bypass":
            keep = _regions_to_go_round(u, regions, notes)
            own_regions_barrier = barrier_cells(terrain, [r.shape for r in keep]) if keep else None
        bkey = "" if own_regions_barrier is None else "bypass:" + ",".join(r.id for r in keep)
        start = (f"{u.id} start", u.start_lon, u.start_lat, START_RADIUS_KM)
        ruled = _sector_rule_cells(terrain, u, ferry_sites, sides)
        rules_key = f"rules:{u.id in ferry_sites}@{u.start_lon:.4f},{u.start_lat:.4f}"
        # its ferrying priced where it is ferried, so it crosses a big river only where worth it
        toll = ferry_toll(terrain, u, opt, flotilla=u.id in ferry_sites,
                          frontier_cells=frontier.cells, river=river)

        def route(bar, key, u=u, vehicle=vehicle, who=who, start=start, ruled=ruled
                  ) -> PlannedRoute:
            """``u``'s route round ``bar`` and the ``ruled`` cells; the free route, with a
            note, if none is left under them."""
            if ruled is None:
                return _route(bar, key, u, vehicle, who, start)
            return _ruled_or_free(
                lambda: _route(bar | ruled if bar is not None else ruled,
                               f"{key}|{rules_key}", u, vehicle, who, start),
                lambda: _route(bar, key, u, vehicle, who, start), u.id, notes)

        def _route(bar, key, u, vehicle, who, start, toll=toll) -> PlannedRoute:
            if u.formed_when and u.parent in chosen_routes:
                pseg = chosen_routes[u.parent].segments
                fkm = formed_at(pseg, u.formed_when, taiga_km)[0]
                i = int(np.searchsorted(pseg["cum_km"].to_numpy(), fkm, side="left"))
                i = min(i, len(pseg) - 1)
                fstart = (f"{u.id} formed", float(pseg["lon"].iloc[i]),
                          float(pseg["lat"].iloc[i]), START_RADIUS_KM)
                cell = (int(pseg["row"].iloc[i]), int(pseg["col"].iloc[i]))
                if bar is not None and bar[cell]:
                    # it is formed on its parent's route: that cell is open to it (moved off
                    # it, its route would not join its parent's)
                    bar = bar.copy()
                    bar[cell] = False
                    key = f"{key}|formed:{cell[0]},{cell[1]}"
                k0 = float(pseg["cum_km"].iloc[i])
                done = _passed_with_parent(u.objectives, by_id[u.parent].objectives,
                                           chosen_routes[u.parent].objective_km, k0)
                own = plan_route(terrain, vehicle, first, fstart, u.objectives[len(done):],
                                 models=models, stencil=army.routing.stencil,
                                 engine=opt.engine, barriers=bar, barrier_key=key,
                                 cache=cache, who=who, start_key="formed", toll=toll)
                return PlannedRoute(
                    segments=_join(pseg, k0, own.segments), waypoints=tuple(own.waypoints),
                    objective_km=done + tuple((n, k + k0) for n, k in own.objective_km),
                    notes=tuple(own.notes), reach_notes=own.reach_notes)
            rt = plan_route(terrain, vehicle, first, start, u.objectives, models=models,
                            stencil=army.routing.stencil, engine=opt.engine, barriers=bar,
                            barrier_key=key, cache=cache, who=who, toll=toll)
            return rt

        try:
            # the direct route (through every extent): the one route of a formation that
            # does not bypass, and the breach a bypassing one follows if going round is slower
            chosen = route(None, "")
            if own_regions_barrier is not None and fortified_passes(chosen.segments, keep, u):
                direct = _route_clock(chosen.segments, u, regions, rate_km_per_day, breaches,
                                      toll)
                direct_days = direct.days
                try:
                    round_ = route(own_regions_barrier, bkey)
                except (NoRouteError, ConfigError) as exc:
                    notes.append(f"{u.id}: no route goes round the fortified regions "
                                 f"({_cause(exc)}); "
                                 "it follows the breach through them "
                                 "(fortified-regions.yaml rule.bypass.no_way_round)")
                else:
                    round_days = _route_clock(round_.segments, u, regions, rate_km_per_day,
                                              breaches, toll).days
                    back_km = (_back_across_km(round_.segments) if u.id in ferry_sites
                               else None)
                    if back_km is not None:
                        notes.append(
                            f"{u.id}: going round the fortified regions takes it back to the "
                            f"Soviet side at km {back_km:.0f}, across the river it is ferried "
                            "over: it follows the breach (fortified-regions.yaml "
                            "rule.bypass.ferried)")
                    else:
                        round_km = float(round_.segments["cum_km"].iloc[-1])
                        direct_km = float(chosen.segments["cum_km"].iloc[-1])
                        parent_round = _leads(u, by_id, went_round)
                        if parent_round is not None:
                            chosen = round_ if parent_round else chosen
                            way = "goes round" if parent_round else "follows the breach"
                            notes.append(
                                f"{u.id}: going round the fortified regions takes "
                                f"{round_days:.1f} d, following the breach through them "
                                f"{direct_days:.1f} d; it is {u.parent}'s forward detachment "
                                f"and {u.parent} {way}: it {way} too, ahead of it on its "
                                "axis (route_choice._leads)")
                        else:
                            if goes_round(round_days, round_km, direct_days, direct_km):
                                chosen = round_
                            tie = (f" (within {QUICKER_TIE_H:g} h: a tie, the shorter route "
                                   f"taken, {round_km:.0f} km round against {direct_km:.0f} km)"
                                   if _tie(round_days, direct_days) else "")
                            notes.append(
                                f"{u.id}: going round the fortified regions takes "
                                f"{round_days:.1f} d, following the breach through them "
                                f"{direct_days:.1f} d{_open_text(direct, breaches)}{tie}: it "
                                f"{'goes round' if chosen is round_ else 'follows the breach'} "
                                "(fortified-regions.yaml rule.bypass.quicker_way)")
                        went_round[u.id] = chosen is round_
        except NoRouteError as exc:  # its text names ``who`` already when snap_point raised it
            text = str(exc)
            raise ConfigError(text if text.startswith(who) else f"{who}: {text}") from None
        notes += chosen.notes
        chosen_routes[u.id] = replace(chosen, toll=toll)  # where its ferrying was paid
        if regions:
            # the breaches it makes: the later formations' comparisons see them
            breaches.add(u.id, _route_clock(chosen.segments, u, regions, rate_km_per_day,
                                            breaches, toll))
    return chosen_routes


def _leads(u: ResolvedFormation, by_id: dict, went_round: dict[str, bool]) -> bool | None:
    """Whether ``u``'s parent went round the fortified regions, when ``u`` is that parent's
    forward detachment and both go round where it is quicker (``bypass``) toward the same
    objectives: then ``u`` takes its parent's way (None: ``u`` decides on its own clock).
    Why: a forward detachment moves ahead of its main body on the body's axis, seizing the
    crossings and junctions the body will use ([NEBOLSIN-2015] the main forces 'следовали за
    передовыми отрядами', followed the forward detachments); decided each on its own clock,
    a near tie sent the 10th Mechanized Corps round the Dongning region (7.8 d against 7.9)
    and its forward detachment through it (7.8 d each), 548 and 455 km, 90 km apart. The
    parent decides (its route is planned first, ``route_order``): the body's way is the axis."""
    p = by_id.get(u.parent) if u.parent else None
    if (p is None or u.parent not in went_round or u.role != "forward_detachment"
            or p.fortified_action != "bypass"
            or [o.name for o in u.objectives] != [o.name for o in p.objectives]):
        return None
    return went_round[u.parent]


def route_order(units) -> list[ResolvedFormation]:
    """``units`` in the order their routes are planned: parents before children (a formed
    child starts from its parent's route), and at each depth the formations that break into
    fortified regions before those that may go round them or follow behind (the bypass rule
    prices a depth by the breaches planned before it, route_clock.py)."""
    by_id = {u.id: u for u in units}
    return sorted(units, key=lambda u: (_depth(u, by_id),
                                        u.fortified_action in ("bypass", "follow")))


class _FrontierCells:
    """The grid's big-river cells on the 1945 frontier (:func:`~logistics.advance.ferry_toll.
    frontier_river_cells`), drawn on first use and once per army; ``sides``: the plan's side
    grid (None: drawn here)."""

    def __init__(self, terrain, sides) -> None:
        self.terrain, self.sides, self._cells = terrain, sides, None

    def cells(self) -> np.ndarray:
        if self._cells is None:
            from logistics.advance.ferry_toll import (AMUR_FROM_LON, FRONTIER_WINDOW_KM,
                                                      frontier_river_cells)
            from logistics.advance.frontier import home_sides

            sides = self.sides if self.sides is not None else home_sides(self.terrain)
            self._cells = frontier_river_cells(self.terrain, sides, FRONTIER_WINDOW_KM,
                                               AMUR_FROM_LON)
        return self._cells


def _regions_to_go_round(u: ResolvedFormation, regions, notes: list[str]) -> list:
    """The fortified regions a formation of a bypass kind goes round where that is quicker:
    every one but those holding its start or an objective (``rule.bypass.no_way_round``) and
    those whose shielded ground holds one (``no_way_round.defended_place``), whose
    breach it follows; a run note names each of those."""
    pts = [(u.start_lon, u.start_lat)] + [(o[1], o[2]) for ob in u.objectives
                                           for o in ob.options]
    held = [r for r in regions if _holds_any(r.shape, pts)]
    defends = [r for r in regions if r not in held and r.shields is not None
               and _holds_any(r.shields, pts)]
    if held:
        notes.append(f"{u.id}: bypasses fortified regions but its own start or objective "
                     f"lies in {', '.join(r.id for r in held)}: it follows the breach "
                     "through them (fortified-regions.yaml rule.bypass.no_way_round)")
    if defends:
        notes.append(f"{u.id}: bypasses fortified regions but an objective lies in the "
                     f"ground {', '.join(r.id for r in defends)} defends: it follows the "
                     "breach through it (fortified-regions.yaml "
                     "rule.bypass.no_way_round.defended_place)")
    return [r for r in regions if r not in held and r not in defends]


def _sector_rule_cells(terrain, u: ResolvedFormation, ferry_sites: dict, sides
                       ) -> np.ndarray | None:
    """Bool grid of the cells the sector rules close to formation ``u``'s route, or None when
    no rule applies: a major river is crossed only where its flotilla ferries it
    (``ferry_sites``, advance/ferry_sites.py), and the home side of the frontier is left
    only on the way to its own sector (``sides``, advance/frontier.py; None: not applied).
    Why one grid: a route that cannot keep to them all is taken free of them all
    (:func:`_ruled_or_free`)."""
    from logistics.advance.ferry_sites import ferry_barrier
    from logistics.advance.frontier import home_barrier

    closed = []
    if u.id in ferry_sites:
        closed.append(ferry_barrier(terrain, ferry_sites[u.id]))
    if sides is not None:
        closed.append(home_barrier(terrain, sides, u.start_lon, u.start_lat))
    closed = [b for b in closed if b is not None]
    return np.logical_or.reduce(closed) if closed else None


def formed_at(parent_seg, when: str, caps_taiga_km: float) -> tuple[float, str]:
    """(km on the parent's route where a child formation is formed, why it is formed at km 0
    when its event is not on that route: '' when it is). Not an error: whether a route
    crosses a major river can depend on the grid's resolution, so the run says so instead."""
    kms = parent_seg["cum_km"].to_numpy(dtype=np.float64)
    if when == "after_range_crossing":
        elev = parent_seg["elev_m"].to_numpy(dtype=np.float64)
        if np.isfinite(elev).any():
            return float(kms[int(np.nanargmax(elev))]), ""
        return 0.0, "formed at km 0: no elevation on its parent's route"
    if when == "after_river_crossing":
        rc = parent_seg["river_class"].to_numpy()
        big = np.flatnonzero(np.isin(rc, BIG_RIVER_CLASSES))
        if not len(big):
            return 0.0, ("formed at km 0: no river crossing on its parent's route (formed: "
                         "after_river_crossing; no major or large river on it at this grid's "
                         "resolution)")
        i = big[0]
        while i + 1 < len(rc) and rc[i + 1] in BIG_RIVER_CLASSES:
            i += 1
        return float(kms[min(i + 1, len(kms) - 1)]), ""
    if when == "after_taiga_belt":
        from logistics.terrain.classes import TerrainClass

        forest = parent_seg["terrain_class"].to_numpy() == int(TerrainClass.FOREST)
        beyond = np.flatnonzero((kms >= caps_taiga_km) & ~forest)
        return (float(kms[beyond[0]]) if len(beyond) else float(min(caps_taiga_km, kms[-1]))), ""
    return 0.0, ""

def _passed_with_parent(own, parents, parent_km, k0: float) -> tuple[tuple[str, float], ...]:
    """``(name, km)`` of a formed formation's leading objectives that are its parent's first
    ones too (the same places, in the same order) and that the parent's route reaches by
    ``k0``, the km where the formation is formed: it passed them in its parent's column, so
    its own route starts beyond them (a forward detachment formed after a river crossing
    turned 300 km back for its first objective, before the river). The last objective is
    always left to its own route (it needs one leg)."""
    done = []
    for mine, theirs, (name, km) in zip(own[:-1], parents, parent_km):
        if mine.options != theirs.options or km > k0 + 1e-9:
            break
        done.append((name, float(km)))
    return tuple(done)


def _join(a: pd.DataFrame, upto_km: float, b: pd.DataFrame) -> pd.DataFrame:
    """Segment table ``a`` up to ``upto_km`` followed by ``b`` (which starts there)."""
    head = a[a["cum_km"] <= upto_km + 1e-9]
    tail = b.iloc[1:].copy()
    tail["cum_km"] = tail["cum_km"] + float(head["cum_km"].iloc[-1])
    return pd.concat([head, tail], ignore_index=True)


def _start_across_the_frontier(u) -> str | None:
    """A run note when formation ``u`` starts on the Japanese-held side of the 1945 frontier
    (``logistics.terrain.sides``, today's boundary), else None. Every shipped start lies on
    the Soviet or Mongolian side (configs/armies/README.md, "Departure lines and start
    points"), so the route from it pays the frontier river and belt; a start put on the far
    bank within ``departure.tolerance_km`` of the line (newuser20: 7 km from Blagoveshchensk,
    across the Amur) skipped them without a word. A note, not a refusal: a
    bridgehead held before H-hour starts there on purpose."""
    from logistics.terrain.sides import JAPANESE, side_of

    if int(side_of([u.start_lon], [u.start_lat])[0]) != JAPANESE:
        return None
    return (f"{u.id}: its start ({u.start_lat:.3f} N, {u.start_lon:.3f} E) lies on the "
            "Japanese-held side of the frontier (logistics/terrain/sides.py: today's "
            "boundary), so its route crosses no frontier river or border belt; a start on the "
            "departure line lies on the Soviet or Mongolian side (configs/armies/README.md, "
            "'Departure lines and start points') unless the formation held a bridgehead")

def _ruled_or_free(ruled, free, fid: str, notes: list[str]):
    """The route ``ruled()`` gives (kept to the formation's own sector and ferry sites), else
    the one ``free()`` gives, with a run note naming the sector rules as the cause. Only then:
    when ``free()`` finds no route either, the sector rules did not cause it and the note
    would be false (the 1st Red Banner Army's tank brigades were told they 'take the free
    route' round the fortified regions that they then could not go round); ``free()``'s
    error is raised for the caller's own rule (e.g. rule.bypass.no_way_round) to name."""
    try:
        return ruled()
    except (NoRouteError, ConfigError) as exc:
        why = exc
    out = free()
    notes.append(f"{fid}: no route keeps to its own sector and ferry sites ({_cause(why)}); "
                 "it takes the free route")
    return out


def _cause(exc: Exception) -> str:
    """An error the plan recovers from, quoted in a run note without its "; fix: ...": the
    run went on by the rule the note names, so there is nothing to fix (the 1st Red Banner
    Army's tank brigades were told to move Mudanjiang or assault the fortified regions,
    though they reached Mudanjiang following the breach, rule.bypass.no_way_round)."""
    return str(exc).split("; fix:", 1)[0]


def _back_across_km(seg: pd.DataFrame) -> float | None:
    """Route km where a route, after its first step onto a major or large river (the crossing
    a ferried formation is ferried at), is back on the Soviet-Mongolian side of the frontier
    (:func:`logistics.terrain.sides.side_of`); None when it never is. A ferried formation is
    carried across once; a way round a fortified region back through the USSR would cross the
    river twice more, unferried (fortified-regions.yaml rule.bypass.ferried)."""
    from logistics.terrain.sides import SOVIET, side_of

    rc = seg["river_class"].to_numpy() if "river_class" in seg else np.zeros(len(seg))
    onto = np.flatnonzero(np.isin(rc, BIG_RIVER_CLASSES))
    if not onto.size:
        return None
    rest = seg.iloc[int(onto[0]):]
    back = np.flatnonzero(side_of(rest["lon"].to_numpy(float), rest["lat"].to_numpy(float))
                          == SOVIET)
    return float(rest["cum_km"].iloc[int(back[0])]) if back.size else None


def _route_clock(seg: pd.DataFrame, u: ResolvedFormation, regions, rate_km_per_day: float,
                 breaches: Breaches, toll) -> RouteClock:
    """The planned clock of a formation's whole route (the bypass rule's comparison of going
    round with following the breach, :mod:`~logistics.advance.route_clock`): each step at the
    column's pace over the norm's ``hours_per_day``; the charged depth
    (:func:`~logistics.advance.depths.fortified_passes`: at most each region's depth) at the
    breakthrough rate round the clock, after the breach's start, or at its own pace through a
    breach the army's formations planned before it have come out of (``breaches``); and its
    ferrying (``toll``: :func:`~logistics.advance.ferry_toll.ferry_toll`, None: not ferried)
    at each big river it is ferried over."""
    passes = fortified_passes(seg, regions, u) if regions else ()
    return route_clock(seg, u, passes, rate_km_per_day, breaches=breaches,
                       ferry_cells=None if toll is None else toll.cells,
                       ferry_h=0.0 if toll is None else toll.seconds / 3600.0)


#: Hours within which the bypass rule's two planned clocks (going round, following the breach)
#: are a tie (:func:`goes_round`). Assumed: the step loop moves and records the army by the
#: hour, so the run cannot tell two plans apart that are less than its step apart, and the
#: plan's clock (:mod:`~logistics.advance.route_clock`) is an estimate no finer. Why: decided
#: on the clocks' last minutes, the choice flipped with any change elsewhere in the model (the
#: 25th Army's forward detachment of the 10th Mechanized Corps: 7.776 d through, 7.783 d
#: round, 9 minutes apart on a week's march, 93 km apart).
QUICKER_TIE_H = 1.0


def _tie(round_days: float, direct_days: float) -> bool:
    """Whether the two clocks (days) are within :data:`QUICKER_TIE_H` of each other."""
    return abs(round_days - direct_days) * 24.0 <= QUICKER_TIE_H


def goes_round(round_days: float, round_km: float, direct_days: float, direct_km: float) -> bool:
    """Whether a bypassing formation goes round (``rule.bypass.quicker_way``): when going round
    (``round_days`` on its planned clock, ``round_km`` long) is quicker than following the
    breach (``direct_days``, ``direct_km``); on a tie (:func:`_tie`) the shorter route, going
    round when the two are as long. Why the shorter on a tie: going round is how the mobile
    formations kept their pace, not an end in itself (the rule's own reason), and a route no
    quicker but longer burns more fuel for nothing; the same rule on every axis."""
    if _tie(round_days, direct_days):
        return round_km <= direct_km
    return round_days < direct_days


def _route_days(seg: pd.DataFrame, u: ResolvedFormation, regions, rate_km_per_day: float,
                breaches: Breaches | None = None, toll=None) -> float:
    """Days of :func:`_route_clock` (no breaches planned, not ferried: every depth at the
    rate)."""
    return _route_clock(seg, u, regions, rate_km_per_day, breaches or Breaches(), toll).days


def _open_text(clock: RouteClock, breaches: Breaches) -> str:
    """' (through the open breach of <formations>)' when the clock crosses a depth through
    one, else ''."""
    if not clock.open_passes:
        return ""
    by = sorted({breaches.by[r] for p, _, _ in clock.passes for r in pass_regions(p)
                 if r in breaches.by})
    return f" (through the open breach of {', '.join(by)})" if by else ""


def formation_key(army, formation_id: str) -> str:
    """The army file's key path of a formation, ``formations.<n> (<id>)``: the form the
    file's other messages name it by (``army.messages``, ``army.checks``), so a user finds
    the n-th entry; ``formations (<id>)`` for one the file does not list itself."""
    n = next((i for i, f in enumerate(army.formations) if f.id == formation_id), None)
    return f"formations ({formation_id})" if n is None else f"formations.{n} ({formation_id})"


def _depth(u: ResolvedFormation, by_id: dict) -> int:
    d, cur = 0, u.parent
    while cur is not None and cur in by_id and d < 100:
        d, cur = d + 1, by_id[cur].parent
    return d


def _holds_any(shape, points) -> bool:
    from shapely import contains_xy

    pts = np.asarray(points, dtype=np.float64)
    return bool(contains_xy(shape, pts[:, 0], pts[:, 1]).any()) if len(pts) else False
