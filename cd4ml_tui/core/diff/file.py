"""The diff of one changed file: a line diff, a notebook cell diff, or a note why there is none.

Bad input never raises here: an unparsable notebook becomes a text diff with a note saying why,
binary and oversized files get a note with their sizes.
"""

from __future__ import annotations

from dataclasses import dataclass

from cd4ml_tui.core.diff.changes import FileChange, FileKind, RevisionDiff, is_binary, read_at
from cd4ml_tui.core.diff.notebooks import NotebookDiff, NotebookParseError, diff_notebook_texts
from cd4ml_tui.core.diff.outputs import human_size
from cd4ml_tui.core.diff.text import Hunk, line_hunks
from cd4ml_tui.core.git.repo import Repo

MAX_TEXT_BYTES = 2_000_000  # a text file bigger than this is not line-diffed
MAX_NOTEBOOK_BYTES = 64_000_000  # nbdime on bigger notebooks takes too long to be useful


@dataclass(frozen=True)
class FileDiff:
    change: FileChange
    kind: FileKind  # how it was diffed: an unparsable notebook is diffed as "text"
    hunks: tuple[Hunk, ...] = ()
    notebook: NotebookDiff | None = None
    note: str | None = None  # why the diff is shown the way it is (or not at all)
    base_size: int | None = None  # bytes; None when absent on that side
    head_size: int | None = None
    base_text: str | None = None  # decoded sides of a text diff, for highlighting
    head_text: str | None = None


def _sizes(old: bytes | None, new: bytes | None) -> str:
    def one(data: bytes | None) -> str:
        return "absent" if data is None else human_size(len(data))

    return f"{one(old)} → {one(new)}"


def _decode(data: bytes | None) -> str | None:
    return data.decode("utf-8", errors="replace") if data is not None else None


def file_diff(repo: Repo, diff: RevisionDiff, change: FileChange) -> FileDiff:
    """Read both sides of `change` and diff them the way its kind calls for."""
    if change.kind == "dvc":
        return FileDiff(change, "dvc")
    old = (
        read_at(repo, diff.base, change.old_path or change.path)
        if change.status != "added"
        else None
    )
    new = read_at(repo, diff.head, change.path) if change.status != "deleted" else None
    base_size = len(old) if old is not None else None
    head_size = len(new) if new is not None else None
    if change.kind == "binary" or is_binary(old) or is_binary(new):
        binary_note = f"binary file, not diffed ({_sizes(old, new)})"
        return FileDiff(
            change, "binary", note=binary_note, base_size=base_size, head_size=head_size
        )
    note: str | None = None
    biggest = max(len(old or b""), len(new or b""))
    if change.kind == "notebook":
        where_base = f"{change.old_path or change.path} at {diff.base.label}"
        where_head = f"{change.path} at {diff.head.label}"
        if biggest > MAX_NOTEBOOK_BYTES:
            note = f"notebook too large for a cell diff ({_sizes(old, new)})"
        else:
            try:
                notebook = diff_notebook_texts(_decode(old), _decode(new), where_base, where_head)
                return FileDiff(
                    change, "notebook", notebook=notebook, base_size=base_size, head_size=head_size
                )
            except NotebookParseError as err:
                note = f"{err}; shown as a text diff"
            except Exception as err:  # nbdime on a notebook nbformat accepts but it cannot walk
                note = f"{where_head}: nbdime could not diff it ({err}); shown as a text diff"
    if biggest > MAX_TEXT_BYTES:
        too_big = f"too large to diff line by line ({_sizes(old, new)})"
        note = f"{note}; {too_big}" if note else too_big
        return FileDiff(change, "text", note=note, base_size=base_size, head_size=head_size)
    old_text, new_text = _decode(old), _decode(new)
    hunks = line_hunks(old_text or "", new_text or "")
    if not hunks and note is None:
        note = (
            "empty file"
            if old is None or new is None
            else "same content (renamed or mode change)"
            if old == new
            else "only line endings differ"
        )
    return FileDiff(change, "text", hunks, None, note, base_size, head_size, old_text, new_text)
