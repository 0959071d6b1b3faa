"""The Monte Carlo draws the norms files' ``uncertain:`` ranges too (configs/norms/*.yaml), and a
draw's norm values change that draw's run only.

A drawn norm value is an override keyed by its file (``norms/march:norms.tank_column.
max_speed_kmh``); it travels in the job and holds inside ``run_scenario`` for that run alone.
The ranges and values these tests expect are read from the YAML files here, with plain
``yaml``, not through the code under test.
"""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from logistics import settings
from logistics.errors import ConfigError

SPEED = "norms/march:norms.tank_column.max_speed_kmh"
#: The files drawn: march and movement norms (formations.yaml's standards are not drawn, see
#: logistics/ranges.py DRAWN_NORMS).
_FILES = {"norms/march": "march.yaml", "norms/movement": "movement.yaml"}


def _yaml(name: str) -> dict:
    return yaml.safe_load((settings.CONFIG_DIR / "norms" / name).read_text(encoding="utf-8"))


def _shipped_ranges() -> dict[str, tuple[float, float]]:
    """Every norms ``uncertain:`` range, read from the files by hand."""
    out = {}
    for prefix, name in _FILES.items():
        for key, e in (_yaml(name).get("uncertain") or {}).items():
            out[f"{prefix}:{key}"] = (float(e["low"]), float(e["high"]))
    return out


@pytest.fixture(scope="module")
def sc(toy):
    return toy.Scenario("T", uncertain={"speed_scale": toy.Range(0.5, 1.5)}, fuel_km=500.0)


# ------------------------------------------------------------------------------------------
# (1) the draws: every range, uniform within it, seeded


def test_each_draw_takes_every_norms_range_within_its_ends(sc):
    from logistics.history.uncertainty import draw_jobs

    ranges = _shipped_ranges()
    assert SPEED in ranges and len(ranges) > 30
    jobs = draw_jobs(sc, 3, seed=11)
    for j in jobs:
        drawn = {k: v for k, v in j.overrides.items() if k.startswith("norms/")}
        assert set(drawn) == set(ranges)
        assert not any(k.startswith("norms/formations:") for k in drawn)
        for k, v in drawn.items():
            lo, hi = ranges[k]
            assert lo <= v <= hi, k
    # three draws of a continuous range are distinct
    assert len({j.overrides[SPEED] for j in jobs}) == 3


def test_norms_draws_are_deterministic_by_seed_and_differ_between_seeds(sc):
    from logistics.history.uncertainty import draw_jobs, MonteCarlo

    a, b, c = (draw_jobs(sc, 3, seed=s) for s in (5, 5, 6))
    assert a == b
    assert [j.overrides[SPEED] for j in a] != [j.overrides[SPEED] for j in c]
    table = MonteCarlo(tuple(a), ()).draws()
    assert SPEED in table.columns  # each drawn norm value in its own column
    assert table[SPEED].tolist() == [j.overrides[SPEED] for j in a]


def test_drawing_the_norms_leaves_the_army_draws_as_they_were(sc):
    """The army values, DEM and run seed of a draw come from the first three words of its
    seed stream, as before the norms were drawn (the norms take a fourth)."""
    from logistics.army import sample_army_overrides
    from logistics.history.uncertainty import draw_jobs

    jobs = draw_jobs(sc, 2, seed=9)
    for child, job in zip(np.random.SeedSequence(9).spawn(2), jobs):
        s_params, _, s_run = (int(v) for v in child.generate_state(3))
        assert job.seed == s_run
        assert job.overrides["speed_scale"] == sample_army_overrides(sc, s_params)["speed_scale"]


def test_draws_travel_with_the_job_to_a_cluster(toy, sc):
    """The same seed gives the same draws table on one process and on dask workers."""
    import pandas as pd

    from logistics.cost.cluster import get_client
    from logistics.history.uncertainty import run_monte_carlo

    local = run_monte_carlo(sc, 2, seed=3, runner=toy.runner)
    with get_client(n_workers=2, processes=False) as client:
        dist = run_monte_carlo(sc, 2, seed=3, runner=toy.runner, client=client)
    pd.testing.assert_frame_equal(local.draws(), dist.draws())


# ------------------------------------------------------------------------------------------
# (3) no override: the norms as the files say; (4) an override naming no figure


def test_without_overrides_the_norms_are_the_files(monkeypatch):
    from logistics.army.norms import load_norms
    from logistics.army.means_norms import load_means_norms
    from logistics.ranges import norms_overrides

    march = _yaml("march.yaml")
    nominal = load_norms()
    assert nominal.march["tank_column"].max_speed_kmh == march["norms"]["tank_column"][
        "max_speed_kmh"]["value"]
    with norms_overrides({SPEED: 20.0, "speed_scale": 1.2}) as rest:
        assert rest == {"speed_scale": 1.2}
        assert load_norms().march["tank_column"].max_speed_kmh == 20.0
    # after the block (and outside any run), the files' values again, the same object
    after = load_norms()
    assert after is nominal
    assert after.march["tank_column"].max_speed_kmh == march["norms"]["tank_column"][
        "max_speed_kmh"]["value"]
    move = _yaml("movement.yaml")
    with norms_overrides({"norms/movement:rail.railhead_advance.delay_days": 3.0}):
        assert load_means_norms().rail.delay_h == pytest.approx(72.0)
    assert load_means_norms().rail.delay_h == pytest.approx(
        24.0 * move["rail"]["railhead_advance"]["delay_days"]["value"])


def test_an_integer_figure_takes_the_rounded_draw():
    from logistics.army.norms import load_norms
    from logistics.ranges import norms_overrides

    with norms_overrides({"norms/formations:standards.rifle_division.men": 8123.6}):
        assert load_norms().standards["rifle_division"].men == 8124


@pytest.mark.parametrize("key, words", [
    ("norms/march:norms.tank_column.no_such_figure", ("march.yaml", "no_such_figure",
                                                      "names no figure")),
    ("norms/march:norms.tank_column", ("march.yaml", "names no figure")),
    ("norms/marsh:norms.tank_column.max_speed_kmh", ("not a norms figure", "norms/march")),
])
def test_a_norms_override_naming_no_figure_is_a_config_error(key, words):
    from logistics.army.norms import load_norms
    from logistics.ranges import norms_overrides

    with pytest.raises(ConfigError) as err:
        with norms_overrides({key: 10.0}):
            load_norms()
    for w in words:
        assert w in str(err.value)


def test_run_scenario_refuses_a_bad_norms_override_before_running():
    from logistics.runner import run_scenario

    with pytest.raises(ConfigError, match="names no figure"):
        run_scenario(settings.CONFIG_DIR / "tbf-6gta.yaml",
                     overrides={"norms/movement:rail.no_such.delay_days": 2.0})


# ------------------------------------------------------------------------------------------
# (2) a drawn norm value changes the run


@pytest.mark.slow
def test_a_lower_drawn_tank_column_speed_gives_fewer_km(tmp_path, box_terrain, test_army_doc):
    """One tank column on flat dry steppe (``test_army_doc.tank_column``): its pace is its march
    norm's, so a lower drawn norm speed makes a shorter first day."""
    from logistics.advance.plan import army_bbox
    from logistics.army.load import load_army
    from logistics.army.norms import load_norms
    from logistics.runner import run_scenario

    path = tmp_path / "army.yaml"
    path.write_text(yaml.safe_dump(test_army_doc([test_army_doc.tank_column((122.5, 46.7))]), allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    army = load_army(path)
    terrain = box_terrain(army_bbox(army), 10000.0)
    lo, hi = _shipped_ranges()[SPEED]

    def first_day_km(overrides):
        r = run_scenario(army, terrain=terrain, overrides=overrides)
        d = r.daily[r.daily["formation_id"] == "tank-col"].reset_index(drop=True)
        return float(d["km_day"].iloc[0])

    slow, fast = first_day_km({SPEED: lo}), first_day_km({SPEED: hi})
    nominal = first_day_km(None)
    assert slow < fast
    # the file's value lies in its range, and so does the day it gives; the runs left no trace
    value = _yaml("march.yaml")["norms"]["tank_column"]["max_speed_kmh"]["value"]
    assert slow - 1e-9 <= nominal <= fast + 1e-9
    assert load_norms().march["tank_column"].max_speed_kmh == value


def _norm_value(prefix: str, key: str) -> float:
    node = _yaml(_FILES[prefix])
    for part in key.split("."):
        node = node[int(part)] if isinstance(node, list) else node[part]
    return float(node["value"])


@pytest.mark.parametrize("key", sorted(_shipped_ranges()))
def test_every_drawn_norms_range_reaches_what_the_engine_reads(key):
    """A range the Monte Carlo draws must change what the engine reads (the march and movement
    norms of ``load_norms``, the rail and river figures of ``load_means_norms``): a draw of a
    figure nobody reads would widen nothing and still be listed in draws.csv as if it did."""
    from logistics.army.norms import load_norms
    from logistics.army.means_norms import load_means_norms
    from logistics.ranges import norms_overrides

    lo, hi = _shipped_ranges()[key]
    prefix, dotted = key.split(":", 1)
    nominal = _norm_value(prefix, dotted)
    value = lo if abs(lo - nominal) > abs(hi - nominal) else hi
    assert value != nominal, key
    base = (load_norms(), load_means_norms())
    with norms_overrides({key: value}):
        drawn = (load_norms(), load_means_norms())
    assert drawn != base, f"{key}: drawn to {value} (nominal {nominal}) but nothing read changes"


def test_a_norms_draw_in_which_a_ship_cannot_stem_the_current_is_made_again():
    """The flotilla sailed up the Sungari ([SHIROKORAD-JP] Fujin 70 km above its mouth): a draw
    of the assumed ship speed, operating factor and current leaving a ship unable to make
    headway upstream contradicts that, and ran into a ConfigError in 2FEF-15A's plan (about one
    draw in five). Such a draw is made again, deterministically; a consistent first draw is
    kept as it was."""
    import numpy as np

    from logistics.history.uncertainty import _consistent_norms, _sample_norms
    from logistics.network import ships_stem_current
    from logistics.army.means_norms import load_means_norms
    from logistics.ranges import norms_overrides, sample_norms_overrides

    assert ships_stem_current()  # the shipped values: the slowest ship 15 x 0.5 > 5 km/h
    key = "norms/movement:river.operating_speed_factor"
    with norms_overrides({key: 0.3, "norms/movement:river.current_kmh": 8.0}):
        assert not ships_stem_current(load_means_norms().river)  # 15 x 0.3 = 4.5 <= 8
    seen_bad = 0
    for i in range(60):
        seed = int(np.random.SeedSequence(i).generate_state(1)[0])
        first = sample_norms_overrides(seed)
        draw = _sample_norms(seed)
        assert _consistent_norms(draw)
        assert draw == _sample_norms(seed)  # deterministic
        if _consistent_norms(first):
            assert draw == first
        else:
            seen_bad += 1
            assert draw != first
    assert seen_bad > 0  # the shipped ranges do produce such draws: the check is exercised
