"""The formation engine's shipped data: army files, norms, fortified regions, bibliography.

Checks what can be checked without the engine, on the files as plain YAML: every figure has
exactly one of cite/assumed, every cited key is in configs/sources.yaml, ids and references
resolve, vehicles and places exist, start points lie on a departure line at the border, no
objective is taken from the documented positions, every `uncertain:` range brackets its figure.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = ROOT / "configs"
ARMY_DIR = CONFIGS  # the army files are the axis configs (configs/<axis>.yaml)
NORMS_DIR = CONFIGS / "norms"

AXES = {
    "TBF-6GTA", "TBF-39A", "TBF-36A", "TBF-17A", "TBF-CMG", "1FEF-1RBA", "1FEF-5A", "1FEF-25A",
    "1FEF-35A", "2FEF-15A", "2FEF-5RC", "2FEF-2RBA",
}
KINDS = {
    "army", "tank_corps", "mech_corps", "rifle_corps", "rifle_division", "tank_division",
    "tank_brigade", "mech_brigade", "motor_rifle_brigade", "cavalry_division",
    "forward_detachment", "mobile_group", "flotilla", "fortified_region_group", "other",
    "rifle_battalion", "motor_rifle_battalion", "motorcycle_battalion", "artillery_battalion",
    "sp_artillery_battalion", "artillery_brigade", "engineer_sapper_brigade", "river_ship_brigade",
}
MOVEMENTS = {"tracked", "motor", "truck_borne", "tank_riders", "foot", "horse", "rail", "river", "mixed"}
ROLES = {"forward_detachment", "main_body", "mobile_group", "reserve", "support", "fortress_group", "river"}
KEY_RE = re.compile(r"\[([A-Z0-9][A-Z0-9-]*[A-Z0-9])\]")
ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def _load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _army_paths() -> list[Path]:
    from logistics.army.load import army_paths

    return army_paths(ARMY_DIR)


def _data_paths() -> list[Path]:
    """Every data file of this set (armies, norms, fortified regions, sources)."""
    return [*_army_paths(), *sorted(NORMS_DIR.glob("*.yaml")), CONFIGS / "fortified-regions.yaml",
            CONFIGS / "sources.yaml"]


@lru_cache(maxsize=None)
def _doc(path: Path):
    return _load(path)


def _walk(obj, path=()):
    """(path, node) for every node of a YAML tree, depth first."""
    yield path, obj
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _walk(v, (*path, str(k)))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _walk(v, (*path, str(i)))


def _where(path: Path, trail) -> str:
    return f"{path.relative_to(ROOT)}: {'.'.join(trail) or '<top>'}"


@lru_cache(maxsize=1)
def _source_keys() -> frozenset[str]:
    return frozenset(s["key"] for s in _doc(CONFIGS / "sources.yaml")["sources"])


@lru_cache(maxsize=1)
def _vehicle_ids() -> frozenset[str]:
    return frozenset(p.stem for p in (CONFIGS / "vehicles").glob("*.yaml"))


def _norms(name: str):
    return _doc(NORMS_DIR / f"{name}.yaml")


def _formations(doc) -> list[dict]:
    return list(doc.get("formations") or [])


# --------------------------------------------------------------------------- the files exist


def test_one_army_file_per_axis_named_for_it():
    paths = _army_paths()
    axes = {}
    for p in paths:
        doc = _doc(p)
        assert isinstance(doc, dict), f"{p.name}: not a mapping"
        axes[doc["axis_id"]] = p
        assert p.stem == doc["axis_id"].lower(), f"{p.name} holds {doc['axis_id']}"
    assert set(axes) == AXES


# --------------------------------------------------------------------------- figures and citations


@pytest.mark.parametrize("path", _data_paths(), ids=lambda p: p.name)
def test_every_figure_has_exactly_one_of_cite_or_assumed(path):
    problems = []
    for trail, node in _walk(_doc(path)):
        if not isinstance(node, dict):
            continue
        has = [k for k in ("cite", "assumed") if k in node]
        if len(has) == 2:
            problems.append(f"{_where(path, trail)}: both cite and assumed")
        if "value" in node and len(has) != 1:
            problems.append(f"{_where(path, trail)}: figure without cite/assumed")
        for k in has:
            if not isinstance(node[k], str) or len(node[k].strip()) < 10:
                problems.append(f"{_where(path, trail)}.{k}: empty or too short to say why")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", _data_paths(), ids=lambda p: p.name)
def test_every_cited_key_is_in_the_bibliography(path):
    keys = _source_keys()
    problems = []
    for trail, node in _walk(_doc(path)):
        if isinstance(node, str):
            for key in KEY_RE.findall(node):
                if key not in keys:
                    problems.append(f"{_where(path, trail)}: unknown source key [{key}]")
        if isinstance(node, dict) and isinstance(node.get("cite"), str) and path.name != "sources.yaml":
            if not KEY_RE.search(node["cite"]):
                problems.append(f"{_where(path, trail)}.cite names no [KEY]: {node['cite'][:60]!r}")
    assert not problems, "\n".join(problems)


def test_bibliography_entries_are_complete_and_unique():
    doc = _doc(CONFIGS / "sources.yaml")
    seen = set()
    for entry in doc["sources"]:
        key = entry["key"]
        assert re.fullmatch(r"[A-Z0-9]+(-[A-Z0-9]+)*", key), key
        assert key not in seen, f"duplicate key {key}"
        seen.add(key)
        for field in ("author", "title", "year", "container", "language", "urls", "reference", "takes"):
            assert field in entry, f"{key}: no {field}"
        assert entry["year"] is None or 1900 < int(entry["year"]) < 2030, key
        assert isinstance(entry["urls"], list), key
        assert re.fullmatch(r"[a-z]{2}", entry["language"]), key
    for pointer, target in doc["pointers"].items():
        for key in target["keys"]:
            assert key in seen, f"pointer {pointer!r} -> unknown key {key}"
        if "default" in target:
            assert target["default"] in target["keys"], f"pointer {pointer!r}: default not among its keys"
    for token, targets in doc["tokens"].items():
        for key in targets:
            assert key in seen, f"token {token!r} -> unknown key {key}"


# Today's pointer citations and how the same pointer is also written.
_POINTER_FORMS = [
    (re.compile(r"\bCF (\d+[a-z]?)\b"), "CF {}"),
    (re.compile(r"campaign-facts\.md (?:§|s\.|section )(\d+[a-z]?)"), "CF {}"),
    (re.compile(r"\bPM (\d+(?:\.\d+)?)\b"), "PM {}"),
    (re.compile(r"parameters\.md (?:§)?(\d+(?:\.\d+)?)"), "PM {}"),
    (re.compile(r"\bRW (R\d+[a-z]?)\b"), "RW {}"),
    (re.compile(r"railways-1945\.md (R\d+[a-z]?)"), "RW {}"),
    (re.compile(r"\[(SEED-00[01])\]"), "[{}]"),
]


def test_every_pointer_used_in_the_repository_maps_to_sources():
    pointers = _doc(CONFIGS / "sources.yaml")["pointers"]
    roots = [CONFIGS, ROOT / "logistics"]
    files = [p for r in roots for p in r.rglob("*") if p.suffix in {".yaml", ".py", ".md", ".csv"}]
    files = [p for p in files if p.parent != ARMY_DIR and p.parent != NORMS_DIR
             and p.name not in {"sources.yaml", "fortified-regions.yaml"}]
    missing = {}
    for p in files:
        text = p.read_text(encoding="utf-8", errors="replace")
        for pattern, form in _POINTER_FORMS:
            for m in pattern.finditer(text):
                pointer = form.format(m.group(1))
                if pointer not in pointers:
                    missing.setdefault(pointer, p.relative_to(ROOT))
    assert not missing, f"pointers without a mapping in configs/sources.yaml: {missing}"


# --------------------------------------------------------------------------- formations


@pytest.mark.parametrize("path", _army_paths(), ids=lambda p: p.name)
def test_formation_ids_parents_and_priority_resolve(path):
    doc = _doc(path)
    ids = [f["id"] for f in _formations(doc)]
    assert ids, f"{path.name}: no formations"
    assert len(ids) == len(set(ids)), f"{path.name}: duplicate ids {ids}"
    for fid in ids:
        assert ID_RE.match(fid), f"{path.name}: unsafe id {fid!r}"
    for f in _formations(doc):
        if "parent" in f:
            assert f["parent"] in ids, f"{path.name}: {f['id']}.parent {f['parent']!r} unknown"
            assert f["parent"] != f["id"]
        if f.get("drawn_from_parent"):
            assert "parent" in f, f"{path.name}: {f['id']} drawn from no parent"
    order = doc["fuel"]["priority"]["order"]
    assert set(order) <= set(ids), f"{path.name}: priority names {set(order) - set(ids)}"
    assert len(order) == len(set(order))


@pytest.mark.parametrize("path", _army_paths(), ids=lambda p: p.name)
def test_support_formations_other_than_engineers_move_with_a_parent(path):
    """A ``support`` formation (artillery, anti-tank, mortars, AA) fights in the formation it
    supports and does not run ahead of it (configs/armies/README.md ``role``): the hold that
    says so (``Holds.support_held_at``) needs its ``parent``. Without one, the Cavalry-
    Mechanized Group's 35th Anti-Tank Artillery Brigade drove alone ahead of every brigade of
    the group and was its first at Kalgan, 16 h before any of them (whole-group rows are scored
    on the first to reach a place). Engineers are the exception: they work ahead of the troops
    they serve ([BELOBORODOV] the column tracks cut through the taiga)."""
    for f in _formations(_doc(path)):
        if f.get("role") != "support" or f.get("kind") == "engineer_sapper_brigade":
            continue
        assert f.get("parent"), (
            f"{path.name}: support formation {f['id']} ({f.get('kind')}) names no parent: "
            "nothing holds it behind the formation it supports")


@pytest.mark.parametrize("path", _army_paths(), ids=lambda p: p.name)
def test_formations_name_known_kinds_norms_standards_and_vehicles(path):
    doc = _doc(path)
    standards = _norms("formations")["standards"]
    march = _norms("march")["norms"]
    ships = _norms("movement")["river"]["ship_classes"]
    vehicles = _vehicle_ids()
    for f in _formations(doc):
        where = f"{path.name}: {f['id']}"
        assert f["kind"] in KINDS, f"{where}: kind {f['kind']!r}"
        assert f.get("role", "main_body") in ROLES, f"{where}: role {f.get('role')!r}"
        std = standards.get(f["standard"]) if "standard" in f else {}
        assert std is not None, f"{where}: standard {f['standard']!r} not in configs/norms/formations.yaml"
        movement = f.get("movement", std.get("movement"))
        assert movement in MOVEMENTS, f"{where}: movement {movement!r}"
        norm = f.get("march_norm", std.get("march_norm"))
        if movement not in {"river", "rail"}:
            norm = norm or _norms("march")["default_by_movement"][movement]
            assert norm in march, f"{where}: march_norm {norm!r}"
        has_men = "men" in f or "men" in std
        has_vehicles = bool(f.get("vehicles") or std.get("vehicles") or f.get("ships") or std.get("ships"))
        assert has_men or has_vehicles, f"{where}: neither men nor vehicles"
        for v in [*(f.get("vehicles") or []), *(std.get("vehicles") or [])]:
            assert v["vehicle"] in vehicles, f"{where}: vehicle {v['vehicle']!r} not in configs/vehicles"
        for s in [*(f.get("ships") or []), *(std.get("ships") or [])]:
            assert s["class"] in ships, f"{where}: ship class {s['class']!r}"
        lift = f.get("lift") or {}
        if "vehicle" in lift:
            assert lift["vehicle"] in vehicles, f"{where}: lift vehicle {lift['vehicle']!r}"


def test_standards_and_norms_name_existing_vehicles_and_norms():
    vehicles = _vehicle_ids()
    march = _norms("march")
    for name, std in _norms("formations")["standards"].items():
        for v in std.get("vehicles") or []:
            assert v["vehicle"] in vehicles, f"standard {name}: {v['vehicle']}"
        if std.get("march_norm") is not None:
            assert std["march_norm"] in march["norms"], f"standard {name}: {std['march_norm']}"
        assert std.get("movement") in MOVEMENTS, f"standard {name}: movement {std.get('movement')}"
    for movement, norm in march["default_by_movement"].items():
        assert movement in MOVEMENTS and norm in march["norms"]
    movement = _norms("movement")
    for section in ("truck",):
        for vid in movement["lift"][section]:
            if vid != "shuttle":
                assert vid in vehicles, vid
    for vid in movement["fuel"]["tank_l_when_vehicle_file_has_none"]:
        assert vid in vehicles, vid


@pytest.mark.parametrize("path", _army_paths(), ids=lambda p: p.name)
def test_supply_names_existing_vehicles_and_ships(path):
    doc = _doc(path)
    vehicles = _vehicle_ids()
    ships = _norms("movement")["river"]["ship_classes"]
    for i, t in enumerate((doc.get("supply") or {}).get("trucks") or []):
        assert t["vehicle"] in vehicles, f"{path.name}: supply.trucks.{i}.vehicle {t['vehicle']!r}"
    for trail, node in _walk(doc.get("flotilla") or {}):
        if isinstance(node, dict) and "class" in node:
            assert node["class"] in ships, f"{path.name}: flotilla.{'.'.join(trail)} {node['class']!r}"


@pytest.mark.parametrize("path", _army_paths(), ids=lambda p: p.name)
def test_railheads_named_on_a_line_are_stations_of_that_line(path):
    import csv

    from logistics.places import _key, lookup

    rows = [r for r in csv.DictReader(
        line for line in (CONFIGS / "network" / "stations-1945.csv").read_text(encoding="utf-8").splitlines()
        if not line.startswith("#"))]
    classes = _norms("movement")["rail"]["line_classes"]
    for rh in ((_doc(path).get("supply") or {}).get("rail") or {}).get("railheads") or []:
        assert rh["line_class"] in classes, f"{path.name}: line_class {rh['line_class']!r}"
        if rh["line"] is None:
            continue
        place = lookup(rh["place"])
        names = {_key(n) for n in (place.name, place.name_1945, *place.aliases) if n}
        on_line = [r for r in rows if r["line"] == rh["line"]
                   and names & {_key(r["name"]), _key(r["name_1945"]), _key(r["key"])}]
        assert on_line, f"{path.name}: railhead {rh['place']} is not a station of {rh['line']}"


# --------------------------------------------------------------------------- places


def _is_point(node) -> bool:
    return isinstance(node, dict) and ("place" in node or ("lon" in node and "lat" in node))


@pytest.mark.parametrize("path", [*_army_paths(), CONFIGS / "fortified-regions.yaml"], ids=lambda p: p.name)
def test_every_place_is_known_or_inside_the_theatre(path):
    from logistics import settings
    from logistics.places import lookup

    w, s, e, n = settings.THEATRE_BBOX
    problems = []
    for trail, node in _walk(_doc(path)):
        if not _is_point(node):
            continue
        if "lon" in node or "lat" in node:
            lon, lat = float(node["lon"]), float(node["lat"])
            if not (w <= lon <= e and s <= lat <= n):
                problems.append(f"{_where(path, trail)}: {lon}, {lat} outside the theatre")
        else:
            try:
                lookup(node["place"])
            except Exception as exc:  # noqa: BLE001 - report every bad place at once
                problems.append(f"{_where(path, trail)}: {exc}")
    assert not problems, "\n".join(problems)


@lru_cache(maxsize=1)
def _borders_metric():
    import geopandas as gpd
    from shapely.ops import unary_union

    from logistics import settings

    borders = gpd.read_file(ROOT / "rasters" / "borders.gpkg").to_crs(settings.METRIC_CRS)
    return unary_union(list(borders.geometry))


def _metric_point(node):
    from pyproj import Transformer
    from shapely.geometry import Point

    from logistics import settings
    from logistics.places import lookup

    if "lon" in node:
        lon, lat = float(node["lon"]), float(node["lat"])
    else:
        p = lookup(node["place"])
        lon, lat = p.lon, p.lat
    to_m = Transformer.from_crs("EPSG:4326", settings.METRIC_CRS, always_xy=True)
    return Point(*to_m.transform(lon, lat))


@pytest.mark.parametrize("path", _army_paths(), ids=lambda p: p.name)
def test_departure_line_lies_at_the_border_and_every_start_on_it(path):
    from shapely.geometry import LineString

    doc = _doc(path)
    dep = doc["departure"]
    points = [_metric_point(p) for p in dep["line"]]
    border = _borders_metric()
    for p, raw in zip(points, dep["line"]):
        km = p.distance(border) / 1000
        assert km <= 10.0, f"{path.name}: departure point {raw} is {km:.0f} km from the border"
    line = points[0] if len(points) == 1 else LineString(points)
    tol = float(dep["tolerance_km"]["value"])
    for f in _formations(doc):
        start = f["start"]
        point = _metric_point(start)
        km = point.distance(line) / 1000
        assert km <= tol, f"{path.name}: {f['id']} starts {km:.1f} km from its departure line (> {tol})"
        km = point.distance(border) / 1000
        assert km <= 10.0, f"{path.name}: {f['id']} starts {km:.0f} km behind the border"
        assert "cite" in start or "assumed" in start, f"{path.name}: {f['id']}.start says not why"


@pytest.mark.parametrize("path", _army_paths(), ids=lambda p: p.name)
def test_start_times_are_not_before_h_hour(path):
    doc = _doc(path)
    h = str(doc["h_hour"]["value"])
    for f in _formations(doc):
        t = (f["start"].get("time") or {}).get("value")
        if t is not None:
            assert str(t) >= h, f"{path.name}: {f['id']} starts at {t}, before H-hour {h}"


# --------------------------------------------------------------------------- honesty


def _objective_points(objectives):
    for o in objectives or []:
        yield o
        for p in o.get("any_of") or []:
            yield p


@pytest.mark.parametrize("path", _army_paths(), ids=lambda p: p.name)
def test_objectives_are_not_taken_from_documented_positions(path):
    doc = _doc(path)
    for f in _formations(doc):
        for o in f.get("objectives") or []:
            text = f"{o.get('cite', '')} {o.get('assumed', '')}".lower()
            assert "documented-advances" not in text, f"{path.name}: {f['id']} objective from the documented file"
            assert "cite" in o or "assumed" in o, f"{path.name}: {f['id']} objective {o} says not where it comes from"
        for p in _objective_points(f.get("objectives")):
            for k in ("date", "time", "arrive", "arrival", "by_day", "day"):
                assert k not in p, f"{path.name}: {f['id']} objective carries a {k!r}"


def test_no_army_file_cites_the_documented_positions():
    for p in _army_paths():
        text = p.read_text(encoding="utf-8").lower()
        assert "documented-advances" not in text, p.name


# --------------------------------------------------------------------------- ranges


def _resolve(doc, dotted: str):
    node = doc
    for token in dotted.split("."):
        if isinstance(node, list):
            if token.isdigit():
                node = node[int(token)]
            else:
                node = next(x for x in node if isinstance(x, dict) and x.get("id") == token)
        else:
            node = node[token]
    return node


@pytest.mark.parametrize("path", [*_army_paths(), *sorted(NORMS_DIR.glob("*.yaml"))], ids=lambda p: p.name)
def test_uncertain_ranges_resolve_and_bracket_their_figure(path):
    doc = _doc(path)
    for key, rng in (doc.get("uncertain") or {}).items():
        assert ("cite" in rng) != ("assumed" in rng), f"{path.name}: uncertain.{key} needs cite or assumed"
        low, high = float(rng["low"]), float(rng["high"])
        assert low <= high, f"{path.name}: uncertain.{key} low > high"
        try:
            target = _resolve(doc, key)
        except (KeyError, IndexError, StopIteration) as exc:
            pytest.fail(f"{path.name}: uncertain.{key} names no figure ({exc!r})")
        value = target["value"] if isinstance(target, dict) else target
        assert low <= float(value) <= high, f"{path.name}: uncertain.{key} {value} outside [{low}, {high}]"


# --------------------------------------------------------------------------- fortified regions


def test_fortified_regions_have_placed_extents_and_one_rule():
    from shapely.geometry import Polygon

    from logistics import settings

    doc = _doc(CONFIGS / "fortified-regions.yaml")
    w, s, e, n = settings.THEATRE_BBOX
    ids = set()
    field = {f["id"] for f in doc["field_positions"]}
    for ur in [*doc["fortified_regions"], *doc["field_positions"]]:
        assert ID_RE.match(ur["id"]) and ur["id"] not in ids, ur["id"]
        ids.add(ur["id"])
        assert ur["status"] in {"sourced", "generic_extent", "named_only", "not_located"}, ur["id"]
        assert set(ur["axes"]) <= AXES, ur["id"]
        if ur["status"] == "not_located":
            assert ur["location"] is None, ur["id"]
            continue
        assert _is_point(ur["location"]), ur["id"]
        extent = ur["extent"]
        if "polygon" in extent:
            poly = Polygon(extent["polygon"])
            assert poly.is_valid and poly.area > 0, ur["id"]
            assert extent["polygon"][0] == extent["polygon"][-1], f"{ur['id']}: polygon not closed"
            for lon, lat in extent["polygon"]:
                assert w <= lon <= e and s <= lat <= n, ur["id"]
            if ur["id"] not in field:  # a field position lies in front of its town
                assert poly.buffer(0.05).contains(_lonlat_point(ur["location"])), \
                    f"{ur['id']}: the town it is named for lies outside its extent"
        elif extent["shape"] == "semi_annulus":  # a field zone drawn from its figures
            assert ur["id"] in field, ur["id"]
            assert float(extent["radius_km"]["value"]) > float(extent["depth_km"]["value"]) > 0
        else:
            assert extent["shape"] == "circle" and float(extent["radius_km"]["value"]) > 0, ur["id"]
    rule = doc["rule"]
    # the rule names formation kinds of the army files or standards (army/fortified.py
    # _check_kinds): every kind has its role there (follow, own_role: explicit roles)
    kinds = set(_norms("formations")["standards"]) | KINDS
    for part in ("bypass", "breakthrough", "follow", "own_role", "detach"):
        assert set(rule[part]["kinds"]) <= kinds, part
    assert float(rule["breakthrough"]["rate_km_per_day"]["value"]) > 0
    assert doc["not_inputs"], "the outcomes left out must be listed"


def _lonlat_point(node):
    from shapely.geometry import Point

    from logistics.places import lookup

    if "lon" in node:
        return Point(float(node["lon"]), float(node["lat"]))
    p = lookup(node["place"])
    return Point(p.lon, p.lat)


def test_fortified_region_rule_takes_nothing_from_scored_battle_lengths():
    doc = _doc(CONFIGS / "fortified-regions.yaml")
    for trail, node in _walk({k: v for k, v in doc.items() if k != "not_inputs"}):
        if isinstance(node, dict) and "value" in node:
            text = f"{node.get('cite', '')} {node.get('assumed', '')}"
            for outcome in ("26 August", "18 August", "12–14 August", "held out until"):
                assert outcome not in text, f"{'.'.join(trail)} uses an outcome: {outcome!r}"


def test_dates_in_army_files_are_inputs_not_positions():
    """Dates appear only as H-hour, run end, seasons, supply windows and start times."""
    allowed = {"h_hour", "end", "start", "until", "time", "first_train_movement"}
    for p in _army_paths():
        for trail, node in _walk(_doc(p)):
            if isinstance(node, (dt.date, dt.datetime)) or (
                    isinstance(node, str) and re.fullmatch(r"1945-\d\d-\d\d(T.*)?", node)):
                assert set(trail) & allowed, f"{p.name}: date at {'.'.join(trail)}"
