"""A convoy serves the formations on its way, each when it reaches it
(logistics/advance/resupply.py ``on_the_way``, ``stops``): synthetic corridor
(tests/conftest.py ``corridor``: east along 47 N from 117 E, 10 vehicles of 200 L at 2 L/km,
20 km/h from 06:00), trucks loading at its km 0 (a leg to route point i takes i / km_per_h h)."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pytest

from logistics.advance.simulate import simulate_army
from logistics.supply.trucks import TruckLeg
from tests.test_advance import truck_column

RAILHEAD = (117.0, 47.0)


def _column(name: str, km_per_h: float = 30.0):
    return dataclasses.replace(truck_column(1, km_per_h=km_per_h, payload_l=5000.0),
                               name=name, railhead_lonlat=RAILHEAD)


def _other(far, fid: str, **changes):
    return dataclasses.replace(
        far, unit=SimpleNamespace(**{**vars(far.unit), "id": fid, "headline": False}),
        **changes)


def test_the_detour_is_nil_on_the_line_and_twice_the_overshoot_beyond_it():
    from logistics.advance.resupply import ON_THE_WAY_DETOUR_KM, detour_km
    from logistics.geodesy import great_circle_km

    # a parallel is not a great circle: a few metres off over 76 km
    assert detour_km((117.0, 47.0), (118.0, 47.0), (117.5, 47.0)) == pytest.approx(0.0, abs=0.01)
    beyond = detour_km((117.0, 47.0), (118.0, 47.0), (118.2, 47.0))
    assert beyond == pytest.approx(2 * great_circle_km(118.0, 47.0, 118.2, 47.0), abs=0.01)
    assert detour_km((117.0, 47.0), (118.0, 47.0), (117.5, 48.0)) > ON_THE_WAY_DETOUR_KM


def test_a_formation_on_another_axis_gets_its_share_when_its_own_trucks_reach_it(corridor):
    """"corridor" (first in priority) and "side", the same march 1 degree (111 km) further
    north, its road from the railhead 4 h longer: both short of fuel at 07:00. The convoy
    (10 trucks of 500 L) is timed to "corridor"; "side" is not on its way (a detour of 100+
    km, over ON_THE_WAY_DETOUR_KM), so the trucks its share fills are split off at the
    railhead and reach it 4 h after the others reach "corridor"; the convoy's next trip
    leaves without them while they are away. Before, "side" was filled at the hour the convoy
    reached "corridor" (the 25th Army's 16 Aug convoy filled three formations 105-130 km apart)."""
    plan = corridor(days=1, trucks=(dataclasses.replace(
        truck_column(10, payload_l=500.0), railhead_lonlat=RAILHEAD,
        leg=lambda i, season: TruckLeg(*(2 * [(i % 1000 / 30.0 + 4.0 * (i >= 1000)) * 3600.0]),
                                       0.0)),))
    far = plan.formations[0]
    side = _other(far, "side", lat=far.lat + 1.0, cells=far.cells + [1, 0])
    index = {**plan.cell_index, **{(1, i): 1000 + i for i in range(len(far.km))}}
    r = simulate_army(dataclasses.replace(plan, formations=(far, side), cell_index=index,
                                          priority=("corridor", "side")))
    dl = r.deliveries[(r.deliveries["kind"] == "truck") & (r.deliveries["litres"] > 0)]
    at = dl.groupby("formation_id")["time"].min()
    assert (at["side"] - at["corridor"]).total_seconds() / 3600.0 == pytest.approx(4.0)
    side_first = dl[(dl["formation_id"] == "side") & (dl["time"] == at["side"])]
    assert side_first["note"].str.contains("trucks sent straight to it").all()
    takers = dl.groupby("time")["formation_id"].agg(set)
    assert not any({"corridor", "side"} <= t for t in takers), takers
    # the first load is the want's (some of the 10 trucks, one split off to "side", back
    # 13:38 + 1 h + 4.6 h); the next leaves once it has reached "corridor" (09:38), from the
    # trucks at the railhead: all of the first's are still away
    trips = dl[dl["formation_id"] == "corridor"]["note"].str.extract(
        r"^(\d+) trucks(?: of (\d+) at the railhead)?")
    sent = trips[0].astype(int).tolist()
    present = trips[1].fillna(trips[0]).astype(int).tolist()
    assert sent[0] < 10 and present[0] == 10, trips
    assert present[1] == 10 - sent[0], trips


def test_a_formation_on_the_way_gets_its_share_when_the_convoy_reaches_it(corridor):
    """"behind" marches the same road at half the speed, second in priority. The convoy sent
    at 07:00 for "corridor" (route point 19) passes "behind" (point 9) on its way out: at
    5 km/h, 2 h before it reaches "corridor". Before, both got it at the same hour."""
    plan = corridor(days=1, trucks=(_column("one", km_per_h=5.0),))
    far = plan.formations[0]
    behind = _other(far, "behind", step_time_s={"dry": far.step_time_s["dry"] * 2})
    r = simulate_army(dataclasses.replace(plan, formations=(far, behind),
                                          priority=("corridor", "behind")))
    dl = r.deliveries[(r.deliveries["kind"] == "truck") & (r.deliveries["litres"] > 0)]
    at = dl.groupby("formation_id")["time"].min()
    assert (at["corridor"] - at["behind"]).total_seconds() / 3600.0 == pytest.approx(2.0)
    assert str(at["corridor"]) == "1945-08-09 12:48:00"
