"""Pilot tests of the insight screen on the real demo repo: the tables follow the core's numbers,
marked revisions are highlighted, `[`/`]` change the metric, `space` picks chart params, `tab`
shows the parallel-coordinates chart; at 80x24 and 200x50."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import DataTable, TabbedContent
from textual_plotext import PlotextPlot

from cd4ml_tui.core.config import Settings
from cd4ml_tui.core.insight.rows import insight_rows
from cd4ml_tui.core.insight.stats import insight
from cd4ml_tui.core.model import ColumnKey, RevisionValues
from cd4ml_tui.ui.screens.insight import InsightScreen
from cd4ml_tui.ui.widgets.insight_tables import MARKED_STYLE, InsightTables
from cd4ml_tui.ui.widgets.parallel_view import ParallelView
from tests.ui.helpers import move_to_column, running, settle, table
from tests.ui.insight_host import InsightHost, read_all

pytestmark = [pytest.mark.slow, pytest.mark.anyio]

ACCURACY = ColumnKey("metric", "metrics.json", "accuracy")
LOSS = ColumnKey("metric", "metrics.json", "loss")
MARKED = ("epochs-20", "lr-0.1")


@pytest.fixture(scope="module")
def demo_values(demo_repo) -> list[RevisionValues]:
    return read_all(demo_repo)


def marked_revs(values: list[RevisionValues]) -> set[str]:
    return {v.revision.rev for v in values if v.revision.label in MARKED}


def screen_of(app: Any) -> InsightScreen:
    assert isinstance(app.screen, InsightScreen)
    return app.screen


def cells(table: DataTable, column: int) -> list[str]:
    return [str(table.get_row_at(i)[column]) for i in range(table.row_count)]


async def test_tables_follow_the_core_and_highlight_marked_rows(demo_values):
    marked = marked_revs(demo_values)
    assert len(marked) == 2
    host = InsightHost(demo_values, marked, ACCURACY)
    async with host.run_test(size=(160, 48)) as pilot:
        await settle(host, pilot)
        screen = screen_of(host)
        expected = insight(demo_values, ACCURACY, Settings())
        params = screen.query_one("#insight-params", DataTable)
        assert cells(params, 1) == [p.column.key for p in expected.params]
        assert cells(params, 2)[0] == f"{expected.params[0].spearman:+.3f}"
        # the chart starts with the strongest numeric params, marked ● in the table
        assert screen.chart_params == expected.strongest(4)
        assert cells(params, 0)[: len(screen.chart_params)] == ["●"] * len(screen.chart_params)
        # the groups of the highlighted (first) param; groups holding a marked row stand out
        groups = screen.query_one("#insight-groups", DataTable)
        first = expected.params[0]
        assert cells(groups, 0) == [g.text for g in first.groups]
        for index, group in enumerate(first.groups):
            row = groups.get_row_at(index)
            holds_marked = bool(set(group.revs) & marked)
            assert (row[0].style == MARKED_STYLE) is holds_marked
            names = {v.revision.label for v in demo_values if v.revision.rev in group.revs}
            assert set(filter(None, str(row[5]).split(", "))) == names & set(MARKED)
        # moving the cursor down groups by the next param
        params.focus()
        await pilot.press("j")
        await pilot.pause()
        assert cells(groups, 0) == [g.text for g in expected.params[1].groups]
        summary = screen.query_one("#insight-summary", DataTable)
        accuracy = expected.summary()
        assert accuracy is not None and accuracy.best is not None
        assert cells(summary, 0)[0] == "accuracy" and cells(summary, 2)[0] == str(accuracy.count)
        holder = expected.revision(accuracy.best_rev or "")
        assert holder is not None and cells(summary, 8)[0] == holder.label


async def test_metric_keys_chart_params_and_the_parallel_tab(demo_values):
    marked = marked_revs(demo_values)
    host = InsightHost(demo_values, marked, ACCURACY)
    async with host.run_test(size=(160, 48)) as pilot:
        await settle(host, pilot)
        screen = screen_of(host)
        await pilot.press("right_square_bracket")
        await settle(host, pilot)
        assert screen.metric == LOSS
        tables = screen.query_one(InsightTables)
        assert tables.result is not None and tables.result.metric == LOSS
        assert "loss" in str(screen.query_one("#insight-title").render())
        first = tables.result.params[0].column
        assert first in screen.chart_params
        await pilot.press("space")  # the highlighted (first) param leaves the chart
        await settle(host, pilot)
        assert first not in screen.chart_params
        await pilot.press("space")
        await settle(host, pilot)
        assert screen.chart_params[-1] == first
        await pilot.press("tab")
        await settle(host, pilot)
        assert screen.query_one(TabbedContent).active == "parallel"
        view = screen.query_one(ParallelView)
        assert view.chart is not None
        assert [a.column for a in view.chart.axes] == [*screen.chart_params, LOSS]
        counted = [v for v in insight_rows(demo_values) if v.get(LOSS) is not None]
        assert len(view.chart.lines) == len(counted)
        rows = screen.query_one("#parallel-rows", DataTable)
        losses = [float(str(c)) for c in cells(rows, len(screen.chart_params) + 1)]
        assert losses == sorted(losses)  # loss: lower is better, best first
        styled = {
            str(rows.get_row_at(i)[0])
            for i in range(rows.row_count)
            if rows.get_row_at(i)[0].style == MARKED_STYLE
        }
        assert styled == set(MARKED)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(host.screen, InsightScreen)


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_every_part_is_on_screen_at_small_and_large_sizes(demo_values, size):
    host = InsightHost(demo_values, marked_revs(demo_values), ACCURACY)
    async with host.run_test(size=size) as pilot:
        await settle(host, pilot)
        screen = screen_of(host)
        for selector in ("#insight-params", "#insight-groups", "#insight-summary"):
            region = screen.query_one(selector).region
            assert region.height >= 3 and region.width >= 20, (selector, region)
            assert region.bottom <= size[1] - 1  # above the footer
        # narrow: params and groups stack, each as wide as the screen; wide: side by side
        params = screen.query_one("#insight-params").region
        groups = screen.query_one("#insight-groups").region
        if size[0] < 120:
            assert params.width == groups.width == size[0] and groups.y > params.y
        else:
            assert groups.x >= params.right and params.y == groups.y
        await pilot.press("tab")
        await settle(host, pilot)
        chart = screen.query_one(PlotextPlot).region
        assert chart.height >= 10 and chart.width >= size[0] - 2
        assert screen.query_one("#parallel-rows").region.height >= 3


async def test_i_on_the_main_screen_opens_insight_over_the_shown_rows(demo_repo):
    """Filtered to one baseline's group and two rows marked: `i` analyses exactly those rows,
    with the metric under the cursor."""
    async with running(demo_repo) as (app, pilot):
        grid = table(app)
        await pilot.press("slash")
        for char in "train.lr < 0.05":
            await pilot.press(char if char != " " else "space")
        await pilot.press("enter")
        await settle(app, pilot)
        shown = grid.shown_values
        assert 0 < len(shown) < len(grid.rows_loaded)
        labels_shown = [v.revision.label for v in shown]
        for label in labels_shown[-2:]:
            grid.move_cursor(labels_shown.index(label))
            await pilot.press("space")
        await move_to_column(app, pilot, "metric:metrics.json:loss")
        await pilot.press("i")
        await settle(app, pilot)
        screen = screen_of(app)
        assert screen.rows == insight_rows(shown)
        assert screen.marked == {v.revision.rev for v in grid.marked_values()}
        assert screen.metric == LOSS
        tables = screen.query_one(InsightTables)
        assert tables.result == insight(shown, LOSS, Settings())
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, InsightScreen)
