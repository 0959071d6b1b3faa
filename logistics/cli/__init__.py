"""The ``logistics`` command line: one module per sub-command, registered here.

Each module in this package exposes ``register(subparsers)``, which adds its parser and sets
``func`` (a callable taking the parsed ``argparse.Namespace`` and returning an exit code).
Errors of the project's own type end in one clear line on stderr and exit code 2; nothing
else is caught, so a genuine bug still shows its traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from logistics import __version__
from logistics.errors import LogisticsError

__all__ = ["main", "build_parser"]

#: Sub-command modules, in the order ``--help`` lists them (the data flow of the tool).
COMMANDS: tuple[str, ...] = ("sample", "map", "route", "run", "compare", "calibrate", "bench",
                             "schema")


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every registered sub-command."""
    parser = argparse.ArgumentParser(
        prog="logistics",
        description=(
            "Historical GIS logistics: how fast, how far and at what fuel cost an army could "
            "move across real terrain (Manchuria, August 1945), compared with what happened."
        ),
    )
    parser.add_argument("--version", action="version",
                        version=f"logistics {__version__}",
                        help="print the installed version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"logistics.cli.{name}")
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 1
    try:
        return int(args.func(args) or 0)
    except LogisticsError as exc:
        print(f"logistics {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"logistics {args.command}: cancelled", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
