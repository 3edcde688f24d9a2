"""Who git will say wrote something: the identity notes commits and annotated tags are made with.

Read as git reads it for a committer (the `GIT_COMMITTER_*` variables and `EMAIL` first, then
`user.name` / `user.email` from every config level), but without git's guess from the host name:
an identity nobody configured is refused before anything is written, never invented.
"""

from __future__ import annotations

import os
from pathlib import Path

from cd4ml_tui.core.git.objects import run_git


def git_identity(root: Path) -> tuple[str, str] | None:
    """(name, email) git will sign with in `root`, or None when either is not configured."""
    out = run_git(root, "config", "-z", "--get-regexp", r"^user\.(name|email)$", check=False)
    found = dict(item.split("\n", 1) for item in out.split("\0") if "\n" in item)
    name = os.environ.get("GIT_COMMITTER_NAME") or found.get("user.name", "").strip()
    email = (
        os.environ.get("GIT_COMMITTER_EMAIL")
        or os.environ.get("EMAIL")
        or found.get("user.email", "").strip()
    )
    if not name or not email:
        return None
    return name, email
