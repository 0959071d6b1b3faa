"""A grid too coarse for the army's routes is warned on, with its reason and the fix
(advance/coarse_grid.py); the shipped commands' grids are not."""

from __future__ import annotations

import pytest

from logistics import settings
from logistics.advance.coarse_grid import coarse_grid_note
from logistics.army import army_paths, load_army


@pytest.fixture(scope="module")
def armies() -> dict:
    return {p.name: load_army(p) for p in army_paths(settings.CONFIG_DIR)}


def test_the_shipped_armies_pass_on_the_grids_the_commands_use(armies):
    """1 km (the default) to 25 km (the coarsest run grid of the README and tests): no note."""
    assert len(armies) == 12
    for name, army in armies.items():
        for res in (1000, 10000, 25000):
            assert coarse_grid_note(army, res) is None, (name, res)


def test_100_km_cells_leave_the_6gta_no_room_round_anything(armies):
    """1 degree of margin is 76 km east-west at the army's northmost point (47.2 N): 0.8 cells
    of 100 km, under the 2 of the cost engine's longest step; its 700 km route keeps 7 cells."""
    note = coarse_grid_note(armies["tbf-6gta.yaml"], 100000)
    assert note.startswith("a grid of 100000 m cells is too coarse for TBF-6GTA: its margin "
                           "round the army (routing.margin_deg 1, 76 km east-west) is 0.8 "
                           "cells, under the 2 a route needs"), note
    assert "headline" not in note  # the route bound holds: one reason, not two
    assert note.endswith("fix: --resolution-m 37000 or finer (resolution_m=37000)"), note
    assert coarse_grid_note(armies["tbf-6gta.yaml"], 37000) is None  # the fix passes


def test_a_short_headline_route_names_its_cells(armies):
    """The 5th Rifle Corps' tank brigade: 155 km straight from its start through its
    objectives, 3.1 cells of 50 km, under the 4 whose ends' moves stay within a third."""
    note = coarse_grid_note(armies["2fef-5rc.yaml"], 50000)
    assert ("the headline formation 5rc-tank-brigade's route, 155 km straight from its start "
            "through its objectives, spans 3.1 cells, under 4") in note, note
    assert "margin round the army" in note  # 76 km: 1.5 cells
    assert note.endswith("fix: --resolution-m 38000 or finer (resolution_m=38000)"), note

