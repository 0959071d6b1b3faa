"""Fuel carried by ships along the rivers (``supply.river``): a synthetic waterway whose
sailing times are worked by hand, the one sailing rule shared with the troops' river moves,
and the army file's checks of a river supply source."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import numpy as np
import pytest
from shapely.geometry import LineString

from logistics.army.means_norms import FerryRate, RiverNorms, ShipClass
from logistics.errors import ConfigError
from logistics.network.river import plan_river_move, sail, waterways_from_lines
from logistics.supply.sailings import SHIPS_DAY_H, river_leg_function
from logistics.supply.trucks import TruckColumn
from logistics.terrain import to_lonlat, to_metric

#: Boats 20 km/h through the still water x 0.5 = 10, current 5 km/h: 15 down, 5 up; a boat
#: carries its 25 troop places x 200 L = 5,000 L.
NORMS = RiverNorms(
    ships={"boat": ShipClass("boat", "boat", 20.0, 25)},
    current_kmh=5.0, operating_speed_factor=0.5, embark_h=1.0, disembark_h=1.0,
    navigable_levels=(1,), max_access_km=5.0,
    ferry=FerryRate(men_per_day=1500.0, guns_per_day=12.5, vehicles_per_day=37.5),
    cargo_l_per_troop=200.0)

X0, Y0 = to_metric(125.0, 45.0)
REPO = Path(__file__).resolve().parents[1]


def _east_low(lon, lat):
    """Ground falls to the east: the river flows east."""
    return 200.0 - 10.0 * (np.asarray(lon) - 125.0)


def _ll(x, y):
    lon, lat = to_lonlat(x, y)
    return float(lon), float(lat)


@pytest.fixture(scope="module")
def river():
    """A river 100 km long running east from (X0, Y0)."""
    line = LineString([(X0, Y0), (X0 + 50_000, Y0), (X0 + 100_000, Y0)])
    return waterways_from_lines([line], [1], elevation=_east_low)


def test_ships_deliver_fuel_downstream_at_the_troops_speed(river):
    # port 10 km down the river; the formation 2 km off the river at km 70: 60 km
    # downstream at 15 km/h = 4 h out, 12 h back up at 5 km/h. Loading 2 h: the fuel is
    # there at 6 h; unloading 1 h: the boats are back at 6 + 1 + 12 = 19 h.
    cells = np.array([_ll(X0 + 70_000, Y0 + 2000), _ll(X0 + 40_000, Y0 + 20_000)])
    leg = river_leg_function(_ll(X0 + 10_000, Y0), cells, "boat", norms=NORMS,
                             waterways=river)
    assert leg(0, "wet").out_s == pytest.approx(4.0 * 3600, rel=1e-4)
    assert leg(0, "dry").back_s == pytest.approx(12.0 * 3600, rel=1e-4)
    assert leg(0, "wet").fuel_l == 0.0  # ships burn nothing of the army's account
    far = leg(1, "wet")  # 20 km from the river: beyond max_access_km
    assert not far.reachable and "20 km from a navigable river" in far.reason
    col = TruckColumn(name="boats", count=3, payload_l=NORMS.cargo_l("boat"), truck_tank_l=0.0,
                      fuel_type="any", load_h=2.0, unload_h=1.0,
                      driving_hours_per_day=SHIPS_DAY_H, start_h=0.0, until_h=1000.0,
                      convoys=1, jitter_h=0.0, leg=leg, road_closes=False, kind="river")
    out = col.dispatch(0.0, 0, "wet", np.random.default_rng(0), 1.0, 1.0)
    assert len(out) == 1
    d = out[0]
    assert d.kind == "river" and d.time_h == pytest.approx(6.0, abs=1e-3)
    assert d.litres == pytest.approx(3 * 5000.0) and d.truck_fuel_l == 0.0
    assert col.dispatch(10.0, 0, "wet", np.random.default_rng(0), 1.0, 1.0) == []
    assert (col.present(0, 18.99), col.present(0, 19.01)) == (0, 3)  # all 3 boats went


def test_the_supply_and_the_troops_sail_by_one_rule(river):
    # upstream from km 70 to km 10: 60 km at 5 km/h = 12 h for the fuel and for the troops
    a, b = _ll(X0 + 70_000, Y0), _ll(X0 + 10_000, Y0)
    s = sail(a, b, classes=("boat",), waterways=river, norms=NORMS)
    move = plan_river_move(a, b, ships={"boat": 1}, men=25, depart_h=0.0, waterways=river,
                           norms=NORMS)
    assert s.ok and s.km_up == pytest.approx(60.0, abs=0.01)
    assert s.out_h["boat"] == pytest.approx(12.0, abs=1e-3) == move.sail_h["boat"]
    same = sail(a, a, classes=("boat",), waterways=river, norms=NORMS)
    assert same.ok and same.km == 0.0 and same.out_h["boat"] == 0.0  # fuel at the port
    assert not plan_river_move(a, a, ships={"boat": 1}, men=25, depart_h=0.0,
                               waterways=river, norms=NORMS).ok  # troops: nothing to sail
    assert math.isinf(river_leg_function(a, np.array([_ll(X0 + 50_000, Y0 + 50_000)]), "boat",
                                         norms=NORMS, waterways=river)(0, "wet").out_s)


def _copy_15a(tmp_path, old: str, new: str) -> Path:
    """The 15th Army's file with ``old`` replaced by ``new``, in a copy of configs/."""
    configs = tmp_path / "configs"
    shutil.copytree(REPO / "configs", configs)
    path = configs / "2fef-15a.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_a_river_supply_source_naming_no_brigade_is_one_config_error(tmp_path):
    from logistics.army.load import load_army

    path = _copy_15a(tmp_path, "      flotilla: 1st-river-ship-brigade\n",
                     "      flotilla: 2nd-river-ship-brigade\n")
    with pytest.raises(ConfigError) as exc:
        load_army(path, config_dir=path.parent)
    msg = str(exc.value)
    assert str(path) in msg and "supply.river.0 (fuel by river from Khabarovsk).flotilla" in msg
    assert "'2nd-river-ship-brigade' names no flotilla brigade" in msg and "fix:" in msg


def test_more_ships_than_the_brigade_has_are_refused(tmp_path):
    from logistics.army.load import load_army

    path = _copy_15a(tmp_path, "            value: 3\n            assumed: \"the named part",
                     "            value: 9\n            assumed: \"the named part")
    with pytest.raises(ConfigError, match=r"supply\.river\.0 \(fuel by river from "
                       r"Khabarovsk\)\.ships\.0\.count: 9 bk-1124, but flotilla brigade "
                       r"'1st-river-ship-brigade' has 6; fix"):
        load_army(path, config_dir=path.parent)


def test_a_ship_cargo_of_zero_is_refused(tmp_path):
    from logistics.army.load import load_army

    path = _copy_15a(tmp_path, "fuel_type: any\n      load_h: {value: 2",
                     "fuel_type: any\n      load_h: {value: 2")
    norms = path.parent / "norms" / "movement.yaml"
    text = norms.read_text(encoding="utf-8")
    old = '    value: 200\n    assumed: "no cargo per ship'
    assert old in text
    norms.write_text(text.replace(old, old.replace("200", "0"), 1), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"river\.cargo_l_per_troop_place: value 0, expected "
                       r"a finite number > 0"):
        load_army(path, config_dir=path.parent)


def test_a_port_off_the_rivers_is_one_config_error(tmp_path):
    from logistics.advance.supply_specs import river_specs
    from logistics.army.load import load_army
    from logistics.army.norms import load_norms

    path = _copy_15a(tmp_path, "      port:\n        place: Khabarovsk\n",
                     "      port:\n        lon: 121.0\n        lat: 46.0\n")
    army = load_army(path, config_dir=path.parent)
    with pytest.raises(ConfigError) as exc:
        river_specs(army, 0, None, np.zeros((0, 2), int), norms=load_norms(path.parent),
                    run_end=army.run_end)
    msg = str(exc.value)
    assert "supply.river.0 (fuel by river from Khabarovsk).port: 46.000 N 121.000 E" in msg
    assert "from a navigable river" in msg and "fix: a river port" in msg
