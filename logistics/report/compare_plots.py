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

__all__ = ["place_label", "plot_advance", "plot_positions_map", "plot_fuel_states"]

_DAY = pd.Timedelta(days=1)


def place_label(text: object, n: int = 22) -> str:
    """A documented place as a short label: its name up to the first bracket, comma or dash."""
    t = str(text or "").strip().strip("'\"")
    for sep in (" (", ",", ";", " - ", " via "):
        if sep in t:
            t = t.split(sep)[0]
    t = t.strip().strip("'\"") or "?"
    return t if len(t) <= n else t[: n - 1] + "…"


def plot_advance(axis: object, rows: pd.DataFrame) -> Figure:
    """Depth beyond the departure line vs time for every formation of one axis (the headline's
    P10-P90 band when sampled), the planned rates of the rows' formations from H-hour, and the
    documented rows labelled by place: distances as bars at the end of their day, places at
    their depth along the matched formation's route across their day, each joined to the
    model's event time there.

    ``axis`` is a ``compare.AxisResult``; ``rows`` its rows of the comparison table.
    """
    from logistics.history.depth import crossing_km

    fig, ax = _figure((10, 6))
    army = axis.trace
    h = pd.to_datetime(army.tracks["time"]).min()
    t_end = pd.to_datetime(army.tracks["time"]).max()
    colours = {}
    for i, fid in enumerate(army.formation_ids):
        colours[fid] = f"C{i % 10}"
        tr = army.track_of(fid)
        cross = crossing_km(army.route_of(fid), axis.line)
        name = army.formation(fid).get("name", fid)
        ax.plot(tr["time"], tr["cum_km"] - cross, color=colours[fid], lw=1.6,
                label=textwrap.shorten(f"{fid}: {name}", 60))
    if axis.band is not None:
        ax.fill_between(axis.band["time"], axis.band["p10_km"], axis.band["p90_km"], color="0.5",
                        alpha=0.2, lw=0, label=f"headline P10-P90 ({len(axis.mc.runs)} draws, km from its start)")
    for name in sorted({str(c) for c in rows.get("baseline_rate_class", pd.Series(dtype=object)).dropna() if c}):
        rate = axis.rates.rates[name].rate_km_per_day
        days = (t_end - h) / _DAY
        ax.plot([h, t_end], [0, rate * days], color="0.4", ls=":", lw=1.2,
                label=f"planned rate, {name}: {rate:g} km/day")
    labelled: set[str] = set()

    def once(name: str) -> str | None:
        if name in labelled:
            return None
        labelled.add(name)
        return name

    for r in rows.to_dict("records"):
        day = pd.Timestamp(r["date"]) if r["date"] else pd.NaT
        if pd.isna(day):
            continue
        end = day + _DAY
        label = place_label(r["place_reached"])
        colour = colours.get(str(r.get("matched_formation") or ""), "C3")
        lo, hi = r["documented_km_min"], r["documented_km_max"]
        y = r.get("baseline_route_depth_km")
        on_route = not _nan(y) and r.get("event") not in ("distance", "air_landing")
        if not (_nan(lo) and _nan(hi)) and r.get("scorable_km"):
            if lo == hi:
                ax.plot([end], [lo], marker="D", color=colour, ms=6, ls="", mec="k", label=once("documented depth"))
            elif not _nan(lo) and not _nan(hi):
                ax.plot([end, end], [lo, hi], color=colour, lw=4, alpha=0.7, solid_capstyle="butt",
                        label=once("documented depth (range)"))
            elif not _nan(lo):
                ax.plot([end], [lo], marker="^", color=colour, ms=9, ls="", mec="k", label=once("documented at least"))
            else:
                ax.plot([end], [hi], marker="v", color=colour, ms=9, ls="", mec="k", label=once("documented at most"))
            if not on_route:  # a row with a place too is labelled once, at the place's bar
                ax.annotate(label, (end, lo if not _nan(lo) else hi), xytext=(4, 2), textcoords="offset points",
                            fontsize=7, color="k")
        if on_route:
            ax.plot([day, end], [y, y], color=colour, lw=4, alpha=0.5,
                    label=once("documented place: its day, at its depth on the matched route"))
            ax.annotate(label, (end, y), xytext=(4, -3), textcoords="offset points", fontsize=7)
            arr = r.get("modeled_arrival")
            if arr is not None and not pd.isna(arr):
                ax.plot([pd.Timestamp(arr)], [y], marker="o", mfc="w", mec=colour, ls="",
                        label=once("model's event time there"))
                ax.plot([pd.Timestamp(arr), end if pd.Timestamp(arr) > end else day], [y, y], color=colour, lw=0.6)
    tops = [float((army.tracks["cum_km"]).max())]
    tops += [float(v) for v in pd.to_numeric(rows.get("documented_km_max", pd.Series(dtype=float))).dropna()]
    tops += [float(v) for v in pd.to_numeric(rows.get("baseline_route_depth_km", pd.Series(dtype=float))).dropna()]
    ax.set_ylim(bottom=min(0.0, ax.get_ylim()[0]), top=max(tops) * 1.15 + 10)
    ax.set_ylabel("km beyond the departure line (along each formation's route)")
    _day_ticks(ax, h, t_end)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="upper left")
    ax.set_title(f"{axis.axis_id}: modeled formations vs documented", fontsize=10)
    return fig


def plot_positions_map(comparison: object, *, resolution_m: float | None = None) -> Figure:
    """Documented places vs the matched formation's modeled position at the end of each
    documented day, joined by a line, with every formation's route, on the base map with the
    fortified regions and the 1945 railways under them: those of the configs folder the
    comparison read (``Comparison.config_dir``), as its relief's 1945 land cover."""
    from logistics.report.basemap import base_map, legend_beside, plot_lonlat

    table = comparison.table
    lons, lats = [table["lon"].dropna().to_numpy()], [table["lat"].dropna().to_numpy()]
    for res in comparison.axes.values():
        lons.append(res.trace.routes["lon"].to_numpy())
        lats.append(res.trace.routes["lat"].to_numpy())
    lon_all, lat_all = np.concatenate(lons), np.concatenate(lats)
    w, s, e, n = settings.THEATRE_BBOX
    bbox = (max(w, float(lon_all.min()) - 1), max(s, float(lat_all.min()) - 1),
            min(e, float(lon_all.max()) + 1), min(n, float(lat_all.max()) + 1))
    folder = getattr(comparison, "config_dir", None)  # the folder compare read
    fig, ax = base_map(bbox, resolution_m=resolution_m, labels=True, trim_nodata=True,
                       title="Documented places vs the matched formation at the end of the same day",
                       config_dir=folder)
    from logistics.report.context_draw import draw_context
    from logistics.report.context_layers import context_layers
    from logistics.terrain import to_metric

    context = draw_context(ax, to_metric, context_layers(bbox, config_dir=folder))
    for i, (axis_id, res) in enumerate(comparison.axes.items()):
        color = f"C{i % 10}"
        for k, fid in enumerate(res.trace.formation_ids):
            rp = res.trace.route_of(fid)
            plot_lonlat(ax, rp["lon"].to_numpy(), rp["lat"].to_numpy(), color=color, lw=1.0,
                        ls=("-", "--", "-.", ":")[k % 4], label=f"{axis_id} {fid}",
                        zorder=5)  # above the context layers (zorder 4-4.5)
        rows = table[(table["axis_id"] == axis_id) & table["lat"].notna()]
        for r in rows.to_dict("records"):
            plot_lonlat(ax, np.array([r["lon"]]), np.array([r["lat"]]), marker="^", ms=7, ls="",
                        color=color, markeredgecolor="k", zorder=7)
            mlon, mlat = r.get("modeled_lon"), r.get("modeled_lat")
            if _nan(mlon) or _nan(mlat):
                continue
            plot_lonlat(ax, np.array([r["lon"], mlon]), np.array([r["lat"], mlat]), color="0.3",
                        lw=0.6, zorder=6)
            plot_lonlat(ax, np.array([mlon]), np.array([mlat]), marker="o", ms=5, ls="", color="w",
                        markeredgecolor=color, zorder=7)
    ax.plot([], [], marker="^", ls="", color="0.5", markeredgecolor="k", label="documented place")
    ax.plot([], [], marker="o", ls="", color="w", markeredgecolor="0.3", label="matched formation, end of that day")
    # beside the map, not on it: inside, the list of every formation hid the eastern axes
    legend_beside(ax, ax.get_legend_handles_labels()[0] + context, fontsize=6)
    return fig


def plot_fuel_states(verdict: object, states: pd.DataFrame, trace: object | None = None) -> Figure | None:
    """Modeled refills on hand of every formation (end of each day) beside the documented
    refill states, each coloured as the formation it is matched to (None when the run gives no
    refills). ``trace`` is the army (a ``RunTrace``); without it, the headline's daily
    ``refills_total``."""
    fig, ax = _figure((9, 4.5))
    colours: dict[str, str] = {}
    drawn = False
    if trace is not None and "refills_on_hand" in trace.tracks:
        for i, fid in enumerate(trace.formation_ids):
            tr = trace.track_of(fid)
            if tr["refills_on_hand"].notna().any():
                colours[fid] = f"C{i % 10}"
                ax.plot(pd.to_datetime(tr["time"]), tr["refills_on_hand"], color=colours[fid], lw=1.3,
                        label=textwrap.shorten(f"model {fid}: {trace.formation(fid).get('name', '')}", 55))
                drawn = True
    elif "refills_total" in verdict.daily and not verdict.daily.empty:
        d = verdict.daily
        ax.plot(pd.to_datetime(d["date"]) + _DAY, d["refills_total"], color="C0", marker="o", ms=3,
                label="model: refills on hand (end of day)")
        drawn = True
    if not drawn:
        return None
    doc = states.dropna(subset=["refills"])
    for i, s in enumerate(doc.to_dict("records")):
        fid = str(s.get("matched_formation") or "").split(",")[0]
        when = pd.Timestamp(s["date"]) + _DAY
        ax.plot([when], [s["refills"]], marker="D", color=colours.get(fid, "C3"), mec="k", ls="",
                label="documented (end of its day)" if i == 0 else None)
        ax.annotate(str(s["formation"]).split(" (")[0], (when, s["refills"]), xytext=(5, 2),
                    textcoords="offset points", fontsize=7)
    if verdict.first_vehicles_dry is not None:
        ax.axvline(verdict.first_vehicles_dry, color="C1", ls=":",
                   label=f"first vehicles left dry ({verdict.first_vehicles_dry:%d %b %H:%M}, "
                         f"{verdict.vehicles_dry_formation})")
    if verdict.runs_dry:
        ax.axvline(verdict.first_dry, color="C1", ls="--",
                   label=f"first formation held for fuel ({verdict.first_dry:%d %b %H:%M}, "
                         f"{verdict.dry_formation})")
    ax.set_ylabel("refills on hand (one full set of tanks)")
    ax.set_xlabel("date")
    t = pd.to_datetime(trace.tracks["time"]) if trace is not None else pd.to_datetime(verdict.daily["date"])
    _day_ticks(ax, t.min(), t.max())
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    ax.set_title(f"{verdict.axis_id}: fuel on hand, model formations vs documented", fontsize=10)
    return fig


def _figure(size: tuple[float, float]) -> tuple[Figure, object]:
    fig = Figure(figsize=size, layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


#: Widest axis (days) that gets a minor tick every day.
_DAILY_MINOR_DAYS = 120


def _day_ticks(ax, start, end) -> None:
    """Day ticks, thinned so that about a dozen labels show, over what is drawn (the run, and
    a documented row dated years away, which asked for thousands of daily ticks)."""
    lo, hi = ax.get_xlim()  # days, matplotlib's date numbers
    span_days = max(1, int((pd.Timestamp(end) - pd.Timestamp(start)) / _DAY), int(hi - lo))
    ax.xaxis.set_major_locator(mdates.DayLocator(interval=max(1, -(-span_days // 12))))
    if span_days <= _DAILY_MINOR_DAYS:
        ax.xaxis.set_minor_locator(mdates.DayLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))


def _nan(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or pd.isna(v)
