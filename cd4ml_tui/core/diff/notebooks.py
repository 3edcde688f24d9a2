"""Notebooks diffed cell by cell with nbdime's engine, as plain data for the CLI and the TUI.

nbdime decides which cells were added, removed or patched (its heuristics align edited cells);
`NotebookDiff.changes` keeps that verdict exactly (the `--json` contract). The `cells` view adds
what a reviewer reads: every cell in notebook order, with source hunks, output and metadata changes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from cd4ml_tui.core.diff.outputs import (
    OutputChange,
    OutputChangeKind,
    ValueChange,
    attachment_summaries,
    cell_outputs,
    one_sided_output,
    ordered_ops,
    output_changes,
    value_changes,
)
from cd4ml_tui.core.diff.text import Hunk, line_hunks, truncate_hunks
from cd4ml_tui.core.errors import Cd4mlError

CellChangeKind = Literal["added", "removed", "modified"]
CellViewKind = Literal["added", "removed", "modified", "unchanged"]

# The top-level cell keys in the order `parts` lists them; other keys (cell_type) follow, sorted.
PART_ORDER = ("source", "outputs", "metadata", "execution_count", "attachments", "id")
# Changes hidden by default in the display (never in the JSON), each toggled by its own key.
NOISE_KINDS = ("execution_count", "id", "metadata")
MAX_SOURCE_DIFF_LINES = 400  # diff lines shown of one cell's source
NOISE_LABELS = {"execution_count": "execution count", "id": "cell id", "metadata": "metadata"}
# What each noise toggle hides, as the status line names it.
NOISE_TOGGLES = {
    "execution_count": "execution counts",
    "id": "cell ids",
    "metadata": "metadata-only",
}


class NotebookParseError(Cd4mlError):
    """A notebook that nbformat cannot read; the file is then diffed as text with this note."""


@dataclass(frozen=True)
class CellChange:
    """One cell nbdime reports as added, removed or patched. Indices are 0-based."""

    change: CellChangeKind
    base_index: int | None
    head_index: int | None
    parts: tuple[str, ...]


@dataclass(frozen=True)
class CellDiff:
    """One cell as the reviewer sees it, in notebook order, including unchanged cells."""

    change: CellViewKind
    base_index: int | None
    head_index: int | None
    cell_type: str
    parts: tuple[str, ...]
    # What changed: `parts`, except that outputs whose only changes are execution counts or
    # metadata count as those noise kinds instead of "outputs".
    kinds: frozenset[str]
    source: str  # the head source (the base source for a removed cell)
    source_hunks: tuple[Hunk, ...] = ()
    hidden_source_lines: int = 0  # source diff lines left out of `source_hunks`
    outputs: tuple[OutputChange, ...] = ()
    metadata: tuple[ValueChange, ...] = ()
    attachments: tuple[str, ...] = ()
    execution_count: tuple[Any, Any] | None = None  # (base, head) when it changed
    cell_id: tuple[Any, Any] | None = None  # (base, head) when it changed
    other: tuple[ValueChange, ...] = ()  # any other top-level key, e.g. cell_type
    base_source: str | None = None  # a modified cell's base source (for highlighting its hunks)

    def is_noise_only(self, hidden: frozenset[str]) -> bool:
        """A modified cell whose every change is of a hidden noise kind."""
        return self.change == "modified" and bool(self.kinds) and self.kinds <= hidden


@dataclass(frozen=True)
class NotebookDiff:
    changes: tuple[CellChange, ...]  # nbdime's verdict, in its order (base order)
    cells: tuple[CellDiff, ...]  # every cell in notebook order
    metadata: tuple[ValueChange, ...]  # notebook-level metadata changes
    language: str  # for highlighting code cells


@dataclass(frozen=True)
class Fold:
    """Consecutive cells shown as one line: unchanged ones, or ones changed only by hidden noise."""

    count: int
    reason: str  # "unchanged" or e.g. "execution count only"
    cells: tuple[int, ...] = ()  # the folded cells' numbers (1-based, as the cell headers say)

    @property
    def label(self) -> str:
        noun = "cell" if self.count == 1 else "cells"
        if self.reason == "unchanged":
            return f"… {self.count} unchanged {noun}"
        which = f" ({cell_numbers(self.cells)})" if self.cells else ""
        return f"{self.count} {noun}{which}: {self.reason}"


def cell_numbers(numbers: tuple[int, ...]) -> str:
    """`2-4` for a run, `2, 5` otherwise: which cells a noise fold line stands for."""
    if len(numbers) > 1 and list(numbers) == list(range(numbers[0], numbers[-1] + 1)):
        return f"{numbers[0]}-{numbers[-1]}"
    return ", ".join(str(n) for n in numbers)


def parse_notebook(text: str, where: str) -> Any:
    """A notebook node (nbformat v4) from JSON text, or NotebookParseError saying why not.

    Unlike `nbformat.reads` this never invents cell ids (its validation adds random ones to cells
    that lack them, which would show as changes on every read).
    """
    import nbformat

    try:
        data = json.loads(text)
    except ValueError as err:
        raise NotebookParseError(f"{where}: not a notebook: invalid JSON ({err})") from None
    if not isinstance(data, dict) or not isinstance(data.get("nbformat"), int):
        raise NotebookParseError(f"{where}: not a notebook: no 'nbformat' version number")
    major = data["nbformat"]
    if major not in nbformat.versions:
        raise NotebookParseError(f"{where}: unsupported notebook format version {major}")
    if major == 4:
        _check_structure(data, where)
    try:
        node = nbformat.versions[major].to_notebook_json(data, minor=data.get("nbformat_minor", 0))
        if major != 4:
            node = nbformat.convert(node, 4)
            for cell in node.get("cells", []):
                cell.pop("id", None)  # upgrades invent random ids
            node["nbformat_minor"] = 4
    except Exception as err:
        raise NotebookParseError(f"{where}: not a valid notebook: {err}") from None
    _check_structure(node, where)
    return node


def _check_structure(node: Mapping[str, Any], where: str) -> None:
    """The shape nbdime relies on: a list of cells that each have a type, and mapping metadata."""
    cells = node.get("cells")
    if not isinstance(cells, list) or not all(
        isinstance(c, Mapping) and isinstance(c.get("cell_type"), str) for c in cells
    ):
        raise NotebookParseError(f"{where}: not a valid notebook: 'cells' is not a list of cells")
    if not isinstance(node.get("metadata", {}), Mapping):
        raise NotebookParseError(f"{where}: not a valid notebook: 'metadata' is not a mapping")


def empty_notebook() -> Any:
    """The base of an added notebook (and head of a deleted one): no cells, no metadata."""
    import nbformat

    return nbformat.v4.new_notebook()


def ordered_parts(keys: set[str]) -> tuple[str, ...]:
    return tuple(k for k in PART_ORDER if k in keys) + tuple(sorted(keys - set(PART_ORDER)))


def cell_changes(
    cells_ops: Sequence[Mapping[str, Any]], base_cells: Sequence[Any]
) -> list[CellChange]:
    """Map nbdime's diff of the `cells` list to changes with base and head indices.

    addrange at k inserts before base cell k, removerange drops base cells, patch edits base cell
    k; a head index is the base index shifted by the cells inserted and removed before it.
    """
    return [change for _, change in _keyed_changes(cells_ops, base_cells)]


def _keyed_changes(
    cells_ops: Sequence[Mapping[str, Any]], base_cells: Sequence[Any]
) -> list[tuple[int, CellChange]]:
    """`cell_changes`, each with the base position it applies at (an insert: the cell after it)."""
    changes: list[tuple[int, CellChange]] = []
    offset = 0
    for entry in ordered_ops(cells_ops):
        key, op = entry["key"], entry["op"]
        if op == "addrange":
            for j, cell in enumerate(entry["valuelist"]):
                parts = ordered_parts(set(cell) & set(PART_ORDER))
                changes.append((key, CellChange("added", None, key + offset + j, parts)))
            offset += len(entry["valuelist"])
        elif op == "removerange":
            for j in range(entry["length"]):
                parts = ordered_parts(set(base_cells[key + j]) & set(PART_ORDER))
                changes.append((key + j, CellChange("removed", key + j, None, parts)))
            offset -= entry["length"]
        elif op == "patch":
            parts = ordered_parts({e["key"] for e in entry["diff"]})
            changes.append((key, CellChange("modified", key, key + offset, parts)))
        else:
            raise NotebookParseError(f"unexpected nbdime diff op {op!r} on cells")
    return changes


def _cell_type(cell: Mapping[str, Any]) -> str:
    return str(cell.get("cell_type", "?"))


def _source(cell: Mapping[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _kinds(parts: tuple[str, ...], outputs: Sequence[OutputChange]) -> frozenset[str]:
    kinds = set(parts)
    if "outputs" in kinds and outputs and all(o.change == "modified" and o.noise for o in outputs):
        kinds.discard("outputs")
        for output in outputs:
            kinds |= output.noise
    return frozenset(kinds)


def _modified_cell(
    base: Mapping[str, Any], head: Mapping[str, Any], change: CellChange, ops: Sequence[Any]
) -> CellDiff:
    by_key = {e["key"]: e for e in ops}
    outputs = (
        output_changes(base, head, by_key["outputs"]["diff"])
        if by_key.get("outputs", {}).get("op") == "patch"
        else [one_sided_output("removed", o) for o in cell_outputs(base)]
        + [one_sided_output("added", o) for o in cell_outputs(head)]
        if "outputs" in by_key
        else []
    )
    source_hunks, hidden_source = truncate_hunks(
        line_hunks(_source(base), _source(head)) if "source" in by_key else (),
        MAX_SOURCE_DIFF_LINES,
    )
    known = {"source", "outputs", "metadata", "attachments", "execution_count", "id"}
    other = tuple(
        vc
        for key in sorted(set(by_key) - known)
        for vc in value_changes({key: base.get(key)}, {key: head.get(key)})
    )
    return CellDiff(
        change="modified",
        base_index=change.base_index,
        head_index=change.head_index,
        cell_type=_cell_type(head),
        parts=change.parts,
        kinds=_kinds(change.parts, outputs),
        source=_source(head),
        source_hunks=source_hunks,
        hidden_source_lines=hidden_source,
        outputs=tuple(outputs),
        metadata=value_changes(base.get("metadata"), head.get("metadata"))
        if "metadata" in by_key
        else (),
        attachments=attachment_summaries(base.get("attachments"), head.get("attachments"))
        if "attachments" in by_key
        else (),
        execution_count=(base.get("execution_count"), head.get("execution_count"))
        if "execution_count" in by_key
        else None,
        cell_id=(base.get("id"), head.get("id")) if "id" in by_key else None,
        other=other,
        base_source=_source(base),
    )


def _one_sided_cell(kind: CellViewKind, cell: Mapping[str, Any], change: CellChange) -> CellDiff:
    side: OutputChangeKind = "added" if kind == "added" else "removed"
    return CellDiff(
        change=kind,
        base_index=change.base_index,
        head_index=change.head_index,
        cell_type=_cell_type(cell),
        parts=change.parts,
        kinds=frozenset(change.parts),
        source=_source(cell),
        outputs=tuple(one_sided_output(side, o) for o in cell_outputs(cell)),
    )


def notebook_diff(base: Any, head: Any) -> NotebookDiff:
    """Diff two notebook nodes with `nbdime.diff_notebooks` and lay the cells out for review."""
    import nbdime

    raw = nbdime.diff_notebooks(base, head)
    by_key = {e["key"]: e for e in raw}
    cells_ops = by_key["cells"]["diff"] if by_key.get("cells", {}).get("op") == "patch" else []
    base_cells, head_cells = list(base.get("cells", [])), list(head.get("cells", []))
    keyed = _keyed_changes(cells_ops, base_cells)
    changes = [change for _, change in keyed]
    patches = {e["key"]: e["diff"] for e in cells_ops if e["op"] == "patch"}

    added_at: dict[int, list[CellChange]] = {}
    by_base: dict[int, CellChange] = {}
    for key, change in keyed:
        if change.change == "added":
            added_at.setdefault(key, []).append(change)
        else:
            by_base[key] = change

    cells: list[CellDiff] = []
    offset = 0
    for index in range(len(base_cells) + 1):
        for change in added_at.get(index, []):
            assert change.head_index is not None
            cells.append(_one_sided_cell("added", head_cells[change.head_index], change))
            offset += 1
        if index == len(base_cells):
            break
        cell = base_cells[index]
        found = by_base.get(index)
        if found is not None and found.change == "removed":
            cells.append(_one_sided_cell("removed", cell, found))
            offset -= 1
        elif found is not None:
            assert found.head_index is not None
            head_cell = head_cells[found.head_index]
            cells.append(_modified_cell(cell, head_cell, found, patches[index]))
        else:
            kind = _cell_type(cell)
            cells.append(
                CellDiff("unchanged", index, index + offset, kind, (), frozenset(), _source(cell))
            )

    metadata = (
        value_changes(base.get("metadata"), head.get("metadata")) if "metadata" in by_key else ()
    )
    return NotebookDiff(tuple(changes), tuple(cells), metadata, _language(head, base))


def _language(*notebooks: Any) -> str:
    for nb in notebooks:
        meta = nb.get("metadata", {})
        name = (meta.get("language_info") or {}).get("name") or (meta.get("kernelspec") or {}).get(
            "language"
        )
        if isinstance(name, str) and name:
            return name
    return "python"


def diff_notebook_texts(
    base_text: str | None, head_text: str | None, base_where: str, head_where: str
) -> NotebookDiff:
    """Parse both sides (None: the file is absent there) and diff them cell by cell."""
    base = parse_notebook(base_text, base_where) if base_text is not None else empty_notebook()
    head = parse_notebook(head_text, head_where) if head_text is not None else empty_notebook()
    return notebook_diff(base, head)


def fold_cells(diff: NotebookDiff, hidden: frozenset[str]) -> list[CellDiff | Fold]:
    """The cells to show: runs of unchanged cells and of cells changed only by hidden noise fold
    into one line each ("… 12 unchanged cells", "3 cells: execution count only")."""
    shown: list[CellDiff | Fold] = []
    run: list[CellDiff] = []
    run_reason = ""

    def flush() -> None:
        if not run:
            return
        if run_reason == "unchanged":
            shown.append(Fold(len(run), "unchanged"))
        else:
            kinds = set().union(*(c.kinds for c in run))
            labels = [NOISE_LABELS[k] for k in NOISE_KINDS if k in kinds]
            numbers = tuple(
                (c.head_index if c.head_index is not None else c.base_index or 0) + 1 for c in run
            )
            shown.append(Fold(len(run), ", ".join(labels) + " only", numbers))
        run.clear()

    for cell in diff.cells:
        reason = (
            "unchanged"
            if cell.change == "unchanged"
            else "noise"
            if cell.is_noise_only(hidden)
            else ""
        )
        if reason != run_reason:
            flush()
            run_reason = reason
        if reason:
            run.append(cell)
        else:
            shown.append(cell)
    flush()
    return shown
