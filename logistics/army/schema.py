"""The army file schema: one army (or front group) as its formations, its one fuel account, its
supply and its flotilla, validated once at the edge (pydantic).

An army file (``configs/<axis>.yaml``; key reference ``configs/armies/README.md``) says who moves
(``formations``: corps, divisions, brigades, forward detachments, each with its own start on
the army's ``departure`` line, its own objectives in order and its means of movement), how they
are fuelled (``fuel``: one account, shared out by ``fuel.priority``), supplied (``supply``:
truck columns from railheads, airlift, captured depots, railheads moving forward along
``supply.rail.advance_along``) and carried (``flotilla``). Every figure is a
:class:`~logistics.army.base.Figure` with exactly one of ``cite:`` or ``assumed:``; the generic
rules of the base model (finite numbers, safe identifiers, dates) apply to every field.

Checks that need the norms (standards, march norms), the railway network or the terrain are made
by :mod:`logistics.army.checks` and the plan, before any output is written.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import (Discriminator, Field, PrivateAttr, Tag, ValidationInfo, field_validator,
                      model_validator)

from logistics.army.base import (
    MAX_FORMATIONS,
    FloatFigure,
    Figure,
    IntFigure,
    Point,
    TimeFigure,
    _check,
    _check_provenance,
    folder_of,
    _Model,
    label_offset_problem,
    place_problem,
)
from logistics.army.cross_refs import NOT_OWN_TRANSPORT, named_twice, reference_problems
from logistics.errors import LogisticsError, did_you_mean
from logistics.geodesy import lat_lon_text

__all__ = [
    "KINDS",
    "ROLES",
    "MOVEMENTS",
    "ON_FORTIFIED_REGION",
    "BoolFigure",
    "LinePoint",
    "SourcedPoint",
    "RiverSupply",
    "StartPoint",
    "AnyOf",
    "Objective",
    "VehicleCount",
    "Lift",
    "ColumnSpec",
    "Formed",
    "FormationSpec",
    "Priority",
    "FuelAccount",
    "Trucks",
    "Airlift",
    "RailheadPoint",
    "AdvanceAlong",
    "Rail",
    "ArmySupply",
    "ShipCount",
    "FlotillaSpec",
    "Departure",
    "Army",
]

# --------------------------------------------------------------------------------------------
# sections an army file shares with its supply specs: seasons, truck columns, airlift, depots,
# uncertain ranges, routing

FuelType = Literal["diesel", "petrol", "any"]
Season = Literal["dry", "wet"]


def _check_vehicle(name: str, config_dir: Any = None) -> str:
    """``name`` if it is the id of a vehicle file of ``config_dir`` (``settings.CONFIG_DIR``
    when None), else an error naming the folder read and the fix (a copied configs tree is
    read only when ``LOGISTICS_CONFIG_DIR`` points at it, or when it is the ``config_dir``
    the army is loaded with)."""
    from logistics.errors import UnknownNameError
    from logistics.vehicles import in_a_copy_fix, list_vehicles, load_vehicle, vehicles_dir

    known = list(list_vehicles(config_dir=config_dir))
    folder = vehicles_dir(config_dir)
    if name not in known:
        try:  # its display name or an alias (what `route --vehicle` and `sample` take)
            vid = load_vehicle(name, config_dir=config_dir).id
        except UnknownNameError:
            vid = None
        if vid is not None:
            raise ValueError(f"{name!r} is a name of vehicle {vid!r}, but an army file names "
                             f"a vehicle by its id, the file name of {folder}"
                             f"/{vid}.yaml; fix: write {vid}")
        hint = did_you_mean(name, known, n=3) or f"known: {known}"
        copy = in_a_copy_fix(config_dir)
        raise ValueError(f"unknown vehicle {name!r}; {hint} (vehicles are the <id>.yaml files "
                         f"of {folder}); fix: the id of one of them, or add {name}.yaml there "
                         f"(copy a vehicle of the same kind), {copy}")
    return name


#: What each place that names a vehicle needs of it: a motor vehicle (it burns fuel, it
#: carries), and the fix for a foot or horse file there (``_check_motor_vehicle``).
_MOTOR_NEEDED = {
    "vehicles": ("a formation's `vehicles:` lists its motor vehicles (kind tracked or wheeled); "
                 "its men on foot or horsed are counted in `men:` and march as foot-infantry "
                 "or horse-cavalry by `movement: foot` or `horse`",
                 "drop it from `vehicles:` and count its men in `men:` (with `movement: foot` "
                 "or `horse` when they set the pace), or list a tracked or wheeled vehicle"),
    "lift": ("a lift is trucks that carry men",
             "a wheeled vehicle (studebaker-us6, zis-5), or drop `lift:` (the men then march)"),
    "trucks": ("a supply column is motor trucks: they carry fuel and burn it on the way",
               "a wheeled vehicle (zis-5, studebaker-us6, bz-43)"),
}


def _check_motor_vehicle(name: str, where: str, config_dir: Any = None) -> str:
    """``name`` (a known vehicle id) if that vehicle is a motor vehicle, else an error saying
    why ``where`` (a key of ``_MOTOR_NEEDED``) needs one and the fix: a foot or horse file
    (men marching, horsemen riding, a horse-drawn cart copied from horse-cavalry.yaml) burns no
    fuel and carries nothing, so in a column of vehicles it silently set the pace, and as a
    supply truck it failed deep in the cost engine (found by newuser20)."""
    from logistics.vehicles import load_vehicle

    v = load_vehicle(name, config_dir=config_dir)
    if v.is_motorised:
        return name
    why, fix = _MOTOR_NEEDED[where]
    raise ValueError(f"{name!r} is a {v.kind} vehicle (kind: {v.kind} in {v.path}: men and "
                     f"horses, no engine, no load); {why}; fix: {fix}. A foot or horse file of "
                     "your own is for `logistics route --vehicle` and `logistics sample` "
                     "(configs/vehicles/README.md)")


class SeasonSpan(_Model):
    """From ``start`` on, the cost engine uses ``season`` (dry or wet ground)."""

    start: TimeFigure
    season: Season


class Trucks(_Model):
    """A truck column of the army shuttling fuel from a railhead to wherever its formations
    are (``supply.trucks`` of configs/README.md); ``cite_unit`` names the sourced unit it
    stands for."""

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
    cite_unit: str | None = None

    @field_validator("vehicle")
    @classmethod
    def _known_vehicle(cls, v: str, info: ValidationInfo) -> str:
        folder = folder_of(info)
        return _check_motor_vehicle(_check_vehicle(v, folder), "trucks", folder)

    @model_validator(mode="after")
    def _ranges(self) -> Trucks:
        if self.until is not None and self.until.value <= self.start.value:
            raise ValueError(f"until ({self.until.value}) must be after start "
                             f"({self.start.value}); fix: an until later than start, or "
                             "leave until out (the column runs to the end of the run)")
        _check(("count", self.count, ">=", 0), ("count", self.count, "<=", 100_000),
               ("payload_l", self.payload_l, ">", 0), ("payload_l", self.payload_l, "<=", 100_000),
               ("truck_tank_l", self.truck_tank_l, ">=", 0),
               ("truck_tank_l", self.truck_tank_l, "<=", 10_000),
               ("driving_hours_per_day", self.driving_hours_per_day, ">", 0),
               ("driving_hours_per_day", self.driving_hours_per_day, "<=", 24),
               ("load_h", self.load_h, ">=", 0), ("load_h", self.load_h, "<=", 240),
               ("unload_h", self.unload_h, ">=", 0), ("unload_h", self.unload_h, "<=", 240),
               ("jitter_h", self.jitter_h, ">=", 0), ("jitter_h", self.jitter_h, "<=", 240))
        trucks = int(self.count.value)
        if 0 < trucks < self.convoys:  # a convoy of no truck was dropped: fewer ran (breaker35)
            raise ValueError(f"convoys {self.convoys} for {trucks} trucks (count): a convoy is "
                             "at least one truck; fix: convoys at most the count, "
                             f"e.g. {trucks}")
        return self


class Airlift(_Model):
    """Fuel flown in (``supply.air`` of configs/README.md): ``total_t`` spread evenly over the
    days ``start``..``end`` (inclusive); ``priority_to``: formations it goes to first
    (``priority_cite`` says why); ``sorties_per_day`` informative."""

    name: str
    start: TimeFigure
    end: TimeFigure
    total_t: FloatFigure
    fuel_type: FuelType = "any"
    hour: float = Field(default=12.0, ge=0, lt=24)
    daily_cv: FloatFigure | None = None
    sorties_per_day: FloatFigure | None = None
    priority_to: list[str] = Field(default_factory=list)
    priority_cite: str | None = None

    @model_validator(mode="after")
    def _ranges(self) -> Airlift:
        if self.end.value < self.start.value:
            raise ValueError(f"end ({self.end.value}) is before start ({self.start.value}); "
                             "fix: an end on or after start (both days are flown)")
        # sorties_per_day is informative (the tonnes are spread by day), but a figure of the
        # report: -5 or 0 sorties a day flying 940 t was printed without a word
        _check(("total_t", self.total_t, ">=", 0), ("total_t", self.total_t, "<=", 1e6),
               ("daily_cv", self.daily_cv, ">=", 0), ("daily_cv", self.daily_cv, "<=", 10),
               ("sorties_per_day", self.sorties_per_day, ">", 0),
               ("sorties_per_day", self.sorties_per_day, "<=", 10_000))
        return self

    @model_validator(mode="after")
    def _priority(self) -> Airlift:
        if self.priority_to and not (self.priority_cite or "").strip():
            raise ValueError("priority_to needs `priority_cite:` (why these formations first); fix: "
                             "add priority_cite with its source, or drop priority_to")
        twice = named_twice(self.priority_to)
        if twice:
            raise ValueError(f"priority_to names {', '.join(map(repr, twice))} twice; fix: name "
                             "each formation once, in the order fuel goes to them")
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


class Uncertain(_Model):
    """A plausible range for one figure, sampled uniformly by Monte Carlo."""

    low: float
    high: float
    cite: str | None = None
    assumed: str | None = None

    @model_validator(mode="after")
    def _ok(self, info: ValidationInfo) -> Uncertain:
        if not self.low <= self.high:
            raise ValueError(f"low ({self.low}) must be <= high ({self.high}); fix: swap "
                             "them, or give low <= high in the figure's unit")
        _check_provenance("a range", self.cite, self.assumed, info)
        return self


class Routing(_Model):
    """Computational settings of the route search (not historical figures)."""

    margin_deg: float = Field(default=1.0, ge=0.1, le=10)
    stencil: Literal[8, 16] = 16


#: Kinds of formation (organisation), as the army files name them (configs/README.md).
KINDS = Literal[
    "army", "tank_corps", "mech_corps", "rifle_corps", "rifle_division", "tank_division",
    "tank_brigade", "mech_brigade", "motor_rifle_brigade", "cavalry_division",
    "forward_detachment", "mobile_group", "flotilla", "fortified_region_group",
    "sp_artillery_battalion", "artillery_brigade", "engineer_sapper_brigade", "rifle_battalion",
    "motor_rifle_battalion", "motorcycle_battalion", "artillery_battalion", "river_ship_brigade",
    "other",
]
#: Tasks of a formation in the army.
ROLES = Literal["forward_detachment", "main_body", "mobile_group", "reserve", "support",
                "fortress_group", "river"]
#: Means that set a formation's pace.
MOVEMENTS = Literal["tracked", "motor", "truck_borne", "tank_riders", "foot", "horse", "rail",
                    "river"]
#: What a formation does when its route meets a fortified region (configs/fortified-regions.yaml).
ON_FORTIFIED_REGION = Literal["bypass", "follow", "assault", "besiege"]


class BoolFigure(Figure[bool]):
    """A yes/no with its provenance."""


class DrainFigure(BoolFigure):
    """``drain_stalled``: yes/no with its provenance, and ``formations``: the formations the
    source says drained their stalled vehicles (each with the formations under it); empty =
    every formation of the army."""

    formations: list[str] = Field(default_factory=list, max_length=200)

    @model_validator(mode="after")
    def _formations_read(self) -> DrainFigure:
        if self.formations and self.value is False:  # never read: nothing drains
            raise ValueError(f"formations {self.formations} with value false: nothing drains, "
                             "so the list is never read; fix: value: true to drain in those "
                             "families, or leave formations out")
        twice = named_twice(self.formations)
        if twice:
            raise ValueError(f"formations names {', '.join(map(repr, twice))} twice; fix: "
                             "name each formation once")
        return self


class ReserveReachFigure(FloatFigure):
    """``reserve_reach_km``: how far (km, great circle) from the head of ``carrier`` (the
    formation whose transport carries the army's reserve) an element can still draw on the
    reserve, with its provenance. ``carrier`` may be a list: the reserve is then in as many
    sections, one with each carrier's transport (``shares``: the fraction of the reserve
    each carries, in the list's order, summing to 1; without them, each carrier's family's
    share of the army's refill, advance/plan.py ``reserve_sections``)."""

    carrier: str | list[str] = Field(description=(
        "the id of the formation whose transport carries the army's reserve: one of the "
        "army's formations that moves by road, not one carried by ships or trains; or a "
        "list of such ids, one section of the reserve with each"))
    shares: list[float] | None = Field(default=None, description=(
        "with a list of carriers: the fraction of the reserve each carries, in the same "
        "order, summing to 1 (left out: each carrier's family's share of the army's refill)"))

    @model_validator(mode="after")
    def _sections(self) -> ReserveReachFigure:
        ids = self.carriers
        if not ids or any(not i or len(i) > 200 for i in ids):
            raise ValueError(f"carrier {self.carrier!r}: no formation named; fix: the id of the "
                             "formation whose transport carries the reserve, or a list of "
                             "such ids (one section of the reserve with each)")
        twice = named_twice(ids)
        if twice:
            raise ValueError(f"carrier names {', '.join(map(repr, twice))} twice; fix: name "
                             "each carrier once")
        if self.shares is None:
            return self
        if isinstance(self.carrier, str):
            raise ValueError(f"shares {self.shares} with one carrier {self.carrier!r}: the "
                             "whole reserve rides with it; fix: leave shares out, or make "
                             "carrier a list with one share each")
        if len(self.shares) != len(ids):
            raise ValueError(f"shares {self.shares}: {len(self.shares)} for {len(ids)} "
                             f"carriers {ids}; fix: one share per carrier, in the same order")
        if any(not (0.0 < x <= 1.0) for x in self.shares) \
                or abs(sum(self.shares) - 1.0) > 1e-6:
            raise ValueError(f"shares {self.shares} sum to {sum(self.shares):g}: each is the "
                             "fraction of the reserve its carrier carries; fix: fractions "
                             "above 0 that sum to 1, or leave shares out (each carrier's "
                             "family's share of the army's refill)")
        return self

    @property
    def carriers(self) -> list[str]:
        """Every carrier, in the file's order (one for a single ``carrier``)."""
        return [self.carrier] if isinstance(self.carrier, str) else list(self.carrier)


class LinePoint(_Model):
    """A point of a list whose parent gives the source (``departure.line``, ``any_of``):
    ``place`` (a gazetteer name) and/or ``lon``/``lat`` (WGS84 degrees; they win). It takes
    no ``radius_km`` (refused with its fix: nothing reads one here)."""

    place: str | None = None
    lon: float | None = Field(default=None, ge=-180, le=180)
    lat: float | None = Field(default=None, ge=-90, le=90)
    radius_km: float | None = Field(default=None, gt=0, le=500)

    @field_validator("radius_km")
    @classmethod
    def _a_point(cls, v: float | None) -> float | None:
        if v is not None:  # refused, not ignored: a user who writes one believes it counts
            raise ValueError(
                "a point of departure.line, of an any_of list or a flotilla's start takes no "
                "radius: nothing reads it; fix: remove this radius_km (an objective area's "
                "radius goes beside `any_of:`, on the area)")
        return v

    @model_validator(mode="after")
    def _where(self) -> LinePoint:
        if (self.lon is None) != (self.lat is None):
            raise ValueError("only one of `lon` and `lat` is given; fix: give both, or neither "
                             "(then `place:` is looked up in the gazetteer)")
        if self.lon is None and not self.place:
            raise ValueError("no location; fix: give `place:` (a name the gazetteer knows) or "
                             "`lon:`/`lat:`")
        try:
            self.location()
        except LogisticsError as exc:
            raise ValueError(place_problem(exc)) from None
        far = label_offset_problem(self.place, self.lon, self.lat)
        if far:
            raise ValueError(far)
        return self

    @property
    def label(self) -> str:
        """The point's name, or its coordinates when it has none."""
        return self.place or lat_lon_text(float(self.lat), float(self.lon), 3, sep=" ")

    def location(self):
        """The :class:`~logistics.places.Place` of this point (own lon/lat, else gazetteer)."""
        from logistics.places import resolve

        if self.lon is not None and self.lat is not None:
            return resolve((self.lon, self.lat), name=self.label)
        return resolve(self.place)


class SourcedPoint(LinePoint):
    """A point with its own source (``cite``/``assumed``): ``place`` and/or ``lon``/``lat``."""

    cite: str | None = None
    assumed: str | None = None

    @model_validator(mode="after")
    def _provenance(self, info: ValidationInfo) -> SourcedPoint:
        _check_provenance(f"point {self.label!r} (source of the place and its coordinates)",
                          self.cite, self.assumed, info)
        return self


class StartPoint(SourcedPoint):
    """A formation's start on the departure line; ``time`` (default the army's H-hour plus
    ``start_delay_h``) is when it moves off. A start is a point: ``radius_km`` is refused
    (nothing would read it: it is a key of objectives, depots and railheads; a start on ground
    the pace vehicle cannot enter is moved to the nearest passable cell within the plan's
    fixed 10 km)."""

    time: TimeFigure | None = None

    @field_validator("radius_km")
    @classmethod
    def _a_point(cls, v: float | None) -> float | None:
        if v is not None:
            raise ValueError(
                "a start is a point: nothing reads a radius on it (radius_km is a key of "
                "objectives, depots and railheads); fix: remove start.radius_km (and move the "
                "start itself if it is not where the formation jumps off)")
        return v


class AnyOf(_Model):
    """An objective area: the formation takes whichever of the points it reaches first by its
    own route (a plan names an area or a line)."""

    any_of: list[LinePoint] = Field(min_length=1)
    radius_km: float = Field(default=10.0, gt=0, le=500)
    cite: str | None = None
    assumed: str | None = None

    @model_validator(mode="after")
    def _provenance(self, info: ValidationInfo) -> AnyOf:
        _check_provenance("an objective area (any_of)", self.cite, self.assumed, info)
        return self


def _objective_kind(v: Any) -> str:
    """``any_of`` for an objective area, ``point`` for a place (pydantic discriminator)."""
    if isinstance(v, dict):
        return "any_of" if "any_of" in v else "point"
    return "any_of" if isinstance(v, AnyOf) else "point"


#: One objective: a place (with its source) or an area (any of several places).
Objective = Annotated[Annotated[Point, Tag("point")] | Annotated[AnyOf, Tag("any_of")],
                      Discriminator(_objective_kind)]


class VehicleCount(_Model):
    """``count`` vehicles of the class ``vehicle`` (an id of configs/vehicles)."""

    vehicle: str = Field(min_length=1)
    count: IntFigure

    @field_validator("vehicle")
    @classmethod
    def _known_vehicle(cls, v: str, info: ValidationInfo) -> str:
        folder = folder_of(info)
        return _check_motor_vehicle(_check_vehicle(v, folder), "vehicles", folder)

    @model_validator(mode="after")
    def _ranges(self) -> VehicleCount:
        _check(("count", self.count, ">=", 0), ("count", self.count, "<=", 100_000))
        return self


class Lift(_Model):
    """Men carried by the formation's own means: trucks (``vehicle``, ``count``,
    ``men_per_vehicle``, default configs/norms/movement.yaml ``lift.truck``) or tank riders
    (``kind: tank_riders``, men per tank from the norms). ``men``: how many ride. Like the
    formation's ``men`` and ``vehicles``, ``count`` and ``men`` are per body when the formation
    has ``count:`` (each of its bodies lifts that many)."""

    kind: Literal["truck", "tank_riders"] = "truck"
    vehicle: str | None = None
    count: IntFigure | None = None
    men: IntFigure
    men_per_vehicle: FloatFigure | None = None
    cite: str | None = None
    assumed: str | None = None

    @field_validator("vehicle")
    @classmethod
    def _known_vehicle(cls, v: str | None, info: ValidationInfo) -> str | None:
        folder = folder_of(info)
        return v if v is None else _check_motor_vehicle(_check_vehicle(v, folder), "lift", folder)

    @field_validator("men", "count", "men_per_vehicle")
    @classmethod
    def _carries(cls, v: Figure | None, info) -> Figure | None:
        """A lift of no men, no trucks or no room on them carries no one (issue 13: lift
        capacity zero is an error, not a formation that silently walks)."""
        if v is not None and not v.value > 0:
            what = {"men": "men riding", "count": "trucks",
                    "men_per_vehicle": "men a truck"}[info.field_name]
            none = "zero" if v.value == 0 else "fewer than zero"  # -3000 men is no "zero"
            raise ValueError(f"{v.value} {what}: a lift of {none} carries no one; fix: a value "
                             "above 0, or drop `lift:` (the men then march)")
        return v

    @model_validator(mode="after")
    def _shape(self) -> Lift:
        if self.kind == "truck" and (self.vehicle is None or self.count is None):
            raise ValueError("a truck lift needs `vehicle:` and `count:` (trucks carrying men); fix: "
                             "add both, or drop `lift:` (the men then march)")
        # at least the movement norms' own floor (lift.truck men_per_vehicle, 0.1): 1e-9 men
        # a truck was taken, a lift of 150 trucks carrying no one (breaker35)
        _check(("men", self.men, "<=", 1_000_000), ("count", self.count, "<=", 100_000),
               ("men_per_vehicle", self.men_per_vehicle, ">=", 0.1),
               ("men_per_vehicle", self.men_per_vehicle, "<=", 200))
        return self


class ColumnSpec(_Model):
    """Column geometry: ``routes`` parallel roads, ``gap_m`` between vehicles."""

    routes: IntFigure
    gap_m: FloatFigure | None = None

    @model_validator(mode="after")
    def _ranges(self) -> ColumnSpec:
        _check(("routes", self.routes, ">=", 1), ("routes", self.routes, "<=", 100),
               ("gap_m", self.gap_m, ">=", 0), ("gap_m", self.gap_m, "<=", 10_000))
        return self


class Formed(_Model):
    """When a formation is formed out of its parent; until then it moves with the parent."""

    when: Literal["after_range_crossing", "after_taiga_belt", "after_river_crossing"]
    cite: str | None = None
    assumed: str | None = None

    @model_validator(mode="after")
    def _provenance(self, info: ValidationInfo) -> Formed:
        _check_provenance("formed", self.cite, self.assumed, info)
        return self


class FormationSpec(_Model):
    """One formation of the army as the file gives it (see configs/armies/README.md, Formations)."""

    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)
    name: str = Field(min_length=1)
    kind: KINDS
    role: ROLES
    standard: str | None = None
    count: IntFigure | None = None
    parent: str | None = None
    drawn_from_parent: bool = False
    headline: bool = False
    aliases: list[str] = Field(default_factory=list)
    cite: str | None = None
    assumed: str | None = None
    formed: Formed | None = None
    start: StartPoint
    objectives: list[Objective] = Field(min_length=1)
    movement: MOVEMENTS | None = None
    pace_vehicle: str | None = None
    men: IntFigure | None = None
    vehicles: list[VehicleCount] | None = None
    lift: Lift | None = None
    march_norm: str | None = None
    column: ColumnSpec | None = None
    on_fortified_region: ON_FORTIFIED_REGION | None = None
    carried_by: str | None = None

    @field_validator("men")
    @classmethod
    def _manned(cls, v: IntFigure | None) -> IntFigure | None:
        """A formation has men (its vehicles have crews): ``men: 0`` would move vehicles
        without anyone in them, and fuel supply has its own keys (``supply:``)."""
        if v is not None and v.value < 1:
            raise ValueError(f"{v.value} men: a formation has at least one (every crew is "
                             "counted in its men); fix: its strength, crews included, or leave "
                             "`men:` out to take its standard's")
        return v

    @model_validator(mode="after")
    def _shape(self, info: ValidationInfo) -> FormationSpec:
        _check_provenance(f"formation {self.id!r} (why it exists, where its composition comes "
                          "from)", self.cite, self.assumed, info)
        _check(("count", self.count, ">=", 1), ("count", self.count, "<=", 1000),
               ("men", self.men, "<=", 1_000_000))
        if self.drawn_from_parent and self.parent is None:
            raise ValueError("drawn_from_parent: true needs a `parent:`; fix: add `parent:` (the id "
                             "of the formation it is drawn from), or drop drawn_from_parent")
        if self.parent == self.id:
            raise ValueError(f"formation {self.id!r} names itself as its parent; fix: the id of "
                             "another formation, or no `parent:`")
        if self.formed is not None and self.parent is None:  # read only with a parent: ignored
            raise ValueError(f"formed: {self.formed.when} needs a `parent:` (the formation it "
                             "moves with until then); fix: add `parent:`, or drop `formed:`")
        if self.formed is not None and self.movement in NOT_OWN_TRANSPORT:
            # carried from its start, it has no route to be held on: never read (breaker35)
            raise ValueError(f"formed: {self.formed.when} with movement: {self.movement}: a "
                             "formation carried by ships or trains rides them from its start, "
                             "never in its parent's column, so `formed:` would never be read; "
                             "fix: drop `formed:`, or give it a movement of its own (and no "
                             "carried_by)")
        if (self.movement == "river") != (self.carried_by is not None):
            raise ValueError("a formation carried by the flotilla has `movement: river` and "
                             "`carried_by:` (a flotilla id), and only such a formation has "
                             "them; fix: give both, or neither")
        return self


class Priority(_Model):
    """Who is fuelled first: formation ids in order (the rest after them, in file order)."""

    order: list[str] = Field(min_length=1)
    cite: str | None = None
    assumed: str | None = None

    @model_validator(mode="after")
    def _provenance(self, info: ValidationInfo) -> Priority:
        _check_provenance("the priority order (its source)", self.cite, self.assumed, info)
        if len(set(self.order)) != len(self.order):
            raise ValueError(f"fuel.priority.order names a formation twice: {self.order}; fix: list "
                             "each formation once")
        return self


class FuelAccount(_Model):
    """The army's one fuel account at H-hour and how it is shared out.

    ``in_tanks_refills``: filled fraction of every tank; ``extra_fuel_l``: litres beyond the
    tank per vehicle of a class (external tanks); ``carried_refills``: refills on the army's
    own transport (one refill = every tank of the army filled once, per fuel type);
    ``priority``; ``drain_stalled``: fuel of stalled lower-priority vehicles is drained into
    higher-priority ones that would stop, within the families of ``drain_stalled.formations``
    (where the source says it was done; empty: every family); ``reserve_reach_km``: the
    reserve rides with one formation's transport and serves only elements within that many
    km of its head (required while ``carried_refills`` is above 0: a reserve is somewhere,
    ``army/cross_refs.py``).
    """

    in_tanks_refills: FloatFigure
    extra_fuel_l: dict[str, FloatFigure] = Field(default_factory=dict)
    carried_refills: FloatFigure
    priority: Priority | None = None
    drain_stalled: DrainFigure | None = None
    reserve_reach_km: ReserveReachFigure | None = None

    @model_validator(mode="after")
    def _ranges(self) -> FuelAccount:
        _check(("in_tanks_refills", self.in_tanks_refills, ">=", 0),
               ("in_tanks_refills", self.in_tanks_refills, "<=", 1),
               ("carried_refills", self.carried_refills, ">=", 0),
               ("carried_refills", self.carried_refills, "<=", 100),
               ("reserve_reach_km", self.reserve_reach_km, ">", 0),
               ("reserve_reach_km", self.reserve_reach_km, "<=", 5_000),
               *((f"extra_fuel_l.{k}", v, op, b) for k, v in self.extra_fuel_l.items()
                 for op, b in ((">=", 0), ("<=", 10_000))))
        return self


class RailheadPoint(Point):
    """A railhead: a station of line ``line`` (an id of configs/network, or null when the
    station is not on the shipped network) of class ``line_class``
    (configs/norms/movement.yaml ``rail.line_classes``)."""

    line: str | None = None
    line_class: str | None = None


class AdvanceAlong(_Model):
    """The lines along which the army's railheads may move forward (free text naming the line
    ids in brackets, e.g. ``"Manzhouli - Hailar - Qiqihar (R01)"``)."""

    lines: list[str] = Field(default_factory=list)
    cite: str | None = None
    assumed: str | None = None

    @model_validator(mode="after")
    def _provenance(self, info: ValidationInfo) -> AdvanceAlong:
        _check_provenance("supply.rail.advance_along", self.cite, self.assumed, info)
        return self


class Rail(_Model):
    """The army's railheads and the lines along which they move forward."""

    railheads: list[RailheadPoint] = Field(default_factory=list)
    advance_along: AdvanceAlong | None = None


class ShipCount(_Model):
    """``count`` ships of ``class`` (configs/norms/movement.yaml ``river.ship_classes``)."""

    ship_class: str = Field(alias="class", min_length=1)
    count: IntFigure

    @model_validator(mode="after")
    def _ranges(self) -> ShipCount:
        _check(("count", self.count, ">=", 0), ("count", self.count, "<=", 1000))
        return self


class RiverSupply(_Model):
    """Fuel carried along the navigable rivers (``supply.river`` of configs/armies/README.md):
    the ``ships`` of flotilla brigade ``flotilla`` assigned to it (its named part: they carry
    fuel, not troops, and sail none of the brigade's troop moves) load at ``port`` (a river
    port or a railhead on a navigable river), sail to the formations within
    ``river.max_access_km`` of the rivers at the troops' speeds and rules, unload and sail
    back; each ship carries its troop lift x ``river.cargo_l_per_troop_place``
    (configs/norms/movement.yaml). ``cite``/``assumed``: why this army's fuel went by river."""

    name: str = Field(min_length=1)
    flotilla: str = Field(min_length=1)
    port: Point
    ships: list[ShipCount] = Field(min_length=1)
    fuel_type: FuelType = "any"
    load_h: FloatFigure
    unload_h: FloatFigure
    start: TimeFigure
    until: TimeFigure | None = None
    cite: str | None = None
    assumed: str | None = None

    @model_validator(mode="after")
    def _ranges(self, info: ValidationInfo) -> RiverSupply:
        _check_provenance(f"river supply {self.name!r}", self.cite, self.assumed, info)
        if self.until is not None and self.until.value <= self.start.value:
            raise ValueError(f"until ({self.until.value}) must be after start "
                             f"({self.start.value}); fix: an until later than start, or "
                             "leave until out (the ships sail to the end of the run)")
        _check(("load_h", self.load_h, ">=", 0), ("load_h", self.load_h, "<=", 240),
               ("unload_h", self.unload_h, ">=", 0), ("unload_h", self.unload_h, "<=", 240))
        if sum(int(s.count.value) for s in self.ships) <= 0:
            raise ValueError("ships: no ship is assigned (every count is 0); fix: give at "
                             "least one ship of the brigade a count above 0")
        twice = named_twice([s.ship_class for s in self.ships])
        if twice:
            raise ValueError(f"ships: class {', '.join(map(repr, twice))} is listed twice; "
                             "fix: one entry per ship class")
        return self


class ArmySupply(_Model):
    """Every fuel source of the army."""

    trucks: list[Trucks] = Field(default_factory=list)
    air: list[Airlift] = Field(default_factory=list)
    depots: list[Depot] = Field(default_factory=list)
    rail: Rail | None = None
    river: list[RiverSupply] = Field(default_factory=list)


class Pointer(_Model):
    """A pointer to where a figure is kept (``see:``)."""

    see: str = Field(min_length=1)


class Sourced(_Model):
    """An informative statement with its source."""

    cite: str | None = None
    assumed: str | None = None

    @model_validator(mode="after")
    def _provenance(self, info: ValidationInfo) -> Sourced:
        _check_provenance("a statement", self.cite, self.assumed, info)
        return self


class FlotillaSpec(_Model):
    """A river-ship brigade with the army: its ships (``standard`` of configs/norms/
    formations.yaml or ``ships``), where it starts, its ``route`` up or down the rivers, the
    formations it ``carries`` and those it ``ferries_for`` across a river."""

    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    cite: str | None = None
    assumed: str | None = None
    assumed_assignment: str | None = None
    standard: str | None = None
    ships: list[ShipCount] | None = None
    start: SourcedPoint
    route: list[Point] = Field(default_factory=list)
    rivers: str = ""
    carries: list[str] = Field(default_factory=list)
    ferries_for: list[str] = Field(default_factory=list)
    ferrying: Pointer | None = None
    hazards: Sourced | None = None

    @model_validator(mode="after")
    def _shape(self, info: ValidationInfo) -> FlotillaSpec:
        _check_provenance(f"flotilla {self.id!r}", self.cite, self.assumed, info)
        if (self.standard is None) == (self.ships is None):
            raise ValueError("a flotilla brigade gives exactly one of `standard:` (a "
                             "river_ship_brigade of configs/norms/formations.yaml) or `ships:`; "
                             "fix: keep one of them")
        if self.carries and not self.route:
            raise ValueError("a brigade that carries formations needs a `route:` along the "
                             "rivers; fix: add `route:` (its places on the rivers), or empty "
                             "`carries:`")
        twice = named_twice([s.ship_class for s in self.ships or ()])
        if twice:  # {class: count} kept the last entry: 2 + 2 gunboats sailed as 2
            raise ValueError(f"ships names the class {', '.join(map(repr, twice))} twice; fix: "
                             "one entry per ship class, its count the brigade's total")
        return self


class Departure(_Model):
    """The army's departure line at the border: ``line`` (points), how far a start may lie
    from it (``tolerance_km``), how it was placed (``cite``/``assumed``)."""

    line: list[LinePoint] = Field(min_length=1)
    tolerance_km: FloatFigure
    cite: str | None = None
    assumed: str | None = None

    @model_validator(mode="after")
    def _shape(self, info: ValidationInfo) -> Departure:
        _check_provenance("departure (how the line was placed)", self.cite, self.assumed, info)
        _check(("tolerance_km", self.tolerance_km, ">", 0),
               ("tolerance_km", self.tolerance_km, "<=", 200))
        return self


class Army(_Model):
    """One army file, validated: the army (or front group) with all its formations."""

    axis_id: str = Field(min_length=1)
    name: str
    front: str
    notes: str = ""
    utc_offset_h: FloatFigure
    h_hour: TimeFigure
    start_delay_h: FloatFigure | None = None
    end: TimeFigure
    departure: Departure
    seasons: list[SeasonSpan] = Field(min_length=1)
    formations: list[FormationSpec] = Field(min_length=1)
    flotilla: list[FlotillaSpec] = Field(default_factory=list)
    fuel: FuelAccount
    supply: ArmySupply = Field(default_factory=ArmySupply)
    uncertain: dict[str, Uncertain] = Field(default_factory=dict)
    routing: Routing = Field(default_factory=Routing)

    @field_validator("formations", mode="before")
    @classmethod
    def _not_too_many(cls, v: Any) -> Any:
        if isinstance(v, list) and len(v) > MAX_FORMATIONS:
            raise ValueError(
                f"{len(v):,} formations; an army file holds at most {MAX_FORMATIONS} (the "
                "hourly step loop's time grows with each: hundreds run for a quarter of an "
                "hour); fix: give like formations as one entry with `count:` (a division of "
                "count 6), or split the army into files of its own")
        return v

    _source: str = PrivateAttr(default="<dict>")
    _sha256: str = PrivateAttr(default="")
    _config_dir: Any = PrivateAttr(default=None)

    @property
    def config_dir(self) -> Any:
        """The configs folder whose vehicles the army was checked against, and a run of it
        reads (:func:`~logistics.army.load.load_army`'s ``config_dir``); None:
        ``settings.CONFIG_DIR``."""
        return self._config_dir

    @property
    def source(self) -> str:
        """The file the army was read from (``<dict>`` when built in memory)."""
        return self._source

    @property
    def sha256(self) -> str:
        """SHA-256 of the file's bytes (empty when built in memory)."""
        return self._sha256

    @property
    def run_id(self) -> str:
        """Name of the run folder: the ``axis_id``."""
        return self.axis_id

    @property
    def start_h(self) -> float:
        """Hours after H-hour the army's formations move off by default (``start_delay_h``)."""
        return float(self.start_delay_h.value) if self.start_delay_h is not None else 0.0

    @property
    def run_end(self) -> datetime:
        """When the run ends: the end of ``end``'s day (midnight after it), local time."""
        d = self.end.value
        return datetime(d.year, d.month, d.day) + timedelta(days=1)

    def formation(self, formation_id: str) -> FormationSpec:
        """The formation with this id (KeyError naming the known ids)."""
        for f in self.formations:
            if f.id == formation_id:
                return f
        raise KeyError(f"no formation {formation_id!r}; known: {[f.id for f in self.formations]}")

    @property
    def headline_id(self) -> str:
        """The formation marked ``headline: true``, else the first of the file."""
        marked = [f.id for f in self.formations if f.headline]
        return marked[0] if marked else self.formations[0].id

    @model_validator(mode="after")
    def _cross_checks(self) -> Army:
        problems = reference_problems(self)
        if problems:  # one per line: the loader lists each as its own problem
            raise ValueError("\n".join(problems))
        return self
