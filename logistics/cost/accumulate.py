"""One door to the solvers: ``accumulate(model, sources)`` picks the in-memory or the chunked one.

The shape is xarray-spatial's one call, two backends: the same call returns an accumulated
cost backed by numpy (the in-memory Dijkstra, :func:`logistics.cost.solver.find_costs`) or by
dask over a Zarr store (the exact tiled solver,
:func:`logistics.cost.chunked.find_costs_chunked`); the two are equal cell for cell. Either
result has ``cost`` (an array, ``inf`` unreachable, in the model's units), ``stencil``,
``reverse`` and ``units``; :func:`path` traces a least-cost path on either, and
:func:`cost_array` gives the costs as an array that may outlive the result (a chunked
result without ``out`` keeps its store in a temporary folder only as long as it lives).

``engine="auto"`` (the default) takes the in-memory solver when the model's fields are in
memory and the grid fits: at most ``settings.MAX_IN_MEMORY_CELLS`` cells and
:data:`SOLVER_BYTES_PER_CELL` bytes a cell within the memory budget
(:func:`memory_budget_bytes`). Otherwise it takes the chunked solver, whose tiles of
``chunks`` cells (default ``settings.CHUNK_CELLS``) run on ``client`` (a dask.distributed
Client, the default client, or one after another in this process). Every stage that solves
calls this function, so a large grid needs no hand-written Python.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from logistics import settings
from logistics.cost.model import CostModel
from logistics.errors import ConfigError, check_flag, choice_fix

__all__ = ["ENGINES", "SOLVER_BYTES_PER_CELL", "accumulate", "check_engine", "choose_engine",
           "cost_array", "hours_raster", "memory_budget_bytes", "path"]

#: What ``engine=`` accepts.
ENGINES: tuple[str, ...] = ("auto", "memory", "chunked")

#: Bytes the in-memory solver needs per cell beyond the model's own fields: the float64 cost,
#: the int8 back-link and the heap (10 B/cell measured at 1e7 cells, benchmarks/README.md),
#: rounded up to 16 for the seed and merge temporaries. An allowance, not a measurement.
SOLVER_BYTES_PER_CELL: int = 16

#: Share of the memory available now that one in-memory solve may take when
#: ``settings.MEMORY_BUDGET_BYTES`` is not set (the rest is the model, the terrain, the others).
_AVAILABLE_SHARE: float = 0.5


def memory_budget_bytes() -> int:
    """Bytes one in-memory solve may use: ``settings.MEMORY_BUDGET_BYTES``, else half the
    memory available now (read at call time, so a changed setting counts at once)."""
    if settings.MEMORY_BUDGET_BYTES is not None:
        return int(settings.MEMORY_BUDGET_BYTES)
    import psutil

    return int(psutil.virtual_memory().available * _AVAILABLE_SHARE)


def _in_memory(model: CostModel) -> bool:
    """True when every per-cell field of ``model`` is a numpy array (not dask, not a file)."""
    fields = (model.class_index, model.elevation_m, model.scale, model.enter, model.river)
    return all(f is None or type(f) is np.ndarray for f in fields)


def check_engine(engine: object) -> str:
    """``engine`` when it is one of :data:`ENGINES`; ConfigError with the fix otherwise (called
    by the API's doors before any loading, and by :func:`choose_engine`)."""
    if engine not in ENGINES:
        raise ConfigError(
            f"engine must be one of {', '.join(ENGINES)}, got {engine!r}; 'auto' picks the "
            "in-memory solver when the grid fits in memory, else the chunked one; "
            + choice_fix("engine", engine, ENGINES))
    return str(engine)


def choose_engine(model: CostModel, engine: str = "auto") -> str:
    """``"memory"`` or ``"chunked"`` for ``model`` (see the module docstring for ``auto``)."""
    check_engine(engine)
    if engine != "auto":
        return engine
    ny, nx = (int(s) for s in model.class_index.shape)
    cells = ny * nx
    fits = (cells <= settings.MAX_IN_MEMORY_CELLS
            and cells * SOLVER_BYTES_PER_CELL <= memory_budget_bytes())
    return "memory" if fits and _in_memory(model) else "chunked"


def accumulate(
    model: CostModel,
    sources: Any,
    *,
    stencil: int = 8,
    reverse: bool = False,
    barriers: Any = None,
    start_costs: Any = None,
    stop_at: Any = None,
    engine: str = "auto",
    chunks: int | tuple[int, int] | None = None,
    client: Any = None,
    out: str | os.PathLike[str] | None = None,
) -> Any:
    """Least accumulated cost from ``sources`` to every cell (to them with ``reverse``).

    ``sources`` is one ``(row, col)`` cell or a sequence of them, ``start_costs`` the cost
    already spent at each (default 0), ``barriers`` extra impassable cells (bool grid),
    ``stencil`` 8 or 16 neighbours. ``stop_at`` (a cell, or an (n, 2) array of cells) lets the
    in-memory solver stop once every one is final (the chunked solver solves the whole grid;
    their costs, and :func:`path` to each, are exact either way). ``engine``: ``"auto"``, ``"memory"`` or ``"chunked"``; ``chunks``,
    ``client`` and ``out`` (a Zarr folder to keep) are the chunked solver's: any of them with
    the in-memory solver picked is a ConfigError (it would be ignored: not written, not
    tiled, not run there).

    Returns :class:`~logistics.cost.solver.Accumulated` (numpy ``cost``) or
    :class:`~logistics.cost.chunked.ChunkedResult` (dask ``cost``), equal cell for cell.

    >>> m = CostModel(np.zeros((1, 3), np.uint8), np.array([[1.0]]), 0.0, 1.0, (10.0, 10.0))
    >>> accumulate(m, [(0, 0)]).cost
    array([[ 0., 10., 20.]])
    >>> np.asarray(cost_array(accumulate(m, [(0, 0)], engine="chunked", chunks=2)))
    array([[ 0., 10., 20.]])
    """
    if not isinstance(model, CostModel):
        raise ConfigError(
            f"accumulate needs a CostModel (from logistics.build_cost_model(terrain, vehicle)), "
            f"got {type(model).__name__}")
    reverse = check_flag("reverse", reverse)  # reverse="no" solved towards the sources
    if client is not None and not hasattr(client, "scheduler_info"):
        raise ConfigError(f"client must be a dask.distributed Client (or None for a local "
                          f"cluster), got {type(client).__name__}; e.g. "
                          "client=distributed.Client('tcp://host:8786')")
    if choose_engine(model, engine) == "memory":
        from logistics.cost.solver import find_costs

        # each was dropped without a word (out=: the result lived in memory only)
        for name, value, what, fix in (
                ("out", out, "which writes its result as a Zarr folder",
                 "to keep the result in out=, or leave out= out (the in-memory result's .cost "
                 "is a numpy array: np.save it)"),
                ("chunks", chunks, "which solves the grid in tiles of that many cells",
                 "to solve in those tiles, or leave chunks= out"),
                ("client", client, "which runs on that dask cluster",
                 "to solve on it, or leave client= out (the in-memory solver runs in this "
                 "process)")):
            if value is None:
                continue
            shown = (repr(str(value)) if name == "out" else
                     f"<{type(value).__name__}>" if name == "client" else repr(value))
            picked = ("engine='memory'" if engine == "memory" else
                      "engine='auto' picked the in-memory solver (the grid fits in memory)")
            raise ConfigError(f"{name}={shown} needs the chunked engine, {what}; {picked}; "
                              f"fix: engine='chunked' {fix}")

        return find_costs(model, sources, start_costs=start_costs, stencil=stencil,
                          reverse=reverse, barriers=barriers, stop_at=stop_at)
    from logistics.cost.chunked import find_costs_chunked

    # chunks=0 (or []) was read as 'not given' and the default tile taken without a word
    tile = settings.CHUNK_CELLS if chunks is None else chunks
    return find_costs_chunked(model, sources, chunks=tile,
                              start_costs=start_costs, stencil=stencil, reverse=reverse,
                              barriers=barriers, client=client, out=out)


def path(acc: Any, target: Any) -> np.ndarray:
    """The least-cost path through ``target`` on a result of :func:`accumulate`, as an
    (n, 2) int64 array of (row, col) in travel order (from a source to ``target``; with
    ``reverse`` from ``target`` to a source). NoRouteError if ``target`` is unreachable."""
    from logistics.cost.solver import Accumulated, traceback

    if isinstance(acc, Accumulated):
        return traceback(acc, target)
    from logistics.cost.chunked import ChunkedResult, traceback_chunked

    if not isinstance(acc, ChunkedResult):
        raise ConfigError(
            f"path needs the result of accumulate(model, sources), got {type(acc).__name__}")

    return np.asarray(traceback_chunked(acc, target), dtype=np.int64)


def cost_array(acc: Any) -> Any:
    """The accumulated cost of a result of :func:`accumulate`: its numpy array, or the dask
    array of a chunked result with the result held in its graph, so a store kept in a
    temporary folder lives as long as the array (not only as long as the result)."""
    from logistics.cost.solver import Accumulated

    if isinstance(acc, Accumulated):
        return acc.cost
    return acc.cost.map_blocks(_same, result=acc, dtype=np.float64)


def hours_raster(acc: Any, terrain: Any, *, long_name: str) -> Any:
    """The accumulated time of ``acc`` (a time result of :func:`accumulate`, seconds) in hours
    as a float32 ``xarray.DataArray`` on ``terrain``'s metric grid (its ``y``, ``x``, transform
    and ``settings.METRIC_CRS``; dask-backed for a chunked result), ``inf`` where unreachable:
    what ``report.rasters.write_cog`` writes as a cost raster (nodata there). ``long_name``
    says whose time from where (the band's description)."""
    import rioxarray  # noqa: F401  (the .rio accessor)
    import xarray as xr

    hours = (cost_array(acc) / 3600.0).astype(np.float32)
    da = xr.DataArray(hours, coords={"y": terrain["y"], "x": terrain["x"]}, dims=("y", "x"),
                      name="time_h", attrs={"units": "h", "long_name": long_name})
    return da.rio.write_crs(settings.METRIC_CRS).rio.write_transform(terrain.rio.transform())


def _same(block: np.ndarray, result: Any) -> np.ndarray:
    """A block as it is (``result`` only rides along in the graph to keep its store)."""
    return block
