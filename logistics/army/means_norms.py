"""Read the rail-restoration, river and ferrying figures of ``configs/norms/movement.yaml`` once.

The one reader and check of these figures: the rail and river moves
(:mod:`~logistics.network.railmove`, :mod:`~logistics.network.river`) take them from here as
small frozen dataclasses, never from literals in code, and so does the army's norms reader
(:func:`logistics.army.norms.load_norms`, its ``Norms.means``, for the ship classes an army
file names). It lives in ``army/`` because the army's reader, which may not import ``network/``
(the package's layers), needs it. Every figure must carry ``cite:`` or ``assumed:`` (the one
rule of :mod:`logistics.sources`); a bad file gets one :class:`~logistics.errors.ConfigError`
naming the file, each bad key, the value seen and the fix. Only the keys these moves use are
read; the lift, tank riders, tanks and fuel densities belong to :mod:`logistics.army.norms`.
Its ``uncertain:`` ranges are checked too (:func:`logistics.ranges.uncertain_problems`).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from logistics import settings
from logistics._yaml import load_yaml
from logistics.errors import ConfigError, listed
from logistics.ranges import active_patch, patched, range_beyond, uncertain_problems
from logistics.sources import configs_folder_of, provenance_problem

__all__ = ["RailRestoration", "ShipClass", "RiverNorms", "FerryRate", "OwnMeans", "MeansNorms",
           "load_means_norms", "movement_yaml"]

_MOVEMENT_YAML = Path("norms") / "movement.yaml"

#: Largest distance a figure of the file may give, km: the theatre is about 2,300 km across
#: (assumed: a sanity bound against typing slips, as network.yaml's max_access_km; a capture
#: radius or an access of 1e300 km reached every station or river at once).
_THEATRE_KM = 3000.0
#: Largest value of any other figure without its own bound (assumed: a sanity bound against
#: typing slips, not a prior, as network.yaml's "generous 1e6"; 1e300 men ferried a day or
#: pontoon vehicles were taken).
_GENEROUS = 1e6

#: What :meth:`_Reader._figure` returns for a figure whose problem it has already noted (not
#: None: a ``value: null`` is a value, and a wrong one, to be named by the caller's check)
_NOTED = object()


@dataclass(frozen=True)
class RailRestoration:
    """How railheads follow the army (``rail.railhead_advance`` and ``rail.gauge``).

    A reached station becomes usable ``delay_h`` after it is reached, and the restored
    railway advances from the army's own railheads at ``restore_kmh`` (km of line per hour,
    the yaml's km a day / 24); ``capture_radius_km`` says when a station counts as reached;
    ``regauged_lines`` run 1,520 mm trains once restored; ``transshipment_h`` is the time to
    move a train's load across a break of gauge (freight; troops detrain and entrain).
    ``line_classes``: the ids of ``rail.line_classes`` (an army's railhead names one as its
    ``line_class``; empty when the file has none).
    """

    delay_h: float
    restore_kmh: float
    capture_radius_km: float
    regauged_lines: tuple[str, ...]
    transshipment_h: float
    line_classes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ShipClass:
    """One ship class of the flotilla: still-water speed (km/h), troops carried per ship and
    draught (m; checked, not used: the river lines give no depth; None in hand-made norms);
    ``range_km`` on one load of fuel where a source gives it (None otherwise): no fuel stops
    are modelled for ships, so a river move longer than it gets a run note
    (:func:`logistics.advance.means.river_planner`)."""

    id: str
    name: str
    speed_kmh: float
    troops: int
    draught_m: float | None = None
    range_km: float | None = None


@dataclass(frozen=True)
class FerryRate:
    """What one river-ship brigade ferries across a river in a day (the Ussuri figure)."""

    men_per_day: float
    guns_per_day: float
    vehicles_per_day: float


@dataclass(frozen=True)
class OwnMeans:
    """The army's own crossing means at one crossing site (``river.own_means``): one N2P
    pontoon park's pontoons used as ferries. Buoyancy and masses in tonnes, the river's width
    in km, the towing speed through the water in km/h, hours per trip and per working day."""

    pontoon_vehicles: float
    pontoons_per_vehicle: float
    pontoon_buoyancy_t: float
    usable_share: float
    width_km: float
    towing_speed_kmh: float
    load_unload_h: float
    hours_per_day: float
    man_t: float
    gun_t: float


@dataclass(frozen=True)
class RiverNorms:
    """River movement: ship classes, current, operating factor, embarking, navigable rivers,
    the flotilla's ferrying rate and the army's own crossing means."""

    ships: dict[str, ShipClass]
    current_kmh: float
    operating_speed_factor: float
    embark_h: float
    disembark_h: float
    navigable_levels: tuple[int, ...]
    max_access_km: float
    ferry: FerryRate
    #: the army's own crossing means at a site (None: not given, as in hand-made norms)
    own_means: OwnMeans | None = None
    #: hours a day the ships are under way (their speed over the ground x this / 24); 24 in
    #: hand-made norms
    sailing_hours_per_day: float = 24.0
    #: litres of fuel a ship carries per place of its troop lift when it carries fuel
    #: (``river.cargo_l_per_troop_place``; 0 in hand-made norms and a file without it: no
    #: ship carries fuel)
    cargo_l_per_troop: float = 0.0

    def cargo_l(self, ship_class: str) -> float:
        """Litres of fuel one ship of ``ship_class`` carries: its troop lift x
        ``cargo_l_per_troop`` (the one rule of a river supply source's load)."""
        return self.ships[ship_class].troops * self.cargo_l_per_troop


@dataclass(frozen=True)
class MeansNorms:
    """The figures of ``movement.yaml`` the rail and river moves use, and the file read."""

    rail: RailRestoration
    river: RiverNorms
    path: str


def brigade_ships(b, norms) -> dict[str, int]:
    """{ship class: count} of a flotilla brigade ``b`` of an army file: its own list, else its
    standard's (of ``norms``, the army's :class:`~logistics.army.norms.Norms`)."""
    if b.ships is not None:
        return {s.ship_class: int(s.count.value) for s in b.ships}
    if b.standard in norms.standards:
        return dict(norms.standards[b.standard].ships)
    return {}


def troop_lift(ships: Mapping[str, int], river: RiverNorms) -> dict[str, int]:
    """{ship class: men it carries at once} of a flotilla group's ``ships`` ({class: count}):
    count x the class's ``troops``, for classes with ships; the one reckoning of the plan
    (:func:`logistics.network.river.plan_river_move`) and the army file's check."""
    return {c: n * river.ships[c].troops for c, n in ships.items() if n > 0 and c in river.ships}


def movement_yaml(config_dir: str | os.PathLike[str] | None = None) -> Path | None:
    """The movement norms file of the configs folder ``config_dir``; None (the default of
    :func:`load_means_norms`, ``settings.CONFIG_DIR``'s as set when read) when it is None."""
    return Path(config_dir) / _MOVEMENT_YAML if config_dir is not None else None


def load_means_norms(path: str | os.PathLike[str] | None = None) -> MeansNorms:
    """Read ``movement.yaml`` (default ``settings.CONFIG_DIR/norms/movement.yaml``), cached per
    file version; inside a run with drawn norm values (:func:`logistics.ranges.norms_overrides`)
    patched with them. Raises ConfigError listing every bad or missing figure."""
    path = Path(path) if path is not None else settings.CONFIG_DIR / _MOVEMENT_YAML
    if not path.is_file():
        raise ConfigError(f"{path}: the movement norms file does not exist; restore "
                          "configs/norms/movement.yaml from the repository or pass another path")
    return _load(str(path), path.stat().st_mtime_ns, active_patch(path.name))


@lru_cache(maxsize=4)
def _load(path: str, mtime_ns: int, patch: tuple[tuple[str, float], ...] = ()) -> MeansNorms:
    data = load_yaml(path, what="movement norms file")
    if isinstance(data, dict):  # a Monte Carlo draw's values (logistics/ranges.py)
        data = patched(data, patch, path)
    reader = _Reader(path, data if isinstance(data, dict) else {})
    rail = RailRestoration(
        delay_h=24.0 * reader.number("rail.railhead_advance.delay_days", zero_ok=True,
                                     upper=365.0),
        restore_kmh=reader.number("rail.railhead_advance.restore_km_per_day",
                                  upper=10_000.0) / 24.0,
        capture_radius_km=reader.number("rail.railhead_advance.capture_radius_km",
                                        upper=_THEATRE_KM),
        regauged_lines=tuple(str(v) for v in reader.items("rail.gauge.regauged_lines", str)),
        transshipment_h=reader.number("rail.gauge.transshipment_h", zero_ok=True,
                                      upper=24.0 * 30),
        line_classes=tuple(sorted(str(k) for k in (
            reader.raw("rail.line_classes") if isinstance(reader.raw("rail.line_classes"), dict)
            else {}))),
    )
    ships = {}
    for sid in sorted(reader.mapping("river.ship_classes")):
        key = f"river.ship_classes.{sid}"
        troops = reader.number(f"{key}.troops", zero_ok=True, upper=10_000.0)
        ships[sid] = ShipClass(
            id=sid, name=str(reader.raw(f"{key}.name") or sid),
            speed_kmh=reader.number(f"{key}.speed_kmh", lower=0.1, upper=200.0),
            troops=int(troops) if math.isfinite(troops) else 0,  # NaN: a problem noted
            draught_m=reader.number(f"{key}.draught_m", zero_ok=True, upper=20.0),
            range_km=(reader.number(f"{key}.range_km", lower=1.0, upper=20_000.0)
                      if reader.raw(f"{key}.range_km") is not None else None))
    river = RiverNorms(
        ships=ships,
        current_kmh=reader.number("river.current_kmh", zero_ok=True, upper=50.0),
        operating_speed_factor=reader.number("river.operating_speed_factor", lower=0.01,
                                             upper=1.0),
        embark_h=reader.number("river.embark_h", zero_ok=True),
        disembark_h=reader.number("river.disembark_h", zero_ok=True),
        sailing_hours_per_day=reader.number("river.sailing_hours_per_day", lower=1.0,
                                            upper=24.0),
        navigable_levels=tuple(int(v) for v in reader.items("river.navigable_levels", int)),
        max_access_km=reader.number("river.max_access_km", upper=_THEATRE_KM),
        ferry=FerryRate(
            men_per_day=reader.number("river.ferrying.men_per_day", lower=1.0),
            guns_per_day=reader.number("river.ferrying.guns_per_day", lower=0.01),
            vehicles_per_day=reader.number("river.ferrying.vehicles_per_day", lower=0.01)),
        own_means=_own_means(reader),
        cargo_l_per_troop=(reader.number("river.cargo_l_per_troop_place", upper=10_000.0)
                           if reader.raw("river.cargo_l_per_troop_place") is not None else 0.0),
    )
    _check_levels(reader, river.navigable_levels)
    _check_line_refs(reader, rail.regauged_lines)
    if not reader.problems:  # a damaged section is named as such, not as ranges of no figure
        reader.problems += uncertain_problems(reader.data,
                                              config_dir=configs_folder_of(path))
    reader.finish()
    return MeansNorms(rail=rail, river=river, path=path)


#: The WDBII river levels (0: double-lined rivers ... 10: the smallest streams).
_WDBII_LEVELS = range(0, 11)


def _check_levels(reader: _Reader, levels: tuple[int, ...]) -> None:
    """A navigable level that WDBII has not (``-1``, ``12``) matched no river, with no word."""
    bad = [v for v in levels if v not in _WDBII_LEVELS]
    if bad:
        reader.problems.append(f"river.navigable_levels: {bad} are no WDBII river levels; fix: "
                               "levels from 0 to 10 (the shipped file: [0, 1, 2])")


def _check_line_refs(reader: _Reader, refs: tuple[str, ...]) -> None:
    """Each re-gauged line must be a line of ``network/lines-1945.yaml`` in the same configs
    folder (when it has one): a misspelt ref (``R1`` for ``R01``) matched no track, so the
    trunk's trains were worked at 1,435 mm with no word."""
    lines_file = Path(reader.path).parents[1] / "network" / "lines-1945.yaml"
    if not lines_file.is_file():
        return
    known = load_yaml(lines_file, what="network config")
    known = [str(k) for k in known] if isinstance(known, dict) else []
    bad = [r for r in refs if r not in known]
    if bad:
        from logistics.errors import did_you_mean

        reader.problems.append(f"rail.gauge.regauged_lines: {bad} are no lines of {lines_file}"
                               + did_you_mean(bad[0], known, lead="; ")
                               + "; fix: the line refs as that file names them (e.g. R01)")


def _own_means(reader: _Reader) -> OwnMeans:
    """``river.own_means``; a towing speed not above the current is a problem (a ferry
    heading upstream to hold its line would never get across)."""
    key = "river.own_means"
    means = OwnMeans(
        pontoon_vehicles=reader.number(f"{key}.pontoon_vehicles"),
        pontoons_per_vehicle=reader.number(f"{key}.pontoons_per_vehicle"),
        pontoon_buoyancy_t=reader.number(f"{key}.pontoon_buoyancy_t"),
        usable_share=reader.number(f"{key}.usable_share", upper=1.0),
        width_km=reader.number(f"{key}.width_km"),
        towing_speed_kmh=reader.number(f"{key}.towing_speed_kmh"),
        load_unload_h=reader.number(f"{key}.load_unload_h", zero_ok=True),
        hours_per_day=reader.number(f"{key}.hours_per_day", upper=24.0),
        man_t=reader.number(f"{key}.man_t"),
        gun_t=reader.number(f"{key}.gun_t"),
    )
    current = reader.raw("river.current_kmh.value")
    if isinstance(current, (int, float)) and not isinstance(current, bool) \
            and means.towing_speed_kmh <= current:
        reader.problems.append(
            f"{key}.towing_speed_kmh: value {means.towing_speed_kmh:g}, not above "
            f"river.current_kmh {current:g}: a ferry holding its line across would never reach "
            "the far bank; fix: a towing speed above the current (or a lower current)")
    return means


class _Reader:
    """Collects every problem of the file, then raises one ConfigError listing them all."""

    def __init__(self, path: str, data: dict) -> None:
        self.path, self.data, self.problems = path, data, []

    def raw(self, dotted: str) -> Any:
        node: Any = self.data
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node

    def _figure(self, dotted: str) -> Any:
        entry = self.raw(dotted)
        if not isinstance(entry, dict) or "value" not in entry:
            self.problems.append(f"{dotted}: missing; expected {{value: ..., cite: '...'}} or "
                                 "{value: ..., assumed: '<reason>'}")
            return _NOTED
        problem = provenance_problem(entry, config_dir=configs_folder_of(self.path))
        if problem is not None:
            self.problems.append(f"{dotted}: expected {problem[0]}; {problem[1]}")
            return _NOTED
        return entry["value"]

    def number(self, dotted: str, *, zero_ok: bool = False, lower: float | None = None,
               upper: float | None = _GENEROUS) -> float:
        """The figure's value: finite, > 0 (>= 0 if ``zero_ok``; >= ``lower`` if given) and
        <= ``upper`` if given; NaN with its problem noted otherwise."""
        value = self._figure(dotted)
        if value is _NOTED:
            return math.nan
        ok = (isinstance(value, (int, float)) and not isinstance(value, bool)
              and math.isfinite(value)
              and (value >= lower if lower is not None else value >= 0 if zero_ok else value > 0)
              and (upper is None or value <= upper))
        if not ok:
            bound = (f">= {lower:g}" if lower is not None else ">= 0" if zero_ok else "> 0") \
                + (f" and <= {upper:g}" if upper is not None else "")
            self.problems.append(f"{dotted}: value {value!r}, expected a finite number {bound}")
            return math.nan
        beyond = range_beyond(self.data, dotted, lower if lower is not None else 0.0,
                              upper if upper is not None else math.inf,
                              strict_lo=lower is None and not zero_ok)
        if beyond is not None:
            self.problems.append(beyond)
        return float(value)

    def items(self, dotted: str, kind: type) -> list:
        value = self._figure(dotted)
        if value is _NOTED:
            return []
        if not isinstance(value, list) or not value or not all(
                isinstance(v, kind) and not isinstance(v, bool) for v in value):
            self.problems.append(f"{dotted}: value {value!r}, expected a non-empty list of "
                                 f"{kind.__name__}")
            return []
        return value

    def mapping(self, dotted: str) -> dict:
        value = self.raw(dotted)
        if not isinstance(value, dict) or not value:
            self.problems.append(f"{dotted}: missing; expected a mapping of ship classes")
            return {}
        return value

    def finish(self) -> None:
        if self.problems:
            raise ConfigError(f"{self.path}: {len(self.problems)} problem(s) in the movement "
                              "norms (fix each key as said):\n  " + listed(self.problems, sep="\n  "))
