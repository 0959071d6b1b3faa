"""GIS outputs of a run: COGs, the GeoPackage with styles, the QGIS project (issue 15 items 1-2).

Synthetic results with known counts (an army of formations and a one-column run); every layer
read back with geopandas / rasterio / sqlite3 as QGIS would, and the project's XML parsed.
"""

from __future__ import annotations

import sqlite3
import xml.etree.ElementTree as ET
import zipfile
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import rasterio
import rioxarray  # noqa: F401  (the .rio accessor)
import xarray as xr

from logistics import settings
from logistics.report.gpkg import write_gpkg
from logistics.report.qgis import layer_qml, write_qgz
from logistics.report.rasters import NODATA, write_cog
from logistics.report.run_layers import LAYERS, run_layers

T0 = pd.Timestamp("1945-08-09 01:00")


def _grid(ny=600, nx=700, res=1000.0):
    y = 5_000_000.0 - res * (np.arange(ny) + 0.5)
    x = 100_000.0 + res * (np.arange(nx) + 0.5)
    v = np.add.outer(np.arange(ny), np.arange(nx)).astype(np.float32)
    v[:10, :10] = np.inf
    v[-1, -1] = np.nan
    da = xr.DataArray(v, coords={"y": y, "x": x}, dims=("y", "x"))
    return da.rio.write_crs(settings.METRIC_CRS).rio.write_transform()


def test_cog_has_tiles_overviews_nodata_units_and_description(tmp_path):
    path = write_cog(_grid(), tmp_path / "a.tif", units="h", description="time to go",
                     tags={"AXIS_ID": "X"})
    with rasterio.open(path) as src:
        assert src.tags(ns="IMAGE_STRUCTURE")["LAYOUT"] == "COG"
        assert src.compression.name == "deflate"
        assert src.block_shapes == [(256, 256)]
        assert src.overviews(1) == [2, 4]  # 700 px -> 350 -> 175 (< one 256 tile)
        assert src.nodata == NODATA
        assert src.units == ("h",) and src.descriptions == ("time to go",)
        assert src.tags()["UNITS"] == "h" and src.tags()["AXIS_ID"] == "X"
        assert src.crs is not None
        band = src.read(1, masked=True)
    assert band.mask[:10, :10].all() and band.mask[-1, -1]  # inf and NaN became nodata
    assert band.mask.sum() == 101
    assert float(band[20, 30]) == 50.0  # an ordinary cell keeps its value
    assert np.isfinite(band.filled(0)).all()


def test_cog_is_byte_identical_when_written_twice(tmp_path):
    a = write_cog(_grid(300, 300), tmp_path / "a.tif", units="m", description="d")
    b = write_cog(_grid(300, 300), tmp_path / "b.tif", units="m", description="d")
    assert a.read_bytes() == b.read_bytes()


# ----------------------------------------------------------------- synthetic army of formations
FORMS = ("fd-1", "tc-5", "rd-94")
HOURS = 30


def _army_result(axis="TBF-6GTA"):
    """Three formations on parallel lines east, hourly for 30 h; fd-1 halts dry 10-14 h;
    two crossings; one delivery; known everything."""
    tracks, routes, daily = [], [], []
    for i, fid in enumerate(FORMS):
        lat = 47.0 + 0.2 * i
        for h in range(1, HOURS + 1):
            halted = fid == "fd-1" and 10 <= h <= 14
            km = min(h, 9) * 5.0 + max(h - 14, 0) * 5.0 if fid == "fd-1" else h * 3.0
            tracks.append({"time": T0 + pd.Timedelta(hours=h - 1), "formation_id": fid,
                           "cum_km": km, "lon": 117.0 + km / 76.0, "lat": lat,
                           "status": "halted: no fuel" if halted else "moving",
                           "mode": "halt" if halted else "tracked", "fuel_l": 100.0 - h,
                           "refills_on_hand": 1.0})
        for k in range(0, 201, 20):
            routes.append({"formation_id": fid, "cum_km": float(k), "lon": 117.0 + k / 76.0,
                           "lat": lat, "elev_m": 800.0})
        for d, date in enumerate(("1945-08-09", "1945-08-10")):
            daily.append({"date": date, "formation_id": fid, "lon": 117.5 + d, "lat": lat,
                          "cum_km": 40.0 * (d + 1), "km_day": 40.0, "status": "moving",
                          "refills_on_hand": 1.0})
    tracks = pd.DataFrame(tracks).sample(frac=1.0, random_state=1)  # order must be restored
    crossings = pd.DataFrame([
        {"formation_id": "tc-5", "time": T0 + pd.Timedelta(hours=5), "cum_km": 15.0,
         "lon": 117.2, "lat": 47.2, "river_class": 2, "crossing_h": 1.5},
        {"formation_id": "rd-94", "time": T0 + pd.Timedelta(hours=7), "cum_km": 21.0,
         "lon": 117.3, "lat": 47.4, "river_class": 1, "crossing_h": 0.5}])
    deliveries = pd.DataFrame([{"time": T0 + pd.Timedelta(hours=15), "source": "railhead",
                                "kind": "truck", "offered_l": 5000.0, "litres": 4000.0,
                                "fuel_type": "diesel", "truck_fuel_l": 90.0, "cum_km": 50.0,
                                "note": "", "formation_id": "fd-1"}])
    formations = pd.DataFrame({"formation_id": list(FORMS), "name": ["FD", "5 TC", "94 RD"],
                               "kind": ["detachment", "corps", "division"]})
    head = tracks[tracks["formation_id"] == "fd-1"].sort_values("time")
    sc = SimpleNamespace(axis_id=axis, run_id=axis, name="test army",
                         formation=SimpleNamespace(lead="t-34-85"))
    return SimpleNamespace(
        scenario=sc, formations=formations, tracks=tracks, routes=pd.DataFrame(routes),
        daily=pd.DataFrame(daily), crossings=crossings, deliveries=deliveries,
        track=head, route_points=pd.DataFrame(routes)[lambda r: r.formation_id == "fd-1"],
        segments=pd.DataFrame(), summary={}, provenance={},
        plan=SimpleNamespace(formations=[SimpleNamespace(
            unit=SimpleNamespace(id="fd-1"), objectives=((60.0, "Alpha"), (160.0, "Beta")))]),
        reached=pd.DataFrame([{"time": T0 + pd.Timedelta(hours=20), "formation_id": "fd-1",
                               "kind": "objective", "name": "Alpha", "cum_km": 60.0}]))


def _documented(axis):
    """The shipped documented rows of ``axis`` with coordinates, read independently."""
    raw = pd.read_csv(settings.CONFIG_DIR / "history" / "documented-advances.csv", dtype=str)
    raw = raw[raw["axis_id"] == axis]
    return int((pd.to_numeric(raw["lat"], errors="coerce").notna()
                & pd.to_numeric(raw["lon"], errors="coerce").notna()).sum())


def _write(tmp_path, result):
    layers = run_layers(result)
    gpkg = write_gpkg(layers, tmp_path / "run.gpkg", timestamp="1945-08-09T01:00:00",
                      qml_dir=tmp_path)
    (tmp_path / "terrain.tif").write_bytes(b"")  # the project only names it
    write_qgz(tmp_path / "run.qgz", gpkg="run.gpkg",
              vectors={n: ("LineString" if n in ("routes", "track_lines") else "Point", n)
                       for n in layers},
              rasters={"terrain.tif": ("hillshade", "terrain")}, title="t",
              extent=(117.0, 46.5, 120.0, 48.0))
    return layers, gpkg


def test_geopackage_layers_read_back_with_crs_fields_time_order_and_counts(tmp_path):
    import geopandas as gpd
    import pyogrio

    _, gpkg = _write(tmp_path, _army_result())
    names = [n for n, _ in pyogrio.list_layers(gpkg)]
    assert set(LAYERS) <= set(names) and "layer_styles" in names
    got = {n: gpd.read_file(gpkg, layer=n) for n in LAYERS}
    for n, g in got.items():
        assert g.crs is not None and g.crs.to_epsg() == 4326, n
    assert len(got["routes"]) == 3 and len(got["track_lines"]) == 3
    assert sorted(got["routes"]["formation_id"]) == sorted(FORMS)
    assert got["routes"]["length_km"].tolist() == [200.0] * 3
    track = got["track"]
    assert len(track) == 3 * HOURS
    assert {"formation_id", "time", "cum_km", "status", "mode", "fuel_l",
            "refills_on_hand"} <= set(track.columns)
    assert pd.api.types.is_datetime64_any_dtype(track["time"])  # QGIS's temporal controller
    for fid, t in track.groupby("formation_id"):
        assert t["time"].is_monotonic_increasing and t["time"].is_unique, fid
        assert t["time"].iloc[0] == T0 and t["time"].iloc[-1] == T0 + pd.Timedelta(hours=29)
    assert len(got["daily"]) == 3 * 2
    assert pd.api.types.is_datetime64_any_dtype(got["daily"]["date"])
    # the day-end fuel on hand is in the daily layer as in daily.csv, once (not its _total twin)
    assert "refills_on_hand" in got["daily"].columns
    assert not {"refills_total", "fuel_l_total"} & set(got["daily"].columns)
    halts = got["halts"]
    assert len(halts) == 1 and halts["formation_id"].iloc[0] == "fd-1"
    assert halts["reason"].iloc[0] == "halted: no fuel"
    assert halts["hours"].iloc[0] == pytest.approx(5.0)  # steps ending 10:00 .. 14:00
    assert len(got["crossings"]) == 2 and set(got["crossings"]["river_class"]) == {1, 2}
    dl = got["deliveries"]
    assert len(dl) == 1 and dl["litres"].iloc[0] == 4000.0
    assert dl.geometry.iloc[0].x == pytest.approx(117.0 + 50.0 / 76.0)  # km 50 of fd-1's route
    obj = got["objectives"]  # fd-1's two objectives in order, where its route reaches them
    assert obj["objective"].tolist() == ["Alpha", "Beta"] and obj["seq"].tolist() == [1, 2]
    assert obj.geometry.iloc[0].x == pytest.approx(117.0 + 60.0 / 76.0)
    assert obj["reached"].iloc[0] == T0 + pd.Timedelta(hours=20) and pd.isna(obj["reached"].iloc[1])
    doc = got["documented"]
    assert len(doc) == _documented("TBF-6GTA") > 0
    assert {"source", "quote", "place_reached", "date"} <= set(doc.columns)


def test_a_run_without_documented_positions_has_an_empty_documented_layer(tmp_path):
    import geopandas as gpd

    _, gpkg = _write(tmp_path, _army_result(axis="TBF-CMG"))
    assert _documented("TBF-CMG") == 0
    doc = gpd.read_file(gpkg, layer="documented")
    assert len(doc) == 0 and "quote" in doc.columns


def test_every_layer_has_its_default_qml_style_in_the_package_and_beside_it(tmp_path):
    _, gpkg = _write(tmp_path, _army_result())
    with sqlite3.connect(gpkg) as con:
        rows = con.execute("SELECT f_table_name, styleQML, useAsDefault FROM layer_styles"
                           ).fetchall()
        kinds = dict(con.execute("SELECT table_name, data_type FROM gpkg_contents"))
    defaults = [(name, qml) for name, qml, default in rows if default == 1]
    assert sorted(name for name, _ in defaults) == sorted(LAYERS)  # one default each
    assert kinds["layer_styles"] == "attributes"
    for name, qml in defaults:
        root = ET.fromstring(qml.split("\n", 1)[1])
        assert root.tag == "qgis" and root.find("renderer-v2") is not None
        assert (tmp_path / f"run.{name}.qml").read_text() == qml == layer_qml(
            name, formations=FORMS)
    track = ET.fromstring(layer_qml("track").split("\n", 1)[1])
    assert track.find("temporal").get("startField") == "time"
    assert track.find("temporal").get("enabled") == "1"


def test_a_layer_with_the_army_s_clock_beside_its_times_plays_by_it():
    """Given ``time_local`` (an army with ``utc_offset_h``), the track and the daily
    positions play by it, not by the UTC DATETIME QGIS 3.22 reads without its zone: mode 4,
    from ``to_datetime("time_local")`` for the layer's step (test_qgis_opens plays it)."""
    for name, step in (("track", "1"), ("daily", "24")):
        qml = layer_qml(name, local_clock=True)
        temporal = ET.fromstring(qml.split("\n", 1)[1]).find("temporal")
        assert temporal.get("mode") == "4" and temporal.get("enabled") == "1"
        assert temporal.get("startExpression") == 'to_datetime("time_local")'
        assert temporal.get("endExpression") == (
            f"to_datetime(\"time_local\") + to_interval('{step} hours')")


def _categories(qml: str) -> tuple[str, list[str], list[str]]:
    """(field, category values, their symbols' colours) of a categorized QML."""
    root = ET.fromstring(qml.split("\n", 1)[1])
    r = root.find("renderer-v2")
    assert r.get("type") == "categorizedSymbol"
    colours = {sym.get("name"): sym.find("layer/Option/Option[@name='color']")
               if sym.find("layer/Option/Option[@name='color']") is not None
               else sym.find("layer/Option/Option[@name='line_color']")
               for sym in r.find("symbols")}
    cats = r.find("categories")
    return (r.get("attr"), [c.get("value") for c in cats],
            [colours[c.get("symbol")].get("value") for c in cats])


def test_tracks_and_positions_are_styled_by_formation_and_by_status_in_the_data_domain(tmp_path):
    """The track, daily and track_lines layers are categorized by formation (map.html's
    colours, in the run's order), track and daily also by status (a second named style): every
    category value is one the layer's field takes (the formations of the data; the statuses
    of the step loop), and every value in the data has its category."""
    import geopandas as gpd

    from logistics.advance.simulate import STATUSES
    from logistics.report.web_map import PALETTE

    _write(tmp_path, _army_result())
    gpkg = tmp_path / "run.gpkg"
    with sqlite3.connect(gpkg) as con:
        rows = con.execute("SELECT f_table_name, styleName, styleQML, useAsDefault "
                           "FROM layer_styles").fetchall()
    styles = {(name, default): qml for name, _, qml, default in rows}
    for layer, fields in (("track", ("formation_id", "status")), ("daily", ("formation_id", "status")),
                          ("track_lines", ("formation_id",))):
        data = gpd.read_file(gpkg, layer=layer)
        qmls = [styles[(layer, 1)]] + [qml for name, _, qml, d in rows if name == layer and not d]
        assert len(qmls) == len(fields), layer
        for field, qml in zip(fields, qmls):
            attr, values, colours = _categories(qml)
            assert attr == field
            domain = set(FORMS) if field == "formation_id" else set(STATUSES)
            assert set(values) <= domain, (layer, field)
            assert set(data[field]) <= set(values), (layer, field)
            if field == "formation_id":  # map.html's colours, in the run's order
                assert values == list(FORMS)
                assert colours == [",".join(str(int(p[i:i + 2], 16)) for i in (1, 3, 5)) + ",255"
                                   for p in PALETTE[:3]]
        extra = sorted(tmp_path.glob(f"run.{layer}.*.qml"))
        assert [p.name for p in extra] == [f"run.{layer}.{f}.qml" for f in fields[1:]]
    with zipfile.ZipFile(tmp_path / "run.qgz") as zf:
        root = ET.fromstring(zf.read("run.qgs").decode().split("\n", 1)[1])
    track = next(ml for ml in root.iter("maplayer") if ml.findtext("id") == "track_layer")
    manager = track.find("map-layer-style-manager")
    assert manager.get("current") == "by formation"
    assert [s.get("name") for s in manager] == ["by formation", "by status"]
    assert manager[1].find("qgis/renderer-v2").get("attr") == "status"


def test_qgis_project_points_at_the_run_folders_files_by_relative_path(tmp_path):
    _write(tmp_path, _army_result())
    with zipfile.ZipFile(tmp_path / "run.qgz") as zf:
        (name,) = zf.namelist()
        assert name == "run.qgs"
        root = ET.fromstring(zf.read(name).decode().split("\n", 1)[1])
    assert root.find("properties/Paths/Absolute").text == "false"
    sources = [e.text for e in root.iter("datasource")]
    assert len(sources) == len(LAYERS) + 1
    for src in sources:
        assert src.startswith("./") and not src.startswith("./..")
        assert (tmp_path / src[2:].split("|")[0]).exists(), src
    renderers = [e.get("type") for e in root.iter("rasterrenderer")]
    assert renderers == ["hillshade"]
    tree_ids = {e.get("id") for e in root.iter("layer-tree-layer")}
    layer_ids = {e.text for e in root.iter("id")}
    assert tree_ids == layer_ids


def test_geopackage_is_byte_identical_when_written_twice(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    _write(a, _army_result())
    _write(b, _army_result())
    for f in ("run.gpkg", "run.qgz", "run.track.qml"):
        assert (a / f).read_bytes() == (b / f).read_bytes(), f


def test_the_context_layers_are_in_the_package_and_the_project_with_their_styles(tmp_path):
    """The theatre's fortified regions and 1945 railways round a run (cut to a box round
    Suifenhe and Dongning) go into the GeoPackage as MultiPolygon and MultiLineString layers
    under the run's own, each with its QML (a hatched fill; a line), and the QGIS project
    opens them as polygon and line layers."""
    import geopandas as gpd
    import pyogrio

    from logistics.report.context_layers import CONTEXT_LAYERS, context_layers
    from logistics.report.gpkg import GEOMETRY_TYPES

    context = context_layers((130.0, 43.5, 132.0, 45.0))
    regions = context["fortified_regions"]
    assert {"pogranichnaya", "dongning"} <= set(regions["id"])
    assert "hailar" not in set(regions["id"])  # far outside the box
    assert set(regions.geometry.geom_type) == {"MultiPolygon"}
    assert set(context["railways_1945"].geometry.geom_type) == {"MultiLineString"}
    assert (context["railways_1945"].geometry.bounds["minx"] >= 130.0 - 1e-9).all()
    layers = {**context, **run_layers(_army_result())}
    gpkg = write_gpkg(layers, tmp_path / "run.gpkg", timestamp="1945-08-09T01:00:00",
                      qml_dir=tmp_path)
    listed = dict((n, t) for n, t in pyogrio.list_layers(gpkg))
    assert listed["fortified_regions"] == "MultiPolygon"
    assert listed["railways_1945"] == "MultiLineString"
    back = gpd.read_file(gpkg, layer="fortified_regions")
    assert back.crs.to_epsg() == 4326 and sorted(back["id"]) == sorted(regions["id"])
    assert {"name", "kind", "status", "axes"} <= set(back.columns)
    fill = ET.fromstring(layer_qml("fortified_regions").split("\n", 1)[1])
    layer = fill.find("renderer-v2/symbols/symbol/layer")
    assert fill.find("renderer-v2/symbols/symbol").get("type") == "fill"
    assert layer.get("class") == "SimpleFill"
    assert (tmp_path / "run.fortified_regions.qml").exists()
    (tmp_path / "terrain.tif").write_bytes(b"")
    write_qgz(tmp_path / "run.qgz", gpkg="run.gpkg",
              vectors={n: (GEOMETRY_TYPES[n], n) for n in layers},
              rasters={"terrain.tif": ("hillshade", "terrain")}, title="t",
              extent=(130.0, 43.5, 132.0, 45.0))
    with zipfile.ZipFile(tmp_path / "run.qgz") as zf:
        root = ET.fromstring(zf.read("run.qgs").decode().split("\n", 1)[1])
    kinds = {ml.find("layername").text: ml.get("geometry") for ml in root.iter("maplayer")
             if ml.get("type") == "vector"}
    assert kinds["fortified_regions"] == "Polygon" and kinds["railways_1945"] == "Line"
    # drawn under the run's own layers: last in the layer order (top first)
    order = [e.get("id") for e in root.find("layerorder")]
    assert order.index("routes_layer") < order.index("railways_1945_layer") \
        < order.index("fortified_regions_layer")
    assert tuple(CONTEXT_LAYERS) == ("fortified_regions", "railways_1945")


def test_the_readme_names_every_geopackage_layer_and_its_fields():
    """README's table of ``run.gpkg`` has a row per layer a run writes (its own and the
    context layers) naming each of its fields; the layers of a table say "the columns of" it.
    It had none: a GIS user met ``reason``, ``order``, ``axes``, ``unverified`` unexplained."""
    import re

    from logistics.report.context_layers import CONTEXT_LAYERS, context_layers

    text = (settings.PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([a-z_0-9]+)` \| [^|]+ \| ([^\n]+) \|$", text, flags=re.M))
    fields = {n: list(g.columns) for n, g in run_layers(_army_result()).items()}
    fields.update({n: list(g.columns) for n, g in context_layers((130.0, 43.5, 132.0, 45.0))
                   .items()})
    assert set(fields) == set(LAYERS) | set(CONTEXT_LAYERS)
    for name, cols in fields.items():
        assert name in rows, f"README.md has no row for the GeoPackage layer {name}"
        if name in ("track", "daily", "deliveries"):  # "every column of tracks.csv", ...
            assert "columns of" in rows[name], name
            continue
        missing = [c for c in cols if c != "geometry"
                   and not re.search(rf"(?<![a-z_]){c}(?![a-z_])", rows[name])]
        assert not missing, f"README.md's row of {name} does not name {missing}"
    daily = rows["daily.csv"] if "daily.csv" in rows else re.search(
        r"^\| `daily\.csv` \|([^\n]+)$", text, flags=re.M).group(1)
    assert "`status` is the day's, not the last hour's" in daily  # records._day_status
    assert "`cost.tif` holds the accumulated travel time in hours" in text


def test_km_at_keeps_each_formations_rows_and_gives_the_same_km():
    # a delivery's km is its formation's last track row at or before its time (the first row
    # before it starts); the rows and times kept for the next ask (speed) change no answer
    import pandas as pd

    from logistics.report.run_layers import _km_at

    tracks = pd.DataFrame({
        "formation_id": ["a", "b", "a", "b", "a"],
        "time": ["1945-08-09 01:00", "1945-08-09 01:00", "1945-08-09 02:00",
                 "1945-08-09 03:00", "1945-08-09 04:00"],
        "cum_km": [0.0, 5.0, 12.5, 30.0, 40.0],
    })
    asks = [("a", "1945-08-09 00:00"), ("a", "1945-08-09 03:00"), ("b", "1945-08-09 03:00"),
            ("(reserve with b)", "1945-08-09 02:00"), ("c", "1945-08-09 05:00"),
            ("a,b", "1945-08-09 09:00")]
    kept: dict = {}
    got = [_km_at(tracks, fid, pd.Timestamp(t), "a", kept) for fid, t in asks]
    assert got == [0.0, 12.5, 30.0, 5.0, 0.0, 40.0]
    assert got == [_km_at(tracks, fid, pd.Timestamp(t), "a") for fid, t in asks]
    assert sorted(kept) == ["a", "b", "c"]
