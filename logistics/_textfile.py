"""Read a user's text input file (config, CSV) whole: a regular UTF-8 file of bounded size.

One reader for every text input, so each refuses the same things with the same words: a
folder, a pipe or a device (reading a pipe would wait forever), a file larger than the caller's
limit, UTF-16 or other non-UTF-8 bytes (naming the line of the first bad byte) and NUL
characters, and a path whose name is not UTF-8 (it is written into UTF-8 outputs). A UTF-8
byte-order mark is allowed and dropped.
"""

from __future__ import annotations

import re
from pathlib import Path

from logistics.errors import LogisticsError

__all__ = ["read_text", "control_character"]

#: Control characters (Unicode category Cc) a config text may not hold: C0 less tab, line feed
#: and carriage return, DEL, and C1 (U+0080-U+009F: YAML lets U+0085 NEL through as written,
#: and a double-quoted "\x9b" is a terminal's escape; no font draws them: a warning on stderr).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_character(text: str) -> str | None:
    """The first control character of ``text`` (tab and line ends allowed), or None."""
    found = _CONTROL.search(text)
    return found.group() if found else None


def label_problem(text: str) -> str | None:
    """What keeps ``text`` from being one visible line (a name: a summary line, a legend entry,
    a heading), or None: a line end or an invisible format character (Unicode Cf: U+202E showed
    a name reversed, U+200B hid in it; breaker37). Control characters are
    :func:`control_character`'s."""
    import unicodedata

    odd = next((c for c in text if c in "\n\r" or unicodedata.category(c) == "Cf"), None)
    return None if odd is None else f"{odd!r} (a line end or an invisible format character)"


def read_text(path: str | Path, *, what: str, max_bytes: int,
              error: type[LogisticsError]) -> str:
    """The text of ``path``; ``error`` (a project exception type) names the file and the fix."""
    p = Path(path)
    try:
        str(p).encode("utf-8")
    except UnicodeEncodeError:  # bytes not UTF-8 in the name, kept by Python as surrogates
        raise error(f"{what} {str(p)!r}: its path holds bytes that are not UTF-8 text (a name "
                    "written under another encoding); the path is written into the outputs "
                    "(report.md, the GIS layers), which are UTF-8: rename the file or folder "
                    "with UTF-8 (or plain ASCII) letters") from None
    try:
        if not p.is_file():
            kind = ("a folder" if p.is_dir() else
                    "not a regular file (a pipe or a device?)" if p.exists() else "missing")
            raise error(f"{what} {str(p)!r} is {kind}; give the path of a file")
        size = p.stat().st_size
        if size > max_bytes:
            article = "an" if str(what)[:1].lower() in "aeiou" else "a"
            raise error(f"{p}: {size:,} bytes is too large for {article} {what} (at most "
                        f"{max_bytes:,}); is it the right file?")
        raw = p.read_bytes()
    except OSError as exc:
        raise error(f"cannot read {what} {str(p)!r}: {exc.strerror or exc}") from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise error(f"{p}: the file is UTF-16 text; save it as UTF-8")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise error(f"{p}: not UTF-8 text (byte {raw[exc.start]:#04x} at line {line}); save the "
                    "file as UTF-8") from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise error(f"{p}: line {line}: a NUL character; this is not a text file")
    return text
