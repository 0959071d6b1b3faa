"""Which formation of the army a documented row describes, by rules on its ``formation`` text.

A row is scored against the formation it names, found in the army's order of battle
(``RunTrace.formations``: ``formation_id, name, kind, parent, role, aliases``). Texts are first
normalised (:func:`normalise`): English and Russian abbreviations and word forms become one
vocabulary ("5th Gds Tank Corps", «5-й гвардейский танковый корпус», «5 гв. тк» all read
"5 guards tank corps"; «мехкорпус» "mech corps"; «63-я мбр» "63 mech brigade"). Then, in
order (:data:`RULES`):

0. **a formation's id**: a row whose whole ``formation`` text is the id of a formation in the
   army file (any case; a user's own file naming "9gmc") is that formation;
1. **numbered formations** below the army (corps, divisions, brigades, battalions, with their
   arm when given): the formations whose name or aliases carry the same number and level;
   and **a formation's id standing in a longer text** as a whole (hyphenated) word, read as
   its number would be ("9gmc forward detachment", "fd-9gmc (main)"): only an id holding a
   digit or a hyphen, since a bare word ("main", "rifle") cannot be told from the prose. A
   row that also says "forward detachment" («передовой отряд», "forward units") takes the
   forward detachment *of* a named body ("9gmc forward detachment" is fd-9gmc); otherwise a
   forward detachment whose parent is also named gives way to its parent ("7th Mechanized
   Corps" is the corps, not its detachment); several named (two numbers, an id and a
   number) are all candidates, as "63rd & 64th Mech Bdes" are. One named in brackets after
   another that is neither it nor a part of it ("9gmc (7th Mech Corps)": the bracket says
   what the first is, and the two disagree; not "(with ...)", "(and ...)", which list) is a
   problem (``NAMES_TWO``: "names two formations ... Fix: keep one"; one the army does not
   have at all, "9gmc (86th Rifle Corps)": ``NAMES_UNKNOWN``, scored on the first; a list
   naming formations the army file leaves out, "26th Rifle Corps / 257th Tank Bde", is none:
   an army file models a part of its army), and **scored** as
   several candidates are: by the existing rules a row of this army naming formations of
   this army is scored (an unknown number by the next rule, a text naming nothing on the
   whole army, both said), and only a row that is another axis's is not; which of the two is
   the slip the text cannot tell, and the first to reach is the rule for several;
2. **a name or alias** of a formation contained in the text as whole (hyphenated) words (the
   longest wins), except those that are only the army's name, and not within the army's own
   name where the text gives it; failing that, a name or alias of two or more words whose
   every word stands in the text (as often), in any order ("Mongolian People's Army" in "Mongolian
   People's Revolutionary Army cavalry"; the most words win);
3. **a role at army level**: "forward detachment(s)" -> the army's forward detachments;
   "mobile group" («подвижная группа») -> its mobile groups, else its forward detachments and
   tank/mechanised formations; "main forces" («главные силы») -> its main bodies; a level
   named without a number ("6th Guards Tank Army (corps)", «корпуса», "brigades") -> the
   army's formations of that level (their kind's last word: tank_corps, rifle_division ...),
   not their forward detachments; an army with none of that level goes on to rule 4;
4. **the army as a whole** (its name, its front, "Soviet troops", or nothing recognisable):
   every formation of the army. A text that names nothing recognisable (a typo: "nobody") is
   scored so too, and listed as a problem (``NAMES_NOTHING``).

When a rule yields several formations the row is scored against **the one that reached the
place first**, among those whose route passes it if any does and, of those, among the ones
that have the place as an objective if any has (the formation sent to take it, not one
skirting it on its way elsewhere); a distance row: the one deepest at the end of the day. The
report says which. A row naming a numbered formation or an army that the army's order of battle does not have
is reported as a problem (row, column, value, why) and scored by the next rule that applies.

**The army's own flotilla brigade** (``flotilla``, ``RunTrace.flotilla``: the run records
no track of a brigade, and its formations leave brigades out): a row naming one (id, whole
name or alias) and no formation of the army by rules 0-2 is scored on the formations the
brigade carries on its route (their tracks are the ships' path); a brigade that carries
none (it ferries at a crossing) makes the row a problem (``FLOTILLA``), not scored.

**Another axis's formation** (``others``: the armies of the other axes, read from their army
files, :func:`army_formations`: their ``formations:`` and their ``flotilla:`` river-ship
brigades): a row that names none of its own army's formations by rules
0-2 (a whole name or alias; not every word in any order) yet names a formation of another
axis (its id, its number and level, its whole name or alias) is that axis's row with the
wrong ``axis_id``, or a slip of the text: a problem naming the other axis and the fix, and
**not scored** (rule 2's every-word match, rules 3 and 4 would score it on some formation of
this army, silently).
Another army named as a whole ("39th Army", "6 GTA") is the same problem when the row does
not also name its own army; beside it ("36th Army (with left-flank formations of 39th Army)")
it is a joint position, scored on this army's rules as before.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache

import pandas as pd

__all__ = ["RULES", "OTHER_AXIS", "NAMES_NOTHING", "NAMES_TWO", "NAMES_UNKNOWN", "FLOTILLA", "Ref", "Match", "OtherArmy",
           "army_formations", "normalise", "refs_in", "match_row", "match_rows"]

RULES: str = (
    "(0) the whole text is a formation's id in the army file (e.g. '9gmc') -> that formation; "
    "(1) numbered corps, divisions, brigades and battalions named in the row's formation text "
    "(English or Russian, e.g. '5th Gds Tank Corps', «5-й гвардейский танковый корпус», "
    "«63-я мбр», «мехкорпус») -> the formations with that number and level in their name or "
    "aliases, and an id with a digit or hyphen standing as a word in a longer text "
    "('9gmc forward detachment') -> that formation "
    "('forward detachment', «передовой отряд» in the text -> that body's forward "
    "detachment; otherwise the body itself); (2) a formation's name or alias contained in the "
    "text as whole words (longest first; not one that is only the army's name, nor one inside "
    "the army's own name in the text), else one of two or more words "
    "whose every word is in the text, in any order (most words first); (3) 'forward detachment(s)', "
    "'forward units' -> the army's forward detachments; 'mobile group', «подвижная группа» -> "
    "its mobile groups, else its forward detachments and tank/mechanised formations; 'main "
    "forces', «главные силы» -> its main bodies; a level without a number ('(corps)', "
    "«корпуса», 'divisions', 'brigades') -> the army's formations of that level (not their "
    "forward detachments); (4) the army as a whole (its name, its front, "
    "'Soviet troops', or nothing recognisable, which is listed as a problem) -> every "
    "formation. Several formations: scored "
    "against the first to reach the place, among those whose route passes it if any does, "
    "and of those among the ones that have it as an objective if any has (a distance row: the "
    "deepest at the end of the day). A row naming no formation of its army by (0)-(2) (whole "
    "names) but one of another axis (id, number, whole name or alias, a flotilla brigade's "
    "too; or another army alone) is a problem naming that axis, not scored. One formation named "
    "in brackets after another that is neither it nor a part of it ('9gmc (7th Mech Corps)') "
    "is a problem, scored as several; so is a number the army lacks in brackets after one it "
    "has ('9gmc (86th Rifle Corps)'), scored on that one. A row naming the army's own flotilla "
    "brigade (of which the run records no track): the formations it carries on its route; "
    "carrying none (it ferries at a crossing), a problem, not scored."
)

_LEVELS = ("army", "corps", "division", "brigade", "regiment", "battalion")
_ARMS = ("motor-rifle", "motorcycle", "tank", "mech", "rifle", "cavalry", "artillery", "sp")

# Russian and English word forms -> one vocabulary (order matters: longer forms first).
_WORDS: tuple[tuple[str, str], ...] = (
    (r"мотострелков\w*", " motor-rifle "), (r"мехкорпус\w*", " mech corps "),
    (r"механизированн\w*", " mech "), (r"гвардейск\w*|\bгв\b\.?", " guards "),
    (r"танков\w*", " tank "), (r"стрелков\w*", " rifle "), (r"кавалерийск\w*", " cavalry "),
    (r"мотоциклетн\w*", " motorcycle "), (r"артиллерийск\w*", " artillery "),
    (r"корпус\w*", " corps "), (r"дивизи\w*", " division "), (r"бригад\w*", " brigade "),
    (r"батальон\w*", " battalion "), (r"полк\w*", " regiment "), (r"арми\w*", " army "),
    (r"отдельн\w*", " separate "), (r"краснознаменн\w*", " red banner "), (r"фронт\w*", " front "),
    (r"\bмсбр\b", " motor-rifle brigade "), (r"\bтбр\b", " tank brigade "),
    (r"\bмбр\b", " mech brigade "), (r"\bоск\b", " separate rifle corps "),
    (r"\bтк\b", " tank corps "), (r"\bмк\b", " mech corps "), (r"\bск\b", " rifle corps "),
    (r"\bсд\b", " rifle division "), (r"\bтд\b", " tank division "), (r"\bкд\b", " cavalry division "),
    (r"\bта\b", " tank army "), (r"\bка\b", " red banner army "),
    (r"\bgta\b", " guards tank army "), (r"\brba\b", " red banner army "),
    (r"\bgds\b\.?|\bgd\b\.?", " guards "), (r"\bmechani[sz]ed\b|\bmech\b\.?", " mech "),
    (r"\bmotor[- ]rifle\b", " motor-rifle "), (r"\bbdes?\b\.?|\bbrigades\b", " brigade "),
    (r"\bdivs?\b\.?|\bdivisions\b", " division "), (r"\brds?\b", " rifle division "),
    (r"\bbns?\b\.?|\bbattalions\b", " battalion "), (r"\bregts?\b\.?|\bregiments\b", " regiment "),
    (r"\bcav\b\.?", " cavalry "), (r"\barmies\b", " army "), (r"\bfronts\b", " front "),
)
_ORDINAL = re.compile(r"(\d+)\s*-?\s*(?:st|nd|rd|th|й|я|е|го|ой|ая|ий|ю|ей|му|м)(?![a-zа-я])")
_REF = re.compile(
    r"((?:\d+\s*(?:,|&|/|and|и)?\s*)*\d+)\s+(guards\s+)?((?:separate\s+)?(?:red banner\s+)?"
    r"(?:" + "|".join(_ARMS) + r")?(?:\s+(?:" + "|".join(_ARMS) + r"))?)\s*(" + "|".join(_LEVELS)
    + r")\b")
_FD = re.compile(r"forward detachment|forward unit|advance guard|vanguard|передов\w*\s+отряд|"
                 r"передов\w*\s+част|авангард")
_MOBILE = re.compile(r"mobile group|подвижн\w*\s+групп")
_MAIN = re.compile(r"main forces|main force|main body|главн\w*\s+сил")
_WHOLE = re.compile(r"\bfront\b|soviet (?:troops|forces)|red army|советск\w* войск")
#: Words a name's words-in-any-order match does not require ("forward detachment of the ...").
_FILLER = frozenset({"the", "of", "at", "and", "a", "s", "и"})
_MOBILE_KINDS = ("tank_corps", "mech_corps", "tank_division", "tank_brigade", "mech_brigade",
                 "motor_rifle_brigade", "mobile_group", "forward_detachment")


@dataclass(frozen=True)
class Ref:
    """A numbered formation named in a text: ``number``, ``level`` (army, corps, division,
    brigade, regiment, battalion) and ``arm`` (tank, mech, rifle, ...; "" when not said)."""

    number: int
    level: str
    arm: str = ""

    def same(self, other: Ref) -> bool:
        return (self.number == other.number and self.level == other.level
                and (not self.arm or not other.arm or self.arm == other.arm))


@dataclass(frozen=True)
class Match:
    """The formations a row may describe (``candidates``; several: the first to reach is
    scored), the ``rule`` that chose them, a ``problem`` with the row ("" when none) and a
    ``note`` (what the run cannot tell apart)."""

    candidates: tuple[str, ...]
    rule: str
    problem: str = ""
    note: str = ""

    @property
    def single(self) -> str | None:
        return self.candidates[0] if len(self.candidates) == 1 else None


#: How the problem of a row naming another axis's formation begins (``compare`` files it under
#: the ``formation`` column, the row not scored).
OTHER_AXIS: str = "names a formation of another axis"

#: How the problem of a row whose formation text names nothing the rules know begins (a typo
#: such as "nobody", "5th Guards Tank Copr"): scored against the army as a whole (rule 4), as
#: before, but said, for it is more often a slip than a position of the whole army.
NAMES_NOTHING: str = "names no formation of the army"

#: How the problem of a row naming its own army's flotilla brigade, which carries no formation
#: (it ferries at a crossing) and of which the run records no track, begins: not scored.
FLOTILLA: str = "names the army's flotilla brigade"

#: How the problem of a row whose text names a formation of the army (rule 1) and, in
#: brackets after it, a numbered one the army does not have ("9gmc (86th Rifle Corps)")
#: begins: scored on the one it has, but said (the number was dropped without a word). A
#: list of formations of which the army file models some is no problem (its rows name them).
NAMES_UNKNOWN: str = "also names a formation the army does not have"

#: How the problem of a row whose text names one formation and, in brackets after it, another
#: that disagrees ("9gmc (7th Mech Corps)") begins: scored as several formations are (the
#: first to reach), but said, for one of the two is a slip.
NAMES_TWO: str = "names two formations"

#: A bracketed part of a formation text, and the words that make it a list, not a gloss.
_BRACKET = re.compile(r"[(\[]([^()\[\]]*)[)\]]")
_JOINS = re.compile(r"\s*(?:(?:with|and|plus|also|together|incl\w*|и|с|со|вместе|включая)"
                    r"(?![\w-])|[&+])")


@dataclass(frozen=True)
class OtherArmy:
    """Another axis's army as a row's text may name it: ``axis_id``, the army's ``name`` and
    its ``formations`` (``formation_id, name, kind, parent, role, aliases``, the columns the
    matcher reads of ``RunTrace.formations``)."""

    axis_id: str
    name: str
    formations: pd.DataFrame

    @cached_property
    def records(self) -> list[dict]:
        """``formations`` as records, read once (every row of every axis reads them)."""
        return self.formations.to_dict("records")


def army_formations(army: object) -> OtherArmy | None:
    """A loaded army file's formations as the matcher reads them, without a run (its
    ``formations:``, and its ``flotilla:`` brigades as formations of kind ``flotilla``: a row
    may name a river-ship brigade as it names a corps; the army files are loaded for compare
    anyway); None for an object that has none (a toy runner's scenario)."""
    specs = getattr(army, "formations", None)
    if not isinstance(specs, (list, tuple)) or not getattr(army, "axis_id", ""):
        return None
    ships = getattr(army, "flotilla", None)
    ships = list(ships) if isinstance(ships, (list, tuple)) else []
    rows = [{"formation_id": str(f.id), "name": str(f.name), "kind": str(getattr(f, "kind", "")),
             "parent": getattr(f, "parent", None), "role": str(getattr(f, "role", "") or ""),
             "aliases": tuple(getattr(f, "aliases", ()) or ())} for f in specs]
    rows += [{"formation_id": str(b.id), "name": str(b.name), "kind": "flotilla",
              "parent": None, "role": "", "aliases": tuple(getattr(b, "aliases", ()) or ())}
             for b in ships]
    return OtherArmy(str(army.axis_id), str(getattr(army, "name", "") or ""), pd.DataFrame(
        rows, columns=["formation_id", "name", "kind", "parent", "role", "aliases"]))


def normalise(text: object) -> str:
    """Lower-case text in one vocabulary (see the module docstring)."""
    return _normalised(str(text or ""))


@lru_cache(maxsize=8192)
def _normalised(text: str) -> str:
    """:func:`normalise` of a string, kept: every row reads every alias of every army again
    (45 ms a row for the shipped armies' aliases before, 5000 rows allowed)."""
    t = " " + text.lower().replace("ё", "е") + " "
    t = _ORDINAL.sub(r"\1", t)
    for pattern, repl in _WORDS:
        t = re.sub(pattern, repl, t)
    t = re.sub(r"[()\[\];:«»\"'’]", " ", t)
    return " ".join(t.split())


def refs_in(text: object) -> list[Ref]:
    """Numbered formations named in a text ("63rd & 64th Mech Bdes" gives two)."""
    return list(_refs(normalise(text)))


@lru_cache(maxsize=8192)
def _refs(text: str) -> tuple[Ref, ...]:
    """:func:`refs_in` of a normalised text, kept (see :func:`_normalised`)."""
    out: list[Ref] = []
    for m in _REF.finditer(text):
        arm_words = [w for w in m.group(3).split() if w in _ARMS]
        arm = arm_words[-1] if arm_words else ""
        for n in re.findall(r"\d+", m.group(1)):
            ref = Ref(int(n), m.group(4), arm)
            if ref not in out:
                out.append(ref)
    return tuple(out)


def _formation_refs(f: dict) -> list[Ref]:
    refs: list[Ref] = []
    for text in (f.get("name", ""), *(f.get("aliases") or ())):
        refs += [r for r in refs_in(text) if r not in refs]
    return refs


def _role(f: dict) -> str:
    kind, role = str(f.get("kind") or ""), str(f.get("role") or "")
    if "forward_detachment" in (kind, role):
        return "forward_detachment"
    if "mobile_group" in (kind, role):
        return "mobile_group"
    return role or "main_body"


def _army_alias(alias: str, army_refs: list[Ref]) -> bool:
    """True when an alias is only an army's name ("36th Army", "6 GTA", «1-я КА»)."""
    n = normalise(alias)
    refs = refs_in(alias)
    if not refs or any(r.level != "army" for r in refs):
        return False
    rest = _REF.sub(" ", n)
    return not rest.strip() or rest.strip() in ("red banner",)


def match_row(formation_text: object, place_text: object, formations: pd.DataFrame, *,
              army_name: str = "", others: Iterable[OtherArmy] = (),
              flotilla: pd.DataFrame | None = None) -> Match:
    """Apply :data:`RULES` to one row against one army's ``formations`` frame; ``others``:
    the armies of the other axes, whose formations the row may name instead (then a problem
    and no candidates: the row is not scored); ``flotilla``: the army's own river-ship
    brigades (:attr:`~logistics.history.runs.RunTrace.flotilla`), which the run gives no
    track: a row naming one (and none of the army's formations by rules 0-2) is scored on the
    formations it carries, or, carrying none, is a problem (``FLOTILLA``), not scored."""
    forms = formations.to_dict("records")
    ids = [str(f["formation_id"]) for f in forms]
    by_id = dict(zip(ids, forms))
    written = str(formation_text or "").strip().lower()
    for i in ids:  # a user's own file naming a formation by the id of its army file
        if written and written == i.lower():
            return Match((i,), "rule 0: the formation's id", "", "")
    text = normalise(formation_text)
    ships = _ships_named(written, text, flotilla)
    both = text + " " + normalise(place_text)
    wants_fd = bool(_FD.search(both))
    row_refs = refs_in(formation_text)
    unit_refs = [r for r in row_refs if r.level != "army"]
    problems: list[str] = []
    notes: list[str] = []
    army_refs = refs_in(army_name)
    named_armies = [r for r in row_refs if r.level == "army"]
    if named_armies and army_refs and not any(r.same(a) for r in named_armies for a in army_refs):
        problems.append(f"names {_say(named_armies)}, not this axis's army ({army_name})")
    # 1. numbered formations, and ids standing in a longer text
    id_hits = _ids_in(written, ids)
    if unit_refs or id_hits:
        hits = [i for i in ids if i in id_hits or any(
            r.same(fr) for r in unit_refs for fr in _formation_refs(by_id[i]))]
        missing = [r for r in unit_refs if not any(r.same(fr) for i in ids for fr in _formation_refs(by_id[i]))]
        if hits:
            chosen = _fd_of(hits, by_id, ids) if wants_fd else _bodies(hits, by_id)
            two = _two_named(str(formation_text or "").strip(), ids, by_id)
            if two:
                problems.append(two)
            glossed = _unknown_gloss(str(formation_text or "").strip(), missing, ids, by_id)
            if glossed:  # "9gmc (86th Rifle Corps)": the 86th was dropped without a word
                problems.append(
                    f"{NAMES_UNKNOWN}: the {_say(glossed)}, in brackets after "
                    f"{', '.join(chosen)} that it has: scored on {', '.join(chosen)} alone. "
                    "Fix: correct the number or the level, or drop it from the formation text "
                    "(another axis's formation: a row of its own with that axis_id)")
            named = ([f"numbered formation ({_say(unit_refs)})"] if unit_refs else []) + (
                [f"the formation's id in the text ({', '.join(id_hits)})"] if id_hits else [])
            return Match(tuple(chosen), f"rule 1: {' and '.join(named)}", "; ".join(problems))
        if ships:  # «3-я бригада речных кораблей» reads as a 3rd brigade: the army has none
            return _ship_match(ships, ids, problems)
        if any(_formation_refs(f) for f in forms):
            problems.append(f"no formation of the army is the {_say(missing)}")
        else:
            notes.append(f"the run names no numbered formations: the {_say(missing)} "
                         "cannot be told apart")
    # 2. aliases: the whole name in the text, else every word of it; never a match that lies
    # within the army's own name in the text (the Mongolian forces' "Mongolian cavalry" is not
    # named by "Soviet-Mongolian Cavalry-Mechanized Group"); an alias stands as whole
    # hyphenated words
    own = normalise(army_name)
    spans = [m.span() for m in re.finditer(r"(?<![\w-])" + re.escape(own) + r"(?![\w-])", text)
             ] if own else []

    def within_own(a: int, b: int) -> bool:
        return any(s0 <= a and b <= s1 and b - a < s1 - s0 for s0, s1 in spans)

    outside = text
    for s0, s1 in reversed(spans):
        outside = outside[:s0] + " " + outside[s1:]
    best: list[tuple[int, str]] = []
    loose: list[tuple[int, str]] = []
    words = Counter(re.findall(r"[\w-]+", text))
    words_outside = Counter(re.findall(r"[\w-]+", outside))
    for i in ids:
        for alias in (by_id[i].get("name") or "", *(by_id[i].get("aliases") or ())):
            a = normalise(alias)
            if not a or _army_alias(alias, army_refs):
                continue
            if any(not within_own(*m.span()) for m in
                   re.finditer(r"(?<![\w-])" + re.escape(a) + r"(?![\w-])", text)):
                best.append((len(a), i))
            need = Counter(w for w in re.findall(r"[\w-]+", a) if w not in _FILLER)
            if sum(need.values()) >= 2 and not need - words and need & words_outside:
                loose.append((sum(need.values()), i))
    if best:
        return _longest(best, "name or alias in the text", problems, notes)
    if ships:
        return _ship_match(ships, ids, problems)
    # another axis's formation, named where no formation of this army is (by rules 0-2)
    elsewhere = _other_axes(written, text, wants_fd, others, ids, by_id, army_refs, spans)
    if elsewhere:
        axes = list(dict.fromkeys(a for _, a in elsewhere))
        return Match((), "not scored: names another axis's formation", (
            f"{OTHER_AXIS}: {', '.join(w for w, _ in elsewhere)}, and this axis's army "
            f"({army_name or 'its army file'}) has no formation of that name, so the row is "
            f"not scored against it. Fix: give the row axis_id {' or '.join(axes)} (the "
            "formation's axis), or correct its formation text"))
    if loose:
        return _longest(loose, "every word of a name or alias in the text", problems, notes)
    # 3. roles at army level
    if wants_fd:
        fds = [i for i in ids if _role(by_id[i]) == "forward_detachment"]
        if fds:
            return Match(tuple(fds), "rule 3: the army's forward detachments", "; ".join(problems),
                         "; ".join(notes))
    if _MOBILE.search(both):
        groups = [i for i in ids if _role(by_id[i]) == "mobile_group"]
        groups = groups or [i for i in ids if str(by_id[i].get("kind")) in _MOBILE_KINDS]
        if groups:
            return Match(tuple(groups), "rule 3: the army's mobile group", "; ".join(problems),
                         "; ".join(notes))
    if _MAIN.search(both):
        mains = [i for i in ids if _role(by_id[i]) == "main_body"]
        if mains:
            return Match(tuple(mains), "rule 3: the army's main forces", "; ".join(problems),
                         "; ".join(notes))
    # 3b. a level named without a number: the army's formations of that level
    levels = _bare_levels(text)
    if levels:
        of_level = [i for i in ids if _role(by_id[i]) != "forward_detachment"
                    and str(by_id[i].get("kind") or "").rsplit("_", 1)[-1] in levels]
        if of_level:
            return Match(tuple(of_level), f"rule 3: the army's {', '.join(levels)} (no number)",
                         "; ".join(problems), "; ".join(notes))
    # 4. the army as a whole
    whole = bool(named_armies or _WHOLE.search(text) or spans)
    why = "names the army as a whole" if whole else NAMES_NOTHING
    if not whole and not row_refs and text.strip():  # a number not in the army: said above
        problems.append(
            f"{NAMES_NOTHING}, nor the army, its front or 'Soviet troops' "
            f"({str(formation_text).strip()!r}): scored "
            "against the army as a whole. Fix: the formation's name, id or alias as in the "
            "army file, or the army's name for a position of the whole army")
    return Match(tuple(ids), f"rule 4: {why}", "; ".join(problems), "; ".join(notes))


#: Levels a text may name without a number ("6th Guards Tank Army (corps)", «корпуса армии»).
_BARE_LEVEL = re.compile(r"(?<![\w-])(corps|division|brigade)(?![\w-])")


def _bare_levels(text: str) -> list[str]:
    """The formation levels (corps, division, brigade) a normalised ``text`` names without a
    number: what is left of it once its numbered formations (and armies) are taken out. Such
    a text says which of the army's formations the row is about ("Корпуса 6-й гвардейской
    танковой армии ... продвинулись на 120-150 км": the corps, not the forward detachments
    the next sentence puts further on); read as the army as a whole, a distance was scored on
    the deepest formation of the army, a forward detachment."""
    return list(dict.fromkeys(_BARE_LEVEL.findall(_REF.sub(" ", text))))


def _ships_named(written: str, text: str, flotilla: pd.DataFrame | None) -> list[dict]:
    """The army's flotilla brigades a row's text names: by id (the whole text, or a word as
    :func:`_ids_in` reads it) or by a whole name or alias (``written``: the raw text
    lower-cased; ``text``: normalised)."""
    if flotilla is None or not len(flotilla):
        return []
    out = []
    for b in flotilla.to_dict("records"):
        fid = str(b["formation_id"])
        names = [normalise(n) for n in (b.get("name") or "", *(b.get("aliases") or ())) if n]
        if written == fid.lower() or _ids_in(written, [fid]) or any(
                re.search(r"(?<![\w-])" + re.escape(a) + r"(?![\w-])", text) for a in names if a):
            out.append(b)
    return out


def _ship_match(ships: list[dict], ids: list[str], problems: list[str]) -> Match:
    """A row naming the army's own flotilla brigades (:func:`_ships_named`): the run records
    no track of a brigade, so the row is scored on the formations they carry along their
    route (their tracks are the ships' path); a brigade that carries none (it ferries at a
    crossing, or only fights) is a problem, not scored."""
    said = ", ".join(f"{b['name']} ({b['formation_id']})" for b in ships)
    carried = list(dict.fromkeys(c for b in ships for c in (b.get("carries") or ()) if c in ids))
    if carried:
        return Match(tuple(carried), "rule 2: the army's flotilla brigade, by the formations it "
                     "carries", "; ".join(problems),
                     f"{said}: the run records no track of a flotilla brigade; scored on the "
                     f"formations it carries on its route ({', '.join(carried)})")
    ferried = [c for b in ships for c in (b.get("ferries") or ()) if c in ids]
    what = (f"it ferries {', '.join(ferried)} across at a crossing, and their advance is not "
            "the brigade's" if ferried else "it carries no formation")
    problems.append(f"{FLOTILLA}: {said}, and the run records no track of a flotilla brigade "
                    f"({what}), so the row is not scored. Fix: name the formation the position "
                    "is about (its id or name as in the army file)")
    return Match((), "not scored: names the army's flotilla brigade", "; ".join(problems))


def _longest(found: list[tuple[int, str]], how: str, problems: list[str],
             notes: list[str]) -> Match:
    """Rule 2's match: the formations of the longest name or alias found."""
    top = max(n for n, _ in found)
    chosen = list(dict.fromkeys(i for n, i in found if n == top))
    return Match(tuple(chosen), f"rule 2: {how}", "; ".join(problems), "; ".join(notes))


def _ids_in(written: str, ids: Iterable[str]) -> list[str]:
    """The ``ids`` standing in the lower-cased text ``written`` as whole (hyphenated) words:
    those holding a digit or a hyphen ('9gmc', 'fd-9gmc'; not 'fd-9gmc' for '9gmc'); a bare
    word id ('main', 'rifle') cannot be told from the prose, only rule 0 (the whole text)
    reads it."""
    return [i for i in ids if re.search(r"[\d-]", i) and re.search(
        r"(?<![\w-])" + re.escape(i.lower()) + r"(?![\w-])", written)]


def _numbered_in(written: str, ids: list[str], by_id: dict) -> list[str]:
    """The formations rule 1 reads in the lower-cased text ``written``: the whole text an id,
    an id standing in it (:func:`_ids_in`), or a number and level of the formation's name or
    aliases (not an army's)."""
    refs = [r for r in refs_in(written) if r.level != "army"]
    named = set(_ids_in(written, ids)) | {i for i in ids if written.strip() == i.lower()}
    return [i for i in ids if i in named or any(
        r.same(fr) for r in refs for fr in _formation_refs(by_id[i]))]


def _lineage(i: str, by_id: dict) -> set[str]:
    """``i`` and the formations it is part of (its parent, theirs ...)."""
    out = {i}
    while (p := str(by_id.get(i, {}).get("parent") or "")) and p in by_id and p not in out:
        out.add(p)
        i = p
    return out


def _unknown_gloss(text: str, missing: list[Ref], ids: list[str], by_id: dict) -> list[Ref]:
    """The numbered formations of ``missing`` (none of the army's) that a bracket names as what
    a formation of the army named before it is ("9gmc (86th Rifle Corps)": the two disagree,
    as :func:`_two_named`'s do). A list ("26th Rifle Corps / 257th Tank Bde", "(22nd & 300th
    RD, 77th & 257th Tank Bdes)" after a corps the army lacks) is no problem: an army file
    models a part of the army, and the shipped rows name the rest beside it."""
    outside = _BRACKET.sub(" ", text)
    if not _numbered_in(outside.lower(), ids, by_id):
        return []
    glossed = [r for g in _BRACKET.findall(text) if not _JOINS.match(g.lower())
               for r in refs_in(g) if r in missing]
    return list(dict.fromkeys(glossed))


def _two_named(text: str, ids: list[str], by_id: dict) -> str:
    """The problem of a text naming, by rule 1, one formation and in brackets after it
    another that is neither it nor one part of the other ("9gmc (7th Mech Corps)": the
    bracket says what the first is, and the two disagree); '' when none. A bracket that
    joins ("(with the 5th Gds Tank Corps)", "(and ...)", "(& ...)") lists, as "63rd & 64th
    Mech Bdes" does: several candidates, no problem. ``text``: the row's formation text."""
    glosses = [g for g in _BRACKET.findall(text) if not _JOINS.match(g.lower())]
    outside = _BRACKET.sub(" ", text)
    first = _numbered_in(outside.lower(), ids, by_id)
    for gloss in glosses:
        second = [i for i in _numbered_in(gloss.lower(), ids, by_id) if i not in first]
        if not first or not second:
            continue
        if any(a in _lineage(b, by_id) or b in _lineage(a, by_id) for a in first for b in second):
            continue  # the corps and its forward detachment, a brigade of the corps
        said = [", ".join(_bodies(who, by_id)) + f" ({' '.join(part.replace(';', ',').split())!r})"
                for who, part in ((first, outside), (second, gloss))]  # no '; ': joins problems
        return (f"{NAMES_TWO}: {said[0]} and, in brackets, {said[1]}, neither the other nor "
                "a part of it: scored as a row naming several formations is (the first of its "
                "candidates to reach the place). Fix: keep one of them in the formation text, "
                "or join them ('... and ...') when the position is both formations'")
    return ""


def _other_axes(written: str, text: str, wants_fd: bool, others: Iterable[OtherArmy],
                ids: list[str], by_id: dict, army_refs: list[Ref],
                own_spans: list[tuple[int, int]]) -> list[tuple[str, str]]:
    """``(what, axis_id)`` for each other army whose formations the row names where this army
    has none of that name: an id (the whole text, or a word as :func:`_ids_in` reads it), a
    numbered formation (number and level) none of this army carries, a whole name or alias
    outside this army's own names and aliases in the text; another army named as a whole
    only when the row does not name its own (see the module docstring). Read as rule 1 reads
    this army's: "forward detachment" takes the named body's. ``written`` is the raw text
    lower-cased, ``text`` normalised, ``own_spans`` where the army's own name stands in it."""
    own_refs = [fr for i in ids for fr in _formation_refs(by_id[i])]
    row_refs = refs_in(written)
    foreign_refs = [r for r in row_refs if r.level != "army"
                    and not any(r.same(fr) for fr in own_refs)]
    own_ids = {i.lower() for i in ids}
    # where this army's names and aliases stand in the text: another army's alias within one
    # of them is this army's ('Mongolian cavalry' inside a name of the group)
    spans = list(own_spans)
    own_named = bool(own_spans) or any(r.same(a) for r in row_refs if r.level == "army"
                                       for a in army_refs)
    for i in ids:
        for alias in (by_id[i].get("name") or "", *(by_id[i].get("aliases") or ())):
            a = normalise(alias)
            for m in re.finditer(r"(?<![\w-])" + re.escape(a) + r"(?![\w-])", text) if a else ():
                spans.append(m.span())
                own_named = own_named or _army_alias(alias, army_refs)
    out: list[tuple[str, str]] = []
    for other in others:
        forms = other.records
        their = [str(f["formation_id"]) for f in forms]
        their_by_id = dict(zip(their, forms))
        their_army = refs_in(other.name)
        hits: dict[str, str] = {}  # formation -> what of the text names it
        for fid, f in their_by_id.items():
            if fid.lower() not in own_ids and (written == fid.lower() or _ids_in(written, [fid])):
                hits[fid] = f"'{fid}'"
                continue
            names = (f.get("name") or "", *(f.get("aliases") or ()))
            for alias in sorted(names, key=lambda n: -len(normalise(n))):  # the name first
                a = normalise(alias)
                if not a or (own_named and _army_alias(alias, their_army)):
                    continue
                if any(not any(s0 <= m.start() and m.end() <= s1 for s0, s1 in spans) for m in
                       re.finditer(r"(?<![\w-])" + re.escape(a) + r"(?![\w-])", text)):
                    hits[fid] = f"'{alias}'"
                    break
            else:
                refs = [r for r in foreign_refs if any(r.same(fr) for fr in _formation_refs(f))]
                if refs:
                    hits[fid] = f"the {_say(refs)}"
        named = [r for r in row_refs if r.level == "army" and any(r.same(a) for a in their_army)]
        if not hits and named and not own_named:
            out.append((f"the {_say(named)} is the army of {other.axis_id} ({other.name})",
                        other.axis_id))
        if not hits:
            continue
        chosen = (_fd_of(list(hits), their_by_id, their) if wants_fd
                  else _bodies(list(hits), their_by_id))
        said = [hits.get(c) or hits.get(str(their_by_id[c].get("parent") or ""), "") for c in chosen]
        out.append((f"{', '.join(dict.fromkeys(w for w in said if w))} "
                    f"{'is' if len(chosen) == 1 else 'are'} {', '.join(chosen)} of "
                    f"{other.axis_id} ({other.name})", other.axis_id))
    return out


def _fd_of(hits: list[str], by_id: dict, ids: list[str]) -> list[str]:
    """Forward detachments among ``hits``, or of the bodies in ``hits``; else ``hits``."""
    out = [i for i in hits if _role(by_id[i]) == "forward_detachment"]
    out += [i for i in ids if _role(by_id[i]) == "forward_detachment"
            and str(by_id[i].get("parent") or "") in hits and i not in out]
    return out or hits


def _bodies(hits: list[str], by_id: dict) -> list[str]:
    """``hits`` without forward detachments whose parent is also hit."""
    out = [i for i in hits if not (_role(by_id[i]) == "forward_detachment"
                                   and str(by_id[i].get("parent") or "") in hits)]
    return out or hits


def _say(refs: Iterable[Ref]) -> str:
    return ", ".join(f"{r.number} {(r.arm + ' ') if r.arm else ''}{r.level}" for r in refs)


def match_rows(rows: pd.DataFrame, formations: pd.DataFrame, *, army_name: str = "",
               others: Iterable[OtherArmy] = (),
               flotilla: pd.DataFrame | None = None) -> dict[int, Match]:
    """``{row: Match}`` for every row of one axis (``row``, ``formation``, ``place_reached``);
    ``others``: the other axes' armies, ``flotilla`` the army's brigades (:func:`match_row`)."""
    others = tuple(others)
    return {int(r["row"]): match_row(r.get("formation", ""), r.get("place_reached", ""),
                                     formations, army_name=army_name, others=others,
                                     flotilla=flotilla)
            for r in rows.to_dict("records")}
