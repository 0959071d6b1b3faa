"""The one door to the solvers (cost.accumulate) and the per-run cost-model cache (cost.models)."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from logistics import settings
from logistics.cost.accumulate import accumulate, choose_engine, cost_array, path
from logistics.cost.model import CostModel
from logistics.cost.models import CostModels
from logistics.cost.solver import find_costs
from logistics.errors import ConfigError, NoRouteError


def _ramp(ny: int = 9, nx: int = 11) -> CostModel:
    """Anisotropic toy model: 10 m cells rising 1 m a column east, two classes, a wall."""
    rng = np.random.default_rng(4)
    ci = rng.integers(0, 2, (ny, nx)).astype(np.uint8)
    ci[2:7, 5] = 255  # a wall with gaps at the top and bottom rows
    elev = np.broadcast_to(np.arange(nx, dtype=np.float32), (ny, nx)).copy()
    table = np.array([[1.0, 1.0, 2.0], [3.0, 3.0, 6.0]])  # per metre at grade -0.1, 0, +0.1
    return CostModel(ci, table, -0.1, 0.1, (10.0, 10.0), elevation_m=elev)


def _tiles(engine: str, chunks: int) -> dict:
    """``chunks=`` for the chunked engine only (the in-memory one refuses it)."""
    return {"chunks": chunks} if engine == "chunked" else {}


def test_flat_strip_by_hand_on_both_engines():
    m = CostModel(np.zeros((1, 4), np.uint8), np.array([[1.0]]), 0.0, 1.0, (10.0, 10.0))
    for engine in ("memory", "chunked"):
        acc = accumulate(m, [(0, 0)], engine=engine, **_tiles(engine, 2))
        np.testing.assert_array_equal(np.asarray(cost_array(acc)), [[0.0, 10.0, 20.0, 30.0]])
        assert path(acc, (0, 3)).tolist() == [[0, 0], [0, 1], [0, 2], [0, 3]]


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("stencil", [8, 16])
def test_both_engines_equal_the_in_memory_solver(stencil, reverse):
    m = _ramp()
    ref = find_costs(m, [(4, 0), (8, 10)], stencil=stencil, reverse=reverse,
                     start_costs=[0.0, 5.0])
    for engine in ("memory", "chunked"):
        acc = accumulate(m, [(4, 0), (8, 10)], stencil=stencil, reverse=reverse,
                         start_costs=[0.0, 5.0], engine=engine, **_tiles(engine, 4))
        np.testing.assert_allclose(np.asarray(cost_array(acc)), ref.cost, rtol=1e-12)
        cells = path(acc, (4, 9))
        assert acc.reverse == reverse and acc.stencil == stencil
        assert tuple(cells[-1 if not reverse else 0]) == (4, 9)


def test_unreachable_target_is_a_no_route_error_on_both_engines():
    m = CostModel(np.array([[0, 255, 0]], np.uint8), np.array([[1.0]]), 0.0, 1.0, (1.0, 1.0))
    for engine in ("memory", "chunked"):
        with pytest.raises(NoRouteError):
            path(accumulate(m, [(0, 0)], engine=engine, **_tiles(engine, 2)), (0, 2))


def test_auto_takes_memory_when_the_grid_fits_else_chunked(monkeypatch):
    m = _ramp()
    assert choose_engine(m) == "memory"
    monkeypatch.setattr(settings, "MAX_IN_MEMORY_CELLS", 9 * 11 - 1)  # read at call time
    assert choose_engine(m) == "chunked"
    monkeypatch.setattr(settings, "MAX_IN_MEMORY_CELLS", 10**9)
    monkeypatch.setattr(settings, "MEMORY_BUDGET_BYTES", 9 * 11 * 16 - 1)
    assert choose_engine(m) == "chunked"
    monkeypatch.setattr(settings, "MEMORY_BUDGET_BYTES", 9 * 11 * 16)
    assert choose_engine(m) == "memory"
    assert choose_engine(m, "chunked") == "chunked"


def test_auto_takes_chunked_for_a_lazy_model():
    import dask.array as da

    m = _ramp()
    lazy = CostModel(m.class_index, m.table, m.grade_min, m.grade_step, m.cellsize_m,
                     elevation_m=da.from_array(m.elevation_m, chunks=4))
    assert choose_engine(lazy) == "chunked"
    acc = accumulate(lazy, [(4, 0)], chunks=4)
    np.testing.assert_allclose(np.asarray(cost_array(acc)), find_costs(m, [(4, 0)]).cost)


def test_unknown_engine_names_the_choices():
    with pytest.raises(ConfigError, match="engine must be one of auto, memory, chunked"):
        accumulate(_ramp(), [(0, 0)], engine="gpu")


@pytest.mark.parametrize("engine", ["auto", "memory"])
def test_out_with_the_in_memory_solver_is_refused_not_dropped(engine, tmp_path):
    """``out=`` is the chunked solver's (a Zarr folder); the in-memory solver ignored it and
    the user found no file. The chunked engine still writes it."""
    with pytest.raises(ConfigError, match="needs the chunked engine.*fix: engine='chunked'"):
        accumulate(_ramp(), [(0, 0)], engine=engine, out=tmp_path / "x.zarr")
    assert not (tmp_path / "x.zarr").exists()
    acc = accumulate(_ramp(), [(0, 0)], engine="chunked", chunks=4, out=tmp_path / "x.zarr")
    assert (tmp_path / "x.zarr").is_dir()
    np.testing.assert_allclose(np.asarray(cost_array(acc)), find_costs(_ramp(), [(0, 0)]).cost)


@pytest.mark.parametrize("engine", ["auto", "memory"])
@pytest.mark.parametrize("arg, words", [
    ({"chunks": 4}, "chunks=4 needs the chunked engine, which solves the grid in tiles"),
    ({"client": "CLIENT"}, "client=<_Client> needs the chunked engine, which runs on that "
                           "dask cluster"),
])
def test_chunks_or_client_with_the_in_memory_solver_are_refused_not_ignored(engine, arg,
                                                                             words):
    """``chunks=`` and ``client=`` are the chunked solver's: with the in-memory solver picked
    they were dropped without a word (the solve ran in this process, untiled), as ``out=``
    was; now the same error as ``out=``'s, naming the fix."""
    class _Client:  # what accumulate checks a client by
        def scheduler_info(self):
            return {}

    arg = {k: (_Client() if v == "CLIENT" else v) for k, v in arg.items()}
    with pytest.raises(ConfigError) as err:
        accumulate(_ramp(), [(0, 0)], engine=engine, **arg)
    msg = str(err.value)
    assert words in msg and "fix: engine='chunked'" in msg, msg
    assert ("engine='auto' picked the in-memory solver" in msg) == (engine == "auto"), msg


def _terrain(ny: int = 6, nx: int = 7) -> xr.Dataset:
    shape = (ny, nx)
    return xr.Dataset(
        {"elevation_m": (("y", "x"), np.full(shape, 100.0, np.float32)),
         "terrain_class": (("y", "x"), np.full(shape, 1, np.uint8)),
         "river_class": (("y", "x"), np.zeros(shape, np.uint8))},
        coords={"x": np.arange(nx) * 1000.0, "y": (ny - np.arange(ny)) * 1000.0})


def test_cost_models_builds_each_distinct_model_once():
    terrain, other = _terrain(), _terrain()
    models = CostModels()
    a = models.get(terrain, "t-34-85", objective="time", season="dry")
    assert models.get(terrain, "T-34-85", objective="time", season="dry") is a  # alias, same
    models.get(terrain, "t-34-85", objective="fuel", season="dry")
    models.get(terrain, "t-34-85", objective="time", season="wet")
    models.get(other, "t-34-85", objective="time", season="dry")  # another grid
    assert (models.builds, models.requests, len(models)) == (4, 5, 4)
