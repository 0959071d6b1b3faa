"""The package reads as the pipeline: no import cycle, no stage imports the drawing above it,
every module says its job in its first docstring line. Imports are read from the source (ast),
function-level ones included."""

from __future__ import annotations

import ast
import io
import re
from pathlib import Path

import pytest

import logistics

PACKAGE = Path(logistics.__file__).resolve().parent

#: Layers from the bottom of the import graph up: a module may import its own layer and below.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("errors", "_numbers", "settings", "_atomic", "_yaml", "_textfile", "progress", "sources",
     "ranges", "geodesy"),
    ("places", "vehicles"),
    ("army", "terrain", "config_schema"),
    ("cost",),
    ("network", "supply"),
    ("advance",),
    ("runner", "track_events", "run_memory", "arrivals"),
    ("history",),
    ("report",),
    ("api", "cli", "__main__", "__init__"),  # __init__ serves the notebook API (api.py)
)

#: Modules allowed to break the layering while their owner moves them (none left: the fuel
#: study moved to benchmarks/studies/).
_PENDING: set[str] = set()


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).with_suffix("")
        parts = [p for p in rel.parts if p != "__init__"] or ["__init__"]
        out[".".join(parts)] = path
    return out


def _imports(path: Path, name: str) -> set[str]:
    """Modules of the package that ``path`` imports (absolute ``logistics.`` imports)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "logistics":
                found.update(a.name for a in node.names)
            elif node.module.startswith("logistics."):
                found.add(node.module.removeprefix("logistics."))
        elif isinstance(node, ast.Import):
            found.update(a.name.removeprefix("logistics.") for a in node.names
                         if a.name.startswith("logistics."))
    return found


def _layer(module: str) -> int:
    top = module.split(".")[0]
    for i, names in enumerate(LAYERS):
        if top in names:
            return i
    raise AssertionError(f"module {module} is in no layer of LAYERS; add it where it belongs")


def _graph() -> dict[str, set[str]]:
    mods = _modules()
    graph = {}
    for name, path in mods.items():
        targets = set()
        for imp in _imports(path, name):
            while imp and imp not in mods:  # "cost.chunked.solve" or a name from a package
                imp = imp.rpartition(".")[0]
            if imp and imp != name:
                targets.add(imp)
        graph[name] = targets
    return graph


def test_no_module_imports_a_layer_above_its_own():
    wrong = [f"{a} -> {b}" for a, targets in _graph().items() for b in targets
             if a not in _PENDING and _layer(b) > _layer(a)]
    assert not wrong, wrong


def test_no_stage_imports_the_drawing():
    graph = _graph()
    drawn = [f"{a} -> {b}" for a, targets in graph.items() for b in targets
             if b.startswith("report") and not a.startswith(("report", "cli", "api"))
             and a not in _PENDING]
    assert not drawn, drawn


def test_no_import_cycle():
    graph = _graph()
    done: set[str] = set()
    cycles = []

    def visit(node: str, stack: list[str]) -> None:
        for nxt in sorted(graph.get(node, ())):
            if nxt in stack:
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in done:
                visit(nxt, stack + [nxt])
        done.add(node)

    for node in sorted(graph):
        if node not in done:
            visit(node, [node])
    assert not cycles, cycles


def test_every_module_says_its_job_first():
    for name, path in _modules().items():
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        first = doc.strip().split("\n")[0]
        assert len(first) > 15, f"{name}: no first docstring line saying its job"


def _map_rows() -> set[str]:
    """Paths named in the first column of the package map's module table (logistics/README.md)."""
    text = (PACKAGE / "README.md").read_text(encoding="utf-8")
    table = text.split("## Modules", 1)[1].split("\n## ", 1)[0]
    names = set()
    for line in table.splitlines():
        if line.startswith("| `"):
            first = line.split("|")[1]
            names.update(part.strip("`") for part in first.replace(",", " ").split()
                         if part.startswith("`"))
    return names


def test_the_package_map_names_every_module_and_only_modules_that_exist():
    rows = _map_rows()
    files = {path.relative_to(PACKAGE).as_posix() for path in PACKAGE.rglob("*.py")}
    folders = {f.rsplit("/", 1)[0] + "/" for f in files if "/" in f}
    uncovered = sorted(f for f in files if f not in rows and not f.endswith("__init__.py")
                       and not any(f.startswith(row) for row in rows if row.endswith("/")))
    assert not uncovered, f"modules without a row (or a folder row) in logistics/README.md: {uncovered}"
    stale = sorted(r for r in rows if r not in files and r not in folders)
    assert not stale, f"rows of logistics/README.md naming no module or folder: {stale}"


def test_a_folder_row_names_each_of_its_modules_here_or_in_its_init():
    """A folder row ("`terrain/` | ...") covered every module under it, so a new module of the
    folder needed no line anywhere (terrain's eleven modules and supply/reserve.py had none):
    each module's name is in its folder's row of the map or in its package's docstring."""
    text = (PACKAGE / "README.md").read_text(encoding="utf-8")
    table = text.split("## Modules", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in table.splitlines():
        if line.startswith("| `"):
            for part in line.split("|")[1].replace(",", " ").split():
                if part.strip("`").endswith("/"):
                    rows[part.strip("`")] = line
    unnamed = []
    for folder, line in rows.items():
        if folder == "cli/":  # one module per sub-command, named by the command
            continue
        init = ast.get_docstring(ast.parse((PACKAGE / folder / "__init__.py").read_text(
            encoding="utf-8"))) or ""
        for path in sorted((PACKAGE / folder).glob("*.py")):
            name = path.stem
            named = re.compile(rf"[`.]{name}\b")
            if name != "__init__" and not named.search(line) and not named.search(init):
                unnamed.append(f"{folder}{path.name}")
    assert not unnamed, f"modules named neither in their folder's map row nor its __init__: {unnamed}"


def test_the_package_map_states_the_layers_this_file_checks():
    """The package map's opening paragraph names the layers of ``LAYERS`` in their order (it
    said "a module imports only what stands above it in this list", which the rows, in no
    import order within a folder, and ``config_schema`` above ``army/`` contradicted)."""
    text = (PACKAGE / "README.md").read_text(encoding="utf-8")
    intro = text.split("\n## ", 1)[0]
    last = -1
    for layer in LAYERS[1:]:
        found = []
        for name in layer:
            if name.startswith("__") or not ((PACKAGE / name).is_dir()
                                             or (PACKAGE / f"{name}.py").exists()):
                continue  # __main__, __init__
            shown = f"`{name}/`" if (PACKAGE / name).is_dir() else f"`{name}`"
            assert shown in intro, f"layer {layer}: {shown} not named in logistics/README.md's intro"
            found.append(intro.index(shown))
        assert min(found) > last, f"layer {layer} named before the layer under it"
        last = max(found)


def test_the_benchmark_scripts_have_no_pyflakes_warning():
    """``benchmarks/`` has no pyflakes warning (the bad-input corpus defined ``preexec`` twice,
    a ``# noqa`` pyflakes does not read: the one warning of the tree, hiding any new one)."""
    api = pytest.importorskip("pyflakes.api")
    from pyflakes.reporter import Reporter

    out = io.StringIO()
    n = api.checkRecursive([str(PACKAGE.parent / "benchmarks")], Reporter(out, out))
    assert n == 0, out.getvalue()
