"""In-memory accumulated cost (anisotropic Dijkstra in numba) and path tracing.

``find_costs(model, sources)`` returns, for every cell, the least cost of reaching it from the
cheapest source (or, with ``reverse=True``, of reaching the sources from it), with a backlink
per cell; ``traceback(acc, target)`` follows the backlinks into a path of cells. The shape is
scikit-image's ``MCP.find_costs`` -> ``traceback``; the move rule is CostModel's, priced by the
one kernel in :mod:`logistics.cost.kernel`.

Engine: Dijkstra over flat cell indices with a 4-ary min-heap of (float64 cost, int64 cell)
and lazy deletion (a popped entry whose cost is above the cell's best is stale and skipped),
edges priced on the fly (no edge array: peak memory is the float64 cost raster, the int8
backlinks and the heap, which holds about one frontier). A neighbour whose cost is already
<= the popped cost cannot improve (costs are positive) and is skipped before pricing.

Barriers: a cell is impassable when its class is 255, its ``scale``/``enter``/``elevation_m`` is
NaN or inf (NaN costs are barriers), or the ``barriers`` mask is True there: no move enters it,
and none leaves it (a source placed on one through ``init_cost`` stays there). What a move
*passes* is the kernel's rule (:mod:`logistics.cost.model`): a knight move is impossible beside
a cell of class 255, of NaN/inf ``scale`` or of NaN/inf ``enter``, but not beside a cell whose
only fault is a NaN elevation (a move's grade reads its two ends;
:func:`~logistics.cost.physics.build_cost_model` gives cells without elevation class 255, so on
terrain they block knight moves too); a diagonal king move passes between two barrier cells
at their shared corner, unless both have infinite ``enter`` (the river toll).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

from logistics import settings
from logistics.cost.kernel import (
    HOT_JIT,
    KernelInputs,
    columns_per_m_rise,
    kernel_inputs,
    move_cost,
    offset_lengths_m,
)
from logistics.cost.model import BARRIER_CLASS, CostModel
from logistics.cost.stencil import offsets as stencil_offsets
from logistics.errors import ConfigError, ExtentError, NoRouteError, ResourceError, check_flag

__all__ = ["Accumulated", "find_costs", "traceback", "barrier_mask", "check_cell",
           "start_cost_values"]

#: Subscript cast of hot loops (non-negative indices; see kernel.HOT_JIT): no wrap-around code.
_u = np.uint64


@dataclass(frozen=True, eq=False)
class Accumulated:
    """Result of :func:`find_costs`.

    Attributes
    ----------
    cost : float64 (ny, nx)
        Least accumulated cost in ``units`` (inf where unreachable).
    backlink : int8 (ny, nx)
        Index into the stencil's offsets of the best move at each cell, -1 at sources and
        unreached cells. Forward: the move that *entered* the cell, so the predecessor is
        ``cell - offsets[backlink]``. Reverse: the move that *leaves* the cell towards the
        sources, so the successor is ``cell + offsets[backlink]``.
    stencil : int
        8 or 16.
    reverse : bool
        False: cost from the sources to each cell. True: cost from each cell to the sources.
    units : str
        The model's units (``"s"``, ``"L"``, ``"mixed"``).
    cellsize_m : (dx, dy)
        Cell size in metres (for distances in messages).
    """

    cost: np.ndarray
    backlink: np.ndarray
    stencil: int
    reverse: bool
    units: str
    cellsize_m: tuple[float, float]


# --------------------------------------------------------------------------------------------
# The compiled engine
# --------------------------------------------------------------------------------------------


#: Order-preserving map of float64 bits to uint64 (negative costs, e.g. start costs, too).
_SIGN = np.uint64(1) << np.uint64(63)

#: Least number of index bits of a heap entry. Tests raise it (up to 52: keys then keep only
#: sign and exponent) to make pops far out of cost order and check the costs stay exact.
_MIN_INDEX_BITS: int = 1


@njit(cache=True, nogil=True, inline="always")
def _order_bits(x, shift):
    """Top ``64 - shift`` bits of an unsigned integer that orders like the float64 ``x``."""
    b = np.float64(x).view(np.uint64)
    if b & _SIGN:
        b = ~b
    else:
        b = b | _SIGN
    return b >> shift


@intrinsic
def _prefetch(typingctx, arr, index):
    """Hint the CPU to fetch element ``index`` (flat, C order) of array ``arr`` into cache."""

    def codegen(context, builder, signature, args):
        ary = context.make_array(signature.args[0])(context, builder, args[0])
        byte_ptr = ir.IntType(8).as_pointer()
        ptr = builder.bitcast(builder.gep(ary.data, [args[1]]), byte_ptr)
        i32 = ir.IntType(32)
        fn = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(ir.VoidType(), [byte_ptr, i32, i32, i32]),
            "llvm.prefetch.p0",
        )
        builder.call(fn, [ptr, i32(0), i32(3), i32(1)])  # read, keep in all levels, data
        return context.get_dummy_value()

    return types.void(arr, index), codegen


@njit(cache=True, nogil=True, inline="always")
def _prefetch_rows(arr, i, nx, reach, n_cells):
    """Prefetch the rows ``-reach..reach`` around flat cell ``i`` of a (ny, nx) array."""
    for dr in range(-reach, reach + 1):
        j = i + dr * nx
        if 0 <= j < n_cells:
            _prefetch(arr, j)


@njit(cache=True, nogil=True, inline="always")
def _sift_down(heap, size, pos, entry):
    """Place ``entry`` at ``pos`` or below, moving smaller children up (4-ary heap)."""
    while True:
        child = 4 * pos + 1
        if child + 3 < size:  # all four children exist: compare them without a loop
            m = child
            mk = heap[_u(child)]
            if heap[_u(child + 1)] < mk:
                m = child + 1
                mk = heap[_u(m)]
            if heap[_u(child + 2)] < mk:
                m = child + 2
                mk = heap[_u(m)]
            if heap[_u(child + 3)] < mk:
                m = child + 3
                mk = heap[_u(m)]
        elif child < size:
            m = child
            mk = heap[_u(child)]
            for ch in range(child + 1, size):
                if heap[_u(ch)] < mk:
                    m = ch
                    mk = heap[_u(ch)]
        else:
            break
        if mk >= entry:
            break
        heap[_u(pos)] = mk
        pos = m
    heap[_u(pos)] = entry


@njit(**HOT_JIT)
def _heapify(heap, size):
    """Make ``heap[:size]`` a 4-ary min-heap in place, bottom-up in O(size)."""
    for start in range((size - 2) // 4, -1, -1):
        _sift_down(heap, size, start, heap[start])


@njit(inline="always", **HOT_JIT)
def _move(class_index, table, grade_min, inv_grade_step, elevation_m, scale, enter, river,
          lengths_m, per_m_rise, dflat, link_of, ny, nx, flat, links, reverse, heap, size, shift,
          i, r, c, d, inner, k, di, dj):
    """Relax the move by offset k = (di, dj) out of expanded cell i = (r, c) of cost d; push
    the neighbour if it got cheaper. Returns the new heap size."""
    if not inner:
        if not (0 <= r + di < ny and 0 <= c + dj < nx):
            return size
    j = i + dflat[k]
    if flat[_u(j)] <= d:
        return size  # settled or already cheaper: a positive edge cannot improve it
    if reverse:
        e = move_cost(class_index, table, grade_min, inv_grade_step, elevation_m, scale, enter,
                      river, r + di, c + dj, -di, -dj, lengths_m[k], per_m_rise[k])
    else:
        e = move_cost(class_index, table, grade_min, inv_grade_step, elevation_m, scale, enter,
                      river, r, c, di, dj, lengths_m[k], per_m_rise[k])
    nd = d + e
    if nd < flat[_u(j)]:
        flat[_u(j)] = nd
        links[_u(j)] = link_of[k]
        entry = (_order_bits(nd, shift) << shift) | np.uint64(j)
        pos = size  # push: sift up
        while pos > 0:
            parent = (pos - 1) >> 2
            if heap[_u(parent)] <= entry:
                break
            heap[_u(pos)] = heap[_u(parent)]
            pos = parent
        heap[_u(pos)] = entry
        return size + 1
    return size


@njit(**HOT_JIT)
def _settle(class_index, table, grade_min, inv_grade_step, elevation_m, scale, enter, river,
            offsets, dflat, lengths_m, per_m_rise, link_of, ny, nx, flat, links, reverse,
            stops, stops_final, bound, heap, size, index_bits, counts, unrolled8):
    """Run Dijkstra from ``heap[:size]`` until it is empty or nearly full.

    ``flat`` and ``links`` are the cost and backlink rasters (ny, nx) raveled (views);
    ``per_m_rise[k]`` is ``columns_per_m_rise`` of offset k (see kernel.move_cost);
    ``dflat[k]`` is offset k in flat indices; ``link_of[k]`` is what ``backlink`` stores when
    a cell is reached through offset k. The search ends early once every flat cell of
    ``stops`` (int64; empty: none) has a cost no entry left can improve (``stops_final[0]``
    counts those found final, in order, across calls), or once every entry left costs more than
    ``bound`` (inf: none): the chunked solver settles a tile band by band (cells above the bound
    keep their tentative costs). ``counts[0]`` is incremented per expanded cell.

    A heap entry is one uint64: the cell's cost (order-preserving bits, rounded down to
    ``64 - index_bits`` bits: ~1e-8 relative or finer) above its flat index in the low
    ``index_bits``. Half the memory traffic of (float64, int64) pairs: 14 % faster at 1e6
    cells. Entries within the rounding pop in index order, not cost order; so a cell may be
    expanded before a slightly (< 1e-8 relative) cheaper path to it is found; it is then
    pushed and expanded again (label correcting), which keeps every cost exact. An entry is
    stale (skipped) when its cell's current cost rounds below it. After each pop the rows
    around the new top are prefetched: on 1e7 cells the frontier's rows no longer fit in L2,
    and fetching them while the current cell is expanded made the search 13 % faster.

    Parameters (all positional: numba; the first eight are ``KernelInputs.args()``, which
    this loop hands to :func:`_move` for the move rule,
    :func:`~logistics.cost.kernel.move_cost`):

    - ``class_index``: uint8 (ny, nx), the row of ``table`` of each cell (255: barrier).
    - ``table``: float64 (n_classes, n_grades), cost per metre (model units per m: s/m or
      L/m) of a class at grade ``grade_min + i / inv_grade_step``.
    - ``grade_min``: float, the grade (rise/run, m/m) of the table's first column;
      ``inv_grade_step``: float, table columns per unit of grade (1 / grade step).
    - ``elevation_m``: float32 (ny, nx), m, or (0, 0) (isotropic); ``scale``: float32
      (ny, nx), dimensionless factor on a cell's cost, or (0, 0); ``enter``: float32
      (ny, nx), the river toll of a cell's band in model units, or (0, 0); ``river``: uint8
      (ny, nx), which river a cell of ``enter`` belongs to, or (0, 0). This loop itself
      only prefetches rows of ``class_index``, ``elevation_m``, ``scale`` and ``enter``.
    - ``offsets``: int64 (n_off, 2), the stencil's moves (di, dj) in (rows, cols), n_off 8 or
      16 (:mod:`logistics.cost.stencil`); the widest gives ``reach``.
    - ``dflat``: int64 (n_off,), move k in flat cells, ``di * nx + dj``.
    - ``lengths_m``: float64 (n_off,), m, the length of move k on the ground.
    - ``per_m_rise``: float64 (n_off,), table columns per metre of rise on move k
      (``inv_grade_step / lengths_m[k]``).
    - ``link_of``: int8 (n_off,), the backlink code stored when a cell is reached by move k
      (k forward; the opposite move's index in reverse: ``_link_table``).
    - ``ny``, ``nx``: int, the grid's rows and columns.
    - ``flat``: float64 (ny * nx,), model units, the accumulated cost (inf: not reached);
      read and lowered in place (relaxation).
    - ``links``: int8 (ny * nx,), the backlink of each cell, written with its cost.
    - ``reverse``: bool, False: cost from the sources to each cell (a move leaves the expanded
      cell); True: cost from each cell to the sources (the move into the expanded cell is
      priced, from the neighbour).
    - ``stops``: int64 (n_stops,), flat cells to stop at once final (empty: settle all);
      ``stops_final``: int64 (1,), in/out, how many of ``stops``, in order, are final.
    - ``bound``: float, model units, expand only cells of cost <= bound, up to the key
      rounding (inf: all).
    - ``heap``: uint64 (capacity,), the 4-ary min-heap of entries (above), in/out;
      ``size``: int, its entries in use on entry.
    - ``index_bits``: int, low bits of an entry holding the flat index (enough for
      ``ny * nx - 1``; tests raise it); the cost key is the top ``64 - index_bits`` bits.
    - ``counts``: int64 (1,), in/out, cells expanded.
    - ``unrolled8``: bool, the 8-neighbour stencil with each move spelt out as constants
      (``offsets`` must then be ``stencil.OFFSETS_8``, in its order).

    Steps of each pass of the loop: (1) return if the heap could overflow on this pop's
    pushes; (2) stop at the bound, or when every stop cell is final; (3) pop the top (last
    entry sifted down from the root) and prefetch the next top's rows; (4) skip a stale
    entry; (5) expand the cell: relax each move out of it (:func:`_move`: price it, lower the
    neighbour's cost and backlink, push it).

    Returns the heap size left: 0 when done, else the caller grows the heap and calls again
    (this loop cannot allocate: see HOT_JIT).
    """
    n_off = offsets.shape[0]
    reach = 0  # widest offset: cells this far from every edge need no bounds checks
    for k in range(n_off):
        reach = max(reach, abs(offsets[k, 0]), abs(offsets[k, 1]))
    # an entry is (cost key << shift) | flat index: the mask reads the index back
    shift = np.uint64(index_bits)
    index_mask = (np.uint64(1) << shift) - np.uint64(1)
    cap = heap.shape[0] - n_off  # a pop pushes at most n_off entries
    n_cells = ny * nx
    bound_key = _order_bits(bound, shift)
    while size > 0:
        if size > cap:  # this pop may push n_off entries past the end: the caller grows it
            return size
        top = heap[0]
        if (top >> shift) > bound_key:
            return 0  # every entry left costs more than the bound: left for a later band
        # stop cells are checked in order, each once: a cell whose cost is below the top's key
        # can no longer be lowered (edges are positive), so it is final for good
        while stops_final[0] < stops.shape[0]:  # does every entry left cost more than the
            v = flat[_u(stops[_u(stops_final[0])])]  # next stop cell? then it is final
            if v < np.inf and (top >> shift) > _order_bits(v, shift):
                stops_final[0] += 1
            else:
                break
        if stops.shape[0] > 0 and stops_final[0] == stops.shape[0]:
            return 0  # every stop cell is final
        # pop: the last entry takes the root's place and sinks to where it belongs
        size -= 1
        _sift_down(heap, size, 0, heap[_u(size)])
        if size > 0:  # the next pop is likely the new top: fetch its neighbourhood meanwhile
            nxt = np.int64(heap[0] & index_mask)
            _prefetch_rows(flat, nxt, nx, reach, n_cells)
            _prefetch_rows(class_index, nxt, nx, reach, n_cells)
            for grid in (elevation_m, scale, enter):
                if grid.shape[0] != 0:
                    _prefetch_rows(grid, nxt, nx, reach, n_cells)
        i = np.int64(top & index_mask)
        d = flat[_u(i)]
        if _order_bits(d, shift) < (top >> shift):
            continue  # stale: the cell got cheaper since this entry was pushed
        counts[0] += 1
        r = i // nx
        c = i - r * nx
        # a cell at least `reach` from every edge has all its neighbours on the grid: _move
        # then skips the bounds check
        inner = reach <= r < ny - reach and reach <= c < nx - reach
        if unrolled8:  # OFFSETS_8 spelt out: each move's offsets are constants (see _move)
            # (k, di, dj) below must stay stencil.OFFSETS_8 row by row: link_of and dflat are
            # indexed by k
            size = _move(class_index, table, grade_min, inv_grade_step, elevation_m, scale,
                         enter, river, lengths_m, per_m_rise, dflat, link_of, ny, nx, flat, links,
                         reverse, heap, size, shift, i, r, c, d, inner, 0, -1, 0)
            size = _move(class_index, table, grade_min, inv_grade_step, elevation_m, scale,
                         enter, river, lengths_m, per_m_rise, dflat, link_of, ny, nx, flat, links,
                         reverse, heap, size, shift, i, r, c, d, inner, 1, 1, 0)
            size = _move(class_index, table, grade_min, inv_grade_step, elevation_m, scale,
                         enter, river, lengths_m, per_m_rise, dflat, link_of, ny, nx, flat, links,
                         reverse, heap, size, shift, i, r, c, d, inner, 2, 0, -1)
            size = _move(class_index, table, grade_min, inv_grade_step, elevation_m, scale,
                         enter, river, lengths_m, per_m_rise, dflat, link_of, ny, nx, flat, links,
                         reverse, heap, size, shift, i, r, c, d, inner, 3, 0, 1)
            size = _move(class_index, table, grade_min, inv_grade_step, elevation_m, scale,
                         enter, river, lengths_m, per_m_rise, dflat, link_of, ny, nx, flat, links,
                         reverse, heap, size, shift, i, r, c, d, inner, 4, -1, -1)
            size = _move(class_index, table, grade_min, inv_grade_step, elevation_m, scale,
                         enter, river, lengths_m, per_m_rise, dflat, link_of, ny, nx, flat, links,
                         reverse, heap, size, shift, i, r, c, d, inner, 5, -1, 1)
            size = _move(class_index, table, grade_min, inv_grade_step, elevation_m, scale,
                         enter, river, lengths_m, per_m_rise, dflat, link_of, ny, nx, flat, links,
                         reverse, heap, size, shift, i, r, c, d, inner, 6, 1, -1)
            size = _move(class_index, table, grade_min, inv_grade_step, elevation_m, scale,
                         enter, river, lengths_m, per_m_rise, dflat, link_of, ny, nx, flat, links,
                         reverse, heap, size, shift, i, r, c, d, inner, 7, 1, 1)
        else:  # any stencil (16 neighbours): the offsets read from the array
            for k in range(n_off):
                size = _move(class_index, table, grade_min, inv_grade_step, elevation_m, scale,
                             enter, river, lengths_m, per_m_rise, dflat, link_of, ny, nx, flat,
                             links, reverse, heap, size, shift, i, r, c, d, inner, k,
                             offsets[k, 0], offsets[k, 1])
    return 0


#: Expand the 8-neighbour stencil with its offsets as constants (A/B switch, see benchmarks).
_UNROLLED8: bool = True


def _dijkstra(inp: KernelInputs, offs: np.ndarray, link_of: np.ndarray, cost: np.ndarray,
              backlink: np.ndarray, reverse: bool, stop=(), *,
              seeds: np.ndarray | None = None, bound: float = np.inf) -> int:
    """Settle every cell reachable from the finite entries of ``cost`` (updated in place),
    or only until every flat cell of ``stop`` (an int or a sequence) is final; returns the
    number of cell expansions.

    ``seeds`` (flat indices, finite cost) restricts the start to those cells: the others keep
    their costs as they are (the chunked solver passes the cells of a new cost band, whose
    cheaper cells were expanded before). Cells are expanded only while they cost <= ``bound``
    (up to the heap key rounding, ~1e-8 relative; expanding a cell early is harmless).
    """
    ny, nx = cost.shape
    index_bits = max(_MIN_INDEX_BITS, int(ny * nx - 1).bit_length())
    if seeds is None:
        seeds = np.flatnonzero(np.isfinite(cost))
    cap = max(1 << 16, 2 * seeds.size + 4 * len(offs))
    heap = np.empty(cap, dtype=np.uint64)
    bits = cost.reshape(-1)[seeds].view(np.uint64)
    bits = np.where(bits >> np.uint64(63), ~bits, bits | _SIGN) >> np.uint64(index_bits)
    heap[: seeds.size] = (bits << np.uint64(index_bits)) | seeds.astype(np.uint64)
    size = seeds.size
    del seeds, bits
    _heapify(heap, size)
    lengths = offset_lengths_m(inp.dx_m, inp.dy_m, offs)
    dflat = offs[:, 0] * nx + offs[:, 1]
    counts = np.zeros(1, dtype=np.int64)
    stops = np.asarray(stop, dtype=np.int64).reshape(-1)
    stops_final = np.zeros(1, dtype=np.int64)
    while size:
        size = _settle(*inp.args(), offs, dflat, lengths, columns_per_m_rise(inp, lengths),
                       link_of, ny, nx, cost.reshape(-1), backlink.reshape(-1), reverse, stops,
                       stops_final, float(bound), heap, size, index_bits, counts,
                       _UNROLLED8 and len(offs) == 8)
        if size:
            heap = np.concatenate([heap, np.empty_like(heap)])
    return int(counts[0])


@njit(cache=True, nogil=True)
def _walk(backlink, offsets, r, c, sign):
    """Cells visited by following backlinks from (r, c): ``cell += sign * offsets[link]``."""
    ny, nx = backlink.shape
    out = np.empty((16, 2), dtype=np.int64)
    n = 0
    limit = ny * nx
    while True:
        if n == out.shape[0]:
            bigger = np.empty((2 * n, 2), dtype=np.int64)
            bigger[:n] = out
            out = bigger
        out[n, 0] = r
        out[n, 1] = c
        n += 1
        k = backlink[r, c]
        if k < 0 or n > limit:
            break
        r += sign * offsets[k, 0]
        c += sign * offsets[k, 1]
    return out[:n]


# --------------------------------------------------------------------------------------------
# Input checks shared by find_costs, traceback and route
# --------------------------------------------------------------------------------------------


def barrier_mask(inp: KernelInputs) -> np.ndarray:
    """Bool (ny, nx): cells no move may enter (class 255, NaN/inf scale, enter or elevation)."""
    mask = inp.class_index == BARRIER_CLASS
    for arr in (inp.scale, inp.enter, inp.elevation_m):
        if arr.size:
            mask |= ~np.isfinite(arr)
    return mask


def check_cell(inp: KernelInputs, cell, what: str) -> tuple[int, int]:
    """(row, col) of ``cell`` as ints; ExtentError outside the grid, NoRouteError on a barrier.

    ``what`` names the cell in the message (e.g. ``"source 2"``, ``"target"``).
    """
    r, c = _grid_cell(cell, inp.class_index.shape, what)
    reasons = []
    if inp.class_index[r, c] == BARRIER_CLASS:
        reasons.append("its class is a barrier (255: water, nodata or user barrier)")
    for name, arr in (("scale", inp.scale), ("enter", inp.enter), ("elevation_m", inp.elevation_m)):
        if arr.size and not np.isfinite(arr[r, c]):
            reasons.append(f"its {name} is {arr[r, c]}")
    if reasons:
        raise NoRouteError(
            f"{what} cell (row {r}, col {c}) lies on a barrier ({'; '.join(reasons)}); "
            "move the point onto passable ground"
        )
    return r, c


def _flat_cells(cells, shape: tuple[int, int], what: str) -> np.ndarray:
    """Flat indices (int64) of one (row, col) or an (n, 2) array of them, checked like
    :func:`_grid_cell` (ConfigError if malformed, ExtentError outside the grid)."""
    arr = np.asarray(cells)
    if arr.ndim == 2 and arr.shape[1] == 2 and np.issubdtype(arr.dtype, np.integer):
        r, c = arr[:, 0].astype(np.int64), arr[:, 1].astype(np.int64)
        bad = (r < 0) | (r >= shape[0]) | (c < 0) | (c >= shape[1])
        if bad.any():
            _grid_cell(arr[np.argmax(bad)], shape, what)  # raises, naming the first
        return r * shape[1] + c
    r, c = _grid_cell(cells, shape, what)
    return np.array([r * shape[1] + c], dtype=np.int64)


def _grid_cell(cell, shape: tuple[int, int], what: str) -> tuple[int, int]:
    """``cell`` as (row, col) ints inside ``shape``: ConfigError if malformed, else ExtentError."""
    ny, nx = shape
    try:  # whole numbers only: int() cut (0.5, 1.5) to (0, 1), another cell than the one meant
        values = [v.item() if isinstance(v, np.generic) else v for v in np.asarray(cell).ravel()]
        if any(isinstance(v, (bool, str)) or not float(v).is_integer() for v in values):
            raise ValueError(cell)
        r, c = (int(v) for v in values)
    except (TypeError, ValueError, OverflowError):
        raise ConfigError(f"{what} must be a (row, col) pair of integers, got {cell!r}; fix: "
                          "whole cell indices, e.g. logistics.terrain.grid.cell_of(terrain, x, y) "
                          "for a point in metres") from None
    if not (0 <= r < ny and 0 <= c < nx):
        raise ExtentError(
            f"{what} cell (row {r}, col {c}) is outside the grid of {ny} rows x {nx} cols; "
            "pick a cell inside or load a larger terrain extent"
        )
    return r, c


def _check_size(shape: tuple[int, int]) -> None:
    cells = int(shape[0]) * int(shape[1])
    if cells > settings.MAX_IN_MEMORY_CELLS:
        raise ResourceError(
            f"grid of {shape[0]} x {shape[1]} = {cells:,} cells exceeds the in-memory limit "
            f"settings.MAX_IN_MEMORY_CELLS = {settings.MAX_IN_MEMORY_CELLS:,}; use the chunked "
            "solver (logistics.cost.chunked) with chunks=..., or a coarser resolution_m"
        )


def _seed_costs(inp: KernelInputs, sources, start_costs, init_cost) -> np.ndarray:
    """The float64 (ny, nx) start raster: inf except at sources (their start cost)."""
    shape = inp.class_index.shape
    if init_cost is not None:
        try:
            init = np.asarray(init_cost, dtype=np.float64)
        except (TypeError, ValueError):  # init_cost="x": numpy's ValueError, naming no argument
            raise ConfigError(f"init_cost must be a float array of the model's grid shape "
                              f"{shape} (inf or NaN: not a source), got "
                              f"{type(init_cost).__name__} {str(init_cost)[:60]!r}") from None
        if init.shape != shape:
            raise ConfigError(
                f"init_cost has shape {init.shape}, expected the model's grid shape {shape}"
            )
        cost = np.where(np.isfinite(init), init, np.inf)  # NaN = not a source
    else:
        cost = np.full(shape, np.inf, dtype=np.float64)
    if sources is None:
        if init_cost is None:
            raise ConfigError("find_costs needs sources=[(row, col), ...] or init_cost")
        if not np.isfinite(cost).any():
            raise ConfigError("init_cost has no finite cell: there is nothing to start from")
        return cost
    cells = np.asarray(sources)
    if cells.ndim == 1 and cells.size == 2:
        cells = cells.reshape(1, 2)
    if cells.ndim != 2 or cells.shape[1] != 2 or len(cells) == 0:
        raise ConfigError(
            f"sources must be (row, col) pairs, shape (n, 2) with n >= 1; got shape {cells.shape}"
        )
    starts = start_cost_values(start_costs, len(cells))
    for n, (cell, start) in enumerate(zip(cells, starts, strict=True)):
        r, c = check_cell(inp, cell, f"source {n}")
        cost[r, c] = min(cost[r, c], float(start))
    return cost


def start_cost_values(start_costs, n_sources: int) -> np.ndarray:
    """``start_costs`` as ``n_sources`` floats >= 0 (None: zeros; one value: for every source).

    The one check of start costs, shared by :func:`find_costs` and the chunked solver, so both
    accept the same; ConfigError otherwise.
    """
    if start_costs is None:
        return np.zeros(n_sources)
    try:
        given = np.asarray(start_costs)
        if given.dtype.kind not in "iuf":  # numpy reads "1" as 1.0 and True as 1.0
            raise TypeError(start_costs)
        starts = np.broadcast_to(given.astype(float), (n_sources,))
    except (TypeError, ValueError):
        starts = np.full(0, np.nan)
    if starts.shape != (n_sources,) or not np.all(np.isfinite(starts)) or np.any(starts < 0):
        raise ConfigError(
            f"start_costs must be {n_sources} finite numbers >= 0 (one per source, or one for "
            f"all: the cost already spent there), got {start_costs!r}"
        )
    return starts


def _link_table(offs: np.ndarray, reverse: bool) -> np.ndarray:
    """Backlink value stored when a cell is reached through offset k (see Accumulated)."""
    if not reverse:
        return np.arange(len(offs), dtype=np.int8)
    opposite = [int(np.flatnonzero((offs == -o).all(axis=1))[0]) for o in offs]
    return np.asarray(opposite, dtype=np.int8)


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def find_costs(
    model: CostModel,
    sources=None,
    *,
    start_costs=None,
    init_cost: np.ndarray | None = None,
    stencil: int = 8,
    reverse: bool = False,
    barriers: np.ndarray | None = None,
    stop_at=None,
) -> Accumulated:
    """Least accumulated cost from ``sources`` to every cell (or to them with ``reverse``).

    Parameters
    ----------
    model : CostModel
        The move rule (see :mod:`logistics.cost.model`).
    sources : (n, 2) int array-like of (row, col), or one (row, col)
        Start cells. A source outside the grid raises ExtentError, on a barrier NoRouteError.
    start_costs : float or (n,) floats >= 0, optional
        Cost already spent at each source (default 0), in the model's units (the chunked
        solver accepts the same).
    init_cost : float64 (ny, nx), optional
        Initial cost per cell, inf/NaN = not a source (how the chunked solver seeds a tile from
        its boundary). Combined with ``sources`` by taking the minimum. Entries are used as
        given, also on barrier cells (which then cannot be left).
    stencil : 8 or 16
        Neighbourhood (king moves, plus knight moves for 16).
    reverse : bool
        False: cost of travelling from the sources to each cell. True: cost of travelling from
        each cell to the (nearest-by-cost) source: each move ``q -> p`` is priced as ``q -> p``,
        not ``p -> q``; with anisotropic costs the two differ.
    barriers : bool (ny, nx), optional
        Extra impassable cells (True), on top of the model's barriers.
    stop_at : (row, col), or (n, 2) of them, optional
        Stop as soon as this cell's cost (every one of these cells' costs) is final: a route,
        or legs to the cells of a route, need no more. Then only they and the cells settled
        before them (all cheaper) hold final costs and backlinks, the very values of a full
        solve; the others may be too high or inf. ``traceback(acc, cell)`` is exact for each.

    Returns
    -------
    Accumulated
        ``cost`` float64 in ``model.units`` (inf unreachable) and ``backlink`` int8.

    Examples
    --------
    A flat 1 x 3 strip costing 1 per metre on 10 m cells:

    >>> import numpy as np
    >>> m = CostModel(np.zeros((1, 3), np.uint8), np.array([[1.0]]), 0.0, 1.0, (10.0, 10.0))
    >>> find_costs(m, [(0, 0)]).cost
    array([[ 0., 10., 20.]])
    """
    if not isinstance(model, CostModel):
        raise ConfigError(
            f"find_costs needs a CostModel (from logistics.build_cost_model(terrain, vehicle)), "
            f"got {type(model).__name__}")
    reverse = check_flag("reverse", reverse)  # bool("no") is True: solved towards the sources
    _check_size(model.shape)
    ci = None
    if barriers is not None:
        mask = np.asarray(barriers, dtype=bool)
        if mask.shape != model.shape:
            raise ConfigError(
                f"barriers has shape {mask.shape}, expected the model's grid shape {model.shape}"
            )
        ci = np.where(mask, np.uint8(BARRIER_CLASS), np.asarray(model.class_index))
        ci = ci.astype(np.uint8, copy=False)
    inp = kernel_inputs(model, class_index=ci)
    offs = stencil_offsets(stencil)
    cost = _seed_costs(inp, sources, start_costs, init_cost)
    backlink = np.full(cost.shape, -1, dtype=np.int8)
    stop = () if stop_at is None else _flat_cells(stop_at, cost.shape, "stop_at")
    _dijkstra(inp, offs, _link_table(offs, reverse), cost, backlink, reverse, stop)
    return Accumulated(cost, backlink, int(stencil), reverse, model.units,
                       (inp.dx_m, inp.dy_m))


def traceback(acc: Accumulated, target) -> np.ndarray:
    """The least-cost path through ``target`` as an (n, 2) int64 array of (row, col).

    The path is in travel order: forward (``acc.reverse`` False) it runs from a source to
    ``target``; reverse it runs from ``target`` to a source. Consecutive cells differ by one
    stencil offset. Raises ExtentError outside the grid, NoRouteError if ``target`` is
    unreachable (naming the nearest reachable cell and its distance).

    >>> import numpy as np
    >>> m = CostModel(np.zeros((1, 3), np.uint8), np.array([[1.0]]), 0.0, 1.0, (10.0, 10.0))
    >>> traceback(find_costs(m, [(0, 0)]), (0, 2)).tolist()
    [[0, 0], [0, 1], [0, 2]]
    """
    if not isinstance(acc, Accumulated):
        raise ConfigError(
            f"traceback needs the result of find_costs(model, sources), got {type(acc).__name__}")
    r, c = _grid_cell(target, acc.cost.shape, "target")
    if not np.isfinite(acc.cost[r, c]):
        raise NoRouteError(_unreachable_message(acc, r, c))
    offs = stencil_offsets(acc.stencil)
    if acc.reverse:
        return _walk(acc.backlink, offs, r, c, 1)
    return _walk(acc.backlink, offs, r, c, -1)[::-1].copy()


def _unreachable_message(acc: Accumulated, r: int, c: int) -> str:
    """Say that (r, c) cannot be reached and where the nearest reachable cell is."""
    near = _nearest_finite(acc.cost, r, c, acc.cellsize_m)
    what = "no source can reach" if not acc.reverse else "no source can be reached from"
    if near is None:
        return f"{what} cell (row {r}, col {c}): no cell of the grid is reachable at all"
    (nr, nc), dist_m = near
    return (
        f"{what} cell (row {r}, col {c}) (a barrier, or cut off by barriers/impassable grades); "
        f"the nearest reachable cell is (row {nr}, col {nc}), {dist_m / 1000:.3g} km away"
    )


def _nearest_finite(cost: np.ndarray, r: int, c: int, cellsize_m) -> tuple | None:
    """Nearest cell (by metric distance) with finite cost, searching growing windows."""
    dx, dy = cellsize_m
    ny, nx = cost.shape
    radius = 1
    while True:
        r0, r1 = max(0, r - radius), min(ny, r + radius + 1)
        c0, c1 = max(0, c - radius), min(nx, c + radius + 1)
        rows, cols = np.nonzero(np.isfinite(cost[r0:r1, c0:c1]))
        if rows.size:
            dist = np.hypot((rows + r0 - r) * dy, (cols + c0 - c) * dx)
            best = int(np.argmin(dist))
            # exact only if no cell outside the window can be nearer
            if dist[best] <= radius * min(dx, dy) or (r0, r1, c0, c1) == (0, ny, 0, nx):
                return (int(rows[best] + r0), int(cols[best] + c0)), float(dist[best])
        elif (r0, r1, c0, c1) == (0, ny, 0, nx):
            return None
        radius *= 2
