"""The main job on the shipped data at a coarse grid: the 6 GTA crosses the Greater Khingan,
every config runs, the same seed gives byte-identical files, events can be left out."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from logistics import settings
from logistics.report.run_outputs import RUN_FILES, write_run
from logistics.scenario import scenario_paths
from logistics.runner import run_scenario
from logistics.advance.simulate import STATUSES

pytestmark = pytest.mark.slow

GTA = settings.CONFIG_DIR / "tbf-6gta.yaml"
COARSE_M = 5000.0  # the Khingan run
COARSEST_M = 10000.0  # every config


@pytest.fixture(scope="module")
def gta():
    return run_scenario(GTA, resolution_m=COARSE_M, cost_surface=True)


def test_the_route_crosses_the_greater_khingan(gta):
    hi = gta.summary["highest"]
    assert hi["elev_m"] >= 1000.0
    # the crossing lies in the southern Greater Khingan (data-sources.md: the range's box is
    # 45-48 N, 118-122 E; its southern end reaches toward 44 N), not on the plain
    assert 117.5 <= hi["lon"] <= 122.5 and 44.0 <= hi["lat"] <= 48.5
    rp = gta.route_points
    assert rp["elev_m"].iloc[0] > 500 and rp["elev_m"].iloc[-1] < 200  # plateau -> coast
    assert abs(rp["lon"].iloc[0] - 117.28) < 0.2 and abs(rp["lat"].iloc[0] - 47.23) < 0.2
    assert abs(rp["lon"].iloc[-1] - 121.27) < 0.2 and abs(rp["lat"].iloc[-1] - 38.80) < 0.2


def test_the_daily_table_keeps_its_contract(gta):
    d = gta.daily
    assert list(d["date"]) == [f"1945-08-{day:02d}" for day in range(9, 27)]
    for col in ("lon", "lat", "cum_km", "km_day", "status", "consumed_l", "delivered_l",
                "fuel_l_t-34-85", "refills_t-34-85", "refills_total"):
        assert col in d, col
    assert set(d["status"]) <= set(STATUSES)
    np.testing.assert_allclose(d["carried_l"] + d["delivered_l"] - d["consumed_l"],
                               d["fuel_l_total"], rtol=1e-9, atol=1e-3)
    assert (np.diff(d["cum_km"]) >= -1e-9).all()
    assert d["cum_km"].iloc[-1] <= gta.summary["route_km"] + 1e-9
    t = pd.to_datetime(gta.track["time"])
    assert t.iloc[0] == pd.Timestamp("1945-08-09 01:00") and t.is_monotonic_increasing
    assert gta.cost_hours is not None and gta.cost_hours.rio.crs is not None


def test_same_seed_gives_byte_identical_files(gta, tmp_path):
    a = write_run(gta, tmp_path / "a")
    again = run_scenario(GTA, resolution_m=COARSE_M, cost_surface=True)
    b = write_run(again, tmp_path / "b")
    for name in RUN_FILES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_every_config_runs_on_a_coarse_grid():
    for path in scenario_paths(settings.CONFIG_DIR):
        r = run_scenario(path, resolution_m=COARSEST_M)
        d = r.daily
        assert len(d) == 18, path.name
        assert d["cum_km"].iloc[-1] > 0, path.name
        np.testing.assert_allclose(d["carried_l"] + d["delivered_l"] - d["consumed_l"],
                                   d["fuel_l_total"], rtol=1e-9, atol=1e-3, err_msg=path.name)


def test_documented_events_can_be_left_out():
    cfg = settings.CONFIG_DIR / "1fef-5a.yaml"
    with_events = run_scenario(cfg, resolution_m=COARSEST_M)
    without = run_scenario(cfg, resolution_m=COARSEST_M, events=False)
    assert (with_events.track["status"] == "halted: event").any()
    assert not (without.track["status"] == "halted: event").any()
    assert without.daily["cum_km"].iloc[5] >= with_events.daily["cum_km"].iloc[5]


def test_a_formation_without_fuel_runs_halts_at_once_and_says_so():
    r = run_scenario(settings.CONFIG_DIR / "tbf-cmg.yaml", resolution_m=COARSEST_M,
                     overrides={"formation.fuel.in_tanks_refills": 0.0,
                                "formation.fuel.carried_refills": 0.0})
    assert (r.daily["cum_km"] == 0.0).all()
    assert (r.daily["status"] == "halted: no fuel").all()
    assert any("starts with no fuel" in n for n in r.notes)
    assert r.summary["first_dry"]["cum_km"] == 0.0
