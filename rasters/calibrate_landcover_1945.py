#!/usr/bin/env python
"""Set the two thresholds of configs/terrain/landcover-1945.yaml in the open, and print their numbers.

    python rasters/calibrate_landcover_1945.py             # thresholds + areas by region
    python rasters/calibrate_landcover_1945.py --routes    # also km of each scenario route changed
    python rasters/calibrate_landcover_1945.py --sensitivity  # areas under other settings

Both targets are land-cover figures, never a dated position (issue 13 honesty rules):

* marsh: the smallest ``max_hand_m`` (0.1 m steps) at which the WETLAND area inside the marsh
  regions reaches the 1954 Sanjiang figure (35,270 km2, Wang et al. 2011);
* forest: the largest ``min_relief_m`` (1 m steps) at which Heilongjiang's FOREST share reaches
  the middle of the 1945 bracket (52-57.4 %, see the YAML).

It loads the 1 km terrain once with both rules switched to "change nothing", reads the rule's
per-cell layers (height above river, local relief, railway belt) from the same functions the
terrain load uses, and finds each threshold from the sorted values (exact, no search). Areas are
true areas (LCC areal scale removed). Copy the printed thresholds into the YAML by hand (its
comments are kept that way).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import numpy as np  # noqa: E402

from logistics.terrain import load_terrain  # noqa: E402
from logistics.terrain.classes import TerrainClass as T  # noqa: E402
from logistics.terrain.grid import grid_of  # noqa: E402
from logistics.terrain.landcover1945 import (  # noqa: E402
    cell_area_km2,
    landcover_1945_layers,
    load_landcover_1945,
    region_mask,
)
from logistics.terrain.rivers import read_rivers  # noqa: E402

BOX = (120.5, 43.0, 136.0, 54.0)  #: holds every region of the shipped rule
RES_M = 1000.0
_RECLAIMED = (T.CROPLAND, T.STEPPE)


def _threshold_reaching(values, areas, need_km2: float, *, ascending: bool) -> float:
    """Threshold on ``values`` at which the summed ``areas`` of the qualifying cells first reach
    ``need_km2`` (cells qualify below it when ascending, at or above it otherwise)."""
    order = np.argsort(values if ascending else -values, kind="stable")
    cum = np.cumsum(areas[order])
    i = int(np.searchsorted(cum, need_km2))
    i = min(i, len(order) - 1)
    return float(values[order[i]])


def calibrate(rule=None, *, res_m: float = RES_M) -> dict:
    """Thresholds and the areas they give: a dict (see ``main`` for the printed table)."""
    rule = rule or load_landcover_1945()
    base_rule = rule.with_thresholds(max_hand_m=-np.inf, min_relief_m=np.inf)
    ds = load_terrain(BOX, resolution_m=res_m, landcover_1945=base_rule)
    grid = grid_of(ds)
    area = cell_area_km2(grid)
    lay = landcover_1945_layers(grid, ds["elevation_m"], rule,
                                rivers=read_rivers((BOX[0] - 2, BOX[1] - 2, BOX[2] + 2, BOX[3] + 2)))
    cls = ds["terrain_class"].values
    reclaimed = np.isin(cls, np.array(_RECLAIMED, dtype=np.uint8))
    out: dict = {"grid": grid, "cls2019": cls, "area": area, "layers": lay}

    m = rule.marsh
    mreg = lay["marsh_region"]
    hand = lay["hand_m"]
    wet0 = float(area[(cls == T.WETLAND) & mreg].sum())
    cand = reclaimed & mreg & np.isfinite(hand)
    need = m.target_area_km2 - wet0
    h = _threshold_reaching(hand[cand], area[cand], need, ascending=True)
    max_hand_m = float(np.floor(h * 10.0) / 10.0 + 0.1)  # smallest 0.1 m step with hand < it
    marsh = cand & (hand < max_hand_m)
    out["max_hand_m"] = max_hand_m

    f = rule.forest
    share_reg = next(r for r in f.regions if r.key == f.share_region)
    sreg = region_mask(grid, [share_reg])
    freg = lay["forest_region"]
    land = sreg & (cls != T.WATER) & (cls != T.NODATA)
    land_km2 = float(area[land].sum())
    forest0 = float(area[(cls == T.FOREST) & sreg].sum())
    relief = lay["relief_m"]
    fcand = reclaimed & ~marsh & freg & ~lay["near_railway"] & np.isfinite(relief)
    target_pct = sum(f.target_share_pct) / 2.0
    need = target_pct / 100.0 * land_km2 - forest0
    in_share = fcand & sreg
    r = _threshold_reaching(relief[in_share], area[in_share], need, ascending=False)
    min_relief_m = float(np.floor(r))
    out["min_relief_m"] = min_relief_m
    out["target_share_pct"] = target_pct

    out["elevation_m"] = ds["elevation_m"].values
    final = ds_classes(cls, lay, max_hand_m, min_relief_m)
    out["cls1945"] = final
    return out


def ds_classes(cls, lay, max_hand_m, min_relief_m):
    """The 1945 classes of ``cls`` (2019 after the floodplain rule) under given thresholds."""
    from logistics.terrain.landcover import reconstruct_1945

    keys = ("marsh_region", "hand_m", "forest_region", "relief_m", "near_railway")
    return reconstruct_1945(cls, *(lay[k] for k in keys), max_hand_m=max_hand_m,
                            min_relief_m=min_relief_m)


def area_table(res: dict, rule=None) -> list[tuple[str, float, float, float]]:
    """(region, region land km2, 2019 km2, 1945 km2) of WETLAND in marsh regions and FOREST in
    forest regions."""
    rule = rule or load_landcover_1945()
    grid, area, c0, c1 = res["grid"], res["area"], res["cls2019"], res["cls1945"]
    rows = []
    for klass, regions in ((T.WETLAND, rule.marsh.regions), (T.FOREST, rule.forest.regions)):
        for reg in regions:
            mask = region_mask(grid, [reg])
            land = mask & (c0 != T.WATER) & (c0 != T.NODATA)
            rows.append((f"{reg.key} {klass.name}", float(area[land].sum()),
                         float(area[mask & (c0 == klass)].sum()), float(area[mask & (c1 == klass)].sum())))
    return rows


def totals(cls, grid, area, rule) -> tuple[float, float]:
    """(WETLAND km2 in the marsh regions, FOREST % of the share region's land) of ``cls``."""
    marsh = region_mask(grid, rule.marsh.regions)
    share = region_mask(grid, [r for r in rule.forest.regions if r.key == rule.forest.share_region])
    land = share & (cls != T.WATER) & (cls != T.NODATA)
    return (float(area[marsh & (cls == T.WETLAND)].sum()),
            100.0 * float(area[share & (cls == T.FOREST)].sum()) / float(area[land].sum()))


def sensitivity(res: dict, rule) -> list[tuple[str, float, float]]:
    """(setting, marsh km2, Heilongjiang forest %) with one setting changed at a time."""
    import dataclasses

    grid, area, c0, lay = res["grid"], res["area"], res["cls2019"], res["layers"]
    h, r = rule.marsh.max_hand_m, rule.forest.min_relief_m
    rows = [("shipped rule, 1 km", *totals(res["cls1945"], grid, area, rule))]
    for label, hh, rr in ((f"max_hand_m {h - 1:g}", h - 1, r), (f"max_hand_m {h + 1:g}", h + 1, r),
                          (f"min_relief_m {r - 20:g}", h, r - 20), (f"min_relief_m {r + 20:g}", h, r + 20)):
        rows.append((label, *totals(ds_classes(c0, lay, hh, rr), grid, area, rule)))
    for km in (0.0, 20.0):
        alt = dataclasses.replace(rule, forest=dataclasses.replace(rule.forest, railway_buffer_km=km))
        ds = load_terrain(BOX, resolution_m=RES_M, landcover_1945=alt)
        rows.append((f"railway_buffer_km {km:g}", *totals(ds["terrain_class"].values, grid, area, rule)))
    for res_m in (2000.0, 500.0):
        ds = load_terrain(BOX, resolution_m=res_m)
        g = grid_of(ds)
        rows.append((f"resolution {res_m:g} m", *totals(ds["terrain_class"].values, g, cell_area_km2(g), rule)))
    off = load_terrain(BOX, resolution_m=RES_M, landcover_1945=rule.off())
    rows.append(("rule off (2019 + floodplain rule)", *totals(off["terrain_class"].values, grid, area, rule)))
    return rows


def route_changes(res_m: float = RES_M) -> list[tuple[str, float, float, float, float]]:
    """(scenario, route km, km 2019-crop/grass -> 1945 marsh, -> 1945 forest, km any change)
    summed over the planned routes of every formation of every shipped scenario (terrain
    classes at 1 km, rule on/off)."""
    from logistics import settings
    from logistics.runner import run_scenario
    from logistics.army.load import army_paths
    from logistics.terrain import Landcover1945
    from logistics.terrain.grid import cell_of, to_metric

    on = load_terrain(settings.THEATRE_BBOX, resolution_m=res_m)
    off = load_terrain(settings.THEATRE_BBOX, resolution_m=res_m, landcover_1945=Landcover1945.off())
    rows = []
    for path in army_paths(settings.CONFIG_DIR):
        total = [0.0, 0.0, 0.0, 0.0]
        for _, pts in run_scenario(path).routes.groupby("formation_id", sort=False):
            km = pts["cum_km"].to_numpy()
            x, y = to_metric(pts["lon"].to_numpy(), pts["lat"].to_numpy())
            rc = np.array([cell_of(on, xi, yi) for xi, yi in zip(x, y)])
            a = off["terrain_class"].values[rc[:, 0], rc[:, 1]]
            b = on["terrain_class"].values[rc[:, 0], rc[:, 1]]
            step = np.diff(km, prepend=km[0])
            for i, km_i in enumerate((float(km[-1]), float(step[(a != b) & (b == T.WETLAND)].sum()),
                                      float(step[(a != b) & (b == T.FOREST)].sum()),
                                      float(step[a != b].sum()))):
                total[i] += km_i
        rows.append((path.stem, *total))
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--routes", action="store_true", help="also km of each scenario route changed")
    ap.add_argument("--sensitivity", action="store_true", help="areas under other settings")
    args = ap.parse_args(argv)
    rule = load_landcover_1945()
    res = calibrate(rule)
    print(f"marsh.max_hand_m = {res['max_hand_m']:.1f}   (YAML has {rule.marsh.max_hand_m:g})")
    print(f"forest.min_relief_m = {res['min_relief_m']:.0f}   (YAML has {rule.forest.min_relief_m:g})")
    print(f"\n{'region and class':34s} {'land km2':>10s} {'2019 km2':>10s} {'1945 km2':>10s}")
    for name, land, a, b in area_table(res, rule):
        print(f"{name:34s} {land:10.0f} {a:10.0f} {b:10.0f}   ({100 * a / land:.1f} % -> {100 * b / land:.1f} %)")
    print("\nland below 100 m (the low plain; assumed cut) against the sourced plain areas:")
    for reg in rule.marsh.regions:
        mask = region_mask(res["grid"], [reg]) & (res["elevation_m"] < 100.0)
        print(f"  {reg.key:20s} {float(res['area'][mask].sum()):8.0f} km2   (source {reg.plain_area_km2:g})")
    if args.sensitivity:
        print(f"\n{'setting':36s} {'marsh km2':>10s} {'HLJ forest %':>12s}")
        for label, marsh, pct in sensitivity(res, rule):
            print(f"{label:36s} {marsh:10.0f} {pct:12.1f}")
    if args.routes:
        print(f"\n{'scenario':22s} {'route km':>9s} {'->marsh':>8s} {'->forest':>8s} {'changed':>8s}")
        for name, length, marsh, forest, changed in route_changes():
            print(f"{name:22s} {length:9.0f} {marsh:8.1f} {forest:8.1f} {changed:8.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
