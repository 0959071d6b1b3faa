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


def _run(corridor):
    from logistics.advance.simulate import simulate_army

    plan = corridor(days=3)
    fp = plan.formations[0]
    km = np.asarray(fp.km, dtype=float)
    forms = []
    for fid, own_h, route_km, at in (("sp", 10.0, np.where(km <= 10, km * 1.1, km + 1.0), 11.0),
                                     ("rds", 2.0, km, 10.0)):
        unit = SimpleNamespace(**{**vars(fp.unit), "id": fid, "name": fid,
                                  "headline": fid == "rds"})
        if fid == "sp":
            unit = SimpleNamespace(**{**vars(unit), "role": "support", "parent": "rds"})
        forms.append(dataclasses.replace(
            fp, unit=unit, km=route_km, objectives=((at, "T"),),
            crossings=(CrossingStop(at, 117.1, 47.0, 1, 0.0, frontier=True),),
            ferry_by=None, ferry_h=math.inf, own_means_h=own_h))
    plan = dataclasses.replace(plan, formations=tuple(forms), priority=("sp", "rds"),
                               ferry_bridgehead_km=35.0)
    return simulate_army(plan)


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
