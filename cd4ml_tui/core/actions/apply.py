"""Apply an experiment (or any commit) to the workspace as `dvc exp apply` does, but look first.

What `dvc exp apply REV` does (dvc/repo/experiments/apply.py, DVC 3): it stashes a dirty workspace
to `refs/exps/apply/stash`, checks REV out with `--force` and puts HEAD back (so the index is
reset to HEAD), copies back the stashed files that REV does not have, then runs
`dvc checkout --force`. Uncommitted changes to files REV has are overwritten without a word
(DVC issue 6930). A clean workspace is not stashed, so files that HEAD has and REV lacks are
deleted.

So the plan predicts exactly those writes from git and the DVC cache, without writing, and
refuses while uncommitted work would be lost (unless `stash=True`: a `git stash push -u` first,
after which the workspace is clean). The write itself is DVC's own `Experiments.apply`, so the
workspace ends exactly as after `dvc exp apply`. Before it runs, the work tree and the index are
saved as trees, which is what `undo_apply` restores.
"""

from __future__ import annotations

import posixpath
import shlex
from dataclasses import dataclass
from typing import Literal

from cd4ml_tui.core.actions.workspace import (
    Status,
    commit_outs,
    content_in_cache,
    git_status,
    index_tree,
    name_status,
    out_in_cache,
    out_matches,
    restore_tree,
    snapshot,
    tree_files,
    workspace_outs,
    worktree_blob,
)
from cd4ml_tui.core.dvc.files import DvcCache
from cd4ml_tui.core.dvc.project import DvcError, dvc_project
from cd4ml_tui.core.errors import ActionError
from cd4ml_tui.core.git.refs import IDENTITY_HINT, identity, ref_oid, run_argv
from cd4ml_tui.core.git.repo import Repo
from cd4ml_tui.core.model import UNFINISHED, Revision

ChangeKind = Literal["add", "modify", "delete"]
# The refs `dvc exp apply` sets (dvc/repo/experiments/refs.py); undo puts them back.
DVC_APPLY_REFS = ("refs/exps/apply/ORIG_HEAD", "refs/exps/apply/stash", "refs/exps/exec/EXEC_APPLY")
GIT_STASH = "refs/stash"


@dataclass(frozen=True)
class WorkspaceChange:
    """One file (or DVC out) that applying will write or delete."""

    path: str  # git-root-relative POSIX path
    change: ChangeKind
    dvc: bool = False  # a DVC-cached out, written by `dvc checkout`
    uncommitted: bool = False  # it has uncommitted changes now
    in_head: bool = True  # HEAD has this file (else restoring it means deleting it)


@dataclass(frozen=True)
class ApplyPlan:
    """Everything applying `commit` will do to the workspace, computed before anything is."""

    commit: str
    source: str  # experiment name, branch, tag or short sha
    head: str
    changes: tuple[WorkspaceChange, ...]
    stash: bool  # save the uncommitted work with `git stash push -u` first
    stashed: tuple[str, ...]  # the uncommitted paths that stash saves
    at_risk: tuple[str, ...]  # uncommitted work that applying would overwrite
    blocked: tuple[str, ...] = ()  # reasons that hold even with --stash
    notes: tuple[str, ...] = ()
    folder: str = ""  # the DVC project's folder (absolute), where the restore hint runs
    prefix: str = ""  # that folder relative to the git root ("" at the root)

    @property
    def refusal(self) -> str | None:
        """Why applying is refused as planned (one line), or None when it may go ahead."""
        if self.blocked:
            return self.blocked[0]
        if self.at_risk:
            listed = _listed(self.at_risk)
            return (
                f"uncommitted changes to {listed} would be overwritten by {self.source}: "
                "commit them, or apply with --stash to save them first (git stash)"
            )
        return None

    @property
    def stash_message(self) -> str:
        return f"cd4ml-tui: before applying {self.source} ({self.commit[:7]})"

    @property
    def commands(self) -> tuple[tuple[str, ...], ...]:
        """The git and DVC commands applying runs, in order (`dvc exp apply` through its API)."""
        stash = ("git", "stash", "push", "--include-untracked", "-m", self.stash_message)
        return (*((stash,) if self.stashed else ()), ("dvc", "exp", "apply", self.commit))


@dataclass(frozen=True)
class ApplyResult:
    plan: ApplyPlan
    index_before: str  # tree of the index before applying
    tree_before: str  # tree of the work tree before applying (before the stash too)
    tree_after: str
    stash_oid: str | None  # the git stash entry made by --stash
    refs_before: tuple[tuple[str, str | None], ...]

    @property
    def restore_hint(self) -> str:
        """Shell commands that bring the saved workspace back without this app."""
        plan = self.plan
        steps = []

        def here(paths: list[str]) -> str:  # git-root-relative -> relative to the folder
            return " ".join(shlex.quote(posixpath.relpath(p, plan.prefix or ".")) for p in paths)

        back = [c.path for c in plan.changes if c.in_head and not c.dvc]
        added = [c.path for c in plan.changes if not c.in_head and not c.dvc]
        if back:
            steps.append("git checkout HEAD -- " + here(back))
        if added:
            steps.append("rm -f -- " + here(added))
        if self.stash_oid:
            steps.append("git stash pop --index")
        if any(c.dvc for c in self.plan.changes) or back:
            steps.append("dvc checkout")
        if steps and plan.folder:  # runnable from anywhere, and `dvc` needs the project folder
            steps.insert(0, f"cd {shlex.quote(plan.folder)}")
        return " && ".join(steps)


def _listed(paths: tuple[str, ...], limit: int = 3) -> str:
    shown = ", ".join(paths[:limit])
    return shown + (f" and {len(paths) - limit} more" if len(paths) > limit else "")


def plan_apply(repo: Repo, revision: Revision, *, stash: bool = False) -> ApplyPlan:
    """Plan applying `revision` to the workspace; reads only. Raises ActionError when it cannot
    be applied at all; a plan whose `refusal` is set is previewed but not applied."""
    if revision.is_workspace:
        raise ActionError("pick an experiment or a commit to apply, not the workspace")
    if revision.status in UNFINISHED:
        raise ActionError(f"{revision.label} is {revision.status}: it has no results to apply")
    if not repo.has_dvc:
        raise ActionError(f"{repo.root} is not a DVC project: `dvc exp apply` needs one")
    return _plan(repo, revision.rev, revision.label, stash)


def _plan(repo: Repo, commit: str, source: str, stash: bool) -> ApplyPlan:
    repo.forget_head()
    head = repo.head
    status = git_status(repo)
    head_files = tree_files(repo, head)
    rev_files = tree_files(repo, commit)
    stashed = tuple(sorted(status)) if stash else ()
    changes = _git_changes(repo, commit, status, rev_files, stash)
    cache = DvcCache(repo.project_root)
    blocked = []
    for path, state in sorted(commit_outs(repo, commit).items()):
        if not out_in_cache(cache, state):
            blocked.append(f"{path} of {source} is not in the local DVC cache: `dvc pull` it first")
        elif not out_matches(repo, cache, path, state):
            exists = (repo.root / path).exists()
            changes[path] = ("modify" if exists else "add", True)
    dvc_dirty = []
    for path, state in sorted(workspace_outs(repo).items()):
        if not out_matches(repo, cache, path, state) and not content_in_cache(repo, cache, path):
            dvc_dirty.append(path)
    if dvc_dirty:
        blocked.insert(
            0,
            f"{_listed(tuple(dvc_dirty))} has changes that are not in the DVC cache and "
            "`dvc checkout` would overwrite them: `dvc commit` them first",
        )
    items = tuple(
        WorkspaceChange(
            path,
            kind,
            dvc,
            path in status or path in dvc_dirty,
            path in head_files or (dvc and (repo.root / path).exists()),
        )
        for path, (kind, dvc) in sorted(changes.items())
    )
    at_risk = () if stash else _at_risk(items, status)
    notes = []
    staged = [s.path for s in status.values() if s.x not in " ?"]
    if staged and not stash:
        notes.append(f"staged changes ({_listed(tuple(staged))}) will be unstaged")
    return ApplyPlan(
        commit,
        source,
        head,
        items,
        stash,
        stashed,
        at_risk,
        tuple(blocked),
        tuple(notes),
        str(repo.project_root),
        repo.project_prefix,
    )


def _git_changes(
    repo: Repo, commit: str, status: dict[str, Status], rev_files: dict[str, str], stash: bool
) -> dict[str, tuple[ChangeKind, bool]]:
    """path -> (change, is a DVC out) for the files git will write, as `dvc exp apply` does."""
    changes: dict[str, tuple[ChangeKind, bool]] = {}
    if stash and status:  # the stash leaves HEAD's files: REV is applied to those
        for letter, path in name_status(repo, "diff-tree", "-r", "HEAD", commit):
            kind: ChangeKind = {"A": "add", "D": "delete"}.get(letter, "modify")  # type: ignore[assignment]
            changes[path] = (kind, False)
        return changes
    for letter, path in name_status(repo, "diff", commit):
        if letter == "A":  # the workspace has it, REV does not
            if not status:  # DVC stashes nothing, and the checkout deletes it
                changes[path] = ("delete", False)
        elif letter == "D":  # REV has it, the index or the disk does not
            blob = worktree_blob(repo, path)
            if blob is None:
                changes[path] = ("add", False)
            elif blob != rev_files.get(path):
                changes[path] = ("modify", False)
        else:
            changes[path] = ("modify", False)
    return changes


def _at_risk(items: tuple[WorkspaceChange, ...], status: dict[str, Status]) -> tuple[str, ...]:
    risky = {c.path for c in items if c.path in status and not c.dvc}
    risky |= {s.path for s in status.values() if s.partly_staged}
    return tuple(sorted(risky))


def apply_to_workspace(repo: Repo, plan: ApplyPlan) -> ApplyResult:
    """Write `plan`: check it still holds, save the workspace, stash if asked, `dvc exp apply`."""
    fresh = _plan(repo, plan.commit, plan.source, plan.stash)
    if (fresh.head, fresh.changes, fresh.stashed) != (plan.head, plan.changes, plan.stashed):
        raise ActionError("the workspace changed since the preview: look again; nothing changed")
    if fresh.refusal:
        raise ActionError(fresh.refusal)
    if plan.stashed and identity(repo) is None:
        raise ActionError(f"git stash needs an identity: run {IDENTITY_HINT}")
    refs_before = tuple((ref, ref_oid(repo, ref)) for ref in DVC_APPLY_REFS)
    index_before = index_tree(repo)
    tree_before = snapshot(repo)
    stash_oid = None
    if plan.stashed:
        status, detail = run_argv(repo, plan.commands[0])
        if status != 0:
            raise ActionError(f"git stash failed: {detail}; nothing changed")
        stash_oid = ref_oid(repo, GIT_STASH)
    try:
        with dvc_project(repo.project_root) as project:
            project.experiments.apply(plan.commit)
    except DvcError as err:
        saved = f"; your work is saved in git stash {stash_oid[:7]}" if stash_oid else ""
        raise ActionError(f"{err}{saved}") from None
    repo.forget_head()
    return ApplyResult(plan, index_before, tree_before, snapshot(repo), stash_oid, refs_before)


def undo_apply(repo: Repo, result: ApplyResult) -> str:
    """Bring back the workspace, index and DVC outs saved before `result`; one line on what
    happened. Refuses (nothing changed) when HEAD or the workspace moved since the apply."""
    repo.forget_head()
    if repo.head != result.plan.head:
        raise ActionError("HEAD moved since the apply: nothing was undone")
    now = snapshot(repo)
    if now != result.tree_after:
        changed = [p for _, p in name_status(repo, "diff-tree", "-r", result.tree_after, now)]
        raise ActionError(
            f"the workspace changed since the apply ({_listed(tuple(changed))}): nothing was undone"
        )
    restore_tree(repo, now, result.tree_before)
    status, detail = run_argv(repo, ["git", "read-tree", result.index_before])
    if status != 0:
        raise ActionError(f"restoring the index failed: {detail}")
    run_argv(repo, ["git", "update-index", "-q", "--refresh"])
    if any(c.dvc for c in result.plan.changes):
        with dvc_project(repo.project_root) as project:
            project.checkout(force=True)
    if result.stash_oid and ref_oid(repo, GIT_STASH) == result.stash_oid:
        run_argv(repo, ["git", "stash", "drop", "-q"])
    for ref, oid in result.refs_before:
        if oid is None:
            run_argv(repo, ["git", "update-ref", "-d", ref])
        else:
            run_argv(repo, ["git", "update-ref", ref, oid])
    return f"restored the workspace from before applying {result.plan.source}"
