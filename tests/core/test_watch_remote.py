"""The ref watcher notices ref changes only; experiment fetch moves only refs/exps."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from cd4ml_tui.core.git.remotes import FetchError, fetch_experiments
from cd4ml_tui.core.git.repo import open_repo
from cd4ml_tui.core.git.watch import refs_fingerprint
from tests.builders import settle


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


def test_fingerprint_is_quiet_until_a_ref_changes(repo_dir: Path) -> None:
    git_dir = repo_dir / ".git"
    settle(git_dir)
    before = refs_fingerprint(git_dir)
    (repo_dir / "a.txt").write_text("edited, but no ref moves\n")
    assert refs_fingerprint(git_dir) == before
    head = git(repo_dir, "rev-parse", "HEAD")
    for change in (
        ["update-ref", f"refs/exps/{head[:2]}/{head[2:]}/exp-1", head],
        ["tag", "v1"],
        ["pack-refs", "--all"],
        ["branch", "sweep/b"],  # a ref in a new sub-folder
    ):
        git(repo_dir, *change)
        assert refs_fingerprint(git_dir) != before, change
        settle(git_dir)
        assert refs_fingerprint(git_dir) == refs_fingerprint(git_dir)
        before = refs_fingerprint(git_dir)


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


def test_fingerprint_sees_a_loose_ref_added_changed_and_removed(repo_dir: Path) -> None:
    git_dir = repo_dir / ".git"
    first = git(repo_dir, "rev-parse", "HEAD")
    git(repo_dir, "commit", "-q", "--allow-empty", "-m", "second")
    second = git(repo_dir, "rev-parse", "HEAD")
    exp = f"refs/exps/{first[:2]}/{first[2:]}/exp-1"
    git(repo_dir, "tag", "v1", first)
    git(repo_dir, "update-ref", exp, first)
    git(repo_dir, "notes", "--ref", "cd4ml-review", "add", "-m", "comment", second)
    settle(git_dir)
    seen = [refs_fingerprint(git_dir)]

    git(repo_dir, "notes", "--ref", "cd4ml-review", "add", "-m", "approve", first)
    assert refs_fingerprint(git_dir) == seen[-1]  # a verdict moves no row

    def moved() -> bool:
        now = refs_fingerprint(git_dir)
        changed = now != seen[-1]
        settle(git_dir)  # the next change is seen by its folder's mtime, not by being recent
        seen.append(refs_fingerprint(git_dir))
        return changed

    git(repo_dir, "update-ref", exp.replace("exp-1", "exp-2"), second)
    assert moved()  # added
    git(repo_dir, "update-ref", exp, second)  # same size: the rename gives the folder an mtime
    assert moved()  # changed
    git(repo_dir, "update-ref", "-d", exp)
    assert moved()  # removed
    assert not moved()


def test_a_change_in_the_same_clock_tick_is_not_lost(repo_dir: Path) -> None:
    """Two changes within one mtime tick leave the folder's mtime as it was; a fingerprint taken
    between them is unsettled, so it differs from the one taken after (and from itself)."""
    git_dir = repo_dir / ".git"
    head = git(repo_dir, "rev-parse", "HEAD")
    folder = git_dir / "refs" / "exps" / head[:2] / head[2:]
    git(repo_dir, "update-ref", f"refs/exps/{head[:2]}/{head[2:]}/exp-1", head)
    tick = folder.stat().st_mtime_ns
    between = refs_fingerprint(git_dir)
    git(repo_dir, "update-ref", f"refs/exps/{head[:2]}/{head[2:]}/exp-2", head)
    os.utime(folder, ns=(tick, tick))  # as if in the same tick
    assert refs_fingerprint(git_dir) != between
    assert ("unsettled", between[-1][1], 0) == between[-1]
    settle(git_dir)
    assert refs_fingerprint(git_dir) == refs_fingerprint(git_dir)
    assert all(name != "unsettled" for name, _, _ in refs_fingerprint(git_dir))
