"""The chunked solver equals the in-memory one, cell for cell, on random grids and tilings.

Reference: :func:`logistics.cost.solver.find_costs` on the whole grid. Paths are priced with the
kernel's ``edge_costs`` (the one edge-cost function), so "valid path" means each step is a stencil
move and the steps sum to the accumulated cost.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import logistics.cost.chunked._driver as driver
from logistics._atomic import atomic_dir
from logistics.cost.chunked._tiles import edge_bands, read_ring
from logistics.cost.chunked import (
    find_costs_chunked,
    open_chunked,
    tile_memory_bytes,
    traceback_chunked,
)
from logistics.cost.kernel import edge_costs
from logistics.cost.model import BARRIER_CLASS, CostModel
from logistics.cost.solver import find_costs
from logistics.cost.stencil import OFFSETS_16
from logistics.errors import ConfigError, ExtentError, NoRouteError, ResourceError


def _random_model(seed: int, shape: tuple[int, int], *, extras: bool = True) -> CostModel:
    """Anisotropic model: 3 classes, grades -0.5..0.5, ~10 % barriers, optional scale/enter."""
    rng = np.random.default_rng(seed)
    ci = rng.integers(0, 3, shape).astype(np.uint8)
    ci[rng.random(shape) < 0.1] = BARRIER_CLASS
    table = rng.uniform(0.5, 2.0, (3, 5))
    table[0, 0] = np.inf  # class 0 cannot go steeply downhill: one-way moves
    elev = rng.uniform(0, 4, shape).astype(np.float32)  # 10 m cells: grades up to 0.4
    scale = enter = None
    if extras and rng.random() < 0.5:
        scale = rng.uniform(0.5, 2.0, shape).astype(np.float32)
        scale[rng.random(shape) < 0.03] = np.nan
    if extras and rng.random() < 0.5:
        enter = rng.uniform(0, 3, shape).astype(np.float32)
    return CostModel(ci, table, -0.5, 0.25, (10.0, 12.0), elevation_m=elev, scale=scale,
                     enter=enter)


def _passable(model: CostModel, barriers=None) -> np.ndarray:
    ok = model.class_index != BARRIER_CLASS
    if model.scale is not None:
        ok &= np.isfinite(model.scale)
    if barriers is not None:
        ok &= ~barriers
    return ok


def _assert_equal_costs(result, acc) -> None:
    cost = np.asarray(result.cost)
    assert cost.shape == acc.cost.shape
    np.testing.assert_array_equal(np.isinf(cost), np.isinf(acc.cost))
    fin = np.isfinite(acc.cost)
    np.testing.assert_allclose(cost[fin], acc.cost[fin], rtol=1e-12, atol=0)


def _assert_valid_path(result, model, path, target, sources, start_costs, barriers=None) -> None:
    """Consecutive cells are stencil moves, priced the kernel's way they sum to cost[target]."""
    path = np.asarray(path)
    steps = np.diff(path, axis=0)
    k = np.array([np.flatnonzero((OFFSETS_16[: result.stencil] == s).all(axis=1))[0] for s in steps],
                 dtype=np.int64)
    if barriers is not None:
        model = CostModel(np.where(barriers, 255, model.class_index).astype(np.uint8), model.table,
                          model.grade_min, model.grade_step, model.cellsize_m, model.elevation_m,
                          model.scale, model.enter)
    spent = edge_costs(model, path[:-1, 0], path[:-1, 1], k).sum()
    end = tuple(path[-1] if result.reverse else path[0])
    assert tuple(path[0] if result.reverse else path[-1]) == tuple(target)
    starts = {tuple(s): c for s, c in zip(map(tuple, sources), start_costs)}
    assert end in starts
    total = float(np.asarray(result.cost)[tuple(target)])
    assert spent + starts[end] == pytest.approx(total, rel=1e-9, abs=1e-9)


@st.composite
def _cases(draw):
    ny, nx = draw(st.integers(1, 14)), draw(st.integers(1, 14))
    th, tw = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    seed = draw(st.integers(0, 2**16))
    n_src = draw(st.integers(1, 3))
    cells = draw(st.lists(st.tuples(st.integers(0, ny - 1), st.integers(0, nx - 1)),
                          min_size=n_src, max_size=n_src, unique=True))
    starts = draw(st.lists(st.sampled_from([0.0, 0.0, 3.5, 40.0]), min_size=n_src,
                           max_size=n_src))
    return (ny, nx), (th, tw), seed, cells, starts, draw(st.sampled_from([8, 16])), draw(st.booleans())


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(_cases())
def test_chunked_equals_in_memory_on_random_grids(case) -> None:
    shape, tile, seed, cells, starts, stencil, reverse = case
    model = _random_model(seed, shape)
    ok = _passable(model)
    keep = [i for i, c in enumerate(cells) if ok[c]]
    if not keep:
        return
    sources = [cells[i] for i in keep]
    start_costs = [starts[i] for i in keep]
    acc = find_costs(model, sources, start_costs=start_costs, stencil=stencil, reverse=reverse)
    res = find_costs_chunked(model, sources, start_costs=start_costs, chunks=tile,
                             stencil=stencil, reverse=reverse)
    _assert_equal_costs(res, acc)
    assert res.stats.n_tiles == -(-shape[0] // tile[0]) * -(-shape[1] // tile[1])
    reached = np.argwhere(np.isfinite(acc.cost))
    target = tuple(reached[seed % len(reached)])
    path = traceback_chunked(res, target)
    _assert_valid_path(res, model, path, target, sources, start_costs)


def _maze(n: int = 24) -> np.ndarray:
    """Walls on every third row, each with one gap at alternating ends: a snake of a path."""
    wall = np.zeros((n, n), dtype=bool)
    for k, r in enumerate(range(2, n, 3)):
        wall[r, :] = True
        wall[r, (n - 1) if k % 2 == 0 else 0] = False
    return wall


@pytest.mark.parametrize("stencil", [8, 16])
def test_snake_through_many_tiles_is_exact_and_revisits_tiles(stencil) -> None:
    n = 24
    model = _random_model(7, (n, n), extras=False)
    model = CostModel(np.zeros((n, n), np.uint8), model.table, model.grade_min, model.grade_step,
                      model.cellsize_m, elevation_m=model.elevation_m)
    wall = _maze(n)
    acc = find_costs(model, [(0, 0)], stencil=stencil, barriers=wall)
    res = find_costs_chunked(model, [(0, 0)], chunks=(4, 5), stencil=stencil, barriers=wall)
    _assert_equal_costs(res, acc)
    # the snake leaves and re-enters the same tiles: label-correcting must re-solve them
    assert res.stats.tile_solves > res.stats.n_tiles
    assert res.stats.max_solves_per_tile >= 2
    target = (n - 1, n - 1) if not wall[n - 1, n - 1] else (n - 2, n - 1)
    path = traceback_chunked(res, target)
    assert len(path) > 4 * n  # it really snakes
    _assert_valid_path(res, model, path, target, [(0, 0)], [0.0], barriers=wall)


def test_barrier_cutting_tiles_in_two_one_row_chunks_and_reverse() -> None:
    n = 15
    model = _random_model(3, (n, n))
    wall = np.zeros((n, n), dtype=bool)
    wall[np.arange(n), np.arange(n)] = True  # a diagonal wall through every tile...
    wall[7, 7] = False  # ...with one gap
    sources = [(0, n - 1), (n - 1, 0)]
    sources = [s for s in sources if _passable(model, wall)[s]]
    for chunks in [(1, n), (n, 1), (1, 1), (4, 4)]:
        for reverse in (False, True):
            acc = find_costs(model, sources, stencil=16, reverse=reverse, barriers=wall)
            res = find_costs_chunked(model, sources, chunks=chunks, stencil=16, reverse=reverse,
                                     barriers=wall)
            _assert_equal_costs(res, acc)


def test_lazy_dask_fields_not_aligned_with_tiles() -> None:
    da = pytest.importorskip("dask.array")
    model = _random_model(11, (30, 23))
    lazy = CostModel(
        da.from_array(model.class_index, chunks=(7, 9)), model.table, model.grade_min,
        model.grade_step, model.cellsize_m,
        elevation_m=da.from_array(model.elevation_m, chunks=(11, 5)),
        scale=None if model.scale is None else da.from_array(model.scale, chunks=13),
        enter=None if model.enter is None else da.from_array(model.enter, chunks=13),
    )
    src = tuple(np.argwhere(_passable(model))[0])
    acc = find_costs(model, [src], stencil=16)
    res = find_costs_chunked(lazy, [src], chunks=(8, 6), stencil=16)
    _assert_equal_costs(res, acc)


def test_out_store_is_written_atomically_and_reopens(tmp_path) -> None:
    model = _random_model(5, (12, 13))
    src = tuple(np.argwhere(_passable(model))[0])
    out = tmp_path / "cost.zarr"
    with atomic_dir(out) as tmp:  # an earlier output (a user's own folder is never replaced)
        (tmp / "old.txt").write_text("previous run")
    res = find_costs_chunked(model, [src], chunks=5, out=out)
    assert not (out / "old.txt").exists()
    again = open_chunked(out)
    assert again.stats == res.stats and again.tile == (5, 5) and again.units == "s"
    np.testing.assert_array_equal(np.asarray(again.cost), find_costs(model, [src]).cost)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cost.zarr"]  # no temp folders left


def test_cancelled_run_leaves_no_output_and_keeps_the_old_one(tmp_path, monkeypatch) -> None:
    model = _random_model(6, (20, 20))
    src = tuple(np.argwhere(_passable(model))[0])
    out = tmp_path / "cost.zarr"
    with atomic_dir(out) as tmp:  # an earlier output (a user's own folder is never replaced)
        (tmp / "old.txt").write_text("previous run")
    real, calls = driver.solve_tile, []

    def cancel_after_three(job):
        calls.append(job.tile)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(job)

    monkeypatch.setattr(driver, "solve_tile", cancel_after_three)
    with pytest.raises(KeyboardInterrupt):
        find_costs_chunked(model, [src], chunks=4, out=out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cost.zarr"]
    assert (out / "old.txt").read_text() == "previous run"
    calls.clear()
    with pytest.raises(KeyboardInterrupt):
        find_costs_chunked(model, [src], chunks=4, out=tmp_path / "new.zarr")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cost.zarr"]


def test_failing_lazy_input_leaves_no_output(broken_tile, tmp_path) -> None:
    pytest.importorskip("dask.array")
    model = _random_model(8, (16, 16), extras=False)
    lazy = broken_tile(model, chunks=8)
    src = tuple(np.argwhere(_passable(model))[0])
    with pytest.raises(OSError, match="simulated"):
        find_costs_chunked(lazy, [src], chunks=8, out=tmp_path / "cost.zarr")
    assert list(tmp_path.iterdir()) == []


def test_bad_inputs_raise_one_clear_project_error(tmp_path) -> None:
    model = _random_model(9, (10, 10), extras=False)
    free = tuple(np.argwhere(_passable(model))[0])
    wall = tuple(np.argwhere(~_passable(model))[0])
    for bad in (0, -3, "big", (4, 0), (1, 2, 3), 2.5):
        with pytest.raises(ConfigError, match="chunks"):
            find_costs_chunked(model, [free], chunks=bad)
    with pytest.raises(ExtentError, match="outside the grid"):
        find_costs_chunked(model, [(10, 0)], chunks=4)
    with pytest.raises(NoRouteError, match="barrier"):
        find_costs_chunked(model, [wall], chunks=4)
    with pytest.raises(ConfigError, match="sources"):
        find_costs_chunked(model, [(1.5, 2)], chunks=4)
    with pytest.raises(ConfigError, match="stencil"):
        find_costs_chunked(model, [free], chunks=4, stencil=4)
    flat = CostModel(np.zeros((10, 10), np.uint8), np.array([[1.0]]), 0.0, 1.0, (10.0, 10.0))
    wall_col = np.zeros((10, 10), dtype=bool)
    wall_col[:, 5] = True
    res = find_costs_chunked(flat, [(0, 0)], chunks=4, barriers=wall_col)
    with pytest.raises(NoRouteError, match="cannot be reached"):
        traceback_chunked(res, (9, 9))
    with pytest.raises(ExtentError):
        traceback_chunked(res, (10, 10))
    with pytest.raises(ConfigError, match="not a store"):
        open_chunked(tmp_path / "nothing.zarr")


def test_chunks_too_large_for_memory_say_what_fits() -> None:
    da = pytest.importorskip("dask.array")
    shape = (400_000, 400_000)  # lazy: nothing is allocated
    model = CostModel(da.zeros(shape, dtype=np.uint8, chunks=50_000), np.array([[1.0]]), 0.0,
                      1.0, (100.0, 100.0), elevation_m=da.zeros(shape, dtype=np.float32, chunks=50_000))
    with pytest.raises(ResourceError, match=r"chunks up to about \d+ x \d+ cells fit"):
        find_costs_chunked(model, [(0, 0)], chunks=200_000)
    assert tile_memory_bytes(model, (1000, 1000)) == 1002 * 1002 * (64 + 1 + 4)  # halo 1


def test_read_ring_matches_the_core_it_summarises() -> None:
    """Edge bands give back every cell within the halo of a core edge, for tiny cores too."""
    rng = np.random.default_rng(0)
    for h in (1, 2):
        for th, tw in [(1, 1), (1, 5), (3, 2), (6, 7)]:
            core_vals = rng.random((th, tw))
            core = (10, 10 + th, 20, 20 + tw)
            bands = edge_bands(core_vals, h)
            rows = np.arange(th)
            cols = np.arange(tw)
            edge = (np.minimum(rows, th - 1 - rows)[:, None] < h) | (
                np.minimum(cols, tw - 1 - cols)[None, :] < h)
            for r, c in np.argwhere(edge):
                got = read_ring(bands, core, (10 + r, 11 + r, 20 + c, 21 + c))
                assert got[0, 0] == core_vals[r, c]


def test_late_cheaper_arrival_relowers_a_whole_tile() -> None:
    """A tile first reached through a costly edge is re-solved far beyond its first margin.

    Four 40 x 40 tiles, source top-left. The top-right tile reaches the bottom-right tile (T)
    early, but entering T's top row costs 5000; the bottom-left tile is reached late (through a
    slow band), yet enters T cheaply, so it lowers every cell of T, 40 columns from its edge.
    Two barrier cells stop T's first solve from slipping round the corner through its halo.
    """
    n = 80
    ci = np.zeros((n, n), np.uint8)
    ci[37:40, 0:42] = 1  # slow band between the source tile and the bottom-left tile
    ci[40:42, 38:40] = BARRIER_CLASS
    enter = np.zeros((n, n), np.float32)
    enter[40, 40:] = 5000.0
    model = CostModel(ci, np.array([[1.0], [20.0]]), 0.0, 1.0, (10.0, 10.0), enter=enter)
    acc = find_costs(model, [(0, 0)])
    res = find_costs_chunked(model, [(0, 0)], chunks=40)
    _assert_equal_costs(res, acc)
    assert res.stats.max_solves_per_tile >= 2
    assert np.isfinite(acc.cost[79, 79]) and acc.cost[79, 79] < 5000


def test_fields_in_npy_files_are_read_window_by_window(tmp_path) -> None:
    """np.memmap fields (np.load(mmap_mode="r")) are read from their files, not staged."""
    from logistics.cost.chunked._inputs import FileMapSource, file_map

    model = _random_model(12, (21, 17))
    src = tuple(np.argwhere(_passable(model))[0])
    maps = {}
    for name in ("class_index", "elevation_m", "scale", "enter"):
        if getattr(model, name) is not None:
            np.save(tmp_path / f"{name}.npy", getattr(model, name))
            maps[name] = np.load(tmp_path / f"{name}.npy", mmap_mode="r")
    on_disk = CostModel(maps["class_index"], model.table, model.grade_min, model.grade_step,
                        model.cellsize_m, elevation_m=maps["elevation_m"],
                        scale=maps.get("scale"), enter=maps.get("enter"))
    assert file_map(maps["elevation_m"]) is not None
    assert file_map(maps["elevation_m"][1:, :]) is None  # a view: its file offset differs
    window = FileMapSource({"e": file_map(maps["elevation_m"])}).window((3, 9, 2, 7))
    np.testing.assert_array_equal(window["e"], model.elevation_m[3:9, 2:7])
    for reverse in (False, True):
        acc = find_costs(model, [src], stencil=16, reverse=reverse)
        res = find_costs_chunked(on_disk, [src], chunks=(6, 5), stencil=16, reverse=reverse,
                                 scratch=tmp_path)
        _assert_equal_costs(res, acc)
