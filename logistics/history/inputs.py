"""Match a documented-advances file to the army configs that model its axes.

Shared by ``logistics compare`` and ``logistics calibrate``: every ``*.yaml`` directly in the
configs folder (not subfolders) that loads as an army is matched by its ``axis_id`` (one army,
all its formations, per axis). Configs that fail to load, a second config for an axis, and
documented axes without an army are reported, not dropped. Each modeled axis's departure line
(``departure_lines``) is read from the army's ``departure.line`` before any run (the run's own
``departure_line`` takes precedence where it has one).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from logistics import settings
from logistics.errors import ConfigError, DataError, LogisticsError, close_names, offer
from logistics.history.documented import Documented, load_documented

__all__ = ["Inputs", "default_documented_path", "configured_documented", "load_inputs",
           "check_scorable", "check_comparable", "near_axes", "first_axes", "undocumented_fix",
           "AXIS_CUTOFF", "run_dems", "check_runnable"]


@dataclass(frozen=True)
class Inputs:
    """``documented`` (parsed file), ``scenarios`` (axis_id -> loaded army, for axes in the
    file), ``unmodeled`` (documented axes no config models), ``config_problems`` (one line per
    loaded config with a problem the comparison works around: its departure line not read;
    a config that does not load stops the comparison before any run), ``configs_dir``, ``departure_lines`` (axis_id ->
    the army's departure line as ((lon, lat), ...), when known before any run), ``undocumented``
    (axis ids of configs that loaded but have no row in the file: not scored, run only
    for the breaches they share, ``unscored``),
    ``armies`` (axis_id -> the formations of every config that loaded, documented or not,
    :class:`~logistics.history.match.OtherArmy`: what a row naming another axis's formation
    is told apart by, :meth:`others`), ``unscored`` (axis_id -> loaded army of every other
    army file of the folder: run by :func:`~logistics.history.compare.compare`, neither
    scored nor written, only for the fortified-region breaches it shares with the scored
    armies, so that a scored army's run equals its run in ``logistics run <folder>``)."""

    documented: Documented
    scenarios: dict[str, Any]
    unmodeled: tuple[str, ...]
    config_problems: tuple[str, ...]
    configs_dir: str
    departure_lines: dict[str, tuple[tuple[float, float], ...]] = field(default_factory=dict)
    undocumented: tuple[str, ...] = ()
    armies: dict[str, Any] = field(default_factory=dict)
    unscored: dict[str, Any] = field(default_factory=dict)

    def others(self, axis: str) -> tuple[Any, ...]:
        """The formations of every loaded army but ``axis``'s (``armies``)."""
        return tuple(a for k, a in self.armies.items() if k != axis)


def default_documented_path(config_dir: str | Path | None = None) -> Path:
    """``history/documented-advances.csv`` of the configs folder ``config_dir``
    (``settings.CONFIG_DIR`` when None: the shipped file, or LOGISTICS_CONFIG_DIR's)."""
    return settings.config_dir_path(config_dir) / "history" \
        / "documented-advances.csv"


def configured_documented(config_dir: str | Path | None = None) -> Documented:
    """The documented positions of the configs folder ``config_dir`` (its
    :func:`default_documented_path`; ``settings.CONFIG_DIR`` when None) that a run on it draws
    on its map, read and checked once, before any run: a damaged file (not UTF-8, a folder,
    without the format's columns) is a DataError naming it; a tree without the file (one's
    own, for a theatre with no documented positions) gives no rows."""
    from logistics.history.documented import check_columns, empty_documented

    path = default_documented_path(config_dir)
    if not path.exists() and not path.is_symlink():
        return empty_documented(path)
    return check_columns(load_documented(path))


def _default_loader(config_dir: str | Path | None = None) -> Callable[[Path], Any]:
    """``load_army`` against the configs folder ``config_dir`` (its vehicles, norms, stations,
    bibliography; the armies run on it)."""
    from functools import partial

    from logistics.army import load_army

    return load_army if config_dir is None else partial(load_army, config_dir=config_dir)


def _file_for_folder(path: Path) -> ConfigError:
    """The error of an army file given where the folder of army files goes (``--configs``,
    ``configs_dir=``): "configs folder not found" said nothing of the file that is there."""
    def words(folder: str, documented: str) -> str:
        return (f"{path} is a file, not a folder: {folder} takes a folder of army files; fix: "
                f"to score one army, give a folder holding that army file (mkdir one && cp "
                f"{path} one/), or {documented} a CSV with only that army's rows")

    err = ConfigError(words("configs_dir=", "documented="))
    err.command_line = words("--configs", "--documented")
    return err


def load_inputs(documented: str | Path | Documented | None = None, *,
                configs_dir: str | Path | None = None,
                loader: Callable[[Path], Any] | None = None,
                axes: list[str] | None = None,
                config_dir: str | Path | None = None) -> Inputs:
    """Read the documented file and the scenario configs; match them by ``axis_id``.

    ``axes`` restricts the match to those axis ids (each must be documented and modeled).
    ``config_dir``: the configs folder read (``settings.CONFIG_DIR`` when None): the default
    documented file is its ``history/documented-advances.csv``, the scenarios are its army
    files unless ``configs_dir`` names another folder of them, and each is loaded against it.
    """
    from logistics.history.match import army_formations

    doc = documented if isinstance(documented, Documented) else load_documented(
        documented if documented is not None else default_documented_path(config_dir))
    folder = Path(configs_dir if configs_dir is not None
                  else config_dir if config_dir is not None else settings.CONFIG_DIR)
    if configs_dir is not None and folder.is_file():
        raise _file_for_folder(folder)
    if not folder.is_dir():
        raise ConfigError(f"configs folder not found: {folder} (give a folder of scenario "
                          "*.yaml or *.yml files)")
    scenarios = _load_scenarios(folder, loader or _default_loader(config_dir))
    problems: list[str] = []
    documented_axes = doc.axes
    if axes:
        unknown = [a for a in axes if a not in documented_axes or a not in scenarios]
        if unknown:
            raise DataError(
                f"axes {', '.join(unknown)} are not both documented and modeled; choose among "
                f"{', '.join(a for a in documented_axes if a in scenarios) or '(none)'}")
        documented_axes = list(axes)
    matched = {a: scenarios[a] for a in documented_axes if a in scenarios}
    unmodeled = tuple(a for a in doc.axes if a not in scenarios)
    lines = {}
    for a, sc in matched.items():
        try:
            line = departure_line(sc)
        except LogisticsError as exc:
            problems.append(f"axis {a}: departure line not read ({exc}); depths measured from "
                            "each formation's start")
            line = ()
        if line:
            lines[a] = line
    undocumented = tuple(sorted(a for a in scenarios if a not in doc.axes))
    armies = {a: oob for a, sc in scenarios.items() if (oob := army_formations(sc)) is not None}
    unscored = {a: sc for a, sc in scenarios.items() if a not in matched}
    return Inputs(doc, matched, unmodeled, tuple(problems), str(folder), lines, undocumented,
                  armies, unscored)


def _load_scenarios(folder: Path, loader: Callable[[Path], Any]) -> dict[str, Any]:
    """``{axis_id: army}`` of every army file of ``folder``, or one ConfigError before any run
    listing each file that does not load and each second file of an axis, with the fix. A
    comparison is one output: it was written without the army, exit 0, with the cause on one
    line among the others and the missing axis offered a wrong 'did you mean'; and a what-if
    copy with the shipped axis_id replaced the shipped file or was dropped, by file name."""
    from logistics.army import army_paths
    from logistics.army.load import load_armies

    def twin(sc, first: str) -> str:
        return (f"axis_id {sc.axis_id!r} is already {first}'s (one army file per axis in a "
                "folder); fix: give the copy a folder of its own (--configs, configs_dir=) to "
                "score it in the axis's place, or its own axis_id")

    loaded, failures = load_armies(army_paths(folder), loader, twin)
    if failures:
        import textwrap

        raise ConfigError(
            f"{len(failures)} army file(s) of {folder} cannot be compared, nothing run:\n"
            + "\n".join(textwrap.indent(f, "  ") for f in failures)
            + "\nfix: mend them, or move them out of the folder (a comparison is one output "
            "of every army file in it)")
    return {sc.axis_id: sc for sc in loaded.values()}


def departure_line(scenario: Any) -> tuple[tuple[float, float], ...]:
    """The army's departure line (``departure.line``: places or lon/lat), else ``()``."""
    from logistics.places import resolve

    dep = getattr(scenario, "departure", None)
    points = list(getattr(dep, "line", None) or [])
    out = []
    for p in points:
        if isinstance(p, dict):
            where = (p["lon"], p["lat"]) if p.get("lon") is not None else p.get("place")
        elif getattr(p, "lon", None) is not None:
            where = (p.lon, p.lat)
        else:
            where = getattr(p, "place", p)
        place = resolve(where)
        out.append((float(place.lon), float(place.lat)))
    return tuple(out)


# --------------------------------------------------------------------------------------------
# what `logistics compare` and logistics.compare(...) refuse (one check for both)

def first_axes(axes, n: int = 8) -> str:
    """The first ``n`` axis ids, comma-separated, with ', ...' when more were left out."""
    return ", ".join(axes[:n]) + (", ..." if len(axes) > n else "")


#: The likeness an axis id needs to be taken for a misspelling of another (``close_names``'
#: cutoff): axis ids are short codes of one pattern (front-army), so two different axes
#: score above the default ('TBF-17A' ~ 'TBF-39A' 0.71); a case or one-character slip of
#: the same id scores above 0.8 ('TBF-6GTA' ~ 'TBF-6GT' 0.93).
AXIS_CUTOFF: float = 0.8


def _numbers(axis: str) -> list[str]:
    """The numbers of an axis id ('TBF-36A' -> ['36']): they name the army, so ids that differ
    in one (TBF-36A, TBF-39A) are two armies, not a slip of one ('did you mean TBF-39A for
    TBF-36A' sent a user to the wrong army)."""
    return re.findall(r"\d+", axis)


def near_axes(inputs: Inputs) -> str:
    """'; did you mean 'X' for 'x'? ...' for documented axes that a scenario's axis_id nearly
    matches (another case, a typo), else '': the match is exact and a near miss looks like a
    missing scenario."""
    known = (*inputs.scenarios, *inputs.undocumented)
    pairs = [f"{near[0]!r} for {axis!r}" for axis in inputs.unmodeled
             if (near := [k for k in close_names(axis, known, n=3, cutoff=AXIS_CUTOFF)
                          if _numbers(k) == _numbers(axis)])]
    if not pairs:
        return ""
    return (f"; {offer(pairs)} (axis_id is matched exactly, case included: "
            "write the scenario's axis_id in the CSV)")


def undocumented_fix(inputs: Inputs) -> str:
    """'; its scenarios X, Y have no documented rows ...' when the configs folder holds only
    axes the documented file does not name (a new axis of one's own), else ''."""
    if not inputs.undocumented:
        return ""
    return (f"; the folder's scenarios ({first_axes(inputs.undocumented)}) have no row in "
            "it: to score them, give --documented a CSV of their dated positions in the same "
            "format (configs/history/README.md); `logistics run` runs them without scoring")


def check_scorable(path, config_dir: str | Path | None = None) -> None:
    """Fail before any run when the documented file (None: that of the configs folder
    ``config_dir``) lacks a column no row can be scored without (axis_id, date), or has no row,
    or no row whose axis_id and date can be read (dates as 10.08.1945: every row unscored, an
    empty comparison written with exit 0): the run would only produce an empty table. Lists
    every problem of the file, or of its axis_id and date columns."""
    from logistics.history.documented import check_columns

    doc = check_columns(load_documented(path if path is not None
                                        else default_documented_path(config_dir)))
    if doc.table.empty:
        raise DataError(f"{doc.path}: a header but no rows; add the documented positions, one "
                        "row each (see configs/history/documented-advances.csv)")
    if not doc.table["usable"].any():
        why = ([str(p) for p in doc.problems if p.column in ("axis_id", "date")]
               or [str(p) for p in doc.problems if p.row is not None])  # a row's field count
        more = f"; ... ({len(why) - 5} more)" if len(why) > 5 else ""
        raise DataError(
            f"{doc.path}: no row can be scored, each needs an axis_id and a date that can be "
            f"read ({'; '.join(why[:5])}{more}); fix: mend the rows as each says: a date "
            "as YYYY-MM-DD (1945-08-11), the row's axis_id (configs/history/README.md)")


def check_comparable(inputs: Inputs, *, modeled: bool) -> None:
    """ConfigError when no documented axis has a scenario (``modeled`` False): every row would
    go unscored, an empty comparison (the notebook's ``logistics.compare`` returned one)."""
    if inputs.unmodeled and not modeled:
        raise ConfigError(
            f"no axis of {inputs.documented.path} ({first_axes(inputs.unmodeled)}) has a "
            f"scenario config in {inputs.configs_dir}: nothing to compare; give --configs "
            "(configs_dir= in Python) the folder of their scenarios, or check the axis_id "
            "column" + near_axes(inputs) + undocumented_fix(inputs))


def run_dems(dem: str, samples: int) -> tuple[str, ...]:
    """The DEMs a comparison's runs are made on: ``dem`` (the nominal runs', ``--dem``), and
    with ``samples`` > 0 every DEM its Monte Carlo draws pick from (``uncertainty.DEMS``, as
    ``history.compare.compare`` draws them)."""
    from logistics.history.uncertainty import DEMS

    return tuple(dict.fromkeys((dem, *(DEMS if samples else ()))))


def check_runnable(inputs: Inputs, *, resolution_m: float | None, dem: str, samples: int,
                   samples_key: str = "--samples") -> None:
    """ConfigError before any run for an army of ``inputs`` whose start or objective lies in
    water or outside the elevation data with no land within its radius
    (``land_check.check_points_on_land``) on any DEM of :func:`run_dems`, or whose flotilla
    sails no river (``land_check.check_river_moves``). Why every DEM: the draws run on the
    other DEM too (a cell without elevation on it is no land there), and a point refused
    only there failed in the draws, after the nominal runs. ``samples_key``: how the caller
    names the draws in the error (``--samples``; ``samples=`` in Python)."""
    from logistics.advance.land_check import check_points_on_land, check_river_moves

    for army in inputs.scenarios.values():
        for d in run_dems(dem, samples):
            try:
                check_points_on_land(army, resolution_m=resolution_m, dem=d)
            except ConfigError as exc:
                if d == dem:
                    raise
                raise ConfigError(
                    f"{exc}; this is on the {d} DEM, one of those the Monte Carlo draws of "
                    f"{samples_key}{'' if samples_key.endswith('=') else ' '}{samples} run on "
                    f"({', '.join(run_dems(dem, samples))}), "
                    f"not on the {dem} DEM of the nominal runs") from None
        check_river_moves(army)


def check_overrides(inputs: Inputs, overrides: dict[str, float] | None) -> None:
    """ConfigError before any run when an override (``--set NAME=VALUE``) does not fit every
    army of the comparison: a figure path one army file lacks (``fuel.reserve_reach_km`` on an
    axis without a reserve's reach), a value a figure cannot take, or a norms figure
    (``norms/<file>:<key path>``) the configs folder's norms file lacks. It failed in the runs,
    after the armies before it had run, naming neither the army nor the fix."""
    from logistics.army.overrides import (GLOBAL_OVERRIDES, norms_fit_problem,
                                          override_problem, overrides_problems)

    if not overrides:
        return
    named = overrides_problems(overrides)
    if named:  # a name no army file can have: said once, not once per army
        raise ConfigError("overrides: " + "; ".join(named))
    folders = dict.fromkeys(a.config_dir for a in inputs.scenarios.values()) or {None: None}
    norms = list(dict.fromkeys(p for f in folders for p in [norms_fit_problem(overrides, f)]
                               if p))
    if norms:  # a norms figure a configs folder lacks: once per folder, not once per army
        raise ConfigError("overrides: " + "; ".join(norms))
    problems = [f"{axis} ({army.source}): {why}" for axis, army in inputs.scenarios.items()
                for why in [override_problem(army, overrides)] if why]
    if problems:
        raise ConfigError(
            f"--set {', '.join(f'{k}={v:g}' for k, v in overrides.items())} does not fit "
            f"{len(problems)} of the {len(inputs.scenarios)} armies compared: "
            + "; ".join(problems) + "; fix: set only figures every army file has, or a global "
            f"parameter ({', '.join(GLOBAL_OVERRIDES)}), or compare those axes apart "
            "(--configs a folder of them)")
