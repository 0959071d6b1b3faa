"""The army run on the shipped data at a coarse grid: the 6 GTA's headline formation crosses the
Greater Khingan, every army file runs, the same seed gives byte-identical files, an army without
fuel halts at once and says so."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from logistics import settings
from logistics.advance.simulate import STATUSES
from logistics.army.load import army_paths, load_army
from logistics.geodesy import great_circle_km
from logistics.report.run_outputs import RUN_FILES, write_run
from logistics.runner import run_scenario
from logistics.supply.reserve import is_reserve

pytestmark = pytest.mark.slow

GTA = settings.CONFIG_DIR / "tbf-6gta.yaml"
COARSE_M = 5000.0  # the Khingan run
COARSEST_M = 10000.0  # every config


@pytest.fixture(scope="module")
def gta():
    return run_scenario(GTA, resolution_m=COARSE_M, cost_surface=True)


def _days(path) -> list[str]:
    """The dates a run of the army file covers: H-hour's date to the ``end`` date, inclusive
    ([PIKE-SEED000] 'from 9 August to 26 August', the shipped files' horizon)."""
    army = load_army(path)
    first = pd.Timestamp(army.h_hour.value).normalize()
    last = pd.Timestamp(army.end.value).normalize()
    return [d.strftime("%Y-%m-%d") for d in pd.date_range(first, last, freq="D")]


def test_the_route_crosses_the_greater_khingan(gta):
    hi = gta.summary["highest"]
    assert hi["elev_m"] >= 1000.0
    # the crossing lies in the southern Greater Khingan (data-sources.md: the range's box is
    # 45-48 N, 118-122 E; its southern end reaches toward 44 N), not on the plain
    assert 117.5 <= hi["lon"] <= 122.5 and 44.0 <= hi["lat"] <= 48.5
    rp = gta.route_points
    assert rp["elev_m"].iloc[0] > 500 and rp["elev_m"].iloc[-1] < 300  # plateau -> plain
    # it starts where the army file puts the headline formation (on the departure line)
    head = gta.formations[gta.formations["headline"]].iloc[0]
    assert great_circle_km(head["start_lon"], head["start_lat"], rp["lon"].iloc[0],
                           rp["lat"].iloc[0]) < 2 * COARSE_M / 1000.0


def test_the_daily_tables_keep_their_contract(gta):
    d = gta.daily
    head = gta.formations[gta.formations["headline"]].iloc[0]["formation_id"]
    days = _days(GTA)
    for fid, rows in d.groupby("formation_id"):
        assert list(rows["date"]) == days, fid
        assert (np.diff(rows["cum_km"]) >= -1e-9).all(), fid
    assert set(d["status"]) <= set(STATUSES)
    a = gta.army_daily
    assert list(a["date"]) == days
    np.testing.assert_allclose(a["carried_l"] + a["delivered_l"] - a["consumed_l"],
                               a["on_hand_l"], rtol=1e-9, atol=1e-3)
    mine = d[d["formation_id"] == head]
    assert mine["cum_km"].iloc[-1] <= gta.summary["route_km"] + 1e-9
    t = pd.to_datetime(gta.track["time"])
    assert t.is_monotonic_increasing
    assert t.iloc[0] - pd.Timestamp(load_army(GTA).h_hour.value) <= pd.Timedelta(hours=1)
    assert gta.cost_hours is not None and gta.cost_hours.rio.crs is not None


def test_every_formations_fuel_adds_up_day_by_day(gta):
    """A formation's tanks change by what was delivered into them, burned out of the army's
    reserve for it and drained into them from its family's stalled vehicles, less what it
    burned (a fresh-machine trial found the 6th Guards Tank Army's main bodies moving on 'empty'
    tanks for days: the reserve's 1.6 M L showed in no formation's column)."""
    d = gta.daily
    for fid, rows in d.groupby("formation_id"):
        rows = rows.reset_index(drop=True)
        if rows["fuel_l"].isna().all():
            continue
        change = rows["fuel_l"].diff().iloc[1:]
        booked = (rows["delivered_l"] + rows["from_reserve_l"] + rows["drained_l"]
                  - rows["consumed_l"]).iloc[1:]
        np.testing.assert_allclose(change, booked, rtol=1e-9, atol=1e-3, err_msg=fid)
        assert (rows["from_reserve_l"] <= rows["consumed_l"] + 1e-6).all(), fid
    by_day = d.groupby("date")[["drained_l", "from_reserve_l"]].sum()
    np.testing.assert_allclose(by_day["drained_l"], 0.0, atol=1e-3)  # moved, not made
    # the army's reserve falls by what the formations drew from it, plus what went into it
    a = gta.army_daily.set_index("date")
    reserve_drop = (a["reserve_l"].shift(1).fillna(a["reserve_l"].iloc[0]
                                                   + by_day["from_reserve_l"].iloc[0])
                    - a["reserve_l"])
    assert (by_day["from_reserve_l"] >= reserve_drop - 1e-3).all()
    assert by_day["from_reserve_l"].sum() > 0  # the main bodies do burn the reserve


def fuel_is_conserved(r, name: str = "") -> None:
    """Every litre of a run accounted for, from railhead to tank (litres): the army's fuel on
    hand at the start and what was delivered is what was burned and what is on hand at the
    end, nothing lost or counted twice on the way. Delivered: the takers' rows of
    ``deliveries.csv`` by kind, each load's offer taken or driven back (a depot's, or left
    there), its trucks' own fuel
    once (trucks split off a convoy burning their own; a share that waited with its taker
    burned on its first row); on hand: the formations' tanks (detached elements' too)
    and the army's reserve, day by day; burned: the formations' ``consumed_l``; drained fuel
    moved between them, not made; the reserve changed by what went into it (delivered, less
    what the formations' tanks took) less what they drew from it."""
    a, d, dl = r.army_daily, r.daily, r.deliveries
    days = list(a["date"])
    by_day = d.groupby("date")[["delivered_l", "consumed_l", "from_reserve_l", "drained_l",
                                "fuel_l"]].sum().loc[days]

    def close(actual, desired):
        np.testing.assert_allclose(np.asarray(actual, dtype=float),
                                   np.asarray(desired, dtype=float),
                                   rtol=1e-9, atol=1e-3, err_msg=name)

    close(a["carried_l"].iloc[0] + a["delivered_l"].sum(),
          a["consumed_l"].sum() + a["on_hand_l"].iloc[-1])
    close(a["carried_l"].iloc[1:], a["on_hand_l"].iloc[:-1])  # a day's end, the next's start
    for kind in ("truck", "river", "air", "depot"):
        close(dl.loc[dl["kind"] == kind, "litres"].sum(), a[f"delivered_{kind}_l"].sum())
    once = dl.drop_duplicates("delivery_id")
    # each load's whole offer (on every row of its delivery) taken or driven back; a share
    # still waiting with its taker at the run's end neither (its last row says so)
    waiting = dl["delivery_id"].isin(dl.loc[dl["note"].str.contains(
        "still waiting with .* at the run's end"), "delivery_id"])
    done = ~once["delivery_id"].isin(dl.loc[waiting, "delivery_id"])
    # a captured depot's litres nobody has taken stay at the depot (test_depot_stays.py):
    # neither taken nor driven back
    depot = dl[dl["kind"] == "depot"].groupby("delivery_id")
    at_depot_l = (depot["offered_l"].first() - depot["litres"].sum()).sum()
    close(once.loc[done, "offered_l"].sum(), dl.loc[~waiting, "litres"].sum()
          + a["returned_l"].sum() + at_depot_l)
    assert (dl[waiting].groupby("delivery_id")["litres"].sum()
            < dl[waiting].groupby("delivery_id")["offered_l"].first()).all()
    close(once["truck_fuel_l"].sum(), a["truck_fuel_l"].sum())
    # every truck that drives burns its own leg: trucks split off a convoy for a taker off its
    # way too (on main they burned nothing of their own)
    split = once[(once["kind"] == "truck")
                 & once["note"].str.contains(r"[1-9]\d* of the trucks sent straight to it")
                 & ~once["note"].str.contains(r"waited (?:at its carrier|with )")]
    assert (split["truck_fuel_l"] > 0).all(), (name, split.loc[split["truck_fuel_l"] <= 0,
                                                               "note"].tolist())
    close(by_day["consumed_l"], a["consumed_l"])
    close(by_day["fuel_l"], a["tanks_l"])
    close(a["tanks_l"] + a["reserve_l"], a["on_hand_l"])
    close(by_day["drained_l"], 0.0)
    into_reserve = a["delivered_l"].to_numpy() - by_day["delivered_l"].to_numpy()
    assert (into_reserve >= -1e-3).all(), name
    # every section of the reserve: ``(reserve)``, ``(reserve with <carrier>)`` (reservesplit34)
    close(into_reserve.sum(), dl.loc[dl["formation_id"].map(is_reserve), "litres"].sum())
    close(np.diff(a["reserve_l"].to_numpy()),
          into_reserve[1:] - by_day["from_reserve_l"].to_numpy()[1:])


def test_no_litre_is_lost_or_counted_twice_between_railhead_and_tank(gta):
    """The 6th Guards Tank Army's whole run (its convoys and airlift, the reserve with its
    carrier that the main bodies draw on) balances: :func:`fuel_is_conserved`. The
    daily ledger check of the step loop compares the ledger with the tanks; this one ties the
    tables a reader adds up (deliveries, daily, army_daily) to each other over the run."""
    fuel_is_conserved(gta, "TBF-6GTA")
    assert set(gta.deliveries["kind"]) == {"truck", "air"}
    assert gta.daily["from_reserve_l"].sum() > 0


def test_fuel_figure_shows_what_each_formation_draws_from_the_reserve(gta):
    """fuel.png's bottom panel stacks, day by day, the litres each formation burned out of the
    army's reserve: the main bodies whose tanks read empty while they move (issue 13 note)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.container import BarContainer

    from logistics.report.run_plots import fuel_figure

    fig = fuel_figure(gta)
    assert len(fig.axes) >= 3
    panel = next(a for a in fig.axes if "army reserve (m³/day)" in a.get_ylabel())
    bars = {c.get_label(): sum(p.get_height() for p in c.patches)
            for c in panel.containers if isinstance(c, BarContainer)}
    want = gta.daily.groupby("formation_id")["from_reserve_l"].sum() / 1000.0
    want = want[want > 0]
    assert set(bars) == set(want.index)
    for fid, m3 in want.items():
        assert bars[fid] == pytest.approx(m3, rel=1e-9), fid
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_same_seed_gives_byte_identical_files(gta, tmp_path):
    a = write_run(gta, tmp_path / "a")
    again = run_scenario(GTA, resolution_m=COARSE_M, cost_surface=True)
    b = write_run(again, tmp_path / "b")
    for name in RUN_FILES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_every_army_file_runs_on_a_coarse_grid():
    for path in army_paths(settings.CONFIG_DIR):
        r = run_scenario(path, resolution_m=COARSEST_M)
        a = r.army_daily
        assert list(a["date"]) == _days(path), path.name
        assert r.daily["cum_km"].max() > 0, path.name
        np.testing.assert_allclose(a["carried_l"] + a["delivered_l"] - a["consumed_l"],
                                   a["on_hand_l"], rtol=1e-9, atol=1e-3, err_msg=path.name)
        fuel_is_conserved(r, path.name)


def test_an_army_without_fuel_and_supply_never_moves_its_vehicles_and_says_so(tmp_path):
    import yaml

    doc = yaml.safe_load(GTA.read_text(encoding="utf-8"))
    doc["fuel"]["in_tanks_refills"]["value"] = 0.0
    doc["fuel"]["carried_refills"]["value"] = 0.0
    doc["fuel"].pop("extra_fuel_l", None)
    doc["supply"] = {}
    doc["uncertain"] = {}
    path = tmp_path / "dry.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    r = run_scenario(path, resolution_m=COARSEST_M)
    movement = r.formations.set_index("formation_id")["movement"]
    mech = [f for f in movement.index if movement[f] in ("tracked", "motor")]
    assert mech
    for fid in mech:
        rows = r.tracks[r.tracks["formation_id"] == fid]
        assert (rows["cum_km"] == 0.0).all(), fid
        assert rows["status"].isin(["halted: no fuel", "not started", "rest"]).all(), fid
        assert (rows["status"] == "halted: no fuel").any(), fid
    assert r.army_daily["consumed_l"].sum() == 0.0
    assert r.summary["started_dry"] is not None
