"""Per-axis and overall figures of merit from the comparison table, and their text table.

Error measures (each over the rows where it exists; the report repeats these definitions):

* ``median_abs_date_error_days`` and ``share_within_1_day``: over date-scored rows (a place
  reached); a censored row (place never reached) counts at its lower bound and never as
  within a day.
* ``median_abs_rel_km_error``: over rows with a documented distance.
* ``mae_km`` / ``baseline_mae_km``: mean absolute ``error_km`` (see ``score.py``).
* ``skill`` = 1 - mae_km / baseline_mae_km over rows scored for both model and baseline;
  ``skill_date`` the same with absolute date errors in days. 1 = perfect, 0 = no better than
  the planned rate, < 0 worse; NaN when the baseline's error is 0 (undefined) or no row pairs.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from logistics.history.baseline import skill as _skill

__all__ = ["SUMMARY_COLUMNS", "summarize", "format_summary"]

#: Columns of :func:`summarize`'s frame.
SUMMARY_COLUMNS: tuple[str, ...] = (
    "axis_id", "rows", "scorable_rows", "date_rows", "censored_rows",
    "median_abs_date_error_days", "share_within_1_day", "distance_rows",
    "median_abs_rel_km_error", "mae_km", "baseline_mae_km", "skill", "mae_date_days",
    "baseline_mae_date_days", "skill_date", "disagreeing_rows",
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


def _one(axis: str, c: pd.DataFrame) -> dict:
    dated = c[c["scorable_date"].astype(bool)]
    abs_date = dated["date_error_days"].abs()
    within = (abs_date <= 1.0) & ~dated["date_censored"].astype(bool)
    dist = c[c["scorable_km"].astype(bool)]
    pair_km = c[["error_km", "baseline_error_km"]].dropna()
    pair_d = c[["date_error_days", "baseline_date_error_days"]].dropna()
    return {
        "axis_id": axis,
        "rows": len(c),
        "scorable_rows": int(c["scorable"].astype(bool).sum()),
        "date_rows": len(dated),
        "censored_rows": int(dated["date_censored"].astype(bool).sum()),
        "median_abs_date_error_days": _median(abs_date),
        "share_within_1_day": float(within.mean()) if len(dated) else math.nan,
        "distance_rows": len(dist),
        "median_abs_rel_km_error": _median(dist["rel_km_error"].abs()),
        "mae_km": _mean(pair_km["error_km"].abs()),
        "baseline_mae_km": _mean(pair_km["baseline_error_km"].abs()),
        "skill": _skill(pair_km["error_km"].abs(), pair_km["baseline_error_km"].abs()),
        "mae_date_days": _mean(pair_d["date_error_days"].abs()),
        "baseline_mae_date_days": _mean(pair_d["baseline_date_error_days"].abs()),
        "skill_date": _skill(pair_d["date_error_days"].abs(), pair_d["baseline_date_error_days"].abs()),
        "disagreeing_rows": int((c["disagreement"].fillna("") != "").sum()),
    }


_HEADERS = (
    ("axis_id", "axis", "{}"), ("rows", "rows", "{:d}"), ("scorable_rows", "scored", "{:d}"),
    ("median_abs_date_error_days", "median abs date err (d)", "{:.2f}"),
    ("share_within_1_day", "within 1 d", "{:.0%}"),
    ("median_abs_rel_km_error", "median abs rel km err", "{:.0%}"),
    ("mae_km", "MAE km", "{:.0f}"), ("baseline_mae_km", "plan MAE km", "{:.0f}"),
    ("skill", "skill (km)", "{:+.2f}"), ("skill_date", "skill (date)", "{:+.2f}"),
)


def format_summary(summary: pd.DataFrame, *, markdown: bool = False) -> str:
    """The summary as an aligned text table (or a Markdown table); NaN shows as '-'."""
    cells = [[h for _, h, _ in _HEADERS]]
    for r in summary.to_dict("records"):
        row = []
        for key, _, fmt in _HEADERS:
            v = r[key]
            row.append("-" if isinstance(v, float) and math.isnan(v) else fmt.format(v))
        cells.append(row)
    if markdown:
        lines = ["| " + " | ".join(cells[0]) + " |", "|" + "---|" * len(cells[0])]
        return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in cells[1:]]) + "\n"
    widths = [max(len(r[i]) for r in cells) for i in range(len(cells[0]))]
    return "\n".join("  ".join(v.rjust(w) if i else v.ljust(w) for i, (v, w) in enumerate(zip(r, widths)))
                     for r in cells) + "\n"
