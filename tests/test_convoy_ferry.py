"""Rule ``convoy_behind_ferrying`` (configs/norms/movement.yaml ``river``): a supply convoy
to a formation beyond a big river it is ferried over delivers no earlier than that formation
is all across, and pays its own ferry time there each way (the formations' ferry norms).

Synthetic: the test corridor (``tests/conftest.py``: 1 km steps, 20 km/h, march window
06:00-16:00 from H-hour 9 Aug 00:00, 10 vehicles at 2 L/km with 200 L tanks), a major river
at km 10 ferried by brigade ``bde`` for 30 h (the head reaches it at 06:30, taken at once,
all across 10 Aug 12:30 = +36.5 h), trucks from a railhead at km 0 driving 30 km/h."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from logistics.advance.ferry_toll import ConvoyLoad, ferry_hours, uncontended_h
from logistics.advance.plan import CrossingStop
from logistics.advance.simulate import simulate_army
from logistics.advance.supply_specs import TruckSpec
from logistics.supply.trucks import TruckColumn, TruckLeg

H0 = datetime(1945, 8, 9, 0, 0)
RIVER_KM, FERRY_H, ALL_ACROSS_H = 10.0, 30.0, 36.5


def _trucks(ferry_h=None) -> TruckSpec:
    return TruckSpec(
        name="trucks", count=4, payload_l=500.0, truck_tank_l=1000.0, fuel_type="diesel",
        load_h=2.0, unload_h=1.0, driving_hours_per_day=24.0, start_h=0.0, until_h=1e9,
        convoys=1, jitter_h=0.0, ferry_h=ferry_h,
        leg=lambda i, season: TruckLeg(i / 30.0 * 3600.0, i / 30.0 * 3600.0, 0.0))


def _army(corridor, trucks: TruckSpec, river_km: float = RIVER_KM):
    plan = corridor(trucks=(trucks,))
    fp = plan.formations[0]
    fp = replace(fp, crossings=(CrossingStop(river_km, 117.0 + river_km / 100.0, 47.0, 1,
                                             0.75),),
                 ferry_by="bde", ferry_h=FERRY_H)
    return replace(plan, formations=(fp,), ferry_brigades=("bde",), ferry_bridgehead_km=35.0)


def _truck_hours(r) -> list[float]:
    d = r.deliveries[(r.deliveries["kind"] == "truck") & (r.deliveries["litres"] > 0)]
    return sorted((pd.Timestamp(t) - H0).total_seconds() / 3600.0 for t in d["time"])


def test_no_convoy_delivers_beyond_the_river_before_the_formation_is_all_across(corridor):
    """The formation needs fuel from its first march hour and is across the river's bank
    from 06:30; on main the first convoy (sent at 07:00, 2 h loading, 0.7 h out) delivered at
    09:40, across a river its formation waited 30 h to be ferried over. Now none delivers
    before +36.5 h (no ferry norm given: (a) alone), and one does then."""
    r = simulate_army(_army(corridor, _trucks()))
    hours = _truck_hours(r)
    assert hours, "the convoys delivered nothing"
    assert min(hours) >= ALL_ACROSS_H - 1e-9
    assert min(hours) == pytest.approx(ALL_ACROSS_H)


def test_the_convoy_pays_its_own_ferrying_each_way(corridor):
    """With a ferry time of 5 h for the convoy, the first delivery is 5 h after the formation
    is all across (the convoy is ferried behind it), and the note says so."""
    r = simulate_army(_army(corridor, _trucks(ferry_h=lambda n, flotilla: 5.0)))
    assert min(_truck_hours(r)) == pytest.approx(ALL_ACROSS_H + 5.0)
    notes = r.deliveries.loc[r.deliveries["kind"] == "truck", "note"]
    assert notes.str.contains("1 river(s) ferried, 5.0 h each way", regex=False).any()


def test_a_column_ferried_behind_a_formation_times_its_legs():
    """TruckColumn.dispatch by hand: sent at +10 h, 2 h loading, 1 h out and back, a river
    all across at +20 h and 3 h of ferrying: delivers at max(10 + 2 + 1 + 3, 20 + 3) = +23 h
    and its trucks are back at 23 + 1 (unloading) + 1 + 3 = +28 h."""
    col = TruckColumn(**{**vars(_trucks(ferry_h=lambda n, flotilla: 3.0)),
                         "leg": lambda i, s: TruckLeg(3600.0, 3600.0, 0.0)})
    out = col.dispatch(10.0, 5, "dry", np.random.default_rng(0), 1.0, 1.0, ferried=(20.0,))
    assert [d.time_h for d in out] == pytest.approx([23.0])
    assert col.next_h(0) == pytest.approx(23.0)  # its next load when this one is there
    assert (col.present(0, 27.9), col.present(0, 28.0)) == (0, 4)
    col2 = TruckColumn(**{**vars(_trucks(ferry_h=lambda n, flotilla: 3.0)),
                          "leg": lambda i, s: TruckLeg(3600.0, 3600.0, 0.0)})
    out = col2.dispatch(10.0, 5, "dry", np.random.default_rng(0), 1.0, 1.0, ferried=(5.0,))
    assert [d.time_h for d in out] == pytest.approx([16.0])  # long across: 3 h more out only


def test_a_convoy_is_ferried_by_the_formations_norms():
    """One implementation: a convoy's ferry time is :func:`ferry_hours` of its trucks and
    drivers, as a formation's of its vehicles and men."""
    calls = []
    options = SimpleNamespace(
        ferry_time=lambda men, vehicles, guns: calls.append(("f", men, vehicles)) or 2.0,
        own_means_time=lambda men, motor, guns: calls.append(("o", men, motor)) or 7.0)
    load = ConvoyLoad("zis-5", 25)
    assert ferry_hours(load, options, flotilla=True) == (2.0, 7.0)
    assert calls == [("f", 25, 25), ("o", 25, (("zis-5", 25),))]
    assert uncontended_h(load, options, flotilla=True) == 2.0
    assert uncontended_h(load, options, flotilla=False) == 7.0
    assert timedelta(hours=uncontended_h(load, options, flotilla=False)) == timedelta(hours=7)


def test_a_convoy_for_a_formation_on_the_near_side_leaves_none_beyond_the_river(corridor):
    """Two formations, ``near`` first in priority and never ferried (no crossing on its
    route), ``fd`` ferried at km 10 (all across +36.5 h). A convoy sent to ``near`` crosses
    no river for it, so it hands nothing to ``fd`` beyond the river: every litre ``fd`` takes
    comes no earlier than it is all across. On main the convoys to ``near`` shared their
    loads with ``fd`` from the first morning."""
    plan = _army(corridor, _trucks())
    fd = plan.formations[0]
    unit = SimpleNamespace(**{**vars(fd.unit), "id": "near", "name": "near"})
    near = replace(fd, unit=unit, crossings=(), ferry_by=None, ferry_h=0.0)
    fd = replace(fd, unit=SimpleNamespace(**{**vars(fd.unit), "id": "fd", "name": "fd"}))
    r = simulate_army(replace(plan, formations=(near, fd), priority=("near", "fd")))
    d = r.deliveries[(r.deliveries["kind"] == "truck") & (r.deliveries["litres"] > 0)]
    to_fd = [(pd.Timestamp(t) - H0).total_seconds() / 3600.0
             for t in d.loc[d["formation_id"] == "fd", "time"]]
    assert (d["formation_id"] == "near").any()
    assert all(h >= ALL_ACROSS_H - 1e-9 for h in to_fd)


def test_a_convoy_sent_before_the_ferrying_is_held_when_it_comes_up_during_it(corridor):
    """The river at km 30: the head reaches it at 07:30, ferried 30 h (all across +37.5 h).
    The first convoy is sent at 07:00 to the head on the near bank (km 20; 2 h loading, 0.7 h
    out) and comes up at 09:40, while the formation is being ferried: it is held and ferried
    behind it (5 h), delivering at +42.5 h, and its note says so. On main (and with the rule
    applied only when the convoy is sent) it delivered at 09:40."""
    r = simulate_army(_army(corridor, _trucks(ferry_h=lambda n, flotilla: 5.0), river_km=30.0))
    assert min(_truck_hours(r)) == pytest.approx(37.5 + 5.0)
    notes = r.deliveries.loc[r.deliveries["kind"] == "truck", "note"]
    assert notes.str.contains("it is ferried behind (5.0 h", regex=False).any()


def test_the_convoys_ferrying_grows_with_the_water_as_the_formations(corridor):
    """ferrywide33: the crossing's route crosses wide water, ``time_factor`` 2 (network/
    river.py ``crossing_time_factor``): the formation is ferried 2 x 30 h (all across at
    06:30 + 60 h = +66.5 h) and its convoy, 5 h at the channel, 2 x 5 h behind it: the first
    delivery at +76.5 h. On main the convoy paid the channel's 5 h (+71.5 h)."""
    army = _army(corridor, _trucks(ferry_h=lambda n, flotilla: 5.0))
    fp = army.formations[0]
    fp = replace(fp, crossings=(replace(fp.crossings[0], time_factor=2.0),))
    r = simulate_army(replace(army, formations=(fp,)))
    assert min(_truck_hours(r)) == pytest.approx(6.5 + 2 * FERRY_H + 2 * 5.0)
    notes = r.deliveries.loc[r.deliveries["kind"] == "truck", "note"]
    assert notes.str.contains("1 river(s) ferried, 10.0 h each way", regex=False).any()


def test_behind_ferrying_sums_each_crossings_factor():
    """Two crossings all across at +20 h and +30 h, factors 3 and 1, 2 h at the channel:
    6 + 2 = 8 h each way, beyond both at max(20 + 6, 30 + 2) = +32 h; no factors: 1 each."""
    from logistics.supply.trucks import behind_ferrying

    assert behind_ferrying(2.0, (20.0, 30.0), (3.0, 1.0)) == pytest.approx((8.0, 32.0))
    assert behind_ferrying(2.0, (20.0, 30.0)) == pytest.approx((4.0, 32.0))
    assert behind_ferrying(float("inf"), (20.0,), (3.0,)) == pytest.approx((0.0, 20.0))
