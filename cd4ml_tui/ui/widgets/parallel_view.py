"""The parallel-coordinates view: a chart with one line per revision across the chosen params
and the metric, and below it the same revisions as rows (best first), marked ones highlighted.

The widget owns its worker: `show` computes `core.api.parallel_coordinates` (pandas) in a thread
and posts `ParallelView.Computed`, which the handler here draws.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from cd4ml_tui.core.api import (
    ParallelCoordinates,
    format_value,
    metric_direction,
    parallel_coordinates,
)
from cd4ml_tui.core.config import Settings
from cd4ml_tui.core.errors import Cd4mlError
from cd4ml_tui.core.model import ColumnKey, RevisionValues
from cd4ml_tui.render.parallel_draw import draw_parallel
from cd4ml_tui.ui.messages import WidgetMessage, report_failure
from cd4ml_tui.ui.widgets.chart import new_chart
from cd4ml_tui.ui.widgets.insight_tables import KeyedTable

if TYPE_CHECKING:
    from textual_plotext import PlotextPlot

MARKED_STYLE = "bold magenta"


class ParallelView(Vertical):
    """Parallel coordinates of the insight's revisions."""

    DEFAULT_CSS = """
    ParallelView { height: 1fr; }
    ParallelView > PlotextPlot { height: 2fr; min-height: 10; }
    ParallelView > #parallel-note { height: 1; color: $text-muted; padding: 0 1; }
    ParallelView > DataTable { height: 1fr; min-height: 4; }
    """

    class Computed(WidgetMessage):
        def __init__(
            self, view: ParallelView, chart: ParallelCoordinates | None, error: str
        ) -> None:
            super().__init__(view)
            self.view = view
            self.chart = chart
            self.error = error

    on_worker_state_changed = report_failure

    def __init__(self, settings: Settings, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.settings = settings
        self.chart: ParallelCoordinates | None = None
        self.values: dict[str, RevisionValues] = {}
        self.columns: list[ColumnKey] = []
        self.marked: set[str] = set()
        self.labels: Mapping[ColumnKey, str] = {}
        self._generation = 0

    def compose(self) -> ComposeResult:
        yield new_chart(id="parallel-chart")
        yield Static(id="parallel-note")
        yield KeyedTable(id="parallel-rows", cursor_type="row", zebra_stripes=True)

    def show(
        self,
        values: Sequence[RevisionValues],
        params: Sequence[ColumnKey],
        metric: ColumnKey,
        marked: Collection[str],
        labels: Mapping[ColumnKey, str],
    ) -> None:
        """Draw `params` then `metric` for `values` (computed in a worker)."""
        self.values = {v.revision.rev: v for v in values}
        self.columns = [*params, metric]
        self.marked, self.labels = set(marked), labels
        self._generation += 1
        self._compute(list(values), list(params), metric, self._generation)

    @work(thread=True, exclusive=True, group="parallel", exit_on_error=False)
    def _compute(
        self,
        values: list[RevisionValues],
        params: list[ColumnKey],
        metric: ColumnKey,
        generation: int,
    ) -> None:
        try:
            chart, error = parallel_coordinates(values, params, metric), ""
        except Cd4mlError as err:
            chart, error = None, str(err)
        if generation == self._generation:
            self.post_message(self.Computed(self, chart, error))

    def _label(self, column: ColumnKey) -> str:
        return self.labels.get(column, column.key)

    def on_parallel_view_computed(self, message: Computed) -> None:
        self.chart = message.chart
        plot = cast("PlotextPlot", self.query_one("#parallel-chart"))
        plot.plt.clear_figure()
        note = self.query_one("#parallel-note", Static)
        if message.chart is None or not message.chart.lines:
            note.update(message.error or "no revision has a number for this metric")
            plot.refresh()
            self._fill_rows()
            return
        labels = [self._label(axis.column) for axis in message.chart.axes]
        draw_parallel(plot.plt, message.chart, labels, self.marked)
        plot.refresh()
        shown = sum(1 for line in message.chart.lines if line.rev in self.marked)
        note.update(
            f"{len(message.chart.lines)} revisions · {shown} marked (magenta) · "
            "each axis runs from its lowest to its highest value"
        )
        self._fill_rows()

    def _fill_rows(self) -> None:
        table = self.query_one("#parallel-rows", DataTable)
        table.clear(columns=True)
        if self.chart is None:
            return
        metric = self.columns[-1]
        table.add_columns("revision", *(self._label(c) for c in self.columns))
        direction = metric_direction(metric, self.settings).direction
        rows = [self.values[line.rev] for line in self.chart.lines]
        rows.sort(key=lambda v: v.get(metric), reverse=direction != "min")
        precision = self.settings.precision
        for row in rows:
            style = MARKED_STYLE if row.revision.rev in self.marked else ""
            cells = [Text(row.revision.label, style=style)]
            cells += [Text(format_value(row.get(c), precision), style=style) for c in self.columns]
            table.add_row(*cells)
