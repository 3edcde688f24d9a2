"""The files of one revision, seen the same way whether they live in a git commit or on disk.

A commit is read through git tree objects, memoised by tree sha: experiments share almost every
tree with their baseline, so walking a thousand of them reads only the trees that changed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from cd4ml_tui.core.dvc.files import is_dvc_file
from cd4ml_tui.core.git.objects import GitObjects, TreeEntry, parse_tree, run_git

# Folders DVC never collects stages from (its dvcignore walk skips them).
SKIPPED_DIRS = frozenset({".git", ".dvc", ".hg"})


class Source(Protocol):
    def read(self, path: str) -> bytes | None: ...
    def memo_key(self, path: str) -> str | None: ...
    def exists(self, path: str) -> bool: ...
    def isdir(self, path: str) -> bool: ...
    def files_under(self, path: str) -> list[str]: ...
    def dvc_files(self) -> list[str]: ...


def walk_order(path: str) -> tuple[tuple[int, str], ...]:
    """Sort key giving a top-down walk's order: a folder's files before its sub-folders."""
    *dirs, name = path.split("/")
    return (*((1, d) for d in dirs), (0, name))


@dataclass
class GitMemo:
    """What every commit of one load shares: trees, commit -> root tree, blobs read ahead."""

    trees: dict[str, object] = field(default_factory=dict)  # tree sha -> entries; dvc files
    commit_trees: dict[str, str] = field(default_factory=dict)
    blobs: dict[str, bytes] = field(default_factory=dict)  # read ahead, dropped once used
    hot: dict[str, None] = field(default_factory=dict)  # paths read from commits, in order
    known_blobs: set[str] = field(default_factory=set)  # blob shas parsed already


class CommitSource:
    """The files of one commit, through its root tree; paths are relative to `prefix` (the DVC
    project's folder inside the git repo, "" when they are the same)."""

    def __init__(
        self,
        objects: GitObjects,
        tree: str,
        memo: GitMemo | dict[str, object],
        prefix: str = "",
    ) -> None:
        self.objects = objects
        self.root_tree = tree
        # a plain dict is a tree memo alone (the first form of this API, still used)
        self.git = memo if isinstance(memo, GitMemo) else GitMemo(trees=memo)
        self.prefix = prefix
        self._memo = self.git.trees

    def _full(self, path: str) -> str:
        if not self.prefix:
            return path
        return f"{self.prefix}/{path}" if path and path != "." else self.prefix

    def _entries(self, tree_sha: str) -> dict[str, TreeEntry]:
        found = self._memo.get(tree_sha)
        if found is None:
            raw = self.objects.read(tree_sha)
            entries = parse_tree(raw[1]) if raw and raw[0] == "tree" else []
            found = {e.name: e for e in entries}
            self._memo[tree_sha] = found
        assert isinstance(found, dict)
        return found

    def _entry(self, path: str) -> TreeEntry | None:
        """The entry at `path` (relative to the prefix) in this commit."""
        full = self._full(path)
        if not full or full == ".":
            return TreeEntry("40000", "tree", self.root_tree, "")
        tree = self.root_tree
        parts = full.split("/")
        for i, part in enumerate(parts):
            entry = self._entries(tree).get(part)
            if entry is None:
                return None
            if i == len(parts) - 1:
                return entry
            if entry.type != "tree":
                return None
            tree = entry.sha
        return None

    def read(self, path: str) -> bytes | None:
        self.git.hot[self._full(path)] = None
        entry = self._entry(path)
        if entry is None or entry.type != "blob":
            return None
        ahead = self.git.blobs.pop(entry.sha, None)
        if ahead is not None:
            return ahead
        found = self.objects.read(entry.sha)
        return found[1] if found and found[0] == "blob" else None

    def memo_key(self, path: str) -> str | None:
        entry = self._entry(path)
        return f"blob:{entry.sha}" if entry is not None and entry.type == "blob" else None

    def exists(self, path: str) -> bool:
        return self._entry(path) is not None

    def isdir(self, path: str) -> bool:
        entry = self._entry(path)
        return entry is not None and entry.type == "tree"

    def files_under(self, path: str) -> list[str]:
        entry = self._entry(path)
        if entry is None or entry.type != "tree":
            return []
        return [f"{path}/{rel}" if path else rel for rel in self._blobs(entry.sha)]

    def _blobs(self, tree_sha: str) -> list[str]:
        files: list[str] = []
        for entry in self._entries(tree_sha).values():
            if entry.type == "blob":
                files.append(entry.name)
            elif entry.type == "tree":
                files += [f"{entry.name}/{rel}" for rel in self._blobs(entry.sha)]
        return files

    def dvc_files(self) -> list[str]:
        top = self._entry("")
        if top is None or top.type != "tree":
            return []
        return self._dvc_files(top.sha)

    def _dvc_files(self, tree_sha: str) -> list[str]:
        key = f"dvcfiles:{tree_sha}"
        found = self._memo.get(key)
        if found is None:
            entries = self._entries(tree_sha)
            files = [n for n, e in entries.items() if e.type == "blob" and is_dvc_file(n)]
            for name, entry in entries.items():
                if entry.type != "tree" or name in SKIPPED_DIRS:
                    continue
                if ".dvc" in self._entries(entry.sha):  # a DVC sub-repo: DVC skips it
                    continue
                files += [f"{name}/{rel}" for rel in self._dvc_files(entry.sha)]
            found = files
            self._memo[key] = found
        assert isinstance(found, list)
        return found


class WorkspaceSource:
    """The files of the working tree on disk, always read fresh."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def read(self, path: str) -> bytes | None:
        target = self.root / path
        try:
            return target.read_bytes() if target.is_file() else None
        except OSError:
            return None

    def memo_key(self, path: str) -> str | None:
        return None

    def exists(self, path: str) -> bool:
        return (self.root / path).exists()

    def isdir(self, path: str) -> bool:
        return (self.root / path).is_dir()

    def files_under(self, path: str) -> list[str]:
        base = self.root / path
        files: list[str] = []
        for folder, dirs, names in os.walk(base):
            dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS]
            rel = Path(folder).relative_to(self.root).as_posix()
            files += [f"{rel}/{n}" if rel != "." else n for n in names]
        return files

    def dvc_files(self) -> list[str]:
        """dvc.yaml and .dvc files git does not ignore (DVC skips gitignored ones too)."""
        out = run_git(
            self.root,
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
            "--",
            ":(glob)**/dvc.yaml",
            ":(glob)**/*.dvc",
            check=False,
        )
        paths = {p for p in out.split("\0") if p and (self.root / p).is_file()}
        paths = {p for p in paths if not _in_skipped_or_subrepo(self.root, p)}
        return sorted(paths, key=walk_order)


def _in_skipped_or_subrepo(root: Path, path: str) -> bool:
    parts = path.split("/")[:-1]
    for i, part in enumerate(parts):
        if part in SKIPPED_DIRS or (root.joinpath(*parts[: i + 1], ".dvc")).is_dir():
            return True
    return False
