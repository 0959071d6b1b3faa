"""When an objective counts as reached: where the route arrives at it, never at a start within
its radius, and never across a river the route does not cross.

The case a user met: a template army from Blagoveshchensk with its objective Heihe, across
the Amur and about 3 km away, "took" Heihe at H-hour on a coarse grid, the route never
crossing the river. And a start took a ``radius_km`` that nothing read.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from logistics.advance.routes import plan_route, rivers_between
from logistics.army.load import load_army
from logistics.army.resolve import ObjectiveSpec
from logistics.cost.models import CostModels
from logistics.cost.route import river_crossings
from logistics.errors import ConfigError
from logistics.geodesy import great_circle_km
from logistics.settings import PROJECT_ROOT
from logistics.terrain import RiverClass, load_terrain, to_metric
from logistics.vehicles import load_vehicle

TEMPLATE = PROJECT_ROOT / "configs" / "armies" / "template.yaml"
# the user's points: a start on the Amur bank at Blagoveshchensk, Heihe on the far bank
START = (127.53, 50.26)
HEIHE = (127.49, 50.24)
BOX = (127.2, 49.95, 127.85, 50.55)


def _heihe(radius_km: float = 10.0) -> list[ObjectiveSpec]:
    return [ObjectiveSpec("Heihe", (("Heihe", *HEIHE),), radius_km)]


def _route(resolution_m: float):
    terrain = load_terrain(BOX, resolution_m=resolution_m)
    tank = load_vehicle("t-34-85")
    models = CostModels()
    rt = plan_route(terrain, tank, "dry", ("start", *START, 10.0), _heihe(), models=models,
                    who="army.yaml: formations (tpl-tb)")
    return terrain, tank, models, rt


def test_the_amur_lies_between_blagoveshchensk_and_heihe():
    # the premise, from the shipped WDBII layer: the straight line crosses a major river
    assert great_circle_km(*START, *HEIHE) < 10.0
    assert rivers_between(START, HEIHE)[0] == RiverClass.MAJOR


def test_on_a_fine_grid_heihe_is_reached_beyond_the_crossing_at_the_end_of_the_route():
    terrain, tank, models, rt = _route(1000.0)
    (name, km), = rt.objective_km
    kms = rt.segments["cum_km"].to_numpy()
    # reached where the route arrives at Heihe (its last point), not where it first comes
    # within radius_km (its start already is)
    assert name == "Heihe" and km == pytest.approx(kms[-1]) and km > 0
    crossings = river_crossings(terrain, rt.cells, [tank], season="dry", models=models)
    assert (crossings["river_class"] == RiverClass.MAJOR).any()
    assert crossings["cum_km"].max() <= km
    # the crossing is priced in the time to Heihe: the leg is far slower than its km at the
    # tank's road speed (its vehicle file)
    assert rt.segments["time_s"].sum() > km / tank.speed_road_kmh * 3600.0 + \
        crossings[f"crossing_s_{tank.id}"].sum() * 0.99
    assert rt.reach_notes == ()


def test_on_a_coarse_grid_an_objective_across_the_river_is_not_taken_silently():
    terrain, _, _, rt = _route(10_000.0)
    # on a 10 km grid Blagoveshchensk and Heihe fall in one cell: no march, no crossing
    assert rt.objective_km[0][1] == 0.0
    (note,) = rt.reach_notes
    assert note.startswith("army.yaml: formations (tpl-tb).objectives.0: Heihe lies ")
    assert "across a major river" in note and "pays no crossing" in note
    assert "at H-hour" in note and "--resolution-m" in note
    assert note in rt.notes  # a run note of report.md too
    # the finer grid it proposes does cross and pay it
    fine = float(re.search(r"--resolution-m (\d+)", note).group(1))
    assert fine < great_circle_km(*START, *HEIHE) * 1000.0 / 2
    assert _route(fine)[3].reach_notes == ()


def test_on_a_grid_with_both_points_on_the_river_the_note_says_so():
    _, _, _, rt = _route(5000.0)
    (note,) = rt.reach_notes
    assert "both lie on the river's own cells" in note or "both fall in one cell" in note


def test_an_objective_in_the_start_cell_with_no_river_between_is_reached_at_h_hour_with_a_note(
        box_terrain):
    # open steppe east of Tamsag-Bulag: no river within reach of the two points
    a, b = (117.60, 47.30), (117.602, 47.301)  # about 180 m apart: one 1 km cell
    assert rivers_between(a, b) == ()
    terrain = box_terrain((117.4, 47.1, 117.8, 47.5), 1000.0)
    rt = plan_route(terrain, load_vehicle("t-34-85"), "dry", ("start", *a, 10.0),
                    [ObjectiveSpec("Hill", (("Hill", *b),), 10.0)], models=CostModels(),
                    who="f.yaml: formations (x)")
    assert rt.objective_km == (("Hill", 0.0),)
    (note,) = rt.reach_notes
    assert "in the same cell" in note and "at H-hour" in note


def test_a_formation_formed_at_its_first_objective_gets_no_note(box_terrain):
    # a forward detachment formed on its parent's route where its first objective lies (the
    # 5th Rifle Corps' tank brigade, formed at Raohe after the Ussuri crossing) reaches it
    # when it is formed, not "at H-hour", and that is no config slip: no note; the same leg
    # from a start keeps its note (the test above)
    a, b = (117.60, 47.30), (117.602, 47.301)  # about 180 m apart: one 1 km cell
    terrain = box_terrain((117.4, 47.1, 117.8, 47.5), 1000.0)
    objective = [ObjectiveSpec("Hill", (("Hill", *b),), 10.0)]
    formed = plan_route(terrain, load_vehicle("t-34-85"), "dry", ("x formed", *a, 0.0),
                        objective, models=CostModels(), who="f.yaml: formations (x)",
                        start_key="formed")
    assert formed.objective_km == (("Hill", 0.0),)
    assert formed.reach_notes == ()
    assert not any("same cell" in n for n in formed.notes)
    started = plan_route(terrain, load_vehicle("t-34-85"), "dry", ("start", *a, 0.0),
                         objective, models=CostModels(), who="f.yaml: formations (x)")
    assert len(started.reach_notes) == 1


def test_a_march_to_a_near_objective_with_no_river_gets_no_note(box_terrain):
    a, b = (117.60, 47.30), (117.66, 47.33)  # about 5.5 km, within the default radius
    assert rivers_between(a, b) == ()
    terrain = box_terrain((117.4, 47.1, 117.8, 47.5), 1000.0)
    rt = plan_route(terrain, load_vehicle("t-34-85"), "dry", ("start", *a, 10.0),
                    [ObjectiveSpec("Hill", (("Hill", *b),), 10.0)], models=CostModels())
    xa, ya = to_metric(*a)
    xb, yb = to_metric(*b)
    # reached at the end of a march at least as long as the straight line less a cell
    assert rt.objective_km[0][1] >= np.hypot(xb - xa, yb - ya) / 1000.0 - 1.5
    assert rt.reach_notes == ()


def _template_with(tmp_path, old: str, new: str):
    """The template army file with its one ``old`` text replaced by ``new``, written to
    ``tmp_path``; its path."""
    text = TEMPLATE.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path = tmp_path / "army.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_a_start_refuses_radius_km_naming_file_key_value_and_fix(tmp_path):
    path = _template_with(tmp_path, 'start: {place: Blagoveshchensk, assumed:',
                          'start: {place: Blagoveshchensk, radius_km: 5, assumed:')
    with pytest.raises(ConfigError) as err:
        load_army(path)
    msg = str(err.value)
    assert f"{path}: formations.0 (tpl-tb).start.radius_km: " in msg
    assert "a start is a point" in msg and "(got 5)" in msg
    assert "fix: remove start.radius_km" in msg
    # the template itself (no radius on its start) still loads
    assert load_army(TEMPLATE).formations[0].start.radius_km is None


@pytest.mark.parametrize("where", ["departure line point", "any_of option", "flotilla start"])
def test_every_other_point_refuses_a_radius_nothing_reads(where):
    """A radius on a departure-line point, an any_of option or a flotilla's start was accepted
    and read by nothing; it is refused with the key path (no union tag in it) and the fix."""
    import copy

    import yaml

    from logistics import settings
    from logistics.army.load import validate_army

    base = yaml.safe_load((settings.CONFIG_DIR / "2fef-15a.yaml").read_text(encoding="utf-8"))
    data = copy.deepcopy(base)
    if where == "departure line point":
        data["departure"]["line"][0]["radius_km"] = 5
        key = "departure.line.0.radius_km"
    elif where == "any_of option":
        data["formations"][0]["objectives"] = [
            {"any_of": [{"place": "Harbin", "radius_km": 5}], "assumed": "a test"}]
        key = "objectives.0.any_of.0.radius_km"
    else:
        data["flotilla"][0]["start"]["radius_km"] = 5
        key = "flotilla.0 (1st-river-ship-brigade).start.radius_km"
    with pytest.raises(ConfigError) as err:
        validate_army(data, source="a.yaml")
    msg = str(err.value)
    assert key in msg and "(got 5)" in msg and "fix: remove this radius_km" in msg, msg
    assert ".point." not in msg and "any_of.any_of" not in msg


def test_an_objective_in_the_sea_offers_radius_km_for_what_it_is(box_terrain):
    """The fix offered for an objective on water: move it, or give it ``radius_km``, which
    is how far it may be moved onto passable ground, not how near counts as reached
    (configs/armies/README.md 'objectives'; found by newuser19)."""
    from logistics.errors import NoRouteError
    from logistics.terrain.classes import TerrainClass

    terrain = box_terrain((117.4, 47.1, 117.8, 47.5), 1000.0)
    cls = terrain["terrain_class"].values
    cls[:, cls.shape[1] // 2:] = TerrainClass.WATER  # the east half is sea
    sea = (117.75, 47.30)
    with pytest.raises(NoRouteError) as err:
        plan_route(terrain, load_vehicle("t-34-85"), "dry", ("start", 117.45, 47.30, 0.0),
                   [ObjectiveSpec("Sea", (("Sea", *sea),), 2.0)], models=CostModels(),
                   who="f.yaml: formations.0 (x)")
    msg = str(err.value)
    assert "objectives.0: 'Sea'" in msg and "no passable cell is within 2 km" in msg
    assert "or give it radius_km: " in msg and "how far it may be moved onto passable ground" in msg
    assert "how near counts as reached" not in msg


def test_a_named_point_far_from_its_name_is_refused_naming_file_key_and_fix(tmp_path):
    """With lon/lat given, ``place:`` is only a label, so a typo in the coordinates moved the
    point silently ('place: Qiqihar, lon: 126.0, lat: 40.0': 817 km from Qiqihar; found by
    newuser19). More than LABEL_OFFSET_KM from the gazetteer's place is refused; a label the
    gazetteer does not know, or coordinates near the name, are read."""
    from logistics.army.base import LABEL_OFFSET_KM

    old = '- {place: Qiqihar, assumed: "template placeholder"}'
    path = _template_with(tmp_path, old, '- {place: Qiqihar, lon: 126.0, lat: 40.0, assumed: "x"}')
    with pytest.raises(ConfigError) as err:
        load_army(path)
    msg = str(err.value)
    assert f"{path}: formations.0 (tpl-tb).objectives.1" in msg
    km = float(re.search(r"lie (\d+) km from 'Qiqihar' of the gazetteer", msg).group(1))
    assert km == pytest.approx(great_circle_km(126.0, 40.0, 123.96, 47.34), abs=2.0)
    assert km > LABEL_OFFSET_KM and "fix: correct lon/lat" in msg
    for ok in ('- {place: Qiqihar, lon: 123.90, lat: 47.30, assumed: "x"}',  # ~6 km off
               '- {place: my bridgehead, lon: 126.0, lat: 46.0, assumed: "x"}'):  # own label
        load_army(_template_with(tmp_path, old, ok))
