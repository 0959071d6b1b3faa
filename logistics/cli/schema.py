"""`logistics schema`: write the JSON Schemas of the scenario and vehicle files, and name them in
each file's first line so editors complete and check keys.

The schemas are generated from the validators (:mod:`logistics.config_schema`) into
``configs/schema/``; run this after changing a validator and commit the result (a test holds the
committed schemas equal to the generated ones).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from logistics import settings
from logistics.cli import path_text

__all__ = ["register"]


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``schema`` sub-command."""
    p = sub.add_parser(
        "schema",
        help="write the JSON Schemas of scenario and vehicle files (configs/schema/)",
        description=(
            "Generate the JSON Schemas of the scenario and vehicle files from their validators "
            "into CONFIGS/schema/ and make the first line of each scenario and vehicle file "
            "name its schema (# yaml-language-server: $schema=..., relative to the file's "
            "folder), so editors complete and check keys; the scenario files in subfolders "
            "too (armies/template.yaml: any YAML file with a top-level axis_id outside "
            "vehicles/ and schema/). Files already up to date are left alone."
        ),
    )
    p.add_argument("--configs", default=None, type=path_text,
                   help=f"the configs folder (default {settings.CONFIG_DIR.name}/ of the "
                        "checkout, or LOGISTICS_CONFIG_DIR)")
    p.add_argument("--no-modelines", action="store_true",
                   help="write the schemas only; leave the YAML files untouched")
    p.set_defaults(func=_schema)


def _schema(args: argparse.Namespace) -> int:
    from logistics.config_schema import write_schemas
    from logistics.errors import ConfigError

    root = Path(args.configs) if args.configs else settings.CONFIG_DIR
    if not root.is_dir():
        raise ConfigError(f"--configs {root}: not a folder; give the configs folder "
                          "(the one holding vehicles/)")
    skipped: list[Path] = []
    changed = write_schemas(root, modelines=() if args.no_modelines else ("scenario", "vehicle"),
                            left_alone=skipped)
    for path in changed:
        print(f"wrote {path.relative_to(root).as_posix()}")
    for path in skipped:
        print(f"left alone: {path.relative_to(root).as_posix()} (no axis_id: not a scenario "
              "file)")
    print(f"{len(changed)} file(s) changed in {root}/" if changed
          else "schemas and modelines up to date")
    return 0
