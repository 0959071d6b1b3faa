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
Coarse grids smooth slopes (a 2 km cell averages away short steep pitches): the terrain's
sub-grid relief (``subgrid_grade``, a named assumption of :mod:`logistics.terrain.derive`) puts
them back as pitches of ``SUBGRID_PITCH_M``; the study prices every route smooth (no sub-grid
relief) and with pitches of 50, 100 (the model's) and 200 m, and says which limit binds on each
step's steepest pitch (:func:`binding_limits`): the surface's speed cap, the slope safety
limit, the engine's power, or a grade or traction limit that forces switchbacks. The ratio also
depends on the named assumptions of :mod:`logistics.cost.physics` (tracked Crr by surface, wet
season tables) and on the Willans engine fitted to the T-34-85's documented consumption.

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
from logistics.cost import physics
from logistics.cost.route import evaluate_path, route
from logistics.errors import ConfigError
from logistics.terrain import load_terrain
from logistics.terrain.derive import SUBGRID_PITCH_M, derive_surface, local_relief
from logistics.vehicles import load_vehicle

__all__ = ["FuelQuestion", "khingan_fuel", "relief_sensitivity", "summary", "with_relief",
           "binding_limits", "fuel_question_figure", "RANGE_RELIEF_M", "PITCHES_M"]

#: Relief (m) in a +-7 km window above which a cell counts as the Greater Khingan range.
RANGE_RELIEF_M: float = 300.0
RELIEF_HALF_WINDOW_M: float = 7000.0
#: lon/lat box holding the jump-off, both objectives and the range between them.
BBOX: tuple[float, float, float, float] = (116.6, 44.0, 122.4, 47.8)
SEGMENTS: tuple[str, ...] = ("steppe", "crossing", "plain")
#: Sub-grid relief variants priced: None = smooth (no relief below the grid), else pitch length m.
PITCHES_M: tuple[float | None, ...] = (None, 50.0, SUBGRID_PITCH_M, 200.0)
#: The supply truck priced on the tanks' route too (its traction limit binds in the rain).
TRUCK: str = "ZIS-5"
#: Standard deviations of the steepest of the physics' sub-grid pitches (sqrt 3).
STEEP_SD: float = float(np.sqrt(3.0))
#: Binding limits of :func:`binding_limits`, in order of reporting.
LIMITS: tuple[str, ...] = ("cap", "safety", "power", "grade", "traction", "impassable")


def with_relief(terrain: xr.Dataset, pitch_m: float | None) -> xr.Dataset:
    """``terrain`` smooth (``pitch_m`` None: no ``subgrid_grade``) or with the sub-grid relief
    of pitches ``pitch_m`` long (:func:`logistics.terrain.derive.derive_surface`)."""
    smooth = terrain.drop_vars("subgrid_grade", errors="ignore")
    if pitch_m is None:
        return smooth
    res = float(abs(terrain["x"].values[1] - terrain["x"].values[0]))
    sub = derive_surface(terrain["elevation_m"], dx=res, pitch_m=pitch_m)["subgrid_grade"]
    return smooth.assign(subgrid_grade=sub)


def binding_limits(vehicle, steps: pd.DataFrame, season: str) -> np.ndarray:
    """Per step, the limit that binds on its steepest pitch (grade + 1.73 x the end cell's
    sub-grid grade: the steep sixth of the way in the physics' 3-point rule): ``cap`` (surface
    speed cap), ``safety`` (slope safety limit), ``power`` (engine),
    ``grade`` or ``traction`` (the pitch is steeper than the vehicle can climb: switchbacks), or
    ``impassable`` (the step's mean grade itself is beyond it). Read from the physics' own
    tables (``GOING``) and the vehicle file, as :mod:`logistics.cost.physics` combines them."""
    v = load_vehicle(vehicle)
    out = []
    surfaces = physics._SURFACE_OF_CLASS
    steepest = np.tan(np.radians(v.max_grade_deg))
    for g, s, code in zip(steps.grade, steps.subgrid_grade, steps.terrain_class):
        surface = surfaces.get(int(code))
        if surface is None:
            out.append("impassable")
            continue
        on_path = surface in ("road", "urban")
        gear = v.road_running_gear if on_path else v.kind
        going = physics.GOING[gear][surface][season]
        pitch = g + STEEP_SD * s
        if abs(g) > steepest or abs(g + going.crr) > going.phi:
            out.append("impassable")
        elif pitch > min(steepest, going.phi - going.crr):
            out.append("grade" if steepest < going.phi - going.crr else "traction")
        else:
            cos, sin = 1 / np.hypot(1, pitch), pitch / np.hypot(1, pitch)
            cap = (v.speed_road_kmh if on_path else v.speed_cc_kmh) * going.speed_factor
            resist = going.crr * cos + sin
            power = (3.6 * v.driveline_efficiency * v.power_w / (v.mass_kg * physics.G_M_S2
                                                                  * resist)
                     if resist > 0 else np.inf)
            safe = cap / (1 + (100 * abs(pitch) / physics.S_CRIT_PCT[gear]) ** 2)
            out.append(("cap", "power", "safety")[int(np.argmin([cap, power, safe]))])
    return np.array(out, dtype=object)


@dataclass(frozen=True)
class FuelQuestion:
    """One route, priced in both seasons, and its split into steppe, crossing and plain.

    The route is the least-cost one of ``objective`` in ``season``. ``segments``: one row per
    segment with km, climb_m, descent_m, and per season s in (dry, wet): time_h_s, km_per_h_s,
    fuel_l_s, l_per_km_s. ``steps``: one row per step (the columns of
    :func:`logistics.cost.route.evaluate_path` but time/fuel, then relief_m, subgrid_grade,
    time_s_dry, fuel_l_dry, time_s_wet, fuel_l_wet, limit_dry, limit_wet, truck_limit_wet,
    truck_time_s_wet, segment). ``pitch_m``: the sub-grid relief priced (None: smooth).
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
    pitch_m: float | None = SUBGRID_PITCH_M

    def limits_km(self, column: str = "limit_dry", segment: str = "crossing") -> dict[str, float]:
        """km of a segment by the limit binding on its steps (``limit_dry``, ``limit_wet``,
        ``truck_limit_wet``)."""
        part = self.steps[self.steps.segment == segment]
        return {k: float(part.dist_m[part[column] == k].sum()) / 1000.0 for k in LIMITS}

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
    rows, cols = steps["row"].to_numpy(), steps["col"].to_numpy()
    sub = (terrain["subgrid_grade"].values[rows, cols].astype(float)
           if "subgrid_grade" in terrain else np.zeros(len(steps)))
    steps = steps.assign(
        relief_m=relief[rows, cols], subgrid_grade=np.nan_to_num(sub),
        time_s_dry=dry["time_s"].to_numpy(), fuel_l_dry=dry["fuel_l"].to_numpy(),
        time_s_wet=wet["time_s"].to_numpy(), fuel_l_wet=wet["fuel_l"].to_numpy(),
    )
    truck = evaluate_path(terrain, cells, TRUCK, season="wet").iloc[1:]
    return steps.assign(
        limit_dry=binding_limits(v, steps, "dry"), limit_wet=binding_limits(v, steps, "wet"),
        truck_limit_wet=binding_limits(TRUCK, steps, "wet"),
        truck_time_s_wet=truck["time_s"].to_numpy(),
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
    pitch_m: float | None = SUBGRID_PITCH_M,
) -> FuelQuestion:
    """Price the least-cost route start -> destination and split it at the range.

    ``objective`` picks the route (least time by default: an army in a hurry); the fuel of
    that route is what is compared. ``terrain`` may be passed to reuse a loaded grid.
    ``pitch_m`` is the sub-grid relief priced (:func:`with_relief`; None: smooth ground); the
    route is found, and priced, on that ground.
    """
    v = load_vehicle(vehicle)
    if terrain is None:
        terrain = load_terrain(BBOX, resolution_m=resolution_m)
    terrain = with_relief(terrain, pitch_m)
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
        pitch_m=pitch_m,
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
        lim = {c: r.limits_km(c) for c in ("limit_dry", "limit_wet", "truck_limit_wet")}
        part = r.steps[r.steps.segment == "crossing"]
        truck_h = part.truck_time_s_wet.sum() / 3600.0
        rows.append(dict(
            destination=r.destination, resolution_m=r.resolution_m, route=f"least-{r.objective}",
            relief="smooth" if r.pitch_m is None else f"pitch {r.pitch_m:g} m",
            crossing_subgrid_grade_mean=float(part.subgrid_grade.mean()),
            crossing_steepest_pitch=float((part.grade + STEEP_SD * part.subgrid_grade).max()),
            crossing_km_per_h_dry=r.segments.set_index("segment").km_per_h_dry["crossing"],
            crossing_km_per_h_wet=r.segments.set_index("segment").km_per_h_wet["crossing"],
            crossing_km_power_dry=lim["limit_dry"]["power"],
            crossing_km_switchback_dry=lim["limit_dry"]["grade"] + lim["limit_dry"]["traction"],
            crossing_km_power_wet=lim["limit_wet"]["power"],
            crossing_km_switchback_wet=lim["limit_wet"]["grade"] + lim["limit_wet"]["traction"],
            truck_crossing_km_switchback_wet=(lim["truck_limit_wet"]["grade"]
                                              + lim["truck_limit_wet"]["traction"]),
            truck_crossing_km_impassable_wet=lim["truck_limit_wet"]["impassable"],
            truck_crossing_km_per_h_wet=(part.dist_m.sum() / 1000.0 / truck_h
                                         if np.isfinite(truck_h) and truck_h > 0 else 0.0),
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
    results: list[FuelQuestion], path: str | Path, *, map_resolution_m: float = 1500.0,
    smooth: list[FuelQuestion] | None = None,
) -> Path:
    """PNG: the routes on the base map, coloured by segment, and their fuel-per-km profiles.

    ``smooth``: the same routes priced without sub-grid relief, drawn grey in the profiles.
    """
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
        for other in smooth or []:
            if other.destination != res.destination:
                continue
            o = other.steps
            okm = o.dist_m.rolling(window, center=True, min_periods=1).sum() / 1000.0
            ax.plot(o.cum_km, o.fuel_l_dry.rolling(window, center=True, min_periods=1).sum()
                    / okm, "-", color="#777777", lw=0.8, zorder=0,
                    label=f"smooth ground dry: crossing {other.l_per_km('crossing'):.2f} L/km")
        ax2 = ax.twinx()
        ax2.fill_between(s.cum_km, s.elev_m, color="#999999", alpha=0.25, lw=0)
        ax2.set_ylim(0, 2000)
        ax2.set_ylabel("elevation (m)", color="#666666")
        ax.set_zorder(ax2.get_zorder() + 1)
        ax.patch.set_visible(False)
        ax.set_xlabel(f"km from {res.start}")
        ax.set_ylabel(f"{res.vehicle} fuel\n(L/km, 10 km mean)")
        ax.set_ylim(0, None)
        relief = "smooth" if res.pitch_m is None else f"sub-grid pitches {res.pitch_m:g} m"
        ax.set_title(f"to {res.destination} ({relief}): crossing / steppe = "
                     f"{res.ratio('dry', 'dry'):.2f} dry, {res.ratio('wet', 'dry'):.2f} rain on "
                     "the crossing", fontsize=10, loc="left")
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
    shown = resolutions[min(1, len(resolutions) - 1)]
    results, figure, smooth = [], [], []
    for res in resolutions:
        terrain = load_terrain(BBOX, resolution_m=res)
        for dest in ("Solun", "Tuquan", "Lubei"):
            for pitch in PITCHES_M if res == shown else (None, SUBGRID_PITCH_M):
                r = khingan_fuel(destination=dest, terrain=terrain, pitch_m=pitch)
                results.append(r)
                if res == shown and pitch == SUBGRID_PITCH_M:
                    figure.append(r)
                    print(relief_sensitivity(r).assign(destination=dest).round(3).to_string())
                if res == shown and pitch is None:
                    smooth.append(r)
    table = summary(results)
    pd.set_option("display.width", 250)
    print(table.round(3).to_string())
    out = Path(args.out)
    with atomic_path(out.with_suffix(".csv")) as tmp:
        table.round(4).to_csv(tmp, index=False)
    print("wrote", fuel_question_figure(figure, out, smooth=smooth), out.with_suffix(".csv"))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
