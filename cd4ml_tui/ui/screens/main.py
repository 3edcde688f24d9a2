"""The main screen: refs on the left, the revisions table and the detail pane on the right.

The screen lays the widgets out and routes their messages; the work belongs to widgets:
`RevisionLoader` reads the revisions in its worker, `RefWatcher` notices moved refs and fetches,
`RevisionTable` holds the rows, marks, sort and filter, `StatusBar` shows the state it is given.
Its own keys open the other screens with the revisions they need:
- compare: the marked rows; with none marked, the selected row. The compare screen picks the
  baseline by the core's one rule (`choose_baseline`: the configured one first).
- diff: two marked rows (older as base); with none marked, the selected row against its own
  baseline (`own_baseline`: an experiment's baseline, a commit's parent, the workspace's HEAD).
- insight: the rows shown (filter and narrow to choose them), the marked ones highlighted.
- promote: the selected row (a commit or an experiment).
- apply `a`, branch `B` (the selected row), remove `D` (the marked rows, else the selected one),
  run the queue `x`: the `ActionRunner` widget plans, asks, writes and follows them.
- `u` undoes the last promotion or action of the session.
- review: `R` records a verdict on the selected row; `ReviewLoader` reads the verdicts after each
  load and whenever the watcher sees the notes ref move; `T` shows the gate column.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen

from cd4ml_tui.core.api import (
    ReviewError,
    Verdict,
    check_promotable,
    check_reviewable,
    own_baseline,
)
from cd4ml_tui.core.errors import PromotionError
from cd4ml_tui.core.model import Revision, RevisionValues
from cd4ml_tui.ui.access import GuardsWrites, writes
from cd4ml_tui.ui.screens.columns import ColumnChooser
from cd4ml_tui.ui.screens.compare import CompareScreen
from cd4ml_tui.ui.screens.diff import DiffScreen
from cd4ml_tui.ui.screens.insight import InsightScreen
from cd4ml_tui.ui.screens.promote import PromoteScreen
from cd4ml_tui.ui.screens.promote_undo import UndoScreen
from cd4ml_tui.ui.screens.review import ReviewScreen
from cd4ml_tui.ui.table_view import diff_pair
from cd4ml_tui.ui.widgets.action_runner import ActionRunner
from cd4ml_tui.ui.widgets.app_footer import AppFooter
from cd4ml_tui.ui.widgets.detail_pane import DetailPane
from cd4ml_tui.ui.widgets.filter_bar import FilterBar
from cd4ml_tui.ui.widgets.grid import Grid
from cd4ml_tui.ui.widgets.ref_watcher import RefWatcher
from cd4ml_tui.ui.widgets.refs_pane import RefsPane
from cd4ml_tui.ui.widgets.review_loader import ReviewLoader
from cd4ml_tui.ui.widgets.revision_loader import LoadOptions, RevisionLoader
from cd4ml_tui.ui.widgets.revision_table import RevisionTable
from cd4ml_tui.ui.widgets.status_bar import StatusBar
from cd4ml_tui.ui.widgets.web_link import WebLinker

if TYPE_CHECKING:
    from cd4ml_tui.core.api import PromotionResult, Repo, UndoReport
    from cd4ml_tui.core.config import Settings

__all__ = ["LoadOptions", "MainScreen"]


class MainScreen(GuardsWrites, Screen[None]):
    """Browse every revision; keys are listed by `?` and offered by ctrl+p."""

    CSS_PATH = "main.tcss"
    AUTO_FOCUS = "#revisions"
    # Every size: below 100 columns the refs pane hides (`b` shows it), below 140 it narrows;
    # below 32 rows the details pane shrinks (`e` hides it).
    HORIZONTAL_BREAKPOINTS = [
        (0, "-narrow"),
        (100, "-medium"),
        (140, "-wide"),
    ]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter", id="main.filter"),
        Binding("o", "only_changed", "Only changed", id="main.only_changed"),
        Binding("v", "choose_columns", "Columns", id="main.columns"),
        Binding("c", "compare", "Compare", id="main.compare"),
        Binding("i", "insight", "Insight", id="main.insight"),
        Binding("d", "diff", "Diff", id="main.diff"),
        Binding("p", "promote", "Promote", id="main.promote"),
        Binding("R", "review", "Review", id="main.review"),
        Binding("T", "gate_column", "Gate column", show=False, id="main.gate"),
        Binding("a", "apply", "Apply", show=False, id="main.apply"),
        Binding("B", "branch", "Branch", show=False, id="main.branch"),
        Binding("D", "remove", "Remove", show=False, id="main.remove"),
        Binding("x", "run_queued", "Run queue", show=False, id="main.run_queued"),
        Binding("u", "undo", "Undo", show=False, id="main.undo"),
        Binding("r", "reload", "Reload", id="main.reload"),
        Binding("b", "toggle_refs", "Refs", id="main.toggle_refs"),
        Binding("e", "toggle_details", "Details pane", id="main.toggle_details"),
        Binding("F", "fetch", "Fetch exps", show=False, id="main.fetch"),
        Binding("w", "open_web", "Open on web", show=False, id="main.open_web"),
        Binding("escape", "back", "Back", show=False, id="main.back"),
    ]

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

    def on_mount(self) -> None:
        self.call_after_refresh(self.table.focus)  # AUTO_FOCUS alone loses it on the first layout
        self.call_after_refresh(self.action_reload)  # paint the empty screen first

    # --- loading: the loader reads, the screen shows ------------------------------------------
    def action_reload(self) -> None:
        """Read every revision again (in a worker); the table keeps its rows until then."""
        self._load(refresh=False)

    def _load(self, refresh: bool) -> None:
        """`refresh`: reuse the values on screen for commits seen before."""
        rows = self.table.rows_loaded
        self.watcher.listed = None  # the loader lists the refs itself
        self.watcher.snapshot_workspace()  # the workspace files as the loader will read them
        self.status.progress = (0, 0)
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

    @on(RevisionLoader.LoadFinished, "#loader")
    def _load_finished(self, message: RevisionLoader.LoadFinished) -> None:
        self.watcher.listed = message.fingerprint
        self.status.progress = None
        if not self.loader.streaming and message.error is None:
            self.table.set_rows(message.rows)
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

    def action_gate_column(self) -> None:
        """Show (and compute) or hide the gate column: each row against its gate baseline."""
        hidden = set(self.table.hidden)
        self._columns_chosen(hidden - {"gate"} if "gate" in hidden else hidden | {"gate"})

    @writes  # it appends to the verdicts' git note
    def action_review(self) -> None:
        """Record a verdict (approve, request changes, comment) on the selected revision."""
        current = self._current()
        if current is None:
            return
        try:
            check_reviewable(current.revision)
        except ReviewError as err:
            self.notify(str(err), title="Not reviewed", severity="warning", markup=False)
            return
        thread = self.reviews.threads.get(current.revision.rev, ())
        self.app.push_screen(ReviewScreen(self.repo, current, thread), self._reviewed)

    def _reviewed(self, verdict: Verdict | None) -> None:
        if verdict is not None:
            self.reviews.load()

    @writes  # it adds experiment refs (and merges verdicts) into the repo
    def action_fetch(self) -> None:
        """Fetch experiments from the git remote (refs only, no DVC data)."""
        watcher = self.watcher
        if not watcher.fetch():
            self.notify(f"Still fetching {watcher.fetching}…", markup=False)
        self.status.fetching = watcher.fetching

    @on(RefWatcher.FetchStarted, "#watcher")
    def _fetch_started(self) -> None:
        self.status.fetching = self.watcher.fetching

    @on(RefWatcher.Fetched, "#watcher")
    def _fetched(self, message: RefWatcher.Fetched) -> None:
        self.status.fetching = None
        if message.error is not None:
            self.notify(message.error, title="Fetch failed", severity="error", markup=False)
            return
        self.notify(message.text, markup=False)
        self._load(refresh=True)

    # --- the table: status and details follow it ---------------------------------------------
    @on(RevisionTable.ViewChanged, "#revisions")
    def _view_changed(self, message: RevisionTable.ViewChanged) -> None:
        status, narrow_to = self.status, self.table.state.narrow_to
        status.shown, status.total = message.shown, message.total
        status.sort_label = message.sort_label
        self.filter_bar.columns = self.table.value_columns
        head = self.loader.revisions.get(narrow_to) if narrow_to else None
        status.group = (head.label if head else narrow_to[:7]) if narrow_to else None

    @on(RevisionTable.Marked, "#revisions")
    def _marked(self, message: RevisionTable.Marked) -> None:
        self.status.marked = len(message.marked)

    @on(RevisionTable.CurrentChanged, "#revisions")
    def _current_changed(self, message: RevisionTable.CurrentChanged) -> None:
        self.detail.show(message.values, self.loader.revisions)

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

    @on(FilterBar.Applied, "#filter")
    def _filter_applied(self, message: FilterBar.Applied) -> None:
        self.status.filter_text = message.text
        self.table.set_predicate(message.predicate)

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

    def action_open_web(self) -> None:
        """The selected commit's page on the remote's web host (a new tab under `serve`)."""
        current = self._current()
        if current is not None:
            self.query_one("#web-link", WebLinker).open(current.revision)

    def action_compare(self) -> None:
        marked = self.table.marked_values()
        if marked:
            revisions = [v.revision for v in marked]
        else:
            current = self._current()
            if current is None:
                return
            revisions = [current.revision]
        loaded = list(self.table.rows_loaded)
        self.app.push_screen(CompareScreen(self.repo, self.settings, loaded, revisions, None))

    def action_insight(self) -> None:
        """Which params move a metric, over the rows shown (the metric under the cursor first);
        the marked rows are highlighted there."""
        shown = self.table.shown_values
        if not shown:
            self.notify("No rows to analyse: clear the filter or wait for the rows to load.")
            return
        column = self.table.cursor_value_column
        metric = column if column is not None and column.kind == "metric" else None
        marked = {v.revision.rev for v in self.table.marked_values()}
        self.app.push_screen(InsightScreen(self.settings, shown, marked, metric))

    def action_diff(self) -> None:
        marked = [v.revision for v in self.table.marked_values()]
        if len(marked) == 2:
            base, head = diff_pair(marked)
        elif marked:
            self.notify(f"Mark two rows to diff them ({len(marked)} marked; U unmarks all).")
            return
        else:
            current = self._current()
            if current is None:
                return
            head = current.revision
            parent = own_baseline(head)
            if parent is None:
                self.notify(
                    f"{head.label} has no parent to diff against.", severity="warning", markup=False
                )
                return
            base = self.loader.revisions.get(parent) or Revision(rev=parent, kind="commit")
        self.app.push_screen(DiffScreen(self.repo, base, head))

    @writes
    def action_promote(self) -> None:
        current = self._current()
        if current is None:
            return
        try:  # the one rule (workspace, queued, running, failed); the dialog checks it too
            check_promotable(current.revision)
        except PromotionError as err:
            self.notify(str(err), title="Not promoted", severity="error", markup=False)
            return
        dialog = PromoteScreen(self.repo, self.settings, current.revision, current)
        self.app.push_screen(dialog, self._promoted)

    def _promoted(self, result: PromotionResult | None) -> None:
        if result:
            self.last_promotion, self.last_write = result, "promote"
            self.action_reload()

    @writes
    def action_undo(self) -> None:
        """Undo the last promotion or action of this session (asks first)."""
        if self.last_write == "action" and self.actions.undo():
            return
        if self.last_promotion is not None:
            self.app.push_screen(UndoScreen(self.repo, self.last_promotion), self._undone)
        elif not self.actions.undo():
            self.notify("Nothing to undo in this session.")

    def _undone(self, report: UndoReport | None) -> None:
        if report is not None:  # the refs are gone (or reported as kept)
            self.last_promotion = None
            self.action_reload()

    # --- actions on experiments: the ActionRunner plans, asks, writes and follows ---------------
    @writes
    def action_apply(self) -> None:
        if current := self._current():
            self.actions.ask_apply(current.revision)

    @writes
    def action_branch(self) -> None:
        if current := self._current():
            self.actions.ask_branch(current.revision)

    @writes
    def action_remove(self) -> None:
        """Remove the marked experiments (marked branches or tags stay), else the selected one."""
        marked = [v.revision for v in self.table.marked_values()]
        if marked:
            self.actions.ask_remove([r for r in marked if r.kind == "experiment"] or marked)
        elif current := self._current():
            self.actions.ask_remove([current.revision])

    @writes
    def action_run_queued(self) -> None:
        self.actions.ask_run_queued()

    @on(ActionRunner.Changed, "#actions")
    def _action_changed(self) -> None:
        self.last_write = "action" if self.actions.last is not None else self.last_write
        self.action_reload()

    @on(ActionRunner.QueueProgress, "#actions")
    def _queue_progress(self, message: ActionRunner.QueueProgress) -> None:
        self.status.queue = message.summary
