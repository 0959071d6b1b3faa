"""A flotilla that cannot sail its carried formation's start and route, or a carried
formation's objective off the river path, refused before the terrain step (advance/river_carry).

The corpus's nonsense-flotilla-start-in-desert, -flotilla-route-over-land and
-carried-objective-inland were refused cleanly but only in the plan, after ``logistics run``'s
progress reached "terrain, route, supply, advance". The river path reads only the river
network, so the plan's own check (:func:`carried_river_timetable`) runs first with the run's
river planner: it refuses what the plan refuses, in its words, and nothing the plan takes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from logistics import settings
from logistics.errors import ConfigError

STEP = "terrain, route, supply, advance"

#: The corpus's three edits of the 15th Army's file (its flotilla carries 15a-landing)
EDITS = {
    "start-in-desert": (lambda d: d["flotilla"][0].__setitem__("start", {
        "place": "Gobi", "lon": 110.0, "lat": 43.0, "assumed": "x"}),
        ("flotilla.0 (1st-river-ship-brigade) carries 15a-landing, but it cannot sail its start "
         "and route (the origin (110.000E 43.000N) is")),
    "route-over-land": (lambda d: d["flotilla"][0].__setitem__("route", [
        {"place": "Hailar", "assumed": "x"}, {"place": "Solun", "assumed": "x"}]),
        "from a navigable river"),
    "objective-inland": (lambda d: next(f for f in d["formations"] if f["id"] == "15a-landing")
                         .__setitem__("objectives", [{"place": "Solun", "assumed": "x"}]),
                         ("(15a-landing).objectives.0: Solun lies 423 km from the rivers its "
                          "flotilla 1st-river-ship-brigade sails")),
}


def _edited(tmp_path: Path, kind: str) -> Path:
    data = yaml.safe_load((settings.SHIPPED_CONFIG_DIR / "2fef-15a.yaml").read_text(
        encoding="utf-8"))
    EDITS[kind][0](data)
    path = tmp_path / "army.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("kind", sorted(EDITS))
def test_a_flotilla_that_sails_no_river_is_refused_before_the_terrain_step(tmp_path, capsys,
                                                                           kind):
    from logistics.cli import main

    out = tmp_path / "o"
    assert main(["run", str(_edited(tmp_path, kind)), "--resolution-m", "10000", "--out",
                 str(out)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and not out.exists(), err
    assert STEP not in err, err  # refused before the work, not in its planning
    line = [ln for ln in err.splitlines() if ln.startswith("logistics run: error: ")]
    assert len(line) == 1 and "army.yaml: " in line[0], err
    assert EDITS[kind][1] in line[0], line[0]


def test_the_python_run_refuses_it_before_building_the_terrain(tmp_path, monkeypatch):
    import logistics
    import logistics.terrain

    def no_terrain(*args, **kwargs):
        raise AssertionError("the terrain was built before the refusal")

    monkeypatch.setattr(logistics.terrain, "load_terrain", no_terrain)
    with pytest.raises(ConfigError, match=r"cannot sail its start and route"):
        logistics.run(_edited(tmp_path, "start-in-desert"), resolution_m=25000)


def test_every_shipped_army_passes_and_no_planner_refuses_nothing(tmp_path):
    """What the plan takes the check takes: every shipped army (15A, 2RBA and 5RC carry
    formations by river); a run without a river planner carries nobody, so nothing is
    refused (the plan only notes it)."""
    from logistics.advance.land_check import check_river_moves
    from logistics.army import load_army
    from logistics.army.load import army_paths

    for path in army_paths(settings.SHIPPED_CONFIG_DIR):
        check_river_moves(load_army(path))
    check_river_moves(load_army(_edited(tmp_path, "start-in-desert")), None)


def _comparison(tmp_path: Path) -> tuple[Path, Path]:
    """A configs folder with the 15th Army's file, its flotilla started in the Gobi, and a
    documented file with one row of its axis (so a comparison models it)."""
    import csv
    import io

    from tests.test_cli_before_work import _doc_rows

    cfg = tmp_path / "cfg"
    cfg.mkdir()
    (cfg / "2fef-15a.yaml").write_text(
        _edited(tmp_path, "start-in-desert").read_text(encoding="utf-8"), encoding="utf-8")
    rows = list(csv.reader(io.StringIO(_doc_rows("1FEF-35A"))))
    rows[1][0] = "2FEF-15A"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows[:2])
    doc = tmp_path / "doc.csv"
    doc.write_text(buf.getvalue(), encoding="utf-8")
    return cfg, doc


def test_the_python_compare_refuses_it_before_its_runs(tmp_path, monkeypatch):
    import logistics
    import logistics.history.compare

    def no_runs(*args, **kwargs):
        raise AssertionError("the comparison's runs began before the refusal")

    monkeypatch.setattr(logistics.history.compare, "compare", no_runs)
    cfg, doc = _comparison(tmp_path)
    with pytest.raises(ConfigError, match="cannot sail its start and route"):
        logistics.compare(doc, configs_dir=cfg, resolution_m=10000, workers=0)


def test_compare_refuses_a_flotilla_that_sails_no_river_before_its_runs(tmp_path, capsys):
    """The same flotilla in an army of a comparison: refused before 'runs of every axis'
    (flotilla31 left it in the runs), in the plan's words."""
    from tests.test_cli_before_work import _compare, _refused_first

    cfg, doc = _comparison(tmp_path)
    err = _refused_first(capsys, _compare(cfg, doc, tmp_path / "o"))
    assert "carries 15a-landing, but it cannot sail its start and route" in err, err
    assert not (tmp_path / "o").exists()


# --- sailed once a run: the early check's timetables handed on to the plan ------------------

class _Stop(Exception):
    """Raised where a test has seen what it needs (no terrain, no plan built)."""


def _counting_planner(calls: list):
    """The shipped river planner, each call recorded in ``calls``."""
    from logistics.advance.means import river_planner

    def planner(way, **kw):
        calls.append(tuple(way))
        return river_planner(way, **kw)

    return planner


def test_the_plan_takes_the_timetable_the_check_sailed():
    """The 15th Army's carried formation was sailed twice a run (about a second each): in
    ``check_river_moves`` (early) and again in the plan. The check returns what it sailed and
    the plan's ``_carried_timetable`` takes it: one call of the planner, the same timetable;
    another planner (another key) is sailed anew."""
    from logistics.advance.formation_plan import _carried_timetable
    from logistics.advance.land_check import check_river_moves
    from logistics.advance.plan import PlanOptions, planned_units
    from logistics.army import load_army
    from logistics.army.fortified import load_fortified
    from logistics.army.norms import load_norms

    army = load_army(settings.SHIPPED_CONFIG_DIR / "2fef-15a.yaml")
    calls: list = []
    planner = _counting_planner(calls)
    sailed = check_river_moves(army, planner)
    assert len(calls) == 1 and len(sailed) == 1
    norms = load_norms(army.config_dir)
    u = next(u for u in planned_units(army, norms, load_fortified(army.config_dir).rule)
             if u.movement == "river")
    brigades = {b.id: b for b in army.flotilla}
    notes: list = []
    tt = _carried_timetable(u, army, brigades, norms,
                            PlanOptions(river_planner=planner, river_timetables=sailed), notes)
    assert len(calls) == 1 and tt is next(iter(sailed.values()))
    assert any("carried" in n for n in notes)  # its notes, as when sailed here
    other = _counting_planner(calls)
    _carried_timetable(u, army, brigades, norms,
                       PlanOptions(river_planner=other, river_timetables=sailed), [])
    assert len(calls) == 2


def test_the_run_hands_the_checked_timetables_to_its_plan(monkeypatch):
    """``run_scenario`` checks the river moves before its terrain step and builds its plan
    with what the check sailed (``PlanOptions.river_timetables``): the planner is called
    once; with ``overrides`` (a drawn river norm could change them) given ones are not taken."""
    import logistics.runner
    import logistics.terrain

    seen = {}

    def plan(army, terrain, *, options, **kw):
        seen["options"] = options
        raise _Stop

    monkeypatch.setattr(logistics.terrain, "load_terrain", lambda *a, **k: object())
    monkeypatch.setattr(logistics.runner, "build_army_plan", plan)
    calls: list = []
    planner = _counting_planner(calls)
    path = settings.SHIPPED_CONFIG_DIR / "2fef-15a.yaml"
    with pytest.raises(_Stop):
        logistics.runner.run_scenario(path, resolution_m=25000,
                                      planners={"river_planner": planner})
    assert len(calls) == 1 and len(seen["options"].river_timetables) == 1
    given = dict(seen["options"].river_timetables)
    with pytest.raises(_Stop):  # handed in (as `logistics run` does): not sailed again
        logistics.runner.run_scenario(path, resolution_m=25000, river_timetables=given,
                                      planners={"river_planner": planner})
    assert len(calls) == 1
    with pytest.raises(_Stop):  # with overrides: sailed anew
        logistics.runner.run_scenario(path, resolution_m=25000, river_timetables=given,
                                      planners={"river_planner": planner},
                                      overrides={"speed_scale": 1.1})
    assert len(calls) == 2


def test_logistics_run_hands_its_check_on_to_the_run(tmp_path, monkeypatch):
    """``logistics run`` checks the river moves before its progress step and hands what it
    sailed to ``run_scenario`` (which neither checks nor plans them again)."""
    import logistics.runner
    from logistics.cli import main

    seen = {}

    def run(*a, **kw):
        seen.update(kw)
        raise _Stop

    monkeypatch.setattr(logistics.runner, "run_scenario", run)
    with pytest.raises(_Stop):
        main(["run", str(settings.SHIPPED_CONFIG_DIR / "2fef-15a.yaml"), "--resolution-m",
              "25000", "--out", str(tmp_path / "o")])
    assert len(seen.get("river_timetables") or {}) == 1, seen.keys()
