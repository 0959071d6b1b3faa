"""find_costs_chunked: set up the tiles, the store and the runner, run the driver, write out."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import tempfile
import time
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from logistics import settings
from logistics._atomic import atomic_dir, remove_tree, scratch_dir
from logistics.cost.chunked._checks import (
    as_cells, as_tile, check_memory, checked_sources, fields_of, pick_cells,
)
from logistics.cost.chunked._driver import ClientRunner, Driver, SerialRunner, default_client
from logistics.cost.chunked._inputs import (
    ArraySource, FileMapSource, JoinedSource, file_map, stage_inputs,
)
from logistics.cost.chunked._state import (
    MEMORY_STATE_BYTES, FileState, MemoryState, create_store, store_chunk, store_chunks,
)
from logistics.cost.chunked._tiles import TileGrid
from logistics.cost.chunked._tilesolve import TileJob
from logistics.cost.chunked.result import ChunkedResult, ChunkedStats
from logistics.cost.cluster import DeferredCtrlC
from logistics.cost.model import CostModel
from logistics.cost.stencil import offsets
from logistics.errors import ConfigError, check_flag

__all__ = ["find_costs_chunked"]


@contextlib.contextmanager
def _output_folder(out: str | os.PathLike[str] | None) -> Iterator[tuple[Path, Path]]:
    """(temporary store folder, final folder): atomic for ``out``, a temp dir otherwise."""
    if out is not None:
        with atomic_dir(out) as tmp:
            yield tmp, Path(out)
        return
    tmp = Path(tempfile.mkdtemp(prefix="logistics-chunked-"))
    try:
        yield tmp, tmp
    except BaseException:
        remove_tree(tmp)
        raise


def find_costs_chunked(
    model: CostModel,
    sources: Any,
    *,
    chunks: int | tuple[int, int] | str,
    start_costs: Any = None,
    stencil: int = 8,
    reverse: bool = False,
    barriers: Any = None,
    client: Any = None,
    out: str | os.PathLike[str] | None = None,
    scratch: str | os.PathLike[str] | None = None,
    progress: bool | None = None,
) -> ChunkedResult:
    """Accumulated cost from ``sources`` (or to them if ``reverse``) over tiles of ``chunks`` cells.

    ``model`` is a :class:`CostModel` whose per-cell fields may be numpy or dask arrays (lazy
    fields are staged tile by tile to ``scratch``, default a temporary folder beside ``out``;
    on a cluster it must be a folder every worker sees, like ``out``). ``sources`` is one
    ``(row, col)`` cell or a sequence of them, with optional ``start_costs`` (default 0).
    ``barriers`` (bool, True = impassable) is optional, numpy or dask. ``client`` is a
    dask.distributed Client; None uses the default client if there is one, else solves tile after
    tile in this process. ``out`` is the Zarr folder to write (replaced atomically; None keeps
    the store in a temporary folder tied to the result). Returns a :class:`ChunkedResult` equal
    cell for cell to :func:`logistics.cost.solver.find_costs` on the whole grid.
    """
    start = time.perf_counter()
    # read by truthiness below: bool("no") is True (reverse="no" solved towards the sources)
    reverse = check_flag("reverse", reverse)
    if progress is not None:
        progress = check_flag("progress", progress)
    fields = fields_of(model, barriers)
    shape = tuple(int(s) for s in model.class_index.shape)
    if len(shape) != 2 or 0 in shape:
        raise ConfigError(f"CostModel.class_index must be a non-empty 2-D grid, got shape {shape}")
    halo = int(np.abs(offsets(stencil)).max())
    tile = as_tile(chunks, shape)
    cells = as_cells(sources, shape)
    if client is None:
        client = default_client()
    check_memory(model, tile, stencil, client)
    grid = TileGrid(shape, tile, halo)
    template = dataclasses.replace(
        model, class_index=np.zeros((0, 0), np.uint8), elevation_m=None, scale=None, enter=None,
        river=None,
    )
    seeds = _checked_sources(client, cells, start_costs, template, pick_cells(fields, cells))
    attrs = {
        "units": model.units,
        "stencil": stencil,
        "reverse": bool(reverse),
        "tile": list(tile),
        "model_attrs": {k: str(v) for k, v in model.attrs.items()},
    }
    if progress is None:
        progress = settings.PROGRESS  # a bar on a terminal, plain lines in a log

    with _output_folder(out) as (store, final), _scratch(scratch or store.parent) as folder:
        create_store(store, shape, store_chunks(grid), attrs)
        solves, driver_expansions = _solve_tiles(
            grid, template, fields, seeds, store, folder, client, stencil=stencil,
            reverse=bool(reverse), progress=progress)
        counts = list(solves.values())
        stats = ChunkedStats(
            n_tiles=grid.n_tiles[0] * grid.n_tiles[1],
            tiles_solved=len(counts),
            tile_solves=sum(counts),
            max_solves_per_tile=max(counts, default=0),
            seconds=time.perf_counter() - start,
            cell_expansions=driver_expansions[0],
        )
        import zarr

        zarr.open_group(str(store), mode="r+").attrs.update({"stats": dataclasses.asdict(stats)})
    result = ChunkedResult(final, shape, tile, stencil, bool(reverse), model.units, stats)
    if out is None:
        weakref.finalize(result, shutil.rmtree, str(final), True)
    return result


def _checked_sources(client: Any, *args: Any) -> list[tuple[int, int, float]]:
    """:func:`checked_sources` here, or on a worker of ``client`` (see there: this process
    then never loads numba); its ConfigError / NoRouteError come back unchanged."""
    if client is None:
        return checked_sources(*args)
    from logistics.cost.cluster import Watch, gather_or_drain

    watch = Watch(client)
    with watch:
        future = client.submit(_check_returning_error, *args, pure=False)
        seeds, error = gather_or_drain(client, [future], watch=watch)[0]
    if error is not None:
        raise error  # returned, not raised there: dask would log the worker's traceback
    return seeds


def _check_returning_error(*args: Any) -> tuple[list | None, Exception | None]:
    """(seeds, None) or (None, the ConfigError / NoRouteError / ExtentError) of the check."""
    from logistics.errors import LogisticsError

    try:
        return checked_sources(*args), None
    except LogisticsError as exc:
        return None, exc


def _scratch(parent: str | os.PathLike[str]) -> contextlib.AbstractContextManager[Path]:
    """A private scratch folder (staged inputs, tile state), removed whatever happens."""
    return scratch_dir(parent, ".logistics-scratch-")



def _window_source(fields: dict[str, Any], grid: TileGrid, folder: Path, client: Any,
                   watch: Any = None) -> Any:
    """What tile solves read their windows from: the fields in memory (serial, numpy), their
    own files (np.memmap), or tiles staged to ``folder`` (dask fields, or numpy on a cluster)."""
    mapped = {k: m for k, f in fields.items() if (m := file_map(f)) is not None}
    rest = {k: f for k, f in fields.items() if k not in mapped}
    parts: list[Any] = [FileMapSource(mapped)] if mapped else []
    if rest:
        staged = client is not None or any(not isinstance(f, np.ndarray) for f in rest.values())
        parts.append(stage_inputs(rest, grid, str(folder), client, watch) if staged
                     else ArraySource(rest))
    return parts[0] if len(parts) == 1 else JoinedSource(tuple(parts))


#: Bytes of state per cell: the float64 cost and the int8 back-link.
_STATE_BYTES_PER_CELL: int = 9

#: Width of a cost band, in tile edges crossed at the table's median cost per metre. Wider
#: bands mean fewer solves per tile; narrower, fewer cells expanded twice (measured in
#: benchmarks/README_chunked.md). A tuning constant of the solver, not of the model.
BAND_TILES: float = 1.0


def band_width(template: CostModel, tile: tuple[int, int]) -> float:
    """The driver's bound step: BAND_TILES tile edges at the median finite cost per metre."""
    table = np.asarray(template.table, dtype=np.float64)
    finite = table[np.isfinite(table)]
    per_m = float(np.median(finite)) if finite.size else 1.0
    edge_m = min(tile[0] * template.cellsize_m[1], tile[1] * template.cellsize_m[0])
    return BAND_TILES * edge_m * per_m


def _solve_tiles(
    grid: TileGrid, template: CostModel, fields: dict[str, Any],
    seeds: list[tuple[int, int, float]], store: Path, folder: Path, client: Any, *,
    stencil: int, reverse: bool, progress: bool,
) -> tuple[dict[tuple[int, int], int], tuple[int]]:
    """Run the driver to the end and write the store; returns the solve count of each tile and
    the number of cell expansions."""
    ny, nx = grid.shape
    if client is None and ny * nx * _STATE_BYTES_PER_CELL <= MEMORY_STATE_BYTES:
        state: Any = MemoryState()
    else:
        (folder / "state").mkdir()
        state = FileState(str(folder / "state"))
    by_tile: dict[tuple[int, int], list[tuple[int, int, float]]] = {}
    for r, c, v in seeds:
        by_tile.setdefault((r // grid.tile[0], c // grid.tile[1]), []).append((r, c, v))
    attempts = None
    if client is not None:
        attempts = folder / "attempts"
        attempts.mkdir()
    count = iter(range(1 << 62))
    ctrl_c: Any = DeferredCtrlC() if client is not None else contextlib.nullcontext()
    with ctrl_c:
        runner = ClientRunner(client, ctrl_c) if client is not None else SerialRunner()
        with runner.watch if client is not None else contextlib.nullcontext():
            source = _window_source(fields, grid, folder, client,
                                    getattr(runner, "watch", None))

        def make_job(t: tuple[int, int], strips: tuple[np.ndarray, ...], lo: float,
                     hi: float) -> TileJob:
            name = f"tile-{t[0]}-{t[1]}-{next(count)}"
            return TileJob(t, grid, template, source, state, strips, tuple(by_tile.get(t, ())),
                           lo, hi, stencil, reverse,
                           None if attempts is None else str(attempts / name))

        driver = Driver(grid, make_job, runner, stencil, tuple(template.cellsize_m),
                        band_width(template, grid.tile),
                        {t: min(v for _, _, v in s) for t, s in by_tile.items()})
        try:
            driver.run(progress)
            chunk_grid = TileGrid(grid.shape, store_chunks(grid), 0)
            rects = {chunk_grid.core((r // chunk_grid.tile[0], c // chunk_grid.tile[1]))
                     for r, _, c, _ in map(grid.core, driver.solves)}
            runner.map(store_chunk, [(str(store), state, grid, rect) for rect in rects])
        except BaseException:
            runner.abort()  # no solve may still be writing when the folders are removed
            raise
    return driver.solves, (driver.expansions,)
