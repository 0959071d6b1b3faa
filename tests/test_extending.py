"""A newcomer extends the model from the docs alone: the army template runs and is not an army
of configs/, the docs name every key the schemas accept, a vehicle added to a copied configs
tree is used once LOGISTICS_CONFIG_DIR points at it, and the errors a newcomer meets on the way
say where things are read from and what to do."""

from __future__ import annotations

import math
import re
import shutil
from pathlib import Path

import pytest
import yaml

from logistics import settings
from logistics.army.load import army_paths, load_army, validate_army
from logistics.errors import ConfigError
from logistics.settings import PROJECT_ROOT

CONFIGS = Path(PROJECT_ROOT) / "configs"
TEMPLATE = CONFIGS / "armies" / "template.yaml"


def _template() -> dict:
    return yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))


def _figures(node, path=""):
    """(dotted path, mapping) of every mapping holding a `value:` (a figure)."""
    if isinstance(node, dict):
        if "value" in node:
            yield path, node
        for k, v in node.items():
            yield from _figures(v, f"{path}.{k}" if path else str(k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _figures(v, f"{path}.{i}")


# --------------------------------------------------------------------------- the template


def test_the_template_is_not_one_of_the_armies_of_configs():
    """`logistics run configs/` runs the army files directly in configs/; the template is in a
    subfolder, so it is never run or compared as an axis."""
    from logistics.cli.run import scenario_files

    assert TEMPLATE.is_file()
    assert TEMPLATE not in army_paths(CONFIGS)
    assert TEMPLATE not in scenario_files(CONFIGS)
    assert "TEMPLATE-AXIS" not in {load_army(p, check=False).axis_id for p in army_paths(CONFIGS)}


def test_every_figure_of_the_template_is_a_named_placeholder():
    """A template must not pass for history: no figure cites a source, each says it is a
    template placeholder."""
    data = _template()
    figures = list(_figures(data))
    assert len(figures) >= 10
    for path, fig in figures:
        assert "cite" not in fig and "source" not in fig, path
        assert "template placeholder" in fig.get("assumed", ""), path
    assert "cite" not in yaml.safe_dump(data).replace("citation", "")


@pytest.fixture(scope="module")
def template_run():
    """The template run on a coarse 25 km grid (seconds)."""
    from logistics.runner import run_scenario

    army = load_army(TEMPLATE)
    assert [f.id for f in army.formations] == ["tpl-tb"]
    return run_scenario(army, resolution_m=25000)


def test_the_template_loads_and_its_brigade_drives_its_route(template_run):
    """The template, run on a coarse grid: its one formation leaves Blagoveshchensk and
    reaches Bei'an, then Qiqihar, on a route no shorter than the great-circle legs between
    them (less the objectives' 10 km radius at each end)."""
    from logistics.geodesy import great_circle_km
    from logistics.places import lookup

    result = template_run
    legs = [lookup(n) for n in ("Blagoveshchensk", "Bei'an", "Qiqihar")]
    straight = sum(great_circle_km(a.lon, a.lat, b.lon, b.lat) for a, b in zip(legs, legs[1:]))
    route_km = float(result.routes["cum_km"].max())
    assert straight - 2 * 10 <= route_km <= 2 * straight, (straight, route_km)
    track = result.tracks[result.tracks["formation_id"] == "tpl-tb"]
    assert track["time"].is_monotonic_increasing and track["cum_km"].is_monotonic_increasing
    objectives = result.reached[result.reached["kind"] == "objective"].sort_values("time")
    assert list(objectives["name"])[:2] == ["Bei'an", "Qiqihar"], \
        objectives
    assert float(track["cum_km"].iloc[-1]) == pytest.approx(route_km, abs=1.0)


def test_the_run_names_the_vehicle_file_of_its_supply_trucks(template_run):
    """A vehicle added for a truck column (a newcomer's GAZ-AA) was used but not named: the
    provenance (report.md, "Data") listed only the formations' classes. The template's column
    drives ZIS-5s, which its brigade (t-34-85, studebaker-us6) does not have."""
    vehicles = template_run.provenance["vehicles"]
    assert {"t-34-85", "studebaker-us6", "zis-5"} <= set(vehicles)
    assert Path(vehicles["zis-5"]).name == "zis-5.yaml"


# --------------------------------------------------------------------------- key references


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    nxt = text.find("\n## ", start + len(heading))
    return text[start: nxt if nxt > 0 else len(text)]


def test_the_formations_table_names_every_formation_key():
    """configs/armies/README.md "Formations" lists every key a formation may give (it lacked
    `pace_vehicle` and `headline`, which the schema took)."""
    from logistics.army.schema import FormationSpec

    table = _section((CONFIGS / "armies" / "README.md").read_text(encoding="utf-8"),
                     "## Formations")
    missing = [k for k in FormationSpec.model_fields if f"`{k}`" not in table]
    assert not missing, missing


def test_the_readmes_name_every_top_level_key_of_an_army_file():
    from logistics.army.schema import Army

    text = ((CONFIGS / "armies" / "README.md").read_text(encoding="utf-8")
            + (CONFIGS / "README.md").read_text(encoding="utf-8"))
    missing = [k for k in Army.model_fields if f"`{k}" not in text]
    assert not missing, missing


def test_the_vehicles_readme_names_every_key_of_a_vehicle_file():
    from logistics.vehicles import _TOP_KEYS

    text = (CONFIGS / "vehicles" / "README.md").read_text(encoding="utf-8")
    table = _section(text, "## Keys")
    missing = sorted(k for k in _TOP_KEYS if f"`{k}`" not in table)
    assert not missing, missing


def test_the_vehicles_readme_is_not_read_as_a_vehicle():
    from logistics.vehicles import list_vehicles

    assert "readme" not in {v.lower() for v in list_vehicles()}


# --------------------------------------------------------------------------- a copied tree


SU100 = """\
name: SU-100
aliases: [SU100]
kind: tracked
fuel_type: diesel
mass_t: {value: 31.6, assumed: "a software check"}
power_hp: {value: 500, assumed: "a software check"}
tank_l: {value: 400, assumed: "a software check"}
speed_road_kmh: {value: 50, assumed: "a software check"}
speed_cc_kmh: {value: 25, assumed: "a software check"}
max_grade_deg: {value: 20, assumed: "a software check"}
fording_depth_m: {value: 1.0, assumed: "a software check"}
idle_fuel_l_per_h: {value: 6, assumed: "a software check"}
driveline_efficiency: {value: 0.6, assumed: "a software check"}
calibrate_like: {vehicle: t-34-85, fuel_volume_factor: 1.0, assumed: "a software check"}
"""


@pytest.fixture
def copied_tree(tmp_path) -> Path:
    """A copy of configs/ with an SU-100 and the template, as a newcomer makes it, holding an
    army file whose brigade has SU-100s."""
    root = tmp_path / "my-configs"
    shutil.copytree(CONFIGS, root, ignore=shutil.ignore_patterns("schema", "*.osm", "*.png"))
    (root / "vehicles" / "su-100.yaml").write_text(SU100, encoding="utf-8")
    data = _template()
    data["formations"][0]["vehicles"] = [
        {"vehicle": "t-34-85", "count": {"value": 45, "assumed": "a software check"}},
        {"vehicle": "su-100", "count": {"value": 20, "assumed": "a software check"}}]
    (root / "my-axis.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return root


def test_an_unknown_vehicle_names_the_folder_read_and_the_fix(copied_tree):
    """It said "unknown vehicle 'su-100'; did you mean 'su-76m'?; fix: correct the value as
    described": not where vehicles are read from, nor that a copied tree needs
    LOGISTICS_CONFIG_DIR."""
    with pytest.raises(ConfigError) as err:
        load_army(copied_tree / "my-axis.yaml")
    msg = str(err.value)
    assert "formations.0 (tpl-tb).vehicles.1.vehicle" in msg
    assert str(Path(settings.CONFIG_DIR) / "vehicles") in msg
    assert "fix:" in msg and "su-100.yaml" in msg and "LOGISTICS_CONFIG_DIR" in msg
    assert "configs/armies/README.md" in msg  # the key reference of an army file


@pytest.mark.parametrize("name, vid", [("T-34-85", "t-34-85"), ("Sherman", "m4a2-76w"),
                                       ("ZiS-5", "zis-5")])
def test_a_vehicle_named_by_its_name_or_alias_says_to_write_its_id(name, vid):
    """`vehicle: T-34-85` (the name `route --vehicle` and `sample` take) said "unknown vehicle
    'T-34-85'; did you mean 't-34-85'?; fix: ... or add T-34-85.yaml there (copy a vehicle
    ...)": as if the vehicle were missing, when only its spelling as an id was."""
    data = _template()
    data["supply"]["trucks"][0]["vehicle"] = name
    with pytest.raises(ConfigError) as err:
        validate_army(data, source="mine.yaml")
    (line,) = [ln for ln in str(err.value).splitlines() if repr(name) in ln]
    assert "supply.trucks.0.vehicle" in line and f"fix: write {vid}" in line
    assert f"{vid}.yaml" in line and "add " not in line


def test_a_vehicle_of_a_copied_tree_is_used_with_its_config_dir(copied_tree, monkeypatch):
    from logistics.army.norms import load_norms
    from logistics.army.fortified import load_fortified
    from logistics.army.resolve import resolve_formations

    monkeypatch.setattr(settings, "CONFIG_DIR", copied_tree)
    army = load_army(copied_tree / "my-axis.yaml")
    (f,) = resolve_formations(army, load_norms(), load_fortified().rule)
    classes = dict(f.classes)
    assert classes["su-100"] == 20 and classes["t-34-85"] == 45
    assert f.pace_vehicle == "t-34-85"  # the most numerous tracked class (README, Formations)


def test_run_warns_that_a_copied_tree_is_not_read(copied_tree, tmp_path, capsys):
    from logistics.cli import main

    assert main(["run", str(copied_tree / "my-axis.yaml"), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    note = next(ln for ln in err.splitlines() if "note:" in ln)
    assert str(copied_tree) in note and "vehicles/" in note and "norms/" in note
    assert f"LOGISTICS_CONFIG_DIR={copied_tree.resolve()}" in note
    assert str(settings.CONFIG_DIR) in note
    assert not (tmp_path / "o").exists()


def test_run_help_says_where_vehicles_and_norms_are_read(capsys):
    from logistics.cli import main

    with pytest.raises(SystemExit):
        main(["run", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "LOGISTICS_CONFIG_DIR" in text and "configs/armies/template.yaml" in text
    # "every *.yaml in it" of a folder: not the data files beside the army files
    from logistics.army.load import NOT_ARMIES

    assert all(name in text for name in NOT_ARMIES)


def test_no_warning_for_the_config_dir_itself_or_a_plain_folder(copied_tree, tmp_path,
                                                                  monkeypatch):
    from logistics.cli.run import other_tree_note

    assert other_tree_note(Path(settings.CONFIG_DIR)) is None
    plain = tmp_path / "plain"
    plain.mkdir()
    shutil.copy(TEMPLATE, plain / "my-axis.yaml")
    assert other_tree_note(plain) is None
    monkeypatch.setattr(settings, "CONFIG_DIR", copied_tree)
    assert other_tree_note(copied_tree) is None


def test_a_report_of_a_run_on_a_copied_tree_says_so(config_copy, template_run):
    """The report of a run on a copied configs folder printed its vehicle files as
    'configs/vehicles/...' and its command as 'logistics run ...': rerun as written, it reads
    the shipped vehicles and norms, not the copy's (a new vehicle is then unknown)."""
    from logistics.report.references import finish_page
    from logistics.report.run_page import run_report
    from logistics.runner import run_scenario

    page = finish_page(run_report(run_scenario(load_army(TEMPLATE), resolution_m=25000)))
    assert "LOGISTICS_CONFIG_DIR=my-configs logistics run " in page
    assert "config_dir: `my-configs`" in page
    shipped = finish_page(run_report(template_run))
    assert "LOGISTICS_CONFIG_DIR" not in shipped and "config_dir" not in shipped


def test_the_command_of_a_run_on_a_copied_tree_names_the_army_file_in_the_copy(config_copy):
    """A newcomer's army file in the copy, given by its full path: report.md's command read
    'LOGISTICS_CONFIG_DIR=my-configs logistics run configs/my-axis.yaml' (the page's name of
    the copy), which pasted beside the copy names the shipped configs or nothing."""
    from logistics.report.references import finish_page
    from logistics.report.run_page import run_report
    from logistics.runner import run_scenario

    mine = config_copy / "my-axis.yaml"
    shutil.copy(TEMPLATE, mine)
    page = finish_page(run_report(run_scenario(load_army(mine.resolve()), resolution_m=25000)))
    assert ("command: `LOGISTICS_CONFIG_DIR=my-configs logistics run my-configs/my-axis.yaml "
            "--resolution-m 25000`") in page


def test_the_halts_section_names_the_formation_they_are_of(template_run):
    """report.md's '## Halts' listed 'halted: no fuel: ...' lines under no name, after a
    summary of every formation: they are the headline formation's, and say so; '1 more
    halts' was the summary's count."""
    import dataclasses

    from logistics.report.run_page import run_report

    halt = {"reason": "halted: no fuel", "start": "1945-08-13T03:00", "end": "1945-08-13T04:00",
            "cum_km": 373.0}
    result = dataclasses.replace(template_run, summary={**template_run.summary,
                                                         "halts": [halt] * 7})
    page = run_report(result)
    assert "## Halts of tpl-tb (the headline formation)" in page
    assert "... 1 more halt of tpl-tb (all under Halts below)" in page


# --------------------------------------------------------------------------- errors on the way

# A truck added without a tank capacity (the ZIS-5's file has none either: configs/norms/
# movement.yaml fuel.tank_l_when_vehicle_file_has_none gives it), under its own name.
GAZAA = """\
name: GAZ-AA
kind: wheeled
fuel_type: petrol
mass_t: {value: 3.3, assumed: "a software check"}
power_hp: {value: 40, assumed: "a software check"}
payload_t: {value: 1.5, assumed: "a software check"}
speed_road_kmh: {value: 70, assumed: "a software check"}
speed_cc_kmh: {value: 35, assumed: "a software check"}
max_grade_deg: {value: 15, assumed: "a software check"}
fording_depth_m: {value: 0.5, assumed: "a software check"}
idle_fuel_l_per_h: {value: 1.5, assumed: "a software check"}
driveline_efficiency: {value: 0.7, assumed: "a software check"}
calibrate_like: {vehicle: zis-5, fuel_volume_factor: 1.0, assumed: "a software check"}
"""


@pytest.fixture
def config_copy(tmp_path, monkeypatch) -> Path:
    """A whole copy of configs/ with GAZAA, read as the configs folder (LOGISTICS_CONFIG_DIR),
    from the folder holding it."""
    root = tmp_path / "my-configs"
    shutil.copytree(CONFIGS, root)
    (root / "vehicles" / "gaz-aa.yaml").write_text(GAZAA, encoding="utf-8")
    monkeypatch.setattr(settings, "CONFIG_DIR", root)
    monkeypatch.chdir(tmp_path)
    return root


def _with_gazaa(where: str) -> dict:
    """The template with GAZAA (no tank capacity anywhere) on its supply column or in its
    first formation."""
    data = _template()
    if where == "supply":
        data["supply"]["trucks"][0]["vehicle"] = "gaz-aa"
    else:
        data["formations"][0]["vehicles"] = [
            {"vehicle": "t-34-85", "count": {"value": 65, "assumed": "a software check"}},
            {"vehicle": "gaz-aa", "count": {"value": 20, "assumed": "a software check"}}]
    return data


@pytest.mark.parametrize("where", ["supply", "formation"])
def test_a_vehicle_without_a_tank_names_every_place_to_give_one(config_copy, where):
    """The supply column's message named only the column's truck_tank_l and the formation's
    ended 'fix: add one there' after naming two files: neither said that tank_l in the new
    vehicle's own file is the usual fix, nor which file that is."""
    from logistics.runner import run_scenario

    data = _with_gazaa(where)
    with pytest.raises(ConfigError) as err:
        run_scenario(validate_army(data, source="mine.yaml"), resolution_m=25000)
    msg = str(err.value)
    fix = msg[msg.index("fix:"):]
    assert "'gaz-aa'" in msg
    assert str(config_copy / "vehicles" / "gaz-aa.yaml") in fix and "tank_l" in fix
    assert "fuel.tank_l_when_vehicle_file_has_none" in fix
    assert str(config_copy / "norms" / "movement.yaml") in fix
    assert ("truck_tank_l" in fix) == (where == "supply")


@pytest.mark.parametrize("where", ["supply", "formation"])
def test_a_vehicle_without_a_tank_is_found_with_the_army_file_before_any_terrain(config_copy,
                                                                                  where):
    """The missing tank capacity was found only when the plan first needed the litres, after
    the terrain was built; the army file's own check finds it now, with the same fix, among
    the file's other problems."""
    from logistics.army.load import check_army

    data = _with_gazaa(where)
    with pytest.raises(ConfigError) as err:
        check_army(validate_army(data, source="mine.yaml"))
    msg = str(err.value)
    assert "problem(s) in the army file" in msg and "'gaz-aa' has no tank capacity" in msg
    key = "supply.trucks.0.vehicle" if where == "supply" else "formations.0 ("
    assert f"mine.yaml: {key}" in msg
    assert str(config_copy / "vehicles" / "gaz-aa.yaml") in msg
    # a column's own truck_tank_l is enough for a supply column
    if where == "supply":
        data["supply"]["trucks"][0]["truck_tank_l"] = {"value": 60, "assumed": "a software check"}
        check_army(validate_army(data, source="mine.yaml"))


def test_a_tank_as_a_supply_columns_truck_is_refused_with_the_army_file():
    """A tracked tank (neither cargo_fuel_l nor payload_t in its file) named as
    ``supply.trucks[].vehicle`` loaded and was refused only at run time, after the terrain and
    the routes ("truck vehicle 't-34-85' has neither cargo_fuel_l nor payload_t; give
    payload_l": no file, no key). Now the army file's check refuses it, naming the file, the
    key, the value and both fixes; the column's own payload_l is enough."""
    from logistics.army.load import check_army

    data = _template()
    data["supply"]["trucks"][0]["vehicle"] = "t-34-85"
    data["supply"]["trucks"][0].pop("payload_l", None)
    with pytest.raises(ConfigError) as err:
        check_army(validate_army(data, source="mine.yaml"))
    (line,) = [ln for ln in str(err.value).splitlines() if "carries no load" in ln]
    assert "mine.yaml: supply.trucks.0.vehicle: 't-34-85' carries no load" in line, line
    assert str(Path(settings.CONFIG_DIR) / "vehicles" / "t-34-85.yaml") in line
    fix = line[line.index("fix:"):]
    assert "zis-5" in fix and "studebaker-us6" in fix and "payload_l" in fix
    assert "t-34-85" not in fix.split("),")[0]  # the tank is not offered as a carrier
    data["supply"]["trucks"][0]["payload_l"] = {"value": 200, "assumed": "a software check"}
    check_army(validate_army(data, source="mine.yaml"))


@pytest.mark.parametrize("lift", [False, True])
def test_a_new_truck_that_carries_men_names_the_norms_file_read_and_both_fixes(config_copy,
                                                                             lift):
    """A truck_borne formation on a new truck said "none in configs/norms/movement.yaml
    lift.truck; fix: give `lift:`" (or "`men_per_vehicle:`"): the shipped file's name though a
    copy's was read, and not that the truck's men per vehicle may go in that file instead."""
    data = _template()
    f = data["formations"][0]
    f.update(movement="truck_borne", kind="motor_rifle_brigade", standard="motor_rifle_brigade",
             vehicles=[{"vehicle": "gaz-aa", "count": {"value": 200, "assumed": "a check"}}])
    if lift:
        f["lift"] = {"vehicle": "gaz-aa", "count": {"value": 150, "assumed": "a check"},
                     "men": {"value": 1500, "assumed": "a check"}}
    with pytest.raises(ConfigError) as err:
        load_army_data(data)
    (line,) = [ln for ln in str(err.value).splitlines() if "gaz-aa" in ln]
    movement = str(config_copy.resolve() / "norms" / "movement.yaml")
    fix = line[line.index("fix:"):]
    assert line.count("movement.yaml") == line.count(movement) == 2  # the copy's, never another
    assert movement in fix and "lift.truck" in fix and "men_per_vehicle" in fix
    assert ("`men_per_vehicle:` in this `lift:`" in fix) == lift
    assert ("give `lift:`" in fix) == (not lift)


@pytest.mark.parametrize("key", ["pace_vehicle", "lift"])
@pytest.mark.parametrize("own_list", [False, True])
def test_a_vehicle_the_formation_lacks_says_where_its_vehicles_come_from(key, own_list):
    """A lift on a truck its standard lacks said "'zis-5' is not one of its vehicles
    ['studebaker-us6', 't-34-85']; fix: list the trucks in `vehicles:`" (a pace vehicle it lacks
    had no fix at all): a user who never wrote a `vehicles:` list did not learn that those come
    from its standard, nor that a list of its own replaces the standard's whole list."""
    data = _template()
    f = data["formations"][0]  # standard tank_brigade: t-34-85 and studebaker-us6
    if own_list:
        f["vehicles"] = [{"vehicle": "t-34-85", "count": {"value": 65, "assumed": "a check"}},
                         {"vehicle": "studebaker-us6", "count": {"value": 60,
                                                                "assumed": "a check"}}]
    if key == "pace_vehicle":
        f["pace_vehicle"] = "is-2"
    else:
        f["lift"] = {"vehicle": "zis-5", "count": {"value": 10, "assumed": "a check"},
                     "men": {"value": 200, "assumed": "a check"}}
    wrong = "is-2" if key == "pace_vehicle" else "zis-5"
    with pytest.raises(ConfigError) as err:
        load_army_data(data)
    (line,) = [ln for ln in str(err.value).splitlines() if f"'{wrong}' is not one of" in ln]
    assert "['studebaker-us6', 't-34-85']" in line and "fix:" in line
    assert ("from its standard 'tank_brigade'" in line) == (not own_list)
    assert ("formations.yaml" in line) == (not own_list)
    assert ("replaces the standard's whole list" in line) == (not own_list)


def test_the_army_cross_checks_list_each_problem_on_its_own_line():
    """A parent and a fuel priority naming no formation came as "1 problem(s)": one line
    "mine.yaml: <top>: formations.0 (tpl-tb).parent: ...; fix: ...; fuel.priority.order: ...",
    the two fixes run together under a '<top>' no file has."""
    data = _template()
    data["formations"][0]["parent"] = "tpl-corps"
    data["fuel"]["priority"]["order"] = ["tpl-tb", "tpl-xx"]
    with pytest.raises(ConfigError) as err:
        validate_army(data, source="mine.yaml")
    msg = str(err.value)
    assert "2 problem(s)" in msg and "<top>" not in msg
    lines = [ln for ln in msg.splitlines() if ln.startswith("  - ")]
    assert len(lines) == 2
    assert lines[0].startswith("  - mine.yaml: formations.0 (tpl-tb).parent: 'tpl-corps'")
    assert lines[1].startswith("  - mine.yaml: fuel.priority.order: 'tpl-xx'")
    assert all(ln.count("fix:") == 1 for ln in lines)


@pytest.mark.parametrize("key", ["supply.trucks.3.count", "formations.tpl-xx.men"])
def test_an_uncertain_key_naming_no_figure_says_how_to_name_one(key):
    """With a near path it said only "did you mean ...?", with no fix; without, a bare example."""
    data = _template()
    data["uncertain"][key] = {"low": 1, "high": 2, "assumed": "a check"}
    with pytest.raises(ConfigError) as err:
        load_army_data(data)
    (line,) = [ln for ln in str(err.value).splitlines() if key in ln]
    assert "names no figure" in line and "fix:" in line and "formations.<id>" in line
    assert ("did you mean 'supply.trucks.0.count'" in line) == key.startswith("supply")


def test_a_slip_in_a_long_choice_lists_the_choices_once():
    """A formation `kind:` slip printed the 23 kinds twice on one line ("Input should be ...
    (got ...); fix: write one of ..."), the near one at the very end."""
    data = _template()
    data["formations"][0]["kind"] = "tank_brigad"
    with pytest.raises(ConfigError) as err:
        validate_army(data, source="mine.yaml")
    (line,) = [ln for ln in str(err.value).splitlines() if "tank_brigad'" in ln]
    assert line.count("'motorcycle_battalion'") == 1
    assert "fix: did you mean 'tank_brigade'?" in line


def test_an_unknown_standard_names_the_norms_file_read_and_the_near_one(config_copy):
    """It named configs/norms/formations.yaml though a copy's was read, and gave only the
    whole list of standards, no near match for a slip."""
    data = _template()
    data["formations"][0]["standard"] = "tank_brigadee"
    with pytest.raises(ConfigError) as err:
        load_army_data(data)
    (line,) = [ln for ln in str(err.value).splitlines() if "tank_brigadee" in ln]
    assert str(config_copy.resolve() / "norms" / "formations.yaml") in line
    assert "did you mean 'tank_brigade'?" in line and "fix: use one of" in line


def test_a_start_off_the_departure_line_points_at_the_army_key_reference():
    """The cross-checks' footer named configs/README.md; the keys are in
    configs/armies/README.md."""
    data = _template()
    data["formations"][0]["start"] = {"place": "Qiqihar", "assumed": "a check"}
    with pytest.raises(ConfigError) as err:
        load_army_data(data)
    msg = str(err.value)
    assert "departure" in msg and "fix:" in msg and "configs/armies/README.md" in msg


@pytest.mark.parametrize("where", ["objective", "railhead"])
def test_an_unknown_place_says_how_to_give_it(where):
    """An unknown place ended in the generic 'fix: see the key in configs/armies/README.md';
    the fix is a known name or the point's own lon:/lat:, in every kind of point."""
    data = _template()
    if where == "objective":
        data["formations"][0]["objectives"][1]["place"] = "Qiqihr"
    else:
        data["supply"]["trucks"][0]["railhead"]["place"] = "Qiqihr"
    with pytest.raises(ConfigError) as err:
        validate_army(data, source="mine.yaml")
    (line,) = [ln for ln in str(err.value).splitlines() if "Qiqihr" in ln]
    assert "did you mean 'Qiqihar'" in line
    fix = line[line.index("fix:"):]
    assert "`lon:`" in fix and "`lat:`" in fix and "logistics places" in fix
    assert "see the key" not in line
    # it also carried the command line's own hint, naming `logistics places` twice
    assert line.count("logistics places") == 1 and "'LAT,LON'" in fix


@pytest.mark.parametrize("where", ["objective", "start", "departure", "railhead"])
def test_a_bare_place_name_where_a_point_goes_shows_the_point(where):
    """`- Qiqihar` under objectives (or `start: Blagoveshchensk`) said "objectives.1.point:
    Input should be a valid dictionary or instance of Point (got 'Qiqihar'); fix: write a
    mapping of keys": the code's class and union tag, not which keys."""
    data = _template()
    f = data["formations"][0]
    if where == "objective":
        f["objectives"][1], key = "Qiqihar", "formations.0 (tpl-tb).objectives.1: "
    elif where == "start":
        f["start"], key = "Blagoveshchensk", "formations.0 (tpl-tb).start: "
    elif where == "departure":
        data["departure"]["line"][0], key = "Blagoveshchensk", "departure.line.0: "
    else:
        data["supply"]["trucks"][0]["railhead"] = "Blagoveshchensk"
        key = "supply.trucks.0.railhead: "
    with pytest.raises(ConfigError) as err:
        validate_army(data, source="mine.yaml")
    (line,) = [ln for ln in str(err.value).splitlines() if "got '" in ln]
    assert key in line and "not bare text" in line
    assert "Point" not in line and ".point" not in line and "mapping of keys" not in line
    fix = line[line.index("fix:"):]
    assert "{place: '" in fix and "lon:" in fix
    assert ("cite:" in fix and "assumed:" in fix) == (where != "departure")


def _unknown_key_line(where: str, tmp_path) -> str:
    """The problem line of an army (``where`` "army") or vehicle file citing [MY-BOOK]."""
    from logistics.vehicles import load_vehicle_file

    with pytest.raises(ConfigError) as err:
        if where == "army":
            data = _template()
            data["fuel"]["carried_refills"] = {"value": 1.0, "cite": "[MY-BOOK] 'one refill'"}
            load_army_data(data)
        else:
            path = tmp_path / "gaz-aa.yaml"
            path.write_text(GAZAA.replace('assumed: "a software check"',
                                          "cite: \"[MY-BOOK] '40 hp'\"", 1), encoding="utf-8")
            load_vehicle_file(path)
    (line,) = [ln for ln in str(err.value).splitlines() if "[MY-BOOK]" in ln]
    return line


@pytest.mark.parametrize("where", ["army", "vehicle"])
def test_an_unknown_citation_key_names_the_bibliography_read(config_copy, where, tmp_path):
    """It said "add the source to configs/sources.yaml" while a copied tree's sources.yaml
    was the one read: the source added as told stayed unknown."""
    line = _unknown_key_line(where, tmp_path)
    assert f"add the source to {config_copy / 'sources.yaml'}" in line or (
        f"{config_copy / 'sources.yaml'} in brackets" in line and "add the source there" in line)
    assert " configs/sources.yaml" not in line


@pytest.mark.parametrize("where", ["army", "vehicle"])
def test_an_unknown_key_in_a_copy_without_sources_says_add_one_to_the_copy(config_copy, where,
                                                                           tmp_path):
    """A copied configs folder without a sources.yaml of its own is checked against the
    shipped one; the fix told the user to add the source to that shipped file, inside the
    install (newuser23). It names the file read and says to add a sources.yaml to the copy."""
    (config_copy / "sources.yaml").unlink()
    shipped = settings.SHIPPED_CONFIG_DIR / "sources.yaml"
    line = _unknown_key_line(where, tmp_path)
    assert (f"{config_copy} has no sources.yaml of its own, so {shipped} was read: add a "
            f"sources.yaml to {config_copy} (a copy of {shipped}") in line, line
    assert f"add the source to {shipped}" not in line, line


def load_army_data(data: dict):
    from logistics.army.load import check_army

    army = validate_army(data, source="mine.yaml")
    check_army(army)
    return army


def test_a_vehicle_without_fuel_calibration_names_both_ways_to_give_it(tmp_path):
    from logistics.vehicles import load_vehicle_file

    path = tmp_path / "su-100.yaml"
    path.write_text(SU100.split("calibrate_like")[0], encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_vehicle_file(path)
    msg = str(err.value)
    assert "fuel_targets" in msg and "fix:" in msg
    assert "calibrate_like: {vehicle:" in msg and "l_per_100km" in msg


def test_a_misspelt_vehicle_key_gives_the_near_one_as_a_fix(tmp_path):
    """It said "power_hpp: expected a known key (power_hp?), got 'unknown key'": no fix, unlike
    the army file's "fix: did you mean ...? correct its spelling, or remove it"."""
    from logistics.vehicles import load_vehicle_file

    path = tmp_path / "su-100.yaml"
    path.write_text(SU100.replace("power_hp:", "power_hpp:"), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_vehicle_file(path)
    (line,) = [ln for ln in str(err.value).splitlines() if "power_hpp" in ln]
    assert "fix: did you mean 'power_hp'?" in line and "configs/vehicles/README.md" in line
    path.write_text(SU100.replace("power_hp:", "zzz_qqq: 1\npower_hp:"), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"zzz_qqq: .*fix: remove it"):
        load_vehicle_file(path)


def test_a_missing_vehicle_figure_names_the_keys_a_new_file_uses(tmp_path):
    from logistics.vehicles import load_vehicle_file

    path = tmp_path / "su-100.yaml"
    path.write_text(re.sub(r"power_hp:.*\n", "", SU100), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"power_hp: .*`cite:` or `assumed:`"):
        load_vehicle_file(path)


def test_compare_on_a_folder_of_undocumented_axes_says_how_to_score_them(tmp_path, capsys):
    """A new axis has no documented rows: compare runs nothing and says to give --documented
    a CSV of its dated positions (it named only the documented file's axes)."""
    from logistics.cli import main
    from logistics.history.inputs import load_inputs

    folder = tmp_path / "mine"
    folder.mkdir()
    shutil.copy(TEMPLATE, folder / "my-axis.yaml")
    inputs = load_inputs(configs_dir=folder)
    assert inputs.undocumented == ("TEMPLATE-AXIS",) and not inputs.scenarios
    assert main(["compare", "--configs", str(folder), "--out", str(tmp_path / "c"),
                 "--workers", "0", "--no-map"]) == 2
    err = capsys.readouterr().err
    line = next(ln for ln in err.splitlines() if ln.startswith("logistics compare: error:"))
    assert "TEMPLATE-AXIS" in line and "--documented" in line
    assert not (tmp_path / "c").exists()


def test_compare_suggests_the_axis_id_a_documented_row_nearly_names(tmp_path, capsys):
    """A newcomer's CSV said 'template-axis' for TEMPLATE-AXIS: the error listed the folder's
    scenarios (the first eight only, without saying more were left out) but not which one was
    meant, nor that axis_id is matched exactly."""
    from logistics.cli import main

    folder = tmp_path / "mine"
    folder.mkdir()
    shutil.copy(TEMPLATE, folder / "my-axis.yaml")
    for n in range(9):  # nine shipped-like axes before it in the list
        data = _template()
        data["axis_id"] = f"AAA-{n}"
        (folder / f"aaa-{n}.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    csv_path = tmp_path / "mine.csv"
    csv_path.write_text("axis_id,formation,date,place_reached,lat,lon\n"
                        "template-axis,Template tank brigade,1945-08-12,Qiqihar,,\n",
                        encoding="utf-8")
    assert main(["compare", "--configs", str(folder), "--documented", str(csv_path),
                 "--out", str(tmp_path / "c"), "--workers", "0", "--no-map"]) == 2
    err = capsys.readouterr().err
    line = next(ln for ln in err.splitlines() if ln.startswith("logistics compare: error:"))
    assert "did you mean 'TEMPLATE-AXIS' for 'template-axis'" in line
    assert "case included" in line
    assert "AAA-7, ...)" in line  # the list is cut, and says so
    assert not (tmp_path / "c").exists()


def test_compare_prints_the_problems_scoring_found(tmp_path, capsys):
    """A row naming another army was scored on a fallback rule while the
    console said "0 problem(s) in mine.csv": what scoring found was only in problems.csv."""
    from logistics.cli import main

    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "my-axis.yaml").write_text(TEMPLATE.read_text(encoding="utf-8").replace(
        "name: Template army (hypothetical)", "name: 1st Army"), encoding="utf-8")
    csv_path = tmp_path / "mine.csv"
    header = (CONFIGS / "history" / "documented-advances.csv").read_text(
        encoding="utf-8").splitlines()[0]  # every column of the format: no file problem
    row = dict.fromkeys(header.split(","), "")
    row.update(axis_id="TEMPLATE-AXIS", formation="39th Army", date="1945-08-12",
               place_reached="Qiqihar", confidence="low", source="my notes p. 3")
    csv_path.write_text(header + "\n" + ",".join(row.values()) + "\n", encoding="utf-8")
    assert main(["compare", "--configs", str(folder), "--documented", str(csv_path),
                 "--out", str(tmp_path / "c"), "--workers", "0", "--no-map",
                 "--resolution-m", "25000"]) == 0
    out = capsys.readouterr().out
    assert "0 problem(s) in" in out, out  # the file itself is sound
    assert "1 problem(s) found scoring the rows" in out
    line = next(ln for ln in out.splitlines() if ln.startswith("  row 2, formation"))
    assert "names 39 army, not this axis's army" in line, line


def test_compare_help_says_its_defaults_follow_logistics_config_dir(capsys):
    """The help said 'default: configs/', but with LOGISTICS_CONFIG_DIR set compare reads the
    scenarios and the documented file of that folder (a copied tree needs no --configs)."""
    from logistics.cli import main

    with pytest.raises(SystemExit):
        main(["compare", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for option in ("--documented FILE", "--configs DIR"):
        start = text.index(option, text.index("options:"))
        assert "LOGISTICS_CONFIG_DIR" in text[start:text.index(" --", start + 3)], option


def test_shipped_inputs_list_the_scenarios_without_documented_rows():
    """Independent of the code: the axes of configs/ minus the axis_id column of the shipped
    documented file."""
    import csv

    from logistics.history.inputs import load_inputs

    with open(CONFIGS / "history" / "documented-advances.csv", encoding="utf-8") as fh:
        documented = {row["axis_id"] for row in csv.DictReader(
            ln for ln in fh if not ln.startswith("#"))}
    axes = {yaml.safe_load(p.read_text(encoding="utf-8"))["axis_id"]
            for p in army_paths(CONFIGS)}
    assert load_inputs().undocumented == tuple(sorted(axes - documented))
    assert math.isfinite(len(axes)) and len(axes - documented) >= 1


def test_the_comparison_page_names_the_configs_folder_its_runs_read(config_copy):
    """compare's report.md says which configs folder (vehicles, norms, fortified regions) its
    runs read, as the run page does: a copy is named with how to rerun on it."""
    from logistics.report.compare_page import _config_dir_line

    line = _config_dir_line()
    assert "`my-configs`" in line and "LOGISTICS_CONFIG_DIR" in line


def test_the_comparison_page_says_the_shipped_folder_by_default():
    from logistics.report.compare_page import _config_dir_line

    assert _config_dir_line().endswith("the shipped configs folder")


def _horse_cart(config_copy: Path) -> None:
    """A horse-drawn cart as a newcomer adds one: horse-cavalry.yaml copied under its own name
    and aliases (configs/vehicles/README.md)."""
    text = (config_copy / "vehicles" / "horse-cavalry.yaml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^name: .*$", "name: Horse-drawn cart", text)
    text = re.sub(r"(?m)^aliases: .*$", "aliases: [cart, povozka]", text)
    (config_copy / "vehicles" / "horse-cart.yaml").write_text(text, encoding="utf-8")


@pytest.mark.parametrize("where", ["vehicles", "lift", "trucks", "pace_vehicle"])
def test_a_horse_or_foot_vehicle_file_where_a_motor_vehicle_belongs_is_refused(config_copy,
                                                                               where):
    """Found by newuser20: a horse-drawn cart (a copy of horse-cavalry.yaml) in a jeep
    battalion's `vehicles:` ran, the battalion at 20 km/day (the horses' going for the motor
    column's hours) without a word; as a supply column's truck it asked for a tank capacity,
    then failed with the cost engine's "burns no fuel ... use objective='time'"; as a horse
    formation's pace_vehicle the fix said to list it in `vehicles:`. Each names the key, the
    file and a fix that works now."""
    _horse_cart(config_copy)
    data = _template()
    f = data["formations"][0]
    cart = {"vehicle": "horse-cart", "count": {"value": 10, "assumed": "a check"}}
    if where == "vehicles":
        f["vehicles"] = [{"vehicle": "t-34-85", "count": {"value": 65, "assumed": "a check"}},
                         cart]
        key = "formations.0 (tpl-tb).vehicles.1.vehicle"
    elif where == "lift":
        f["lift"] = dict(cart, men={"value": 100, "assumed": "a check"})
        key = "formations.0 (tpl-tb).lift.vehicle"
    elif where == "trucks":
        data["supply"]["trucks"][0]["vehicle"] = "horse-cart"
        key = "supply.trucks.0.vehicle"
    else:
        f.update(movement="horse", kind="cavalry_division", standard="cavalry_division",
                 pace_vehicle="horse-cart")
        key = "formations.0 (tpl-tb).pace_vehicle"
    with pytest.raises(ConfigError) as err:
        load_army_data(data)
    (line,) = [ln for ln in str(err.value).splitlines() if "'horse-cart'" in ln]
    assert f"mine.yaml: {key}" in line
    fix = line[line.index("fix:"):]
    assert "list horse-cart" not in fix and "tank_l" not in line
    assert "logistics route --vehicle" in line  # what a horse file of one's own is for
    if where != "pace_vehicle":
        assert str(config_copy / "vehicles" / "horse-cart.yaml") in line


def test_a_shipped_men_class_in_vehicles_is_refused_too():
    """foot-infantry in `vehicles:` is men counted as vehicles: refused with the fix."""
    data = _template()
    data["formations"][0]["vehicles"] = [
        {"vehicle": "t-34-85", "count": {"value": 65, "assumed": "a check"}},
        {"vehicle": "foot-infantry", "count": {"value": 300, "assumed": "a check"}}]
    with pytest.raises(ConfigError) as err:
        validate_army(data, source="mine.yaml")
    (line,) = [ln for ln in str(err.value).splitlines() if "'foot-infantry'" in ln]
    assert "is a foot vehicle" in line and "count its men in `men:`" in line


def test_the_vehicles_readme_fit_check_prints_documented_beside_modelled(capsys):
    """The vehicles README's one-line check of a new vehicle's fuel fit (newuser20: a jeep's
    16 L/100 km came out 8 without a word) runs as written, here for the GAZ-67B, whose road
    figure of 18 the model now meets (mountain31: the drag rule; it missed at 9 before)."""
    text = (CONFIGS / "vehicles" / "README.md").read_text(encoding="utf-8")
    (cmd,) = re.findall(r'\.venv/bin/python -c "(.+?)"\n', text)
    exec(cmd.replace("ford-gpw", "gaz-67b"), {})
    out = capsys.readouterr().out
    assert "documented_l_per_100km" in out and "model_l_per_100km" in out
    row = out.splitlines()[1].split()
    assert row[1] == "road" and float(row[2]) == 18.0 and row[4] == "model"
    assert 17.0 < float(row[5]) < 19.0  # the table's 18, at 302 g/kWh (the drag rule)


def test_the_fit_check_of_a_calibrate_like_copy_is_empty_and_method_says_whose_fit(capsys):
    """The vehicles README recommends copying studebaker-us6.yaml for a truck; its one-line
    fit check then printed only 'Empty DataFrame' (newuser22), now explained beside it:
    no documented figure, and `engine(id).method` names the vehicle it borrows from."""
    from logistics.cost.physics import engine

    text = (CONFIGS / "vehicles" / "README.md").read_text(encoding="utf-8")
    (cmd,) = re.findall(r'\.venv/bin/python -c "(.+?)"\n', text)
    exec(cmd.replace("ford-gpw", "studebaker-us6"), {})
    assert capsys.readouterr().out.startswith("Empty DataFrame")
    assert "no documented figure: the check prints `Empty DataFrame`" in " ".join(text.split())
    assert engine("studebaker-us6").method.startswith("borrowed from zis-5")


def test_a_start_across_the_frontier_is_named_in_the_run_notes():
    """Found by newuser20: the template's brigade started on the Manchurian bank of the Amur,
    7 km from the line's Blagoveshchensk (within its 10 km tolerance), ran without a word. The
    run says so now (the side: logistics/terrain/sides.py, independent of the grid); the
    template's own start says nothing. (Heihe's gazetteer point lies on the river itself,
    neither side: no note.)"""
    from logistics.runner import run_scenario
    from logistics.terrain.sides import JAPANESE, side_of

    assert int(side_of([127.45], [50.22])[0]) == JAPANESE
    data = _template()
    data["formations"][0]["start"] = {"place": "Manchurian bank", "lon": 127.45, "lat": 50.22,
                                      "assumed": "a check"}
    notes = run_scenario(validate_army(data, source="mine.yaml"), resolution_m=25000).notes
    (note,) = [n for n in notes if "Japanese-held side of the frontier" in n]
    assert note.startswith("tpl-tb: its start (50.220 N, 127.450 E)")


def test_the_templates_own_start_is_on_the_home_side(template_run):
    assert not [n for n in template_run.notes if "Japanese-held side" in n]


@pytest.mark.parametrize("movement", ["tracked", None])
def test_a_standard_changed_under_a_kept_movement_says_the_standard_moves_otherwise(movement):
    """The template's tank brigade made a cavalry division by its `standard:` alone kept the
    template's `movement: tracked`, refused as "tracked but the formation has no tracked
    vehicle" without saying that the new standard moves `horse`; a movement left out takes it."""
    data = _template()
    f = data["formations"][0]
    f["kind"] = f["standard"] = "cavalry_division"
    if movement is None:
        del f["movement"]
        load_army_data(data)
        return
    with pytest.raises(ConfigError) as err:
        load_army_data(data)
    (line,) = [ln for ln in str(err.value).splitlines() if ".movement: tracked" in ln]
    assert "its standard 'cavalry_division' moves `horse`: leave `movement:` out" in line


def test_the_comparison_page_says_a_folder_given_through_the_api_as_such(tmp_path):
    """A comparison run with compare(config_dir=...) said '(LOGISTICS_CONFIG_DIR ...); rerun
    with LOGISTICS_CONFIG_DIR set to it' though the variable was never set: the page names
    the way the folder was given."""
    from logistics.report.compare_page import _config_dir_line

    mine = tmp_path / "api-configs"
    mine.mkdir()
    line = _config_dir_line(mine)
    assert "`api-configs`" in line and "config_dir=" in line and "through the API" in line
    assert "(LOGISTICS_CONFIG_DIR, a copy" not in line
    assert _config_dir_line(settings.CONFIG_DIR).endswith("the shipped configs folder")


# --------------------------------------------------------------------------- session 29's newcomer


def test_an_unknown_vehicle_of_the_api_and_route_says_a_copy_needs_naming(copied_tree):
    """`logistics.load_vehicle("su-100")` (and `logistics route --vehicle su-100`, `sample`)
    with the SU-100 in a copied tree said only "to add one, copy the file of a vehicle ... in
    <shipped>/configs/vehicles/": a newcomer whose file is in the copy was not told the copy
    is read only when named, as the army file's error tells them."""
    from logistics.errors import UnknownNameError
    from logistics.vehicles import load_vehicle

    with pytest.raises(UnknownNameError) as err:
        load_vehicle("su-100")
    msg = str(err.value)
    assert str(Path(settings.CONFIG_DIR) / "vehicles") in msg
    assert "fix:" in msg and "LOGISTICS_CONFIG_DIR" in msg and "config_dir=" in msg
    assert load_vehicle("su-100", config_dir=copied_tree).name == "SU-100"  # the fix works


def test_an_unknown_vehicle_of_an_army_file_gives_the_python_fix_too(copied_tree):
    """`logistics.load_scenario(path)` of an army naming a vehicle of a copied tree said
    "set LOGISTICS_CONFIG_DIR to that copy": in Python the fix is `config_dir=`."""
    with pytest.raises(ConfigError) as err:
        load_army(copied_tree / "my-axis.yaml")
    (line,) = [ln for ln in str(err.value).splitlines() if "'su-100'" in ln]
    assert "LOGISTICS_CONFIG_DIR" in line and "config_dir=" in line
    assert load_army(copied_tree / "my-axis.yaml", config_dir=copied_tree).axis_id


@pytest.mark.parametrize("standard, body", [("rifle_corps", "rifle_division"),
                                            ("rifle_army", "rifle_division")])
def test_a_corps_as_a_standard_says_it_is_its_divisions_with_count(standard, body):
    """`standard: rifle_corps` (a `kind:`, so a newcomer writes it as the standard too) was
    answered "did you mean 'mech_corps'?", a tank-heavy establishment, for a corps of rifle
    divisions; the shipped files give a corps as its divisions with `count:`."""
    data = _template()
    data["formations"][0]["standard"] = standard
    with pytest.raises(ConfigError) as err:
        load_army_data(data)
    (line,) = [ln for ln in str(err.value).splitlines() if repr(standard) in ln]
    assert f"fix: `standard: {body}` with `count:" in line
    assert "mech_corps" not in line and "army_sizes" in line


def test_the_template_shows_count_and_truck_borne_for_a_corps_on_trucks():
    """A newcomer's first scenario, one corps on its trucks, needs `count:` and
    `movement: truck_borne`, which the template did not show."""
    text = TEMPLATE.read_text(encoding="utf-8")
    assert "# count: {value:" in text and "rifle_division" in text
    assert "truck_borne" in text


@pytest.mark.parametrize("slip, key", [("ALYMER-BT6", "ALYMER-BT5"), ("PIKE-SEED00", "PIKE-SEED000")])
def test_a_slip_in_a_citation_key_offers_the_near_one(tmp_path, slip, key):
    """A vehicle file's `cite: "[ALYMER-BT6] '400bhp'"` (one character off the BT-5 page's
    key) said only "unknown key(s) [ALYMER-BT6]": every other unknown name (vehicle, place,
    standard) gets its near one."""
    from logistics.vehicles import load_vehicle_file

    path = tmp_path / "su-100.yaml"
    path.write_text(SU100.replace('power_hp: {value: 500, assumed: "a software check"}',
                                  f"power_hp: {{value: 500, cite: \"[{slip}] '500 hp'\"}}"),
                    encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_vehicle_file(path)
    (line,) = [ln for ln in str(err.value).splitlines() if slip in ln]
    assert "power_hp" in line and f"did you mean [{key}]?" in line
    data = _template()  # an army file's figure: the same one rule
    data["h_hour"] = {"value": "1945-08-09T00:01", "cite": f"[{slip}] 'at 00:01'"}
    with pytest.raises(ConfigError) as err:
        validate_army(data, source="mine.yaml")
    assert f"did you mean [{key}]?" in str(err.value)


def test_the_readmes_what_if_of_a_shipped_axis_runs_and_is_scored(tmp_path, capsys):
    """The README's what-if ("Extending it": the 36th Army with more trucks) as a newcomer
    follows it: the army file copied into a folder of its own, `logistics compare --configs
    that-folder --set supply.trucks.0.count=200`; on a coarse grid (seconds). It is scored on
    the shipped axis's documented rows and its report names the override."""
    import csv

    from logistics.cli import main

    readme = (Path(PROJECT_ROOT) / "README.md").read_text(encoding="utf-8")
    assert "--set supply.trucks.0.count=200" in readme and "--configs that-folder" in readme
    folder = tmp_path / "that-folder"
    folder.mkdir()
    shutil.copy(CONFIGS / "tbf-36a.yaml", folder / "tbf-36a.yaml")
    out = tmp_path / "cmp"
    assert main(["compare", "--configs", str(folder), "--set", "supply.trucks.0.count=200",
                 "--resolution-m", "25000", "--workers", "0", "--no-map",
                 "--out", str(out)]) == 0
    capsys.readouterr()
    with open(out / "summary.csv", encoding="utf-8") as fh:
        rows = {r["axis_id"]: r for r in csv.DictReader(fh)}
    assert int(rows["TBF-36A"]["scorable_rows"]) > 0
    assert "supply.trucks.0.count=200" in (out / "report.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("word, meant", [("trucks", "'truck_borne', 'motor'"),
                                         ("Tanks", "'tracked'"), ("on foot", "'foot'"),
                                         ("cavalry", "'horse'"), ("train", "'rail'")])
def test_a_movement_in_everyday_words_offers_the_value_they_mean(word, meant):
    """`movement: trucks` for a corps on its trucks was answered "did you mean 'tracked'?",
    the tanks' value, by likeness of spelling; the words offer what they mean."""
    data = _template()
    data["formations"][0]["movement"] = word
    with pytest.raises(ConfigError) as err:
        validate_army(data, source="mine.yaml")
    (line,) = [ln for ln in str(err.value).splitlines() if repr(word) in ln]
    assert "formations.0 (tpl-tb).movement" in line and f"did you mean {meant}?" in line


def test_a_slip_in_a_movement_still_offers_the_nearest_spelling():
    data = _template()
    data["formations"][0]["movement"] = "truck-borne"
    with pytest.raises(ConfigError) as err:
        validate_army(data, source="mine.yaml")
    assert "did you mean 'truck_borne'?" in str(err.value)


def test_an_override_of_a_figure_taken_from_the_standard_says_where_it_is():
    """`logistics.run(army, overrides={"formations.tpl-tb.men": 2000})` for a formation with
    no `men:` of its own (its standard's) said "names no figure; did you mean
    'formations.tpl-tb.vehicles...'" when it had none: the figure is the standard's, and the
    fix is the formation's own `men:` or the standard's override (as an `uncertain:` key
    naming it already says)."""
    from logistics.army.overrides import apply_army_overrides

    army = load_army(TEMPLATE)
    with pytest.raises(ConfigError) as err:
        apply_army_overrides(army, {"formations.tpl-tb.men": 2000})
    msg = str(err.value)
    assert "formation tpl-tb writes no `men:`" in msg
    assert "configs/norms/formations.yaml standards.tank_brigade.men" in msg
    assert "norms/formations:standards.tank_brigade.men" in msg and "did you mean" not in msg
