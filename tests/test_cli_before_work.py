"""Command-line errors said before the work begins (the bad-input corpus's ``late`` class).

Each input here was refused cleanly, but only after the command's progress had passed its
loading and checking (``compare [1/2] runs of every axis``, ``map [1/2] terrain``, ``route
[2/2] terrain and least-cost legs``): the same check now runs before any progress step, so
the error is the only line on stderr (exit 2) and nothing is written.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from logistics import settings
from logistics.cli import main
from logistics.progress import PREFIX
from tests.conftest import without_reserve

#: Lake Khanka's middle, LAT,LON (about 20 km of water round it), and land on its east shore
KHANKA_MIDDLE = "44.95,132.42"
KHANKA_SHORE = "44.8567,132.6526"


def _refused_first(capsys, argv: list[str]) -> str:
    """The one error line of ``logistics <argv>``, asserting no progress step came before it."""
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err, err
    began = [ln for ln in err.splitlines() if ln.startswith(PREFIX)]
    assert began == [], err  # refused before the work, not in it
    assert err.startswith(f"logistics {argv[0]}: error: ") and err.count("\n") == 1, err
    return err


def _doc_rows(*axes: str) -> str:
    """The shipped documented file's header and its rows of ``axes``."""
    text = (settings.SHIPPED_CONFIG_DIR / "history" / "documented-advances.csv").read_text(
        encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(
        [rows[0], *[r for r in rows[1:] if r and r[0] in axes]])
    return buf.getvalue()


def _two_armies(tmp_path: Path) -> tuple[Path, Path]:
    """A configs folder with TBF-39A and 1FEF-35A (cut to no reserve, so no reserve's reach)
    and a documented file with their rows."""
    cfg = tmp_path / "cfg"
    cfg.mkdir()
    shutil.copy(settings.SHIPPED_CONFIG_DIR / "tbf-39a.yaml", cfg)
    text = (settings.SHIPPED_CONFIG_DIR / "1fef-35a.yaml").read_text(encoding="utf-8")
    (cfg / "1fef-35a.yaml").write_text(without_reserve(text), encoding="utf-8")
    doc = tmp_path / "doc.csv"
    doc.write_text(_doc_rows("TBF-39A", "1FEF-35A"), encoding="utf-8")
    return cfg, doc


def _compare(cfg, doc, out, *extra) -> list[str]:
    return ["compare", "--documented", str(doc), "--configs", str(cfg), "--no-map",
            "--workers", "0", "--resolution-m", "10000", *extra, "--out", str(out)]


# --- compare --------------------------------------------------------------------------------

@pytest.mark.parametrize("value, fragments", [
    # a figure one army of the two lacks
    ("fuel.reserve_reach_km=150", ("1FEF-35A", "fuel.reserve_reach_km", "fix:")),
    # a figure outside the range an army's uncertain: gives it
    ("fuel.reserve_reach_km=400", ("TBF-39A", "outside its range", "fix:")),
    # a whole-number figure given a fraction
    ("formations.94rc.count=1.5", ("whole number", "formations.94rc.count=2")),
])
def test_compare_set_that_does_not_fit_an_army_is_refused_before_the_runs(
        tmp_path, capsys, value, fragments):
    cfg, doc = _two_armies(tmp_path)
    err = _refused_first(capsys, _compare(cfg, doc, tmp_path / "o", "--set", value))
    assert all(f in err for f in fragments), err
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("configs, fragment", [
    ("thesis.txt", "is a file, not a folder: --configs takes a folder of army files"),
    ("nodir", "configs folder not found"),
])
def test_compare_configs_that_is_no_folder_is_refused_before_the_runs(tmp_path, capsys,
                                                                     configs, fragment):
    (tmp_path / "thesis.txt").write_text("my thesis\n", encoding="utf-8")
    _, doc = _two_armies(tmp_path)
    err = _refused_first(capsys, _compare(tmp_path / configs, doc, tmp_path / "o"))
    assert fragment in err and configs in err, err
    assert not (tmp_path / "o").exists()


def test_compare_documented_axes_no_army_models_are_refused_before_the_runs(tmp_path, capsys):
    """The corpus's csv-unknown-axes: every row names an axis no army file has."""
    cfg, doc = _two_armies(tmp_path)
    doc.write_text(_doc_rows("TBF-39A").replace("TBF-39A", "NOPE-1"), encoding="utf-8")
    err = _refused_first(capsys, _compare(cfg, doc, tmp_path / "o"))
    assert "NOPE-1" in err and "nothing to compare" in err, err
    assert not (tmp_path / "o").exists()


# --- map ------------------------------------------------------------------------------------

def test_map_grid_beyond_memory_is_refused_before_the_terrain(tmp_path, capsys):
    """The theatre at 50 m: the in-memory limit of the terrain grid, said before its step."""
    out = tmp_path / "m.png"
    err = _refused_first(capsys, ["map", "--bbox", "108,38,136,54", "--resolution-m", "50",
                                  "--out", str(out)])
    assert "exceed the in-memory limit" in err and "fix: --resolution-m " in err, err
    assert not out.exists()


def test_map_default_resolution_is_checked_against_the_limit_too(tmp_path, capsys,
                                                                   monkeypatch):
    """No --resolution-m: the base map's own (about 1200 cells across) is the one checked."""
    monkeypatch.setattr(settings, "MAX_IN_MEMORY_CELLS", 1000)
    err = _refused_first(capsys, ["map", "--out", str(tmp_path / "m.png")])
    assert "exceed the in-memory limit of 1000 cells" in err, err


# --- route ----------------------------------------------------------------------------------

@pytest.mark.parametrize("ends", [("--from", KHANKA_SHORE, "--to", KHANKA_MIDDLE),
                                  ("--from", KHANKA_MIDDLE, "--to", KHANKA_SHORE)])
def test_route_end_in_a_lake_is_refused_before_the_network_and_terrain(tmp_path, capsys, ends):
    err = _refused_first(capsys, ["route", *ends, "--vehicle", "zis-5", "--mode",
                                  "cross-country", "--out", str(tmp_path / "o")])
    assert "44.9500, 132.4200 lies in water or outside the elevation data" in err, err
    assert "fix: give a point on land, e.g. " in err, err
    assert not (tmp_path / "o").exists()


def test_route_via_in_a_lake_is_refused_before_the_network(capsys):
    err = _refused_first(capsys, ["route", "--from", "Mishan", "--via", KHANKA_MIDDLE, "--to",
                                  KHANKA_SHORE, "--vehicle", "zis-5", "--mode", "rail"])
    assert "lies in water" in err, err


def test_check_on_land_passes_a_point_with_land_within_three_cells():
    """The early check takes what the route takes: the lake's shore, and its middle on a grid
    whose 3 cells reach land (the route then moves the end ashore, with a note)."""
    from logistics.errors import NoRouteError
    from logistics.network.multimodal import check_on_land

    check_on_land([KHANKA_SHORE, "Mishan"], "zis-5", resolution_m=1000)
    check_on_land([KHANKA_MIDDLE], "zis-5", resolution_m=10000)
    with pytest.raises(NoRouteError, match="no passable cell within 3 cells"):
        check_on_land([KHANKA_MIDDLE], "zis-5", resolution_m=1000)
