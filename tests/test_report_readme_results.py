"""The README's results block is made from the output folders, and only that block changes."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from logistics.errors import DataError
from logistics.history.summary import SUMMARY_COLUMNS
from logistics.report.readme_results import BEGIN, END, main, results_markdown, splice


def _summary(axis_share: float) -> pd.DataFrame:
    rows = []
    for axis in ("AX", "ALL"):
        r = {c: math.nan for c in SUMMARY_COLUMNS}
        r.update(axis_id=axis, rows=2, scorable_rows=1, share_within_1_day=axis_share,
                 median_abs_date_error_days=1.5, median_abs_rel_km_error=0.25,
                 median_route_error_km=12.0, skill_date_route=0.5, skill_date_indep=-0.25,
                 skill_date=-0.25)
        rows.append(r)
    return pd.DataFrame(rows)


@pytest.fixture
def folders(tmp_path):
    cmp_dir, cal_dir = tmp_path / "compare", tmp_path / "calibrate"
    cmp_dir.mkdir()
    cal_dir.mkdir()
    _summary(0.5).to_csv(cmp_dir / "summary.csv", index=False)
    pd.DataFrame([
        {"row": 2, "axis_id": "AX", "date": "1945-08-10", "place_reached": "Alpha", "event": "arrival",
         "scorable": True, "note": ""},
        {"row": 3, "axis_id": "AX", "date": "1945-08-26", "place_reached": "Fort", "event": "siege_end",
         "scorable": False, "note": "matched to a; siege end: the model does not represent this "
                                   "siege, so its end is not scored"},
    ]).to_csv(cmp_dir / "comparison.csv", index=False)
    pd.DataFrame([
        {"axis_id": "AX", "date": "1945-08-12", "formation": "7th Mechanized Corps",
         "matched_formation": "7mc", "refills": 0.25, "model_refills": 0.4, "refills_error": 0.15,
         "within_tolerance": True},
        {"axis_id": "AX", "date": "1945-08-13", "formation": "the army", "matched_formation": "a,b",
         "refills": math.nan, "model_refills": 0.3, "refills_error": math.nan, "within_tolerance": None,
         "state": "waited for fuel", "model_held_h": "a 14 h; b 0 h",
         "model_dry_classes": "a: zis-5; b: -"},
    ]).to_csv(cmp_dir / "fuel_states.csv", index=False)
    pd.DataFrame([
        {"scored_as": "nominal", "speed_scale": math.nan, "mae_km": 100.0, "n_km": 4, "grid": "g"},
        {"scored_as": "in_sample", "speed_scale": 1.25, "mae_km": 80.0, "n_km": 4, "grid": "g"},
        {"scored_as": "loao", "speed_scale": math.nan, "mae_km": 120.0, "n_km": 4, "grid": "g"},
    ]).to_csv(cal_dir / "fit.csv", index=False)
    _summary(1.0).to_csv(cal_dir / "summary_in_sample.csv", index=False)
    _summary(0.0).to_csv(cal_dir / "summary_loao.csv", index=False)
    pd.DataFrame([{"held_out": "AX", "speed_scale": 0.75}]).to_csv(cal_dir / "loao.csv", index=False)
    return cmp_dir, cal_dir


def test_block_carries_the_folders_figures(folders):
    text = results_markdown(*folders)
    assert "| AX | 2 | 1 | 50% | 1.50 | 25% | 12 | +0.50 | -0.25 | -0.25 |" in text
    assert "row 3 (AX, 1945-08-26, Fort): siege_end; siege end: the model does not represent" in text
    assert "| in-sample | AX | 1 | 100% |" in text and "| leave-one-axis-out | AX | 1 | 0% |" in text
    assert "`speed_scale` 1.25" in text and "**120.0 km leave-one-axis-out**" in text
    assert "AX: speed_scale 0.75" in text
    # a state without a documented figure is not scored
    assert "within ±0.25 refill: 1 of 1" in text
    assert "| AX | 1945-08-12 | 7th Mechanized Corps | 7mc | 0.25 | 0.400 | +0.150 | yes |" in text
    # ... it is listed beside the hours the model held each matched formation for fuel that day
    assert "| AX | 1945-08-13 | the army | waited for fuel | a 14 h; b 0 h | a: zis-5; b: - |" in text


def test_splice_replaces_only_the_block(folders, tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"# T\n\nbefore\n{BEGIN}\nold numbers\n{END}\nafter\n", encoding="utf-8")
    main([str(readme), "--compare", str(folders[0])])
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("# T\n\nbefore\n" + BEGIN + "\n**Modeled")
    assert text.endswith(END + "\nafter\n") and "old numbers" not in text
    with pytest.raises(DataError):
        splice("no markers", "x")
    with pytest.raises(DataError, match="not found"):
        results_markdown(tmp_path)
