"""The right side of the diff view: a scrollable rendering of one file's diff."""

from __future__ import annotations

from typing import ClassVar

from rich.console import RenderableType
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static


class DiffPane(VerticalScroll):
    """Shows one rendered file diff (text hunks, notebook cells or a DVC out) with a header."""

    HELP_TITLE = "Diff"
    DEFAULT_CSS = """
    DiffPane {
        height: 1fr;
        width: 1fr;
        padding: 0 1;
    }
    DiffPane > #diff-header {
        margin-bottom: 1;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "scroll_down", "Scroll down", show=False, id="diffpane.down"),
        Binding("k", "scroll_up", "Scroll up", show=False, id="diffpane.up"),
    ]

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.can_focus = True
        self.header: RenderableType = ""
        self.body: RenderableType = ""

    def compose(self) -> ComposeResult:
        yield Static("", id="diff-header")
        yield Static("", id="diff-body")

    def show(self, header: RenderableType, body: RenderableType, *, keep_scroll: bool) -> None:
        """Replace what is shown; a new file starts at the top, a re-render keeps the place."""
        self.header, self.body = header, body
        self.query_one("#diff-header", Static).update(header)
        self.query_one("#diff-body", Static).update(body)
        if not keep_scroll:
            self.scroll_home(animate=False)
