"""report.md of a run: what was run, on which data and parameters, the results, the assumptions.

Deterministic text (no wall-clock time), so reruns give byte-identical reports.
"""

from __future__ import annotations

import json

import pandas as pd
from pydantic import BaseModel

from logistics.places import display_name
from logistics.scenario import Figure, Point, Scenario, figure_paths

__all__ = ["run_report", "summary_lines"]


def _fmt_time(t) -> str:
    return "-" if t is None else pd.Timestamp(t).strftime("%d %b %H:%M")


def summary_lines(result) -> list[str]:
    """The one-screen summary printed by ``logistics run`` (also the report's headline)."""
    s, sc = result.summary, result.scenario
    lines = [
        f"{sc.axis_id} ({sc.name}): {s['days']} days, {s['km']:.0f} km of a {s['route_km']:.0f} km "
        f"route; {s['km_per_day']:.0f} km/day on average ({s['km_per_moving_day']:.0f} km per "
        "day on days it moved)",
        f"  column {s['column_length_km']:.0f} km long per route; head on the move "
        f"{s['moving_hours_per_day']:.1f} h/day",
    ]
    if s["arrived"]:
        lines.append(f"  arrived at the last objective on {_fmt_time(s['arrived']['time'])}")
    dry, started_dry = s["first_dry"], s.get("started_dry")
    if started_dry:
        moved = started_dry["moved"]
        lines.append(
            "  started with 0 L of fuel: halted at H-hour "
            + (f"until fuel arrived; first moved {_fmt_time(moved)}" if moved is not None
               else "and no fuel arrived before the end of the run")
        )
    elif dry:
        lines.append(
            f"  fuel ran out first on {_fmt_time(dry['time'])} at km {dry['cum_km']:.0f}, "
            f"{dry['near']} ({dry['lat']:.2f} N, {dry['lon']:.2f} E): "
            f"{dry['class'] or 'a class'} dry"
        )
    else:
        lines.append("  fuel never ran out")
    for h in s["halts"][:6]:
        lines.append(f"  {h['reason']}: {_fmt_time(h['start'])} - {_fmt_time(h['end'])} "
                     f"at km {h['cum_km']:.0f}")
    if len(s["halts"]) > 6:
        lines.append(f"  ... {len(s['halts']) - 6} more halts (see report.md)")
    hi = s["highest"]
    if hi:
        lines.append(
            f"  highest point of the route (the range crossing): {hi['elev_m']:.0f} m, "
            f"{hi['near']} ({hi['lat']:.3f} N, {hi['lon']:.3f} E), km {hi['cum_km']:.0f}, "
            f"passed {_fmt_time(hi['time'])}"
        )
    reached = result.reached[result.reached["kind"] == "objective"]
    if len(reached):
        lines.append("  objectives: " + "; ".join(
            f"{display_name(r.name)} {_fmt_time(r.time)}" for r in reached.itertuples(index=False)))
    return lines


def _provenance_rows(sc: Scenario) -> tuple[list[str], list[str]]:
    """(assumptions, citations) of every figure and point of the scenario, by key."""
    assumed, cited = [], []
    for path, fig in figure_paths(sc).items():
        (assumed if fig.is_assumed else cited).append(
            f"`{path}` = {fig.value}: {fig.assumed or fig.cite}")
    for path, obj in _walk(sc, ""):
        if isinstance(obj, Point):
            (assumed if obj.assumed else cited).append(
                f"`{path}` {obj.place}: {obj.assumed or obj.cite}")
        elif isinstance(obj, Figure) and not isinstance(obj.value, (int, float)):
            (assumed if obj.is_assumed else cited).append(
                f"`{path}` = {obj.value}: {obj.assumed or obj.cite}")
    return assumed, cited


def _walk(obj, path: str):
    if isinstance(obj, BaseModel):
        yield path.rstrip("."), obj
        if isinstance(obj, Figure):
            return
        for name in type(obj).model_fields:
            yield from _walk(getattr(obj, name), f"{path}{name}.")
    elif isinstance(obj, (list, tuple)):
        for i, item in enumerate(obj):
            yield from _walk(item, f"{path}{i}.")
    elif isinstance(obj, dict):
        for k, item in obj.items():
            yield from _walk(item, f"{path}{k}.")


def _table(df: pd.DataFrame) -> str:
    cols = list(df.columns)
    out = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for rec in df.itertuples(index=False):
        cells = [f"{v:.1f}" if isinstance(v, float) else str(v) for v in rec]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def run_report(result) -> str:
    """The report page of one run (Markdown)."""
    sc, prov, plan = result.scenario, result.provenance, result.plan
    assumed, cited = _provenance_rows(sc)
    lines = [f"# {sc.axis_id}: {sc.name}", "", f"{sc.front}. {sc.notes}".strip(), ""]
    summary = [ln.replace("(see report.md)", "(all under Halts below)")  # this is report.md
               for ln in summary_lines(result)]
    lines += ["## Summary", "", "```", *summary, "```", ""]
    if len(result.summary.get("halts", [])) > 6:
        lines += ["## Halts", "", *(f"- {h['reason']}: {_fmt_time(h['start'])} - "
                                   f"{_fmt_time(h['end'])} at km {h['cum_km']:.0f}"
                                   for h in result.summary["halts"]), ""]
    lines += ["## What was run", ""]
    lines += [f"- {k}: `{json.dumps(prov[k], default=str)}`" for k in (
        "scenario_file", "scenario_sha256", "dem", "resolution_m", "seed", "events",
        "overrides", "logistics_version", "git_commit", "grid_shape")]
    lines += ["- command: `logistics run " + str(prov["scenario_file"]) + "`", ""]
    lines += ["## Data", ""]
    lines += [f"- terrain {k}: {v}" for k, v in prov.get("terrain", {}).items()]
    lines += [f"- vehicle `{k}`: {v}" for k, v in prov.get("vehicles", {}).items()]
    lines += ["- route waypoints: " + "; ".join(
        f"{n} ({lat:.3f} N, {lon:.3f} E)" for n, lon, lat in prov.get("waypoints", [])), ""]
    lines += ["## Parameters", ""]
    if plan is not None:
        groups = pd.DataFrame([{
            "class": g.vehicle_id, "count": g.count, "tank_l": g.tank_l, "extra_l": g.extra_l,
            "fuel": g.fuel_type, "start_l": float(a), "capacity_l": float(c)}
            for g, a, c in zip(plan.groups, plan.on_hand_l, plan.capacity_l)])
        lines += [_table(groups), ""]
        lines += [f"- reserve on the formation's transport ({ft}): {v:,.0f} L at start, holds "
                  f"{plan.reserve_capacity_l.get(ft, 0.0):,.0f} L"
                  for ft, v in plan.reserve_l.items()]
        sch = plan.schedule
        lines += [
            f"- march: from {sch.start_hour:g}:00 for {sch.hours_per_day:g} h/day; column "
            f"{plan.column_length_km:.1f} km per route closes up in {sch.close_up_h:.2f} h, so "
            f"the head moves {sch.moving_hours_per_day:.2f} h/day",
            f"- seasons: " + "; ".join(f"{s} from +{h:.0f} h" for h, s in plan.seasons),
            f"- stops on the route: {len(plan.stops)} ("
            + ", ".join(sorted({s.kind for s in plan.stops})) + ")",
            f"- truck columns: {len(plan.trucks)}; airlifts: {len(plan.airlifts)}; timed "
            f"events: {len(plan.timed_events)}",
            "",
        ]
    lines += ["## Results", ""]
    cols = ["date", "cum_km", "km_day", "status", "refills_total", "delivered_l", "consumed_l"]
    lines += [_table(result.daily[[c for c in cols if c in result.daily]]), ""]
    if len(result.reached):
        lines += ["Stops reached:", "", _table(result.reached.assign(
            time=result.reached["time"].map(_fmt_time))), ""]
    if len(result.deliveries):
        d = result.deliveries.groupby(["kind", "source"], as_index=False)[
            ["litres", "truck_fuel_l"]].sum()
        lines += ["Deliveries (litres):", "", _table(d), ""]
    lines += ["## Assumptions", ""]
    lines += [f"- {a}" for a in assumed] or ["- none"]
    lines += [f"- run note: {n}" for n in result.notes]
    lines += ["- model: the formation moves as one column at the pace of its slowest class; "
              "the reported position is the head of the main body; fuel is not burned while "
              "halted; a truck convoy drives to where the formation was when it left.", ""]
    lines += ["## Sources", ""]
    lines += [f"- {c}" for c in cited] or ["- none"]
    return "\n".join(lines) + "\n"
