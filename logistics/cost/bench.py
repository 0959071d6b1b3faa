"""Benchmark runner of the accumulated-cost engines (``logistics bench``, benchmarks/).

For each grid size the runner builds one synthetic grid (fractal elevation, classes with lakes),
then runs every engine of the registry on it, each in a fresh subprocess so its peak memory is
its own: the child loads the grid, warms up (numba compile/cache load) on a tiny grid, resets
the kernel's peak-RSS counter (``/proc/self/clear_refs``), runs the engine ``repeat`` times and
reports wall and CPU seconds of each run and the peak RSS (``VmHWM``) of the first one, also
net of the RSS before it (``extra_rss_mb``: what the engine itself allocated, inputs excluded).
Results are compared cell by cell with a reference engine on the same grid.

The grid is ``bench_grid``'s; an engine is plain data (``bench_registry.Engine``), registered
by the module that defines it: ``bench_engines`` (ours, scikit-image, scipy, C++),
``bench_grass`` and ``bench_whitebox``, imported here in run order. To add an engine, write it
in one of those (or a new module imported below) with ``register_engine``.
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
from pathlib import Path

import numpy as np

from logistics._atomic import atomic_path
from logistics._numbers import number_of
# the engines register themselves on import, in this order (the run order)
from logistics.cost import bench_engines, bench_grass, bench_whitebox  # noqa: F401
from logistics.cost.bench_grid import BenchGrid, load_grid, make_grid, save_grid
from logistics.cost.bench_registry import ENGINES, Engine, extra_install, register_engine
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
    grid = load_grid(Path(grid_dir), mmap=engine.mmap_inputs)
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
        numbers = [number_of(s) for s in str(text).split(",") if s.strip()]
        sizes = [int(v) for v in numbers]
    except (ValueError, OverflowError):  # "1_000_000" too (the one strict number reader)
        raise ConfigError(f"--sizes must be numbers in decimal notation separated by commas "
                          f"(1e6 or 1000000), got {text[:80]!r}") from None
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
            f"install the benchmark extra: {extra_install(' '.join(missing))} (or leave "
            "those engines out of --engines)"
        )


def _cannot_run(engine: Engine, cells: int) -> str | None:
    """Why ``engine`` is left out at this size (missing tool, not enough memory), or None."""
    import psutil

    if engine.unavailable and (why := engine.unavailable()):
        return why
    if engine.max_cells is not None and cells > engine.max_cells:
        return f"{engine.name} runs up to {engine.max_cells:.0e} cells ({engine.max_cells_why})"
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
            save_grid(grid, folder)
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
        print(json.dumps(_worker(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))))
        sys.exit(0)
    sys.exit("usage: python -m logistics.cost.bench --worker ENGINE GRID_DIR OUT_NPY REPEAT "
             "(internal; run `logistics bench`)")
