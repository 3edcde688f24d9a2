"""The compare screen: deltas of the compared revisions against a baseline, their plots and diff.

Opened by the main screen with every loaded row (`values`), the revisions to compare and maybe a
baseline. Without a baseline, the core's one rule picks it (`choose_baseline`: the configured one,
else one revision's own baseline, else the first of several). Values not loaded yet and the plot
data are read in workers; only the message handlers touch widgets. `m` delivers the comparison as
the Markdown report of `cd4ml-tui compare --md` (saved to the downloads folder; a download in a
browser).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Static, TabbedContent, TabPane

from cd4ml_tui.core.api import (
    Comparison,
    GateResult,
    Plot,
    choose_baseline,
    compare,
    error_notes,
    evaluate_gate,
    labels,
    load_plots,
    markdown,
    read_values,
    unique_names,
)
from cd4ml_tui.core.errors import Cd4mlError
from cd4ml_tui.core.model import Revision, RevisionValues
from cd4ml_tui.ui.delivery import deliver_report
from cd4ml_tui.ui.messages import WidgetMessage, one_line, report_failure
from cd4ml_tui.ui.widgets.app_footer import AppFooter
from cd4ml_tui.ui.widgets.delta_table import DeltaTable
from cd4ml_tui.ui.widgets.diff_pane import DiffPane
from cd4ml_tui.ui.widgets.diff_view import DiffView
from cd4ml_tui.ui.widgets.file_list import FileList
from cd4ml_tui.ui.widgets.plot_panel import PlotPanel

if TYPE_CHECKING:
    from cd4ml_tui.core.api import Repo
    from cd4ml_tui.core.config import Settings

TABS = ("deltas", "plots", "diff")


class CompareScreen(Screen[None]):
    """Compare revisions: `tab` cycles deltas → plots → diff."""

    CSS_PATH = "compare.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "next_tab", "Next tab", id="compare.next_tab", priority=True),
        Binding("o", "only_changed", "Only changed", id="compare.only_changed"),
        Binding("left_square_bracket", "cycle_metric(-1)", "Prev metric", id="compare.prev"),
        Binding("right_square_bracket", "cycle_metric(1)", "Next metric", id="compare.next"),
        Binding(
            "left_curly_bracket",
            "cycle_param(-1)",
            "Prev param",
            show=False,
            id="compare.prev_param",
        ),
        Binding(
            "right_curly_bracket",
            "cycle_param(1)",
            "Next param",
            show=False,
            id="compare.next_param",
        ),
        Binding("a", "bar_scope", "Bars: all rows", show=False, id="compare.scope"),
        Binding("less_than_sign", "diff_revision(-1)", "Prev rev", id="compare.diff_prev"),
        Binding("greater_than_sign", "diff_revision(1)", "Next rev", id="compare.diff_next"),
        Binding("m", "export_markdown", "Markdown", id="compare.markdown"),
        Binding("escape", "back", "Back", id="compare.back"),
    ]

    class Prepared(WidgetMessage):
        """The baseline and compared revisions' values, read in the worker."""

        def __init__(
            self,
            screen: CompareScreen,
            baseline: RevisionValues | None,
            compared: list[RevisionValues],
            error: str = "",
        ) -> None:
            super().__init__(screen)
            self.baseline = baseline
            self.compared = compared
            self.error = error

    class PlotsLoaded(WidgetMessage):
        def __init__(
            self, screen: CompareScreen, generation: int, plots: list[Plot] | None, error: str = ""
        ) -> None:
            super().__init__(screen)
            self.generation = generation
            self.plots = plots
            self.error = error

    on_worker_state_changed = report_failure

    def __init__(
        self,
        repo: Repo,
        settings: Settings,
        values: Sequence[RevisionValues],
        revisions: Sequence[Revision],
        baseline: Revision | None = None,
    ) -> None:
        super().__init__()
        self.repo = repo
        self.settings = settings
        self.all_rows = list(values)
        self.requested = list(revisions)
        self.requested_baseline = baseline
        self.baseline: RevisionValues | None = None
        self.compared: list[RevisionValues] = []
        self.comparison: Comparison | None = None
        self.only_changed = True
        self._plots_generation = 0
        self._plotted: tuple[str, ...] = ()
        self._diff_for: tuple[str, str] | None = None
        self._diff_index: int | None = None  # which compared revision the Diff tab shows

    def compose(self) -> ComposeResult:
        yield Static("reading values…", id="compare-title")
        with TabbedContent(initial="deltas", id="compare-tabs"):
            with TabPane("Deltas", id="deltas"):
                yield DeltaTable(self.settings.precision, id="delta-table")
                yield Static(id="delta-status")
                yield Static(id="delta-notes")
            with TabPane("Plots", id="plots"):
                yield PlotPanel(self.settings, id="plot-panel")
            with TabPane("Diff", id="diff"):
                yield Static("", id="diff-placeholder")
        yield AppFooter()

    def on_mount(self) -> None:
        self._prepare()

    # --- reading ------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="compare-values", exit_on_error=False)
    def _prepare(self) -> None:
        """Pick the baseline, and read any revision the main screen had not loaded."""
        try:
            loaded = {v.revision.rev: v for v in self.all_rows}
            baseline = self.requested_baseline
            if baseline is None:
                baseline, _ = choose_baseline(self.repo, self.requested, self.settings.baseline)
            compared = [r for r in self.requested if r.rev != baseline.rev]
            wanted = [baseline, *compared]
            missing = [r for r in wanted if r.rev not in loaded]
            for values in read_values(self.repo, missing):
                loaded[values.revision.rev] = values
            rows = [loaded[r.rev] for r in wanted]
            self.post_message(self.Prepared(self, rows[0], rows[1:]))
        except Cd4mlError as err:
            self.post_message(self.Prepared(self, None, [], str(err)))

    @work(thread=True, exclusive=True, group="compare-plots", exit_on_error=False)
    def _load_plots(self, generation: int, revisions: list[Revision], names: list[str]) -> None:
        try:
            plots = load_plots(self.repo, revisions, names)
            self.post_message(self.PlotsLoaded(self, generation, plots))
        except Exception as err:  # a plot file we cannot make sense of: say so in the panel
            self.post_message(self.PlotsLoaded(self, generation, None, one_line(err)))

    def on_compare_screen_prepared(self, message: Prepared) -> None:
        if message.baseline is None:
            self.query_one("#compare-title", Static).update(Text(message.error, style="red"))
            self.notify(message.error, title="Cannot compare", severity="error")
            return
        self.baseline, self.compared = message.baseline, message.compared
        if not self.compared:
            self.notify("Nothing to compare against the baseline: mark rows with space.")
        self._refresh()

    def on_compare_screen_plots_loaded(self, message: PlotsLoaded) -> None:
        if message.generation == self._plots_generation:
            self.query_one(PlotPanel).set_plots(message.plots, message.error or None)

    # --- drawing ------------------------------------------------------------------------------
    @property
    def names(self) -> list[str]:
        """Display names: the baseline then the compared revisions, unique."""
        assert self.baseline is not None
        return unique_names([self.baseline.revision, *(v.revision for v in self.compared)])

    @property
    def comparison_rows(self) -> list[RevisionValues]:
        """The baseline, then the compared revisions."""
        return [self.baseline, *self.compared] if self.baseline is not None else []

    def _refresh(self) -> None:
        assert self.baseline is not None
        self.comparison = compare(self.baseline, self.compared, self.settings)
        names = self.names
        column_labels = labels([row.column for row in self.comparison.rows])
        by_key = {c.id: label for c, label in column_labels.items()}
        table = self.query_one(DeltaTable)
        gates, gate_note = self._gates()
        table.show(self.comparison, names, by_key, self.only_changed, gates)
        changed = sum(1 for row in self.comparison.rows if row.changed)
        title = Text.assemble(
            (str(len(self.compared)), "bold"),
            " revision(s) against ",
            (f"◆ {names[0]}", "bold"),
            f" · {changed} of {len(self.comparison.rows)} rows differ",
        )
        self.query_one("#compare-title", Static).update(title)
        hidden = table.hidden_params
        status = f"{hidden} unchanged params hidden (o shows them) · " if hidden else ""
        legend = "↑ higher / ↓ lower is better · * guessed · underline: best · b: baseline"
        self.query_one("#delta-status", Static).update(status + legend + gate_note)
        notes = self.query_one("#delta-notes", Static)
        lines = [f"! {note}" for note in error_notes(self.comparison_rows)]
        notes.update(Text("\n".join(lines)))
        notes.display = bool(lines)
        panel = self.query_one(PlotPanel)
        panel.set_values([self.baseline, *self.compared], names, self.all_rows, column_labels)
        revisions = [self.baseline.revision, *(v.revision for v in self.compared)]
        plotted = tuple(r.rev for r in revisions)
        if plotted != self._plotted:
            self._plotted = plotted
            self._plots_generation += 1
            panel.set_plots(None)
            self._load_plots(self._plots_generation, revisions, names)
        if self.query_one(TabbedContent).active == "diff":
            self._show_diff()

    def _gates(self) -> tuple[list[GateResult] | None, str]:
        """Each compared revision held to the gate rules against the baseline on screen."""
        if not self.settings.gate.rules or self.baseline is None:
            return None, ""
        try:
            gates = [evaluate_gate(v, self.baseline, self.settings) for v in self.compared]
        except Cd4mlError as err:
            return None, f" · gate: {err}"
        return gates, " · ✓/✗ gate rule against ◆"

    # --- actions ------------------------------------------------------------------------------
    def action_next_tab(self) -> None:
        """`tab` reaches every pane: deltas → plots → diff file list → diff → deltas."""
        tabs = self.query_one(TabbedContent)
        if tabs.active == "diff":
            files = self.query(FileList)
            if files and files.last().has_focus:
                self.query(DiffPane).last().focus()
                return
        tabs.active = TABS[(TABS.index(tabs.active) + 1) % len(TABS)]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "diff_revision":  # only on the Diff tab, with a revision to switch to
            return self.query_one(TabbedContent).active == "diff" and len(self.compared) > 1
        return True

    def action_diff_revision(self, step: int) -> None:
        """`<`/`>`: the Diff tab shows the baseline against the previous/next compared revision."""
        if len(self.compared) < 2:
            return
        current = self._diff_index if self._diff_index is not None else self._diff_head_index()
        self._diff_index = (current + step) % len(self.compared)
        self._show_diff()

    def _diff_head_index(self) -> int:
        under = self.query_one(DeltaTable).revision_under_cursor()
        revs = [v.revision.rev for v in self.compared]
        return revs.index(under.rev) if under is not None and under.rev in revs else 0

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        pane = event.pane.id
        if pane == "deltas":
            self.query_one(DeltaTable).focus()
        elif pane == "plots":
            self.query_one(PlotPanel).focus()
        elif pane == "diff":
            self._show_diff()
            self.call_after_refresh(self._focus_diff_files)
        self.refresh_bindings()

    def _focus_diff_files(self) -> None:
        files = self.query(FileList)
        if files:
            files.last().focus()

    def action_only_changed(self) -> None:
        self.only_changed = not self.only_changed
        if self.baseline is not None:
            self._refresh()

    def action_cycle_metric(self, step: int) -> None:
        self.query_one(PlotPanel).cycle_metric(step)

    def action_cycle_param(self, step: int) -> None:
        self.query_one(PlotPanel).cycle_param(step)

    def action_bar_scope(self) -> None:
        self.query_one(PlotPanel).toggle_scope()

    def action_back(self) -> None:
        self.dismiss(None)

    def action_export_markdown(self) -> None:
        """The `compare --md` report of what is shown (all rows when `o` shows them all)."""
        if self.comparison is None:
            self.notify("Still reading the values to compare…")
            return
        names = self.names
        report = markdown(
            self.comparison, names[0], names[1:], not self.only_changed, self.settings.precision
        )
        filename = f"compare-{'-'.join(names)}"[:100].replace("/", "_") + ".md"
        deliver_report(self.app, report, filename, "compare report", "text/markdown")

    def on_delta_table_baseline_chosen(self, message: DeltaTable.BaselineChosen) -> None:
        """Swap: the chosen revision becomes the baseline, the old baseline takes its column."""
        if self.baseline is None:
            return
        for index, values in enumerate(self.compared):
            if values.revision.rev == message.revision.rev:
                self.compared[index], self.baseline = self.baseline, values
                break
        self._refresh()
        self.notify(f"Baseline: {message.revision.label}")

    # --- diff ---------------------------------------------------------------------------------
    def _show_diff(self) -> None:
        """The diff of the baseline and the revision under the table's cursor (or the first)."""
        if self.baseline is None or not self.compared:
            return
        if self._diff_index is None or self._diff_index >= len(self.compared):
            self._diff_index = self._diff_head_index()
        head = self.compared[self._diff_index].revision
        pair = (self.baseline.revision.rev, head.rev)
        if pair == self._diff_for:
            return
        self._diff_for = pair
        pane = self.query_one("#diff", TabPane)
        for old in pane.query(".compare-diff"):
            old.remove()
        placeholder = self.query_one("#diff-placeholder", Static)
        which = ""
        if len(self.compared) > 1:
            which = f"  ({self._diff_index + 1} of {len(self.compared)}: < > the other revisions)"
        placeholder.update(Text(f"{self.baseline.revision.label} → {head.label}{which}"))
        view = DiffView(self.repo, self.baseline.revision, head)
        view.add_class("compare-diff")
        pane.mount(view)
        if self.query_one(TabbedContent).active == "diff":
            self.call_after_refresh(self._focus_diff_files)
