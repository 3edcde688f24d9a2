"""The revisions table: one row per revision, grouped as a tree, with params and metrics columns.

Column widths are measured once per (row, column) (`revision_cells`), name widths once per row
(`revision_names`), and rows and their cells are built only when drawn (`LazyRows`), so sorting
and filtering only reorder what exists; which rows show, and in what order, is decided by
`ui.table_view` (plain logic, with what it keeps between keys in a `RowIndex`). The cursor is
a cell cursor, so `s` sorts by the column under it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from operator import attrgetter
from typing import TYPE_CHECKING, Any, ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.reactive import var

from cd4ml_tui.core.model import ColumnKey, Revision, RevisionValues
from cd4ml_tui.ui.messages import WidgetMessage
from cd4ml_tui.ui.table_view import (
    REVISION_COLUMNS,
    Predicate,
    RowIndex,
    ViewRow,
    ViewState,
    ViewSummary,
    differing_columns,
    visible_rows,
)
from cd4ml_tui.ui.widgets.grid import Grid, GridColumn, LazyRows
from cd4ml_tui.ui.widgets.revision_cells import CellStore
from cd4ml_tui.ui.widgets.revision_columns import TableColumns
from cd4ml_tui.ui.widgets.revision_names import NameCells

if TYPE_CHECKING:  # only annotations: their modules (the gate's rules) load on first use
    from cd4ml_tui.core.api import GateResult, ReviewSummary

MARK = "●"
# Rows shown by name before their values are read (`set_names`): more than a screen holds; all
# 10,000 of a large project took 0.15 s before the first frame, and put it 0.27 s later.
NAMES_FIRST = 500
# Left out in a narrow terminal (`set_compact`): the details pane shows both.
COMPACT_HIDDEN = frozenset({"sha", "created"})


class RevisionTable(Grid):
    """Revisions as rows; `space` marks, `s` sorts, `z` folds a group."""

    DEFAULT_CSS = """
    RevisionTable > .revision-table--metric-header { color: $text-accent; }
    RevisionTable > .revision-table--param-header { color: $text-secondary; }
    RevisionTable > .revision-table--mark { color: $text-warning; text-style: bold; }
    RevisionTable > .revision-table--badge { color: $text-warning; text-style: italic; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "revision-table--metric-header",
        "revision-table--param-header",
        "revision-table--mark",
        "revision-table--badge",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Details", id="table.details"),
        Binding("space", "toggle_mark", "Mark", id="table.mark"),
        Binding("s", "sort", "Sort", id="table.sort"),
        Binding("z", "fold", "Fold", id="table.fold"),
        Binding("Z", "fold_all", "Fold all", show=False, id="table.fold_all"),
        Binding("U", "clear_marks", "Unmark all", show=False, id="table.unmark"),
    ]
    HELP_TITLE = "Revisions table"

    class Marked(WidgetMessage):
        """The set of marked revisions changed."""

        def __init__(self, table: RevisionTable, marked: tuple[RevisionValues, ...]) -> None:
            super().__init__(table)
            self.marked = marked

    view: var[ViewSummary] = var(ViewSummary, always_update=True, init=False)
    """What is shown, set by every change of the view. The screen watches it (`watch`) rather
    than take a message: its status bar then changes in the same call, so in the same frame, as
    the rows (a message took a frame more, 25-40 ms after the sorted rows)."""

    announced: var[RevisionValues | None] = var(None, always_update=True, init=False)
    """The revision under the cursor, set when another one, or a re-read of the same one, is
    current (None when the table is empty). Watched, like `view`, so that the details change in
    the same frame as the rows."""

    def __init__(
        self, precision: int = 4, hidden: Iterable[str] = (), *, id: str | None = None
    ) -> None:
        super().__init__(fixed_columns=2, id=id)
        self.precision = precision
        self.rows_loaded: list[RevisionValues] = []
        self.names_only = False  # the rows are revisions whose values are still being read
        self._listed = 0  # how many revisions `set_names` was given (it shows a screenful)
        self._index = RowIndex(self.rows_loaded)  # sort orders, the tree: kept between keys
        self.state = ViewState()
        self.marked: set[str] = set()
        self.only_changed = False
        self.compact = False  # a narrow terminal: the details pane shows sha and date instead
        self._columns = TableColumns(hidden)
        self._store = CellStore(precision)
        self._store.by_id = self._columns.by_id  # the value columns' keys, as they change
        self._shown: list[ViewRow] = []
        self._names = NameCells()
        self._shown_ids: list[str] = []

    def _style(self, part: str) -> Style:
        """The foreground style of one of our component classes (no background)."""
        return self.get_component_rich_style(f"revision-table--{part}", partial=True)

    # --- data ------------------------------------------------------------------------------
    def set_names(self, revisions: Sequence[Revision]) -> None:
        """Show the first `NAMES_FIRST` of `revisions` before their values are read, a row each
        with its name, sha and date, until `set_rows` brings the values; the count says all."""
        self._listed = len(revisions)
        named = [RevisionValues(revision) for revision in revisions[:NAMES_FIRST]]
        self._replace_rows(named, names_only=True)

    def set_rows(self, rows: Sequence[RevisionValues], layout: Any = None) -> bool:
        """Replace every row (a reload); marks, folds, sort, filter and the cursor row stay.
        `layout`: what `measured_layout()` gave at an earlier start on the same listing; whether it
        was taken (else the cells were measured)."""
        return self._replace_rows(rows, names_only=False, layout=layout)

    def measured_layout(self) -> dict[str, Any]:
        """The widths measured over the loaded rows, for `set_rows` at the next start."""
        return self._store.layout(self.rows_loaded)

    def _replace_rows(
        self, rows: Sequence[RevisionValues], *, names_only: bool, layout: Any = None
    ) -> bool:
        self.names_only = names_only
        current = self.current  # read before the rows change: `_shown` indexes the old rows
        old, self.rows_loaded = self.rows_loaded, list(rows)
        self._index = RowIndex(self.rows_loaded)
        self._columns.restart(self.rows_loaded)
        taken = layout is not None and self._store.adopt(self.rows_loaded, layout)
        if not taken:
            self._store.carry_over(old, self.rows_loaded)
        self._names.clear()
        self.refresh_view(keep_rev=current.revision.rev if current else None)
        return taken

    def set_badges(self, badges: Mapping[str, Sequence[str]]) -> None:
        """Show GTO versions and stages (labels by commit sha) after the names of their rows;
        only the name cells of commits whose labels changed are rebuilt."""
        if self._names.set_badges(badges, self.rows_loaded):
            self.refresh_view()

    def set_reviews(self, reviews: Mapping[str, ReviewSummary]) -> None:
        """Show each commit's verdict (by sha) in the review column."""
        self._store.set_reviews(reviews)
        self.refresh_view()

    def set_gates(self, gates: Mapping[str, GateResult | str]) -> None:
        """Show each row's gate result (by rev; a string is the error) in the gate column."""
        self._store.set_gates(gates)
        self.refresh_view()

    def append_rows(self, rows: Sequence[RevisionValues]) -> None:
        """Add rows as they stream in from the loader."""
        self.names_only = False
        self.rows_loaded.extend(rows)
        self._columns.add(rows)
        self.refresh_view()

    @property
    def value_columns(self) -> list[ColumnKey]:
        """Every param and metric column, in table order (hidden ones too)."""
        return self._columns.values

    @property
    def hidden(self) -> set[str]:
        """The ids of the hidden columns."""
        return self._columns.hidden

    def label_of(self, column: str) -> str:
        return self._columns.label_of(column)

    @property
    def current(self) -> RevisionValues | None:
        """The revision under the cursor."""
        if not self._shown or not 0 <= self.cursor_row < len(self._shown):
            return None
        return self.rows_loaded[self._shown[self.cursor_row].row]

    def marked_values(self) -> list[RevisionValues]:
        """Marked revisions, in load order."""
        return [v for v in self.rows_loaded if v.revision.rev in self.marked]

    @property
    def view_rows(self) -> list[ViewRow]:
        """The rows shown, in order, with their tree decoration."""
        return list(self._shown)

    @property
    def shown_values(self) -> list[RevisionValues]:
        return [self.rows_loaded[row.row] for row in self._shown]

    @property
    def shown_column_ids(self) -> list[str]:
        """The ids of the columns on screen, in order (after the mark column)."""
        return self._shown_ids[1:]

    def column_ids(self) -> list[str]:
        """Every value column id, in table order (hidden ones too)."""
        return [c.id for c in self.value_columns]

    def column_choices(self) -> list[tuple[str, str, str]]:
        """(id, label, kind) of every column the user may hide (what the column chooser lists)."""
        return self._columns.choices()

    @property
    def cursor_value_column(self) -> ColumnKey | None:
        """The param or metric column under the cursor (None on a revision column)."""
        cid = self._cursor_column_id()
        return self._columns.by_id.get(cid) if cid is not None else None

    def cell_text(self, values: RevisionValues, cid: str) -> str:
        """What the table shows for `values` in column `cid`."""
        return self._store.cell(values, cid).plain

    # --- view ------------------------------------------------------------------------------
    def _shown_value_columns(self) -> list[ColumnKey]:
        candidates = [c for c in self.value_columns if c.id not in self.hidden]
        if self.only_changed:
            candidates = differing_columns(self.rows_loaded, self._shown, candidates)
        return candidates

    def refresh_view(self, keep_rev: str | None = None) -> None:
        """Recompute the rows and columns shown, keeping the cursor on the same revision."""
        if keep_rev is None:
            current = self.current
            kept = current or self.announced
            keep_rev = kept.revision.rev if kept else None
        keep_column = self._cursor_column_id()
        sort_by = None
        if self.state.sort_column is not None:
            sort_by = self._columns.by_id.get(self.state.sort_column, self.state.sort_column)
        self._shown = visible_rows(self.rows_loaded, self.state, sort_by, self._index)
        dropped = self.hidden | (COMPACT_HIDDEN if self.compact else set())
        revision_ids = [c for c in REVISION_COLUMNS if c == "name" or c not in dropped]
        ids = ["mark", *revision_ids, *(c.id for c in self._shown_value_columns())]
        self._shown_ids = ids
        shown, loaded, marked, store = self._shown, self.rows_loaded, self.marked, self._store
        value_ids = ids[2:]
        mark_style = self._style("mark")
        mark_cells = (Text(" ", style=mark_style), Text(MARK, style=mark_style))
        names, badge_style = self._names, self._style("badge")

        def build(position: int) -> list[Text]:  # a row's cells, when the grid first needs it
            view_row = shown[position]
            index = view_row.row
            mark = mark_cells[loaded[index].revision.rev in marked]
            name = names.cell(view_row, loaded[index], badge_style)
            return [mark, name, *(store.cell(loaded[index], cid) for cid in value_ids)]

        grid_columns = [GridColumn("mark", Text(" "), 1)]
        name_width = names.widest(shown, loaded)
        for cid in ids[1:]:
            header = self._header_text(cid)
            width = name_width if cid == "name" else store.measure(cid, loaded)
            grid_columns.append(GridColumn(cid, header, max(width, cell_len(header.plain))))
        self.set_data(grid_columns, LazyRows(len(shown), build))
        self._restore_cursor(keep_rev, keep_column)
        sort_label = None
        if self.state.sort_column is not None:
            arrow = "↓" if self.state.sort_reverse else "↑"
            sort_label = f"{self.label_of(self.state.sort_column)} {arrow}"
        contexts = sum(map(attrgetter("context"), self._shown))  # context rows don't count
        total = self._listed if self.names_only else len(self.rows_loaded)
        self.view = ViewSummary(len(self._shown) - contexts, total, sort_label)
        self._announce_current()

    def _header_text(self, cid: str) -> Text:
        label = self.label_of(cid)
        if cid == self.state.sort_column:
            label += " ▼" if self.state.sort_reverse else " ▲"
        kind = cid.split(":", 1)[0]
        return Text(
            label, style=self._style(f"{kind}-header") if kind in ("metric", "param") else ""
        )

    def _cursor_column_id(self) -> str | None:
        if 0 <= self.cursor_column < len(self._shown_ids):
            return self._shown_ids[self.cursor_column]
        return None

    def _restore_cursor(self, rev: str | None, column: str | None) -> None:
        index = self._index.find(rev)
        row = next((i for i, view_row in enumerate(self._shown) if view_row.row == index), 0)
        ids = self._shown_ids
        self.move_cursor(row, ids.index(column) if column in ids else 1)

    def _announce_current(self) -> None:
        current = self.current
        if current is not self.announced:
            self.announced = current

    # --- state changes -----------------------------------------------------------------------
    def sort_by(self, cid: str) -> None:
        """Sort by `cid`: ascending, then descending, then back to the tree."""
        if cid != "mark":
            self.state.cycle_sort(cid)
            self.refresh_view()

    def set_predicate(self, predicate: Predicate | None) -> None:
        """Filter; the cursor lands on the first match when its row is only context (a baseline
        shown for its matching experiments), so `p` or `c` never acts on a row that did not
        match."""
        self.state.predicate = predicate
        self.refresh_view()
        shown = self._shown
        if predicate is not None and shown and shown[self.cursor_row].context:
            first = next((i for i, row in enumerate(shown) if not row.context), None)
            if first is not None:
                self.move_cursor(first)
                self._announce_current()

    def narrow(self, head_rev: str | None) -> None:
        """Show only the group headed by `head_rev` (None widens again)."""
        self.state.narrow_to = head_rev
        self.refresh_view()
        if head_rev is not None:
            self._restore_cursor(head_rev, self._cursor_column_id())
            self._announce_current()

    def set_only_changed(self, only: bool) -> None:
        self.only_changed = only
        self.refresh_view()

    def set_compact(self, compact: bool) -> None:
        """Below 100 columns the sha and date columns make way for metrics (details show them)."""
        if compact != self.compact:
            self.compact = compact
            self.refresh_view()

    def set_hidden(self, hidden: Iterable[str]) -> None:
        self._columns.hidden = set(hidden)
        self.refresh_view()

    # --- actions -----------------------------------------------------------------------------
    def action_toggle_mark(self) -> None:
        if (current := self.current) is None:
            return
        rev = current.revision.rev
        self.marked.symmetric_difference_update({rev})
        row = list(self.grid_rows[self.cursor_row])
        style = self._style("mark")
        row[0] = Text(MARK if rev in self.marked else " ", style=style)
        self.update_row(self.cursor_row, row)
        self.post_message(self.Marked(self, tuple(self.marked_values())))
        self.action_cursor_down()

    def action_clear_marks(self) -> None:
        self.marked.clear()
        self.refresh_view()
        self.post_message(self.Marked(self, ()))

    def action_sort(self) -> None:
        cid = self._cursor_column_id()
        if cid is not None:
            self.sort_by(cid if cid != "mark" else "name")

    def action_fold(self) -> None:
        if (current := self.current) is None:
            return
        if self.state.sort_column is not None:
            self.notify("Folding works on the tree; press s on the sorted column to unsort.")
            return
        head = self.state.toggle_fold(current.revision)
        if head is None:
            return
        self.refresh_view()
        self._restore_cursor(head, self._cursor_column_id())
        self._announce_current()

    def action_fold_all(self) -> None:
        self.state.toggle_fold_all(self.rows_loaded)
        self.refresh_view()

    # --- events ------------------------------------------------------------------------------
    def on_grid_header_clicked(self, event: Grid.HeaderClicked) -> None:
        event.stop()
        self.sort_by(event.column_key)

    def on_grid_cursor_moved(self, event: Grid.CursorMoved) -> None:
        event.stop()
        self._announce_current()
