"""A support formation attached to its parent (``role: support``) is held as far along its
own route as its parent's head is along the parent's (logistics/advance/holds.py
``support_held_at``), the share taken between the rivers both are ferried over at the same
site: a parent waiting at its crossing holds the unit at its own crossing, not metres short of
it. The test corridor (``tests/conftest.py``: 1 km steps east along 47 N, march window
06:00-16:00 from H-hour 9 Aug 00:00) with a frontier river at km 10 of ``rds``'s route; ``sp``'s
route has 1.1 km steps up to the river (its crossing at km 11) and 1 km steps beyond it, so
the share alone would put it 0.975 km short of its crossing while rds is at its own. One park:
sp (first in the order) is ferried 06:30-16:30, rds 16:30-18:30, after its march window."""

from __future__ import annotations

import dataclasses
import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from logistics.advance.plan import CrossingStop


def _run(corridor, *, rds_own_h=2.0, bridgehead_km=35.0, beyond_km=None, plan_only=False):
    """``rds_own_h``: hours rds's means take to put it across; ``beyond_km``: a second
    objective, U, that far along each route beyond its crossing."""
    from logistics.advance.simulate import simulate_army

    plan = corridor(days=3)
    fp = plan.formations[0]
    km = np.asarray(fp.km, dtype=float)
    forms = []
    for fid, own_h, route_km, at in (("sp", 10.0, np.where(km <= 10, km * 1.1, km + 1.0), 11.0),
                                     ("rds", rds_own_h, km, 10.0)):
        unit = SimpleNamespace(**{**vars(fp.unit), "id": fid, "name": fid,
                                  "headline": fid == "rds"})
        if fid == "sp":
            unit = SimpleNamespace(**{**vars(unit), "role": "support", "parent": "rds"})
        objectives = ((at, "T"),) + (((at + beyond_km, "U"),) if beyond_km else ())
        forms.append(dataclasses.replace(
            fp, unit=unit, km=route_km, objectives=objectives,
            crossings=(CrossingStop(at, 117.1, 47.0, 1, 0.0, frontier=True),),
            ferry_by=None, ferry_h=math.inf, own_means_h=own_h))
    plan = dataclasses.replace(plan, formations=tuple(forms), priority=("sp", "rds"),
                               ferry_bridgehead_km=bridgehead_km)
    return plan if plan_only else simulate_army(plan)


def test_a_support_unit_across_while_its_parent_waits_is_across(corridor):
    """sp, all across at 16:30, stands at its own crossing (km 11) while rds waits at its
    crossing: it has reached T (the far-bank town at the crossing) on 9 Aug, when it came to
    the crossing after its means had started on it. On main it stayed at km 10.025 (the share),
    0.975 km short, and reached T only when rds marched on the next morning."""
    r = _run(corridor)
    t = r.tracks[r.tracks["formation_id"] == "sp"].set_index("time")
    assert float(t.loc[pd.Timestamp("1945-08-09 18:00"), "cum_km"]) == pytest.approx(11.0)
    got = r.reached[(r.reached["formation_id"] == "sp") & (r.reached["kind"] == "objective")]
    assert list(got["name"]) == ["T"]
    assert got["time"].iloc[0] < pd.Timestamp("1945-08-09 12:00")


def test_a_support_units_hours_behind_its_parent_are_not_hours_waiting_for_a_ferry(corridor):
    """withheld32: the arrival account named every hour a ferried SP battalion stood in its
    window "waiting for a ferry", also the days it then kept behind its rifle divisions (the
    2nd Red Banner Army's kon-sp: 69.4 h "waiting for a ferry" at Qiqihar, its ferrying 1.2 h
    after 18 h in the queue). Here sp is ferried 06:30-16:30; rds, whose means take 20 h and
    whose head stays at the crossing until all of it is across (no bridgehead), is across at
    12:30 on 10 Aug, and sp, across since 16:30 the day before, stands behind it in its window
    until then. By its hourly rows (each hour under its end's status): 9 h held at the
    crossing for its means (status carried, 07:00-16:00: at the river from 06:33) and 6 h in
    its window behind its parent (06:00-12:00 on 10 Aug; in the 13:00 hour it moves on behind
    rds, released at 12:30). Before water32 it moved before rds in each hour, capped where
    rds's head was at the hour's start, so 06:00-07:00 on 9 Aug and 12:00-13:00 on 10 Aug were
    hours behind its parent too (8 h for a ferry, 8 h for its parent); it now moves after its
    parent (``Holds.step_order``)."""
    from logistics.advance.simulate import simulate_army
    from logistics.arrivals import arrival_accounts, formation_clocks

    plan = _run(corridor, rds_own_h=20.0, bridgehead_km=0.0, beyond_km=19.0, plan_only=True)
    r = simulate_army(plan)
    acc = arrival_accounts(r.tracks, r.reached, formation_clocks(plan), start=plan.start)
    u = acc[(acc["formation_id"] == "sp") & (acc["objective"] == "U")].iloc[0]
    assert u["waiting_h"] == pytest.approx(15.0)
    assert u["waiting_for"] == "a ferry and its parent"
    assert "9 h waiting for a ferry, 6 h waiting for its parent" in u["what_set"]
    t = acc[(acc["formation_id"] == "rds") & (acc["objective"] == "U")].iloc[0]
    assert t["waiting_for"] == "a ferry"  # held at its crossing for its means: no parent
