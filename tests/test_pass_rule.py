"""A pass over two fortified regions is open at one's own pace when each region is broken
through, by the army itself or by another army of the run, whichever first (one rule within
and across armies: ``shared_breaches.pass_through``). Synthetic: two regions "a" and "b" of one
pass, every breach on the formation's own route (no sideways lag)."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from types import SimpleNamespace

import numpy as np

from logistics.advance.holds import Holds
from logistics.advance.shared_breaches import SharedBreach, pass_through, shared_opening

START = datetime(1945, 8, 9)
LON, LAT = 130.0, 45.0
WHERE = ((LON, LAT), (LON + 0.1, LAT))  # a breach's route through the depth from the entry


def _breach(rid: str, through_h: float | None, army: str = "other") -> SharedBreach:
    return SharedBreach(rid, army, f"br-{rid}", START,
                        None if through_h is None else START + timedelta(hours=through_h), WHERE)


def test_across_armies_one_region_of_two_broken_does_not_open_it_through():
    o = shared_opening((_breach("a", 10.0),), ("a", "b"), LON, LAT, START, 12.0)
    assert o.open_h == 0.0  # the entry may take the earliest breach, any region
    assert o.through_h == math.inf  # region b still stands: not at its own pace
    both = shared_opening((_breach("a", 10.0), _breach("b", 30.0)), ("a", "b"), LON, LAT,
                          START, 12.0)
    assert both.through_h == 30.0 and both.through_by.region_id == "b"


def test_pass_through_takes_each_regions_earliest_then_the_latest_region():
    own = {"a": (5.0, "own-a"), "b": (50.0, "own-b")}
    other = {"b": (20.0, "other-b")}
    assert pass_through(("a", "b"), own, other) == (20.0, "other-b")
    assert pass_through(("a", "b"), own) == (50.0, "own-b")
    assert pass_through(("a", "b"), {"a": (5.0, "x")}) is None


class _StubHolds(Holds):
    """The few attributes Holds' pass opening reads: one formation, one pass over a and b."""

    def __init__(self, own_through: dict, shared: tuple):
        km = np.array([0.0, 10.0, 20.0])
        p = SimpleNamespace(region_ids=("a", "b"), region_id="a", km_in=0.0, km_out=10.0,
                            action="follow", region_name="ab")
        self.fp = {"f": SimpleNamespace(fortified=[p], km=km, lon=LON + km / 100.0,
                                        lat=np.full(3, LAT))}
        self.breach_through = {rid: [(h, "own", 0)] for rid, h in own_through.items()}
        self.own_lag_h = {}
        self.shared_open = {}
        self.shared = shared
        self._rule = SimpleNamespace(rate_km_per_day=12.0)
        self.plan = SimpleNamespace(start=START)

    def depth_route(self, fid, n):
        return WHERE


def test_one_region_broken_by_the_army_the_other_by_another_army_opens_the_pass():
    h = _StubHolds({"a": 5.0}, (_breach("b", 20.0),))
    assert h.own_opening("f", 0)[0] == math.inf  # its army alone has not broken b
    assert h.breach_through_h("f", 0) == (20.0, "br-b of other")
    assert "another army" in h.shared_text("f", 0, True)
    late_own = _StubHolds({"a": 30.0}, (_breach("b", 20.0),))
    assert late_own.breach_through_h("f", 0) == (30.0, "own")  # a stands until its army's 30 h
    assert "open here" in late_own.shared_text("f", 0, True)


def test_within_an_army_both_regions_needed_and_never_later_than_without_the_gift():
    alone = _StubHolds({"a": 5.0, "b": 40.0}, ())
    assert alone.breach_through_h("f", 0) == (40.0, "own")
    given = _StubHolds({"a": 5.0, "b": 40.0}, (_breach("a", 1.0),))
    assert given.breach_through_h("f", 0) == (40.0, "own")  # b still its own, at 40
    sooner = _StubHolds({"a": 5.0, "b": 40.0}, (_breach("b", 30.0),))
    assert sooner.breach_through_h("f", 0) == (30.0, "br-b of other")
