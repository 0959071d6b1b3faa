"""Cross-checks of a validated army that the schema alone cannot make: formations resolve
against the norms (lifts, a motor formation's seats, tanks), vehicles and ship classes exist,
railheads and ``advance_along`` lines are on the 1945 network (configs/network/stations-1945.csv),
starts lie on the departure line, ``uncertain:`` keys name figures and their ranges hold
them. Why: these need the norms, the network and the army's figures; one ConfigError lists
every problem.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from logistics.army.base import _short
from logistics.army.overrides import (GLOBAL_OVERRIDES, army_figure_paths, outside_range_problem,
                                      override_problem, standard_figure)
from logistics.army.schema import Army
from logistics.errors import ConfigError, LogisticsError, did_you_mean, listed

__all__ = ["check_army", "line_ids"]

def check_army(army: Army, config_dir: str | Path | None = None) -> None:
    """Cross-checks that need the norms, the railway network and the army's own figures:
    formations resolve (standards, norms, men or vehicles, lifts, pace vehicles); a motor
    formation's men fit in its vehicles' seats (:mod:`logistics.army.seats`), at every corner of
    its ``uncertain:`` ranges too (:mod:`logistics.army.seat_draws`); vehicles of
    supply and extra fuel exist; a railhead named on a line is a station of it; flotilla
    brigades name known ship classes; ``uncertain:`` keys name figures. One ConfigError."""
    from logistics.army.fortified import load_fortified
    from logistics.army.norms import load_norms
    from logistics.army.resolve import resolve_formations
    from logistics.army.seat_draws import seat_range_problems
    from logistics.army.seats import seat_problems
    from logistics.vehicles import list_vehicles

    src = army.source
    norms = load_norms(config_dir)
    problems: list[str] = []
    units = ()
    try:
        units = resolve_formations(army, norms, load_fortified(config_dir).rule)
    except ConfigError as exc:
        problems += [line.strip()[2:] for line in str(exc).splitlines()
                     if line.strip().startswith("- ")]
    else:
        problems += _lift_problems(army, units)
        problems += seat_problems(army, units, norms)
        problems += _tank_problems(army, units, norms)
        problems += _unread_extra_fuel(army, units)
    problems += _load_problems(army, config_dir)
    known = set(list_vehicles(config_dir=config_dir))
    for v in army.fuel.extra_fuel_l:
        if v not in known:
            problems.append(f"{src}: fuel.extra_fuel_l.{v}: unknown vehicle; fix: use one of "
                            f"{sorted(known)}")
    problems += _troop_lift_problems(army, norms)
    for n, b in enumerate(army.flotilla):
        ships = b.ships if b.ships is not None else None
        if b.standard is not None and b.standard not in norms.standards:
            problems.append(f"{src}: flotilla.{n} ({b.id}).standard: {b.standard!r} is no "
                            "standard of configs/norms/formations.yaml")
        for s in ships or ():
            if s.ship_class not in norms.means.river.ships:
                problems.append(f"{src}: flotilla.{n} ({b.id}).ships: unknown ship class "
                                f"{s.ship_class!r}; fix: use one of "
                                f"{sorted(norms.means.river.ships)} "
                                "(configs/norms/movement.yaml river.ship_classes)")
    problems += _river_supply_problems(army, norms)
    problems += _heat_front_problems(army, norms)
    problems += _railhead_problems(army, config_dir)
    problems += _line_class_problems(army, norms.means.rail.line_classes, norms.means.path)
    problems += _advance_along_problems(army, config_dir)
    problems += _departure_problems(army)
    paths = set(army_figure_paths(army)) | set(GLOBAL_OVERRIDES)
    for key in army.uncertain:
        if key not in paths and (hint := _standard_figure_problem(army, key, config_dir)):
            problems.append(hint)
        elif key not in paths:
            problems.append(f"{src}: uncertain: {key!r} names no figure of this army file"
                            + did_you_mean(key, sorted(paths), n=3, lead="; ")
                            + "; fix: the dotted path of one of its figures (formation ids "
                            "for list positions: formations.<id>.men, supply.trucks.0.count), "
                            "or remove the entry")
    if not problems:
        problems += _range_problems(army)
    if not problems:
        problems += _value_outside_problems(army)
    if not problems:
        problems += seat_range_problems(army, units, norms, load_fortified(config_dir).rule)
    if problems:
        raise ConfigError(f"{src}: {len(problems)} problem(s) in the army file:\n  - "
                          + listed(problems) + "\n(key reference: configs/armies/README.md; "
                          "value rules: configs/README.md)")


def _standard_figure_problem(army: Army, key: str, config_dir) -> str | None:
    """The problem of an ``uncertain:`` key naming a figure a formation does not write but
    takes from its ``standard:`` (``formations.my-rd.men``): the file has no such figure to
    range, and 'names no figure ... formations.<id>.men' told the user to write what they had
    written. None when ``key`` is not of that kind."""
    from logistics.ranges import norms_key, norms_ranges

    found = standard_figure(army, key)
    if found is None:
        return None
    fid, field, std_key = found
    folder = Path(config_dir) / "norms" if config_dir is not None else None
    try:
        ranged = norms_ranges(folder, files=("norms/formations",)).get(
            norms_key("norms/formations", std_key))
    except LogisticsError:  # a broken norms file is reported by its own reader
        ranged = None
    standard = (f"its range {ranged[0]:g} .. {ranged[1]:g} is in formations.yaml's "
                "`uncertain:`" if ranged else "formations.yaml's `uncertain:` can range it")
    return (f"{army.source}: uncertain: {key!r}: formation {fid} writes no `{field}:`, it "
            f"takes its standard's ({std_key.split('.')[1]}: configs/norms/formations.yaml "
            f"{std_key}), so this file has no figure to range; fix: give the formation its own "
            f"`{field}:` {{value, cite|assumed}} and keep the entry, or remove the entry "
            f"(the standard's figure: {standard}, not drawn by the Monte Carlo; set it by hand "
            f"with `logistics compare --set {norms_key('norms/formations', std_key)}=VALUE`)")


def _lift_problems(army: Army, units) -> list[str]:
    """A lift (trucks or tank riders) of more men than the formation has, as the file is
    written. Checked here, on the file, and not when resolving: Monte Carlo draws the men and
    the lift of a formation independently (1fef-35a), and a draw with fewer men than the lift
    is every man riding, not a mistake of the user's."""
    problems = []
    for n, (f, u) in enumerate(zip(army.formations, units)):
        riding = u.riders if f.lift is not None and f.lift.kind == "tank_riders" else (
            u.lift_men if f.lift is not None else 0)
        if riding > u.men:
            bodies = int(f.count.value) if f.count is not None else 1
            drawn = any(g.parent == f.id and g.drawn_from_parent for g in army.formations)
            problems.append(
                f"{army.source}: formations.{n} ({f.id}).lift.men: {f.lift.men.value} men ride"
                + (f" a body, {riding} in its {bodies} bodies (`count:`)," if bodies > 1 else "")
                + f" but the formation has {u.men}"
                + (" after what its children draw from it" if drawn else "")
                + f"; fix: at most {u.men // bodies}" + (" a body" if bodies > 1 else "")
                + ", or more `men:`")
    return problems


def _tank_problems(army: Army, units, norms) -> list[str]:
    """A motor vehicle of a formation or of a supply column with no tank capacity in any file
    (its own ``tank_l``, the norms' table, a column's ``truck_tank_l``): found here, before
    the terrain is built, not when the plan first needs the litres."""
    from logistics.errors import LogisticsError
    from logistics.vehicles import load_vehicle, no_tank_capacity

    def tank_missing(cid: str):
        try:
            v = load_vehicle(cid, config_dir=norms.config_dir)
        except LogisticsError:
            return None  # an unknown vehicle is its own problem, reported where it is named
        if v.fuel_type == "none" or norms.refill_l(v) is not None:
            return None
        return v

    problems: list[str] = []
    for n, (f, u) in enumerate(zip(army.formations, units)):
        for cid, _ in u.motor_classes:
            v = tank_missing(cid)
            if v is not None:
                problems.append(f"{army.source}: formations.{n} ({f.id}): vehicle {cid!r} has "
                                + no_tank_capacity(v, norms.files[1]))
    for i, tr in enumerate(army.supply.trucks):
        v = None if tr.truck_tank_l is not None else tank_missing(tr.vehicle)
        if v is not None:
            problems.append(f"{army.source}: supply.trucks.{i}.vehicle: {v.id!r} has "
                            + no_tank_capacity(v, norms.files[1], column=True))
    return problems


#: How far over its rated payload a supply truck's load of fuel may weigh before ``payload_l``
#: is refused as no load a truck carried. Assumed: the heaviest overload found is Soviet
#: practice loading the Studebaker US6 to 4 t on roads (movement-facts.md, its row of
#: [WIKI-US6]; not in the stored quote) against its 2.3 t off-road rating
#: (configs/vehicles/studebaker-us6.yaml payload_t), 1.74 times; 2 leaves room above that and
#: refuses only loads no truck took (``payload_l: 100000`` on a 3 t ZIS-5: 83 t of fuel).
OVERLOAD_FACTOR = 2.0


def _payload_problem(i: int, tr, v, source: str) -> str | None:
    """A column's ``payload_l`` whose fuel (at the density of the column's ``fuel_type``,
    :data:`logistics.vehicles.CARRIED_DENSITY_KG_PER_L`) weighs more than
    :data:`OVERLOAD_FACTOR` times its vehicle's rated payload: ``payload_t`` of its file, else
    its tanker's tank ``cargo_fuel_l`` at that density. A vehicle with neither has no rated
    payload to compare: only the schema's bound (100,000 L) holds it."""
    from logistics.vehicles import CARRIED_DENSITY_KG_PER_L

    if tr.payload_l is None:
        return None
    density = CARRIED_DENSITY_KG_PER_L[tr.fuel_type]
    if v.payload_t:
        rated_t, what = float(v.payload_t), f"payload_t {v.payload_t:g} t"
    elif v.cargo_fuel_l:
        rated_t = float(v.cargo_fuel_l) * density / 1000.0
        what = f"tank cargo_fuel_l {v.cargo_fuel_l:g} L, {rated_t:.2f} t"
    else:
        return None
    litres = float(tr.payload_l.value)
    fuel_t = litres * density / 1000.0
    if fuel_t <= OVERLOAD_FACTOR * rated_t:
        return None
    most_l = OVERLOAD_FACTOR * rated_t * 1000.0 / density
    return (f"{source}: supply.trucks.{i}.payload_l: {litres:g} L of fuel ({tr.fuel_type}, "
            f"{density:g} kg/L) weigh {fuel_t:.1f} t on one {v.id!r}, whose rated load is "
            f"{what} ({v.path}): more than {OVERLOAD_FACTOR:g} times it (the overload "
            "margin assumed in logistics/army/checks.py); fix: the litres one truck carries, "
            f"at most {most_l:,.0f} L (or leave payload_l out: the vehicle's own load is taken)")


def _load_problems(army: Army, config_dir: str | Path | None = None) -> list[str]:
    """A supply column of a vehicle that carries no load (a tank: neither ``cargo_fuel_l``
    nor ``payload_t`` in its file) and no ``payload_l`` of the column's own: found here, at
    load, not when the run first loads its trucks (it was a ConfigError after the terrain and
    the routes, and without the file or the key); a ``payload_l`` far over the vehicle's
    rated load (:func:`_payload_problem`)."""
    from logistics.vehicles import list_vehicles, load_vehicle

    problems: list[str] = []
    for i, tr in enumerate(army.supply.trucks):
        try:
            v = load_vehicle(tr.vehicle, config_dir=config_dir)
        except LogisticsError:
            continue  # an unknown vehicle is its own problem, reported where it is named
        heavy = _payload_problem(i, tr, v, army.source)
        if heavy is not None:
            problems.append(heavy)
        if tr.payload_l is not None or v.carries_load:
            continue
        carriers = []
        for name in list_vehicles(config_dir=config_dir):
            try:
                other = load_vehicle(name, config_dir=config_dir)
            except LogisticsError:
                continue
            if other.carries_load:
                carriers.append(other.id)
        which = ", ".join(carriers) or "none in this configs folder: add one with payload_t"
        problems.append(
            f"{army.source}: supply.trucks.{i}.vehicle: {v.id!r} carries no load: a {v.kind} "
            f"vehicle whose file ({v.path}) gives neither cargo_fuel_l (a tanker's tank) nor "
            "payload_t, and the column gives no payload_l; a supply column carries fuel to the "
            f"formations; fix: a vehicle that carries a load ({which}), or the litres one of "
            "it carries as the column's payload_l (with its cite: or assumed:)")
    return problems


def _range_problems(army: Army) -> list[str]:
    """``uncertain:`` ranges whose ends a figure does not allow (``in_tanks_refills`` 5..9):
    found here, at load, rather than in the Monte Carlo draws after the runs. Every low end at
    once, then every high end (two validations); a failure is then traced to its keys."""
    problems: list[str] = []
    for end in ("low", "high"):
        draw = {k: getattr(u, end) for k, u in army.uncertain.items()}
        if not draw or override_problem(army, draw) is None:
            continue
        for key, value in draw.items():
            why = override_problem(army, {key: value})
            if why is not None:
                problems.append(f"{army.source}: uncertain: {key}: its {end} end {value:g} is a "
                                f"value the figure cannot take ({why}); fix: a range the "
                                "figure allows")
    return problems


def _value_outside_problems(army: Army) -> list[str]:
    """``uncertain:`` ranges that leave out their figure's own value (``in_tanks_refills``
    1.0 with a range 0.1..0.2): Monte Carlo's bands would hold every draw but the run as
    written. Refused as the norms files' ranges are (:func:`logistics.ranges.uncertain_problems`)."""
    figures = army_figure_paths(army)
    return [f"{army.source}: uncertain: {key}: {why}; fix: widen the range to hold it, or "
            "correct the value"
            for key in army.uncertain if key in figures
            for why in [outside_range_problem(army, key, figures[key].value)] if why]


def _unread_extra_fuel(army: Army, units) -> list[str]:
    """``fuel.extra_fuel_l.<vehicle>`` of a known vehicle that no formation of the army has
    among its motor vehicles (a foot or horse class has no tank): the plan reads it only for
    a formation's vehicle classes, so it was never read (``extra_fuel_l: {is-2: 200}`` in an
    army without IS-2s). An unknown vehicle is said by ``check_army`` itself."""
    from logistics.vehicles import list_vehicles

    known = set(list_vehicles(config_dir=army.config_dir))
    motor = {c for u in units for c, _ in u.motor_classes}
    return [f"{army.source}: fuel.extra_fuel_l.{v}: no formation of the army has a {v} (its "
            f"motor vehicles: {sorted(motor)}), so these litres are never read; fix: the id "
            "of one of those, or remove the entry"
            for v in army.fuel.extra_fuel_l if v in known and v not in motor]


#: Columns of the station list a railhead is checked against, and its largest size (the shipped
#: file is about 15 kB).
_STATION_COLUMNS = ("line", "name", "name_1945", "key")
_STATIONS_MAX_BYTES = 5_000_000


def stations_path(config_dir: str | Path | None = None) -> Path:
    """The station list the army is checked against: ``<config_dir>/network/stations-1945.csv``
    (``settings.CONFIG_DIR`` by default), named as such in every message about it."""
    from logistics import settings

    return settings.config_dir_path(config_dir) / "network" \
        / "stations-1945.csv"


def _station_rows(config_dir: str | Path | None = None) -> list[dict]:
    """Rows of ``<config_dir>/network/stations-1945.csv`` (``settings.CONFIG_DIR`` by default:
    every station of every line R01..R23 of the reference, the isolated R23 railheads
    included), the station list of the folder whose norms the army is checked against."""
    import csv

    from logistics._textfile import read_text

    path = stations_path(config_dir)
    if not path.is_file():  # read as no lines, it blamed the army: "'R01' is no line; use one of []"
        kind = ("a folder" if path.is_dir() else "not a regular file" if path.exists()
                else "missing")
        raise ConfigError(f"station list {path} is {kind}; the railheads' line: and "
                          "supply.rail.advance_along are checked against it; fix: restore it "
                          "from the shipped configs/network/stations-1945.csv")
    text = read_text(path, what="station list", max_bytes=_STATIONS_MAX_BYTES, error=ConfigError)
    reader = csv.DictReader((ln for ln in text.splitlines() if not ln.startswith("#")),
                            restval="")  # a short row (a cut file) reads as empty cells
    missing = [c for c in _STATION_COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise ConfigError(f"{path}: the station list lacks the columns {missing}; fix: restore "
                          f"its header ({','.join(_STATION_COLUMNS)}, ...) or take the shipped "
                          "configs/network/stations-1945.csv")
    rows = list(reader)
    return rows


def line_ids(texts: Sequence[str]) -> tuple[str, ...]:
    """Line ids named in brackets in ``supply.rail.advance_along.lines`` (``"Manzhouli -
    Hailar - Qiqihar (R01)"`` -> ``("R01",)``)."""
    out = []
    for t in texts:
        out += re.findall(r"\(\s*([A-Za-z]\d+[A-Za-z0-9]*)\s*\)", t) or (
            [t.strip()] if re.fullmatch(r"[A-Za-z]\d+[A-Za-z0-9]*", t.strip()) else [])
    return tuple(dict.fromkeys(out))


def _departure_problems(army: Army) -> list[str]:
    """Every formation starts within ``departure.tolerance_km`` of the departure line
    (configs/armies/README.md): depths are measured from that line."""
    from logistics.geodesy import distance_to_line_km, lat_lon_text

    line = [(float(p.location().lon), float(p.location().lat)) for p in army.departure.line]
    tol = float(army.departure.tolerance_km.value)
    problems = []
    for n, f in enumerate(army.formations):
        loc = f.start.location()
        d = float(distance_to_line_km(float(loc.lon), float(loc.lat), line)[0])
        if d > tol:
            problems.append(
                f"{army.source}: formations.{n} ({f.id}).start: {f.start.label} "
                f"({lat_lon_text(float(loc.lat), float(loc.lon), 3)}) lies {d:.0f} km from the "
                f"army's departure line, beyond departure.tolerance_km ({tol:g}); fix: a start "
                "on the line, or a larger departure.tolerance_km (at most 200)")
    return problems


def _advance_along_problems(army: Army, config_dir: str | Path | None = None) -> list[str]:
    """Each of ``supply.rail.advance_along.lines`` must name, in brackets, lines of the 1945
    network (configs/network/stations-1945.csv): a text without one, or with an unknown id,
    was ignored and the railheads silently stood still."""
    rail = army.supply.rail
    texts = rail.advance_along.lines if rail is not None and rail.advance_along else []
    if not texts:
        return []
    known = {r["line"] for r in _station_rows(config_dir)}
    stations = stations_path(config_dir)
    problems = []
    for n, text in enumerate(texts):
        where = f"{army.source}: supply.rail.advance_along.lines.{n} ({_short(text)})"
        ids = line_ids([text])
        if not ids:
            problems.append(f"{where}: names no line id in brackets; fix: end it with the "
                            "line's id, e.g. 'Manzhouli - Hailar - Qiqihar (R01)' (ids in "
                            f"{stations})")
        for i in ids:
            if known and i not in known:
                problems.append(f"{where}: {i!r} is no line of {stations}; fix: one of "
                                f"{sorted(known)}")
    return problems


def _troop_lift_problems(army: Army, norms) -> list[str]:
    """A brigade that carries formations needs ships that carry troops: one of no ships (a
    count of 0, `ships: []`, a standard without ships) was refused only by the plan, after the
    terrain and the routes were built."""
    from logistics.army.means_norms import brigade_ships, troop_lift

    river = norms.means.river
    carriers = sorted(c for c, s in river.ships.items() if s.troops > 0)
    problems = []
    for n, b in enumerate(army.flotilla):
        ships = brigade_ships(b, norms)
        if not b.carries or set(ships) - set(river.ships):  # unknown classes: named below
            continue
        if not sum(troop_lift(ships, river).values()):
            problems.append(
                f"{army.source}: flotilla.{n} ({b.id}): it carries {', '.join(b.carries)}, but "
                f"its ships carry no troops ({ships or 'no ships'}"
                + (f" of standard {b.standard!r}" if b.ships is None else "")
                + "; count x troops per ship of configs/norms/movement.yaml "
                f"river.ship_classes is 0); fix: give it ships of a class that carries troops "
                f"({', '.join(carriers)}), or take those formations off `carries:`")
    return problems


def _line_class_problems(army: Army, known: Sequence[str], movement_yaml: str) -> list[str]:
    """A railhead's ``line_class`` must be a class of the movement norms' ``rail.line_classes``
    (``known``): a misspelt or invented one ("maglev") was taken without a word."""
    rail = army.supply.rail
    if rail is None or not known:
        return []
    return [f"{army.source}: supply.rail.railheads.{n} ({rh.place}).line_class: "
            f"{rh.line_class!r} is no line class of {movement_yaml} (rail.line_classes)"
            + did_you_mean(rh.line_class, known, lead="; ")
            + f"; fix: one of {list(known)}, or leave line_class out"
            for n, rh in enumerate(rail.railheads)
            if rh.line_class is not None and rh.line_class not in known]


def _railhead_problems(army: Army, config_dir: str | Path | None = None) -> list[str]:
    """A railhead named on a line must be a station of that line (configs/network/
    stations-1945.csv): otherwise it is off the network."""
    rail = army.supply.rail
    if rail is None or not any(r.line for r in rail.railheads):
        return []
    from logistics.places import _key, lookup

    rows = _station_rows(config_dir)
    stations = stations_path(config_dir)
    line_ids = {r["line"] for r in rows}
    problems = []
    for n, rh in enumerate(rail.railheads):
        if not rh.line:
            continue
        where = f"{army.source}: supply.rail.railheads.{n} ({rh.place})"
        if rh.line not in line_ids:
            problems.append(f"{where}.line: {rh.line!r} is no line of {stations}; fix: use one "
                            f"of {sorted(line_ids)} or null")
            continue
        try:
            place = lookup(rh.place)
            names = {_key(x) for x in (place.name, place.name_1945, *place.aliases) if x}
        except LogisticsError:
            names = {_key(rh.place)}
        names.add(_key(rh.place))
        on = [r for r in rows if r["line"] == rh.line
              and names & {_key(r["name"]), _key(r["name_1945"]), _key(r["key"])}]
        if not on:
            problems.append(f"{where}: the railhead is off the network: {rh.place!r} is no "
                            f"station of line {rh.line} ({stations}); "
                            "fix: name a station of that line, or give `line: null` for a "
                            "railhead off the shipped network")
    return problems


def _near_miss(a: str, b: str) -> bool:
    """Two front names that differ only by a slip (case, spaces, hyphens, a letter or two):
    "Trans-Baikal Front" for "Transbaikal Front". Names whose digits differ are different
    fronts ("1st" and "2nd Far Eastern Front")."""
    import difflib
    import re

    def key(s: str) -> str:
        return re.sub(r"[^0-9a-z]", "", s.casefold())

    digits = [re.sub(r"\D", "", s) for s in (a, b)]
    return a != b and digits[0] == digits[1] and (
        key(a) == key(b) or difflib.SequenceMatcher(None, key(a), key(b)).ratio() >= 0.9)


def _heat_front_problems(army: Army, norms) -> list[str]:
    """The army's ``front`` next to a front a march norm's heat rule names
    (``march.yaml norms.<id>.heat_rule.fronts``) without being it: the rule holds on the fronts
    named exactly, so a slip in either file ("Transbaikal Frnt") turned the night marches off
    without a word (breaker35)."""
    out = []
    for nid, norm in sorted(norms.march.items()):
        heat = norm.heat
        if heat is None or not heat.fronts or army.front in heat.fronts:
            continue
        for f in heat.fronts:
            if _near_miss(army.front, f):
                where = norms.files[0] if norms.files else "configs/norms/march.yaml"
                out.append(f"{army.source}: front: {army.front!r} is not the front {f!r} that "
                           f"{where} norms.{nid}.heat_rule.fronts names, but nearly: the rule "
                           "(night marches in the heat) holds only on a front named exactly; "
                           "fix: write the one name in both files")
    return out


def _river_supply_problems(army, norms) -> list[str]:
    """A river supply source (``supply.river``) whose ships are not its brigade's (an unknown
    class, more than the brigade has) or carry no fuel (the class's troop lift x
    ``river.cargo_l_per_troop_place`` of the movement norms is 0): one line each, naming
    the key, the value and the fix. Its port's distance from a navigable river is checked
    when the run plans it (:func:`logistics.advance.supply_specs.river_specs`: the waterways
    are in ``network/``)."""
    from logistics.army.means_norms import brigade_ships

    src, out = army.source, []
    river = norms.means.river
    brigades = {b.id: b for b in army.flotilla}
    taken: dict[tuple[str, str], list[str]] = {}  # (brigade, class) -> the entries taking some
    for n, r in enumerate(army.supply.river):
        b = brigades.get(r.flotilla)
        if b is None:  # named by army.cross_refs
            continue
        have = brigade_ships(b, norms)
        for k, s in enumerate(r.ships):
            key = f"{src}: supply.river.{n} ({r.name}).ships.{k}"
            count = int(s.count.value)
            span = army.uncertain.get(f"supply.river.{n}.ships.{k}.count")
            taken.setdefault((b.id, s.ship_class), []).append(f"supply.river.{n}")
            if s.ship_class in river.ships and span is not None \
                    and span.high > have.get(s.ship_class, 0):
                # a Monte Carlo draw up there sailed ships the brigade has not (breaker35)
                out.append(f"{src}: uncertain: supply.river.{n}.ships.{k}.count: its high end "
                           f"{span.high:g} is more {s.ship_class} than flotilla brigade "
                           f"{b.id!r} has ({have.get(s.ship_class, 0)}); fix: a range up to "
                           "that many")
            if s.ship_class not in river.ships:
                out.append(f"{key}.class: {s.ship_class!r} is no ship class; fix: one of "
                           f"{sorted(river.ships)} (configs/norms/movement.yaml "
                           "river.ship_classes)")
            elif count > have.get(s.ship_class, 0):
                out.append(f"{key}.count: {count} {s.ship_class}, but flotilla brigade "
                           f"{b.id!r} has {have.get(s.ship_class, 0)}; fix: at most that many "
                           f"(its ships: {have})")
            elif count > 0 and not river.cargo_l(s.ship_class) > 0:
                out.append(f"{key}: a {s.ship_class} carries {river.cargo_l(s.ship_class):g} L "
                           f"of fuel (troops {river.ships[s.ship_class].troops} x "
                           f"river.cargo_l_per_troop_place {river.cargo_l_per_troop:g} of "
                           f"{norms.means.path}"
                           "); fix: ships with a troop lift, and a cargo_l_per_troop_place "
                           "above 0 in the movement norms")
    for (bid, cls), entries in taken.items():
        have = brigade_ships(brigades[bid], norms).get(cls, 0)
        total = sum(int(s.count.value) for r in army.supply.river if r.flotilla == bid
                    for s in r.ships if s.ship_class == cls)
        if len(entries) > 1 and total > have:  # the same ships in two sources (breaker35)
            out.append(f"{src}: {' and '.join(entries)}: {total} {cls} of flotilla brigade "
                       f"{bid!r} in all, but it has {have}; each ship carries fuel for one "
                       "source; fix: at most that many together")
    return out
