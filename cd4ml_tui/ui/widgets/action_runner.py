"""The actions on experiments in the app: apply (`a`), branch (`B`), remove (`D`), run the queue
(`x`) and undo the last of them (`u`).

An invisible widget that owns the work, as the loader and the ref watcher do: for each action a
thread worker plans it (`core.api.plan_*`, which writes nothing), the `ActionDialog` shows the
plan, its git and DVC commands and any refusal, and only a button pressed there starts the worker
that writes. The result is kept for undo. Started queue runs are followed in another worker that
polls their state every second and posts `QueueProgress` when it changes; nothing waits on the UI
thread. Every entry point is a write, so the screen declares its actions with `@writes`.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.widget import Widget
from textual.worker import get_current_worker

from cd4ml_tui.core import api  # `api.name`: imported on first use, off the start-up path
from cd4ml_tui.core.errors import Cd4mlError
from cd4ml_tui.core.model import Revision
from cd4ml_tui.ui.access import writes
from cd4ml_tui.ui.messages import WidgetMessage, report_failure
from cd4ml_tui.ui.screens.action_dialog import ActionDialog, Choice

if TYPE_CHECKING:
    from cd4ml_tui.core.api import (
        ApplyPlan,
        BranchPlan,
        QueuePlan,
        QueueRun,
        RemovePlan,
        RemoveResult,
        Repo,
        RunState,
    )

POLL_SECONDS = 1.0
MAX_LISTED = 12  # files or experiments listed in a dialog before "and N more"


def queue_summary(states: Sequence[RunState]) -> str:
    """`queue: 1 running, 2 queued` (in the order runs move through)."""
    counts: Counter[str] = Counter(s.status for s in states)
    order = ("running", "queued", "success", "failed")
    return "queue: " + ", ".join(f"{counts[k]} {k}" for k in order if counts[k])


def _lines(items: Sequence[str]) -> Text:
    text = Text()
    for item in items[:MAX_LISTED]:
        text.append(f"  {item}\n")
    if len(items) > MAX_LISTED:
        text.append(f"  … and {len(items) - MAX_LISTED} more\n", style="dim")
    return text


def apply_preview(plan: ApplyPlan) -> Text:
    """Which files applying changes, marked when they hold uncommitted work or are DVC outs."""
    text = Text(f"{len(plan.changes)} file(s) change in the workspace:\n")
    items = []
    for change in plan.changes:
        flags = (" [dvc]" if change.dvc else "") + (" [uncommitted]" if change.uncommitted else "")
        items.append(f"{change.change:<7} {change.path}{flags}")
    text.append_text(_lines(items))
    if plan.stashed:
        text.append(f"Stashed first ({len(plan.stashed)}): {', '.join(plan.stashed[:6])}\n")
    for note in plan.notes:
        text.append(f"Note: {note}\n", style="dim")
    return text


class ActionRunner(Widget):
    """Plans, confirms, writes and undoes the actions of one repo's main screen."""

    DEFAULT_CSS = """
    ActionRunner { display: none; }
    """

    class Planned(WidgetMessage):
        def __init__(self, runner: ActionRunner, kind: str, data: dict[str, Any]) -> None:
            super().__init__(runner)
            self.kind, self.data = kind, data

    class Done(WidgetMessage):
        def __init__(
            self, runner: ActionRunner, kind: str, result: object, error: str | None
        ) -> None:
            super().__init__(runner)
            self.kind, self.result, self.error = kind, result, error

    class Changed(WidgetMessage):
        """An action changed the repo (refs or workspace): the screen reloads."""

    class QueueProgress(WidgetMessage):
        def __init__(self, runner: ActionRunner, states: tuple[RunState, ...]) -> None:
            super().__init__(runner)
            self.states = states

        @property
        def summary(self) -> str:
            return queue_summary(self.states)

    on_worker_state_changed = report_failure

    def __init__(self, repo: Repo, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.repo = repo
        self.last: tuple[str, object] | None = None  # what `u` undoes: (kind, result)
        self.following: QueueRun | None = None

    # --- entry points (main thread) ---------------------------------------------------------
    def ask_apply(self, revision: Revision) -> None:
        self._plan("apply", partial(self._apply_plans, revision))

    def ask_branch(self, revision: Revision) -> None:
        self._plan("branch", lambda: {"plan": api.plan_branch(self.repo, revision)})

    def ask_remove(self, revisions: list[Revision]) -> None:
        self._plan("remove", partial(self._remove_plans, revisions))

    def ask_run_queued(self) -> None:
        self._plan("queue", lambda: {"plan": api.plan_run_queued(self.repo)})

    def undo(self) -> bool:
        """Ask to undo the last action; False when there is none (the screen tries others)."""
        if self.last is None:
            return False
        kind, result = self.last
        title, body = _undo_text(kind, result)
        choices: list[Choice] = [("undo", "Undo", "warning")]

        def chosen(answer: str | None) -> None:
            if answer == "undo":
                self._start("undo", partial(self._undo, kind, result))

        self.app.push_screen(ActionDialog(title, body, (), choices), chosen)
        return True

    # --- planning ------------------------------------------------------------------------------
    def _apply_plans(self, revision: Revision) -> dict[str, Any]:
        plan = api.plan_apply(self.repo, revision)
        stash = None
        if plan.at_risk and not plan.blocked:
            stash = api.plan_apply(self.repo, revision, stash=True)
        return {"plan": plan, "stash": stash}

    def _remove_plans(self, revisions: list[Revision]) -> dict[str, Any]:
        plan = api.plan_remove(self.repo, revisions)
        try:
            remote: str | None = api.default_remote(self.repo)
        except Cd4mlError:
            remote = None
        return {"plan": plan, "revisions": revisions, "remote": remote}

    @work(thread=True, exclusive=True, group="action-plan", exit_on_error=False)
    def _plan(self, kind: str, job: Callable[[], dict[str, Any]]) -> None:
        try:
            data = job()
        except Cd4mlError as err:
            self.post_message(self.Done(self, kind, None, str(err)))
        else:
            self.post_message(self.Planned(self, kind, data))

    @on(Planned)
    def _planned(self, message: Planned) -> None:
        message.stop()
        asks: dict[str, Callable[..., None]] = {
            "apply": self._ask_apply,
            "branch": self._ask_branch,
            "remove": self._ask_remove,
            "queue": self._ask_queue,
        }
        asks[message.kind](**message.data)

    def _ask_apply(self, plan: ApplyPlan, stash: ApplyPlan | None) -> None:
        choices: list[Choice] = []
        refusal = plan.refusal
        if refusal is None:
            choices.append(("apply", "Apply", "warning"))
        elif stash is not None and stash.refusal is None:
            refusal = refusal.replace("apply with --stash", "use Stash and apply")
        if stash is not None and stash.refusal is None:
            choices.append(("stash", "Stash and apply", "warning"))
        shown = stash if plan.refusal and stash is not None else plan

        def chosen(answer: str | None) -> None:
            if answer in ("apply", "stash"):
                chosen_plan = plan if answer == "apply" else stash
                assert chosen_plan is not None
                self._start("apply", partial(api.apply_to_workspace, self.repo, chosen_plan))

        title = f"Apply {plan.source} ({plan.commit[:7]}) to the workspace, as dvc exp apply"
        dialog = ActionDialog(title, apply_preview(shown), shown.commands, choices, refusal)
        self.app.push_screen(dialog, chosen)

    def _ask_branch(self, plan: BranchPlan) -> None:
        def chosen(answer: str | None) -> None:
            if answer == "branch":
                name = dialog.value or plan.name
                self._start("branch", partial(self._make_branch, plan, name))

        body = Text(f"A branch at {plan.source} ({plan.commit[:7]}); HEAD stays where it is.\n")
        choices: list[Choice] = [("branch", "Create branch", "primary")]
        dialog = ActionDialog(
            "Make a branch from the experiment", body, plan.commands, choices, value=plan.name
        )
        self.app.push_screen(dialog, chosen)

    def _make_branch(self, plan: BranchPlan, name: str) -> BranchPlan:
        revision = Revision(rev=plan.commit, kind="experiment", name=plan.source)
        return api.create_branch(self.repo, api.plan_branch(self.repo, revision, name))

    def _ask_remove(self, plan: RemovePlan, revisions: list[Revision], remote: str | None) -> None:
        names = [f"{r.name}  {r.oid[:7]}  {r.ref}" for r in plan.refs]
        body = Text(f"Remove {len(plan.refs)} experiment(s):\n").append_text(_lines(names))
        body.append("u brings them back in this session (their shas are kept).\n", style="dim")
        choices: list[Choice] = [("remove", "Remove", "error")]
        if remote:
            choices.append(("remote", f"Remove here and on {remote}", "error"))

        def chosen(answer: str | None) -> None:
            if answer == "remove":
                self._start("remove", partial(api.remove_experiments, self.repo, plan))
            elif answer == "remote" and remote:
                self._confirm_remote(plan, revisions, remote)

        self.app.push_screen(
            ActionDialog("Remove experiments", body, plan.commands, choices), chosen
        )

    def _confirm_remote(self, local: RemovePlan, revisions: list[Revision], remote: str) -> None:
        plan = replace(local, remote=remote)  # re-planned (and checked) when it is written
        body = Text(f"This also deletes {len(plan.refs)} experiment ref(s) on {remote}.\n")
        choices: list[Choice] = [("remote", f"Delete on {remote} too", "error")]

        def chosen(answer: str | None) -> None:
            if answer == "remote":
                job = partial(self._remove_on_remote, revisions, remote)
                self._start("remove", job)

        dialog = ActionDialog(f"Change the remote {remote}?", body, plan.commands, choices)
        self.app.push_screen(dialog, chosen)

    def _remove_on_remote(self, revisions: list[Revision], remote: str) -> RemoveResult:
        return api.remove_experiments(self.repo, api.plan_remove(self.repo, revisions, remote))

    def _ask_queue(self, plan: QueuePlan) -> None:
        runs = [f"{e.name or e.stash_rev[:7]}  (baseline {e.baseline[:7]})" for e in plan.entries]
        body = Text(f"Start {len(runs)} queued run(s) in the background:\n")
        body.append_text(_lines(runs))
        body.append("Their status shows in the status bar as they run.\n", style="dim")
        choices: list[Choice] = [("start", "Start", "primary")]

        def chosen(answer: str | None) -> None:
            if answer == "start":
                self._start("queue", partial(api.start_queued, self.repo, plan))

        self.app.push_screen(ActionDialog("Run the queue", body, plan.commands, choices), chosen)

    # --- writing -------------------------------------------------------------------------------
    @writes  # the one door to every write here: refused in a read-only session
    def _start(self, kind: str, job: Callable[[], object]) -> None:
        self._write(kind, job)

    @work(thread=True, exclusive=True, group="action-write", exit_on_error=False)
    def _write(self, kind: str, job: Callable[[], object]) -> None:
        try:
            result = job()
        except Cd4mlError as err:
            self.post_message(self.Done(self, kind, None, str(err)))
        else:
            self.post_message(self.Done(self, kind, result, None))

    def _undo(self, kind: str, result: object) -> str:
        if kind == "apply":
            assert isinstance(result, api.ApplyResult)
            return api.undo_apply(self.repo, result)
        if kind == "branch":
            assert isinstance(result, api.BranchPlan)
            return api.undo_branch(self.repo, result)
        assert isinstance(result, api.RemoveResult)
        return api.undo_remove(self.repo, result)

    @on(Done)
    def _done(self, message: Done) -> None:
        message.stop()
        if message.error is not None:
            self.notify(message.error, title="Refused", severity="error", markup=False)
            return
        kind, result = message.kind, message.result
        if kind == "undo":
            self.last = None
            self.notify(str(result), title="Undone", markup=False)
        elif kind == "queue":
            assert isinstance(result, api.QueueRun)
            self.following = result
            self.notify(f"Started {len(result.entries)} queued run(s).", markup=False)
            self._follow(result)
        else:
            self.last = (kind, result)
            self.notify(_done_text(kind, result), title="Done", markup=False)
        self.post_message(self.Changed(self))

    # --- following the queue ----------------------------------------------------------------
    @work(thread=True, exclusive=True, group="action-queue", exit_on_error=False)
    def _follow(self, run: QueueRun) -> None:
        worker = get_current_worker()
        last: tuple[RunState, ...] | None = None
        while not worker.is_cancelled:
            states = api.run_states(self.repo, run)
            if states != last:
                self.post_message(self.QueueProgress(self, states))
                last = states
            if api.finished(states):
                return
            time.sleep(POLL_SECONDS)

    @on(QueueProgress)
    def _progress(self, message: QueueProgress) -> None:
        if api.finished(message.states):
            self.post_message(self.Changed(self))  # the new experiments: the screen reloads
        for state in message.states:
            if state.status in ("success", "failed"):
                text = f"{state.label}: {state.status}"
                if state.status == "success":
                    self.notify(text, markup=False)
                else:
                    self.notify(text, severity="error", markup=False)


def _done_text(kind: str, result: object) -> str:
    if isinstance(result, api.ApplyResult):
        text = f"Applied {result.plan.source}: {len(result.plan.changes)} file(s) changed"
        if result.stash_oid:
            text += f"; your changes are in git stash {result.stash_oid[:7]}"
        return text + ". u restores the workspace."
    if isinstance(result, api.BranchPlan):
        return f"Created branch {result.name} at {result.commit[:7]}. u deletes it."
    assert isinstance(result, api.RemoveResult)
    where = f" here and on {result.plan.remote}" if result.remote_removed else ""
    return f"Removed {', '.join(result.plan.names)}{where}. u restores them."


def _undo_text(kind: str, result: object) -> tuple[str, Text]:
    if isinstance(result, api.ApplyResult):
        body = Text("Restore the workspace, the index and the DVC outs from before applying ")
        body.append(f"{result.plan.source}.\n")
        if result.stash_oid:
            body.append(f"The git stash {result.stash_oid[:7]} made for it is dropped.\n")
        return "Undo the apply?", body
    if isinstance(result, api.BranchPlan):
        return "Undo the branch?", Text(f"Delete branch {result.name} (if it has not moved).\n")
    assert isinstance(result, api.RemoveResult)
    where = f" here and on {result.plan.remote}" if result.remote_removed else ""
    body = Text(f"Restore {', '.join(result.plan.names)}{where} at their shas.\n")
    return "Undo the removal?", body
