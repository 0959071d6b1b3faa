"""A configs folder given to a check or a plan (``config_dir``) is the one read: each reader of
a file under ``configs/`` takes it, not ``settings.CONFIG_DIR`` behind its caller's back.
(The embankment speeds of ``norms/march.yaml``: tests/test_embankment.py.)"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from logistics import settings
from logistics.army.checks import check_army
from logistics.army.load import load_army
from logistics.errors import ConfigError


def _configs_copy(tmp_path: Path) -> Path:
    cfg = tmp_path / "configs"
    shutil.copytree(settings.SHIPPED_CONFIG_DIR, cfg)
    return cfg


def test_railheads_are_checked_against_the_station_list_of_the_given_folder(tmp_path):
    # check_army(army, config_dir) read the norms and fortified regions of config_dir but the
    # station list of settings.CONFIG_DIR: a folder without line R23b passed the 25th Army's
    # railhead on it
    cfg = _configs_copy(tmp_path)
    stations = cfg / "network" / "stations-1945.csv"
    lines = stations.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [ln for ln in lines if not ln.startswith("R23b,")]
    assert len(kept) < len(lines), "premise: the shipped list has line R23b"
    stations.write_text("".join(kept), encoding="utf-8")
    army = load_army(settings.SHIPPED_CONFIG_DIR / "1fef-25a.yaml")  # checked on the shipped
    assert any(r.line == "R23b" for r in army.supply.rail.railheads)
    with pytest.raises(ConfigError, match=r"railheads\.\d+ \(.*\)\.line: 'R23b' is no line") as e:
        check_army(army, config_dir=cfg)
    assert str(stations) in str(e.value)  # the message names the list it read, not the shipped one
    check_army(army)  # the shipped list has it
