"""The naive baselines: each formation advances at its kind's planned rate from the departure
line at H-hour, along two routes; and skill against them.

Rates and their citations live in ``configs/history/planned-rates.yaml``, per kind of formation
(70 km/day for mobile formations, the 6th Guards Tank Army's 350 km by day 5; 23.3 km/day for
rifle formations, the Transbaikal Front's 350 km by day 15; 50 km/day for cavalry, the normal
march of the 1935 regulation). The two routes:

* **model route**: along the route of the formation the row is scored against, from where it
  crosses the departure line (a place off that route: its nearest point, then straight on);
* **independent route** (:class:`IndependentRoutes`): the 1945 railway where one joins the
  departure line to the place (a station within :data:`JOIN_KM` of the line, a station within
  the place tolerance of the place, connected on the shipped network, no longer than
  :data:`MAX_DETOUR` times the straight line), else the straight line from the departure line. It does not know the model, so a model on a wrong route earns no
  skill from it.

A baseline's modeled quantities come from one rule (:func:`plan_score`): it reaches depth
``R`` at ``H + R / rate``, and its depth at the end of a day is ``rate x days since H``.
Skill = ``1 - mean model error / mean baseline error`` (:func:`skill`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from logistics import settings
from logistics._yaml import load_yaml
from logistics.errors import ConfigError, did_you_mean, range_fix

__all__ = ["JOIN_KM", "MAX_DETOUR", "PlannedRate", "PlannedRates", "load_planned_rates", "plan_score",
           "IndependentRoutes", "BASELINE_COLUMNS", "score_baselines", "skill"]

#: A railway joins the departure line when one of its stations lies within this many km of it.
#: Assumed: about a day's march of a rifle division (movement-facts.md 3: 30-40 km on foot), the
#: distance a plan would march to a railhead rather than ignore the line.
JOIN_KM: float = 30.0

#: A railway longer than this many times the straight line from the departure line to the place
#: does not join them for the plan (assumed: a plan follows a railway along its axis, not one
#: that leads round by another valley; the shipped lines' route factors are 1.07-1.3).
MAX_DETOUR: float = 1.5

_DAY = pd.Timedelta(days=1)


@dataclass(frozen=True)
class PlannedRate:
    """A planned rate of advance: ``rate_km_per_day`` of the rate class ``name``, with its
    ``basis`` (documented or assumed), ``source``/``quote`` when documented and the
    ``reason`` for the number."""

    name: str
    rate_km_per_day: float
    basis: str
    reason: str
    source: str = ""
    quote: str = ""


@dataclass(frozen=True)
class PlannedRates:
    """The rates per class, which class each formation kind takes (``kinds``; ``by_movement``
    for kinds not listed) and the ``default`` class."""

    rates: dict[str, PlannedRate]
    kinds: dict[str, str] = field(default_factory=dict)
    by_movement: dict[str, str] = field(default_factory=dict)
    default: str = "rifle"

    def for_formation(self, kind: str, movement: str = "") -> PlannedRate:
        """The rate of a formation of ``kind`` moving by ``movement``."""
        name = self.kinds.get(str(kind or "")) or self.by_movement.get(str(movement or "")) or self.default
        return self.rates[name]


def _default_path(config_dir: str | Path | None = None) -> Path:
    """``history/planned-rates.yaml`` of ``config_dir`` (``settings.CONFIG_DIR`` when None)."""
    return settings.config_dir_path(config_dir) / "history" \
        / "planned-rates.yaml"


#: The range a planned rate may take, km a day: the bounds the march norms allow a day's march
#: (configs/norms/march.yaml ``max_km_per_day`` up to 5000); below 0.1 km a day the planned
#: arrival at a few hundred km lies past the dates pandas can hold (a traceback before).
_RATE_KM_PER_DAY = (0.1, 5000.0)


#: The keys of the planned-rates file.
_TOP_KEYS: tuple[str, ...] = ("rates", "kinds", "by_movement", "default")


def _near(name: str, choices) -> str:
    """'did you mean X?' for the nearest of ``choices``, else the list of them."""
    return did_you_mean(name, choices) or f"use one of {', '.join(choices)}"


def load_planned_rates(path: str | Path | None = None, *,
                       config_dir: str | Path | None = None) -> PlannedRates:
    """Read the planned-rates file (default ``history/planned-rates.yaml`` of the configs folder
    ``config_dir``, ``settings.CONFIG_DIR`` when None).

    Every rate needs ``rate_km_per_day`` (> 0), ``basis`` (documented/assumed) and ``reason``;
    a documented one also ``source``; every kind must name a rate. All problems are raised
    together, each naming the file and the key.
    """
    p = Path(path) if path is not None else _default_path(config_dir)
    data = load_yaml(p, what="planned-rates file") or {}
    if not isinstance(data, dict) or not isinstance(data.get("rates"), dict):
        raise ConfigError(f"{p}: rates: missing (a mapping of rate classes, e.g. rates: {{rifle: "
                          "{rate_km_per_day: 23.33, basis: documented, source: ..., reason: ...}}})")
    problems: list[str] = [f"unknown key {k!r} at the top level, never read; fix: "
                           + _near(str(k), _TOP_KEYS) for k in data if k not in _TOP_KEYS]
    rates: dict[str, PlannedRate] = {}
    for name, entry in data["rates"].items():
        entry = entry if isinstance(entry, dict) else {}
        rate, basis = entry.get("rate_km_per_day"), entry.get("basis")
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not (rate > 0 and math.isfinite(rate)):
            problems.append(f"rates.{name}.rate_km_per_day: expected a number > 0, got {rate!r}")
            continue
        if not _RATE_KM_PER_DAY[0] <= rate <= _RATE_KM_PER_DAY[1]:
            problems.append(f"rates.{name}.rate_km_per_day: {rate:g} km a day, beyond any march; "
                            + range_fix("rate_km_per_day", rate, ge=_RATE_KM_PER_DAY[0],
                                        le=_RATE_KM_PER_DAY[1]))
            continue
        if basis not in ("documented", "assumed"):
            problems.append(f"rates.{name}.basis: expected 'documented' or 'assumed', got {basis!r}")
        if not entry.get("reason"):
            problems.append(f"rates.{name}.reason: missing (say how the rate follows or why assumed)")
        if basis == "documented" and not entry.get("source"):
            problems.append(f"rates.{name}.source: a documented rate needs its source")
        rates[str(name)] = PlannedRate(str(name), float(rate), str(basis),
                                       " ".join(str(entry.get("reason", "")).split()),
                                       str(entry.get("source", "")), str(entry.get("quote", "")))
    from typing import get_args

    from logistics.army.schema import KINDS, MOVEMENTS

    known = {"kinds": get_args(KINDS), "by_movement": get_args(MOVEMENTS)}
    maps = {}
    for key, what in (("kinds", "formation kind"), ("by_movement", "movement")):
        m = data.get(key) or {}
        if not isinstance(m, dict):
            problems.append(f"{key}: expected a mapping of {what}: <rate class>, got "
                            f"{type(m).__name__} {str(m)[:60]!r}; fix: write one '<{what}>: "
                            f"<rate>' a line under {key}:, each rate one of {', '.join(rates)}")
            m = {}
        for k, v in m.items():
            if str(k) not in known[key]:  # a misspelt kind took the default rate, with no word
                problems.append(f"{key}.{k}: no {what} of the army files, never read; fix: "
                                + _near(str(k), known[key]))
            if not isinstance(v, str) or v not in rates:
                problems.append(f"{key}.{k}: {v!r} is not a rate; fix: one of "
                                f"{', '.join(rates)}")
        maps[key] = {str(k): str(v) for k, v in m.items()}
    default = data.get("default")
    if not isinstance(default, str) or default not in rates:
        problems.append(f"default: {default!r} is not a rate; fix: one of {', '.join(rates)}")
    if problems:
        raise ConfigError(f"{p}: " + "; ".join(problems))
    return PlannedRates(rates, maps["kinds"], maps["by_movement"], str(default))


def plan_score(depth_km: float, rate_km_per_day: float, h_hour: pd.Timestamp, day: pd.Timestamp,
               basis: str = "end_of_day") -> dict[str, Any]:
    """The plan at a place ``depth_km`` beyond the departure line, against documented ``day``:
    ``arrival`` (H + depth / rate), ``date_error_days`` (0 inside the day's window, + late),
    ``error_km`` (its depth at the window's edge less ``depth_km``: negative behind) and
    ``depth_at_end_km`` (its depth at the end of the day)."""
    from logistics.history.score import window_error_days

    h = pd.Timestamp(h_hour)
    start, end = pd.Timestamp(day).normalize(), pd.Timestamp(day).normalize() + _DAY
    arrival = h + pd.Timedelta(days=max(depth_km, 0.0) / rate_km_per_day)
    at_end = max(0.0, rate_km_per_day * ((end - h) / _DAY))
    at_start = max(0.0, rate_km_per_day * ((start - h) / _DAY))
    if at_end < depth_km:
        err = at_end - depth_km
    elif at_start > depth_km and basis != "no_later_than":
        err = at_start - depth_km
    else:
        err = 0.0
    return {"arrival": arrival, "date_error_days": window_error_days(arrival, day, basis=basis),
            "error_km": err, "depth_at_end_km": at_end}


@dataclass
class IndependentRoutes:
    """Length of the model-independent route from a departure line to a place (cached).

    ``length(line, lon, lat)`` -> ``(km, how)``: ``how`` is ``"rail"`` (a 1945 line joins the
    departure line to the place, :data:`JOIN_KM`) or ``"straight"``. ``network`` is a rail
    graph (``logistics.network.load_railways``; when None the 1945 railways of the configs folder
    ``config_dir``, ``settings.CONFIG_DIR`` when None, loaded on first use; ``False`` for no
    railways at all).
    """

    tolerance_km: float = 15.0
    network: Any = None
    config_dir: Any = None
    _cache: dict = field(default_factory=dict, repr=False)

    def length(self, line, lon: float, lat: float) -> tuple[float, str]:
        from logistics.history.depth import distance_to_line_km

        key = (tuple(map(tuple, line)), round(lon, 5), round(lat, 5))
        if key in self._cache:
            return self._cache[key]
        straight = float(distance_to_line_km(lon, lat, line)[0])
        out = (straight, "straight")
        rail = self._rail(line, lon, lat)
        if rail is not None and rail <= MAX_DETOUR * max(straight, 1e-9):
            out = (rail, "rail")
        self._cache[key] = out
        return out

    def _graph(self):
        if self.network is False:
            return None
        if self.network is None:
            from logistics.terrain.railways import shipped_railways

            path = shipped_railways(self.config_dir)
            self.network = _rail_lengths(str(path), path.stat().st_mtime_ns)
        return self.network

    def _rail(self, line, lon: float, lat: float) -> float | None:
        from logistics.geodesy import great_circle_km
        from logistics.history.depth import distance_to_line_km

        g = self._graph()
        if g is None or g.number_of_nodes() == 0:
            return None
        import networkx as nx

        nodes = list(g.nodes)
        slon = np.array([g.nodes[n]["lon"] for n in nodes])
        slat = np.array([g.nodes[n]["lat"] for n in nodes])
        to_place = great_circle_km(lon, lat, slon, slat)
        k = int(np.argmin(to_place))
        if to_place[k] > self.tolerance_km:
            return None
        to_line = distance_to_line_km(slon, slat, line)
        near = {n: float(d) for n, d in zip(nodes, to_line) if d <= JOIN_KM}
        if not near:
            return None
        dist = nx.single_source_dijkstra_path_length(g, nodes[k], weight="km")
        best = min((dist[n] + d for n, d in near.items() if n in dist), default=None)
        return None if best is None else float(best + to_place[k])


@lru_cache(maxsize=2)
def _rail_lengths(path: str, mtime_ns: int):
    """The 1945 railways of ``path`` (its version ``mtime_ns``) as an undirected graph of
    stations and junctions, edges weighted by their length in km (``km``), nodes with ``lon``,
    ``lat``."""
    import networkx as nx

    from logistics.network import load_railways

    net = load_railways(path)
    g = nx.Graph()
    for n, d in net.nodes(data=True):
        g.add_node(n, lon=float(d["lon"]), lat=float(d["lat"]))
    for u, v, d in net.edges(data=True):
        km = float(d.get("length", 0.0)) / 1000.0
        if not g.has_edge(u, v) or g[u][v]["km"] > km:
            g.add_edge(u, v, km=km)
    return g


def skill(model_abs_errors, baseline_abs_errors) -> float:
    """``1 - mean(model) / mean(baseline)`` over paired absolute errors (NaN pairs dropped).

    1 is perfect, 0 no better than the plan, negative worse. NaN when no pair is left or when
    the baseline's mean error is 0 (skill relative to a perfect baseline is undefined).
    """
    m = np.asarray(model_abs_errors, dtype=float)
    b = np.asarray(baseline_abs_errors, dtype=float)
    ok = ~(np.isnan(m) | np.isnan(b))
    if not ok.any():
        return math.nan
    mb = float(np.mean(np.abs(b[ok])))
    if mb == 0.0:
        return math.nan
    return 1.0 - float(np.mean(np.abs(m[ok]))) / mb


#: Columns of :func:`score_baselines` (one row per documented row).
BASELINE_COLUMNS: tuple[str, ...] = (
    "row", "baseline_rate_class", "baseline_rate_km_per_day", "baseline_km",
    "baseline_route_depth_km", "baseline_route_arrival", "baseline_route_date_error_days",
    "baseline_route_error_km", "baseline_indep_route", "baseline_indep_depth_km",
    "baseline_indep_arrival", "baseline_indep_date_error_days", "baseline_indep_error_km",
)

_PLACE_EVENTS = ("arrival", "capture", "approach", "forward_edge")


def score_baselines(rows: pd.DataFrame, scored: pd.DataFrame, trace: Any, rates: PlannedRates,
                    routes: IndependentRoutes, *, line=(), tolerance_km: float = 15.0) -> pd.DataFrame:
    """Both baselines for each scored row, on the formation the model's row was scored against.

    ``scored`` is :func:`logistics.history.score.score_rows`'s frame for ``rows``; ``line`` the
    departure line (when empty, the row's documented start point, else the formation's start).
    The plan starts at the army's H-hour (the earliest time of any formation's track).
    """
    from logistics.history.score import range_error_km

    h = pd.Timestamp(pd.to_datetime(trace.tracks["time"]).min())
    s = scored.set_index("row")
    out = []
    for r in rows.to_dict("records"):
        rec: dict[str, Any] = {c: math.nan for c in BASELINE_COLUMNS}
        rec.update(row=r["row"], baseline_rate_class="", baseline_indep_route="",
                   baseline_route_arrival=pd.NaT, baseline_indep_arrival=pd.NaT)
        out.append(rec)
        if r["row"] not in s.index or not s.loc[r["row"], "matched_formation"]:
            continue
        x = s.loc[r["row"]]
        f = trace.formation(str(x["matched_formation"]))
        rate = rates.for_formation(f.get("kind", ""), f.get("movement", ""))
        rec["baseline_rate_class"], rec["baseline_rate_km_per_day"] = rate.name, rate.rate_km_per_day
        day = pd.Timestamp(r["date"]).normalize()
        depth_end = max(0.0, rate.rate_km_per_day * ((day + _DAY - h) / _DAY))
        rec["baseline_km"] = depth_end
        km_err = math.nan
        if bool(x["scorable_km"]):
            km_err = range_error_km(depth_end, r["km_min"], r["km_max"])[0]
        rec["baseline_route_error_km"] = rec["baseline_indep_error_km"] = km_err
        place_ok = (not math.isnan(r["lat"]) and x["event"] in _PLACE_EVENTS
                    and (bool(x["scorable_date"]) or not math.isnan(x["route_error_km"])))
        if not place_ok:
            continue
        short = float(r.get("event_short_km") or 0.0) if x["event"] == "approach" else 0.0
        # model route: the place's km on the formation's route (off it: nearest km + the miss)
        route = trace.route_of(str(x["matched_formation"]))
        from logistics.geodesy import locate_on_route

        fix = locate_on_route(route, r["lon"], r["lat"], tolerance_km=tolerance_km)
        along = fix.route_km + (0.0 if fix.reached else fix.miss_km)
        depth_route = max(along - float(x["crossing_km"]) - short, 0.0)
        start_line = line or _start_point(r, route)
        length, how = routes.length(start_line, r["lon"], r["lat"])
        depth_indep = max(length - short, 0.0)
        for key, depth in (("route", depth_route), ("indep", depth_indep)):
            p = plan_score(depth, rate.rate_km_per_day, h, day, r["date_basis"])
            rec[f"baseline_{key}_depth_km"] = depth
            rec[f"baseline_{key}_arrival"] = p["arrival"]
            rec[f"baseline_{key}_date_error_days"] = p["date_error_days"]
            if math.isnan(km_err):
                rec[f"baseline_{key}_error_km"] = p["error_km"]
        rec["baseline_indep_route"] = how
    return pd.DataFrame(out, columns=list(BASELINE_COLUMNS))


def _start_point(r: dict, route: pd.DataFrame) -> tuple[tuple[float, float], ...]:
    """No departure line: the row's documented start, else the formation's route start."""
    if not (math.isnan(r.get("start_lon", math.nan)) or math.isnan(r.get("start_lat", math.nan))):
        return ((float(r["start_lon"]), float(r["start_lat"])),)
    return ((float(route["lon"].iloc[0]), float(route["lat"].iloc[0])),)
