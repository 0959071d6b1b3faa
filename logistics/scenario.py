"""Scenario config schema: one YAML file per axis, validated once, every problem reported at once.

A scenario says who moves (formation), from where, through which objectives in order, on which
dates, and how it is supplied (railheads and truck columns, airlift, captured depots). Every
figure in it is a :class:`Figure`: a value plus either ``cite:`` (where it comes from) or
``assumed:`` (why this value, when no source gives one), checked by the one provenance rule of
:mod:`logistics.sources`. The report lists the assumptions.

``load_scenario(path)`` reads and validates a file; a file with several mistakes raises ONE
:class:`~logistics.errors.ConfigError` listing each problem as ``file: key: what is wrong (got
...); fix: ...``. ``apply_overrides`` and ``sample_overrides`` serve calibration and Monte Carlo.
The key-by-key reference is ``configs/README.md``.
"""

from __future__ import annotations

import difflib
import hashlib
import math
import operator
import re
import types
import typing
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from logistics.errors import ConfigError, LogisticsError
from logistics.sources import provenance_problem

__all__ = [
    "Figure",
    "FloatFigure",
    "IntFigure",
    "TimeFigure",
    "Point",
    "Scenario",
    "load_scenario",
    "validate_scenario",
    "apply_overrides",
    "sample_overrides",
    "GLOBAL_OVERRIDES",
    "figure_paths",
    "scenario_paths",
    "NOT_SCENARIOS",
    "identifier_problem",
    "MAX_SPAN_DAYS",
    "MAX_FIGURE",
    "YEARS",
]

T = TypeVar("T")

#: YAML files that sit directly in configs/ beside the scenarios but are data, not scenarios:
#: the bibliography and the fortified-region layer (configs/armies/README.md).
NOT_SCENARIOS: frozenset[str] = frozenset({"sources.yaml", "fortified-regions.yaml"})


def scenario_paths(folder: str | Path) -> list[Path]:
    """The scenario configs directly in ``folder``: every ``*.yaml`` file, sorted, except the
    data files of ``NOT_SCENARIOS``."""
    return sorted(p for p in Path(folder).glob("*.yaml") if p.is_file() and p.name not in NOT_SCENARIOS)

#: Overrides that apply to every axis in the same way (calibration, Monte Carlo).
GLOBAL_OVERRIDES: dict[str, str] = {
    "speed_scale": "multiplies every ground speed (formation and supply trucks); 1 = physics",
    "fuel_scale": "multiplies every fuel consumption (formation and supply trucks); 1 = physics",
    "march_hours_per_day": "replaces formation.march.hours_per_day on every axis",
}

FuelType = Literal["diesel", "petrol", "any"]
#: Which part of an army a scenario models: its main forces, or its mobile group / forward
#: detachments (``configs/README.md``, "Echelons").
Echelon = Literal["main", "mobile"]
Season = Literal["dry", "wet"]
RiverName = Literal["major", "large", "medium", "intermittent", "canal"]


#: Longest scenario, H-hour to the end of ``end``'s day: a campaign, not a century (a longer
#: span is refused: the hourly step loop would run for hours).
MAX_SPAN_DAYS = 120
#: Largest magnitude of any number in a scenario: no count, litre or hour figure comes near it;
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
    for arg in typing.get_args(annotation):
        if arg is not Ellipsis:
            out |= _kinds(arg)
    return out


def _check_number(v: Any) -> Any:
    if isinstance(v, bool):
        raise ValueError(f"expected a number, got {str(v).lower()} (true/false is not a number)")
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        if isinstance(v, float) and not math.isfinite(v):
            raise ValueError(f"expected a finite number, got {v!r}")
        if abs(v) > MAX_FIGURE:
            raise ValueError(f"expected a number of at most {MAX_FIGURE:.0e} in size (a sanity "
                             f"limit for every figure), got {_short(v)}")
    return v


def _check_datetime(v: Any) -> Any:
    if isinstance(v, bool) or isinstance(v, (int, float)):
        raise ValueError(f"expected a date-time like 1945-08-09T00:01, got the number {_short(v)}")
    if isinstance(v, str):
        t = v.strip()
        if not _ISO_DATE.match(t):
            raise ValueError(
                f"expected a date-time like 1945-08-09T00:01 (local time of the scenario, no time "
                f"zone: utc_offset_h says which clock), got {_short(v)}")
        try:
            parsed = datetime.fromisoformat(t)
        except ValueError as exc:
            raise ValueError(f"not a real date-time: {exc} (got {_short(v)})") from None
        v = parsed
    if isinstance(v, datetime) and v.tzinfo is not None:
        raise ValueError(f"write the local time without a time zone (utc_offset_h gives the "
                         f"clock), got {_short(v)}")
    if isinstance(v, (datetime, date)) and not YEARS[0] <= v.year <= YEARS[1]:
        raise ValueError(f"expected a year {YEARS[0]}-{YEARS[1]}, got {v.year}")
    return v


def _check_text(v: Any, name: str) -> Any:
    if isinstance(v, str):
        if len(v) > MAX_TEXT:
            raise ValueError(f"a text of {len(v):,} characters is too long (at most "
                             f"{MAX_TEXT:,}), got {_short(v)}")
        bad = next((c for c in v if ord(c) < 32 and c not in "\n\r\t"), None)
        if bad is not None:
            raise ValueError(f"a control character {bad!r} in the text, got {_short(v)}")
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


_OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}


def _check_provenance(what: str, cite: str | None, assumed: str | None) -> None:
    """Raise ValueError naming ``what`` unless exactly one of ``cite``/``assumed`` is given."""
    problem = provenance_problem({"cite": cite, "assumed": assumed})
    if problem is not None:
        raise ValueError(f"{what}: expected {problem[0]}; {problem[1]}")


def _check(*rules: tuple[str, Any, str, float]) -> None:
    """Raise one ValueError naming every broken rule ``(name, value, op, bound)``.

    A rule whose value is None (an optional figure left out) is skipped; a Figure is checked
    by its ``value``.
    """
    problems = []
    for name, value, op, bound in rules:
        v = value.value if isinstance(value, Figure) else value
        if v is not None and not _OPS[op](v, bound):
            problems.append(f"{name} must be {op} {bound}, got {v}")
    if problems:
        raise ValueError("; ".join(problems))


class Figure(_Model, Generic[T]):
    """A number (or date) with its provenance: exactly one of ``cite`` or ``assumed``.

    ``cite`` names the source (tag and quote location, e.g. ``"LOZA-AIR, parameters.md 2.2"``);
    ``assumed`` says why the value was chosen when no source gives it.
    """

    value: T
    cite: str | None = None
    assumed: str | None = None

    @model_validator(mode="after")
    def _one_provenance(self) -> Figure:
        _check_provenance("a figure", self.cite, self.assumed)
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


class Point(_Model):
    """A named place; ``lon``/``lat`` (WGS84 degrees) are looked up in the gazetteer if absent.

    ``cite`` (or ``assumed``) says why this point is on the axis and where its coordinates
    come from. ``radius_km`` is how close the route must come to count as reaching it.
    """

    place: str = Field(min_length=1)
    lon: float | None = Field(default=None, ge=-180, le=180)
    lat: float | None = Field(default=None, ge=-90, le=90)
    cite: str | None = None
    assumed: str | None = None
    radius_km: float = Field(default=10.0, gt=0, le=500)

    @model_validator(mode="after")
    def _coords_and_provenance(self) -> Point:
        if (self.lon is None) != (self.lat is None):
            raise ValueError("give both `lon` and `lat`, or neither (then the gazetteer is used)")
        _check_provenance(f"point {self.place!r} (source of the place and its coordinates)",
                          self.cite, self.assumed)
        try:
            self.location()
        except LogisticsError as exc:
            raise ValueError(str(exc)) from None
        return self

    def location(self):
        """The :class:`~logistics.places.Place` of this point: its own ``lon``/``lat`` (named
        ``place``), else the gazetteer's (:func:`logistics.places.resolve`, theatre-checked)."""
        from logistics.places import resolve

        if self.lon is not None and self.lat is not None:
            return resolve((self.lon, self.lat), name=self.place)
        return resolve(self.place)


class Start(Point):
    """Jump-off point and H-hour (local clock of the scenario, see ``utc_offset_h``)."""

    time: TimeFigure


class SeasonSpan(_Model):
    """From ``start`` on, the cost engine uses ``season`` (dry or wet ground)."""

    start: TimeFigure
    season: Season


class Group(_Model):
    """Vehicles of one class in the formation, with fuel carried on them beyond their tanks.

    ``tank_l`` (one refill per vehicle) defaults to the vehicle file's ``tank_l``.
    """

    vehicle: str = Field(min_length=1)
    count: IntFigure
    tank_l: FloatFigure | None = None
    extra_fuel_l: FloatFigure | None = None

    @field_validator("vehicle")
    @classmethod
    def _known_vehicle(cls, v: str) -> str:
        return _check_vehicle(v)

    @model_validator(mode="after")
    def _ranges(self) -> Group:
        _check(("count", self.count, ">=", 0), ("count", self.count, "<=", 100_000),
               ("tank_l", self.tank_l, ">", 0), ("tank_l", self.tank_l, "<=", 10_000),
               ("extra_fuel_l", self.extra_fuel_l, ">=", 0),
               ("extra_fuel_l", self.extra_fuel_l, "<=", 10_000))
        return self


class FuelStart(_Model):
    """Fuel at H-hour, counted as the sources count it: a refill = one full set of tanks."""

    in_tanks_refills: FloatFigure
    carried_refills: FloatFigure

    @model_validator(mode="after")
    def _ranges(self) -> FuelStart:
        _check(("in_tanks_refills (the filled fraction of the tanks)", self.in_tanks_refills,
                ">=", 0), ("in_tanks_refills", self.in_tanks_refills, "<=", 1),
               ("carried_refills", self.carried_refills, ">=", 0),
               ("carried_refills", self.carried_refills, "<=", 100))
        return self


class March(_Model):
    """Daily march window: moving from ``start_hour`` for ``hours_per_day`` hours (clock time)."""

    start_hour: FloatFigure
    hours_per_day: FloatFigure
    max_speed_kmh: FloatFigure | None = None
    max_km_per_day: FloatFigure | None = None
    night_speed_factor: FloatFigure | None = None
    night_hours: tuple[float, float] = (21.0, 5.0)

    @model_validator(mode="after")
    def _ranges(self) -> March:
        _check(("start_hour", self.start_hour, ">=", 0), ("start_hour", self.start_hour, "<", 24),
               ("hours_per_day", self.hours_per_day, ">=", 0),
               ("hours_per_day", self.hours_per_day, "<=", 24),
               ("max_speed_kmh", self.max_speed_kmh, ">", 0),
               ("max_speed_kmh", self.max_speed_kmh, "<=", 150),
               ("max_km_per_day", self.max_km_per_day, ">", 0),
               ("max_km_per_day", self.max_km_per_day, "<=", 2000),
               ("night_speed_factor", self.night_speed_factor, ">", 0),
               ("night_speed_factor", self.night_speed_factor, "<=", 1),
               *((f"night_hours[{i}] (clock hour)", h, op, bound)
                 for i, h in enumerate(self.night_hours) for op, bound in ((">=", 0), ("<", 24))))
        return self


class Column(_Model):
    """Column geometry: vehicles spread over ``routes`` parallel roads, ``gap_m`` apart."""

    routes: IntFigure
    gap_m: FloatFigure

    @model_validator(mode="after")
    def _ranges(self) -> Column:
        _check(("routes", self.routes, ">=", 1), ("routes", self.routes, "<=", 100),
               ("gap_m", self.gap_m, ">=", 0), ("gap_m", self.gap_m, "<=", 10_000))
        return self


class Formation(_Model):
    """Who moves: vehicle groups, the class the route is planned for, fuel, march, column."""

    name: str
    lead: str
    groups: list[Group] = Field(min_length=1)
    fuel: FuelStart
    march: March
    column: Column
    river_crossing_h: dict[RiverName, FloatFigure] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _lead_in_groups(self) -> Formation:
        ids = [g.vehicle for g in self.groups]
        if self.lead not in ids:
            raise ValueError(f"lead {self.lead!r} must be one of the groups' vehicles {ids}")
        if len(set(ids)) != len(ids):
            raise ValueError(f"each vehicle may appear in one group only, got {ids}")
        lead = next(g for g in self.groups if g.vehicle == self.lead)
        if lead.count.value < 1:
            raise ValueError(f"the lead group ({self.lead}) has count {lead.count.value}; a "
                             "formation moves at the pace of at least one vehicle of its lead "
                             "class: give it a count of 1 or more")
        _check(*((f"river_crossing_h.{k}", v, op, bound) for k, v in self.river_crossing_h.items()
                 for op, bound in ((">=", 0), ("<=", 720))))
        return self


class Trucks(_Model):
    """A truck column shuttling fuel from a railhead to wherever the formation is."""

    name: str
    railhead: Point
    vehicle: str
    count: IntFigure
    payload_l: FloatFigure | None = None
    truck_tank_l: FloatFigure | None = None
    fuel_type: FuelType = "any"
    load_h: FloatFigure
    unload_h: FloatFigure
    driving_hours_per_day: FloatFigure
    start: TimeFigure
    until: TimeFigure | None = None
    convoys: int = Field(default=1, ge=1, le=1000)
    jitter_h: FloatFigure | None = None

    @field_validator("vehicle")
    @classmethod
    def _known_vehicle(cls, v: str) -> str:
        return _check_vehicle(v)

    @model_validator(mode="after")
    def _ranges(self) -> Trucks:
        if self.until is not None and self.until.value <= self.start.value:
            raise ValueError(f"until ({self.until.value}) must be after start "
                             f"({self.start.value})")
        _check(("count", self.count, ">=", 0), ("count", self.count, "<=", 100_000),
               ("payload_l", self.payload_l, ">", 0), ("payload_l", self.payload_l, "<=", 100_000),
               ("truck_tank_l", self.truck_tank_l, ">=", 0),
               ("truck_tank_l", self.truck_tank_l, "<=", 10_000),
               ("driving_hours_per_day", self.driving_hours_per_day, ">", 0),
               ("driving_hours_per_day", self.driving_hours_per_day, "<=", 24),
               ("load_h", self.load_h, ">=", 0), ("load_h", self.load_h, "<=", 240),
               ("unload_h", self.unload_h, ">=", 0), ("unload_h", self.unload_h, "<=", 240),
               ("jitter_h", self.jitter_h, ">=", 0), ("jitter_h", self.jitter_h, "<=", 240))
        return self


class Airlift(_Model):
    """Fuel flown in: ``total_t`` spread evenly over the days ``start``..``end`` (inclusive)."""

    name: str
    start: TimeFigure
    end: TimeFigure
    total_t: FloatFigure
    fuel_type: FuelType = "any"
    hour: float = Field(default=12.0, ge=0, lt=24)
    daily_cv: FloatFigure | None = None

    @model_validator(mode="after")
    def _ranges(self) -> Airlift:
        if self.end.value < self.start.value:
            raise ValueError(f"end ({self.end.value}) is before start ({self.start.value})")
        _check(("total_t", self.total_t, ">=", 0), ("total_t", self.total_t, "<=", 1e6),
               ("daily_cv", self.daily_cv, ">=", 0), ("daily_cv", self.daily_cv, "<=", 10))
        return self


class Depot(_Model):
    """A captured fuel depot: its fuel is taken over when the formation reaches it."""

    name: str
    at: Point
    fuel_l: FloatFigure
    fuel_type: FuelType = "any"

    @model_validator(mode="after")
    def _ranges(self) -> Depot:
        _check(("fuel_l", self.fuel_l, ">=", 0))
        return self


class Event(_Model):
    """A documented delay (engagement, pocket): kept apart so runs can be made without them.

    Reaching ``at`` (or, without ``at``, the time ``start``) halts the formation until
    ``until`` or for ``duration_h``.
    """

    name: str
    at: Point | None = None
    start: TimeFigure | None = None
    until: TimeFigure | None = None
    duration_h: FloatFigure | None = None
    cite: str = Field(min_length=1)

    @model_validator(mode="after")
    def _shape(self) -> Event:
        if (self.at is None) == (self.start is None):
            raise ValueError("an event needs exactly one of `at:` (a place) or `start:` (a time)")
        if (self.until is None) == (self.duration_h is None):
            raise ValueError("an event needs exactly one of `until:` or `duration_h:`")
        _check(("duration_h", self.duration_h, ">=", 0),
               ("duration_h", self.duration_h, "<=", 24 * MAX_SPAN_DAYS))
        if self.start is not None and self.until is not None:
            if self.until.value <= self.start.value:
                raise ValueError(f"until ({self.until.value}) must be after start")
        return self


class Supply(_Model):
    """Every fuel source of the formation."""

    trucks: list[Trucks] = Field(default_factory=list)
    air: list[Airlift] = Field(default_factory=list)
    depots: list[Depot] = Field(default_factory=list)


class Uncertain(_Model):
    """A plausible range for one figure, sampled uniformly by Monte Carlo."""

    low: float
    high: float
    cite: str | None = None
    assumed: str | None = None

    @model_validator(mode="after")
    def _ok(self) -> Uncertain:
        if not self.low <= self.high:
            raise ValueError(f"low ({self.low}) must be <= high ({self.high})")
        _check_provenance("a range", self.cite, self.assumed)
        return self


class Routing(_Model):
    """Computational settings of the route search (not historical figures)."""

    margin_deg: float = Field(default=1.0, ge=0.1, le=10)
    stencil: Literal[8, 16] = 16


class Scenario(_Model):
    """One axis of advance: the whole validated config file."""

    axis_id: str = Field(min_length=1)
    echelon: Echelon = "main"
    name: str
    front: str
    utc_offset_h: FloatFigure
    start: Start
    end: TimeFigure
    objectives: list[Point] = Field(min_length=1)
    seasons: list[SeasonSpan] = Field(min_length=1)
    formation: Formation
    supply: Supply = Field(default_factory=Supply)
    events: list[Event] = Field(default_factory=list)
    uncertain: dict[str, Uncertain] = Field(default_factory=dict)
    routing: Routing = Field(default_factory=Routing)
    notes: str = ""

    _source: str = PrivateAttr(default="<dict>")
    _sha256: str = PrivateAttr(default="")

    @property
    def source(self) -> str:
        """The file the scenario was read from (``<dict>`` when built in memory)."""
        return self._source

    @property
    def run_id(self) -> str:
        """Name of the run folder: ``axis_id`` for the main echelon, ``<axis_id>-mobile`` for
        the mobile one (so both echelons of an axis run side by side)."""
        return self.axis_id if self.echelon == "main" else f"{self.axis_id}-{self.echelon}"

    @property
    def sha256(self) -> str:
        """SHA-256 of the file's bytes (empty when built in memory)."""
        return self._sha256

    @model_validator(mode="after")
    def _cross_checks(self) -> Scenario:
        problems = _order_problems(self)
        try:
            _check(("utc_offset_h", self.utc_offset_h, ">=", -12),
                   ("utc_offset_h", self.utc_offset_h, "<=", 14))
        except ValueError as exc:
            problems.append(str(exc))
        paths = set(figure_paths(self)) | set(GLOBAL_OVERRIDES)
        for key in self.uncertain:
            if key not in paths:
                near = difflib.get_close_matches(key, sorted(paths), n=3)
                problems.append(
                    f"uncertain: {key!r} names no figure of this scenario"
                    + (f"; did you mean {', '.join(map(repr, near))}?" if near else "")
                )
        if problems:
            raise ValueError("; ".join(problems))
        return self


# --------------------------------------------------------------------------------------------
# name checks (vehicles): near matches in the message


def _check_vehicle(name: str) -> str:
    from logistics.vehicles import list_vehicles

    known = list(list_vehicles())
    if name not in known:
        near = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
        hint = f"did you mean {', '.join(map(repr, near))}?" if near else f"known: {known}"
        raise ValueError(f"unknown vehicle {name!r}; {hint}")
    return name


def _order_problems(sc: Scenario) -> list[str]:
    """Dates out of order: start < end, seasons ascending and covering H-hour, supply in range."""
    problems = _raw_order_problems(sc.model_dump())
    t_end = sc.end.value
    for i, tr in enumerate(sc.supply.trucks):
        if tr.start.value > t_end:
            problems.append(f"supply.trucks[{i}].start ({tr.start.value}) is after end ({t_end})")
    for i, air in enumerate(sc.supply.air):
        if air.start.value > t_end:
            problems.append(f"supply.air[{i}].start ({air.start.value}) is after end ({t_end})")
    return problems


def _raw_order_problems(data: Mapping[str, Any]) -> list[str]:
    """The date-order checks on the raw mapping, for files whose other keys failed validation.

    Pydantic skips whole-model checks when any field is invalid; this pass still reports dates
    out of order so that one error lists every problem. Unparseable parts are skipped (they
    are reported by the field validation).
    """
    def when(node: Any) -> datetime | None:
        try:
            v = _check_datetime(node["value"])
        except (KeyError, IndexError, TypeError, ValueError):
            return None  # unparseable: reported by the field validation
        if isinstance(v, datetime):
            return v
        return datetime(v.year, v.month, v.day) if isinstance(v, date) else None

    def get(node: Any, *keys: Any) -> Any:
        for k in keys:
            try:
                node = node[k]
            except (KeyError, IndexError, TypeError):
                return None
        return node

    problems = []
    t0, t_end = when(get(data, "start", "time")), when(get(data, "end"))
    if t0 and t_end and t_end <= t0:
        problems.append(f"end ({t_end}) must be after start.time ({t0})")
    if t0 and t_end and t_end - t0 > timedelta(days=MAX_SPAN_DAYS):
        problems.append(f"end ({t_end}) is {(t_end - t0).days} days after start.time ({t0}); a "
                        f"scenario spans at most {MAX_SPAN_DAYS} days (one campaign)")
    seasons = get(data, "seasons")
    if isinstance(seasons, list):
        starts = [when(get(s, "start")) for s in seasons]
        if None not in starts:
            if starts != sorted(starts):
                problems.append(f"seasons must be in date order, got {[str(s) for s in starts]}")
            if starts and t0 and starts[0] > t0:
                problems.append(
                    f"seasons[0].start ({starts[0]}) must be at or before start.time ({t0})"
                )
    return problems


# --------------------------------------------------------------------------------------------
# loading and error reporting


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate one scenario YAML file; one ConfigError lists every problem.

    The file is read by :func:`logistics._yaml.load_yaml` (UTF-8, no duplicate keys, bounded
    aliases), then validated by the schema.
    """
    from logistics._yaml import load_yaml

    p = Path(path)
    if not p.exists() and not p.is_symlink():
        raise ConfigError(
            f"scenario file {str(p)!r} does not exist; give the path of a .yaml file "
            "(e.g. configs/tbf-6gta.yaml)"
        )
    data = load_yaml(p, what="scenario file")
    sc = validate_scenario(data, source=str(p))
    sc._sha256 = hashlib.sha256(p.read_bytes()).hexdigest()
    return sc


def validate_scenario(data: Any, *, source: str = "<dict>") -> Scenario:
    """Validate a parsed config (a mapping); raise one ConfigError listing every problem."""
    if not isinstance(data, Mapping):
        raise ConfigError(
            f"{source}: expected a mapping of keys (axis_id, start, objectives, ...), got "
            f"{type(data).__name__}; see configs/README.md"
        )
    try:
        sc = Scenario.model_validate(dict(data))
    except ValidationError as exc:
        lines = [_describe(source, err) for err in exc.errors()]
        lines += [f"{source}: {p}; fix: put the dates in order" for p in _raw_order_problems(data)
                  if not any(p in line for line in lines)]  # the model check may have said it
        lines = list(dict.fromkeys(lines))
        raise ConfigError(
            f"{source}: {len(lines)} problem(s) in the scenario config (key reference: "
            "configs/README.md):\n  - " + "\n  - ".join(lines)
        ) from None
    sc._source = source
    return sc


_FIXES = {
    "missing": "add this key",
    "extra_forbidden": "remove it or correct its spelling (see configs/README.md)",
    "float_parsing": "write a number",
    "float_type": "write a number",
    "int_parsing": "write a whole number",
    "int_type": "write a whole number",
    "int_from_float": "write a whole number",
    "datetime_parsing": "write a date-time like 1945-08-09T00:01",
    "datetime_from_date_parsing": "write a date-time like 1945-08-09T00:01",
    "datetime_type": "write a date-time like 1945-08-09T00:01",
    "literal_error": "use one of the allowed values",
    "too_short": "give at least one entry",
    "list_type": "write a list (YAML lines starting with '- ')",
    "dict_type": "write a mapping of keys",
    "model_type": "write a mapping of keys",
    "value_error": "correct the value as described",
    "finite_number": "write a finite number (not .inf or .nan)",
    "less_than_equal": "write a smaller number",
    "greater_than_equal": "write a larger number",
    "greater_than": "write a larger number",
    "less_than": "write a smaller number",
    "string_type": "write a text",
    "string_too_short": "write a non-empty text",
    "bool_type": "write true or false",
}


def _describe(source: str, err: Mapping[str, Any]) -> str:
    loc = ".".join(str(x) for x in err.get("loc", ()))
    msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
    kind = err.get("type", "")
    got = err.get("input")
    got_txt = "" if kind in ("missing",) or isinstance(got, dict) or "got " in msg \
        else f" (got {_short(got)})"
    fix = _FIXES.get(kind, "see configs/README.md")
    where = f"{loc}: " if loc else ""
    return f"{source}: {where}{msg}{got_txt}; fix: {fix}"


# --------------------------------------------------------------------------------------------
# figure paths, overrides, Monte Carlo sampling


def figure_paths(sc: BaseModel, prefix: str = "") -> dict[str, Figure]:
    """Every numeric Figure of the scenario by dotted path (``formation.groups.0.count``)."""
    out: dict[str, Figure] = {}
    if isinstance(sc, Figure):
        if isinstance(sc.value, (int, float)) and not isinstance(sc.value, bool):
            out[prefix] = sc
        return out
    if isinstance(sc, BaseModel):
        for name in type(sc).model_fields:
            out.update(_paths_of(getattr(sc, name), f"{prefix}{name}"))
    return out


def _paths_of(value: Any, path: str) -> dict[str, Figure]:
    if isinstance(value, BaseModel):
        return figure_paths(value, f"{path}." if not isinstance(value, Figure) else path)
    if isinstance(value, (list, tuple)):
        out: dict[str, Figure] = {}
        for i, item in enumerate(value):
            out.update(_paths_of(item, f"{path}.{i}"))
        return out
    if isinstance(value, dict):
        out = {}
        for k, item in value.items():
            out.update(_paths_of(item, f"{path}.{k}"))
        return out
    return {}


def apply_overrides(sc: Scenario, overrides: Mapping[str, float] | None) -> tuple[Scenario, dict]:
    """Return (scenario with per-figure overrides applied, the global scales).

    Keys are the names of :data:`GLOBAL_OVERRIDES` or dotted figure paths (as in
    ``uncertain:``). ``march_hours_per_day`` is written into the scenario; ``speed_scale`` and
    ``fuel_scale`` are returned for the simulation (default 1).
    """
    scales = {"speed_scale": 1.0, "fuel_scale": 1.0}
    if not overrides:
        return sc, scales
    paths = figure_paths(sc)
    data = sc.model_dump(mode="python")
    problems = []
    for key, value in overrides.items():
        if key in ("speed_scale", "fuel_scale"):
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
                problems.append(f"override {key} must be a positive number, got {value!r}")
            else:
                scales[key] = float(value)
            continue
        path = "formation.march.hours_per_day" if key == "march_hours_per_day" else key
        if path not in paths:
            near = difflib.get_close_matches(key, sorted(set(paths) | set(GLOBAL_OVERRIDES)), n=3)
            problems.append(
                f"override {key!r} names no figure"
                + (f"; did you mean {', '.join(map(repr, near))}?" if near else "")
            )
            continue
        fig = paths[path]
        node = data
        parts = path.split(".")
        for part in parts:
            node = node[int(part)] if isinstance(node, list) else node[part]
        node["value"] = int(round(value)) if isinstance(fig.value, int) else float(value)
        node["cite"] = None
        node["assumed"] = f"override {key}={value} (was {fig.value})"
    if problems:
        raise ConfigError("bad overrides: " + "; ".join(problems))
    new = validate_scenario(data, source=f"{sc.source} with overrides {dict(overrides)}")
    new._source, new._sha256 = sc._source, sc._sha256
    return new, scales


def sample_overrides(sc: Scenario, seed: int) -> dict[str, float]:
    """One Monte Carlo draw: a value uniform in [low, high] for every ``uncertain:`` key."""
    rng = np.random.default_rng(seed)
    return {k: float(rng.uniform(u.low, u.high)) for k, u in sorted(sc.uncertain.items())}
