"""The revisions of a repo, listed from the moment a `Listing` is made, in a thread or in a
second process.

The TUI starts its first listing before it imports Textual. Listing 10,000 experiments (git's
refs, the cached commits, 10,000 `Revision`s) holds the GIL for about 0.4 s, so in a thread it
only took turns with Textual's start-up (measured: the first row came no sooner). In a second
process (`python -m cd4ml_tui.core.values.listing`, a plain subprocess as in `second_core`) it
runs beside it on the other core and comes back as one pickle (0.04 s to load at 10,000). If
that fails in any way, the listing is done here: it can cost time, never a revision.
"""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import threading
from collections.abc import Sequence

from cd4ml_tui.core.git.objects import git_env
from cd4ml_tui.core.git.repo import Repo, open_repo
from cd4ml_tui.core.git.watch import Fingerprint, refs_fingerprint
from cd4ml_tui.core.model import Revision
from cd4ml_tui.core.revisions import list_revisions
from cd4ml_tui.core.values.cache import ResultCache

Request = tuple[list[str], bool, bool]  # revs, all_commits, use_cache: the second process's argv


class Listing:
    """`fingerprint` is the refs as they were before listing (None if the git dir could not be
    read); `cache` is the result cache for the values after (the one who reads them closes it);
    `revisions()` waits for the list. With `second_process`, git is asked from another Python."""

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
        try:
            self.fingerprint: Fingerprint | None = refs_fingerprint(repo.git_dir)
        except OSError:  # listing says what is wrong
            self.fingerprint = None
        self.cache = ResultCache.for_repo(repo, enabled=use_cache)
        if use_cache and not second_process:  # a read-ahead here would hold the GIL meanwhile
            self.cache.read_ahead()
        self._revisions: list[Revision] = []
        self._error: Exception | None = None
        request = (list(revs), all_commits, use_cache)
        self._thread = threading.Thread(
            target=self._list, args=(repo, request, second_process), name="listing", daemon=True
        )
        self._thread.start()

    def revisions(self) -> list[Revision]:
        """The listed revisions, once listed; raises what listing raised."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._revisions

    def _list(self, repo: Repo, request: Request, second_process: bool) -> None:
        revs, all_commits, _ = request
        try:
            found = _listed_elsewhere(repo, request) if second_process else None
            self._revisions = found or list_revisions(repo, revs, all_commits, self.cache)
        except Exception as err:  # handed to whoever waits in `revisions()`
            self._error = err


def _listed_elsewhere(repo: Repo, request: Request) -> list[Revision] | None:
    """The revisions as a second process lists them; None if it fails (an unknown `--rev` too:
    listing here then raises the error the user should see)."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", __name__, str(repo.project_root), json.dumps(request)],
            capture_output=True,
            env=git_env(),
            check=False,
        )
        found = pickle.loads(done.stdout) if done.returncode == 0 else None
    except Exception:
        return None
    if isinstance(found, list) and all(isinstance(r, Revision) for r in found):
        return found
    return None


def list_here(project_root: str, revs: list[str], all_commits: bool, use_cache: bool) -> bytes:
    """What the second process does: list, keeping new commits in the cache, and pickle."""
    with open_repo(project_root) as repo, ResultCache.for_repo(repo, enabled=use_cache) as cache:
        if use_cache:  # while git lists the refs
            cache.read_ahead(results=False)
        revisions = list_revisions(repo, revs, all_commits, cache)
    return pickle.dumps(revisions, pickle.HIGHEST_PROTOCOL)


if __name__ == "__main__":
    revs, all_commits, use_cache = json.loads(sys.argv[2])
    sys.stdout.buffer.write(list_here(sys.argv[1], revs, all_commits, use_cache))
