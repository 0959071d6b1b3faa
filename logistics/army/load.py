"""Read an army file once at the edge: YAML -> validated :class:`~logistics.army.schema.Army`
(:mod:`~logistics.army.validate`), cross-checked (:mod:`~logistics.army.checks`); and the army
files of a folder. Why: one door from a file to an army, every problem in one ConfigError naming
file, key, value and fix.

The figure paths and overrides (:mod:`~logistics.army.overrides`), the cross-checks and the
validation are re-exported here for the callers that import them from this module.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

from logistics.army.checks import check_army, line_ids
from logistics.army.overrides import (
    GLOBAL_OVERRIDE_RANGES,
    GLOBAL_OVERRIDES,
    apply_army_overrides,
    army_figure_paths,
    global_override_problem,
    override_problem,
    sample_army_overrides,
)
from logistics.army.schema import Army
from logistics.army.validate import csv_given, validate_army
from logistics.errors import ConfigError, LogisticsError

__all__ = [
    "load_army",
    "army_by_name",
    "validate_army",
    "check_army",
    "army_paths",
    "load_armies",
    "army_figure_paths",
    "apply_army_overrides",
    "override_problem",
    "sample_army_overrides",
    "line_ids",
    "GLOBAL_OVERRIDES",
    "GLOBAL_OVERRIDE_RANGES",
    "global_override_problem",
]

#: Files in a configs folder that are data, not army files.
NOT_ARMIES: frozenset[str] = frozenset({"sources.yaml", "fortified-regions.yaml"})

#: The suffixes of the army files a folder holds (:func:`army_paths`).
ARMY_SUFFIXES: tuple[str, ...] = (".yaml", ".yml")


def army_paths(folder: str | Path) -> list[Path]:
    """The army files directly in ``folder``: every ``*.yaml`` and ``*.yml``, in any case (one
    suffix is as good as the other), sorted by name, except the data files (:data:`NOT_ARMIES`, in either
    suffix).

    A link to a missing file (or a loop of links) is kept, so that loading it says what is
    wrong rather than the file being skipped without a word. Two files of one name but the
    suffix (``a.yaml`` and ``a.yml``) raise one ConfigError naming both: which of them is the
    army is the user's to say, and a folder run or a comparison must not pick one silently."""
    data = {Path(name).stem for name in NOT_ARMIES}
    # the suffix in any case: a TBF-36A.YAML was left out of a folder run and a comparison
    # without a word on Linux (its glob is case-sensitive; macOS's and Windows' are not)
    paths = sorted(p for p in Path(folder).glob("*.*") if p.suffix.lower() in ARMY_SUFFIXES
                   and (p.is_file() or (p.is_symlink() and not p.exists()))
                   and p.stem not in data)
    by_stem: dict[str, list[Path]] = {}
    for p in paths:
        by_stem.setdefault(p.stem, []).append(p)
    twins = [" and ".join(p.name for p in ps) for ps in by_stem.values() if len(ps) > 1]
    if twins:
        raise ConfigError(f"{folder}: an army file name given twice, as .yaml and .yml: "
                          f"{'; '.join(twins)} (a folder run reads both suffixes and would run "
                          "each); fix: remove or rename one file of each pair")
    return paths


def load_armies(paths: list[Path], loader: Callable[[Path], Army],
                twin: Callable[[Army, str], str]) -> tuple[dict[Path, Army], list[str]]:
    """Every army file of ``paths`` loaded by ``loader`` before any run: ``({path: army}`` of
    the good ones, ``["<file name>: <why>", ...]``): a file that does not load, and a second
    file of an ``axis_id`` already loaded, in ``twin(army, first file's name)``'s words (a
    folder run's run folder, a comparison's axis). One loop for ``logistics run <folder>`` and
    ``logistics compare``, which each had their own."""
    loaded: dict[Path, Army] = {}
    owner: dict[str, str] = {}
    failures: list[str] = []
    for path in paths:
        try:
            army = loader(path)
        except LogisticsError as exc:
            failures.append(f"{path.name}: {exc}")
            continue
        if army.axis_id in owner:
            failures.append(f"{path.name}: {twin(army, owner[army.axis_id])}")
            continue
        owner[army.axis_id] = path.name
        loaded[path] = army
    return loaded, failures


def army_by_name(target: str | Path, config_dir: str | Path | None = None) -> Path:
    """``target`` as a path, or, for a bare name that is no file here (``tbf-6gta``,
    ``tbf-6gta.yaml``), the army file of that name in the configs folder ``config_dir``
    (``settings.CONFIG_DIR`` when None) when it holds one: a shipped scenario by name from
    any folder, as ``logistics run tbf-6gta`` and ``logistics.run("tbf-6gta")`` both take it
    (the API refused the name the command took)."""
    from logistics import settings

    path = Path(target)
    if path.exists() or len(path.parts) != 1:
        return path
    folder = Path(config_dir) if config_dir is not None else Path(settings.CONFIG_DIR)
    for name in (path.name, *(path.name + s for s in ARMY_SUFFIXES)):
        if (folder / name).is_file():
            return folder / name
    return path


def load_army(path: str | Path, *, check: bool = True,
              config_dir: str | Path | None = None) -> Army:
    """Read, validate and (``check``) cross-check one army file; see :func:`check_army`.
    ``config_dir``: the configs folder whose vehicles, norms, fortified regions and station
    list it is checked against (``settings.CONFIG_DIR`` when None); the army keeps it, and
    :func:`~logistics.runner.run_scenario` runs it on that folder."""
    p = Path(path)
    if not p.exists():  # anything else that is no regular file: the one reader says so
        if p.is_symlink():
            raise ConfigError(f"army file {str(p)!r} is a symbolic link to {os.readlink(p)!r}, "
                              "which does not exist (or a loop of links); point the link at "
                              "an army file, or remove it")
        raise ConfigError(f"army file {str(p)!r} does not exist; give the path of a .yaml file "
                          "(e.g. configs/tbf-6gta.yaml)")
    if p.suffix.lower() in (".csv", ".tsv"):  # before YAML reads it: no syntax error at a column
        raise csv_given(str(p))
    from logistics._yaml import load_yaml

    data = load_yaml(p, what="army file")  # the one safe reader (bounded, no duplicate keys)
    raw = p.read_bytes()
    army = validate_army(data, source=str(p), config_dir=config_dir)
    army._sha256 = hashlib.sha256(raw).hexdigest()
    if check:
        check_army(army, config_dir)
    return army
