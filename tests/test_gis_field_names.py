"""No field of our GIS files is a reserved word of SQLite, OGR SQL or QGIS expressions.

``order`` (objectives), ``end`` (track_lines, halts, a route's legs) and ``row`` (the
comparison) had to be quoted in ``ogr2ogr -sql``, spatialite and QGIS expressions: the layers
now name them ``seq``, ``end_time``, ``to_place``, ``documented_row``, and the writers refuse a
reserved name. The real run's, route's and comparison's files are scanned in
test_tidy_outputs, test_route_cli and test_gis_interchange (``reserved_field_names``).
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from logistics.report.field_names import RESERVED_WORDS, check_field_names, reserved_fields


def test_the_list_holds_every_keyword_of_sqlite_and_ogr_sql_and_qgis(reserved_words):
    """Against the SQLite library's own list (147 words in 3.40) where ctypes reaches it."""
    assert {"ORDER", "END", "ROW", "ILIKE", "TRUE", "FALSE"} <= RESERVED_WORDS
    assert reserved_words - RESERVED_WORDS == set()
    assert {"DATE", "TIME", "SEQ", "START", "NAME"}.isdisjoint(RESERVED_WORDS)


def test_reserved_fields_are_found_in_any_case():
    assert reserved_fields(["seq", "Order", "end_time", "end", "row"]) == ["Order", "end",
                                                                           "row"]
    check_field_names("objectives", ["formation_id", "seq", "end_time"])  # nothing said
    with pytest.raises(ValueError, match=r"layer 'objectives': field\(s\) order"):
        check_field_names("objectives", ["formation_id", "order"])


def test_the_gis_writers_refuse_a_reserved_field_name_before_writing(tmp_path):
    """A layer builder that brings a reserved name back is stopped at the writer, with no
    file left (the name is checked before the layer is written)."""
    from logistics.report.geojson import write_geojson
    from logistics.report.gpkg import write_gpkg

    gdf = gpd.GeoDataFrame({"formation_id": ["a"], "order": [1],
                            "time": pd.to_datetime(["1945-08-09 01:00"])},
                           geometry=[Point(119, 50)], crs=4326)
    with pytest.raises(ValueError, match="order"):
        write_gpkg({"objectives": gdf}, tmp_path / "a.gpkg", timestamp="1945-08-09T00:00:00")
    with pytest.raises(ValueError, match="order"):
        write_geojson(gdf, tmp_path / "a.geojson")
    assert list(tmp_path.iterdir()) == []
    write_gpkg({"objectives": gdf.rename(columns={"order": "seq"})}, tmp_path / "b.gpkg",
               timestamp="1945-08-09T00:00:00")


def test_a_route_s_gis_layers_name_its_places_from_place_and_to_place():
    """legs.csv keeps ``start, end`` (the table's names); route.gpkg's layers and
    route.geojson do not (``end`` is reserved)."""
    from shapely.geometry import LineString

    from logistics.network.multimodal import Leg, MultiRoute
    from logistics.report.gpkg import route_layers

    route = MultiRoute(legs=(
        Leg("entrain", "Harbin", "Harbin", 0.0, 2.0, 0.0, Point(126.6, 45.7)),
        Leg("rail", "Harbin", "Mutanchiang", 300.0, 10.0, 0.0,
            LineString([(126.6, 45.7), (129.6, 44.6)]), ("R02",))),
        vehicle="t-34-85", mode="rail", places=("Harbin", "Mutanchiang"))
    assert list(route.table().columns[:3]) == ["mode", "start", "end"]
    layers = route_layers(route.frame())
    for name in ("legs", "transfers"):
        assert {"from_place", "to_place"} <= set(layers[name].columns)
        assert reserved_fields(layers[name].columns) == []
    assert layers["legs"]["to_place"].tolist() == ["Mutanchiang"]
    props = route.to_geojson()["features"][1]["properties"]
    assert (props["from_place"], props["to_place"]) == ("Harbin", "Mutanchiang")
    assert reserved_fields(props) == []
