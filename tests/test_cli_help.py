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


def _readme_commands() -> str:
    """README's "## Commands" section (its command table and the notes under it)."""
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    start = text.index("\n## Commands\n")
    return text[start:text.index("\n## ", start + 1)]


def test_readme_names_every_flag_of_every_command():
    """README's command table left out most flags (sample --dem, map --dpi, compare --set,
    bench --repeat, ..., newuser25): each flag argparse knows is named on its command's row
    (the row of `logistics COMMAND`), so a new flag fails here until README says it."""
    import re

    rows = {m.group(1): m.group(0) for m in
            re.finditer(r"^\| `logistics (\w+)\b.*$", _readme_commands(), flags=re.M)}
    assert set(rows) == set(COMMANDS), sorted(set(COMMANDS) ^ set(rows))
    missing = [f"{name} {flag}" for name, parser in _subparsers().items()
               for action in parser._actions for flag in action.option_strings
               if flag.startswith("--") and flag != "--help"
               and not re.search(rf"(?<![\w-]){re.escape(flag)}(?![\w-])", rows[name])]
    assert missing == [], "README's command table misses: " + ", ".join(missing)


def test_readme_lists_the_columns_of_legs_csv():
    """legs.csv (`route --out`) had a `lines` column (R09;R08;R01) no document explained:
    README's "What the tables hold" lists each of its columns, `lines` with the file whose
    ids they are."""
    import re
    from pathlib import Path

    from logistics.network.multimodal import MultiRoute

    text = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    (row,) = re.findall(r"^\| `legs\.csv`.*$", text, flags=re.M)
    columns = MultiRoute(legs=(), vehicle="v", mode="any", places=()).table().columns
    assert [c for c in columns if f"`{c}`" not in row] == []
    assert "`lines`" in row and "configs/network/lines-1945.yaml" in row
