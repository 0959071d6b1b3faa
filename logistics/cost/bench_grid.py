"""The benchmark's synthetic grid: fractal elevation, land classes with lakes, a cost table.

One grid per size and seed (:func:`make_grid`), saved to a folder of .npy files that each
engine's subprocess loads (:func:`save_grid`, :func:`load_grid`). The cost table is a
benchmark assumption (plausible off-road speeds with a grade penalty and a +-30 % grade
limit), not vehicle physics: it only has to make an anisotropic, obstacle-rich rule.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from logistics.cost.model import BARRIER_CLASS, CostModel

__all__ = ["CELL_M", "BenchGrid", "make_grid", "save_grid", "load_grid", "cost_table"]

#: Cell size (m) of the synthetic grid and its grade axis (benchmark assumptions).
CELL_M: float = 100.0
GRADES = np.linspace(-0.3, 0.3, 13)
#: Benchmark assumption: off-road speeds (km/h) of 4 synthetic classes (steppe, forest,
#: wetland, cropland); cost is seconds per metre times a grade factor (uphill dearer).
SPEED_KMH = np.array([30.0, 12.0, 6.0, 20.0])


@dataclass(frozen=True, eq=False)
class BenchGrid:
    """One synthetic grid: classes (255 = lake), elevation, the rule's table, a source cell."""

    class_index: np.ndarray
    elevation_m: np.ndarray
    table: np.ndarray
    grade_min: float
    grade_step: float
    cellsize_m: tuple[float, float]
    source: tuple[int, int]

    @property
    def cells(self) -> int:
        """Number of cells."""
        return int(self.class_index.size)

    def model(self, *, isotropic: bool = False) -> CostModel:
        """The anisotropic CostModel, or the isotropic one (grade-0 column, no elevation)."""
        if isotropic:
            col = int(round(-self.grade_min / self.grade_step))
            return CostModel(self.class_index, self.table[:, col : col + 1], 0.0, 1.0,
                             self.cellsize_m, units="s")
        return CostModel(self.class_index, self.table, self.grade_min, self.grade_step,
                         self.cellsize_m, elevation_m=self.elevation_m, units="s")

    def isotropic_cell_costs(self) -> np.ndarray:
        """Per-cell cost (s/m) of the isotropic model, inf on lakes: skimage's ``costs``."""
        col = int(round(-self.grade_min / self.grade_step))
        per_class = np.append(self.table[:, col], np.inf)
        idx = np.where(self.class_index == BARRIER_CLASS, len(per_class) - 1, self.class_index)
        return per_class[idx]


def _value_noise(shape: tuple[int, int], rng: np.random.Generator, base_cells: int) -> np.ndarray:
    """Fractal value noise in [0, 1): octaves of bilinearly upsampled random lattices."""
    from scipy.ndimage import zoom

    ny, nx = shape
    z = np.zeros(shape, dtype=np.float32)
    amp, total, spacing = 1.0, 0.0, float(base_cells)
    while spacing >= 2.0:
        lat = rng.random((int(ny / spacing) + 2, int(nx / spacing) + 2)).astype(np.float32)
        up = zoom(lat, spacing, order=1, prefilter=False)[:ny, :nx]
        z += amp * up
        total += amp
        amp *= 0.5
        spacing /= 2.0
    return z / total


def cost_table() -> np.ndarray:
    """The benchmark's cost table, seconds per metre (classes x grades)."""
    factor = 1.0 + 10.0 * np.clip(GRADES, 0, None) + 2.0 * np.clip(-GRADES, 0, None) ** 2
    table = (3.6 / SPEED_KMH)[:, None] * factor[None, :]
    # float32-representable entries, so the C++ reference (float32 per-cell costs) prices the
    # same numbers as we do
    return table.astype(np.float32).astype(np.float64)


def make_grid(cells: int, *, seed: int = 0) -> BenchGrid:
    """A square synthetic grid of about ``cells`` cells (same seed, same grid)."""
    n = max(8, int(round(np.sqrt(cells))))
    rng = np.random.default_rng(seed)
    # features of fixed size in cells (a larger grid is a larger window of the same kind of
    # land), except that a small grid still gets several of them
    elev = (2000.0 * _value_noise((n, n), rng, min(512, max(4, n // 2)))).astype(np.float32)
    v = _value_noise((n, n), rng, min(64, max(4, n // 4)))
    ci = np.zeros((n, n), dtype=np.uint8)  # steppe
    ci[v > 0.55] = 1  # forest
    ci[(v > 0.45) & (v <= 0.55)] = 3  # cropland
    ci[v < 0.35] = 2  # wetland
    ci[v < 0.28] = BARRIER_CLASS  # lakes the paths must go round
    table = cost_table()
    # source: the passable cell nearest the centre
    rows, cols = np.nonzero(ci[n // 2 - 4 : n // 2 + 4, n // 2 - 4 : n // 2 + 4] != 255)
    if rows.size == 0:
        ci[n // 2, n // 2] = 0
        src = (n // 2, n // 2)
    else:
        k = int(np.argmin((rows - 4) ** 2 + (cols - 4) ** 2))
        src = (n // 2 - 4 + int(rows[k]), n // 2 - 4 + int(cols[k]))
    return BenchGrid(ci, elev, table, float(GRADES[0]), float(GRADES[1] - GRADES[0]),
                     (CELL_M, CELL_M), src)


def save_grid(grid: BenchGrid, folder: Path) -> None:
    """Write ``grid`` into ``folder`` as .npy arrays and grid.json (what an engine's process loads)."""
    np.save(folder / "class_index.npy", grid.class_index)
    np.save(folder / "elevation_m.npy", grid.elevation_m)
    np.save(folder / "table.npy", grid.table)
    meta = dict(grade_min=grid.grade_min, grade_step=grid.grade_step,
                cellsize_m=list(grid.cellsize_m), source=list(grid.source))
    (folder / "grid.json").write_text(json.dumps(meta))


def load_grid(folder: Path, *, mmap: bool = False) -> BenchGrid:
    """The saved grid; ``mmap`` leaves the per-cell arrays in their files (np.memmap)."""
    meta = json.loads((folder / "grid.json").read_text())
    mode = "r" if mmap else None
    return BenchGrid(
        np.load(folder / "class_index.npy", mmap_mode=mode),
        np.load(folder / "elevation_m.npy", mmap_mode=mode),
        np.load(folder / "table.npy"), meta["grade_min"], meta["grade_step"],
        tuple(meta["cellsize_m"]), tuple(meta["source"]),
    )
