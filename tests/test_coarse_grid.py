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



def test_a_route_on_a_grid_too_coarse_for_its_places_is_warned_in_the_same_words():
    """`logistics route` computes least-time legs on a grid round its places: the same two
    bounds, with the route's own room (network.yaml access.margin_km 60 km round the places:
    0.6 cells of 100 km) and length (Hailar to Bukhedu 169 km straight: 1.7 cells)."""
    from logistics.network.multimodal import coarse_grid_note as route_note

    note = route_note("Hailar", "Bukhedu", resolution_m=100000)
    assert note.startswith("a grid of 100000 m cells is too coarse for the route Hailar -> "
                           "Bukhedu (Boketu): its margin round the places (network.yaml "
                           "access.margin_km, 60 km) is 0.6 cells, under the 2 a route needs "
                           "to step round a lake or a marsh near the grid's edge; and the "
                           "route, 169 km straight through its places, spans 1.7 cells, under "
                           "4"), note
    # the words every command shares, and the coarsest grid keeping both bounds (60 / 2 km)
    assert note.endswith("its routes, times and fuel are set more by the grid than by the "
                         "terrain (advance/coarse_grid.py); fix: --resolution-m 30000 or finer "
                         "(resolution_m=30000)"), note
    assert route_note("Hailar", "Bukhedu", resolution_m=30000) is None  # the fix passes
    assert route_note("Hailar", "Bukhedu") is None  # the default 1 km grid
    # by rail the km are the network's: only the room round the ends (30 + 20 km access)
    rail = route_note("Hailar", "Bukhedu", mode="rail", resolution_m=100000)
    assert "access.max_access_km, 50 km) is 0.5 cells" in rail and "straight" not in rail
    assert rail.endswith("fix: --resolution-m 25000 or finer (resolution_m=25000)"), rail



def test_the_fix_never_suggests_the_grid_already_in_use():
    """A route 2 km straight needs cells of 500 m: the fix said "--resolution-m 1000 or finer"
    on the 1000 m grid (whole km, at least 1), the value in use; under a km it is in metres."""
    from logistics.cost.grid_check import grid_note

    note = grid_note("a route", 1000, margin_km=60, margin_of="its margin", obstacles="a lake",
                     route_km=2.0, route_of="the route, 2 km straight")
    assert note.endswith("fix: --resolution-m 500 or finer (resolution_m=500)"), note


def test_places_within_one_cell_are_said_nearly_the_same_place(capsys):
    """`route --from "46.62 121.24" --to Solun` (0.3 km apart) printed an empty legs table,
    total 0.0, and a warning whose fix was the 1000 m already in use (newuser25); with --out
    it failed drawing no leg. One error before the work, naming the distance and the fix."""
    from logistics.cli import main
    from logistics.errors import ConfigError
    from logistics.network.multimodal import coarse_grid_note as route_note

    with pytest.raises(ConfigError, match=r"0\.3 km apart, within one cell of the 1000 m grid: "
                                          r"nearly the same place.*resolution_m=65$"):
        route_note("46.62 121.24", "Solun")
    assert main(["route", "--from", "46.62 121.24", "--to", "Solun", "--vehicle",
                 "studebaker"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "warning" not in captured.err
    (line,) = captured.err.splitlines()
    assert "nearly the same place" in line and "farther apart" in line, line
    assert "--resolution-m 1000" not in line and line.endswith("--resolution-m 65"), line


def test_logistics_route_warns_before_the_work(capsys):
    from logistics.cli import main

    assert main(["route", "--from", "Hailar", "--to", "Bukhedu", "--vehicle", "T-34-85",
                 "--mode", "cross-country", "--resolution-m", "100000"]) == 0
    err = capsys.readouterr().err
    assert ("logistics route: warning: a grid of 100000 m cells is too coarse for the route "
            "Hailar -> Bukhedu (Boketu)") in err, err


def test_compare_warns_each_army_before_its_runs():
    """`logistics compare --resolution-m` runs every documented axis: each army's note, the
    `run` one, is given to ``warn`` before any run starts."""
    from logistics.history.compare import compare

    class Ran(Exception):
        pass

    def runner(*args, **kwargs):
        raise Ran

    notes: list[str] = []
    with pytest.raises(Ran):
        compare(resolution_m=100000, runner=runner, warn=notes.append)
    assert notes and all(n.startswith("a grid of 100000 m cells is too coarse for ")
                         for n in notes), notes
    assert any("for TBF-6GTA: its margin round the army" in n for n in notes), notes
