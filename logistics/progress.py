"""Progress of long steps: a redrawing bar on a terminal, plain lines in a log, nothing when off.

Every step that can take longer than a couple of seconds (loading terrain, solving, routing,
drawing, writing a run folder, a batch of runs, chunked tile solves) reports through
:func:`progress`. Where it goes depends on stderr at call time:

- a terminal: a tqdm bar that redraws in place;
- anything else (a log file, a pipe, CI): plain lines, each starting with ``progress: ``
  (:data:`PREFIX`; ``grep -v '^progress: '`` leaves the rest of a log) and ending in a
  newline, never a carriage return, and few of them: one per named step, one per tenth of a known total, at
  most one per ``interval_s`` seconds when the total is unknown, and one at the end;
- ``LOGISTICS_PROGRESS=0`` (``settings.PROGRESS``): nothing.

tqdm has no plain-line mode (off a terminal it still redraws with carriage returns, which a
log keeps as hundreds of lines glued together), hence the small line writer here.

>>> with progress(3, "route") as bar:  # doctest: +SKIP
...     bar.step("loading railways"); load(); bar.step("solving"); solve(); bar.step("map")
"""

from __future__ import annotations

import sys
import time
from typing import IO, Any

__all__ = ["progress", "LineProgress", "PREFIX"]

#: The start of every plain progress line (what tests and log readers filter on).
PREFIX = "progress: "


class LineProgress:
    """Plain-line progress for a stream that is not a terminal (see the module docstring).

    ``total`` is the number of units (None = unknown); ``desc`` starts every line.
    """

    def __init__(self, total: int | None, desc: str, *, unit: str = "step",
                 file: IO[str] | None = None, interval_s: float = 10.0) -> None:
        self.total = total
        self.desc = desc
        self.unit = unit
        self.file = file if file is not None else sys.stderr
        self.interval_s = interval_s
        self.n = 0
        self._t0 = time.perf_counter()
        self._last_line = self._t0
        self._tenth = 0
        self._steps = 0
        self._closed = False

    def _write(self, text: str) -> None:
        self._last_line = time.perf_counter()
        print(f"{PREFIX}{self.desc} {text}", file=self.file, flush=True)

    def _count(self) -> str:
        return f"{self.n}/{self.total}" if self.total else f"{self.n}"

    def step(self, label: str) -> None:
        """Start the named next step (one line: ``progress: desc [i/total] label``); the step before it
        counts as done."""
        self._steps += 1
        self.n = self._steps - 1
        self._write(f"[{self._steps}/{self.total}] {label}" if self.total else label)

    def set_postfix_str(self, text: str) -> None:
        """tqdm's spelling of :meth:`step` without counting (a label for what runs now)."""
        self._write(text)

    def update(self, n: int = 1) -> None:
        """Count ``n`` more units done; write a line at each tenth of the total (or, with no
        total, when ``interval_s`` has passed since the last line)."""
        self.n += n
        if self.total:
            tenth = min(10, (10 * self.n) // self.total)
            if tenth > self._tenth and self.n < self.total:
                self._tenth = tenth
                self._write(f"{self._count()} {self.unit}s ({100 * self.n // self.total} %)")
        elif time.perf_counter() - self._last_line >= self.interval_s:
            self._write(f"{self._count()} {self.unit}s")

    def close(self) -> None:
        """The closing line: units done and seconds taken (once)."""
        if self._closed:
            return
        self._closed = True
        if self._steps:
            self.n = self._steps
        self._write(f"{self._count()} {self.unit}s done in {time.perf_counter() - self._t0:.1f} s")

    def __enter__(self) -> LineProgress:
        return self

    def __exit__(self, exc_type: Any, *exc: Any) -> None:
        if exc_type is not None:  # the error line follows; "done" would be a lie
            self._closed = True
            return
        self.close()


class _TqdmProgress:
    """A tqdm bar with :meth:`step` (redraws in place; for a terminal)."""

    def __init__(self, total: int | None, desc: str, *, unit: str, file: IO[str]) -> None:
        from tqdm import tqdm

        self._bar = tqdm(total=total, desc=desc, unit=unit, leave=False, file=file,
                         dynamic_ncols=True)
        self._steps = 0

    def step(self, label: str) -> None:
        if self._steps:
            self._bar.update(1)
        self._steps += 1
        self._bar.set_postfix_str(label)

    def set_postfix_str(self, text: str) -> None:
        self._bar.set_postfix_str(text)

    def update(self, n: int = 1) -> None:
        self._bar.update(n)

    def close(self) -> None:
        if self._steps:
            self._bar.update(1)
            self._steps = 0
        self._bar.close()

    def __enter__(self) -> _TqdmProgress:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class _Silent:
    """No progress at all (``LOGISTICS_PROGRESS=0``, or a caller that asked for none)."""

    def step(self, label: str) -> None:
        pass

    def set_postfix_str(self, text: str) -> None:
        pass

    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass

    def __enter__(self) -> _Silent:
        return self

    def __exit__(self, *exc: Any) -> None:
        pass


def progress(total: int | None, desc: str, *, unit: str = "step", enabled: bool | None = None,
             file: IO[str] | None = None):
    """A progress reporter for ``total`` units (None = unknown) named ``desc``.

    The object has ``step(label)`` (start the next named step: for a short list of steps),
    ``update(n)`` (count units: for many), ``close()``, and is a context manager. ``enabled``
    None follows ``settings.PROGRESS``; ``file`` defaults to stderr, whose ``isatty()`` picks a
    redrawing bar or plain lines.
    """
    from logistics import settings

    if enabled is None:
        enabled = settings.PROGRESS
    if not enabled:
        return _Silent()
    stream = file if file is not None else sys.stderr
    isatty = getattr(stream, "isatty", None)
    if isatty is not None and isatty():
        return _TqdmProgress(total, desc, unit=unit, file=stream)
    return LineProgress(total, desc, unit=unit, file=stream)
