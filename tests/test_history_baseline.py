"""The planned-rate baselines: rates per kind with their citations, the plan by hand, the
model-independent route (railway where one joins the line to the place, else straight), skill."""

from __future__ import annotations

import math

import networkx as nx
import pandas as pd
import pytest

from logistics.errors import ConfigError
from logistics.geodesy import great_circle_km
from logistics.history.baseline import (JOIN_KM, IndependentRoutes, load_planned_rates, plan_score,
                                        skill)

H = pd.Timestamp("1945-08-09 00:00")


def test_shipped_rates_per_kind_are_cited():
    rates = load_planned_rates()
    mobile = rates.for_formation("forward_detachment")
    assert mobile.rate_km_per_day == 70.0 and mobile.basis == "documented"
    assert "350 km" in mobile.quote and "SEED-001" in mobile.source
    rifle = rates.for_formation("rifle_division")
    assert rifle.rate_km_per_day == pytest.approx(350 / 15, abs=0.01) and "LOZA41" in rifle.source
    assert rates.for_formation("cavalry_division").rate_km_per_day == 50.0
    assert rates.for_formation("tank_corps").name == "mobile"
    # kinds not listed take their means of movement, else the default
    assert rates.for_formation("other", "tracked").name == "mobile"
    assert rates.for_formation("army", "foot").name == "rifle"
    assert rates.for_formation("something new", "").name == "rifle"


def test_bad_rates_file_lists_every_problem(tmp_path):
    p = tmp_path / "r.yaml"
    p.write_text("rates:\n  fast:\n    rate_km_per_day: -1\n  slow:\n    rate_km_per_day: 10\n"
                 "    basis: guessed\nkinds:\n  tank_corps: quick\ndefault: none\n")
    with pytest.raises(ConfigError) as exc:
        load_planned_rates(p)
    msg = str(exc.value)
    for part in ("rates.fast.rate_km_per_day", "rates.slow.basis", "rates.slow.reason",
                 "kinds.tank_corps", "default:", str(p)):
        assert part in msg
    p.write_text("A: 1\n")
    with pytest.raises(ConfigError, match="rates: missing"):
        load_planned_rates(p)


def test_plan_by_hand():
    # 100 km at 50 km/day from H (9 Aug 00:00) is reached on 11 Aug 00:00: one day after the
    # window of 9 Aug ends; by the end of 9 Aug the plan has made 50 km.
    p = plan_score(100.0, 50.0, H, pd.Timestamp("1945-08-09"))
    assert p["arrival"] == pd.Timestamp("1945-08-11 00:00")
    assert p["date_error_days"] == pytest.approx(1.0)
    assert p["error_km"] == pytest.approx(-50.0)          # 50 km made by the end of 9 Aug
    assert p["depth_at_end_km"] == pytest.approx(50.0)
    early = plan_score(20.0, 50.0, H, pd.Timestamp("1945-08-12"))
    assert early["date_error_days"] == pytest.approx(-3 + 0.4)
    assert early["error_km"] == pytest.approx(150 - 20)   # 150 km made when 12 Aug begins
    late_ok = plan_score(20.0, 50.0, H, pd.Timestamp("1945-08-12"), "no_later_than")
    assert late_ok["date_error_days"] == 0.0 and late_ok["error_km"] == 0.0


def _rail():
    """A hand-made line: A (on the departure line) - B - C, 100 km and 80 km of track."""
    g = nx.Graph()
    g.add_node("A", lon=121.0, lat=45.0)
    g.add_node("B", lon=122.0, lat=45.5)
    g.add_node("C", lon=122.5, lat=46.2)
    g.add_edge("A", "B", km=100.0)
    g.add_edge("B", "C", km=80.0)
    return g


LINE = ((121.0, 44.9), (121.0, 45.1))


def test_independent_route_follows_a_railway_that_joins_the_line():
    routes = IndependentRoutes(tolerance_km=15.0, network=_rail())
    km, how = routes.length(LINE, 122.5, 46.2 - 0.05)  # 5.6 km from station C
    assert how == "rail"
    assert km == pytest.approx(180.0 + float(great_circle_km(122.5, 46.15, 122.5, 46.2)), abs=0.01)


def test_else_the_straight_line_from_the_departure_line():
    routes = IndependentRoutes(tolerance_km=15.0, network=_rail())
    km, how = routes.length(LINE, 121.5, 46.5)  # no station near the place
    assert how == "straight"
    # nearest point of the line is its northern end (121.0 E, 45.1 N)
    assert km == pytest.approx(float(great_circle_km(121.0, 45.1, 121.5, 46.5)), rel=0.01)
    far_line = ((118.0, 44.9), (118.0, 45.1))  # no station within JOIN_KM of this line
    assert routes.length(far_line, 122.5, 46.2)[1] == "straight"
    assert JOIN_KM > 0
    assert IndependentRoutes(network=False).length(LINE, 122.5, 46.2)[1] == "straight"


def test_straight_distance_is_to_the_nearest_point_of_the_line():
    routes = IndependentRoutes(network=False)
    km, _ = routes.length(LINE, 122.0, 45.0)  # due east of the line's middle
    assert km == pytest.approx(float(great_circle_km(121.0, 45.0, 122.0, 45.0)), rel=1e-3)


def test_skill_definition_and_edge_cases():
    assert skill([1, 1], [2, 2]) == pytest.approx(0.5)
    assert skill([2, 2], [2, 2]) == 0.0
    assert skill([3, -3], [1, 1]) == pytest.approx(-2.0)
    assert skill([1, math.nan], [2, 100]) == pytest.approx(0.5)   # pairs only
    assert math.isnan(skill([1], [0]))                          # perfect baseline: undefined
    assert math.isnan(skill([], []))
