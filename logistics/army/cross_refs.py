"""Checks across the sections of an army file, made once it parses: every id it names resolves
(parents, priority, airlift priorities, flotilla carries and ferries, the reserve's carrier,
named whenever there is a reserve),
no parent cycle, no stop where its formation or ship already is, and dates in order within
the run's span.

Called by :class:`logistics.army.schema.Army`'s validator; each problem is one line naming
the key, the value and the fix, and the loader lists every one (``army/validate.py``).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from logistics.army.base import MAX_SPAN_DAYS, _check, _short
from logistics.errors import range_fix

__all__ = ["reference_problems", "named_twice", "NOT_OWN_TRANSPORT"]

#: Means on which a formation rides others' transport (ships, trains): such a formation cannot
#: carry the army's reserve on its own (``fuel.reserve_reach_km.carrier``). Only a file sets
#: them (no standard does), so the file's own ``movement:`` is enough to check.
NOT_OWN_TRANSPORT = ("river", "rail")


def named_twice(ids: list[str]) -> list[str]:
    """The ids a list of formations names more than once, sorted."""
    return sorted({i for i in ids if ids.count(i) > 1})


def _known(ids) -> str:
    """The known ids for an error message: sorted, at most 20 (a bad file may have many)."""
    names = sorted(ids)
    more = f" and {len(names) - 20} more" if len(names) > 20 else ""
    return f"{names[:20]}{more}"


def _repeats(stops: list) -> list[tuple[int, object, object]]:
    """``(k, place before, place k)`` for each stop at the very point of the stop before it
    (to 1e-6 degrees); a stop that is no point (an ``any_of`` area) or an unknown place (said
    where places are resolved) compares with nothing."""
    from logistics.errors import LogisticsError

    out = []
    for k in range(1, len(stops)):
        if not all(hasattr(s, "location") for s in stops[k - 1:k + 1]):
            continue
        try:
            a, b = stops[k - 1].location(), stops[k].location()
        except LogisticsError:
            continue
        if (round(float(a.lon), 6), round(float(a.lat), 6)) == (round(float(b.lon), 6),
                                                                round(float(b.lat), 6)):
            out.append((k, a, b))
    return out


def _where_it_is(key: str, stops: list, who: str, fix: str) -> list[str]:
    """A stop of ``stops`` (a start, then the list at ``key``) at the very point ``who``
    already is (its start, or the stop before): a leg of no length. A flotilla's port there
    is a river path nothing can sail; a formation's objective there was "reached" with no
    march, which a run only noted, suggesting a finer grid that could not help."""
    listed = key.rsplit(".", 1)[-1]
    return [f"{key}.{k - 1}: {b.name} is where {who} already is "
            f"({'its start' if k == 1 else f'{listed}.{k - 2}'}, {a.name}); fix: {fix}"
            for k, a, b in _repeats(stops)]


def _name_key(text: str) -> str:
    """A name as a documented row's reader compares it: case, spacing and ё/е aside."""
    return " ".join(str(text).casefold().replace("ё", "е").split())


def _shared_names(army: Any) -> list[str]:
    """A name or alias carried by two formations or brigades of the file. A documented row
    naming it would match both, and be scored against whichever reached the place first
    (``history/match.py``), so a formation split out of another that kept its aliases would
    take the other's rows without a word."""
    owners: dict[str, str] = {}
    problems = []
    bodies = [(f"formations.{n} ({f.id})", f) for n, f in enumerate(army.formations)]
    bodies += [(f"flotilla.{n} ({b.id})", b) for n, b in enumerate(army.flotilla)]
    for where, body in bodies:
        texts = [("name", getattr(body, "name", None))]
        texts += [(f"aliases.{k}", a) for k, a in enumerate(getattr(body, "aliases", None) or [])]
        for key, text in texts:
            if not text or not _name_key(text):
                continue
            first = owners.setdefault(_name_key(text), where)
            if first.split(" ", 1)[0] != where.split(" ", 1)[0]:
                problems.append(
                    f"{where}.{key}: {_short(text)} is also a name or alias of {first}; a "
                    "documented row naming it would be scored against whichever of the two "
                    "reached the place first; fix: keep it on one of them (a formation split "
                    "out of another needs aliases of its own)")
    return problems


def _sources_named_twice(supply: Any) -> list[str]:
    """A name two fuel sources of ``supply`` share (truck columns, airlifts, river supply,
    depots): deliveries.csv names each delivery's source by it and report.md sums the litres
    by it, so two columns of one name (a copied entry) were told apart nowhere (breaker35)."""
    where: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for key in ("trucks", "air", "river", "depots"):
        for n, s in enumerate(getattr(supply, key, None) or ()):
            where.setdefault(_name_key(s.name), []).append(f"supply.{key}.{n}")
            names.setdefault(_name_key(s.name), s.name)
    return [f"{' and '.join(keys)}: the name {_short(names[k])} is given to {len(keys)} fuel "
            "sources; deliveries.csv and report.md name each delivery's source by it; fix: "
            "give each source a name of its own (one entry with the sum of their trucks, if "
            "the copy was a slip)"
            for k, keys in where.items() if len(keys) > 1]


def reference_problems(army: Any) -> list[str]:
    """Ids and references of ``army`` (a :class:`~logistics.army.schema.Army` whose sections
    each parsed; not imported here, the schema imports this module) that do not resolve,
    parent cycles, dates out of order: one line each."""
    problems: list[str] = []
    ids = [f.id for f in army.formations]
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            problems.append(f"formations: the id {_short(i)} is used twice (ids name a formation's "
                            "files); fix: make them unique")
        seen.add(i)
    known = set(ids)
    marked = [f"formations.{n} ({f.id})" for n, f in enumerate(army.formations) if f.headline]
    if len(marked) > 1:  # headline_id would take the first without a word
        problems.append(f"formations: `headline: true` on {len(marked)} formations "
                        f"({', '.join(marked)}); the summary, route.geojson and track.csv lead "
                        "with one; fix: keep it on one formation (without it, the first of the "
                        "file)")
    problems += _shared_names(army)
    fleet = [b.id for b in army.flotilla]
    for b in fleet:
        if b in known:
            problems.append(f"flotilla: the id {b!r} is also a formation's id; fix: rename "
                            "the brigade")
    if len(set(fleet)) != len(fleet):
        problems.append(f"flotilla: an id is used twice: {fleet}; fix: give each brigade "
                        "its own id")
    for n, f in enumerate(army.formations):
        if f.parent is not None and f.parent not in known:
            problems.append(f"formations.{n} ({f.id}).parent: {_short(f.parent)} names no "
                            f"formation; known: {_known(known)}; fix: one of those, or "
                            "leave parent out")
        if f.carried_by is not None and f.carried_by not in fleet:
            problems.append(f"formations.{n} ({f.id}).carried_by: {_short(f.carried_by)} names no "
                            f"flotilla brigade; known: {_known(fleet)}; fix: one of those")
    supply = getattr(army, "supply", None)
    for n, r in enumerate(getattr(supply, "river", None) or ()):
        if r.flotilla not in fleet:
            problems.append(f"supply.river.{n} ({r.name}).flotilla: {_short(r.flotilla)} names "
                            f"no flotilla brigade; known: {_known(fleet)}; fix: one of "
                            "those (the brigade whose ships carry the fuel), or add the "
                            "brigade under `flotilla:`")
    problems += _sources_named_twice(supply)
    parents = {f.id: f.parent for f in army.formations}
    cycles: set[frozenset] = set()  # each cycle once, not once per formation on it
    for f in army.formations:
        chain, cur = [f.id], f.parent
        while cur is not None and cur in parents:
            if cur in chain:
                members = frozenset(chain[chain.index(cur):])
                if members in cycles:
                    break
                cycles.add(members)
                problems.append("formations: the parents form a cycle "
                                + " -> ".join([*chain[chain.index(cur):], cur])
                                + "; a formation cannot belong to its own subordinate; fix: leave "
                                "`parent:` out on the top formation of the chain")
                break
            chain.append(cur)
            cur = parents[cur]
    if army.fuel.priority is not None:
        for i in army.fuel.priority.order:
            if i not in known:
                problems.append(f"fuel.priority.order: {_short(i)} names no formation; known: "
                                f"{_known(known)}; fix: one of those")
    if army.fuel.drain_stalled is not None:
        for i in army.fuel.drain_stalled.formations:
            if i not in known:
                problems.append(f"fuel.drain_stalled.formations: {_short(i)} names no formation; "
                                f"known: {_known(known)}; fix: one of those")
    reach = army.fuel.reserve_reach_km
    if reach is None and army.fuel.carried_refills.value > 0:
        # the reserve is fuel on trucks somewhere: without a place it was drawn anywhere, by
        # formations hundreds of km from it (the 15th Army's tank brigades, dry from 15 Aug,
        # moved on it 240-390 km of route ahead of the rifle divisions to Harbin)
        land = [f.id for f in army.formations if f.movement not in NOT_OWN_TRANSPORT]
        problems.append(f"fuel.reserve_reach_km: missing, with carried_refills "
                        f"{army.fuel.carried_refills.value:g}: the army's reserve rides on some "
                        "formation's transport and needs its place; fix: add reserve_reach_km: "
                        "{value: <km a formation may be from the carrier's head and still draw "
                        "on it>, carrier: <the formation whose transport carries it, one of "
                        f"{_known(land)}>, assumed: \"why\"}} (the shipped armies: 100 km, "
                        "their main body), or carried_refills: 0 for no reserve")
    for carrier in (reach.carriers if reach is not None else ()):
        if carrier not in known:
            problems.append(f"fuel.reserve_reach_km.carrier: {_short(carrier)} names no "
                            f"formation; known: {_known(known)}; fix: the formation whose "
                            "transport carries the army's reserve, one of those")
        elif army.formation(carrier).movement in NOT_OWN_TRANSPORT:
            # the reserve rides on a formation's own transport: ships and trains are not that
            land = [f.id for f in army.formations if f.movement not in NOT_OWN_TRANSPORT]
            problems.append(f"fuel.reserve_reach_km.carrier: {_short(carrier)} moves by "
                            f"{army.formation(carrier).movement}, not on transport of its "
                            "own: the reserve would travel with the ships or trains, away "
                            f"from the formations drawing on it; fix: one of {_known(land)}")
    for n, a in enumerate(army.supply.air):
        for i in a.priority_to:
            if i not in known:
                problems.append(f"supply.air.{n}.priority_to: {_short(i)} names no formation; "
                                f"fix: one of {_known(known)}")
    ferrier: dict[str, int] = {}  # formation -> the first brigade naming it in ferries_for
    for n, b in enumerate(army.flotilla):
        for key in ("carries", "ferries_for"):
            for i in getattr(b, key):
                if i not in known:
                    problems.append(f"flotilla.{n} ({b.id}).{key}: {_short(i)} names no formation; "
                                    f"fix: one of {_known(known)}")
            twice = named_twice(getattr(b, key))
            if twice:
                problems.append(f"flotilla.{n} ({b.id}).{key}: {', '.join(map(_short, twice))} "
                                "listed twice; fix: name each formation once")
        for i in b.ferries_for:
            if i in known and army.formation(i).carried_by is not None:
                # it rides ships along the rivers: no river to be ferried over (breaker35)
                problems.append(f"flotilla.{n} ({b.id}).ferries_for: {_short(i)} is carried "
                                f"by {army.formation(i).carried_by}'s ships (movement: river), "
                                "never ferried across a river; fix: drop it from ferries_for")
            elif ferrier.setdefault(i, n) != n:
                # one brigade ferries a formation: the plan kept the last one named (breaker35)
                first = army.flotilla[ferrier[i]].id
                problems.append(f"flotilla.{n} ({b.id}).ferries_for: {_short(i)} is also in "
                                f"flotilla.{ferrier[i]} ({first})'s ferries_for; one brigade "
                                "ferries a formation; fix: name it in one brigade's ferries_for")
        problems += _where_it_is(f"flotilla.{n} ({b.id}).route", [b.start, *b.route],
                                 "the brigade", "drop it, or give the next port along the "
                                 "rivers")
        for i in b.carries:
            if i in known and army.formation(i).carried_by != b.id:
                problems.append(f"flotilla.{n} ({b.id}).carries: {_short(i)} is not `carried_by: "
                                f"{b.id}`; fix: give it `carried_by: {b.id}` or drop it "
                                "from carries")
    for n, f in enumerate(army.formations):
        if f.carried_by is not None and f.carried_by in fleet:
            b = army.flotilla[fleet.index(f.carried_by)]
            if f.id not in b.carries:
                problems.append(f"formations.{n} ({f.id}).carried_by: {b.id} does not list it "
                                "in `carries`; fix: add it there, or change its "
                                "`carried_by:`")
        problems += _where_it_is(f"formations.{n} ({f.id}).objectives",
                                 [f.start, *f.objectives], "the formation",
                                 "drop it, or give the next place it was to reach")
        if f.start.time is not None and f.start.time.value < army.h_hour.value:
            problems.append(f"formations.{n} ({f.id}).start.time ({f.start.time.value}) is "
                            f"before h_hour ({army.h_hour.value}); fix: a time at or after "
                            "h_hour, or leave it out (the army's start)")
    t0, t_end = army.h_hour.value, army.end.value
    if t_end <= t0:
        problems.append(f"end ({t_end}) must be after h_hour ({t0}); fix: the last day to "
                        f"run, e.g. {(t0 + timedelta(days=11)).date()}")
    elif t_end - t0 > timedelta(days=MAX_SPAN_DAYS):
        problems.append(f"end ({t_end}) is {(t_end - t0).days} days after h_hour ({t0}); an "
                        f"army run spans at most {MAX_SPAN_DAYS} days (one campaign); fix: an "
                        f"end by {(t0 + timedelta(days=MAX_SPAN_DAYS)).date()}")
    else:
        problems += _dates_outside_the_run(army)
    try:
        _check(("utc_offset_h", army.utc_offset_h, ">=", -12),
               ("utc_offset_h", army.utc_offset_h, "<=", 14))
    except ValueError as exc:
        problems.append(str(exc))
    starts = [s.start.value for s in army.seasons]
    same = sorted({str(s) for s in starts if starts.count(s) > 1})
    if starts != sorted(starts):
        problems.append(f"seasons must be in date order, got {[str(s) for s in starts]}; "
                        "fix: list the seasons by their start, earliest first")
    elif same:  # the first of them would never apply
        problems.append(f"seasons: two seasons start at the same time ({', '.join(same)}); "
                        "fix: keep one of them, or give the later its own start")
    elif starts[0] > t0:
        problems.append(f"seasons[0].start ({starts[0]}) must be at or before h_hour ({t0}); "
                        f"fix: start the first season at h_hour, e.g. {t0.isoformat()}")
    _check_delay = army.start_delay_h
    if _check_delay is not None and not 0 <= _check_delay.value <= 24 * 30:
        problems.append(f"start_delay_h must be 0..720 hours, got {_check_delay.value}; "
                        + range_fix("start_delay_h", _check_delay.value, ge=0, le=720))
    return problems


def _dates_outside_the_run(army: Any) -> list[str]:
    """Dates of moves and supply that fall wholly outside the run (H-hour to the end of
    ``end``'s day): a formation moving off after the run, a truck column starting after it or
    ages before it, an airlift whose days miss the run or span more than a campaign. Each would
    be silently idle, and an airlift over centuries books a delivery a day (a hang)."""
    t0 = army.h_hour.value
    run_end = army.run_end
    span = f"the run (h_hour {t0} to the end of end's day, {army.end.value.date()})"
    earliest = t0 - timedelta(days=MAX_SPAN_DAYS)
    problems: list[str] = []
    for n, f in enumerate(army.formations):
        if f.start.time is not None and f.start.time.value >= run_end:
            problems.append(f"formations.{n} ({f.id}).start.time ({f.start.time.value}) is after "
                            f"{span}: the formation would never move; fix: a time within it")
    delayed = [f.id for f in army.formations if f.start.time is None]
    if delayed and t0 + timedelta(hours=army.start_h) >= run_end:
        # every formation without a start time of its own moved off after the run (breaker36)
        problems.append(f"start_delay_h ({army.start_h:g}) puts the move-off of "
                        f"{_short(', '.join(delayed), 120)} at "
                        f"{t0 + timedelta(hours=army.start_h)}, after {span}: they would never "
                        f"move; fix: a delay under {(run_end - t0).total_seconds() / 3600:g} "
                        "hours, or a later `end`")
    for n, season in enumerate(army.seasons):
        if season.start.value >= run_end:
            problems.append(f"seasons.{n}.start ({season.start.value}) is after {span}: the "
                            f"season would never apply; fix: a time within it, or drop it")
    sources = [(f"supply.trucks.{n}", "the column", "convoys", tr)
               for n, tr in enumerate(army.supply.trucks)]
    sources += [(f"supply.river.{n} ({r.name[:60]})", "the ships", "ships", r)
                for n, r in enumerate(army.supply.river)]
    for key, who, what, src in sources:
        start, until = src.start.value, (src.until.value if src.until is not None else None)
        if start >= run_end:
            problems.append(f"{key}.start ({start}) is after {span}: {who} would deliver "
                            "nothing; fix: a time within it")
        elif start < earliest:
            problems.append(f"{key}.start ({start}) is more than {MAX_SPAN_DAYS} days before "
                            f"h_hour ({t0}); fix: the time the {what} start, within the "
                            "campaign")
        elif until is not None and until <= t0:
            # the road (or river) closed before the run began: silently idle (breaker35)
            problems.append(f"{key}.until ({until}) is at or before h_hour ({t0}): {who} "
                            f"would deliver nothing in {span}; fix: an until after h_hour, "
                            f"or leave until out (the {what} go on to the run's end)")
    first_day, last_day = t0.date(), army.end.value.date()
    for n, a in enumerate(army.supply.air):
        d0, d1 = a.start.value.date(), a.end.value.date()
        days = (d1 - d0).days + 1
        if d1 < first_day or d0 > last_day:
            problems.append(f"supply.air.{n} ({_short(a.name, 40)}): its days {d0}..{d1} lie "
                            f"outside {span}: it would deliver nothing; fix: start and end "
                            "within the run")
        elif days > MAX_SPAN_DAYS + 1:
            problems.append(f"supply.air.{n} ({_short(a.name, 40)}): start ({d0}) to end ({d1}) "
                            f"is {days:,} days; an airlift spreads its total over its days and "
                            f"lasts at most {MAX_SPAN_DAYS + 1} (one campaign); fix: its dates")
    return problems
