"""One vocabulary of a fortified-region event (army/fortified.py FORTIFIED_WORDS): a bypassing
formation with no way round read 'bypass' in report.md's Parameters, 'follow' in its stops
and 'assault' in its track; the page now names each crossing and defines the words once."""

from __future__ import annotations

import typing
from types import SimpleNamespace

from logistics.advance.depths import FortifiedPass
from logistics.advance.simulate import STATUSES
from logistics.army.fortified import (FORTIFIED_OPEN, FORTIFIED_OPEN_MEANS, FORTIFIED_WORDS,
                                      IN_DEPTH_STATUS, crossing_action)
from logistics.army.schema import ON_FORTIFIED_REGION
from logistics.report.run_page import _fortified_cell, _fortified_words


def test_every_action_and_crossing_has_its_one_definition():
    actions = set(typing.get_args(ON_FORTIFIED_REGION))
    assert set(FORTIFIED_WORDS) == actions | {crossing_action(a) for a in actions}
    assert IN_DEPTH_STATUS in STATUSES
    page = _fortified_words()
    for word, meaning in FORTIFIED_WORDS.items():
        assert f"`{word}` {meaning}" in page
    assert f"status `{IN_DEPTH_STATUS}`" in page
    assert f"`{FORTIFIED_OPEN}` {FORTIFIED_OPEN_MEANS}" in page  # the open breach's stops


def _fp(action: str, *passes: tuple[str, str]):
    return SimpleNamespace(unit=SimpleNamespace(fortified_action=action), fortified=tuple(
        FortifiedPass(km_in=10.0, km_out=15.1, region_id=name.lower(), region_name=name,
                      action=how, detaches=False) for name, how in passes))


def test_parameters_name_a_crossing_that_reads_otherwise_than_the_action():
    assert _fortified_cell(_fp("bypass")) == "bypass"
    assert _fortified_cell(_fp("assault", ("Hailar FR", "assault"))) == "assault"
    assert _fortified_cell(_fp("bypass", ("Hailar FR", "follow"))) == "bypass; follow: Hailar FR"
