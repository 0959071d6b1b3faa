"""A `movement: motor` formation's men must fit in its own vehicles' seats (army/seats.py).

Why (motor22): a first-time user's motor formation of 3000 men on 5 GAZ-67B (4 seats each) drove
447 km at 195 km/day with no warning; only `truck_borne` shuttles men its trucks cannot carry.
Seats: configs/norms/movement.yaml lift.truck (studebaker-us6 20, gaz-67b 4 [AUTOMOTOMUSEUM]),
lift.tank_riders.men_per_tank (6) for tanks, none for a vehicle without a figure (bz-43).
"""

from __future__ import annotations

import copy

import pytest
import yaml

from logistics import settings
from logistics.army.load import army_paths, load_army
from tests.conftest import army_refused as _refused
from tests.conftest import write_army_yaml as _write

TEMPLATE = settings.SHIPPED_CONFIG_DIR / "armies" / "template.yaml"


def _fig(value):
    return {"value": value, "assumed": "test"}


def _motor(men: int, vehicles: dict[str, int], **extra) -> dict:
    """The army template with its one formation made a motor formation of ``men`` on
    ``vehicles`` ({class: count}); ``extra`` keys replace the formation's."""
    data = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))
    f = data["formations"][0]
    f.pop("standard")
    f.update(movement="motor", men=_fig(men),
             vehicles=[{"vehicle": v, "count": _fig(n)} for v, n in vehicles.items()], **extra)
    return data


def test_the_first_time_users_motor_formation_is_refused_with_numbers_and_fixes(tmp_path):
    # 3000 men on 5 GAZ-67B: 5 x 4 = 20 seats; 2980 short = 745 more GAZ-67B at 4
    msg = _refused(tmp_path, _motor(3000, {"gaz-67b": 5}),
                   "formations.0 (tpl-tb).men: 3000 men", "the 20 seats",
                   "5 gaz-67b x 4 (lift.truck of", "movement.yaml", "movement: truck_borne",
                   "745 more gaz-67b", "at most 20 `men:`")
    assert msg.count("do not fit") == 1


def test_the_fix_truck_borne_loads_and_shuttles(tmp_path):
    data = _motor(3000, {"gaz-67b": 5})
    data["formations"][0]["movement"] = "truck_borne"
    army = load_army(_write(tmp_path, data))
    assert army.formations[0].movement == "truck_borne"


@pytest.mark.parametrize("men, fits", [(20, True), (21, False)])
def test_the_rule_is_men_at_most_seats(tmp_path, men, fits):
    data = _motor(men, {"gaz-67b": 5})
    if fits:
        load_army(_write(tmp_path, data))
    else:
        _refused(tmp_path, data, "21 men", "the 20 seats", "1 more gaz-67b")


def test_a_vehicle_without_a_men_figure_seats_no_one(tmp_path):
    # bz-43 (a fuel tanker) has no lift.truck figure: 10 of them add nothing to 5 x 4 = 20
    _refused(tmp_path, _motor(21, {"gaz-67b": 5, "bz-43": 10}),
             "the 20 seats", "10 bz-43 x 0", "add bz-43: {men_per_vehicle:")


def test_vehicles_that_seat_no_one_get_seats_lift_or_movement_as_the_fix(tmp_path):
    """Only bz-43 (no lift.truck figure): 0 seats. The fix said "or at most 0 `men:`", a value
    the schema refuses (men >= 1), and "more vehicles", which would seat no one either
    (newuser23); it offers seats (a figure, a lift, seated vehicles) and the movement."""
    msg = _refused(tmp_path, _motor(100, {"bz-43": 5}), "the 0 seats",
                   "fix: `movement: truck_borne`",
                   "or seats for its men: men_per_vehicle for bz-43 under lift.truck of",
                   "vehicles that seat men in `vehicles:` (tanks carry riders; trucks with a "
                   "lift.truck figure: gaz-67b, studebaker-us6, zis-5)")
    assert "at most 0" not in msg and "more vehicles" not in msg, msg


def test_tanks_seat_their_riders_and_a_lift_its_own_men_per_vehicle(tmp_path):
    # 2 t-34-85 x 6 riders + 1 gaz-67b x 4 = 16
    load_army(_write(tmp_path, _motor(16, {"gaz-67b": 1, "t-34-85": 2})))
    _refused(tmp_path, _motor(17, {"gaz-67b": 1, "t-34-85": 2}), "the 16 seats",
             "2 t-34-85 x 6 (lift.tank_riders.men_per_tank")
    # the formation's lift says 25 men a zis-5 (not the norms' 20): 2 x 25 = 50 seats
    lift = {"vehicle": "zis-5", "count": _fig(2), "men": _fig(50),
            "men_per_vehicle": _fig(25)}
    load_army(_write(tmp_path, _motor(50, {"zis-5": 2}, lift=lift)))


def test_bodies_are_counted_and_the_fix_is_per_body(tmp_path):
    # the motorcycle battalion standard: 400 men on 100 gaz-67b = 400 seats a body
    data = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))
    f = data["formations"][0]
    f.update(standard="motorcycle_battalion", count=_fig(3), movement="motor")
    load_army(_write(tmp_path, data))
    data = copy.deepcopy(data)
    data["formations"][0]["men"] = _fig(401)
    _refused(tmp_path, data, "1203 men in its 3 bodies", "the 1200 seats",
             "300 gaz-67b x 4", "1 more gaz-67b a body", "at most 400 `men:` a body")


def test_every_shipped_motor_formation_fits_its_seats():
    from logistics.army.fortified import load_fortified
    from logistics.army.norms import load_norms
    from logistics.army.resolve import resolve_formations
    from logistics.army.seats import vehicle_seats

    norms, rule = load_norms(), load_fortified().rule
    seats = {}
    for path in army_paths(settings.SHIPPED_CONFIG_DIR):
        for u in resolve_formations(load_army(path), norms, rule):
            if u.movement == "motor":
                seats[u.id] = (u.men, sum(c * (p or 0) for _, c, p, _ in vehicle_seats(u, norms)))
    assert seats, "no shipped motor formation: the rule is not exercised on shipped data"
    assert all(men <= s for men, s in seats.values()), seats
    # the 7th Mechanized Corps' forward detachment: 100 gaz-67b x 4 + 60 studebaker-us6 x 20
    assert seats["fd-7mc"] == (1300, 1600)
