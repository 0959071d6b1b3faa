"""Benchmark runner of the accumulated-cost engines (``logistics bench``, benchmarks/).

For each grid size the runner builds one synthetic grid (fractal elevation, classes with lakes),
then runs every engine of the registry on it, each in a fresh subprocess so its peak memory is
its own: the child loads the grid, warms up (numba compile/cache load) on a tiny grid, resets
the kernel's peak-RSS counter (``/proc/self/clear_refs``), runs the engine ``repeat`` times and
reports wall and CPU seconds of each run and the peak RSS (``VmHWM``) of the first one, also
net of the RSS before it (``extra_rss_mb``: what the engine itself allocated, inputs excluded).
Results are compared cell by cell with a reference engine on the same grid.

Engines are plain data (:class:`Engine`): ``prepare(grid)`` builds what the solve needs
(timed separately: scipy's graph build) and ``solve(state)`` returns the float64 cost raster.
Add one with :func:`register_engine` at import time of this module (the subprocess imports it
too). The grid's cost table is a benchmark assumption (plausible off-road speeds with a grade
penalty and a +-30 % grade limit), not vehicle physics: it only has to make an anisotropic,
obstacle-rich rule.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from logistics._atomic import atomic_path
from logistics.cost.model import BARRIER_CLASS, CostModel
from logistics.errors import ConfigError, ResourceError

__all__ = [
    "BenchGrid",
    "Engine",
    "ENGINES",
    "register_engine",
    "make_grid",
    "run_benchmark",
    "write_results",
    "parse_sizes",
    "markdown_table",
]

#: Cell size (m) of the synthetic grid and its grade axis (benchmark assumptions).
CELL_M: float = 100.0
_GRADES = np.linspace(-0.3, 0.3, 13)
#: Benchmark assumption: off-road speeds (km/h) of 4 synthetic classes (steppe, forest,
#: wetland, cropland); cost is seconds per metre times a grade factor (uphill dearer).
_SPEED_KMH = np.array([30.0, 12.0, 6.0, 20.0])


@dataclass(frozen=True, eq=False)
class BenchGrid:
    """One synthetic grid: classes (255 = lake), elevation, the rule's table, a source cell."""

    class_index: np.ndarray
    elevation_m: np.ndarray
    table: np.ndarray
    grade_min: float
    grade_step: float
    cellsize_m: tuple[float, float]
    source: tuple[int, int]

    @property
    def cells(self) -> int:
        """Number of cells."""
        return int(self.class_index.size)

    def model(self, *, isotropic: bool = False) -> CostModel:
        """The anisotropic CostModel, or the isotropic one (grade-0 column, no elevation)."""
        if isotropic:
            col = int(round(-self.grade_min / self.grade_step))
            return CostModel(self.class_index, self.table[:, col : col + 1], 0.0, 1.0,
                             self.cellsize_m, units="s")
        return CostModel(self.class_index, self.table, self.grade_min, self.grade_step,
                         self.cellsize_m, elevation_m=self.elevation_m, units="s")

    def isotropic_cell_costs(self) -> np.ndarray:
        """Per-cell cost (s/m) of the isotropic model, inf on lakes: skimage's ``costs``."""
        col = int(round(-self.grade_min / self.grade_step))
        per_class = np.append(self.table[:, col], np.inf)
        idx = np.where(self.class_index == BARRIER_CLASS, len(per_class) - 1, self.class_index)
        return per_class[idx]


def _value_noise(shape: tuple[int, int], rng: np.random.Generator, base_cells: int) -> np.ndarray:
    """Fractal value noise in [0, 1): octaves of bilinearly upsampled random lattices."""
    from scipy.ndimage import zoom

    ny, nx = shape
    z = np.zeros(shape, dtype=np.float32)
    amp, total, spacing = 1.0, 0.0, float(base_cells)
    while spacing >= 2.0:
        lat = rng.random((int(ny / spacing) + 2, int(nx / spacing) + 2)).astype(np.float32)
        up = zoom(lat, spacing, order=1, prefilter=False)[:ny, :nx]
        z += amp * up
        total += amp
        amp *= 0.5
        spacing /= 2.0
    return z / total


def _cost_table() -> np.ndarray:
    """The benchmark's cost table, seconds per metre (classes x grades)."""
    factor = 1.0 + 10.0 * np.clip(_GRADES, 0, None) + 2.0 * np.clip(-_GRADES, 0, None) ** 2
    table = (3.6 / _SPEED_KMH)[:, None] * factor[None, :]
    # float32-representable entries, so the C++ reference (float32 per-cell costs) prices the
    # same numbers as we do
    return table.astype(np.float32).astype(np.float64)


def make_grid(cells: int, *, seed: int = 0) -> BenchGrid:
    """A square synthetic grid of about ``cells`` cells (same seed, same grid)."""
    n = max(8, int(round(np.sqrt(cells))))
    rng = np.random.default_rng(seed)
    # features of fixed size in cells (a larger grid is a larger window of the same kind of
    # land), except that a small grid still gets several of them
    elev = (2000.0 * _value_noise((n, n), rng, min(512, max(4, n // 2)))).astype(np.float32)
    v = _value_noise((n, n), rng, min(64, max(4, n // 4)))
    ci = np.zeros((n, n), dtype=np.uint8)  # steppe
    ci[v > 0.55] = 1  # forest
    ci[(v > 0.45) & (v <= 0.55)] = 3  # cropland
    ci[v < 0.35] = 2  # wetland
    ci[v < 0.28] = BARRIER_CLASS  # lakes the paths must go round
    table = _cost_table()
    # source: the passable cell nearest the centre
    rows, cols = np.nonzero(ci[n // 2 - 4 : n // 2 + 4, n // 2 - 4 : n // 2 + 4] != 255)
    if rows.size == 0:
        ci[n // 2, n // 2] = 0
        src = (n // 2, n // 2)
    else:
        k = int(np.argmin((rows - 4) ** 2 + (cols - 4) ** 2))
        src = (n // 2 - 4 + int(rows[k]), n // 2 - 4 + int(cols[k]))
    return BenchGrid(ci, elev, table, float(_GRADES[0]), float(_GRADES[1] - _GRADES[0]),
                     (CELL_M, CELL_M), src)


# ----------------------------------------------------------------------------------------------
# Engines
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Engine:
    """A benchmarked engine: ``prepare(grid) -> state`` then ``solve(state) -> cost (ny, nx)``.

    ``reference`` names the engine whose costs this one must equal (same rule, same graph);
    ``prepare_label`` is the results key of the prepare time besides ``prepare_seconds``.
    """

    name: str
    prepare: Callable[[BenchGrid], object]
    solve: Callable[[object], np.ndarray]
    description: str
    reference: str | None = None
    prepare_label: str = "prepare_seconds"
    #: bytes per cell the engine needs beyond the grid (to skip sizes that cannot fit)
    bytes_per_cell: float = 16.0
    #: ``solve``'s output -> float64 cost raster, after the clock (e.g. read a Zarr store)
    to_cost: Callable[[object], np.ndarray] | None = None
    #: run after the solves (e.g. stop a cluster)
    close: Callable[[object], None] | None = None
    #: None when the engine can run here, else why not (e.g. no compiler)
    unavailable: Callable[[], str | None] | None = None
    #: the engine reads the grid as memory-mapped .npy files (its inputs stay on disk)
    mmap_inputs: bool = False
    #: multiply the engine's costs by this to compare them with the reference's units
    cost_scale: float = 1.0

    def cost_of(self, out: object) -> np.ndarray:
        """``solve``'s output as a float64 cost raster in the reference's units."""
        cost = self.to_cost(out) if self.to_cost else out
        return np.asarray(cost, dtype=np.float64) * self.cost_scale

    def run_once(self, grid: BenchGrid) -> np.ndarray:
        """Prepare, solve and close on ``grid`` in this process (untimed): the cost raster."""
        state = self.prepare(grid)
        try:
            return self.cost_of(self.solve(state))
        finally:
            if self.close:
                self.close(state)


#: The registry, in run order (references before the engines compared with them).
ENGINES: dict[str, Engine] = {}


def register_engine(engine: Engine) -> Engine:
    """Add ``engine`` to :data:`ENGINES` (replacing one of the same name)."""
    ENGINES[engine.name] = engine
    return engine


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
    :func:`make_grid`: its noise imports scipy.ndimage, which stayed in every worker (14 MB each
    of the whole tree's peak) though no tile solve uses it.
    """
    import zarr  # noqa: F401  (the store writer's import, a second on a cold worker)

    from logistics.cost.chunked import find_costs_chunked

    y, x = np.mgrid[0:32, 0:32]
    ci = ((x + y) % 4).astype(np.uint8)
    ci[10:12, 4:28] = BARRIER_CLASS
    elev = (5.0 * np.sin(x / 3.0) + 3.0 * y).astype(np.float32)
    model = CostModel(ci, _cost_table(), float(_GRADES[0]), float(_GRADES[1] - _GRADES[0]),
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
                       unavailable=_cpp_unavailable, cost_scale=CELL_M))

# -- GRASS GIS r.cost / r.walk, a peer our users run (never a dependency) ------------------------
from logistics.cost import bench_grass  # noqa: E402,F401  (registers its engines)

# -- WhiteboxTools cost_distance, a peer our users name (whitebox-workflows, never a dependency) --
from logistics.cost import bench_whitebox  # noqa: E402,F401  (registers its engine)


# ----------------------------------------------------------------------------------------------
# One engine in a subprocess
# ----------------------------------------------------------------------------------------------


def _status_kb(field_name: str) -> int | None:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_peak() -> bool:
    """Reset VmHWM to the current RSS (Linux >= 4.0); False where that is not possible."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def _save_grid(grid: BenchGrid, folder: Path) -> None:
    np.save(folder / "class_index.npy", grid.class_index)
    np.save(folder / "elevation_m.npy", grid.elevation_m)
    np.save(folder / "table.npy", grid.table)
    meta = dict(grade_min=grid.grade_min, grade_step=grid.grade_step,
                cellsize_m=list(grid.cellsize_m), source=list(grid.source))
    (folder / "grid.json").write_text(json.dumps(meta))


def _load_grid(folder: Path, *, mmap: bool = False) -> BenchGrid:
    """The saved grid; ``mmap`` leaves the per-cell arrays in their files (np.memmap)."""
    meta = json.loads((folder / "grid.json").read_text())
    mode = "r" if mmap else None
    return BenchGrid(
        np.load(folder / "class_index.npy", mmap_mode=mode),
        np.load(folder / "elevation_m.npy", mmap_mode=mode),
        np.load(folder / "table.npy"), meta["grade_min"], meta["grade_step"],
        tuple(meta["cellsize_m"]), tuple(meta["source"]),
    )


class TreePeakRSS:
    """Samples the RSS of this process and all its descendants (e.g. dask workers) every
    ``every_s`` seconds in a thread; ``peak`` is the largest sum seen, in bytes.

    Sampling can miss a peak shorter than the period; a LocalCluster's workers are
    descendants, the workers of an external scheduler are not (they are not counted).
    """

    def __init__(self, every_s: float = 0.05) -> None:
        import threading

        self.peak, self._every, self._stop = 0, every_s, threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    @staticmethod
    def sample() -> int:
        """RSS of this process plus its descendants now, in bytes."""
        import psutil

        me = psutil.Process()
        total = me.memory_info().rss
        for child in me.children(recursive=True):
            try:
                total += child.memory_info().rss
            except psutil.Error:
                pass
        return total

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.sample())
            self._stop.wait(self._every)

    def __enter__(self) -> TreePeakRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.sample())


def _worker(engine_name: str, grid_dir: str, out_npy: str, repeat: int) -> dict:
    """Run one engine ``repeat`` times on the saved grid (in this fresh process)."""
    engine = ENGINES[engine_name]
    tiny = make_grid(32 * 32, seed=1)
    engine.run_once(tiny)  # warm-up: numba compile or cache load, imports
    grid = _load_grid(Path(grid_dir), mmap=engine.mmap_inputs)
    rss_before_kb = _status_kb("VmRSS")
    exact_peak = _reset_peak()
    t0 = time.perf_counter()
    state = engine.prepare(grid)
    prepare_s = time.perf_counter() - t0
    walls, cpus, loads = [], [], []
    extra_fields: dict = {}
    cost = tree_peak = None
    try:
        for i in range(repeat):
            loads.append(os.getloadavg()[0] if hasattr(os, "getloadavg") else None)
            with TreePeakRSS() as tree:
                w0, c0 = time.perf_counter(), time.process_time()
                out = engine.solve(state)
                walls.append(time.perf_counter() - w0)
                cpus.append(time.process_time() - c0)
            if isinstance(out, dict) and "seconds" in out:  # the engine timed itself
                walls[-1] = float(out["seconds"])
                cpus[-1] = float(out.get("cpu_seconds", out["seconds"]))
            if i == 0:
                stats = getattr(out, "stats", None)  # the chunked solver's work counts
                if stats is not None:
                    import dataclasses

                    extra_fields["solver_stats"] = dataclasses.asdict(stats)
                peak_kb = _status_kb("VmHWM")
                tree_peak = tree.peak
                if isinstance(out, dict) and "peak_rss_mb" in out:  # the engine's own process
                    peak_kb = out["peak_rss_mb"] * 1024
                    tree_peak = peak_kb * 1024
                cost = engine.cost_of(out)
            del out
    finally:
        if engine.close:
            engine.close(state)
    if not exact_peak or peak_kb is None:  # fall back to the lifetime peak
        import resource

        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    np.save(out_npy, cost)
    st = extra_fields.get("solver_stats")
    if st:  # the two meanings of "tile solve" (benchmarks/README.md)
        reachable = max(1, int(np.isfinite(cost).sum()))
        extra_fields["band_solves_per_tile"] = st["tile_solves"] / max(1, st["n_tiles"])
        extra_fields["expansions_per_reachable_cell"] = st["cell_expansions"] / reachable
    return {
        "reachable_fraction": float(np.isfinite(cost).mean()),
        "prepare_seconds": prepare_s,
        "seconds_all": walls,
        "cpu_seconds_all": cpus,
        "load_1m_all": loads,
        "peak_rss_mb": peak_kb / 1024.0,
        "tree_peak_rss_mb": tree_peak / 2**20,
        "extra_rss_mb": (peak_kb - (rss_before_kb or 0)) / 1024.0,
        "rss_method": "VmHWM reset via /proc/self/clear_refs" if exact_peak else "ru_maxrss",
        **extra_fields,
    }


def _run_in_subprocess(engine: str, grid_dir: Path, out_npy: Path, repeat: int) -> dict:
    cmd = [sys.executable, "-m", "logistics.cost.bench", "--worker", engine, str(grid_dir),
           str(out_npy), str(repeat)]
    env = dict(os.environ, PYTHONHASHSEED="0")
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"bench engine {engine} failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------------------------------
# The benchmark
# ----------------------------------------------------------------------------------------------


#: Most grid sizes one ``bench`` times (the recorded runs use four).
MAX_SIZES = 12


def parse_sizes(text: str) -> list[int]:
    """``"1e5,1e6,1e7"`` -> ``[100000, 1000000, 10000000]`` (ConfigError if malformed)."""
    try:
        numbers = [float(s) for s in str(text).split(",") if s.strip()]
        sizes = [int(v) for v in numbers]
    except (ValueError, OverflowError):
        raise ConfigError(f"--sizes must be numbers separated by commas, got {text!r}") from None
    if any(v != int(v) for v in numbers):
        raise ConfigError(f"--sizes are whole numbers of cells (1e5 or 100000), got {text!r}")
    if not sizes or min(sizes) < 64:
        raise ConfigError(f"--sizes needs grid sizes of at least 64 cells, got {text!r}")
    twice = sorted({s for s in sizes if sizes.count(s) > 1})
    if twice:
        raise ConfigError(f"--sizes gives {', '.join(f'{s:g}' for s in twice)} more than once; "
                          "give each size once (--repeat times each size several times)")
    if len(sizes) > MAX_SIZES:
        raise ConfigError(f"--sizes gives {len(sizes)} sizes; at most {MAX_SIZES} are timed in one "
                          "run (every size runs each engine in its own process): e.g. "
                          "--sizes 1e5,1e6,1e7")
    return sizes


#: Assumption: building a grid and holding one engine's float64 result takes at least this many
#: bytes per cell (float64 noise fields, float32 elevation, classes, the cost raster); the
#: engines need more (scipy about 308 B/cell), so this only rejects sizes that cannot start.
_MIN_BYTES_PER_CELL = 64


def _check_fits(cells: int) -> None:
    """ResourceError before any work when a grid of ``cells`` cannot fit in available memory."""
    import psutil

    need, avail = cells * _MIN_BYTES_PER_CELL, psutil.virtual_memory().available
    if need > avail:
        raise ResourceError(
            f"--sizes asks for a grid of {cells:.3g} cells, which needs at least {need / 2**30:,.1f} "
            f"GiB (about {_MIN_BYTES_PER_CELL} B/cell) but {avail / 2**30:,.1f} GiB is available; "
            "choose smaller sizes (the recorded runs use 1e5,1e6,1e7 and 1e8)"
        )


#: Engines that need an optional package, and the pip extra that installs it.
_NEEDS: dict[str, tuple[str, str]] = {"skimage-iso8": ("skimage", "scikit-image")}


def _check_extras(names: Sequence[str]) -> None:
    """ConfigError naming the ``bench`` extra when an engine's optional package is missing."""
    from importlib.util import find_spec

    missing = sorted({pkg for n in names if n in _NEEDS
                      for mod, pkg in [_NEEDS[n]] if find_spec(mod) is None})
    if missing:
        users = [n for n in names if n in _NEEDS and _NEEDS[n][1] in missing]
        raise ConfigError(
            f"--engines {','.join(users)} needs {', '.join(missing)}, which is not installed; "
            "install the benchmark extra: pip install 'logistics[bench]' (or leave those "
            "engines out of --engines)"
        )


def _cannot_run(engine: Engine, cells: int) -> str | None:
    """Why ``engine`` is left out at this size (missing tool, not enough memory), or None."""
    import psutil

    if engine.unavailable and (why := engine.unavailable()):
        return why
    if engine.name.startswith("cpp-") and cells > _CPP_MAX_CELLS:
        return f"the C++ reference runs up to {_CPP_MAX_CELLS:.0e} cells (it writes every cost)"
    need = engine.bytes_per_cell * cells
    avail = psutil.virtual_memory().available
    if need > 0.8 * avail:
        return (f"needs about {need / 2**30:.1f} GiB ({engine.bytes_per_cell:g} B/cell), "
                f"{avail / 2**30:.1f} GiB available")
    return None


def _max_rel_diff(a: np.ndarray, b: np.ndarray) -> tuple[float, int]:
    """(max |a - b| / |b| over cells finite in both, count of cells finite in only one)."""
    fa, fb = np.isfinite(a), np.isfinite(b)
    both = fa & fb
    mismatched = int(np.count_nonzero(fa != fb))
    if not both.any():
        return 0.0, mismatched
    denom = np.maximum(np.abs(b[both]), np.finfo(np.float64).tiny)
    return float(np.max(np.abs(a[both] - b[both]) / denom)), mismatched


def run_benchmark(sizes: Sequence[int], *, repeat: int = 3, engines: Sequence[str] | None = None,
                  seed: int = 0, log: Callable[[str], None] = print) -> dict:
    """Run the engines on one grid per size; returns the results dict (see write_results)."""
    names = list(engines) if engines else list(ENGINES)
    unknown = [n for n in names if n not in ENGINES]
    if unknown:
        raise ConfigError(f"unknown engine(s) {unknown}; known: {', '.join(ENGINES)}")
    if repeat < 1:
        raise ConfigError(f"--repeat must be >= 1, got {repeat}")
    _check_extras(names)
    _check_fits(max(sizes))
    rows = []
    load_start = os.getloadavg() if hasattr(os, "getloadavg") else None
    for size in sizes:
        grid = make_grid(size, seed=seed)
        log(f"grid {grid.class_index.shape[0]} x {grid.class_index.shape[1]} "
            f"({grid.cells:,} cells)")
        with tempfile.TemporaryDirectory(prefix="logistics-bench-") as tmp:
            folder = Path(tmp)
            _save_grid(grid, folder)
            costs: dict[str, Path] = {}
            size_rows = {}
            for name in names:
                why = _cannot_run(ENGINES[name], grid.cells)
                if why:
                    log(f"  {name:14s} skipped: {why}")
                    continue
                out = folder / f"{name}.npy"
                res = _run_in_subprocess(name, folder, out, repeat)
                costs[name] = out
                seconds = float(np.median(res["seconds_all"]))
                row = {"size": int(size), "engine": name, "cells": grid.cells,
                       "seconds": seconds, "cpu_seconds": float(np.median(res["cpu_seconds_all"])),
                       "cells_per_s": grid.cells / seconds, **res,
                       "extra_bytes_per_cell": res["extra_rss_mb"] * 2**20 / grid.cells,
                       "description": ENGINES[name].description}
                ref = ENGINES[name].reference
                if ref and ref in costs:
                    diff, mism = _max_rel_diff(np.load(out), np.load(costs[ref]))
                    row.update(reference=ref, max_rel_diff_vs_reference=diff,
                               reachability_mismatches=mism)
                row[ENGINES[name].prepare_label] = res["prepare_seconds"]
                size_rows[name] = row
                log(f"  {name:14s} {seconds:8.3f} s  {row['cells_per_s'] / 1e6:6.2f} M cells/s "
                    f"(cpu {row['cpu_seconds']:.3f} s)  peak {row['peak_rss_mb']:7.0f} MB "
                    f"(+{row['extra_rss_mb']:.0f})"
                    + (f"  max rel diff vs {ref} {row['max_rel_diff_vs_reference']:.1e}"
                       if "reference" in row else ""))
            sk = size_rows.get("skimage-iso8")
            for row in size_rows.values():
                if sk:
                    row["ratio_vs_skimage"] = sk["seconds"] / row["seconds"]
                rows.append(row)
    return {
        "meta": {
            "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "python": platform.python_version(),
            "machine": platform.machine(),
            "cpu": _cpu_name(),
            "cpus": os.cpu_count(),
            "load_average_start": load_start,
            "load_average_end": os.getloadavg() if hasattr(os, "getloadavg") else None,
            "repeat": repeat,
            "seed": seed,
            "versions": _versions(),
            "notes": (
                "seconds = median wall time of the solve over `repeat` runs (inputs built "
                "before the clock; scipy's graph build is prepare_seconds); each engine runs in "
                "its own subprocess after a warm-up; peak_rss_mb = VmHWM of that process during "
                "the first run (reset before prepare), extra_rss_mb = peak minus RSS before "
                "prepare; ratio_vs_skimage = skimage seconds / engine seconds (>1 = faster); "
                "max_rel_diff_vs_reference over cells finite in both"
            ),
        },
        "results": rows,
    }


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def _versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for pkg in ("numpy", "numba", "scipy", "scikit-image", "whitebox-workflows"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = None
    return out


def markdown_table(results: dict) -> str:
    """The results as a Markdown table (one row per size and engine)."""
    head = ("| cells | engine | load 1m | s (median wall) | CPU s | M cells/s | vs skimage "
            "| peak RSS MB | tree peak MB | extra MB (B/cell) | max rel diff (ref) |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in results["results"]:
        diff = (f"{r['max_rel_diff_vs_reference']:.0e} ({r['reference']})"
                if "reference" in r else "")
        ratio = f"{r['ratio_vs_skimage']:.2f}x" if "ratio_vs_skimage" in r else ""
        lines.append(
            f"| {r['cells']:,} | {r['engine']} | {_load_text(r)} | {r['seconds']:.3f} "
            f"| {r['cpu_seconds']:.3f} | {r['cells_per_s'] / 1e6:.2f} | {ratio} "
            f"| {r['peak_rss_mb']:.0f} | {r.get('tree_peak_rss_mb', float('nan')):.0f} "
            f"| {r['extra_rss_mb']:.0f} ({r['extra_bytes_per_cell']:.1f}) | {diff} |"
        )
    return "\n".join(lines)


def _load_text(row: dict) -> str:
    """The 1-minute load averages at the start of the row's runs, as 'min-max'."""
    loads = [v for v in row.get("load_1m_all") or [] if v is not None]
    if not loads:
        return ""
    lo, hi = min(loads), max(loads)
    return f"{lo:.1f}" if round(lo, 1) == round(hi, 1) else f"{lo:.1f}-{hi:.1f}"


def write_results(results: dict, out_dir: str | os.PathLike[str], *,
                  name: str = "solver") -> tuple[Path, Path]:
    """Write ``<name>.json`` and the log-log scaling plot ``<name>_scaling.png`` atomically."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Path(out_dir)
    json_path, png_path = out / f"{name}.json", out / f"{name}_scaling.png"
    with atomic_path(json_path) as tmp:
        tmp.write_text(json.dumps(results, indent=1))
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.6), sharey=True)
    for ax, key, label in ((axes[0], "seconds", "wall seconds (median)"),
                           (axes[1], "cpu_seconds", "CPU seconds of the process (median)")):
        by_engine: dict[str, list] = {}
        for row in results["results"]:
            by_engine.setdefault(row["engine"], []).append((row["cells"], row[key]))
        for engine, pts in by_engine.items():
            pts.sort()
            ax.loglog(*zip(*pts, strict=True), marker="o", label=engine)
        ax.set_xlabel("cells")
        ax.set_title(label)
        ax.grid(True, which="both", alpha=0.3)
    axes[0].set_ylabel("seconds, one source, one core")
    axes[0].legend()
    fig.suptitle("Accumulated cost on synthetic grids: time vs size")
    fig.tight_layout()
    with atomic_path(png_path) as tmp:
        fig.savefig(tmp, format="png", dpi=110)
    plt.close(fig)
    return json_path, png_path


if __name__ == "__main__":  # the per-engine subprocess
    if len(sys.argv) == 6 and sys.argv[1] == "--worker":
        # the importable module, not this __main__ copy: engines registered from other modules
        # (bench_grass, bench_whitebox) register into its ENGINES
        from logistics.cost import bench as _bench

        print(json.dumps(_bench._worker(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))))
        sys.exit(0)
    sys.exit("usage: python -m logistics.cost.bench --worker ENGINE GRID_DIR OUT_NPY REPEAT "
             "(internal; run `logistics bench`)")
