"""The Khingan fuel question: documented fuel states scored against the modeled formation's
fuel, and whether, when and where the model runs dry.

Documented states (``configs/history/fuel-states.csv``, each with source and quote) name a
formation ("7th Mechanized Corps", "6th Guards Tank Army") and, where the source gives one,
the refills on hand ("0.25 заправки"). Each is matched to the army's formations by the rules
of ``logistics.history.match`` on its ``formation`` text only (its ``place`` says where the
formation or its parts were, e.g. "forward detachment 15 km west of Tuquan", not whose fuel
it was) and scored (:func:`score_fuel_states`) against the matched
formation's ``refills_on_hand`` (fuel on hand / one full set of its tanks) at the end of the
documented day; several formations (a corps with the forward detachment drawn from it, a
state of the whole army): their litres on hand over their refills together, each listed.
Within ``FUEL_TOLERANCE_REFILLS`` (0.25 of a refill, the issue's target) counts as agreeing.
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
    "FUEL_TOLERANCE_REFILLS",
    "FUEL_COLUMNS",
    "score_fuel_states",
    "FuelVerdict",
    "load_fuel_states",
    "fuel_verdict",
    "dry_time_quantiles",
]

#: Status of a track step or a day when the formation is held for lack of fuel.
DRY_STATUS: str = "halted: no fuel"

#: A modeled fuel state within this many refills of the documented one agrees with it.
FUEL_TOLERANCE_REFILLS: float = 0.25

#: Columns of :func:`score_fuel_states`.
FUEL_COLUMNS: tuple[str, ...] = (
    "axis_id", "date", "date_text", "formation", "place", "state", "refills",
    "matched_formation", "match_rule", "model_refills", "model_by_formation", "refills_error",
    "within_tolerance", "model_status", "source", "quote",
)


def _with_drawn_parts(candidates: Sequence[str], formations: pd.DataFrame) -> list[str]:
    """``candidates`` and the formations drawn from them (``drawn_from_parent``: a corps'
    forward detachment is part of the corps, so the corps' fuel state counts its fuel)."""
    out = list(candidates)
    if "drawn_from_parent" not in formations:
        return out
    for f in formations.to_dict("records"):
        if bool(f.get("drawn_from_parent")) is True and f.get("parent") in candidates \
                and f["formation_id"] not in out:
            out.append(str(f["formation_id"]))
    return out


def score_fuel_states(states: pd.DataFrame, trace: RunTrace) -> pd.DataFrame:
    """Each documented fuel state of one axis against the matched formations' modeled refills
    on hand at the end of its day (see the module docstring). A state of several formations
    (a corps with the parts drawn from it, or the whole army) is their fuel on hand over their
    refills together: litres over litres, not a mean of shares."""
    from logistics.history.match import match_row

    out = []
    for s in states.to_dict("records"):
        m = match_row(s.get("formation", ""), "", trace.formations,
                      army_name=getattr(trace, "army_name", ""))
        end = pd.Timestamp(s["date"]).normalize() + pd.Timedelta(days=1)
        values, statuses, litres, refill = {}, {}, {}, {}
        for fid in _with_drawn_parts(m.candidates, trace.formations):
            tr = trace.track_of(fid)
            upto = tr[pd.to_datetime(tr["time"]) <= end]
            if upto.empty:
                continue
            last = upto.iloc[-1]
            if "refills_on_hand" in upto and not pd.isna(last["refills_on_hand"]):
                values[fid] = float(last["refills_on_hand"])
                full = _refill_l(tr)
                if full is not None and "fuel_l" in upto and not pd.isna(last["fuel_l"]):
                    litres[fid], refill[fid] = float(last["fuel_l"]), full
            statuses[fid] = str(last.get("status", ""))
        if values and len(litres) == len(values) and sum(refill.values()) > 0:
            model = sum(litres.values()) / sum(refill.values())
        else:
            model = float(np.mean(list(values.values()))) if values else math.nan
        err = model - s["refills"] if not (math.isnan(model) or pd.isna(s["refills"])) else math.nan
        out.append({
            **{k: s.get(k) for k in ("axis_id", "date", "date_text", "formation", "place", "state",
                                     "refills", "source", "quote")},
            "matched_formation": ",".join(values) or ",".join(m.candidates),
            "match_rule": m.rule, "model_refills": model,
            "model_by_formation": "; ".join(f"{k} {v:.2f}" for k, v in values.items()),
            "refills_error": err,
            "within_tolerance": bool(abs(err) <= FUEL_TOLERANCE_REFILLS) if not math.isnan(err) else None,
            "model_status": "; ".join(f"{k}: {v}" for k, v in statuses.items()),
        })
    return pd.DataFrame(out, columns=list(FUEL_COLUMNS))


def _refill_l(track: pd.DataFrame) -> float | None:
    """Litres of one refill of a formation, from its track (fuel on hand over refills on hand
    where it holds any), or None."""
    if "fuel_l" not in track or "refills_on_hand" not in track:
        return None
    held = track[(track["refills_on_hand"] > 0) & track["fuel_l"].notna()]
    if held.empty:
        return None
    return float(held["fuel_l"].iloc[0] / held["refills_on_hand"].iloc[0])

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
