"""A warm start's stored results decoded by a second process: they are the store's own, the TUI's
listing takes them, and when the second process fails they are looked up here."""

from __future__ import annotations

from pathlib import Path

import pytest

from cd4ml_tui.core.git.repo import open_repo
from cd4ml_tui.core.model import PENDING
from cd4ml_tui.core.revisions import list_revisions
from cd4ml_tui.core.values import elsewhere
from cd4ml_tui.core.values.cache import ResultCache
from cd4ml_tui.core.values.elsewhere import ResultsElsewhere
from cd4ml_tui.core.values.listing import Listing, list_with_cache
from cd4ml_tui.core.values.read import read_values
from cd4ml_tui.core.values.reader import ReadResult
from tests import builders


def _filled(root: Path) -> tuple[Path, list[str]]:
    """The repo's store, filled by one read of every revision; and its commits."""
    with open_repo(root) as repo:
        revisions = list_revisions(repo)
        list(read_values(repo, revisions))
        commits = [r.rev for r in revisions if not r.is_workspace and r.status not in PENDING]
        return ResultCache.for_repo(repo).directory, commits


def test_the_second_process_sends_what_is_stored(demo_copy: Path) -> None:
    directory, commits = _filled(demo_copy)
    with ResultCache(directory) as store:
        stored = store.get_many(commits)
    assert len(stored) == len(commits) > 2
    assert ResultsElsewhere(directory).results() == stored


class _Source:
    """A second process's results, planted: what the cache takes must come from here."""

    def __init__(self, results: dict[str, ReadResult]) -> None:
        self.sent = results
        self.closed = False

    def results(self) -> dict[str, ReadResult]:
        return self.sent

    def close(self) -> None:
        self.closed = True


def test_the_cache_takes_the_results_from_its_source_when_first_asked(demo_copy: Path) -> None:
    directory, commits = _filled(demo_copy)
    planted = ReadResult(params={"params.yaml": {"planted": 1}}, metrics={}, errors={})
    source = _Source({commits[0]: planted})
    with ResultCache(directory) as store:
        store.read_ahead_from(source)
        found = store.get_many(commits)
    assert found[commits[0]] == planted
    assert found.keys() == set(commits)  # the rest looked up
    assert not source.closed  # taken: nothing left to close


def test_a_source_never_asked_is_closed_with_the_cache(demo_copy: Path) -> None:
    directory, _ = _filled(demo_copy)
    source = _Source({})
    with ResultCache(directory) as store:
        store.read_ahead_from(source)
    assert source.closed


@pytest.mark.parametrize("many", [True, False])
def test_the_tui_listing_reads_many_values_elsewhere(
    demo_copy: Path, monkeypatch: pytest.MonkeyPatch, many: bool
) -> None:
    """With a kept listing of `ELSEWHERE_MIN` revisions or more (lowered here to the demo's)."""
    builders.git(demo_copy, "update-ref", "-d", "refs/exps/celery/stash")  # a queue is not kept
    builders.settle(demo_copy / ".git")
    _, commits = _filled(demo_copy)
    with open_repo(demo_copy) as repo, ResultCache.for_repo(repo) as cache:
        listed = list_with_cache(repo, [], False, cache)  # kept
    monkeypatch.setattr(elsewhere, "ELSEWHERE_MIN", len(listed) + (0 if many else 1))
    with open_repo(demo_copy) as repo:
        listing = Listing(repo, second_process=True)
        with listing.cache as cache:
            assert listing.listed() == listed
            assert isinstance(cache._source, ResultsElsewhere) is many
            assert cache.get_many(commits).keys() == set(commits)


def test_when_the_second_process_fails_the_results_are_looked_up_here(demo_copy: Path) -> None:
    directory, commits = _filled(demo_copy)
    broken = directory.parent / "a-file"  # no store can be made under it
    broken.write_text("")
    assert ResultsElsewhere(broken).results() == {}
    with ResultCache(directory) as store:
        store.read_ahead_from(ResultsElsewhere(broken))
        assert store.get_many(commits).keys() == set(commits)
