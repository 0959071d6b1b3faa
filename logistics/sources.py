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
written once.

The bibliography is ``configs/sources.yaml``: every source key (``[GLANTZ-LP7]``) with its full
reference, and the ``pointers:`` of older citations (``[SEED-000]``, ``CF 4``, ``PM 1.1``) to
the keys behind them. A citation naming a bracketed key that is neither a source key nor a bracketed
pointer is a provenance problem like a missing one (:func:`unknown_keys`), so every loader that
checks provenance fails on it; :func:`cited_keys` and :meth:`Bibliography.reference` let a report
expand the keys it cites into references.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any


__all__ = ["CITE_KEYS", "PROVENANCE_KEYS", "Provenance", "read_provenance",
           "provenance_problem", "Bibliography", "load_bibliography", "bibliography_path",
           "configs_folder_of", "unknown_key_fix", "unknown_keys", "cited_keys", "KEY_RE",
           "POINTER_RES"]

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


def _near_key(key: str, bib: "Bibliography") -> str:
    """' (did you mean [ALYMER-BT5]?)' for a citation key one slip from a source key, else ''."""
    from logistics.errors import did_you_mean

    near = did_you_mean(key, bib.sources, show="[{}]".format)
    return f" ({near})" if near else ""


def provenance_problem(entry: Mapping[str, Any], *,
                       config_dir: str | Path | None = None) -> tuple[str, str] | None:
    """What is wrong with the provenance of ``entry`` (a figure's mapping) as ``(expected,
    seen)``, e.g. ``("exactly one of 'cite' ... or 'assumed' ...", "both were given")``; None
    when it is right. Empty or blank texts count as not given. Citation keys are checked
    against the bibliography of the configs folder ``config_dir`` (:func:`bibliography_path`)."""
    given = [k for k in PROVENANCE_KEYS if isinstance(entry.get(k), str) and entry[k].strip()]
    if len(given) == 1:
        if entry.get("quote") is not None and given[0] not in ("cite", "source"):
            return "a 'quote' only with a citation ('cite' or 'source')", f"one with {given[0]!r}"
        bib = load_bibliography(config_dir=config_dir)
        unknown = unknown_keys(" ".join(str(entry.get(k) or "") for k in (*CITE_KEYS, "quote")),
                               bib)
        if unknown:  # a slip in a key (ALYMER-BT6) gets its near one, as every name does
            return (f"citation keys of {bibliography_path(config_dir)} in brackets "
                    f"([GLANTZ-LP7]); {unknown_key_fix(config_dir)}", "unknown key(s) "
                    + ", ".join(f"[{k}]{_near_key(k, bib)}" for k in unknown))
        return None
    if not given:
        blank = [k for k in PROVENANCE_KEYS if k in entry]
        seen = "neither was given" + (f" ({', '.join(blank)} empty)" if blank else "")
    else:
        seen = "both were given" if len(given) == 2 else f"{', '.join(given)} were all given"
    return _EXPECTED, seen


def read_provenance(entry: Mapping[str, Any], *,
                    config_dir: str | Path | None = None) -> Provenance:
    """The :class:`Provenance` of a figure's mapping; ``ValueError("expected ...; seen")`` if
    it has none, several, or a ``quote`` without a citation (:func:`provenance_problem`, its
    keys those of the bibliography of ``config_dir``)."""
    problem = provenance_problem(entry, config_dir=config_dir)
    if problem is not None:
        raise ValueError(f"expected {problem[0]}; {problem[1]}")
    key = next(k for k in PROVENANCE_KEYS
               if isinstance(entry.get(k), str) and entry[k].strip())
    quote = entry.get("quote")
    return Provenance(key, str(entry[key]), str(quote) if quote else "")


# --------------------------------------------------------------------------------------------
# the bibliography

#: A bracketed citation key, ``[GLANTZ-LP7]`` (upper case, digits, inner hyphens).
KEY_RE = re.compile(r"\[([A-Z0-9][A-Z0-9-]*[A-Z0-9])\]")

#: Older pointer citations (``CF 4``, ``PM 1.1``, ``RW R23``, ``MF 8``, ``parameters.md §1.7``)
#: as ``(pattern, pointer form)``: the pointer is looked up in ``pointers:``.
POINTER_RES: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"\b(CF|PM|MF|DS) (\d+[a-z]?(?:\.\d+)?)\b"), "{} {}"),
    (re.compile(r"\bRW (R\d+[a-z]?)\b"), "RW {}"),
    (re.compile(r"campaign-facts\.md (?:§|s\.|section )(\d+[a-z]?)"), "CF {}"),
    (re.compile(r"parameters\.md (?:§)?(\d+(?:\.\d+)?)"), "PM {}"),
    (re.compile(r"railways-1945\.md (R\d+[a-z]?)"), "RW {}"),
)

_FILE = "sources.yaml"


def bibliography_path(config_dir: str | Path | None = None) -> Path:
    """``sources.yaml`` of the configs folder ``config_dir`` (``settings.CONFIG_DIR`` as set
    when None); the shipped one when a user's configs folder has none."""
    from logistics import settings

    own = settings.config_dir_path(config_dir) / _FILE
    return own if own.is_file() else Path(settings.SHIPPED_CONFIG_DIR) / _FILE


def configs_folder_of(config_file: str | Path, levels: int = 2) -> Path | None:
    """The configs folder ``config_file`` lies ``levels`` folders below (1:
    ``<configs>/fortified-regions.yaml``; 2: ``<configs>/norms/march.yaml``), whose
    bibliography its citation keys are checked against; None when it is
    ``settings.CONFIG_DIR`` (the default of :func:`provenance_problem`, read as ever). Why: a
    reader given a copied folder's file checked its keys against ``settings.CONFIG_DIR``'s
    ``sources.yaml``, so a source added to the copy's could not be cited in its norms,
    vehicles, network parameters or fortified regions."""
    from logistics import settings

    folder = Path(config_file).parents[levels - 1]
    return None if folder.resolve() == settings.configs_folder() else folder


def unknown_key_fix(config_dir: str | Path | None = None) -> str:
    """The fix of a citation key the bibliography of ``config_dir`` lacks, naming the file
    read: add the source to it; or, when the configs folder (``settings.CONFIG_DIR`` when
    None) is a copy with no ``sources.yaml`` of its own (the shipped one was read), add one
    to the copy. Why: the fix told such a user to edit the shipped file, inside the install,
    which a later install replaces and other folders share."""
    from logistics import settings

    folder = settings.config_dir_path(config_dir)
    read = bibliography_path(config_dir)
    if not (folder / _FILE).is_file() and \
            folder.resolve() != Path(settings.SHIPPED_CONFIG_DIR).resolve():
        return (f"{folder} has no {_FILE} of its own, so {read} was read: add a {_FILE} to "
                f"{folder} (a copy of {read}, the sources its other files cite, with this "
                "source added), or correct the key")
    return f"add the source to {read}, or correct the key"


@dataclass(frozen=True)
class Bibliography:
    """Every source by key (its ``sources.yaml`` entry) and every older pointer's keys."""

    sources: Mapping[str, Mapping[str, Any]]
    pointers: Mapping[str, tuple[str, ...]]

    def known(self, token: str) -> bool:
        """True for a source key (``GLANTZ-LP7``) or a bracketed pointer (``SEED-000``)."""
        return token in self.sources or f"[{token}]" in self.pointers

    def keys_of(self, token: str) -> tuple[str, ...]:
        """The source keys a key or pointer stands for (a key stands for itself)."""
        if token in self.sources:
            return (token,)
        return self.pointers.get(token, self.pointers.get(f"[{token}]", ()))

    def reference(self, key: str) -> str:
        """One line of full reference: author, title, container, year, address."""
        e = self.sources[key]
        parts = [str(e.get("author") or "unknown"), str(e.get("title") or "")]
        parts += [str(e[f]) for f in ("container", "year") if e.get(f)]
        urls = e.get("urls") or []
        text = ". ".join(p.strip().rstrip(".") for p in parts if p and p.strip())
        return f"[{key}] {text}" + (f". {urls[0]}" if urls else "")


@lru_cache(maxsize=4)
def _read(path: str, mtime_ns: int) -> Bibliography:
    from logistics._yaml import load_yaml

    from logistics.errors import ConfigError, refuse_unknown_keys

    doc = load_yaml(path, what="bibliography") or {}
    fix = "fix: write it as the shipped configs/sources.yaml does"
    if not isinstance(doc, dict):
        raise ConfigError(f"{path}: expected a mapping of keys (sources, pointers), got "
                          f"{type(doc).__name__}; {fix}")
    # `tokens:` (words of older citations -> keys) informs the maintainers' checks only
    refuse_unknown_keys(path, doc, ("sources", "pointers"), ("tokens",), "the file", top=True)
    entries, pointing = doc.get("sources") or [], doc.get("pointers") or {}
    if not isinstance(entries, list):
        raise ConfigError(f"{path}: sources: expected a list of entries, got "
                          f"{type(entries).__name__}; {fix}")
    for n, e in enumerate(entries):
        if not isinstance(e, dict) or not isinstance(e.get("key"), str):
            raise ConfigError(f"{path}: sources.{n}: expected an entry with `key:` (e.g. "
                              f"GLANTZ-LP7), got {str(e)[:80]!r}; {fix}")
    if not isinstance(pointing, dict) or not all(
            isinstance(t, dict) and isinstance(t.get("keys") or [], list)
            for t in pointing.values()):
        raise ConfigError(f"{path}: pointers: expected a mapping of pointer -> {{keys: [...]}}, "
                          f"got {str(pointing)[:80]!r}; {fix}")
    if not entries:  # an empty bibliography checks nothing: every citation would pass
        raise ConfigError(f"{path}: holds no source (an empty `sources:` list); every citation "
                          f"key would go unchecked; {fix}, or remove the file to use the "
                          "shipped one")
    first: dict[str, int] = {}
    for n, e in enumerate(entries):
        key = e["key"]
        if not KEY_RE.fullmatch(f"[{key}]"):
            raise ConfigError(f"{path}: sources.{n}.key: {key[:80]!r} is no citation key; "
                              "expected upper case letters, digits and inner hyphens, as "
                              "configs cite it ([GLANTZ-LP7]); fix: write the key in that form")
        urls = e.get("urls")
        if urls is not None and not (isinstance(urls, list)
                                     and all(isinstance(u, str) for u in urls)):
            # a number was a TypeError after the whole run (report.md's references), a text
            # was cut to its first letter
            raise ConfigError(f"{path}: sources.{n}.urls: {str(urls)[:80]!r}, expected a list of "
                              "addresses; fix: write it in brackets, e.g. urls: "
                              "[\"https://example.org/book\"], or leave it out")
        if key in first:
            raise ConfigError(f"{path}: sources.{n}.key: {key!r} is given twice (also "
                              f"sources.{first[key]}); a citation would name one of two "
                              "references; fix: merge the two entries or give one its own key")
        first[key] = n
    sources = {str(e["key"]): MappingProxyType(dict(e)) for e in entries}
    pointers = {str(p): tuple(t.get("keys") or ()) for p, t in pointing.items()}
    for p, keys in pointers.items():  # a report citing the pointer looked each key up: KeyError
        lost = [k for k in keys if not isinstance(k, str) or k not in sources]  # a list: TypeError
        if lost:
            raise ConfigError(f"{path}: pointers.{p}: keys {lost} are no source of the file (a "
                              "page citing the pointer lists each key's reference); fix: add "
                              "the sources, or correct or remove the keys")
    return Bibliography(MappingProxyType(sources), MappingProxyType(pointers))


def load_bibliography(path: str | Path | None = None, *,
                      config_dir: str | Path | None = None) -> Bibliography:
    """The bibliography of ``path`` (default :func:`bibliography_path` of ``config_dir``), read
    once per change; an empty one when there is no file (a config tree of its own without
    sources)."""
    p = Path(path) if path is not None else bibliography_path(config_dir)
    if not p.is_file():
        return Bibliography(MappingProxyType({}), MappingProxyType({}))
    return _read(str(p), p.stat().st_mtime_ns)


def unknown_keys(text: str, bibliography: Bibliography | None = None) -> list[str]:
    """The bracketed keys of ``text`` that are neither source keys nor bracketed pointers."""
    found = KEY_RE.findall(text or "")
    if not found:
        return []
    bib = bibliography if bibliography is not None else load_bibliography()
    if not bib.sources:  # no bibliography to check against
        return []
    return sorted({k for k in found if not bib.known(k)})


def cited_keys(texts: Iterable[str], bibliography: Bibliography | None = None) -> list[str]:
    """Every source key the ``texts`` cite, directly (``[GLANTZ-LP7]``) or through an older pointer
    (``[SEED-000]``, ``CF 4``, ``parameters.md §1.1``), in first-cited order."""
    bib = bibliography if bibliography is not None else load_bibliography()
    out: dict[str, None] = {}
    for text in texts:
        hits: list[tuple[int, str]] = [(m.start(), m.group(1)) for m in KEY_RE.finditer(text)]
        for pattern, form in POINTER_RES:
            hits += [(m.start(), form.format(*m.groups())) for m in pattern.finditer(text)]
        for _, token in sorted(hits):
            out.update(dict.fromkeys(bib.keys_of(token)))
    return list(out)
