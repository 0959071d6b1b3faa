"""Test helper shared by the chunked-solver tests: a lazy model whose DEM fails in one tile."""

from __future__ import annotations

import numpy as np

from logistics.cost.model import CostModel


def lazy_with_broken_tile(model: CostModel, chunks: int) -> CostModel:
    """``model`` with its elevation as a dask array whose tile (1, 1) raises OSError when read."""
    import dask.array as da

    def broken(block, block_info=None):
        if block_info[None]["chunk-location"] == (1, 1):
            raise OSError("simulated read error in one tile of the DEM")
        return block

    elev = da.from_array(model.elevation_m, chunks=chunks).map_blocks(broken, dtype=np.float32)
    return CostModel(model.class_index, model.table, model.grade_min, model.grade_step,
                     model.cellsize_m, elevation_m=elev)
