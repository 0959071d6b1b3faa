"""A fortified region's extent is cut at the frontier line itself, not at the side grid's cells
(logistics/army/fortified.py ``_soviet_bank``): the grid's cells on the line (about 2 km) are
neither side, and an extent kept to them reached onto the Soviet bank, so the 35th Army's
Hutou depth began 0.4 km on the Soviet bank of the Ussuri, before its route crossed the
river. The same cut for every region."""

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
