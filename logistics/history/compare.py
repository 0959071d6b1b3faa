"""The `logistics compare` pipeline: run every documented axis, score model and baseline.

documented file + configs -> (nominal run and optional Monte Carlo draws per axis, on one
job list) -> per documented row: model and planned-rate baseline scores, disagreements,
Monte Carlo arrival quantiles -> comparison table -> summary. Writing the folder is
``logistics.report.compare_outputs.write_comparison``; this module computes only.

An axis with a mobile-echelon scenario runs it too; each row is scored against the echelon
:func:`logistics.history.echelon.scored_echelon` picks (column ``echelon``), with that
echelon's own planned-rate baseline along its own route.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from logistics.history.baseline import PlannedRate, baseline_track, load_planned_rates, planned_rate_for
from logistics.history.documented import Documented
from logistics.history.echelon import scored_echelon
from logistics.history.inputs import Inputs, load_inputs
from logistics.history.runs import Job, RunTrace, run_jobs
from logistics.geodesy import great_circle_km
from logistics.history.score import DEFAULT_TOLERANCE_KM, find_disagreements, score_rows
from logistics.history.summary import summarize
from logistics.history.uncertainty import DEMS, MonteCarlo, advance_bands, arrival_quantiles, draw_jobs

__all__ = ["AxisResult", "Comparison", "COMPARISON_COLUMNS", "compare"]

#: Columns of comparison.csv, one row per documented row.
COMPARISON_COLUMNS: tuple[str, ...] = (
    "row", "axis_id", "echelon", "date", "place_reached", "lat", "lon", "confidence",
    "documented_km_text", "documented_km_min", "documented_km_max",
    "route_km_at_place", "miss_km", "modeled_arrival", "modeled_km", "km_error", "rel_km_error",
    "place_km_error", "error_km", "date_error_days", "date_censored",
    "baseline_km", "baseline_arrival", "baseline_km_error", "baseline_error_km",
    "baseline_date_error_days", "mc_share_reached", "mc_arrival_p10", "mc_arrival_p50",
    "mc_arrival_p90", "scorable", "scorable_date", "scorable_km", "disagreement", "note", "source",
)

_BAND_STEP = pd.Timedelta(hours=3)


@dataclass(frozen=True)
class AxisResult:
    """One modeled axis: its scenario, nominal ``trace``, planned-rate ``baseline`` track and
    ``rate``, the Monte Carlo draws and ``band`` (time, p10/p50/p90_km) when sampled, a
    ``start_note`` when the documented jump-off is far from the scenario's start, and
    ``mobile``: the same for the axis's mobile-echelon scenario, when it has one."""

    axis_id: str
    scenario: Any
    trace: RunTrace
    baseline: pd.DataFrame
    rate: PlannedRate
    mc: MonteCarlo | None = None
    band: pd.DataFrame | None = None
    start_note: str = ""
    mobile: AxisResult | None = None


@dataclass(frozen=True)
class Comparison:
    """Everything `logistics compare` reports: inputs, per-axis results, the comparison table
    (:data:`COMPARISON_COLUMNS`), the summary and the run settings."""

    inputs: Inputs
    axes: dict[str, AxisResult]
    table: pd.DataFrame
    summary: pd.DataFrame
    settings: dict[str, Any] = field(default_factory=dict)


def compare(documented: str | Path | Documented | None = None, *, configs_dir: str | Path | None = None,
            resolution_m: float | None = None, tolerance_km: float = DEFAULT_TOLERANCE_KM,
            samples: int = 0, seed: int = 0, dem: str = "merged",
            overrides: dict[str, float] | None = None, runner: Callable[..., Any] | None = None, client: Any = None,
            loader: Callable[[Path], Any] | None = None, rates_path: str | Path | None = None,
            progress: bool = False) -> Comparison:
    """Score every documented row against its axis's modeled run and the planned-rate baseline.

    ``samples`` > 0 adds that many Monte Carlo draws per axis (bands, arrival quantiles), run
    on ``client`` (a dask.distributed Client) when given, else in this process. ``overrides``
    (global parameters, e.g. calibrated ones) apply to the nominal run and to every draw.
    """
    fixed = dict(overrides or {})
    inputs = load_inputs(documented, configs_dir=configs_dir, loader=loader)
    rates = load_planned_rates(rates_path)
    jobs: list[Job] = []
    spans: dict[tuple[str, str], tuple[int, int]] = {}
    runs = [((axis, "main"), sc) for axis, sc in inputs.scenarios.items()]
    runs += [((axis, "mobile"), sc) for axis, sc in inputs.mobile.items()]
    for key, sc in runs:
        first = len(jobs)
        jobs.append(Job(sc, fixed, dem, seed, resolution_m))
        if samples:
            jobs.extend(replace(j, overrides={**j.overrides, **fixed})
                        for j in draw_jobs(sc, samples, seed=seed, dems=DEMS, resolution_m=resolution_m))
        spans[key] = (first, len(jobs))
    traces = run_jobs(jobs, runner=runner, client=client, progress=progress)
    doc = inputs.documented
    results: dict[str, AxisResult] = {}
    parts: list[pd.DataFrame] = []
    for axis, sc in inputs.scenarios.items():
        rows = doc.table[doc.table["axis_id"] == axis]
        usable = rows[rows["usable"]]
        rate = planned_rate_for(axis, rates)
        mobile = None
        if axis in inputs.mobile:
            mobile = _axis_result(axis, inputs.mobile[axis], jobs, traces, spans[(axis, "mobile")],
                                  rate, samples, usable, tolerance_km)
        main = _axis_result(axis, sc, jobs, traces, spans[(axis, "main")], rate, samples, usable,
                            tolerance_km)
        results[axis] = replace(main, mobile=mobile)
        parts.append(_score_echelons(rows, results[axis], tolerance_km))
    for axis in inputs.unmodeled:
        rows = doc.table[(doc.table["axis_id"] == axis) & doc.table["usable"]]
        parts.append(_unscored(rows, f"no scenario in {inputs.configs_dir} models axis {axis!r}"))
    bad = doc.table[~doc.table["usable"]]
    if len(bad):
        parts.append(_unscored(bad, None))
    table = pd.concat([p for p in parts if len(p)], ignore_index=True) if parts else _empty()
    table = table.sort_values("row").reset_index(drop=True).reindex(columns=list(COMPARISON_COLUMNS))
    settings = {"tolerance_km": tolerance_km, "resolution_m": resolution_m, "samples": samples,
                "seed": seed, "dem": dem, "overrides": fixed}
    return Comparison(inputs, results, table, summarize(table), settings)


def _axis_result(axis: str, sc: Any, jobs: list[Job], traces: list, span: tuple[int, int],
                 rate: PlannedRate, samples: int, usable: pd.DataFrame, tol: float) -> AxisResult:
    """The nominal trace, baseline along its route and Monte Carlo band of one scenario."""
    a, b = span
    trace = traces[a]
    mc = MonteCarlo(tuple(jobs[a + 1:b]), tuple(traces[a + 1:b])) if samples else None
    start, end = trace.track["time"].iloc[0], trace.track["time"].iloc[-1]
    base = baseline_track(trace.route_points, start, end, rate.rate_km_per_day)
    band = advance_bands(mc.runs, _band_times(start, end)) if mc else None
    return AxisResult(axis, sc, trace, base, rate, mc, band, _start_note(usable, sc, tol))


def _score_echelons(rows: pd.DataFrame, res: AxisResult, tol: float) -> pd.DataFrame:
    """Score each usable row of one axis against the echelon the rule picks for it."""
    usable = rows[rows["usable"]]
    picked = [scored_echelon(f, p, res.mobile is not None)
              for f, p in zip(usable["formation"], usable["place_reached"])]
    echelon = pd.Series([e for e, _ in picked], index=usable.index, dtype=object)
    notes = dict(zip(usable["row"], (n for _, n in picked)))
    disagree = find_disagreements(usable, tolerance_km=tol)
    parts = []
    for name, result in (("main", res), ("mobile", res.mobile)):
        sel = usable[echelon == name]
        if result is None or not len(sel):
            continue
        parts.append(_score_axis(sel, result, tol, disagree).assign(echelon=name))
    if not parts:
        return _score_axis(usable, res, tol, disagree).assign(echelon="main")
    out = pd.concat(parts, ignore_index=True)
    out["note"] = ["; ".join(x for x in (notes.get(r, ""), n if isinstance(n, str) else "") if x)
                   for r, n in zip(out["row"], out["note"])]
    return out


def _band_times(start: pd.Timestamp, end: pd.Timestamp) -> list[pd.Timestamp]:
    n = int((end - start) / _BAND_STEP)
    return [start + i * _BAND_STEP for i in range(n + 1)] + ([end] if start + n * _BAND_STEP < end else [])


def _score_axis(rows: pd.DataFrame, res: AxisResult, tol: float,
                disagree: dict[int, list[str]]) -> pd.DataFrame:
    """Model and baseline scores of ``rows`` against one echelon's run; ``disagree`` holds the
    source disagreements of the whole axis (computed once per axis)."""
    usable = rows[rows["usable"]]
    model = score_rows(usable, res.trace.track, res.trace.route_points, tolerance_km=tol)
    base = score_rows(usable, res.baseline, res.trace.route_points, tolerance_km=tol)
    out = _documented_part(usable)
    out = out.merge(model.rename(columns={"arrival_time": "modeled_arrival"}), on="row")
    out["baseline_km"] = base["modeled_km"].to_numpy()
    out["baseline_arrival"] = base["arrival_time"].to_numpy()
    out["baseline_km_error"] = base["km_error"].to_numpy()
    out["baseline_error_km"] = base["error_km"].to_numpy()
    out["baseline_date_error_days"] = base["date_error_days"].to_numpy()
    out["disagreement"] = [" | ".join(disagree.get(int(r), [])) for r in out["row"]]
    if res.mc is not None:
        places = usable.dropna(subset=["lat", "lon"])[["row", "lon", "lat"]]
        q = arrival_quantiles(res.mc.runs, places, tolerance_km=tol).rename(
            columns={"share_reached": "mc_share_reached", **{f"arrival_{p}": f"mc_arrival_{p}"
                                                             for p in ("p10", "p50", "p90")}})
        out = out.merge(q, on="row", how="left")
    return out


def _documented_part(rows: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "row": rows["row"].to_numpy(), "axis_id": rows["axis_id"].to_numpy(),
        "date": rows["date"].dt.strftime("%Y-%m-%d").to_numpy() if len(rows) else [],
        "place_reached": rows["place_reached"].to_numpy(), "lat": rows["lat"].to_numpy(),
        "lon": rows["lon"].to_numpy(), "confidence": rows["confidence"].to_numpy(),
        "documented_km_text": rows["cumulative_km_from_start_documented"].to_numpy(),
        "documented_km_min": rows["km_min"].to_numpy(), "documented_km_max": rows["km_max"].to_numpy(),
        "source": rows["source"].to_numpy(),
    })


def _unscored(rows: pd.DataFrame, reason: str | None) -> pd.DataFrame:
    out = _documented_part(rows)
    out["date"] = [d.strftime("%Y-%m-%d") if not pd.isna(d) else "" for d in rows["date"]]
    for flag in ("scorable", "scorable_date", "scorable_km", "date_censored"):
        out[flag] = False
    out["disagreement"] = ""
    out["note"] = [reason or f"not scored: {i}" for i in rows["issues"]]
    return out


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=list(COMPARISON_COLUMNS))


def _start_note(rows: pd.DataFrame, scenario: Any, tol: float) -> str:
    """Say when the documented jump-off is far from the scenario's (distances then differ)."""
    starts = rows.dropna(subset=["start_lat", "start_lon"])
    start = getattr(scenario, "start", None)
    if starts.empty or start is None or getattr(start, "lon", None) is None:
        return ""
    d = great_circle_km(start.lon, start.lat, starts["start_lon"].iloc[0], starts["start_lat"].iloc[0])
    if d <= tol:
        return ""
    return (f"documented jump-off is {float(d):.0f} km from the scenario's start "
            f"({getattr(start, 'place', '?')}): documented distances are measured from elsewhere")
