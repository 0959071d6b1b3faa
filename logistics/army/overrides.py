"""Figure paths and overrides of an army: every numeric figure by dotted path (formation and
flotilla ids stand for list positions, ``formations.6gta-army-units.men``), the global overrides
(speed, fuel, march hours), an army with overrides applied, and a Monte Carlo draw of its
``uncertain:`` ranges. Why: calibration and Monte Carlo change figures by these paths, and the
cross-checks use them to check ``uncertain:`` keys and ranges.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from pydantic import BaseModel

from logistics.army.base import Figure
from logistics.army.schema import Army
from logistics.army.validate import validate_army
from logistics.errors import ConfigError, did_you_mean, range_fix
from logistics.ranges import norms_override_problem, split_norms_overrides

__all__ = [
    "GLOBAL_OVERRIDES",
    "GLOBAL_OVERRIDE_RANGES",
    "global_override_problem",
    "override_name_problem",
    "overrides_problems",
    "override_problem",
    "norms_fit_problem",
    "army_figure_paths",
    "apply_army_overrides",
    "outside_range_problem",
    "sample_army_overrides",
]

#: Overrides that apply to every axis in the same way (calibration, Monte Carlo).
GLOBAL_OVERRIDES: dict[str, str] = {
    "speed_scale": "multiplies every ground speed (formation and supply trucks); 1 = physics",
    "fuel_scale": "multiplies every fuel consumption (formation and supply trucks); 1 = physics",
    "march_hours_per_day": "replaces every march norm's hours under way a day (configs/norms/march.yaml)",
    "march_hours_scale": ("multiplies every march norm's hours under way a day (configs/norms/"
                          "march.yaml), keeping their sourced differences; at most 24 h; 1 = the norms"),
}

#: The values a global override may take (inclusive, except march hours above 0): a sanity
#: bound, not a prior. assumed: a scale beyond x0.05-x20 of the physics is a typing slip, not a
#: calibration (the documented disagreements are within x0.5-x1.5, history/calibrate.py), and
#: at 1e308 the pace overflows; a day has 24 hours.
GLOBAL_OVERRIDE_RANGES: dict[str, tuple[float, float]] = {
    "speed_scale": (0.05, 20.0),
    "fuel_scale": (0.05, 20.0),
    "march_hours_per_day": (0.0, 24.0),
    "march_hours_scale": (0.05, 20.0),
}


def global_override_problem(key: str, value: Any) -> str | None:
    """Why ``value`` cannot be the global override ``key`` (None when it can), with the fix."""
    lo, hi = GLOBAL_OVERRIDE_RANGES[key]
    low = {"gt": lo} if key == "march_hours_per_day" else {"ge": lo}
    ok = (isinstance(value, (int, float)) and not isinstance(value, bool)
          and math.isfinite(value) and (value > lo if "gt" in low else value >= lo)
          and value <= hi)
    if ok:
        return None
    return (f"override {key} must be a number in {'(' if 'gt' in low else '['}{lo:g}, {hi:g}], "
            f"got {value!r}; " + range_fix(key, value, le=hi, **low))


def override_name_problem(key: str) -> str | None:
    """Why ``key`` can name no figure of any army file (None when some army could have it),
    with the near names. Every figure path begins with a field of :class:`Army`
    (:func:`army_figure_paths`), so a key that is no global override and begins with none is
    refused once, before any army is read (``--set speedscale=1.2`` was refused by each army
    of a comparison in turn, the same hint once per army)."""
    if key in GLOBAL_OVERRIDES or key.split(".")[0] in Army.model_fields:
        return None
    return (f"override {key!r} names no figure of any army file (a global parameter: "
            f"{', '.join(GLOBAL_OVERRIDES)}; or a figure path of the army file, as under "
            "uncertain:)"
            + did_you_mean(key, sorted(set(GLOBAL_OVERRIDES) | set(Army.model_fields)), n=3,
                           lead="; "))


def overrides_problems(overrides: Mapping[str, Any]) -> list[str]:
    """What is wrong with ``overrides`` before any army is read: a global parameter's value
    out of its range (:func:`global_override_problem`), a norms figure's key not of the shape
    ``norms/<file>:<key path>`` (:func:`logistics.ranges.norms_override_problem`) or another
    name no army file can have (:func:`override_name_problem`); the command line's ``--set``
    and the API's ``overrides=`` of ``run`` and ``compare`` check them here, so they take the
    same names."""
    return [p for k, v in overrides.items()
            for p in [global_override_problem(k, v) if k in GLOBAL_OVERRIDES
                      else norms_override_problem(k) if k.startswith("norms/")
                      else override_name_problem(k)] if p]


def override_problem(army: Army, overrides: Mapping[str, float]) -> str | None:
    """Why the army with ``overrides`` is invalid (the schema's words), or None. The norms
    figures among them (``norms/<file>:<key>``) are no figures of the army: they are checked
    against its configs folder's norms files
    (:func:`logistics.ranges.norms_figure_problems`)."""
    rest, _ = split_norms_overrides(overrides)
    figures = army_figure_paths(army)
    # a count of 1.5 rifle corps was rounded to 2 without a word (2.5 to 2: round half to
    # even); the rounding is for the Monte Carlo draws, which are not checked here
    fractions = [f"override {k}={v:g}: {k} is a whole number ({figures[k].value} in the "
                 f"file): give a whole number, e.g. {k}={max(1, round(v))}"
                 for k, v in rest.items() if k in figures
                 and isinstance(figures[k].value, int) and not float(v).is_integer()]
    if fractions:
        return "; ".join(fractions)
    try:
        apply_army_overrides(army, rest)
    except ConfigError as exc:
        lines = [ln.strip()[2:] for ln in str(exc).splitlines() if ln.strip().startswith("- ")]
        return "; ".join(ln.rsplit("}: ", 1)[-1].split("; fix:")[0] for ln in lines) \
            or str(exc).removeprefix("bad overrides: ")
    return None


def norms_fit_problem(overrides: Mapping[str, float] | None,
                      config_dir: Any = None) -> str | None:
    """Why the norms figures among ``overrides`` (``norms/<file>:<key path>``) do not fit the
    norms files of the configs folder ``config_dir`` (``settings.CONFIG_DIR`` when None): a key
    path naming no figure, or a value the file's checks refuse, in the norms readers' own words
    (the files read patched, as a run reads them, :func:`logistics.ranges.norms_overrides`).
    None when they fit or there are none. Why: a comparison's runs read them only in each run,
    after the armies before it or in a dask worker."""
    from logistics.army.norms import load_norms
    from logistics.ranges import norms_overrides

    if not split_norms_overrides(overrides)[1]:
        return None
    try:
        with norms_overrides(overrides):
            load_norms(config_dir)
    except ConfigError as exc:
        return str(exc)
    return None


def army_figure_paths(army: BaseModel, prefix: str = "") -> dict[str, Figure]:
    """Every numeric figure of the army by dotted path; formations and flotilla brigades are
    named by id (``formations.6gta-army-units.men``), other list items by position
    (``supply.trucks.0.count``)."""
    out: dict[str, Figure] = {}
    if isinstance(army, Figure):
        if isinstance(army.value, (int, float)) and not isinstance(army.value, bool):
            out[prefix.rstrip(".")] = army
        return out
    for name in type(army).model_fields:
        out.update(_paths_of(getattr(army, name), f"{prefix}{name}"))
    return out


def _paths_of(value: Any, path: str) -> dict[str, Figure]:
    if isinstance(value, Figure):
        return army_figure_paths(value, path)
    if isinstance(value, BaseModel):
        return army_figure_paths(value, f"{path}.")
    if isinstance(value, (list, tuple)):
        out: dict[str, Figure] = {}
        for i, item in enumerate(value):
            key = getattr(item, "id", None) if isinstance(item, BaseModel) else None
            out.update(_paths_of(item, f"{path}.{key if isinstance(key, str) else i}"))
        return out
    if isinstance(value, dict):
        out = {}
        for k, item in value.items():
            out.update(_paths_of(item, f"{path}.{k}"))
        return out
    return {}


def outside_range_problem(army: Army, key: str, value: float) -> str | None:
    """Why ``value`` cannot be the figure ``key`` of ``army`` by its ``uncertain:`` range (it
    lies outside it; the caller adds the fix); None when it lies inside or the figure has no
    range. The one rule for a figure's value, written in the file
    (:mod:`logistics.army.checks`) or given as an override (a copy of the file with that value
    is refused, so is the override), as the norms files'
    (:func:`logistics.ranges.uncertain_problems`)."""
    span = army.uncertain.get(key)
    if span is None or span.low <= value <= span.high:
        return None
    return f"the figure's value {value:g} lies outside its range [{span.low:g}, {span.high:g}]"


def standard_figure(army: Army, key: str) -> tuple[str, str, str] | None:
    """``(formation id, field, standards key path)`` when ``key`` names a figure a formation
    of ``army`` does not write but takes from its ``standard:`` (``formations.my-rd.men`` ->
    ``standards.rifle_division.men`` of configs/norms/formations.yaml); None otherwise. The
    army file has no such figure to override or range: the formation's own key, or the
    standard's (every formation of it), is the fix (``uncertain:`` keys and overrides alike)."""
    parts = key.split(".")
    f = next((f for f in army.formations if len(parts) > 2 and parts[:2] == ["formations", f.id]),
             None)
    if (f is None or f.standard is None or parts[2] not in type(f).model_fields
            or getattr(f, parts[2]) is not None):
        return None
    return f.id, parts[2], ".".join(["standards", f.standard, *parts[2:]])


def _unwritten_fix(army: Army, key: str) -> str:
    """The fix for an override of a figure the formation takes from its standard (see
    :func:`standard_figure`), or ''. Why: ``formations.my-tb.men`` of a formation with no
    ``men:`` was offered its vehicle counts as near names."""
    found = standard_figure(army, key)
    if found is None:
        return ""
    fid, field, std_key = found
    return (f": formation {fid} writes no `{field}:`, it takes its standard's "
            f"(configs/norms/formations.yaml {std_key}): give it its own `{field}:` "
            "{value, cite|assumed} in a copy of the file, or override the standard's, "
            f"norms/formations:{std_key} (every formation of that standard)")


def apply_army_overrides(army: Army, overrides: Mapping[str, float] | None
                         ) -> tuple[Army, dict[str, float]]:
    """Return (army with per-figure overrides applied, the global scales).

    Keys are :data:`GLOBAL_OVERRIDES` names or dotted figure paths (as in
    ``uncertain:``). ``speed_scale``, ``fuel_scale``, ``march_hours_per_day`` and
    ``march_hours_scale`` are returned (default 1, 1, None, None) for the engine; the others
    are written into the army."""
    scales: dict[str, float] = {"speed_scale": 1.0, "fuel_scale": 1.0}
    if not overrides:
        return army, scales
    paths = army_figure_paths(army)
    data = army.model_dump(mode="python", by_alias=True, exclude_none=True)
    problems = []
    for key, value in overrides.items():
        if key in GLOBAL_OVERRIDES:
            problem = global_override_problem(key, value)
            if problem:
                problems.append(problem)
            else:
                scales[key] = float(value)
            continue
        if key not in paths:
            problems.append(f"override {key!r} names no figure" + (
                _unwritten_fix(army, key) or did_you_mean(
                    key, sorted(set(paths) | set(GLOBAL_OVERRIDES)), n=3, lead="; ")))
            continue
        node: Any = data
        for part in key.split("."):
            if isinstance(node, list):
                idx = next((i for i, it in enumerate(node) if isinstance(it, dict)
                            and it.get("id") == part), None)
                node = node[idx if idx is not None else int(part)]
            else:
                node = node[part]
        fig = paths[key]
        node["value"] = int(round(value)) if isinstance(fig.value, int) else float(value)
        node.pop("cite", None)
        node["assumed"] = f"override {key}={value} (was {fig.value})"
    if problems:
        raise ConfigError("bad overrides: " + "; ".join(problems))
    new = validate_army(data, source=f"{army.source} with overrides {dict(overrides)}",
                        config_dir=army.config_dir)  # the folder it was checked against
    # a value the figure may take, outside its range (the schema's words first, for 0 of a
    # reach that must be > 0): refused as the same value written in a copy of the file is
    outside = [f"override {key}={value:g}: {why} (uncertain: {key} of {army.source}); fix: a "
               "value in the range, or widen the range to hold it in a copy of the file"
               for key, value in overrides.items() if key in paths
               for why in [outside_range_problem(army, key, value)] if why]
    if outside:
        raise ConfigError("bad overrides: " + "; ".join(outside))
    new._source, new._sha256 = army._source, army._sha256
    return new, scales


def sample_army_overrides(army: Army, seed: int) -> dict[str, float]:
    """One Monte Carlo draw: a value uniform in [low, high] for every ``uncertain:`` key."""
    rng = np.random.default_rng(seed)
    return {k: float(rng.uniform(u.low, u.high)) for k, u in sorted(army.uncertain.items())}
