"""Fit at most three GLOBAL parameters on chosen axes; leave-one-axis-out is the honest score.

The parameters are those every axis shares (``speed_scale``, ``fuel_scale``,
``march_hours_scale``, ``march_hours_per_day``: see ``logistics.army.overrides.GLOBAL_OVERRIDES``);
never a per-axis factor. The default fit is :data:`DEFAULT_PARAMS`: the march hours by a
*scale*, which keeps the norms' sourced differences between kinds of column (a tank column's
16 h, a motor column's 8 h derived from the wartime 200 km a day, a foot column's 12 h);
``march_hours_per_day`` puts one figure in place of all of them and is kept for users.
The search is a bounded grid: every (axis, grid point) is run once, scored once and cached in
one table, so the fit on all axes and every leave-one-axis-out (LOAO) fit are only minima over
sums of that table (k + 1 fits for the price of one grid).

Loss (``loss``, :data:`LOSSES`): by default the pooled mean absolute date error (days) over
the dated documented rows of the training axes, the measure the project's targets are set in.
Its rows are the same at every grid point: a place the model has not reached by the end of its
run is a censored error, counted at its lower bound (``score.py``), never dropped. ``"km"`` is
the pooled mean absolute ``error_km`` (km error against a documented distance, else the modeled
km at the end of the documented date minus the route km of the documented place); it varies
more smoothly (a tie in one loss goes to the point with the lower other), but its rows are not the same at every point (a row whose matched formation's
route misses the place at some parameters has no km error there: 26 to 29 rows on the shipped
grid of 3 December), so a point can look better by losing a hard row. Both are reported.

Formations: each axis is run once as an army with all its formations (an entry may carry the
army's departure line as a third element) and every documented row is scored by ``logistics.history.score.score_army``, the scoring of
`logistics compare` (event kinds, rows matched to formations, off-route places timed by the cost
engine, depth from the departure line), so both commands score the same rows the same way.

LOAO: for each axis, fit on the others and score the held-out axis at the fitted point; the
pooled held-out MAE is the figure to quote, next to the same axes run with nominal parameters.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from logistics.errors import ConfigError
from logistics.history.runs import Job, run_jobs
from logistics.history.score import DEFAULT_TOLERANCE_KM
from logistics.history.summary import summarize

__all__ = [
    "PARAMETERS",
    "DEFAULT_BOUNDS",
    "DEFAULT_PARAMS",
    "LOSSES",
    "DEFAULT_LOSS",
    "NOMINAL_VALUES",
    "grid_points",
    "bounds_from_scenarios",
    "evaluate_grid",
    "fit",
    "leave_one_axis_out",
    "Calibration",
    "calibrate",
]

#: What a fit minimises: loss name -> pooled column (see the module docstring).
LOSSES: dict[str, str] = {"date": "mae_date_days", "km": "mae_km"}

#: The loss used when the caller names none.
DEFAULT_LOSS = "date"

#: The global parameters that may be fitted.
PARAMETERS: tuple[str, ...] = ("speed_scale", "fuel_scale", "march_hours_scale",
                                "march_hours_per_day")

#: What ``calibrate`` fits when the caller names nothing (three, the most it fits at once).
DEFAULT_PARAMS: tuple[str, ...] = ("speed_scale", "fuel_scale", "march_hours_scale")

#: Search bounds used when neither the caller nor the configs' ``uncertain:`` sections give
#: any. Modelling assumptions, chosen wide rather than tuned: speeds and fuel use within
#: x0.5-x1.5 of the physics (SEED-000 reports fuel needs 50 % above the estimate on the
#: passes, the upper end of fuel_scale); 8-20 h on the move a day (cavalry regulation CAV35,
#: parameters.md 2.4: 7-8 h, a halt, then 4-6 h; mechanised columns also moved at night).
DEFAULT_BOUNDS: dict[str, tuple[float, float]] = {
    "speed_scale": (0.5, 1.5),
    "fuel_scale": (0.5, 1.5),
    "march_hours_per_day": (8.0, 20.0),
    # assumed: half to one and a half of every norm's hours; it spans the norms' own uncertain:
    # ranges (configs/norms/march.yaml: tank 10-20 of 16 h, x0.63-1.25; motor 6.7-13.3 of
    # 8 h, x0.83-1.66; foot 8-14 of 12 h, x0.67-1.17), like the two scales' x0.5-1.5.
    "march_hours_scale": (0.5, 1.5),
}

_NOMINAL = -1  # grid index of the run without overrides
_NO_FIT = -2  # a leave-one-axis-out fold whose training axes give the loss nothing to fit


#: The value of a parameter that leaves the configs as written: 1 for a scale. A grid holds it
#: (within its bounds) whatever its number of points, so that a fit can return the nominal
#: configs: ``--points 2`` on 0.5..1.5 searched 0.5 and 1.5 only and fitted 1.5, worse than
#: nominal. ``march_hours_per_day`` has none: it replaces every norm's own hours (16, 8, 12 h
#: by kind of column) by one figure, so no single value is the configs as written; the
#: report's nominal row (the run without overrides) is its comparison.
NOMINAL_VALUES: dict[str, float] = {"speed_scale": 1.0, "fuel_scale": 1.0,
                                    "march_hours_scale": 1.0}


def _with_nominal(name: str, values: np.ndarray) -> np.ndarray:
    """``values`` (sorted, one parameter's grid) with its nominal value (:data:`NOMINAL_VALUES`)
    added when it lies within them and is not already on them (snapped to it when it nearly is)."""
    nominal = NOMINAL_VALUES.get(name)
    if nominal is None or not values[0] <= nominal <= values[-1]:
        return values  # assumed: bounds that exclude the nominal value are the user's choice
    near = np.isclose(values, nominal, rtol=0.0, atol=1e-9)
    if near.any():
        return np.where(near, nominal, values)
    return np.sort(np.append(values, nominal))


def grid_points(bounds: Mapping[str, tuple[float, float]], points: int) -> list[dict[str, float]]:
    """Cartesian grid of ``points`` evenly spaced values per parameter, bounds included, and
    each scale's nominal 1 when within its bounds (:data:`NOMINAL_VALUES`): ``points`` or
    ``points + 1`` values per parameter."""
    bad = [k for k in bounds if k not in PARAMETERS]
    if bad or not bounds:
        raise ConfigError(f"calibration parameters must be among {', '.join(PARAMETERS)} "
                          f"(at most three, global); got {', '.join(bounds) or 'none'}")
    if not isinstance(points, int) or points < 2:
        raise ConfigError(f"grid points per parameter must be an integer >= 2, got {points!r}")
    from logistics.army.overrides import global_override_problem

    for k, (lo, hi) in bounds.items():
        if not (math.isfinite(lo) and math.isfinite(hi) and 0 < lo < hi):
            raise ConfigError(f"bounds of {k} must satisfy 0 < low < high, got {lo}..{hi}")
        problems = [p for p in (global_override_problem(k, lo), global_override_problem(k, hi))
                    if p]
        if problems:
            raise ConfigError(f"bounds of {k} ({lo:g}..{hi:g}): {problems[0]}")
    axes = [_with_nominal(k, np.linspace(lo, hi, points)) for k, (lo, hi) in bounds.items()]
    return [dict(zip(bounds, map(float, combo))) for combo in itertools.product(*axes)]


def bounds_from_scenarios(params: Sequence[str], scenarios: Sequence[Any]) -> dict[str, tuple[float, float]]:
    """Bounds per parameter: the union of the configs' ``uncertain:`` ranges, else the default."""
    out = {}
    for p in params:
        if p not in PARAMETERS:
            raise ConfigError(f"unknown calibration parameter {p!r}; choose among {', '.join(PARAMETERS)}")
        ranges = [sc.uncertain[p] for sc in scenarios if p in getattr(sc, "uncertain", {})]
        out[p] = (min(r.low for r in ranges), max(r.high for r in ranges)) if ranges else DEFAULT_BOUNDS[p]
    return out


def _line(entry: Sequence[Any]) -> tuple:
    return tuple(entry[2]) if len(entry) > 2 and entry[2] is not None else ()


def evaluate_grid(axes: Mapping[str, Sequence[Any]], points: Sequence[Mapping[str, float]],
                  **kw: Any) -> pd.DataFrame:
    """The error-sum table of :func:`score_grid` (arguments as there)."""
    return score_grid(axes, points, **kw)[0]


def score_grid(axes: Mapping[str, Sequence[Any]], points: Sequence[Mapping[str, float]], *,
               runner: Callable[..., Any] | None = None, client: Any = None,
               tolerance_km: float = DEFAULT_TOLERANCE_KM, resolution_m: float | None = None,
               dem: str = "merged", seed: int = 0, progress: bool = False,
               railways: Any = None, rates_path: Any = None, config_dir: Any = None,
               armies: Mapping[str, Any] | None = None,
               unscored: Mapping[str, Any] | None = None,
               warn: Callable[[str], None] | None = None,
               only: Sequence[int] | None = None,
               ) -> tuple[pd.DataFrame, dict[tuple[int, str], pd.DataFrame]]:
    """Run every axis at every point (and once nominal) and tabulate its error sums.

    ``axes`` maps axis_id -> (army, documented rows of that axis[, departure line]). The axis
    runs as one army and its rows are scored like `logistics compare` scores them (see the
    module docstring). Returns one row per (point, axis): ``point`` (-1 = nominal), the
    parameter values, ``axis_id``, ``n_km``, ``sum_abs_km``, ``n_date``, ``sum_abs_date_days``;
    and each (point, axis)'s comparison rows (the table of `logistics compare`: model and both
    baselines), from which every figure of merit is summarised. ``config_dir``: the configs
    folder whose planned rates and railways the baselines read (``settings.CONFIG_DIR`` when
    None); the armies run on their own folders (:func:`calibrate` gives them this one).
    ``armies``: axis_id -> the formations of every army file loaded
    (:attr:`~logistics.history.inputs.Inputs.armies`), whose formations a row may name
    instead of its own army's (then not scored, as compare does); None: those of ``axes``.
    ``unscored``: axis_id -> army of the folder not scored here
    (:attr:`~logistics.history.inputs.Inputs.unscored`): given (even empty), at each point
    the axes run with them, at that point's parameters that fit each, and they all share
    their fortified-region breaches, as `logistics compare` runs them
    (:func:`~logistics.history.compare.run_sharing`); None: every army alone (the search:
    about 6x quicker, the points' runs together). ``warn`` is told (once each) of an
    unscored army left out of the sharing, or of breaches that did not settle. ``only``:
    the indices of ``points`` (and -1, nominal) to run; None: all.
    """
    from logistics.history.baseline import IndependentRoutes, load_planned_rates
    from logistics.history.compare import run_sharing, score_axis
    from logistics.history.match import army_formations
    from logistics.progress import progress as _progress

    if armies is None:
        armies = {a: oob for a, entry in axes.items()
                  if (oob := army_formations(entry[0])) is not None}

    plan = [(i, dict(p)) for i, p in enumerate(points)] + [(_NOMINAL, {})]
    if only is not None:
        plan = [(i, p) for i, p in plan if i in only]
    traces: dict[tuple[int, str], Any] = {}
    if unscored is None:  # the search: every army alone, every point's runs together
        keys = [(i, p, a) for i, p in plan for a in axes]
        jobs = [Job(axes[a][0], p, dem, seed, resolution_m) for _, p, a in keys]
        traces = dict(zip(((i, a) for i, _, a in keys),
                          run_jobs(jobs, runner=runner, client=client, progress=progress)))
    said: set[str] = set()

    def once(message: str) -> None:  # the same at every point: one line
        if warn is not None and message not in said:
            said.add(message)
            warn(message)

    with _progress(len(plan) if unscored is not None else 0,
                   "points run again with every army (breaches shared)", unit="point",
                   enabled=progress and unscored is not None) as bar:
        for i, p in plan if unscored is not None else ():  # one point's armies, as compare
            got = run_sharing({a: Job(axes[a][0], dict(p), dem, seed, resolution_m)
                               for a in axes}, dict(unscored or {}), runner=runner,
                              client=client, warn=once)
            traces.update(((i, a), t) for a, t in got.items())
            bar.update(1)
    rates = load_planned_rates(rates_path, config_dir=config_dir)
    routes = IndependentRoutes(tolerance_km=tolerance_km, network=railways, config_dir=config_dir)
    names = list(points[0]) if points else []
    rows, scored_rows = [], {}
    for i, p in plan:
        for a in axes:
            army = traces[i, a]
            documented = _complete(axes[a][1], a)
            line = army.departure_line or _line(axes[a])
            if len(documented):
                table, _ = score_axis(documented, army, rates, routes, line=line,
                                      tolerance_km=tolerance_km,
                                      others=tuple(o for k, o in armies.items() if k != a))
            else:
                table = pd.DataFrame(columns=["row", "axis_id", "error_km", "scorable_date",
                                              "date_error_days"])
            scored_rows[i, a] = table
            km = pd.to_numeric(table["error_km"]).abs().dropna()
            dd = pd.to_numeric(table.loc[table["scorable_date"].fillna(False).astype(bool),
                                         "date_error_days"]).abs()
            rows.append({"point": i, **{n: p.get(n, math.nan) for n in names}, "axis_id": a,
                         "n_km": len(km), "sum_abs_km": float(km.sum()),
                         "n_date": len(dd), "sum_abs_date_days": float(dd.sum())})
    return pd.DataFrame(rows), scored_rows


def _on_folder(army: Any, config_dir: Any) -> Any:
    """``army`` (a loaded army or its file) to run on the configs folder ``config_dir``
    (:func:`logistics.runner.army_for`); anything else (a toy runner's scenario) as it is."""
    from pathlib import Path

    from logistics.army import Army
    from logistics.runner import army_for

    return army_for(army, config_dir) if isinstance(army, (Army, str, Path)) else army


def _complete(rows: pd.DataFrame, axis: str) -> pd.DataFrame:
    """Documented rows with every column of the format (blank where a caller gave none)."""
    from logistics.history.documented import COLUMNS

    out = rows.copy()
    if "axis_id" not in out:
        out["axis_id"] = axis
    for col in (*COLUMNS, "km_min", "km_max", "start_lat", "start_lon"):
        if col not in out:
            out[col] = np.nan if col in ("lat", "lon", "km_min", "km_max", "start_lat",
                                         "start_lon") else ""
    return out


def _pooled(table: pd.DataFrame) -> pd.DataFrame:
    g = table.groupby("point")[["n_km", "sum_abs_km", "n_date", "sum_abs_date_days"]].sum()
    g["mae_km"] = g["sum_abs_km"] / g["n_km"].where(g["n_km"] > 0)
    g["mae_date_days"] = g["sum_abs_date_days"] / g["n_date"].where(g["n_date"] > 0)
    return g


def fit(table: pd.DataFrame, axes: Sequence[str], loss: str = DEFAULT_LOSS) -> dict[str, Any]:
    """Best grid point on ``axes`` by ``loss``: ``{"point", params..., "mae_km",
    "mae_date_days", "n_km", "n_date"}``."""
    sub = table[(table["axis_id"].isin(list(axes))) & (table["point"] != _NOMINAL)]
    pooled = _pooled(sub)
    column = LOSSES[loss]
    if pooled[column].isna().all():
        what = "dated " if loss == "date" else ""
        raise ConfigError(f"no scorable {what}documented row on axes {', '.join(axes)}: nothing "
                          f"to fit with the {loss} loss" + ("; fix: --loss km" if loss == "date"
                                                          else ""))
    # ties (a date error is 0 anywhere inside the documented day) go to the other measure
    other = next(c for c in LOSSES.values() if c != column)
    best = int(pooled.sort_values([column, other], kind="stable").index[0])
    params = table[table["point"] == best].iloc[0]
    names = [c for c in table.columns if c in PARAMETERS]
    return {"point": best, **{n: float(params[n]) for n in names},
            "mae_km": float(pooled.loc[best, "mae_km"]),
            "mae_date_days": float(pooled.loc[best, "mae_date_days"]),
            "n_km": int(pooled.loc[best, "n_km"]), "n_date": int(pooled.loc[best, "n_date"])}


def _at(table: pd.DataFrame, point: int, axes: Sequence[str]) -> pd.Series:
    return _pooled(table[(table["point"] == point) & table["axis_id"].isin(list(axes))]).iloc[0]


def leave_one_axis_out(table: pd.DataFrame, loss: str = DEFAULT_LOSS,
                       scores: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per held-out axis: parameters fitted on the other axes by ``loss``, the
    held-out axis's errors at them (``test_mae_km``, ``test_mae_date_days``) and at nominal
    parameters. A fold whose other axes have no row the loss can use (only distances, under
    the date loss) has no fit: its point is -2, its parameters and held-out errors NaN, and
    ``note`` says why; the pooled figures leave it out. ``scores``: the table the held-out
    and nominal errors are read from (:func:`calibrate`'s points run again with the armies
    sharing their breaches); None: ``table``, which the fits search."""
    scores = table if scores is None else scores
    axes = list(dict.fromkeys(table["axis_id"]))
    if len(axes) < 2:
        raise ConfigError("leave-one-axis-out needs at least two axes with documented rows")
    out = []
    names = [c for c in table.columns if c in PARAMETERS]
    for held in axes:
        train = [a for a in axes if a != held]
        try:
            f = fit(table, train, loss)
        except ConfigError as exc:
            nominal = _at(scores, _NOMINAL, [held])
            out.append({"held_out": held, "point": _NO_FIT, **{k: math.nan for k in names},
                        "train_mae_km": math.nan, "n_test_km": 0, "test_sum_abs_km": 0.0,
                        "test_mae_km": math.nan, "nominal_mae_km": float(nominal["mae_km"]),
                        "n_test_date": 0, "test_sum_abs_date_days": 0.0,
                        "test_mae_date_days": math.nan,
                        "nominal_mae_date_days": float(nominal["mae_date_days"]),
                        "note": f"no fit without {held}: {exc}"})
            continue
        test, nominal = _at(scores, f["point"], [held]), _at(scores, _NOMINAL, [held])
        out.append({"held_out": held, "point": f["point"],
                    **{k: v for k, v in f.items() if k in PARAMETERS},
                    "train_mae_km": f["mae_km"], "n_test_km": int(test["n_km"]),
                    "test_sum_abs_km": float(test["sum_abs_km"]),
                    "test_mae_km": float(test["mae_km"]),
                    "nominal_mae_km": float(nominal["mae_km"]),
                    "n_test_date": int(test["n_date"]),
                    "test_sum_abs_date_days": float(test["sum_abs_date_days"]),
                    "test_mae_date_days": float(test["mae_date_days"]),
                    "nominal_mae_date_days": float(nominal["mae_date_days"])})
    return pd.DataFrame(out)


@dataclass(frozen=True)
class Calibration:
    """Result of :func:`calibrate`: ``bounds``, ``points`` per parameter, the cached ``table``,
    the ``fitted`` point on all axes, the ``nominal`` pooled errors, ``loao`` per held-out
    axis (None with fewer than two axes) and its pooled held-out MAEs ``loao_mae_km`` and
    ``loao_mae_date_days``; ``loss``: what the fits minimised (:data:`LOSSES`);
    ``summaries``: the figures of merit of `logistics compare` (``summary.summarize``: per axis
    and ``ALL``) for ``"nominal"`` (configs as written), ``"in_sample"`` (every axis at the fit
    on all axes) and ``"loao"`` (each axis at the fit on the other axes); ``rows``: the
    comparison rows behind each of them (column ``scored_as``)."""

    bounds: dict[str, tuple[float, float]]
    points: int
    table: pd.DataFrame
    fitted: dict[str, Any]
    nominal: dict[str, float]
    loao: pd.DataFrame | None
    loao_mae_km: float
    summaries: dict[str, pd.DataFrame] = field(default_factory=dict)
    rows: pd.DataFrame | None = None
    loss: str = DEFAULT_LOSS
    loao_mae_date_days: float = math.nan

    def _values(self, name: str) -> list[float]:
        """The values of ``name`` searched (the grid's, nominal run aside), ascending."""
        grid = self.table[self.table["point"] != _NOMINAL]
        return sorted(set(map(float, grid[name].dropna())))

    def _loss_text(self) -> str:
        if self.loss == "date":
            return ("Loss: pooled mean absolute date error (days) over the dated documented "
                    "rows, censored rows at their lower bound (see score.py); the km MAE "
                    "beside it.")
        return ("Loss: pooled mean absolute km error over scorable documented rows (see "
                "score.py); the date MAE beside it.")

    def report(self, *, markdown: bool = True) -> str:
        """Markdown summary: bounds, fitted values, nominal vs fitted, LOAO per axis. With
        ``markdown=False`` (the screen) the per-axis summaries are the compare's screen tables
        (100 columns, short headers) instead of the wide Markdown ones."""
        names = [k for k in self.bounds]
        lines = ["# Calibration of global parameters", "",
                 f"Grid: {self.points} points per parameter and each scale's nominal 1 "
                 "within its bounds: "
                 + ", ".join(f"{k} {lo:g}..{hi:g} ({', '.join(f'{v:g}' for v in self._values(k))})"
                             for k, (lo, hi) in self.bounds.items())
                 + f"; axes: {', '.join(dict.fromkeys(self.table['axis_id']))}.", "",
                 self._loss_text(), "",
                 "| | " + " | ".join(names) + " | MAE km | MAE date (days) | rows |",
                 "|---|" + "---|" * (len(names) + 3),
                 "| nominal (configs as written) | " + " | ".join("-" for _ in names)
                 + f" | {self.nominal['mae_km']:.1f} | {self.nominal['mae_date_days']:.2f} | {self.nominal['n_km']} |",
                 "| fitted on all axes (in-sample) | " + " | ".join(f"{self.fitted[k]:g}" for k in names)
                 + f" | {self.fitted['mae_km']:.1f} | {self.fitted['mae_date_days']:.2f} | {self.fitted['n_km']} |",
                 ""]
        lines += self._summaries(markdown)
        if self.loao is None:
            lines.append("Leave-one-axis-out needs at least two axes: no out-of-sample figure.")
            return "\n".join(lines) + "\n"
        lines += [f"## Leave-one-axis-out fits ({self.loss} loss)", "",
                  f"Pooled held-out MAE: **{self.loao_mae_date_days:.2f} days** (nominal on the "
                  f"same rows: {self.nominal['mae_date_days']:.2f}; in-sample fit: "
                  f"{self.fitted['mae_date_days']:.2f}) and **{self.loao_mae_km:.1f} km** "
                  f"(nominal {self.nominal['mae_km']:.1f} km; in-sample fit: "
                  f"{self.fitted['mae_km']:.1f} km).", "",
                  "| held-out axis | " + " | ".join(f"{k} (fit on others)" for k in names)
                  + " | held-out MAE km | nominal MAE km | held-out MAE date | nominal MAE date | rows |",
                  "|---|" + "---|" * (len(names) + 5)]
        for r in self.loao.to_dict("records"):
            lines.append(f"| {r['held_out']} | " + " | ".join(f"{r[k]:g}" for k in names)
                         + f" | {r['test_mae_km']:.1f} | {r['nominal_mae_km']:.1f} | "
                         f"{r['test_mae_date_days']:.2f} | {r['nominal_mae_date_days']:.2f} | {r['n_test_km']} |")
        notes = [str(n) for n in self.loao.get("note", pd.Series(dtype=object)).dropna()]
        if notes:
            lines += [""] + [f"- {n}" for n in notes]
        return "\n".join(lines) + "\n"

    def fit_table(self) -> pd.DataFrame:
        """One row each for ``nominal``, ``in_sample`` (fit on all axes) and ``loao`` (pooled
        held-out): the parameter values (NaN: as in the configs; LOAO: one fit per axis, see
        :attr:`loao`), the km and date MAEs and the rows each is over, the loss the fits
        minimised and the grid it was searched on."""
        names = list(self.bounds)
        grid = "; ".join(f"{k} {lo:g}..{hi:g} x{len(self._values(k))}"
                         for k, (lo, hi) in self.bounds.items())

        def errors(d: Mapping[str, Any]) -> dict[str, Any]:
            return {k: d.get(k, math.nan) for k in ("mae_km", "n_km", "mae_date_days", "n_date")}

        rows = [{"scored_as": "nominal", **{k: math.nan for k in names}, **errors(self.nominal)},
                {"scored_as": "in_sample", **{k: self.fitted[k] for k in names},
                 **errors(self.fitted)}]
        if self.loao is not None:
            rows.append({"scored_as": "loao", **{k: math.nan for k in names},
                         "mae_km": self.loao_mae_km, "n_km": int(self.loao["n_test_km"].sum()),
                         "mae_date_days": self.loao_mae_date_days,
                         "n_date": int(self.loao["n_test_date"].sum())})
        return pd.DataFrame(rows).assign(loss=self.loss, grid=grid)

    def _summaries(self, markdown: bool = True) -> list[str]:
        from logistics.history.summary import format_summary

        titles = {"nominal": "Nominal (configs as written, nothing fitted)",
                  "in_sample": "In-sample (every axis at the fit on all axes)",
                  "loao": "Leave-one-axis-out (each axis at the fit on the other axes: the honest figure)"}
        out = []
        for key, title in titles.items():
            if key in self.summaries:
                out += [f"## {title}", "", format_summary(self.summaries[key], markdown=markdown)]
                out += [] if markdown else [""]
        return out


def calibrate(axes: Mapping[str, Sequence[Any]], *, params: Sequence[str] = DEFAULT_PARAMS,
              bounds: Mapping[str, tuple[float, float]] | None = None, points: int = 3,
              runner: Callable[..., Any] | None = None, client: Any = None,
              tolerance_km: float = DEFAULT_TOLERANCE_KM, resolution_m: float | None = None,
              dem: str = "merged", seed: int = 0, progress: bool = False,
              railways: Any = None, loss: str = DEFAULT_LOSS,
              config_dir: Any = None, armies: Mapping[str, Any] | None = None,
              unscored: Mapping[str, Any] | None = None,
              warn: Callable[[str], None] | None = None) -> Calibration:
    """Fit ``params`` (at most three global ones) on ``axes`` by grid search; LOAO beside it.

    ``axes`` maps axis_id -> (army, documented rows[, departure line]); ``railways`` as in
    ``compare`` (the independent baseline's rail graph). ``bounds`` default to the union of the scenarios' ``uncertain:`` ranges, else
    :data:`DEFAULT_BOUNDS`. ``loss``: ``"date"`` or ``"km"`` (:data:`LOSSES`). ``config_dir``:
    the configs folder read (``settings.CONFIG_DIR`` when None): each army runs on it (checked
    again against it when loaded on another, ``runner.army_for``), and the baselines read its
    planned rates and railways. ``armies``: as :func:`score_grid`'s (the CLI gives every army
    file of the folder). ``unscored`` (the folder's armies not scored; the CLI gives them):
    the grid is searched with each army alone, then the nominal, fitted and LOAO folds'
    points run again as `logistics compare` runs them (with the unscored armies, every army
    sharing its fortified-region breaches, :func:`score_grid`), and every figure reported
    (nominal, in-sample, LOAO, summaries) is theirs; ``table`` stays the search. None: no
    sharing. ``warn``: as :func:`score_grid`'s.
    """
    if loss not in LOSSES:
        raise ConfigError(f"unknown loss {loss!r}; fix: one of {', '.join(LOSSES)}")
    if not axes:
        raise ConfigError("calibration needs at least one axis with a scenario and documented rows")
    if len(set(params)) > 3 or not params:
        raise ConfigError(f"fit one to three global parameters, got {list(params)}")
    extra = sorted(set(bounds or {}) - set(params))
    if extra:
        raise ConfigError(f"bounds given for {', '.join(extra)}, which is not being fitted "
                          f"(fitting {', '.join(params)}); add it to the parameters or drop it")
    if config_dir is not None:
        axes = {a: (_on_folder(entry[0], config_dir), *entry[1:]) for a, entry in axes.items()}
        if unscored is not None:
            unscored = {a: _on_folder(sc, config_dir) for a, sc in unscored.items()}
    auto = bounds_from_scenarios(params, [entry[0] for entry in axes.values()])
    b = {k: tuple(bounds[k]) if bounds and k in bounds else auto[k] for k in params}
    grid = grid_points(b, points)
    run = dict(runner=runner, client=client, tolerance_km=tolerance_km,
               resolution_m=resolution_m, dem=dem, seed=seed, progress=progress,
               railways=railways, config_dir=config_dir, armies=armies)
    table, scored = score_grid(axes, grid, **run)  # the search: each army alone
    fitted = fit(table, list(axes), loss)
    scores = table
    if unscored is not None:
        # the points reported (nominal, the fit, each fold's) run again as `logistics compare`
        # runs them: with the folder's unscored armies, sharing the fortified-region breaches
        # (every point so: about 6x the time; assumed: the search's order of the points holds)
        folds = leave_one_axis_out(table, loss)["point"] if len(axes) >= 2 else []
        at = {_NOMINAL, fitted["point"], *(int(p) for p in folds if p != _NO_FIT)}
        shared, again = score_grid(axes, grid, **run, unscored=unscored, warn=warn, only=at)
        scored.update(again)
        scores = pd.concat([table[~table["point"].isin(at)], shared], ignore_index=True)
        best = _at(scores, fitted["point"], list(axes))
        fitted.update({k: (int if k.startswith("n_") else float)(best[k])
                       for k in ("mae_km", "mae_date_days", "n_km", "n_date")})
    nom = _at(scores, _NOMINAL, list(axes))
    nominal = {"mae_km": float(nom["mae_km"]), "mae_date_days": float(nom["mae_date_days"]),
               "n_km": int(nom["n_km"]), "n_date": int(nom["n_date"])}
    loao, loao_mae, loao_days = None, math.nan, math.nan
    if len(axes) >= 2:
        loao = leave_one_axis_out(table, loss, scores)
        n = loao["n_test_km"].sum()
        loao_mae = float(loao["test_sum_abs_km"].sum() / n) if n else math.nan
        n = loao["n_test_date"].sum()
        loao_days = float(loao["test_sum_abs_date_days"].sum() / n) if n else math.nan
    chosen = {"nominal": {a: _NOMINAL for a in axes}, "in_sample": {a: fitted["point"] for a in axes}}
    if loao is not None:
        fitted_folds = loao[loao["point"] != _NO_FIT]
        if len(fitted_folds):
            chosen["loao"] = dict(zip(fitted_folds["held_out"],
                                      fitted_folds["point"].astype(int)))
    rows = pd.concat([scored[p, a].assign(scored_as=key, point=p)
                      for key, at in chosen.items() for a, p in at.items() if len(scored[p, a])],
                     ignore_index=True)
    summaries = {key: summarize(rows[rows["scored_as"] == key]) for key in chosen}
    return Calibration(b, points, table, fitted, nominal, loao, loao_mae, summaries, rows,
                       loss=loss, loao_mae_date_days=loao_days)
