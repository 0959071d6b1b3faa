"""The one edge-cost function of the cost engine: CostModel's move rule, compiled with numba.

Every consumer of a :class:`~logistics.cost.model.CostModel` evaluates moves here: the in-memory
solver (``cost/solver.py``), the chunked solver (``cost/chunked/``, which runs that solver on
tiles), the explicit cost surface (``cost/surface.py``) and the per-segment time and fuel of a
route (``cost/route.py``). There is no second copy of the maths.

Layers, from the inside out:

* :func:`move_cost` (``@njit``) prices one move ``p -> p + (di, dj)`` from plain arrays;
* :func:`kernel_inputs` turns a CostModel into those arrays (:class:`KernelInputs`), in the one
  set of dtypes the compiled code is specialised for (so numba compiles each function once);
* :func:`offset_costs` (``@njit``) prices one offset for every cell of a block;
* :func:`block_costs` prices every offset under several tables (time and fuel) in one pass
  over a block (surfaces), serial or row-parallel (:func:`block_costs_parallel`);
* :func:`edge_costs` prices arbitrary moves given as row/col/offset-index arrays (paths).

Offsets are indexed in :data:`~logistics.cost.stencil.OFFSETS_16`, whose first 8 rows are
:data:`~logistics.cost.stencil.OFFSETS_8`, so an offset index means the same move in both stencils.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numba
import numpy as np
from numba import njit, prange

from logistics.cost.model import BARRIER_CLASS, CostModel
from logistics.cost.stencil import OFFSETS_16
from logistics.errors import ConfigError

__all__ = [
    "HOT_JIT",
    "KernelInputs",
    "kernel_inputs",
    "move_cost",
    "offset_costs",
    "block_costs",
    "block_costs_parallel",
    "edge_costs",
    "edge_tolls",
    "offset_lengths_m",
    "columns_per_m_rise",
]

#: Grades within this many table steps of a table column read that column alone: a grade equal
#: to a column (e.g. flat ground, or the table's end) up to float rounding must not interpolate
#: towards an inf neighbour and become impassable.
_GRADE_EDGE_TOL: float = 1e-9

_EMPTY_F32 = np.empty((0, 0), dtype=np.float32)
_EMPTY_U8 = np.empty((0, 0), dtype=np.uint8)

#: numba options of every hot loop that calls :func:`move_cost` (solvers, surfaces). ``_nrt``
#: off removes numba's atomic reference counting of the array arguments, which it otherwise
#: keeps around each inlined call: measured 2.8 ns per move with it off, 65-190 ns with it on.
#: Such loops cannot allocate arrays (pass scratch arrays in). ``_nrt`` is an internal numba
#: target option (measured with numba 0.68), not documented API; if a numba release drops it,
#: delete it here: the engine still works, only slower.
HOT_JIT: dict = {"cache": True, "nogil": True, "_nrt": False}

#: Index cast for hot loops: numba adds negative-index wrap-around code to every signed index;
#: casting a known non-negative index to uint64 drops it (12 % faster Dijkstra). Only cast at
#: the subscript: numba promotes uint64 +- int64 arithmetic to float64.
_u = np.uint64


class KernelInputs(NamedTuple):
    """A CostModel as the plain arrays the compiled kernel reads (dtypes fixed, C-contiguous).

    ``elevation_m``, ``scale`` and ``enter`` are ``(0, 0)`` float32 arrays when the model has
    none (isotropic, unscaled, no entry cost). ``river`` is the model's river code per cell
    when it has ``enter`` (zeros when the model gives none: one river), else ``(0, 0)``.
    ``inv_grade_step`` is ``1 / grade_step``.
    """

    class_index: np.ndarray  # uint8 (ny, nx); 255 = barrier
    table: np.ndarray  # float64 (n_classes, n_grades), cost per metre
    grade_min: float
    inv_grade_step: float
    elevation_m: np.ndarray  # float32 (ny, nx) or (0, 0)
    scale: np.ndarray  # float32 (ny, nx) or (0, 0)
    enter: np.ndarray  # float32 (ny, nx) or (0, 0)
    river: np.ndarray  # uint8 (ny, nx) where enter is given, else (0, 0)
    dx_m: float
    dy_m: float

    def args(self) -> tuple:
        """The leading positional arguments of :func:`move_cost` and :func:`offset_costs`."""
        return (self.class_index, self.table, self.grade_min, self.inv_grade_step,
                self.elevation_m, self.scale, self.enter, self.river)


def _grid(name: str, arr: np.ndarray | None, shape: tuple[int, int]) -> np.ndarray:
    """A per-cell array as C-contiguous float32 (no copy when it already is), or the empty one."""
    if arr is None:
        return _EMPTY_F32
    out = np.ascontiguousarray(arr, dtype=np.float32)
    if out.shape != shape:
        raise ConfigError(
            f"CostModel.{name} has shape {out.shape}, expected the grid shape {shape} of "
            "class_index; build every per-cell array on the same grid"
        )
    return out


def _river_codes(river: np.ndarray | None, enter: np.ndarray,
                 shape: tuple[int, int]) -> np.ndarray:
    """The river code per cell as C-contiguous uint8 where there is an entry cost, else (0, 0).

    A model with ``enter`` but no ``river`` gets zeros: all its river cells are one river.
    """
    if not enter.size:
        return _EMPTY_U8
    if river is None:
        return np.zeros(shape, dtype=np.uint8)
    arr = np.asarray(river)
    if arr.shape != shape or not (np.issubdtype(arr.dtype, np.integer) or arr.dtype == bool):
        raise ConfigError(
            f"CostModel.river must be an integer array of the grid shape {shape}, got "
            f"{arr.dtype} of shape {arr.shape}; give the river code of each cell (0 = none)"
        )
    if arr.size and (int(arr.min()) < 0 or int(arr.max()) > 255):
        raise ConfigError(
            f"CostModel.river holds codes {int(arr.min())}..{int(arr.max())}; river codes "
            "must be 0..255 (uint8)"
        )
    return np.ascontiguousarray(arr, dtype=np.uint8)


def kernel_inputs(model: CostModel, *, class_index: np.ndarray | None = None) -> KernelInputs:
    """Validate ``model`` and return it as :class:`KernelInputs` (no copies of float32 inputs).

    ``class_index`` replaces the model's (same shape), e.g. with user barriers burnt in as 255.
    Raises ConfigError for what would make the kernel read out of bounds or price a move at zero
    or below: a table that is not 2-D, a finite table entry <= 0, a class index without a table
    row, a bad grade axis or cell size, a finite ``scale`` <= 0 or ``enter`` < 0, a ``river``
    not of the grid's shape or not of codes 0..255.
    NaN/inf entries of ``table``, ``scale``, ``enter`` and ``elevation_m`` are barriers (a cell
    of NaN/inf ``enter`` is returned with class 255 and ``enter`` inf, in copies).
    """
    ci = np.ascontiguousarray(model.class_index if class_index is None else class_index)
    if ci.ndim != 2 or ci.dtype != np.uint8:
        raise ConfigError(
            f"CostModel.class_index must be a 2-D uint8 array, got {ci.ndim}-D {ci.dtype}; "
            "cast with .astype(np.uint8) (255 = barrier)"
        )
    shape = (int(ci.shape[0]), int(ci.shape[1]))
    table = np.ascontiguousarray(model.table, dtype=np.float64)
    if table.ndim != 2 or table.shape[0] == 0 or table.shape[1] == 0:
        raise ConfigError(
            f"CostModel.table must be a non-empty 2-D array (classes x grades), got shape "
            f"{table.shape}"
        )
    finite = table[np.isfinite(table)]
    if finite.size and finite.min() <= 0:
        raise ConfigError(
            f"CostModel.table holds a cost per metre of {finite.min()!r}; every finite entry "
            "must be > 0 (use inf for an impossible move); fix the physics floor"
        )
    top = _max_class(ci)
    if top >= table.shape[0]:
        raise ConfigError(
            f"CostModel.class_index uses class {top} but the table has only {table.shape[0]} "
            f"rows; add the row or mark the cells {BARRIER_CLASS} (barrier)"
        )
    step = float(model.grade_step)
    if not (np.isfinite(step) and step > 0) or not np.isfinite(model.grade_min):
        raise ConfigError(
            f"CostModel grade axis must have finite grade_min and grade_step > 0, got "
            f"grade_min={model.grade_min!r}, grade_step={model.grade_step!r}"
        )
    try:
        dx, dy = (float(v) for v in model.cellsize_m)
    except (TypeError, ValueError):
        dx = dy = math.nan
    if not (math.isfinite(dx) and math.isfinite(dy) and dx > 0 and dy > 0):
        raise ConfigError(
            f"CostModel.cellsize_m must be two positive sizes (dx, dy) in metres, got "
            f"{model.cellsize_m!r}"
        )
    scale = _grid("scale", model.scale, shape)
    enter = _grid("enter", model.enter, shape)
    if scale.size and np.any(scale <= 0):
        raise ConfigError(
            "CostModel.scale has values <= 0; a cost multiplier must be > 0 (NaN/inf = barrier)"
        )
    if enter.size and np.any(enter < 0):
        raise ConfigError(
            "CostModel.enter has negative values; an entry cost must be >= 0 (NaN/inf = barrier)"
        )
    if enter.size and not np.isfinite(enter).all():
        # a cell of NaN/inf entry cost is a barrier: class 255 (so no move leaves it), and
        # inf (the river toll compares entry costs, so a move passing beside it is impossible)
        bad = ~np.isfinite(enter)
        ci = np.where(bad, np.uint8(BARRIER_CLASS), ci)
        enter = np.where(bad, np.float32(np.inf), enter)
    return KernelInputs(
        ci,
        table,
        float(model.grade_min),
        1.0 / step,
        _grid("elevation_m", model.elevation_m, shape),
        scale,
        enter,
        _river_codes(model.river, enter, shape),
        dx,
        dy,
    )


@njit(cache=True, nogil=True)
def _max_class(class_index: np.ndarray) -> int:
    """Largest class code below the barrier code (-1 if every cell is a barrier)."""
    top = -1
    for v in class_index.ravel():
        if v != BARRIER_CLASS and v > top:
            top = v
    return top


def offset_lengths_m(dx_m: float, dy_m: float, offsets: np.ndarray = OFFSETS_16) -> np.ndarray:
    """Length in metres of each offset ``(di, dj)``: ``hypot(dj * dx, di * dy)``."""
    return np.hypot(offsets[:, 1] * dx_m, offsets[:, 0] * dy_m).astype(np.float64)


def columns_per_m_rise(inp: KernelInputs, lengths_m: np.ndarray) -> np.ndarray:
    """Per offset, table columns moved per metre of rise: ``inv_grade_step / length_m``."""
    return inp.inv_grade_step / np.asarray(lengths_m, dtype=np.float64)


@njit(inline="always", **HOT_JIT)
def _table_position(elevation_m, grade_min, inv_grade_step, n_grades, r, c, qr, qc,
                    columns_per_m_rise):
    """(i0, frac): the move's grade as table column ``i0`` plus ``frac``; i0 = -1 if off-table."""
    t = -grade_min * inv_grade_step  # table position of grade 0
    if elevation_m.shape[0] != 0:
        z_q = np.float64(elevation_m[_u(qr), _u(qc)])
        t += (z_q - np.float64(elevation_m[_u(r), _u(c)])) * columns_per_m_rise
    if not (-_GRADE_EDGE_TOL < t < n_grades - 1 + _GRADE_EDGE_TOL):  # beyond the table, or NaN
        return -1, 0.0
    # Column below t and the fraction past it. int() truncates, i.e. floors here (t > -tol;
    # a tiny negative t gives 0). t - i0 is exact (Sterbenz: i0 <= t <= 2 i0, or i0 = 0), so
    # this equals rounding to the nearest column and stepping back when below it, without that
    # step's branch, which real relief takes half the time at random (a mispredict per move).
    i0 = int(t)
    frac = t - i0
    if frac <= _GRADE_EDGE_TOL:  # on column i0 up to rounding: read it alone (its neighbour
        frac = 0.0  # may be inf)
    elif frac - 1.0 >= -_GRADE_EDGE_TOL:  # on column i0 + 1 (frac - 1.0 is exact too)
        i0 += 1
        frac = 0.0
    return i0, frac


@njit(inline="always", **HOT_JIT)
def _crossed_cells(r, c, di, dj):
    """(ar, ac, br, bc, n_cells, weight): the cells a move crosses besides p and q.

    For a knight move the two cells beside the segment; otherwise p twice (unused, n_cells 2).
    """
    ar = br = r
    ac = bc = c
    if di == 2 or di == -2:
        return r + di // 2, c, r + di // 2, c + dj, 4, 0.25
    if dj == 2 or dj == -2:
        return r, c + dj // 2, r + di, c + dj // 2, 4, 0.25
    return ar, ac, br, bc, 2, 0.5


@njit(inline="always", **HOT_JIT)
def _step(a, b, ka, kb):
    """What stepping from a cell of entry cost ``a`` and river ``ka`` into one of ``b``, ``kb``
    pays: ``b`` in full into another river, ``max(0, b - a)`` within one river."""
    if ka != kb:
        return b
    d = b - a
    return d if d > 0.0 else 0.0


#: Kinds of move, as the river toll reads them: straight, diagonal, knight two rows, knight two
#: columns. The block kernel passes the kind as a literal so the compiler drops the others.
_STRAIGHT, _DIAGONAL, _KNIGHT_ROWS, _KNIGHT_COLS = 0, 1, 2, 3


@njit(inline="always", **HOT_JIT)
def _move_kind(di, dj):
    """The kind of the move (di, dj) (``_STRAIGHT`` ... ``_KNIGHT_COLS``)."""
    if di == 2 or di == -2:
        return _KNIGHT_ROWS
    if dj == 2 or dj == -2:
        return _KNIGHT_COLS
    if di != 0 and dj != 0:
        return _DIAGONAL
    return _STRAIGHT


@njit(inline="always", **HOT_JIT)
def _river_toll(enter, river, r, c, qr, qc, di, dj, kind):
    """The river toll of the move (r, c) -> (qr, qc) = (r + di, c + dj) of kind ``kind``
    (:func:`_move_kind`): the steps (:func:`_step`) of ``enter`` and ``river`` along the cells
    its segment passes, in order (the rule of :mod:`logistics.cost.model`): each step into
    another river pays that river's entry cost in full, a step within one river its rise.

    A straight move passes p, q; a knight move p, the two cells beside it (the one next to p
    first), q; a diagonal move passes its two side cells' shared corner, and pays the cheaper of
    the two ways round it (p, side, q). ``inf`` if it passes a cell of infinite entry cost
    (:func:`kernel_inputs` makes such cells class 255, so p itself is never one on a possible
    move). Most moves touch no river: when every cell after p is dry the toll is 0 whatever p
    holds (a step into 0 pays 0), so p's own entry cost and the river codes are read only when
    needed.
    """
    eq = np.float64(enter[_u(qr), _u(qc)])
    if kind == _STRAIGHT:
        if eq == 0.0:
            return 0.0
        return _step(np.float64(enter[_u(r), _u(c)]), eq, river[_u(r), _u(c)],
                     river[_u(qr), _u(qc)])
    if kind == _KNIGHT_ROWS:
        ar, ac, br, bc = r + di // 2, c, r + di // 2, qc
    elif kind == _KNIGHT_COLS:
        ar, ac, br, bc = r, c + dj // 2, qr, c + dj // 2
    else:
        ar, ac, br, bc = qr, c, r, qc
    ea = np.float64(enter[_u(ar), _u(ac)])
    eb = np.float64(enter[_u(br), _u(bc)])
    if ea == 0.0 and eb == 0.0 and eq == 0.0:
        return 0.0
    ep = np.float64(enter[_u(r), _u(c)])
    kp = river[_u(r), _u(c)]
    ka = river[_u(ar), _u(ac)]
    kb = river[_u(br), _u(bc)]
    kq = river[_u(qr), _u(qc)]
    if kind == _DIAGONAL:
        via_a = _step(ep, ea, kp, ka) + _step(ea, eq, ka, kq)
        via_b = _step(ep, eb, kp, kb) + _step(eb, eq, kb, kq)
        return via_a if via_a < via_b else via_b
    return _step(ep, ea, kp, ka) + _step(ea, eb, ka, kb) + _step(eb, eq, kb, kq)


@njit(inline="always", **HOT_JIT)
def _priced_move(class_index, table, scale, enter, river, r, c, qr, qc, ar, ac, br, bc, n_cells,
                 weight, i0, frac, length_m, di, dj, kind):
    """Cost of a move whose table position (i0, frac) and crossed cells are known; inf if impossible."""
    s = 0.0
    for m in range(n_cells):
        if m == 0:
            cr, cc = r, c
        elif m == 1:
            cr, cc = qr, qc
        elif m == 2:
            cr, cc = ar, ac
        else:
            cr, cc = br, bc
        k = class_index[_u(cr), _u(cc)]
        if k == BARRIER_CLASS:
            return np.inf
        if frac == 0.0:
            v = table[_u(k), _u(i0)]
        else:
            v = table[_u(k), _u(i0)] * (1.0 - frac) + table[_u(k), _u(i0 + 1)] * frac
        if scale.shape[0] != 0:
            v *= scale[_u(cr), _u(cc)]
        s += v
    cost = length_m * (s * weight)  # the mean: exact, weights are powers of two
    if enter.shape[0] != 0:
        cost += _river_toll(enter, river, r, c, qr, qc, di, dj, kind)
    if not (cost < np.inf):  # inf or NaN: impossible
        return np.inf
    return cost


@njit(inline="always", **HOT_JIT)
def move_cost(class_index, table, grade_min, inv_grade_step, elevation_m, scale, enter, river,
              r, c, di, dj, length_m, columns_per_m_rise):
    """Cost (model units) of the move from cell (r, c) to (r + di, c + dj); inf if impossible.

    Implements the rule of :class:`~logistics.cost.model.CostModel` exactly: grade
    ``(z[q] - z[p]) / length_m`` (0 when ``elevation_m`` is empty), per-metre cost interpolated
    linearly in ``table`` per crossed cell times ``scale``, mean over the crossed cells (p, q,
    and for a knight move the two cells beside the segment), times ``length_m``, plus the river
    toll (:func:`_river_toll`: ``enter`` along the cells the move passes, paid in full into
    another ``river``, by its rise within one). Both
    cells must be inside the grid (the caller checks). Never returns NaN.

    ``columns_per_m_rise`` must be ``inv_grade_step / length_m`` (:func:`columns_per_m_rise`):
    the table position is computed as ``dz * columns_per_m_rise - grade_min * inv_grade_step``,
    which saves a division per move (7 % of a Dijkstra) and equals ``(g - grade_min) /
    grade_step`` to rounding. Inlined into its callers (numba IR inlining); compile every loop
    around it with :data:`HOT_JIT` (see there). Its three steps (:func:`_table_position`,
    :func:`_crossed_cells`, :func:`_priced_move` with its :func:`_river_toll`) are also what
    :func:`block_costs` composes to
    price several tables from one table position.
    """
    qr = r + di
    qc = c + dj
    i0, frac = _table_position(elevation_m, grade_min, inv_grade_step, table.shape[1],
                               r, c, qr, qc, columns_per_m_rise)
    if i0 < 0:
        return np.inf
    ar, ac, br, bc, n_cells, weight = _crossed_cells(r, c, di, dj)
    return _priced_move(class_index, table, scale, enter, river, r, c, qr, qc, ar, ac, br, bc,
                        n_cells, weight, i0, frac, length_m, di, dj, _move_kind(di, dj))


@njit(**HOT_JIT)
def offset_costs(class_index, table, grade_min, inv_grade_step, elevation_m, scale, enter,
                 river, di, dj, length_m, out):
    """Fill ``out`` (float64, grid shape) with the cost of moving from each cell by (di, dj).

    Cells whose neighbour falls outside the grid get inf. This is the block kernel of the
    explicit cost surface: numpy calls it on the whole grid, dask on each (overlapped) block.
    """
    ny, nx = class_index.shape
    per_m = inv_grade_step / length_m
    for r in range(ny):
        for c in range(nx):
            if 0 <= r + di < ny and 0 <= c + dj < nx:
                out[r, c] = move_cost(class_index, table, grade_min, inv_grade_step,
                                      elevation_m, scale, enter, river, r, c, di, dj, length_m,
                                      per_m)
            else:
                out[r, c] = np.inf
    return out


@njit(inline="always", **HOT_JIT)
def _row_span(class_index, tables, grade_min, inv_grade_step, elevation_m, scale, enters,
              river, out, r, k, di, dj, length_m, c0, c1, n_cells, weight, kind, pos_i0, pos_frac):
    """Cells ``c0 <= c < c1`` of row ``r`` of ``out[:, k]`` (neighbour inside the grid).

    Two passes over the row: the table position of every move into the scratch rows
    ``pos_i0``/``pos_frac`` (length >= nx), then the prices from them: ~25 % faster than one
    fused pass (measured, benchmarks/README.md); the position pass has no gathers through the
    class index, which likely lets it pipeline or vectorise (not checked in the assembly).
    ``n_cells`` and ``weight`` are those :func:`_crossed_cells` gives for (di, dj), and ``kind``
    is :func:`_move_kind`'s, all passed as literals by the caller so that the compiler unrolls
    the loop over crossed cells and keeps only the river toll's branch for this kind of move.
    """
    n_tables = tables.shape[0]
    per_m = inv_grade_step / length_m
    qr = r + di
    for c in range(c0, c1):
        i0, frac = _table_position(elevation_m, grade_min, inv_grade_step, tables.shape[2],
                                   r, c, qr, c + dj, per_m)
        pos_i0[_u(c)] = i0
        pos_frac[_u(c)] = frac
    for c in range(c0, c1):
        qc = c + dj
        i0 = pos_i0[_u(c)]
        frac = pos_frac[_u(c)]
        if i0 < 0:
            for t in range(n_tables):
                out[_u(t), _u(k), _u(r), _u(c)] = np.inf
            continue
        ar, ac, br, bc, _, _ = _crossed_cells(r, c, di, dj)
        for t in range(n_tables):
            out[_u(t), _u(k), _u(r), _u(c)] = _priced_move(
                class_index, tables[t], scale, enters[t], river, r, c, qr, qc, ar, ac, br, bc,
                n_cells, weight, i0, frac, length_m, di, dj, kind)


@njit(inline="always", **HOT_JIT)
def _block_row(class_index, tables, grade_min, inv_grade_step, elevation_m, scale, enters,
               river, offsets, lengths_m, out, r, pos_i0, pos_frac):
    """Fill row ``r`` of ``out[t, k]``: the cost of moving by ``offsets[k]`` under table t.

    The body of the fused block kernel of the explicit cost surface: one pass over a row prices
    every offset under every table (e.g. time and fuel of one vehicle), computing each move's
    table position and crossed cells once, with the steps :func:`move_cost` is made of (so every
    value equals ``move_cost`` with ``tables[t]`` and ``enters[t]``). Cells whose neighbour
    falls outside the grid get inf. ``enters`` is (T, ny, nx), or (T, 0, 0) when no table has
    an entry cost; ``river`` (ny, nx), shared by the tables, or (0, 0) with no entry cost.
    """
    ny, nx = class_index.shape
    for k in range(offsets.shape[0]):
        di = offsets[k, 0]
        dj = offsets[k, 1]
        c0 = max(0, -dj)  # the columns whose neighbour is inside the grid: [c0, c1)
        c1 = min(nx, nx - dj)
        if not (0 <= r + di < ny):
            c0 = c1 = nx
        for c in range(nx):
            if c < c0 or c >= c1:
                for t in range(tables.shape[0]):
                    out[_u(t), _u(k), _u(r), _u(c)] = np.inf
        kind = _move_kind(di, dj)  # one literal-specialised copy of the row loop per kind
        if kind == _STRAIGHT:
            _row_span(class_index, tables, grade_min, inv_grade_step, elevation_m, scale,
                      enters, river, out, r, k, di, dj, lengths_m[k], c0, c1, 2, 0.5, _STRAIGHT,
                      pos_i0, pos_frac)
        elif kind == _DIAGONAL:
            _row_span(class_index, tables, grade_min, inv_grade_step, elevation_m, scale,
                      enters, river, out, r, k, di, dj, lengths_m[k], c0, c1, 2, 0.5, _DIAGONAL,
                      pos_i0, pos_frac)
        elif kind == _KNIGHT_ROWS:
            _row_span(class_index, tables, grade_min, inv_grade_step, elevation_m, scale,
                      enters, river, out, r, k, di, dj, lengths_m[k], c0, c1, 4, 0.25, _KNIGHT_ROWS,
                      pos_i0, pos_frac)
        else:
            _row_span(class_index, tables, grade_min, inv_grade_step, elevation_m, scale,
                      enters, river, out, r, k, di, dj, lengths_m[k], c0, c1, 4, 0.25, _KNIGHT_COLS,
                      pos_i0, pos_frac)


@njit(**HOT_JIT)
def block_costs(class_index, tables, grade_min, inv_grade_step, elevation_m, scale, enters,
                river, offsets, lengths_m, out, pos_i0, pos_frac):
    """Fused block kernel (see :func:`_block_row`) on the calling thread; returns ``out``.

    ``tables`` (T, n_classes, n_grades) float64, ``out`` (T, K, ny, nx). ``pos_i0`` (int64)
    and ``pos_frac`` (float64), shape (n, nx) with n >= 1, are scratch rows (row 0 is used).
    Used on dask blocks, which already run in dask's threads.
    """
    for r in range(class_index.shape[0]):
        _block_row(class_index, tables, grade_min, inv_grade_step, elevation_m, scale, enters,
                   river, offsets, lengths_m, out, r, pos_i0[0], pos_frac[0])
    return out


@njit(parallel=True, **HOT_JIT)
def block_costs_parallel(class_index, tables, grade_min, inv_grade_step, elevation_m, scale,
                         enters, river, offsets, lengths_m, out, pos_i0, pos_frac):
    """:func:`block_costs` with rows shared among numba's threads (``numba.set_num_threads``).

    The scratch rows need one row per thread: shape (numba.get_num_threads(), nx) at least.
    """
    for r in prange(class_index.shape[0]):
        tid = numba.get_thread_id()
        _block_row(class_index, tables, grade_min, inv_grade_step, elevation_m, scale, enters,
                   river, offsets, lengths_m, out, r, pos_i0[tid], pos_frac[tid])
    return out


@njit(**HOT_JIT)
def _edge_values(class_index, table, grade_min, inv_grade_step, elevation_m, scale, enter,
                 river, rows, cols, k, offsets, lengths_m, out, toll_only):
    """Cost (or, with ``toll_only``, only the river toll) of each move; inf off the grid."""
    ny, nx = class_index.shape
    for n in range(rows.shape[0]):
        di = offsets[k[n], 0]
        dj = offsets[k[n], 1]
        r = rows[n]
        c = cols[n]
        if 0 <= r < ny and 0 <= c < nx and 0 <= r + di < ny and 0 <= c + dj < nx:
            if toll_only:
                out[n] = _river_toll(enter, river, r, c, r + di, c + dj, di, dj,
                                     _move_kind(di, dj))
            else:
                out[n] = move_cost(class_index, table, grade_min, inv_grade_step, elevation_m,
                                   scale, enter, river, r, c, di, dj, lengths_m[k[n]],
                                   inv_grade_step / lengths_m[k[n]])
        else:
            out[n] = np.inf
    return out


def _moves(rows, cols, k, what: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Moves as three flat int64 arrays; ConfigError if their lengths or offsets are wrong."""
    rows = np.ascontiguousarray(rows, dtype=np.int64).ravel()
    cols = np.ascontiguousarray(cols, dtype=np.int64).ravel()
    k = np.ascontiguousarray(k, dtype=np.int64).ravel()
    if not (rows.shape == cols.shape == k.shape):
        raise ConfigError(
            f"{what} needs rows, cols and k of one length, got {rows.size}, {cols.size}, "
            f"{k.size}"
        )
    if k.size and (k.min() < 0 or k.max() >= len(OFFSETS_16)):
        raise ConfigError(f"offset indices must be in 0..15 (OFFSETS_16), got {k.min()}..{k.max()}")
    return rows, cols, k


def edge_costs(
    model: CostModel | KernelInputs, rows: np.ndarray, cols: np.ndarray, k: np.ndarray
) -> np.ndarray:
    """Cost of each move ``(rows[n], cols[n]) -> + OFFSETS_16[k[n]]`` (float64, model units).

    Moves leaving the grid or crossing a barrier cost inf. Used to price a traced path with the
    same kernel the solver used (so summed edges equal the accumulated cost), or to re-price it
    under another model (another vehicle, fuel instead of time).
    """
    inp = model if isinstance(model, KernelInputs) else kernel_inputs(model)
    rows, cols, k = _moves(rows, cols, k, "edge_costs")
    out = np.empty(rows.size, dtype=np.float64)
    return _edge_values(*inp.args(), rows, cols, k, OFFSETS_16,
                        offset_lengths_m(inp.dx_m, inp.dy_m), out, False)



def edge_tolls(model: CostModel | KernelInputs, rows: np.ndarray, cols: np.ndarray,
               k: np.ndarray) -> np.ndarray:
    """River toll of each move ``(rows[n], cols[n]) -> + OFFSETS_16[k[n]]`` (model units).

    The part of :func:`edge_costs` that pays river crossings (0 for a model without ``enter``):
    what lists the crossings of a path (:func:`logistics.cost.route.river_crossings`) reads, so
    a crossing is priced in one place.
    """
    inp = model if isinstance(model, KernelInputs) else kernel_inputs(model)
    rows, cols, k = _moves(rows, cols, k, "edge_tolls")
    if not inp.enter.size:
        return np.zeros(rows.size, dtype=np.float64)
    return _edge_values(*inp.args(), rows, cols, k, OFFSETS_16,
                        offset_lengths_m(inp.dx_m, inp.dy_m), np.empty(rows.size, np.float64),
                        True)
