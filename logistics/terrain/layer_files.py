"""Check the layer files a terrain load will read, from their headers only, before any work.

A missing, empty, truncated, garbage or CRS-less layer of the rasters folder
(``settings.RASTER_DIR``) was found only when the terrain step read it, after the progress had
passed "loading" (the bad-input corpus's ``late``). :func:`check_layer_files` opens each layer
the way GDAL reads a header (``rasterio.open``: no pixel is read; ``pyogrio.read_info``: no
feature is read), so it costs milliseconds, and compares each file's size with the folder's
``MANIFEST.json`` when that lists it.

A user's own folder (LOGISTICS_RASTER_DIR) with a MANIFEST.json copied from the repo: the
manifest is the folder's own account of its files (its sources go into every run's provenance),
so a size that differs from it is refused there too; the error says to restore the file, or to
rebuild or delete that MANIFEST.json when the layer was replaced on purpose. A folder without a
MANIFEST.json (or with one that is not a JSON object of ``files``) gets the header checks only.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np

from logistics import settings
from logistics.errors import CRSError, DataError
from logistics.terrain.dem import (DEM_FILES, check_codes, check_dem, check_on_theatre, layer_error,
                                   raster_path, reading)
from logistics.terrain.landcover1945 import load_landcover_1945
from logistics.terrain.railways import railway_lines, shipped_railways

__all__ = ["OTHER_LAYERS", "CLASS_LAYERS", "IGBP_CODES", "IGBP_WORDS", "terrain_layer_files",
           "check_layer_files", "check_configs_read", "configs_read"]

#: Layers a terrain load and the steps after it read besides the DEM: land cover, land mask,
#: the PRC/outside source mask of the 1945 land cover, rivers, lakes (river network), borders
#: and coast (the sides of the frontier; the base map).
OTHER_LAYERS: tuple[str, ...] = (
    "landcover_igbp_2019.tif", "landmask_30s.tif", "dem_source_30s.tif",
    "rivers.gpkg", "lakes.gpkg", "borders.gpkg", "coast.gpkg",
)

#: Raster layers whose cells are class codes (land cover, land mask, DEM source mask): integer
#: cells only; a float layer's codes + 0.5 were cast down to a class without a word.
CLASS_LAYERS: tuple[str, ...] = OTHER_LAYERS[:3]

#: The land cover's classes: IGBP codes 0 (water) to 16 (barren); 255 is its nodata.
IGBP_CODES = range(17)
IGBP_WORDS = "IGBP codes 0-16 (255: nodata)"

#: Smallest DEM cell type: 8-bit cells hold 0..255 (or -128..127), no elevation in metres of a
#: land with mountains; a uint8 layer under the DEM's name is a mask or an image (as is
#: dem_source_30s.tif, the DEM's source mask). A physical bound, the same for every DEM.
_DEM_MIN_BITS = 16

#: Most land-cover cells the check reads (4 M bytes, some milliseconds); a finer land cover is
#: read at every n-th row and column (assumed: a foreign code or nodata fills whole regions).
_MAX_CHECKED_CELLS = 4_000_000


def terrain_layer_files(dem: str = "merged") -> tuple[str, ...]:
    """File names of the layers a run, sample or map with DEM ``dem`` reads (only the chosen
    DEM: a run on the merged DEM never opens ETOPO5)."""
    return (DEM_FILES[check_dem(dem)],) + OTHER_LAYERS


def _manifest_sizes(folder: Path) -> dict[str, int]:
    """``{file name: size_bytes}`` from ``folder/MANIFEST.json``; empty when there is none or
    it is not readable as the build script writes it (it only describes the layers)."""
    try:
        files = json.loads((folder / "MANIFEST.json").read_text(encoding="utf-8")).get("files")
    except (OSError, ValueError, AttributeError):
        return {}
    if not isinstance(files, dict):
        return {}
    return {name: entry["size_bytes"] for name, entry in files.items()
            if isinstance(entry, dict) and isinstance(entry.get("size_bytes"), int)
            and not isinstance(entry.get("size_bytes"), bool)}


def _check_header(path: Path) -> None:
    """Open ``path``'s header only; DataError/CRSError for one that does not open, has no
    cells or features' CRS."""
    if path.suffix.lower() == ".gpkg":
        import pyogrio

        with reading(path):
            info = pyogrio.read_info(path)
        if not info.get("crs"):
            raise CRSError(f"the layer {path.name} ({path}) has no CRS; rebuild it with "
                           "`python rasters/build.py`")
        return
    import rasterio
    from rasterio.errors import NotGeoreferencedWarning

    # an image with no geotransform (a PNG renamed .tif) made rasterio print its
    # NotGeoreferencedWarning, two lines of library text ahead of our error: it is our error
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        with reading(path), rasterio.open(path) as src:
            crs, width, height, count = src.crs, src.width, src.height, src.count
            placed = not src.transform.is_identity or bool(src.gcps[0])
            bounds, dtype, nodata = src.bounds, np.dtype(src.dtypes[0]), src.nodata
    if not placed:
        nothing = "no CRS nor geotransform (an image, not a GeoTIFF)" if crs is None else \
            "no geotransform (where its cells lie)"
        raise CRSError(f"raster {path} has {nothing}; georeference it with its CRS and corner "
                       "coordinates (`gdal_translate -a_srs EPSG:4326 -a_ullr W N E S`), or "
                       "rebuild it with `python rasters/build.py`")
    if crs is None:
        raise CRSError(f"raster {path} has no CRS; set one, e.g. "
                       f"`da.rio.write_crs('EPSG:4326').rio.to_raster(path)`, or rebuild it with "
                       f"`python rasters/build.py`")
    if width <= 0 or height <= 0 or count < 1:
        raise layer_error(path, f"it has {width} x {height} cells in {count} band(s)")
    if count != 1:  # the readers take band 1: the others were dropped without a word
        raise layer_error(path, f"it has {count} bands; every layer is one band (the first "
                                "would be read and the others dropped)")
    _check_cell_type(path, dtype)
    check_on_theatre(path, crs, bounds)
    if path.name == OTHER_LAYERS[0]:
        _check_landcover(path, nodata)


def _check_cell_type(path: Path, dtype: np.dtype) -> None:
    """DataError (:func:`layer_error`) for a class layer of non-integer cells, or a DEM of
    cells narrower than :data:`_DEM_MIN_BITS` or not numbers."""
    if path.name in CLASS_LAYERS and dtype.kind not in "iu":
        raise layer_error(path, f"its cells are {dtype.name}, not integer class codes (a "
                                "fraction would be cut down to a class, silently)")
    if path.name in DEM_FILES.values():
        if dtype.kind not in "iuf":
            raise layer_error(path, f"its cells are {dtype.name}, not elevations")
        if dtype.kind in "iu" and dtype.itemsize * 8 < _DEM_MIN_BITS:
            lo, hi = np.iinfo(dtype).min, np.iinfo(dtype).max
            raise layer_error(path, f"its cells are {dtype.name} ({lo}..{hi}): no elevation "
                                    "in metres of a land with mountains fits; it is a mask or "
                                    "an image (dem_source_30s.tif is uint8), not a DEM")


def _check_landcover(path: Path, nodata: float | None) -> None:
    """DataError (:func:`layer_error`) for a land cover whose declared nodata is one of its
    classes (nodata=0 made water "no data"), that holds no class at all (every cell nodata),
    or a code that is no IGBP class. Reads its cells (320 x 560 bytes for the shipped one; every
    n-th row and column of a land cover over :data:`_MAX_CHECKED_CELLS`)."""
    if nodata is not None and nodata in IGBP_CODES:
        raise layer_error(path, f"its nodata value is {nodata:g}, one of its classes "
                                f"({IGBP_WORDS}): cells of that class would read as no data")
    import rasterio

    with reading(path), rasterio.open(path) as src:
        step = max(1, int(np.ceil(np.sqrt(src.width * src.height / _MAX_CHECKED_CELLS))))
        values = src.read(1, out_shape=(-(-src.height // step), -(-src.width // step)))
    fill = int(nodata) if nodata is not None and float(nodata).is_integer() else None
    if fill is not None and not (values != fill).any():
        raise layer_error(path, f"every cell is nodata ({fill}): it holds no land cover")
    check_codes(values, path, IGBP_CODES, IGBP_WORDS, fill if fill is not None else -1)


def check_layer_files(names: tuple[str, ...] | None = None, *, dem: str = "merged",
                      config_dir: str | Path | None = None) -> None:
    """Refuse, before any work, a layer of ``names`` (default: :func:`terrain_layer_files` of
    ``dem``) that is missing, not a regular file, empty, of another size than the folder's
    MANIFEST.json says, or whose header does not open or has no CRS or no cells. Reads
    headers only. Then the files of the configs folder ``config_dir`` (None:
    ``settings.CONFIG_DIR``) the terrain reads: its 1945 land-cover rule and railway files
    (:func:`check_configs_read`)."""
    _check_rasters(names, dem)
    check_configs_read(config_dir)


def configs_read(config_dir=None) -> tuple:
    """What :func:`load_terrain` reads of the configs folder ``config_dir`` (None:
    ``settings.CONFIG_DIR`` as set): its 1945 land-cover rule (by value) and each railway file
    (the overlay's, the forest rule's logging belt's) as ``(path, mtime_ns)``. Hashable: the key
    of a terrain cache, so a run on another folder, or after an edit, loads its own terrain."""
    rule = load_landcover_1945(config_dir=config_dir)
    files = {shipped_railways(config_dir)}
    if rule.forest is not None and rule.forest.railways is not None:
        files.add(Path(rule.forest.railways))
    return (rule, tuple(sorted((str(f), f.stat().st_mtime_ns if f.exists() else -1)
                               for f in files)))


def check_configs_read(config_dir=None) -> None:
    """Every file of the configs folder ``config_dir`` that :func:`load_terrain` reads (its
    :func:`configs_read`: the 1945 land-cover rule and each railway file), read now, before any
    work (the railway lines are cached for the terrain step): a damaged one was refused only
    in the terrain step, after the progress had passed the checks (breaker37: a truncated or
    empty ``network/railways-1945.osm``, an empty ``terrain/landcover-1945.yaml``)."""
    _, files = configs_read(config_dir)
    for path, _ in files:
        railway_lines(Path(path))


def _check_rasters(names: tuple[str, ...] | None, dem: str) -> None:
    """The raster folder's part of :func:`check_layer_files`."""
    folder = Path(settings.RASTER_DIR)
    sizes = _manifest_sizes(folder)
    for name in names if names is not None else terrain_layer_files(dem):
        path = raster_path(name)  # DataError naming the build script when missing
        if not path.is_file():
            raise layer_error(path, "it is not a regular file")
        size = path.stat().st_size
        if size == 0:
            raise layer_error(path, "it is empty (0 bytes)")
        if name not in sizes or size == sizes[name]:
            _check_header(path)
            continue
        try:  # a header that has no CRS or no cells says more than the size
            _check_header(path)
        except CRSError:
            raise
        except DataError:  # unreadable: the size says why (truncated, another file)
            pass
        raise DataError(
            f"the layer {name} ({path}) has {size:,} bytes but {folder / 'MANIFEST.json'} "
            f"lists {sizes[name]:,}: the file is truncated or another file; restore it "
            "(`git checkout -- rasters/` for the shipped folder) or rebuild the layers with "
            "`python rasters/build.py`; if you replaced the layer on purpose, rebuild that "
            "MANIFEST.json with the build script or delete it")
