"""The railway route factor: real track length over drawn (traced) length, one global number.

Part of the railway builder (``configs/network/build.py``), not of the ``logistics`` package.
Station positions are city centroids and the traced shapes (``_trace.py``) follow
a 1 km grid, so they miss the sub-kilometre curvature of the real lines and run short of the
documented chainage. The route factor (circuity) corrects that *globally*: it is fitted in the
open on every line whose chainage the reference prints and applied alike to every drawn line.

Data: for each line, its longest documented span between two located stations
(:func:`documented_spans`): the line length of ``lines-1945.yaml`` between its ``from``/``to``
stations when both are located, else the span between the first and last located stations
with a route-map km on its main way (R22: Chaoyangchuan-Longjing, km 18.6). Intermediate km
marks lie inside these spans; counting them again would weigh the same km twice.

Fit (:func:`fit_route_factor`): ``sum(documented km) / sum(traced km)``, the least-squares
slope of ``documented = factor * traced`` when a line's error variance grows with its length
(errors add up kilometre by kilometre), so a long line weighs more than a short one. Chosen
before looking at the result; no line is weighted or dropped by hand.

Validation (:func:`leave_one_line_out`): each line's length is predicted with the factor
fitted on all *other* lines, so no line checks itself.

Plausible range :data:`PLAUSIBLE_RANGE` = 1.0-1.25 is a modelling assumption (no source on
railway circuity is in /work/shared): a factor below 1 would mean the traced lines are longer
than the real ones, which the taut tracing rules out on the whole; one far above 1.25 would
mean the drawing misses a quarter of the track, i.e. a broken table or trace, not curvature.
"""

from __future__ import annotations

import math

import networkx as nx
import pandas as pd

from logistics.errors import DataError, UnknownNameError
from logistics.network.params import LineInfo

__all__ = [
    "PLAUSIBLE_RANGE",
    "documented_spans",
    "measure_spans",
    "fit_route_factor",
    "leave_one_line_out",
]

#: Range a global railway route factor must fall in (modelling assumption, see module doc).
PLAUSIBLE_RANGE: tuple[float, float] = (1.0, 1.25)

_SPAN_COLUMNS = ["line", "start", "end", "documented_km", "km_source"]


def documented_spans(table: pd.DataFrame, lines: dict[str, LineInfo]) -> pd.DataFrame:
    """One row per line with documented chainage between two located stations.

    Columns: ``line``, ``start``, ``end`` (station ``name`` of the table), ``documented_km``,
    ``km_source`` (where the figure is, with its citation). Lines with no such span are left
    out.
    """
    located = table.dropna(subset=["lat", "lon"])
    rows = []
    for ref, info in lines.items():
        mine = located[located["line"] == ref]
        names = set(mine["name"])
        if info.length_km and info.from_station in names and info.to_station in names:
            rows.append((ref, info.from_station, info.to_station, float(info.length_km),
                         "line length (lines-1945.yaml, cited there)"))
            continue
        marked = mine[(mine["way"] == "main")].dropna(subset=["km"]).sort_values("seq")
        if len(marked) >= 2:
            a, b = marked.iloc[0], marked.iloc[-1]
            rows.append((ref, a["name"], b["name"], float(b["km"] - a["km"]),
                         f"route-map km {a['km']:g} to {b['km']:g} (reference, {ref})"))
    return pd.DataFrame(rows, columns=_SPAN_COLUMNS)


def measure_spans(graph: nx.MultiDiGraph, spans: pd.DataFrame) -> pd.DataFrame:
    """``spans`` plus ``traced_km``: the drawn length between the two stations along the
    line's own edges (edge ``traced_length_m``, i.e. before any route factor)."""
    from logistics.network.stations import find_station

    traced = []
    for row in spans.itertuples(index=False):
        sub = graph.edge_subgraph([(u, v, k) for u, v, k, d in graph.edges(keys=True, data=True)
                                   if _has_ref(d.get("ref"), row.line)])
        try:
            u = find_station(sub, row.start).node
            v = find_station(sub, row.end).node
            metres = nx.shortest_path_length(sub, u, v, weight="traced_length_m")
        except (UnknownNameError, nx.NetworkXNoPath, nx.NodeNotFound) as exc:
            raise DataError(f"line {row.line}: cannot measure the drawn span {row.start}"
                            f" - {row.end} on the network ({exc}); rebuild it with "
                            "`python configs/network/build.py`") from None
        traced.append(metres / 1000.0)
    return spans.assign(traced_km=traced)


def fit_route_factor(spans: pd.DataFrame) -> float:
    """``sum(documented_km) / sum(traced_km)`` over ``spans`` (see the module doc for why)."""
    if len(spans) == 0:
        raise DataError("no documented span to fit the route factor on; expected at least one "
                        "line with documented km between two located stations")
    traced = float(spans["traced_km"].sum())
    documented = float(spans["documented_km"].sum())
    if not (math.isfinite(traced) and traced > 0 and math.isfinite(documented)):
        raise DataError(f"route factor: traced total {traced!r} km, documented total "
                        f"{documented!r} km; expected positive finite lengths")
    return documented / traced


def leave_one_line_out(spans: pd.DataFrame) -> pd.DataFrame:
    """Per line: the factor fitted without it and the length it predicts for that line.

    Adds ``factor_without``, ``predicted_km`` (= traced_km * factor_without) and
    ``predicted_over_documented`` to ``spans``. Needs at least two lines.
    """
    if spans["line"].nunique() < 2:
        raise DataError("leave-one-line-out needs spans on at least two lines, got "
                        f"{sorted(spans['line'].unique())}")
    factors = [fit_route_factor(spans[spans["line"] != line]) for line in spans["line"]]
    out = spans.assign(factor_without=factors)
    out["predicted_km"] = out["traced_km"] * out["factor_without"]
    out["predicted_over_documented"] = out["predicted_km"] / out["documented_km"]
    return out


def _has_ref(ref, line: str) -> bool:
    return line in ref if isinstance(ref, list) else ref == line
