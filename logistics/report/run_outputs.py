"""Writers of a run folder: the army's tables as CSV, route.geojson, daily.geojson, cost.tif, plots,
report.md.

``write_run(result, folder)`` writes everything into a temporary sibling and swaps it into
place (``logistics._atomic.atomic_dir``), so a failed run never leaves a half-written folder.
Files are deterministic: the same run gives byte-identical files (no timestamps inside).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from logistics._atomic import atomic_dir

__all__ = ["write_run", "route_geojson", "daily_geojson", "RUN_FILES"]

#: Files of every run folder, in the order they are written.
RUN_FILES: tuple[str, ...] = (
    "route.geojson", "daily.csv", "daily.geojson", "track.csv", "deliveries.csv", "cost.tif",
    "map.png", "advance.png", "fuel.png", "report.md", "formations.csv", "tracks.csv",
    "routes.csv", "army_daily.csv", "crossings.csv",
)


def _round(v, nd: int = 6):
    if isinstance(v, (float, np.floating)):
        return None if not np.isfinite(v) else round(float(v), nd)
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (pd.Timestamp,)):
        return v.isoformat()
    return v


def _dump(obj: dict) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=False, default=str) + "\n"


def route_geojson(result) -> dict:
    """The planned route as a LineString plus its waypoints and highest point (GeoJSON dict)."""
    rp = result.route_points
    coords = [[_round(x), _round(y)] for x, y in zip(rp["lon"], rp["lat"])]
    sc = result.scenario
    features = [{
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": coords},
        "properties": {
            "axis_id": sc.axis_id, "name": sc.name, "formation_id": result.headline,
            "lead": _pace_vehicle(result),
            "length_km": _round(float(rp["cum_km"].iloc[-1]), 3),
        },
    }]
    for name, lon, lat in result.provenance.get("waypoints", []):
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [_round(lon), _round(lat)]},
            "properties": {"kind": "waypoint", "name": name},
        })
    hi = result.summary.get("highest")
    if hi:
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [_round(hi["lon"]), _round(hi["lat"])]},
            "properties": {"kind": "highest point", "elev_m": _round(hi["elev_m"], 1),
                           "cum_km": _round(hi["cum_km"], 3)},
        })
    return {"type": "FeatureCollection", "features": features}


def _pace_vehicle(result) -> str:
    """The headline formation's pace vehicle (the class its route was planned for)."""
    f = result.formations
    row = f[f["formation_id"] == result.headline]
    return str(row["pace_vehicle"].iloc[0]) if len(row) else ""


def daily_geojson(result) -> dict:
    """One Point per formation per day (position at the end of the day) with the daily table's
    columns."""
    features = []
    for rec in result.daily.to_dict("records"):
        props = {k: _round(v) for k, v in rec.items() if k not in ("lon", "lat")}
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point",
                         "coordinates": [_round(rec["lon"]), _round(rec["lat"])]},
            "properties": props,
        })
    return {"type": "FeatureCollection", "features": features}


def _write_tif(da, path: Path) -> None:
    da.rio.to_raster(path, driver="GTiff", compress="DEFLATE", tiled=True)


def _documented_rows(axis_id: str):
    """The shipped documented positions of an axis (None when there are none or the file
    cannot be read): drawn on the run's map."""
    from logistics.errors import LogisticsError
    from logistics.history.documented import load_documented
    from logistics.history.inputs import default_documented_path

    try:
        t = load_documented(default_documented_path()).table
    except LogisticsError:
        return None
    mine = t[(t["axis_id"] == axis_id) & t["usable"]]
    return mine if len(mine) else None


def write_run(result, folder: str | Path, *, basemap: bool = True) -> Path:
    """Write every file of a run into ``folder`` atomically; return the folder. The map shows
    the axis's documented positions (``configs/history/documented-advances.csv``) when there
    are any."""
    from logistics.report.run_plots import plot_advance, plot_fuel, plot_map
    from logistics.report.run_page import run_report

    folder = Path(folder)
    with atomic_dir(folder) as tmp:
        (tmp / "route.geojson").write_text(_dump(route_geojson(result)), encoding="utf-8")
        result.daily.to_csv(tmp / "daily.csv", index=False, float_format="%.6f")
        (tmp / "daily.geojson").write_text(_dump(daily_geojson(result)), encoding="utf-8")
        result.track.to_csv(tmp / "track.csv", index=False, float_format="%.6f")
        result.deliveries.to_csv(tmp / "deliveries.csv", index=False, float_format="%.3f")
        formations = result.formations.assign(
            aliases=result.formations["aliases"].map(lambda a: "; ".join(a)))
        formations.to_csv(tmp / "formations.csv", index=False, float_format="%.6f")
        result.tracks.to_csv(tmp / "tracks.csv", index=False, float_format="%.6f")
        result.routes.to_csv(tmp / "routes.csv", index=False, float_format="%.6f")
        result.army_daily.to_csv(tmp / "army_daily.csv", index=False, float_format="%.3f")
        result.crossings.to_csv(tmp / "crossings.csv", index=False, float_format="%.6f")
        if result.cost_hours is not None:
            _write_tif(result.cost_hours, tmp / "cost.tif")
        plot_map(result, tmp / "map.png", basemap=basemap,
                 documented=_documented_rows(result.scenario.axis_id))
        plot_advance(result, tmp / "advance.png")
        plot_fuel(result, tmp / "fuel.png")
        (tmp / "report.md").write_text(run_report(result), encoding="utf-8")
    return folder
