"""The Khingan fuel question: documented fuel states scored against the modeled formation's
fuel, and whether, when and where the model runs dry.

Documented states (``configs/history/fuel-states.csv``, each with source and quote) name a
formation ("7th Mechanized Corps", "6th Guards Tank Army") and, where the source gives one,
the refills on hand ("0.25 заправки"). Each is matched to the army's formations by the rules
of ``logistics.history.match`` on its ``formation`` text only (its ``place`` says where the
formation or its parts were, e.g. "forward detachment 15 km west of Tuquan", not whose fuel
it was) and scored (:func:`score_fuel_states`) against the matched
formation's ``refills_on_hand`` (fuel on hand / one full set of its tanks) at the end of the
documented day; several formations (a corps with the forward detachment drawn from it, a
state of the whole army): their litres on hand over their refills together, each listed. A
state naming no formation of its own axis's army but one of another axis (the positions' rule,
``match.OTHER_AXIS``) is that axis's: not scored, its ``model_status`` naming the axis and the fix.
Within ``FUEL_TOLERANCE_REFILLS`` (0.25 of a refill, the issue's target) counts as agreeing.
Its report section is written by ``logistics.report.compare_page.fuel_markdown``.

"Dry" in the model is two things (``advance/simulate.py``): vehicles of a class that have
emptied their tanks stay behind while their formation moves on with what can move
(``dry_classes`` in its track), and a formation with nothing left that can move is held,
status ``halted: no fuel``, until fuel arrives. The verdict reports both, over every formation.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from logistics import settings
from logistics._textfile import read_text
from logistics.errors import DataError
from logistics.history.runs import RunTrace
from logistics.history.uncertainty import QUANTILES
from logistics.track_events import held_at, left_dry_at

__all__ = [
    "DRY_STATUS",
    "FUEL_TOLERANCE_REFILLS",
    "FUEL_COLUMNS",
    "score_fuel_states",
    "FuelVerdict",
    "load_fuel_states",
    "fuel_verdict",
    "dry_time_quantiles",
]

#: Status of a track step or a day when the formation is held for lack of fuel.
DRY_STATUS: str = "halted: no fuel"

#: A modeled fuel state within this many refills of the documented one agrees with it.
FUEL_TOLERANCE_REFILLS: float = 0.25

#: Columns of :func:`score_fuel_states`.
FUEL_COLUMNS: tuple[str, ...] = (
    "axis_id", "date", "date_text", "formation", "place", "state", "refills",
    "matched_formation", "match_rule", "model_refills", "model_by_formation", "refills_error",
    "within_tolerance", "model_status", "model_held_h", "model_dry_classes", "source", "quote",
)


def _with_drawn_parts(candidates: Sequence[str], formations: pd.DataFrame) -> list[str]:
    """``candidates`` and the formations drawn from them (``drawn_from_parent``: a corps'
    forward detachment is part of the corps, so the corps' fuel state counts its fuel)."""
    out = list(candidates)
    if "drawn_from_parent" not in formations:
        return out
    for f in formations.to_dict("records"):
        if bool(f.get("drawn_from_parent")) is True and f.get("parent") in candidates \
                and f["formation_id"] not in out:
            out.append(str(f["formation_id"]))
    return out


def score_fuel_states(states: pd.DataFrame, trace: RunTrace, *,
                      others: Sequence[object] = ()) -> pd.DataFrame:
    """Each documented fuel state of one axis against the matched formations' modeled refills
    on hand at the end of its day (see the module docstring), with the hours each was held for
    fuel in that day (``model_held_h``: its daily ``hours_halted_no_fuel``, to 0.1 h) and the
    vehicle classes it left dry that day (``model_dry_classes``): a documented wait for fuel,
    or vehicles stopped without it, that gives no refills is read against these (nothing for a
    formation with no record that day). A state of several formations (a corps with the parts
    drawn from it, or the whole army) is their fuel on hand over their refills together:
    litres over litres, not a mean of shares.
    ``others``: the other axes' armies (``history.match.OtherArmy``): a state naming only
    their formations is matched by the positions' rule (``match.OTHER_AXIS``): no formation,
    not scored, the problem (naming that axis and the fix) in ``model_status``."""
    from logistics.history.match import match_row

    out = []
    for s in states.to_dict("records"):
        m = match_row(s.get("formation", ""), "", trace.formations,
                      army_name=getattr(trace, "army_name", ""), others=others)
        if not m.candidates:  # another axis's formation: that axis's state, not this one's
            out.append({**{k: s.get(k) for k in ("axis_id", "date", "date_text", "formation",
                                                 "place", "state", "refills", "source", "quote")},
                        "matched_formation": "", "match_rule": m.rule, "model_refills": math.nan,
                        "model_by_formation": "", "refills_error": math.nan,
                        "within_tolerance": None, "model_held_h": "", "model_dry_classes": "",
                        "model_status": f"not scored: {m.problem}" if m.problem
                        else "not scored: the army has no formation to score against"})
            continue
        end = pd.Timestamp(s["date"]).normalize() + pd.Timedelta(days=1)
        values, statuses, litres, refill, held, dry = {}, {}, {}, {}, {}, {}
        for fid in _with_drawn_parts(m.candidates, trace.formations):
            tr = trace.track_of(fid)
            times = pd.to_datetime(tr["time"])
            upto = tr[times <= end]
            day = (times > end - pd.Timedelta(days=1)) & (times <= end)
            if not day.any():  # a day outside the run (a date slip, or a run cut short by its
                # `end:`): the model says nothing then; its last record was scored as if it did
                if len(times):
                    statuses[fid] = (f"no record that day (the run: {times.min():%Y-%m-%d %H:%M}"
                                     f" to {times.max():%Y-%m-%d %H:%M}), not scored")
                continue
            hours = _hours_held(trace, fid, s["date"])
            if hours is not None:
                held[fid] = hours
            if "dry_classes" in tr:
                dry[fid] = ",".join(dict.fromkeys(_classes(tr["dry_classes"][day])))
            last = upto.iloc[-1]
            if "refills_on_hand" in upto and not pd.isna(last["refills_on_hand"]):
                values[fid] = float(last["refills_on_hand"])
                full = _refill_l(tr)
                if full is not None and "fuel_l" in upto and not pd.isna(last["fuel_l"]):
                    litres[fid], refill[fid] = float(last["fuel_l"]), full
            statuses[fid] = str(last.get("status", ""))
        if values and len(litres) == len(values) and sum(refill.values()) > 0:
            model = sum(litres.values()) / sum(refill.values())
        else:
            model = float(np.mean(list(values.values()))) if values else math.nan
        err = model - s["refills"] if not (math.isnan(model) or pd.isna(s["refills"])) else math.nan
        out.append({
            **{k: s.get(k) for k in ("axis_id", "date", "date_text", "formation", "place", "state",
                                     "refills", "source", "quote")},
            "matched_formation": ",".join(values) or ",".join(m.candidates),
            "match_rule": m.rule, "model_refills": model,
            "model_by_formation": "; ".join(f"{k} {v:.2f}" for k, v in values.items()),
            "refills_error": err,
            "within_tolerance": bool(abs(err) <= FUEL_TOLERANCE_REFILLS) if not math.isnan(err) else None,
            "model_status": "; ".join(f"{k}: {v}" for k, v in statuses.items()),
            "model_held_h": "; ".join(f"{k} {round(v, 1):g} h" for k, v in held.items()),
            "model_dry_classes": "; ".join(f"{k}: {v or '-'}" for k, v in dry.items()),
        })
    return pd.DataFrame(out, columns=list(FUEL_COLUMNS))


def _hours_held(trace: RunTrace, fid: str, date) -> float | None:
    """Hours the formation ``fid`` was held for fuel on ``date``: its daily rows'
    ``hours_halted_no_fuel`` (the step loop's hours, as ``daily.csv`` has them; the track's
    hour steps that end held counted an hour it drove part of as a whole one), or None when
    the run gives no daily row of it that day."""
    d = trace.daily_of(fid)
    if "hours_halted_no_fuel" not in d or "date" not in d:
        return None
    mine = d[d["date"].astype(str).str[:10] == f"{pd.Timestamp(date):%Y-%m-%d}"]
    if mine.empty:
        return None
    return float(pd.to_numeric(mine["hours_halted_no_fuel"], errors="coerce").fillna(0.0).sum())


def _refill_l(track: pd.DataFrame) -> float | None:
    """Litres of one refill of a formation, from its track (fuel on hand over refills on hand
    where it holds any), or None."""
    if "fuel_l" not in track or "refills_on_hand" not in track:
        return None
    held = track[(track["refills_on_hand"] > 0) & track["fuel_l"].notna()]
    if held.empty:
        return None
    return float(held["fuel_l"].iloc[0] / held["refills_on_hand"].iloc[0])

_STATE_COLUMNS = ("axis_id", "date", "date_text", "formation", "place", "state", "refills",
                  "source", "quote", "confidence")

#: Most refills a documented fuel state can give: the army files' own bound on the refills an
#: army carries (``fuel.carried_refills`` <= 100, logistics/army/schema.py). A state of 1e300
#: refills was scored (an error of -1e300, printed as 300 digits in report.md): a typo.
MAX_REFILLS: float = 100.0


def load_fuel_states(path: str | Path | None = None, *,
                     config_dir: str | Path | None = None) -> pd.DataFrame:
    """Documented fuel states (default ``history/fuel-states.csv`` of the configs folder
    ``config_dir``, ``settings.CONFIG_DIR`` when None); ``date`` parsed, ``refills`` numeric
    (NaN where the source gives no figure)."""
    p = Path(path) if path is not None else (
        settings.config_dir_path(config_dir) / "history" / "fuel-states.csv")
    fix = ("fix: save it as UTF-8 CSV with the columns " + ", ".join(_STATE_COLUMNS)
           + " (as the shipped configs/history/fuel-states.csv)")
    from logistics.history.documented import MAX_BYTES  # the bound of a history CSV

    if not p.exists() and not p.is_symlink():
        raise DataError(f"fuel-states file not found: {p}")
    try:  # a pipe named fuel-states.csv: pandas waited on it for ever (the compare hung)
        text = read_text(p, what="fuel-states file", max_bytes=MAX_BYTES,
                         error=DataError)
    except DataError as exc:
        raise DataError(f"{exc}; {fix}") from None
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError:
        raise DataError(f"{p}: empty (no header line); {fix}") from None
    except (pd.errors.ParserError, ValueError, OSError) as exc:
        if "Expected" in str(exc):  # a later row wider than the first: said as the others are
            _check_widths(p, text)
        raise DataError(f"{p}: cannot be read as CSV ({str(exc).strip()[:200]}); {fix}") from None
    _check_widths(p, text)
    # cells as the documented-advances reader takes them: a spreadsheet's spaces round a
    # date or an axis id ("1945-08-12 ") are no part of it (the date was refused unseen)
    df.columns = [str(c).strip() for c in df.columns]
    df = df.apply(lambda col: col.str.strip())
    missing = [c for c in _STATE_COLUMNS if c not in df.columns]
    if missing:
        raise DataError(f"{p}: missing columns {', '.join(missing)} (expected {', '.join(_STATE_COLUMNS)})")
    unsourced = [int(i) + 2 for i in np.flatnonzero((df["source"] == "") & (df["quote"] == ""))]
    if unsourced:  # a state from nowhere was scored (a documented position without either
        # is not: documented.py)
        raise DataError(f"{p}: rows {unsourced[:10]} have no source and no quote: the state "
                        "cannot be checked against where it comes from; fix: give the source "
                        "(author, title, page or URL) and, best, the quote")
    twins = df[df.duplicated(keep=False)]
    if len(twins):  # a row pasted twice was scored twice, counted twice among those within
        rows = [int(i) + 2 for i in twins.index]
        raise DataError(f"{p}: rows {rows[:10]} are the same state given more than once (every "
                        "cell alike), so it would be scored and counted more than once; fix: "
                        "keep one of them")
    text = df["date"]
    df["date"] = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    if df["date"].isna().any():
        bad = [int(i) + 2 for i in np.flatnonzero(df["date"].isna())]
        shown = ", ".join(f"{text.iloc[r - 2][:20]!r}" for r in bad[:5])
        raise DataError(f"{p}: bad date (expected YYYY-MM-DD) in rows {bad}: {shown}; fix: "
                        "the day the source gives, e.g. 1945-08-12")
    given = df["refills"].str.strip() != ""
    refills = pd.to_numeric(df["refills"].where(given, np.nan), errors="coerce")
    text = [int(i) + 2 for i in np.flatnonzero(given & refills.isna())]
    if text:
        shown = ", ".join(f"row {r}: {df['refills'].iloc[r - 2][:40]!r}" for r in text[:5])
        raise DataError(f"{p}: refills must be a number (refills of the norm's full load, a "
                        f"decimal point: 0.25) or empty, got {shown}; fix: the figure the "
                        "source gives, written as a number, or leave it empty (no figure)")
    df["refills"] = refills
    odd = np.isinf(df["refills"]) | (df["refills"] < 0) | (df["refills"] > MAX_REFILLS)
    bad = [int(i) + 2 for i in np.flatnonzero(odd)]
    if bad:
        shown = ", ".join(f"row {r}: {df['refills'].iloc[r - 2]:g}" for r in bad[:5])
        raise DataError(f"{p}: refills must be a number from 0 to {MAX_REFILLS:g} (refills of "
                        f"the norm's full load) or empty, got {shown}; fix: the figure the "
                        "source gives, or leave it empty")
    return df


def _check_widths(p: Path, text: str) -> None:
    """DataError for a header naming a column twice, or a row of another width than the
    header's: pandas filled a short row's cells with NaN (scored from no source), made a long
    first row's extra cell an index (every column shifted: "bad date in rows [2, ...]") and
    said a later one in its own words ("Expected 10 fields in line 4, saw 11")."""
    twice, widths = _layout(text)
    if twice:
        raise DataError(f"{p}: columns named twice in the header: {', '.join(twice)} (pandas "
                        "would keep one and rename the other); fix: keep one column of each "
                        f"name, {', '.join(_STATE_COLUMNS)}")
    if widths:
        from logistics.history.documented import width_problem

        row, cells, width = widths[0]
        more = f" (and rows {[w[0] for w in widths[1:11]]})" if len(widths) > 1 else ""
        raise DataError(f"{p}: row {row}{more}: {width_problem(row, cells, width).message}")


def _layout(text: str) -> tuple[list[str], list[tuple[int, int, int]]]:
    """The names the header line of the CSV ``text`` gives more than once, and ``(row, cells,
    header's columns)`` of each non-blank row of another width than the header's (rows
    counted as the file's records, the header row 1)."""
    import csv

    csv.field_size_limit(max(csv.field_size_limit(), len(text)))  # pandas read it all
    rows = (r for r in csv.reader(io.StringIO(text, newline="")) if r)  # blank lines skipped,
    header = next(rows, [])  # as pandas does
    names = [h.strip() for h in header]
    widths = [(n, len(r), len(header)) for n, r in enumerate(rows, 2) if len(r) != len(header)]
    return sorted({n for n in names if names.count(n) > 1}), widths


@dataclass(frozen=True)
class FuelVerdict:
    """Whether a run went dry, over every formation of the army.

    ``first_dry``: when a formation was first held for lack of fuel (or None), read as the
    run summary reads it (``track_events.held_at``: one hour and the km the head stood at
    then), ``dry_formation`` which, and where (``dry_lon``, ``dry_lat`` of that hour's track
    row, ``dry_km`` along its route); ``hours_dry``: hours at which any formation was held,
    ``days_dry`` their dates. ``first_vehicles_dry``: when vehicles first stood dry and were
    left behind while their formation moved on (``vehicles_dry_formation``,
    ``vehicles_dry_classes``, ``vehicles_dry_km``): the stops table's hour and km, as the run
    summary has them (``track_events.left_dry_at``), else the step's start with its km;
    vehicles run dry before a whole formation is held (see ``advance/simulate.py``).
    ``dry_classes``: every class empty at some hour of the run.
    ``daily``: the headline formation's daily fuel table (date, cum_km, status, refills)."""

    axis_id: str
    first_dry: pd.Timestamp | None
    dry_lon: float
    dry_lat: float
    dry_km: float
    dry_classes: str
    hours_dry: float
    days_dry: tuple[str, ...]
    daily: pd.DataFrame
    dry_formation: str = ""
    first_vehicles_dry: pd.Timestamp | None = None
    vehicles_dry_formation: str = ""
    vehicles_dry_classes: str = ""
    vehicles_dry_km: float = math.nan

    @property
    def runs_dry(self) -> bool:
        """A formation was held for lack of fuel."""
        return self.first_dry is not None

    @property
    def leaves_vehicles_dry(self) -> bool:
        """Some vehicles ran dry and stayed behind (whether or not a formation was held)."""
        return self.first_vehicles_dry is not None or self.runs_dry

    @property
    def first_any_dry(self) -> pd.Timestamp | None:
        """The earlier of the first vehicles left dry and the first formation held."""
        times = [t for t in (self.first_vehicles_dry, self.first_dry) if t is not None]
        return min(times) if times else None


def _classes(values) -> list[str]:
    return [c for v in pd.Series(values, dtype=object).fillna("") for c in str(v).split(",") if c]


def fuel_verdict(axis_id: str, trace: RunTrace) -> FuelVerdict:
    """Read every formation's hourly track (``status``, ``dry_classes``) of the run; the
    headline formation's daily table gives the fuel curve. A run whose tracks carry no status
    falls back to the daily table's hours held for fuel."""
    tr = trace.tracks if trace.tracks is not None and len(trace.tracks) else trace.track
    tr = tr.sort_values("time", kind="stable")
    daily = trace.daily
    first, who, lon, lat, km = None, "", math.nan, math.nan, math.nan
    hours, days = 0.0, ()
    if "status" in tr:
        held = tr[tr["status"] == DRY_STATUS]
        if len(held):
            r = held.iloc[0]
            who = str(r.get("formation_id", ""))
            lon, lat = float(r["lon"]), float(r["lat"])
            first, km = _held(trace, tr, r)
            times = pd.to_datetime(held["time"]).drop_duplicates().sort_values()
            hours = float(len(times)) * _step_hours(tr)
            days = tuple(dict.fromkeys(str(t)[:10] for t in (times - pd.Timedelta(seconds=1))))
    if first is None and "hours_halted_no_fuel" in daily and (daily["hours_halted_no_fuel"] > 0).any():
        h = daily["hours_halted_no_fuel"]
        r = daily.iloc[int(np.flatnonzero(h.to_numpy() > 0)[0])]
        first = pd.Timestamp(str(r["date"])[:10])
        lon, lat, km = float(r["lon"]), float(r["lat"]), float(r["cum_km"])
        hours = float(h.sum())
        days = tuple(str(d)[:10] for d, x in zip(daily["date"], h) if x > 0)
    vfirst, vwho, vclasses, vkm = None, "", "", math.nan
    names = _classes(daily["dry_classes"]) if "dry_classes" in daily else []
    if "dry_classes" in tr:
        left = tr[tr["dry_classes"].fillna("").astype(str) != ""]
        if len(left):
            r = left.iloc[0]
            vwho, vclasses = str(r.get("formation_id", "")), str(r["dry_classes"])
            mine, pos = _own(tr, r)  # the hour and km the run summary has (track_events)
            at = left_dry_at(mine, pos, mine["time"].iloc[0], _stops_of(trace, vwho))
            vfirst, vkm = pd.Timestamp(at["time"]), float(at["cum_km"])
            names += _classes(left["dry_classes"])
    keep = [c for c in daily.columns if c in ("date", "cum_km", "status", "hours_halted_no_fuel",
                                             "refills_total", "fuel_l_total", "delivered_l", "dry_classes")
            or c.startswith("refills_")]
    return FuelVerdict(axis_id, first, lon, lat, km, ",".join(dict.fromkeys(names)), hours,
                       days, daily[keep].copy(), dry_formation=who, first_vehicles_dry=vfirst,
                       vehicles_dry_formation=vwho, vehicles_dry_classes=vclasses,
                       vehicles_dry_km=vkm)


def _stops_of(trace: RunTrace, fid: str) -> pd.DataFrame | None:
    """One formation's dry stops of the run (None when the run gives none)."""
    stops = getattr(trace, "dry_stops", None)
    if stops is None or not len(stops):
        return None
    return stops[stops["formation_id"] == fid]


def _held(trace: RunTrace, tracks: pd.DataFrame, row: pd.Series) -> tuple[pd.Timestamp, float]:
    """When and at what km the formation of the halted track ``row`` was held: the run
    summary's reading (``track_events.held_at``: one hour and the km the head stood at then),
    else the step's start with the row's km (a track without formations)."""
    if "formation_id" not in tracks:
        return _began(tracks, row), float(row["cum_km"])
    mine, pos = _own(tracks, row)
    h = held_at(mine, pos, mine["time"].iloc[0], _stops_of(trace, str(row["formation_id"])))
    return pd.Timestamp(h["time"]), float(h["cum_km"])


def _own(tracks: pd.DataFrame, row: pd.Series) -> tuple[pd.DataFrame, int]:
    """The track of ``row``'s formation (all of ``tracks`` without formations; index reset,
    in time order) and ``row``'s position in it."""
    mine = tracks[tracks["formation_id"] == row["formation_id"]] if "formation_id" in tracks \
        else tracks
    mine = mine.reset_index(drop=True)
    return mine, int(np.flatnonzero(pd.to_datetime(mine["time"]) == pd.Timestamp(row["time"]))[0])


def _began(tracks: pd.DataFrame, row: pd.Series) -> pd.Timestamp:
    """When the step recorded in ``row`` began: the time of its formation's previous record
    (records are step ends); the row's own time when it is
    the formation's first record."""
    mine = tracks[tracks["formation_id"] == row["formation_id"]] if "formation_id" in tracks else tracks
    before = pd.to_datetime(mine["time"])
    before = before[before < pd.Timestamp(row["time"])]
    return pd.Timestamp(before.max()) if len(before) else pd.Timestamp(row["time"])


def _step_hours(tracks: pd.DataFrame) -> float:
    """The tracks' time step in hours (the runner records every hour's end)."""
    if "formation_id" in tracks and len(tracks):
        t = pd.to_datetime(tracks[tracks["formation_id"] == tracks["formation_id"].iloc[0]]["time"])
    else:
        t = pd.to_datetime(tracks["time"])
    d = t.sort_values().diff().dropna()
    d = d[d > pd.Timedelta(0)]
    return float(d.median() / pd.Timedelta(hours=1)) if len(d) else 1.0


def dry_time_quantiles(runs: Sequence[RunTrace]) -> dict[str, object]:
    """Over Monte Carlo draws: the share of draws in which a formation is held for fuel
    (``share_dry``) and P10/P50/P90 of that first time (``first_dry_p10`` ...), and the same for
    the first vehicles left dry (``share_vehicles_dry``, ``first_vehicles_dry_p10`` ...).
    Order statistics; a draw that never runs dry counts as later than any, so NaT."""
    held, left = [], []
    for r in runs:
        v = fuel_verdict("", r)
        held.append(v.first_dry)
        left.append(v.first_any_dry)
    out: dict[str, object] = {"draws": len(held)}
    for key, times in (("dry", held), ("vehicles_dry", left)):
        arr = np.asarray([np.inf if t is None else float(t.value) for t in times])
        out[f"share_{key}"] = float(np.isfinite(arr).mean()) if len(arr) else math.nan
        q = np.quantile(arr, QUANTILES, method="inverted_cdf") if len(arr) else [np.inf] * 3
        for name, v in zip(("p10", "p50", "p90"), q):
            out[f"first_{key}_{name}"] = pd.Timestamp(int(v)) if np.isfinite(v) else pd.NaT
    return out
