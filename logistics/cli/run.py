"""`logistics run CONFIG|DIR`: run one army file (or every army file of a folder) and write its outputs.

Each run writes, atomically, a folder with every formation's track, route, daily table and the
army's fuel ledger (formations.csv, tracks.csv, routes.csv, daily.csv, army_daily.csv,
crossings.csv), the headline formation's route.geojson, daily.geojson and track.csv, the
deliveries, cost.tif (accumulated time) and terrain.tif (elevation; both Cloud-Optimised
GeoTIFFs), run.gpkg (every layer of every formation, styled; run.<layer>.qml beside it), run.qgz
(a QGIS project opening the folder), map.png, advance.png, fuel.png and report.md, then prints a
one-screen summary (per formation: km, arrival, where the fuel ran out; where the route crosses
the mountains) and the wall seconds the army took.

A folder of army files can run on dask workers (``--workers N``; the guarantees of the run in
one process kept, outputs byte for byte the same):

* every check first, in this process: the army files, their run folders, the documented file;
* each army's run (:func:`run_army`: its own checks, then ``run_scenario``) on a worker of a
  local dask cluster (:func:`~logistics.cli._cluster.cluster_for`, as ``compare``'s: sized to
  the machine, quiet on Ctrl-C), the largest grids first; an army's LogisticsError comes back
  as a value and joins the failures, in the folder's order, as in one process;
* ``share_breaches`` in this process, which holds every army's result (their plans);
* each run folder written on the workers (``write_run``, atomic): an army the breaches left
  as it was from the worker that ran it, one run again sent back; the summaries printed here
  in the folder's order as each is written.

Why dask and not a forked pool: the cluster code exists (one implementation, with its Ctrl-C
and worker-count rules), and a fork of a process with threads alive (numba's, dask's event
loop) can deadlock in the child. A worker is a fresh process that reads only the army, the
options and the result it is sent, so its files are the one-process run's. A worker that
dies, or fails with an error that is not the program's own, stops the command with one line;
a stop (Ctrl-C, SIGTERM, that error) while workers write removes their temporary folders
once they have ended (:func:`~logistics._atomic.sweep`), so only complete run folders stay.

Why not the default: measured on two cores (7 December, ``run configs/``), two workers took
1.5 times the wall of one process and 1.8 times its CPU (each worker imports the stack and
loads numba's cached solvers and the shared layers again, every result is pickled back, about
25 MB a large army's): the work saved is less than the work added. One process stays the
default until that overhead is cut.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from logistics import settings
from logistics.cli import (add_overwrite, non_negative_int, out_path, path_text, path_value,
                           resolution_m, seed, warn_coarse)
from logistics.cli._cluster import WORKER_GIB, check_workers, cluster_for
from logistics.errors import (ConfigError, LogisticsError, ResourceError, close_names,
                              did_you_mean, offer)

__all__ = ["register", "scenario_files", "other_tree_note", "RunOptions", "run_army"]


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``run`` sub-command."""
    p = sub.add_parser(
        "run",
        help="run an army file (or a folder of them) and write its outputs",
        description=(
            "Move every formation of an army hour by hour along its least-time route, all on "
            "one fuel account, burning fuel by the vehicle physics; vehicles that run dry stay "
            "behind; write the run folder and print a summary. Vehicles, norms, sources.yaml "
            "and fortified-regions.yaml are read from one configs folder: the shipped one, or "
            "LOGISTICS_CONFIG_DIR (set it to run a copied configs folder's army files on that "
            "copy's vehicles and norms). A new axis: copy configs/armies/template.yaml."
        ),
    )
    p.add_argument("config", help="an army .yaml file, or a folder: every *.yaml and *.yml "
                                  "in it (not in subfolders) but sources.yaml and "
                                  "fortified-regions.yaml, which are data; or a scenario's "
                                  "name (tbf-6gta): the army file of that name in the configs "
                                  "folder LOGISTICS_CONFIG_DIR names, else the shipped one")
    p.add_argument("--out", default=None, type=path_text,
                   help="run folder for one config (default out/<axis_id>); for a folder of "
                        "configs, the parent of the run folders (default out). A run folder "
                        "must not exist yet or be empty, or be an earlier run folder and "
                        "--overwrite given")
    add_overwrite(p, "run folders")
    p.add_argument("--seed", type=seed, default=0,
                   help="seed of the run's random parts, 0 .. 4294967295 (default 0)")
    p.add_argument("--resolution-m", type=resolution_m, default=None,
                   help="grid cell size in metres (default 1000, or LOGISTICS_RESOLUTION_M; "
                        "one too coarse for the army's routes, about 35 km and up on the "
                        "shipped armies, is warned on)")
    p.add_argument("--dem", choices=("merged", "etopo5"), default="merged",
                   help="elevation model: merged 30\" (default) or the ETOPO5 baseline")
    p.add_argument("--no-events", action="store_true",
                   help="leave out the fortified-region rule (no detours, assaults or "
                        "detachments: a sensitivity run)")
    p.add_argument("--engine", choices=("auto", "memory", "chunked"), default="auto",
                   help="accumulated-cost solver: in memory, the exact chunked one (dask tiles "
                        "of LOGISTICS_CHUNK_CELLS, for grids larger than memory), or auto: "
                        "in memory when the grid fits (default)")
    p.add_argument("--documented", metavar="FILE", type=path_value, default=None,
                   help="documented-advances CSV whose rows of the run's axis are drawn on its "
                        "maps and layers (default: history/documented-advances.csv of the "
                        "configs folder); read and checked before any run; `logistics compare "
                        "--documented FILE` scores them")
    p.add_argument("--workers", metavar="N", type=non_negative_int, default=None,
                   help="for a folder: dask workers that run and write its armies, at most "
                        f"one per core and per {WORKER_GIB:g} GiB of available memory (with "
                        "LOGISTICS_SCHEDULER, that scheduler's workers run them and this "
                        "process writes them); 0 (default) runs them in this process, so far "
                        "the faster on two cores; refused for one army file, which always runs "
                        "in this process")
    p.set_defaults(func=_run)


def _say_coarse(army, resolution_m: float | None) -> None:
    """On stderr, before the work, when the grid is too coarse for the army's routes
    (:mod:`logistics.advance.coarse_grid`; the run goes on, and its report notes it too)."""
    from logistics.advance.coarse_grid import coarse_grid_note

    warn_coarse("run", coarse_grid_note(army, resolution_m or settings.DEFAULT_RESOLUTION_M))


def _say_undrawn(documented, axis_id: str) -> None:
    """On stderr, when ``--documented`` has no row of this run's axis with a coordinate to
    draw: nothing would be drawn unsaid. Plainly when the file has no row of the axis at all
    (an axis it does not document, e.g. one whose positions are withheld), with the rows it
    has of others; a guess of a near axis only when that looks like a misspelling
    (:func:`_misspelt_axis`)."""
    from logistics.report.run_layers import documented_points

    if len(documented_points(axis_id, documented.usable)):  # what the maps draw, one rule
        return
    own = int((documented.table["axis_id"] == axis_id).sum())
    if own:  # its rows lack lat/lon, or a valid date
        print(f"logistics run: {documented.path} has {own} row(s) of axis {axis_id} but none "
              "with a date, lat and lon to draw; the maps draw no documented position",
              file=sys.stderr)
        return
    axes = list(documented.axes)
    rows = (f"its {len(documented.usable)} row(s), all of other axes: {', '.join(axes)}"
            if axes else "it has no usable row")
    print(f"logistics run: {documented.path} has no row of axis {axis_id} ({rows})"
          f"{_axis_hint(axis_id, axes)}; the maps draw no documented position", file=sys.stderr)


def _axis_hint(axis_id: str, axes: list[str]) -> str:
    """'; did you mean ...' when the run's ``axis_id`` and an axis of ``axes`` (a documented
    file's, none of them ``axis_id``) look like one axis misspelt: near each other
    (:data:`~logistics.history.inputs.AXIS_CUTOFF`) and not both the axes of army files of the
    configs folder. Two such axes are two armies: the file does not document the run's
    (TBF-17A is the 17th Army's, whose positions are withheld, not a slip for the 39th's
    TBF-39A); '' then, and when none is near. The id offered is an army file's when one of
    the two is (the other is the slip), as ``logistics compare`` offers the scenario's."""
    from logistics.history.inputs import AXIS_CUTOFF

    armies = _configured_axes()
    near = [a for a in close_names(axis_id, axes, cutoff=AXIS_CUTOFF)
            if not (a in armies and axis_id in armies)]
    if not near:
        return ""
    if axis_id in armies:  # the file's id is the slip
        return offer([f"{axis_id!r} for its {near[0]!r}"], lead="; ") + \
            " (axis_id is matched exactly, case included)"
    return offer([f"{near[0]!r} for {axis_id!r}"], lead="; ")


def _configured_axes() -> set[str]:
    """The ``axis_id`` of every army file of ``settings.CONFIG_DIR`` (read as YAML only: a
    file that does not parse, or gives none, adds nothing)."""
    from logistics._yaml import load_yaml
    from logistics.army.load import army_paths

    axes: set[str] = set()
    try:
        paths = army_paths(settings.CONFIG_DIR)
    except LogisticsError:  # its own error is said when its armies are run
        return axes
    for path in paths:
        try:
            doc = load_yaml(path)
        except LogisticsError:
            continue
        if isinstance(doc, dict) and isinstance(doc.get("axis_id"), str):
            axes.add(doc["axis_id"])
    return axes


def _say_dropped(documented, axis_id: str) -> None:
    """On stderr, the rows of ``axis_id`` in ``--documented`` that are not drawn because a
    value in them is refused (a date like 1945-13-40, a lat of 99): the file's reader keeps
    such problems for `logistics compare` to print, so a run dropped the row without a word."""
    rows = set(documented.table.loc[documented.table["axis_id"] == axis_id, "row"])
    bad = [p for p in documented.problems
           if p.row in rows and p.column in _DRAWN_COLUMNS]
    if not bad:
        return
    print(f"logistics run: {documented.path}: {len({p.row for p in bad})} row(s) of axis "
          f"{axis_id} not drawn, a value refused (fix the value; `logistics compare "
          "--documented` lists the file's other problems):", file=sys.stderr)
    for problem in bad:
        print(f"  {problem}", file=sys.stderr)


#: The columns a documented row needs to be drawn: a bad one drops the row from the maps.
_DRAWN_COLUMNS = frozenset({"date", "lat", "lon"})


def scenario_files(target: str | Path) -> list[Path]:
    """The scenario files named by ``target``: the file itself, every *.yaml and *.yml in the
    folder (:func:`~logistics.army.load.army_paths`), or a bare name (``tbf-6gta``) of a
    shipped scenario in ``settings.CONFIG_DIR``."""
    from logistics.army.load import army_by_name, army_paths

    if not str(target).strip():
        raise ConfigError("give a scenario file or a folder of them, e.g. "
                          "`logistics run configs/tbf-6gta.yaml`")
    path = army_by_name(target)  # a bare name: a shipped scenario (from any folder)
    if path.is_dir():
        files = army_paths(path)  # two files of one name, .yaml and .yml: refused here
        if not files:
            raise ConfigError(f"no *.yaml or *.yml scenario files directly in {path}; give a "
                              "file or a folder holding scenario configs (e.g. configs/)")
        return files
    if not path.is_file() and len(path.parts) == 1:  # a bare name found nowhere
        raise ConfigError(f"{path} is neither a scenario file nor a folder, nor a scenario "
                          f"of {_names_folder()}, where a name is looked up;"
                          f"{_did_you_mean(Path(target))} fix: {_name_fix(path.name)}")
    if not path.is_file():
        raise ConfigError(f"{path} is neither a scenario file nor a folder;"
                          f"{_did_you_mean(Path(target))} e.g. "
                          "`logistics run configs/tbf-6gta.yaml`, or a shipped scenario by "
                          "name: `logistics run tbf-6gta`")
    return [path]


def _names_folder() -> str:
    """The configs folder a bare scenario name is looked up in, in words: the copy
    LOGISTICS_CONFIG_DIR names, else the shipped one (``settings.CONFIG_DIR`` either way)."""
    if _a_copy():
        return f"the configs folder LOGISTICS_CONFIG_DIR names ({settings.CONFIG_DIR})"
    return f"the shipped configs folder ({settings.CONFIG_DIR}: LOGISTICS_CONFIG_DIR names no copy)"


def _a_copy() -> bool:
    """True when ``settings.CONFIG_DIR`` is not the shipped configs folder (LOGISTICS_CONFIG_DIR
    names a copy)."""
    return Path(settings.CONFIG_DIR).resolve() != Path(settings.SHIPPED_CONFIG_DIR).resolve()


def _name_fix(name: str) -> str:
    """The fix of a bare scenario name found in no configs folder: one of that folder's
    scenarios, a file's path, or, for a scenario of a copy of configs/ (README "Working in a
    copy of configs/"), LOGISTICS_CONFIG_DIR set to that copy, where a name is then looked up;
    a copy here (the working folder or one folder down, with its own vehicles/) holding the
    name is named."""
    from logistics.army.load import army_by_name

    fix = ("a scenario file's path (`logistics run my-configs/my-axis.yaml`), or the name of a "
           "scenario of that folder")
    if _a_copy():
        return fix + " (its scenarios above)"
    here = Path.cwd()
    found = []
    try:  # an unreadable folder here is no copy to name
        for d in (here, *sorted(p for p in here.iterdir() if p.is_dir())):
            if (d / "vehicles").is_dir() and army_by_name(name, d).is_file():
                found.append(army_by_name(name, d))
    except OSError:
        pass
    fix += "; a name runs a scenario of a copy of configs/ when LOGISTICS_CONFIG_DIR names the copy"
    if found:
        copy = shlex.quote(str(found[0].parent.resolve()))
        fix += (f": {found[0].relative_to(here)} is one (`LOGISTICS_CONFIG_DIR={copy} logistics "
                f"run {name}`, or `export LOGISTICS_CONFIG_DIR={copy}` once)")
    return fix


def other_tree_note(folder: Path) -> str | None:
    """A warning when ``folder`` holds army files beside its own ``vehicles/`` or ``norms/``
    (a copied configs tree) but is not ``settings.CONFIG_DIR``: a run reads vehicles, norms,
    the bibliography and the fortified regions from ``CONFIG_DIR`` only, so the copy's own
    would be left unread without a word. None when there is nothing to say."""
    own = [d for d in ("vehicles", "norms") if (folder / d).is_dir()]
    if not own or folder.resolve() == Path(settings.CONFIG_DIR).resolve():
        return None
    return (f"note: {folder} has its own {' and '.join(d + '/' for d in own)}, but vehicles, "
            f"norms, sources.yaml and fortified-regions.yaml are read from {settings.CONFIG_DIR}"
            f"; to use the copy's, set LOGISTICS_CONFIG_DIR="
            f"{shlex.quote(str(folder.resolve()))}")  # 'my configs ü': one shell word


def _did_you_mean(path: Path) -> str:
    """' did you mean X?' for a scenario named with a typo (``configs/tbf-6gta.yml``,
    ``tbf-cmgx``): the nearest army file beside it, or for a bare name the nearest shipped
    scenario, with every shipped name listed; '' when nothing is near."""
    from logistics.army.load import army_paths

    bare = len(path.parts) == 1
    folder = settings.CONFIG_DIR if bare else path.parent
    try:
        files = {p.stem: p for p in army_paths(folder)} if folder.is_dir() else {}
    except ConfigError:  # a .yaml/.yml pair in that folder: said when it is run, not here
        files = {}
    stems = list(files)
    typed = path.stem if path.suffix in (".yml", ".yaml", ".") else path.name  # a.yml: a.yaml
    hint = did_you_mean(typed, stems, show=lambda s: f"`logistics run {s if bare else files[s]}`",
                        lead=" ")
    if bare and stems:
        shipped = folder.resolve() == Path(settings.SHIPPED_CONFIG_DIR).resolve()
        hint += f" {'shipped scenarios' if shipped else 'its scenarios'}: {', '.join(stems)};"
    return hint


def absolute(path: Path) -> str:
    """``path`` as the summary prints it: absolute and normalised, so where the run went is
    unambiguous from any folder. A quoted ``'~/x'`` is a folder named ``~`` in the current one
    (shell semantics, as the output rule writes it, not home): printed as ``/cwd/~/x``, it no
    longer reads like home."""
    return os.path.abspath(path)


def _run(args: argparse.Namespace) -> int:
    from logistics._atomic import check_output_dir
    from logistics.progress import progress
    from logistics.report.run_outputs import write_run
    from logistics.report.run_page import summary_lines
    from logistics.army import load_army
    from logistics.history.documented import check_columns, load_documented
    from logistics.history.inputs import configured_documented

    files = scenario_files(args.config)
    many = len(files) > 1 or Path(args.config).is_dir()
    check_workers(args.workers, False)  # a count beyond the machine: refused before any work
    _check_workers_used(args.workers, files)
    for note in dict.fromkeys(filter(None, (other_tree_note(p.parent) for p in files))):
        print(f"logistics run: {note}", file=sys.stderr)
    # drawn on every run's map: a damaged file fails now, before any run
    documented = (configured_documented() if args.documented is None
                  else check_columns(load_documented(args.documented)))
    if many:
        _check_parent_folder(Path(args.out or "out"))
    elif args.out is not None:
        check_output_dir(args.out, overwrite=args.overwrite)
    failures = []
    written: dict[Path, str] = {}
    started = time.perf_counter()
    loaded = _load_all(files, args, failures) if many else {}
    for path, sc in list(loaded.items()):  # every run folder checked before any army runs
        try:
            check_output_dir(Path(args.out or "out") / sc.run_id, overwrite=args.overwrite,
                             **_RUN_FOLDER)
        except LogisticsError as exc:
            failures.append(f"{path.name}: {exc}")
            del loaded[path]
    if failures and loaded:  # said now, not only after minutes of the others' runs
        _say_refused(failures, len(files))
    options = RunOptions.of(args)
    if many:
        with _swept(Path(args.out or "out")), _workers_for(args.workers, len(loaded)) as client:
            runs = (_run_here(loaded, args, options, documented, failures) if client is None
                    else _run_there(client, loaded, args, options, documented, failures))
            if runs:
                _write_shared(runs, args, documented, written, failures, client)
    for path in files if not many else ():
        t0 = time.perf_counter()
        with progress(3, f"run {path.name}") as bar:  # a failed step: not done
            bar.step("loading the army file")
            sc = load_army(path)
            out, named = out_path(args.out, str(Path("out") / sc.run_id))
            check_output_dir(out, overwrite=args.overwrite, **named)  # before the work
            _before_run(sc, args, documented)
            result = run_army(sc, options, started=lambda: bar.step(
                "terrain, route, supply, advance"))
            bar.step(f"writing {out}/")
            write_run(result, out, documented=documented, overwrite=args.overwrite)
            written[out] = path.name
        print("\n".join(summary_lines(result)))
        print(f"  outputs: {absolute(out)}/ (run and written in "
              f"{time.perf_counter() - t0:.1f} s)")
    if many and written:
        print(f"{len(written)} of {len(files)} armies run and written under "
              f"{absolute(Path(args.out or 'out'))}/ in {time.perf_counter() - started:.0f} s")
    if failures:  # one error line, each failed file's problems indented under it
        import textwrap

        rest = " (the others were run and written)" if len(failures) < len(files) else ""
        print(f"logistics run: error: {len(failures)} of {len(files)} army files failed{rest}:",
              file=sys.stderr)
        for text in failures:
            print(textwrap.indent(text, "  "), file=sys.stderr)
        return 2
    return 0


@dataclass(frozen=True)
class RunOptions:
    """What every army of one ``logistics run`` runs with: the command line's ``--seed``,
    ``--dem``, ``--resolution-m`` (None: the default grid), not ``--no-events`` and
    ``--engine``, as plain data a dask worker takes."""

    seed: int = 0
    dem: str = "merged"
    resolution_m: float | None = None
    events: bool = True
    engine: str = "auto"

    @classmethod
    def of(cls, args: argparse.Namespace) -> RunOptions:
        return cls(seed=args.seed, dem=args.dem, resolution_m=args.resolution_m,
                   events=not args.no_events, engine=args.engine)


def _before_run(sc, args: argparse.Namespace, documented) -> None:
    """In this process, before an army's run: a documented position of its axis that map.png
    could not frame refused (DataError), and the notes on stderr about the documented rows
    it cannot draw and a grid too coarse for its routes."""
    from logistics.report.run_layers import check_drawable

    check_drawable(documented, sc.axis_id)
    if args.documented is not None:
        _say_undrawn(documented, sc.axis_id)
        _say_dropped(documented, sc.axis_id)
    _say_coarse(sc, args.resolution_m)


def run_army(sc, options: RunOptions, started=None):
    """The run of the loaded army ``sc`` (a ``RunResult``), after the checks that refuse it
    before its terrain is built (a grid beyond memory, vehicle figures that move nothing, a
    damaged layer, a start or objective in water, a flotilla that sails no river), each a
    LogisticsError naming the file; ``started()`` is called between the checks and the run
    (the progress bar's step). In this process or on a dask worker: the one body of both."""
    from logistics.advance.land_check import check_points_on_land, check_river_moves
    from logistics.advance.plan import army_bbox
    from logistics.cost.physics import check_vehicles
    from logistics.run_memory import check_run_fits
    from logistics.runner import run_scenario
    from logistics.terrain.layer_files import check_layer_files

    # a grid beyond memory: refused before the step that builds it, not in it
    check_run_fits(army_bbox(sc), options.resolution_m or settings.DEFAULT_RESOLUTION_M)
    check_vehicles(sc.config_dir)  # figures that cannot move a vehicle: not NaN fuel
    # a damaged layer, or railway file of the army's configs: refused now, not in the terrain
    check_layer_files(dem=options.dem, config_dir=sc.config_dir)
    # a start or objective in a lake or the sea: refused now, not in the planning
    check_points_on_land(sc, resolution_m=options.resolution_m, dem=options.dem)
    # a flotilla that sails no river: refused now, too (its timetables handed on)
    sailed = check_river_moves(sc)
    if started is not None:
        started()
    return run_scenario(sc, seed=options.seed, dem=options.dem,
                        resolution_m=options.resolution_m, events=options.events,
                        cost_surface=True, engine=options.engine, river_timetables=sailed)


def _run_here(loaded: dict, args: argparse.Namespace, options: RunOptions, documented,
              failures: list[str]) -> dict:
    """Folder mode in this process: each army of ``loaded`` run in turn; returns ``{path:
    (result, run folder, seconds)}`` of those run, a refused one's problem in ``failures``."""
    from logistics._atomic import check_output_dir
    from logistics.progress import progress

    runs: dict[Path, tuple] = {}
    for path, sc in loaded.items():
        t0 = time.perf_counter()
        out = Path(args.out or "out") / sc.run_id  # <--out>/<axis_id>: not the path given
        try:
            with progress(2, f"run {path.name}") as bar:  # a failed step: not done
                bar.step("loading the army file")
                check_output_dir(out, overwrite=args.overwrite, **_RUN_FOLDER)
                _before_run(sc, args, documented)
                result = run_army(sc, options, started=lambda: bar.step(
                    "terrain, route, supply, advance"))
        except LogisticsError as exc:
            failures.append(f"{path.name}: {exc}")
            continue
        runs[path] = (result, out, time.perf_counter() - t0)  # written once shared
    return runs


#: How a folder run's messages name a run folder (``<--out>/<axis_id>``).
_RUN_FOLDER = {"what": "run folder", "option": "--out"}


def _run_there(client, loaded: dict, args: argparse.Namespace, options: RunOptions,
               documented, failures: list[str]) -> dict:
    """:func:`_run_here` with the runs on the workers of ``client``, all at once (the largest
    grids first, so the last to finish is a small one); the same returns and failures, in the
    folder's order. The checks of this process (:func:`_before_run`) come first, for all."""
    from logistics._atomic import check_output_dir

    refused: dict[Path, LogisticsError] = {}
    futures = {}
    for path, sc in loaded.items():
        out = Path(args.out or "out") / sc.run_id
        try:
            check_output_dir(out, overwrite=args.overwrite, **_RUN_FOLDER)
            _before_run(sc, args, documented)
        except LogisticsError as exc:
            refused[path] = exc
            continue
        futures[path] = client.submit(_run_task, sc, options, pure=False,
                                      priority=_grid_cells(sc, options))
    _wait(list(futures.values()), "runs")
    for path in [p for p, f in futures.items() if f.status == "error"][:1]:
        _outcome(futures[path], path, "run")  # a worker's fault stops the command at once
    runs: dict[Path, tuple] = {}
    for path, sc in loaded.items():
        got, seconds = (_outcome(futures[path], path, "run") if path in futures
                        else (refused[path], 0.0))
        if isinstance(got, LogisticsError):
            failures.append(f"{path.name}: {got}")
            continue
        # the worker keeps its result while this future lives: written from there when the
        # shared breaches leave it as it is (no copy sent back)
        runs[path] = (got, Path(args.out or "out") / sc.run_id, seconds, futures[path])
    return runs


def _run_task(sc, options: RunOptions) -> tuple:
    """On a dask worker: (:func:`run_army`'s result, or its LogisticsError, which the
    command lists among the failures as in one process; seconds it took)."""
    t0 = time.perf_counter()
    try:
        return run_army(sc, options), time.perf_counter() - t0
    except LogisticsError as exc:
        return exc, time.perf_counter() - t0


def _write_task(result, out: Path, documented, overwrite: bool) -> tuple:
    """On a dask worker: write ``result``'s run folder (``write_run``, atomic); (None, or its
    LogisticsError; seconds it took). ``result`` may be what :func:`_run_task` returned on
    this worker (the army's result unchanged by the shared breaches)."""
    from logistics.report.run_outputs import write_run

    if isinstance(result, tuple):
        result = result[0]
    t0 = time.perf_counter()
    try:
        write_run(result, out, documented=documented, overwrite=overwrite)
    except LogisticsError as exc:
        return exc, time.perf_counter() - t0
    return None, time.perf_counter() - t0


def _grid_cells(sc, options: RunOptions) -> int:
    """Cells of the army's grid: its run's priority on the workers (the largest first)."""
    from logistics.advance.plan import army_bbox
    from logistics.terrain.grid import metric_grid

    ny, nx = metric_grid(army_bbox(sc), options.resolution_m
                         or settings.DEFAULT_RESOLUTION_M).shape
    return int(ny * nx)


def _wait(futures: list, what: str | None) -> None:
    """Return when every future is done or one failed (the caller's ``result()`` says how),
    with a progress bar of ``what`` (None: none); Ctrl-C lands in this process's own sleep
    (:func:`logistics.history.runs.wait_done`)."""
    from logistics.history.runs import wait_done

    wait_done(futures, settings.PROGRESS and what is not None, what or "")


def _outcome(future, path: Path, doing: str) -> tuple:
    """A task's (value, seconds) from a dask worker. An error that is not the task's own
    LogisticsError (which it returns) is one line too: a worker that died (killed, out of
    memory) or a fault of the program, its type and message, with how to see its traceback;
    an OSError or MemoryError is said as in one process."""
    from logistics.cost.cluster import _cluster_failure

    _wait([future], None)
    try:
        return future.result()
    except (LogisticsError, OSError, MemoryError):
        raise
    except Exception as exc:  # noqa: BLE001 - said in one line, not a worker's traceback
        if _cluster_failure(exc):
            raise ResourceError(
                f"a dask worker died while it was to {doing} {path.name} (killed, or out of "
                f"memory: a run needs about {WORKER_GIB:g} GiB); no run folder was left "
                "half-written; run again with fewer --workers, or --workers 0") from None
        first = (str(exc).strip().splitlines() or [""])[0][:300]
        raise LogisticsError(
            f"the {doing} of {path.name} failed on a dask worker: {type(exc).__name__}: "
            f"{first}; this is a fault of the program, not of the file: run `logistics run "
            f"{shlex.quote(str(path))} --workers 0` for its traceback, and report it") from None


def _check_workers_used(workers: int | None, files: list[Path]) -> None:
    """``--workers N`` (N > 0) refused when fewer than two army files are to run: the workers
    run a folder's armies, one army each, and one army always runs in this process, so the
    option was silently never read (``run one.yaml --workers 2``; breaker37). The same for a
    folder of one army file, so a file and a folder say the same."""
    if workers and len(files) < 2:
        raise ConfigError(
            f"--workers {workers}: the workers run the armies of a folder, one army each, and "
            f"one army file ({files[0].name}) runs in this process; fix: leave out --workers "
            "(or give a folder of two armies or more)")


def _workers_for(workers: int | None, n_armies: int):
    """The dask client of a folder's runs (:func:`~logistics.cli._cluster.cluster_for`) when
    ``--workers N`` (N > 0) is given and there are two armies or more to run; else none (in
    this process: the default, measured faster on two cores, see the module docstring)."""
    if not workers or n_armies < 2:
        return contextlib.nullcontext(None)
    return cluster_for(workers, False)


@contextlib.contextmanager
def _swept(parent: Path):
    """A run stopped (Ctrl-C, SIGTERM, an error) while workers wrote its run folders leaves
    their temporary folders (``.<axis_id>.tmp.<pid>...``: a worker stopped with the cluster
    runs no ``finally``): removed once the workers have ended (:func:`~logistics._atomic.sweep`),
    so nothing but complete run folders stays under ``--out``."""
    from logistics._atomic import sweep

    try:
        yield
    except BaseException:
        sweep(parent, wait_s=10.0)
        raise


def _say_refused(failures: list[str], n_files: int) -> None:
    """On stderr, before a folder's runs: which army files are refused already (a typo in one
    of twelve was said only at the end, after every other army had run, so a user waited
    minutes to learn of it); the others still run, and the closing error lists each problem."""
    names = ", ".join(f.split(":", 1)[0] for f in failures)
    print(f"logistics run: note: {len(failures)} of {n_files} army files cannot be run "
          f"({names}); the others run now, and the error at the end lists each problem "
          "(Ctrl-C to stop and mend them first)", file=sys.stderr)


def _write_shared(runs: dict, args: argparse.Namespace, documented, written: dict,
                  failures: list[str], client=None) -> None:
    """Folder mode: the armies run (``runs``: path -> (result, run folder, seconds)) cross the
    fortified regions the others broke behind their breaches
    (:func:`~logistics.runner.share_breaches`, in this process), then each is written (on
    the workers of ``client`` when it is a local cluster's, in this process else) and summed
    up, in the folder's order."""
    from logistics.progress import progress
    from logistics.report.run_page import summary_lines
    from logistics.runner import share_breaches

    t0 = time.perf_counter()
    by_axis = {r.scenario.axis_id: path for path, (r, *_) in runs.items()}
    with progress(1, "shared breaches") as bar:
        bar.step("armies crossing the regions the others broke")
        shared, settled = share_breaches({a: runs[p][0] for a, p in by_axis.items()})
    each = (time.perf_counter() - t0) / max(len(runs), 1)
    there = {}
    if client is not None and getattr(client, "cluster", None) is not None:
        # a scheduler elsewhere (LOGISTICS_SCHEDULER) may not see this folder: written here
        docs = client.scatter(documented, broadcast=True, hash=False)
        # an army the shared breaches ran again is sent; the others are on their workers
        again = [a for a, p in by_axis.items() if shared[a] is not runs[p][0]]
        sent = dict(zip(again, client.scatter([shared[a] for a in again], hash=False)
                        if again else []))
        there = {axis: client.submit(_write_task, sent.get(axis, runs[path][-1]), runs[path][1],
                                     docs, args.overwrite, pure=False, priority=-i)
                 for i, (axis, path) in enumerate(by_axis.items())}
    with progress(len(there) or None, "writing the run folders", unit="folder",
                  enabled=None if there else False) as bar:
        for axis, path in by_axis.items():
            result, out, seconds = shared[axis], runs[path][1], runs[path][2] + each
            if axis in there:
                problem, write_s = _outcome(there[axis], path, "write")
                bar.update(1)
            else:
                t1 = time.perf_counter()
                problem = _write_here(result, out, path, args, documented)
                write_s = time.perf_counter() - t1
            if problem is not None:
                failures.append(f"{path.name}: {problem}")
                continue
            written[out] = path.name
            print("\n".join(summary_lines(result)))
            print(f"  outputs: {absolute(out)}/ (run and written in {seconds + write_s:.1f} s)")
    if settled.passes:
        print(f"shared breaches: {settled.passes} pass(es) of the armies again, "
              + ("settled" if settled.settled else "NOT settled (said on each page)"))


def _write_here(result, out: Path, path: Path, args: argparse.Namespace,
                documented) -> LogisticsError | None:
    """Write one run folder in this process, with its progress; its LogisticsError, or None."""
    from logistics.progress import progress
    from logistics.report.run_outputs import write_run

    try:
        with progress(1, f"write {path.name}") as bar:
            bar.step(f"writing {out}/")
            write_run(result, out, documented=documented, overwrite=args.overwrite)
    except LogisticsError as exc:
        return exc
    return None


def _load_all(files: list[Path], args: argparse.Namespace, failures: list[str]) -> dict:
    """Every army file of a folder read and validated before any run: ``{path: Army}`` of the
    good ones; a bad file, or a second file with the same axis_id (the same run folder), goes
    to ``failures`` now, not after the armies before it have run."""
    from logistics.army import load_army
    from logistics.army.load import load_armies

    def twin(sc, first: str) -> str:
        return (f"run folder {Path(args.out or 'out') / sc.run_id} is {first}'s (same axis_id "
                f"{sc.axis_id!r}); give each army file its own axis_id")

    loaded, problems = load_armies(files, load_army, twin)
    failures.extend(problems)
    return loaded


def _check_parent_folder(parent: Path) -> None:
    """The parent of the run folders (folder mode) is a writable folder or will be made."""
    import stat

    from logistics._atomic import check_parent, check_writable
    from logistics.errors import OutputError

    check_parent(parent)
    try:
        st = parent.stat()
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise OutputError(f"--out {str(parent)!r}: {exc.strerror}") from None
    if st is not None and not stat.S_ISDIR(st.st_mode):
        raise OutputError(f"--out {str(parent)!r} is not a folder; for a folder of scenarios "
                          "--out names the folder that receives one run folder per scenario")
    check_writable(parent)
