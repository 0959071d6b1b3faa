"""An army's reserve in several places: ``fuel.reserve_reach_km.carrier`` a list, one section
of the reserve with each carrier's transport ([TYL-1977] 'созданы подвижные отделения
армейских складов горючего', mobile sections of the army's fuel depots).

Why: with one carrier, a formation on an axis of its own (the 25th Army's 10th Mechanized
Corps to Mudanjiang, the 39th Army's 94th Rifle Corps to Hailar, the Cavalry-Mechanized
Group's Mongolian forces to Kalgan) drew nothing from the reserve while the carrier was on
the other axis. Now each section serves the formations within reach of its carrier, the
nearest first; convoys fill each section at its carrier (``Resupply.stops``).

The corridor runs east along 47 N (100 km a degree); each formation has 10 vehicles burning
2 L/km with 200 L tanks: 2,000 L in its tanks, 100 km."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pytest
import yaml

from logistics import settings
from logistics.advance.simulate import simulate_army
from logistics.army.load import load_army
from logistics.errors import ConfigError


def _two(corridor, **reserve):
    """"corridor" (first in priority) at H-hour, "carrier" two days later, on the same road;
    a reserve of 2,000 L of diesel (``reserve``: the plan's reserve fields)."""
    plan = corridor(days=4)
    first = plan.formations[0]
    carrier = dataclasses.replace(first, unit=SimpleNamespace(
        **{**vars(first.unit), "id": "carrier", "headline": False, "start_h": 48.0}))
    return dataclasses.replace(plan, formations=(first, carrier),
                               priority=("corridor", "carrier"), reserve_l={"diesel": 2000.0},
                               reserve_capacity_l={"diesel": 2000.0}, **reserve)


def test_a_formation_far_from_the_first_carrier_draws_on_its_own_section(corridor):
    """Half the reserve rides with "carrier" (two days behind), half with "corridor" itself:
    "corridor" goes its tanks' 100 km and 50 km more on its own section's 1,000 L on the first
    day, and the other section is untouched (out of reach) until "carrier" sets off. With the
    whole reserve on "carrier" (as on main) it halts at 100 km."""
    one = simulate_army(_two(corridor, reserve_carrier="carrier", reserve_reach_km=30.0))
    day = one.daily.set_index(["date", "formation_id"])
    assert day.loc[("1945-08-09", "corridor"), "cum_km"] == pytest.approx(100.0, abs=1e-6)

    r = simulate_army(_two(corridor, reserve_carrier="carrier", reserve_reach_km=30.0,
                           reserve_carriers=("carrier", "corridor"),
                           reserve_shares=({"diesel": 0.5}, {"diesel": 0.5})))
    day = r.daily.set_index(["date", "formation_id"])
    assert day.loc[("1945-08-09", "corridor"), "cum_km"] == pytest.approx(150.0, abs=1e-6)
    assert day.loc[("1945-08-09", "corridor"), "from_reserve_l"] == pytest.approx(1000.0)
    assert day.loc[("1945-08-10", "corridor"), "cum_km"] == pytest.approx(150.0, abs=1e-6)
    assert r.army_daily["reserve_l"].iloc[1] == pytest.approx(1000.0)  # "carrier"'s section
    # the books: carried at start - consumed = on hand, every day
    a = r.army_daily
    assert (a["carried_l"] + a["delivered_l"] - a["consumed_l"] - a["on_hand_l"]).abs().max() \
        < 1e-6


def test_one_carrier_in_a_list_is_the_whole_reserve(corridor):
    """``reserve_carriers`` naming the one carrier changes nothing: the same tracks as the
    single ``reserve_carrier``."""
    one = simulate_army(_two(corridor, reserve_carrier="carrier", reserve_reach_km=30.0))
    same = simulate_army(_two(corridor, reserve_carrier="carrier", reserve_reach_km=30.0,
                              reserve_carriers=("carrier",)))
    assert one.tracks.equals(same.tracks) and one.army_daily.equals(same.army_daily)


def test_the_sections_share_the_refills_of_their_carriers_families():
    """Without ``shares``, each carrier's section carries the refills of the tanks of its
    family (the carrier and the formations below it); a formation in no carrier's family is
    the first carrier's (assumed, advance/plan.py ``reserve_sections``)."""
    import numpy as np

    from logistics.advance.plan import reserve_sections

    def fp(fid, parent, litres, fuel="diesel"):
        return SimpleNamespace(unit=SimpleNamespace(id=fid, parent=parent),
                               fuel_types=(fuel,), counts=np.array([1.0]),
                               tank_l=np.array([litres]))

    plans = [fp("rds", None, 100.0), fp("fd", "rds", 100.0), fp("corps", None, 300.0),
             fp("corps-fd", "corps", 100.0), fp("armour", None, 400.0, "petrol")]
    reach = SimpleNamespace(carriers=["rds", "corps"], shares=None)
    assert reserve_sections(reach, plans) == (
        {"diesel": pytest.approx(1 / 3), "petrol": 1.0},
        {"diesel": pytest.approx(2 / 3), "petrol": 0.0})
    reach = SimpleNamespace(carriers=["rds", "corps"], shares=[0.25, 0.75])
    assert reserve_sections(reach, plans) == ({"diesel": 0.25, "petrol": 0.25},
                                              {"diesel": 0.75, "petrol": 0.75})
    assert reserve_sections(SimpleNamespace(carriers=["rds"], shares=None), plans) == ()


def test_a_convoys_share_for_the_reserve_is_driven_to_each_section(corridor):
    """A load for the reserve's 2,000 L of room, the two sections empty (1,000 L of room each,
    one with "carrier" at km 60, one with "corridor" at km 300): each section's part reaches
    its own carrier (at 4 h and 12 h, 30 km an hour after 2 h of loading) and goes into
    that section; the rows of deliveries.csv name each section. (On main there is one
    reserve, at "carrier".)"""
    from logistics.advance.simulate import _Loop
    from tests.test_advance import truck_column

    plan = _two(corridor, reserve_carrier="carrier", reserve_reach_km=30.0,
                reserve_carriers=("carrier", "corridor"),
                reserve_shares=({"diesel": 0.5}, {"diesel": 0.5}))
    plan = dataclasses.replace(plan, reserve_l={"diesel": 0.0}, trucks=(dataclasses.replace(
        truck_column(20, payload_l=500.0), railhead_lonlat=(117.0, 47.0)),))
    loop = _Loop(plan, 0)
    for fid, km in (("corridor", 300.0), ("carrier", 60.0)):
        for e in loop.state[fid].elements:
            e.s = km
    loop.locate_reserve()
    loop.dispatch(0.0)
    sent = sorted((round(q[2].time_h, 6), q[2].formation_id, round(q[2].litres, 6))
                  for q in loop.queue)
    # timed to the first section's carrier (the most room, the first of equals), unloaded
    # there; the other section's part by trucks split off to "corridor" (not on the way)
    assert sent == [(4.0, "carrier", 1000.0), (12.0, "(reserve with corridor)", 1000.0)]
    loop.book_due(12.0)
    assert loop.ledger.sections_l[:, 0].tolist() == pytest.approx([1000.0, 1000.0])
    assert loop.reserve_en_route_l == pytest.approx(0.0)
    took = sorted((r["formation_id"], r["litres"]) for r in loop.deliveries)
    assert took == [("(reserve with corridor)", pytest.approx(1000.0)),
                    ("(reserve)", pytest.approx(1000.0))]


def _army(tmp_path, change):
    doc = yaml.safe_load((settings.CONFIG_DIR / "tbf-6gta.yaml").read_text(encoding="utf-8"))
    doc["fuel"]["reserve_reach_km"].update(change)
    p = tmp_path / "army.yaml"
    p.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return p


@pytest.mark.parametrize("change, message", [
    ({"carrier": []}, r"fuel\.reserve_reach_km: carrier \[\]: no formation named; fix: "),
    ({"carrier": ["6gta-army-units", "8gtc"]},
     r"fuel\.reserve_reach_km\.carrier: '8gtc' names no formation; known: .*fix: "),
    ({"carrier": ["7mc", "7mc"]}, r"fuel\.reserve_reach_km: carrier names '7mc' twice; fix: "),
    ({"carrier": ["6gta-army-units", "7mc"], "shares": [0.5, 0.6]},
     r"fuel\.reserve_reach_km: shares \[0\.5, 0\.6\] sum to 1\.1: .*fix: fractions above 0 "),
    ({"carrier": ["6gta-army-units", "7mc"], "shares": [1.0]},
     r"fuel\.reserve_reach_km: shares \[1\.0\]: 1 for 2 carriers .*fix: one share per carrier"),
    ({"carrier": "7mc", "shares": [1.0]},
     r"fuel\.reserve_reach_km: shares \[1\.0\] with one carrier '7mc'.*fix: leave shares out"),
])
def test_a_bad_list_of_carriers_is_one_config_error(tmp_path, change, message):
    """Each names the file, the key, the value and the fix, before any work (main: a list
    of carriers was refused as not a text, whatever it held)."""
    p = _army(tmp_path, change)
    with pytest.raises(ConfigError, match=message) as err:
        load_army(p)
    assert str(p) in str(err.value) and str(err.value).count("fix:") == 1


def test_a_list_of_carriers_loads(tmp_path):
    """Two carriers with shares summing to 1 load (main: refused, a list is not a text)."""
    reach = load_army(_army(tmp_path, {"carrier": ["6gta-army-units", "7mc"],
                                       "shares": [0.75, 0.25]})).fuel.reserve_reach_km
    assert reach.carriers == ["6gta-army-units", "7mc"] and reach.shares == [0.75, 0.25]


def test_the_reserve_takes_exactly_what_fits_in_one_section():
    """A delivery into a one-section reserve is booked at the litres put, not at the sum of
    its parts by fuel type (they may differ in the last bit: main's books, byte for byte)."""
    from logistics.supply.ledger import ArmyLedger

    cap = {"a": 51230.98030755565, "b": 95051.32326296094, "c": 14501.54531069141}
    put = 47432.98586239082
    led = ArmyLedger({k: 0.0 for k in cap}, cap, 0.0)
    assert led.to_reserve(put, "any") == put
    assert led.to_sections(put, "any") == [put]
