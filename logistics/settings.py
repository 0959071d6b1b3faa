"""Process-wide knobs, each with a documented default and an environment override.

Scenario facts live in config files (``configs/``); this module holds only what belongs to the
machine or the installation: where the data lives, the metric CRS, chunk sizes, workers.
Read them as ``from logistics import settings; settings.RASTER_DIR``.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Repository root (the folder holding ``pyproject.toml``); data folders hang off it.
PROJECT_ROOT: Path = Path(__file__).resolve().parent.parent


def _shipped(name: str) -> Path:
    """A shipped data folder: ``name/`` of the checkout the package runs from, else the copy a
    non-editable install carries as ``logistics/_name/`` (pyproject.toml's package-dir
    mapping ships it in the wheel)."""
    checkout = PROJECT_ROOT / name
    if (PROJECT_ROOT / "pyproject.toml").is_file() and checkout.is_dir():
        return checkout
    return Path(__file__).resolve().parent / f"_{name}"


#: The shipped configs and rasters, wherever the package was installed from.
SHIPPED_CONFIG_DIR: Path = _shipped("configs")
SHIPPED_RASTER_DIR: Path = _shipped("rasters")

#: Folder of the shipped rasters and vectors built by ``rasters/build.py``.
RASTER_DIR: Path = Path(os.environ.get("LOGISTICS_RASTER_DIR", SHIPPED_RASTER_DIR))

#: Folder of shipped configs (vehicles, scenarios).
CONFIG_DIR: Path = Path(os.environ.get("LOGISTICS_CONFIG_DIR", SHIPPED_CONFIG_DIR))

#: Cache folder for derived products (reprojected terrain, cost surfaces).
CACHE_DIR: Path = Path(
    os.environ.get("LOGISTICS_CACHE_DIR", Path.home() / ".cache" / "logistics")
)

#: Theatre extent in lon/lat degrees (west, south, east, north): 1945 Manchuria and approaches.
THEATRE_BBOX: tuple[float, float, float, float] = (108.0, 38.0, 136.0, 54.0)

#: The metric CRS of every computation: a Lambert Conformal Conic fitted to the theatre.
#: Conformal, so the map scale at a point is the same in every direction (an anisotropic cost
#: engine needs that), with standard parallels 41 N and 51 N scale error stays within about
#: +-1 % over 38-54 N; central meridian 122 E is the theatre's middle.
METRIC_CRS: str = (
    "+proj=lcc +lat_1=41 +lat_2=51 +lat_0=46 +lon_0=122 +x_0=0 +y_0=0 "
    "+datum=WGS84 +units=m +no_defs"
)

#: Default working resolution in metres of the theatre grid (the DEM is 30 arc-seconds).
DEFAULT_RESOLUTION_M: float = float(os.environ.get("LOGISTICS_RESOLUTION_M", 1000.0))

#: Default dask chunk edge (cells) for lazily opened rasters and chunked solvers.
CHUNK_CELLS: int = int(os.environ.get("LOGISTICS_CHUNK_CELLS", 2048))

#: Largest grid (cells) the in-memory solver accepts before asking for chunks.
MAX_IN_MEMORY_CELLS: int = int(os.environ.get("LOGISTICS_MAX_IN_MEMORY_CELLS", 120_000_000))

#: Bytes one in-memory solve may use before ``logistics.cost.accumulate`` takes the chunked
#: solver; None = half the memory available when the solve starts.
MEMORY_BUDGET_BYTES: int | None = (
    int(os.environ["LOGISTICS_MEMORY_BUDGET_BYTES"])
    if "LOGISTICS_MEMORY_BUDGET_BYTES" in os.environ else None
)

#: Workers for a LocalCluster (dask.distributed); None lets dask choose.
N_WORKERS: int | None = (
    int(os.environ["LOGISTICS_N_WORKERS"]) if "LOGISTICS_N_WORKERS" in os.environ else None
)

#: Address of an existing dask scheduler (e.g. ``tcp://host:8786``); None starts a LocalCluster.
SCHEDULER_ADDRESS: str | None = os.environ.get("LOGISTICS_SCHEDULER") or None

#: Show progress bars (tqdm) on long steps; off when not on a terminal or when set to 0.
PROGRESS: bool = os.environ.get("LOGISTICS_PROGRESS", "1") != "0"
