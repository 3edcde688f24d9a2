"""The column chooser: a modal list of checkboxes; checked columns are shown."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, SelectionList


class ColumnChooser(ModalScreen[set[str]]):
    """Dismisses with the set of hidden column ids when closed."""

    CSS_PATH = "columns.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,v", "done", "Done", id="columns.done"),
        Binding("a", "show_all", "Show all", id="columns.all"),
        Binding("n", "hide_all", "Hide all", id="columns.none"),
        Binding("j", "move(1)", "Down", show=False, id="columns.down"),
        Binding("k", "move(-1)", "Up", show=False, id="columns.up"),
    ]

    def __init__(self, columns: Sequence[tuple[str, str, str]], hidden: set[str]) -> None:
        """`columns` are (id, label, kind) with kind "metric", "param" or "revision"."""
        super().__init__()
        self.columns = list(columns)
        self.hidden = set(hidden)

    def compose(self) -> ComposeResult:
        with Vertical(id="columns-dialog"):
            yield Label("Columns: space toggles, a shows all, n hides all, escape closes")
            options = []
            for cid, label, kind in self.columns:
                prompt = Text(label)
                prompt.append(f"  {kind}", style="dim")
                options.append((prompt, cid, cid not in self.hidden))
            yield SelectionList[str](*options, id="columns-list")

    def _hidden_now(self) -> set[str]:
        shown = set(self.query_one(SelectionList).selected)
        return {cid for cid, _, _ in self.columns if cid not in shown}

    def action_done(self) -> None:
        self.dismiss(self._hidden_now())

    def action_move(self, step: int) -> None:
        """`j`/`k` move like the arrows, as on every list."""
        options = self.query_one(SelectionList)
        if step > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    def action_show_all(self) -> None:
        self.query_one(SelectionList).select_all()

    def action_hide_all(self) -> None:
        self.query_one(SelectionList).deselect_all()
