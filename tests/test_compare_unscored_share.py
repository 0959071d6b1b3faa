"""compare runs the folder's unscored armies for the breaches they share (cmpshare32).

``logistics run configs/`` shares fortified-region breaches among every army of the folder;
``compare`` ran and shared among the documented (scored) armies only, so a breach by an army
with no documented row (the 25th Army's forward detachment at the Mudanjiang line, 11 Aug)
was missing there and a scored army kept its own later crossing: the two commands disagreed
on the same army. Toy armies on the toy runner, a synthetic breach, known answers.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from types import SimpleNamespace

import pandas as pd

from logistics.advance.shared_breaches import SharedBreach
from logistics.history.compare import compare
from tests.conftest import write_documented
from tests.test_compare import _row

SCORED, GATE = "USR-TANK", "USR-GATE"


def _plan(region: str):
    """A plan whose one formation crosses fortified region ``region`` at the rate."""
    gate = SimpleNamespace(region_ids=(region,), region_id=region)
    return SimpleNamespace(formations=[SimpleNamespace(fortified=(gate,))])


def _setup(toy, tmp_path):
    """The scored army (80 km/day alone, 160 behind another army's breach of region R), the
    unscored one that breaks R on 10 Aug 00:00, their folder, the documented file (one row of
    the scored army only: Town A at its km 150) and the runner with the calls it got."""
    scenarios = {SCORED: toy.Scenario(SCORED, base_km_per_day=80.0),
                 GATE: toy.Scenario(GATE, base_km_per_day=40.0, lon0=121.0)}
    folder = tmp_path / "configs"
    folder.mkdir()
    for axis in scenarios:
        (folder / f"{axis}.yaml").write_text("toy\n")
    lon, lat = toy.lonlat_at(scenarios[SCORED], 150.0)
    doc = write_documented(tmp_path / "doc.csv",
                           [_row(SCORED, "1945-08-10", place_reached="Town A", lat=lat,
                                 lon=float(lon))])
    calls = []

    def runner(sc, *, breaches=(), **kw):
        calls.append((sc.axis_id, tuple(breaches)))
        fast = sc.axis_id == SCORED and any(b.army == GATE for b in breaches)
        res = toy.runner(replace(sc, base_km_per_day=160.0) if fast else sc, **kw)
        res.plan, res.given_breaches, res.breaches = _plan("R"), tuple(breaches), ()
        if sc.axis_id == GATE:
            when = toy.START.to_pydatetime() + timedelta(days=1)
            res.breaches = (SharedBreach("R", GATE, "main", when, when,
                                         ((float(lon), float(lat)),)),)
        return res

    return doc, folder, scenarios, runner, calls


def test_an_unscored_armys_breach_reaches_the_scored_army_in_compare(toy, tmp_path):
    """On main the unscored army was not run: the scored army reached Town A (km 150) at 80
    km/day, 10 Aug 21:00; run with the folder's every army (as ``run <folder>``) it crosses R
    behind the unscored army's breach, 160 km/day: 9 Aug 22:30."""
    doc, folder, scenarios, runner, calls = _setup(toy, tmp_path)
    comp = compare(doc, configs_dir=folder, loader=lambda p: scenarios[p.stem],
                   runner=runner, railways=False)
    army = comp.axes[SCORED].trace
    assert [b.army for b in army.given_breaches] == [GATE]
    t = comp.table.set_index("row")
    assert t.loc[2, "modeled_arrival"] == pd.Timestamp("1945-08-09 22:30")
    # the unscored army is run (once: it is given nothing) but neither scored nor reported
    assert GATE not in comp.axes and set(comp.table["axis_id"]) == {SCORED}
    assert [c for c in calls if c[0] == GATE] == [(GATE, ())]
    assert comp.inputs.unscored == {GATE: scenarios[GATE]}


def test_each_monte_carlo_draw_is_given_its_nominal_armys_gift_from_an_unscored_army(
        toy, tmp_path):
    """The draws run only the scored armies, each given the breaches its nominal run was
    given, the unscored army's included (the unscored army is not drawn)."""
    doc, folder, scenarios, runner, calls = _setup(toy, tmp_path)
    compare(doc, configs_dir=folder, loader=lambda p: scenarios[p.stem], runner=runner,
            railways=False, samples=2)
    scored = [c for c in calls if c[0] == SCORED]
    assert len(scored) == 4  # alone, given the breach, and two draws given it
    assert all([b.army for b in given] == [GATE] for _, given in scored[1:])
    assert [c for c in calls if c[0] == GATE] == [(GATE, ())]


def test_an_unscored_army_that_fails_is_left_out_with_a_warning(toy, tmp_path):
    """A what-if army file with no documented rows that cannot run stops no comparison (it
    was not run before): it is left out of the sharing, and the warning says so."""
    from logistics.errors import ConfigError

    doc, folder, scenarios, runner, calls = _setup(toy, tmp_path)

    def failing(sc, **kw):
        if sc.axis_id == GATE:
            raise ConfigError("USR-GATE.yaml: start: in water")
        return runner(sc, **kw)

    said = []
    comp = compare(doc, configs_dir=folder, loader=lambda p: scenarios[p.stem],
                   runner=failing, railways=False, warn=said.append)
    t = comp.table.set_index("row")
    assert t.loc[2, "modeled_arrival"] == pd.Timestamp("1945-08-10 21:00")  # alone, 80 km/day
    assert [w for w in said if GATE in w and "start: in water" in w and "not run" in w]
