"""Bad inputs found from outside by helper badin34 (each failed on main)."""

from __future__ import annotations

import shutil
from pathlib import Path

from logistics import settings

SHIPPED = Path(settings.SHIPPED_CONFIG_DIR)


# --- schema: an army or vehicle file that is a link to a file shared from outside ----------------

def test_schema_writes_nothing_when_a_scenario_file_is_a_link(tmp_path, capsys):
    # an army file linked from a shared folder: `schema` wrote schema/ and then stopped at the
    # link with the fix of an output path ("choose a file path that does not exist yet")
    from logistics.cli import main

    configs, shared = tmp_path / "configs", tmp_path / "shared"
    shutil.copytree(SHIPPED / "vehicles", configs / "vehicles")
    shared.mkdir()
    (shared / "mine.yaml").write_text(
        (SHIPPED / "tbf-cmg.yaml").read_text(encoding="utf-8").split("\n", 1)[1], encoding="utf-8")
    (configs / "mine.yaml").symlink_to(shared / "mine.yaml")
    before = (shared / "mine.yaml").read_bytes()
    assert main(["schema", "--configs", str(configs)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and str(configs / "mine.yaml") in err, err
    assert "symbolic link" in err and "nothing was written" in err and "fix:" in err, err
    assert not (configs / "schema").exists()  # refused before anything was written
    assert (configs / "mine.yaml").is_symlink() and (shared / "mine.yaml").read_bytes() == before


# --- rasters: an image renamed .tif (no CRS, no geotransform) --------------------------------

def test_a_png_renamed_tif_is_one_error_without_rasterio_warning(tmp_path, monkeypatch, capsys):
    # a PNG saved as dem_merged_30s.tif: rasterio's NotGeoreferencedWarning (two lines of
    # library text) was printed ahead of the error line
    import warnings

    import numpy as np
    from PIL import Image

    from logistics.cli import main

    d = tmp_path / "rasters"
    shutil.copytree(settings.SHIPPED_RASTER_DIR, d,
                    ignore=shutil.ignore_patterns("*.py", "*.md", "MANIFEST.json"))
    Image.fromarray(np.zeros((10, 10), np.uint8)).save(d / "dem_merged_30s.tif", format="PNG")
    monkeypatch.setattr(settings, "RASTER_DIR", d)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        assert main(["sample", "Hailar"]) == 2
    err = capsys.readouterr().err
    assert not [w for w in seen if "geotransform" in str(w.message)], [str(w.message) for w in seen]
    assert "Traceback" not in err and str(d / "dem_merged_30s.tif") in err, err
    assert "not a GeoTIFF" in err and "rebuild" in err, err


# --- rasters: a land cover whose CRS label is wrong ------------------------------------------

def test_a_land_cover_with_a_wrong_crs_label_is_named_not_blamed_on_the_dem(
        tmp_path, monkeypatch, capsys):
    # the land cover's cells relabelled EPSG:3857 (metres, so it lies a few mm off 0 N 0 E):
    # `sample` said "no terrain data (sea or outside the DEM)", naming neither the file nor
    # the CRS; the DEM alone had that check
    import rasterio

    from logistics.cli import main

    d = tmp_path / "rasters"
    shutil.copytree(settings.SHIPPED_RASTER_DIR, d,
                    ignore=shutil.ignore_patterns("*.py", "*.md", "MANIFEST.json"))
    p = d / "landcover_igbp_2019.tif"
    with rasterio.open(p, "r+") as dst:  # the label only, the cells untouched
        dst.crs = rasterio.crs.CRS.from_epsg(3857)
    monkeypatch.setattr(settings, "RASTER_DIR", d)
    assert main(["sample", "Hailar"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and str(p) in err and "EPSG:3857" in err, err
    assert "nowhere on the theatre" in err and "DEM" not in err.split("rebuild")[0], err
