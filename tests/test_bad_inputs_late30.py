"""Bad layers of the rasters folder found by helper "late30": one clear error before any work.

A missing, empty, truncated, garbage or CRS-less layer of the rasters folder (the shipped one or
a user's via LOGISTICS_RASTER_DIR) was refused only when the terrain step read it, after the
progress had passed "loading" (the bad-input corpus's ``late``: 44 ``rasters-*`` cases).
``terrain.layer_files.check_layer_files`` now opens every layer the command will read from its
header only (rasterio, pyogrio), and compares its size with the folder's MANIFEST.json, before
the terrain step of run, sample and map (and in the runner, for a Python caller).
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest

from logistics.errors import LogisticsError

_LAYERS = ("MANIFEST.json", "dem_merged_30s.tif", "dem_source_30s.tif", "etopo5.tif",
           "landcover_igbp_2019.tif", "landmask_30s.tif", "rivers.gpkg", "lakes.gpkg",
           "borders.gpkg", "coast.gpkg")


def _copy(tmp_path: Path, monkeypatch, manifest: bool = True) -> Path:
    """A copy of the shipped layers installed as ``settings.RASTER_DIR``."""
    from logistics import settings
    from logistics.terrain.rivers import _cache_clear

    d = tmp_path / "rasters"
    d.mkdir()
    for name in _LAYERS:
        if manifest or name != "MANIFEST.json":
            shutil.copy2(Path(settings.SHIPPED_RASTER_DIR) / name, d / name)
    monkeypatch.setattr(settings, "RASTER_DIR", d)
    _cache_clear()
    return d


def _truncate(d: Path, name: str, frac: float = 0.5) -> None:
    data = (d / name).read_bytes()
    (d / name).write_bytes(data[: int(len(data) * frac)])


def _garbage(d: Path, name: str, size: int | None = None) -> None:
    n = size if size is not None else max((d / name).stat().st_size, 1000)
    (d / name).write_bytes(random.Random(name).randbytes(n))


def _no_crs(d: Path, name: str) -> None:
    import numpy as np
    import rasterio
    from rasterio.transform import from_origin

    with rasterio.open(d / name, "w", driver="GTiff", width=50, height=40, count=1,
                       dtype="float32", transform=from_origin(108, 54, 0.5, 0.5)) as dst:
        dst.write(np.ones((1, 40, 50), dtype="float32"))


def _is_dir(d: Path, name: str) -> None:
    (d / name).unlink()
    (d / name).mkdir()


#: (spoil the copy, words of the one error)
SPOILT = {
    "dem-missing": (lambda d: (d / "dem_merged_30s.tif").unlink(),
                    ["'dem_merged_30s.tif' not found", "rasters/build.py"]),
    "dem-is-dir": (lambda d: _is_dir(d, "dem_merged_30s.tif"),
                   ["dem_merged_30s.tif", "not a regular file", "rasters/build.py"]),
    "dem-empty": (lambda d: _garbage(d, "dem_merged_30s.tif", 0),
                  ["dem_merged_30s.tif", "empty (0 bytes)"]),
    "dem-garbage": (lambda d: _garbage(d, "dem_merged_30s.tif"), ["dem_merged_30s.tif"]),
    "dem-no-crs": (lambda d: _no_crs(d, "dem_merged_30s.tif"),
                   ["dem_merged_30s.tif", "no CRS"]),
    "landcover-truncated": (lambda d: _truncate(d, "landcover_igbp_2019.tif", 0.3),
                            ["landcover_igbp_2019.tif", "MANIFEST.json lists 25,188",
                             "restore it", "delete it"]),
    "rivers-truncated": (lambda d: _truncate(d, "rivers.gpkg"),
                         ["rivers.gpkg", "MANIFEST.json lists 1,150,976"]),
    "rivers-empty": (lambda d: _garbage(d, "rivers.gpkg", 0), ["rivers.gpkg", "empty"]),
    "lakes-garbage": (lambda d: _garbage(d, "lakes.gpkg"), ["lakes.gpkg"]),
    "landmask-garbage": (lambda d: _garbage(d, "landmask_30s.tif"), ["landmask_30s.tif"]),
}


def _stop(*a, **k):
    raise AssertionError("the terrain step began before the rasters folder was checked")


@pytest.mark.parametrize("key", sorted(SPOILT))
def test_sample_refuses_a_spoilt_layer_before_the_terrain(tmp_path, monkeypatch, capsys, key):
    from logistics.cli import main
    from logistics.terrain import sample

    spoil, words = SPOILT[key]
    spoil(_copy(tmp_path, monkeypatch))
    monkeypatch.setattr(sample, "point_terrain", _stop)
    assert main(["sample", "Hailar"]) == 2
    err = capsys.readouterr().err
    assert "terrain around the point" not in err and "Traceback" not in err, err
    for w in words:
        assert w in err, (w, err)


def test_run_refuses_a_spoilt_layer_before_the_terrain_step(tmp_path, monkeypatch, capsys):
    from logistics import settings
    from logistics.cli import main
    import logistics.terrain as terrain

    _truncate(_copy(tmp_path, monkeypatch), "rivers.gpkg")
    monkeypatch.setattr(terrain, "load_terrain", _stop)
    army = Path(settings.SHIPPED_CONFIG_DIR) / "tbf-39a.yaml"
    assert main(["run", str(army), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "rivers.gpkg" in err and "terrain, route" not in err, err
    assert not (tmp_path / "o").exists()


def test_map_refuses_a_spoilt_layer_before_the_terrain_step(tmp_path, monkeypatch, capsys):
    from logistics.cli import main
    from logistics.report import basemap

    _no_crs(_copy(tmp_path, monkeypatch), "dem_merged_30s.tif")
    monkeypatch.setattr(basemap, "base_map", _stop)
    assert main(["map", "--out", str(tmp_path / "m.png")]) == 2
    err = capsys.readouterr().err
    assert "no CRS" in err and "terrain, relief" not in err, err
    assert not (tmp_path / "m.png").exists()


def test_a_run_through_the_api_refuses_a_spoilt_layer_before_the_terrain(tmp_path, monkeypatch):
    import logistics.terrain as terrain
    from logistics import runner, settings

    _garbage(_copy(tmp_path, monkeypatch), "dem_merged_30s.tif", 0)
    monkeypatch.setattr(terrain, "load_terrain", _stop)
    with pytest.raises(LogisticsError, match="dem_merged_30s.tif"):
        runner.run_scenario(Path(settings.SHIPPED_CONFIG_DIR) / "tbf-39a.yaml",
                            resolution_m=10000)


def test_the_etopo5_run_checks_etopo5_and_the_merged_run_does_not(tmp_path, monkeypatch):
    """Only the DEM the command reads: a run on the merged DEM never opens ETOPO5."""
    from logistics.terrain.layer_files import check_layer_files

    _truncate(_copy(tmp_path, monkeypatch), "etopo5.tif")
    check_layer_files(dem="merged")
    with pytest.raises(LogisticsError, match="etopo5.tif"):
        check_layer_files(dem="etopo5")


def test_the_shipped_layers_and_a_user_folder_without_a_manifest_pass(tmp_path, monkeypatch):
    """A user's own folder: no MANIFEST.json, header checks only; a garbage MANIFEST.json only
    describes the layers (as the terrain's provenance reads it): ignored too."""
    from logistics import settings
    from logistics.terrain.layer_files import check_layer_files

    monkeypatch.setattr(settings, "RASTER_DIR", settings.SHIPPED_RASTER_DIR)
    check_layer_files()
    check_layer_files(dem="etopo5")
    d = _copy(tmp_path, monkeypatch, manifest=False)
    # a layer of another size (rebuilt by the user): no manifest to differ from
    shutil.copy2(d / "dem_source_30s.tif", d / "landmask_30s.tif")
    check_layer_files()
    (d / "MANIFEST.json").write_bytes(b"\x00garbage" * 10)
    check_layer_files()


def test_a_copied_manifest_that_lists_another_size_is_refused_with_its_fix(tmp_path,
                                                                           monkeypatch):
    """A user folder with the repo's MANIFEST.json copied and a layer replaced on purpose: the
    manifest's sources would describe another file in every output's provenance; refused, and
    the error says how to keep the new layer (rebuild or delete that manifest)."""
    from logistics.terrain.layer_files import check_layer_files

    d = _copy(tmp_path, monkeypatch)
    m = json.loads((d / "MANIFEST.json").read_text())
    m["files"]["landmask_30s.tif"]["size_bytes"] += 1
    (d / "MANIFEST.json").write_text(json.dumps(m))
    with pytest.raises(LogisticsError) as exc:
        check_layer_files()
    msg = str(exc.value)
    assert "landmask_30s.tif" in msg and "43,737" in msg and "43,736 bytes" in msg, msg
    assert "rebuild that MANIFEST.json" in msg, msg


def test_route_and_compare_refuse_a_spoilt_layer_before_their_work(tmp_path, monkeypatch,
                                                                   capsys):
    """route said it only in "terrain and least-cost legs", compare in its first run."""
    from logistics import network, settings
    from logistics.cli import compare, main

    _garbage(_copy(tmp_path, monkeypatch), "landcover_igbp_2019.tif")
    monkeypatch.setattr(network, "load_railways", _stop)
    monkeypatch.setattr(compare, "cluster_for", _stop)
    assert main(["route", "--from", "Harbin", "--to", "Acheng", "--vehicle", "zis-5"]) == 2
    doc = Path(settings.SHIPPED_CONFIG_DIR) / "history" / "documented-advances.csv"
    assert main(["compare", "--documented", str(doc), "--no-map", "--workers", "0",
                 "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.count("landcover_igbp_2019.tif") >= 2 and "progress" not in err, err
    assert not (tmp_path / "o").exists()
