"""In-process A/B of a solver switch (e.g. ``_UNROLLED8``) on the bench grid, CPU seconds.

The two variants alternate (ABAB, order reversed every round) in one process on one grid, so a
busy machine slows both alike; the costs of the two variants must be bit-identical.

    .venv/bin/python benchmarks/ab_solver_switch.py 1e6 16 _UNROLLED8
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np

from logistics.cost import bench, solver


def main(size: float, rounds: int, flag: str) -> None:
    grid = bench.make_grid(int(size))
    model = grid.model()
    tiny = bench.make_grid(1000).model()
    for value in (True, False):  # compile both variants before the clock
        setattr(solver, flag, value)
        solver.find_costs(tiny, [(5, 5)])
    seconds: dict[bool, list[float]] = {True: [], False: []}
    first: dict[bool, np.ndarray] = {}
    for k in range(rounds):
        for value in ((True, False) if k % 2 == 0 else (False, True)):
            setattr(solver, flag, value)
            c0 = time.process_time()
            cost = solver.find_costs(model, [grid.source]).cost
            seconds[value].append(time.process_time() - c0)
            first.setdefault(value, cost)
    print("bit-identical costs:", np.array_equal(first[True], first[False]))
    for value in (True, False):
        a = np.array(seconds[value])
        print(f"{flag}={value}: CPU s min {a.min():.3f} median {np.median(a):.3f}")
    on, off = np.array(seconds[True]), np.array(seconds[False])
    print(f"on/off: median {np.median(on) / np.median(off):.3f}, min {on.min() / off.min():.3f}; "
          f"load {os.getloadavg()}")


if __name__ == "__main__":
    main(float(sys.argv[1]), int(sys.argv[2]), sys.argv[3])
