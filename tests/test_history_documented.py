"""Validation of documented-advances CSVs: every problem once, valid fields still used."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from logistics import settings
from logistics.errors import DataError
from logistics.history.documented import COLUMNS, load_documented, parse_km_text

GOOD = {
    "axis_id": "X-1", "front": "F", "formation": "1st Army", "date": "1945-08-10",
    "place_reached": "Somewhere", "lat": "45.0", "lon": "121.0",
    "cumulative_km_from_start_documented": "120-150", "start_place": "Start",
    "start_lat": "45.0", "start_lon": "120.0", "source": "book", "quote": "q",
    "confidence": "high", "notes": "", "coord_quality": "approx_uncertain",
    "km_min": "120", "km_max": "150",
}


def write(path: Path, rows, columns=COLUMNS) -> Path:
    """``rows`` over :data:`GOOD`, each dated a day after the one before unless it says (the
    same position twice is a duplicate, not scored)."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(columns), extrasaction="ignore")
        w.writeheader()
        for n, r in enumerate(rows):
            w.writerow({**GOOD, "date": f"1945-08-{10 + n:02d}", **r})
    return path


def test_shipped_file_is_clean_and_matches_the_reference():
    doc = load_documented(settings.CONFIG_DIR / "history" / "documented-advances.csv")
    assert doc.problems == ()
    assert len(doc.table) == 34 and doc.table["usable"].all()
    lubei = doc.table[doc.table["place_reached"].str.startswith("Lubei")].iloc[0]
    assert lubei["km_min"] == 450 and math.isnan(lubei["km_max"])
    qiqihar = doc.table[doc.table["place_reached"].str.startswith("Qiqihar")].iloc[0]
    assert qiqihar["date_basis"] == "no_later_than"


@pytest.mark.parametrize("text, expected", [
    ("120-150", (120, 150)), ("19.3-45.1", (19.3, 45.1)), (">450", (450, math.nan)),
    ("250 (up to)", (math.nan, 250)), ("up to 250", (math.nan, 250)), ("88.5", (88.5, 88.5)),
    ("", (math.nan, math.nan)), ("120–150 km", (120, 150)),
])
def test_parse_km_text(text, expected):
    got = parse_km_text(text)
    assert all((math.isnan(a) and math.isnan(b)) or a == b for a, b in zip(got, expected))


def test_parse_km_text_rejects_prose():
    assert parse_km_text("about a hundred") is None


@pytest.mark.parametrize("bad, column, consequence", [
    ({"date": "1945-13-01"}, "date", "row not scored"),
    ({"date": "10 Aug 1945"}, "date", "row not scored"),
    ({"axis_id": ""}, "axis_id", "row not scored"),
    ({"lat": "95"}, "lat", "coordinate ignored"),
    ({"lon": "east"}, "lon", "coordinate ignored"),
    ({"lon": ""}, "lon", "coordinate ignored"),
    ({"km_min": "200", "km_max": "150", "cumulative_km_from_start_documented": ""}, "km_min", "distance ignored"),
    ({"km_min": "-5"}, "km_min", "distance ignored"),
    ({"confidence": "certain"}, "confidence", "kept as given"),
    ({"start_lat": "-100"}, "start_lat", "start ignored"),
    ({"cumulative_km_from_start_documented": "lots"}, "cumulative_km_from_start_documented", "text ignored"),
    ({"cumulative_km_from_start_documented": "300"}, "cumulative_km_from_start_documented", "km_min/km_max used"),
])
def test_each_problem_type_is_reported_once_with_row_and_value(tmp_path, bad, column, consequence):
    doc = load_documented(write(tmp_path / "d.csv", [{}, bad, {}]))
    assert len(doc.problems) == 1, doc.report()
    p = doc.problems[0]
    assert (p.row, p.column, p.consequence) == (3, column, consequence)
    assert p.value == bad[column] or column == "km_min"
    assert str(p).startswith("row 3")
    # The other rows are untouched and usable.
    good = doc.table[doc.table["row"] != 3]
    assert good["usable"].all() and (good["issues"] == "").all()


def test_bad_field_drops_only_that_field(tmp_path):
    doc = load_documented(write(tmp_path / "d.csv", [{"lat": "95"}]))
    r = doc.table.iloc[0]
    assert r["usable"] and math.isnan(r["lat"]) and math.isnan(r["lon"])
    assert (r["km_min"], r["km_max"]) == (120, 150)
    assert "lat" in r["issues"]


def test_distance_from_text_when_numbers_are_empty(tmp_path):
    doc = load_documented(write(tmp_path / "d.csv", [
        {"km_min": "", "km_max": "", "cumulative_km_from_start_documented": ">450"}]))
    r = doc.table.iloc[0]
    assert r["km_min"] == 450 and math.isnan(r["km_max"]) and doc.problems == ()


def test_many_problems_in_one_report(tmp_path):
    doc = load_documented(write(tmp_path / "d.csv", [
        {"date": "x"}, {"lat": "200"}, {"confidence": ""}, {}]))
    assert [p.row for p in doc.problems] == [2, 3, 4]
    text = doc.report()
    assert "4 rows, 3 usable, 3 problem(s)" in text and text.count("\n") == 3
    # an empty confidence is said as such, not as an unknown one (new-user trial)
    assert "no confidence given (expected one of" in text and "unknown confidence" not in text
    assert list(doc.problems_frame().columns) == ["row", "column", "value", "message", "consequence"]


def test_missing_columns_reported_and_other_rows_kept(tmp_path):
    cols = [c for c in COLUMNS if c not in ("quote", "km_min", "km_max")]
    doc = load_documented(write(tmp_path / "d.csv", [{"cumulative_km_from_start_documented": "88.5"}], cols))
    missing = {c for p in doc.problems if p.row is None for c in p.column.split(", ")}
    assert missing == {"quote", "km_min", "km_max"}  # the columns of one cost share a problem
    r = doc.table.iloc[0]
    assert r["usable"] and r["km_min"] == r["km_max"] == 88.5


def test_missing_essential_column_makes_no_row_usable(tmp_path):
    cols = [c for c in COLUMNS if c != "date"]
    doc = load_documented(write(tmp_path / "d.csv", [{}, {}], cols))
    assert not doc.table["usable"].any()
    assert any(p.column == "date" and p.consequence == "no row can be scored" for p in doc.problems)


def test_unreadable_files_raise_one_data_error(tmp_path):
    with pytest.raises(DataError, match="not found"):
        load_documented(tmp_path / "nope.csv")
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(DataError, match="empty"):
        load_documented(tmp_path / "empty.csv")
    (tmp_path / "latin.csv").write_bytes("axis_id,date\nX,1945-08-10 \xe9\n".encode("latin-1"))
    with pytest.raises(DataError, match="UTF-8"):
        load_documented(tmp_path / "latin.csv")


def test_a_row_without_coordinates_is_located_by_an_exact_gazetteer_name(tmp_path):
    """A place the gazetteer knows by name gets its coordinate (its GeoNames point, checked
    against logistics.places here) when the row gives none; an approach keeps its event; a
    name the sources leave unlocated, a description, a row with its own coordinate are left
    as they are. A bad coordinate is a problem, never silently replaced: the row falls back on
    the gazetteer as if it gave none, and its problem says so (the next test)."""
    from logistics.places import lookup

    doc = load_documented(write(tmp_path / "d.csv", [
        {"place_reached": "Dolon Nur", "lat": "", "lon": "", "coord_quality": "none"},
        {"place_reached": "approaches to Hailar", "lat": "", "lon": "", "coord_quality": ""},
        {"place_reached": "Korokhon pass, southern Greater Khingan", "lat": "", "lon": ""},
        {"place_reached": "south bank of the Argun (no place named)", "lat": "", "lon": ""},
        {"place_reached": "Hailar", "lat": "45.0", "lon": "121.0"},
        {"place_reached": "Hailar", "lat": "north", "lon": ""},
    ]))
    t = doc.table
    dolon, hailar = lookup("Dolon Nur"), lookup("Hailar")
    assert (t.loc[0, "lat"], t.loc[0, "lon"]) == (pytest.approx(dolon.lat), pytest.approx(dolon.lon))
    assert t.loc[0, "coord_quality"].startswith("gazetteer")
    assert (t.loc[1, "lat"], t.loc[1, "lon"]) == (pytest.approx(hailar.lat), pytest.approx(hailar.lon))
    assert t.loc[1, "event"] == "approach"
    assert math.isnan(t.loc[2, "lat"]) and math.isnan(t.loc[3, "lat"])
    assert (t.loc[4, "lat"], t.loc[4, "lon"]) == (45.0, 121.0)
    assert (t.loc[5, "lat"], t.loc[5, "lon"]) == (pytest.approx(hailar.lat), pytest.approx(hailar.lon))
    assert any(p.row == 7 and p.column == "lat" for p in doc.problems)


@pytest.mark.parametrize("lat, lon, column", [
    ("49.2", "", "lon"), ("200", "119.7", "lat"), ("north", "", "lat"), ("", "119.7", "lat")])
def test_a_refused_coordinate_falls_back_on_the_gazetteer_and_stays_a_problem(tmp_path, lat,
                                                                             lon, column):
    """`lat` set and `lon` empty (or lat 200) dropped the coordinate, and the row went unscored
    though its place, Hailar, is in the gazetteer (the fallback was only for two empty
    cells). The refused cell is still a problem, whose consequence names the fallback; a
    place the gazetteer does not know keeps the old consequence."""
    from logistics.places import lookup

    doc = load_documented(write(tmp_path / "d.csv", [
        {"place_reached": "Hailar", "lat": lat, "lon": lon, "coord_quality": "approx"},
        {"place_reached": "Somewhere", "lat": lat, "lon": lon}]))
    hailar, t = lookup("Hailar"), doc.table
    assert (t.loc[0, "lat"], t.loc[0, "lon"]) == (pytest.approx(hailar.lat), pytest.approx(hailar.lon))
    assert t.loc[0, "usable"] and t.loc[0, "coord_quality"].startswith("gazetteer (Hailar")
    assert "refused" in t.loc[0, "coord_quality"]
    assert [(p.row, p.column) for p in doc.problems] == [(2, column), (3, column)]
    assert doc.problems[0].consequence == "coordinate ignored; the gazetteer's Hailar used instead"
    assert doc.problems[1].consequence == "coordinate ignored"
    assert math.isnan(t.loc[1, "lat"]) and math.isnan(t.loc[1, "lon"])


def test_a_duplicate_row_is_a_problem_and_not_scored(tmp_path):
    """Rows giving the same position twice were scored twice, silently. The later copy is a
    problem naming the first and is not scored (reported, not refused as the fuel-states file
    refuses a state given twice: this reader refuses no row's content); case and spaces of
    the place or formation do not make a row new; another date, formation, place, distance
    or event does."""
    doc = load_documented(write(tmp_path / "d.csv", [{"date": "1945-08-10", **r} for r in [
        {},                                                       # 2
        {},                                                       # 3: every cell alike
        {"source": "another book", "place_reached": "somewhere"},  # 4: the same position
        {"formation": " 1st  ARMY"},                              # 5: the same formation
        {"date": "1945-08-11"},                                   # 6
        {"formation": "2nd Army"},                                # 7
        {"place_reached": "Elsewhere"},                           # 8
        {"km_min": "130"},                                        # 9: another distance
        {"event": "approach"},                                    # 10: another event
        {"date": "x"},                                            # 11: bad date, no copy
        {"date": "x"},                                            # 12
    ]], columns=(*COLUMNS, "event")))
    t = doc.table.set_index("row")
    dup = [p for p in doc.problems if p.message.startswith("duplicate")]
    assert [p.row for p in dup] == [3, 4, 5]
    assert all(p.message.startswith("duplicate of row 2 ") and p.consequence == "row not scored"
               for p in dup)
    assert "every cell alike" in dup[0].message
    assert "differing only in place_reached, source" in dup[1].message
    assert dup[0].value == "X-1, 1st Army, 1945-08-10, Somewhere" and "fix:" in dup[0].message
    assert not t.loc[[3, 4, 5], "usable"].any() and t.loc[[2, 6, 7, 8, 9, 10], "usable"].all()
    assert t.loc[3, "issues"].startswith("axis_id, formation, date, place_reached: duplicate")


def test_a_short_file_lists_its_missing_columns_once_per_cost(tmp_path):
    """A user's file with only the columns it needs (axis_id, formation, date, place, lat, lon)
    gave 12 problems, one per missing column, each repeating the format's 18 columns."""
    from logistics.history.documented import check_columns

    path = tmp_path / "mine.csv"
    path.write_text("axis_id,formation,date,place_reached,lat,lon\n"
                    "TEMPLATE-AXIS,Template tank brigade,1945-08-12,Qiqihar,,\n", encoding="utf-8")
    doc = load_documented(path)
    missing = [p for p in doc.problems if p.row is None]
    assert [p.consequence for p in missing] == [
        "treated as empty", "distances only from km_min/km_max", "distances only from the text column"]
    assert missing[0].column.split(", ") == ["front", "start_place", "start_lat", "start_lon",
                                             "source", "quote", "confidence", "notes",
                                             "coord_quality"]
    assert sum(", ".join(COLUMNS) in p.message for p in missing) == 1
    # the columns no row can be scored without are still named one by one
    path.write_text("formation,place_reached\nx,Qiqihar\n", encoding="utf-8")
    with pytest.raises(DataError, match="missing column\\(s\\) 'axis_id', 'date', so no row"):
        check_columns(load_documented(path))


@pytest.mark.parametrize("header, words", [
    ("axis_id;front;formation;date;place_reached;lat;lon",
     "the header is one column separated by semicolons"),
    ("axis_id\tfront\tformation\tdate", "the header is one column separated by tabs"),
    ("Axis_ID,front,formation,Date,place_reached,lat,lon",
     "fix: rename the file's column 'Axis_ID' to 'axis_id', 'Date' to 'date'"),
    ("axis-id,formation,date reached,place_reached",
     "fix: rename the file's column 'axis-id' to 'axis_id', 'date reached' to 'date'"),
])
def test_missing_columns_name_what_the_header_has_instead(tmp_path, header, words):
    """A spreadsheet's semicolon export or a header typed 'Date' said only "missing column(s)
    'axis_id', 'date'" with the format's columns, when the file has them in another form
    (found by newuser19)."""
    from logistics.history.documented import check_columns

    path = tmp_path / "mine.csv"
    path.write_text(header + "\n" + header.replace("Axis_ID", "TBF-39A") + "\n",
                    encoding="utf-8-sig")  # a spreadsheet's BOM too
    with pytest.raises(DataError) as err:
        check_columns(load_documented(path))
    assert "missing column(s) 'axis_id', 'date'" in str(err.value) and words in str(err.value)


def test_renamed_coordinate_columns_are_named_in_the_problem(tmp_path):
    """'latitude'/'longitude' for 'lat'/'lon': the rows are read without the user's
    coordinates (gazetteer or none), and the problem says which columns to rename."""
    cols = [c if c not in ("lat", "lon") else {"lat": "latitude", "lon": "longitude"}[c]
            for c in COLUMNS]
    path = tmp_path / "d.csv"
    path.write_text(",".join(cols) + "\n", encoding="utf-8")
    (problem,) = [p for p in load_documented(path).problems if p.column == "lat, lon"]
    assert "fix: rename the file's column 'latitude' to 'lat', 'longitude' to 'lon'" \
        in problem.message


@pytest.mark.parametrize("name", ["tbf-39a.yaml", "positions.xlsx", "positions.geojson"])
def test_a_file_that_is_no_csv_by_its_suffix_says_so(tmp_path, name):
    """`--documented configs/tbf-39a.yaml` (an army file) said "row 3 has 3 cells but the
    header names 1 columns ... fix: quote a cell that holds a comma" (found by newuser19)."""
    path = tmp_path / name
    path.write_text("axis_id: TBF-39A\nname: 39th Army\nfront: x, y, z\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_documented(path)
    assert f"{name}: a " in str(err.value) and "not a CSV of dated positions" in str(err.value)
    assert "quote a cell" not in str(err.value)


# --- (c) a date without zero padding ------------------------------------------------------------

@pytest.mark.parametrize("text, day", [("1945-8-11", "1945-08-11"), ("1945-08-9", "1945-08-09"),
                                       ("1945-8-09", "1945-08-09")])
def test_an_unpadded_iso_date_is_read(tmp_path, text, day):
    doc = load_documented(write(tmp_path / "d.csv", [{"date": text}]))
    assert doc.problems == (), doc.report()
    assert doc.table["usable"].all() and str(doc.table["date"].iloc[0].date()) == day


@pytest.mark.parametrize("text", ["8/11/1945", "11.8.1945", "1945-8-32", "1945-2-30", "45-8-11",
                                  "1945-008-11"])
def test_a_date_in_another_order_or_not_on_the_calendar_stays_refused(tmp_path, text):
    doc = load_documented(write(tmp_path / "d.csv", [{"date": text}]))
    assert [(p.row, p.column, p.consequence) for p in doc.problems] == [
        (2, "date", "row not scored")], doc.report()
    assert not doc.table["usable"].any()


# --- (i) a row that says nothing of where it comes from ------------------------------------------

def test_a_row_with_no_source_and_no_quote_is_scored_and_listed(tmp_path):
    doc = load_documented(write(tmp_path / "d.csv", [
        {"source": "", "quote": ""}, {"source": "", "quote": "they took it"},
        {"source": "a book, p. 3", "quote": ""}, {"source": "  ", "quote": " "}]))
    assert [(p.row, p.column, p.consequence) for p in doc.problems] == [
        (2, "source", "scored, but cite where it comes from"),
        (5, "source", "scored, but cite where it comes from")], doc.report()
    assert "no source" in doc.problems[0].message and "fix:" in doc.problems[0].message
    assert doc.table["usable"].all()


# --- (d) of two duplicates, the one without a problem is kept ------------------------------------

def test_of_duplicates_the_row_without_a_problem_is_kept(tmp_path):
    """Row 2's swapped lat/lon is refused and the gazetteer's Lubei used: the same position
    as row 3's correct one. Row 2 was kept and row 3, the good one, dropped as its duplicate."""
    from logistics.history.documented import gazetteer_point

    lon, lat, _ = gazetteer_point("Lubei")
    day = {"date": "1945-08-11", "place_reached": "Lubei", "formation": "fd-5gtc"}
    doc = load_documented(write(tmp_path / "d.csv", [
        {**day, "lat": f"{lon}", "lon": f"{lat}", "source": "p.1c"},   # 2: swapped
        {**day, "lat": f"{lat}", "lon": f"{lon}", "source": "p.1d"},   # 3: correct
        {**day, "lat": f"{lat}", "lon": f"{lon}", "source": "p.1e"},   # 4: a copy of 3
    ]))
    t = doc.table.set_index("row")
    assert t.loc[3, "usable"] and not t.loc[2, "usable"] and not t.loc[4, "usable"], doc.report()
    dup = {p.row: p.message for p in doc.problems if p.message.startswith("duplicate")}
    assert sorted(dup) == [2, 4]
    assert dup[2].startswith("duplicate of row 3 ") and "row 3 is kept, not this earlier one" in dup[2]
    assert "this row has a problem (lat: out of range" in dup[2]
    assert dup[4].startswith("duplicate of row 3 ") and "row 3 is kept;" in dup[4]
    assert [p.row for p in doc.problems] == sorted(p.row for p in doc.problems)  # row by row


def test_of_duplicates_that_all_have_a_problem_the_first_is_kept(tmp_path):
    doc = load_documented(write(tmp_path / "d.csv", [
        {"date": "1945-08-10", "confidence": "sure"}, {"date": "1945-08-10", "confidence": "x"}]))
    t = doc.table.set_index("row")
    assert t.loc[2, "usable"] and not t.loc[3, "usable"]
    (dup,) = [p for p in doc.problems if p.message.startswith("duplicate")]
    assert dup.row == 3 and "has a problem too" in dup.message
