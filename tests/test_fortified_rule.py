"""The fortified-region rule in the step loop and the plan (configs/fortified-regions.yaml,
``rule:``): the head crosses the depth at the breakthrough rate hour by hour (no halt then a
jump); overlapping extents count each km once; a mobile formation that cannot go round follows
the breach at the same rate and leaves no detachment; a rifle division leaves one detachment per
extent. On the synthetic corridor (1 km steps east along 47 N, 20 km/h, 10 march hours from
06:00) with worked-by-hand expectations."""

from __future__ import annotations

import re

import dataclasses
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from logistics.advance.depths import FortifiedPass
from logistics.advance.depths import fortified_passes as _fortified_passes
from logistics.advance.simulate import simulate_army
from logistics.army.fortified import FortifiedRule, Region, crossing_action

RATE = 12.0  # km a day: 0.5 km an hour, round the clock
RULE = FortifiedRule(bypass_kinds=frozenset({"forward_detachment"}),
                     breakthrough_kinds=frozenset({"rifle_division"}),
                     detach_kinds=frozenset({"rifle_division"}), rate_km_per_day=RATE,
                     fraction_of_men=0.1, rate_cite="test", detach_cite="test")


def _with_passes(plan, *passes):
    fp = dataclasses.replace(plan.formations[0], fortified=tuple(passes))
    return dataclasses.replace(plan, formations=(fp,))


def _track(r) -> pd.DataFrame:
    return r.tracks.set_index("time")


def test_the_head_crosses_the_depth_at_the_breakthrough_rate_hour_by_hour(corridor):
    """A 6 km depth from km 0: 0.5 km in every hour from H-hour (round the clock, before the
    06:00 march window opens), through at 12:00; then the march pace (20 km/h) to the window's
    end at 16:00: 6 + 4 x 20 = 86 km."""
    plan = _with_passes(corridor(), FortifiedPass(0.0, 6.0, "ur", "UR", "assault", False, ("ur",)))
    r = simulate_army(plan, rule=RULE)
    t = _track(r)
    for h in range(1, 13):
        row = t.loc[pd.Timestamp("1945-08-09") + pd.Timedelta(hours=h)]
        assert row["cum_km"] == pytest.approx(0.5 * h, abs=1e-6), h
        assert row["status"] == "assault"
    km = t["cum_km"].to_numpy()
    assert np.all(np.diff(km[:12]) > 0.49), "it stands still inside the depth"
    assert t.loc[pd.Timestamp("1945-08-09 16:00"), "cum_km"] == pytest.approx(86.0, abs=1e-6)
    # the fuel of the 6 km is burnt: 10 vehicles x 2 L/km
    day = r.daily.iloc[0]
    assert day["consumed_l"] == pytest.approx(86.0 * 10 * 2.0, rel=1e-9)


def test_a_depth_entered_on_the_march_is_crossed_at_the_rate_then_the_march_goes_on(corridor):
    """A depth of 3 km at km 40 .. 43: reached at 08:00 (06:00 + 40 km at 20 km/h), crossed by
    14:00 (6 h at 0.5 km/h), then 2 more march hours to 16:00: 43 + 40 = 83 km; the track
    never jumps more than the march pace and never moves faster than the rate inside."""
    plan = _with_passes(corridor(), FortifiedPass(40.0, 43.0, "ur", "UR", "assault", False))
    r = simulate_army(plan, rule=RULE)
    t = _track(r)
    assert t.loc[pd.Timestamp("1945-08-09 08:00"), "cum_km"] == pytest.approx(40.0, abs=1e-6)
    assert t.loc[pd.Timestamp("1945-08-09 11:00"), "cum_km"] == pytest.approx(41.5, abs=1e-6)
    assert t.loc[pd.Timestamp("1945-08-09 14:00"), "cum_km"] == pytest.approx(43.0, abs=1e-6)
    assert t.loc[pd.Timestamp("1945-08-09 16:00"), "cum_km"] == pytest.approx(83.0, abs=1e-6)
    inside = t[(t["cum_km"] > 40.0 + 1e-9) & (t["cum_km"] <= 43.0 + 1e-9)]
    assert (np.diff(np.r_[40.0, inside["cum_km"].to_numpy()]) <= 0.5 + 1e-9).all()


def test_a_detachment_is_left_once_per_stretch_and_only_by_a_detaching_action(corridor):
    """One stretch lying in two (overlapping) extents: a detaching formation leaves 10 % once
    (1 vehicle of 10), as the depth counts each km once; a following one leaves none; both
    cross in the same time."""
    lay = FortifiedPass(0.0, 6.0, "a+b", "A + B", "assault", True, ("a", "b"))
    fol = dataclasses.replace(lay, action="follow", detaches=False)
    r1 = simulate_army(_with_passes(corridor(), lay), rule=RULE)
    r2 = simulate_army(_with_passes(corridor(), fol), rule=RULE)
    det = r1.reached[r1.reached["kind"] == "detached"]
    assert list(det["name"].str.extract(r"^(\d+)")[0].astype(int)) == [1]
    assert "a+b" in det["name"].iloc[0]
    assert r2.reached[r2.reached["kind"] == "detached"].empty
    at = pd.Timestamp("1945-08-09 12:00")
    assert _track(r1).loc[at, "cum_km"] == pytest.approx(6.0, abs=1e-6)
    assert _track(r2).loc[at, "cum_km"] == pytest.approx(6.0, abs=1e-6)


def test_the_stops_say_where_a_detachment_was_left_by_the_regions_names(corridor):
    """The stops table (report.md "Stops reached") said "1 vehicles left at hutou+mishan":
    the region ids of configs/fortified-regions.yaml where their names exist. It says the
    names now (as the fortified-region row beside it); the ids stay in the pass's
    ``detach_ids`` for what reads them."""
    lay = FortifiedPass(0.0, 6.0, "a+b", "A + B", "assault", True, ("a", "b"), ("a", "b"),
                        names=(("a", "Hutou fortress"), ("b", "Mishan fortified region")))
    r = simulate_army(_with_passes(corridor(), lay), rule=RULE)
    (said,) = r.reached[r.reached["kind"] == "detached"]["name"]
    assert said.startswith("1 vehicle left at Hutou fortress + Mishan fortified region; "), said
    assert "a+b" not in said


def _seg(n_km: int = 100):
    """A straight route east along 47 N in 1 km steps (lon/lat on a 1 km-per-0.01 degree
    scale, as the corridor's)."""
    km = np.arange(n_km + 1, dtype=float)
    return pd.DataFrame({"lon": 117.0 + km / 100.0, "lat": np.full(len(km), 47.0),
                         "cum_km": km})


def _unit(kind: str, action: str, detaches: bool):
    return SimpleNamespace(kind=kind, fortified_action=action, detaches=detaches)


def _layer_doc() -> dict:
    """The shipped fortified-region layer as a fresh mapping, to damage in a test."""
    import yaml

    from logistics import settings

    text = (settings.CONFIG_DIR / "fortified-regions.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _write_layer(tmp_path, doc: dict):
    """``doc`` written as ``fortified-regions.yaml`` of the configs folder ``tmp_path``."""
    import yaml

    (tmp_path / "fortified-regions.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True),
                                                    encoding="utf-8")
    return tmp_path


def test_overlapping_extents_count_each_km_once():
    """Extents over km 0 .. 10.5 and km 4.25 .. 52.5 (boundaries between route points): one
    stretch 0 .. 52.5 km (their union), not 10.5 + 48.25 km; a third extent beyond a gap is
    its own stretch, 70.25 .. 80.75."""
    def strip(k0, k1):
        return box(117.0 + k0 / 100.0, 46.9, 117.0 + k1 / 100.0, 47.1)

    regions = [Region("p", "P", strip(-5.0, 10.5), (), "generic_extent"),
               Region("d", "D", strip(4.25, 52.5), (), "sourced"),
               Region("x", "X", strip(70.25, 80.75), (), "sourced")]
    out = _fortified_passes(_seg(), regions, _unit("rifle_division", "assault", True))
    assert [(p.km_in, p.km_out) for p in out] == [pytest.approx((0.0, 52.5)),
                                                   pytest.approx((70.25, 80.75))]
    assert out[0].region_ids == ("p", "d") and out[1].region_ids == ("x",)
    assert sum(p.km_out - p.km_in for p in out) == pytest.approx(52.5 + 10.5)
    assert all(p.action == "assault" and p.detaches for p in out)


def test_a_bypassing_formation_that_cannot_go_round_follows_the_breach():
    """A forward detachment (``bypass``) whose start lies in an extent: its stretch is crossed
    by ``follow`` (the breakthrough rate in the loop), with no detachment."""
    assert crossing_action("bypass") == "follow"
    assert crossing_action("assault") == "assault" and crossing_action("besiege") == "besiege"
    regions = [Region("d", "D", box(116.9, 46.9, 117.3, 47.1), (), "sourced")]
    (p,) = _fortified_passes(_seg(), regions, _unit("forward_detachment", "bypass", False))
    assert (p.km_in, p.km_out, p.action, p.detaches) == (0.0, pytest.approx(30.0), "follow",
                                                         False)


def test_the_shipped_rule_states_what_a_mobile_formation_does_with_no_way_round():
    """The rule file names the case and gives it a provenance (a named assumption)."""
    from logistics import settings
    from logistics._yaml import load_yaml

    doc = load_yaml(settings.CONFIG_DIR / "fortified-regions.yaml", what="test")
    node = doc["rule"]["bypass"]["no_way_round"]
    assert "breakthrough rate" in node["effect"] and node["assumed"]


def test_the_rule_reads_kind_or_standard():
    """A rifle corps built on the rifle-division standard is rifle divisions: it assaults and
    leaves a detachment like one; a forward detachment bypasses and never detaches; an explicit
    besiege always detaches."""
    from logistics.army.fortified import action_for, detaches

    a = action_for("rifle_corps", None, RULE, "rifle_division")
    assert a == "assault" and detaches(a, "rifle_corps", RULE, "rifle_division")
    assert not detaches(a, "other", RULE, None)
    b = action_for("forward_detachment", None, RULE)
    assert b == "bypass" and not detaches(b, "forward_detachment", RULE)
    assert detaches("besiege", "other", RULE) and action_for("other", "besiege", RULE) == "besiege"


@pytest.mark.slow
def test_a_forward_detachment_whose_objective_is_in_an_extent_follows_the_breach(tmp_path):
    """A synthetic army cut from the 5th Army's file: a forward detachment (``bypass``) and a
    rifle division from the army's start 5 km inside the USSR, whose first objective Suifenhe
    lies inside the Pogranichnaya extent, on the shipped terrain at 10 km. Both march to the
    frontier, then cross the depth no faster than the breakthrough rate (a km a day / 24 an
    hour) without standing still once in it (the forward detachment, there first, waits at the
    edge until the rifle division breaks in: rule.bypass.no_way_round); only the rifle division leaves a detachment (one for the
    stretch), where its route enters the extent (not at its start: the extents stop at the
    frontier); beyond the depth the forward detachment moves faster than the rate."""
    import copy

    import yaml

    from logistics import settings
    from logistics.army.fortified import load_fortified
    from logistics.runner import run_scenario

    doc = yaml.safe_load((settings.CONFIG_DIR / "1fef-5a.yaml").read_text(encoding="utf-8"))
    keep = {"fd-5a", "5a-rds"}
    doc = copy.deepcopy(doc)
    doc["formations"] = [f for f in doc["formations"] if f["id"] in keep]
    doc["fuel"]["priority"]["order"] = ["fd-5a", "5a-rds"]
    doc["uncertain"] = {}
    doc["end"] = {"value": "1945-08-16T00:00", "assumed": "test: a week"}
    p = tmp_path / "army.yaml"
    p.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    r = run_scenario(p, resolution_m=10_000.0)
    rate_kmh = load_fortified().rule.rate_km_per_day / 24.0
    forts = r.reached[r.reached["kind"] == "fortified region"]
    assert set(forts["formation_id"]) == keep, r.notes
    # follow, or, behind a depth the rifle division has broken through, the open breach
    # (rule.breakthrough.open_breach)
    assert forts[forts["formation_id"] == "fd-5a"]["name"].str.contains(
        "follow|through the open breach, broken through by 5a-rds").all()
    det = r.reached[r.reached["kind"] == "detached"]
    assert set(det["formation_id"]) == {"5a-rds"}
    first = det.sort_values("cum_km").iloc[0]
    assert 0.0 < first["cum_km"] < 15.0  # entering the extents just beyond the frontier
    assert (det["cum_km"] == first["cum_km"]).sum() == 1  # one detachment for the stretch
    # men and vehicles counted apart (the men are a class of a marching rifle formation: they
    # were one sum, '4906 (men and vehicles)' for 4,840 men and 66 trucks), the men the
    # daily table's men_detached
    said = [re.match(r"(\d+) men and (\d+) vehicles left at ", n) for n in det["name"]]
    assert all(said), list(det["name"])
    left = r.daily[r.daily["formation_id"] == "5a-rds"]["men_detached"]
    assert sum(int(m.group(1)) for m in said) == int(left.iloc[-1]) > 0
    for fid in keep:
        t = r.tracks[r.tracks["formation_id"] == fid].reset_index(drop=True)
        fight = (t["status"] == "assault").to_numpy()
        assert fight.any(), fid
        i0 = int(np.flatnonzero(fight)[0])
        i1 = i0 + int(np.flatnonzero(~fight[i0:])[0])
        km = t["cum_km"].to_numpy()
        steps = np.diff(np.r_[0.0, km])
        # the forward detachment, at the frontier first, waits at the depth's edge until the
        # rifle division breaks in (rule.bypass.no_way_round: no faster than the rifle forces
        # break it open); from then on it crosses at the rate
        while i0 + 1 < i1 and steps[i0 + 1] == 0.0:
            i0 += 1
        # inside the first depth (its first and last steps may march up to it and on): the
        # region's 10.5 km depth (rule.breakthrough.depth_cap) at 10 km a day is 25.2 h, so
        # at least 23 whole hours between those two
        inner = steps[i0 + 1:i1 - 1]
        assert len(inner) >= 23, fid
        assert (inner <= rate_kmh + 1e-6).all(), fid
        assert (inner > 0.0).all(), f"{fid} stands still in the depth"
    waits = forts[forts["name"].str.contains("waits at the depth's edge")]
    entered = forts[forts["formation_id"] == "5a-rds"]["time"].min()
    assert set(waits["formation_id"]) == {"fd-5a"} and waits["time"].min() < entered
    fd = r.tracks[(r.tracks["formation_id"] == "fd-5a") & (r.tracks["status"] == "moving")]
    assert len(fd) and np.diff(fd["cum_km"].to_numpy()).max() > rate_kmh


def test_route_days_price_the_depth_at_the_rate_and_the_rest_at_the_column_pace():
    """The bypass rule's comparison (rule.bypass.quicker_way): 100 km at 20 km/h (the pace
    vehicle's time) under a 25 km/h norm, 10 march hours a day; an extent over km 20 .. 50.
    Outside: 70 km / 20 km/h = 3.5 h -> 0.35 d; inside: 30 km at 12 km a day = 2.5 d."""
    from logistics.advance.route_choice import _route_days

    seg = _seg(100)
    seg["dist_m"] = np.r_[0.0, np.full(100, 1000.0)]
    seg["time_s"] = np.r_[0.0, np.full(100, 180.0)]
    unit = SimpleNamespace(kind="forward_detachment", fortified_action="bypass",
                           detaches=False,
                           norm=SimpleNamespace(max_speed_kmh=25.0, hours_per_day=10.0))
    region = Region("d", "D", box(117.2, 46.9, 117.5, 47.1), (), "sourced")
    assert _route_days(seg, unit, [region], RATE) == pytest.approx(0.35 + 2.5)
    assert _route_days(seg, unit, [], RATE) == pytest.approx(0.5)
    # the norm's pace bounds a faster vehicle: 60 km/h physics, 25 km/h column -> 100/25 = 4 h
    seg["time_s"] = np.r_[0.0, np.full(100, 60.0)]
    assert _route_days(seg, unit, [], RATE) == pytest.approx(0.4)


@pytest.mark.slow
def test_a_mobile_formation_tasked_with_the_city_a_field_position_defends_follows_its_breach():
    """On the shipped 5th Army at 2 km: the Mudanjiang position is one 27 km zone (69.4 to
    42.4 km from the city), 2.7 days at the breakthrough rate. The armour assaults it; the
    forward detachment, a bypass kind tasked with Mudanjiang, follows that breach
    (rule.bypass.no_way_round.defended_place): it no longer goes round the semicircle's drawn
    southern end, which comes from the assumed facing, not from a source. The same for the
    10th Mechanized Corps' forward detachment (25th Army file). On the shipped 39th Army the
    forward detachment still goes round the Halung-Arshan fortified region ([LYUDNIKOV]
    'обходя главными силами с юга'), which defends none of its objectives: its route enters no
    extent (rule.bypass.quicker_way)."""
    from logistics import settings
    from logistics.runner import run_scenario

    def charged_km(r, fid):
        return sum(p.km_out - p.km_in for p in r.plan.formation(fid).fortified
                   if p.region_id == "mudanjiang-line")

    r = run_scenario(settings.CONFIG_DIR / "1fef-5a.yaml", resolution_m=2_000.0)
    assert charged_km(r, "5a-armour") == pytest.approx(27.0)
    assert charged_km(r, "fd-5a") == pytest.approx(27.0)
    said = [n for n in r.notes if n.startswith("fd-5a: bypasses fortified regions but an "
                                               "objective lies in the ground mudanjiang-line")]
    assert len(said) == 1 and said[0].endswith("rule.bypass.no_way_round.defended_place)")
    assert not [n for n in r.notes if n.startswith("fd-5a: going round")], r.notes
    r25 = run_scenario(settings.CONFIG_DIR / "1fef-25a.yaml", resolution_m=2_000.0)
    assert charged_km(r25, "fd-10mc") == pytest.approx(27.0)
    r39 = run_scenario(settings.CONFIG_DIR / "tbf-39a.yaml", resolution_m=10_000.0)
    for fid in ("fd-39a", "39a-tank-brigades"):
        assert not r39.plan.formation(fid).fortified, fid


def test_a_field_position_shields_the_place_it_is_drawn_round_and_a_region_none():
    """Region.shields: the disc inside a semi-annular zone's inner edge round its place (the
    Mudanjiang line: 42.4 km), holding the city and the ground west of it the semicircle leaves
    open; a fortified region has none (its extent holds its town)."""
    from logistics.army.fortified import load_fortified
    from logistics.places import lookup
    from shapely import contains_xy

    regions = {r.id: r for r in load_fortified().regions}
    line = regions["mudanjiang-line"]
    city = lookup("Mudanjiang")
    assert contains_xy(line.shields, city.lon, city.lat)
    assert not contains_xy(line.shape, city.lon, city.lat)
    radii = _radii_km(line.shields, city.lon, city.lat)
    assert radii.min() > 41.4 and radii.max() < 43.4  # drawn in the metric CRS
    assert regions["hailar"].shields is None


def _radii_km(shape, lon: float, lat: float) -> np.ndarray:
    """Geodesic distances (km) of ``shape``'s outline corners from (lon, lat)."""
    from pyproj import Geod

    lons, lats = np.asarray(shape.exterior.coords.xy)
    _, _, d_m = Geod(ellps="WGS84").inv(np.full(len(lons), lon), np.full(len(lons), lat),
                                        lons, lats)
    return d_m / 1000.0


def test_the_mudanjiang_position_is_its_whole_defended_zone():
    """[MERETSKOV-BIO]: a ~5 km security zone, the 4 km main belt, 15 km on a new belt 3 km
    deep. The breakthrough rate ([RUNOV-UR]) is an average over a defence's whole depth, so the
    position is ONE extent from the security zone's front edge, 64.4 + 5 = 69.4 km from the
    city, to the further belt's inner edge, 64.4 - 4 - 15 - 3 = 42.4 km, facing east, its
    depth 5 + 4 + 15 + 3 = 27 km (hand-computed); no separate '-2' belt."""
    from logistics.army.fortified import load_fortified
    from logistics.places import lookup

    regions = {r.id: r for r in load_fortified().regions}
    zone = regions["mudanjiang-line"]
    assert not any(i.startswith("mudanjiang-line-") for i in regions)
    assert zone.depth_km == pytest.approx(27.0)
    assert zone.besieged is False
    city = lookup("Mudanjiang")
    d_km = _radii_km(zone.shape, city.lon, city.lat)
    assert d_km.max() == pytest.approx(69.4, abs=0.05)
    assert d_km.min() == pytest.approx(42.4, abs=0.05)
    lons = np.asarray(zone.shape.exterior.coords.xy[0])
    assert (lons >= city.lon - 1e-6).all()  # east of the city: the side the attack came from


def test_a_synthetic_field_position_sums_its_parts(tmp_path):
    """A position 30 km out with a 1 km security zone, a 2 km main belt and two further belts
    1 km deep at 5 km intervals: one zone from 31 km to 30 - 2 - 2 x (5 + 1) = 16 km, its depth
    1 + 2 + 2 x 6 = 15 km; without security zone and belts it is the main belt alone (30 to
    28 km, 2 km)."""
    from logistics.army.fortified import load_fortified

    doc = _layer_doc()
    doc["field_positions"] = [{
        "id": "test-line", "name": "Test line", "axes": ["1FEF-5A"], "status": "sourced",
        "location": {"lon": 129.0, "lat": 44.0, "assumed": "test"},
        "extent": {"shape": "semi_annulus", "radius_km": {"value": 30, "assumed": "test"},
                   "depth_km": {"value": 2, "assumed": "test"}},
        "security_zone_km": {"value": 1, "assumed": "test"},
        "further_belts": {"depth_km": {"value": 1, "assumed": "test"},
                          "interval_km": {"value": 5, "assumed": "test"},
                          "count": {"value": 2, "assumed": "test"}}}]
    zone = {r.id: r for r in load_fortified(_write_layer(tmp_path, doc)).regions}["test-line"]
    assert zone.depth_km == pytest.approx(15.0)
    d_km = _radii_km(zone.shape, 129.0, 44.0)
    assert (d_km.max(), d_km.min()) == (pytest.approx(31.0, abs=0.01), pytest.approx(16.0, abs=0.01))
    line = doc["field_positions"][0]
    del line["security_zone_km"], line["further_belts"]
    bare = tmp_path / "bare"
    bare.mkdir()
    zone = {r.id: r for r in load_fortified(_write_layer(bare, doc)).regions}["test-line"]
    d_km = _radii_km(zone.shape, 129.0, 44.0)
    assert zone.depth_km == pytest.approx(2.0)
    assert (d_km.max(), d_km.min()) == (pytest.approx(30.0, abs=0.01), pytest.approx(28.0, abs=0.01))


def test_the_fortified_regions_do_not_depend_on_the_field_positions(tmp_path):
    """The zone is a field position's only: the layer without its field positions has the same
    fortified regions, each with the same extent and depth (field positions are not split
    against regions, and the URs' depths are their own extent.depth_km or diameters)."""
    from logistics.army.fortified import load_fortified

    shipped = {r.id: r for r in load_fortified().regions if r.besieged}
    doc = _layer_doc()
    doc["field_positions"] = []
    alone = {r.id: r for r in load_fortified(_write_layer(tmp_path, doc)).regions}
    assert set(alone) == set(shipped)
    for rid, r in shipped.items():
        assert alone[rid].depth_km == r.depth_km, rid
        assert alone[rid].shape.equals(r.shape), rid


def test_a_field_position_is_crossed_at_the_rate_but_not_besieged():
    """A rifle division crossing a fortified region and then a field position leaves its
    detachment at the region only (rule.detach: the encircled resistance nodes of the fortified
    regions); both stretches are crossed at the breakthrough rate."""
    regions = [Region("ur", "UR", box(117.095, 46.9, 117.205, 47.1), (), "sourced"),
               Region("line", "Line", box(117.495, 46.9, 117.535, 47.1), (), "sourced",
                      besieged=False)]
    a, b = _fortified_passes(_seg(), regions, _unit("rifle_division", "assault", True))
    assert (a.region_ids, a.detaches, a.detach_ids) == (("ur",), True, ("ur",))
    assert (b.region_ids, b.detaches, b.detach_ids) == (("line",), False, ())
    assert a.action == b.action == "assault"


@pytest.mark.parametrize("mutate", [
    lambda f: f["further_belts"].__setitem__("count", {"value": 1e9, "assumed": "x"}),
    lambda f: f["further_belts"].__setitem__("count", {"value": "two", "assumed": "x"}),
    lambda f: f["further_belts"].__setitem__("depth_km", {"value": 0, "assumed": "x"}),
    lambda f: f["further_belts"].pop("interval_km"),
    lambda f: f.__setitem__("further_belts", [1, 2]),
    lambda f: f["extent"].pop("radius_km"),
    lambda f: f.__setitem__("location", "Mudanjiang"),
    lambda f: f.__setitem__("location", {"lon": "x", "lat": 44.5}),
    lambda f: f["further_belts"].__setitem__("count", {"value": 4, "assumed": "x"}),
    lambda f: f.__setitem__("security_zone_km", {"value": -5, "assumed": "x"}),
    lambda f: f.__setitem__("security_zone_km", 5),
    lambda f: f["extent"]["depth_km"].__setitem__("value", 0),
    lambda f: f["extent"].__setitem__("polygon", [[129.6, 45.1], [130.4, 44.5], [129.6, 44.0],
                                                  [129.6, 45.1]]),
], ids=["count-huge", "count-text", "depth-zero", "no-interval", "a-list", "no-radius",
        "location-text", "lon-text", "past-the-city", "security-negative", "security-bare",
        "main-belt-zero", "polygon-too"])
def test_a_bad_field_zone_is_one_config_error(tmp_path, mutate):
    """A zone the layer cannot draw is one ConfigError naming the file and the key (never a
    hang on a billion belts, never a traceback): among them four belts of 15 + 3 km behind the
    4 km main belt 64.4 km out (inner radius 64.4 - 4 - 4 x 18 = -11.6 km: past the city; the
    old code dropped such belts without a word), a negative or bare security zone, and a polygon
    beside the semi_annulus it would contradict (the zone is drawn from its figures)."""
    import copy

    from logistics.army.fortified import load_fortified
    from logistics.errors import ConfigError

    doc = _layer_doc()
    doc = copy.deepcopy(doc)
    mutate(next(f for f in doc["field_positions"] if f["id"] == "mudanjiang-line"))
    _write_layer(tmp_path, doc)
    with pytest.raises(ConfigError, match=r"fortified-regions\.yaml: field_positions\.0"):
        load_fortified(tmp_path)


def test_shipped_extents_lie_on_the_japanese_side_only():
    """No extent of the shipped layer reaches onto the Soviet-Mongolian side of the frontier
    (a Japanese fortified region stood on Japanese-held soil). The straight Dongning front
    held the 5th Army's own departure point 5 km inside the USSR (131.251 E 44.405 N, its army
    file): checked with shapely against the side of the point, not against the code's grid."""
    from shapely import contains_xy

    from logistics.army.fortified import load_fortified
    from logistics.terrain.sides import SOVIET, side_of

    regions = {r.id: r for r in load_fortified().regions}
    assert side_of(np.array([131.251]), np.array([44.405]))[0] == SOVIET
    assert not contains_xy(regions["dongning"].shape, 131.251, 44.405)
    # each of the two overlapping drawings keeps its own town, and only its own
    assert contains_xy(regions["pogranichnaya"].shape, 131.15, 44.40)  # Suifenhe
    assert not contains_xy(regions["dongning"].shape, 131.15, 44.40)
    assert contains_xy(regions["dongning"].shape, 131.12, 44.06)  # Dongning
    for r in regions.values():
        w, s, e, n = r.shape.bounds
        xs, ys = np.meshgrid(np.linspace(w, e, 120), np.linspace(s, n, 120))
        inside = contains_xy(r.shape, xs, ys)
        assert inside.any(), r.id
        assert not (side_of(xs[inside], ys[inside]) == SOVIET).any(), r.id


def test_an_extent_wholly_on_the_soviet_side_is_one_config_error(tmp_path):
    """A region placed in the USSR (near Chita, say: coordinates mistyped) is refused by name,
    not silently dropped."""

    from logistics.army.fortified import load_fortified
    from logistics.errors import ConfigError

    doc = _layer_doc()
    hutou = next(f for f in doc["fortified_regions"] if f["id"] == "hutou")
    hutou["location"] = {"lon": 113.5, "lat": 52.0, "cite": "test: Chita"}
    hutou["extent"] = {"shape": "circle", "radius_km": {"value": 5, "assumed": "test"}}
    _write_layer(tmp_path, doc)
    with pytest.raises(ConfigError, match=r"fortified-regions\.yaml: fortified_regions\.\d+ "
                                          r"\(hutou\): its extent lies wholly on the Soviet"):
        load_fortified(tmp_path)


def test_a_step_crossing_an_extent_between_its_points_meets_it():
    """On a coarse route (10 km steps along 47 N) an extent 2 km wide lying between two
    points (km 13 .. 15) is crossed: one stretch of exactly its width, found by cutting the
    step (no point of the route lies inside it); a step that only touches an extent's corner
    crosses no depth."""
    seg = _seg(100).iloc[::10].reset_index(drop=True)
    (p,) = _fortified_passes(seg, [Region("s", "S", box(117.13, 46.9, 117.15, 47.1), (),
                                          "sourced")], _unit("rifle_division", "assault", True))
    assert (p.km_in, p.km_out) == (pytest.approx(13.0), pytest.approx(15.0))
    assert p.detach_ids == ("s",)
    from shapely.geometry import Polygon

    diamond = Polygon([(117.05, 47.0), (117.06, 47.01), (117.05, 47.02), (117.04, 47.01)])
    touch = Region("t", "T", diamond, (), "sourced")  # its lowest corner on the route
    assert _fortified_passes(seg, [touch], _unit("rifle_division", "assault", True)) == ()


def test_overlapping_fortified_regions_each_keep_the_ground_nearer_their_own_town():
    """Two square extents 40 km across overlapping by half, towns at their centres 20 km
    apart on one parallel: each is cut at the perpendicular bisector of the towns (the
    meridian half way), so they no longer overlap, each keeps its own town, their union is
    unchanged; a field position (no town given) and a region far away are left as drawn."""
    from shapely import contains_xy
    from shapely.geometry import box

    from logistics.army.fortified import _split_overlaps
    from logistics.terrain import to_lonlat, to_metric

    x0, y0 = (float(v) for v in to_metric(125.0, 45.0))

    def square(cx_km: float, half_km: float = 20.0):
        g = box(x0 + (cx_km - half_km) * 1e3, y0 - half_km * 1e3,
                x0 + (cx_km + half_km) * 1e3, y0 + half_km * 1e3)
        from shapely import transform
        return transform(g.segmentize(500.0),
                         lambda xy: np.column_stack(to_lonlat(xy[:, 0], xy[:, 1])))

    def town(cx_km: float):
        lon, lat = to_lonlat(x0 + cx_km * 1e3, y0)
        return float(lon), float(lat)

    a, b = Region("a", "A", square(0.0), (), "sourced"), Region("b", "B", square(20.0), (), "sourced")
    far = Region("far", "Far", square(500.0), (), "sourced")
    field = Region("f", "F", square(10.0, 5.0), (), "sourced", besieged=False)
    out = {r.id: r for r in _split_overlaps([a, b, far, field],
                                             {"a": town(0.0), "b": town(20.0), "far": town(500.0)})}
    assert out["a"].shape.intersection(out["b"].shape).area == pytest.approx(0.0, abs=1e-9)
    assert out["a"].shape.union(out["b"].shape).area == pytest.approx(
        a.shape.union(b.shape).area, rel=1e-6)
    # the cut lies half way between the towns: 30 km of A's 40 km width are left, 30 of B's
    assert out["a"].shape.area == pytest.approx(a.shape.area * 30 / 40, rel=1e-3)
    assert out["b"].shape.area == pytest.approx(b.shape.area * 30 / 40, rel=1e-3)
    assert contains_xy(out["a"].shape, *town(0.0)) and not contains_xy(out["a"].shape, *town(20.0))
    assert contains_xy(out["b"].shape, *town(20.0)) and not contains_xy(out["b"].shape, *town(0.0))
    assert contains_xy(out["a"].shape, *town(9.5)) and not contains_xy(out["b"].shape, *town(9.5))
    assert contains_xy(out["b"].shape, *town(10.5)) and not contains_xy(out["a"].shape, *town(10.5))
    assert out["far"].shape.equals(far.shape) and out["f"].shape.equals(field.shape)


def test_the_shipped_pogranichnaya_and_dongning_extents_no_longer_overlap():
    """The shipped layer's one overlap (the straight 115 km Dongning front over the
    Pogranichnaya region) is gone, and no two fortified regions overlap."""
    from logistics.army.fortified import load_fortified

    regions = [r for r in load_fortified().regions if r.besieged]
    for i, a in enumerate(regions):
        for b in regions[i + 1:]:
            assert a.shape.intersection(b.shape).area < 1e-9, (a.id, b.id)


def test_a_polygon_whose_edges_cross_is_one_config_error(tmp_path):
    """A bow-tie polygon (two corners swapped) is refused by name with the fix, not passed on
    to the geometry library (which raised a TopologyException from deep inside)."""

    from logistics.army.fortified import load_fortified
    from logistics.errors import ConfigError

    doc = _layer_doc()
    dongning = next(f for f in doc["fortified_regions"] if f["id"] == "dongning")
    a, b, c, d, e = dongning["extent"]["polygon"]
    dongning["extent"]["polygon"] = [a, c, b, d, e]
    _write_layer(tmp_path, doc)
    with pytest.raises(ConfigError, match=r"fortified_regions\.\d+ \(dongning\)\.extent\.polygon: "
                                          r"not a simple polygon .*fix: list its corners"):
        load_fortified(tmp_path)


def test_the_layers_key_reference_exists_where_its_errors_send_the_reader():
    """Every error about the layer ends 'its keys: configs/armies/README.md, "Fortified
    regions"', and the file's header says the same: that section was missing. It exists and
    names every key the reader reads."""
    from logistics import settings
    from logistics.army import fortified

    assert "'Fortified regions'" in fortified._PATTERN
    text = (settings.CONFIG_DIR / "armies" / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Fortified regions\n", 1)[1].split("\n## ", 1)[0]
    for key in ("`id`", "`axes`", "`status`", "`location`", "`extent.polygon`",
                "`extent.radius_km`", "`further_belts`", "`apply`", "rate_km_per_day",
                "fraction_of_men", "bisector"):
        assert key in section, key


def _nan_corner(f):
    f["extent"]["polygon"][0] = [133.699, float("nan")]


@pytest.mark.parametrize("rid, mutate, key", [
    ("linkou", lambda f: f["extent"]["radius_km"].__setitem__("value", 0), r"extent\.radius_km"),
    ("linkou", lambda f: f["extent"]["radius_km"].__setitem__("value", -5), r"extent\.radius_km"),
    ("linkou", lambda f: f["extent"]["radius_km"].__setitem__("value", 1e4), r"extent\.radius_km"),
    ("linkou", lambda f: f["extent"]["radius_km"].__setitem__("value", 1e6), r"extent\.radius_km"),
    ("hutou", _nan_corner, r"extent\.polygon\.0"),
    ("hutou", lambda f: f["extent"]["polygon"].__setitem__(1, [133.644, 95.0]),
     r"extent\.polygon\.1"),
    ("hutou", lambda f: f["extent"]["polygon"].__setitem__(2, [133.578, 45.974, 1.0]),
     r"extent\.polygon\.2"),
    ("hutou", lambda f: f["extent"]["polygon"].__setitem__(0, ["east", 46.0]),
     r"extent\.polygon\.0"),
    ("hutou", lambda f: f["extent"].__setitem__("polygon", "square"), r"extent\.polygon"),
    ("dongning", lambda f: f.__setitem__("location", {"lon": 130.0, "lat": 95.0, "cite": "x"}),
     r"location\.lat"),
    ("dongning", lambda f: f.__setitem__("location", {"lon": 400.0, "lat": 44.0, "cite": "x"}),
     r"location\.lon"),
    ("linkou", lambda f: f.__setitem__("location", {"lon": 130.0, "lat": 95.0, "cite": "x"}),
     r"location\.lat"),
    ("linkou", lambda f: f.__setitem__("location", {"place": "Atlantis", "cite": "x"}),
     r"location\.place"),
    ("linkou", lambda f: f.__setitem__("security_zone_km", {"value": 5, "assumed": "x"}),
     r"security_zone_km"),
    ("hutou", lambda f: f.__setitem__("further_belts", {"depth_km": {"value": 3, "assumed": "x"},
                                                        "interval_km": {"value": 15,
                                                                        "assumed": "x"}}),
     r"further_belts"),
], ids=["radius-0", "radius-negative", "radius-1e4", "radius-1e6", "corner-nan", "corner-lat-95",
        "corner-3-numbers", "corner-text", "polygon-text", "town-lat-95-polygon",
        "town-lon-400-polygon", "town-lat-95-circle", "place-unknown", "security-on-a-circle",
        "belts-on-a-polygon"])
def test_a_bad_extent_or_town_is_one_config_error_naming_the_key(tmp_path, rid, mutate, key):
    """An extent or town the layer cannot draw (a radius of 0, a negative one or one wider than
    the theatre, a corner that is not two numbers on the theatre, a town off it, a place the
    gazetteer does not know) is one ConfigError naming the file, the region's key, the value and
    a fix: before, a NaN corner or a 10,000 km circle was a shapely traceback, a town at 95 N a
    traceback in the overlap split, a 1,000,000 km circle or a town at 400 E ran, and an
    unknown place did not name the file."""

    from logistics.army.fortified import load_fortified
    from logistics.errors import ConfigError

    doc = _layer_doc()
    mutate(next(f for f in doc["fortified_regions"] if f["id"] == rid))
    _write_layer(tmp_path, doc)
    with pytest.raises(ConfigError, match=rf"fortified-regions\.yaml: fortified_regions\.\d+ "
                                          rf"\({rid}\)\.{key}: .*fix: "):
        load_fortified(tmp_path)


@pytest.mark.parametrize("value", [0, -3])
def test_a_breakthrough_rate_out_of_range_names_its_key_and_a_fix(tmp_path, value):
    """``rule.breakthrough.rate_km_per_day`` of 0 or below: one ConfigError naming that key, the
    value and the allowed range (before: 'rule: ... got 0.0, 0.11' with no key and no fix)."""

    from logistics.army.fortified import load_fortified
    from logistics.errors import ConfigError

    doc = _layer_doc()
    doc["rule"]["breakthrough"]["rate_km_per_day"]["value"] = value
    _write_layer(tmp_path, doc)
    with pytest.raises(ConfigError, match=r"rule\.breakthrough\.rate_km_per_day: .*fix: give "
                                          r"rate_km_per_day a number > 0"):
        load_fortified(tmp_path)


@pytest.mark.parametrize("rid, mutate, key", [
    ("hutou", lambda f: f.__setitem__("status", "sourcd"), r"status"),
    ("hutou", lambda f: f.__setitem__("status", [1]), r"status"),
    ("jiamusi", lambda f: f.__setitem__("apply", "no"), r"apply"),
    ("jiamusi", lambda f: f["apply"].__setitem__("value", "false"), r"apply"),
], ids=["status-misspelt", "status-list", "apply-text", "apply-value-text"])
def test_a_misspelt_status_or_apply_is_one_config_error(tmp_path, rid, mutate, key):
    """A ``status`` the layer does not know, or an ``apply`` that is no {value: true|false}:
    before, the region was silently applied (``apply: "no"`` drew the Jiamusi region the file
    means to leave out). One ConfigError naming the key and a fix."""

    from logistics.army.fortified import load_fortified
    from logistics.errors import ConfigError

    doc = _layer_doc()
    mutate(next(f for f in doc["fortified_regions"] if f["id"] == rid))
    _write_layer(tmp_path, doc)
    with pytest.raises(ConfigError, match=rf"fortified_regions\.\d+ \({rid}\)\.{key}: .*fix: "):
        load_fortified(tmp_path)


def test_an_extent_over_the_whole_theatre_is_one_config_error(tmp_path):
    """A polygon over the whole theatre (corners at its edges): cut at the frontier it keeps
    holes that, in the metric CRS, no longer lie inside its shell, and the overlap split was a
    GEOS TopologyException traceback. Now one ConfigError naming the region and a fix."""

    from logistics.army.fortified import load_fortified
    from logistics.errors import ConfigError

    doc = _layer_doc()
    hutou = next(f for f in doc["fortified_regions"] if f["id"] == "hutou")
    hutou["extent"]["polygon"] = [[108.5, 38.5], [135.5, 38.5], [135.5, 53.5], [108.5, 53.5],
                                  [108.5, 38.5]]
    _write_layer(tmp_path, doc)
    with pytest.raises(ConfigError, match=r"fortified-regions\.yaml: fortified_regions\.\d+ "
                                          r"\(hutou\).*fix: "):
        load_fortified(tmp_path)


def test_a_ferried_formation_does_not_go_round_back_through_the_ussr():
    """rule.bypass.ferried: after its first step onto a major or large river (where it is
    ferried), a route back on the Soviet side is no way round for a ferried formation. Points
    by logistics/terrain/sides.py: Blagoveshchensk's bank (127.53 E 50.27 N) and 127.474 E
    50.276 N are Soviet, Sunwu (127.33 E 49.42 N) Japanese. On the shipped 2nd Red Banner
    Army the Blagoveshchensk tank brigade, formed after the crossing, follows the breach
    through the Sakhalyan region instead of its detour on the Soviet bank (km 14-26)."""
    from logistics.advance.route_choice import _back_across_km

    def seg(points):
        return pd.DataFrame({"cum_km": [10.0 * i for i in range(len(points))],
                             "lon": [p[0] for p in points], "lat": [p[1] for p in points],
                             "river_class": [p[2] for p in points]})

    start, river = (127.53, 50.2736, 0), (127.51, 50.255, 1)
    sunwu, soviet_bank = (127.33, 49.42, 0), (127.474, 50.2761, 0)
    assert _back_across_km(seg([start, river, sunwu, soviet_bank, sunwu])) == 30.0
    assert _back_across_km(seg([start, river, sunwu, sunwu])) is None
    assert _back_across_km(seg([start, soviet_bank, start])) is None  # never ferried across
    from logistics import settings
    from logistics.runner import run_scenario

    r = run_scenario(settings.CONFIG_DIR / "2fef-2rba.yaml")
    assert any(n.startswith("blag-tb: going round the fortified regions takes it back to the "
                            "Soviet side") for n in r.notes), r.notes


def test_the_sector_note_is_written_only_when_the_free_route_is_taken():
    """A formation's route kept to its own sector and ferry sites, else the free one with a
    note naming those rules. When the free route fails too the rules did not cause it: no
    note (the 1st Red Banner Army's tank brigades were told they 'take the free route' round
    the fortified regions and then, in the next note, that there was no way round them), and
    the free route's error goes to the caller's rule (rule.bypass.no_way_round)."""
    from logistics.advance.route_choice import _ruled_or_free
    from logistics.errors import NoRouteError

    def none_ruled():
        raise NoRouteError("none in its sector; fix: a start in its sector")

    def none_free():
        raise NoRouteError("none round the regions")

    notes: list[str] = []
    assert _ruled_or_free(lambda: "ruled", none_free, "fd", notes) == "ruled" and notes == []
    with pytest.raises(NoRouteError, match="none round the regions"):
        _ruled_or_free(none_ruled, none_free, "75tb", notes)
    assert notes == []
    assert _ruled_or_free(none_ruled, lambda: "free", "fd", notes) == "free"
    assert notes == ["fd: no route keeps to its own sector and ferry sites (none in its "
                     "sector); it takes the free route"]


def test_a_recovered_route_error_is_quoted_without_its_fix():
    """The run goes on by the rule a note names (it follows the breach, it takes the free
    route), so the quoted error's 'fix:' would send the reader to change what needs no
    change."""
    from logistics.advance.route_choice import _cause
    from logistics.errors import ConfigError

    exc = ConfigError("a.yaml: formations (75tb).objectives.0: 'Mudanjiang' cannot be reached "
                      "round the fortified regions it bypasses; fix: an objective on the same "
                      "land; or on_fortified_region: assault")
    assert _cause(exc) == ("a.yaml: formations (75tb).objectives.0: 'Mudanjiang' cannot be "
                           "reached round the fortified regions it bypasses")
    assert _cause(ValueError("no fix here")) == "no fix here"
