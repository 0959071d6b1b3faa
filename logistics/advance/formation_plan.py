"""One formation's plan: its vehicle classes, the step times and fuel of every class along its
route per season at the column's pace, its march window, its stops (objectives, river
crossings priced once by the cost engine, fortified depths, depots), its ferrying, and the
means that move it other than its own wheels and tracks (a truck shuttle, men dismounted, a
flotilla's or a train's timetable).

Plain data out (:class:`FormationPlan`); :func:`formation_plan` is called by
:func:`logistics.advance.plan.build_army_plan` for each formation once its route is chosen
(:mod:`~logistics.advance.route_choice`). It calls the cost engine; the step loop
(:mod:`logistics.advance.simulate`) only reads what it returns.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from logistics.advance.depths import FortifiedPass, fortified_passes
from logistics.advance.movement import Timetable, through_depths
from logistics.advance.route_choice import formed_at
from logistics.advance.schedule import MarchSchedule, SeasonalWindow, hours_since
from logistics.army.resolve import FOOT, HORSE, MEN_CLASSES, ResolvedFormation
from logistics.errors import ConfigError
from logistics.terrain.classes import BIG_RIVER_CLASSES
from logistics.vehicles import no_tank_capacity

#: The kind of ``march.yaml column_depth`` each marching class's ranks take (men on foot,
#: horsemen): the whole column's length, which places its tail.
_RANKS_OF: dict[str, str] = {FOOT: "foot", HORSE: "horse"}

if TYPE_CHECKING:
    import xarray as xr

    from logistics.army.fortified import Region
    from logistics.army.norms import Norms
    from logistics.army.schema import Army, FlotillaSpec
    from logistics.cost.models import CostModels

__all__ = ["CrossingStop", "FormationPlan", "formation_plan", "ferried_over",
           "ferried_water_steps"]


@dataclass(frozen=True)
class CrossingStop:
    """A river crossing of a formation's route, priced once by the cost engine: ``crossing_h``
    is what the pace vehicle's route time already holds for it (no stop is added);
    ``frontier``: the route crosses the 1945 frontier there where it is the Amur or the Ussuri
    (:func:`~logistics.advance.ferry_toll.on_frontier`), where a major or large river is ferried
    (:meth:`~logistics.advance.holds.Holds.ferried_at`)."""

    km: float
    lon: float
    lat: float
    river_class: int
    crossing_h: float
    frontier: bool = False
    #: km of opened water the route crosses there (``ferry_sites.crossing_water_km``; 0: a
    #: river line on land), this channel's own, and what its ferrying's water beyond the
    #: channel (big rivers only; ``ferry_beyond_km``) makes of a ferrying there: every
    #: means' hours x ``time_factor`` (network/river.py ``crossing_time_factor`` of the
    #: channel and that), the head on the far bank ``landing_h`` after a means starts on it
    #: (``first_landing_h``)
    water_km: float = 0.0
    time_factor: float = 1.0
    landing_h: float = 0.0
    #: km of the crossing whose ferrying takes this one too, when this is a later channel of
    #: one big river's crossing across an island (``ferry_sites.channel_groups``; that
    #: crossing's ``ferry_beyond_km`` holds this one's water); None: its own
    joins_km: float | None = None
    #: km of its opened water beyond the assumed channel (movement.yaml
    #: ``river.own_means.width_km``) as the route search pays it, cell by cell
    #: (``ferry_sites.crossing_beyond_channel_km``, ferry_toll.py ``water_toll_s``): what
    #: its ferrying crosses more than the channel (ferry35: one rule for the search and the
    #: step loop). 0: none (no opened water, or all within the channel's half of a bank)
    beyond_km: float = 0.0
    #: km beyond the channel its ferrying carries it over: its own ``beyond_km`` and its
    #: later channels' (those whose ``joins_km`` is this one's km; :func:`_one_ferrying`);
    #: None: ``beyond_km``. Why apart (ferry35): the first channel's ``water_km`` held all
    #: their water and each later channel's its own too, so crossings.csv's ``water_km``
    #: summed over its rows counted a later channel's water twice
    ferry_beyond_km: float | None = None
    #: whether the formation's route search paid its ferry toll at this crossing
    #: (``ferry_toll.toll_paid_s``; True when it had none or this is no big river): a big
    #: river's crossing it did not pay it at (a diagonal step past the big river's corner,
    #: the search round it through a smaller river's cell) is not ferried (:func:`ferried_over`)
    tolled: bool = True
    #: indices of the route's steps over that opened water beyond the crossing's own step
    #: (``ferry_sites.crossing_water_steps``): where a ferried formation is carried, not
    #: marched (:func:`ferried_water_steps`)
    water_steps: tuple[int, ...] = ()
    #: the share of each of ``water_steps``' length over that water
    #: (``ferry_sites.crossing_water_shares``: a knight's move jumping water partly); empty:
    #: all 1
    water_shares: tuple[float, ...] = ()
    #: km of the far bank: where the last of ``water_steps`` (of the last channel's, those
    #: of its ferrying joined, ``joins_km``) leaves the water, the edge of the last water
    #: cell it passes by the cost engine's weights of its cells
    #: (``ferry_sites.crossing_far_bank_km``; on a straight step out of the water half its
    #: length, the line between the water cell and the first cell past it). None: ``km``
    #: (no water beyond its own step). Where a ferried formation's bridgehead starts
    #: (holds.py ``bridgehead_km``), so the bridgehead's land is measured from there; the
    #: same km is crossings.csv's ``far_km``. Why (ferry35): it was the centre of the landing
    #: cell, half a cell past the bank, and the bridgehead reached that much farther
    far_km: float | None = None


def ferried_over(c: CrossingStop, ferry_by: str | None, own_means_h: float) -> bool:
    """Whether a formation ferried by brigade ``ferry_by`` (None: none) with own means of
    ``own_means_h`` hours (inf: none) is ferried over the river of crossing ``c``: a major or
    large river (``BIG_RIVER_CLASSES``) its flotilla sails, or on the Amur-Ussuri frontier
    (``c.frontier``) when it has own means, where its route search paid its ferrying
    (``c.tolled``). The one rule of
    :meth:`~logistics.advance.holds.Holds.ferried_river` and :func:`ferried_water_steps`."""
    return c.river_class in BIG_RIVER_CLASSES and c.tolled and (
        bool(ferry_by) or (c.frontier and math.isfinite(own_means_h)))


def ferried_water_steps(crossings: Sequence[CrossingStop], n: int, ferry_by: str | None,
                        own_means_h: float) -> np.ndarray:
    """Float over a route's ``n`` steps, the share of each step (0 to 1; ``water_shares``,
    1 unless a knight's move passes water partly) over the opened water of the crossings the
    formation is ferried over (:func:`ferried_over`; a later channel of a crossing with it,
    ``joins_km``, as its first is), beyond each crossing's own step (``water_steps``: the
    head waits for its means at the crossing, the cost engine's crossing price kept there).
    Why (ferrywide33): the ferry carries the formation across that water (its ferrying timed
    by it, ``time_factor``), but the head, landed, still marched it at land pace and burned
    fuel on it (the 15th Army's SP battalions 2.2 km of the river-lake at Leninskoye, a
    knight step over it); on these steps it takes no time and no
    fuel (:func:`formation_plan`), its km along the route unchanged."""
    out = np.zeros(n, dtype=np.float64)
    for c in crossings:
        if c.water_steps and ferried_over(c, ferry_by, own_means_h):
            out[np.asarray(c.water_steps, dtype=np.int64)] = (
                c.water_shares if c.water_shares else 1.0)
    return out


def _not_marched(tables: Mapping[str, np.ndarray], steps: np.ndarray) -> dict:
    """Per season, ``tables`` ((n_classes, n) step times or litres) times 1 less the carried
    share of each step (``steps``: :func:`ferried_water_steps`; 0 on a step all over water);
    the same objects when there is none."""
    steps = np.asarray(steps, dtype=np.float64)
    if not steps.any():
        return dict(tables)
    return {season: np.where(steps >= 1.0, 0.0, np.asarray(t, dtype=np.float64) * (1.0 - steps))
            for season, t in tables.items()}


@dataclass(frozen=True)
class FormationPlan:
    """One formation's plan (see the module docstring). Arrays over the route's points:
    ``km``, ``lon``, ``lat``, ``elev_m``; per class (``class_ids``): ``fuel_types``,
    ``tank_l`` (one refill per vehicle, 0 for men), ``extra_l``, ``counts``, ``pace_mask``
    (classes that bound the column's pace), ``idle_l_per_h``; per season: ``step_time_s``
    (n_classes, n) at the column's day pace and ``step_fuel_l`` (n_classes, n) per vehicle;
    ``schedule`` per season."""

    unit: ResolvedFormation
    km: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    elev_m: np.ndarray
    cells: np.ndarray
    class_ids: tuple[str, ...]
    fuel_types: tuple[str, ...]
    tank_l: np.ndarray
    extra_l: np.ndarray
    counts: np.ndarray
    pace_mask: np.ndarray
    idle_l_per_h: np.ndarray
    step_time_s: dict[str, np.ndarray]
    step_fuel_l: dict[str, np.ndarray]
    schedule: dict[str, MarchSchedule]
    objectives: tuple[tuple[float, str], ...]
    crossings: tuple[CrossingStop, ...] = ()
    fortified: tuple[FortifiedPass, ...] = ()
    depots: tuple[tuple[float, int], ...] = ()
    ferry_by: str | None = None
    ferry_h: float = 0.0
    #: hours the army's own means at a crossing site take to put all of it across
    #: (:func:`~logistics.network.own_means_time_h`; inf: none, only its brigade ferries it)
    own_means_h: float = math.inf
    formed_km: float = 0.0
    timetable: Timetable | None = None
    #: road length (km) of its column's vehicles, which its head's daily close-up waits for
    column_length_km: float = 0.0
    #: road length (km) of its whole column: its vehicles, men on foot and horsemen
    #: (:func:`~logistics.advance.formation.road_column_km`; formations.csv ``column_km``)
    road_column_km: float = 0.0
    #: march hours its tail trails its head's trajectory (the whole column over its mean
    #: pace: ``records.StepRecords.trailing``); 0 for one carried on a timetable (a truck
    #: shuttle, ships, a train: the timetable places its tail)
    tail_lag_h: float = 0.0
    #: what the run summary says of this formation beside its numbers (e.g. formed at km 0)
    notes: tuple[str, ...] = ()
    #: the march window a truck shuttle keeps (its men on foot's, the first season's: trucks
    #: and marchers move only then); None: ``schedule``'s. Read by the report's table
    shuttle_window: MarchSchedule | None = None
    #: per season, the window a truck shuttle keeps in that season (its men on foot's: the
    #: heat rule's night marches only in the season it names); None: ``schedule``'s. Read by
    #: ``arrivals`` (the season in force at each step, as the step loop reads ``schedule``)
    shuttle_windows: dict[str, MarchSchedule] | None = None
    #: a timetable planned before the run (a truck shuttle's, the ships') planned again with
    #: only the given fortified passes charged at the breakthrough rate (those, or the parts
    #: of those, its army has not broken open before its head gets there:
    #: ``carried.Carried.carried``); a shuttle's also takes ``resume`` (planned again from
    #: where its men and trucks are when fuel reaches its dry trucks: ``_shuttle``) and
    #: ``trucks`` (how many of its lift trucks drive, the fuel covering only some); None:
    #: neither
    replan: Callable[..., Timetable | None] | None = None

    @property
    def id(self) -> str:
        """The formation's id."""
        return self.unit.id

    @property
    def route_km(self) -> float:
        """Length of the route (km)."""
        return float(self.km[-1]) if len(self.km) else 0.0

    @property
    def refill_l(self) -> float:
        """Litres in one refill of the whole formation (every tank full once)."""
        return float(np.sum(self.counts * self.tank_l))


def _classes(unit: ResolvedFormation, army, norms) -> tuple:
    """(ids, fuel types, tank_l, extra_l, counts, pace mask, idle L/h) of a formation."""
    from logistics.vehicles import load_vehicle

    ids, fts, tanks, extras, counts, pace, idle = [], [], [], [], [], [], []
    for cid, n in unit.classes:
        v = load_vehicle(cid, config_dir=norms.config_dir)
        ids.append(cid)
        counts.append(float(n))
        if v.fuel_type == "none":
            fts.append("none")
            tanks.append(0.0)
            extras.append(0.0)
            idle.append(0.0)
        else:
            tank = norms.refill_l(v)
            if tank is None:
                raise ConfigError(f"{army.source}: formation {unit.id}: vehicle {cid!r} has "
                                  + no_tank_capacity(v, norms.files[1]))
            extra = army.fuel.extra_fuel_l.get(cid)
            fts.append(v.fuel_type)
            tanks.append(float(tank))
            extras.append(float(extra.value) if extra is not None else 0.0)
            idle.append(float(v.idle_fuel_l_per_h or 0.0))
        if unit.movement in ("foot", "horse"):
            pace.append(cid in MEN_CLASSES)
        else:
            pace.append(cid not in MEN_CLASSES)
    return (tuple(ids), tuple(fts), np.array(tanks), np.array(extras), np.array(counts),
            np.array(pace, dtype=bool), np.array(idle))


def _season_tables(terrain, cells, seg_first, class_ids, seasons, pace_vehicle, models):
    """Per season: raw (n_classes, n) step time and per-vehicle step fuel of every class on
    the route's cells (non-finite steps helped across, the rule of cost.route.helped_across)."""
    from logistics.cost.route import evaluate_path, helped_across

    dist = seg_first["dist_m"].to_numpy(dtype=np.float64)
    first = seasons[0][1]
    times, fuels, impassable = {}, {}, {}
    for season in dict.fromkeys(s for _, s in seasons):
        t_rows, f_rows = [], []
        for cid in class_ids:
            if cid == pace_vehicle and season == first:
                ev = seg_first
            else:
                ev = evaluate_path(terrain, cells, cid, season=season, models=models)
            t = ev["time_s"].to_numpy(dtype=np.float64)
            f = ev["fuel_l"].to_numpy(dtype=np.float64)
            bad = ~(np.isfinite(t) & np.isfinite(f))
            if bad.any():
                impassable[(cid, season)] = float(dist[bad].sum() / 1000.0)
                if (~bad & (dist > 0)).any():
                    t, f = helped_across(t, dist), helped_across(f, dist)
                else:  # not one step it makes on its own: the column's pace vehicle's going
                    t = np.where(np.isfinite(t), t, np.inf)
            t_rows.append(t)
            f_rows.append(np.where(np.isfinite(f), f, 0.0))
        times[season] = np.array(t_rows)
        fuels[season] = np.array(f_rows)
    return times, fuels, impassable


def _crossings(seg, terrain, pace_vehicle, season, models, river=None, toll=None
               ) -> tuple[CrossingStop, ...]:
    """The route's river crossings, each once, with the pace vehicle's crossing time: the
    cost engine's own toll (:func:`logistics.cost.route.river_crossings`, the one place a
    crossing is priced; already inside the route's time). A route joined from its parent's
    (a formed formation) is read piece by piece where its cells are not one path. ``river``:
    the movement norms' river figures (``Norms.means.river``), which time a ferrying at each
    big river's crossing by its water (:func:`_ferrying`); None: not timed. ``toll``: the
    ferry toll its route search paid (``PlannedRoute.toll``; None: none), which marks the big
    rivers' crossings it paid it at (``tolled``, ``ferry_toll.toll_paid_s``)."""
    from logistics.advance.ferry_sites import (FERRY_WATER, crossing_beyond_channel_km,
                                               crossing_far_bank_km, crossing_water_km,
                                               crossing_water_shares, water_beyond_channel_km)
    from logistics.network.river import crossing_width_km
    from logistics.advance.ferry_toll import on_frontier
    from logistics.cost.route import river_crossings
    from logistics.terrain.sides import side_of
    from logistics.vehicles import load_vehicle

    if pace_vehicle is None or len(seg) < 2:
        return ()
    sides = side_of(seg["lon"].to_numpy(float), seg["lat"].to_numpy(float))
    vid = load_vehicle(pace_vehicle, config_dir=models.config_dir).id
    cells = seg[["row", "col"]].to_numpy(dtype=np.int64)
    kms = seg["cum_km"].to_numpy(dtype=np.float64)
    jump = np.flatnonzero(np.abs(np.diff(cells, axis=0)).max(axis=1) > 2) + 1
    channel_km = crossing_width_km(0.0, None if river is None else river.own_means)
    grid: list[np.ndarray] = []  # the search's (ferry_toll.water_toll_s), made once if needed

    def beyond_km(crossing_cells, crossing_kms, k) -> float:
        if FERRY_WATER not in terrain:
            return 0.0
        if not grid:
            grid.append(water_beyond_channel_km(terrain, channel_km))
        return crossing_beyond_channel_km(terrain, crossing_cells, crossing_kms, k,
                                          channel_km, grid[0])

    out = []
    for lo, hi in zip(np.r_[0, jump], np.r_[jump, len(cells)]):
        piece = cells[lo:hi]
        keep = np.r_[True, np.any(np.diff(piece, axis=0) != 0, axis=1)]
        idx = np.arange(lo, hi)[keep]
        if len(idx) < 2:
            continue
        df = river_crossings(terrain, cells[idx], pace_vehicle, season=season, models=models)
        secs = df[f"crossing_s_{vid}"].to_numpy(dtype=np.float64)
        paid = None
        if toll is not None and len(df):
            from logistics.advance.ferry_toll import toll_paid_s

            paid = toll_paid_s(models.get(terrain, vid, objective="time", season=season),
                               terrain, cells[idx], toll)
        for j, step in enumerate(df["step"].to_numpy(dtype=np.int64)):
            i = int(idx[min(step, len(idx) - 1)])
            k = int(min(step, len(idx) - 1))
            rclass = int(df["river_class"].iloc[j])
            big = rclass in BIG_RIVER_CLASSES
            water, shares = (crossing_water_shares(terrain, cells[idx], k) if big
                             else ((), ()))
            # the route's own steps over it (those within a repeated cell too), beyond
            # the crossing's own step, each with its water share
            carried = [(int(r), float(sh)) for w, sh in zip(water, shares)
                       for r in range(int(idx[w - 1]) + 1, int(idx[w]) + 1) if r > i]
            out.append(CrossingStop(
                float(kms[i]), float(df["lon"].iloc[j]), float(df["lat"].iloc[j]), rclass,
                float(secs[j]) / 3600.0,
                on_frontier(kms, sides, float(kms[i]), float(df["lon"].iloc[j])),
                water_km=crossing_water_km(terrain, cells[idx], kms[idx], k) if big else 0.0,
                beyond_km=beyond_km(cells[idx], kms[idx], k) if big else 0.0,
                water_steps=tuple(r for r, _ in carried),
                water_shares=tuple(sh for _, sh in carried),
                far_km=crossing_far_bank_km(terrain, cells[idx], kms[idx], k) if carried
                else None,
                tolled=not (big and paid is not None and paid[k - 1] < 0.5 * toll.seconds)))
    return tuple(_ferrying(c, river) for c in _one_ferrying(out))


def _one_ferrying(out: list[CrossingStop]) -> list[CrossingStop]:
    """``out`` (the route's crossings) with the channels of one big river's crossing (side
    channels, an island between: big-river crossings within ``ferry_sites.CHANNELS_WITHIN_KM``
    of route of the first, :func:`~logistics.advance.ferry_sites.channel_groups`, of the same
    ``frontier``) made one ferrying: the
    first carries the water of all of them beyond the channel (its ``ferry_beyond_km``,
    timed with the channel: network/river.py ``crossing_time_factor``; each ``water_km`` and
    ``beyond_km`` stays its own) and their far bank (its ``far_km``: the last channel's), the
    later ones its km
    (``joins_km``: not ferried again, :meth:`~logistics.advance.holds.Holds.ferried_river`).
    Why (ferrygroup32): a ferry going bank to bank passes the island in one trip; the 15th
    Army's formations were ferried twice over the Amur at Leninskoye, its channels 3.7 km of
    route apart, each a full operation."""
    from logistics.advance.ferry_sites import channel_groups

    big_n = [n for n, c in enumerate(out) if c.river_class in BIG_RIVER_CLASSES]
    if len(big_n) < 2:
        return out
    # a crossing the search paid no ferry toll at leads no ferrying (``tolled``): it joins
    # the channels of one it did pay at, or stands alone, not ferried (ferried_over)
    lead = channel_groups([out[n].km for n in big_n],
                          may_lead=[out[n].tolled for n in big_n])
    out = list(out)
    for m, n in enumerate(big_n):
        first = big_n[lead[m]]
        if first != n and out[first].frontier == out[n].frontier:  # ferried alike
            far = max(out[first].far_km or out[first].km, out[n].far_km or out[n].km)
            carried = out[first].ferry_beyond_km
            carried = out[first].beyond_km if carried is None else carried
            out[first] = replace(out[first], ferry_beyond_km=carried + out[n].beyond_km,
                                 far_km=far)
            out[n] = replace(out[n], joins_km=out[first].km)
    return out


def _ferrying(c: CrossingStop, river) -> CrossingStop:
    """``c`` with what its water makes of a ferrying there (``time_factor``, ``landing_h``,
    by the movement norms' ``river``: the run's ``Norms.means.river``): the ferry crosses the
    channel and the water beyond it its route search paid (``ferry_beyond_km``, else
    ``beyond_km``); unchanged off a big river or without the norms."""
    from logistics.network.river import (crossing_time_factor, crossing_width_km,
                                         first_landing_h)

    if river is None or c.river_class not in BIG_RIVER_CLASSES:
        return c
    kw = {"means": river.own_means, "current_kmh": river.current_kmh}
    beyond = c.beyond_km if c.ferry_beyond_km is None else c.ferry_beyond_km
    width = crossing_width_km(0.0, river.own_means) + beyond  # the channel, and beyond it
    return replace(c, time_factor=crossing_time_factor(width, **kw),
                   landing_h=first_landing_h(width, **kw))


def formation_plan(*, unit: ResolvedFormation, army: Army, terrain: xr.Dataset,
                   route: pd.DataFrame | None, objective_km: tuple[tuple[str, float], ...],
                   ferried_by: str | None, seasons: tuple[tuple[float, str], ...], norms: Norms,
                   fortified_regions: Sequence[Region], breakthrough_km_per_day: float,
                   models: CostModels, options, flotillas: Mapping[str, FlotillaSpec],
                   all_routes: Mapping[str, pd.DataFrame], taiga_belt_km: float,
                   notes: list[str], toll=None) -> FormationPlan:
    """The plan of one formation (a carried one gets its timetable instead of a route).

    The formation:

    - ``unit``: the formation, resolved (its classes, norm, movement, parent).
    - ``route``: its route's segment table (one row per step: ``row``, ``col``, ``lon``,
      ``lat``, ``cum_km``, ``dist_m``, ``time_s`` ...; :mod:`~logistics.advance.route_choice`),
      None for a formation carried by river ships or rail (no route of its own).
    - ``objective_km``: ``(name, km along the route)`` of each objective its route reaches.
    - ``ferried_by``: the id of the flotilla that ferries it across a major river, or None.

    The army, the same for each of its formations:

    - ``army``, ``terrain`` (the terrain grid), ``seasons`` (``(hours after H-hour, season)``
      from which each season holds), ``norms`` (the march and means norms), ``models`` (the
      cost engine's), ``options`` (the plan's :class:`~logistics.advance.plan.PlanOptions`;
      not annotated: that module imports this one).
    - ``fortified_regions``: the regions of the fortified-region rule (empty: not applied);
      ``breakthrough_km_per_day``: the rule's breakthrough rate through their depths.
    - ``flotillas``: flotilla id -> its spec (the ships that carry a ``movement: river``
      formation).
    - ``all_routes``: formation id -> route segment table of every routed formation (a formed
      formation's parent's route says where it is formed).
    - ``taiga_belt_km``: km from the departure line within which the observed taiga cap holds
      (where an ``after_taiga_belt`` formation is formed).
    - ``notes``: the run's notes; this formation's are appended.
    - ``toll``: the ferry toll its route search paid (``PlannedRoute.toll``; None: none):
      it is ferried only at the big rivers' crossings it paid it at (:func:`_crossings`).
    """
    from logistics.advance.ferry_toll import ferry_hours
    from logistics.advance.formation import close_up_hours
    from logistics.advance.pace import (capped_step_times, column_km, dismounted_step_times,
                                        march_schedule_for)
    from logistics.terrain.railways import railway_distance_km

    ids, fts, tanks, extras, counts, pace, idle = _classes(unit, army, norms)
    front = army.front
    if route is None:  # carried by river ships or by rail: no route of its own
        tt = _carried_timetable(unit, army, flotillas, norms, options, notes)
        fortified, replan = (), None
        if tt is not None and tt.ok and fortified_regions and unit.movement == "river":
            # the rule is the same for a formation carried by ships: its river path is its
            # route, and it crosses a fortified depth on it at the breakthrough rate
            fortified = fortified_passes(
                pd.DataFrame({"lon": tt.lon, "lat": tt.lat, "cum_km": tt.km}),
                fortified_regions, unit)
            replan = partial(_ships_through, tt, breakthrough_km_per_day)
            tt = replan(fortified)
        km = tt.km if tt is not None and tt.ok else np.zeros(1)
        lon = tt.lon if tt is not None and tt.ok else np.array([unit.start_lon])
        lat = tt.lat if tt is not None and tt.ok else np.array([unit.start_lat])
        objectives = _objectives_on_path(unit, km, lon, lat) if tt is not None and tt.ok else ()
        zeros = {s: np.zeros((len(ids), len(km))) for _, s in seasons}
        return FormationPlan(
            unit=unit, km=np.asarray(km, float), lon=np.asarray(lon, float),
            lat=np.asarray(lat, float), elev_m=np.full(len(km), np.nan),
            cells=np.zeros((0, 2), np.int64), class_ids=ids, fuel_types=fts, tank_l=tanks,
            extra_l=extras, counts=counts, pace_mask=pace, idle_l_per_h=idle,
            step_time_s=zeros, step_fuel_l=dict(zeros),
            schedule={s: march_schedule_for(None, movement=unit.movement, season=s, front=front,
                                            column_length_km=0.0, mean_kmh=1.0)
                      for _, s in seasons},
            objectives=objectives, timetable=tt, fortified=fortified, replan=replan,
        )
    cells = route[["row", "col"]].to_numpy(dtype=np.int64)
    # a formed formation's route begins on its parent's route, whose times and fuel are the
    # parent's pace vehicle's: every class of it is priced by the cost engine on the cells
    joined = bool(unit.formed_when and unit.parent in all_routes)
    times, fuels, impassable = _season_tables(terrain, cells, route, ids, seasons,
                                              None if joined else unit.pace_vehicle, models)
    for (cid, season), kmi in impassable.items():
        notes.append(f"{unit.id}: {cid} cannot make {kmi:.0f} km of the route on its own "
                     f"({season}); helped across at its worst going on the route")
    # how far each step lies from a 1945 railway on the Japanese side (the taiga cap's
    # condition: a railway corridor is no roadless taiga)
    route = route.assign(railway_km=railway_distance_km(terrain, route["x_m"].to_numpy(float),
                                                        route["y_m"].to_numpy(float)))
    kms = route["cum_km"].to_numpy(dtype=np.float64)
    step_time, cap_notes = {}, []
    for season, t in times.items():
        capped, cn = capped_step_times(route, t, norm=unit.norm, movement=unit.movement,
                                       season=season, caps=norms.observed,
                                       from_departure_km=kms)
        step_time[season] = capped
        cap_notes += cn
    if cap_notes:
        notes.append(f"{unit.id}: column pace held to observed speeds (km of its route under "
                     "each, the slowest where several hold): " + "; ".join(cap_notes))
    # until formed it moves with its parent: the step loop holds it behind its parent's head
    # up to formed_km (simulate._Loop.held_at)
    formed = bool(unit.formed_when and unit.parent in all_routes)
    formed_km, formed_note = (formed_at(all_routes[unit.parent], unit.formed_when,
                                        taiga_belt_km) if formed else (0.0, ""))
    if formed_note:  # a run note (report.md) and the formation's line of the run summary
        notes.append(f"{unit.id}: {formed_note}")
    motor = int(sum(n for c, n in unit.classes if c not in MEN_CLASSES))
    length = column_km(motor, unit.routes, unit.gap_m)
    first = seasons[0][1]
    pace_t = step_time[first][pace].max(axis=0) if pace.any() else step_time[first].max(axis=0)
    total_h = float(np.sum(pace_t[np.isfinite(pace_t)])) / 3600.0
    mean_kmh = kms[-1] / total_h if total_h > 0 else 1.0
    schedule = {s: march_schedule_for(unit.norm, movement=unit.movement, season=s, front=army.front,
                                      column_length_km=length, mean_kmh=mean_kmh,
                                      speed_scale=options.speed_scale) for _, s in seasons}
    # the whole column (men on foot and horsemen in ranks too) places its tail only
    road_km = column_km(motor, unit.routes, unit.gap_m, ranks=tuple(
        (n, *norms.column_depth[_RANKS_OF[c]]) for c, n in unit.classes
        if c in _RANKS_OF and _RANKS_OF[c] in norms.column_depth))
    tail_lag_h = close_up_hours(road_km, mean_kmh * options.speed_scale)
    crossings = _crossings(route, terrain, unit.pace_vehicle, first, models, norms.means.river,
                           toll)
    fortified = fortified_passes(route, fortified_regions, unit) if fortified_regions else ()
    depots = []
    from logistics.geodesy import locate_on_route

    for n, d in enumerate(army.supply.depots):
        loc = d.at.location()
        fix = locate_on_route(route, float(loc.lon), float(loc.lat), tolerance_km=d.at.radius_km)
        if fix.reached:
            depots.append((fix.route_km, n))
    ferry_h, own_means_h = 0.0, math.inf
    any_ferry_h, any_own_h = ferry_hours(unit, options, flotilla=ferried_by is not None)
    if ferried_by is not None:
        on_route = np.isin(route["river_class"].to_numpy(), BIG_RIVER_CLASSES).any()
        if not any(c.river_class in BIG_RIVER_CLASSES for c in crossings) and on_route:
            notes.append(f"{unit.id}: its route passes a major or large river but pays no crossing "
                         "of one at this grid's resolution; the flotilla does not ferry it")
        elif not any(c.river_class in BIG_RIVER_CLASSES for c in crossings):
            raise ConfigError(
                f"{army.source}: flotilla ({ferried_by}).ferries_for names {unit.id}, but its "
                "route crosses no major or large river; fix: drop it from ferries_for (a "
                "flotilla on a formation with no river on its route)")
        ferry_h = any_ferry_h
    if options.own_means_time is not None and any(
            c.river_class in BIG_RIVER_CLASSES and (ferried_by is not None or c.frontier)
            for c in crossings):
        # a formation crossing a major or large river where its flotilla sails or on the
        # frontier is ferried there, by the site's own means too (holds.Holds.ferried_at)
        own_means_h = any_own_h
    shuttled = unit.movement == "truck_borne" and 0 < unit.lift_men < unit.men
    only_caps = norms.dismount_where_caps.get(unit.movement, ())
    dismounts = (unit.movement in norms.dismount_movements or bool(only_caps)) and unit.men > 0
    foot_day, foot_s = {}, {}
    if shuttled or dismounts:
        foot_day, foot_s = _on_foot(unit, army, terrain, cells, route, seasons, norms, options,
                                    models, kms, length)
    if dismounts and not shuttled:  # a shuttle keeps the rule in its trucks' legs (_shuttle)
        allowed = None
        if only_caps:  # only where those caps' conditions hold (march.yaml dismount.where_caps)
            from logistics.advance.pace import caps_hold
            allowed = {season: caps_hold(norms.observed, only_caps, route, season, kms)
                       for _, season in seasons}
        step_time = _dismounted(unit, step_time, pace, foot_s, schedule, foot_day, route, notes,
                                allowed)
    zero = _zero_load_l_per_h(ids, fts, norms.config_dir)
    step_fuel = _with_engine_hours(unit, fuels, times, step_time, route, zero, notes)
    carried = ferried_water_steps(crossings, len(kms), ferried_by, own_means_h)
    step_time, step_fuel = _not_marched(step_time, carried), _not_marched(step_fuel, carried)
    shuttle = replan = None
    if shuttled:
        # the men on foot set a shuttled formation's day: trucks and marchers keep the foot
        # column's march window (its hours, and the heat rule's night marches where it
        # applies), not the truck-borne norm's, or the marchers walked 16 h a day; the men on
        # foot walk at a foot column's going on this route (the cost engine's foot-infantry,
        # capped by the foot norm and the observed speeds), as a marching rifle division
        # does: not at the norm's road pace everywhere
        legs = dict(step_time)
        if dismounts:  # in the same window, a loaded truck slower than a walker is walked
            said = []
            for season in legs:
                legs[season], where = dismounted_step_times(
                    step_time[season], np.array([c == unit.lift_vehicle for c in ids]),
                    foot_s[season], vehicle_day=foot_day[season], foot_day=foot_day[season])
                if where.any():
                    km_on_foot = route["dist_m"].to_numpy(dtype=np.float64)[where].sum() / 1000.0
                    said.append(f"{km_on_foot:.0f} km ({season})")
            if said:
                notes.append(f"{unit.id}: its lift's trucks go at a walker's pace where they are "
                             f"slower (manhandled through): {', '.join(said)}")
        shuttle_kw = dict(unit=unit, army=army, norms=norms, options=options,
                          class_ids=ids, fuel_types=fts,
                          step_time_s=_not_marched(legs, carried),
                          step_fuel_l=_not_marched(
                              _with_engine_hours(unit, fuels, times, legs, route, zero),
                              carried),
                          season=first, cum_km=kms, route=route,
                          march_window=foot_day[first], fortified=fortified,
                          breakthrough_km_per_day=breakthrough_km_per_day,
                          foot_step_s=foot_s[first],
                          later_windows=tuple((h, foot_day[s], s, foot_s[s])
                                              for h, s in seasons[1:]))
        shuttle = _shuttle(notes=notes, **shuttle_kw)
        if shuttle is not None:
            replan = partial(_shuttle_through, shuttle_kw)
    return FormationPlan(
        unit=unit, km=kms, lon=route["lon"].to_numpy(float), lat=route["lat"].to_numpy(float),
        elev_m=route["elev_m"].to_numpy(float), cells=cells, class_ids=ids, fuel_types=fts,
        tank_l=tanks, extra_l=extras, counts=counts, pace_mask=pace, idle_l_per_h=idle,
        step_time_s=step_time, step_fuel_l=step_fuel, schedule=schedule,
        objectives=tuple((k, n) for n, k in objective_km), crossings=crossings, fortified=fortified,
        depots=tuple(sorted(depots)), ferry_by=ferried_by, ferry_h=ferry_h,
        own_means_h=own_means_h, formed_km=formed_km,
        column_length_km=length, timetable=shuttle, road_column_km=road_km,
        tail_lag_h=0.0 if shuttle is not None else tail_lag_h,
        notes=(formed_note,) if formed_note else (),
        shuttle_window=foot_day[first] if shuttle is not None else None,
        shuttle_windows=dict(foot_day) if shuttle is not None else None,
        replan=replan,
    )


def _zero_load_l_per_h(class_ids: Sequence[str], fuel_types: Sequence[str],
                       config_dir) -> np.ndarray:
    """Zero-load flow (L/h) of each class's engine, the cost engine's Willans line
    (:func:`logistics.cost.physics.engine`); 0 for a class that burns no fuel."""
    from logistics.cost.physics import engine
    from logistics.vehicles import load_vehicle

    return np.array([0.0 if ft == "none" else
                     engine(load_vehicle(cid, config_dir=config_dir)).zero_load_l_per_h
                     for cid, ft in zip(class_ids, fuel_types)])


def _with_engine_hours(u, fuels: Mapping[str, np.ndarray], physics_s: Mapping[str, np.ndarray],
                       step_time: Mapping[str, np.ndarray], seg: pd.DataFrame,
                       zero_l_per_h: np.ndarray, notes: list[str] | None = None
                       ) -> dict[str, np.ndarray]:
    """Per season, the step litres per vehicle ``fuels`` (the cost engine's, at the physics
    times ``physics_s``) plus the zero-load flow for the hours an observed cap adds to the
    column's ``step_time`` (:func:`logistics.advance.pace.engine_hours_fuel_l`); with
    ``notes``, a note of the engine hours and litres a vehicle of each class gains."""
    from logistics.advance.pace import engine_hours_fuel_l, norm_floor_s

    dist = seg["dist_m"].to_numpy(dtype=np.float64)
    floor = norm_floor_s(dist, u.norm)
    out, said = {}, []
    for season, f in fuels.items():
        extra = engine_hours_fuel_l(physics_s[season], step_time[season], floor, dist,
                                    zero_l_per_h)
        out[season] = f + extra
        litres = extra.sum(axis=1)
        said += [f"{cid} +{litres[i]:.0f} L ({litres[i] / zero_l_per_h[i]:.1f} h, {season})"
                 for i, (cid, _) in enumerate(u.classes) if litres[i] >= 0.5]
    if notes is not None and said:
        notes.append(f"{u.id}: its engines run longer where the ground holds its column below "
                     "its physics speed (zero-load flow; a vehicle over its whole route on each "
                     "season's ground): " + "; ".join(said))
    return out


def _on_foot(u, army, terrain, cells, seg, seasons, norms, opt, models, kms, length
             ) -> tuple[dict, dict]:
    """Per season: the march window of the formation's men on foot (the foot norm's hours,
    the heat rule where it applies, closed up for its column at the foot pace) and their
    step times on its route (the cost engine's foot-infantry, held to the foot norm's speed
    and the observed caps for foot columns), (n,) s."""
    from logistics.advance.pace import capped_step_times, march_schedule_for

    foot = norms.norm_for("foot")
    day, step_s = {}, {}
    times, _, _ = _season_tables(terrain, cells, seg, (FOOT,), seasons, None, models)
    for _, season in seasons:
        day[season] = march_schedule_for(foot, movement="foot", season=season,
                                         front=army.front, column_length_km=length,
                                         mean_kmh=foot.max_speed_kmh,
                                         speed_scale=opt.speed_scale)
        capped, _ = capped_step_times(seg, times[season], norm=foot, movement="foot",
                                      season=season, caps=norms.observed,
                                      from_departure_km=kms)
        step_s[season] = capped[0]
    return day, step_s


def _dismounted(u, step_time, pace, foot_s, schedule, foot_day, seg, notes,
                allowed: dict | None = None) -> dict:
    """``step_time`` per season with the formation's men dismounted where they march farther
    a day than its vehicles drive (``march.yaml dismount``; advance/pace.py
    :func:`~logistics.advance.pace.dismounted_step_times`), on the steps ``allowed`` per
    season only when given (``dismount.where_caps``); a note of the km per season."""
    from logistics.advance.pace import dismounted_step_times

    dist_km = seg["dist_m"].to_numpy(dtype=np.float64) / 1000.0
    out, said = {}, []
    for season, t in step_time.items():
        out[season], where = dismounted_step_times(t, pace, foot_s[season],
                                                   vehicle_day=schedule[season],
                                                   foot_day=foot_day[season],
                                                   allowed=None if allowed is None
                                                   else allowed[season])
        if where.any():
            said.append(f"{dist_km[where].sum():.0f} km ({season})")
    if said:
        notes.append(f"{u.id}: its men dismount and march where its vehicles make less a day "
                     "than they do on foot (the vehicles manhandled through): "
                     + "; ".join(said))
    return out


def _shuttle(*, unit: ResolvedFormation, army: Army, norms: Norms, options, notes: list[str],
             class_ids: Sequence[str], fuel_types: Sequence[str],
             step_time_s: Mapping[str, np.ndarray], step_fuel_l: Mapping[str, np.ndarray],
             season: str, cum_km: np.ndarray, route: pd.DataFrame, march_window: MarchSchedule,
             fortified: Sequence[FortifiedPass] = (),
             breakthrough_km_per_day: float = math.inf,
             foot_step_s: np.ndarray | None = None,
             later_windows: Sequence[tuple[float, MarchSchedule, str, np.ndarray | None]] = (),
             resume: tuple[float, tuple, float] | None = None,
             trucks: int | None = None) -> Timetable | None:
    """The shuttle of a truck-borne formation whose lift carries only part of its men: the
    lift's trucks carry ``lift_men`` forward along the formation's own route and drive back
    for the next lift while the rest march (``advance.shuttle``). Truck legs are the cost
    engine's times of the lift's truck class on this route, its fuel the class's litres per km
    on it, the marching men's going the foot column's, each of the season in force when it is
    driven or marched (the step loop's seasons: ``season`` from the start, then each of
    ``later_windows``; a trip across the change goes on from where it stands then on the new
    season's going: ``advance.shuttle._Seasons``); trucks and marchers
    keep ``march_window``, the foot column's march window (the men on foot set the formation's
    day; the trucks drive it at their own norm's night factor, as the window's mean), and from
    each later season's start its window there (``later_windows``: (hours after H-hour, the
    foot column's window in that season, the season, its men on foot's step times), in order;
    the heat rule's night marches hold only in its season:
    :class:`~logistics.advance.schedule.SeasonalWindow`);
    embark/debark from its march norm. Through a ``fortified`` stretch the head crosses at the
    rule's breakthrough rate round the clock, as the step loop moves a marching head there
    (``simulate._Loop.breach``), and the trucks and the men behind it take the window's hours
    under way of that crossing (``advance.shuttle._through_depths``).

    - ``unit``: the formation (its lift, men, norm, start); ``army``: its army (H-hour, the
      run's end); ``norms``: the march norms (the foot norm's speed); ``options``: the plan's
      :class:`~logistics.advance.plan.PlanOptions` (the shuttle planner, speed and fuel
      scales; not annotated: that module imports this one); ``notes``: the run's notes, this
      shuttle's appended (also why there is none).
    - ``class_ids``, ``fuel_types``: the formation's classes and their fuel types;
      ``step_time_s``, ``step_fuel_l``: per season, (n_classes, n) step times, s, and litres
      per vehicle of each class on the route; ``season``: the first season (its tables price
      the legs until the next season of ``later_windows`` begins).
    - ``cum_km``: (n,) km of the route's points from its start; ``route``: its segment table
      (``lon``, ``lat`` of the points); ``fortified``: the fortified depths it crosses;
      ``foot_step_s``: (n,) step times of the men on foot, s (None: the planner walks them at
      the foot norm's speed).
    - ``resume``: ``(hour after H-hour, (men, km) of each group, the trucks' km)``: the
      shuttle planned from then with its men and trucks there (its trucks had run dry and
      fuel reached them: ``carried.Carried.shuttle_step``); None: from its start.
    - ``trucks``: how many of its ``unit.lift_trucks`` lift trucks drive (the others stand dry:
      ``carried.Carried._covered_lift``); the lift per trip and the litres per km shrink in
      proportion (whole men, at least one a trip). None: all of them."""
    if options.shuttle_planner is None:
        notes.append(f"{unit.id}: its lift carries {unit.lift_men} of {unit.men} men, but no "
                     "shuttle planner is available in this build; it moves at the trucks' pace")
        return None
    if unit.lift_vehicle not in class_ids:
        notes.append(f"{unit.id}: its lift vehicle {unit.lift_vehicle} is not among its "
                     "vehicles; no shuttle")
        return None
    i = class_ids.index(unit.lift_vehicle)
    route_km = float(cum_km[-1])
    if route_km <= 0:
        return None
    norm = unit.norm
    n_trucks = unit.lift_trucks if trucks is None else int(trucks)
    lift_men = (unit.lift_men if n_trucks == unit.lift_trucks
                else max(1, unit.lift_men * n_trucks // max(1, unit.lift_trucks)))

    def going(season: str, march_window: MarchSchedule, foot_step_s: np.ndarray | None):
        """(truck_leg_h, march_leg_h or None, the lift's litres per km) on ``season``'s
        ground in ``march_window``."""
        t = np.where(np.isfinite(step_time_s[season][i]), step_time_s[season][i], 0.0)
        if norm is not None:
            # the trucks drive in the foot column's window at their own norm's night factor
            # (blacked-out driving): a truck-borne formation that is not shuttled gets it
            # from the step loop; here the shuttle is laid on one clock of hours under way
            # for trucks and marchers, so its legs take the window's mean factor (a named
            # simplification: the night hours' slower going spread over the window's hours;
            # review21 saw the shuttles' trucks at 24.5 km/h at night where the norm gives
            # 25 x 0.7)
            trucks_day = replace(march_window, night_hours=norm.night_hours,
                                 night_speed_factor=norm.night_speed_factor)
            t = t / trucks_day.mean_speed_factor
        cum_h = np.cumsum(t) / 3600.0
        cum_h -= cum_h[0]
        f = np.where(np.isfinite(step_fuel_l[season][i]), step_fuel_l[season][i], 0.0)
        per_km = float(np.sum(f)) / route_km * n_trucks

        def leg_h(a: float, b: float) -> float:
            return abs(float(np.interp(b, cum_km, cum_h))
                       - float(np.interp(a, cum_km, cum_h))) / options.speed_scale

        walk_h = None
        if foot_step_s is not None:
            walk_h = np.cumsum(np.where(np.isfinite(foot_step_s), foot_step_s, 0.0)) / 3600.0
            walk_h -= walk_h[0]

        def walk_leg_h(a: float, b: float) -> float:
            return abs(float(np.interp(b, cum_km, walk_h))
                       - float(np.interp(a, cum_km, walk_h))) / options.speed_scale

        return leg_h, (walk_leg_h if walk_h is not None else None), per_km * options.fuel_scale

    leg_h, walk_leg_h, per_km = going(season, march_window, foot_step_s)
    later = tuple((h, *going(s, w, fs)) for h, w, s, fs in later_windows)
    c0 = army.h_hour.value.hour + army.h_hour.value.minute / 60.0
    march_hours = SeasonalWindow(((0.0, march_window), *((h, w) for h, w, *_ in later_windows)),
                                 c0).moving_hours
    foot = norms.norm_for("foot")

    tt = options.shuttle_planner(
        men=unit.men, lift_men=lift_men, route_km=route_km,
        start_h=unit.start_h if resume is None else resume[0],
        end_h=hours_since(army.h_hour.value, army.run_end), truck_leg_h=leg_h,
        truck_fuel_l_per_km=per_km,
        march_kmh=foot.max_speed_kmh * options.speed_scale, march_hours=march_hours,
        load_h=norm.embark_h if norm is not None else 0.0,
        unload_h=norm.debark_h if norm is not None else 0.0,
        route=(cum_km, route["lon"].to_numpy(float), route["lat"].to_numpy(float)),
        fuel_type=fuel_types[i],
        bound_km=norm.shuttle_bound_km if norm is not None else None,
        march_leg_h=walk_leg_h, later_seasons=later,
        depths=tuple((fp.km_in, fp.km_out, getattr(fp, "open_h", -math.inf))
                     for fp in fortified),
        rate_km_per_day=breakthrough_km_per_day,
        start_state=None if resume is None else resume[1:])
    if not tt.ok:
        notes.append(f"{unit.id}: the truck shuttle cannot be made ({tt.reason}); it moves at "
                     "the trucks' pace")
        return None
    notes.append(f"{unit.id}: {unit.lift_trucks} {unit.lift_vehicle} lift {unit.lift_men} of "
                 f"{unit.men} men: the trucks shuttle; " + "; ".join(tt.notes))
    return tt


def _shuttle_through(kw: Mapping, passes: tuple[FortifiedPass, ...],
                     resume: tuple[float, tuple, float] | None = None,
                     trucks: int | None = None) -> Timetable | None:
    """The shuttle :func:`_shuttle` plans with the keywords ``kw``, with only ``passes``
    charged at the breakthrough rate (``FormationPlan.replan``), from ``resume`` when given,
    with ``trucks`` of its lift trucks driving (:func:`_shuttle`); its notes dropped (the
    run's are the first plan's)."""
    return _shuttle(notes=[], **{**kw, "fortified": passes, "resume": resume,
                                 "trucks": trucks})


def _ships_through(tt: Timetable, rate_km_per_day: float,
                   passes: Sequence[FortifiedPass]) -> Timetable:
    """The ships' timetable ``tt`` (as sailed) crossing only ``passes`` at the breakthrough
    rate (:func:`~logistics.advance.movement.through_depths`; ``FormationPlan.replan``): the
    plan's with every pass of its river path, the step loop's again with those its head finds
    broken open left out, or cut where it was when one opened (shuttledepth34: the ships kept
    the rate through depths already open, where a marching or shuttled head goes on at its
    own pace, ``rule.breakthrough.open_breach``)."""
    return through_depths(tt, [(p.km_in, p.km_out, p.open_h) for p in passes], rate_km_per_day)


def _objectives_on_path(u, km, lon, lat) -> tuple[tuple[float, str], ...]:
    """A carried formation's objectives as (km, name) along the path its carriers take (the
    path point nearest each objective's first place), in path order; () for a path of one
    point. Why: it has no route of its own, yet its army file gives it objectives, and the
    run's stops, summary and comparison read them like any formation's."""
    from logistics.geodesy import great_circle_km

    km, lon, lat = (np.asarray(a, dtype=np.float64) for a in (km, lon, lat))
    if len(km) < 2:
        return ()
    out = []
    for ob in getattr(u, "objectives", ()) or ():
        _, olon, olat = ob.options[0]
        near = int(np.argmin(great_circle_km(lon, lat, float(olon), float(olat))))
        out.append((float(km[near]), str(ob.name)))
    return tuple(sorted(out, key=lambda t: t[0]))


def _carried_timetable(u, army, brigades, norms, opt, notes) -> Timetable | None:
    """The timetable of a formation carried by the flotilla (``movement: river``)."""
    if u.movement == "river":
        b = brigades.get(u.carried_by)
        if opt.river_planner is None or b is None:
            notes.append(f"{u.id}: carried by {u.carried_by}, but no river planner is available "
                         "in this build; it stays at its start")
            return None
        from logistics.advance.river_carry import carried_river_timetable

        tt = carried_river_timetable(u, army, b, norms, opt.river_planner,
                                     opt.river_timetables)
        notes += [f"{u.id}: {n}" for n in tt.notes]
        return tt
    if u.movement == "rail":
        return None  # planned by the step loop when it departs (the lines held by then)
    notes.append(f"{u.id}: movement {u.movement} needs a planner not available in this build; "
                 "it stays at its start")
    return None
