"""The house's colours, defined once: one per formation in the run's order (map.html, map.png,
advance.png, fuel.png and the QGIS styles) and one per track status (the bands of
advance.png, the categories of the QGIS styles).

Why a module: the QGIS layers were single-symbol while the maps keyed formations by colour; a
reader moving between map.html and QGIS now sees each formation and each status in one colour.
"""

from __future__ import annotations

__all__ = ["PALETTE", "STATUS_COLOURS", "formation_colour"]

#: One colour per formation / axis, in order (matplotlib's tab10, as in the PNG plots' ``C0``,
#: ``C1``, ...).
PALETTE: tuple[str, ...] = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
                            "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")

#: One colour per status of ``logistics.advance.simulate.STATUSES``: out of fuel red and in a
#: fortified region's depth purple as advance.png's bands have drawn them, waiting at a
#: depth's edge for the breach a light purple (held by the same depth, not in it); the others
#: chosen here (assumed: a reader's contrast only, no meaning beyond the legend).
STATUS_COLOURS: dict[str, str] = {
    "moving": "#2ca02c", "rest": "#7f7f7f", "halted: no fuel": "#d62728",
    "assault": "#9467bd", "waiting for a breach": "#c5b0d5", "detached": "#8c564b",
    "carried": "#17becf",
    "arrived": "#000000", "not started": "#c7c7c7",
}


def formation_colour(index: int) -> str:
    """The colour of the formation at ``index`` in the run's order (the palette repeats after
    ten)."""
    return PALETTE[index % len(PALETTE)]
