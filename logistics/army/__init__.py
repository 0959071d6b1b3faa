"""Army files: one army as its formations, validated once at the edge and resolved against the
norms and the fortified-region layer.

* :mod:`~logistics.army.schema`: the pydantic schema of an army file (``Army``);
* :mod:`~logistics.army.load`: ``load_army`` (read, validate, cross-check), figure paths,
  overrides and Monte Carlo draws, ``army_paths`` (the army files of a folder);
* :mod:`~logistics.army.norms`: march norms, lift, ships, standards (``configs/norms/``);
* :mod:`~logistics.army.fortified`: the fortified-region layer and its one rule;
* :mod:`~logistics.army.resolve`: each formation as plain data (men, vehicles, pace, norm,
  column, start, objectives).
"""

from __future__ import annotations

from logistics.army.fortified import Fortified, load_fortified
from logistics.army.load import (
    apply_army_overrides,
    army_figure_paths,
    army_paths,
    check_army,
    load_army,
    sample_army_overrides,
    validate_army,
)
from logistics.army.norms import Norms, load_norms
from logistics.army.resolve import ResolvedFormation, resolve_formations
from logistics.army.schema import Army

__all__ = [
    "Army",
    "load_army",
    "validate_army",
    "check_army",
    "army_paths",
    "army_figure_paths",
    "apply_army_overrides",
    "sample_army_overrides",
    "Norms",
    "load_norms",
    "Fortified",
    "load_fortified",
    "ResolvedFormation",
    "resolve_formations",
]
