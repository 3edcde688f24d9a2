"""Read the params and metrics of many revisions: persistent cache first, then git and disk."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from cd4ml_tui.core.dvc.queue import running_entries
from cd4ml_tui.core.git.repo import Repo, open_repo
from cd4ml_tui.core.model import PENDING, Revision, RevisionValues
from cd4ml_tui.core.values.cache import ResultCache
from cd4ml_tui.core.values.encoded import EncodedValues
from cd4ml_tui.core.values.listing import list_with_cache
from cd4ml_tui.core.values.reader import ReadResult, RevisionReader
from cd4ml_tui.core.values.second_core import SecondCore, split_for_second_core

CHUNK = 1024  # revisions per chunk, at most


@contextmanager
def result_cache(repo: Repo, *, enabled: bool = True, decode: bool = True) -> Iterator[ResultCache]:
    """The repo's result cache, already reading its rows ahead (one that is off, finding and
    writing nothing, when not `enabled`); with `decode=False` for `read_encoded`.

    Open it before listing the revisions: its SQLite read and decoding then overlap git's work.
    """
    with ResultCache.for_repo(repo, enabled=enabled) as store:
        if enabled:
            store.read_ahead(decode_results=decode)
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

    Commits come from `cache` when given (an open `result_cache`, which the caller closes), else
    from the persistent cache when `use_cache`, and are stored there after a read; the workspace
    is always read fresh from disk.
    """
    if cache is not None:
        yield from _read(repo, revisions, cache, progress)
        return
    with ResultCache.for_repo(repo, enabled=use_cache) as store:  # no read-ahead: maybe a few
        yield from _read(repo, revisions, store, progress)


def _read(
    repo: Repo,
    revisions: Sequence[Revision],
    store: ResultCache,
    progress: Callable[[int, int], None] | None,
) -> Iterator[RevisionValues]:
    reader = RevisionReader(repo)
    total = len(revisions)
    done = 0
    # The workspace (listed first) is read from disk before waiting for the cache's rows: the
    # first row on screen does not wait for 10,000 cached results to be decoded.
    while done < total and revisions[done].is_workspace:
        done += 1
        if progress is not None:
            progress(done, total)
        yield _values(revisions[done - 1], reader.read_workspace())
    live = _live_dirs(repo) if any(r.status == "running" for r in revisions) else {}
    commits = [r.rev for r in revisions if r.settled]
    cached = store.get_many(commits) if commits else {}
    theirs = split_for_second_core([sha for sha in commits if sha not in cached])
    second = SecondCore(str(repo.project_root), theirs) if theirs else None
    elsewhere = cached.keys() | theirs
    try:
        for chunk in _chunks(revisions[done:]):
            # the git objects of the commits read here, read ahead in a few exchanges
            reader.prefetch([r.rev for r in chunk if not r.is_workspace and r.rev not in elsewhere])
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
                    done_there = (
                        second.take(revision.rev) if second and revision.rev in theirs else None
                    )
                    result = done_there or reader.read_commit(revision.rev)
                    if result.cacheable:
                        fresh.append((revision.rev, result))
                rows.append(_values(revision, result))
            if fresh:
                store.put_many(fresh)  # one transaction per chunk
            for row in rows:
                done += 1
                if progress is not None:
                    progress(done, total)
                yield row
    finally:
        if second is not None:
            second.close()


def read_encoded(
    repo: Repo, revisions: Sequence[Revision], cache: ResultCache
) -> Iterator[RevisionValues | EncodedValues]:
    """As `read_values`, but the revisions `cache` holds come as it stores them, not decoded
    (open it with `result_cache(..., decode=False)`); the rest are read as `read_values` does."""
    stored = cache.payloads([r.rev for r in revisions if r.settled])
    rest = read_values(repo, [r for r in revisions if r.rev not in stored], cache=cache)
    for revision in revisions:
        found = stored.get(revision.rev)
        yield EncodedValues(revision, found) if found is not None else next(rest)


def _values(revision: Revision, result: ReadResult) -> RevisionValues:
    return RevisionValues(
        revision, params=result.params, metrics=result.metrics, errors=result.errors
    )


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
            revisions = list_with_cache(repo, revs, all_commits, cache)
            return repo, list(read_values(repo, revisions, cache=cache))
    except BaseException:
        repo.close()
        raise
