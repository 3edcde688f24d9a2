"""`Listing`: the revisions listed in a thread or a second process are `list_revisions`' own;
`list_with_cache` keeps the latest listing by the state of the refs."""

from __future__ import annotations

import dataclasses
import os
import random
import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cd4ml_tui.core.errors import UnknownRevisionError
from cd4ml_tui.core.git.repo import open_repo
from cd4ml_tui.core.git.watch import refs_fingerprint
from cd4ml_tui.core.model import Revision
from cd4ml_tui.core.revisions import _iso, list_revisions
from cd4ml_tui.core.values.cache import ResultCache
from cd4ml_tui.core.values.entries import LISTED_FIELDS
from cd4ml_tui.core.values.listing import (
    Listing,
    _listed_elsewhere,
    list_here,
    list_with_cache,
    listing_key,
)
from cd4ml_tui.core.values.read import result_cache
from tests import builders


@pytest.mark.parametrize("second_process", [False, True])
@pytest.mark.parametrize("use_cache", [False, True])
def test_a_listing_lists_what_list_revisions_lists(
    demo_copy: Path, second_process: bool, use_cache: bool
) -> None:
    with open_repo(demo_copy) as repo:
        expected = list_revisions(repo, ["HEAD~1"], True)
        listing = Listing(repo, ["HEAD~1"], True, use_cache, second_process=second_process)
        with listing.cache:
            assert listing.revisions() == expected
        assert listing.fingerprint == refs_fingerprint(repo.git_dir)
        assert any(r.kind == "experiment" for r in expected)


def test_the_second_process_lists_them_itself(demo_copy: Path) -> None:
    """Not the fallback: the second process's own list comes back (None would mean it failed)."""
    with open_repo(demo_copy) as repo:
        assert _listed_elsewhere(repo, (["HEAD~1"], True, False)) == list_revisions(
            repo, ["HEAD~1"], True
        )
        assert _listed_elsewhere(repo, (["no-such-rev"], False, False)) is None


def test_the_second_process_keeps_listed_commits_in_the_cache(demo_copy: Path) -> None:
    with open_repo(demo_copy) as repo, result_cache(repo) as cache:
        commits = [r.rev for r in list_revisions(repo) if not r.is_workspace]
        assert cache.get_commits(commits) == {}
    list_here(str(demo_copy), [], False, True)
    with open_repo(demo_copy) as repo, result_cache(repo) as cache:
        assert set(cache.get_commits(commits)) == set(commits)


@pytest.mark.parametrize("second_process", [False, True])
def test_an_unknown_rev_raises_when_the_revisions_are_asked_for(
    demo_copy: Path, second_process: bool
) -> None:
    with open_repo(demo_copy) as repo:
        listing = Listing(repo, ["no-such-rev"], second_process=second_process)
        with listing.cache, pytest.raises(UnknownRevisionError, match="no-such-rev"):
            listing.revisions()


def test_commit_times_are_written_as_datetime_writes_them() -> None:
    stamps = [0, 1, -1, 2**31, 1_700_000_000, 253_402_300_799]
    stamps += random.Random(15).sample(range(-(2**33), 2**34), 2000)
    for stamp in stamps:
        assert _iso(stamp) == datetime.fromtimestamp(stamp, tz=UTC).isoformat()


# --- a listing kept in the result cache, by the state of the refs -----------------------------


def _kept(repo_path: Path) -> list[Revision] | None:
    with open_repo(repo_path) as repo, ResultCache.for_repo(repo) as cache:
        key = listing_key(repo, [], False, refs_fingerprint(repo.git_dir))
        return cache.get_listing(key) if key is not None else None


def _listed(repo_path: Path) -> list[Revision]:
    with open_repo(repo_path) as repo, ResultCache.for_repo(repo) as cache:
        return list_with_cache(repo, [], False, cache)


def test_a_kept_listing_is_what_git_lists_and_is_used_while_the_refs_stay(
    plain_git_repo: Path,
) -> None:
    builders.settle(plain_git_repo / ".git")
    with open_repo(plain_git_repo) as repo:
        fresh = list_revisions(repo)
    assert _listed(plain_git_repo) == fresh
    assert _kept(plain_git_repo) == fresh
    with open_repo(plain_git_repo) as repo, ResultCache.for_repo(repo) as cache:
        key = listing_key(repo, [], False, refs_fingerprint(repo.git_dir))
        assert key is not None
        cache.put_listing(key, fresh[:1])  # a listing git would not give: it must come back
    assert _listed(plain_git_repo) == fresh[:1]


def test_a_new_ref_is_listed_at_once_and_then_kept(plain_git_repo: Path) -> None:
    builders.settle(plain_git_repo / ".git")
    before = _listed(plain_git_repo)
    builders.git(plain_git_repo, "branch", "just-made")
    assert _kept(plain_git_repo) is None  # changed within the second: not trusted yet
    after = _listed(plain_git_repo)
    assert "refs/heads/just-made" in {ref for r in after for ref in r.refs}
    builders.settle(plain_git_repo / ".git")
    assert _kept(plain_git_repo) is None  # the old listing was for the old refs
    assert _listed(plain_git_repo) == after
    assert _kept(plain_git_repo) == after != before


def test_a_listing_with_unfinished_runs_is_never_kept(demo_copy: Path) -> None:
    builders.settle(demo_copy / ".git")
    listed = _listed(demo_copy)
    assert any(r.status == "queued" for r in listed)  # the demo queues a run
    assert _kept(demo_copy) is None
    with open_repo(demo_copy) as repo:
        listing = Listing(repo)
        with listing.cache:
            assert listing.key is not None and listing.kept_under() is None
        builders.git(demo_copy, "update-ref", "-d", "refs/exps/celery/stash")
        builders.settle(demo_copy / ".git")
        listing = Listing(repo)
        with listing.cache:
            assert listing.kept_under() == listing.key is not None


def test_no_kept_listing_is_used_while_a_run_is_going(demo_copy: Path) -> None:
    """A run in progress moves no ref, so the refs alone cannot say that it started."""
    builders.git(demo_copy, "update-ref", "-d", "refs/exps/celery/stash")
    builders.settle(demo_copy / ".git")
    kept = _listed(demo_copy)
    assert _kept(demo_copy) == kept
    head = builders.git(demo_copy, "rev-parse", "HEAD").strip()
    live = builders.git(demo_copy, "commit-tree", "HEAD^{tree}", "-p", "HEAD", "-m", "live")
    builders.executor_files(demo_copy, live.strip(), head, os.getpid())
    assert [r.name for r in _listed(demo_copy) if r.status == "running"] == ["live-run"]


def test_a_damaged_kept_listing_is_listed_again(plain_git_repo: Path) -> None:
    builders.settle(plain_git_repo / ".git")
    fresh = _listed(plain_git_repo)
    with open_repo(plain_git_repo) as repo, ResultCache.for_repo(repo) as cache:
        store = cache.path
    with closing(sqlite3.connect(store)) as db, db:
        db.execute("UPDATE listings SET entry = substr(entry, 1, length(entry) - 9)")
    assert _kept(plain_git_repo) is None  # the row failed its checksum and is gone
    assert _listed(plain_git_repo) == fresh


def test_a_kept_listing_row_holds_every_field_of_a_revision() -> None:
    assert tuple(f.name for f in dataclasses.fields(Revision)) == LISTED_FIELDS
