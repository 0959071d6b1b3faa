"""Network parameters and line facts, read and validated once from ``configs/network/``.

``network.yaml`` holds the routing parameters (train speed, entraining, waits, access distance,
the tracing rule of the railway builder); every entry is ``{value, source+quote}`` or
``{value, assumed: reason}``, checked by the one provenance rule of :mod:`logistics.sources`. ``lines-1945.yaml`` holds one entry per railway line (name,
documented length with its source, gauge, train pairs a day where sourced, unverified mark).
A bad file gets one :class:`~logistics.errors.ConfigError` listing every problem.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from logistics import settings
from logistics._yaml import load_yaml, refuse_non_finite
from logistics.army.base import _short
from logistics.errors import ConfigError, listed, range_fix, refuse_unknown_keys
from logistics.sources import configs_folder_of, provenance_problem, read_provenance

__all__ = ["NetworkParams", "TracingParams", "LineInfo", "load_params", "load_lines"]

_NETWORK_YAML = "network.yaml"
_LINES_YAML = "lines-1945.yaml"


@dataclass(frozen=True)
class TracingParams:
    """The rail cost rule the digitiser traces shape points with (see ``digitise``)."""

    grade_limit: float
    grade_max: float
    penalty_per_grade_limit: float
    water_factor: float
    resolution_m: float
    stencil: int
    window_margin_km: float


@dataclass(frozen=True)
class NetworkParams:
    """Routing parameters; ``provenance`` maps each key to its source or assumption text."""

    rail_speed_kmh: float
    default_train_pairs_per_day: float
    entrain_h: float
    detrain_h: float
    road_join_h: float
    road_fuel_factor: float
    max_access_km: float
    margin_km: float
    tracing: TracingParams
    provenance: dict[str, str] = field(default_factory=dict)
    #: the folder ``network.yaml`` was read from: its ``lines-1945.yaml`` gives the lines'
    #: train pairs (``trains.py``); "" (hand-made params): ``settings.CONFIG_DIR``'s
    folder: str = ""


@dataclass(frozen=True)
class LineInfo:
    """Facts about one railway line (``lines-1945.yaml``); None where the source is silent.

    ``from_station``/``to_station`` name the stations (``name`` of the station table) between
    which ``length_km`` is measured.
    """

    ref: str
    name: str
    gauge_mm: int | None
    unverified: bool
    source: str
    length_km: float | None = None
    length_source: str | None = None
    train_pairs_per_day: float | None = None
    train_pairs_source: str | None = None
    notes: str = ""
    from_station: str | None = None
    to_station: str | None = None
    ways: dict[str, dict[str, Any]] = field(default_factory=dict)


#: (section, key) of network.yaml -> NetworkParams field.
_FIELDS = {
    ("rail", "speed_kmh"): "rail_speed_kmh",
    ("rail", "default_train_pairs_per_day"): "default_train_pairs_per_day",
    ("rail", "entrain_h"): "entrain_h",
    ("rail", "detrain_h"): "detrain_h",
    ("road", "join_h"): "road_join_h",
    ("road", "fuel_factor"): "road_fuel_factor",
    ("access", "max_access_km"): "max_access_km",
    ("access", "margin_km"): "margin_km",
}
_TRACING = ("grade_limit", "grade_max", "penalty_per_grade_limit", "water_factor",
            "resolution_m", "stencil", "window_margin_km")
_ZERO_OK = {"road_join_h", "entrain_h", "detrain_h"}
#: Largest sane line facts (assumed: no line of the theatre is 10 000 km long, nor carries 500
#: train pairs a day; beyond, a typing slip).
_LINE_MAX = {"length_km": 10_000.0, "trains_per_day": 500.0}
#: Largest sane value of each figure (a sanity bound against typing slips and inf, not a prior;
#: assumed: no 1945 military train ran a line at 150 km/h, nor 500 train pairs a day; a window
#: or an approach wider than the 2 300 km theatre is no window; the rest a generous 1e6).
_MAX = {"rail_speed_kmh": 150.0, "default_train_pairs_per_day": 500.0, "entrain_h": 240.0,
        "detrain_h": 240.0, "road_join_h": 240.0, "road_fuel_factor": 20.0,
        "max_access_km": 3000.0, "margin_km": 3000.0, "tracing.resolution_m": 100_000.0,
        "tracing.window_margin_km": 3000.0}


def load_params(path: str | os.PathLike[str] | None = None, *,
                config_dir: str | os.PathLike[str] | None = None) -> NetworkParams:
    """Read ``network.yaml`` (default: ``<config_dir>/network/network.yaml``,
    ``settings.CONFIG_DIR``'s when ``config_dir`` is None)."""
    if path is None:
        path = settings.config_dir_path(config_dir) \
            / "network" / _NETWORK_YAML
    path = Path(path)
    return _load_params(str(path), _mtime(path))


def load_lines(path: str | os.PathLike[str] | None = None, *,
               config_dir: str | os.PathLike[str] | None = None) -> dict[str, LineInfo]:
    """Read ``lines-1945.yaml`` into ``{ref: LineInfo}`` (default:
    ``<config_dir>/network/lines-1945.yaml``, ``settings.CONFIG_DIR``'s when ``config_dir`` is
    None), as :func:`load_params` reads ``network.yaml``."""
    if path is None:
        path = settings.config_dir_path(config_dir) \
            / "network" / _LINES_YAML
    path = Path(path)
    return dict(_load_lines(str(path), _mtime(path)))


def _mtime(path: Path) -> int:
    if not path.is_file():
        raise ConfigError(f"network config {path} does not exist; restore it from the "
                          "repository (configs/network/)")
    return path.stat().st_mtime_ns


def _read_yaml(path: str) -> dict:
    data = load_yaml(path, what="network config")
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level, got {type(data).__name__}")
    return data


@lru_cache(maxsize=4)
def _load_params(path: str, mtime_ns: int) -> NetworkParams:
    data = _read_yaml(path)
    folder = configs_folder_of(path)  # the bibliography its citations name keys of
    problems: list[str] = []
    values: dict[str, float] = {}
    provenance: dict[str, str] = {}
    entries = [((sec, key), name) for (sec, key), name in _FIELDS.items()]
    entries += [(("tracing", key), f"tracing.{key}") for key in _TRACING]
    # a key nothing reads: a misspelt section was named only as its figures missing, a key
    # added beside them (``rail.speed_kmh_night:``) was never read, without a word
    sections = sorted({sec for (sec, _), _ in entries})
    refuse_unknown_keys(path, data, sections, (), "the file", top=True)
    for sec in sections:
        refuse_unknown_keys(f"{path}: {sec}", data.get(sec),
                            [k for (s, k), _ in entries if s == sec], (), f"the {sec} section")
    for (section, key), name in entries:
        entry = (data.get(section) or {}).get(key)
        where = f"{section}.{key}"
        if not isinstance(entry, dict) or "value" not in entry:
            problems.append(f"{where}: missing; expected {{value: <number>, assumed: <reason>}}")
            continue
        value = entry["value"]
        ok_zero = name in _ZERO_OK
        top = _MAX.get(name, 1e6)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
            value >= 0 if ok_zero else value > 0
        ) or not value <= top:
            bound = {"ge": 0.0} if ok_zero else {"gt": 0.0}
            problems.append(f"{where}: value {value!r}, expected a number "
                            f"{'>= 0' if ok_zero else '> 0'} and <= {top:g}; "
                            + range_fix(key, value, le=top, **bound))
            continue
        problem = provenance_problem(entry, config_dir=folder)
        if problem is not None:
            problems.append(f"{where}: expected {problem[0]}; {problem[1]}")
            continue
        values[name] = float(value)
        provenance[name] = read_provenance(entry, config_dir=folder).text.strip()
    if "tracing.stencil" in values and values["tracing.stencil"] not in (8, 16):
        problems.append(f"tracing.stencil: value {values['tracing.stencil']:g}, expected 8 or 16;"
                        " fix: write 8 or 16")
    if problems:
        raise ConfigError(f"{path}: {len(problems)} problem(s):\n  " + listed(problems, sep="\n  "))
    tracing = TracingParams(**{k: values.pop(f"tracing.{k}") for k in _TRACING})
    tracing = TracingParams(**{**tracing.__dict__, "stencil": int(tracing.stencil)})
    return NetworkParams(**values, tracing=tracing, provenance=provenance,
                         folder=str(Path(path).parent))


@lru_cache(maxsize=4)
def _load_lines(path: str, mtime_ns: int) -> tuple[tuple[str, LineInfo], ...]:
    data = _read_yaml(path)
    problems: list[str] = []
    lines: list[tuple[str, LineInfo]] = []
    for ref, entry in data.items():
        if not isinstance(entry, dict):
            problems.append(f"{ref}: expected a mapping of line facts")
            continue
        missing = [k for k in ("name", "source", "unverified") if k not in entry]
        if missing:
            problems.append(f"{ref}: missing {', '.join(missing)}")
            continue
        before = len(problems)
        ways = entry.get("ways") if isinstance(entry.get("ways"), dict) else {}
        flags = [(f"{ref}.unverified", entry["unverified"])]
        flags += [(f"{ref}.ways.{w}.unverified", f["unverified"]) for w, f in ways.items()
                  if isinstance(f, dict) and "unverified" in f]
        for where, flag in flags:  # bool("no") and bool(.nan) are True: read as unverified
            if not isinstance(flag, bool):
                problems.append(f"{where}: {flag!r:.60}, expected true or false; fix: write "
                                "true (the reference marks the line unverified) or false")
        for key, need in (("length_km", "length_source"), ("trains_per_day",
                                                           "trains_per_day_source")):
            if key in entry and not entry.get(need):
                problems.append(f"{ref}: {key} needs {need} (a figure goes in with its citation)")
            v = entry.get(key)
            if key in entry and not (isinstance(v, (int, float)) and not isinstance(v, bool)
                                     and 0 < v <= _LINE_MAX[key]):
                problems.append(f"{ref}.{key}: {v!r}, expected a positive number; "
                                + range_fix(key, v, gt=0.0, le=_LINE_MAX[key]))
        gauge = entry.get("gauge_mm")
        if gauge is not None and not (isinstance(gauge, int) and not isinstance(gauge, bool)
                                      and 500 <= gauge <= 2000):
            problems.append(f"{ref}.gauge_mm: {gauge!r}, expected the track gauge in mm; "
                            + range_fix("gauge_mm", gauge, ge=500, le=2000, whole=True)
                            + " (1435 standard, 1524 Russian), or leave it out")
        ways = entry.get("ways")
        if ways is not None and not (isinstance(ways, dict)
                                     and all(isinstance(w, dict) for w in ways.values())):
            problems.append(f"{ref}.ways: expected a mapping of way names to their facts "
                            f"(unverified:, notes:), got {_short(ways)}; fix: write it as the "
                            "shipped lines-1945.yaml does, or leave it out")
        if len(problems) > before:
            continue
        lines.append((str(ref), LineInfo(
            ref=str(ref),
            name=str(entry["name"]),
            gauge_mm=int(entry["gauge_mm"]) if entry.get("gauge_mm") else None,
            unverified=bool(entry["unverified"]),
            source=str(entry["source"]),
            length_km=entry.get("length_km"),
            length_source=entry.get("length_source"),
            train_pairs_per_day=entry.get("trains_per_day"),
            train_pairs_source=entry.get("trains_per_day_source"),
            notes=str(entry.get("notes", "")),
            from_station=entry.get("from"),
            to_station=entry.get("to"),
            ways=dict(entry.get("ways") or {}),
        )))
    if problems:
        raise ConfigError(f"{path}: {len(problems)} problem(s):\n  " + listed(problems, sep="\n  "))
    refuse_non_finite(path, data)  # a way's informative facts (its gauge_mm) too
    return tuple(lines)
