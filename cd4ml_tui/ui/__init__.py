"""The Textual front end: the App (`app.py`), screens that route, widgets that own their workers.

Read-only sessions (`cd4ml-tui --read-only`, and `cd4ml-tui serve`, read only by default beyond
loopback): the session's `Access` is passed into `create_app`, and `ui.access` is the one place
that decides. To add an action that writes to the repo or its remote (review `R`, apply `a`,
branch `B`, remove `D`, queue `x`, ...):

- decorate its action method (and any button handler that starts the write) with `@writes`;
  it is then refused, with a notification, whichever way it is reached;
- make sure the class whose BINDINGS hold it mixes in `GuardsWrites` (MainScreen does), so the
  key is hidden from the footer, `?` help and the command palette; a class with its own
  `check_action` calls `hidden_write(self, action)` first;
- anything else that asks: `writes_allowed(node)`.

Every screen yields `AppFooter` (widgets/app_footer.py), which says READ ONLY first in such a
session. Reports reach the user through `delivery.deliver_report` (a download in a browser).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cd4ml_tui.lazy import lazy_attributes

# `cd4ml_tui.ui.create_app` imports Textual on first use (`cd4ml_tui.lazy`): `cd4ml-tui` starts
# listing the revisions in a second process first, so that both start-ups run side by side.
if TYPE_CHECKING:
    from cd4ml_tui.ui.access import Access
    from cd4ml_tui.ui.app import create_app

if not TYPE_CHECKING:
    __getattr__, __dir__ = lazy_attributes(__name__, __file__)

__all__ = ["Access", "create_app"]
