"""Where a fortified region's depth begins at the frontier. The extent is cut at the frontier
line itself, not at the side grid's cells (logistics/army/fortified.py ``_soviet_bank``): the
grid's cells on the line (about 2 km) are neither side, and an extent kept to them reached onto
the Soviet bank (Sakhalyan, Manchouli-Zhalainor, Dongning, Hutou). And a route entering an
extent on a frontier river is charged from its crossing of the river
(logistics/advance/depths.py ``_across``): its step into the river cell crosses the line in
the river before the route is across, so the 35th Army's Hutou depth began 0.36 km on the
Soviet bank of the Ussuri, before its crossing. The same rules for every region."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, box

from logistics.army import fortified


@pytest.fixture
def lines(monkeypatch):
    """Replace the frontier lines with the given ones."""
    import logistics.terrain.sides as sides

    def use(*ls):
        monkeypatch.setattr(sides, "frontier_lines", lambda: tuple(ls))
    return use


def test_the_bank_is_the_window_beyond_the_line_on_the_soviet_side(lines):
    """A line along x = 5.01 (in two pieces 0.01 degrees apart, as the WDBII boundary is drawn
    at Heihe) with the grid's cells on it, x 4 .. 6, neither side: Japanese cells west,
    Soviet east. The bank is x >= 5.01, and no Japanese cell."""
    lines(LineString([(5.01, -1), (5.01, 4.995)]), LineString([(5.01, 5.005), (5.01, 11)]))
    window = box(0, 0, 10, 10)
    bank = fortified._soviet_bank(window, box(6, 0, 10, 10), box(0, 0, 4, 10))
    assert bank.area == pytest.approx(4.99 * 10, rel=1e-9)
    assert shapely.contains_xy(bank, 5.02, 5.0) and not shapely.contains_xy(bank, 5.0, 5.0)


def test_a_line_that_does_not_divide_the_window_cuts_nothing(lines):
    """A line ending inside the window leaves one piece over both sides: no bank (the cells'
    cut alone applies, as before)."""
    lines(LineString([(5.01, -1), (5.01, 6)]))
    assert fortified._soviet_bank(box(0, 0, 10, 10), box(6, 0, 10, 10), box(0, 0, 4, 10)) is None


def test_the_hutou_extent_stops_at_the_ussuri():
    """Points 0.002-0.003 degrees (150-250 m) east of the boundary line, on the Soviet bank
    of the Ussuri at Hutou (the line at 133.673 E on 45.98 N and 133.6848 E on 46.00 N,
    rasters/borders.gpkg), are outside the extent; points as far west of it, inside (main:
    both inside, the grid's boundary cells kept whole)."""
    hutou = next(r for r in fortified.load_fortified().regions if r.id == "hutou")
    east = np.array([[133.676, 45.98], [133.6875, 46.0]])
    west = np.array([[133.670, 45.98], [133.682, 46.0]])
    assert not shapely.contains_xy(hutou.shape, east[:, 0], east[:, 1]).any()
    assert shapely.contains_xy(hutou.shape, west[:, 0], west[:, 1]).all()


def _river_seg(river_at: tuple[int, ...]):
    """A route east along 47 N in 1 km steps (0.01 degrees a km, as test_fortified_rule's),
    with a major river (class 1) in the cells of ``river_at`` (route point indices)."""
    import pandas as pd

    km = np.arange(21, dtype=float)
    rc = np.zeros(len(km), dtype=np.uint8)
    rc[list(river_at)] = 1
    return pd.DataFrame({"lon": 117.0 + km / 100.0, "lat": np.full(len(km), 47.0),
                         "cum_km": km, "river_class": rc})


def _pass(seg, west: float = 117.056):
    from types import SimpleNamespace

    from logistics.advance.depths import fortified_passes
    from logistics.army.fortified import Region

    region = Region("d", "D", box(west, 46.9, 117.2, 47.1), (), "sourced", depth_km=4.0)
    unit = SimpleNamespace(kind="rifle_division", fortified_action="assault", detaches=True)
    return fortified_passes(seg, [region], unit)


def test_a_depth_on_a_frontier_river_begins_where_the_route_has_crossed_it():
    """The extent's edge (the boundary line) runs in the river at km 5.6, between the route's
    last near-bank cell (km 5) and its river cell (km 6): the depth begins at km 6, the
    route's crossing, not 0.4 km on the near bank (main: km 5.6), and is charged its 4 km
    from there; across a river two cells wide, from the last of them."""
    (p,) = _pass(_river_seg((6,)))
    assert (p.km_in, p.km_out) == (pytest.approx(6.0), pytest.approx(10.0))
    (p,) = _pass(_river_seg((6, 7)))
    assert (p.km_in, p.km_out) == (pytest.approx(7.0), pytest.approx(11.0))


def test_a_depth_entered_on_land_or_along_a_river_is_charged_from_its_edge():
    """No river cell where it enters (a land frontier, or a table without river cells: the
    flotilla's path), or a run of river cells longer than a river is wide (a route along the
    river): from the edge, as before."""
    for seg in (_river_seg(()), _river_seg(()).drop(columns="river_class"),
                _river_seg(tuple(range(6, 14)))):
        (p,) = _pass(seg)
        assert (p.km_in, p.km_out) == (pytest.approx(5.6), pytest.approx(9.6))
