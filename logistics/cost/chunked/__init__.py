"""Exact accumulated cost on grids larger than memory: tiles solved by the in-memory solver.

The grid is cut into tiles of ``chunks`` cells. Each tile owns its *core*; a solve of tile T runs
the in-memory Dijkstra of :mod:`logistics.cost.solver` on T's *window* (the core plus a halo of
``h`` cells: 1 for the 8-neighbour stencil, 2 for 16, so every move that ends in the core starts,
and crosses only cells, inside the window). T keeps its window's costs and back-links between
solves; the halo is refreshed from the neighbours' edge bands before each solve.

Tiles advance together under a rising global cost bound ``hi`` (bounded rework, after the
restarted narrow-band scheme for tiled fast marching). A solve of T expands one *band* of costs
``(lo, hi]``, where ``lo`` is the bound of T's previous solve: it starts from the window cells
whose cost lies in the band and the halo cells a neighbour lowered since T last saw them, and
expands every cell it brings to ``hi`` or below; cells above ``hi`` keep tentative costs for a
later band. The driver solves a tile when its cheapest unexpanded cost (core, halo, or a
lowered halo cell that can still lower a core cell) is at or below ``hi``, cheapest first and
never beside a running tile; when no tile is, ``hi`` rises by a band width past the cheapest.
So cells are expanded nearly in cost order over the whole grid: a cell is expanded again only
when a path leaves and re-enters its tile within one band.

Why it is exact: every stored cost is the cost of a real path, so it can only be too high.
The run ends when no tile has a cost left to expand: every finite cell was expanded with its
last value (in its own window, and as a halo cell in each neighbour's window), so every move
``p -> q`` satisfies ``cost[q] <= cost[p] + w(p, q)``; with the sources at their start costs that
makes every cost the shortest-path cost. The same path sums the same numbers in the same order,
so the result equals the in-memory solver's to float rounding (ties may pick other back-links).

Memory: the driver keeps only the tiles' edge bands (``4 * h * edge`` floats per tile); a tile
solve holds one window. Tile state lives in memory for small serial runs, else in ``.npy`` files
of a scratch folder that each solve maps and updates in place; at the end it is written to a Zarr store (``cost`` float64 with ``inf``
unreachable, ``backlink`` int8 with -1 at sources/unreached, chunks of whole tiles) in a
temporary folder, moved onto ``out`` only when the run succeeds, so a failed or cancelled run
leaves no partial output. Lazy inputs (dask-backed :class:`CostModel` fields, e.g. from
:func:`lazy_cost_model` on ``load_terrain(chunks=...)``, or generated per block) are first written
tile by tile to the scratch folder, so nothing is ever whole in memory and a solve reads back
only its window; fields that are ``np.memmap`` files are read window by window from the file.

On a cluster a lost worker or scheduler, a job started twice, or every worker paused for
memory longer than ``cluster.PAUSED_WAIT_S`` ends the run with one ResourceError naming the
setting; the sources are checked on a worker (the driver never loads numba); Ctrl-C is
taken between waits (see :mod:`logistics.cost.cluster`). Nothing is left in ``out`` or the scratch folder.

Modules: ``solve`` (:func:`find_costs_chunked`), ``result`` (the store, :func:`open_chunked`,
:func:`traceback_chunked`), ``lazy`` (:func:`lazy_cost_model`), and the private ``_tiles``
(geometry, edge bands), ``_inputs`` (window readers, staging), ``_checks`` (input checks, memory),
``_state`` (tile state, output store), ``_tilesolve`` (one band of one tile), ``_driver`` (the
rising bound, the queue and the runners).

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
