"""`logistics map`: draw the base map (relief, rivers, lakes, borders, places) to a PNG.

The file is written atomically: it appears complete or not at all.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from logistics.errors import ConfigError

__all__ = ["register"]

_FORMATS = (".png", ".pdf", ".svg")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "map",
        help="draw the base map of the theatre or a box to an image file",
        description=(
            "Draw the base map (shaded relief, rivers by size, lakes, coast, modern borders, "
            "the campaign places with their 1945 names, scale bar, north arrow) in the metric "
            "CRS and write it atomically to --out."
        ),
    )
    p.add_argument("--bbox", metavar="W,S,E,N", default=None,
                   help="lon/lat box in degrees, e.g. 118,45,123,48.5 (default: the theatre)")
    p.add_argument("--out", default="basemap.png", metavar="FILE",
                   help="output image, .png/.pdf/.svg (default: %(default)s)")
    p.add_argument("--resolution-m", type=float, default=None, metavar="M",
                   help="relief grid cell size in metres (default: about 1200 cells across)")
    p.add_argument("--dem", default="merged", choices=("merged", "etopo5"),
                   help="elevation model for the relief (default: merged)")
    p.add_argument("--title", default=None, help="map title (default: from the box)")
    p.add_argument("--no-labels", action="store_true", help="draw no place names")
    p.add_argument("--dpi", type=int, default=150, help="image resolution (default: 150)")
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from logistics._atomic import atomic_path
    from logistics.progress import progress
    from logistics.report.basemap import base_map

    out = Path(args.out)
    if out.suffix.lower() not in _FORMATS:
        raise ConfigError(f"--out must end in one of {', '.join(_FORMATS)}, got {args.out!r}")
    bbox = _parse_bbox(args.bbox) if args.bbox else None
    with progress(2, "map") as bar:
        bar.step("terrain, relief, rivers, places")
        fig, _ = base_map(bbox, resolution_m=args.resolution_m, labels=not args.no_labels,
                          title=args.title, dem=args.dem)
        bar.step(f"writing {out}")
        with atomic_path(out) as tmp:
            fig.savefig(tmp, dpi=args.dpi, bbox_inches="tight", format=out.suffix.lower()[1:])
    print(f"wrote {out}")
    return 0


def _parse_bbox(text: str) -> tuple[float, float, float, float]:
    parts = [p for p in text.replace(" ", "").split(",") if p]
    try:
        values = tuple(float(p) for p in parts)
    except ValueError:
        values = ()
    if len(values) != 4:
        raise ConfigError(f"--bbox must be W,S,E,N in degrees (e.g. 118,45,123,48.5), got {text!r}")
    return values  # type: ignore[return-value]
