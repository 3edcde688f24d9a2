"""Verdicts in git: recorded as lines of a note on the reviewed commit under
`refs/notes/cd4ml-review`, read back for many commits at once, shared with a remote.

Recording refuses before it writes anything: the workspace (not a commit), a queued, running or
failed run (its commit is a DVC stash, not a result), and a missing git identity (the notes commit
and the verdict's author need one; git would otherwise invent it from the host name).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from cd4ml_tui.core.errors import Cd4mlError
from cd4ml_tui.core.git.notes import append_line, fetch_notes, push_notes, read_notes
from cd4ml_tui.core.git.refs import identity
from cd4ml_tui.core.git.repo import Repo
from cd4ml_tui.core.git.watch import Fingerprint, ref_fingerprint
from cd4ml_tui.core.model import UNFINISHED, Revision, RevisionValues
from cd4ml_tui.core.review.verdicts import (
    VERDICTS,
    ReviewSummary,
    Verdict,
    VerdictKind,
    now_iso,
    parse_line,
    parse_note,
    summarize_thread,
    verdict_line,
)

NOTES_REF = "refs/notes/cd4ml-review"


class ReviewError(Cd4mlError):
    """A verdict was refused; nothing was written."""


def read_reviews(
    repo: Repo, commits: Iterable[str] | None = None
) -> dict[str, tuple[Verdict, ...]]:
    """Commit sha -> its verdicts, oldest first, for `commits` (all reviewed commits if None).
    Commits without a verdict are left out."""
    threads = {}
    for commit, text in read_notes(repo, NOTES_REF, commits).items():
        verdicts = parse_note(text)
        if verdicts:
            threads[commit] = verdicts
    return threads


def reviews_fingerprint(repo: Repo) -> Fingerprint:
    """Changes whenever a verdict is added here or merged in from a fetch (a stat, no git)."""
    return ref_fingerprint(repo.git_dir, NOTES_REF)


def review_summaries(repo: Repo, commits: Iterable[str] | None = None) -> dict[str, ReviewSummary]:
    """Commit sha -> the summary of its thread, for every reviewed commit among `commits`."""
    found = {}
    for commit, verdicts in read_reviews(repo, commits).items():
        summary = summarize_thread(verdicts)
        if summary is not None:
            found[commit] = summary
    return found


def check_reviewable(revision: Revision) -> None:
    """Refuse (ReviewError) a revision that has no commit of its own to review."""
    if revision.is_workspace:
        raise ReviewError("the workspace is not a commit: commit it, or review a revision")
    if revision.status in UNFINISHED:
        raise ReviewError(
            f"{revision.label} is a {revision.status} run: review it once it has finished"
        )


def reviewer(repo: Repo) -> str:
    """'Name <email>' the verdict is recorded under, or a refusal that says how to set it."""
    found = identity(repo)
    if found is None:
        raise ReviewError(
            "no git identity to record the review with: run "
            '`git config user.email you@example.com` and `git config user.name "Your Name"`'
        )
    return found


def record_review(
    repo: Repo,
    revision: Revision,
    verdict: str,
    message: str,
    values: RevisionValues | None = None,
    date: str | None = None,
) -> Verdict:
    """Append a verdict on `revision`'s commit; `values` adds the metrics at review time."""
    if verdict not in VERDICTS:
        raise ReviewError(f"unknown verdict {verdict!r}: use {', '.join(VERDICTS)}")
    check_reviewable(revision)
    message = message.strip()
    if not message and verdict != "approve":
        raise ReviewError(f"a {verdict} verdict needs a message: say what to change or note")
    author = reviewer(repo)
    extra: dict[str, Any] = {}
    if revision.name:
        extra["name"] = revision.name
    if values is not None and values.metrics:
        extra["metrics"] = values.metrics
    line = verdict_line(cast(VerdictKind, verdict), author, date or now_iso(), message, extra)
    append_line(repo, NOTES_REF, revision.rev, line)
    recorded = parse_line(line)
    assert recorded is not None
    return recorded


def fetch_reviews(repo: Repo, remote: str | None = None, timeout: float = 60.0) -> bool:
    """Fetch the remote's verdicts and merge them into ours (`cat_sort_uniq`); True if ours
    changed. A remote with no verdicts yet is not an error."""
    return fetch_notes(repo, NOTES_REF, remote, timeout)


def push_reviews(repo: Repo, remote: str | None = None, timeout: float = 60.0) -> str:
    """Push our verdicts (merging the remote's first when it has verdicts we lack)."""
    return push_notes(repo, NOTES_REF, remote, timeout)
