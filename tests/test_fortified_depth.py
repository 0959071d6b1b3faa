"""A fortified region's depth is charged once, not along its drawn front
(configs/fortified-regions.yaml ``rule.breakthrough``): inside one region's extent a route is
crossed at the breakthrough rate for at most the region's ``depth_km``, from where it enters;
the rest of the stretch at the formation's own pace. On a straight synthetic route east along
47 N (1 km steps, 0.01 degree a km as the corridor's), with expectations worked by hand."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from logistics.advance.depths import fortified_passes as _fortified_passes
from logistics.advance.route_choice import _route_days
from logistics.army.fortified import Region

RATE = 12.0  # km a day


def _seg(n_km: int = 100) -> pd.DataFrame:
    km = np.arange(n_km + 1, dtype=float)
    return pd.DataFrame({"lon": 117.0 + km / 100.0, "lat": np.full(len(km), 47.0),
                         "cum_km": km, "dist_m": np.r_[0.0, np.full(n_km, 1000.0)],
                         "time_s": np.r_[0.0, np.full(n_km, 180.0)]})


def _strip(k0: float, k1: float):
    """An extent over route km ``k0`` .. ``k1`` (the route runs along it for k1 - k0 km)."""
    return box(117.0 + k0 / 100.0, 46.9, 117.0 + k1 / 100.0, 47.1)


def _unit(kind="rifle_division", action="assault", detaches=True):
    return SimpleNamespace(kind=kind, fortified_action=action, detaches=detaches,
                           norm=SimpleNamespace(max_speed_kmh=25.0, hours_per_day=10.0))


def test_a_route_along_the_front_is_charged_the_regions_depth_only():
    """80 km of route inside an extent whose region is 20 km deep (the route runs along its
    drawn front): 20 km at the breakthrough rate from where it enters (km 10 .. 30), the other
    60 km at its own pace; one detachment."""
    r = Region("d", "D", _strip(10.0, 90.0), (), "sourced", depth_km=20.0)
    (p,) = _fortified_passes(_seg(), [r], _unit())
    assert (p.km_in, p.km_out) == (pytest.approx(10.0), pytest.approx(30.0))
    assert p.detaches and p.detach_ids == ("d",)


def test_a_route_straight_through_is_charged_as_before():
    """15 km inside a region 30 km deep (and one with no depth given): the whole stretch."""
    deep = Region("d", "D", _strip(10.0, 25.0), (), "sourced", depth_km=30.0)
    (p,) = _fortified_passes(_seg(), [deep], _unit())
    assert (p.km_in, p.km_out) == (pytest.approx(10.0), pytest.approx(25.0))
    (q,) = _fortified_passes(_seg(), [Region("n", "N", _strip(10.0, 25.0), (), "sourced")],
                             _unit())
    assert (q.km_in, q.km_out) == (pytest.approx(10.0), pytest.approx(25.0))


def test_touching_regions_each_charge_their_own_depth_and_leave_one_detachment():
    """Two regions split where they touch (km 10 .. 40 of depth 5, km 40 .. 60 of depth 50):
    5 km of the first from km 10, all 20 of the second from km 40: two passes, one stretch,
    so the one detachment (at both regions) is left at the first."""
    a = Region("a", "A", _strip(10.0, 40.0), (), "generic_extent", depth_km=5.0)
    b = Region("b", "B", _strip(40.0, 60.0), (), "sourced", depth_km=50.0)
    p, q = _fortified_passes(_seg(), [a, b], _unit())
    assert (p.km_in, p.km_out) == (pytest.approx(10.0), pytest.approx(15.0))
    assert (q.km_in, q.km_out) == (pytest.approx(40.0), pytest.approx(60.0))
    assert (p.region_ids, q.region_ids) == (("a",), ("b",))
    assert (p.detaches, p.detach_ids) == (True, ("a", "b"))
    assert (q.detaches, q.detach_ids) == (False, ())
    # the names of every extent the stretch lies in, for the stops table (not their ids)
    assert p.named(p.detach_ids) == "A + B" and q.named(q.region_ids) == "B"


def test_overlapping_extents_count_each_charged_km_once():
    """Extents over km 0 .. 10.5 (depth 10.5) and 4.25 .. 52.5 (depth 20): charged km 0 .. 10.5
    and 4.25 .. 24.25, overlapping: one pass km 0 .. 24.25 (not 30.5 km)."""
    p_ = Region("p", "P", _strip(-5.0, 10.5), (), "generic_extent", depth_km=10.5)
    d = Region("d", "D", _strip(4.25, 52.5), (), "sourced", depth_km=20.0)
    (p,) = _fortified_passes(_seg(), [p_, d], _unit())
    assert (p.km_in, p.km_out) == (pytest.approx(0.0), pytest.approx(24.25))
    assert p.region_ids == ("p", "d")


def test_every_kind_meets_the_same_cap():
    """A formation that cannot go round follows the same charged km (no detachment); the
    bypass rule's comparison prices them the same: 20 km at 12 km a day (5/3 d) and the other
    80 km at 20 km/h over 10 h a day (0.4 d)."""
    r = Region("d", "D", _strip(10.0, 90.0), (), "sourced", depth_km=20.0)
    fd = _unit("forward_detachment", "bypass", False)
    (p,) = _fortified_passes(_seg(), [r], fd)
    assert (p.km_in, p.km_out, p.action, p.detaches) == (pytest.approx(10.0),
                                                         pytest.approx(30.0), "follow", False)
    assert _route_days(_seg(), fd, [r], RATE) == pytest.approx(20.0 / RATE + 80.0 / 20.0 / 10.0)


def test_a_ship_borne_path_crosses_only_the_charged_depth():
    """The flotilla's timetable (10 km/h along the same path) re-timed through the charged
    km only: 20 km at 0.5 km/h is 40 h instead of 2 h, so 38 h later at the end (not 76 h
    for the whole 80 km stretch)."""
    from logistics.advance.movement import Timetable, through_depths

    r = Region("d", "D", _strip(10.0, 90.0), (), "sourced", depth_km=20.0)
    seg = _seg()
    passes = _fortified_passes(seg, [r], _unit("rifle_division", "assault", False))
    tt = Timetable("river", seg["cum_km"].to_numpy(), seg["lon"].to_numpy(),
                   seg["lat"].to_numpy(), seg["cum_km"].to_numpy() / 10.0)
    out = through_depths(tt, [(p.km_in, p.km_out) for p in passes], RATE)
    assert out.end_h - tt.end_h == pytest.approx(40.0 - 2.0)


def test_the_shipped_regions_carry_their_depths():
    """Each drawn region's depth is its extent.depth_km (Dongning 52.5 km, [BBGSM-DONGNING]/
    [DANVIET-DONGNING]; Mishan 27.6 and Manchouli-Zhalainor 12.0, the placement rule); the
    Mudanjiang field position's is its whole zone, 5 + 4 + 15 + 3 = 27 km ([MERETSKOV-BIO]
    security zone, belts and interval), one region with no '-2' belt; a circle's is its
    diameter (Linkou 25 km, Hailar 5.2 km)."""
    from logistics.army.fortified import load_fortified

    depth = {r.id: r.depth_km for r in load_fortified().regions}
    assert depth["dongning"] == pytest.approx(52.5)
    assert depth["mishan"] == pytest.approx(27.6)
    assert depth["manchouli-zhalainor"] == pytest.approx(12.0)
    assert depth["hutou"] == pytest.approx(6.0)
    assert depth["mudanjiang-line"] == pytest.approx(27.0)
    assert "mudanjiang-line-2" not in depth
    assert depth["linkou"] == pytest.approx(25.0)
    assert depth["hailar"] == pytest.approx(5.2)


def test_a_polygon_without_its_depth_is_one_config_error(tmp_path):
    import yaml

    from logistics import settings
    from logistics.army.fortified import load_fortified
    from logistics.errors import ConfigError

    doc = yaml.safe_load((settings.CONFIG_DIR / "fortified-regions.yaml").read_text("utf-8"))
    mishan = next(r for r in doc["fortified_regions"] if r["id"] == "mishan")
    mishan["extent"].pop("depth_km")
    (tmp_path / "fortified-regions.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True),
                                                    encoding="utf-8")
    with pytest.raises(ConfigError, match=r"fortified_regions\.\d+ \(mishan\)\.extent\.depth_km: "
                                          r"missing.*fix: add depth_km"):
        load_fortified(tmp_path)


def _run_through(plan, shape):
    """(passes, run) of the corridor's formation (a brigade, assaulting at ``RATE``, no
    detachment) through a region of ``shape`` 6 km deep."""
    import dataclasses

    from logistics.advance.simulate import simulate_army
    from logistics.army.fortified import FortifiedRule

    rule = FortifiedRule(bypass_kinds=frozenset(), breakthrough_kinds=frozenset({"brigade"}),
                         detach_kinds=frozenset(), rate_km_per_day=RATE, fraction_of_men=0.1,
                         rate_cite="test", detach_cite="test")
    fp = plan.formations[0]
    seg = pd.DataFrame({"lon": fp.lon, "lat": fp.lat, "cum_km": fp.km})
    passes = _fortified_passes(seg, [Region("d", "D", shape, (), "sourced", depth_km=6.0)],
                               _unit(detaches=False))
    plan = dataclasses.replace(plan, formations=(dataclasses.replace(fp, fortified=passes),))
    return passes, simulate_army(plan, rule=rule)


def test_the_step_loop_crosses_the_depth_then_marches_on_inside_the_extent(corridor):
    """The corridor (1 km steps along 47 N, 20 km/h, 10 march hours from 06:00) runs 80 km
    inside an extent 6 km deep: 6 km at 12 km a day (0.5 km an hour from H-hour, through at
    12:00), then the march pace inside the extent too: 6 + 4 x 20 = 86 km at 16:00 (the whole
    80 km at the rate would leave it at km 8 then); the event says how much lies inside."""
    passes, r = _run_through(corridor(), _strip(-1.0, 80.0))
    t = r.tracks.set_index("time")
    assert t.loc[pd.Timestamp("1945-08-09 12:00"), "cum_km"] == pytest.approx(6.0, abs=1e-6)
    assert t.loc[pd.Timestamp("1945-08-09 16:00"), "cum_km"] == pytest.approx(86.0, abs=1e-6)
    (name,) = r.reached.loc[r.reached["kind"] == "fortified region", "name"]
    assert "6.0 km of depth" in name and "80.0 km of the route lie inside" in name


def _tasked(*kms: float):
    """A rifle formation whose objectives lie on the synthetic route at ``kms``."""
    from logistics.army.resolve import ObjectiveSpec

    u = _unit()
    u.objectives = tuple(ObjectiveSpec(f"o{k:g}", ((f"o{k:g}", 117.0 + k / 100.0, 47.0),), 5.0)
                         for k in kms)
    return u


def test_a_formation_fights_on_to_its_own_objective_inside_the_region():
    """80 km inside a region 20 km deep whose town (the formation's objective) lies at km 60:
    the formation's task is the region, so it fights its way to km 60 at the rate; beyond, its
    own pace. An objective past the extent (km 95) changes nothing: the depth alone."""
    r = Region("d", "D", _strip(10.0, 90.0), (), "sourced", depth_km=20.0)
    (p,) = _fortified_passes(_seg(), [r], _tasked(60.0, 95.0))
    assert (p.km_in, p.km_out) == (pytest.approx(10.0), pytest.approx(60.0))
    (q,) = _fortified_passes(_seg(), [r], _tasked(95.0))
    assert (q.km_in, q.km_out) == (pytest.approx(10.0), pytest.approx(30.0))
    (s,) = _fortified_passes(_seg(), [r], _tasked(20.0))  # inside the depth: the depth
    assert (s.km_in, s.km_out) == (pytest.approx(10.0), pytest.approx(30.0))


def test_a_formation_tasked_with_the_region_itself_fights_through_all_of_it():
    """An objective named for the region (the Otpor group's 'разгромить ... укрепрайон'): all
    80 km inside at the rate, wherever the objective's point lies."""
    from logistics.army.resolve import ObjectiveSpec

    r = Region("mz", "M-Z fortified region", _strip(10.0, 90.0), (), "sourced", depth_km=20.0)
    u = _unit()
    u.objectives = (ObjectiveSpec("M-Z fortified region",
                                  (("M-Z fortified region", 117.3, 47.0),), 5.0),)
    (p,) = _fortified_passes(_seg(), [r], u)
    assert (p.km_in, p.km_out) == (pytest.approx(10.0), pytest.approx(90.0))


def test_an_objective_option_the_route_does_not_take_is_not_fought_to():
    """An objective of two options (``any_of``), one inside the region 10 km off the route
    (its point at km 60, 0.09 degree north: ~10 km, beyond its 5 km radius) and one past the
    extent on the route (km 95): the route takes the one it reaches (routes.py), so the
    formation crosses the depth alone (km 10 .. 30), not on to km 60 at the rate for a place
    it never goes to. The option inside on the route (km 60) is fought to as before."""
    from logistics.army.resolve import ObjectiveSpec

    r = Region("d", "D", _strip(10.0, 90.0), (), "sourced", depth_km=20.0)
    u = _unit()
    u.objectives = (ObjectiveSpec("x", (("in", 117.60, 47.09), ("out", 117.95, 47.0)), 5.0),)
    (p,) = _fortified_passes(_seg(), [r], u)
    assert (p.km_in, p.km_out) == (pytest.approx(10.0), pytest.approx(30.0))
    u.objectives = (ObjectiveSpec("x", (("in", 117.60, 47.0), ("out", 117.95, 47.0)), 5.0),)
    (q,) = _fortified_passes(_seg(), [r], u)
    assert (q.km_in, q.km_out) == (pytest.approx(10.0), pytest.approx(60.0))


def test_a_route_leaving_and_reentering_a_region_is_charged_its_depth_once():
    """A route along a region's drawn edge, out of the extent and back in (a notch across it
    at km 30 .. 35, and one every 10 km from km 20 to 70): the region's 20 km are charged
    once from where the route first enters it (km 10 .. 30), not again at each re-entry
    (40 km, and 64 km for the wiggles, when each stretch charged its own depth)."""
    c = box(117.10, 46.9, 117.80, 47.1).difference(box(117.30, 46.95, 117.35, 47.2))
    passes = _fortified_passes(_seg(), [Region("d", "D", c, (), "sourced", depth_km=20.0)],
                               _unit())
    assert (passes[0].km_in, passes[0].km_out) == (pytest.approx(10.0), pytest.approx(30.0))
    assert sum(p.km_out - p.km_in for p in passes) == pytest.approx(20.0)
    wiggle = box(117.10, 46.9, 117.80, 47.1)
    for k in range(20, 80, 10):
        wiggle = wiggle.difference(box(117.0 + k / 100.0, 46.95, 117.01 + k / 100.0, 47.2))
    passes = _fortified_passes(_seg(), [Region("d", "D", wiggle, (), "sourced", depth_km=20.0)],
                               _unit())
    assert sum(p.km_out - p.km_in for p in passes) == pytest.approx(20.0)


def test_the_step_loop_is_not_held_where_the_route_reenters_a_region(corridor):
    """The corridor of the step-loop test above, the extent notched across the route at km
    30 .. 35: the depth (6 km) is crossed once from H-hour (through at 12:00), the re-entry
    at km 35 charges nothing (a pass of no length), so the column is at km 86 at 16:00 as
    without the notch."""
    notched = _strip(-1.0, 80.0).difference(box(117.30, 46.95, 117.35, 47.2))
    passes, r = _run_through(corridor(), notched)
    assert [(p.km_in, p.km_out) for p in passes] == [pytest.approx((0.0, 6.0)),
                                                      pytest.approx((35.0, 35.0))]
    t = r.tracks.set_index("time")
    assert t.loc[pd.Timestamp("1945-08-09 12:00"), "cum_km"] == pytest.approx(6.0, abs=1e-6)
    assert t.loc[pd.Timestamp("1945-08-09 16:00"), "cum_km"] == pytest.approx(86.0, abs=1e-6)
