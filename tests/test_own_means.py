"""The army's own crossing means at a crossing site of a ferried river (one N2P pontoon park's
pontoons as ferries, ``river.own_means`` of configs/norms/movement.yaml): the throughput
formula on round hand-made figures, the shipped
figures against the park's sourced ferries, and bad figures refused with one ConfigError.
Who takes a formation across, the brigade or the park: tests/test_ferry_queue.py."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest
import yaml

from logistics import settings
from logistics.errors import ConfigError
from logistics.army.means_norms import OwnMeans, load_means_norms
from logistics.network.river import own_means_t_per_day, own_means_time_h

#: Round figures: 10 pontoons of 10 t, half usable -> 50 t a trip; towing 5 km/h against a
#: 3 km/h current -> 4 km/h across; 1 km wide -> 0.5 h there and back + 0.5 h loading = 1 h a
#: trip; 20 trips a day -> 1,000 t a day.
ROUND = OwnMeans(pontoon_vehicles=10, pontoons_per_vehicle=1, pontoon_buoyancy_t=10.0,
                 usable_share=0.5, width_km=1.0, towing_speed_kmh=5.0, load_unload_h=0.5,
                 hours_per_day=20.0, man_t=0.1, gun_t=1.5)


def test_the_throughput_formula_on_round_figures():
    assert own_means_t_per_day(ROUND, current_kmh=3.0) == pytest.approx(1000.0)
    # 1,000 men (100 t) + 400 t of vehicles + 20 guns (30 t) = 530 t: 0.53 of a day
    assert own_means_time_h(1000, 400.0, 20, means=ROUND, current_kmh=3.0) == \
        pytest.approx(24.0 * 0.53)
    # still water: 5 km/h across, 0.4 + 0.5 = 0.9 h a trip
    assert own_means_t_per_day(ROUND, current_kmh=0.0) == pytest.approx(50.0 * 20.0 / 0.9)
    # half-pontoons on the vehicles halve the payload, and so double the time
    half = OwnMeans(**{**vars(ROUND), "pontoons_per_vehicle": 0.5})
    assert own_means_time_h(1000, 400.0, 20, means=half, current_kmh=3.0) == \
        pytest.approx(2 * 24.0 * 0.53)


def test_bad_loads_and_a_current_the_ferry_cannot_stem_are_refused():
    for men, vt, guns in ((-1, 0.0, 0), (0, math.nan, 0), (0, 0.0, "two"), (True, 0.0, 0)):
        with pytest.raises(ConfigError, match="own means"):
            own_means_time_h(men, vt, guns, means=ROUND, current_kmh=3.0)
    with pytest.raises(ConfigError, match="towing speed"):
        own_means_t_per_day(ROUND, current_kmh=5.0)


def test_the_shipped_park_makes_ferries_the_size_of_n2p_ferries():
    """[N2P]: 89 ZIS-5 a park, 48 of them pontoon vehicles, 34 superstructure, 1 tanker: the
    other 6 are its tugs, so about 6 ferries work at once; each must be a ferry of [N2P]'s
    '16-60 t' (parameters.md §3.4)."""
    m = load_means_norms().river.own_means
    assert m.pontoon_vehicles == 48 and m.pontoon_buoyancy_t == 12.2
    per_trip_t = m.pontoon_vehicles * m.pontoons_per_vehicle * m.pontoon_buoyancy_t * m.usable_share
    assert 16.0 <= per_trip_t / (89 - 48 - 34 - 1) <= 60.0
    # the heaviest vehicle of configs/vehicles (the IS-2, 46 t) fits one such ferry
    from logistics.vehicles import load_vehicle
    assert load_vehicle("is-2").mass_t <= per_trip_t / 6


def _refused(tmp_path: Path, key: str, value) -> str:
    cfg = tmp_path / "configs"
    shutil.copytree(Path(settings.SHIPPED_CONFIG_DIR) / "norms", cfg / "norms")
    p = cfg / "norms" / "movement.yaml"
    data = yaml.safe_load(p.read_text(encoding="utf-8"))
    data["river"]["own_means"][key]["value"] = value
    p.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_means_norms(p)
    msg = str(err.value)
    assert str(p) in msg and f"river.own_means.{key}" in msg and "fix" in msg, msg
    return msg


@pytest.mark.parametrize("key, value, words", [
    ("width_km", 0, "expected a finite number > 0"),
    ("pontoon_buoyancy_t", -12.2, "expected a finite number > 0"),
    ("man_t", "heavy", "expected a finite number > 0"),
    ("usable_share", 1.5, "<= 1"),
    ("hours_per_day", 30, "<= 24"),
    ("towing_speed_kmh", 4, "not above river.current_kmh 5"),
    # a null value (a figure emptied by mistake) is refused, not read as NaN: a NaN payload
    # left every formation to its brigade with no word; a NaN towing speed failed with no file
    ("width_km", None, "expected a finite number > 0"),
    ("towing_speed_kmh", None, "expected a finite number > 0"),
])
def test_a_bad_own_means_figure_is_one_config_error(tmp_path, key, value, words):
    msg = _refused(tmp_path, key, value)
    assert repr(value) in msg or f"{value:g}" in msg, msg
    assert words in msg, msg


def test_a_null_figure_elsewhere_in_the_movement_norms_is_refused_too(tmp_path):
    """The reader's check is one for every figure of the file: a null river.current_kmh
    (pre-existing figure) would otherwise pass as NaN."""
    cfg = tmp_path / "configs"
    shutil.copytree(Path(settings.SHIPPED_CONFIG_DIR) / "norms", cfg / "norms")
    p = cfg / "norms" / "movement.yaml"
    data = yaml.safe_load(p.read_text(encoding="utf-8"))
    data["river"]["current_kmh"]["value"] = None
    p.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"river\.current_kmh: value None, expected a finite"):
        load_means_norms(p)


def test_the_shipped_figures_give_the_throughput_movement_yaml_states():
    """movement.yaml river.own_means's comment works the shipped figures through by hand:
    48 x 1 x 12.2 x 0.5 = 292.8 t a trip, sqrt(10^2 - 5^2) = 8.66 km/h across, 2 x 1.5 / 8.66
    + 1.0 = 1.346 h a trip, 292.8 x 20 / 1.346 = 4,350 t a day; the code must agree."""
    river = load_means_norms().river
    assert river.current_kmh == 5
    assert own_means_t_per_day() == pytest.approx(292.8 * 20 / (3.0 / math.sqrt(75.0) + 1.0))
    assert own_means_t_per_day() == pytest.approx(4350.0, abs=5.0)
