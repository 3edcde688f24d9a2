"""The insight screen: which params move a metric, over the rows the main table shows.

Opened with the visible rows (the workspace is left out and each sha counts once, as in
`cd4ml-tui insight`) and the marked revisions. Tab "Correlations": params by strength, the metric
per value of the highlighted param, summaries of every metric. Tab "Parallel": one line per
revision across the chart's params and the metric. `[`/`]` change the metric, `space` adds the
highlighted param to the chart or takes it out. The widgets compute in their own workers.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from cd4ml_tui.core.api import columns, insight_rows, labels, metric_columns
from cd4ml_tui.core.config import Settings
from cd4ml_tui.core.model import ColumnKey, RevisionValues
from cd4ml_tui.render.insight_text import direction_label
from cd4ml_tui.ui.widgets.app_footer import AppFooter
from cd4ml_tui.ui.widgets.insight_tables import InsightTables
from cd4ml_tui.ui.widgets.parallel_view import ParallelView

TABS = ("correlations", "parallel")
CHART_PARAMS = 4  # the strongest params a chart starts with


class InsightScreen(Screen[None]):
    """Which params move which metric: `[`/`]` metric, `space` chart param, `tab` chart."""

    CSS_PATH = "insight.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "next_tab", "Chart/tables", id="insight.next_tab", priority=True),
        Binding("right_square_bracket", "cycle_metric(1)", "Next metric", id="insight.next"),
        Binding("left_square_bracket", "cycle_metric(-1)", "Prev metric", id="insight.prev"),
        Binding("space", "toggle_param", "Chart param", id="insight.toggle_param"),
        Binding("escape", "back", "Back", id="insight.back"),
    ]

    def __init__(
        self,
        settings: Settings,
        values: Sequence[RevisionValues],
        marked: Collection[str] = (),
        metric: ColumnKey | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.rows = insight_rows(values)
        self.marked = set(marked)
        self.labels = labels(columns(self.rows))
        self.metrics = metric_columns(self.rows)
        self.metric = metric if metric in self.metrics else None
        if self.metric is None and self.metrics:
            self.metric = self.metrics[0]
        self.chart_params: list[ColumnKey] = []
        self._chosen_by_user = False

    def compose(self) -> ComposeResult:
        yield Static("computing…", id="insight-title")
        with TabbedContent(initial="correlations", id="insight-tabs"):
            with TabPane("Correlations", id="correlations"):
                yield InsightTables(self.settings, id="insight-tables")
            with TabPane("Parallel coordinates", id="parallel"):
                yield ParallelView(self.settings, id="parallel-view")
        yield AppFooter()

    def on_mount(self) -> None:
        self._recompute()
        self.query_one("#insight-params", DataTable).focus()

    @property
    def tables(self) -> InsightTables:
        return self.query_one(InsightTables)

    def _label(self, column: ColumnKey) -> str:
        return self.labels.get(column, column.key)

    def _recompute(self) -> None:
        title = self.query_one("#insight-title", Static)
        if self.metric is None:
            title.update(Text("no metrics in the visible rows", style="red"))
            return
        title.update(f"{self._label(self.metric)}: computing…")
        self.tables.compute(self.rows, self.metric, self.marked, self.labels)

    def on_insight_tables_computed(self, message: InsightTables.Computed) -> None:
        result = message.result
        title = self.query_one("#insight-title", Static)
        if result is None:
            title.update(Text(message.error, style="red"))
            self.notify(message.error, title="No insight", severity="warning", markup=False)
            return
        if not self._chosen_by_user:
            self.chart_params = result.strongest(CHART_PARAMS) or [
                p.column for p in result.params[:CHART_PARAMS]
            ]
        self.tables.set_chart_params(self.chart_params)
        marked = sum(1 for r in result.revisions if r.rev in self.marked)
        title.update(
            Text.assemble(
                (f"{self._label(result.metric)} {direction_label(result)}", "bold"),
                f" over {result.n} revisions (workspace left out) · ",
                (f"{marked} marked", "magenta" if marked else ""),
                f" · {len(result.params)} params vary",
                ("   [ ] metric · space chart param · tab chart", "dim"),
            )
        )
        self._redraw_chart()

    def _redraw_chart(self) -> None:
        if self.metric is None:
            return
        view = self.query_one(ParallelView)
        view.show(self.rows, self.chart_params, self.metric, self.marked, self.labels)

    # --- actions ------------------------------------------------------------------------------
    def action_next_tab(self) -> None:
        tabs = self.query_one(TabbedContent)
        tabs.active = TABS[(TABS.index(tabs.active) + 1) % len(TABS)]

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id == "parallel":
            self.query_one("#parallel-rows", DataTable).focus()
        else:
            self.query_one("#insight-params", DataTable).focus()

    def action_cycle_metric(self, step: int) -> None:
        if not self.metrics or self.metric is None:
            return
        index = self.metrics.index(self.metric)
        self.metric = self.metrics[(index + step) % len(self.metrics)]
        self._recompute()

    def action_toggle_param(self) -> None:
        param = self.tables.current_param
        if param is None:
            return
        self._chosen_by_user = True
        if param.column in self.chart_params:
            self.chart_params.remove(param.column)
        else:
            self.chart_params.append(param.column)
        self.tables.set_chart_params(self.chart_params)
        self._redraw_chart()

    def action_back(self) -> None:
        self.dismiss(None)
