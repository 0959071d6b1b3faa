"""The project's exception types: one root, a few subclasses mixed with builtins.

Every error a user can cause ends in one of these, with a message that states what was
expected, the value seen and how to fix it (:func:`range_fix` words the fix of a number out
of its range the same way everywhere, :func:`did_you_mean` the near names offered for an
unknown one). Callers may catch either the project type or the
builtin (``except ValueError`` still works for a ``ConfigError``).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

__all__ = [
    "LogisticsError",
    "ConfigError",
    "DataError",
    "CRSError",
    "ExtentError",
    "UnknownNameError",
    "NoRouteError",
    "ResourceError",
    "OutputError",
    "MAX_LISTED",
    "NEAR_CUTOFF",
    "close_names",
    "did_you_mean",
    "offer",
    "listed",
    "range_fix",
    "choice_fix",
    "check_choice",
    "unit_of",
    "UNIT_FLOORS",
    "unit_floor_problem",
]


class LogisticsError(Exception):
    """Root of every error this package raises on purpose.

    ``command_line``: the message as the command line says it, where its fix differs there
    (a fix only the Python API has, e.g. ``chunks=``, is no fix to a command-line user); None
    when the message is the same. The command line prints it instead of ``str(exc)``."""

    command_line: str | None = None


class ConfigError(LogisticsError, ValueError):
    """A configuration file or argument is invalid (names file, key, expectation)."""


class DataError(LogisticsError, ValueError):
    """Input data is missing, malformed or unusable (a raster, a CSV, an .osm file)."""


class CRSError(DataError):
    """A raster or vector has no CRS, or one that cannot be used."""


class ExtentError(LogisticsError, ValueError):
    """A point or box lies outside the data extent, or a box is inverted/empty."""


class UnknownNameError(LogisticsError, KeyError):
    """An unknown place, vehicle, axis or scenario name; the message suggests near matches."""

    def __str__(self) -> str:  # KeyError would repr() the message; keep it readable
        return str(self.args[0]) if self.args else ""


class NoRouteError(LogisticsError, ValueError):
    """No path exists between the requested points (says what separates them)."""


class ResourceError(LogisticsError, MemoryError):
    """The job does not fit in memory or a compute resource cannot be reached."""


class OutputError(LogisticsError, OSError):
    """An output path cannot or must not be written: it holds something this tool did not
    write, it is a file or a device, or the disk refused (full, read-only, name too long)."""

    def __str__(self) -> str:  # OSError would prefix "[Errno n]" when given two arguments
        return str(self.args[0]) if self.args else ""


#: At most this many problems are spelt out in one error; the rest are counted.
MAX_LISTED = 25


def listed(problems: list[str], *, sep: str = "\n  - ", limit: int = MAX_LISTED) -> str:
    """``problems`` joined by ``sep``, the first ``limit`` of them and a count of the rest.

    A file under the wrong key (a list of formations pasted as seasons) can give a hundred
    problems; a wall of them hides the first, which is usually the one to fix.
    """
    shown = sep.join(problems[:limit])
    more = len(problems) - limit
    if more > 0:
        shown += f"{sep}... and {more} more (fix the ones above first; they often cause the rest)"
    return shown


#: The unit a key's name carries in its suffix (``tolerance_km``: km), for the fix of a range.
_UNITS = (("hours_per_day", "hours a day"), ("_km_per_day", "km a day"),
          ("_l_per_h", "litres an hour"), ("_l_per_km", "litres a km"),
          ("_l_per_100km", "litres per 100 km"), ("_refills", "refills"), ("_kmh", "km/h"),
          ("_km", "km"), ("_h", "hours"), ("_l", "litres"), ("_t", "tonnes"), ("_deg", "degrees"), ("_m", "metres"), ("_kg", "kg"), ("_kw", "kW"), ("_hp", "hp"),
          ("_pct", "%"), ("lon", "degrees east"), ("lat", "degrees north"))


def unit_of(name: str) -> str:
    """The unit the key ``name`` states in its suffix ('' when it states none)."""
    return next((u for suffix, u in _UNITS if name.endswith(suffix)), "")


#: The smallest size a quantity of each unit may have and still be one: a figure above 0 but
#: below it is no physical value (``payload_l: 1e-300``, a litre's 1e-300th part: a typing
#: slip for 0 or a number, or underflow bait for the physics). assumed: about a thousandth of
#: the smallest real figure of that unit in any file (1 ml, 1 m, 3.6 s, 1 kg, a millionth of
#: an army's refill, 0.001 km/h), so no real figure comes near it. Coordinates (lon, lat) have
#: none: 0 is a place, not "none".
UNIT_FLOORS: dict[str, float] = {
    "hours a day": 1e-3, "km a day": 1e-3, "litres an hour": 1e-3, "litres a km": 1e-3,
    "litres per 100 km": 1e-3, "refills": 1e-6, "km/h": 1e-3, "km": 1e-3, "hours": 1e-3,
    "litres": 1e-3, "tonnes": 1e-3, "degrees": 1e-3, "metres": 1e-3, "kg": 1e-3, "kW": 1e-3,
    "hp": 1e-3, "%": 1e-3,
}


def unit_floor_problem(name: str, value: Any) -> str | None:
    """Why ``value`` of the key ``name`` is no physical quantity of the unit its name states
    (None when it may be one): a number other than 0 whose size is below that unit's
    :data:`UNIT_FLOORS`. 0 stays 0 (none), ranges are each key's own rule."""
    unit = unit_of(name.split(".")[0])
    floor = UNIT_FLOORS.get(unit)
    if floor is None or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if value == 0 or not math.isfinite(value) or abs(value) >= floor:
        return None
    return (f"{name} {value:g} {unit}: above 0 but below {floor:g} {unit}, the least a "
            f"quantity in {unit} can be (no real figure is that small); fix: the figure in "
            f"{unit} (a typing slip in the exponent?), or 0 where the key takes 0 for none")


def _fmt(x: float) -> str:
    return f"{x:,.0f}".replace(",", " ") if abs(x) >= 10_000 else f"{x:g}"


def range_fix(name: str, got: Any, *, ge: float | None = None, gt: float | None = None,
              le: float | None = None, lt: float | None = None, whole: bool = False) -> str:
    """``fix: ...`` text for ``name`` outside its range: the allowed range with the unit its
    name states, and the allowed value nearest to ``got`` as the example, unless the mistake
    shows in the value (:func:`_slip`): a tonnes key given kilograms (``mass_t: 1320``, about
    1000 times the range) takes the value / 1000, a value below a range of positive numbers
    that fits it without its minus sign (``count: -50``) takes that value."""
    lo, lo_in = (ge, True) if ge is not None else (gt, False)
    hi, hi_in = (le, True) if le is not None else (lt, False)
    unit = unit_of(name)
    if lo is not None and hi is not None:
        span = f"{'[' if lo_in else '('}{_fmt(lo)}, {_fmt(hi)}{']' if hi_in else ')'}"
    elif lo is not None:
        span = f"{'>=' if lo_in else '>'} {_fmt(lo)}"
    elif hi is not None:
        span = f"{'<=' if hi_in else '<'} {_fmt(hi)}"
    else:
        return f"fix: give {name} a {'whole ' if whole else ''}number"
    step = 1.0 if (hi is None or lo is None or hi - lo >= 2) else (hi - lo) / 2
    try:
        v = float(got)
    except (TypeError, ValueError):
        v = math.nan
    example = None
    slip = _slip(unit, v, lo, lo_in, hi, hi_in)
    if slip is not None:
        example = slip[0]
    elif math.isfinite(v) and lo is not None and (v < lo or (v == lo and not lo_in)):
        example = lo if lo_in else lo + step
    elif math.isfinite(v) and hi is not None and (v > hi or (v == hi and not hi_in)):
        example = hi if hi_in else hi - step
    what = "a whole number" if whole else "a number"
    text = f"fix: give {name} {what} in {span}" if lo is not None and hi is not None \
        else f"fix: give {name} {what} {span}"
    if unit:
        text += f" {unit}"
    if slip is not None:
        text += f"; {_fmt(v)} looks like {slip[1]}: e.g. {_fmt(example)}{slip[2]}"
    elif example is not None:
        text += f", e.g. {_fmt(example)}"
    return text


def choice_fix(name: str, got: object, allowed: Sequence[object]) -> str:
    """``fix: ...`` text for ``name`` given ``got``, which is none of ``allowed``: every allowed
    value as the keyword takes it (``fix: season='dry' or season='wet'``), then the near one,
    if any. Why: "must be one of" named the values but not what to type."""
    shown = [f"{name}={a!r}" for a in allowed]
    which = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]
    return f"fix: {which}" + did_you_mean(got, [str(a) for a in allowed], lead="; ")


def check_choice(name: str, value: object, allowed: Sequence[object]) -> None:
    """ConfigError unless ``value`` is one of ``allowed``: the values, what was given and
    :func:`choice_fix`."""
    if value not in allowed:
        raise ConfigError(f"{name} must be one of {list(allowed)}, got {value!r}; "
                          + choice_fix(name, value, allowed))


def _inside(x: float, lo: float | None, lo_in: bool, hi: float | None, hi_in: bool) -> bool:
    """True when ``x`` lies in the range (None: no bound on that side)."""
    return ((lo is None or x > lo or (lo_in and x == lo))
            and (hi is None or x < hi or (hi_in and x == hi)))


def _slip(unit: str, v: float, lo: float | None, lo_in: bool, hi: float | None,
          hi_in: bool) -> tuple[float, str, str] | None:
    """(the value meant, what the slip looks like, a note after it) for a value out of its
    range whose mistake shows: kilograms in a tonnes key (the value / 1000 fits), or a minus
    sign before a range of numbers >= 0 (the value without it fits); None otherwise. Why: the nearest bound
    ("e.g. 200" for 1320 kg, "e.g. 0" for -50 trucks) is a value the user did not mean."""
    if not math.isfinite(v) or _inside(v, lo, lo_in, hi, hi_in):
        return None
    if unit == "tonnes" and hi is not None and v > hi and _inside(v / 1000, lo, lo_in, hi, hi_in):
        return v / 1000, "kilograms", " (tonnes = kg / 1000)"
    if lo is not None and lo >= 0 and v < 0 and _inside(-v, lo, lo_in, hi, hi_in):
        return -v, "a slipped minus sign", ""
    return None


#: The similarity (:func:`difflib.get_close_matches`, in [0, 1]) a known name needs to be
#: offered for an unknown one, at every call that gives no other. Why 0.6, difflib's own
#: default: on this package's names (vehicle ids, places, keys, axis ids, option values) it
#: keeps one or two slips in a short id ('zis5' -> 'zis-5', 'T34' -> 't-34-85') and leaves out
#: a different name of the same kind ('su-100' is not 'su-76m', 'gmted' not 'merged', which
#: 0.5 and 0.3 offered). A call whose names share more than that (ids of one pattern, the keys
#: of one mapping) passes a higher cutoff with its reason beside it.
NEAR_CUTOFF: float = 0.6


def close_names(name: object, known: Iterable[object], *, n: int = 1,
                cutoff: float = NEAR_CUTOFF,
                fold: Callable[[str], str] = str.casefold) -> list[str]:
    """Up to ``n`` names of ``known`` closest to the unknown ``name``, nearest first, each in
    its spelling in ``known``; [] when none is close enough. ``name`` itself, when known, is
    its own closest: a caller whose name may be known for another reason (a file of that
    name with the other suffix) checks that first.

    Names are compared by ``fold`` (case by default; a caller with its own normal form, e.g.
    accents and punctuation dropped, passes it), so a name typed in the other case is offered
    rather than missed. ``cutoff`` is :func:`difflib.get_close_matches`' similarity in [0, 1]
    (:data:`NEAR_CUTOFF` by default, the reason there): raise it where a loose guess would
    mislead, saying why at the call.
    """
    by_fold: dict[str, str] = {}
    for k in map(str, known):
        by_fold.setdefault(fold(k), k)  # the first spelling of a folded name is the one shown
    near = difflib.get_close_matches(fold(str(name)), list(by_fold), n=n, cutoff=cutoff)
    return [by_fold[f] for f in near]


def offer(shown: Sequence[str], *, lead: str = "") -> str:
    """``did you mean a, b?`` for the already formatted suggestions ``shown``, after ``lead``
    (``"; "`` to append it to a message); '' for none. The one wording of a hint:
    :func:`did_you_mean` builds it, and a caller that shows more than a name (a place with its
    other name, an axis with the one it corrects) calls this."""
    return f"{lead}did you mean {', '.join(shown)}?" if shown else ""


def did_you_mean(name: object, known: Iterable[object], *, n: int = 1,
                 cutoff: float = NEAR_CUTOFF,
                 fold: Callable[[str], str] = str.casefold,
                 show: Callable[[str], str] = repr, lead: str = "") -> str:
    """``did you mean 'a', 'b'?``: the :func:`close_names` of ``name`` among ``known``, each
    shown by ``show`` (quoted by default), after ``lead``; '' when none is close, so a caller
    writes ``msg + did_you_mean(name, known, lead="; ")``, or ``did_you_mean(...) or fix``."""
    return offer([show(k) for k in close_names(name, known, n=n, cutoff=cutoff, fold=fold)],
                 lead=lead)


def refuse_unknown_keys(where: str, node: Any, read: Iterable[str], informative: Iterable[str],
                        what: str, *, top: bool = False) -> None:
    """ConfigError for a key of ``node`` (a mapping at ``where``) that nothing reads and no
    file gives as information: a misspelt optional key was taken as absent, its default in its
    place, without a word (``gap:`` for ``gap_m:`` gave columns of no length; a standard's
    ``colum:`` one road for two). ``top``: ``where`` is a file, its keys top-level ones
    (named ``<file>: <key>``, not ``<where>.<key>``)."""
    read, informative = sorted(read), sorted(informative)
    known = sorted(set(read) | set(informative))
    for key in sorted(map(str, set(node) - set(known))) if isinstance(node, dict) else ():
        raise ConfigError(f"{where}{': ' if top else '.'}{key}: not a key of {what}"
                          + did_you_mean(key, known, lead="; ")
                          + f"; fix: correct its spelling or remove it (read: "
                          f"{', '.join(read)}"
                          + (f"; informative: {', '.join(informative)}"
                             if informative else "") + ")")


def check_flag(name: str, value: object) -> bool:
    """``value`` as a bool when it is ``True`` or ``False`` (numpy's too); ConfigError naming
    ``name`` otherwise: bool("no") is True, so a text (or 0, 1) would have switched the option
    on or off unread."""
    import numpy as np

    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    shown = repr(value) if len(repr(value)) <= 80 else repr(value)[:77] + "..."
    raise ConfigError(f"{name} must be True or False, got {shown}; fix: {name}=True or "
                      f"{name}=False")
