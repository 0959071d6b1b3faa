"""Read a YAML config file safely: UTF-8 only, duplicate keys refused, aliases bounded.

PyYAML's ``safe_load`` alone lets a few kilobytes of anchors and aliases (``&a [*a, *a, ...]``)
stand for billions of values, silently keeps the last of two equal keys, builds timestamps
that raise plain ``ValueError`` for ``1945-02-30`` and ``OverflowError`` for far years, and reads
``1e30`` as text. :func:`load_yaml` instead:

* reads only a regular UTF-8 file of at most :data:`MAX_BYTES`
  (:func:`logistics._textfile.read_text`);
* refuses a key that appears twice in one mapping, naming both lines;
* refuses a document whose values, with every alias expanded, number more than
  :data:`MAX_NODES`, or that refers to itself, or nests deeper than :data:`MAX_DEPTH`;
* leaves dates as text (the schema parses them, with its own rules) and reads ``1e30`` as a
  number, as YAML 1.2 does; whole numbers are YAML 1.2's too (``010`` is ten, ``1:30`` stays text,
  not 8 and 90); an explicit ``!!timestamp`` is text too, and an explicit tag on a value it
  cannot hold (``!!bool maybe``, ``!!int ""``) is refused naming the line.

Every problem is a :class:`~logistics.errors.ConfigError` naming the file and the line.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import yaml

from logistics.errors import ConfigError

__all__ = ["load_yaml", "refuse_non_finite", "MAX_BYTES", "MAX_NODES", "MAX_DEPTH"]

#: Largest config file read (bytes): the shipped ones are under 20 kB.
MAX_BYTES = 2_000_000
#: Most values (scalars, lists, mappings) a document may hold with its aliases expanded.
MAX_NODES = 200_000
#: Deepest nesting of lists and mappings.
MAX_DEPTH = 64

_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"
_FLOAT_12 = re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$")
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
#: Whole numbers as YAML 1.2 reads them: decimal without a leading zero, or hex. YAML 1.1's
#: other forms read ``010`` as 8 (octal), ``1:30`` as 90 (base 60) and ``0b101`` as 5: a count
#: typed so is left as text, which the schema refuses naming the key and the value.
_INT_12 = re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$|^0x[0-9a-fA-F_]+$")
#: A whole number written with leading zeros (``010``): YAML 1.2's core schema reads it as the
#: decimal number written (ten), YAML 1.1 as octal (8). Read as decimal by its own tag: left as
#: text, the army schema (which takes no number written as text) refused a number the user
#: had not quoted.
_DECIMAL = "tag:logistics,2026:decimal"
_LEADING_ZEROS = re.compile(r"^[-+]?0[0-9]+$")
#: Decimals, infinities and NaN as YAML 1.1 reads them, less its base-60 form (``1:30.5``).
_FLOAT_11 = re.compile(r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?"
                       r"|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
                       r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")


class _Rules:
    """The rules of both loaders: no timestamps, YAML 1.2 exponents, duplicate keys refused."""

    def construct_mapping(self, node, deep=False):  # noqa: D102 - PyYAML hook
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == _MERGE:
                    continue
                try:
                    key = self.construct_object(key_node, deep=True)
                    hash(key)
                except (TypeError, yaml.YAMLError):
                    continue  # reported by PyYAML itself (unhashable key)
                line = key_node.start_mark.line + 1
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None,
                        f"duplicate key {str(key)[:60]!r} (first at line {seen[key]}); a mapping "
                        "may give each key once: keep the one you mean",
                        key_node.start_mark)
                seen[key] = line
        return super().construct_mapping(node, deep=deep)

    def construct_decimal(self, node):  # noqa: D102 - PyYAML hook
        return int(self.construct_scalar(node), 10)

    def construct_yaml_timestamp(self, node):  # noqa: D102 - PyYAML hook
        # an explicit ``!!timestamp`` is text like every date (the schema parses dates);
        # PyYAML's own constructor fails with AttributeError on any text it cannot match
        return self.construct_scalar(node)

    def construct_object(self, node, deep=False):  # noqa: D102 - PyYAML hook
        # an explicit tag on a value it cannot hold (``!!bool maybe``, ``!!int ""``) fails in
        # PyYAML's constructors with KeyError or IndexError: one marked error instead (a
        # ValueError, as of a 5000-digit number, is worded by _parse)
        try:
            return super().construct_object(node, deep=deep)
        except (KeyError, IndexError, AttributeError, TypeError) as exc:
            tag = str(node.tag).replace("tag:yaml.org,2002:", "!!")
            shown = repr(node.value) if isinstance(node, yaml.ScalarNode) else "this value"
            if len(shown) > 60:
                shown = shown[:57] + "..."
            mark = node.start_mark
            tagged = mark.buffer is not None and mark.buffer[mark.index:].startswith("!")
            fix = "remove the tag or correct the value" if tagged else "correct the value"
            raise yaml.constructor.ConstructorError(
                None, None, f"{shown} cannot be read as {tag} ({type(exc).__name__}: "
                f"{str(exc)[:80]}): {fix}", mark) from None


class _Loader(_Rules, yaml.SafeLoader):
    """The pure-Python loader: its error messages name the offending character."""


class _FastLoader(_Rules, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The same rules on libyaml's parser (about 7x faster on the shipped configs); a file it
    refuses is read again by :class:`_Loader` for the wording of the error."""


for _cls in (_Loader, _FastLoader):
    _cls.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_TIMESTAMP, _INT, _FLOAT)]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    _cls.add_implicit_resolver(_INT, _INT_12, list("-+0123456789"))
    _cls.add_implicit_resolver(_FLOAT, _FLOAT_11, list("-+0123456789."))
    _cls.add_implicit_resolver(_FLOAT, _FLOAT_12, list("-+0123456789"))
    _cls.add_constructor(_TIMESTAMP, _Rules.construct_yaml_timestamp)
    _cls.add_implicit_resolver(_DECIMAL, _LEADING_ZEROS, list("-+0"))
    _cls.add_constructor(_DECIMAL, _Rules.construct_decimal)


def _measure(root: yaml.Node, source: str) -> None:
    """Expanded size and depth of a composed document; ConfigError beyond the limits."""
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    state: dict[int, int] = {}  # 1 = on the stack, 2 = done
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if isinstance(node, yaml.ScalarNode):
            size[key], depth[key], state[key] = 1, 0, 2
            continue
        kids = ([n for pair in node.value for n in pair] if isinstance(node, yaml.MappingNode)
                else list(node.value))
        if done:
            size[key] = 1 + sum(size[id(k)] for k in kids)
            depth[key] = 1 + max((depth[id(k)] for k in kids), default=0)
            state[key] = 2
            if size[key] > MAX_NODES:
                raise ConfigError(
                    f"{source}: line {node.start_mark.line + 1}: this part expands (through "
                    f"aliases *name) to more than {MAX_NODES:,} values; a config needs a few "
                    "thousand at most: remove the aliases that repeat other aliases")
            if depth[key] > MAX_DEPTH:
                raise ConfigError(f"{source}: line {node.start_mark.line + 1}: lists and mappings "
                                  f"nest more than {MAX_DEPTH} levels deep; flatten the file")
            continue
        if state.get(key) == 2:
            continue
        if state.get(key) == 1:
            raise ConfigError(f"{source}: line {node.start_mark.line + 1}: an alias refers to "
                              "the value that contains it (a loop); remove it")
        state[key] = 1
        stack.append((node, True))
        for k in kids:
            if state.get(id(k)) == 1:
                raise ConfigError(f"{source}: line {k.start_mark.line + 1}: an alias refers to "
                                  "the value that contains it (a loop); remove it")
            if state.get(id(k)) != 2:
                stack.append((k, False))


def load_yaml(path: str | Path, *, what: str = "config file") -> Any:
    """Parse one YAML document from ``path`` under the rules of this module."""
    from logistics._textfile import read_text

    p = Path(path)
    source = str(p)
    text = read_text(p, what=what, max_bytes=MAX_BYTES, error=ConfigError)
    try:
        return _parse(text, source, _FastLoader)
    except ConfigError as fast_error:
        _parse(text, source, _Loader)  # raises the same problem, in better words
        raise fast_error from None


#: The likeliest cause of a YAML error a newcomer meets, by the words of its problem: a text
#: value holding ": " (``name: 36th Army: main forces``) reads as a second mapping there; a
#: tab where YAML wants spaces (indenting with the Tab key).
_HINTS: dict[str, str] = {
    "mapping values are not allowed here":
        "a text holding ': ' (a colon and a space) must be quoted, as in "
        "name: \"36th Army: main forces\"",
    # a tab copied from an editor or a spreadsheet: YAML indents with spaces only
    "found character '\\t' that cannot start any token":
        "a tab: YAML indents with spaces only; replace the tab at this line by spaces",
}


def _hint(problem: str) -> str:
    """``" (likely: ...)"`` for a problem of :data:`_HINTS`, else nothing."""
    return "".join(f" (likely: {h})" for words, h in _HINTS.items() if words in problem)


def _parse(text: str, source: str, cls) -> Any:
    """One document of ``text`` read by the loader class ``cls``; ConfigError on any problem."""
    loader = None
    try:
        loader = cls(text)  # the reader refuses control characters already here
        node = loader.get_single_node()
        if node is None:
            return None
        _measure(node, source)
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        if not problem.startswith("duplicate key"):
            problem = f"not valid YAML: {problem}; fix the file there{_hint(problem)}"
        raise ConfigError(f"{source}: {where}{problem}") from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise ConfigError(f"{source}: line {line}: a control character ({exc.character:#04x}) "
                          "that YAML does not allow; remove it") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: not valid YAML: {str(exc)[:300]}") from None
    except RecursionError:
        raise ConfigError(f"{source}: lists and mappings nest too deeply; flatten the file") \
            from None
    except (ValueError, OverflowError) as exc:  # e.g. an integer of more than 4300 digits
        raise ConfigError(f"{source}: a value cannot be read as written: "
                          f"{str(exc).split(';')[0][:200]}; correct it") from None
    finally:
        if loader is not None:
            loader.dispose()


def refuse_non_finite(source: str | Path, data: Any, *, skip: tuple[str, ...] = ("uncertain",)
                      ) -> None:
    """ConfigError naming the first number of a read document (``data``, from ``source``) that
    is NaN or infinite (``.nan``, ``.inf``, ``1e400``), by its key path (list items by their
    index). For the figures no reader bounds (the informative ones a file keeps for its
    readers: a comparator, a fortified region's count of pillboxes): NaN or infinity is no
    figure, yet it was taken without a word. Top-level sections in ``skip`` are left to their
    own check (``uncertain:``'s ranges)."""
    stack: list[tuple[str, Any]] = [(str(k), v) for k, v in reversed(list(data.items()))
                                    if str(k) not in skip] if isinstance(data, dict) else []
    while stack:
        key, node = stack.pop()
        if isinstance(node, dict):
            stack.extend((f"{key}.{k}", v) for k, v in reversed(list(node.items())))
        elif isinstance(node, list):
            stack.extend((f"{key}.{i}", v) for i, v in reversed(list(enumerate(node))))
        elif isinstance(node, float) and not math.isfinite(node):
            raise ConfigError(f"{source}: {key}: {node!r} is not a finite number (NaN or "
                              "infinity is no figure, also where the file only informs its "
                              "readers); fix: write the number the source gives, or remove "
                              "the figure")
