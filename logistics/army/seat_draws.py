"""The seat rule (:mod:`logistics.army.seats`) over an army file's ``uncertain:`` ranges and
on one Monte Carlo draw.

Why: Monte Carlo draws a motor formation's men and vehicle counts (the army file's ranges) and
the men a vehicle seats (configs/norms/movement.yaml ``uncertain:``, lift.truck 16-25 a truck,
lift.tank_riders 4-10 a tank) each on its own; a draw whose men outnumber the seats would drive
men on no vehicle at motor pace, what the rule refuses in the file as written. Two cases:

* the army file's own ranges, with the norms' values (the figures the file is checked
  against), are checked once at load: a corner of them (each key at the end that leaves the
  formation the fewest spare seats) where the men outnumber the seats is the user's error,
  refused naming the keys, their ends and a fix (:func:`seat_range_problems`);
* the norms' ranges belong to no army file: a formation whose every corner fits at 20 men a
  truck can be short at 16 (the CMG's units: 4,000 men on 200 trucks fit at 20 a truck, 3,200
  seats at 16). The Monte Carlo makes such a draw again (logistics/history/uncertainty.py), as
  it does a draw of the norms that contradicts a source: the draws are the ranges' uniform draw
  conditioned on the men riding their own vehicles, which the file as written asserts
  (:func:`draw_shortfalls`). Not clamped: a clamp would pile the short draws on the rule's edge.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from logistics.army.overrides import apply_army_overrides, army_figure_paths
from logistics.army.schema import Army
from logistics.army.seats import (SEATED_MOVEMENTS, Shortfall, seat_shortfalls, seats_of,
                                  seats_text)
from logistics.errors import ConfigError

__all__ = ["seat_range_problems", "draw_shortfalls", "shortfall_note"]


def _resolved(army: Army, overrides: Mapping[str, float], norms, rule):
    """(army with ``overrides``, its resolved formations), or None when either fails (a
    value the figure cannot take is reported by the range checks, not here)."""
    from logistics.army.resolve import resolve_formations

    try:
        new, _ = apply_army_overrides(army, dict(overrides))
        return new, resolve_formations(new, norms, rule)
    except ConfigError:
        return None


def _spare(army: Army, overrides: Mapping[str, float], norms, rule) -> list[float] | None:
    """Spare seats (seats - men) of every formation with ``overrides`` (inf for one not
    seated); None when the army does not resolve with them."""
    got = _resolved(army, overrides, norms, rule)
    if got is None:
        return None
    return [seats_of(u, norms) - u.men if u.movement in SEATED_MOVEMENTS else math.inf
            for u in got[1]]


def _corner(army: Army, index: int, base: float, ends: dict) -> dict[str, tuple[str, float]]:
    """{key: (end, value)}: for formation ``index``, each ``formations.`` key of
    ``uncertain:`` at the end that leaves it fewer spare seats than its value does."""
    corner = {}
    for key, span in army.uncertain.items():
        options = [(ends[key, end][index], end, value)
                   for end, value in (("low", span.low), ("high", span.high))
                   if ends.get((key, end)) is not None]
        if options:
            spare, end, value = min(options)
            if spare < base:
                corner[key] = (end, value)
    return corner


def _fixes(army: Army, s: Shortfall, corner: dict[str, tuple[str, float]]) -> list[str]:
    """One bound per key of the formation's own men or vehicle counts that alone makes the
    corner fit (other keys at their corner end), when the figure's value stays in range."""
    fid, short = s.formation.id, s.men - s.seats
    values = army_figure_paths(army)
    per = {cid: p for cid, _, p, _ in s.rows if p}
    out = []
    for key, (end, value) in corner.items():
        if key == f"formations.{fid}.men" and end == "high":
            bound, side = value - math.ceil(short / s.bodies), "high"
            ok = bound >= values[key].value
        elif (m := re.fullmatch(rf"formations\.{re.escape(fid)}\.vehicles\.(\d+)\.count", key)) \
                and end == "low" and s.formation.vehicles is not None \
                and s.formation.vehicles[int(m.group(1))].vehicle in per:
            p = per[s.formation.vehicles[int(m.group(1))].vehicle]
            bound, side = value + math.ceil(short / p / s.bodies), "low"
            ok = bound <= values[key].value
        else:
            continue
        if ok:
            out.append(f"`{side}: {bound:g}` at uncertain.{key}")
    return out


def seat_range_problems(army: Army, units, norms, rule) -> list[str]:
    """One problem per seated formation (``movement: motor``) whose men outnumber its seats at
    a corner of the army file's ``uncertain:`` ranges (norms at their values), naming the file,
    each ``uncertain.<key>`` at its end, the numbers and the fixes. ``units``: the army's
    resolved formations (``resolve_formations``). Only the keys of a seated formation and of
    the children drawn from it move its men or seats, so only those are tried (two resolutions
    a key). Call once every range is valid (``check_army``'s range checks)."""
    from logistics.army.resolve import _norms_file

    seated = {u.id for u in units if u.movement in SEATED_MOVEMENTS}
    ids = seated | {f.id for f in army.formations if f.drawn_from_parent and f.parent in seated}
    keys = [k for k in army.uncertain if any(k.startswith(f"formations.{i}.") for i in ids)]
    if not keys:
        return []
    base = [seats_of(u, norms) - u.men if u.id in seated else math.inf for u in units]
    ends = {(k, end): _spare(army, {k: getattr(army.uncertain[k], end)}, norms, rule)
            for k in keys for end in ("low", "high")}
    mv = _norms_file(norms, "movement.yaml")
    problems = []
    for index, spare in enumerate(base):
        if spare == math.inf:
            continue
        corner = _corner(army, index, spare, ends)
        got = _resolved(army, {k: v for k, (_, v) in corner.items()}, norms, rule) \
            if corner else None
        short = [s for s in seat_shortfalls(got[0], got[1], norms) if s.index == index] \
            if got is not None else []
        if not short:
            continue
        s = short[0]
        where = ", ".join(f"uncertain.{k} at its {e} end {v:g}" for k, (e, v) in corner.items())
        fixes = _fixes(army, s, corner) + [
            "ranges of fewer men or more vehicles",
            "`movement: truck_borne` (its trucks shuttle the men they cannot carry)"]
        problems.append(
            f"{army.source}: {where}: formations.{index} ({s.formation.id})'s "
            + seats_text(s, mv) + ": a Monte Carlo draw there would drive men on no vehicle "
            "(a `movement: motor` formation's men ride its own vehicles and nothing shuttles "
            "them); fix: " + ", or ".join(fixes))
    return problems


def draw_shortfalls(army: Army, overrides: Mapping[str, float],
                    config_dir=None) -> list[Shortfall]:
    """The seat rule's shortfalls of ``army`` under one Monte Carlo draw ``overrides`` (army
    figure paths, global scales and ``norms/<file>:<key>`` norms figures alike), with the norms
    of ``config_dir`` (``settings.CONFIG_DIR`` by default) patched by the draw."""
    from logistics.army.fortified import load_fortified
    from logistics.army.norms import load_norms
    from logistics.ranges import norms_overrides

    with norms_overrides(overrides) as own:
        norms = load_norms(config_dir)
        got = _resolved(army, own, norms, load_fortified(config_dir).rule)
        return seat_shortfalls(got[0], got[1], norms) if got is not None else []


def shortfall_note(shortfalls: list[Shortfall]) -> str:
    """``"cmg-units 3900 men on 3400 seats"`` for a run note."""
    return "; ".join(f"{s.formation.id} {s.men} men on {s.seats} seats" for s in shortfalls)
