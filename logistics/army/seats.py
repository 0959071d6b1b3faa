"""The seat rule of a ``movement: motor`` formation: its men must fit in its own vehicles.

Why: a motor formation moves at its wheeled vehicles' pace and nothing shuttles it (only
``truck_borne`` does, configs/armies/README.md "Means of movement"), so a man without a seat
would travel at motor speed on nothing (3000 men on 5 GAZ-67B drove 447 km at 195 km/day).
Seats per vehicle (men, crews and drivers included) come from configs/norms/movement.yaml:
``lift.truck.<vehicle>.men_per_vehicle`` for a wheeled vehicle (the formation's own
``lift.men_per_vehicle`` for its lift vehicle), ``lift.tank_riders.men_per_tank`` for a
tracked one (riders only: no vehicle file gives a crew, so the count errs low); a vehicle with
no figure there seats no one (the check counts only seats a figure gives; the message says
how to give one). Checked on the file as written; its ``uncertain:`` ranges and the Monte
Carlo's draws are checked by the same rule in :mod:`logistics.army.seat_draws`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from logistics.army.norms import Norms
from logistics.army.resolve import _norms_file
from logistics.army.schema import Army

__all__ = ["SEATED_MOVEMENTS", "Shortfall", "vehicle_seats", "seats_of", "seat_shortfalls",
           "seats_text", "seat_problems"]

#: Movements whose men ride their own vehicles with no shuttle: they must fit in the seats.
SEATED_MOVEMENTS = ("motor",)


def vehicle_seats(unit, norms: Norms) -> tuple[tuple[str, int, float | None, str], ...]:
    """``(vehicle, count, men per vehicle or None, where the figure comes from)`` for each
    motor vehicle class of a resolved formation ``unit``; None: no figure (seats no one)."""
    from logistics.vehicles import load_vehicle

    out = []
    for cid, n in unit.motor_classes:
        if cid == unit.lift_vehicle and unit.men_per_truck > 0:
            out.append((cid, n, float(unit.men_per_truck), "its lift"))
            continue
        kind = load_vehicle(cid, config_dir=norms.config_dir).kind
        if kind == "tracked":
            out.append((cid, n, float(norms.men_per_tank), "tank riders"))
        elif cid in norms.men_per_truck:
            out.append((cid, n, float(norms.men_per_truck[cid]), "lift.truck"))
        else:
            out.append((cid, n, None, "none"))
    return tuple(out)


def _term(cid: str, n: int, per: float | None, origin: str, mv: str) -> str:
    """One vehicle class's seats, worded for the message."""
    if per is None:
        return (f"{n} {cid} x 0 (no men per vehicle under lift.truck of {mv}: seats no one "
                f"until you add {cid}: {{men_per_vehicle: {{value: ..., cite|assumed: ...}}}} "
                "there)")
    what = {"its lift": "its lift's men_per_vehicle",
            "tank riders": f"lift.tank_riders.men_per_tank of {mv}; crews not counted",
            "lift.truck": f"lift.truck of {mv}"}[origin]
    return f"{n} {cid} x {per:g} ({what})"


@dataclass(frozen=True)
class Shortfall:
    """A seated formation whose men outnumber its vehicles' seats: ``index`` its position in
    ``formations:``, ``men`` and ``seats`` all its bodies', ``rows`` :func:`vehicle_seats`'s,
    ``bodies`` its ``count:``, ``drawn`` whether children draw men and vehicles from it."""

    index: int
    formation: Any
    men: int
    seats: int
    rows: tuple[tuple[str, int, float | None, str], ...]
    bodies: int
    drawn: bool


def seats_of(unit, norms: Norms) -> int:
    """Seats (men) of a resolved formation's own vehicles: the sum of :func:`vehicle_seats`."""
    return int(sum(c * (per or 0.0) for _, c, per, _ in vehicle_seats(unit, norms)))


def seat_shortfalls(army: Army, units, norms: Norms) -> list[Shortfall]:
    """Every formation of a seated movement (``motor``) whose men outnumber its vehicles'
    seats. ``units``: ``resolve_formations``'s result for ``army`` (same order)."""
    out: list[Shortfall] = []
    for n, (f, u) in enumerate(zip(army.formations, units)):
        if u.movement not in SEATED_MOVEMENTS:
            continue
        seats = seats_of(u, norms)
        if u.men <= seats:
            continue
        bodies = int(f.count.value) if f.count is not None else 1
        drawn = any(g.parent == f.id and g.drawn_from_parent for g in army.formations)
        out.append(Shortfall(n, f, int(u.men), seats, vehicle_seats(u, norms), bodies, drawn))
    return out


def seats_text(s: Shortfall, mv: str) -> str:
    """``"3000 men in its 2 bodies (`count:`) do not fit in the 2400 seats of its vehicles
    (120 studebaker-us6 x 20 (...))"``: the numbers of a shortfall, for a message."""
    return (f"{s.men} men" + (f" in its {s.bodies} bodies (`count:`)" if s.bodies > 1 else "")
            + f" do not fit in the {s.seats} seats of its vehicles"
            + (" after what its children draw from it" if s.drawn else "")
            + f" ({'; '.join(_term(c, k, p, o, mv) for c, k, p, o in s.rows) or 'none'})")


def seat_problems(army: Army, units, norms: Norms) -> list[str]:
    """One problem per formation of a seated movement (``motor``) whose men outnumber its
    vehicles' seats, naming the numbers and the fixes. ``units``: ``resolve_formations``'s
    result for ``army`` (the same order as its formations)."""
    mv = _norms_file(norms, "movement.yaml")
    problems: list[str] = []
    for s in seat_shortfalls(army, units, norms):
        f, bodies = s.formation, s.bodies
        known = [(cid, per) for cid, _, per, _ in s.rows if per]
        short = s.men - s.seats
        more = ", ".join(f"{math.ceil(short / per / bodies)} more {cid}" for cid, per in known)
        each = " a body" if bodies > 1 else ""
        origin = (f" (from its standard {f.standard!r})"
                  if f.men is None and f.standard is not None else "")
        own = (" (a `vehicles:` list replaces the standard's whole list: list the ones it keeps "
               "too)" if f.vehicles is None and f.standard is not None else "")
        # never a fix the schema refuses (men >= 1: "at most 0 `men:`"), nor more of
        # vehicles that seat no one
        most = s.seats // bodies
        vehicles = (f", or more vehicles in `vehicles:` ({more}{each}){own}" if more else
                    _seats_fix(norms, mv, s.rows))
        problems.append(
            f"{army.source}: formations.{s.index} ({f.id}).men: "
            + seats_text(s, mv).replace(" men", f" men{origin}", 1) + ":"
            " a `movement: motor` formation's men ride its own vehicles and nothing shuttles "
            "them; fix: `movement: truck_borne` (its trucks, or a `lift:`, shuttle the men "
            "they cannot carry)" + vehicles
            + (f", or at most {most} `men:`{each}" if most >= 1 else ""))
    return problems


def _seats_fix(norms: Norms, mv: str, rows) -> str:
    """The fix of a formation whose vehicles seat no one: seats for its men (a figure for its
    vehicles, a `lift:`, or vehicles that seat men), not more of the same vehicles."""
    seated = sorted(norms.men_per_truck)
    unseated = [cid for cid, _, per, _ in rows if not per]
    return (", or seats for its men: " + (f"men_per_vehicle for {', '.join(unseated)} under "
                                          f"lift.truck of {mv} or in a `lift:`, or " if unseated
                                          else "")
            + "vehicles that seat men in `vehicles:` (tanks carry riders; trucks with a "
            f"lift.truck figure: {', '.join(seated)})")
