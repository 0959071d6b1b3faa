"""Figures of the comparison: advance per axis, documented vs modeled positions, fuel states.

Each function returns a matplotlib Figure on its own Agg canvas (no pyplot, no global backend
change, nothing shown); the caller saves it.
The map is drawn on the project's base map (``logistics.report.basemap``).
"""

from __future__ import annotations

import math
import textwrap

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from logistics import settings

__all__ = ["plot_advance", "plot_positions_map", "plot_fuel_states"]

_DAY = pd.Timedelta(days=1)


def plot_advance(axis: object, rows: pd.DataFrame) -> Figure:
    """Cumulative km vs time for one axis: model (with its P10-P90 band when sampled),
    planned-rate baseline, documented distances (bars; triangles for open bounds) and
    documented places at their route km across the documented day.

    ``axis`` is a ``compare.AxisResult``; ``rows`` its rows of the comparison table.
    """
    fig, ax = _figure((9, 5.5))
    tr = axis.trace.track
    if axis.band is not None:
        ax.fill_between(axis.band["time"], axis.band["p10_km"], axis.band["p90_km"], color="C0",
                        alpha=0.2, lw=0, label=f"model P10-P90 ({len(axis.mc.runs)} draws)")
        ax.plot(axis.band["time"], axis.band["p50_km"], color="C0", ls="--", lw=1, label="model P50")
    ax.plot(tr["time"], tr["cum_km"], color="C0", lw=2, label="model (nominal)")
    ax.plot(axis.baseline["time"], axis.baseline["cum_km"], color="0.4", ls=":", lw=1.5,
            label=f"planned rate {axis.rate.rate_km_per_day:g} km/day ({axis.rate.basis})")
    labelled = set()

    def once(name: str) -> str | None:
        if name in labelled:
            return None
        labelled.add(name)
        return name

    missed = []
    for r in rows.to_dict("records"):
        day = pd.Timestamp(r["date"]) if r["date"] else pd.NaT
        if pd.isna(day):
            continue
        end = day + _DAY
        lo, hi = r["documented_km_min"], r["documented_km_max"]
        if not (_nan(lo) and _nan(hi)):
            if lo == hi:
                ax.plot([end], [lo], marker="D", color="C3", ms=6, ls="", label=once("documented distance"))
            elif not _nan(lo) and not _nan(hi):
                ax.plot([end, end], [lo, hi], color="C3", lw=3, solid_capstyle="butt",
                        label=once("documented distance (range)"))
            elif not _nan(lo):
                ax.plot([end], [lo], marker="^", color="C3", ms=9, ls="", label=once("documented at least"))
            else:
                ax.plot([end], [hi], marker="v", color="C3", ms=9, ls="", label=once("documented at most"))
            ax.annotate(str(r["row"]), (end, lo if not _nan(lo) else hi), xytext=(4, 0),
                        textcoords="offset points", fontsize=7, color="C3")
        if not _nan(r["route_km_at_place"]):
            y = r["route_km_at_place"]
            ax.plot([day, end], [y, y], color="C2", lw=3, label=once("documented place (on route), its day"))
            ax.annotate(str(r["row"]), (end, y), xytext=(4, -3), textcoords="offset points",
                        fontsize=7, color="C2")
        elif not _nan(r["miss_km"]):
            missed.append(f"row {r['row']} ({r['miss_km']:.0f} km)")
    ax.set_ylabel("cumulative km along the modeled route")
    _day_ticks(ax, tr["time"].min(), tr["time"].max())
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    ax.set_title(f"{axis.axis_id}: modeled advance vs documented", fontsize=10)
    if missed:
        ax.set_xlabel(textwrap.fill("Places the modeled route misses (not drawn): " + ", ".join(missed), 120),
                      fontsize=7, loc="left")
    return fig


def plot_positions_map(comparison: object, *, resolution_m: float | None = None) -> Figure:
    """Documented places vs the modeled position at the end of each documented day, with each
    axis's modeled route, on the base map (bbox fitted to everything drawn)."""
    from logistics.report.basemap import base_map, plot_lonlat

    table = comparison.table
    lons, lats = [table["lon"].dropna().to_numpy()], [table["lat"].dropna().to_numpy()]
    for res in comparison.axes.values():
        lons.append(res.trace.route_points["lon"].to_numpy())
        lats.append(res.trace.route_points["lat"].to_numpy())
    lon_all, lat_all = np.concatenate(lons), np.concatenate(lats)
    w, s, e, n = settings.THEATRE_BBOX
    bbox = (max(w, float(lon_all.min()) - 1), max(s, float(lat_all.min()) - 1),
            min(e, float(lon_all.max()) + 1), min(n, float(lat_all.max()) + 1))
    fig, ax = base_map(bbox, resolution_m=resolution_m, labels=True,
                       title="Documented places vs modeled positions at the end of the same day")
    for i, (axis_id, res) in enumerate(comparison.axes.items()):
        color = f"C{i % 10}"
        rp = res.trace.route_points
        plot_lonlat(ax, rp["lon"].to_numpy(), rp["lat"].to_numpy(), color=color, lw=1.2, label=f"{axis_id} route")
        rows = table[(table["axis_id"] == axis_id) & table["lat"].notna()]
        for r in rows.to_dict("records"):
            t = pd.Timestamp(r["date"]) + _DAY
            mlon, mlat = _position_at(res.trace.track, t)
            plot_lonlat(ax, np.array([r["lon"], mlon]), np.array([r["lat"], mlat]), color="0.3", lw=0.6)
            plot_lonlat(ax, np.array([r["lon"]]), np.array([r["lat"]]), marker="^", ms=7, ls="",
                        color=color, markeredgecolor="k")
            plot_lonlat(ax, np.array([mlon]), np.array([mlat]), marker="o", ms=5, ls="", color="w",
                        markeredgecolor=color)
    ax.plot([], [], marker="^", ls="", color="0.5", markeredgecolor="k", label="documented place")
    ax.plot([], [], marker="o", ls="", color="w", markeredgecolor="0.3", label="model at end of that day")
    base_legend = ax.get_legend()
    ax.legend(fontsize=7, loc="upper right", framealpha=0.9)
    if base_legend is not None:
        ax.add_artist(base_legend)
    return fig


def plot_fuel_states(verdict: object, states: pd.DataFrame) -> Figure | None:
    """Modeled refills on hand per day beside the documented refill states (None when the run
    has no ``refills_total`` column)."""
    d = verdict.daily
    if "refills_total" not in d or d.empty:
        return None
    fig, ax = _figure((8, 4))
    days = pd.to_datetime(d["date"])
    ax.plot(days, d["refills_total"], color="C0", marker="o", ms=3, label="model: refills on hand (end of day)")
    classes = [c for c in d.columns if c.startswith("refills_") and c != "refills_total"]
    for i, col in enumerate(classes):
        ax.plot(days, d[col], color=f"C{(i + 4) % 10}", lw=0.9, ls="-.",
                label=f"model: {col.removeprefix('refills_')}")
    doc = states.dropna(subset=["refills"])
    for i, s in enumerate(doc.to_dict("records")):
        ax.plot([s["date"]], [s["refills"]], marker="D", color="C3", ls="",
                label="documented (per corps)" if i == 0 else None)
        ax.annotate(s["formation"].split(" (")[0], (s["date"], s["refills"]), xytext=(5, 2),
                    textcoords="offset points", fontsize=7)
    if verdict.runs_dry:
        ax.axvline(verdict.first_dry.normalize(), color="C1", ls="--",
                   label=f"model first held for fuel ({verdict.first_dry:%d %b %H:%M})")
    ax.set_ylabel("refills (one full set of tanks)")
    ax.set_xlabel("date (model and documented states at the end of the day)")
    _day_ticks(ax, days.min(), days.max())
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(f"{verdict.axis_id}: fuel on hand, model vs documented", fontsize=10)
    return fig


def _figure(size: tuple[float, float]) -> tuple[Figure, object]:
    fig = Figure(figsize=size, layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def _day_ticks(ax, start, end) -> None:
    """Day ticks, thinned so that about a dozen labels show."""
    span_days = max(1, int((pd.Timestamp(end) - pd.Timestamp(start)) / _DAY))
    ax.xaxis.set_major_locator(mdates.DayLocator(interval=max(1, -(-span_days // 12))))
    ax.xaxis.set_minor_locator(mdates.DayLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))


def _position_at(track: pd.DataFrame, when: pd.Timestamp) -> tuple[float, float]:
    t = pd.to_datetime(track["time"]).to_numpy("datetime64[ns]").astype(np.int64)
    v = pd.Timestamp(when).value
    return (float(np.interp(v, t, track["lon"].to_numpy(float))),
            float(np.interp(v, t, track["lat"].to_numpy(float))))


def _nan(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or pd.isna(v)
