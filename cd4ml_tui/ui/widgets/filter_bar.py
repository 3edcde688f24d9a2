"""The filter bar: an input for the filter language of `core.query`, shown by `/`."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import Input

from cd4ml_tui.ui.messages import WidgetMessage


class FilterBar(Input):
    """Posts `Input.Changed` while typing, `Input.Submitted` on enter, `Cancelled` on escape."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Clear filter", id="filter.cancel"),
    ]

    HELP_TITLE = "Filter bar"

    class Cancelled(WidgetMessage):
        """The user dismissed the filter (escape): clear it."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            placeholder="filter: text matches names/shas; or accuracy>0.8 and train.lr<0.05",
            id=id,
        )

    def action_cancel(self) -> None:
        self.post_message(self.Cancelled(self))
