"""Writing refs safely: run one git argv, read a ref, delete a ref only if it still holds what we
wrote, and the git identity that writes need.

Shared by every write in the core (promotion tags and branches, experiment actions, notes), so
that the rules (never a shell, never a prompt, compare-and-delete) live in one place. Writes run
through GitPython's command runner and refs are read through GitPython (`library.py`); the argv
of a write is exactly the one its preview shows.
"""

from __future__ import annotations

import os

from cd4ml_tui.core.git.library import execute, head_branch, ref_target
from cd4ml_tui.core.git.repo import Repo


def run_argv(
    repo: Repo,
    argv: tuple[str, ...] | list[str],
    timeout: float | None = None,
    env: dict[str, str] | None = None,
    input: bytes | None = None,
) -> tuple[int, str]:
    """Run one git argv (never through a shell); return (exit status, last line of stderr).
    Killed after `timeout` seconds (status 124); ssh never asks for a password."""
    status, _, err = execute(repo.library, argv, timeout=timeout, env=env, input=input)
    lines = err.splitlines()
    return status, lines[-1] if lines else ""


def git_ok(repo: Repo, *args: str) -> bool:
    """Whether a read-only git command succeeds (its exit status is the answer)."""
    return execute(repo.library, ["git", *args])[0] == 0


def ref_oid(repo: Repo, ref: str) -> str | None:
    """What the full ref `ref` points at (not peeled), or None when it does not exist."""
    return ref_target(repo.library, ref)


def delete_ref(repo: Repo, ref: str, oid: str) -> bool:
    """Delete `ref` only if it still points at `oid` (or is already gone)."""
    if ref_oid(repo, ref) is None:
        return True
    status, _ = run_argv(repo, ["git", "update-ref", "-d", ref, oid])
    return status == 0


def checked_out_branch(repo: Repo) -> str | None:
    """The full ref of the checked-out branch (`refs/heads/...`), None on a detached HEAD."""
    return head_branch(repo.library)


def identity(repo: Repo) -> str | None:
    """'Name <email>' git will write commits and tags as, or None when it has none.

    Asked of git itself (through GitPython's runner), not read by GitPython's config parser,
    which does not follow GIT_CONFIG_GLOBAL, GIT_CONFIG_NOSYSTEM or `-c` settings as git does."""
    argv = ["git", "config", "-z", "--get-regexp", r"^user\.(name|email)$"]
    out = execute(repo.library, argv)[1]
    found = dict(item.split("\n", 1) for item in out.split("\0") if "\n" in item)
    name = os.environ.get("GIT_COMMITTER_NAME") or found.get("user.name", "").strip()
    email = (
        os.environ.get("GIT_COMMITTER_EMAIL")
        or os.environ.get("EMAIL")
        or found.get("user.email", "").strip()
    )
    return f"{name} <{email}>" if name and email else None


IDENTITY_HINT = (
    '`git config --global user.name "Your Name"` and '
    "`git config --global user.email you@example.com`"
)
