"""A column held below its physics speed by the ground burns its engine's zero-load flow for
the hours the hold adds (logistics/advance/pace.py ``engine_hours_fuel_l``), not only the cost
engine's litres per km at its physics speed.

By hand: on the Willans line (logistics/cost/engine.py) a step's litres are
``(zero_load + (full - zero_load) P / P_max) / v`` per km with ``P`` = force x speed, so at a
slower speed the work term per km is unchanged and the zero-load term grows by
``zero_load x (1/v_slow - 1/v)`` hours per km.
"""

from __future__ import annotations

import numpy as np
import pytest
import yaml

ZERO = np.array([10.0, 0.0])  # L/h: a motor vehicle, and men (no engine)


def test_an_observed_cap_costs_the_zero_load_flow_for_the_hours_over_physics_and_norm():
    """Three 1 km steps, physics 20 km/h; the norm's floor 10 km/h; the column at 10 km/h
    (the norm), 4 km/h (a mud cap), 0.6 km/h (the taiga's rate of advance)."""
    from logistics.advance.pace import CRAWL_KMH, engine_hours_fuel_l

    physics = np.full((2, 3), 3600.0 / 20.0)
    floor = np.full(3, 3600.0 / 10.0)
    column = np.array([3600.0 / 10.0, 3600.0 / 4.0, 3600.0 / 0.6])[None, :].repeat(2, axis=0)
    extra = engine_hours_fuel_l(physics, column, floor, np.full(3, 1000.0), ZERO)
    # the norm's hours cost nothing (a higher gear); mud: 1/4 - 1/10 h at 10 L/h; the taiga:
    # the engine runs for the km at the crawl speed, not the 1.67 h of the cap
    np.testing.assert_allclose(extra[0], [0.0, 10.0 * (1 / 4 - 1 / 10),
                                          10.0 * (1 / CRAWL_KMH - 1 / 10)])
    np.testing.assert_allclose(extra[1], 0.0)


def test_no_extra_where_the_physics_is_already_slower_or_a_step_is_impassable():
    from logistics.advance.pace import engine_hours_fuel_l

    physics = np.array([[3600.0 / 3.0, np.inf]])
    column = np.array([[3600.0 / 3.0, np.inf]])
    extra = engine_hours_fuel_l(physics, column, np.zeros(2), np.full(2, 1000.0), ZERO[:1])
    np.testing.assert_allclose(extra, 0.0)


@pytest.mark.slow
def test_a_tank_column_on_washed_out_low_ground_burns_its_engine_hours(tmp_path, box_terrain,
                                                                       test_army_doc):
    """Ten T-34-85 on the flat 200 m steppe in the wet season: the washed-out plain cap
    (4.5 km/h, configs/norms/march.yaml observed) holds them below their norm's 6.6 km/h
    and their physics speed, so each vehicle's route litres are the cost engine's plus its
    zero-load flow times route km x (1/4.5 - 1/6.6) h. On main the plan kept the cost engine's
    litres alone."""
    from logistics.advance.plan import army_bbox
    from logistics.army.load import load_army
    from logistics.cost.physics import engine
    from logistics.cost.route import evaluate_path
    from logistics.runner import run_scenario

    doc = test_army_doc([test_army_doc.tank_column((122.5, 46.7))])
    doc["seasons"][0]["season"] = "wet"
    path = tmp_path / "army.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    army = load_army(path)
    terrain = box_terrain(army_bbox(army), 10000.0)
    r = run_scenario(army, terrain=terrain)
    fp = next(f for f in r.plan.formations if f.id == "tank-col")
    i = fp.class_ids.index("t-34-85")
    ev = evaluate_path(terrain, fp.cells, "t-34-85", season="wet")
    km = float(ev["dist_m"].sum()) / 1000.0
    assert km > 5
    assert float(ev["time_s"].sum()) / 3600.0 < km / 6.6  # physics faster than the norm
    zero = engine("t-34-85").zero_load_l_per_h
    want = float(ev["fuel_l"].sum()) + zero * km * (1 / 4.5 - 1 / 6.6)
    assert float(fp.step_fuel_l["wet"][i].sum()) == pytest.approx(want, rel=1e-6)
    assert any("engines run longer" in n for n in r.notes)
