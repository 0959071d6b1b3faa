"""The Khingan fuel question: when the model runs dry, beside the documented fuel states."""

from __future__ import annotations

import pandas as pd
import pytest

from logistics.errors import DataError
from logistics.history.fuel import dry_time_quantiles, fuel_verdict, load_fuel_states
from logistics.report.compare_page import fuel_markdown
from logistics.history.runs import trace_of
from logistics.history.uncertainty import run_monte_carlo


def test_shipped_fuel_states_are_cited():
    states = load_fuel_states()
    assert (states["axis_id"] == "TBF-6GTA").all()
    assert (states["source"].str.len() > 10).all() and (states["quote"].str.len() > 10).all()
    by_date = states.set_index(["date_text", "formation"])["refills"]
    assert by_date[("end of 12 Aug", "7th Mechanized Corps (6th Guards Tank Army)")] == 0.25
    lubei = states[(states["place"] == "Lubei") & states["formation"].str.startswith("9th")]
    assert lubei["refills"].iloc[0] == 0.0


def test_bad_fuel_states_file(tmp_path):
    p = tmp_path / "f.csv"
    p.write_text("axis_id,date\nX,12 Aug\n")
    with pytest.raises(DataError, match="missing columns"):
        load_fuel_states(p)
    with pytest.raises(DataError, match="not found"):
        load_fuel_states(tmp_path / "none.csv")


def test_verdict_finds_the_first_hour_held_for_fuel(toy):
    # 80 km/day with fuel for 300 km: dry at 3.75 days, 12 Aug 18:00, and held to the end.
    tr = trace_of(toy.runner(toy.Scenario("T", base_km_per_day=80.0, fuel_km=300.0)))
    v = fuel_verdict("T", tr)
    assert v.runs_dry
    assert v.first_dry == pd.Timestamp("1945-08-12 19:00")  # first step that could not move
    assert v.dry_km == pytest.approx(300.0)
    assert v.days_dry[0] == "1945-08-12"
    text = fuel_markdown(v, load_fuel_states())
    assert "The model runs dry" in text and "1945-08-12 19:00" in text
    assert "0.25 заправки" in text and "Korokhon" in text


def test_verdict_when_fuel_lasts(toy):
    v = fuel_verdict("T", trace_of(toy.runner(toy.Scenario("T"))))
    assert not v.runs_dry and v.hours_dry == 0.0
    assert "does not run dry" in fuel_markdown(v, load_fuel_states())


def test_dry_time_quantiles_over_draws(toy):
    sc = toy.Scenario("T", base_km_per_day=80.0, fuel_km=300.0, uncertain={"fuel_scale": toy.Range(0.5, 1.5)})
    mc = run_monte_carlo(sc, 5, seed=4, dems=("merged",), runner=toy.runner)
    q = dry_time_quantiles(mc.runs)
    assert q["draws"] == 5 and 0 < q["share_dry"] <= 1
    assert q["first_dry_p10"] <= q["first_dry_p50"]
