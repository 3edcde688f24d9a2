"""A cold read on two cores: the second process reads exactly what this one would, and when it
fails its commits are read here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cd4ml_tui.core.git.repo import open_repo
from cd4ml_tui.core.model import PENDING, RevisionValues
from cd4ml_tui.core.revisions import list_revisions
from cd4ml_tui.core.values import second_core
from cd4ml_tui.core.values.read import read_values
from cd4ml_tui.core.values.second_core import SecondCore, split_for_second_core
from tests.core.zoo import zoo_repo

__all__ = ["zoo_repo"]  # the fixture


def _dump(rows: list[RevisionValues]) -> str:
    return json.dumps([[r.revision.rev, r.params, r.metrics, r.errors] for r in rows])


def _read(path: Path) -> list[RevisionValues]:
    with open_repo(path) as repo:
        return list(read_values(repo, list_revisions(repo), use_cache=False))


@pytest.mark.parametrize("fixture", ["demo_repo", "zoo_repo"])
def test_two_cores_read_what_one_reads(
    fixture: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The demo (DVC cache, queued run) and the zoo (every file layout and error DVC knows):
    with the threshold lowered so that half of every read goes to the second process."""
    root = request.getfixturevalue(fixture)
    one_core = _dump(_read(root))
    monkeypatch.setattr(second_core, "SECOND_CORE_MIN", 2)
    with open_repo(root) as repo:
        revisions = list_revisions(repo)
        commits = [r.rev for r in revisions if r.kind != "workspace" and r.status not in PENDING]
        theirs = split_for_second_core(commits)
        second = SecondCore(str(repo.project_root), theirs)
        try:
            taken = {sha: second.take(sha) for sha in theirs}
        finally:
            second.close()
    assert theirs and None not in taken.values()  # the second process did read its half
    assert _dump(_read(root)) == one_core


def test_a_failed_second_process_gives_nothing_and_ends(tmp_path: Path) -> None:
    """Its commits are then read by the caller (`take` answers None, never hangs)."""
    second = SecondCore(str(tmp_path / "not-a-repo"), frozenset({"a" * 40}))
    try:
        assert second.take("a" * 40) is None
    finally:
        second.close()
