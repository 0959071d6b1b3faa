"""The 6th Guards Tank Army's fuel burn by route section, against the sourced over-norm factors.

Sources about means (configs/norms/movement.yaml ``fuel.refill``, movement-facts.md §7):
1.5 ([PIKE-SEED000]) to "more than double" ([DZEN-KHINGAN]) the norm in the Greater Khingan,
200 % on some sections of the Mongolian march ([NEBOLSIN-2015]), the ZIS-5s' 0.75 refill per
100 km front-wide ([TYL-1977]). This study runs the army once (``run_scenario``), keeps its
plan and hourly tracks, and per formation, vehicle class and route section gives the litres
per 100 km of route as a multiple of the class's dry level-road figure
(:func:`logistics.cost.physics.move_rates`, its documented road norm):

* ``engine_dry``/``engine_wet``: the cost engine alone (``cost.route.evaluate_path``, a step
  the class cannot make on its own helped across as the plan does: ``helped_across``);
* ``plan_dry``/``plan_wet``: the plan's step litres (the engine plus the zero-load flow for the
  hours an observed cap adds, ``advance/pace.py engine_hours_fuel_l``);
* ``as_run``: the plan's litres of the season in force when the head passed each step (the
  army file's ``seasons``), over the km the head reached; ``wet_share`` of those km.

Sections (a rule fixed before looking at any fuel figure): ``approach`` from the start to the
route's first step "in the range" (relief above ``RANGE_RELIEF_M`` within
``RELIEF_HALF_WINDOW_M``, the Khingan fuel study's rule, ``khingan_fuel.py``); ``climb`` from
there to the highest point in the range; ``descent`` from there to its last step in the range;
``plain`` beyond.

Run ``.venv/bin/python benchmarks/studies/gta_fuel_sections.py configs/tbf-6gta.yaml`` from the
repository (prints the tables; ``--csv PATH`` writes the per-section table). Nothing is tuned.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from logistics import settings
from logistics.advance.plan import army_bbox
from logistics.api import load_scenario
from logistics.cost.models import CostModels
from logistics.cost.physics import move_rates
from logistics.cost.route import evaluate_path, helped_across
from logistics.runner import run_scenario
from logistics.terrain import load_terrain
from logistics.terrain.derive import local_relief

from khingan_fuel import RANGE_RELIEF_M, RELIEF_HALF_WINDOW_M

__all__ = ["SECTIONS", "sections", "route_steps", "by_section"]

SECTIONS: tuple[str, ...] = ("approach", "climb", "descent", "plain")


def sections(in_range: np.ndarray, elev_m: np.ndarray) -> np.ndarray:
    """The section of each route point (module docstring): ``approach`` before the first point
    in the range, ``climb`` up to the highest point in it, ``descent`` to its last, ``plain``
    after; all ``approach`` when no point is in the range."""
    out = np.full(len(elev_m), SECTIONS[0], dtype=object)
    idx = np.flatnonzero(in_range)
    if idx.size:
        a, b = int(idx[0]), int(idx[-1])
        top = a + int(np.nanargmax(elev_m[a:b + 1]))
        out[a:top + 1], out[top + 1:b + 1], out[b + 1:] = SECTIONS[1:]
    return out


def _passed(tracks: pd.DataFrame, fid: str, cum_km: np.ndarray) -> np.ndarray:
    """When the head of formation ``fid`` first reached each km (NaT: never)."""
    g = tracks[tracks.formation_id == fid].sort_values("time")
    km = np.maximum.accumulate(g.cum_km.to_numpy(dtype=float))
    i = np.searchsorted(km, cum_km, side="left")
    out = np.full(len(cum_km), np.datetime64("NaT"), dtype="datetime64[ns]")
    ok = i < len(km)
    out[ok] = g.time.to_numpy(dtype="datetime64[ns]")[i[ok]]
    return out


def route_steps(scenario: str) -> tuple[pd.DataFrame, dict[str, float]]:
    """One row per formation, fuelled class, season and route step (km > 0), and each class's
    dry level-road L/100 km."""
    army = load_scenario(scenario)
    res_m = settings.DEFAULT_RESOLUTION_M
    terrain = load_terrain(army_bbox(army), resolution_m=res_m, config_dir=army.config_dir)
    run = run_scenario(army, terrain=terrain)
    tracks = run.tracks.assign(time=pd.to_datetime(run.tracks.time))
    wet_from = min((pd.Timestamp(t) for t, s in run.seasons if s == "wet"), default=None)
    half = max(1, int(round(RELIEF_HALF_WINDOW_M / res_m)))
    relief = np.asarray(local_relief(terrain["elevation_m"], half_window=half).values)
    models = CostModels(army.config_dir)
    frames = []
    for fp in run.plan.formations:
        if fp.timetable is not None or fp.cells.shape[0] < 2:
            continue  # carried by ships, trains or a shuttle: no route of its own
        r, c = fp.cells[:, 0], fp.cells[:, 1]
        when = _passed(tracks, fp.unit.id, fp.km)
        base = dict(formation=fp.unit.id, section=sections(relief[r, c] > RANGE_RELIEF_M,
                                                           fp.elev_m),
                    km=np.diff(fp.km, prepend=fp.km[0]), cum_km=fp.km, elev_m=fp.elev_m,
                    passed=when,
                    wet_then=(when >= np.datetime64(wet_from)) if wet_from is not None
                    else np.zeros(len(when), dtype=bool))
        for i, cid in enumerate(fp.class_ids):
            if fp.tank_l[i] <= 0:
                continue  # men and horses burn no fuel
            for season in ("dry", "wet"):
                seg = evaluate_path(terrain, fp.cells, cid, season=season, models=models)
                frames.append(pd.DataFrame(dict(
                    base, vehicle=cid, season=season, grade=seg["grade"].to_numpy(),
                    engine_l=helped_across(seg["fuel_l"].to_numpy(), seg["dist_m"].to_numpy()),
                    plan_l=fp.step_fuel_l[season][i])))
    steps = pd.concat(frames, ignore_index=True)
    steps = steps[steps.km > 0]
    road = {v: 100.0 * float(move_rates(v, "road", 0.0)[1]) for v in steps.vehicle.unique()}
    return steps, road


def by_section(steps: pd.DataFrame, road: dict[str, float]) -> pd.DataFrame:
    """Per formation, vehicle and section (and ``all``, the whole route): km, the multiples of
    the road figure (module docstring), the km the head reached and their wet share, the
    plan's L/100 km each season."""
    rows = []
    whole = steps.assign(section="all")
    for (fid, vid, sec), g in pd.concat([steps, whole]).groupby(["formation", "vehicle",
                                                                  "section"], sort=False):
        dry = g[g.season == "dry"].reset_index(drop=True)
        wet = g[g.season == "wet"].reset_index(drop=True)
        km, per = dry.km.sum(), 100.0 / road[vid]
        reached = dry.passed.notna().to_numpy()
        litres = np.where(dry.wet_then, wet.plan_l, dry.plan_l)[reached]
        km_reached = dry.km[reached].sum()
        rows.append(dict(
            formation=fid, vehicle=vid, section=sec, km=km,
            engine_dry=per * dry.engine_l.sum() / km, engine_wet=per * wet.engine_l.sum() / km,
            plan_dry=per * dry.plan_l.sum() / km, plan_wet=per * wet.plan_l.sum() / km,
            as_run=per * litres.sum() / km_reached if km_reached > 0 else np.nan,
            km_reached=km_reached,
            wet_share=dry.km[reached & dry.wet_then].sum() / km_reached if km_reached > 0
            else np.nan,
            l100_dry=100.0 * dry.plan_l.sum() / km, l100_wet=100.0 * wet.plan_l.sum() / km))
    return pd.DataFrame(rows)


def main(argv=None) -> int:
    """Print the per-section table (and write it with ``--csv``)."""
    p = argparse.ArgumentParser(description="fuel per km by route section against the norm")
    p.add_argument("scenario", help="an army file, e.g. configs/tbf-6gta.yaml")
    p.add_argument("--csv", metavar="PATH", default=None, help="write the table here")
    args = p.parse_args(argv)
    table = by_section(*route_steps(args.scenario))
    pd.set_option("display.width", 250)
    road = table.drop_duplicates("vehicle")
    norm = (road.l100_dry / road.plan_dry).round()
    print("dry level-road L/100 km:", dict(zip(road.vehicle, norm)))
    print(table.round(2).to_string(index=False))
    if args.csv:
        table.to_csv(args.csv, index=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
