"""WhiteboxTools' ``cost_distance`` (whitebox-workflows) as a benchmark peer: its rule, found on
grids with known answers, and its costs equal to ours cell for cell.

Skipped when whitebox-workflows is not installed (it is no dependency; .ci/run installs it).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

wb = pytest.importorskip("whitebox_workflows")

from logistics.cost import bench, bench_whitebox  # noqa: E402
from logistics.cost.model import BARRIER_CLASS, CostModel  # noqa: E402
from logistics.cost.solver import find_costs  # noqa: E402


def _cost_distance(tmp_path, cost: np.ndarray, source: tuple[int, int],
                   cellsize_m: tuple[float, float]) -> np.ndarray:
    """Whitebox's raw accumulated cost of ``cost`` (nan = barrier) from one source cell."""
    values = np.where(np.isnan(cost), bench_whitebox._NODATA, cost)
    src = np.zeros(cost.shape, dtype=np.uint8)
    src[source] = 1
    bench_whitebox._write_tif(tmp_path / "cost.tif", values, cellsize_m, bench_whitebox._NODATA)
    bench_whitebox._write_tif(tmp_path / "source.tif", src, cellsize_m, None)
    wbe = wb.WbEnvironment()
    acc, _ = wbe.cost_distance(source=wbe.read_raster(str(tmp_path / "source.tif")),
                               cost=wbe.read_raster(str(tmp_path / "cost.tif")))
    return acc.to_numpy(dtype="float64")


def test_its_rule_is_the_mean_of_the_two_cells_times_the_move_length_in_map_units(tmp_path):
    """Costs 1..9 on cells 10 m wide and 20 m tall, source in the centre (cost 5): every
    neighbour is reached by its direct move (the detours are dearer), priced (5 + c) / 2 times
    10 m (east, west), 20 m (north, south) or sqrt(10^2 + 20^2) m (diagonals)."""
    cost = np.arange(1.0, 10.0).reshape(3, 3)
    acc = _cost_distance(tmp_path, cost, (1, 1), (10.0, 20.0))
    length_m = np.array([[np.hypot(10, 20), 20.0, np.hypot(10, 20)],
                         [10.0, 0.0, 10.0],
                         [np.hypot(10, 20), 20.0, np.hypot(10, 20)]])
    np.testing.assert_allclose(acc, (5.0 + cost) / 2.0 * length_m, rtol=1e-15)
    assert acc[0, 0] == pytest.approx(67.0820393249937)  # (5 + 1) / 2 * sqrt(500)


def test_it_finds_the_cheapest_path_round_walls_in_float64(tmp_path):
    """A serpentine maze (walls with one gap each, alternating ends) of random float64 costs on
    rectangular cells: the long detours must give our isotropic 8-neighbour costs exactly (its
    sums are float64, as ours), walls nodata, every open cell reached."""
    rng = np.random.default_rng(1)
    n = 80
    ci = rng.integers(0, 250, (n, n)).astype(np.uint8)
    for r in range(10, n - 5, 10):
        ci[r, :] = BARRIER_CLASS
        gap = 3 if (r // 10) % 2 else n - 4
        ci[r, gap:gap + 2] = 0
    table = rng.uniform(0.05, 3.0, 250)
    cell = (25.0, 40.0)
    ours = find_costs(CostModel(ci, table[:, None], 0.0, 1.0, cell, units="s"), [(5, 40)],
                      stencil=8).cost
    cost = np.where(ci == BARRIER_CLASS, np.nan, table[np.minimum(ci, 249)])
    acc = _cost_distance(tmp_path, cost, (5, 40), cell)
    walls = ci == BARRIER_CLASS
    assert (acc[walls] == bench_whitebox._NODATA).all()
    assert np.isfinite(ours[~walls]).all()
    assert ours[~walls].max() > 20 * ours[6, 40]  # the far end is many detours away
    np.testing.assert_array_equal(acc[~walls], ours[~walls])


def test_engine_equals_ours_cell_for_cell_pockets_included():
    """whitebox-costdist-iso8 on the benchmark's grid gives ours-iso8's costs (no scaling: map
    units are metres, costs s/m); a passable cell walled in by lakes comes out of Whitebox as
    the finite 2**31 - 2, not nodata, which the engine reads as unreachable (inf) as ours."""
    grid = bench.make_grid(60 * 60, seed=4)
    ci = grid.class_index.copy()
    ci[1:4, 1:4] = BARRIER_CLASS
    ci[2, 2] = 0  # a steppe pocket in a ring of lake
    grid = dataclasses.replace(grid, class_index=ci)
    ours = bench.ENGINES["ours-iso8"].run_once(grid)
    engine = bench.ENGINES["whitebox-costdist-iso8"]
    theirs = engine.run_once(grid)
    diff, mismatched = bench._max_rel_diff(theirs, ours)
    assert mismatched == 0 and diff <= 1e-12
    assert np.isinf(theirs[ci == BARRIER_CLASS]).all() and np.isinf(theirs[2, 2])
    assert np.isfinite(theirs).mean() > 0.9
    state = engine.prepare(grid)
    try:
        out = engine.solve(state)  # held: deleting it drops its rasters from Whitebox's memory
        raw = out.accumulated.to_numpy(dtype="float64")
        del out
    finally:
        engine.close(state)
    assert raw[2, 2] == bench_whitebox.UNREACHED == 2147483646.0
    assert raw[grid.source] == 0.0
