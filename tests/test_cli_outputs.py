"""What a user already has survives every command: the output-path rule on the command line.

Each refusal must come before any work (a second, not a minute), in one line
``logistics <cmd>: error: ...`` with exit code 2, and leave the user's files as they were.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest

from logistics import settings
from logistics._atomic import MARKER
from logistics.cli import main

CMG = settings.CONFIG_DIR / "tbf-cmg.yaml"  # the smallest grid of the twelve
DOC = settings.CONFIG_DIR / "history" / "documented-advances.csv"


def _state(root: Path) -> dict[str, str]:
    """Every entry under ``root``: a hash of each file, the kind of everything else."""
    out = {}
    for p in sorted(root.rglob("*")):
        st = os.lstat(p)
        if stat.S_ISREG(st.st_mode):
            out[str(p.relative_to(root))] = hashlib.sha256(p.read_bytes()).hexdigest()
        else:
            out[str(p.relative_to(root))] = stat.filemode(st.st_mode)[0]
    return out


def _one_error(capsys, command: str) -> str:
    from logistics.progress import PREFIX

    # without the progress lines of the steps begun (stderr is not a terminal under pytest)
    err = "".join(ln for ln in capsys.readouterr().err.splitlines(keepends=True)
                  if not ln.startswith(PREFIX))
    assert err.startswith(f"logistics {command}: error: "), err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


@pytest.fixture()
def user(tmp_path, monkeypatch):
    """A working folder with the user's files: a thesis, a notes folder, a figure."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "thesis.txt").write_text("the only copy\n")
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "thesis.txt").write_text("chapter 1\n")
    (tmp_path / "figure.png").write_bytes(b"\x89PNG\r\n\x1a\nmine")
    return tmp_path


ROUTE = ["route", "--from", "Hailar", "--to", "Yakeshi", "--vehicle", "zis-5", "--mode", "rail"]
COMPARE = ["compare", "--documented", str(DOC), "--no-map", "--workers", "0"]
CALIBRATE = ["calibrate", "--documented", str(DOC), "--workers", "0"]


@pytest.mark.parametrize("argv", [["run", str(CMG)], ROUTE, COMPARE, CALIBRATE],
                         ids=["run", "route", "compare", "calibrate"])
@pytest.mark.parametrize("target, words", [
    ("d", "existing folder that logistics did not write (it holds thesis.txt)"),
    ("thesis.txt", "is a file; logistics writes a folder there and never replaces a file"),
    ("thesis.txt/sub", "'thesis.txt' is a file, not a folder"),
    (".", "is the current folder or holds it"),
])
def test_out_onto_what_the_user_has_is_refused_before_any_work(user, capsys, argv, target, words):
    before = _state(user)
    for overwrite in ([], ["--overwrite"]):
        assert main([*argv, "--out", target, *overwrite]) == 2
        assert words in _one_error(capsys, argv[0])
    assert _state(user) == before  # nothing changed, moved or left behind


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_out_onto_a_device_is_refused(user, capsys):
    os.mknod(user / "null", 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    assert main(["run", str(CMG), "--out", "null", "--overwrite"]) == 2
    assert "is a character device" in _one_error(capsys, "run")
    assert stat.S_ISCHR(os.lstat(user / "null").st_mode)


def test_an_axis_id_cannot_write_outside_the_output_folder(user, capsys):
    (user / "victim").mkdir()
    (user / "victim" / "notes.txt").write_text("mine")
    before = _state(user)
    for axis in ("../victim", str(user / "victim"), "victim/../../x"):
        sc = user / "sc.yaml"
        sc.write_text(CMG.read_text(encoding="utf-8").replace("axis_id: TBF-CMG",
                                                              f"axis_id: '{axis}'"))
        assert main(["run", str(sc)]) == 2
        err = capsys.readouterr().err
        assert "axis_id: an identifier that names files" in err and "Traceback" not in err
        sc.unlink()
    assert _state(user) == before


@pytest.mark.parametrize("name", ["../../x", "/tmp/x", "a/b", "..", ""])
def test_bench_name_is_an_identifier(user, capsys, name):
    before = _state(user)
    assert main(["bench", "--sizes", "400", "--repeat", "1", "--out", "b", "--name", name]) == 2
    assert "--name" in _one_error(capsys, "bench")
    assert _state(user) == before


def test_bench_never_replaces_a_file_it_did_not_write(user, capsys):
    assert main(["bench", "--sizes", "400", "--out", "thesis.txt"]) == 2
    assert "is not a folder" in _one_error(capsys, "bench")
    (user / "b").mkdir()
    (user / "b" / "solver.json").write_text('{"mine": 1}')
    before = _state(user)
    assert main(["bench", "--sizes", "400", "--out", "b"]) == 2
    assert "not an earlier benchmark result" in _one_error(capsys, "bench")
    assert _state(user) == before


@pytest.mark.parametrize("target, words", [
    ("figure.png", "existing file that logistics did not write"),
    ("d.png", "is a folder; logistics writes a file there"),
])
def test_map_never_replaces_the_users_image_or_folder(user, capsys, target, words):
    (user / "d.png").mkdir()
    before = _state(user)
    for overwrite in ([], ["--overwrite"]):
        assert main(["map", "--out", target, *overwrite]) == 2
        assert words in _one_error(capsys, "map")
    assert _state(user) == before


@pytest.mark.slow
def test_a_run_folder_is_replaced_only_with_overwrite_and_then_identically(user, capsys):
    args = ["run", str(CMG), "--resolution-m", "10000", "--out", "o"]
    assert main(args) == 0
    capsys.readouterr()
    first = _state(user / "o")
    assert MARKER in first
    assert main(args) == 2  # an earlier run folder: kept unless --overwrite
    assert "add --overwrite to replace them" in _one_error(capsys, "run")
    assert main([*args, "--overwrite"]) == 0
    assert _state(user / "o") == first  # deterministic: the same bytes, marker included
    (user / "o" / "my-notes.txt").write_text("mine")  # the user adds a file to our folder
    assert main([*args, "--overwrite"]) == 2
    assert "my-notes.txt" in _one_error(capsys, "run")
    assert (user / "o" / "my-notes.txt").read_text() == "mine"
    assert not [p for p in user.iterdir() if p.name.startswith(".")]


@pytest.mark.slow
def test_map_replaces_its_own_image_only_with_overwrite(user, capsys):
    args = ["map", "--bbox", "119,47,121,48", "--resolution-m", "10000", "--dpi", "30",
            "--no-labels", "--out", "m.png"]
    assert main(args) == 0
    capsys.readouterr()
    assert main(args) == 2
    assert "add --overwrite" in _one_error(capsys, "map")
    assert main([*args, "--overwrite"]) == 0
