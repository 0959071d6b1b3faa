"""Write a comparison folder atomically: CSVs, figures and report.md, all or nothing.

Files: ``comparison.csv`` (one row per documented row), ``comparison.gpkg`` (the same as
GeoPackage layers, EPSG:4326: ``documented`` points with every field of the row, ``modeled``
points, the matched formation's position, and ``errors`` lines from one to the other; styled,
the styles also beside it as ``comparison.<layer>.qml``, with ``comparison.qgz``, a QGIS project
opening them), ``comparison.geojson`` (RFC 7946, one collection of points and lines: each
documented place, the matched formation's modeled position at the end of that day and the line
between them, for a web map or a script), ``summary.csv`` (per axis and ALL), ``problems.csv``
(problems of the documented file and those found while scoring: row, column, value, why),
``rates.csv`` (planned rates per class with basis and source), ``fuel_states.csv`` (documented
fuel states against the matched formation's modeled refills), ``draws.csv`` (Monte Carlo draws,
when sampled; ``note``: why a draw was made again), ``advance_<axis>.png``, ``map.png``, ``map.html``
(interactive, offline), ``fuel_<axis>.png`` (axes with documented
fuel states), ``report.md``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from logistics._atomic import atomic_dir
from logistics.history.fuel import dry_time_quantiles, fuel_verdict, load_fuel_states
from logistics.report.compare_page import fuel_markdown, report_markdown
from logistics.report.compare_plots import plot_advance, plot_fuel_states, plot_positions_map
from logistics.report.geojson import write_geojson
from logistics.report.web_map import comparison_map, write_map

__all__ = ["write_comparison", "comparison_layers", "comparison_geojson",
           "write_comparison_geojson", "write_comparison_gpkg", "COMPARISON_LAYERS"]


def _to_the_second(table: pd.DataFrame) -> pd.DataFrame:
    """The table with its times rounded to the second for the CSV (the model's hourly steps
    interpolated, and the Monte Carlo's quantiles through floats, carry nanoseconds no
    reader wants: '07:47:43.984289664')."""
    out = table.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.round("s")
    return out


def write_comparison(comp, out_dir: str | Path, *, map_resolution_m: float | None = None,
                     fuel_states: pd.DataFrame | None = None, draw_map: bool = True,
                     overwrite: bool = True) -> Path:
    """Write every output of ``comp`` (a ``compare.Comparison``) into ``out_dir`` atomically.

    ``map_resolution_m`` sets the base map's resolution (coarser is faster); ``draw_map=False``
    skips map.png, the static map over the rasters (e.g. where the shipped rasters are not
    installed); map.html, which needs no raster, is written either way. ``overwrite`` False
    (the command line without ``--overwrite``) keeps an output folder another process wrote
    while this one worked: an OutputError instead of replacing it.
    """
    folder = getattr(comp, "config_dir", None)  # the configs folder compare read
    states = fuel_states if fuel_states is not None else load_fuel_states(config_dir=folder)
    scored_states = getattr(comp, "fuel", None)
    out = Path(out_dir)
    with atomic_dir(out, overwrite=overwrite) as tmp:
        _to_the_second(comp.table).to_csv(tmp / "comparison.csv", index=False)
        comp.summary.to_csv(tmp / "summary.csv", index=False)
        write_comparison_geojson(comp.table, tmp / "comparison.geojson",
                                 utc_offset_h=_one_clock(comp))
        write_comparison_gpkg(comp.table, tmp / "comparison.gpkg", utc_offset_h=_one_clock(comp),
                              qml_dir=tmp)
        pd.concat([comp.inputs.documented.problems_frame(), comp.problems],
                  ignore_index=True).to_csv(tmp / "problems.csv", index=False)
        if scored_states is not None and len(scored_states):
            scored_states.to_csv(tmp / "fuel_states.csv", index=False)
        rates = next(iter(comp.axes.values())).rates if comp.axes else None
        pd.DataFrame([{"rate_class": r.name, "rate_km_per_day": r.rate_km_per_day, "basis": r.basis,
                       "source": r.source, "quote": r.quote, "reason": r.reason}
                      for r in (rates.rates.values() if rates else [])]).to_csv(tmp / "rates.csv", index=False)
        draws = [r.mc.draws().assign(axis_id=a) for a, r in comp.axes.items() if r.mc is not None]
        if draws:
            pd.concat(draws, ignore_index=True).to_csv(tmp / "draws.csv", index=False)
        files: dict[str, str] = {}
        for axis, res in comp.axes.items():
            name = f"advance_{_safe(axis)}.png"
            _save(plot_advance(res, comp.table[comp.table["axis_id"] == axis]), tmp / name)
            files[f"advance:{axis}"] = name
        if comp.axes:
            write_map(comparison_map(comp), tmp / "map.html")
        if draw_map and comp.axes:
            _save(plot_positions_map(comp, resolution_m=map_resolution_m), tmp / "map.png")
            files["map"] = "map.png"
        sections = []
        if scored_states is not None and len(scored_states):
            states = scored_states
        for axis, res in comp.axes.items():
            mine = states[states["axis_id"] == axis]
            if mine.empty:
                continue
            verdict = fuel_verdict(axis, res.trace)
            mc = dry_time_quantiles(res.mc.runs) if res.mc is not None else None
            scored = mine if "model_refills" in mine else None
            text = fuel_markdown(verdict, mine, mc=mc, place_name=_near(verdict), scored=scored)
            fig = plot_fuel_states(verdict, mine, res.trace)
            if fig is not None:
                name = f"fuel_{_safe(axis)}.png"
                _save(fig, tmp / name)
                text += f"\n![fuel {axis}]({name})\n"
            sections.append(text)
        from logistics.report.references import finish_page

        page = report_markdown(comp, files=files, fuel_sections=sections)
        (tmp / "report.md").write_text(finish_page(page, config_dir=folder),
                                       encoding="utf-8")  # refs, no /abs
    return out


#: comparison.csv's columns renamed in comparison.gpkg and comparison.geojson: ``row`` (the
#: documented file's row) is a reserved word of SQLite (``report.field_names``); the CSV keeps
#: its name for the scripts that read it.
GIS_NAMES: dict[str, str] = {"row": "documented_row"}

#: The fields of comparison.geojson's features and of comparison.gpkg's ``modeled`` and
#: ``errors`` layers: the row's key figures (the ``documented`` layer has every field).
KEY_FIELDS: tuple[str, ...] = (
    "documented_row", "axis_id", "date", "place_reached", "event", "matched_formation", "timing",
    "route_error_km", "modeled_arrival", "date_error_days", "date_censored", "km_error",
    "scorable", "note")

#: The time fields of comparison.csv (local times of the armies' clock): GeoPackage DATETIME
#: fields also when every value is missing (the Monte Carlo's quantiles without ``--samples``).
TIME_FIELDS: tuple[str, ...] = (
    "leave_time", "modeled_arrival", "baseline_route_arrival", "baseline_indep_arrival",
    "mc_arrival_p10", "mc_arrival_p50", "mc_arrival_p90")

#: comparison.gpkg's layers, bottom to top (``report.gpkg.GEOMETRY_TYPES`` their geometry).
COMPARISON_LAYERS: tuple[str, ...] = ("errors", "modeled", "documented")


def comparison_layers(table: pd.DataFrame) -> dict:
    """The comparison as three GeoDataFrames (EPSG:4326), one feature per row of ``table``
    that has the position: ``documented`` (a point at the row's ``lon, lat``, every field of
    the row), ``modeled`` (a point at ``modeled_lon, modeled_lat``, the matched formation's
    position at the end of the documented day; :data:`KEY_FIELDS`) and ``errors`` (the line
    from the documented point to the modeled one, rows with both; :data:`KEY_FIELDS`). Typed
    for a GIS: ``date`` a day, times datetimes to the second, flags booleans, figures numbers;
    ``row`` named ``documented_row`` (:data:`GIS_NAMES`)."""
    return {name: g for name, (g, _) in _layers(table).items()}


def _layers(table: pd.DataFrame) -> dict:
    """:func:`comparison_layers` with, for each layer, the positions in ``table`` of its
    features' rows (``{name: (GeoDataFrame, positions)}``)."""
    import geopandas as gpd
    import numpy as np
    from shapely.geometry import LineString, Point

    frame = _typed(table.reset_index(drop=True)).rename(columns=GIS_NAMES)

    def at(lon_col: str, lat_col: str) -> list:
        if lon_col not in frame or lat_col not in frame:
            return [None] * len(frame)
        lon = pd.to_numeric(frame[lon_col], errors="coerce")
        lat = pd.to_numeric(frame[lat_col], errors="coerce")
        return [None if pd.isna(x) or pd.isna(y) else Point(float(x), float(y))
                for x, y in zip(lon, lat)]

    doc, mod = at("lon", "lat"), at("modeled_lon", "modeled_lat")
    lines = [LineString([d, m]) if d is not None and m is not None else None
             for d, m in zip(doc, mod)]
    keep = [c for c in KEY_FIELDS if c in frame]

    def layer(geometry: list, columns: list[str]):
        rows = np.array([i for i, g in enumerate(geometry) if g is not None], dtype=int)
        gdf = gpd.GeoDataFrame(frame.iloc[rows][columns].reset_index(drop=True),
                               geometry=gpd.GeoSeries([geometry[i] for i in rows],
                                                      dtype="geometry"), crs="EPSG:4326")
        return gdf, rows

    return {"errors": layer(lines, keep), "modeled": layer(mod, keep),
            "documented": layer(doc, list(frame.columns))}


def _typed(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with its columns as a GIS field takes them: ``date`` a datetime (a GeoPackage
    DATE, ``run_layers.DATE_FIELDS``), :data:`TIME_FIELDS` datetimes, every datetime to the
    second, and an object column whose
    values are all booleans, all numbers or all times (missing values aside) as that type;
    anything else stays text."""
    import numbers

    import numpy as np

    out = table.copy()
    for c in ("date", *TIME_FIELDS):  # times even when none is known (no Monte Carlo draws)
        if c in out:
            out[c] = pd.to_datetime(out[c], errors="coerce")
    for c in out.columns:
        col = out[c]
        if col.dtype == object:
            values = [v for v in col if not (v is None or v is pd.NaT
                                             or (isinstance(v, float) and v != v))]
            if values and all(isinstance(v, (bool, np.bool_)) for v in values):
                out[c] = col.astype("boolean")
            elif values and all(isinstance(v, numbers.Number) for v in values):
                out[c] = pd.to_numeric(col, errors="coerce")
            elif values and all(isinstance(v, pd.Timestamp) for v in values):
                out[c] = pd.to_datetime(col)
        if pd.api.types.is_datetime64_any_dtype(out[c]):
            out[c] = out[c].dt.round("s")
    return out


def comparison_geojson(table: pd.DataFrame):
    """The comparison as one collection of features (EPSG:4326): per documented row with a
    place, its ``documented`` point, ``modeled`` point (the matched formation at the end of
    that day) and the ``error`` line between them (``feature``), row by row; each with
    :data:`KEY_FIELDS`. The features of :func:`comparison_layers`, a modeled point only beside
    its documented one."""
    import geopandas as gpd
    import numpy as np

    layers = _layers(table)
    placed = set(layers["documented"][1].tolist())
    parts = []
    for rank, (name, feature) in enumerate((("documented", "documented"),
                                            ("modeled", "modeled"), ("errors", "error"))):
        g, rows = layers[name]
        # a boolean mask even when the layer is empty: ``g[[]]`` selects no columns, not no rows
        mine = np.array([r in placed for r in rows], dtype=bool)
        parts.append(g[mine].drop(columns=[c for c in g.columns
                                           if c not in KEY_FIELDS and c != "geometry"])
                     .assign(feature=feature, _row=rows[mine], _rank=rank))
    frame = pd.concat(parts, ignore_index=True).sort_values(["_row", "_rank"], kind="stable")
    frame = frame.reset_index(drop=True).reindex(columns=[*KEY_FIELDS, "feature", "geometry"])
    for c in ("date_error_days", "km_error", "route_error_km"):
        frame[c] = pd.to_numeric(frame[c], errors="coerce")
    # a time, to the second (the model's nanoseconds are not precision), or null: never text
    frame["modeled_arrival"] = pd.to_datetime(frame["modeled_arrival"]).dt.round("s")
    frame["date_censored"] = frame["date_censored"].fillna(False).astype(bool)
    frame["scorable"] = frame["scorable"].fillna(False).astype(bool)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326")


def write_comparison_geojson(table: pd.DataFrame, path: str | Path, *,
                             utc_offset_h: float | None = None) -> Path:
    """``comparison.geojson``: :func:`comparison_geojson` of ``table`` as RFC 7946 GeoJSON
    (``report.geojson``); ``modeled_arrival`` an ISO 8601 local time or null, with the offset
    of the armies' clock ``utc_offset_h`` when given (``1945-08-13T04:03:26+10:00``)."""
    return write_geojson(comparison_geojson(table), path, utc_offset_h=utc_offset_h)


def write_comparison_gpkg(table: pd.DataFrame, path: str | Path, *,
                          utc_offset_h: float | None = None,
                          qml_dir: str | Path | None = None) -> Path:
    """``comparison.gpkg``: :func:`comparison_layers` of ``table`` written by the one
    GeoPackage writer (``report.gpkg.write_gpkg``: times as UTC DATETIME with ``<field>_local``
    on the armies' clock ``utc_offset_h`` beside them, ``date`` as DATE, each layer's QGIS
    style), and beside it, when ``qml_dir`` is given, the styles (``comparison.<layer>.qml``)
    and ``comparison.qgz``, a QGIS project opening the three layers (lon/lat; no raster)."""
    from logistics import settings
    from logistics.report.gpkg import GEOMETRY_TYPES, ROUTE_TIMESTAMP, write_gpkg
    from logistics.report.qgis import write_qgz

    path = Path(path)
    layers = comparison_layers(table)
    # a comparison has no "now" of its own: the fixed one, so the same table gives the same bytes
    write_gpkg(layers, path, timestamp=ROUTE_TIMESTAMP, qml_dir=qml_dir,
               utc_offset_h=utc_offset_h, formations=(), of="comparison")
    if qml_dir is not None:
        placed = [g for g in layers.values() if len(g)]
        box = (tuple(float(v) for v in pd.concat(placed).total_bounds) if placed
               else settings.THEATRE_BBOX)
        write_qgz(Path(qml_dir) / f"{path.stem}.qgz", gpkg=path.name, rasters={},
                  vectors={n: (GEOMETRY_TYPES[n], n) for n in COMPARISON_LAYERS
                           if len(layers[n])},  # as run.qgz: the layers with features
                  title="documented against modeled positions", extent=box)
    return path


def _one_clock(comp) -> float | None:
    """The armies' one ``utc_offset_h`` when every compared axis runs on the same clock (UTC+10
    on every shipped axis); None when they differ or one has none (times then without an
    offset, as before)."""
    from logistics.report.run_page import utc_offset_h

    offsets = {utc_offset_h(res.scenario) for res in comp.axes.values()}
    return offsets.pop() if len(offsets) == 1 else None


def _near(verdict) -> str | None:
    """The gazetteer's words for where the model first ran dry (``"38 km SE of Lubei"``)."""
    if not verdict.runs_dry:
        return None
    from logistics.runner import near_place

    return near_place(verdict.dry_lon, verdict.dry_lat)


def _save(fig, path: Path) -> None:
    fig.savefig(path, dpi=110, bbox_inches="tight")


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name)
