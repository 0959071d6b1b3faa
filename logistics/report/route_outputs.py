"""A route's folder, as ``logistics route --out`` and ``logistics.route(..., out=)`` write it.

``write_route(route, out, network=..., overwrite=...)`` writes, atomically (the folder appears
complete or not at all; ``_atomic.atomic_dir``), ``route.geojson`` (the legs, RFC 7946),
``route.gpkg`` (the legs as lines and the transfers as points, EPSG:4326, styled),
``legs.csv``, ``map.png`` (the route on the base map) and the cost rasters
(:func:`cost_raster_names`: ``cost.tif``, the accumulated cross-country hours from the start,
a Cloud-Optimised GeoTIFF as r.cost or Distance Accumulation give; with places to pass
through one per section, ``cost-1.tif``, ``cost-2.tif`` ..., each from the section's start),
and returns the names of the files it wrote. The one writer of both doors.
"""

from __future__ import annotations

import json
from pathlib import Path

__all__ = ["write_route", "cost_raster_names", "write_cost_rasters", "ROUTE_FILES"]

#: The files of every route folder, before its cost rasters (:func:`cost_raster_names`).
ROUTE_FILES: tuple[str, ...] = ("route.geojson", "route.gpkg", "legs.csv", "map.png")


def cost_raster_names(sections: int) -> list[str]:
    """The cost rasters' file names: ``cost.tif`` for a route of one section, else
    ``cost-1.tif`` ... one per section."""
    return ["cost.tif"] if sections == 1 else [f"cost-{i}.tif" for i in range(1, sections + 1)]


def write_cost_rasters(route, folder) -> list[str]:
    """Write ``route.cost_hours`` (``route_multimodal(..., cost_surface=True)``) into
    ``folder`` as COGs (``report.rasters.write_cog``: hours, nodata where the vehicle cannot
    reach, the metric grid's CRS); return their names."""
    from logistics.report.rasters import write_cog

    names = cost_raster_names(len(route.cost_hours))
    for name, start, hours in zip(names, route.places, route.cost_hours):
        write_cog(hours, Path(folder) / name, units="h", description=hours.attrs["long_name"],
                  tags={"VEHICLE": route.vehicle, "FROM": start, "SEASON": route.season,
                        "MODE": route.mode})
    return names


def write_route(route, out: str | Path, *, network=None, overwrite: bool = False) -> list[str]:
    """Write the folder of ``route`` (a ``MultiRoute`` computed with ``cost_surface=True``)
    at ``out`` atomically; ``network`` (the graph it was routed on) draws its rail lines
    under the route on map.png. ``out`` must not exist, be empty, or (``overwrite``) be a
    folder this tool wrote: ``_atomic.atomic_dir``'s rule, an OutputError otherwise. Returns
    the names of the files written, in order."""
    from logistics._atomic import atomic_dir
    from logistics.report.gpkg import ROUTE_TIMESTAMP, route_layers, write_gpkg
    from logistics.report.references import portable_paths
    from logistics.report.route_map import route_map

    gj = route.to_geojson()  # a file is shared and moved: no path of this machine
    gj["route"] = {k: portable_paths(v) if isinstance(v, str) else v
                   for k, v in gj["route"].items()}
    with atomic_dir(Path(out), overwrite=overwrite) as tmp:
        (tmp / "route.geojson").write_text(json.dumps(gj, ensure_ascii=False),
                                           encoding="utf-8")
        write_gpkg(route_layers(route.frame()), tmp / "route.gpkg",
                   timestamp=ROUTE_TIMESTAMP, of="route")
        route.table().to_csv(tmp / "legs.csv", index=False)
        fig = route_map(route, network)
        fig.savefig(tmp / "map.png", dpi=110, bbox_inches="tight")
        rasters = write_cost_rasters(route, tmp)
    return [*ROUTE_FILES, *rasters]
