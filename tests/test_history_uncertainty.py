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
