"""The docs' recipes for a new vehicle and a new formation, applied as a newcomer applies them:
the snippets and the command are read from the docs themselves (configs/vehicles/README.md,
configs/README.md "Adding an axis or a formation"), so this fails when the docs drift from what
loads and runs."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pandas as pd
import pytest

from logistics import settings
from logistics.settings import PROJECT_ROOT

CONFIGS = Path(PROJECT_ROOT) / "configs"
VEHICLES_README = CONFIGS / "vehicles" / "README.md"
CONFIGS_README = CONFIGS / "README.md"


def _yaml_block(doc: Path, after: str) -> str:
    """The first ```yaml block of `doc` after the text `after` (its worked example)."""
    text = doc.read_text(encoding="utf-8")
    start = text.index(after)
    match = re.search(r"```yaml\n(.*?)```", text[start:], re.S)
    assert match, f"{doc}: no yaml block after {after!r}"
    return match.group(1)


def _recipe_paragraph() -> str:
    """configs/README.md's worked example of a formation: the text from its heading to the
    next blank line after its yaml block (the command that runs it)."""
    text = CONFIGS_README.read_text(encoding="utf-8")
    start = text.index("A worked example: a second brigade")
    end = text.index("\n\n", text.index("```\n\n", start) + 5)
    return " ".join(text[start:end].split())


@pytest.fixture
def my_configs(tmp_path, monkeypatch) -> Path:
    """A copy `my-configs` of configs/ holding the vehicles README's worked example as
    vehicles/my-tank.yaml, read as the configs folder (LOGISTICS_CONFIG_DIR), from the folder
    holding it."""
    root = tmp_path / "my-configs"
    shutil.copytree(CONFIGS, root)
    (root / "vehicles" / "my-tank.yaml").write_text(
        _yaml_block(VEHICLES_README, "A worked example, a whole file"), encoding="utf-8")
    monkeypatch.setattr(settings, "CONFIG_DIR", root)
    monkeypatch.chdir(tmp_path)
    return root


def test_the_vehicle_recipe_gives_a_vehicle_the_engine_prices(my_configs):
    """The worked vehicle file, as written, loads from the copy and is priced on real terrain:
    a tracked diesel that moves on the Solun steppe, slower than its road cap, burning fuel."""
    import logistics

    tank = logistics.load_vehicle("my-tank", config_dir=my_configs)
    assert tank.kind == "tracked" and tank.fuel_type == "diesel"
    rates = logistics.vehicle_rates("Solun", vehicles=["my-tank"], config_dir=my_configs)
    (row,) = rates.to_dict("records")
    assert 0 < row["speed_flat_kmh"] <= tank.speed_road_kmh
    assert row["fuel_flat_l_per_km"] > 0


def test_the_formation_recipe_runs_its_brigade_on_its_new_vehicle(my_configs, capsys):
    """The worked formation entry appended to a copy of the template as the docs say, its id
    added to the fuel order, run by the docs' own command: the brigade is in the run, paced by
    the new vehicle, and moves along its route to its objective."""
    from logistics.cli import main

    paragraph = _recipe_paragraph()
    order = re.search(r"`(order: \[[^\]]*\])`", paragraph).group(1)
    text = (CONFIGS / "armies" / "template.yaml").read_text(encoding="utf-8")
    assert text.count("order: [tpl-tb]") == 1 and text.count("\nfuel:") == 1
    entry = _yaml_block(CONFIGS_README, "A worked example: a second brigade")
    text = text.replace("\nfuel:", "\n" + entry + "\nfuel:").replace("order: [tpl-tb]", order)
    (my_configs / "my-axis.yaml").write_text(text, encoding="utf-8")

    command = re.search(r"`LOGISTICS_CONFIG_DIR=my-configs logistics run ([^`]*)`", paragraph)
    args = shlex.split(command.group(1))
    assert main(["run", *args]) == 0
    out = Path(args[args.index("--out") + 1])  # one army file: the run folder itself
    summary = capsys.readouterr().out
    assert re.search(r"^\s+my-tb: ", summary, re.M), summary

    formations = pd.read_csv(out / "formations.csv").set_index("formation_id")
    assert formations.loc["my-tb", "pace_vehicle"] == "my-tank"
    tracks = pd.read_csv(out / "tracks.csv")
    mine = tracks[tracks["formation_id"] == "my-tb"]
    assert mine["cum_km"].max() > 100
    assert "my-tank" in (out / "report.md").read_text(encoding="utf-8")
