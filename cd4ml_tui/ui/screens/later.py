"""The screens the main screen opens on a key, each imported when it is first opened.

Compare (plots), diff (syntax highlighting), insight, promote (GTO's rules), undo and review
import 50-70 ms of modules that neither the first frame nor the first rows need. As the core's
door does (`core/api.py`, SPEC 1), the imports below are what type checkers and import-linter
read, and at run time `later.CompareScreen` imports its module on first use. `SCREENS` names
each screen's module; a test holds it to the imports.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cd4ml_tui.ui.screens.compare import CompareScreen
    from cd4ml_tui.ui.screens.diff import DiffScreen
    from cd4ml_tui.ui.screens.insight import InsightScreen
    from cd4ml_tui.ui.screens.promote import PromoteScreen
    from cd4ml_tui.ui.screens.promote_undo import UndoScreen
    from cd4ml_tui.ui.screens.review import ReviewScreen

SCREENS = {
    "CompareScreen": "cd4ml_tui.ui.screens.compare",
    "DiffScreen": "cd4ml_tui.ui.screens.diff",
    "InsightScreen": "cd4ml_tui.ui.screens.insight",
    "PromoteScreen": "cd4ml_tui.ui.screens.promote",
    "UndoScreen": "cd4ml_tui.ui.screens.promote_undo",
    "ReviewScreen": "cd4ml_tui.ui.screens.review",
}


def __getattr__(name: str) -> Any:
    module = SCREENS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # the next lookup is a plain global
    return value


__all__ = [
    "CompareScreen",
    "DiffScreen",
    "InsightScreen",
    "PromoteScreen",
    "ReviewScreen",
    "UndoScreen",
]
