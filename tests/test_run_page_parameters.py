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
