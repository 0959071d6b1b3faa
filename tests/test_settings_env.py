"""Environment variables: parsed once, a bad one is one error naming it, never a default."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest


def _settings(env: dict[str, str], code: str) -> subprocess.CompletedProcess:
    """Import logistics.settings in a fresh interpreter with ``env`` and run ``code``."""
    full = {k: v for k, v in os.environ.items() if not k.startswith("LOGISTICS_")}
    full.update(env)
    return subprocess.run([sys.executable, "-c", "from logistics import settings\n" + code],
                          env=full, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("var, value, words", [
    ("LOGISTICS_RESOLUTION_M", "abc", "expected a number of metres, 1 to 100000"),
    ("LOGISTICS_RESOLUTION_M", "nan", "expected a number of metres"),
    ("LOGISTICS_RESOLUTION_M", "-5", "expected a number of metres"),
    ("LOGISTICS_N_WORKERS", "two", "expected a whole number of workers, at least 1"),
    ("LOGISTICS_N_WORKERS", "0", "at least 1"),
    ("LOGISTICS_CHUNK_CELLS", "1.5", "expected a whole number of cells, 16 to 65536"),
    ("LOGISTICS_MAX_IN_MEMORY_CELLS", "-1", "at least 1"),
    ("LOGISTICS_SCHEDULER", "not a url", "expected a dask scheduler address"),
    ("LOGISTICS_SCHEDULER", "tcp://host:99999", "a port 1-65535"),
    ("LOGISTICS_SCHEDULER", "http://host:8786", "scheme one of"),
    ("LOGISTICS_PROGRESS", "maybe", "expected 1 or 0"),
    # PROJ's own: GDAL printed 'Cannot find proj.db', then the DEM was blamed (breaker26)
    ("PROJ_DATA", "/nonexistent", "no proj.db in it"),
    ("PROJ_LIB", "/nonexistent", "no proj.db in it"),
])
def test_a_bad_variable_is_one_config_error_naming_it(var, value, words):
    code = ("from logistics.errors import ConfigError\n"
            "try:\n    settings.check()\nexcept ConfigError as e:\n    print(e)\n")
    res = _settings({var: value}, code)
    assert res.returncode == 0, res.stderr
    assert f"environment variable {var}={value!r}" in res.stdout and words in res.stdout
    assert f"unset {var}" in res.stdout


def test_reading_a_bad_setting_raises_instead_of_a_silent_default():
    code = ("from logistics.errors import ConfigError\n"
            "try:\n    settings.N_WORKERS\nexcept ConfigError as e:\n    print('raised', e)\n"
            "print(settings.DEFAULT_RESOLUTION_M)\n")
    res = _settings({"LOGISTICS_N_WORKERS": "two"}, code)
    assert "raised environment variable LOGISTICS_N_WORKERS='two'" in res.stdout
    assert res.stdout.strip().endswith("1000.0")  # the other settings are unaffected


def test_good_values_are_parsed_and_empty_means_unset():
    code = ("import json\nprint(json.dumps([settings.DEFAULT_RESOLUTION_M, settings.N_WORKERS, "
            "settings.SCHEDULER_ADDRESS, settings.PROGRESS, settings.CHUNK_CELLS]))\n")
    res = _settings({"LOGISTICS_RESOLUTION_M": " 250 ", "LOGISTICS_N_WORKERS": "2",
                     "LOGISTICS_SCHEDULER": "tcp://10.0.0.1:8786", "LOGISTICS_PROGRESS": "off",
                     "LOGISTICS_CHUNK_CELLS": ""}, code)
    assert json.loads(res.stdout) == [250.0, 2, "tcp://10.0.0.1:8786", False, 2048]


def test_several_bad_variables_are_listed_together():
    res = _settings({"LOGISTICS_RESOLUTION_M": "abc", "LOGISTICS_N_WORKERS": "two"},
                    "print(len(settings.problems()))")
    assert res.stdout.strip() == "2"


def test_the_command_line_says_it_in_one_line_before_any_work():
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOGISTICS_")}
    env["LOGISTICS_RESOLUTION_M"] = "abc"
    res = subprocess.run([sys.executable, "-m", "logistics", "sample", "Hailar"], env=env,
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 2
    assert res.stderr.startswith("logistics sample: error: environment variable "
                                 "LOGISTICS_RESOLUTION_M='abc'")
    assert res.stderr.count("\n") == 1 and res.stdout == ""


@pytest.mark.parametrize("var", ["LOGISTICS_CONFIG_DIR", "LOGISTICS_RASTER_DIR"])
def test_a_folder_variable_naming_a_file_is_said_once_before_any_work(var, tmp_path):
    """``LOGISTICS_CONFIG_DIR=README.md`` gave a note that the army's folder had its own
    vehicles, then "README.md/vehicles does not exist": one line now says it is a file."""
    readme = tmp_path / "README.md"
    readme.write_text("# not a folder\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOGISTICS_")}
    env[var] = str(readme)
    res = subprocess.run([sys.executable, "-m", "logistics", "sample", "Hailar"], env=env,
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 2 and res.stdout == ""
    assert res.stderr.startswith(f"logistics sample: error: environment variable {var}="), \
        res.stderr
    assert ": it names a file, not a folder; fix: set it to " in res.stderr
    assert f"unset {var}" in res.stderr and res.stderr.count("\n") == 1, res.stderr


@pytest.mark.parametrize("var, fix", [
    ("LOGISTICS_CONFIG_DIR", "fix: set it to a whole copy of configs/ (cp -r configs my-configs)"),
    ("LOGISTICS_RASTER_DIR", "fix: set it to a folder of the built rasters"),
])
def test_a_data_folder_variable_naming_no_folder_is_said_once_before_any_work(var, fix,
                                                                             tmp_path):
    """``LOGISTICS_CONFIG_DIR=/no/such`` gave "tbf-6gta is neither a scenario file nor a
    folder" (``run``) or "vehicle folder .../vehicles does not exist" (``sample``), and
    ``LOGISTICS_RASTER_DIR`` a missing layer after the army was read: one line now names the
    variable, its value and the fix, before any work."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOGISTICS_")}
    env[var] = "no-such-folder"  # relative: read from the working folder, as any path
    res = subprocess.run([sys.executable, "-m", "logistics", "sample", "Hailar"], env=env,
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert res.returncode == 2 and res.stdout == "", res.stderr
    assert res.stderr.startswith(f"logistics sample: error: environment variable "
                                 f"{var}='no-such-folder': no such folder; {fix}"), res.stderr
    assert f"unset {var}" in res.stderr and res.stderr.count("\n") == 1, res.stderr
    assert not (tmp_path / "no-such-folder").exists()


def test_a_cache_folder_that_does_not_exist_yet_is_taken(tmp_path):
    """The cache folder is made when first written: one that does not exist is no error."""
    res = _settings({"LOGISTICS_CACHE_DIR": str(tmp_path / "cache")},
                    "print(settings.problems())\nprint(settings.CACHE_DIR)")
    assert res.stdout.split("\n")[:2] == ["[]", str(tmp_path / "cache")], res.stderr


def test_a_bare_scheduler_host_port_is_read_as_tcp_as_dask_reads_it():
    """``LOGISTICS_SCHEDULER=localhost:8786`` is accepted (dask connects to it as
    tcp://localhost:8786); the setting holds the address with its protocol, so every message
    and the doc table say the same address."""
    res = _settings({"LOGISTICS_SCHEDULER": "localhost:8786"},
                    "print(settings.SCHEDULER_ADDRESS)\nprint(settings.problems())")
    assert res.stdout.split("\n")[:2] == ["tcp://localhost:8786", "[]"], res.stderr


def test_a_proj_folder_that_holds_proj_db_is_taken(tmp_path):
    (tmp_path / "proj.db").write_bytes(b"")
    res = _settings({"PROJ_DATA": f"/nonexistent{os.pathsep}{tmp_path}"},
                    "settings.check()\nprint(settings.PROJ_DATA)\n")
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip().endswith(str(tmp_path))
