"""The plain-data description of a move-cost rule that the solver consumes.

A :class:`CostModel` says what it costs (seconds, litres, or a weighted mix) to move from a cell
to a neighbour. The vehicle physics (``logistics.cost.physics``) builds it; the solvers
(``logistics.cost.solver`` in memory, ``logistics.cost.chunked`` on dask) only read it. A new
vehicle model therefore never touches a solver: it only produces another table.

The rule, for a move from cell ``p`` to neighbour ``q`` along offset ``(di, dj)`` (rows, cols):

* ``L = hypot(dj * dx, di * dy)`` metres, the straight segment between cell centres;
* ``g = (z[q] - z[p]) / L``, the signed grade (positive uphill); ``g = 0`` when isotropic;
* ``c(k, g)``: per-metre cost of surface class ``k`` at grade ``g``, linearly interpolated in
  ``table`` (grades outside the table are impassable), times ``scale`` of the cell if given;
* the per-metre cost of the move is the mean of ``c`` over the cells the segment crosses
  (``p`` and ``q`` for the 8 king moves; ``p``, ``q`` and the two cells beside the segment for
  the 8 knight moves of the 16-neighbour stencil);
* ``cost = L * mean_c + toll``. The river **toll** makes crossing a river (or any band of cells
  with an ``enter`` cost) cost its crossing once, however wide the band and whichever stencil:
  along the cells the segment passes, in order, every step from a cell into one of another
  ``river`` code pays the new cell's ``enter`` in full, and every step within one ``river`` code
  pays the rise, ``max(0, enter[next] - enter[prev])``. A straight move passes
  ``p, q``; a knight move ``p``, the cell beside it next to ``p``, the one next to ``q``, then
  ``q`` (a 4-connected chain: the segment crosses exactly these cells); a diagonal king move
  runs through the corner it shares with its two side cells and pays the cheaper of the chains
  ``p, side, q`` (so it pays a river whose cells meet diagonally across its path, and does not
  pay one it only touches at a corner). So entering a river pays its ``enter`` once, moving
  within it pays nothing, leaving it pays nothing, and no move gets past a river cell without
  paying. Rivers of different codes are different crossings even where their cells touch: a
  move from a creek's cells into a major river's pays the major river in full (with the rise,
  a creek beside the Amur made the Amur free whenever both cost one bridge wait, as in the wet
  season). Rivers of one code whose cells touch are one water body (the code is the river's
  class, not its name: the terrain carries no names). Without ``river`` every cell is of one
  code (0), and a move from one river into a dearer one pays the difference.

A move is impossible when any of those values is ``inf`` or ``NaN``: ``class_index == 255`` or
``scale`` NaN/inf of a crossed cell, ``enter`` NaN/inf of a cell the move passes (or of ``p``:
such a cell cannot be left), or a table entry ``inf`` (grade beyond the vehicle's limit). A
diagonal king move is blocked only by what ``p`` and ``q`` hold, and by two side cells of
infinite ``enter``. Costs are always positive for a possible move (the physics guarantees a
floor).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["CostModel", "BARRIER_CLASS"]

#: ``class_index`` value of a cell no vehicle may enter (lake, sea, nodata, user barrier).
BARRIER_CLASS: int = 255


@dataclass(frozen=True)
class CostModel:
    """Per-move cost rule on a regular grid (north-up, rows = y descending, cols = x).

    Attributes
    ----------
    class_index : uint8 array (ny, nx)
        Row of ``table`` for each cell; ``BARRIER_CLASS`` (255) is impassable.
    table : float64 array (n_classes, n_grades)
        Cost per metre (``units`` per m) of moving through a cell of that class at grade
        ``grade_min + i * grade_step``; ``inf`` where the move is impossible.
    grade_min, grade_step : float
        The grade axis of ``table`` (dimensionless rise/run, positive uphill).
    cellsize_m : (dx, dy)
        Cell width and height in metres (both positive).
    elevation_m : float32 array (ny, nx) or None
        Cell elevations; None makes the rule isotropic (every grade is 0).
    scale : float32 array (ny, nx) or None
        Per-cell multiplier of the per-metre cost (e.g. roughness); NaN/inf = barrier.
    enter : float32 array (ny, nx) or None
        Entry cost of the cell's band (e.g. the crossing of the river in it), in ``units``,
        paid by the river toll (see the rule above); NaN/inf = barrier.
    river : integer array (ny, nx) of codes 0..255, or None
        Which river a cell of ``enter`` belongs to (the physics gives the ``RiverClass`` code;
        0 = none): a step into a cell of another code pays its ``enter`` in full (the rule
        above). None: one code for every cell. Read only where ``enter`` is given.
    units : str
        ``"s"`` (time), ``"L"`` (fuel) or ``"mixed"`` (weighted sum; see ``attrs``).
    attrs : dict
        Provenance: vehicle id, objective, season, weights.
    """

    class_index: np.ndarray
    table: np.ndarray
    grade_min: float
    grade_step: float
    cellsize_m: tuple[float, float]
    elevation_m: np.ndarray | None = None
    scale: np.ndarray | None = None
    enter: np.ndarray | None = None
    units: str = "s"
    attrs: dict = field(default_factory=dict)
    river: np.ndarray | None = None

    @property
    def shape(self) -> tuple[int, int]:
        """Grid shape (ny, nx)."""
        return tuple(self.class_index.shape)  # type: ignore[return-value]

    @property
    def grades(self) -> np.ndarray:
        """The grade axis of ``table`` (dimensionless)."""
        return self.grade_min + self.grade_step * np.arange(self.table.shape[1])
