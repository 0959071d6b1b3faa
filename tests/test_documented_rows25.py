"""Documented rows a user's file gets wrong (docrows25): each said once, none scored silently."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from logistics.history.documented import COLUMNS, load_documented

GOOD = {
    "axis_id": "X-1", "front": "F", "formation": "1st Army", "date": "1945-08-10",
    "place_reached": "Somewhere", "lat": "45.0", "lon": "121.0",
    "cumulative_km_from_start_documented": "", "start_place": "Start",
    "start_lat": "45.0", "start_lon": "120.0", "source": "book", "quote": "q",
    "confidence": "high", "notes": "", "coord_quality": "approx_uncertain",
    "km_min": "", "km_max": "",
}


def write(path: Path, rows) -> Path:
    """``rows`` over :data:`GOOD`, each dated a day after the one before unless it says."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(COLUMNS))
        w.writeheader()
        for n, r in enumerate(rows):
            w.writerow({**GOOD, "date": f"1945-08-{10 + n:02d}", **r})
    return path


# --- (c) a date without zero padding ------------------------------------------------------------

@pytest.mark.parametrize("text, day", [("1945-8-11", "1945-08-11"), ("1945-08-9", "1945-08-09"),
                                       ("1945-8-09", "1945-08-09")])
def test_an_unpadded_iso_date_is_read(tmp_path, text, day):
    doc = load_documented(write(tmp_path / "d.csv", [{"date": text}]))
    assert doc.problems == (), doc.report()
    assert doc.table["usable"].all() and str(doc.table["date"].iloc[0].date()) == day


@pytest.mark.parametrize("text", ["8/11/1945", "11.8.1945", "1945-8-32", "1945-2-30", "45-8-11",
                                  "1945-008-11"])
def test_a_date_in_another_order_or_not_on_the_calendar_stays_refused(tmp_path, text):
    doc = load_documented(write(tmp_path / "d.csv", [{"date": text}]))
    assert [(p.row, p.column, p.consequence) for p in doc.problems] == [
        (2, "date", "row not scored")], doc.report()
    assert not doc.table["usable"].any()
