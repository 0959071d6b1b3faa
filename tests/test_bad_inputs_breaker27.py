"""Bad inputs in the configs a user edits less (helper "breaker27"): each ends in one clear error.

A copy of the configs tree (``LOGISTICS_CONFIG_DIR``) whose ``norms/formations.yaml`` gives a
standard a ``march_norm`` that is a list was a TypeError traceback; a standard's ``movement``
or ``on_fortified_region`` misspelt (``fot``, ``bypas``) or of the wrong type, and a ship class
of its ``ships`` that ``movement.yaml`` lacks, were taken as written. ``terrain/
landcover-1945.yaml``: a ``share_region`` or ``railways`` that is no text and a year in words
under ``later_areas_km2`` were tracebacks (TypeError, ValueError), NaN and negative shares
were read. ``fortified-regions.yaml``: a misspelt ``extent.shape`` (``semi_anulus``) drew the
field position as a circle, a misspelt kind under ``rule.*.kinds`` matched no formation, a
breakthrough rate of 1e300 km a day crossed every region at once. ``norms/movement.yaml``: a
re-gauged line that ``network/lines-1945.yaml`` lacks and a navigable river level WDBII has not
matched nothing. ``network/lines-1945.yaml``: ``unverified: maybe`` (or ``1``, ``.nan``) was
read as true.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from logistics import settings
from logistics.errors import ConfigError

from tests.conftest import configs_refused as _refused
from tests.conftest import configs_tree_edited as _tree

SHIPPED = Path(settings.SHIPPED_CONFIG_DIR)




# --- norms/formations.yaml: a standard's words ----------------------------------------------

@pytest.mark.parametrize("old, new, words", [
    ("    march_norm: foot_column\n", "    march_norm: [foot_column]\n",
     ("standards.rifle_division.march_norm", "['foot_column']")),
    ("    movement: foot\n", "    movement: fot\n",
     ("standards.rifle_division.movement", "'fot'", "did you mean 'foot'")),
    ("    movement: foot\n", "    movement: [foot]\n", ("standards.rifle_division.movement",)),
    ("    on_fortified_region: assault\n", "    on_fortified_region: asault\n",
     ("standards.rifle_division.on_fortified_region", "'asault'", "besiege")),
    ("      - class: monitor-shkval\n", "      - class: monitor-shkwal\n",
     ("standards.river_ship_brigade.ships.0.class", "'monitor-shkwal'", "river.ship_classes")),
    ("      - class: monitor-shkval\n", "      - 7\n      - class: monitor-shkval\n",
     ("standards.river_ship_brigade.ships",)),
])
def test_a_standards_words_are_checked(tmp_path, old, new, words):
    from logistics.army.norms import load_norms

    d = _tree(tmp_path, "norms/formations.yaml", old, new)
    _refused(load_norms, d, "norms/formations.yaml", *words)


# --- terrain/landcover-1945.yaml ------------------------------------------------------------

@pytest.mark.parametrize("old, new, words", [
    ("share_region: heilongjiang", "share_region: {a: 1}", ("forest.share_region",)),
    ("railways: ../network/railways-1945.osm", "railways: 123", ("forest.railways", "123")),
    ("{1986: 13893, 2005: 8100}", "{nineteen-86: 13893}", ("marsh.later_areas_km2",)),
    ("sourced_share_pct: [33.6, 70.0]", "sourced_share_pct: [.nan, 70.0]",
     ("forest.sourced_share_pct",)),
    ("target_share_pct: [52.0, 57.4]", "target_share_pct: [-1, 57.4]",
     ("forest.target_share_pct",)),
    ("river_levels: [0, 1, 2, 3, 4]", "river_levels: [true, 1]", ("marsh.river_levels",)),
])
def test_the_landcover_rule_refuses_what_it_cannot_read(tmp_path, old, new, words):
    from logistics.terrain.landcover1945 import load_landcover_1945

    d = _tree(tmp_path, "terrain/landcover-1945.yaml", old, new)
    with pytest.raises(ConfigError) as err:
        load_landcover_1945(config_dir=d)
    msg = str(err.value)
    assert "landcover-1945.yaml" in msg and all(w in msg for w in words), msg


# --- fortified-regions.yaml -----------------------------------------------------------------

@pytest.mark.parametrize("old, new, words", [
    ("shape: semi_annulus", "shape: semi_anulus",
     ("extent.shape", "did you mean 'semi_annulus'")),
    ("kinds: [forward_detachment, corps_forward_detachment, tank_brigade",
     "kinds: [forward_detachment, corps_forward_detachment, tank_brigad",
     ("rule.bypass.kinds", "'tank_brigad'", "did you mean 'tank_brigade'")),
    ("kinds: [rifle_division]", "kinds: [rifle_divison]", ("rule.detach.kinds",)),
])
def test_the_fortified_layer_refuses_unknown_words(tmp_path, old, new, words):
    from logistics.army.fortified import load_fortified

    d = _tree(tmp_path, "fortified-regions.yaml", old, new)
    _refused(load_fortified, d, "fortified-regions.yaml", *words)


def test_a_breakthrough_rate_beyond_any_march_is_refused(tmp_path):
    import yaml

    from logistics.army.fortified import load_fortified

    text = (SHIPPED / "fortified-regions.yaml").read_text(encoding="utf-8")
    node = yaml.compose(text)
    rule = next(v for k, v in node.value if k.value == "rule")
    bt = next(v for k, v in rule.value if k.value == "breakthrough")
    rate = next(v for k, v in bt.value if k.value == "rate_km_per_day")
    value = next(v for k, v in rate.value if k.value == "value")
    d = tmp_path / "configs"
    shutil.copytree(SHIPPED, d, ignore=shutil.ignore_patterns("*.png", "*.md"))
    (d / "fortified-regions.yaml").write_text(
        text[:value.start_mark.index] + "1e300" + text[value.end_mark.index:], encoding="utf-8")
    _refused(load_fortified, d, "fortified-regions.yaml", "rule.breakthrough.rate_km_per_day",
             "at most 5000", "beyond any march")


def test_the_shipped_rule_kinds_are_known():
    from logistics.army.fortified import load_fortified

    assert "tank_corps" in load_fortified(SHIPPED).rule.bypass_kinds


# --- norms/movement.yaml: references to the lines and rivers --------------------------------

@pytest.mark.parametrize("old, new, words", [
    ("value: [R01, R02]", "value: [R01, R2]",
     ("rail.gauge.regauged_lines", "'R2'", "lines-1945.yaml")),
    ("value: [0, 1, 2]", "value: [0, 1, 12]", ("river.navigable_levels", "[12]")),
])
def test_movement_norms_name_lines_and_levels_that_exist(tmp_path, old, new, words):
    from logistics.army.means_norms import load_means_norms

    d = _tree(tmp_path, "norms/movement.yaml", old, new)
    with pytest.raises(ConfigError) as err:
        load_means_norms(d / "norms" / "movement.yaml")
    msg = str(err.value)
    assert str(d / "norms" / "movement.yaml") in msg and "fix" in msg, msg
    assert all(w in msg for w in words), msg


# --- network/lines-1945.yaml ----------------------------------------------------------------

@pytest.mark.parametrize("flag", ["maybe", "1", ".nan", "'false'"])
def test_a_lines_unverified_mark_is_true_or_false(tmp_path, flag):
    from logistics.network.params import load_lines

    text = (SHIPPED / "network" / "lines-1945.yaml").read_text(encoding="utf-8")
    i = text.index("\nR01:")
    j = text.index("  unverified: ", i)
    k = text.index("\n", j)
    (tmp_path / "lines-1945.yaml").write_text(text[:j] + f"  unverified: {flag}" + text[k:],
                                              encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_lines(tmp_path / "lines-1945.yaml")
    msg = str(err.value)
    assert "R01.unverified" in msg and "true or false" in msg, msg


# --- a norms file's optional section misspelt -------------------------------------------------

@pytest.mark.parametrize("rel, old, new", [
    ("norms/march.yaml", "\nobserved:\n", "\nobserverd:\n"),
    ("norms/march.yaml", "\ndismount:\n", "\ndismout:\n"),
    ("norms/formations.yaml", "\nuncertain:\n", "\nuncertian:\n"),
    ("norms/movement.yaml", "\nuncertain:\n", "\nuncertan:\n"),
])
def test_a_norms_files_misspelt_section_is_refused(tmp_path, rel, old, new):
    # the observed caps, the dismount rule or the Monte Carlo ranges were silently off
    from logistics.army.norms import load_norms

    d = _tree(tmp_path, rel, old, new)
    msg = _refused(load_norms, d, rel, "not a top-level key", new.strip().rstrip(":"))
    assert "did you mean" in msg, msg


# --- sources.yaml: a source's urls ----------------------------------------------------------

@pytest.mark.parametrize("urls", ["5", '"francispike.org/main.php?mode=7&p1=O8"', "{a: 1}"])
def test_a_sources_urls_are_a_list(tmp_path, urls):
    # a number was a TypeError traceback after the whole run (the references of report.md);
    # a text was printed as its first letter
    from logistics.sources import load_bibliography

    old = '    urls: ["francispike.org/main.php?mode=7&p1=O8"]'
    d = _tree(tmp_path, "sources.yaml", old, f"    urls: {urls}")
    _refused(lambda d: load_bibliography(config_dir=d), d, "sources.yaml", ".urls",
             "list of addresses")


# --- an uncertain: range reaching past what its figure may be --------------------------------

@pytest.mark.parametrize("rel, old, new, words", [
    ("norms/march.yaml", "norms.tank_column.max_speed_kmh: {low: 6.6, high: 22.5,",
     "norms.tank_column.max_speed_kmh: {low: -1, high: 22.5,",
     ("uncertain.norms.tank_column.max_speed_kmh", "[0.1, 150]")),
    ("norms/march.yaml", "norms.tank_column.march_hours_per_day: {low: 10, high: 20,",
     "norms.tank_column.march_hours_per_day: {low: 10, high: 1e300,",
     ("uncertain.norms.tank_column.march_hours_per_day", "(0, 24]")),  # above 0: breaker35
    ("norms/movement.yaml", "river.current_kmh: {low: 3, high: 8,",
     "river.current_kmh: {low: -1, high: 8,", ("uncertain.river.current_kmh", "[0, 50]")),
])
def test_an_uncertain_range_beyond_its_figures_bounds_is_refused(tmp_path, rel, old, new, words):
    # a draw there failed only inside a Monte Carlo run, after the nominal runs
    from logistics.army.norms import load_norms

    d = _tree(tmp_path, rel, old, new)
    _refused(load_norms, d, rel, "Monte Carlo draw", *words)


def test_a_pointers_key_that_is_no_text_is_refused(tmp_path):
    # a list among a pointer's keys was a TypeError (unhashable) out of every loader
    from logistics.sources import load_bibliography

    old = '  "[SEED-000]": {keys: [PIKE-SEED000]}'
    d = _tree(tmp_path, "sources.yaml", old, '  "[SEED-000]": {keys: [[PIKE-SEED000]]}')
    _refused(lambda d: load_bibliography(config_dir=d), d, "sources.yaml", "pointers.[SEED-000]")


@pytest.mark.parametrize("old, new, words", [
    ("  max_access_km:\n    value: 10\n", "  max_access_km:\n    value: 1e300\n",
     ("river.max_access_km", "<= 3000")),
    ("    men_per_day:\n      value: 1500\n", "    men_per_day:\n      value: 1e300\n",
     ("river.ferrying.men_per_day", "<= 1e+06")),
])
def test_movement_norms_bound_a_figure_beyond_the_theatre(tmp_path, old, new, words):
    # a river move then served every place of the theatre, with no word
    from logistics.army.means_norms import load_means_norms

    d = _tree(tmp_path, "norms/movement.yaml", old, new)
    with pytest.raises(ConfigError) as err:
        load_means_norms(d / "norms" / "movement.yaml")
    assert all(w in str(err.value) for w in words), str(err.value)


# --- a march norm's day cap of 0 --------------------------------------------------------------

def test_a_march_norms_day_cap_of_zero_is_refused_not_taken_as_no_cap(tmp_path):
    # `max_km_per_day: 0` was read as "no cap" (0 or inf): a column capped at nothing marched
    # unbounded; no cap is said by leaving the figure out
    from logistics.army.norms import load_norms

    rel = "norms/march.yaml"
    d = _tree(tmp_path, rel, "    max_km_per_day:\n      value: 200\n",
              "    max_km_per_day:\n      value: 0\n")
    _refused(load_norms, d, rel, "max_km_per_day", "[1, 5000]", "got 0")
