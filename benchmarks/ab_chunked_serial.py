"""In-process A/B: the chunked solver in one process against the in-memory one (CPU seconds).

Same fractal grid as bench_chunked.py, generated into memory first (eager); the engines
alternate in one process, so a busy machine slows both alike. Several band widths
(``BAND_TILES``) can be compared in the same run; each chunked result is checked equal to the
in-memory one (inf at the same cells, rtol 1e-12).

    .venv/bin/python benchmarks/ab_chunked_serial.py 1e7 2048 3 0.5,1,2
"""

from __future__ import annotations

import dataclasses
import os
import sys
import time
from pathlib import Path

import dask
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_chunked  # noqa: E402

import logistics.cost.chunked.solve as chunked_solve  # noqa: E402
from logistics.cost.chunked import find_costs_chunked  # noqa: E402
from logistics.cost.solver import find_costs  # noqa: E402


def main(cells: float, chunks: int, rounds: int, bands: list[float]) -> None:
    n = int(round(cells ** 0.5))
    model = bench_chunked.fractal_model((n, n), chunks, 0)
    src = bench_chunked._source_cell(model)
    arrays = dask.compute(model.class_index, model.elevation_m)
    model = dataclasses.replace(model, class_index=arrays[0], elevation_m=arrays[1])
    bench_chunked._warm_up()
    ref = None
    cpu: dict[str, list[float]] = {}
    for k in range(rounds):
        for name in ["inmemory"] + [f"band {b:g}" for b in bands]:
            c0 = time.process_time()
            if name == "inmemory":
                ref = find_costs(model, [src]).cost
            else:
                chunked_solve.BAND_TILES = float(name.split()[1])
                res = find_costs_chunked(model, [src], chunks=chunks, progress=False)
            cpu.setdefault(name, []).append(time.process_time() - c0)
            if name != "inmemory" and k == 0:
                got = np.asarray(res.cost)
                fin = np.isfinite(ref)
                same = np.array_equal(np.isinf(got), np.isinf(ref)) and np.allclose(
                    got[fin], ref[fin], rtol=1e-12, atol=0)
                st = res.stats
                print(f"{name}: equal {same}; {st.tile_solves} solves of {st.n_tiles} tiles "
                      f"(max {st.max_solves_per_tile}); {st.cell_expansions / fin.sum():.3f} "
                      "expansions per reachable cell", flush=True)
    base = np.median(cpu["inmemory"])
    for name, v in cpu.items():
        print(f"{name}: CPU s median {np.median(v):.3f} min {min(v):.3f} "
              f"(x{np.median(v) / base:.2f} of in-memory)")
    print("load", os.getloadavg())


if __name__ == "__main__":
    main(float(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]),
         [float(b) for b in sys.argv[4].split(",")] if len(sys.argv) > 4 else [1.0])
