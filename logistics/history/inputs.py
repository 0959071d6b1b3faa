"""Match a documented-advances file to the scenario configs that model its axes.

Shared by ``logistics compare`` and ``logistics calibrate``: every ``*.yaml`` directly in the
configs folder (not subfolders) that loads as a scenario is matched by its ``axis_id``.
Configs that fail to load and documented axes without a scenario are reported, not dropped.
An axis may have two scenarios, one per echelon (``echelon: main``, the default, and
``echelon: mobile``): the main one models the axis; the mobile one is kept in ``mobile``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from logistics import settings
from logistics.errors import ConfigError, DataError, LogisticsError
from logistics.history.documented import Documented, load_documented

__all__ = ["Inputs", "default_documented_path", "load_inputs"]


@dataclass(frozen=True)
class Inputs:
    """``documented`` (parsed file), ``scenarios`` (axis_id -> loaded scenario, for axes in the
    file; their main echelon), ``unmodeled`` (documented axes no config models),
    ``config_problems`` (one line per config that failed to load), ``configs_dir``, ``mobile``
    (axis_id -> the axis's mobile-echelon scenario, for modeled axes that have one)."""

    documented: Documented
    scenarios: dict[str, Any]
    unmodeled: tuple[str, ...]
    config_problems: tuple[str, ...]
    configs_dir: str
    mobile: dict[str, Any] = field(default_factory=dict)


def default_documented_path() -> Path:
    """The shipped file, ``configs/history/documented-advances.csv``."""
    return settings.CONFIG_DIR / "history" / "documented-advances.csv"


def _default_loader() -> Callable[[Path], Any]:
    from logistics.army import load_army

    return load_army


def load_inputs(documented: str | Path | Documented | None = None, *,
                configs_dir: str | Path | None = None,
                loader: Callable[[Path], Any] | None = None,
                axes: list[str] | None = None) -> Inputs:
    """Read the documented file and the scenario configs; match them by ``axis_id``.

    ``axes`` restricts the match to those axis ids (each must be documented and modeled).
    """
    from logistics.scenario import scenario_paths

    doc = documented if isinstance(documented, Documented) else load_documented(
        documented if documented is not None else default_documented_path())
    folder = Path(configs_dir) if configs_dir is not None else settings.CONFIG_DIR
    if not folder.is_dir():
        raise ConfigError(f"configs folder not found: {folder} (give a folder of scenario *.yaml)")
    loader = loader or _default_loader()
    scenarios: dict[str, Any] = {}
    mobiles: dict[str, Any] = {}
    problems: list[str] = []
    for path in scenario_paths(folder):
        try:
            sc = loader(path)
        except LogisticsError as exc:
            problems.append(f"{path.name}: not loaded ({exc})")
            continue
        echelon = getattr(sc, "echelon", "main")
        found = scenarios if echelon == "main" else mobiles
        if sc.axis_id in found:
            problems.append(f"{path.name}: axis {sc.axis_id} ({echelon} echelon) already modeled "
                            "by another config; ignored")
            continue
        found[sc.axis_id] = sc
    for axis in mobiles:
        if axis not in scenarios:
            problems.append(f"axis {axis}: a mobile-echelon scenario without a main one; ignored "
                            "(give the axis a main scenario, echelon: main)")
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
    mobile = {a: mobiles[a] for a in matched if a in mobiles}
    return Inputs(doc, matched, unmodeled, tuple(problems), str(folder), mobile)
