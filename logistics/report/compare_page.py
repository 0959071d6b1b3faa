"""The text of a comparison's report.md (Markdown), its fuel sections included; figures are
referenced by file name."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import pandas as pd

from logistics.history.baseline import JOIN_KM
from logistics.history.events import EVENT_TEXT
from logistics.history.events import RULES as EVENT_RULES
from logistics.history.fuel import FuelVerdict
from logistics.history.match import RULES as MATCH_RULES
from logistics.history.summary import format_summary

__all__ = ["report_markdown", "fuel_markdown"]

_DEFINITIONS = """\
**How rows are scored.** Each row is scored against the formation it names (matching rules
below; several formations: the first to reach the place, or for a distance the deepest at the
end of the day) by what it records (its *event*, rules below). A documented date D means "by
the end of D" (window D 00:00 to D+1 00:00, local time), unless the row's notes say "no later
than" (then arriving earlier is on time). *Places*: the formation's route reaches a place where
it first passes within the tolerance of its coordinate; the modeled arrival is when the
formation gets to that point of its route. A place its route does not pass is timed by the cost
engine: one reverse accumulation from the place for the formation's pace vehicle in the season
in force, and the arrival is the earliest (time on its track + travel time from there divided
by the share of hours the formation moved on its days of movement) over its track (an
assumption: an off-route leg is marched like the rest of its advance). *Route error* is how far
the formation's route misses the place, reported apart. The date error is 0 inside the window,
else the days from its nearest edge (+ = model late). A place the model never reaches gives a
*censored* error (at least the days from the window's end to the run's end). *Distances*: the
formation's depth at the end of D (km along its route beyond where it crosses the army's
departure line) against the documented range (0 inside; ">450" a lower bound, "250 (up to)" an
upper bound); relative error = km error / violated bound. A documented depth shorter than the
place's distance from the departure line is flagged and its distance not scored. `error_km` is
one km error per row: against the documented distance, else the km the formation still had to
go at the window's end (or had made since getting there at its start).

**Baselines and skill.** Each scored row also gets the planned rate of its formation's kind
(`configs/history/planned-rates.yaml`), advancing from the departure line at H-hour along two
routes: the model's own route (*model route*), and a route the model does not choose
(*independent route*: the 1945 railway where a station within {join:g} km of the departure line
and a station within the tolerance of the place are connected, else the straight line from the
departure line). Skill = 1 - (model mean absolute error / baseline mean absolute error) over
rows scored for both, in km and in days; 1 = perfect, 0 = no better than the plan, < 0 worse,
'-' where the baseline's error is 0 or no row pairs. The headline is the harder of the two
(the lower skill). Censored rows count at their lower bound and never as within a day.

**Uncertainty** (with `--samples N`): each draw takes every `uncertain:` figure of the army file
and of the march and movement norms (`configs/norms/march.yaml`, `movement.yaml`) uniformly in
its range and one of the two DEMs, with its own seed (the drawn values: draws.csv, norms figures
as `norms/<file>:<key path>`; a draw that leaves a ship of the flotilla unable to stem the
current, or a `movement: motor` formation more men than seats, is made again; the second
kind is named in the draw's `note`); the band is P10-P90 of the
headline formation's km over the draws, and the quantiles in comparison.csv
(`mc_arrival_p10/p50/p90`) are order statistics of each row's modeled event time, scored in
every draw like the nominal run (empty where fewer draws than that quantile get there). The
band need not hold the nominal run: a range whose value lies at one of its ends is drawn one
way only (listed under "The band and the nominal run").
""".format(join=JOIN_KM)


def _axes_text(doc) -> str:
    """"3 axes" counting every axis id the file names (the comparison table lists them all),
    plus how many have a usable row when some do not."""
    named = [a for a in dict.fromkeys(doc.table["axis_id"]) if isinstance(a, str) and a]
    text = f"{len(named)} {'axis' if len(named) == 1 else 'axes'}"
    if len(doc.axes) != len(named):
        text += f" ({len(doc.axes)} with a usable row)"
    return text


def _config_dir_line(config_dir=None) -> str:
    """Which configs folder the runs read their vehicles, norms and fortified regions from
    (``config_dir``, the comparison's; ``settings.CONFIG_DIR`` when None), and how it was
    given, so the rerun says the same: LOGISTICS_CONFIG_DIR (``settings.CONFIG_DIR``, the
    command line's way) or ``compare(config_dir=...)`` through the API, whose folder a rerun
    with LOGISTICS_CONFIG_DIR alone would not read."""
    from logistics import settings
    from logistics.runner import copied_config_dir

    copy = copied_config_dir(config_dir)
    if copy is None:
        return "- vehicles, norms and fortified regions: the shipped configs folder"
    if config_dir is None or settings.configs_folder(config_dir) == settings.configs_folder():
        return (f"- vehicles, norms and fortified regions: `{copy}` (LOGISTICS_CONFIG_DIR, a "
                "copy of the configs folder); rerun with LOGISTICS_CONFIG_DIR set to it")
    return (f"- vehicles, norms and fortified regions: `{copy}` (compare's config_dir=, a copy "
            "of the configs folder, given through the API); rerun with config_dir= set to it "
            "(on the command line: LOGISTICS_CONFIG_DIR set to it)")


def report_markdown(comp, *, files: dict[str, str], fuel_sections: list[str]) -> str:
    """Report page of a ``compare.Comparison``; ``files`` maps figure keys to file names
    (``advance:<axis>``, ``map``, ``fuel:<axis>``)."""
    inp, s = comp.inputs, comp.settings
    doc = inp.documented
    lines = [
        "# Modeled advance vs documented positions", "",
        f"- documented file: `{doc.path}` ({len(doc.table)} rows, {_axes_text(doc)}, "
        f"{len(doc.problems)} problem(s) in the file)",
        f"- scenario configs: `{inp.configs_dir}` ({len(inp.scenarios)} documented axes modeled: "
        f"{', '.join(inp.scenarios) or 'none'})",
        _config_dir_line(getattr(comp, "config_dir", None)),
        f"- resolution: {str(s.get('resolution_m')) + ' m' if s.get('resolution_m') else 'the runner default'}; DEM of the nominal run: "
        f"{s.get('dem')}; place tolerance {s.get('tolerance_km'):g} km; Monte Carlo draws per "
        f"axis: {s.get('samples')} (seed {s.get('seed')}); overrides (--set, overrides=): "
        f"{', '.join(f'{k}={v:g}' for k, v in (s.get('overrides') or {}).items()) or 'none'}", "",
        "## Summary", "", format_summary(comp.summary, markdown=True), _DEFINITIONS,
        f"**Event kinds** (column `event`; the rule that decided is `event_rule`): {EVENT_RULES}",
        "", "Each kind is scored by: " + "; ".join(f"*{k}*: {v}" for k, v in EVENT_TEXT.items()) + ".",
        "", f"**Rows matched to formations** (columns `matched_formation`, `match_rule`, "
        f"`candidates`): {MATCH_RULES}", "",
    ]
    if "map" in files:
        lines += ["## Documented vs modeled positions", "", f"![map]({files['map']})", ""]
    for axis, res in comp.axes.items():
        lines += _axis_section(axis, res, comp.table[comp.table["axis_id"] == axis], files)
    lines += fuel_sections
    lines += _markers(comp)
    lines += _band_and_nominal(comp)
    lines += _disagreements(comp.table)
    lines += _not_scored(comp)
    return "\n".join(lines).rstrip() + "\n"


def _axis_section(axis, res, rows, files) -> list[str]:
    out = [f"## {axis}", ""]
    if f"advance:{axis}" in files:
        out += [f"![advance {axis}]({files[f'advance:{axis}']})", ""]
    if res.start_note:
        out += [f"Note: the {res.start_note}.", ""]
    forms = res.trace.formations
    out += ["Formations: " + "; ".join(f"`{f['formation_id']}` {f['name']} ({f['kind']})"
                                       for f in forms.to_dict("records")) + ".", ""]
    line = res.line
    out += [("Departure line: " + ", ".join(f"{lat:.3f} N {lon:.3f} E" for lon, lat in line) + ".")
            if line else "Departure line: none known; depths from each formation's start.", ""]
    used = sorted({str(c) for c in rows["baseline_rate_class"].dropna() if c})
    for name in used:
        r = res.rates.rates[name]
        cite = f" Source: {r.source}." if r.source else ""
        quote = f' Quote: "{r.quote}".' if r.quote else ""
        out += [f"Baseline rate `{name}`: {r.rate_km_per_day:g} km/day ({r.basis}). {r.reason}{cite}{quote}", ""]
    out += ["| row | date | place | event | formation (matched) | documented km | model depth km | km err | "
            "route err km | timing | arrival (model) | date err d | plan date err d (model route / indep.) | note |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for x in rows.to_dict("records"):
        out.append(
            f"| {x['row']} | {_text(x['date']) or '-'} | {_short(x['place_reached'])} | "
            f"{_text(x.get('event')) or '-'} | {_formation_cell(x)} | "
            f"{_text(x['documented_km_text']) or '-'} | "
            f"{_f(x['modeled_km'], '{:.0f}')} | {_f(x['km_error'], '{:+.0f}')} | "
            f"{_f(x.get('route_error_km'), '{:.0f}')} | {_text(x.get('timing')) or '-'} | "
            f"{_t(x['modeled_arrival'])} | {_f(x['date_error_days'], '{:+.2f}')}"
            f"{' (censored)' if x['date_censored'] else ''} | "
            f"{_f(x.get('baseline_route_date_error_days'), '{:+.2f}')} / "
            f"{_f(x.get('baseline_indep_date_error_days'), '{:+.2f}')}"
            f"{' (' + x['baseline_indep_route'] + ')' if isinstance(x.get('baseline_indep_route'), str) and x.get('baseline_indep_route') else ''} | "
            f"{_short(x['note'], 120)} |")
    return out + [""]


_MARKER_RE = re.compile(r"\bmarker\b|not an advance|not a clean ground-advance", re.IGNORECASE)


def _markers(comp) -> list[str]:
    """Rows the sources themselves say are not ground-advance positions (still scored)."""
    doc = comp.inputs.documented.table
    flagged = doc[doc["notes"].fillna("").str.contains(_MARKER_RE)]
    if flagged.empty:
        return []
    out = ["## Rows the sources flag as markers, not advances", "",
           "Scored like every other row (nothing is dropped); read their errors with the note:", ""]
    out += [f"- row {r['row']} ({r['axis_id']}, {_day(r['date'])}, {_short(r['place_reached'])}): "
            f"{_short(r['notes'], 160)}" for r in flagged.to_dict("records")]
    return out + [""]


def _band_and_nominal(comp) -> list[str]:
    """With Monte Carlo draws: in how many rows the nominal run lies outside its P10-P90 band,
    and the ranges drawn one way (value at one end), which put it there."""
    from logistics.history.uncertainty import one_sided_ranges

    if not (comp.settings or {}).get("samples"):
        return []
    t = comp.table
    cols = ("modeled_arrival", "mc_arrival_p10", "mc_arrival_p90")
    if not all(c in t.columns for c in cols):
        return []
    nominal, p10, p90 = (pd.to_datetime(t[c], errors="coerce") for c in cols)
    banded = nominal.notna() & p10.notna() & p90.notna()
    early, late = int((banded & (nominal < p10)).sum()), int((banded & (nominal > p90)).sum())
    out = ["## The band and the nominal run", "",
           f"The nominal run's arrival lies outside its P10-P90 band in {early + late} of "
           f"{int(banded.sum())} rows with a band ({early} before P10, {late} after P90). A "
           "range whose value lies at one of its ends is drawn one way only, so the band can "
           "lie beside the nominal run; these are:", ""]
    folder = getattr(comp, "config_dir", None)
    for axis, army in comp.inputs.scenarios.items():
        own = one_sided_ranges(army, folder, norms=False)
        if own:
            out.append(f"- {axis}: " + "; ".join(f"`{k}` {v:g} in {lo:g}-{hi:g}"
                                                   for k, v, lo, hi in own))
    common = one_sided_ranges(None, folder) if comp.inputs.scenarios else []
    if common:  # the norms: one folder for every army of the comparison
        out.append("- every axis (configs/norms): " + "; ".join(
            f"`{k}` {v:g} in {lo:g}-{hi:g}" for k, v, lo, hi in common))
    return out + [""]


def _day(v) -> str:
    """A documented row's date as YYYY-MM-DD; "no date" where the file's was unreadable (the
    row is listed among the file's problems and not scored)."""
    return "no date" if pd.isna(v) else f"{pd.Timestamp(v):%Y-%m-%d}"


def _disagreements(table: pd.DataFrame) -> list[str]:
    d = table[table["disagreement"].fillna("") != ""]
    if d.empty:
        return []
    out = ["## Where the sources disagree", "",
           "Each row is scored on its own; none is dropped or preferred.", ""]
    out += [f"- row {r['row']} ({r['axis_id']}, {r['date']}, {_short(r['place_reached'])}): {r['disagreement']}"
            for r in d.to_dict("records")]
    return out + [""]


def _not_scored(comp) -> list[str]:
    inp = comp.inputs
    t = comp.table[~comp.table["scorable"].astype(bool)]
    out = ["## Not scored, and why", ""]
    if inp.unmodeled:
        out.append(f"Axes in the documented file with no scenario: {', '.join(inp.unmodeled)}.")
    out += [f"- row {r['row']} ({r['axis_id'] or 'no axis'}, {r['date'] or 'no date'}): {r['note']}"
            for r in t.to_dict("records")]
    if inp.documented.problems:
        out += ["", "Problems in the documented file (also in problems.csv):", ""]
        out += [f"- {p}" for p in inp.documented.problems]
    found = getattr(comp, "problems", None)
    if found is not None and len(found):
        out += ["", "Problems found while scoring (row, column, value, why; also in problems.csv):", ""]
        out += [f"- row {p['row']}, column {p['column']!r} = {p['value']!r}: {p['message']} ({p['consequence']})"
                for p in found.to_dict("records")]
    if inp.config_problems:
        out += ["", "Config problems:", ""] + [f"- {p}" for p in inp.config_problems]
    if len(out) == 2:
        out.append("Every row was scored.")
    return out + [""]


def _f(v, fmt: str) -> str:
    return "-" if v is None or (isinstance(v, float) and math.isnan(v)) or pd.isna(v) else fmt.format(v)


def _t(v) -> str:
    return "-" if v is None or pd.isna(v) else f"{pd.Timestamp(v):%d %b %H:%M}"


def _text(v) -> str:
    """A cell as text: "" for an empty one (None, NaN: a row not scored has no match, no
    timing; the page showed 'nan')."""
    return "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)


def _formation_cell(x: dict) -> str:
    """The formation a row was matched to (its name), else the formation the file gave, said
    as such (a row not scored keeps what the file named)."""
    matched = _text(x.get("matched_name")) or _text(x.get("matched_formation"))
    if matched:
        return _short(matched, 40)
    given = _text(x.get("formation"))
    return f"{_short(given, 40)} (as given; not matched)" if given else "-"


def _short(text, n: int = 60) -> str:
    """``text`` on one line, cut to at most ``n`` characters at a word ('…' for the rest):
    a note cut mid-word ("its place lo…") read as another word."""
    text = " ".join(_text(text).replace("|", "/").split())
    if len(text) <= n:
        return text
    cut = text[: n - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > n // 2 else cut).rstrip(" ,;:") + "…"


def fuel_markdown(verdict: FuelVerdict, states: pd.DataFrame, *, mc: dict | None = None,
                  place_name: str | None = None, scored: pd.DataFrame | None = None) -> str:
    """The report section: the model's answer, then the documented states with their sources
    (``scored``: the states scored against the matched formations, when given)."""
    lines = [f"## The Khingan fuel question ({verdict.axis_id})", ""]
    where = f" ({place_name})" if place_name else ""
    if verdict.first_vehicles_dry is not None:
        lines.append(
            f"**Vehicles run dry**: the first are left behind at "
            f"{verdict.first_vehicles_dry:%Y-%m-%d %H:%M} (local), "
            f"{verdict.vehicles_dry_km:.0f} km along the route of `{verdict.vehicles_dry_formation}` "
            f"({verdict.vehicles_dry_classes}); the formation moves on with what can move, and "
            f"they rejoin when fuel reaches them"
            + (f". Classes dry at some hour of the run: {verdict.dry_classes}."
               if verdict.dry_classes else "."))
        lines.append("")
    if verdict.runs_dry:
        lines.append(
            f"**A formation is held for fuel**: the first, `{verdict.dry_formation or 'the headline'}`, "
            f"at {verdict.first_dry:%Y-%m-%d %H:%M} (local), {verdict.dry_km:.0f} km along its route "
            f"at {verdict.dry_lat:.2f} N {verdict.dry_lon:.2f} E{where}. Hours at which any "
            f"formation was held over the run: {verdict.hours_dry:.0f}; days: "
            + _day_ranges(verdict.days_dry) + ".")
    elif verdict.first_vehicles_dry is not None:
        lines.append("**No formation is held for fuel**: every formation always has vehicles that "
                     "can move.")
    else:
        lines.append("**The model does not run dry**: no vehicle runs dry and no formation is held "
                     "for lack of fuel.")
    if mc:
        lines += ["", f"Monte Carlo ({mc['draws']} draws): vehicles left dry in "
                  f"{mc['share_vehicles_dry']:.0%}, first P10 {_ts(mc['first_vehicles_dry_p10'])}, "
                  f"P50 {_ts(mc['first_vehicles_dry_p50'])}, P90 {_ts(mc['first_vehicles_dry_p90'])}; "
                  f"a formation held for fuel in {mc['share_dry']:.0%}, first P10 "
                  f"{_ts(mc['first_dry_p10'])}, P50 {_ts(mc['first_dry_p50'])}, P90 "
                  f"{_ts(mc['first_dry_p90'])} (NaT: fewer draws than that quantile run dry)."]
    if scored is not None and len(scored):
        from logistics.history.fuel import FUEL_TOLERANCE_REFILLS

        numeric = scored.dropna(subset=["refills_error"])
        within = int(numeric["within_tolerance"].astype(bool).sum())
        lines += ["", "Documented fuel states (configs/history/fuel-states.csv) against the matched "
                  "formation's refills on hand at the end of that day (one refill = one full set of "
                  "its tanks; several formations: their litres over their refills together):", "",
                  "| date | formation (documented) | place | state | refills | matched (model) | "
                  "model refills | error | model status | hours held for fuel that day | "
                  "classes left dry that day | source |",
                  "|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for s in scored.to_dict("records"):
            lines.append(
                f"| {s['date_text']} | {s['formation']} | {s['place'] or '-'} | {s['state']} | "
                f"{_f(s['refills'], '{:.2f}')} | {s['matched_formation']} | "
                f"{s['model_by_formation'] or '-'} | {_f(s['refills_error'], '{:+.2f}')} | "
                f"{_short(s['model_status'], 60)} | {s.get('model_held_h') or '-'} | "
                f"{s.get('model_dry_classes') or '-'} | {s['source']}: \"{s['quote']}\" |")
        lines += ["", f"Within ±{FUEL_TOLERANCE_REFILLS:g} refill: {within} of {len(numeric)} documented "
                  "states that give a figure.", ""]
        return "\n".join(lines)
    lines += ["", "Documented fuel states (configs/history/fuel-states.csv):", "",
              "| date | formation | place | state | model that day | source |", "|---|---|---|---|---|---|"]
    for s in states.to_dict("records"):
        lines.append(f"| {s['date_text']} | {s['formation']} | {s['place'] or '-'} | {s['state']} | "
                     f"{_model_on(verdict, s['date'])} | {s['source']}: \"{s['quote']}\" |")
    lines += ["", "The modeled refills are from `refills_total` (fuel on hand / one full set of "
              "tanks of every class).", ""]
    return "\n".join(lines)


def _model_on(v: FuelVerdict, day: pd.Timestamp) -> str:
    d = v.daily
    if "date" not in d or d.empty:
        return "-"
    on = d[pd.to_datetime(d["date"]).dt.normalize() == pd.Timestamp(day).normalize()]
    if on.empty:
        return "(outside the run)"
    r = on.iloc[0]
    parts = []
    if "refills_total" in r and not pd.isna(r["refills_total"]):
        parts.append(f"{r['refills_total']:.2f} refills")
    if "status" in r:
        parts.append(str(r["status"]))
    if "cum_km" in r:
        parts.append(f"{r['cum_km']:.0f} km")
    return ", ".join(parts)


def _day_ranges(days: Sequence[str]) -> str:
    """ISO dates as runs of consecutive days: ``"1945-08-11 to 1945-08-14, 1945-08-16"``."""
    runs: list[list[pd.Timestamp]] = []
    for d in sorted(pd.Timestamp(x) for x in days):
        if runs and d - runs[-1][-1] == pd.Timedelta(days=1):
            runs[-1].append(d)
        else:
            runs.append([d])
    return ", ".join(f"{r[0]:%Y-%m-%d}" + (f" to {r[-1]:%Y-%m-%d}" if len(r) > 1 else "") for r in runs)


def _ts(v) -> str:
    return "NaT" if pd.isna(v) else f"{pd.Timestamp(v):%Y-%m-%d %H:%M}"
