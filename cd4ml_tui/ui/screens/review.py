"""The review dialog (`R` on the main screen): a verdict and a message on one revision.

Shows the thread so far, then approve / request changes / comment and the message. Confirming
records the verdict in a worker (`core.api.record_review`: one line appended to the commit's git
note under `refs/notes/cd4ml-review`). Dismisses with the recorded `Verdict`, or None (Escape:
nothing written). A refusal (no git identity, a message missing) is shown in the dialog.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.console import Group
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, RadioButton, RadioSet, Static, TextArea

from cd4ml_tui.core.api import Verdict, record_review, summarize_thread
from cd4ml_tui.core.errors import Cd4mlError
from cd4ml_tui.render.review_text import VERDICT_STYLES, summary_text, thread
from cd4ml_tui.ui.access import writes
from cd4ml_tui.ui.messages import WidgetMessage, report_failure

if TYPE_CHECKING:
    from cd4ml_tui.core.api import Repo
    from cd4ml_tui.core.model import RevisionValues

CHOICES = (("approve", "Approve"), ("request-changes", "Request changes"), ("comment", "Comment"))


class ReviewScreen(ModalScreen["Verdict | None"]):
    """Record a verdict on one revision."""

    CSS_PATH = "review.tcss"
    AUTO_FOCUS = "#verdict"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="review.cancel"),
        Binding("ctrl+s", "confirm", "Record", id="review.confirm"),
    ]

    class Recorded(WidgetMessage):
        def __init__(self, screen: ReviewScreen, verdict: Verdict | None, error: str | None):
            super().__init__(screen)
            self.verdict, self.error = verdict, error

    on_worker_state_changed = report_failure

    def __init__(
        self, repo: Repo, values: RevisionValues, verdicts: Sequence[Verdict] = ()
    ) -> None:
        super().__init__()
        self.repo, self.values, self.verdicts = repo, values, tuple(verdicts)
        self.busy = False

    def compose(self) -> ComposeResult:
        revision = self.values.revision
        with VerticalScroll(id="review-dialog"):
            title = Text.assemble(("Review ", "bold"), (revision.label, "bold"))
            title.append(f" ({revision.short})  ", style="dim")
            yield Static(title + summary_text(summarize_thread(self.verdicts)), id="review-title")
            if self.verdicts:
                with VerticalScroll(id="review-thread"):
                    yield Static(Group(thread(self.verdicts)))
            with RadioSet(id="verdict"):
                for value, label in CHOICES:
                    style = VERDICT_STYLES[value]
                    yield RadioButton(
                        Text(label, style=style), value=value == "approve", name=value
                    )
            yield TextArea(id="message", soft_wrap=True, show_line_numbers=False)
            yield Static(
                "Message: what you checked, what to change (ctrl+s records).", id="review-hint"
            )
            yield Static("", id="review-problem")
            with Horizontal(id="review-buttons"):
                yield Button("Record", id="confirm", variant="primary")
                yield Button("Cancel", id="cancel")

    @property
    def verdict(self) -> str:
        pressed = self.query_one("#verdict", RadioSet).pressed_button
        return pressed.name if pressed is not None and pressed.name else "approve"

    @property
    def message(self) -> str:
        return self.query_one("#message", TextArea).text

    @on(Button.Pressed, "#confirm")
    @writes
    def action_confirm(self) -> None:
        if self.busy:
            return
        self.busy = True
        self.query_one("#confirm", Button).disabled = True
        self.query_one("#review-problem", Static).update("")
        self._record(self.verdict, self.message)

    @work(thread=True, exclusive=True, group="review-write", exit_on_error=False)
    def _record(self, verdict: str, message: str) -> None:
        try:
            recorded = record_review(self.repo, self.values.revision, verdict, message, self.values)
        except Cd4mlError as err:
            self.post_message(self.Recorded(self, None, str(err)))
            return
        self.post_message(self.Recorded(self, recorded, None))

    @on(Recorded)
    def _recorded(self, message: Recorded) -> None:
        self.busy = False
        if message.error is not None or message.verdict is None:
            self.query_one("#confirm", Button).disabled = False
            self.query_one("#review-problem", Static).update(
                Text(message.error or "not recorded", style="bold red")
            )
            return
        label = self.values.revision.label
        self.notify(f"{message.verdict.verdict} recorded on {label}", title="Review", markup=False)
        self.dismiss(message.verdict)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if not self.busy:
            self.dismiss(None)
