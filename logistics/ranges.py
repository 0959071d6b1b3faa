"""The check of a config file's ``uncertain:`` section: each entry a range one of its figures
may take.

The norms files (``configs/norms/*.yaml``) end with ``uncertain:``, a mapping from the dotted
key path of one of the file's figures (list items by their index, ``standards.tank_corps.
vehicles.0.count``) to ``{low: <number>, high: <number>, cite|assumed: ...}``: every shipped
entry has that shape. Nothing draws from these ranges yet (the Monte Carlo of ``compare
--samples`` draws from the army files' own ``uncertain:``), so without this check a typo in a
key, a swapped range or a text where a number belongs passed silently. Each problem names the
key path, the value seen and the fix; the caller puts the file in front.
"""

from __future__ import annotations

import math
from typing import Any

from logistics.errors import range_fix
from logistics.sources import PROVENANCE_KEYS, provenance_problem

__all__ = ["uncertain_problems", "RANGE_KEYS"]

#: The keys an ``uncertain:`` entry may have besides its provenance.
RANGE_KEYS: tuple[str, ...] = ("low", "high")

_SHAPE = ("write {low: <number>, high: <number>, cite: '<where it comes from>'} or "
          "{low: <number>, high: <number>, assumed: '<reason>'}")


def _node(data: Any, dotted: str) -> Any:
    """The node at the dotted key path (list items by index), None when there is none."""
    node = data
    for part in dotted.split("."):
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return None
    return node


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def uncertain_problems(data: Any, section: str = "uncertain") -> list[str]:
    """Every problem of ``data[section]`` (a config file's parsed YAML) as ``"<key path>:
    <what>; fix: ..."`` lines, [] when it is right or absent. An entry must be a mapping with
    numeric ``low <= high``, exactly one provenance key (``cite`` or ``assumed``; :mod:`
    logistics.sources`) and no other key, and name a figure (``{value, ...}``) of the same file
    whose value lies in ``[low, high]``."""
    if not isinstance(data, dict) or data.get(section) is None:
        return []
    ranges = data[section]
    if not isinstance(ranges, dict):
        return [f"{section}: expected a mapping of figure key paths to ranges, got "
                f"{ranges!r:.80}; fix: one line per figure, e.g. `  norms.tank_column."
                f"max_speed_kmh: {{low: 6.6, high: 22.5, assumed: '<reason>'}}`"]
    problems = []
    for key, entry in ranges.items():
        where = f"{section}.{key}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: {entry!r:.80}, expected a range; fix: {_SHAPE}")
            continue
        for extra in sorted(set(entry) - set(RANGE_KEYS) - set(PROVENANCE_KEYS) - {"quote"}):
            problems.append(f"{where}.{extra}: not a key of a range ({entry[extra]!r:.40}); "
                            f"fix: remove it or correct its name: {_SHAPE}")
        ends = {}
        for end in RANGE_KEYS:
            if end not in entry:
                problems.append(f"{where}.{end}: missing; fix: {_SHAPE}")
            elif not _number(entry[end]):
                problems.append(f"{where}.{end}: {entry[end]!r:.40}, expected a finite number; "
                                f"{range_fix(end, entry[end])}")
            else:
                ends[end] = float(entry[end])
        low, high = ends.get("low"), ends.get("high")
        if low is not None and high is not None and low > high:
            problems.append(f"{where}: low {low:g} > high {high:g}; fix: give low <= high "
                            f"(swap them: {{low: {high:g}, high: {low:g}}})")
        problem = provenance_problem(entry)
        if problem is not None:
            problems.append(f"{where}: expected {problem[0]}; {problem[1]}")
        figure = _node(data, str(key))
        if not isinstance(figure, dict) or "value" not in figure:
            problems.append(f"{where}: names no figure {{value, cite|assumed}} of this file; "
                            "fix: write the dotted key path of a figure (list items by their "
                            "index, e.g. standards.tank_corps.vehicles.0.count) or remove the "
                            "line")
        elif low is not None and high is not None and low <= high:
            value = figure["value"]
            if _number(value) and not low <= value <= high:
                problems.append(f"{where}: the figure's value {value:g} lies outside its range "
                                f"[{low:g}, {high:g}]; fix: widen the range to hold it, or "
                                "correct the value")
    return problems
