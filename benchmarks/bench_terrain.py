"""Benchmark of ``load_terrain`` on the shipped layers: the whole theatre at several resolutions,
numpy and dask, plus the gazetteer's first and cached lookups.

Not a test: it prints seconds (wall) per case, the grid shape and cells per second, and checks
that the dask result equals the numpy one cell for cell.

    .venv/bin/python benchmarks/bench_terrain.py
    .venv/bin/python benchmarks/bench_terrain.py --resolution-m 1000 500 --chunks 1024
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def _timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--resolution-m", type=float, nargs="+", default=[2000.0, 1000.0])
    ap.add_argument("--chunks", type=int, default=1024, help="dask chunk edge (cells)")
    ap.add_argument("--no-dask", action="store_true", help="skip the dask runs")
    args = ap.parse_args()

    from logistics import places
    from logistics.terrain import load_terrain

    places._index.cache_clear()
    _, t = _timed(lambda: places.lookup("Hsinking"))
    print(f"gazetteer first lookup (disk cache or cities500 parse): {t:.2f} s")
    _, t = _timed(lambda: places.lookup("Mukden"))
    print(f"gazetteer next lookup: {t * 1e3:.2f} ms")

    for res in args.resolution_m:
        ds, t = _timed(lambda: load_terrain(resolution_m=res))
        ny, nx = ds["elevation_m"].shape
        print(f"theatre {res:g} m numpy: {t:.2f} s, {ny} x {nx} cells, {ny * nx / t / 1e6:.2f} Mcells/s")
        if args.no_dask:
            continue
        lazy, t_build = _timed(lambda: load_terrain(resolution_m=res, chunks=args.chunks))
        computed, t = _timed(lambda: lazy.compute())
        same = all(
            np.array_equal(computed[v].values, ds[v].values, equal_nan=True) for v in ds.data_vars
        )
        print(f"theatre {res:g} m dask ({args.chunks} chunks): graph {t_build:.2f} s, "
              f"compute {t:.2f} s, equal to numpy: {same}")


if __name__ == "__main__":
    main()
