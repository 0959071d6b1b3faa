"""Bad inputs found from outside (helper "badin"): each ends in one clear error of ours.

Each test is a case a user hit as a hang, a silently accepted nonsense value or an error that
did not name the file, the key and the value; the fix is at the edge (the army file's schema
and cross-checks, the readers of the data a user may swap in).
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from logistics import settings
from logistics.army.load import validate_army
from logistics.errors import ConfigError


@pytest.fixture(scope="module")
def gta() -> dict:
    return yaml.safe_load((settings.CONFIG_DIR / "tbf-6gta.yaml").read_text(encoding="utf-8"))


def _refused(data: dict, *fragments: str) -> str:
    with pytest.raises(ConfigError) as err:
        validate_army(data, source="x.yaml")
    msg = str(err.value)
    for fragment in fragments:
        assert fragment in msg, msg
    return msg


def test_airlift_of_a_thousand_years_is_refused_not_simulated(gta):
    # start in the year 1000: 345,000 daily deliveries, and the run hung past 5 minutes
    bad = copy.deepcopy(gta)
    bad["supply"]["air"][0]["start"]["value"] = "1000-01-01"
    _refused(bad, "supply.air.0", "1000-01-01", "days")


@pytest.mark.parametrize("start, end", [("1945-07-01", "1945-07-05"),
                                        ("1945-10-01", "1945-10-05")])
def test_airlift_wholly_outside_the_run_is_refused(gta, start, end):
    # the run is 9-26 August: an airlift in July or October delivers nothing, silently
    bad = copy.deepcopy(gta)
    bad["supply"]["air"][0]["start"]["value"] = start
    bad["supply"]["air"][0]["end"]["value"] = end
    _refused(bad, "supply.air.0", start, "h_hour", "end")


def test_airlift_on_the_day_of_h_hour_is_accepted(gta):
    # H-hour is 00:10 on 9 August; an airlift dated 9 August (a day) lies within the run
    ok = copy.deepcopy(gta)
    ok["supply"]["air"][0]["start"]["value"] = "1945-08-09"
    ok["supply"]["air"][0]["end"]["value"] = "1945-08-26"
    validate_army(ok, source="x.yaml")


def test_truck_column_starting_after_the_run_or_ages_before_it_is_refused(gta):
    bad = copy.deepcopy(gta)
    bad["supply"]["trucks"][0]["start"]["value"] = "1945-09-30T00:00"
    bad["supply"]["trucks"][0].pop("until")
    _refused(bad, "supply.trucks.0.start", "1945-09-30", "end")
    bad = copy.deepcopy(gta)
    bad["supply"]["trucks"][0]["start"]["value"] = "1000-01-01T00:00"
    _refused(bad, "supply.trucks.0.start", "1000-01-01", "h_hour")


def test_formation_moving_off_after_the_run_has_ended_is_refused(gta):
    bad = copy.deepcopy(gta)
    bad["formations"][6]["start"]["time"] = {"value": "1945-09-20T00:00", "assumed": "x"}
    _refused(bad, "formations.6 (6gta-army-units).start.time", "1945-09-20", "end")


# --- a configs folder of the user's (LOGISTICS_CONFIG_DIR) with a damaged data file ----------

_FORTIFIED_RULE = """
rule:
  bypass: {kinds: [tank_corps]}
  breakthrough:
    kinds: [rifle_division]
    rate_km_per_day: {value: 10, assumed: x}
  detach:
    kinds: [rifle_division]
    fraction_of_men: {value: 0.1, assumed: x}
"""


@pytest.mark.parametrize("text, where", [
    ("- 1\n- 2\n", "a mapping"),
    ("fortified_regions: 5\n" + _FORTIFIED_RULE, "fortified_regions"),
    ("fortified_regions: [hailar]\n" + _FORTIFIED_RULE, "fortified_regions.0"),
    ("fortified_regions:\n  - {id: a, extent: {polygon: [[1, 2, 3]]}}\n" + _FORTIFIED_RULE,
     "fortified_regions.0 (a)"),
    ("fortified_regions:\n  - {id: a, extent: {polygon: [[120, 45], [121, 45]]}}\n"
     + _FORTIFIED_RULE, "fortified_regions.0 (a)"),
    ("fortified_regions:\n  - {id: a, location: {lon: east, lat: 45},"
     " extent: {radius_km: {value: 3, assumed: x}}}\n" + _FORTIFIED_RULE,
     "fortified_regions.0 (a)"),
    ("field_positions:\n  - {id: a, location: 7, extent: {radius_km: {value: 3, assumed: x}}}\n"
     + _FORTIFIED_RULE, "field_positions.0 (a)"),
    (_FORTIFIED_RULE.replace("{kinds: [tank_corps]}", "[tank_corps]"), "rule"),
    (_FORTIFIED_RULE.replace("kinds: [tank_corps]", "kinds: 5"), "rule"),
    (_FORTIFIED_RULE.replace("{value: 10, assumed: x}", "10"), "rule.breakthrough"),
])
def test_damaged_fortified_region_layer_is_one_config_error(tmp_path, text, where):
    from logistics.army.fortified import load_fortified

    (tmp_path / "fortified-regions.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_fortified(tmp_path)
    msg = str(err.value)
    assert "fortified-regions.yaml" in msg and where in msg and "fix" in msg, msg


@pytest.mark.parametrize("content, fragment", [
    ("line,name\n".encode() + "R01,Hailar\xe9\n".encode("latin-1"), "UTF-8"),
    (b"a,b,c\n1,2,3\n", "columns"),
    (b"- 1\n- 2\n", "columns"),
])
def test_damaged_station_list_is_one_error_naming_the_file(tmp_path, monkeypatch, gta, content,
                                                           fragment):
    from logistics.army.load import check_army
    from logistics.errors import LogisticsError

    import shutil

    configs = tmp_path / "configs"
    shutil.copytree(settings.SHIPPED_CONFIG_DIR, configs)
    (configs / "network" / "stations-1945.csv").write_bytes(content)
    monkeypatch.setattr(settings, "CONFIG_DIR", configs)
    army = validate_army(gta, source="x.yaml")
    with pytest.raises(LogisticsError) as err:
        check_army(army, config_dir=configs)
    msg = str(err.value)
    assert "stations-1945.csv" in msg and fragment in msg, msg


@pytest.mark.parametrize("text", [
    "- 1\n- 2\n",
    "sources: 5\n",
    "sources: [GLANTZ]\n",
    "sources:\n  - {title: no key}\n",
    "pointers: [a, b]\n",
    "pointers: {'[X]': 5}\n",
    "pointers: {'[X]': {keys: 5}}\n",
])
def test_damaged_bibliography_is_one_config_error_naming_the_file(tmp_path, text):
    from logistics.sources import load_bibliography

    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_bibliography(path)
    msg = str(err.value)
    assert str(path) in msg and "fix" in msg, msg


def test_damaged_bibliography_in_a_users_configs_fails_a_run_with_one_clean_line(
        tmp_path, monkeypatch, capsys):
    # the army file's citations are checked against it inside the schema (a pydantic
    # validator): the damage must come out once, as our error, not as an AttributeError
    import shutil

    from logistics.cli import main

    configs = tmp_path / "configs"
    shutil.copytree(settings.SHIPPED_CONFIG_DIR, configs)
    (configs / "sources.yaml").write_text("- 1\n", encoding="utf-8")
    monkeypatch.setattr(settings, "CONFIG_DIR", configs)
    assert main(["run", str(configs / "tbf-6gta.yaml"), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "sources.yaml" in err
    lines = [ln for ln in err.splitlines() if ln.strip() and not ln.startswith("progress")]
    assert lines[0].startswith("logistics run: error:") and len(lines) <= 4, err
    assert not (tmp_path / "o").exists()


def test_unknown_vehicle_of_a_formation_names_the_file_and_the_key(gta):
    # it said only "unknown vehicle 'tiger'; did you mean ...": not where
    bad = copy.deepcopy(gta)
    bad["formations"][6]["vehicles"][0]["vehicle"] = "tiger"
    _refused(bad, "x.yaml", "formations.6 (6gta-army-units).vehicles.0.vehicle", "'tiger'",
             "fix")


def _run_cli(tmp_path, data: dict, capsys) -> str:
    from logistics.cli import main

    path = tmp_path / "army.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert main(["run", str(path), "--resolution-m", "20000", "--out",
                 str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and not (tmp_path / "o").exists()
    lines = err.splitlines()
    first = next(i for i, ln in enumerate(lines) if ln.startswith("logistics run: error:"))
    more = [ln for ln in lines[first + 1:] if ln.startswith("  - ")]  # an army file's list
    return " ".join([lines[first], *more])


def test_truck_railhead_in_a_lake_names_the_column_and_its_railhead(tmp_path, gta, capsys):
    # it said "source 0 cell (row 11, col 14) lies on a barrier": the solver's words
    bad = copy.deepcopy(gta)
    bad["supply"]["trucks"][0]["railhead"] = {"place": "Lakeside", "lon": 117.5, "lat": 48.9,
                                             "assumed": "x"}
    line = _run_cli(tmp_path, bad, capsys)
    assert "army.yaml" in line and "supply.trucks.0.railhead" in line and "Lakeside" in line
    assert "source 0 cell" not in line


def test_truck_vehicle_that_carries_nothing_names_the_file_and_the_key(tmp_path, gta, capsys):
    bad = copy.deepcopy(gta)
    bad["supply"]["trucks"][0]["vehicle"] = "t-34-85"
    line = _run_cli(tmp_path, bad, capsys)  # found with the army file now, not in the run
    assert "army.yaml" in line and "supply.trucks.0.vehicle" in line and "payload_l" in line


@pytest.mark.parametrize("factor", ["1e308", "1e-308", "50"])
def test_absurd_route_factor_of_a_way_is_refused(tmp_path, factor):
    # 1e308 gave a rail leg of inf km and inf h in legs.csv; 1e-308 a train that teleports
    from logistics.errors import DataError
    from logistics.network.osm import load_network

    path = tmp_path / "n.osm"
    path.write_text(
        "<?xml version='1.0' encoding='UTF-8'?>\n<osm version='0.6'>"
        "<node id='1' lat='45.75' lon='126.6'/><node id='2' lat='44.58' lon='129.6'/>"
        "<way id='7'><nd ref='1'/><nd ref='2'/><tag k='railway' v='rail'/>"
        f"<tag k='route_factor' v='{factor}'/></way></osm>", encoding="utf-8")
    with pytest.raises(DataError, match=rf"way 7: route_factor='{factor}'"):
        load_network(path)
    ok = path.read_text(encoding="utf-8").replace(f"v='{factor}'", "v='1.07'")
    path.write_text(ok, encoding="utf-8")
    assert load_network(path).number_of_edges() == 2  # both directions


def _configs_with(tmp_path, make) -> Path:
    import shutil

    root = tmp_path / "configs"
    (root / "vehicles").mkdir(parents=True)
    shutil.copy(settings.SHIPPED_CONFIG_DIR / "tbf-39a.yaml", root)
    shutil.copy(settings.SHIPPED_CONFIG_DIR / "vehicles" / "zis-5.yaml", root / "vehicles")
    make(root)
    return root


@pytest.mark.parametrize("make, fragment", [
    (lambda r: (r / "x.yaml").write_bytes("name: caf\xe9\n".encode("latin-1")), "UTF-8"),
    (lambda r: __import__("os").mkfifo(r / "vehicles" / "p.yaml"), "not a regular file"),
])
def test_schema_over_a_users_folder_with_a_bad_yaml_is_one_clean_error(tmp_path, capsys, make,
                                                                       fragment):
    # a Latin-1 file gave a UnicodeDecodeError traceback; a pipe named *.yaml hung for ever
    from logistics.cli import main

    root = _configs_with(tmp_path, make)
    before = (root / "tbf-39a.yaml").read_bytes()
    assert main(["schema", "--configs", str(root)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and fragment in err, err
    assert err.startswith("logistics schema: error:")
    assert (root / "tbf-39a.yaml").read_bytes() == before  # checked before anything is written


@pytest.mark.parametrize("key, low, high, fragment", [
    ("fuel.in_tanks_refills", 5, 9, "in_tanks_refills must be <= 1"),
    ("supply.trucks.0.count", -10, 5, "count must be >= 0"),
    ("speed_scale", 0, 2, "speed_scale must be a number in [0.05, 20]"),
])
def test_uncertain_range_outside_what_the_figure_allows_is_refused_at_load(gta, key, low, high,
                                                                           fragment):
    # it passed the load and failed only in `compare --samples`, after the runs, with the whole
    # draw in the message and the fix pointing at the figure instead of the range
    from logistics.army.load import check_army

    bad = copy.deepcopy(gta)
    bad["uncertain"] = {key: {"low": low, "high": high, "assumed": "x"}}
    with pytest.raises(ConfigError) as err:
        check_army(validate_army(bad, source="x.yaml"))
    msg = str(err.value)
    assert f"uncertain: {key}" in msg and fragment in msg and "with overrides" not in msg, msg
    ok = copy.deepcopy(gta)
    ok["uncertain"] = {"fuel.carried_refills": {"low": 0.5, "high": 3, "assumed": "x"}}
    check_army(validate_army(ok, source="x.yaml"))


def test_reserve_carrier_without_vehicles_is_refused_naming_the_key(gta):
    """``fuel.reserve_reach_km.carrier`` on a formation with no vehicle (men on foot only): the
    reserve would ride on nothing, yet the run went on (found from outside). One ConfigError
    naming the key, the carrier and a fix (a formation with transport of its own)."""
    from logistics.army.fortified import load_fortified
    from logistics.army.norms import load_norms
    from logistics.army.resolve import resolve_formations

    bad = copy.deepcopy(gta)
    units = next(f for f in bad["formations"] if f["id"] == "6gta-army-units")
    units.update(vehicles=[], movement="foot")
    units.pop("march_norm", None)
    for k in [k for k in bad.get("uncertain", {}) if k.startswith("formations.6gta-army-units.veh")]:
        del bad["uncertain"][k]
    army = validate_army(bad, source="x.yaml")
    with pytest.raises(ConfigError) as err:
        resolve_formations(army, load_norms(), load_fortified().rule)
    msg = str(err.value)
    assert "fuel.reserve_reach_km.carrier: '6gta-army-units'" in msg, msg
    assert "no vehicle" in msg and "fix:" in msg and "fd-5gtc" in msg, msg
    # the shipped carrier (the army's own motor transport and tanks) resolves
    assert any(u.id == "6gta-army-units" for u in resolve_formations(
        validate_army(gta, source="x.yaml"), load_norms(), load_fortified().rule))


_RATES = settings.CONFIG_DIR / "history" / "planned-rates.yaml"
_STATES = settings.CONFIG_DIR / "history" / "fuel-states.csv"


@pytest.mark.parametrize("edit, where", [
    (lambda d: d.__setitem__("kinds", ["rifle_division"]), "kinds"),
    (lambda d: d.__setitem__("by_movement", "motor"), "by_movement"),
    (lambda d: d["kinds"].__setitem__("rifle_division", ["rifle"]), "kinds.rifle_division"),
    (lambda d: d.__setitem__("default", ["rifle"]), "default"),
], ids=["kinds-list", "by-movement-text", "kind-rate-list", "default-list"])
def test_planned_rates_of_the_wrong_shape_are_one_config_error(tmp_path, edit, where):
    """``configs/history/planned-rates.yaml`` whose ``kinds``/``by_movement`` is no mapping or
    names a rate by a list: one ConfigError naming the file and the key (was an
    AttributeError or TypeError traceback out of ``compare``)."""
    from logistics.history.baseline import load_planned_rates

    doc = yaml.safe_load(_RATES.read_text(encoding="utf-8"))
    edit(doc)
    p = tmp_path / "planned-rates.yaml"
    p.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"planned-rates\.yaml: .*{where}: .*fix: "):
        load_planned_rates(p)


@pytest.mark.parametrize("make, what", [
    (lambda p, t: p.write_bytes(t.encode("utf-8").replace(b"Korokhon", b"Korokh\xe9n", 1)),
     "UTF-8"),
    (lambda p, t: p.write_bytes(t.encode("utf-16")), "UTF-8"),
    (lambda p, t: p.write_text("", encoding="utf-8"), "empty"),
    (lambda p, t: p.mkdir(), "a folder"),
    (lambda p, t: p.write_text(t + '"unclosed\n', encoding="utf-8"), "cannot be read"),
    (lambda p, t: p.write_text(t.replace(",0.25,", ",inf,", 1), encoding="utf-8"), "refills"),
    (lambda p, t: p.write_text(t.replace(",0.25,", ",-5,", 1), encoding="utf-8"), "refills"),
], ids=["latin1", "utf16", "empty", "folder", "unclosed-quote", "refills-inf", "refills-negative"])
def test_damaged_fuel_states_are_one_error_naming_the_file(tmp_path, make, what):
    """``configs/history/fuel-states.csv`` not UTF-8, empty, a folder, with an unclosed quote or
    a refill count that is infinite or negative: one LogisticsError naming the file (the first
    five were tracebacks out of ``compare``; the last two were scored)."""
    from logistics.errors import LogisticsError
    from logistics.history.fuel import load_fuel_states

    p = tmp_path / "fuel-states.csv"
    make(p, _STATES.read_text(encoding="utf-8"))
    with pytest.raises(LogisticsError) as err:
        load_fuel_states(p)
    msg = str(err.value)
    assert str(p) in msg and what in msg and "fix:" in msg, msg


@pytest.mark.parametrize("rate", [1e-300, 0.05, 1e300, 6000])
def test_a_planned_rate_beyond_any_march_is_refused_naming_the_key(tmp_path, rate):
    """A planned rate of 1e-300 km a day ran `compare` for 49 s, then a pandas
    OutOfBoundsTimedelta traceback (the planned arrival lay past pandas' dates); 1e300 was
    scored. Refused outside [0.1, 5000] km a day, naming the key, the value and a fix."""
    from logistics.history.baseline import load_planned_rates

    doc = yaml.safe_load(_RATES.read_text(encoding="utf-8"))
    doc["rates"]["rifle"]["rate_km_per_day"] = rate
    p = tmp_path / "planned-rates.yaml"
    p.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"rates\.rifle\.rate_km_per_day: .*fix: give "
                                          r"rate_km_per_day a number in \[0\.1, 5000\]"):
        load_planned_rates(p)


@pytest.mark.parametrize("key, value", [
    ("fronts", "Transbaikal Front"), ("fronts", [1, 2]), ("season", "monsoon"), ("season", 5),
], ids=["fronts-text", "fronts-numbers", "season-unknown", "season-number"])
def test_a_heat_rule_that_can_never_apply_is_refused_naming_the_key(tmp_path, key, value):
    """``heat_rule.fronts`` written as one text (read letter by letter: the rule never matched
    a front) or a ``season`` that is no season: the heat rule was silently off. One
    ConfigError naming the key and a fix."""
    import shutil

    from logistics.army.norms import load_norms

    cfg = tmp_path / "configs"
    shutil.copytree(settings.CONFIG_DIR / "norms", cfg / "norms")
    shutil.copytree(settings.CONFIG_DIR / "vehicles", cfg / "vehicles")  # its norms name them
    p = cfg / "norms" / "march.yaml"
    doc = yaml.safe_load(p.read_text(encoding="utf-8"))
    doc["norms"]["foot_column"]["heat_rule"][key] = value
    p.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"march\.yaml: norms\.foot_column\.heat_rule\.{key}: "
                                          r".*fix: "):
        load_norms(cfg)
