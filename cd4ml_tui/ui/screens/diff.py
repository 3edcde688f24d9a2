"""The diff screen: what changed between two revisions, file by file, notebooks cell by cell."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Header

from cd4ml_tui.ui.widgets.app_footer import AppFooter
from cd4ml_tui.ui.widgets.diff_view import DiffView

if TYPE_CHECKING:
    from cd4ml_tui.core.api import Repo
    from cd4ml_tui.core.model import Revision


class DiffScreen(Screen[None]):
    """`DiffView` full screen; `escape` goes back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="diff.back"),
    ]

    def __init__(
        self, repo: Repo, base: Revision, head: Revision, paths: Sequence[str] = ()
    ) -> None:
        super().__init__()
        self.repo = repo
        self.base = base
        self.head = head
        self.paths = tuple(paths)
        self.sub_title = f"diff {base.label} → {head.label}"

    def compose(self) -> ComposeResult:
        yield Header()
        yield DiffView(self.repo, self.base, self.head, self.paths, id="diff-view")
        yield AppFooter()

    def on_mount(self) -> None:
        self.query_one("#diff-files").focus()

    def action_back(self) -> None:
        self.dismiss(None)
