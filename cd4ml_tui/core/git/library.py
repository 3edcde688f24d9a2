"""The repo as GitPython sees it: refs, HEAD, remotes and the command runner for writes.

GitPython (imported here, lazily: `import git` costs about 100-230 ms) replaces our own plumbing
where it is as fast or faster and exact:
- reading one ref, HEAD and the checked-out branch, and the branch's upstream: pure Python over
  the loose refs, packed-refs and config, no process at all;
- the remotes (`Repo.remotes`, from the repository's config);
- running a write (`Git.execute`: argv lists, never a shell, a timeout that kills, stdin), with
  the environment every git call gets here: never prompt (GIT_TERMINAL_PROMPT=0, ssh in batch
  mode), never page, untranslated messages.
What `show` reads stays on our own plumbing, measured (`benchmarks/bench_git_reader.py`, 1,000
commits, 6,000 objects; figures in benchmarks/results-git-reader.md): the pipelined
`git cat-file --batch` reader (`objects.py`) reads them in 79-102 ms where GitPython's own
`cat-file --batch` database takes 162-355 ms and its pure-Python one 1.5-3.1 s; one
`git for-each-ref` lists 1,001 refs in 16-70 ms where GitPython's peeled references take
217-418 ms; and `show` would pay GitPython's import (about 230 ms) on every run.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cd4ml_tui.core.git.objects import git_env

if TYPE_CHECKING:
    import git

# Every git process GitPython starts for us gets these (plus git_env's): never wait for a
# password over ssh either.
SSH_BATCH = {"GIT_SSH_COMMAND": "ssh -o BatchMode=yes"}
TIMED_OUT = 124  # the exit status reported when a command was killed for taking too long


def open_library(root: Path) -> git.Repo:
    """A GitPython `Repo` on the work tree at `root`, its commands under our environment."""
    import git

    repo = git.Repo(root)
    env = {k: v for k, v in git_env().items() if k.startswith(("GIT_", "LC_"))}
    repo.git.update_environment(**env)
    return repo


def execute(
    library: git.Repo,
    argv: tuple[str, ...] | list[str],
    timeout: float | None = None,
    env: dict[str, str] | None = None,
    input: bytes | None = None,
) -> tuple[int, str, str]:
    """Run one git argv through GitPython (never a shell): (exit status, stdout, stderr). A
    command that outlives `timeout` is killed and reported as TIMED_OUT."""
    full_env = dict(SSH_BATCH)
    full_env.update({k: v for k, v in os.environ.items() if k == "GIT_SSH_COMMAND"})
    full_env.update(env or {})
    options: dict[str, Any] = {
        "with_extended_output": True,
        "with_exceptions": False,
        "kill_after_timeout": timeout,
        "env": full_env,
        "strip_newline_in_stdout": False,
    }
    if input is None:
        status, out, err = library.git.execute(list(argv), **options)
    else:
        with tempfile.TemporaryFile() as stdin:
            stdin.write(input)
            stdin.seek(0)
            status, out, err = library.git.execute(list(argv), istream=stdin, **options)
    err = str(err).strip()
    if (
        timeout is not None
        and err.splitlines()[-1:]
        and err.splitlines()[-1].startswith("Timeout:")
    ):
        return TIMED_OUT, str(out), f"timed out after {timeout:.0f} s"
    return int(status), str(out), err


def ref_target(library: git.Repo, ref: str) -> str | None:
    """The sha `ref` (a full ref name or HEAD) points at, not peeled; None when it does not
    exist. Read from the loose ref or packed-refs, as git reads it."""
    from git.refs.symbolic import SymbolicReference

    try:
        return SymbolicReference.dereference_recursive(library, ref)
    except (ValueError, OSError):
        return None


def head_branch(library: git.Repo) -> str | None:
    """The full ref of the checked-out branch (`refs/heads/...`), None on a detached HEAD."""
    try:
        return library.head.reference.path
    except TypeError:  # "HEAD is a detached symbolic reference"
        return None


def upstream_remote(library: git.Repo) -> str | None:
    """The remote of the checked-out branch's upstream (`branch.<name>.remote`), if any."""
    branch = head_branch(library)
    if branch is None:
        return None
    section = f'branch "{branch.removeprefix("refs/heads/")}"'
    reader = library.config_reader("repository")
    value = reader.get_value(section, "remote", default="") if reader.has_section(section) else ""
    return str(value) or None


def remote_names(library: git.Repo) -> list[str]:
    """The repo's remotes, sorted by name (as `git remote` lists them)."""
    return sorted(remote.name for remote in library.remotes)
