"""Write a comparison folder atomically: CSVs, figures and report.md, all or nothing.

Files: ``comparison.csv`` (one row per documented row), ``comparison.geojson`` (RFC 7946; each
documented place, the matched formation's modeled position at the end of that day and the line
between them; EPSG:4326, opens in QGIS), ``summary.csv`` (per axis and ALL), ``problems.csv``
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

__all__ = ["write_comparison", "comparison_geojson", "write_comparison_geojson"]


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


def comparison_geojson(table: pd.DataFrame):
    """The comparison as features (EPSG:4326): per documented row with a place, a ``documented``
    point, a ``modeled`` point (the matched formation at the end of that day) and the ``error``
    line between them; each feature carries the row's key figures."""
    import geopandas as gpd
    from shapely.geometry import LineString, Point

    keep = ["row", "axis_id", "date", "place_reached", "event", "matched_formation", "timing",
            "route_error_km", "modeled_arrival", "date_error_days", "date_censored", "km_error",
            "scorable", "note"]
    feats = []
    for r in table.to_dict("records"):
        if pd.isna(r.get("lat")) or pd.isna(r.get("lon")):
            continue
        attrs = {k: r.get(k) for k in keep}
        doc = Point(float(r["lon"]), float(r["lat"]))
        feats.append({**attrs, "feature": "documented", "geometry": doc})
        mlon, mlat = r.get("modeled_lon"), r.get("modeled_lat")
        if mlon is None or mlat is None or pd.isna(mlon) or pd.isna(mlat):
            continue
        mod = Point(float(mlon), float(mlat))
        feats.append({**attrs, "feature": "modeled", "geometry": mod})
        feats.append({**attrs, "feature": "error", "geometry": LineString([doc, mod])})
    cols = keep + ["feature", "geometry"]
    frame = pd.DataFrame(feats, columns=cols)
    for c in ("date_error_days", "km_error", "route_error_km"):
        frame[c] = pd.to_numeric(frame[c], errors="coerce")
    # a time, to the second (the model's nanoseconds are not precision), or null: never text
    frame["modeled_arrival"] = pd.to_datetime(frame["modeled_arrival"]).dt.round("s")
    frame["date_censored"] = frame["date_censored"].astype(bool)
    frame["scorable"] = frame["scorable"].astype(bool)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326")


def write_comparison_geojson(table: pd.DataFrame, path: str | Path, *,
                             utc_offset_h: float | None = None) -> Path:
    """``comparison.geojson``: :func:`comparison_geojson` of ``table`` as RFC 7946 GeoJSON
    (``report.geojson``); ``modeled_arrival`` an ISO 8601 local time or null, with the offset
    of the armies' clock ``utc_offset_h`` when given (``1945-08-13T04:03:26+10:00``)."""
    return write_geojson(comparison_geojson(table), path, utc_offset_h=utc_offset_h)


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
