"""The explicit cost surface: the cost of every move out of every cell, one layer per offset.

``cost_surface(terrain, vehicle)`` gives, for each cell and each neighbour offset of the 8- or
16-stencil, the time (s) and fuel (L) of moving there: a Dataset of two DataArrays
``(offset, y, x)``. Useful to map where a vehicle is slow or thirsty, to export, or to feed
tools that want explicit edge weights. The accumulated-cost solvers do not need it (they price
moves on the fly with the same kernel).

One kernel: every value comes from :func:`logistics.cost.kernel.offset_costs`, the compiled
move rule every solver uses. The numpy path calls it on the whole grid; the dask path calls
the same block function on blocks overlapped by 2 cells (the reach of a knight move), padded
with barrier cells so that moves off the grid cost ``inf`` exactly as in the numpy path.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import rioxarray  # noqa: F401  (registers the .rio accessor used for the CRS)
import xarray as xr

from logistics import settings
from logistics.cost.kernel import KernelInputs, kernel_inputs, offset_costs, offset_lengths_m
from logistics.cost.model import BARRIER_CLASS, CostModel
from logistics.cost.physics import build_cost_model
from logistics.cost.stencil import offsets
from logistics.vehicles import Vehicle, load_vehicle

__all__ = ["cost_surface", "surface_array"]

#: Overlap of dask blocks, cells: the longest offset of the 16-stencil reaches 2 cells.
DEPTH: int = 2


def _block(
    inp: KernelInputs, offs: np.ndarray, dtype: np.dtype, workers: int = 1
) -> np.ndarray:
    """(K, ny, nx) costs of every offset of ``offs`` on the grid of ``inp`` (the one kernel)."""
    lengths = offset_lengths_m(inp.dx_m, inp.dy_m, offs)
    out = np.empty((len(offs), *inp.class_index.shape), dtype=dtype)

    def one(k: int) -> None:
        offset_costs(*inp.args(), int(offs[k, 0]), int(offs[k, 1]), float(lengths[k]), out[k])

    if workers > 1 and len(offs) > 1:  # offset_costs releases the GIL (nogil=True)
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(one, range(len(offs))))
    else:
        for k in range(len(offs)):
            one(k)
    return out


def _dask_block(ci, *grids, names, inp: KernelInputs, offs, out_dtype):
    """The block function of the dask path: run :func:`_block` on an overlapped block, trim."""
    parts = dict(zip(names, grids, strict=True))
    empty = np.empty((0, 0), dtype=np.float32)
    block = inp._replace(
        class_index=np.ascontiguousarray(ci),
        elevation_m=np.ascontiguousarray(parts.get("elevation_m", empty)),
        scale=np.ascontiguousarray(parts.get("scale", empty)),
        enter=np.ascontiguousarray(parts.get("enter", empty)),
    )
    return _block(block, offs, out_dtype)[:, DEPTH:-DEPTH, DEPTH:-DEPTH]


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
    :func:`logistics.cost.stencil.offsets`. ``workers`` threads share the offsets in the numpy
    path (default ``settings.N_WORKERS`` or the CPU count); dask uses its own scheduler.
    """
    offs = offsets(stencil)
    inp = kernel_inputs(model)
    if chunks is None:
        n = workers or settings.N_WORKERS or os.cpu_count() or 1
        return _block(inp, offs, np.dtype(dtype), workers=n)

    import dask.array as da

    from dask.array.overlap import ensure_minimum_chunksize

    pad = {"class_index": BARRIER_CLASS, "elevation_m": np.nan, "scale": np.nan, "enter": 0.0}
    names = [n for n in ("elevation_m", "scale", "enter") if getattr(inp, n).size]
    base = da.from_array(inp.class_index, chunks=chunks)
    blocks = tuple(ensure_minimum_chunksize(DEPTH, c) for c in base.chunks)  # >= overlap depth
    lazy = []
    for name in ("class_index", *names):
        arr = da.from_array(getattr(inp, name), chunks=blocks)
        lazy.append(da.overlap.overlap(arr, depth={0: DEPTH, 1: DEPTH},
                                       boundary={0: pad[name], 1: pad[name]}))
    return da.map_blocks(
        _dask_block, *lazy, names=names, inp=inp._replace(
            class_index=inp.class_index[:0, :0], elevation_m=inp.elevation_m[:0, :0],
            scale=inp.scale[:0, :0], enter=inp.enter[:0, :0]),
        offs=offs, out_dtype=np.dtype(dtype), dtype=np.dtype(dtype), new_axis=0,
        chunks=((len(offs),), *blocks), meta=np.empty((0, 0, 0), dtype=dtype),
    )


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
    time_s = surface_array(time_model, stencil=stencil, chunks=chunks, dtype=dtype)
    if v.is_motorised:
        fuel_model = build_cost_model(terrain, v, objective="fuel", season=season)
        fuel_l = surface_array(fuel_model, stencil=stencil, chunks=chunks, dtype=dtype)
    else:
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
                                if k in ("efficiency", "physics")}),
    )
    crs = terrain.rio.crs
    return ds.rio.write_crs(crs) if crs is not None else ds


def _zero_where_possible(time_s):
    """Fuel of a vehicle that burns none: 0 where the move is possible, inf elsewhere."""
    zero, inf = time_s.dtype.type(0), time_s.dtype.type(np.inf)
    if isinstance(time_s, np.ndarray):
        return np.where(np.isfinite(time_s), zero, inf)
    return time_s.map_blocks(lambda b: np.where(np.isfinite(b), zero, inf), dtype=time_s.dtype)
