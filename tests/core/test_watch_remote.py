"""The ref watcher notices ref changes only; experiment fetch moves only refs/exps."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from cd4ml_tui.core.git.remotes import FetchError, fetch_experiments
from cd4ml_tui.core.git.repo import open_repo
from cd4ml_tui.core.git.watch import RefWatcher


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.fixture
def repo_dir(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / "a.txt").write_text("one\n")
    git(root, "add", "a.txt")
    git(root, "commit", "-qm", "first")
    return root


def test_watcher_is_quiet_until_a_ref_changes(repo_dir: Path) -> None:
    watcher = RefWatcher(repo_dir / ".git")
    (repo_dir / "a.txt").write_text("edited, but no ref moves\n")
    assert not watcher.changed()
    head = git(repo_dir, "rev-parse", "HEAD")
    git(repo_dir, "update-ref", f"refs/exps/{head[:2]}/{head[2:]}/exp-1", head)
    assert watcher.changed()
    assert not watcher.changed()
    git(repo_dir, "tag", "v1")
    assert watcher.changed()
    git(repo_dir, "pack-refs", "--all")
    assert watcher.changed()


def test_fetch_brings_experiment_refs_and_nothing_else(repo_dir: Path, tmp_path: Path) -> None:
    head = git(repo_dir, "rev-parse", "HEAD")
    git(repo_dir, "checkout", "-q", "-b", "exp-work")
    (repo_dir / "a.txt").write_text("two\n")
    git(repo_dir, "commit", "-qam", "exp")
    exp = git(repo_dir, "rev-parse", "HEAD")
    git(repo_dir, "checkout", "-q", "main")
    git(repo_dir, "update-ref", f"refs/exps/{head[:2]}/{head[2:]}/exp-1", exp)
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo_dir), str(clone))
    assert git(clone, "for-each-ref", "refs/exps") == ""
    branches_before = git(clone, "for-each-ref", "refs/heads", "refs/remotes")
    status_before = git(clone, "status", "--porcelain")

    with open_repo(clone) as repo:
        fetch_experiments(repo)

    assert git(clone, "rev-parse", f"refs/exps/{head[:2]}/{head[2:]}/exp-1") == exp
    assert git(clone, "for-each-ref", "refs/heads", "refs/remotes") == branches_before
    assert git(clone, "status", "--porcelain") == status_before


def test_fetch_from_missing_remote_is_a_clear_error(repo_dir: Path) -> None:
    with open_repo(repo_dir) as repo:
        with pytest.raises(FetchError, match="no git remote"):
            fetch_experiments(repo)
        git(repo_dir, "remote", "add", "gone", str(repo_dir.parent / "does-not-exist"))
        with pytest.raises(FetchError, match="'gone' failed"):
            fetch_experiments(repo)
