"""Benchmark of ``logistics run``: every scenario in configs/ at a resolution, and where the time goes.

Target (from the task): all twelve scenarios at 1 km (30") in under 5 minutes on a 2-core box.
For each scenario it runs ``run_scenario`` (as ``logistics run`` does, with the accumulated-time
raster for cost.tif) under cProfile, writes its run folder to a temporary directory, and splits
the wall time into the stages: terrain loading, waypoint snapping, the lead class's route,
costing the other classes on it (evaluate_path), truck turnaround surfaces and tracebacks, the
cost.tif surface, the hourly simulation, the rest (imports, JIT compilation on the first run)
and writing the outputs (maps and plots). Not a test: nothing is asserted.

Measured (2-core box shared with other jobs, 1 km, all twelve configs): 29-44 s in all
depending on the other jobs' load (target 300 s). Of 44 s: writing the outputs (base-map
relief, plots, GeoTIFF) 26 s; the cost engine 7.5 s (truck turnaround surfaces 4.1, route 1.4,
cost.tif 1.4, other classes 0.6); the hourly loop 5.5 s; terrain loading 4.0 s; imports and
JIT compilation the rest.

    .venv/bin/python benchmarks/bench_scenarios.py                 # 1 km, every config
    .venv/bin/python benchmarks/bench_scenarios.py --resolution-m 5000 --only tbf-6gta

Writes a JSON of the numbers to benchmarks/results/scenarios-<res>m.json.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

__all__ = ["STAGES", "profile_one", "main"]

#: Stage name -> (module file, function name) whose cumulative time is that stage.
STAGES: dict[str, tuple[str, str]] = {
    "terrain": ("terrain/__init__.py", "load_terrain"),
    "snap": ("advance/profiles.py", "_snap_points"),
    "route": ("cost/route.py", "route"),
    "other classes": ("cost/route.py", "evaluate_path"),
    "trucks": ("supply/turnaround.py", "leg"),
    "cost.tif": ("runner.py", "_cost_hours"),
    "simulate": ("advance/simulate.py", "simulate"),
}


def _cumulative(stats: pstats.Stats, file_end: str, func: str) -> float:
    total = 0.0
    for (filename, _line, name), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():
        if name == func and filename.replace("\\", "/").endswith(file_end):
            total += ct
    return total


def profile_one(config: Path, resolution_m: float) -> dict:
    """Run one scenario under cProfile and write its run folder (as ``logistics run`` does);
    return wall time and seconds per stage."""
    from logistics.report.run_outputs import write_run
    from logistics.runner import run_scenario

    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    result = run_scenario(config, resolution_m=resolution_m, cost_surface=True)
    prof.disable()
    t1 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        write_run(result, Path(tmp) / "run")
    t2 = time.perf_counter()
    wall = t2 - t0
    stats = pstats.Stats(prof)
    stages = {k: _cumulative(stats, *v) for k, v in STAGES.items()}
    # evaluate_path inside route() and inside truck legs is counted there, not twice
    stages["other classes"] = max(0.0, stages["other classes"] - _inner_evaluate(stats))
    stages["rest"] = max(0.0, (t1 - t0) - sum(stages.values()))
    stages["outputs"] = t2 - t1
    return {
        "config": config.name,
        "axis_id": result.scenario.axis_id,
        "grid": result.provenance["grid_shape"],
        "route_km": round(result.summary["route_km"], 1),
        "wall_s": round(wall, 2),
        "stages_s": {k: round(v, 2) for k, v in stages.items()},
    }


def _inner_evaluate(stats: pstats.Stats) -> float:
    """Seconds of evaluate_path called from route() or a truck leg (already in those stages)."""
    inner = 0.0
    for (filename, _line, name), (_cc, _nc, _tt, _ct, callers) in stats.stats.items():
        if name != "evaluate_path" or not filename.endswith("cost/route.py"):
            continue
        for (cfile, _cline, cname), (_c1, _c2, _c3, cct) in callers.items():
            if (cname == "route" and cfile.endswith("cost/route.py")) or (
                cname == "leg" and cfile.endswith("supply/turnaround.py")
            ):
                inner += cct
    return inner


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--resolution-m", type=float, default=1000.0)
    ap.add_argument("--only", nargs="*", default=None,
                    help="config stems to run (default: every configs/*.yaml)")
    args = ap.parse_args(argv)
    from logistics.army.load import army_paths

    configs = army_paths(ROOT / "configs")
    if args.only:
        configs = [c for c in configs if c.stem in set(args.only)]
    rows = []
    t_all = time.perf_counter()
    for cfg in configs:
        row = profile_one(cfg, args.resolution_m)
        rows.append(row)
        stages = "  ".join(f"{k} {v:.1f}" for k, v in row["stages_s"].items())
        print(f"{row['axis_id']:10s} grid {row['grid'][0]}x{row['grid'][1]:<5d} "
              f"{row['route_km']:7.0f} km  {row['wall_s']:6.1f} s | {stages}", flush=True)
    total = time.perf_counter() - t_all
    sums = {k: round(sum(r["stages_s"][k] for r in rows), 1) for k in rows[0]["stages_s"]}
    print(f"total {total:.1f} s for {len(rows)} scenarios at {args.resolution_m:g} m; by stage: "
          + ", ".join(f"{k} {v:.1f} s" for k, v in sums.items()))
    out = ROOT / "benchmarks" / "results" / f"scenarios-{args.resolution_m:g}m.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"resolution_m": args.resolution_m, "total_s": round(total, 1),
                               "by_stage_s": sums, "runs": rows}, indent=1) + "\n")
    print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
