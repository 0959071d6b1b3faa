"""Column pace and march schedule of a formation, from the sourced march norms (issue 13 item 4,
issue 10 item 6): never one vehicle's speed, never an administrative daily cap.

On each step of its route a column moves at the slowest of (a) the physics speed of each of its
classes on that step (the cost engine), (b) its norm's ``max_speed_kmh`` (by day; times
``night_speed_factor`` at night, applied by the step loop), (c) the speed observed in Manchuria
under a named condition (``configs/norms/march.yaml observed``) where the condition holds: a
tracked or wheeled column climbing (a step rising ``min_grade`` or more), tracked columns on
wet slopes, any column in the roadless forest belt within ``within_km_of_departure`` of the
departure line and farther than ``min_km_from_railway`` from a 1945 railway on the Japanese
side (the route's ``railway_km``, :func:`logistics.terrain.railways.railway_distance_km`),
tracked and wheeled columns on low ground in the wet season (``max_elev_m``; ``max_lon`` may
bound a cap to the west). Its day is ``hours_per_day`` under way from ``start_hour``; foot columns under
the heat rule march at night (``heat_rule``: its season, on the fronts it names). The column
closes up every evening: its length (motor vehicles over its routes, ``gap_m`` apart) over its
mean pace is taken off the head's march hours (:mod:`logistics.advance.formation`). Its whole
length (its men on foot and horsemen in ranks too) over the same pace is how many of the
column's march hours its tail trails the head's trajectory (``FormationPlan.tail_lag_h``).

A vehicle that moves slower than it could in column behind a slower class burns its idle flow
for the extra time (``idle_fuel_l_per_h`` of its vehicle file: :func:`logistics.advance.
elements.profile`). Under its norm's speed it burns the step's litres of the cost engine (per
km, the physics speed's): a column held to its norm drives in a higher gear, its engine slower,
and the zero-load flow per km stays what it was. Under an observed cap (the ground: mud,
taiga, a climb) it burns those litres plus its engine's zero-load flow for every hour the cap
adds over the slower of its physics and its norm (:func:`engine_hours_fuel_l`): a column
crawling at walking pace through mud is in a low gear with its engine at working speed, and
the cost engine's Willans line (:mod:`logistics.cost.engine`) charges that flow per hour, not
per km (up to the hours of a crawl at :data:`CRAWL_KMH`: slower is bounds and waits).

A formation that carries its men on its vehicles (``march.yaml dismount.movements``) is never
slower than its men on foot (:func:`dismounted_step_times`): on a step where its vehicles'
day's progress falls below the foot march's, the step takes the foot march's progress.
"""

from __future__ import annotations

import numpy as np

from logistics.advance.schedule import MarchSchedule
from logistics.army.norms import MarchNorm, ObservedCap
from logistics.terrain.classes import TerrainClass

__all__ = ["column_kind", "norm_floor_s", "capped_step_times", "march_schedule_for", "column_km",
           "dismounted_step_times", "engine_hours_fuel_l"]

#: Kind of column (for ``observed`` caps' ``applies_to``) by movement.
_KIND = {"tracked": "tracked", "tank_riders": "tracked", "motor": "wheeled",
         "truck_borne": "wheeled", "foot": "foot", "horse": "horse"}


def column_kind(movement: str) -> str:
    """``tracked``, ``wheeled``, ``foot`` or ``horse`` for a formation's movement."""
    return _KIND.get(movement, movement)


def _condition(cap: ObservedCap, seg, season: str, from_departure_km: np.ndarray) -> np.ndarray:
    """Bool per step: where ``cap``'s condition holds on the route ``seg``."""
    n = len(seg)
    ok = np.ones(n, dtype=bool)
    ok[0] = False
    grade = seg["grade"].to_numpy(dtype=np.float64)
    for k, v in cap.when.items():
        if k == "min_grade":
            ok &= grade >= float(v)
        elif k == "min_abs_grade":
            ok &= np.abs(grade) >= float(v)
        elif k == "season":
            ok &= season == str(v)
        elif k == "terrain_class":
            code = int(TerrainClass[str(v).upper()])
            ok &= seg["terrain_class"].to_numpy() == code
        elif k == "within_km_of_departure":
            ok &= from_departure_km <= float(v)
        elif k == "max_elev_m":
            elev = seg["elev_m"].to_numpy(dtype=np.float64)
            ok &= np.nan_to_num(elev, nan=np.inf) <= float(v)
        elif k == "max_lon":
            ok &= seg["lon"].to_numpy(dtype=np.float64) <= float(v)
        elif k == "min_km_from_railway":  # no railway_km column: no railway known anywhere
            if "railway_km" in seg:
                ok &= seg["railway_km"].to_numpy(dtype=np.float64) > float(v)
        else:
            raise ValueError(f"observed cap {cap.id}: unknown condition {k!r}")
    return ok


def caps_hold(caps: tuple[ObservedCap, ...], ids: tuple[str, ...], seg, season: str,
              from_departure_km: np.ndarray) -> np.ndarray:
    """Bool per step of the route ``seg``: where the condition of any of the observed caps
    ``ids`` holds on ``season`` ground (whatever kind of column they apply to)."""
    out = np.zeros(len(seg), dtype=bool)
    for cap in caps:
        if cap.id in ids:
            out |= _condition(cap, seg, season, from_departure_km)
    return out


def norm_floor_s(dist_m: np.ndarray, norm: MarchNorm | None) -> np.ndarray:
    """Seconds each step of ``dist_m`` metres takes at the march norm's ``max_speed_kmh``: the
    least time a column's step may take (its day pace never exceeds the norm); zeros with no
    norm or speed."""
    dist = np.asarray(dist_m, dtype=np.float64)
    if norm is None or not norm.max_speed_kmh > 0:
        return np.zeros_like(dist)
    return dist / (norm.max_speed_kmh / 3.6)


def capped_step_times(seg, step_time_s: np.ndarray, *, norm: MarchNorm | None, movement: str,
                      season: str, caps: tuple[ObservedCap, ...],
                      from_departure_km: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Per-class step times (n_classes, n) slowed to the column's day pace: the norm's speed
    and the observed condition caps that apply to this kind of column on this season.
    Returns the times and one note per cap that is the slowest bound somewhere, with the km
    of the route where it is (each km under one cap at most: where the conditions of several
    hold, the slowest bounds the pace; where the norm's own speed is slower, none). Why: a
    note per cap of the km where its condition held counted a km under two caps twice, and
    the 5th Separate Rifle Corps' self-propelled guns read '1 km' climbing plus '208 km'
    washed out on a 207.6 km route."""
    dist = seg["dist_m"].to_numpy(dtype=np.float64)
    floor = norm_floor_s(dist, norm)
    kind = column_kind(movement)
    bound_by = np.full(len(dist), -1)  # per step: the index in ``held`` of its slowest cap
    held: list[ObservedCap] = []
    for cap in caps:
        if kind not in cap.applies_to:
            continue
        where = _condition(cap, seg, season, from_departure_km)
        if where.any():
            capped = dist / (cap.kmh / 3.6)
            bound_by[where & (capped > floor)] = len(held)
            held.append(cap)
            floor = np.where(where, np.maximum(floor, capped), floor)
    notes = [f"{cap.id} ({cap.kmh:g} km/h) on {_km_text(dist[bound_by == i].sum() / 1000)} "
             f"({season})" for i, cap in enumerate(held) if (bound_by == i).any()]
    return np.maximum(np.asarray(step_time_s, dtype=np.float64), floor[None, :]), notes


#: Slowest speed (km/h) at which a column drives on without stopping, in its lowest gear.
#: assumed: no source gives it; 1940s tank and truck first gears make some 5-10 km/h at the
#: engine's working speed and about a third of it near idle, so about 2 km/h. A cap slower
#: than this is a rate of advance made of bounds and waits (the roadless taiga's 0.5-0.7 km/h
#: is the pace at which the column track is cut ahead, [BELOBORODOV]), with the engines
#: stopped between bounds: they run for the km at this speed, not for the cap's hours.
CRAWL_KMH: float = 2.0


def engine_hours_fuel_l(physics_s: np.ndarray, column_s: np.ndarray, floor_s: np.ndarray,
                        dist_m: np.ndarray, zero_load_l_per_h: np.ndarray) -> np.ndarray:
    """Litres per vehicle (n_classes, n) each class's engine burns, beyond the cost engine's
    step litres, for the hours an observed cap adds to its step: its zero-load flow
    (``zero_load_l_per_h`` per class, L/h; 0 for men) times its running time over the slower
    of its physics time ``physics_s`` (the cost engine's, s) and the norm's floor ``floor_s``
    (:func:`norm_floor_s`, s per step). Its running time is its step time ``column_s`` (s, per
    class, as :func:`capped_step_times` and :func:`dismounted_step_times` leave it), at most
    the step's ``dist_m`` at :data:`CRAWL_KMH`.

    Why: the cost engine prices a step at the vehicle's physics speed, and its Willans line
    burns the zero-load flow per hour; a column held to 4 km/h in mud ran its engines several
    times as many hours per km as at its physics speed and burnt the same litres in the model.
    With the work per km unchanged at a slower speed (the power the move needs falls with the
    speed), those hours cost the zero-load flow each: exact on the Willans line when the
    engine keeps its working speed. assumed: under an observed cap the ground holds the column
    in a low gear, its engine at working speed (the line's own condition); the hours its
    norm's speed adds are driven in a higher gear at lower engine speed, which leaves the
    zero-load flow per km as it was, so they cost nothing here (a lower bound: a norm-paced
    column later held by mud shifts down for the whole of its crawl); so do the hours of the
    night's slower pace (``night_speed_factor``, applied by the step loop: the order of the
    march in the dark, not the ground)."""
    t = np.asarray(column_s, dtype=np.float64)
    ref = np.maximum(np.asarray(physics_s, dtype=np.float64),
                     np.asarray(floor_s, dtype=np.float64)[None, :])
    crawl_s = np.asarray(dist_m, dtype=np.float64) / (CRAWL_KMH / 3.6)
    running = np.minimum(t, np.maximum(ref, crawl_s[None, :]))
    ok = np.isfinite(t) & np.isfinite(ref)  # a step no class can drive adds no engine hours
    extra_s = np.maximum(np.where(ok, running, 0.0) - np.where(ok, ref, 0.0), 0.0)
    return extra_s * np.asarray(zero_load_l_per_h, dtype=np.float64)[:, None] / 3600.0


def _km_text(km: float) -> str:
    """km of a note, whole ('208 km'), and 'under 1 km' rather than '0 km'."""
    return f"{km:.0f} km" if km >= 0.5 else "under 1 km"


def dismounted_step_times(step_time_s: np.ndarray, pace_mask: np.ndarray, foot_step_s: np.ndarray,
                          *, vehicle_day: MarchSchedule, foot_day: MarchSchedule,
                          allowed: np.ndarray | None = None
                          ) -> tuple[np.ndarray, np.ndarray]:
    """Per-class step times (n_classes, n, s) of a column whose men ride its vehicles, with
    its men dismounted where they march farther a day than the column drives
    (``march.yaml dismount``, assumed).

    A step's day's progress is its km over its time times the schedule's
    :attr:`~MarchSchedule.progress_hours_per_day`: the column's (the slowest ``pace_mask``
    class's time, ``vehicle_day``) against its men's on foot (``foot_step_s``: the foot
    column's time on the step, its norm's speed and caps, ``foot_day``). Where the men's is
    greater, every pace class takes the foot time x ``vehicle_day`` / ``foot_day`` hours, so a
    day of the column's own window covers what the men march in theirs; elsewhere, and for
    the other classes, nothing changes; ``allowed`` (bool per step, None: every step) keeps
    the rule to some steps (``dismount.where_caps``). Returns the times and the dismounted
    steps (bool).
    No idle flow follows (the vehicles' own time is the new one): they burn their own going's
    litres for the step, manhandled through at the men's pace, and their engines' zero-load
    flow for the hours that pace adds (:func:`engine_hours_fuel_l`, up to a crawl)."""
    t = np.asarray(step_time_s, dtype=np.float64)
    pace = np.asarray(pace_mask, dtype=bool)
    if not pace.any():  # as the step loop: every class bounds the column then
        pace = np.ones(len(t), dtype=bool)
    column = t[pace].max(axis=0)
    ratio = vehicle_day.progress_hours_per_day / foot_day.progress_hours_per_day \
        if foot_day.progress_hours_per_day > 0 else np.inf
    on_foot = np.asarray(foot_step_s, dtype=np.float64) * ratio
    where = np.isfinite(on_foot) & (column > on_foot)
    if allowed is not None:
        where &= np.asarray(allowed, dtype=bool)
    rows = np.where(pace[:, None] & where[None, :], np.minimum(t, on_foot[None, :]), t)
    return rows, where


def march_schedule_for(norm: MarchNorm | None, *, movement: str, season: str, front: str,
                       column_length_km: float, mean_kmh: float,
                       speed_scale: float = 1.0) -> MarchSchedule:
    """The formation's march window on ``season`` ground: the norm's hours, moved to the
    night by the heat rule where it applies, closed up for its column."""
    from logistics.advance.formation import close_up_hours

    if norm is None:  # carried formations keep the clock of their means
        return MarchSchedule(start_hour=0.0, hours_per_day=24.0)
    start, hours = norm.start_hour, norm.hours_per_day
    heat = norm.heat
    if heat is not None and heat.season == season and (not heat.fronts or front in heat.fronts):
        start, hours = heat.start_hour, heat.hours
    return MarchSchedule(
        start_hour=start, hours_per_day=hours,
        close_up_h=close_up_hours(column_length_km, mean_kmh * speed_scale),
        night_hours=norm.night_hours, night_speed_factor=norm.night_speed_factor,
    )


def column_km(motor_vehicles: int, routes: int, gap_m: float, *,
              ranks: tuple[tuple[float, float, float], ...] = ()) -> float:
    """Road length of one of ``routes`` parallel columns holding ``motor_vehicles`` (km), and
    ``ranks`` ((count, abreast, rank_m) of men on foot or horsemen:
    :func:`logistics.advance.formation.road_column_km`) when given."""
    from logistics.advance.formation import road_column_km

    return road_column_km(int(motor_vehicles), max(1, int(routes)), float(gap_m), ranks=ranks)
