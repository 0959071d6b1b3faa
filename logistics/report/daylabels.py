"""Which end-of-day date labels a run map prints, and where, so that none overlap.

Two pure steps on plain numbers (no matplotlib):

* :func:`day_spans` groups consecutive days whose end-of-day positions stay within a radius of
  the first day of the group into one label ("14-20 Aug"): a halted or creeping column would
  otherwise stack one label per day on the same spot.
* :func:`place_labels` gives each label the first of a few fixed offsets around its anchor at
  which its box overlaps neither an obstacle nor a label already placed, or None (the label is
  left out) when every offset collides.

Positions, sizes and offsets are in one unit of the caller's choice (the map uses typographic
points, so the rule does not depend on the output dpi).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from logistics.errors import DataError

__all__ = ["DaySpan", "day_spans", "span_text", "place_labels", "LABEL_OFFSETS"]

#: Candidate label positions, tried in order: (side, dy). ``side`` +1 puts the label's left edge
#: ``gap`` right of the anchor, -1 its right edge ``gap`` left of it; ``dy`` moves the label's
#: bottom edge, in multiples of the label height, from the anchor (0 = the anchor on the baseline
#: line, -1 = just below it). Right of the point first, as the map always did.
LABEL_OFFSETS: tuple[tuple[int, float], ...] = (
    (1, 0.0), (1, -1.0), (-1, 0.0), (-1, -1.0),
    (1, 1.0), (1, -2.0), (-1, 1.0), (-1, -2.0),
    (1, 2.0), (1, -3.0), (-1, 2.0), (-1, -3.0),
)


@dataclass(frozen=True)
class DaySpan:
    """Days ``first..last`` (row indices, inclusive) shown by one label ``text`` at ``anchor``
    (the middle day of the span, so the label sits beside the cluster of its points)."""

    first: int
    last: int
    anchor: int
    text: str


def span_text(first_date, last_date) -> str:
    """'09 Aug' for one day, '14-20 Aug' within a month, '30 Jul-02 Aug' across months."""
    a, b = pd.Timestamp(first_date), pd.Timestamp(last_date)
    if a == b:
        return a.strftime("%d %b")
    if (a.year, a.month) == (b.year, b.month):
        return f"{a.strftime('%d')}-{b.strftime('%d %b')}"
    return f"{a.strftime('%d %b')}-{b.strftime('%d %b')}"


def day_spans(x, y, dates: Sequence, *, radius: float) -> list[DaySpan]:
    """Group consecutive days at (nearly) the same spot into labelled spans.

    ``x``, ``y``: end-of-day positions, one per day in date order (any one length unit);
    ``radius``: in that unit. A day joins the current span while its position lies within
    ``radius`` of the span's *first* day (measured from the first day, not the previous one, so
    a slow creep still starts a new label once it has moved a label's room away).
    """
    xs, ys = np.asarray(x, float), np.asarray(y, float)
    if xs.shape != ys.shape or xs.ndim != 1 or len(dates) != xs.size:
        raise DataError(f"day_spans expects x, y and dates of one length; got {xs.shape}, "
                        f"{ys.shape} and {len(dates)}: pass one end-of-day row per day")
    if not np.isfinite(radius) or radius < 0:
        raise DataError(f"day_spans radius must be a finite length >= 0; got {radius!r}")
    spans: list[DaySpan] = []
    start = 0
    for i in range(1, xs.size + 1):
        if i < xs.size and np.hypot(xs[i] - xs[start], ys[i] - ys[start]) <= radius:
            continue
        last = i - 1
        spans.append(DaySpan(start, last, (start + last) // 2, span_text(dates[start], dates[last])))
        start = i
    return spans if xs.size else []


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def place_labels(anchors, sizes, obstacles=(), *, gap: float = 4.0,
                 offsets: Sequence[tuple[int, float]] = LABEL_OFFSETS) -> list[tuple[float, float] | None]:
    """Offset of each label's lower-left corner from its anchor, or None if it is left out.

    ``anchors``: (n, 2) x, y; ``sizes``: (n, 2) width, height; ``obstacles``: boxes
    ``(x0, y0, x1, y1)`` to keep clear (place names, the legend, the plotted points). Labels
    are placed in order, so an earlier one keeps its place and a later one moves or goes.
    """
    anchors, sizes = np.asarray(anchors, float).reshape(-1, 2), np.asarray(sizes, float).reshape(-1, 2)
    if len(anchors) != len(sizes):
        raise DataError(f"place_labels expects one size per anchor; got {len(anchors)} anchors "
                        f"and {len(sizes)} sizes")
    taken = [tuple(map(float, b)) for b in obstacles]
    out: list[tuple[float, float] | None] = []
    for (ax_, ay), (w, h) in zip(anchors, sizes):
        chosen = None
        for side, dy in offsets:
            ox = gap if side > 0 else -gap - w
            oy = dy * h
            box = (ax_ + ox, ay + oy, ax_ + ox + w, ay + oy + h)
            if not any(_overlaps(box, t) for t in taken):
                chosen = (float(ox), float(oy))
                taken.append(box)
                break
        out.append(chosen)
    return out
