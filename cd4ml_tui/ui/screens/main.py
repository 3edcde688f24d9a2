"""The main screen: refs on the left, the revisions table and the detail pane on the right.

Loading runs in one exclusive thread worker that calls the core and posts batches of rows back;
the first batch is posted as soon as the first revision is read, so rows paint early.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from time import monotonic
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, ProgressBar, Static
from textual.worker import get_current_worker

from cd4ml_tui.core.errors import Cd4mlError
from cd4ml_tui.core.model import Revision, RevisionValues
from cd4ml_tui.core.query import QueryError, compile_query
from cd4ml_tui.ui.screens.actions import RevisionActions
from cd4ml_tui.ui.widgets.detail_pane import DetailPane
from cd4ml_tui.ui.widgets.filter_bar import FilterBar
from cd4ml_tui.ui.widgets.grid import Grid
from cd4ml_tui.ui.widgets.refs_pane import RefsPane
from cd4ml_tui.ui.widgets.revision_table import RevisionTable

if TYPE_CHECKING:
    from cd4ml_tui.core.config import Settings
    from cd4ml_tui.core.repo import Repo

BATCH_SECONDS = 0.1  # how often the loader posts rows after the first one


@dataclass(frozen=True)
class LoadOptions:
    revs: tuple[str, ...] = ()
    all_commits: bool = False
    use_cache: bool = True


class MainScreen(RevisionActions, Screen[None]):
    """Browse every revision; keys are listed by `?` and offered by ctrl+p."""

    AUTO_FOCUS = "#revisions"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter", id="main.filter"),
        Binding("o", "only_changed", "Only changed", id="main.only_changed"),
        Binding("v", "choose_columns", "Columns", id="main.columns"),
        Binding("c", "compare", "Compare", id="main.compare"),
        Binding("d", "diff", "Diff", id="main.diff"),
        Binding("p", "promote", "Promote", id="main.promote"),
        Binding("r", "reload", "Reload", id="main.reload"),
        Binding("escape", "back", "Back", show=False, id="main.back"),
    ]

    class RevisionsListed(Message):
        def __init__(self, generation: int, revisions: list[Revision]) -> None:
            super().__init__()
            self.generation = generation
            self.revisions = revisions

    class RowsLoaded(Message):
        def __init__(
            self, generation: int, rows: Sequence[RevisionValues], done: int, total: int
        ) -> None:
            super().__init__()
            self.generation = generation
            self.rows = rows
            self.done = done
            self.total = total

    class LoadFinished(Message):
        def __init__(self, generation: int, error: str | None = None) -> None:
            super().__init__()
            self.generation = generation
            self.error = error

    class BadgesLoaded(Message):
        """GTO registry facts by commit sha, e.g. {"abc...": ["model@v1.0.0", "model#prod"]}."""

        def __init__(self, generation: int, badges: dict[str, list[str]]) -> None:
            super().__init__()
            self.generation = generation
            self.badges = badges

    def __init__(self, repo: Repo, settings: Settings, options: LoadOptions) -> None:
        super().__init__()
        self.repo = repo
        self.settings = settings
        self.options = options
        self.revisions: dict[str, Revision] = {}
        self.badges: dict[str, list[str]] = {}  # commit sha -> GTO versions and stages
        self.filter_text = ""
        self.reading = False  # a load is running (not `loading`: that would cover the screen)
        self._progress = (0, 0)  # revisions read, revisions listed
        self._generation = 0
        self._streaming = True
        self._pending: list[RevisionValues] = []
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

    # --- loading ------------------------------------------------------------------------------
    def action_reload(self) -> None:
        """Read every revision again (in a worker); the table keeps its rows until then."""
        self._generation += 1
        self._streaming = not self.table.rows_loaded
        self._pending = []
        self._progress = (0, 0)
        self.reading = True
        progress = self.query_one(ProgressBar)
        progress.update(total=None, progress=0)
        progress.display = True
        self._update_status()
        self._load(self._generation)

    @work(thread=True, exclusive=True, group="load")
    def _load(self, generation: int) -> None:
        from cd4ml_tui.core.repo import list_revisions
        from cd4ml_tui.core.values import read_values

        worker = get_current_worker()
        try:
            options = self.options
            revisions = list_revisions(self.repo, options.revs, options.all_commits)
            self.post_message(self.RevisionsListed(generation, revisions))
            total = len(revisions)
            if not self.repo.has_dvc:
                rows = [RevisionValues(r) for r in revisions]
                self.post_message(self.RowsLoaded(generation, rows, total, total))
                self.post_message(self.LoadFinished(generation))
                return
            batch: list[RevisionValues] = []
            flushed = monotonic()
            reader = read_values(self.repo, revisions, use_cache=options.use_cache)
            for done, values in enumerate(reader, start=1):
                if worker.is_cancelled:
                    return
                batch.append(values)
                if done == 1 or done == total or monotonic() - flushed >= BATCH_SECONDS:
                    self.post_message(self.RowsLoaded(generation, batch, done, total))
                    batch, flushed = [], monotonic()
            if batch:
                self.post_message(self.RowsLoaded(generation, batch, total, total))
            self.post_message(self.LoadFinished(generation))
        except Cd4mlError as err:
            self.post_message(self.LoadFinished(generation, str(err)))
        except Exception as err:  # keep the app alive; say what broke
            self.post_message(self.LoadFinished(generation, f"{type(err).__name__}: {err}"))

    def on_main_screen_revisions_listed(self, message: RevisionsListed) -> None:
        if message.generation != self._generation:
            return
        self.revisions = {r.rev: r for r in message.revisions}
        self.query_one(RefsPane).set_revisions(message.revisions)
        self._load_badges(message.generation)
        self.query_one(ProgressBar).update(total=len(message.revisions), progress=0)
        self._progress = (0, len(message.revisions))
        if self._streaming:
            self.table.set_rows([])

    @work(thread=True, exclusive=True, group="badges")
    def _load_badges(self, generation: int) -> None:
        """Read the GTO registry (versions and stages by commit) for the refs pane and details."""
        from cd4ml_tui.core.artifacts import registry_state

        try:
            state = registry_state(self.repo)
        except Cd4mlError as err:
            self.app.call_from_thread(
                self.notify, f"Registry: {err}", severity="warning", markup=False
            )
            return
        badges = {sha: [badge.label for badge in found] for sha, found in state.items()}
        self.post_message(self.BadgesLoaded(generation, badges))

    def on_main_screen_badges_loaded(self, message: BadgesLoaded) -> None:
        if message.generation != self._generation:
            return
        self.badges = message.badges
        refs = self.query_one(RefsPane)
        by_ref = {}
        for ref in refs.refs:
            labels = self.badges.get(refs.commit_of(ref) or "", [])
            if labels:
                by_ref[ref] = " ".join(labels)
        refs.set_badges(by_ref)
        self.query_one(DetailPane).badges = self.badges
        self.query_one(DetailPane).show(self.table.current, self.revisions)

    def on_main_screen_rows_loaded(self, message: RowsLoaded) -> None:
        if message.generation != self._generation:
            return
        self.query_one(ProgressBar).update(total=message.total, progress=message.done)
        self._progress = (message.done, message.total)
        if self._streaming:
            self.table.append_rows(message.rows)
        else:
            self._pending.extend(message.rows)
        self._update_status()

    def on_main_screen_load_finished(self, message: LoadFinished) -> None:
        if message.generation != self._generation:
            return
        self.reading = False
        self.query_one(ProgressBar).display = False
        if not self._streaming and message.error is None:
            self.table.set_rows(self._pending)
        self._pending = []
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
        if self.filter_text:
            self._apply_filter(self.filter_text, announce=False)
        self._update_status()

    # --- status -------------------------------------------------------------------------------
    def _update_status(self) -> None:
        shown, total, sort_label = self._view
        parts = [f"[b]{self.repo.root.name}[/b]", f"{shown}/{total} revisions"]
        if self.reading:
            done, total = self._progress
            parts.append(f"reading {done}/{total}…" if total else "listing revisions…")
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
        choices += [(cid, table.label_of(cid), cid.split(":", 1)[0]) for cid in table.column_ids()]
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
