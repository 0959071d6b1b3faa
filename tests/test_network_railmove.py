"""Rail moves along the lines an army holds (logistics.network.railhold, railmove).

Tiny fixture (tests/data/tiny-rail.osm) along 45 N: Alpha - Bravo - Charlie (T1, 1,435 mm),
Bravo - Delta north (T2, 1,520 mm). Hand-checked hours use a round restoration rule (delay 10 h,
1 km of line an hour) so that every number below can be worked out from the edge lengths.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pandas as pd
import pytest

from logistics.network import find_station, load_network, load_params, load_railways
from logistics.army.means_norms import RailRestoration, load_means_norms
from logistics.network.railhold import rail_hold, reached_stations
from logistics.network.railmove import plan_rail_move, railhead_at

FIXTURE = Path(__file__).parent / "data" / "tiny-rail.osm"
ALPHA, BRAVO, CHARLIE, DELTA = (125.0, 45.0), (125.1, 45.0), (125.2, 45.0), (125.1, 45.1)
RULE = RailRestoration(delay_h=10.0, restore_kmh=1.0, capture_radius_km=2.0,
                       regauged_lines=(), transshipment_h=12.0)


@pytest.fixture(scope="module")
def rail():
    return load_network(FIXTURE, road=False)


def _node(g, name):
    return find_station(g, name).node


def _km(g, a, b):
    data = g.get_edge_data(_node(g, a), _node(g, b))
    return min(d["length"] for d in data.values()) / 1000.0


def test_restoration_follows_the_rule_by_hand(rail):
    a, b, c = (_node(rail, n) for n in ("Alpha", "Bravo", "Charlie"))
    ab, bc = _km(rail, "Alpha", "Bravo"), _km(rail, "Bravo", "Charlie")
    hold = rail_hold(rail, home={a: 0.0}, reached={b: 2.0, c: 30.0}, rule=RULE)
    # Bravo: restored line arrives at ab h, but the station opens 10 h after it was reached
    assert hold.usable_from_h[b] == pytest.approx(max(ab, 2.0 + 10.0))
    # Charlie: max(usable(Bravo) + bc, 30 + 10)
    assert hold.usable_from_h[c] == pytest.approx(max(12.0 + bc, 40.0))
    assert math.isinf(hold.usable_from_h[_node(rail, "Delta")])  # never reached
    assert hold.usable(c, 40.0) and not hold.usable(c, 39.9)


def test_reaching_a_station_holds_the_line_behind_it(rail):
    a, b, c = (_node(rail, n) for n in ("Alpha", "Bravo", "Charlie"))
    ab, bc = _km(rail, "Alpha", "Bravo"), _km(rail, "Bravo", "Charlie")
    hold = rail_hold(rail, home={a: 0.0}, reached={c: 5.0}, rule=RULE)
    assert hold.reached_h[b] == 5.0  # passed on the way to Charlie
    assert hold.usable_from_h[b] == pytest.approx(max(ab, 15.0))
    assert hold.usable_from_h[c] == pytest.approx(max(15.0 + bc, 15.0))


def test_lines_not_restored_are_not_used(rail):
    a, b, d = (_node(rail, n) for n in ("Alpha", "Bravo", "Delta"))
    hold = rail_hold(rail, home={a: 0.0}, reached={b: 0.0, d: 0.0}, lines=["T1"], rule=RULE)
    assert math.isinf(hold.usable_from_h.get(d, math.inf))
    move = plan_rail_move(rail, ALPHA, DELTA, held=hold, depart_h=100.0,
                          params=dataclasses.replace(load_params(), max_access_km=1.0))
    assert not move.ok and "Delta" not in move.reason and "km from the nearest" in move.reason


def test_rail_move_times_by_hand(rail):
    a, b, c = (_node(rail, n) for n in ("Alpha", "Bravo", "Charlie"))
    hold = rail_hold(rail, home={a: 0.0}, reached={b: 0.0, c: 0.0}, rule=RULE)
    p = dataclasses.replace(load_params(), max_access_km=1.0)
    km = _km(rail, "Alpha", "Bravo") + _km(rail, "Bravo", "Charlie")
    move = plan_rail_move(rail, ALPHA, CHARLIE, held=hold, depart_h=50.0, params=p)
    wait = 12.0 / p.default_train_pairs_per_day
    assert move.ok and (move.board.name, move.alight.name) == ("Alpha", "Charlie")
    assert move.km == pytest.approx(km)
    assert move.train_departs_h == pytest.approx(50.0 + p.entrain_h + wait)
    assert move.arrive_h == pytest.approx(50.0 + p.entrain_h + wait + km / p.rail_speed_kmh
                                          + p.detrain_h)
    assert move.lines == ("T1",) and move.gauge_breaks == ()
    # halfway through the ride the train is halfway along the line (flat: Bravo, km 7.86)
    mid = (move.train_departs_h + move.train_arrives_h) / 2
    assert move.km_at(mid) == pytest.approx(km / 2)
    lon, lat = move.position_at(mid)
    assert lon == pytest.approx(125.1, abs=2e-3) and lat == pytest.approx(45.0, abs=1e-3)
    assert move.position_at(0.0) == pytest.approx(ALPHA, abs=1e-6)
    assert move.position_at(1e6) == pytest.approx(CHARLIE, abs=1e-6)


def test_a_train_does_not_run_into_a_section_not_yet_restored(rail):
    a, b, c = (_node(rail, n) for n in ("Alpha", "Bravo", "Charlie"))
    hold = rail_hold(rail, home={a: 0.0}, reached={b: 0.0, c: 100.0}, rule=RULE)
    p = dataclasses.replace(load_params(), max_access_km=1.0)
    early = plan_rail_move(rail, ALPHA, CHARLIE, held=hold, depart_h=50.0, params=p)
    assert not early.ok and "km from the nearest station" in early.reason
    late = plan_rail_move(rail, ALPHA, CHARLIE, held=hold, depart_h=110.0, params=p)
    assert late.ok


def test_break_of_gauge_and_regauged_lines(rail):
    a, b, d = (_node(rail, n) for n in ("Alpha", "Bravo", "Delta"))
    p = dataclasses.replace(load_params(), max_access_km=1.0)
    hold = rail_hold(rail, home={a: 0.0}, reached={b: 0.0, d: 0.0}, rule=RULE)
    move = plan_rail_move(rail, ALPHA, DELTA, held=hold, depart_h=100.0, params=p)
    wait = 12.0 / p.default_train_pairs_per_day
    km = _km(rail, "Alpha", "Bravo") + _km(rail, "Bravo", "Delta")
    assert move.gauge_breaks == ("Bravo",)  # T1 1,435 mm meets T2 1,520 mm
    assert move.arrive_h == pytest.approx(100.0 + p.entrain_h + wait + km / p.rail_speed_kmh
                                          + (p.detrain_h + wait + p.entrain_h) + p.detrain_h)
    regauged = rail_hold(rail, home={a: 0.0}, reached={b: 0.0, d: 0.0},
                         rule=dataclasses.replace(RULE, regauged_lines=("T1",)))
    through = plan_rail_move(rail, ALPHA, DELTA, held=regauged, depart_h=100.0, params=p)
    assert through.gauge_breaks == ()
    assert through.arrive_h == pytest.approx(move.arrive_h - (p.detrain_h + wait + p.entrain_h))


def test_reached_stations_from_tracks(rail):
    # one formation drives east along 45.01 N (1.1 km north of the line) from 0 h to 10 h;
    # it passes Bravo (125.1 E) at 5 h; another is never near a station.
    tracks = pd.DataFrame({
        "formation_id": ["a", "a", "b", "b"],
        "time_h": [0.0, 10.0, 0.0, 10.0],
        "lon": [124.95, 125.25, 125.5, 125.6],
        "lat": [45.01, 45.01, 45.5, 45.5],
    })
    got = reached_stations(rail, tracks, radius_km=2.0)
    names = {rail.nodes[n]["name"]: t for n, t in got.items() if "name" in rail.nodes[n]}
    assert set(names) == {"Alpha", "Bravo", "Charlie"}
    assert names["Bravo"] == pytest.approx(5.0, abs=0.05)
    assert names["Alpha"] == pytest.approx(10 * 0.05 / 0.3, abs=0.05)
    assert reached_stations(rail, tracks, radius_km=0.5) == {}


def test_railhead_moves_forward(rail):
    a, b, c = (_node(rail, n) for n in ("Alpha", "Bravo", "Charlie"))
    hold = rail_hold(rail, home={a: 0.0}, reached={b: 0.0, c: 30.0},
                     rule=dataclasses.replace(RULE, transshipment_h=12.0))
    p = load_params()
    assert railhead_at(5.0, rail, hold, CHARLIE).name == "Alpha"
    at_20 = railhead_at(20.0, rail, hold, CHARLIE)
    assert at_20.name == "Bravo" and at_20.rail_km == pytest.approx(_km(rail, "Alpha", "Bravo"))
    assert at_20.transit_h == pytest.approx(at_20.rail_km / p.rail_speed_kmh)
    assert railhead_at(45.0, rail, hold, CHARLIE).name == "Charlie"


def test_no_usable_station_is_a_reason_not_an_error(rail):
    hold = rail_hold(rail, home={}, reached={}, rule=RULE)
    move = plan_rail_move(rail, ALPHA, CHARLIE, held=hold, depart_h=0.0)
    assert not move.ok and "no railhead on the rail network" in move.reason
    assert railhead_at(0.0, rail, hold, CHARLIE) is None


def test_shipped_network_5th_army_to_linkou():
    """Grodekovo (the 5th Army's railhead) along the re-gauged CER trunk (R02) and the
    Mudanjiang-Jiamusi line (R15): the troops change trains at Mudanjiang, one of the three
    transshipment districts of [KONAREV-1987], and nowhere else."""
    g = load_railways()
    rule = load_means_norms().rail
    n = {name: find_station(g, name).node for name in ("Grodekovo", "Mudanjiang", "Linkou")}
    hold = rail_hold(g, home={n["Grodekovo"]: 0.0},
                     reached={n["Mudanjiang"]: 60.0, n["Linkou"]: 100.0}, lines=["R02", "R15"])
    assert hold.usable_from_h[n["Mudanjiang"]] >= 60.0 + rule.delay_h
    t = hold.usable_from_h[n["Linkou"]]
    move = plan_rail_move(g, (131.38, 44.4), (130.283, 45.3), held=hold, depart_h=t)
    assert move.ok, move.reason
    assert move.gauge_breaks == ("Mudanjiang",)
    assert move.lines == ("R02", "R15")
    assert move.alight.name == "Linkou"
    early = plan_rail_move(g, (131.38, 44.4), (130.283, 45.3), held=hold, depart_h=t - 1.0)
    assert not early.ok


def test_timetable_fields_for_the_step_loop(rail):
    a, b, d = (_node(rail, n) for n in ("Alpha", "Bravo", "Delta"))
    p = dataclasses.replace(load_params(), max_access_km=1.0)
    hold = rail_hold(rail, home={a: 0.0}, reached={b: 0.0, d: 0.0}, rule=RULE)
    move = plan_rail_move(rail, ALPHA, DELTA, held=hold, depart_h=100.0, params=p)
    tt = move.timetable()
    assert tt["reason"] == "" and tt["tail_km"] is None and tt["fuel_l"] is None
    assert tt["time_h"][0] == 100.0 and tt["time_h"][-1] == pytest.approx(move.arrive_h)
    assert tt["km"][-1] == pytest.approx(move.km)
    assert (tt["lon"][0], tt["lat"][0]) == pytest.approx(ALPHA, abs=1e-6)
    assert (tt["lon"][-1], tt["lat"][-1]) == pytest.approx(DELTA, abs=1e-6)
    assert [name for _, name in tt["stations"]] == ["Alpha", "Bravo", "Delta"]
    # the train stands at Bravo for the break of gauge: the same km at two times
    k_b = tt["stations"][1][0]
    at_b = tt["time_h"][abs(tt["km"] - k_b) < 1e-9]
    assert at_b.max() - at_b.min() == pytest.approx(p.detrain_h + 1.0 + p.entrain_h)
    failed = plan_rail_move(rail, ALPHA, DELTA, held=rail_hold(rail, home={}, reached={},
                                                               rule=RULE), depart_h=0.0)
    assert failed.timetable()["reason"] and len(failed.timetable()["km"]) == 0


def test_reached_from_the_loops_record_and_railhead_note(rail):
    class Reached:  # the shape of advance.movement.Reached
        lon = [124.95, 125.25]
        lat = [45.01, 45.01]
        time_h = [0.0, 10.0]
        formation_id = ("a", "a")

    got = reached_stations(rail, Reached(), radius_km=2.0)
    assert {rail.nodes[n]["name"] for n in got} == {"Alpha", "Bravo", "Charlie"}
    a = _node(rail, "Alpha")
    hold = rail_hold(rail, home={a: 0.0}, reached=got, rule=RULE)
    head = railhead_at(100.0, rail, hold, CHARLIE)
    assert head.name == "Charlie" and head.line == "T1" and "moved forward" in head.note
    assert "own railhead" in railhead_at(0.0, rail, hold, CHARLIE).note


def test_a_station_the_armys_trains_do_not_reach_is_no_railhead(rail):
    # a hold whose usable stations include one no line the army holds joins to its railhead
    # (Delta: on T2, which it does not hold; as Heihe beyond the Amur from Blagoveshchensk):
    # main asked the way there and raised NetworkXNoPath, or with no railhead of its own on
    # the graph took the nearest usable station as "the army's own railhead"
    from logistics.network.railhold import RailHold

    a, b, c, d = (_node(rail, n) for n in ("Alpha", "Bravo", "Charlie", "Delta"))
    usable = {a: 0.0, b: 0.0, c: 0.0, d: 0.0}
    hold = RailHold(usable_from_h=usable, reached_h=usable, lines=frozenset({"T1"}),
                    regauged=frozenset(), home=(a,), rule=RULE)
    head = railhead_at(10.0, rail, hold, DELTA)
    assert head.name == "Bravo" and "moved forward" in head.note
    assert head.rail_km == pytest.approx(_km(rail, "Alpha", "Bravo"))
    homeless = dataclasses.replace(hold, home=())
    assert railhead_at(10.0, rail, homeless, DELTA) is None
