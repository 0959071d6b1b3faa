"""What a benchmarked engine is (:class:`Engine`), and the registry ``logistics bench`` runs.

Engines are plain data: ``prepare(grid)`` builds what the solve needs (timed separately:
scipy's graph build) and ``solve(state)`` returns the float64 cost raster. A module adds its
engines with :func:`register_engine` when it is imported; ``logistics.cost.bench`` imports
them all (``bench_engines``, ``bench_grass``, ``bench_whitebox``), in run order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from logistics.cost.bench_grid import BenchGrid

__all__ = ["Engine", "ENGINES", "register_engine", "extra_install"]


def extra_install(package: str) -> str:
    """How to install an engine's optional ``package``: the ``bench`` extra of the checkout
    (``pip install -e '.[bench]'`` run in it; this project is not on PyPI, where
    ``pip install 'logistics[bench]'`` would fetch whatever holds that name), or the package
    alone in an installed environment."""
    return f"pip install -e '.[bench]' in the checkout, or pip install {package}"


@dataclass(frozen=True)
class Engine:
    """A benchmarked engine: ``prepare(grid) -> state`` then ``solve(state) -> cost (ny, nx)``.

    ``reference`` names the engine whose costs this one must equal (same rule, same graph);
    ``prepare_label`` is the results key of the prepare time besides ``prepare_seconds``.
    """

    name: str
    prepare: Callable[[BenchGrid], object]
    solve: Callable[[object], np.ndarray]
    description: str
    reference: str | None = None
    prepare_label: str = "prepare_seconds"
    #: bytes per cell the engine needs beyond the grid (to skip sizes that cannot fit)
    bytes_per_cell: float = 16.0
    #: ``solve``'s output -> float64 cost raster, after the clock (e.g. read a Zarr store)
    to_cost: Callable[[object], np.ndarray] | None = None
    #: run after the solves (e.g. stop a cluster)
    close: Callable[[object], None] | None = None
    #: None when the engine can run here, else why not (e.g. no compiler)
    unavailable: Callable[[], str | None] | None = None
    #: largest grid (cells) the engine is run on, and why (None: no limit but memory)
    max_cells: int | None = None
    max_cells_why: str = ""
    #: the engine reads the grid as memory-mapped .npy files (its inputs stay on disk)
    mmap_inputs: bool = False
    #: multiply the engine's costs by this to compare them with the reference's units
    cost_scale: float = 1.0

    def cost_of(self, out: object) -> np.ndarray:
        """``solve``'s output as a float64 cost raster in the reference's units."""
        cost = self.to_cost(out) if self.to_cost else out
        return np.asarray(cost, dtype=np.float64) * self.cost_scale

    def run_once(self, grid: BenchGrid) -> np.ndarray:
        """Prepare, solve and close on ``grid`` in this process (untimed): the cost raster."""
        state = self.prepare(grid)
        try:
            return self.cost_of(self.solve(state))
        finally:
            if self.close:
                self.close(state)


#: The registry, in run order (references before the engines compared with them).
ENGINES: dict[str, Engine] = {}


def register_engine(engine: Engine) -> Engine:
    """Add ``engine`` to :data:`ENGINES` (replacing one of the same name)."""
    ENGINES[engine.name] = engine
    return engine
