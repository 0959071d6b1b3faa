"""`logistics sample PLACE|LAT,LON`: print what the model knows at one point (LAT,LON:
latitude first; a negative one is read as a place, not an option).

Elevation (bilinear, native DEM), slope, gradient, roughness, terrain and river class of the
point's cell, the nearest river and the DEM source; then each vehicle's speed and fuel per km
there (``logistics.cost.physics.point_rates``; ``logistics.vehicle_rates`` in Python).
"""

from __future__ import annotations

import argparse
import json

from logistics.cli import resolution_m

__all__ = ["register"]

_UNITS = {
    "lon": "deg E",
    "lat": "deg N",
    "x_m": "m",
    "y_m": "m",
    "elevation_m": "m",
    "slope_deg": "deg",
    "dzdx": "m/m (+east)",
    "dzdy": "m/m (+north)",
    "roughness_m": "m",
    "nearest_river_km": "km",
    "resolution_m": "m",
}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "sample",
        help="print the terrain facts (and vehicle rates) at a place or LAT,LON",
        description=(
            "Print what the model knows at one point: elevation, slope, terrain class, nearest "
            "river, DEM source, and each vehicle's speed and fuel per km where available. "
            "PLACE is any campaign place name, 1945 or modern (e.g. Hsinking, 'Port Arthur'), "
            "or LAT,LON in decimal degrees, latitude first as maps print it (e.g. "
            "46.62,121.24); south and west are negative and are typed as they are "
            "(-46.62,121.24)."
        ),
    )
    p.add_argument("place", nargs="+", metavar="PLACE|LAT,LON",
                   help="place name or LAT,LON (latitude first)")
    p.add_argument("--dem", default="merged", choices=("merged", "etopo5"),
                   help="elevation model (default: merged 30\" grid)")
    p.add_argument("--resolution-m", type=resolution_m, default=None,
                   help="metric grid cell size for slope and classes (default 1000, or "
                        "LOGISTICS_RESOLUTION_M)")
    p.add_argument("--season", default="dry", choices=("dry", "wet"),
                   help="season for the vehicle rates (default: dry)")
    p.add_argument("--json", action="store_true", help="print the facts as one JSON object")
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from logistics import settings
    from logistics.cost.physics import check_vehicles, point_rates
    from logistics.progress import progress
    from logistics.terrain.layer_files import check_layer_files
    from logistics.terrain.sample import (check_point_fits, point_terrain, resolve_point,
                                          sample_point)

    if args.resolution_m is None:
        args.resolution_m = settings.DEFAULT_RESOLUTION_M
    query = " ".join(args.place)
    _, lon, lat, _ = resolve_point(query)
    check_vehicles()  # every vehicle file read and checked before the terrain: a bad one's
    # error came after the terrain was loaded (the bad-input corpus's `late`)
    check_layer_files(dem=args.dem)  # so did a damaged layer of the rasters folder
    check_point_fits(lon, lat, args.resolution_m)  # a grid beyond memory: before the work
    with progress(2, "sample") as bar:
        bar.step("terrain around the point")
        terrain = point_terrain(lon, lat, dem=args.dem, resolution_m=args.resolution_m)
        facts = sample_point(query, dem=args.dem, resolution_m=args.resolution_m,
                             terrain=terrain)
        bar.step("vehicle rates")
        rates = point_rates(terrain, lon, lat, season=args.season)  # logistics.vehicle_rates in Python
    if args.json:
        facts["vehicles"] = json.loads(rates.to_json(orient="records"))
        print(json.dumps(facts, ensure_ascii=False, indent=1))
        return 0
    width = max(len(k) for k in facts)
    for key, value in facts.items():
        print(f"{key:<{width}}  {_fmt(value)}{' ' + _UNITS[key] if key in _UNITS and value is not None else ''}")
    print()
    print(f"vehicle rates here ({args.season} season; speed km/h, fuel L/km):")
    print(rates.to_string(index=False, float_format=lambda v: f"{v:.2f}"))
    return 0


def _fmt(value) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.6f}" if abs(value) < 0.1 and value != 0 else f"{value:.2f}"
    return str(value)
