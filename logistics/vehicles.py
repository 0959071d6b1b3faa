"""Vehicle classes as data: one YAML file per vehicle in ``configs/vehicles/``, validated once.

Each file describes one vehicle (a tank, a truck, foot infantry, horse cavalry). Every number
is a mapping with its ``value`` and where it comes from, checked by the one provenance rule of
:mod:`logistics.sources`: exactly one of ``cite`` (the vehicle files spell it ``source`` +
``quote``: a source tag from ``shared/reference/parameters.md`` and the quoted phrase it was
read in; or ``derived``: arithmetic on sourced numbers, written out) or ``assumed`` (a
modelling assumption and the reason for it).

**Adding a vehicle**: drop a ``<id>.yaml`` file in ``configs/vehicles/`` (the folder is
``settings.CONFIG_DIR / "vehicles"``; set ``LOGISTICS_CONFIG_DIR`` to use another tree) and it
is picked up by :func:`list_vehicles` and :func:`load_vehicle` on the next call. Copy an
existing file of the same kind. Keys carry their units (``mass_t``, ``speed_cc_kmh``,
``idle_fuel_l_per_h``). A file with mistakes raises one :class:`~logistics.errors.ConfigError`
listing every problem (file, key, what was expected, what was seen).

Fuel calibration data: ``fuel_targets`` (documented level consumption on ``road`` and/or
``cross_country``, L/100 km, optionally with the ``speed_kmh`` it was measured at) or
``calibrate_like`` (borrow another vehicle's fitted engine). The engine model and its fit live in
:mod:`logistics.cost.engine`; speed caps are the cited maxima of the vehicle, never averages
(a column's pace is a property of the formation).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from logistics import settings
from logistics._textfile import control_character, label_problem
from logistics.errors import (ConfigError, UnknownNameError, close_names, did_you_mean, listed,
                              offer, range_fix, unit_floor_problem)
from logistics.sources import PROVENANCE_KEYS, provenance_problem, read_provenance

__all__ = [
    "CARRIED_DENSITY_KG_PER_L",
    "FUEL_DENSITY_KG_PER_L",
    "no_tank_capacity",
    "Vehicle",
    "FuelTarget",
    "CalibrateLike",
    "load_vehicle",
    "list_vehicles",
    "load_vehicle_file",
    "vehicles_dir",
]

KINDS: tuple[str, ...] = ("tracked", "wheeled", "foot", "horse")

#: Other words for a fuel, read only to suggest the one a vehicle file writes.
_FUEL_WORDS: dict[str, str] = {"gasoline": "petrol", "gas": "petrol", "benzine": "petrol",
                               "benzin": "petrol", "dt": "diesel", "diesel fuel": "diesel"}
FUEL_TYPES: tuple[str, ...] = ("diesel", "petrol", "none")

#: Fuel density, kg/L. diesel: [UNIVERSAL-CONVERTER] universal-converter.org/fuels/diesel
#: "832.361 kg/m³"; petrol: [CALC-GASOLINE] snowdaycalculatornow.com "44 × 0.74 = 32.56 MJ/L"
#: (parameters.md §3.2). The one copy: the cost engine's fuel physics
#: (logistics/cost/engine.py), the supply's tonnes-to-litres (logistics/supply/delivery.py) and
#: the load check of a supply column's payload (logistics/army/checks.py) read it; kept here,
#: below all three; configs/norms/movement.yaml points here.
FUEL_DENSITY_KG_PER_L: dict[str, float] = {"diesel": 0.832, "petrol": 0.74}

#: The same per fuel a supply source carries (``fuel_type`` of a truck column, ship or airlift):
#: "any" (POL of unstated kind) uses the diesel density: assumption, most of the 6 GTA's
#: armour (T-34-85, M4A2) burned diesel (campaign-facts 2).
CARRIED_DENSITY_KG_PER_L: dict[str, float] = {**FUEL_DENSITY_KG_PER_L,
                                              "any": FUEL_DENSITY_KG_PER_L["diesel"]}
TARGET_SURFACES: tuple[str, ...] = ("road", "cross_country")
_MOTOR = ("tracked", "wheeled")


@dataclass(frozen=True)
class _Spec:
    """Validation rule of one numeric parameter: open range (lo, hi] and who must give it."""

    lo: float
    hi: float
    required_for: tuple[str, ...] = ()


#: Every numeric parameter a vehicle file may give, with its allowed range.
_PARAMS: dict[str, _Spec] = {
    "mass_t": _Spec(0.0, 200.0, _MOTOR),
    "power_hp": _Spec(0.0, 5000.0, _MOTOR),
    "tank_l": _Spec(0.0, 10000.0),
    "speed_road_kmh": _Spec(0.0, 150.0, _MOTOR),
    "speed_cc_kmh": _Spec(0.0, 150.0, _MOTOR),
    "max_grade_deg": _Spec(0.0, 60.0, KINDS),
    "fording_depth_m": _Spec(0.0, 5.0, KINDS),
    "idle_fuel_l_per_h": _Spec(0.0, 100.0, _MOTOR),
    "driveline_efficiency": _Spec(0.0, 1.0, _MOTOR),
    "payload_t": _Spec(0.0, 100.0),
    "cargo_fuel_l": _Spec(0.0, 50000.0),
    "march_km_per_day": _Spec(0.0, 500.0),
    "range_road_km": _Spec(0.0, 5000.0),
    "range_cc_km": _Spec(0.0, 5000.0),
}
_TOP_KEYS = frozenset(
    {"name", "aliases", "kind", "fuel_type", "road_running_gear", "fuel_targets", "calibrate_like"}
    | set(_PARAMS)
)


@dataclass(frozen=True)
class FuelTarget:
    """A documented level-ground consumption the fuel model is fitted to (L per 100 km).

    ``speed_kmh`` is the speed the figure was measured at when its source says (e.g. a trial's
    average speed), with ``speed_citation``; None means the vehicle's own speed on that going.
    """

    surface: str  #: "road" or "cross_country"
    l_per_100km: float
    range_l_per_100km: tuple[float, float] | None
    choice: str  #: which figure of a range is targeted, and why
    citation: str
    speed_kmh: float | None = None
    speed_citation: str = ""


@dataclass(frozen=True)
class CalibrateLike:
    """Borrow another vehicle's fitted engine (no consumption documented for this one).

    ``fuel_volume_factor`` > 1 means this vehicle needs that many times the fuel volume for the
    same work (e.g. 1.5 for a petrol engine against a diesel: "a third less" for the diesel).
    """

    vehicle: str
    fuel_volume_factor: float
    citation: str


@dataclass(frozen=True)
class Vehicle:
    """One vehicle class; numeric fields carry units in their names; None = not applicable.

    ``kind`` is "tracked", "wheeled", "foot" or "horse"; ``fuel_type`` "diesel", "petrol" or
    "none". ``road_running_gear`` is the kind used on roads (the BT tanks ran on wheels there).
    ``citations`` maps each parameter key to where its value comes from.
    """

    id: str
    name: str
    kind: str
    fuel_type: str
    aliases: tuple[str, ...] = ()
    road_running_gear: str = ""
    mass_t: float | None = None
    power_hp: float | None = None
    tank_l: float | None = None
    speed_road_kmh: float | None = None
    speed_cc_kmh: float | None = None
    max_grade_deg: float | None = None
    fording_depth_m: float | None = None
    idle_fuel_l_per_h: float | None = None
    driveline_efficiency: float | None = None
    payload_t: float | None = None
    cargo_fuel_l: float | None = None
    march_km_per_day: float | None = None
    range_road_km: float | None = None
    range_cc_km: float | None = None
    fuel_targets: tuple[FuelTarget, ...] = ()
    calibrate_like: CalibrateLike | None = None
    citations: MappingProxyType = field(
        default_factory=lambda: MappingProxyType({}), compare=False, hash=False, repr=False
    )
    path: str = field(default="", compare=False, hash=False, repr=False)

    @property
    def carries_load(self) -> bool:
        """True when its file says what one of it carries: ``cargo_fuel_l`` (a tanker's tank)
        or ``payload_t``; a supply column of it needs no ``payload_l`` of its own."""
        return bool(self.cargo_fuel_l) or bool(self.payload_t)

    @property
    def is_motorised(self) -> bool:
        """True for tracked and wheeled vehicles (they burn fuel)."""
        return self.kind in _MOTOR

    @property
    def mass_kg(self) -> float:
        """Mass in kg (motorised vehicles only)."""
        return float(self.mass_t) * 1000.0  # type: ignore[arg-type]

    @property
    def power_w(self) -> float:
        """Engine power in W (metric horsepower, 735.5 W)."""
        return float(self.power_hp) * 735.49875  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# names


def _norm(name: str) -> str:
    """Case-, space- and punctuation-insensitive key: 'T-34/85' -> 't3485'."""
    return re.sub(r"[^0-9a-z]", "", str(name).casefold())


def vehicles_dir(config_dir: str | Path | None = None) -> Path:
    """The folder of vehicle YAML files (``settings.CONFIG_DIR / "vehicles"`` by default)."""
    return settings.config_dir_path(config_dir) / "vehicles"


def in_a_copy_fix(config_dir: str | Path | None = None) -> str:
    """The fix for a vehicle missing from the folder read, when its file is in another
    configs folder: a copy made with ``cp -r configs my-configs`` is read only when named
    (``LOGISTICS_CONFIG_DIR``, or ``config_dir=`` of the Python API), so a vehicle added there
    is unknown until then. The one wording of every unknown-vehicle error."""
    if config_dir is None:
        return ("or, if it is in a copy of the configs folder, set LOGISTICS_CONFIG_DIR to that "
                "copy (in Python: config_dir=that copy)")
    return "or, if it is in another configs folder, give that folder as config_dir"


_CACHE: dict[tuple, dict[str, Vehicle]] = {}


def _load_all(folder: Path) -> dict[str, Vehicle]:
    """Every vehicle of ``folder`` by id, validated; cached until a file changes."""
    if not folder.is_dir():
        raise ConfigError(
            f"vehicle folder {folder} does not exist; expected a folder of <id>.yaml files "
            "(set LOGISTICS_CONFIG_DIR to the folder holding 'vehicles/')"
        )
    files = sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))
    if not files:
        raise ConfigError(
            f"vehicle folder {folder} holds no vehicle file (*.yaml); fix: copy the shipped "
            "configs/vehicles/*.yaml into it, or set LOGISTICS_CONFIG_DIR to a configs folder "
            "that has them")
    key = (str(folder), tuple((f.name, f.stat().st_mtime_ns, f.stat().st_size) for f in files))
    if key in _CACHE:
        return _CACHE[key]
    problems = _id_twins(files)
    vehicles: dict[str, Vehicle] = {}
    broken: set[str] = set()  # ids of files with problems of their own, listed already
    for f in files:
        try:
            v = load_vehicle_file(f, config_dir=folder.parent)
        except ConfigError as exc:
            problems.append(str(exc))
            broken.add(f.stem.lower())
            continue
        vehicles.setdefault(v.id, v)
    problems += _check_names(vehicles, broken=broken)
    if problems:
        lines = [line for p in problems for line in p.split("\n")]  # a file's, one a line
        raise ConfigError(f"{len(lines)} problem(s) in the vehicle files:\n  - "
                          + listed(lines))
    for stale in [k for k in _CACHE if k[0] == key[0]]:  # this folder's older versions only:
        del _CACHE[stale]  # a run reading one copied folder keeps the shipped one's too
    _CACHE[key] = vehicles
    return vehicles


def _id_twins(files: list[Path]) -> list[str]:
    """Two files of one id (the lower-cased stem: ``zis-5.yaml`` and ``zis-5.yml``, or
    ``ZIS-5.yaml`` and ``zis-5.yaml``): one would silently replace the other."""
    by_id: dict[str, list[Path]] = {}
    for f in files:
        by_id.setdefault(f.stem.lower(), []).append(f)
    return [f"{twin}: vehicle id {vid!r} is also the id of {twins[0]} (the id is the file "
            "name without .yaml/.yml, in lower case); expected one file per vehicle; fix: "
            "remove or rename one of them"
            for vid, twins in by_id.items() for twin in twins[1:]]


def _newer(a: Vehicle, b: Vehicle) -> tuple[Vehicle, Vehicle]:
    """(the one to fix, the other) of two vehicles sharing a name: the file modified last (a
    copy, ``cp bt-7.yaml bt-5.yaml``, is newer than its original, whatever their names'
    order), else the later by name. Why: the problem was put on the later file by name, so
    a copy named before its original (bt-5 before bt-7) blamed the original."""
    def when(v: Vehicle) -> float:
        try:
            return Path(v.path).stat().st_mtime
        except (OSError, TypeError):
            return float("-inf")

    return (a, b) if (when(a), str(a.path)) >= (when(b), str(b.path)) else (b, a)


# the like vehicles a calibrate_like fix offers, one of each fuel
_LIKE_EXAMPLE = "e.g. t-34-85 (diesel) or zis-5 (petrol)"


def _check_names(vehicles: dict[str, Vehicle], *, broken: set[str] | None = None) -> list[str]:
    """Aliases must not collide between vehicles; calibrate_like must name a known vehicle
    (one of ``broken``, whose file has problems of its own, is no problem of the borrower's:
    it read "expected the id of another vehicle file, got 't-34-85'" beside t-34-85's own)."""
    problems, seen = [], {}
    shared: dict[tuple[str, str], list[str]] = {}  # (vehicle, earlier vehicle) -> names
    for v in vehicles.values():
        names = [_norm(v.id), _norm(v.name), *(_norm(a) for a in v.aliases)]
        for n in dict.fromkeys(names):
            if n in seen and seen[n] != v.id:
                shared.setdefault((v.id, seen[n]), []).append(n)
            seen[n] = v.id
    for (vid, other), names in shared.items():  # one problem per pair: a copied file
        which = "name or alias" if len(names) == 1 else "names or aliases"
        verb = "is" if len(names) == 1 else "are"
        new, old = _newer(vehicles[vid], vehicles[other])
        problems.append(
            f"{new.path}: {which} {', '.join(map(repr, names))} {verb} also used by "
            f"vehicle {old.id!r} ({old.path}); expected names unique across "
            f"configs/vehicles; fix: give {Path(new.path).name} (the newer file: a copy keeps "
            "the original's name: and aliases:) its own name: and aliases:")
    for v in vehicles.values():
        if v.calibrate_like and v.calibrate_like.vehicle in (broken or set()):
            continue
        if v.calibrate_like and v.calibrate_like.vehicle not in vehicles:
            # the ids it may borrow from: not its own, nor a foot or horse file's
            engines = sorted(k for k, o in vehicles.items() if o.is_motorised and k != v.id)
            problems.append(
                f"{v.path}: calibrate_like.vehicle: expected the id of another vehicle file "
                f"(one of {engines}), got {v.calibrate_like.vehicle!r}"
                + did_you_mean(v.calibrate_like.vehicle, engines, lead="; ")
                + f"; fix: write the id (file name without .yaml) of a vehicle of "
                f"{Path(v.path).parent} whose engine is like its own, {_LIKE_EXAMPLE}")
        elif v.calibrate_like and not vehicles[v.calibrate_like.vehicle].is_motorised:
            other = vehicles[v.calibrate_like.vehicle]
            problems.append(
                f"{v.path}: calibrate_like.vehicle: expected a vehicle with an engine (kind "
                f"tracked or wheeled) to borrow it from, got {other.id!r} (kind {other.kind!r}: "
                f"it burns no fuel); fix: name a tank, gun or truck of the same fuel, "
                f"{_LIKE_EXAMPLE}")
    return problems + _calibrate_circles(vehicles)


def _calibrate_circles(vehicles: dict[str, Vehicle]) -> list[str]:
    """``calibrate_like`` chains that come back to where they began (a vehicle borrowing its
    own engine, two borrowing each other's): no engine is ever fitted (a RecursionError)."""
    problems, reported = [], set()
    for v in vehicles.values():
        chain = [v.id]
        while (cl := vehicles[chain[-1]].calibrate_like) is not None and cl.vehicle in vehicles:
            if cl.vehicle in chain:
                circle = chain[chain.index(cl.vehicle):]
                if frozenset(circle) not in reported:
                    reported.add(frozenset(circle))
                    first = vehicles[circle[0]]
                    problems.append(
                        f"{first.path}: calibrate_like.vehicle: the engines borrowed go round in "
                        f"a circle ({' -> '.join([*circle, circle[0]])}), so none is fitted; "
                        "expected a chain ending at a vehicle with fuel_targets; fix: give one "
                        "of them its documented consumption (fuel_targets) or borrow from a "
                        "vehicle that has it")
                break
            chain.append(cl.vehicle)
    return problems


def list_vehicles(*, config_dir: str | Path | None = None) -> list[str]:
    """Ids of every vehicle (file stems of ``configs/vehicles/*.yaml``), sorted."""
    return sorted(_load_all(vehicles_dir(config_dir)))


def load_vehicle(name: str | Vehicle, *, config_dir: str | Path | None = None) -> Vehicle:
    """The vehicle called ``name``: its id, display name or an alias, in any case or spacing.

    >>> load_vehicle("Sherman").id  # doctest: +SKIP
    'm4a2-76w'

    Unknown names raise :class:`UnknownNameError` suggesting near matches.
    """
    if isinstance(name, Vehicle):
        return name
    vehicles = _load_all(vehicles_dir(config_dir))
    index: dict[str, str] = {}
    for v in vehicles.values():
        for n in (v.id, v.name, *v.aliases):
            index.setdefault(_norm(n), v.id)
    key = _norm(name)
    if key in index:
        return vehicles[index[key]]
    # 0.65: the names and aliases, folded, share letters widely: at 0.6 'Panther' is offered
    # the BZ-43 fuel tanker, 'Willys' the GAZ-67B
    hint = offer([repr(n) for n in sorted(_of_kind(name, vehicles) or {
        vehicles[index[k]].name for k in close_names(name, index, n=4, cutoff=0.65, fold=_norm)})])
    msg = f"unknown vehicle {name!r}; " + (f"{hint} " if hint else "")
    msg += (f"known vehicles: {', '.join(sorted(vehicles))} (read from "
            f"{vehicles_dir(config_dir)}/); fix: to add one, copy the file of a vehicle of the "
            "same kind there and give its figures with their sources, "
            + in_a_copy_fix(config_dir))
    raise UnknownNameError(msg)


#: Generic words of a vehicle name -> which vehicles they suggest (kind, carries cargo).
_KIND_WORDS: dict[str, tuple[str, bool | None]] = {
    "tank": ("tracked", None), "tanks": ("tracked", None), "spg": ("tracked", None),
    "truck": ("wheeled", True), "trucks": ("wheeled", True), "lorry": ("wheeled", True),
    "infantry": ("foot", None), "foot": ("foot", None), "cavalry": ("horse", None),
}


def _of_kind(name: str, vehicles: dict) -> set[str]:
    """Names of the vehicles a generic word in ``name`` stands for ("tank" -> the tracked
    ones, "truck" -> the wheeled ones that carry cargo)."""
    out: set[str] = set()
    for word in re.findall(r"[a-z]+", str(name).lower()):
        kind, cargo = _KIND_WORDS.get(word, ("", None))
        out |= {v.name for v in vehicles.values() if v.kind == kind
                and (cargo is None or (v.payload_t is not None) == cargo)}
    return out


# --------------------------------------------------------------------------------------------
# one file


#: Largest magnitude of any number in a vehicle file (the generic sanity limit; per-key ranges
#: are in ``_PARAMS``).
MAX_NUMBER = 1e9


def _short(value: Any, limit: int = 80) -> str:
    """repr of a value, cut to ``limit`` characters."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"


def _generic_problems(node: Any, key: str = "") -> list[tuple[str, str, Any]]:
    """Rules for every value of a vehicle file, whatever its schema: numbers finite and within
    MAX_NUMBER; keys are text; texts without control characters. (key, expected, seen)."""
    out: list[tuple[str, str, Any]] = []
    if isinstance(node, dict):
        for k, v in node.items():
            if not isinstance(k, str):
                out.append((f"{key}.{k}" if key else str(k), "a text key", k))
                continue
            out += _generic_problems(v, f"{key}.{k}" if key else k)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _generic_problems(v, f"{key}[{i}]")
    elif isinstance(node, float) and not math.isfinite(node):
        out.append((key, "a finite number (not .inf or .nan)", node))
    elif isinstance(node, (int, float)) and not isinstance(node, bool) and abs(node) > MAX_NUMBER:
        out.append((key, f"a number of at most {MAX_NUMBER:.0e} in size", node))
    elif isinstance(node, str) and control_character(node) is not None:
        out.append((key, "a text without control characters", node))
    elif node is not None and not isinstance(node, (str, int, float, bool)):
        out.append((key, "a number, a text, a list or a mapping", node))
    return out


def _load_over_mass(values: dict[str, float | None], bad) -> None:
    """A load heavier than the vehicle: ``mass_t`` is the loaded vehicle's mass (the carriers'
    files derive it as empty + payload, configs/vehicles/README.md), so ``payload_t``, and the
    fuel of a tanker's ``cargo_fuel_l`` at the lightest density (petrol's: the least it can
    weigh), must weigh less than it (``payload_t: 90`` on a 6.1 t ZIS-5 was taken;
    breaker37)."""
    mass_t = values.get("mass_t")
    if mass_t is None:
        return
    payload_t = values.get("payload_t")
    if payload_t is not None and payload_t >= mass_t:
        bad("payload_t.value", f"a load below mass_t {mass_t:g} t (the loaded vehicle's mass, "
            "which holds it)", payload_t, "fix: the rated payload in tonnes, or mass_t the "
            "empty mass plus it")
    cargo_l = values.get("cargo_fuel_l")
    density = min(FUEL_DENSITY_KG_PER_L.values())
    if cargo_l is not None and cargo_l * density / 1000.0 >= mass_t:
        bad("cargo_fuel_l.value", f"a tank whose fuel weighs less than mass_t {mass_t:g} t "
            f"(the loaded vehicle's mass; {cargo_l:g} L weigh at least "
            f"{cargo_l * density / 1000.0:.1f} t at {density:g} kg/L)", cargo_l,
            "fix: the tank's litres, or mass_t the loaded vehicle's")


def load_vehicle_file(path: str | Path, *, config_dir: str | Path | None = None) -> Vehicle:
    """Read and validate one vehicle YAML file; every problem is listed in one ConfigError.

    The file is read by :func:`logistics._yaml.load_yaml` (UTF-8, no duplicate keys, bounded
    aliases); every number in it must be finite, and true/false is never a number. Its
    citation keys are checked against the bibliography of the configs folder ``config_dir``
    (the one whose ``vehicles/`` holds it; ``settings.CONFIG_DIR`` when None).
    """
    from logistics._yaml import load_yaml

    path = Path(path)
    raw = load_yaml(path, what="vehicle file")
    problems: list[str] = []
    if raw is None:
        raise ConfigError(f"{path}: the file is empty; fix: copy a vehicle of the same kind "
                          "(configs/vehicles/README.md) and change its figures")
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping of keys (name, kind, ...), got "
                          f"{_short(raw)}")

    def bad(key: str, expected: str, seen: Any, fix: str = "") -> None:
        if expected is _UNKNOWN_KEY:  # the key itself is the problem: say its name, not "got"
            problems.append(f"{path}: {key}: {seen}" + (f"; {fix}" if fix else ""))
            return
        problems.append(f"{path}: {key}: expected {expected}, got {_short(seen)}"
                        + (f"; {fix}" if fix else ""))

    generic = _generic_problems(raw)
    for key, expected, seen in generic:
        bad(key, expected, seen)
    if generic:
        raise ConfigError("\n".join(problems))

    misspelt = set()  # keys a misspelling stands for: its "did you mean" says it, once
    for key in sorted(set(raw) - _TOP_KEYS):
        _unknown_key(bad, key, sorted(_TOP_KEYS))
        misspelt.update(close_names(key, sorted(_TOP_KEYS)))  # as _unknown_key offers
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        bad("name", "a non-empty display name", name)
    elif odd := label_problem(name):  # the sample table's row, a legend entry
        bad("name", f"a display name on one visible line, not {odd}", name,
            "fix: the name on one line, without invisible format characters")
    aliases = raw.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str | int) for a in aliases):
        bad("aliases", "a list of names", aliases)
        aliases = []
    for i, a in enumerate(aliases):
        if isinstance(a, str) and (not a.strip() or label_problem(a)):
            bad(f"aliases[{i}]", "a name on one visible line (not blank, no line end nor "
                "invisible format character)", a, "fix: write the name, or leave it out")
    kind = raw.get("kind")
    if kind not in KINDS:  # every later check depends on the kind: stop at this one
        bad("kind", f"one of {list(KINDS)}", kind,
            "fix: " + (did_you_mean(kind, KINDS) or "write one of them (its running gear)"))
        raise ConfigError("\n".join(problems))
    fuel_type = raw.get("fuel_type")
    motor = kind in _MOTOR
    allowed_fuels = ("diesel", "petrol") if motor else ("none",)
    if fuel_type not in allowed_fuels:
        word = _FUEL_WORDS.get(str(fuel_type).strip().lower(), str(fuel_type))
        bad("fuel_type", f"one of {list(allowed_fuels)} for kind {kind!r}", fuel_type,
            f"fix: write {word!r}" if word in allowed_fuels else  # a synonym: no guess
            "fix: " + (did_you_mean(word, allowed_fuels)
                       or "write one of them (the fuel account the vehicle burns)"))

    values: dict[str, float | None] = {}
    citations: dict[str, str] = {}
    for key, spec in _PARAMS.items():
        entry = raw.get(key)
        if entry is None:
            if kind in spec.required_for and key not in misspelt:
                bad(key, f"a value for kind {kind!r} (a mapping: `value:` and `cite:` or "
                    "`assumed:`)", "missing")
            values[key] = None
            continue
        value, citation = _cited(entry, key, bad, config_dir)
        citations[key] = citation
        if value is None:
            values[key] = None
        elif isinstance(value, bool) or not isinstance(value, int | float):
            bad(f"{key}.value", "a number", value, "fix: write the number alone (the unit is "
                f"in the key's name: {key}), its source in cite: or assumed:")
            values[key] = None
        elif not spec.lo < float(value) <= spec.hi:
            bad(f"{key}.value", f"a number in ({spec.lo:g}, {spec.hi:g}]", value,
                range_fix(key, value, gt=spec.lo, le=spec.hi))
            values[key] = None
        elif floor := unit_floor_problem(key, value):  # tank_l: 1e-300, no physical size
            why, fix = floor.split("; fix:", 1)
            bad(f"{key}.value", f"a number in ({spec.lo:g}, {spec.hi:g}], not "
                f"{why.split(': ', 1)[1]}", value, "fix:" + fix)
            values[key] = None
        else:
            values[key] = float(value)

    _load_over_mass(values, bad)
    gear = kind if isinstance(kind, str) else ""
    if "road_running_gear" in raw:
        g, citations["road_running_gear"] = _cited(raw["road_running_gear"], "road_running_gear",
                                                    bad, config_dir)
        if g not in _MOTOR or not motor:
            bad("road_running_gear.value", "'tracked' or 'wheeled' (motorised vehicles only)", g)
        else:
            gear = g

    targets = (_fuel_targets(raw.get("fuel_targets"), bad, config_dir)
               if "fuel_targets" in raw else ())
    like = (_calibrate_like(raw["calibrate_like"], bad, config_dir)
            if "calibrate_like" in raw else None)
    given = "fuel_targets" in raw or "calibrate_like" in raw  # its own problems are listed
    if motor and not targets and like is None and not given:
        problems.append(
            f"{path}: fuel_targets: expected documented consumption (fuel_targets) or "
            "calibrate_like for a motorised vehicle, got neither; fix: `fuel_targets:` with a "
            "cited road and/or cross_country l_per_100km (as configs/vehicles/t-34-85.yaml), "
            "or, where no consumption is found, `calibrate_like: {vehicle: <id of a like "
            "vehicle>, fuel_volume_factor: 1.0, assumed: why}` (that vehicle's fitted engine; "
            "1.5 for petrol against a diesel, as configs/vehicles/su-76m.yaml)")
    if not motor and (targets or like):
        bad("fuel_targets", f"no fuel calibration for kind {kind!r}", "given")

    if problems:
        raise ConfigError("\n".join(problems))
    return Vehicle(
        id=path.stem.lower(),
        name=str(name).strip(),
        kind=str(kind),
        fuel_type=str(fuel_type),
        aliases=tuple(str(a) for a in aliases),
        road_running_gear=gear,
        fuel_targets=targets,
        calibrate_like=like,
        citations=MappingProxyType(citations),
        path=str(path),
        **values,  # type: ignore[arg-type]
    )


def _cited(entry: Any, key: str, bad, config_dir=None) -> tuple[Any, str]:
    """(value, citation text) of a cited mapping (keys of ``config_dir``'s bibliography);
    problems go to ``bad``."""
    if not isinstance(entry, dict) or "value" not in entry:
        shown = entry if not isinstance(entry, dict) else "<your number>"
        bad(key, "a mapping with 'value' and one of cite (source/derived)/assumed", entry,
            f"fix: write it as a figure: {{value: {_short(shown, 40)}, cite: \"[<SOURCE-KEY>] "
            "'quote'\"} (a key of configs/sources.yaml), or assumed: \"why, with its range\" "
            "in place of cite")
        return None, ""
    return entry["value"], _citation(entry, key, bad, extra={"value", "quote"},
                                     config_dir=config_dir)


#: ``bad``'s ``expected`` for a key that is not one of the file's: the message names the key.
_UNKNOWN_KEY: Any = object()


def _unknown_key(bad, key: str, known: list[str]) -> None:
    """Report the unknown key ``key`` (its dotted path) by its name, with the known key of that
    mapping it is closest to: a slip ('qoute') is a figure silently left out otherwise."""
    name = key.rsplit(".", 1)[-1]
    where = f"in {key.rsplit('.', 1)[0]}" if "." in key else "at the top level"
    hint = did_you_mean(name, known)
    fix = (f"fix: {hint} correct its spelling, or remove it" if hint
           else f"fix: remove it, or write one of {', '.join(known)}")
    bad(key, _UNKNOWN_KEY, f"unknown key {name!r} {where}, never read",
        fix + " (every key: configs/vehicles/README.md)")


def _citation(entry: dict, key: str, bad, *, extra: set[str], config_dir=None) -> str:
    """The one citation of a mapping (:func:`logistics.sources.read_provenance`) as text,
    ``"<key>: <text>"`` plus the quote, its keys those of the bibliography of ``config_dir``
    (``settings.CONFIG_DIR`` when None); problems go to ``bad``."""
    for k in sorted(set(entry) - set(PROVENANCE_KEYS) - extra):
        _unknown_key(bad, f"{key}.{k}", sorted(set(PROVENANCE_KEYS) | extra))
    problem = provenance_problem(entry, config_dir=config_dir)
    if problem is not None:
        bad(key, *problem)
        return ""
    return str(read_provenance(entry, config_dir=config_dir))


def _fuel_targets(raw: Any, bad, config_dir=None) -> tuple[FuelTarget, ...]:
    """Documented consumptions by surface ('road', 'cross_country'), cited from the
    bibliography of ``config_dir``."""
    if not isinstance(raw, dict) or not raw:
        bad("fuel_targets", f"a mapping of {list(TARGET_SURFACES)} to consumption entries", raw)
        return ()
    out = []
    for surface, entry in raw.items():
        key = f"fuel_targets.{surface}"
        if surface not in TARGET_SURFACES:
            bad(key, f"a surface in {list(TARGET_SURFACES)}", surface, "fix: " + (
                did_you_mean(surface, TARGET_SURFACES)
                or "`road:` for a figure on roads, `cross_country:` for one off them"))
            continue
        if not isinstance(entry, dict):
            bad(key, "a mapping with l_per_100km, choice and a citation", entry)
            continue
        value = entry.get("l_per_100km")
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 10_000:
            bad(f"{key}.l_per_100km", "a positive number up to 10000 (litres per 100 km)", value)
            value = None
        rng = entry.get("range_l_per_100km")
        if rng is not None and not (
            isinstance(rng, list) and len(rng) == 2
            and all(isinstance(r, int | float) and not isinstance(r, bool) for r in rng)
            and 0 <= rng[0] <= rng[1] <= 10_000
        ):
            bad(f"{key}.range_l_per_100km", "[low, high] litres per 100 km", rng)
            rng = None
        if value is not None and rng is not None and not rng[0] <= value <= rng[1]:
            # the figure is chosen from its source's range (`choice:`): one outside it is a
            # slip, or a what-if that must widen the range with it (as an army's uncertain:)
            bad(f"{key}.l_per_100km", f"a figure within its range_l_per_100km {list(rng)}",
                value, "fix: correct the figure, or widen `range_l_per_100km` with it and say "
                "why in `choice:`")
        choice = entry.get("choice")
        if not isinstance(choice, str) or not choice.strip():
            bad(f"{key}.choice", "a text saying which figure is targeted and why", choice,
                "fix: add `choice:`, e.g. \"single published figure; taken as on a road\" "
                "or \"midpoint of the placard range: the placard states no conditions\"")
        citation = _citation(entry, key, bad, extra={"l_per_100km", "range_l_per_100km",
                                                     "choice", "quote", "speed_kmh"},
                             config_dir=config_dir)
        speed, speed_citation = None, ""
        if "speed_kmh" in entry:
            speed, speed_citation = _cited(entry["speed_kmh"], f"{key}.speed_kmh", bad,
                                           config_dir)
            shaped = isinstance(entry["speed_kmh"], dict) and "value" in entry["speed_kmh"]
            if shaped and (isinstance(speed, bool) or not isinstance(speed, int | float)
                           or speed <= 0):
                bad(f"{key}.speed_kmh.value", "a positive speed (km/h)", speed)
                speed = None
        if value is not None:
            out.append(FuelTarget(surface, float(value), tuple(rng) if rng else None,
                                  str(choice or ""), citation,
                                  float(speed) if speed is not None else None, speed_citation))
    return tuple(out)


def _calibrate_like(raw: Any, bad, config_dir=None) -> CalibrateLike | None:
    """Borrowed engine: another vehicle id, a fuel volume factor and why (cited from the
    bibliography of ``config_dir``)."""
    if not isinstance(raw, dict):
        bad("calibrate_like", "a mapping with vehicle, fuel_volume_factor and a citation", raw)
        return None
    vehicle = raw.get("vehicle")
    factor = raw.get("fuel_volume_factor", 1.0)
    if not isinstance(vehicle, str) or not vehicle:
        bad("calibrate_like.vehicle", "the id of another vehicle file", vehicle)
    if isinstance(factor, bool) or not isinstance(factor, int | float) or not 0 < factor <= 10:
        bad("calibrate_like.fuel_volume_factor", "a positive number up to 10", factor)
        factor = None
    citation = _citation(raw, "calibrate_like", bad,
                         extra={"vehicle", "fuel_volume_factor", "quote"}, config_dir=config_dir)
    if not isinstance(vehicle, str) or factor is None:
        return None
    return CalibrateLike(vehicle.lower(), float(factor), citation)


def no_tank_capacity(vehicle: Vehicle, movement_yaml: str | Path, *,
                     column: bool = False) -> str:
    """'no tank capacity ...; fix: ...' for a motor vehicle whose fuel in its own tanks no file
    gives: where it may be given, the vehicle's own file first (a newly added vehicle), and for
    a supply ``column`` its own ``truck_tank_l``. One wording for the army file's check
    (``army.checks.check_army``) and the plan."""
    return (f"no tank capacity: no tank_l in its file {vehicle.path} nor under "
            f"fuel.tank_l_when_vehicle_file_has_none of {movement_yaml}; fix: give tank_l "
            f"(litres, with cite: or assumed:) in {vehicle.path}, or {vehicle.id}: under "
            f"fuel.tank_l_when_vehicle_file_has_none of {movement_yaml}"
            + (", or truck_tank_l on this column (the litres each truck carries for itself)"
               if column else ""))
