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
    # the 6th Guards Tank Army's states, and [DAINES-TA]'s wait for fuel of the Transbaikal
    # Front's combined-arms armies and the Cavalry-Mechanized Group, each a shipped scenario
    assert set(states["axis_id"]) == {"TBF-6GTA", "TBF-39A", "TBF-36A", "TBF-17A", "TBF-CMG"}
    from logistics import settings
    shipped = {f.stem.upper() for f in settings.CONFIG_DIR.glob("*.yaml")}
    assert set(states["axis_id"]) <= shipped
    wait = states[states["axis_id"] != "TBF-6GTA"]
    assert (wait["date"] == pd.Timestamp("1945-08-15")).all() and wait["refills"].isna().all()
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
    assert v.first_dry == pd.Timestamp("1945-08-12 18:00")  # the step that could not move began then
    assert v.dry_km == pytest.approx(300.0)
    assert v.days_dry[0] == "1945-08-12"
    text = fuel_markdown(v, load_fuel_states())
    assert "A formation is held for fuel" in text and "1945-08-12 18:00" in text
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
    assert q["share_vehicles_dry"] >= q["share_dry"]
    assert q["first_vehicles_dry_p50"] <= q["first_dry_p50"]
    v = fuel_verdict("T", mc.runs[0])
    text = fuel_markdown(v, load_fuel_states(), mc=q)
    assert "Monte Carlo (5 draws)" in text and f"P50 {q['first_dry_p50']:%Y-%m-%d %H:%M}" in text


def test_a_corps_state_counts_the_parts_drawn_from_it_litres_over_litres():
    """'The corps had 0.4 of a refill': the corps' main body (refill 9,000 L, 0 on hand) and
    its forward detachment drawn from it (refill 3,000 L, 3,000 on hand) hold 3,000 of 12,000 L
    = 0.25 of the corps' refill (a mean of shares would say 0.5); a forward detachment not
    drawn from its parent is not part of it; the whole army: every formation, litres over
    litres."""
    import pandas as pd

    from logistics.history.fuel import score_fuel_states
    from logistics.history.runs import FORMATION_COLUMNS, RunTrace

    t0 = pd.Timestamp("1945-08-13 00:00")
    forms, tracks = [], []
    for fid, parent, drawn, refill_l, on_hand in (
            ("7mc", None, False, 9000.0, 0.0), ("fd-7mc", "7mc", True, 3000.0, 3000.0),
            ("other", "7mc", False, 1000.0, 1000.0)):
        forms.append({c: "" for c in FORMATION_COLUMNS} | {
            "formation_id": fid, "name": {"7mc": "7th Mechanized Corps"}.get(fid, fid),
            "kind": "mech_corps" if fid == "7mc" else "forward_detachment", "parent": parent,
            "drawn_from_parent": drawn, "aliases": (), "start_lon": 120.0, "start_lat": 46.0})
        times = [t0, t0 + pd.Timedelta(hours=12)]
        tracks.append(pd.DataFrame({
            "time": times, "formation_id": fid, "cum_km": [0.0, 10.0], "lon": 120.0,
            "lat": 46.0, "status": "moving", "fuel_l": [refill_l, on_hand],
            "refills_on_hand": [1.0, on_hand / refill_l]}))
    tracks = pd.concat(tracks, ignore_index=True)
    head = tracks[tracks["formation_id"] == "7mc"].drop(columns="formation_id")
    trace = RunTrace(track=head, route_points=head[["cum_km", "lon", "lat"]],
                     daily=pd.DataFrame(), formations=pd.DataFrame(forms), tracks=tracks,
                     routes=tracks[["formation_id", "cum_km", "lon", "lat"]],
                     army_name="6th Guards Tank Army")
    states = pd.DataFrame([
        {"axis_id": "X", "date": pd.Timestamp("1945-08-13"), "date_text": "13 Aug",
         "formation": "7th Mechanized Corps", "place": "", "state": "0.4", "refills": 0.4,
         "source": "t", "quote": "q"},
        {"axis_id": "X", "date": pd.Timestamp("1945-08-13"), "date_text": "13 Aug",
         "formation": "6th Guards Tank Army", "place": "", "state": "?", "refills": float("nan"),
         "source": "t", "quote": "q"}])
    f = score_fuel_states(states, trace)
    assert f.loc[0, "matched_formation"] == "7mc,fd-7mc"
    assert f.loc[0, "model_refills"] == pytest.approx(3000.0 / 12000.0)
    assert f.loc[0, "refills_error"] == pytest.approx(-0.15) and f.loc[0, "within_tolerance"]
    assert f.loc[1, "model_refills"] == pytest.approx(4000.0 / 13000.0)


def _two_formation_trace():
    """A headline formation that never stops and a second one whose trucks run dry at
    10:00 (left behind) and which is itself held at 14:00 and 15:00 (nothing left to move):
    from 13:30, its daily row says (1.5 h held for fuel on 12 Aug)."""
    from logistics.history.runs import FORMATION_COLUMNS, RunTrace

    times = pd.date_range("1945-08-12 09:00", periods=8, freq="h")
    rows = []
    for fid in ("fd", "corps"):
        for i, t in enumerate(times):
            held = fid == "corps" and t.hour in (14, 15)
            rows.append({"time": t, "formation_id": fid, "cum_km": float(min(i, 5) if fid == "corps" else 3 * i),
                         "lon": 120.0 + i / 10, "lat": 46.0,
                         "status": "halted: no fuel" if held else "moving",
                         "dry_classes": "zis-5" if fid == "corps" and t.hour >= 10 else ""})
    tracks = pd.DataFrame(rows)
    forms = pd.DataFrame([{c: "" for c in FORMATION_COLUMNS} | {"formation_id": f, "name": f, "aliases": (),
                           "drawn_from_parent": False, "start_lon": 120.0, "start_lat": 46.0}
                          for f in ("fd", "corps")])
    head = tracks[tracks["formation_id"] == "fd"].drop(columns="formation_id")
    daily = pd.DataFrame({"date": ["1945-08-12"], "cum_km": [21.0], "status": ["moving"],
                          "hours_halted_no_fuel": [0.0], "refills_total": [0.5], "dry_classes": [""]})
    dailies = pd.DataFrame({"formation_id": ["fd", "corps"], "date": ["1945-08-12"] * 2,
                            "hours_halted_no_fuel": [0.0, 1.5]})
    return RunTrace(track=head, route_points=head[["cum_km", "lon", "lat"]], daily=daily,
                    formations=forms, tracks=tracks,
                    routes=tracks[["formation_id", "cum_km", "lon", "lat"]],
                    dailies=dailies)


def test_verdict_reads_every_formation_not_only_the_headline():
    """The headline never stops, yet another formation's trucks are left dry in the step
    ending 10:00 (begun 09:00) and that formation is held for the steps ending 14:00 and 15:00
    (the first begun 13:00): the verdict must say both, with who and where, as the run summary
    times them (``track_events.held_at``: it drove from km 4 to km 5 in the step begun 13:00
    and then stood, so the first hour the records have it standing at km 5 is 14:00; the
    vehicles, with no stops table, the step's start); two hours held, on 12 Aug."""
    v = fuel_verdict("T", _two_formation_trace())
    assert v.runs_dry and v.dry_formation == "corps"
    assert v.first_dry == pd.Timestamp("1945-08-12 14:00") and v.dry_km == 5.0
    assert v.hours_dry == 2.0 and v.days_dry == ("1945-08-12",)
    assert v.first_vehicles_dry == pd.Timestamp("1945-08-12 09:00")
    assert v.vehicles_dry_formation == "corps" and v.vehicles_dry_classes == "zis-5"
    assert v.first_any_dry == v.first_vehicles_dry and "zis-5" in v.dry_classes
    text = fuel_markdown(v, load_fuel_states())
    assert "does not run dry" not in text
    assert "Vehicles run dry" in text and "1945-08-12 09:00" in text and "`corps`" in text
    assert "A formation is held for fuel" in text and "1945-08-12 14:00" in text


def test_verdict_reads_the_stops_table_as_the_run_summary_does():
    """With the run's dry stops (``RunTrace.dry_stops``) the verdict's first vehicles left dry
    are the stop's hour and km (09:38 at km 0.6, inside the step 09:00-10:00 whose track row
    has km 1), as the run summary prints them; before, the step's start with the step end's
    km (09:00, km 1: a place the vehicles never reached). A dry stop of the held formation at
    the km it stands at gives the held hour too (13:20 at km 4 in a trace held from 13:00)."""
    from dataclasses import replace

    tr = _two_formation_trace()
    stops = pd.DataFrame({"formation_id": ["corps"], "time": [pd.Timestamp("1945-08-12 09:38")],
                          "cum_km": [0.6], "name": ["zis-5 dry; they stay behind"]})
    v = fuel_verdict("T", replace(tr, dry_stops=stops))
    assert v.first_vehicles_dry == pd.Timestamp("1945-08-12 09:38")
    assert v.vehicles_dry_km == pytest.approx(0.6)
    t = tr.tracks.copy()
    corps = t["formation_id"] == "corps"
    t.loc[corps & (t["time"] >= pd.Timestamp("1945-08-12 13:00")), "cum_km"] = 4.0
    held = pd.DataFrame({"formation_id": ["corps"], "time": [pd.Timestamp("1945-08-12 13:20")],
                         "cum_km": [4.0], "name": ["t-34-85 dry; they stay behind"]})
    v2 = fuel_verdict("T", replace(tr, tracks=t, dry_stops=held))
    assert v2.first_dry == pd.Timestamp("1945-08-12 13:20") and v2.dry_km == 4.0


def test_verdict_vehicles_dry_but_no_formation_held():
    tr = _two_formation_trace()
    t = tr.tracks.assign(status="moving")
    from dataclasses import replace

    v = fuel_verdict("T", replace(tr, tracks=t))
    assert not v.runs_dry and v.first_vehicles_dry == pd.Timestamp("1945-08-12 09:00")
    text = fuel_markdown(v, load_fuel_states())
    assert "No formation is held for fuel" in text and "Vehicles run dry" in text


def test_a_wait_for_fuel_is_read_against_the_hours_held_that_day():
    """A documented wait that gives no refills ([DAINES-TA]'s 'ожидать подвоза горючего') is
    read against the hours each matched formation was held for fuel that day: the corps of
    the two-formation trace is held from 13:30 of 12 Aug (1.5 h, its daily row), the
    forward detachment never; the day before the trace begins, nothing to read (empty)."""
    from logistics.history.fuel import score_fuel_states

    states = pd.DataFrame([
        {"axis_id": "T", "date": pd.Timestamp(day), "date_text": day, "formation": fid,
         "place": "", "state": "waited for fuel", "refills": float("nan"), "source": "t",
         "quote": "q"} for day in ("1945-08-12", "1945-08-11") for fid in ("corps", "fd")])
    f = score_fuel_states(states, _two_formation_trace())
    assert list(f["model_held_h"]) == ["corps 1.5 h", "fd 0 h", "", ""]
    # ... and the classes each left dry that day: the corps' trucks from 10:00
    assert list(f["model_dry_classes"]) == ["corps: zis-5", "fd: -", "", ""]
    # a day after the trace ends: no record that day, nothing said (not "0 h")
    late = states.head(1).assign(date=pd.Timestamp("1945-08-20"))
    assert score_fuel_states(late, _two_formation_trace())["model_held_h"].tolist() == [""]
    assert f["refills_error"].isna().all() and f["within_tolerance"].isna().all()
    text = fuel_markdown(fuel_verdict("T", _two_formation_trace()), f, scored=f)
    assert "hours held for fuel that day" in text and "| corps 1.5 h |" in text


def test_the_hours_held_for_fuel_are_the_daily_hours_not_the_held_steps():
    """readme_results' "hours held for fuel (model)" column (``model_held_h``) counted the
    hour steps of the track that ended held (2 h here: the steps ending 14:00 and 15:00) where
    the run's daily table (``daily.csv``'s ``hours_halted_no_fuel``) has the hours it stood
    without fuel: 0.6 h, from 14:24. Read through ``trace_of`` as compare reads a run."""
    from types import SimpleNamespace

    from logistics.history.fuel import score_fuel_states
    from logistics.report.readme_results import _held

    times = pd.date_range("1945-08-12 13:00", periods=3, freq="h")
    tracks = pd.DataFrame({"time": times, "formation_id": "a", "cum_km": [4.0, 5.0, 5.0],
                           "lon": 120.0, "lat": 46.0,
                           "status": ["moving", "halted: no fuel", "halted: no fuel"]})
    route = pd.DataFrame({"formation_id": "a", "cum_km": [0.0, 10.0], "lon": [120.0, 120.1],
                          "lat": [46.0, 46.0]})
    daily = pd.DataFrame({"date": ["1945-08-12"], "formation_id": ["a"], "cum_km": [5.0],
                          "hours_halted_no_fuel": [0.6]})
    result = SimpleNamespace(
        track=tracks.drop(columns="formation_id"), route_points=route.drop(columns="formation_id"),
        daily=daily, routes=route, tracks=tracks,
        formations=pd.DataFrame({"formation_id": ["a"], "name": ["A"], "kind": ["tank_corps"],
                                 "aliases": [()]}))
    states = pd.DataFrame([{"axis_id": "T", "date": pd.Timestamp("1945-08-12"),
                            "date_text": "12 Aug", "formation": "a", "place": "",
                            "state": "waited for fuel", "refills": float("nan"), "source": "t",
                            "quote": "q"}])
    f = score_fuel_states(states, trace_of(result))
    assert f["model_held_h"].tolist() == ["a 0.6 h"]  # was "a 2 h"
    assert "| waited for fuel | a 0.6 h | - |" in "\n".join(_held(f))


@pytest.mark.parametrize("text", ["7th Mechanized Corps (6th Guards Tank Army)", "7mc",
                                  "9th Gds Mech Corps"])
def test_a_fuel_state_naming_another_axiss_formation_is_that_axiss_not_scored(text):
    """docmatch24 made a position naming only another axis's formation a problem, not scored;
    a fuel state was still matched loosely to its own axis: a TBF-36A state of the 7th Mech
    Corps (TBF-6GTA's) fell to rule 4 and was scored on every formation of the 36th Army. The
    same rule, through the same matcher: no formation, no refills, the problem (the axis and
    the fix) in ``model_status``; a state of its own formation beside it is scored."""
    import math

    from logistics.history.fuel import score_fuel_states
    from logistics.history.match import OTHER_AXIS, OtherArmy
    from logistics.history.runs import FORMATION_COLUMNS

    sixth = OtherArmy("TBF-6GTA", "6th Guards Tank Army", pd.DataFrame([
        {c: "" for c in FORMATION_COLUMNS} | {"formation_id": i, "name": n, "kind": k,
                                              "parent": None, "aliases": a}
        for i, n, k, a in (("7mc", "7th Mechanized Corps", "mech_corps", ("7th Mech Corps",)),
                           ("9gmc", "9th Guards Mechanized Corps", "mech_corps", ()))]))
    trace = _two_formation_trace()
    object.__setattr__(trace, "army_name", "36th Army")  # its formations named as the 36th's
    object.__setattr__(trace, "formations", trace.formations.assign(
        name=["205th Tank Brigade", "36th Army rifle divisions"]))
    states = pd.DataFrame([
        {"axis_id": "TBF-36A", "date": pd.Timestamp("1945-08-12"), "date_text": "12 Aug",
         "formation": f, "place": "", "state": "0.5", "refills": 0.5, "source": "t",
         "quote": "q"} for f in (text, "205th Tank Bde")])
    f = score_fuel_states(states, trace, others=[sixth])
    status = f.loc[0, "model_status"]
    assert status.startswith(f"not scored: {OTHER_AXIS}"), status
    assert "Fix: give the row axis_id TBF-6GTA" in status
    assert f.loc[0, "matched_formation"] == "" and math.isnan(f.loc[0, "model_refills"])
    assert math.isnan(f.loc[0, "refills_error"]) and f.loc[0, "within_tolerance"] is None
    brigade = str(trace.formations["formation_id"].iloc[0])  # named the 205th Tank Brigade
    assert f.loc[1, "matched_formation"] == brigade
    assert not f.loc[1, "model_status"].startswith("not scored")
    # without the other axes (the call before), the state is read on this army: the change
    before = score_fuel_states(states, trace).loc[0]
    assert before["matched_formation"] != "" and before["match_rule"].startswith("rule 4")
