"""Column pace from the march norms on a synthetic flat steppe: a tank column's day is its
norm's pace times its hours under way, less its close-up, computed here by hand from
configs/norms/march.yaml (issue 13 item 4, issue 10 item 6).

By hand, for ``tank_column`` (configs/norms/march.yaml): pace 6.6 km/h ([BOOKSONLINE-51107]
450 km / 68 march hours), night factor 1.0, 16 h under way from 00:00, 40 m per vehicle in
column. Ten T-34-85 on one route make a 10 x 40 m = 0.4 km column, which closes up in
0.4 / 6.6 h, so the head moves 16 - 0.4/6.6 h a day: 6.6 x 16 - 0.4 = 105.2 km a day. On dry
flat steppe a T-34-85 could go 30 km/h (its vehicle file), so the norm, not the physics, sets
the pace.
"""

from __future__ import annotations

import pytest
import yaml

from logistics import settings
from logistics.advance.plan import army_bbox
from logistics.army.load import load_army
from logistics.runner import run_scenario

pytestmark = pytest.mark.slow

KM_PER_DAY = 6.6 * 16 - 10 * 40 / 1000  # by hand from configs/norms/march.yaml tank_column


def _run_tank_column(tmp_path, box_terrain, test_army_doc, overrides=None):
    """Run one tank column of ten T-34-85 heading due east on the flat 10 km steppe."""
    doc = test_army_doc([test_army_doc.tank_column((122.5, 46.7))])
    path = tmp_path / "army.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    army = load_army(path)
    return run_scenario(army, terrain=box_terrain(army_bbox(army), 10000.0),
                        overrides=overrides)


def test_tank_column_moves_its_norm_pace_times_its_march_hours(tmp_path, box_terrain,
                                                               test_army_doc):
    """One tank column of ten T-34-85 heading due east, H-hour at midnight, dry all the way
    (``test_army_doc.tank_column``)."""
    r = _run_tank_column(tmp_path, box_terrain, test_army_doc)
    days = r.daily[r.daily["formation_id"] == "tank-col"].reset_index(drop=True)
    assert days["km_day"].iloc[0] == pytest.approx(KM_PER_DAY, abs=0.5)
    assert days["km_day"].iloc[1] == pytest.approx(KM_PER_DAY, abs=0.5)
    # moving hours: 16 h less the close-up, no step faster than the norm's pace
    t = r.tracks[r.tracks["formation_id"] == "tank-col"]
    step = t["cum_km"].diff().dropna()
    assert step.max() <= 6.6 + 1e-6


def test_the_washed_out_plain_caps_columns_on_the_wet_plain_only():
    """[DAINES-TA]'s 4-5 km/h of tanks (5-6 of trucks) on the central Manchurian plain when
    the rains had washed out every dirt road (configs/norms/march.yaml observed): it holds in
    the wet season below the plain's 300 m and west of 127 E, nowhere else, and never for
    foot columns."""
    import numpy as np
    import pandas as pd

    from logistics.advance.pace import capped_step_times
    from logistics.army.norms import load_norms

    norms = load_norms()
    # five 1 km steps (the first is the start): plain, plain, foothills (350 m), plain east
    # of 127 E (a valley of the eastern ranges), plain
    seg = pd.DataFrame({"dist_m": [0.0, 1000, 1000, 1000, 1000],
                        "grade": [0.0] * 5, "terrain_class": [0] * 5,
                        "elev_m": [150.0, 150.0, 350.0, 150.0, 150.0],
                        "lon": [123.0, 123.0, 123.0, 129.6, 123.0]})
    fast = np.full((1, 5), 1.0)  # the physics would cross each km in a second
    kms = np.arange(5.0)

    def hours(movement, season):
        t, _ = capped_step_times(seg, fast, norm=None, movement=movement, season=season,
                                 caps=norms.observed, from_departure_km=kms + 100.0)
        return t[0, 1:] / 3600.0

    np.testing.assert_allclose(hours("tracked", "wet"), [1 / 4.5, 0, 0, 1 / 4.5], atol=1e-3)
    np.testing.assert_allclose(hours("motor", "wet"), [1 / 5.5, 0, 0, 1 / 5.5], atol=1e-3)
    np.testing.assert_allclose(hours("tracked", "dry"), [0, 0, 0, 0], atol=1e-3)
    np.testing.assert_allclose(hours("foot", "wet"), [0, 0, 0, 0], atol=1e-3)


@pytest.mark.parametrize("when, match", [
    ({"max_elev": {"value": 300, "assumed": "typo"}}, r"when\.max_elev: unknown condition"),
    ({"season": "monsoon"}, r"when\.season: 'monsoon' is not one of"),
    ({"max_elev_m": 300}, r"when\.max_elev_m: expected a figure"),
    ({"max_lon": {"value": 999, "assumed": "x"}}, r"when\.max_lon: value must be within"),
    ({"terrain_class": "road"}, r"when\.terrain_class: 'road' is not one of"),
    ("wet", r"when: expected a mapping"),
])
def test_a_bad_observed_condition_is_one_config_error(tmp_path, when, match):
    """A condition the engine cannot read is one ConfigError naming the file, the key and the
    fix when the norms load, not a ValueError from deep in the step loop."""
    import shutil

    from logistics.army.norms import load_norms
    from logistics.errors import ConfigError

    folder = tmp_path / "configs"
    shutil.copytree(settings.CONFIG_DIR / "norms", folder / "norms")
    doc = yaml.safe_load((folder / "norms" / "march.yaml").read_text(encoding="utf-8"))
    doc["observed"]["washed_out_plain_tracked_kmh"]["when"] = when
    (folder / "norms" / "march.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True),
                                                 encoding="utf-8")
    with pytest.raises(ConfigError, match=match) as err:
        load_norms(folder)
    assert "march.yaml" in str(err.value)


@pytest.mark.parametrize("overrides, hours", [
    ({"march_hours_scale": 0.5}, 8.0),       # 16 h x 0.5
    ({"march_hours_scale": 1.25}, 20.0),     # 16 h x 1.25
    ({"march_hours_scale": 2.0}, 24.0),      # 32 h, capped at a day
    ({"march_hours_per_day": 10}, 10.0),     # one figure in place of the norm's
])
def test_global_march_hours_overrides_set_the_column_day_by_hand(tmp_path, box_terrain,
                                                                 test_army_doc, overrides, hours):
    """The calibration's ``march_hours_scale`` multiplies the norm's 16 h (at most 24);
    ``march_hours_per_day`` replaces them: the day is pace x hours less the close-up."""
    r = _run_tank_column(tmp_path, box_terrain, test_army_doc, overrides)
    days = r.daily[r.daily["formation_id"] == "tank-col"].reset_index(drop=True)
    assert days["km_day"].iloc[1] == pytest.approx(6.6 * hours - 10 * 40 / 1000, abs=0.5)


def test_march_hours_scale_keeps_the_norms_differences_and_scales_the_heat_rule():
    """Every kind of column scaled alike (ratios kept, unlike march_hours_per_day), capped at
    24 h; the foot column's night marches in the heat too."""
    from logistics.army.norms import load_norms

    norms = load_norms()
    half = norms.with_march_hours_scaled(0.5)
    for k, v in norms.march.items():
        assert half.march[k].hours_per_day == pytest.approx(v.hours_per_day / 2), k
        if v.heat is not None:
            assert half.march[k].heat.hours == pytest.approx(v.heat.hours / 2), k
    assert max(v.hours_per_day for v in norms.with_march_hours_scaled(5).march.values()) == 24.0
    assert norms.march["tank_column"].hours_per_day == 16  # the norms themselves untouched


def test_cli_default_calibration_parameters_are_the_library_defaults():
    from logistics.cli.calibrate import DEFAULT_PARAMS as cli_default
    from logistics.history.calibrate import DEFAULT_PARAMS, PARAMETERS

    assert tuple(cli_default) == tuple(DEFAULT_PARAMS)
    assert set(DEFAULT_PARAMS) <= set(PARAMETERS) and len(DEFAULT_PARAMS) <= 3
