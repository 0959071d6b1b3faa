"""Writers of a run folder: the army's tables as CSV, GeoJSON, COGs, GeoPackage with styles, QGIS
project, maps, plots, report.

``write_run(result, folder)`` writes everything into a temporary sibling and swaps it into
place (``logistics._atomic.atomic_dir``), so a failed run never leaves a half-written folder.
Files are deterministic: the same run gives byte-identical files (no timestamps inside).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from logistics._atomic import atomic_dir
from logistics.report.geojson import write_geojson
from logistics.report.gpkg import GEOMETRY_TYPES

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["write_run", "write_table", "route_frame", "RUN_FILES"]

#: Files of every run folder, in the order they are written (``run.<layer>.qml`` beside the
#: GeoPackage: one per layer of ``report.run_layers.LAYERS`` and of
#: ``report.context_layers.CONTEXT_LAYERS``).
RUN_FILES: tuple[str, ...] = (
    "route.geojson", "daily.csv", "daily.geojson", "track.csv", "deliveries.csv", "cost.tif",
    "terrain.tif", "run.gpkg", "run.qgz", "map.html", "map.png", "advance.png", "fuel.png",
    "report.md", "formations.csv", "tracks.csv", "routes.csv", "army_daily.csv", "crossings.csv",
    "arrivals.csv",
)


def route_frame(result, layers: dict | None = None):
    """The planned route(s) as LineStrings plus the waypoints and the highest point, as one
    GeoDataFrame in EPSG:4326 (``kind``: route, waypoint, highest point)."""
    import geopandas as gpd
    from shapely.geometry import Point

    from logistics.report.run_layers import LONLAT_CRS, run_layers

    routes = (layers or run_layers(result))["routes"]
    sc = result.scenario
    rows = [{"kind": "route", "axis_id": sc.axis_id, "name": r.name or sc.name,
             "formation_id": r.formation_id, "length_km": round(float(r.length_km), 3),
             "geometry": r.geometry} for r in routes.itertuples()]
    for name, lon, lat in result.provenance.get("waypoints", []):
        rows.append({"kind": "waypoint", "name": name, "geometry": Point(lon, lat)})
    hi = result.summary.get("highest")
    if hi:
        rows.append({"kind": "highest point", "elev_m": round(float(hi["elev_m"]), 1),
                     "length_km": None, "name": f"highest point, km {hi['cum_km']:.0f}",
                     "geometry": Point(hi["lon"], hi["lat"])})
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=LONLAT_CRS)


def write_table(frame, path: str | Path, *, float_format: str) -> Path:
    """Write ``frame`` as a run table: UTF-8 CSV, no index, floats in ``float_format``, times
    ``YYYY-MM-DD HH:MM:SS`` rounded to the second (the model's microseconds are not precision,
    and QGIS's delimited-text reader takes whole seconds as datetimes), missing values empty."""
    import pandas as pd

    out = frame.copy()
    for c in out.columns:
        col = out[c]
        if col.dtype == object and len(col.dropna()) and all(
                isinstance(v, pd.Timestamp) for v in col.dropna()):
            col = pd.to_datetime(col)
        if pd.api.types.is_datetime64_any_dtype(col):
            out[c] = col.dt.round("s")
    out.to_csv(path, index=False, float_format=float_format, encoding="utf-8")
    return Path(path)


def _terrain_elevation(result):
    """Elevation (m) of the run's area on its grid, for the hillshade of the QGIS project and
    the interactive map: the run's own (``result.elevation_m``), else the terrain box the run
    used loaded again, else the route's box padded 0.6 deg."""
    from logistics.report.run_layers import run_config_dir
    from logistics.terrain import load_terrain

    if getattr(result, "elevation_m", None) is not None:
        return result.elevation_m
    box = getattr(result, "terrain_box", None)
    if box is None:
        rp = result.route_points
        pad = 0.6
        box = (float(rp["lon"].min()) - pad, float(rp["lat"].min()) - pad,
               float(rp["lon"].max()) + pad, float(rp["lat"].max()) + pad)
    prov = result.provenance
    terrain = load_terrain(box, resolution_m=prov.get("resolution_m"),
                           dem=prov.get("dem", "merged"), config_dir=run_config_dir(result))
    return terrain["elevation_m"]


def _documented_rows(axis_id: str, positions: pd.DataFrame | None = None):
    """The usable documented ``positions`` (default: the configs tree's) of an axis, None when
    there are none: drawn on the run's map."""
    if positions is None:
        from logistics.history.inputs import configured_documented

        positions = configured_documented().usable
    mine = positions[positions["axis_id"] == axis_id]
    return mine if len(mine) else None


def write_run(result, folder: str | Path, *, basemap: bool = True, documented=None,
              overwrite: bool = True) -> Path:
    """Write every file of a run into ``folder`` atomically; return the folder. The map shows
    the axis's documented positions when there are any: ``documented`` (a
    :class:`~logistics.history.documented.Documented`), by default the one of the configs
    folder the run read (``history.inputs.configured_documented`` of
    ``result.scenario.config_dir``; the command line reads it before the runs). The fortified
    regions, 1945 railways, land cover and bibliography drawn and cited are that folder's
    too. ``overwrite`` False (the command line without ``--overwrite``) keeps an output folder
    another process wrote while this one worked: an OutputError instead of replacing it."""
    from logistics.arrivals import run_arrivals
    from logistics.report.run_plots import plot_advance, plot_fuel, plot_map
    from logistics.report.references import finish_page
    from logistics.report.run_page import run_report, utc_offset_h

    from logistics.report.gpkg import write_gpkg
    from logistics.report.qgis import write_qgz
    from logistics.report.rasters import write_cog
    from logistics.report.run_layers import formation_order, run_config_dir, run_layers
    from logistics.report.web_map import run_map, write_map

    from logistics.history.inputs import configured_documented

    from logistics.report.context_layers import CONTEXT_LAYERS, context_layers

    folder = Path(folder)
    config_dir = run_config_dir(result)
    positions = (documented if documented is not None
                 else configured_documented(config_dir)).usable
    layers = run_layers(result, documented=positions)
    stamp = _stamp(result)
    box = tuple(float(v) for v in layers["routes"].total_bounds) if len(layers["routes"]) \
        else tuple(float(v) for v in layers["track"].total_bounds)
    # the theatre's fortified regions and 1945 railways round the run (1 degree beyond its
    # routes and its documented positions, which map.png also frames): context for a GIS
    # user, under the run's own layers
    seen = box
    if len(layers["documented"]):
        d = layers["documented"].total_bounds
        seen = (min(box[0], d[0]), min(box[1], d[1]), max(box[2], d[2]), max(box[3], d[3]))
    gis = {**context_layers((seen[0] - 1.0, seen[1] - 1.0, seen[2] + 1.0, seen[3] + 1.0),
                            config_dir=config_dir), **layers}
    with atomic_dir(folder, overwrite=overwrite) as tmp:
        write_geojson(route_frame(result, layers), tmp / "route.geojson")
        write_table(result.daily, tmp / "daily.csv", float_format="%.6f")
        write_geojson(layers["daily"], tmp / "daily.geojson",
                      utc_offset_h=utc_offset_h(result.scenario))
        write_table(result.track, tmp / "track.csv", float_format="%.6f")
        write_table(result.deliveries, tmp / "deliveries.csv", float_format="%.3f")
        formations = result.formations.assign(
            aliases=result.formations["aliases"].map(lambda a: "; ".join(a)))
        write_table(formations, tmp / "formations.csv", float_format="%.6f")
        write_table(result.tracks, tmp / "tracks.csv", float_format="%.6f")
        write_table(result.routes, tmp / "routes.csv", float_format="%.6f")
        write_table(result.army_daily, tmp / "army_daily.csv", float_format="%.3f")
        write_table(result.crossings, tmp / "crossings.csv", float_format="%.6f")
        write_table(run_arrivals(result), tmp / "arrivals.csv", float_format="%.3f")
        rasters = {}
        if result.cost_hours is not None:
            write_cog(result.cost_hours, tmp / "cost.tif", units="h",
                      description=result.cost_hours.attrs.get(
                          "long_name", "accumulated travel time"),
                      tags={"AXIS_ID": result.scenario.axis_id})
            rasters["cost.tif"] = ("gray", "accumulated time (h)")
        elevation = _terrain_elevation(result)
        write_cog(elevation, tmp / "terrain.tif", units="m",
                  description="elevation above sea level (the run's DEM on its grid)",
                  tags={"DEM": str(result.provenance.get("dem", ""))})
        rasters["terrain.tif"] = ("hillshade", "terrain (hillshade)")
        clock = utc_offset_h(result.scenario)
        write_gpkg(gis, tmp / "run.gpkg", timestamp=stamp, qml_dir=tmp, utc_offset_h=clock)
        write_qgz(tmp / "run.qgz", gpkg="run.gpkg", rasters=rasters,
                  # the layers with features: an empty one in the tree is clutter a user
                  # zooms to in vain (run.gpkg keeps it, with its fields, for appending)
                  vectors={n: (GEOMETRY_TYPES[n], n.replace("_", " ")) for n in gis
                           if len(gis[n])},
                  formations=formation_order(layers), local_clock=clock is not None,
                  title=f"{result.scenario.axis_id}: {result.scenario.name}", extent=box)
        write_map(run_map(result, layers, elevation=elevation), tmp / "map.html")
        plot_map(result, tmp / "map.png", basemap=basemap,
                 documented=_documented_rows(result.scenario.axis_id, positions),
                 context={k: gis[k] for k in CONTEXT_LAYERS})
        plot_advance(result, tmp / "advance.png")
        plot_fuel(result, tmp / "fuel.png")
        (tmp / "report.md").write_text(finish_page(run_report(result),
                                                   config_dir=config_dir),
                                       encoding="utf-8")
    return folder


def _stamp(result) -> str:
    """The run's first track time in UTC as ``YYYY-MM-DDTHH:MM:SS``: the fixed "now" of the
    GeoPackage (a timestamp from the run, so the same run gives the same bytes; the track's
    local clock less the army's ``utc_offset_h``, as the GeoPackage stores UTC)."""
    import pandas as pd

    from logistics.report.run_page import utc_offset_h

    t = result.track["time"]
    first = pd.Timestamp(t.iloc[0]) if len(t) else pd.Timestamp("1945-08-09")
    offset = utc_offset_h(result.scenario)
    return (first - pd.Timedelta(hours=offset or 0.0)).strftime("%Y-%m-%dT%H:%M:%S")
