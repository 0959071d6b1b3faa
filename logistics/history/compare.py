"""The `logistics compare` pipeline: run every documented axis, score model and baselines.

documented file + army configs -> (nominal run and optional Monte Carlo draws per axis, on one
job list) -> one army per axis (all its formations, one run) -> per documented
row: event kind, matched formation, model score (places off the formation's route timed by the
cost engine), both planned-rate baselines (model route, independent route), disagreements,
Monte Carlo quantiles of the modeled event time -> comparison table -> summary. Writing the
folder is ``logistics.report.compare_outputs.write_comparison``; this module computes only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from logistics.geodesy import great_circle_km
from logistics.settings import configs_folder
from logistics.history.baseline import (IndependentRoutes, PlannedRates, load_planned_rates,
                                        score_baselines)
from logistics.history.documented import Documented
from logistics.history.fuel import FUEL_COLUMNS, load_fuel_states, score_fuel_states
from logistics.history.inputs import Inputs, check_overrides, load_inputs
from logistics.history.match import FLOTILLA, NAMES_NOTHING, NAMES_TWO, NAMES_UNKNOWN, OTHER_AXIS
from logistics.history.runs import Job, RunTrace, keeping_alone, run_jobs
from logistics.history.score import (DEFAULT_TOLERANCE_KM, OUTSIDE_RUN, find_disagreements,
                                     score_army)
from logistics.history.summary import summarize
from logistics.history.uncertainty import DEMS, QUANTILES, MonteCarlo, advance_bands, draw_jobs

__all__ = ["AxisResult", "Comparison", "COMPARISON_COLUMNS", "compare", "compare_inputs",
           "run_sharing", "score_axis", "share_traces"]

#: Columns of comparison.csv, one row per documented row.
COMPARISON_COLUMNS: tuple[str, ...] = (
    "row", "axis_id", "date", "place_reached", "lat", "lon", "confidence", "formation",
    "event", "event_rule", "matched_formation", "matched_name", "match_rule", "candidates",
    "documented_km_text", "documented_km_min", "documented_km_max",
    "route_km_at_place", "route_error_km", "timing", "leave_time", "modeled_arrival", "fight",
    "modeled_lon", "modeled_lat", "modeled_km", "km_error", "rel_km_error", "depth_flag",
    "place_km_error", "error_km", "date_error_days", "date_censored",
    "baseline_rate_class", "baseline_rate_km_per_day", "baseline_km",
    "baseline_route_depth_km", "baseline_route_arrival", "baseline_route_date_error_days",
    "baseline_route_error_km",
    "baseline_indep_route", "baseline_indep_depth_km", "baseline_indep_arrival",
    "baseline_indep_date_error_days", "baseline_indep_error_km",
    "mc_share_reached", "mc_arrival_p10", "mc_arrival_p50", "mc_arrival_p90",
    "scorable", "scorable_date", "scorable_km", "disagreement", "problem", "note", "source",
)

_BAND_STEP = pd.Timedelta(hours=3)


@dataclass(frozen=True)
class AxisResult:
    """One modeled axis: its scenario, the nominal army ``trace`` (every formation), the
    planned ``rates``, the departure ``line`` used, the Monte Carlo draws (``mc``: one army per
    draw) and the headline formation's ``band`` (time, p10/p50/p90_km) when sampled, and a
    ``start_note`` when the documented jump-off is far from every formation's start."""

    axis_id: str
    scenario: Any
    trace: RunTrace
    rates: PlannedRates
    line: tuple = ()
    mc: MonteCarlo | None = None
    band: pd.DataFrame | None = None
    start_note: str = ""


@dataclass(frozen=True)
class Comparison:
    """Everything `logistics compare` reports: inputs, per-axis results, the comparison table
    (:data:`COMPARISON_COLUMNS`), the summary, the per-row ``problems`` (row, column, value,
    why) beyond the file's own, the run settings and the documented fuel states scored
    against the matched formations (``fuel``, ``logistics.history.fuel.FUEL_COLUMNS``)."""

    inputs: Inputs
    axes: dict[str, AxisResult]
    table: pd.DataFrame
    summary: pd.DataFrame
    settings: dict[str, Any] = field(default_factory=dict)
    problems: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["row", "column", "value", "message", "consequence"]))
    fuel: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(FUEL_COLUMNS)))
    #: documented fuel states not scored because their axis was not run: ``{axis_id: rows}``
    #: (an axis runs when it has documented rows and a scenario; a misspelt axis never does)
    fuel_not_run: dict[str, int] = field(default_factory=dict)
    #: the configs folder the comparison read (``compare``'s ``config_dir``, else
    #: ``settings.CONFIG_DIR`` as it was then, resolved): its page draws that folder's land
    #: cover, railways, fortified regions and bibliography (None: ``settings.CONFIG_DIR``)
    config_dir: Path | None = None


def compare_inputs(documented: str | Path | Documented | None = None, *,
                   configs_dir: str | Path | None = None,
                   loader: Callable[[Path], Any] | None = None,
                   config_dir: str | Path | None = None,
                   overrides: dict[str, float] | None = None) -> Inputs:
    """The documented file and the army files :func:`compare` runs
    (:func:`~logistics.history.inputs.load_inputs`, the arguments as :func:`compare`'s), with
    ``overrides`` checked to fit every army (:func:`~logistics.history.inputs.check_overrides`):
    every refusal of them before any run. ``logistics compare`` calls it before its progress
    starts (a --set one army lacks, or a --configs that is no folder, was refused after the
    step "runs of every axis" began)."""
    inputs = load_inputs(documented, configs_dir=configs_dir, loader=loader,
                         config_dir=config_dir)
    check_overrides(inputs, dict(overrides or {}))
    return inputs


def compare(documented: str | Path | Documented | None = None, *, configs_dir: str | Path | None = None,
            resolution_m: float | None = None, tolerance_km: float = DEFAULT_TOLERANCE_KM,
            samples: int = 0, seed: int = 0, dem: str = "merged",
            overrides: dict[str, float] | None = None, runner: Callable[..., Any] | None = None, client: Any = None,
            loader: Callable[[Path], Any] | None = None, rates_path: str | Path | None = None,
            railways: Any = None, offroute: bool = True, fuel_states: pd.DataFrame | None = None,
            progress: bool = False, warn: Callable[[str], None] | None = None,
            config_dir: str | Path | None = None, inputs: Inputs | None = None) -> Comparison:
    """Score every documented row against its axis's army and the planned-rate baselines.

    ``samples`` > 0 adds that many Monte Carlo draws per axis (bands, event-time quantiles),
    run on ``client`` (a dask.distributed Client) when given, else in this process.
    ``overrides`` (global parameters, e.g. calibrated ones) apply to the nominal run and to
    every draw. ``railways`` is the rail graph of the independent baseline route (None: the
    shipped 1945 network; False: straight lines only). ``offroute=False`` leaves places off a
    formation's route unscored (no cost-engine timing). ``fuel_states``: documented fuel
    states (default ``configs/history/fuel-states.csv``). ``warn`` is called, before any run,
    with each axis's warning of a grid too coarse for its army
    (:func:`~logistics.advance.coarse_grid.coarse_grid_note`). ``config_dir``: the configs
    folder read (``settings.CONFIG_DIR``, LOGISTICS_CONFIG_DIR, when None), for what is not
    given: the documented file, planned rates, fuel states and baseline railways under it, its
    army files (unless ``configs_dir`` names another folder of them), each loaded against it
    and run on it (vehicles, norms, terrain's 1945 land cover, ...). ``inputs``: what
    :func:`compare_inputs` read and checked of the same arguments before (a command does so
    before its work); None reads them here.
    """
    fixed = dict(overrides or {})
    if inputs is None:
        inputs = compare_inputs(documented, configs_dir=configs_dir, loader=loader,
                                config_dir=config_dir, overrides=fixed)
    if warn is not None:
        warn_coarse_armies(inputs.scenarios.values(), resolution_m, warn)
    rates = load_planned_rates(rates_path, config_dir=config_dir)
    states = fuel_states if fuel_states is not None else load_fuel_states(config_dir=config_dir)
    routes = IndependentRoutes(tolerance_km=tolerance_km, network=railways, config_dir=config_dir)
    jobs: list[Job] = []
    spans: dict[str, list[int]] = {}
    for axis, sc in inputs.scenarios.items():
        spans[axis] = [len(jobs)]
        jobs.append(Job(sc, dict(fixed), dem, seed, resolution_m))
    # the nominal armies first, crossing the regions the others broke behind their breaches,
    # with the folder's unscored armies (run for their breaches only, as `run <folder>` does)
    traces = run_sharing(dict(zip(inputs.scenarios, jobs)), inputs.unscored, runner=runner,
                         client=client, progress=progress, warn=warn)
    traces = [traces[axis] for axis in inputs.scenarios]
    if samples:  # each draw given the breaches its nominal army was given by the others
        drawn: list[Job] = []
        for axis, sc in inputs.scenarios.items():
            given = traces[spans[axis][0]].given_breaches
            for d in draw_jobs(sc, samples, seed=seed, dems=DEMS, resolution_m=resolution_m):
                spans[axis].append(len(jobs) + len(drawn))
                drawn.append(replace(d, overrides={**d.overrides, **fixed}, breaches=given))
        jobs += drawn
        traces += run_jobs(drawn, runner=runner, client=client, progress=progress)
    doc = inputs.documented
    results: dict[str, AxisResult] = {}
    parts: list[pd.DataFrame] = []
    problems: list[dict] = []
    fuel: list[pd.DataFrame] = []
    for axis, sc in inputs.scenarios.items():
        rows = doc.table[doc.table["axis_id"] == axis]
        usable = rows[rows["usable"]]
        nominal, *drawn = spans[axis]
        army = traces[nominal]
        line = army.departure_line or inputs.departure_lines.get(axis, ())
        mc = None
        if samples:
            mc = MonteCarlo(tuple(jobs[i] for i in drawn), tuple(traces[i] for i in drawn))
        start, end = army.track["time"].iloc[0], army.track["time"].iloc[-1]
        band = advance_bands(mc.runs, _band_times(start, end)) if mc else None
        res = AxisResult(axis, sc, army, rates, tuple(line), mc, band, _start_note(usable, army, tolerance_km))
        results[axis] = res
        others = inputs.others(axis)
        table, scored = score_axis(usable, army, rates, routes, line=line, tolerance_km=tolerance_km,
                                   offroute=offroute, others=others)
        if mc is not None:
            table = table.merge(_mc_quantiles(usable, mc, line, tolerance_km, offroute, others),
                                on="row", how="left")
        problems += _row_problems(usable, scored)
        parts.append(table)
        mine = states[states["axis_id"] == axis]
        if len(mine):
            fuel.append(score_fuel_states(mine, army, others=others))
    for axis in inputs.unmodeled:
        rows = doc.table[(doc.table["axis_id"] == axis) & doc.table["usable"]]
        parts.append(_unscored(rows, f"no scenario in {inputs.configs_dir} models axis {axis!r}"))
        problems += [{"row": int(r), "column": "axis_id", "value": axis,
                      "message": f"no scenario in {inputs.configs_dir} models this axis",
                      "consequence": "row not scored"} for r in rows["row"]]
    bad = doc.table[~doc.table["usable"]]
    if len(bad):
        parts.append(_unscored(bad, None))
    table = pd.concat([p for p in parts if len(p)], ignore_index=True) if parts else _empty()
    table = table.sort_values("row").reset_index(drop=True).reindex(columns=list(COMPARISON_COLUMNS))
    settings = {"tolerance_km": tolerance_km, "resolution_m": resolution_m, "samples": samples,
                "seed": seed, "dem": dem, "overrides": fixed, "offroute": offroute}
    probs = pd.DataFrame(problems, columns=["row", "column", "value", "message", "consequence"])
    fuel_table = (pd.concat(fuel, ignore_index=True) if fuel
                  else pd.DataFrame(columns=list(FUEL_COLUMNS)))
    idle = states[~states["axis_id"].isin(list(inputs.scenarios))]["axis_id"].value_counts()
    not_run = {str(a): int(n) for a, n in sorted(idle.items())}
    return Comparison(inputs, results, table, summarize(table), settings, probs, fuel_table,
                      not_run, configs_folder(config_dir))


def run_sharing(scored: dict[str, Job], unscored: dict[str, Any], *,
                runner: Callable[..., Any] | None = None, client: Any = None,
                progress: bool = False, warn: Callable[[str], None] | None = None,
                ) -> dict[str, RunTrace]:
    """The scored armies' jobs (axis id -> job) run with the folder's ``unscored`` armies
    (axis id -> army, each run at the scored jobs' global parameters that fit it,
    :func:`_fitting`, for the breaches it shares), every one crossing the fortified regions
    the others broke (:func:`share_traces`): axis id -> trace of each scored army. One
    implementation for `compare` (its nominal runs) and `calibrate` (each grid point)."""
    if not scored:  # (none scored: none run)
        return {}
    fixed = next(iter(scored.values())).overrides
    first = next(iter(scored.values()))
    extra = {axis: Job(sc, _fitting(sc, fixed), first.dem, first.seed, first.resolution_m)
             for axis, sc in unscored.items()}
    every = {**scored, **extra}
    with keeping_alone():  # re-run on their plans in this process (client None)
        alone = dict(zip(scored, run_jobs(list(scored.values()), runner=runner, client=client,
                                          progress=progress)))
        alone.update(_unscored_alone(extra, runner=runner, client=client, warn=warn,
                                     progress=progress))
        traces = share_traces(alone, {a: every[a] for a in alone}, runner=runner,
                              client=client, warn=warn)
    return {axis: traces[axis] for axis in scored}


def _unscored_alone(jobs: dict[str, Job], *, runner: Callable[..., Any] | None, client: Any,
                    warn: Callable[[str], None] | None,
                    progress: bool = False) -> dict[str, RunTrace]:
    """The folder's unscored armies (axis id -> job) run alone, for the breaches they share:
    one that fails (a what-if army the comparison does not score) is left out with ``warn``,
    and does not stop the comparison (it did not before they were run)."""
    from logistics.errors import LogisticsError

    if not jobs:
        return {}
    try:
        return dict(zip(jobs, run_jobs(list(jobs.values()), runner=runner, client=client,
                                       progress=progress,
                                       desc="runs of the unscored armies (their breaches)")))
    except LogisticsError:
        pass  # find which: each alone
    out: dict[str, RunTrace] = {}
    for axis, job in jobs.items():
        try:
            out[axis] = run_jobs([job], runner=runner, client=client)[0]
        except LogisticsError as exc:
            if warn is not None:
                warn(f"{axis} (no documented rows) not run for the fortified-region breaches "
                     f"it shares: {exc}; the scored armies run without its breaches")
    return out


def _fitting(army: Any, overrides: dict[str, float]) -> dict[str, float]:
    """The ``overrides`` that fit an unscored army of the folder (each alone,
    :func:`~logistics.army.overrides.override_problem`): the comparison's are checked against
    the scored armies only (:func:`compare_inputs`), and a figure an unscored army lacks is
    no reason to refuse a comparison that does not score it."""
    from logistics.army.overrides import override_problem
    from logistics.army.schema import Army

    if not isinstance(army, Army):  # (toy runs)
        return dict(overrides)
    return {k: v for k, v in overrides.items() if not override_problem(army, {k: v})}


def share_traces(traces: dict[str, RunTrace], jobs: dict[str, Job], *,
                 runner: Callable[..., Any] | None = None, client: Any = None,
                 warn: Callable[[str], None] | None = None) -> dict[str, RunTrace]:
    """The armies of a comparison (axis id -> its run alone and its job) run again until each
    has crossed the fortified regions the others broke behind their breaches
    (:func:`~logistics.advance.shared_breaches.settle`, the same whatever their order or the
    workers; each pass's armies run together on ``client``); a trace whose runner gives no
    breaches (a synthetic column) shares none. ``warn`` is told when they did not settle
    within the bound."""
    from logistics.advance.shared_breaches import settle

    out = dict(traces)

    def rerun(gifts: dict) -> dict:
        got = run_jobs([replace(jobs[a], breaches=g) for a, g in gifts.items()],
                       runner=runner, client=client)
        out.update(zip(gifts, got))
        return {a: out[a].breaches for a in gifts}

    settled = settle({a: t.breaches for a, t in out.items()},
                     {a: t.crossed for a, t in out.items()}, rerun)
    if not settled.settled and warn is not None:
        warn(f"the breaches shared between the armies did not settle in {settled.passes} "
             "passes (advance/shared_breaches.py settle): an army's crossings may not "
             "reflect the others' last breaches")
    return out


def warn_coarse_armies(armies, resolution_m: float | None, warn: Callable[[str], None]) -> None:
    """``warn`` each army's note of a grid of ``resolution_m`` (the runner's default when None)
    too coarse for it, before its runs (``compare``, ``calibrate``)."""
    from logistics import settings
    from logistics.advance.coarse_grid import coarse_grid_note
    from logistics.army.schema import Army

    res = resolution_m if resolution_m is not None else settings.DEFAULT_RESOLUTION_M
    for army in armies:
        note = coarse_grid_note(army, res) if isinstance(army, Army) else None  # (toy runs)
        if note:
            warn(note)


def score_axis(rows: pd.DataFrame, army: RunTrace, rates: PlannedRates, routes: IndependentRoutes, *,
               line=(), tolerance_km: float = DEFAULT_TOLERANCE_KM,
               offroute: bool = True, others=()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One axis's usable documented ``rows`` scored on its ``army``: the comparison rows
    (model, both planned-rate baselines, disagreements) and the raw per-row scores. The one
    scoring of `logistics compare` and `logistics calibrate`. ``others``: the other axes'
    armies (:meth:`~logistics.history.inputs.Inputs.others`): a row naming only their
    formations is a problem, not scored."""
    scored = score_army(rows, army, line=line, tolerance_km=tolerance_km, offroute=offroute,
                        others=others)
    base = score_baselines(rows, scored, army, rates, routes, line=line, tolerance_km=tolerance_km)
    table = _assemble(rows, scored, base, army, find_disagreements(rows, tolerance_km=tolerance_km))
    return table, scored


def _assemble(rows: pd.DataFrame, scored: pd.DataFrame, base: pd.DataFrame, army: RunTrace,
              disagree: dict[int, list[str]]) -> pd.DataFrame:
    out = _documented_part(rows)
    out = out.merge(scored.rename(columns={"arrival_time": "modeled_arrival"}), on="row", how="left")
    out = out.merge(base, on="row", how="left")
    names = dict(zip(army.formations["formation_id"].astype(str), army.formations["name"].astype(str)))
    out["matched_name"] = [names.get(str(f), "") for f in out["matched_formation"]]
    out["disagreement"] = [" | ".join(disagree.get(int(r), [])) for r in out["row"]]
    out["event_rule"] = rows["event_rule"].to_numpy() if "event_rule" in rows else ""
    return out


def _row_problems(rows: pd.DataFrame, scored: pd.DataFrame) -> list[dict]:
    """Per-row problems that scoring found: a formation no army has, one of another axis
    only (not scored), two that disagree (scored as several), a place no one reaches, a date
    the run does not cover."""
    out = []
    by_row = rows.set_index("row")
    for r in scored.to_dict("records"):
        for part in [p for p in str(r.get("problem") or "").split("; ") if p]:
            src = by_row.loc[r["row"]]
            if part.startswith(OUTSIDE_RUN):
                column, value, consequence = ("date", f"{src['date']:%Y-%m-%d}",
                                              "row not scored")
            elif part.startswith(OTHER_AXIS) or part.startswith(FLOTILLA):
                column, value, consequence = ("formation", str(src["formation"]),
                                              "row not scored")
            elif part.startswith(NAMES_NOTHING):
                column, value, consequence = ("formation", str(src["formation"]),
                                              "scored against the army as a whole")
            elif part.startswith(NAMES_TWO):
                column, value, consequence = ("formation", str(src["formation"]),
                                              "scored against the first candidate to reach")
            elif part.startswith("no way to the place"):
                column, value, consequence = ("lat, lon", f"{src['lat']:g}, {src['lon']:g}",
                                              "date not scored")
            elif part.startswith(NAMES_UNKNOWN):
                column, value, consequence = ("formation", str(src["formation"]),
                                              f"scored on {r.get('matched_formation') or 'the others'}")
            else:
                column, value, consequence = ("formation", str(src["formation"]),
                                              _scored_as(r, src))
            out.append({"row": int(r["row"]), "column": column, "value": value,
                        "message": part, "consequence": consequence})
    return out


def _scored_as(r: dict, src: pd.Series) -> str:
    """What a row naming a numbered formation the army lacks was scored as (``r``: its score,
    ``src``: the documented row): the rule that took it and the formation, and why that one
    of several (the first to reach the place, the deepest for a distance)."""
    rule, fid = str(r.get("match_rule") or ""), str(r.get("matched_formation") or "")
    cands = [c for c in str(r.get("candidates") or "").split(",") if c]
    said = f"scored by the next matching rule ({rule})" if rule else "scored by the next matching rule"
    if not fid:
        return said + (f" on {', '.join(cands)}" if cands else "")
    if len(cands) <= 1:
        return f"{said} as {fid}"
    listed = f"its candidates ({', '.join(cands)})"
    how = (f"the first of {listed} to reach the place" if pd.notna(src.get("lat"))
           else f"the deepest of {listed} at the end of the day")
    return f"{said} as {fid}, {how}"


def _mc_quantiles(rows: pd.DataFrame, mc: MonteCarlo, line, tol: float, offroute: bool,
                  others=()) -> pd.DataFrame:
    """Share of draws that get to each row's place and P10/P50/P90 of the modeled event time
    (order statistics; a draw that never gets there counts as later than any)."""
    times = []
    outside = np.zeros(len(rows), bool)
    for draw in mc.runs:
        s = score_army(rows, draw, line=line, tolerance_km=tol, offroute=offroute, others=others)
        times.append([np.inf if pd.isna(t) else float(pd.Timestamp(t).value) for t in s["arrival_time"]])
        outside |= s["problem"].astype(str).str.startswith(OUTSIDE_RUN).to_numpy()
    arr = np.asarray(times, dtype=float)
    out = []
    for j, row in enumerate(rows["row"]):
        col = arr[:, j]
        q = np.quantile(col, QUANTILES, method="inverted_cdf")
        rec = {"row": row, "mc_share_reached": float(np.isfinite(col).mean())}
        for name, v in zip(("p10", "p50", "p90"), q):
            rec[f"mc_arrival_{name}"] = pd.Timestamp(int(v)) if np.isfinite(v) else pd.NaT
        if np.isnan(rows["lat"].iloc[j]) or outside[j]:  # no place, or a day the runs miss
            rec["mc_share_reached"] = np.nan
        out.append(rec)
    return pd.DataFrame(out)


def _band_times(start: pd.Timestamp, end: pd.Timestamp) -> list[pd.Timestamp]:
    n = int((end - start) / _BAND_STEP)
    return [start + i * _BAND_STEP for i in range(n + 1)] + ([end] if start + n * _BAND_STEP < end else [])


def _documented_part(rows: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "row": rows["row"].to_numpy(), "axis_id": rows["axis_id"].to_numpy(),
        "date": rows["date"].dt.strftime("%Y-%m-%d").to_numpy() if len(rows) else [],
        "place_reached": rows["place_reached"].to_numpy(), "lat": rows["lat"].to_numpy(),
        "lon": rows["lon"].to_numpy(), "confidence": rows["confidence"].to_numpy(),
        "formation": rows["formation"].to_numpy(),
        "documented_km_text": rows["cumulative_km_from_start_documented"].to_numpy(),
        "documented_km_min": rows["km_min"].to_numpy(), "documented_km_max": rows["km_max"].to_numpy(),
        "source": rows["source"].to_numpy(),
    })


def _unscored(rows: pd.DataFrame, reason: str | None) -> pd.DataFrame:
    out = _documented_part(rows)
    out["date"] = [d.strftime("%Y-%m-%d") if not pd.isna(d) else "" for d in rows["date"]]
    out["event"] = rows["event"].to_numpy() if "event" in rows else ""
    for flag in ("scorable", "scorable_date", "scorable_km", "date_censored"):
        out[flag] = False
    out["disagreement"] = ""
    given = rows["date_text"] if "date_text" in rows else pd.Series("", index=rows.index)
    # the column `date` stays a date (plots and maps read it); a date the reader could not
    # read is said in the note as the file gave it
    out["note"] = [reason or (f"not scored (the file's date: {g!r}): {i}"
                              if pd.isna(d) and str(g or "") else f"not scored: {i}")
                   for i, d, g in zip(rows["issues"], rows["date"], given)]
    return out


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=list(COMPARISON_COLUMNS))


def _start_note(rows: pd.DataFrame, army: RunTrace, tol: float) -> str:
    """Say when the documented jump-off is far from every formation's start."""
    starts = rows.dropna(subset=["start_lat", "start_lon"])
    if starts.empty:
        return ""
    firsts = army.tracks.sort_values("time").groupby("formation_id").first()
    if firsts.empty:
        return ""
    d = great_circle_km(firsts["lon"].to_numpy(float), firsts["lat"].to_numpy(float),
                        starts["start_lon"].iloc[0], starts["start_lat"].iloc[0])
    if float(np.min(d)) <= tol:
        return ""
    return (f"documented jump-off ({starts['start_lat'].iloc[0]:.2f} N {starts['start_lon'].iloc[0]:.2f} E) "
            f"is {float(np.min(d)):.0f} km from the nearest formation's start: sources measure "
            "distances from elsewhere; the model measures depth from the departure line")
