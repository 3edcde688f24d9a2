"""Notice new experiments, commits and tags, and edits of the workspace's params and metrics
files, without re-reading the repo.

A ref change always touches one of a handful of places in the git dir: a loose ref file under
`refs/`, `packed-refs`, or `HEAD`. Stat-ing those (no file contents, no git process) is cheap enough
to do every second even with thousands of experiment refs.

Notes refs (`refs/notes/`) are left out of `refs_fingerprint`: a verdict changes no revision, so it
must not reload the rows. `ref_fingerprint` watches one ref alone (the review notes), so a screen
re-reads only the verdicts when another process adds one.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

Fingerprint = tuple[tuple[str, int, int], ...]


NOTES_DIR = "notes"  # refs/notes: watched one ref at a time, by `ref_fingerprint`


def refs_fingerprint(git_dir: Path) -> Fingerprint:
    """A value that changes whenever any branch, tag, experiment ref or HEAD changes."""
    entries: list[tuple[str, int, int]] = []
    for name in ("HEAD", "packed-refs"):
        _stat_into(entries, git_dir / name)
    refs = str(git_dir / "refs")
    notes = os.path.join(refs, NOTES_DIR)
    stack = [refs]
    while stack:  # plain strings and DirEntry stats: 10,000 Paths cost as much as the stats
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                for entry in it:
                    path = entry.path
                    if entry.is_dir(follow_symlinks=False):
                        if path != notes:
                            stack.append(path)
                        continue
                    try:
                        st = entry.stat()
                    except FileNotFoundError:
                        continue
                    entries.append((path, st.st_mtime_ns, st.st_size))
        except FileNotFoundError:
            continue
    entries.sort()
    return tuple(entries)


def ref_fingerprint(git_dir: Path, ref: str) -> Fingerprint:
    """A value that changes whenever `ref` (e.g. `refs/notes/cd4ml-review`) changes: its loose
    file, or packed-refs when git packed it."""
    entries: list[tuple[str, int, int]] = []
    _stat_into(entries, git_dir / ref)
    _stat_into(entries, git_dir / "packed-refs")
    return tuple(entries)


def files_fingerprint(root: Path, paths: Iterable[str]) -> Fingerprint:
    """A value that changes whenever one of `paths` (relative to `root`) is written, created or
    deleted: the workspace's params and metrics files, watched by a stat like the refs."""
    entries: list[tuple[str, int, int]] = []
    for path in sorted(set(paths)):
        before = len(entries)
        _stat_into(entries, root / path)
        if len(entries) == before:
            entries.append((str(root / path), -1, -1))  # missing: its creation is a change
    return tuple(entries)


def _stat_into(entries: list[tuple[str, int, int]], path: Path) -> None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return
    entries.append((str(path), st.st_mtime_ns, st.st_size))


class RefWatcher:
    """Remembers the last fingerprint; `changed()` says whether refs moved since the last call."""

    def __init__(self, git_dir: Path) -> None:
        self.git_dir = git_dir
        self._last = refs_fingerprint(git_dir)

    def changed(self) -> bool:
        current = refs_fingerprint(self.git_dir)
        if current == self._last:
            return False
        self._last = current
        return True
