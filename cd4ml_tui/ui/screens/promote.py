"""The promote dialog: pick artifact, version, stage; see the exact tags and git commands; confirm.

The fields are a `PromotionForm`; every change to it re-plans in a worker
(`core.api.plan_promotion`, which validates and writes nothing), so the preview always shows what
confirming would write, or why it is refused. Confirm writes in a worker (`core.api.apply`, then
`push`). The dialog dismisses with the `PromotionResult` (truthy: tags were written) or None
(Escape: nothing written).
`UndoScreen` (in `promote_undo`, re-exported here) undoes one promotion.

Before anything is confirmed the dialog shows the revision's verdict and its gate result
(`core.api.promotion_checks`); when the settings require approval or a passing gate and the
revision has neither, the plan is refused until a reason is typed into Override, which then goes
into the tag message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static
from textual.worker import Worker, WorkerState

from cd4ml_tui.core.api import (
    PushError,
    apply,
    check_promotable,
    default_branch_name,
    default_remote,
    describe_source,
    known_artifacts,
    plan_promotion,
    promotion_checks,
    push,
    read_baseline_values,
    read_registry,
    remotes,
    version_choices,
)
from cd4ml_tui.core.errors import Cd4mlError, PromotionError
from cd4ml_tui.render.promote_text import preview_text
from cd4ml_tui.render.review_text import checks_text
from cd4ml_tui.ui.access import writes
from cd4ml_tui.ui.messages import WidgetMessage, report_failure
from cd4ml_tui.ui.screens.promote_undo import UndoScreen
from cd4ml_tui.ui.widgets.promotion_form import PromotionForm

if TYPE_CHECKING:
    from cd4ml_tui.core.api import (
        PromotionChecks,
        PromotionPlan,
        PromotionResult,
        Registry,
        Repo,
    )
    from cd4ml_tui.core.config import Settings
    from cd4ml_tui.core.model import Revision, RevisionValues

__all__ = ["PromoteScreen", "UndoScreen"]


class PromoteScreen(ModalScreen["PromotionResult | None"]):
    """Promote one revision to a GTO version (and stage) of an artifact."""

    CSS_PATH = "promote.tcss"
    VERTICAL_BREAKPOINTS = [(0, "-short"), (40, "-tall")]  # short: the dialog fills the height
    AUTO_FOCUS = "#artifact"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="promote.cancel"),
        Binding("ctrl+s", "confirm", "Promote", id="promote.confirm"),
    ]

    class Loaded(WidgetMessage):
        def __init__(
            self,
            screen: PromoteScreen,
            registry: Registry | None,
            artifacts: list[str],
            remotes: list[str],
            baseline: RevisionValues | None,
            error: str | None = None,
            default_remote: str | None = None,
            checks: PromotionChecks | None = None,
        ) -> None:
            super().__init__(screen)
            self.registry, self.artifacts, self.remotes = registry, artifacts, remotes
            self.baseline, self.error = baseline, error
            self.default_remote = default_remote
            self.checks = checks

    class Planned(WidgetMessage):
        def __init__(
            self,
            screen: PromoteScreen,
            seq: int,
            plan: PromotionPlan | None,
            error: str | None,
            field: str | None,
        ) -> None:
            super().__init__(screen)
            self.seq, self.plan, self.error, self.field = seq, plan, error, field

    class Written(WidgetMessage):
        def __init__(
            self, screen: PromoteScreen, result: PromotionResult | None, error: str | None
        ) -> None:
            super().__init__(screen)
            self.result, self.error = result, error

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.group == "promote-write":
            self.busy = False  # let the user cancel; what was written shows in the repo
        report_failure(self, event)

    def __init__(
        self, repo: Repo, settings: Settings, revision: Revision, values: RevisionValues
    ) -> None:
        super().__init__()
        self.repo, self.settings, self.revision, self.values = repo, settings, revision, values
        self.registry: Registry | None = None
        self.baseline: RevisionValues | None = None
        self.plan: PromotionPlan | None = None
        self.checks: PromotionChecks | None = None  # the review and the gate, once read
        self.result: PromotionResult | None = None  # set once tags are written
        self.busy = False
        self._seq = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="promote-dialog"):
            yield Static(
                f"Promote {describe_source(self.revision)} ({self.revision.short})",
                id="promote-title",
            )
            # The form and preview scroll; the buttons, with their keys, stay on screen.
            with VerticalScroll(id="promote-body"):
                yield PromotionForm(default_branch_name(self.revision), id="promote-form")
                yield Static("Reading the review and the gate…", id="promote-checks")
                with Horizontal(classes="promote-row -hidden", id="override-row"):
                    yield Label("Override", classes="promote-label")
                    yield Input(
                        id="override",
                        placeholder="why promote anyway (goes into the tag)",
                        compact=True,
                    )
                yield Static("Reading the registry…", id="promote-preview")
                yield Static("", id="promote-problem")
            with Horizontal(id="promote-buttons"):
                yield Button("Promote  ctrl+s", id="confirm", variant="primary", disabled=True)
                yield Button("Retry push", id="retry", variant="warning", classes="-hidden")
                yield Button("Cancel  esc", id="cancel")

    def on_mount(self) -> None:
        try:
            check_promotable(self.revision)
        except PromotionError as err:  # whoever opened the dialog: nothing to promote here
            self.app.notify(str(err), severity="error", title="Not promoted", markup=False)
            self.dismiss(None)
            return
        self.load()

    @work(thread=True, exclusive=True, group="promote-load", exit_on_error=False)
    def load(self) -> None:
        """Read the registry, the artifacts, the remotes and the baseline's values."""
        try:
            registry = read_registry(self.repo)
            artifacts = known_artifacts(self.repo, self.revision.rev, registry)
            names = remotes(self.repo)
            default = default_remote(self.repo)
            baseline = read_baseline_values(self.repo, self.revision, self.settings.baseline)
            checks = promotion_checks(self.repo, self.revision, self.settings, values=self.values)
        except Cd4mlError as err:
            self.post_message(self.Loaded(self, None, [], [], None, str(err)))
            return
        self.post_message(
            self.Loaded(self, registry, artifacts, names, baseline, None, default, checks)
        )

    def on_promote_screen_loaded(self, message: Loaded) -> None:
        if message.error is not None or message.registry is None:
            self._show_problem(message.error or "cannot read the registry")
            self.query_one("#promote-preview", Static).update("")
            return
        self.registry, self.baseline = message.registry, message.baseline
        self.checks = message.checks
        if message.checks is not None:
            self.query_one("#promote-checks", Static).update(checks_text(message.checks))
            self.query_one("#override-row").set_class(not message.checks.refusals, "-hidden")
        self.form.set_choices(
            message.artifacts, message.remotes, message.registry.stages, message.default_remote
        )
        self._suggest_version()

    @property
    def form(self) -> PromotionForm:
        return self.query_one("#promote-form", PromotionForm)

    def _suggest_version(self) -> None:
        """Fill in the next patch of the chosen artifact, and label the bump buttons."""
        if self.registry is None:
            return
        self.form.suggest(version_choices(self.registry, self.form.artifact))
        self._replan()

    @on(PromotionForm.Changed, "#promote-form")
    def _form_changed(self, message: PromotionForm.Changed) -> None:
        if message.field == "artifact":
            self._suggest_version()  # which re-plans
        else:
            self._replan()

    def _replan(self) -> None:
        if self.registry is None or self.result is not None:
            return
        self._seq += 1
        self.plan = None  # confirm waits for the plan being made, never takes the previous one
        self.query_one("#confirm", Button).disabled = True
        self.query_one("#promote-preview", Static).add_class("-stale")
        override = self.query_one("#override", Input).value.strip() or None
        self.plan_in_background(self._seq, {**self.form.values(), "override": override})

    @on(Input.Changed, "#override")
    def _override_changed(self) -> None:
        self._replan()

    # Not exclusive: a thread cannot be stopped anyway, and a cancelled worker makes
    # `workers.wait_for_complete` raise. `seq` drops every answer but the newest.
    @work(thread=True, group="promote-plan", exit_on_error=False)
    def plan_in_background(self, seq: int, form: dict[str, Any]) -> None:
        plan: PromotionPlan | None = None
        error: str | None = None
        field: str | None = None
        try:
            plan = plan_promotion(
                self.repo,
                self.revision,
                values=self.values,
                baseline_values=self.baseline,
                registry=self.registry,
                checks=self.checks,
                **form,
            )
        except Cd4mlError as err:
            error, field = str(err), getattr(err, "field", None)
        self.post_message(self.Planned(self, seq, plan, error, field))

    def on_promote_screen_planned(self, message: Planned) -> None:
        if message.seq != self._seq or self.result is not None:
            return  # an older plan, or tags are already written
        self.plan = message.plan
        self.form.mark_invalid(message.field)
        preview = self.query_one("#promote-preview", Static)
        preview.remove_class("-stale")
        if message.plan is None:  # no preview of an older plan beside this plan's error
            preview.update("")
            self._show_problem(message.error or "")
            return
        self._show_problem("")
        self.query_one("#promote-preview", Static).update(preview_text(message.plan))
        self.query_one("#confirm", Button).disabled = self.busy

    def _show_problem(self, text: str) -> None:
        self.query_one("#promote-problem", Static).update(text)

    @on(Button.Pressed, "#confirm")
    @writes
    def action_confirm(self) -> None:
        if self.plan is None or self.busy or self.result is not None:
            return
        self.busy = True
        self.query_one("#confirm", Button).disabled = True
        self.write(self.plan)

    @work(thread=True, group="promote-write", exit_on_error=False)  # one at a time: `busy`
    def write(self, plan: PromotionPlan) -> None:
        try:
            result = apply(self.repo, plan)
        except Cd4mlError as err:
            self.post_message(self.Written(self, None, str(err)))
            return
        self._push(result)

    @work(thread=True, group="promote-write", exit_on_error=False)  # one at a time: `busy`
    def retry_push(self, result: PromotionResult) -> None:
        self._push(result)

    def _push(self, result: PromotionResult) -> None:
        """Push when the plan asks to (in the calling worker); post what was written."""
        if result.plan.remote is None:
            self.post_message(self.Written(self, result, None))
            return
        try:
            self.post_message(self.Written(self, push(self.repo, result), None))
        except PushError as err:
            self.post_message(self.Written(self, err.result, str(err)))

    def on_promote_screen_written(self, message: Written) -> None:
        self.busy = False
        if message.result is None:  # refused at write time: nothing was written
            self.notify(message.error or "refused", severity="error", title="Not promoted")
            self._replan()
            return
        self.result = message.result
        if message.error is not None:  # tags written, push failed: offer a retry
            self._show_problem(message.error)
            self.notify(message.error, severity="error", title="Push failed")
            self.query_one("#confirm", Button).add_class("-hidden")
            retry = self.query_one("#retry", Button)
            retry.remove_class("-hidden")
            retry.disabled = False
            return
        pushed = f", pushed to {message.result.plan.remote}" if message.result.pushed else ""
        branch = message.result.plan.branch
        made = f"Created {', '.join(message.result.tag_names)}"
        made += f" and branch {branch}" if branch else ""
        self.notify(f"{made}{pushed}", title="Promoted", markup=False)
        self.dismiss(message.result)

    @on(Button.Pressed, "#retry")
    def _retry(self) -> None:
        if self.result is not None and not self.busy:
            self.busy = True
            self.query_one("#retry", Button).disabled = True
            self.retry_push(self.result)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if self.busy:
            self.notify("Writing the tags; one moment.")
            return
        self.dismiss(self.result)  # None unless tags were written (then the table reloads)
