"""Benchmark of the explicit cost surface against numpy's streaming speed.

For each grid size and vehicle: the time to compute the surface (time_s and fuel_l, every
offset of the stencil, float32) with :func:`logistics.cost.surface.surface_arrays` on numpy
(both quantities in one fused pass, as ``cost_surface`` does), against ``a * b + c`` on float64
arrays of one grid (numpy's streaming speed, always one core: numpy does not thread it).
``workers`` is the number of numba threads sharing the rows of the surface (1 = serial kernel);
every ratio compares that against the single-threaded ``a*b+c``.

Two ratios are reported (target >= 0.5):

* ``rate_ratio``: values produced per second by the surface over elements per second of
  ``a*b+c`` (= layers * t_stream / t_surface; a layer is one offset of one quantity);
* ``bw_ratio``: nominal bytes moved per second by the surface (each layer reads class index,
  elevation and entry cost and writes float32) over those of ``a*b+c`` (3 reads + 1 write).

Run: ``.venv/bin/python benchmarks/bench_surface.py [--sizes 1e6,1e7] [--workers 1,2]
[--stencil 8] [--vehicles all] [--repeat 3] [--terrain real|synthetic]
[--out benchmarks/results_surface.json]``. ``real`` (default) is the shipped theatre DEM and
classes resampled to the size (1e7 cells is about 650 m); the machine's 1-minute load average at
the end is recorded, since other processes slow the kernel more than they slow ``a*b+c``.
Cost-model building is timed separately (``build_s``); it is not part of the surface time.
Other processes on the machine slow both sides alike only if they are steady: the median of
``--repeat`` runs, interleaved, is reported, in wall time and in CPU time of this process
(``rate_ratio_cpu``, single worker only: on a shared machine CPU time is the fairer clock).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path

import numba
import numpy as np
import xarray as xr

from logistics.cost.physics import build_cost_model
from logistics.cost.surface import surface_arrays
from logistics.vehicles import list_vehicles, load_vehicle


def real_terrain(n_cells: float) -> xr.Dataset:
    """The shipped theatre at the resolution that gives about ``n_cells`` cells."""
    from logistics import settings
    from logistics.terrain import load_terrain

    full = load_terrain(None, resolution_m=4000.0)
    res = 4000.0 * (full.sizes["y"] * full.sizes["x"] / n_cells) ** 0.5
    return load_terrain(settings.THEATRE_BBOX, resolution_m=res)


def synthetic_terrain(n_cells: float, *, seed: int = 0, res_m: float = 1000.0) -> xr.Dataset:
    """A square grid of about ``n_cells``: blocky relief (+-300 m), class patches, rivers."""
    n = int(round(n_cells ** 0.5))
    rng = np.random.default_rng(seed)
    coarse = rng.normal(0.0, 300.0, (n // 50 + 2, n // 50 + 2))
    z = coarse.repeat(50, 0).repeat(50, 1)[:n, :n] + rng.normal(0, 10.0, (n, n))
    patches = rng.integers(1, 7, (n // 20 + 2, n // 20 + 2)).astype(np.uint8)
    tc = patches.repeat(20, 0).repeat(20, 1)[:n, :n]
    rc = np.zeros((n, n), np.uint8)
    rc[:, ::97] = 3
    x = np.arange(n) * res_m
    y = (n - np.arange(n)) * res_m
    return xr.Dataset(
        {"elevation_m": (("y", "x"), (500.0 + z).astype(np.float32)),
         "terrain_class": (("y", "x"), tc), "river_class": (("y", "x"), rc)},
        coords={"x": x, "y": y},
    )


def _timed(fn) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process: user + system, all threads) of ``fn()``."""
    w0, c0 = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w0, time.process_time() - c0


def run(sizes, vehicles, workers_list, stencil: int, repeat: int, terrain_kind: str) -> list[dict]:
    results = []
    for size in sizes:
        terrain = real_terrain(size) if terrain_kind == "real" else synthetic_terrain(size)
        n = terrain.sizes["y"] * terrain.sizes["x"]
        a, b, c = (np.random.default_rng(i).random(n) for i in range(3))
        for vid in vehicles:
            v = load_vehicle(vid)
            t0 = time.perf_counter()
            models = [build_cost_model(terrain, v, objective="time")]
            if v.is_motorised:
                models.append(build_cost_model(terrain, v, objective="fuel"))
            build_s = time.perf_counter() - t0
            for workers in workers_list:
                def surface():
                    surface_arrays(models, stencil=stencil, workers=workers)

                surface()  # warm-up: numba dispatch, page faults of the first allocation
                t_stream, t_surf = [], []
                for _ in range(repeat):  # interleave so both see the same machine load
                    t_stream.append(_timed(lambda: a * b + c))
                    t_surf.append(_timed(surface))
                ts, tf = (statistics.median(t[0] for t in x) for x in (t_stream, t_surf))
                cs, cf = (statistics.median(t[1] for t in x) for x in (t_stream, t_surf))
                layers = stencil * len(models)
                stream_bytes = 4 * n * 8
                surf_bytes = layers * n * (1 + 4 + 4 + 4)
                results.append(dict(
                    cells=n, terrain=terrain_kind, vehicle=v.id, stencil=stencil, workers=workers,
                    numba_threads=min(workers, numba.config.NUMBA_NUM_THREADS),
                    layers=layers, surface_s=tf, stream_s=ts, build_s=build_s,
                    ns_per_value=tf / (layers * n) * 1e9,
                    stream_gb_s=stream_bytes / ts / 1e9, surface_gb_s=surf_bytes / tf / 1e9,
                    rate_ratio=layers * ts / tf, bw_ratio=(surf_bytes / tf) / (stream_bytes / ts),
                    surface_cpu_s=cf, stream_cpu_s=cs,
                    cpu_ns_per_value=cf / (layers * n) * 1e9,
                    rate_ratio_cpu=layers * cs / cf if workers == 1 else None,
                ))
                r = results[-1]
                print(f"{n:>9} {v.id:15s} w={workers} surface {tf:7.3f} s "
                      f"({r['ns_per_value']:.2f} ns/value)  a*b+c {ts * 1e3:6.1f} ms "
                      f"rate_ratio {r['rate_ratio']:.2f} bw_ratio {r['bw_ratio']:.2f} | CPU "
                      f"{r['cpu_ns_per_value']:.2f} ns/value, a*b+c {cs * 1e3:6.1f} ms"
                      + (f" rate_ratio_cpu {r['rate_ratio_cpu']:.2f}" if workers == 1 else ""),
                      flush=True)
    return results


def _threading_layer() -> str:
    """numba's threading layer in use (after a parallel kernel ran), or "none"."""
    try:
        return numba.threading_layer()
    except ValueError:
        return "none"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="1e6,1e7")
    p.add_argument("--vehicles", default="all")
    p.add_argument("--workers", default="1,2")
    p.add_argument("--stencil", type=int, default=8)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--terrain", choices=("real", "synthetic"), default="real",
                   help="the shipped theatre (resampled to the size) or a synthetic grid")
    p.add_argument("--out", default="benchmarks/results_surface.json")
    args = p.parse_args()
    vehicles = list_vehicles() if args.vehicles == "all" else args.vehicles.split(",")
    results = run([float(s) for s in args.sizes.split(",")], vehicles,
                  [int(w) for w in args.workers.split(",")], args.stencil, args.repeat,
                  args.terrain)
    out = dict(machine=dict(python=platform.python_version(), cpu=platform.processor(),
                            numpy=np.__version__, numba=numba.__version__,
                            cpus=os.cpu_count(), threading_layer=_threading_layer(),
                            load_average_1min=os.getloadavg()[0]), results=results)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=1))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
