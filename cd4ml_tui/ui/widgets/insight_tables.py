"""The insight tables: params by strength, the metric per value of the highlighted param, and
summary statistics of every metric.

The widget owns its worker: `compute` runs `core.api.insight` (pandas) in a thread and posts
`InsightTables.Computed`; the handler here fills the tables, then the message reaches the screen.
Groups that hold a marked revision are highlighted and name it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Static
from textual.widgets.data_table import ColumnKey as DataTableColumnKey

from cd4ml_tui.core.api import Insight, ParamInsight, best_label, insight
from cd4ml_tui.core.config import Settings
from cd4ml_tui.core.errors import Cd4mlError
from cd4ml_tui.core.model import ColumnKey, RevisionValues
from cd4ml_tui.render.insight_text import (
    PARAM_HEADERS,
    SUMMARY_HEADERS,
    number_text,
    param_cells,
    summary_cells,
)
from cd4ml_tui.ui.messages import WidgetMessage, report_failure

MARKED_STYLE = "bold magenta"
GROUP_HEADERS = ("value", "count", "mean", "best", "revision", "marked")
CHART_MARK = "●"


class KeyedTable(DataTable[Text]):
    """A DataTable that also moves with j/k, as every list in the app does."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="insight.table.down"),
        Binding("k", "cursor_up", "Up", show=False, id="insight.table.up"),
    ]


class InsightTables(Vertical):
    """Params (cursor picks the grouped param), groups, summaries."""

    DEFAULT_CSS = """
    InsightTables { height: 1fr; }
    InsightTables > #insight-top { height: 1fr; }
    InsightTables #insight-params { width: 3fr; }
    InsightTables #insight-groups { width: 2fr; }
    InsightTables > .insight-heading { height: 1; color: $text-muted; padding: 0 1; }
    InsightTables > #insight-summary { height: auto; max-height: 9; }
    InsightTables.-narrow > #insight-top { layout: vertical; }
    InsightTables.-narrow #insight-params { width: 1fr; height: 1fr; }
    InsightTables.-narrow #insight-groups { width: 1fr; height: 1fr; }
    InsightTables.-short > #insight-summary { max-height: 5; }
    """
    NARROW = 120  # below this width the params and the groups stack, not side by side
    SHORT = 30  # below this height the summary gets fewer rows (it scrolls)

    class Computed(WidgetMessage):
        """An insight was computed (or `error` says why not)."""

        def __init__(self, tables: InsightTables, result: Insight | None, error: str) -> None:
            super().__init__(tables)
            self.tables = tables
            self.result = result
            self.error = error

    on_worker_state_changed = report_failure

    def __init__(self, settings: Settings, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.settings = settings
        self.result: Insight | None = None
        self.labels: Mapping[ColumnKey, str] = {}
        self.marked: set[str] = set()
        self.chart_params: list[ColumnKey] = []
        self._generation = 0

    def compose(self) -> ComposeResult:
        with Horizontal(id="insight-top"):
            yield KeyedTable(id="insight-params", cursor_type="row", zebra_stripes=True)
            yield KeyedTable(id="insight-groups", cursor_type="row")
        yield Static("summary of every metric over the same revisions", classes="insight-heading")
        yield KeyedTable(id="insight-summary", cursor_type="row")

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < self.NARROW, "-narrow")
        self.set_class(event.size.height < self.SHORT, "-short")

    def on_mount(self) -> None:
        self.query_one("#insight-params", DataTable).add_columns(" ", *PARAM_HEADERS)
        self.query_one("#insight-summary", DataTable).add_columns(*SUMMARY_HEADERS)
        groups = self.query_one("#insight-groups", DataTable)
        for header in GROUP_HEADERS:
            groups.add_column(header, key=header)

    # --- data in ------------------------------------------------------------------------------
    def compute(
        self,
        values: Sequence[RevisionValues],
        metric: ColumnKey,
        marked: Collection[str],
        labels: Mapping[ColumnKey, str],
    ) -> None:
        """Compute the insight of `metric` over `values` in a worker; the tables follow."""
        self.labels, self.marked = labels, set(marked)
        self._generation += 1
        self._compute(list(values), metric, self._generation)

    @work(thread=True, exclusive=True, group="insight", exit_on_error=False)
    def _compute(self, values: list[RevisionValues], metric: ColumnKey, generation: int) -> None:
        try:
            result = insight(values, metric, self.settings)
            error = ""
        except Cd4mlError as err:
            result, error = None, str(err)
        if generation == self._generation:
            self.post_message(self.Computed(self, result, error))

    def on_insight_tables_computed(self, message: Computed) -> None:
        self.result = message.result
        self._fill_params()
        self._fill_groups()
        self._fill_summary()

    def set_chart_params(self, params: Sequence[ColumnKey]) -> None:
        """Which params the parallel chart shows (marked ● in the params table)."""
        self.chart_params = list(params)
        self._fill_params(keep_cursor=True)

    # --- state --------------------------------------------------------------------------------
    @property
    def current_param(self) -> ParamInsight | None:
        table = self.query_one("#insight-params", DataTable)
        if self.result is None or not self.result.params:
            return None
        row = min(max(table.cursor_row, 0), len(self.result.params) - 1)
        return self.result.params[row]

    # --- drawing ------------------------------------------------------------------------------
    def _fill_params(self, keep_cursor: bool = False) -> None:
        table = self.query_one("#insight-params", DataTable)
        row = table.cursor_row
        table.clear()
        if self.result is None:
            return
        for param in self.result.params:
            mark = Text(CHART_MARK if param.column in self.chart_params else "", style="magenta")
            table.add_row(mark, *param_cells(self.result, param, self.labels))
        if keep_cursor and self.result.params:
            table.move_cursor(row=min(row, len(self.result.params) - 1))

    def _fill_groups(self) -> None:
        table = self.query_one("#insight-groups", DataTable)
        table.clear()
        param = self.current_param
        if self.result is None or param is None:
            return
        label = self.labels.get(param.column, param.column.key)
        first = table.columns[DataTableColumnKey(GROUP_HEADERS[0])]
        first.label = Text(label)
        first.content_width = max(first.content_width, first.label.cell_len)
        precision = self.settings.precision
        for group in param.groups:
            marked = [r for r in group.revs if r in self.marked]
            names = ", ".join(best_label(self.result, r) for r in marked)
            style = MARKED_STYLE if marked else ""
            table.add_row(
                Text(group.text, style=style),
                Text(str(group.count), justify="right"),
                number_text(group.mean, precision),
                number_text(group.best, precision),
                Text(best_label(self.result, group.best_rev)),
                Text(names, style=style),
            )

    def _fill_summary(self) -> None:
        table = self.query_one("#insight-summary", DataTable)
        table.clear()
        if self.result is None:
            return
        for summary in self.result.summaries:
            table.add_row(
                *summary_cells(self.result, summary, self.labels, self.settings.precision)
            )

    @on(DataTable.RowHighlighted, "#insight-params")
    def _param_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._fill_groups()
