"""The cost engine: move-cost rule, explicit surfaces, accumulated cost, routes.

Modules (import them directly; this package imports nothing, so reading a CostModel does not
load numba):

* ``model``: :class:`CostModel`, the move-cost rule as plain data;
* ``stencil``: the 8 and 16 neighbour offsets;
* ``physics``: vehicle + terrain -> CostModel (time, fuel or a mix);
* ``kernel``: the one numba edge-cost function every solver and surface calls;
* ``surface``: explicit per-offset cost surface (numpy and dask);
* ``models``: the per-run cache that builds each distinct CostModel once;
* ``accumulate``: the one door to the solvers (``accumulate`` -> ``path``), in memory or chunked;
* ``solver``: in-memory accumulated cost ``find_costs`` -> ``traceback``;
* ``chunked``: the tiled solver on dask for grids larger than memory;
* ``cluster``: dask.distributed clients (a LocalCluster or an existing scheduler);
* ``route``: least-cost route through waypoints, per-segment distance, grade, time and fuel.
"""

__all__: list[str] = []
