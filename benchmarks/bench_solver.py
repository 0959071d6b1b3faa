"""Benchmark of the in-memory accumulated-cost engine against scikit-image and scipy.

The same runner as ``logistics bench`` (logistics/bench.py), so the script and the command give
the same numbers; see benchmarks/README.md for the results and how they are measured.

    .venv/bin/python benchmarks/bench_solver.py --sizes 1e5,1e6,1e7 --repeat 3
    .venv/bin/python benchmarks/bench_solver.py --sizes 1e8 --engines ours-aniso8 --repeat 1
"""

from __future__ import annotations

import sys

from logistics.cli import main

if __name__ == "__main__":
    sys.exit(main(["bench", *sys.argv[1:]]))
