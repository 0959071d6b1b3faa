"""Bad inputs found from outside (helper "badin"): each ends in one clear error of ours.

Each test is a case a user hit as a hang, a silently accepted nonsense value or an error that
did not name the file, the key and the value; the fix is at the edge (the army file's schema
and cross-checks, the readers of the data a user may swap in).
"""

from __future__ import annotations

import copy

import pytest
import yaml

from logistics import settings
from logistics.army.load import validate_army
from logistics.errors import ConfigError


@pytest.fixture(scope="module")
def gta() -> dict:
    return yaml.safe_load((settings.CONFIG_DIR / "tbf-6gta.yaml").read_text(encoding="utf-8"))


def _refused(data: dict, *fragments: str) -> str:
    with pytest.raises(ConfigError) as err:
        validate_army(data, source="x.yaml")
    msg = str(err.value)
    for fragment in fragments:
        assert fragment in msg, msg
    return msg


def test_airlift_of_a_thousand_years_is_refused_not_simulated(gta):
    # start in the year 1000: 345,000 daily deliveries, and the run hung past 5 minutes
    bad = copy.deepcopy(gta)
    bad["supply"]["air"][0]["start"]["value"] = "1000-01-01"
    _refused(bad, "supply.air.0", "1000-01-01", "days")


@pytest.mark.parametrize("start, end", [("1945-07-01", "1945-07-05"),
                                        ("1945-10-01", "1945-10-05")])
def test_airlift_wholly_outside_the_run_is_refused(gta, start, end):
    # the run is 9-26 August: an airlift in July or October delivers nothing, silently
    bad = copy.deepcopy(gta)
    bad["supply"]["air"][0]["start"]["value"] = start
    bad["supply"]["air"][0]["end"]["value"] = end
    _refused(bad, "supply.air.0", start, "h_hour", "end")


def test_airlift_on_the_day_of_h_hour_is_accepted(gta):
    # H-hour is 00:10 on 9 August; an airlift dated 9 August (a day) lies within the run
    ok = copy.deepcopy(gta)
    ok["supply"]["air"][0]["start"]["value"] = "1945-08-09"
    ok["supply"]["air"][0]["end"]["value"] = "1945-08-26"
    validate_army(ok, source="x.yaml")


def test_truck_column_starting_after_the_run_or_ages_before_it_is_refused(gta):
    bad = copy.deepcopy(gta)
    bad["supply"]["trucks"][0]["start"]["value"] = "1945-09-30T00:00"
    bad["supply"]["trucks"][0].pop("until")
    _refused(bad, "supply.trucks.0.start", "1945-09-30", "end")
    bad = copy.deepcopy(gta)
    bad["supply"]["trucks"][0]["start"]["value"] = "1000-01-01T00:00"
    _refused(bad, "supply.trucks.0.start", "1000-01-01", "h_hour")


def test_formation_moving_off_after_the_run_has_ended_is_refused(gta):
    bad = copy.deepcopy(gta)
    bad["formations"][6]["start"]["time"] = {"value": "1945-09-20T00:00", "assumed": "x"}
    _refused(bad, "formations.6 (6gta-army-units).start.time", "1945-09-20", "end")
