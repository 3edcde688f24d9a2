"""Notice new experiments, commits and tags, and edits of the workspace's params and metrics
files, without re-reading the repo.

Git changes a loose ref by writing `<ref>.lock` beside it and renaming it over the ref, and
deletes one by unlinking it: either way the folder holding the ref gets a new mtime. So
`refs_fingerprint` stats the folders under `refs/` (and `HEAD`, `packed-refs`), not the ref files:
at 10,000 experiments that is about 20 stats instead of 10,000, and a thread doing it every second
no longer fights the UI thread for the GIL (each stat releases and retakes it; next to a busy
thread, 10,000 of them took 50 s instead of 0.06 s).

Two limits of mtimes, handled here:
- a folder whose link count says it holds no sub-folder (2, as on ext4, xfs and tmpfs) is not
  listed; other file systems report 1 and are listed, to find their sub-folders;
- a change within the same clock tick as the last one leaves the mtime as it was. A fingerprint
  taken less than `SETTLING_NS` after any change it covers is marked unsettled, and unsettled
  fingerprints differ from every other: whoever took one looks again later (the race git's index
  calls "racily clean").

Notes refs (`refs/notes/`) are left out of `refs_fingerprint`: a verdict changes no revision, so it
must not reload the rows. `ref_fingerprint` watches one ref alone (the review notes), so a screen
re-reads only the verdicts when another process adds one.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from pathlib import Path

Fingerprint = tuple[tuple[str, int, int], ...]

UNSETTLED = "unsettled"  # the entry that marks a fingerprint unsettled (no path is named so)
NOTES_DIR = "notes"  # refs/notes: watched one ref at a time, by `ref_fingerprint`
SETTLING_NS = 1_000_000_000  # changes younger than this may share a clock tick with the next
NO_SUBFOLDERS = 2  # a folder's link count when it holds no folder (where the count is kept)


def refs_fingerprint(git_dir: Path) -> Fingerprint:
    """A value that changes whenever any branch, tag, experiment ref or HEAD changes."""
    now = time.time_ns()
    entries: list[tuple[str, int, int]] = []
    for name in ("HEAD", "packed-refs"):
        _stat_into(entries, git_dir / name)
    refs = os.path.join(git_dir, "refs")
    notes = os.path.join(refs, NOTES_DIR)
    stack = [refs]
    while stack:
        folder = stack.pop()
        try:
            st = os.stat(folder)
        except FileNotFoundError:
            continue
        if folder != refs:  # `refs` itself changes with `refs/notes` (and `refs/stash`)
            entries.append((folder, st.st_mtime_ns, st.st_nlink))
        if st.st_nlink == NO_SUBFOLDERS:
            continue
        try:
            with os.scandir(folder) as it:
                stack += [e.path for e in it if e.is_dir(follow_symlinks=False) and e.path != notes]
        except FileNotFoundError:
            continue
    entries.sort()
    return _marked(entries, now)


def ref_fingerprint(git_dir: Path, ref: str) -> Fingerprint:
    """A value that changes whenever `ref` (e.g. `refs/notes/cd4ml-review`) changes: its loose
    file, or packed-refs when git packed it."""
    now = time.time_ns()
    entries: list[tuple[str, int, int]] = []
    _stat_into(entries, git_dir / ref)
    _stat_into(entries, git_dir / "packed-refs")
    return _marked(entries, now)


def files_fingerprint(root: Path, paths: Iterable[str]) -> Fingerprint:
    """A value that changes whenever one of `paths` (relative to `root`) is written, created or
    deleted: the workspace's params and metrics files, watched by a stat like the refs."""
    now = time.time_ns()
    entries: list[tuple[str, int, int]] = []
    for path in sorted(set(paths)):
        before = len(entries)
        _stat_into(entries, root / path)
        if len(entries) == before:
            entries.append((str(root / path), -1, -1))  # missing: its creation is a change
    return _marked(entries, now)


def settled(fingerprint: Fingerprint) -> bool:
    """Whether every change `fingerprint` covers is older than `SETTLING_NS`: then it equals a
    later fingerprint only if nothing changed in between."""
    return not any(name == UNSETTLED for name, _, _ in fingerprint)


def _marked(entries: list[tuple[str, int, int]], now: int) -> Fingerprint:
    """`entries`, marked unsettled (unequal to any other fingerprint) if one changed less than
    `SETTLING_NS` before `now`: a change in the same clock tick would not show in its mtime."""
    if any(0 <= now - mtime < SETTLING_NS for _, mtime, _ in entries):
        entries.append((UNSETTLED, now, 0))
    return tuple(entries)


def _stat_into(entries: list[tuple[str, int, int]], path: Path) -> None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return
    entries.append((str(path), st.st_mtime_ns, st.st_size))
