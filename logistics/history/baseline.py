"""The naive baseline: each axis moves along the model's own route at its planned rate.

Rates and their citations live in ``configs/history/planned-rates.yaml`` (70 km/day for the
6th Guards Tank Army, 350 km by day 5; 23.3 km/day for rifle armies, the Transbaikal Front's
350 km by day 15). The baseline is scored with the same functions as the model, so skill
(``1 - model error / baseline error``) says what the terrain, fuel and supply physics add over
the plan.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from logistics import settings
from logistics.errors import ConfigError

__all__ = ["PlannedRate", "load_planned_rates", "planned_rate_for", "baseline_track", "skill"]


@dataclass(frozen=True)
class PlannedRate:
    """A planned rate of advance: ``rate_km_per_day`` with its ``basis`` (documented or
    assumed), ``source``/``quote`` when documented and the ``reason`` for the number."""

    axis_id: str
    rate_km_per_day: float
    basis: str
    reason: str
    source: str = ""
    quote: str = ""


def _default_path() -> Path:
    return settings.CONFIG_DIR / "history" / "planned-rates.yaml"


def load_planned_rates(path: str | Path | None = None) -> dict[str, PlannedRate]:
    """Read the planned-rates file (default ``configs/history/planned-rates.yaml``).

    Every entry needs ``rate_km_per_day`` (> 0), ``basis`` (documented/assumed) and
    ``reason``; a documented entry also needs ``source``. All problems are raised together.
    """
    p = Path(path) if path is not None else _default_path()
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ConfigError(f"planned-rates file not found: {p}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{p}: not valid YAML ({exc})") from None
    problems: list[str] = []
    rates: dict[str, PlannedRate] = {}
    for axis, entry in data.items():
        entry = entry or {}
        rate = entry.get("rate_km_per_day")
        basis = entry.get("basis")
        if not isinstance(rate, (int, float)) or not rate > 0:
            problems.append(f"{axis}.rate_km_per_day: expected a number > 0, got {rate!r}")
        if basis not in ("documented", "assumed"):
            problems.append(f"{axis}.basis: expected 'documented' or 'assumed', got {basis!r}")
        if not entry.get("reason"):
            problems.append(f"{axis}.reason: missing (say how the rate follows or why assumed)")
        if basis == "documented" and not entry.get("source"):
            problems.append(f"{axis}.source: a documented rate needs its source")
        if not problems:
            rates[str(axis)] = PlannedRate(str(axis), float(rate), basis, " ".join(str(entry["reason"]).split()),
                                           str(entry.get("source", "")), str(entry.get("quote", "")))
    if "default" not in data:
        problems.append("default: missing (the rate for axes not listed)")
    if problems:
        raise ConfigError(f"{p}: " + "; ".join(problems))
    return rates


def planned_rate_for(axis_id: str, rates: dict[str, PlannedRate]) -> PlannedRate:
    """The axis's planned rate, or the ``default`` entry (renamed to the axis) if not listed."""
    if axis_id in rates:
        return rates[axis_id]
    d = rates["default"]
    return PlannedRate(axis_id, d.rate_km_per_day, d.basis, d.reason, d.source, d.quote)


def baseline_track(route_points: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp,
                   rate_km_per_day: float) -> pd.DataFrame:
    """Track (``time, cum_km, lon, lat``) of a steady advance along the route, held at its end.

    Linear in time from ``start`` at ``rate_km_per_day`` until the route's last km, then
    stationary until ``end``; positions are interpolated along ``route_points``.
    """
    if not rate_km_per_day > 0:
        raise ConfigError(f"planned rate must be > 0 km/day, got {rate_km_per_day!r}")
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    length = float(route_points["cum_km"].iloc[-1])
    arrive = start + pd.Timedelta(days=length / rate_km_per_day)
    if arrive < end:
        times, kms = [start, arrive, end], [0.0, length, length]
    else:
        times, kms = [start, end], [0.0, rate_km_per_day * ((end - start) / pd.Timedelta(days=1))]
    kms_arr = np.asarray(kms)
    rk = route_points["cum_km"].to_numpy(float)
    return pd.DataFrame({
        "time": pd.to_datetime(times),
        "cum_km": kms_arr,
        "lon": np.interp(kms_arr, rk, route_points["lon"].to_numpy(float)),
        "lat": np.interp(kms_arr, rk, route_points["lat"].to_numpy(float)),
    })


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
