"""Benchmark of the chunked exact solver (``logistics.cost.chunked``) on large synthetic grids.

Not a test: it measures seconds, cells/s, the peak RSS of the whole process tree (this process
plus every child, e.g. dask workers; sampled every 0.1 s with psutil) and the tile solves, and
optionally checks the result against the in-memory solver cell for cell.

The terrain is generated per dask block from a seeded hash (multi-octave value noise), so any
window can be made on its own and a 10 000 x 10 000 grid is never whole in memory.

    .venv/bin/python benchmarks/bench_chunked.py --cells 1e7 --compare
    .venv/bin/python benchmarks/bench_chunked.py --cells 1e8 --chunks 2048 --workers 2

The cost table below is a benchmark assumption (plausible off-road speeds, a grade penalty and a
+-30 % grade limit), not vehicle physics: it only has to make an anisotropic, obstacle-rich rule.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

__all__ = ["fractal_model", "run_engine", "main"]

#: Cell size of the synthetic grid (m): the theatre DEM resampled to ~150 m.
CELL_M: float = 150.0
_GRADES = np.linspace(-0.3, 0.3, 13)
#: Benchmark assumption: off-road speeds (km/h) of the 4 synthetic classes (steppe, forest,
#: wetland, cropland); cost is seconds per metre times a grade factor.
_SPEED_KMH = np.array([30.0, 12.0, 6.0, 20.0])


def _table_s_per_m() -> np.ndarray:
    factor = 1.0 + 10.0 * np.clip(_GRADES, 0, None) + 2.0 * np.clip(-_GRADES, 0, None) ** 2
    return (3.6 / _SPEED_KMH)[:, None] * factor[None, :]


def _hash_uniform(iy: np.ndarray, ix: np.ndarray, octave: int, seed: int) -> np.ndarray:
    """Uniform [0, 1) per lattice point (splitmix64 of the point, octave and seed)."""
    with np.errstate(over="ignore"):
        h = (iy.astype(np.uint64)[:, None] * np.uint64(0x9E3779B97F4A7C15)) ^ (
            ix.astype(np.uint64)[None, :] * np.uint64(0xC2B2AE3D27D4EB4F)
        )
        h ^= np.uint64((octave * 0x165667B19E3779F9 + seed * 0x27D4EB2F165667C5) % 2**64)
        h ^= h >> np.uint64(30)
        h *= np.uint64(0xBF58476D1CE4E5B9)
        h ^= h >> np.uint64(27)
        h *= np.uint64(0x94D049BB133111EB)
        h ^= h >> np.uint64(31)
    return (h >> np.uint64(11)).astype(np.float64) * 2.0**-53


def _noise(r0: int, r1: int, c0: int, c1: int, seed: int, base_cells: float) -> np.ndarray:
    """Fractal value noise in [0, 1) on global rows r0..r1, cols c0..c1 (any window alike)."""
    rows = np.arange(r0, r1, dtype=np.float64)
    cols = np.arange(c0, c1, dtype=np.float64)
    z = np.zeros((r1 - r0, c1 - c0), dtype=np.float64)
    amp, total, spacing, octave = 1.0, 0.0, float(base_cells), 0
    while spacing >= 2.0:
        fy, fx = rows / spacing, cols / spacing
        iy, ix = np.floor(fy).astype(np.int64), np.floor(fx).astype(np.int64)
        wy, wx = fy - iy, fx - ix
        wy, wx = wy * wy * (3 - 2 * wy), wx * wx * (3 - 2 * wx)
        lat = _hash_uniform(
            np.arange(iy[0], iy[-1] + 2), np.arange(ix[0], ix[-1] + 2), octave, seed
        )
        jx = ix - ix[0]
        along_x = lat[:, jx] * (1 - wx) + lat[:, jx + 1] * wx
        jy = iy - iy[0]
        z += amp * (along_x[jy] * (1 - wy)[:, None] + along_x[jy + 1] * wy[:, None])
        total += amp
        amp *= 0.5
        spacing /= 2.0
        octave += 1
    return z / total


def _elevation_block(block: np.ndarray, seed: int, block_info=None) -> np.ndarray:
    (r0, r1), (c0, c1) = block_info[None]["array-location"]
    return (3000.0 * _noise(r0, r1, c0, c1, seed, 512)).astype(np.float32)


def _class_block(block: np.ndarray, seed: int, block_info=None) -> np.ndarray:
    (r0, r1), (c0, c1) = block_info[None]["array-location"]
    v = _noise(r0, r1, c0, c1, seed + 1, 256)
    out = np.zeros(v.shape, dtype=np.uint8)  # steppe
    out[v > 0.55] = 1  # forest
    out[(v > 0.45) & (v <= 0.55)] = 3  # cropland
    out[v < 0.35] = 2  # wetland
    out[v < 0.28] = 255  # lakes: barriers the paths must go round
    return out


def fractal_model(shape: tuple[int, int], chunks: int, seed: int = 0):
    """A CostModel whose class_index and elevation_m are dask arrays generated per block."""
    import dask.array as da

    from logistics.cost.model import CostModel

    blank = da.zeros(shape, chunks=chunks, dtype=np.uint8)
    elev = blank.map_blocks(_elevation_block, seed, dtype=np.float32)
    cls = blank.map_blocks(_class_block, seed, dtype=np.uint8)
    return CostModel(
        cls, _table_s_per_m(), float(_GRADES[0]), float(_GRADES[1] - _GRADES[0]),
        (CELL_M, CELL_M), elevation_m=elev, units="s", attrs={"what": "benchmark fractal"},
    )


def _warm_up() -> None:
    """Load the numba kernels (compiled or from cache) on a tiny grid: paid once per process."""
    from logistics.cost.chunked import find_costs_chunked
    from logistics.cost.model import CostModel
    from logistics.cost.solver import find_costs

    tiny = CostModel(np.zeros((4, 4), np.uint8), _table_s_per_m(), float(_GRADES[0]),
                     float(_GRADES[1] - _GRADES[0]), (CELL_M, CELL_M),
                     elevation_m=np.zeros((4, 4), np.float32))
    for stencil in (8, 16):
        find_costs(tiny, [(0, 0)], stencil=stencil)
        find_costs_chunked(tiny, [(0, 0)], chunks=2, stencil=stencil, progress=False)


def _source_cell(model) -> tuple[int, int]:
    """A passable cell near the middle (reads one small window)."""
    ny, nx = model.shape
    r, c = ny // 2, nx // 2
    win = np.asarray(model.class_index[r - 50 : r + 50, c - 50 : c + 50])
    rows, cols = np.nonzero(win != 255)
    k = int(np.argmin((rows - 50) ** 2 + (cols - 50) ** 2))
    return r - 50 + int(rows[k]), c - 50 + int(cols[k])


def run_engine(engine: str, cells: float, *, chunks: int = 2048, workers: int = 2,
               stencil: int = 8, seed: int = 0, out: str | None = None,
               lazy: bool = True) -> dict:
    """Time one engine ("inmemory", "chunked-serial" or "chunked-dask") on a square grid.

    ``lazy`` False generates the terrain into numpy arrays before the clock starts (the same
    inputs for every engine); True leaves it to the chunked engine, which generates it tile by
    tile inside the timed run. Client start-up and the warm-up (imports, numba cache load) of this
    process and of every worker are not timed: a cluster pays them once. Returns a dict of the
    numbers (seconds, cells/s, peak RSS of the process tree, tile solves) and ``result``
    (Accumulated or ChunkedResult) for comparisons.
    """
    import dataclasses

    import dask

    from logistics.cost.chunked import find_costs_chunked
    from logistics.cost.cluster import get_client
    from logistics.cost.solver import find_costs

    n = int(round(math.sqrt(cells)))
    model = fractal_model((n, n), chunks, seed)
    src = _source_cell(model)
    if engine == "inmemory" or not lazy:
        arrays = dask.compute(model.class_index, model.elevation_m)
        model = dataclasses.replace(model, class_index=arrays[0], elevation_m=arrays[1])
    _warm_up()
    row = {"engine": engine, "cells": n * n, "shape": [n, n], "chunks": chunks,
           "stencil": stencil, "lazy": lazy and engine != "inmemory", "source": list(src),
           "loadavg_1m": os.getloadavg()[0]}  # other jobs on the machine skew the seconds
    from logistics.cost.bench import TreePeakRSS

    with TreePeakRSS(every_s=0.1) as rss:
        if engine == "inmemory":
            t0 = time.perf_counter()
            acc = find_costs(model, [src], stencil=stencil)
            row["seconds"] = time.perf_counter() - t0
            row["result"] = acc
        elif engine == "chunked-serial":
            t0 = time.perf_counter()
            res = find_costs_chunked(model, [src], chunks=chunks, stencil=stencil, out=out,
                                     progress=False)
            row["seconds"] = time.perf_counter() - t0
            row["result"] = res
        elif engine == "chunked-dask":
            with get_client(n_workers=workers, memory_limit="2GB") as client:
                client.run(_warm_up)
                t0 = time.perf_counter()
                res = find_costs_chunked(model, [src], chunks=chunks, stencil=stencil,
                                         client=client, out=out, progress=False)
                row["seconds"] = time.perf_counter() - t0
            row["result"] = res
        else:
            raise SystemExit(f"unknown engine {engine!r}")
    row["cells_per_s"] = row["cells"] / row["seconds"]
    row["peak_rss_mb"] = rss.peak / 2**20
    if engine != "inmemory":
        row.update({k: v for k, v in vars(row["result"].stats).items() if k != "seconds"})
    return row


def _same(chunked, acc) -> bool:
    """True if the chunked costs equal the in-memory ones (tile by tile, rtol 1e-12)."""
    cost = chunked.cost
    th, tw = chunked.tile
    for i in range(0, chunked.shape[0], th):
        for j in range(0, chunked.shape[1], tw):
            a = np.asarray(cost[i : i + th, j : j + tw])
            b = acc.cost[i : i + th, j : j + tw]
            if not np.array_equal(np.isinf(a), np.isinf(b)):
                return False
            fin = np.isfinite(b)
            if not np.allclose(a[fin], b[fin], rtol=1e-12, atol=0):
                return False
    return True


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cells", type=float, default=1e7)
    p.add_argument("--chunks", type=int, default=2048)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--stencil", type=int, default=8, choices=(8, 16))
    p.add_argument("--engines", default="chunked-dask",
                   help="comma list of inmemory, chunked-serial, chunked-dask")
    p.add_argument("--compare", action="store_true",
                   help="also run the in-memory engine and check the chunked result equals it")
    p.add_argument("--eager", action="store_true",
                   help="generate the terrain into memory before timing (same inputs for all)")
    p.add_argument("--out", default=None, help="Zarr folder for the result (default: temporary)")
    args = p.parse_args(argv)
    engines = [e for e in args.engines.split(",") if e != "inmemory"]
    if args.compare or "inmemory" in args.engines.split(","):
        engines.append("inmemory")  # last, so its result does not inflate the others' RSS
    chunked: list[tuple[dict, object]] = []
    with tempfile.TemporaryDirectory(prefix="bench-chunked-") as tmp:
        for engine in engines:
            out = args.out or (str(Path(tmp) / f"{engine}.zarr") if engine != "inmemory" else None)
            row = run_engine(engine, args.cells, chunks=args.chunks, workers=args.workers,
                             stencil=args.stencil, out=out, lazy=not args.eager)
            result = row.pop("result")
            if engine != "inmemory":
                chunked.append((row, result))
                continue
            print(json.dumps(row), flush=True)
            for other, res in chunked:
                other["equal_to_inmemory"] = _same(res, result)
        for row, _ in chunked:
            print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
