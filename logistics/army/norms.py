"""The norms the army files lean on, read once into plain data: march norms per kind of column,
truck lift and tank riders, tanks for vehicles whose file has none, fuel densities, the
generic compositions (standards), and the rail and river figures (ship classes, ferrying ...).

Files (``configs/norms/``; keys in ``configs/armies/README.md``): ``march.yaml`` (column pace and
march schedule per kind of column, the heat rule, speeds observed in Manchuria under named
conditions), ``movement.yaml`` (lift, rail, river, fuel) and ``formations.yaml`` (one standard
per kind of formation). Every figure the engine reads is checked here (a value with exactly one
of ``cite``/``assumed``); a missing or bad one is one :class:`~logistics.errors.ConfigError`
naming the file, the key and the fix. The rail and river figures of ``movement.yaml`` are read
and checked by :mod:`logistics.army.means_norms` (the one reader the rail and river moves use
too) and kept whole in ``Norms.means``. Informative entries (comparators, halts, hazards) are
kept in the files for readers and not read.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any


from logistics import settings
from logistics._yaml import refuse_non_finite
from logistics.army.means_norms import MeansNorms, brigade_ships, load_means_norms
from logistics.errors import (ConfigError, did_you_mean, listed, range_fix,
                              refuse_unknown_keys)
from logistics.ranges import active_patch, patched, range_beyond, uncertain_problems
from logistics.sources import configs_folder_of, provenance_problem

__all__ = [
    "MarchNorm",
    "HeatRule",
    "ObservedCap",
    "Standard",
    "Norms",
    "load_norms",
    "norms_dir",
    "brigade_ships",
    "troop_ships",
]


def norms_dir(config_dir: str | Path | None = None) -> Path:
    """The norms folder: ``<configs>/norms`` (``settings.CONFIG_DIR`` by default)."""
    return Path(config_dir or settings.CONFIG_DIR) / "norms"


@dataclass(frozen=True)
class HeatRule:
    """Foot marches moved to the night in the heat: from ``start_hour`` for ``hours`` hours,
    in ``season`` on the axes of the ``fronts`` named (the rule's condition)."""

    start_hour: float
    hours: float
    season: str
    fronts: tuple[str, ...]
    cite: str


@dataclass(frozen=True)
class MarchNorm:
    """How a kind of column marches.

    ``max_speed_kmh``: the column's pace on good going by day (the physics speed of its
    slowest class on each step still bounds it); ``night_speed_factor``: share of it at night
    (``night_hours``); ``hours_per_day``: hours under way a day (halts outside them),
    from ``start_hour``; ``gap_m``: vehicle to vehicle; ``unit_interval_m``: between the
    columns of successive units; ``max_km_per_day``: the documented upper bound of a day's
    march (reported against, never enforced); ``heat``: the heat rule for this kind, if any;
    ``embark_h``/``debark_h``: mounting and dismounting trucks; ``shuttle_bound_km``: how far
    ahead of its pick-up a lift is dropped when the trucks shuttle (None: to the route's end).
    """

    id: str
    max_speed_kmh: float
    hours_per_day: float
    start_hour: float
    night_speed_factor: float = 1.0
    night_hours: tuple[float, float] = (21.0, 5.0)
    gap_m: float = 0.0
    unit_interval_m: float = 0.0
    max_km_per_day: float = math.inf
    heat: HeatRule | None = None
    embark_h: float = 0.0
    debark_h: float = 0.0
    shuttle_bound_km: float | None = None


@dataclass(frozen=True)
class ObservedCap:
    """A column speed observed in Manchuria under a named condition (``march.yaml observed``):
    ``kmh`` for the ``applies_to`` kinds of column (``tracked``, ``wheeled``, ``foot``,
    ``horse``) where the ``when`` condition holds (figures by name: grade, season, km from
    the departure line, km from a 1945 railway, terrain class)."""

    id: str
    kmh: float
    applies_to: tuple[str, ...]
    when: Mapping[str, Any]
    cite: str


@dataclass(frozen=True)
class Standard:
    """A generic composition (``formations.yaml standards``): ``men``, ``vehicles`` ((id,
    count), ...), ``movement``, ``march_norm``, ``routes`` (parallel column routes),
    ``on_fortified_region``, ``lift`` ((vehicle, trucks) or None), ``ships`` ((class, count))."""

    id: str
    men: int = 0
    vehicles: tuple[tuple[str, int], ...] = ()
    movement: str | None = None
    march_norm: str | None = None
    routes: int | None = None
    on_fortified_region: str | None = None
    lift: tuple[str, int] | None = None
    ships: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Norms:
    """Everything the engine reads from ``configs/norms/``.

    ``march``: norm id -> :class:`MarchNorm`; ``default_norm``: movement -> norm id;
    ``observed``: the condition caps; ``men_per_truck``: vehicle -> men it lifts;
    ``men_per_tank``: tank riders per tank; ``tank_l``: vehicle -> one refill for classes whose
    vehicle file gives no tank; ``standards``; ``means``: the rail and river figures of
    ``movement.yaml`` (ship classes, ferrying, current, railhead advance ...: read by
    :func:`logistics.army.means_norms.load_means_norms` from the same folder);
    ``dismount_movements`` (``march.yaml dismount``). (Fuel densities are physical constants
    in code, :data:`logistics.vehicles.FUEL_DENSITY_KG_PER_L`.)
    """

    march: Mapping[str, MarchNorm]
    default_norm: Mapping[str, str]
    observed: tuple[ObservedCap, ...]
    men_per_truck: Mapping[str, float]
    men_per_tank: float
    tank_l: Mapping[str, float]
    standards: Mapping[str, Standard]
    means: MeansNorms
    files: tuple[str, ...] = ()
    #: movements whose men ride the formation's vehicles and dismount where they march
    #: farther a day than the vehicles drive (``march.yaml dismount``; empty: no such rule)
    dismount_movements: tuple[str, ...] = ()
    #: movement -> observed cap ids: movements whose men dismount only on steps where one of
    #: those caps' conditions holds (``march.yaml dismount.where_caps``; e.g. motor formations
    #: in the roadless taiga belt, where everyone works at cutting the column tracks)
    dismount_where_caps: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: ``foot``/``horse`` -> (men or horses abreast, m of road a rank): the ranks of its men on
    #: foot and horsemen in a column's road length (``march.yaml column_depth``; empty: they
    #: take none), which places its tail (:func:`logistics.advance.formation.road_column_km`)
    column_depth: Mapping[str, tuple[float, float]] = field(default_factory=dict)

    @property
    def config_dir(self) -> Path | None:
        """The configs folder these norms were read from (its ``vehicles/`` are the ones they
        name); None for norms built by hand (``settings.CONFIG_DIR``)."""
        return _configs_folder(self.files[0]) if self.files else None

    def refill_l(self, vehicle) -> float | None:
        """Litres of one refill of ``vehicle`` (a :class:`logistics.vehicles.Vehicle`): its
        file's ``tank_l``, else this table's ``tank_l``; None when neither gives it."""
        return vehicle.tank_l if vehicle.tank_l is not None else self.tank_l.get(vehicle.id)

    def norm_for(self, movement: str, norm_id: str | None = None) -> MarchNorm:
        """The march norm ``norm_id``, else the default of ``movement``."""
        key = norm_id or self.default_norm.get(movement)
        if key is None or key not in self.march:
            raise ConfigError(
                f"no march norm {key!r} for movement {movement!r}; known: {sorted(self.march)} "
                "(configs/norms/march.yaml)")
        return self.march[key]

    def with_march_hours(self, hours: float) -> Norms:
        """These norms with every column's hours under way a day replaced (the global
        calibration override ``march_hours_per_day``)."""
        march = {k: replace(v, hours_per_day=float(hours)) for k, v in self.march.items()}
        return replace(self, march=march)

    def with_march_hours_scaled(self, scale: float) -> Norms:
        """These norms with every column's hours under way a day (its heat rule's too) times
        ``scale``, at most 24 h (the global calibration override ``march_hours_scale``). Unlike
        :meth:`with_march_hours` it keeps the norms' differences between kinds of column
        (tank 16 h, motor 8 h, foot 12 h...), which come from their sources."""
        def scaled(h: float) -> float:
            return min(24.0, float(h) * float(scale))

        march = {k: replace(v, hours_per_day=scaled(v.hours_per_day),
                            heat=(replace(v.heat, hours=scaled(v.heat.hours))
                                  if v.heat is not None else None))
                 for k, v in self.march.items()}
        return replace(self, march=march)


class _Reader:
    """Reads figures from one norms file, naming the file and key in every error."""

    def __init__(self, path: Path, patch: tuple[tuple[str, float], ...] = ()) -> None:
        self.path = path
        if not path.is_file():
            raise ConfigError(f"norms file {path} not found; the configs folder needs "
                              "norms/march.yaml, norms/movement.yaml and norms/formations.yaml")
        from logistics._yaml import load_yaml

        self.data = load_yaml(path, what="norms file") or {}
        if not isinstance(self.data, dict):
            raise ConfigError(f"{path}: expected a mapping of keys")
        self.data = patched(self.data, patch, path)  # a Monte Carlo draw's values (ranges.py)

    def check_uncertain(self) -> None:
        """The file's ``uncertain:`` ranges (:func:`logistics.ranges.uncertain_problems`),
        checked after its figures were read (a damaged section is named as such first)."""
        problems = uncertain_problems(self.data, config_dir=configs_folder_of(self.path))
        if problems:
            raise ConfigError(f"{self.path}: {len(problems)} problem(s) in its uncertain: "
                              "ranges (fix each key as said):\n  "
                              + listed(problems, sep="\n  "))

    def node(self, *keys: str, required: bool = True) -> Any:
        """The node at ``keys`` (list items by their index as text), None if absent and not
        ``required``."""
        node: Any = self.data
        for k in keys:
            if isinstance(node, list) and str(k).isdigit() and int(k) < len(node):
                node = node[int(k)]
                continue
            if not isinstance(node, dict) or k not in node:
                if not required:
                    return None
                raise ConfigError(f"{self.path}: {'.'.join(map(str, keys))}: missing; fix: add "
                                  "it (a figure {value, cite} or {value, assumed})")
            node = node[k]
        return node

    def mapping(self, *keys: str, required: bool = True) -> dict:
        """The mapping at ``keys`` ({} if absent and not ``required``); ConfigError naming the
        key when it is a list, a text or a number (a section of keys is a mapping)."""
        node = self.node(*keys, required=required)
        if node is None:
            return {}
        if not isinstance(node, dict):
            raise ConfigError(f"{self.path}: {'.'.join(map(str, keys))}: expected a mapping of "
                              f"keys, got {node!r:.80}; fix: write it as the shipped "
                              f"configs/norms/{self.path.name} does (key: value lines)")
        return node

    def figure(self, *keys: str, required: bool = True, lo: float = -math.inf,
               hi: float = math.inf, strict_lo: bool = False) -> float | None:
        """The figure's value at ``keys``, within [``lo``, ``hi``] (above ``lo`` with
        ``strict_lo``), its provenance and its ``uncertain:`` range checked; None when absent
        and not ``required``."""
        node = self.node(*keys, required=required)
        if node is None:
            return None
        where = f"{self.path}: {'.'.join(map(str, keys))}"
        if not isinstance(node, dict) or "value" not in node:
            raise ConfigError(f"{where}: expected a figure {{value, cite|assumed}}, got {node!r}")
        problem = provenance_problem(node, config_dir=configs_folder_of(self.path))
        if problem is not None:
            raise ConfigError(f"{where}: expected {problem[0]}; fix: {problem[1]}")
        v = node["value"]
        low = {"gt": lo} if strict_lo else {"ge": lo}
        fix = range_fix(str(keys[-1]), v, le=hi, **low)
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise ConfigError(f"{where}: value must be a finite number, got {v!r}; {fix}")
        if not (lo < v if strict_lo else lo <= v) or not v <= hi:
            raise ConfigError(f"{where}: value must be within {'(' if strict_lo else '['}{lo:g}, "
                              f"{hi:g}], got {v!r}; {fix}")
        beyond = range_beyond(self.data, ".".join(map(str, keys)), lo, hi, strict_lo=strict_lo)
        if beyond is not None:
            raise ConfigError(f"{self.path}: {beyond}")
        return float(v)


#: Conditions an observed cap may name (``march.yaml observed.<id>.when``): figures with
#: their allowed range, and words with their allowed values (read by advance/pace.py).
_WHEN_FIGURES: dict[str, tuple[float, float]] = {
    "min_grade": (-1.0, 1.0), "min_abs_grade": (0.0, 1.0),
    "within_km_of_departure": (0.0, 10_000.0), "max_elev_m": (-500.0, 9_000.0),
    "max_lon": (-180.0, 180.0), "min_km_from_railway": (0.0, 10_000.0)}
_WHEN_WORDS: dict[str, frozenset[str]] = {
    "season": frozenset({"dry", "wet"}),
    "terrain_class": frozenset({"steppe", "forest", "wetland", "sand", "cropland", "urban"})}
_COLUMN_KINDS = frozenset({"tracked", "wheeled", "foot", "horse"})


#: Keys of an ``observed`` entry: a cap (``value``, ``applies_to``, optional ``when``), or an
#: informative observation (its provenance and ``condition`` only, or a ``value`` alone).
_OBSERVED_KEYS = frozenset({"value", "applies_to", "when", "condition", "quote", "source",
                            "derived", "cite", "assumed"})


def _observed_shape(path: Path, cid: str, node: Any) -> None:
    """ConfigError for an ``observed`` entry whose keys would be read otherwise than meant: an
    unknown key (``whn:`` for ``when:`` left the cap with no condition, so it held every step,
    dry season too; ``apply_to:`` made it an informative line, never applied), or a cap half
    given (``applies_to`` or ``when`` without ``value``, ``when`` without ``applies_to``, an
    empty ``applies_to``)."""
    if not isinstance(node, dict):
        return
    where = f"{path}: observed.{cid}"
    for key in sorted(map(str, set(node) - _OBSERVED_KEYS)):
        raise ConfigError(f"{where}.{key}: not a key of an observed speed"
                          + did_you_mean(key, sorted(_OBSERVED_KEYS), lead="; ")
                          + f"; fix: correct its spelling or remove it (keys: "
                          f"{', '.join(sorted(_OBSERVED_KEYS))})")
    if ("applies_to" in node or "when" in node) and "value" not in node:
        raise ConfigError(f"{where}: a cap (applies_to, when) without `value:`, so it would "
                          "never apply; fix: add value: <km/h> with its cite, or remove "
                          "applies_to and when to keep it informative")
    if "when" in node and "applies_to" not in node:
        raise ConfigError(f"{where}: `when:` without `applies_to:`, so the cap would never "
                          f"apply; fix: add applies_to: a list of {sorted(_COLUMN_KINDS)}")
    if "applies_to" in node and not node["applies_to"]:
        raise ConfigError(f"{where}.applies_to: empty, so the cap would apply to no column; "
                          f"fix: a list of {sorted(_COLUMN_KINDS)}, or remove the cap")


#: Keys of a march norm (``march.yaml norms.<id>``): those the engine reads, and the
#: informative ones the shipped file gives (halts, comparators, a night rule in words ...).
_NORM_KEYS_READ = frozenset({"max_speed_kmh", "march_hours_per_day", "march_start_hour",
                             "night_speed_factor", "gap_m", "unit_interval_m", "max_km_per_day",
                             "heat_rule", "embark_h", "debark_h", "shuttle_bound_km"})
_NORM_KEYS_INFORMATIVE = frozenset({"description", "halts", "big_halt_h", "night_rule",
                                    "normal_km_per_day", "routes_per_corps", "comparators"})


#: Keys of a heat rule (``march.yaml norms.<id>.heat_rule``): a misspelt ``fronts:`` was taken
#: as absent, so the rule held on every front; a misspelt ``season:`` as the dry season.
_HEAT_KEYS_READ = frozenset({"season", "fronts", "march_start_hour", "march_hours_per_day",
                             "cite", "assumed"})


#: The defaults of ``default_by_movement`` the engine reads for every army, whatever its
#: formations' movements: why (advance/formation_plan.py, advance/plan.py).
_DEFAULTS_READ: dict[str, str] = {
    "foot": "the pace of men on foot: dismounted men, the men a truck shuttle leaves walking",
    "motor": "the pace of the supply convoys"}


def _marching_movements() -> frozenset[str]:
    """The army files' movements that take a march norm (all but the carried rail and river):
    the keys ``default_by_movement`` may give."""
    from typing import get_args

    from logistics.army.schema import MOVEMENTS

    return frozenset(get_args(MOVEMENTS)) - {"rail", "river"}


def _march(r: _Reader) -> tuple[dict[str, MarchNorm], dict[str, str], tuple[ObservedCap, ...]]:
    norms = {}
    for nid in r.mapping("norms"):
        refuse_unknown_keys(f"{r.path}: norms.{nid}", r.mapping("norms", nid), _NORM_KEYS_READ,
                      _NORM_KEYS_INFORMATIVE, "a march norm")
        def fig(key, required=True, lo=0.0, hi=math.inf, nid=nid, strict_lo=False):
            return r.figure("norms", nid, key, required=required, lo=lo, hi=hi,
                            strict_lo=strict_lo)

        heat = None
        h = r.mapping("norms", nid, "heat_rule", required=False)
        if h:
            where = f"{r.path}: norms.{nid}.heat_rule"
            refuse_unknown_keys(where, h, _HEAT_KEYS_READ, frozenset({"applies"}), "a heat rule")
            season, fronts = h.get("season", "dry"), h.get("fronts") or []
            if not isinstance(season, str) or season not in _WHEN_WORDS["season"]:
                raise ConfigError(f"{where}.season: {season!r} is no season, so the rule would "
                                  f"never apply; fix: one of {sorted(_WHEN_WORDS['season'])}")
            if not isinstance(fronts, list) or not all(isinstance(f, str) for f in fronts):
                raise ConfigError(f"{where}.fronts: {fronts!r:.80}, expected a list of front "
                                  "names (a text alone is read letter by letter and matches no "
                                  "front); fix: write e.g. [Transbaikal Front]")
            heat = HeatRule(
                start_hour=r.figure("norms", nid, "heat_rule", "march_start_hour", lo=0, hi=24),
                # above 0: a rule of no hours held its columns for the whole season (NaN
                # pace, a numpy warning, exit 0: breaker35), as a march norm's own hours
                hours=r.figure("norms", nid, "heat_rule", "march_hours_per_day", lo=0, hi=24,
                               strict_lo=True),
                season=season,
                fronts=tuple(fronts),
                cite=str(h.get("cite", "")),
            )
        norms[nid] = MarchNorm(
            id=nid,
            max_speed_kmh=fig("max_speed_kmh", lo=0.1, hi=150),
            hours_per_day=fig("march_hours_per_day", lo=0, hi=24, strict_lo=True),
            start_hour=fig("march_start_hour", lo=0, hi=24),
            night_speed_factor=fig("night_speed_factor", required=False, lo=0.05, hi=1) or 1.0,
            gap_m=fig("gap_m", required=False, hi=10_000) or 0.0,
            unit_interval_m=fig("unit_interval_m", required=False, hi=100_000) or 0.0,
            max_km_per_day=fig("max_km_per_day", required=False, lo=1, hi=5000) or math.inf,
            heat=heat,
            embark_h=fig("embark_h", required=False, hi=48) or 0.0,
            debark_h=fig("debark_h", required=False, hi=48) or 0.0,
            shuttle_bound_km=fig("shuttle_bound_km", required=False, lo=0.1, hi=5000) or None,
        )
    defaults = {str(k): str(v) for k, v in r.mapping("default_by_movement").items()}
    refuse_unknown_keys(f"{r.path}: default_by_movement", defaults, _marching_movements(), frozenset(),
                  "default_by_movement (a movement of the army files; rail and river "
                  "formations are carried and take no march norm)")
    for mov, why in _DEFAULTS_READ.items():  # a run failed after its routes, naming no file
        if mov not in defaults:
            raise ConfigError(f"{r.path}: default_by_movement.{mov}: missing; every run reads "
                              f"it ({why}); fix: add `{mov}: <a norm of norms:>` (the shipped "
                              f"file: {mov}: {'foot_column' if mov == 'foot' else 'motor_column'})")
    for mov, nid in defaults.items():
        if nid not in norms:
            raise ConfigError(f"{r.path}: default_by_movement.{mov}: {nid!r} is no norm; "
                              f"known: {sorted(norms)}; fix: one of those")
    caps = []
    for cid, node in r.mapping("observed", required=False).items():
        _observed_shape(r.path, cid, node)
        if not isinstance(node, dict) or "value" not in node or "applies_to" not in node:
            continue  # an informative observation, not a speed the engine applies
        when = {}
        raw_when = node.get("when") or {}
        if not isinstance(raw_when, dict):
            raise ConfigError(f"{r.path}: observed.{cid}.when: expected a mapping of "
                              f"conditions, got {raw_when!r}")
        for k, v in raw_when.items():
            if k not in _WHEN_FIGURES and k not in _WHEN_WORDS:
                raise ConfigError(
                    f"{r.path}: observed.{cid}.when.{k}: unknown condition; fix: use one of "
                    f"{sorted(set(_WHEN_FIGURES) | set(_WHEN_WORDS))}")
            if k in _WHEN_FIGURES:
                when[k] = r.figure("observed", cid, "when", k, lo=_WHEN_FIGURES[k][0],
                                   hi=_WHEN_FIGURES[k][1])
            elif not isinstance(v, str) or v not in _WHEN_WORDS[k]:
                raise ConfigError(f"{r.path}: observed.{cid}.when.{k}: {v!r} is not one of "
                                  f"{sorted(_WHEN_WORDS[k])}")
            else:
                when[k] = v
        kinds = node["applies_to"]
        if not isinstance(kinds, list) or not set(map(str, kinds)) <= _COLUMN_KINDS:
            raise ConfigError(f"{r.path}: observed.{cid}.applies_to: expected a list of "
                              f"{sorted(_COLUMN_KINDS)}, got {kinds!r}")
        caps.append(ObservedCap(id=cid, kmh=r.figure("observed", cid, lo=0.01, hi=150),
                                applies_to=tuple(map(str, kinds)), when=when,
                                cite=str(node.get("cite", node.get("assumed", "")))))
    return norms, defaults, tuple(caps)


def _dismount(r: _Reader, movements: frozenset[str], caps: tuple[ObservedCap, ...]
              ) -> tuple[tuple[str, ...], dict[str, tuple[str, ...]]]:
    """The movements of ``march.yaml dismount`` (() when the file states no such rule), each
    one ``default_by_movement`` knows, and its ``where_caps`` (movement -> ids of ``observed``
    caps: those movements dismount only where one of the caps' conditions holds); the rule
    needs its provenance like a figure."""
    node = r.mapping("dismount", required=False)
    if not node:
        return (), {}
    where = f"{r.path}: dismount"
    # read: the movements, where_caps and the provenance; informative: fuel and vehicles
    refuse_unknown_keys(where, node, frozenset({"movements", "where_caps", "assumed", "cite"}),
                  frozenset({"fuel", "vehicles"}), "the dismount rule")
    problem = provenance_problem(node, config_dir=configs_folder_of(r.path))
    if problem is not None:
        raise ConfigError(f"{where}: expected {problem[0]}; fix: {problem[1]}")
    listed_ = node.get("movements")
    if not isinstance(listed_, list) or not all(isinstance(m, str) for m in listed_):
        raise ConfigError(f"{where}.movements: expected a list of movements, got "
                          f"{listed_!r:.80}; fix: e.g. [truck_borne]")
    for m in listed_:
        if m not in movements:
            raise ConfigError(f"{where}.movements: {m!r} is no movement of "
                              f"default_by_movement; fix: one of {sorted(movements)}")
        if m == "foot":
            raise ConfigError(f"{where}.movements: 'foot': its men already march, there is "
                              "nothing to get down from; fix: remove it (e.g. [truck_borne])")
    only = node.get("where_caps", {}) or {}
    if not isinstance(only, dict):
        raise ConfigError(f"{where}.where_caps: expected a mapping movement -> [observed cap "
                          f"ids], got {only!r:.80}; fix: e.g. {{motor: [taiga_without_roads_kmh]}}")
    known = {c.id for c in caps}
    out: dict[str, tuple[str, ...]] = {}
    for m, ids in only.items():
        if m not in movements or m == "foot" or m in listed_:
            raise ConfigError(f"{where}.where_caps.{m}: {m!r} must be a movement of "
                              "default_by_movement other than foot and not already under "
                              f"movements (which dismount everywhere); fix: one of "
                              f"{sorted(set(movements) - {'foot'} - set(listed_))}")
        if not isinstance(ids, list) or not ids or not all(i in known for i in ids):
            raise ConfigError(f"{where}.where_caps.{m}: expected a list of ids of observed "
                              f"caps, got {ids!r:.80}; fix: any of {sorted(known)}")
        out[m] = tuple(ids)
    return tuple(listed_), out


#: The kinds of ``march.yaml column_depth``: the marching classes a column's road length
#: counts in ranks (men on foot, horsemen); their vehicles are its march norm's ``gap_m``.
_DEPTH_KINDS: tuple[str, ...] = ("foot", "horse")


def _column_depth(r: _Reader) -> dict[str, tuple[float, float]]:
    """``march.yaml column_depth``: for men on foot and horsemen, how many march abreast and
    the metres of road a rank takes (each a figure with its provenance); every run reads
    both (a marching column's tail, advance/formation.py ``road_column_km``)."""
    if "column_depth" not in r.data:
        raise ConfigError(f"{r.path}: column_depth: missing; every run reads it (where a "
                          "marching column's tail is); fix: copy the section of the shipped "
                          "configs/norms/march.yaml (foot and horse, each abreast and rank_m, "
                          "figures with their cite or assumed)")
    node = r.mapping("column_depth")
    refuse_unknown_keys(f"{r.path}: column_depth", node, frozenset(_DEPTH_KINDS), frozenset(),
                        "column_depth (the kinds of column counted in ranks)")
    out = {}
    for kind in _DEPTH_KINDS:
        refuse_unknown_keys(f"{r.path}: column_depth.{kind}", r.mapping("column_depth", kind),
                            frozenset({"abreast", "rank_m"}), frozenset(), "a column depth")
        out[kind] = (r.figure("column_depth", kind, "abreast", lo=1, hi=100),
                     r.figure("column_depth", kind, "rank_m", lo=0, hi=100))
    return out


def _configs_folder(norms_file) -> Path:
    """The configs folder of a norms file (``<configs>/norms/<file>``): the vehicle ids it
    names are those of its own ``<configs>/vehicles``, not ``settings.CONFIG_DIR``'s."""
    return Path(norms_file).parent.parent


def _configs_of(r: _Reader) -> Path:
    """:func:`_configs_folder` of the file ``r`` reads."""
    return _configs_folder(r.path)


def _vehicle_id(r: _Reader, node: Any, *keys: str) -> str:
    """The vehicle id under ``keys`` (``node`` is its mapping), checked against the vehicle
    files: a standard's vehicle is the norms file's key, not the army file's that uses it."""
    from logistics.vehicles import list_vehicles

    where = f"{r.path}: {'.'.join(keys)}"
    if not isinstance(node, dict) or not isinstance(node.get("vehicle"), str):
        raise ConfigError(f"{where}: expected a mapping with `vehicle:` (a vehicle id) and "
                          f"`count:`, got {node!r:.80}; fix: write it as the shipped "
                          "configs/norms/formations.yaml does")
    vid = node["vehicle"]
    known = list(list_vehicles(config_dir=_configs_of(r)))
    if vid not in known:
        raise ConfigError(f"{where}.vehicle: unknown vehicle {vid!r}; fix: use one of "
                          f"configs/vehicles ({known})" + did_you_mean(vid, known, lead="; "))
    return vid


#: Keys of a standard (``formations.yaml standards.<id>``) the resolver reads.
_STANDARD_KEYS_READ = frozenset({"men", "vehicles", "lift", "ships", "movement", "march_norm",
                                 "column", "on_fortified_region"})


def _standards(r: _Reader) -> dict[str, Standard]:
    out = {}
    for sid, node in r.mapping("standards").items():
        if not isinstance(node, dict):
            raise ConfigError(f"{r.path}: standards.{sid}: expected a mapping of the standard's "
                              f"keys (men, vehicles, movement, ...), got {node!r:.80}")
        refuse_unknown_keys(f"{r.path}: standards.{sid}", node, _STANDARD_KEYS_READ,
                      frozenset({"description", "composition"}), "a standard")
        refuse_unknown_keys(f"{r.path}: standards.{sid}.column", node.get("column"),
                      frozenset({"routes"}), frozenset(), "a standard's column (its gap "
                      "between vehicles is the march norm's gap_m)")
        listed = node.get("vehicles") or []
        if not isinstance(listed, list):
            raise ConfigError(f"{r.path}: standards.{sid}.vehicles: expected a list of "
                              f"{{vehicle, count}}, got {listed!r:.80}; fix: lines starting "
                              "with '- vehicle: <id>'")
        vehicles = tuple(
            (_vehicle_id(r, v, "standards", sid, "vehicles", str(i)),
             int(r.figure("standards", sid, "vehicles", str(i), "count", lo=0, hi=100_000)))
            for i, v in enumerate(listed))
        lift = None
        if node.get("lift"):
            lift = (_vehicle_id(r, node["lift"], "standards", sid, "lift"),
                    int(r.figure("standards", sid, "lift", "count", lo=1, hi=100_000)))
        _standard_words(r, sid, node)
        ships = tuple((str(s["class"]), int(r.figure("standards", sid, "ships", str(i), "count",
                                                     lo=0, hi=1000)))
                      for i, s in enumerate(node.get("ships") or []))
        routes = r.figure("standards", sid, "column", "routes", required=False, lo=1, hi=100)
        men = r.figure("standards", sid, "men", required=False, lo=0, hi=1_000_000)
        out[sid] = Standard(
            id=sid, men=int(men or 0), vehicles=vehicles, movement=node.get("movement"),
            march_norm=node.get("march_norm"), routes=int(routes) if routes else None,
            on_fortified_region=node.get("on_fortified_region"), lift=lift, ships=ships,
        )
    return out


def _standard_words(r: _Reader, sid: str, node: dict) -> None:
    """ConfigError for a standard's word the resolver would take as written: ``movement`` and
    ``on_fortified_region`` not among the army files' own values (``movement: fot`` was
    accepted, a formation relying on it ran without a march norm; an unknown action was
    silently no bypass), a ``march_norm`` that is no name (a list was a TypeError traceback),
    ``ships`` that are not a list of ``{class, count}``."""
    from typing import get_args

    from logistics.army.schema import MOVEMENTS, ON_FORTIFIED_REGION

    where = f"{r.path}: standards.{sid}"
    for key, allowed in (("movement", get_args(MOVEMENTS)),
                         ("on_fortified_region", get_args(ON_FORTIFIED_REGION))):
        value = node.get(key)
        if value is not None and value not in allowed:
            raise ConfigError(f"{where}.{key}: {value!r:.80} is not one of the army files' "
                              f"values" + did_you_mean(str(value), allowed, lead="; ")
                              + f"; fix: one of {', '.join(allowed)}")
    norm = node.get("march_norm")
    if norm is not None and not isinstance(norm, str):
        raise ConfigError(f"{where}.march_norm: {norm!r:.80}, expected the name of a march norm "
                          "of march.yaml; fix: write one name, e.g. march_norm: foot_column")
    ships = node.get("ships") or []
    if not isinstance(ships, list) or not all(isinstance(s, dict) and isinstance(
            s.get("class"), str) for s in ships):
        raise ConfigError(f"{where}.ships: {ships!r:.80}, expected a list of {{class: <ship "
                          "class of movement.yaml river.ship_classes>, count: {value, cite}}}; "
                          "fix: write it as the shipped configs/norms/formations.yaml does")


def _movement(r: _Reader) -> dict[str, Any]:
    """The figures of ``movement.yaml`` only the army's norms read: truck lift, tank riders,
    tanks for vehicles whose file has none, fuel densities (its rail and river figures:
    :mod:`logistics.army.means_norms`)."""
    men_per_truck = {}
    for vid, node in r.mapping("lift", "truck").items():
        if not isinstance(node, dict):  # a damaged entry would drop the truck's norm silently
            r.mapping("lift", "truck", vid)
        if "men_per_vehicle" in node:
            men_per_truck[str(vid)] = r.figure("lift", "truck", vid, "men_per_vehicle",
                                               lo=0.1, hi=200)
    _check_vehicle_keys(r, men_per_truck, "lift.truck", "men per truck")
    tank_l = {str(v): r.figure("fuel", "tank_l_when_vehicle_file_has_none", v, lo=1, hi=10_000)
              for v in r.mapping("fuel", "tank_l_when_vehicle_file_has_none")}
    _check_vehicle_keys(r, tank_l, "fuel.tank_l_when_vehicle_file_has_none", "tank")
    _check_tank_keys(r, tank_l)
    return dict(
        men_per_truck=men_per_truck,
        men_per_tank=r.figure("lift", "tank_riders", "men_per_tank", lo=0.1, hi=50),
        tank_l=tank_l,
    )


def _check_vehicle_keys(r: _Reader, figures: dict[str, float], section: str, what: str) -> None:
    """Each key of ``figures`` (read from ``section``) must be a vehicle id: a typo's figure
    was never read, with no word."""
    from logistics.vehicles import list_vehicles

    known = list_vehicles(config_dir=_configs_of(r))
    for vid in figures:
        if vid not in known:
            raise ConfigError(f"{r.path}: {section}.{vid}: {vid!r} is no vehicle id "
                              f"(configs/vehicles: {', '.join(known)}), so its {what} is never "
                              "read; fix: " + (did_you_mean(vid, known)
                                               or "use the vehicle file's name without .yaml"))


def _check_tank_keys(r: _Reader, tank_l: dict[str, float]) -> None:
    """A vehicle of ``fuel.tank_l_when_vehicle_file_has_none`` must be one whose file gives no
    ``tank_l``: the vehicle's own ``tank_l`` wins over the norms', which is never used."""
    from logistics.vehicles import load_vehicle

    where = f"{r.path}: fuel.tank_l_when_vehicle_file_has_none"
    for vid in tank_l:
        own = load_vehicle(vid, config_dir=_configs_of(r))
        if own.tank_l is not None:
            raise ConfigError(f"{where}.{vid}: {own.path} gives its own tank_l "
                              f"({own.tank_l:g} L), which is the one used; fix: remove {vid!r} "
                              "here, or change tank_l in the vehicle file")


_FILES: tuple[str, ...] = ("march.yaml", "movement.yaml", "formations.yaml")

#: The top-level keys of each norms file: those read (here or by :mod:`logistics.army.
#: means_norms`), then those kept for readers only (the shipped files' notes and comparators).
_TOP_KEYS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "march.yaml": (frozenset({"norms", "default_by_movement", "observed", "dismount",
                              "column_depth", "uncertain"}), frozenset()),
    "movement.yaml": (frozenset({"lift", "rail", "river", "fuel", "uncertain"}),
                      frozenset({"bridging", "airlift", "other_supply", "maintenance",
                                 "doctrine"})),
    "formations.yaml": (frozenset({"standards", "uncertain"}), frozenset({"army_sizes"})),
}


def _check_top_keys(r: _Reader) -> None:
    """ConfigError for a top-level key of a norms file that nothing reads: an optional
    section misspelt (``observd:``, ``dismout:``, ``uncertin:``) was taken as absent, so the
    observed caps, the dismount rule or the Monte Carlo ranges were silently off."""
    read, informative = _TOP_KEYS.get(r.path.name, (frozenset(), frozenset()))
    known = sorted(read | informative)
    for key in sorted(map(str, set(r.data) - read - informative)) if known else ():
        raise ConfigError(f"{r.path}: {key}: not a top-level key of the file"
                          + did_you_mean(key, known, lead="; ")
                          + f"; fix: correct its spelling or remove it (keys: "
                          f"{', '.join(known)})")


@functools.lru_cache(maxsize=8)
def _load(folder: str, patches: tuple[tuple[tuple[str, float], ...], ...] = ((), (), ())
          ) -> Norms:
    d = Path(folder)
    readers = [_Reader(d / n, p) for n, p in zip(_FILES, patches)]
    for r in readers:
        _check_top_keys(r)
    march, defaults, observed = _march(readers[0])
    dismount, dismount_where = _dismount(readers[0], frozenset(defaults), observed)
    depth = _column_depth(readers[0])
    mv = _movement(readers[1])
    standards = _standards(readers[2])
    for r in readers:  # the figures read are checked above, each with its bound
        refuse_non_finite(r.path, r.data)
        r.check_uncertain()
    # the rail and river figures: their one reader, on this folder's file (after the uncertain
    # check above, so a figure deleted with its range left is named as such first)
    means = load_means_norms(d / "movement.yaml")
    for sid, st in standards.items():
        if st.march_norm is not None and st.march_norm not in march:
            raise ConfigError(f"{d / 'formations.yaml'}: standards.{sid}.march_norm: "
                              f"{st.march_norm!r} is no norm of march.yaml; known: {sorted(march)}")
        for i, (cls, _) in enumerate(st.ships):  # an unknown class was taken as written
            if cls not in means.river.ships:
                raise ConfigError(f"{d / 'formations.yaml'}: standards.{sid}.ships.{i}.class: "
                                  f"{cls!r} is no ship class of movement.yaml river.ship_classes"
                                  + did_you_mean(cls, sorted(means.river.ships), lead="; ")
                                  + f"; fix: one of {sorted(means.river.ships)}")
    return Norms(march=march, default_norm=defaults, observed=observed, standards=standards,
                 means=means, dismount_movements=dismount, dismount_where_caps=dismount_where,
                 column_depth=depth,
                 files=tuple(str(d / n) for n in ("march.yaml", "movement.yaml",
                                                  "formations.yaml")), **mv)


def load_norms(config_dir: str | Path | None = None) -> Norms:
    """The norms of ``<config_dir>/norms`` (``settings.CONFIG_DIR`` by default), read once per
    process and folder; inside a run with drawn norm values (:func:`logistics.ranges.
    norms_overrides`), the files patched with them and checked as ever."""
    return _load(str(norms_dir(config_dir).resolve()), tuple(active_patch(n) for n in _FILES))


def troop_ships(army, b, norms) -> dict[str, int]:
    """{ship class: count} of flotilla brigade ``b`` that carry its troops: its ships
    (:func:`brigade_ships`) less those the army's river supply sources (``supply.river``)
    assign to carrying fuel. Why: a ship carrying fuel is not free to carry troops; the
    named part is assigned for the whole run (assumed, simplest rule; no source says how
    the flotilla shared its ships)."""
    ships = brigade_ships(b, norms)
    for r in army.supply.river:
        if r.flotilla == b.id:
            for s in r.ships:
                ships[s.ship_class] = max(0, ships.get(s.ship_class, 0) - int(s.count.value))
    return ships
