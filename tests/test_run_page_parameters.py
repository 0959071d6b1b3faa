"""report.md's Parameters table gives men and vehicles as run: a formation drawn from its parent
is taken out of it, and the page says so (else the parent's row and the army file's figure,
quoted under Assumptions, seem to disagree)."""

from __future__ import annotations

import re

import yaml

from logistics import settings
from logistics.api import run
from logistics.report.run_page import run_report


def _row_men(report: str, fid: str) -> int:
    row = next(ln for ln in report.splitlines() if ln.startswith(f"| {fid} |"))
    return int(row.split("|")[4])


def test_a_parent_row_is_net_of_what_was_drawn_from_it_and_the_page_says_so():
    path = settings.CONFIG_DIR / "tbf-6gta.yaml"
    spec = {f["id"]: f for f in yaml.safe_load(path.read_text())["formations"]}
    assert spec["fd-7mc"]["drawn_from_parent"] is True and spec["fd-7mc"]["parent"] == "7mc"
    report = run_report(run(path, resolution_m=25000))
    # the army file's 7mc men are the corps with its forward detachment
    assert _row_men(report, "7mc") + _row_men(report, "fd-7mc") == spec["7mc"]["men"]["value"]
    note = next(ln for ln in report.splitlines() if ln.startswith("- men and vehicles as run"))
    named = dict(re.findall(r"([\w-]+) is taken out of ([\w-]+)", note))
    assert named == {fid: f["parent"] for fid, f in spec.items() if f.get("drawn_from_parent")}


def test_report_command_repeats_the_run_with_its_options():
    """report.md's command line repeats the run: every option away from its default (a
    newcomer's 5 km run printed 'logistics run configs/x.yaml', which reruns at 1 km)."""
    from logistics.report.run_page import run_command

    base = {"scenario_file": "configs/tbf-17a.yaml", "seed": 0, "resolution_m": 1000.0,
            "dem": "merged", "events": True}
    assert run_command(base) == "logistics run configs/tbf-17a.yaml"
    odd = dict(base, seed=7, resolution_m=5000.0, dem="etopo5", events=False)
    assert run_command(odd) == ("logistics run configs/tbf-17a.yaml --seed 7 --resolution-m "
                                "5000 --dem etopo5 --no-events")
    # a path with a space is one shell word (newuser19's 'мой план.yaml' printed bare)
    assert run_command(dict(base, scenario_file="my axes/мой план.yaml")) == (
        "logistics run 'my axes/мой план.yaml'")
