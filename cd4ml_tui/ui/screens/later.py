"""The screens the main screen opens on a key, each imported when it is first opened.

Compare (plots), diff (syntax highlighting), insight, promote (GTO's rules), undo and review
import 50-70 ms of modules that neither the first frame nor the first rows need. As the core's
door does (`core/api.py`, SPEC 1), the imports below are what type checkers and import-linter
read, and at run time `later.CompareScreen` imports its module on first use (`cd4ml_tui.lazy`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cd4ml_tui.lazy import lazy_attributes

if TYPE_CHECKING:
    from cd4ml_tui.ui.screens.compare import CompareScreen
    from cd4ml_tui.ui.screens.diff import DiffScreen
    from cd4ml_tui.ui.screens.insight import InsightScreen
    from cd4ml_tui.ui.screens.promote import PromoteScreen
    from cd4ml_tui.ui.screens.promote_undo import UndoScreen
    from cd4ml_tui.ui.screens.review import ReviewScreen

if not TYPE_CHECKING:
    __getattr__, __dir__ = lazy_attributes(__name__, __file__)

__all__ = [
    "CompareScreen",
    "DiffScreen",
    "InsightScreen",
    "PromoteScreen",
    "ReviewScreen",
    "UndoScreen",
]
