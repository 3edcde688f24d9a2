"""Rich renderables for a revision diff: file rows, text diffs, notebook cells, DVC outs.

The CLI prints these and the TUI shows them, so both front ends show the same diff.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from cd4ml_tui.core.api import (
    MAX_SOURCE_DIFF_LINES,
    NOISE_KINDS,
    CellDiff,
    FileChange,
    FileDiff,
    Fold,
    NotebookDiff,
    OutputChange,
    OutState,
    ValueChange,
    fold_cells,
    human_size,
    line_hunks,
    ordered_parts,
    truncate_hunks,
)
from cd4ml_tui.core.model import Revision
from cd4ml_tui.render.highlight import lexer_for, render_hunks

STATUS_LETTER = {"added": "A", "deleted": "D", "modified": "M", "renamed": "R"}
STATUS_STYLE = {"added": "green", "deleted": "red", "modified": "yellow", "renamed": "cyan"}
CELL_STYLE = {"added": "green", "removed": "red", "modified": "yellow", "unchanged": "dim"}
NOTE_STYLE = "italic dim"


@dataclass(frozen=True)
class DiffOptions:
    """How to show a diff: side by side or unified, and which noise kinds are hidden."""

    side_by_side: bool = False
    hidden: frozenset[str] = frozenset(NOISE_KINDS)


def revision_name(revision: Revision) -> str:
    """'main (0112911)', or just 'workspace' / the short sha when that is all the name there is."""
    if revision.label == revision.short:
        return revision.short
    return f"{revision.label} ({revision.short})"


def file_row(change: FileChange) -> Text:
    """One line of the file list: status letter, path (with a rename's origin) and kind."""
    row = Text()
    row.append(STATUS_LETTER[change.status] + " ", f"bold {STATUS_STYLE[change.status]}")
    row.append(change.path)
    if change.old_path:
        row.append(f" ← {change.old_path}", "dim")
    row.append(f"  {change.kind}", "dim italic")
    return row


def _note(text: str) -> Text:
    return Text(text, style=NOTE_STYLE)


def _out(state: OutState | None) -> str:
    if state is None:
        return "absent"
    size = human_size(state.size) if state.size is not None else "size unknown"
    files = f", {state.nfiles} files" if state.nfiles is not None else ""
    return f"{state.hash}  {size}{files}"


def render_dvc(change: FileChange) -> RenderableType:
    """An out whose recorded hash changed, as `dvc diff` reports it: old and new hash and size."""
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0))
    table.add_column(style="bold")
    table.add_column()
    table.add_row("DVC out", f"{change.path} ({change.status})")
    table.add_row("base", _out(change.base_out))
    table.add_row("head", _out(change.head_out))
    return table


def render_file_diff(diff: FileDiff, options: DiffOptions) -> RenderableType:
    """The right-hand side for one file: note, then its text, notebook or DVC diff."""
    parts: list[RenderableType] = []
    change = diff.change
    if change.status == "renamed":
        parts.append(_note(f"renamed from {change.old_path} ({change.similarity}% similar)"))
    if diff.note:
        parts.append(_note(diff.note))
    if diff.kind == "dvc":
        parts.append(render_dvc(change))
    elif diff.notebook is not None:
        parts.append(render_notebook(diff.notebook, options))
    elif diff.hunks:
        code = diff.head_text or diff.base_text or ""
        lexer = lexer_for(change.path, code)
        parts.append(
            render_hunks(diff.hunks, diff.base_text, diff.head_text, lexer, options.side_by_side)
        )
    return Group(*parts)


def _values(changes: Iterable[ValueChange]) -> list[Text]:
    rows = []
    for vc in changes:
        row = Text("  ")
        row.append(vc.key, "bold")
        row.append(": ")
        row.append(vc.base if vc.base is not None else "absent", "red")
        row.append(" → ")
        row.append(vc.head if vc.head is not None else "absent", "green")
        rows.append(row)
    return rows


def _output(output: OutputChange, options: DiffOptions) -> list[RenderableType]:
    style = CELL_STYLE[output.change]
    rows: list[RenderableType] = [Text(f"{output.output_type} {output.change}", style=style)]
    if output.change == "modified" and output.text_hunks:
        hunks = output.text_hunks
        rows.append(render_hunks(hunks, None, None, "text", options.side_by_side, len(hunks) > 1))
    if output.change == "modified" and output.hidden_lines:
        rows.append(_note(f"  … {output.hidden_lines} more diff lines"))
    sign = "+ " if output.change == "added" else "- "
    for line in output.text:
        rows.append(Text(sign + line, style=style))
    if output.hidden_lines and output.change != "modified":
        rows.append(_note(f"  … {output.hidden_lines} more lines"))
    rows += [Text("  " + summary) for summary in output.summaries]
    return rows


def _cell_title(cell: CellDiff) -> Text:
    def number(index: int | None) -> str:
        return str(index + 1) if index is not None else "-"

    where = (
        f"cell {number(cell.head_index)}"
        if cell.change == "added"
        else f"cell {number(cell.base_index)}"
        if cell.change == "removed" or cell.base_index == cell.head_index
        else f"cell {number(cell.base_index)} → {number(cell.head_index)}"
    )
    title = Text(f" {cell.change} {cell.cell_type} {where} ", style=CELL_STYLE[cell.change])
    if cell.change == "modified":
        title.append(f"[{', '.join(ordered_parts(set(cell.kinds)))}] ", "dim")
    return title


def _lexer(cell: CellDiff, language: str) -> str:
    return {"code": language, "markdown": "markdown"}.get(cell.cell_type, "text")


def render_cell(cell: CellDiff, language: str, options: DiffOptions) -> RenderableType:
    """One added, removed or modified cell: source diff, outputs, metadata and noise lines."""
    body: list[RenderableType] = []
    lexer = _lexer(cell, language)
    if cell.change == "modified":
        if cell.source_hunks:
            hunks = cell.source_hunks
            body.append(
                render_hunks(
                    hunks,
                    cell.base_source,
                    cell.source,
                    lexer,
                    options.side_by_side,
                    len(hunks) > 1,
                )
            )
        if cell.hidden_source_lines:
            body.append(_note(f"… {cell.hidden_source_lines} more diff lines"))
    else:  # added or removed: one side is empty, side by side would waste half the width
        base, head = ("", cell.source) if cell.change == "added" else (cell.source, "")
        hunks, hidden = truncate_hunks(line_hunks(base, head), MAX_SOURCE_DIFF_LINES)
        body.append(render_hunks(hunks, base or None, head or None, lexer, False, False))
        if hidden:
            body.append(_note(f"… {hidden} more lines"))
    shown_outputs = [
        o
        for o in cell.outputs
        if not (o.change == "modified" and o.noise and o.noise <= options.hidden)
    ]
    if shown_outputs:
        body.append(Text("outputs", style="bold"))
        for output in shown_outputs:
            body += _output(output, options)
    if cell.metadata:
        body.append(Text("metadata", style="bold"))
        body += _values(cell.metadata)
    if cell.attachments:
        body.append(Text("attachments", style="bold"))
        body += [Text("  " + line) for line in cell.attachments]
    if cell.other:
        body += _values(cell.other)
    if cell.execution_count and "execution_count" not in options.hidden:
        old, new = cell.execution_count
        body.append(_note(f"execution count {old} → {new}"))
    if cell.cell_id and "id" not in options.hidden:
        old, new = cell.cell_id
        body.append(_note(f"cell id {old} → {new}"))
    return Panel(
        Group(*body),
        title=_cell_title(cell),
        title_align="left",
        border_style=CELL_STYLE[cell.change],
        padding=(0, 1),
    )


def render_notebook(diff: NotebookDiff, options: DiffOptions) -> RenderableType:
    """Cells in notebook order; unchanged and hidden-noise-only cells folded into one line."""
    parts: list[RenderableType] = []
    if diff.metadata:
        if "metadata" in options.hidden:
            count = len(diff.metadata)
            parts.append(_note(f"notebook metadata: {count} change{'s' * (count != 1)} hidden"))
        else:
            parts.append(Text("notebook metadata", style="bold"))
            parts += _values(diff.metadata)
    if not diff.changes:
        parts.append(_note("no cell changed"))
    for block in fold_cells(diff, options.hidden):
        if isinstance(block, Fold):
            parts.append(_note(block.label))
        else:
            parts.append(render_cell(block, diff.language, options))
    return Group(*parts)
