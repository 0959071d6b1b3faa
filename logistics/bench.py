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
    factor = 1.0 + 10.0 * np.clip(_GRADES, 0, None) + 2.0 * np.clip(-_GRADES, 0, None) ** 2
    table = (3.6 / _SPEED_KMH)[:, None] * factor[None, :]
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
                       "graph_build_seconds)", prepare_label="graph_build_seconds"))
register_engine(Engine("skimage-iso8", _skimage_prepare, _skimage_solve,
                       "scikit-image MCP_Geometric, 8 neighbours (fully_connected), isotropic"))
register_engine(Engine("ours-aniso8", *_ours(8, False),
                       "logistics find_costs, anisotropic, 8 neighbours", "scipy-aniso8"))
register_engine(Engine("ours-aniso16", *_ours(16, False),
                       "logistics find_costs, anisotropic, 16 neighbours"))
register_engine(Engine("ours-iso8", *_ours(8, True),
                       "logistics find_costs, isotropic, 8 neighbours", "skimage-iso8"))


# -- chunked exact solver (logistics/cost/chunked/), tiles solved one after another -----------
#: Tile edge (cells) of the chunked engine: the size benchmarks/README_chunked.md measures.
_CHUNK_CELLS = 1024


def _chunked_solve(state) -> np.ndarray:
    from logistics.cost.chunked import find_costs_chunked

    model, src = state
    result = find_costs_chunked(model, [src], chunks=_CHUNK_CELLS, progress=False)
    return np.asarray(result.cost)


register_engine(Engine("chunked-aniso8", _ours(8, False)[0], _chunked_solve,
                       f"logistics find_costs_chunked, tiles of {_CHUNK_CELLS} cells solved in "
                       "this process, anisotropic, 8 neighbours", "ours-aniso8"))


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


def _load_grid(folder: Path) -> BenchGrid:
    meta = json.loads((folder / "grid.json").read_text())
    return BenchGrid(
        np.load(folder / "class_index.npy"), np.load(folder / "elevation_m.npy"),
        np.load(folder / "table.npy"), meta["grade_min"], meta["grade_step"],
        tuple(meta["cellsize_m"]), tuple(meta["source"]),
    )


def _worker(engine_name: str, grid_dir: str, out_npy: str, repeat: int) -> dict:
    """Run one engine ``repeat`` times on the saved grid (in this fresh process)."""
    engine = ENGINES[engine_name]
    tiny = make_grid(32 * 32, seed=1)
    engine.solve(engine.prepare(tiny))  # warm-up: numba compile or cache load, imports
    grid = _load_grid(Path(grid_dir))
    rss_before_kb = _status_kb("VmRSS")
    exact_peak = _reset_peak()
    t0 = time.perf_counter()
    state = engine.prepare(grid)
    prepare_s = time.perf_counter() - t0
    walls, cpus = [], []
    cost = None
    for i in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        out = engine.solve(state)
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
        if i == 0:
            peak_kb = _status_kb("VmHWM")
            cost = np.asarray(out, dtype=np.float64)
        del out
    if not exact_peak or peak_kb is None:  # fall back to the lifetime peak
        import resource

        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    np.save(out_npy, cost)
    return {
        "reachable_fraction": float(np.isfinite(cost).mean()),
        "prepare_seconds": prepare_s,
        "seconds_all": walls,
        "cpu_seconds_all": cpus,
        "peak_rss_mb": peak_kb / 1024.0,
        "extra_rss_mb": (peak_kb - (rss_before_kb or 0)) / 1024.0,
        "rss_method": "VmHWM reset via /proc/self/clear_refs" if exact_peak else "ru_maxrss",
    }


def _run_in_subprocess(engine: str, grid_dir: Path, out_npy: Path, repeat: int) -> dict:
    cmd = [sys.executable, "-m", "logistics.bench", "--worker", engine, str(grid_dir),
           str(out_npy), str(repeat)]
    env = dict(os.environ, PYTHONHASHSEED="0")
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"bench engine {engine} failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------------------------------
# The benchmark
# ----------------------------------------------------------------------------------------------


def parse_sizes(text: str) -> list[int]:
    """``"1e5,1e6,1e7"`` -> ``[100000, 1000000, 10000000]`` (ConfigError if malformed)."""
    try:
        sizes = [int(float(s)) for s in str(text).split(",") if s.strip()]
    except (ValueError, OverflowError):
        raise ConfigError(f"--sizes must be numbers separated by commas, got {text!r}") from None
    if not sizes or min(sizes) < 64:
        raise ConfigError(f"--sizes needs grid sizes of at least 64 cells, got {text!r}")
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
    for pkg in ("numpy", "numba", "scipy", "scikit-image"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = None
    return out


def markdown_table(results: dict) -> str:
    """The results as a Markdown table (one row per size and engine)."""
    head = ("| cells | engine | s (median wall) | CPU s | M cells/s | vs skimage | peak RSS MB "
            "| extra MB (B/cell) | max rel diff (ref) |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in results["results"]:
        diff = (f"{r['max_rel_diff_vs_reference']:.0e} ({r['reference']})"
                if "reference" in r else "")
        ratio = f"{r['ratio_vs_skimage']:.2f}x" if "ratio_vs_skimage" in r else ""
        lines.append(
            f"| {r['cells']:,} | {r['engine']} | {r['seconds']:.3f} | {r['cpu_seconds']:.3f} "
            f"| {r['cells_per_s'] / 1e6:.2f} | {ratio} | {r['peak_rss_mb']:.0f} "
            f"| {r['extra_rss_mb']:.0f} ({r['extra_bytes_per_cell']:.1f}) | {diff} |"
        )
    return "\n".join(lines)


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
        print(json.dumps(_worker(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))))
        sys.exit(0)
    sys.exit("usage: python -m logistics.bench --worker ENGINE GRID_DIR OUT_NPY REPEAT "
             "(internal; run `logistics bench`)")
