"""The plots pane: a bar chart of one metric, the dvc.yaml plots, and a param-vs-metric scatter.

The panel only draws what it is given; the compare screen reads the plot data in a worker and
hands it over with `set_plots`. `[`/`]` cycle the metric, `{`/`}` the scatter's param, `a` the
bar chart's scope (compared revisions or every loaded row).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Static

from cd4ml_tui.core.api import (
    Plot,
    columns,
    metric_bars,
    metric_direction,
    param_metric_points,
    unique_names,
)
from cd4ml_tui.core.config import Settings
from cd4ml_tui.core.model import ColumnKey, RevisionValues
from cd4ml_tui.render.plot_draw import draw_metric_bars, draw_plot, draw_scatter, legend_text
from cd4ml_tui.ui.widgets.chart import new_chart

if TYPE_CHECKING:
    from textual_plotext import PlotextPlot


class PlotPanel(VerticalScroll):
    """Charts of the comparison, stacked; scroll with the arrow keys or `j`/`k`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "scroll_down", "Down", show=False, id="plots.down"),
        Binding("k", "scroll_up", "Up", show=False, id="plots.up"),
    ]

    DEFAULT_CSS = """
    PlotPanel { height: 1fr; padding: 0 1; }
    PlotPanel > .plot-heading { text-style: bold; margin-top: 1; }
    PlotPanel > .plot-note { color: $text-muted; }
    PlotPanel > PlotextPlot { height: 18; }
    """

    def __init__(self, settings: Settings, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.settings = settings
        self.compared: list[RevisionValues] = []  # baseline first
        self.names: list[str] = []
        self.all_rows: list[RevisionValues] = []
        self.metrics: list[ColumnKey] = []
        self.params: list[ColumnKey] = []
        self.labels: dict[ColumnKey, str] = {}
        self.metric_index = 0
        self.param_index = 0
        self.all_scope = False
        self.plots: list[Plot] | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="bars-heading", classes="plot-heading")
        yield new_chart(id="bars")
        yield Static(id="bars-note", classes="plot-note")
        yield Static("dvc.yaml plots", classes="plot-heading")
        yield Static("reading plot data…", id="plots-status", classes="plot-note")
        yield Static(id="scatter-heading", classes="plot-heading")
        yield new_chart(id="scatter")
        yield Static(id="scatter-note", classes="plot-note")

    # --- data in ----------------------------------------------------------------------------
    def set_values(
        self,
        compared: Sequence[RevisionValues],
        names: Sequence[str],
        all_rows: Sequence[RevisionValues],
        labels: dict[ColumnKey, str],
    ) -> None:
        """The baseline then the compared revisions (with their names), and every loaded row."""
        self.compared, self.names, self.all_rows = list(compared), list(names), list(all_rows)
        self.labels = labels
        known = columns([*self.compared, *self.all_rows])
        current = self.current_metric
        self.metrics = [c for c in known if c.kind == "metric"]
        self.params = [c for c in known if c.kind == "param"]
        if current in self.metrics:
            self.metric_index = self.metrics.index(current)
        self.metric_index = min(self.metric_index, max(0, len(self.metrics) - 1))
        self.param_index = min(self.param_index, max(0, len(self.params) - 1))
        self.redraw_bars()
        self.redraw_scatter()

    def set_plots(self, plots: list[Plot] | None, error: str | None = None) -> None:
        """Show the dvc.yaml plots (None while they are read)."""
        self.plots = plots
        for old in self.query(".dvc-plot"):
            old.remove()
        status = self.query_one("#plots-status", Static)
        if error:
            status.update(f"cannot read the plots: {error}")
            return
        if plots is None:
            status.update("reading plot data…")
            return
        status.update("" if plots else "no plots declared in dvc.yaml")
        widgets: list[Widget] = []
        for plot in plots:
            widgets.append(Static(plot.plot_id, classes="plot-heading dvc-plot"))
            if plot.kind == "image":
                lines = [f"{rev}: {', '.join(paths)}" for rev, paths in plot.images.items()]
                text = "\n".join(lines) or "no image in these revisions"
                widgets.append(Static(text + "\n(image: open it in a viewer)", classes="dvc-plot"))
            elif not plot.series:  # nothing to draw: one line, not an empty frame
                widgets.append(Static("no data in these revisions", classes="plot-note dvc-plot"))
            else:
                chart = new_chart(classes="dvc-plot")
                drawn = draw_plot(chart.plt, plot)
                widgets.append(chart)
                if drawn.legend:
                    widgets.append(
                        Static(legend_text(drawn.legend), classes="plot-legend dvc-plot")
                    )
                if drawn.note:
                    widgets.append(Static(drawn.note, classes="plot-note dvc-plot"))
            for rev, error_text in plot.errors.items():
                widgets.append(Static(Text(f"{rev}: {error_text}"), classes="plot-note dvc-plot"))
        self.mount_all(widgets, after=status)

    # --- state ------------------------------------------------------------------------------
    @property
    def current_metric(self) -> ColumnKey | None:
        return self.metrics[self.metric_index] if self.metrics else None

    @property
    def current_param(self) -> ColumnKey | None:
        return self.params[self.param_index] if self.params else None

    def cycle_metric(self, step: int) -> None:
        if self.metrics:
            self.metric_index = (self.metric_index + step) % len(self.metrics)
            self.redraw_bars()
            self.redraw_scatter()

    def cycle_param(self, step: int) -> None:
        if self.params:
            self.param_index = (self.param_index + step) % len(self.params)
            self.redraw_scatter()

    def toggle_scope(self) -> None:
        self.all_scope = not self.all_scope
        self.redraw_bars()

    def _label(self, column: ColumnKey | None) -> str:
        return "" if column is None else self.labels.get(column, column.key)

    # --- drawing ----------------------------------------------------------------------------
    def redraw_bars(self) -> None:
        chart = cast("PlotextPlot", self.query_one("#bars"))
        chart.plt.clear_figure()
        metric = self.current_metric
        heading = self.query_one("#bars-heading", Static)
        note = self.query_one("#bars-note", Static)
        if metric is None or not self.compared:
            heading.update("no metrics to chart")
            note.update("")
            chart.refresh()
            return
        direction = metric_direction(metric, self.settings)
        scope = "every loaded row" if self.all_scope else "compared revisions"
        rows = self.all_rows if self.all_scope else self.compared
        names = unique_names([v.revision for v in rows]) if self.all_scope else self.names
        baseline = self.compared[0].revision.rev
        bars, missing = metric_bars(rows, metric, direction.direction, baseline, names)
        guessed = " (guessed)" if direction.inferred else ""
        heading.update(
            f"{self._label(metric)} {direction.arrow} {direction.direction}{guessed} · {scope}"
            "   [dim]\\[ ] metric · a scope[/]"
        )
        if bars:
            draw_metric_bars(chart.plt, self._label(metric), bars)
        note.update(f"no value in: {', '.join(missing)}" if missing else "")
        chart.refresh()

    def redraw_scatter(self) -> None:
        chart = cast("PlotextPlot", self.query_one("#scatter"))
        chart.plt.clear_figure()
        metric, param = self.current_metric, self.current_param
        heading = self.query_one("#scatter-heading", Static)
        note = self.query_one("#scatter-note", Static)
        if metric is None or param is None:
            heading.update("scatter: needs a param and a metric")
            note.update("")
            chart.refresh()
            return
        heading.update(
            f"{self._label(metric)} vs {self._label(param)} · every loaded row"
            "   [dim]{ } param[/]"
        )
        points = param_metric_points(self.all_rows or self.compared, param, metric)
        if points:
            draw_scatter(chart.plt, points, self._label(param), self._label(metric))
        note.update(f"{len(points)} revisions with both values")
        chart.refresh()
