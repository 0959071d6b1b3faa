"""Score a modeled advance against documented rows: date errors at places, km errors at dates.

A modeled advance is two plain frames: ``track`` (``time, cum_km, lon, lat`` per step, time
naive local) and ``route_points`` (``cum_km, lon, lat`` along the route). The same functions
score the model and the planned-rate baseline.

Definitions (the report repeats them):

* **Place rows** (a coordinate): the route *reaches* the place where it first passes within
  ``tolerance_km`` of it (the closest point of that first pass,
  :func:`logistics.geodesy.locate_on_route`, the rule the advance's stops use too); otherwise
  the row reports how far the route misses. The modeled arrival is when the track's ``cum_km`` reaches that route km.
  A documented date D means "by the end of D" (window [D 00:00, D+1 00:00)); with
  ``date_basis == "no_later_than"`` any arrival before the end of D is on time. The signed date
  error is 0 inside the window, else days from the nearest window edge (positive = model late).
  A place the model had not reached when its run ended gives a *censored* error: the error is
  at least (run end - window end), flagged ``date_censored``.
* **Distance rows** (``km_min``/``km_max``): the modeled ``cum_km`` at the end of D against the
  range: 0 inside, else the signed km beyond the violated bound; a missing bound is open
  (">450", "250 (up to)"). ``rel_km_error`` divides by the violated bound.
* ``error_km``, one km error per scorable row for skill and calibration: ``km_error`` when the
  row has a documented distance, else ``place_km_error``: 0 if the model passes the place
  during the documented window, else the km it is behind the place at the window's end
  (negative) or past it at the window's start (positive). Not censored, so it stays
  informative when the model never gets there.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from logistics.geodesy import great_circle_km, locate_on_route

__all__ = [
    "DEFAULT_TOLERANCE_KM",
    "time_at_km",
    "km_at_time",
    "window_error_days",
    "range_error_km",
    "score_rows",
    "find_disagreements",
    "SCORE_COLUMNS",
]

#: Default distance within which the modeled route counts as reaching a documented place (km).
#: A modelling choice: coordinates of several places are only approximate (coord_quality
#: ``approx_uncertain``) and a formation's position is an area tens of km across.
DEFAULT_TOLERANCE_KM: float = 15.0

_DAY = pd.Timedelta(days=1)

#: Columns of the frame :func:`score_rows` returns (one row per documented row).
SCORE_COLUMNS: tuple[str, ...] = (
    "row", "route_km_at_place", "miss_km", "arrival_time", "modeled_km", "km_error",
    "rel_km_error", "place_km_error", "error_km", "date_error_days", "date_censored",
    "scorable_date", "scorable_km", "scorable", "note",
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


def score_rows(rows: pd.DataFrame, track: pd.DataFrame, route_points: pd.DataFrame, *,
               tolerance_km: float = DEFAULT_TOLERANCE_KM) -> pd.DataFrame:
    """Score documented rows (as parsed by ``load_documented``) of one axis against one advance.

    Returns one row per input row with :data:`SCORE_COLUMNS`; rows that cannot be scored have
    ``scorable`` False and the reason in ``note``.
    """
    out = [_score_one(r, track, route_points, tolerance_km) for r in rows.to_dict("records")]
    frame = pd.DataFrame(out, columns=list(SCORE_COLUMNS))
    return frame.astype({"date_censored": bool, "scorable_date": bool, "scorable_km": bool,
                         "scorable": bool})


def _score_one(r: dict, track: pd.DataFrame, route_points: pd.DataFrame, tol: float) -> dict:
    res: dict = {c: math.nan for c in SCORE_COLUMNS}
    res.update(row=r["row"], arrival_time=pd.NaT, date_censored=False, scorable_date=False,
               scorable_km=False, scorable=False)
    notes: list[str] = []
    if not r.get("usable", True):
        res["note"] = f"not scored: {r.get('issues') or 'invalid row'}"
        return res
    day = pd.Timestamp(r["date"]).normalize()
    end_of_day = day + _DAY
    run_start, run_end = pd.Timestamp(track["time"].iloc[0]), pd.Timestamp(track["time"].iloc[-1])
    modeled_km = km_at_time(track, end_of_day)
    res["modeled_km"] = modeled_km
    if end_of_day > run_end:
        notes.append(f"documented date after the run's end ({run_end:%Y-%m-%d %H:%M}): "
                     "modeled km held at its last value")
    has_place = not (math.isnan(r["lat"]) or math.isnan(r["lon"]))
    has_km = not (math.isnan(r["km_min"]) and math.isnan(r["km_max"]))
    if has_place:
        fix = locate_on_route(route_points, r["lon"], r["lat"], tolerance_km=tol)
        res["miss_km"] = fix.miss_km
        if fix.reached:
            res["route_km_at_place"] = fix.route_km
            res["place_km_error"] = _place_km_error(track, fix.route_km, day, r["date_basis"])
            arrival = time_at_km(track, fix.route_km)
            if arrival is not None:
                res["arrival_time"] = arrival
                res["date_error_days"] = window_error_days(arrival, day, basis=r["date_basis"])
                res["scorable_date"] = True
            elif run_end >= end_of_day:
                res["date_error_days"] = (run_end - end_of_day) / _DAY
                res["date_censored"] = True
                res["scorable_date"] = True
                notes.append(f"place not reached by the run's end ({run_end:%Y-%m-%d}): "
                             "date error is a lower bound")
            else:
                notes.append("run ended before the documented date without reaching the place")
        else:
            notes.append(f"route misses the place by {fix.miss_km:.1f} km (tolerance {tol:g} km)")
    if has_km:
        res["km_error"], res["rel_km_error"] = range_error_km(modeled_km, r["km_min"], r["km_max"])
        res["scorable_km"] = True
        res["error_km"] = res["km_error"]
    elif not math.isnan(res["place_km_error"]):
        res["error_km"] = res["place_km_error"]
    if not has_place and not has_km:
        notes.append("no coordinate and no distance in the source: reported, not scored")
    if run_start > end_of_day:
        notes.append("documented date before the run's start")
    res["scorable"] = bool(res["scorable_date"] or res["scorable_km"])
    res["note"] = "; ".join(notes)
    return res


def _place_km_error(track: pd.DataFrame, route_km: float, day: pd.Timestamp, basis: str) -> float:
    """Km by which the model misses the documented day at the place: 0 if it passes the place
    during the day's window, else how far behind (negative) at its end or ahead (positive)
    at its start (never ahead with ``no_later_than``)."""
    behind = km_at_time(track, day + _DAY) - route_km
    if behind < 0:
        return behind
    ahead = km_at_time(track, day) - route_km
    return ahead if ahead > 0 and basis != "no_later_than" else 0.0


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
