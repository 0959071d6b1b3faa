"""The ``uncertain:`` ranges of the norms files: their check, their Monte Carlo draw, and a
run's drawn values.

The norms files (``configs/norms/*.yaml``) end with ``uncertain:``, a mapping from the dotted
key path of one of the file's figures (list items by their index, ``standards.tank_corps.
vehicles.0.count``) to ``{low: <number>, high: <number>, cite|assumed: ...}``: every shipped
entry has that shape. :func:`uncertain_problems` checks it where the files are read (a typo in
a key, a swapped range or a text where a number belongs); each problem names the key path, the
value seen and the fix; the caller puts the file in front.

The Monte Carlo of ``compare --samples`` draws these ranges too, those of march.yaml and
movement.yaml (:data:`DRAWN_NORMS`; :func:`sample_norms_overrides`, the same uniform rule as
the army files'). A drawn value is an override keyed by the prefix
that names its file (:data:`NORMS_FILES`): ``norms/march:norms.tank_column.max_speed_kmh``.
It travels with the run's job; ``run_scenario`` opens :func:`norms_overrides` for the run
only, and each norms reader patches a copy of its file's parsed YAML with it
(:func:`active_patch`, :func:`patched`) before the same checks as ever: no override, no patch,
the files as read.
"""

from __future__ import annotations

import contextlib
import copy
import math
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import numpy as np

from logistics import settings
from logistics.errors import ConfigError, did_you_mean, range_fix
from logistics.sources import PROVENANCE_KEYS, configs_folder_of, provenance_problem

__all__ = ["uncertain_problems", "RANGE_KEYS", "NORMS_FILES", "DRAWN_NORMS", "norms_key",
           "norms_override_problem", "split_norms_overrides",
           "norms_ranges", "norms_values", "sample_norms_overrides", "norms_overrides",
           "active_patch", "patched", "range_beyond"]

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


def uncertain_problems(data: Any, section: str = "uncertain", *,
                       config_dir: str | Path | None = None) -> list[str]:
    """Every problem of ``data[section]`` (a config file's parsed YAML) as ``"<key path>:
    <what>; fix: ..."`` lines, [] when it is right or absent. An entry must be a mapping with
    numeric ``low <= high``, exactly one provenance key (``cite`` or ``assumed``; :mod:`
    logistics.sources`, citing keys of the bibliography of the configs folder ``config_dir``,
    ``settings.CONFIG_DIR``'s when None) and no other key, and name a figure (``{value,
    ...}``) of the same file whose value lies in ``[low, high]``."""
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
        problem = provenance_problem(entry, config_dir=config_dir)
        if problem is not None:
            problems.append(f"{where}: expected {problem[0]}; {problem[1]}")
        figure = _node(data, str(key))
        if not isinstance(figure, dict) or "value" not in figure:
            problems.append(f"{where}: names no figure {{value, cite|assumed}} of this file "
                            f"(the figure missing, or the key misspelt); fix: restore the figure "
                            f"{key} if it was removed, else write the dotted key path of a "
                            "figure (list items by their index, e.g. "
                            "standards.tank_corps.vehicles.0.count) or remove the line")
        elif low is not None and high is not None and low <= high:
            value = figure["value"]
            if _number(value) and not low <= value <= high:
                problems.append(f"{where}: the figure's value {value:g} lies outside its range "
                                f"[{low:g}, {high:g}]; fix: widen the range to hold it, or "
                                "correct the value")
    return problems


# --------------------------------------------------------------------------------------------
# drawing the norms' ranges (module docstring)

#: Override-key prefix -> the norms file it names (in ``<configs>/norms/``).
NORMS_FILES: dict[str, str] = {"norms/march": "march.yaml", "norms/movement": "movement.yaml",
                               "norms/formations": "formations.yaml"}

#: The norms files whose ranges a Monte Carlo draw takes. Not formations.yaml: its standards'
#: vehicle counts, drawn apart from an army file's own lift (``lift.count``), can leave a
#: formation fewer trucks than the file lifts men in (a ConfigError in tbf-39a's draws); its
#: figures can still be overridden by hand (``norms/formations:...``).
DRAWN_NORMS: tuple[str, ...] = ("norms/march", "norms/movement")

#: The run's norms patches: file name -> ((dotted key path, value), ...). Empty outside
#: :func:`norms_overrides` (a nominal run reads the files as they are).
_ACTIVE: ContextVar[Mapping[str, tuple[tuple[str, float], ...]]] = ContextVar(
    "logistics_norms_overrides", default={})


def range_beyond(data: Any, dotted: str, lo: float, hi: float, *, strict_lo: bool = False,
                 section: str = "uncertain") -> str | None:
    """The problem of the ``uncertain:`` range of the figure ``dotted`` (a config file's parsed
    YAML ``data``) when it reaches past the bounds the figure's reader allows (``lo``, ``hi``),
    else None. Why: a draw beyond them (``low: -1`` of a speed) failed only inside a Monte
    Carlo run, after the nominal runs, naming a value the file never gives. ``strict_lo``:
    the figure must be above ``lo``, not at it."""
    ranges = data.get(section) if isinstance(data, dict) else None
    entry = ranges.get(dotted) if isinstance(ranges, dict) else None
    if not isinstance(entry, dict) or not all(_number(entry.get(k)) for k in RANGE_KEYS):
        return None  # no range, or one uncertain_problems names
    low, high = float(entry["low"]), float(entry["high"])
    if (low > lo or (low == lo and not strict_lo)) and high <= hi:
        return None
    bounds = f"{'(' if strict_lo else '['}{lo:g}, {hi:g}]"
    return (f"{section}.{dotted}: {{low: {low:g}, high: {high:g}}} reaches beyond what the "
            f"figure may be ({bounds}), so a Monte Carlo draw there would be refused; "
            f"fix: a range within {bounds}")


def norms_key(prefix: str, dotted: str) -> str:
    """The override key of the figure ``dotted`` of the norms file ``prefix``
    (``norms/march``, :data:`NORMS_FILES`)."""
    return f"{prefix}:{dotted}"


def norms_override_problem(key: str) -> str | None:
    """Why ``key`` (an override key beginning ``norms/``) is not ``<file>:<dotted key path>``
    with ``<file>`` one of :data:`NORMS_FILES` (None when it is), with the fix. The one check
    of that shape: :func:`split_norms_overrides` raises it, and the command line's ``--set``
    and the API's ``overrides=`` list it before any run
    (:func:`logistics.army.overrides.overrides_problems`)."""
    prefix, sep, dotted = str(key).partition(":")
    if prefix in NORMS_FILES and sep and dotted:
        return None
    hint = did_you_mean(prefix, sorted(NORMS_FILES)) if prefix not in NORMS_FILES else ""
    return (f"override {key!r}: not a norms figure; fix: write <file>:<dotted key path> "
            f"with <file> one of {sorted(NORMS_FILES)}, e.g. "
            "norms/march:norms.tank_column.max_speed_kmh" + (f" ({hint})" if hint else ""))


def split_norms_overrides(overrides: Mapping[str, float] | None
                          ) -> tuple[dict[str, float], dict[str, tuple[tuple[str, float], ...]]]:
    """(the overrides that are not the norms', {norms file name: ((dotted, value), ...)}, sorted
    by key). ConfigError for a key ``norms/<x>:...`` whose prefix names no norms file."""
    rest: dict[str, float] = {}
    norms: dict[str, list[tuple[str, float]]] = {}
    for key, value in (overrides or {}).items():
        if not str(key).startswith("norms/"):
            rest[key] = value
            continue
        problem = norms_override_problem(str(key))
        if problem:
            raise ConfigError(problem)
        prefix, _, dotted = str(key).partition(":")
        norms.setdefault(NORMS_FILES[prefix], []).append((dotted, float(value)))
    return rest, {f: tuple(sorted(v)) for f, v in norms.items()}


def _read(folder: Path, name: str) -> dict:
    from logistics._yaml import load_yaml

    data = load_yaml(folder / name, what="norms file") or {}
    return data if isinstance(data, dict) else {}


def norms_ranges(folder: str | Path | None = None,
                 files: tuple[str, ...] = DRAWN_NORMS) -> dict[str, tuple[float, float]]:
    """Every ``uncertain:`` range of the norms ``files`` (prefixes of :data:`NORMS_FILES`;
    default :data:`DRAWN_NORMS`) of ``folder`` (default ``settings.CONFIG_DIR/norms``) as
    {override key: (low, high)}, in file then key order."""
    d = Path(folder) if folder is not None else Path(settings.CONFIG_DIR) / "norms"
    out: dict[str, tuple[float, float]] = {}
    for prefix in files:
        name = NORMS_FILES[prefix]
        data = _read(d, name)
        problems = uncertain_problems(data, config_dir=configs_folder_of(d / name))
        if problems:
            raise ConfigError(f"{d / name}: {len(problems)} problem(s) in its uncertain: ranges "
                              "(fix each key as said):\n  " + "\n  ".join(problems))
        for key, entry in sorted((data.get("uncertain") or {}).items()):
            out[norms_key(prefix, str(key))] = (float(entry["low"]), float(entry["high"]))
    return out


def norms_values(folder: str | Path | None = None,
                 files: tuple[str, ...] = DRAWN_NORMS) -> dict[str, float | None]:
    """The nominal value of each figure :func:`norms_ranges` gives a range, by the same override
    key (None where the key's node holds no number: a ``when:`` bound's own key, say)."""
    d = Path(folder) if folder is not None else Path(settings.CONFIG_DIR) / "norms"
    out: dict[str, float | None] = {}
    for prefix in files:
        data = _read(d, NORMS_FILES[prefix])
        for key in sorted(data.get("uncertain") or {}):
            node = _node(data, str(key))
            node = node.get("value") if isinstance(node, dict) else node
            out[norms_key(prefix, str(key))] = float(node) if _number(node) else None
    return out


def sample_norms_overrides(seed: int, folder: str | Path | None = None) -> dict[str, float]:
    """One Monte Carlo draw of the norms: a value uniform in [low, high] for every
    ``uncertain:`` range of the drawn norms files (:data:`DRAWN_NORMS`, :func:`norms_ranges`),
    from ``seed``."""
    rng = np.random.default_rng(seed)
    return {k: float(rng.uniform(lo, hi)) for k, (lo, hi) in norms_ranges(folder).items()}


@contextlib.contextmanager
def norms_overrides(overrides: Mapping[str, float] | None) -> Iterator[dict[str, float]]:
    """Within the block, the norms readers patch their files with the ``norms/...`` keys of
    ``overrides``; yields the other keys. Scoped to this block and this thread (a
    ``ContextVar``, reset on exit): nothing leaks into another run or a nominal one."""
    rest, norms = split_norms_overrides(overrides)
    token = _ACTIVE.set(norms)
    try:
        yield rest
    finally:
        _ACTIVE.reset(token)


def active_patch(name: str) -> tuple[tuple[str, float], ...]:
    """The current run's patch of the norms file ``name`` (``march.yaml``, ...), () when none."""
    return _ACTIVE.get().get(name, ())


def patched(data: Any, patch: tuple[tuple[str, float], ...], path: str | Path) -> Any:
    """A copy of a norms file's parsed YAML with each ``(dotted, value)`` of ``patch`` written as
    its figure's value (an integer figure takes the rounded value); ``data`` itself when
    ``patch`` is empty. ConfigError naming the file and key when a key names no figure."""
    if not patch:
        return data
    out = copy.deepcopy(data)
    for dotted, value in patch:
        figure = _node(out, dotted)
        if not isinstance(figure, dict) or "value" not in figure or not _number(figure["value"]):
            raise ConfigError(f"{path}: override {dotted!r} names no figure {{value, cite|assumed}}"
                              " of this file; fix: the dotted key path of one (list items by "
                              "their index), e.g. a key of its uncertain: section")
        old = figure["value"]
        figure["value"] = int(round(value)) if isinstance(old, int) else float(value)
    return out
