"""A configs folder given to a check or a plan (``config_dir``) is the one read: each reader of
a file under ``configs/`` takes it, not ``settings.CONFIG_DIR`` behind its caller's back.
(The embankment speeds of ``norms/march.yaml``: tests/test_embankment.py.)"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from logistics import settings
from logistics.army.checks import check_army
from logistics.army.load import load_army
from logistics.errors import ConfigError


def _configs_copy(tmp_path: Path) -> Path:
    cfg = tmp_path / "configs"
    shutil.copytree(settings.SHIPPED_CONFIG_DIR, cfg)
    return cfg


def test_railheads_are_checked_against_the_station_list_of_the_given_folder(tmp_path):
    # check_army(army, config_dir) read the norms and fortified regions of config_dir but the
    # station list of settings.CONFIG_DIR: a folder without line R23b passed the 25th Army's
    # railhead on it
    cfg = _configs_copy(tmp_path)
    stations = cfg / "network" / "stations-1945.csv"
    lines = stations.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [ln for ln in lines if not ln.startswith("R23b,")]
    assert len(kept) < len(lines), "premise: the shipped list has line R23b"
    stations.write_text("".join(kept), encoding="utf-8")
    army = load_army(settings.SHIPPED_CONFIG_DIR / "1fef-25a.yaml")  # checked on the shipped
    assert any(r.line == "R23b" for r in army.supply.rail.railheads)
    with pytest.raises(ConfigError, match=r"railheads\.\d+ \(.*\)\.line: 'R23b' is no line") as e:
        check_army(army, config_dir=cfg)
    assert str(stations) in str(e.value)  # the message names the list it read, not the shipped one
    check_army(army)  # the shipped list has it


def _edit(path: Path, old: str, new: str) -> None:
    """Replace the one ``old`` of ``path`` by ``new`` (the premise: it is there once)."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"premise: {old!r} once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def _tank_army(tmp_path: Path, test_army_doc):
    """A column of ten T-34-85 on the 6th Guards Tank Army's front (conftest), loaded."""
    import yaml

    doc = test_army_doc([test_army_doc.tank_column((119.0, 46.8))])
    path = tmp_path / "army.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_army(path)


def test_a_plan_reads_the_vehicles_of_its_configs_folder(tmp_path, box_terrain, test_army_doc):
    # build_army_plan(config_dir=X) read X's norms but the vehicle files of
    # settings.CONFIG_DIR: a copied folder's T-34-85 with a bigger tank was never seen
    from logistics.advance.plan import army_bbox, build_army_plan

    cfg = _configs_copy(tmp_path)
    _edit(cfg / "vehicles" / "t-34-85.yaml", "tank_l:\n  value: 630\n", "tank_l:\n  value: 700\n")
    army = _tank_army(tmp_path, test_army_doc)
    terrain = box_terrain(army_bbox(army), 5000.0)

    def tank_l(**kw) -> float:
        plan, _ = build_army_plan(army, terrain, **kw)
        fp = plan.formation("tank-col")
        return float(fp.tank_l[fp.class_ids.index("t-34-85")])

    assert tank_l(config_dir=cfg) == 700.0
    assert tank_l() == 630.0  # the shipped file's


def test_the_means_planners_read_the_movement_norms_and_vehicles_of_their_folder(tmp_path):
    # ferry_time and own_means_time read settings.CONFIG_DIR's movement.yaml and vehicles
    # whatever folder the plan was given
    from types import SimpleNamespace

    from logistics.advance.means import means_options

    cfg = _configs_copy(tmp_path)
    _edit(cfg / "norms" / "movement.yaml", "men_per_day:\n      value: 1500\n",
          "men_per_day:\n      value: 3000\n")
    _edit(cfg / "vehicles" / "studebaker-us6.yaml", "mass_t:\n  value: ", "mass_t:\n  value: 2")
    army = SimpleNamespace(supply=SimpleNamespace(rail=None))
    mine, shipped = means_options(army, config_dir=cfg), means_options(army)
    # 6000 men at 1500 a day take four days ([SHIROKORAD-RK]'s Ussuri figure), at 3000 two
    assert shipped["ferry_time"](6000, 0) == pytest.approx(96.0)
    assert mine["ferry_time"](6000, 0) == pytest.approx(48.0)
    # a heavier truck (its mass_t with a 2 in front) takes the site's own means longer
    trucks = (("studebaker-us6", 100),)
    assert mine["own_means_time"](1000, trucks) > shipped["own_means_time"](1000, trucks)
    assert mine["own_means_time"](1000, ()) == pytest.approx(shipped["own_means_time"](1000, ()))


def test_a_plan_refuses_means_planners_of_another_configs_folder(tmp_path):
    from types import SimpleNamespace

    from logistics.advance.means import means_options
    from logistics.advance.plan import PlanOptions, build_army_plan
    from logistics.cost.models import CostModels

    army = SimpleNamespace(supply=SimpleNamespace(rail=None))
    with pytest.raises(ConfigError, match=r"options\.river_planner .*means_options\(army, "
                                          r"config_dir="):
        build_army_plan(None, None, options=PlanOptions(**means_options(army)),
                        models=CostModels(tmp_path), config_dir=tmp_path)


@pytest.mark.parametrize("axis", ["2fef-15a", "2fef-2rba", "tbf-36a"])
def test_a_plan_and_its_run_read_nothing_of_settings_config_dir(tmp_path, monkeypatch, axis):
    # every file under configs/ a plan reads (vehicles, norms, fortified regions, railways and
    # their routing parameters, river norms: the 15th Army has a river move and a flotilla that
    # ferries, the 2nd Red Banner Army a flotilla that ferries and a railhead off the network
    # (Blagoveshchensk: the report says why it never moves), the 36th Army railheads on it)
    # and its step loop reads (moving railheads) comes from the folder given, not
    # settings.CONFIG_DIR, which points nowhere here (and so does the shipped folder, the
    # railways' fallback)
    from logistics.advance.means import means_options
    from logistics.advance.plan import PlanOptions, army_bbox, build_army_plan
    from logistics.advance.simulate import simulate_army
    from logistics.cost.models import CostModels
    from logistics.terrain import load_terrain

    cfg = _configs_copy(tmp_path)
    army = load_army(settings.SHIPPED_CONFIG_DIR / f"{axis}.yaml")  # checked on the shipped
    terrain = load_terrain(army_bbox(army), resolution_m=5000.0)
    monkeypatch.setattr(settings, "CONFIG_DIR", tmp_path / "nowhere")
    monkeypatch.setattr(settings, "SHIPPED_CONFIG_DIR", tmp_path / "nowhere")
    plan, extras = build_army_plan(army, terrain,
                                   options=PlanOptions(**means_options(army, config_dir=cfg)),
                                   models=CostModels(cfg), config_dir=cfg)
    if axis != "tbf-36a":  # premise: the flotilla ferries (ferry_time, own_means_time)
        assert plan.ferry_brigades
    if axis == "2fef-15a":  # premise: a river move (river_planner)
        assert any(f.timetable is not None for f in plan.formations)
    elif axis == "2fef-2rba":  # premise: a railhead off the network (off_network_notes)
        assert plan.rail is None and any("not joined to the army's railway" in n
                                         for n in plan.notes)
    else:  # premise: its railway moves its railheads (ArmyRail)
        assert plan.rail is not None and plan.truck_leg_at is not None
    sim = simulate_army(plan, seed=0, rule=extras["fortified"].rule)
    assert len(sim.tracks)


def test_vehicles_are_checked_against_the_vehicle_files_of_the_given_folder(tmp_path):
    # check_army(army, config_dir) read the norms of config_dir but the vehicle files of
    # settings.CONFIG_DIR: a copied T-34-85 without a tank passed
    cfg = _configs_copy(tmp_path)
    path = cfg / "vehicles" / "t-34-85.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("tank_l:\n")
    end = text.index("\n", text.index("quote:", start)) + 1
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    army = load_army(settings.SHIPPED_CONFIG_DIR / "tbf-6gta.yaml")  # checked on the shipped
    with pytest.raises(ConfigError, match=r"vehicle 't-34-85' has "):
        check_army(army, config_dir=cfg)
    check_army(army)  # the shipped T-34-85 has its tank


def _copied_vehicle(cfg: Path, new_id: str, name: str) -> None:
    """A vehicle ``new_id`` in ``cfg``'s vehicles only: the shipped T-34-85's file under its own
    id, name and no aliases (names are unique across a folder)."""
    text = (cfg / "vehicles" / "t-34-85.yaml").read_text(encoding="utf-8")
    text = text.replace("name: T-34-85\naliases: [T-34, T34, T-34/85, T3485]\n",
                        f"name: {name}\naliases: []\n")
    assert f"name: {name}\n" in text, "premise: the shipped file's name and aliases"
    (cfg / "vehicles" / f"{new_id}.yaml").write_text(text, encoding="utf-8")


def _army_file(tmp_path: Path, test_army_doc, vehicle: str) -> Path:
    """The test tank column's army file with ``vehicle`` (a tank) for its T-34-85s."""
    import yaml

    doc = test_army_doc([test_army_doc.tank_column((119.0, 46.8))])
    doc["formations"][0]["vehicles"][0]["vehicle"] = vehicle
    extra = doc["fuel"].get("extra_fuel_l") or {}
    if "t-34-85" in extra:  # the external tanks go with the tank they belong to
        extra[vehicle] = extra.pop("t-34-85")
    path = tmp_path / f"army-{vehicle}.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_an_army_is_loaded_against_the_vehicles_of_the_given_folder(tmp_path, test_army_doc):
    # load_army checked vehicle names against settings.CONFIG_DIR only: an army naming a
    # vehicle of a copied folder could not be loaded for that folder, and one naming a vehicle
    # the copy lacks passed
    cfg = _configs_copy(tmp_path)
    _copied_vehicle(cfg, "t-34-85-copy", "T-34-85 copy")
    mine = _army_file(tmp_path, test_army_doc, "t-34-85-copy")
    army = load_army(mine, config_dir=cfg)
    assert army.config_dir == cfg
    with pytest.raises(ConfigError, match=r"unknown vehicle 't-34-85-copy'") as e:
        load_army(mine)  # the shipped folder has no such vehicle
    assert str(settings.CONFIG_DIR / "vehicles") in str(e.value)
    (cfg / "vehicles" / "is-2.yaml").unlink()  # the copy without the shipped IS-2
    shipped = _army_file(tmp_path, test_army_doc, "is-2")
    with pytest.raises(ConfigError, match=r"unknown vehicle 'is-2'") as e:
        load_army(shipped, config_dir=cfg)
    assert f"files of {cfg / 'vehicles'}" in str(e.value)  # the folder read, named
    assert load_army(shipped).config_dir is None  # settings.CONFIG_DIR's


def test_a_run_reads_the_vehicles_of_its_configs_folder(tmp_path, box_terrain, test_army_doc):
    # run_scenario had no config_dir: it read settings.CONFIG_DIR's vehicles whatever folder
    # its army was loaded against. A copied T-34-85 with a 700 L tank (630 shipped) is the
    # one run, from the file, the army loaded with the folder, or an army loaded on the
    # shipped folder and given the copy
    from logistics.advance.plan import army_bbox
    from logistics.runner import run_scenario

    cfg = _configs_copy(tmp_path)
    _edit(cfg / "vehicles" / "t-34-85.yaml", "tank_l:\n  value: 630\n", "tank_l:\n  value: 700\n")
    path = _army_file(tmp_path, test_army_doc, "t-34-85")
    shipped = load_army(path)
    terrain = box_terrain(army_bbox(shipped), 5000.0)

    def tank_l(scenario, **kw) -> float:
        result = run_scenario(scenario, terrain=terrain, **kw)
        fp = result.plan.formation("tank-col")
        return float(fp.tank_l[fp.class_ids.index("t-34-85")])

    assert tank_l(path, config_dir=cfg) == 700.0
    assert tank_l(load_army(path, config_dir=cfg)) == 700.0
    assert tank_l(shipped, config_dir=cfg) == 700.0
    assert tank_l(shipped) == 630.0  # the shipped file's
    result = run_scenario(path, terrain=terrain, config_dir=cfg)
    assert Path(result.provenance["vehicles"]["t-34-85"]).parent == cfg / "vehicles"
    assert result.scenario.config_dir == cfg and result.provenance["config_dir"] == "configs"
    from logistics.history.runs import trace_of

    assert trace_of(result).config_dir == cfg  # what compare's off-route timing prices with


def _slow_tank_copy(tmp_path: Path) -> Path:
    """A configs copy whose T-34-85 goes 15 km/h cross-country (30 shipped)."""
    cfg = _configs_copy(tmp_path)
    _edit(cfg / "vehicles" / "t-34-85.yaml", "speed_cc_kmh:\n  value: 30\n",
          "speed_cc_kmh:\n  value: 15\n")
    return cfg


def test_a_route_reads_the_vehicles_of_its_configs_folder(tmp_path, box_terrain):
    # route_multimodal (logistics.route, `logistics route`) read settings.CONFIG_DIR's vehicle,
    # network parameters and railways whatever folder the caller used
    import logistics

    cfg = _slow_tank_copy(tmp_path)
    a, b = (119.0, 46.5), (119.6, 46.5)  # about 46 km of flat dry steppe, east
    terrain = box_terrain((118.5, 46.0, 120.1, 47.0), 2000.0)

    def hours(**kw) -> float:
        from logistics.network import route_multimodal

        return route_multimodal(a, b, "t-34-85", mode="cross-country", terrain=terrain,
                                **kw).time_h

    shipped, mine = hours(), hours(config_dir=cfg)
    # on flat steppe the tank drives at its cross-country speed: half of it, twice the time
    assert mine == pytest.approx(2.0 * shipped, rel=0.05)
    assert logistics.route(a, b, "t-34-85", mode="cross-country", resolution_m=5000,
                           config_dir=cfg).attrs["time_h"] > 1.5 * logistics.route(
        a, b, "t-34-85", mode="cross-country", resolution_m=5000).attrs["time_h"]


def test_off_route_timing_prices_with_the_run_s_configs_folder(tmp_path, box_terrain):
    # compare's off-route timer priced legs with settings.CONFIG_DIR's vehicles, whatever
    # folder the run read: the trace names the run's folder and the timer reads it
    import pandas as pd

    from logistics.history.offroute import timer_for
    from logistics.history.runs import RunTrace

    cfg = _slow_tank_copy(tmp_path)
    terrain = box_terrain((118.5, 46.0, 120.1, 47.0), 2000.0)
    empty = pd.DataFrame({"time": [], "cum_km": [], "lon": [], "lat": []})

    def hours(folder) -> float:
        trace = RunTrace(empty, empty, empty, terrain=terrain, config_dir=folder)
        timer = timer_for(trace, [(119.6, 46.5)])
        assert timer.config_dir == folder
        h = timer.travel_hours("t-34-85", "dry", 119.6, 46.5, 0.0)
        return float(h[timer._cells(np.array([119.0]), np.array([46.5]))[:2]][0])

    shipped, mine = hours(None), hours(cfg)
    assert np.isfinite(shipped) and mine == pytest.approx(2.0 * shipped, rel=0.05)


def _cited_army(tmp_path: Path, test_army_doc, key: str) -> Path:
    """The test tank column's army file with its H-hour cited to ``[key]``."""
    import yaml

    doc = test_army_doc([test_army_doc.tank_column((119.0, 46.8))])
    doc["h_hour"] = {"value": "1945-08-09T00:00", "cite": f"[{key}] 'at midnight'"}
    path = tmp_path / f"army-{key.lower()}.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_an_army_s_citations_are_checked_against_the_bibliography_of_its_folder(
        tmp_path, test_army_doc):
    # load_army(config_dir=X) checked the army's citation keys against settings.CONFIG_DIR's
    # sources.yaml: a source added to the copy's bibliography could not be cited in an army
    # loaded for the copy, and an error named the shipped bibliography
    cfg = _configs_copy(tmp_path)
    _edit(cfg / "sources.yaml", "\npointers:", "\n  - key: MY-DIARY\n    author: me\n"
          "    title: my diary\n\npointers:")
    mine = _cited_army(tmp_path, test_army_doc, "MY-DIARY")
    assert load_army(mine, config_dir=cfg).h_hour.cite.startswith("[MY-DIARY]")
    with pytest.raises(ConfigError, match=r"unknown key\(s\) \[MY-DIARY\]") as e:
        load_army(mine)  # the shipped bibliography has no such source
    assert str(settings.CONFIG_DIR / "sources.yaml") in str(e.value)
    other = _cited_army(tmp_path, test_army_doc, "NOT-A-SOURCE")
    with pytest.raises(ConfigError, match=r"unknown key\(s\) \[NOT-A-SOURCE\]") as e:
        load_army(other, config_dir=cfg)
    assert str(cfg / "sources.yaml") in str(e.value)  # the bibliography read, named


def _marsh_copy(tmp_path: Path) -> Path:
    """A configs copy whose 1945 marsh rule takes every crop or grass cell up to 30 m above a
    river as marsh (4.1 m shipped)."""
    cfg = _configs_copy(tmp_path)
    _edit(cfg / "terrain" / "landcover-1945.yaml", "max_hand_m: 4.1 ", "max_hand_m: 30.0 ")
    return cfg


_SANJIANG = (132.0, 46.6, 133.2, 47.4)  #: a box of the Sanjiang plain, inside the marsh rule
#: A cropland cell of the Sanjiang plain on a 5 km grid that the copy's marsh rule (30 m above
#: a river) makes marsh (found by sampling the box's cells; cropland with the shipped 4.1 m)
_MARSH_ONLY_IN_COPY = "47.353,132.558"


def _marsh_cells(terrain) -> int:
    from logistics.terrain import TerrainClass

    return int((terrain["terrain_class"].values == TerrainClass.WETLAND).sum())


def test_terrain_reads_the_1945_land_cover_of_its_configs_folder(tmp_path):
    # load_terrain read settings.CONFIG_DIR's terrain/landcover-1945.yaml whatever folder the
    # run read; a run's terrain, and the per-process terrain cache of compare and calibrate,
    # now take the run's folder (the cache keyed on what it read)
    from logistics.history.runs import TerrainRef, _terrain
    from logistics.terrain import load_terrain

    cfg = _marsh_copy(tmp_path)
    shipped = _marsh_cells(load_terrain(_SANJIANG, resolution_m=5000.0))
    mine = _marsh_cells(load_terrain(_SANJIANG, resolution_m=5000.0, config_dir=cfg))
    assert 0 < shipped < mine  # a marsh up to 30 m above the rivers holds more of the plain
    assert _marsh_cells(_terrain(_SANJIANG, 5000.0, "merged")) == shipped
    assert _marsh_cells(TerrainRef(_SANJIANG, 5000.0, "merged", cfg).load()) == mine
    _edit(cfg / "terrain" / "landcover-1945.yaml", "max_hand_m: 30.0 ", "max_hand_m: 4.1 ")
    assert _marsh_cells(_terrain(_SANJIANG, 5000.0, "merged", cfg)) == shipped  # edited: anew


def test_a_run_loads_its_terrain_from_its_configs_folder(tmp_path, monkeypatch, test_army_doc):
    # run_scenario loaded its terrain with settings.CONFIG_DIR's land cover and railways
    import logistics.terrain as terrain_mod
    from logistics.runner import run_scenario

    seen = []

    def spy(*args, **kw):
        seen.append(kw.get("config_dir"))
        raise ConfigError("stop: terrain asked for")

    monkeypatch.setattr(terrain_mod, "load_terrain", spy)
    cfg = _configs_copy(tmp_path)
    with pytest.raises(ConfigError, match="stop"):
        run_scenario(_army_file(tmp_path, test_army_doc, "t-34-85"), config_dir=cfg)
    assert seen == [cfg]


def test_a_route_names_the_network_parameters_it_read(tmp_path, monkeypatch, box_terrain):
    # the route's "parameters" named configs/network/network.yaml whenever config_dir was None,
    # though LOGISTICS_CONFIG_DIR (settings.CONFIG_DIR) pointed at a copy whose file was read
    from logistics.network import route_multimodal

    cfg = _configs_copy(tmp_path)
    terrain = box_terrain((118.5, 46.0, 120.1, 47.0), 5000.0)

    def named(**kw) -> str:
        return route_multimodal((119.0, 46.5), (119.6, 46.5), "t-34-85", mode="cross-country",
                                terrain=terrain, **kw).provenance["parameters"]

    assert named() == "configs/network/network.yaml"  # the shipped file, as before
    assert named(config_dir=cfg) == str(cfg / "network" / "network.yaml")
    monkeypatch.setattr(settings, "CONFIG_DIR", cfg)
    assert named() == str(cfg / "network" / "network.yaml")


def test_monte_carlo_draws_the_norms_of_the_army_s_configs_folder(tmp_path):
    # a draw of the norms (compare --samples) read settings.CONFIG_DIR's uncertain: ranges
    # and movement norms whatever folder the army was loaded for
    from types import SimpleNamespace

    from logistics.history.uncertainty import _sample_overrides

    cfg = _configs_copy(tmp_path)
    _edit(cfg / "norms" / "march.yaml", "tank_column.max_speed_kmh: {low: 6.6, high: 22.5,",
          "tank_column.max_speed_kmh: {low: 6.6, high: 6.6,")
    key = "norms/march:norms.tank_column.max_speed_kmh"
    army = SimpleNamespace(uncertain={}, config_dir=cfg)
    draws = [_sample_overrides(army, 0, seed)[key] for seed in range(3)]
    assert draws == [6.6] * 3  # the copy's range holds its value only
    shipped = _sample_overrides(SimpleNamespace(uncertain={}, config_dir=None), 0, 0)[key]
    assert 6.6 < shipped <= 22.5


def test_the_railway_lines_are_read_from_the_given_folder(tmp_path):
    # load_lines had no config_dir (load_params beside it had): its default was
    # settings.CONFIG_DIR's lines-1945.yaml, whatever folder the caller meant
    from logistics.network import load_lines

    cfg = _configs_copy(tmp_path)
    _edit(cfg / "network" / "lines-1945.yaml",
          "name: Chinese Eastern Railway, western branch (Manzhouli-Harbin)\n",
          "name: the copy's western branch\n")
    assert load_lines(config_dir=cfg)["R01"].name == "the copy's western branch"
    assert load_lines()["R01"].name.startswith("Chinese Eastern Railway")  # the shipped file's


#: A key no shipped source has, added to a copy's bibliography (the tests below).
_MY_SOURCE = "\n  - key: MY-DIARY\n    author: me\n    title: my diary\n\npointers:"

#: Per configs file of a copy: its first citation given the copy's own source [MY-DIARY] too,
#: and the reader of it (given the copy).
_CITED_IN = {
    "norms/march.yaml": ('      cite: "[BOOKSONLINE-51107]',
                         "      cite: \"[MY-DIARY] 'a note'; [BOOKSONLINE-51107]"),
    "norms/movement.yaml": ('        cite: "[MODELIST-1985]',  # a river ship's speed
                            "        cite: \"[MY-DIARY] 'a note'; [MODELIST-1985]"),
    "vehicles/t-34-85.yaml": ('  source: "parameters.md §1.1, C muzeumgryf.pl/en/exhibits/t-3485/"',
                              "  source: \"[MY-DIARY] 'a note'; parameters.md §1.1, C "
                              "muzeumgryf.pl/en/exhibits/t-3485/\""),
    "network/network.yaml": ("    value: 30\n    assumed: >-\n",
                             "    value: 30\n    cite: >-\n      [MY-DIARY] 'thirty km/h';\n"),
    "fortified-regions.yaml": ('    cite: "derived: the median of the sourced frontages:',
                               "    cite: \"[MY-DIARY] 'a note'; derived: the median of the "
                               "sourced frontages:"),
}


def _read_in(cfg: Path, name: str):
    """The reader of the configs file ``name`` of the folder ``cfg`` (None: the shipped)."""
    from logistics.army.fortified import load_fortified
    from logistics.army.means_norms import load_means_norms
    from logistics.army.norms import load_norms
    from logistics.network import load_params
    from logistics.vehicles import load_vehicle

    return {"norms/march.yaml": lambda: load_norms(cfg),
            "norms/movement.yaml": lambda: load_means_norms(
                cfg / "norms" / "movement.yaml" if cfg else None),
            "vehicles/t-34-85.yaml": lambda: load_vehicle("t-34-85", config_dir=cfg),
            "network/network.yaml": lambda: load_params(config_dir=cfg),
            "fortified-regions.yaml": lambda: load_fortified(cfg)}[name]()


@pytest.mark.parametrize("name", sorted(_CITED_IN))
def test_a_configs_file_cites_the_sources_of_its_own_folder(tmp_path, name):
    # the readers of the norms, vehicles, network parameters and fortified regions checked a
    # copy's citation keys against settings.CONFIG_DIR's sources.yaml: a source added to the
    # copy's bibliography could not be cited in its files (refused as an unknown key), though
    # the army files of that copy could cite it
    cfg, other = _configs_copy(tmp_path / "a"), _configs_copy(tmp_path / "b")
    _edit(cfg / "sources.yaml", "\npointers:", _MY_SOURCE)
    for folder in (cfg, other):  # the file's first such citation
        text = (folder / name).read_text(encoding="utf-8")
        assert _CITED_IN[name][0] in text, f"premise: a citation to extend in {name}"
        (folder / name).write_text(text.replace(*_CITED_IN[name], 1), encoding="utf-8")
    _read_in(cfg, name)  # no error: [MY-DIARY] is a source of the copy
    _read_in(None, name)  # the shipped file, unchanged
    with pytest.raises(ConfigError, match=r"unknown key\(s\) \[MY-DIARY\]") as e:
        _read_in(other, name)  # a copy whose bibliography lacks it: refused, naming it
    assert str(other / "sources.yaml") in str(e.value)


def test_an_uncertain_range_cites_the_sources_of_its_own_folder(tmp_path):
    # the uncertain: ranges of a copy's norms were checked against settings.CONFIG_DIR's
    # bibliography (load_norms and the Monte Carlo's norms_ranges)
    from logistics.army.norms import load_norms
    from logistics.ranges import norms_ranges

    cfg = _configs_copy(tmp_path)
    _edit(cfg / "sources.yaml", "\npointers:", _MY_SOURCE)
    _edit(cfg / "norms" / "march.yaml", "high: 22.5, cite: \"[BOOKSONLINE-51107]",
          "high: 22.5, cite: \"[MY-DIARY] 'a note'; [BOOKSONLINE-51107]")
    load_norms(cfg)
    assert "norms/march:norms.tank_column.max_speed_kmh" in norms_ranges(cfg / "norms")


def _documented_copy(tmp_path: Path) -> Path:
    """A configs copy whose documented file holds one TBF-6GTA row, at 'Copy Hill' (a place
    of the test tank column's box), whose bibliography's titles all start 'COPY ', and whose
    Halung-Arshan fortified region is named 'the copy's region'."""
    import csv
    import io
    import re

    cfg = _configs_copy(tmp_path)
    path = cfg / "history" / "documented-advances.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    row = next(r for r in rows if r["axis_id"] == "TBF-6GTA" and r["lat"])
    row.update(place_reached="Copy Hill", lat="46.9", lon="119.3")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerow(row)
    path.write_text(out.getvalue(), encoding="utf-8")
    bib = cfg / "sources.yaml"
    bib.write_text(re.sub(r"(\n    title: \"?)", r"\1COPY ", bib.read_text(encoding="utf-8")),
                   encoding="utf-8")
    _edit(cfg / "fortified-regions.yaml", 'name: "Halung-Arshan (Halun-Arshan) fortified region"',
          "name: \"the copy's region\"")
    return cfg


def test_a_run_s_map_and_report_read_the_run_s_configs_folder(tmp_path, test_army_doc):
    # a run on a copied configs folder (config_dir=) was drawn and written with
    # settings.CONFIG_DIR's documented positions, fortified regions and bibliography: its
    # layers, map and report.md showed the default folder's, not the folder the run read
    import geopandas as gpd

    import logistics
    from logistics.runner import run_scenario

    cfg = _documented_copy(tmp_path)
    path = _army_file(tmp_path, test_army_doc, "t-34-85")
    result = run_scenario(path, resolution_m=5000.0, config_dir=cfg)
    assert list(logistics.layers(result)["documented"]["place_reached"]) == ["Copy Hill"]
    out = logistics.write_run(result, tmp_path / "run")
    assert list(gpd.read_file(out / "run.gpkg", layer="documented")["place_reached"]) \
        == ["Copy Hill"]
    regions = set(gpd.read_file(out / "run.gpkg", layer="fortified_regions")["name"])
    assert "the copy's region" in regions  # premise: Halung-Arshan lies within the map's reach
    report = (out / "report.md").read_text(encoding="utf-8")
    references = report[report.index("## References"):]
    assert references.count("COPY ") >= 1 and "Copy Hill" not in references
    assert all("COPY " in line for line in references.splitlines() if line.startswith("- ["))


def test_sample_and_vehicle_rates_read_the_given_folder(tmp_path):
    # logistics.sample and logistics.vehicle_rates had no config_dir: they read
    # settings.CONFIG_DIR's land cover and vehicles whatever folder the other calls were given
    import logistics

    cfg = _marsh_copy(tmp_path)
    _edit(cfg / "vehicles" / "t-34-85.yaml", "speed_cc_kmh:\n  value: 30\n",
          "speed_cc_kmh:\n  value: 15\n")
    place = _MARSH_ONLY_IN_COPY
    assert logistics.sample(place, resolution_m=5000)["terrain_class"] != "WETLAND"
    assert logistics.sample(place, resolution_m=5000, config_dir=cfg)["terrain_class"] \
        == "WETLAND"  # within 30 m of a river: the copy's marsh rule takes it
    steppe = "47.0,119.5"  # dry steppe: the tank runs at its cross-country speed on the flat

    def flat_kmh(**kw) -> float:
        rates = logistics.vehicle_rates(steppe, vehicles="t-34-85", resolution_m=5000, **kw)
        return float(rates["speed_flat_kmh"].iloc[0])

    assert flat_kmh(config_dir=cfg) == pytest.approx(0.5 * flat_kmh(), rel=0.05)
    assert "t-34-85" in set(logistics.vehicle_rates(steppe, resolution_m=5000,
                                                    config_dir=cfg)["vehicle"])
    with pytest.raises(ConfigError, match=r"config_dir must be a path"):
        logistics.sample(place, config_dir=5)
    with pytest.raises(ConfigError, match=r"config_dir must be a path"):
        logistics.vehicle_rates(place, config_dir=5)


def _one_railway_copy(tmp_path: Path) -> Path:
    """A configs copy whose 1945 railways file keeps only its first way (1001: R01, the
    Chinese Eastern Railway's western branch, Manzhouli-Harbin)."""
    import re

    cfg = _configs_copy(tmp_path)
    osm = cfg / "network" / "railways-1945.osm"
    text = osm.read_text(encoding="utf-8")
    ways = re.findall(r"  <way id=\"\d+\">.*?</way>\n", text, flags=re.S)
    assert len(ways) > 10 and 'id="1001"' in ways[0]  # premise: the shipped file's ways
    for way in ways[1:]:
        text = text.replace(way, "")
    osm.write_text(text, encoding="utf-8")
    return cfg


def test_a_comparison_s_page_draws_the_railways_of_the_folder_it_read(tmp_path, toy):
    # compare on a copied folder (config_dir=) drew its map.png's base map and context
    # layers and its map.html's railways and fortified regions from settings.CONFIG_DIR:
    # the page showed the shipped railways, not the copy's; Comparison now records its folder
    import dataclasses
    import re

    from logistics.history.compare import compare
    from logistics.report.compare_plots import plot_positions_map
    from logistics.report.web_map import comparison_map
    from tests.conftest import write_documented
    from logistics.history.documented import COLUMNS

    cfg = _one_railway_copy(tmp_path)
    sc = toy.Scenario("USR-TANK", base_km_per_day=80.0)
    armies = tmp_path / "armies"
    armies.mkdir()
    (armies / "USR-TANK.yaml").write_text("toy\n")
    lon, lat = toy.lonlat_at(sc, 150.0)
    row = {c: "" for c in COLUMNS} | dict(
        axis_id="USR-TANK", front="F", formation="someone", date="1945-08-10",
        place_reached="Town A", lat=str(lat), lon=str(float(lon)), source="s", quote="q",
        confidence="medium")
    doc = write_documented(tmp_path / "mine.csv", [row])
    comp = compare(doc, configs_dir=armies, loader=lambda p: sc, runner=toy.runner,
                   railways=False, config_dir=cfg)
    assert comp.config_dir == cfg.resolve()
    shipped = dataclasses.replace(comp, config_dir=None)  # settings.CONFIG_DIR's

    def rail_lines(c) -> int:
        ax = plot_positions_map(c, resolution_m=25000).axes[0]
        return sum(1 for ln in ax.lines if ln.get_color() == "#333333" and ln.get_zorder() == 4.5)

    # the toy's box (119-130 E, 44-46 N) holds the end of R01 at Harbin and many more lines
    assert rail_lines(comp) == 1 < rail_lines(shipped)
    html, shipped_html = (comparison_map(c).get_root().render() for c in (comp, shipped))
    refs = set(re.findall(r'"ref": "(R\d+)"', html))
    assert refs == {"R01"} and len(set(re.findall(r'"ref": "(R\d+)"', shipped_html))) > 5
