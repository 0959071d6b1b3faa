"""`logistics bench`: time the accumulated-cost engines against scikit-image and scipy."""

from __future__ import annotations

import argparse

__all__ = ["register"]


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``bench`` sub-command."""
    from logistics.cost.bench import ENGINES

    p = sub.add_parser(
        "bench",
        help="benchmark the cost engines (ours, scikit-image, scipy) on synthetic grids",
        description=(
            "Run every engine on the same synthetic grid per size, each in its own process; "
            "write <out>/solver.json (seconds, cells/s, peak RSS, ratio to scikit-image, max "
            "relative difference to the reference engine) and <out>/solver_scaling.png. "
            "1e8 cells only when --sizes asks for it."
        ),
    )
    p.add_argument("--sizes", default="1e5,1e6,1e7",
                   help="grid sizes in cells, comma separated (default 1e5,1e6,1e7)")
    p.add_argument("--repeat", type=int, default=3,
                   help="runs per engine and size; the median is reported (default 3)")
    p.add_argument("--out", default="benchmarks/results",
                   help="output folder (default benchmarks/results)")
    p.add_argument("--engines", default=",".join(ENGINES),
                   help=f"comma separated subset of: {', '.join(ENGINES)}")
    p.add_argument("--seed", type=int, default=0, help="seed of the synthetic grids")
    p.add_argument("--name", default="solver", help="file stem of the outputs (default solver)")
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from logistics.cost.bench import markdown_table, parse_sizes, run_benchmark, write_results

    results = run_benchmark(
        parse_sizes(args.sizes),
        repeat=args.repeat,
        engines=[e for e in args.engines.split(",") if e.strip()],
        seed=args.seed,
        log=lambda msg: print(msg, flush=True),
    )
    json_path, png_path = write_results(results, args.out, name=args.name)
    print(markdown_table(results))
    print(f"wrote {json_path} and {png_path}")
    return 0
