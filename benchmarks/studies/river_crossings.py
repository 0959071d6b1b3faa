"""River crossings on the shipped scenario routes: rivers crossed against crossings paid.

For every army file the planned routes are built as ``logistics run`` builds them (each
formation's least-time route for its pace vehicle through its objectives,
``advance.plan.build_army_plan``), and each step is then looked at in two independent ways:

* **crossed** (what the route does): the cells each step passes through, from the geometry of
  the straight segment between cell centres, not from the cost kernel: a straight step enters
  ``q``; a knight step passes the two cells beside it, then ``q``; a diagonal step runs exactly
  through the corner it shares with its two side cells, so it may be read as passing either,
  and the reading that enters fewer rivers is taken (it enters one only when both side cells
  are river, or when ``q`` is and it comes from land). Every change from land to river along
  that trace is one river entered. ``vector_crossings`` also counts, for reference, the points
  where the route's polyline meets the WDBII river lines themselves.
* **paid** (what the cost engine charges): the lead vehicle's time of each step on the terrain,
  minus its time on the same terrain with every river removed (``evaluate_path`` twice). A step
  with a positive difference paid a crossing.

``jumps`` are river entries on steps that paid nothing (steps the vehicle cannot make at all,
where the route's engineers help it across, are ``impassable_steps``, counted apart); ``overpaid`` are paying steps that enter
no river (e.g. a move from one river cell to the next of a wide river).

Run: ``.venv/bin/python benchmarks/studies/river_crossings.py [--configs configs]
[--out benchmarks/studies/river_crossings.csv]``. Works on any checkout of the project (it uses
only ``build_army_plan``, ``evaluate_path`` and the terrain), so the same command measures the rule
before and after a change.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd


def step_chains(cells: np.ndarray, river: np.ndarray) -> list[list[list[bool]]]:
    """Per step, the ways its segment may pass through the cells (river flags after p, in
    order): one way for straight and knight steps, two for a diagonal step, which runs exactly
    through the corner of its two side cells and may be read as passing either.

    Written from the segment's geometry, independently of ``cost/kernel.py``.
    """
    out = []
    for (r, c), (qr, qc) in zip(cells[:-1], cells[1:]):
        di, dj = int(qr - r), int(qc - c)
        wet_q = bool(river[qr, qc])
        if abs(di) == 2:  # knight: the two cells beside the segment's middle, the one by p first
            out.append([[bool(river[r + di // 2, c]), bool(river[r + di // 2, qc]), wet_q]])
        elif abs(dj) == 2:
            out.append([[bool(river[r, c + dj // 2]), bool(river[qr, c + dj // 2]), wet_q]])
        elif di and dj:  # diagonal: through the corner, past either side cell
            out.append([[bool(river[r + di, c]), wet_q], [bool(river[r, c + dj]), wet_q]])
        else:
            out.append([[wet_q]])
    return out


def _entries(chain: list[bool], inside: bool) -> int:
    n = 0
    for wet in chain:
        n += wet and not inside
        inside = wet
    return n


def count_route(terrain, cells: np.ndarray, vehicle, season: str) -> dict:
    """Rivers entered, steps paying, jumps and overpaid steps of one route (see module doc)."""
    from logistics.cost.route import evaluate_path

    river = np.asarray(terrain["river_class"].values) != 0
    dry_land = terrain.copy()
    dry_land["river_class"] = terrain["river_class"] * 0
    t_with = evaluate_path(terrain, cells, vehicle, season=season)["time_s"].to_numpy()[1:]
    t_without = evaluate_path(dry_land, cells, vehicle, season=season)["time_s"].to_numpy()[1:]
    # a step the vehicle cannot make at all (infinite time: the route was found for the
    # formation and its engineers help this class across, cost.route.helped_across) is
    # counted apart, neither paid nor jumped
    blocked = ~np.isfinite(t_with)
    toll = np.where(blocked, 0.0, t_with - t_without)
    paid = toll > 1e-6
    entered = np.zeros(len(cells) - 1, dtype=int)
    inside = bool(river[cells[0][0], cells[0][1]])
    for n, ways in enumerate(step_chains(cells, river)):
        entered[n] = min(_entries(way, inside) for way in ways)  # the way that enters least
        inside = ways[0][-1]
    return dict(
        steps=len(cells) - 1,
        rivers_entered=int(entered.sum()),
        paying_steps=int(paid.sum()),
        jumps=int(((entered > 0) & ~paid & ~blocked).sum()),
        impassable_steps=int(blocked.sum()),
        overpaid=int((paid & (entered == 0)).sum()),
        toll_h=float(toll[paid].sum()) / 3600.0,
    )


def vector_crossings(terrain, cells: np.ndarray) -> int:
    """Points where the polyline through the route's cell centres meets a WDBII river line."""
    from shapely.geometry import LineString
    from shapely.ops import unary_union

    from logistics.terrain.rivers import read_rivers

    x = np.asarray(terrain["x"].values)[cells[:, 1]]
    y = np.asarray(terrain["y"].values)[cells[:, 0]]
    line = LineString(np.column_stack([x, y]))
    rivers = read_rivers().cx[x.min():x.max(), y.min():y.max()]
    if len(rivers) == 0:
        return 0
    hits = line.intersection(unary_union(list(rivers.geometry)))
    if hits.is_empty:
        return 0
    return len(getattr(hits, "geoms", [hits]))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--configs", default="configs")
    p.add_argument("--resolution-m", type=float, default=1000.0)
    p.add_argument("--out", default=None, help="CSV to write (default: print only)")
    args = p.parse_args(argv)
    from logistics.advance.plan import army_bbox, build_army_plan
    from logistics.army.load import army_paths, load_army
    from logistics.terrain import load_terrain
    from logistics.vehicles import load_vehicle

    rows = []
    for path in army_paths(Path(args.configs)):
        army = load_army(path)
        terrain = load_terrain(army_bbox(army), resolution_m=args.resolution_m)
        _, extras = build_army_plan(army, terrain)
        season = army.seasons[0].season
        units = {u.id: u for u in extras["units"]}
        for fid, seg in extras["routes"].items():
            if len(seg) < 2:
                continue
            cells = seg[["row", "col"]].to_numpy()
            lead = load_vehicle(units[fid].pace_vehicle)
            row = dict(config=path.stem, formation=fid, vehicle=lead.id,
                       stencil=army.routing.stencil, km=float(seg["cum_km"].iloc[-1]))
            row |= count_route(terrain, cells, lead, season)
            row["vector_crossings"] = vector_crossings(terrain, cells)
            rows.append(row)
            print(" ".join(f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}"
                           for k, v in row.items()), flush=True)
    table = pd.DataFrame(rows)
    total = table.drop(columns=["config", "formation", "vehicle", "stencil"]).sum()
    print("TOTAL", " ".join(f"{k}={v:.1f}" for k, v in total.items()))
    if args.out:
        table.round(3).to_csv(args.out, index=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
