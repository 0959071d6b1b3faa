"""Monte Carlo over a scenario's uncertain figures and the DEM: P10/P50/P90 advance bands.

Each draw takes a value uniformly in every ``uncertain:`` range of the army file
(``logistics.army.sample_army_overrides``; see configs/README.md) and of the march and
movement norms (``configs/norms/{march,movement}.yaml``; :func:`logistics.ranges.sample_norms_overrides`, keys prefixed by
their file: ``norms/march:norms.tank_column.max_speed_kmh``), and one of the DEMs (merged 30"
or ETOPO5, equal odds: a modelling choice, neither is known to be better for 1945 routes), and
runs the scenario with its own seed. A draw of the norms that contradicts a source (a ship of the
flotilla that cannot stem the current, which sailed up the Sungari) is made again
(:func:`_sample_norms`), and so is a draw whose ``movement: motor`` formation has more men than
its vehicles seat (:func:`_seated_overrides`; the job's ``note`` says so). The drawn values travel in the job's ``overrides`` (to a
dask worker too) and hold for that run only. Seeds come from one
``numpy.random.SeedSequence(seed)``, so the same ``seed`` gives the same draws and, because
results are collected in draw order, the same bands on one process or on any dask.distributed
cluster. The quantiles of each
documented row's modeled event time over the draws are computed where rows are scored
(``logistics.history.compare``), with the same scoring as the nominal run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from logistics.errors import ConfigError
from logistics.history.runs import Job, RunTrace, run_jobs
from logistics.history.score import km_at_time

__all__ = [
    "DEMS",
    "MAX_SAMPLES",
    "QUANTILES",
    "draw_jobs",
    "MonteCarlo",
    "run_monte_carlo",
    "advance_bands",
    "one_sided_ranges",
]

#: DEM choices drawn with equal odds (names accepted by ``run_scenario(dem=...)``).
DEMS: tuple[str, ...] = ("merged", "etopo5")

#: The quantiles reported (P10, P50, P90).
QUANTILES: tuple[float, ...] = (0.1, 0.5, 0.9)


#: Most draws of the norms made for one job before giving up on a consistent one (each is
#: independent; at the shipped ranges about one in five fails the flotilla's check).
MAX_NORMS_REDRAWS = 100


def _consistent_norms(draw: dict[str, float], config_dir: Any = None) -> bool:
    """Whether a draw of the norms agrees with what the sources say happened with them: every
    ship of the flotilla stems the current (:func:`logistics.network.ships_stem_current`), with
    the movement norms of the configs folder ``config_dir``."""
    from logistics.army.means_norms import load_means_norms, movement_yaml
    from logistics.network import ships_stem_current
    from logistics.ranges import norms_overrides

    with norms_overrides(draw):
        return ships_stem_current(load_means_norms(movement_yaml(config_dir)).river)


def _sample_norms(norms_seed: int, config_dir: Any = None) -> dict[str, float]:
    """The draw of the norms files of the configs folder ``config_dir``
    (``settings.CONFIG_DIR`` when None) from ``norms_seed``; a draw that contradicts a source
    (:func:`_consistent_norms`) is made again from the next seed of ``norms_seed``'s sequence,
    so a consistent first draw is the one made before this check existed."""
    from logistics.army.norms import norms_dir
    from logistics.ranges import sample_norms_overrides

    norms = norms_dir(config_dir)
    draw = sample_norms_overrides(norms_seed, norms)
    seeds = np.random.SeedSequence(norms_seed).spawn(MAX_NORMS_REDRAWS)
    for child in seeds:
        if _consistent_norms(draw, config_dir):
            return draw
        draw = sample_norms_overrides(int(child.generate_state(1)[0]), norms)
    raise ConfigError(f"Monte Carlo: {MAX_NORMS_REDRAWS} draws of the norms' uncertain: ranges "
                      "in a row leave a ship of the flotilla unable to stem the current "
                      "(river.ship_classes.*.speed_kmh x river.operating_speed_factor <= "
                      "river.current_kmh); fix: ranges in configs/norms/movement.yaml under "
                      "which the flotilla can sail upstream, as it did")


#: Most draws of a job made again because a motor formation's men outnumber its drawn seats
#: (:func:`_seated_overrides`). At the shipped ranges about one draw in eleven of tbf-cmg is
#: (its units: 2,000-4,000 men on 200 trucks of 16-25 men, 9 %) and one in fourteen of
#: 1fef-1rba (its engineers: 5,000 men on 300 trucks, short below 16.7 a truck, 7 %); 100 in
#: a row fail only under ranges where the rule almost never holds.
MAX_SEAT_REDRAWS = 100


def _sample_overrides(scenario: Any, seed: int, norms_seed: int) -> dict[str, float]:
    """The army file's draw, then the norms files' (each from its own seed; the norms' made
    again where it contradicts a source, :func:`_sample_norms`)."""
    from logistics.army import sample_army_overrides

    return {**sample_army_overrides(scenario, seed),
            **_sample_norms(norms_seed, getattr(scenario, "config_dir", None))}


def _seated_overrides(scenario: Any, seed: int, norms_seed: int) -> tuple[dict[str, float], str]:
    """(:func:`_sample_overrides`'s draw, a note). A draw in which a ``movement: motor``
    formation's men outnumber its vehicles' seats (army/seat_draws.py: the army's men and
    counts and the norms' men a vehicle drawn apart) is made again, army and norms, from the
    next seeds of ``(seed, norms_seed)``'s sequence: the draws are the ranges' uniform draw
    conditioned on the seat rule the file as written obeys. A draw that fits is the one made
    before this check; the note (empty then) says how many were made again and why. A
    ``scenario`` that is no loaded army file is drawn once (nothing to seat)."""
    from logistics.army.schema import Army
    from logistics.army.seat_draws import draw_shortfalls, shortfall_note

    draw = _sample_overrides(scenario, seed, norms_seed)
    # a scenario that is no army file (a custom runner's) has no formations to seat
    folder = getattr(scenario, "config_dir", None)  # the norms the army runs on
    short = draw_shortfalls(scenario, draw, folder) if isinstance(scenario, Army) else []
    if not short:
        return draw, ""
    first = shortfall_note(short)
    seeds = np.random.SeedSequence([seed, norms_seed]).spawn(MAX_SEAT_REDRAWS)
    for n, child in enumerate(seeds, 1):
        s_army, s_norms = (int(v) for v in child.generate_state(2))
        draw = _sample_overrides(scenario, s_army, s_norms)
        if not draw_shortfalls(scenario, draw, folder):
            return draw, (f"made again {n} time(s): a `movement: motor` formation had more "
                          f"men than seats ({first} the first time)")
    raise ConfigError(f"{getattr(scenario, 'source', scenario)}: Monte Carlo: "
                      f"{MAX_SEAT_REDRAWS + 1} draws in a row leave a `movement: motor` "
                      f"formation more men than seats ({first} the first time); fix: ranges "
                      "of its men and vehicle counts (uncertain:) and of men a vehicle "
                      "(configs/norms/movement.yaml uncertain: lift.truck, lift.tank_riders) "
                      "under which its men ride its vehicles, or `movement: truck_borne`")


def one_sided_ranges(scenario: Any, config_dir: Any = None, *,
                     norms: bool = True) -> list[tuple[str, float, float, float]]:
    """``(key, value, low, high)`` of each drawn range whose value lies at one of its ends: the
    army file's (``scenario``, a loaded army; None: none) and, with ``norms``, the drawn
    norms' of ``config_dir`` (the same for every army of a folder). Every
    draw moves such a figure one way (the tank column's pace: the one wartime figure at the
    bottom of a range reaching the post-war norm), so the P10-P90 band can lie beside the
    nominal run; the compare page lists them."""
    from pathlib import Path

    from logistics.army.overrides import army_figure_paths
    from logistics.army.schema import Army
    from logistics.ranges import norms_ranges, norms_values

    out = []
    if isinstance(scenario, Army):
        figures = army_figure_paths(scenario)
        for key, r in sorted(scenario.uncertain.items()):
            fig = figures.get(key)
            out.append((key, getattr(fig, "value", None), float(r.low), float(r.high)))
    if norms:
        folder = Path(config_dir) / "norms" if config_dir is not None else None
        values = norms_values(folder)
        out += [(k, values.get(k), lo, hi) for k, (lo, hi) in norms_ranges(folder).items()]
    return [(k, float(v), lo, hi) for k, v, lo, hi in out
            if isinstance(v, (int, float)) and not isinstance(v, bool) and lo < hi
            and (abs(v - lo) <= 1e-9 * max(1.0, abs(lo)) or abs(v - hi) <= 1e-9 * max(1.0, abs(hi)))]


#: Most Monte Carlo draws per axis: each draw is a whole scenario run (seconds to a minute), so
#: 1000 draws of a dozen axes already take hours; the P10-P90 band settles long before.
MAX_SAMPLES = 1000


def draw_jobs(scenario: Any, n: int, *, seed: int = 0, dems: Sequence[str] = DEMS,
              resolution_m: float | None = None) -> list[Job]:
    """``n`` seeded draws of (uncertain figures of the army and norms files, DEM, run seed) for
    one loaded scenario."""
    if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= MAX_SAMPLES:
        raise ConfigError(f"Monte Carlo needs a whole number of samples 1 .. {MAX_SAMPLES}, got "
                          f"{n!r} (each is a whole run; the P10-P90 band settles long before)")
    if not dems:
        raise ConfigError("Monte Carlo needs at least one DEM to draw from (e.g. 'merged')")
    jobs = []
    for child in np.random.SeedSequence(seed).spawn(n):
        # The 4th word seeds the norms: the first three are those of generate_state(3), so the
        # army values, DEM and run seed of a draw are what they were before norms were drawn.
        s_params, s_dem, s_run, s_norms = (int(v) for v in child.generate_state(4))
        dem = dems[int(np.random.default_rng(s_dem).integers(len(dems)))]
        draw, note = _seated_overrides(scenario, s_params, s_norms)
        jobs.append(Job(scenario, draw, dem, s_run, resolution_m, note))
    return jobs


@dataclass(frozen=True)
class MonteCarlo:
    """The draws (``jobs``) and their traces (``runs``), in draw order."""

    jobs: tuple[Job, ...]
    runs: tuple[RunTrace, ...]

    def draws(self) -> pd.DataFrame:
        """One row per draw: dem, run seed, ``note`` (why it was made again, empty when it was
        not: :func:`_seated_overrides`), and each overridden figure's value, one column each
        (army figures by their dotted path, norms figures as ``norms/<file>:<dotted path>``)."""
        return pd.DataFrame([{"draw": i, "dem": j.dem, "seed": j.seed, "note": j.note,
                              **j.overrides} for i, j in enumerate(self.jobs)])


def run_monte_carlo(scenario: Any, n: int, *, seed: int = 0, dems: Sequence[str] = DEMS,
                    resolution_m: float | None = None, runner: Callable[..., Any] | None = None,
                    client: Any = None, progress: bool = False) -> MonteCarlo:
    """Draw ``n`` jobs and run them (on ``client`` when given, see ``runs.run_jobs``)."""
    jobs = draw_jobs(scenario, n, seed=seed, dems=dems, resolution_m=resolution_m)
    runs = run_jobs(jobs, runner=runner, client=client, progress=progress)
    return MonteCarlo(tuple(jobs), tuple(runs))


def advance_bands(runs: Sequence[RunTrace], times: Sequence[pd.Timestamp]) -> pd.DataFrame:
    """P10/P50/P90 of cumulative km at each time: columns ``time, p10_km, p50_km, p90_km``."""
    km = np.array([[km_at_time(r.track, t) for t in times] for r in runs])
    q = np.quantile(km, QUANTILES, axis=0)
    return pd.DataFrame({"time": pd.to_datetime(list(times)), "p10_km": q[0], "p50_km": q[1],
                         "p90_km": q[2]})
