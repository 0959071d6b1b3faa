"""Digitise the 1945 railways: station table -> ``configs/network/railways-1945.osm``.

Run ``python configs/network/build.py`` (``--straight`` skips the tracing, for a quick
look); this module is its logic. The builder is not part of the ``logistics`` package: it runs
once to make the shipped file (as ``rasters/build.py`` makes the rasters), and the package only
reads its output. Its modules import each other by file name (this folder on ``sys.path``). Input: ``configs/network/stations-1945.csv`` (the reference's station lists, one row per
station per way, transcribed with their coordinates, sources, documented km and marks) and
``lines-1945.yaml`` (line facts). Output: the OSM XML file, a generated report
``railways-1945-report.md`` (drawn lengths against documented ones, skipped stations) and a map
``railways-1945.png`` on the project's base map.

Every way carries the railway route factor (real track length / drawn length), fitted on the
lines with documented chainage (``_route_factor.py`` beside this file, a ratio of sums) and
checked line by line with the factor fitted on the other lines; the report lists both.

Rules, in order:

* a station without coordinates is skipped, except a *junction* (its key is on another way)
  with a documented km between two located stations with documented km on the same way: it is
  placed at that chainage fraction along the traced segment (``coord_source=derived``);
* a way with fewer than two drawable stations is not drawn (its stations are listed);
* consecutive stations are joined by ``_trace.trace_segment`` (the rail
  cost rule over the DEM; ``--straight`` joins them by chords instead);
* a station on several ways is one node; a segment shared by two ways is traced once and its
  shape nodes are shared, as in OSM;
* the file is deterministic (no timestamps), so a rebuild shows as no diff;
* the route factor is fitted on the drawn file itself (written once without it and loaded, so
  the lengths fitted on are exactly the ones the loader measures) and written on every way as
  ``route_factor``; the loader sets edge ``length_m`` = drawn length x factor.
"""

from __future__ import annotations

import os
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from pyproj import Geod

from logistics import settings
from logistics._atomic import atomic_path
from logistics.errors import ConfigError
from logistics.geodesy import polyline_m
from logistics.network.params import LineInfo, TracingParams, load_lines, load_params

__all__ = ["read_station_table", "Digitised", "digitise", "write_osm", "fit_drawn",
           "report_markdown", "route_factor_note", "sensitivity_table"]

_GEOD = Geod(ellps="WGS84")
_COLUMNS = ("line", "way", "seq", "key", "name", "name_1945", "name_1945_zh", "name_ja",
            "old_name", "lat", "lon", "coord_source", "km", "unverified", "note")
_STATION_ID0 = 1
_SHAPE_ID0 = 1_000_001
_WAY_ID0 = 1001
_SHAPE_NOTE = ("shape points traced by configs/network/build.py: least-cost path of the rail "
               "grade rule over the 30-arc-second DEM (configs/network/network.yaml, tracing); "
               "a modelling assumption, not a survey of the 1945 alignment")
_STRAIGHT_NOTE = "straight chords between station centroids (build.py --straight)"

Segmenter = Callable[[tuple[float, float], tuple[float, float]], list[tuple[float, float]]]


def read_station_table(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """The station table (CSV with ``#`` comments), checked: one ConfigError lists problems.

    Checks the columns, that every located row has lat/lon in the theatre and that all rows of
    one ``key`` agree on coordinates (a station shared by lines is one point).
    """
    path = Path(path) if path is not None else settings.CONFIG_DIR / "network" / "stations-1945.csv"
    if not path.is_file():
        raise ConfigError(f"station table {path} does not exist")
    table = pd.read_csv(path, comment="#", dtype={"line": str, "way": str, "key": str},
                        keep_default_na=False, na_values={"lat": [""], "lon": [""], "km": [""]})
    missing = [c for c in _COLUMNS if c not in table.columns]
    if missing:
        raise ConfigError(f"{path}: missing column(s) {missing}; expected {list(_COLUMNS)}")
    problems = []
    w, s, e, n = settings.THEATRE_BBOX
    for i, row in table.iterrows():
        line_no = f"row {i + 1} ({row['line']} {row['key']})"
        has_lat, has_lon = pd.notna(row["lat"]), pd.notna(row["lon"])
        if has_lat != has_lon:
            problems.append(f"{line_no}: give both lat and lon or neither")
        elif has_lat and not (s <= row["lat"] <= n and w <= row["lon"] <= e):
            problems.append(f"{line_no}: lat/lon {row['lat']}, {row['lon']} outside the theatre "
                            f"{settings.THEATRE_BBOX}")
        if row["unverified"] not in ("yes", "no"):
            problems.append(f"{line_no}: unverified={row['unverified']!r}, expected yes or no")
    located = table.dropna(subset=["lat", "lon"])
    for key, rows in located.groupby("key"):
        if rows[["lat", "lon"]].drop_duplicates().shape[0] > 1:
            problems.append(f"station {key!r} has different coordinates on different rows: "
                            f"{sorted(set(zip(rows['lat'], rows['lon'])))}")
    if problems:
        raise ConfigError(f"{path}: {len(problems)} problem(s):\n  " + "\n  ".join(problems))
    return table


@dataclass
class Digitised:
    """The drawn network before it is written: stations, ways and what was left out."""

    stations: dict[str, dict] = field(default_factory=dict)  # key -> tags + lon/lat
    ways: list[dict] = field(default_factory=list)  # line, way, keys, shapes, tags
    skipped: list[tuple[str, str, str]] = field(default_factory=list)  # (line, station, why)
    derived: list[tuple[str, str, str]] = field(default_factory=list)  # (line, station, how)
    straight: bool = False


def digitise(
    table: pd.DataFrame,
    lines: dict[str, LineInfo],
    *,
    segment: Segmenter | None = None,
) -> Digitised:
    """Plan and shape every way of ``table``; ``segment(a, b)`` draws one station-to-station
    piece (default: straight chords)."""
    out = Digitised(straight=segment is None)
    segment = segment or (lambda a, b: [a, b])
    shapes: dict[tuple[str, str], list[tuple[float, float]]] = {}
    coords = {k: (float(r["lon"]), float(r["lat"]))
              for k, r in table.dropna(subset=["lat", "lon"]).groupby("key").first().iterrows()}
    ways_of_key = table.groupby("key")["line"].agg(lambda s: set(s))

    def shape(a: str, b: str) -> list[tuple[float, float]]:
        if (a, b) not in shapes:
            if (b, a) in shapes:
                return shapes[(b, a)][::-1]
            shapes[(a, b)] = segment(coords[a], coords[b])
        return shapes[(a, b)]

    for (line, way), rows in table.groupby(["line", "way"], sort=False):
        rows = rows.sort_values("seq")
        if way == "isolated":
            for _, r in rows.iterrows():
                out.skipped.append((line, r["name"], "no documented line through it with "
                                    "located stations to draw"))
            continue
        keys = _drawable(rows, ways_of_key, out, line)
        if len(keys) < 2:
            for k in keys:
                out.skipped.append((line, rows.set_index("key").loc[k, "name"],
                                    "the only located station of its way: no line to draw"))
            continue
        pieces = []
        for a, b in zip(keys, keys[1:]):
            pieces.append(_piece(a, b, rows, coords, shape, shapes, out, line))
        info = lines.get(line)
        if info is None:
            raise ConfigError(f"line {line!r} of the station table has no entry in "
                              "lines-1945.yaml; add its name, source and unverified mark")
        out.ways.append({"line": line, "way": way, "keys": keys, "pieces": pieces,
                         "tags": _way_tags(info, way, out.straight)})
        for k in keys:
            out.stations.setdefault(k, {"lonlat": coords[k], "rows": []})
            out.stations[k]["rows"].append(rows.set_index("key").loc[k])
    return out


def _drawable(rows: pd.DataFrame, ways_of_key, out: Digitised, line: str) -> list[str]:
    """Keys of the way's stations that can be drawn (located, or derivable junctions)."""
    keys = []
    recs = rows.to_dict("records")
    for i, r in enumerate(recs):
        if pd.notna(r["lat"]):
            keys.append(r["key"])
            continue
        before = [p for p in recs[:i] if pd.notna(p["lat"]) and pd.notna(p["km"])]
        after = [p for p in recs[i + 1:] if pd.notna(p["lat"]) and pd.notna(p["km"])]
        junction = len(ways_of_key.get(r["key"], ())) > 1
        if junction and pd.notna(r["km"]) and before and after:
            keys.append(r["key"])
        elif junction and r["key"] in {k for w in out.ways for k in w["keys"]}:
            keys.append(r["key"])  # placed already, by another way
        else:
            out.skipped.append((line, r["name"], "not located in the reference"
                                + (f" (documented km {r['km']:g})" if pd.notna(r["km"]) else "")))
    return keys


def _piece(a, b, rows, coords, shape, shapes, out, line) -> list[tuple[float, float]]:
    """The shape from station a to b, placing a derivable junction on the way if needed."""
    if a in coords and b in coords:
        return shape(a, b)
    recs = rows.set_index("key")
    missing = a if a not in coords else b
    seq = rows["key"].tolist()
    i = seq.index(missing)
    prev = next(k for k in reversed(seq[:i]) if k in coords and pd.notna(recs.loc[k, "km"]))
    nxt = next(k for k in seq[i + 1:] if k in coords and pd.notna(recs.loc[k, "km"]))
    whole = shape(prev, nxt)
    frac = (recs.loc[missing, "km"] - recs.loc[prev, "km"]) / (
        recs.loc[nxt, "km"] - recs.loc[prev, "km"])
    first, second, point = _split(whole, float(frac))
    coords[missing] = point
    shapes[(prev, missing)], shapes[(missing, nxt)] = first, second
    out.derived.append((line, recs.loc[missing, "name"],
                        f"placed at km {recs.loc[missing, 'km']:g} between {prev} "
                        f"(km {recs.loc[prev, 'km']:g}) and {nxt} (km {recs.loc[nxt, 'km']:g}), "
                        f"fraction {frac:.3f} along the drawn segment"))
    return shape(a, b)


def _split(pts, frac: float):
    """Split a lon/lat polyline at ``frac`` of its geodesic length: (first, second, point)."""
    lon = np.array([p[0] for p in pts])
    lat = np.array([p[1] for p in pts])
    seg = np.array(_GEOD.inv(lon[:-1], lat[:-1], lon[1:], lat[1:])[2], ndmin=1)
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    target = frac * cum[-1]
    j = int(np.searchsorted(cum, target, side="right") - 1)
    j = min(max(j, 0), len(seg) - 1)
    t = (target - cum[j]) / seg[j] if seg[j] > 0 else 0.0
    point = (round(float(lon[j] + t * (lon[j + 1] - lon[j])), 5),
             round(float(lat[j] + t * (lat[j + 1] - lat[j])), 5))
    return [*pts[: j + 1], point], [point, *pts[j + 1:]], point


def _way_tags(info: LineInfo, way: str, straight: bool) -> dict[str, str]:
    extra = info.ways.get(way, {})
    tags = {
        "railway": "rail",
        "name": info.name if way == "main" else f"{info.name}: {way}",
        "ref": info.ref,
        "source": info.source,
        "note": " ".join(t for t in (info.notes, extra.get("notes", "")) if t),
        "source:geometry": _STRAIGHT_NOTE if straight else _SHAPE_NOTE,
    }
    gauge = extra.get("gauge_mm", info.gauge_mm)
    if gauge:
        tags["gauge"] = str(int(gauge))
    if info.unverified or extra.get("unverified"):
        tags["unverified"] = "yes"
    return {k: v for k, v in tags.items() if v}


def _station_tags(rows: list[pd.Series]) -> dict[str, str]:
    first = rows[0]
    located = [r for r in rows if r["coord_source"] != "not located"]
    coord_source = located[0]["coord_source"] if located else "derived from documented km"
    tags = {"railway": "station", "name": first["name"], "name:1945": first["name_1945"],
            "name:1945:zh": first["name_1945_zh"], "name:ja": first["name_ja"],
            "old_name": first["old_name"],
            "coord_source": coord_source}
    if all(r["unverified"] == "yes" for r in rows):
        tags["unverified"] = "yes"
    notes = list(dict.fromkeys(str(r["note"]) for r in rows if r["note"]))
    if notes:
        tags["note"] = "; ".join(notes)
    return {k: str(v) for k, v in tags.items() if v}


def write_osm(net: Digitised, path: str | os.PathLike[str], *,
              route_factor: float | None = None, factor_note: str = "") -> None:
    """Write ``net`` as OSM XML (atomically); node and way ids are stable across rebuilds.

    ``route_factor`` (rounded to 4 decimals) is tagged on every way; ``factor_note`` (its
    provenance) goes into the header comment.
    """
    root = ET.Element("osm", {"version": "0.6", "generator": "configs/network/build.py"})
    root.append(ET.Comment(
        " Railways of Manchuria, August 1945, digitised from railways-1945.md (see "
        "configs/network/README.md and railways-1945-report.md). Regenerate with "
        "`python configs/network/build.py`; do not edit by hand. "
        + (f"route_factor={route_factor:.4f} on every way: {factor_note} "
           if route_factor is not None else "")))
    ids = {k: _STATION_ID0 + i for i, k in enumerate(net.stations)}
    shape_ids: dict[tuple[float, float], int] = {}
    nodes = [ET.Element("node", {"id": str(ids[k]), "lat": _fmt(s["lonlat"][1]),
                                 "lon": _fmt(s["lonlat"][0])}) for k, s in net.stations.items()]
    for el, (k, s) in zip(nodes, net.stations.items()):
        for tk, tv in _station_tags(s["rows"]).items():
            ET.SubElement(el, "tag", {"k": tk, "v": tv})
    station_at = {tuple(s["lonlat"]): ids[k] for k, s in net.stations.items()}
    ways = []
    for n, way in enumerate(net.ways):
        refs = [ids[way["keys"][0]]]
        for piece, key in zip(way["pieces"], way["keys"][1:]):
            for pt in piece[1:-1]:
                pt = (round(pt[0], 5), round(pt[1], 5))
                if pt not in shape_ids and pt not in station_at:
                    shape_ids[pt] = _SHAPE_ID0 + len(shape_ids)
                    nodes.append(ET.Element("node", {"id": str(shape_ids[pt]),
                                                     "lat": _fmt(pt[1]), "lon": _fmt(pt[0])}))
                refs.append(station_at.get(pt) or shape_ids[pt])
            refs.append(ids[key])
        el = ET.Element("way", {"id": str(_WAY_ID0 + n)})
        for ref in _dedupe(refs):
            ET.SubElement(el, "nd", {"ref": str(ref)})
        tags = dict(way["tags"])
        if route_factor is not None:
            tags["route_factor"] = f"{route_factor:.4f}"
        for tk, tv in tags.items():
            ET.SubElement(el, "tag", {"k": tk, "v": tv})
        ways.append(el)
    root.extend(nodes + ways)
    ET.indent(root, space="  ")
    with atomic_path(path) as tmp:
        ET.ElementTree(root).write(tmp, encoding="utf-8", xml_declaration=True)
        with open(tmp, "a", encoding="utf-8") as fh:
            fh.write("\n")


def _fmt(deg: float) -> str:
    return f"{deg:.5f}"


def _dedupe(refs: list[int]) -> list[int]:
    return [r for i, r in enumerate(refs) if i == 0 or r != refs[i - 1]]


def polyline_km(pts: Sequence[tuple[float, float]]) -> float:
    """Geodesic length (km) of a lon/lat polyline."""
    return polyline_m([p[0] for p in pts], [p[1] for p in pts]) / 1000.0


def fit_drawn(net: Digitised, table: pd.DataFrame,
              lines: dict[str, LineInfo]) -> tuple[float, pd.DataFrame]:
    """(route factor fitted on all documented spans, leave-one-line-out table) for ``net``.

    The spans are measured on ``net`` written without a factor and loaded back, i.e. on the
    very edge lengths (``traced_length_m``) a user of the written file gets.
    """
    import tempfile

    from logistics.network.osm import load_network
    from _route_factor import (
        documented_spans,
        fit_route_factor,
        leave_one_line_out,
        measure_spans,
    )

    with tempfile.TemporaryDirectory() as folder:
        raw = Path(folder) / "drawn.osm"
        write_osm(net, raw)
        spans = measure_spans(load_network(raw, road=False), documented_spans(table, lines))
    return fit_route_factor(spans), leave_one_line_out(spans)


def route_factor_note(cv: pd.DataFrame) -> str:
    return ("real track length / drawn length, fitted as sum(documented km) / sum(drawn km) "
            f"over the documented spans of {', '.join(cv['line'])} "
            "(configs/network/_route_factor.py; the leave-one-line-out check is in "
            "railways-1945-report.md). Edge length_m = drawn length x route_factor; the loader "
            "keeps the drawn length as traced_length_m")


def line_lengths(net: Digitised, lines: dict[str, LineInfo]) -> dict[str, tuple]:
    """Per drawn line: (from key, to key, chord km, drawn km) between its ``from``/``to``
    stations (lines-1945.yaml) along its own ways; km are None when an end is not drawn."""
    import networkx as nx

    by_name = {s["rows"][0]["name"]: k for k, s in net.stations.items()}
    out = {}
    for ref in dict.fromkeys(w["line"] for w in net.ways):
        graph = nx.Graph()
        for way in (w for w in net.ways if w["line"] == ref):
            for (a, b), piece in zip(zip(way["keys"], way["keys"][1:]), way["pieces"]):
                chord = polyline_km([net.stations[a]["lonlat"], net.stations[b]["lonlat"]])
                graph.add_edge(a, b, chord=chord, drawn=polyline_km(piece))
        info = lines[ref]
        start, end = by_name.get(info.from_station), by_name.get(info.to_station)
        if start in graph and end in graph:
            path = nx.shortest_path(graph, start, end, weight="drawn")
            edges = [graph.edges[a, b] for a, b in zip(path, path[1:])]
            out[ref] = (start, end, sum(e["chord"] for e in edges), sum(e["drawn"] for e in edges))
        else:
            out[ref] = (start or info.from_station, end or info.to_station, None, None)
    return out


def report_markdown(net: Digitised, table: pd.DataFrame, lines: dict[str, LineInfo],
                    tracing: TracingParams | None, *,
                    fit: tuple[float, pd.DataFrame] | None = None) -> str:
    """The generated report: drawn vs documented lengths, the route factor and its
    leave-one-line-out check (``fit``, from :func:`fit_drawn`), km checks, skipped and
    derived stations."""
    out = ["# railways-1945.osm: what was drawn (generated by "
           "`python configs/network/build.py`; do not edit)", ""]
    if net.straight or tracing is None:
        out += ["Geometry: straight chords between station centroids (`--straight`).", ""]
    else:
        out += [f"Geometry: {_SHAPE_NOTE}. Rule: grade limit {tracing.grade_limit:g}, impossible "
                f"beyond {tracing.grade_max:g}, penalty {tracing.penalty_per_grade_limit:g} flat "
                f"metres per further grade limit, water x{tracing.water_factor:g}, "
                f"{tracing.resolution_m:g} m grid, {tracing.stencil} neighbours, then pulled "
                "taut where a straight line stays within the grade limit on land.", ""]
    if fit is not None:
        out += _factor_section(*fit)
    out += ["## Line lengths", "",
            "Along each line's own ways, from the station its documented length starts at to "
            "the one it ends at (`from`/`to` of lines-1945.yaml). Documented lengths are modern "
            "chainage unless the source says otherwise (reference).", "",
            "| line | from | to | chord km | drawn km | documented km | drawn / documented |",
            "|---|---|---|---:|---:|---:|---:|"]
    for ref, (start, end, chord, drawn) in line_lengths(net, lines).items():
        doc = lines[ref].length_km
        if drawn is None:
            out.append(f"| {ref} | {start} | {end} | an end is not drawn | | "
                       f"{doc if doc else ''} | |")
            continue
        ratio = f"{drawn / doc:.3f}" if doc else ""
        out.append(f"| {ref} | {start} | {end} | {chord:.1f} | {drawn:.1f} | "
                   f"{doc if doc else ''} | {ratio} |")
    out += ["",
            "## Sections with documented km at both ends", "",
            "| line | from | to | documented km | drawn km | drawn / documented |",
            "|---|---|---|---:|---:|---:|"]
    for way in net.ways:
        rows = table[(table["line"] == way["line"]) & (table["way"] == way["way"])].set_index("key")
        keyed = [(i, k) for i, k in enumerate(way["keys"]) if pd.notna(rows.loc[k, "km"])]
        for (i, a), (j, b) in zip(keyed, keyed[1:]):
            doc = float(rows.loc[b, "km"] - rows.loc[a, "km"])
            drawn = sum(polyline_km(p) for p in way["pieces"][i:j])
            out.append(f"| {way['line']} | {a} | {b} | {doc:.1f} | {drawn:.1f} | "
                       f"{drawn / doc:.3f} |")
    out += ["", "## Stations not drawn", "", "| line | station | why |", "|---|---|---|"]
    out += [f"| {line} | {name} | {why} |" for line, name, why in net.skipped]
    out += ["", "## Stations placed by documented chainage", "", "| line | station | how |",
            "|---|---|---|"]
    out += [f"| {line} | {name} | {how} |" for line, name, how in net.derived]
    return "\n".join(out) + "\n"


def _factor_section(factor: float, cv: pd.DataFrame) -> list[str]:
    from _route_factor import PLAUSIBLE_RANGE

    lo, hi = PLAUSIBLE_RANGE
    inside = "inside" if lo <= round(factor, 4) <= hi else "OUTSIDE"
    err = (cv["predicted_over_documented"] - 1.0).abs()
    out = ["## Route factor", "",
           f"Every way carries `route_factor={factor:.4f}`: real track length / drawn length, "
           "one number for the whole network, fitted as sum(documented km) / sum(drawn km) over "
           f"the {len(cv)} lines below (`configs/network/_route_factor.py`; each line's longest "
           "documented span between two located stations). The loaded graph's edge `length_m` "
           "(and `length`, which routing uses) is the drawn length times the factor; "
           "`traced_length_m` keeps the drawn length. Documented lengths are never written on "
           f"an edge. Plausible range (modelling assumption): {lo:.2f}-{hi:.2f}: {inside}.", "",
           "Leave-one-line-out check: each line's length predicted with the factor fitted on "
           "the other lines only.", "",
           "| line | from | to | documented km | documented as | drawn km | drawn / documented "
           "| factor without the line | predicted km | predicted / documented |",
           "|---|---|---|---:|---|---:|---:|---:|---:|---:|"]
    for r in cv.itertuples(index=False):
        out.append(f"| {r.line} | {r.start} | {r.end} | {r.documented_km:g} | {r.km_source} | "
                   f"{r.traced_km:.1f} | {r.traced_km / r.documented_km:.3f} | "
                   f"{r.factor_without:.4f} | {r.predicted_km:.1f} | "
                   f"{r.predicted_over_documented:.3f} |")
    out += ["", f"Within 5 % of the documented length: {int((err <= 0.05).sum())} of {len(cv)} "
            f"lines (mean absolute error {100 * err.mean():.1f} %, worst {100 * err.max():.1f} "
            f"%, {cv.loc[err.idxmax(), 'line']}). Factors fitted without one line range "
            f"{cv['factor_without'].min():.4f}-{cv['factor_without'].max():.4f}.", ""]
    return out


#: Tracing rules the sensitivity table compares with the configured one (field -> value).
SENSITIVITY_VARIANTS: dict[str, dict] = {
    "grade limit 1.0 %": {"grade_limit": 0.010},
    "grade limit 2.0 %": {"grade_limit": 0.020},
    "500 m grid": {"resolution_m": 500.0},
}


def sensitivity_table(table: pd.DataFrame, lines: dict[str, LineInfo],
                      tracing: TracingParams) -> str:
    """Markdown table: drawn / documented length per line under each tracing variant, the
    route factor fitted under it and how many lines its leave-one-line-out check puts within
    5 % of their documented length."""
    import dataclasses

    from _trace import trace_segment

    variants = {"configured": {}, **SENSITIVITY_VARIANTS}
    refs = [r for r, info in lines.items() if info.length_km]
    ratios, fits = {}, {}
    for name, change in variants.items():
        rule = dataclasses.replace(tracing, **change)
        net = digitise(table, lines, segment=lambda a, b, rule=rule: trace_segment(a, b, rule))
        lengths = line_lengths(net, lines)
        ratios[name] = {r: lengths[r][3] / lines[r].length_km for r in refs
                        if r in lengths and lengths[r][3]}
        factor, cv = fit_drawn(net, table, lines)
        within = int(((cv["predicted_over_documented"] - 1.0).abs() <= 0.05).sum())
        fits[name] = f"{factor:.4f} | {within} of {len(cv)}"
    shown = [r for r in refs if r in ratios["configured"]]
    out = ["| tracing rule | " + " | ".join(shown) + " | route factor | leave-one-out within 5 % |",
           "|---|" + "---:|" * (len(shown) + 2)]
    for name, row in ratios.items():
        out.append(f"| {name} | " + " | ".join(f"{row[r]:.3f}" for r in shown)
                   + f" | {fits[name]} |")
    return "\n".join(out)
