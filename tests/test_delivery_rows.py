"""deliveries.csv against the ledger (logistics/advance/resupply.py ``Resupply.book``): a
share that finds its taker and the reserve full waits with its taker, and its rows are those of
the delivery it came with, each offering its whole load; every litre the ledger booked is on
one row, on the day it was booked.

The corridor of tests/conftest.py (one formation, 10 tanks of 200 L, 2 L/km), 20 trucks of
500 L at 10 km/h from km 0, a 500 L reserve drawn anywhere, and an airlift of 2,000 L a day at
09:00 that fills the formation while a convoy is on its way to it."""

from __future__ import annotations

import dataclasses
import math
from datetime import timedelta

import pandas as pd
import pytest

from logistics.advance.simulate import simulate_army
from logistics.advance.supply_specs import AirSpec

from tests.test_advance import truck_column


@pytest.fixture(scope="module")
def filled_run():
    """The run: its deliveries and army days."""
    from tests.conftest import _corridor

    air = AirSpec(name="air", first_day_h=0.0, n_days=3, hour_offset_h=9.0, total_l=6000.0,
                  fuel_type="diesel", daily_cv=0.0)
    plan = _corridor(days=3, trucks=(truck_column(20, km_per_h=10.0),), airlifts=(air,))
    plan = dataclasses.replace(plan, reserve_l={"diesel": 0.0},
                               reserve_capacity_l={"diesel": 500.0})
    r = simulate_army(plan)
    return r, plan.start


def _back_l(note: str) -> float:
    """Litres a row's note says were taken by none (driven or flown back, left)."""
    import re

    m = re.search(r"; (\d+) L taken by none", note)
    return float(m.group(1)) if m else 0.0


def test_a_share_waiting_with_its_taker_stays_in_its_delivery(filled_run):
    """The convoy reaching "corridor" at 10:54 on 9 Aug, 2,000 L, finds it filled by the
    airlift: the row of that hour offers the whole 2,000 L, says what waits, and the litres
    "corridor" takes in the next hours are rows of the same delivery, each offering the same
    2,000 L; all of it is taken. On main the row of 10:54 offered only what was taken then
    (800 L) and each later hour's litres were a delivery of their own, offering only
    themselves, so nothing said the load had come whole (ledger36)."""
    r, _ = filled_run
    dl = r.deliveries
    waited = dl[dl["note"].str.contains(" L wait with corridor")]
    assert len(waited)
    for did in waited["delivery_id"].unique():
        rows = dl[dl["delivery_id"] == did].sort_values("time", kind="stable")
        assert len(rows) >= 2
        first = rows.iloc[0]
        assert first["litres"] < first["offered_l"] - 1.0  # arrived, not all taken then
        assert (rows["offered_l"] == first["offered_l"]).all()
        assert rows["litres"].sum() + sum(map(_back_l, rows["note"])) == pytest.approx(
            first["offered_l"], abs=1.0)


def test_every_delivery_offers_what_its_rows_took_and_sent_back(filled_run):
    """Per delivery id its own figures repeat on each row (the first row is its arrival), and
    its whole load is what its rows took plus what they say went back (rounded to 1 L)."""
    r, _ = filled_run
    dl = r.deliveries
    per = dl.groupby("delivery_id")
    assert (per[["source", "kind", "offered_l", "truck_fuel_l"]].nunique() == 1).all().all()
    assert (per["time"].first() == per["time"].min()).all()
    took = per["litres"].sum() + per["note"].agg(lambda n: sum(map(_back_l, n)))
    pd.testing.assert_series_equal(took, per["offered_l"].first(), check_names=False,
                                   atol=1.0 * per.size().max(), rtol=0.0)
    # what went back is what the army's days say went back
    assert sum(map(_back_l, dl["note"])) == pytest.approx(r.army_daily["returned_l"].sum(),
                                                          abs=1.0 * len(dl))


def test_the_rows_add_up_to_the_army_days_by_the_day_they_were_booked(filled_run):
    """army_daily.csv ``delivered_l`` (and each kind's) is the sum of the deliveries' litres
    booked that day: a row's litres are booked at the start of the hour step after its time
    (one at 23:30 counts in the next day's)."""
    r, start = filled_run
    dl = r.deliveries.copy()
    hours = (dl["time"] - start) / timedelta(hours=1)
    dl["day"] = [(start + timedelta(hours=math.ceil(h - 1e-9))).date() for h in hours]
    days = r.army_daily.assign(day=pd.to_datetime(r.army_daily["date"]).dt.date)
    by_day = dl.groupby("day")["litres"].sum()
    for _, row in days.iterrows():
        assert by_day.get(row["day"], 0.0) == pytest.approx(row["delivered_l"], abs=1e-6)
        for kind in ("truck", "air"):
            got = dl[(dl["day"] == row["day"]) & (dl["kind"] == kind)]["litres"].sum()
            assert got == pytest.approx(row[f"delivered_{kind}_l"], abs=1e-6)
