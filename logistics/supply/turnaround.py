"""Truck trips between a railhead and the formation, priced by the cost engine.

One accumulated-time surface from the railhead (and one to it, ``reverse=True``: uphill out is
downhill back) per season, for the truck's own vehicle model; the drive time to the formation
is read at its cell. The trucks' own fuel is the fuel of the least-time path out and back
(``traceback`` + ``path_fuel``: ``evaluate_path``'s steps), priced when a convoy leaves.

The formation's track is open to its trucks: where the column went, its engineers made the
way (bridges, corduroy over marsh, [SEED-000] 'roads made of logs and brush'), so where the
truck could not move on its own along the planned route it is given its worst going, and where
it could it keeps its own (:func:`along_track`); steps it could not make are priced by
:func:`~logistics.cost.route.helped_across`, the rule the column itself follows. So is the
army's **approach** from its own railhead to its route (``approach=True``, the railhead a
column is configured with, not one the railway moved forward): the army concentrated from there
to its departure line before H-hour, on roads the grid does not show, so its trucks can drive
that way back. The straight line from the railhead to the nearest cell of the route stands in
for that road (an assumption: the road's course is not known), on the same terms as the track.
Without it a railhead on ground the trucks cannot leave in the wet (Bikin, the 5th Separate
Rifle Corps' jump-off, in the Ussuri's wetland) cut its army off from all supply.
The surfaces come from the one door to the solvers (:func:`logistics.cost.accumulate.accumulate`,
``engine`` picks the in-memory or the chunked solver) and the models from the run's
:class:`~logistics.cost.models.CostModels`.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

import numpy as np
from scipy.ndimage import binary_dilation

from logistics.cost.model import BARRIER_CLASS, CostModel
from logistics.cost.models import CostModels
from logistics.cost.route import helped_across
from logistics.supply.trucks import LegFunction, TruckLeg

__all__ = ["truck_leg_function", "release_legs", "along_track", "approach_cells",
           "worst_going_per_m",
           "column_paced"]


def worst_going_per_m(model: CostModel) -> float:
    """The largest finite per-metre cost of ``model``'s table (inf when it has none).

    The vehicle's worst going anywhere: what :func:`along_track` gives the formation's track
    and what a truck leg's steps are priced at when the truck makes none of them on its own.
    """
    table = np.asarray(model.table, dtype=np.float64)
    finite = table[np.isfinite(table)]
    return float(finite.max()) if finite.size else math.inf


def _stuck_at_railhead(terrain, cost, source: tuple[int, int]) -> str:
    """The ground round the railhead (its neighbours' terrain classes, e.g. "wetland") when
    the trucks cannot leave it: no cell within two of it (a knight move's reach) has a finite
    time from it; "" when they can. Why: then no place of the formation is reachable, and a
    note naming each of them (the 5th Separate Rifle Corps' Bikin in the marsh, before the
    approach was open: 431 dispatch hours 'no way ... even along the formation's track')
    hides the one cause."""
    from logistics.terrain.classes import TerrainClass

    r, c = source
    r0, c0 = max(r - 2, 0), max(c - 2, 0)
    window = np.array(np.asarray(cost[r0:r + 3, c0:c + 3]), dtype=np.float64)
    window[r - r0, c - c0] = np.inf  # the railhead's own cell
    if np.isfinite(window).any():
        return ""
    n0, m0 = max(r - 1, 0), max(c - 1, 0)  # its eight neighbours: the ground it must enter
    around = np.asarray(terrain["terrain_class"].values[n0:r + 2, m0:c + 2])
    mask = np.ones(around.shape, dtype=bool)
    mask[r - n0, c - m0] = False
    names = sorted({TerrainClass(int(v)).name.lower() for v in np.unique(around[mask])
                    if int(v) in TerrainClass._value2member_map_})
    return " or ".join(names) or "impassable"


def approach_cells(source: tuple[int, int], cells: np.ndarray) -> np.ndarray:
    """``(row, col)`` cells of the straight line from ``source`` to the nearest of ``cells``
    (an ``(n, 2)`` array), both ends included: the army's approach from its railhead (see the
    module docstring). Sampled at half a cell so that no cell the line crosses is skipped
    diagonally by more than a corner."""
    cells = np.asarray(cells, dtype=np.int64).reshape(-1, 2)
    if not len(cells):
        return np.asarray([source], dtype=np.int64)
    d = np.hypot(cells[:, 0] - source[0], cells[:, 1] - source[1])
    end = cells[int(np.argmin(d))]
    steps = 2 * int(max(abs(end[0] - source[0]), abs(end[1] - source[1]))) + 1
    rr = np.rint(np.linspace(source[0], end[0], steps)).astype(np.int64)
    cc = np.rint(np.linspace(source[1], end[1], steps)).astype(np.int64)
    return np.unique(np.stack([rr, cc], axis=1), axis=0)


def _on_home_side(terrain, source: tuple[int, int], way: np.ndarray) -> np.ndarray:
    """The cells of ``way`` an army came along to its start: where its railhead (``source``)
    is on the Soviet-Mongolian side, none on the Japanese side (:mod:`logistics.terrain.sides`):
    the army concentrated at home before H-hour. Why: the 15th Army's line from Khabarovsk to
    its start on the Amur runs 105 km through the Manchurian bank's wetland, no road it took."""
    from logistics.terrain import to_lonlat
    from logistics.terrain.sides import JAPANESE, side_of

    xs = np.asarray(terrain["x"].values, dtype=np.float64)
    ys = np.asarray(terrain["y"].values, dtype=np.float64)
    rows = np.r_[source[0], way[:, 0]]
    cols = np.r_[source[1], way[:, 1]]
    lon, lat = to_lonlat(xs[cols], ys[rows])
    sides = np.asarray(side_of(np.asarray(lon), np.asarray(lat)))
    if sides[0] == JAPANESE:  # a railhead across the frontier: the army came from there
        return way
    return way[sides[1:] != JAPANESE]


def along_track(model: CostModel, track: np.ndarray) -> CostModel:
    """``model`` with the cells of ``track`` (bool mask) passable at no worse than its worst going.

    Each class on the track gets a twin table row: its own per-metre cost where it is finite
    (a cell the truck drives on its own keeps its going), the largest finite cost of the table
    (the worst going the vehicle has) where it is not; the track's cells take the twin unless
    they are water or nodata (class 255). Entering a track cell costs no more than the worst
    finite ``enter`` of the grid (a bridged river).
    """
    table = np.asarray(model.table, dtype=np.float64)
    worst = worst_going_per_m(model)
    if not math.isfinite(worst):
        return model
    cls = np.array(model.class_index, copy=True)
    on = np.asarray(track, dtype=bool) & (cls != BARRIER_CLASS)
    present = np.unique(cls[on])
    k = table.shape[0]
    if k + present.size > BARRIER_CLASS:
        return model
    twin = np.full(BARRIER_CLASS + 1, BARRIER_CLASS, dtype=np.int64)
    twin[present] = k + np.arange(present.size)
    cls[on] = twin[cls[on]]
    rows = table[present]
    helped = np.where(np.isfinite(rows), rows, worst)
    enter = model.enter
    if enter is not None:
        enter = np.array(enter, copy=True)
        ok = np.isfinite(enter)
        cap = float(enter[ok].max()) if ok.any() else 0.0
        enter[on & ~ok] = cap
    return dataclasses.replace(model, class_index=cls, table=np.vstack([table, helped]),
                               enter=enter)


def column_paced(model: CostModel, max_speed_kmh: float | None) -> CostModel:
    """A time model (seconds per metre) no faster than ``max_speed_kmh`` anywhere: every
    finite entry of its table at least ``3.6 / max_speed_kmh`` s/m. A convoy drives at the
    pace of its column's march norm where the lone vehicle could go faster (the same "slowest
    of physics and norm" as a formation's column, ``advance/pace.py``); None: unchanged."""
    if max_speed_kmh is None or model.units != "s":
        return model
    table = np.asarray(model.table, dtype=np.float64)
    floor = 3.6 / float(max_speed_kmh)
    capped = np.where(np.isfinite(table), np.maximum(table, floor), table)
    return dataclasses.replace(model, table=capped)


class _FuelOnRead(TruckLeg):
    """A reachable :class:`TruckLeg` whose ``fuel_l`` is priced the first time it is read
    (``price()``: two tracebacks and :func:`~logistics.cost.route.path_fuel`), then kept.
    Why: most legs are asked only for their hours (the resupply's lead and offset of every
    formation's head, each hour: ``advance/resupply.py`` ``lead_h``, ``offset_h``), and
    pricing their fuel was a third of the step loop's time in `logistics run configs/`; the
    litres are the same whenever they are read. Pickled as a plain :class:`TruckLeg`."""

    def __init__(self, out_s: float, back_s: float, price: Callable[[], float]):
        object.__setattr__(self, "out_s", out_s)
        object.__setattr__(self, "back_s", back_s)
        object.__setattr__(self, "reason", "")
        object.__setattr__(self, "_price", price)

    @property
    def fuel_l(self) -> float:  # type: ignore[override]
        """Litres one truck burns out and back (priced on the first read)."""
        if self._price is not None:
            object.__setattr__(self, "_fuel", float(self._price()))
            object.__setattr__(self, "_price", None)
        return self._fuel

    def __reduce__(self):
        return (TruckLeg, (self.out_s, self.back_s, self.fuel_l, self.reason))


def release_legs(leg) -> None:
    """``leg.release()`` when the leg function has one (:func:`truck_leg_function`'s, and the
    functions that wrap or cache them); a river leg or a test's stub has none."""
    release = getattr(leg, "release", None)
    if release is not None:
        release()


def truck_leg_function(
    terrain, vehicle, railhead_lonlat: tuple[float, float], route_cells: np.ndarray, *,
    stencil: int = 16, engine: str = "auto", models: CostModels | None = None,
    max_speed_kmh: float | None = None, approach: bool = False,
) -> LegFunction:
    """``leg(route_index, season) -> TruckLeg`` for one truck between railhead and route cell.

    Surfaces are computed lazily once per season and legs cached per (cell, season). A leg
    the trucks cannot make comes back unreachable (infinite) with its ``reason``; it never
    raises, so a supply column cut off from the formation delivers nothing and the run goes on.
    ``models`` is the run's cost-model cache (a new one when None). ``max_speed_kmh``: the
    convoy's column pace on good going (its march norm, :func:`column_paced`; None: the lone
    vehicle's physics speed). ``approach``: the straight line from the railhead to the route
    is open to the trucks as the track is (:func:`approach_cells`; the column's own railhead).
    """
    from logistics.cost.accumulate import accumulate, path
    from logistics.cost.route import path_fuel
    from logistics.terrain import cell_of, to_lonlat, to_metric

    models = models if models is not None else CostModels()
    source = cell_of(terrain, *to_metric(*railhead_lonlat))
    cells = np.asarray(route_cells, dtype=np.int64)
    track = np.zeros((terrain.sizes["y"], terrain.sizes["x"]), dtype=bool)
    track[cells[:, 0], cells[:, 1]] = True
    if approach:
        way = _on_home_side(terrain, source, approach_cells(source, cells))
        track[way[:, 0], way[:, 1]] = True
    # a knight move is priced over the two cells beside it too: widen the track by one cell
    track = binary_dilation(track, structure=np.ones((3, 3), dtype=bool))
    surfaces: dict[str, tuple] = {}
    legs: dict[tuple[int, int, str], TruckLeg] = {}

    def where(r: int, c: int) -> str:
        lon, lat = to_lonlat(float(terrain["x"][c]), float(terrain["y"][r]))
        return f"{float(lon):.3f}E {float(lat):.3f}N"

    def surfaces_of(season: str) -> tuple:
        """(accumulated time out, back, the fuel model's worst going per m) of ``season``,
        built on first use (again after :func:`release`: the same numbers)."""
        if season not in surfaces:
            time_model = along_track(column_paced(
                models.get(terrain, vehicle, objective="time", season=season), max_speed_kmh),
                track)
            fuel_model = models.get(terrain, vehicle, objective="fuel", season=season)
            # legs end on the route's cells only: each solve stops once they are all final
            surfaces[season] = (
                accumulate(time_model, [source], stencil=stencil, engine=engine, stop_at=cells),
                accumulate(time_model, [source], stencil=stencil, reverse=True, engine=engine,
                           stop_at=cells),
                worst_going_per_m(fuel_model),
            )
        return surfaces[season]

    def fuel_of(r: int, c: int, season: str) -> float:
        """Litres one truck burns on the least-time path out to cell (r, c) and back."""
        out, back, worst_fuel_per_m = surfaces_of(season)
        fuel = 0.0
        for acc in (out, back):
            trip = path(acc, (r, c))
            if len(trip) > 1:
                dist_m, fuel_l = path_fuel(terrain, trip, vehicle, season=season, models=models)
                fuel += float(helped_across(fuel_l, dist_m, worst_per_m=worst_fuel_per_m).sum())
        return fuel

    def leg(index: int, season: str) -> TruckLeg:
        r, c = (int(v) for v in cells[index])
        key = (r, c, season)
        if key in legs:
            return legs[key]
        out, back, _ = surfaces_of(season)
        t_out, t_back = float(out.cost[r, c]), float(back.cost[r, c])
        if not (math.isfinite(t_out) and math.isfinite(t_back)):
            stuck = _stuck_at_railhead(terrain, out.cost, source)
            legs[key] = TruckLeg(math.inf, math.inf, math.inf, reason=(
                f"no way for {vehicle.id} out of the railhead at {where(*source)} on "
                f"{season} ground: every cell round it is {stuck}, impassable to it, and "
                + ("no way the army came by opens it" if approach else
                   "the formation's track does not pass there") if stuck else
                f"no way for {vehicle.id} between the railhead at {where(*source)} and the "
                f"formation at {where(r, c)} on {season} ground, even along the formation's "
                "track"))
            return legs[key]
        legs[key] = _FuelOnRead(t_out, t_back, lambda: fuel_of(r, c, season))
        return legs[key]

    def release() -> None:
        """Drop the accumulated surfaces (two grids of costs and their paths a season) and the
        run's cost models: the legs priced so far are kept; a leg asked later rebuilds its
        season's surfaces (the same numbers). Why: a run held for re-running
        (``runner.resimulate``) kept every army's grids (about 60 MB an army)."""
        surfaces.clear()
        models.release()

    leg.release = release
    return leg
