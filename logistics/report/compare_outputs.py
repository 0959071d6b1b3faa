"""Write a comparison folder atomically: CSVs, figures and report.md, all or nothing.

Files: ``comparison.csv`` (one row per documented row), ``summary.csv`` (per axis and ALL),
``problems.csv`` (problems of the documented file), ``rates.csv`` (baseline rate per axis
with its basis and source), ``draws.csv`` (Monte Carlo draws, when sampled),
``advance_<axis>.png``, ``map.png``, ``map.html`` (interactive, offline),
``fuel_<axis>.png`` (axes with documented fuel states), ``report.md``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from logistics._atomic import atomic_dir
from logistics.history.fuel import dry_time_quantiles, fuel_verdict, load_fuel_states
from logistics.report.compare_page import fuel_markdown, report_markdown
from logistics.report.compare_plots import plot_advance, plot_fuel_states, plot_positions_map
from logistics.report.web_map import comparison_map, write_map

__all__ = ["write_comparison"]


def write_comparison(comp, out_dir: str | Path, *, map_resolution_m: float | None = None,
                     fuel_states: pd.DataFrame | None = None, draw_map: bool = True) -> Path:
    """Write every output of ``comp`` (a ``compare.Comparison``) into ``out_dir`` atomically.

    ``map_resolution_m`` sets the base map's resolution (coarser is faster); ``draw_map=False``
    skips the map (e.g. where the shipped rasters are not installed).
    """
    states = fuel_states if fuel_states is not None else load_fuel_states()
    out = Path(out_dir)
    with atomic_dir(out) as tmp:
        comp.table.to_csv(tmp / "comparison.csv", index=False)
        comp.summary.to_csv(tmp / "summary.csv", index=False)
        comp.inputs.documented.problems_frame().to_csv(tmp / "problems.csv", index=False)
        pd.DataFrame([{"axis_id": a, "rate_km_per_day": r.rate.rate_km_per_day, "basis": r.rate.basis,
                       "source": r.rate.source, "quote": r.rate.quote, "reason": r.rate.reason}
                      for a, r in comp.axes.items()]).to_csv(tmp / "rates.csv", index=False)
        draws = [r.mc.draws().assign(axis_id=a) for a, r in comp.axes.items() if r.mc is not None]
        if draws:
            pd.concat(draws, ignore_index=True).to_csv(tmp / "draws.csv", index=False)
        files: dict[str, str] = {}
        for axis, res in comp.axes.items():
            name = f"advance_{_safe(axis)}.png"
            _save(plot_advance(res, comp.table[comp.table["axis_id"] == axis]), tmp / name)
            files[f"advance:{axis}"] = name
        if comp.axes:
            write_map(comparison_map(comp), tmp / "map.html")
        if draw_map and comp.axes:
            _save(plot_positions_map(comp, resolution_m=map_resolution_m), tmp / "map.png")
            files["map"] = "map.png"
        sections = []
        for axis, res in comp.axes.items():
            mine = states[states["axis_id"] == axis]
            if mine.empty:
                continue
            verdict = fuel_verdict(axis, res.trace)
            mc = dry_time_quantiles(res.mc.runs) if res.mc is not None else None
            text = fuel_markdown(verdict, mine, mc=mc, place_name=_near(verdict))
            fig = plot_fuel_states(verdict, mine)
            if fig is not None:
                name = f"fuel_{_safe(axis)}.png"
                _save(fig, tmp / name)
                text += f"\n![fuel {axis}]({name})\n"
            sections.append(text)
        from logistics.report.references import finish_page

        page = report_markdown(comp, files=files, fuel_sections=sections)
        (tmp / "report.md").write_text(finish_page(page), encoding="utf-8")  # refs, no /abs
    return out


def _near(verdict) -> str | None:
    """The gazetteer's words for where the model first ran dry (``"38 km SE of Lubei"``)."""
    if not verdict.runs_dry:
        return None
    from logistics.runner import near_place

    return near_place(verdict.dry_lon, verdict.dry_lat)


def _save(fig, path: Path) -> None:
    fig.savefig(path, dpi=110, bbox_inches="tight")


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name)
