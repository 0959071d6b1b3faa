"""The JSON Schemas of the scenario and vehicle files (configs/schema/): committed equal to the
generated ones, shipped files valid against them, wrong files rejected, every vehicle file naming
its schema in its first line."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml

from logistics import settings
from logistics.cli import main
from logistics.config_schema import (
    MODELINE,
    SCHEMA_FILES,
    config_files,
    schema_texts,
    with_modeline,
)

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = ROOT / "configs"


def _json_like(node):
    """A YAML tree as JSON would carry it (dates as ISO text, as an editor's schema sees them)."""
    if isinstance(node, dict):
        return {str(k): _json_like(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_json_like(v) for v in node]
    if isinstance(node, dt.date | dt.datetime):
        return node.isoformat()
    return node


def _validator(kind: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((CONFIGS / "schema" / SCHEMA_FILES[kind]).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_committed_schemas_equal_the_generated_ones():
    for name, text in schema_texts().items():
        committed = (CONFIGS / "schema" / name).read_text(encoding="utf-8")
        assert committed == text, f"configs/schema/{name} is stale: run `logistics schema`"


@pytest.mark.parametrize("kind", ["scenario", "vehicle"])
def test_every_shipped_file_is_valid_against_its_schema(kind):
    validator = _validator(kind)
    files = config_files(CONFIGS)[kind]
    assert files
    for f in files:
        doc = _json_like(yaml.safe_load(f.read_text(encoding="utf-8")))
        errors = [f"{'.'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(doc)]
        assert not errors, f"{f.name}: {errors[:5]}"


def test_the_vehicle_schema_rejects_what_the_loader_rejects():
    validator = _validator("vehicle")
    good = _json_like(yaml.safe_load((CONFIGS / "vehicles" / "t-34-85.yaml").read_text()))
    assert validator.is_valid(good)
    for bad in (
        {**good, "mass_tt": good["mass_t"]},  # a misspelt key
        {**good, "kind": "hovercraft"},  # not one of the kinds
        {**good, "mass_t": {**good["mass_t"], "value": 250}},  # above the loader's (0, 200]
        {**good, "mass_t": {**good["mass_t"], "value": 0}},  # the range is open at 0
        {**good, "fuel_targets": {"swamp": good["fuel_targets"]["road"]}},  # no such surface
        {k: v for k, v in good.items() if k != "name"},  # name is required
    ):
        assert not validator.is_valid(bad)


def test_the_scenario_schema_rejects_an_unknown_key_and_a_bad_value():
    validator = _validator("scenario")
    good = _json_like(yaml.safe_load((CONFIGS / "tbf-cmg.yaml").read_text()))
    assert validator.is_valid(good)
    assert not validator.is_valid({**good, "formatons": good["formations"]})  # misspelt key
    assert not validator.is_valid({**good, "formations": "all of them"})  # not a list


def test_every_vehicle_file_names_its_schema_in_its_first_line():
    for f in config_files(CONFIGS)["vehicle"]:
        first = f.read_text(encoding="utf-8").splitlines()[0]
        assert first == MODELINE.format("../schema/vehicle.schema.json"), f.name
        assert (f.parent / "../schema/vehicle.schema.json").resolve().is_file()


def test_schema_command_writes_schemas_and_modelines_once(tmp_path, capsys):
    configs = tmp_path / "configs"
    (configs / "vehicles").mkdir(parents=True)
    shutil.copy(CONFIGS / "tbf-cmg.yaml", configs / "a.yaml")
    shutil.copy(CONFIGS / "vehicles" / "zis-5.yaml", configs / "vehicles" / "zis-5.yaml")
    capsys.readouterr()
    assert main(["schema", "--configs", str(configs)]) == 0
    # the folder it changed in full: "in configs/" could be the checkout's as well as a copy's
    assert f"file(s) changed in {configs}/" in capsys.readouterr().out
    assert sorted(p.name for p in (configs / "schema").iterdir()) == sorted(SCHEMA_FILES.values())
    text = (configs / "a.yaml").read_text()
    assert text.startswith(MODELINE.format("schema/scenario.schema.json") + "\n")
    assert text.count("yaml-language-server") == 1
    # the file is otherwise unchanged, and a second run changes nothing
    assert yaml.safe_load(text) == yaml.safe_load((CONFIGS / "tbf-cmg.yaml").read_text())
    capsys.readouterr()
    assert main(["schema", "--configs", str(configs)]) == 0
    assert "up to date" in capsys.readouterr().out
    assert with_modeline(text, "x.json").splitlines()[1:] == text.splitlines()[1:]
    assert main(["schema", "--configs", str(tmp_path / "none")]) == 2
    assert settings.CONFIG_DIR.is_dir()


def test_schema_command_re_points_a_copied_template_at_the_schema(tmp_path):
    """The template's first line names ../schema/ (it sits in configs/armies/); copied to
    configs/ as its comments say, `logistics schema` (the comments' next step) makes it
    name schema/scenario.schema.json, the file an editor then finds."""
    configs = tmp_path / "configs"
    (configs / "vehicles").mkdir(parents=True)
    shutil.copy(CONFIGS / "armies" / "template.yaml", configs / "my-axis.yaml")
    assert "logistics schema" in (CONFIGS / "armies" / "template.yaml").read_text()
    assert "../schema/" in (configs / "my-axis.yaml").read_text().splitlines()[0]
    assert main(["schema", "--configs", str(configs)]) == 0
    first = (configs / "my-axis.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == MODELINE.format("schema/scenario.schema.json")
    assert (configs / "schema" / "scenario.schema.json").is_file()


def test_schema_command_points_army_files_in_subfolders_at_the_schema(tmp_path, capsys):
    """`logistics schema` re-pointed the first line of the army files directly in configs/
    only: configs/armies/template.yaml (and a user's configs/what-if/...) kept whatever line it
    had, a wrong path after a move. Every army file below the folder (a top-level axis_id)
    names the schema relative to its own folder now; the data files of norms/ are no army
    files, untouched and not listed."""
    configs = tmp_path / "configs"
    (configs / "vehicles").mkdir(parents=True)
    (configs / "armies").mkdir()
    (configs / "what-if" / "deeper").mkdir(parents=True)
    (configs / "norms").mkdir()
    template = (CONFIGS / "armies" / "template.yaml").read_text(encoding="utf-8")
    body = template.split("\n", 1)[1]
    (configs / "armies" / "template.yaml").write_text(
        MODELINE.format("schema/scenario.schema.json") + "\n" + body, encoding="utf-8")
    (configs / "what-if" / "deeper" / "my-axis.yml").write_text(body, encoding="utf-8")
    norms = (CONFIGS / "norms" / "march.yaml").read_text(encoding="utf-8")
    (configs / "norms" / "march.yaml").write_text(norms, encoding="utf-8")
    assert config_files(configs)["scenario"] == [configs / "armies" / "template.yaml",
                                                 configs / "what-if" / "deeper" / "my-axis.yml"]
    capsys.readouterr()
    assert main(["schema", "--configs", str(configs)]) == 0
    said = capsys.readouterr().out
    assert "wrote armies/template.yaml" in said and "wrote what-if/deeper/my-axis.yml" in said
    assert "norms" not in said
    for f, rel in (("armies/template.yaml", "../schema/scenario.schema.json"),
                   ("what-if/deeper/my-axis.yml", "../../schema/scenario.schema.json")):
        text = (configs / f).read_text(encoding="utf-8")
        assert text == MODELINE.format(rel) + "\n" + body, f
        assert ((configs / f).parent / rel).resolve().is_file()
    assert (configs / "norms" / "march.yaml").read_text(encoding="utf-8") == norms
    # the shipped template already says so: the checkout's tree is up to date
    assert template == MODELINE.format("../schema/scenario.schema.json") + "\n" + body
    capsys.readouterr()
    assert main(["schema", "--configs", str(configs)]) == 0
    assert "up to date" in capsys.readouterr().out
