"""Benchmark of the history stage: compare, Monte Carlo and calibration on the shipped configs.

Measures wall time of (1) one nominal run per documented axis, (2) the same runs again (terrain
cached per process: the saving calibration and Monte Carlo get), (3) scoring and writing the
comparison folder, (4) a calibration grid with leave-one-axis-out (its cost is the grid's
runs: the LOAO folds reuse the cached table).

    .venv/bin/python benchmarks/bench_history.py --resolution-m 5000 --points 2

Prints one line per measurement. Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--resolution-m", type=float, default=5000.0)
    ap.add_argument("--points", type=int, default=2, help="calibration grid points per parameter")
    ap.add_argument("--params", default="speed_scale", help="calibration parameters, comma-separated")
    ap.add_argument("--samples", type=int, default=0, help="Monte Carlo draws per axis in compare")
    ap.add_argument("--workers", type=int, default=None, help="dask workers (default: in-process)")
    args = ap.parse_args()

    from logistics.cli.compare import cluster_for
    from logistics.history.calibrate import calibrate
    from logistics.history.compare import compare
    from logistics.history.inputs import load_inputs
    from logistics.report.compare_outputs import write_comparison
    from logistics.history.runs import Job, run_jobs

    inputs = load_inputs()
    axes = list(inputs.scenarios)
    print(f"axes modeled and documented: {', '.join(axes)}; resolution {args.resolution_m:g} m")
    with cluster_for(args.workers, False) as client:
        for label in ("first runs (terrain loaded)", "second runs (terrain cached)"):
            t0 = time.perf_counter()
            for a in axes:
                t = time.perf_counter()
                run_jobs([Job(inputs.scenarios[a], resolution_m=args.resolution_m)], client=client)
                print(f"  {label}: {a} {time.perf_counter() - t:.1f} s")
            print(f"{label}: {time.perf_counter() - t0:.1f} s for {len(axes)} axes")
        t0 = time.perf_counter()
        comp = compare(resolution_m=args.resolution_m, samples=args.samples, client=client)
        t1 = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            write_comparison(comp, Path(tmp) / "out")
        t2 = time.perf_counter()
        print(f"compare ({args.samples} draws/axis): runs+scoring {t1 - t0:.1f} s, writing {t2 - t1:.1f} s")
        doc = inputs.documented.table
        chosen = {a: (sc, doc[(doc["axis_id"] == a) & doc["usable"]]) for a, sc in inputs.scenarios.items()}
        params = [p for p in args.params.split(",") if p]
        t0 = time.perf_counter()
        cal = calibrate(chosen, params=params, points=args.points, resolution_m=args.resolution_m,
                        client=client)
        n_runs = (args.points ** len(params) + 1) * len(chosen)
        dt = time.perf_counter() - t0
        print(f"calibrate {params} x {args.points} points on {len(chosen)} axes: {n_runs} runs, "
              f"{dt:.1f} s ({dt / n_runs:.2f} s/run); LOAO MAE {cal.loao_mae_km:.1f} km")


if __name__ == "__main__":
    main()
