"""The status bar of the main screen: one line of facts about the table, and the load's progress.

Its state is reactive: the screen sets what changed (`bar.marked = 2`) from the messages it
routes, and the line redraws itself; nothing calls a refresh by hand.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import ProgressBar, Static

WATCHED = (
    "shown",
    "total",
    "progress",
    "fetching",
    "sort_label",
    "group",
    "filter_text",
    "only_changed",
    "marked",
    "queue",
)


class StatusBar(Horizontal):
    """`repo · shown/total revisions · reading… · sorted by … · filter: … · N marked`."""

    DEFAULT_CSS = """
    StatusBar {
        height: 1;
        background: $panel;
        padding: 0 1;
    }
    StatusBar > #status {
        width: 1fr;
        height: 1;
    }
    StatusBar > #progress {
        width: 40;
        height: 1;
    }
    """

    shown: reactive[int] = reactive(0, init=False)
    total: reactive[int] = reactive(0, init=False)
    progress: reactive[tuple[int, int] | None] = reactive(None, init=False)
    """(revisions read, revisions listed) while a load runs; (0, 0) while listing; else None."""
    fetching: reactive[str | None] = reactive(None, init=False)
    sort_label: reactive[str | None] = reactive(None, init=False)
    group: reactive[str | None] = reactive(None, init=False)  # the label of the narrowed group
    filter_text: reactive[str] = reactive("", init=False)
    only_changed: reactive[bool] = reactive(False, init=False)
    marked: reactive[int] = reactive(0, init=False)
    queue: reactive[str | None] = reactive(None, init=False)  # the started queue runs' states

    def __init__(self, repo_name: str, has_dvc: bool, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.repo_name = repo_name
        self.has_dvc = has_dvc

    def compose(self) -> ComposeResult:
        yield Static(self.text(), id="status")
        yield ProgressBar(id="progress", show_eta=False)

    def on_mount(self) -> None:
        for name in WATCHED:
            self.watch(self, name, self._redraw, init=False)
        self.query_one(ProgressBar).display = False

    def text(self) -> str:
        parts = [f"[b]{self.repo_name}[/b]", f"{self.shown}/{self.total} revisions"]
        if self.progress is not None:
            done, total = self.progress
            parts.append(f"reading {done}/{total}…" if total else "listing revisions…")
        if self.fetching:
            parts.append(f"fetching {self.fetching}…")
        if not self.has_dvc:
            parts.append("[yellow]DVC not set up[/]")
        if self.sort_label:
            parts.append(f"sorted by {self.sort_label}")
        if self.group:
            parts.append(f"group {self.group} (esc)")
        if self.filter_text:
            parts.append(f"filter: {self.filter_text}")
        if self.only_changed:
            parts.append("only changed columns")
        if self.marked:
            parts.append(f"{self.marked} marked")
        if self.queue:
            parts.append(self.queue)
        return " · ".join(parts)

    def _redraw(self) -> None:
        # One line of fixed size (`1fr` by 1), whatever it says: no layout of the whole screen,
        # which each sort, filter key, mark and loaded batch would otherwise cost.
        self.query_one("#status", Static).update(self.text(), layout=False)

    def watch_progress(self, progress: tuple[int, int] | None) -> None:
        bar = self.query_one(ProgressBar)
        bar.display = progress is not None
        if progress is not None:
            done, total = progress
            bar.update(total=total or None, progress=done)
