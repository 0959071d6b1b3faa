"""JSON Schemas of the scenario and vehicle files, generated from their validators.

Editors that speak the yaml-language-server protocol (VS Code's YAML extension, neovim, Emacs
lsp-mode, JetBrains) complete and check a config's keys when its first line is

    # yaml-language-server: $schema=schema/scenario.schema.json

(a path relative to the YAML file). The schemas are written by ``logistics schema`` into
``configs/schema/`` and committed; a test holds the committed files equal to these generators,
so they cannot drift from the validators.

* the scenario schema is pydantic's own ``model_json_schema()`` of the model the scenario loader
  validates with (:data:`SCENARIO_MODEL`);
* the vehicle loader (:mod:`logistics.vehicles`) validates by hand, so its schema is a pydantic
  model built here from the loader's own rule tables (keys, kinds, fuel types, the open range of
  every figure, the provenance keys of :mod:`logistics.sources`): one source of the rules.

A schema helps an editor; it does not replace the loader, which also checks what a schema
cannot say well (a figure required for one vehicle kind, a unique alias, a known vehicle id).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from logistics import vehicles
from logistics.army.schema import Army
from logistics.army.load import army_paths
from logistics.sources import PROVENANCE_KEYS

__all__ = ["SCENARIO_MODEL", "SCHEMA_FILES", "MODELINE", "scenario_schema", "vehicle_schema",
           "schema_texts", "config_files", "subfolder_scenarios", "with_modeline",
           "write_schemas"]

#: The pydantic model the scenario loader validates a scenario file with.
SCENARIO_MODEL: type[BaseModel] = Army

#: File name in ``configs/schema/`` of each schema.
SCHEMA_FILES: dict[str, str] = {"scenario": "scenario.schema.json",
                                "vehicle": "vehicle.schema.json"}

#: The first line of a YAML config naming its schema (yaml-language-server's modeline).
MODELINE = "# yaml-language-server: $schema={}"
_MODELINE_RE = re.compile(r"^# yaml-language-server: \$schema=\S*\n")

_DRAFT = "https://json-schema.org/draft/2020-12/schema"


def scenario_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file (``configs/*.yaml``), from :data:`SCENARIO_MODEL`."""
    schema = SCENARIO_MODEL.model_json_schema()
    return {"$schema": _DRAFT, "title": "logistics scenario file", **_without_title(schema)}


def _forbid() -> ConfigDict:
    return ConfigDict(extra="forbid")


def _provenance_fields() -> dict[str, Any]:
    """Optional text fields for each provenance key and the quote (the rule "exactly one of
    them" is :func:`logistics.sources.provenance_problem`'s; a schema would say it clumsily)."""
    fields: dict[str, Any] = {k: (str | None, Field(None, description=_PROVENANCE_HELP[k]))
                              for k in PROVENANCE_KEYS}
    fields["quote"] = (str | None, Field(None, description="the phrase the figure was read in"))
    return fields


_PROVENANCE_HELP = {
    "cite": "where the value comes from: a bracketed key of configs/sources.yaml and the quoted phrase",
    "source": "older spelling of cite",
    "derived": "arithmetic on cited figures, written out",
    "assumed": "a modelling assumption: why this value, when no source gives one",
}


def _cited(name: str, value_type: Any, description: str) -> type[BaseModel]:
    """A model of a figure: ``value`` of ``value_type`` with its provenance."""
    return create_model(name, __config__=_forbid(), __doc__=description,
                        value=(value_type, ...), **_provenance_fields())


def _vehicle_model() -> type[BaseModel]:
    """The vehicle file as a pydantic model, built from :mod:`logistics.vehicles`' rules."""
    fields: dict[str, Any] = {
        "name": (str, Field(..., min_length=1, description="display name")),
        "aliases": (list[str | int], Field([], description="other names the vehicle answers to")),
        "kind": (Literal[vehicles.KINDS], ...),  # type: ignore[valid-type]
        "fuel_type": (Literal[vehicles.FUEL_TYPES], Field(  # type: ignore[valid-type]
            ..., description="'none' for foot and horse, else diesel or petrol")),
    }
    for key, spec in vehicles._PARAMS.items():
        number = Annotated[float, Field(gt=spec.lo, le=spec.hi)]
        need = (f"; required for kind {', '.join(spec.required_for)}" if spec.required_for
                else "")
        model = _cited(f"Figure_{key}", number,
                       f"{key} in ({spec.lo:g}, {spec.hi:g}]{need}")
        fields[key] = (model | None, Field(None, description=model.__doc__))
    gear = _cited("RoadRunningGear", Literal["tracked", "wheeled"],
                  "the running gear used on roads (motorised vehicles only)")
    fields["road_running_gear"] = (gear | None, None)
    speed = _cited("MeasuredSpeed", Annotated[float, Field(gt=0)],
                   "speed in km/h the consumption was measured at")
    target = create_model(
        "FuelTarget", __config__=_forbid(),
        __doc__="documented level-ground consumption the engine model is fitted to",
        l_per_100km=(Annotated[float, Field(gt=0)], ...),
        range_l_per_100km=(tuple[float, float] | None, None),
        choice=(str, Field(..., min_length=1,
                           description="which figure of a range is targeted, and why")),
        speed_kmh=(speed | None, None),
        **_provenance_fields(),
    )
    surfaces = create_model("FuelTargets", __config__=_forbid(),
                            **{s: (target | None, None) for s in vehicles.TARGET_SURFACES})
    fields["fuel_targets"] = (surfaces | None, None)
    like = create_model(
        "CalibrateLike", __config__=_forbid(),
        __doc__="borrow another vehicle's fitted engine (no consumption documented for this one)",
        vehicle=(str, Field(..., min_length=1, description="id of another vehicle file")),
        fuel_volume_factor=(Annotated[float, Field(gt=0)], 1.0),
        **_provenance_fields(),
    )
    fields["calibrate_like"] = (like | None, None)
    assert set(fields) == set(vehicles._TOP_KEYS), "vehicle schema and loader disagree on keys"
    return create_model("Vehicle", __config__=_forbid(),
                        __doc__="one vehicle class (configs/vehicles/<id>.yaml)", **fields)


def vehicle_schema() -> dict[str, Any]:
    """The JSON Schema of a vehicle file (``configs/vehicles/*.yaml``)."""
    schema = _vehicle_model().model_json_schema()
    return {"$schema": _DRAFT, "title": "logistics vehicle file", **_without_title(schema)}


def _without_title(schema: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in schema.items() if k != "title"}


_GENERATORS = {"scenario": scenario_schema, "vehicle": vehicle_schema}


def schema_texts() -> dict[str, str]:
    """File name -> text of every schema (sorted keys, 2-space indent, one final newline:
    the same bytes on every run)."""
    return {SCHEMA_FILES[kind]: json.dumps(gen(), indent=2, sort_keys=True, ensure_ascii=False)
            + "\n" for kind, gen in _GENERATORS.items()}


def config_files(config_dir: str | Path) -> dict[str, list[Path]]:
    """The YAML files of ``config_dir`` each schema describes (kind -> files): the scenarios
    are the army files directly in it (``army.load.army_paths``) and those in its subfolders
    (:func:`subfolder_scenarios`: ``armies/template.yaml``, a user's ``what-if/*.yaml``)."""
    root = Path(config_dir)
    return {"scenario": army_paths(root) + subfolder_scenarios(root),
            "vehicle": sorted((root / "vehicles").glob("*.yaml"))}


#: Subfolders of a configs folder that hold no army file: the vehicle files (their own kind)
#: and the schemas.
_NOT_ARMY_FOLDERS: frozenset[str] = frozenset({"vehicles", "schema"})


def subfolder_scenarios(config_dir: str | Path) -> list[Path]:
    """The army files in the subfolders of ``config_dir`` at any depth (``armies/template.yaml``,
    a user's ``what-if/my-axis.yaml``), sorted: every ``*.yaml``/``*.yml`` whose text has a
    top-level ``axis_id:``, outside ``vehicles/``, ``schema/`` and hidden folders. The data
    files of ``norms/``, ``history/``, ``network/`` and ``terrain/`` have none and are not
    scenarios. Folders that are symbolic links are not entered (their files lie elsewhere)."""
    from logistics._textfile import read_text
    from logistics._yaml import MAX_BYTES
    from logistics.army.load import ARMY_SUFFIXES
    from logistics.errors import ConfigError

    root = Path(config_dir)
    found: list[Path] = []
    for here, folders, names in os.walk(root):
        folders[:] = sorted(d for d in folders if not d.startswith(".") and not (
            Path(here) == root and d in _NOT_ARMY_FOLDERS))
        if Path(here) == root:
            continue  # army_paths' files
        for name in sorted(names):
            f = Path(here) / name
            if f.suffix.lower() in ARMY_SUFFIXES and f.is_file() and _SCENARIO_KEY_RE.search(
                    read_text(f, what="YAML file", max_bytes=MAX_BYTES, error=ConfigError)):
                found.append(f)
    return found


def with_modeline(text: str, schema_path: str) -> str:
    """``text`` of a YAML file with its first line naming ``schema_path`` (replaced if there,
    inserted if not); the rest is untouched."""
    return MODELINE.format(schema_path) + "\n" + _MODELINE_RE.sub("", text, count=1)


#: A scenario file's own key at the start of a line (top level): a YAML file in the configs
#: folder without it is no scenario file (a user's notes), and its text is left alone.
_SCENARIO_KEY_RE = re.compile(r"^axis_id\s*:", re.MULTILINE)


def _inside(root: Path, folders) -> None:
    """ConfigError, before anything is written, for a folder of ``folders`` that lies outside
    ``root`` (``vehicles/`` or ``schema/`` a symbolic link to a folder shared by other trees:
    its files would be rewritten there, outside the folder the command was given)."""
    from logistics.errors import ConfigError

    top = root.resolve()
    for d in sorted(folders):
        real = d.resolve()
        if real != top and top not in real.parents:
            raise ConfigError(f"{d} is a link to {real}, outside {root}; schema writes only "
                              "inside the configs folder, and nothing was written; fix: copy "
                              f"that folder into {root} (or run schema on the folder it belongs "
                              "to), or give --no-modelines if only vehicles/ is linked")


def _no_linked_file(root: Path, files) -> None:
    """ConfigError, before anything is written, for a file of ``files`` that is a symbolic link
    (an army or vehicle file linked from a folder shared by other trees): its first line cannot
    be written without replacing the link by a file or writing outside ``root``, so the link was
    refused only after ``schema/`` had been written, with the fix of an output path."""
    from logistics.errors import ConfigError

    linked = [f for f in files if f.is_symlink()]
    if linked:
        shown = ", ".join(f"{f} (to {os.readlink(f)})" for f in linked[:3])
        more = f" and {len(linked) - 3} more" if len(linked) > 3 else ""
        raise ConfigError(f"{shown}{more}: a symbolic link; schema rewrites a file's first line "
                          f"only inside {root}, never through a link, and nothing was written; "
                          "fix: copy the file into the folder in place of the link, or give "
                          "--no-modelines to write the schemas only")


def write_schemas(config_dir: str | Path, *,
                  modelines: tuple[str, ...] = ("scenario", "vehicle"),
                  left_alone: list[Path] | None = None) -> list[Path]:
    """Write ``config_dir/schema/*.schema.json`` and the first line of every file of the kinds
    in ``modelines`` naming its schema. Returns the files changed (none when up to date);
    ``left_alone`` receives the YAML files beside the scenarios that have no ``axis_id:`` (no
    scenario file: their text is not touched). ConfigError, with nothing written, for a
    folder without ``vehicles/`` (no configs tree: a user's project folder)."""
    from logistics._atomic import atomic_path
    from logistics._textfile import read_text
    from logistics._yaml import MAX_BYTES
    from logistics.errors import ConfigError

    root = Path(config_dir)
    if not (root / "vehicles").is_dir():
        raise ConfigError(f"{root}: no vehicles/ folder, so no configs tree (its schema/ and the "
                          "first line of every scenario file would be written into it); fix: "
                          "give the configs folder, the one holding vehicles/ and the scenario "
                          "files (e.g. configs)")
    changed: list[Path] = []

    def put(path: Path, text: str) -> None:
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path) as tmp:
            Path(tmp).write_text(text, encoding="utf-8")
        changed.append(path)

    # every file is read (the one reader: a regular UTF-8 file) before anything is written, so
    # a pipe named *.yaml or a Latin-1 file is one error and the folder is left as it was
    texts = {f: (kind, read_text(f, what=f"{kind} file", max_bytes=MAX_BYTES, error=ConfigError))
             for kind, files in config_files(root).items() if kind in modelines for f in files}
    for f, (kind, text) in list(texts.items()):
        if kind == "scenario" and not _SCENARIO_KEY_RE.search(text):
            del texts[f]
            if left_alone is not None:
                left_alone.append(f)
    _inside(root, [root / "schema", *{f.parent for f in texts}])
    _no_linked_file(root, [*texts, *(root / "schema" / n for n in SCHEMA_FILES.values())])
    for name, text in schema_texts().items():
        put(root / "schema" / name, text)
    for f, (kind, text) in texts.items():
        # relative to the file's own folder, at any depth (../../schema/ two folders down)
        rel = os.path.relpath(root / "schema" / SCHEMA_FILES[kind], f.parent)
        put(f, with_modeline(text, Path(rel).as_posix()))
    return changed
