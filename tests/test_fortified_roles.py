"""Every kind of formation has one role at a fortified region (configs/fortified-regions.yaml
``rule``: bypass, breakthrough, follow, or own_role: its formations give their own), and a
formation none gives a role is refused at load. Before, a kind the rule did not name assaulted
by default: the 1st Red Banner Army's unnamed armour (kind ``other``, tracked) was the first
of its army into the Mudanjiang zone and broke it open for the rifle divisions it supported,
and the SP battalions of the 2nd Far Eastern Front did the same wherever they arrived first."""

from __future__ import annotations

import typing

import pytest

from logistics import settings
from logistics.army.fortified import FortifiedRule, action_for, detaches, load_fortified
from logistics.army.load import load_army
from logistics.army.schema import KINDS
from tests.conftest import configs_refused, configs_tree_edited

SHIPPED = settings.SHIPPED_CONFIG_DIR


def _rule(**kinds) -> FortifiedRule:
    parts = {"bypass_kinds": frozenset(), "breakthrough_kinds": frozenset(),
             "detach_kinds": frozenset(), "follow_kinds": frozenset()}
    parts.update({k: frozenset(v) for k, v in kinds.items()})
    return FortifiedRule(rate_km_per_day=12.0, fraction_of_men=0.1, rate_cite="test",
                         detach_cite="test", source="layer.yaml", **parts)


def test_a_kind_no_list_names_has_no_default_role():
    """Kind first, then standard, then nothing (main: 'assault' for anything unlisted)."""
    rule = _rule(bypass_kinds={"tank_brigade"}, breakthrough_kinds={"rifle_division"},
                 follow_kinds={"sp_artillery_battalion"})
    assert action_for("sp_artillery_battalion", None, rule) == "follow"
    assert action_for("other", None, rule, "tank_brigade") == "bypass"
    assert action_for("other", None, rule) is None
    assert action_for("other", "follow", rule) == "follow"
    assert not detaches("follow", "rifle_division", _rule(detach_kinds={"rifle_division"}))


def test_the_shipped_rule_gives_every_kind_one_role():
    """Each kind of the army files is in exactly one of the role lists or in own_role."""
    from logistics._yaml import load_yaml

    rule = load_yaml(SHIPPED / "fortified-regions.yaml", what="test")["rule"]
    parts = ("bypass", "breakthrough", "follow", "own_role")
    for kind in typing.get_args(KINDS):
        where = [p for p in parts if kind in rule[p]["kinds"]]
        assert len(where) == 1, (kind, where)
    assert rule["follow"]["cite"] and rule["follow"]["behind_the_breach"]["assumed"]
    assert rule["own_role"]["assumed"]


def test_the_supporting_kinds_follow_and_every_shipped_formation_has_a_role():
    """SP and towed artillery and engineers follow the breach; each shipped formation of kind
    ``other`` states its role (the armour with the rifle divisions follows, the tank army's
    units and the mobile group's go round, the landing party takes its port)."""
    from logistics.army.load import army_paths
    from logistics.army.norms import load_norms
    from logistics.army.resolve import resolve_formations

    rule = load_fortified(SHIPPED).rule
    for kind in ("sp_artillery_battalion", "artillery_brigade", "artillery_battalion",
                 "engineer_sapper_brigade"):
        assert action_for(kind, None, rule) == "follow", kind
    norms = load_norms(SHIPPED)
    got = {}
    for p in army_paths(SHIPPED):
        for u in resolve_formations(load_army(p, check=False), norms, rule):
            got[u.id] = u.fortified_action
    assert {k: got[k] for k in ("1rba-armour", "5a-armour", "1rba-engineers", "15a-sp",
                                "6gta-army-units", "mpra", "15a-landing")} == {
        "1rba-armour": "follow", "5a-armour": "follow", "1rba-engineers": "follow",
        "15a-sp": "follow", "6gta-army-units": "bypass", "mpra": "bypass",
        "15a-landing": "assault"}


def test_a_formation_whose_kind_has_no_role_is_one_config_error_at_load(tmp_path):
    """The 1st Red Banner Army's armour without its on_fortified_region: refused when the file
    is loaded, naming the file, the formation's key, the kind and the fix."""
    d = configs_tree_edited(tmp_path, "1fef-1rba.yaml", "    on_fortified_region: follow  #",
                            "    # on_fortified_region: follow  #")
    msg = configs_refused(lambda c: load_army(c / "1fef-1rba.yaml", config_dir=c), d,
                          "1fef-1rba.yaml", "formations.3 (1rba-armour).kind", "'other'",
                          "has no role at a fortified region", "on_fortified_region: bypass",
                          "follow.kinds")
    assert "fortified-regions.yaml" in msg


def test_a_kind_under_two_roles_is_one_config_error(tmp_path):
    d = configs_tree_edited(tmp_path, "fortified-regions.yaml",
                            "kinds: [sp_artillery_battalion,",
                            "kinds: [tank_brigade, sp_artillery_battalion,")
    configs_refused(load_fortified, d, "fortified-regions.yaml", "rule.follow.kinds",
                    "'tank_brigade'", "rule.bypass.kinds too")


def test_an_sp_battalion_waits_for_its_armys_rifle_division_at_the_depth(corridor):
    """On the synthetic corridor of test_follow_breach: an SP battalion (``fd``) reaching the
    depth a day before its army's rifle division holds at its edge until the division
    enters, then crosses behind it (main: it assaulted on its own clock, km 15.75 the first
    evening)."""
    from tests.test_follow_breach import _army, _km

    action = action_for("sp_artillery_battalion", None, load_fortified(SHIPPED).rule)
    r = _army(corridor, breaker_start_h=24.0, follower_action=action)
    assert _km(r, "fd", "1945-08-09 18:00") == pytest.approx(10.0, abs=1e-6)
    assert _km(r, "fd", "1945-08-10 18:00") == pytest.approx(15.75, abs=1e-6)


def test_an_unknown_role_word_is_refused_by_the_schema():
    """``on_fortified_region`` takes the four actions only."""
    from logistics.army.schema import ON_FORTIFIED_REGION

    assert set(typing.get_args(ON_FORTIFIED_REGION)) == {"bypass", "follow", "assault",
                                                          "besiege"}
