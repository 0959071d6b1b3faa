"""When and where a formation's head did something, read from the run's own records: its hourly
track (one row per step, at the step's end: ``time``, ``cum_km``, ``status``) and the step
loop's stops table (``reached``: ``time``, ``cum_km``, ``name``). The run summary's times and
km come from here, so each names one event: an hour and the km the head stood at then.

Why: a track row says where the head was at the end of its step, not when within the step
it got there; pairing the step's start with that km put the 17th Army's forward detachment
'held for fuel from 13 Aug 08:00 at km 441' while its track has it at km 438.7 at 08:00.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["first_left_dry", "left_dry_at", "held_at", "passed_at", "tail_reached_at",
           "STOOD_KM"]

#: km a head may move in a step and still count as standing where it was (assumed: 50 m,
#: far below the whole km the summary prints; the step loop leaves dust such as the 39th
#: Army's forward detachment's 508.181050 -> 508.181051 km in a step it stood dry).
STOOD_KM = 0.05


def first_left_dry(dry_stops: pd.DataFrame | None, began, ended) -> dict | None:
    """The first vehicles left dry as the stops table has them (the step loop's ``dry``
    stop: the hour and the km where they stood, "<classes> dry; they stay behind ..."), when
    one lies in the step from ``began`` to ``ended``; None otherwise. Why: the track row gives
    only the step's start and its head's km at the step's end, a place the dry vehicles never
    reached (the 17th Army's forward detachment: 'from 12 Aug 11:00 at km 368' for trucks left
    at km 365.1 at 11:34)."""
    if dry_stops is None or not len(dry_stops):
        return None
    t = pd.to_datetime(dry_stops["time"])
    inside = dry_stops[(t >= pd.Timestamp(began)) & (t <= pd.Timestamp(ended))]
    if not len(inside):
        return None
    r = inside.iloc[0]
    return {"time": pd.Timestamp(r["time"]), "cum_km": float(r["cum_km"]),
            "class": str(r["name"]).split(" dry;", 1)[0]}


def left_dry_at(track: pd.DataFrame, pos: int, start, dry_stops: pd.DataFrame | None = None
                ) -> dict:
    """When and where vehicles were left dry in the step of ``track`` row ``pos`` (a row with
    ``dry_classes``; rows in time order, ``start`` the time the first step begins): the stops
    table's ``dry`` stop in that step (:func:`first_left_dry`: its hour, km and classes), else
    the step's start with the row's km and ``dry_classes`` (the records keep nothing finer)."""
    row = track.iloc[pos]
    began = pd.Timestamp(track["time"].iloc[pos - 1]) if pos > 0 else pd.Timestamp(start)
    stop = first_left_dry(dry_stops, began, pd.Timestamp(row["time"]))
    if stop is not None:
        return stop
    return {"time": began, "cum_km": float(row["cum_km"]), "class": str(row["dry_classes"])}


def held_at(track: pd.DataFrame, pos: int, start, dry_stops: pd.DataFrame | None = None
            ) -> dict:
    """When and where the head was held in the step of ``track`` row ``pos`` (a ``halted``
    row; rows in time order, ``start`` the time the first step begins): at that row's km
    (``cum_km``), from the first time the records have it standing there:

    - the step loop's ``dry`` stop in that step at that km (within :data:`STOOD_KM`): the
      head itself ran dry then (``first_left_dry``, the stop the summary's 'vehicles left
      dry' reads);
    - else the step's start when the head stood there already (moved at most ``STOOD_KM``);
    - else the step's end: it drove part of the step and then stood, at an hour the records
      do not keep, so the first hour they show it standing there.
    """
    row = track.iloc[pos]
    km = float(row["cum_km"])
    began = pd.Timestamp(track["time"].iloc[pos - 1]) if pos > 0 else pd.Timestamp(start)
    before = float(track["cum_km"].iloc[pos - 1]) if pos > 0 else 0.0
    stop = first_left_dry(dry_stops, began, pd.Timestamp(row["time"]))
    if stop is not None and abs(stop["cum_km"] - km) <= STOOD_KM:
        return {"time": stop["time"], "cum_km": stop["cum_km"]}
    if km - before <= STOOD_KM:
        return {"time": began, "cum_km": km}
    return {"time": pd.Timestamp(row["time"]), "cum_km": km}


def passed_at(track: pd.DataFrame, km: float, start) -> pd.Timestamp | None:
    """When the head first reached ``km`` along its route (rows of ``track`` in time order;
    ``start``: when the first step begins, the head at km 0 then): within the step whose end
    first lies at or beyond ``km``, the time its km reached ``km`` on a straight line between
    the step's two rows (a steady pace within the hour), to the minute; None when it never
    did. Why: the step's end is up to an hour after the head passed (the highest point of
    the 17th Army's route)."""
    kms = np.concatenate([[0.0], track["cum_km"].to_numpy(dtype=float)])
    times = [pd.Timestamp(start), *(pd.Timestamp(t) for t in track["time"])]
    at = np.flatnonzero(kms[1:] >= km - 1e-9)
    if not len(at):
        return None
    i = int(at[0]) + 1
    k0, k1 = float(kms[i - 1]), float(kms[i])
    share = min(max((km - k0) / (k1 - k0), 0.0), 1.0) if k1 > k0 else 0.0
    return (times[i - 1] + (times[i] - times[i - 1]) * share).round("min")


def tail_reached_at(track: pd.DataFrame, km: float, lagged) -> pd.Timestamp | None:
    """When the tail of a marching column got to ``km`` (where its head arrived): ``lagged``,
    when its tail, trailing its head by ``FormationPlan.tail_lag_h`` march hours, got there
    (``ArmySim.tail_all_h``: the step loop's hour, exact within its step), unless the track's
    ``tail_km`` (each row's, at its step's end) reaches ``km`` only a step or more after it
    (vehicles left dry behind, a crossing it was still ferried over: that row's time); None
    when the tail is not there by the run's end. Why: the whole column's arrival at its last
    objective ("all of it"), which the head's arrival leaves out for a column of thousands of
    men (issue 13 item 4)."""
    there = track[track["tail_km"] >= km - 1e-6] if "tail_km" in track else track.iloc[:0]
    if not len(there) or lagged is None:
        return None
    first = pd.Timestamp(there["time"].iloc[0])
    lagged = pd.Timestamp(lagged)
    return lagged if first - lagged < pd.Timedelta(hours=1) else first
