"""Score an army against documented rows: each row on its formation, by its event kind.

An army is a :class:`~logistics.history.runs.RunTrace`: formations with hourly tracks
(``time, cum_km, lon, lat[, status]``) and planned routes (``cum_km, lon, lat``). Each row is
matched to the formations it names (:mod:`~logistics.history.match`; several: the first to
reach the place is scored) and scored by what it records (:mod:`~logistics.history.events`).

Definitions (the report repeats them):

* **Places** (a coordinate): the formation's route *reaches* the place where it first passes
  within ``tolerance_km`` of it (the closest point of that first pass,
  :func:`logistics.geodesy.locate_on_route`, the rule the advance's stops use too); the
  modeled arrival is when the track's ``cum_km`` reaches that route km. A place the route does
  not pass is timed by the cost engine from the track (:mod:`~logistics.history.offroute`).
  ``route_error_km`` is how far the route misses the place (0 within the tolerance). An
  *approach* is the time the formation first enters the circle of the stated distance (at
  least the tolerance); a *forward edge* the time it enters the tolerance circle; a *capture*
  the arrival plus the fight the track shows there (a fortified-region status), else the
  arrival, flagged; a *siege end* only where the track shows a siege at the place that ends;
  an *air landing* is never scored.
* A documented date D means "by the end of D" (window [D 00:00, D+1 00:00)); with
  ``date_basis == "no_later_than"`` any arrival before the end of D is on time. The signed date
  error is 0 inside the window, else days from the nearest window edge (positive = model late).
  A place the model had not reached when its run ended gives a *censored* error: the error is
  at least (run end - window end), flagged ``date_censored``.
  A row whose day the run does not cover (the army file's h_hour to the end of its ``end:``
  day) is a problem and not scored (:func:`outside_run`).
* **Distances** (``km_min``/``km_max``): the formation's *depth* at the end of D, its km along
  its route less the km where it crosses the departure line (:mod:`~logistics.history.depth`),
  against the range: 0 inside, else the signed km beyond the violated bound; a missing bound
  is open (">450", "250 (up to)"). ``rel_km_error`` divides by the violated bound. A documented
  depth shorter than the place's distance from the departure line is flagged, not scored.
* ``error_km``, one km error per scorable row for skill and calibration: ``km_error`` when the
  row has a scored distance, else ``place_km_error``: 0 if the model gets to the place during
  the documented window, else the km it still had to go at the window's end (negative; on an
  off-route leg, the part of the leg not yet done) or the km it had made since getting there at
  the window's start (positive).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from logistics.geodesy import great_circle_km, locate_on_route
from logistics.history.depth import crossing_km, depth_flag
from logistics.history.documented import GAZETTEER_FOR_REFUSED

__all__ = [
    "DEFAULT_TOLERANCE_KM",
    "time_at_km",
    "km_at_time",
    "window_error_days",
    "range_error_km",
    "score_rows",
    "score_army",
    "run_span",
    "outside_run",
    "OUTSIDE_RUN",
    "find_disagreements",
    "SCORE_COLUMNS",
    "TOLERANCE_RANGE_KM",
]

#: Default distance within which the modeled route counts as reaching a documented place (km).
#: A modelling choice: coordinates of several places are only approximate (coord_quality
#: ``approx_uncertain``) and a formation's position is an area tens of km across.
DEFAULT_TOLERANCE_KM: float = 15.0

#: The tolerances a user may give (km, above 0 and at most 1000): ``compare --tolerance-km``
#: and ``logistics.compare(tolerance_km=)``. assumed: a sanity bound, not a model limit: at
#: 1000 km every route "reaches" every place of its theatre.
TOLERANCE_RANGE_KM: tuple[float, float] = (0.0, 1000.0)

_DAY = pd.Timedelta(days=1)

#: Columns of the frame :func:`score_rows` returns (one row per documented row).
SCORE_COLUMNS: tuple[str, ...] = (
    "row", "event", "matched_formation", "match_rule", "candidates", "crossing_km",
    "route_km_at_place", "route_error_km", "timing", "leave_time", "leave_lon", "leave_lat",
    "arrival_time", "fight", "modeled_lon", "modeled_lat", "modeled_km", "km_error",
    "rel_km_error", "depth_flag", "place_km_error", "error_km", "date_error_days",
    "date_censored", "scorable_date", "scorable_km", "scorable", "note", "problem",
)


def time_at_km(track: pd.DataFrame, km: float) -> pd.Timestamp | None:
    """First time the track's ``cum_km`` reaches ``km`` (linear within a step); None if never."""
    c = track["cum_km"].to_numpy(float)
    t = pd.to_datetime(track["time"]).to_numpy("datetime64[ns]").astype(np.int64)
    hit = np.flatnonzero(c >= km - 1e-9)
    if hit.size == 0:
        return None
    j = int(hit[0])
    if j == 0 or c[j] == c[j - 1]:
        return pd.Timestamp(int(t[j]))
    f = (km - c[j - 1]) / (c[j] - c[j - 1])
    return pd.Timestamp(int(round(t[j - 1] + f * (t[j] - t[j - 1]))))


def km_at_time(track: pd.DataFrame, when: pd.Timestamp) -> float:
    """Cumulative km of the track at a time (linear between steps, held before/after it)."""
    t = pd.to_datetime(track["time"]).to_numpy("datetime64[ns]").astype(np.int64)
    return float(np.interp(pd.Timestamp(when).value, t, track["cum_km"].to_numpy(float)))


def window_error_days(arrival: pd.Timestamp, day: pd.Timestamp, *, basis: str = "end_of_day") -> float:
    """Signed days from the documented window of ``day`` to ``arrival`` (0 inside the window)."""
    start, end = pd.Timestamp(day).normalize(), pd.Timestamp(day).normalize() + _DAY
    if arrival >= end:
        return (arrival - end) / _DAY
    if basis == "no_later_than" or arrival >= start:
        return 0.0
    return (arrival - start) / _DAY


def range_error_km(modeled_km: float, km_min: float, km_max: float) -> tuple[float, float]:
    """``(km_error, rel_km_error)`` of a modeled km against a range with optional open ends."""
    if not math.isnan(km_min) and modeled_km < km_min:
        err = modeled_km - km_min
        return err, (err / km_min if km_min > 0 else math.nan)
    if not math.isnan(km_max) and modeled_km > km_max:
        err = modeled_km - km_max
        return err, (err / km_max if km_max > 0 else math.nan)
    return 0.0, 0.0


def score_rows(rows: pd.DataFrame, trace: Any, *, tolerance_km: float = DEFAULT_TOLERANCE_KM,
               timer: Any = None, line: Sequence[tuple[float, float]] | None = None,
               others: Sequence[Any] = ()) -> pd.DataFrame:
    """Score documented rows (as parsed by ``load_documented``) of one axis against one army.

    ``trace`` is a :class:`~logistics.history.runs.RunTrace`; each row is matched to its
    formations (:mod:`~logistics.history.match`) and scored by its event kind
    (:mod:`~logistics.history.events`). ``timer`` (an
    :class:`~logistics.history.offroute.OffRouteTimer` on the run's terrain, or None) times
    places off the formation's route; ``line`` is the departure line (default the trace's).
    Returns one row per input row with :data:`SCORE_COLUMNS`; rows that cannot be scored have
    ``scorable`` False and the reason in ``note``; ``problem`` names what is wrong with the
    row itself (a formation no army has, a place no formation can reach, a date whose day the
    run does not cover: :func:`outside_run`, not scored; a formation of another axis only,
    ``others`` being the other axes' armies, :class:`~logistics.history.match.OtherArmy`: not
    scored).
    """
    from logistics.history.match import match_rows

    line = tuple(line) if line is not None else tuple(trace.departure_line)
    usable = rows[rows["usable"]] if "usable" in rows else rows
    matches = match_rows(usable, trace.formations, army_name=getattr(trace, "army_name", ""),
                         others=others, flotilla=getattr(trace, "flotilla", None))
    ctx = _Context(trace, tolerance_km, timer, line)
    span = run_span(trace)
    out = []
    for r in rows.to_dict("records"):
        if not r.get("usable", True):
            res = _blank(r)
            res["note"] = f"not scored: {r.get('issues') or 'invalid row'}"
            out.append(res)
            continue
        outside = outside_run(r["date"], *span)
        if outside:  # a year slip (1845) was scored: an error of 48,575 days, "0 problems"
            res = _blank(r)
            res["note"] = f"not scored: {outside}"
            res["problem"] = outside
            out.append(res)
            continue
        out.append(_score_matched(r, matches[int(r["row"])], ctx))
    frame = pd.DataFrame(out, columns=list(SCORE_COLUMNS))
    return frame.astype({"date_censored": bool, "scorable_date": bool, "scorable_km": bool,
                         "scorable": bool})


#: How :func:`outside_run`'s problem begins (``compare`` files it under the ``date`` column).
OUTSIDE_RUN: str = "documented date outside the run"


def run_span(trace: Any) -> tuple[pd.Timestamp, pd.Timestamp]:
    """(first, last) time of the army's run: its tracks' span, every formation's. A run from
    an army file starts at its ``h_hour`` (``trace_of`` starts each track there) and ends at
    the end of its ``end:`` day (``Army.run_end``)."""
    times = pd.to_datetime(pd.concat([trace.track["time"], trace.tracks["time"]]))
    return pd.Timestamp(times.min()), pd.Timestamp(times.max())


def outside_run(day: Any, start: pd.Timestamp, end: pd.Timestamp) -> str:
    """Why a documented ``day`` cannot be scored against a run of ``start`` to ``end``: its
    window (the day, 00:00 to 24:00) ends at or before the run's start, or begins at or after
    its end, so the run has no position that day ('' when it overlaps the run). Scored, a
    year slip (1845 for 1945) was a date error of 48,575 days that swamped the axis's median,
    and a day after the run was timed against the run's last record."""
    d = pd.Timestamp(day).normalize()
    if d + _DAY > start and d < end:
        return ""
    when = "before the run's start" if d + _DAY <= start else "after the run's end"
    # no '; ' in it: a row's problems are joined by it
    return (f"{OUTSIDE_RUN}: {d:%Y-%m-%d} is {when} (the run covers {start:%Y-%m-%d %H:%M} to "
            f"{end:%Y-%m-%d %H:%M}, the army file's h_hour to the end of its end: day), so the "
            "model has no position that day. Fix: the date the source gives (a slip of the "
            "year or month?), or an army file whose h_hour and end span it")


def score_army(rows: pd.DataFrame, trace: Any, *, line=(), tolerance_km: float = DEFAULT_TOLERANCE_KM,
               offroute: bool = True, others: Sequence[Any] = ()) -> pd.DataFrame:
    """:func:`~logistics.history.score.score_rows` with the off-route timer and departure line
    of the axis (the run's own line first); ``others``: the other axes' armies."""
    from logistics.history.offroute import timer_for

    pts = [(float(a), float(b)) for a, b in zip(rows["lon"], rows["lat"]) if not (np.isnan(a) or np.isnan(b))]
    timer = timer_for(trace, pts) if offroute and pts else None
    return score_rows(rows, trace, tolerance_km=tolerance_km, timer=timer,
                      line=trace.departure_line or line, others=others)


@dataclass
class _Context:
    trace: Any
    tol: float
    timer: Any
    line: tuple
    cache: dict = field(default_factory=dict)

    def formation(self, fid: str) -> tuple[pd.DataFrame, pd.DataFrame, float, dict]:
        if fid not in self.cache:
            track, route = self.trace.track_of(fid), self.trace.route_of(fid)
            self.cache[fid] = (track, route, crossing_km(route, self.line), self.trace.formation(fid))
        return self.cache[fid]


def _blank(r: dict) -> dict:
    res: dict = {c: math.nan for c in SCORE_COLUMNS}
    res.update(row=r["row"], event=r.get("event", ""), arrival_time=pd.NaT, leave_time=pd.NaT,
               date_censored=False, scorable_date=False, scorable_km=False, scorable=False,
               note="", problem="", timing="", fight="", depth_flag="", matched_formation="",
               match_rule="", candidates="")
    return res


def _score_matched(r: dict, match: Any, ctx: _Context) -> dict:
    """Score the row against every candidate formation; keep the first to reach (among those
    whose route passes the place, if any does)."""
    tried = [_score_one(r, fid, ctx) for fid in match.candidates]
    if not tried:
        res = _blank(r)
        res["note"] = "the army has no formation to score against"
        if match.problem:  # a formation of another axis (match.OTHER_AXIS): not scored here
            res.update(note=f"not scored: {match.problem}", problem=match.problem,
                       match_rule=match.rule)
        return res
    if len(tried) == 1:
        best = tried[0]
    elif r.get("event") == "distance" or math.isnan(r["lat"]):
        best = max(tried, key=lambda x: -math.inf if math.isnan(x["modeled_km"]) else x["modeled_km"])
    else:
        # a formation whose route passes the place is the one the model sends there: an
        # off-route formation's arrival is an estimate of a detour it never makes, so it is
        # the match only when no candidate's route passes the place; among those that pass
        # it, one that has the place as an objective is the one sent to take it (a corps
        # skirting a border town on its way elsewhere does not take it for the army)
        aimed = {x["matched_formation"]: _aims_at(ctx, x["matched_formation"], r) for x in tried}
        best = min(tried, key=lambda x: (not _nz(x["route_error_km"]) <= ctx.tol,
                                         not aimed[x["matched_formation"]],
                                         pd.isna(x["arrival_time"]),
                                         x["arrival_time"] if not pd.isna(x["arrival_time"]) else pd.Timestamp.max,
                                         _nz(x["route_error_km"])))
    best["match_rule"] = match.rule
    best["candidates"] = ",".join(match.candidates)
    notes = [n for n in (getattr(match, "note", ""), best["note"]) if n]
    if len(tried) > 1:
        on = sum(_nz(x["route_error_km"]) <= ctx.tol for x in tried)
        distance = r.get("event") == "distance" or math.isnan(r["lat"])
        n_aimed = 0 if distance else sum(
            aimed[x["matched_formation"]] for x in tried if _nz(x["route_error_km"]) <= ctx.tol)
        how = ("the deepest at the end of the day" if distance
               else "the first to reach the place" + (
                   f" of the {n_aimed} that have it as an objective" if 0 < n_aimed < on
                   else f" of the {on} whose route passes it" if 0 < on < len(tried) else ""))
        notes.insert(0, f"matched to {best['matched_formation']}, {how} among "
                        f"{len(tried)} formations ({match.rule})")
    problems = [p for p in (match.problem, best["problem"]) if p]
    best["note"] = "; ".join(notes)
    best["problem"] = "; ".join(problems)
    return best


def _aims_at(ctx: _Context, fid: str, r: dict) -> bool:
    """Whether one of the formation's objectives is the row's place: its route's point at
    the objective lies within the place tolerance of the row's coordinates."""
    _, route, _, _ = ctx.formation(fid)
    if route.empty or math.isnan(r["lat"]) or math.isnan(r["lon"]):
        return False
    for km, _name in ctx.trace.objectives_of(fid):
        lon = float(np.interp(km, route["cum_km"], route["lon"]))
        lat = float(np.interp(km, route["cum_km"], route["lat"]))
        if float(great_circle_km(lon, lat, r["lon"], r["lat"])) <= ctx.tol:
            return True
    return False


def _nz(v: float) -> float:
    return math.inf if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)


#: A fortified-region status or stop text: a fight, or a follower held at the depth's edge by
#: it (``waiting for a breach``: the place is not passed before the fight there opens it).
_FIGHT = re.compile(r"fortif|assault|breakthrough|breach|besieg|siege|fight|battle|storm",
                    re.IGNORECASE)
_SIEGE = re.compile(r"besieg|siege|detached", re.IGNORECASE)


def _score_one(r: dict, fid: str, ctx: _Context) -> dict:
    track, route, cross, form = ctx.formation(fid)
    res = _blank(r)
    res["matched_formation"] = fid
    notes: list[str] = []
    day = pd.Timestamp(r["date"]).normalize()
    end = day + _DAY
    if track.empty:
        res["note"] = f"formation {fid} has no track"
        return res
    run_end = pd.Timestamp(track["time"].iloc[-1])
    kind = r.get("event") or ("distance" if math.isnan(r["lat"]) else "arrival")
    res["event"] = kind
    res["crossing_km"] = cross
    res["modeled_km"] = km_at_time(track, end) - cross
    res["modeled_lon"], res["modeled_lat"] = _lonlat_at(track, end)
    if end > run_end:
        notes.append(f"documented date after the run's end ({run_end_text(run_end)}): "
                     "modeled position held at its last value")
    has_place = not (math.isnan(r["lat"]) or math.isnan(r["lon"]))
    has_km = not (math.isnan(r["km_min"]) and math.isnan(r["km_max"]))
    if has_place:
        res["route_error_km"] = locate_on_route(route, r["lon"], r["lat"], tolerance_km=ctx.tol).miss_km
    if kind == "air_landing":
        notes.append("air landing: not a ground advance, not scored (its route error and the "
                     "modeled position are reported)")
        has_place = has_km = False
    if has_km:
        short = float(r.get("event_short_km") or 0.0) if kind == "approach" else 0.0
        flag = depth_flag(r["km_min"], r["km_max"], r["lon"], r["lat"], ctx.line,
                          tolerance_km=ctx.tol, short_km=short)
        if flag:
            res["depth_flag"] = flag
            notes.append(flag)
        else:
            res["km_error"], res["rel_km_error"] = range_error_km(res["modeled_km"], r["km_min"], r["km_max"])
            res["scorable_km"] = True
    if has_place and kind == "siege_end":
        _siege(r, track, ctx.tol, res, notes)
    elif has_place:
        _place(r, kind, track, route, form, ctx, res, notes, run_end, end)
    if not np.isnan(res["km_error"]):
        res["error_km"] = res["km_error"]
    elif not np.isnan(res["place_km_error"]):
        res["error_km"] = res["place_km_error"]
    quality = str(r.get("coord_quality", ""))
    if has_place and quality.startswith("gazetteer") and GAZETTEER_FOR_REFUSED in quality:
        notes.append("the row's coordinate is refused (a problem, in problems.csv): its place "
                     "located by the project's " + quality.replace(GAZETTEER_FOR_REFUSED, "")
                     + ", as when the row gives none")
    elif has_place and quality.startswith("gazetteer"):
        notes.append(f"the row gives no coordinate: its place located by the project's {quality}")
    if not (has_place or has_km) and kind != "air_landing" and not res["depth_flag"]:
        notes.append("no coordinate and no distance in the source: reported, not scored")
    res["scorable"] = bool(res["scorable_date"] or res["scorable_km"])
    res["note"] = "; ".join(dict.fromkeys(n for n in notes if n))
    return res


def _place(r, kind, track, route, form, ctx: _Context, res, notes, run_end, end) -> None:
    """Time the event at the row's place: along the route when it passes, else off it."""
    day = end - _DAY
    short = float(r.get("event_short_km") or 0.0)
    radius = max(short, ctx.tol) if kind == "approach" else ctx.tol
    entry = kind in ("approach", "forward_edge")
    fix = locate_on_route(route, r["lon"], r["lat"], tolerance_km=radius, entry=entry)
    arrival, leave, leg_km = None, None, 0.0
    if fix.reached:
        res["timing"] = "route"
        res["route_km_at_place"] = fix.route_km
        arrival = time_at_km(track, fix.route_km)
        leave = arrival
    elif ctx.timer is None:
        notes.append(f"route misses the place by {fix.miss_km:.1f} km (tolerance {radius:g} km) and "
                     "the run has no terrain to time the way there: not scored")
        return
    else:
        held = _last_fight_end(track, fix.route_km)
        # nor before it has taken the objectives its route takes short of the place: a leg
        # leaving earlier would skip them (the route's order is the formation's orders)
        fid = str(form.get("formation_id") or res["matched_formation"])
        prior = [(k, n) for k, n in ctx.trace.objectives_of(fid) if k <= fix.route_km + 1e-9]
        taken = None
        if prior:
            k, name = prior[-1]
            taken = time_at_km(track, k)
            if taken is None:
                notes.append(f"off the route by {fix.miss_km:.0f} km, beyond its objective {name}, "
                             "which it never takes")
                res["timing"] = "off-route"
                _censor_or_drop(res, notes, track, run_end, end)
                return
            if held is None or taken > held:
                held = taken
        o = ctx.timer.time(track, vehicle=str(form.get("pace_vehicle") or ""),
                           seasons=ctx.trace.seasons, lon=r["lon"], lat=r["lat"], radius_km=radius,
                           speed_scale=ctx.trace.speed_scale, not_before=held)
        res["timing"] = "off-route"
        if not o.reached:
            notes.append(f"route misses the place by {fix.miss_km:.1f} km and {o.note}: not scored")
            res["problem"] = f"no way to the place for formation {res['matched_formation']}: {o.note}"
            return
        arrival, leave = o.arrival, o.leave_time
        res["leave_time"], res["leave_lon"], res["leave_lat"] = o.leave_time, o.leave_lon, o.leave_lat
        leg_km = max(float(great_circle_km(o.leave_lon, o.leave_lat, r["lon"], r["lat"])) - radius, 0.0)
        notes.append(f"off the route by {fix.miss_km:.0f} km: timed by the cost engine from the track "
                     f"at {o.leave_time:%d %b %H:%M} ({o.travel_h:.1f} h at the formation's own pace, "
                     f"x{o.duty:.2f} the cost engine's time)"
                     + (f", leaving no earlier than it takes its objective {prior[-1][1]} "
                        f"({held:%d %b %H:%M})" if taken is not None and held == taken else
                        f", leaving no earlier than the end of its fight on the way ({held:%d %b %H:%M})"
                        if held is not None else ""))
    if arrival is not None and kind == "capture":
        arrival = _capture(track, arrival, r, ctx.tol, res, notes)
    if arrival is not None and arrival > run_end:
        arrival = None
    if arrival is not None:
        res["arrival_time"] = arrival
        res["date_error_days"] = window_error_days(arrival, day, basis=r["date_basis"])
        res["scorable_date"] = True
        res["place_km_error"] = _km_behind(track, arrival, leave, leg_km, day, r["date_basis"])
    else:
        _censor_or_drop(res, notes, track, run_end, end)


def _censor_or_drop(res: dict, notes: list[str], track: pd.DataFrame, run_end: pd.Timestamp,
                    end: pd.Timestamp) -> None:
    """The place is never reached: a lower bound on the date error when the run outlasts the
    documented day, else nothing to score."""
    if run_end >= end:
        res["date_error_days"] = (run_end - end) / _DAY
        res["date_censored"] = True
        res["scorable_date"] = True
        if res["timing"] == "route":
            res["place_km_error"] = km_at_time(track, end) - float(res["route_km_at_place"])
        notes.append(f"place not reached by the run's end ({run_end_text(run_end)}): date error "
                     "is a lower bound")
    else:
        notes.append("run ended before the documented date without reaching the place")


def run_end_text(run_end: pd.Timestamp) -> str:
    """When a run ended, as a reader of the army file says it: "end of 26 Aug 1945" for a
    run ending at midnight (the end of its ``end:`` day; its last record is stamped 27 Aug
    00:00, and "1945-08-27" read as a day the army file does not give), else the instant."""
    t = pd.Timestamp(run_end)
    if t == t.normalize():
        return f"end of {t - _DAY:%d %b %Y}"
    return f"{t:%Y-%m-%d %H:%M}"


def _km_behind(track, arrival, leave, leg_km, day, basis) -> float:
    """Km by which the formation misses the documented day at the place: 0 if it gets there
    in the window; behind (negative): track km still to go at the window's end plus the part of
    the off-route leg not yet done; ahead (positive): track km made between getting there and
    the window's start (never ahead with ``no_later_than``)."""
    start, end = day, day + _DAY
    if arrival > end:
        left = max(km_at_time(track, min(leave, arrival)) - km_at_time(track, end), 0.0)
        if leg_km > 0:
            frac = 1.0 if end <= leave else (arrival - end) / max(arrival - leave, pd.Timedelta(seconds=1))
            left += leg_km * min(1.0, float(frac))
        return -left
    if arrival < start and basis != "no_later_than":
        return km_at_time(track, start) - km_at_time(track, arrival)
    return 0.0


def _last_fight_end(track: pd.DataFrame, route_km: float) -> pd.Timestamp | None:
    """When the formation's last fight (a fortified-region status) short of ``route_km`` on its
    route ends: an off-route leg starts no earlier (the cost engine does not price the fight).
    None when it fights nowhere before that km."""
    if "status" not in track or track.empty or not math.isfinite(route_km):
        return None
    fight = (track["status"].astype(str).str.contains(_FIGHT).to_numpy()
             & (track["cum_km"].to_numpy(float) <= route_km + 1e-9))
    if not fight.any():
        return None
    i = int(np.flatnonzero(fight)[-1])
    return pd.Timestamp(pd.to_datetime(track["time"]).iloc[i])  # a step's record is its end


def _capture(track, arrival, r, tol, res, notes) -> pd.Timestamp:
    """Arrival plus the fight the track represents at the place (a fortified-region status);
    none: the arrival, flagged."""
    status = track["status"].astype(str) if "status" in track else pd.Series([""] * len(track))
    near = great_circle_km(track["lon"].to_numpy(float), track["lat"].to_numpy(float), r["lon"], r["lat"]) <= tol
    times = pd.to_datetime(track["time"])
    fight = status.str.contains(_FIGHT).to_numpy() & near
    if not fight.any():
        res["fight"] = "not represented"
        notes.append("capture after fighting: the model represents no fight here, scored as the arrival")
        return arrival
    after = np.flatnonzero((times >= arrival).to_numpy() & fight)
    end = arrival
    if after.size:
        i = int(after[0])
        while i + 1 < len(track) and (fight[i + 1] or status.iloc[i + 1] == "rest"):
            i += 1
        end = max(arrival, pd.Timestamp(times.iloc[i]))
    labels = ", ".join(dict.fromkeys(status[fight]))
    res["fight"] = labels
    notes.append(f"capture after fighting: arrival plus the model's {labels} at the place")
    return end


def _siege(r, track, tol, res, notes) -> None:
    """A siege's end is scored only where the track shows a siege at the place that ends."""
    status = track["status"].astype(str) if "status" in track else pd.Series([""] * len(track))
    near = great_circle_km(track["lon"].to_numpy(float), track["lat"].to_numpy(float), r["lon"], r["lat"]) <= tol
    sieging = status.str.contains(_SIEGE).to_numpy() & near
    if not sieging.any():
        notes.append("siege end: the model does not represent this siege (no formation besieges "
                     "the place), so its end is not scored")
        return
    last = int(np.flatnonzero(sieging)[-1])
    if last == len(track) - 1:
        notes.append("siege end: the model's besieging force stays to the run's end (the siege's "
                     "end is not modelled), so it is not scored")
        return
    when = pd.Timestamp(track["time"].iloc[last])
    res["arrival_time"] = when
    res["timing"] = "siege"
    res["date_error_days"] = window_error_days(when, pd.Timestamp(r["date"]), basis=r["date_basis"])
    res["scorable_date"] = True


def _lonlat_at(track: pd.DataFrame, when: pd.Timestamp) -> tuple[float, float]:
    t = pd.to_datetime(track["time"]).to_numpy("datetime64[ns]").astype(np.int64)
    v = pd.Timestamp(when).value
    return (float(np.interp(v, t, track["lon"].to_numpy(float))),
            float(np.interp(v, t, track["lat"].to_numpy(float))))

def find_disagreements(rows: pd.DataFrame, *, tolerance_km: float = DEFAULT_TOLERANCE_KM
                       ) -> dict[int, list[str]]:
    """Rows of one axis that contradict each other, as ``{row: [reasons]}``; none is dropped.

    Two rows disagree when (a) an earlier-or-same-date row's ``km_min`` exceeds a later row's
    ``km_max`` (the distances cannot both hold), or (b) they put places within ``tolerance_km``
    of each other on different dates. A row whose notes mention a conflict says so too.
    """
    recs = rows[rows["usable"]].to_dict("records") if "usable" in rows else rows.to_dict("records")
    found: dict[int, list[str]] = {}

    def add(a: dict, b: dict, why: str) -> None:
        found.setdefault(int(a["row"]), []).append(f"disagrees with row {int(b['row'])}: {why}")
        found.setdefault(int(b["row"]), []).append(f"disagrees with row {int(a['row'])}: {why}")

    for i, a in enumerate(recs):
        for b in recs[i + 1:]:
            first, second = (a, b) if a["date"] <= b["date"] else (b, a)
            if first["km_min"] > second["km_max"]:  # NaN compares False: open bounds never clash
                add(first, second, f"{first['km_min']:g} km by {first['date']:%Y-%m-%d} vs at most "
                    f"{second['km_max']:g} km by {second['date']:%Y-%m-%d}")
            if a["date"] != b["date"] and not any(math.isnan(a[k]) or math.isnan(b[k]) for k in ("lat", "lon")):
                d = float(great_circle_km(a["lon"], a["lat"], b["lon"], b["lat"]))
                if d <= tolerance_km:
                    add(a, b, f"places {d:.0f} km apart dated {a['date']:%Y-%m-%d} and {b['date']:%Y-%m-%d}")
    for r in recs:
        if "conflict" in str(r.get("notes", "")).lower():
            found.setdefault(int(r["row"]), []).append("the source notes report a conflict")
    return found
