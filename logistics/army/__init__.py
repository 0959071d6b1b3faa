"""Army files: one army as its formations, validated once at the edge and resolved against the
norms and the fortified-region layer.

* :mod:`~logistics.army.schema`: the pydantic schema of an army file (``Army``);
* :mod:`~logistics.army.load`: ``load_army`` (read, validate, cross-check), ``army_paths`` (the
  army files of a folder);
* :mod:`~logistics.army.validate`: ``validate_army`` (a parsed mapping -> ``Army``, one error);
* :mod:`~logistics.army.messages`: the schema's pydantic errors as one-line messages (key, value,
  fix);
* :mod:`~logistics.army.checks`: ``check_army``, the cross-checks against the norms, the 1945
  stations and the departure line;
* :mod:`~logistics.army.overrides`: figure paths, overrides and Monte Carlo draws;
* :mod:`~logistics.army.norms`: march norms, lift, ships, standards (``configs/norms/``);
* :mod:`~logistics.army.fortified`: the fortified-region layer and its one rule;
* :mod:`~logistics.army.resolve`: each formation as plain data (men, vehicles, pace, norm,
  column, start, objectives).
"""

from __future__ import annotations

from logistics.army.checks import check_army
from logistics.army.fortified import Fortified, load_fortified
from logistics.army.load import army_paths, load_army
from logistics.army.norms import Norms, load_norms
from logistics.army.overrides import apply_army_overrides, army_figure_paths, sample_army_overrides
from logistics.army.resolve import ResolvedFormation, resolve_formations
from logistics.army.schema import Army
from logistics.army.validate import validate_army

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
