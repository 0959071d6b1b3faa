"""run.qgz as QGIS itself opens it: with PyQGIS when a Python on the machine has it (Debian:
``apt install python3-qgis qgis-providers``), else skipped. The other project tests parse the
XML; this one catches what only QGIS's reader knows, such as the flag without which QGIS
ignores ``<projectCrs>`` and opens the project with no CRS (the lon/lat layers then drawn in
degrees over one cell of the metric rasters)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from logistics import settings

_OPEN = r"""
import json, sys
from qgis.core import QgsApplication, QgsCoordinateTransform, QgsProject
app = QgsApplication([], False)
app.initQgis()
project = QgsProject.instance()
out = {"read": project.read(sys.argv[1]), "crs_valid": project.crs().isValid(), "layers": {}}
for layer in project.mapLayers().values():
    to_project = QgsCoordinateTransform(layer.crs(), project.crs(), project)
    e = to_project.transformBoundingBox(layer.extent())
    out["layers"][layer.name()] = {"valid": layer.isValid(),
                                   "extent": [e.xMinimum(), e.yMinimum(), e.xMaximum(), e.yMaximum()]}
print(json.dumps(out))
app.exitQgis()
"""


def _qgis_python() -> str | None:
    """A Python interpreter that imports ``qgis.core`` (the system one, where PyQGIS lives)."""
    for exe in dict.fromkeys(p for p in (shutil.which("python3"), "/usr/bin/python3") if p):
        if exe == sys.executable or not os.path.exists(exe):
            continue
        try:
            done = subprocess.run([exe, "-c", "import qgis.core"], capture_output=True,
                                  timeout=60, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
        except (OSError, subprocess.TimeoutExpired):
            continue
        if done.returncode == 0:
            return exe
    return None


def test_run_qgz_opens_in_qgis_from_another_folder_with_its_layers_over_the_rasters(tmp_path):
    exe = _qgis_python()
    if exe is None:
        pytest.skip("no Python with PyQGIS (apt install python3-qgis qgis-providers)")
    import geopandas as gpd
    pytest.importorskip("rioxarray")  # the .rio accessor
    import xarray as xr
    from shapely.geometry import LineString, Point

    from logistics.report.gpkg import GEOMETRY_TYPES, write_gpkg
    from logistics.report.qgis import write_qgz
    from logistics.report.rasters import write_cog
    from logistics.terrain import to_metric

    folder = tmp_path / "run"
    folder.mkdir()
    cx, cy = to_metric(119.5, 47.0)  # a 100 km square of terrain round the route
    x = cx - 50_000.0 + 1000.0 * (np.arange(100) + 0.5)
    y = cy + 50_000.0 - 1000.0 * (np.arange(100) + 0.5)
    elev = xr.DataArray(np.add.outer(y - y.min(), x - x.min()).astype(np.float32) / 100.0,
                        coords={"y": y, "x": x}, dims=("y", "x"))
    write_cog(elev.rio.write_crs(settings.METRIC_CRS).rio.write_transform(),
              folder / "terrain.tif", units="m", description="elevation")
    t = pd.to_datetime(["1945-08-09 01:00", "1945-08-09 02:00"])
    layers = {
        "routes": gpd.GeoDataFrame({"formation_id": ["a"], "name": ["A"], "length_km": [30.0]},
                                   geometry=[LineString([(119.3, 47.0), (119.7, 47.0)])], crs=4326),
        "track": gpd.GeoDataFrame({"formation_id": ["a", "a"], "time": t},
                                  geometry=[Point(119.3, 47.0), Point(119.4, 47.0)], crs=4326)}
    write_gpkg(layers, folder / "run.gpkg", timestamp="1945-08-09T01:00:00", formations=("a",))
    write_qgz(folder / "run.qgz", gpkg="run.gpkg",
              vectors={n: (GEOMETRY_TYPES[n], n) for n in layers},
              rasters={"terrain.tif": ("hillshade", "terrain")}, title="t",
              extent=(119.0, 46.5, 120.0, 47.5), formations=("a",))
    moved = shutil.move(str(folder), str(tmp_path / "elsewhere"))  # relative paths follow it
    done = subprocess.run([exe, "-c", _OPEN, os.path.join(moved, "run.qgz")], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr[-2000:]
    # the project declares the oldest QGIS it is read by (3.22 warned of a newer one's file)
    assert "newer version" not in done.stderr, done.stderr[-2000:]
    opened = json.loads(done.stdout.strip().splitlines()[-1])
    assert opened["read"] and opened["crs_valid"]
    assert set(opened["layers"]) == {"routes", "track", "terrain"}
    assert all(layer["valid"] for layer in opened["layers"].values()), opened["layers"]
    tx0, ty0, tx1, ty1 = opened["layers"]["terrain"]["extent"]
    for name in ("routes", "track"):  # in the project's CRS, inside the terrain's extent
        x0, y0, x1, y1 = opened["layers"][name]["extent"]
        assert tx0 <= x0 <= x1 <= tx1 and ty0 <= y0 <= y1 <= ty1, (name, opened["layers"])


def test_comparison_qgz_opens_in_qgis_with_its_three_layers_typed(tmp_path):
    """comparison.gpkg and its project as QGIS opens them: the documented, modeled and errors
    layers valid, styled and labelled, one feature per row with that position; ``date`` a
    Date, ``modeled_arrival`` a DateTime, flags Booleans."""
    exe = _qgis_python()
    if exe is None:
        pytest.skip("no Python with PyQGIS (apt install python3-qgis qgis-providers)")
    from logistics.report.compare_outputs import write_comparison_gpkg

    row = dict(axis_id="TBF-36A", event="arrival", matched_formation="205tb", scorable=True,
               date_censored=False, date_error_days=0.5, place_reached="Hailar")
    table = pd.DataFrame([  # a documented place with its modeled position; one without a place
        {**row, "row": 2, "date": "1945-08-10", "lat": 49.2, "lon": 119.7, "modeled_lon": 119.6,
         "modeled_lat": 49.3, "modeled_arrival": pd.Timestamp("1945-08-10 12:05")},
        {**row, "row": 4, "date": "1945-08-13", "lat": np.nan, "lon": np.nan,
         "modeled_lon": 120.0, "modeled_lat": 48.0, "modeled_arrival": pd.NaT}])
    folder = tmp_path / "compare"
    folder.mkdir()
    write_comparison_gpkg(table, folder / "comparison.gpkg", utc_offset_h=10.0, qml_dir=folder)
    script = _OPEN.replace("print(json.dumps(out))", """
from qgis.core import QgsVectorLayer
for layer in project.mapLayers().values():
    out["layers"][layer.name()].update(
        n=layer.featureCount(), labels=layer.labelsEnabled(),
        types={f.name(): f.typeName() for f in layer.fields()})
print(json.dumps(out))""")
    done = subprocess.run([exe, "-c", script, str(folder / "comparison.qgz")], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr[-2000:]
    opened = json.loads(done.stdout.strip().splitlines()[-1])
    assert opened["read"] and opened["crs_valid"]
    layers = opened["layers"]
    assert {n: layers[n]["n"] for n in layers} == {"documented": 1, "modeled": 2, "errors": 1}
    for layer in layers.values():
        assert layer["valid"] and layer["labels"], layers
        types = layer["types"]
        assert (types["date"], types["modeled_arrival"], types["scorable"]) == (
            "Date", "DateTime", "Boolean"), types


_CLOCK = r"""
import json, sys
from qgis.core import (QgsApplication, QgsDateTimeRange, QgsFeatureRequest, QgsProject,
                       QgsTemporalUtils, QgsVectorLayerTemporalContext)
from qgis.PyQt.QtCore import QDateTime, QDate, QTime
app = QgsApplication([], False)
app.initQgis()
project = QgsProject.instance()
out = {"read": project.read(sys.argv[1])}
span = QgsTemporalUtils.calculateTemporalRangeForProject(project)
out["project"] = [span.begin().toString("yyyy-MM-dd HH:mm"),
                  span.end().toString("yyyy-MM-dd HH:mm")]
(layer,) = project.mapLayersByName("track")
props = layer.temporalProperties()
out["mode"] = int(props.mode())
frame = QgsDateTimeRange(QDateTime(QDate(1945, 8, 9), QTime(1, 0)),
                         QDateTime(QDate(1945, 8, 9), QTime(2, 0)), True, False)
context = QgsVectorLayerTemporalContext()
context.setLayer(layer)
shown = QgsFeatureRequest().setFilterExpression(props.createFilterString(context, frame))
out["shown"] = [f["time_local"] for f in layer.getFeatures(shown)]
print(json.dumps(out))
app.exitQgis()
"""


def test_the_track_plays_on_the_army_clock_in_qgis_3_22(tmp_path):
    """QGIS 3.22 drops the zone of the GeoPackage's UTC DATETIME: the temporal controller
    played and showed the track at 1945-08-08 15:00 for the army's 01:00 on 9 Aug (the
    report's and tables' times), whatever the machine's zone. The layers play by
    ``time_local`` (the army's clock with its offset) now: the project's range starts at
    01:00 on 9 Aug, and the frame 01:00-02:00 shows the 01:00 point, on a machine in Berlin
    too."""
    exe = _qgis_python()
    if exe is None:
        pytest.skip("no Python with PyQGIS (apt install python3-qgis qgis-providers)")
    import geopandas as gpd
    from shapely.geometry import Point

    from logistics.report.gpkg import GEOMETRY_TYPES, write_gpkg
    from logistics.report.qgis import write_qgz

    t = pd.to_datetime(["1945-08-09 01:00", "1945-08-09 02:00", "1945-08-09 03:00"])
    layers = {"track": gpd.GeoDataFrame(
        {"formation_id": ["a"] * 3, "time": t},
        geometry=[Point(119.3, 47.0), Point(119.4, 47.0), Point(119.5, 47.0)], crs=4326)}
    write_gpkg(layers, tmp_path / "run.gpkg", timestamp="1945-08-08T15:00:00",
               formations=("a",), utc_offset_h=10.0)
    write_qgz(tmp_path / "run.qgz", gpkg="run.gpkg",
              vectors={n: (GEOMETRY_TYPES[n], n) for n in layers}, rasters={}, title="t",
              extent=(119.0, 46.5, 120.0, 47.5), formations=("a",), local_clock=True)
    for zone in ("UTC", "Europe/Berlin"):
        done = subprocess.run([exe, "-c", _CLOCK, str(tmp_path / "run.qgz")], cwd=tmp_path,
                              capture_output=True,
                              text=True, timeout=300,
                              env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "TZ": zone})
        assert done.returncode == 0, done.stderr[-2000:]
        opened = json.loads(done.stdout.strip().splitlines()[-1])
        assert opened["read"]
        assert opened["project"] == ["1945-08-09 01:00", "1945-08-09 04:00"], (zone, opened)
        assert opened["mode"] == 4  # start and end from expressions: to_datetime("time_local")
        assert opened["shown"] == ["1945-08-09T01:00:00+10:00"], (zone, opened)
