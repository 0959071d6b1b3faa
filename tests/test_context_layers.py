"""The map's context layers: the 1945 railways (one row per line, each track once) and the
fortified regions, as GeoDataFrames in EPSG:4326."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
import yaml

from logistics import settings
from logistics.report.context_layers import fortified_regions, railway_lines


def test_railway_lines_one_row_per_line_with_the_cited_lengths():
    lines = railway_lines()
    assert lines.crs.to_epsg() == 4326
    assert lines["ref"].is_unique
    # every railway way of the shipped OSM file with a ref is one line here, and no other
    osm = ET.parse(settings.CONFIG_DIR / "network" / "railways-1945.osm").getroot()
    refs = set()
    for way in osm.iter("way"):
        tags = {t.get("k"): t.get("v") for t in way.iter("tag")}
        if tags.get("railway") and tags.get("ref"):
            refs.add(tags["ref"])
    assert set(lines["ref"]) == refs
    # each track counted once (not once per direction): the two lines whose length the
    # reference gives and whose trace is complete come within 2 % of it
    cited = yaml.safe_load((settings.CONFIG_DIR / "network" / "lines-1945.yaml").read_text())
    km = dict(zip(lines["ref"], lines["length_km"]))
    for ref in ("R02", "R04"):
        assert km[ref] == pytest.approx(cited[ref]["length_km"], rel=0.02)
    lon0, lat0, lon1, lat1 = lines.total_bounds
    assert 115 < lon0 < lon1 < 136 and 38 < lat0 < lat1 < 54  # Manchuria and its feeders
    assert {"1435", "1520"} <= set(lines["gauge"])


def test_fortified_regions_are_the_extents_the_advance_uses():
    pytest.importorskip("logistics.army.fortified",
                        reason="the fortified-region reader arrives with the formations merge")
    from shapely.geometry import Point

    regions = fortified_regions()
    assert regions.crs.to_epsg() == 4326 and regions["id"].is_unique
    data = yaml.safe_load((settings.CONFIG_DIR / "fortified-regions.yaml").read_text())
    ids = {r["id"] for r in data["fortified_regions"]}
    fields = {p.get("id") for p in data.get("field_positions", [])}
    # a field position is one extent, its whole defended zone (no '<id>-2' belts)
    assert set(regions["id"]) <= ids | fields
    assert "mudanjiang-line" in set(regions["id"])
    line = regions.set_index("id").loc["mudanjiang-line"]
    assert line["kind"] == "field position"
    hutou = regions.set_index("id").loc["hutou"]
    assert hutou.geometry.contains(Point(133.661, 45.979))  # the fortress's own coordinates
    assert set(regions["status"]) <= {"sourced", "generic_extent"}
