"""Promotion, step two: write a validated plan (tags, branch), push it, and undo it.

Only `git tag -a`, `git branch` and `git push` write, each from an argv list; nothing checks out,
commits or stashes. `git tag` creates its ref in a transaction that fails when the ref exists, so
of two promotions racing for one version exactly one wins; the loser's error is the duplicate
error and the tags it did create are removed again (`git update-ref -d REF OID`, which only
deletes a ref still pointing at what we wrote).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

from cd4ml_tui.core.errors import Cd4mlError, PromotionError
from cd4ml_tui.core.git.refs import checked_out_branch, delete_ref, ref_oid
from cd4ml_tui.core.git.refs import run_argv as _git
from cd4ml_tui.core.git.repo import Repo
from cd4ml_tui.core.promote.plan import (
    DuplicateVersionError,
    PromotionPlan,
    VersionOnCommitError,
    _exists,
    format_command,
    validate,
)
from cd4ml_tui.core.promote.registry import read_tags
from cd4ml_tui.core.review.notes import NOTES_REF, push_reviews

PUSH_TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class CreatedRef:
    ref: str  # refs/tags/... or refs/heads/...
    oid: str  # what we made it point at (a tag object, or the commit for a branch)

    @property
    def short_name(self) -> str:
        return self.ref.split("/", 2)[-1]


@dataclass(frozen=True)
class PromotionResult:
    """What a promotion wrote. Truthy when it wrote something; `pushed` once the remote has it."""

    plan: PromotionPlan
    created: tuple[CreatedRef, ...]
    pushed: bool = False
    notes_error: str | None = None  # pushing the verdicts after the tags failed (tags are out)

    def __bool__(self) -> bool:
        return bool(self.created)

    @property
    def tag_names(self) -> tuple[str, ...]:
        return tuple(c.short_name for c in self.created if c.ref.startswith("refs/tags/"))


@dataclass(frozen=True)
class UndoReport:
    deleted: tuple[str, ...]  # local refs removed
    kept: tuple[str, ...]  # local refs left alone (changed since, or the checked-out branch)
    remote_deleted: tuple[str, ...] = ()
    remote_error: str | None = None


class PushError(Cd4mlError):
    """Pushing failed; the local tags stay and `result` can be pushed again."""

    def __init__(self, message: str, result: PromotionResult) -> None:
        super().__init__(message)
        self.result = result


def _delete_ref(repo: Repo, created: CreatedRef) -> bool:
    """Delete `created.ref` only if it still points at what we wrote (or is already gone)."""
    return delete_ref(repo, created.ref, created.oid)


def apply(repo: Repo, plan: PromotionPlan) -> PromotionResult:
    """Create the plan's tags (and branch). Re-validates first; all or nothing."""
    validate(repo, plan)
    _wait_past_last_tag_second(repo, plan)
    created: list[CreatedRef] = []
    try:
        for tag, argv in zip(plan.tags, plan.tag_commands, strict=True):
            status, detail = _git(repo, argv)
            if status != 0:
                if "already exists" in detail:
                    raise DuplicateVersionError(_exists(plan, tag))
                raise PromotionError(f"git tag {tag.name} failed: {detail}")
            oid = ref_oid(repo, tag.ref)
            assert oid is not None
            created.append(CreatedRef(tag.ref, oid))
        _check_single_version(repo, plan, created)
        if plan.branch_command:
            status, detail = _git(repo, plan.branch_command)
            if status != 0:
                raise PromotionError(f"git branch {plan.branch} failed: {detail}")
            created.append(CreatedRef(f"refs/heads/{plan.branch}", plan.commit))
    except BaseException:
        for ref in reversed(created):
            _delete_ref(repo, ref)
        raise
    return PromotionResult(plan, tuple(created))


def _wait_past_last_tag_second(repo: Repo, plan: PromotionPlan) -> None:
    """GTO orders an artifact's events by tag time in whole seconds, and a tie keeps the older
    one in its stage: a promotion within the second of the artifact's last tag waits (< 1 s)
    for the next second, so that GTO reads it as the latest, as the preview said."""
    from gto.constants import NAME
    from gto.tag import parse_name

    if plan.artifact is None:
        return
    last = max(
        (
            r.time
            for r in read_tags(repo)
            if (parsed := parse_name(r.name, raise_on_fail=False)) and parsed[NAME] == plan.artifact
        ),
        default=0,
    )
    now = time.time()
    if int(now) <= last:
        time.sleep(last + 1 - now)


def _check_single_version(repo: Repo, plan: PromotionPlan, created: list[CreatedRef]) -> None:
    """After a race, the commit must carry only our version: otherwise back off (GTO's rule)."""
    from gto.constants import ACTION, NAME, VERSION, Action
    from gto.tag import parse_name

    if plan.artifact is None:
        return
    ours = {c.ref for c in created}
    for record in read_tags(repo):
        if f"refs/tags/{record.name}" in ours or record.commit != plan.commit:
            continue
        parsed = parse_name(record.name, raise_on_fail=False)
        if parsed and parsed[NAME] == plan.artifact and parsed[ACTION] == Action.REGISTER:
            raise VersionOnCommitError(
                f"commit {plan.commit[:7]} got {plan.artifact} {parsed[VERSION]} from another "
                "promotion meanwhile; GTO allows one version per commit"
            )


def push(repo: Repo, result: PromotionResult) -> PromotionResult:
    """Push what `result` created to the plan's remote. On failure the local refs stay and the
    PushError carries the result, so pushing it again is a retry."""
    argv = result.plan.push_command
    if argv is None or not result.created:
        return result
    refs = [c.ref for c in result.created]
    argv = (*argv[:3], *refs)
    status, detail = _git(repo, argv, timeout=PUSH_TIMEOUT_SECONDS)
    if status != 0:
        names = ", ".join(c.short_name for c in result.created)
        raise PushError(
            f"created {names} locally, but pushing to {result.plan.remote} failed: {detail}; "
            f"the local tags stay, retry with: {format_command(argv)}",
            result,
        )
    return replace(result, pushed=True, notes_error=_push_verdicts(repo, result.plan.remote))


def _push_verdicts(repo: Repo, remote: str | None) -> str | None:
    """Push the review notes along with the tags, so the remote sees why they were promoted.
    A failure here does not undo the promotion: it is reported, and `review --push` retries."""
    if remote is None or ref_oid(repo, NOTES_REF) is None:
        return None
    try:
        push_reviews(repo, remote, PUSH_TIMEOUT_SECONDS)
    except Cd4mlError as err:
        return f"the tags are pushed, but the verdicts are not: {err}"
    return None


def undo(repo: Repo, result: PromotionResult, remote_confirmed: bool = False) -> UndoReport:
    """Delete what `result` created: locally, and on the remote when it was pushed and the
    reviewer confirmed. Refs that changed since, and a checked-out branch, are left alone."""
    remote_deleted: tuple[str, ...] = ()
    remote_error = None
    if result.pushed and remote_confirmed and result.plan.remote:
        leases = [f"--force-with-lease={c.ref}:{c.oid}" for c in result.created]
        deletions = [f":{c.ref}" for c in result.created]
        argv = ("git", "push", *leases, result.plan.remote, *deletions)
        status, detail = _git(repo, argv, timeout=PUSH_TIMEOUT_SECONDS)
        if status == 0:
            remote_deleted = tuple(c.short_name for c in result.created)
        else:
            remote_error = f"deleting on {result.plan.remote} failed: {detail}"
    checked_out = checked_out_branch(repo)
    deleted, kept = [], []
    for created in reversed(result.created):
        if created.ref == checked_out or not _delete_ref(repo, created):
            kept.append(created.short_name)
        else:
            deleted.append(created.short_name)
    return UndoReport(tuple(deleted), tuple(kept), remote_deleted, remote_error)


def describe_undo(result: PromotionResult) -> str:
    """One line for a confirmation prompt: what undo would delete, and where."""
    names = ", ".join(c.short_name for c in result.created)
    where = f"locally and on {result.plan.remote}" if result.pushed else "locally"
    return f"delete {names} {where}"
