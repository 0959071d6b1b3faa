"""What a documented row records: an arrival, a capture, a siege's end, an air landing, ...

Sources date different things: a column *reached* a town, a town was *taken* after fighting, a
fortress *surrendered* after a siege, a detachment was *air-landed*, a column was *on the
approaches to* a town or *at its outskirts*, or the army had gone so many km. Each is scored by
the modeled quantity that matches it (``logistics.history.score``), so the kind is read first,
by the rules below, in English and Russian, and a user may override it with an optional CSV
column ``event`` (one of :data:`EVENT_KINDS`).

The rules (:data:`RULES`, also printed in every comparison report), applied in this order:

1. a row without a coordinate is ``distance`` (only its km can be scored);
2. the row's ``place_reached`` text, then its ``formation`` text, then its ``quote``: in the
   first of them that has a cue, the cue that comes first decides (so «вышла к г. Хайлар, заняла его» is an arrival). Cues of
   approach or outskirts count in ``place_reached`` only at its start ("approaches to
   Hailar"; in "Muling ... ; approaches to Mudanjiang" the coordinate is Muling's);
3. the row's ``notes`` can only say that the row marks a siege ("siege", "bypassed-pocket"),
   because notes discuss other events too (an airborne landing before a tank army arrived);
4. otherwise ``arrival``.

A stated distance short of the place ("15 km west of Tuquan") makes the row an ``approach``
at that distance. Distances for "approaches to" (20 km) and "distant approaches" (40 km) are
named assumptions (:data:`APPROACH_KM`): no source in the reference gives them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

__all__ = [
    "EVENT_KINDS",
    "EVENT_TEXT",
    "APPROACH_KM",
    "RULES",
    "Event",
    "infer_event",
    "parse_event",
]

#: The kinds of documented event, with what each is scored by.
EVENT_TEXT: dict[str, str] = {
    "arrival": "the matched formation's arrival at the place",
    "capture": "arrival plus what the model represents of the fight there (a fortified-region "
               "delay in the track); where it represents none, the arrival, flagged",
    "siege_end": "the end of a modelled siege at the place; where the model has none, not "
                 "scored (listed with the reason)",
    "air_landing": "never as a ground advance: listed, not scored",
    "approach": "the time the formation first comes within the stated distance of the place",
    "forward_edge": "the time the formation first comes within the place tolerance of the place "
                    "(its edge), entering rather than passing closest",
    "distance": "the formation's depth from the departure line at the end of the day",
}

#: Allowed values of the optional ``event`` column (and of inferred kinds).
EVENT_KINDS: tuple[str, ...] = tuple(EVENT_TEXT)

#: Distances short of a place (km) meant by "approaches to" and "distant approaches to".
#: Assumed: Soviet usage distinguishes «ближние» and «дальние подступы», but no source in the
#: reference gives their depth; 20 and 40 km are a day's march of a rifle division and twice it.
APPROACH_KM: dict[str, float] = {"approach": 20.0, "distant": 40.0}

_SYNONYMS = {
    "capture_after_fighting": "capture", "captured": "capture", "siege": "siege_end",
    "air": "air_landing", "airlanding": "air_landing", "approaches": "approach",
    "approaches_to": "approach", "forward_edge_of": "forward_edge", "outskirts": "forward_edge",
    "distance_only": "distance", "depth": "distance",
}

_C = re.IGNORECASE
#: (kind, pattern) cues; in a text the earliest match decides.
_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("air_landing", re.compile(
        r"air[- ]?land|airborne|paratroop|parachut|air landing|авиадесант|воздушн\w* десант|"
        r"(?<!танко)десант|парашют", _C)),
    ("siege_end", re.compile(
        r"surrender|held out|capitulat|\bsiege\b|besieg|капитул|сдал[и]?ся|осад", _C)),
    ("capture", re.compile(
        r"captur|\btaken\b|\btook\b|storm|assault|occupied|overran|broke into|"
        r"овладе|взял|взяли|взят|заня[лв]|ворвал|штурм|захвати", _C)),
    ("forward_edge", re.compile(r"outskirts|forward edge|передн\w* кра|окраин", _C)),
    ("approach", re.compile(r"approach|подступ", _C)),
    ("arrival", re.compile(
        r"reach|arriv|entered|\benter\b|вышл[аи]? к|вышел к|вышли в|достиг|вступил|прибыл", _C)),
)
_DISTANT = re.compile(r"distant|дальн", _C)
_STATED = re.compile(r"(\d+(?:[.,]\d+)?)\s*(?:km|км)\s+(?:to the\s+)?(?:north|south|east|west|"
                     r"n|s|e|w|ne|nw|se|sw|северн|южн|восточн|западн|от|short of|before)", _C)
_NOTES_SIEGE = re.compile(r"\bsiege\b|bypassed-pocket|pocket marker", _C)
_LEADING = ("approach", "forward_edge")

#: The rules in words, for reports.
RULES: str = (
    "a row without a coordinate is `distance`; else the first cue in the place text, else in "
    "the formation text, else in the quote decides: air landing ('air-landed', 'airborne', 'paratroop', "
    "«десант», «авиадесант»), siege end ('surrender', 'held out', 'siege', «капитуляция», "
    "«осада»), capture ('captured', 'taken', 'took', 'storm', 'occupied', «овладели», «взяли», "
    "«заняли», «ворвался», «штурм»), forward edge ('outskirts', «передний край», «окраина»), "
    "approach ('approaches to', «подступы», «на подступах»; in the place text only at its start), "
    "arrival ('reached', 'entered', «вышли к», «достигли», «вступил»); notes can only mark a "
    "siege ('siege', 'bypassed-pocket'); otherwise arrival. 'N km west of X' is an approach at "
    f"N km; 'approaches to' means {APPROACH_KM['approach']:g} km short, 'distant approaches' "
    f"{APPROACH_KM['distant']:g} km (assumed). A CSV column `event` overrides the inferred kind."
)


@dataclass(frozen=True)
class Event:
    """A row's event: ``kind`` (one of :data:`EVENT_KINDS`), ``short_km`` (the distance short of
    the place it means, km; 0 unless an approach), ``rule`` (which text decided, for reports)."""

    kind: str
    short_km: float = 0.0
    rule: str = ""


def parse_event(text: str) -> str | None:
    """Normalise an ``event`` cell: "" -> "" (infer), a known kind (or synonym) -> the kind,
    anything else -> None (the caller reports it)."""
    t = re.sub(r"[\s\-]+", "_", str(text or "").strip().lower())
    if t == "":
        return ""
    t = _SYNONYMS.get(t, t)
    return t if t in EVENT_KINDS else None


def _first_cue(text: str, *, leading_only: tuple[str, ...] = ()) -> tuple[str, int] | None:
    best: tuple[str, int] | None = None
    for kind, pattern in _CUES:
        m = pattern.search(text)
        if m is None:
            continue
        if kind in leading_only and not _is_leading(text, m.start()):
            continue
        if best is None or m.start() < best[1]:
            best = (kind, m.start())
    return best


def _is_leading(text: str, pos: int) -> bool:
    """True when only small words stand before ``pos`` ("the distant approaches to X")."""
    head = re.sub(r"[^\w]+", " ", text[:pos]).split()
    return all(w.lower() in {"the", "distant", "near", "on", "at", "to", "на", "к", "дальние",
                             "ближние"} for w in head)


def infer_event(*, place: str, quote: str = "", notes: str = "", formation: str = "",
                has_coordinate: bool = True, override: str = "") -> Event:
    """The event a row documents, by :data:`RULES` (``override``: a parsed ``event`` cell)."""
    place, quote, notes, formation = (str(x or "") for x in (place, quote, notes, formation))
    stated = _STATED.search(place) or _STATED.search(quote)
    if override:
        short = _short_km(override, place, quote, stated)
        return Event(override, short, "the row's `event` column")
    if not has_coordinate:
        return Event("distance", 0.0, "no coordinate")
    if _NOTES_SIEGE.search(notes):
        return Event("siege_end", 0.0, "notes mark a siege")
    cue, where = _first_cue(place, leading_only=_LEADING), "place text"
    if cue is None:
        cue, where = _first_cue(formation), "formation text"
    if cue is None:
        cue, where = _first_cue(quote), "quote"
    if stated and (cue is None or cue[0] in ("arrival", "approach")):
        return Event("approach", _number(stated.group(1)), f"distance stated in the {where}")
    if cue is None:
        return Event("arrival", 0.0, "no cue: arrival")
    kind = cue[0]
    return Event(kind, _short_km(kind, place, quote, None), f"cue in the {where}")


def _short_km(kind: str, place: str, quote: str, stated) -> float:
    if kind != "approach":
        return 0.0
    if stated is not None:
        return _number(stated.group(1))
    distant = _DISTANT.search(place) or _DISTANT.search(quote)
    return APPROACH_KM["distant" if distant else "approach"]


def _number(text: str) -> float:
    v = float(text.replace(",", "."))
    return v if math.isfinite(v) else 0.0
