"""`logistics compare`: score every documented axis against its modeled run and the plan."""

from __future__ import annotations

import argparse
import math
import sys
from functools import partial
from pathlib import Path

from logistics.cli import (add_overwrite, float_in, non_negative_int, number_of, out_path,
                           path_value, resolution_m, seed, warn_coarse)
from logistics.cli._cluster import WORKER_GIB, check_workers, cluster_for, max_workers
from logistics.cli.run import other_tree_note
from logistics.errors import ConfigError
from logistics.history.score import TOLERANCE_RANGE_KM
from logistics.history.uncertainty import MAX_SAMPLES

__all__ = ["register", "add_run_arguments", "parse_assignments", "cluster_for", "max_workers",
           "MAX_SAMPLES", "WORKER_GIB"]




def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``compare`` sub-command."""
    p = sub.add_parser(
        "compare",
        help="score modeled advances against documented dated positions and a planned-rate baseline",
        description=(
            "Run the scenario of every axis in the documented file, score each documented row "
            "(date error at places, km error at dates) for the model and for the planned-rate "
            "baseline, and write comparison.csv, summary.csv, comparison.gpkg (QGIS layers: "
            "documented, modeled, errors), comparison.geojson, plots, a map and report.md."
        ),
    )
    add_run_arguments(p, out_default="out/compare")
    p.add_argument("--samples", metavar="N", type=non_negative_int, default=0,
                   help=f"Monte Carlo draws per axis for uncertainty bands, at most {MAX_SAMPLES} "
                        "(default 0: none)")
    p.add_argument("--set", metavar="NAME=VALUE", action="append", default=[], dest="overrides",
                   help="a parameter changed for every run (repeatable): a global one, e.g. "
                        "--set speed_scale=1.2; a figure path of the army files, as under "
                        "their uncertain:; or a norms figure, e.g. --set "
                        "norms/march:norms.tank_column.max_speed_kmh=20 (the names "
                        "logistics.run(overrides=) takes)")
    p.add_argument("--no-map", action="store_true",
                   help="skip map.png, the static map over the shipped rasters (faster; the "
                        "rasters are not needed); map.html, the interactive map, is still "
                        "written")
    p.add_argument("--map-resolution-m", metavar="M", type=resolution_m, default=None,
                   help="resolution of map.png's base map in metres (default "
                        f"{MAP_RESOLUTION_M:g})")
    p.set_defaults(func=_run)


def add_run_arguments(p: argparse.ArgumentParser, *, out_default: str) -> None:
    """Arguments shared by ``compare`` and ``calibrate``: inputs, output, how runs are made."""
    p.add_argument("--documented", metavar="FILE", type=path_value, default=None,
                   help="documented-advances CSV (default: history/documented-advances.csv "
                        "of the configs folder: configs/, or LOGISTICS_CONFIG_DIR when set)")
    p.add_argument("--configs", metavar="DIR", type=path_value, default=None,
                   help="folder of scenario *.yaml (default: the configs folder: configs/, or "
                        "LOGISTICS_CONFIG_DIR when set)")
    p.add_argument("--out", metavar="DIR", type=path_value, default=None,
                   help=f"output folder, written atomically; it must not exist yet or be empty, or be an "
                        f"earlier output folder and --overwrite given (default: {out_default})")
    p.set_defaults(default_out=out_default)
    add_overwrite(p)
    p.add_argument("--resolution-m", metavar="M", type=resolution_m, default=None,
                   help="grid resolution of the runs in metres (default: the runner's; one too "
                        "coarse for an army's routes is warned on, as by `logistics run`)")
    p.add_argument("--tolerance-km", metavar="KM", type=float_in(*TOLERANCE_RANGE_KM, unit="km",
                                                                 lo_open=True), default=15.0,
                   help="how close the route must pass a documented place to reach it, "
                        "0 < KM <= 1000 (default 15)")
    p.add_argument("--seed", type=seed, default=0, help="seed of the runs and draws (default 0)")
    p.add_argument("--dem", choices=("merged", "etopo5"), default="merged",
                   help="DEM of the runs (Monte Carlo draws pick one at random)")
    p.add_argument("--workers", metavar="N", type=non_negative_int, default=None,
                   help="dask workers for the runs, at most one per core and per "
                        f"{WORKER_GIB:g} GiB of available memory; 0 runs them in this process "
                        "(default: a LocalCluster when there are many runs, or the scheduler in "
                        "LOGISTICS_SCHEDULER)")


#: The resolution of map.png's base map when ``--map-resolution-m`` is not given, in metres.
MAP_RESOLUTION_M = 5000.0


def parse_assignments(items: list[str]) -> dict[str, float]:
    """``["speed_scale=1.2", ...]`` -> ``{"speed_scale": 1.2}``; ConfigError on a bad item."""
    out = {}
    bad = []
    for item in items:
        name, sep, value = item.partition("=")
        try:
            number = number_of(value)
        except ValueError:
            bad.append(item)
            continue
        if not sep or not name.strip() or not math.isfinite(number):
            bad.append(item)
            continue
        if name.strip() in out:
            raise ConfigError(f"--set {name.strip()} given twice ({out[name.strip()]:g} and "
                              f"{number:g}); fix: give each parameter once")
        out[name.strip()] = number
    if bad:
        shown = ", ".join(repr(b[:60]) for b in dict.fromkeys(bad))
        raise ConfigError(f"expected NAME=NUMBER with a finite number, got {shown} "
                          "(e.g. --set speed_scale=1.2)")
    from logistics.army.overrides import overrides_problems

    problems = overrides_problems(out)
    if problems:  # before any run (a figure path is checked against each army file)
        raise ConfigError("--set: " + "; ".join(problems))
    return out


def check_map_grid(resolution_m: float) -> None:
    """ConfigError when a base map of ``--map-resolution-m`` cells may not fit in memory: the
    map's box (the documented places and the routes, a degree around) is known only after the
    runs and may reach the whole theatre, so the theatre's grid is checked, before any run
    (``--map-resolution-m 1`` ran every axis, then failed writing map.png, naming
    --resolution-m)."""
    import math

    from logistics import settings
    from logistics.terrain.grid import metric_grid

    ny, nx = metric_grid(settings.THEATRE_BBOX, resolution_m).shape
    if ny * nx <= settings.MAX_IN_MEMORY_CELLS:
        return
    coarser = math.ceil(resolution_m * math.sqrt(ny * nx / settings.MAX_IN_MEMORY_CELLS) * 1.01)
    raise ConfigError(f"--map-resolution-m {resolution_m:g}: the base map's grid over the "
                      f"theatre, where its box may reach, is {ny} x {nx} cells, beyond the "
                      f"in-memory limit of {settings.MAX_IN_MEMORY_CELLS} cells; fix: "
                      f"--map-resolution-m {coarser} or coarser (a map.png needs no finer), "
                      "or --no-map")


def _run(args: argparse.Namespace) -> int:
    from logistics import settings
    from logistics.history.compare import compare, compare_inputs
    from logistics.history.match import OTHER_AXIS
    from logistics.report.compare_outputs import write_comparison
    from logistics.history.summary import format_summary
    from logistics.progress import progress

    from logistics._atomic import check_output_dir
    from logistics.cost.physics import check_vehicles
    from logistics.terrain.layer_files import check_layer_files
    from logistics.history.inputs import (check_comparable, check_runnable, check_scorable,
                                          near_axes, run_dems)

    if args.samples > MAX_SAMPLES:
        raise ConfigError(f"--samples {args.samples}: at most {MAX_SAMPLES} draws per axis (each "
                          "is a whole run; the P10-P90 band settles long before)")
    overrides = parse_assignments(args.overrides)
    if args.no_map and args.map_resolution_m is not None:  # never read: no map is drawn
        raise ConfigError(f"--map-resolution-m {args.map_resolution_m:g} with --no-map: no "
                          "map.png is drawn, so its base map's resolution is never read; fix: "
                          "drop one of the two (--no-map to skip the map)")
    if args.map_resolution_m is None:  # None: not given (so --no-map may leave it out)
        args.map_resolution_m = MAP_RESOLUTION_M
    if not args.no_map:
        check_map_grid(args.map_resolution_m)
    out, named = out_path(args.out, args.default_out)
    check_output_dir(out, overwrite=args.overwrite, **named)  # before the work, not after
    check_scorable(args.documented)
    check_workers(args.workers, args.samples > 0)  # before the runs, not once they began
    check_vehicles()  # figures that cannot move a vehicle: before the runs, not NaN in them
    for dem in run_dems(args.dem, args.samples):  # the draws' DEMs too (--samples)
        check_layer_files(dem=dem)  # a damaged layer: before the runs, not in the first
    if args.configs is not None and (note := other_tree_note(Path(args.configs))):
        print(f"logistics compare: {note}", file=sys.stderr)
    # the army files read and the --set figures fitted to each, before the runs' step: a
    # --configs that is no folder, a figure one army lacks, no documented axis modeled
    inputs = compare_inputs(args.documented, configs_dir=args.configs, overrides=overrides)
    check_comparable(inputs, modeled=bool(inputs.scenarios))
    # a start or objective in water on a DEM of the runs (the draws' too), a flotilla that
    # sails no river: refused now, not in the runs
    check_runnable(inputs, resolution_m=args.resolution_m, dem=args.dem, samples=args.samples)
    with progress(2, "compare") as bar:
        bar.step("runs of every axis with a scenario")
        with cluster_for(args.workers, args.samples > 0) as client:
            comp = compare(args.documented, configs_dir=args.configs,
                           resolution_m=args.resolution_m, tolerance_km=args.tolerance_km,
                           samples=args.samples, seed=args.seed, dem=args.dem,
                           overrides=overrides, client=client, progress=settings.PROGRESS,
                           warn=partial(warn_coarse, "compare"), inputs=inputs)
        bar.step(f"writing {out}/")
        out = write_comparison(comp, out, map_resolution_m=args.map_resolution_m,
                               draw_map=not args.no_map, overwrite=args.overwrite)
    doc = comp.inputs.documented
    print(format_summary(comp.summary), end="")
    unscored = int((~comp.table["scorable"].astype(bool)).sum())
    print(f"\n{len(comp.table)} documented rows, {len(comp.table) - unscored} scored, {unscored} not "
          f"(reasons in report.md); {len(doc.problems)} problem(s) in {doc.path}")
    for problem in doc.problems[:_SHOWN_PROBLEMS]:
        print(f"  {problem}")
    if len(doc.problems) > _SHOWN_PROBLEMS:
        print(f"  ... {len(doc.problems) - _SHOWN_PROBLEMS} more in problems.csv")
    found = [p for p in comp.problems.to_dict("records") if p["column"] != "axis_id"]
    if found:  # what scoring found (axes with no scenario are said below)
        print(f"{len(found)} problem(s) found scoring the rows (problems.csv, report.md):")
        for p in found[:_SHOWN_PROBLEMS]:
            print(f"  row {p['row']}, {p['column']} {p['value']!r}: {p['message']} "
                  f"({p['consequence']})")
        if len(found) > _SHOWN_PROBLEMS:
            print(f"  ... {len(found) - _SHOWN_PROBLEMS} more in problems.csv")
    if comp.inputs.unmodeled:
        print(f"axes with no scenario: {', '.join(comp.inputs.unmodeled)}"
              + near_axes(comp.inputs))
    if comp.inputs.undocumented:
        print(f"scenarios with no documented rows (not scored; run only for the fortified-"
              f"region breaches they share with the scored armies): "
              f"{', '.join(comp.inputs.undocumented)}")
    fuel = getattr(comp, "fuel", None)
    elsewhere = ([] if fuel is None or not len(fuel) else [
        s for s in fuel.to_dict("records")
        if str(s["model_status"]).startswith(f"not scored: {OTHER_AXIS}")])
    for s in elsewhere:  # the positions' rule (problems.csv) on the fuel states
        print(f"fuel state of {s['axis_id']} {s['date_text']!r}, formation "
              f"{s['formation']!r}: {s['model_status']}")
    ran = getattr(comp.inputs, "unscored", {})
    for why, axes in (("their army has no documented rows here: run only for the fortified-"
                       "region breaches it shares", [a for a in comp.fuel_not_run if a in ran]),
                      ("no army file here models their axis",
                       [a for a in comp.fuel_not_run if a not in ran])):
        if axes:  # said, not silently dropped
            print(f"fuel states not scored ({why}): " + ", ".join(
                f"{a or '(empty axis_id)'} ({n} row{'s' if n > 1 else ''})"
                for a in axes for n in [comp.fuel_not_run[a]]))
    for line in comp.inputs.config_problems:
        print(f"config problem: {line}")
    if not args.samples:
        print("no uncertainty bands: add --samples N (e.g. 10) for Monte Carlo P10-P90")
    print(f"wrote {out}/ (comparison.csv, summary.csv, comparison.gpkg, report.md, figures)")
    return 0


_SHOWN_PROBLEMS = 10  # problems of the documented file printed on the console (all in report.md)
