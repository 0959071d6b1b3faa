"""Will a run's grid fit in memory? Checked before the terrain is built, so that a fine
``--resolution-m`` is refused with its numbers instead of growing to gigabytes first.

A run holds its terrain grid, the cost model of each pace vehicle and season, and one solve at a
time, all in memory (the command line keeps the terrain in memory even with ``--engine
chunked``, which tiles the solver only): its peak grows with the grid's cells.
:data:`RUN_BYTES_PER_CELL` is that growth, measured; :func:`check_run_fits` compares the grid's
cells times it with the memory available now.
"""

from __future__ import annotations

import math

from logistics.errors import ResourceError

__all__ = ["RUN_BYTES_PER_CELL", "available_bytes", "run_bytes", "check_run_fits"]

#: Peak resident bytes a run adds per cell of its grid. Measured (msgs24: the maximum resident
#: set of ``/usr/bin/time -v logistics run configs/<army>.yaml --resolution-m R``): the 36th
#: Army (3 formations) peaked at 685 MiB at 1000 m (669,606 cells), 1,098 MiB at 500 m
#: (2,671,856) and 2,074 MiB at 300 m (7,419,168), 216 B a cell between each pair (linear);
#: the 6th Guards Tank Army (7 formations) at 677 MiB at 1000 m (713,168 cells) and 1,110 MiB
#: at 500 m (2,847,600), 213 B a cell. Rounded up to 256 for an army of more pace vehicles
#: or seasons than these: an allowance to refuse a grid that cannot fit, not an exact figure.
RUN_BYTES_PER_CELL: int = 256

#: Resident bytes of a run that do not grow with its grid (Python, libraries, vector data):
#: the same runs' intercept, 547 and 533 MiB, rounded down.
RUN_BASE_BYTES: int = 500 * 2**20


def available_bytes() -> int:
    """Memory available now (psutil's estimate: free plus reclaimable caches), in bytes."""
    import psutil

    return int(psutil.virtual_memory().available)


def run_bytes(cells: int) -> int:
    """Estimated peak bytes of a run on a grid of ``cells`` cells."""
    return RUN_BASE_BYTES + RUN_BYTES_PER_CELL * int(cells)


def check_run_fits(bbox, resolution_m: float, *, coarsest_m: float = 100_000) -> None:
    """ResourceError when a run on the grid of ``bbox`` (lon/lat) at ``resolution_m`` would
    need more memory than is available now, naming the cells, the estimate, the memory and
    the finest resolution that fits (the coarsest a fix need go to); nothing otherwise."""
    from logistics.terrain.grid import metric_grid

    shape = metric_grid(bbox, resolution_m).shape
    cells = shape[0] * shape[1]
    need, have = run_bytes(cells), available_bytes()
    if need <= have:
        return
    room = (have - RUN_BASE_BYTES) / RUN_BYTES_PER_CELL
    what = (f"a run on {shape[0]} x {shape[1]} cells ({cells:,}) at {resolution_m:g} m needs "
            f"about {need / 2**30:.1f} GiB ({RUN_BYTES_PER_CELL} B a cell: the measured 216 "
            f"rounded up), but "
            f"{have / 2**30:.1f} GiB of memory is available")
    too_little = ResourceError(f"{what}, too little for any grid of this box; fix: free "
                               "memory (close other programs) and run again")
    if room < 1:
        raise too_little

    def fit(res_m: float) -> bool:
        return run_bytes(math.prod(metric_grid(bbox, res_m).shape)) <= have

    short, fits = resolution_m, max(math.ceil(resolution_m * math.sqrt(cells / room)),
                                    math.floor(resolution_m) + 1)
    while fits <= coarsest_m and not fit(fits):  # the grid's edges round up: a few % more
        short, fits = fits, math.ceil(fits * 1.01)
    while fits - short > 1 and fits <= coarsest_m:  # the finest whole metre that fits
        mid = math.floor((short + fits) / 2)
        short, fits = (short, mid) if fit(mid) else (mid, fits)
    if fits > coarsest_m:
        raise too_little
    err = ResourceError(f"{what}; fix: a resolution of at least {fits} m (resolution_m), or "
                        "free memory; the terrain grid is held in memory whatever the engine")
    err.command_line = (f"{what}; fix: --resolution-m {fits} or coarser, or free memory "
                        "(the run holds its terrain grid in memory, even with --engine chunked)")
    raise err
