"""Validate a parsed army file (a mapping) against the schema: one ConfigError lists every
problem, each line worded by :mod:`logistics.army.messages`. Why a module of its own: the overrides
re-validate an army after writing their values into it, and the cross-checks apply overrides, so
validation sits below both (in :mod:`logistics.army.load`, with the file reader above them, it
closed an import cycle load -> checks -> overrides -> load).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from logistics.army.messages import _describe, without_misspelt_missing
from logistics.army.schema import Army
from logistics.errors import ConfigError, listed

__all__ = ["validate_army", "csv_given"]

#: Keys every army file has; a mapping with none of them is some other file of configs/.
_ARMY_KEYS: frozenset[str] = frozenset({"axis_id", "h_hour", "departure", "formations"})


def csv_given(source: str) -> ConfigError:
    """The error for a CSV file given where an army file is read: a documented-positions file
    (the likeliest CSV) is scored by ``logistics compare --documented``. Without it, a CSV read
    as YAML was "got str", or a YAML syntax error at some column of its first data line."""
    return ConfigError(
        f"{source}: a CSV file (comma-separated text), not an army file; fix: give an army file, configs/<axis>.yaml "
        "(start one from configs/armies/template.yaml); a file of documented positions is "
        "scored by `logistics compare --documented FILE`, and drawn on a run's maps by "
        "`logistics run ARMY --documented FILE`")


def _looks_like_csv(data: Any) -> bool:
    """A YAML document that is one plain text holding commas: how YAML reads a CSV file (its
    lines folded into one text)."""
    return isinstance(data, str) and "," in data


def validate_army(data: Any, *, source: str = "<dict>",
                  config_dir: str | os.PathLike[str] | None = None) -> Army:
    """Validate a parsed army file (a mapping); one ConfigError lists every problem. The
    vehicles it names are checked against the vehicle files of ``config_dir``
    (``settings.CONFIG_DIR`` when None), which the army keeps as its ``config_dir``: a run of
    it reads that folder."""
    if data is None:
        raise ConfigError(f"{source}: the file is empty; fix: start from "
                          "configs/armies/template.yaml (every key: configs/armies/README.md)")
    if _looks_like_csv(data) or (not isinstance(data, Mapping)
                                 and source.lower().endswith((".csv", ".tsv"))):
        raise csv_given(source)
    if not isinstance(data, Mapping):
        raise ConfigError(f"{source}: expected a mapping of keys (axis_id, h_hour, formations, "
                          f"...), got {type(data).__name__}; see configs/README.md")
    if not set(map(str, data)) & _ARMY_KEYS:  # a vehicle, norms or bibliography file given
        keys = ", ".join(map(str, list(data)[:6])) + (", ..." if len(data) > 6 else "")
        raise ConfigError(
            f"{source}: not an army file: it has none of {', '.join(sorted(_ARMY_KEYS))} "
            f"(its keys: {keys}); fix: give an army file, configs/<axis>.yaml (start one from "
            "configs/armies/template.yaml); vehicle, norms, sources and fortified-region files "
            "are read by every run from its configs folder, not run")
    from logistics.sources import load_bibliography
    from logistics.vehicles import list_vehicles, vehicles_dir

    load_bibliography(config_dir=config_dir)  # a damaged bibliography is one error here, not one per citation
    folder = vehicles_dir(config_dir)
    if not folder.is_dir():  # one error, not one per vehicle the file names
        fix = ("set LOGISTICS_CONFIG_DIR to a whole configs folder with its vehicles/ (a copy: "
               "cp -r configs my-configs), or unset it to read the shipped one"
               if config_dir is None else
               "give config_dir a whole configs folder with its vehicles/ (a copy: cp -r "
               "configs my-configs), or None to read settings.CONFIG_DIR")
        raise ConfigError(f"{source}: the vehicles it names are read from {folder}, which does "
                          f"not exist; fix: {fix}")
    # A broken vehicle file is one error naming it (as `logistics sample` gives), not one per
    # key of the army file naming any vehicle, each ending "fix: see the key" of the army file
    list_vehicles(config_dir=config_dir)
    try:
        army = Army.model_validate(dict(data), context={"config_dir": config_dir})
    except ValidationError as exc:
        lines = list(dict.fromkeys(line for e in without_misspelt_missing(exc.errors())
                                   for line in _describe(source, e, data).splitlines()))
        raise ConfigError(f"{source}: {len(lines)} problem(s) in the army file:\n  - "
                          + listed(lines) + "\n(key reference: configs/armies/README.md; "
                          "value rules: configs/README.md)"
                          ) from None
    army._source = source
    army._config_dir = config_dir
    return army
