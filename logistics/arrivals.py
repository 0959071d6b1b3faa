"""What set each arrival: for every formation's arrival at each objective, the hours from when
it set off to that arrival split by what its head was doing, read from its hourly track.

Why: a reader checking one arrival (the 36th Army at Hailar) had to put together the march
schedule, the truck shuttle, the fuel halts and the fortified depth from several tables; this
is one account per arrival, computed from the run's own records and summing to the elapsed
time, the largest share first.

Each track row covers its step (the previous row's time to its own; H-hour for the first) and
says what the head was doing at the step's end (``status``). The part of a step between the
formation's start and the arrival counts under one cause, :data:`CAUSES`:

- ``moving``: a ``moving`` (or ``arrived``) step's hours inside the formation's march window
  (a truck shuttle's: its men on foot's, which its trucks keep); hours of it outside the
  window are ``schedule`` (a step with no hour inside it counts whole, as does a train's or a
  ship's: the timetable, not a window, sets them);
- ``schedule``: a ``rest`` step's hours outside the march window (the march schedule's halt:
  the night's, or the day's in the heat, as the formation's norm has it);
- ``waiting``: a ``rest`` step's hours inside the window (the head held though its column may
  march: waiting for the shuttle's trucks, or for its parent, behind whose head a formation
  not yet formed out of it or attached to it keeps), a ``carried`` step of a formation that
  does not move by rail or river (ferried: held at the crossing while it waits for its means,
  then in the bridgehead: the hours waiting for a ferry, ``hours_by_cause``'s ``ferry``), and
  a ``not started`` step after its start (its train, ship or shuttle not yet running). The
  account names the two apart: an SP battalion ferried in an hour and then kept behind its
  rifle divisions for days read as days "waiting for a ferry" (withheld32);
- ``fuel``: ``halted: no fuel``;
- ``breach``: ``waiting for a breach`` (``army.fortified.BREACH_WAIT_STATUS``: a follower
  held at a fortified depth's edge until a formation of its army breaking in enters it; held,
  not in the depth, so not ``fortified``);
- ``fortified``: ``assault`` (``army.fortified.IN_DEPTH_STATUS``: crossing a fortified
  region's depth at the breakthrough rate, whichever the crossing; the account names the
  formation's crossings, ``follow``, ``assault`` or ``besiege``, in the words of
  ``army.fortified.FORTIFIED_WORDS``) and ``detached`` (a truck shuttle's or a ship-borne
  formation's head in a depth reads ``assault`` as a marching head's does:
  ``advance.carried.Carried._in_depths``);
- ``carried``: a ``carried`` step of a formation that moves by rail or river (out of a depth).

The records keep one status per hour, so a step that mixes two (the head ran dry at 10:40)
counts under its end's; the arrival's own step is cut at the arrival's minute.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pandas as pd

from logistics.army.fortified import BREACH_WAIT_STATUS, IN_DEPTH_STATUS

__all__ = ["CAUSES", "FERRY", "FormationClock", "formation_clocks", "hours_by_cause",
           "arrival_accounts", "account_text", "waiting_parts", "run_arrivals", "ARRIVAL_COLUMNS"]

#: Each cause of an arrival's hours and its words on the page, in the tie order (the first
#: named when two are equal).
CAUSES: dict[str, str] = {
    "moving": "moving",
    "schedule": "halted by its march schedule",
    "fuel": "waiting for fuel",
    "waiting": "waiting",
    "breach": "waiting for a breach",
    "fortified": "in a fortified depth",
    "carried": "by rail or river",
}

#: The key of :func:`hours_by_cause` for the hours of ``waiting`` that were for a ferry.
FERRY = "ferry"

#: Columns of ``arrivals.csv``: one row per formation and objective it reached.
ARRIVAL_COLUMNS: tuple[str, ...] = (
    "formation_id", "objective", "time", "cum_km", "start", "elapsed_h",
    *(f"{c}_h" for c in CAUSES), "waiting_for", "what_set")


@dataclass(frozen=True)
class FormationClock:
    """What the account needs of a formation's plan: when it set off (``start``), its
    ``movement``, what its head waits for when held in its march window (``waits_for``: "the
    shuttle", "its train or ship", "its parent"; a ferry's hours are named apart, from their
    status), whether a train or a ship's
    timetable carries it (``timetable``: its hours count whole, not by a march window), ``window_h(t0, t1)``: hours of [t0, t1) inside its march window, and
    ``crossings``: where and how its route crosses fortified depths (km in, and ``follow``,
    ``assault`` or ``besiege``: ``army.fortified.crossing_action``), in route order;
    ``moving_as``: how it moves when that is not plain (a truck shuttle and its lift)."""

    start: pd.Timestamp
    movement: str
    waits_for: str
    timetable: bool
    window_h: Callable[[pd.Timestamp, pd.Timestamp], float]
    crossings: tuple[tuple[float, str], ...] = ()
    moving_as: str = ""


def formation_clocks(plan) -> dict[str, FormationClock]:
    """Each formation's :class:`FormationClock` from the run's ``ArmyPlan``: its march
    schedule of the season in force at each step's start (``plan.seasons``), on the clock of
    H-hour (``plan.start``), as the step loop reads it; a truck shuttle's own window
    (``FormationPlan.shuttle_windows``, its men on foot's in the season in force), which its
    timetable keeps."""
    t0 = pd.Timestamp(plan.start)
    c0 = t0.hour + t0.minute / 60.0 + t0.second / 3600.0

    out = {}
    for fp in plan.formations:
        def window_h(a, b, fp=fp) -> float:
            ha = (pd.Timestamp(a) - t0).total_seconds() / 3600.0
            hb = (pd.Timestamp(b) - t0).total_seconds() / 3600.0
            season = plan.season_at(ha)
            sched = ((getattr(fp, "shuttle_windows", None) or {}).get(season)
                     or getattr(fp, "shuttle_window", None) or fp.schedule[season])
            return float(sched.moving_hours(c0 + ha, c0 + hb))

        u = fp.unit
        shuttled = fp.timetable is not None and getattr(fp.timetable, "walk", None) is not None
        waits = ("the shuttle" if shuttled
                 else "its train or ship" if u.movement in ("rail", "river")
                 else "its parent")
        out[fp.id] = FormationClock(
            start=t0 + pd.Timedelta(hours=float(u.start_h)), movement=u.movement,
            waits_for=waits, timetable=u.movement in ("rail", "river"), window_h=window_h,
            moving_as=(f"truck shuttle, {u.lift_men:,} of {u.men:,} men a lift" if shuttled
                       else ""),
            crossings=tuple((float(p.km_in), p.action) for p in getattr(fp, "fortified", ())))
    return out


def _step_causes(status: str, dur_h: float, win_h: float, clock: FormationClock
                 ) -> dict[str, float]:
    """The hours ``dur_h`` of one step (``win_h`` of them inside the march window) by cause."""
    win_h = min(max(win_h, 0.0), dur_h)
    if status in ("moving", "arrived"):
        if clock.timetable or win_h <= 0:
            return {"moving": dur_h}
        return {"moving": win_h, "schedule": dur_h - win_h}
    if status == "rest":
        return {"waiting": win_h, "schedule": dur_h - win_h}
    if status == "halted: no fuel":
        return {"fuel": dur_h}
    if status == BREACH_WAIT_STATUS:
        return {"breach": dur_h}
    if status in (IN_DEPTH_STATUS, "detached"):
        return {"fortified": dur_h}
    if status == "carried":
        if clock.movement in ("rail", "river"):
            return {"carried": dur_h}
        return {"waiting": dur_h, FERRY: dur_h}  # held for its crossing means: a ferry
    return {"waiting": dur_h}  # not started after its start: its means not yet running


def hours_by_cause(track: pd.DataFrame, clock: FormationClock, until, *,
                   first_step_start) -> dict[str, float]:
    """Hours from ``clock.start`` to ``until`` by cause (:data:`CAUSES`, every key present),
    from one formation's ``track`` rows (``time``, ``status``; in time order; the first step
    begins at ``first_step_start``, H-hour). They sum to the
    elapsed hours; one more key, :data:`FERRY`, says how many of the ``waiting`` hours were
    for a ferry (a ``carried`` step of a formation that marches)."""
    out = dict.fromkeys((*CAUSES, FERRY), 0.0)
    start, until = pd.Timestamp(clock.start), pd.Timestamp(until)
    prev = pd.Timestamp(first_step_start)
    for t, status in zip(pd.to_datetime(track["time"]), track["status"]):
        a, b = max(prev, start), min(t, until)
        prev = t
        if b <= a:
            if t >= until:
                break
            continue
        dur = (b - a).total_seconds() / 3600.0
        for cause, h in _step_causes(str(status), dur, clock.window_h(a, b), clock).items():
            out[cause] += h
        if t >= until:
            break
    return out


def _h(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".") + " h"


def waiting_parts(hours: dict[str, float], waiting_for: str) -> dict[str, float]:
    """The ``waiting`` hours of ``hours`` by what was waited for: those of :data:`FERRY` for
    "a ferry", the rest for ``waiting_for``; parts under 0.05 h left out, in that order."""
    ferry = min(hours.get(FERRY, 0.0), hours["waiting"])
    parts = {"a ferry": ferry, waiting_for: hours["waiting"] - ferry}
    return {w: h for w, h in parts.items() if h >= 0.05}


def account_text(hours: dict[str, float], waiting_for: str,
                 crossings: tuple[str, ...] = (), moving_as: str = "") -> str:
    """The account in words, the largest share first (causes under 0.05 h left out):
    '40 h moving, 30 h halted by its march schedule, 5 h waiting for fuel'; the
    hours waiting say for what (``waiting_for``; those of :data:`FERRY` in ``hours``, if
    given, for a ferry: :func:`waiting_parts`), those in a fortified depth how it was
    crossed (``crossings``: 'in a fortified depth (assault)'), the hours moving how
    (``moving_as``: 'moving (truck shuttle, 3,000 of 11,000 men a lift)')."""
    waits = waiting_parts(hours, waiting_for)
    items = [item for c in CAUSES for item in (
        [(f"waiting for {w}", h) for w, h in waits.items()] if c == "waiting"
        else [(c, hours.get(c, 0.0))])]
    shares = sorted(((h, i, c) for i, (c, h) in enumerate(items) if h >= 0.05),
                    key=lambda t: (-round(t[0], 1), t[1]))
    words = {**CAUSES, **{f"waiting for {w}": f"waiting for {w}" for w in waits}}
    if moving_as:
        words["moving"] = f"{CAUSES['moving']} ({moving_as})"
    if crossings:
        words["fortified"] = f"{CAUSES['fortified']} ({', '.join(crossings)})"
    return ", ".join(f"{_h(h)} {words[c]}" for h, _, c in shares) or "no time"


def arrival_accounts(tracks: pd.DataFrame, reached: pd.DataFrame,
                     clocks: dict[str, FormationClock], *, start) -> pd.DataFrame:
    """One row per formation's arrival at an objective (``reached`` rows of kind
    ``objective``, in time order): :data:`ARRIVAL_COLUMNS`, the hours from its start by
    cause and ``what_set`` (:func:`account_text`). ``start``: H-hour, when the first
    step begins."""
    rows = []
    objectives = reached[reached["kind"] == "objective"].sort_values("time", kind="stable")
    for r in objectives.itertuples(index=False):
        clock = clocks.get(r.formation_id)
        if clock is None:
            continue
        track = tracks[tracks["formation_id"] == r.formation_id]
        hours = hours_by_cause(track, clock, r.time, first_step_start=start)
        elapsed = (pd.Timestamp(r.time) - clock.start).total_seconds() / 3600.0
        rows.append({
            "formation_id": r.formation_id, "objective": r.name, "time": pd.Timestamp(r.time),
            "cum_km": float(r.cum_km), "start": clock.start, "elapsed_h": elapsed,
            **{f"{c}_h": hours[c] for c in CAUSES},
            "waiting_for": " and ".join(waiting_parts(hours, clock.waits_for)),
            "what_set": account_text(hours, clock.waits_for, tuple(dict.fromkeys(
                a for km, a in clock.crossings if km < float(r.cum_km))), clock.moving_as)})
    return pd.DataFrame(rows, columns=list(ARRIVAL_COLUMNS))


def run_arrivals(result) -> pd.DataFrame:
    """:func:`arrival_accounts` of a run (``runner.RunResult``): its tracks, stops and plan;
    no rows when it kept no plan."""
    plan = getattr(result, "plan", None)
    if plan is None:
        return pd.DataFrame(columns=list(ARRIVAL_COLUMNS))
    return arrival_accounts(result.tracks, result.reached, formation_clocks(plan),
                            start=plan.start)
