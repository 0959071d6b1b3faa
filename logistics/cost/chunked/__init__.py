"""Exact accumulated cost on grids larger than memory: tiles solved by the in-memory solver.

The grid is cut into tiles of ``chunks`` cells. Each tile owns its *core*; a solve of tile T runs
:func:`logistics.cost.solver.find_costs` on T's *window* (the core plus a halo of ``h`` cells:
1 for the 8-neighbour stencil, 2 for 16, so every move that ends in the core starts, and crosses
only cells, inside the window) with ``init_cost`` = the current best costs of the window: T's own
core (its state, kept between solves) and the halo (edge bands of the neighbouring cores, as they
last came out). A core cell whose cost drops takes the window solver's back-link. A solve that
lowers a cell within ``h`` of another tile queues that tile again (label-correcting over tiles).
Queued tiles are taken lowest cost first, like Dijkstra, so most tiles are solved a few times,
and a re-solve only works where the halo change reaches (see ``_tilesolve``).

Why it is exact: every stored cost is the cost of a real path, so it can only be too high. When
the queue is empty, each tile's last solve saw the final values of its whole window, so every move
``p -> q`` satisfies ``cost[q] <= cost[p] + w(p, q)``; with the sources at their start costs that
makes every cost the shortest-path cost. The same path sums the same numbers in the same order,
so the result equals the in-memory solver's to float rounding (ties may pick other back-links).

Memory: the driver keeps only the tiles' edge bands (``4 * h * edge`` floats per tile); a tile
solve holds one window. Tile state lives in memory for small serial runs, else in ``.npy`` files
of a scratch folder; at the end it is written to a Zarr store (``cost`` float64 with ``inf``
unreachable, ``backlink`` int8 with -1 at sources/unreached, chunks of whole tiles) in a
temporary folder, moved onto ``out`` only when the run succeeds, so a failed or cancelled run
leaves no partial output. Lazy inputs (dask-backed :class:`CostModel` fields, e.g. from
:func:`lazy_cost_model` on ``load_terrain(chunks=...)``, or generated per block) are first written
tile by tile to the scratch folder, so nothing is ever whole in memory and a solve reads back
only its window.

Modules: ``solve`` (:func:`find_costs_chunked`), ``result`` (the store, :func:`open_chunked`,
:func:`traceback_chunked`), ``lazy`` (:func:`lazy_cost_model`), and the private ``_tiles``
(geometry, edge bands), ``_inputs`` (window readers, staging), ``_checks`` (input checks, memory),
``_state`` (tile state, output store), ``_tilesolve`` (one tile solve), ``_driver`` (the queue
and the runners).

Tiles run on a dask.distributed ``Client`` when one is given (or is the default client); without
one they run one after another in this process. See :mod:`logistics.cost.cluster` for clusters.
"""

from logistics.cost.chunked._checks import tile_memory_bytes
from logistics.cost.chunked.lazy import lazy_cost_model
from logistics.cost.chunked.result import (
    ChunkedResult,
    ChunkedStats,
    open_chunked,
    traceback_chunked,
)
from logistics.cost.chunked.solve import find_costs_chunked

__all__ = [
    "ChunkedStats",
    "ChunkedResult",
    "find_costs_chunked",
    "traceback_chunked",
    "open_chunked",
    "tile_memory_bytes",
    "lazy_cost_model",
]
