"""SVG snapshots of the main screen on the demo repo at 80x24 and 200x50, built by the CLI's own
factory (at 80x24 the refs pane hides and the details pane shrinks).

Experiment shas and run times differ between builds of the demo, so the snapshot hides the sha and
created columns (baseline commits have fixed dates; names, values and the tree are stable).
Update after a deliberate change with `pytest tests/snapshots --snapshot-update` and review the SVG.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cd4ml_tui.core.config import load_settings
from cd4ml_tui.core.git.repo import open_repo
from cd4ml_tui.ui.app import create_app
from cd4ml_tui.ui.screens.main import MainScreen
from tests.ui.helpers import settled

pytestmark = pytest.mark.slow
SIZES = [(80, 24), (200, 50)]


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "200x50"])
def test_main_screen(demo_repo: Path, snap_compare: Any, size: tuple[int, int]) -> None:
    repo = open_repo(demo_repo)
    app = create_app(repo, load_settings(repo.root), use_cache=False)

    async def stable_view(pilot: Any) -> None:
        await settled(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, MainScreen)
        screen.table.set_hidden({"sha", "created", "gate"})  # gate: hidden until `T`
        # Mark the first two experiments of `main`, then rest on `main` (a baseline with a fixed
        # date, so the detail pane's sha and date are stable too).
        await pilot.press("down", "down", "space", "space", "up", "up", "up")
        await settled(pilot)
        assert screen.table.current is not None
        assert screen.table.current.revision.label == "main"

    try:
        assert snap_compare(app, terminal_size=size, run_before=stable_view)
    finally:
        repo.close()
