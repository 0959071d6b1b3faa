"""The command line's help and README's command table say the same: every flag of every
sub-command is named in README, and a flag's help says what it does."""

from __future__ import annotations

import argparse

from logistics.cli import COMMANDS, build_parser


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {name: action.choices[name] for name in COMMANDS}


def _help_of(command: str, flag: str) -> str:
    parser = _subparsers()[command]
    return next(a.help for a in parser._actions if flag in a.option_strings)


def test_no_map_says_it_skips_map_png_and_still_writes_map_html():
    """``compare --no-map`` skips only map.png (map.html needs no raster and is written
    either way, report/compare_outputs.py): "skip the map" read as skipping both."""
    words = _help_of("compare", "--no-map")
    assert "map.png" in words and "map.html" in words and "still written" in words
