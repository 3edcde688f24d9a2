"""The deltas pane: one row per metric and param, the baseline then each compared revision.

Cells come from `cd4ml_tui.render.delta_text`, so they read like `cd4ml-tui compare`'s table.
With gate results (one per compared revision, against the baseline on screen), a metric that has
a gate rule shows the rule after its name and a ✓ or ✗ after each compared value.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.widgets import DataTable

from cd4ml_tui.core.api import Comparison, GateResult
from cd4ml_tui.core.model import Revision
from cd4ml_tui.render.delta_text import base_text, cell_text, direction_text
from cd4ml_tui.render.review_text import gate_marks, rule_labels
from cd4ml_tui.ui.messages import WidgetMessage

FIRST_REVISION_COLUMN = 3  # key, direction, baseline, then the compared revisions


class DeltaTable(DataTable[Text]):
    """Deltas against the baseline; `b` makes the revision under the cursor the baseline."""

    DEFAULT_CSS = """
    DeltaTable { height: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("b", "choose_baseline", "Baseline", id="compare.baseline"),
        # the movement keys of every list and table (DataTable has the arrows)
        Binding("j", "cursor_down", "Down", show=False, id="deltas.down"),
        Binding("k", "cursor_up", "Up", show=False, id="deltas.up"),
        Binding("h", "cursor_left", "Left", show=False, id="deltas.left"),
        Binding("l", "cursor_right", "Right", show=False, id="deltas.right"),
    ]

    class BaselineChosen(WidgetMessage):
        """The user asked for `revision` (a compared column) to be the baseline."""

        def __init__(self, table: DeltaTable, revision: Revision) -> None:
            super().__init__(table)
            self.table = table
            self.revision = revision

    def __init__(self, precision: int = 4, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="cell", zebra_stripes=True)
        self.precision = precision
        self.comparison: Comparison | None = None
        self.only_changed_params = True
        self.hidden_params = 0

    def show(
        self,
        comparison: Comparison,
        names: list[str],
        labels: dict[str, str],
        only_changed_params: bool,
        gates: Sequence[GateResult] | None = None,
    ) -> None:
        """Fill the table: `names` label the baseline then each compared revision; `gates`
        (one per compared revision) mark the metrics that have gate rules."""
        self.comparison = comparison
        self.only_changed_params = only_changed_params
        cursor = self.cursor_coordinate
        self.clear(columns=True)
        self.add_column("", key="key")
        self.add_column("dir", key="dir")
        self.add_column(Text(f"◆ {names[0]} (base)", style="bold"), key="base")
        for index, name in enumerate(names[1:]):
            self.add_column(Text(name, style="bold"), key=f"rev{index}")
        self.hidden_params = 0
        kind = None
        for row in comparison.rows:
            if row.column.kind == "param" and only_changed_params and not row.changed:
                self.hidden_params += 1
                continue
            if row.column.kind != kind:
                kind = row.column.kind
                title = "METRICS" if kind == "metric" else "PARAMS"
                blank = [Text("")] * (len(names) + 1)
                self.add_row(Text(title, style="bold dim"), *blank, key=f"section:{kind}")
            label = Text(labels.get(row.column.id, row.column.key))
            if row.column.kind == "param" and row.changed:
                label.stylize("bold")
            cells = [cell_text(row, cell, self.precision) for cell in row.cells]
            if gates:
                label.append_text(rule_labels(gates[0].check_for(row.column)))
                for cell, gate in zip(cells, gates, strict=True):
                    cell.append_text(gate_marks(gate.check_for(row.column)))
            self.add_row(
                label,
                direction_text(row),
                base_text(row, self.precision),
                *cells,
                key=row.column.id,
            )
        if self.row_count:
            # First fill: start on the first metric of the first compared revision.
            first = cursor == Coordinate(0, 0)
            target = Coordinate(1, FIRST_REVISION_COLUMN) if first else cursor
            self.cursor_coordinate = self.validate_cursor_coordinate(target)

    def revision_under_cursor(self) -> Revision | None:
        """The compared revision of the cursor's column; None on the key/dir/baseline columns."""
        if self.comparison is None:
            return None
        index = self.cursor_coordinate.column - FIRST_REVISION_COLUMN
        if 0 <= index < len(self.comparison.revisions):
            return self.comparison.revisions[index]
        return None

    def action_choose_baseline(self) -> None:
        revision = self.revision_under_cursor()
        if revision is None:
            self.notify("Move the cursor to a compared revision's column, then press b.")
            return
        self.post_message(self.BaselineChosen(self, revision))
