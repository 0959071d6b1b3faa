"""Finishing a report page: its citation keys expanded into references, no absolute paths.

A page names its sources by key (``[GLANTZ-LP7]``) or by an older pointer (``[SEED-000]``,
``CF 4``, ``PM 1.1``); :func:`references_section` lists the full reference of every source those
stand for, from ``configs/sources.yaml``. :func:`portable_paths` rewrites every absolute path in
a text to a form that does not reveal the machine it ran on: shipped configs and rasters as
``configs/...`` and ``rasters/...``, a file under the working folder relative to it, anything
else by its file name. :func:`finish_page` does both, for every Markdown page the report writes.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from logistics import settings
from logistics.sources import cited_keys, load_bibliography

__all__ = ["finish_page", "portable_path", "portable_paths", "references_section"]

# An absolute POSIX path of at least two parts, not part of a word, a URL or a relative path
# (``km/h``, ``L/100 km``, ``https://...`` and ``configs/x.yaml`` are left alone).
_ABS_PATH = re.compile(r"(?<![\w.:/~\-])/(?:[^\s`'\"()\[\],;|/]+/)+[^\s`'\"()\[\],;|/]*")


def _roots() -> list[tuple[Path, str]]:
    """Known folders and how a page names them, most specific first."""
    roots = [(Path(settings.CONFIG_DIR), "configs"), (Path(settings.RASTER_DIR), "rasters"),
             (Path(settings.SHIPPED_CONFIG_DIR), "configs"),
             (Path(settings.SHIPPED_RASTER_DIR), "rasters"),
             (Path(settings.CACHE_DIR), "<cache>"), (Path(os.getcwd()), "."),
             (Path(settings.PROJECT_ROOT), ".")]
    out = []
    for root, name in roots:
        for r in {root, root.resolve()}:
            out.append((r, name))
    return sorted(out, key=lambda rn: len(rn[0].parts), reverse=True)


def portable_path(path: str | Path) -> str:
    """``path`` as a page may print it: relative to a known folder, else its file name."""
    p = Path(path)
    if not p.is_absolute():
        return p.as_posix()
    for root, name in _roots():
        try:
            rel = p.relative_to(root)
        except ValueError:
            continue
        return rel.as_posix() if name == "." else f"{name}/{rel.as_posix()}".rstrip("/.")
    return p.name


def path_kept(path: str | Path) -> bool:
    """True when :func:`portable_path` keeps where ``path`` is (relative, or under a known
    folder); False when it cuts it to its file name (an absolute path elsewhere)."""
    p = Path(path)
    return not p.is_absolute() or any(p == root or root in p.parents for root, _ in _roots())


def portable_paths(text: str) -> str:
    """``text`` with every absolute path replaced by :func:`portable_path` of it."""
    return _ABS_PATH.sub(lambda m: portable_path(m.group(0)), text)


def references_section(text: str, *, heading: str = "## References",
                       config_dir: str | Path | None = None) -> list[str]:
    """Lines of a Markdown section with the full reference of every source ``text`` cites
    (empty when it cites none), from the bibliography of the configs folder ``config_dir``
    (``settings.CONFIG_DIR`` when None: a run's page, the folder it read)."""
    bib = load_bibliography(config_dir=config_dir)
    keys = cited_keys([text], bib)
    if not keys:
        return []
    lines = [heading, "",
             "Every source the page cites, by key (configs/sources.yaml); an older pointer "
             "(CF, PM, MF, RW: a section of the project's curated reference) stands for every "
             "source of that section, all listed here.", ""]
    lines += [f"- {bib.reference(k)}" for k in keys]
    return lines + [""]


def finish_page(text: str, *, config_dir: str | Path | None = None) -> str:
    """A Markdown page ready to write: its references (the bibliography of ``config_dir``,
    ``settings.CONFIG_DIR`` when None) appended, absolute paths made portable."""
    text = text.rstrip("\n") + "\n"
    refs = references_section(text, config_dir=config_dir)
    if refs:
        text += "\n" + "\n".join(refs)
    return portable_paths(text)
