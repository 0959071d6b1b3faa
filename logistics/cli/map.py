"""`logistics map`: draw the base map (relief, rivers, lakes, borders, places) to a PNG.

The file is written atomically: it appears complete or not at all.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from logistics.cli import add_overwrite, int_in, number_of, out_path, path_text, resolution_m
from logistics.errors import ConfigError

__all__ = ["register"]

_FORMATS = (".png", ".pdf", ".svg")
#: Written into the image's metadata (PNG Software, PDF/SVG Creator): how ``--overwrite``
#: recognises a map this command made.
_SIGNATURE = "logistics map"
_DEFAULT_OUT = "basemap.png"  # --out when none is given
_DPI_RANGE = (10, 600)  # beyond 600 dpi the theatre map is hundreds of megapixels
_MIN_BOX_DEG = 0.01  # about 1 km: below it the 30" DEM has no relief to draw
_MAX_TITLE = 300


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
    p.add_argument("--out", default=None, metavar="FILE", type=path_text,
                   help="output image, .png/.pdf/.svg; it must not exist yet, or be a map this "
                        f"command made and --overwrite given (default: {_DEFAULT_OUT})")
    add_overwrite(p, "a map image")
    p.add_argument("--resolution-m", type=resolution_m, default=None, metavar="M",
                   help="relief grid cell size in metres (default: about 1200 cells across)")
    p.add_argument("--dem", default="merged", choices=("merged", "etopo5"),
                   help="elevation model for the relief (default: merged)")
    p.add_argument("--title", default=None, help="map title (default: from the box)")
    p.add_argument("--no-labels", action="store_true", help="draw no place names")
    p.add_argument("--dpi", type=int_in(*_DPI_RANGE), default=150,
                   help=f"image resolution, {_DPI_RANGE[0]}-{_DPI_RANGE[1]} (default: 150)")
    p.set_defaults(func=_run)


#: Control characters other than a line break, refused in a title.
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")


def _run(args: argparse.Namespace) -> int:
    from logistics._atomic import atomic_path, check_output_file
    from logistics.progress import progress
    from logistics.report.basemap import base_map, check_base_map
    from logistics.terrain.layer_files import check_layer_files

    out, named = out_path(args.out, _DEFAULT_OUT, kind="output file")
    if out.suffix.lower() not in _FORMATS or not out.stem:
        raise ConfigError(f"--out must be a file name ending in one of {', '.join(_FORMATS)}, "
                          f"got {args.out[:80]!r}")
    if args.title is not None and len(args.title) > _MAX_TITLE:
        raise ConfigError(f"--title has {len(args.title):,} characters; at most {_MAX_TITLE}")
    odd = _CONTROL.search(args.title or "")
    if odd:  # no font has a glyph for them: a box on the map and a warning on stderr
        raise ConfigError(f"--title holds a control character ({odd.group()!r}); write the "
                          "title in plain text (a line break may split it in two lines)")
    check_output_file(out, overwrite=args.overwrite, ours=_is_our_map, **named)  # before work
    bbox = _parse_bbox(args.bbox) if args.bbox else None
    check_base_map(bbox, args.resolution_m)  # a grid memory cannot hold: before the terrain step
    check_layer_files(dem=args.dem)  # a damaged layer: refused before the terrain step reads it
    with progress(2, "map") as bar:
        bar.step("terrain, relief, rivers, places")
        fig, _ = base_map(bbox, resolution_m=args.resolution_m, labels=not args.no_labels,
                          title=args.title, dem=args.dem)
        fmt = out.suffix.lower()[1:]
        meta = {"Software": _SIGNATURE} if fmt == "png" else {"Creator": _SIGNATURE}
        bar.step(f"writing {out}")
        with atomic_path(out, overwrite=args.overwrite) as tmp:
            fig.savefig(tmp, dpi=args.dpi, bbox_inches="tight", format=fmt, metadata=meta)
    print(f"wrote {out}")
    return 0


def _is_our_map(path: Path) -> bool:
    """An image this command wrote: its metadata holds the signature (read from the file)."""
    try:
        if path.stat().st_size > 512 * 2**20:
            return False
        return _SIGNATURE.encode() in path.read_bytes()
    except OSError:
        return False


def _parse_bbox(text: str) -> tuple[float, float, float, float]:
    parts = [p for p in text.replace(" ", "").split(",") if p]
    try:
        values = tuple(float(number_of(p)) for p in parts)
    except ValueError:
        values = ()
    if len(values) != 4:
        raise ConfigError(f"--bbox must be W,S,E,N in degrees (e.g. 118,45,123,48.5), got "
                          f"{text[:80]!r}")
    from logistics.terrain.grid import check_bbox

    w, s, e, n = check_bbox(values, what="--bbox")
    if e - w < _MIN_BOX_DEG or n - s < _MIN_BOX_DEG:
        raise ConfigError(f"--bbox {text[:80]!r} is smaller than {_MIN_BOX_DEG} degrees (about "
                          "1 km) on a side: the 30\" DEM has no relief to draw there; give a "
                          "larger box")
    return values  # type: ignore[return-value]
