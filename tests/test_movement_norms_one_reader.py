"""The rail and river figures of ``configs/norms/movement.yaml`` are read and checked in one place,
:func:`logistics.army.means_norms.load_means_norms`; the army's norms (``load_norms``) hold that
reading (``Norms.means``) instead of reading the same figures a second time with other bounds.

Each figure keeps the stricter of the two former readers' bounds (network/norms.py and
army/norms.py ``_movement``), so a value only one of them refused is refused by both ways in.
"""

from __future__ import annotations

import pytest

from logistics.errors import ConfigError


def _set(dotted: str, value):
    """A change writing ``value`` as the figure ``dotted``'s value."""
    def change(data):
        node = data
        for part in dotted.split("."):
            node = node[part]
        node["value"] = value
    return change


def test_load_norms_takes_the_rail_and_river_figures_of_its_own_folder(tmp_path, norms_with):
    """A copied configs folder's movement.yaml, not the shipped one, gives the run's current
    and railhead delay (shipped: 5 km/h, 2 days)."""
    from logistics.army.means_norms import load_means_norms
    from logistics.army.norms import load_norms

    def change(data):
        _set("river.current_kmh", 4)(data)
        _set("rail.railhead_advance.delay_days", 3)(data)

    folder = norms_with(tmp_path, "movement.yaml", change)
    means = load_norms(tmp_path).means
    assert (means.river.current_kmh, means.rail.delay_h) == (4.0, 72.0)
    assert means.path == str((folder / "movement.yaml").resolve())
    assert means == load_means_norms((folder / "movement.yaml").resolve())
    shipped = load_norms().means
    assert (shipped.river.current_kmh, shipped.rail.delay_h) == (5.0, 48.0)
    assert shipped.river.ships["gunboat"].draught_m == 1.5  # read by the one reader too


def test_a_drawn_value_reaches_the_army_norms_and_the_moves_alike():
    """A Monte Carlo draw of a river figure patches the one reading both use."""
    from logistics.army.means_norms import load_means_norms
    from logistics.army.norms import load_norms
    from logistics.ranges import norms_overrides

    with norms_overrides({"norms/movement:river.current_kmh": 7.0}):
        assert load_norms().means.river.current_kmh == 7.0
        assert load_means_norms().river.current_kmh == 7.0
    assert load_norms().means.river.current_kmh == 5.0


# (key, value, bound named): each a value one former reader let pass
BAD = [
    ("river.current_kmh", 60, "<= 50"),                               # network: >= 0 only
    ("river.operating_speed_factor", 0.001, ">= 0.01"),               # network: > 0
    ("river.ship_classes.gunboat.speed_kmh", 0.05, ">= 0.1"),         # network: > 0
    ("river.ship_classes.gunboat.speed_kmh", 250, "<= 200"),          # network: no upper
    ("river.ship_classes.gunboat.draught_m", 25, "<= 20"),            # network: not read
    ("river.ship_classes.gunboat.troops", 20_000, "<= 10000"),        # network: no upper
    ("river.ship_classes.bk-1125.range_km", 0, ">= 1"),               # read since s22
    ("river.ferrying.men_per_day", 0.5, ">= 1"),                      # network: > 0
    ("river.ferrying.guns_per_day", 0.001, ">= 0.01"),                # network: > 0
    ("river.sailing_hours_per_day", 30, "<= 24"),                     # more than a day
    ("river.sailing_hours_per_day", 0.5, ">= 1"),
    ("rail.railhead_advance.delay_days", 400, "<= 365"),              # network: no upper
    ("rail.railhead_advance.restore_km_per_day", 0, "> 0"),           # army: >= 0
    ("rail.gauge.transshipment_h", 1000, "<= 720"),                   # network: no upper
    # a troop lift that is no number was a ValueError (int of NaN), not a ConfigError
    ("river.ship_classes.gunboat.troops", "many", ">= 0 and <= 10000"),
]


@pytest.mark.parametrize("key, value, bound", BAD)
def test_a_bad_rail_or_river_figure_is_one_config_error_both_ways_in(tmp_path, norms_with, key,
                                                                    value, bound):
    from logistics.army.means_norms import load_means_norms
    from logistics.army.norms import load_norms

    folder = norms_with(tmp_path, "movement.yaml", _set(key, value))
    path = folder / "movement.yaml"
    with pytest.raises(ConfigError) as err:
        load_means_norms(path)
    msg = str(err.value)
    assert [w for w in (str(path), f"{key}: value {value!r}", bound, "expected") if w not in msg] \
        == [], msg
    # through the army's norms: one ConfigError naming the file, the key and the value (a
    # figure with an uncertain: range is named first as outside it, with its fix)
    with pytest.raises(ConfigError) as err:
        load_norms(tmp_path)
    msg = str(err.value)
    assert [w for w in (str(path.resolve()), key, str(value), "fix") if w not in msg] == [], msg


def test_a_ship_range_is_read_where_a_source_gives_it():
    """bk-1125's sourced range (250 nm at 15 kn = 463 km, [KCHF-BK]) is read; a class
    without one has None (no range assumed)."""
    from logistics.army.means_norms import load_means_norms

    ships = load_means_norms().river.ships
    assert ships["bk-1125"].range_km == pytest.approx(463.0)
    assert ships["monitor-shkval"].range_km is None and ships["bk-1124"].range_km is None
