"""The run folder's tables are tidy: one name for one quantity across every output, and one
formation per deliveries row (pandas and QGIS join on ``formation_id``).

A user joining ``track.csv`` to ``tracks.csv`` met ``dry_class`` beside ``dry_classes`` (the
same list of vehicle classes standing dry), and a deliveries row whose ``formation_id`` was
``"fd-9gmc,9gmc"`` joined to nothing. The expected values come from the run's other tables:
the army's ledger (``army_daily.delivered_l``) and each formation's day (``daily.delivered_l``)
are booked by the step loop independently of the deliveries table.
"""

from __future__ import annotations

import json
import sqlite3

import numpy as np
import pandas as pd
import pytest

from logistics import settings
from logistics.cli import main


def _tracks(fid: str, dry: list[str], status: list[str]) -> pd.DataFrame:
    n = len(dry)
    return pd.DataFrame({
        "time": pd.date_range("1945-08-09 01:00", periods=n, freq="h"), "formation_id": fid,
        "cum_km": np.arange(n, dtype=float), "lon": 120.0, "lat": 46.0, "status": status,
        "mode": "tracked", "fuel_l": 10.0, "refills_on_hand": 0.5, "tail_km": 0.0,
        "elements": 1, "dry_classes": dry})


def test_the_headline_track_names_and_fills_dry_classes_as_tracks_does():
    """``track.csv`` is the headline formation's rows of ``tracks.csv``: the column is
    ``dry_classes`` and holds the same lists, also while the head moves on without the dry
    vehicles (it held them only in hours the head was halted for fuel before)."""
    from logistics.runner import _legacy_track

    head = _tracks("a", ["", "zis-5", "zis-5,t-34-85"],
                   ["moving", "moving", "halted: no fuel"])
    other = _tracks("b", ["x", "x", "x"], ["moving"] * 3)
    track = _legacy_track(pd.concat([head, other], ignore_index=True), "a")
    assert "dry_class" not in track.columns
    assert track["dry_classes"].tolist() == ["", "zis-5", "zis-5,t-34-85"]


@pytest.fixture(scope="module")
def cmg_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("tidy") / "cmg"
    assert main(["run", str(settings.CONFIG_DIR / "tbf-cmg.yaml"), "--resolution-m", "10000",
                 "--out", str(out)]) == 0
    return out


def _headers(folder) -> dict[str, list[str]]:
    """Every table's column names: CSVs, GeoPackage layers, GeoJSON properties."""
    out = {p.name: list(pd.read_csv(p, nrows=0).columns) for p in folder.glob("*.csv")}
    with sqlite3.connect(folder / "run.gpkg") as db:
        for (t,) in db.execute("SELECT table_name FROM gpkg_contents"):
            out[f"run.gpkg:{t}"] = [r[1] for r in db.execute(f"PRAGMA table_info('{t}')")]
    for p in folder.glob("*.geojson"):
        feats = json.loads(p.read_text(encoding="utf-8"))["features"]
        out[p.name] = sorted({k for f in feats for k in f["properties"]})
    return out


@pytest.mark.slow
def test_every_output_names_the_dry_vehicle_classes_dry_classes(cmg_run):
    headers = _headers(cmg_run)
    assert not [name for name, cols in headers.items() if "dry_class" in cols]
    for name in ("track.csv", "tracks.csv", "daily.csv", "run.gpkg:daily", "daily.geojson"):
        assert "dry_classes" in headers[name], name
    # the km a formation had covered is cum_km in every layer (the track lines said km)
    assert "cum_km" in headers["run.gpkg:track_lines"]
    assert "km" not in headers["run.gpkg:track_lines"]
    # the style files name no column the layers lack
    qml = " ".join(p.read_text(encoding="utf-8") for p in cmg_run.glob("run.*.qml"))
    assert "dry_class\"" not in qml and "dry_class'" not in qml


@pytest.mark.slow
def test_no_field_of_a_run_s_gis_files_is_a_reserved_word(cmg_run, reserved_field_names):
    """Every layer of a real run's run.gpkg (empty ones too) and its GeoJSON files: a field
    named ``order`` (objectives) or ``end`` (track_lines, halts) had to be quoted in
    ``ogr2ogr -sql``, spatialite and QGIS expressions; now ``seq``, ``end_time``."""
    found = reserved_field_names(cmg_run)
    checked = found.pop("(checked)")
    assert {"run.gpkg:objectives", "run.gpkg:halts", "run.gpkg:track_lines",
            "run.gpkg:layer_styles", "daily.geojson", "route.geojson"} <= set(checked)
    assert found == {}
    headers = _headers(cmg_run)
    assert "seq" in headers["run.gpkg:objectives"]
    assert {"start_time", "end_time", "end_time_local"} <= set(headers["run.gpkg:halts"])


@pytest.mark.slow
def test_run_qgz_opens_the_layers_with_features_and_the_gpkg_keeps_every_layer(cmg_run):
    """Round the CMG's routes the theatre has no railway and no fortified region: run.qgz
    listed both layers empty (a GIS user's zoom to layer went nowhere). The project now
    opens the layers that have features; run.gpkg keeps every layer with its fields."""
    import xml.etree.ElementTree as ET
    import zipfile

    with zipfile.ZipFile(cmg_run / "run.qgz") as zf:
        root = ET.fromstring(zf.read(zf.namelist()[0]).decode("utf-8").split("\n", 1)[1])
    shown = [ml.findtext("datasource").split("layername=")[1]
             for ml in root.iter("maplayer") if ml.get("type") == "vector"]
    with sqlite3.connect(cmg_run / "run.gpkg") as db:
        counts = {t: db.execute(f"SELECT count(*) FROM '{t}'").fetchone()[0] for (t,) in
                  db.execute("SELECT table_name FROM gpkg_contents WHERE data_type='features'")}
    assert {"railways_1945", "fortified_regions"} <= {t for t, n in counts.items() if n == 0}
    assert sorted(shown) == sorted(t for t, n in counts.items() if n), (shown, counts)
    assert {"track", "daily", "routes"} <= set(shown)


@pytest.mark.slow
def test_the_headline_track_is_its_rows_of_tracks(cmg_run):
    track = pd.read_csv(cmg_run / "track.csv", keep_default_na=False)
    tracks = pd.read_csv(cmg_run / "tracks.csv", keep_default_na=False)
    head = pd.read_csv(cmg_run / "formations.csv").query("headline")["formation_id"].iloc[0]
    mine = tracks[tracks["formation_id"] == head].reset_index(drop=True)
    assert set(track.columns) <= set(tracks.columns)
    pd.testing.assert_frame_equal(track, mine[list(track.columns)])


@pytest.mark.slow
def test_deliveries_have_one_formation_per_row_and_keep_every_litre(cmg_run):
    dl = pd.read_csv(cmg_run / "deliveries.csv")
    army = pd.read_csv(cmg_run / "army_daily.csv")
    daily = pd.read_csv(cmg_run / "daily.csv")
    known = set(pd.read_csv(cmg_run / "formations.csv")["formation_id"]) | {"(reserve)"}
    known |= {f"(reserve with {fid})" for fid in known}  # the reserve's other sections
    assert len(dl) and not dl["formation_id"].str.contains(",").any()
    assert set(dl["formation_id"]) <= known
    # every litre the army's ledger booked is on exactly one row (the CSV rounds to 1 mL)
    assert dl["litres"].sum() == pytest.approx(army["delivered_l"].sum(), abs=1e-3 * len(dl))
    # and each formation's rows add up to what its days say it received
    got = dl.groupby("formation_id")["litres"].sum()
    want = daily.groupby("formation_id")["delivered_l"].sum()
    for fid, litres in want.items():
        assert got.get(fid, 0.0) == pytest.approx(litres, abs=1e-3 * len(dl) + 1e-3), fid
    # a delivery's own figures are the same on each of its rows: one per delivery id; its
    # first row is its arrival (a share that waited with its taker: later rows, later hours)
    per = dl.groupby("delivery_id")[["source", "kind", "offered_l", "truck_fuel_l"]]
    assert (per.nunique() == 1).all().all()
    times = pd.to_datetime(dl["time"]).groupby(dl["delivery_id"])
    assert (times.first() == times.min()).all()
    # (each row and the offer rounded to 1 mL: half a mL each)
    assert (dl.groupby("delivery_id")["litres"].sum()
            <= dl.groupby("delivery_id")["offered_l"].first()
            + 5e-4 * (1 + dl.groupby("delivery_id").size()) + 1e-9).all()
    import geopandas as gpd

    layer = gpd.read_file(cmg_run / "run.gpkg", layer="deliveries")
    assert len(layer) == len(dl) and not layer["formation_id"].str.contains(",").any()
    # the layer keeps the ledger's floats, the CSV rounds each row to 1 mL: half a mL each
    assert layer["litres"].sum() == pytest.approx(dl["litres"].sum(), rel=1e-9,
                                                  abs=5e-4 * len(dl) + 1e-9)
