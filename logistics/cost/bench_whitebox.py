"""WhiteboxTools as a benchmark peer: ``cost_distance`` on the benchmark's grid.

WhiteboxTools is named by our users beside GRASS; its runtime ships compiled inside the PyPI
wheel ``whitebox-workflows`` (MIT OR Apache-2.0, no download on first use), so ``logistics
bench`` times it beside our engines, on the same synthetic grid, in the same run: ratios, not
absolute times. It is never a dependency: the engine is skipped, with the reason, when
``whitebox_workflows`` cannot be imported (``pip install -e '.[bench]'`` in the checkout).

* ``whitebox-costdist-iso8``: ``cost_distance`` (open licence tier) on the isotropic per-cell
  costs of the grid (s/m, lakes nodata) with the source cell as the one positive cell of the
  source raster. Its rule, found on small grids with known answers (tests/test_bench_whitebox.py),
  is ours, scikit-image's and r.cost's: a move costs the mean of the two cells' costs times its
  length in map units (dx, dy, or sqrt(dx^2 + dy^2) on a diagonal), 8 neighbours, computed in
  float64; nodata cells are barriers (nodata in the output), but a passable cell it cannot
  reach comes out as the finite 2**31 - 2 (:data:`UNREACHED`), read here as inf. Map units are
  metres here, so its costs are seconds, as ours (no scaling). Checked cell by cell against
  ``ours-iso8``.

What is timed: the one ``cost_distance`` call on rasters already in Whitebox's memory
(``read_raster(..., file_mode="m")``: with a file-backed raster each call re-reads the GeoTIFF).
Writing the two GeoTIFFs and reading them into memory is ``geotiff_prepare_seconds``; reading
the result out (``to_numpy``) is after the clock. The call starts no thread (one core, as ours).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import numpy as np

from logistics.cost.bench_grid import BenchGrid
from logistics.cost.bench_registry import Engine, extra_install, register_engine

__all__ = ["whitebox_unavailable"]

#: The nodata marker written for lakes in the cost raster (Whitebox's own default).
_NODATA = -32768.0
#: What cost_distance writes on a passable cell it cannot reach (a pocket walled in by lakes):
#: its starting "infinity" 2**31 - 2, a finite number, not nodata (lakes themselves get nodata).
UNREACHED = float(2**31 - 2)


def whitebox_unavailable() -> str | None:
    """Why the WhiteboxTools engine cannot run here (None when it can)."""
    from importlib import import_module

    try:
        import_module("whitebox_workflows")  # its compiled runtime loads, not only the files
    except ImportError as exc:
        return f"whitebox-workflows is not installed ({exc}; {extra_install('whitebox-workflows')})"
    return None


def _write_tif(path: Path, values: np.ndarray, cellsize_m: tuple[float, float],
               nodata: float | None) -> None:
    """``values`` as a single-band GeoTIFF, north-up, origin (0, ny * dy), no CRS (metres)."""
    import rasterio
    from rasterio.transform import from_origin

    ny, nx = values.shape
    dx, dy = cellsize_m
    with rasterio.open(path, "w", driver="GTiff", height=ny, width=nx, count=1,
                       dtype=values.dtype, transform=from_origin(0.0, ny * dy, dx, dy),
                       nodata=nodata) as dst:
        dst.write(values, 1)


def _prepare(grid: BenchGrid) -> dict:
    """The grid's costs and source as GeoTIFFs, read into Whitebox's memory (untimed)."""
    import whitebox_workflows as wb

    folder = Path(tempfile.mkdtemp(prefix="logistics-whitebox-"))
    cost = grid.isotropic_cell_costs().astype(np.float32)  # float32-exact table (bench_grid.py)
    cost[~np.isfinite(cost)] = _NODATA
    source = np.zeros(cost.shape, dtype=np.uint8)
    source[grid.source] = 1
    _write_tif(folder / "cost.tif", cost, grid.cellsize_m, _NODATA)
    _write_tif(folder / "source.tif", source, grid.cellsize_m, None)
    wbe = wb.WbEnvironment()
    rasters = {k: wbe.read_raster(str(folder / f"{k}.tif"), file_mode="m")
               for k in ("cost", "source")}
    for k, raster in rasters.items():
        if not raster.is_memory_backed():
            raise RuntimeError(f"whitebox read {k}.tif file-backed: each call would re-read it")
    return {"wbe": wbe, "folder": folder, **rasters}


class _Result:
    """The two output rasters of one call, dropped from Whitebox's memory when deleted (the
    bench worker deletes each run's output, so repeats do not pile up)."""

    def __init__(self, wbe, accumulated, backlink) -> None:
        self.wbe, self.accumulated, self.backlink = wbe, accumulated, backlink

    def __del__(self) -> None:
        for raster in (self.accumulated, self.backlink):
            try:
                self.wbe.remove_raster_from_memory(raster)
            except Exception:  # noqa: BLE001  (at interpreter exit the runtime may be gone)
                pass


def _solve(state: dict) -> _Result:
    wbe = state["wbe"]
    accumulated, backlink = wbe.cost_distance(source=state["source"], cost=state["cost"])
    return _Result(wbe, accumulated, backlink)


def _cost(out: _Result) -> np.ndarray:
    """The accumulated cost as float64, nodata (lakes) and UNREACHED (walled-in pockets) inf."""
    cost = out.accumulated.to_numpy(dtype="float64")
    nodata = out.accumulated.metadata().nodata
    return np.where((cost == nodata) | (cost == UNREACHED), np.inf, cost)


def _close(state: dict) -> None:
    for k in ("cost", "source"):
        state["wbe"].remove_raster_from_memory(state[k])
    shutil.rmtree(state["folder"], ignore_errors=True)


register_engine(Engine("whitebox-costdist-iso8", _prepare, _solve,
                       "WhiteboxTools cost_distance (whitebox-workflows), 8 neighbours, on the "
                       "same per-cell costs (isotropic); seconds are the one call on rasters in "
                       "its memory, GeoTIFF writing and reading are geotiff_prepare_seconds",
                       "ours-iso8", prepare_label="geotiff_prepare_seconds",
                       bytes_per_cell=32.0, to_cost=_cost, close=_close,
                       unavailable=whitebox_unavailable))
