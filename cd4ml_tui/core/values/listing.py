"""The revisions of a repo, listed from the moment a `Listing` is made, in a thread or in a
second process.

The TUI starts its first listing before it imports Textual. Listing 10,000 experiments (git's
refs, the cached commits, 10,000 `Revision`s) holds the GIL for about 0.4 s, so in a thread it
only took turns with Textual's start-up (measured: the first row came no sooner). In a second
process (`python -m cd4ml_tui.core.values.listing`, a `child.Child` as in `second_core`) it
runs beside it on the other core and comes back as one pickle (0.04 s to load at 10,000). If
that fails in any way, the listing is done here: it can cost time, never a revision.

A listing is kept in the result cache under the state of the refs it was listed from
(`list_with_cache`): a start on unchanged refs reads one row (0.1 s at 10,000 experiments, here,
before Textual: less than a second process takes to start) instead of asking git for every ref
and building every revision again (0.35 s). The key is the refs fingerprint the ref watcher
trusts (`core.git.watch`), settled, so a change in the same clock tick cannot hide. Unfinished
runs are the one thing a listing shows that no ref records (a run in progress, its queue's
reflog), so a listing with any of them is never kept, and none is used while a run is going.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import sys
import threading
from collections.abc import Sequence

from cd4ml_tui.core.dvc.queue import running_entries
from cd4ml_tui.core.git.objects import git_env
from cd4ml_tui.core.git.repo import Repo, open_repo
from cd4ml_tui.core.git.watch import Fingerprint, refs_fingerprint, settled
from cd4ml_tui.core.model import UNFINISHED, Revision
from cd4ml_tui.core.revisions import list_revisions
from cd4ml_tui.core.values import elsewhere
from cd4ml_tui.core.values.cache import ResultCache
from cd4ml_tui.core.values.child import Child

Request = tuple[list[str], bool, bool]  # revs, all_commits, use_cache: the second process's argv


class Listing:
    """`fingerprint` is the refs as they were before listing (None if the git dir could not be
    read); `key` what the listing is kept under (None: not kept); `cache` is the result cache
    for the values after (the one who reads them closes it); `revisions()` waits for the list.
    With `second_process`, git is asked from another Python, and the stored values are decoded
    by another (`core.values.elsewhere`)."""

    def __init__(
        self,
        repo: Repo,
        revs: Sequence[str] = (),
        all_commits: bool = False,
        use_cache: bool = True,
        *,
        second_process: bool = False,
    ) -> None:
        repo.forget_head()  # a commit or checkout since the last listing moves HEAD
        self.fingerprint = _refs_now(repo)
        self.cache = ResultCache.for_repo(repo, enabled=use_cache)
        if use_cache and not second_process:  # a read-ahead here would hold the GIL meanwhile
            self.cache.read_ahead()
        self.key = listing_key(repo, revs, all_commits, self.fingerprint)  # None: not kept
        self._error: Exception | None = None
        # a kept listing is read here: a second process would take longer to start than that
        kept = None
        if second_process and self.key is not None:
            kept = self.cache.get_listing(self.key)
        if kept is not None and len(kept) >= elsewhere.ELSEWHERE_MIN:  # beside our start-up
            self.cache.read_ahead_from(elsewhere.ResultsElsewhere(self.cache.directory))
        self._revisions: list[Revision] = kept or []
        self._thread: threading.Thread | None = None
        if kept is None:
            request = (list(revs), all_commits, use_cache)
            self._thread = threading.Thread(
                target=self._list, args=(repo, request, second_process), name="listing", daemon=True
            )
            self._thread.start()

    def listed(self) -> list[Revision] | None:
        """The revisions if they were listed at once (the listing kept from an earlier run),
        without waiting; else None."""
        return self._revisions if self._thread is None else None

    def revisions(self) -> list[Revision]:
        """The listed revisions, once listed; raises what listing raised."""
        if self._thread is not None:
            self._thread.join()
        if self._error is not None:
            raise self._error
        return self._revisions

    def kept_under(self) -> str | None:
        """The key the listing is kept under, once listed; None if it is not kept (the refs were
        not settled, a run is going, or one in it is unfinished)."""
        return self.key if self.key is not None and _keepable(self.revisions()) else None

    def _list(self, repo: Repo, request: Request, second_process: bool) -> None:
        revs, all_commits, _ = request
        try:
            found = _listed_elsewhere(repo, request) if second_process else None
            self._revisions = found or _list_under(self.key, repo, revs, all_commits, self.cache)
        except Exception as err:  # handed to whoever waits in `revisions()`
            self._error = err


def _listed_elsewhere(repo: Repo, request: Request) -> list[Revision] | None:
    """The revisions as a second process lists them; None if it fails (an unknown `--rev` too:
    listing here then raises the error the user should see)."""
    args = [str(repo.project_root), json.dumps(request)]
    found = Child(__name__, args, env=git_env()).answer()
    if isinstance(found, list) and all(isinstance(r, Revision) for r in found):
        return found
    return None


def keep_layout(repo: Repo, key: str, layout: object) -> None:
    """Keep a front end's `layout` of the listing kept under `key` (`ResultCache.put_layout`)."""
    with ResultCache.for_repo(repo) as cache:
        cache.put_layout(key, layout)


def list_here(project_root: str, revs: list[str], all_commits: bool, use_cache: bool) -> bytes:
    """What the second process does: list, keeping new commits in the cache, and pickle."""
    with open_repo(project_root) as repo, ResultCache.for_repo(repo, enabled=use_cache) as cache:
        revisions = list_with_cache(repo, revs, all_commits, cache, read_ahead=use_cache)
    return pickle.dumps(revisions, pickle.HIGHEST_PROTOCOL)


def list_with_cache(
    repo: Repo,
    revs: Sequence[str],
    all_commits: bool,
    cache: ResultCache,
    *,
    read_ahead: bool = False,
) -> list[Revision]:
    """`list_revisions`, taken from `cache` when the refs are as they were when it was kept, and
    kept there otherwise. `read_ahead`: start reading the cached commits if git must list."""
    key = listing_key(repo, revs, all_commits, _refs_now(repo))
    return _list_under(key, repo, revs, all_commits, cache, read_ahead=read_ahead)


def _list_under(
    key: str | None,
    repo: Repo,
    revs: Sequence[str],
    all_commits: bool,
    cache: ResultCache,
    *,
    read_ahead: bool = False,
) -> list[Revision]:
    """The listing kept under `key` (`listing_key`; None: list afresh), else the one git lists,
    kept there unless a run in it is unfinished."""
    found = cache.get_listing(key) if key is not None else None
    if found is not None:
        return found
    if read_ahead:  # while git lists the refs
        cache.read_ahead(results=False)
    revisions = list_revisions(repo, revs, all_commits, cache)
    if key is not None and _keepable(revisions):
        cache.put_listing(key, revisions)
    return revisions


def _keepable(revisions: list[Revision]) -> bool:
    """Unfinished runs are what a listing shows that no ref records: a listing with any is not
    kept."""
    return not any(r.status in UNFINISHED for r in revisions)


def listing_key(
    repo: Repo, revs: Sequence[str], all_commits: bool, fingerprint: Fingerprint | None
) -> str | None:
    """What a listing is kept under: a sha256 of the refs' settled `fingerprint` (taken before
    the listing, so a change while listing files it under the old state), the request and the
    repo. None when it must be listed afresh: the refs could not be read or changed within the
    last second, or a run is going."""
    if fingerprint is None or not settled(fingerprint):
        return None
    if repo.has_dvc and running_entries(repo.project_root):
        return None
    request = [str(repo.project_root), list(fingerprint), list(revs), all_commits]
    return hashlib.sha256(json.dumps(request).encode()).hexdigest()


def _refs_now(repo: Repo) -> Fingerprint | None:
    """The refs fingerprint now; None if the git dir cannot be read (listing says what is wrong)."""
    try:
        return refs_fingerprint(repo.git_dir)
    except OSError:
        return None


if __name__ == "__main__":
    revs, all_commits, use_cache = json.loads(sys.argv[2])
    sys.stdout.buffer.write(list_here(sys.argv[1], revs, all_commits, use_cache))
