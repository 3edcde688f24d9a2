"""The help screen: every key of the screen below it, read from the BINDINGS in force there."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.actions import parse
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

FOCUS_ACTIONS = ("app.focus_next", "app.focus_previous")


@dataclass(frozen=True)
class KeyEntry:
    """One key: where it applies, how it is shown, what it does, and the node that runs it."""

    section: str
    key: str
    description: str
    node: DOMNode
    action: str


def _section_name(node: DOMNode) -> str:
    if isinstance(node, Screen):
        return type(node).__name__.removesuffix("Screen") + " screen"
    if node is node.app:
        return "Everywhere"
    return str(getattr(node, "HELP_TITLE", "")) or type(node).__name__


def _offered(node: DOMNode, action: str) -> bool:
    """False when the node's `check_action` hides the action (e.g. a write in a read-only app)."""
    namespace, name, parameters = parse(action)
    target = node.app if namespace == "app" else node
    return target.check_action(name, parameters) is not False


def collect_bindings(screen: Screen[Any]) -> list[KeyEntry]:
    """The keys of `screen`: the app's, the screen's, and those of our widgets on it.

    App bindings count when they have a description; a screen's or widget's when it is shown in
    the footer, declared with an id (our own) or moves focus, which leaves out Textual internals.
    Actions that the node's `check_action` hides (writes in a read-only session) are left out.
    """
    app = screen.app
    nodes: list[DOMNode] = [screen]
    seen_types: set[type] = set()
    for widget in screen.query("*"):
        if type(widget).__module__.startswith("cd4ml_tui") and type(widget) not in seen_types:
            seen_types.add(type(widget))
            nodes.append(widget)
    nodes.append(app)
    entries: list[KeyEntry] = []
    seen: set[tuple[str, str]] = set()
    for node in nodes:
        for _key, binding in node._bindings:
            if not binding.description or binding.system:
                continue
            ours = binding.show or binding.id or binding.action in FOCUS_ACTIONS
            if (node is not app and not ours) or not _offered(node, binding.action):
                continue
            section = _section_name(node)
            if (section, binding.action) in seen:
                continue  # one entry per action, keys joined below
            seen.add((section, binding.action))
            keys = [app.get_key_display(b) for _, b in node._bindings if b.action == binding.action]
            key = ", ".join(dict.fromkeys(keys))
            entries.append(KeyEntry(section, key, binding.description, node, binding.action))
    return entries


class HelpScreen(ModalScreen[None]):
    """Lists `entries` grouped by where they apply; any of escape, q or ? closes it."""

    CSS_PATH = "help.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close help", id="help.close"),
    ]

    def __init__(self, entries: list[KeyEntry], title: str) -> None:
        super().__init__()
        self.entries = entries
        self.title_text = title

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", min_width=12)
        table.add_column()
        table.add_row(Text(f"Keys: {self.title_text}", style="bold reverse"), "")
        section = None
        for entry in self.entries:
            if entry.section != section:
                section = entry.section
                table.add_row("", "")
                table.add_row(Text(section, style="bold underline"), "")
            table.add_row(Text(entry.key, style="bold"), entry.description)
        with VerticalScroll(id="help-dialog"):
            yield Static(table)

    def action_close(self) -> None:
        self.dismiss(None)
