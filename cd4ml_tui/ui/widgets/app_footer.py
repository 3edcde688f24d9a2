"""The footer every screen yields: Textual's, opening with READ ONLY in a read-only session.

Textual lists the footer's keys from the focused widget out to the app, so a binding of the app
would come last and be cut off at 80 columns; a label docked left is always seen.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer, Label

from cd4ml_tui.ui.access import writes_allowed


class AppFooter(Footer):
    """`Footer` that says READ ONLY first when this session may not write."""

    DEFAULT_CSS = """
    AppFooter > .read-only {
        dock: left;
        height: 1;
        padding: 0 1;
        margin-right: 1;
        background: $warning;
        color: $text;
        text-style: bold;
    }
    """

    def compose(self) -> ComposeResult:
        if not writes_allowed(self):
            yield Label("READ ONLY", classes="read-only")
        yield from super().compose()
