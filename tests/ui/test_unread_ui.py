"""On a clone without the DVC cache, the TUI says why values are missing: the table keeps a
marked column, compare has a note, and an empty dvc.yaml plot takes one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static
from textual_plotext import PlotextPlot

from cd4ml_tui.core.api import UNREAD_KEY
from cd4ml_tui.core.model import ColumnKey
from cd4ml_tui.ui.widgets.plot_panel import PlotPanel
from tests.ui.compare_host import host_for
from tests.ui.helpers import SIZE, plain, running, settle, table

pytestmark = [pytest.mark.slow, pytest.mark.anyio]

NOTE = "not in local DVC cache; `dvc pull` fetches it"
STATS = ColumnKey("metric", "eval/stats.yaml", UNREAD_KEY)


async def test_table_keeps_a_marked_column_for_a_file_only_the_remote_has(
    nocache_clone: Path,
) -> None:
    async with running(nocache_clone) as (app, _pilot):
        grid = table(app)
        assert STATS in grid.value_columns
        cells = [grid.cell_text(values, STATS.id) for values in grid.rows_loaded]
        assert len(cells) == len(grid.rows_loaded) > 1
        assert set(cells) == {"!"}


async def test_compare_notes_the_missing_metric_and_empty_plots_take_one_line(
    nocache_clone: Path,
) -> None:
    host, repo = host_for(nocache_clone, ["main", "lr-0.1"])
    try:
        async with host.run_test(size=SIZE) as pilot:
            await settle(host, pilot)
            notes = plain(host.screen.query_one("#delta-notes", Static).render())
            assert f"! eval/stats.yaml: {NOTE} (every revision)" in notes
            await pilot.press("tab")
            await settle(host, pilot)
            panel = host.screen.query_one(PlotPanel)
            children = list(panel.children)
            heading = next(
                i
                for i, w in enumerate(children)
                if "dvc-plot" in w.classes and plain(w.render()).strip() == "plots/confusion.json"
            )
            following = children[heading + 1 : heading + 4]
            assert not any(isinstance(w, PlotextPlot) for w in following[:1])
            texts = [plain(w.render()).strip() for w in following]
            assert texts == [
                "no data in these revisions",
                f"main: plots/confusion.json: {NOTE}",
                f"lr-0.1: plots/confusion.json: {NOTE}",
            ]
    finally:
        repo.close()
