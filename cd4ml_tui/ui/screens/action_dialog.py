"""The confirmation dialog of an action on experiments: what it will do, the exact git and DVC
commands, why it is refused (if it is), and one button per way to go ahead.

It plans nothing and writes nothing: the `ActionRunner` widget plans before opening it and writes
after it closes. It dismisses with the id of the button pressed, or None (Escape, Cancel). An
optional input (the branch name) is handed back through `value`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from cd4ml_tui.core import api  # `api.name`: imported on first use, off the start-up path

Choice = tuple[str, str, str]  # (button id, label, variant)


def commands_text(commands: Sequence[Sequence[str]]) -> Text:
    """The commands an action runs, one per line, as the CLI prints them."""
    text = Text()
    for argv in commands:
        text.append("$ ", style="dim")
        text.append(api.format_command(tuple(argv)) + "\n")
    text.rstrip()
    return text


class ActionDialog(ModalScreen["str | None"]):
    """Preview one action and ask how to go ahead."""

    CSS_PATH = "action_dialog.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="action.cancel"),
    ]

    def __init__(
        self,
        title: str,
        body: Text,
        commands: Sequence[Sequence[str]],
        choices: Sequence[Choice],
        refusal: str | None = None,
        value: str | None = None,
    ) -> None:
        super().__init__()
        self.title_text, self.body, self.commands = title, body.copy(), commands
        self.body.rstrip()
        self.choices, self.refusal, self.value = list(choices), refusal, value
        self._initial = value

    def compose(self) -> ComposeResult:
        with Vertical(id="action-dialog"):
            yield Static(self.title_text, id="action-title", markup=False)
            if self.value is not None:
                yield Input(self.value, id="action-value", compact=True)
            with VerticalScroll(id="action-body"):
                yield Static(self.body, id="action-preview")
                if self.commands:
                    yield Static(commands_text(self.commands), id="action-commands")
            if self.refusal:
                yield Static(self.refusal, id="action-refusal", markup=False)
            with Horizontal(id="action-buttons"):
                for button_id, label, variant in self.choices:
                    yield Button(label, id=button_id, variant=variant)  # type: ignore[arg-type]
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        buttons = [b for b in self.query(Button) if b.id != "cancel"]
        target = self.query("#action-value").first() if self.value is not None else None
        (target or (buttons[0] if buttons else self.query_one("#cancel", Button))).focus()

    @on(Input.Changed, "#action-value")
    def _value_changed(self, event: Input.Changed) -> None:
        """Show the commands with the typed value in place of the first one."""
        self.value = event.value
        shown = [
            [event.value if arg == self._initial else arg for arg in argv] for argv in self.commands
        ]
        self.query_one("#action-commands", Static).update(commands_text(shown))

    @on(Input.Submitted, "#action-value")
    def _value_submitted(self) -> None:
        buttons = [b for b in self.query(Button) if b.id != "cancel"]
        if buttons:
            self.dismiss(buttons[0].id)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None if event.button.id == "cancel" else event.button.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
