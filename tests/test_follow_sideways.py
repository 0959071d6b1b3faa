"""A follower's entry wait by the one breach rule (configs/fortified-regions.yaml
``rule.bypass.no_way_round``, ``rule.breakthrough.open_breach``; logistics/advance/
shared_breaches.py ``SPREAD``): a formation following the breach may enter a depth once the
breach of a formation of its army breaking in reaches where its own route enters, ``d / rate``
after that one entered (``d`` the km from its route through the depth), as another army's
breach opens it (``shared_opening``), where that wait is no longer than its own depth at the
rate (else it breaks in itself from the breaker's entry: ``follow_start_h``); before, the
moment a breaker entered the region anywhere in it (a region's extent can be 115-200 km
long). Where nobody of its army breaks in it still breaks the way itself, on its own clock.

The corridor of tests/test_follow_breach.py (1 km steps east along 47 N, 20 km/h, 10 march
hours from 06:00); a region over lon 117.10 .. 117.80 charged 6 km deep (km 10 .. 16) at
12 km a day; ``rds`` assaults along 47 N from H-hour (in the depth 06:30 .. 18:30 on 9 Aug),
``fd`` follows on the same route moved ``d`` km north; expectations worked by hand."""

from __future__ import annotations

import pytest

from tests.test_breach_sideways import _km
from tests.test_breach_sideways import _run as _run_both


def _run(corridor, *, apart_km: float, fd_start_h: float = 0.0, with_rds: bool = True):
    """``rds`` assaulting and ``fd`` following ``apart_km`` north of it (tests/
    test_breach_sideways.py)."""
    return _run_both(corridor, apart_km=apart_km, fd_start_h=fd_start_h, with_rds=with_rds,
                     fd_action="follow")


def test_on_the_breakers_route_the_follower_enters_behind_it_as_before(corridor):
    """``fd`` on ``rds``'s route, both from H-hour: both at km 10 at 06:30 on 9 Aug, ``fd``
    enters behind it at once (km 10.25 at 07:00): unchanged."""
    r = _run(corridor, apart_km=0.0)
    assert _km(r, "fd", "1945-08-09 07:00") == pytest.approx(10.25, abs=1e-6)


def test_4_km_from_the_breach_the_follower_waits_until_it_reaches_its_route(corridor):
    """``fd`` 4 km north: ``rds``'s breach (in at 06:30 on 9 Aug) reaches its route 4 / 12
    days = 8 h later, 14:30 on 9 Aug, within the 12 h its own 6 km would take at the rate
    (near); ``fd`` holds at km 10 until then (main: it entered at 06:30, the region open the
    moment ``rds`` entered it anywhere: km 10.25 at 07:00), then crosses at the rate (km
    10.25 at 15:00), its stop naming the breach and from when it reaches it."""
    r = _run(corridor, apart_km=4.0)
    assert _km(r, "fd", "1945-08-09 07:00") == pytest.approx(10.0, abs=1e-6)
    assert _km(r, "fd", "1945-08-09 14:00") == pytest.approx(10.0, abs=1e-6)
    assert _km(r, "fd", "1945-08-09 15:00") == pytest.approx(10.25, abs=0.01)  # d: 4 km +- m
    said = r.reached[(r.reached["formation_id"] == "fd") & r.reached["name"].str.contains(
        "waits at the depth's edge until the breach of rds (in 09 Aug 06:30) reaches it, "
        "09 Aug 14:", regex=False)]
    assert len(said) == 1


def test_a_breach_farther_than_its_depth_at_the_rate_is_not_waited_for(corridor):
    """``fd`` 12 km north: the breach would reach it 24 h after ``rds`` entered, longer than
    its 6 km at the rate (12 h): not near, it breaks in itself from ``rds``'s entry, 06:30 on
    9 Aug (km 10.25 at 07:00), as before (shared_breaches.follow_start_h)."""
    r = _run(corridor, apart_km=12.0)
    assert _km(r, "fd", "1945-08-09 07:00") == pytest.approx(10.25, abs=1e-6)


def test_a_follower_arriving_after_the_breach_reached_its_route_enters_at_once(corridor):
    """``fd`` 6 km north, 18 h after H-hour: at km 10 at 06:30 on 10 Aug; the breach reached
    its route 12 h after ``rds`` entered (18:30 on 9 Aug): it enters at once; the breach came
    out 18:30 on 9 Aug and reaches it sideways 12 h later, 06:30 on 10 Aug, so it goes on at
    its own pace (km 20 at 07:00)."""
    r = _run(corridor, apart_km=6.0, fd_start_h=24.0)
    assert _km(r, "fd", "1945-08-10 07:00") == pytest.approx(20.0, abs=0.05)


def test_with_nobody_of_its_army_breaking_in_it_breaks_the_way_itself(corridor):
    """No ``rds``: ``fd`` 12 km north crosses on its own clock from 06:30 on 9 Aug."""
    r = _run(corridor, apart_km=12.0, with_rds=False)
    assert _km(r, "fd", "1945-08-09 07:00") == pytest.approx(10.25, abs=1e-6)
