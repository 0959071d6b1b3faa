"""Height above the nearest river (m): a cell's elevation minus that of its nearest river cell.

A HAND-like field ("height above nearest drainage") measured to the Euclidean nearest river
cell on the grid, not along flow paths: the shipped data has no flow directions, and on the flat
plains where it is used (the Sanjiang marshes) the two agree in what is low and what is not.
Where several river cells are equally near, the lowest of them counts, so the answer does not
depend on scan order or on how a dask array is cut into blocks. scipy's ``cKDTree`` finds the
neighbours (``distance_transform_edt`` breaks ties by scan order, which blocks would change).
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["height_above_river"]

_K_TIES = 32  #: neighbours examined per cell for equally near river cells


def _hand_kernel(z: np.ndarray, river: np.ndarray, where: np.ndarray, radius_cells: float) -> np.ndarray:
    """HAND (m, float32) at the ``where`` cells; NaN elsewhere, at nodata, and where no river
    cell lies within ``radius_cells`` (cell-centre distance)."""
    from scipy.spatial import cKDTree

    z = np.asarray(z, dtype=np.float64)
    finite = np.isfinite(z)
    river = (np.nan_to_num(np.asarray(river, dtype=np.float64)) != 0) & finite
    where = (np.nan_to_num(np.asarray(where, dtype=np.float64)) != 0) & finite
    out = np.full(z.shape, np.nan, dtype=np.float32)
    if not river.any() or not where.any():
        return out
    rr, rc = np.nonzero(river)
    qr, qc = np.nonzero(where)
    tree = cKDTree(np.column_stack([rr, rc]).astype(np.float64))
    bound = radius_cells * (1 + 1e-12) + 1e-9  # <= radius
    z_river = np.append(z[rr, rc], np.inf)  # idx == n (no neighbour) -> +inf
    points = np.column_stack([qr, qc]).astype(np.float64)
    k = min(_K_TIES, rr.size)
    # the two nearest first: a cell whose second is farther has one nearest river cell, the
    # same one the k-query finds; only the cells with a tie are asked again for k (the same
    # answer as asking every cell for k: 0.66 -> 0.11 s CPU on a 600 x 600 grid, 1 % river)
    first = min(2, k)
    dist, idx = tree.query(points, k=first, distance_upper_bound=bound)
    dist = dist.reshape(qr.size, first)
    idx = idx.reshape(qr.size, first)
    near = np.isfinite(dist[:, 0])
    base = z_river[idx[:, 0]]
    if k > first:
        tied = np.flatnonzero(near & (dist[:, -1] <= dist[:, 0]))
        if tied.size:
            d, i = tree.query(points[tied], k=k, distance_upper_bound=bound)
            tie = np.isfinite(d) & (d <= d[:, :1])
            base[tied] = np.where(tie, z_river[i], np.inf).min(axis=1)
    hand = z[qr, qc] - base
    out[qr[near], qc[near]] = hand[near].astype(np.float32)
    return out


def height_above_river(elevation, river_cells, where, *, search_m: float, resolution_m: float):
    """Height (m) of each ``where`` cell above its nearest river cell within ``search_m``.

    ``elevation`` (float, NaN nodata), ``river_cells`` (non-zero = river) and ``where`` (bool)
    are numpy or dask arrays of one grid; the result (float32, NaN outside ``where``, at nodata
    and beyond ``search_m``) has the same kind. Exact on dask: each block sees
    ``ceil(search_m / resolution_m) + 1`` cells of its neighbours, so every river cell within
    reach is in view.
    """
    radius = float(search_m) / float(resolution_m)
    if type(elevation).__module__.startswith("dask"):
        import dask.array as dka

        reach = int(math.ceil(radius)) + 1
        # a halo as wide as the whole axis already shows every block all of it
        depth = {i: min(reach, max(n - 1, 0)) for i, n in enumerate(elevation.shape)}
        chunks = elevation.chunks
        return dka.map_overlap(
            _hand_kernel,
            elevation.astype(np.float64),
            dka.asarray(river_cells).astype(np.float64).rechunk(chunks),
            dka.asarray(where).astype(np.float64).rechunk(chunks),
            depth=depth, boundary=np.nan, dtype=np.float32,
            meta=np.empty((0, 0), dtype=np.float32), radius_cells=radius,
        )
    return _hand_kernel(np.asarray(elevation), np.asarray(river_cells), np.asarray(where), radius)
