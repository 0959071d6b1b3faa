"""The Khingan fuel question: how much more fuel per km did crossing the Greater Khingan take?

SEED-000 (Pike, Appendix O) says a Soviet force "had underestimated the 50 percent increase in
fuel needed to traverse the mountainous passes" (campaign-facts.md §3, confidence medium, the
figure unattributed). This module asks the model, without tuning anything to that number: a
T-34-85 drives the least-cost route from the Tamsag-Bulag jump-off to Tuquan or Lubei (the
6th Guards Tank Army's Lubei-Tuquan objective line, campaign-facts.md §7) or Solun on the real
DEM (:func:`logistics.cost.route.route`), and every step is priced in both seasons with the
solver's kernel (:func:`logistics.cost.route.evaluate_path`). The route is cut in three by
relief:

* ``steppe``: from the start to the first route cell in the range;
* ``crossing``: from the first to the last route cell in the range;
* ``plain``: the rest, down in the Manchurian plain.

A cell is "in the range" when the local relief (max - min elevation) in a window of about
+-7 km around it exceeds ``RANGE_RELIEF_M`` = 300 m. **Assumption**, named and fixed before
any fuel figure was looked at: 300 m of relief separates mountains from the rolling steppe;
:func:`relief_sensitivity` reports the answer for 200 and 400 m too.

The answer is the ratio of litres per km on the crossing to litres per km on the steppe.
Coarse grids smooth slopes (a 2 km cell averages away short steep pitches), so the climbing
work is, if anything, underestimated; the ratio also depends on the named assumptions of
:mod:`logistics.cost.physics` (tracked Crr by surface, wet season tables).

Run ``.venv/bin/python benchmarks/studies/khingan_fuel.py --out benchmarks/studies/khingan_fuel.png``
for the figure and the summary table.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from logistics._atomic import atomic_path
from logistics.cost.route import evaluate_path, route
from logistics.errors import ConfigError
from logistics.terrain import load_terrain
from logistics.terrain.derive import local_relief
from logistics.vehicles import load_vehicle

__all__ = ["FuelQuestion", "khingan_fuel", "relief_sensitivity", "summary",
           "fuel_question_figure", "RANGE_RELIEF_M"]

#: Relief (m) in a +-7 km window above which a cell counts as the Greater Khingan range.
RANGE_RELIEF_M: float = 300.0
RELIEF_HALF_WINDOW_M: float = 7000.0
#: lon/lat box holding the jump-off, both objectives and the range between them.
BBOX: tuple[float, float, float, float] = (116.6, 44.0, 122.4, 47.8)
SEGMENTS: tuple[str, ...] = ("steppe", "crossing", "plain")


@dataclass(frozen=True)
class FuelQuestion:
    """One route, priced in both seasons, and its split into steppe, crossing and plain.

    The route is the least-cost one of ``objective`` in ``season``. ``segments``: one row per
    segment with km, climb_m, descent_m, and per season s in (dry, wet): time_h_s, km_per_h_s,
    fuel_l_s, l_per_km_s. ``steps``: one row per step (the columns of
    :func:`logistics.cost.route.evaluate_path` but time/fuel, then relief_m, time_s_dry,
    fuel_l_dry, time_s_wet, fuel_l_wet, segment).
    """

    vehicle: str
    start: str
    destination: str
    objective: str
    season: str
    resolution_m: float
    relief_threshold_m: float
    segments: pd.DataFrame
    steps: pd.DataFrame

    def l_per_km(self, segment: str, season: str = "dry") -> float:
        """Litres per horizontal km of a segment in a season."""
        return float(self.segments.set_index("segment").loc[segment, f"l_per_km_{season}"])

    def ratio(self, crossing_season: str = "dry", steppe_season: str = "dry") -> float:
        """Litres per km on the crossing over litres per km on the steppe.

        ``ratio("wet", "dry")`` is the documented weather sequence: a dry, hot approach
        (9-10 Aug) and rain in the mountains from 11-12 Aug (campaign-facts.md §4).
        """
        return self.l_per_km("crossing", crossing_season) / self.l_per_km("steppe",
                                                                          steppe_season)


def _priced_steps(terrain: xr.Dataset, v, route_segments: pd.DataFrame, relief) -> pd.DataFrame:
    """One row per step of the route (its start row dropped), priced in both seasons by
    :func:`logistics.cost.route.evaluate_path` (the solver's kernel), with the local relief."""
    cells = route_segments[["row", "col"]].to_numpy()
    dry, wet = (evaluate_path(terrain, cells, v, season=s).iloc[1:] for s in ("dry", "wet"))
    steps = dry.drop(columns=["time_s", "fuel_l"]).reset_index(drop=True)
    return steps.assign(
        relief_m=relief[steps["row"].to_numpy(), steps["col"].to_numpy()],
        time_s_dry=dry["time_s"].to_numpy(), fuel_l_dry=dry["fuel_l"].to_numpy(),
        time_s_wet=wet["time_s"].to_numpy(), fuel_l_wet=wet["fuel_l"].to_numpy(),
    )


def _split(steps: pd.DataFrame, threshold_m: float) -> pd.DataFrame:
    """Label steps steppe / crossing / plain by the first and last step in the range."""
    in_range = np.flatnonzero(steps["relief_m"].to_numpy() > threshold_m)
    if in_range.size == 0:
        raise ConfigError(
            f"the route never reaches relief above {threshold_m} m, so it crosses no range; "
            "lower relief_threshold_m or check the endpoints"
        )
    label = np.full(len(steps), "crossing", dtype=object)
    label[: in_range[0]] = "steppe"
    label[in_range[-1] + 1:] = "plain"
    return steps.assign(segment=label)


def _summarise(steps: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for name in SEGMENTS:
        s = steps[steps.segment == name]
        km = s.dist_m.sum() / 1000.0
        dz = s.grade * s.dist_m
        row = dict(segment=name, km=km, climb_m=dz[dz > 0].sum(), descent_m=-dz[dz < 0].sum())
        for season in ("dry", "wet"):
            hours, litres = s[f"time_s_{season}"].sum() / 3600.0, s[f"fuel_l_{season}"].sum()
            row |= {f"time_h_{season}": hours, f"fuel_l_{season}": litres,
                    f"km_per_h_{season}": km / hours if km else np.nan,
                    f"l_per_km_{season}": litres / km if km else np.nan}
        rows.append(row)
    return pd.DataFrame(rows)


def khingan_fuel(
    *,
    vehicle: str = "T-34-85",
    start: str = "Tamsag-Bulag",
    destination: str = "Tuquan",
    objective: str | float = "time",
    season: str = "dry",
    resolution_m: float = 2000.0,
    relief_threshold_m: float = RANGE_RELIEF_M,
    stencil: int = 16,
    terrain: xr.Dataset | None = None,
) -> FuelQuestion:
    """Price the least-cost route start -> destination and split it at the range.

    ``objective`` picks the route (least time by default: an army in a hurry); the fuel of
    that route is what is compared. ``terrain`` may be passed to reuse a loaded grid.
    """
    v = load_vehicle(vehicle)
    if terrain is None:
        terrain = load_terrain(BBOX, resolution_m=resolution_m)
    res = float(abs(terrain["x"].values[1] - terrain["x"].values[0]))
    best = route(terrain, v, [start, destination], objective=objective, season=season,
                 stencil=stencil)
    half = max(1, int(round(RELIEF_HALF_WINDOW_M / res)))
    relief = local_relief(terrain["elevation_m"], half_window=half).values
    steps = _split(_priced_steps(terrain, v, best.segments, relief), relief_threshold_m)
    return FuelQuestion(
        vehicle=v.id, start=start, destination=destination,
        objective=str(objective), season=season, resolution_m=res,
        relief_threshold_m=relief_threshold_m, segments=_summarise(steps), steps=steps,
    )


def relief_sensitivity(result: FuelQuestion, thresholds=(200.0, 300.0, 400.0)) -> pd.DataFrame:
    """Dry crossing / steppe L/km ratio (and wet-on-dry) for other relief thresholds."""
    rows = []
    for t in thresholds:
        seg = _summarise(_split(result.steps, t)).set_index("segment")
        rows.append(dict(relief_threshold_m=t, crossing_km=seg.km["crossing"],
                         steppe_l_per_km=seg.l_per_km_dry["steppe"],
                         crossing_l_per_km=seg.l_per_km_dry["crossing"],
                         ratio_dry=seg.l_per_km_dry["crossing"] / seg.l_per_km_dry["steppe"],
                         ratio_wet_on_dry=seg.l_per_km_wet["crossing"]
                         / seg.l_per_km_dry["steppe"]))
    return pd.DataFrame(rows)


_COLOURS = {"steppe": "#d08c2c", "crossing": "#b2182b", "plain": "#2166ac"}


def summary(results: list[FuelQuestion]) -> pd.DataFrame:
    """One row per route: segment lengths, L/km by segment and season, and the ratios."""
    rows = []
    for r in results:
        seg = r.segments.set_index("segment")
        rows.append(dict(
            destination=r.destination, resolution_m=r.resolution_m, route=f"least-{r.objective}",
            steppe_km=seg.km["steppe"], crossing_km=seg.km["crossing"],
            crossing_climb_m=seg.climb_m["crossing"], crossing_descent_m=seg.descent_m["crossing"],
            steppe_l_per_km_dry=seg.l_per_km_dry["steppe"],
            crossing_l_per_km_dry=seg.l_per_km_dry["crossing"],
            steppe_l_per_km_wet=seg.l_per_km_wet["steppe"],
            crossing_l_per_km_wet=seg.l_per_km_wet["crossing"],
            ratio_dry=r.ratio("dry", "dry"), ratio_wet=r.ratio("wet", "wet"),
            ratio_wet_crossing_dry_steppe=r.ratio("wet", "dry"),
        ))
    return pd.DataFrame(rows)


def fuel_question_figure(
    results: list[FuelQuestion], path: str | Path, *, map_resolution_m: float = 1500.0
) -> Path:
    """PNG: the routes on the base map, coloured by segment, and their fuel-per-km profiles."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from logistics.report.basemap import base_map

    n = len(results)
    fig = Figure(figsize=(19, max(11, 4.2 * n)), dpi=110)
    FigureCanvasAgg(fig)
    grid = fig.add_gridspec(n, 2, width_ratios=[1.25, 1], hspace=0.35, wspace=0.14)
    ax_map = fig.add_subplot(grid[:, 0])
    r0 = results[0]
    base_map(BBOX, ax=ax_map, resolution_m=map_resolution_m,
             places=["Tamsag-Bulag", "Arxan", "Solun", "Lubei", "Tuquan", "Ulanhot"],
             title=f"Khingan fuel question: {load_vehicle(r0.vehicle).name}, "
                   f"least-{r0.objective} routes")
    for res in results:
        s = res.steps
        for name in SEGMENTS:
            part = s[s.segment == name]
            ax_map.plot(part.x_m, part.y_m, ".", ms=2.5, color=_COLOURS[name],
                        label=name if res is r0 else None)
    if ax_map.get_legend() is not None:  # the base map's layer key sits where the profiles go
        ax_map.get_legend().remove()
    ax_map.legend(loc="lower right", title=f"route (range: relief > {r0.relief_threshold_m:g} m "
                  "within +-7 km)", fontsize=9, title_fontsize=9, markerscale=4)
    for i, res in enumerate(results):
        ax = fig.add_subplot(grid[i, 1])
        s = res.steps
        window = max(1, int(round(10_000 / res.resolution_m)))  # 10 km running mean
        km = s.dist_m.rolling(window, center=True, min_periods=1).sum() / 1000.0
        for season, style in (("dry", "-"), ("wet", ":")):
            l_per_km = s[f"fuel_l_{season}"].rolling(window, center=True, min_periods=1).sum() / km
            for name in SEGMENTS:
                part = s.segment == name
                if not part.any():
                    continue
                ax.plot(s.cum_km[part], l_per_km[part], style, color=_COLOURS[name], lw=1.2,
                        label=f"{name} {season}: {res.l_per_km(name, season):.2f} L/km")
        ax2 = ax.twinx()
        ax2.fill_between(s.cum_km, s.elev_m, color="#999999", alpha=0.25, lw=0)
        ax2.set_ylim(0, 2000)
        ax2.set_ylabel("elevation (m)", color="#666666")
        ax.set_zorder(ax2.get_zorder() + 1)
        ax.patch.set_visible(False)
        ax.set_xlabel(f"km from {res.start}")
        ax.set_ylabel(f"{res.vehicle} fuel\n(L/km, 10 km mean)")
        ax.set_ylim(0, None)
        ax.set_title(f"to {res.destination}: crossing / steppe = {res.ratio('dry', 'dry'):.2f} "
                     f"dry, {res.ratio('wet', 'dry'):.2f} rain on the crossing",
                     fontsize=10, loc="left")
        ax.legend(loc="lower left", fontsize=7, frameon=False, ncol=2)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", bbox_inches="tight")
    return Path(path)


def main(argv=None) -> int:
    """Answer the question for Solun, Tuquan and Lubei; write the figure and a CSV table."""
    p = argparse.ArgumentParser(description="The Khingan fuel question (SEED-000's 50 percent)")
    p.add_argument("--out", default="benchmarks/studies/khingan_fuel.png")
    p.add_argument("--resolutions-m", default="2000,1000,500",
                   help="grids for the table; the figure uses the second (or only) one")
    args = p.parse_args(argv)
    resolutions = [float(r) for r in args.resolutions_m.split(",")]
    results, figure = [], []
    for res in resolutions:
        terrain = load_terrain(BBOX, resolution_m=res)
        for dest in ("Solun", "Tuquan", "Lubei"):
            r = khingan_fuel(destination=dest, terrain=terrain)
            results.append(r)
            if res == resolutions[min(1, len(resolutions) - 1)]:
                figure.append(r)
                print(relief_sensitivity(r).assign(destination=dest).round(3).to_string())
    table = summary(results)
    pd.set_option("display.width", 250)
    print(table.round(3).to_string())
    out = Path(args.out)
    with atomic_path(out.with_suffix(".csv")) as tmp:
        table.round(4).to_csv(tmp, index=False)
    print("wrote", fuel_question_figure(figure, out), out.with_suffix(".csv"))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
