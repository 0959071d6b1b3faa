"""River crossings: a river costs its crossing once, with 8 or 16 neighbours, 1-3 cells wide.

The expected values are independent of the kernel: the toll of each move comes from the
geometry of its segment (``tests/segment_trace.py``), the graph is solved by scipy, the far side
of a river is read from the arithmetic definition of the digital line that drew it, and the
crossing price is the ``enter`` value the test itself put in the river's cells.
"""

from __future__ import annotations

import math
import os

import numpy as np
import pytest
import scipy.sparse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.sparse.csgraph import dijkstra
from segment_trace import reference_tolls, segment_chains

from logistics.cost.kernel import edge_costs
from logistics.cost.model import CostModel
from logistics.cost.solver import find_costs, traceback
from logistics.cost.stencil import OFFSETS_16, offsets

#: more examples under the CI profile (HYPOTHESIS_PROFILE=ci), few when run locally
_CI = os.environ.get("HYPOTHESIS_PROFILE") == "ci"
PROPS = settings(max_examples=300 if _CI else 40, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# ----------------------------------------------------------------------------------------------
# The reference geometry itself
# ----------------------------------------------------------------------------------------------


def test_segment_chains_by_hand():
    assert segment_chains(0, 1) == (((0, 0), (0, 1)),)
    # a knight move crosses p, the cell beside it next to p, the one next to q, then q
    assert segment_chains(2, 1) == (((0, 0), (1, 0), (1, 1), (2, 1)),)
    assert segment_chains(-1, 2) == (((0, 0), (0, 1), (-1, 1), (-1, 2)),)
    # a diagonal move runs through a corner: either side cell
    assert set(segment_chains(1, 1)) == {((0, 0), (1, 0), (1, 1)), ((0, 0), (0, 1), (1, 1))}


# ----------------------------------------------------------------------------------------------
# Known answers
# ----------------------------------------------------------------------------------------------


def _flat(ny: int, nx: int, per_m: float = 1.0, cell_m: float = 10.0) -> CostModel:
    return CostModel(np.zeros((ny, nx), np.uint8), np.array([[per_m]]), 0.0, 1.0,
                     (cell_m, cell_m))


@pytest.mark.parametrize("stencil", [8, 16])
@pytest.mark.parametrize("width", [1, 2, 3])
def test_a_straight_river_costs_its_crossing_once(stencil, width):
    toll = 500.0
    base = _flat(15, 9)
    enter = np.zeros(base.shape, np.float32)
    enter[6:6 + width, :] = toll
    river = CostModel(base.class_index, base.table, 0.0, 1.0, base.cellsize_m, enter=enter)
    src = (0, 4)
    dry = find_costs(base, [src], stencil=stencil).cost
    wet = find_costs(river, [src], stencil=stencil).cost
    far = slice(6 + width, None)
    np.testing.assert_allclose(wet[far] - dry[far], toll, rtol=1e-12)
    np.testing.assert_array_equal(wet[:6], dry[:6])  # this side: nothing to pay


def test_a_knight_move_beside_a_river_cell_pays():
    enter = np.zeros((3, 2), np.float32)
    enter[1, 0] = 100.0  # beside the knight move (0, 0) -> (2, 1), on the side of p
    m = CostModel(np.zeros((3, 2), np.uint8), np.array([[1.0]]), 0.0, 1.0, (1.0, 1.0),
                  enter=enter)
    k = int(np.flatnonzero((OFFSETS_16 == (2, 1)).all(axis=1))[0])
    assert edge_costs(m, [0], [0], [k])[0] == pytest.approx(math.sqrt(5) + 100.0)
    enter[1, 0], enter[1, 1] = 0.0, 100.0  # beside it on the side of q
    m = CostModel(m.class_index, m.table, 0.0, 1.0, (1.0, 1.0), enter=enter)
    assert edge_costs(m, [0], [0], [k])[0] == pytest.approx(math.sqrt(5) + 100.0)


def test_a_diagonal_move_between_two_river_cells_pays_and_a_corner_touch_does_not():
    enter = np.zeros((2, 2), np.float32)
    enter[0, 1] = enter[1, 0] = 100.0  # a one-cell river running diagonally
    m = CostModel(np.zeros((2, 2), np.uint8), np.array([[1.0]]), 0.0, 1.0, (1.0, 1.0),
                  enter=enter)
    k = int(np.flatnonzero((OFFSETS_16 == (1, 1)).all(axis=1))[0])
    assert edge_costs(m, [0], [0], [k])[0] == pytest.approx(math.sqrt(2) + 100.0)
    enter[1, 0] = 0.0  # only touched at a corner: (0, 0) and (1, 1) are on the same bank
    m = CostModel(m.class_index, m.table, 0.0, 1.0, (1.0, 1.0), enter=enter)
    assert edge_costs(m, [0], [0], [k])[0] == pytest.approx(math.sqrt(2))


def test_moving_within_or_out_of_a_river_is_free_and_a_dearer_river_pays_the_difference():
    enter = np.array([[0.0, 30.0, 30.0, 80.0, 0.0]], np.float32)
    m = CostModel(np.zeros((1, 5), np.uint8), np.array([[1.0]]), 0.0, 1.0, (1.0, 1.0),
                  enter=enter)
    east = int(np.flatnonzero((OFFSETS_16 == (0, 1)).all(axis=1))[0])
    west = int(np.flatnonzero((OFFSETS_16 == (0, -1)).all(axis=1))[0])
    steps = edge_costs(m, [0, 0, 0, 0], [0, 1, 2, 3], [east] * 4)
    np.testing.assert_allclose(steps, [1 + 30, 1, 1 + 50, 1])
    assert edge_costs(m, [0], [3], [west])[0] == pytest.approx(1.0)


# ----------------------------------------------------------------------------------------------
# Random rivers
# ----------------------------------------------------------------------------------------------


@st.composite
def _rivers(draw):
    """A grid up to 64 x 64, a straight river of width 1-3 at any angle, a toll, a source.

    The river is the arithmetic digital line ``0 <= a x + b y + h < w max(|a|, |b|)`` (x = col,
    y = row, (a, b) = (cos t, sin t)): 8-connected for w = 1, so no 4-connected path crosses it
    without entering one of its cells; the sides are where that expression is < 0 and >= w ...
    """
    ny = draw(st.integers(8, 64))
    nx = draw(st.integers(8, 64))
    theta = draw(st.floats(0.0, math.pi))
    width = draw(st.integers(1, 3))
    a, b = math.cos(theta), math.sin(theta)
    rows, cols = np.mgrid[0:ny, 0:nx]
    centre = a * (nx - 1) / 2 + b * (ny - 1) / 2
    h = -centre + draw(st.floats(-0.3, 0.3)) * min(nx, ny)
    value = a * cols + b * rows + h
    band = width * max(abs(a), abs(b))
    river = (value >= 0) & (value < band)
    near, far = value < 0, value >= band
    return dict(shape=(ny, nx), river=river, near=near, far=far, width=width, rows=rows,
                cols=cols, rng=np.random.default_rng(draw(st.integers(0, 2**32 - 1))),
                stencil=draw(st.sampled_from([8, 16])),
                cell_m=draw(st.sampled_from([1.0, 250.0, 1000.0])))


def _source(case, side: str):
    cells = np.argwhere(case[side])
    if len(cells) == 0:
        return None
    return tuple(int(v) for v in cells[case["rng"].integers(len(cells))])


@PROPS
@given(_rivers())
def test_a_river_costs_its_crossing_once_with_either_stencil(case):
    """Uniform going: every cell across the river costs the no-river cost plus the toll, give or
    take one cell's travel (the best path may bend to cross once), and never less."""
    src = _source(case, "near")
    if src is None or not case["far"].any():
        return
    per_m, cell = 1.0, case["cell_m"]
    one_cell = per_m * cell
    toll = float(np.float32(case["rng"].uniform(3.0, 40.0) * one_cell))  # enter is float32
    base = CostModel(np.zeros(case["shape"], np.uint8), np.array([[per_m]]), 0.0, 1.0,
                     (cell, cell))
    enter = np.where(case["river"], toll, 0.0).astype(np.float32)
    river = CostModel(base.class_index, base.table, 0.0, 1.0, (cell, cell), enter=enter)
    dry = find_costs(base, [src], stencil=case["stencil"]).cost
    acc = find_costs(river, [src], stencil=case["stencil"])
    extra = (acc.cost - dry)[case["far"]]
    assert extra.min() >= toll * (1 - 1e-9), "a path reached the far bank without paying"
    assert extra.max() <= toll + one_cell * (1 + 1e-9), "a crossing was paid twice"
    # the path to any far cell pays exactly one crossing, by the segment geometry
    far = np.argwhere(case["far"])
    target = tuple(far[case["rng"].integers(len(far))])
    path = traceback(acc, target)
    paid = sum(
        reference_tolls(enter, int(q[0] - p[0]), int(q[1] - p[1]))[p[0], p[1]]
        for p, q in zip(path[:-1], path[1:])
    )
    assert paid == pytest.approx(toll)


@PROPS
@given(_rivers())
def test_solver_with_rivers_equals_scipy_on_the_geometric_graph(case):
    """Random going, relief and toll on a river: the solver equals scipy's Dijkstra on the graph
    whose edges are priced from the segment geometry (mean going of the crossed cells + toll)."""
    rng = case["rng"]
    ny, nx = case["shape"]
    n_classes = 3
    table = rng.uniform(0.5, 3.0, (n_classes, 5))
    ci = rng.integers(0, n_classes, (ny, nx)).astype(np.uint8)
    elev = (rng.integers(-3, 4, (ny, nx)) * 0.25 * case["cell_m"]).astype(np.float32)
    step = 0.5
    toll = np.float32(rng.uniform(0.5, 20.0) * case["cell_m"])
    enter = np.where(case["river"], toll, np.float32(0.0)).astype(np.float32)
    cell = case["cell_m"]
    model = CostModel(ci, table, -1.0, step, (cell, cell), elevation_m=elev, enter=enter)
    src = _source(case, "near") or (0, 0)
    got = find_costs(model, [src], stencil=case["stencil"]).cost

    # the reference graph, vectorised per offset
    n = ny * nx
    idx = np.arange(n).reshape(ny, nx)
    rows, cols, weights = [], [], []
    for di, dj in offsets(case["stencil"]):
        di, dj = int(di), int(dj)
        length = math.hypot(di * cell, dj * cell)
        toll_k = reference_tolls(enter, di, dj)
        r0, r1 = max(0, -di), ny - max(0, di)
        c0, c1 = max(0, -dj), nx - max(0, dj)
        p = (slice(r0, r1), slice(c0, c1))
        q = (slice(r0 + di, r1 + di), slice(c0 + dj, c1 + dj))
        t = (elev[q].astype(np.float64) - elev[p]) / length
        pos = (t - (-1.0)) / step
        chain = segment_chains(di, dj)[0]
        crossed = list(chain) if abs(di) == 2 or abs(dj) == 2 else [(0, 0), (di, dj)]
        i0 = np.clip(np.floor(pos), 0, 3).astype(int)
        frac = np.clip(pos - i0, 0.0, 1.0)
        total = 0.0
        for a, b in crossed:  # linear interpolation in each crossed cell's row of the table
            k = ci[r0 + a:r1 + a, c0 + b:c1 + b]
            total = total + table[k, i0] * (1 - frac) + table[k, i0 + 1] * frac
        w = length * total / len(crossed) + toll_k[p]
        ok = (pos >= -1e-9) & (pos <= 4 + 1e-9) & np.isfinite(w)
        rows.append(idx[p][ok])
        cols.append(idx[q][ok])
        weights.append(w[ok])
    graph = scipy.sparse.csr_matrix(
        (np.concatenate(weights), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n))
    ref = dijkstra(graph, directed=True, indices=src[0] * nx + src[1]).reshape(ny, nx)
    np.testing.assert_array_equal(np.isinf(got), np.isinf(ref))
    np.testing.assert_allclose(got, ref, rtol=1e-9, atol=1e-9 * cell)


# ----------------------------------------------------------------------------------------------
# The crossings of a path, priced per vehicle by the kernel's toll
# ----------------------------------------------------------------------------------------------


def _river_terrain(width: int = 3):
    """Flat steppe 20 x 30 cells of 1 km; a MEDIUM river ``width`` cells wide down column 10 and
    a MAJOR one down column 20."""
    import xarray as xr

    from logistics.terrain.classes import RiverClass, TerrainClass

    ny, nx = 20, 30
    rc = np.zeros((ny, nx), np.uint8)
    rc[:, 10:10 + width] = RiverClass.MEDIUM
    rc[:, 20] = RiverClass.MAJOR
    return xr.Dataset(
        {"elevation_m": (("y", "x"), np.full((ny, nx), 500.0, np.float32)),
         "terrain_class": (("y", "x"), np.full((ny, nx), TerrainClass.STEPPE, np.uint8)),
         "river_class": (("y", "x"), rc)},
        coords={"x": np.arange(nx) * 1000.0, "y": (ny - np.arange(ny)) * 1000.0},
    )


@pytest.mark.parametrize("stencil", [8, 16])
def test_river_crossings_lists_each_river_once_with_every_vehicles_price(stencil):
    from logistics.cost.route import evaluate_path, river_crossings
    from logistics.cost.solver import find_costs, traceback
    from logistics.cost.physics import build_cost_model

    terrain = _river_terrain()
    model = build_cost_model(terrain, "T-34-85", objective="time")
    path = traceback(find_costs(model, [(3, 2)], stencil=stencil), (17, 25))
    out = river_crossings(terrain, path, ["T-34-85", "ZIS-5", "foot"])
    # the path crosses the 3-cell MEDIUM river once, then the MAJOR one
    assert list(out.river) == ["MEDIUM", "MAJOR"]
    # parameters.md §3.4: a bridge of N2P ferries takes up to 45 min; the T-34 (1.0 m) fords the
    # MEDIUM river (0.7 m assumed), the ZIS-5 (0.6 m) waits for the bridge, nobody fords MAJOR
    assert list(out["crossing_s_zis-5"]) == [45 * 60, 45 * 60]
    assert out["crossing_s_t-34-85"].iloc[1] == 45 * 60
    assert 0 < out["crossing_s_t-34-85"].iloc[0] < 45 * 60
    assert (out["crossing_l_foot-infantry"] == 0).all()
    # a crossing's price is what the route pays for that step, no more, no less
    dry = terrain.assign(river_class=terrain.river_class * 0)
    for v in ("T-34-85", "ZIS-5"):
        wet_t = evaluate_path(terrain, path, v)["time_s"].to_numpy()
        dry_t = evaluate_path(dry, path, v)["time_s"].to_numpy()
        extra = wet_t - dry_t
        vid = "t-34-85" if v == "T-34-85" else "zis-5"
        np.testing.assert_allclose(extra[out.step], out[f"crossing_s_{vid}"], rtol=1e-6)
        assert np.count_nonzero(extra > 1e-6) == len(out)
        assert out.cum_km.is_monotonic_increasing


def test_a_path_without_rivers_has_no_crossings():
    from logistics.cost.route import CROSSING_COLUMNS, river_crossings

    terrain = _river_terrain()
    out = river_crossings(terrain, [(0, 0), (0, 1), (1, 2)], "T-34-85")
    assert len(out) == 0 and tuple(out.columns[:len(CROSSING_COLUMNS)]) == CROSSING_COLUMNS


def test_where_rivers_meet_each_river_is_paid_in_full():
    """A MEDIUM tributary joins a MAJOR river: a path from dry land down the tributary's cells
    into the main river pays the tributary's crossing, then the main river's in full (two
    rivers, two crossings; with the old rise rule it paid only the difference for the main
    river); both are listed."""
    from logistics.cost.physics import build_cost_model, river_crossing
    from logistics.cost.route import river_crossings
    from logistics.terrain.classes import RiverClass

    terrain = _river_terrain()
    rc = terrain.river_class.values.copy()
    rc[:, 10:13] = 0
    rc[:10, 10] = RiverClass.MEDIUM  # the tributary runs into the main river at (9, 19)
    rc[9, 10:20] = RiverClass.MEDIUM
    terrain = terrain.assign(river_class=(("y", "x"), rc))
    path = np.array([(8, 17), (9, 18), (9, 19), (9, 20), (9, 21)])  # from dry land
    out = river_crossings(terrain, path, "T-34-85")
    medium_s, _ = river_crossing("T-34-85", RiverClass.MEDIUM)
    major_s, _ = river_crossing("T-34-85", RiverClass.MAJOR)
    assert list(out.river) == ["MEDIUM", "MAJOR"]
    np.testing.assert_allclose(out["crossing_s_t-34-85"], [medium_s, major_s], rtol=1e-6)
    model = build_cost_model(terrain, "T-34-85")
    assert model.enter[9, 19] < model.enter[9, 20] == pytest.approx(major_s)


# ----------------------------------------------------------------------------------------------
# A change of river pays the new river in full (the creek beside the Amur)
# ----------------------------------------------------------------------------------------------


def _east_steps(enter, river):
    """Kernel tolls (edge cost minus 1 m of going) of the east moves along a 1-row grid."""
    enter = np.asarray([enter], np.float32)
    m = CostModel(np.zeros(enter.shape, np.uint8), np.array([[1.0]]), 0.0, 1.0, (1.0, 1.0),
                  enter=enter, river=np.asarray([river], np.uint8))
    east = int(np.flatnonzero((OFFSETS_16 == (0, 1)).all(axis=1))[0])
    n = enter.shape[1] - 1
    return edge_costs(m, [0] * n, list(range(n)), [east] * n) - 1.0


def test_stepping_from_a_creek_into_another_river_of_equal_price_pays_it_in_full():
    # dry, creek (code 4), major river (code 1), dry: both rivers cost one 45 min bridge wait
    np.testing.assert_allclose(_east_steps([0, 2700, 2700, 0], [0, 4, 1, 0]), [2700, 2700, 0])
    # a cheaper river after a dearer one pays its own price, not nothing
    np.testing.assert_allclose(_east_steps([0, 2700, 600, 0], [0, 1, 3, 0]), [2700, 600, 0])
    # and a dearer one after a cheaper one its whole price, not the difference
    np.testing.assert_allclose(_east_steps([0, 600, 2700, 0], [0, 3, 1, 0]), [600, 2700, 0])


def test_moving_along_one_river_pays_once():
    """Cells of one river (one code, one price) are one crossing: entering pays, moving along or
    leaving does not (so a route running down a river's cells is not charged per cell)."""
    np.testing.assert_allclose(_east_steps([0, 50, 50, 50, 0], [0, 2, 2, 2, 0]),
                               [50, 0, 0, 0])


def test_a_diagonal_move_pays_the_cheaper_way_round_the_corner_by_rivers():
    """(0, 0) -> (1, 1) with a creek at (0, 1) and a major river at (1, 1): round (1, 0) it pays
    the major river only; round (0, 1) the creek and the major river: it pays the cheaper."""
    enter = np.array([[0.0, 100.0], [0.0, 100.0]], np.float32)
    river = np.array([[0, 4], [0, 1]], np.uint8)
    m = CostModel(np.zeros((2, 2), np.uint8), np.array([[1.0]]), 0.0, 1.0, (1.0, 1.0),
                  enter=enter, river=river)
    k = int(np.flatnonzero((OFFSETS_16 == (1, 1)).all(axis=1))[0])
    assert edge_costs(m, [0], [0], [k])[0] == pytest.approx(math.sqrt(2) + 100.0)
    river[1, 0], enter[1, 0] = 4, 100.0  # the creek on both sides: both ways pay twice
    m = CostModel(m.class_index, m.table, 0.0, 1.0, (1.0, 1.0), enter=enter, river=river)
    assert edge_costs(m, [0], [0], [k])[0] == pytest.approx(math.sqrt(2) + 200.0)


def _creek_beside_major(rivers: bool = True):
    """Flat steppe 20 x 30 cells of 1 km: an INTERMITTENT creek down column 14 right beside a
    MAJOR river down column 15 (no gap: the creek's cells touch the river's); no river at all
    when ``rivers`` is False."""
    from logistics.terrain.classes import RiverClass

    terrain = _river_terrain()
    rc = np.zeros(terrain.river_class.shape, np.uint8)
    if rivers:
        rc[:, 14] = RiverClass.INTERMITTENT
        rc[:, 15] = RiverClass.MAJOR
    return terrain.assign(river_class=(("y", "x"), rc))


@pytest.mark.parametrize("stencil", [8, 16])
def test_in_the_wet_a_creek_beside_a_major_river_does_not_make_the_river_free(stencil):
    """Wet season, ZIS-5 (fording 0.6 m): the creek (0.3 m + 1 m of rain) and the major river
    both need the 45 min bridge wait (parameters.md §3.4). Every cell beyond both pays both,
    and the path's crossings list both, each at its full price."""
    from logistics.cost.physics import BRIDGE_WAIT_S, build_cost_model, river_crossing
    from logistics.cost.route import river_crossings
    from logistics.terrain.classes import RiverClass

    for rc in (RiverClass.INTERMITTENT, RiverClass.MAJOR):
        assert river_crossing("ZIS-5", rc, season="wet")[0] == BRIDGE_WAIT_S
    terrain = _creek_beside_major()
    dry_land = _creek_beside_major(False)
    wet = build_cost_model(terrain, "ZIS-5", season="wet")
    none = build_cost_model(dry_land, "ZIS-5", season="wet")
    src = (6, 3)
    acc = find_costs(wet, [src], stencil=stencil)
    extra = acc.cost[:, 16:] - find_costs(none, [src], stencil=stencil).cost[:, 16:]
    assert extra.min() >= 2 * BRIDGE_WAIT_S * (1 - 1e-6), "the major river was crossed free"
    np.testing.assert_allclose(extra[6], 2 * BRIDGE_WAIT_S, rtol=1e-6)  # straight east
    out = river_crossings(terrain, traceback(acc, (6, 25)), "ZIS-5", season="wet")
    assert list(out.river) == ["INTERMITTENT", "MAJOR"]
    np.testing.assert_allclose(out["crossing_s_zis-5"], [BRIDGE_WAIT_S, BRIDGE_WAIT_S])
