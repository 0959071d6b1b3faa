#!/usr/bin/env python
"""Rebuild the shipped 1945 railways (``railways-1945.osm``, its report and map) from the
station table: ``python configs/network/build.py`` (``--straight``: chords, no tracing;
``--sensitivity``: other tracing rules, writes nothing). See README.md of this folder.

The builder lives beside the data it makes, like ``rasters/build.py``; the ``logistics``
package never imports it. Logic: ``_digitise.py`` (station table -> OSM XML and report),
``_trace.py`` (rail grade rule over the DEM), ``_route_factor.py`` (the global route factor).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # the builder's modules import each other by file name
sys.path.insert(1, str(HERE.parent.parent))  # the logistics package of this checkout

import _digitise  # noqa: E402
from logistics import settings  # noqa: E402
from logistics._atomic import atomic_path  # noqa: E402
from logistics.network.params import load_lines, load_params  # noqa: E402

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: build the .osm (and its report) from the station table."""
    parser = argparse.ArgumentParser(prog="python configs/network/build.py",
                                     description=_digitise.__doc__.split("\n\n")[0])
    folder = settings.CONFIG_DIR / "network"
    parser.add_argument("--stations", type=Path, default=folder / "stations-1945.csv")
    parser.add_argument("--out", type=Path, default=folder / "railways-1945.osm")
    parser.add_argument("--report", type=Path, default=folder / "railways-1945-report.md")
    parser.add_argument("--map", type=str, default=str(folder / "railways-1945.png"),
                        help="where to draw the network on the base map ('' to skip)")
    parser.add_argument("--straight", action="store_true",
                        help="join stations by straight chords (no tracing; quick)")
    parser.add_argument("--sensitivity", action="store_true",
                        help="print drawn/documented length ratios, the fitted route factor "
                             "and its leave-one-line-out score under other tracing rules "
                             "(grade limit 1 %% and 2 %%, 500 m grid); writes nothing")
    args = parser.parse_args(argv)
    table = _digitise.read_station_table(args.stations)
    lines = load_lines()
    tracing = load_params().tracing
    if args.sensitivity:
        print(_digitise.sensitivity_table(table, lines, tracing))
        return 0
    segment = None
    if not args.straight:
        from _trace import trace_segment

        count = [0]

        def segment(a, b):
            count[0] += 1
            print(f"  tracing segment {count[0]}: {a} -> {b}", file=sys.stderr, flush=True)
            return trace_segment(a, b, tracing)

    net = _digitise.digitise(table, lines, segment=segment)
    factor, cv = _digitise.fit_drawn(net, table, lines)
    _digitise.write_osm(net, args.out, route_factor=factor, factor_note=_digitise.route_factor_note(cv))
    report = _digitise.report_markdown(net, table, lines, None if args.straight else tracing,
                                       fit=(factor, cv))
    with atomic_path(args.report) as tmp:
        tmp.write_text(report, encoding="utf-8")
    if args.map:  # "" skips the map (a Path("") would be ".", the working folder)
        from logistics.network.osm import load_network
        from logistics.report.route_map import network_map

        fig = network_map(load_network(args.out, road=False), resolution_m=3000.0)
        with atomic_path(args.map) as tmp:
            fig.savefig(tmp, dpi=100, bbox_inches="tight", format="png")
    print(f"wrote {args.out} ({len(net.stations)} stations, {len(net.ways)} ways, "
          f"{len(net.skipped)} stations skipped, route factor {factor:.4f}) and {args.report}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
