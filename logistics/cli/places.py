"""`logistics places TEXT...`: list the place names the gazetteer knows (the names an army
file's ``place:``, ``route --from`` or ``sample`` take), with their coordinates and other
names; with TEXT, only those one of whose names contains it, the names ``sample`` resolves
(none: an error, exit status 2, with the near names)."""

from __future__ import annotations

import argparse
import json

__all__ = ["register"]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "places",
        help="list the place names the gazetteer knows (filter with TEXT)",
        description=(
            "List the places the gazetteer knows, one per line: name, 1945 name, latitude and "
            "longitude (degrees), other names. These are the names an army file's `place:`, "
            "`route --from/--to` and `sample` take. With TEXT, only the places one of whose "
            "names contains it (any case or accents): the name, 1945 name, other names and "
            "the GeoNames spellings `sample` resolves (e.g. Чанчунь). Names the sources give "
            "without a coordinate are listed last. A TEXT no name contains is an error "
            "(exit status 2, as an unknown place is for `sample`), with the names near it."
        ),
    )
    p.add_argument("text", nargs="*", metavar="TEXT", help="part of a name, e.g. harb or Хайлар")
    p.add_argument("--json", action="store_true",
                   help="print one JSON object: \"places\", the list of places (name, "
                   "name_1945, lat, lon, aliases, source), and \"not_located\", the names "
                   "given without a coordinate (name: why)")
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from logistics.errors import ConfigError, UnknownNameError
    from logistics.places import find_places, near_places, searchable, unlocated_names

    text = " ".join(args.text)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # LC_ALL=C: Хайлар reaches Python as undecodable bytes
        raise ConfigError(
            f"TEXT {text!r} holds bytes this system's locale does not decode (not UTF-8, "
            "LC_ALL=C?); fix: set a UTF-8 locale (export LC_ALL=C.UTF-8), or type the name "
            "in Latin letters, e.g. `logistics places hail`") from None
    if args.text and not searchable(text):  # '' or '[': it listed every place
        raise ConfigError(
            f"TEXT {text!r} holds no letter or digit to search for (case, accents, spaces and "
            "punctuation are ignored); fix: give part of a name, e.g. `logistics places harb`, "
            "or leave TEXT out to list every place")
    found = find_places(text)
    missing = unlocated_names(text)
    if not found and not missing:  # nothing found is an error, as `sample` of an unknown name
        near = near_places(text)
        raise UnknownNameError(
            f"no place name contains {text!r}" + (f" ({near})" if near else "") + "; fix: give "
            "a shorter part of the name, or the point itself: lon:/lat: in an army file, "
            "LAT,LON on the command line")
    if args.json:
        print(json.dumps({
            "places": [{"name": p.name, "name_1945": p.name_1945, "lat": p.lat, "lon": p.lon,
                        "aliases": list(p.aliases), "source": p.source} for p in found],
            "not_located": missing}, ensure_ascii=False, indent=1))
        return 0
    for p in found:
        old = f" ({p.name_1945})" if p.name_1945 else ""
        other = f"  also: {', '.join(p.aliases)}" if p.aliases else ""
        print(f"{p.name}{old}  {p.lat:.4f} N {p.lon:.4f} E{other}")
    for name, why in missing.items():
        print(f"{name}  (no coordinate: {why})")
    return 0
