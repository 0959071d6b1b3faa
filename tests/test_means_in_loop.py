"""The means of movement through the army's step loop: a formation rides a train over the lines
its army holds, sails with the flotilla, shuttles on too few trucks; railheads move forward.

Small armies cut from a shipped army file (one or two formations), run on the shipped terrain at
10 km with the shipped planners (``runner.default_planners``)."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest
import yaml

from logistics import settings
from logistics.army.norms import load_norms
from logistics.geodesy import great_circle_km
from logistics.army.means_norms import load_means_norms
from logistics.places import resolve
from logistics.report.run_page import summary_lines
from logistics.runner import run_scenario

pytestmark = pytest.mark.slow

RES_M = 10_000.0


def _base(name: str) -> dict:
    return yaml.safe_load((settings.CONFIG_DIR / name).read_text(encoding="utf-8"))


def _write(tmp_path, doc: dict, name: str = "army.yaml"):
    p = tmp_path / name
    p.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return p


def _lead(doc: dict, objectives: list[str]) -> dict:
    """The 36th Army's 205th Tank Brigade, on its own, through ``objectives``."""
    f = copy.deepcopy(next(f for f in doc["formations"] if f["id"] == "205tb"))
    f.pop("parent", None)
    f["objectives"] = [{"place": p, "assumed": "test objective"} for p in objectives]
    return f


def _army(doc: dict, formations: list[dict]) -> dict:
    doc = copy.deepcopy(doc)
    doc["formations"] = formations
    doc["fuel"]["priority"]["order"] = [f["id"] for f in formations]
    reach = doc["fuel"].get("reserve_reach_km")
    if reach is not None and reach["carrier"] not in doc["fuel"]["priority"]["order"]:
        # its carrier is cut: the first formation carries it, its reach as wide as the theatre
        reach.update(carrier=formations[0]["id"], value=5000)
    doc["uncertain"] = {}
    return doc


def _shuttle_army() -> dict:
    """The 36th Army file cut to one division of 3,000 men on 50 trucks lifting 1,000, bound
    for Hailar."""
    doc = _base("tbf-36a.yaml")
    f = copy.deepcopy(next(f for f in doc["formations"] if f["id"] == "36a-main-rds"))
    for k in ("standard", "count"):
        f.pop(k, None)
    f.update(id="shuttle-rd", movement="truck_borne",
             men={"value": 3000, "assumed": "test"},
             vehicles=[{"vehicle": "studebaker-us6", "count": {"value": 50, "assumed": "test"}}],
             lift={"vehicle": "studebaker-us6", "count": {"value": 50, "assumed": "test"},
                   "men": {"value": 1000, "assumed": "test: a third of the men ride"}},
             objectives=[{"place": "Hailar", "assumed": "test objective"}])
    return _army(doc, [f])


def _mode_rows(result, fid: str, mode: str):
    t = result.tracks
    return t[(t["formation_id"] == fid) & (t["mode"] == mode)]


def test_a_formation_rides_the_train_once_the_army_holds_the_line(tmp_path):
    """A rifle division ordered by rail from Otpor to Hailar cannot board before the tank
    brigade has reached Hailar and the restoration delay has passed (the army holds a station
    when a formation reaches it; it is usable ``delay_h`` later); it then rides, and ends at
    the alighting station near Hailar. The truck columns' railhead moves forward off Otpor."""
    doc = _base("tbf-36a.yaml")
    rd = copy.deepcopy(next(f for f in doc["formations"] if f["id"] == "36a-otpor-group"))
    rd.update(id="rail-rd", movement="rail", count={"value": 1, "assumed": "test"},
              objectives=[{"place": "Hailar", "assumed": "test objective"}])
    rd.pop("on_fortified_region", None)
    army = _army(doc, [_lead(doc, ["Manzhouli", "Hailar"]), rd])
    r = run_scenario(_write(tmp_path, army), resolution_m=RES_M)
    rail = _mode_rows(r, "rail-rd", "rail")
    assert len(rail) > 0, r.notes
    hailar = resolve("Hailar")
    tb = r.tracks[r.tracks["formation_id"] == "205tb"]
    radius = load_means_norms().rail.capture_radius_km
    near = great_circle_km(hailar.lon, hailar.lat, tb["lon"].to_numpy(), tb["lat"].to_numpy())
    reached = tb["time"][near <= radius + RES_M / 1000.0]
    assert len(reached), "the tank brigade never reached Hailar"
    delay = load_means_norms().rail.delay_h
    first_rail = rail["time"].min()
    assert (first_rail - reached.min()).total_seconds() / 3600.0 >= delay - 1.0
    end = r.tracks[r.tracks["formation_id"] == "rail-rd"].iloc[-1]
    assert end["status"] == "arrived"
    assert great_circle_km(hailar.lon, hailar.lat, end["lon"], end["lat"]) < 30.0
    moved = r.reached[r.reached["kind"] == "railhead"]
    assert len(moved) and not moved["name"].str.contains("loads at Otpor:").any()


def test_the_flotilla_carries_the_landing_along_the_river(tmp_path):
    """The 15th Army's landing party rides the 1st river-ship brigade: it is `river` while
    under way and its head never moves faster than the fastest ship downstream (ship speed x
    operating factor + current, configs/norms/movement.yaml)."""
    r = run_scenario(settings.CONFIG_DIR / "2fef-15a.yaml", resolution_m=RES_M)
    river = _mode_rows(r, "15a-landing", "river")
    assert len(river) > 0, r.notes
    t = r.tracks[r.tracks["formation_id"] == "15a-landing"]
    assert t["cum_km"].iloc[-1] > 50.0
    rn = load_means_norms().river
    vmax = max(s.speed_kmh for s in rn.ships.values()) * rn.operating_speed_factor \
        + rn.current_kmh
    km = t["cum_km"].to_numpy()
    hours = np.diff(t["time"].to_numpy()).astype("timedelta64[s]").astype(float) / 3600.0
    assert np.all(np.diff(km) <= vmax * hours + 1e-6)
    # its army file's objectives (Fujin, Harbin) are stops on the ships' path, reached when
    # its head gets there (they were not recorded: no route of its own), and the summary's
    # arrival is its head's at the last of them, with when all of it is ashore beside it
    obj = r.reached[(r.reached["formation_id"] == "15a-landing")
                    & (r.reached["kind"] == "objective")]
    assert list(obj["name"]) == ["Fujin", "Harbin"]
    for _, o in obj.iterrows():
        # the hour its head got there on the ships' timetable, within the step (not the
        # step's end): the track's next hourly row is there, its row before is not
        when = pd.Timestamp(o["time"])
        after = t[pd.to_datetime(t["time"]) >= when]
        assert float(after["cum_km"].iloc[0]) >= o["cum_km"] - 1e-6
        assert pd.Timestamp(after["time"].iloc[0]) - when < pd.Timedelta(hours=1)
        before = t[pd.to_datetime(t["time"]) < when]["cum_km"]
        assert before.empty or float(before.iloc[-1]) < o["cum_km"]
    assert any(pd.Timestamp(x).minute != 0 for x in obj["time"])  # off the hour grid
    f = next(x for x in r.summary["formations"] if x["formation_id"] == "15a-landing")
    assert f["arrived"]["time"] == pd.Timestamp(obj["time"].iloc[-1])
    whole = pd.Timestamp(t[t["status"] == "arrived"]["time"].iloc[0])
    if whole - f["arrived"]["time"] > pd.Timedelta(hours=1):  # later trips bring the rest
        assert f["arrived"]["all_time"] == whole
        line = next(x for x in summary_lines(r) if x.startswith("  15a-landing:"))
        assert f"(all of it {whole:%d %b %H:%M})" in line
    else:
        assert "all_time" not in f["arrived"]


def test_a_truck_borne_division_short_of_lift_shuttles(tmp_path):
    """3,000 men on 50 trucks lifting 1,000: the head (the first lift) gets further on the
    first day than men can march at the foot norm's pace in a whole day, the tail lags behind
    the head, and the trucks burn the army's fuel."""
    army = _shuttle_army()
    r = run_scenario(_write(tmp_path, army), resolution_m=RES_M)
    t = r.tracks[r.tracks["formation_id"] == "shuttle-rd"]
    assert (t["mode"] == "truck").any(), r.notes
    assert (t["tail_km"] < t["cum_km"] - 1.0).any()
    assert (t["tail_km"] <= t["cum_km"] + 1e-6).all()
    foot = load_norms().norm_for("foot")
    day1 = r.daily[r.daily["formation_id"] == "shuttle-rd"].iloc[0]
    assert day1["cum_km"] > foot.max_speed_kmh * foot.hours_per_day
    assert r.daily[r.daily["formation_id"] == "shuttle-rd"]["consumed_l"].sum() > 0.0


def test_shipped_transbaikal_rifle_divisions_ride_and_shuttle():
    """The 36th Army's rifle divisions as shipped (issue 13: 'the Transbaikal rifle divisions
    rode trucks'): each division lifts its own standard's trucks' worth of men (per body, so
    four divisions lift four times one's), fewer than its men, so the trucks shuttle: the head
    rides ahead of the tail, and the trucks' fuel is booked to the formation."""
    from logistics.army.load import load_army
    from logistics.army.resolve import resolve_formations
    from logistics.army.fortified import load_fortified

    norms = load_norms()
    std = norms.standards["rifle_division"]
    per_div = dict(std.vehicles)["studebaker-us6"]
    army = load_army(settings.CONFIG_DIR / "tbf-36a.yaml")
    units = {u.id: u for u in resolve_formations(army, norms, load_fortified().rule)}
    u = units["36a-main-rds"]
    n = next(f for f in army.formations if f.id == "36a-main-rds").count.value
    assert u.movement == "truck_borne"
    assert u.lift_trucks == per_div * n
    assert u.lift_men == per_div * n * norms.men_per_truck["studebaker-us6"]
    assert 0 < u.lift_men < u.men
    r = run_scenario(army, resolution_m=RES_M)
    t = r.tracks[r.tracks["formation_id"] == "36a-main-rds"]
    assert (t["mode"] == "truck").any(), r.notes
    assert (t["tail_km"] < t["cum_km"] - 1.0).any()
    assert (t["tail_km"] <= t["cum_km"] + 1e-6).all()
    foot = norms.norm_for("foot")
    day1 = r.daily[r.daily["formation_id"] == "36a-main-rds"].iloc[0]
    assert day1["cum_km"] > foot.max_speed_kmh * foot.hours_per_day
    assert r.daily[r.daily["formation_id"] == "36a-main-rds"]["consumed_l"].sum() > 0.0
    # the men on foot set the shuttled division's day: in the dry season on this front the
    # foot column's heat rule marches it at night (configs/norms/march.yaml foot_column
    # heat_rule: from 19:00 for 12 h), so from 08:00 to 18:00 of 9 and 10 Aug nothing moves
    heat = foot.heat
    assert heat is not None and heat.start_hour + heat.hours - 24 <= 8
    tt = t.set_index(pd.to_datetime(t["time"]))
    for day in ("1945-08-09", "1945-08-10"):
        rest = tt.loc[f"{day} 08:00":f"{day} 18:00"]
        assert len(rest) == 11
        assert rest["cum_km"].nunique() == 1 and rest["tail_km"].nunique() == 1, rest
    # a shuttled group meets the fortified-region rule too: the Otpor group starts at the
    # frontier, in front of the Manchouli-Zhalainor extent (cut at the frontier), and assaults
    # it, so on the first day (H-hour 00:10) it gets no farther than the extent's edge plus the
    # breakthrough rate's 10 km a day ([RUNOV-UR], configs/fortified-regions.yaml), even on this
    # 10 km grid whose steps are as long as the extent is deep
    from logistics.army.fortified import load_fortified as _lf

    rate = _lf().rule.rate_km_per_day
    (first, *_) = r.plan.formation("36a-otpor-group").fortified
    assert "manchouli-zhalainor" in first.region_ids and first.km_out - first.km_in > 1.0
    og = r.daily[r.daily["formation_id"] == "36a-otpor-group"].iloc[0]
    assert 0.0 < og["cum_km"] <= first.km_in + rate + 1e-6
    # ... and leaves the rule's detachment there, as a marching rifle formation does
    # (rule.detach: each rifle division leaves fraction_of_men at each extent it enters)
    det = r.reached[(r.reached["formation_id"] == "36a-otpor-group")
                    & (r.reached["kind"] == "detached")]
    assert len(det) >= 1, r.reached[r.reached["formation_id"] == "36a-otpor-group"]
    assert "Manchouli-Zhalainor fortified region" in " ".join(det["name"])  # by its name
    # its men ride the timetable (the classes are its trucks): the men left are the rule's
    # share of its men, reported in the daily table
    share = _lf().rule.fraction_of_men
    men = next(u for u in resolve_formations(army, norms, _lf().rule)
               if u.id == "36a-otpor-group").men
    og_left = r.daily[r.daily["formation_id"] == "36a-otpor-group"]["men_detached"]
    each = int(np.floor(men * share + 0.5))
    assert og_left.iloc[0] == each > 0  # the frontier extent, on the first day
    # one share at each stretch crossed (on its way on to Hailar it meets the 2.6 km fortress
    # too, which its 10 km steps cross without a point inside), but none at one the army's
    # main rifle divisions have already broken through (rule.breakthrough.open_breach)
    opened = r.reached[(r.reached["formation_id"] == "36a-otpor-group")
                       & r.reached["name"].str.contains("through the open breach")]
    assert og_left.iloc[-1] == each * len(det) and len(det) + len(opened) == len(
        r.plan.formation("36a-otpor-group").fortified)


def test_a_shuttle_without_fuel_walks_on_and_burns_nothing(tmp_path):
    """Issue 13: 'vehicles that run dry stay behind ... a formation moves on with what can
    move'. The shuttle of the test above with empty tanks and no fuel anywhere: the trucks
    never drive, the men walk on at the foot column's pace and window, and no litre is burned
    that is not on hand (the trucks used to keep their timetable on fuel the army did not
    have)."""
    army = _shuttle_army()
    army["fuel"]["in_tanks_refills"] = {"value": 0.0, "assumed": "test: empty tanks"}
    army["fuel"]["carried_refills"] = {"value": 0.0, "assumed": "test: no reserve"}
    army["supply"] = {}
    r = run_scenario(_write(tmp_path, army), resolution_m=RES_M)
    assert r.army_daily["consumed_l"].sum() == pytest.approx(0.0, abs=1e-6)
    assert any("out of fuel" in n and "walk on" in n for n in r.notes), r.notes
    assert not any("ran short" in n for n in r.notes)
    d = r.daily[r.daily["formation_id"] == "shuttle-rd"]
    foot = load_norms().norm_for("foot")
    # walking: something every day while the route lasts, never more than a day's march
    assert d["km_day"].iloc[0] > 0.0
    assert (d["km_day"] <= foot.max_speed_kmh * foot.hours_per_day + 1e-6).all(), d
    t = r.tracks[r.tracks["formation_id"] == "shuttle-rd"]
    assert t["cum_km"].is_monotonic_increasing and (t["tail_km"] <= t["cum_km"] + 1e-6).all()
    # the hours its men walk read mode foot, not the trucks' (they stand dry)
    walked = t[t["cum_km"].diff().fillna(t["cum_km"]) > 1e-6]
    assert len(walked) and (walked["mode"] == "foot").all(), walked["mode"].value_counts()


def test_the_landing_party_crosses_the_fujin_depth_at_the_breakthrough_rate():
    """The fortified-region rule is the same for a formation the ships carry: the landing
    party's river path runs through the Fujin extent, so its head takes the depth at the
    rule's breakthrough rate (a 'fortified region' event, then no faster than the rate until
    the depth is behind it) instead of steaming past the defended port."""
    from logistics.army.fortified import load_fortified

    r = run_scenario(settings.CONFIG_DIR / "2fef-15a.yaml", resolution_m=RES_M)
    ev = r.reached[(r.reached["formation_id"] == "15a-landing")
                   & (r.reached["kind"] == "fortified region")]
    assert len(ev) == 1 and ev["name"].iloc[0].startswith("Fujin"), r.reached
    depth = float(ev["name"].iloc[0].split(", ")[1].split(" km")[0])
    assert depth > 5.0
    rate = load_fortified().rule.rate_km_per_day
    t = r.tracks[r.tracks["formation_id"] == "15a-landing"].sort_values("time")
    k_in = float(ev["cum_km"].iloc[0])
    km = t["cum_km"].to_numpy()
    hours = (t["time"] - t["time"].iloc[0]).dt.total_seconds().to_numpy() / 3600.0
    h_in = float(np.interp(k_in, km, hours))  # km non-decreasing: the first time there
    h_out = hours[np.searchsorted(km, k_in + depth - 1e-6)]
    assert h_out - h_in >= (depth - 1.0) / rate * 24.0
    # the Project 1125 boats' sourced range (463 km) is shorter than the 666 km river path;
    # ships have no fuel stops: the run says so rather than sail past the figure unsaid
    assert any(n.startswith("15a-landing: bk-1125: its range on one load of fuel, 463 km")
               for n in r.notes), [n for n in r.notes if "landing" in n]
    assert not any("bk-1124: its range" in n for n in r.notes)  # no range found for it


def test_a_carried_head_at_its_last_objective_arrives_when_the_rest_does_not_by_the_end(
        tmp_path):
    """The landing party's head reaches Harbin; its later trips bring the rest only days after.
    A run that ends between the two says it arrived, at the head's hour, with the rest not
    landed by the run's end (it said 'not arrived' though its head stood at its last
    objective, while a marching head there is arrived; found by review19)."""
    full = run_scenario(settings.CONFIG_DIR / "2fef-15a.yaml", resolution_m=RES_M)
    f = next(x for x in full.summary["formations"] if x["formation_id"] == "15a-landing")
    head, whole = f["arrived"]["time"], f["arrived"].get("all_time")
    assert whole is not None and whole - head > pd.Timedelta(days=1)
    doc = _base("2fef-15a.yaml")
    end = head + pd.Timedelta(hours=12)
    doc["end"] = {"value": end.strftime("%Y-%m-%dT%H:%M"), "assumed": "test: head in, rest not"}
    r = run_scenario(_write(tmp_path, doc), resolution_m=RES_M)
    g = next(x for x in r.summary["formations"] if x["formation_id"] == "15a-landing")
    assert g["arrived"]["time"] == head and g["arrived"]["all_time"] is None
    line = next(x for x in summary_lines(r) if x.startswith("  15a-landing:"))
    assert f"arrived {head:%d %b %H:%M} (the rest not by the run's end)" in line
