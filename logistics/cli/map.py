"""`logistics map`: placeholder until its issue lands (the owner replaces this module)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("map", help="(not yet available)")
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    print("logistics map: not yet available")
    return 1
