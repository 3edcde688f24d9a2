"""`Listing`: the revisions listed in a thread or a second process are `list_revisions`' own."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cd4ml_tui.core.errors import UnknownRevisionError
from cd4ml_tui.core.git.repo import open_repo
from cd4ml_tui.core.git.watch import refs_fingerprint
from cd4ml_tui.core.revisions import _iso, list_revisions
from cd4ml_tui.core.values.listing import Listing, _listed_elsewhere, list_here
from cd4ml_tui.core.values.read import result_cache


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
