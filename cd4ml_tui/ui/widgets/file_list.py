"""The changed files of a diff: one row each with status, path and kind."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from cd4ml_tui.core.api import FileChange
from cd4ml_tui.render.diff import file_row
from cd4ml_tui.ui.messages import WidgetMessage


class FileList(OptionList):
    """Changed files; moving the cursor posts `FileList.Highlighted`, enter `FileList.Chosen`."""

    HELP_TITLE = "Changed files"
    DEFAULT_CSS = """
    FileList {
        height: 1fr;
        border: none;
        border-right: solid $panel-lighten-2;
        padding: 0;
    }
    FileList:focus {
        border: none;
        border-right: solid $accent;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="files.down"),
        Binding("k", "cursor_up", "Up", show=False, id="files.up"),
    ]

    class Highlighted(WidgetMessage):
        """The cursor moved to a file."""

        def __init__(self, file_list: FileList, index: int, change: FileChange) -> None:
            super().__init__(file_list)
            self.file_list = file_list
            self.index = index
            self.change = change

    class Chosen(Highlighted):
        """Enter on a file: the reader wants to read its diff."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.changes: tuple[FileChange, ...] = ()

    def set_changes(self, changes: Sequence[FileChange]) -> None:
        """Show `changes`, cursor on the first one."""
        self.changes = tuple(changes)
        self.set_options(Option(file_row(c), id=str(i)) for i, c in enumerate(self.changes))
        if self.changes:
            self.highlighted = 0

    def _on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if 0 <= event.option_index < len(self.changes):
            index = event.option_index
            self.post_message(self.Highlighted(self, index, self.changes[index]))

    def _on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self.changes):
            index = event.option_index
            self.post_message(self.Chosen(self, index, self.changes[index]))
