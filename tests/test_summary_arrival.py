"""The run summary's arrival is the hour a formation reached its last objective at its route's
end, not the end of the hour step it arrived in (a new user read '18 Aug 04:00' in one line
and 'Mukden 18 Aug 02:54' in the next as two arrivals)."""

from __future__ import annotations

import pandas as pd
import pytest

from logistics import settings
from logistics.runner import run_scenario

pytestmark = pytest.mark.slow


def test_arrival_is_the_last_objectives_time():
    r = run_scenario(settings.CONFIG_DIR / "tbf-17a.yaml", resolution_m=10_000.0)
    checked = 0
    for f in r.summary["formations"]:
        if not f["arrived"]:
            continue
        obj = r.reached[(r.reached["formation_id"] == f["formation_id"])
                        & (r.reached["kind"] == "objective")]
        assert len(obj)
        last = obj.iloc[-1]
        if float(last["cum_km"]) >= f["route_km"] - 0.5:
            assert pd.Timestamp(f["arrived"]["time"]) == pd.Timestamp(last["time"])
            checked += 1
    assert checked >= 1
