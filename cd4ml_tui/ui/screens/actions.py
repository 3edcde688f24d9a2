"""Compare, diff and promote from the main screen: pick the revisions, open the other screens.

The other screens are imported inside each action, so a missing one shows a notification instead
of breaking the app. Which revisions:
- compare: the marked rows; with none marked, the selected row. The compare screen picks the
  baseline by the core's one rule (`choose_baseline`: the configured one first).
- diff: two marked rows (older as base); with none marked, the selected row against its own
  baseline (`own_baseline`).
- promote: the selected row (a commit or an experiment); `u` undoes the last promotion of the
  session (the undo dialog deletes the refs it created).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cd4ml_tui.core.api import own_baseline
from cd4ml_tui.core.model import Revision, RevisionValues

if TYPE_CHECKING:
    from textual.app import App

    from cd4ml_tui.core.api import PromotionResult, Repo
    from cd4ml_tui.core.config import Settings
    from cd4ml_tui.ui.widgets.revision_table import RevisionTable


def diff_pair(marked: list[Revision]) -> tuple[Revision, Revision]:
    """Two marked revisions as (base, head): the older one is the base; the workspace is newest."""
    first, second = marked

    def age(revision: Revision) -> str:
        return "\uffff" if revision.is_workspace else (revision.timestamp or "")

    return (first, second) if age(first) <= age(second) else (second, first)


class RevisionActions:
    """Mixed into the main screen, which provides the attributes declared below."""

    if TYPE_CHECKING:
        repo: Repo
        settings: Settings
        revisions: dict[str, Revision]
        app: App[Any]

        @property
        def table(self) -> RevisionTable: ...

        def action_reload(self) -> None: ...

    def init_actions(self) -> None:
        self.last_promotion: PromotionResult | None = None  # what `u` undoes

    def _screen_class(self, module: str, name: str) -> Any:
        import importlib

        try:
            return getattr(importlib.import_module(f"cd4ml_tui.ui.screens.{module}"), name)
        except (ImportError, AttributeError) as err:
            self.app.notify(
                f"The {module} screen is not available: {err}", severity="warning", markup=False
            )
            return None

    def _current(self) -> RevisionValues | None:
        current = self.table.current
        if current is None:
            self.app.notify("No revision selected.", severity="warning")
        return current

    def action_compare(self) -> None:
        marked = self.table.marked_values()
        if marked:
            revisions = [v.revision for v in marked]
        else:
            current = self._current()
            if current is None:
                return
            revisions = [current.revision]
        screen = self._screen_class("compare", "CompareScreen")
        if screen is not None:
            loaded = list(self.table.rows_loaded)
            self.app.push_screen(screen(self.repo, self.settings, loaded, revisions, None))

    def action_diff(self) -> None:
        marked = [v.revision for v in self.table.marked_values()]
        if len(marked) == 2:
            base, head = diff_pair(marked)
        elif marked:
            self.app.notify(f"Mark two rows to diff them ({len(marked)} marked; U unmarks all).")
            return
        else:
            current = self._current()
            if current is None:
                return
            head = current.revision
            parent = own_baseline(head)
            if parent is None:
                self.app.notify(
                    f"{head.label} has no parent to diff against.", severity="warning", markup=False
                )
                return
            base = self.revisions.get(parent) or Revision(rev=parent, kind="commit")
        screen = self._screen_class("diff", "DiffScreen")
        if screen is not None:
            self.app.push_screen(screen(self.repo, base, head))

    def action_promote(self) -> None:
        current = self._current()
        if current is None:
            return
        if current.revision.is_workspace:
            self.app.notify("Commit the workspace first: only commits can be promoted.")
            return
        screen = self._screen_class("promote", "PromoteScreen")
        if screen is not None:
            dialog = screen(self.repo, self.settings, current.revision, current)
            self.app.push_screen(dialog, self._promoted)

    def _promoted(self, result: PromotionResult | None) -> None:
        if result:
            self.last_promotion = result
            self.action_reload()

    def action_undo_promotion(self) -> None:
        """Undo the last promotion of this session (asks first; deletes only the refs it made)."""
        if self.last_promotion is None:
            self.app.notify("Nothing to undo: no promotion in this session.")
            return
        screen = self._screen_class("promote_undo", "UndoScreen")
        if screen is not None:
            self.app.push_screen(screen(self.repo, self.last_promotion), self._undone)

    def _undone(self, report: object) -> None:
        if report is not None:  # an UndoReport: the refs are gone (or reported as kept)
            self.last_promotion = None
            self.action_reload()
