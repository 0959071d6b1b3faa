"""Which echelon of an army a documented row describes: its main forces or its mobile group.

The rule (one, general, stated in every comparison report): a row describes the **mobile**
echelon when its ``formation`` or ``place_reached`` text names a mobile element, i.e. contains
(case-insensitively) any of :data:`MOBILE_MARKERS`: "mobile group", "forward detachment",
"advance guard", "tank bde", "tank brigade", or the Russian stems "передов" (передовой отряд,
forward detachment) and "подвижн" (подвижная группа, mobile group). Every other row describes
the army's **main** forces. A mobile row is scored against the axis's mobile scenario
(``echelon: mobile``) when there is one, else against the main one, with a note.
"""

from __future__ import annotations

from typing import Any

__all__ = ["MOBILE_MARKERS", "RULE_TEXT", "row_echelon", "scored_echelon"]

#: Lower-case phrases that mark a documented row as describing a mobile element.
MOBILE_MARKERS: tuple[str, ...] = (
    "mobile group", "forward detachment", "advance guard", "tank bde", "tank brigade",
    "передов", "подвижн",
)

#: The rule in one sentence, for reports.
RULE_TEXT: str = (
    "a documented row is matched to the mobile echelon (mobile group, forward detachments) "
    "when its formation or place text contains one of "
    + ", ".join(f"'{m}'" for m in MOBILE_MARKERS)
    + " (any case) and the axis has a mobile scenario (`echelon: mobile`); every other row, "
    "and a mobile row of an axis without a mobile scenario (noted), is scored against the "
    "main echelon"
)


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)


def row_echelon(formation: Any, place: Any = "") -> str:
    """``"mobile"`` when the row's formation or place text names a mobile element, else
    ``"main"`` (see :data:`MOBILE_MARKERS`).

    >>> row_echelon("39th Army mobile group", "Wangyemiao")
    'mobile'
    >>> row_echelon("36th Army main forces", "Hailar (town)")
    'main'
    """
    text = f"{_text(formation)} {_text(place)}".lower()
    return "mobile" if any(m in text for m in MOBILE_MARKERS) else "main"


def scored_echelon(formation: Any, place: Any, has_mobile: bool) -> tuple[str, str]:
    """``(echelon scored against, note)``: the row's echelon, or ``main`` with a note when it
    names a mobile element but the axis has no mobile scenario."""
    wanted = row_echelon(formation, place)
    if wanted == "mobile" and not has_mobile:
        return "main", ("the row names a mobile element but this axis has no mobile scenario: "
                        "scored against the main echelon")
    return wanted, ""
