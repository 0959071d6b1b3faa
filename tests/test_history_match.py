"""Rows matched to formations of an army's order of battle, by the documented rules."""

from __future__ import annotations

import pandas as pd
import pytest

from logistics.history.match import Ref, match_row, normalise, refs_in

ARMY = "6th Guards Tank Army"


def oob() -> pd.DataFrame:
    """A hand-made order of battle in the formations contract's shape."""
    rows = [
        ("fd-5gtc", "5th Guards Tank Corps forward detachment", "forward_detachment", "5gtc",
         ("5th Gds Tank Corps forward detachment", "передовой отряд 5-го гв. тк")),
        ("5gtc", "5th Guards Tank Corps", "tank_corps", None,
         ("5th Gds Tank Corps", "5-й гвардейский танковый корпус")),
        ("fd-7mc", "7th Mechanized Corps forward detachment", "forward_detachment", "7mc",
         ("7th Mech Corps forward detachment", "94th Separate Motorcycle Battalion")),
        ("7mc", "7th Mechanized Corps", "mech_corps", None,
         ("7th Mech Corps", "7-й механизированный корпус", "63rd Mech Bde", "64th Mech Bde")),
        ("9gmc", "9th Guards Mechanized Corps", "mech_corps", None,
         ("9th Gds Mech Corps", "46th Guards Tank Brigade")),
        ("army-units", "6th Guards Tank Army, army units", "other", None,
         ("6th Guards Tank Army", "6 GTA", "6-я гвардейская танковая армия")),
        ("rifle", "rifle divisions", "rifle_division", None, ("the army's main forces",)),
    ]
    return pd.DataFrame([{"formation_id": i, "name": n, "kind": k, "parent": p, "role": "",
                          "aliases": a} for i, n, k, p, a in rows])


@pytest.mark.parametrize("text, expected", [
    ("5th Gds Tank Corps", [Ref(5, "corps", "tank")]),
    ("«5-й гвардейский танковый корпус»", [Ref(5, "corps", "tank")]),
    ("5 гв. тк", [Ref(5, "corps", "tank")]),
    ("63-я мбр", [Ref(63, "brigade", "mech")]),
    ("9-й гвардейский мехкорпус", [Ref(9, "corps", "mech")]),
    ("77th & 257th Tank Bdes", [Ref(77, "brigade", "tank"), Ref(257, "brigade", "tank")]),
    ("22nd and 300th RD", [Ref(22, "division", "rifle"), Ref(300, "division", "rifle")]),
    ("6-й гвардейской танковой армии", [Ref(6, "army", "tank")]),
    ("6 GTA", [Ref(6, "army", "tank")]),
    ("1-я КА", [Ref(1, "army", "")]),
    ("the army's corps", []),
])
def test_numbered_formations_in_english_and_russian(text, expected):
    assert refs_in(text) == expected


def test_normalise_one_vocabulary():
    assert normalise("5th Gds Tank Corps") == normalise("5-й гвардейский танковый корпус") == "5 guards tank corps"


@pytest.mark.parametrize("formation, place, expected, rule", [
    # rule 1: numbered formations, body or its forward detachment
    ("7th Mechanized Corps", "Tuquan", ("7mc",), "rule 1"),
    ("7th Mechanized Corps (63rd & 64th Mech Bdes; forward detachment)", "x", ("fd-7mc",), "rule 1"),
    ("передовой отряд 7-го мк", "x", ("fd-7mc",), "rule 1"),
    ("63-я мбр", "x", ("7mc",), "rule 1"),
    ("6th Guards Tank Army (5th Gds Tank Corps, 9th Gds Mech Corps main forces)", "x",
     ("5gtc", "9gmc"), "rule 1"),
    ("46-я гв. тбр", "x", ("9gmc",), "rule 1"),
    # rule 2: aliases, not the army's name
    ("the army's main forces", "x", ("rifle",), "rule 2"),
    # rule 3: roles at army level
    ("6th Guards Tank Army, forward detachment of left column", "x", ("fd-5gtc", "fd-7mc"), "rule 3"),
    ("передовые отряды армии", "x", ("fd-5gtc", "fd-7mc"), "rule 3"),
    ("6th Guards Tank Army", "the forward units' camp", ("fd-5gtc", "fd-7mc"), "rule 3"),
    ("подвижная группа армии", "x", ("fd-5gtc", "5gtc", "fd-7mc", "7mc", "9gmc"), "rule 3"),
])
def test_match_rules(formation, place, expected, rule):
    m = match_row(formation, place, oob(), army_name=ARMY)
    assert m.candidates == expected and m.rule.startswith(rule) and m.problem == ""


@pytest.mark.parametrize("formation", ["6th Guards Tank Army", "6-я гв. ТА", "Soviet troops",
                                       "Transbaikal Front", "6 GTA units"])
def test_the_army_as_a_whole_is_every_formation(formation):
    m = match_row(formation, "Mukden", oob(), army_name=ARMY)
    assert m.candidates == tuple(oob()["formation_id"]) and m.rule.startswith("rule 4")
    assert "army as a whole" in m.rule


def test_unknown_numbered_formation_is_a_problem_and_falls_back():
    m = match_row("6th Guards Tank Army (86th Rifle Corps elements)", "x", oob(), army_name=ARMY)
    assert "86 rifle corps" in m.problem and m.rule.startswith("rule 4")
    m = match_row("17th Army", "x", oob(), army_name=ARMY)
    assert "17 army" in m.problem and len(m.candidates) == len(oob())
    # a text naming nothing at all is scored on the whole army as before, and now said
    # (newuser24: a typo was scored silently)
    m = match_row("someone", "somewhere", oob(), army_name=ARMY)
    assert m.rule == "rule 4: names no formation of the army"
    assert m.problem.startswith("names no formation of the army")


def test_mobile_group_prefers_formations_of_that_role():
    f = oob()
    f.loc[len(f)] = {"formation_id": "mg", "name": "mobile group", "kind": "mobile_group",
                     "parent": None, "role": "", "aliases": ()}
    assert match_row("6th Guards Tank Army mobile group", "x", f, army_name=ARMY).candidates == ("mg",)


def test_an_army_without_named_formations_notes_rather_than_complains():
    """Echelon runs name no formations: a numbered corps cannot be told apart, which is the
    run's limit, not a problem with the row."""
    legacy = pd.DataFrame([{"formation_id": "main", "name": "", "kind": "army", "parent": None,
                            "role": "main_body", "aliases": ()},
                           {"formation_id": "mobile", "name": "", "kind": "mobile_group", "parent": None,
                            "role": "forward_detachment", "aliases": ()}])
    m = match_row("7th Mechanized Corps", "Tuquan", legacy, army_name=ARMY)
    assert m.problem == "" and "cannot be told apart" in m.note and m.rule.startswith("rule 4")


def test_every_word_of_an_alias_in_any_order_matches_when_no_whole_alias_does():
    f = oob()
    f.loc[len(f)] = {"formation_id": "mpra", "name": "Mongolian People's Revolutionary Army forces",
                     "kind": "other", "parent": None, "role": "",
                     "aliases": ("Mongolian People's Army", "MPRA")}
    m = match_row("Mongolian People's Revolutionary Army cavalry", "Kalgan", f, army_name=ARMY)
    assert m.candidates == ("mpra",) and m.rule == "rule 2: every word of a name or alias in the text"
    # words in another order, with filler words the alias has and the text lacks
    m = match_row("Gds Tank Corps 5th, forward detachment", "x", oob(), army_name=ARMY)
    assert m.candidates == ("fd-5gtc",)
    # a whole alias in the text still wins over a looser one of more words
    assert match_row("the army's main forces", "x", oob(), army_name=ARMY).rule == \
        "rule 2: name or alias in the text"
    # one word is not enough, and the army's own name never matches this way
    assert match_row("Mongolian cavalry", "x", f, army_name=ARMY).rule.startswith("rule 4")
    assert match_row("Tank Army 6th Guards", "x", oob(), army_name=ARMY).rule.startswith("rule 4")


def test_an_alias_within_the_armys_own_name_does_not_name_a_formation():
    """'Mongolian cavalry' (an alias of the Mongolian forces) stands inside "Soviet-Mongolian
    Cavalry-Mechanized Group", the name of the whole group: that row names the army, every
    formation (rule 4), not the Mongolian forces; the alias alone still names them, and so
    does a row that gives both."""
    f = pd.DataFrame([
        {"formation_id": "mpra", "name": "Mongolian People's Revolutionary Army forces",
         "kind": "other", "parent": None, "role": "main_body",
         "aliases": ("Mongolian cavalry", "Mongolian forces")},
        {"formation_id": "43tb", "name": "43rd Tank Brigade", "kind": "tank_brigade",
         "parent": None, "role": "main_body", "aliases": ()},
    ])
    army = "Soviet-Mongolian Cavalry-Mechanized Group"
    m = match_row("Soviet-Mongolian Cavalry-Mechanized Group (Pliev)", "Dolon Nur", f,
                  army_name=army)
    assert m.candidates == ("mpra", "43tb") and m.rule == "rule 4: names the army as a whole"
    assert match_row("Mongolian cavalry", "x", f, army_name=army).candidates == ("mpra",)
    both = match_row("Soviet-Mongolian Cavalry-Mechanized Group: Mongolian cavalry", "x", f,
                     army_name=army)
    assert both.candidates == ("mpra",)
    # a hyphenated compound is one word: "Soviet-Mongolian cavalry-mechanized" holds no
    # "Mongolian cavalry" even when the army's name is not given
    assert match_row("Soviet-Mongolian cavalry-mechanized units", "x", f,
                     army_name="").candidates == ("mpra", "43tb")


def test_a_row_naming_a_formation_by_its_id_is_that_formation():
    """A user's own CSV naming a formation by the id of the army file ('9gmc') fell silently
    to rule 4 (the army as a whole) and was scored on whichever formation got there first;
    then it was told to write the name. An id is unambiguous: it is that formation (rule 0)."""
    m = match_row("9gmc", "Lubei", oob(), army_name=ARMY)
    assert m.rule == "rule 0: the formation's id"
    assert m.candidates == ("9gmc",) and m.problem == ""
    assert match_row(" 9GMC ", "Lubei", oob(), army_name=ARMY).candidates == ("9gmc",)
    assert match_row("the 9gmc group", "Lubei", oob(), army_name=ARMY).problem == ""


def test_an_id_inside_a_longer_text_names_that_formation_as_its_number_would():
    """'7mc forward detachment' fell to rule 3 (every forward detachment of the army, the
    first to reach scored) and 'fd-7mc (main)' to rule 4 (every formation): the id was read
    only as the whole text. An id holding a digit or a hyphen is no word of prose: it names
    its formation as a number does (rule 1), "forward detachment" taking the body's."""
    m = match_row("7mc forward detachment", "x", oob(), army_name=ARMY)
    assert m.candidates == ("fd-7mc",) and m.rule.startswith("rule 1") and "7mc" in m.rule
    assert match_row("fd-7mc (main)", "x", oob(), army_name=ARMY).candidates == ("fd-7mc",)
    assert match_row("9GMC, lead brigades", "x", oob(), army_name=ARMY).candidates == ("9gmc",)
    # within 'fd-7mc' stands no '7mc'; with a number of another formation, both are named
    assert match_row("fd-7mc", "x", oob(), army_name=ARMY).rule.startswith("rule 0")
    assert set(match_row("9gmc and 5th Gds Tank Corps", "x", oob(), army_name=ARMY)
               .candidates) == {"9gmc", "5gtc"}
    # an id that is a bare word ('rifle') is not read inside prose: only as the whole text
    m = match_row("rifle units of the army", "x", oob(), army_name=ARMY)
    assert m.rule.startswith("rule 4")


def _thirty_sixth():
    return pd.DataFrame([
        {"formation_id": "205tb", "name": "205th Tank Brigade", "kind": "tank_brigade",
         "parent": None, "role": "forward_detachment",
         "aliases": ("205th Tank Bde", "36th Army forward detachment")},
        {"formation_id": "36a-rds", "name": "36th Army main forces", "kind": "rifle_division",
         "parent": None, "role": "main_body", "aliases": ("36th Army",)},
    ])


@pytest.mark.parametrize("text", [
    "9gmc", "9th Guards Mechanized Corps", "9gmc forward detachment", "9-й гв. мехкорпус",
    "36th Army (9th Gds Mech Corps)", "46th Gds Tank Bde", "6th Guards Tank Army"])
def test_a_row_naming_another_axiss_formation_is_a_problem_not_scored(text):
    """A TBF-36A row naming the 9th Guards Mechanized Corps (of TBF-6GTA) was scored on the
    36th Army as a whole (rule 4), or on its forward detachment (rule 3: '9gmc forward
    detachment'), with at most 'no formation of the army is the 9 mech corps': a position of
    another army counted in this one's errors. It is that axis's row: a problem naming the
    axis and the fix, no candidate (not scored)."""
    from logistics.history.match import OTHER_AXIS, OtherArmy

    sixth = OtherArmy("TBF-6GTA", ARMY, oob())
    m = match_row(text, "Lubei", _thirty_sixth(), army_name="36th Army", others=[sixth])
    assert m.candidates == () and m.problem.startswith(OTHER_AXIS)
    assert "TBF-6GTA" in m.problem and "Fix: give the row axis_id TBF-6GTA" in m.problem
    assert "; " not in m.problem  # a row's problems are joined by '; '


def test_a_row_of_its_own_army_may_name_another_beside_it():
    """What names this army's formation by rules 0-2, or the army itself beside another army
    as a whole (the shipped '36th Army (with left-flank formations of 39th Army)'), stays this
    axis's row; the looser every-word rule yields to another axis's whole name."""
    from logistics.history.match import OtherArmy

    others = [OtherArmy("TBF-6GTA", ARMY, oob())]
    own = _thirty_sixth()
    m = match_row("36th Army (with left-flank formations of 6th Guards Tank Army)", "x", own,
                  army_name="36th Army", others=others)
    assert m.candidates == ("205tb", "36a-rds") and m.problem == ""
    m = match_row("205th Tank Bde with the 9th Gds Mech Corps", "x", own,
                  army_name="36th Army", others=others)
    assert m.candidates == ("205tb",)
    assert match_row("36th Army forward detachment", "x", own, army_name="36th Army",
                     others=others).candidates == ("205tb",)
    # a number both armies carry (a corps '5th' of either) is this army's when it has it
    fifth = own.copy()
    fifth.loc[len(fifth)] = {"formation_id": "5rc", "name": "5th Rifle Corps", "kind": "",
                             "parent": None, "role": "main_body", "aliases": ()}
    assert match_row("5th Corps", "x", fifth, army_name="36th Army",
                     others=others).candidates == ("5rc",)


@pytest.mark.parametrize("text", ["nobody", "5th Guards Tank Copr", "xyz"])
def test_a_text_naming_nothing_is_scored_on_the_army_and_said(text):
    """newuser24: a mistyped formation ('nobody') was matched to the whole army (rule 4) and
    scored with no word anywhere; it still is (rule 4's contract), but it is a problem."""
    from logistics.history.match import NAMES_NOTHING

    m = match_row(text, "Lubei", oob(), army_name=ARMY)
    assert m.rule == f"rule 4: {NAMES_NOTHING}"
    assert len(m.candidates) == len(oob())
    assert m.problem.startswith(NAMES_NOTHING) and repr(text) in m.problem and "Fix:" in m.problem
    assert "; " not in m.problem  # compare splits a row's problems on "; "


@pytest.mark.parametrize("text", ["6th Guards Tank Army", "Soviet troops", "Transbaikal Front", ""])
def test_the_army_as_a_whole_is_no_problem(text):
    m = match_row(text, "Lubei", oob(), army_name=ARMY)
    assert m.rule.startswith("rule 4") or m.rule.startswith("rule 2")
    assert "names no formation" not in m.problem


def test_another_axiss_flotilla_brigade_is_another_axiss_formation():
    """A 2FEF-5RC row naming the 1st River Ship Brigade (2FEF-15A's flotilla) was not flagged:
    the index of the other axes' formations (``army_formations``) read only ``formations:``,
    not ``flotilla:``, so the row fell to this army's rule 4. A brigade is named as a
    formation is: by its id, its name or an alias."""
    from types import SimpleNamespace

    from logistics.history.match import OTHER_AXIS, army_formations

    brigade = SimpleNamespace(id="1st-river-ship-brigade",
                              name="1st River-Ship Brigade, Amur Red Banner Flotilla",
                              aliases=["1st River Ship Brigade", "1-я бригада речных кораблей"])
    corps = SimpleNamespace(id="15a-rds", name="15th Army rifle divisions", kind="rifle_division",
                            parent=None, role="main_body", aliases=[])
    other = army_formations(SimpleNamespace(axis_id="2FEF-15A", name="15th Army",
                                            formations=[corps], flotilla=[brigade]))
    assert "1st-river-ship-brigade" in set(other.formations["formation_id"])
    for text in ("1st River Ship Brigade", "1st-river-ship-brigade (Sungari)",
                 "1-я бригада речных кораблей"):
        m = match_row(text, "Fujin", _thirty_sixth(), army_name="36th Army", others=[other])
        assert m.candidates == () and m.problem.startswith(OTHER_AXIS), (text, m)
        assert "2FEF-15A" in m.problem
    # an army file without a flotilla (most of them) reads as before
    plain = army_formations(SimpleNamespace(axis_id="X", name="x", formations=[corps]))
    assert list(plain.formations["formation_id"]) == ["15a-rds"]


def test_the_shipped_flotillas_are_in_the_other_axes_index():
    """The shipped 2nd Far Eastern Front armies' river-ship brigades, as compare reads them."""
    from logistics import settings
    from logistics.army.load import load_army
    from logistics.history.match import army_formations

    ids = set(army_formations(load_army(settings.SHIPPED_CONFIG_DIR / "2fef-15a.yaml"))
              .formations["formation_id"])
    assert "1st-river-ship-brigade" in ids


@pytest.mark.parametrize("text", ["9gmc (7th Mech Corps)", "9th Gds Mech Corps (7th Mech Corps)",
                                  "7th Mech Corps [9gmc]", "5th Gds Tank Corps (9gmc; lead)"])
def test_a_formation_glossed_by_another_that_disagrees_is_a_problem_scored_as_several(text):
    """'9gmc (7th Mech Corps)' gave both corps as candidates with no word: the bracket says
    what the first is, and the two disagree. A problem naming both and the fix; scored as a
    row naming several formations is (rule 1's candidates, the first to reach)."""
    from logistics.history.match import NAMES_TWO

    m = match_row(text, "Lubei", oob(), army_name=ARMY)
    assert m.problem.startswith(NAMES_TWO) and "Fix: keep one" in m.problem, m
    assert len(m.candidates) == 2 and m.rule.startswith("rule 1")
    assert "; " not in m.problem  # compare splits a row's problems on "; "


@pytest.mark.parametrize("text", [
    "9gmc and 7th Mech Corps", "9gmc (with 7th Mech Corps)", "9gmc (& 7th Mech Corps)",
    "7th Mech Corps (63rd & 64th Mech Bdes)", "7th Mechanized Corps (6th Guards Tank Army)",
    "7th Mech Corps (fd-7mc)", "9th Guards Mechanized Corps (46th Guards Tank Brigade)",
    "7th Mech Corps forward detachment (7th Mech Corps)"])
def test_a_list_a_part_or_the_same_formation_in_brackets_is_no_problem(text):
    """A bracket that lists ('with', '&'), names the army, a part of the formation (its
    forward detachment, its brigade) or the same formation by another name agrees."""
    m = match_row(text, "Lubei", oob(), army_name=ARMY)
    assert m.problem == "", m


@pytest.mark.parametrize("text", ["9gmc (86th Rifle Corps)", "9th Gds Mech Corps [86th RD]"])
def test_a_number_the_army_lacks_glossing_one_it_has_is_said(text):
    """Rule 1 scored '9gmc (86th Rifle Corps)' on 9gmc and dropped the 86th without a word."""
    from logistics.history.match import NAMES_UNKNOWN

    m = match_row(text, "x", oob(), army_name=ARMY)
    assert m.candidates == ("9gmc",) and m.rule.startswith("rule 1")
    assert m.problem.startswith(NAMES_UNKNOWN) and "86 rifle" in m.problem, m
    assert "scored on 9gmc alone" in m.problem and "Fix:" in m.problem
    assert match_row("9gmc (46th Guards Tank Brigade)", "x", oob(), army_name=ARMY).problem == ""


@pytest.mark.parametrize("text", [
    "6th Guards Tank Army, 26th Rifle Corps / 46th Guards Tank Bde",  # the shipped rows' shape
    "26th Rifle Corps (22nd & 300th RD, 46th Gds Tank Bde)",
    "9gmc (with the 86th Rifle Corps)",
])
def test_a_list_naming_formations_the_army_file_leaves_out_is_no_problem(text):
    """An army file models a part of its army: the shipped 1RBA rows name the 26th Rifle
    Corps beside the 257th Tank Brigade, the one modeled."""
    m = match_row(text, "x", oob(), army_name=ARMY)
    assert m.candidates == ("9gmc",) and m.problem == "", m


def _ships() -> pd.DataFrame:
    """Two brigades of the army: one carrying a landing party up its rivers, one ferrying a
    corps at its crossing (the shape of ``RunTrace.flotilla``)."""
    return pd.DataFrame([
        {"formation_id": "1st-river-ship-brigade", "name": "1st River-Ship Brigade",
         "aliases": ("1st River Ship Brigade", "1-я бригада речных кораблей"),
         "carries": ("9gmc",), "ferries": ()},
        {"formation_id": "3rd-river-ship-brigade", "name": "3rd River-Ship Brigade",
         "aliases": ("3rd River Ship Brigade", "3-я бригада речных кораблей"),
         "carries": (), "ferries": ("7mc",)}])


@pytest.mark.parametrize("text", ["1st River Ship Brigade", "1-я бригада речных кораблей",
                                  "1st-river-ship-brigade", "ships of the 1st River-Ship Brigade"])
def test_a_row_naming_its_own_flotilla_brigade_is_scored_on_what_it_carries(text):
    """The run records no track of a flotilla brigade and trace.formations leaves them out:
    a row naming its own brigade fell to rule 4 (every formation) as naming nothing."""
    m = match_row(text, "Fujin", oob(), army_name=ARMY, flotilla=_ships())
    assert m.candidates == ("9gmc",) and "flotilla brigade" in m.rule, m
    assert m.problem == "" and "no track" in m.note and "9gmc" in m.note


@pytest.mark.parametrize("text", ["3rd River Ship Brigade", "3-я бригада речных кораблей"])
def test_a_row_naming_a_brigade_that_carries_nothing_is_a_problem_not_scored(text):
    from logistics.history.match import FLOTILLA

    m = match_row(text, "Zhaohe", oob(), army_name=ARMY, flotilla=_ships())
    assert m.candidates == () and m.problem.startswith(FLOTILLA), m
    assert "no track" in m.problem and "ferries 7mc" in m.problem and "Fix:" in m.problem
    assert "3 brigade" not in m.problem  # the brigade's number is no missing formation's
    # a formation of the army named beside it is scored as before
    assert match_row(f"{text} with the 7th Mech Corps", "x", oob(), army_name=ARMY,
                     flotilla=_ships()).candidates == ("7mc",)


def test_the_run_lists_the_flotilla_brigades_with_what_they_carry_and_ferry():
    from logistics.army.load import load_army
    from logistics.history.runs import _flotilla_frame
    from logistics.settings import SHIPPED_CONFIG_DIR

    f15 = _flotilla_frame(load_army(SHIPPED_CONFIG_DIR / "2fef-15a.yaml")).set_index("formation_id")
    assert f15.loc["1st-river-ship-brigade", "carries"] == ("15a-landing",)
    assert f15.loc["1st-river-ship-brigade", "ferries"] == ("15a-tank-brigades", "15a-sp", "15a-rds")
    f5 = _flotilla_frame(load_army(SHIPPED_CONFIG_DIR / "2fef-5rc.yaml")).set_index("formation_id")
    assert f5.loc["3rd-river-ship-brigade", "carries"] == ()
    assert _flotilla_frame(load_army(SHIPPED_CONFIG_DIR / "tbf-36a.yaml")) is None


@pytest.mark.parametrize("formation", [
    "6th Guards Tank Army (corps)", "Корпуса 6-й гвардейской танковой армии", "the army's corps"])
def test_a_level_without_a_number_is_the_armys_formations_of_that_level(formation):
    """'6th Guards Tank Army (corps)' (the corps advanced 120-150 km on 9 Aug, its forward
    detachments further) read as the army as a whole, and its distance was scored on the
    deepest formation, a forward detachment; it names the corps."""
    m = match_row(formation, "x", oob(), army_name=ARMY)
    assert m.candidates == ("5gtc", "7mc", "9gmc") and m.rule.startswith("rule 3")


def test_a_level_the_army_lacks_or_a_numbered_one_is_not_a_bare_level():
    f = oob()
    m = match_row("6th Guards Tank Army (86th Rifle Corps elements)", "x", f, army_name=ARMY)
    assert m.rule.startswith("rule 4")  # the 86th's 'corps' has its number
    m = match_row("6th Guards Tank Army (brigades)", "x", f, army_name=ARMY)
    assert m.rule.startswith("rule 4") and len(m.candidates) == len(f)  # no brigade in it
    m = match_row("6th Guards Tank Army, forward detachments of the corps", "x", f, army_name=ARMY)
    assert m.candidates == ("fd-5gtc", "fd-7mc")  # the role first
