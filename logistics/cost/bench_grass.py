"""GRASS GIS as a benchmark peer: ``r.cost`` and ``r.walk`` on the benchmark's grid.

GRASS is what many of our users run (``r.cost``, ``r.walk``), so ``logistics bench`` times it
beside our engines, on the same synthetic grid, in the same run: ratios, not absolute times.
It is never a dependency: the engines are skipped, with the reason, when the ``grass``
command is not on the PATH (Debian: ``apt-get install grass-core``).

What is timed: the one GRASS module (``r.cost`` or ``r.walk``) inside a GRASS session, measured
by the session's shell round that command alone; the session start, the import of the grid
(``r.in.bin``) and the export of the result (``r.out.bin``) are not timed. The module's own
raster I/O in GRASS's native format is part of what it does, so it is timed. ``memory=`` is
set to the machine's available memory (at most 16 GiB), so ``r.cost`` keeps its segment
files in memory where it can.

* ``grass-rcost-iso8`` / ``grass-rcost-iso16``: ``r.cost`` (8 neighbours; ``-k`` knight's move,
  16) on the isotropic per-cell costs of the grid (s/m, lakes null). Its rule is
  scikit-image's and ours: a move costs the mean of the two cells' costs times its length, in
  cells (so the costs are multiplied by the cell size to compare; ``cost_scale``). The 8
  neighbour costs are checked cell by cell against ``ours-iso8``.
* ``grass-rwalk-aniso8``: ``r.walk`` on the grid's elevation with zero friction: GRASS's
  anisotropic walking-time rule (Naismith with Aitken-Langmuir's slope corrections), not the
  grid's cost table, so only its time is comparable (no reference engine): an anisotropic solve
  of the same size, on the same relief.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

import numpy as np

from logistics.cost.bench_grid import CELL_M, BenchGrid
from logistics.cost.bench_registry import Engine, register_engine

__all__ = ["grass_unavailable"]

#: The null marker written for lakes in the imported rasters (``r.in.bin anull``).
_NULL = -1.0


def grass_unavailable() -> str | None:
    """Why the GRASS engines cannot run here (None when they can): no ``grass`` command, or
    one that cannot make a throw-away location here (an odd HOME, a broken install)."""
    if shutil.which("grass") is None:
        return "GRASS GIS is not installed (the `grass` command; Debian: apt-get install grass-core)"
    return _grass_probe()


@lru_cache(maxsize=1)
def _grass_probe() -> str | None:
    """Make and drop a throw-away XY location once per process; why it failed, or None."""
    with tempfile.TemporaryDirectory(prefix="logistics-grass-probe-") as tmp:
        try:
            subprocess.run(["grass", "-c", "XY", str(Path(tmp) / "loc"), "-e"],
                           capture_output=True, text=True, check=True, timeout=120)
        except (OSError, subprocess.SubprocessError) as exc:
            tail = (getattr(exc, "stderr", "") or str(exc)).strip().splitlines()[-1:] or [""]
            return f"GRASS GIS is installed but cannot make a location here ({tail[0][:200]})"
    return None


def _grass(location: Path, script: Path) -> subprocess.CompletedProcess:
    """Run ``script`` with bash inside a GRASS session on ``location``'s PERMANENT mapset."""
    env = dict(os.environ, GRASS_VERBOSE="0")
    return subprocess.run(["grass", str(location / "PERMANENT"), "--exec", "bash", str(script)],
                          capture_output=True, text=True, check=True, env=env)


def _memory_mb() -> int:
    import psutil

    return int(min(16 * 1024, psutil.virtual_memory().available / 2**20 * 0.8))


def _prepare(grid: BenchGrid) -> dict:
    """A throw-away XY location holding the grid's isotropic costs and elevation."""
    folder = Path(tempfile.mkdtemp(prefix="logistics-grass-"))
    ny, nx = grid.class_index.shape
    dy, dx = grid.cellsize_m[1], grid.cellsize_m[0]
    cost = grid.isotropic_cell_costs().astype(np.float32)
    cost[~np.isfinite(cost)] = _NULL
    cost.tofile(folder / "cost.f32")
    elev = grid.elevation_m.astype(np.float32)
    elev.tofile(folder / "elev.f32")
    location = folder / "loc"
    subprocess.run(["grass", "-c", "XY", str(location), "-e"], capture_output=True, text=True,
                   check=True)
    bounds = f"north={ny * dy:g} south=0 east={nx * dx:g} west=0 rows={ny} cols={nx}"
    script = folder / "import.sh"
    script.write_text(
        "set -e\n"
        f"g.region n={ny * dy:g} s=0 e={nx * dx:g} w=0 rows={ny} cols={nx}\n"
        f"r.in.bin -f input={folder / 'cost.f32'} output=cost bytes=4 {bounds} anull={_NULL:g}\n"
        f"r.in.bin -f input={folder / 'elev.f32'} output=elev bytes=4 {bounds}\n"
        "r.mapcalc --quiet expression='friction = if(isnull(cost), null(), 0.0)'\n")
    _grass(location, script)
    i, j = grid.source
    start = f"{(j + 0.5) * dx:.6f},{(ny - i - 0.5) * dy:.6f}"
    return {"folder": folder, "location": location, "shape": (ny, nx), "start": start}


def _solve(state: dict, command: str) -> dict:
    """Run one GRASS module, timed by the session's shell round it alone; export the result."""
    folder = state["folder"]
    script = folder / "solve.sh"
    out = folder / "acc.f64"
    script.write_text(
        "set -e\n"
        "t0=$(date +%s.%N)\n"
        f"{command}\n"
        "t1=$(date +%s.%N)\n"
        f"r.out.bin -f input=acc output={out} bytes=8 null=-1\n"
        'echo "SECONDS $t0 $t1"\n')
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = _grass(state["location"], script)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    m = re.search(r"SECONDS (\S+) (\S+)", proc.stdout)
    if m is None:
        raise RuntimeError(f"GRASS printed no timing: {proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"seconds": float(m.group(2)) - float(m.group(1)), "cpu_seconds": cpu,
            "file": out, "shape": state["shape"]}


def _rcost(knight: bool):
    def solve(state: dict) -> dict:
        flags = "-k " if knight else ""
        return _solve(state, f"r.cost {flags}--overwrite --quiet input=cost output=acc "
                             f"start_coordinates={state['start']} memory={_memory_mb()}")
    return solve


def _rwalk(state: dict) -> dict:
    return _solve(state, f"r.walk --overwrite --quiet elevation=elev friction=friction "
                         f"output=acc start_coordinates={state['start']} memory={_memory_mb()}")


def _cost(out: dict) -> np.ndarray:
    cost = np.fromfile(out["file"], dtype=np.float64).reshape(out["shape"])
    return np.where(cost < 0, np.inf, cost)


def _close(state: dict) -> None:
    shutil.rmtree(state["folder"], ignore_errors=True)


_COMMON = dict(to_cost=_cost, close=_close, unavailable=grass_unavailable, bytes_per_cell=40.0)

register_engine(Engine("grass-rcost-iso8", _prepare, _rcost(False),
                       "GRASS GIS r.cost, 8 neighbours, on the same per-cell costs (isotropic); "
                       "seconds are the module's own run in a GRASS session, its native raster "
                       "I/O included, import and export not", "ours-iso8",
                       cost_scale=CELL_M, **_COMMON))
register_engine(Engine("grass-rcost-iso16", _prepare, _rcost(True),
                       "GRASS GIS r.cost -k (knight's move, 16 neighbours), isotropic; timed as "
                       "grass-rcost-iso8", cost_scale=CELL_M, **_COMMON))
register_engine(Engine("grass-rwalk-aniso8", _prepare, _rwalk,
                       "GRASS GIS r.walk on the grid's elevation, zero friction: its own "
                       "anisotropic walking-time rule (Naismith/Aitken-Langmuir), not the grid's "
                       "cost table, so only its time compares; timed as grass-rcost-iso8",
                       **_COMMON))
