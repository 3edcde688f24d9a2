"""The cells of the revisions table, built once per (row, column) and kept with column widths.

Sorting and filtering then only reorder cells already built. Equal values share one cell (cells
are never mutated): a sweep repeats its params a thousand times, and a reload, which replaces every
row, finds most of its cells already made.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.cells import cell_len
from rich.text import Text

from cd4ml_tui.core.api import ColumnOrder as CoreColumnOrder
from cd4ml_tui.core.api import GateResult, ReviewSummary, format_value
from cd4ml_tui.core.model import ColumnKey, RevisionValues
from cd4ml_tui.render.review_text import gate_cell, verdict_glyph

MEMO_LIMIT = 100_000  # distinct values whose cell is kept for sharing


def memo_key(value: Any) -> tuple[type, Any] | None:
    """The key under which equal values share a cell, or None for what must not be shared:
    unhashable values, and float zeros (0.0 == -0.0, but they print differently)."""
    if isinstance(value, float) and value == 0.0:
        return None
    try:
        hash(value)
    except TypeError:
        return None
    return (type(value), value)


def compact_badges(labels: Sequence[str], own_name: str | None = None) -> str:
    """GTO labels in little room: `clf@v1.0.0 clf#prod` becomes `clf@v1.0.0 #prod`; a plain
    release tag equal to the row's own name (the tag's row) is left out."""
    parts: list[str] = []
    last_artifact: str | None = None
    for label in labels:
        if label == own_name:
            continue
        artifact, is_stage, stage = label.partition("#")
        if is_stage and artifact == last_artifact:
            parts.append(f"#{stage}")
            continue
        parts.append(label)
        last_artifact = artifact if is_stage else label.partition("@")[0]
    return " ".join(parts)


class ColumnOrder(CoreColumnOrder):
    """`core.table.columns(rows, unread=True)` kept up to date as rows stream in: a file that no
    revision could read (not in the local DVC cache, ...) keeps a column, marked `!`."""

    def columns(self, *, unread: bool = True) -> list[ColumnKey]:
        return super().columns(unread=unread)


class CellStore:
    """Cells by column id for every loaded row; `by_id` maps value column ids to their keys."""

    def __init__(self, precision: int) -> None:
        self.precision = precision
        self.by_id: dict[str, ColumnKey] = {}
        self.reviews: dict[str, ReviewSummary] = {}  # commit sha -> verdict, for `review`
        self.gates: dict[str, GateResult | str] = {}  # rev -> gate result or error, for `gate`
        self._cells: dict[str, list[Text]] = {}  # column id -> cell of every loaded row
        self._widths: dict[str, int] = {}
        self._shared: dict[tuple[type, Any], Text] = {}

    def carry_over(self, old: Sequence[RevisionValues], new: Sequence[RevisionValues]) -> None:
        """Replace the rows `old` by `new`, keeping the cells of every row that holds the very
        same value objects: a refresh reuses the values of known commits, so it rebuilds only
        the cells of new rows (and of the workspace) instead of every cell of every row."""

        def identity(values: RevisionValues) -> tuple[object, ...]:
            revision = values.revision  # what the sha/created/status cells show, and the values
            parts = (values.params, values.metrics, values.errors)
            return (revision.rev, revision.timestamp, revision.status, *map(id, parts))

        # ids are unique here: `old` keeps its value objects alive for the whole call
        where = {identity(v): i for i, v in enumerate(old)}
        sources = [where.get(identity(v)) for v in new]
        all_kept = len(set(sources) - {None}) == len(old)
        cells: dict[str, list[Text]] = {}
        widths: dict[str, int] = {}
        for cid, column in self._cells.items():
            if len(column) != len(old) or cid in ("review", "gate"):  # keyed by sha: rebuild
                continue
            made = [self.cell(v, cid) for v, j in zip(new, sources, strict=True) if j is None]
            built = iter(made)
            cells[cid] = [column[j] if j is not None else next(built) for j in sources]
            if all_kept:  # nothing left: only new cells can widen the column
                widest = max((cell_len(c.plain) for c in made), default=0)
                widths[cid] = max(self._widths.get(cid, 0), widest)
            else:
                widths[cid] = max((cell_len(c.plain) for c in cells[cid]), default=0)
        self._cells, self._widths = cells, widths

    def set_reviews(self, reviews: Mapping[str, ReviewSummary]) -> None:
        self.reviews = dict(reviews)
        self.forget("review")

    def set_gates(self, gates: Mapping[str, GateResult | str]) -> None:
        self.gates = dict(gates)
        self.forget("gate")

    def forget(self, cid: str) -> None:
        """Drop the cells of column `cid` (its source changed); they are rebuilt when shown."""
        self._cells.pop(cid, None)
        self._widths.pop(cid, None)

    def column(self, cid: str, rows: Sequence[RevisionValues]) -> list[Text]:
        """The cells of column `cid` for `rows` (the loaded rows, which only grow until `clear`)."""
        cells = self._cells.setdefault(cid, [])
        if len(cells) < len(rows):
            new = [self.cell(v, cid) for v in rows[len(cells) :]]
            cells.extend(new)
            widest = max((cell_len(c.plain) for c in new), default=0)
            self._widths[cid] = max(self._widths.get(cid, 0), widest)
        return cells

    def width(self, cid: str) -> int:
        """The widest cell of column `cid` built so far."""
        return self._widths.get(cid, 0)

    def cell(self, values: RevisionValues, cid: str) -> Text:
        """The cell of `values` in column `cid` (a revision column or a value column id)."""
        revision = values.revision
        if cid == "sha":
            return Text(revision.short if not revision.is_workspace else "", style="dim")
        if cid == "created":
            stamp = revision.timestamp or ""
            return Text(stamp[:16].replace("T", " "), style="dim")
        if cid == "status":
            status = revision.status or ""
            return Text(status, style="red" if status == "failed" else "")
        if cid == "review":
            return verdict_glyph(self.reviews.get(revision.rev))
        if cid == "gate":
            return gate_cell(self.gates.get(revision.rev))
        column = self.by_id[cid]
        if column.path in values.errors:
            return Text("!", style="bold red", justify="right")
        value = values.get(column)
        if revision.status == "failed" and column.kind == "metric" and value is not None:
            # A failed run's commit holds the metrics files it started from, not results of its
            # own: dim them so they do not read as what this run achieved.
            stale = self._value_text(value).copy()
            stale.stylize("dim strike")
            return stale
        key = memo_key(value)
        text = self._shared.get(key) if key is not None else None
        if text is None:
            text = self._value_text(value)
            if key is not None:
                if len(self._shared) > MEMO_LIMIT:
                    self._shared.clear()
                self._shared[key] = text
        return text

    def _value_text(self, value: Any) -> Text:
        if value is None:
            return Text("-", style="dim", justify="right")
        if isinstance(value, int | float) and not isinstance(value, bool):
            return Text(format_value(value, self.precision), justify="right")
        return Text(format_value(value, self.precision), justify="left")
