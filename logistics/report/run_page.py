"""report.md of a run: what was run, on which data and parameters, the results, the assumptions.

Deterministic text (no wall-clock time), so reruns give byte-identical reports.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pandas as pd
from pydantic import BaseModel

from logistics.places import display_name
from logistics.army.base import Figure
from logistics.advance.plan import carriers_text

__all__ = ["run_report", "summary_lines", "clock_note", "utc_zone", "utc_offset_h"]


def utc_offset_h(scenario) -> float | None:
    """The army file's ``utc_offset_h`` (hours), None when the scenario has none."""
    off = getattr(scenario, "utc_offset_h", None)
    off = getattr(off, "value", off)
    return None if off is None else float(off)


def utc_zone(offset_h: float, *, iso: bool = False) -> str:
    """The army's clock by its offset from UTC: ``UTC+10`` for ``offset_h`` 10 (``UTC-3:30``
    for -3.5); with ``iso`` the ISO 8601 offset that follows a time, ``+10:00`` (``-03:30``)."""
    sign = "-" if offset_h < 0 else "+"
    h, m = divmod(round(abs(offset_h) * 60), 60)
    if iso:
        return f"{sign}{h:02d}:{m:02d}"
    return f"UTC{sign}{h}" + (f":{m:02d}" if m else "")


def clock_note(offset_h: float) -> str:
    """What the times of a run's tables and layers are: the army's local clock, ``UTC+10``
    for ``offset_h`` 10 (``UTC-3:30`` for -3.5), written without a zone."""
    return (f"times are local, {utc_zone(offset_h)} (the army file's utc_offset_h), written "
            f"without a time zone")


def _fmt_time(t) -> str:
    return "-" if t is None else pd.Timestamp(t).strftime("%d %b %H:%M")


def _halt_text(h: dict) -> str:
    """A halt spell: 'start - end at km K', and that it lasts to the run's end when no march
    follows it (``runner._halts`` ``to_end``); a spell the track first shows at its one
    halted step's end (the head drove part of that hour, then stood): 'under an hour to
    end', not 'end - end'."""
    span = (f"under an hour to {_fmt_time(h['end'])}" if h["end"] <= h["start"]
            else f"{_fmt_time(h['start'])} - {_fmt_time(h['end'])}")
    return (f"{span} at km {h['cum_km']:.0f}"
            + (", still halted when the run ends" if h.get("to_end") else ""))


def summary_lines(result) -> list[str]:
    """The one-screen summary printed by ``logistics run`` (also the report's headline): the
    army, then one line per formation (km, arrival, first fuel halt), then the headline
    formation's halts and range crossing."""
    s, sc = result.summary, result.scenario
    n = len(s.get("formations", []))
    lines = [f"{sc.axis_id} ({sc.name}): {n} formation{'' if n == 1 else 's'}, "
             f"{s['days']} days; headline {s['formation_id']}: {s['km']:.0f} km of a "
             f"{s['route_km']:.0f} km route"]
    for f in s.get("formations", []):
        arr = f"arrived {_fmt_time(f['arrived']['time'])}" if f["arrived"] else "not arrived"
        if f["arrived"] and "all_time" in f["arrived"]:  # the rest: carried, or its tail
            whole = f["arrived"]["all_time"]
            arr += (f" (all of it {_fmt_time(whole)})" if whole is not None
                    else " (the rest not by the run's end)")
        dry = (f"held for fuel from {_fmt_time(f['first_dry']['time'])} at km "
               f"{f['first_dry']['cum_km']:.0f} ({f['first_dry']['class']})"
               if f["first_dry"] else "never held for fuel")
        if f["first_dry"] and "reserve_km" in f["first_dry"]:
            dry += f", the army's reserve {f['first_dry']['reserve_km']:.0f} km away"
        v = f.get("first_vehicles_dry")
        if v and (not f["first_dry"] or v["time"] < f["first_dry"]["time"]):
            dry += (f"; vehicles left dry from {_fmt_time(v['time'])} at km {v['cum_km']:.0f} "
                    f"({v['class']})")
        said = "".join(f"; {n}" for n in f.get("notes", ()))
        # an arrived formation's rate up to its arrival, not diluted by the days it then stood
        rate = (f"{f['arrived']['km_per_day']:.0f} km/day to arrival"
                if f["arrived"] and f["arrived"].get("km_per_day", 0) > 0
                else f"{f['km_per_day']:.0f} km/day")
        lines.append(f"  {f['formation_id']}: {f['km']:.0f}/{f['route_km']:.0f} km, "
                     f"{rate}; {arr}; {dry}{said}")
    first = s.get("first_dry_formation")
    if first:
        d = first["first_dry"]
        lines.append(f"  first held for fuel: {first['formation_id']} on {_fmt_time(d['time'])} "
                     f"at km {d['cum_km']:.0f}, {d['near']} ({d['lat']:.2f} N, "
                     f"{d['lon']:.2f} E): {d['class'] or 'a class'} dry")
    else:
        lines.append("  no formation was held for fuel")
    for h in s["halts"][:6]:
        lines.append(f"  {s['formation_id']} {h['reason']}: {_halt_text(h)}")
    if len(s["halts"]) > 6:
        more = len(s["halts"]) - 6
        lines.append(f"  ... {more} more halt{'s' * (more != 1)} of {s['formation_id']} "
                     "(see report.md)")
    hi = s["highest"]
    if hi:
        lines.append(
            f"  highest point of {s['formation_id']}'s route: {hi['elev_m']:.0f} m, "
            f"{hi['near']} ({hi['lat']:.3f} N, {hi['lon']:.3f} E), km {hi['cum_km']:.0f}, "
            + (f"passed {_fmt_time(hi['time'])}" if hi["time"] is not None else "not reached")
        )
    # in time order: the loop books them by hour step, then in the army's formation order,
    # so two reached within one hour read out of order (5gtc 01:45 before 9gmc 01:17)
    reached = result.reached[result.reached["kind"] == "objective"].sort_values(
        "time", kind="stable")
    if len(reached):
        lines.append("  objectives: " + _cut_between("; ", [
            f"{r.formation_id} {display_name(r.name)} {_fmt_time(r.time)}"
            for r in reached.itertuples(index=False)],
            "more (every reached objective: report.md, Results)"))
    return lines


def _cut_between(sep: str, entries: list[str], rest: str, limit: int = 600) -> str:
    """``entries`` joined by ``sep``, as many whole ones as fit in ``limit`` characters, then
    "... N <rest>" for those left out (a name is never cut in the middle)."""
    out: list[str] = []
    for i, entry in enumerate(entries):
        if out and len(sep.join(out + [entry])) > limit:
            return sep.join(out + [f"... {len(entries) - i} {rest}"])
        out.append(entry)
    return sep.join(out)


def _provenance_rows(sc) -> tuple[list[str], list[str]]:
    """(assumptions, citations) of every figure and point of the army file, by key."""
    assumed, cited = [], []
    for path, obj in _walk(sc, ""):
        if isinstance(obj, Figure):
            (assumed if obj.is_assumed else cited).append(
                f"`{path}` = {obj.value}: {obj.assumed or obj.cite}")
        elif isinstance(obj, BaseModel) and ("cite" in type(obj).model_fields
                                             or "assumed" in type(obj).model_fields):
            what = getattr(obj, "assumed", None) or getattr(obj, "cite", None)
            if what:
                label = getattr(obj, "place", None) or getattr(obj, "name", None) or ""
                (assumed if getattr(obj, "assumed", None) else cited).append(
                    f"`{path}` {label}: {what}".replace("`` ", ""))
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
        cells = [("-" if v != v else f"{v:.1f}") if isinstance(v, float) else str(v)
                 for v in rec]  # NaN (no value: a railhead's km, a carried party's fuel): "-"
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def run_command(prov: dict, out: str | Path | None = None) -> str:
    """The ``logistics run`` command line that repeats a run: the army file, every option
    whose value differs from its default (seed, grid, DEM, events) and ``--out`` (the folder
    written, when known). Each path is one shell word (``'my axis.yaml'``) in the page's
    portable form (:func:`~logistics.report.references.portable_path`: relative to the working
    folder of the run, a page names no absolute path), made portable before it is quoted: the
    page's rewrite of absolute paths stops at a space and cut a quoted path in two."""
    from logistics import settings
    from logistics.report.references import portable_path

    parts = ["logistics", "run", shlex.quote(portable_path(str(prov["scenario_file"])))]
    if int(prov.get("seed") or 0) != 0:
        parts += ["--seed", str(int(prov["seed"]))]
    res = prov.get("resolution_m")
    if res is not None and float(res) != settings.SHIPPED_RESOLUTION_M:  # not the env's
        parts += ["--resolution-m", f"{float(res):g}"]
    if prov.get("dem", "merged") != "merged":
        parts += ["--dem", str(prov["dem"])]
    if prov.get("events") is False:
        parts += ["--no-events"]
    if out is not None:
        parts += ["--out", shlex.quote(portable_path(out))]
    return " ".join(parts)


def _scenario_in_copy(path: str, copy: str | None, config_dir=None) -> str:
    """The army file as the command names it: one inside the copied configs folder ``copy``
    (the run's ``config_dir``, ``settings.CONFIG_DIR`` when None) by that folder's path
    (``my-configs/x.yaml``), since the page's ``configs/x.yaml`` pasted beside
    ``LOGISTICS_CONFIG_DIR=my-configs`` names the shipped file or none; else as given."""
    from logistics import settings

    p = Path(path)
    if copy and p.is_absolute():
        try:
            inside = p.resolve().relative_to(settings.configs_folder(config_dir))
        except ValueError:
            return path
        return f"{copy}/{inside.as_posix()}"
    return path


def _paths_note(prov: dict) -> str:
    """How the command's paths read: relative to the folder the run was made in, and the army
    file named by its last part when it lay outside it and the known folders (a page names no
    absolute path, issue 15 item 5)."""
    from logistics.report.references import path_kept

    p = prov["scenario_file"]
    cut = Path(p).name if p is not None and not path_kept(p) else ""
    return ("paths relative to the folder the run was made in" + (
        f"; {cut} by name only: it was outside it, and a page names no absolute path"
        if cut else ""))


def _shared_lines(given) -> list[str]:
    """The breaches of fortified regions other armies of the run made that this one was
    given (``provenance["shared_breaches"]``, :mod:`logistics.advance.shared_breaches`): one
    line each, and why the command above alone does not give them."""
    if not given:
        return []

    def when(text) -> str:
        return "not by the run's end" if not text else f"{pd.Timestamp(text):%d %b %H:%M}"

    return ["- shared breaches (run with the other armies of its folder, `logistics run "
            "<folder>` or `logistics compare`; the command above runs it alone, without them): "
            + "; ".join(f"{b['region_id']} by {b['formation_id']} of {b['army']} (broke in "
                        f"{when(b['entered'])}, through {when(b['through'])})" for b in given)]


def run_report(result) -> str:
    """The report page of one run (Markdown): the same bytes wherever the run is written."""
    sc, prov, plan = result.scenario, result.provenance, result.plan
    assumed, cited = _provenance_rows(sc)
    lines = [f"# {sc.axis_id}: {sc.name}", "", f"{sc.front}. {sc.notes}".strip(), ""]
    summary = [ln.replace("(see report.md)", "(all under Halts below)")  # this is report.md
               for ln in summary_lines(result)]
    lines += ["## Summary", "", "```", *summary, "```", ""]
    if len(result.summary.get("halts", [])) > 6:  # the headline's, as the summary's lines
        lines += [f"## Halts of {result.summary['formation_id']} (the headline formation)", "",
                  *(f"- {h['reason']}: {_halt_text(h)}"
                    for h in result.summary["halts"]), ""]
    offset = utc_offset_h(sc)
    if offset is not None:  # every table and line of this page, and map.html
        lines += [f"All {clock_note(offset)} (run.gpkg, as the GeoPackage standard asks, "
                  f"stores each as its UTC instant with this clock beside it in "
                  f"`<field>_local`); distances in km along each formation's own route from "
                  f"its start.", ""]
    lines += ["## What was run", ""]
    lines += [f"- {k}: `{json.dumps(prov[k], default=str, ensure_ascii=False)}`" for k in (
        "scenario_file", "scenario_sha256", "dem", "resolution_m", "seed", "events",
        "overrides", "logistics_version", "git_commit", "grid_shape")]
    copy = prov.get("config_dir")  # a copied configs folder: the paths below are in it
    env = f"LOGISTICS_CONFIG_DIR={shlex.quote(copy)} " if copy else ""
    if copy:
        lines += [f"- config_dir: `{copy}` (LOGISTICS_CONFIG_DIR, a copy of the configs "
                  "folder: the `configs/` files named on this page are its files)"]
    in_copy = dict(prov, scenario_file=_scenario_in_copy(
        str(prov["scenario_file"]), copy, getattr(sc, "config_dir", None)))
    # no --out: the page is the same bytes wherever the run is written (the same seed, the
    # same files: tests/test_advance_khingan.py), so the folder is the reader's to add
    lines += [f"- command: `{env}{run_command(in_copy)}` ({_paths_note(in_copy)}; "
              "add `--out DIR`, a new folder, to write it again)"]
    if prov.get("overrides"):
        lines += ["  (the overrides above were set through the Python API or `compare --set`: "
                  "`logistics run` has no option for them)"]
    lines += _shared_lines(prov.get("shared_breaches") or ())
    lines += [""]
    lines += ["## Data", ""]
    lines += [f"- terrain {k}: {v}" for k, v in prov.get("terrain", {}).items()]
    lines += [f"- vehicle `{k}`: {v}" for k, v in prov.get("vehicles", {}).items()]
    # every run reads these too (a new user found the Data section named only the vehicle
    # files, and the railhead's "+280 h" on the page came from movement.yaml unnamed)
    lines += ["- norms and rules: `configs/norms/march.yaml` (march norms by movement), "
              "`configs/norms/formations.yaml` (standard formations), "
              "`configs/norms/movement.yaml` (truck lift, rail, river and fuel figures, e.g. "
              "railhead restoration and ship speeds), `configs/fortified-regions.yaml` (the "
              "regions and the one rule), each figure with its `cite:` or `assumed:` there"]
    lines += ["- route waypoints: " + "; ".join(
        f"{n} ({lat:.3f} N, {lon:.3f} E)" for n, lon, lat in prov.get("waypoints", [])), ""]
    lines += ["## Parameters", ""]
    if plan is not None:
        rows = []
        for fp in plan.formations:
            # a truck shuttle keeps its men on foot's window, not its truck-borne norm's
            # (the page said "0:00 +8 h" of the 36th Army's shuttles moving 20:00-07:00)
            walks = getattr(fp, "shuttle_window", None)
            sch = walks or fp.schedule[plan.seasons[0][1]]
            rows.append({
                "formation": fp.id, "movement": fp.unit.movement,
                "pace vehicle": fp.unit.pace_vehicle or "-", "men": fp.unit.men,
                "vehicles": ", ".join(f"{int(n)} {c}" for c, n in zip(fp.class_ids, fp.counts)
                                      if c not in ("foot-infantry", "horse-cavalry")) or "-",
                # its whole column (its tail's: formations.csv), and its vehicles' (the
                # head's daily close-up waits for them)
                "route_km": float(fp.route_km), "column_km": float(fp.road_column_km),
                "close_up_km": float(fp.column_length_km),
                "march": f"{sch.start_hour:g}:00 +{sch.hours_per_day:g} h"
                         + (" (shuttle: its men on foot's)" if walks else ""),
                "fortified": _fortified_cell(fp), "priority": fp.unit.priority + 1})
        lines += [_table(pd.DataFrame(rows)), ""]
        lines += [_fortified_words()]
        drawn = [fp.unit for fp in plan.formations if fp.unit.drawn_from_parent]
        if drawn:  # else the table and the Assumptions' file figures seem to disagree
            lines += ["- men and vehicles as run: " + ", ".join(
                f"{u.id} is taken out of {u.parent}" for u in drawn) + " (`drawn_from_parent`), "
                "so a parent's row is net of it; the Assumptions below give the army file's "
                "figures"]
        lines += [f"- the army's reserve ({ft}): {v:,.0f} L at start" for ft, v in
                  plan.reserve_l.items()]
        if len(plan.reserve_carriers) > 1:
            lines += [f"- the reserve rides in sections with {carriers_text(plan)}: drawn only "
                      f"within {plan.reserve_reach_km:g} km of a section's carrier's head "
                      "(`fuel.reserve_reach_km`), the nearest first; each carries " + ", ".join(
                          f"{c}: {', '.join(f'{ft} {x:.0%}' for ft, x in sh.items())}"
                          for c, sh in zip(plan.reserve_carriers, plan.reserve_shares))]
        elif plan.reserve_carrier is not None:
            lines += [f"- the reserve rides with {plan.reserve_carrier}: drawn only within "
                      f"{plan.reserve_reach_km:g} km of its head (`fuel.reserve_reach_km`)"]
        lines += [
            f"- fuel priority: {', '.join(plan.priority)}; drain from stalled vehicles: "
            f"{'yes' if plan.drain_stalled else 'no'}",
            "- seasons: " + "; ".join(f"{s} from +{h:.0f} h" for h, s in plan.seasons),
            f"- truck columns: {len(plan.trucks)}; airlifts: {len(plan.airlifts)}; depots: "
            f"{len(plan.depots)}" + (
                f"; river supply (`supply.river`): {len(plan.boats)} column(s) of ships, "
                + ", ".join(f"{b.name}: {b.payload_l:,.0f} L a ship" for b in plan.boats)
                if getattr(plan, "boats", ()) else ""),
            "",
        ]
    lines += ["## Results", ""]
    cols = ["date", "formation_id", "cum_km", "km_day", "status", "refills_on_hand",
            "delivered_l", "consumed_l", "from_reserve_l"]
    lines += [_table(result.daily[[c for c in cols if c in result.daily]]), ""]
    if len(result.army_daily):
        cols = ["date", "carried_l", "delivered_l", "consumed_l", "on_hand_l", "reserve_l",
                "drained_l", "returned_l"]
        if getattr(plan, "boats", ()):  # what the ships brought, beside the total
            cols.insert(3, "delivered_river_l")
        lines += ["The army's fuel ledger (litres):", "",
                  _table(result.army_daily[[c for c in cols if c in result.army_daily]]), ""]
    if len(result.reached):
        stops = result.reached.sort_values("time", kind="stable")  # in time order
        lines += ["Stops reached:", "", _table(stops.assign(
            time=stops["time"].map(_fmt_time))), ""]
    lines += _arrivals_section(result)
    if len(result.deliveries):
        d = _deliveries_by_source(result.deliveries)
        lines += ["Deliveries (litres):", "", _table(d), ""]
    lines += ["## Assumptions", ""]
    lines += [f"- {a}" for a in assumed] or ["- none"]
    lines += [f"- run note: {n}" for n in result.notes]
    lines += ["- model: each formation moves on its own route at the pace of its slowest class "
              "(march norms and observed speeds bound it); its reported position is its head; "
              "vehicles that run dry stay behind and rejoin when fuel reaches them; fuel is not "
              "burned while halted; a truck convoy drives to where its formation was when it "
              "left; a truck column runs as its `convoys:` (one unless the army file splits it: "
              "no source gives how a column's trips were staggered, and the Monte Carlo does "
              "not vary it); a detachment left at a fortified region stays there to the end of the run "
              "(the siege's end is not modelled).", ""]
    lines += ["## Sources", ""]
    lines += [f"- {c}" for c in cited] or ["- none"]
    return "\n".join(lines) + "\n"


def _deliveries_by_source(deliveries: pd.DataFrame) -> pd.DataFrame:
    """Litres taken and the trucks' own fuel (L) per kind and source: the litres of every row
    (one per delivery and taker), the trucks' fuel once per delivery (it repeats on each of a
    delivery's rows)."""
    once = (deliveries.drop_duplicates("delivery_id") if "delivery_id" in deliveries
            else deliveries)
    litres = deliveries.groupby(["kind", "source"], as_index=False)["litres"].sum()
    fuel = once.groupby(["kind", "source"], as_index=False)["truck_fuel_l"].sum()
    return litres.merge(fuel, on=["kind", "source"], how="left")


def _arrivals_section(result) -> list[str]:
    """'What set each arrival': one line per formation's arrival at an objective, its hours
    from when it set off by cause, the largest first (``arrivals.run_arrivals``, the rows of
    ``arrivals.csv``)."""
    from logistics.arrivals import run_arrivals

    acc = run_arrivals(result)
    if not len(acc):
        return []
    out = ["What set each arrival (hours from when the formation set off, from its hourly "
           "track: `arrivals.csv`):", ""]
    for r in acc.itertuples(index=False):
        out.append(f"- {r.formation_id} at {display_name(r.objective)}, {_fmt_time(r.time)} "
                   f"(km {r.cum_km:.0f}, {r.elapsed_h:.1f} h after {_fmt_time(r.start)}): "
                   f"{r.what_set}")
    return out + [""]


def _fortified_cell(fp) -> str:
    """The Parameters table's ``fortified``: the formation's action, and the crossings of its
    route that read otherwise ('bypass; follow: Hailar FR', a bypassing formation with no way
    round there), in the words of ``army.fortified.FORTIFIED_WORDS``."""
    action = fp.unit.fortified_action
    other = [p for p in getattr(fp, "fortified", ()) if p.action != action]
    if not other:
        return action
    return f"{action}; " + ", ".join(f"{p.action}: {p.region_name}" for p in other)


def _fortified_words() -> str:
    """The fortified-region words this page and its tables use, each defined once
    (``army.fortified.FORTIFIED_WORDS``, ``IN_DEPTH_STATUS``, ``BREACH_WAIT_STATUS``)."""
    from logistics.army.fortified import (BREACH_WAIT_STATUS, FORTIFIED_OPEN,
                                          FORTIFIED_OPEN_MEANS, FORTIFIED_WORDS,
                                          IN_DEPTH_STATUS)

    return ("- fortified regions (`fortified`; `configs/fortified-regions.yaml` rule): "
            + "; ".join(f"`{w}` {d}" for w, d in FORTIFIED_WORDS.items())
            + f"; a crossing `{FORTIFIED_OPEN}` {FORTIFIED_OPEN_MEANS}"
            + f". A head's hours in a depth read status `{IN_DEPTH_STATUS}` in the tables "
            "(`hours_halted_event` in daily.csv), whichever the crossing and whatever moves it "
            "(marching or a truck shuttle); a follower's hours "
            f"at a depth's edge before the breach opens read `{BREACH_WAIT_STATUS}` "
            "(`hours_waiting_breach`)")
