"""Each distinct cost model built once per run: a cache keyed by vehicle, season, objective, grid.

A scenario run prices the same vehicle on the same grid many times: the lead class's route, every
class on that route in every season, the trucks' turnarounds, the run's cost raster. Building a
:class:`~logistics.cost.model.CostModel` reads the whole terrain, so a run makes one
:class:`CostModels` and passes it to every stage; each asks it instead of calling
:func:`logistics.cost.physics.build_cost_model`. The grid is part of the key: the terrain
Dataset's identity (the cache holds the Dataset, so the identity cannot be reused while the
cache lives) and its shape. Models are plain data and never changed after they are built, so
sharing them is safe, and so is keeping each one's checked kernel inputs (:meth:`inputs`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import xarray as xr

from logistics.cost.model import CostModel

if TYPE_CHECKING:
    from logistics.cost.kernel import KernelInputs

__all__ = ["CostModels"]


class CostModels:
    """The cost models of one run, built on first use (see the module docstring), with the
    norms of the run's configs folder ``config_dir`` (``settings.CONFIG_DIR`` when None).

    ``builds`` counts the models built (one per distinct key); ``requests`` every ask.
    """

    def __init__(self, config_dir: str | Path | None = None) -> None:
        self.config_dir = config_dir
        self._models: dict[tuple, tuple[xr.Dataset, CostModel]] = {}
        self._inputs: dict[int, tuple[CostModel, KernelInputs]] = {}
        self.builds = 0
        self.requests = 0

    def get(self, terrain: xr.Dataset, vehicle: Any, *, objective: str | float = "time",
            season: str = "dry") -> CostModel:
        """``build_cost_model(terrain, vehicle, objective=, season=, config_dir=)``, built once
        per key; a vehicle named is one of ``config_dir``'s vehicle files."""
        from logistics.cost.physics import build_cost_model
        from logistics.vehicles import load_vehicle

        v = load_vehicle(vehicle, config_dir=self.config_dir)
        grid = (id(terrain), int(terrain.sizes["y"]), int(terrain.sizes["x"]))
        key = (v.id, season, objective, grid)
        self.requests += 1
        if key not in self._models:
            self._models[key] = (terrain, build_cost_model(terrain, v, objective=objective,
                                                           season=season,
                                                           config_dir=self.config_dir))
            self.builds += 1
        return self._models[key][1]

    def inputs(self, model: CostModel) -> KernelInputs:
        """``kernel_inputs(model)`` of a model this cache built, checked once and kept; of any
        other model, checked anew. Why: pricing a path (``cost.route.evaluate_path``, each
        truck leg's fuel) checked its two models' whole grids on every call, thousands of
        times a run (a model built here is never changed, so its inputs stay valid)."""
        from logistics.cost.kernel import kernel_inputs

        hit = self._inputs.get(id(model))
        if hit is not None and hit[0] is model:
            return hit[1]
        inp = kernel_inputs(model)
        if any(built is model for _, built in self._models.values()):
            self._inputs[id(model)] = (model, inp)
        return inp

    def release(self) -> None:
        """Drop the models built (each a grid's worth of arrays) and their kernel inputs; a
        later ask builds its model again (the same one: ``builds`` counts it again)."""
        self._models.clear()
        self._inputs.clear()

    def __len__(self) -> int:
        return len(self._models)
