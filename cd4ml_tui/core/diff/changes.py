"""Which files changed between two revisions: status, kind, and DVC outs whose recorded hash moved.

One `git diff --raw --numstat` lists the git side (renames and binary files included); a workspace
side adds untracked, non-ignored files. DVC outs are compared through the `dvc.lock` / `.dvc` files
that changed, like `dvc diff` does, so data changes show next to code changes.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from cd4ml_tui.core.dvc.outs import OutState, records_outs
from cd4ml_tui.core.dvc.view import ProjectFiles, RevisionView
from cd4ml_tui.core.errors import Cd4mlError
from cd4ml_tui.core.git.objects import run_git
from cd4ml_tui.core.git.repo import Repo
from cd4ml_tui.core.model import Revision

FileStatus = Literal["added", "deleted", "modified", "renamed"]
FileKind = Literal["notebook", "text", "binary", "dvc"]

GIT_STATUS: dict[str, FileStatus] = {"A": "added", "D": "deleted", "R": "renamed"}
BINARY_SNIFF_BYTES = 8000  # git's heuristic: a NUL byte in the first 8000 bytes means binary
NOTEBOOK_SUFFIX = ".ipynb"


class PathNotFoundError(Cd4mlError):
    """A path asked for exists in neither revision of a diff."""


@dataclass(frozen=True)
class FileChange:
    """One changed file (or DVC out) between a diff's base and head."""

    path: str  # repo-relative POSIX path in the head (the base path for a deleted file)
    status: FileStatus
    kind: FileKind
    old_path: str | None = None  # a renamed file's base path
    similarity: int | None = None  # a rename's similarity in percent, as git scores it
    base_out: OutState | None = None  # a DVC out's recorded state in the base (None: absent)
    head_out: OutState | None = None


@dataclass(frozen=True)
class RevisionDiff:
    base: Revision
    head: Revision
    files: tuple[FileChange, ...]


def read_at(repo: Repo, revision: Revision, path: str) -> bytes | None:
    """The bytes of `path` in `revision` (the work tree for the workspace), None when absent.

    A symlink reads as its target, as git stores it.
    """
    if not revision.is_workspace:
        return repo.objects.blob(revision.rev, path)
    where = repo.root / path
    if where.is_symlink():
        return os.readlink(where).encode()
    try:
        return where.read_bytes() if where.is_file() else None
    except OSError:
        return None


def is_binary(data: bytes | None) -> bool:
    return data is not None and b"\0" in data[:BINARY_SNIFF_BYTES]


def _kind_of(path: str, binary: bool) -> FileKind:
    if binary:
        return "binary"
    return "notebook" if path.endswith(NOTEBOOK_SUFFIX) else "text"


def _parse_git_diff(out: str) -> list[FileChange]:
    """Parse `git diff --raw --numstat -z`: raw records first, then numstat records."""
    tokens = out.split("\0")
    raw: list[tuple[str, str, str | None, int | None, str]] = []  # status, path, old, sim, mode
    binary: set[str] = set()
    i = 0
    while i < len(tokens) and tokens[i]:
        token = tokens[i]
        if token.startswith(":"):
            fields = token[1:].split(" ")
            new_mode, letters = fields[1], fields[4]
            status = letters[0]
            if status in "RC":
                raw.append((status, tokens[i + 2], tokens[i + 1], int(letters[1:] or 0), new_mode))
                i += 3
            else:
                raw.append((status, tokens[i + 1], None, None, new_mode))
                i += 2
            continue
        added, _, rest = token.partition("\t")
        _, _, path = rest.partition("\t")
        if not path:  # a rename: old and new paths follow
            path = tokens[i + 2]
            i += 3
        else:
            i += 1
        if added == "-":
            binary.add(path)
    changes: list[FileChange] = []
    for status, path, old, similarity, mode in raw:
        kind = _kind_of(path, path in binary or mode == "160000")
        if status == "C":  # copies are only reported with -C; treat as added
            changes.append(FileChange(path, "added", kind))
        elif status == "R":
            changes.append(FileChange(path, "renamed", kind, old, similarity))
        else:
            changes.append(FileChange(path, GIT_STATUS.get(status, "modified"), kind))
    return changes


def _untracked(repo: Repo) -> list[str]:
    out = run_git(repo.root, "ls-files", "--others", "--exclude-standard", "-z")
    return [p for p in out.split("\0") if p and not p.endswith("/")]


def _git_changes(repo: Repo, base: Revision, head: Revision) -> list[FileChange]:
    args = ["diff", "--raw", "--numstat", "-M", "-z", "--no-abbrev", "--no-ext-diff"]
    args += ["--no-textconv", "--no-color"]
    if base.is_workspace and head.is_workspace:
        return []
    if base.is_workspace:
        changes = _parse_git_diff(run_git(repo.root, *args, "-R", head.rev, "--"))
        untracked_status: FileStatus = "deleted"
    elif head.is_workspace:
        changes = _parse_git_diff(run_git(repo.root, *args, base.rev, "--"))
        untracked_status = "added"
    else:
        return _parse_git_diff(run_git(repo.root, *args, base.rev, head.rev, "--"))
    for path in _untracked(repo):
        data = read_at(repo, head if untracked_status == "added" else base, path)
        changes.append(FileChange(path, untracked_status, _kind_of(path, is_binary(data))))
    return changes


def _in_project(repo: Repo, path: str) -> str | None:
    """A git-root path made relative to the DVC project, None when outside it."""
    prefix = repo.project_prefix
    if not prefix:
        return path
    return path[len(prefix) + 1 :] if path.startswith(prefix + "/") else None


def _in_repo(repo: Repo, path: str) -> str:
    """A project-relative path made relative to the git root again."""
    return f"{repo.project_prefix}/{path}" if repo.project_prefix else path


class _Outs:
    """The outs index of each side of a diff, opened once (paths relative to the git root)."""

    def __init__(self, repo: Repo) -> None:
        self.repo = repo
        self.project = ProjectFiles(repo)
        self._views: dict[str, RevisionView | None] = {}

    def _view(self, revision: Revision) -> RevisionView | None:
        if revision.rev not in self._views:
            self._views[revision.rev] = (
                self.project.revision(revision) if self.repo.has_dvc else None
            )
        return self._views[revision.rev]

    def recorded(self, revision: Revision, record: str) -> dict[str, OutState]:
        """The outs the dvc.lock / .dvc file `record` (git-root path) holds in `revision`."""
        view, inner = self._view(revision), _in_project(self.repo, record)
        if view is None or inner is None:
            return {}
        return {_in_repo(self.repo, o.path): o.state for o in view.outs.recorded(inner)}

    def declared(self, revision: Revision) -> set[str]:
        """Every out path that `revision` records (git-root paths)."""
        view = self._view(revision)
        return {_in_repo(self.repo, o.path) for o in view.outs.outs} if view else set()


def _dvc_changes(
    outs: _Outs, base: Revision, head: Revision, git: list[FileChange]
) -> list[FileChange]:
    """Outs whose recorded hash differs, from the `dvc.lock` / `.dvc` files that changed."""
    base_outs: dict[str, OutState] = {}
    head_outs: dict[str, OutState] = {}
    for change in git:
        if not (records_outs(change.path) or records_outs(change.old_path or "")):
            continue
        if change.status != "added":
            base_outs.update(outs.recorded(base, change.old_path or change.path))
        if change.status != "deleted":
            head_outs.update(outs.recorded(head, change.path))
    # An out git tracks too (`cache: false`) already shows as a git change: skip it there.
    in_base = {c.old_path or c.path for c in git if c.status != "added"}
    in_head = {c.path for c in git if c.status != "deleted"}
    result: list[FileChange] = []
    for path in sorted(set(base_outs) | set(head_outs)):
        old, new = base_outs.get(path), head_outs.get(path)
        if old and new and old.hash == new.hash:
            continue
        if (old is None or path in in_base) and (new is None or path in in_head):
            continue
        status: FileStatus = "added" if old is None else "deleted" if new is None else "modified"
        result.append(FileChange(path, status, "dvc", base_out=old, head_out=new))
    return result


def normalize_path(repo: Repo, path: str, cwd: Path | None = None) -> str:
    """A path as given on the command line, made repo-relative (relative to `cwd` when inside)."""
    given = Path(path)
    if not given.is_absolute() and cwd is not None:
        here = cwd.resolve()
        if here == repo.root or repo.root in here.parents:
            given = here / given
    if given.is_absolute():
        try:
            given = Path(os.path.normpath(given)).relative_to(repo.root)
        except ValueError:
            raise PathNotFoundError(f"{path}: outside the repository {repo.root}") from None
    normal = posixpath.normpath(given.as_posix())
    if normal == ".." or normal.startswith("../"):
        raise PathNotFoundError(f"{path}: outside the repository {repo.root}")
    return "" if normal == "." else normal


def _under(path: str | None, prefix: str) -> bool:
    return path is not None and (not prefix or path == prefix or path.startswith(prefix + "/"))


def _matches(change: FileChange, prefix: str) -> bool:
    if _under(change.path, prefix) or _under(change.old_path, prefix):
        return True
    return change.kind == "dvc" and _under(prefix, change.path)  # a file inside a directory out


def _exists(repo: Repo, revision: Revision, path: str) -> bool:
    if not path:
        return True
    if revision.is_workspace:
        return os.path.lexists(repo.root / path)
    return repo.objects.read(f"{revision.rev}:{path}") is not None


def _check_paths(
    repo: Repo, outs: _Outs, base: Revision, head: Revision, paths: Sequence[str]
) -> None:
    declared: set[str] | None = None
    for path in paths:
        if _exists(repo, base, path) or _exists(repo, head, path):
            continue
        if declared is None:
            declared = outs.declared(base) | outs.declared(head)
        if any(_under(path, out) for out in declared):
            continue
        raise PathNotFoundError(
            f"{path}: no such file or directory in {base.label} ({base.short}) "
            f"or {head.label} ({head.short})"
        )


def changed_files(
    repo: Repo, base: Revision, head: Revision, paths: Sequence[str] = ()
) -> RevisionDiff:
    """The files (and DVC outs) that differ from `base` to `head`, sorted by path.

    `paths` are repo-relative (see `normalize_path`) and narrow the list to those files or
    folders; one that exists in neither revision raises PathNotFoundError.
    """
    outs = _Outs(repo)
    _check_paths(repo, outs, base, head, paths)
    git = _git_changes(repo, base, head)
    files = git + _dvc_changes(outs, base, head, git)
    if paths:
        files = [f for f in files if any(_matches(f, p) for p in paths)]
    files.sort(key=lambda f: f.path)
    return RevisionDiff(base, head, tuple(files))
