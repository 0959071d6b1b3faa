"""The benchmark's own engines: ours (in memory and chunked), scikit-image, scipy and C++.

Each is registered at import (:func:`logistics.cost.bench_registry.register_engine`), in run
order: a reference before the engines compared with it. The peers that need an outside tool
have their own modules (``bench_grass``, ``bench_whitebox``). The C++ reference
(../shared/bench/dijkstra_grid.cpp) is compiled once into the cache folder and is never a
package dependency.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from logistics._atomic import atomic_path
from logistics.cost.bench_grid import CELL_M, GRADES, BenchGrid, cost_table
from logistics.cost.bench_registry import Engine, register_engine
from logistics.cost.model import BARRIER_CLASS, CostModel

__all__ = ["CPP_SOURCE"]


def _ours(stencil: int, isotropic: bool) -> tuple[Callable, Callable]:
    def prepare(grid: BenchGrid):
        return grid.model(isotropic=isotropic), grid.source

    def solve(state) -> np.ndarray:
        from logistics.cost.solver import find_costs

        model, src = state
        return find_costs(model, [src], stencil=stencil).cost

    return prepare, solve


def _skimage_prepare(grid: BenchGrid):
    return grid.isotropic_cell_costs(), grid.source, grid.cellsize_m


def _skimage_solve(state) -> np.ndarray:
    from skimage.graph import MCP_Geometric

    costs, src, (dx, dy) = state
    mcp = MCP_Geometric(costs, fully_connected=True, sampling=(dy, dx))
    cum, _ = mcp.find_costs([src])
    return cum


def _scipy_prepare(grid: BenchGrid):
    """The directed 8-neighbour graph of the anisotropic rule as CSR (weights by the kernel)."""
    import scipy.sparse

    from logistics.cost.kernel import kernel_inputs, offset_costs, offset_lengths_m
    from logistics.cost.stencil import OFFSETS_8

    inp = kernel_inputs(grid.model())
    ny, nx = grid.class_index.shape
    n = ny * nx
    lengths = offset_lengths_m(inp.dx_m, inp.dy_m, OFFSETS_8)
    weights = np.empty((n, len(OFFSETS_8)), dtype=np.float64)
    scratch = np.empty((ny, nx), dtype=np.float64)
    for k, (di, dj) in enumerate(OFFSETS_8):
        offset_costs(*inp.args(), int(di), int(dj), float(lengths[k]), scratch)
        weights[:, k] = scratch.ravel()
    keep = np.isfinite(weights)
    targets = np.arange(n, dtype=np.int32)[:, None] + (OFFSETS_8[:, 0] * nx + OFFSETS_8[:, 1])
    indptr = np.concatenate([[0], np.cumsum(keep.sum(axis=1))]).astype(np.int64)
    graph = scipy.sparse.csr_matrix(
        (weights[keep], targets[keep].astype(np.int32), indptr), shape=(n, n)
    )
    return graph, grid.source[0] * nx + grid.source[1], (ny, nx)


def _scipy_solve(state) -> np.ndarray:
    from scipy.sparse.csgraph import dijkstra

    graph, src, shape = state
    return dijkstra(graph, directed=True, indices=src).reshape(shape)


register_engine(Engine("scipy-aniso8", _scipy_prepare, _scipy_solve,
                       "scipy.sparse.csgraph.dijkstra on the explicit directed graph of the "
                       "anisotropic 8-neighbour rule (edges priced by our kernel; the build is "
                       "graph_build_seconds)", prepare_label="graph_build_seconds",
                       bytes_per_cell=320.0))
register_engine(Engine("skimage-iso8", _skimage_prepare, _skimage_solve,
                       "scikit-image MCP_Geometric, 8 neighbours (fully_connected), isotropic",
                       bytes_per_cell=80.0))
register_engine(Engine("ours-aniso8", *_ours(8, False),
                       "logistics find_costs, anisotropic, 8 neighbours", "scipy-aniso8"))
register_engine(Engine("ours-aniso16", *_ours(16, False),
                       "logistics find_costs, anisotropic, 16 neighbours"))
register_engine(Engine("ours-iso8", *_ours(8, True),
                       "logistics find_costs, isotropic, 8 neighbours", "skimage-iso8"))


# -- chunked exact solver (logistics/cost/chunked/) ---------------------------------------------
#: Tile edge (cells) of the chunked engine solved in one process.
_CHUNK_CELLS = 2048
#: Tile edge (cells) of the chunked engine on dask workers (benchmarks/README_chunked.md).
_WORKER_CHUNK_CELLS = 2048


def _chunked_solve(state):
    from logistics.cost.chunked import find_costs_chunked

    model, src = state
    return find_costs_chunked(model, [src], chunks=_CHUNK_CELLS, progress=False)


def _chunked_cost(result) -> np.ndarray:
    return np.asarray(result.cost)


def _warm_worker() -> None:
    """Load the solver's compiled code in a dask worker (numba cache), untimed.

    On a hand-made 32 x 32 grid with the bench grid's dtypes (the same compiled variants), not
    :func:`~logistics.cost.bench_grid.make_grid`: its noise imports scipy.ndimage, which stayed in every worker (14 MB each
    of the whole tree's peak) though no tile solve uses it.
    """
    import zarr  # noqa: F401  (the store writer's import, a second on a cold worker)

    from logistics.cost.chunked import find_costs_chunked

    y, x = np.mgrid[0:32, 0:32]
    ci = ((x + y) % 4).astype(np.uint8)
    ci[10:12, 4:28] = BARRIER_CLASS
    elev = (5.0 * np.sin(x / 3.0) + 3.0 * y).astype(np.float32)
    model = CostModel(ci, cost_table(), float(GRADES[0]), float(GRADES[1] - GRADES[0]),
                      (CELL_M, CELL_M), elevation_m=elev, units="s")
    find_costs_chunked(model, [(2, 2)], chunks=16, progress=False)


def _workers_prepare(grid: BenchGrid):
    """The grid's model and a client: LOGISTICS_SCHEDULER's cluster, else a LocalCluster of
    LOGISTICS_N_WORKERS (default 2) single-threaded workers; the workers are warmed up."""
    from logistics import settings
    from logistics.cost.cluster import get_client

    workers = settings.N_WORKERS or 2
    client = get_client(n_workers=workers)
    client.wait_for_workers(1 if settings.SCHEDULER_ADDRESS else workers, timeout=120)
    client.run(_warm_worker)
    return grid.model(), grid.source, client


def _workers_solve(state):
    from logistics.cost.chunked import find_costs_chunked

    model, src, client = state
    return find_costs_chunked(model, [src], chunks=_WORKER_CHUNK_CELLS, client=client,
                              progress=False)


def _workers_close(state) -> None:
    state[2].close()


register_engine(Engine("chunked-aniso8", _ours(8, False)[0], _chunked_solve,
                       f"logistics find_costs_chunked, tiles of {_CHUNK_CELLS} cells solved in "
                       "this process, anisotropic, 8 neighbours", "ours-aniso8",
                       bytes_per_cell=16.0, to_cost=_chunked_cost, mmap_inputs=True))
register_engine(Engine("chunked-workers-aniso8", _workers_prepare, _workers_solve,
                       f"logistics find_costs_chunked, tiles of {_WORKER_CHUNK_CELLS} cells on "
                       "the configured dask workers (LOGISTICS_SCHEDULER, else a LocalCluster of "
                       "LOGISTICS_N_WORKERS, default 2), anisotropic, 8 neighbours",
                       "ours-aniso8", bytes_per_cell=10.0, to_cost=_chunked_cost,
                       close=_workers_close, mmap_inputs=True))


# -- the compiled reference (../shared/bench/dijkstra_grid.cpp), never a package dependency ------
#: Where the C++ reference lives, relative to the project root.
CPP_SOURCE: Path = Path(__file__).resolve().parents[2].parent / "shared" / "bench" / "dijkstra_grid.cpp"
#: Largest grid the C++ engine is run on: it writes every cell's cost as a probe (8 B/cell twice).
_CPP_MAX_CELLS = 30_000_000


def _cpp_unavailable() -> str | None:
    import shutil

    if shutil.which("g++") is None:
        return "g++ is not installed"
    if not CPP_SOURCE.is_file():
        return f"{CPP_SOURCE} is missing (the shared benchmark folder beside the project)"
    return None


def _cpp_binary() -> Path:
    """The C++ 4-ary heap Dijkstra, compiled once per source version into the cache folder."""
    import hashlib

    from logistics import settings

    flags = ["-O3", "-march=native", "-std=c++17", "-DHEAP4"]
    digest = hashlib.sha256(CPP_SOURCE.read_bytes() + " ".join(flags).encode()).hexdigest()[:12]
    exe = Path(settings.CACHE_DIR) / "bench" / f"dijkstra_grid_4ary-{digest}"
    if not exe.exists():
        exe.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(exe) as tmp:
            subprocess.run(["g++", *flags, "-o", str(tmp), str(CPP_SOURCE)], check=True,
                           capture_output=True)
        exe.chmod(0o755)
    return exe


def _cpp_prepare(grid: BenchGrid):
    folder = Path(tempfile.mkdtemp(prefix="logistics-cpp-"))
    grid.isotropic_cell_costs().astype(np.float32).tofile(folder / "cost.f32")
    np.arange(grid.cells, dtype=np.int64).tofile(folder / "probes.i64")  # every cell
    return _cpp_binary(), folder, grid


def _cpp_solve(state) -> dict:
    """One run of the binary: it times its own Dijkstra (``accumulate_s``), without I/O."""
    exe, folder, grid = state
    ny, nx = grid.class_index.shape
    cmd = [str(exe), str(folder / "cost.f32"), str(ny), str(nx), *map(str, grid.source),
           *map(str, grid.source), "1", str(folder / "probes.i64"), str(folder / "out")]
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"seconds": float(np.median(report["accumulate_s"])), "folder": folder,
            "cpu_seconds": cpu,  # of the whole binary: its set-up and file I/O too
            "shape": (ny, nx), "peak_rss_mb": float(report["peak_rss_mb"])}


def _cpp_cost(out: dict) -> np.ndarray:
    cost = np.fromfile(out["folder"] / "out.probes.f64", dtype=np.float64).reshape(out["shape"])
    return np.where(np.isnan(cost), np.inf, cost)


def _cpp_close(state) -> None:
    import shutil

    shutil.rmtree(state[1], ignore_errors=True)


register_engine(Engine("cpp-4ary-iso8", _cpp_prepare, _cpp_solve,
                       "compiled C++ Dijkstra with a 4-ary heap (../shared/bench/"
                       "dijkstra_grid.cpp, g++ -O3 -march=native), isotropic 8 neighbours on "
                       "the same per-cell costs; seconds are its own Dijkstra time",
                       "ours-iso8", bytes_per_cell=40.0, to_cost=_cpp_cost, close=_cpp_close,
                       unavailable=_cpp_unavailable, cost_scale=CELL_M,
                       max_cells=_CPP_MAX_CELLS, max_cells_why="it writes every cost"))
