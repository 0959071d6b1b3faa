"""Bad inputs found from outside by helper "breaker35", on the features added lately (truck
convoys, river supply, flotilla ferrying, march norms' heat rule): each was taken without a word
on main (or ran to a NaN pace); each is now one error naming the file, the key and the fix,
before any work.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import army_refused, configs_refused, configs_tree_edited
from logistics import settings


def _shipped(name: str) -> dict:
    return yaml.safe_load((Path(settings.SHIPPED_CONFIG_DIR) / name).read_text(encoding="utf-8"))


def _fig(value) -> dict:
    return {"value": value, "assumed": "test"}


# --- supply whose dates leave it idle for the whole run ----------------------------------------

def test_a_truck_column_whose_road_closed_before_h_hour_is_refused(tmp_path):
    """`until` before H-hour (start 1 Aug, until 2 Aug, H-hour 9 Aug): the column ran idle for
    the whole run (a start after the run was refused, its until before it was not)."""
    d = _shipped("tbf-36a.yaml")
    d["supply"]["trucks"][0].update(start=_fig("1945-08-01T00:00"),
                                    until=_fig("1945-08-02T00:00"))
    army_refused(tmp_path, d, "supply.trucks.0.until (1945-08-02 00:00:00) is at or before "
                 "h_hour", "the column would deliver nothing", "leave until out")


@pytest.mark.parametrize("start, until, words", [
    ("1945-09-30T00:00", None, ["start (1945-09-30 00:00:00) is after the run",
                                "the ships would deliver nothing"]),
    ("1000-08-01T00:00", None, ["start (1000-08-01 00:00:00) is more than", "days before h_hour"]),
    ("1945-08-01T00:00", "1945-08-02T00:00", ["until (1945-08-02 00:00:00) is at or before h_hour",
                                              "the ships would deliver nothing"]),
])
def test_a_river_supply_outside_the_run_is_refused(tmp_path, start, until, words):
    """The ships of `supply.river` had no date check at all (a truck column's start had):
    sailing after the run, in the year 1000 or until before H-hour, they ran idle."""
    d = _shipped("2fef-15a.yaml")
    river = d["supply"]["river"][0]
    river["start"] = _fig(start)
    if until is not None:
        river["until"] = _fig(until)
    army_refused(tmp_path, d, "supply.river.0 (fuel by river from Khabarovsk)", *words)


# --- convoys ------------------------------------------------------------------------------------

def test_more_convoys_than_trucks_are_refused(tmp_path):
    """500 convoys of 100 trucks ran as 100 convoys of one truck (the empty ones dropped)."""
    d = _shipped("tbf-36a.yaml")
    d["supply"]["trucks"][0]["convoys"] = 500
    army_refused(tmp_path, d, "supply.trucks.0", "convoys 500 for 100 trucks",
                 "at least one truck", "e.g. 100")


def test_a_truck_count_range_below_the_convoys_is_refused(tmp_path):
    """A Monte Carlo draw of fewer trucks than convoys would be refused only in the draws."""
    d = _shipped("tbf-36a.yaml")
    d["supply"]["trucks"][0]["convoys"] = 40
    army_refused(tmp_path, d, "uncertain: supply.trucks.0.count: its low end 30",
                 "convoys 40 for 30 trucks")


# --- the flotilla's ferrying ---------------------------------------------------------------------

def test_a_formation_ferried_twice_by_one_brigade_is_refused(tmp_path):
    d = _shipped("2fef-15a.yaml")
    d["flotilla"][0]["ferries_for"] = ["15a-rds", "15a-sp", "15a-rds"]
    army_refused(tmp_path, d, "flotilla.0 (1st-river-ship-brigade).ferries_for: '15a-rds' "
                 "listed twice")


def test_a_formation_the_brigade_carries_is_not_ferried_by_it(tmp_path):
    """The landing party rides the ships (movement: river): naming it in ferries_for too was
    taken without a word."""
    d = _shipped("2fef-15a.yaml")
    d["flotilla"][0]["ferries_for"].append("15a-landing")
    army_refused(tmp_path, d, "ferries_for: '15a-landing' is carried by "
                 "1st-river-ship-brigade's ships", "drop it from ferries_for")


def test_a_formation_in_two_brigades_ferries_for_is_refused(tmp_path):
    """The plan keeps one brigade per ferried formation (the last one named, silently)."""
    d = _shipped("2fef-15a.yaml")
    second = {k: v for k, v in d["flotilla"][0].items() if k not in ("carries", "route")}
    second.update(id="2nd-brigade", name="Second brigade", aliases=[],
                  ferries_for=["15a-sp"])
    d["flotilla"].append(second)
    army_refused(tmp_path, d, "flotilla.1 (2nd-brigade).ferries_for: '15a-sp' is also in "
                 "flotilla.0 (1st-river-ship-brigade)'s ferries_for")


# --- march norms: hours under way ---------------------------------------------------------------

def _norms(d: Path) -> None:
    from logistics.army.norms import load_norms

    load_norms(d)


@pytest.mark.parametrize("old, new", [
    # the foot column's heat rule: its night marches of 0 hours (the 39th Army's rifle
    # divisions ran at a NaN pace, a numpy RuntimeWarning on stderr, exit 0)
    ("      march_hours_per_day:\n        value: 12\n",
     "      march_hours_per_day:\n        value: 0\n"),
    # a norm's own hours (its uncertain range removed so that the value itself is read)
    ("    march_hours_per_day:\n      value: 16\n      assumed: \"no 1945 tank-army",
     "    march_hours_per_day:\n      value: 0\n      assumed: \"no 1945 tank-army"),
])
def test_a_march_of_no_hours_a_day_is_refused(tmp_path, old, new):
    rel = "norms/march.yaml"
    d = configs_tree_edited(tmp_path, rel, old, new)
    p = d / rel
    p.write_text(p.read_text(encoding="utf-8").replace(
        "  norms.tank_column.march_hours_per_day:", "  x.tank_column.march_hours_per_day:", 1)
        .replace("  x.tank_column.march_hours_per_day: {low: 10, high: 20, assumed: \"no "
                 "tank-army norm found (PM §2.4); the cavalry regulation's 7-8 h + 4-6 h "
                 "[CAV35] to near round-the-clock\"}\n", ""), encoding="utf-8")
    configs_refused(_norms, d, rel, "march_hours_per_day: value must be within (0, 24], got 0")


# --- formed: on a formation carried from its start --------------------------------------------

@pytest.mark.parametrize("name, fid, extra", [
    ("2fef-15a.yaml", "15a-landing", {}),  # on the flotilla's ships
    ("tbf-6gta.yaml", "fd-7mc", {"movement": "rail"}),  # by train
])
def test_formed_on_a_carried_formation_is_refused(tmp_path, name, fid, extra):
    """`formed: after_river_crossing` on the 15th Army's landing party ran without a word: a
    formation on ships or trains has no route of its own, and `formed:` was never read."""
    d = _shipped(name)
    f = next(f for f in d["formations"] if f["id"] == fid)
    f.update(formed={"when": "after_river_crossing", "assumed": "test"}, **extra)
    army_refused(tmp_path, d, f"({fid})", "formed: after_river_crossing with movement: ",
                 "would never be read", "drop `formed:`")


# --- river supply ships the brigade has not; fuel sources of one name --------------------------

def test_a_river_ship_range_beyond_the_brigade_is_refused(tmp_path):
    """A Monte Carlo draw of 100 Project 1124 boats (the brigade has 6) was never checked: the
    value's check is at load, the draws are not loaded."""
    d = _shipped("2fef-15a.yaml")
    d["uncertain"]["supply.river.0.ships.0.count"] = {"low": 1, "high": 100, "assumed": "test"}
    army_refused(tmp_path, d, "uncertain: supply.river.0.ships.0.count: its high end 100",
                 "'1st-river-ship-brigade' has (6)")


def test_the_same_ships_in_two_river_supplies_are_refused(tmp_path):
    """Two sources of 4 of the brigade's 6 Project 1124 boats each sailed 8."""
    d = _shipped("2fef-15a.yaml")
    first = d["supply"]["river"][0]
    first["ships"][0]["count"]["value"] = 4
    d["supply"]["river"].append({**first, "name": "fuel by river, second"})
    army_refused(tmp_path, d, "supply.river.0 and supply.river.1: 8 bk-1124",
                 "it has 6", "at most that many together")


@pytest.mark.parametrize("name, key", [("tbf-36a.yaml", "trucks"), ("tbf-6gta.yaml", "air")])
def test_two_fuel_sources_of_one_name_are_refused(tmp_path, name, key):
    """A copied truck column (or airlift) ran as a second source of the same name: its
    deliveries could not be told apart in deliveries.csv, and report.md summed them as one."""
    d = _shipped(name)
    d["supply"][key].append(dict(d["supply"][key][0]))
    army_refused(tmp_path, d, f"supply.{key}.0 and supply.{key}.1: the name",
                 "given to 2 fuel sources")


# --- the heat rule's fronts: a name nearly the army's -------------------------------------------

def test_an_army_front_nearly_a_heat_rule_front_is_refused(tmp_path):
    """`front: Trans-Baikal Front` (a what-if army): the foot columns' night marches in the
    heat, a rule of the Transbaikal Front, were off without a word."""
    d = _shipped("tbf-39a.yaml")
    d["front"] = "Trans-Baikal Front"
    army_refused(tmp_path, d, "front: 'Trans-Baikal Front' is not the front 'Transbaikal Front'",
                 "norms.foot_column.heat_rule.fronts", "write the one name in both files")


def test_a_heat_rule_front_misspelt_in_the_norms_is_refused(tmp_path, monkeypatch):
    from logistics.army.load import load_army
    from logistics.errors import ConfigError

    d = configs_tree_edited(tmp_path, "norms/march.yaml", "      fronts: [Transbaikal Front]\n",
                            "      fronts: [Transbaikal Frnt]\n")
    monkeypatch.setattr(settings, "CONFIG_DIR", d)
    with pytest.raises(ConfigError) as err:
        load_army(d / "tbf-39a.yaml")
    assert "'Transbaikal Frnt' that " in str(err.value) and "fix:" in str(err.value)


@pytest.mark.parametrize("front", ["1st Far Eastern Front", "Mongolian People's Army"])
def test_another_front_is_no_near_miss(front):
    from logistics.army.checks import _near_miss

    assert not _near_miss(front, "Transbaikal Front")
    assert not _near_miss("2nd Far Eastern Front", "1st Far Eastern Front")
    assert _near_miss("transbaikal front", "Transbaikal Front")


def test_a_lift_of_next_to_no_men_a_truck_is_refused(tmp_path):
    """men_per_vehicle 1e-9 (above 0) was taken: 150 trucks lifting no one, while the movement
    norms' own men a truck may be no less than 0.1."""
    d = _shipped("tbf-36a.yaml")
    d["formations"][1]["lift"]["men_per_vehicle"] = _fig(1e-9)
    army_refused(tmp_path, d, "formations.1 (36a-main-rds).lift", "men_per_vehicle must be >= 0.1")
