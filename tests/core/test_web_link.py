"""The web page of a commit on the remote's host: from the remote URL git has (config only)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from cd4ml_tui.core.api import commit_web_url, open_repo
from cd4ml_tui.core.git.remotes import web_base


@pytest.mark.parametrize(
    ("url", "page"),
    [
        ("git@github.com:org/repo.git", "https://github.com/org/repo"),
        (
            "ssh://git@gitlab.example.com:2222/group/sub/repo.git",
            "https://gitlab.example.com/group/sub/repo",
        ),
        ("https://user:token@github.com/org/repo", "https://github.com/org/repo"),
        ("https://github.com/org/repo.git/", "https://github.com/org/repo"),
        ("/srv/git/repo.git", None),
        ("file:///srv/git/repo.git", None),
        ("../sibling", None),
        ("https://github.com/", None),
    ],
)
def test_web_base(url: str, page: str | None) -> None:
    assert web_base(url) == page


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.mark.parametrize(
    ("remote", "expected"),
    [
        ("git@github.com:org/repo.git", "https://github.com/org/repo/commit/{sha}"),
        ("https://gitlab.com/group/repo.git", "https://gitlab.com/group/repo/-/commit/{sha}"),
        ("git@bitbucket.org:team/repo.git", "https://bitbucket.org/team/repo/commits/{sha}"),
        (None, None),
        ("/some/where/repo.git", None),
    ],
)
def test_commit_web_url(tmp_path: Path, remote: str | None, expected: str | None) -> None:
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "commit", "-q", "--allow-empty", "-m", "first")
    if remote is not None:
        _git(tmp_path, "remote", "add", "origin", remote)
    sha = _git(tmp_path, "rev-parse", "HEAD")
    with open_repo(tmp_path) as repo:
        url = commit_web_url(repo, sha)
    assert url == (expected.format(sha=sha) if expected else None)
