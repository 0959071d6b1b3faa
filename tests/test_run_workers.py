"""`logistics run DIR --workers N`: a folder's armies run and written on dask workers give the
files, summaries, failures and exit code of the run in one process; bad counts are refused
before any work; a worker's fault is one line; a stopped run leaves no temporary folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from logistics import settings
from logistics.cli import main

pytestmark = pytest.mark.slow

CMG = settings.CONFIG_DIR / "tbf-cmg.yaml"  # the smallest grid of the twelve


@pytest.fixture
def two_workers_fit(monkeypatch):
    """Room for two workers whatever the machine (the test is about the result, not speed)."""
    from logistics.cli import _cluster

    monkeypatch.setattr(_cluster, "max_workers", lambda: (2, "room for 2 (test)"))


def _folder(tmp_path: Path, files: dict[str, str]) -> Path:
    configs = tmp_path / "configs"
    configs.mkdir()
    for name, text in files.items():
        (configs / name).write_text(text, encoding="utf-8")
    return configs


def _files(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (hidden ones too) by its relative path, with its bytes."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def _without_seconds(text: str) -> str:
    """Console text with the wall seconds (the one thing that differs between two runs) cut."""
    import re

    return re.sub(r"in \d+(\.\d)? s\b", "in _ s", text)


def _lines(err: str) -> list[str]:
    from logistics.progress import PREFIX

    return [ln for ln in err.splitlines() if not ln.startswith(PREFIX)]


def test_a_folder_on_two_workers_writes_the_files_of_the_run_in_one_process(
        tmp_path, capsys, two_workers_fit):
    """Two armies whose fortified regions the shared breaches re-run (1st Red Banner and 5th
    Army, side by side on the 1st Far Eastern Front) and a third apart: every file of every
    run folder, PNG, GeoPackage and GeoTIFF included, is byte for byte the one-process run's,
    and so is the console (summaries in the folder's order, the closing line) but for the
    wall seconds."""
    configs = tmp_path / "configs"
    configs.mkdir()
    for name in ("1fef-1rba.yaml", "1fef-5a.yaml", "tbf-cmg.yaml"):
        shutil.copy(settings.CONFIG_DIR / name, configs / name)
    outs, said = {}, {}
    for workers in ("0", "2"):
        outs[workers] = tmp_path / f"out{workers}"
        assert main(["run", str(configs), "--resolution-m", "10000", "--out",
                     str(outs[workers]), "--workers", workers]) == 0
        got = capsys.readouterr()
        said[workers] = (_without_seconds(got.out).replace(str(outs[workers]), "OUT"),
                         _lines(got.err))
    one, two = _files(outs["0"]), _files(outs["2"])
    assert sorted(one) == sorted(two) and len(one) > 60
    assert [f for f in one if one[f] != two[f]] == []
    assert said["0"] == said["2"]
    assert "shared breaches: " in said["0"][0]  # the re-run on shared breaches was made
    summaries = [ln.split(" (")[0] for ln in said["2"][0].splitlines()
                 if " formation" in ln and not ln.startswith(" ")]
    assert summaries == ["1FEF-1RBA", "1FEF-5A", "TBF-CMG"]


def test_failing_armies_on_workers_give_the_failures_and_exit_code_of_one_process(
        tmp_path, capsys, two_workers_fit):
    """A file that does not load, one refused on the worker (a start in Lake Khanka: the
    check before its terrain) and a good one: the same closing error, text for text, exit
    code 2, and the good army's run folder alone, on two workers as in this process."""
    text = (settings.CONFIG_DIR / "1fef-35a.yaml").read_text(encoding="utf-8")
    start = ("start: {lon: 133.243, lat: 45.481, assumed: \"the main forces' point of the "
             "departure line (Rule A from Lesozavodsk)\"}")
    tol = "  tolerance_km:\n    value: 10\n"
    assert start in text and tol in text
    lake = text.replace(tol, "  tolerance_km:\n    value: 100\n").replace(
        start, "start: {lon: 132.42, lat: 44.95, assumed: \"in the lake\"}")
    configs = _folder(tmp_path, {"a.yaml": CMG.read_text(encoding="utf-8"), "b.yaml": lake,
                                 "c.yaml": "axis_id: [broken\n"})
    got = {}
    for workers in ("0", "2"):
        out = tmp_path / f"out{workers}"
        code = main(["run", str(configs), "--resolution-m", "10000", "--out", str(out),
                     "--no-events", "--workers", workers])
        err = capsys.readouterr().err
        got[workers] = (code, err[err.index("logistics run: error:"):],
                        sorted(p.name for p in out.iterdir()))
    assert got["0"] == got["2"]
    code, error, folders = got["2"]
    assert code == 2 and folders == ["TBF-CMG"]
    assert error.startswith("logistics run: error: 2 of 3 army files failed (the others were "
                            "run and written):")
    assert "  b.yaml: " in error and "fix: move the start" in error and "  c.yaml: " in error


@pytest.mark.parametrize("argv, env, said", [
    (["--workers", "-1"], {}, "expected a whole number >= 0, got '-1'"),
    (["--workers", "two"], {}, "expected a whole number >= 0, got 'two'"),
    (["--workers", "3"], {}, "--workers 3: room for 2 (test); use --workers 2 or fewer"),
])
def test_a_bad_worker_count_is_refused_before_any_work(argv, env, said, tmp_path, capsys,
                                                        monkeypatch, two_workers_fit):
    for name, value in env.items():
        monkeypatch.setattr(settings, name, value)
    configs = _folder(tmp_path, {"a.yaml": CMG.read_text(encoding="utf-8"),
                                 "b.yaml": CMG.read_text(encoding="utf-8").replace(
                                     "axis_id: TBF-CMG", "axis_id: TBF-CMG2")})
    out = tmp_path / "out"
    assert main(["run", str(configs), "--resolution-m", "10000", "--out", str(out), *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("logistics run") and said in err and err.count("\n") == 1, err
    assert not out.exists()


def test_a_worker_fault_is_one_line_naming_the_army_and_how_to_see_its_traceback():
    """An exception of a worker that is not the program's own (a bug) or a worker that died:
    one LogisticsError line each, not a worker's traceback."""
    from distributed import KilledWorker

    from logistics.cli.run import _outcome
    from logistics.errors import LogisticsError, ResourceError

    class Failed:
        status = "error"

        def __init__(self, exc):
            self.exc = exc

        def done(self):
            return True

        def result(self):
            raise self.exc

    with pytest.raises(LogisticsError) as bug:
        _outcome(Failed(ValueError("cannot reshape\nsecond line")), Path("c/a.yaml"), "run")
    text = str(bug.value)
    assert "\n" not in text and "the run of a.yaml failed on a dask worker: ValueError: " \
        "cannot reshape;" in text and "`logistics run c/a.yaml --workers 0`" in text
    with pytest.raises(ResourceError) as died:
        _outcome(Failed(KilledWorker("k", "tcp://x", 3)), Path("a.yaml"), "write")
    assert "a dask worker died while it was to write a.yaml" in str(died.value)
    with pytest.raises(OSError):  # said by the command as in one process
        _outcome(Failed(OSError(28, "No space left on device")), Path("a.yaml"), "write")


def test_sweep_waits_for_a_child_that_is_stopping_and_leaves_others_alone(tmp_path):
    """The temporary folder of a worker (a child process) stopped mid-write is removed once
    the child has ended; one of a process that is no child of this one is not waited for."""
    from logistics._atomic import sweep

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(0.5)"])
    reaper = threading.Thread(target=child.wait)  # as a nanny reaps its worker
    reaper.start()
    mine = tmp_path / f".A.tmp.{child.pid}.x1"
    other = tmp_path / f".B.tmp.{os.getppid()}.x2"  # alive, not a child: left, not waited
    for d in (mine, other):
        d.mkdir()
        (d / "daily.csv").write_text("half", encoding="utf-8")
    assert sweep(tmp_path, wait_s=30.0) == [mine]
    reaper.join()
    assert not mine.exists() and other.exists()
