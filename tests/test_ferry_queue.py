"""Who takes a ferried formation across a major river: its flotilla brigade or the army's own
means at the crossing site (one pontoon park a site, ``river.own_means``;
logistics/advance/ferry_queue.py). Pure queues with hand-made hours, then the step loop on
the test corridor (``tests/conftest.py``: 1 km steps, 20 km/h, march window 06:00-16:00 from
H-hour 9 Aug 00:00, tanks that never run dry, a major river at km 10, a bridgehead of 35 km),
where the answers follow by hand."""

from __future__ import annotations

import math
import random
from dataclasses import replace
from datetime import datetime, timedelta
from types import SimpleNamespace

import pandas as pd
import pytest

from logistics.advance.ferry_queue import FerryQueues
from logistics.advance.plan import CrossingStop
from logistics.advance.simulate import simulate_army

RIVER_KM, BOUND_KM = 10.0, 35.0
H0 = datetime(1945, 8, 9, 0, 0)


def _queues(order, joins, *, brigade="bde", ticks=2000):
    """Release hours {fid: (means, release_h)} of ``joins`` ``(fid, arrived_h, site,
    ferry_h, own_h)``, each joined at its arrival, the means taking at each join and every
    hour after (as the step loop calls them); ``brigade`` None: the parks alone."""
    q = FerryQueues({f: i for i, f in enumerate(order)}, site_km=20.0)
    out = {}
    events = sorted(joins, key=lambda j: j[1])
    for fid, arr, site, ferry_h, own_h in events:
        out.update({t.fid: (t.means, t.release_h) for t in q.take(arr)})
        q.join(fid, arr, brigade=brigade, ferry_h=ferry_h, site=site, own_h=own_h)
        out.update({t.fid: (t.means, t.release_h) for t in q.take(arr)})
    for h in range(ticks):
        out.update({t.fid: (t.means, t.release_h) for t in q.take(float(h))})
    assert not q.pending()
    return out


def test_two_formations_at_one_site_the_park_takes_both_when_the_brigade_is_slower():
    """Both at the river at H-hour; the forward detachment first: the park has it across in
    5 h (the brigade would take 30 h), and the main body at 5 + 20 = 25 h (the brigade,
    idle, would take 50 h: it is left idle)."""
    got = _queues(["fd", "main"], [("fd", 0.0, 0, 30.0, 5.0), ("main", 0.0, 0, 50.0, 20.0)])
    assert got == {"fd": ("park:0", 5.0), "main": ("park:0", 25.0)}


def test_two_formations_at_one_site_the_brigade_takes_the_second_when_it_is_quicker():
    """As above, but the brigade would ferry the main body in 12 h: it is across at 12 h,
    not 25 h, with the park busy with the forward detachment until 5 h."""
    got = _queues(["fd", "main"], [("fd", 0.0, 0, 30.0, 5.0), ("main", 0.0, 0, 12.0, 20.0)])
    assert got == {"fd": ("park:0", 5.0), "main": ("bde", 12.0)}


def test_without_a_park_the_brigade_queue_is_as_before():
    """own_h inf (no own means): one queue, priority order when the brigade comes free, the
    first to arrive when it is idle (tests/test_ferry_bridgehead.py's case by hand)."""
    got = _queues(["fd", "sp", "main"], [("sp", 6.5, 0, 10.0, math.inf),
                                         ("main", 7.5, 0, 50.0, math.inf),
                                         ("fd", 8.5, 0, 30.0, math.inf)])
    assert got == {"sp": ("bde", 16.5), "fd": ("bde", 46.5), "main": ("bde", 96.5)}


def test_each_site_has_its_own_park_and_shares_the_brigade():
    """Two sites 100 km apart (their own parks), one brigade: a and b are taken at once by
    their sites' parks; c, at a's site, waits for that park (a across at 10 h, c at 20 h)
    rather than the brigade's 40 h."""
    q = FerryQueues({"a": 0, "b": 1, "c": 2}, site_km=20.0)
    s1, s2 = q.site_of(127.5, 50.3), q.site_of(128.9, 50.1)
    assert (s1, s2, q.site_of(127.6, 50.3)) == (0, 1, 0)
    q.join("a", 0.0, brigade="bde", ferry_h=80.0, site=s1, own_h=10.0)
    q.join("b", 0.0, brigade="bde", ferry_h=80.0, site=s2, own_h=10.0)
    q.join("c", 0.0, brigade="bde", ferry_h=40.0, site=s1, own_h=10.0)
    got = {t.fid: (t.means, t.release_h) for t in q.take(0.0)}
    assert got == {"a": ("park:0", 10.0), "b": ("park:1", 10.0), "c": ("park:0", 20.0)}


@pytest.mark.parametrize("seed", range(40))
def test_the_flotilla_can_only_help(seed):
    """The invariant: with the brigade as well as the parks, no formation is across later
    than with the parks alone, for formations reaching their rivers in priority order
    (random sizes, sites and arrivals; ferry_queue.py's docstring says why, and when not)."""
    rng = random.Random(seed)
    n = rng.randint(1, 7)
    order = [f"f{i}" for i in range(n)]
    arr = sorted(rng.choice([0.0, rng.uniform(0, 60)]) for _ in order)
    joins = [(f, a, rng.randrange(3), rng.uniform(1, 200), rng.uniform(1, 60))
             for f, a in zip(order, arr)]
    both = _queues(order, joins)
    alone = _queues(order, joins, brigade=None)
    for f in order:
        assert both[f][1] <= alone[f][1] + 1e-9, (f, both, alone)
        assert both[f][1] >= dict((j[0], j[1]) for j in joins)[f]  # not before it arrives


# ------------------------------------------------------------------------------------------
# the planner: a formation's hours from its men and its vehicles' tonnes


def test_a_formations_tonnes_come_from_its_vehicle_files():
    from logistics.advance.means import own_means_time
    from logistics.army.means_norms import load_means_norms
    from logistics.network.river import own_means_t_per_day, own_means_time_h
    from logistics.vehicles import load_vehicle

    t34, us6 = load_vehicle("t-34-85").mass_t, load_vehicle("studebaker-us6").mass_t
    assert (t34, us6) == (32, 6.779)  # configs/vehicles: the masses this test reads
    got = own_means_time(500, (("t-34-85", 10), ("studebaker-us6", 20)))
    assert got == pytest.approx(own_means_time_h(500, 10 * 32 + 20 * 6.779))
    shipped = load_means_norms().river.own_means
    assert got == pytest.approx(24.0 * (500 * shipped.man_t + 455.58) / own_means_t_per_day())


# ------------------------------------------------------------------------------------------
# the step loop


def _form(fp, fid: str, ferry_h: float, own_h: float, *, ferried: bool = True):
    unit = SimpleNamespace(**{**vars(fp.unit), "id": fid, "name": fid})
    return replace(fp, unit=unit, crossings=(CrossingStop(RIVER_KM, 117.1, 47.0, 1, 0.75),),
                   ferry_by="bde" if ferried else None, ferry_h=ferry_h, own_means_h=own_h)


def _army(corridor, forms):
    plan = corridor(tank_l=1e6, length_km=400, days=4)
    fp = plan.formations[0]
    forms = tuple(_form(fp, *f[:3], ferried=f[3] if len(f) > 3 else True) for f in forms)
    return replace(plan, formations=forms, priority=tuple(f.id for f in forms),
                   ferry_brigades=("bde",), ferry_bridgehead_km=BOUND_KM)


def _track(r, fid: str) -> pd.DataFrame:
    t = r.tracks[r.tracks["formation_id"] == fid]
    return t.assign(time=pd.to_datetime(t["time"])).set_index("time")


def test_the_park_puts_a_formation_across_before_the_brigade_would(corridor):
    """At the river at 06:30; the park needs 5 h, the brigade 30 h: all across 11:30. The
    head waits at the bridgehead's edge (km 45, reached 08:15) until then and is 10 km on by
    12:00; the crossing's ferry_h is the park's 5 h, and the run says who took it."""
    r = simulate_army(_army(corridor, [("fd", 30.0, 5.0)]))
    t = _track(r, "fd")
    assert t.loc[H0 + timedelta(hours=11), "cum_km"] == pytest.approx(RIVER_KM + BOUND_KM)
    assert t.loc[H0 + timedelta(hours=12), "cum_km"] == pytest.approx(RIVER_KM + BOUND_KM + 10)
    assert r.crossings.set_index("formation_id").loc["fd", "ferry_h"] == pytest.approx(5.0)
    row = r.reached[r.reached["kind"] == "ferry"].iloc[0]
    assert "own means" in row["name"] and "30.0 h" in row["name"], row["name"]


def test_a_formation_not_ferried_is_unchanged_by_the_park(corridor):
    """``x`` crosses the same river without the flotilla (not in ferries_for: the cost
    engine's price only); its track is the same whether or not the ferried ``fd`` has a park,
    and it pays no ferrying."""
    with_park = simulate_army(_army(corridor, [("fd", 30.0, 5.0), ("x", 0.0, math.inf, False)]))
    without = simulate_army(_army(corridor, [("fd", 30.0, math.inf), ("x", 0.0, math.inf, False)]))
    a, b = _track(with_park, "x"), _track(without, "x")
    pd.testing.assert_frame_equal(a, b)
    assert with_park.crossings.set_index("formation_id").loc["x", "ferry_h"] == 0.0
    # fd itself: across at 11:30 and on to km 135 by 16:00 with the park; held at km 45 until
    # the brigade's 36:30 without it
    at = H0 + timedelta(hours=30)
    assert _track(with_park, "fd").loc[at, "cum_km"] == pytest.approx(135.0)
    assert _track(without, "fd").loc[at, "cum_km"] == pytest.approx(RIVER_KM + BOUND_KM)
