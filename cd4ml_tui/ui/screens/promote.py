"""The promote dialog: pick artifact, version, stage; see the exact tags and git commands; confirm.

Every change re-plans in a worker (`core.promote.plan_promotion`, which validates and writes
nothing), so the preview always shows what confirming would write, or why it is refused. Confirm
writes in a worker (`core.promote_write.apply`, then `push`). The dialog dismisses with the
`PromotionResult` (truthy: tags were written) or None (Escape: nothing written).
`UndoScreen` (in `promote_undo`, re-exported here) undoes one promotion.

Before anything is confirmed the dialog shows the revision's verdict and its gate result
(`core.promote.promotion_checks`); when the settings require approval or a passing gate and the
revision has neither, the plan is refused until a reason is typed into Override, which then goes
into the tag message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static
from textual.worker import Worker, WorkerState

from cd4ml_tui.core.api import (
    PushError,
    apply,
    check_promotable,
    default_branch_name,
    describe_source,
    format_command,
    known_artifacts,
    plan_promotion,
    promotion_checks,
    push,
    read_baseline_values,
    read_registry,
    run_git,
    version_choices,
)
from cd4ml_tui.core.errors import Cd4mlError, PromotionError
from cd4ml_tui.render.review_text import checks_text
from cd4ml_tui.ui.access import writes
from cd4ml_tui.ui.messages import WidgetMessage, report_failure
from cd4ml_tui.ui.screens.promote_undo import UndoScreen

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

__all__ = ["PromoteScreen", "UndoScreen", "preview_text"]

RELEASE = "\0release"  # the artifact choice for a plain release tag (repo without artifacts)
_FIELDS = ("artifact", "version", "stage", "branch")  # inputs an InvalidNameError can point at


class PromoteScreen(ModalScreen["PromotionResult | None"]):
    """Promote one revision to a GTO version (and stage) of an artifact."""

    CSS_PATH = "promote.tcss"
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
            checks: PromotionChecks | None = None,
        ) -> None:
            super().__init__(screen)
            self.registry, self.artifacts, self.remotes = registry, artifacts, remotes
            self.baseline, self.error, self.checks = baseline, error, checks

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
        self.checks: PromotionChecks | None = None
        self.result: PromotionResult | None = None  # set once tags are written
        self.busy = False
        self._seq = 0

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="promote-dialog"):
            yield Static(
                f"Promote {describe_source(self.revision)} ({self.revision.short})",
                id="promote-title",
            )
            with Horizontal(classes="promote-row"):
                yield Label("Artifact", classes="promote-label")
                yield Select[str]([], id="artifact", prompt="loading…", compact=True)
            with Horizontal(classes="promote-row"):
                yield Label("Version", classes="promote-label")
                yield Input(id="version", placeholder="v1.0.0", compact=True)
                for bump in ("patch", "minor", "major"):
                    yield Button(bump, id=f"bump-{bump}", compact=True, classes="bump")
            yield Static("", id="latest", classes="promote-hint")
            with Horizontal(classes="promote-row"):
                yield Label("Stage", classes="promote-label")
                yield Input(
                    id="stage", placeholder="none (only register the version)", compact=True
                )
            yield Static("", id="stages", classes="promote-hint")
            with Horizontal(classes="promote-row"):
                yield Label("Note", classes="promote-label")
                yield Input(
                    id="note", placeholder="optional: put first in the tag message", compact=True
                )
            with Horizontal(classes="promote-row"):
                yield Checkbox("Also create a branch", id="branch-on", compact=True)
                yield Input(
                    default_branch_name(self.revision), id="branch", disabled=True, compact=True
                )
            with Horizontal(classes="promote-row"):
                yield Checkbox("Push to remote", id="push-on", compact=True, disabled=True)
                yield Select[str]([], id="remote", prompt="no remote", disabled=True, compact=True)
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
                yield Button("Promote", id="confirm", variant="primary", disabled=True)
                yield Button("Retry push", id="retry", variant="warning", classes="-hidden")
                yield Button("Cancel", id="cancel")

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
            remotes = run_git(self.repo.root, "remote", check=False).split()
            baseline = read_baseline_values(self.repo, self.revision, self.settings.baseline)
            checks = promotion_checks(self.repo, self.revision, self.settings, values=self.values)
        except Cd4mlError as err:
            self.post_message(self.Loaded(self, None, [], [], None, str(err)))
            return
        self.post_message(self.Loaded(self, registry, artifacts, remotes, baseline, None, checks))

    def on_promote_screen_loaded(self, message: Loaded) -> None:
        if message.error is not None or message.registry is None:
            self._show_problem(message.error or "cannot read the registry")
            self.query_one("#promote-preview", Static).update("")
            return
        self.registry, self.baseline, self.checks = (
            message.registry,
            message.baseline,
            message.checks,
        )
        if message.checks is not None:
            self.query_one("#promote-checks", Static).update(checks_text(message.checks))
            self.query_one("#override-row").set_class(not message.checks.refusals, "-hidden")
        select = self.query_one("#artifact", Select)
        if message.artifacts:
            select.set_options([(name, name) for name in message.artifacts])
            select.value = message.artifacts[0]
        else:
            select.set_options([("release: a plain tag vX.Y.Z (no artifact declared)", RELEASE)])
            select.value = RELEASE
        if message.remotes:
            remote = self.query_one("#remote", Select)
            remote.set_options([(name, name) for name in message.remotes])
            remote.value = "origin" if "origin" in message.remotes else message.remotes[0]
            self.query_one("#push-on", Checkbox).disabled = False
        stages = message.registry.stages
        self._hint("#stages", f"allowed by .gto: {', '.join(stages)}" if stages is not None else "")
        self._suggest_version()

    def _artifact(self) -> str | None:
        value = self.query_one("#artifact", Select).value
        return None if value == RELEASE or not isinstance(value, str) else value

    def _suggest_version(self) -> None:
        """Fill in the next patch of the chosen artifact, and label the bump buttons."""
        if self.registry is None:
            return
        choices = version_choices(self.registry, self._artifact())
        for bump in ("patch", "minor", "major"):
            button = self.query_one(f"#bump-{bump}", Button)
            button.label = f"{bump} {getattr(choices, bump)}"
            button.refresh(layout=True)  # `label` alone does not re-measure the button
        self._hint("#latest", f"latest {choices.latest}" if choices.latest else "no version yet")
        self.query_one("#version", Input).value = choices.patch
        self._replan()

    @on(Select.Changed, "#artifact")
    def _artifact_changed(self) -> None:
        self._suggest_version()

    @on(Button.Pressed, ".bump")
    def _bump(self, event: Button.Pressed) -> None:
        version = str(event.button.label).split(" ")[-1]
        self.query_one("#version", Input).value = version

    @on(Checkbox.Changed, "#branch-on")
    def _branch_toggled(self, event: Checkbox.Changed) -> None:
        self.query_one("#branch", Input).disabled = not event.value
        self._replan()

    @on(Checkbox.Changed, "#push-on")
    def _push_toggled(self, event: Checkbox.Changed) -> None:
        self.query_one("#remote", Select).disabled = not event.value
        self._replan()

    @on(Input.Changed)
    @on(Select.Changed, "#remote")
    def _changed(self) -> None:
        self._replan()

    def _replan(self) -> None:
        if self.registry is None or self.result is not None:
            return
        self._seq += 1
        self.query_one("#confirm", Button).disabled = True
        remote = self.query_one("#remote", Select).value
        push_on = self.query_one("#push-on", Checkbox).value
        self.plan_in_background(
            self._seq,
            {
                "artifact": self._artifact(),
                "version": self.query_one("#version", Input).value.strip(),
                "stage": self.query_one("#stage", Input).value.strip() or None,
                "note": self.query_one("#note", Input).value,
                "branch": self.query_one("#branch", Input).value.strip()
                if self.query_one("#branch-on", Checkbox).value
                else None,
                "remote": remote if push_on and isinstance(remote, str) else None,
                "override": self.query_one("#override", Input).value.strip() or None,
            },
        )

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
        for field in _FIELDS:
            self.query_one(f"#{field}").set_class(field == message.field, "-invalid")
        if message.plan is None:
            self._show_problem(message.error or "")
            return
        self._show_problem("")
        self.query_one("#promote-preview", Static).update(preview_text(message.plan))
        self.query_one("#confirm", Button).disabled = self.busy

    def _hint(self, selector: str, text: str) -> None:
        hint = self.query_one(selector, Static)
        hint.update(text)
        hint.display = bool(text)

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
        self.notify(f"Created {', '.join(message.result.tag_names)}{pushed}", title="Promoted")
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


def preview_text(plan: PromotionPlan) -> Text:
    """What confirming writes: tags, branch, push, any warning, and the git commands."""
    short = plan.commit[:7]
    text = Text()
    for tag in plan.tags:
        text.append("tag ", "bold").append(f"{tag.name} → {short}\n")
    if plan.branch:
        text.append("branch ", "bold").append(f"{plan.branch} → {short}\n")
    if plan.remote:
        text.append("push ", "bold").append(f"to {plan.remote}\n")
    for warning in plan.warnings:
        text.append(f"⚠ {warning}\n", "bold yellow")
    text.append("git commands:\n", "dim")
    for argv in plan.commands:
        text.append(f"  {format_command(argv)}\n", "dim")
    text.rstrip()
    return text
