"""Monte Carlo: seeded draws, identical bands in-process and on dask.distributed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from logistics.errors import ConfigError
from logistics.history.uncertainty import (
    advance_bands,
    draw_jobs,
    run_monte_carlo,
)

@pytest.fixture(scope="module")
def sc(toy):
    return toy.Scenario("T", uncertain={"speed_scale": toy.Range(0.5, 1.5)}, fuel_km=500.0)


@pytest.fixture(scope="module")
def times(toy):
    return [toy.START + pd.Timedelta(days=d) for d in range(0, 6)]


def test_draws_are_seeded(sc):
    a, b = draw_jobs(sc, 6, seed=7), draw_jobs(sc, 6, seed=7)
    assert a == b
    c = draw_jobs(sc, 6, seed=8)
    assert [j.overrides for j in a] != [j.overrides for j in c]
    for j in a:
        assert 0.5 <= j.overrides["speed_scale"] <= 1.5 and j.dem in ("merged", "etopo5")
    assert len({j.seed for j in a}) == 6
    with pytest.raises(ConfigError):
        draw_jobs(sc, 0)


def test_bands_by_hand(toy, sc, times):
    mc = run_monte_carlo(sc, 9, seed=1, dems=("merged",), runner=toy.runner)
    scales = np.array([j.overrides["speed_scale"] for j in mc.jobs])
    bands = advance_bands(mc.runs, times)
    day1 = 60.0 * scales
    assert bands.loc[1, "p50_km"] == pytest.approx(np.median(day1))
    assert bands.loc[1, "p10_km"] < bands.loc[1, "p50_km"] < bands.loc[1, "p90_km"]


def test_same_seed_same_bands_in_process_and_on_a_cluster(toy, sc, times):
    from logistics.cost.cluster import get_client

    local = run_monte_carlo(sc, 4, seed=3, runner=toy.runner)
    with get_client(n_workers=2, processes=False) as client:
        dist = run_monte_carlo(sc, 4, seed=3, runner=toy.runner, client=client)
    pd.testing.assert_frame_equal(advance_bands(local.runs, times), advance_bands(dist.runs, times))
    pd.testing.assert_frame_equal(local.draws(), dist.draws())


def test_ranges_drawn_one_way_are_found_and_the_page_counts_rows_beside_the_band(tmp_path):
    """The nominal run of a new user's 8 draws lay after P90 (newuser25): the tank column's
    pace is the one wartime figure (6.6 km/h) at the bottom of a range reaching the post-war
    norm, so every draw was faster. The page now says how many rows lie beside the band, and
    which ranges are drawn one way; a range whose value lies inside is not listed."""
    import shutil
    from types import SimpleNamespace

    import yaml

    from logistics import settings
    from logistics.army.load import load_army
    from logistics.history.uncertainty import one_sided_ranges
    from logistics.report.compare_page import _band_and_nominal

    army = load_army(settings.CONFIG_DIR / "tbf-6gta.yaml")
    found = {k: (v, lo, hi) for k, v, lo, hi in one_sided_ranges(army)}
    assert found["norms/march:norms.tank_column.max_speed_kmh"] == (6.6, 6.6, 22.5)
    assert found["supply.air.0.total_t"] == (940.0, 940.0, 2072.0)  # the sourced airlift, at its low end
    from logistics.army.overrides import army_figure_paths

    figures = army_figure_paths(army)
    for key, r in army.uncertain.items():  # every army range not listed has its value inside
        value = getattr(figures.get(key), "value", None)
        if key not in found and isinstance(value, (int, float)):
            assert r.low < value < r.high, key
    assert "norms/march:norms.tank_column.march_hours_per_day" not in found  # 16 in 10-20
    # a copied folder whose tank pace sits inside its range: no longer listed
    copy = tmp_path / "configs"
    shutil.copytree(settings.CONFIG_DIR, copy)
    march = copy / "norms" / "march.yaml"
    data = yaml.safe_load(march.read_text(encoding="utf-8"))
    data["uncertain"]["norms.tank_column.max_speed_kmh"]["low"] = 5.0
    march.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert "norms/march:norms.tank_column.max_speed_kmh" not in {
        k for k, *_ in one_sided_ranges(army, copy)}
    t = pd.Timestamp
    table = pd.DataFrame({
        "modeled_arrival": [t("1945-08-12 05:00"), t("1945-08-11"), t("1945-08-12"), pd.NaT],
        "mc_arrival_p10": [t("1945-08-09 17:00"), t("1945-08-10"), t("1945-08-12 06:00"), t("1945-08-12")],
        "mc_arrival_p90": [t("1945-08-11 11:00"), t("1945-08-12"), t("1945-08-13"), t("1945-08-13")],
    })
    comp = SimpleNamespace(settings={"samples": 8}, table=table, config_dir=None,
                           inputs=SimpleNamespace(scenarios={"TBF-6GTA": army}))
    text = "\n".join(_band_and_nominal(comp))
    assert "outside its P10-P90 band in 2 of 3 rows with a band (1 before P10, 1 after P90)" in text
    assert "`norms/march:norms.tank_column.max_speed_kmh` 6.6 in 6.6-22.5" in text
    assert "- TBF-6GTA: " in text and "`supply.air.0.total_t` 940 in 940-2072" in text
    comp.settings = {"samples": 0}
    assert _band_and_nominal(comp) == []
