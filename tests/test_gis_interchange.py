"""The outputs as a GIS user's tools read them: RFC 7946 GeoJSON, named CRS, stated clocks.

Each test writes a small output with the writer the command uses and reads it back as QGIS,
GDAL, geopandas or a strict GeoJSON reader would: RFC 7946 (no ``properties`` member on a
FeatureCollection, section 7.1; no ``crs`` member; 6 decimals of a degree, about 0.1 m, section
11.2), ISO 8601 times or null (never ``""`` or nanoseconds), the GeoTIFF's CRS named (not
``unknown``) and the time zone of the local times stated in the files themselves.
"""

from __future__ import annotations

import json
import re
import sqlite3
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
import rasterio
import rioxarray  # noqa: F401  (the .rio accessor)
import xarray as xr
from pyproj import CRS
from shapely.geometry import LineString, Point

from logistics import settings

ISO_SECONDS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$")


def _coords(geometry: dict):
    c = geometry["coordinates"]
    return [c] if geometry["type"] == "Point" else c


def _decimals(value: float) -> int:
    """Decimals of the number as written in the JSON text (json loads it as the shortest repr)."""
    return max(0, -Decimal(repr(value)).as_tuple().exponent)


def _strict_json(text: str):
    """json.loads that refuses NaN and Infinity, which are not JSON (RFC 8259)."""
    def refuse(name):
        raise ValueError(f"{name} is not JSON")
    return json.loads(text, parse_constant=refuse)


# ------------------------------------------------------------------ logistics route --out
def test_route_geojson_is_rfc7946_with_totals_as_a_foreign_member():
    from logistics.network.multimodal import Leg, MultiRoute

    noisy = LineString([(126.65, 45.74999999999999), (127.11642999999998, 45.446200000000005),
                        (127.123456789, 45.3)])
    route = MultiRoute(legs=(
        Leg("entrain", "Harbin", "Harbin", 0.0, 3.2142857142857144, 0.0,
            Point(126.65, 45.74999999999999), notes=("entraining 3 h",)),
        Leg("rail", "Harbin", "Acheng", 40.0, 1.3333333333, 0.0, noisy, lines=("R02",))),
        vehicle="zis-5", mode="rail", places=("Harbin", "Acheng"))
    gj = _strict_json(json.dumps(route.to_geojson()))
    assert gj["type"] == "FeatureCollection"
    assert "properties" not in gj and "crs" not in gj  # RFC 7946 sections 7.1 and 4
    assert gj["route"]["distance_km"] == 40.0 and gj["route"]["vehicle"] == "zis-5"
    assert gj["route"]["time_h"] == pytest.approx(3.2142857142857144 + 1.3333333333, abs=1e-3)
    rail = gj["features"][1]["geometry"]["coordinates"]
    assert rail[0] == [126.65, 45.75] and rail[1] == [127.11643, 45.4462]
    assert rail[2] == [127.123457, 45.3]
    for f in gj["features"]:
        for lon, lat in _coords(f["geometry"]):
            assert _decimals(lon) <= 6 and _decimals(lat) <= 6


# ------------------------------------------------------------------ logistics compare --out
def _comparison_table() -> pd.DataFrame:
    """Three documented rows: one matched and timed (an arrival to the nanosecond, as the
    comparison computes it), one with a place but no modeled arrival, one without a place."""
    base = dict(axis_id="TBF-36A", event="arrival", matched_formation="205tb", timing="route",
                route_error_km=1.5, date_error_days=0.5, date_censored=False, km_error=-3.0,
                scorable=True, note="")
    return pd.DataFrame([
        {**base, "row": 2, "date": "1945-08-10", "place_reached": "Hailar", "lat": 49.2,
         "lon": 119.7, "modeled_lon": 119.61234567891, "modeled_lat": 49.3000000001,
         "modeled_arrival": pd.Timestamp("1945-08-10 12:05:56.370300288")},
        {**base, "row": 3, "date": "1945-08-12", "place_reached": "Yakeshi", "lat": 49.28,
         "lon": 120.73, "modeled_lon": np.nan, "modeled_lat": np.nan,
         "modeled_arrival": pd.NaT, "date_error_days": np.nan, "km_error": np.nan},
        {**base, "row": 4, "date": "1945-08-13", "place_reached": "(no place)", "lat": np.nan,
         "lon": np.nan, "modeled_lon": 120.0, "modeled_lat": 48.0,
         "modeled_arrival": pd.NaT}])


def test_comparison_geojson_is_rfc7946_with_iso_times_or_null(tmp_path):
    import geopandas as gpd

    from logistics.report.compare_outputs import write_comparison_geojson

    path = write_comparison_geojson(_comparison_table(), tmp_path / "comparison.geojson")
    gj = _strict_json(path.read_text(encoding="utf-8"))
    assert "crs" not in gj and "properties" not in gj
    feats = gj["features"]
    # row 2: documented, modeled, error line; row 3: documented only; row 4: no place
    assert [(f["properties"]["documented_row"], f["properties"]["feature"]) for f in feats] == [
        (2, "documented"), (2, "modeled"), (2, "error"), (3, "documented")]
    arrivals = [f["properties"]["modeled_arrival"] for f in feats]
    assert arrivals[:3] == ["1945-08-10T12:05:56"] * 3  # ISO 8601, whole seconds
    assert arrivals[3] is None  # missing is null, not ""
    assert all(a is None or ISO_SECONDS.match(a) for a in arrivals)
    assert feats[1]["geometry"]["coordinates"] == [119.612346, 49.3]
    assert feats[3]["properties"]["km_error"] is None  # NaN is null, never the NaN literal
    for f in feats:
        for lon, lat in _coords(f["geometry"]):
            assert _decimals(lon) <= 6 and _decimals(lat) <= 6
    back = gpd.read_file(path)
    assert back.crs.to_epsg() == 4326
    assert pd.api.types.is_datetime64_any_dtype(back["modeled_arrival"])
    assert back["modeled_arrival"].isna().tolist() == [False, False, False, True]


def test_comparison_geojson_of_rows_without_a_documented_place_is_an_empty_collection(tmp_path):
    """A documented CSV whose rows give no coordinate (distances only, or dates a reader could
    not use) left the ``documented`` layer empty, and ``logistics compare`` ended in a
    traceback (KeyError) writing comparison.geojson, after every run: an empty layer's mask
    ``[]`` selected no columns instead of no rows."""
    import geopandas as gpd

    from logistics.report.compare_outputs import write_comparison_geojson

    no_place = _comparison_table().iloc[[2]]  # row 4: a modeled position, no documented one
    path = write_comparison_geojson(no_place, tmp_path / "comparison.geojson")
    gj = _strict_json(path.read_text(encoding="utf-8"))
    assert gj["type"] == "FeatureCollection" and gj["features"] == []
    assert len(gpd.read_file(path)) == 0


def test_geojson_times_carry_the_armys_offset_and_days_are_dates(tmp_path):
    """daily.geojson wrote a day as a midnight (``"date": "1945-08-09T00:00:00"``: QGIS and
    GDAL read a DateTime at 00:00, a time no one measured) and every time on the army's clock
    without its zone, so a reader placed it on its own machine's clock; comparison.geojson's
    ``modeled_arrival`` too. With the army's ``utc_offset_h`` a time carries its offset
    (``...+10:00``, still the tables' clock) and a day is ``YYYY-MM-DD`` (read as a Date)."""
    import geopandas as gpd
    import pyogrio

    from logistics.report.compare_outputs import write_comparison_geojson
    from logistics.report.geojson import write_geojson

    daily = gpd.GeoDataFrame(
        {"formation_id": ["a", "a"], "date": pd.to_datetime(["1945-08-09", "1945-08-10"]),
         "time": pd.to_datetime(["1945-08-10 00:00", "1945-08-11 00:00"])},
        geometry=[Point(119, 50), Point(119.1, 50)], crs=4326)
    path = write_geojson(daily, tmp_path / "daily.geojson", utc_offset_h=10.0)
    props = [f["properties"] for f in json.loads(path.read_text(encoding="utf-8"))["features"]]
    assert [(p["date"], p["time"]) for p in props] == [
        ("1945-08-09", "1945-08-10T00:00:00+10:00"), ("1945-08-10", "1945-08-11T00:00:00+10:00")]
    kinds = dict(zip(*[pyogrio.read_info(path)[k] for k in ("fields", "dtypes")]))
    assert kinds["date"] == "datetime64[D]"  # GDAL's OFTDate: a day, not a midnight
    back = gpd.read_file(path)
    assert back["time"].iloc[0] == pd.Timestamp("1945-08-09 14:00", tz="UTC")  # the instant

    cmp_path = write_comparison_geojson(_comparison_table(), tmp_path / "comparison.geojson",
                                        utc_offset_h=10.0)
    feats = json.loads(cmp_path.read_text(encoding="utf-8"))["features"]
    assert feats[0]["properties"]["modeled_arrival"] == "1945-08-10T12:05:56+10:00"
    assert feats[3]["properties"]["modeled_arrival"] is None


def test_comparison_gpkg_has_documented_modeled_and_error_layers_typed_as_run_gpkg(
        tmp_path, reserved_field_names):
    """`logistics compare --out` wrote comparison.geojson only: points and lines in one
    collection (QGIS asks which to add), no styles. comparison.gpkg holds them as three layers
    in EPSG:4326, each styled (its QML in ``layer_styles`` and beside it, with a project):
    ``documented`` (every field of the row), ``modeled`` and ``errors`` (documented ->
    modeled); times as run.gpkg writes them (UTC DATETIME, ``<field>_local`` on the army's
    clock), ``date`` a DATE, flags booleans, one feature per row that has the position."""
    import pyogrio

    from logistics.report.compare_outputs import write_comparison_geojson, write_comparison_gpkg

    table = _comparison_table().assign(candidates=["205tb", None, "205tb; 36a"])
    path = write_comparison_gpkg(table, tmp_path / "comparison.gpkg", utc_offset_h=10.0,
                                 qml_dir=tmp_path)
    layers = {name: geom for name, geom in pyogrio.list_layers(path) if geom}
    assert layers == {"documented": "Point", "modeled": "Point", "errors": "LineString"}
    has_place = table["lat"].notna() & table["lon"].notna()
    modeled = table["modeled_lat"].notna() & table["modeled_lon"].notna()
    counts = {"documented": int(has_place.sum()), "modeled": int(modeled.sum()),
              "errors": int((has_place & modeled).sum())}
    for name, count in counts.items():
        info = pyogrio.read_info(path, layer=name)
        assert info["crs"] == "EPSG:4326" and info["features"] == count, (name, info)
        kinds = dict(zip(info["fields"], info["dtypes"]))
        assert kinds["date"] == "datetime64[D]"  # a day of the army's clock: DATE
        assert kinds["modeled_arrival"] == "datetime64[ms]"  # DATETIME
        assert kinds["modeled_arrival_local"] == "object"  # its local clock as text
        assert kinds["date_error_days"] == "float64" and kinds["documented_row"] == "int64"
        assert kinds["scorable"] == "bool" and kinds["date_censored"] == "bool"
    documented = pyogrio.read_info(path, layer="documented")["fields"]
    assert {"lat", "lon", "modeled_lon", "candidates", "event"} <= set(documented)
    with sqlite3.connect(path) as con:
        # a bare name: the comparison's ``row`` is a reserved word of SQLite, quoted here
        rows = con.execute("SELECT documented_row, date, modeled_arrival, "
                           "modeled_arrival_local FROM modeled ORDER BY documented_row"
                           ).fetchall()
        styled = {n for (n,) in con.execute("SELECT f_table_name FROM layer_styles")}
        (said,) = con.execute("SELECT description FROM gpkg_contents "
                              "WHERE table_name = 'modeled'").fetchone()
    assert "modeled_arrival: UTC" in said and "as in the comparison's tables" in said, said
    assert rows == [(2, "1945-08-10", "1945-08-10T02:05:56.000Z", "1945-08-10T12:05:56+10:00"),
                    (4, "1945-08-13", None, None)]
    assert styled == set(layers)
    write_comparison_geojson(table, tmp_path / "comparison.geojson")
    found = reserved_field_names(tmp_path)
    assert set(found.pop("(checked)")) == {
        "comparison.gpkg:documented", "comparison.gpkg:errors", "comparison.gpkg:modeled",
        "comparison.gpkg:layer_styles", "comparison.geojson"}
    assert found == {}
    (tmp_path / "comparison.geojson").unlink()
    assert {p.name for p in tmp_path.iterdir()} == {
        "comparison.gpkg", "comparison.qgz", "comparison.documented.qml",
        "comparison.modeled.qml", "comparison.errors.qml"}
    # the same table, the same bytes (a comparison has no "now" of its own)
    (tmp_path / "again").mkdir()
    again = write_comparison_gpkg(table, tmp_path / "again" / "comparison.gpkg",
                                  utc_offset_h=10.0, qml_dir=tmp_path / "again")
    assert again.read_bytes() == path.read_bytes()


# ------------------------------------------------------------------ GeoTIFFs: a named CRS
def test_cog_crs_is_named_and_is_the_metric_grid(tmp_path):
    from logistics.report.rasters import write_cog

    y = 600_000.0 - 1000.0 * (np.arange(40) + 0.5)
    x = -400_000.0 + 1000.0 * (np.arange(50) + 0.5)
    da = xr.DataArray(np.ones((40, 50), np.float32), coords={"y": y, "x": x}, dims=("y", "x"))
    da = da.rio.write_crs(settings.METRIC_CRS).rio.write_transform()
    path = write_cog(da, tmp_path / "a.tif", units="m", description="d")
    with rasterio.open(path) as src:
        crs = CRS.from_wkt(src.crs.to_wkt())
    assert "unknown" not in crs.name.lower() and "Lambert" in crs.name
    assert "unknown" not in crs.geodetic_crs.name.lower()
    assert crs == CRS.from_user_input(settings.METRIC_CRS)  # the same grid, only named
    back = rioxarray.open_rasterio(path).squeeze("band", drop=True)
    assert np.array_equal(back.x.values, x) and np.array_equal(back.y.values, y)


def test_qgis_project_names_the_rasters_crs(tmp_path):
    import xml.etree.ElementTree as ET
    import zipfile

    from logistics.report.qgis import write_qgz
    from logistics.report.rasters import metric_crs

    write_qgz(tmp_path / "run.qgz", gpkg="run.gpkg", vectors={"routes": ("LineString", "r")},
              rasters={"terrain.tif": ("hillshade", "terrain")}, title="t",
              extent=(117.0, 46.5, 120.0, 48.0))
    with zipfile.ZipFile(tmp_path / "run.qgz") as zf:
        root = ET.fromstring(zf.read("run.qgs").decode().split("\n", 1)[1])
    raster = next(m for m in root.iter("maplayer") if m.get("type") == "raster")
    wkt = raster.find("srs/spatialrefsys/wkt").text
    assert CRS.from_wkt(wkt).name == metric_crs().name
    assert raster.find("srs/spatialrefsys/description").text == metric_crs().name


# ------------------------------------------------------------------ the clock of the times
def test_geopackage_layers_state_the_clock_of_their_times(tmp_path):
    import geopandas as gpd

    from logistics.report.gpkg import write_gpkg

    t = pd.to_datetime(["1945-08-09 01:00", "1945-08-09 02:00"])
    layers = {
        "track": gpd.GeoDataFrame({"formation_id": ["a", "a"], "time": t},
                                  geometry=[Point(119, 50), Point(119.1, 50)], crs=4326),
        "routes": gpd.GeoDataFrame({"formation_id": ["a"], "length_km": [7.0]},
                                   geometry=[LineString([(119, 50), (119.1, 50)])], crs=4326)}
    path = write_gpkg(layers, tmp_path / "run.gpkg", timestamp="1945-08-08T15:00:00",
                      utc_offset_h=10.0)
    with sqlite3.connect(path) as con:
        desc = dict(con.execute("SELECT table_name, description FROM gpkg_contents"))
    assert "UTC+10" in desc["track"] and "local" in desc["track"]
    assert "UTC" not in desc["routes"]  # no time field, no clock to state
    back = gpd.read_file(path, layer="track")
    assert back["time"].tolist() == list((t - pd.Timedelta(hours=10)).tz_localize("UTC"))


def test_geopackage_times_are_utc_instants_with_the_local_clock_beside_and_days_as_dates(
        tmp_path):
    """run.gpkg wrote the army's local clock (UTC+10) as DATETIME without a zone
    (``1945-08-09T01:00:00.000``): not the GeoPackage standard's UTC ``...Z`` form, and read
    by QGIS and GDAL as the clock of whatever machine opens it; a day (``daily.date``, a
    documented position's date) was a DATETIME at midnight, a time no one measured. Now every
    DATETIME is the UTC instant (``YYYY-MM-DDTHH:MM:SS.SSSZ``), ``<field>_local`` beside it
    the army's clock with its offset (as the CSV tables and report.md read), and a day a
    GeoPackage DATE."""
    import geopandas as gpd

    from logistics.report.gpkg import write_gpkg

    layers = {
        "daily": gpd.GeoDataFrame(
            {"formation_id": ["a", "a"], "date": pd.to_datetime(["1945-08-09", "1945-08-10"]),
             "time": pd.to_datetime(["1945-08-10 00:00", "1945-08-11 00:00"])},
            geometry=[Point(119, 50), Point(119.1, 50)], crs=4326),
        "halts": gpd.GeoDataFrame(
            {"formation_id": ["a"], "start_time": pd.to_datetime(["1945-08-09 05:30:20.4"]),
             "end_time": pd.Series([pd.NaT], dtype="datetime64[ms]")},
            geometry=[Point(119, 50)], crs=4326)}
    path = write_gpkg(layers, tmp_path / "run.gpkg", timestamp="1945-08-08T15:00:00",
                      utc_offset_h=10.0)
    assert _field_types(path, "daily") == {"formation_id": "TEXT", "date": "DATE",
                                           "time": "DATETIME", "time_local": "TEXT"}
    assert _field_types(path, "halts") == {
        "formation_id": "TEXT", "start_time": "DATETIME", "start_time_local": "TEXT",
        "end_time": "DATETIME", "end_time_local": "TEXT"}
    with sqlite3.connect(path) as con:
        daily = con.execute("SELECT date, time, time_local FROM daily ORDER BY fid").fetchall()
        halts = con.execute("SELECT start_time, start_time_local, end_time, end_time_local "
                            "FROM halts").fetchall()
    assert daily == [("1945-08-09", "1945-08-09T14:00:00.000Z", "1945-08-10T00:00:00+10:00"),
                     ("1945-08-10", "1945-08-10T14:00:00.000Z", "1945-08-11T00:00:00+10:00")]
    assert halts == [("1945-08-08T19:30:20.000Z", "1945-08-09T05:30:20+10:00", None, None)]
    # every reader takes the local text to the same instant as the DATETIME
    back = gpd.read_file(path, layer="daily")
    assert (pd.to_datetime(back["time_local"]).dt.tz_convert("UTC") == back["time"]).all()


def test_run_report_states_the_clock_of_the_tables():
    from logistics.report.run_page import clock_note

    assert "UTC+10" in clock_note(10.0) and "local" in clock_note(10.0)
    assert "UTC-3:30" in clock_note(-3.5)
    assert "UTC+0" in clock_note(0.0)


def test_qgis_project_opens_in_the_rasters_metric_crs_as_its_docstring_says(tmp_path):
    import xml.etree.ElementTree as ET
    import zipfile

    from pyproj import Transformer

    from logistics.report.qgis import write_qgz
    from logistics.report.rasters import metric_crs

    def project(rasters):
        write_qgz(tmp_path / "run.qgz", gpkg="run.gpkg",
                  vectors={"routes": ("LineString", "r")}, rasters=rasters, title="t",
                  extent=(117.0, 46.5, 120.0, 48.0))
        with zipfile.ZipFile(tmp_path / "run.qgz") as zf:
            return ET.fromstring(zf.read("run.qgs").decode().split("\n", 1)[1])

    root = project({"terrain.tif": ("hillshade", "terrain")})
    assert CRS.from_wkt(root.find("projectCrs/spatialrefsys/wkt").text) == metric_crs()
    # QGIS reads <projectCrs> only under this flag: without it the project has no CRS and
    # nothing is reprojected (the lon/lat layers over one cell of the metric rasters)
    assert root.find("properties/SpatialRefSys/ProjectionsEnabled").text == "1"
    assert root.find("mapcanvas/units").text == "meters"
    ext = {k: float(root.find(f"mapcanvas/extent/{k}").text)
           for k in ("xmin", "ymin", "xmax", "ymax")}
    to_m = Transformer.from_crs("EPSG:4326", settings.METRIC_CRS, always_xy=True)
    for lon in np.linspace(117.0, 120.0, 7):  # the lon/lat box lies inside the metric extent
        for lat in np.linspace(46.5, 48.0, 4):
            x, y = to_m.transform(lon, lat)
            assert ext["xmin"] - 1 <= x <= ext["xmax"] + 1 and ext["ymin"] - 1 <= y <= ext["ymax"] + 1
    assert ext["xmax"] - ext["xmin"] < 300_000  # 3 degrees of longitude at 47 N: ~228 km
    root = project({})  # no raster: the project stays in lon/lat
    assert CRS.from_wkt(root.find("projectCrs/spatialrefsys/wkt").text).to_epsg() == 4326
    assert root.find("properties/SpatialRefSys/ProjectionsEnabled").text == "1"
    assert root.find("mapcanvas/units").text == "degrees"


# ------------------------------------------------------------------ one schema per layer
def _field_types(gpkg, layer: str) -> dict[str, str]:
    with sqlite3.connect(gpkg) as con:
        return {r[1]: r[2] for r in con.execute(f"PRAGMA table_info({layer})")
                if r[1] not in ("fid", "geom")}


def test_an_empty_layer_has_the_same_field_types_as_a_full_one(tmp_path):
    """A run without halts, crossings or deliveries (most axes have no halt) writes those
    layers with the fields a run with them has: DATETIME times, REAL km and litres, INTEGER
    classes; not TEXT everywhere, which breaks appending runs into one layer (ogr2ogr -append,
    QGIS's Merge vector layers) and the temporal controller on that field."""
    from types import SimpleNamespace

    from logistics.report.gpkg import write_gpkg
    from logistics.report.run_layers import run_layers

    t0 = pd.Timestamp("1945-08-09 01:00")
    hours = pd.date_range(t0, periods=6, freq="h")

    def result(events: bool):
        status = ["moving", "moving", "halted: no fuel", "halted: no fuel", "moving", "moving"]
        track = pd.DataFrame({"time": hours, "formation_id": "a", "cum_km": [5, 10, 10, 10, 15, 20.0],
                              "lon": [117.0, 117.1, 117.1, 117.1, 117.2, 117.3], "lat": 47.0,
                              "status": status if events else ["moving"] * 6,
                              "mode": "tracked", "fuel_l": 100.0, "refills_on_hand": 1.0})
        routes = pd.DataFrame({"formation_id": "a", "cum_km": [0.0, 30.0], "lon": [117.0, 117.4],
                               "lat": 47.0, "elev_m": 800.0})
        daily = pd.DataFrame({"date": ["1945-08-09"], "formation_id": "a", "lon": 117.3,
                              "lat": 47.0, "cum_km": 20.0, "km_day": 20.0, "status": "moving",
                              "refills_on_hand": 1.0})
        crossings = pd.DataFrame([{"formation_id": "a", "time": hours[1], "cum_km": 10.0,
                                   "lon": 117.1, "lat": 47.0, "river_class": 2,
                                   "crossing_h": 1.5, "ferry_h": 0.0}] if events else [],
                                 columns=["formation_id", "time", "cum_km", "lon", "lat",
                                          "river_class", "crossing_h", "ferry_h"])
        deliveries = pd.DataFrame([{"delivery_id": 1, "time": hours[4], "source": "railhead",
                                    "kind": "truck",
                                    "offered_l": 10.0, "litres": 9.0, "fuel_type": "diesel",
                                    "truck_fuel_l": 1.0, "formation_id": "a", "note": ""}]
                                  if events else [],
                                  columns=["delivery_id", "time", "source", "kind",
                                           "offered_l", "litres", "fuel_type", "truck_fuel_l",
                                           "formation_id", "note"])
        sc = SimpleNamespace(axis_id="XX-NONE", run_id="XX-NONE", name="t",
                             formation=SimpleNamespace(lead="t-34-85"))
        return SimpleNamespace(
            scenario=sc, formations=pd.DataFrame({"formation_id": ["a"], "name": ["A"],
                                                  "kind": ["corps"]}),
            tracks=track, routes=routes, daily=daily, crossings=crossings,
            deliveries=deliveries, track=track, route_points=routes, segments=pd.DataFrame(),
            summary={}, provenance={})

    docs = pd.DataFrame(columns=["axis_id", "formation", "date", "place_reached", "source",
                                 "quote", "confidence", "lat", "lon"])
    full = write_gpkg(run_layers(result(True), documented=docs), tmp_path / "full.gpkg",
                      timestamp="1945-08-09T01:00:00", utc_offset_h=10.0)
    empty_layers = run_layers(result(False), documented=docs)
    assert all(len(empty_layers[n]) == 0 for n in ("halts", "crossings", "deliveries"))
    empty = write_gpkg(empty_layers, tmp_path / "empty.gpkg", timestamp="1945-08-09T01:00:00",
                       utc_offset_h=10.0)
    expected = {  # the GeoPackage types of each field, as a run with events writes them
        "halts": {"formation_id": "TEXT", "reason": "TEXT", "start_time": "DATETIME",
                  "start_time_local": "TEXT", "end_time": "DATETIME", "end_time_local": "TEXT",
                  "hours": "REAL", "cum_km": "REAL"},
        "crossings": {"formation_id": "TEXT", "time": "DATETIME", "time_local": "TEXT",
                      "cum_km": "REAL",
                      "river_class": "INTEGER", "crossing_h": "REAL", "ferry_h": "REAL",
                      "ferry_start": "DATETIME", "ferry_start_local": "TEXT",
                      "all_across": "DATETIME", "all_across_local": "TEXT",
                      "water_km": "REAL", "far_km": "REAL", "ferried_with_km": "REAL"},
        "deliveries": {"delivery_id": "INTEGER", "formation_id": "TEXT", "time": "DATETIME",
                       "time_local": "TEXT", "source": "TEXT",
                       "kind": "TEXT", "litres": "REAL", "fuel_type": "TEXT", "cum_km": "REAL",
                       "note": "TEXT", "offered_l": "REAL", "truck_fuel_l": "REAL"},
    }
    for layer, types in expected.items():
        assert _field_types(full, layer) == types, layer
        assert _field_types(empty, layer) == types, layer
    assert _field_types(empty, "documented")["date"] == "DATE"
    with sqlite3.connect(full) as con:  # GeoPackage 1.2: GDAL < 3.7 (QGIS on Debian 12) warns
        # on every layer of GDAL's newer default, 1.4 (10400)
        assert con.execute("PRAGMA user_version").fetchone()[0] == 10200
        assert con.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47  # 'GPKG'


# ------------------------------------------------------------------ what the README promises
def test_the_readme_names_the_extra_that_explore_needs():
    """geopandas's ``.explore()`` needs folium, matplotlib and mapclassify; the first two are
    dependencies, mapclassify (with scikit-learn) is not, so the README's promise of
    ``.explore()`` holds only with the extra it names."""
    import tomllib

    root = settings.PROJECT_ROOT
    extras = tomllib.loads((root / "pyproject.toml").read_text())["project"][
        "optional-dependencies"]
    assert any(d.startswith("mapclassify") for d in extras["notebook"])
    readme = (root / "README.md").read_text(encoding="utf-8")
    promise = readme[readme.index("`.explore()`") - 300:readme.index("`.explore()`") + 300]
    assert "[notebook]" in promise and "mapclassify" in promise


# ------------------------------------------------------------------ the run's CSV tables
def test_run_tables_write_times_to_the_second_and_missing_as_empty(tmp_path):
    """crossings.csv and deliveries.csv wrote the model's times to the microsecond
    (``1945-08-09 04:45:56.845205``) beside the whole hours of tracks.csv: spurious precision
    that QGIS's delimited-text reader does not take as a datetime. Every run table now writes
    ``YYYY-MM-DD HH:MM:SS``, missing as empty."""
    from logistics.report.run_outputs import write_table

    frame = pd.DataFrame({
        "time": pd.to_datetime(["1945-08-09 04:45:56.845205", "1945-08-09 05:00:00", None],
                               format="ISO8601"),
        "when": [pd.Timestamp("1945-08-10 10:11:51.5"), None, pd.Timestamp("1945-08-10 11:00")],
        "cum_km": [26.5071943, np.nan, 3.0], "status": ["moving", None, "rest"]})
    path = write_table(frame, tmp_path / "t.csv", float_format="%.3f")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines == ["time,when,cum_km,status",
                     "1945-08-09 04:45:57,1945-08-10 10:11:52,26.507,moving",
                     "1945-08-09 05:00:00,,,",
                     ",1945-08-10 11:00:00,3.000,rest"]
    back = pd.read_csv(path, parse_dates=["time", "when"])
    assert back["time"].iloc[0] == pd.Timestamp("1945-08-09 04:45:57")


def test_cog_carries_band_statistics_without_its_nodata(tmp_path):
    """QGIS's first stretch and ArcGIS read the band statistics from the file (ArcGIS asks to
    build them otherwise); they must leave the nodata cells (unreachable, off the DEM) out."""
    from logistics.report.rasters import write_cog

    y = 600_000.0 - 1000.0 * (np.arange(300) + 0.5)
    x = -400_000.0 + 1000.0 * (np.arange(320) + 0.5)
    v = np.add.outer(np.arange(300.0), np.arange(320.0)).astype(np.float32)
    v[:10, :10] = np.inf  # unreachable
    v[-1, -1] = np.nan
    da = xr.DataArray(v, coords={"y": y, "x": x}, dims=("y", "x"))
    da = da.rio.write_crs(settings.METRIC_CRS).rio.write_transform()
    path = write_cog(da, tmp_path / "a.tif", units="h", description="d")
    with rasterio.open(path) as src:
        tags = src.tags(1)
    assert float(tags["STATISTICS_MINIMUM"]) == 10.0  # the first reachable cell, (0, 10)
    assert float(tags["STATISTICS_MAXIMUM"]) == 299 + 318  # the last cell is NaN: nodata
    finite = v[np.isfinite(v)].astype(np.float64)
    assert float(tags["STATISTICS_MEAN"]) == pytest.approx(finite.mean(), rel=1e-9)
    assert tags["UNITS"] == "h"


def test_a_crossing_without_a_time_is_one_the_formation_had_not_reached():
    """README ("What the tables hold"): crossings.csv lists every crossing of a formation's
    planned route, and its `time` is empty exactly where the formation's head had not come to
    it by the run's end (newuser22 found empty times the README did not explain). The 6th
    Guards Tank Army's corps end the run short of their last rivers."""
    import logistics

    result = logistics.run(str(settings.CONFIG_DIR / "tbf-6gta.yaml"), resolution_m=10000)
    c = result.crossings
    reached_km = c["formation_id"].map(result.tracks.groupby("formation_id")["cum_km"].max())
    assert c["time"].isna().any() and c["time"].notna().any()
    assert (c["time"].isna() == (c["cum_km"] > reached_km + 1e-6)).all()


def test_the_readme_says_where_a_non_editable_install_keeps_its_configs(capsys):
    """A wheel user told to copy configs/armies/template.yaml has no configs/ folder of their
    own (newuser22); the README's one-liner prints the folder, whose template is there."""
    from pathlib import Path

    readme = (settings.PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    (cmd,) = re.findall(r'`python -c "(from logistics import settings; [^"]+)"`', readme)
    exec(cmd, {})
    folder = Path(capsys.readouterr().out.strip())
    assert folder == Path(settings.CONFIG_DIR)
    assert (folder / "armies" / "template.yaml").is_file()


def test_a_reserve_sections_delivery_is_placed_with_its_carrier():
    """A delivery row into a section of the army's reserve riding with a carrier (reservesplit34:
    ``(reserve with <carrier>)``) is placed on that carrier's route, not the headline
    formation's; the first section (``(reserve)``) and rows with no taker on the headline's."""
    from logistics.report.run_layers import _first_formation

    assert _first_formation("(reserve with 10mc)", "fd-25a") == "10mc"
    assert _first_formation("(reserve)", "fd-25a") == "fd-25a"
    assert _first_formation("", "fd-25a") == "fd-25a"
    assert _first_formation("25a-rds,10mc", "fd-25a") == "25a-rds"
