"""Where a flotilla ferries the formations it serves: the only places they cross a big river.

A big river is a major or large one (``terrain.classes.BIG_RIVER_CLASSES``, WDBII levels 0-2):
the rivers the flotilla sails, the Amur, the Sungari, the Ussuri (level 2 at the 5th Rifle
Corps' sourced crossing), so the ones it ferries its formations across; each one on a
ferried formation's route is where it waits for the ferrying (advance/holds.py
``Holds.ferried_at``; by the brigade or the site's own means, whichever is first). The same
classes are barred away from the flotilla, or a formation whose first big river is a large one
far from it would queue there for ships that are not there. Smaller rivers its formations
cross by their own means wherever their routes meet them, as every formation does.

A flotilla ferries a formation where the flotilla is: at the crossing the sources name for the
formation (its start: the 2nd Red Banner Army's three crossings at Blagoveshchensk,
Konstantinovka and Poyarkovo, one brigade for all three), at the brigade's start, and along the
river path it steams through its route's ports. Two rules follow, both for the formations a
brigade ``ferries_for``:

* **open water at the ferry sites** (:func:`open_ferry_water`): a wide river is a water polygon
  on the grid (the lower Amur and the Sungari are, for hundreds of km), which no land vehicle
  enters; within :data:`FERRY_SITE_KM` of where the flotilla is, its water cells become a major
  river crossing on the ground of the nearest bank (the flotilla ferries across them; the
  crossing is priced as every major river's, and the simulation adds the ferrying time,
  timed for the water the route crosses there: :func:`crossing_water_km`, marked
  :data:`FERRY_WATER`);
* **no crossing elsewhere** (:func:`ferry_barrier`): a big river's cells (major or large)
  farther than that from the flotilla are a barrier to them;
* **one ferrying a crossing**: the big-river crossings of a route within
  :data:`CHANNELS_WITHIN_KM` of route of each other (its channels, a side channel, an island
  between) are ferried once (:func:`channel_groups`), and the route search pays the channels
  round an island (:func:`island_cells`) one toll.

Without them the 15th Army's least-time route drove 150 km up the Soviet bank of the Amur to
where the river narrows to a line on the 1 km grid, and the flotilla "ferried" it at a place it
never goes. Plain arrays in and out; the plan (:mod:`logistics.advance.plan`) applies them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xarray as xr

from logistics.army.means_norms import brigade_ships  # moved to the army layer; read here too

__all__ = ["FERRY_SITE_KM", "FERRY_WATER", "brigade_ships", "flotilla_points", "ferry_barrier",
           "open_ferry_water", "crossing_water_km", "crossing_water_steps", "crossing_water_shares",
           "crossing_far_bank_km", "crossing_beyond_channel_km",
           "water_beyond_channel_km", "army_ferry_sites",
           "may_open", "ISLAND_MAX_KM", "island_cells", "CHANNELS_WITHIN_KM",
           "channel_groups"]

#: Km from where its flotilla is within which a ferried formation may cross a big river.
#: **Assumed**: 20 km is the 10 km a start may be moved to passable ground plus the river's
#: width and its islands on a 1 km grid (the crossing sectors the sources name:
#: Blagoveshchensk, Konstantinovka, Poyarkovo, Leninskoye-Tongjiang, the 5th Corps' Ussuri
#: crossing; configs/2fef-*.yaml).
FERRY_SITE_KM: float = 20.0

#: Km, the largest extent (rows and columns of its bounding box) of land enclosed by a big
#: river that is an island its ferries pass on one trip bank to bank (:func:`island_cells`).
#: **Assumed**: one ferry site's radius (:data:`FERRY_SITE_KM`): a ferrying is one site's, and
#: a larger enclosed land (between two rivers that meet twice) is crossed as two rivers.
ISLAND_MAX_KM: float = FERRY_SITE_KM

#: The terrain variable :func:`open_ferry_water` adds: the water cells it opened (bool).
FERRY_WATER: str = "ferry_water"


def flotilla_points(brigade, ships: dict[str, int], *, river_path: bool = True,
                    notes: list[str] | None = None, norms=None) -> list[tuple[float, float]]:
    """(lon, lat) points where ``brigade`` is: its start and, when it has a route (and
    ``river_path``), its river path through the route's ports every ~1 km
    (:func:`logistics.network.plan_river_move`, with the river norms ``norms``: the run's
    ``Norms.means.river``; None: ``settings.CONFIG_DIR``'s)."""
    from shapely import LineString, segmentize

    way = [(float(brigade.start.location().lon), float(brigade.start.location().lat))]
    way += [(float(p.location().lon), float(p.location().lat)) for p in brigade.route]
    points = list(way)
    if len(way) < 2 or not river_path:
        return points
    from logistics.network import plan_river_move
    from logistics.terrain import to_lonlat, to_metric

    for a, b in zip(way[:-1], way[1:]):
        move = plan_river_move(a, b, ships=ships, men=1, depart_h=0.0, norms=norms)
        if not move.ok or move.geometry is None:
            if notes is not None:
                notes.append(f"{brigade.id}: no river path from {a} to {b} ({move.reason}); "
                             "the formations it ferries cross big rivers only near its ports")
            continue
        lon, lat = np.asarray(move.geometry.coords, dtype=np.float64).T
        x, y = to_metric(lon, lat)
        dense = np.asarray(segmentize(LineString(np.column_stack([x, y])), 1000.0).coords)
        lon, lat = to_lonlat(dense[:, 0], dense[:, 1])
        points += list(zip(np.asarray(lon, float).tolist(), np.asarray(lat, float).tolist()))
    return points


def army_ferry_sites(army, units, norms, *, river_path: bool = True,
                     notes: list[str] | None = None) -> tuple[dict, dict]:
    """``(ferry_points, own_sites)`` of an army: brigade id -> :func:`flotilla_points` of each
    brigade that ``ferries_for`` formations, and ferried formation id -> its own start (the
    crossing the sources name for it): where its water opens (:func:`open_ferry_water`).
    ``units``: the resolved formations; ``norms``: the run's (its ``means.river``);
    ``river_path``: the plan has a river planner (the brigade's river path is drawn)."""
    ferried = {fid for b in army.flotilla for fid in b.ferries_for}
    ferry_points = {b.id: flotilla_points(b, brigade_ships(b, norms), river_path=river_path,
                                          notes=notes, norms=norms.means.river)
                    for b in army.flotilla if b.ferries_for}
    own_sites = {u.id: [(u.start_lon, u.start_lat)] for u in units if u.id in ferried}
    return ferry_points, own_sites


def may_open(terrain: xr.Dataset, points: Sequence[tuple[float, float]],
             radius_km: float = FERRY_SITE_KM) -> np.ndarray:
    """Bool grid: the cells of ``terrain`` (a window of a larger grid) within ``radius_km``
    plus one cell's diagonal of a point of ``points``, on the window or off it: every water
    cell :func:`open_ferry_water` may open on the larger grid (it measures from the centre of
    the cell holding the point, at most that diagonal's half from it) is among them."""
    from scipy.spatial import cKDTree

    from logistics.terrain import to_metric

    xs = np.asarray(terrain["x"].values, dtype=np.float64)
    ys = np.asarray(terrain["y"].values, dtype=np.float64)
    if not len(points) or not xs.size or not ys.size:
        return np.zeros((ys.size, xs.size), dtype=bool)
    lonlat = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    px, py = to_metric(lonlat[:, 0], lonlat[:, 1])
    cell = float(terrain.attrs.get("resolution_m", abs(xs[1] - xs[0]) if xs.size > 1 else 0.0))
    gx, gy = np.meshgrid(xs, ys)
    d, _ = cKDTree(np.column_stack([px, py])).query(np.column_stack([gx.ravel(), gy.ravel()]))
    return (d <= radius_km * 1000.0 + cell * np.sqrt(2.0)).reshape(gx.shape)


def _distance_m(terrain: xr.Dataset, points: Sequence[tuple[float, float]]) -> np.ndarray:
    """Metres from each cell to the nearest cell holding one of ``points`` (inf: none inside)."""
    from scipy.ndimage import distance_transform_edt

    from logistics.terrain import cell_of, to_metric
    from logistics.terrain.grid import grid_of

    ny, nx = terrain.sizes["y"], terrain.sizes["x"]
    near = np.zeros((ny, nx), dtype=bool)
    if len(points):
        lonlat = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        x, y = to_metric(lonlat[:, 0], lonlat[:, 1])
        x0, y0, x1, y1 = grid_of(terrain).bounds_m
        # a point of the flotilla's beyond the army's grid opens nothing on it
        on = (x >= x0) & (x < x1) & (y > y0) & (y <= y1)
        if on.any():
            rows, cols = cell_of(terrain, x[on], y[on])
            near[rows, cols] = True
    if not near.any():
        return np.full((ny, nx), np.inf)
    xs = np.asarray(terrain["x"].values, dtype=np.float64)
    ys = np.asarray(terrain["y"].values, dtype=np.float64)
    cell = (abs(float(ys[1] - ys[0])) if ny > 1 else 1000.0,
            abs(float(xs[1] - xs[0])) if nx > 1 else 1000.0)
    return distance_transform_edt(~near, sampling=cell)


def ferry_barrier(terrain: xr.Dataset, points: Sequence[tuple[float, float]],
                  radius_km: float = FERRY_SITE_KM) -> np.ndarray:
    """Bool grid: big-river cells (``BIG_RIVER_CLASSES``: major or large) farther than
    ``radius_km`` from every one of ``points`` (:func:`flotilla_points`), where the formations
    the brigade ferries cannot cross: the classes whose first crossing they wait at for it."""
    from logistics.terrain.classes import BIG_RIVER_CLASSES

    big = np.isin(np.asarray(terrain["river_class"].values), BIG_RIVER_CLASSES)
    return big & (_distance_m(terrain, points) > radius_km * 1000.0)


def open_ferry_water(terrain: xr.Dataset, points: Sequence[tuple[float, float]],
                     radius_km: float = FERRY_SITE_KM) -> tuple[xr.Dataset, int]:
    """``(terrain, n)``: a copy of ``terrain`` whose water cells within ``radius_km`` of
    ``points`` are a major river crossing on the ground of the nearest land cell (``n`` cells
    changed; the input unchanged, and returned as is when ``n`` is 0)."""
    from scipy.ndimage import distance_transform_edt

    from logistics.terrain.classes import RiverClass, TerrainClass

    tc = np.asarray(terrain["terrain_class"].values)
    water = tc == int(TerrainClass.WATER)
    land = (tc != int(TerrainClass.WATER)) & (tc != int(TerrainClass.NODATA))
    opened = water & (_distance_m(terrain, points) <= radius_km * 1000.0)
    n = int(opened.sum())
    if n == 0 or not land.any():
        return terrain, 0
    _, (ri, ci) = distance_transform_edt(~land, return_indices=True)
    new_tc = tc.copy()
    new_tc[opened] = tc[ri[opened], ci[opened]]
    rc = np.asarray(terrain["river_class"].values).copy()
    rc[opened] = int(RiverClass.MAJOR)
    out = terrain.copy()
    out["terrain_class"] = terrain["terrain_class"].copy(data=new_tc.astype(tc.dtype))
    out["river_class"] = terrain["river_class"].copy(data=rc.astype(terrain["river_class"].dtype))
    out[FERRY_WATER] = terrain["terrain_class"].copy(data=opened)
    out[FERRY_WATER].attrs = {"units": "1", "description": "water the ferries cross (opened)"}
    return out, n


def crossing_water_km(terrain: xr.Dataset, cells: np.ndarray, kms: np.ndarray,
                      i: int) -> float:
    """Km of opened water (:data:`FERRY_WATER`) a route crosses at its big-river crossing
    whose first cell is ``cells[i]`` (``cells``: (n, 2) rows and cols of the route's points,
    ``kms`` their km): each step's km times its water share (:func:`crossing_water_shares`)
    while the route stays in big-river cells (``BIG_RIVER_CLASSES``, which an opened cell is)
    from there. 0 on a terrain with no opened water, or a crossing of a river line on land.
    Why: a route across a river-lake (the Amur below the Sungari's mouth, 13.5 km on the 15th
    Army's) marches over the opened water at land pace; the ferry must cross it
    (network/river.py ``crossing_width_km``)."""
    steps, shares = crossing_water_shares(terrain, cells, i)
    kms = np.asarray(kms, dtype=np.float64)
    return float(np.sum((kms[steps] - kms[steps - 1]) * shares)) if steps.size else 0.0


def crossing_water_steps(terrain: xr.Dataset, cells: np.ndarray, i: int) -> np.ndarray:
    """Indices ``j`` (ascending, each > 0) of the route's steps (from point ``j - 1`` to
    ``j``) over opened water (:data:`FERRY_WATER`) at its big-river crossing whose first cell
    is ``cells[i]``: the steps of :func:`crossing_water_shares` (see there), the water the
    ferry carries it over (the step loop does not march it, formation_plan.py
    ``ferried_water_steps``). Empty on a terrain with no opened water, or at a crossing of a
    river line on land."""
    return crossing_water_shares(terrain, cells, i)[0]


def crossing_water_shares(terrain: xr.Dataset, cells: np.ndarray,
                          i: int) -> tuple[np.ndarray, np.ndarray]:
    """(steps, shares): the route's steps ``j`` (ascending, each > 0, from point ``j - 1`` to
    ``j``) that pass opened water (:data:`FERRY_WATER`) at its big-river crossing whose first
    cell is ``cells[i]``, while the route stays in big-river cells (``BIG_RIVER_CLASSES``)
    from there (the step that leaves them counted too, for its part over the water), and the share
    of each step's length over that water (0 < share <= 1).

    A step's share is the mean of its cells' water as the cost engine weighs the cells of a
    move (logistics/cost/kernel.py ``_crossed_cells``, ``_priced_move``): a straight or
    diagonal step half its cell ``p``, half ``q`` (each half-step on its own cell); a knight's
    move a quarter each of ``p``, the two cells beside its segment (cost/route.py
    ``_passed_cells``) and ``q``, the exact lengths of its segment in each; of the step into
    the crossing's first cell, not its part on the cell before. Why
    (knightwater33): the 15th Army's tanks' knight step from km 27.07 to 29.31 jumps two
    opened-water cells and landed on none; only the landing cells were counted, so their
    ferrying was timed for the assumed 1.5 km channel. Why the halves (ferry34): charged to
    ``q`` alone, a step into the water counted in full and the step out of it not at all,
    and a knight's move, its ``p`` left out, a third of its length for each cell beside it
    (two water cells: 1.49 of its 2.24 km; 1.12 by the engine's weights)."""
    none = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    pieces = _water_pieces(terrain, cells, i)
    if pieces is None:
        return none
    steps, weights = pieces
    return steps, weights.sum(axis=1)


def crossing_far_bank_km(terrain: xr.Dataset, cells: np.ndarray, kms: np.ndarray,
                         i: int) -> float | None:
    """Km of the far bank of the opened water a route crosses at its big-river crossing whose
    first cell is ``cells[i]`` (``kms``: the route's points' km): where its last step over that
    water (:func:`crossing_water_shares`) leaves it, the edge of the last water cell it passes,
    by the cost engine's weights of the step's cells in the order the segment passes them
    (``p``, then ``q``, half each, on a straight or diagonal step; ``p``, the cell beside it
    next to ``p``, the one next to ``q``, ``q``, a quarter each, on a knight's move: the
    exact lengths). None: no water there (a river line on land). Why (ferry35): the route's km
    at the centre of the step's landing cell lay half a cell past the bank, so a ferried
    formation's bridgehead (holds.py ``bridgehead_km``) reached that much farther than the
    bank; the same km is crossings.csv's ``far_km``."""
    pieces = _water_pieces(terrain, cells, i)
    if pieces is None:
        return None
    steps, weights = pieces
    j = int(steps[-1])
    last = int(np.flatnonzero(weights[-1] > 1e-12)[-1])  # its last cell with water
    knight = np.abs(np.asarray(cells)[j] - np.asarray(cells)[j - 1]).max() == 2
    # the step's part up to the end of that cell: its cells in order, a quarter each on a
    # knight's move, else half each (p in column 0, q in column 3)
    frac = (last + 1) / 4.0 if knight else (0.5 if last == 0 else 1.0)
    kms = np.asarray(kms, dtype=np.float64)
    return float(kms[j - 1] + frac * (kms[j] - kms[j - 1]))


def crossing_beyond_channel_km(terrain: xr.Dataset, cells: np.ndarray, kms: np.ndarray,
                               i: int, channel_km: float,
                               beyond: np.ndarray | None = None) -> float:
    """Km of the opened water a route crosses at its big-river crossing whose first cell is
    ``cells[i]`` (``kms``: its points' km) that lie beyond the channel (``channel_km``): over
    its steps on that water (:func:`crossing_water_shares`), each step's km times the mean of
    its cells' :func:`water_beyond_channel_km` per km of cell, by the cost engine's weights of
    its cells: what the route search paid on them (advance/ferry_toll.py ``water_toll_s``, per
    km beyond the channel). ``beyond``: that grid, computed once for many crossings (None:
    here). 0 where there is no opened water. Why (ferry35): the step loop times a ferrying
    by it (formation_plan.py ``CrossingStop.beyond_km``), so the search and the step loop
    charge a crossing's water by one rule; by the route's water less the channel, the step
    loop charged nothing on a one-cell water the search paid a quarter cell for, and the
    search's cells by their nearest bank differ from the water along an oblique route."""
    if beyond is None:
        beyond = water_beyond_channel_km(terrain, channel_km)
    side_km = _cell_km(terrain)
    pieces = _water_pieces(terrain, cells, i, np.asarray(beyond, dtype=np.float64) / side_km)
    if pieces is None:
        return 0.0
    steps, per_km = pieces
    kms = np.asarray(kms, dtype=np.float64)
    return float(np.sum((kms[steps] - kms[steps - 1]) * per_km.sum(axis=1)))


def _cell_km(terrain: xr.Dataset) -> float:
    """The side of a cell, km (the mean of its two: the cost engine's ``cellsize_m``'s, as
    ferry_toll.py ``with_cell_seconds`` prices a cell's seconds by)."""
    xs = np.asarray(terrain["x"].values, dtype=np.float64)
    ys = np.asarray(terrain["y"].values, dtype=np.float64)
    dx = abs(float(xs[1] - xs[0])) if xs.size > 1 else 1000.0
    dy = abs(float(ys[1] - ys[0])) if ys.size > 1 else 1000.0
    return float(terrain.attrs.get("resolution_m", 0.5 * (dx + dy))) / 1000.0


def _water_pieces(terrain: xr.Dataset, cells: np.ndarray, i: int,
                  values: np.ndarray | None = None
                  ) -> tuple[np.ndarray, np.ndarray] | None:
    """(steps, weights) of :func:`crossing_water_shares`: the steps, and for each an (m, 4)
    row of the water share of each of its cells in the order the segment passes them (``p``,
    the cell beside it next to ``p``, the one next to ``q``, ``q``; the middle two 0 on a
    straight or diagonal step), or of ``values`` (a float grid) on those cells, weighted
    alike, when given; None when the crossing passes no opened water."""
    from logistics.cost.route import _passed_cells, _step_offsets
    from logistics.terrain.classes import BIG_RIVER_CLASSES

    cells = np.asarray(cells, dtype=np.int64)
    if FERRY_WATER not in terrain or not 0 <= i < len(cells) or len(cells) < 2:
        return None
    w = np.asarray(terrain[FERRY_WATER].values).astype(bool).astype(np.float64)
    rc = np.asarray(terrain["river_class"].values)
    k = _step_offsets(cells)
    ar, ac, br, bc = _passed_cells(cells, k)
    knight = np.abs(np.diff(cells, axis=0)).max(axis=1) == 2
    n_cells = np.where(knight, 4.0, 2.0)

    def weigh(g: np.ndarray) -> np.ndarray:
        out = np.column_stack([
            g[cells[:-1, 0], cells[:-1, 1]] / n_cells,  # the share on the cell it leaves
            np.where(knight, g[ar, ac], 0.0) / n_cells,
            np.where(knight, g[br, bc], 0.0) / n_cells,
            g[cells[1:, 0], cells[1:, 1]] / n_cells])
        if i >= 1:  # the step into the crossing: its part on the cell before is not this water
            out[i - 1, 0] = 0.0
        return out

    pieces = weigh(w)
    steps = []
    for j in range(max(i, 1), len(cells)):
        if pieces[j - 1].sum() > 1e-12:
            steps.append(j)
        if rc[cells[j, 0], cells[j, 1]] not in BIG_RIVER_CLASSES:
            break
    if not steps:
        return None
    steps = np.asarray(steps, dtype=np.int64)
    if values is not None:
        pieces = weigh(np.asarray(values, dtype=np.float64))
    return steps, pieces[steps - 1]


def water_beyond_channel_km(terrain: xr.Dataset, channel_km: float) -> np.ndarray:
    """Float grid, km: how much of the opened water (:data:`FERRY_WATER`) a route crossing a
    cell of it crosses beyond the channel (``channel_km``, network/river.py
    ``crossing_width_km``'s least width): the cell's stretch, ``d - cell`` to ``d`` km from
    its nearest bank, that lies farther than half the channel from both banks of a water
    ``w`` wide (network/river.py ``beyond_channel_km``, whose whole crossing is the width
    ``crossing_width_km`` adds to the channel), ``d`` the km from the cell's centre to the
    nearest centre of a cell that is not water (opened or not; the bank half a cell
    nearer), ``w`` the water's width through the cell, its shorter run of water cells along
    a row or a column (unbounded where the run reaches the grid's edge); 0 off the opened
    water. Summed over a straight crossing of water ``w`` km wide (whole cells) it is
    ``max(0, w - channel_km)``. The step loop times a ferrying by this grid along its route
    too (:func:`crossing_beyond_channel_km`, ``CrossingStop.beyond_km``), so what the search
    pays is what the ferrying takes. Why: the route search of a ferried formation pays per
    cell the ferry time this water adds (advance/ferry_toll.py ``ferry_toll``), so it seeks
    a ferry site's narrow water; the bank nearest a cell measured across all water, so a
    route along the edge of the opened disc, in a lake, is not taken for a route near a
    bank. Why the width (ferry35): by its nearest bank alone a one-cell water was paid a
    quarter cell beyond the 1.5 km channel, which its ferrying, timed as the channel, did
    not take; a route along a one-cell strip of water now pays none, and its ferrying is
    timed as the channel (the river's width, not the strip's length)."""
    from scipy.ndimage import distance_transform_edt

    from logistics.network.river import beyond_channel_km
    from logistics.terrain.classes import TerrainClass

    ny, nx = terrain.sizes["y"], terrain.sizes["x"]
    if FERRY_WATER not in terrain:
        return np.zeros((ny, nx))
    opened = np.asarray(terrain[FERRY_WATER].values, dtype=bool)
    if not opened.any():
        return np.zeros((ny, nx))
    water = opened | (np.asarray(terrain["terrain_class"].values) == int(TerrainClass.WATER))
    xs = np.asarray(terrain["x"].values, dtype=np.float64)
    ys = np.asarray(terrain["y"].values, dtype=np.float64)
    cell = (abs(float(ys[1] - ys[0])) / 1000.0 if ny > 1 else 1.0,
            abs(float(xs[1] - xs[0])) / 1000.0 if nx > 1 else 1.0)
    if water.all():  # no bank on the grid: each cell as far from one as the grid is wide
        d = np.full((ny, nx), float(ny * cell[0] + nx * cell[1]))
    else:
        d = distance_transform_edt(water, sampling=cell)  # km to the nearest non-water centre
    width = np.minimum(_run_km(water, 1, cell[1]), _run_km(water, 0, cell[0]))
    km = beyond_channel_km(d - min(cell), d, width, channel_km)
    return np.where(opened, km, 0.0)


def _run_km(water: np.ndarray, axis: int, cell_km: float) -> np.ndarray:
    """Float grid, km: the length of the run of ``water`` cells along ``axis`` (1: a row,
    0: a column) each water cell lies in, ``cell_km`` a cell; inf for a run reaching the
    grid's edge (the water goes on beyond it), 0 off the water."""
    from scipy import ndimage

    structure = np.zeros((3, 3), dtype=bool)
    if axis == 1:
        structure[1, :] = True
    else:
        structure[:, 1] = True
    lab, n = ndimage.label(water, structure=structure)
    km = np.bincount(lab.ravel(), minlength=n + 1).astype(np.float64) * cell_km
    edge = (np.r_[lab[:, 0], lab[:, -1]] if axis == 1 else np.r_[lab[0, :], lab[-1, :]])
    km[edge] = np.inf
    km[0] = 0.0
    return km[lab]


def island_cells(terrain: xr.Dataset, river: np.ndarray,
                 max_km: float = ISLAND_MAX_KM) -> np.ndarray:
    """Bool grid: land cells enclosed by the cells of ``river`` (bool grid, e.g. the big
    rivers' or a ferry toll's cells), each enclosed piece within a ``max_km`` box
    (:data:`ISLAND_MAX_KM`): the islands between a river's channels. Enclosed: not joined to
    the grid's edge by side-neighbour land cells (a river line stepping diagonally closes
    it, as it does for the cost engine, which pays a river whose cells meet diagonally across a
    move). Why (ferrygroup32): a ferry going bank to bank passes such an island in one trip,
    so the route search of a ferried formation pays the channels either side of it one toll
    (advance/ferry_toll.py ``with_toll``), as the step loop ferries them once
    (:func:`channel_groups`)."""
    from scipy import ndimage

    river = np.asarray(river, dtype=bool)
    holes = ndimage.binary_fill_holes(river) & ~river
    if not holes.any():
        return holes
    ny, nx = river.shape
    xs = np.asarray(terrain["x"].values, dtype=np.float64)
    ys = np.asarray(terrain["y"].values, dtype=np.float64)
    dy = abs(float(ys[1] - ys[0])) / 1000.0 if ny > 1 else 1.0
    dx = abs(float(xs[1] - xs[0])) / 1000.0 if nx > 1 else 1.0
    lab, _ = ndimage.label(holes)
    for k, box in enumerate(ndimage.find_objects(lab), start=1):
        if box is None:
            continue
        rows, cols = box[0].stop - box[0].start, box[1].stop - box[1].start
        if rows * dy > max_km or cols * dx > max_km:
            holes[box] &= lab[box] != k
    return holes


#: Km of route from a big-river crossing within which the route's later big-river crossings
#: are channels of the same crossing, ferried with it in one operation (:func:`channel_groups`).
#: **Assumed**: one ferry site's radius (:data:`FERRY_SITE_KM`): the ferries of one site take
#: a formation bank to bank past the islands and side channels there in one trip; the grid
#: need not close an island (the 15th Army's route at Leninskoye crosses a side channel of the
#: Amur at km 23.4 and the main one at 27.1, the land between not enclosed on the 1 km grid).
CHANNELS_WITHIN_KM: float = FERRY_SITE_KM


def channel_groups(kms: Sequence[float], within_km: float = CHANNELS_WITHIN_KM,
                   may_lead: Sequence[bool] | None = None) -> list[int]:
    """For each big-river crossing of a route (``kms``: their km, in route order), the index of
    the first crossing of its ferrying: the first crossing of the group it lies within
    ``within_km`` of (:data:`CHANNELS_WITHIN_KM`), else its own. ``may_lead``: per crossing,
    whether it may start a group (None: every one); one that may not and lies in no group is
    its own (formation_plan.py ``_one_ferrying``: a crossing where the route search paid no
    ferry toll is ferried only with the channels of a crossing where it did)."""
    lead: list[int] = []
    first = None  # the current group's first crossing
    for n, km in enumerate(kms):
        if first is not None and km - kms[first] <= within_km:
            lead.append(first)
            continue
        if may_lead is None or may_lead[n]:
            first = n
        lead.append(n)
    return lead
