"""Branch from an experiment, and remove experiment refs, each with an undo.

`branch` writes `refs/heads/NAME` as `dvc exp branch` does (dvc/repo/experiments/branch.py: it
refuses an existing branch and never checks anything out), with `git branch NAME SHA`.
`remove` deletes `refs/exps/...` refs as `dvc exp remove` does (`remove_exp_refs`), in one
`git update-ref --stdin` transaction that only deletes refs still at the sha the plan saw; with a
remote it also pushes the deletions (`dvc exp remove -g REMOTE` only does that part). Undo
recreates the refs from the kept shas (create-only, so nothing newer is overwritten).
"""

from __future__ import annotations

from dataclasses import dataclass

from cd4ml_tui.core.errors import ActionError
from cd4ml_tui.core.git.refs import checked_out_branch, delete_ref, git_ok, ref_oid, run_argv
from cd4ml_tui.core.git.remotes import RemoteError, check_remote
from cd4ml_tui.core.git.repo import Repo
from cd4ml_tui.core.model import UNFINISHED, Revision

PUSH_TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class BranchPlan:
    name: str
    commit: str
    source: str

    @property
    def ref(self) -> str:
        return f"refs/heads/{self.name}"

    @property
    def commands(self) -> tuple[tuple[str, ...], ...]:
        return (("git", "branch", "--", self.name, self.commit),)


def plan_branch(repo: Repo, revision: Revision, name: str | None = None) -> BranchPlan:
    """Plan a branch at `revision` named `name` (default as `dvc exp branch`: `<name>-branch`)."""
    if revision.is_workspace:
        raise ActionError("pick an experiment or a commit to branch from, not the workspace")
    if revision.status in UNFINISHED:
        raise ActionError(f"{revision.label} is {revision.status}: it has no commit to branch")
    plan = BranchPlan(name or f"{revision.label}-branch", revision.rev, revision.label)
    _check_branch(repo, plan)
    return plan


def _check_branch(repo: Repo, plan: BranchPlan) -> None:
    if not plan.name or not git_ok(repo, "check-ref-format", "--branch", plan.name):
        raise ActionError(f"{plan.name!r} is not a valid branch name (git check-ref-format)")
    if plan.name.startswith("-"):
        raise ActionError(f"{plan.name!r} is not a valid branch name: it starts with '-'")
    if ref_oid(repo, plan.ref) is not None:
        raise ActionError(f"branch {plan.name!r} already exists: name another one")


def create_branch(repo: Repo, plan: BranchPlan) -> BranchPlan:
    """Create the branch (re-checked first); HEAD and the work tree are not touched."""
    _check_branch(repo, plan)
    status, detail = run_argv(repo, plan.commands[0])
    if status != 0:
        raise ActionError(f"git branch {plan.name} failed: {detail}")
    return plan


def undo_branch(repo: Repo, plan: BranchPlan) -> str:
    """Delete the branch again, unless it is checked out or has moved."""
    if checked_out_branch(repo) == plan.ref:
        raise ActionError(f"branch {plan.name} is checked out: not deleted")
    if not delete_ref(repo, plan.ref, plan.commit):
        raise ActionError(f"branch {plan.name} moved since it was made: not deleted")
    return f"deleted branch {plan.name}"


@dataclass(frozen=True)
class RemovedRef:
    ref: str  # refs/exps/<baseline[:2]>/<baseline[2:]>/<name>
    oid: str
    name: str


@dataclass(frozen=True)
class RemovePlan:
    refs: tuple[RemovedRef, ...]
    remote: str | None = None  # also delete them there

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(r.name for r in self.refs)

    @property
    def commands(self) -> tuple[tuple[str, ...], ...]:
        local = tuple(("git", "update-ref", "-d", r.ref, r.oid) for r in self.refs)
        if not self.remote:
            return local
        return (*local, ("git", "push", self.remote, *(f":{r.ref}" for r in self.refs)))


@dataclass(frozen=True)
class RemoveResult:
    plan: RemovePlan
    remote_removed: bool = False


def plan_remove(repo: Repo, revisions: list[Revision], remote: str | None = None) -> RemovePlan:
    """Plan removing the experiment refs of `revisions` (experiments only)."""
    if not revisions:
        raise ActionError("nothing to remove: pick or mark experiments")
    found: list[RemovedRef] = []
    for revision in revisions:
        if revision.kind != "experiment":
            raise ActionError(
                f"{revision.label} is not an experiment: only experiments are removed"
            )
        if revision.status in UNFINISHED:
            raise ActionError(
                f"{revision.label} is {revision.status}: remove it with `dvc queue remove`"
            )
        refs = [r for r in revision.refs if r.startswith("refs/exps/")]
        if not refs:
            raise ActionError(f"{revision.label} has no experiment ref to remove")
        found += [RemovedRef(r, revision.rev, revision.label) for r in refs]
    if remote is not None:
        try:
            check_remote(repo, remote)
        except RemoteError as err:
            raise ActionError(str(err)) from None
    plan = RemovePlan(tuple(dict.fromkeys(found)), remote)
    _check_refs(repo, plan)
    return plan


def _check_refs(repo: Repo, plan: RemovePlan) -> None:
    for ref in plan.refs:
        if ref_oid(repo, ref.ref) != ref.oid:
            raise ActionError(f"experiment {ref.name} changed or is gone: refresh and look again")


def remove_experiments(repo: Repo, plan: RemovePlan) -> RemoveResult:
    """Delete the refs locally in one transaction, then on the remote if the plan says so."""
    _check_refs(repo, plan)
    lines = "".join(f"delete {r.ref} {r.oid}\n" for r in plan.refs)
    status, detail = _update_refs(repo, lines)
    if status != 0:
        raise ActionError(f"removing the experiments failed: {detail}; nothing was removed")
    if not plan.remote:
        return RemoveResult(plan)
    status, detail = run_argv(repo, plan.commands[-1], timeout=PUSH_TIMEOUT_SECONDS)
    if status != 0:
        raise ActionError(
            f"removed {len(plan.refs)} experiment(s) locally, but deleting them on "
            f"{plan.remote} failed: {detail}"
        )
    return RemoveResult(plan, remote_removed=True)


def undo_remove(repo: Repo, result: RemoveResult) -> str:
    """Recreate the removed refs at their kept shas (and push them back where they were
    deleted). A ref that exists again meanwhile is left as it is."""
    plan = result.plan
    missing = [r for r in plan.refs if ref_oid(repo, r.ref) is None]
    if missing:
        lines = "".join(f"create {r.ref} {r.oid}\n" for r in missing)
        status, detail = _update_refs(repo, lines)
        if status != 0:
            raise ActionError(f"restoring the experiments failed: {detail}")
    restored = f"restored {len(missing)} experiment(s)"
    if result.remote_removed and plan.remote:
        argv = ["git", "push", plan.remote, *(f"{r.oid}:{r.ref}" for r in plan.refs)]
        status, detail = run_argv(repo, argv, timeout=PUSH_TIMEOUT_SECONDS)
        if status != 0:
            return f"{restored} locally; pushing them back to {plan.remote} failed: {detail}"
        return f"{restored} locally and on {plan.remote}"
    return restored


def _update_refs(repo: Repo, lines: str) -> tuple[int, str]:
    """One all-or-nothing `git update-ref --stdin` transaction."""
    return run_argv(repo, ["git", "update-ref", "--stdin"], input=lines.encode())
