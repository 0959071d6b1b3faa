"""A formation formed out of its parent after the range crossing (``formed: {when:
after_range_crossing}``, as the 7th Mechanized Corps' forward detachment, [NEBOLSIN-2015])
moves with its parent until the parent is past the range, then runs on its own.

Synthetic army on a steppe with one north-south ridge 100 km east of the start: a tracked
parent (ten T-34-85, tank column: 6.6 km/h) and a wheeled child (ten GAZ-67B, motor column:
up to 25 km/h), both heading due east. By hand: the ridge's crest is the highest point of the
parent's route, so the child is formed there; the wheeled child could go almost four times the
parent's pace, so without the rule it would be far ahead of its parent on the first day.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
import yaml

from logistics import settings
from logistics.advance.plan import army_bbox
from logistics.army.load import load_army
from logistics.runner import run_scenario
from logistics.terrain import to_metric

pytestmark = pytest.mark.slow

START = (118.2, 46.7)
RIDGE_LON = 119.5  # about 100 km east of the start
GOAL = (122.0, 46.7)


def _army_doc(doc_of) -> dict:
    """The 6th Guards Tank Army file cut to a parent corps and a child formed after the
    range crossing, H-hour at midnight, dry all the way, fuel never binding."""
    doc = yaml.safe_load((settings.CONFIG_DIR / "tbf-6gta.yaml").read_text(encoding="utf-8"))
    base = next(f for f in doc["formations"] if f["id"] == "fd-7mc")
    goal = [{"place": "test east", "lon": GOAL[0], "lat": GOAL[1], "assumed": "test"}]
    start = {"lon": START[0], "lat": START[1], "assumed": "test"}
    parent = copy.deepcopy(base)
    for k in ("standard", "parent", "drawn_from_parent", "formed", "march_norm"):
        parent.pop(k, None)
    # a name and no aliases of its own: two formations may not share one (army/cross_refs.py)
    parent.update(id="corps", name="test corps", aliases=[], kind="mech_corps",
                  role="main_body", movement="tracked",
                  march_norm="tank_column", start=start, objectives=goal,
                  men={"value": 40, "assumed": "test"},
                  vehicles=[{"vehicle": "t-34-85", "count": {"value": 10, "assumed": "test"}}],
                  column={"routes": {"value": 1, "assumed": "test"}})
    child = copy.deepcopy(base)
    child.pop("drawn_from_parent", None)
    child.update(id="fd", parent="corps", movement="motor", march_norm="motor_column",
                 start=start, objectives=goal, men={"value": 40, "assumed": "test"},
                 vehicles=[{"vehicle": "gaz-67b", "count": {"value": 10, "assumed": "test"}}],
                 column={"routes": {"value": 1, "assumed": "test"}},
                 formed={"when": "after_range_crossing", "assumed": "test"})
    return doc_of([child, parent])  # first in priority; it moves after its parent while held


def _ridge(xx, yy):
    """Flat 200 m steppe with a 600 m ridge (Gaussian, 15 km wide) along RIDGE_LON."""
    x0, _ = to_metric(np.array([RIDGE_LON]), np.array([START[1]]))
    return 200.0 + 600.0 * np.exp(-(((xx - float(x0[0])) / 15000.0) ** 2))


def test_formed_after_range_crossing_moves_with_its_parent_then_on_its_own(tmp_path,
                                                                          box_terrain,
                                                                          test_army_doc):
    path = tmp_path / "army.yaml"
    path.write_text(yaml.safe_dump(_army_doc(test_army_doc), allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    army = load_army(path)
    terrain = box_terrain(army_bbox(army), 5000.0, _ridge)
    # the toy army's start lies on the real Mongolian frontier: the own-sector rule
    # (advance/frontier.py, tested in test_frontier.py) is not this test's subject
    r = run_scenario(army, terrain=terrain, own_sector=False)
    t = r.tracks
    fd = t[t["formation_id"] == "fd"].set_index("time")["cum_km"]
    corps = t[t["formation_id"] == "corps"].set_index("time")["cum_km"]
    # where it is formed, by hand: the crest (highest point of the parent's route), ~100 km on
    p = r.routes[r.routes["formation_id"] == "corps"]
    crest_km = float(p["cum_km"].to_numpy()[int(np.nanargmax(p["elev_m"].to_numpy()))])
    assert 80.0 < crest_km < 130.0
    before = corps < crest_km
    assert before.sum() >= 10  # the parent needs more than a day's march hours to the crest
    # never ahead of its parent before the parent is past the range
    assert (fd[before] <= corps[before] + 1e-6).all()
    # then it runs on its own: a motor column outruns a tank column on flat steppe
    after = ~before
    assert after.any()
    assert fd.iloc[-1] > corps.iloc[-1] or fd.iloc[-1] == pytest.approx(fd.max())
    first_after = corps[after].index[0]
    day_later = fd.index[fd.index.get_loc(first_after) + 24]
    gained = (fd[day_later] - corps[day_later]) - (fd[first_after] - corps[first_after])
    assert gained > 50.0



def test_formed_formation_is_priced_as_its_own_vehicles_on_its_parents_stretch(
        tmp_path, box_terrain, test_army_doc):
    """Its route begins on its parent's route (whose step times and fuel are the parent's
    pace vehicle's, a T-34-85): on that stretch the child's GAZ-67B must burn and go as a
    GAZ-67B, priced by the cost engine on the same cells, not as the parent's tank."""
    from logistics.advance.plan import build_army_plan
    from logistics.cost.route import evaluate_path

    path = tmp_path / "army.yaml"
    path.write_text(yaml.safe_dump(_army_doc(test_army_doc), allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    army = load_army(path)
    terrain = box_terrain(army_bbox(army), 5000.0, _ridge)
    plan, _ = build_army_plan(army, terrain)
    fp = next(f for f in plan.formations if f.id == "fd")
    shared = fp.km <= fp.formed_km + 1e-9
    assert shared.sum() > 5
    gaz = evaluate_path(terrain, fp.cells, "gaz-67b", season="dry")
    tank = evaluate_path(terrain, fp.cells, "t-34-85", season="dry")
    i = fp.class_ids.index("gaz-67b")
    got = fp.step_fuel_l["dry"][i][shared]
    np.testing.assert_allclose(got, gaz["fuel_l"].to_numpy()[shared], rtol=1e-9)
    # and so well below the tank's litres on the same steps
    assert got.sum() < 0.5 * tank["fuel_l"].to_numpy()[shared].sum()


def test_an_attached_support_unit_keeps_to_its_parents_share_of_the_route(tmp_path,
                                                                         box_terrain,
                                                                         test_army_doc):
    """``role: support`` with a ``parent`` (an SP battalion of rifle divisions): never farther
    along its own route than the parent's head along the parent's, until the parent arrives;
    the same wheeled unit without the role runs far ahead on the first day."""
    def run(role):
        child, parent = _army_doc(lambda fs: fs)
        child.pop("formed")
        child.update(role=role)
        doc = test_army_doc([child, parent])
        path = tmp_path / f"army-{role}.yaml"
        path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False),
                        encoding="utf-8")
        army = load_army(path)
        r = run_scenario(army, terrain=box_terrain(army_bbox(army), 5000.0, _ridge),
                         own_sector=False)
        t = r.tracks
        lengths = r.routes.groupby("formation_id")["cum_km"].max()
        share = {f: t[t["formation_id"] == f].set_index("time")["cum_km"] / lengths[f]
                 for f in ("fd", "corps")}
        return share["fd"], share["corps"]

    fd, corps = run("support")
    going = corps < 1.0 - 1e-9
    assert going.sum() >= 24
    assert (fd[going] <= corps[going] + 1e-6).all()
    assert fd.iloc[-1] == pytest.approx(1.0)  # it arrives once the parent has
    free, corps_free = run("main_body")
    first_day = free.index[:24]
    assert (free[first_day] - corps_free[first_day]).max() > 0.2


def test_a_formed_formation_does_not_turn_back_for_an_objective_its_parent_passed():
    """A formation formed on its parent's route routed from there to its first objective even
    when its parent's column had passed that place before forming it: the 2nd Red Banner
    Army's tank brigade, formed after the Amur crossing, drove back to Heihe (km 150 of its
    route at 25 km cells, 75 km past where it was formed; 23 km more at 5 km cells), and a
    forward detachment formed at the Xiliao turned 300 km back to Daban (found by
    newuser22). Such an objective is reached in its parent's column, at its parent's km."""
    import logistics

    result = logistics.run(str(settings.CONFIG_DIR / "2fef-2rba.yaml"), resolution_m=25000)
    o = logistics.layers(result)["objectives"].set_index(["formation_id", "objective"])
    assert o.loc[("blag-tb", "Heihe"), "cum_km"] == o.loc[("blag-rds", "Heihe"), "cum_km"]
    # the same objectives from the same start: its route is its parent's, not longer
    for place in ("Sunwu", "Bei'an", "Qiqihar"):
        assert o.loc[("blag-tb", place), "cum_km"] == pytest.approx(
            o.loc[("blag-rds", place), "cum_km"], abs=1.0)
