"""A run's ``git_commit`` (run metadata, report.md): the code's commit as the run starts, and only
the package's own checkout's (cli20)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from logistics import runner, settings


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout.strip()


@pytest.fixture
def repo(tmp_path) -> Path:
    """A git checkout of one commit, with a subfolder (where an unpacked package might sit)."""
    root = tmp_path / "someones-project"
    (root / "site" / "logistics").mkdir(parents=True)
    _git(root, "init", "-q")
    (root / "a.txt").write_text("a\n")
    _git(root, "add", "a.txt")
    _git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "one")
    return root


def test_the_commit_of_the_checkout_whose_top_folder_is_the_root(repo):
    assert runner.checkout_commit(repo) == _git(repo, "rev-parse", "--short", "HEAD")


def test_a_package_outside_a_checkout_of_its_own_reports_unknown(repo, tmp_path, monkeypatch):
    """An unpacked archive or an installed wheel inside someone else's repository (a venv in
    their project) read that repository's HEAD; a missing folder must not raise."""
    assert runner.checkout_commit(repo / "site") == "unknown"
    assert runner.checkout_commit(tmp_path / "no-such-folder") == "unknown"
    plain = tmp_path / "plain"
    plain.mkdir()
    monkeypatch.setenv("GIT_DIR", str(repo / ".git"))  # the user's GIT_DIR is not the code's
    assert runner.checkout_commit(plain) == "unknown"


def test_the_commit_is_read_when_the_run_starts_not_when_it_is_written(monkeypatch):
    """A commit made while a long run computes must not be reported for its outputs: the
    reader answers 'old' until the advance begins, 'new' after; the run says 'old'."""
    state = {"commit": "old"}
    monkeypatch.setattr(runner, "_git_commit", lambda: state["commit"])
    simulate = runner.simulate_army

    def commit_meanwhile(*args, **kwargs):
        state["commit"] = "new"
        return simulate(*args, **kwargs)

    monkeypatch.setattr(runner, "simulate_army", commit_meanwhile)
    result = runner.run_scenario(settings.CONFIG_DIR / "tbf-cmg.yaml", resolution_m=25000,
                                 events=False)
    assert state["commit"] == "new"  # the advance ran after the commit changed
    assert result.provenance["git_commit"] == "old"
