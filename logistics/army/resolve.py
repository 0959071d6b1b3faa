"""An army file with its norms -> each formation as plain data (men, vehicles, lift, pace,
march norm, column, start, objectives, fortified-region action): what the engine plans from.

Rules (configs/armies/README.md, the same for every army):

* a formation's ``standard`` (configs/norms/formations.yaml) gives every key it does not give
  itself; ``count`` standards move together as one body (men and vehicles multiplied);
* a formation ``drawn_from_parent`` takes its men and vehicles out of its parent's;
* the **pace vehicle** (the class the route is planned for and whose cost model times it):
  ``pace_vehicle`` if given; else the men's own class for ``foot`` (``foot-infantry``) and
  ``horse`` (``horse-cavalry``); else the most numerous tracked class for ``tracked`` and
  ``tank_riders``, the most numerous wheeled class for ``motor`` and ``truck_borne``;
* men on foot or horsed march as their own class (``foot-infantry``, ``horse-cavalry``, counted
  in men); men of tracked, motor and truck-borne formations ride their vehicles;
* the march norm: ``march_norm``, else the standard's, else the norms' default for the
  movement; the column: ``column``, else the standard's routes and the norm's gap;
* ``on_fortified_region``: the formation's, else the standard's, else the role the rule's
  lists give its kind, else its standard (:func:`logistics.army.fortified.action_for`); a
  formation none of them gives a role is refused (no default: a kind the rule does not name
  is not assumed to assault).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from logistics.army.fortified import FortifiedRule, action_for, detaches, no_role_problem
from logistics.army.norms import MarchNorm, Norms, Standard
from logistics.army.schema import AnyOf, Army, FormationSpec
from logistics.errors import ConfigError, did_you_mean, listed

__all__ = ["ObjectiveSpec", "ResolvedFormation", "resolve_formations", "FOOT", "HORSE",
           "MEN_CLASSES"]

#: The vehicle files that stand for men marching and horsemen riding.
FOOT = "foot-infantry"
HORSE = "horse-cavalry"
MEN_CLASSES = (FOOT, HORSE)


@dataclass(frozen=True)
class ObjectiveSpec:
    """One objective: ``options`` ((label, lon, lat), ...) of which the formation takes the one
    its own route reaches first (one option for a single place); reached within
    ``radius_km``."""

    name: str
    options: tuple[tuple[str, float, float], ...]
    radius_km: float


@dataclass(frozen=True)
class ResolvedFormation:
    """A formation as the engine plans it (plain data; see the module docstring)."""

    id: str
    name: str
    kind: str
    role: str
    parent: str | None
    aliases: tuple[str, ...]
    headline: bool
    movement: str
    pace_vehicle: str | None
    men: int
    classes: tuple[tuple[str, int], ...]
    lift_vehicle: str | None
    lift_trucks: int
    lift_men: int
    men_per_truck: float
    riders: int
    norm: MarchNorm | None
    routes: int
    gap_m: float
    fortified_action: str
    detaches: bool
    formed_when: str | None
    start_lon: float
    start_lat: float
    start_h: float
    objectives: tuple[ObjectiveSpec, ...]
    carried_by: str | None
    priority: int
    drawn_from_parent: bool

    @property
    def motor_classes(self) -> tuple[tuple[str, int], ...]:
        """The classes that are vehicles (not men on foot or horsed)."""
        return tuple((c, n) for c, n in self.classes if c not in MEN_CLASSES)

    @property
    def vehicle_count(self) -> int:
        """Motor vehicles of the formation."""
        return sum(n for _, n in self.motor_classes)


def _objective(o) -> ObjectiveSpec:
    if isinstance(o, AnyOf):
        opts = []
        for p in o.any_of:
            loc = p.location()
            opts.append((p.label, float(loc.lon), float(loc.lat)))
        name = " or ".join(x[0] for x in opts)
        return ObjectiveSpec(name, tuple(opts), float(o.radius_km))
    loc = o.location()
    return ObjectiveSpec(o.place, ((o.place, float(loc.lon), float(loc.lat)),), float(o.radius_km))


def _pace_vehicle(f: FormationSpec, movement: str, classes: dict[str, int],
                  config_dir: Path | None = None) -> str | None:
    from logistics.vehicles import load_vehicle

    if f.pace_vehicle:
        return f.pace_vehicle
    if movement == "foot":
        return FOOT
    if movement == "horse":
        return HORSE
    if movement in ("river", "rail"):
        return None
    want = "tracked" if movement in ("tracked", "tank_riders") else "wheeled"
    cands = [(n, c) for c, n in classes.items() if c not in MEN_CLASSES and n > 0
             and load_vehicle(c, config_dir=config_dir).kind == want]
    if not cands:
        return None
    return max(cands, key=lambda t: (t[0], t[1]))[1]


def _motor(vehicle_id: str, config_dir: Path | None = None) -> bool:
    """Whether ``vehicle_id`` (a known vehicle file of ``config_dir``) is a motor vehicle
    (tracked or wheeled)."""
    from logistics.vehicles import load_vehicle

    return load_vehicle(vehicle_id, config_dir=config_dir).is_motorised


def _norms_file(norms: Norms, name: str) -> str:
    """The path of the norms file ``name`` the run read (a copied configs folder's under
    LOGISTICS_CONFIG_DIR), so a message names the file to edit."""
    return next((f for f in norms.files if Path(f).name == name), f"configs/norms/{name}")


def _vehicles_origin(f, norms: Norms) -> str:
    """Where a formation's vehicles come from, for a message: its standard's when it gives
    no `vehicles:` of its own (a user who never wrote them should learn where they are)."""
    if f.vehicles is not None or f.standard is None:
        return ""
    return (f" (from its standard {f.standard!r} in {_norms_file(norms, 'formations.yaml')}: "
            "it gives no `vehicles:` of its own)")


def _replaces_standard(f) -> str:
    """The clause a fix needs when a formation would first get a `vehicles:` list: it
    replaces the standard's whole list (configs/armies/README.md, Formations)."""
    if f.vehicles is not None or f.standard is None:
        return ""
    return " (a `vehicles:` list replaces the standard's whole list: list the ones it keeps too)"


def _tracked(classes: dict[str, int], config_dir: Path | None = None) -> list[str]:
    """The tracked vehicle classes among ``classes`` (tanks and SP guns men can ride)."""
    from logistics.vehicles import load_vehicle

    return [c for c, n in classes.items() if c not in MEN_CLASSES and n > 0
            and load_vehicle(c, config_dir=config_dir).kind == "tracked"]


#: Movements carried by others' means (ships, trains): no pace vehicle, march norm or lift.
_CARRIED = ("river", "rail")


@dataclass
class _Draft:
    """One formation's first pass: its spec, its standard, its ``bodies`` (``count:``, 1 when
    not given), its movement, and its men and vehicles multiplied out; ``where`` names it in
    every message. Mutable because the men and vehicles its children drawn from it take are
    subtracted afterwards (:func:`_subtract_drawn`)."""

    spec: FormationSpec
    standard: Standard | None
    bodies: int
    movement: str
    men: int
    vehicles: dict[str, int]
    where: str


@dataclass(frozen=True)
class _Lift:
    """How a formation's men ride (none: they march or ride their tracked/motor vehicles):
    ``vehicle`` its lift's truck class with ``trucks`` of them carrying ``men`` at
    ``per_truck`` each, or ``riders`` men on its tanks."""

    vehicle: str | None = None
    trucks: int = 0
    men: int = 0
    per_truck: float = 0.0
    riders: int = 0


def _priority_order(army: Army) -> list[str]:
    """Formation ids in fuel priority order: ``fuel.priority.order`` first, then the others
    in file order (a formation's ``priority`` is its index here)."""
    order = list(army.fuel.priority.order) if army.fuel.priority else []
    return order + [f.id for f in army.formations if f.id not in order]


#: Groupings that are several bodies of one standard, not a standard of their own:
#: name suffix -> the suffix of the standard they are made of (a rifle corps, a rifle army).
_GROUPINGS = {"_corps": "_division", "_army": "_division"}


def _grouping_fix(name: str, standards) -> str:
    """The fix for a ``standard:`` that names a grouping of another standard's bodies
    (``rifle_corps``, also a ``kind:``): that standard with ``count:``, as the shipped files
    give a corps of unnamed divisions. Else ''. Why: the near-name hint offered
    ``mech_corps`` (a tank-heavy establishment) for a rifle corps."""
    for whole, part in _GROUPINGS.items():
        body = name[:-len(whole)] + part if name.endswith(whole) else None
        if body in standards:
            return (f"; a {name.replace('_', ' ')} is several {body} bodies moving as one; "
                    f"fix: `standard: {body}` with `count: {{value: N, cite or assumed}}`, how "
                    "many of them (the generic counts where no source gives one: `army_sizes` "
                    "of that file; configs/armies/README.md, Formations, `count`)")
    return ""


def _draft(f: FormationSpec, n: int, src: str, norms: Norms, known_vehicles: set[str],
           problems: list[str]) -> _Draft | None:
    """Formation ``f`` (``formations.<n>`` of the army file ``src``) with its standard's
    figures filled in and its bodies multiplied out; its problems appended to ``problems``.
    None when it has no standard or movement to resolve from (nothing further can be said of
    it); an unknown vehicle is a problem, yet it is drafted so its other problems are listed
    too."""
    where = f"{src}: formations.{n} ({f.id})"
    st = None
    if f.standard is not None:
        st = norms.standards.get(f.standard)
        if st is None:
            problems.append(f"{where}.standard: {f.standard!r} is no standard of "
                            f"{_norms_file(norms, 'formations.yaml')}"
                            + (_grouping_fix(f.standard, norms.standards)
                               or did_you_mean(f.standard, norms.standards, lead="; ")
                               + f"; fix: use one of {sorted(norms.standards)}"))
            return None
    bodies = f.count.value if f.count is not None else 1
    movement = f.movement or (st.movement if st else None)
    if movement is None:
        problems.append(f"{where}.movement: missing (no standard gives it); fix: add "
                        "`movement:` (tracked, motor, truck_borne, tank_riders, foot, horse, "
                        "rail, river)")
        return None
    men = (f.men.value if f.men is not None else (st.men if st else 0)) * bodies
    if f.vehicles is not None:
        vehicles = [(v.vehicle, v.count.value * bodies) for v in f.vehicles]
    else:
        vehicles = [(v, c * bodies) for v, c in (st.vehicles if st else ())]
    for v, _ in vehicles:
        if v not in known_vehicles:
            problems.append(f"{where}.vehicles: unknown vehicle {v!r}; fix: use one of "
                            f"configs/vehicles ({sorted(known_vehicles)})")
    merged: dict[str, int] = {}
    for v, c in vehicles:
        merged[v] = merged.get(v, 0) + int(c)
    return _Draft(spec=f, standard=st, bodies=bodies, movement=movement, men=int(men),
                  vehicles=merged, where=where)


def _subtract_drawn(drafts: dict[str, _Draft], problems: list[str]) -> None:
    """Take each ``drawn_from_parent`` formation's men and vehicles out of its parent's draft,
    in file order (never below zero); a child that draws more than its parent has left is a
    problem. Why: the army file gives the parent its whole establishment and the child is a
    part of it, so the two are not counted twice."""
    for child in drafts.values():
        f = child.spec
        if not f.drawn_from_parent or f.parent not in drafts:
            continue
        parent = drafts[f.parent]
        if child.men > parent.men:
            problems.append(f"{child.where}: drawn_from_parent but its {child.men} men exceed "
                            f"its parent {f.parent}'s {parent.men}; fix: give the parent its "
                            "whole establishment or drop drawn_from_parent")
        parent.men = max(0, parent.men - child.men)
        for v, c in child.vehicles.items():
            have = parent.vehicles.get(v, 0)
            if c > have:
                problems.append(f"{child.where}: drawn_from_parent but its {c} {v} exceed its "
                                f"parent {f.parent}'s {have}; fix: give the parent that many "
                                "or drop drawn_from_parent")
            parent.vehicles[v] = max(0, have - c)


def _crew_problem(d: _Draft, vehicles: dict[str, int], drawn: bool) -> str | None:
    """Why a formation left with ``d.men`` men and ``vehicles`` (after what its children,
    ``drawn``, take) cannot move: nothing at all, or vehicles without crews; None if it can."""
    if d.men <= 0 and not vehicles:
        return (f"{d.where}: a formation without men or vehicles (after its standard"
                + (" and what its children draw from it" if drawn else "")
                + "); fix: give it `men:` or `vehicles:` (or a `standard:`)")
    if d.men > 0:
        return None
    # vehicles without crews (men: 0 itself is refused by the schema)
    if drawn:
        return (f"{d.where}.men: its children drawn_from_parent take all its men "
                f"and leave its vehicles ({', '.join(sorted(vehicles))}) "
                "without crews; fix: give it its whole establishment, or move "
                "the vehicles to the children")
    return (f"{d.where}.men: missing, and no standard gives it: its vehicles "
            f"({', '.join(sorted(vehicles))}) would move without crews; "
            "fix: give `men:` (its strength, crews included) or a "
            "`standard:`")


def _classes(vehicles: dict[str, int], movement: str, men: int) -> dict[str, int]:
    """The formation's classes: its vehicles, and its men as their own class when they march
    (``foot-infantry``) or ride horses (``horse-cavalry``), counted in men."""
    classes = dict(vehicles)
    if movement == "foot" and men > 0:
        classes[FOOT] = men
    elif movement == "horse" and men > 0:
        classes[HORSE] = men
    return classes


def _pace_problems(d: _Draft, pace: str | None, classes: dict[str, int], norms: Norms,
                   known_vehicles: set[str]) -> str | None:
    """Why ``pace`` cannot be the pace vehicle of a formation moving on its own (not carried):
    none of the kind its movement needs, an unknown vehicle, a foot or horse file given as
    ``pace_vehicle``, or a vehicle it does not have; None if it can."""
    f, st, where, movement = d.spec, d.standard, d.where, d.movement
    if pace is None:
        want = "tracked" if movement in ("tracked", "tank_riders") else "wheeled"
        own = (f"; its standard {f.standard!r} moves `{st.movement}`: leave "
               "`movement:` out to take it" if st is not None and st.movement
               and st.movement != movement else "")
        return (f"{where}.movement: {movement} but the formation has no {want} "
                f"vehicle; fix: give it one in `vehicles:` or change "
                f"`movement:`{own}")
    if pace not in known_vehicles:
        return f"{where}.pace_vehicle: unknown vehicle {pace!r}"
    if pace in classes or pace in MEN_CLASSES:
        return None
    if not _motor(pace, norms.config_dir):
        return (f"{where}.pace_vehicle: {pace!r} is a foot or horse vehicle "
                f"file, but a formation's men march as {FOOT} "
                f"(`movement: foot`) or {HORSE} (`movement: horse`), and "
                "`vehicles:` lists motor vehicles only; fix: leave "
                "pace_vehicle out (its `movement:` then sets the pace), or "
                f"one of its vehicles {sorted(classes)}; a foot or horse file "
                "of your own is for `logistics route --vehicle` and "
                "`logistics sample` (configs/vehicles/README.md)")
    return (f"{where}.pace_vehicle: {pace!r} is not one of its vehicles "
            f"{sorted(classes)}{_vehicles_origin(f, norms)}; fix: one of "
            f"those, or leave pace_vehicle out, or list {pace} in "
            f"`vehicles:`{_replaces_standard(f)}")


def _lift(d: _Draft, classes: dict[str, int], vehicles: dict[str, int], drawn: bool,
          norms: Norms) -> _Lift | str:
    """How the formation's men ride, or the one problem (a str) that refuses its lift.

    In order: its standard's trucks when it gives no ``lift:`` (they carry what their seats
    hold, at most its men); tank riders (it needs tanks); its own truck lift (men per truck
    from the lift or the norms; the trucks among its vehicles, after what its children
    ``drawn`` take); then a ``truck_borne`` formation with none of these rides the most
    numerous of its own ``vehicles`` the norms give seats for. Lift figures are per body,
    multiplied by its bodies. A lift that carries no one is refused."""
    f, st, where, n_bodies, men = d.spec, d.standard, d.where, d.bodies, d.men
    lift_vehicle, lift_trucks, lift_men, per, riders = None, 0, 0, 0.0, 0
    lift = f.lift
    if lift is None and st is not None and st.lift is not None:
        lift_vehicle, lift_trucks = st.lift[0], st.lift[1] * n_bodies
        per = norms.men_per_truck.get(lift_vehicle, 0.0)
        lift_men = int(min(men, lift_trucks * per)) if per else 0
    elif lift is not None and lift.kind == "tank_riders":
        riders = int(lift.men.value) * n_bodies
        if not _tracked(classes, norms.config_dir):
            return (f"{where}.lift.kind: tank_riders, but the formation has no "
                    f"tanks to ride ({', '.join(sorted(classes)) or 'no vehicles'}); "
                    "fix: give its tanks in `vehicles:`, or a truck lift (`vehicle:`, "
                    "`count:`)")
    elif lift is not None:  # per body, as `men` and `vehicles`: `count` bodies each lift
        lift_vehicle, lift_trucks = lift.vehicle, int(lift.count.value) * n_bodies
        per = (lift.men_per_vehicle.value if lift.men_per_vehicle is not None
               else norms.men_per_truck.get(lift_vehicle, 0.0))
        lift_men = int(lift.men.value) * n_bodies
        if per <= 0:
            mv = _norms_file(norms, "movement.yaml")
            return (f"{where}.lift: no men per vehicle for {lift_vehicle!r} (none "
                    f"under lift.truck of {mv}); fix: give `men_per_vehicle:` in "
                    f"this `lift:`, or add {lift_vehicle}: {{men_per_vehicle: ...}} "
                    f"under lift.truck of {mv}")
        if lift_vehicle not in classes:
            return (f"{where}.lift.vehicle: {lift_vehicle!r} is not one of its "
                    f"vehicles {sorted(classes)}{_vehicles_origin(f, norms)}; fix: "
                    f"list the trucks in `vehicles:`{_replaces_standard(f)}")
        if lift_trucks > classes[lift_vehicle]:
            have = classes[lift_vehicle]
            bodies = (f" a body, {lift_trucks} in its {n_bodies} bodies (`count:`),"
                      if n_bodies > 1 else "")
            return (f"{where}.lift.count: {lift.count.value} {lift_vehicle}{bodies} "
                    f"lift men, but the formation has {have} {lift_vehicle}"
                    + (" after what its children draw from it" if drawn else "")
                    + f"; fix: at most {have // n_bodies}"
                    + (" a body" if n_bodies > 1 else "")
                    + f", or more {lift_vehicle} in `vehicles:`")
    if lift_vehicle is None and riders == 0 and d.movement == "truck_borne":
        # men ride the formation's own trucks: every wheeled class the norms give a lift for
        cap = [(v, c, norms.men_per_truck[v]) for v, c in vehicles.items()
               if v in norms.men_per_truck]
        if not cap:
            mv = _norms_file(norms, "movement.yaml")
            return (f"{where}: truck_borne but none of its vehicles "
                    f"({', '.join(sorted(vehicles)) or 'none'}) has men per truck "
                    f"under lift.truck of {mv}; fix: give `lift:` (`vehicle`, "
                    "`count`, `men`, `men_per_vehicle`), or add the truck with its "
                    f"`men_per_vehicle:` under lift.truck of {mv}")
        lift_vehicle, lift_trucks, per = max(cap, key=lambda t: t[1])
        lift_men = int(min(men, lift_trucks * per))
    if lift_vehicle is not None and lift_trucks * per <= 0:
        return (f"{where}.lift: the lift carries no one (capacity zero); fix: give "
                "trucks and men per truck above zero, or drop `lift:`")
    return _Lift(vehicle=lift_vehicle, trucks=int(lift_trucks), men=int(lift_men),
                 per_truck=float(per), riders=riders)


def _column(d: _Draft, norm: MarchNorm | None) -> tuple[int, float]:
    """The column's parallel routes and its gap between vehicles, m: the formation's
    ``column:``, else its standard's routes (per body: ``count`` bodies march on that many
    routes each; 1 without) and its march norm's gap (0 without a norm)."""
    f, st = d.spec, d.standard
    routes = (f.column.routes.value if f.column
              else (st.routes * d.bodies if st and st.routes else 1))
    gap = (f.column.gap_m.value if f.column and f.column.gap_m is not None
           else (norm.gap_m if norm else 0.0))
    return int(routes), float(gap)


def _start_h(f: FormationSpec, army: Army) -> float:
    """Hours from H-hour the formation sets off: its ``start.time``, else the army's start."""
    if f.start.time is None:
        return float(army.start_h)
    return float((f.start.time.value - army.h_hour.value).total_seconds() / 3600.0)


def _resolved(fid: str, d: _Draft, drafts: dict[str, _Draft], army: Army, norms: Norms,
              rule: FortifiedRule, known_vehicles: set[str],
              order: list[str]) -> ResolvedFormation | str:
    """The draft ``d`` of formation ``fid`` as the engine plans it, or its first problem (a
    str): crews, pace vehicle, lift, march norm are checked in that order, and a formation is
    refused at its first problem (the later checks read what the earlier ones settle)."""
    f = d.spec
    vehicles = {v: c for v, c in d.vehicles.items() if c > 0}
    drawn = any(x.spec.parent == fid and x.spec.drawn_from_parent for x in drafts.values())
    problem = _crew_problem(d, vehicles, drawn)
    if problem is not None:
        return problem
    classes = _classes(vehicles, d.movement, d.men)
    pace = _pace_vehicle(f, d.movement, classes, norms.config_dir)
    if d.movement not in _CARRIED:
        problem = _pace_problems(d, pace, classes, norms, known_vehicles)
        if problem is not None:
            return problem
    lift = _lift(d, classes, vehicles, drawn, norms)
    if isinstance(lift, str):
        return lift
    norm = None
    if d.movement not in _CARRIED:
        nid = f.march_norm or (d.standard.march_norm if d.standard else None)
        try:
            norm = norms.norm_for(d.movement, nid)
        except ConfigError as exc:
            return f"{d.where}.march_norm: {exc}"
    routes, gap = _column(d, norm)
    explicit = f.on_fortified_region or (d.standard.on_fortified_region if d.standard else None)
    action = action_for(f.kind, explicit, rule, f.standard)
    if action is None:
        return no_role_problem(d.where, f.kind, f.standard, rule)
    loc = f.start.location()
    return ResolvedFormation(
        id=fid, name=f.name, kind=f.kind, role=f.role, parent=f.parent,
        aliases=tuple(f.aliases), headline=(fid == army.headline_id), movement=d.movement,
        pace_vehicle=pace, men=d.men, classes=tuple(classes.items()),
        lift_vehicle=lift.vehicle, lift_trucks=lift.trucks, lift_men=lift.men,
        men_per_truck=lift.per_truck, riders=lift.riders, norm=norm, routes=routes,
        gap_m=gap, fortified_action=action, detaches=detaches(action, f.kind, rule, f.standard),
        formed_when=f.formed.when if f.formed else None, start_lon=float(loc.lon),
        start_lat=float(loc.lat), start_h=_start_h(f, army),
        objectives=tuple(_objective(o) for o in f.objectives), carried_by=f.carried_by,
        priority=order.index(fid), drawn_from_parent=f.drawn_from_parent,
    )


def _reserve_carrier_problem(army: Army, out: list[ResolvedFormation]) -> str | None:
    """Why ``fuel.reserve_reach_km.carrier`` (each, when a list) cannot carry the army's
    reserve: it has men only (the reserve rides with the carrier's transport,
    configs/armies/README.md: men on foot or horsed alone carry no army's fuel); None if they
    can or none is named."""
    reach = army.fuel.reserve_reach_km
    for name in (reach.carriers if reach is not None else ()):
        carrier = next((u for u in out if u.id == name), None)
        if carrier is None or not all(c in MEN_CLASSES for c, _ in carrier.classes):
            continue
        land = [u.id for u in out if u.movement not in _CARRIED
                and any(c not in MEN_CLASSES for c, _ in u.classes)]
        return (f"{army.source}: fuel.reserve_reach_km.carrier: {name!r} has no "
                f"vehicle (only men, {carrier.movement}): the army's reserve rides with "
                "its carrier's "
                "transport and would ride on nothing; fix: the formation whose "
                f"transport carries the reserve, one of {land}")
    return None


def resolve_formations(army: Army, norms: Norms, rule: FortifiedRule) -> tuple[ResolvedFormation, ...]:
    """Every formation of ``army`` resolved against ``norms`` and the fortified-region
    ``rule``; one ConfigError lists every formation that cannot be resolved (no men or
    vehicles, an unknown standard or norm, a lift of zero, a pace vehicle it does not have).

    Three passes: each formation drafted from its own keys and its standard
    (:func:`_draft`); the men and vehicles of formations drawn from their parent taken out of
    the parent's (:func:`_subtract_drawn`, which needs every draft); then each draft checked
    and resolved (:func:`_resolved`), and the reserve's carrier checked among the results."""
    from logistics.vehicles import list_vehicles

    src = army.source
    known_vehicles = set(list_vehicles(config_dir=norms.config_dir))
    problems: list[str] = []
    order = _priority_order(army)
    drafts: dict[str, _Draft] = {}
    for n, f in enumerate(army.formations):
        d = _draft(f, n, src, norms, known_vehicles, problems)
        if d is not None:
            drafts[f.id] = d
    _subtract_drawn(drafts, problems)
    out: list[ResolvedFormation] = []
    for fid, d in drafts.items():
        unit = _resolved(fid, d, drafts, army, norms, rule, known_vehicles, order)
        if isinstance(unit, str):
            problems.append(unit)
        else:
            out.append(unit)
    problem = _reserve_carrier_problem(army, out)
    if problem is not None:
        problems.append(problem)
    if problems:
        raise ConfigError(f"{src}: {len(problems)} problem(s) with the formations:\n  - "
                          + listed(problems) + "\n(key reference: configs/armies/README.md)")
    return tuple(out)
