"""The explicit cost surface: the cost of every move out of every cell, one layer per offset.

``cost_surface(terrain, vehicle)`` gives, for each cell and each neighbour offset of the 8- or
16-stencil, the time (s) and fuel (L) of moving there: a Dataset of two DataArrays
``(offset, y, x)``. Useful to map where a vehicle is slow or thirsty, to export, or to feed
tools that want explicit edge weights. The accumulated-cost solvers do not need it (they price
moves on the fly with the same kernel).

One kernel: every value comes from :func:`logistics.cost.kernel.block_costs`, the fused block
kernel built from the steps of the move rule every solver uses. It prices every offset under
several tables (time and fuel) in one pass over the cells, sharing each move's grade and
crossed cells. The numpy path runs it on the whole grid, rows shared among numba threads; the
dask path runs it serially on blocks overlapped by 2 cells (the reach of a knight move), padded
with barrier cells so that moves off the grid cost ``inf`` exactly as in the numpy path.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numba
import numpy as np
import rioxarray  # noqa: F401  (registers the .rio accessor used for the CRS)
import xarray as xr

from logistics import settings
from logistics.cost.kernel import (
    KernelInputs,
    block_costs,
    block_costs_parallel,
    kernel_inputs,
    offset_lengths_m,
)
from logistics.cost.model import BARRIER_CLASS, CostModel
from logistics.cost.physics import build_cost_model
from logistics.cost.stencil import offsets
from logistics.errors import ConfigError
from logistics.vehicles import Vehicle, load_vehicle

__all__ = ["cost_surface", "surface_array", "surface_arrays"]

#: Overlap of dask blocks, cells: the longest offset of the 16-stencil reaches 2 cells.
DEPTH: int = 2


def _stack(inps: Sequence[KernelInputs]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Tables, entry costs and the river codes of models sharing one grid, for
    :func:`block_costs`.

    A model without entry cost gets zeros when another has one (``cost + 0.0`` is ``cost``);
    the river codes are those of the models with an entry cost (one grid: the same codes).
    """
    tables = np.stack([i.table for i in inps])
    if not any(i.enter.size for i in inps):
        return (tables, np.empty((len(inps), 0, 0), dtype=np.float32),
                np.empty((0, 0), dtype=np.uint8))
    shape = inps[0].class_index.shape
    river = next(i.river for i in inps if i.enter.size)
    return tables, np.stack([i.enter if i.enter.size else np.zeros(shape, np.float32)
                             for i in inps]), river


def _check_fusable(inps: Sequence[KernelInputs]) -> None:
    """ConfigError unless the models differ only in table values and entry costs (the river
    codes of those with an entry cost must agree too)."""
    first = inps[0]
    for other in inps[1:]:
        same = (
            other.table.shape == first.table.shape
            and other.grade_min == first.grade_min
            and other.inv_grade_step == first.inv_grade_step
            and (other.dx_m, other.dy_m) == (first.dx_m, first.dy_m)
            and np.array_equal(other.class_index, first.class_index)
            and np.array_equal(other.elevation_m, first.elevation_m, equal_nan=True)
            and np.array_equal(other.scale, first.scale, equal_nan=True)
        )
        rivers = [i.river for i in (first, other) if i.enter.size]
        same = same and all(np.array_equal(rivers[0], r) for r in rivers[1:])
        if not same:
            raise ConfigError(
                "surface_arrays prices several models in one pass and needs them on one grid: "
                "same class_index, elevation_m, scale, grade axis, table shape and cellsize_m "
                "and river codes (e.g. the time and fuel models of one vehicle and terrain); call "
                "surface_array on each model instead"
            )


def _scratch_rows(workers: int, nx: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-thread scratch rows (table column, fraction) of the block kernels, (n, nx) each."""
    n = 1 if workers <= 1 else numba.config.NUMBA_NUM_THREADS
    return np.empty((n, nx), dtype=np.int64), np.empty((n, nx), dtype=np.float64)


def _block(inp: KernelInputs, tables, enters, river, offs: np.ndarray, dtype: np.dtype,
           workers: int = 1) -> np.ndarray:
    """(T, K, ny, nx) costs of every offset of ``offs`` under every table on ``inp``'s grid."""
    lengths = offset_lengths_m(inp.dx_m, inp.dy_m, offs)
    out = np.empty((len(tables), len(offs), *inp.class_index.shape), dtype=dtype)
    args = (inp.class_index, tables, inp.grade_min, inp.inv_grade_step, inp.elevation_m,
            inp.scale, enters, river, np.ascontiguousarray(offs, dtype=np.int64), lengths, out,
            *_scratch_rows(workers, inp.class_index.shape[1]))
    if workers <= 1:
        return block_costs(*args)
    before = numba.get_num_threads()
    numba.set_num_threads(min(workers, numba.config.NUMBA_NUM_THREADS))
    try:
        return block_costs_parallel(*args)
    finally:
        numba.set_num_threads(before)


def _dask_block(ci, *grids, names, inp: KernelInputs, tables, offs, out_dtype):
    """The block function of the dask path: run :func:`_block` on an overlapped block, trim."""
    parts = dict(zip(names, grids, strict=True))
    empty = np.empty((0, 0), dtype=np.float32)
    block = inp._replace(
        class_index=np.ascontiguousarray(ci),
        elevation_m=np.ascontiguousarray(parts.get("elevation_m", empty)),
        scale=np.ascontiguousarray(parts.get("scale", empty)),
    )
    enters = np.ascontiguousarray(parts["enters"]) if "enters" in parts else (
        np.empty((len(tables), 0, 0), dtype=np.float32))
    river = np.ascontiguousarray(parts["river"]) if "river" in parts else (
        np.empty((0, 0), dtype=np.uint8))
    out = _block(block, tables, enters, river, offs, out_dtype)
    return out.reshape(-1, *out.shape[2:])[:, DEPTH:-DEPTH, DEPTH:-DEPTH]


def surface_arrays(
    models: Sequence[CostModel],
    *,
    stencil: int = 8,
    chunks: int | tuple[int, int] | None = None,
    dtype: type = np.float32,
    workers: int | None = None,
) -> list:
    """One (K, ny, nx) cost array per model, priced in one pass (numpy, or dask if ``chunks``).

    The models must share their grid and differ only in ``table`` values and ``enter`` (the
    time and fuel models of one vehicle on one terrain); ConfigError otherwise. ``inf`` marks
    impossible moves and moves off the grid. Offsets follow
    :func:`logistics.cost.stencil.offsets`. In the numpy path ``workers`` numba threads share
    the rows (default ``settings.N_WORKERS`` or the CPU count); dask blocks run serially in
    dask's own threads.
    """
    offs = offsets(stencil)
    inps = [kernel_inputs(m) for m in models]
    if not inps:
        raise ConfigError("surface_arrays needs at least one CostModel, got none")
    _check_fusable(inps)
    inp = inps[0]
    tables, enters, river = _stack(inps)
    if chunks is None:
        n = workers or settings.N_WORKERS or os.cpu_count() or 1
        return list(_block(inp, tables, enters, river, offs, np.dtype(dtype), workers=n))

    import dask.array as da

    from dask.array.overlap import ensure_minimum_chunksize

    pad = {"class_index": BARRIER_CLASS, "elevation_m": np.nan, "scale": np.nan, "enters": 0.0,
           "river": 0}
    grids = {"elevation_m": inp.elevation_m, "scale": inp.scale, "enters": enters,
             "river": river}
    names = [n for n, g in grids.items() if g.size]
    base = da.from_array(inp.class_index, chunks=chunks)
    blocks = tuple(ensure_minimum_chunksize(DEPTH, c) for c in base.chunks)  # >= overlap depth
    lazy = [da.overlap.overlap(da.from_array(inp.class_index, chunks=blocks),
                               depth={0: DEPTH, 1: DEPTH},
                               boundary={0: BARRIER_CLASS, 1: BARRIER_CLASS})]
    for name in names:
        g = grids[name]
        arr = da.from_array(g, chunks=((len(g),), *blocks) if g.ndim == 3 else blocks)
        depth = {g.ndim - 2: DEPTH, g.ndim - 1: DEPTH}
        lazy.append(da.overlap.overlap(arr, depth=depth,
                                       boundary={ax: pad[name] for ax in depth}))
    empty = np.empty((0, 0), dtype=np.float32)
    n_k = len(offs)
    stacked = da.map_blocks(
        _dask_block, *lazy, names=names, inp=inp._replace(
            class_index=inp.class_index[:0, :0], elevation_m=empty, scale=empty, enter=empty,
            river=inp.river[:0, :0]),
        tables=tables, offs=offs, out_dtype=np.dtype(dtype), dtype=np.dtype(dtype),
        new_axis=0 if "enters" not in names else None,
        chunks=((len(tables) * n_k,), *blocks), meta=np.empty((0, 0, 0), dtype=dtype),
    )
    return [stacked[t * n_k:(t + 1) * n_k] for t in range(len(tables))]


def surface_array(
    model: CostModel,
    *,
    stencil: int = 8,
    chunks: int | tuple[int, int] | None = None,
    dtype: type = np.float32,
    workers: int | None = None,
):
    """(K, ny, nx) cost of every move of ``model`` (its units), numpy or dask (``chunks``).

    ``inf`` marks impossible moves and moves off the grid. Offsets follow
    :func:`logistics.cost.stencil.offsets`. ``workers`` numba threads share the rows in the
    numpy path (default ``settings.N_WORKERS`` or the CPU count); dask uses its own scheduler.
    """
    return surface_arrays([model], stencil=stencil, chunks=chunks, dtype=dtype,
                          workers=workers)[0]


def cost_surface(
    terrain: xr.Dataset,
    vehicle: Vehicle | str,
    *,
    season: str = "dry",
    stencil: int = 8,
    chunks: int | tuple[int, int] | None = None,
    dtype: type = np.float32,
) -> xr.Dataset:
    """Time (s) and fuel (L) of every move of ``vehicle`` out of every cell of ``terrain``.

    Returns a Dataset with ``time_s`` and ``fuel_l``, each ``(offset, y, x)`` with
    ``attrs["units"]``, and coordinates ``di``/``dj`` (rows, cols) of each offset. Numpy by
    default; dask-backed (lazy) when ``chunks`` is given. Vehicles without fuel have 0 L on every
    possible move.
    """
    v = load_vehicle(vehicle)
    time_model = build_cost_model(terrain, v, objective="time", season=season)
    if v.is_motorised:  # time and fuel in one pass over the cells
        fuel_model = build_cost_model(terrain, v, objective="fuel", season=season)
        time_s, fuel_l = surface_arrays([time_model, fuel_model], stencil=stencil,
                                        chunks=chunks, dtype=dtype)
    else:
        time_s = surface_array(time_model, stencil=stencil, chunks=chunks, dtype=dtype)
        fuel_l = _zero_where_possible(time_s)
    offs = offsets(stencil)
    coords = {
        "offset": np.arange(len(offs)),
        "di": ("offset", offs[:, 0]),
        "dj": ("offset", offs[:, 1]),
        "y": terrain["y"].values,
        "x": terrain["x"].values,
    }
    common = dict(vehicle=v.id, season=season, stencil=stencil)
    ds = xr.Dataset(
        {
            "time_s": (("offset", "y", "x"), time_s,
                       dict(units="s", long_name="time of the move", **common)),
            "fuel_l": (("offset", "y", "x"), fuel_l,
                       dict(units="L", long_name="fuel of the move", **common)),
        },
        coords=coords,
        attrs=dict(description="cost of every move out of every cell (logistics.cost.surface)",
                   **common, **{k: str(val) for k, val in time_model.attrs.items()
                                if k.startswith("engine_") or k == "physics"}),
    )
    crs = terrain.rio.crs
    return ds.rio.write_crs(crs) if crs is not None else ds


def _zero_where_possible(time_s):
    """Fuel of a vehicle that burns none: 0 where the move is possible, inf elsewhere."""
    zero, inf = time_s.dtype.type(0), time_s.dtype.type(np.inf)
    if isinstance(time_s, np.ndarray):
        return np.where(np.isfinite(time_s), zero, inf)
    return time_s.map_blocks(lambda b: np.where(np.isfinite(b), zero, inf), dtype=time_s.dtype)
