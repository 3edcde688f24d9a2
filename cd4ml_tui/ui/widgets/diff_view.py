"""The diff of two revisions: changed files on the left, the selected file's diff on the right.

Reusable: `DiffScreen` wraps it, and the compare screen mounts it as its diff tab. Listing files and
loading a file (a notebook with MBs of outputs goes through nbdime) run in thread workers that post
messages; only the handlers here touch widgets.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static

from cd4ml_tui.core.api import (
    NOISE_KINDS,
    NOISE_TOGGLES,
    FileChange,
    RevisionDiff,
    changed_files,
    file_diff,
    human_size,
)
from cd4ml_tui.core.errors import Cd4mlError
from cd4ml_tui.core.model import Revision
from cd4ml_tui.render.diff import DiffOptions, file_row, render_file_diff, revision_name
from cd4ml_tui.ui.messages import WidgetMessage, report_failure
from cd4ml_tui.ui.widgets.diff_pane import DiffPane, render_strips
from cd4ml_tui.ui.widgets.file_list import FileList

if TYPE_CHECKING:
    from textual.strip import Strip

    from cd4ml_tui.core.api import FileDiff, Repo


class DiffView(Widget):
    """Files changed from `base` to `head` (optionally only under `paths`), each diffed."""

    HELP_TITLE = "Diff view"
    DEFAULT_CSS = """
    DiffView {
        layout: horizontal;
        height: 1fr;
    }
    DiffView > FileList {
        width: 40%;
        max-width: 48;
        min-width: 24;
    }
    DiffView > #diff-right {
        width: 1fr;
        height: 1fr;
    }
    DiffView #diff-header {
        height: auto;
        padding: 0 1;
        margin-bottom: 1;
    }
    DiffView #diff-status {
        height: auto;
        max-height: 3;
        padding: 0 1;
        background: $panel;
        color: $text-muted;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("v", "toggle_side_by_side", "Side by side", id="diff.side_by_side"),
        Binding("e", "toggle_noise('execution_count')", "Exec counts", id="diff.execution_count"),
        Binding("i", "toggle_noise('id')", "Cell ids", id="diff.cell_id"),
        Binding("m", "toggle_noise('metadata')", "Metadata-only", id="diff.metadata"),
        Binding("pagedown,J", "scroll_diff(1)", "Page down", show=False, id="diff.page_down"),
        Binding("pageup,K", "scroll_diff(-1)", "Page up", show=False, id="diff.page_up"),
    ]

    side_by_side: reactive[bool] = reactive(False)
    hidden: reactive[frozenset[str]] = reactive(frozenset(NOISE_KINDS))

    class FilesLoaded(WidgetMessage):
        def __init__(self, view: DiffView, diff: RevisionDiff) -> None:
            super().__init__(view)
            self.diff = diff

    class FileShown(WidgetMessage):
        """A file's diff was loaded and rendered (posted by the worker, shown by the handler)."""

        def __init__(
            self,
            view: DiffView,
            request: int,
            index: int,
            loaded: FileDiff,
            strips: list[Strip],
            options: DiffOptions,
            width: int,
        ) -> None:
            super().__init__(view)
            self.request = request
            self.index = index
            self.loaded = loaded
            self.strips = strips
            self.options = options
            self.width = width

    class LoadFailed(WidgetMessage):
        def __init__(self, view: DiffView, error: str) -> None:
            super().__init__(view)
            self.error = error

    on_worker_state_changed = report_failure

    def __init__(
        self,
        repo: Repo,
        base: Revision,
        head: Revision,
        paths: Sequence[str] = (),
        *,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.repo = repo
        self.base = base
        self.head = head
        self.paths = tuple(paths)
        self.diff: RevisionDiff | None = None
        self.index: int | None = None  # the file shown (index into diff.files)
        self.shown: FileDiff | None = None
        self._loaded: dict[int, FileDiff] = {}  # by file index; also written by the worker
        self._rendered_width = 0
        self._request = 0  # the latest load_file request; older results are dropped

    def compose(self) -> ComposeResult:
        yield FileList(id="diff-files")
        with Vertical(id="diff-right"):
            yield Static(self._status(), id="diff-status")
            yield Static("", id="diff-header")
            yield DiffPane(id="diff-pane")

    def on_mount(self) -> None:
        self.query_one(DiffPane).message(Text("Listing changed files…", style="dim"))
        self.load_files()

    # --- workers (threads: no widget access) -------------------------------------------------
    @work(thread=True, exclusive=True, group="diff", exit_on_error=False)
    def load_files(self) -> None:
        try:
            diff = changed_files(self.repo, self.base, self.head, self.paths)
        except Cd4mlError as err:
            self.post_message(self.LoadFailed(self, str(err)))
            return
        self.post_message(self.FilesLoaded(self, diff))

    @work(thread=True, group="diff-file", exit_on_error=False)
    def load_file(
        self, request: int, index: int, change: FileChange, options: DiffOptions, width: int
    ) -> None:
        """Load and lay out one file. Not `exclusive`: a thread cannot be stopped anyway, so a
        superseded request (a newer key press) stops between steps and posts nothing, and
        waiting for workers never meets a cancelled one."""
        assert self.diff is not None
        loaded = self._loaded.get(index)
        if loaded is None:
            try:
                loaded = file_diff(self.repo, self.diff, change)
            except Cd4mlError as err:
                self.post_message(self.LoadFailed(self, str(err)))
                return
            self._loaded[index] = loaded
        if request != self._request:
            return
        strips = render_strips(render_file_diff(loaded, options), width)
        if request == self._request:
            self.post_message(self.FileShown(self, request, index, loaded, strips, options, width))

    # --- handlers (main thread) --------------------------------------------------------------
    def on_diff_view_files_loaded(self, message: FilesLoaded) -> None:
        self.diff = message.diff
        self._loaded.clear()
        self.index = self.shown = None
        self.query_one(FileList).set_changes(message.diff.files)
        self.query_one("#diff-status", Static).update(self._status())
        if not message.diff.files:
            text = f"No changes between {self.base.label} and {self.head.label}."
            self.query_one(DiffPane).message(Text(text))

    def on_diff_view_load_failed(self, message: LoadFailed) -> None:
        self.query_one(DiffPane).message(Text(message.error, style="red"))
        self.notify(message.error, severity="error")

    def on_file_list_highlighted(self, message: FileList.Highlighted) -> None:
        message.stop()
        self._show(message.index)

    def on_file_list_chosen(self, message: FileList.Chosen) -> None:
        message.stop()
        self.query_one(DiffPane).focus()

    def on_diff_view_file_shown(self, message: FileShown) -> None:
        if message.request != self._request:
            return  # superseded by a newer choice, toggle or width
        keep = self.shown is not None and self.shown.change == message.loaded.change
        self.shown = message.loaded
        self._rendered_width = message.width
        self.query_one("#diff-header", Static).update(self._header(message.loaded))
        self.query_one(DiffPane).show(message.strips, keep_scroll=keep)

    def _show(self, index: int) -> None:
        if self.diff is None or not 0 <= index < len(self.diff.files):
            return
        change = self.diff.files[index]
        pane = self.query_one(DiffPane)
        if index != self.index:
            self.shown = None
            self.query_one("#diff-header", Static).update(self._header_for(change))
            pane.message(Text("Loading…", style="dim"))
        self.index = index
        self._request += 1
        self.load_file(self._request, index, change, self._options(), pane.render_width)

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self._fit_width)

    def _fit_width(self) -> None:
        """Lay the shown diff out again when the pane's width changed."""
        if self.index is not None and self.query_one(DiffPane).render_width != self._rendered_width:
            self._show(self.index)

    def _options(self) -> DiffOptions:
        return DiffOptions(side_by_side=self.side_by_side, hidden=self.hidden)

    def _header_for(self, change: FileChange) -> RenderableType:
        return file_row(change)

    def _header(self, loaded: FileDiff) -> RenderableType:
        row = self._header_for(loaded.change)
        assert isinstance(row, Text)
        sizes = [
            human_size(s) if s is not None else "absent"
            for s in (loaded.base_size, loaded.head_size)
        ]
        if loaded.base_size is not None or loaded.head_size is not None:
            row.append(f"  {sizes[0]} → {sizes[1]}", "dim")
        return row

    def _status(self) -> Text:
        status = Text()
        status.append(f"{revision_name(self.base)} → {revision_name(self.head)}")
        if self.diff is not None:
            count = len(self.diff.files)
            status.append(f" · {count} file{'s' * (count != 1)}")
        status.append(" · side by side" if self.side_by_side else " · unified")
        hidden = [NOISE_TOGGLES[k] for k in NOISE_KINDS if k in self.hidden]
        status.append(" · hidden: " + (", ".join(hidden) if hidden else "nothing"))
        return status

    # --- actions ------------------------------------------------------------------------------
    def _rerender(self) -> None:
        self.query_one("#diff-status", Static).update(self._status())
        if self.index is not None:
            self._show(self.index)

    def watch_side_by_side(self) -> None:
        if self.is_mounted:
            self._rerender()

    def watch_hidden(self) -> None:
        if self.is_mounted:
            self._rerender()

    def action_toggle_side_by_side(self) -> None:
        self.side_by_side = not self.side_by_side

    def action_toggle_noise(self, kind: str) -> None:
        self.hidden = self.hidden ^ {kind}
        state = "shown" if kind not in self.hidden else "hidden"
        self.notify(f"{NOISE_TOGGLES[kind].capitalize()} {state}", timeout=2)

    def action_scroll_diff(self, pages: int) -> None:
        pane = self.query_one(DiffPane)
        if pages > 0:
            pane.scroll_page_down(animate=False)
        else:
            pane.scroll_page_up(animate=False)
