"""The undo dialog: delete the refs one promotion created, locally and (if asked) on the remote.

The main screen opens it for `u` with the last `PromotionResult` of the session; it dismisses with
the `UndoReport`, or None when cancelled (nothing deleted).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from cd4ml_tui.core.api import describe_undo, undo
from cd4ml_tui.ui.access import writes
from cd4ml_tui.ui.messages import WidgetMessage, report_failure

if TYPE_CHECKING:
    from cd4ml_tui.core.api import PromotionResult, Repo, UndoReport


class UndoScreen(ModalScreen["UndoReport | None"]):
    """Confirm and undo one promotion: delete its refs locally, and on the remote if asked."""

    CSS_PATH = "promote_undo.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="undo.cancel"),
    ]

    class Undone(WidgetMessage):
        def __init__(self, screen: UndoScreen, report: UndoReport) -> None:
            super().__init__(screen)
            self.report = report

    on_worker_state_changed = report_failure

    def __init__(self, repo: Repo, result: PromotionResult) -> None:
        super().__init__()
        self.repo, self.result = repo, result

    def compose(self) -> ComposeResult:
        with Vertical(id="undo-dialog"):
            yield Static(f"Undo the last promotion: {describe_undo(self.result)}?", id="undo-text")
            with Horizontal(id="undo-buttons"):
                yield Button("Delete locally", id="undo-local", variant="warning")
                if self.result.pushed:
                    yield Button(
                        f"Also on {self.result.plan.remote}", id="undo-remote", variant="error"
                    )
                yield Button("Cancel  esc", id="cancel")

    @on(Button.Pressed, "#undo-local, #undo-remote")
    @writes
    def _confirmed(self, event: Button.Pressed) -> None:
        for button in self.query(Button):
            button.disabled = True
        self.run_undo(event.button.id == "undo-remote")

    @work(thread=True, exclusive=True, group="promote-undo", exit_on_error=False)
    def run_undo(self, remote_confirmed: bool) -> None:
        self.post_message(self.Undone(self, undo(self.repo, self.result, remote_confirmed)))

    def on_undo_screen_undone(self, message: Undone) -> None:
        report = message.report
        text = f"Deleted {', '.join(report.deleted) or 'nothing'}"
        if report.remote_deleted:
            text += f"; on {self.result.plan.remote} too"
        if report.kept:
            text += f"; left {', '.join(report.kept)} (changed since, or checked out)"
        self.notify(text, title="Undone", severity="warning" if report.kept else "information")
        if report.remote_error:
            self.notify(report.remote_error, severity="error", title="Remote not changed")
        self.dismiss(report)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
