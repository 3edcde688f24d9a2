"""The main screen: refs on the left, the revisions table and the detail pane on the right.

`RevisionBrowser` (browse.py) lays the widgets out and routes their messages; the work belongs
to widgets: `RevisionLoader` reads the revisions in its worker, `RefWatcher` notices moved refs
and fetches, `RevisionTable` holds the rows, marks, sort and filter, `StatusBar` shows the state
it is given. This class declares every key and acts on the revisions, opening the other screens
with the revisions they need:
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

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.binding import Binding, BindingType

from cd4ml_tui.core import api  # `api.name`: imported on first use, off the start-up path
from cd4ml_tui.core.errors import PromotionError
from cd4ml_tui.core.model import Revision
from cd4ml_tui.ui.access import writes
from cd4ml_tui.ui.screens import later
from cd4ml_tui.ui.screens.browse import RevisionBrowser
from cd4ml_tui.ui.table_view import diff_pair
from cd4ml_tui.ui.widgets.action_runner import ActionRunner
from cd4ml_tui.ui.widgets.ref_watcher import RefWatcher
from cd4ml_tui.ui.widgets.revision_loader import LoadOptions
from cd4ml_tui.ui.widgets.web_link import WebLinker

if TYPE_CHECKING:
    from cd4ml_tui.core.api import PromotionResult, UndoReport, Verdict

__all__ = ["LoadOptions", "MainScreen"]


class MainScreen(RevisionBrowser):
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
            api.check_reviewable(current.revision)
        except api.ReviewError as err:
            self.notify(str(err), title="Not reviewed", severity="warning", markup=False)
            return
        thread = self.reviews.threads.get(current.revision.rev, ())
        self.app.push_screen(later.ReviewScreen(self.repo, current, thread), self._reviewed)

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
        self.app.push_screen(later.CompareScreen(self.repo, self.settings, loaded, revisions, None))

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
        self.app.push_screen(later.InsightScreen(self.settings, shown, marked, metric))

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
            parent = api.own_baseline(head)
            if parent is None:
                self.notify(
                    f"{head.label} has no parent to diff against.", severity="warning", markup=False
                )
                return
            base = self.loader.revisions.get(parent) or Revision(rev=parent, kind="commit")
        self.app.push_screen(later.DiffScreen(self.repo, base, head))

    @writes
    def action_promote(self) -> None:
        current = self._current()
        if current is None:
            return
        try:  # the one rule (workspace, queued, running, failed); the dialog checks it too
            api.check_promotable(current.revision)
        except PromotionError as err:
            self.notify(str(err), title="Not promoted", severity="error", markup=False)
            return
        dialog = later.PromoteScreen(self.repo, self.settings, current.revision, current)
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
            self.app.push_screen(later.UndoScreen(self.repo, self.last_promotion), self._undone)
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
