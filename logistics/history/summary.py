"""Per-axis and overall figures of merit from the comparison table, and their text table.

Error measures (each over the rows where it exists; the report repeats these definitions):

* ``median_abs_date_error_days`` and ``share_within_1_day``: over date-scored rows (a place
  reached); a censored row (place never reached) counts at its lower bound and never as
  within a day.
* ``median_abs_rel_km_error``: over rows with a documented distance.
* ``mae_km``: mean absolute ``error_km`` (see ``score.py``); ``baseline_route_mae_km`` and
  ``baseline_indep_mae_km`` the same for the planned-rate baseline along the model's route and
  along the model-independent route (``baseline.py``), each over the rows scored for both.
* ``skill_route`` / ``skill_indep`` = 1 - model MAE / baseline MAE over rows scored for both
  model and that baseline (km); ``skill_date_route`` / ``skill_date_indep`` the same with
  absolute date errors in days. ``skill`` and ``skill_date`` are the *harder* of the two (the
  lower skill: the baseline the model beats least). 1 = perfect, 0 = no better than the
  planned rate, < 0 worse; NaN when the baseline's error is 0 (undefined) or no row pairs.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from logistics.history.baseline import skill as _skill

__all__ = ["SUMMARY_COLUMNS", "summarize", "format_summary"]

#: Columns of :func:`summarize`'s frame.
SUMMARY_COLUMNS: tuple[str, ...] = (
    "axis_id", "rows", "scorable_rows", "date_rows", "censored_rows", "offroute_rows",
    "median_abs_date_error_days", "share_within_1_day", "distance_rows",
    "median_abs_rel_km_error", "median_route_error_km", "mae_km", "baseline_route_mae_km",
    "baseline_indep_mae_km", "skill_route", "skill_indep", "skill", "mae_date_days",
    "baseline_route_mae_date_days", "baseline_indep_mae_date_days", "skill_date_route",
    "skill_date_indep", "skill_date", "disagreeing_rows",
)

OVERALL = "ALL"


def summarize(comparison: pd.DataFrame) -> pd.DataFrame:
    """One row per axis (in order of appearance) and a last row ``ALL`` over every row."""
    axes = list(dict.fromkeys(comparison["axis_id"]))
    rows = [_one(a, comparison[comparison["axis_id"] == a]) for a in axes]
    rows.append(_one(OVERALL, comparison))
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))


def _median(x: pd.Series) -> float:
    x = x.dropna()
    return float(np.median(x)) if len(x) else math.nan


def _mean(x: pd.Series) -> float:
    x = x.dropna()
    return float(np.mean(x)) if len(x) else math.nan


def _pair(c: pd.DataFrame, model: str, base: str) -> tuple[float, float, float]:
    """(model MAE, baseline MAE, skill) over the rows scored for both."""
    if model not in c or base not in c:
        return math.nan, math.nan, math.nan
    p = c[[model, base]].apply(pd.to_numeric, errors="coerce").dropna()
    return (_mean(p[model].abs()), _mean(p[base].abs()), _skill(p[model].abs(), p[base].abs()))


def _harder(a: float, b: float) -> float:
    vals = [v for v in (a, b) if not math.isnan(v)]
    return min(vals) if vals else math.nan


def _one(axis: str, c: pd.DataFrame) -> dict:
    dated = c[c["scorable_date"].astype(bool)]
    abs_date = pd.to_numeric(dated["date_error_days"]).abs()
    within = (abs_date <= 1.0) & ~dated["date_censored"].astype(bool)
    dist = c[c["scorable_km"].astype(bool)]
    mae, b_route, s_route = _pair(c, "error_km", "baseline_route_error_km")
    _, b_indep, s_indep = _pair(c, "error_km", "baseline_indep_error_km")
    mae_d, bd_route, sd_route = _pair(c, "date_error_days", "baseline_route_date_error_days")
    _, bd_indep, sd_indep = _pair(c, "date_error_days", "baseline_indep_date_error_days")
    if math.isnan(mae):
        mae = _mean(pd.to_numeric(c["error_km"]).abs())
    if math.isnan(mae_d):
        mae_d = _mean(abs_date)
    timing = c["timing"].astype(object).fillna("") if "timing" in c else pd.Series([""] * len(c))
    route_err = pd.to_numeric(c["route_error_km"]) if "route_error_km" in c else pd.Series(dtype=float)
    return {
        "axis_id": axis,
        "rows": len(c),
        "scorable_rows": int(c["scorable"].astype(bool).sum()),
        "date_rows": len(dated),
        "censored_rows": int(dated["date_censored"].astype(bool).sum()),
        "offroute_rows": int((timing[c["scorable_date"].astype(bool)] == "off-route").sum()),
        "median_abs_date_error_days": _median(abs_date),
        "share_within_1_day": float(within.mean()) if len(dated) else math.nan,
        "distance_rows": len(dist),
        "median_abs_rel_km_error": _median(pd.to_numeric(dist["rel_km_error"]).abs()),
        "median_route_error_km": _median(route_err[c["scorable_date"].astype(bool)]),
        "mae_km": mae,
        "baseline_route_mae_km": b_route,
        "baseline_indep_mae_km": b_indep,
        "skill_route": s_route,
        "skill_indep": s_indep,
        "skill": _harder(s_route, s_indep),
        "mae_date_days": mae_d,
        "baseline_route_mae_date_days": bd_route,
        "baseline_indep_mae_date_days": bd_indep,
        "skill_date_route": sd_route,
        "skill_date_indep": sd_indep,
        "skill_date": _harder(sd_route, sd_indep),
        "disagreeing_rows": int((c["disagreement"].fillna("") != "").sum()),
    }


_HEADERS = (
    ("axis_id", "axis", "{}"), ("rows", "rows", "{:d}"), ("scorable_rows", "scored", "{:d}"),
    ("offroute_rows", "off route", "{:d}"),
    ("median_abs_date_error_days", "median abs date err (d)", "{:.2f}"),
    ("share_within_1_day", "within 1 d", "{:.0%}"),
    ("median_abs_rel_km_error", "median abs rel km err", "{:.0%}"),
    ("median_route_error_km", "median route err km", "{:.0f}"),
    ("mae_km", "MAE km", "{:.0f}"),
    ("skill_date_route", "date skill (model route)", "{:+.2f}"),
    ("skill_date_indep", "date skill (indep. route)", "{:+.2f}"),
    ("skill_route", "km skill (model route)", "{:+.2f}"),
    ("skill_indep", "km skill (indep. route)", "{:+.2f}"),
)


#: The screen's two blocks (title, columns by key with a short header, notes): every number of
#: :data:`_HEADERS` in :data:`SCREEN_WIDTH` columns, the axis repeated in each block; the
#: Markdown tables of the reports keep the long headers.
_SCREEN_BLOCKS: tuple[tuple[str, tuple[tuple[str, str], ...], str], ...] = (
    ("", (("axis_id", "axis"), ("rows", "rows"), ("scorable_rows", "scored"),
          ("offroute_rows", "off route"), ("median_abs_date_error_days", "date err (d)"),
          ("share_within_1_day", "within 1 d"), ("median_abs_rel_km_error", "rel km err"),
          ("median_route_error_km", "route err km"), ("mae_km", "MAE km")),
     "date err, rel km err, route err km: medians of the absolute errors; MAE km: the mean "
     "absolute km error; off route: date-scored rows at places the model's route does not pass"),
    ("skill against the planned-rate baseline (1 perfect, 0 no better, < 0 worse)",
     (("axis_id", "axis"), ("skill_date_route", "date, model route"),
      ("skill_date_indep", "date, indep. route"), ("skill_route", "km, model route"),
      ("skill_indep", "km, indep. route")), ""),
)

#: The width of the screen table (a terminal of 100 columns).
SCREEN_WIDTH = 100


def format_summary(summary: pd.DataFrame, *, markdown: bool = False) -> str:
    """The summary as aligned text for a screen of :data:`SCREEN_WIDTH` columns (two blocks
    with short headers and a note), or as a Markdown table with the long headers; NaN shows
    as '-'."""
    fmts = {key: fmt for key, _, fmt in _HEADERS}
    records = summary.to_dict("records")

    def cells(columns) -> list[list[str]]:
        return [[h for _, h in columns]] + [[_cell(r[k], fmts[k]) for k, _ in columns]
                                            for r in records]

    if markdown:
        rows = cells([(k, h) for k, h, _ in _HEADERS])
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
        return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows[1:]]) + "\n"
    import textwrap

    blocks = []
    for title, columns, note in _SCREEN_BLOCKS:
        lines = textwrap.wrap(title, SCREEN_WIDTH) + _aligned(cells(columns), SCREEN_WIDTH)
        blocks.append("\n".join(lines + textwrap.wrap(note, SCREEN_WIDTH)))
    return "\n\n".join(blocks) + "\n"


def _cell(v, fmt: str) -> str:
    return "-" if v is None or (isinstance(v, float) and math.isnan(v)) else fmt.format(v)


def _aligned(rows: list[list[str]], width: int | None = None) -> list[str]:
    """Text rows as columns two spaces apart: the first left-aligned, the others right; when
    the rows would pass ``width`` characters, the first column's long names (the axis ids a
    user chose) are cut to fit, ending in '~' (at least 8 characters are kept)."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    over = sum(widths) + 2 * (len(widths) - 1) - width if width else 0
    if over > 0 and widths[0] > 8:
        keep = max(8, widths[0] - over)
        rows = [[r[0] if len(r[0]) <= keep else r[0][:keep - 1] + "~", *r[1:]] for r in rows]
        widths[0] = keep
    return ["  ".join(v.rjust(w) if i else v.ljust(w) for i, (v, w) in enumerate(zip(r, widths)))
            for r in rows]
