"""Objective areas shared out among the formations given them: each keeps its own lane.

An army file may give an objective as an area (``any_of``: the front plan's "the Lubei-Tuquan
area"). A formation alone takes the option its route reaches first. Several formations given
the same area from different starts share it out by their place along the departure line,
left to left: the line's ``n`` distinct starts (ordered along the line from its first point to
its last, in the metric CRS) and the area's ``m`` options (ordered the same way) each cover an
equal share of the line, and a formation may take only the options whose share overlaps its
start's (then the one its route reaches first). With two options and three starts the outer
starts get one each and the middle one either.

Named assumption (``configs/armies/README.md``, "Objective areas"): corps attack in their own
zones (a corps' zone of advance, "полоса наступления") and do not cross one another's axes; no
source gives the 6th Guards Tank Army's corps' zones, so their order along the line stands in.
Range: from this rule to every formation taking the option it reaches first (the rule before
it, which sent all three corps through one place).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from logistics.army.resolve import ObjectiveSpec, ResolvedFormation

__all__ = ["share_objective_areas"]


def _along(points: list[tuple[float, float]], axis: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Positions (m) of lon/lat ``points`` along ``axis`` (origin, unit vector) in the metric CRS."""
    from logistics.terrain import to_metric

    lon = np.array([p[0] for p in points], dtype=np.float64)
    lat = np.array([p[1] for p in points], dtype=np.float64)
    x, y = to_metric(lon, lat)
    origin, unit = axis
    return (np.column_stack([x, y]) - origin) @ unit


def _lane_options(lane: int, n_lanes: int, n_options: int) -> list[int]:
    """Indices of the options whose equal share of the line overlaps lane ``lane``'s."""
    lo, hi = lane / n_lanes, (lane + 1) / n_lanes
    return [j for j in range(n_options)
            if min(hi, (j + 1) / n_options) - max(lo, j / n_options) > 1e-9]


def share_objective_areas(units: tuple[ResolvedFormation, ...],
                          departure: list[tuple[float, float]],
                          notes: list[str] | None = None) -> tuple[ResolvedFormation, ...]:
    """``units`` with each shared objective area narrowed to the options of the formation's
    lane (see the module docstring); unchanged when the line is one point, when the
    formations given an area start from one place, or when an area has one option."""
    if len(departure) < 2:
        return units
    from logistics.terrain import to_metric

    x0, y0 = (float(v) for v in to_metric(*departure[0]))
    x1, y1 = (float(v) for v in to_metric(*departure[-1]))
    vec = np.array([x1 - x0, y1 - y0])
    if not np.hypot(*vec) > 0:
        return units
    axis = (np.array([x0, y0]), vec / np.hypot(*vec))
    areas: dict[tuple, list[ResolvedFormation]] = {}
    for u in units:
        for ob in u.objectives:
            if len(ob.options) > 1:
                areas.setdefault(ob.options, []).append(u)
    narrowed: dict[str, dict[tuple, tuple]] = {}
    for options, given in areas.items():
        starts = sorted({(u.start_lon, u.start_lat) for u in given},
                        key=lambda p: float(_along([p], axis)[0]))
        if len(starts) < 2:
            continue
        order = np.argsort(_along([(o[1], o[2]) for o in options], axis), kind="stable")
        ranked = [options[int(i)] for i in order]
        for u in given:
            lane = starts.index((u.start_lon, u.start_lat))
            keep = tuple(ranked[j] for j in _lane_options(lane, len(starts), len(ranked)))
            if len(keep) < len(options):
                narrowed.setdefault(u.id, {})[options] = keep
                if notes is not None:
                    notes.append(f"{u.id}: objective area {' / '.join(o[0] for o in options)} "
                                 f"shared out along the departure line (lane {lane + 1} of "
                                 f"{len(starts)}): {' / '.join(o[0] for o in keep)}")
    if not narrowed:
        return units
    out = []
    for u in units:
        if u.id not in narrowed:
            out.append(u)
            continue
        obs = tuple(ObjectiveSpec(ob.name, narrowed[u.id].get(ob.options, ob.options),
                                  ob.radius_km) for ob in u.objectives)
        out.append(dataclasses.replace(u, objectives=obs))
    return tuple(out)
