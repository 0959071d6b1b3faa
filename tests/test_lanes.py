"""Objective areas shared out along the departure line (logistics/advance/lanes.py): each
formation given an ``any_of`` area keeps the options of its own lane, left to left."""

from __future__ import annotations

import dataclasses

import pytest

from logistics import settings
from logistics.advance.lanes import _lane_options, share_objective_areas
from logistics.army.fortified import load_fortified
from logistics.army.load import load_army
from logistics.army.norms import load_norms
from logistics.army.resolve import resolve_formations


@pytest.mark.parametrize(("lane", "n_lanes", "n_options", "expected"), [
    (0, 3, 2, [0]), (1, 3, 2, [0, 1]), (2, 3, 2, [1]),   # the middle lane straddles both
    (0, 2, 2, [0]), (1, 2, 2, [1]),
    (0, 1, 3, [0, 1, 2]),                                 # one lane: every option
    (0, 2, 3, [0, 1]), (1, 2, 3, [1, 2]),
])
def test_lanes_overlap_the_options_shares(lane, n_lanes, n_options, expected):
    assert _lane_options(lane, n_lanes, n_options) == expected


def _units():
    army = load_army(settings.CONFIG_DIR / "tbf-6gta.yaml")
    units = resolve_formations(army, load_norms(), load_fortified().rule)
    line = [(float(p.location().lon), float(p.location().lat)) for p in army.departure.line]
    return units, line


def _labels(u, i):
    return {o[0] for o in u.objectives[i].options}


def test_the_6th_gta_corps_share_their_objective_areas_left_to_left():
    """The departure line runs west to east; Lubei lies west of Tuquan and Mukden west of
    Changchun: the west corps (5th Guards Tank, with its forward detachment) gets Lubei and
    Mukden, the east corps (9th Guards Mechanized) Tuquan and Changchun, the middle corps
    either; single objectives (Tongliao) are untouched, and a note says what each was given."""
    units, line = _units()
    notes: list[str] = []
    out = {u.id: u for u in share_objective_areas(units, line, notes)}
    for fid in ("5gtc", "fd-5gtc"):
        assert _labels(out[fid], 0) == {"Lubei"} and _labels(out[fid], 2) == {"Mukden"}
    for fid in ("9gmc", "fd-9gmc"):
        assert _labels(out[fid], 0) == {"Tuquan"} and _labels(out[fid], 2) == {"Changchun"}
    assert _labels(out["7mc"], 0) == {"Lubei", "Tuquan"}
    assert all(_labels(u, 1) == {"Tongliao"} for u in out.values())
    assert any(n.startswith("5gtc: objective area Lubei / Tuquan") for n in notes)


def test_one_start_or_one_point_lines_leave_the_areas_alone():
    """Formations from one start (or a line of one point) keep the whole area."""
    units, line = _units()
    same = tuple(dataclasses.replace(u, start_lon=line[0][0], start_lat=line[0][1])
                 for u in units)
    assert share_objective_areas(same, line) == same
    assert share_objective_areas(units, line[:1]) == units


def test_the_order_is_along_the_line_whichever_way_it_is_listed():
    """Listing the departure line east to west reverses both orders: the same shares."""
    units, line = _units()
    a = {u.id: u for u in share_objective_areas(units, line)}
    b = {u.id: u for u in share_objective_areas(units, line[::-1])}
    assert {k: _labels(v, 0) for k, v in a.items()} == {k: _labels(v, 0) for k, v in b.items()}
