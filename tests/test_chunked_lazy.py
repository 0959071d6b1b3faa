"""A lazily loaded shipped terrain, costed block by block, solves like the eager whole grid."""

from __future__ import annotations

import numpy as np
import pytest

from logistics.cost.chunked import find_costs_chunked, lazy_cost_model
from logistics.cost.physics import build_cost_model
from logistics.cost.solver import find_costs
from logistics.errors import ConfigError
from logistics.terrain import load_terrain

#: Around Harbin: the Sungari and its tributaries give river-crossing (``enter``) costs.
_BBOX = (126.0, 45.3, 127.0, 46.0)


@pytest.fixture(scope="module")
def lazy_terrain():
    return load_terrain(_BBOX, resolution_m=4000, chunks=8)


def test_lazy_model_fields_equal_the_eager_build_and_solve_alike(lazy_terrain) -> None:
    eager = build_cost_model(lazy_terrain.compute(), "bt-7", objective="time", season="wet")
    lazy = lazy_cost_model(lazy_terrain, "bt-7", objective="time", season="wet")
    for name in ("class_index", "elevation_m", "enter", "river"):
        field = getattr(lazy, name)
        assert hasattr(field, "dask"), f"{name} should stay lazy"
        assert field.dtype == getattr(eager, name).dtype
        np.testing.assert_array_equal(np.asarray(field), getattr(eager, name))
    assert np.asarray(eager.enter).max() > 0  # the box really has river crossings
    np.testing.assert_array_equal(lazy.table, eager.table)
    assert (lazy.cellsize_m, lazy.units, lazy.grade_min) == (
        eager.cellsize_m, eager.units, eager.grade_min)

    src = tuple(np.argwhere(eager.class_index != 255)[0])
    acc = find_costs(eager, [src], stencil=16)
    res = find_costs_chunked(lazy, [src], chunks=9, stencil=16)
    cost = np.asarray(res.cost)
    np.testing.assert_array_equal(np.isinf(cost), np.isinf(acc.cost))
    fin = np.isfinite(acc.cost)
    np.testing.assert_allclose(cost[fin], acc.cost[fin], rtol=1e-12)


def test_blocks_of_one_cell_are_refused_with_the_fix(lazy_terrain) -> None:
    with pytest.raises(ConfigError, match="rechunk"):
        lazy_cost_model(lazy_terrain.chunk(1), "bt-7")


def test_the_cluster_recipe_emits_no_not_georeferenced_warning() -> None:
    """README's cluster recipe (load_terrain(chunks=...), lazy_cost_model, its fields computed
    on dask's threads) printed rasterio's NotGeoreferencedWarning although every block is
    rasterised with its transform: rasterio hides the warning of the in-memory dataset it
    builds before georeferencing it with warnings.catch_warnings, which one thread's exit
    undoes for another (logistics.terrain.grid)."""
    import warnings

    import dask
    from rasterio.errors import NotGeoreferencedWarning

    with warnings.catch_warnings(record=True) as caught:
        for _ in range(3):  # a race between threads: several tries to meet it on main
            terrain = load_terrain(_BBOX, resolution_m=4000, chunks=6)
            model = lazy_cost_model(terrain, "bt-7", objective="time", season="wet")
            with dask.config.set(scheduler="threads", num_workers=4):
                dask.compute(model.river, model.enter, model.class_index)
    assert not [w for w in caught if issubclass(w.category, NotGeoreferencedWarning)]
