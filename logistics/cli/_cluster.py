"""The local dask cluster of ``compare``, ``calibrate`` and ``run DIR``: sized to the machine,
quiet on Ctrl-C.

* Size: at most one worker per core and per :data:`WORKER_GIB` of the memory available now
  (:func:`max_workers`); ``--workers`` or ``LOGISTICS_N_WORKERS`` beyond that is refused with a
  :class:`~logistics.errors.ResourceError` naming the limit, before anything starts.
* Ctrl-C: a terminal sends SIGINT to every process of its group, the workers included, and
  each would print its own traceback (hundreds of lines). The workers therefore start with
  SIGINT ignored (:func:`logistics.cost.cluster.get_client`: through a two-line shell wrapper,
  this process keeping its own handler), so only this process sees Ctrl-C: it closes the
  client, which stops the workers in order, and the command prints one line. A Ctrl-C while
  the cluster is still starting closes what was started, quietly. The workers log errors only
  (``DASK_LOGGING__DISTRIBUTED=error`` in their environment): their warnings while being
  stopped are not the user's concern. From the stop on, this process's dask and event-loop
  logging is silent (:func:`silence_distributed`, called by the command's signal handler).
"""

from __future__ import annotations

import contextlib
import os
import warnings
from collections.abc import Iterator
from typing import Any

from logistics.errors import ConfigError, ResourceError

__all__ = ["WORKER_GIB", "max_workers", "check_workers", "cluster_for", "silence_distributed"]

#: Memory one run worker needs, GiB. Assumption: a scenario run at the default 1 km grid peaks
#: below 1 GiB in one process (terrain of the scenario's box, cost surfaces of its classes,
#: plots); 1.5 leaves room for the worker process itself. Used only to cap the worker count.
WORKER_GIB = 1.5


def max_workers() -> tuple[int, str]:
    """Most local workers this machine can hold now, and the words saying why."""
    import psutil

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cores = max(1, cores or 1)
    avail = psutil.virtual_memory().available / 2**30
    cap = max(1, min(cores, int(avail // WORKER_GIB)))
    return cap, (f"this machine has {cores} core(s) and {avail:.1f} GiB of memory available, "
                 f"room for {cap} worker(s) (one per core, about {WORKER_GIB:g} GiB each)")


def check_workers(workers: int | None, needed: bool) -> int | None:
    """The local workers :func:`cluster_for` will start (None: none, or the scheduler's), or
    one error naming the option and the fix: a count below 0 or beyond :func:`max_workers`.
    Cheap: a command calls it before its work (``--workers 500`` was refused only once the
    runs of a comparison had begun)."""
    from logistics import settings

    if workers is not None and workers < 0:
        raise ConfigError(f"--workers must be >= 0 (0 = in this process), got {workers}")
    if workers == 0 or (not needed and workers is None) or settings.SCHEDULER_ADDRESS is not None:
        return None
    asked, source = ((workers, f"--workers {workers}") if workers is not None else
                     (settings.N_WORKERS, f"LOGISTICS_N_WORKERS={settings.N_WORKERS}"))
    cap, why = max_workers()
    if asked is not None and asked > cap:
        raise ResourceError(f"{source}: {why}; use --workers {cap} or fewer")
    return asked if asked is not None else cap


def cluster_for(workers: int | None, needed: bool):
    """A dask client context when ``needed`` or ``workers`` > 0 given; none for ``workers=0``.

    With ``LOGISTICS_SCHEDULER`` set the client connects there (its size is the cluster's);
    otherwise a LocalCluster of ``workers`` (default ``LOGISTICS_N_WORKERS``, else as many as
    :func:`max_workers` allows) whose workers leave Ctrl-C to this process.
    """
    from logistics import settings

    n = check_workers(workers, needed)
    if workers == 0 or (not needed and workers is None):
        return contextlib.nullcontext(None)
    from logistics.cost.cluster import get_client

    if settings.SCHEDULER_ADDRESS is not None:
        return get_client(n_workers=workers)
    import dask
    import distributed  # noqa: F401 - its config defaults must exist before one is set below

    # the workers log errors only: their warnings when the command stops them are not news
    quiet = {"distributed.nanny.pre-spawn-environ.DASK_LOGGING__DISTRIBUTED": "error"}
    with dask.config.set(quiet), warnings.catch_warnings():
        # a loaded machine is slow to make the workers' scratch folders: not the user's concern
        warnings.filterwarnings("ignore", message="Creating scratch directories")
        try:
            client = get_client(n_workers=n)
        except KeyboardInterrupt:
            _close_half_started()
            raise
    return _quiet_on_interrupt(client)


@contextlib.contextmanager
def _quiet_on_interrupt(client) -> Iterator[Any]:
    """``with client:``; when Ctrl-C stops the work, or stops the client while it closes at
    the end of the work, dask's shutdown messages are not shown (the stop is the user's, and
    the command says it in one line)."""
    client.__enter__()
    try:
        yield client
    except KeyboardInterrupt:
        _stop_quietly(client)
        raise
    except BaseException:
        _exit(client)
        raise
    _exit(client)


def _exit(client) -> None:
    """``client.__exit__``; a Ctrl-C or SIGTERM arriving while it closes stops it quietly
    (a half-closed client is otherwise closed again at exit by ``Client.__del__``, which
    waits 60 s and prints "Exception ignored ... TimeoutError")."""
    try:
        with _nanny_errors_only():
            client.__exit__(None, None, None)
    except KeyboardInterrupt:
        _stop_quietly(client)
        raise


@contextlib.contextmanager
def _nanny_errors_only() -> Iterator[None]:
    """While the cluster closes at the end of the work, this process's nannies log errors
    only: a worker that a loaded machine lets take longer than the nanny's few seconds to end
    is killed with a WARNING line ("Worker process still alive after 4.0 seconds, killing")
    under a command whose work is done and written (`logistics run configs/` on a busy
    machine)."""
    import logging

    log = logging.getLogger("distributed.nanny")
    old, quiet = log.level, max(logging.ERROR, log.level)
    log.setLevel(quiet)
    try:
        yield
    finally:
        if log.level == quiet:  # not silenced meanwhile by a stop (silence_distributed)
            log.setLevel(old)


def _stop_quietly(client) -> None:
    """The process is ending on the user's stop: dask's shutdown stays silent to the end, a
    close that a loaded machine does not finish in time is not retried at exit, and a second
    Ctrl-C while closing changes nothing."""
    silence_distributed()
    with contextlib.suppress(BaseException):
        client.close(timeout=10)
    client.status = "closed"
    with contextlib.suppress(BaseException):
        client.__exit__(None, None, None)
    _close_half_started()


def silence_distributed() -> None:
    """Show nothing more of dask's logging in this process (it is ending on the user's stop).
    Every ``distributed`` logger is set, not only the parent: dask configures some children
    (``distributed.client``) with their own level and handler, and the client's close after a
    SIGTERM logs a CancelledError traceback through it. The event loops under the client are
    silenced too: a dask wait cut by the stop leaves tasks that asyncio logs as "Task exception
    was never retrieved ... AllExit" when they are collected, and distributed's ``sync`` logs
    its own cancel's NameError through ``tornado.application`` when the stop comes before its
    coroutine started (dask 2026.8)."""
    import logging

    names = ["distributed", "asyncio", "tornado"] + [
        n for n in list(logging.root.manager.loggerDict)
        if n.startswith(("distributed.", "tornado."))]
    for name in names:
        log = logging.getLogger(name)
        _SILENCED.setdefault(name, log.level)
        log.setLevel(logging.CRITICAL + 1)


#: Logger name -> its level before :func:`silence_distributed` (what
#: :func:`restore_distributed` puts back).
_SILENCED: dict[str, int] = {}


def restore_distributed() -> None:
    """Undo :func:`silence_distributed`: for a process that goes on after a command it ran
    in-process was stopped (``logistics.cli.main(argv)`` from Python or a test), whose later
    dask errors must still be shown (a cluster that cannot start, said with its cause)."""
    import logging

    while _SILENCED:
        name, level = _SILENCED.popitem()
        logging.getLogger(name).setLevel(level)


def _close_half_started() -> None:
    """Close clusters a Ctrl-C interrupted while they started or stopped (else dask's exit hook
    reports their half-made state as a traceback)."""
    try:
        from distributed.deploy.spec import SpecCluster
    except ImportError:
        return
    silence_distributed()  # the stop is the user's
    for cluster in list(SpecCluster._instances):
        cluster_any: Any = cluster
        with contextlib.suppress(Exception, KeyboardInterrupt):
            cluster_any.close(timeout=5)
        SpecCluster._instances.discard(cluster)
