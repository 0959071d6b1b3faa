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
* ``on_fortified_region``: the formation's, else the standard's, else the rule's default for
  its kind (:func:`logistics.army.fortified.action_for`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from logistics.army.fortified import FortifiedRule, action_for, detaches
from logistics.army.norms import MarchNorm, Norms
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


def resolve_formations(army: Army, norms: Norms, rule: FortifiedRule) -> tuple[ResolvedFormation, ...]:
    """Every formation of ``army`` resolved against ``norms`` and the fortified-region
    ``rule``; one ConfigError lists every formation that cannot be resolved (no men or
    vehicles, an unknown standard or norm, a lift of zero, a pace vehicle it does not have)."""
    from logistics.vehicles import list_vehicles

    src = army.source
    known_vehicles = set(list_vehicles(config_dir=norms.config_dir))
    problems: list[str] = []
    order = list(army.fuel.priority.order) if army.fuel.priority else []
    order += [f.id for f in army.formations if f.id not in order]
    raw: dict[str, dict] = {}
    for n, f in enumerate(army.formations):
        where = f"{src}: formations.{n} ({f.id})"
        st = None
        if f.standard is not None:
            st = norms.standards.get(f.standard)
            if st is None:
                problems.append(f"{where}.standard: {f.standard!r} is no standard of "
                                f"{_norms_file(norms, 'formations.yaml')}"
                                + did_you_mean(f.standard, norms.standards, lead="; ")
                                + f"; fix: use one of {sorted(norms.standards)}")
                continue
        mult = f.count.value if f.count is not None else 1
        movement = f.movement or (st.movement if st else None)
        if movement is None:
            problems.append(f"{where}.movement: missing (no standard gives it); fix: add "
                            "`movement:` (tracked, motor, truck_borne, tank_riders, foot, horse, "
                            "rail, river)")
            continue
        men = (f.men.value if f.men is not None else (st.men if st else 0)) * mult
        if f.vehicles is not None:
            vehicles = [(v.vehicle, v.count.value * mult) for v in f.vehicles]
        else:
            vehicles = [(v, c * mult) for v, c in (st.vehicles if st else ())]
        for v, _ in vehicles:
            if v not in known_vehicles:
                problems.append(f"{where}.vehicles: unknown vehicle {v!r}; fix: use one of "
                                f"configs/vehicles ({sorted(known_vehicles)})")
        merged: dict[str, int] = {}
        for v, c in vehicles:
            merged[v] = merged.get(v, 0) + int(c)
        raw[f.id] = dict(spec=f, st=st, mult=mult, movement=movement, men=int(men),
                         vehicles=merged, where=where)
    # drawn from the parent: subtract the child's men and vehicles
    for fid, r in raw.items():
        f = r["spec"]
        if not f.drawn_from_parent or f.parent not in raw:
            continue
        p = raw[f.parent]
        if r["men"] > p["men"]:
            problems.append(f"{r['where']}: drawn_from_parent but its {r['men']} men exceed its "
                            f"parent {f.parent}'s {p['men']}; fix: give the parent its whole "
                            "establishment or drop drawn_from_parent")
        p["men"] = max(0, p["men"] - r["men"])
        for v, c in r["vehicles"].items():
            have = p["vehicles"].get(v, 0)
            if c > have:
                problems.append(f"{r['where']}: drawn_from_parent but its {c} {v} exceed its "
                                f"parent {f.parent}'s {have}; fix: give the parent that many "
                                "or drop drawn_from_parent")
            p["vehicles"][v] = max(0, have - c)
    out = []
    for fid, r in raw.items():
        f, st, where, movement = r["spec"], r["st"], r["where"], r["movement"]
        men, vehicles = r["men"], {v: c for v, c in r["vehicles"].items() if c > 0}
        drawn = any(x["spec"].parent == fid and x["spec"].drawn_from_parent
                    for x in raw.values())
        if men <= 0 and not vehicles:
            problems.append(f"{where}: a formation without men or vehicles (after its standard"
                            + (" and what its children draw from it" if drawn else "")
                            + "); fix: give it `men:` or `vehicles:` (or a `standard:`)")
            continue
        if men <= 0:  # vehicles without crews (men: 0 itself is refused by the schema)
            if drawn:
                problems.append(f"{where}.men: its children drawn_from_parent take all its men "
                                f"and leave its vehicles ({', '.join(sorted(vehicles))}) "
                                "without crews; fix: give it its whole establishment, or move "
                                "the vehicles to the children")
            else:
                problems.append(f"{where}.men: missing, and no standard gives it: its vehicles "
                                f"({', '.join(sorted(vehicles))}) would move without crews; "
                                "fix: give `men:` (its strength, crews included) or a "
                                "`standard:`")
            continue
        classes = dict(vehicles)
        if movement == "foot" and men > 0:
            classes[FOOT] = men
        elif movement == "horse" and men > 0:
            classes[HORSE] = men
        pace = _pace_vehicle(f, movement, classes, norms.config_dir)
        if movement not in ("river", "rail"):
            if pace is None:
                want = "tracked" if movement in ("tracked", "tank_riders") else "wheeled"
                own = (f"; its standard {f.standard!r} moves `{st.movement}`: leave "
                       "`movement:` out to take it" if st is not None and st.movement
                       and st.movement != movement else "")
                problems.append(f"{where}.movement: {movement} but the formation has no {want} "
                                f"vehicle; fix: give it one in `vehicles:` or change "
                                f"`movement:`{own}")
                continue
            if pace not in known_vehicles:
                problems.append(f"{where}.pace_vehicle: unknown vehicle {pace!r}")
                continue
            if (pace not in classes and pace not in MEN_CLASSES
                    and not _motor(pace, norms.config_dir)):
                problems.append(f"{where}.pace_vehicle: {pace!r} is a foot or horse vehicle "
                                f"file, but a formation's men march as {FOOT} "
                                f"(`movement: foot`) or {HORSE} (`movement: horse`), and "
                                "`vehicles:` lists motor vehicles only; fix: leave "
                                "pace_vehicle out (its `movement:` then sets the pace), or "
                                f"one of its vehicles {sorted(classes)}; a foot or horse file "
                                "of your own is for `logistics route --vehicle` and "
                                "`logistics sample` (configs/vehicles/README.md)")
                continue
            if pace not in classes and pace not in MEN_CLASSES:
                problems.append(f"{where}.pace_vehicle: {pace!r} is not one of its vehicles "
                                f"{sorted(classes)}{_vehicles_origin(f, norms)}; fix: one of "
                                f"those, or leave pace_vehicle out, or list {pace} in "
                                f"`vehicles:`{_replaces_standard(f)}")
                continue
        lift_vehicle, lift_trucks, lift_men, per, riders = None, 0, 0, 0.0, 0
        lift = f.lift
        if lift is None and st is not None and st.lift is not None:
            lift_vehicle, lift_trucks = st.lift[0], st.lift[1] * r["mult"]
            per = norms.men_per_truck.get(lift_vehicle, 0.0)
            lift_men = int(min(men, lift_trucks * per)) if per else 0
        elif lift is not None and lift.kind == "tank_riders":
            riders = int(lift.men.value) * r["mult"]
            if not _tracked(classes, norms.config_dir):
                problems.append(f"{where}.lift.kind: tank_riders, but the formation has no "
                                f"tanks to ride ({', '.join(sorted(classes)) or 'no vehicles'}); "
                                "fix: give its tanks in `vehicles:`, or a truck lift (`vehicle:`, "
                                "`count:`)")
                continue
        elif lift is not None:  # per body, as `men` and `vehicles`: `count` bodies each lift
            lift_vehicle, lift_trucks = lift.vehicle, int(lift.count.value) * r["mult"]
            per = (lift.men_per_vehicle.value if lift.men_per_vehicle is not None
                   else norms.men_per_truck.get(lift_vehicle, 0.0))
            lift_men = int(lift.men.value) * r["mult"]
            if per <= 0:
                mv = _norms_file(norms, "movement.yaml")
                problems.append(f"{where}.lift: no men per vehicle for {lift_vehicle!r} (none "
                                f"under lift.truck of {mv}); fix: give `men_per_vehicle:` in "
                                f"this `lift:`, or add {lift_vehicle}: {{men_per_vehicle: ...}} "
                                f"under lift.truck of {mv}")
                continue
            if lift_vehicle not in classes:
                problems.append(f"{where}.lift.vehicle: {lift_vehicle!r} is not one of its "
                                f"vehicles {sorted(classes)}{_vehicles_origin(f, norms)}; fix: "
                                f"list the trucks in `vehicles:`{_replaces_standard(f)}")
                continue
            if lift_trucks > classes[lift_vehicle]:
                mult, have = r["mult"], classes[lift_vehicle]
                bodies = (f" a body, {lift_trucks} in its {mult} bodies (`count:`)," if mult > 1
                          else "")
                problems.append(f"{where}.lift.count: {lift.count.value} {lift_vehicle}{bodies} "
                                f"lift men, but the formation has {have} {lift_vehicle}"
                                + (" after what its children draw from it" if drawn else "")
                                + f"; fix: at most {have // mult}"
                                + (" a body" if mult > 1 else "")
                                + f", or more {lift_vehicle} in `vehicles:`")
                continue
        if lift_vehicle is None and riders == 0 and movement == "truck_borne":
            # men ride the formation's own trucks: every wheeled class the norms give a lift for
            cap = [(v, c, norms.men_per_truck[v]) for v, c in vehicles.items()
                   if v in norms.men_per_truck]
            if not cap:
                mv = _norms_file(norms, "movement.yaml")
                problems.append(f"{where}: truck_borne but none of its vehicles "
                                f"({', '.join(sorted(vehicles)) or 'none'}) has men per truck "
                                f"under lift.truck of {mv}; fix: give `lift:` (`vehicle`, "
                                "`count`, `men`, `men_per_vehicle`), or add the truck with its "
                                f"`men_per_vehicle:` under lift.truck of {mv}")
                continue
            lift_vehicle, lift_trucks, per = max(cap, key=lambda t: t[1])
            lift_men = int(min(men, lift_trucks * per))
        if lift_vehicle is not None and lift_trucks * per <= 0:
            problems.append(f"{where}.lift: the lift carries no one (capacity zero); fix: give "
                            "trucks and men per truck above zero, or drop `lift:`")
            continue
        norm = None
        if movement not in ("river", "rail"):
            nid = f.march_norm or (st.march_norm if st else None)
            try:
                norm = norms.norm_for(movement, nid)
            except ConfigError as exc:
                problems.append(f"{where}.march_norm: {exc}")
                continue
        # a standard's routes are per body: `count` bodies march on that many routes each
        routes = (f.column.routes.value if f.column
                  else (st.routes * r["mult"] if st and st.routes else 1))
        gap = (f.column.gap_m.value if f.column and f.column.gap_m is not None
               else (norm.gap_m if norm else 0.0))
        explicit = f.on_fortified_region or (st.on_fortified_region if st else None)
        action = action_for(f.kind, explicit, rule, f.standard)
        detach = detaches(action, f.kind, rule, f.standard)
        loc = f.start.location()
        start_h = army.start_h
        if f.start.time is not None:
            start_h = (f.start.time.value - army.h_hour.value).total_seconds() / 3600.0
        out.append(ResolvedFormation(
            id=fid, name=f.name, kind=f.kind, role=f.role, parent=f.parent,
            aliases=tuple(f.aliases), headline=(fid == army.headline_id), movement=movement,
            pace_vehicle=pace, men=men, classes=tuple(classes.items()),
            lift_vehicle=lift_vehicle, lift_trucks=int(lift_trucks), lift_men=int(lift_men),
            men_per_truck=float(per), riders=riders, norm=norm, routes=int(routes),
            gap_m=float(gap), fortified_action=action, detaches=detach,
            formed_when=f.formed.when if f.formed else None, start_lon=float(loc.lon),
            start_lat=float(loc.lat), start_h=float(start_h),
            objectives=tuple(_objective(o) for o in f.objectives), carried_by=f.carried_by,
            priority=order.index(fid), drawn_from_parent=f.drawn_from_parent,
        ))
    reach = army.fuel.reserve_reach_km
    carrier = next((u for u in out if reach is not None and u.id == reach.carrier), None)
    if carrier is not None and all(c in MEN_CLASSES for c, _ in carrier.classes):
        # the reserve rides with the carrier's transport (configs/armies/README.md): men on
        # foot or horsed alone carry no army's fuel
        land = [u.id for u in out if u.movement not in ("river", "rail")
                and any(c not in MEN_CLASSES for c, _ in u.classes)]
        problems.append(f"{src}: fuel.reserve_reach_km.carrier: {reach.carrier!r} has no "
                        f"vehicle (only men, {carrier.movement}): the army's reserve rides with "
                        "its carrier's "
                        "transport and would ride on nothing; fix: the formation whose "
                        f"transport carries the reserve, one of {land}")
    if problems:
        raise ConfigError(f"{src}: {len(problems)} problem(s) with the formations:\n  - "
                          + listed(problems) + "\n(key reference: configs/armies/README.md)")
    return tuple(out)
