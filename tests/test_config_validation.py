"""Config files: the YAML reader's limits, the schema's generic rules and the vehicle files.

Each bad value below was accepted silently, or ended in a traceback, before these rules.
Every case must end in one ConfigError naming the file and the key.
"""

from __future__ import annotations

import copy
import os
import shutil
import time
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from logistics import settings
from logistics._yaml import MAX_NODES, load_yaml
from logistics.errors import MAX_LISTED, ConfigError, listed
from logistics.army.base import (
    MAX_SPAN_DAYS,
    FloatFigure,
    IntFigure,
    TimeFigure,
    _Model,
    identifier_problem,
)
from logistics.army.load import army_paths, check_army, load_army, validate_army

SHIPPED = settings.CONFIG_DIR / "tbf-39a.yaml"


@pytest.fixture(scope="module")
def base() -> dict:
    return yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))


def validate_scenario(data, *, source: str):
    """What a user's army file goes through at the edge: the schema, then the cross-checks."""
    army = validate_army(data, source=source)
    check_army(army)
    return army


def load_scenario(path):
    return load_army(path)


def _problems(data: dict) -> str:
    with pytest.raises(ConfigError) as err:
        validate_scenario(data, source="x.yaml")
    return str(err.value)


def _edit(base: dict, path: str, value) -> dict:
    data = copy.deepcopy(base)
    node = data
    parts = path.split(".")
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    last = parts[-1]
    node[int(last) if isinstance(node, list) else last] = value
    return data


# ---- the YAML reader --------------------------------------------------------------------


def test_duplicate_keys_are_refused_naming_both_lines(tmp_path):
    p = tmp_path / "d.yaml"
    p.write_text("axis_id: A\nname: n\naxis_id: B\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"line 3.*duplicate key 'axis_id' \(first at line 1\)"):
        load_yaml(p)
    p.write_text("end:\n  value: 1945-08-26\n  value: 1945-08-20\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="duplicate key 'value' \\(first at line 2\\)"):
        load_yaml(p)


def test_an_alias_bomb_is_refused_quickly_with_a_short_message(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    p = tmp_path / "bomb.yaml"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")  # 9**9 values when expanded
    t0 = time.process_time()
    with pytest.raises(ConfigError) as err:
        load_scenario(p)
    assert time.process_time() - t0 < 30  # generous: refused at parse, not after expansion
    assert f"more than {MAX_NODES:,} values" in str(err.value) and len(str(err.value)) < 400


def test_a_self_referring_alias_and_deep_nesting_are_refused(tmp_path):
    p = tmp_path / "loop.yaml"
    p.write_text("axis_id: &a [1, *a]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="loop"):
        load_yaml(p)
    p.write_text("axis_id: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="nest"):
        load_yaml(p)


@pytest.mark.parametrize("raw, message", [
    ("axis_id: caf\u00e9\n".encode("latin-1"), "not UTF-8 text \\(byte 0xe9 at line 1\\)"),
    ("axis_id: x\n".encode("utf-16"), "UTF-16"),
    (b"axis_id: a\x00b\n", "NUL"),
    (b"axis_id: [unclosed\n", "line 2, column 1: not valid YAML"),
    (b"a: 1\n---\nb: 2\n", "single document"),
    (b"name: x\naxis_id: '\x1f'\n", "line 2: a control character \\(0x1f\\)"),
    (b"axis_id: 1" + b"0" * 5000 + b"\n", "a value cannot be read as written"),
])
def test_unreadable_text_is_one_error_naming_the_file(tmp_path, raw, message):
    p = tmp_path / "bad.yaml"
    p.write_bytes(raw)
    with pytest.raises(ConfigError, match=message) as err:
        load_scenario(p)
    assert str(p) in str(err.value)


def test_a_pipe_is_refused_without_reading_it(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    with pytest.raises(ConfigError, match="not a regular file"):
        load_scenario(fifo)  # reading it would wait forever


def test_dates_stay_text_and_exponents_are_numbers(tmp_path):
    p = tmp_path / "d.yaml"
    p.write_text("a: 1945-02-30\nb: 1e30\nc: 1945-08-09T00:01\n", encoding="utf-8")
    assert load_yaml(p) == {"a": "1945-02-30", "b": 1e30, "c": "1945-08-09T00:01"}


def test_the_shipped_configs_read_as_before():
    for f in army_paths(settings.CONFIG_DIR):
        old = yaml.safe_load(f.read_text(encoding="utf-8"))
        new = load_yaml(f)
        assert validate_scenario(new, source=f.name) == validate_scenario(old, source=f.name)


# ---- the schema's generic rules -------------------------------------------------------------


@pytest.mark.parametrize("path, value, words", [
    ("formations.1.count.value", float("inf"), "finite"),
    ("departure.tolerance_km.value", float("inf"), "finite"),
    ("supply.depots.0.at.radius_km", float("inf"), "finite"),
    ("supply.trucks.0.load_h.value", float("nan"), "finite"),
    ("utc_offset_h.value", float("nan"), "finite"),
    ("formations.1.count.value", 1e30, "at most 1e+09"),
    ("formations.1.count.value", True, "true/false"),
    ("utc_offset_h.value", True, "true/false"),
    ("fuel.in_tanks_refills.value", -3, "in_tanks_refills must be >= 0"),
    ("utc_offset_h.value", 99, "utc_offset_h must be <= 14"),
    ("supply.trucks.0.count.value", 10**25, "at most 1e+09"),
    ("formations.1.count.value", 2.5, "whole number"),
])
def test_nonsense_numbers_name_the_key(base, path, value, words):
    msg = _problems(_edit(base, path, value))
    key = path.removesuffix(".value").rsplit(".", 1)[-1]  # named in full, or within its parent
    where = path.replace("formations.1.", "formations.1 (39a-tank-brigades).")
    assert f"x.yaml: {where}: " in msg or f"{key} must be" in msg
    assert words in msg


def test_a_misspelt_key_names_the_key_it_was_meant_to_be(base):
    data = copy.deepcopy(base)
    data["h_hours"] = data.pop("h_hour")  # a typo in a copied army file
    msg = _problems(data)
    assert "x.yaml: h_hours: Extra inputs are not permitted" in msg
    assert "did you mean 'h_hour'?" in msg
    data = copy.deepcopy(base)
    data["formations"][1]["objectivs"] = data["formations"][1].pop("objectives")
    assert "did you mean 'objectives'?" in _problems(data)


def test_a_misspelt_required_key_is_one_problem_not_two(base):
    """``objectivs:`` (a newcomer's typo) was two problems, the misspelling and "objectives:
    Field required; fix: add this key": adding the key beside the typo left the typo in the
    file. The misspelling's own line, which names the key, is the one problem."""
    data = copy.deepcopy(base)
    data["formations"][1]["objectivs"] = data["formations"][1].pop("objectives")
    msg = _problems(data)
    assert "1 problem(s)" in msg and "Field required" not in msg, msg
    assert "objectivs: Extra inputs are not permitted; fix: did you mean 'objectives'?" in msg
    data = copy.deepcopy(base)
    data["zzzz"] = data.pop("h_hour")  # no near key: the missing one is still said
    msg = _problems(data)
    assert "h_hour: Field required" in msg and "zzzz: Extra inputs" in msg, msg


def test_an_unrelated_extra_key_gets_no_guess(base):
    msg = _problems(_edit(base, "zzzz", 1))
    assert "x.yaml: zzzz: Extra inputs" in msg and "did you mean" not in msg
    data = copy.deepcopy(base)
    data["formations"][1]["colour"] = "red"  # no such key; 'column' is not what was meant
    msg = _problems(data)
    assert "colour: Extra inputs" in msg and "did you mean" not in msg


def test_an_empty_army_file_says_it_is_empty(tmp_path):
    empty = tmp_path / "empty.yaml"
    empty.write_text("# nothing yet\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_scenario(empty)
    assert "empty.yaml: the file is empty" in str(err.value)
    assert "NoneType" not in str(err.value)


def test_a_nan_uncertain_bound_names_the_key(base):
    data = copy.deepcopy(base)
    data["uncertain"]["fuel.carried_refills"]["low"] = float("nan")
    msg = _problems(data)
    assert "uncertain" in msg and "finite" in msg


def test_a_formation_without_vehicles_or_men_is_refused(base):
    data = copy.deepcopy(base)
    data["formations"][1]["count"]["value"] = 0
    msg = _problems(data)
    assert "x.yaml" in msg and "39a-tank-brigades" in msg


@pytest.mark.parametrize("value, words", [
    ("1945-02-30", "not a real date-time: day is out of range"),
    (19450826, "got the number 19450826"),
    ("19450826", "expected a date-time like"),
    ("1945-08-26T00:00Z", "no time zone"),
    ("1945-08-26T00:00+09:00", "no time zone"),
    ("9999-12-31", "expected a year 1000-2999, got 9999"),
    ("0001-01-01", "expected a year 1000-2999"),
    (True, "true/false"),
    ("yesterday", "expected a date-time like"),
])
def test_bad_dates_name_the_key(base, value, words):
    msg = _problems(_edit(base, "end.value", value))
    assert "x.yaml: end.value: " in msg and words in msg


@pytest.mark.parametrize("value", ["09.08.1945 00:01", "9 August 1945", 19450809, "1945-08-32"])
def test_a_date_in_another_form_shows_the_value_once_and_the_form_to_write(base, value):
    """A European or spelt-out date said "got '09.08.1945 00:01' (got '09.08.1945 00:01');
    fix: see the key in configs/armies/README.md" (found by newuser19)."""
    (line,) = [ln for ln in _problems(_edit(base, "h_hour.value", value)).splitlines()
               if "h_hour.value" in ln]
    assert line.count(repr(value)) == 1, line
    assert "e.g. 1945-08-09T00:10" in line and "see the key" not in line


def test_a_scenario_spans_at_most_the_documented_maximum(base):
    msg = _problems(_edit(base, "end.value", "2100-08-26"))
    assert f"an army run spans at most {MAX_SPAN_DAYS} days" in msg
    start = datetime(1945, 8, 9, 0, 1)
    ok = start.replace(month=12, day=1)  # 114 days: inside the limit
    validate_scenario(_edit(base, "end.value", ok.isoformat()), source="x.yaml")


@pytest.mark.parametrize("axis", ["../victim", "/tmp/logistics-absolute", "a/b", "..", ".", "", "x" * 65,
                                  "-rf", "a..b", "TBF\x00X", "C:\\x", "~"])
def test_axis_ids_that_would_escape_the_output_folder_are_refused(base, axis):
    msg = _problems(_edit(base, "axis_id", axis))
    assert "x.yaml: axis_id: " in msg


def test_identifier_rule():
    for ok in ("TBF-6GTA", "1FEF-5A", "a_b.c", "x" * 64):
        assert identifier_problem(ok) is None
    for bad in ("../x", "a/b", "..", "a..b", "", " a", "a b", "x" * 65, ".hidden", 7):
        assert identifier_problem(bad) is not None


def test_a_huge_bad_value_is_shown_cut_short(base):
    msg = _problems(_edit(base, "name", "n" * 2_000_000))
    assert "2,000,000 characters is too long" in msg and len(msg) < 2000


def test_formations_pasted_under_the_wrong_key_list_the_first_problems_and_count_the_rest(base):
    """A list of formations given as `seasons` is ~15 problems per formation; the error spells
    out the first few, counts the rest, and stays a readable size (a CI fuzz case gave 90)."""
    data = copy.deepcopy(base)
    data["seasons"] = data["formations"] * 8
    msg = _problems(data)
    listed = [ln for ln in msg.splitlines() if ln.startswith("  - x.yaml:")]
    total = int(msg.split(" problem(s)")[0].rsplit(" ", 1)[-1])
    assert total > MAX_LISTED and len(listed) == MAX_LISTED
    assert f"... and {total - MAX_LISTED} more (fix the ones above first" in msg
    assert len(msg) < 20_000


def test_listed_spells_out_at_most_the_limit():
    assert listed(["a", "b"]) == "a\n  - b"
    assert listed(list("abcd"), sep="; ", limit=2).startswith("a; b; ... and 2 more")
    assert listed([]) == ""


def test_every_new_model_class_gets_the_generic_rules_for_free():
    class Detachment(_Model):  # a future schema class: no validators of its own
        detachment_id: str
        tanks: IntFigure
        fuel_l: FloatFigure
        ready: TimeFigure
        share: float = 0.5

    good = {"detachment_id": "FD-1", "tanks": {"value": 5, "cite": "c"},
            "fuel_l": {"value": 100.0, "cite": "c"},
            "ready": {"value": "1945-08-09T00:01", "cite": "c"}}
    assert Detachment.model_validate(good).ready.value == datetime(1945, 8, 9, 0, 1)
    for key, value in (("detachment_id", "../x"), ("tanks", {"value": True, "cite": "c"}),
                       ("fuel_l", {"value": float("inf"), "cite": "c"}),
                       ("ready", {"value": 19450809, "cite": "c"}),
                       ("ready", {"value": "1945-08-09T00:01Z", "cite": "c"}),
                       ("share", float("nan")), ("share", True), ("share", 5e12)):
        with pytest.raises(ValueError):
            Detachment.model_validate({**good, key: value})


# ---- vehicle files ----------------------------------------------------------------------------


@pytest.fixture()
def vehicle_dir(tmp_path, monkeypatch):
    """A copy of the shipped vehicle files, used through LOGISTICS_CONFIG_DIR's setting."""
    dst = tmp_path / "configs"
    shutil.copytree(settings.CONFIG_DIR / "vehicles", dst / "vehicles")
    monkeypatch.setattr(settings, "CONFIG_DIR", dst)
    return dst / "vehicles"


def _spoil(folder: Path, name: str, fn) -> None:
    p = folder / name
    out = fn(p.read_text(encoding="utf-8"))
    if isinstance(out, bytes):
        p.write_bytes(out)
    else:
        p.write_text(out, encoding="utf-8")


@pytest.mark.parametrize("fn, words", [
    (lambda t: t.replace("  value: 630", "  value: .inf", 1), "tank_l.value: expected a finite"),
    (lambda t: t.replace("  value: 630", "  value: .nan", 1), "tank_l.value: expected a finite"),
    (lambda t: t.replace("  value: 32\n", "  value: true\n", 1), "mass_t.value: expected a number"),
    (lambda t: t.replace("  value: 32\n", "  value: 1e30\n", 1), "mass_t.value"),
    (lambda t: t + "mass_t: {value: 1, assumed: x}\n", "duplicate key 'mass_t'"),
    (lambda t: t.replace("T-34-85", "T-34-85 \u00e9").encode("latin-1", "replace"),
     "not UTF-8 text"),
    (lambda t: t.replace("l_per_100km: 235", "l_per_100km: .inf"), "l_per_100km"),
    (lambda t: t.replace("[200, 270]", "[200, .inf]"), "range_l_per_100km"),
    (lambda t: t.replace("[200, 270]", "[true, 270]"), "range_l_per_100km"),
    # a figure outside its own source's range (newuser28 tried 400 of [250, 350]: taken silently)
    (lambda t: t.replace("l_per_100km: 300", "l_per_100km: 400"),
     "fuel_targets.cross_country.l_per_100km: expected a figure within its range_l_per_100km "
     "[250, 350], got 400; fix: correct the figure, or widen"),
    (lambda t: t.replace("  value: 32\n", "  value: 1945-02-30\n", 1), "mass_t.value"),
    # a unit written with the number, an American word for petrol: the fix says what to write
    # (found by newuser19: both said only "expected ..., got ...")
    (lambda t: t.replace("  value: 32\n", "  value: 32 t\n", 1),
     "mass_t.value: expected a number, got '32 t'; fix: write the number alone"),
    (lambda t: t.replace("fuel_type: diesel", "fuel_type: gasoline"),
     "got 'gasoline'; fix: write 'petrol'"),
    # kilograms in mass_t (newuser23: 1320 said "e.g. 200", the top of the range): the value
    # / 1000 where it fits the range, else the nearest bound
    (lambda t: t.replace("  value: 32\n", "  value: 1320\n", 1),
     "fix: give mass_t a number in (0, 200] tonnes; 1320 looks like kilograms: e.g. 1.32 "
     "(tonnes = kg / 1000)"),
    (lambda t: t.replace("  value: 32\n", "  value: 900000\n", 1),
     "fix: give mass_t a number in (0, 200] tonnes, e.g. 200"),
])
def test_bad_vehicle_files_are_one_error_naming_file_and_key(vehicle_dir, fn, words):
    from logistics.vehicles import list_vehicles

    _spoil(vehicle_dir, "t-34-85.yaml", fn)
    with pytest.raises(ConfigError) as err:
        list_vehicles()
    msg = str(err.value)
    assert "t-34-85.yaml" in msg and words in msg
    # su-76m borrows t-34-85's engine: no second line blaming su-76m.yaml (newuser19)
    assert "su-76m.yaml" not in msg


def test_an_objective_or_a_depot_given_by_lon_lat_alone_is_read_and_labelled_by_them(base):
    """configs/README.md and the template offer `place:` *or* `lon:`/`lat:` for every point;
    an objective or a depot with only coordinates was refused with 'place: Field required'."""
    data = copy.deepcopy(base)
    data["formations"][4]["objectives"] = [{"lon": 119.7, "lat": 49.2, "assumed": "by coordinates"}]
    data["supply"]["depots"] = [{"name": "d", "at": {"lon": 120.7, "lat": 47.2, "assumed": "x"},
                                 "fuel_l": {"value": 1000, "assumed": "x"}, "fuel_type": "diesel"}]
    army = validate_scenario(data, source="x.yaml")
    objective = army.formations[4].objectives[0]
    assert objective.place == "49.200 N 119.700 E"
    assert (objective.location().lon, objective.location().lat) == (119.7, 49.2)
    assert army.supply.depots[0].at.place == "47.200 N 120.700 E"
    no_place = _edit(base, "formations.4.objectives", [{"assumed": "nowhere"}])
    assert "x.yaml: formations.4 (94rc).objectives.0: no location; fix: give `place:`" \
        in _problems(no_place)


@pytest.mark.parametrize("rel", ["vehicles/t-34-85.yaml", "sources.yaml", "norms/march.yaml",
                                 "norms/movement.yaml", "fortified-regions.yaml"])
def test_another_file_of_configs_given_as_an_army_file_is_one_line(rel):
    """`logistics run configs/vehicles/t-34-85.yaml` listed 14 'Field required' and 'Extra
    inputs' lines of a file that is no army file at all (found by newuser19)."""
    with pytest.raises(ConfigError) as err:
        load_army(settings.CONFIG_DIR / rel)
    (line,) = str(err.value).splitlines()
    assert f"{rel}: not an army file: it has none of axis_id, departure, formations, h_hour" \
        in line and "fix: give an army file, configs/<axis>.yaml" in line



@pytest.mark.parametrize("name, text", [
    ("mine.csv", "axis_id,date,place_reached\nTBF-6GTA,1945-08-10,Tuquan\n"),
    ("mine.yaml", "axis_id,date,place_reached\nTBF-6GTA,1945-08-10,Tuquan\n"),  # misnamed
    ("shipped.csv", None),  # the shipped documented file: YAML could not even parse it
])
def test_a_csv_given_as_an_army_file_is_named_a_csv_with_where_it_goes(tmp_path, name, text):
    """`logistics run my-positions.csv` said "expected a mapping ..., got str" (newuser25), the
    shipped documented file a YAML syntax error at some column: one line naming a CSV and
    the command that reads documented positions."""
    path = tmp_path / name
    path.write_text(text if text is not None else (
        settings.CONFIG_DIR / "history" / "documented-advances.csv").read_text(encoding="utf-8"),
        encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_army(path)
    (line,) = str(err.value).splitlines()
    assert f"{path}: a CSV file" in line and "not an army file" in line and "got str" not in line
    assert "`logistics compare --documented FILE`" in line and "configs/<axis>.yaml" in line


def test_a_figure_sourced_as_a_vehicle_file_does_says_to_write_cite(base):
    """`{value: 2, source: "...", quote: "..."}` copied from a vehicle file into an army file
    was told "Extra inputs are not permitted; fix: remove it or correct its spelling", which
    leaves the figure without its source (found by newuser19)."""
    data = _edit(base, "supply.trucks.0.count", {"value": 50, "source": "my book p. 3",
                                                  "quote": "fifty trucks"})
    lines = [ln for ln in _problems(data).splitlines() if "supply.trucks.0.count." in ln]
    assert {ln.split(": ")[1] for ln in lines} == {"supply.trucks.0.count.source",
                                                    "supply.trucks.0.count.quote"}
    assert all("fix: an army file gives a source as one cite: " in ln and "remove it" not in ln
               for ln in lines)


def test_a_config_dir_without_vehicles_is_one_error_for_an_army_file(base, tmp_path, monkeypatch):
    """LOGISTICS_CONFIG_DIR set to a folder of army files only: one line per vehicle the file
    names, each ending 'fix: see the key in configs/armies/README.md' (found by newuser19)."""
    monkeypatch.setattr(settings, "CONFIG_DIR", tmp_path)
    (line,) = _problems(base).splitlines()
    assert f"x.yaml: the vehicles it names are read from {tmp_path / 'vehicles'}, which does " \
        "not exist; fix: set LOGISTICS_CONFIG_DIR to a whole configs folder" in line


def test_a_broken_vehicle_file_is_one_error_when_an_army_file_is_loaded(tmp_path, monkeypatch):
    """A vehicle file with a mistake was listed once per key of the army file naming any
    vehicle (the 17th Army's two: '4 problem(s) in the army file', each ending "(got 'zis-5');
    fix: see the key in configs/armies/README.md", the army file's key, not the vehicle file's);
    `logistics sample` lists it once (found by newuser22)."""
    configs = tmp_path / "configs"
    shutil.copytree(settings.SHIPPED_CONFIG_DIR, configs)
    monkeypatch.setattr(settings, "CONFIG_DIR", configs)
    _spoil(configs / "vehicles", "zis-5.yaml", lambda t: t.replace("power_hp:", "power_hpp:"))
    with pytest.raises(ConfigError) as err:
        load_army(configs / "tbf-17a.yaml")
    msg = str(err.value)
    # one problem: the misspelling names the key it stands for ("power_hp: ... got 'missing'"
    # beside it was the same mistake said twice)
    assert msg.startswith("1 problem(s) in the vehicle files:"), msg
    assert msg.count("zis-5.yaml: power_hpp:") == 1 and "did you mean 'power_hp'?" in msg
    assert "in the army file" not in msg and "armies/README.md" not in msg


def test_headline_true_on_two_formations_is_refused(base):
    """Two formations marked `headline: true` ran, the summary leading with the first of them
    without a word (found by newuser22); one is kept, or none (the first of the file)."""
    data = copy.deepcopy(base)
    data["formations"][1]["headline"] = True
    data["formations"][3]["headline"] = True
    ids = [data["formations"][i]["id"] for i in (1, 3)]
    msg = _problems(data)
    assert (f"formations: `headline: true` on 2 formations (formations.1 ({ids[0]}), "
            f"formations.3 ({ids[1]}))") in msg and "fix: keep it on one formation" in msg
    data["formations"][1]["headline"] = False
    assert validate_scenario(data, source="x.yaml").headline_id == ids[1]


def test_a_name_or_alias_of_two_formations_is_refused(base):
    """A formation split out of another that kept its aliases loaded without a word, and a
    documented row naming the alias was scored against whichever reached the place first
    (found by reader25). Case, spacing and ё/е do not make two names different; a formation
    whose name is also its alias is fine."""
    data = copy.deepcopy(base)
    first, second = data["formations"][0], data["formations"][2]
    validate_scenario(data, source="x.yaml")  # the shipped file passes
    second.setdefault("aliases", []).append("  " + first["name"].upper() + " ")
    msg = _problems(data)
    k = len(second["aliases"]) - 1
    assert (f"formations.2 ({second['id']}).aliases.{k}:" in msg
            and f"is also a name or alias of formations.0 ({first['id']})" in msg
            and "fix: keep it on one of them" in msg)
    second["aliases"].pop()
    first.setdefault("aliases", []).append(first["name"])  # its own name again: fine
    validate_scenario(data, source="x.yaml")


@pytest.mark.parametrize("value, words", [
    (0, "0 men riding: a lift of zero carries no one"),
    (-3000, "-3000 men riding: a lift of fewer than zero carries no one"),
])
def test_a_lift_of_no_men_says_zero_or_fewer_than_zero(base, value, words):
    """-3000 men riding was refused as 'a lift of zero' (newuser22): the message names
    what was written."""
    data = copy.deepcopy(base)
    data["formations"][3]["lift"]["men"]["value"] = value
    assert f"formations.3 (39a-main-rds).lift.men: {words}" in _problems(data)


def test_a_cycle_of_parents_is_one_problem(base):
    """Two formations each the other's parent were listed twice, once from each end
    (newuser22); a third formation hanging under the cycle adds no line either."""
    data = copy.deepcopy(base)
    ids = [f["id"] for f in data["formations"]]
    data["formations"][1]["parent"] = ids[2]
    data["formations"][2]["parent"] = ids[1]
    data["formations"][3]["parent"] = ids[1]
    lines = [ln for ln in _problems(data).splitlines() if "the parents form a cycle" in ln]
    assert len(lines) == 1, lines
    assert f"{ids[1]} -> {ids[2]} -> {ids[1]}" in lines[0]


def test_a_bad_priority_cite_names_its_key_once(base):
    """The priority's provenance check named itself 'fuel.priority' as the error's key path
    did: "fuel.priority: fuel.priority: expected citation keys ..." (newuser23/msgs23)."""
    data = copy.deepcopy(base)
    data["fuel"]["priority"]["cite"] = "[NO-SUCH-KEY] 'x'"
    data["fuel"]["priority"].pop("assumed", None)
    text = _problems(data)
    assert "fuel.priority: fuel.priority" not in text, text
    assert "fuel.priority: the priority order (its source): expected citation keys" in text, text
    assert "[NO-SUCH-KEY]" in text


@pytest.mark.parametrize("name", ['"a\\x85b"', '"a\\Nb"', '"a\\x9b31mb"', '"a\\x7fb"'])
def test_a_c1_control_character_in_a_text_is_refused(tmp_path, name):
    # YAML lets U+0085 (NEL) through as written and escapes make any C1 character: the
    # rule 'no control characters' held only for C0 (an army named so ran, warnings on
    # stderr: no font draws them; found by helper breaker26)
    text = (settings.SHIPPED_CONFIG_DIR / "armies" / "template.yaml").read_text(encoding="utf-8")
    p = tmp_path / "c1.yaml"
    p.write_text(text.replace("name: Template army (hypothetical)", f"name: {name}", 1),
                 encoding="utf-8")
    with pytest.raises(ConfigError, match=r"name: a control character") as err:
        load_scenario(p)
    assert str(p.name) in str(err.value)


def test_an_army_file_whose_name_is_not_utf8_is_refused_before_the_run(tmp_path):
    # '\xe9.yaml' (a Latin-1 name): the whole run was done, then writing report.md, which
    # names the file, failed in a UnicodeEncodeError traceback (helper breaker26)
    name = os.fsdecode(b"\xe9.yaml")  # Python keeps the byte as the surrogate '\udce9'
    p = tmp_path / name
    p.write_bytes((settings.SHIPPED_CONFIG_DIR / "armies" / "template.yaml").read_bytes())
    with pytest.raises(ConfigError, match="its path holds bytes that are not UTF-8") as err:
        load_scenario(p)
    assert "rename the file" in str(err.value) and repr(str(p)) in str(err.value)


def _template_with_brigades(n: int) -> str:
    text = (settings.SHIPPED_CONFIG_DIR / "armies" / "template.yaml").read_text(encoding="utf-8")
    block = text[text.index("  - id: tpl-tb"):text.index("\nfuel:")]
    copies = "\n".join(block.replace("id: tpl-tb", f"id: tpl-tb{i}", 1).replace(
        "name: Template tank brigade", f"name: Template tank brigade {i}", 1) for i in range(n))
    return text.replace(block, copies, 1).replace("order: [tpl-tb]", "order: [tpl-tb0]", 1) \
        .replace("carrier: tpl-tb\n", "carrier: tpl-tb0\n", 1)


def test_an_army_of_more_formations_than_a_campaign_is_refused_before_the_run(tmp_path):
    # 500 copies of the template's brigade ran for more than 5 minutes at a 10 km grid (the
    # hourly step loop grows with each formation); found by helper breaker26
    from logistics.army.base import MAX_FORMATIONS

    p = tmp_path / "many.yaml"
    p.write_text(_template_with_brigades(MAX_FORMATIONS), encoding="utf-8")
    assert len(load_scenario(p).formations) == MAX_FORMATIONS  # the limit itself is taken
    p.write_text(_template_with_brigades(MAX_FORMATIONS + 1), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_scenario(p)
    msg = str(err.value)
    assert f"many.yaml: formations: {MAX_FORMATIONS + 1} formations; an army file holds at " \
           f"most {MAX_FORMATIONS}" in msg
    assert "fix: give like formations as one entry with `count:`" in msg
    assert msg.count("\n  - ") == 1, msg  # one problem, not one per formation
