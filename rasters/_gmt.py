"""GMT calls of the build: the GSHHG land/sea/lake mask and dumps of WDBII/GSHHG line pieces.

GMT is needed only here, at build time (never by the run-time package). It reads the GSHHG
files extracted from the pinned Debian package through ``--DIR_GSHHG``, so the installed
``gmt-gshhg-*`` data (if any) does not matter.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import rasterio

from _grid import Grid
from logistics.errors import DataError

__all__ = [
    "GMT_INSTALL_CMD",
    "ensure_gmt",
    "gmt_version",
    "region_arg",
    "landmask_command",
    "grdlandmask",
    "dump_pieces",
]

#: How the build gets GMT when it is missing (Debian; run as root).
GMT_INSTALL_CMD = ["apt-get", "install", "-y", "--no-install-recommends", "gmt"]


def ensure_gmt(*, install: bool = True) -> str:
    """Path of the ``gmt`` executable; installs Debian's ``gmt`` with apt-get if missing."""
    exe = shutil.which("gmt")
    if exe is None and install:
        subprocess.run(["apt-get", "update", "-q"], check=False, capture_output=True)
        subprocess.run(GMT_INSTALL_CMD, check=False, capture_output=True)
        exe = shutil.which("gmt")
    if exe is None:
        raise DataError(
            "GMT is needed to build the land mask and vectors but `gmt` is not on PATH; "
            f"install it with: sudo {' '.join(GMT_INSTALL_CMD)}"
        )
    return exe


def _gmt(args: list[str], gshhg_dir: Path) -> str:
    """Run ``gmt <args>`` on the pinned GSHHG files and return its standard output."""
    cmd = [ensure_gmt(), *args, f"--DIR_GSHHG={gshhg_dir}", "--GMT_HISTORY=false"]
    with tempfile.TemporaryDirectory() as scratch:  # GMT may still drop files in its cwd
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=scratch)
    if proc.returncode != 0:
        raise DataError(f"{' '.join(cmd)} failed (exit {proc.returncode}): {proc.stderr[-400:]}")
    return proc.stdout


def gmt_version() -> str:
    """The GMT version string (e.g. ``6.4.0``)."""
    return subprocess.run([ensure_gmt(), "--version"], capture_output=True, text=True,
                          check=True).stdout.strip()


def region_arg(grid: Grid) -> str:
    """GMT ``-R`` option of a grid's outer box, e.g. ``-R108/136/38/54``."""
    south = grid.north_deg - grid.height * grid.cell_deg
    east = grid.west_deg + grid.width * grid.cell_deg
    return f"-R{grid.west_deg:g}/{east:g}/{south:g}/{grid.north_deg:g}"


def landmask_command(grid: Grid) -> list[str]:
    """The grdlandmask arguments: 30" pixel-registered, full resolution, 0 sea 1 land 2 lake."""
    if abs(grid.cell_deg - 1 / 120) > 1e-12:
        raise DataError(f"the land mask is built at 30 arc-seconds, got cell {grid.cell_deg} deg")
    return ["grdlandmask", region_arg(grid), "-I30s", "-r", "-Df", "-N0/1/2/1/2"]


def grdlandmask(grid: Grid, gshhg_dir: Path) -> np.ndarray:
    """GSHHG land mask on ``grid`` (uint8, north-up): 0 sea, 1 land, 2 lake."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "landmask.tif"
        _gmt([*landmask_command(grid), f"-G{out}=gd:GTiff"], gshhg_dir)
        with rasterio.open(out) as src:
            mask = src.read(1)
            transform = src.transform
    if mask.shape != (grid.height, grid.width) or not transform.almost_equals(grid.transform):
        raise DataError(f"grdlandmask returned {mask.shape} at {transform}, "
                        "not the theatre 30\" grid")
    if not np.isin(mask, (0, 1, 2)).all():
        raise DataError(f"grdlandmask returned codes {np.unique(mask)}, expected 0, 1, 2")
    return mask.astype(np.uint8)


def dump_pieces(option: list[str], grid: Grid, gshhg_dir: Path) -> list[np.ndarray]:
    """Line pieces of ``gmt coast -Df -M <option>`` as (n, 2) lon/lat arrays (cut at bins)."""
    text = _gmt(["coast", region_arg(grid), "-Df", *option, "-M"], gshhg_dir)
    pieces: list[np.ndarray] = []
    current: list[tuple[float, float]] = []
    for line in text.splitlines():
        if line.startswith(">"):
            if len(current) > 1:
                pieces.append(np.asarray(current))
            current = []
        elif line.strip():
            lon, lat = line.split()[:2]
            current.append((float(lon), float(lat)))
    if len(current) > 1:
        pieces.append(np.asarray(current))
    return pieces
