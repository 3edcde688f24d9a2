"""Line diffs of two texts as plain data: unified hunks, and the same hunks paired side by side.

Both the CLI and the TUI render these, so what one prints is what the other shows.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal

LineKind = Literal["context", "added", "removed"]

CONTEXT_LINES = 3


@dataclass(frozen=True)
class DiffLine:
    """One line of a hunk. Line numbers are 1-based; a side the line is absent from is None."""

    kind: LineKind
    base_no: int | None
    head_no: int | None
    text: str  # without its line ending


@dataclass(frozen=True)
class Hunk:
    """A run of changed lines with their context, as in `diff -u`."""

    base_start: int  # 1-based first base line (0 when the base side is empty)
    base_len: int
    head_start: int
    head_len: int
    lines: tuple[DiffLine, ...]

    @property
    def header(self) -> str:
        return f"@@ -{self.base_start},{self.base_len} +{self.head_start},{self.head_len} @@"


@dataclass(frozen=True)
class SideBySideRow:
    """One row of a side-by-side view: a base line, a head line, or a changed pair."""

    base: DiffLine | None
    head: DiffLine | None


def split_lines(text: str) -> list[str]:
    """The lines of `text` without endings; a trailing newline does not add an empty line."""
    return text.splitlines()


def line_hunks(base: str, head: str, context: int = CONTEXT_LINES) -> tuple[Hunk, ...]:
    """The unified-diff hunks turning `base` into `head` (empty when the lines are equal)."""
    a, b = split_lines(base), split_lines(head)
    if a == b:
        return ()
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    hunks: list[Hunk] = []
    for group in matcher.get_grouped_opcodes(context):
        lines: list[DiffLine] = []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [
                    DiffLine("context", i + 1, j1 + k + 1, a[i])
                    for k, i in enumerate(range(i1, i2))
                ]
                continue
            lines += [DiffLine("removed", i + 1, None, a[i]) for i in range(i1, i2)]
            lines += [DiffLine("added", None, j + 1, b[j]) for j in range(j1, j2)]
        first, last = group[0], group[-1]
        base_len, head_len = last[2] - first[1], last[4] - first[3]
        hunks.append(
            Hunk(
                base_start=first[1] + 1 if base_len else first[1],
                base_len=base_len,
                head_start=first[3] + 1 if head_len else first[3],
                head_len=head_len,
                lines=tuple(lines),
            )
        )
    return tuple(hunks)


def side_by_side(hunk: Hunk) -> list[SideBySideRow]:
    """Pair each run of removed lines with the added lines that follow it, row by row."""
    rows: list[SideBySideRow] = []
    removed: list[DiffLine] = []
    added: list[DiffLine] = []

    def flush() -> None:
        for i in range(max(len(removed), len(added))):
            rows.append(
                SideBySideRow(
                    removed[i] if i < len(removed) else None, added[i] if i < len(added) else None
                )
            )
        removed.clear()
        added.clear()

    for line in hunk.lines:
        if line.kind == "context":
            flush()
            rows.append(SideBySideRow(line, line))
        elif line.kind == "removed":
            if added:
                flush()
            removed.append(line)
        else:
            added.append(line)
    flush()
    return rows


def count_changes(hunks: tuple[Hunk, ...]) -> tuple[int, int]:
    """(added, removed) line counts over `hunks`, as `git diff --numstat` would count them."""
    added = sum(1 for h in hunks for line in h.lines if line.kind == "added")
    removed = sum(1 for h in hunks for line in h.lines if line.kind == "removed")
    return added, removed


def truncate_hunks(hunks: tuple[Hunk, ...], max_lines: int) -> tuple[tuple[Hunk, ...], int]:
    """The first hunks up to about `max_lines` lines, and how many lines were left out.

    A long diff (an output of thousands of lines) is summarised, not dumped: the reader sees its
    start and the count of the rest.
    """
    kept: list[Hunk] = []
    shown = 0
    total = sum(len(h.lines) for h in hunks)
    for hunk in hunks:
        if shown >= max_lines:
            break
        room = max_lines - shown
        if len(hunk.lines) > room:
            hunk = Hunk(
                hunk.base_start, hunk.base_len, hunk.head_start, hunk.head_len, hunk.lines[:room]
            )
        kept.append(hunk)
        shown += len(hunk.lines)
    return tuple(kept), total - shown
