"""An army's railhead is the station of the 1945 network it names, not the nearest one: a
station a few km away may lie across a river no 1945 bridge crossed (Blagoveshchensk 5 km
from Heihe across the Amur, Iman 7 km from Hutou across the Ussuri), and a station the army's
trains cannot reach by rail is no railhead for its convoys (logistics.advance.supply_specs
railhead_station, logistics.advance.means ArmyRail / off_network_notes)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from logistics import settings
from logistics.advance.means import ArmyRail, off_network_notes
from logistics.advance.supply_specs import railhead_lonlat, railhead_station
from logistics.army.base import Point
from logistics.army.load import load_army
from logistics.network import load_network

FIXTURE = Path(__file__).parent / "data" / "tiny-rail.osm"


@pytest.fixture(scope="module")
def rail():
    return load_network(FIXTURE, road=False)


def _army(*railheads: Point, lines=("Alpha - Charlie (T1)",)):
    return SimpleNamespace(supply=SimpleNamespace(rail=SimpleNamespace(
        railheads=list(railheads), advance_along=SimpleNamespace(lines=list(lines)))))


def test_a_railhead_4_km_from_a_station_it_does_not_name_is_off_the_network(rail):
    # main took Alpha, the nearest station within 10 km, for the army's own railhead, and
    # moved its railhead forward along T1 from there
    across = Point(place="Across", lon=125.0, lat=45.04, assumed="a town across a river")
    assert railhead_station(rail, across) is None
    assert ArmyRail.for_army(_army(across), graph=rail) is None
    note, = off_network_notes(_army(across), graph=rail)
    assert "Across" in note and "Alpha (4 km)" in note
    assert "not joined to the army's railway by a 1945 line or bridge" in note
    assert "does not move forward along T1" in note


def test_a_railhead_naming_a_station_is_that_station(rail):
    named = Point(place="Alphaburg", lon=125.0, lat=45.04, assumed="Alpha's 1945 name")
    assert railhead_station(rail, named).name == "Alpha"
    army_rail = ArmyRail.for_army(_army(named), graph=rail)
    assert list(army_rail.names.values()) == ["Alpha"] and army_rail.lines == ("T1",)
    assert off_network_notes(_army(named), graph=rail) == []
    far = Point(place="Alpha", lon=125.0, lat=45.5, assumed="a homonym 55 km away")
    assert railhead_station(rail, far) is None  # its own coordinates win


def _shipped(name: str):
    return load_army(settings.SHIPPED_CONFIG_DIR / f"{name}.yaml")


def test_the_2nd_red_banner_army_loads_at_blagoveshchensk_not_at_heihe():
    # main: its trucks loaded at Heihe, beyond the Amur, from H-hour, and its railhead moved
    # forward from there along Heihe - Bei'an as the army captured it
    army = _shipped("2fef-2rba")
    lon, lat, note = railhead_lonlat(army.supply.trucks[0].railhead)
    loc = army.supply.trucks[0].railhead.location()
    assert (lon, lat) == pytest.approx((float(loc.lon), float(loc.lat)))
    assert "nearest: Heihe, 4 km" in note  # the gazetteer's town, 4 km from the station
    assert ArmyRail.for_army(army) is None
    note, = off_network_notes(army)
    assert note.startswith("supply.rail.railheads.0 (Blagoveshchensk)")
    assert "Heihe (4 km), is not joined to the army's railway by a 1945 line or bridge" in note


def test_the_35th_army_loads_at_iman_not_at_hutou():
    army = _shipped("1fef-35a")
    lon, lat, note = railhead_lonlat(army.supply.trucks[0].railhead)
    assert lon > 133.7 and "nearest: Hutou" in note  # main: Hutou's 133.661 E
    assert ArmyRail.for_army(army) is None
    assert off_network_notes(army) == []  # it names no line to advance along


@pytest.mark.parametrize("axis, station", [("tbf-36a", "Zabaikalsk"), ("1fef-5a", "Pogranichny"),
                                           ("1fef-1rba", "Ussuriysk"), ("1fef-25a", "Ussuriysk")])
def test_armies_whose_railheads_are_stations_keep_their_railway(axis, station):
    army = _shipped(axis)
    assert list(ArmyRail.for_army(army).names.values()) == [station]
    assert railhead_lonlat(army.supply.trucks[0].railhead)[2] is None
