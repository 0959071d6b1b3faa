"""calibrate shares fortified-region breaches as compare does (calshare32).

``logistics compare`` runs the folder's unscored armies and shares the breaches among every
army before scoring; ``calibrate`` ran each scored army alone at every grid point, so its
nominal row differed from compare's summary (1FEF-5A median 0.64 d against 0.92). Toy armies
of tests/test_compare_unscored_share.py: an unscored army's breach speeds the scored one.
"""

from __future__ import annotations

import pandas as pd

from logistics.history.calibrate import calibrate
from logistics.history.compare import compare
from logistics.history.inputs import load_inputs
from tests.test_compare_unscored_share import GATE, SCORED, _setup


def _calibrate(doc, folder, scenarios, runner):
    """calibrate as the CLI calls it: the scored axes and the folder's unscored armies."""
    inputs = load_inputs(doc, configs_dir=folder, loader=lambda p: scenarios[p.stem])
    table = inputs.documented.table
    axes = {a: (sc, table[(table["axis_id"] == a) & table["usable"]],
                inputs.departure_lines.get(a, ())) for a, sc in inputs.scenarios.items()}
    return calibrate(axes, params=["speed_scale"], bounds={"speed_scale": (0.5, 1.5)},
                     points=3, runner=runner, railways=False, armies=inputs.armies,
                     unscored=inputs.unscored)


def test_calibrates_nominal_row_is_compares_summary_with_an_unscored_armys_breach(
        toy, tmp_path):
    """On main the scored army ran alone in calibrate (Town A at 80 km/day: 10 Aug 21:00,
    not compare's 9 Aug 22:30 behind the unscored army's breach)."""
    doc, folder, scenarios, runner, calls = _setup(toy, tmp_path)
    comp = compare(doc, configs_dir=folder, loader=lambda p: scenarios[p.stem],
                   runner=runner, railways=False)
    cal = _calibrate(doc, folder, scenarios, runner)
    nominal = cal.rows[cal.rows["scored_as"] == "nominal"]
    assert list(nominal["modeled_arrival"]) == [pd.Timestamp("1945-08-09 22:30")]
    pd.testing.assert_frame_equal(cal.summaries["nominal"].reset_index(drop=True),
                                  comp.summary.reset_index(drop=True), check_dtype=False)


def test_the_reported_points_run_again_with_the_unscored_army(toy, tmp_path):
    """The search runs the scored army alone at every point; the nominal and fitted points
    run again with the unscored army (at each point's parameters), its breach given."""
    doc, folder, scenarios, runner, calls = _setup(toy, tmp_path)
    calls.clear()
    seen = []

    def spy(sc, *, overrides=None, **kw):
        seen.append((sc.axis_id, dict(overrides or {}).get("speed_scale", 1.0)))
        return runner(sc, overrides=overrides, **kw)

    cal = _calibrate(doc, folder, scenarios, spy)
    assert sorted(s for a, s in seen if a == GATE) == sorted([1.0, cal.fitted["speed_scale"]])
    given = [g for a, g in calls if a == SCORED and g]
    assert len(given) == 2  # nominal and the fitted point (a grid point, even at 1)
    assert all([b.army for b in g] == [GATE] for g in given)
    assert len(cal.table) == 4  # the search: 3 points and nominal, alone
