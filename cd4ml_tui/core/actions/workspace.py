"""What the workspace holds right now, read without writing: git status, the files a commit would
change, the DVC outs on disk against what a `dvc.lock` / `.dvc` file records, and snapshots.

Reads use `git status`, `git diff` and `git hash-object` without `-w` (and `GIT_OPTIONAL_LOCKS=0`
from `git_env`), so a preview never touches the index or the object store. Only `snapshot` writes
(blobs and a tree into `.git/objects`, as `git stash create` does), and only an action calls it.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cd4ml_tui.core.dvc.files import DvcCache
from cd4ml_tui.core.dvc.outs import OutState
from cd4ml_tui.core.dvc.view import ProjectFiles, RevisionView
from cd4ml_tui.core.errors import ActionError
from cd4ml_tui.core.git.objects import git_env, run_git
from cd4ml_tui.core.git.refs import run_argv
from cd4ml_tui.core.git.repo import Repo

_CHUNK = 1 << 20


@dataclass(frozen=True)
class Status:
    """`git status` of one path: X (index vs HEAD) and Y (work tree vs index), as porcelain v1."""

    path: str
    x: str
    y: str

    @property
    def untracked(self) -> bool:
        return self.x == "?"

    @property
    def partly_staged(self) -> bool:
        """Staged, then changed again: the staged version exists nowhere else."""
        return self.x not in " ?" and self.y != " "


def git_status(repo: Repo) -> dict[str, Status]:
    """Every path with uncommitted changes (untracked files included, ignored ones not)."""
    out = run_git(
        repo.root, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames"
    )
    found = {}
    for item in out.split("\0"):
        if len(item) > 3:
            found[item[3:]] = Status(item[3:], item[0], item[1])
    if any(s.x == "U" or s.y == "U" or (s.x + s.y) in ("AA", "DD") for s in found.values()):
        raise ActionError("the workspace has unresolved merge conflicts: resolve them first")
    return found


def tree_files(repo: Repo, commit: str) -> dict[str, str]:
    """path -> blob sha of every file in `commit` (symlinks and submodules included)."""
    out = run_git(repo.root, "ls-tree", "-r", "-z", "--full-tree", commit)
    files = {}
    for item in out.split("\0"):
        if "\t" in item:
            meta, path = item.split("\t", 1)
            files[path] = meta.split()[2]
    return files


def name_status(repo: Repo, *args: str) -> list[tuple[str, str]]:
    """(status letter, path) from `git diff --name-status -z` / `git diff-tree` with `args`."""
    out = run_git(repo.root, *args, "--no-renames", "--name-status", "-z")
    parts = out.split("\0")
    return [(parts[i][:1], parts[i + 1]) for i in range(0, len(parts) - 1, 2) if parts[i]]


def worktree_blob(repo: Repo, path: str) -> str | None:
    """The blob sha git would store for the file at `path` (None when absent); writes nothing."""
    full = repo.root / path
    if not full.is_file() and not full.is_symlink():
        return None
    return run_git(repo.root, "hash-object", "--", path).strip() or None


def file_md5(path: Path) -> str | None:
    """The MD5 DVC 3 records for a file out (of its bytes), None when absent."""
    if not path.is_file():
        return None
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def out_matches(repo: Repo, cache: DvcCache, path: str, state: OutState) -> bool:
    """Whether the out on disk at git-root-relative `path` holds what `state` records."""
    full = repo.root / path
    if not state.is_dir:
        return file_md5(full) == state.hash
    entries = cache.dir_entries(state.hash)
    if entries is None or not full.is_dir():
        return False
    on_disk = {
        p.relative_to(full).as_posix() for p in full.rglob("*") if p.is_file() or p.is_symlink()
    }
    if on_disk != set(entries):
        return False
    return all(file_md5(full / rel) == md5 for rel, md5 in entries.items())


def out_in_cache(cache: DvcCache, state: OutState) -> bool:
    """Whether the local DVC cache holds everything `dvc checkout` needs for `state`."""
    if not state.is_dir:
        return cache.object_path(state.hash) is not None
    entries = cache.dir_entries(state.hash)
    return entries is not None and all(cache.object_path(m) is not None for m in entries.values())


def content_in_cache(repo: Repo, cache: DvcCache, path: str) -> bool:
    """Whether the out on disk at `path` could be restored from the cache (an absent out can)."""
    full = repo.root / path
    if full.is_dir():
        files = [p for p in full.rglob("*") if p.is_file()]
        return all(cache.object_path(file_md5(p) or "") is not None for p in files)
    md5 = file_md5(full)
    return md5 is None or cache.object_path(md5) is not None


def _cached_outs(repo: Repo, view: RevisionView | None) -> dict[str, OutState]:
    """git-root-relative path -> state of the outs DVC caches (`cache: false` outs are git's)."""
    if view is None:
        return {}
    prefix = repo.project_prefix
    return {
        (f"{prefix}/{out.path}" if prefix else out.path): out.state
        for out in view.outs.outs
        if out.cached
    }


def commit_outs(repo: Repo, commit: str) -> dict[str, OutState]:
    """The cached DVC outs `commit` records, through the one outs index."""
    return _cached_outs(repo, ProjectFiles(repo).commit(commit))


def workspace_outs(repo: Repo) -> dict[str, OutState]:
    """The cached DVC outs the `dvc.lock` / `.dvc` files on disk record."""
    return _cached_outs(repo, ProjectFiles(repo).workspace())


def snapshot(repo: Repo) -> str:
    """A tree of the work tree as it is (tracked and untracked files, not ignored ones), built
    in a temporary index so the real one is untouched. Writes blobs and trees, nothing else."""
    with tempfile.TemporaryDirectory(prefix="cd4ml-snapshot-") as tmp:
        index = Path(tmp) / "index"
        real = repo.git_dir / "index"
        if real.exists():
            shutil.copyfile(real, index)
        env = {"GIT_INDEX_FILE": str(index)}
        status, detail = run_argv(repo, ["git", "add", "-A", "--", ":/"], env=env)
        if status != 0:
            raise ActionError(f"could not save the workspace (git add): {detail}")
        return _write_tree(repo, env)


def index_tree(repo: Repo) -> str:
    """The tree the real index holds (what is staged)."""
    return _write_tree(repo, {})


def _write_tree(repo: Repo, env: dict[str, str]) -> str:
    full_env = {**git_env(), **env}
    proc = subprocess.run(
        ["git", "write-tree"], cwd=repo.root, env=full_env, capture_output=True, check=False
    )
    if proc.returncode != 0:
        detail = proc.stderr.decode(errors="replace").strip().splitlines()
        raise ActionError(f"could not save the index: {detail[-1] if detail else 'error'}")
    return proc.stdout.decode().strip()


def restore_tree(repo: Repo, current: str, target: str) -> None:
    """Make the work tree hold `target` where it now holds `current` (two `snapshot` trees):
    files only in `current` are deleted, the others written from `target`."""
    changed = name_status(repo, "diff-tree", "-r", current, target)
    write = [path for status, path in changed if status != "D"]
    delete = [path for status, path in changed if status == "D"]
    for path in delete:
        full = repo.root / path
        if full.is_file() or full.is_symlink():
            full.unlink()
            _prune_empty_dirs(repo.root, full.parent)
    if not write:
        return
    with tempfile.TemporaryDirectory(prefix="cd4ml-restore-") as tmp:
        env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
        status, detail = run_argv(repo, ["git", "read-tree", target], env=env)
        if status == 0:
            argv = ["git", "checkout-index", "-f", "-q", "-z", "--stdin"]
            status, detail = run_argv(repo, argv, env=env, input="\0".join(write).encode())
        if status != 0:
            raise ActionError(f"could not restore the workspace (git checkout-index): {detail}")


def _prune_empty_dirs(root: Path, folder: Path) -> None:
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
