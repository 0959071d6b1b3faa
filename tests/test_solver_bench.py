"""The benchmark runner (``logistics bench``): engines agree, outputs are complete.

Wall-clock numbers are not asserted (CI machines vary); only that they are measured, that the
engines compared give the same costs and that the files appear whole.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from logistics.cost import bench, bench_engines, bench_grass, bench_grid
from logistics.cli import main
from logistics.errors import ConfigError


def test_engines_on_one_grid_agree_with_their_references():
    grid = bench.make_grid(40 * 40, seed=3)
    runnable = {n: e for n, e in bench.ENGINES.items() if not bench._cannot_run(e, grid.cells)}
    assert {"scipy-aniso8", "ours-aniso8", "ours-iso8", "chunked-workers-aniso8"} <= set(runnable)
    costs = {name: e.run_once(grid) for name, e in runnable.items()}
    for name, engine in runnable.items():
        if engine.reference:
            diff, mismatched = bench._max_rel_diff(costs[name], costs[engine.reference])
            assert mismatched == 0, name
            assert diff <= 1e-12, name
    assert np.isfinite(costs["ours-aniso8"]).mean() > 0.3  # lakes, but mostly reachable
    assert (grid.class_index == 255).any()
    # the 16-neighbour solution is never dearer than the 8-neighbour one (a superset of moves)
    fin = np.isfinite(costs["ours-aniso8"])
    assert (costs["ours-aniso16"][fin] <= costs["ours-aniso8"][fin] * (1 + 1e-12)).all()


def test_same_seed_same_grid():
    a, b = bench.make_grid(1000, seed=5), bench.make_grid(1000, seed=5)
    np.testing.assert_array_equal(a.elevation_m, b.elevation_m)
    np.testing.assert_array_equal(a.class_index, b.class_index)
    assert a.source == b.source and a.class_index[a.source] != 255


def test_bench_command_writes_json_and_plot(tmp_path, capsys):
    code = main(["bench", "--sizes", "400,900", "--repeat", "1", "--out", str(tmp_path),
                 "--engines", "scipy-aniso8,skimage-iso8,ours-aniso8"])
    assert code == 0
    data = json.loads((tmp_path / "solver.json").read_text())
    rows = data["results"]
    assert [(r["size"], r["engine"]) for r in rows] == [
        (size, engine) for size in (400, 900)
        for engine in ("scipy-aniso8", "skimage-iso8", "ours-aniso8")]
    for r in rows:
        assert r["seconds"] > 0 and r["cells_per_s"] > 0 and r["peak_rss_mb"] > 0
        assert r["ratio_vs_skimage"] > 0 and r["prepare_seconds"] >= 0
    ours = [r for r in rows if r["engine"] == "ours-aniso8"]
    assert all(r["reference"] == "scipy-aniso8" for r in ours)
    assert all(r["max_rel_diff_vs_reference"] <= 1e-12 for r in ours)
    assert all("graph_build_seconds" in r for r in rows if r["engine"] == "scipy-aniso8")
    assert (tmp_path / "solver_scaling.png").read_bytes()[:4] == b"\x89PNG"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["solver.json", "solver_scaling.png"]
    assert "| ours-aniso8 |" in capsys.readouterr().out  # the Markdown table


@pytest.mark.parametrize("text", ["", "1e5,x", "10"])
def test_bad_sizes_are_config_errors(text):
    with pytest.raises(ConfigError, match="--sizes"):
        bench.parse_sizes(text)


def test_unknown_engine_is_a_config_error():
    with pytest.raises(ConfigError, match="unknown engine"):
        bench.run_benchmark([400], engines=["ours-aniso8", "nope"])


def test_missing_scikit_image_names_the_bench_extra(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "skimage" else real(name, *a))
    with pytest.raises(ConfigError, match=r"skimage-iso8.*scikit-image.*pip install -e "
                                          r"'\.\[bench\]' in the checkout") as err:
        bench.run_benchmark([400], engines=["ours-aniso8", "skimage-iso8"])
    assert "logistics[bench]" not in str(err.value)  # would fetch a PyPI project of that name
    bench._check_extras(["ours-aniso8"])  # engines without optional packages still run


def test_compiled_reference_is_skipped_with_the_reason_when_missing(monkeypatch):
    monkeypatch.setattr(bench_engines, "CPP_SOURCE",
                        bench_engines.CPP_SOURCE.with_name("nothing-here.cpp"))
    why = bench._cannot_run(bench.ENGINES["cpp-4ary-iso8"], 400)
    assert why is not None and "nothing-here.cpp" in why and "missing" in why
    monkeypatch.setattr("shutil.which", lambda name: None)
    assert "g++" in bench._cannot_run(bench.ENGINES["cpp-4ary-iso8"], 400)
    lines = []
    bench.run_benchmark([400], repeat=1, engines=["cpp-4ary-iso8"], log=lines.append)
    assert any("cpp-4ary-iso8" in line and "skipped" in line and "g++" in line for line in lines)


def test_grass_engines_are_skipped_with_the_reason_when_grass_is_missing(monkeypatch):
    import shutil

    real = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None if name == "grass"
                        else real(name, *a, **k))
    for name in ("grass-rcost-iso8", "grass-rcost-iso16", "grass-rwalk-aniso8"):
        why = bench._cannot_run(bench.ENGINES[name], 400)
        assert why is not None and "GRASS GIS is not installed" in why, name
    lines: list[str] = []
    bench.run_benchmark([400], repeat=1, engines=["grass-rcost-iso8"], log=lines.append)
    assert any("grass-rcost-iso8" in line and "skipped" in line and "grass-core" in line
               for line in lines)


def test_whitebox_engine_is_skipped_with_the_reason_when_the_package_is_missing(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "whitebox_workflows", None)  # import raises ImportError
    why = bench._cannot_run(bench.ENGINES["whitebox-costdist-iso8"], 400)
    assert why is not None and "whitebox-workflows is not installed" in why
    assert "pip install -e '.[bench]'" in why and "logistics[bench]" not in why
    lines: list[str] = []
    bench.run_benchmark([400], repeat=1, engines=["whitebox-costdist-iso8"], log=lines.append)
    assert any("whitebox-costdist-iso8" in line and "skipped" in line for line in lines)


def test_a_grass_that_cannot_make_a_location_is_skipped_with_its_error(monkeypatch):
    """An installed GRASS that fails here (an odd HOME, a broken install) makes the engines
    unavailable with GRASS's own last line, not a CalledProcessError mid-benchmark."""
    import shutil
    import subprocess

    def broken(cmd, **kw):
        raise subprocess.CalledProcessError(1, cmd, stderr="ERROR: cannot write ~/.grass8\n")

    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: "/usr/bin/" + name)
    monkeypatch.setattr(bench_grass.subprocess, "run", broken)
    bench_grass._grass_probe.cache_clear()
    try:
        why = bench._cannot_run(bench.ENGINES["grass-rcost-iso8"], 400)
    finally:
        bench_grass._grass_probe.cache_clear()
    assert why is not None and "cannot make a location here" in why and ".grass8" in why


@pytest.mark.skipif(bool(bench_grass.grass_unavailable()),
                    reason=str(bench_grass.grass_unavailable()))
def test_grass_r_cost_equals_ours_cell_for_cell():
    """GRASS's r.cost prices a move as ours and scikit-image's do (the mean of the two cells'
    costs times the move's length): on the same grid it must give our isotropic costs, lakes
    unreachable alike; with the knight's move (16 neighbours) never dearer."""
    grid = bench.make_grid(60 * 60, seed=4)
    ours = bench.ENGINES["ours-iso8"].run_once(grid)
    grass8 = bench.ENGINES["grass-rcost-iso8"].run_once(grid)
    diff, mismatched = bench._max_rel_diff(grass8, ours)
    assert mismatched == 0 and diff <= 1e-12
    assert np.isinf(grass8[grid.class_index == 255]).all()
    grass16 = bench.ENGINES["grass-rcost-iso16"].run_once(grid)
    fin = np.isfinite(grass8)
    assert (grass16[fin] <= grass8[fin] * (1 + 1e-12)).all() and (grass16[fin] < grass8[fin]).any()
    walk = bench.ENGINES["grass-rwalk-aniso8"].run_once(grid)  # its own rule: only reachability
    assert (np.isfinite(walk) == fin).all()


@pytest.mark.skipif(bool(bench_grass.grass_unavailable()),
                    reason=str(bench_grass.grass_unavailable()))
@pytest.mark.parametrize("stencil, flag", [(8, ""), (16, "-k")])
def test_our_anisotropic_engine_equals_grass_r_walk(tmp_path, stencil, flag):
    """An independent anisotropic reference: GRASS r.walk's walking time (Naismith with
    Langmuir's downhill correction, T = a dS + b dH_up + c dH_down; zero friction) priced as
    our table, per metre a + b g (uphill) or a + c g (downhill), with 0 a node of the grade
    axis so the kink is exact. Ours must give r.walk's cumulative times on both stencils
    (king moves; knight's moves with -k). The steep-descent branch (slope_factor) is moved
    out of reach (c = d), because a jump cannot be a linear interpolation."""
    import subprocess

    from logistics.cost.model import CostModel
    from logistics.cost.solver import find_costs

    rng = np.random.default_rng(7)
    n, cell = 70, 30.0
    elev = (120.0 * bench_grid._value_noise((n, n), rng, 16)).astype(np.float32)
    a, b, c = 0.72, 6.0, 1.9998  # r.walk's defaults (Langmuir)
    grades = np.round(np.arange(-0.35, 0.6001, 0.05), 10)
    assert 0.0 in grades
    table = (a + b * np.clip(grades, 0, None) + c * np.clip(grades, None, 0))[None, :]
    model = CostModel(np.zeros((n, n), np.uint8), table, float(grades[0]), 0.05, (cell, cell),
                      elevation_m=elev, units="s")
    src = (n // 2, n // 3)
    ours = find_costs(model, [src], stencil=stencil).cost
    elev.tofile(tmp_path / "elev.f32")
    subprocess.run(["grass", "-c", "XY", str(tmp_path / "loc"), "-e"], check=True,
                   capture_output=True)
    size = f"rows={n} cols={n}"
    x, y = (src[1] + 0.5) * cell, (n - src[0] - 0.5) * cell
    (tmp_path / "walk.sh").write_text(
        "set -e\n"
        f"g.region n={n * cell:g} s=0 e={n * cell:g} w=0 {size}\n"
        f"r.in.bin -f input={tmp_path / 'elev.f32'} output=elev bytes=4 "
        f"north={n * cell:g} south=0 east={n * cell:g} west=0 {size}\n"
        "r.mapcalc expression='friction = 0.0'\n"
        f"r.walk {flag} elevation=elev friction=friction output=acc start_coordinates={x},{y} "
        f"walk_coeff={a},{b},{c},{c} slope_factor=-5\n"
        f"r.out.bin -f input=acc output={tmp_path / 'acc.f64'} bytes=8 null=-1\n")
    subprocess.run(["grass", str(tmp_path / "loc" / "PERMANENT"), "--exec", "bash",
                    str(tmp_path / "walk.sh")], check=True, capture_output=True)
    walk = np.fromfile(tmp_path / "acc.f64", dtype=np.float64).reshape(n, n)
    assert np.isfinite(ours).all() and (walk >= 0).all()
    assert float(np.abs(np.diff(elev, axis=0)).max()) / cell > 0.1  # real relief, both signs
    np.testing.assert_allclose(ours, walk, rtol=1e-12, atol=1e-9)
    # and the rule is anisotropic: the same table without relief gives other times
    flat = find_costs(CostModel(model.class_index, table, float(grades[0]), 0.05, (cell, cell),
                                units="s"), [src], stencil=stencil).cost
    assert np.abs(flat - ours).max() > 1.0
