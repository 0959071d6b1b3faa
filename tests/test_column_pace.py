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


def test_the_washed_out_plain_caps_columns_on_wet_low_ground_only():
    """[DAINES-TA]'s 4-5 km/h of tanks (5-6 of trucks) on the central Manchurian plain when
    the rains had washed out every dirt road (configs/norms/march.yaml observed): it holds in
    the wet season below 300 m, on the plain and on the eastern low ground alike (the Sungari's
    washed-out riverside roads, [HELPIKS-SOVHIST]), nowhere else, and never for foot
    columns."""
    import numpy as np
    import pandas as pd

    from logistics.advance.pace import capped_step_times
    from logistics.army.norms import load_norms

    norms = load_norms()
    # five 1 km steps (the first is the start): plain, plain, foothills (350 m), low ground
    # east of 127 E (a valley of the eastern ranges), plain
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

    np.testing.assert_allclose(hours("tracked", "wet"), [1 / 4.5, 0, 1 / 4.5, 1 / 4.5],
                               atol=1e-3)
    np.testing.assert_allclose(hours("motor", "wet"), [1 / 5.5, 0, 1 / 5.5, 1 / 5.5],
                               atol=1e-3)
    np.testing.assert_allclose(hours("tracked", "dry"), [0, 0, 0, 0], atol=1e-3)
    np.testing.assert_allclose(hours("foot", "wet"), [0, 0, 0, 0], atol=1e-3)


def test_the_pass_climb_caps_tank_and_mixed_columns_not_trucks_alone():
    """[DAINES-TA]'s 5-6 km/h is a tank corps climbing a Khingan pass: it caps a tracked column
    (its trucks go at its pace) on a step rising 3 % or more, not a column of trucks alone."""
    import numpy as np
    import pandas as pd

    from logistics.advance.pace import capped_step_times
    from logistics.army.norms import load_norms

    norms = load_norms()
    seg = pd.DataFrame({"dist_m": [0.0, 1000, 1000], "grade": [0.0, 0.05, 0.01],
                        "terrain_class": [0] * 3, "elev_m": [900.0, 950.0, 960.0],
                        "lon": [120.0] * 3})
    fast = np.full((1, 3), 1.0)

    def hours(movement):
        t, _ = capped_step_times(seg, fast, norm=None, movement=movement, season="dry",
                                 caps=norms.observed, from_departure_km=np.arange(3.0) + 100)
        return t[0, 1:] / 3600.0

    np.testing.assert_allclose(hours("tracked"), [1 / 5.5, 0], atol=1e-3)
    np.testing.assert_allclose(hours("motor"), [0, 0], atol=1e-3)
    np.testing.assert_allclose(hours("truck_borne"), [0, 0], atol=1e-3)


def test_the_taiga_belt_cap_holds_away_from_a_railway_only():
    """[BELOBORODOV]'s 0.5-0.7 km/h is roadless taiga without settlements: in the forest belt
    near the departure line it holds farther than ``min_km_from_railway`` (10 km, assumed)
    from a 1945 railway on the Japanese side, not in a railway corridor; a route without the
    ``railway_km`` column (no railway known) keeps the cap everywhere in the belt."""
    import numpy as np
    import pandas as pd

    from logistics.advance.pace import capped_step_times
    from logistics.army.norms import load_norms
    from logistics.terrain.classes import TerrainClass

    norms = load_norms()
    (cap,) = [c for c in norms.observed if c.id == "taiga_without_roads_kmh"]
    assert cap.when["min_km_from_railway"] == 10.0
    forest = int(TerrainClass.FOREST)
    # five 1 km forest steps in the belt: 30, 30, 5, 10 (on the bound: corridor), 11 km away
    seg = pd.DataFrame({"dist_m": [0.0, 1000, 1000, 1000, 1000], "grade": [0.0] * 5,
                        "terrain_class": [forest] * 5, "elev_m": [500.0] * 5,
                        "lon": [130.0] * 5, "railway_km": [30.0, 30.0, 5.0, 10.0, 11.0]})
    fast = np.full((1, 5), 1.0)
    kms = np.arange(5.0)

    def hours(frame, from_departure):
        t, _ = capped_step_times(frame, fast, norm=None, movement="tracked", season="dry",
                                 caps=norms.observed, from_departure_km=from_departure)
        return t[0, 1:] / 3600.0

    np.testing.assert_allclose(hours(seg, kms), [1 / 0.6, 0, 0, 1 / 0.6], atol=1e-3)
    # beyond the belt (19 km from the departure line) the cap never holds
    np.testing.assert_allclose(hours(seg, kms + 19.5), [0, 0, 0, 0], atol=1e-3)
    np.testing.assert_allclose(hours(seg.drop(columns="railway_km"), kms), [1 / 0.6] * 4,
                               atol=1e-3)


def test_railway_distance_counts_lines_on_the_japanese_side_only():
    """``railway_distance_km``: km from a point to the nearest railway cell of the terrain on
    the Japanese side of the 1945 frontier; a Soviet line across the frontier opens no road on
    the Manchurian bank (inf when no such cell)."""
    import numpy as np
    import xarray as xr

    from logistics.terrain import to_metric
    from logistics.terrain.railways import railway_distance_km

    # 1 km cells round Harbin (Japanese side) and round Khabarovsk (Soviet side)
    def terrain_at(lon, lat):
        x0, y0 = to_metric(np.array([lon]), np.array([lat]))
        x = x0[0] + np.arange(-10, 11) * 1000.0
        y = y0[0] + np.arange(10, -11, -1) * 1000.0
        rail = np.zeros((21, 21), np.uint8)
        rail[10, :] = 1  # an east-west line through the middle row
        return xr.Dataset({"railway": (("y", "x"), rail)}, coords={"y": y, "x": x}), x, y

    t, x, y = terrain_at(126.65, 45.75)
    d = railway_distance_km(t, np.array([x[10], x[10], x[0]]), np.array([y[10], y[3], y[20]]))
    np.testing.assert_allclose(d, [0.0, 7.0, 10.0], atol=1e-6)
    t, x, y = terrain_at(135.07, 48.48)
    assert np.isinf(railway_distance_km(t, np.array([x[10]]), np.array([y[10]]))).all()
    assert np.isinf(railway_distance_km(t.drop_vars("railway"), np.array([x[10]]),
                                        np.array([y[10]]))).all()


def test_railway_distance_keeps_the_points_shape_and_says_nan_without_coordinates():
    """A grid of points gives a grid of km (it was refused by the KD-tree: 'x must consist of
    vectors of length 2'), a scalar a scalar, and a point without finite coordinates nan (it
    failed the whole query: 'x must be finite'), with or without a railway overlay."""
    import numpy as np
    import xarray as xr

    from logistics.terrain import to_metric
    from logistics.terrain.railways import railway_distance_km

    x0, y0 = to_metric(np.array([126.65]), np.array([45.75]))  # Harbin: Japanese side
    x = x0[0] + np.arange(-10, 11) * 1000.0
    y = y0[0] + np.arange(10, -11, -1) * 1000.0
    rail = np.zeros((21, 21), np.uint8)
    rail[10, :] = 1  # an east-west line through the middle row (y[10])
    t = xr.Dataset({"railway": (("y", "x"), rail)}, coords={"y": y, "x": x})
    grid = railway_distance_km(t, np.tile(x[:3], (2, 1)), np.array([[y[3]] * 3, [y[8]] * 3]))
    np.testing.assert_allclose(grid, [[7.0] * 3, [2.0] * 3], atol=1e-6)
    assert np.ndim(railway_distance_km(t, x[0], y[3])) == 0
    d = railway_distance_km(t, np.array([x[0], np.nan]), np.array([y[3], y[3]]))
    assert d[0] == pytest.approx(7.0) and np.isnan(d[1])
    d = railway_distance_km(t.drop_vars("railway"), np.array([x[0], np.nan]),
                            np.array([y[3], y[3]]))
    assert np.isinf(d[0]) and np.isnan(d[1])


def test_the_5th_army_sector_is_no_roadless_taiga_but_the_1st_red_banner_armys_is():
    """On the shipped routes the taiga cap holds on the 1st Red Banner Army's roadless belt
    ([BELOBORODOV]'s own sector) and not on the 5th Army's first km along the Grodekovo-
    Pogranichnaya railway (it held there before the railway condition)."""
    def capped(name):
        return {n for n in run_scenario(settings.CONFIG_DIR / name).notes
                if "taiga_without_roads_kmh" in n}

    assert not capped("1fef-5a.yaml")
    assert any(n.startswith("1rba-rds:") for n in capped("1fef-1rba.yaml"))


@pytest.mark.parametrize("when, match", [
    ({"max_elev": {"value": 300, "assumed": "typo"}}, r"when\.max_elev: unknown condition"),
    ({"season": "monsoon"}, r"when\.season: 'monsoon' is not one of"),
    ({"max_elev_m": 300}, r"when\.max_elev_m: expected a figure"),
    ({"max_lon": {"value": 999, "assumed": "x"}}, r"when\.max_lon: value must be within"),
    ({"terrain_class": "road"}, r"when\.terrain_class: 'road' is not one of"),
    ({"min_km_from_railway": {"value": -1, "assumed": "x"}},
     r"when\.min_km_from_railway: value must be within"),
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
    shutil.copytree(settings.CONFIG_DIR / "vehicles", folder / "vehicles")  # its norms name them
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


def test_the_pace_note_counts_each_km_of_the_route_once_under_its_slowest_cap():
    """The run note 'column pace held to observed speeds' gives km of the route: where the
    conditions of several caps hold (a tracked column climbing 6 % on low ground in the wet:
    the pass climb, the wet slope and the washed-out plain), the km count once, under the
    slowest (4.5 km/h), so the note's km never exceed the route (the 5th Separate Rifle
    Corps' guns read 1 + 208 km on a 207.6 km route; this one read 4 + 4 + 4 km of 5)."""
    import re

    import numpy as np
    import pandas as pd

    from logistics.advance.pace import capped_step_times
    from logistics.army.norms import load_norms

    norms = load_norms()
    # four 1 km steps after the start, all climbing 6 % below 300 m; a fifth at 2 % above it
    seg = pd.DataFrame({"dist_m": [0.0, 1000, 1000, 1000, 1000, 1000],
                        "grade": [0.0, 0.06, 0.06, 0.06, 0.06, 0.02],
                        "terrain_class": [0] * 6,
                        "elev_m": [100.0, 120.0, 180.0, 240.0, 290.0, 400.0],
                        "lon": [125.0] * 6})
    route_km = seg["dist_m"].sum() / 1000.0
    for season in ("wet", "dry"):
        t, notes = capped_step_times(seg, np.full((1, 6), 1.0), norm=None, movement="tracked",
                                     season=season, caps=norms.observed,
                                     from_departure_km=np.arange(6.0) + 100.0)
        km = [float(k) for n in notes for k in re.findall(r"on (\d+) km", n)]
        assert sum(km) <= route_km, notes
        held = (t[0, 1:] > 1.0).sum()  # the steps some cap slowed
        assert sum(km) == held, notes
    assert notes == ["mountain_pass_climb_kmh (5.5 km/h) on 4 km (dry)"]
    _, wet = capped_step_times(seg, np.full((1, 6), 1.0), norm=None, movement="tracked",
                               season="wet", caps=norms.observed,
                               from_departure_km=np.arange(6.0) + 100.0)
    assert wet == ["washed_out_plain_tracked_kmh (4.5 km/h) on 4 km (wet)"]
