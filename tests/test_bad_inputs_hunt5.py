"""Bad inputs found from outside, fifth pass (helper "badhunt14"): each ends in one clear error.

``LOGISTICS_MEMORY_BUDGET_BYTES`` was read with a bare ``int()`` at import (a traceback before
any command for ``abc``, ``1e9`` or an empty value; 0 and negative budgets were taken).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def _env_without_logistics(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOGISTICS_")}
    env.update(extra)
    return env


# --- environment: the in-memory solve's byte budget ------------------------------------------

@pytest.mark.parametrize("value", ["abc", "1e9", "-5", "0", "1.5"])
def test_a_bad_memory_budget_is_one_clean_line_naming_the_variable(value):
    res = subprocess.run([sys.executable, "-m", "logistics", "places", "Hailar"],
                         env=_env_without_logistics(LOGISTICS_MEMORY_BUDGET_BYTES=value),
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 2, res.stderr
    assert "Traceback" not in res.stderr
    assert res.stderr.startswith("logistics places: error: environment variable "
                                 f"LOGISTICS_MEMORY_BUDGET_BYTES={value!r}")
    assert "whole number of bytes, at least 1" in res.stderr
    assert "unset LOGISTICS_MEMORY_BUDGET_BYTES" in res.stderr


def test_a_good_memory_budget_is_read_and_an_empty_one_is_unset():
    code = "from logistics import settings; print(settings.MEMORY_BUDGET_BYTES)"
    for value, shown in (("1000000", "1000000"), ("", "None"), (" 2048 ", "2048")):
        res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             env=_env_without_logistics(LOGISTICS_MEMORY_BUDGET_BYTES=value),
                             timeout=120)
        assert res.stdout.strip() == shown, res.stderr
