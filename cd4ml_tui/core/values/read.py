"""Read the params and metrics of many revisions: persistent cache first, then git and disk."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from cd4ml_tui.core.dvc.queue import running_entries
from cd4ml_tui.core.git.repo import Repo, open_repo
from cd4ml_tui.core.model import PENDING, Revision, RevisionValues
from cd4ml_tui.core.revisions import list_revisions
from cd4ml_tui.core.values.cache import ResultCache
from cd4ml_tui.core.values.reader import ReadResult, RevisionReader


def read_values(
    repo: Repo,
    revisions: Sequence[Revision],
    *,
    use_cache: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[RevisionValues]:
    """Yield one RevisionValues per revision, in order, as each is read (so a UI can paint early).

    Commits come from the persistent cache when `use_cache` (and are stored there after a read);
    the workspace is always read fresh from disk.
    """
    reader = RevisionReader(repo)
    store = ResultCache.for_repo(repo) if use_cache else None
    live = _live_dirs(repo) if any(r.status == "running" for r in revisions) else {}
    total = len(revisions)
    done = 0
    try:
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
    finally:
        if store is not None:
            store.close()


def _live_dirs(repo: Repo) -> dict[str, Path]:
    """stash sha -> live work dir of the runs in progress (DVC reads those, not the stash)."""
    return {e.stash_rev: e.work_dir for e in running_entries(repo.project_root) if e.work_dir}


def _chunks(revisions: Sequence[Revision]) -> Iterator[Sequence[Revision]]:
    """Growing chunks (1, 4, 16, 64, 64, ...): the first rows come at once, the rest in bulk."""
    start, size = 0, 1
    while start < len(revisions):
        yield revisions[start : start + size]
        start += size
        size = min(size * 4, 64)


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
        revisions = list_revisions(repo, revs, all_commits=all_commits)
        return repo, list(read_values(repo, revisions, use_cache=use_cache))
    except BaseException:
        repo.close()
        raise
