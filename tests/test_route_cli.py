"""`logistics route` end to end on the shipped data, and its one-line errors (exit code 2)."""

from __future__ import annotations

import json

import pytest

from logistics._atomic import MARKER
from logistics.cli import main
from logistics.progress import PREFIX


@pytest.mark.slow
def test_route_by_rail_writes_geojson_csv_and_map(tmp_path, capsys, reserved_field_names):
    out = tmp_path / "run"
    code = main(["route", "--from", "Harbin", "--to", "Mutanchiang", "--vehicle", "T-34",
                 "--mode", "rail", "--out", str(out), "--resolution-m", "2000"])
    assert code == 0
    text = capsys.readouterr().out
    assert "Harbin -> Mutanchiang (Mudanjiang) by T-34-85, mode rail" in text
    assert "entrain" in text and "R02" in text and "total" in text
    assert "route factor" in text  # the rail leg says its length carries the fitted factor
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [MARKER, "cost.tif", "legs.csv", "map.png", "route.geojson", "route.gpkg"])  # the
    # marker: a folder logistics wrote
    gj = json.loads((out / "route.geojson").read_text())
    modes = [f["properties"]["mode"] for f in gj["features"]]
    assert modes[:2] == ["entrain", "rail"]
    rail = next(f for f in gj["features"] if f["properties"]["mode"] == "rail")
    assert rail["properties"]["lines"] == ["R02"]
    # Harbin to Hailin/Mudanjiang by R02: the reference puts Aotou, before both, at km 323
    # (5 % slack, as in the length checks) and Suifenhe, the line's end, at km 548
    assert 0.95 * 323 < rail["properties"]["distance_km"] < 548
    assert (out / "map.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # nothing half-made
    # the same legs as GeoPackage layers with their CRS: lines, and the transfers as points
    import geopandas as gpd

    legs = gpd.read_file(out / "route.gpkg", layer="legs")
    transfers = gpd.read_file(out / "route.gpkg", layer="transfers")
    assert legs.crs.to_epsg() == 4326 and transfers.crs.to_epsg() == 4326
    assert list(legs["mode"]) == [m for m in modes if m in ("rail", "road", "cross-country")]
    assert {"entrain", "detrain"} <= set(transfers["mode"])
    assert sorted([*legs["leg"], *transfers["leg"]]) == list(range(1, len(modes) + 1))
    # no field a bare SQL or QGIS expression trips on (the legs' ``end`` was one): the places
    # are from_place and to_place there; legs.csv keeps start and end
    found = reserved_field_names(out)
    assert set(found.pop("(checked)")) == {
        "route.gpkg:legs", "route.gpkg:transfers", "route.gpkg:layer_styles", "route.geojson"}
    assert found == {}
    assert legs["to_place"].iloc[-1] == "Mutanchiang (Mudanjiang)"
    assert rail["properties"]["from_place"] == "Harbin"


@pytest.mark.slow
def test_cross_country_route_is_the_same_on_the_chunked_engine(capsys):
    argv = ["route", "--from", "Harbin", "--to", "Acheng", "--vehicle", "zis-5", "--mode",
            "cross-country", "--resolution-m", "4000"]
    assert main(argv + ["--engine", "memory"]) == 0
    memory = capsys.readouterr().out
    assert main(argv + ["--engine", "chunked"]) == 0
    chunked = capsys.readouterr().out
    assert "cross-country Harbin" in memory and memory == chunked  # the exact solver agrees


@pytest.mark.slow
def test_route_out_writes_the_accumulated_hours_as_a_cog_beside_the_path(tmp_path, capsys):
    """`logistics route --out` wrote the path (GeoJSON only) but no cost raster: a GIS user
    expects the accumulated cost from the start beside it, as r.cost, r.walk or Distance
    Accumulation give, and the path as a GeoPackage layer with its CRS. cost.tif: hours (float32, unit and description in the band), nodata where the
    vehicle cannot go, the metric grid's named CRS, 0 at the start and the route's hours at
    its end (the cross-country leg is the least-cost path on that very field)."""
    import csv

    import numpy as np
    import rasterio
    from pyproj import CRS

    from logistics.places import lookup
    from logistics.report.rasters import NODATA, metric_crs
    from logistics.terrain import to_metric

    out = tmp_path / "r"
    assert main(["route", "--from", "Harbin", "--to", "Acheng", "--vehicle", "zis-5", "--mode",
                 "cross-country", "--resolution-m", "4000", "--out", str(out)]) == 0
    assert "cost.tif" in capsys.readouterr().out
    with open(out / "legs.csv", encoding="utf-8") as f:
        legs = list(csv.DictReader(f))
    assert [g["mode"] for g in legs] == ["cross-country"]
    with rasterio.open(out / "cost.tif") as src:
        assert src.tags(ns="IMAGE_STRUCTURE").get("LAYOUT") == "COG"
        assert src.dtypes[0] == "float32" and src.nodata == NODATA
        assert src.units[0] == "h" and "zis-5" in src.descriptions[0].lower()
        assert CRS.from_wkt(src.crs.to_wkt()).name == metric_crs().name
        hours = src.read(1)

        def at(place):
            p = lookup(place)
            return float(hours[src.index(*to_metric(p.lon, p.lat))])

        assert at("Harbin") < 0.5  # the start (its cell, or the nearest passable one)
        assert at("Acheng") == pytest.approx(float(legs[0]["time_h"]), rel=0.05, abs=0.5)
        valid = hours[hours != NODATA]
        assert valid.min() == 0.0 and np.isfinite(valid).all()
    import geopandas as gpd

    path = gpd.read_file(out / "route.gpkg", layer="legs")
    assert path.crs.to_epsg() == 4326 and list(path["mode"]) == ["cross-country"]
    assert path["time_h"].iloc[0] == pytest.approx(float(legs[0]["time_h"]))


def _error(capsys, argv) -> str:
    assert main(["route", *argv]) == 2
    err = capsys.readouterr().err
    # the steps begun before the error are progress lines (stderr is not a terminal here);
    # the error itself is one line
    err = "".join(ln for ln in err.splitlines(keepends=True) if not ln.startswith(PREFIX))
    assert err.startswith("logistics route: error: ") and err.count("\n") == 1
    return err


def test_unknown_place_suggests_near_matches(capsys):
    err = _error(capsys, ["--from", "Harbinn", "--to", "Mukden", "--vehicle", "foot"])
    assert "did you mean 'Harbin'" in err


def test_place_far_from_the_railway_with_mode_rail(capsys):
    err = _error(capsys, ["--from", "Tamsag-Bulag", "--to", "Hailar", "--vehicle", "T-34-85",
                          "--mode", "rail"])
    assert "km from the nearest station, Arxan (line R09)" in err
    assert "--mode rail serves places within 30 km" in err


def test_malformed_network_file_says_where(tmp_path, capsys):
    bad = tmp_path / "bad.osm"
    bad.write_text('<osm version="0.6">\n<node id="1" lat="45" lon="125">\n</osm>\n')
    err = _error(capsys, ["--from", "Harbin", "--to", "Mukden", "--vehicle", "foot",
                          "--network", str(bad)])
    assert "line 3, column" in err and "not well-formed" in err


def test_road_mode_on_the_shipped_railways(capsys):
    err = _error(capsys, ["--from", "Harbin", "--to", "Mukden", "--vehicle", "Studebaker",
                          "--mode", "road"])
    assert "no roads" in err


def test_unknown_vehicle(capsys):
    err = _error(capsys, ["--from", "Harbin", "--to", "Mukden", "--vehicle", "Tigerr"])
    assert "Tigerr" in err


def test_bad_mode_is_rejected_by_the_parser(capsys):
    code = main(["route", "--from", "Harbin", "--to", "Mukden", "--vehicle", "foot",
                 "--mode", "air"])
    assert code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'air'" in err
    assert err.startswith("logistics route: error: ") and err.count("\n") == 1  # no usage text


@pytest.mark.parametrize("args, words", [
    (["--from", "Harbin", "--to", "Mukden", "--vehicle", "Tigerr"], "unknown vehicle 'Tigerr'"),
    (["--from", "Harbinn", "--to", "Mukden", "--vehicle", "foot"], "unknown place 'Harbinn'"),
    (["--from", "Harbin", "--to", "Mukden", "--via", "Tsitsiharr", "--vehicle", "foot"],
     "unknown place 'Tsitsiharr'"),
])
def test_a_misspelt_name_is_said_before_the_network_is_read(tmp_path, capsys, args, words):
    """The names are checked at the edge: with a network file that cannot be read, the typo is
    what the user hears (it used to come after the network and the terrain were loaded)."""
    bad = tmp_path / "bad.osm"
    bad.write_text('<osm version="0.6">\n<node id="1" lat="45" lon="125">\n</osm>\n')
    err = _error(capsys, [*args, "--network", str(bad)])
    assert words in err and "not well-formed" not in err


def test_stations_are_named_as_the_route_names_its_places():
    """A station takes the gazetteer's label of its name's place when that place is beside it
    ('Mutanchiang (Mudanjiang)'), never a namesake far away."""
    import networkx as nx

    from logistics.network.multimodal import _name

    net = nx.MultiDiGraph()
    net.add_node(1, name="Mudanjiang", lon=129.60, lat=44.58)  # the town's station
    net.add_node(2, name="Mudanjiang", lon=110.0, lat=40.0)  # a namesake 1,500 km away
    net.add_node(3, name="Halt 17", lon=129.0, lat=44.0)  # no place of that name
    net.add_node(4, lon=129.0, lat=44.0)
    assert _name(net, 1) == "Mutanchiang (Mudanjiang)"
    assert _name(net, 2) == "Mudanjiang"
    assert _name(net, 3) == "Halt 17" and _name(net, 4) == "node 4"


@pytest.mark.slow
def test_route_geojson_names_no_absolute_path(tmp_path, capsys):
    """The file is shared and moved: the network it came from is named relative to the
    configs tree (``configs/network/railways-1945.osm``), never by this machine's path."""
    out = tmp_path / "run"
    assert main(["route", "--from", "Harbin", "--to", "Acheng", "--vehicle", "zis-5", "--mode",
                 "rail", "--out", str(out), "--resolution-m", "5000"]) == 0
    text = (out / "route.geojson").read_text(encoding="utf-8")
    gj = json.loads(text)
    assert gj["route"]["network"] == "configs/network/railways-1945.osm"
    from logistics import settings

    for root in {str(settings.PROJECT_ROOT), str(settings.CONFIG_DIR), str(tmp_path)}:
        assert root not in text


def test_a_route_from_a_place_to_itself_is_refused_before_any_warning(capsys):
    """`--from Hailar --to Hailar` printed the coarse-grid warning of a 0 km route (its fix
    the grid already used) before the error that it is no route (newuser23): the places are
    validated first, so the one line is the error."""
    assert main(["route", "--from", "Hailar", "--to", "Hailar", "--vehicle", "T-34-85"]) == 2
    err = capsys.readouterr().err
    assert err == ("logistics route: error: Hailar and Hailar are the same point; give "
                   "distinct places\n"), err
