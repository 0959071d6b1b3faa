"""The Khingan fuel question: does the modeled formation run dry, when and where, beside the
documented fuel states (``configs/history/fuel-states.csv``, each with source and quote).
Its report section is written by ``logistics.report.compare_page.fuel_markdown``.

"Dry" in the model is the simulation's status ``halted: no fuel``: a vehicle class has
emptied its tanks and the formation stops until fuel arrives (see ``advance/simulate.py``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from logistics import settings
from logistics.errors import DataError
from logistics.history.runs import RunTrace
from logistics.history.uncertainty import QUANTILES

__all__ = [
    "DRY_STATUS",
    "FuelVerdict",
    "load_fuel_states",
    "fuel_verdict",
    "dry_time_quantiles",
]

#: Status of a track step or a day when the formation is held for lack of fuel.
DRY_STATUS: str = "halted: no fuel"

_STATE_COLUMNS = ("axis_id", "date", "date_text", "formation", "place", "state", "refills",
                  "source", "quote", "confidence")


def load_fuel_states(path: str | Path | None = None) -> pd.DataFrame:
    """Documented fuel states (default ``configs/history/fuel-states.csv``); ``date`` parsed,
    ``refills`` numeric (NaN where the source gives no figure)."""
    p = Path(path) if path is not None else settings.CONFIG_DIR / "history" / "fuel-states.csv"
    try:
        df = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8")
    except FileNotFoundError:
        raise DataError(f"fuel-states file not found: {p}") from None
    missing = [c for c in _STATE_COLUMNS if c not in df.columns]
    if missing:
        raise DataError(f"{p}: missing columns {', '.join(missing)} (expected {', '.join(_STATE_COLUMNS)})")
    df["date"] = pd.to_datetime(df["date"], format="%Y-%m-%d", errors="coerce")
    if df["date"].isna().any():
        bad = [i + 2 for i in np.flatnonzero(df["date"].isna())]
        raise DataError(f"{p}: bad date (expected YYYY-MM-DD) in rows {bad}")
    df["refills"] = pd.to_numeric(df["refills"].replace("", np.nan), errors="coerce")
    return df


@dataclass(frozen=True)
class FuelVerdict:
    """Whether a run went dry: ``first_dry`` (time, or None), where (``dry_lon``, ``dry_lat``,
    ``dry_km``), ``dry_classes`` (classes empty at the end of any day), total ``hours_dry``, ``days_dry`` (dates with any
    hour held for fuel) and the modeled ``daily`` fuel table (date, cum_km, status, refills)."""

    axis_id: str
    first_dry: pd.Timestamp | None
    dry_lon: float
    dry_lat: float
    dry_km: float
    dry_classes: str
    hours_dry: float
    days_dry: tuple[str, ...]
    daily: pd.DataFrame

    @property
    def runs_dry(self) -> bool:
        return self.first_dry is not None


def fuel_verdict(axis_id: str, trace: RunTrace) -> FuelVerdict:
    """Read the run's track (``status``) and daily table (hours held for fuel, refills)."""
    tr, daily = trace.track, trace.daily
    first, lon, lat, km, classes = None, math.nan, math.nan, math.nan, ""
    if "status" in tr:
        dry = tr[tr["status"] == DRY_STATUS]
        if len(dry):
            r = dry.iloc[0]
            first, lon, lat, km = pd.Timestamp(r["time"]), float(r["lon"]), float(r["lat"]), float(r["cum_km"])
    hours = daily["hours_halted_no_fuel"] if "hours_halted_no_fuel" in daily else (
        (daily["status"] == DRY_STATUS).astype(float) if "status" in daily else pd.Series(dtype=float))
    days = tuple(str(d)[:10] for d, h in zip(daily.get("date", []), hours) if h > 0)
    if first is None and days:
        r = daily.iloc[int(np.flatnonzero(hours.to_numpy() > 0)[0])]
        first = pd.Timestamp(str(r["date"])[:10])
        lon, lat, km = float(r["lon"]), float(r["lat"]), float(r["cum_km"])
    if "dry_classes" in daily:
        names = [c for v in daily["dry_classes"].fillna("") for c in str(v).split(",") if c]
        classes = ",".join(dict.fromkeys(names))
    keep = [c for c in daily.columns if c in ("date", "cum_km", "status", "hours_halted_no_fuel",
                                             "refills_total", "fuel_l_total", "delivered_l", "dry_classes")
            or c.startswith("refills_")]
    return FuelVerdict(axis_id, first, lon, lat, km, classes, float(hours.sum()) if len(hours) else 0.0,
                       days, daily[keep].copy())


def dry_time_quantiles(runs: Sequence[RunTrace]) -> dict[str, object]:
    """Over Monte Carlo draws: share that run dry and P10/P50/P90 of the first dry time
    (order statistics; a draw that never runs dry counts as later than any, so NaT)."""
    t = []
    for r in runs:
        v = fuel_verdict("", r).first_dry
        t.append(np.inf if v is None else float(v.value))
    arr = np.asarray(t)
    q = np.quantile(arr, QUANTILES, method="inverted_cdf") if len(arr) else [np.inf] * 3
    out: dict[str, object] = {"draws": len(arr), "share_dry": float(np.isfinite(arr).mean()) if len(arr) else math.nan}
    for name, v in zip(("p10", "p50", "p90"), q):
        out[f"first_dry_{name}"] = pd.Timestamp(int(v)) if np.isfinite(v) else pd.NaT
    return out
