"""What a ferried formation's route search pays to cross a big river: its ferrying, not a bridge.

A formation is ferried (it waits until all of it is across: ``advance/holds.py``
``Holds.ferried_at``) at every major or large river (``terrain.classes.BIG_RIVER_CLASSES``)
its route crosses where its flotilla sails (a formation of a brigade's ``ferries_for``) or on
the 1945 frontier where it is the Amur or the Ussuri. The cost engine prices every such crossing as a bridge (``cost.physics``
``BRIDGE_WAIT_S``, 45 min), so a least-time route crossed the same big river two or three
times to save a little driving, each crossing then ferried for days (the 15th Army's tank
brigades crossed the Sungari at km 77, 275 and 468 of their route). Here the route search of
such a formation pays, on top of the bridge, its own ferry time on the big-river cells where
it would be ferried (:func:`ferry_toll`): the same river toll of the cost model
(``cost.model``: a crossing is paid once, however wide; the channels round an island the big
river encloses once too, as the step loop ferries them once: :func:`with_toll`), so a route
crosses a big river only where that is worth its ferrying.

The toll is the formation's **uncontended** ferry time, ``min(ferry_h, own_means_h)``
(:func:`ferry_hours`: its flotilla brigade's time for it, or its crossing site's own means',
whichever has it across first, as ``movement.yaml river.ferrying.order`` takes them), not the
queue it may meet: a lower bound of the wait, known before any route is chosen. Why not the
queue per site (a second site has a park of its own): on the shipped armies the formations that
wait cross in their parent's column (formed out of it after the crossing, or attached to it),
so another site would not bring them sooner; and a free one moved to a new site would get a
park no source counts (``configs/norms/movement.yaml bridging``). Only the route
search pays it; the route's own times keep the bridge (the step loop adds the ferrying), so no
crossing is counted twice in the run's hours. The toll is the assumed channel's, while the
step loop times a ferrying by the water the chosen route crosses (``CrossingStop.
time_factor``); so on the opened water of a ferry site (``ferry_sites.FERRY_WATER``) the search
also pays, cell by cell, the ferry time the water adds beyond the channel (:func:`water_toll_s`:
the toll's hours times the growth of ``network/river.py crossing_time_factor`` per km of water
beyond the channel, which is linear, over the km
:func:`~logistics.advance.ferry_sites.water_beyond_channel_km` gives the cell), a time added to
those cells' cost (:func:`with_cell_seconds`); the step loop times the ferrying by the same
cells of the chosen route (ferry_sites.py ``crossing_beyond_channel_km``, ferry35), so the
search pays what the ferrying takes. A least-time route then crosses a ferry site
where its water is narrow when the ferry time saved beats the detour (watertoll32: the 15th
Army's rifle divisions were ferried across 12.2 km of the Amur-Sungari river-lake, x2.84,
because the search priced it as the 1.5 km channel).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

__all__ = ["FRONTIER_WINDOW_KM", "AMUR_FROM_LON", "on_frontier", "FerryToll", "ferry_hours",
           "uncontended_h", "ConvoyLoad", "convoy_ferry_h", "ferry_toll", "frontier_river_cells",
           "water_toll_s", "with_toll", "with_cell_seconds", "toll_paid_s"]


#: Km of route either side of a crossing within which the route must pass from one side of the
#: 1945 frontier to the other for the crossing to be on the frontier. **Assumed**: the frontier's
#: drawn cells are about 2 km wide (:data:`logistics.terrain.sides.SIDE_CELL_DEG`) and the
#: WDBII river line and the boundary line of the same river, generalised differently, lie a
#: few km apart; 10 km holds both and no inland river of the routes lies that near the line.
FRONTIER_WINDOW_KM: float = 10.0


#: Longitude east of which the frontier's big river is the Amur (and then the Ussuri), west of
#: which it is the Argun, deg E. **Assumed**: the Argun meets the Shilka to form the Amur at
#: about 121.5 E (53.3 N); WDBII gives no river names. Why it matters: the width a crossing
#: site's own means ferry across (movement.yaml ``river.own_means.width_km``, 1.5 km) is
#: assumed for the Amur and the Ussuri; the Argun, a much smaller river whose width no source
#: gives, keeps the route's bridge (movement.yaml ``bridging``).
AMUR_FROM_LON: float = 121.5


def on_frontier(kms: np.ndarray, sides: np.ndarray, km: float, lon: float) -> bool:
    """Whether the route's points within :data:`FRONTIER_WINDOW_KM` of ``km`` lie on both
    sides of the 1945 frontier (``sides``: :func:`logistics.terrain.sides.side_of` codes) at a
    crossing east of :data:`AMUR_FROM_LON` (``lon``, deg E): the Amur or the Ussuri."""
    from logistics.terrain.sides import JAPANESE, SOVIET

    if lon < AMUR_FROM_LON:
        return False
    near = sides[np.abs(kms - km) <= FRONTIER_WINDOW_KM]
    return bool((near == SOVIET).any() and (near == JAPANESE).any())


@dataclass(frozen=True)
class FerryToll:
    """A formation's big-river toll for its route search: ``seconds`` paid on entering the
    band of ``cells`` (bool grid), ``key`` naming it in a route cache; ``water_s`` (float grid
    or None): seconds more paid for crossing each cell of a ferry site's opened water, the
    ferry time its width adds (:func:`water_toll_s`); ``islands`` (bool grid or None): land
    enclosed by ``cells`` (``ferry_sites.island_cells``), one band with the river around it,
    so the channels either side of an island pay one toll (:func:`with_toll`)."""

    cells: np.ndarray
    seconds: float
    key: str
    water_s: np.ndarray | None = None
    islands: np.ndarray | None = None


def ferry_hours(unit, options, *, flotilla: bool) -> tuple[float, float]:
    """(``ferry_h``, ``own_means_h``) of a formation: hours its flotilla brigade takes to put
    all of it across (0 when it has no flotilla or the plan no ferry planner), and hours the
    army's own means at a crossing site take (inf when the plan has no own-means planner).
    ``options``: the plan's :class:`~logistics.advance.plan.PlanOptions`."""
    ferry_h = (float(options.ferry_time(unit.men, unit.vehicle_count, 0))
               if flotilla and options.ferry_time is not None else 0.0)
    own_h = (float(options.own_means_time(unit.men, unit.motor_classes, 0))
             if options.own_means_time is not None else math.inf)
    return ferry_h, own_h


def uncontended_h(unit, options, *, flotilla: bool) -> float:
    """Hours a formation (or a convoy, :class:`ConvoyLoad`) is ferried across one big river
    with no queue: ``min(ferry_h, own_means_h)`` with a flotilla (whichever means has it across
    first), ``own_means_h`` without (:func:`ferry_hours`); inf when no means is planned."""
    ferry_h, own_h = ferry_hours(unit, options, flotilla=flotilla)
    return min(ferry_h, own_h) if flotilla else own_h


#: Men of a supply truck, its driver: **assumed** (no establishment of the army's motor
#: transport is in the references; one driver a truck, the usual crew of a ZIS-5).
CONVOY_MEN_PER_TRUCK: int = 1


@dataclass(frozen=True)
class ConvoyLoad:
    """What a supply convoy puts on the ferries: ``trucks`` of class ``vehicle`` and their
    drivers (:data:`CONVOY_MEN_PER_TRUCK`); the fields :func:`ferry_hours` reads of a unit, so
    a convoy is ferried by the same norms as a formation."""

    vehicle: str
    trucks: int

    @property
    def men(self) -> int:
        return CONVOY_MEN_PER_TRUCK * int(self.trucks)

    @property
    def vehicle_count(self) -> int:
        return int(self.trucks)

    @property
    def motor_classes(self) -> tuple[tuple[str, int], ...]:
        return ((self.vehicle, int(self.trucks)),)


def convoy_ferry_h(vehicle: str, options) -> Callable[[int, bool], float]:
    """``hours(trucks, flotilla)``: the uncontended ferry time (:func:`uncontended_h`) of a
    convoy of ``trucks`` of class ``vehicle`` at one big river, by the formations' norms
    (``options``: the plan's :class:`~logistics.advance.plan.PlanOptions`); ``flotilla``: the
    formation it supplies is ferried by a flotilla brigade there. Cached per argument pair."""
    cache: dict[tuple[int, bool], float] = {}

    def hours(trucks: int, flotilla: bool) -> float:
        key = (int(trucks), bool(flotilla))
        if key not in cache:
            cache[key] = uncontended_h(ConvoyLoad(vehicle, key[0]), options, flotilla=key[1])
        return cache[key]

    return hours


def frontier_river_cells(terrain, sides: np.ndarray, window_km: float, from_lon: float
                         ) -> np.ndarray:
    """Bool grid: big-river cells east of ``from_lon`` (deg E) within ``window_km`` of both a
    Soviet-side and a Japanese-side cell (``sides``: :func:`~logistics.advance.frontier.
    home_sides` codes), the grid's form of a ferried crossing on the 1945 frontier
    (:func:`on_frontier`: the route passes from one side to the other
    within that many km of a crossing of the Amur or the Ussuri, east of the Argun's mouth)."""
    from scipy.ndimage import distance_transform_edt

    from logistics.terrain import to_lonlat
    from logistics.terrain.classes import BIG_RIVER_CLASSES
    from logistics.terrain.sides import JAPANESE, SOVIET

    big = np.isin(np.asarray(terrain["river_class"].values), BIG_RIVER_CLASSES)
    if not big.any():
        return big
    xs = np.asarray(terrain["x"].values, dtype=np.float64)
    ys = np.asarray(terrain["y"].values, dtype=np.float64)
    cell = (abs(float(ys[1] - ys[0])) if len(ys) > 1 else 1000.0,
            abs(float(xs[1] - xs[0])) if len(xs) > 1 else 1000.0)
    near = big.copy()
    for side in (SOVIET, JAPANESE):
        on = sides == side
        if not on.any():
            return np.zeros_like(big)
        near &= distance_transform_edt(~on, sampling=cell) <= window_km * 1000.0
    rows, cols = np.nonzero(near)
    lon, _ = to_lonlat(xs[cols], ys[rows])
    near[rows[np.asarray(lon) < from_lon], cols[np.asarray(lon) < from_lon]] = False
    return near


def ferry_toll(terrain, unit, options, *, flotilla: bool,
               frontier_cells: Callable[[], np.ndarray] | None, river=None
               ) -> FerryToll | None:
    """The toll of ``unit``'s route search (see the module docstring), or None when it is never
    ferried. ``flotilla``: a brigade ferries it (every big river then, where it may cross:
    ``ferry_sites.ferry_barrier`` still bars the rest); ``frontier_cells()``: the big-river
    cells on the frontier (:func:`frontier_river_cells`, asked only when needed; None: no
    frontier), where it is ferried by the site's own means even without a flotilla.
    ``river``: the movement norms' ``river`` (the run's ``Norms.means.river``, whose channel
    and ferry trip time the water: :func:`water_toll_s`; None: configs/norms')."""
    from logistics.advance.ferry_sites import island_cells
    from logistics.terrain.classes import BIG_RIVER_CLASSES

    hours = uncontended_h(unit, options, flotilla=flotilla)
    if not (math.isfinite(hours) and hours > 0):
        return None
    if flotilla:
        cells = np.isin(np.asarray(terrain["river_class"].values), BIG_RIVER_CLASSES)
    elif frontier_cells is not None:
        cells = frontier_cells()
    else:
        return None
    if not cells.any():
        return None
    seconds = hours * 3600.0
    kind = "flotilla" if flotilla else "frontier"
    water_s = water_toll_s(terrain, cells, seconds, river)
    wkey = "" if water_s is None else f":water{float(water_s.sum()):.0f}"
    islands = island_cells(terrain, cells)
    n_isl = int(islands.sum())
    ikey = f":islands{n_isl}" if n_isl else ""
    return FerryToll(cells, seconds, f"ferry:{kind}:{seconds:.0f}{wkey}{ikey}", water_s,
                     islands if n_isl else None)


def water_toll_s(terrain, cells: np.ndarray, seconds: float, river=None) -> np.ndarray | None:
    """Float32 grid, s: on the opened water among ``cells`` (the toll's), the ferry time beyond
    ``seconds`` (a crossing's at the channel) that crossing a cell of it adds: ``seconds x
    (crossing_time_factor(channel + 1 km) - 1)`` per km of the cell's
    :func:`~logistics.advance.ferry_sites.water_beyond_channel_km` (the factor grows linearly
    with the water, so the cells of a crossing sum to its ferrying's growth); None when no such
    cell. ``river``: the movement norms' ``river`` (None: configs/norms')."""
    from logistics.advance.ferry_sites import water_beyond_channel_km
    from logistics.network.river import crossing_time_factor, crossing_width_km

    kw = {} if river is None else {"means": river.own_means, "current_kmh": river.current_kmh}
    channel_km = crossing_width_km(0.0, kw.get("means"))
    km = water_beyond_channel_km(terrain, channel_km) * cells
    if not (km > 0).any():
        return None
    per_km = crossing_time_factor(channel_km + 1.0, **kw) - 1.0
    return (seconds * per_km * km).astype(np.float32)


def with_toll(model, terrain, toll: FerryToll):
    """``model`` (a time :class:`~logistics.cost.model.CostModel`) with ``toll.seconds`` added
    to the ``enter`` cost of ``toll.cells`` (each cell's river code kept, so a crossing pays it
    once; a model without rivers gets them from ``terrain``'s ``river_class``), and
    ``toll.water_s`` to the cost of crossing each cell of it (:func:`with_cell_seconds`); an
    island of ``toll.islands`` takes the ``enter`` and river code of the toll's cells around
    it (the dearest), so a route across its channels pays the toll once, as the step loop
    ferries them once (formation_plan.py ``_one_ferrying``)."""
    if model.units != "s":
        raise ValueError(f"a ferry toll is in seconds; the model is in {model.units!r}")
    if model.enter is None:
        enter = np.zeros(model.shape, dtype=np.float32)
        river = np.asarray(terrain["river_class"].values).astype(np.uint8)
    else:
        enter, river = np.array(model.enter, dtype=np.float32), model.river
    enter[toll.cells] += np.float32(toll.seconds)
    if toll.islands is not None:
        enter, river = _islands_as_river(enter, river, toll.cells, toll.islands)
    model = replace(model, enter=enter, river=river)
    return model if toll.water_s is None else with_cell_seconds(model, toll.water_s)


def _islands_as_river(enter: np.ndarray, river: np.ndarray | None, cells: np.ndarray,
                      islands: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """(``enter``, ``river``) with each island (a piece of ``islands``) given the largest
    ``enter`` and river code of the ``cells`` beside it (side or corner), so that moving from
    a channel onto it and on into the next pays nothing more (cost.model's river toll)."""
    from scipy import ndimage

    lab, n = ndimage.label(islands)
    if not n:
        return enter, river
    ring = ndimage.grey_dilation(lab, size=(3, 3))
    ring = np.where(cells & (lab == 0), ring, 0)
    idx = np.arange(1, n + 1)
    on = islands & (lab > 0)
    finite = np.where(np.isfinite(enter), enter, np.float32(0.0))  # a barrier stays its own
    val = np.asarray(ndimage.maximum(finite, labels=ring, index=idx), dtype=np.float32)
    enter = enter.copy()
    enter[on] = np.maximum(enter[on], val[lab[on] - 1])
    if river is not None:
        code = np.asarray(ndimage.maximum(river, labels=ring, index=idx))
        river = np.array(river, copy=True)
        river[on] = code[lab[on] - 1].astype(river.dtype)
    return enter, river


def with_cell_seconds(model, seconds: np.ndarray):
    """``model`` (time) whose cost of crossing a cell (its side, ``cellsize_m``) grows by
    ``seconds`` there: the cell's ``scale`` raised by ``seconds / side / c0``, ``c0`` its
    class's per-metre cost on the level (``table`` at grade 0), since the cost engine prices a
    move by the mean per-metre cost of its cells (``cost.model``; a move half in such a cell
    pays half of it). Cells of no finite level cost, or of no ``seconds``, are unchanged."""
    side_m = 0.5 * (float(model.cellsize_m[0]) + float(model.cellsize_m[1]))
    c0 = np.array([np.interp(0.0, model.grades, row) for row in model.table], dtype=np.float64)
    k = np.asarray(model.class_index).astype(np.int64)
    ok = (np.asarray(seconds) > 0) & (k < len(c0))
    level = np.full(model.shape, np.nan)
    level[ok] = c0[k[ok]]
    ok &= np.isfinite(level) & (level > 0)
    scale = (np.ones(model.shape, dtype=np.float32) if model.scale is None
             else np.array(model.scale, dtype=np.float32))
    scale[ok] += (np.asarray(seconds, dtype=np.float64)[ok] / side_m / level[ok]).astype(
        np.float32)
    return replace(model, scale=scale)


def toll_paid_s(model, terrain, cells: np.ndarray, toll: FerryToll) -> np.ndarray:
    """Seconds of ``toll`` (its ``enter``: :func:`with_toll`) the route search paid on each
    step of the path ``cells`` ((n, 2) rows and cols, consecutive cells distinct), n - 1
    values: the river toll of the tolled ``model`` (the search's pace vehicle's time model)
    less the untolled one's (``cost.kernel.edge_tolls``, the kernel's own toll). Why
    (ferrywide33): a diagonal step past a big river's corner pays, untolled, the big river
    on a tie (the route's crossing list calls it a big-river crossing), but the search,
    tolled, went round the corner through the smaller river's cell and paid no ferrying
    there; the step loop ferries where the search paid (formation_plan.py ``_crossings``),
    so the two agree on where, and how often, a formation is ferried."""
    from logistics.cost.kernel import edge_tolls
    from logistics.cost.route import _step_offsets

    cells = np.asarray(cells, dtype=np.int64)
    if len(cells) < 2:
        return np.zeros(0)
    k = _step_offsets(cells)
    rows, cols = cells[:-1, 0], cells[:-1, 1]
    return (edge_tolls(with_toll(model, terrain, toll), rows, cols, k)
            - edge_tolls(model, rows, cols, k))
