"""Raster layers of the right size and CRS but the wrong cells (helper badin34b; each was
accepted on main: the land cover's cells were misread, the DEM's extra bands dropped)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from logistics import settings
from logistics.errors import LogisticsError

LANDCOVER, DEM = "landcover_igbp_2019.tif", "dem_merged_30s.tif"


def _rewrite(tmp_path: Path, monkeypatch, name: str, cells, **profile) -> Path:
    """``name`` of the shipped rasters folder rewritten in a folder of its own (no
    MANIFEST.json: the header checks only) with ``cells(shipped band)`` and ``profile``
    changes; LOGISTICS_RASTER_DIR set to that folder."""
    import rasterio

    d = tmp_path / "rasters"
    d.mkdir()
    with rasterio.open(Path(settings.SHIPPED_RASTER_DIR) / name) as src:
        prof, band = src.profile.copy(), src.read(1)
    prof.update(profile)
    arr = np.asarray(cells(band))
    arr = arr[None] if arr.ndim == 2 else arr
    prof["count"] = arr.shape[0]
    with rasterio.open(d / name, "w", **prof) as dst:
        dst.write(arr.astype(prof["dtype"]))
    monkeypatch.setattr(settings, "RASTER_DIR", d)
    return d / name


def _refused(name: str) -> str:
    from logistics.terrain.layer_files import check_layer_files

    with pytest.raises(LogisticsError) as exc:
        check_layer_files((name,))
    msg = str(exc.value)
    assert name in msg and "rasters/build.py" in msg, msg  # the file and the fix
    return msg


def test_a_land_cover_whose_nodata_is_a_class_is_refused(tmp_path, monkeypatch):
    # every cell 0 (IGBP water) with nodata=0: accepted, and Hailar read as WETLAND
    _rewrite(tmp_path, monkeypatch, LANDCOVER, np.zeros_like, nodata=0)
    assert "nodata value is 0" in _refused(LANDCOVER)


def test_a_land_cover_of_nodata_only_is_refused(tmp_path, monkeypatch):
    _rewrite(tmp_path, monkeypatch, LANDCOVER, lambda b: np.full_like(b, 255), nodata=255)
    assert "every cell is nodata (255)" in _refused(LANDCOVER)


def test_a_float_land_cover_is_refused(tmp_path, monkeypatch):
    # codes + 0.5: cast down to a class without a word
    _rewrite(tmp_path, monkeypatch, LANDCOVER, lambda b: b + 0.5, dtype="float32")
    assert "float32, not integer class codes" in _refused(LANDCOVER)


def test_a_land_cover_code_beyond_igbp_is_refused_before_the_terrain(tmp_path, monkeypatch):
    _rewrite(tmp_path, monkeypatch, LANDCOVER, lambda b: np.where(b == 5, 40, b))
    assert "code(s) 40" in _refused(LANDCOVER)


def test_a_multi_band_dem_is_refused_naming_its_bands(tmp_path, monkeypatch):
    _rewrite(tmp_path, monkeypatch, DEM, lambda b: np.stack([b, b, b]))
    assert "3 bands" in _refused(DEM)


def test_an_8_bit_dem_is_refused(tmp_path, monkeypatch):
    # the DEM's source mask (uint8, codes 1-2) copied under the DEM's name
    _rewrite(tmp_path, monkeypatch, DEM, lambda b: np.clip(b, 0, 255), dtype="uint8",
             nodata=None)
    assert "uint8 (0..255)" in _refused(DEM)


def test_the_shipped_and_a_nodata_free_land_cover_pass(tmp_path, monkeypatch):
    from logistics.terrain.layer_files import check_layer_files

    monkeypatch.setattr(settings, "RASTER_DIR", settings.SHIPPED_RASTER_DIR)
    check_layer_files()
    check_layer_files(dem="etopo5")
    _rewrite(tmp_path, monkeypatch, LANDCOVER, lambda b: np.where(b == 255, 0, b), nodata=None)
    check_layer_files((LANDCOVER,))


def test_sample_refuses_the_land_cover_in_one_line(tmp_path, monkeypatch, capsys):
    from logistics.cli import main

    d = tmp_path / "rasters"
    shutil.copytree(settings.SHIPPED_RASTER_DIR, d,
                    ignore=shutil.ignore_patterns("*.py", "*.md", "MANIFEST.json", LANDCOVER))
    import rasterio

    with rasterio.open(Path(settings.SHIPPED_RASTER_DIR) / LANDCOVER) as src:
        prof, band = src.profile.copy(), src.read()
    with rasterio.open(d / LANDCOVER, "w", **{**prof, "nodata": 0}) as dst:
        dst.write(np.zeros_like(band))
    monkeypatch.setattr(settings, "RASTER_DIR", d)
    assert main(["sample", "Hailar"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and str(d / LANDCOVER) in err and "nodata" in err, err


# --- outputs inside a user's folder of army files (a decision, not a fix: passes on main) -----

def test_outputs_in_a_folder_of_army_files_are_allowed_and_never_read_as_armies(tmp_path,
                                                                              monkeypatch):
    # `logistics run cf --out cf/o` writes inside the user's folder while --out inside configs/
    # is refused: one rule (no output inside a tree every command reads); a folder of army
    # files is read at its top level only, so cf/o never becomes an input of `run cf`
    from logistics._atomic import check_output_dir
    from logistics.army.load import army_paths
    from logistics.errors import OutputError

    cf = tmp_path / "cf"
    (cf / "o" / "tbf-cmg").mkdir(parents=True)
    shutil.copy2(Path(settings.SHIPPED_CONFIG_DIR) / "tbf-cmg.yaml", cf / "mine.yaml")
    (cf / "o" / "tbf-cmg" / "scenario.yaml").write_text("axis_id: X\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert army_paths(cf) == [cf / "mine.yaml"]
    check_output_dir(cf / "o2")
    with pytest.raises(OutputError, match="inside the configs folder"):
        check_output_dir(Path(settings.CONFIG_DIR) / "o")
    monkeypatch.setattr(settings, "CONFIG_DIR", cf)  # the same folder, once it is read as one
    with pytest.raises(OutputError, match="inside the configs folder"):
        check_output_dir(cf / "o2")
