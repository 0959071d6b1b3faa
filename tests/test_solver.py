"""Accumulated cost and paths: the numba engine against independent references.

References: scipy's csgraph.dijkstra on the directed graph built here, edge by edge, from the
CostModel rule written out again in plain Python (so the kernel is checked too; the river toll
from the segment's geometry, ``tests/segment_trace.py``); scikit-image's
MCP_Geometric for the isotropic case; exact Euclidean distance on uniform grids.
"""

from __future__ import annotations

import contextlib
import doctest
import math

import numpy as np
import pytest
import scipy.sparse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.sparse.csgraph import dijkstra
from segment_trace import reference_toll

from logistics import settings as lsettings
from logistics.cost import solver
from logistics.cost.kernel import edge_costs, kernel_inputs
from logistics.cost.model import BARRIER_CLASS, CostModel
from logistics.cost.solver import barrier_mask, find_costs, traceback
from logistics.cost.stencil import OFFSETS_16, offsets
from logistics.errors import ConfigError, ExtentError, NoRouteError, ResourceError

PROPS = settings(
    suppress_health_check=[HealthCheck.too_slow]
)


# ----------------------------------------------------------------------------------------------
# Independent reference: the CostModel rule in plain Python, and the explicit graph
# ----------------------------------------------------------------------------------------------


def _ref_table_cost(row: np.ndarray, grade_min: float, grade_step: float, g: float) -> float:
    """Per-metre cost at grade g: linear interpolation in one table row (inf outside)."""
    t = (g - grade_min) / grade_step
    last = len(row) - 1
    if not (-1e-9 < t < last + 1e-9):
        return math.inf
    near = round(t)
    if abs(t - near) <= 1e-9:
        return float(row[near])
    i = math.floor(t)
    f = t - i
    return float(row[i]) * (1 - f) + float(row[i + 1]) * f


def _ref_move_cost(m: CostModel, r: int, c: int, di: int, dj: int) -> float:
    """Cost of the move (r, c) -> (r + di, c + dj) by the rule in cost/model.py."""
    qr, qc = r + di, c + dj
    dx, dy = m.cellsize_m
    length = math.hypot(dj * dx, di * dy)
    if m.elevation_m is None:
        g = 0.0
    else:
        g = (float(m.elevation_m[qr, qc]) - float(m.elevation_m[r, c])) / length
    cells = [(r, c), (qr, qc)]
    if abs(di) == 2:
        cells += [(r + di // 2, c), (r + di // 2, qc)]
    elif abs(dj) == 2:
        cells += [(r, c + dj // 2), (qr, c + dj // 2)]
    total = 0.0
    for a, b in cells:
        k = int(m.class_index[a, b])
        if k == BARRIER_CLASS:
            return math.inf
        v = _ref_table_cost(m.table[k], m.grade_min, m.grade_step, g)
        if m.scale is not None:
            v *= float(m.scale[a, b])
        total += v
    cost = length * (total / len(cells))
    if m.enter is not None:  # the river toll, from the segment's geometry (tests/segment_trace)
        enter = np.where(np.isnan(m.enter), np.inf, m.enter)
        cost += reference_toll(enter, r, c, di, dj, m.river)
    return cost if math.isfinite(cost) else math.inf


def _ref_costs(m: CostModel, starts: dict, stencil: int, reverse: bool) -> np.ndarray:
    """scipy Dijkstra on the explicit directed graph plus a super-source (node n)."""
    ny, nx = m.shape
    n = ny * nx
    rows, cols, weights = [], [], []
    for r in range(ny):
        for c in range(nx):
            for di, dj in offsets(stencil):
                if 0 <= r + di < ny and 0 <= c + dj < nx:
                    w = _ref_move_cost(m, r, c, int(di), int(dj))
                    if math.isfinite(w):
                        p, q = r * nx + c, (r + di) * nx + (c + dj)
                        rows.append(q if reverse else p)
                        cols.append(p if reverse else q)
                        weights.append(w)
    # super-source edges carry the start costs, shifted to be > 0 (csgraph drops zero weights)
    shift = 1.0 - min(starts.values())
    for (r, c), s in starts.items():
        rows.append(n)
        cols.append(r * nx + c)
        weights.append(s + shift)
    graph = scipy.sparse.csr_matrix((weights, (rows, cols)), shape=(n + 1, n + 1))
    dist = dijkstra(graph, directed=True, indices=n)
    return (dist[:n] - shift).reshape(ny, nx)


# ----------------------------------------------------------------------------------------------
# Random small grids
# ----------------------------------------------------------------------------------------------


@st.composite
def _models(draw, isotropic: bool = False):
    ny = draw(st.integers(2, 7))
    nx = draw(st.integers(2, 7))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n_classes = draw(st.integers(1, 3))
    n_grades = draw(st.integers(1, 6))
    step = draw(st.sampled_from([0.25, 0.5, 1.0]))
    grade_min = -step * draw(st.integers(0, n_grades - 1))
    table = rng.uniform(0.1, 5.0, (n_classes, n_grades))
    table[rng.random(table.shape) < draw(st.sampled_from([0.0, 0.15]))] = np.inf
    ci = rng.integers(0, n_classes, (ny, nx)).astype(np.uint8)
    ci[rng.random((ny, nx)) < draw(st.sampled_from([0.0, 0.1]))] = BARRIER_CLASS
    dx = draw(st.sampled_from([0.5, 1.0, 2.0]))
    dy = draw(st.sampled_from([0.5, 1.0, 2.0]))
    elev = None
    if not isotropic and draw(st.booleans()):
        elev = (rng.integers(-2, 3, (ny, nx)) * draw(st.sampled_from([0.25, 0.5]))).astype(
            np.float32
        )
    scale = None
    if draw(st.booleans()):
        scale = rng.uniform(0.5, 2.0, (ny, nx)).astype(np.float32)
        scale[rng.random((ny, nx)) < 0.08] = np.nan
    enter = None
    if not isotropic and draw(st.booleans()):
        enter = rng.uniform(0.0, 3.0, (ny, nx)).astype(np.float32)
        enter[rng.random((ny, nx)) < 0.08] = np.inf
        enter[rng.random((ny, nx)) < 0.3] = 0.0  # dry land between the rivers
    river = None
    if enter is not None and draw(st.booleans()):  # rivers of several codes side by side
        river = rng.integers(0, 3, (ny, nx)).astype(np.uint8)
    model = CostModel(ci, table, grade_min, step, (dx, dy), elev, scale, enter, river=river)
    barriers = None
    if draw(st.booleans()):
        barriers = rng.random((ny, nx)) < 0.1
    return model, barriers


def _passable(model: CostModel, barriers) -> np.ndarray:
    mask = barrier_mask(kernel_inputs(model))
    if barriers is not None:
        mask |= barriers
    return np.argwhere(~mask)


def _with_barriers(model: CostModel, barriers) -> CostModel:
    """The same model with the extra barriers burnt into class_index (for the reference)."""
    if barriers is None:
        return model
    ci = np.where(barriers, np.uint8(BARRIER_CLASS), model.class_index).astype(np.uint8)
    return CostModel(ci, model.table, model.grade_min, model.grade_step, model.cellsize_m,
                     model.elevation_m, model.scale, model.enter, river=model.river)


# ----------------------------------------------------------------------------------------------
# Properties
# ----------------------------------------------------------------------------------------------


@contextlib.contextmanager
def _coarse_heap_keys(on: bool):
    """Keep only sign and exponent of the heap keys: pops come far out of cost order, so the
    label-correcting re-expansion (normally for ties within 1e-8) is exercised hard."""
    old = solver._MIN_INDEX_BITS
    solver._MIN_INDEX_BITS = 52 if on else old
    try:
        yield
    finally:
        solver._MIN_INDEX_BITS = old


@PROPS
@given(_models(), st.sampled_from([8, 16]), st.booleans(), st.booleans(), st.data())
def test_costs_equal_scipy_dijkstra_on_the_explicit_graph(case, stencil, reverse, coarse, data):
    model, barriers = case
    cells = _passable(model, barriers)
    if len(cells) == 0:
        return
    idx = data.draw(st.lists(st.integers(0, len(cells) - 1), min_size=1, max_size=3, unique=True))
    sources = cells[idx]
    starts = data.draw(st.lists(st.floats(0, 10), min_size=len(idx), max_size=len(idx)))
    via_init = data.draw(st.booleans())
    with _coarse_heap_keys(coarse):
        if via_init:  # the chunked solver's way of seeding: a raster of start costs
            init = np.full(model.shape, np.inf)
            for (r, c), s in zip(sources, starts, strict=True):
                init[r, c] = min(init[r, c], s)
            acc = find_costs(model, init_cost=init, stencil=stencil, reverse=reverse,
                             barriers=barriers)
        else:
            acc = find_costs(model, sources, start_costs=starts, stencil=stencil,
                             reverse=reverse, barriers=barriers)
    start_of: dict = {}
    for (r, c), s in zip(sources, starts, strict=True):
        start_of[(int(r), int(c))] = min(s, start_of.get((int(r), int(c)), math.inf))
    expected = _ref_costs(_with_barriers(model, barriers), start_of, stencil, reverse)
    assert acc.cost.dtype == np.float64
    np.testing.assert_array_equal(np.isinf(acc.cost), np.isinf(expected))
    np.testing.assert_allclose(acc.cost, expected, rtol=1e-12, atol=1e-12)

    # every reachable cell traces back along stencil moves whose kernel costs sum to its cost
    offs = offsets(stencil)
    blocked = barrier_mask(kernel_inputs(_with_barriers(model, barriers)))
    for r, c in np.argwhere(np.isfinite(acc.cost)):
        path = traceback(acc, (r, c))
        steps = np.diff(path, axis=0)
        assert all((offs == s).all(axis=1).any() for s in steps), "path is not continuous"
        # the first cell of the travel is left, not entered (reverse: the target may be one)
        assert not blocked[path[1:, 0], path[1:, 1]].any(), "path enters a barrier"
        start = path[-1] if reverse else path[0]
        assert tuple(start) in start_of
        k = np.array([int(np.flatnonzero((OFFSETS_16 == s).all(axis=1))[0]) for s in steps])
        walked = edge_costs(model, path[:-1, 0], path[:-1, 1], k).sum()
        np.testing.assert_allclose(walked + start_of[tuple(start)], acc.cost[r, c],
                                   rtol=1e-12, atol=1e-12)


@PROPS
@given(_models(isotropic=True), st.data())
def test_isotropic_costs_equal_skimage_mcp_geometric(case, data):
    from skimage.graph import MCP_Geometric

    model, _ = case
    # skimage prices a move as length * mean of the two cells' costs: a one-grade table with
    # the per-cell cost in ``scale`` is exactly that rule
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    per_cell = rng.uniform(0.5, 4.0, model.shape).astype(np.float32)
    per_cell[model.class_index == BARRIER_CLASS] = np.nan
    iso = CostModel(np.zeros(model.shape, np.uint8), np.array([[1.0]]), 0.0, 1.0,
                    model.cellsize_m, scale=per_cell)
    cells = np.argwhere(np.isfinite(per_cell))
    if len(cells) == 0:
        return
    idx = data.draw(st.lists(st.integers(0, len(cells) - 1), min_size=1, max_size=3, unique=True))
    sources = cells[idx]
    ours = find_costs(iso, sources, stencil=8).cost
    dx, dy = model.cellsize_m
    mcp = MCP_Geometric(np.where(np.isfinite(per_cell), per_cell, np.inf).astype(np.float64),
                        fully_connected=True, sampling=(dy, dx))
    theirs, _ = mcp.find_costs([tuple(s) for s in sources])
    np.testing.assert_array_equal(np.isinf(ours), np.isinf(theirs))
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)


@given(st.integers(0, 2**32 - 1), st.sampled_from([8, 16]))
def test_reciprocity_on_slope_reversed_twin(seed, stencil):
    """A->B on terrain z costs what B->A costs on -z (every grade of the path flips twice)."""
    rng = np.random.default_rng(seed)
    ny, nx = 6, 7
    z = rng.uniform(-0.8, 0.8, (ny, nx)).astype(np.float32)  # grades stay inside the table
    ci = rng.integers(0, 2, (ny, nx)).astype(np.uint8)
    grades = np.linspace(-2, 2, 9)
    table = np.stack([1 + grades + grades**2, 2 + 0.5 * grades + grades**2])
    scale = rng.uniform(0.5, 2, (ny, nx)).astype(np.float32)
    up = CostModel(ci, table, -2.0, 0.5, (1.0, 1.0), z, scale)
    down = CostModel(ci, table, -2.0, 0.5, (1.0, 1.0), -z, scale)
    a, b = (0, 0), (ny - 1, nx - 1)
    forward = find_costs(up, [a], stencil=stencil).cost[b]
    backward = find_costs(down, [b], stencil=stencil).cost[a]
    assert forward == pytest.approx(backward, rel=1e-12)
    # reverse=True answers "from every cell to the source" with the same moves
    to_b = find_costs(up, [b], stencil=stencil, reverse=True).cost[a]
    assert to_b == pytest.approx(forward, rel=1e-12)
    assert forward != pytest.approx(find_costs(up, [b], stencil=stencil).cost[a], rel=1e-6)


# ----------------------------------------------------------------------------------------------
# Hand-checkable cases
# ----------------------------------------------------------------------------------------------


def _flat(ny: int, nx: int, cell_m: float = 1.0) -> CostModel:
    return CostModel(np.zeros((ny, nx), np.uint8), np.array([[1.0]]), 0.0, 1.0,
                     (cell_m, cell_m))


@pytest.mark.parametrize(("stencil", "tolerance"), [(8, 0.083), (16, 0.03)])
def test_uniform_grid_approximates_euclidean_distance(stencil, tolerance):
    n = 61
    acc = find_costs(_flat(n, n, 10.0), [(30, 30)], stencil=stencil)
    rr, cc = np.mgrid[0:n, 0:n]
    euclid = np.hypot(rr - 30, cc - 30) * 10.0
    ratio = acc.cost[euclid > 0] / euclid[euclid > 0]
    assert ratio.min() >= 1 - 1e-12  # a grid path is never shorter than the straight line
    assert ratio.max() <= 1 + tolerance
    # the worst case is near 22.5 degrees (8) / between the knight and king directions (16)
    assert ratio.max() > 1 + tolerance / 4


def test_uphill_costs_more_than_downhill_on_a_ramp():
    z = np.tile(np.arange(5, dtype=np.float32) * 10.0, (3, 1))  # rises 10 m per 100 m east
    table = np.array([[0.5, 1.0, 2.0]])  # s per m at grades -0.1, 0, 0.1: downhill faster
    ramp = CostModel(np.zeros((3, 5), np.uint8), table, -0.1, 0.1, (100.0, 100.0), z)
    up = find_costs(ramp, [(1, 0)]).cost[1, 4]
    down = find_costs(ramp, [(1, 4)]).cost[1, 0]
    assert up == pytest.approx(4 * 100 * 2.0)
    assert down == pytest.approx(4 * 100 * 0.5)


def test_route_goes_round_a_lake_and_through_the_pass():
    ci = np.zeros((7, 9), np.uint8)
    ci[1:6, 4] = BARRIER_CLASS  # a wall with gaps at rows 0 and 6 ...
    ci[0, 4] = BARRIER_CLASS  # ... closed at the top: the only pass is row 6
    m = CostModel(ci, np.array([[1.0]]), 0.0, 1.0, (1.0, 1.0))
    acc = find_costs(m, [(3, 0)], stencil=16)
    path = traceback(acc, (3, 8))
    assert (path[:, 1] == 4).sum() >= 1
    assert all(r == 6 for r, c in path if c == 4)
    assert (ci[path[:, 0], path[:, 1]] != BARRIER_CLASS).all()


def test_knight_move_is_blocked_by_a_barrier_beside_it():
    ci = np.zeros((2, 3), np.uint8)
    m = CostModel(ci, np.array([[1.0]]), 0.0, 1.0, (1.0, 1.0))
    free = find_costs(m, [(0, 0)], stencil=16).cost[1, 2]
    assert free == pytest.approx(math.sqrt(5))
    ci[0, 1] = BARRIER_CLASS  # beside the knight move (0,0)->(1,2)
    blocked = find_costs(CostModel(ci, m.table, 0.0, 1.0, (1.0, 1.0)), [(0, 0)], stencil=16)
    assert blocked.cost[1, 2] > math.sqrt(5) + 0.1


def test_traceback_direction_forward_and_reverse():
    m = _flat(1, 4)
    fwd = traceback(find_costs(m, [(0, 0)]), (0, 3))
    rev = traceback(find_costs(m, [(0, 0)], reverse=True), (0, 3))
    assert fwd.tolist() == [[0, 0], [0, 1], [0, 2], [0, 3]]  # from the source to the target
    assert rev.tolist() == [[0, 3], [0, 2], [0, 1], [0, 0]]  # from the target to the source
    assert fwd.dtype == np.int64


def test_many_sources_with_start_costs_take_the_cheapest():
    m = _flat(1, 7)
    acc = find_costs(m, [(0, 0), (0, 6)], start_costs=[0.0, 3.0])
    np.testing.assert_allclose(acc.cost[0], [0, 1, 2, 3, 4, 4, 3])
    assert acc.backlink[0, 0] == -1 and acc.backlink[0, 6] == -1


def test_grade_on_a_table_column_up_to_rounding_reads_that_column():
    # g = 0.2 on a grade axis -0.1, 0, 0.1, 0.2: (0.2 + 0.1) * 10 is 3.0000000000000004 in
    # floats, a hair beyond the last column; it must read that column, not fail or mix
    z = np.array([[0.0, 2.0]], np.float32)
    table = np.array([[1.0, 1.0, np.inf, 2.0]])
    m = CostModel(np.zeros((1, 2), np.uint8), table, -0.1, 0.1, (10.0, 10.0), z)
    assert (0.2 + 0.1) * (1 / 0.1) > 3.0
    assert find_costs(m, [(0, 0)]).cost[0, 1] == pytest.approx(10.0 * 2.0, rel=1e-15)


@given(_models(), st.sampled_from([8, 16]), st.booleans(), st.booleans(), st.data())
def test_stop_at_gives_the_target_and_everything_cheaper_exactly(case, stencil, reverse, coarse,
                                                                  data):
    model, barriers = case
    cells = _passable(model, barriers)
    if len(cells) < 2:
        return
    i, j = data.draw(st.lists(st.integers(0, len(cells) - 1), min_size=2, max_size=2,
                              unique=True))
    with _coarse_heap_keys(coarse):
        full = find_costs(model, [cells[i]], stencil=stencil, reverse=reverse,
                          barriers=barriers)
        part = find_costs(model, [cells[i]], stencil=stencil, reverse=reverse,
                          barriers=barriers, stop_at=cells[j])
    target = tuple(cells[j])
    assert part.cost[target] == full.cost[target]
    cheaper = full.cost < full.cost[target]
    np.testing.assert_array_equal(part.cost[cheaper], full.cost[cheaper])
    if np.isfinite(full.cost[target]):
        np.testing.assert_array_equal(traceback(part, target), traceback(full, target))


@given(_models(), st.sampled_from([8, 16]), st.booleans(), st.booleans(), st.data())
def test_stop_at_many_cells_gives_each_and_everything_cheaper_exactly(case, stencil, reverse,
                                                                      coarse, data):
    """A solve told to stop once several cells are final (the truck legs to a route's cells)
    gives each of them, and every cell cheaper than the dearest, as the full solve does."""
    model, barriers = case
    cells = _passable(model, barriers)
    if len(cells) < 2:
        return
    picked = data.draw(st.lists(st.integers(0, len(cells) - 1), min_size=2, max_size=6,
                                unique=True))
    source, stops = cells[picked[0]], cells[picked[1:]]
    with _coarse_heap_keys(coarse):
        full = find_costs(model, [source], stencil=stencil, reverse=reverse, barriers=barriers)
        part = find_costs(model, [source], stencil=stencil, reverse=reverse, barriers=barriers,
                          stop_at=stops)
    at = (stops[:, 0], stops[:, 1])
    np.testing.assert_array_equal(part.cost[at], full.cost[at])
    cheaper = full.cost < full.cost[at].max()
    np.testing.assert_array_equal(part.cost[cheaper], full.cost[cheaper])
    for target in map(tuple, stops):
        if np.isfinite(full.cost[target]):
            np.testing.assert_array_equal(traceback(part, target), traceback(full, target))


def test_stop_at_cells_outside_the_grid_is_one_extent_error():
    with pytest.raises(ExtentError, match="stop_at cell \\(row 5, col 0\\)"):
        find_costs(_flat(3, 3), [(0, 0)], stop_at=np.array([[1, 1], [5, 0]]))


def test_docstring_examples_run():
    failures, _ = doctest.testmod(solver)
    assert failures == 0


# ----------------------------------------------------------------------------------------------
# Bad input: one clear error of the project's own type each
# ----------------------------------------------------------------------------------------------


def test_source_outside_the_grid_is_an_extent_error():
    with pytest.raises(ExtentError, match=r"source 0 cell \(row 5, col 0\) is outside"):
        find_costs(_flat(3, 3), [(5, 0)])


def test_source_on_a_barrier_is_a_no_route_error():
    m = _flat(3, 3)
    with pytest.raises(NoRouteError, match=r"\(row 1, col 1\) lies on a barrier"):
        find_costs(m, [(0, 0), (1, 1)], barriers=np.eye(3, dtype=bool)[::-1])
    nan_scale = np.ones((3, 3), np.float32)
    nan_scale[2, 2] = np.nan  # NaN costs are barriers
    m2 = CostModel(m.class_index, m.table, 0.0, 1.0, (1.0, 1.0), scale=nan_scale)
    with pytest.raises(NoRouteError, match="scale is nan"):
        find_costs(m2, [(2, 2)])


def test_unreachable_target_names_the_nearest_reachable_cell():
    ci = np.zeros((5, 5), np.uint8)
    ci[:, 2] = BARRIER_CLASS
    m = CostModel(ci, np.array([[1.0]]), 0.0, 1.0, (1000.0, 1000.0))
    acc = find_costs(m, [(2, 0)])
    with pytest.raises(NoRouteError, match=r"nearest reachable cell is \(row 2, col 1\), 2 km"):
        traceback(acc, (2, 3))
    with pytest.raises(ExtentError, match="outside"):
        traceback(acc, (9, 9))


@pytest.mark.parametrize("bad", [0.0, -1.0])
def test_zero_or_negative_table_costs_are_config_errors(bad):
    m = CostModel(np.zeros((2, 2), np.uint8), np.array([[1.0, bad]]), 0.0, 1.0, (1.0, 1.0))
    with pytest.raises(ConfigError, match="must be > 0"):
        find_costs(m, [(0, 0)])


def test_class_without_table_row_is_a_config_error():
    m = CostModel(np.full((2, 2), 3, np.uint8), np.array([[1.0]]), 0.0, 1.0, (1.0, 1.0))
    with pytest.raises(ConfigError, match="class 3 but the table has only 1 rows"):
        find_costs(m, [(0, 0)])


def test_bad_arguments_are_config_errors():
    m = _flat(3, 3)
    for cells in [(0.0, 1.0), ("a", 1.0), (1.0,)]:
        bad = CostModel(m.class_index, m.table, 0.0, 1.0, cells)
        with pytest.raises(ConfigError, match="cellsize_m must be two positive sizes"):
            find_costs(bad, [(0, 0)])
    with pytest.raises(ConfigError, match="stencil must be 8 or 16"):
        find_costs(m, [(0, 0)], stencil=4)
    with pytest.raises(ConfigError, match="needs sources"):
        find_costs(m)
    with pytest.raises(ConfigError, match="init_cost has shape"):
        find_costs(m, init_cost=np.zeros((2, 2)))
    with pytest.raises(ConfigError, match="start_costs must be 2 finite numbers >= 0"):
        find_costs(m, [(0, 0), (1, 1)], start_costs=[0.0, 1.0, 2.0])


def test_chunked_and_in_memory_solvers_take_the_same_start_costs():
    from logistics.cost.chunked import find_costs_chunked

    m = CostModel(np.zeros((4, 6), np.uint8), np.array([[1.0]]), 0.0, 1.0, (1.0, 1.0))
    sources = [(0, 0), (3, 5)]
    for starts in (2.5, [0.0, 4.0], np.array([1.0, 1.0]), [3.0]):
        mem = find_costs(m, sources, start_costs=starts, stencil=16).cost
        tiled = find_costs_chunked(m, sources, start_costs=starts, chunks=3, stencil=16)
        np.testing.assert_array_equal(np.asarray(tiled.cost), mem)
    for bad in ([-1.0, 0.0], [np.nan, 0.0], [0.0, 1.0, 2.0]):
        with pytest.raises(ConfigError, match="start_costs must be"):
            find_costs(m, sources, start_costs=bad)
        with pytest.raises(ConfigError, match="start_costs must be"):
            find_costs_chunked(m, sources, start_costs=bad, chunks=3)


def test_grid_above_the_in_memory_limit_is_a_resource_error(monkeypatch):
    monkeypatch.setattr(lsettings, "MAX_IN_MEMORY_CELLS", 8)
    with pytest.raises(ResourceError, match="chunked solver"):
        find_costs(_flat(3, 3), [(0, 0)])
