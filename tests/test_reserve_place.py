"""Every army's reserve has a place: ``fuel.reserve_reach_km`` with its carrier.

Why: the 1st and 2nd Far Eastern Fronts' army files named no carrier, so their reserves were
drawn anywhere, from nowhere: the 15th Army's tank brigades, their own tanks empty from
15 August, moved on a reserve that rode with no formation, 240-390 km of route ahead of the
rifle divisions, to Harbin. One rule for every army: a reserve is fuel on some formation's
transport, drawn only within the reach of its head; a file with a reserve and no place is
refused before any work.
"""

from __future__ import annotations

import pytest
import yaml

from logistics import settings
from logistics.army.cross_refs import NOT_OWN_TRANSPORT
from logistics.army.load import load_army
from logistics.errors import ConfigError

#: the shipped army files (every top-level configs/*.yaml with formations)
ARMY_FILES = sorted(p for p in settings.CONFIG_DIR.glob("*.yaml")
                    if p.name[:4] in ("tbf-", "1fef", "2fef"))


def test_the_shipped_army_files_are_found():
    assert len(ARMY_FILES) == 12, [p.name for p in ARMY_FILES]


@pytest.mark.parametrize("path", ARMY_FILES, ids=lambda p: p.stem)
def test_every_shipped_army_places_its_reserve(path):
    """Each army's reserve rides with a formation on its own transport (not ships or trains)
    at the one reach every shipped army uses (fails on main for the seven 1st and 2nd Far
    Eastern Front files, which named none)."""
    army = load_army(path)
    reach = army.fuel.reserve_reach_km
    assert army.fuel.carried_refills.value > 0
    assert reach is not None, f"{path.name}: the reserve is drawn anywhere"
    for carrier in map(army.formation, reach.carriers):
        assert carrier.movement not in NOT_OWN_TRANSPORT
    assert reach.value == 100
    assert reach.assumed and "BSE-MARSH" in reach.assumed


def _without_reach(tmp_path, **fuel) -> object:
    doc = yaml.safe_load((settings.CONFIG_DIR / "2fef-15a.yaml").read_text(encoding="utf-8"))
    doc["fuel"].pop("reserve_reach_km", None)
    doc["uncertain"].pop("fuel.reserve_reach_km", None)
    doc["fuel"].update(fuel)
    p = tmp_path / "no-reach.yaml"
    p.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return p


def test_an_army_with_a_reserve_and_no_reach_is_one_config_error(tmp_path):
    """Without a place the reserve was drawn anywhere (main: the file loads and runs); now
    one error names the file, the key, the formations that can carry it (not the landing
    party, carried by ships) and the fix."""
    p = _without_reach(tmp_path)
    with pytest.raises(ConfigError) as err:
        load_army(p)
    text = str(err.value)
    assert "no-reach.yaml" in text
    assert "fuel.reserve_reach_km: missing, with carried_refills 1" in text
    assert "fix: add reserve_reach_km: {value: " in text and "carrier: " in text
    assert "'15a-rds'" in text and "'15a-landing'" not in text
    assert text.count("reserve_reach_km: missing") == 1


def test_an_army_with_no_reserve_needs_no_place(tmp_path):
    """``carried_refills: 0``: no reserve, nothing to place: the file loads without a reach
    (a Monte Carlo range of refills above 0 would draw a reserve: refused, as its value)."""
    p = _without_reach(tmp_path, carried_refills={"value": 0.0, "assumed": "test: none"})
    with pytest.raises(ConfigError, match=r"uncertain: fuel\.carried_refills: its low end 0\.5 "
                       r".*reserve_reach_km: missing"):
        load_army(p)
    doc = yaml.safe_load(p.read_text(encoding="utf-8"))
    doc["uncertain"].pop("fuel.carried_refills")
    p.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert load_army(p).fuel.reserve_reach_km is None


def test_the_15th_army_draws_on_its_reserve_only_within_reach_of_its_rifle_divisions():
    """The 15th Army's reserve rides with its rifle divisions: every hour of every formation
    has its distance from it (main: none, drawn anywhere), and its tank brigades, whose own
    refill is burned first, are held for fuel, first beyond the reach of the reserve (main:
    never held, moving on a reserve 240-390 km of route behind them). Later holds may fall
    within reach: the reserve, not only its reach, can run out."""
    from logistics.history.fuel import DRY_STATUS
    from logistics.runner import run_scenario

    path = settings.CONFIG_DIR / "2fef-15a.yaml"
    reach = load_army(path).fuel.reserve_reach_km
    assert reach.carrier == "15a-rds"
    t = run_scenario(path).tracks
    moving = t[t["status"] == "moving"]
    assert moving["reserve_km"].notna().all()
    held = t[(t["status"] == DRY_STATUS) & (t["formation_id"] == "15a-tank-brigades")]
    assert len(held), "the tank brigades were never held for fuel: the reserve is in reach"
    assert held.sort_values("time")["reserve_km"].iloc[0] > reach.value
