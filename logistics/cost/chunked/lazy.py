"""A CostModel whose per-cell fields stay lazy: the vehicle physics applied block by block.

:func:`logistics.cost.physics.build_cost_model` reads the whole terrain into memory. For a grid
larger than memory, open the terrain lazily (``load_terrain(..., chunks=N)``) and call
:func:`lazy_cost_model` instead: it runs the same ``build_cost_model`` on each dask block (the
rule is per cell, so every block agrees with the whole grid), and the chunked solver then pulls
only the tiles it solves. Nothing here repeats the physics.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from logistics.cost.model import CostModel
from logistics.errors import ConfigError, DataError

__all__ = ["lazy_cost_model"]

#: Terrain variables the physics reads per cell (``river_class``, ``subgrid_grade`` optional).
_INPUTS: tuple[str, ...] = ("elevation_m", "terrain_class", "river_class", "subgrid_grade")


def _block_field(*blocks: np.ndarray, names: tuple[str, ...], field: str, x_m: np.ndarray,
                 y_m: np.ndarray, attrs: dict, vehicle: Any, options: dict,
                 block_info: Any = None) -> np.ndarray:
    """One block of one CostModel field: build_cost_model on the block's own Dataset."""
    import xarray as xr

    from logistics.cost.physics import build_cost_model

    (r0, r1), (c0, c1) = block_info[None]["array-location"]
    block = xr.Dataset(
        {n: (("y", "x"), b) for n, b in zip(names, blocks)},
        coords={"y": y_m[r0:r1], "x": x_m[c0:c1]},
        attrs=attrs,
    )
    value = getattr(build_cost_model(block, vehicle, **options), field)
    if value is None:  # no entry cost in this block (e.g. no river): 0 adds nothing
        value = np.zeros((r1 - r0, c1 - c0), dtype=np.uint8 if field == "river" else np.float32)
    return value


def lazy_cost_model(terrain: Any, vehicle: Any, **options: Any) -> CostModel:
    """``build_cost_model(terrain, vehicle, **options)`` with dask-backed per-cell fields.

    ``terrain`` is a chunked Dataset from ``load_terrain(..., chunks=N)`` (blocks of at least
    2 x 2 cells); ``options`` are build_cost_model's (objective, season, ...). The table, grade
    axis, cell size, units and provenance come from the same function run on a 2 x 2 corner;
    ``class_index``, ``elevation_m``, ``enter`` (zeros where no entry cost) and ``river`` (its
    river codes, zeros there too) are dask arrays built per block, to be solved with
    :func:`find_costs_chunked`.
    """
    import dask.array as da

    from logistics.cost.physics import build_cost_model

    names = tuple(n for n in _INPUTS if n in terrain)
    if "elevation_m" not in names or "terrain_class" not in names:
        raise DataError(
            f"terrain lacks elevation_m/terrain_class (has {sorted(terrain.data_vars)}); pass the "
            "Dataset of logistics.terrain.load_terrain(..., chunks=N)"
        )
    arrays = [da.asarray(terrain[n].data) for n in names]
    chunks = arrays[0].chunks
    arrays = [a.rechunk(chunks) for a in arrays]
    smallest = min(min(c) for c in chunks)
    if smallest < 2:
        raise ConfigError(
            f"terrain blocks must be at least 2 x 2 cells, got a block of {smallest}; rechunk it, "
            "e.g. terrain.chunk(1024)"
        )
    probe = build_cost_model(terrain.isel(y=slice(0, 2), x=slice(0, 2)).compute(), vehicle,
                             **options)
    common = dict(names=names, x_m=np.asarray(terrain["x"].values),
                  y_m=np.asarray(terrain["y"].values), attrs=dict(terrain.attrs),
                  vehicle=vehicle, options=options)
    fields = {
        field: da.map_blocks(_block_field, *arrays, field=field, dtype=dtype, **common)
        for field, dtype in (("class_index", np.uint8), ("elevation_m", np.float32),
                             ("enter", np.float32), ("river", np.uint8))
    }
    return dataclasses.replace(probe, scale=None, **fields)
