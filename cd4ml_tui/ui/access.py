"""Read-only sessions: the one switch that turns every write action of the app off.

`cd4ml-tui serve --read-only` (the default when serving beyond this machine) and
`cd4ml-tui --read-only` pass `Access(read_only=True)` into `create_app`. Every action that writes
to the repo or its remote (promote, undo, fetch; review, apply, branch, remove, queue) is declared
with `@writes`, and `writes_allowed(node)` is the one check they all go through:

    class MainScreen(GuardsWrites, ..., Screen[None]):
        BINDINGS = [Binding("p", "promote", "Promote", id="main.promote")]

        @writes
        def action_promote(self) -> None: ...

- `@writes` refuses to run the action (a notification says why) when writes are not allowed,
  whichever way it was reached: its key, the command palette or a direct call.
- `GuardsWrites` (mixed into a screen or widget whose BINDINGS hold a write) hides and disables
  those bindings through Textual's `check_action`, so the footer, `?` help and ctrl+p leave them
  out. A class with its own `check_action` calls `hidden_write(self, action)` first instead.
- Handlers that write without an action (a dialog's confirm button) are decorated too, or check
  `writes_allowed(self)` before they start their worker.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from textual.dom import DOMNode

WRITES_ATTRIBUTE = "__cd4ml_writes__"
READ_ONLY_MESSAGE = "Read only: this session cannot change the repo."

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Access:
    """What this session may do; passed into the app factory, never a global."""

    read_only: bool = False

    @property
    def writes_allowed(self) -> bool:
        return not self.read_only


def access_of(node: DOMNode) -> Access:
    """The `Access` of the app `node` belongs to (full access for an app that has none)."""
    access = getattr(node.app, "access", None)
    return access if isinstance(access, Access) else Access()


def writes_allowed(node: DOMNode) -> bool:
    """The one check: may this session write to the repo?"""
    return access_of(node).writes_allowed


def writes(method: F) -> F:
    """Mark `method` (an action or handler of a DOM node) as a write, refused when read only."""

    @functools.wraps(method)
    def guarded(self: DOMNode, *args: Any, **kwargs: Any) -> Any:
        if not writes_allowed(self):
            self.app.notify(READ_ONLY_MESSAGE, severity="warning")
            return None
        return method(self, *args, **kwargs)

    setattr(guarded, WRITES_ATTRIBUTE, True)
    return guarded  # type: ignore[return-value]


def is_write(node: DOMNode, action: str) -> bool:
    """Whether `action_<action>` of `node` is declared with `@writes`."""
    return bool(getattr(getattr(node, f"action_{action}", None), WRITES_ATTRIBUTE, False))


def hidden_write(node: DOMNode, action: str) -> bool:
    """True when `action` is a write that this session may not run (hide and disable it)."""
    return is_write(node, action) and not writes_allowed(node)


class GuardsWrites:
    """Mixin for a screen or widget: its `@writes` bindings vanish in a read-only session."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        assert isinstance(self, DOMNode)
        if hidden_write(self, action):
            return False
        return super().check_action(action, parameters)  # type: ignore[misc]
