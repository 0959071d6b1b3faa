"""dask.distributed clients for the chunked solver: a LocalCluster, or an existing scheduler.

:func:`get_client` returns a ``distributed.Client``:

* ``address`` given, or ``settings.SCHEDULER_ADDRESS`` (env ``LOGISTICS_SCHEDULER``) set: connect
  to that scheduler. If it cannot be reached the call raises :class:`ResourceError` naming the
  address, unless ``fallback=True``, which starts a LocalCluster instead (with a warning).
* otherwise: a LocalCluster of ``n_workers`` (default ``settings.N_WORKERS``, env
  ``LOGISTICS_N_WORKERS``; None lets dask choose) single-threaded worker processes. A
  ``memory_limit`` per worker is checked against the machine's memory before anything starts.

Nothing here runs at import: no cluster, no change to multiprocessing or dask settings.

Running a continental grid on a cluster
---------------------------------------
1. Start a scheduler and workers that share a filesystem (NFS, Lustre, ...), e.g. on the head
   node ``dask scheduler`` and on each node ``dask worker tcp://HEAD:8786 --nthreads 1
   --memory-limit 16GB`` (or a dask-jobqueue/dask-kubernetes cluster). One thread per worker:
   the numba solver holds one tile per thread.
2. Point the tool at it: ``export LOGISTICS_SCHEDULER=tcp://HEAD:8786`` (or pass ``address``).
3. Open the terrain lazily and cost it block by block, so nothing is ever whole in memory::

       from logistics.terrain import load_terrain
       from logistics.cost.cluster import get_client
       from logistics.cost.chunked import (find_costs_chunked, lazy_cost_model,
                                           traceback_chunked)

       terrain = load_terrain(bbox, resolution_m=150, chunks=4096)
       model = lazy_cost_model(terrain, "bt-7", objective="time", season="wet")
       with get_client() as client:
           result = find_costs_chunked(model, [(row, col)], chunks=4096, stencil=16,
                                       client=client, out="/shared/run/cost.zarr",
                                       scratch="/shared/run/")
       path = traceback_chunked(result, (row2, col2))

   Use the same ``chunks`` for the terrain and the solver: each tile is then one dask block.
   ``open_chunked("/shared/run/cost.zarr")`` re-opens the result later.

   ``out`` and ``scratch`` must be on the shared filesystem (workers write tiles there). Pick
   ``chunks`` so a tile solve fits in a worker: about 90 bytes per cell, so 4096 x 4096 tiles
   need ~1.5 GB; the solver refuses tiles that need more than half a worker's memory limit and
   says which size fits. Larger tiles mean fewer re-solves across tile edges; more tiles than
   workers keep every worker busy.
"""

from __future__ import annotations

import warnings
from typing import Any

from logistics import settings
from logistics.errors import ConfigError, ResourceError

__all__ = ["get_client", "worker_memory_bytes", "gather_or_drain"]


def _parse_bytes(value: int | str | None) -> int | None:
    """Bytes from an int or a size string ('4GB'); None/'auto' stay None."""
    if value is None or value == "auto":
        return None
    from dask.utils import parse_bytes

    try:
        return int(parse_bytes(value)) if isinstance(value, str) else int(value)
    except (ValueError, TypeError):
        raise ConfigError(
            f"memory_limit must be bytes or a size like '4GB', got {value!r}"
        ) from None


def _local_client(
    n_workers: int | None, memory_limit: int | str | None, processes: bool
) -> Any:
    """A Client on a new LocalCluster, after checking the requested memory fits."""
    import psutil
    from distributed import Client

    if n_workers is not None and (not isinstance(n_workers, int) or n_workers < 1):
        raise ConfigError(f"n_workers must be a positive integer, got {n_workers!r}")
    limit = _parse_bytes(memory_limit)
    total = psutil.virtual_memory().total
    n = n_workers or 1
    if limit is not None and limit * n > total:
        raise ResourceError(
            f"{n} workers x memory_limit {limit / 2**30:.1f} GiB exceed this machine's "
            f"{total / 2**30:.1f} GiB; use at most {total / n / 2**30:.1f} GiB per worker or "
            "fewer workers"
        )
    return Client(
        n_workers=n_workers,
        threads_per_worker=1,
        processes=processes,
        memory_limit=limit if limit is not None else "auto",
        dashboard_address=":0",  # any free port: never collide with another cluster
    )


def get_client(
    address: str | None = None,
    *,
    n_workers: int | None = None,
    memory_limit: int | str | None = None,
    processes: bool = True,
    fallback: bool = False,
    timeout_s: float = 10.0,
) -> Any:
    """A dask.distributed Client: to ``address`` (or settings.SCHEDULER_ADDRESS), else local.

    ``n_workers`` (default settings.N_WORKERS), ``memory_limit`` (per worker, bytes or '4GB')
    and ``processes`` shape a LocalCluster. An unreachable scheduler raises ResourceError naming
    the address; with ``fallback=True`` a LocalCluster is started instead. Close the client
    (``with get_client() as client: ...``) to stop a LocalCluster it started.
    """
    address = address or settings.SCHEDULER_ADDRESS
    workers = n_workers if n_workers is not None else settings.N_WORKERS
    if address is None:
        return _local_client(workers, memory_limit, processes)
    from distributed import Client

    try:
        return Client(address, timeout=timeout_s)
    except (OSError, TimeoutError) as exc:
        msg = (
            f"cannot reach the dask scheduler at {address!r} within {timeout_s:g} s ({exc}); "
            "start it (`dask scheduler`), fix LOGISTICS_SCHEDULER / the address, or pass "
            "fallback=True to run on a LocalCluster"
        )
        if not fallback:
            raise ResourceError(msg) from None
        warnings.warn(msg + "; falling back to a LocalCluster", RuntimeWarning, stacklevel=2)
        return _local_client(workers, memory_limit, processes)


def worker_memory_bytes(client: Any) -> int:
    """Memory one task may use: the smallest worker limit over its threads (machine if none).

    Each thread of a worker can run a tile solve at the same time, so they share the limit.
    """
    import psutil

    per_thread = []
    for w in client.scheduler_info()["workers"].values():
        limit = int(w.get("memory_limit") or 0) or int(psutil.virtual_memory().total)
        per_thread.append(limit // max(1, int(w.get("nthreads") or 1)))
    return min(per_thread) if per_thread else int(psutil.virtual_memory().total)


def gather_or_drain(client: Any, futures: list, *, timeout_s: float = 600.0) -> list:
    """Results of ``futures``; on a failure cancel those not started, wait for those running.

    A running dask task cannot be stopped. Tasks that write files (tiles of a scratch folder or
    an output store) must all have ended before the caller removes the folder on the error, or a
    late write would leave it behind.
    """
    from distributed import as_completed, wait

    try:
        for future in as_completed(futures):
            future.result()  # raises the task's error
        return client.gather(futures)
    except BaseException:
        busy = {k for keys in client.processing().values() for k in keys}
        running = [f for f in futures if f.key in busy]
        client.cancel([f for f in futures if f.key not in busy])
        wait(running, timeout=timeout_s)
        raise
