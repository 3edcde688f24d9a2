"""Talk to git remotes without ever prompting: fetch experiment refs (as `dvc exp pull` does,
without any DVC data), and the one runner every fetch and push of a ref namespace goes through."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

from cd4ml_tui.core.errors import Cd4mlError
from cd4ml_tui.core.git.objects import git_env, run_git
from cd4ml_tui.core.git.repo import Repo

EXPERIMENT_REFSPEC = "+refs/exps/*:refs/exps/*"
TIMED_OUT = 124  # the status `run_remote_git` reports when git took longer than allowed


class FetchError(Cd4mlError):
    """Fetching from the remote failed or timed out; nothing local changed."""


def remotes(repo: Repo) -> list[str]:
    """The names of the repo's git remotes, in git's order."""
    return run_git(repo.root, "remote").split()


def default_remote(repo: Repo, remote: str | None = None) -> str:
    """`remote` if the repo has it, else origin, else the first remote; a clear error if none."""
    names = remotes(repo)
    if not names:
        raise FetchError(f"{repo.root}: no git remote configured")
    target = remote or ("origin" if "origin" in names else names[0])
    if target not in names:
        raise FetchError(f"no git remote named {target!r} (have: {', '.join(names)})")
    return target


def run_remote_git(root: Path, args: Sequence[str], timeout: float) -> tuple[int, str]:
    """Run `git ARGS` that talks to a remote: no terminal, ssh in batch mode, so a credential
    prompt fails at once instead of hanging. Returns (exit status, stderr); `TIMED_OUT`."""
    env = git_env()
    env.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")  # never prompt over the TUI
    try:
        proc = subprocess.run(
            ["git", *args],
            cwd=root,
            env=env,
            capture_output=True,
            timeout=timeout,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        return TIMED_OUT, f"timed out after {timeout:.0f} s"
    return proc.returncode, proc.stderr.decode(errors="replace").strip()


def last_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[-1] if lines else "error"


def fetch_experiments(repo: Repo, remote: str | None = None, timeout: float = 60.0) -> str:
    """Fetch `refs/exps/*` (experiment commits only) from `remote`; return git's summary.

    Only experiment refs change: branches, HEAD, the index and the work tree stay untouched.
    """
    target = default_remote(repo, remote)
    status, stderr = run_remote_git(
        repo.root,
        ["fetch", "--no-tags", "--no-write-fetch-head", target, EXPERIMENT_REFSPEC],
        timeout,
    )
    if status == TIMED_OUT:
        raise FetchError(f"fetching experiments from {target!r} timed out after {timeout:.0f} s")
    if status != 0:
        raise FetchError(f"fetching experiments from {target!r} failed: {last_line(stderr)}")
    return stderr or "experiments already up to date"
