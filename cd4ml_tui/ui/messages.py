"""What the UI's widgets post, and how a failed worker is reported.

`WidgetMessage` is the base of our messages: like Textual's `DataTable` messages it carries the
widget it is about as `control`, so a screen routes with `@on(RevisionTable.Marked, "#revisions")`.
It also names that widget as the sender, so a message made in a worker thread (which has no active
message pump) still matches an `@on` selector.

Workers catch the errors they can explain (`Cd4mlError`) and post a message the screen shows in
context. Anything else (a bug, an OS error) ends the worker in the ERROR state; Textual tells only
the node that owns the worker (`Worker.StateChanged` does not bubble), so every owner declares
`on_worker_state_changed = report_failure`, which posts `WorkerFailed` (it bubbles) and the App
notifies in one place. Workers are started with `exit_on_error=False`, so a failure never exits.
"""

from __future__ import annotations

from textual.dom import DOMNode
from textual.message import Message
from textual.widget import Widget
from textual.worker import Worker, WorkerState

from cd4ml_tui.core.errors import Cd4mlError


class WidgetMessage(Message):
    """A message about `widget`, which is its `control` and its sender."""

    def __init__(self, widget: Widget) -> None:
        super().__init__()
        self.set_sender(widget)
        self.widget = widget

    @property
    def control(self) -> Widget:
        return self.widget


def one_line(error: BaseException) -> str:
    """A failure for a notification: our errors speak for themselves (their messages are written
    for the user), anything else names its type and the first line of what it said."""
    if isinstance(error, Cd4mlError):
        return str(error) or type(error).__name__
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__


class WorkerFailed(Message):
    """A worker of `control` raised `error`; the App notifies (a screen may handle it first)."""

    def __init__(self, node: DOMNode, worker: Worker[object], error: BaseException) -> None:
        super().__init__()
        self.node = node
        self.worker = worker
        self.error = error

    @property
    def control(self) -> DOMNode:
        return self.node


def report_failure(node: DOMNode, event: Worker.StateChanged) -> None:
    """`on_worker_state_changed` of every node that owns workers: post `WorkerFailed` on ERROR."""
    worker = event.worker
    if event.state is WorkerState.ERROR and worker.error is not None:
        node.post_message(WorkerFailed(node, worker, worker.error))
