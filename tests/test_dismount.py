"""A formation that carries its men on trucks is never slower than its men on foot: where its
vehicles' day's progress on a step falls below what its men make on foot there, its men
dismount and march (the trucks, manhandled through, follow), configs/norms/march.yaml
``dismount`` (assumed).

Hand-worked numbers from configs/norms/march.yaml: ``truck_borne_infantry`` moves 8 h a day
from 00:00 at 0.7 of its pace at night (21:00-05:00), so its day is 5 x 0.7 + 3 = 6.5 h of
full-pace progress; ``foot_column`` moves 12 h a day, no night factor: 12 h. A step of the
trucks' is their time on it; the same step on foot at the foot march's progress, in the
trucks' window, takes the foot time x 6.5 / 12.
"""

from __future__ import annotations

import numpy as np
import pytest

from logistics.advance.schedule import MarchSchedule

TRUCK_DAY_H = 5 * 0.7 + 3  # truck_borne_infantry: 8 h from 00:00, 0.7 from 21:00 to 05:00
FOOT_DAY_H = 12.0  # foot_column: 12 h from 00:00, no night factor


def test_a_schedules_day_of_progress_weighs_its_night_hours():
    """Hours of full-pace progress a day: the moving hours, night hours at their factor."""
    truck = MarchSchedule(start_hour=0, hours_per_day=8, night_speed_factor=0.7)
    assert truck.progress_hours_per_day == pytest.approx(6.5)
    # closed up for 1.04 h: the window is 00:00-06:56, of it 5 h at night
    closed = MarchSchedule(start_hour=0, hours_per_day=8, close_up_h=1.04,
                           night_speed_factor=0.7)
    assert closed.progress_hours_per_day == pytest.approx(5 * 0.7 + 1.96)
    assert MarchSchedule(start_hour=0, hours_per_day=12).progress_hours_per_day == 12.0
    # 19:00-07:00 with nights 21:00-05:00 at half pace: 4 h by day + 8 h x 0.5
    heat = MarchSchedule(start_hour=19, hours_per_day=12, night_speed_factor=0.5)
    assert heat.progress_hours_per_day == pytest.approx(8.0)


def _schedules():
    from logistics.advance.pace import march_schedule_for
    from logistics.army.norms import load_norms

    norms = load_norms()
    truck = march_schedule_for(norms.norm_for("truck_borne"), movement="truck_borne",
                               season="wet", front="1st Far Eastern Front",
                               column_length_km=0.0, mean_kmh=1.0)
    foot = march_schedule_for(norms.norm_for("foot"), movement="foot", season="wet",
                              front="1st Far Eastern Front", column_length_km=0.0,
                              mean_kmh=1.0)
    assert truck.progress_hours_per_day == pytest.approx(TRUCK_DAY_H)
    assert foot.progress_hours_per_day == pytest.approx(FOOT_DAY_H)
    return truck, foot


def test_men_dismount_on_a_marsh_step_and_in_the_taiga_belt_not_on_a_road():
    """Steps (1 km each; the first is the start): a wet marsh the trucks cross at 0.84 km/h
    and men at 2 km/h, a road (trucks 25 km/h, men 4.5), the taiga belt where both are held
    to [BELOBORODOV]'s 0.6 km/h.

    Marsh: trucks 0.84 x 6.5 = 5.5 km a day, men 2 x 12 = 24: they dismount; the step takes
    0.5 h x 6.5 / 12 in the trucks' window, so a day's 6.5 h make 24 km. Road: trucks
    25 x 6.5 = 162.5 km a day, men 54: as today, 1/25 h. Taiga: trucks 0.6 x 6.5 = 3.9 km,
    men 0.6 x 12 = 7.2: they dismount, (1/0.6) x 6.5 / 12 h."""
    from logistics.advance.pace import dismounted_step_times

    truck_sched, foot_sched = _schedules()
    h = 3600.0
    trucks = np.array([[0.0, h / 0.84, h / 25, h / 0.6]])
    foot = np.array([0.0, h / 2, h / 4.5, h / 0.6])
    t, where = dismounted_step_times(trucks, np.array([True]), foot, vehicle_day=truck_sched,
                                     foot_day=foot_sched)
    np.testing.assert_allclose(t[0] / h, [0, 0.5 * 6.5 / 12, 1 / 25, 6.5 / 12 / 0.6])
    assert where.tolist() == [False, True, False, True]
    # a day's progress on the dismounted steps is the foot march's
    assert TRUCK_DAY_H / (t[0, 1] / h) == pytest.approx(2 * 12)
    assert TRUCK_DAY_H / (t[0, 3] / h) == pytest.approx(0.6 * 12)


def test_the_slowest_pace_class_decides_and_other_classes_keep_their_times():
    """Two vehicle classes that bound the pace (the column goes at the slower) and a class
    that does not (its row is left alone): on a step where the slower pace class is slower
    than foot, every pace class is brought to the foot progress; on one where only the
    faster is, nothing changes (the column is no slower than its slowest class allows)."""
    from logistics.advance.pace import dismounted_step_times

    truck_sched, foot_sched = _schedules()
    h = 3600.0
    equiv = 0.5 * 6.5 / 12  # men at 2 km/h, in hours of the trucks' window
    rows = np.array([[0.0, h / 0.84, h / 20],   # pace class, slow on the marsh
                     [0.0, h / 10.0, h / 25],   # pace class, fast
                     [0.0, h / 0.5, h / 0.5]])  # not a pace class
    foot = np.array([0.0, h / 2, h / 2])
    t, where = dismounted_step_times(rows, np.array([True, True, False]), foot,
                                     vehicle_day=truck_sched, foot_day=foot_sched)
    assert where.tolist() == [False, True, False]
    np.testing.assert_allclose(t[:, 1] / h, [equiv, 0.1, 2.0])  # min(own, foot) per pace row
    np.testing.assert_allclose(t[:, 2], rows[:, 2])
    assert t[:2, 1].max() / h == pytest.approx(equiv)


def test_no_finite_foot_time_keeps_the_vehicles_time():
    """A step men cannot make on their own (no finite time) is no reason to dismount."""
    from logistics.advance.pace import dismounted_step_times

    truck_sched, foot_sched = _schedules()
    trucks = np.array([[0.0, 3600.0 / 0.84]])
    t, where = dismounted_step_times(trucks, np.array([True]), np.array([0.0, np.inf]),
                                     vehicle_day=truck_sched, foot_day=foot_sched)
    assert not where.any()
    np.testing.assert_allclose(t, trucks)


def test_the_rule_is_stated_in_march_yaml(norms_with, tmp_path):
    """``dismount.movements`` names the movements whose men ride their vehicles; the rule
    carries its provenance, and a movement the file does not know is one ConfigError."""
    from logistics.army.norms import load_norms
    from logistics.errors import ConfigError

    assert load_norms().dismount_movements == ("truck_borne",)

    def no_reason(d):
        d["dismount"].pop("assumed")

    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
    with pytest.raises(ConfigError, match=r"march.yaml: dismount: expected exactly one of"):
        load_norms(norms_with(tmp_path / "a", "march.yaml", no_reason).parent)

    def bad_movement(d):
        d["dismount"]["movements"] = ["truck_borne", "lorry"]

    with pytest.raises(ConfigError, match=r"dismount.movements: 'lorry' is no movement"):
        load_norms(norms_with(tmp_path / "b", "march.yaml", bad_movement).parent)

    def on_foot(d):
        d["dismount"]["movements"] = ["foot"]

    (tmp_path / "c").mkdir()
    with pytest.raises(ConfigError, match=r"dismount.movements: 'foot': its men already march"):
        load_norms(norms_with(tmp_path / "c", "march.yaml", on_foot).parent)


@pytest.mark.slow
def test_a_truck_borne_column_in_the_taiga_belt_makes_its_mens_day(tmp_path, box_terrain,
                                                                   test_army_doc):
    """Ten Studebakers carrying 200 men due east through forest with no railway: the first
    19 km are [BELOBORODOV]'s roadless taiga belt (0.6 km/h for trucks and men alike). Its
    men march there 0.6 x 12 = 7.2 km a day (the trucks' own 8 h window, 5 h of it at night
    at 0.7, less the close-up, would make 0.6 x (3.5 + 3 - 0.4 / ...) < 3.9 km)."""
    import yaml

    from logistics.advance.plan import army_bbox
    from logistics.army.load import load_army
    from logistics.runner import run_scenario
    from logistics.terrain.classes import TerrainClass

    f = test_army_doc.tank_column((0.0, 0.0))
    f.update(id="lorries", movement="truck_borne", march_norm="truck_borne_infantry",
             men={"value": 200, "assumed": "test"},
             vehicles=[{"vehicle": "studebaker-us6", "count": {"value": 10, "assumed": "test"}}])
    start = f["start"]
    f["objectives"][0].update(lon=start["lon"] + 0.4, lat=start["lat"])  # about 30 km east
    path = tmp_path / "army.yaml"
    path.write_text(yaml.safe_dump(test_army_doc([f]), allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    army = load_army(path)
    terrain = box_terrain(army_bbox(army), 1000.0).copy(deep=True)
    terrain["terrain_class"][:] = int(TerrainClass.FOREST)
    r = run_scenario(army, terrain=terrain)
    days = r.daily[r.daily["formation_id"] == "lorries"].reset_index(drop=True)
    assert days["km_day"].iloc[0] == pytest.approx(0.6 * 12, abs=0.3)
    assert days["km_day"].iloc[1] == pytest.approx(0.6 * 12, abs=0.3)


def test_allowed_keeps_the_rule_to_some_steps():
    """``allowed`` (march.yaml dismount.where_caps): a column slower than its men on two steps
    dismounts only on the one allowed; the other keeps its own time."""
    from logistics.advance.pace import dismounted_step_times

    truck_sched, foot_sched = _schedules()
    slow = 3600.0 / 0.6  # both steps: 0.6 km/h for the vehicles (6.5 h a day: 3.9 km)
    trucks = np.array([[0.0, slow, slow]])
    foot = np.array([0.0, slow, slow])  # men at 0.6 km/h too, over 12 h: 7.2 km a day
    t, where = dismounted_step_times(trucks, np.array([True]), foot, vehicle_day=truck_sched,
                                     foot_day=foot_sched,
                                     allowed=np.array([False, True, False]))
    assert where.tolist() == [False, True, False]
    assert t[0, 1] == pytest.approx(slow * TRUCK_DAY_H / FOOT_DAY_H)
    assert t[0, 2] == pytest.approx(slow)


def test_motor_formations_dismount_only_where_the_taiga_cap_holds():
    """The shipped rule: truck-borne men dismount anywhere; a motor formation's only in the
    roadless taiga belt (its vehicles are its equipment; there the tracks are cut on foot);
    an unknown cap id or a movement listed twice is one ConfigError."""
    from logistics.advance.pace import caps_hold
    from logistics.army.norms import load_norms

    norms = load_norms()
    assert norms.dismount_where_caps == {"motor": ("taiga_without_roads_kmh",)}
    import pandas as pd

    from logistics.terrain.classes import TerrainClass
    forest, steppe = int(TerrainClass.FOREST), int(TerrainClass.STEPPE)
    seg = pd.DataFrame({"grade": np.zeros(4), "terrain_class": [forest, forest, forest, steppe],
                        "elev_m": np.full(4, 500.0), "lon": np.zeros(4),
                        "railway_km": np.full(4, 50.0)})
    kms = np.array([0.0, 5.0, 25.0, 30.0])  # the belt is the first 19 km from the departure
    assert caps_hold(norms.observed, ("taiga_without_roads_kmh",), seg, "wet",
                     kms).tolist() == [False, True, False, False]


def test_where_caps_is_validated(norms_with, tmp_path):
    """A bad ``dismount.where_caps`` is one ConfigError naming the key and the fix."""
    from logistics.army.norms import load_norms
    from logistics.errors import ConfigError

    cases = {
        "a": ({"motor": ["no_such_cap"]}, r"dismount.where_caps.motor: expected a list of ids"),
        "b": ({"truck_borne": ["taiga_without_roads_kmh"]}, r"where_caps.truck_borne: .* not "
                                                             r"already under movements"),
        "c": ({"foot": ["taiga_without_roads_kmh"]}, r"where_caps.foot"),
        "d": (["motor"], r"dismount.where_caps: expected a mapping"),
    }
    for sub, (value, match) in cases.items():
        (tmp_path / sub).mkdir()

        def edit(d, value=value):
            d["dismount"]["where_caps"] = value

        with pytest.raises(ConfigError, match=match):
            load_norms(norms_with(tmp_path / sub, "march.yaml", edit).parent)
