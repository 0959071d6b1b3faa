"""The generic rules every value of an army file obeys, and the figures and points it is built of.

:class:`_Model` is the base of every schema class of :mod:`logistics.army.schema`: numbers finite
and bounded, true/false not a number, ISO dates without a time zone in years 1000-2999, texts
bounded and free of control characters, ``*_id`` fields safe identifiers
(:func:`identifier_problem`), unknown keys refused. A :class:`Figure` is a value with exactly
one of ``cite:`` or ``assumed:`` (the one provenance rule of :mod:`logistics.sources`); a
:class:`Point` is a place by gazetteer name or lon/lat with its provenance. The key-by-key
reference of an army file is ``configs/armies/README.md``.
"""

from __future__ import annotations

import math
import operator
import re
import types
import typing
from datetime import date, datetime
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from logistics._textfile import control_character, label_problem
from logistics.errors import LogisticsError, range_fix, unit_floor_problem
from logistics.geodesy import lat_lon_text
from logistics.sources import bibliography_path, provenance_problem, unknown_key_fix

__all__ = [
    "Figure",
    "FloatFigure",
    "IntFigure",
    "TimeFigure",
    "Point",
    "identifier_problem",
    "place_problem",
    "MAX_SPAN_DAYS",
    "MAX_FORMATIONS",
    "MAX_FIGURE",
    "YEARS",
    "MAX_TEXT",
]

T = TypeVar("T")

#: Longest army run, H-hour to the end of ``end``'s day: a campaign, not a century (a longer
#: span is refused: the hourly step loop would run for hours).
MAX_SPAN_DAYS = 120
#: Most formations in one army file: the shipped armies have 2 to 10, a front's whole army
#: about 30 entries with ``count:``; the step loop's time grows with each (150 copies of the
#: template's brigade took 3 minutes on a 10 km grid, 500 more than 5), so beyond this a file
#: is refused before any work rather than run for a quarter of an hour.
MAX_FORMATIONS = 100
#: Largest magnitude of any number in an army file: no count, litre or hour figure comes near it;
#: beyond it a value is a typing slip (``1e30`` vehicles), refused rather than simulated.
MAX_FIGURE = 1e9
#: Years a date may fall in (historical campaigns; far years overflow date arithmetic).
YEARS = (1000, 2999)
#: Longest text value (names, citations, notes), in characters.
MAX_TEXT = 20_000

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)?$")
_IDENTIFIER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")



def identifier_problem(value: Any) -> str | None:
    """Why ``value`` cannot name a file or folder (None when it can).

    Identifiers that become file names (``axis_id``, any ``*_id``, ``bench --name``) are 1-64
    characters from letters, digits, ``-``, ``_`` and ``.``, starting with a letter or digit,
    without ``..``: no path separators, nothing that climbs out of the output folder.
    """
    if not isinstance(value, str):
        return f"expected a text identifier, got {type(value).__name__}"
    if not _IDENTIFIER.match(value) or ".." in value:
        return ("an identifier that names files must be 1-64 letters, digits, '-', '_' or '.', "
                "start with a letter or digit and hold no '..' (e.g. TBF-6GTA)")
    return None


def _kinds(annotation: Any) -> set[str]:
    """What a field annotation accepts: 'number', 'bool', 'datetime', 'str' (unions walked)."""
    out: set[str] = set()
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            out |= _kinds(arg)
    elif origin is Literal:
        for arg in typing.get_args(annotation):
            out.add("bool" if isinstance(arg, bool) else "number" if isinstance(arg, (int, float))
                    else "str")
    elif annotation is bool:
        out.add("bool")
    elif annotation in (int, float):
        out.add("number")
    elif annotation in (datetime, date):
        out.add("datetime")
    elif annotation is str:
        out.add("str")
    return out


def _items(annotation: Any) -> set[str]:
    """Kinds of the items of a tuple/list/dict annotation (``night_hours``, ``river_crossing_h``)."""
    out: set[str] = set()
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):  # list[float] | None
        for arg in typing.get_args(annotation):
            out |= _items(arg)
        return out
    for arg in typing.get_args(annotation):
        if arg is not Ellipsis:
            out |= _kinds(arg)
    return out


def _check_number(v: Any) -> Any:
    if isinstance(v, str):  # pydantic's lax mode read "2" as 2: YAML quoting a number is a slip
        raise ValueError("expected a number, not a text (a number in quotes is text in "
                         f"YAML); fix: write the number without quotes, e.g. {_unquoted(v)}")
    if isinstance(v, bool):
        raise ValueError(f"expected a number, got {str(v).lower()} (true/false is not a "
                         "number); fix: write the figure's number, e.g. 10")
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        if isinstance(v, float) and not math.isfinite(v):
            raise ValueError(f"expected a finite number, got {v!r}; fix: write the figure's "
                             "number (inf and nan are no figure); leave an optional key out")
        if abs(v) > MAX_FIGURE:
            raise ValueError(f"expected a number of at most {MAX_FIGURE:.0e} in size (a sanity "
                             f"limit for every figure), got {_short(v)}; fix: a number "
                             f"within +-{MAX_FIGURE:.0e} in the key's unit (is it a typing slip?)")
    return v


def _unquoted(text: str) -> str:
    """``text`` as the number it spells without its quotes ("2" -> 2), else ``10``."""
    try:
        number = float(text.strip())
    except ValueError:
        return "10"
    return f"{number:g}" if math.isfinite(number) else "10"


def _check_datetime(v: Any) -> Any:
    if isinstance(v, bool) or isinstance(v, (int, float)):
        raise ValueError(f"expected a date-time like 1945-08-09T00:01, got the number "
                         f"{_short(v)}; fix: write the local date and time, e.g. "
                         "1945-08-09T00:10")
    if isinstance(v, str):
        t = v.strip()
        if not _ISO_DATE.match(t):
            raise ValueError(
                f"expected a date-time like 1945-08-09T00:01 (local time of the scenario, no time "
                f"zone: utc_offset_h says which clock), got {_short(v)}; fix: write year-month-"
                "day, T, hours:minutes, e.g. 1945-08-09T00:10 (or the day alone, 1945-08-09)")
        try:
            parsed = datetime.fromisoformat(t)
        except ValueError as exc:
            raise ValueError(f"not a real date-time: {exc} (got {_short(v)}); fix: a date "
                             "that exists, e.g. 1945-08-09T00:10") from None
        v = parsed
    if isinstance(v, datetime) and v.tzinfo is not None:
        raise ValueError(f"write the local time without a time zone (utc_offset_h gives the "
                         f"clock), got {_short(v)}; fix: drop the zone, e.g. 1945-08-09T00:10")
    if isinstance(v, (datetime, date)) and not YEARS[0] <= v.year <= YEARS[1]:
        raise ValueError(f"expected a year {YEARS[0]}-{YEARS[1]}, got {v.year}; fix: the "
                         "year of the campaign, e.g. 1945-08-09T00:10")
    return v


def _check_text(v: Any, name: str) -> Any:
    if isinstance(v, str):
        if len(v) > MAX_TEXT:
            raise ValueError(f"a text of {len(v):,} characters is too long (at most "
                             f"{MAX_TEXT:,}), got {_short(v)}")
        bad = control_character(v)
        if bad is not None:
            raise ValueError(f"a control character {bad!r} in the text, got {_short(v)}")
        odd = label_problem(v) if name in ("name", "front") else None
        if odd is not None:  # a line end split report.md's heading; U+202E reversed it
            raise ValueError(f"a {name} is one line of visible text (a summary line, a "
                             f"legend entry, a heading), got {odd} in {_short(v)}; fix: "
                             f"the {name} on one line, without invisible format characters")
        if name in ("name", "front") and not v.strip():  # a summary line, a legend entry
            # with no words; a front of none: the heat rule's fronts match no army (breaker36)
            raise ValueError(f"a {name} of blanks only, got {_short(v)}; fix: the {name} the "
                             "sources give (e.g. "
                             f"{'39th Army' if name == 'name' else 'Transbaikal Front'!r})")
        if name == "axis_id" or name == "id" or name.endswith("_id"):
            problem = identifier_problem(v)
            if problem:
                raise ValueError(f"{problem}; got {_short(v)}")
    return v


def _short(value: Any, limit: int = 80) -> str:
    """repr of a value, cut to ``limit`` characters (a bad value may be huge)."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"


class _Model(BaseModel):
    """Base of every schema class: the generic rules, applied to every field of every subclass.

    Numbers: finite (no ``.inf``/``.nan``), within :data:`MAX_FIGURE`, and true/false is not a
    number. Dates: ISO text (``1945-08-09`` or ``1945-08-09T00:01``), a real calendar day, no
    time zone, a year in :data:`YEARS`; a bare number is not a date. Text: at most
    :data:`MAX_TEXT` characters, no control characters; a field named ``axis_id``, ``id`` or
    ``*_id`` is an identifier (:func:`identifier_problem`). Unknown keys are refused.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _generic_rules(cls, v: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        if field is None:
            return v
        kinds = _kinds(field.annotation)
        if "bool" not in kinds and ("number" in kinds or "datetime" in kinds):
            if isinstance(v, bool):
                raise ValueError(f"expected a {'number' if 'number' in kinds else 'date-time'}, "
                                 f"got {str(v).lower()} (true/false is not one)")
        if "number" in kinds and "str" not in kinds:
            v = _check_number(v)
            floor = unit_floor_problem(info.field_name or "", v)
            if floor:  # radius_km: 1e-300 (a figure's value is checked by its key: _check)
                raise ValueError(floor)
        if "datetime" in kinds:
            v = _check_datetime(v)
        if "str" in kinds:
            v = _check_text(v, info.field_name or "")
        items = _items(field.annotation) if not kinds else set()
        if items and isinstance(v, (list, tuple, dict)):
            values = v.values() if isinstance(v, dict) else v
            for item in values:
                if "number" in items and "bool" not in items and "str" not in items:
                    if isinstance(item, bool):
                        raise ValueError(f"expected numbers, got {str(item).lower()} (true/false "
                                         "is not a number)")
                    _check_number(item)
                if "datetime" in items:
                    _check_datetime(item)
        return v

    @model_validator(mode="after")
    def _unit_floors(self) -> Any:
        """Every figure of the model (and of a mapping of figures, ``extra_fuel_l``) above 0
        but below the least quantity of the unit its key states (``payload_l: 1e-300``:
        :func:`~logistics.errors.unit_floor_problem`), refused by its key's name: a figure's
        own ``value`` field has no unit in its name."""
        problems = []
        for name in type(self).model_fields:
            value = getattr(self, name)
            named = value.items() if isinstance(value, dict) else [("", value)]
            for key, item in named:
                if isinstance(item, Figure):
                    problem = unit_floor_problem(f"{name}.{key}" if key else name, item.value)
                    if problem:
                        problems.append(problem)
        if problems:
            raise ValueError("; ".join(problems))
        return self


_OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}


def folder_of(info: Any) -> Any:
    """The configs folder a validation reads (vehicles, bibliography): ``config_dir`` of the
    validation context (:func:`~logistics.army.validate.validate_army`), None for
    ``settings.CONFIG_DIR``."""
    context = getattr(info, "context", None)
    return context.get("config_dir") if isinstance(context, dict) else None


def _check_provenance(what: str, cite: str | None, assumed: str | None,
                      info: Any = None) -> None:
    """Raise ValueError naming ``what`` unless exactly one of ``cite``/``assumed`` is given,
    its citation keys those of the bibliography of the validation's configs folder (``info``:
    the validator's ValidationInfo, :func:`folder_of`)."""
    folder = folder_of(info)
    problem = provenance_problem({"cite": cite, "assumed": assumed}, config_dir=folder)
    if problem is not None:
        expected, seen = problem
        if seen.startswith("unknown key"):
            fix = unknown_key_fix(folder)
            expected = f"citation keys of {bibliography_path(folder)} in brackets ([GLANTZ-LP7])"
        elif seen.startswith("neither"):
            fix = ("add cite: \"[GLANTZ-LP7] 'the quote'\" (a key of configs/sources.yaml: a source "
                   "gives it) or assumed: \"why\"")
        elif seen.startswith("one with"):
            fix = "drop the quote, or give the source as cite"
        else:
            fix = ("keep one: cite when a source gives the value, assumed when it is a "
                   "modelling choice")
        raise ValueError(f"{what}: expected {expected}; {seen}; fix: {fix}")


def _check(*rules: tuple[str, Any, str, float]) -> None:
    """Raise one ValueError naming every broken rule ``(name, value, op, bound)``, each with
    its fix: the range every rule of that name allows (with the unit the name states) and the
    allowed value nearest to the one given.

    A rule whose value is None (an optional figure left out) is skipped; a Figure is checked
    by its ``value``.
    """
    keys = {">=": "ge", ">": "gt", "<=": "le", "<": "lt"}
    problems: dict[str, str] = {}
    for name, value, op, bound in rules:
        v = value.value if isinstance(value, Figure) else value
        if v is not None and not _OPS[op](v, bound) and name not in problems:
            limits = {keys[o]: b for n, _, o, b in rules if n == name}
            whole = isinstance(v, int) and not isinstance(v, bool)
            problems[name] = (f"{name} must be {op} {bound}, got {v}; "
                              + range_fix(name, v, whole=whole, **limits))
    if problems:
        raise ValueError("; ".join(problems.values()))


class Figure(_Model, Generic[T]):
    """A number (or date) with its provenance: exactly one of ``cite`` or ``assumed``.

    ``cite`` names the source (tag and quote location, e.g. ``"LOZA-AIR, parameters.md 2.2"``);
    ``assumed`` says why the value was chosen when no source gives it.
    """

    value: T
    cite: str | None = None
    assumed: str | None = None

    @model_validator(mode="after")
    def _one_provenance(self, info: ValidationInfo) -> Figure:
        _check_provenance("a figure", self.cite, self.assumed, info)
        return self

    @property
    def is_assumed(self) -> bool:
        """True when the value is a named modelling assumption rather than a sourced figure."""
        return bool(self.assumed)


class FloatFigure(Figure[float]):
    """A number with its provenance (a named class: parametrised generics do not pickle)."""


class IntFigure(Figure[int]):
    """A whole number with its provenance."""


class TimeFigure(Figure[datetime]):
    """A date-time with its provenance."""


def place_problem(exc: LogisticsError) -> str:
    """The message of a point that cannot be located, with its fix: an unknown or unlocated
    name is fixed by a known name or by the point's own coordinates (``place:`` then labels
    them), which the gazetteer's own message, written for the command line, does not say."""
    from logistics.errors import UnknownNameError
    from logistics.places import UNKNOWN_PLACE_HINT

    msg = str(exc)
    if "fix:" in msg or not isinstance(exc, UnknownNameError):
        return msg
    return (f"{msg.replace(UNKNOWN_PLACE_HINT, '')}; fix: a name the gazetteer knows "
            "(`logistics places TEXT` lists them; 1945 or modern), 'LAT,LON' text, or the "
            "point's own `lon:` and `lat:` in WGS84 degrees, `place:` then only its label")


#: How far a point's own ``lon``/``lat`` may lie from the gazetteer's place of its ``place:``
#: name. Assumed: the shipped army files' points lie at most 6.8 km from the place they name
#: (Lubei); one 50 km or more away is a typo in its coordinates (they win over the name).
LABEL_OFFSET_KM: float = 50.0


def label_offset_problem(place: str | None, lon: float | None, lat: float | None) -> str:
    """"" unless the point's own coordinates lie more than :data:`LABEL_OFFSET_KM` from the
    gazetteer's place of its name; then the problem with its fix. Why: with ``lon``/``lat``
    given, ``place:`` is only a label, so ``place: Qiqihar, lon: 126.0, lat: 40.0`` (a typo)
    put the objective 817 km from Qiqihar without a word. A name the gazetteer does not know
    (a label of the user's own) is not checked."""
    from logistics.geodesy import great_circle_km
    from logistics.places import lookup

    if not place or lon is None or lat is None:
        return ""
    try:
        known = lookup(place)
    except LogisticsError:
        return ""
    d_km = float(great_circle_km(float(lon), float(lat), known.lon, known.lat))
    if d_km <= LABEL_OFFSET_KM:
        return ""
    return (f"lon {lon:g}, lat {lat:g} lie {d_km:.0f} km from {place!r} of the gazetteer "
            f"({known.lat:.2f} N, {known.lon:.2f} E), and with lon/lat given they win over the "
            f"name; fix: correct lon/lat (a typo?), or remove them to use the gazetteer's "
            f"{known.name}, or give a point meant to lie elsewhere a name of its own (place: "
            "is then only its label)")


class Point(_Model):
    """A named place; ``lon``/``lat`` (WGS84 degrees) are looked up in the gazetteer if absent,
    and a point given by ``lon``/``lat`` alone is labelled by them.

    ``cite`` (or ``assumed``) says why this point is on the axis and where its coordinates
    come from. ``radius_km``: for a depot, how close the route must come to take it; for a
    railhead given by ``lon``/``lat``, how near the station it names must lie to stand for it
    (a railhead is the station it names, never merely the nearest); for an objective,
    how far a point on ground the pace vehicle cannot enter may be moved onto passable ground
    (an objective is reached where its route arrives at it, never by coming within the
    radius: ``logistics/advance/routes.py``).
    """

    place: str = Field(default="", min_length=1)
    lon: float | None = Field(default=None, ge=-180, le=180)
    lat: float | None = Field(default=None, ge=-90, le=90)
    cite: str | None = None
    assumed: str | None = None
    radius_km: float = Field(default=10.0, gt=0, le=500)

    @model_validator(mode="before")
    @classmethod
    def _label_from_coordinates(cls, data: Any) -> Any:
        """A point given by ``lon``/``lat`` alone is labelled by them, ``46.620 N 121.240 E``,
        as a start or a point of ``departure.line`` is: configs/README.md and the template
        offer ``place:`` *or* ``lon:``/``lat:`` for every point."""
        if isinstance(data, dict) and data.get("place") is None:
            lon, lat = data.get("lon"), data.get("lat")
            if all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
                   and abs(v) <= 180 for v in (lon, lat)):
                return {**data, "place": lat_lon_text(float(lat), float(lon), 3, sep=" ")}
        return data

    @model_validator(mode="after")
    def _coords_and_provenance(self, info: ValidationInfo) -> Point:
        if (self.lon is None) != (self.lat is None):
            raise ValueError("give both `lon` and `lat`, or neither (then the gazetteer is used)")
        if not self.place:
            raise ValueError("no location; fix: give `place:` (a name the gazetteer knows) or "
                             "`lon:`/`lat:`")
        _check_provenance(f"point {self.place!r} (source of the place and its coordinates)",
                          self.cite, self.assumed, info)
        try:
            self.location()
        except LogisticsError as exc:
            raise ValueError(place_problem(exc)) from None
        far = label_offset_problem(self.place, self.lon, self.lat)
        if far:
            raise ValueError(far)
        return self

    def location(self):
        """The :class:`~logistics.places.Place` of this point: its own ``lon``/``lat`` (named
        ``place``), else the gazetteer's (:func:`logistics.places.resolve`, theatre-checked)."""
        from logistics.places import resolve

        if self.lon is not None and self.lat is not None:
            return resolve((self.lon, self.lat), name=self.place)
        return resolve(self.place)
