"""Bad inputs found from outside by helper "breaker35", on the features added lately (truck
convoys, river supply, flotilla ferrying, march norms' heat rule): each was taken without a word
on main (or ran to a NaN pace); each is now one error naming the file, the key and the fix,
before any work.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import configs_refused, configs_tree_edited
from logistics import settings


def _shipped(name: str) -> dict:
    return yaml.safe_load((Path(settings.SHIPPED_CONFIG_DIR) / name).read_text(encoding="utf-8"))


def _fig(value) -> dict:
    return {"value": value, "assumed": "test"}


# --- march norms: hours under way ---------------------------------------------------------------

def _norms(d: Path) -> None:
    from logistics.army.norms import load_norms

    load_norms(d)


@pytest.mark.parametrize("old, new", [
    # the foot column's heat rule: its night marches of 0 hours (the 39th Army's rifle
    # divisions ran at a NaN pace, a numpy RuntimeWarning on stderr, exit 0)
    ("      march_hours_per_day:\n        value: 12\n",
     "      march_hours_per_day:\n        value: 0\n"),
    # a norm's own hours (its uncertain range removed so that the value itself is read)
    ("    march_hours_per_day:\n      value: 16\n      assumed: \"no 1945 tank-army",
     "    march_hours_per_day:\n      value: 0\n      assumed: \"no 1945 tank-army"),
])
def test_a_march_of_no_hours_a_day_is_refused(tmp_path, old, new):
    rel = "norms/march.yaml"
    d = configs_tree_edited(tmp_path, rel, old, new)
    p = d / rel
    p.write_text(p.read_text(encoding="utf-8").replace(
        "  norms.tank_column.march_hours_per_day:", "  x.tank_column.march_hours_per_day:", 1)
        .replace("  x.tank_column.march_hours_per_day: {low: 10, high: 20, assumed: \"no "
                 "tank-army norm found (PM §2.4); the cavalry regulation's 7-8 h + 4-6 h "
                 "[CAV35] to near round-the-clock\"}\n", ""), encoding="utf-8")
    configs_refused(_norms, d, rel, "march_hours_per_day: value must be within (0, 24], got 0")
