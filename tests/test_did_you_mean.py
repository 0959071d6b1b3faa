"""errors.did_you_mean / close_names / offer: the one wording of a "did you mean" hint, and the
one matching behind it (nearest first, case ignored, a cutoff, the known spelling shown).

Similarities quoted are difflib.SequenceMatcher ratios, 2*matches/(len a + len b)."""

from __future__ import annotations

import re
from pathlib import Path

import logistics
from logistics.errors import close_names, did_you_mean, offer

KEYS = ["supply.trucks", "supply.rucks", "supply.fuel"]


def test_nothing_near_gives_no_hint():
    assert close_names("zzzz", ["road", "cross_country"]) == []
    assert did_you_mean("zzzz", ["road", "cross_country"]) == ""
    assert did_you_mean("road", []) == ""


def test_one_match_is_quoted_in_the_one_wording():
    assert did_you_mean("roads", ["road", "cross_country"]) == "did you mean 'road'?"


def test_several_matches_nearest_first_and_at_most_n():
    # 'supply.truck' ~ 'supply.trucks' 0.96, ~ 'supply.rucks' 0.92, ~ 'supply.fuel' 0.70
    assert close_names("supply.truck", KEYS, n=3) == KEYS
    assert did_you_mean("supply.truck", KEYS, n=2) == (
        "did you mean 'supply.trucks', 'supply.rucks'?")
    assert did_you_mean("supply.truck", KEYS) == "did you mean 'supply.trucks'?"  # n=1


def test_case_is_ignored_and_the_known_spelling_shown():
    # case-sensitive 'TBF-39A' ~ 'tbf-39a' is 0.43, under the 0.6 cutoff: it was missed
    assert did_you_mean("TBF-39A", ["tbf-39a", "tbf-cmg"]) == "did you mean 'tbf-39a'?"
    assert did_you_mean("TBF-39A", ["tbf-39a"], fold=lambda s: s) == ""
    # two spellings of one folded name: the first given is shown, once
    assert close_names("harbn", ["Harbin", "HARBIN"], n=3) == ["Harbin"]


def test_a_callers_own_normal_form_is_used_for_both_sides():
    def norm(s: str) -> str:  # vehicles.py's: case, spaces and punctuation ignored
        return re.sub(r"[^0-9a-z]", "", s.casefold())

    # 't3485' ~ 't3485' 1.0; case folded only, 't34/85' ~ 't-34-85' 0.77
    assert close_names("T34/85", ["t-34-85", "su-76m"], cutoff=0.9, fold=norm) == ["t-34-85"]
    assert close_names("T34/85", ["t-34-85", "su-76m"], cutoff=0.9) == []


def test_the_cutoff_bounds_the_similarity():
    # 'abcd' ~ 'abxy' 0.5, ~ 'abcx' 0.75
    assert close_names("abcd", ["abxy", "abcx"], n=2) == ["abcx"]  # default 0.6
    assert close_names("abcd", ["abxy", "abcx"], n=2, cutoff=0.5) == ["abcx", "abxy"]
    assert close_names("abcd", ["abxy", "abcx"], n=2, cutoff=0.8) == []


def test_show_and_offer_word_other_suggestions_the_same_way():
    assert did_you_mean("tbf-39", ["tbf-39a"], show=lambda s: f"`logistics run {s}`") == (
        "did you mean `logistics run tbf-39a`?")
    assert offer(["'TEMPLATE-AXIS' for 'template-axis'"]) == (
        "did you mean 'TEMPLATE-AXIS' for 'template-axis'?")
    assert offer([]) == ""


def test_lead_comes_before_a_hint_and_not_before_none():
    assert did_you_mean("roads", ["road"], lead="; ") == "; did you mean 'road'?"
    assert did_you_mean("zzzz", ["road"], lead="; ") == ""
    assert offer(["'a'"], lead=" (") == " (did you mean 'a'?"
    assert offer([], lead="; ") == ""


def test_non_string_names_are_compared_as_text():
    assert did_you_mean(None, ["none", "diesel"]) == "did you mean 'none'?"
    assert did_you_mean(7, ["7a", "x"]) == "did you mean '7a'?"


def test_no_module_builds_its_own_hint():
    """Every near-name hint goes through errors.did_you_mean: one wording, one matching."""
    package = Path(logistics.__file__).parent
    own = [str(p.relative_to(package)) for p in package.rglob("*.py")
           if p.name != "errors.py" and "get_close_matches" in p.read_text(encoding="utf-8")]
    assert own == []


def test_one_cutoff_unless_a_call_says_why():
    """The calls passed cutoffs from 0.3 to 0.8 with no word why: the loose ones offered a
    different name of the same kind. A call with its own cutoff says why on the line above."""
    import pytest

    from logistics.army.schema import _check_vehicle
    from logistics.errors import NEAR_CUTOFF, UnknownNameError
    from logistics.terrain import load_terrain

    assert NEAR_CUTOFF == 0.6  # difflib's own default
    # 'su-100' ~ 'su-76m' 0.55: another gun, which the army file's vehicle check offered (0.5)
    assert close_names("su-100", ["su-76m", "t-34-85"]) == []
    with pytest.raises(ValueError) as err:  # an army file's vehicle: key
        _check_vehicle("su-100")
    assert "unknown vehicle 'su-100'" in str(err.value) and "did you mean" not in str(err.value)
    # 'gmted' ~ 'merged' 0.36: another elevation model, which load_terrain offered (0.3)
    with pytest.raises(UnknownNameError) as err:
        load_terrain((120.0, 45.0, 120.5, 45.5), dem="gmted")
    assert "did you mean" not in str(err.value) and "etopo5" in str(err.value)
    # every other cutoff has its reason in a comment on the line above the call
    package = Path(logistics.__file__).parent
    for p in package.rglob("*.py"):
        lines = p.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            if re.search(r"\bcutoff=(0\.\d+|[A-Z_]+)", line) and "def " not in line:
                said = "\n".join(lines[max(0, i - 3):i])
                assert "#" in said or "CUTOFF" in line, f"{p.name}:{i + 1}: {line.strip()}"
