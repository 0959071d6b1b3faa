"""The chunked solver on dask.distributed, and getting a client (local, remote, unreachable)."""

from __future__ import annotations

import numpy as np
import pytest

from logistics import settings
from logistics.cost.chunked import find_costs_chunked, traceback_chunked
from logistics.cost.cluster import get_client, worker_memory_bytes
from logistics.cost.kernel import edge_costs
from logistics.cost.model import CostModel
from logistics.cost.solver import find_costs
from logistics.cost.stencil import OFFSETS_16
from logistics.errors import ConfigError, ResourceError


@pytest.fixture(scope="module")
def client():
    """Two single-threaded in-process workers: a real scheduler, no process start-up cost."""
    with get_client(n_workers=2, processes=False, memory_limit="1GB") as c:
        yield c


def _hilly_model(shape: tuple[int, int], seed: int = 0) -> CostModel:
    rng = np.random.default_rng(seed)
    ny, nx = shape
    y, x = np.mgrid[0:ny, 0:nx]
    elev = (30 * np.sin(x / 17.0) * np.cos(y / 23.0) + rng.uniform(0, 2, shape)).astype(np.float32)
    ci = (rng.random(shape) < 0.3).astype(np.uint8)  # two classes
    ci[rng.random(shape) < 0.05] = 255  # scattered barriers
    ci[100:103, 20:290] = 255  # a long wall the paths must go round
    table = np.array([[1.3, 1.0, 1.0, 1.6, 2.5], [2.6, 2.0, 2.0, 3.2, 5.0]])
    return CostModel(ci, table, -0.2, 0.1, (25.0, 25.0), elevation_m=elev)


def test_1e5_cells_tiny_chunks_on_a_local_cluster_equal_in_memory(client, tmp_path) -> None:
    model = _hilly_model((316, 317))
    sources = [(150, 150), (10, 300)]
    for s in sources:
        model.class_index[s] = 0
    acc = find_costs(model, sources, stencil=16)
    res = find_costs_chunked(model, sources, chunks=64, stencil=16, client=client,
                             out=tmp_path / "cost.zarr")
    cost = np.asarray(res.cost)
    np.testing.assert_array_equal(np.isinf(cost), np.isinf(acc.cost))
    fin = np.isfinite(acc.cost)
    np.testing.assert_allclose(cost[fin], acc.cost[fin], rtol=1e-12)
    assert res.stats.n_tiles == 25 and res.stats.tiles_solved == 25
    # a path from the far corner crosses several tiles and sums to the accumulated cost
    target = (310, 5) if fin[310, 5] else tuple(np.argwhere(fin)[-1])
    path = traceback_chunked(res, target)
    assert len({(r // 64, c // 64) for r, c in path}) >= 3
    steps = np.diff(path, axis=0)
    k = [int(np.flatnonzero((OFFSETS_16 == s).all(axis=1))[0]) for s in steps]
    spent = edge_costs(model, path[:-1, 0], path[:-1, 1], np.array(k))
    assert spent.sum() == pytest.approx(acc.cost[target], rel=1e-9)
    assert tuple(path[0]) in sources and tuple(path[-1]) == tuple(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cost.zarr"]


def test_chunks_too_large_for_a_worker_say_what_fits(client) -> None:
    da = pytest.importorskip("dask.array")
    shape = (20_000, 20_000)
    model = CostModel(da.zeros(shape, dtype=np.uint8, chunks=5000), np.array([[1.0]]), 0.0, 1.0,
                      (100.0, 100.0), elevation_m=da.zeros(shape, dtype=np.float32, chunks=5000))
    assert worker_memory_bytes(client) == pytest.approx(1e9, rel=0.01)
    with pytest.raises(ResourceError, match="dask worker thread.*chunks up to about"):
        find_costs_chunked(model, [(0, 0)], chunks=10_000, client=client)


def test_unreachable_scheduler_names_the_address() -> None:
    with pytest.raises(ResourceError, match=r"tcp://127\.0\.0\.1:9.*fallback=True"):
        get_client("tcp://127.0.0.1:9", timeout_s=1)


def test_scheduler_address_comes_from_settings(monkeypatch) -> None:
    monkeypatch.setattr(settings, "SCHEDULER_ADDRESS", "tcp://127.0.0.1:7")
    with pytest.raises(ResourceError, match=r"127\.0\.0\.1:7"):
        get_client(timeout_s=1)


def test_fallback_starts_a_local_cluster_with_a_warning() -> None:
    with pytest.warns(RuntimeWarning, match="falling back"):
        c = get_client("tcp://127.0.0.1:9", timeout_s=1, fallback=True, n_workers=1,
                       processes=False)
    with c:
        assert len(c.scheduler_info()["workers"]) == 1


def test_local_cluster_arguments_are_checked_before_starting() -> None:
    with pytest.raises(ResourceError, match="exceed this machine"):
        get_client(n_workers=2, memory_limit="100TB")
    with pytest.raises(ConfigError, match="n_workers"):
        get_client(n_workers=0)
    with pytest.raises(ConfigError, match="memory_limit"):
        get_client(memory_limit="lots")


def test_failure_on_a_worker_leaves_no_output(broken_tile, client, tmp_path) -> None:
    pytest.importorskip("dask.array")
    model = _hilly_model((120, 120), seed=2)
    model.class_index[5, 5] = 0
    lazy = broken_tile(model, chunks=60)
    with pytest.raises(OSError, match="simulated"):
        find_costs_chunked(lazy, [(5, 5)], chunks=60, client=client, out=tmp_path / "c.zarr",
                           scratch=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_cancel_while_tiles_run_on_workers_leaves_no_output(client, tmp_path,
                                                             monkeypatch) -> None:
    import logistics.cost.chunked._driver as driver

    model = _hilly_model((200, 200), seed=3)
    model.class_index[100, 100] = 0
    real, seen = driver.Driver._absorb, []

    def interrupt_on_third(self, outcome):
        seen.append(outcome.tile)
        if len(seen) == 3:  # Ctrl-C while the other worker is still solving
            raise KeyboardInterrupt
        return real(self, outcome)

    monkeypatch.setattr(driver.Driver, "_absorb", interrupt_on_third)
    with pytest.raises(KeyboardInterrupt):
        find_costs_chunked(model, [(100, 100)], chunks=40, client=client,
                           out=tmp_path / "c.zarr", scratch=tmp_path)
    assert list(tmp_path.iterdir()) == []
    running = [k for keys in client.processing().values() for k in keys]
    assert not [k for k in running if str(k).startswith("tile-")]  # no solve left writing


def _fail_fast() -> None:
    raise OSError("simulated failure")


def _write_late(path: str) -> None:
    import time

    time.sleep(0.5)
    with open(path, "w") as f:
        f.write("late")


def test_gather_or_drain_waits_for_running_writers_before_raising(client, tmp_path) -> None:
    from logistics.cost.cluster import gather_or_drain

    late = tmp_path / "late.txt"
    futures = [client.submit(_write_late, str(late), pure=False),
               client.submit(_fail_fast, pure=False)]
    with pytest.raises(OSError, match="simulated"):
        gather_or_drain(client, futures)
    assert late.read_text() == "late"  # the running writer ended before the error surfaced


def test_local_cluster_size_comes_from_settings(monkeypatch) -> None:
    monkeypatch.setattr(settings, "SCHEDULER_ADDRESS", None)
    monkeypatch.setattr(settings, "N_WORKERS", 1)
    with get_client(processes=False) as c:
        assert list(c.nthreads().values()) == [1]  # one single-threaded worker


@pytest.mark.parametrize("bad", ["not a url", "tcp://", "tcp://host:port", "127.0.0.1"])
def test_scheduler_setting_that_is_not_an_address_names_the_setting(monkeypatch, bad) -> None:
    monkeypatch.setattr(settings, "SCHEDULER_ADDRESS", bad)
    with pytest.raises(ConfigError, match=r"LOGISTICS_SCHEDULER=.*not a dask scheduler address"):
        get_client(timeout_s=1)
    with pytest.raises(ConfigError, match=r"address=.*tcp://127\.0\.0\.1:8786"):
        get_client(bad, timeout_s=1)


def test_a_local_cluster_that_cannot_start_is_one_error_with_its_cause() -> None:
    import dask

    # a real start failure: the worker processes cannot be spawned
    with dask.config.set({"distributed.worker.multiprocessing-method": "no-such-method"}):
        with pytest.raises(ResourceError, match=r"could not start a LocalCluster.*LOGISTICS_N_WORKERS"
                                                r".*cannot find context for 'no-such-method'"):
            get_client(n_workers=1)


def _sigint_disposition() -> str:
    import signal

    return "ignored" if signal.getsignal(signal.SIGINT) == signal.SIG_IGN else "handled"


def test_local_cluster_workers_leave_ctrl_c_to_this_process() -> None:
    import signal

    before = signal.getsignal(signal.SIGINT)
    with get_client(n_workers=1) as c:  # real worker processes
        assert set(c.run(_sigint_disposition).values()) == {"ignored"}
    assert signal.getsignal(signal.SIGINT) is before


def test_ctrl_c_during_a_cluster_run_is_raised_at_a_safe_point() -> None:
    import os
    import signal

    from logistics.cost.cluster import DeferredCtrlC

    before = signal.getsignal(signal.SIGINT)
    with DeferredCtrlC() as ctrl_c:
        os.kill(os.getpid(), signal.SIGINT)  # taken by the handler: no exception here
        for _ in range(100):  # the handler runs between bytecodes of the main thread
            if ctrl_c.pressed:
                break
        with pytest.raises(KeyboardInterrupt):
            ctrl_c.check()
        ctrl_c.check()  # once
        assert signal.getsignal(signal.SIGINT) is before  # a second Ctrl-C interrupts at once


def _distributed_log_level() -> int:
    import logging

    return logging.getLogger("distributed").getEffectiveLevel()


def test_local_worker_processes_do_not_log_their_shutdown_chatter() -> None:
    """Worker processes start with distributed's logger at CRITICAL (a cancelled run's scheduler
    can close before a worker's last heartbeat, whose traceback used to land under the one
    'cancelled' line); this process's own logging is left as it was."""
    import logging
    import os

    before = os.environ.get("DASK_LOGGING__DISTRIBUTED")
    with get_client(n_workers=1, processes=True, memory_limit="1GB") as c:
        levels = set(c.run(_distributed_log_level).values())
    assert levels == {logging.CRITICAL}
    assert os.environ.get("DASK_LOGGING__DISTRIBUTED") == before


def _pause(dask_worker) -> None:
    """Run on a worker: set it paused, as its memory monitor does above the pause threshold."""
    from distributed.core import Status

    dask_worker.status = Status.paused


def test_every_worker_paused_for_memory_is_one_error_naming_worker_memory(
        monkeypatch, tmp_path) -> None:
    """A LocalCluster of two worker processes, both paused (the session turns dask's own memory
    monitor off, so nothing resumes them): the solve stops after PAUSED_WAIT_S with one
    ResourceError naming worker memory, instead of waiting for ever, and writes nothing."""
    import time

    import logistics.cost.cluster as cluster

    monkeypatch.setattr(cluster, "PAUSED_WAIT_S", 2.0)
    model = _hilly_model((60, 60))
    with get_client(n_workers=2, processes=True, memory_limit="1GB") as c:
        c.wait_for_workers(2, timeout=120)
        c.run(_pause)
        deadline = time.monotonic() + 30
        while any(w.get("status") != "paused" for w in c.scheduler_info()["workers"].values()):
            assert time.monotonic() < deadline, "the workers did not report paused"
            time.sleep(0.1)
        t0 = time.monotonic()
        with pytest.raises(ResourceError, match="paused for memory") as info:
            find_costs_chunked(model, [(5, 5)], chunks=30, client=c, out=tmp_path / "o.zarr",
                               progress=False)
        waited = time.monotonic() - t0
    msg = str(info.value)
    assert "--memory-limit" in msg and "LOGISTICS_CHUNK_CELLS" in msg
    assert "0.93 GiB" in msg  # the workers' limit: memory_limit="1GB" is 1e9 bytes
    assert waited >= 2.0
    assert not (tmp_path / "o.zarr").exists()
    assert [p.name for p in tmp_path.iterdir()] == []  # no scratch folder left either


def test_a_worker_paused_while_another_runs_is_waited_for(client, tmp_path) -> None:
    """One paused worker is not an error: the other runs every tile (same result)."""
    model = _hilly_model((60, 60))
    ref = find_costs(model, [(5, 5)]).cost
    first = sorted(client.nthreads())[0]
    client.run(_pause, workers=[first])
    try:
        got = find_costs_chunked(model, [(5, 5)], chunks=30, client=client, progress=False)
        np.testing.assert_allclose(np.asarray(got.cost), ref, rtol=1e-12)
    finally:
        from distributed.core import Status

        def _resume(dask_worker) -> None:
            dask_worker.status = Status.running

        client.run(_resume, workers=[first])


def test_unreachable_scheduler_from_the_command_line_names_its_fix(monkeypatch, tmp_path,
                                                                    capsys) -> None:
    """The command line has no ``fallback=``: its message names the variable to correct or
    unset, the Python API's keeps ``fallback=True``."""
    from logistics.cli import main

    monkeypatch.setattr(settings, "SCHEDULER_ADDRESS", "tcp://127.0.0.1:9")
    assert main(["compare", "--samples", "2", "--no-map", "--out", str(tmp_path / "c")]) == 2
    err = capsys.readouterr().err
    assert "tcp://127.0.0.1:9" in err and "unset LOGISTICS_SCHEDULER" in err
    assert "fallback" not in err
    with pytest.raises(ResourceError, match="fallback=True") as api:
        get_client(timeout_s=1)
    assert "fallback" not in api.value.command_line


def test_one_check_of_a_scheduler_address_for_the_variable_and_the_argument() -> None:
    """get_client(address=) and LOGISTICS_SCHEDULER are checked by one rule
    (settings.scheduler_address), a bare host:port read as tcp:// as dask reads it."""
    from logistics.cost.cluster import _check_address

    assert _check_address("127.0.0.1:8786", "address") == "tcp://127.0.0.1:8786"
    assert settings.scheduler_address("tls://h:1") == "tls://h:1"
    with pytest.raises(ConfigError, match=r"address='h:99999'.*or address=None"):
        _check_address("h:99999", "address")


def test_a_script_starting_a_cluster_without_a_main_guard_is_told_the_guard(tmp_path) -> None:
    """README's cluster recipe pasted into a script: with no ``if __name__ == "__main__":``
    each spawned worker imports the script again, and the error said only "Nanny failed to
    start ...; free memory or ports, use fewer workers", none of which is the cause."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = tmp_path / "my_cluster.py"
    script.write_text("from logistics.cost.cluster import get_client\n"
                      "with get_client(n_workers=1) as client:\n"
                      "    print('started')\n", encoding="utf-8")
    import logistics

    root = str(Path(logistics.__file__).resolve().parents[1])  # the package under test
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [root, *filter(None, [os.environ.get("PYTHONPATH")])])}
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=120)
    assert done.returncode != 0 and "started" not in done.stdout
    assert 'start it under `if __name__ == "__main__":`' in done.stderr, done.stderr[-2000:]
