"""MANIFEST.json of the shipped layers: write it after a build, check the files against it.

Per file: sha256, size in bytes, the packages/versions/paths it came from with their licences,
and the command that built it. The manifest holds no date, so a rebuild from the same inputs
with the same tools gives the same manifest.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from _sources import sha256_of
from logistics._atomic import atomic_path
from logistics.errors import DataError

__all__ = ["MANIFEST_NAME", "file_entry", "write_manifest", "check_manifest"]

MANIFEST_NAME = "MANIFEST.json"


def file_entry(path: Path, *, sources: list[dict[str, str]], command: str,
               description: str) -> dict[str, Any]:
    """Manifest record of one built file."""
    return {
        "description": description,
        "sha256": sha256_of(path),
        "size_bytes": path.stat().st_size,
        "sources": sources,
        "command": command,
    }


def write_manifest(folder: Path, manifest: dict[str, Any]) -> Path:
    """Write ``manifest`` as sorted, indented JSON into ``folder`` (atomically)."""
    path = folder / MANIFEST_NAME
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def check_manifest(folder: Path) -> list[str]:
    """Problems found checking ``folder`` against its manifest (empty list: all files match)."""
    path = folder / MANIFEST_NAME
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        files = manifest["files"]
    except FileNotFoundError as exc:
        raise DataError(f"no {MANIFEST_NAME} in {folder}; build it with python rasters/build.py"
                        ) from exc
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise DataError(f"{path} is not a layer manifest ({exc}); rebuild it") from exc
    problems = []
    for name, entry in sorted(files.items()):
        shipped = folder / name
        if not shipped.exists():
            problems.append(f"{name}: listed in the manifest but missing")
            continue
        size = shipped.stat().st_size
        if size != entry["size_bytes"]:
            problems.append(f"{name}: size {size} B, manifest says {entry['size_bytes']} B")
        digest = sha256_of(shipped)
        if digest != entry["sha256"]:
            problems.append(f"{name}: sha256 {digest[:12]}..., manifest says {entry['sha256'][:12]}...")
    return problems
