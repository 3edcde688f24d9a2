"""The repo's git remotes, the one default-remote rule, and fetching experiment refs from a remote
(as `dvc exp pull` does, without any DVC data).

The default remote is what git itself would use (`git fetch`/`git push` with no remote): the
current branch's upstream remote (`branch.<name>.remote`), else `origin`, else the first remote.
Fetching experiments, the promotion's push and the TUI's remote choices all take it from here.
"""

from __future__ import annotations

import subprocess

from cd4ml_tui.core.errors import Cd4mlError
from cd4ml_tui.core.git.objects import git_env, run_git
from cd4ml_tui.core.git.repo import Repo

EXPERIMENT_REFSPEC = "+refs/exps/*:refs/exps/*"


class FetchError(Cd4mlError):
    """Fetching from the remote failed or timed out; nothing local changed."""


class RemoteError(Cd4mlError):
    """No remote to write to could be chosen, or the one named does not exist."""


def remotes(repo: Repo) -> list[str]:
    """The names of the repo's git remotes, in git's order."""
    return run_git(repo.root, "remote").split()


def default_remote(repo: Repo) -> str | None:
    """The remote git would fetch from and push to: the current branch's upstream remote, else
    `origin`, else the first remote; None when the repo has no remote (module rule)."""
    names = remotes(repo)
    branch = run_git(repo.root, "symbolic-ref", "-q", "--short", "HEAD", check=False).strip()
    if branch:
        upstream = run_git(repo.root, "config", "--get", f"branch.{branch}.remote", check=False)
        if upstream.strip() in names:
            return upstream.strip()
    if "origin" in names:
        return "origin"
    return names[0] if names else None


def write_remote(repo: Repo) -> str:
    """`default_remote` for a write that needs one: a RemoteError when there is none."""
    remote = default_remote(repo)
    if remote is None:
        raise RemoteError("no git remote configured: add one with `git remote add`")
    return remote


def check_remote(repo: Repo, remote: str) -> str:
    """`remote` if it names a configured remote or is a URL/path, else a one-line refusal."""
    names = remotes(repo)
    if remote not in names and not any(c in remote for c in ":/"):
        raise RemoteError(f"unknown remote {remote!r} (remotes: {', '.join(names) or 'none'})")
    return remote


def fetch_experiments(repo: Repo, remote: str | None = None, timeout: float = 60.0) -> str:
    """Fetch `refs/exps/*` (experiment commits only) from `remote` (default: `default_remote`);
    return git's summary.

    Only experiment refs change: branches, HEAD, the index and the work tree stay untouched.
    """
    names = remotes(repo)
    target = remote or default_remote(repo)
    if target is None:
        raise FetchError(f"{repo.root}: no git remote configured to fetch experiments from")
    if target not in names:
        raise FetchError(f"no git remote named {target!r} (have: {', '.join(names)})")
    env = git_env()
    env.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")  # never prompt over the TUI
    try:
        proc = subprocess.run(
            ["git", "fetch", "--no-tags", "--no-write-fetch-head", target, EXPERIMENT_REFSPEC],
            cwd=repo.root,
            env=env,
            capture_output=True,
            timeout=timeout,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        raise FetchError(
            f"fetching experiments from {target!r} timed out after {timeout:.0f} s"
        ) from None
    if proc.returncode != 0:
        lines = proc.stderr.decode(errors="replace").strip().splitlines()
        raise FetchError(
            f"fetching experiments from {target!r} failed: {lines[-1] if lines else 'error'}"
        )
    summary = proc.stderr.decode(errors="replace").strip()
    return summary or "experiments already up to date"
