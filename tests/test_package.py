"""Package-wide checks: public names import, the CLI answers --help, errors mix with builtins,
outputs are atomic."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import logistics
from logistics import _atomic, errors
from logistics.cli import COMMANDS, build_parser, main


def test_every_public_name_imports():
    for name in logistics.__all__:
        assert hasattr(logistics, name), name


def test_every_module_imports_and_its_all_resolves():
    for mod in pkgutil.walk_packages(logistics.__path__, prefix="logistics."):
        if mod.name.endswith("__main__"):
            continue
        module = importlib.import_module(mod.name)
        for name in getattr(module, "__all__", []):
            assert hasattr(module, name), f"{mod.name}.__all__ names missing {name}"


def test_errors_mix_with_builtins():
    assert issubclass(errors.ConfigError, ValueError)
    assert issubclass(errors.ConfigError, errors.LogisticsError)
    assert issubclass(errors.UnknownNameError, KeyError)
    assert str(errors.UnknownNameError("no place 'X'; did you mean 'Y'?")) == (
        "no place 'X'; did you mean 'Y'?"
    )
    assert issubclass(errors.ResourceError, MemoryError)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exc:
        main([command, "--help"])
    assert exc.value.code == 0
    assert command in capsys.readouterr().out


def test_parser_lists_every_command():
    help_text = build_parser().format_help()
    for command in COMMANDS:
        assert command in help_text


def test_console_entry_point_runs():
    out = subprocess.run(
        [sys.executable, "-m", "logistics", "--help"], capture_output=True, text=True, check=True
    )
    assert "logistics" in out.stdout


def test_atomic_dir_leaves_nothing_on_failure(tmp_path: Path):
    target = tmp_path / "run"
    with pytest.raises(RuntimeError):
        with _atomic.atomic_dir(target) as tmp:
            (tmp / "half.csv").write_text("a,b\n")
            raise RuntimeError("boom")
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_atomic_dir_replaces_only_when_complete(tmp_path: Path):
    target = tmp_path / "run"
    with _atomic.atomic_dir(target) as tmp:
        (tmp / "a.txt").write_text("old")
    with pytest.raises(RuntimeError):
        with _atomic.atomic_dir(target) as tmp:
            (tmp / "a.txt").write_text("new")
            raise RuntimeError("boom")
    assert (target / "a.txt").read_text() == "old"
    with _atomic.atomic_dir(target) as tmp:
        (tmp / "a.txt").write_text("new")
    assert (target / "a.txt").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_atomic_path_keeps_old_file_on_failure(tmp_path: Path):
    target = tmp_path / "x.csv"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with _atomic.atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("boom")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.csv"]


def test_version_is_the_installed_distributions(capsys):
    from importlib.metadata import version

    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"logistics {version('logistics')}"


def test_license_and_citation_agree_with_the_metadata():
    import tomllib

    import yaml

    root = Path(__file__).resolve().parents[1]
    meta = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    assert "GNU GENERAL PUBLIC LICENSE" in (root / "LICENSE").read_text()[:200]
    assert "Version 3, 29 June 2007" in (root / "LICENSE").read_text()[:200]
    cff = yaml.safe_load((root / "CITATION.cff").read_text())
    assert cff["cff-version"] == "1.2.0"
    assert cff["license"] == meta["license"]["text"] == "GPL-3.0-or-later"
    assert cff["version"] == meta["version"]


def _setuptools_table() -> dict:
    import tomllib

    root = Path(__file__).resolve().parents[1]
    return tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]


def test_listed_packages_are_the_package_tree():
    """pyproject.toml lists the packages by hand (it also maps configs/ and rasters/ into the
    wheel); the list must be every folder of logistics/ with an __init__.py, no more, no less."""
    root = Path(__file__).resolve().parents[1]
    table = _setuptools_table()
    mapped = table["package-dir"]
    tree = {".".join(p.parent.relative_to(root).parts) for p in (root / "logistics").rglob("__init__.py")}
    listed = set(table["packages"]) - set(mapped)
    assert listed == tree, f"pyproject.toml lists {sorted(listed - tree)} not in the tree and " \
                           f"misses {sorted(tree - listed)}"
    assert len(table["packages"]) == len(set(table["packages"]))


def test_shipped_data_is_mapped_into_the_wheel():
    """configs/ and rasters/ are mapped to logistics._configs / logistics._rasters, which is
    where settings looks when no checkout is beside the package."""
    from logistics import settings

    root = Path(__file__).resolve().parents[1]
    table = _setuptools_table()
    assert table["package-dir"] == {"logistics._configs": "configs", "logistics._rasters": "rasters"}
    assert set(table["package-dir"]) <= set(table["packages"])
    for folder in table["package-dir"].values():
        assert (root / folder).is_dir()
    assert settings.SHIPPED_CONFIG_DIR == root / "configs"  # in a checkout: the checkout's data
    assert settings.SHIPPED_RASTER_DIR == root / "rasters"


def test_a_shipped_scenario_runs_by_name_from_any_folder(tmp_path, monkeypatch):
    """An installed package has no configs/ beside the user: `logistics run tbf-cmg` names the
    shipped scenario; a path that exists still wins, and an unknown name is one clear error."""
    from logistics import settings
    from logistics.cli.run import scenario_files

    monkeypatch.chdir(tmp_path)
    shipped = settings.CONFIG_DIR / "tbf-cmg.yaml"
    assert scenario_files("tbf-cmg") == [shipped]
    assert scenario_files("tbf-cmg.yaml") == [shipped]
    (tmp_path / "tbf-cmg.yaml").write_text("own: 1\n")
    assert scenario_files("tbf-cmg.yaml") == [Path("tbf-cmg.yaml")]
    with pytest.raises(errors.ConfigError,
                       match=r"nor a scenario of the shipped configs folder .*shipped scenarios: .*tbf-cmg"):
        scenario_files("no-such-axis")


def test_every_third_party_import_is_a_declared_dependency():
    """A module the package imports itself is declared in pyproject.toml (a dependency, or an
    extra for the optional paths), not left to arrive as another package's dependency: the
    GeoPackage writer imports pyogrio, which geopandas>=0.14 does not require (before 1.0 it
    wrote with fiona), so an environment with such a geopandas ran a whole scenario and then
    stopped at run.gpkg on an ImportError."""
    import ast
    import re
    import tomllib
    from importlib.metadata import packages_distributions

    root = Path(__file__).resolve().parents[1]
    meta = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    specs = list(meta["dependencies"]) + [s for extra in meta["optional-dependencies"].values()
                                          for s in extra]

    def norm(name: str) -> str:
        return re.sub(r"[-_.]+", "-", name).lower()

    declared = {norm(re.split(r"[\s\[<>=!~;]", s, maxsplit=1)[0]) for s in specs}
    imported: dict[str, str] = {}
    for path in sorted((root / "logistics").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top != "logistics" and top not in sys.stdlib_module_names:
                    imported.setdefault(top, str(path.relative_to(root)))
    dists = packages_distributions()
    undeclared = {top: where for top, where in imported.items()
                  if top in dists and not {norm(d) for d in dists[top]} & declared}
    assert not undeclared, f"imported but not declared in pyproject.toml: {undeclared}"
