"""Read any CSV in the documented-advances format and say, once, everything wrong with it.

Users (historians) bring their own files in the format described in
``configs/history/README.md`` (the project's format: the reference's
``documented-advances-format.md`` with what this reader adds, e.g. duplicate rows and dates
outside a run). A bad cell never raises: it becomes one :class:`Problem` (row, column, value,
what was expected, what happens to the row) and only the unusable field is dropped, so every
other row, and every other field of the same row, is still scored. Only a file that cannot be
read as CSV at all raises :class:`~logistics.errors.DataError`.

Row numbers are those a spreadsheet shows: the header is row 1, the first record row 2.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field, replace
from datetime import date as _date
from pathlib import Path

import numpy as np
import pandas as pd

from logistics.errors import DataError
from logistics.history.events import EVENT_KINDS, infer_event, parse_event

__all__ = [
    "COLUMNS",
    "OPTIONAL_COLUMNS",
    "CONFIDENCE_LEVELS",
    "Problem",
    "Documented",
    "load_documented",
    "check_columns",
    "empty_documented",
    "parse_km_text",
]

#: Every column of the format, in the order the shipped file has them.
COLUMNS: tuple[str, ...] = (
    "axis_id", "front", "formation", "date", "place_reached", "lat", "lon",
    "cumulative_km_from_start_documented", "start_place", "start_lat", "start_lon",
    "source", "quote", "confidence", "notes", "coord_quality", "km_min", "km_max",
)

#: Columns a file may add: ``event`` overrides the event kind inferred from the text
#: (``logistics.history.events``; one of its ``EVENT_KINDS``, or empty to infer).
OPTIONAL_COLUMNS: tuple[str, ...] = ("event",)

#: Allowed values of ``confidence`` (compared case-insensitively).
CONFIDENCE_LEVELS: tuple[str, ...] = ("high", "medium", "low")

#: What a missing column costs (columns not listed here are metadata: treated as empty).
_MISSING_CONSEQUENCE: dict[str, str] = {
    "axis_id": "no row can be scored",
    "date": "no row can be scored",
    "lat": "no coordinate can be used",
    "lon": "no coordinate can be used",
    "cumulative_km_from_start_documented": "distances only from km_min/km_max",
    "km_min": "distances only from the text column",
    "km_max": "distances only from the text column",
}

_NUM = r"(\d+(?:\.\d+)?)"
#: Words that put a bound on a documented distance, English and Russian ("не более" before
#: "более": the longer phrase first). Lower bounds: more than, over, at least; upper bounds:
#: up to, not more than, at most; "about"/«около»/"~" read as the value itself.
_MIN_WORDS = (r"(?:>|>=|≥|over|more than|at least|not less than|no less than|in excess of|"
              r"свыше|более|больше|не менее|не меньше|по меньшей мере)")
_MAX_WORDS = (r"(?:<|<=|≤|up to|not more than|no more than|at most|under|less than|"
              r"не более|не больше|до|менее|меньше)")
_ABOUT_WORDS = r"(?:~|about|approx\.?|approximately|around|some|около|примерно|приблизительно|порядка)"
_KM_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"^(?:{_ABOUT_WORDS}\s*)?{_NUM}$"), "exact"),
    (re.compile(rf"^(?:from|от)?\s*{_NUM}\s*(?:-|–|—|to|до)\s*{_NUM}$"), "range"),
    (re.compile(rf"^(?:не более|не больше|not more than|no more than|at most)\s*{_NUM}$"), "max"),
    (re.compile(rf"^{_MIN_WORDS}\s*{_NUM}$"), "min"),
    (re.compile(rf"^{_MAX_WORDS}\s*{_NUM}$"), "max"),
    (re.compile(rf"^{_NUM}\s*\(?\s*(?:up to|at most|max|maximum|до)\s*\)?$"), "max"),
    (re.compile(rf"^{_NUM}\s*\(?\s*(?:at least|min|minimum|or more|и более|\+)\s*\)?$"), "min"),
    (re.compile(rf"^{_NUM}\s*\(?\s*(?:about|approx\.?|approximately|около)\s*\)?$"), "exact"),
)
_KM_UNITS = re.compile(r"километр\w*|kilomet(?:re|er)s?|км\.?|\bkm\b\.?|(?<=\d)km\.?")
#: A date as the format gives it (YYYY-MM-DD), its month and day also unpadded ("1945-8-11",
#: as a spreadsheet writes it: year first, it reads one way only); "8/11/1945" stays refused
#: (month or day first is a guess).
_DATE_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NO_LATER_RE = re.compile(r"\bno later than\b", re.IGNORECASE)


@dataclass(frozen=True)
class Problem:
    """One problem in a documented-advances file.

    ``row`` is the spreadsheet row (header = 1; None for a problem of the whole file),
    ``column`` the column name, ``value`` the text seen, ``message`` what was expected and how
    to fix it, ``consequence`` what the comparison does about it.
    """

    row: int | None
    column: str
    value: str
    message: str
    consequence: str

    def __str__(self) -> str:
        where = "file" if self.row is None else f"row {self.row}"
        value = (self.value if len(self.value) <= 80 else
                 f"{self.value[:80]}... ({len(self.value):,} characters)")  # a huge cell
        shown = f" = {value!r}" if self.value != "" else ""
        return f"{where}, column {self.column!r}{shown}: {self.message} ({self.consequence})"


@dataclass(frozen=True)
class Documented:
    """A documented-advances file, parsed: every row kept, every problem listed.

    ``table`` has one row per record of the file with the format's columns parsed:
    ``row`` (int), ``axis_id`` (str, "" when missing), ``date`` (datetime64, NaT when bad),
    ``date_text`` (the date as the file gives it, shown where it could not be read),
    ``lat``/``lon``/``start_lat``/``start_lon`` (float degrees, NaN when absent or invalid),
    ``km_min``/``km_max`` (float km, NaN when absent or invalid), ``date_basis``
    (``"end_of_day"`` or ``"no_later_than"``, from ``notes``), ``event`` (what the row records,
    ``logistics.history.events``: the optional ``event`` column, else inferred from the text),
    ``event_short_km`` (km short of the place an approach means), ``event_rule`` (what decided),
    ``usable`` (axis and date valid), ``issues`` (this row's problems, "; "-joined) and the text
    columns as given.
    """

    path: str
    table: pd.DataFrame
    problems: tuple[Problem, ...] = field(default_factory=tuple)

    @property
    def usable(self) -> pd.DataFrame:
        """Rows whose axis and date are valid (they can be scored if they have a place or km)."""
        return self.table[self.table["usable"]]

    @property
    def axes(self) -> list[str]:
        """Axis ids present in usable rows, in order of first appearance."""
        return list(dict.fromkeys(self.usable["axis_id"]))

    def problems_frame(self) -> pd.DataFrame:
        """The problems as a DataFrame (row, column, value, message, consequence)."""
        cols = ["row", "column", "value", "message", "consequence"]
        return pd.DataFrame([[getattr(p, c) for c in cols] for p in self.problems], columns=cols)

    def report(self) -> str:
        """Human-readable summary: counts, then every problem on its own line."""
        n = len(self.table)
        head = (
            f"{self.path}: {n} rows, {int(self.table['usable'].sum())} usable, "
            f"{len(self.problems)} problem(s)"
        )
        return "\n".join([head, *(f"  {p}" for p in self.problems)])


def parse_km_text(text: str) -> tuple[float, float] | None:
    """Parse a documented distance as sources give it into ``(km_min, km_max)``.

    ``"120-150"`` -> (120, 150); ``">450"`` -> (450, nan); ``"250 (up to)"`` -> (nan, 250);
    ``"88.5"`` -> (88.5, 88.5); ``""`` -> (nan, nan); English and Russian bound words too:
    "not more than 60", "up to 250", «до 250 км», «свыше 450», «более 100», «не менее 80»
    (bounds), "about 90", «около 90» (the value). A comma may be the decimal mark. Returns
    None when the text matches none of these forms (the caller reports it).

    >>> parse_km_text("120-150"), parse_km_text(">450")
    ((120.0, 150.0), (450.0, nan))
    """
    t = _KM_UNITS.sub(" ", text.strip().lower())
    t = re.sub(r"(?<=\d),(?=\d)", ".", t)
    t = " ".join(t.replace("\u00a0", " ").split()).rstrip(".")
    if t == "":
        return (math.nan, math.nan)
    for pattern, kind in _KM_PATTERNS:
        m = pattern.match(t)
        if not m:
            continue
        values = [float(g) for g in m.groups()]
        if kind == "exact":
            return (values[0], values[0])
        if kind == "range":
            return (values[0], values[1])
        if kind == "min":
            return (values[0], math.nan)
        return (math.nan, values[0])
    return None


def load_documented(path: str | Path) -> Documented:
    """Read a documented-advances CSV (UTF-8, comma-separated) and validate every row.

    Raises DataError only when the file cannot be read as CSV; every problem inside the file
    is collected in ``Documented.problems``.
    """
    p = Path(path)
    raw = _read_csv(p)
    problems: list[Problem] = []
    for col in OPTIONAL_COLUMNS:
        if col not in raw.columns:
            raw[col] = ""
    lost: dict[str, list[str]] = {}  # consequence -> the missing columns that cost it
    for col in COLUMNS:
        if col not in raw.columns:
            lost.setdefault(_MISSING_CONSEQUENCE.get(col, "treated as empty"), []).append(col)
            raw[col] = ""
    for n, (consequence, cols) in enumerate(lost.items()):  # one problem per cost: a short
        # file's 12 metadata columns were 12 lines, each repeating the whole format
        problems.append(Problem(
            None, ", ".join(cols), "",
            (f"missing column(s) (the format's columns: {', '.join(COLUMNS)})" if n == 0
             else "missing column(s) of the format (configs/history/README.md)")
            + column_hint(cols, list(raw.columns)), consequence))
    raws = raw.to_dict("records")
    widths, width = raw.attrs.get("widths", {}), raw.attrs.get("width", len(raw.columns))
    records = []
    for i, rec in enumerate(raws):
        row = int(i) + 2
        if row not in widths:
            records.append(_parse_row(row, rec, problems))
            continue
        records.append(_parse_row(row, rec, []))  # its cells' own problems: of shifted cells
        wrong = width_problem(row, widths[row], width)
        problems.append(wrong)
        records[-1].update(usable=False, issues=f"{wrong.message} ({wrong.consequence})")
    _check_duplicates(records, raws, problems)
    problems.sort(key=lambda q: -1 if q.row is None else q.row)  # each row's together, stable
    table = pd.DataFrame(records, columns=list(_TABLE_COLUMNS))  # a header-only file: no rows
    table["date"] = pd.to_datetime(table["date"])
    table["usable"] = table["usable"].astype(bool)  # also when there are no rows
    for col in ("row",):
        table[col] = table[col].astype(int)
    return Documented(path=str(p), table=table, problems=tuple(problems))


def check_columns(doc: Documented) -> Documented:
    """``doc``, unless it lacks a column no row can be scored without (``axis_id``, ``date``):
    then a DataError naming the file and the columns. Such a file is damaged (a wrong file, a
    spreadsheet's export with other headers); reading it would only give an empty table."""
    missing = [c for p in doc.problems if p.row is None and p.consequence == "no row can be scored"
               for c in p.column.split(", ")]
    if missing:
        try:
            names = list(_read_csv(Path(doc.path)).columns)
        except DataError:  # read once already; only the hint is lost
            names = []
        raise DataError(
            f"{doc.path}: missing column(s) {', '.join(map(repr, missing))}, so no row can be "
            f"scored; the format's columns are {', '.join(COLUMNS)} (see "
            f"configs/history/documented-advances.csv){column_hint(missing, names)}"
        )
    return doc


def column_hint(missing: list[str], names: list[str]) -> str:
    """What a header has in place of the format's ``missing`` columns, as text to append to
    the error ("" when nothing is near): a header of one column holding semicolons or tabs
    (a spreadsheet's other separator), or a column whose name differs only in case, spaces or
    '-' or is the long form (``Date``, ``axis-id``, ``latitude`` for ``lat``)."""
    if len(names) == 1:
        for sep, what in ((";", "semicolons"), ("\t", "tabs")):
            if sep in names[0]:
                return (f"; the header is one column separated by {what} ({names[0][:40]!r}...):"
                        " fix: save the file comma-separated (a spreadsheet's 'CSV (comma "
                        "delimited)')")
    own = [n for n in names if n not in COLUMNS and n not in OPTIONAL_COLUMNS]
    pairs = []
    for col in missing:
        near = [n for n in own if n.lower().replace(" ", "_").replace("-", "_").startswith(col)]
        if near:
            pairs.append(f"{near[0]!r} to {col!r}")
    return f"; fix: rename the file's column {', '.join(pairs)}" if pairs else ""


def empty_documented(path: str | Path) -> Documented:
    """A documented file of no rows (a configs tree of one's own that documents nothing)."""
    table = pd.DataFrame({c: pd.Series(dtype=object) for c in _TABLE_COLUMNS})
    table["date"] = pd.to_datetime(table["date"])
    table["usable"] = table["usable"].astype(bool)
    table["row"] = table["row"].astype(int)
    return Documented(path=str(path), table=table)


_TABLE_COLUMNS: tuple[str, ...] = (
    "row", "axis_id", "front", "formation", "date", "date_text", "place_reached", "lat", "lon",
    "cumulative_km_from_start_documented", "km_min", "km_max", "start_place", "start_lat",
    "start_lon", "source", "quote", "confidence", "notes", "coord_quality", "date_basis",
    "event", "event_short_km", "event_rule", "usable", "issues",
)


#: Largest documented-advances file read (bytes): the shipped one is about 20 kB.
MAX_BYTES = 50_000_000
#: Most rows scored: a campaign's dated positions number tens to hundreds (the shipped file
#: 36), and each row costs tens of milliseconds to score (matched, placed on its formation's
#: track, timed off the route), so 200 000 rows ran for hours as if hung.
MAX_ROWS = 5_000


#: Files by their suffix that are no CSV (a user's likely slips for --documented).
_NOT_CSV: dict[str, str] = {
    ".yaml": "a YAML file", ".yml": "a YAML file", ".json": "a JSON file",
    ".geojson": "a GeoJSON file", ".gpkg": "a GeoPackage", ".xlsx": "a spreadsheet workbook",
    ".xls": "a spreadsheet workbook", ".ods": "a spreadsheet workbook"}


def _read_csv(p: Path) -> pd.DataFrame:
    """The file as a frame of stripped strings; DataError if it cannot be read at all.

    Read as UTF-8 (a BOM is allowed); a column named twice in the header is refused (which of
    the two holds the data would be a guess).
    """
    from logistics._textfile import read_text

    if not p.exists():
        raise DataError(f"documented-advances file not found: {p} (give an existing CSV file)")
    kind = _NOT_CSV.get(p.suffix.lower())
    if kind:  # read as CSV it was "row 3 has 3 cells but the header names 1 columns"
        raise DataError(f"{p}: {kind}, not a CSV of dated positions; fix: give a CSV in the "
                        "format of configs/history/documented-advances.csv (a spreadsheet: "
                        "save it as 'CSV (comma delimited)'; an army file goes to `logistics "
                        "run` or to compare's --configs folder)")
    text = read_text(p, what="documented-advances file", max_bytes=MAX_BYTES, error=DataError)
    if not text.strip():
        raise DataError(f"{p}: the file is empty; expected a header row with the format's columns")
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # Windows and old Mac line ends
    csv.field_size_limit(max(csv.field_size_limit(), MAX_BYTES))  # a huge cell: a problem, shown
    try:  # strict: a quote left open swallowed the rest of the file as one cell
        records = [r for r in csv.reader(io.StringIO(text), skipinitialspace=True, strict=True)
                   if r and not (len(r) == 1 and not r[0].strip())]  # blank lines skipped
    except csv.Error as exc:
        raise DataError(f"{p}: not a readable comma-separated file ({str(exc)[:200]}); check "
                        "quoting") from None
    if not records:
        raise DataError(f"{p}: the file is empty; expected a header row with the format's columns")
    header, body = records[0], records[1:]
    names = [h.strip() for h in header]
    twice = sorted({n for n in names if n and names.count(n) > 1})
    if twice:
        raise DataError(f"{p}: column(s) {', '.join(map(repr, twice))} appear more than once in "
                        "the header; keep one of each (which copy holds the data would be a guess)")
    if len(body) > MAX_ROWS:
        raise DataError(f"{p}: {len(body):,} rows; a documented-advances file holds at most "
                        f"{MAX_ROWS:,} dated positions (scoring each takes tens of milliseconds); "
                        "is it the right file? split it by axis_id, or keep the rows you score")
    width = len(names)
    # a row of another width is kept (listed, not scored) with its cells as they fall: which
    # column each belongs to is a guess (an unquoted decimal comma, '44,556', shifted every
    # cell after it into the next column and the row was scored on them)
    cells = [(r + [""] * width)[:width] for r in body]
    df = pd.DataFrame(cells, columns=[n or f"(unnamed {i + 1})" for i, n in enumerate(names)],
                      dtype=object)
    df = df.apply(lambda col: col.str.strip()) if len(df) else df.astype(str)
    df.attrs["widths"] = {i + 2: len(r) for i, r in enumerate(body) if len(r) != width}
    df.attrs["width"] = width
    return df


def width_problem(row: int, cells: int, width: int) -> Problem:
    """The problem of a row of ``cells`` fields under a header of ``width`` columns: which
    column each of its cells belongs to would be a guess, so it is not scored."""
    more = cells > width
    return Problem(
        row, "(row)", f"{cells} fields",
        f"{cells} fields where the header names {width} columns: "
        + ("a value holding a comma (a decimal comma, 44,556, or a list) splits into two cells "
           "and shifts every cell after it" if more else "cells are missing, and those after "
           "the gap fall into the wrong columns")
        + "; fix: quote a value that holds a comma (\"44,556\"), or use a point as the decimal "
          "mark (44.556)" + ("" if more else ", and give every column's cell (empty ones too)"),
        "row not scored")


def _parse_row(row: int, rec: dict[str, str], problems: list[Problem]) -> dict[str, object]:
    """Parse one record; append its problems; drop only the fields that are unusable."""
    mine: list[Problem] = []

    def bad(column: str, message: str, consequence: str) -> None:
        mine.append(Problem(row, column, rec.get(column, ""), message, consequence))

    axis = rec["axis_id"]
    if axis == "":
        bad("axis_id", "empty axis id (expected e.g. 'TBF-6GTA', the axis a scenario names)",
            "row not scored")
    day = _parse_date(rec["date"])
    if day is None:
        bad("date", "bad date (expected YYYY-MM-DD, e.g. 1945-08-11)", "row not scored")
    elif not _FIRST_DAY <= day <= _LAST_DAY:  # beyond pandas' timestamps (a traceback when scored)
        bad("date", f"date outside the years {_FIRST_DAY.year}-{_LAST_DAY.year} a run can be "
            "timed in (a typo in the year?)", "row not scored")
        day = None
    lat, lon = _parse_point(rec, "lat", "lon", bad, "coordinate ignored")
    coord_quality = rec["coord_quality"]
    if math.isnan(lat):  # none given, or refused (lat 200, lon empty): a known place was lost
        found = gazetteer_point(rec["place_reached"])
        if found is not None:
            lat, lon = found[1], found[0]
            refused = rec["lat"] != "" or rec["lon"] != ""
            coord_quality = f"gazetteer ({found[2]}{GAZETTEER_FOR_REFUSED if refused else ''})"
            instead = f"coordinate ignored; the gazetteer's {found[2]} used instead"
            mine[:] = [replace(q, consequence=instead) if q.consequence == "coordinate ignored"
                       else q for q in mine]
    start_lat, start_lon = _parse_point(rec, "start_lat", "start_lon", bad, "start ignored")
    km_min, km_max = _parse_km(rec, bad)
    override = parse_event(rec.get("event", ""))
    if override is None:
        bad("event", f"unknown event kind (expected one of {', '.join(EVENT_KINDS)}, or empty "
            "to infer it from the text)", "kind inferred from the text")
        override = ""
    event = infer_event(place=rec["place_reached"], quote=rec["quote"], notes=rec["notes"],
                        formation=rec["formation"], override=override,
                        has_coordinate=not (math.isnan(lat) or math.isnan(lon)))
    confidence = rec["confidence"].lower()
    if confidence not in CONFIDENCE_LEVELS:
        what = "no confidence given" if not confidence.strip() else "unknown confidence"
        bad("confidence", f"{what} (expected one of {', '.join(CONFIDENCE_LEVELS)})",
            "kept as given")
    if not rec["source"].strip() and not rec["quote"].strip():  # a position from nowhere
        bad("source", "no source and no quote: the position cannot be checked against where it "
            "comes from; fix: give the source (author, title, page or URL) and, best, the quote",
            "scored, but cite where it comes from")
    problems.extend(mine)
    return {
        "row": row, "axis_id": axis, "front": rec["front"], "formation": rec["formation"],
        "date": day, "date_text": rec["date"], "place_reached": rec["place_reached"], "lat": lat, "lon": lon,
        "cumulative_km_from_start_documented": rec["cumulative_km_from_start_documented"],
        "km_min": km_min, "km_max": km_max, "start_place": rec["start_place"],
        "start_lat": start_lat, "start_lon": start_lon, "source": rec["source"],
        "quote": rec["quote"], "confidence": confidence or rec["confidence"],
        "notes": rec["notes"], "coord_quality": coord_quality,
        "date_basis": "no_later_than" if _NO_LATER_RE.search(rec["notes"]) else "end_of_day",
        "event": event.kind, "event_short_km": event.short_km, "event_rule": event.rule,
        "usable": axis != "" and day is not None,
        "issues": "; ".join(f"{p.column}: {p.message} ({p.consequence})" for p in mine),
    }


def _check_duplicates(records: list[dict[str, object]], raws: list[dict[str, str]],
                      problems: list[Problem]) -> None:
    """Make a row a problem, not scored, when another usable row gives the same position:
    axis, formation, date, place (text, case and spacing aside), coordinate, distance and event
    kind. Scored twice, it counted twice in every mean and skill, silently. Of such rows the
    first without a problem of its own is kept (the first of all when each has one): a row
    whose swapped lat/lon the gazetteer replaced was kept and the correct copy after it
    dropped. Reported, not refused (the fuel-states file refuses a state given twice): this
    reader refuses no row's content, so the rest of the file is still scored; which copy to
    keep is the user's call (the sources may differ)."""
    groups: dict[tuple, list[int]] = {}
    for j, parsed in enumerate(records):
        if parsed["usable"]:
            groups.setdefault(_duplicate_key(parsed, raws[j]), []).append(j)
    for same in groups.values():
        keep = next((j for j in same if not records[j]["issues"]), same[0])
        first, other = int(records[keep]["row"]), raws[keep]
        for j in same:
            if j == keep:
                continue
            parsed, rec = records[j], raws[j]
            differ = [c for c in rec if rec[c] != other.get(c)]
            alike = f"differing only in {', '.join(differ)}" if differ else "every cell alike"
            why = (f"; row {first} is kept, not this earlier one: this row has a problem "
                   f"({parsed['issues']}) and row {first} none" if j < keep else
                   f"; row {first} is kept" + (", though it has a problem too (none of the "
                                               "copies is without one)"
                                               if records[keep]["issues"] else ""))
            p = Problem(int(parsed["row"]), "axis_id, formation, date, place_reached",
                        f"{rec['axis_id']}, {rec['formation']}, {rec['date']}, "
                        f"{rec['place_reached']}",
                        f"duplicate of row {first} (the same axis, formation, date, place, "
                        f"coordinate, distance and event; {alike}): scored twice it would count "
                        f"twice in every mean{why}; fix: delete one of them, or keep row "
                        f"{first} and add this row's source to it", "row not scored")
            problems.append(p)
            parsed["usable"] = False
            issue = f"{p.column}: {p.message} ({p.consequence})"
            parsed["issues"] = f"{parsed['issues']}; {issue}" if parsed["issues"] else issue


def _duplicate_key(parsed: dict[str, object], rec: dict[str, str]) -> tuple:
    """What two rows giving the same position share (see :func:`_check_duplicates`)."""
    return (parsed["axis_id"], _same_text(rec["formation"]), parsed["date"],
            _same_text(rec["place_reached"]),
            *(None if math.isnan(v) else round(v, 6)
              for v in (parsed["lat"], parsed["lon"], parsed["km_min"], parsed["km_max"])),
            parsed["event"])


def _same_text(text: str) -> str:
    """``text`` as compared for duplicates: case and runs of spaces aside."""
    return " ".join(str(text).casefold().split())


#: What ``coord_quality`` adds after the gazetteer's name when the row's own coordinate was
#: refused (a problem) and the place located by its name instead (the score's note says so).
GAZETTEER_FOR_REFUSED: str = "; the row's lat/lon refused"


#: The days pandas' nanosecond timestamps hold (1677-09-21 .. 2262-04-11), whole years.
_FIRST_DAY, _LAST_DAY = _date(1678, 1, 1), _date(2261, 12, 31)


def _parse_date(text: str) -> _date | None:
    """The day of ``text`` (YYYY-MM-DD or YYYY-M-D), None when it is not one (a day the
    calendar lacks, 1945-02-30, or another order, 8/11/1945)."""
    m = _DATE_RE.match(text)
    if not m:
        return None
    try:
        return _date(*(int(g) for g in m.groups()))
    except ValueError:
        return None


def _parse_float(text: str) -> float | None:
    """A finite float, NaN for empty text, None when the text is not a number."""
    if text == "":
        return math.nan
    try:
        v = float(text)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


#: A leading phrase the event rules read as an approach or an edge ("approaches to Hailar",
#: logistics.history.events): the place is what follows it.
_LEADING_PHRASE = re.compile(r"^(?:the\s+)?(?:distant\s+)?(?:approaches\s+to|outskirts\s+of|"
                             r"forward\s+edge\s+of)\s+(?:the\s+)?", re.IGNORECASE)


def gazetteer_point(place_text: str) -> tuple[float, float, str] | None:
    """(lon, lat, name) of a row's ``place_reached`` when the row gives no usable coordinate
    (none, or one refused as a problem) and the text is a gazetteer name
    (:func:`logistics.places.lookup`): the whole text, or its part
    before a bracket or a comma ("Hailar (town)", "Dolon Nur, Chahar"), after a leading
    "approaches to" or "outskirts of" the event rules read ("approaches to Hailar"). Exact names only, no
    near matches: a place the sources name without a coordinate stays unlocated (None)."""
    from logistics.errors import LogisticsError
    from logistics.places import lookup

    text = str(place_text or "").strip()
    bare = _LEADING_PHRASE.sub("", text)
    tried = []
    for part in (text, text.split("(")[0], text.split(",")[0],
                 bare, bare.split("(")[0], bare.split(",")[0]):
        part = part.strip(" ;:-")
        if not part or part in tried or any(c.isdigit() for c in part):
            continue
        tried.append(part)
        try:
            p = lookup(part)
        except LogisticsError:
            continue
        return float(p.lon), float(p.lat), p.name
    return None


def _parse_point(rec, lat_col, lon_col, bad, consequence) -> tuple[float, float]:
    """Both coordinates or neither; each a number within its range, else NaN and a problem."""
    from logistics.places import lat_lon_swapped

    lat, lon = _parse_float(rec[lat_col]), _parse_float(rec[lon_col])
    ok = True
    for col, v, limit in ((lat_col, lat, 90.0), (lon_col, lon, 180.0)):
        if v is None:
            bad(col, "not a number (expected decimal degrees, e.g. 45.38)", consequence)
            ok = False
        elif abs(v) > limit:
            swapped = (col == lat_col and lon is not None
                       and lat_lon_swapped(v, lon, lon_range=(-180.0, 180.0)))
            bad(col, f"out of range (expected decimal degrees within +-{limit:g})"
                + (f"; {lat_col} and {lon_col} look swapped (latitude is north, -90..90): "
                   f"write {lat_col} {lon:g}, {lon_col} {v:g}" if swapped else ""), consequence)
            ok = False
    if ok and (math.isnan(lat) != math.isnan(lon)):
        empty = lat_col if math.isnan(lat) else lon_col
        bad(empty, f"empty while {lon_col if empty == lat_col else lat_col} is given "
            "(give both or neither)", consequence)
        ok = False
    return (lat, lon) if ok else (math.nan, math.nan)


#: Longest documented distance read (km): half the Earth's circumference (20,037 km) is farther
#: than any two points on Earth lie apart, so a campaign's advance beyond it is a typo (a
#: distance of 400 digits read as infinity was a traceback out of the plots).
MAX_KM = 20_000.0
_BEYOND = (f"a distance beyond any advance (at most {MAX_KM:,.0f} km, half the Earth's "
           "circumference; a typo?)")


def _parse_km(rec, bad) -> tuple[float, float]:
    """Distance bounds from km_min/km_max, else from the text column; NaN when unusable."""
    text_col = "cumulative_km_from_start_documented"
    parsed = parse_km_text(rec[text_col])
    if parsed is None:
        bad(text_col, "unreadable distance (expected e.g. '120-150', '>450', '250 (up to)', "
            "'88.5' or empty)", "text ignored")
    elif any(v > MAX_KM for v in parsed):  # (NaN compares False) 400 digits read as inf
        bad(text_col, _BEYOND, "text ignored")
        parsed = None
    nums: list[float] = []
    for col in ("km_min", "km_max"):
        v = _parse_float(rec[col])
        if v is None or v < 0:
            bad(col, "not a non-negative number of km", "distance ignored")
            return (math.nan, math.nan)
        if v > MAX_KM:
            bad(col, _BEYOND, "distance ignored")
            return (math.nan, math.nan)
        nums.append(v)
    lo, hi = nums
    if lo > hi:
        bad("km_min", f"km_min {lo:g} > km_max {hi:g} (swap them or fix the range)", "distance ignored")
        return (math.nan, math.nan)
    if math.isnan(lo) and math.isnan(hi):
        if parsed is not None and parsed[0] > parsed[1]:
            bad(text_col, "lower bound above upper bound", "distance ignored")
            return (math.nan, math.nan)
        return parsed if parsed is not None else (math.nan, math.nan)
    if rec[text_col] != "" and parsed is not None and not _same_bounds(parsed, (lo, hi)):
        bad(text_col, f"disagrees with km_min/km_max ({_fmt(lo)}..{_fmt(hi)})",
            "km_min/km_max used")
    return (lo, hi)


def _same_bounds(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return all((np.isnan(x) and np.isnan(y)) or abs(x - y) < 1e-6 for x, y in zip(a, b))


def _fmt(v: float) -> str:
    return "" if math.isnan(v) else f"{v:g}"
