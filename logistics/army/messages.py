"""The army schema's pydantic errors as one-line messages: each names the file, the key path
(formations and flotilla brigades by id), the value and the fix, so that one ConfigError can list
every problem of a file. Why a module of its own: the messages read the schema's fields (their
bounds, descriptions, allowed keys) to say the fix, which is a job apart from reading the file.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Mapping
from typing import Any

from logistics.army.schema import Army
from logistics.errors import close_names, did_you_mean, offer, range_fix

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


#: Everyday words for a means of movement -> the ``movement:`` values they mean
#: (configs/armies/README.md, "Means of movement"). Why: by likeness of spelling alone
#: ``trucks`` was offered ``tracked``, the tanks' value, for rifle troops on their trucks.
_MOVEMENT_WORDS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("truck", "trucks", "lorry", "lorries", "lorried", "motorised",
                     "motorized", "mechanised", "mechanized", "wheeled", "wheels", "vehicles",
                     "motor_rifle", "trucked"), ("truck_borne", "motor")),
    **dict.fromkeys(("tank", "tanks", "armour", "armor", "armoured", "armored", "tracks"),
                    ("tracked",)),
    **dict.fromkeys(("march", "marching", "walk", "walking", "infantry", "on_foot",
                     "legs"), ("foot",)),
    **dict.fromkeys(("cavalry", "horses", "horseback", "mounted", "riding"), ("horse",)),
    **dict.fromkeys(("train", "trains", "railway", "railroad", "railways"), ("rail",)),
    **dict.fromkeys(("ship", "ships", "boat", "boats", "flotilla", "ferry"), ("river",)),
}


def _literal_hint(loc: list, got: Any, options: list[str]) -> str:
    """``did you mean ...?`` for a value not allowed at ``loc``: a ``movement:`` given in
    everyday words (``trucks``) gets the values those words mean; any other value the
    allowed one nearest in spelling."""
    if loc and loc[-1] == "movement" and isinstance(got, str):
        meant = _MOVEMENT_WORDS.get(re.sub(r"[\s-]+", "_", got.strip().casefold()))
        if meant:
            return offer([repr(m) for m in meant if m in options])
    return did_you_mean(got, options)


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
        fix = "; " + (_swapped_fix(data, loc, got) or range_fix(name, got, whole=whole,
                                                                 **limits))
    elif kind == "literal_error" and err.get("ctx", {}).get("expected"):
        expected = err["ctx"]["expected"]
        options = re.findall(r"'([^']*)'", expected)
        hint = _literal_hint(loc, got, options)
        if len(options) > 6 and expected in msg:  # a long list is shown once, in the message
            fix = "; fix: " + (f"{hint} " if hint else "") + "write one of the values listed"
        else:
            fix = f"; fix: write one of {expected}" + (f" ({hint})" if hint else "")
    else:
        fix = f"; fix: {_FIXES.get(kind, 'see configs/README.md')}"
        what = _description(loc) if kind == "missing" else None
        if what:
            fix += f" ({loc[-1]}: {what})"
        if kind == "extra_forbidden" and loc:
            # 0.8: an unknown key is often another word, not a slip ('colour' is not 'column')
            hint = did_you_mean(loc[-1], _keys_at(loc[:-1]), cutoff=0.8)
            if hint:
                fix = (f"; fix: {hint} correct its spelling, or remove it "
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


def _swapped_fix(data: Any, loc: list, got: Any) -> str | None:
    """``fix: swap them ...`` for a point's ``lat`` out of range whose ``lon`` beside it would
    be a valid latitude and the ``lat`` a valid longitude (:func:`logistics.places.
    lat_lon_swapped`, the test of ``logistics route``'s LAT,LON); None otherwise. Why: the
    nearest bound ("e.g. 90" for lat 127.99) is no place the user meant."""
    from logistics.places import lat_lon_swapped

    if not loc or loc[-1] != "lat" or isinstance(got, bool) or not isinstance(got, (int, float)):
        return None
    point = data
    for k in loc[:-1]:
        if isinstance(point, dict) and isinstance(k, str) and k not in point:
            continue  # a union's tag (an objective's `point`), not a key of the file
        try:
            point = point[k]
        except (KeyError, IndexError, TypeError):
            return None
    lon = point.get("lon") if isinstance(point, dict) else None
    if isinstance(lon, bool) or not isinstance(lon, (int, float)):
        return None
    limits, _ = _field_limits([*loc[:-1], "lon"])
    if not lat_lon_swapped(float(got), float(lon), lon_range=(limits.get("ge", -180.0),
                                                               limits.get("le", 180.0))):
        return None
    return (f"fix: lon and lat look swapped (lat is north, -90..90 degrees); write "
            f"lon: {got:g}, lat: {lon:g}")


def _models(annotation) -> list[type]:
    """The pydantic model classes in a field's annotation (through unions, lists, dicts)."""
    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for a in typing.get_args(annotation) for m in _models(a)]


def without_misspelt_missing(errors: list[dict]) -> list[dict]:
    """pydantic's ``errors`` less each "missing" key whose misspelling stands beside it (an
    unknown key of the same mapping that :func:`_describe` offers as "did you mean" it):
    ``objectivs:`` gave two problems, "objectives: Field required; fix: add this key" and
    the misspelling, and a user adding the key kept the typo. The misspelling's line says it."""
    misspelt = set()
    for e in errors:
        loc = tuple(e.get("loc") or ())
        if e.get("type") == "extra_forbidden" and loc and isinstance(loc[-1], str):
            # 0.8: the cutoff _describe offers its 'did you mean' at (an unknown key is often
            # another word, not a slip)
            near = close_names(loc[-1], _keys_at(loc[:-1]), cutoff=0.8)
            misspelt.update((loc[:-1], k) for k in near)
    return [e for e in errors if not (e.get("type") == "missing" and e.get("loc")
                                      and (tuple(e["loc"][:-1]), e["loc"][-1]) in misspelt)]


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
