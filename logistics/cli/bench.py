"""`logistics bench`: time the accumulated-cost engines against scikit-image and scipy."""

from __future__ import annotations

import argparse
import json
import stat
from pathlib import Path

from logistics.cli import check_identifier, int_in, names_once, path_text, seed
from logistics.errors import OutputError

__all__ = ["register", "MAX_REPEAT"]

#: Most runs per engine and size (the median settles after a handful).
MAX_REPEAT = 100


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``bench`` sub-command."""
    from logistics.cost.bench import ENGINES

    p = sub.add_parser(
        "bench",
        help="benchmark the cost engines (ours, scikit-image, scipy, GRASS, WhiteboxTools, C++) on "
             "synthetic grids",
        description=(
            "Run every engine on the same synthetic grid per size, each in its own process; "
            "write <out>/solver.json (seconds, cells/s, peak RSS, ratio to scikit-image, max "
            "relative difference to the reference engine) and <out>/solver_scaling.png. "
            "1e8 cells only when --sizes asks for it."
        ),
    )
    p.add_argument("--sizes", default="1e5,1e6,1e7",
                   help="grid sizes in cells, comma separated (default 1e5,1e6,1e7)")
    p.add_argument("--repeat", type=int_in(1, MAX_REPEAT), default=3,
                   help=f"runs per engine and size, 1-{MAX_REPEAT}; the median is reported "
                        "(default 3)")
    p.add_argument("--out", default="out/bench", type=path_text,
                   help="output folder, created if missing; <name>.json and "
                        "<name>_scaling.png in it are replaced only when they are earlier "
                        "benchmark results (default out/bench; the project's recorded runs "
                        "are in benchmarks/results, written there with --out)")
    p.add_argument("--engines", default=",".join(ENGINES),
                   help=f"comma separated subset of: {', '.join(ENGINES)}")
    p.add_argument("--seed", type=seed, default=0, help="seed of the synthetic grids")
    p.add_argument("--name", default="solver",
                   help="file stem of the outputs: letters, digits, '-', '_', '.' (default solver)")
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from logistics.cost.bench import markdown_table, parse_sizes, run_benchmark, write_results

    check_identifier(args.name, "--name")
    _check_out(Path(args.out), args.name)
    engines = names_once(args.engines, "--engines")
    if not engines:
        from logistics.cost.bench import ENGINES
        from logistics.errors import ConfigError

        raise ConfigError(f"--engines {args.engines!r} names no engine; give one or more of "
                          f"{', '.join(ENGINES)}")
    results = run_benchmark(
        parse_sizes(args.sizes),
        repeat=args.repeat,
        engines=engines,
        seed=args.seed,
        log=lambda msg: print(msg, flush=True),
    )
    json_path, png_path = write_results(results, args.out, name=args.name)
    print(markdown_table(results))
    print(f"wrote {json_path} and {png_path}")
    return 0


def _check_out(folder: Path, name: str) -> None:
    """The results folder is a folder (or will be made); the two files written in it are
    absent or earlier results of this command: never a file, device or link of the user's."""
    from logistics._atomic import check_parent, check_writable

    check_parent(folder)
    try:
        st = folder.lstat()
    except FileNotFoundError:
        check_writable(folder)
        return
    if stat.S_ISLNK(st.st_mode) and folder.is_dir():
        pass  # a link to a results folder is fine: files are written inside it
    elif not stat.S_ISDIR(st.st_mode):
        raise OutputError(f"--out {str(folder)!r} is not a folder; bench writes {name}.json and "
                          f"{name}_scaling.png into a folder: choose one")
    check_writable(folder)
    for path, ours in ((folder / f"{name}.json", _is_results_json),
                       (folder / f"{name}_scaling.png", _is_png)):
        try:
            pst = path.lstat()
        except FileNotFoundError:
            continue
        if not stat.S_ISREG(pst.st_mode) or not ours(path):
            raise OutputError(f"{str(path)!r} exists and is not an earlier benchmark result; it "
                              "is never replaced: choose another --name or --out")


def _is_results_json(path: Path) -> bool:
    try:
        if path.stat().st_size > 50 * 2**20:
            return False
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and isinstance(data.get("meta"), dict) and \
        isinstance(data.get("results"), list)


def _is_png(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(8) == b"\x89PNG\r\n\x1a\n"
    except OSError:
        return False
