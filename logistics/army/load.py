"""Read an army file once at the edge: YAML -> validated :class:`~logistics.army.schema.Army`,
its formations resolved against the norms, its railheads checked against the 1945 network, its
``uncertain:`` keys checked; every problem in one ConfigError naming file, key, value and fix.

Also: the figure paths of an army (formation and flotilla ids stand for list positions,
``formations.6gta-army-units.men``), overrides for calibration and Monte Carlo, and the list of
army files in a folder.
"""

from __future__ import annotations

import difflib
import hashlib
import math
import os
import re
import typing
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ValidationError

from logistics.army.base import Figure, _short
from logistics.army.schema import Army
from logistics.errors import ConfigError, LogisticsError, listed, range_fix

__all__ = [
    "load_army",
    "validate_army",
    "check_army",
    "army_paths",
    "army_figure_paths",
    "apply_army_overrides",
    "override_problem",
    "sample_army_overrides",
    "line_ids",
    "GLOBAL_OVERRIDE_RANGES",
    "global_override_problem",
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


#: Files in a configs folder that are data, not army files.
NOT_ARMIES: frozenset[str] = frozenset({"sources.yaml", "fortified-regions.yaml"})

#: The suffixes of the army files a folder holds (:func:`army_paths`).
ARMY_SUFFIXES: tuple[str, ...] = (".yaml", ".yml")

#: Keys every army file has; a mapping with none of them is some other file of configs/.
_ARMY_KEYS: frozenset[str] = frozenset({"axis_id", "h_hour", "departure", "formations"})

_FIXES = {
    "missing": "add this key",
    "extra_forbidden": "remove it or correct its spelling (every key: configs/armies/README.md)",
    "float_parsing": "write a number",
    "float_type": "write a number",
    "int_parsing": "write a whole number",
    "int_type": "write a whole number",
    "int_from_float": "write a whole number",
    "bool_type": "write true or false",
    "bool_parsing": "write true or false",
    "datetime_parsing": "write a date-time like 1945-08-09T00:10",
    "datetime_from_date_parsing": "write a date-time like 1945-08-09T00:10",
    "datetime_type": "write a date-time like 1945-08-09T00:10",
    "literal_error": "use one of the allowed values",
    "string_pattern_mismatch": "use lower-case letters, digits and '-' (e.g. fd-5gtc)",
    "too_short": "give at least one entry",
    "string_type": "write one text here (e.g. a formation id such as fd-5gtc), not a list or "
                   "a mapping (every key: configs/armies/README.md)",
    "string_too_short": "write a non-empty text (every key: configs/armies/README.md)",
    "string_too_long": "write a shorter text (every key: configs/armies/README.md)",
    "list_type": "write a list (YAML lines starting with '- ')",
    "dict_type": "write a mapping of keys",
    "model_type": "write a mapping of keys",
    "union_tag_invalid": "write a place (place:, cite:) or an area (any_of:, cite:)",
    "value_error": "see the key in configs/armies/README.md",
}


def army_paths(folder: str | Path) -> list[Path]:
    """The army files directly in ``folder``: every ``*.yaml`` and ``*.yml`` (one suffix is as
    good as the other), sorted by name, except the data files (:data:`NOT_ARMIES`, in either
    suffix).

    A link to a missing file (or a loop of links) is kept, so that loading it says what is
    wrong rather than the file being skipped without a word. Two files of one name but the
    suffix (``a.yaml`` and ``a.yml``) raise one ConfigError naming both: which of them is the
    army is the user's to say, and a folder run or a comparison must not pick one silently."""
    data = {Path(name).stem for name in NOT_ARMIES}
    paths = sorted(p for suffix in ARMY_SUFFIXES for p in Path(folder).glob(f"*{suffix}")
                   if (p.is_file() or (p.is_symlink() and not p.exists()))
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


def _describe(source: str, err: Mapping[str, Any], data: Any) -> str:
    loc = list(err.get("loc", ()))
    # name formations and flotilla brigades by id where the file gives one
    parts = []
    node = data
    for i, k in enumerate(loc):
        label = str(k)
        if k in ("point", "any_of") and not isinstance(node, list) and (
                k == "point" or loc[i + 1:i + 2] == ["any_of"]):
            continue  # the objective union's tag, not a key of the file
        if isinstance(node, list) and isinstance(k, int) and k < len(node):
            item = node[k]
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                label = f"{k} ({item['id']})"
            node = item
        elif isinstance(node, dict) and k in node:
            node = node[k]
        else:
            node = None
        parts.append(label)
    where = ".".join(p for p in parts if not p.startswith(("function-", "tagged-union")))
    msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
    kind = err.get("type", "")
    got = err.get("input")
    got_txt = "" if kind == "missing" or isinstance(got, (dict, list)) else f" (got {got!r:.80})"
    shape = _figure_shape(loc, got) if kind == "model_type" and got_txt else None
    point = (_point_shape(loc, got) if kind == "model_type" and isinstance(got, str)
             else None)
    if shape:  # a bare number where a figure goes: show the figure, not the code's class
        msg = "a figure is a mapping with its value and where it comes from, not a bare value"
        fix = f"; fix: write it as a figure: {shape}"
    elif point:  # a bare place name where a point goes: show the point
        msg = "a point is a mapping with its place (or lon/lat), not bare text"
        fix = f"; fix: write it as a point: {point}"
    elif "fix:" in msg:
        fix = ""
    elif kind in _RANGE_KINDS:
        name = next((str(k) for k in reversed(loc) if isinstance(k, str) and k != "value"),
                    "the value")
        limits, whole = _field_limits(loc)
        limits.setdefault(_RANGE_KINDS[kind], err.get("ctx", {}).get(_RANGE_KINDS[kind]))
        fix = "; " + range_fix(name, got, whole=whole, **limits)
    elif kind == "literal_error" and err.get("ctx", {}).get("expected"):
        expected = err["ctx"]["expected"]
        options = re.findall(r"'([^']*)'", expected)
        near = difflib.get_close_matches(str(got), options, n=1)
        if len(options) > 6 and expected in msg:  # a long list is shown once, in the message
            fix = "; fix: " + (f"did you mean {near[0]!r}? " if near else "") + (
                "write one of the values listed")
        else:
            fix = f"; fix: write one of {expected}" + (f" (did you mean {near[0]!r}?)" if near
                                                        else "")
    else:
        fix = f"; fix: {_FIXES.get(kind, 'see configs/README.md')}"
        what = _description(loc) if kind == "missing" else None
        if what:
            fix += f" ({loc[-1]}: {what})"
        if kind == "extra_forbidden" and loc:
            near = difflib.get_close_matches(str(loc[-1]), _keys_at(loc[:-1]), n=1, cutoff=0.8)
            if near:
                fix = (f"; fix: did you mean {near[0]!r}? correct its spelling, or remove it "
                       "(every key: configs/armies/README.md)")
            elif loc[-1] in ("source", "quote", "derived") and "cite" in _keys_at(loc[:-1]):
                fix = ("; fix: an army file gives a source as one cite: \"[<SOURCE-KEY>] 'quoted "
                       "phrase' (what is taken from it)\" (a key of configs/sources.yaml; "
                       "source:/quote:/derived: are the vehicle files' older spelling), or "
                       "assumed: \"why\" (configs/README.md, Figures)")
    if not where and kind == "value_error":
        # the army's cross-checks: each problem names its own key path; one line each
        return "\n".join(f"{source}: {p}" for p in msg.splitlines())
    if any(f"{w} {got!r:.80}" in msg for w in ("got", "number")):
        got_txt = ""  # the message shows the value already ("got '9 Aug' (got '9 Aug')")
    return f"{source}: {where or '<top>'}: {msg}{got_txt}{fix}"


def _models(annotation) -> list[type]:
    """The pydantic model classes in a field's annotation (through unions, lists, dicts)."""
    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for a in typing.get_args(annotation) for m in _models(a)]


def _keys_at(loc) -> list[str]:
    """The keys the army schema allows in the mapping at ``loc`` (pydantic's error location
    of that mapping), as a file spells them, so a misspelt key can be matched to one."""
    return sorted({f.alias or name for c in _classes_at(loc) for name, f in c.model_fields.items()})


def _classes_at(loc) -> list[type]:
    """The army schema's model classes that may hold the mapping at ``loc`` (pydantic's error
    location), walked down from :class:`Army`."""
    classes: list[type] = [Army]
    for k in loc:
        if not isinstance(k, str):
            continue  # a list index or dict key: the same classes
        owner = next((c for c in classes if k in c.model_fields), None)
        if owner is not None:
            classes = _models(owner.model_fields[k].annotation) or classes
    return classes


def _description(loc) -> str | None:
    """What the army schema says the key at ``loc`` holds (its field's ``description``), or
    None when the field has none."""
    if not loc or not isinstance(loc[-1], str):
        return None
    for c in _classes_at(loc[:-1]):
        f = c.model_fields.get(loc[-1])
        if f is not None and f.description:
            return f.description
    return None


def _figure_shape(loc, got: Any) -> str | None:
    """How to write the figure the army schema expects at ``loc`` around the bare value
    ``got`` (``{value: 80, carrier: <formation id>, cite: ...}``), with the figure's other
    required keys; None when ``loc`` is not a figure (a mapping without ``value``)."""
    fig = next((c for c in _classes_at(loc) if "value" in c.model_fields), None)
    if fig is None:
        return None
    extra = "".join(f"{f.alias or name}: <{_PLACEHOLDERS.get(name, name)}>, "
                    for name, f in fig.model_fields.items() if f.is_required() and name != "value")
    return (f"{{value: {got!r:.40}, {extra}cite: \"[<SOURCE-KEY>] 'quote'\"}} (a key of "
            "configs/sources.yaml), or assumed: \"why, with its range\" in place of cite")


def _point_shape(loc, got: str) -> str | None:
    """How to write the point the army schema expects at ``loc`` around the bare place name
    ``got`` (``{place: Hailar, cite: ...}``; a point of a list whose parent cites, such as
    ``departure.line``, takes no cite of its own); None when ``loc`` is not a point."""
    point = next((c for c in _classes_at(loc)
                  if "place" in c.model_fields and "any_of" not in c.model_fields), None)
    if point is None:
        return None
    if "cite" not in point.model_fields:
        return f"{{place: {got!r:.40}}} (or lon: and lat: in WGS84 degrees)"
    return (f"{{place: {got!r:.40}, cite: \"[<SOURCE-KEY>] 'quote'\"}} (a key of "
            "configs/sources.yaml), or assumed: \"why here\" in place of cite (and lon: and "
            "lat: in WGS84 degrees for a place the gazetteer does not know)")


#: what a figure's other required keys hold, for :func:`_figure_shape`
_PLACEHOLDERS = {"carrier": "formation id"}


#: pydantic's range error types and the bound each one names in its ``ctx``
_RANGE_KINDS = {"greater_than": "gt", "greater_than_equal": "ge", "less_than": "lt",
                "less_than_equal": "le"}


def _field_limits(loc) -> tuple[dict[str, float], bool]:
    """The bounds (``ge``/``gt``/``le``/``lt``) the army schema puts on the field at ``loc``
    (pydantic's error location: keys, list indexes, union tags), for a fix that states the
    whole allowed range, and whether it takes whole numbers; ({}, False) when not found."""
    import annotated_types as at

    classes: list[type] = [Army]
    info = None
    for k in loc:
        if not isinstance(k, str):
            continue  # a list index or dict key: the same classes
        owner = next((c for c in classes if k in c.model_fields), None)
        if owner is None:
            info = None
            continue  # a union's tag (``point``, ``any_of``) or a validator's name
        info = owner.model_fields[k]
        classes = _models(info.annotation) or classes
    if info is None:
        return {}, False
    out = {}
    for m in info.metadata:
        for key, cls in (("ge", at.Ge), ("gt", at.Gt), ("le", at.Le), ("lt", at.Lt)):
            if isinstance(m, cls):
                out[key] = getattr(m, key)
    return out, info.annotation is int


def validate_army(data: Any, *, source: str = "<dict>") -> Army:
    """Validate a parsed army file (a mapping); one ConfigError lists every problem."""
    if data is None:
        raise ConfigError(f"{source}: the file is empty; fix: start from "
                          "configs/armies/template.yaml (every key: configs/armies/README.md)")
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
    from logistics.vehicles import vehicles_dir

    load_bibliography()  # a damaged bibliography is one error here, not one per citation
    if not vehicles_dir().is_dir():  # one error, not one per vehicle the file names
        raise ConfigError(
            f"{source}: the vehicles it names are read from {vehicles_dir()}, which does not "
            "exist; fix: set LOGISTICS_CONFIG_DIR to a whole configs folder with its vehicles/ "
            "(a copy: cp -r configs my-configs), or unset it to read the shipped one")
    try:
        army = Army.model_validate(dict(data))
    except ValidationError as exc:
        lines = list(dict.fromkeys(line for e in exc.errors()
                                   for line in _describe(source, e, data).splitlines()))
        raise ConfigError(f"{source}: {len(lines)} problem(s) in the army file:\n  - "
                          + listed(lines) + "\n(key reference: configs/armies/README.md; "
                          "value rules: configs/README.md)"
                          ) from None
    army._source = source
    return army


def load_army(path: str | Path, *, check: bool = True) -> Army:
    """Read, validate and (``check``) cross-check one army file; see :func:`check_army`."""
    p = Path(path)
    if not p.exists():  # anything else that is no regular file: the one reader says so
        if p.is_symlink():
            raise ConfigError(f"army file {str(p)!r} is a symbolic link to {os.readlink(p)!r}, "
                              "which does not exist (or a loop of links); point the link at "
                              "an army file, or remove it")
        raise ConfigError(f"army file {str(p)!r} does not exist; give the path of a .yaml file "
                          "(e.g. configs/tbf-6gta.yaml)")
    from logistics._yaml import load_yaml

    data = load_yaml(p, what="army file")  # the one safe reader (bounded, no duplicate keys)
    raw = p.read_bytes()
    army = validate_army(data, source=str(p))
    army._sha256 = hashlib.sha256(raw).hexdigest()
    if check:
        check_army(army)
    return army


def check_army(army: Army, config_dir: str | Path | None = None) -> None:
    """Cross-checks that need the norms, the railway network and the army's own figures:
    formations resolve (standards, norms, men or vehicles, lifts, pace vehicles); vehicles of
    supply and extra fuel exist; a railhead named on a line is a station of it; flotilla
    brigades name known ship classes; ``uncertain:`` keys name figures. One ConfigError."""
    from logistics.army.fortified import load_fortified
    from logistics.army.norms import load_norms
    from logistics.army.resolve import resolve_formations
    from logistics.vehicles import list_vehicles

    src = army.source
    norms = load_norms(config_dir)
    problems: list[str] = []
    try:
        units = resolve_formations(army, norms, load_fortified(config_dir).rule)
    except ConfigError as exc:
        problems += [line.strip()[2:] for line in str(exc).splitlines()
                     if line.strip().startswith("- ")]
    else:
        problems += _lift_problems(army, units)
        problems += _tank_problems(army, units, norms)
    known = set(list_vehicles())
    for v in army.fuel.extra_fuel_l:
        if v not in known:
            problems.append(f"{src}: fuel.extra_fuel_l.{v}: unknown vehicle; fix: use one of "
                            f"{sorted(known)}")
    for n, b in enumerate(army.flotilla):
        ships = b.ships if b.ships is not None else None
        if b.standard is not None and b.standard not in norms.standards:
            problems.append(f"{src}: flotilla.{n} ({b.id}).standard: {b.standard!r} is no "
                            "standard of configs/norms/formations.yaml")
        for s in ships or ():
            if s.ship_class not in norms.ships:
                problems.append(f"{src}: flotilla.{n} ({b.id}).ships: unknown ship class "
                                f"{s.ship_class!r}; fix: use one of {sorted(norms.ships)} "
                                "(configs/norms/movement.yaml river.ship_classes)")
    problems += _railhead_problems(army)
    problems += _advance_along_problems(army)
    problems += _departure_problems(army)
    paths = set(army_figure_paths(army)) | set(GLOBAL_OVERRIDES)
    for key in army.uncertain:
        if key not in paths:
            near = difflib.get_close_matches(key, sorted(paths), n=3)
            problems.append(f"{src}: uncertain: {key!r} names no figure of this army file"
                            + (f"; did you mean {', '.join(map(repr, near))}?" if near else "")
                            + "; fix: the dotted path of one of its figures (formation ids "
                            "for list positions: formations.<id>.men, supply.trucks.0.count), "
                            "or remove the entry")
    if not problems:
        problems += _range_problems(army)
    if not problems:
        problems += _value_outside_problems(army)
    if problems:
        raise ConfigError(f"{src}: {len(problems)} problem(s) in the army file:\n  - "
                          + listed(problems) + "\n(key reference: configs/armies/README.md; "
                          "value rules: configs/README.md)")


def _lift_problems(army: Army, units) -> list[str]:
    """A lift (trucks or tank riders) of more men than the formation has, as the file is
    written. Checked here, on the file, and not when resolving: Monte Carlo draws the men and
    the lift of a formation independently (1fef-35a), and a draw with fewer men than the lift
    is every man riding, not a mistake of the user's."""
    problems = []
    for n, (f, u) in enumerate(zip(army.formations, units)):
        riding = u.riders if f.lift is not None and f.lift.kind == "tank_riders" else (
            u.lift_men if f.lift is not None else 0)
        if riding > u.men:
            bodies = int(f.count.value) if f.count is not None else 1
            drawn = any(g.parent == f.id and g.drawn_from_parent for g in army.formations)
            problems.append(
                f"{army.source}: formations.{n} ({f.id}).lift.men: {f.lift.men.value} men ride"
                + (f" a body, {riding} in its {bodies} bodies (`count:`)," if bodies > 1 else "")
                + f" but the formation has {u.men}"
                + (" after what its children draw from it" if drawn else "")
                + f"; fix: at most {u.men // bodies}" + (" a body" if bodies > 1 else "")
                + ", or more `men:`")
    return problems


def _tank_problems(army: Army, units, norms) -> list[str]:
    """A motor vehicle of a formation or of a supply column with no tank capacity in any file
    (its own ``tank_l``, the norms' table, a column's ``truck_tank_l``): found here, before
    the terrain is built, not when the plan first needs the litres."""
    from logistics.errors import LogisticsError
    from logistics.vehicles import load_vehicle, no_tank_capacity

    def tank_missing(cid: str):
        try:
            v = load_vehicle(cid)
        except LogisticsError:
            return None  # an unknown vehicle is its own problem, reported where it is named
        if v.fuel_type == "none" or norms.refill_l(v) is not None:
            return None
        return v

    problems: list[str] = []
    for n, (f, u) in enumerate(zip(army.formations, units)):
        for cid, _ in u.motor_classes:
            v = tank_missing(cid)
            if v is not None:
                problems.append(f"{army.source}: formations.{n} ({f.id}): vehicle {cid!r} has "
                                + no_tank_capacity(v, norms.files[1]))
    for i, tr in enumerate(army.supply.trucks):
        v = None if tr.truck_tank_l is not None else tank_missing(tr.vehicle)
        if v is not None:
            problems.append(f"{army.source}: supply.trucks.{i}.vehicle: {v.id!r} has "
                            + no_tank_capacity(v, norms.files[1], column=True))
    return problems


def _range_problems(army: Army) -> list[str]:
    """``uncertain:`` ranges whose ends a figure does not allow (``in_tanks_refills`` 5..9):
    found here, at load, rather than in the Monte Carlo draws after the runs. Every low end at
    once, then every high end (two validations); a failure is then traced to its keys."""
    problems: list[str] = []
    for end in ("low", "high"):
        draw = {k: getattr(u, end) for k, u in army.uncertain.items()}
        if not draw or override_problem(army, draw) is None:
            continue
        for key, value in draw.items():
            why = override_problem(army, {key: value})
            if why is not None:
                problems.append(f"{army.source}: uncertain: {key}: its {end} end {value:g} is a "
                                f"value the figure cannot take ({why}); fix: a range the "
                                "figure allows")
    return problems


def _value_outside_problems(army: Army) -> list[str]:
    """``uncertain:`` ranges that leave out their figure's own value (``in_tanks_refills``
    1.0 with a range 0.1..0.2): Monte Carlo's bands would hold every draw but the run as
    written. Refused as the norms files' ranges are (:func:`logistics.ranges.uncertain_problems`)."""
    figures = army_figure_paths(army)
    problems = []
    for key, span in army.uncertain.items():
        value = figures[key].value if key in figures else None
        if value is not None and not span.low <= value <= span.high:
            problems.append(f"{army.source}: uncertain: {key}: the figure's value {value:g} lies "
                            f"outside its range [{span.low:g}, {span.high:g}]; fix: widen the "
                            "range to hold it, or correct the value")
    return problems


def override_problem(army: Army, overrides: dict[str, float]) -> str | None:
    """Why the army with ``overrides`` is invalid (the schema's words), or None."""
    try:
        apply_army_overrides(army, overrides)
    except ConfigError as exc:
        lines = [ln.strip()[2:] for ln in str(exc).splitlines() if ln.strip().startswith("- ")]
        return "; ".join(ln.rsplit("}: ", 1)[-1].split("; fix:")[0] for ln in lines) \
            or str(exc).removeprefix("bad overrides: ")
    return None


#: Columns of the station list a railhead is checked against, and its largest size (the shipped
#: file is about 15 kB).
_STATION_COLUMNS = ("line", "name", "name_1945", "key")
_STATIONS_MAX_BYTES = 5_000_000


def _station_rows() -> list[dict]:
    """Rows of ``configs/network/stations-1945.csv`` (every station of every line R01..R23 of
    the reference, the isolated R23 railheads included)."""
    import csv

    from logistics import settings
    from logistics._textfile import read_text

    path = settings.CONFIG_DIR / "network" / "stations-1945.csv"
    if not path.is_file():  # read as no lines, it blamed the army: "'R01' is no line; use one of []"
        kind = ("a folder" if path.is_dir() else "not a regular file" if path.exists()
                else "missing")
        raise ConfigError(f"station list {path} is {kind}; the railheads' line: and "
                          "supply.rail.advance_along are checked against it; fix: restore it "
                          "from the shipped configs/network/stations-1945.csv")
    text = read_text(path, what="station list", max_bytes=_STATIONS_MAX_BYTES, error=ConfigError)
    reader = csv.DictReader((ln for ln in text.splitlines() if not ln.startswith("#")),
                            restval="")  # a short row (a cut file) reads as empty cells
    missing = [c for c in _STATION_COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise ConfigError(f"{path}: the station list lacks the columns {missing}; fix: restore "
                          f"its header ({','.join(_STATION_COLUMNS)}, ...) or take the shipped "
                          "configs/network/stations-1945.csv")
    rows = list(reader)
    return rows


def line_ids(texts: Sequence[str]) -> tuple[str, ...]:
    """Line ids named in brackets in ``supply.rail.advance_along.lines`` (``"Manzhouli -
    Hailar - Qiqihar (R01)"`` -> ``("R01",)``)."""
    out = []
    for t in texts:
        out += re.findall(r"\(\s*([A-Za-z]\d+[A-Za-z0-9]*)\s*\)", t) or (
            [t.strip()] if re.fullmatch(r"[A-Za-z]\d+[A-Za-z0-9]*", t.strip()) else [])
    return tuple(dict.fromkeys(out))


def _departure_problems(army: Army) -> list[str]:
    """Every formation starts within ``departure.tolerance_km`` of the departure line
    (configs/armies/README.md): depths are measured from that line."""
    from logistics.geodesy import distance_to_line_km, lat_lon_text

    line = [(float(p.location().lon), float(p.location().lat)) for p in army.departure.line]
    tol = float(army.departure.tolerance_km.value)
    problems = []
    for n, f in enumerate(army.formations):
        loc = f.start.location()
        d = float(distance_to_line_km(float(loc.lon), float(loc.lat), line)[0])
        if d > tol:
            problems.append(
                f"{army.source}: formations.{n} ({f.id}).start: {f.start.label} "
                f"({lat_lon_text(float(loc.lat), float(loc.lon), 3)}) lies {d:.0f} km from the "
                f"army's departure line, beyond departure.tolerance_km ({tol:g}); fix: a start "
                "on the line, or a larger departure.tolerance_km (at most 200)")
    return problems


def _advance_along_problems(army: Army) -> list[str]:
    """Each of ``supply.rail.advance_along.lines`` must name, in brackets, lines of the 1945
    network (configs/network/stations-1945.csv): a text without one, or with an unknown id,
    was ignored and the railheads silently stood still."""
    rail = army.supply.rail
    texts = rail.advance_along.lines if rail is not None and rail.advance_along else []
    if not texts:
        return []
    known = {r["line"] for r in _station_rows()}
    problems = []
    for n, text in enumerate(texts):
        where = f"{army.source}: supply.rail.advance_along.lines.{n} ({_short(text)})"
        ids = line_ids([text])
        if not ids:
            problems.append(f"{where}: names no line id in brackets; fix: end it with the "
                            "line's id, e.g. 'Manzhouli - Hailar - Qiqihar (R01)' (ids in "
                            "configs/network/stations-1945.csv)")
        for i in ids:
            if known and i not in known:
                problems.append(f"{where}: {i!r} is no line of configs/network/stations-1945.csv;"
                                f" fix: one of {sorted(known)}")
    return problems


def _railhead_problems(army: Army) -> list[str]:
    """A railhead named on a line must be a station of that line (configs/network/
    stations-1945.csv): otherwise it is off the network."""
    rail = army.supply.rail
    if rail is None or not any(r.line for r in rail.railheads):
        return []
    from logistics.places import _key, lookup

    rows = _station_rows()
    line_ids = {r["line"] for r in rows}
    problems = []
    for n, rh in enumerate(rail.railheads):
        if not rh.line:
            continue
        where = f"{army.source}: supply.rail.railheads.{n} ({rh.place})"
        if rh.line not in line_ids:
            problems.append(f"{where}.line: {rh.line!r} is no line of configs/network/"
                            f"stations-1945.csv; fix: use one of {sorted(line_ids)} or null")
            continue
        try:
            place = lookup(rh.place)
            names = {_key(x) for x in (place.name, place.name_1945, *place.aliases) if x}
        except LogisticsError:
            names = {_key(rh.place)}
        names.add(_key(rh.place))
        on = [r for r in rows if r["line"] == rh.line
              and names & {_key(r["name"]), _key(r["name_1945"]), _key(r["key"])}]
        if not on:
            problems.append(f"{where}: the railhead is off the network: {rh.place!r} is no "
                            f"station of line {rh.line} (configs/network/stations-1945.csv); "
                            "fix: name a station of that line, or give `line: null` for a "
                            "railhead off the shipped network")
    return problems


# --------------------------------------------------------------------------------------------
# figure paths, overrides, Monte Carlo


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
            near = difflib.get_close_matches(key, sorted(set(paths) | set(GLOBAL_OVERRIDES)), n=3)
            problems.append(f"override {key!r} names no figure"
                            + (f"; did you mean {', '.join(map(repr, near))}?" if near else ""))
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
    new = validate_army(data, source=f"{army.source} with overrides {dict(overrides)}")
    new._source, new._sha256 = army._source, army._sha256
    return new, scales


def sample_army_overrides(army: Army, seed: int) -> dict[str, float]:
    """One Monte Carlo draw: a value uniform in [low, high] for every ``uncertain:`` key."""
    rng = np.random.default_rng(seed)
    return {k: float(rng.uniform(u.low, u.high)) for k, u in sorted(army.uncertain.items())}
