"""The one reader of a number a user types as text (a command-line value, an environment
variable, a list such as ``bench --sizes``): ASCII decimal notation only.

Python's own ``float()`` and ``int()`` also take digit-group underscores and other scripts'
digits: ``--set speed_scale=1_0`` (a slip for 1.0) ran every army at ten times the speed
(breaker36); ``bench --sizes 1_000_000`` and ``LOGISTICS_N_WORKERS=1_0`` were read as numbers
too (breaker37).
"""

from __future__ import annotations

import re

__all__ = ["number_of"]

#: A number as a user types it: ASCII digits with an optional sign, point and exponent (or
#: inf/nan, which the callers' ranges then refuse by name).
_NUMBER_TEXT = re.compile(r"[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
                          r"|inf(?:inity)?|nan)", re.IGNORECASE)
_WHOLE_TEXT = re.compile(r"[+-]?[0-9]+")


def number_of(text: str, *, whole: bool = False) -> float | int:
    """``text`` (spaces round it aside) as the number it writes in ASCII decimal notation
    (``whole``: a whole number, as int); ValueError for anything else ("1_0", "0x10", "1,5",
    other scripts' digits), which float() and int() would partly take."""
    stripped = str(text).strip()
    if not (_WHOLE_TEXT if whole else _NUMBER_TEXT).fullmatch(stripped):
        raise ValueError(f"not a number in decimal notation: {text[:40]!r}")
    return int(stripped) if whole else float(stripped)
