"""Progress of long steps: a redrawing bar on a terminal, few plain lines in a log (issue 15 item 7)."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from logistics.progress import LineProgress, progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_known_total_writes_a_line_per_tenth_and_one_at_the_end():
    log = io.StringIO()
    with progress(1000, "tiles", unit="tile", enabled=True, file=log) as bar:
        for _ in range(1000):
            bar.update(1)
    text = log.getvalue()
    lines = text.splitlines()
    assert "\r" not in text
    # 10 %, 20 %, ... 90 % (100 % is the closing line), then the closing line
    assert [ln.split("(")[-1] for ln in lines[:-1]] == [f"{10 * k} %)" for k in range(1, 10)]
    assert lines[-1].startswith("progress: tiles 1000/1000 tiles done in ")
    assert all(ln.startswith("progress: tiles ") for ln in lines)


def test_named_steps_write_one_line_each_and_count_them():
    log = io.StringIO()
    with progress(3, "route", enabled=True, file=log) as bar:
        bar.step("loading the network")
        bar.step("legs")
        bar.step("writing out/")
    lines = log.getvalue().splitlines()
    assert lines[:3] == ["progress: route [1/3] loading the network", "progress: route [2/3] legs",
                         "progress: route [3/3] writing out/"]
    assert lines[3].startswith("progress: route 3/3 steps done in ") and len(lines) == 4


def test_unknown_total_writes_at_most_a_line_per_interval():
    log = io.StringIO()
    bar = LineProgress(None, "tile solves", unit="tile", file=log, interval_s=3600.0)
    for _ in range(500):
        bar.update(1)
    bar.close()
    bar.close()  # closing twice writes once
    assert log.getvalue().splitlines() == [log.getvalue().splitlines()[0]]
    assert log.getvalue().startswith("progress: tile solves 500 tiles done in ")


def test_a_terminal_gets_a_redrawing_bar_and_off_gets_nothing():
    tty = _Terminal()
    with progress(5, "runs", unit="run", enabled=True, file=tty) as bar:
        for _ in range(5):
            bar.update(1)
    assert "\r" in tty.getvalue()  # tqdm redraws in place: right on a terminal
    quiet = io.StringIO()
    with progress(5, "runs", enabled=False, file=quiet) as bar:
        bar.step("x")
        bar.update(5)
    assert quiet.getvalue() == ""


def test_runs_on_a_dask_client_log_plain_lines_not_dask_redraws(capsys):
    """distributed.progress redraws with carriage returns on every change; a redirected log
    must get a few plain lines instead."""
    distributed = pytest.importorskip("distributed")
    from logistics.history import runs

    def echo(runner, job):
        return job

    jobs = list(range(40))
    with pytest.MonkeyPatch.context() as mp, distributed.Client(
            processes=False, n_workers=1, threads_per_worker=1, dashboard_address=None) as client:
        mp.setattr(runs, "_run_one", echo)
        assert runs.run_jobs(jobs, runner=object(), client=client, progress=True) == jobs
    cap = capsys.readouterr()
    assert "\r" not in cap.out and "\r" not in cap.err
    lines = [ln for ln in cap.err.splitlines() if ln.startswith("progress: runs ")]
    assert 1 <= len(lines) <= 10 and lines[-1].startswith("progress: runs 40/40 runs done in ")


def test_runs_on_a_dask_client_raise_a_failed_job_s_error_without_a_bar(capsys):
    """The wait for the runs is the command's own (Ctrl-C lands there, not in dask), with or
    without a bar: a job's error still reaches the caller, and nothing is printed."""
    distributed = pytest.importorskip("distributed")
    from logistics.history import runs

    def fail_on_3(runner, job):
        if job == 3:
            raise ValueError("job 3 failed")
        return job

    with pytest.MonkeyPatch.context() as mp, distributed.Client(
            processes=False, n_workers=1, threads_per_worker=1, dashboard_address=None) as client:
        mp.setattr(runs, "_run_one", fail_on_3)
        assert runs.run_jobs([1, 2], runner=object(), client=client) == [1, 2]
        with pytest.raises(ValueError, match="job 3 failed"):
            runs.run_jobs([1, 2, 3, 4], runner=object(), client=client)
    assert capsys.readouterr().err == ""


@pytest.mark.slow
def test_map_command_reports_its_steps_in_a_redirected_log(tmp_path):
    """`logistics map` run as a user would, stderr into a file (not a terminal)."""
    log = tmp_path / "map.log"
    out = tmp_path / "m.png"
    with open(log, "w") as err:
        proc = subprocess.run([sys.executable, "-m", "logistics", "map", "--out", str(out),
                               "--resolution-m", "10000", "--dpi", "40", "--no-labels"],
                              stdout=subprocess.PIPE, stderr=err, text=True, timeout=600,
                              env={**__import__("os").environ, "LOGISTICS_PROGRESS": "1"})
    assert proc.returncode == 0, log.read_text()
    text = log.read_text()
    assert "\r" not in text
    lines = [ln for ln in text.splitlines() if ln.startswith("progress: ")]
    assert lines[0] == "progress: map [1/2] terrain, relief, rivers, places"
    assert lines[1] == f"progress: map [2/2] writing {out}"
    assert lines[2].startswith("progress: map 2/2 steps done in ") and len(lines) == 3
    assert out.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.slow
def test_route_command_reports_its_steps_off_a_terminal(tmp_path, capsys):
    from logistics.cli import main

    assert main(["route", "--from", "Harbin", "--to", "Mutanchiang", "--vehicle", "T-34",
                 "--mode", "rail", "--resolution-m", "2000", "--out", str(tmp_path / "r")]) == 0
    err = capsys.readouterr().err
    assert "\r" not in err
    steps = [ln for ln in err.splitlines() if ln.startswith("progress: route ")]
    assert steps[0] == "progress: route [1/3] loading the network (the 1945 railways)"
    assert steps[1] == "progress: route [2/3] terrain and least-cost legs"
    assert steps[2] == f"progress: route [3/3] writing {tmp_path / 'r'}/"
    assert steps[3].startswith("progress: route 3/3 steps done in ")


def test_a_failed_step_is_not_reported_done():
    log = io.StringIO()
    with pytest.raises(RuntimeError):
        with progress(2, "route", enabled=True, file=log) as bar:
            bar.step("legs")
            raise RuntimeError("no route")
    assert log.getvalue() == "progress: route [1/2] legs\n"


def test_the_percentage_is_the_count_not_the_tenth_it_crossed():
    """'1/6 runs (10 %)' read as wrong to a new user: the line says the share done."""
    import io

    from logistics.progress import LineProgress

    buf = io.StringIO()
    bar = LineProgress(6, "runs", unit="run", file=buf)
    for _ in range(5):
        bar.update()
    lines = [ln for ln in buf.getvalue().splitlines() if "%" in ln]
    assert any("1/6 runs (16 %)" in ln for ln in lines), lines
    assert any("4/6 runs (66 %)" in ln for ln in lines), lines
