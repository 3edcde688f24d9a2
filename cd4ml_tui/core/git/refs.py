"""Writing refs safely: run one git argv, read a ref, delete a ref only if it still holds what we
wrote, and the git identity that writes need.

Shared by every write in the core (promotion tags and branches, experiment actions), so that the
rules (never a shell, never a prompt, compare-and-delete) live in one place.
"""

from __future__ import annotations

import os
import subprocess

from cd4ml_tui.core.git.objects import git_env, run_git
from cd4ml_tui.core.git.repo import Repo


def run_argv(
    repo: Repo,
    argv: tuple[str, ...] | list[str],
    timeout: float | None = None,
    env: dict[str, str] | None = None,
    input: bytes | None = None,
) -> tuple[int, str]:
    """Run one git argv (never through a shell); return (exit status, last line of stderr)."""
    full_env = git_env()
    full_env.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")  # never wait for a password
    full_env.update(env or {})
    try:
        proc = subprocess.run(
            list(argv),
            cwd=repo.root,
            env=full_env,
            capture_output=True,
            check=False,
            timeout=timeout,
            input=input,
            stdin=subprocess.DEVNULL if input is None else None,
        )
    except subprocess.TimeoutExpired:
        return 124, f"timed out after {timeout:.0f} s"
    lines = proc.stderr.decode(errors="replace").strip().splitlines()
    return proc.returncode, lines[-1] if lines else ""


def git_ok(repo: Repo, *args: str) -> bool:
    """Whether a read-only git command succeeds (its exit status is the answer)."""
    proc = subprocess.run(
        ["git", *args], cwd=repo.root, env=git_env(), capture_output=True, check=False
    )
    return proc.returncode == 0


def ref_oid(repo: Repo, ref: str) -> str | None:
    """What `ref` points at (not peeled), or None when it does not exist."""
    return run_git(repo.root, "rev-parse", "-q", "--verify", ref, check=False).strip() or None


def delete_ref(repo: Repo, ref: str, oid: str) -> bool:
    """Delete `ref` only if it still points at `oid` (or is already gone)."""
    if ref_oid(repo, ref) is None:
        return True
    status, _ = run_argv(repo, ["git", "update-ref", "-d", ref, oid])
    return status == 0


def checked_out_branch(repo: Repo) -> str | None:
    """The full ref of the checked-out branch (`refs/heads/...`), None on a detached HEAD."""
    proc = subprocess.run(
        ["git", "symbolic-ref", "-q", "HEAD"],
        cwd=repo.root,
        env=git_env(),
        capture_output=True,
        check=False,
    )
    return proc.stdout.decode().strip() or None


def identity(repo: Repo) -> str | None:
    """'Name <email>' git will write commits and tags as, or None when it has none."""
    out = run_git(repo.root, "config", "-z", "--get-regexp", r"^user\.(name|email)$", check=False)
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
