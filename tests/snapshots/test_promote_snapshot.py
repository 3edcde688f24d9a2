"""SVG snapshot of the promote dialog on the demo repo's `main` (a baseline: its sha is the same
on every build), hosted by a tiny app so that nothing else on screen can vary.

Update after a deliberate change with `pytest tests/snapshots --snapshot-update` and review the SVG.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.app import App

from cd4ml_tui.core.config import Settings, load_settings
from cd4ml_tui.core.git.repo import Repo, open_repo
from cd4ml_tui.core.model import RevisionValues
from cd4ml_tui.core.revisions import resolve_revision
from cd4ml_tui.core.values.read import read_values
from cd4ml_tui.ui.screens.promote import PromoteScreen

pytestmark = pytest.mark.slow
SIZES = [(80, 24), (200, 50)]  # at 80x24 the form scrolls and the buttons stay


class PromoteHost(App[None]):
    """Just the dialog, over an empty screen."""

    def __init__(self, repo: Repo, settings: Settings, values: RevisionValues) -> None:
        super().__init__()
        self.repo, self.settings, self.values = repo, settings, values

    def on_mount(self) -> None:
        self.push_screen(PromoteScreen(self.repo, self.settings, self.values.revision, self.values))


async def _planned(pilot: Any) -> None:
    """Until the preview shows the plan of the form as it is now (a key re-plans in a worker
    started by a message still queued when the previous wait returned)."""
    screen = pilot.app.screen
    for _ in range(300):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        preview = screen.query_one("#promote-preview")
        settled = screen.plan is not None and not preview.has_class("-stale")
        if settled and not any(w.is_running for w in pilot.app.workers):
            return
    raise AssertionError("the promote preview never settled")


async def _settled(pilot: Any) -> None:
    await _planned(pilot)
    await pilot.click("#stage")
    await pilot.press(*"prod")
    await pilot.click("#branch-on")
    await _planned(pilot)
    pilot.app.screen.set_focus(None)  # no blinking cursor in the picture
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "200x50"])
def test_promote_dialog(demo_repo: Path, snap_compare: Any, size: tuple[int, int]) -> None:
    repo = open_repo(demo_repo)
    try:
        revision = resolve_revision(repo, "main")
        [values] = read_values(repo, [revision], use_cache=False)
        app = PromoteHost(repo, load_settings(repo.root), values)
        assert snap_compare(app, terminal_size=size, run_before=_settled)
    finally:
        repo.close()
