"""The ref watcher notices ref changes only; experiment fetch moves only refs/exps."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from cd4ml_tui.core.git.remotes import FetchError, fetch_experiments
from cd4ml_tui.core.git.repo import open_repo
from cd4ml_tui.core.git.watch import Fingerprint, RefWatcher, refs_fingerprint


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


def stat_each_path(git_dir: Path) -> Fingerprint:
    """The fingerprint as `refs_fingerprint` first computed it (a Path and a stat per file): the
    quicker one must give the very same value."""
    entries = []
    notes = git_dir / "refs" / "notes"
    for path in [git_dir / "HEAD", git_dir / "packed-refs", *(git_dir / "refs").rglob("*")]:
        if path.is_file() and notes not in path.parents:
            st = path.stat()
            entries.append((str(path), st.st_mtime_ns, st.st_size))
    return tuple(sorted(entries))


def test_fingerprint_sees_a_loose_ref_added_changed_and_removed(repo_dir: Path) -> None:
    git_dir = repo_dir / ".git"
    first = git(repo_dir, "rev-parse", "HEAD")
    git(repo_dir, "commit", "-q", "--allow-empty", "-m", "second")
    second = git(repo_dir, "rev-parse", "HEAD")
    exp = f"refs/exps/{first[:2]}/{first[2:]}/exp-1"
    git(repo_dir, "tag", "v1", first)
    git(repo_dir, "update-ref", exp, first)
    seen = [refs_fingerprint(git_dir)]
    assert seen[0] == stat_each_path(git_dir)
    assert {Path(name).name for name, _, _ in seen[0]} >= {"HEAD", "main", "v1", "exp-1"}

    git(repo_dir, "notes", "--ref", "cd4ml-review", "add", "-m", "approve", first)
    assert refs_fingerprint(git_dir) == seen[-1]  # a verdict moves no row

    def moved() -> bool:
        now = refs_fingerprint(git_dir)
        assert now == stat_each_path(git_dir)
        changed = now != seen[-1]
        seen.append(now)
        return changed

    git(repo_dir, "update-ref", exp.replace("exp-1", "exp-2"), second)
    assert moved()  # added
    git(repo_dir, "update-ref", exp, second)  # same size: only the file's mtime tells
    stamp = (git_dir / exp).stat().st_mtime_ns + 1_000_000_000  # past this clock tick
    os.utime(git_dir / exp, ns=(stamp, stamp))
    assert moved()  # changed
    git(repo_dir, "update-ref", "-d", exp)
    assert moved()  # removed
    assert exp not in "".join(name for name, _, _ in seen[-1])
    assert not moved()
