"""An attached support unit (``role: support`` with a ``parent``) keeps to its parent's share of
the route until the parent arrives, also once it is formed (``formed``).

Synthetic case on the test corridor (``tests/conftest.py``: 400 km of 1 km steps, march window
06:00-16:00 from H-hour 9 Aug 00:00, tanks that never run dry): the support unit at 20 km/h,
its parent at 10 km/h on the same corridor (so the same share is the same km)."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pytest

from logistics.advance.simulate import simulate_army


def _army(corridor, *, role: str, formed_km: float):
    plan = corridor(tank_l=1e6, length_km=400, days=3)
    fp = plan.formations[0]

    def unit(fid, parent, role):
        return SimpleNamespace(**{**vars(fp.unit), "id": fid, "name": fid, "parent": parent,
                                  "role": role})

    sp = replace(fp, unit=unit("sp", "main", role), formed_km=formed_km)
    slow = {s: t * 2.0 for s, t in fp.step_time_s.items()}  # 10 km/h
    main = replace(fp, unit=unit("main", None, "main_body"), step_time_s=slow)
    return replace(plan, formations=(sp, main), priority=("sp", "main"))


def _km(r, fid: str) -> np.ndarray:
    return r.tracks[r.tracks["formation_id"] == fid]["cum_km"].to_numpy()


def test_a_formed_support_unit_stays_behind_its_parent_after_it_is_formed(corridor):
    """Formed at km 20 of its parent's route: by the first evening (16:00) the parent is at
    km 100 (10 h at 10 km/h); the support unit, first in priority but moved after its parent
    each hour (``Holds.step_order``), keeps to where the parent is at the hour's end, km 100
    (moved first, it kept to where the parent was at the hour's start, km 90, an hour behind
    its column: water32). Before, once formed it ran on at its own
    20 km/h (km 170 by 16:00); a unit formed the same way but not attached (main_body) still
    does."""
    r = simulate_army(_army(corridor, role="support", formed_km=20.0))
    sp, main = _km(r, "sp"), _km(r, "main")
    assert main[15] == pytest.approx(100.0) and sp[15] == pytest.approx(100.0)
    assert (sp <= main + 1e-6).all()
    free = _km(simulate_army(_army(corridor, role="main_body", formed_km=20.0)), "sp")
    assert free[15] > 150.0
