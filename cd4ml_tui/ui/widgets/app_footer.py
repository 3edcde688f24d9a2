"""The footer every screen yields: Textual's, opening with READ ONLY in a read-only session.

Textual lists the footer's keys from the focused widget out to the app, so a binding of the app
would come last and be cut off at 80 columns; a label docked left is always seen.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Footer, Label
from textual.widgets._footer import FooterKey

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
        yield from sorted(super().compose(), key=_rank)


# The keys a reviewer needs first, so they are the ones still on screen at 80 columns; the rest
# follow in Textual's order (focused widget first, then the screen, then the app).
FIRST_ACTIONS = (
    "help",
    "compare",
    "promote",
    "filter",
    "toggle_mark",
    "select",
    "diff",
    "confirm",
    "cancel",
    "back",
    "quit",
    "toggle_refs",
    "toggle_details",
)


def _rank(widget: Widget) -> int:
    """Stable sort key: listed actions by their place in FIRST_ACTIONS, everything else after
    (in its own order, as `sorted` is stable)."""
    if not isinstance(widget, FooterKey) or widget.has_class("-command-palette"):
        return len(FIRST_ACTIONS)
    action = widget.action.rpartition(".")[2]
    return FIRST_ACTIONS.index(action) if action in FIRST_ACTIONS else len(FIRST_ACTIONS)
