"""The output-folder rule: nothing the user already has is replaced, moved or left half-made."""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from logistics import _atomic
from logistics._atomic import MARKER, atomic_dir, atomic_path, check_output_dir, sweep
from logistics.errors import LogisticsError, OutputError


def _write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (folder / name).write_text(text)


def _tree(root: Path) -> dict[str, bytes | None]:
    out = {}
    for p in sorted(root.rglob("*")):
        out[str(p.relative_to(root))] = p.read_bytes() if p.is_file() else None
    return out


def test_a_new_folder_gets_the_files_and_a_marker_listing_them(tmp_path):
    with atomic_dir(tmp_path / "run") as tmp:
        _write(tmp, {"a.csv": "1\n", "b.md": "x\n"})
    marker = json.loads((tmp_path / "run" / MARKER).read_text())
    assert marker["written_by"] == "logistics"
    assert sorted(marker["files"]) == ["a.csv", "b.md"]
    # sha256 of "1\n", computed independently of the module
    assert marker["files"]["a.csv"] == (
        "4355a46b19d348dc2f57c046f8ef63d4538ebb936000f3c9ee954a27460dd865")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_a_folder_of_the_users_is_never_replaced(tmp_path):
    user = tmp_path / "d"
    user.mkdir()
    (user / "thesis.txt").write_text("the only copy")
    before = _tree(tmp_path)
    with pytest.raises(OutputError) as err:
        with atomic_dir(user) as tmp:
            _write(tmp, {"a.csv": "1\n"})
    msg = str(err.value)
    assert "thesis.txt" in msg and "did not write" in msg
    assert _tree(tmp_path) == before  # untouched, and no temporary folder left


@pytest.mark.parametrize("make, kind", [
    (lambda p: p.write_text("precious"), "a file"),
    (lambda p: os.mkfifo(p), "a named pipe"),
    (lambda p: p.symlink_to(p.parent / "elsewhere"), "a symbolic link"),
])
def test_a_file_pipe_or_link_is_never_replaced(tmp_path, make, kind):
    (tmp_path / "elsewhere").mkdir()
    target = tmp_path / "out"
    make(target)
    before = os.lstat(target)
    for overwrite in (False, True):
        with pytest.raises(OutputError, match=kind):
            check_output_dir(target, overwrite=overwrite)
        with pytest.raises(OutputError, match=kind):
            with atomic_dir(target, overwrite=overwrite):
                pytest.fail("the block must not run")
    after = os.lstat(target)
    assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_a_device_is_never_replaced(tmp_path):
    dev = tmp_path / "null"
    os.mknod(dev, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    with pytest.raises(OutputError, match="a character device"):
        with atomic_dir(dev, overwrite=True):
            pass
    assert stat.S_ISCHR(os.lstat(dev).st_mode)


def test_a_path_under_a_file_names_the_file(tmp_path):
    (tmp_path / "thesis.txt").write_text("x")
    with pytest.raises(OutputError, match=r"thesis.txt' is a file, not a folder"):
        check_output_dir(tmp_path / "thesis.txt" / "sub")


def test_the_current_folder_and_its_parents_are_refused(tmp_path, monkeypatch):
    work = tmp_path / "w"
    work.mkdir()
    (work / "keep.txt").write_text("x")
    monkeypatch.chdir(work)
    for target in (".", "..", str(work)):
        with pytest.raises(OutputError, match="current folder"):
            check_output_dir(target, overwrite=True)
    assert (work / "keep.txt").read_text() == "x"


def test_own_folder_needs_overwrite_and_is_then_replaced_whole(tmp_path):
    target = tmp_path / "run"
    with atomic_dir(target) as tmp:
        _write(tmp, {"a.csv": "old", "gone.csv": "old"})
    with pytest.raises(OutputError, match="--overwrite"):
        check_output_dir(target)
    assert check_output_dir(target, overwrite=True) == target
    with atomic_dir(target, overwrite=True) as tmp:
        _write(tmp, {"a.csv": "new"})
    assert sorted(p.name for p in target.iterdir()) == sorted([MARKER, "a.csv"])
    assert (target / "a.csv").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_own_folder_with_a_user_file_added_or_edited_is_refused(tmp_path):
    target = tmp_path / "run"
    with atomic_dir(target) as tmp:
        _write(tmp, {"report.md": "ours"})
    (target / "notes.txt").write_text("mine")
    with pytest.raises(OutputError, match="notes.txt"):
        check_output_dir(target, overwrite=True)
    (target / "notes.txt").unlink()
    (target / "report.md").write_text("edited by the user")
    with pytest.raises(OutputError, match="report.md \\(changed since"):
        with atomic_dir(target, overwrite=True):
            pass
    assert (target / "report.md").read_text() == "edited by the user"


def test_an_empty_folder_is_used(tmp_path):
    target = tmp_path / "empty"
    target.mkdir()
    with atomic_dir(target, overwrite=False) as tmp:
        _write(tmp, {"a.csv": "1"})
    assert (target / "a.csv").read_text() == "1"


def test_a_failed_block_leaves_the_previous_folder_and_nothing_else(tmp_path):
    target = tmp_path / "run"
    with atomic_dir(target) as tmp:
        _write(tmp, {"a.csv": "old"})
    before = _tree(tmp_path)
    for exc in (RuntimeError("boom"), KeyboardInterrupt()):
        with pytest.raises(type(exc)):
            with atomic_dir(target) as tmp:
                _write(tmp, {"a.csv": "half"})
                raise exc
    assert _tree(tmp_path) == before


def test_leftovers_of_killed_runs_are_swept_and_live_ones_kept(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    pid = int(dead.stdout)  # a process that has exited
    stale = [tmp_path / f".run.tmp.{pid}.abcd", tmp_path / f".run.old.{pid}"]
    for p in stale:
        p.mkdir()
        (p / "daily.csv").write_text("half")
    live = tmp_path / f".run.tmp.{os.getppid()}.abcd"  # the parent of this process is alive
    live.mkdir()
    lookalike = tmp_path / ".notes.txt"  # a user's hidden file is not a leftover
    lookalike.write_text("mine")
    with atomic_dir(tmp_path / "run") as tmp:
        _write(tmp, {"a.csv": "1"})
    assert not any(p.exists() for p in stale)
    assert live.is_dir() and lookalike.read_text() == "mine"
    assert sweep(tmp_path) == []


def test_two_writers_both_succeed_with_one_complete_result(tmp_path):
    """Many threads write one folder at once: every one either succeeds or fails cleanly, the
    final folder is one writer's complete set, and no temporary entry remains."""
    target = tmp_path / "run"
    errors: list[BaseException] = []
    n_files = 20

    def writer(k: int) -> None:
        try:
            with atomic_dir(target, overwrite=True) as tmp:
                for i in range(n_files):
                    (tmp / f"f{i:02d}.csv").write_text(f"{k}\n")
        except LogisticsError as exc:
            errors.append(exc)
        except BaseException as exc:  # noqa: BLE001 - any other failure fails the test
            errors.append(exc)
            raise

    for _ in range(5):
        threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert all(isinstance(e, OutputError) for e in errors), errors
        contents = {(target / f"f{i:02d}.csv").read_text() for i in range(n_files)}
        assert len(contents) == 1  # one writer's set, not a mix
        assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]
        assert _atomic.is_own_dir(target)


def test_without_overwrite_a_racing_second_writer_fails_cleanly(tmp_path):
    target = tmp_path / "run"
    with pytest.raises(OutputError, match="another logistics process"):
        with atomic_dir(target, overwrite=False) as tmp:
            _write(tmp, {"a.csv": "mine"})
            with atomic_dir(target) as other:  # a second writer finishes first
                _write(other, {"a.csv": "theirs"})
    assert (target / "a.csv").read_text() == "theirs"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_atomic_path_never_replaces_a_folder_or_device(tmp_path):
    (tmp_path / "m.png").mkdir()
    with pytest.raises(OutputError, match="a folder"):
        with atomic_path(tmp_path / "m.png"):
            pass
    with pytest.raises(OutputError, match="exists"):
        (tmp_path / "x.csv").write_text("old")
        with atomic_path(tmp_path / "x.csv", overwrite=False):
            pass
    assert (tmp_path / "x.csv").read_text() == "old"


def test_a_full_disk_is_one_output_error_and_leaves_nothing(tmp_path):
    """A file-size limit makes every write past it fail (EFBIG) as on a full disk."""
    script = textwrap.dedent(f"""
        import resource, sys
        from pathlib import Path
        from logistics._atomic import atomic_dir
        from logistics.errors import OutputError
        resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))
        try:
            with atomic_dir(Path({str(tmp_path)!r}) / "run") as tmp:
                (tmp / "big.csv").write_bytes(b"x" * 5000)
        except OutputError as exc:
            print(exc)
            sys.exit(2)
    """)
    res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == 2, res.stderr
    assert f"errno {errno.EFBIG}" in res.stdout and "run" in res.stdout
    assert list(tmp_path.iterdir()) == []


def test_a_name_too_long_is_one_output_error(tmp_path):
    with pytest.raises(OutputError, match="too long"):
        with atomic_dir(tmp_path / ("n" * 300)):
            pass


def test_a_read_only_folder_is_one_output_error(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        if os.access(ro, os.W_OK):
            pytest.skip("this user can write a read-only folder (root)")
        with pytest.raises(OutputError, match="permission"):
            with atomic_dir(ro / "run"):
                pass
    finally:
        ro.chmod(0o755)



def test_a_late_writer_during_removal_leaves_no_folder(tmp_path, monkeypatch):
    """A cancelled dask task still writing its tile while the scratch folder is removed: the
    first rmtree's final rmdir meets the new file; remove_tree tries again until it is gone."""
    folder = tmp_path / ".logistics-scratch-x"
    folder.mkdir()
    (folder / "a.npy").write_bytes(b"1")
    real, calls = _atomic.shutil.rmtree, []

    def rmtree_with_a_late_write(path, ignore_errors=False):
        calls.append(path)
        real(path, ignore_errors=ignore_errors)
        if len(calls) == 1:  # the late writer: the folder is back with a tile in it
            Path(path).mkdir()
            (Path(path) / "b.npy").write_bytes(b"2")

    monkeypatch.setattr(_atomic.shutil, "rmtree", rmtree_with_a_late_write)
    _atomic.remove_tree(folder, pause_s=0.0)
    assert list(tmp_path.iterdir()) == []
    assert len(calls) == 2


def test_removing_a_link_removes_the_link_not_its_target(tmp_path):
    target = tmp_path / "target"
    target.mkdir()
    (target / "keep.txt").write_text("mine")
    link = tmp_path / "link"
    link.symlink_to(target)
    _atomic.remove_tree(link)
    assert not link.is_symlink() and (target / "keep.txt").read_text() == "mine"


def test_a_derived_run_folder_of_the_users_suggests_a_new_parent_not_a_path_inside(tmp_path, monkeypatch):
    """A folder run writes <--out>/<axis_id>: when that folder is the user's, the fix names
    --out (the parent), never '--out <run folder>/run1', a path --out cannot make."""
    monkeypatch.chdir(tmp_path)
    run = tmp_path / "out" / "TBF-17A"
    run.mkdir(parents=True)
    (run / "mine.txt").write_text("keep")
    with pytest.raises(OutputError) as err:
        check_output_dir(run, what="run folder", option="--out")
    msg = str(err.value)
    assert "mine.txt" in msg and "run1" not in msg
    assert "give --out another path" in msg and "move it away" in msg
    with pytest.raises(OutputError) as err:  # a path the user named keeps the example
        check_output_dir(run)
    assert "run1" in str(err.value)


def test_a_stop_the_instant_the_temporary_is_made_leaves_nothing(tmp_path, monkeypatch):
    """Ctrl-C or SIGTERM landing right after the temporary folder or file is made (a user, or
    a test, that signals the moment it appears; CI caught a ``.o.tmp.*`` folder left so):
    ``finally`` knows its name and removes it."""
    import os

    from logistics._atomic import atomic_dir, atomic_path

    real_mkdir, real_open = os.mkdir, os.open

    def mkdir_then_stop(path, *args, **kwargs):
        real_mkdir(path, *args, **kwargs)
        if ".tmp." in os.fspath(path):
            raise KeyboardInterrupt

    def open_then_stop(path, flags, *args, **kwargs):
        fd = real_open(path, flags, *args, **kwargs)
        if ".tmp." in os.fspath(path):
            os.close(fd)
            raise KeyboardInterrupt
        return fd

    monkeypatch.setattr(os, "mkdir", mkdir_then_stop)
    with pytest.raises(KeyboardInterrupt):
        with atomic_dir(tmp_path / "o"):
            pass
    monkeypatch.setattr(os, "mkdir", real_mkdir)
    monkeypatch.setattr(os, "open", open_then_stop)
    with pytest.raises(KeyboardInterrupt):
        with atomic_path(tmp_path / "x.csv"):
            pass
    monkeypatch.setattr(os, "open", real_open)
    from logistics._atomic import scratch_dir

    def mkdir_scratch_then_stop(path, *args, **kwargs):
        real_mkdir(path, *args, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "mkdir", mkdir_scratch_then_stop)
    with pytest.raises(KeyboardInterrupt):
        with scratch_dir(tmp_path, ".logistics-scratch-"):
            pass
    monkeypatch.setattr(os, "mkdir", real_mkdir)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_an_output_inside_the_input_folders_is_refused(tmp_path, monkeypatch):
    """An --out inside the config or raster tree (shipped, or the one LOGISTICS_CONFIG_DIR
    names) is refused before anything is written: a new user's `--out configs/my-run` put a
    run among the shipped army files, where `git status`, a package build and later runs
    would take it along."""
    from logistics import settings
    from logistics.errors import OutputError

    for folder in (settings.SHIPPED_CONFIG_DIR / "my-run", settings.SHIPPED_RASTER_DIR / "x",
                   settings.SHIPPED_CONFIG_DIR):
        with pytest.raises(OutputError, match="inside the (configs|rasters) folder"):
            _atomic.check_output_dir(folder)
        assert not (settings.SHIPPED_CONFIG_DIR / "my-run").exists()
    with pytest.raises(OutputError, match="inside the rasters folder"):
        _atomic.check_output_file(settings.SHIPPED_RASTER_DIR / "map.png")
    mine = tmp_path / "cfg"
    mine.mkdir()
    monkeypatch.setattr(settings, "CONFIG_DIR", mine)
    with pytest.raises(OutputError, match="inside the configs folder"):
        _atomic.check_output_dir(mine / "out")
    assert _atomic.check_output_dir(tmp_path / "out") == tmp_path / "out"


def test_a_folder_of_proc_says_it_is_no_real_file_system_not_no_such_file():
    """``--out /proc/x``: the probe file in /proc, a folder that exists, is refused with
    ENOENT; the message said "cannot write into '/proc': No such file or directory", a
    reason about a folder that is there. It says why: /proc has no storage (0 blocks)."""
    if not os.path.isdir("/proc") or os.statvfs("/proc").f_blocks != 0:
        pytest.skip("no Linux /proc here")
    with pytest.raises(OutputError) as err:
        check_output_dir("/proc/msgs23-new-user")
    msg = str(err.value)
    assert msg.startswith("--out: cannot write into '/proc': ") and "No such file" not in msg, msg
    assert "not a real file system" in msg and "choose --out in a folder on a disk" in msg, msg


def test_enoent_in_an_existing_folder_is_not_said_as_no_such_file(tmp_path, monkeypatch):
    """A file system that answers ENOENT to a new file in a folder that exists (and has
    storage): the errno's text is not about the folder, so it is not the reason given."""
    real_open = os.open

    def refuse(path, flags, *args):
        if ".logistics-probe" in os.fspath(path):
            raise FileNotFoundError(errno.ENOENT, "No such file or directory", os.fspath(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(_atomic.os, "open", refuse)
    with pytest.raises(OutputError) as err:
        _atomic.probe_write(tmp_path, what="--out")
    msg = str(err.value)
    assert "No such file" not in msg and "refused to create a file in this existing" in msg, msg


def test_a_full_disk_at_the_probe_still_says_the_errno_text(tmp_path, monkeypatch):
    """The errno's own text stays where it is about the folder (here: its disk is full)."""
    def full(path, flags, *args):
        raise OSError(errno.ENOSPC, "No space left on device", os.fspath(path))

    monkeypatch.setattr(_atomic.os, "open", full)
    with pytest.raises(OutputError, match="No space left on device .errno 28.; free some"):
        _atomic.probe_write(tmp_path, what="--out")


@pytest.mark.parametrize("command", ["run", "compare"])
def test_cli_without_overwrite_keeps_a_folder_written_meanwhile(tmp_path, monkeypatch, command):
    """Two `logistics run` (or `compare`) into one --out, started together, both pass the
    check before the work; the one that finishes second must not replace the first's finished
    folder without --overwrite (newuser26: both exited 0 and the second silently replaced the
    first). The other process is played by writing an own folder just before this one writes."""
    import importlib

    from logistics.cli import main

    out = tmp_path / "out"
    mod = importlib.import_module("logistics.report.run_outputs" if command == "run" else
                                  "logistics.report.compare_outputs")
    name = "write_run" if command == "run" else "write_comparison"
    real = getattr(mod, name)

    def other_process_first(*args, **kwargs):
        with atomic_dir(out, overwrite=True) as tmp:
            (tmp / "first.txt").write_text("the first run's outputs\n")
        return real(*args, **kwargs)

    monkeypatch.setattr(mod, name, other_process_first)
    argv = (["run", "configs/tbf-36a.yaml", "--resolution-m", "25000", "--no-events"]
            if command == "run" else
            ["compare", "--workers", "0", "--no-map", "--resolution-m", "25000", "--documented",
             "configs/history/documented-advances.csv"])
    monkeypatch.chdir(Path(__file__).resolve().parents[1])
    assert main([*argv, "--out", str(out)]) != 0
    assert sorted(p.name for p in out.iterdir() if p.name != _atomic.MARKER) == ["first.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
