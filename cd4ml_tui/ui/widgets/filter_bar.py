"""The filter bar: an input for the filter language of `core.api.compile_query`, shown by `/`.

The bar owns the filter: it compiles what is typed against `columns` (the table's value columns,
kept current by the screen), marks itself invalid while the text does not compile (and says why
on enter) and then filters nothing (never the last valid prefix), and sets `in_force` to the
predicate to show (the screen watches it). `Closed` says the user is done with it (enter on a
valid filter, or escape, which clears it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.reactive import var
from textual.widgets import Input

from cd4ml_tui.core import api  # `api.name`: imported on first use, off the start-up path
from cd4ml_tui.core.model import ColumnKey
from cd4ml_tui.ui.messages import WidgetMessage
from cd4ml_tui.ui.table_view import Predicate


@dataclass(frozen=True)
class Filter:
    """A filter in force: `text` ("" for none), compiled to `predicate`."""

    text: str = ""
    predicate: Predicate | None = None


class FilterBar(Input):
    """Sets `in_force` when the filter in force changes; posts `Closed` when the user is done."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Clear filter", id="filter.cancel"),
    ]

    HELP_TITLE = "Filter bar"

    in_force: var[Filter] = var(Filter, always_update=True, init=False)
    """The filter in force, set on every keystroke that changes it. The screen watches it (a
    message to the screen, after `Input.Changed` to the bar, showed the filtered rows a frame or
    two after the typed character; watched, they come in the same frame)."""

    class Closed(WidgetMessage):
        """The user is done with the bar: focus goes back to the table."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            placeholder="filter: text matches names/shas; or accuracy>0.8 and train.lr<0.05",
            id=id,
        )
        self.columns: Sequence[ColumnKey] = ()  # the names a filter may use
        self.applied = ""  # the filter in force (the last valid one)

    def open(self) -> None:
        self.display = True
        self.focus()

    def apply(self, text: str, announce: bool = False) -> bool:
        """Put `text` in force if it compiles; else mark the bar invalid (and, if `announce`,
        say why) and drop the filter in force."""
        try:
            predicate = api.compile_query(text, list(self.columns)) if text.strip() else None
        except api.QueryError as err:
            # No stale filter: an expression being typed (or refused) filters nothing, rather
            # than leaving its last valid prefix in force as a text filter.
            self.add_class("-invalid")
            if self.applied:
                self.applied = ""
                self.in_force = Filter()
            if announce:
                self.notify(str(err), title="Bad filter", severity="error", markup=False)
            return False
        self.remove_class("-invalid")
        self.applied = text.strip()
        self.in_force = Filter(self.applied, predicate)
        return True

    def reapply(self) -> None:
        """Compile the filter in force again (the columns changed, e.g. after a reload)."""
        if self.applied:
            self.apply(self.applied)

    def clear(self) -> None:
        """Drop the filter, hide the bar and hand the focus back."""
        self.value = ""
        self.apply("")
        self.display = False
        self.post_message(self.Closed(self))

    def watch_value(self, value: str) -> None:
        """Apply what is typed at once (`Input.Changed` would come a frame later)."""
        self.apply(value)

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()  # applied by `watch_value`

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.apply(event.value, announce=True):
            self.display = bool(self.applied)
            self.post_message(self.Closed(self))

    def action_cancel(self) -> None:
        self.clear()
