"""Read the params and metrics of many revisions: persistent cache first, then git and disk."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from cd4ml_tui.core.dvc.queue import running_entries
from cd4ml_tui.core.git.repo import Repo, open_repo
from cd4ml_tui.core.model import PENDING, Revision, RevisionValues
from cd4ml_tui.core.revisions import list_revisions
from cd4ml_tui.core.values.cache import ResultCache
from cd4ml_tui.core.values.reader import ReadResult, RevisionReader

CHUNK = 1024  # revisions per chunk, at most


@contextmanager
def result_cache(repo: Repo, *, enabled: bool = True) -> Iterator[ResultCache | None]:
    """The repo's result cache, already reading its rows ahead (None when not `enabled`).

    Open it before listing the revisions: its SQLite read and decoding then overlap git's work.
    """
    if not enabled:
        yield None
        return
    with ResultCache.for_repo(repo) as store:
        store.read_ahead()
        yield store


def read_values(
    repo: Repo,
    revisions: Sequence[Revision],
    *,
    use_cache: bool = True,
    cache: ResultCache | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[RevisionValues]:
    """Yield one RevisionValues per revision, in order, as each is read (so a UI can paint early).

    Commits come from the persistent cache when `use_cache` (and are stored there after a read),
    or from `cache` when given (an open `result_cache`, which the caller closes); the workspace
    is always read fresh from disk.
    """
    if cache is None and use_cache:
        with ResultCache.for_repo(repo) as store:  # no read-ahead: these may be a few of many
            yield from _read(repo, revisions, store, progress)
    else:
        yield from _read(repo, revisions, cache, progress)


def _read(
    repo: Repo,
    revisions: Sequence[Revision],
    store: ResultCache | None,
    progress: Callable[[int, int], None] | None,
) -> Iterator[RevisionValues]:
    reader = RevisionReader(repo)
    live = _live_dirs(repo) if any(r.status == "running" for r in revisions) else {}
    total = len(revisions)
    done = 0
    for chunk in _chunks(revisions):
        # the persistent cache first; the rest is read ahead from git in a few exchanges
        commits = [r.rev for r in chunk if not r.is_workspace and r.status not in PENDING]
        cached = store.get_many(commits) if store and commits else {}
        reader.prefetch([r.rev for r in chunk if not r.is_workspace and r.rev not in cached])
        fresh: list[tuple[str, ReadResult]] = []
        rows: list[RevisionValues] = []
        for revision in chunk:
            if revision.is_workspace:
                result = reader.read_workspace()
            elif revision.status == "running" and revision.rev in live:
                result = reader.read_workspace(live[revision.rev])
            elif revision.status in PENDING:
                result = reader.read_commit(revision.rev, with_metrics=False)
            elif revision.rev in cached:
                result = cached[revision.rev]
            else:
                result = reader.read_commit(revision.rev)
                if result.cacheable:
                    fresh.append((revision.rev, result))
            rows.append(
                RevisionValues(
                    revision, params=result.params, metrics=result.metrics, errors=result.errors
                )
            )
        if store and fresh:
            store.put_many(fresh)  # one transaction per chunk
        for row in rows:
            done += 1
            if progress is not None:
                progress(done, total)
            yield row


def _live_dirs(repo: Repo) -> dict[str, Path]:
    """stash sha -> live work dir of the runs in progress (DVC reads those, not the stash)."""
    return {e.stash_rev: e.work_dir for e in running_entries(repo.project_root) if e.work_dir}


def _chunks(revisions: Sequence[Revision]) -> Iterator[Sequence[Revision]]:
    """Growing chunks (1, 4, 16, 64, 256, 1024, 1024, ...): the first rows come at once, the rest
    in bulk (one cache query and one prefetch per chunk; at 10,000 revisions 15 chunks, not 160)."""
    start, size = 0, 1
    while start < len(revisions):
        yield revisions[start : start + size]
        start += size
        size = min(size * 4, CHUNK)


def load(
    path: str | Path = ".",
    *,
    revs: Sequence[str] = (),
    all_commits: bool = False,
    use_cache: bool = True,
) -> tuple[Repo, list[RevisionValues]]:
    """Open the repo at `path`, list its revisions and read them all. The caller closes the repo."""
    repo = open_repo(path)
    try:
        with result_cache(repo, enabled=use_cache) as cache:
            revisions = list_revisions(repo, revs, all_commits, cache)
            return repo, list(read_values(repo, revisions, cache=cache, use_cache=use_cache))
    except BaseException:
        repo.close()
        raise
