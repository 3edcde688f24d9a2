"""SVG snapshot of the diff screen on the demo notebook between two baselines (80x24 and 200x50).

Update after a deliberate change with `pytest tests/snapshots --snapshot-update` and review the
SVG. Baseline commits of the demo have fixed dates, so their short shas are stable.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.ui.diff_host import DiffHost, open_file, settle

pytestmark = pytest.mark.slow
SIZES = [(80, 24), (200, 50)]


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "200x50"])
def test_notebook_diff(demo_repo: Path, snap_compare: Any, size: tuple[int, int]) -> None:
    app = DiffHost(demo_repo, "main", "feature/wider")

    async def to_notebook(pilot: Any) -> None:
        await settle(pilot)
        await open_file(pilot, "notebooks/explore.ipynb")

    try:
        assert snap_compare(app, terminal_size=size, run_before=to_notebook)
    finally:
        app.repo.close()
