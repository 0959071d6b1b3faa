"""Event kinds of documented rows: the documented rules on hand-made rows, the CSV override,
and the parsing of distance bounds as sources write them (English and Russian)."""

from __future__ import annotations

import csv
import math

import pytest

from logistics import settings
from logistics.history.documented import COLUMNS, load_documented, parse_km_text
from logistics.history.events import APPROACH_KM, EVENT_KINDS, infer_event, parse_event


@pytest.mark.parametrize("place, quote, notes, formation, kind", [
    # arrivals
    ("Hailar (town)", "армия вышла к г. Хайлар, заняла его", "", "", "arrival"),
    ("Taonan", "передовой отряд ... вступил в Таонань", "", "", "arrival"),
    ("Mudanjiang (entered, then withdrew)", "26-й корпус ворвался в город", "", "", "arrival"),
    ("Qiqihar", "reaching Mukden, Changchun and Qiqihar by 20 August", "", "", "arrival"),
    ("Yehe station", "completed the destruction of Japanese forces east of Yehho", "", "", "arrival"),
    # captures after fighting
    ("Lubei", "войска овладели Хайларом, Туцюанем и Лубэем", "", "", "capture"),
    ("Mukden", "взяли Шэньян (Мукден)", "", "", "capture"),
    ("Mudanjiang (Mutanchiang), taken", "", "", "", "capture"),
    ("Solun", "both Solun and Wangyemiao had been captured", "", "", "capture"),
    ("Emu", "Войска фронта заняли города Эму", "", "", "capture"),
    ("Pass", "штурм перевала", "", "", "capture"),
    # sieges, air landings
    ("Hailar fortified region (surrender of garrison)", "held out until 18 August", "", "", "siege_end"),
    ("Hutou fortress (captured)", "captured the fortress", "Bypassed-pocket marker (siege 9-26 Aug)", "", "siege_end"),
    ("Fortress", "гарнизон капитуляция", "", "", "siege_end"),
    ("Port Arthur", "флаг", "", "Soviet troops (air-landed 22 Aug)", "air_landing"),
    ("Kirin airfield", "высадился воздушный десант", "", "", "air_landing"),
    ("Harbin", "airborne troops landed", "", "", "air_landing"),
    # approaches and forward edges
    ("approaches to Hailar", "", "", "", "approach"),
    ("distant approaches to Zhalantun", "", "", "", "approach"),
    ("X", "вышли на подступы к городу", "", "", "approach"),
    ("outskirts of Mudanjiang (from the east)", "", "", "", "forward_edge"),
    ("X", "вышли на передний край укрепрайона", "", "", "forward_edge"),
])
def test_event_rules(place, quote, notes, formation, kind):
    assert infer_event(place=place, quote=quote, notes=notes, formation=formation).kind == kind


def test_notes_only_mark_sieges():
    """Notes talk about other events: an airborne landing before the tank army arrived does not
    make the tank army's capture an air landing; "surrender" in a note does not make a siege."""
    e = infer_event(place="Mukden", quote="взяли Шэньян",
                    notes="Airborne detachment landed at Mukden airfield on 19 Aug")
    assert e.kind == "capture"
    e = infer_event(place="passes", quote="вели бои на перевалах",
                    notes="conflicts with its surrender on 18 Aug")
    assert e.kind == "arrival"


def test_approach_cue_counts_in_the_place_text_only_at_its_start():
    """"Muling ... ; approaches to Mudanjiang": the coordinate is Muling's, so it is an arrival."""
    e = infer_event(place="Muling (town) - front broken west of it; approaches to Mudanjiang",
                    quote="the front of 124 Division was broken west of Muleng")
    assert e.kind == "arrival"


def test_approach_distances():
    assert infer_event(place="approaches to Hailar").short_km == APPROACH_KM["approach"]
    assert infer_event(place="distant approaches to Zhalantun").short_km == APPROACH_KM["distant"]
    e = infer_event(place="'Gorobanera'; forward detachment 15 km west of Tuquan",
                    quote="достигли района н. п. ГОРОБАНЕРА")
    assert (e.kind, e.short_km) == ("approach", 15.0)
    assert infer_event(place="Hailar").short_km == 0.0


def test_no_coordinate_is_distance_and_override_wins():
    assert infer_event(place="approaches to the passes", has_coordinate=False).kind == "distance"
    e = infer_event(place="Mukden", quote="взяли", override="arrival")
    assert e.kind == "arrival" and "event" in e.rule
    assert infer_event(place="Hailar", override="approach").short_km == APPROACH_KM["approach"]


@pytest.mark.parametrize("text, expected", [
    ("", ""), ("arrival", "arrival"), ("Capture", "capture"), ("siege end", "siege_end"),
    ("air-landing", "air_landing"), ("forward edge", "forward_edge"), ("approaches to", "approach"),
    ("ambush", None), ("arrived", None),
])
def test_parse_event(text, expected):
    assert parse_event(text) == expected


def test_every_event_kind_has_a_scoring_text():
    from logistics.history.events import EVENT_TEXT

    assert set(EVENT_TEXT) == set(EVENT_KINDS) and all(EVENT_TEXT.values())


def _write(path, rows, columns):
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=columns)
        w.writeheader()
        w.writerows(rows)
    return path


def _row(**kw):
    base = {c: "" for c in COLUMNS}
    base.update(axis_id="X-1", date="1945-08-10", formation="1st Army", source="s", quote="q",
                confidence="high", lat="45", lon="121", place_reached="Town")
    base.update(kw)
    return base


def test_event_column_overrides_and_bad_values_are_reported_per_row(tmp_path):
    cols = list(COLUMNS) + ["event"]
    path = _write(tmp_path / "d.csv", [
        _row(event="", quote="взяли город"),
        _row(event="arrival", quote="взяли город"),
        _row(event="ambush", quote="взяли город", date="1945-08-11"),  # else a copy of row 2
    ], cols)
    doc = load_documented(path)
    assert list(doc.table["event"]) == ["capture", "arrival", "capture"]
    assert doc.table["usable"].all()
    (p,) = doc.problems
    assert (p.row, p.column, p.value) == (4, "event", "ambush")
    assert "unknown event kind" in p.message and p.consequence == "kind inferred from the text"


def test_file_without_event_column_infers_kinds(tmp_path):
    doc = load_documented(_write(tmp_path / "d.csv", [_row(quote="овладели городом")], list(COLUMNS)))
    assert doc.problems == () and doc.table["event"].iloc[0] == "capture"


def test_shipped_rows_get_the_kinds_a_historian_reads():
    t = load_documented(settings.CONFIG_DIR / "history" / "documented-advances.csv").table.set_index("row")
    assert t.loc[12, "event"] == "air_landing"  # Port Arthur, air-landed
    assert t.loc[23, "event"] == "siege_end" and t.loc[35, "event"] == "siege_end"  # Hailar UR, Hutou
    assert t.loc[16, "event"] == "approach" and t.loc[22, "event"] == "approach"
    assert t.loc[6, "event"] == "approach" and t.loc[6, "event_short_km"] == 15.0
    assert t.loc[31, "event"] == "forward_edge"  # outskirts of Mudanjiang
    assert t.loc[17, "event"] == "arrival" and t.loc[26, "event"] == "capture"
    assert (t.loc[t["lat"].isna(), "event"] == "distance").all()


@pytest.mark.parametrize("text, expected", [
    ("not more than 60", (math.nan, 60)), ("до 250 км", (math.nan, 250)),
    ("свыше 450", (450, math.nan)), ("более 100 км", (100, math.nan)), ("около 90", (90, 90)),
    ("about 90 km", (90, 90)), ("от 120 до 150 км", (120, 150)), ("не более 60", (math.nan, 60)),
    ("не менее 80", (80, math.nan)), ("19,3-45,1", (19.3, 45.1)), ("100+", (100, math.nan)),
    ("до 250 километров", (math.nan, 250)), ("over 200", (200, math.nan)),
])
def test_text_bounds_in_english_and_russian(text, expected):
    got = parse_km_text(text)
    assert got is not None
    assert all((math.isnan(a) and math.isnan(b)) or a == b for a, b in zip(got, expected))
