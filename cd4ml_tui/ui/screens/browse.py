"""The browsing half of the main screen: layout, loading, live refresh, the table and its panes.

`MainScreen` (main.py) adds the keys that act on the revisions. This class owns no keys of its
own (the main screen declares them all, so the footer keeps one order) but implements the
browsing ones: reload, filter, columns, refs and details toggles, back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen

from cd4ml_tui.core.model import RevisionValues
from cd4ml_tui.ui import heap
from cd4ml_tui.ui.access import GuardsWrites
from cd4ml_tui.ui.screens.columns import ColumnChooser
from cd4ml_tui.ui.table_view import ViewSummary
from cd4ml_tui.ui.widgets.action_runner import ActionRunner
from cd4ml_tui.ui.widgets.app_footer import AppFooter
from cd4ml_tui.ui.widgets.detail_pane import DetailPane
from cd4ml_tui.ui.widgets.filter_bar import Filter, FilterBar
from cd4ml_tui.ui.widgets.grid import Grid
from cd4ml_tui.ui.widgets.ref_watcher import RefWatcher
from cd4ml_tui.ui.widgets.refs_pane import RefsPane
from cd4ml_tui.ui.widgets.review_loader import ReviewLoader
from cd4ml_tui.ui.widgets.revision_loader import LoadOptions, RevisionLoader
from cd4ml_tui.ui.widgets.revision_table import RevisionTable
from cd4ml_tui.ui.widgets.status_bar import StatusBar
from cd4ml_tui.ui.widgets.web_link import WebLinker

if TYPE_CHECKING:
    from cd4ml_tui.core.api import PromotionResult, Repo
    from cd4ml_tui.core.config import Settings


# Below this width the refs pane hides (main.tcss) and the table drops its sha and date columns.
COMPACT_BELOW = 100


class RevisionBrowser(GuardsWrites, Screen[None]):
    """Every revision: the refs, the table, its details; the state the main screen acts on."""

    def __init__(self, repo: Repo, settings: Settings, options: LoadOptions) -> None:
        super().__init__()
        self.repo = repo
        self.settings = settings
        self.options = options
        self.last_promotion: PromotionResult | None = None  # what `u` undoes
        self.last_write: str | None = None  # "promote" or "action": which one `u` undoes first

    def compose(self) -> ComposeResult:
        yield StatusBar(self.repo.root.name, self.repo.has_dvc, id="status-bar")
        with Horizontal(id="body"):
            yield RefsPane(id="refs")
            with Vertical(id="right"):
                yield RevisionTable(
                    self.settings.precision, self.settings.hidden_columns, id="revisions"
                )
                yield DetailPane(id="detail")
        yield FilterBar(id="filter")
        yield AppFooter()
        yield RevisionLoader(self.repo, self.options, id="loader")
        yield RefWatcher(self.repo, id="watcher")
        yield ActionRunner(self.repo, id="actions")
        yield WebLinker(self.repo, id="web-link")
        yield ReviewLoader(self.repo, self.settings, id="reviews")

    @property
    def table(self) -> RevisionTable:
        return self.query_one("#revisions", RevisionTable)

    @property
    def loader(self) -> RevisionLoader:
        return self.query_one("#loader", RevisionLoader)

    @property
    def watcher(self) -> RefWatcher:
        return self.query_one("#watcher", RefWatcher)

    @property
    def actions(self) -> ActionRunner:
        return self.query_one("#actions", ActionRunner)

    @property
    def reviews(self) -> ReviewLoader:
        return self.query_one("#reviews", ReviewLoader)

    @property
    def status(self) -> StatusBar:
        return self.query_one("#status-bar", StatusBar)

    @property
    def filter_bar(self) -> FilterBar:
        return self.query_one("#filter", FilterBar)

    @property
    def detail(self) -> DetailPane:
        return self.query_one("#detail", DetailPane)

    def on_resize(self, event: events.Resize) -> None:
        self.table.set_compact(event.size.width < COMPACT_BELOW)

    def on_mount(self) -> None:
        self.watch(self.table, "view", self._view_changed)
        self.watch(self.table, "announced", self._current_changed, init=False)
        self.watch(self.filter_bar, "in_force", self._filter_applied, init=False)
        self.call_after_refresh(self.table.focus)  # AUTO_FOCUS alone loses it on the first layout
        kept = self.loader.kept_listing()
        if kept is None:
            self.call_after_refresh(self.action_reload)  # paint the empty screen first
            return
        # The first frame shows the revisions by name while their values are read: started
        # here, not after that frame, the read brought the first row and the full load about
        # 0.1 s sooner (interleaved runs at 1,000 and 10,000 experiments).
        self.query_one(RefsPane).set_revisions(kept)
        self.table.set_names(kept)
        self.action_reload()

    # --- loading: the loader reads, the screen shows ------------------------------------------
    def action_reload(self) -> None:
        """Read every revision again (in a worker); the table keeps its rows until then."""
        self._load(refresh=False)

    def _load(self, refresh: bool) -> None:
        """`refresh`: reuse the values on screen for commits seen before."""
        rows = self.table.rows_loaded
        self.watcher.listed = None  # the loader lists the refs itself
        self.watcher.snapshot_workspace()  # the workspace files as the loader will read them
        self.status.progress = (0, self.table.view.total if self.table.names_only else 0)
        if rows and not self.table.names_only:  # their cyclic garbage is collected during this load
            heap.thaw()
        else:  # the first load: start-up's objects stay frozen, so its passes skip them
            heap.settle()
        self.loader.load(rows, refresh)

    @on(RevisionLoader.RevisionsListed, "#loader")
    def _revisions_listed(self, message: RevisionLoader.RevisionsListed) -> None:
        self.query_one(RefsPane).set_revisions(message.revisions)
        self.status.progress = (0, len(message.revisions))
        if self.loader.streaming:
            self.table.set_rows([])

    @on(RevisionLoader.RowsLoaded, "#loader")
    def _rows_loaded(self, message: RevisionLoader.RowsLoaded) -> None:
        self.status.progress = (message.done, message.total)
        if self.loader.streaming:
            self.table.append_rows(message.rows)
            heap.settle()
            if message.done == message.total:  # every row is in: say so in this frame, not the
                self.status.progress = None  # next (LoadFinished comes after it is drawn)

    @on(RevisionLoader.LoadFinished, "#loader")
    def _load_finished(self, message: RevisionLoader.LoadFinished) -> None:
        self.watcher.listed = message.fingerprint
        self.status.progress = None
        laid_out = False  # the cells' widths taken from the last start's
        if not self.loader.streaming and message.error is None:
            laid_out = self.table.set_rows(message.rows, message.layout)
        heap.settle()
        if message.error is not None:
            self.notify(
                message.error, title="Cannot read the repository", severity="error", markup=False
            )
        elif not self.repo.has_dvc:
            self.notify(
                f"DVC is not set up in {self.repo.root} (no .dvc folder): showing revisions only.",
                title="No DVC",
                severity="warning",
                markup=False,
            )
        elif message.new_rows:
            self.notify(message.new_rows, title="Refreshed", markup=False)
        self.filter_bar.columns = self.table.value_columns  # a filter may name new columns
        self.filter_bar.reapply()
        if message.error is None:
            self._watch_workspace(self.table.rows_loaded)
            if not laid_out and self.repo.has_dvc:
                self.loader.keep_layout(self.table.measured_layout())
        self.reviews.load()
        if "gate" not in self.table.hidden:
            self._check_gates()

    @on(RevisionLoader.BadgesLoaded, "#loader")
    def _badges_loaded(self, message: RevisionLoader.BadgesLoaded) -> None:
        badges = message.badges
        self.query_one(RefsPane).set_badges(badges)
        self.detail.badges = badges
        self.table.set_badges(badges)
        self.detail.show(self.table.current, self.loader.revisions)
        heap.settle()  # the badges are a load's last step

    @on(RevisionLoader.RegistryFailed, "#loader")
    def _registry_failed(self, message: RevisionLoader.RegistryFailed) -> None:
        self.notify(f"Registry: {message.error}", severity="warning", markup=False)

    def _watch_workspace(self, rows: Sequence[RevisionValues]) -> None:
        """Watch the workspace's params and metrics files (and the pipeline files that name
        them) from now on, so editing one refreshes its row."""
        workspace = next((v for v in rows if v.revision.is_workspace), None)
        if workspace is None:
            return
        files = (*workspace.params, *workspace.metrics, *(p for p in workspace.errors if p))
        files = tuple(dict.fromkeys((*files, "dvc.yaml", "dvc.lock", "params.yaml")))
        if files != self.watcher.workspace_files:
            self.watcher.workspace_files = files
            self.watcher.snapshot_workspace()

    @on(RefWatcher.WorkspaceChanged, "#watcher")
    def _workspace_changed(self) -> None:
        if not self.loader.reading:
            self._load(refresh=True)

    # --- live refresh and fetch: the watcher notices, the screen reloads ----------------------
    @on(RefWatcher.Moved, "#watcher")
    def _refs_moved(self) -> None:
        if not self.loader.reading:
            self._load(refresh=True)

    # --- verdicts and the gate: the review loader reads, the screen shows ----------------------
    @on(RefWatcher.ReviewsMoved, "#watcher")
    def _reviews_moved(self) -> None:
        self.reviews.load()

    @on(ReviewLoader.ReviewsLoaded, "#reviews")
    def _reviews_loaded(self, message: ReviewLoader.ReviewsLoaded) -> None:
        self.watcher.reviews_listed = message.fingerprint
        if message.error is not None:
            self.notify(message.error, title="Reviews", severity="warning", markup=False)
            return
        self.table.set_reviews(self.reviews.summaries)
        self.detail.reviews = self.reviews.threads
        self.detail.show(self.table.current, self.loader.revisions)

    def _check_gates(self) -> None:
        self.reviews.check_gates(self.table.rows_loaded, list(self.loader.revisions.values()))

    @on(ReviewLoader.GatesChecked, "#reviews")
    def _gates_checked(self, message: ReviewLoader.GatesChecked) -> None:
        if message.error is not None:
            self.notify(message.error, title="Gate", severity="error", markup=False)
        self.table.set_gates(message.gates)

    # --- the table: status and details follow it ---------------------------------------------
    def _view_changed(self, view: ViewSummary) -> None:
        """The table's `view` was set (watched: in the same frame as the rows)."""
        status, narrow_to = self.status, self.table.state.narrow_to
        status.shown, status.total = view.shown, view.total
        status.sort_label = view.sort_label
        self.filter_bar.columns = self.table.value_columns
        head = self.loader.revisions.get(narrow_to) if narrow_to else None
        status.group = (head.label if head else narrow_to[:7]) if narrow_to else None

    @on(RevisionTable.Marked, "#revisions")
    def _marked(self, message: RevisionTable.Marked) -> None:
        self.status.marked = len(message.marked)

    def _current_changed(self, values: RevisionValues | None) -> None:
        """The details of the revision under the cursor: in the same frame as the rows when its
        values were read again (names first, a reload), so none are shown stale; a frame later
        when the cursor is on another revision. A key's frame (sort, filter, a move) is then
        the table's alone: the details' tables took 30 ms more in it, at 10,000 rows too."""
        rev = values.revision.rev if values is not None else None
        if rev == self.detail.rev:
            self._show_current()
        else:
            self.call_after_refresh(self._show_current)

    def _show_current(self) -> None:
        self.detail.show(self.table.current, self.loader.revisions, reading=self.table.names_only)

    @on(Grid.Selected, "#revisions")
    def _row_selected(self) -> None:
        self.detail.remove_class("-hidden")
        self.detail.add_class("-expanded")
        self.detail.focus()
        self.call_after_refresh(self.table.keep_cursor_visible)  # the table just got shorter

    @on(RefsPane.Chosen, "#refs")
    def _ref_chosen(self, message: RefsPane.Chosen) -> None:
        self.table.narrow(message.rev)
        self.table.focus()

    # --- filter, columns, back ----------------------------------------------------------------
    def action_filter(self) -> None:
        self.filter_bar.open()

    def _filter_applied(self, applied: Filter) -> None:
        """The bar's filter in force was set (watched: in the frame of the typed character)."""
        self.status.filter_text = applied.text
        self.table.set_predicate(applied.predicate)

    @on(FilterBar.Closed, "#filter")
    def _filter_closed(self) -> None:
        self.table.focus()

    def action_only_changed(self) -> None:
        self.table.set_only_changed(not self.table.only_changed)
        self.status.only_changed = self.table.only_changed

    def action_choose_columns(self) -> None:
        chooser = ColumnChooser(self.table.column_choices(), self.table.hidden)
        self.app.push_screen(chooser, self._columns_chosen)

    def _columns_chosen(self, hidden: set[str] | None) -> None:
        if hidden is not None:
            gate_shown = "gate" in self.table.hidden and "gate" not in hidden
            self.table.set_hidden(hidden)
            if gate_shown:
                self._check_gates()

    def action_toggle_refs(self) -> None:
        """`b`: show or hide the refs (branches) pane (hidden by default below 100 columns)."""
        refs = self.query_one(RefsPane)
        shown = refs.display
        refs.set_class(shown, "-hidden")
        refs.set_class(not shown, "-shown")
        if shown and refs.has_focus:
            self.table.focus()

    def action_toggle_details(self) -> None:
        """Show or hide the details pane (the table takes its rows)."""
        detail = self.detail
        detail.toggle_class("-hidden")
        if detail.has_class("-hidden"):
            detail.remove_class("-expanded")
            if detail.has_focus:
                self.table.focus()
        self.table.keep_cursor_visible()

    def action_back(self) -> None:
        """Undo the last narrowing step: expanded details, then the group, then the filter."""
        if self.detail.has_class("-expanded"):
            self.detail.remove_class("-expanded")
            self.table.focus()
        elif self.table.state.narrow_to is not None:
            self.table.narrow(None)
        elif self.filter_bar.applied:
            self.filter_bar.clear()

    # --- compare, diff, promote, undo ---------------------------------------------------------
    def _current(self) -> RevisionValues | None:
        current = self.table.current
        if current is None:
            self.notify("No revision selected.", severity="warning")
        return current
