"""Sources in the repository: every citation key of every config and of the code resolves in
configs/sources.yaml, the loaders fail on an unknown key, reports expand keys into references,
and no output of a run holds an absolute path."""

from __future__ import annotations

import io
import re
import shutil
import tokenize
import zipfile
from pathlib import Path

import pytest
import yaml

from logistics import settings
from logistics.errors import ConfigError
from logistics.report.references import finish_page, portable_path, portable_paths
from logistics.sources import (
    KEY_RE,
    cited_keys,
    load_bibliography,
    provenance_problem,
    unknown_keys,
)

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = ROOT / "configs"


def _strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for k, v in node.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from _strings(v)


def _config_files() -> list[Path]:
    return sorted(p for p in CONFIGS.rglob("*") if p.suffix in {".yaml", ".csv"}
                  and p.name != "sources.yaml")


def test_the_walk_sees_every_kind_of_config():
    names = {p.relative_to(CONFIGS).parts[0] for p in _config_files()}
    assert {"vehicles", "network", "history", "terrain", "tbf-6gta.yaml"} <= names


@pytest.mark.parametrize("path", _config_files(), ids=lambda p: str(p.relative_to(CONFIGS)))
def test_every_citation_key_of_every_config_is_in_the_bibliography(path):
    if path.suffix == ".csv":
        texts = [path.read_text(encoding="utf-8")]  # cells and comment lines alike
    else:
        texts = list(_strings(yaml.safe_load(path.read_text(encoding="utf-8"))))
    bad = sorted({k for t in texts for k in unknown_keys(t)})
    assert not bad, f"{path.relative_to(ROOT)}: unknown source keys {bad}"


def test_every_citation_key_in_the_code_is_in_the_bibliography():
    """Keys in docstrings, strings and comments of the package (``[13]`` index code is not one:
    a key holds a letter)."""
    bib = load_bibliography()
    bad = {}
    for path in sorted((ROOT / "logistics").rglob("*.py")):
        tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
        for tok in tokens:
            if tok.type not in (tokenize.STRING, tokenize.COMMENT):
                continue
            for key in KEY_RE.findall(tok.string):
                if re.fullmatch(r"(?:[A-Z0-9]-[A-Z0-9])+", key):  # a regex class, [A-Z0-9]
                    continue
                if re.search("[A-Z]", key) and not bib.known(key):
                    bad.setdefault(str(path.relative_to(ROOT)), set()).add(key)
    assert not bad, f"unknown source keys in the code: {bad}"


def test_the_one_checker_fails_on_an_unknown_key():
    assert provenance_problem({"cite": "[GLANTZ-LP7] 'August Storm'"}) is None
    assert provenance_problem({"cite": "[SEED-000] 'fifty percent'"}) is None  # a pointer
    expected, seen = provenance_problem({"cite": "[GLANTS-LP7] 'August Storm'"})
    assert "sources.yaml" in expected and "[GLANTS-LP7]" in seen
    assert provenance_problem({"assumed": "a reason, [NO-SUCH-KEY] is not checked here"}) is None


def test_a_vehicle_file_citing_an_unknown_key_is_one_clear_error(tmp_path, monkeypatch):
    from logistics.vehicles import load_vehicle_file

    text = (CONFIGS / "vehicles" / "zis-5.yaml").read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    key = next(k for k, v in doc.items() if isinstance(v, dict) and "value" in v)
    doc[key] = {"value": doc[key]["value"], "cite": "[NO-SUCH-SOURCE] 'a quote'"}
    bad = tmp_path / "zis-5.yaml"
    bad.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"{key}.*\[NO-SUCH-SOURCE\]"):
        load_vehicle_file(bad)


def test_a_scenario_citing_an_unknown_key_is_one_clear_error():
    from logistics.army.load import validate_army

    doc = yaml.safe_load((CONFIGS / "tbf-cmg.yaml").read_text(encoding="utf-8"))
    doc["utc_offset_h"] = {"value": 10, "cite": "[SEED-009] 'no such seed'"}
    with pytest.raises(ConfigError, match=r"utc_offset_h.*\[SEED-009\]"):
        validate_army(doc, source="x.yaml")


def test_keys_and_pointers_expand_into_full_references():
    bib = load_bibliography()
    page = "Glantz [GLANTZ-LP7]; Pike [SEED-000]; a rate (PM 2.1).\n"
    keys = cited_keys([page], bib)
    assert keys[:2] == ["GLANTZ-LP7", "PIKE-SEED000"]  # in first-cited order
    assert "PLIEV-1965" in keys  # behind the pointer PM 2.1
    out = finish_page(page)
    refs = out[out.index("## References"):]
    assert "David M. Glantz" in refs and "1983" in refs and "Leavenworth Papers No. 7" in refs
    assert "Francis Pike" in refs and "Hirohito's War" in refs
    assert finish_page("no citation here\n") == "no citation here\n"


def test_absolute_paths_become_portable(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shipped = Path(settings.CONFIG_DIR) / "tbf-cmg.yaml"
    assert portable_path(shipped) == "configs/tbf-cmg.yaml"
    assert portable_path(Path(settings.RASTER_DIR) / "rivers.gpkg") == "rasters/rivers.gpkg"
    assert portable_path(tmp_path / "mine" / "a.yaml") == "mine/a.yaml"
    assert portable_path("/elsewhere/deep/b.yaml") == "b.yaml"
    text = (f"- scenario_file: `\"{shipped}\"`\n- speed 40 km/h, 30 L/100 km, "
            "https://en.wikipedia.org/wiki/X, configs/x.yaml, /srv/data/c.tif\n")
    assert portable_paths(text) == (
        "- scenario_file: `\"configs/tbf-cmg.yaml\"`\n- speed 40 km/h, 30 L/100 km, "
        "https://en.wikipedia.org/wiki/X, configs/x.yaml, c.tif\n")


@pytest.mark.slow
def test_a_run_folder_holds_no_absolute_path_and_expands_its_sources(tmp_path):
    """Run a shipped scenario given by its absolute path, from the checkout, into a folder
    under /tmp: no output may name the checkout, /home, /work or /tmp."""
    from logistics.cli import main

    out = tmp_path / "run"
    config = (CONFIGS / "tbf-cmg.yaml").resolve()
    assert main(["run", str(config), "--resolution-m", "10000", "--out", str(out)]) == 0
    needles = [str(ROOT), str(ROOT.resolve()), "/home", "/work", "/tmp", str(tmp_path)]
    texts: dict[str, bytes] = {}
    for p in sorted(out.iterdir()):
        if p.suffix == ".qgz":
            with zipfile.ZipFile(p) as z:
                texts.update({f"{p.name}:{n}": z.read(n) for n in z.namelist()})
        elif p.suffix in {".md", ".csv", ".geojson", ".json", ".qml", ".gpkg", ".tif"}:
            texts[p.name] = p.read_bytes()
    assert {"report.md", "daily.csv", "run.gpkg", "cost.tif"} <= set(texts)
    found = {name: n for name, data in texts.items() for n in needles if n.encode() in data}
    assert not found, f"absolute paths in the run's outputs: {found}"
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "configs/tbf-cmg.yaml" in report
    refs = report[report.index("## References"):]
    assert "[WIKI-SEED001] Wikipedia contributors. Soviet invasion of Manchuria" in refs
    assert "see report.md" not in report
