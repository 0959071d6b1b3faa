"""Fuel drained from stalled vehicles only where the source says it was done
(``fuel.drain_stalled.formations``, issue 13: 'with fuel drained from stalled vehicles where
sources say it was done')."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest
import yaml

from logistics import settings
from logistics.advance.fuel_draw import FuelDraw
from logistics.army.load import load_army
from logistics.errors import ConfigError


def _loop(families: tuple[str, ...]):
    parents = {"5gtc": None, "fd-5gtc": "5gtc", "9gmc": None, "fd-9gmc": "9gmc"}
    fp = {k: SimpleNamespace(unit=SimpleNamespace(parent=v)) for k, v in parents.items()}
    return SimpleNamespace(plan=SimpleNamespace(drain_families=families), fp=fp)


def test_only_the_named_families_drain():
    """[DAINES-TV] names the 5th Guards Tank Corps: it and its forward detachment drain; the
    9th Guards Mechanized Corps does not. No list: every formation drains."""
    named = _loop(("5gtc",))
    assert FuelDraw.may_drain(named, "5gtc") and FuelDraw.may_drain(named, "fd-5gtc")
    assert not FuelDraw.may_drain(named, "9gmc") and not FuelDraw.may_drain(named, "fd-9gmc")
    every = _loop(())
    assert all(FuelDraw.may_drain(every, f) for f in ("5gtc", "fd-5gtc", "9gmc", "fd-9gmc"))


def test_the_shipped_6th_gta_drains_only_the_corps_its_source_names():
    army = load_army(settings.CONFIG_DIR / "tbf-6gta.yaml")
    assert army.fuel.drain_stalled.value is True
    assert army.fuel.drain_stalled.formations == ["5gtc"]


def test_an_unknown_formation_in_the_drain_list_is_one_config_error(tmp_path):
    doc = yaml.safe_load((settings.CONFIG_DIR / "tbf-6gta.yaml").read_text(encoding="utf-8"))
    doc["fuel"]["drain_stalled"]["formations"] = ["5gtc", "8gtc"]
    p = tmp_path / "army.yaml"
    p.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"fuel\.drain_stalled\.formations: '8gtc' names no "
                                          r"formation"):
        load_army(p)


def test_a_huge_unknown_id_is_cut_in_the_message(tmp_path):
    """A reference list naming a 30,000-character id (a fuzzed file) says so in a short
    message, not by quoting it whole (tests/test_fuzz_inputs.py asks < 20,000 characters)."""
    doc = yaml.safe_load((settings.CONFIG_DIR / "tbf-6gta.yaml").read_text(encoding="utf-8"))
    doc["fuel"]["priority"]["order"].append("x" * 30_000)
    doc["fuel"]["drain_stalled"]["formations"] = ["y" * 30_000]
    p = tmp_path / "army.yaml"
    p.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_army(p)
    text = str(err.value)
    assert "30,002 characters" in text and len(text) < 2_000


def test_the_shipped_6th_gta_reserve_rides_with_the_army_units():
    """The reserve is on the army's own motor transport, counted in the army units
    ([VELIKAYA-POBEDA]: it fell hopelessly behind); its reach is a named assumption."""
    reach = load_army(settings.CONFIG_DIR / "tbf-6gta.yaml").fuel.reserve_reach_km
    assert reach.carrier == "6gta-army-units"
    assert reach.assumed and "VELIKAYA-POBEDA" in reach.assumed
    assert 0 < reach.value <= 200


def test_every_transbaikal_army_places_its_reserve_with_a_carrier():
    """[DAINES-TA] puts the combined-arms armies and the Cavalry-Mechanized Group in the tank
    army's position ('Аналогичное положение сложилось в общевойсковых армиях и
    конномеханизированной группе'): every Transbaikal Front army file places its reserve with
    a carrier of its own, at the one reach (the group drew anywhere: its refills were never
    short of its head, however far its transport was)."""
    files = sorted(settings.CONFIG_DIR.glob("tbf-*.yaml"))
    armies = [load_army(p) for p in files]
    transbaikal = [a for a in armies if a.front == "Transbaikal Front"]
    assert {a.axis_id for a in transbaikal} >= {"TBF-6GTA", "TBF-CMG", "TBF-17A"}
    for army in transbaikal:
        reach = army.fuel.reserve_reach_km
        assert reach is not None, army.axis_id
        assert reach.value == 100 and reach.assumed, army.axis_id
        assert set(reach.carriers) <= {f.id for f in army.formations}, army.axis_id


@pytest.mark.parametrize("change, message", [
    ({"carrier": "8gtc"}, r"fuel\.reserve_reach_km\.carrier: '8gtc' names no formation.*fix"),
    ({"value": 0}, r"reserve_reach_km must be > 0, got 0"),
    ({"value": -5}, r"reserve_reach_km must be > 0"),
    ({"carrier": ""}, r"reserve_reach_km: carrier '': no formation named; fix: the id"),
    ({"carrier": ["a", "b"]}, r"reserve_reach_km\.carrier: 'a' names no formation.*fix"),
])
def test_a_bad_reserve_reach_is_one_config_error(tmp_path, change, message):
    doc = yaml.safe_load((settings.CONFIG_DIR / "tbf-6gta.yaml").read_text(encoding="utf-8"))
    doc["fuel"]["reserve_reach_km"].update(change)
    p = tmp_path / "army.yaml"
    p.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as err:
        load_army(p)
    assert str(p) in str(err.value) or p.name in str(err.value)


def test_a_missing_carrier_says_what_the_key_holds(tmp_path):
    """Without ``carrier`` the message said only 'Field required; fix: add this key': it now
    says what to put there (the key's description in the army schema)."""
    doc = yaml.safe_load((settings.CONFIG_DIR / "tbf-6gta.yaml").read_text(encoding="utf-8"))
    del doc["fuel"]["reserve_reach_km"]["carrier"]
    p = tmp_path / "army.yaml"
    p.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"fuel\.reserve_reach_km\.carrier: Field required; "
                       r"fix: add this key \(carrier: the id of the formation whose transport "
                       r"carries the army's reserve"):
        load_army(p)


def test_a_reserve_carrier_on_ships_is_one_config_error(tmp_path):
    """A user put the 15th Army's reserve on its landing party (``carried_by`` a flotilla
    brigade): it ran, the reserve sailed 666 km up the Sungari in three days and sat full
    while every formation on land stood dry beyond its reach. The reserve rides on a
    formation's own transport ([VELIKAYA-POBEDA]: the motor transport); a formation carried
    by ships (or trains) has none, so the file is refused with the formations that can carry
    it."""
    doc = yaml.safe_load((settings.CONFIG_DIR / "2fef-15a.yaml").read_text(encoding="utf-8"))
    doc["fuel"]["reserve_reach_km"] = {"value": 80, "carrier": "15a-landing",
                                       "assumed": "a user's trial"}
    p = tmp_path / "army.yaml"
    p.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"fuel\.reserve_reach_km\.carrier: '15a-landing' "
                       r"moves by river.*fix: .*'15a-rds'") as err:
        load_army(p)
    assert str(err.value).count("reserve_reach_km") == 1  # one problem, not a cascade
    # the same file with a land formation as the carrier loads
    doc["fuel"]["reserve_reach_km"]["carrier"] = "15a-rds"
    p.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert load_army(p).fuel.reserve_reach_km.carrier == "15a-rds"


@pytest.mark.parametrize("key, bare, shape", [
    ("reserve_reach_km", 80, "{value: 80, carrier: <formation id>, "),
    ("carried_refills", 1, "{value: 1, "),
])
def test_a_bare_number_for_a_figure_says_how_to_write_the_figure(tmp_path, key, bare, shape):
    """A newcomer writes ``reserve_reach_km: 80``; the error said only 'write a mapping of
    keys' and named a class (ReserveReachFigure) the user never sees. It now shows the
    mapping with the keys this figure needs (the carrier too) and its provenance."""
    doc = yaml.safe_load((settings.CONFIG_DIR / "tbf-36a.yaml").read_text(encoding="utf-8"))
    doc["fuel"][key] = bare
    p = tmp_path / "army.yaml"
    p.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_army(p)
    text = str(err.value)
    assert f"fuel.{key}: " in text and f"(got {bare})" in text
    assert f"fix: write it as a figure: {shape}cite: " in text and "assumed: " in text
    assert "Figure" not in text  # no class name of the code


@pytest.mark.parametrize("axis, carrier", [("tbf-39a", "39a-main-rds"), ("tbf-17a", "17a-rds"),
                                           ("tbf-36a", "36a-main-rds")])
def test_the_transbaikal_armies_reserves_ride_with_their_main_bodies(axis, carrier):
    """[DAINES-TA]: the Transbaikal Front's combined-arms armies, like the tank army, waited for
    fuel after 13-14 August; their reserves ride as the tank army's does, with the main body
    (an assumption: which formation their transport followed is not found), at its reach."""
    gta = load_army(settings.CONFIG_DIR / "tbf-6gta.yaml").fuel.reserve_reach_km
    army = load_army(settings.CONFIG_DIR / f"{axis}.yaml")
    reach = army.fuel.reserve_reach_km
    assert reach.carriers[0] == carrier  # the main body's; a corps on its own axis: its own
    assert next(f for f in army.formations if f.id == carrier).role == "main_body"
    assert "DAINES-TA" in reach.assumed and "ожидать подвоза горючего" in reach.assumed
    assert reach.value == gta.value


def test_the_39th_army_outruns_its_reserve_and_waits_for_fuel(tmp_path):
    """With its reserve behind the rifle divisions, the 39th Army's mobile formations are held
    for fuel, first when they are beyond its reach, never the carrier, and not before
    13 August (the tanks' own refill lasts ~250 km: configs/norms/movement.yaml
    km_per_refill_normal); with the same reserve drawn anywhere they are held only later,
    when the army's fuel is spent: its trucks bring none after the Khingan roads close
    (supply.trucks until, 11 Aug 12:00), so the fuel runs out either way (before the last
    convoy was kept off the closed road, none was held with the reserve drawn anywhere)."""
    from logistics.history.fuel import DRY_STATUS
    from logistics.runner import run_scenario

    path = settings.CONFIG_DIR / "tbf-39a.yaml"
    reach = load_army(path).fuel.reserve_reach_km
    r = run_scenario(path)
    t = r.tracks.sort_values(["time", "formation_id"])
    held = t[t["status"] == DRY_STATUS]
    assert len(held), "no formation of the 39th Army was held for fuel"
    assert "39a-main-rds" not in set(held["formation_id"])
    assert held["time"].min() >= pd.Timestamp("1945-08-13")
    assert held["reserve_km"].iloc[0] > reach.value
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["fuel"]["reserve_reach_km"]["value"] = 5000  # as wide as the theatre: drawn anywhere
    doc["uncertain"].pop("fuel.reserve_reach_km")
    anywhere = tmp_path / "tbf-39a.yaml"
    anywhere.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    r2 = run_scenario(anywhere)
    held2 = r2.tracks[r2.tracks["status"] == DRY_STATUS]
    assert held2.empty or held2["time"].min() >= held["time"].min() + pd.Timedelta(days=1)


def test_the_9th_guards_mech_corps_marches_in_two_columns():
    """[LOZA-TANKIST]: the corps crossed the Khingan by two river valleys, so its column is
    two road columns (half the length to close up each evening); the other corps keep the
    standard's one (the 5th Guards Tank Corps climbed 'по одной дороге', [DAINES-TA])."""
    from logistics.army.fortified import load_fortified
    from logistics.army.norms import load_norms
    from logistics.army.resolve import resolve_formations

    army = load_army(settings.CONFIG_DIR / "tbf-6gta.yaml")
    f = next(x for x in army.formations if x.id == "9gmc")
    assert f.column.routes.value == 2 and "LOZA-TANKIST" in f.column.routes.cite
    routes = {u.id: u.routes for u in resolve_formations(army, load_norms(), load_fortified().rule)}
    assert routes["9gmc"] == 2 and routes["5gtc"] == 1 and routes["7mc"] == 1
