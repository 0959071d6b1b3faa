"""`logistics route`: the fastest route between places by rail, road, cross-country or any mix.

Prints every leg (mode, from, to, km, hours, litres of the vehicle's own fuel) and the totals;
with ``--out DIR`` also writes ``route.geojson``, ``route.gpkg`` (the legs as lines and the
transfers as points, EPSG:4326, styled), ``legs.csv``, ``map.png`` (the route on the
base map) and ``cost.tif`` (the accumulated cross-country hours from the start, a
Cloud-Optimised GeoTIFF as r.cost or Distance Accumulation give; with ``--via`` one per
section, ``cost-1.tif``, ``cost-2.tif`` ..., each from the section's start) atomically: the
folder appears complete or not at all.
"""

from __future__ import annotations

import argparse
import json

from logistics.cli import add_overwrite, path_text, resolution_m, warn_coarse

__all__ = ["register"]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "route",
        help="fastest route by rail, road, cross-country or any mix (legs, km, h, L)",
        description=(
            "Fastest route between places for a vehicle, by rail (the 1945 network), road, "
            "cross-country (the cost engine on the real terrain) or any mix. PLACE is a campaign "
            "place name, 1945 or modern (e.g. Hsinking, 'Port Arthur'), or LAT,LON in decimal "
            "degrees, latitude first as maps print it (e.g. 46.62,121.24; south and west are "
            "negative and are typed as they are: --from -46.62,121.24). Times and "
            "entraining rules: configs/network/network.yaml. The hours are one vehicle's, "
            "driving without halt or rest off the railway (a formation's column and march day "
            "are `logistics run`'s)."
        ),
    )
    p.add_argument("--from", dest="origin", required=True, metavar="PLACE",
                   help="start place: a name or LAT,LON (latitude first)")
    p.add_argument("--to", dest="destination", required=True, metavar="PLACE",
                   help="goal place: a name or LAT,LON (latitude first)")
    p.add_argument("--vehicle", required=True, metavar="V",
                   help="vehicle id or alias, e.g. T-34-85, Studebaker, foot")
    p.add_argument("--mode", default="any", choices=("any", "rail", "road", "cross-country"),
                   help="movement mode (default: any = the fastest mix)")
    p.add_argument("--via", action="extend", nargs="+", default=[], metavar="PLACE",
                   help="places to pass through, in order")
    p.add_argument("--out", metavar="DIR", type=path_text,
                   help="write route.geojson, route.gpkg, legs.csv, map.png and cost.tif "
                        "(accumulated "
                        "cross-country hours from the start; with --via one per section, "
                        "cost-1.tif ...) into this folder (it must not exist yet or be empty)")
    add_overwrite(p, "a route folder")
    p.add_argument("--resolution-m", type=resolution_m, default=None,
                   help="terrain grid cell size in metres (default 1000, or "
                        "LOGISTICS_RESOLUTION_M; one too coarse for the route's places is "
                        "warned on)")
    p.add_argument("--season", default="dry", choices=("dry", "wet"),
                   help="terrain season for cross-country legs and roads (default: dry)")
    p.add_argument("--network", metavar="FILE.osm", type=path_text,
                   help="another OSM XML network (railway and highway ways) instead of the "
                        "shipped 1945 railways")
    p.add_argument("--json", action="store_true", help="print the route as GeoJSON")
    p.add_argument("--engine", choices=("auto", "memory", "chunked"), default="auto",
                   help="accumulated-cost solver: in memory, the exact chunked one (dask tiles "
                        "of LOGISTICS_CHUNK_CELLS, for grids larger than memory), or auto: "
                        "in memory when the grid fits (default)")
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from logistics import settings
    from logistics._atomic import check_output_dir
    from logistics.network import load_network, load_railways, route_multimodal
    from logistics.network.multimodal import check_on_land, coarse_grid_note
    from logistics.progress import progress

    from logistics.places import resolve
    from logistics.vehicles import load_vehicle
    from logistics.cost.physics import check_vehicles
    from logistics.terrain.layer_files import check_layer_files

    # a misspelt place or vehicle is said at once, not after the network and terrain are loaded
    for where in (args.origin, *args.via, args.destination):
        resolve(where)
    load_vehicle(args.vehicle)
    check_vehicles()  # figures that cannot move a vehicle: refused here, not as NaN hours
    check_layer_files()  # a damaged layer of the rasters folder: here, not in the terrain step
    if args.out is not None:
        check_output_dir(args.out, overwrite=args.overwrite)  # before the work, not after
    if args.resolution_m is None:
        args.resolution_m = settings.DEFAULT_RESOLUTION_M
    check_on_land((args.origin, *args.via, args.destination), args.vehicle,
                  season=args.season, resolution_m=args.resolution_m)  # before the network
    warn_coarse("route", coarse_grid_note(args.origin, args.destination, via=args.via,
                                          mode=args.mode, resolution_m=args.resolution_m))
    with progress(3 if args.out else 2, "route") as bar:
        bar.step(f"loading the network ({args.network or 'the 1945 railways'})")
        network = load_network(args.network) if args.network else load_railways()
        bar.step("terrain and least-cost legs")
        route = route_multimodal(args.origin, args.destination, args.vehicle, mode=args.mode,
                                 via=args.via, network=network, season=args.season,
                                 resolution_m=args.resolution_m, engine=args.engine,
                                 cost_surface=bool(args.out))
        if args.out:
            from logistics.report.route_outputs import write_route

            bar.step(f"writing {args.out}/")
            written = write_route(route, args.out, network=network, overwrite=args.overwrite)
    if args.json:
        print(json.dumps(route.to_geojson(), indent=1, ensure_ascii=False))
    else:
        print(format_route(route))
    if args.out:
        print(f"wrote {args.out}/{', '.join(written)}")
    return 0


def _cut(name: str, width: int) -> str:
    """``name`` in at most ``width`` characters (an ellipsis where it is cut)."""
    return name if len(name) <= width else name[:width - 1] + "…"


def format_route(route) -> str:
    """The route as a fixed-width table with totals."""
    head = (f"{' -> '.join(route.places)} by {route.vehicle}, mode {route.mode} "
            f"({route.season} season)")
    # place columns as wide as the longest name (up to 40), never cut mid-word at 16
    w = min(40, max([16] + [len(n) for leg in route.legs for n in (leg.start, leg.end)]))
    rows = [f"{'#':>2}  {'mode':<13} {'from':<{w}} {'to':<{w}} {'km':>7} {'h':>6} {'L':>7}  lines"]
    for i, leg in enumerate(route.legs, 1):
        rows.append(f"{i:>2}  {leg.mode:<13} {_cut(leg.start, w):<{w}} {_cut(leg.end, w):<{w}} "
                    f"{leg.distance_km:7.1f} {leg.time_h:6.2f} {leg.fuel_l:7.1f}  "
                    f"{','.join(leg.lines)}")
    rows.append(f"{'':>2}  {'total':<13} {'':<{w}} {'':<{w}} {route.distance_km:7.1f} "
                f"{route.time_h:6.2f} {route.fuel_l:7.1f}")
    notes = [f"  leg {i}: {n}" for i, leg in enumerate(route.legs, 1) for n in leg.notes]
    return "\n".join([head, *rows, "notes:", *notes])
