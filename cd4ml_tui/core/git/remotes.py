"""The repo's git remotes, the one default-remote rule, and fetching experiment refs from a remote
(as `dvc exp pull` does, without any DVC data), and the web page of a commit on the remote's
host (a link the UI opens with `App.open_url`).

The default remote is what git itself would use (`git fetch`/`git push` with no remote): the
current branch's upstream remote (`branch.<name>.remote`), else `origin`, else the first remote.
Fetching experiments, the promotion's push and the TUI's remote choices all take it from here.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from cd4ml_tui.core.errors import Cd4mlError
from cd4ml_tui.core.git.library import TIMED_OUT, execute, remote_names, upstream_remote
from cd4ml_tui.core.git.repo import Repo

EXPERIMENT_REFSPEC = "+refs/exps/*:refs/exps/*"


class FetchError(Cd4mlError):
    """Fetching from the remote failed or timed out; nothing local changed."""


class RemoteError(Cd4mlError):
    """No remote to write to could be chosen, or the one named does not exist."""


def remotes(repo: Repo) -> list[str]:
    """The names of the repo's git remotes, sorted as `git remote` lists them."""
    return remote_names(repo.library)


def default_remote(repo: Repo) -> str | None:
    """The remote git would fetch from and push to: the current branch's upstream remote, else
    `origin`, else the first remote; None when the repo has no remote (module rule)."""
    names = remotes(repo)
    upstream = upstream_remote(repo.library)
    if upstream in names:
        return upstream
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
    argv = ["git", "fetch", "--no-tags", "--no-write-fetch-head", target, EXPERIMENT_REFSPEC]
    status, _, err = execute(repo.library, argv, timeout=timeout)  # never prompts (library.py)
    if status == TIMED_OUT:
        raise FetchError(f"fetching experiments from {target!r} timed out after {timeout:.0f} s")
    if status != 0:
        lines = err.splitlines()
        raise FetchError(
            f"fetching experiments from {target!r} failed: {lines[-1] if lines else 'error'}"
        )
    return err or "experiments already up to date"


def web_base(url: str) -> str | None:
    """The https page of the repo a git remote `url` points at, or None when it is not hosted.

    `git@host:owner/repo.git`, `ssh://git@host:22/owner/repo.git` and `https://user@host/owner/repo`
    all become `https://host/owner/repo`; a path or a `file://` URL has no web page.
    """
    url = url.strip()
    scp = re.fullmatch(r"(?:[^@/]+@)?([A-Za-z0-9-]+\.[A-Za-z0-9.-]+):(?!//)(\S+)", url)
    if scp and not url.startswith(("/", ".")):
        host, path = scp.group(1), scp.group(2)
    else:
        parsed = urlsplit(url)
        if parsed.scheme not in ("ssh", "git", "http", "https", "git+ssh") or not parsed.hostname:
            return None
        host, path = parsed.hostname, parsed.path
    path = path.strip("/").removesuffix(".git").strip("/")
    return f"https://{host}/{path}" if path else None


def commit_web_url(repo: Repo, sha: str) -> str | None:
    """The web page of commit `sha` on the default remote's host (GitHub, GitLab, Bitbucket,
    Gitea...), or None when there is no remote or it is not hosted. Reads the config only."""
    remote = default_remote(repo)
    if remote is None:
        return None
    base = web_base(str(repo.library.remote(remote).url))
    if base is None:
        return None
    host = urlsplit(base).hostname or ""
    if "gitlab" in host:
        return f"{base}/-/commit/{sha}"
    if "bitbucket" in host:
        return f"{base}/commits/{sha}"
    return f"{base}/commit/{sha}"
