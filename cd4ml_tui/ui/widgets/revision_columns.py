"""The revisions table's columns: which value columns there are, what each is called, and which
are hidden.

Value columns come in `dvc exp show`'s order as rows stream in (`ColumnOrder`); a column that the
settings hide (by key or `file:key`) is hidden when it first appears; a label is `path:key` only
where a key name is shared (`core.table.columns.labels`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from cd4ml_tui.core.api import labels
from cd4ml_tui.core.model import ColumnKey, RevisionValues
from cd4ml_tui.ui.widgets.revision_cells import ColumnOrder

REVISION_LABELS = {
    "name": "name",
    "review": "review",
    "gate": "gate",
    "sha": "sha",
    "created": "created",
    "status": "status",
}
CHOOSABLE_REVISION_COLUMNS = ("sha", "created", "status", "review", "gate")


class TableColumns:
    """`values` (the value columns, in order), `by_id` (one dict, updated in place) and `hidden`
    (column ids, the gate's at first), kept up to date as rows are added."""

    def __init__(self, hidden_names: Iterable[str] = ()) -> None:
        self.values: list[ColumnKey] = []
        self.by_id: dict[str, ColumnKey] = {}
        self.hidden: set[str] = {"gate"}
        self._hidden_names = set(hidden_names)  # from settings: a key or file:key
        self._labels: dict[str, str] = dict(REVISION_LABELS)
        self._order = ColumnOrder()

    def restart(self, rows: Sequence[RevisionValues]) -> None:
        """The columns of `rows` alone (they replace every row)."""
        self._order = ColumnOrder()
        self.add(rows)

    def add(self, rows: Sequence[RevisionValues]) -> None:
        self._order.add(rows)
        self.values = self._order.columns()
        self.by_id.clear()  # in place: the table's cell store holds this dict too
        self.by_id.update((c.id, c) for c in self.values)
        for column in self.values:
            names = {column.key, column.qualified_name}
            if names & self._hidden_names:
                self.hidden.add(column.id)
                self._hidden_names -= names
        self._labels = dict(REVISION_LABELS)
        self._labels.update({c.id: label for c, label in labels(self.values).items()})

    def label_of(self, column: str) -> str:
        return self._labels.get(column, column)

    def choices(self) -> list[tuple[str, str, str]]:
        """(id, label, kind) of every column the user may hide: kind is "revision", "param" or
        "metric" (what the column chooser lists)."""
        choices = [(c, c, "revision") for c in CHOOSABLE_REVISION_COLUMNS]
        return choices + [(c.id, self.label_of(c.id), c.kind) for c in self.values]
