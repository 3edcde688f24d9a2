"""The main screen: refs on the left, the revisions table and the detail pane on the right.

Reading lives in `loading` (a worker that streams rows), live refresh and fetching in `live`,
and the compare/diff/promote/undo actions in `actions`; this module lays the screen out and keeps
the status bar, filter, columns, refs narrowing and details in step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, ProgressBar, Static

from cd4ml_tui.core.api import QueryError, compile_query
from cd4ml_tui.core.model import ColumnKey
from cd4ml_tui.ui.screens.actions import RevisionActions
from cd4ml_tui.ui.screens.live import LiveRefresh
from cd4ml_tui.ui.screens.loading import LoadOptions, RevisionLoading
from cd4ml_tui.ui.widgets.detail_pane import DetailPane
from cd4ml_tui.ui.widgets.filter_bar import FilterBar
from cd4ml_tui.ui.widgets.grid import Grid
from cd4ml_tui.ui.widgets.refs_pane import RefsPane
from cd4ml_tui.ui.widgets.revision_table import RevisionTable

if TYPE_CHECKING:
    from cd4ml_tui.core.api import Repo
    from cd4ml_tui.core.config import Settings

__all__ = ["LoadOptions", "MainScreen"]


class MainScreen(RevisionLoading, LiveRefresh, RevisionActions, Screen[None]):
    """Browse every revision; keys are listed by `?` and offered by ctrl+p."""

    AUTO_FOCUS = "#revisions"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter", id="main.filter"),
        Binding("o", "only_changed", "Only changed", id="main.only_changed"),
        Binding("v", "choose_columns", "Columns", id="main.columns"),
        Binding("c", "compare", "Compare", id="main.compare"),
        Binding("d", "diff", "Diff", id="main.diff"),
        Binding("p", "promote", "Promote", id="main.promote"),
        Binding("u", "undo_promotion", "Undo promote", show=False, id="main.undo"),
        Binding("r", "reload", "Reload", id="main.reload"),
        Binding("F", "fetch", "Fetch exps", show=False, id="main.fetch"),
        Binding("escape", "back", "Back", show=False, id="main.back"),
    ]

    def __init__(self, repo: Repo, settings: Settings, options: LoadOptions) -> None:
        super().__init__()
        self.repo = repo
        self.settings = settings
        self.filter_text = ""
        self.init_loading(options)
        self.init_live()
        self.init_actions()
        self._view: tuple[int, int, str | None] = (0, 0, None)  # shown, total, sort label

    def compose(self) -> ComposeResult:
        with Horizontal(id="status-bar"):
            yield Static(id="status")
            yield ProgressBar(id="progress", show_eta=False)
        with Horizontal(id="body"):
            yield RefsPane(id="refs")
            with Vertical(id="right"):
                yield RevisionTable(
                    self.settings.precision, self.settings.hidden_columns, id="revisions"
                )
                yield DetailPane(id="detail")
        yield FilterBar(id="filter")
        yield Footer()

    @property
    def table(self) -> RevisionTable:
        return self.query_one(RevisionTable)

    def on_mount(self) -> None:
        self.call_after_refresh(self.table.focus)  # AUTO_FOCUS alone loses it on the first layout
        self.call_after_refresh(self.action_reload)  # paint the empty screen first
        self.start_watching()

    # --- status -------------------------------------------------------------------------------
    def _update_status(self) -> None:
        shown, total, sort_label = self._view
        parts = [f"[b]{self.repo.root.name}[/b]", f"{shown}/{total} revisions"]
        if self.reading:
            done, total = self._progress
            parts.append(f"reading {done}/{total}…" if total else "listing revisions…")
        if self.fetching:
            parts.append(f"fetching {self.fetching}…")
        if not self.repo.has_dvc:
            parts.append("[yellow]DVC not set up[/]")
        if sort_label:
            parts.append(f"sorted by {sort_label}")
        if self.table.state.narrow_to:
            head = self.revisions.get(self.table.state.narrow_to)
            parts.append(f"group {head.label if head else self.table.state.narrow_to[:7]} (esc)")
        if self.filter_text:
            parts.append(f"filter: {self.filter_text}")
        if self.table.only_changed:
            parts.append("only changed columns")
        if self.table.marked:
            parts.append(f"{len(self.table.marked)} marked")
        self.query_one("#status", Static).update(" · ".join(parts))

    def on_revision_table_view_changed(self, message: RevisionTable.ViewChanged) -> None:
        self._view = (message.shown, message.total, message.sort_label)
        self._update_status()

    def on_revision_table_marked(self, message: RevisionTable.Marked) -> None:
        self._update_status()

    def on_revision_table_current_changed(self, message: RevisionTable.CurrentChanged) -> None:
        self.query_one(DetailPane).show(message.values, self.revisions)

    # --- filter, columns, refs, details ---------------------------------------------------------
    def action_filter(self) -> None:
        bar = self.query_one(FilterBar)
        bar.display = True
        bar.focus()

    def _apply_filter(self, text: str, announce: bool) -> bool:
        bar = self.query_one(FilterBar)
        try:
            predicate = compile_query(text, self.table.value_columns) if text.strip() else None
        except QueryError as err:
            bar.add_class("-invalid")
            if announce:
                self.notify(str(err), title="Bad filter", severity="error", markup=False)
            return False
        bar.remove_class("-invalid")
        self.filter_text = text.strip()
        self.table.set_predicate(predicate)
        self._update_status()
        return True

    def on_input_changed(self, event: Input.Changed) -> None:
        if isinstance(event.input, FilterBar):
            self._apply_filter(event.value, announce=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if isinstance(event.input, FilterBar) and self._apply_filter(event.value, announce=True):
            event.input.display = bool(self.filter_text)
            self.table.focus()

    def on_filter_bar_cancelled(self, _: FilterBar.Cancelled) -> None:
        bar = self.query_one(FilterBar)
        bar.value = ""
        self._apply_filter("", announce=False)
        bar.display = False
        self.table.focus()

    def action_only_changed(self) -> None:
        self.table.set_only_changed(not self.table.only_changed)
        self._update_status()

    def action_choose_columns(self) -> None:
        from cd4ml_tui.ui.screens.columns import ColumnChooser

        table = self.table
        choices = [(c, c, "revision") for c in ("sha", "created", "status")]
        choices += [
            (cid, table.label_of(cid), ColumnKey.from_id(cid).kind) for cid in table.column_ids()
        ]
        self.app.push_screen(ColumnChooser(choices, table.hidden), self._columns_chosen)

    def _columns_chosen(self, hidden: set[str] | None) -> None:
        if hidden is not None:
            self.table.set_hidden(hidden)

    def on_refs_pane_chosen(self, message: RefsPane.Chosen) -> None:
        self.table.narrow(message.rev)
        self.table.focus()
        self._update_status()

    def on_grid_selected(self, event: Grid.Selected) -> None:
        detail = self.query_one(DetailPane)
        detail.add_class("-expanded")
        detail.focus()

    def action_back(self) -> None:
        """Undo the last narrowing step: expanded details, then the group, then the filter."""
        detail = self.query_one(DetailPane)
        if detail.has_class("-expanded"):
            detail.remove_class("-expanded")
            self.table.focus()
        elif self.table.state.narrow_to is not None:
            self.table.narrow(None)
            self._update_status()
        elif self.filter_text:
            self.on_filter_bar_cancelled(FilterBar.Cancelled())
