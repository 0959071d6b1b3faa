"""Where a figure comes from: the one check of ``cite:`` / ``assumed:`` provenance in configs.

The dialect (``configs/README.md``, "Figures"): every figure carries exactly one of

* ``cite:`` where the value comes from (a source tag of ``shared/reference/parameters.md`` and
  the quoted phrase), optionally with ``quote:``;
* ``assumed:`` why this value was chosen when no source gives one (a modelling assumption).

Files written before the dialect was one spell ``cite:`` as ``source:`` (with an optional
``quote:``) or ``derived:`` (arithmetic on cited figures, written out): vehicle files and
``configs/network/network.yaml``. They are read as ``cite:`` and keep their text, so nothing in
a config has to be rewritten. The scenario loader, the vehicle loader and the network
parameters all call :func:`read_provenance` (or :func:`provenance_problem`), so the rule is
written once. This is also where a bibliography of the source tags belongs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["CITE_KEYS", "PROVENANCE_KEYS", "Provenance", "read_provenance",
           "provenance_problem"]

#: Keys that cite a source: ``cite`` and its older spellings ``source`` and ``derived``.
CITE_KEYS: tuple[str, ...] = ("cite", "source", "derived")

#: Every key that says where a figure comes from (one of them, exactly, per figure).
PROVENANCE_KEYS: tuple[str, ...] = (*CITE_KEYS, "assumed")

_EXPECTED = ("exactly one of 'cite' (where the value comes from; older files: 'source' with "
             "an optional 'quote', or 'derived') or 'assumed' (why this value)")


@dataclass(frozen=True)
class Provenance:
    """Where one figure comes from: ``key`` as the file spells it, its ``text``, a ``quote``."""

    key: str
    text: str
    quote: str = ""

    @property
    def is_assumed(self) -> bool:
        """True for a named modelling assumption, False for a cited figure."""
        return self.key == "assumed"

    def __str__(self) -> str:
        """``"<key>: <text>"`` plus ``' | quote: "<quote>"'`` when quoted."""
        return f"{self.key}: {self.text}" + (f' | quote: "{self.quote}"' if self.quote else "")


def provenance_problem(entry: Mapping[str, Any]) -> tuple[str, str] | None:
    """What is wrong with the provenance of ``entry`` (a figure's mapping) as ``(expected,
    seen)``, e.g. ``("exactly one of 'cite' ... or 'assumed' ...", "both were given")``; None
    when it is right. Empty or blank texts count as not given."""
    given = [k for k in PROVENANCE_KEYS if isinstance(entry.get(k), str) and entry[k].strip()]
    if len(given) == 1:
        if entry.get("quote") is not None and given[0] not in ("cite", "source"):
            return "a 'quote' only with a citation ('cite' or 'source')", f"one with {given[0]!r}"
        return None
    if not given:
        blank = [k for k in PROVENANCE_KEYS if k in entry]
        seen = "neither was given" + (f" ({', '.join(blank)} empty)" if blank else "")
    else:
        seen = "both were given" if len(given) == 2 else f"{', '.join(given)} were all given"
    return _EXPECTED, seen


def read_provenance(entry: Mapping[str, Any]) -> Provenance:
    """The :class:`Provenance` of a figure's mapping; ``ValueError("expected ...; seen")`` if
    it has none, several, or a ``quote`` without a citation (:func:`provenance_problem`)."""
    problem = provenance_problem(entry)
    if problem is not None:
        raise ValueError(f"expected {problem[0]}; {problem[1]}")
    key = next(k for k in PROVENANCE_KEYS
               if isinstance(entry.get(k), str) and entry[k].strip())
    quote = entry.get("quote")
    return Provenance(key, str(entry[key]), str(quote) if quote else "")
