"""dask.distributed clients for the chunked solver: a LocalCluster, or an existing scheduler.

:func:`get_client` returns a ``distributed.Client``:

* ``address`` given, or ``settings.SCHEDULER_ADDRESS`` (env ``LOGISTICS_SCHEDULER``) set: connect
  to that scheduler. If it cannot be reached the call raises :class:`ResourceError` naming the
  address, unless ``fallback=True``, which starts a LocalCluster instead (with a warning).
* otherwise: a LocalCluster of ``n_workers`` (default ``settings.N_WORKERS``, env
  ``LOGISTICS_N_WORKERS``; None lets dask choose) single-threaded worker processes. A
  ``memory_limit`` per worker is checked against the machine's memory before anything starts.

Failures are one :class:`ResourceError` (or :class:`ConfigError`) naming the setting: an address
that is not ``[tcp://]HOST:PORT``, a scheduler that cannot be reached, a LocalCluster that cannot
start (its cause in the message, not distributed's tracebacks), and, while the chunked solver
runs (:class:`Watch`), a worker that leaves, a scheduler that dies, or every worker paused
for memory longer than ``PAUSED_WAIT_S``. LocalCluster workers start
with SIGINT ignored, so Ctrl-C reaches only the calling process; the chunked solver takes it at
a safe point (:class:`DeferredCtrlC`).

Nothing here runs at import: no cluster, no change to multiprocessing or dask settings.

Running a continental grid on a cluster
---------------------------------------
1. Start a scheduler and workers that share a filesystem (NFS, Lustre, ...), e.g. on the head
   node ``dask scheduler`` and on each node ``dask worker tcp://HEAD:8786 --nthreads 1
   --memory-limit 16GB`` (or a dask-jobqueue/dask-kubernetes cluster). One thread per worker:
   the numba solver holds one tile per thread.
2. Point the tool at it: ``export LOGISTICS_SCHEDULER=tcp://HEAD:8786`` (or pass ``address``).
3. Open the terrain lazily and cost it block by block, so nothing is ever whole in memory (in
   a script, under ``if __name__ == "__main__":``: a LocalCluster's workers import it again)::

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

import contextlib
import warnings
from collections.abc import Iterator
from typing import Any

from logistics import settings
from logistics.errors import ConfigError, ResourceError


class WorkerLostError(RuntimeError):
    """A tile solve was started twice: the worker of its first attempt died while solving.

    Raised on a worker, turned into a ResourceError naming the cluster by the driver's watch
    (a plain RuntimeError because distributed cannot ship MemoryError subclasses back: tblib
    fails to rebuild them).
    """


__all__ = ["get_client", "worker_memory_bytes", "gather_or_drain", "drain", "describe", "Watch",
           "ClusterLostError", "DeferredCtrlC", "WorkerLostError"]


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
    errors: list[str] = []
    try:
        with _workers_ignore_ctrl_c(), _captured_errors("distributed", errors):
            return Client(
                n_workers=n_workers,
                threads_per_worker=1,
                processes=processes,
                memory_limit=limit if limit is not None else "auto",
                dashboard_address=":0",  # any free port: never collide with another cluster
            )
    except (OSError, TimeoutError, RuntimeError, ValueError) as exc:
        raise ResourceError(
            f"could not start a LocalCluster of {n_workers or 'auto'} worker(s) "
            f"(LOGISTICS_N_WORKERS / n_workers, memory_limit {memory_limit or 'auto'}): "
            f"{type(exc).__name__}: {exc}{''.join('; ' + e for e in errors[-1:])}; free memory "
            "or ports, use fewer workers, or point LOGISTICS_SCHEDULER at a running scheduler; "
            "in a script of your own, start it under `if __name__ == \"__main__\":` (each "
            "worker process imports the script again: unguarded, it starts none, 'Nanny failed "
            "to start')"
        ) from None


@contextlib.contextmanager
def _captured_errors(logger: str, into: list[str]) -> Iterator[None]:
    """Collect the ERROR records of ``logger`` (one line each) instead of printing their
    tracebacks: a cluster that cannot start becomes one message, with the cause in it."""
    import logging

    class _Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            cause = record.exc_info[1] if record.exc_info else None
            into.append(f"{record.getMessage()}" + (f": {type(cause).__name__}: {cause}"
                                                     if cause else ""))

    log = logging.getLogger(logger)
    handler, old = _Collect(level=logging.ERROR), log.propagate
    saved = log.handlers[:]
    log.handlers = [handler]
    log.propagate = False
    try:
        yield
    finally:
        log.handlers = saved
        log.propagate = old


@contextlib.contextmanager
def _workers_ignore_ctrl_c() -> Iterator[None]:
    """Start worker processes with SIGINT ignored, so Ctrl-C reaches only this process, which
    stops the run and the cluster: without it every worker printed its own KeyboardInterrupt
    traceback (hundreds of lines) before the one-line message.

    On POSIX the processes multiprocessing spawns inside the block start through a two-line
    shell wrapper (:func:`_wrapper`) that ignores SIGINT before it executes Python (an ignored
    signal stays ignored across ``exec``, and Python then installs no handler of its own);
    this process keeps its own handler, so a Ctrl-C while the cluster starts stops the command
    (this process ignoring SIGINT during the start, it was lost: the command ran on to its end,
    exit 0, outputs written). Elsewhere (no ``/bin/sh``, a temporary folder mounted noexec),
    this process ignores SIGINT while the workers start (they inherit it), in the main thread
    only.

    The workers also start with dask's ``distributed`` logger at ``critical`` (the environment
    variable is read when the child imports distributed): when this process is cancelled
    (SIGTERM) its scheduler can close before a worker's last heartbeat, and the worker logged
    that heartbeat's CommClosedError traceback under the one ``cancelled`` line (corpus case
    signal-term-compare-workers). A failing task still reaches this process as an exception,
    and a worker that dies as a ResourceError from :class:`Watch`."""
    import multiprocessing.spawn as spawn
    import os
    import signal
    import threading
    from pathlib import Path

    env_key, env_old = "DASK_LOGGING__DISTRIBUTED", os.environ.get("DASK_LOGGING__DISTRIBUTED")
    os.environ[env_key] = "critical"
    try:
        wrapper = _wrapper() if os.name == "posix" and Path("/bin/sh").exists() else None
        if wrapper is not None and os.access(wrapper, os.X_OK):  # not on a noexec /tmp
            old_exe = spawn.get_executable()
            spawn.set_executable(str(wrapper))
            try:
                yield
            finally:
                spawn.set_executable(old_exe)
            return
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        old = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, old)
    finally:
        if env_old is None:
            os.environ.pop(env_key, None)
        else:
            os.environ[env_key] = env_old


_WRAPPER: Any = None


def _wrapper() -> Any:
    """The shell wrapper (made once per process, removed at exit) that starts this Python with
    SIGINT ignored; its path."""
    import atexit
    import shlex
    import shutil
    import stat
    import sys
    import tempfile
    from pathlib import Path

    global _WRAPPER
    if _WRAPPER is None or not _WRAPPER.exists():
        folder = Path(tempfile.mkdtemp(prefix="logistics-workers-"))
        atexit.register(shutil.rmtree, folder, True)
        path = folder / "python"
        path.write_text("#!/bin/sh\n# a dask worker of logistics: Ctrl-C is left to the command\n"
                        f"trap '' INT\nexec {shlex.quote(sys.executable)} \"$@\"\n",
                        encoding="utf-8")
        path.chmod(stat.S_IRWXU)
        _WRAPPER = path
    return _WRAPPER


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
    setting = "address" if address else "LOGISTICS_SCHEDULER"
    address = address or settings.SCHEDULER_ADDRESS
    workers = n_workers if n_workers is not None else settings.N_WORKERS
    if address is None:
        return _local_client(workers, memory_limit, processes)
    address = _check_address(address, setting)
    from distributed import Client

    try:
        _scheduler_answers(address, timeout_s)
        return Client(address, timeout=timeout_s)
    except (OSError, TimeoutError, ValueError) as exc:
        what = (f"cannot reach the dask scheduler at {address!r} ({setting}) within "
                f"{timeout_s:g} s ({exc}); start it (`dask scheduler`)")
        msg = f"{what}, fix {setting}, or pass fallback=True to run on a LocalCluster"
        if not fallback:
            err = ResourceError(msg)
            # the command line has no fallback=: its fix is the environment variable
            err.command_line = (f"{what}, correct LOGISTICS_SCHEDULER, or unset it (`unset "
                                "LOGISTICS_SCHEDULER`) to run on a LocalCluster of this "
                                "machine")
            raise err from None
        warnings.warn(msg + "; falling back to a LocalCluster", RuntimeWarning, stacklevel=2)
        return _local_client(workers, memory_limit, processes)


def _scheduler_answers(address: str, timeout_s: float) -> None:
    """Return when a dask scheduler at ``address`` answers an identity request within
    ``timeout_s``; else TimeoutError or OSError. distributed's Client waits for the handshake
    for ever when a port accepts and never speaks (another service, a stuck scheduler), so the
    question is asked first, on its own event loop in a thread that cannot keep the caller."""
    import asyncio
    import threading

    from distributed.core import rpc

    async def ask() -> dict:
        remote = rpc(address, timeout=timeout_s)
        try:
            return await asyncio.wait_for(remote.identity(), timeout_s)
        finally:
            await remote.close_rpc()

    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["info"] = asyncio.run(ask())
        except BaseException as exc:  # noqa: BLE001 - handed to the caller below
            outcome["error"] = exc

    thread = threading.Thread(target=run, name="logistics-scheduler-probe", daemon=True)
    thread.start()
    thread.join(timeout_s * 2 + 5)
    info = outcome.get("info")
    if isinstance(info, dict) and info.get("type") == "Scheduler":
        return
    error = outcome.get("error")
    if isinstance(error, OSError) and not isinstance(error, TimeoutError) and str(error):
        raise error  # refused, unreachable: distributed's words
    said = "" if error is None or isinstance(error, TimeoutError) else f" ({error})"
    raise TimeoutError(f"no dask scheduler answered within {timeout_s:g} s{said}")


def _check_address(address: str, setting: str) -> str:
    """``address`` as dask reads it (:func:`logistics.settings.scheduler_address`, the one
    check: a bare host:port is tcp://host:port); ConfigError naming ``setting`` unless it
    reads as a scheduler address."""
    try:
        if isinstance(address, str):
            return settings.scheduler_address(address.strip())
    except ValueError:
        pass
    raise ConfigError(
        f"{setting}={address!r} is not a dask scheduler address; expected [tcp://]HOST:PORT, "
        "e.g. tcp://127.0.0.1:8786 (what `dask scheduler` prints), or "
        + (f"unset {setting}" if setting.startswith("LOGISTICS_") else f"{setting}=None")
        + " to start a LocalCluster")


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


def gather_or_drain(client: Any, futures: list, *, timeout_s: float = 600.0,
                    watch: Watch | None = None) -> list:
    """Results of ``futures``; on a failure cancel those not started, wait for those running.

    A running dask task cannot be stopped. Tasks that write files (tiles of a scratch folder or
    an output store) must all have ended before the caller removes the folder on the error, or a
    late write would leave it behind. With a ``watch``, its ``check()`` runs every second while
    waiting (a lost worker, every worker paused, Ctrl-C).
    """
    from distributed import as_completed, wait

    try:
        if watch is None:
            for future in as_completed(futures):
                future.result()  # raises the task's error
        else:
            todo = set(futures)
            while todo:
                watch.check()
                with contextlib.suppress(TimeoutError):
                    wait(list(todo), timeout=1.0, return_when="FIRST_COMPLETED")
                for future in [f for f in todo if f.done()]:
                    future.result()  # raises the task's error
                    todo.discard(future)
        return client.gather(futures)
    except BaseException:
        drain(client, futures, timeout_s)
        raise


def drain(client: Any, futures: list, timeout_s: float = 600.0) -> None:
    """Cancel ``futures`` not running and wait for those running, until none is processing.

    The scheduler may hand a task to a worker between our look at what runs and the cancel
    reaching it, so the look is repeated after each wait (bounded by ``timeout_s``).
    """
    import time

    from distributed import wait

    deadline = time.monotonic() + timeout_s
    keys = {f.key for f in futures}
    while True:
        busy = {k for keys_ in client.processing().values() for k in keys_} & keys
        client.cancel([f for f in futures if f.key not in busy])
        if not busy or time.monotonic() >= deadline:
            return
        running = [f for f in futures if f.key in busy]
        with contextlib.suppress(TimeoutError):
            wait(running, timeout=max(0.1, deadline - time.monotonic()))
        keys -= {f.key for f in running if f.done()}
        if not keys:
            return


def describe(client: Any) -> str:
    """The cluster in words, naming the setting that chose it (for error messages)."""
    try:
        address = client.scheduler.address
    except AttributeError:
        address = "?"
    if settings.SCHEDULER_ADDRESS and address == settings.SCHEDULER_ADDRESS:
        return f"the dask scheduler at {address} (LOGISTICS_SCHEDULER)"
    if getattr(client, "cluster", None) is not None:
        return (f"the LocalCluster at {address} (LOGISTICS_N_WORKERS="
                f"{settings.N_WORKERS if settings.N_WORKERS is not None else 'unset'})")
    return f"the dask scheduler at {address} (the client passed in, or LOGISTICS_SCHEDULER)"


class DeferredCtrlC:
    """While a run drives a cluster, Ctrl-C is taken at a safe point instead of anywhere.

    The default SIGINT handler raises KeyboardInterrupt wherever the main thread is, e.g. in
    distributed's garbage-collection callback, which swallows it ("Exception ignored") and the
    run goes on. Here the first Ctrl-C only sets a flag (and restores the default handler, so
    a second one interrupts at once); :meth:`check`, which the run's waits call every second,
    raises KeyboardInterrupt. Outside the main thread it does nothing.
    """

    def __init__(self) -> None:
        self.pressed = False
        self._old: Any = None

    def _handler(self, signum: int, frame: Any) -> None:
        import signal

        self.pressed = True
        signal.signal(signal.SIGINT, self._old)

    def check(self) -> None:
        if self.pressed:
            self.pressed = False
            raise KeyboardInterrupt

    def __enter__(self) -> DeferredCtrlC:
        import signal
        import threading

        if threading.current_thread() is threading.main_thread():
            self._old = signal.signal(signal.SIGINT, self._handler)
        return self

    def __exit__(self, *exc: object) -> None:
        import signal

        if self._old is not None:
            signal.signal(signal.SIGINT, self._old)
            self._old = None


#: How long every worker may stay paused for memory before a run stops with a ResourceError
#: (seconds): a paused worker resumes by itself once its memory falls (spilling, a freed
#: result), so a short pause is waited out; a longer one means the workers are too small.
PAUSED_WAIT_S: float = 60.0


class ClusterLostError(ResourceError):
    """A worker or the scheduler was lost while a run used the cluster."""


class Watch:
    """Turns a cluster that fails under a run into one :class:`ResourceError`.

    ``check()`` raises if a worker present at the start has left, the scheduler is gone, or
    every worker has been paused for memory for ``PAUSED_WAIT_S`` (no tile can run);
    as a context manager it also maps distributed's own errors of a lost worker or scheduler
    (KilledWorker, cancelled futures, closed comms) and a job started twice to that error.
    Errors a task itself raises (a bad input file, say) pass through unchanged.
    """

    def __init__(self, client: Any, ctrl_c: DeferredCtrlC | None = None) -> None:
        self.client = client
        self.workers = set(client.nthreads())  # asks the scheduler (not a cached copy)
        self.ctrl_c = ctrl_c
        self._all_paused_since: float | None = None

    def _scheduler_lost_message(self) -> str:
        return (f"lost the connection to {describe(self.client)} mid-solve (the scheduler "
                "stopped or its machine went away); nothing was written; restart the "
                "scheduler and its workers, then run again")

    def scheduler_lost(self) -> bool:
        return getattr(self.client, "status", "running") not in ("running", "newly-created")

    def _lost_worker(self) -> str | None:
        try:
            now = set(self.client.nthreads())
        except (OSError, TimeoutError) as exc:  # includes CommClosedError: no scheduler
            raise ClusterLostError(self._scheduler_lost_message() + f" ({exc})") from None
        gone = sorted(self.workers - now)
        return gone[0] if gone else None

    def check(self) -> None:
        if self.ctrl_c is not None:
            self.ctrl_c.check()
        if self.scheduler_lost():
            raise ClusterLostError(self._scheduler_lost_message())
        gone = self._lost_worker()
        if gone:
            raise ClusterLostError(
                f"dask worker {gone} of {describe(self.client)} left mid-solve (killed, out of "
                "memory, or its machine went away); nothing was written; restart the worker "
                "(or give workers more memory) and run again"
            )
        self._check_paused()

    def _worker_status(self) -> dict[str, str]:
        """Each worker's status as the scheduler knows it ('running', 'paused', ...)."""
        try:
            workers = self.client.scheduler_info()["workers"]
        except (OSError, TimeoutError) as exc:
            raise ClusterLostError(self._scheduler_lost_message() + f" ({exc})") from None
        return {addr: str(w.get("status", "running")) for addr, w in workers.items()}

    def _check_paused(self) -> None:
        """ResourceError once every worker has been paused for memory ``PAUSED_WAIT_S``.

        A dask worker pauses (runs no task) while its process memory is above
        ``distributed.worker.memory.pause`` (80 %) of its memory limit, and resumes when it
        falls below; with every worker paused no tile can run and the solve would wait for ever.
        """
        import time

        status = self._worker_status()
        if not status or any(s != "paused" for s in status.values()):
            self._all_paused_since = None
            return
        now = time.monotonic()
        if self._all_paused_since is None:
            self._all_paused_since = now
        if now - self._all_paused_since < PAUSED_WAIT_S:
            return
        limits = {int(w.get("memory_limit") or 0)
                  for w in self.client.scheduler_info()["workers"].values()}
        limit = (", ".join(f"{x / 2**30:.2f} GiB" for x in sorted(limits) if x)
                 or "no limit set")
        raise ResourceError(
            f"every dask worker of {describe(self.client)} ({len(status)}) has been paused for "
            f"memory for {PAUSED_WAIT_S:g} s (a worker pauses above "
            "distributed.worker.memory.pause, 80 % of its memory limit by default; limit: "
            f"{limit}), so no tile can run; nothing was written; give each worker more memory "
            "(`dask worker --memory-limit`, or get_client(memory_limit=...) / fewer "
            "LOGISTICS_N_WORKERS for a LocalCluster), use smaller chunks "
            "(LOGISTICS_CHUNK_CELLS / chunks=), or free the workers' memory, then run again"
        )

    def __enter__(self) -> Watch:
        return self

    def __exit__(self, kind: Any, exc: BaseException | None, tb: Any) -> bool:
        if exc is None or isinstance(exc, ClusterLostError) or not _cluster_failure(exc):
            return False
        self.check()  # names what is gone, if the client knows it by now
        raise ClusterLostError(
            f"{describe(self.client)} failed mid-solve: {type(exc).__name__}: {exc}; a worker or "
            "the scheduler died; nothing was written; restart them and run again"
        ) from None


def _cluster_failure(exc: BaseException) -> bool:
    """True for the errors distributed raises when a worker or the scheduler is lost."""
    import asyncio
    import concurrent.futures

    from distributed import KilledWorker
    from distributed.comm import CommClosedError


    lost = (KilledWorker, CommClosedError, asyncio.CancelledError,
            concurrent.futures.CancelledError, WorkerLostError)
    try:
        from distributed.client import FutureCancelledError

        lost += (FutureCancelledError,)
    except ImportError:  # older distributed: a plain CancelledError
        pass
    return isinstance(exc, lost)
