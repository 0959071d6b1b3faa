"""Calibration on a toy model: a known global parameter is recovered; LOAO holds each axis out."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from logistics.errors import ConfigError
from logistics.history.calibrate import (
    DEFAULT_BOUNDS,
    bounds_from_scenarios,
    calibrate,
    grid_points,
    leave_one_axis_out,
)


def documented(toy, sc, true_scale: float, *, row0: int) -> pd.DataFrame:
    """Exact rows a toy axis would produce at ``true_scale``: a distance and a place."""
    rate = sc.base_km_per_day * true_scale
    place_km = 2.5 * rate  # reached at 11 Aug 12:00 -> dated 11 Aug
    lon, lat = toy.lonlat_at(sc, place_km)
    return pd.DataFrame([
        {"row": row0, "date": pd.Timestamp("1945-08-10"), "lat": math.nan, "lon": math.nan,
         "km_min": 2 * rate, "km_max": 2 * rate, "date_basis": "end_of_day", "usable": True},
        {"row": row0 + 1, "date": pd.Timestamp("1945-08-11"), "lat": lat, "lon": float(lon),
         "km_min": math.nan, "km_max": math.nan, "date_basis": "end_of_day", "usable": True},
    ])


def toy_axes(toy, scales):
    out = {}
    for i, (base, scale) in enumerate(zip((50.0, 60.0, 70.0), scales)):
        sc = toy.Scenario(f"A{i}", base_km_per_day=base)
        out[sc.axis_id] = (sc, documented(toy, sc, scale, row0=10 * i))
    return out


def test_grid_points_and_bad_requests(toy):
    g = grid_points({"speed_scale": (0.5, 1.5), "fuel_scale": (1.0, 2.0)}, 3)
    assert len(g) == 9 and g[0] == {"speed_scale": 0.5, "fuel_scale": 1.0}
    with pytest.raises(ConfigError, match="global"):
        grid_points({"axis_factor": (0.5, 1.5)}, 3)
    with pytest.raises(ConfigError):
        grid_points({"speed_scale": (1.5, 0.5)}, 3)
    with pytest.raises(ConfigError):
        calibrate(toy_axes(toy, [1, 1, 1]), params=["speed_scale", "fuel_scale", "march_hours_per_day", "x"])


def test_every_grid_holds_the_nominal_value_whatever_its_points(toy):
    """`--points 2` on 0.5..1.5 searched 0.5 and 1.5 only and fitted a speed_scale worse than
    the configs as written; a scale's grid now holds its nominal 1 (within its bounds)."""
    values = lambda g, k: sorted({p[k] for p in g})  # noqa: E731
    g = grid_points({"speed_scale": (0.5, 1.5), "fuel_scale": (0.6, 1.3)}, 2)
    assert values(g, "speed_scale") == [0.5, 1.0, 1.5]
    assert values(g, "fuel_scale") == [0.6, 1.0, 1.3]
    assert len(g) == 9
    assert values(grid_points({"speed_scale": (0.5, 1.5)}, 3), "speed_scale") == [0.5, 1.0, 1.5]
    # bounds the user set away from 1, and march_hours_per_day (no single nominal figure)
    assert values(grid_points({"speed_scale": (1.1, 1.5)}, 2), "speed_scale") == [1.1, 1.5]
    assert values(grid_points({"march_hours_per_day": (8.0, 20.0)}, 2),
                  "march_hours_per_day") == [8.0, 20.0]
    # axes whose truth is the configs as written: the fit is nominal, not a bound
    cal = calibrate(toy_axes(toy, [1.0] * 3), params=["speed_scale"],
                    bounds={"speed_scale": (0.5, 1.5)}, points=2, runner=toy.runner)
    assert cal.fitted["speed_scale"] == 1.0
    assert cal.fitted["mae_date_days"] <= cal.nominal["mae_date_days"]
    assert set(cal.loao["speed_scale"]) == {1.0}  # the folds search the same grid
    assert "speed_scale 0.5..1.5 (0.5, 1, 1.5)" in cal.report()
    assert cal.fit_table()["grid"].iloc[0] == "speed_scale 0.5..1.5 x3"


def test_bounds_come_from_configs_uncertain_ranges_else_defaults(toy):
    a = toy.Scenario("A", uncertain={"speed_scale": toy.Range(0.7, 1.2)})
    b = toy.Scenario("B", uncertain={"speed_scale": toy.Range(0.9, 1.4)})
    got = bounds_from_scenarios(["speed_scale", "fuel_scale"], [a, b])
    assert got == {"speed_scale": (0.7, 1.4), "fuel_scale": DEFAULT_BOUNDS["fuel_scale"]}


def test_recovers_a_known_speed_scale_and_loao_is_out_of_sample(toy):
    cal = calibrate(toy_axes(toy, [1.25] * 3), params=["speed_scale"],
                    bounds={"speed_scale": (0.5, 1.5)}, points=5, runner=toy.runner)
    assert cal.fitted["speed_scale"] == pytest.approx(1.25)
    assert cal.fitted["mae_km"] == pytest.approx(0.0, abs=1e-6)
    assert cal.nominal["mae_km"] > 10  # scale 1 is 20 % slow
    assert list(cal.loao["held_out"]) == ["A0", "A1", "A2"]
    assert (cal.loao["speed_scale"] == 1.25).all()
    assert cal.loao_mae_km == pytest.approx(0.0, abs=1e-6)
    text = cal.report()
    assert "Leave-one-axis-out" in text and "1.25" in text
    # the screen's version (logistics calibrate prints it): the per-axis summaries as the
    # compare's narrow screen tables, not the file's wide Markdown ones
    screen = cal.report(markdown=False)
    tables = [ln for ln in screen.splitlines() if ln.startswith(("axis ", "A0 ", "ALL "))]
    assert tables and max(map(len, tables)) <= 100
    assert "| axis |" not in screen and "| axis |" in text
    # every figure of merit of compare, at the fit: the documented rows are exact there
    for key in ("in_sample", "loao"):
        overall = cal.summaries[key].set_index("axis_id").loc["ALL"]
        assert overall["scorable_rows"] == 6
        assert overall["median_abs_date_error_days"] == pytest.approx(0.0, abs=1e-6)
        assert overall["share_within_1_day"] == 1.0
        assert overall["median_abs_rel_km_error"] == pytest.approx(0.0, abs=1e-6)
    fit = cal.fit_table().set_index("scored_as")
    assert list(fit.index) == ["nominal", "in_sample", "loao"]
    assert fit.loc["in_sample", "speed_scale"] == pytest.approx(1.25)
    assert fit.loc["loao", "mae_km"] == pytest.approx(cal.loao_mae_km)
    # nominal: 20 % slow, so each distance row is 20 % short
    assert cal.summaries["nominal"].set_index("axis_id").loc["ALL", "median_abs_rel_km_error"] == pytest.approx(0.2)


def test_loao_fits_without_the_held_out_axis(toy):
    # Axis A2 was documented at 0.5, the others at 1.5: held out, A2 is fitted on A0+A1 only.
    cal = calibrate(toy_axes(toy, [1.5, 1.5, 0.5]), params=["speed_scale"],
                    bounds={"speed_scale": (0.5, 1.5)}, points=5, runner=toy.runner, loss="km")
    loao = cal.loao.set_index("held_out")
    assert loao.loc["A2", "speed_scale"] == 1.5
    assert loao.loc["A2", "train_mae_km"] == pytest.approx(0.0, abs=1e-6)
    assert loao.loc["A2", "test_mae_km"] > 50
    assert cal.loao_mae_km > cal.fitted["mae_km"]  # out of sample is worse than in sample
    loao_all = cal.summaries["loao"].set_index("axis_id").loc["ALL"]
    assert loao_all["mae_km"] == pytest.approx(cal.loao_mae_km)
    held = cal.rows[(cal.rows["scored_as"] == "loao") & (cal.rows["axis_id"] == "A2")]
    assert set(held["point"]) == {int(loao.loc["A2", "point"])}


def test_two_parameters_with_fuel_limit(toy):
    # Fuel runs out at 100 km / fuel_scale; documented rows come from scale 1 and fuel_scale 0.8
    # (dry at 125 km): the grid must find both.
    axes = {}
    for i, base in enumerate((50.0, 60.0)):
        sc = toy.Scenario(f"F{i}", base_km_per_day=base, fuel_km=100.0)
        days = [pd.Timestamp("1945-08-09") + pd.Timedelta(days=d) for d in range(5)]
        kms = [min(base * (d + 1), 125.0) for d in range(5)]
        axes[sc.axis_id] = (sc, pd.DataFrame([
            {"row": 10 * i + d, "date": t, "lat": math.nan, "lon": math.nan, "km_min": k,
             "km_max": k, "date_basis": "end_of_day", "usable": True}
            for d, (t, k) in enumerate(zip(days, kms))]))
    cal = calibrate(axes, params=["speed_scale", "fuel_scale"],
                    bounds={"speed_scale": (0.5, 1.5), "fuel_scale": (0.4, 1.2)}, points=5,
                    runner=toy.runner, loss="km")
    assert (cal.fitted["speed_scale"], cal.fitted["fuel_scale"]) == (pytest.approx(1.0), pytest.approx(0.8))
    # these rows are distances only: the default date loss has nothing to fit, and says so
    with pytest.raises(ConfigError, match="dated documented row.*fix: --loss km"):
        calibrate(axes, params=["speed_scale"], bounds={"speed_scale": (0.5, 1.5)}, points=3,
                  runner=toy.runner)


def test_the_date_loss_fits_on_the_dated_rows_and_holds_each_axis_out(toy):
    """Axis A2 documented at 0.5, the others at 1.5 (each: a dated place and a distance): on
    A0 and A1 both 1.25 and 1.5 reach the place within its documented day (no date error), and
    the tie goes to the lower km error, 1.5; held out, A2 is run at 1.5 and reaches its place
    a day and 4 h early (the place at 2.5 days' march at 0.5, i.e. 20 h at 1.5, documented on
    11 Aug): 1.17 days. The report and the fit table name the loss and give both errors."""
    cal = calibrate(toy_axes(toy, [1.5, 1.5, 0.5]), params=["speed_scale"],
                    bounds={"speed_scale": (0.5, 1.5)}, points=5, runner=toy.runner)
    assert cal.loss == "date"
    loao = cal.loao.set_index("held_out")
    assert loao.loc["A2", "speed_scale"] == 1.5
    assert loao.loc["A2", "test_mae_date_days"] == pytest.approx(7 / 6)
    assert loao.loc["A0", "test_mae_date_days"] == pytest.approx(0.0, abs=1e-9)
    assert cal.loao_mae_date_days > cal.fitted["mae_date_days"]
    assert cal.loao_mae_date_days == pytest.approx(
        loao["test_sum_abs_date_days"].sum() / loao["n_test_date"].sum())
    fit = cal.fit_table().set_index("scored_as")
    assert set(fit["loss"]) == {"date"}
    assert fit.loc["loao", "mae_date_days"] == pytest.approx(cal.loao_mae_date_days)
    assert fit.loc["loao", "n_date"] == 3
    text = cal.report()
    assert "Leave-one-axis-out fits (date loss)" in text and "mean absolute date error" in text
    with pytest.raises(ConfigError, match="unknown loss 'days'; fix: one of date, km"):
        calibrate(toy_axes(toy, [1, 1, 1]), params=["speed_scale"], loss="days",
                  runner=toy.runner)


def test_loao_needs_two_axes(toy):
    cal = calibrate({"A0": toy_axes(toy, [1.0] * 3)["A0"]}, params=["speed_scale"], points=3, runner=toy.runner)
    assert cal.loao is None and math.isnan(cal.loao_mae_km)
    with pytest.raises(ConfigError):
        leave_one_axis_out(cal.table)


def _cal(nominal_km: float, fitted_km: float, loao_km: float, *, axes: int = 3):
    from types import SimpleNamespace
    return SimpleNamespace(bounds={"speed_scale": (0.5, 1.5)},
                           fitted={"speed_scale": 0.5, "mae_km": fitted_km},
                           nominal={"mae_km": nominal_km}, loao_mae_km=loao_km,
                           loao=None if axes < 2 else pd.DataFrame({"axis": range(axes)}))


def test_the_closing_advice_does_not_recommend_a_fit_worse_than_the_configs():
    from logistics.cli.calibrate import fit_advice

    # the shape of a real `--points 2 --params speed_scale` run: held out 84 km against 40
    worse = fit_advice(_cal(40.2, 66.4, 84.4))
    assert worse.startswith("keep the configs as written")
    assert "84.4 km" in worse and "40.2 km" in worse
    assert "logistics compare --set speed_scale=0.5" in worse
    better = fit_advice(_cal(40.0, 30.0, 35.0))
    assert better == "use the fit with: logistics compare --set speed_scale=0.5"
    # a fit at the nominal 1 (every grid holds it) is the configs: nothing to set
    same = _cal(40.0, 40.0, 40.0)
    same.fitted["speed_scale"] = 1.0
    assert fit_advice(same) == ("keep the configs as written: the fit is their nominal "
                                "speed_scale 1; nothing to set")
    # one axis: no held-out figure, so the in-sample fit is what is compared
    assert fit_advice(_cal(40.0, 50.0, math.nan, axes=1)).startswith("keep the configs")
    assert fit_advice(_cal(40.0, 30.0, math.nan, axes=1)).startswith("use the fit")


def test_the_closing_advice_compares_days_under_the_date_loss():
    from types import SimpleNamespace

    from logistics.cli.calibrate import LOSS_CHOICES, fit_advice
    from logistics.history.calibrate import DEFAULT_LOSS, LOSSES

    assert LOSS_CHOICES[0] == DEFAULT_LOSS and set(LOSS_CHOICES) == set(LOSSES)
    cal = SimpleNamespace(bounds={"speed_scale": (0.5, 1.5)}, loss="date",
                          fitted={"speed_scale": 0.5, "mae_km": 10.0, "mae_date_days": 0.8},
                          nominal={"mae_km": 40.0, "mae_date_days": 1.05},
                          loao_mae_km=20.0, loao_mae_date_days=1.69,
                          loao=pd.DataFrame({"axis": range(3)}))
    # better in km, worse in days: the date loss's own measure decides
    worse = fit_advice(cal)
    assert worse.startswith("keep the configs as written") and "1.69 days" in worse
    assert "1.05 days" in worse
    cal.loao_mae_date_days = 0.9
    assert fit_advice(cal).startswith("use the fit")


def test_a_fold_with_nothing_dated_to_fit_on_is_reported_not_fatal(toy):
    """Two axes, one with a dated place (A0) and one with a distance only (D): holding A0 out
    leaves the date loss nothing to fit, so that fold has no fit (NaN, and a note saying why
    and how to fit it) while the other fold and the in-sample fit stand; before, the whole
    calibration failed after its runs."""
    a0 = toy_axes(toy, [1.25])["A0"]
    sc = toy.Scenario("D", base_km_per_day=50.0)
    d = (sc, pd.DataFrame([{"row": 99, "date": pd.Timestamp("1945-08-10"), "lat": math.nan,
                            "lon": math.nan, "km_min": 100.0, "km_max": 100.0,
                            "date_basis": "end_of_day", "usable": True}]))
    cal = calibrate({"A0": a0, "D": d}, params=["speed_scale"],
                    bounds={"speed_scale": (0.5, 1.5)}, points=3, runner=toy.runner)
    loao = cal.loao.set_index("held_out")
    assert math.isnan(loao.loc["A0", "speed_scale"]) and loao.loc["A0", "n_test_date"] == 0
    assert "no fit without A0" in loao.loc["A0", "note"] and "--loss km" in loao.loc["A0", "note"]
    assert loao.loc["D", "speed_scale"] == 1.5  # fitted on A0's dated place
    assert "- no fit without A0" in cal.report()
    assert set(cal.rows.loc[cal.rows["scored_as"] == "loao", "axis_id"]) == {"D"}
