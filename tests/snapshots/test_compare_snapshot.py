"""SVG snapshots of the compare screen's deltas and plots panes on the demo repo (80x24 and 200x50).

Update after a deliberate change with `pytest tests/snapshots --snapshot-update` and review the
SVGs. Experiment shas differ between builds of the demo, so the screen shows names only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.ui.compare_host import host_for
from tests.ui.helpers import settled

pytestmark = pytest.mark.slow
SIZES = [(80, 24), (200, 50)]


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "200x50"])
def test_deltas_pane(demo_repo: Path, snap_compare: Any, size: tuple[int, int]) -> None:
    app, repo = host_for(demo_repo, ["main", "epochs-20", "lr-0.1", "feature/wider"])
    try:
        assert snap_compare(app, terminal_size=size, run_before=settled)
    finally:
        repo.close()


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "200x50"])
def test_plots_pane(demo_repo: Path, snap_compare: Any, size: tuple[int, int]) -> None:
    app, repo = host_for(demo_repo, ["main", "epochs-20", "lr-0.1"])

    async def to_plots(pilot: Any) -> None:
        await settled(pilot)
        await pilot.press("tab")
        await settled(pilot)

    try:
        assert snap_compare(app, terminal_size=size, run_before=to_plots)
    finally:
        repo.close()
