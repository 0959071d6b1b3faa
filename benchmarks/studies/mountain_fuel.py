"""Fuel and route length per km in the mountains, per vehicle class, on an army's planned routes.

Sources about means (movement-facts.md §7 and §8): in the Greater Khingan the 6th Guards Tank
Army's vehicles used "more than double" the calculated fuel norm ([DZEN-KHINGAN]), and a leg
that is 40 km on the plan is really 80 ([TRETYAK]: route distances about twice the map's straight
line). This study asks the model, without tuning anything: the army's own plan is built
(:func:`logistics.advance.plan.build_army_plan`, its routes and each class's priced steps, the
cost engine's time and litres per step), and every step of every formation's route is put in an
elevation band. Per class, season and band it gives the litres per 100 km of route and their
multiple of the class's dry level-road figure (:func:`logistics.cost.physics.move_rates`), the
mean |grade| and sub-grid grade of the steps, the share of steps "in the range" (the Khingan
fuel study's rule, ``RANGE_RELIEF_M`` of relief within ``RELIEF_HALF_WINDOW_M``), and per 25 km
of route the ratio of route km to the straight line between its ends (the grid's tortuosity).

Run ``.venv/bin/python benchmarks/studies/mountain_fuel.py configs/tbf-6gta.yaml`` (prints the
tables; ``--csv PATH`` writes the per-band table).
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from logistics.advance.plan import army_bbox, build_army_plan
from logistics.api import load_scenario
from logistics.cost.physics import move_rates
from logistics.geodesy import great_circle_km
from logistics.terrain import load_terrain
from logistics.terrain.derive import local_relief

from khingan_fuel import RANGE_RELIEF_M, RELIEF_HALF_WINDOW_M

__all__ = ["route_steps", "by_band", "tortuosity", "ELEVATION_BANDS_M", "WINDOW_KM"]

#: Elevation bands, m (the Mongolian plateau lies at about 650 m, the crest at 1,000-1,200 m).
ELEVATION_BANDS_M: tuple[float, ...] = (0.0, 400.0, 600.0, 800.0, 1000.0, 3000.0)
#: Length of route over which the grid's tortuosity is measured, km (Tret'yak's leg is 40 km
#: on the plan; the 5 Dec 2026 measurement of the 39th Army used 20-25 km).
WINDOW_KM: float = 25.0


def route_steps(scenario: str, resolution_m: float | None = None) -> pd.DataFrame:
    """One row per formation, class (with fuel), season and route step: km, cum_km, lon, lat,
    elev_m, grade, subgrid_grade, in_range, fuel_l (per vehicle), time_s (the column's)."""
    from logistics import settings

    army = load_scenario(scenario)
    res = float(resolution_m or settings.DEFAULT_RESOLUTION_M)
    terrain = load_terrain(army_bbox(army), resolution_m=res)
    plan, _ = build_army_plan(army, terrain)
    half = max(1, int(round(RELIEF_HALF_WINDOW_M / res)))
    relief = np.asarray(local_relief(terrain["elevation_m"], half_window=half).values)
    sub = (np.asarray(terrain["subgrid_grade"].values) if "subgrid_grade" in terrain
           else np.zeros(relief.shape))
    frames = []
    for fp in plan.formations:
        if fp.timetable is not None or fp.cells.shape[0] < 2:
            continue  # carried by ships or trains: no route of its own
        r, c = fp.cells[:, 0], fp.cells[:, 1]
        km = np.diff(fp.km, prepend=fp.km[0])
        grade = np.r_[0.0, np.diff(fp.elev_m)] / np.maximum(km * 1000.0, 1.0)
        for season, fuel in fp.step_fuel_l.items():
            for i, cid in enumerate(fp.class_ids):
                if fp.tank_l[i] <= 0:
                    continue  # men and horses burn no fuel
                frames.append(pd.DataFrame(dict(
                    formation=fp.unit.id, vehicle=cid, season=season, km=km, cum_km=fp.km,
                    lon=fp.lon, lat=fp.lat, elev_m=fp.elev_m, grade=grade,
                    subgrid_grade=sub[r, c], in_range=relief[r, c] > RANGE_RELIEF_M,
                    fuel_l=fuel[i], time_s=fp.step_time_s[season][i])))
    return pd.concat(frames, ignore_index=True)


def by_band(steps: pd.DataFrame) -> pd.DataFrame:
    """Per vehicle, season and elevation band: km, L/100 km, x its dry level-road figure,
    mean |grade|, mean sub-grid grade, share of km in the range."""
    s = steps[steps.km > 0].assign(
        band=pd.cut(steps.elev_m, list(ELEVATION_BANDS_M)),
        abs_grade=steps.grade.abs(), in_range_km=steps.km * steps.in_range)
    out = s.groupby(["vehicle", "season", "band"], observed=True).agg(
        km=("km", "sum"), fuel_l=("fuel_l", "sum"), abs_grade=("abs_grade", "mean"),
        subgrid_grade=("subgrid_grade", "mean"), in_range_km=("in_range_km", "sum"))
    out["l_per_100km"] = 100.0 * out.fuel_l / out.km
    road = {v: 100.0 * float(move_rates(v, "road", 0.0)[1]) for v in s.vehicle.unique()}
    out["x_road"] = out.l_per_100km / [road[v] for v in out.index.get_level_values("vehicle")]
    out["in_range_share"] = out.in_range_km / out.km
    out = out.drop(columns=["fuel_l", "in_range_km"]).reset_index()
    return out.assign(band=out.band.astype(str))


def tortuosity(steps: pd.DataFrame) -> pd.DataFrame:
    """Per ``WINDOW_KM`` of each formation's route: its mean elevation, its relief along the
    way, whether most of it is in the range, and route km over the straight line's km."""
    rows = []
    one = steps[steps.season == steps.season.iloc[0]].drop_duplicates(["formation", "cum_km"])
    for fid, g in one.groupby("formation"):
        cum, lon, lat = g.cum_km.to_numpy(), g.lon.to_numpy(), g.lat.to_numpy()
        elev, rng = g.elev_m.to_numpy(), g.in_range.to_numpy()
        a = 0
        while (b := int(np.searchsorted(cum, cum[a] + WINDOW_KM))) < len(cum):
            line = float(great_circle_km(lon[a], lat[a], lon[b], lat[b]))
            rows.append(dict(formation=fid, km_from=cum[a], elev_m=np.nanmean(elev[a:b + 1]),
                             relief_m=np.nanmax(elev[a:b + 1]) - np.nanmin(elev[a:b + 1]),
                             in_range=rng[a:b + 1].mean() > 0.5,
                             ratio=(cum[b] - cum[a]) / max(line, 1e-9)))
            a = b
    return pd.DataFrame(rows)


def main(argv=None) -> int:
    """Print the per-band table and the tortuosity of the scenario's routes."""
    p = argparse.ArgumentParser(description="fuel and route length per km in the mountains")
    p.add_argument("scenario", help="an army file, e.g. configs/tbf-6gta.yaml")
    p.add_argument("--csv", help="write the per-band table here")
    args = p.parse_args(argv)
    steps = route_steps(args.scenario)
    table = by_band(steps)
    pd.set_option("display.width", 250)
    print(table.round(3).to_string(index=False))
    t = tortuosity(steps)
    print(f"\nroute km over the straight line per {WINDOW_KM:g} km, in the range or not:")
    print(t.groupby("in_range").ratio.describe().round(3).to_string())
    print(t.groupby("in_range").relief_m.describe().round(0).to_string())
    if args.csv:
        table.to_csv(args.csv, index=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
