"""The chunked solver on a real cluster: `dask scheduler` and two `dask worker` processes.

Not a LocalCluster: the scheduler and the workers are separate programs started here on
localhost, the way a user starts them on a cluster, and the solver finds them through
``LOGISTICS_SCHEDULER``. Also what happens when one of them dies mid-solve.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

import logistics.cost.chunked._driver as driver
from logistics import settings
from logistics.cost.chunked import find_costs_chunked
from logistics.cost.cluster import get_client
from logistics.cost.model import CostModel
from logistics.cost.solver import find_costs
from logistics.errors import ResourceError

pytest.importorskip("distributed")


@dataclass
class Cluster:
    address: str
    scheduler: subprocess.Popen
    workers: list[subprocess.Popen]


def _start(args: list[str], log: Path) -> subprocess.Popen:
    with open(log, "w") as fh:
        return subprocess.Popen([sys.executable, "-m", "dask", *args], stdout=fh,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)  # no Ctrl-C of the test run reaches it


def _stop(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        if p.poll() is None:
            p.terminate()
    for p in procs:
        try:
            p.wait(timeout=3)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


@pytest.fixture
def cluster(tmp_path_factory, monkeypatch):
    """A scheduler and two single-threaded workers on 127.0.0.1; LOGISTICS_SCHEDULER set."""
    folder = tmp_path_factory.mktemp("cluster")
    info = folder / "scheduler.json"
    scheduler = _start(["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                        "--scheduler-file", str(info)], folder / "scheduler.log")
    procs = [scheduler]
    try:
        deadline = time.monotonic() + 60
        while not info.exists() or not info.read_text().strip():
            if scheduler.poll() is not None or time.monotonic() > deadline:
                pytest.fail("dask scheduler did not start:\n"
                            + (folder / "scheduler.log").read_text()[-2000:])
            time.sleep(0.1)
        address = json.loads(info.read_text())["address"]
        workers = [
            _start(["worker", address, "--nthreads", "1", "--no-nanny", "--memory-limit", "1GB",
                    "--no-dashboard", "--name", f"w{i}", "--local-directory", str(folder)],
                   folder / f"worker{i}.log")
            for i in range(2)
        ]
        procs += workers
        monkeypatch.setenv("LOGISTICS_SCHEDULER", address)
        monkeypatch.setattr(settings, "SCHEDULER_ADDRESS", address)
        yield Cluster(address, scheduler, workers)
    finally:
        _stop(procs[::-1])


def _hilly_model(shape: tuple[int, int], seed: int = 0) -> CostModel:
    rng = np.random.default_rng(seed)
    ny, nx = shape
    y, x = np.mgrid[0:ny, 0:nx]
    elev = (30 * np.sin(x / 17.0) * np.cos(y / 23.0) + rng.uniform(0, 2, shape)).astype(np.float32)
    ci = (rng.random(shape) < 0.3).astype(np.uint8)
    ci[rng.random(shape) < 0.05] = 255
    ci[ny // 2 : ny // 2 + 3, 10 : nx - 10] = 255  # a long wall the paths must go round
    table = np.array([[1.3, 1.0, 1.0, 1.6, 2.5], [2.6, 2.0, 2.0, 3.2, 5.0]])
    return CostModel(ci, table, -0.2, 0.1, (25.0, 25.0), elevation_m=elev)


def _connect(cluster: Cluster):
    client = get_client()  # from LOGISTICS_SCHEDULER, no address given
    client.wait_for_workers(2, timeout=60)
    pids = set(client.run(os.getpid).values())
    assert pids == {w.pid for w in cluster.workers}  # the two programs started above
    return client


def test_chunked_solve_on_scheduler_and_two_workers_equals_in_memory(cluster, tmp_path):
    model = _hilly_model((150, 160))
    sources = [(20, 30), (140, 150)]
    for s in sources:
        model.class_index[s] = 0
    acc = find_costs(model, sources, stencil=16)
    with _connect(cluster) as client:
        res = find_costs_chunked(model, sources, chunks=40, stencil=16, client=client,
                                 out=tmp_path / "cost.zarr", scratch=tmp_path)
    cost = np.asarray(res.cost)
    np.testing.assert_array_equal(np.isinf(cost), np.isinf(acc.cost))
    fin = np.isfinite(acc.cost)
    np.testing.assert_allclose(cost[fin], acc.cost[fin], rtol=1e-12, atol=0)
    assert res.stats.tiles_solved == res.stats.n_tiles == 16
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cost.zarr"]


def _kill_on_third_outcome(monkeypatch, kill) -> None:
    real, seen = driver.Driver._absorb, []

    def absorb(self, outcome):
        seen.append(outcome.tile)
        if len(seen) == 3:
            kill()
        return real(self, outcome)

    monkeypatch.setattr(driver.Driver, "_absorb", absorb)


def test_a_worker_killed_mid_solve_is_one_error_and_no_output(cluster, tmp_path, monkeypatch):
    model = _hilly_model((200, 200), seed=1)
    model.class_index[100, 100] = 0
    with _connect(cluster) as client:
        def kill_a_busy_worker():
            busy = [addr for addr, keys in client.processing().items() if keys]
            pid_of = client.run(os.getpid)
            pid = pid_of[busy[0]] if busy else cluster.workers[0].pid
            assert pid in {w.pid for w in cluster.workers}
            os.kill(pid, signal.SIGKILL)

        _kill_on_third_outcome(monkeypatch, kill_a_busy_worker)
        with pytest.raises(ResourceError, match=r"worker.*LOGISTICS_SCHEDULER"):
            find_costs_chunked(model, [(100, 100)], chunks=20, client=client,
                               out=tmp_path / "cost.zarr", scratch=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_the_scheduler_dying_mid_solve_is_one_error_and_no_output(cluster, tmp_path,
                                                                   monkeypatch):
    model = _hilly_model((200, 200), seed=2)
    model.class_index[100, 100] = 0
    with _connect(cluster) as client:
        _kill_on_third_outcome(monkeypatch, lambda: os.kill(cluster.scheduler.pid, signal.SIGKILL))
        with pytest.raises(ResourceError, match=r"scheduler.*LOGISTICS_SCHEDULER"):
            find_costs_chunked(model, [(100, 100)], chunks=20, client=client,
                               out=tmp_path / "cost.zarr", scratch=tmp_path)
    assert list(tmp_path.iterdir()) == []
